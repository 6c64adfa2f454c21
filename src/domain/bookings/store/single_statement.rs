//! A batch of booking requests in one statement, committed on its own
//! (PostgreSQL): the usual way a batch is stored there.
//!
//! In one round trip the statement claims the requests' idempotency keys
//! (in key order, as every writer does), stores the requests that got
//! theirs or carry none, logs their SUBMITTED entries, counts them against
//! their limits (in bucket order) and announces them; it commits when it
//! ends, with nothing to begin or end around it. A transaction of several
//! statements costs a round trip each, and each waits for the database's
//! turn on a busy machine, so that a batch took several times longer.
//!
//! What it cannot settle it refuses, whole, and the batch goes through a
//! transaction instead ([`super::transaction`], which handles every case):
//! a reference that is taken (one in hundreds of millions), and a batch in
//! which a request might be over a limit. That test is coarse on purpose: a
//! window's hits, this batch's all counted, plus every hit of the window
//! before within the limit means that no request is over it, whatever the
//! order and the share of the earlier window (a test in [`limits`] holds
//! the rule to it); anything closer is judged request by request.

use std::collections::HashMap;

use sea_orm::sqlx::postgres::{PgConnection, PgRow};
use sea_orm::sqlx::{self, Row as _};
use serde::Serialize;
use uuid::Uuid;

use super::job::{Job, StoreOutcome};
use super::rows::{Attempt, REFERENCE_ATTEMPTS, Row, input_rows, insert_requests_from};
use crate::domain::bookings::reference;
use crate::domain::bookings::status::event_kind;
use crate::domain::limits;
use crate::error::AppError;
use crate::events::{self, Event, Events, Pending};

/// The error the statement fails with where a limit might be reached
/// (migration `m20261128_000009`).
const MIGHT_BE_OVER_A_LIMIT: &str = "CL001";

/// What a job of the batch is answered.
type Answer = Result<StoreOutcome, AppError>;

/// What became of a batch sent in one statement.
pub(super) struct Sent {
    /// Per job, in order: its answer, or `None` if it goes through a
    /// transaction instead.
    pub answers: Vec<Option<Answer>>,
    /// The news of the requests stored, to deliver.
    pub news: Pending,
    /// Whether the connection broke, so that it must not be used again.
    pub broken: bool,
    /// Whether the server has dropped the connection (it was terminated,
    /// or the server restarted), so that it must be closed, not given back.
    pub dead: bool,
    /// Statements sent.
    pub statements: u64,
}

/// Why one statement stored nothing, or may not have.
enum StatementFailure {
    /// The database rejected it, and so stored nothing of it: its jobs go
    /// through a transaction. `over_limit` tells whether a limit was why;
    /// `reason` says what kind of error it was, and `dead` whether the
    /// server dropped the connection before the statement ran.
    Rejected {
        over_limit: bool,
        reason: String,
        dead: bool,
    },
    /// It may or may not have committed (the connection broke).
    MaybeCommitted,
}

/// One row of the statement's JSON parameter: the request as the
/// transaction's insert sends it, with what to count it in and what to announce.
#[derive(Serialize)]
struct Line<'a> {
    #[serde(flatten)]
    row: Row<'a>,
    hits: Vec<Count<'a>>,
    news: Option<String>,
}

/// A hit to count: the bucket's window, the window before and the limit.
#[derive(Serialize)]
struct Count<'a> {
    bucket: &'a str,
    window_start: chrono::DateTime<chrono::Utc>,
    previous_start: chrono::DateTime<chrono::Utc>,
    max: u32,
}

impl<'a> Line<'a> {
    fn of(job: &'a Job, events: &Events) -> Result<Self, sea_orm::DbErr> {
        let at = job.request.submitted_at;
        let hits = job
            .hits
            .iter()
            .map(|hit| {
                let (window_start, previous_start) = limits::windows(&hit.limit, at)?;
                Ok::<_, sea_orm::DbErr>(Count {
                    bucket: &hit.bucket,
                    window_start,
                    previous_start,
                    max: hit.limit.max,
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(Self {
            row: Row::of(job),
            hits,
            news: events.payload(Event::BookingReceived(job.request.id)),
        })
    }
}

/// The statement. A request whose reference is taken is left out (and
/// tried again under another); of the others, keys are claimed first, so
/// that a request whose key another holds is never written; the limits are
/// counted once every request is known, from the aggregate `tally`, and so
/// after the keys, as in a transaction: two writers take the same rows in
/// the same order. (It never answers `lost`: a request is written only
/// once its key is won.)
/// The foreign keys of the keys and entries are checked as the statement
/// ends, when the requests they name are there.
///
/// The earlier window of a slot is read as it was before the statement,
/// unless the statement counted in it itself (a batch across a window's
/// end); then as counted.
const STORE: &str = concat!(
    r#"
WITH input AS (
    "#,
    input_rows!(", hits jsonb, news text"),
    r#"
), fresh AS (
    SELECT * FROM input i
    WHERE (SELECT TRUE FROM booking_request b WHERE b.reference = i.reference) IS NULL
), claimed AS (
    INSERT INTO booking_idempotency (key, fingerprint, booking_request_id, created_at)
    SELECT key, fingerprint, id, submitted_at FROM fresh
    WHERE key IS NOT NULL
    ORDER BY key
    ON CONFLICT (key) DO NOTHING
    RETURNING booking_request_id AS id
), won AS (
    SELECT * FROM fresh f
    WHERE f.key IS NULL OR f.id IN (SELECT id FROM claimed)
), stored AS (
    "#,
    insert_requests_from!("won"),
    r#"
), logged AS (
    INSERT INTO booking_request_event (booking_request_id, kind, to_status, at)
    SELECT id, $2, status, submitted_at FROM won
), tally AS (
    SELECT h.bucket, h.window_start, count(*)::integer AS hits,
        min(h.previous_start) AS previous_start, min(h.max) AS max
    FROM won w, jsonb_to_recordset(w.hits)
        AS h(bucket text, window_start timestamptz, previous_start timestamptz, max integer)
    GROUP BY h.bucket, h.window_start
), counted AS (
    INSERT INTO rate_limit_counter (bucket, window_start, hits)
    SELECT bucket, window_start, hits FROM tally
    ORDER BY bucket, window_start
    ON CONFLICT (bucket, window_start)
    DO UPDATE SET hits = rate_limit_counter.hits + excluded.hits
    RETURNING bucket, window_start, hits
), close AS (
    SELECT 1 FROM counted c JOIN tally t USING (bucket, window_start)
    WHERE c.hits + COALESCE(
        (SELECT e.hits FROM counted e
         WHERE e.bucket = t.bucket AND e.window_start = t.previous_start),
        (SELECT e.hits FROM rate_limit_counter e
         WHERE e.bucket = t.bucket AND e.window_start = t.previous_start),
        0) > t.max
), verdict AS (
    SELECT CASE WHEN EXISTS (SELECT FROM close) THEN refuse_booking_batch() END
), announced AS (
    SELECT count(pg_notify($3, news)) FROM won WHERE news IS NOT NULL
)
SELECT i.id,
    CASE WHEN w.id IS NOT NULL THEN 'stored'
         WHEN f.id IS NULL THEN 'clash'
         ELSE 'claimed' END AS placed
FROM input i LEFT JOIN fresh f ON f.id = i.id LEFT JOIN won w ON w.id = i.id, verdict, announced
"#
);

/// Stores the jobs, each in the first statement that finds its reference
/// free; a statement per try, so that the requests stored in one stay
/// stored whatever becomes of the others.
pub(super) async fn store(
    connection: &mut PgConnection,
    events: &Events,
    jobs: &mut [Job],
) -> Sent {
    let mut answers: Vec<Option<Answer>> = jobs.iter().map(|_| None).collect();
    let mut news = Vec::new();
    let mut left: Vec<usize> = (0..jobs.len()).collect();
    let (mut broken, mut dead, mut statements) = (false, false, 0);
    for _ in 0..REFERENCE_ATTEMPTS {
        statements += 1;
        match once(connection, events, jobs, &left).await {
            Ok(placed) => left = settle(jobs, left, placed, &mut answers, &mut news),
            Err(failure) => {
                (broken, dead) = give_up(failure, &left, &mut answers);
                break;
            }
        }
        if left.is_empty() {
            break;
        }
    }
    // Still clashing after every try (or rejected): the transaction says why.
    Sent {
        answers,
        news: events.after_commit(news),
        broken,
        dead,
        statements,
    }
}

/// Answers the jobs at `tried` as the statement placed them; returns those
/// whose reference was taken, each with a fresh one to try.
fn settle(
    jobs: &mut [Job],
    tried: Vec<usize>,
    placed: Vec<Attempt>,
    answers: &mut [Option<Answer>],
    news: &mut Vec<Event>,
) -> Vec<usize> {
    let mut clashed = Vec::new();
    for (i, placed) in tried.into_iter().zip(placed) {
        answers[i] = match placed {
            Attempt::Stored => {
                news.push(Event::BookingReceived(jobs[i].request.id));
                Some(Ok(StoreOutcome::Stored(Box::new(jobs[i].request.clone()))))
            }
            // The statement never answers `lost`; the transaction answers
            // it as `claimed` once it has removed the request.
            Attempt::Claimed | Attempt::Lost => Some(Ok(StoreOutcome::Claimed)),
            Attempt::Clash => {
                jobs[i].request.reference = reference::generate();
                clashed.push(i);
                None
            }
        };
    }
    clashed
}

/// Logs why the statement failed and answers the jobs `left` if it may
/// have committed; whether the connection is broken, and whether dead.
fn give_up(
    failure: StatementFailure,
    left: &[usize],
    answers: &mut [Option<Answer>],
) -> (bool, bool) {
    match failure {
        StatementFailure::Rejected {
            over_limit,
            reason,
            dead,
        } => {
            if over_limit {
                tracing::debug!("a batch of booking requests nears a limit: judged one by one");
            } else {
                tracing::warn!(%reason, "a batch of booking requests goes the long way");
            }
            (false, dead)
        }
        StatementFailure::MaybeCommitted => {
            for &i in left {
                answers[i] = Some(Err(AppError::Internal(
                    "a batch of booking requests may not have been stored".into(),
                )));
            }
            (true, true)
        }
    }
}

/// One statement for the jobs at `indexes`: what it did with each, in order.
async fn once(
    connection: &mut PgConnection,
    events: &Events,
    jobs: &[Job],
    indexes: &[usize],
) -> Result<Vec<Attempt>, StatementFailure> {
    let lines = indexes
        .iter()
        .map(|&i| Line::of(&jobs[i], events))
        .collect::<Result<Vec<_>, _>>()
        // Nothing was sent; the transaction meets the same error and says it.
        .map_err(|error| StatementFailure::Rejected {
            over_limit: false,
            reason: crate::error::describe_db(&error),
            dead: false,
        })?;
    let rows = send(connection, &lines).await?;
    let mut placed = read_placed(rows)?;
    indexes
        .iter()
        .map(|&i| {
            placed
                .remove(&jobs[i].request.id)
                .ok_or(StatementFailure::MaybeCommitted)
        })
        .collect()
}

/// Runs the statement over `lines`; its rows, or why it failed.
async fn send(
    connection: &mut PgConnection,
    lines: &[Line<'_>],
) -> Result<Vec<PgRow>, StatementFailure> {
    let error = match sqlx::query(STORE)
        .bind(sqlx::types::Json(lines))
        .bind(event_kind::SUBMITTED)
        .bind(events::CHANNEL)
        .fetch_all(connection)
        .await
    {
        Ok(rows) => return Ok(rows),
        Err(error) => error,
    };
    match error {
        sqlx::Error::Database(error) => {
            let code = error.code().map(|c| c.into_owned()).unwrap_or_default();
            Err(StatementFailure::Rejected {
                over_limit: code == MIGHT_BE_OVER_A_LIMIT,
                // The server ended the session (an operator, a restart):
                // the statement was rolled back with it.
                dead: code.starts_with("57P") || code.starts_with("08"),
                reason: crate::error::describe_sqlx(&sqlx::Error::Database(error)),
            })
        }
        error => {
            tracing::error!(
                error = %crate::error::describe_sqlx(&error),
                "a batch of booking requests may not have been stored"
            );
            Err(StatementFailure::MaybeCommitted)
        }
    }
}

/// What the statement answered for each request, by id.
fn read_placed(rows: Vec<PgRow>) -> Result<HashMap<Uuid, Attempt>, StatementFailure> {
    let mut placed = HashMap::with_capacity(rows.len());
    for row in rows {
        let read = row
            .try_get::<Uuid, _>("id")
            .and_then(|id| Ok((id, row.try_get::<String, _>("placed")?)));
        let attempt = read
            .map_err(|error| error.to_string())
            .and_then(|(id, what)| Ok((id, Attempt::parse(&what).map_err(|e| e.to_string())?)));
        let (id, attempt) = attempt.map_err(|error| {
            tracing::error!(%error, "the answer to a batch of booking requests is unreadable");
            StatementFailure::MaybeCommitted
        })?;
        placed.insert(id, attempt);
    }
    Ok(placed)
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::super::rows::weight;
    use super::super::test_support::job;
    use super::*;
    use crate::domain::limits::{Hit, Limit};

    #[test]
    fn a_jobs_weight_is_at_least_the_line_it_sends() {
        for (message, windows) in [(0, 1), (40, 2), (2000, 3), (4000, 8)] {
            let mut job = job(Some("key-1"), message, windows);
            for scope in ["booking:ip", "booking:email"] {
                job.hits.push(Hit {
                    bucket: limits::bucket(scope, "someone"),
                    limit: Limit {
                        max: 5,
                        window: Duration::hours(1),
                    },
                });
            }
            let mut line = Line::of(&job, &Events::local()).unwrap();
            line.news = Some(Event::BookingReceived(job.request.id).encode());
            let sent = serde_json::to_vec(&line).unwrap().len();
            let weight = weight(&job);
            assert!(sent <= weight, "{sent} bytes sent, weighed {weight}");
            assert!(weight < sent + 1024, "{sent} bytes sent, weighed {weight}");
        }
    }
}
