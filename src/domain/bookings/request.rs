//! What a stored request holds beyond its plain columns: the preferred
//! windows (a JSON column) and times as precise as the database keeps them.

use chrono::{DateTime, Utc};
use entity::booking_request::Model;
use serde::{Deserialize, Serialize};

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

/// `now` as the database keeps it: PostgreSQL stores microseconds, so a
/// request answered from memory must not show nanoseconds that a later read
/// (a retry's receipt, the front desk's list) would not.
pub fn as_stored(now: DateTime<Utc>) -> DateTime<Utc> {
    use chrono::SubsecRound;
    now.trunc_subsecs(6)
}
