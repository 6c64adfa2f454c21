//! Booking requests: what a patient submits (checked field by field, stored
//! once however often it is retried, counted against per-client limits), what
//! the patient can do with the reference afterwards, how the front desk
//! follows a request up, and how long patient details are kept.
//!
//! Patient details never leave this module in an error message or a log line:
//! problems name fields, never values.
//!
//! The modules, leaves first:
//! - `status`: the statuses' names, the moves between them, history kinds;
//! - `request`: the preferred windows of a stored request, stored times;
//! - `reference`: the codes patients quote;
//! - `snapshot`: the clinic as forms are checked against it, kept in memory;
//! - `check`: checking a form against the snapshot;
//! - `history`: appending entries to a request's history;
//! - `store`: storing checked requests, many at once (group commit);
//! - `submit`: the patient's side, from the form to the stored request;
//! - `follow_up`: the front desk's side;
//! - `retention`: how long patient details are kept.

mod check;
mod follow_up;
mod history;
mod reference;
mod request;
mod retention;
mod snapshot;
mod status;
mod store;
mod submit;

pub use entity::booking_request::ContactMethod;

pub use check::{BookingInput, WindowInput};
pub use follow_up::{
    BookingFilter, add_note, assign_therapist, change_status, events_of, find, list,
    submitted_since,
};
pub use reference::normalise as normalise_reference;
pub use request::{Window, windows};
pub use retention::{PurgeMode, PurgeReport, prune, purge};
pub use status::{
    BookingStatus, can_move, event_kind, is_open, next_statuses, status_name, status_named,
};
pub use store::WorkerConnections;
pub use submit::{
    Intake, Policy, Submission, cancel_by_patient, find_for_patient, look_up_for_patient, submit,
};
