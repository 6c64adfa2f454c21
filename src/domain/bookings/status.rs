//! Where a request is in the front desk's follow-up: the statuses' names
//! (the one list of them; the database and the API show the same), which
//! moves staff may make, and the kinds of entry a request's history holds.

pub use entity::booking_request::BookingStatus;

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

/// The status with this name ([`status_name`]), if any.
pub fn status_named(name: &str) -> Option<BookingStatus> {
    use sea_orm::Iterable;
    BookingStatus::iter().find(|status| status_name(*status) == name)
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

/// What an entry of a request's history records.
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

#[cfg(test)]
mod tests {
    use sea_orm::{ActiveEnum, Iterable};

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

    #[test]
    fn the_names_are_the_database_mapping_and_read_back() {
        for status in BookingStatus::iter() {
            assert_eq!(status_name(status), status.to_value(), "{status:?}");
            assert_eq!(status_named(status_name(status)), Some(status));
        }
        assert_eq!(status_named("new"), None);
    }
}
