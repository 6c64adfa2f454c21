//! Inserting a batch of booking requests in its transaction: each request
//! under a reference no other has, with its idempotency key (unless another
//! request holds the key: then nothing of it stays) and its SUBMITTED entry.
//! Part of [`super::transaction`], the path taken on SQLite and by a batch
//! that PostgreSQL would not store in one statement
//! ([`super::single_statement`]).
//!
//! On PostgreSQL the whole batch is one statement whatever its size: its
//! rows travel as one JSON parameter, so that the statement's text never
//! changes and is prepared once per connection, and data-modifying `WITH`
//! clauses write the keys, the requests and the entries together; a round
//! trip there costs more than the statement. Elsewhere (SQLite, in the
//! process) it is one statement per table.

use std::collections::{HashMap, HashSet};
use std::hash::Hash;

use entity::{booking_idempotency, booking_request, booking_request_event};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseBackend,
    DatabaseTransaction, DbErr, EntityTrait, IdenStatic, NotSet, QueryFilter, QueryTrait,
    Statement, TryGetable,
};
use uuid::Uuid;

use super::job::{Claim, Job};
use super::rows::{Attempt, REFERENCE_ATTEMPTS, Row, input_rows, insert_requests_from};
use crate::domain::bookings::reference;
use crate::domain::bookings::status::{event_kind, status_name};
use crate::error::AppError;

/// Where a job of the batch stands once inserted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Placed {
    /// Written, with its key and its entry.
    Stored,
    /// Its key belongs to another request: nothing of it is written.
    Claimed,
}

/// Inserts every job of the batch; one placement per job, in order. A job
/// whose reference is taken gets a fresh one and is tried again.
pub(super) async fn insert(
    txn: &DatabaseTransaction,
    jobs: &mut [Job],
) -> Result<Vec<Placed>, AppError> {
    let mut placed = vec![None; jobs.len()];
    let mut left: Vec<usize> = (0..jobs.len()).collect();
    for _ in 0..REFERENCE_ATTEMPTS {
        let tried = match txn.get_database_backend() {
            DatabaseBackend::Postgres => insert_postgres(txn, jobs, &left).await?,
            _ => insert_portable(txn, jobs, &left).await?,
        };
        let mut lost = Vec::new();
        for (i, attempt) in left.iter().copied().zip(tried) {
            placed[i] = match attempt {
                Attempt::Stored => Some(Placed::Stored),
                Attempt::Claimed => Some(Placed::Claimed),
                Attempt::Lost => {
                    lost.push(jobs[i].request.id);
                    Some(Placed::Claimed)
                }
                Attempt::Clash => {
                    jobs[i].request.reference = reference::generate();
                    None
                }
            };
        }
        if !lost.is_empty() {
            remove(txn, lost).await?;
        }
        left.retain(|&i| placed[i].is_none());
        if left.is_empty() {
            return Ok(placed.into_iter().flatten().collect());
        }
    }
    Err(AppError::Internal("no free booking reference found".into()))
}

/// Deletes these requests, with their keys and entries (which cascade).
pub(super) async fn remove(txn: &DatabaseTransaction, ids: Vec<Uuid>) -> Result<(), DbErr> {
    booking_request::Entity::delete_many()
        .filter(booking_request::Column::Id.is_in(ids))
        .exec(txn)
        .await?;
    Ok(())
}

/// The batch in one statement: the requests whose key nobody holds are
/// inserted, then their keys (in key order, as on every instance), then the
/// entries of those that got their key; each row of the batch comes back
/// with what became of it.
///
/// Its one read, whether a key is taken, is a subquery per row rather than
/// a join, so that PostgreSQL plans it as a probe of the key's index even
/// over the few rows of a new database (see the writer's `Replan`).
const INSERT_POSTGRES: &str = concat!(
    r#"
WITH input AS (
    "#,
    input_rows!(),
    r#"
), fresh AS (
    SELECT i.* FROM input i
    WHERE i.key IS NULL
       OR (SELECT TRUE FROM booking_idempotency k WHERE k.key = i.key) IS NULL
), stored AS (
    "#,
    insert_requests_from!("fresh"),
    r#"
    ON CONFLICT (reference) DO NOTHING
    RETURNING id
), claimed AS (
    INSERT INTO booking_idempotency (key, fingerprint, booking_request_id, created_at)
    SELECT f.key, f.fingerprint, f.id, f.submitted_at
    FROM fresh f JOIN stored s ON s.id = f.id
    WHERE f.key IS NOT NULL
    ORDER BY f.key
    ON CONFLICT (key) DO NOTHING
    RETURNING booking_request_id AS id
), won AS (
    SELECT f.id, f.status, f.submitted_at
    FROM fresh f JOIN stored s ON s.id = f.id
    WHERE f.key IS NULL OR f.id IN (SELECT id FROM claimed)
), logged AS (
    INSERT INTO booking_request_event (booking_request_id, kind, to_status, at)
    SELECT id, $2, status, submitted_at FROM won
)
SELECT i.id,
    CASE WHEN w.id IS NOT NULL THEN 'stored'
         WHEN s.id IS NOT NULL THEN 'lost'
         WHEN f.id IS NULL THEN 'claimed'
         ELSE 'clash' END AS placed
FROM input i
LEFT JOIN fresh f ON f.id = i.id
LEFT JOIN stored s ON s.id = i.id
LEFT JOIN won w ON w.id = i.id
"#
);

/// One try at the jobs at `indexes`, in one statement (PostgreSQL).
async fn insert_postgres(
    txn: &DatabaseTransaction,
    jobs: &[Job],
    indexes: &[usize],
) -> Result<Vec<Attempt>, AppError> {
    let rows: Vec<Row<'_>> = indexes.iter().map(|&i| Row::of(&jobs[i])).collect();
    let rows = serde_json::to_value(rows)
        .map_err(|_| AppError::Internal("a batch of booking requests could not be sent".into()))?;
    let statement = Statement::from_sql_and_values(
        DatabaseBackend::Postgres,
        INSERT_POSTGRES,
        [rows.into(), event_kind::SUBMITTED.into()],
    );
    let mut placed = HashMap::with_capacity(indexes.len());
    for row in txn.query_all_raw(statement).await? {
        let id: Uuid = row.try_get("", "id")?;
        let attempt: String = row.try_get("", "placed")?;
        placed.insert(id, Attempt::parse(&attempt)?);
    }
    indexes
        .iter()
        .map(|&i| {
            placed.get(&jobs[i].request.id).copied().ok_or_else(|| {
                AppError::Internal("a booking request of a batch went missing".into())
            })
        })
        .collect()
}

/// One try at the jobs at `indexes`, one statement per table.
async fn insert_portable(
    txn: &DatabaseTransaction,
    jobs: &[Job],
    indexes: &[usize],
) -> Result<Vec<Attempt>, AppError> {
    let claimed = claimed_keys(txn, indexes.iter().filter_map(|&i| jobs[i].claim.as_ref())).await?;
    let is_claimed = |i: usize| {
        jobs[i]
            .claim
            .as_ref()
            .is_some_and(|c| claimed.contains(&c.key))
    };
    let fresh = indexes.iter().copied().filter(|&i| !is_claimed(i));
    let inserted = insert_requests(txn, fresh.map(|i| &jobs[i].request)).await?;
    let is_inserted = |i: usize| inserted.contains(&jobs[i].request.id);
    let stored = indexes.iter().copied().filter(|&i| is_inserted(i));
    let won = claim_keys(txn, stored.clone().map(|i| &jobs[i])).await?;
    let wins = |i: usize| jobs[i].claim.as_ref().is_none_or(|c| won.contains(&c.key));
    log_submitted(txn, stored.filter(|&i| wins(i)).map(|i| &jobs[i].request)).await?;
    Ok(indexes
        .iter()
        .map(|&i| match (is_claimed(i), is_inserted(i), wins(i)) {
            (true, _, _) => Attempt::Claimed,
            (false, false, _) => Attempt::Clash,
            (false, true, true) => Attempt::Stored,
            (false, true, false) => Attempt::Lost,
        })
        .collect())
}

/// Which of these keys some request holds already.
async fn claimed_keys<'a>(
    txn: &DatabaseTransaction,
    claims: impl Iterator<Item = &'a Claim>,
) -> Result<HashSet<String>, DbErr> {
    let keys: Vec<&str> = claims.map(|c| c.key.as_str()).collect();
    if keys.is_empty() {
        return Ok(HashSet::new());
    }
    let found = booking_idempotency::Entity::find()
        .filter(booking_idempotency::Column::Key.is_in(keys))
        .all(txn)
        .await?;
    Ok(found.into_iter().map(|c| c.key).collect())
}

/// Inserts these requests, but none whose reference is taken; returns the
/// ids of those inserted.
async fn insert_requests<'a>(
    txn: &DatabaseTransaction,
    requests: impl Iterator<Item = &'a booking_request::Model>,
) -> Result<HashSet<Uuid>, DbErr> {
    let rows: Vec<booking_request::ActiveModel> = requests.map(|r| r.clone().into()).collect();
    if rows.is_empty() {
        return Ok(HashSet::new());
    }
    insert_new(
        txn,
        rows,
        booking_request::Column::Reference,
        booking_request::Column::Id,
    )
    .await
}

/// Claims the keys of these jobs (whose requests are inserted), in key
/// order, as on every instance; returns the keys this transaction got.
async fn claim_keys<'a>(
    txn: &DatabaseTransaction,
    jobs: impl Iterator<Item = &'a Job>,
) -> Result<HashSet<String>, DbErr> {
    let mut claims: Vec<(&Claim, &booking_request::Model)> = jobs
        .filter_map(|j| j.claim.as_ref().map(|c| (c, &j.request)))
        .collect();
    if claims.is_empty() {
        return Ok(HashSet::new());
    }
    claims.sort_by(|a, b| a.0.key.cmp(&b.0.key));
    let rows = claims
        .into_iter()
        .map(|(claim, request)| booking_idempotency::ActiveModel {
            key: Set(claim.key.clone()),
            fingerprint: Set(claim.fingerprint.clone()),
            booking_request_id: Set(request.id),
            created_at: Set(request.submitted_at),
        });
    insert_new(
        txn,
        rows,
        booking_idempotency::Column::Key,
        booking_idempotency::Column::Key,
    )
    .await
}

/// Inserts the rows, but none that would clash with a row stored on
/// `unique`, in one statement; returns `returned` of each row inserted.
async fn insert_new<A, T>(
    txn: &DatabaseTransaction,
    rows: impl IntoIterator<Item = A>,
    unique: <A::Entity as EntityTrait>::Column,
    returned: <A::Entity as EntityTrait>::Column,
) -> Result<HashSet<T>, DbErr>
where
    A: ActiveModelTrait,
    T: TryGetable + Eq + Hash,
{
    let insert = A::Entity::insert_many(rows)
        .into_query()
        .on_conflict(OnConflict::column(unique).do_nothing().to_owned())
        .returning_col(returned)
        .to_owned();
    let name = returned.as_str();
    txn.query_all(&insert)
        .await?
        .iter()
        .map(|row| row.try_get::<T>("", name))
        .collect()
}

/// Appends a SUBMITTED entry to the log of each request, in one statement.
async fn log_submitted<'a>(
    txn: &DatabaseTransaction,
    requests: impl Iterator<Item = &'a booking_request::Model>,
) -> Result<(), DbErr> {
    let rows: Vec<booking_request_event::ActiveModel> = requests
        .map(|r| booking_request_event::ActiveModel {
            id: NotSet,
            booking_request_id: Set(r.id),
            staff_id: Set(None),
            kind: Set(event_kind::SUBMITTED.to_owned()),
            from_status: Set(None),
            to_status: Set(Some(status_name(r.status).to_owned())),
            note: Set(None),
            therapist_id: Set(None),
            at: Set(r.submitted_at),
        })
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    booking_request_event::Entity::insert_many(rows)
        .exec_without_returning(txn)
        .await?;
    Ok(())
}
