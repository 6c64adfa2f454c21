//! Booking requests: the patient's form and cancellation, and the front
//! desk's follow-up.

use std::sync::Arc;

use async_graphql::{Context, ID, InputObject, Object, Result};
use chrono::{DateTime, Utc};

use super::payload::{payload, payload_of};
use crate::domain::bookings::{self, BookingInput, Intake, Policy, Submission, WindowInput};
use crate::domain::validate::{Code, Field, WriteError, WriteResult};
use crate::graphql::guards::{FRONT_DESK, RoleGuard, require_viewer};
use crate::graphql::query::booking_id;
use crate::graphql::types::{
    BookingReceipt, BookingRequest, BookingRequestStatus, ContactMethod, UserError,
};
use crate::graphql::{RequestInfo, db};

#[derive(Default)]
pub struct BookingMutation;

/// A time the patient could come in: an instant range in RFC 3339, with any
/// offset. It must lie inside one opening range of a day the location is
/// open, as the location's own clock reads it.
#[derive(InputObject)]
pub struct TimeWindowInput {
    /// From, e.g. `2026-12-01T09:00:00-06:00`.
    pub start: DateTime<Utc>,
    /// Until; at least 30 minutes after `start`, on the same local day.
    pub end: DateTime<Utc>,
}

/// A patient's booking form.
#[derive(InputObject)]
pub struct RequestBookingInput {
    /// The patient's full name (1 to 200 characters).
    pub full_name: String,
    /// Where the clinic can write.
    pub email: String,
    /// A phone number the clinic can call, in any common form; numbers
    /// without a `+` are read as the clinic's country dials them.
    pub phone: String,
    /// How the patient would like to be contacted.
    pub preferred_contact: ContactMethod,
    /// Slug of the service wanted; it must be offered at the location.
    pub service: String,
    /// Slug of the location.
    pub location: String,
    /// Slug of a preferred therapist, who must offer the service there.
    pub therapist: Option<String>,
    /// 1 to 5 times the patient could come in, within the next 90 days.
    pub preferred_windows: Vec<TimeWindowInput>,
    /// Whether this is the patient's first visit.
    pub new_patient: bool,
    /// Whether a physician referred the patient.
    #[graphql(default = false)]
    pub physician_referral: bool,
    /// The insurance provider; leave out when paying yourself (`selfPay`).
    pub insurance_provider: Option<String>,
    /// The patient pays without insurance.
    #[graphql(default = false)]
    pub self_pay: bool,
    /// Anything the patient wants the clinic to know (up to 2000 characters).
    pub message: Option<String>,
    /// The patient agrees that the clinic stores this request to answer it. Must be true.
    pub consent: bool,
    /// A key unique to this request (a UUID), so that sending it again after
    /// a lost answer stores nothing new; the `Idempotency-Key` header does the same.
    pub idempotency_key: Option<String>,
    /// When the form was shown to the patient; a form sent back within
    /// seconds is taken for a bot's.
    pub form_opened_at: Option<DateTime<Utc>>,
    /// Leave empty. Forms hide this field from people; what fills it in is a bot.
    pub website: Option<String>,
}

impl RequestBookingInput {
    fn to_domain(&self) -> BookingInput {
        BookingInput {
            full_name: self.full_name.clone(),
            email: self.email.clone(),
            phone: self.phone.clone(),
            preferred_contact: self.preferred_contact.into(),
            service: self.service.clone(),
            location: self.location.clone(),
            therapist: self.therapist.clone(),
            preferred_windows: self
                .preferred_windows
                .iter()
                .map(|w| WindowInput {
                    start: w.start,
                    end: w.end,
                })
                .collect(),
            new_patient: self.new_patient,
            physician_referral: self.physician_referral,
            insurance_provider: self.insurance_provider.clone(),
            self_pay: self.self_pay,
            message: self.message.clone(),
            consent: self.consent,
        }
    }
}

payload!(
    RequestBookingPayload,
    "requestBooking",
    receipt: BookingReceipt,
    "receipt of the stored request"
);
payload!(
    CancelBookingRequestPayload,
    "cancelBookingRequest",
    receipt: BookingReceipt,
    "receipt of the cancelled request"
);

/// The result of a front-desk change to a booking request.
#[derive(async_graphql::SimpleObject)]
pub struct BookingRequestPayload {
    /// The request as it is now: after the change, or, when someone else
    /// changed it first (STALE_STATUS), as they left it. Null when it does not exist.
    pub booking_request: Option<BookingRequest>,
    /// What to fix; when there is any, nothing was written.
    pub user_errors: Vec<UserError>,
}

/// The key the header and the input name, which must agree.
fn idempotency_key<'a>(
    header: Option<&'a str>,
    input: Option<&'a str>,
) -> WriteResult<Option<&'a str>> {
    match (header, input) {
        (Some(h), Some(i)) if h != i => Err(WriteError::invalid(
            &Field::new(&["input", "idempotencyKey"]),
            Code::InvalidState,
            "differs from the Idempotency-Key header; send one key",
        )),
        (h, i) => Ok(h.or(i)),
    }
}

/// A front-desk change's result: on STALE_STATUS the payload shows the
/// request as it is now.
async fn staff_change(
    ctx: &Context<'_>,
    id: Option<uuid::Uuid>,
    result: WriteResult<entity::booking_request::Model>,
) -> Result<BookingRequestPayload> {
    match result {
        Ok(request) => Ok(BookingRequestPayload {
            booking_request: Some(BookingRequest(request)),
            user_errors: Vec::new(),
        }),
        Err(WriteError::Invalid(problems)) => {
            let stale = problems.iter().any(|p| p.code == Code::StaleStatus);
            let current = match (stale, id) {
                (true, Some(id)) => bookings::find(db(ctx), id)
                    .await
                    .map_err(crate::error::AppError::from)?,
                _ => None,
            };
            Ok(BookingRequestPayload {
                booking_request: current.map(BookingRequest),
                user_errors: problems.into_iter().map(UserError::from).collect(),
            })
        }
        Err(WriteError::Failed(error)) => Err(error.into()),
    }
}

#[Object]
impl BookingMutation {
    /// For patients: asks the clinic for an appointment. Every mistake comes
    /// back at once in `userErrors`, and then nothing is stored. Sending the
    /// same request again with the same idempotency key returns the same
    /// receipt; the same key with a different request is IDEMPOTENCY_CONFLICT.
    /// Too many requests from one address or email are RATE_LIMITED.
    async fn request_booking(
        &self,
        ctx: &Context<'_>,
        input: RequestBookingInput,
    ) -> Result<RequestBookingPayload> {
        let info = ctx.data_opt::<RequestInfo>().cloned().unwrap_or_default();
        let result = match idempotency_key(
            info.idempotency_key.as_deref(),
            input.idempotency_key.as_deref(),
        ) {
            Err(error) => Err(error),
            Ok(key) => {
                let domain_input = input.to_domain();
                let submission = Submission {
                    input: &domain_input,
                    idempotency_key: key,
                    honeypot: input.website.as_deref(),
                    form_opened_at: input.form_opened_at,
                    client_ip: info.client_ip,
                };
                bookings::submit(
                    ctx.data_unchecked::<Arc<Intake>>(),
                    ctx.data_unchecked::<Policy>(),
                    submission,
                    Utc::now(),
                )
                .await
            }
        };
        payload_of(result, BookingReceipt)
    }

    /// For patients: cancels a request that is not yet scheduled, given its
    /// reference and the email it was made with.
    async fn cancel_booking_request(
        &self,
        ctx: &Context<'_>,
        reference: String,
        email: String,
    ) -> Result<CancelBookingRequestPayload> {
        let client = ctx
            .data_opt::<RequestInfo>()
            .and_then(|info| info.client_ip);
        let result = bookings::cancel_by_patient(
            db(ctx),
            ctx.data_unchecked::<Policy>(),
            &reference,
            &email,
            client,
            Utc::now(),
        )
        .await;
        payload_of(result, BookingReceipt)
    }

    /// Front desk (and ADMIN): moves a request on, if it is still in
    /// `expectedStatus` (else STALE_STATUS, and the payload shows it as it
    /// is). Allowed: NEW → CONTACTED → SCHEDULED, and any open status
    /// (NEW, CONTACTED, SCHEDULED) → DECLINED, SPAM or CANCELLED.
    #[graphql(guard = "RoleGuard(FRONT_DESK)")]
    async fn update_booking_request_status(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_status: BookingRequestStatus,
        status: BookingRequestStatus,
        #[graphql(desc = "Why, for the request's log (up to 2000 characters).")] note: Option<
            String,
        >,
    ) -> Result<BookingRequestPayload> {
        let viewer = require_viewer(ctx)?;
        let id = booking_id(&id);
        let result = bookings::change_status(
            db(ctx),
            viewer.staff.id,
            id,
            expected_status.into(),
            status.into(),
            note.as_deref(),
            Utc::now(),
        )
        .await;
        staff_change(ctx, id, result).await
    }

    /// Front desk (and ADMIN): assigns an active therapist (by slug) who works
    /// at the request's location and offers its service, or with null removes
    /// the assignment.
    #[graphql(guard = "RoleGuard(FRONT_DESK)")]
    async fn assign_booking_request_therapist(
        &self,
        ctx: &Context<'_>,
        id: ID,
        therapist: Option<String>,
        #[graphql(desc = "For the request's log (up to 2000 characters).")] note: Option<String>,
    ) -> Result<BookingRequestPayload> {
        let viewer = require_viewer(ctx)?;
        let id = booking_id(&id);
        let result = bookings::assign_therapist(
            db(ctx),
            viewer.staff.id,
            id,
            therapist.as_deref(),
            note.as_deref(),
            Utc::now(),
        )
        .await;
        staff_change(ctx, id, result).await
    }

    /// Front desk (and ADMIN): adds a note to a request's log.
    #[graphql(guard = "RoleGuard(FRONT_DESK)")]
    async fn add_booking_request_note(
        &self,
        ctx: &Context<'_>,
        id: ID,
        #[graphql(desc = "1 to 2000 characters.")] note: String,
    ) -> Result<BookingRequestPayload> {
        let viewer = require_viewer(ctx)?;
        let id = booking_id(&id);
        let result = bookings::add_note(db(ctx), viewer.staff.id, id, &note, Utc::now()).await;
        staff_change(ctx, id, result).await
    }
}
