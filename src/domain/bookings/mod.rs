//! Booking requests: what a patient submits (checked field by field, stored
//! once however often it is retried, counted against per-client limits), what
//! the patient can do with the reference afterwards, how the front desk
//! follows a request up, and how long patient details are kept.
//!
//! Patient details never leave this module in an error message or a log line:
//! problems name fields, never values.

mod batch;
mod check;
mod clinic;
mod express;
mod follow_up;
mod reference;
mod retention;
mod submit;
mod writer;

use chrono::{DateTime, Utc};
use entity::booking_request::Model;
pub use entity::booking_request::{BookingStatus, ContactMethod};
use serde::{Deserialize, Serialize};

pub use check::{BookingInput, WindowInput};
pub use follow_up::{
    BookingFilter, add_note, assign_therapist, change_status, events_of, find, list,
    submitted_since,
};
pub use reference::normalise as normalise_reference;
pub use retention::{PurgeMode, PurgeReport, prune, purge};
pub use submit::{
    Intake, Policy, Submission, cancel_by_patient, find_for_patient, look_up_for_patient, submit,
};
pub use writer::Lanes;

/// A time the patient could come in, as an instant range.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// The windows stored with a request.
pub fn windows(request: &Model) -> Vec<Window> {
    serde_json::from_value(request.preferred_windows.clone()).unwrap_or_default()
}

/// What an entry of a request's log records.
pub mod event_kind {
    /// The patient submitted the request.
    pub const SUBMITTED: &str = "SUBMITTED";
    /// Staff moved it to another status.
    pub const STATUS_CHANGED: &str = "STATUS_CHANGED";
    /// The patient cancelled it with the reference and email.
    pub const CANCELLED_BY_PATIENT: &str = "CANCELLED_BY_PATIENT";
    /// Staff assigned a therapist, or removed the assignment.
    pub const ASSIGNED: &str = "ASSIGNED";
    /// Staff added a note.
    pub const NOTE: &str = "NOTE";
}

/// Whether the front desk still has something to do with a request in this
/// status (a scheduled one may still be cancelled or declined).
pub fn is_open(status: BookingStatus) -> bool {
    matches!(
        status,
        BookingStatus::New | BookingStatus::Contacted | BookingStatus::Scheduled
    )
}

/// Whether staff may move a request from `from` to `to`: forward one step
/// (NEW → CONTACTED → SCHEDULED), or from any open status to DECLINED, SPAM
/// or CANCELLED.
pub fn can_move(from: BookingStatus, to: BookingStatus) -> bool {
    use BookingStatus::*;
    match (from, to) {
        (New, Contacted) | (Contacted, Scheduled) => true,
        (from, Declined | Spam | Cancelled) => is_open(from),
        _ => false,
    }
}

/// The statuses staff may move a request in `from` to.
pub fn next_statuses(from: BookingStatus) -> Vec<BookingStatus> {
    use sea_orm::Iterable;
    BookingStatus::iter()
        .filter(|to| can_move(from, *to))
        .collect()
}

/// `now` as the database keeps it: PostgreSQL stores microseconds, so a
/// request answered from memory must not show nanoseconds that a later read
/// (a retry's receipt, the front desk's list) would not.
pub(crate) fn as_stored(now: DateTime<Utc>) -> DateTime<Utc> {
    use chrono::SubsecRound;
    now.trunc_subsecs(6)
}

/// Upper-case name of a status, as stored and as the API shows it.
pub fn status_name(status: BookingStatus) -> &'static str {
    match status {
        BookingStatus::New => "NEW",
        BookingStatus::Contacted => "CONTACTED",
        BookingStatus::Scheduled => "SCHEDULED",
        BookingStatus::Declined => "DECLINED",
        BookingStatus::Cancelled => "CANCELLED",
        BookingStatus::Spam => "SPAM",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use BookingStatus::*;

    #[test]
    fn only_the_allowed_transitions_are_allowed() {
        assert_eq!(next_statuses(New), [Contacted, Declined, Cancelled, Spam]);
        assert_eq!(
            next_statuses(Contacted),
            [Scheduled, Declined, Cancelled, Spam]
        );
        assert_eq!(next_statuses(Scheduled), [Declined, Cancelled, Spam]);
        for closed in [Declined, Cancelled, Spam] {
            assert!(next_statuses(closed).is_empty(), "{closed:?} is closed");
        }
        assert!(!can_move(New, Scheduled));
        assert!(!can_move(Contacted, New));
    }
}
