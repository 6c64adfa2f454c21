//! Storing a booking request exactly once, and what the patient can do with
//! the reference afterwards.

use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};
use entity::{booking_idempotency, booking_request};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, TransactionTrait};
use uuid::{NoContext, Timestamp, Uuid};

use super::check::{BookingInput, Checked, check};
use super::history::{Entry, log_event, set_status_if};
use super::reference;
use super::request::as_stored;
use super::snapshot::SnapshotCache;
use super::status::{BookingStatus, event_kind};
use super::store::{Claim, Job, StoreOutcome, WorkerConnections, Writer};
use crate::domain::limits::{self, Hit, Limit};
use crate::domain::validate::{Code, Field, Problems, WriteError, WriteResult};
use crate::error::AppError;
use crate::events::Events;

/// Longest idempotency key accepted.
pub const MAX_KEY_LENGTH: usize = 200;

/// How the service guards the form against abuse.
#[derive(Clone, Debug)]
pub struct Policy {
    /// Stored requests per client IP address and window; `None` for no limit.
    pub per_ip: Option<Limit>,
    /// Stored requests per email address and window; `None` for no limit.
    pub per_email: Option<Limit>,
    /// Patient lookups and cancellations that match nothing, per client
    /// address and window; `None` for no limit.
    pub lookups_per_ip: Option<Limit>,
    /// The same per email address.
    pub lookups_per_email: Option<Limit>,
    /// A form sent sooner than this after it was opened is taken for a bot's.
    pub min_fill_time: Duration,
    /// Where phone numbers without a `+` are dialled from.
    pub phone_region: phonenumber::country::Id,
}

impl Default for Policy {
    fn default() -> Self {
        let hourly = |max| {
            Some(Limit {
                max,
                window: Duration::hours(1),
            })
        };
        Self {
            per_ip: hourly(10),
            per_email: hourly(5),
            lookups_per_ip: hourly(30),
            lookups_per_email: hourly(10),
            min_fill_time: Duration::seconds(3),
            phone_region: phonenumber::country::Id::US,
        }
    }
}

/// A form as it arrived, with what the request around it tells.
pub struct Submission<'a> {
    pub input: &'a BookingInput,
    /// From the `Idempotency-Key` header or the input; the caller has made
    /// sure the two agree.
    pub idempotency_key: Option<&'a str>,
    /// The field people never see; a bot fills it in.
    pub honeypot: Option<&'a str>,
    /// When the client says the form was opened.
    pub form_opened_at: Option<DateTime<Utc>>,
    pub client_ip: Option<IpAddr>,
}

/// Where booking requests come in, one per instance (kept in the schema's
/// data): the snapshot of the clinic that forms are checked against, and the
/// writer that stores them in batches.
pub struct Intake {
    db: DatabaseConnection,
    clinic: SnapshotCache,
    writer: Writer,
}

impl Intake {
    /// Nothing starts here: the first booking reads the clinic and starts
    /// the writer.
    pub fn new(
        db: DatabaseConnection,
        events: Events,
        worker_connections: WorkerConnections,
    ) -> Self {
        Self {
            clinic: SnapshotCache::new(&events),
            writer: Writer::new(db.clone(), events, worker_connections),
            db,
        }
    }

    /// Statements the writer has run on a connection of its own (on
    /// PostgreSQL), which a count of the shared pool's statements misses.
    pub fn own_statements(&self) -> u64 {
        self.writer.own_statements()
    }
}

/// Stores the request once: a retry with the same idempotency key and the
/// same input returns the request stored the first time, however the two
/// calls interleave. A form that looks sent by a bot is stored as SPAM.
///
/// The form is checked against the clinic's snapshot, without a statement;
/// a valid one is stored, counted, logged and announced by the writer, in a
/// batch with the requests that arrived meanwhile (see [`super::store`]).
pub async fn submit(
    intake: &Intake,
    policy: &Policy,
    submission: Submission<'_>,
    now: DateTime<Utc>,
) -> WriteResult<booking_request::Model> {
    let now = as_stored(now);
    let fingerprint = fingerprint(submission.input)?;
    let key = submission.idempotency_key;
    if let Some(key) = key {
        check_key(key)?;
    }
    let clinic = intake.clinic.get(&intake.db, now).await?;
    let checked = match check(&clinic, submission.input, policy.phone_region, now) {
        Ok(checked) => checked,
        // A retry of a stored request gets it back even if its form would
        // not pass today (its window has begun, the therapist has left).
        Err(problems) => return replay_or(&intake.db, key, &fingerprint, problems).await,
    };
    let status = if looks_like_spam(&submission, policy, now) {
        BookingStatus::Spam
    } else {
        BookingStatus::New
    };
    let job = Job {
        hits: hits(policy, submission.client_ip, &checked.email),
        request: request(checked, status, now)?,
        claim: key.map(|key| Claim {
            key: key.to_owned(),
            fingerprint: fingerprint.clone(),
        }),
    };
    match intake.writer.store(job).await? {
        StoreOutcome::Stored(stored) => Ok(*stored),
        StoreOutcome::RateLimited { retry_after_secs } => {
            Err(AppError::RateLimited { retry_after_secs }.into())
        }
        // Only a request with a key can find it claimed.
        StoreOutcome::Claimed => {
            let vanished = WriteError::from(AppError::Internal(
                "an idempotency key vanished while in use".into(),
            ));
            replay_or(&intake.db, key, &fingerprint, vanished).await
        }
    }
}

/// The request the key was first used for, if any (IDEMPOTENCY_CONFLICT if
/// for another form); else `error`.
async fn replay_or(
    db: &DatabaseConnection,
    key: Option<&str>,
    fingerprint: &str,
    error: WriteError,
) -> WriteResult<booking_request::Model> {
    let first = match key {
        Some(key) => replay(db, key, fingerprint).await?,
        None => None,
    };
    first.ok_or(error)
}

/// What a request is counted against: its address (an IPv6 one by its /64
/// network) and its email, each under its own limit, in that order (the
/// first refusal is the one told).
fn hits(policy: &Policy, client_ip: Option<IpAddr>, email: &str) -> Vec<Hit> {
    limits::client_hits("booking", policy.per_ip, client_ip, policy.per_email, email)
}

/// The request a key was first used for, when it came with the same input;
/// IDEMPOTENCY_CONFLICT when it came with another.
async fn replay(
    db: &DatabaseConnection,
    key: &str,
    fingerprint: &str,
) -> WriteResult<Option<booking_request::Model>> {
    let Some(found) = booking_idempotency::Entity::find_by_id(key.to_owned())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if found.fingerprint != fingerprint {
        return Err(AppError::IdempotencyConflict.into());
    }
    Ok(
        booking_request::Entity::find_by_id(found.booking_request_id)
            .one(db)
            .await?,
    )
}

/// SHA-256 of the input, so a retry can be told from a different request
/// without keeping the input twice.
fn fingerprint(input: &BookingInput) -> Result<String, AppError> {
    let json = serde_json::to_vec(input)
        .map_err(|_| AppError::Internal("a booking form could not be fingerprinted".into()))?;
    Ok(crate::digest::sha256_hex(&json))
}

fn check_key(key: &str) -> WriteResult<()> {
    let mut p = Problems::default();
    if key.is_empty() || key.len() > MAX_KEY_LENGTH || !key.bytes().all(|b| b.is_ascii_graphic()) {
        p.add(
            &Field::new(&["input", "idempotencyKey"]),
            Code::InvalidFormat,
            format!(
                "the idempotency key must be 1 to {MAX_KEY_LENGTH} visible ASCII characters, e.g. a UUID"
            ),
        );
    }
    p.finish()
}

/// A filled honeypot, or a form sent faster than a person can fill it in.
fn looks_like_spam(submission: &Submission<'_>, policy: &Policy, now: DateTime<Utc>) -> bool {
    let honeypot = submission.honeypot.is_some_and(|v| !v.trim().is_empty());
    // A time in the future tells only that the patient's clock runs fast.
    let too_fast = submission.form_opened_at.is_some_and(|opened| {
        let taken = now - opened;
        taken >= Duration::zero() && taken < policy.min_fill_time
    });
    honeypot || too_fast
}

/// The row of a checked request, with a first reference to try.
fn request(
    checked: Checked,
    status: BookingStatus,
    now: DateTime<Utc>,
) -> Result<booking_request::Model, AppError> {
    let windows = serde_json::to_value(&checked.windows)
        .map_err(|_| AppError::Internal("windows could not be stored".into()))?;
    Ok(booking_request::Model {
        // The submission's millisecond, then 74 random bits: requests join
        // the end of the primary key's index (and of the history's) instead
        // of pages all over it, and an id still tells nothing of another.
        id: Uuid::new_v7(Timestamp::from_unix(
            NoContext,
            u64::try_from(now.timestamp()).unwrap_or_default(),
            now.timestamp_subsec_nanos(),
        )),
        reference: reference::generate(),
        full_name: checked.full_name,
        email: checked.email,
        phone_e164: checked.phone_e164,
        preferred_contact: checked.preferred_contact,
        service_id: checked.service_id,
        location_id: checked.location_id,
        therapist_id: checked.therapist_id,
        assigned_therapist_id: None,
        preferred_windows: windows,
        new_patient: checked.new_patient,
        physician_referral: checked.physician_referral,
        insurance_provider: checked.insurance_provider,
        message: checked.message,
        consent: true,
        status,
        submitted_at: now,
        updated_at: now,
        anonymised_at: None,
    })
}

/// The request with this reference, if it was made with this email.
pub async fn find_for_patient(
    db: &DatabaseConnection,
    reference: &str,
    email: &str,
) -> Result<Option<booking_request::Model>, DbErr> {
    let found = booking_request::Entity::find()
        .filter(booking_request::Column::Reference.eq(reference::normalise(reference)))
        .one(db)
        .await?;
    let email = email.trim().to_lowercase();
    Ok(found.filter(|r| r.anonymised_at.is_none() && r.email == email))
}

/// A patient's lookup: the request with this reference and email, counted
/// against the lookup limits of the client's address and of the email
/// before it is made, and taken back if it finds the request. So a
/// patient may check as often as they like, while guessing references
/// (for an email, or from an address) is refused after a few misses.
pub async fn look_up_for_patient(
    db: &DatabaseConnection,
    policy: &Policy,
    reference: &str,
    email: &str,
    client_ip: Option<IpAddr>,
    now: DateTime<Utc>,
) -> Result<Option<booking_request::Model>, AppError> {
    let hits = limits::client_hits(
        "lookup",
        policy.lookups_per_ip,
        client_ip,
        policy.lookups_per_email,
        &email.trim().to_lowercase(),
    );
    let ask = limits::Ask {
        hits: &hits,
        at: now,
    };
    if let Err(retry_after_secs) = limits::reserve(db, ask).await? {
        return Err(AppError::RateLimited { retry_after_secs });
    }
    let found = find_for_patient(db, reference, email).await?;
    if found.is_some() && !hits.is_empty() {
        limits::release(db, ask).await?;
    }
    Ok(found)
}

/// Cancels a request for the patient, unless it is scheduled already (then
/// the patient calls the clinic) or closed. Looked up as
/// [`look_up_for_patient`] does, under the same limits.
pub async fn cancel_by_patient(
    db: &DatabaseConnection,
    policy: &Policy,
    reference: &str,
    email: &str,
    client_ip: Option<IpAddr>,
    now: DateTime<Utc>,
) -> WriteResult<booking_request::Model> {
    let now = as_stored(now);
    let Some(found) = look_up_for_patient(db, policy, reference, email, client_ip, now).await?
    else {
        return Err(WriteError::invalid(
            &Field::default(),
            Code::NotFound,
            "no booking request matches this reference and email",
        ));
    };
    check_cancellable(found.status)?;
    let txn = db.begin().await?;
    let cancelled = BookingStatus::Cancelled;
    if !set_status_if(&txn, found.id, found.status, cancelled, now).await? {
        txn.rollback().await?;
        return Err(WriteError::invalid(
            &Field::default(),
            Code::StaleStatus,
            "the clinic changed this request a moment ago; check its status and try again",
        ));
    }
    log_event(
        &txn,
        found.id,
        Entry {
            from: Some(found.status),
            to: Some(BookingStatus::Cancelled),
            ..Entry::new(event_kind::CANCELLED_BY_PATIENT)
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(booking_request::Model {
        status: BookingStatus::Cancelled,
        updated_at: now,
        ..found
    })
}

/// Whether the patient may cancel a request in this status: not once it is
/// scheduled (then the patient calls the clinic) or closed.
fn check_cancellable(status: BookingStatus) -> WriteResult<()> {
    // A request taken for spam looks like a new one to the patient.
    let cancellable = matches!(
        status,
        BookingStatus::New | BookingStatus::Contacted | BookingStatus::Spam
    );
    if !cancellable {
        let message = if status == BookingStatus::Scheduled {
            "this request is scheduled already; call the clinic to cancel the appointment"
        } else {
            "this request is closed already"
        };
        return Err(WriteError::invalid(
            &Field::default(),
            Code::InvalidState,
            message,
        ));
    }
    Ok(())
}
