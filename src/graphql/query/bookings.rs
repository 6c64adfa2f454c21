//! Booking requests: the patient's status check, and the front desk's lists.

use async_graphql::{Context, ID, InputObject, Object, Result};
use chrono::{DateTime, Utc};

use super::{page_args, wants_total};
use crate::domain::bookings::{self, BookingFilter};
use crate::error::AppError;
use crate::graphql::guards::{FRONT_DESK, RoleGuard};
use crate::graphql::types::common::PageOf;
use crate::graphql::types::{
    BookingReceipt, BookingRequest, BookingRequestConnection, BookingRequestStatus,
};
use crate::graphql::{RequestInfo, db};

#[derive(Default)]
pub struct BookingQuery;

/// Which booking requests to list; every condition given must hold.
#[derive(InputObject, Default)]
pub struct BookingRequestFilter {
    /// Any of these statuses (one status is a list of one).
    pub status: Option<Vec<BookingRequestStatus>>,
    /// Location slug.
    pub location: Option<String>,
    /// Service slug.
    pub service: Option<String>,
    /// Therapist slug: the one the patient asked for, or the one assigned.
    pub therapist: Option<String>,
    /// Submitted at or after this instant.
    pub submitted_from: Option<DateTime<Utc>>,
    /// Submitted before this instant.
    pub submitted_to: Option<DateTime<Utc>>,
    /// Words to find in the patient's name, email or phone, or the reference.
    pub search: Option<String>,
}

impl From<BookingRequestFilter> for BookingFilter {
    fn from(f: BookingRequestFilter) -> Self {
        Self {
            statuses: f
                .status
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            location: f.location,
            service: f.service,
            therapist: f.therapist,
            submitted_from: f.submitted_from,
            submitted_to: f.submitted_to,
            search: f.search,
        }
    }
}

/// A booking request id as clients send it: the UUID.
pub(crate) fn booking_id(id: &ID) -> Option<uuid::Uuid> {
    id.parse().ok()
}

#[Object]
impl BookingQuery {
    /// For the patient: the request with this reference, if it was made with
    /// this email; null otherwise (a wrong reference and a wrong email look the
    /// same). Send it with POST: a URL would carry the email. Lookups that
    /// find nothing are limited per address and per email (RATE_LIMITED).
    #[graphql(cache_control(private))]
    async fn booking_request_status(
        &self,
        ctx: &Context<'_>,
        reference: String,
        email: String,
    ) -> Result<Option<BookingReceipt>> {
        let client = ctx
            .data_opt::<RequestInfo>()
            .and_then(|info| info.client_ip);
        Ok(bookings::look_up_for_patient(
            db(ctx),
            ctx.data_unchecked::<bookings::Policy>(),
            &reference,
            &email,
            client,
            Utc::now(),
        )
        .await?
        .map(BookingReceipt))
    }

    /// Front desk (and ADMIN): booking requests, newest first.
    #[graphql(
        guard = "RoleGuard(FRONT_DESK)",
        complexity = "crate::graphql::page_cost(first, last, child_complexity)"
    )]
    async fn booking_requests(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size from the start (or after `after`).")] first: Option<i32>,
        #[graphql(desc = "Cursor to start after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end (or before `before`).")] last: Option<i32>,
        #[graphql(desc = "Cursor to end before.")] before: Option<String>,
        #[graphql(desc = "Which requests to list.")] filter: Option<BookingRequestFilter>,
    ) -> Result<BookingRequestConnection> {
        let filter = filter.unwrap_or_default();
        super::check_search(filter.search.as_deref())?;
        let filter = filter.into();
        let page = bookings::list(
            db(ctx),
            &filter,
            &page_args(first, after, last, before),
            wants_total(ctx),
        )
        .await?;
        Ok(BookingRequestConnection(PageOf::new(page, BookingRequest)))
    }

    /// Front desk (and ADMIN): the request with this id, with its log; null if there is none.
    #[graphql(guard = "RoleGuard(FRONT_DESK)")]
    async fn booking_request(&self, ctx: &Context<'_>, id: ID) -> Result<Option<BookingRequest>> {
        let Some(id) = booking_id(&id) else {
            return Ok(None);
        };
        Ok(bookings::find(db(ctx), id)
            .await
            .map_err(AppError::from)?
            .map(BookingRequest))
    }
}
