//! What goes into the store and what comes out: a checked request with its
//! key and its limits, and what became of it.

use entity::booking_request;

use crate::domain::limits::Hit;

/// An idempotency key with the fingerprint of the form it came with.
pub struct Claim {
    pub key: String,
    pub fingerprint: String,
}

/// A checked request, ready to store.
pub struct Job {
    /// The row, with a first reference to try.
    pub request: booking_request::Model,
    pub claim: Option<Claim>,
    /// What to count it against; counted at `request.submitted_at`.
    pub hits: Vec<Hit>,
}

/// What became of a request handed to the store.
pub enum StoreOutcome {
    /// Stored, as it is now.
    Stored(Box<booking_request::Model>),
    /// Its key is another request's (or an earlier copy's); nothing was
    /// stored or counted. The claim tells what to answer.
    Claimed,
    /// Refused for one of its limits; nothing was stored or counted.
    RateLimited { retry_after_secs: i64 },
}
