//! Booking requests as the API shows them: `BookingReceipt` to the patient
//! (no health details), `BookingRequest` with everything to the front desk.

use async_graphql::{Context, Enum, ID, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{booking_request, booking_request_event, staff};

use super::common::connection;
use super::{Location, Service, StaffMember, Therapist};
use crate::domain::bookings::{self, next_statuses};
use crate::error::AppError;
use crate::graphql::loaders::{
    EventsOfBooking, LocationById, ServiceById, StaffById, TherapistById,
};
use crate::graphql::{load, load_all, load_many};

/// Where a booking request is in the front desk's follow-up.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(remote = "entity::booking_request::BookingStatus")]
pub enum BookingRequestStatus {
    /// Received; nobody has contacted the patient yet.
    New,
    /// The front desk has been in touch with the patient.
    Contacted,
    /// An appointment was made.
    Scheduled,
    /// The clinic cannot take it (for example, the service is not right for the patient).
    Declined,
    /// Cancelled by the patient or for the patient.
    Cancelled,
    /// Not a real request.
    Spam,
}

/// How the patient would like to be contacted.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(remote = "entity::booking_request::ContactMethod")]
pub enum ContactMethod {
    /// By email.
    Email,
    /// By a phone call.
    Phone,
    /// By text message.
    Text,
}

/// A time the patient could come in.
#[derive(SimpleObject, Clone, Copy)]
pub struct TimeWindow {
    /// From (an instant; show it in the location's time zone).
    pub start: DateTime<Utc>,
    /// Until.
    pub end: DateTime<Utc>,
}

fn windows(request: &booking_request::Model) -> Vec<TimeWindow> {
    bookings::windows(request)
        .into_iter()
        .map(|w| TimeWindow {
            start: w.start,
            end: w.end,
        })
        .collect()
}

async fn service(ctx: &Context<'_>, id: i32) -> Result<Service> {
    load(ctx, ServiceById(id))
        .await?
        .map(Service)
        .ok_or_else(|| {
            AppError::Internal("a booking request names a missing service".into()).into()
        })
}

async fn location(ctx: &Context<'_>, id: i32) -> Result<Location> {
    load(ctx, LocationById(id))
        .await?
        .map(Location)
        .ok_or_else(|| {
            AppError::Internal("a booking request names a missing location".into()).into()
        })
}

async fn therapist(ctx: &Context<'_>, id: Option<i32>) -> Result<Option<Therapist>> {
    match id {
        Some(id) => Ok(load(ctx, TherapistById(id)).await?.map(Therapist)),
        None => Ok(None),
    }
}

/// What the patient gets back: enough to quote and check the request, and
/// nothing of the health details it carries.
pub struct BookingReceipt(pub booking_request::Model);

/// What the patient gets back: enough to quote and check the request, and
/// nothing of the health details it carries.
#[Object(cache_control(private))]
impl BookingReceipt {
    /// The request's id, a UUID that begins with the time it was submitted
    /// (the front desk's `bookingRequest(id)`).
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// The reference to quote, e.g. `PTF-7KQ2M9`.
    async fn reference(&self) -> &str {
        &self.0.reference
    }

    /// Where the request stands.
    async fn status(&self) -> BookingRequestStatus {
        // What the clinic took for spam is not announced to its sender.
        match self.0.status {
            booking_request::BookingStatus::Spam => BookingRequestStatus::New,
            status => status.into(),
        }
    }

    /// When the clinic received it.
    async fn submitted_at(&self) -> DateTime<Utc> {
        self.0.submitted_at
    }

    /// The service asked for.
    async fn service(&self, ctx: &Context<'_>) -> Result<Service> {
        service(ctx, self.0.service_id).await
    }

    /// Where.
    async fn location(&self, ctx: &Context<'_>) -> Result<Location> {
        location(ctx, self.0.location_id).await
    }

    /// The therapist asked for, if any.
    async fn therapist(&self, ctx: &Context<'_>) -> Result<Option<Therapist>> {
        therapist(ctx, self.0.therapist_id).await
    }

    /// The times the patient offered.
    async fn preferred_windows(&self) -> Vec<TimeWindow> {
        windows(&self.0)
    }
}

/// A patient's request for an appointment, with every detail: for the front desk only.
pub struct BookingRequest(pub booking_request::Model);

connection!(
    BookingRequestConnection,
    BookingRequestEdge,
    BookingRequest,
    "booking requests"
);

/// A patient's request for an appointment, with every detail: for the front desk only.
#[Object(cache_control(private))]
impl BookingRequest {
    /// A UUID.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// The reference the patient quotes.
    async fn reference(&self) -> &str {
        &self.0.reference
    }

    /// Where the request stands.
    async fn status(&self) -> BookingRequestStatus {
        self.0.status.into()
    }

    /// The statuses it may be moved to next.
    async fn next_statuses(&self) -> Vec<BookingRequestStatus> {
        next_statuses(self.0.status)
            .into_iter()
            .map(Into::into)
            .collect()
    }

    /// The patient's full name (empty once anonymised).
    async fn full_name(&self) -> &str {
        &self.0.full_name
    }

    /// The patient's email (empty once anonymised).
    async fn email(&self) -> &str {
        &self.0.email
    }

    /// The patient's phone in E.164 (empty once anonymised).
    async fn phone(&self) -> &str {
        &self.0.phone_e164
    }

    /// How the patient would like to be contacted.
    async fn preferred_contact(&self) -> ContactMethod {
        self.0.preferred_contact.into()
    }

    /// The service asked for.
    async fn service(&self, ctx: &Context<'_>) -> Result<Service> {
        service(ctx, self.0.service_id).await
    }

    /// Where.
    async fn location(&self, ctx: &Context<'_>) -> Result<Location> {
        location(ctx, self.0.location_id).await
    }

    /// The therapist the patient asked for, if any.
    async fn preferred_therapist(&self, ctx: &Context<'_>) -> Result<Option<Therapist>> {
        therapist(ctx, self.0.therapist_id).await
    }

    /// The therapist the front desk assigned, if any.
    async fn assigned_therapist(&self, ctx: &Context<'_>) -> Result<Option<Therapist>> {
        therapist(ctx, self.0.assigned_therapist_id).await
    }

    /// The times the patient offered.
    async fn preferred_windows(&self) -> Vec<TimeWindow> {
        windows(&self.0)
    }

    /// Whether this is the patient's first visit.
    async fn new_patient(&self) -> bool {
        self.0.new_patient
    }

    /// Whether a physician referred the patient.
    async fn physician_referral(&self) -> bool {
        self.0.physician_referral
    }

    /// The insurance provider; null when the patient pays themselves (or once anonymised).
    async fn insurance_provider(&self) -> Option<&str> {
        self.0.insurance_provider.as_deref()
    }

    /// What the patient wrote.
    async fn message(&self) -> Option<&str> {
        self.0.message.as_deref()
    }

    /// When it was received.
    async fn submitted_at(&self) -> DateTime<Utc> {
        self.0.submitted_at
    }

    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }

    /// When the patient's details were removed under the retention setting.
    async fn anonymised_at(&self) -> Option<DateTime<Utc>> {
        self.0.anonymised_at
    }

    /// Everything that happened to it, oldest first.
    async fn events(&self, ctx: &Context<'_>) -> Result<Vec<BookingRequestEvent>> {
        let events = load_many(ctx, EventsOfBooking(self.0.id)).await?;
        let mut staff_ids: Vec<i32> = events.iter().filter_map(|e| e.staff_id).collect();
        staff_ids.sort_unstable();
        staff_ids.dedup();
        let staff = load_all(ctx, staff_ids.into_iter().map(StaffById)).await?;
        Ok(events
            .into_iter()
            .map(|event| {
                let by = event
                    .staff_id
                    .and_then(|id| staff.get(&StaffById(id)).cloned());
                BookingRequestEvent { event, by }
            })
            .collect())
    }
}

/// What happened to a booking request.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum BookingEventKind {
    /// The patient submitted it.
    Submitted,
    /// Staff changed its status.
    StatusChanged,
    /// The patient cancelled it.
    CancelledByPatient,
    /// Staff assigned a therapist, or removed the assignment.
    Assigned,
    /// Staff added a note.
    Note,
}

fn status_of(stored: Option<&String>) -> Option<BookingRequestStatus> {
    stored
        .and_then(|s| bookings::status_named(s))
        .map(Into::into)
}

/// One entry of a booking request's log.
pub struct BookingRequestEvent {
    event: booking_request_event::Model,
    by: Option<staff::Model>,
}

/// One entry of a booking request's log.
#[Object(cache_control(private))]
impl BookingRequestEvent {
    /// When.
    async fn at(&self) -> DateTime<Utc> {
        self.event.at
    }

    /// What happened.
    async fn kind(&self) -> Result<BookingEventKind> {
        use bookings::event_kind as k;
        Ok(match self.event.kind.as_str() {
            k::SUBMITTED => BookingEventKind::Submitted,
            k::STATUS_CHANGED => BookingEventKind::StatusChanged,
            k::CANCELLED_BY_PATIENT => BookingEventKind::CancelledByPatient,
            k::ASSIGNED => BookingEventKind::Assigned,
            k::NOTE => BookingEventKind::Note,
            _ => return Err(AppError::Internal("unknown booking event kind".into()).into()),
        })
    }

    /// The status before, for a status change or a cancellation.
    async fn from_status(&self) -> Option<BookingRequestStatus> {
        status_of(self.event.from_status.as_ref())
    }

    /// The status after, for a submission, a status change or a cancellation.
    async fn to_status(&self) -> Option<BookingRequestStatus> {
        status_of(self.event.to_status.as_ref())
    }

    /// What staff wrote.
    async fn note(&self) -> Option<&str> {
        self.event.note.as_deref()
    }

    /// The staff member who acted; null when the patient did (or the account is gone).
    async fn staff(&self) -> Option<StaffMember> {
        self.by.clone().map(StaffMember)
    }

    /// For an assignment, the therapist assigned; null for an unassignment.
    async fn therapist(&self, ctx: &Context<'_>) -> Result<Option<Therapist>> {
        therapist(ctx, self.event.therapist_id).await
    }
}

#[cfg(test)]
mod tests {
    use async_graphql::resolver_utils::EnumType;

    use super::*;

    #[test]
    fn the_api_names_statuses_as_the_domain_does() {
        for item in BookingRequestStatus::items() {
            let status = bookings::BookingStatus::from(item.value);
            assert_eq!(item.name, bookings::status_name(status));
        }
    }
}
