//! What the PostgreSQL statements that store a batch share: the rows they
//! take as one JSON parameter ([`Row`], [`input_rows`]), how they insert the
//! requests ([`insert_requests_from`]), what they answer per row
//! ([`Attempt`]), and about how many bytes a job adds to them ([`weight`]).

use chrono::{DateTime, Utc};
use sea_orm::DbErr;
use serde::Serialize;
use uuid::Uuid;

use super::job::Job;
use crate::domain::bookings::status::status_name;

/// Tries at a fresh reference before giving up (each collision is one in
/// hundreds of millions).
pub(super) const REFERENCE_ATTEMPTS: usize = 8;

/// What one try did with a job.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Attempt {
    Stored,
    /// Its key was claimed before: nothing written.
    Claimed,
    /// Written, but another transaction claimed the key meanwhile: the
    /// request must go again.
    Lost,
    /// Its reference is taken: nothing written; try another.
    Clash,
}

impl Attempt {
    pub(super) fn parse(text: &str) -> Result<Self, DbErr> {
        match text {
            "stored" => Ok(Self::Stored),
            "claimed" => Ok(Self::Claimed),
            "lost" => Ok(Self::Lost),
            "clash" => Ok(Self::Clash),
            other => Err(DbErr::Custom(format!("unknown placement {other:?}"))),
        }
    }
}

/// One row of the PostgreSQL statement's JSON parameter.
#[derive(Serialize)]
pub(super) struct Row<'a> {
    id: Uuid,
    reference: &'a str,
    full_name: &'a str,
    email: &'a str,
    phone_e164: &'a str,
    preferred_contact: String,
    service_id: i32,
    location_id: i32,
    therapist_id: Option<i32>,
    preferred_windows: &'a serde_json::Value,
    new_patient: bool,
    physician_referral: bool,
    insurance_provider: Option<&'a str>,
    message: Option<&'a str>,
    status: &'static str,
    submitted_at: DateTime<Utc>,
    key: Option<&'a str>,
    fingerprint: Option<&'a str>,
}

impl<'a> Row<'a> {
    pub(super) fn of(job: &'a Job) -> Self {
        use sea_orm::ActiveEnum;
        let r = &job.request;
        Self {
            id: r.id,
            reference: &r.reference,
            full_name: &r.full_name,
            email: &r.email,
            phone_e164: &r.phone_e164,
            preferred_contact: r.preferred_contact.to_value(),
            service_id: r.service_id,
            location_id: r.location_id,
            therapist_id: r.therapist_id,
            preferred_windows: &r.preferred_windows,
            new_patient: r.new_patient,
            physician_referral: r.physician_referral,
            insurance_provider: r.insurance_provider.as_deref(),
            message: r.message.as_deref(),
            status: status_name(r.status),
            submitted_at: r.submitted_at,
            key: job.claim.as_ref().map(|c| c.key.as_str()),
            fingerprint: job.claim.as_ref().map(|c| c.fingerprint.as_str()),
        }
    }
}

/// About how many bytes `job` adds to the batch's statement: its row's
/// text and the names of its fields, its hits and its news.
pub(super) fn weight(job: &Job) -> usize {
    let r = &job.request;
    let text = [
        Some(r.full_name.as_str()),
        Some(r.email.as_str()),
        Some(r.phone_e164.as_str()),
        r.insurance_provider.as_deref(),
        r.message.as_deref(),
        job.claim.as_ref().map(|c| c.key.as_str()),
        job.claim.as_ref().map(|c| c.fingerprint.as_str()),
    ];
    let windows = r.preferred_windows.as_array().map_or(1, Vec::len);
    let hits: usize = job.hits.iter().map(|h| 160 + h.bucket.len()).sum();
    // The news and the field names of the hits ([`super::single_statement`]).
    let news = 96;
    512 + text.into_iter().flatten().map(str::len).sum::<usize>() + 96 * windows + hits + news
}

/// The rows of the PostgreSQL statements' first parameter, a JSON array of
/// [`Row`]s (and `extra` columns), as a `SELECT`.
macro_rules! input_rows {
    ($($extra:literal)?) => {
        concat!(
            "SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(
        id uuid, reference text, full_name text, email text, phone_e164 text,
        preferred_contact text, service_id integer, location_id integer, therapist_id integer,
        preferred_windows json, new_patient boolean, physician_referral boolean,
        insurance_provider text, message text, status text, submitted_at timestamptz,
        key text, fingerprint text"
            $(, $extra)?,
            ")"
        )
    };
}

/// Inserting the requests of `from`, a row set of [`input_rows`]' columns
/// (PostgreSQL).
macro_rules! insert_requests_from {
    ($from:literal) => {
        concat!(
            "INSERT INTO booking_request (id, reference, full_name, email, phone_e164, preferred_contact,
        service_id, location_id, therapist_id, preferred_windows, new_patient, physician_referral,
        insurance_provider, message, consent, status, submitted_at, updated_at)
    SELECT id, reference, full_name, email, phone_e164, preferred_contact,
        service_id, location_id, therapist_id, preferred_windows, new_patient, physician_referral,
        insurance_provider, message, TRUE, status, submitted_at, submitted_at
    FROM ",
            $from
        )
    };
}

pub(super) use {input_rows, insert_requests_from};

#[cfg(test)]
mod tests {
    use super::super::test_support::job;
    use super::*;

    #[test]
    fn a_jobs_weight_is_at_least_the_json_its_row_sends() {
        for (message, windows) in [(0, 1), (40, 2), (2000, 3), (4000, 8)] {
            let job = job(Some("key-1"), message, windows);
            let sent = serde_json::to_vec(&Row::of(&job)).unwrap().len();
            let weight = weight(&job);
            assert!(sent <= weight, "{sent} bytes sent, weighed {weight}");
            assert!(weight < sent + 1024, "{sent} bytes sent, weighed {weight}");
        }
    }
}
