//! Storing a batch in one transaction of a few statements: the requests
//! with their keys and entries ([`insert`]), their counts
//! ([`limits::count`]), then the news. It handles every case, on every
//! database: SQLite always takes it, PostgreSQL when the single statement
//! ([`super::single_statement`]) cannot settle a batch.

use sea_orm::{
    DatabaseConnection, DatabaseTransaction, SqliteTransactionMode, TransactionOptions,
    TransactionTrait,
};

use super::insert::{self, Placed};
use super::job::{Job, StoreOutcome};
use super::queue::{Queued, split};
use crate::domain::limits::{self, Ask};
use crate::error::AppError;
use crate::events::{Event, Events, Pending};

/// Why a batch was not stored.
enum TransactionFailure {
    /// It was rolled back: nothing of it was stored.
    RolledBack(AppError),
    /// Its commit failed: it may or may not have been stored.
    MaybeCommitted(AppError),
}

/// Stores a batch and answers each of its requests. A batch that failed
/// and was rolled back is stored again one request at a time, so that one
/// bad request fails alone.
pub(super) async fn store(db: &DatabaseConnection, events: &Events, batch: Vec<Queued>) {
    let (mut jobs, replies) = split(batch);
    match in_transaction(db, events, &mut jobs).await {
        Ok(outcomes) => {
            for (reply, outcome) in replies.into_iter().zip(outcomes) {
                // The caller may have stopped waiting; the request is stored all the same.
                let _ = reply.send(Ok(outcome));
            }
        }
        Err(TransactionFailure::RolledBack(error)) if jobs.len() > 1 => {
            tracing::warn!(
                ?error,
                requests = jobs.len(),
                "a batch of booking requests failed; storing them one by one"
            );
            for (job, reply) in jobs.into_iter().zip(replies) {
                let _ = reply.send(store_alone(db, events, job).await);
            }
        }
        Err(TransactionFailure::RolledBack(error) | TransactionFailure::MaybeCommitted(error)) => {
            let mut error = Some(error);
            for reply in replies {
                let error = error.take().unwrap_or_else(|| {
                    AppError::Internal(
                        "a batch of booking requests may not have been stored".into(),
                    )
                });
                let _ = reply.send(Err(error));
            }
        }
    }
}

/// Stores one job in a transaction of its own.
async fn store_alone(
    db: &DatabaseConnection,
    events: &Events,
    job: Job,
) -> Result<StoreOutcome, AppError> {
    let mut alone = [job];
    match in_transaction(db, events, &mut alone).await {
        Ok(outcomes) => outcomes
            .into_iter()
            .next()
            .ok_or_else(|| AppError::Internal("a booking request was left unanswered".into())),
        Err(TransactionFailure::RolledBack(error) | TransactionFailure::MaybeCommitted(error)) => {
            Err(error)
        }
    }
}

/// Stores the jobs in one transaction; one outcome per job, in order.
async fn in_transaction(
    db: &DatabaseConnection,
    events: &Events,
    jobs: &mut [Job],
) -> Result<Vec<StoreOutcome>, TransactionFailure> {
    // On SQLite the write lock is taken at once, since a batch may read
    // before it writes.
    let options = TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    };
    let txn = db
        .begin_with_options(options)
        .await
        .map_err(|e| TransactionFailure::RolledBack(e.into()))?;
    let (outcomes, news) = match write(&txn, events, jobs).await {
        Ok(written) => written,
        Err(error) => {
            // Dropping an open transaction rolls it back too.
            txn.rollback().await.ok();
            return Err(TransactionFailure::RolledBack(error));
        }
    };
    txn.commit()
        .await
        .map_err(|e| TransactionFailure::MaybeCommitted(e.into()))?;
    news.deliver();
    Ok(outcomes)
}

/// The writes of a batch, in `txn`: the requests with their keys and
/// entries, then their counts (a request refused for a limit is taken out
/// again), then the news. Returns an outcome per job and the news to
/// deliver once `txn` commits.
async fn write(
    txn: &DatabaseTransaction,
    events: &Events,
    jobs: &mut [Job],
) -> Result<(Vec<StoreOutcome>, Pending), AppError> {
    let placed = insert::insert(txn, jobs).await?;
    // Only a request that got its key counts: a copy that came after it, or
    // lost it in a race, counts nothing.
    let inserted: Vec<usize> = (0..jobs.len())
        .filter(|&i| placed[i] == Placed::Stored)
        .collect();
    let verdicts = limits::count(txn, &asks(jobs, &inserted)).await?;
    let mut outcomes: Vec<StoreOutcome> = jobs.iter().map(|_| StoreOutcome::Claimed).collect();
    let mut stored = Vec::with_capacity(inserted.len());
    let mut refused = Vec::new();
    for (i, verdict) in inserted.into_iter().zip(verdicts) {
        match verdict {
            Ok(()) => stored.push(i),
            Err(retry_after_secs) => {
                refused.push(jobs[i].request.id);
                outcomes[i] = StoreOutcome::RateLimited { retry_after_secs };
            }
        }
    }
    if !refused.is_empty() {
        insert::remove(txn, refused).await?;
    }
    let mut news = Vec::with_capacity(stored.len());
    for i in stored {
        news.push(Event::BookingReceived(jobs[i].request.id));
        outcomes[i] = StoreOutcome::Stored(Box::new(jobs[i].request.clone()));
    }
    let news = events.publish_in(txn, news).await?;
    Ok((outcomes, news))
}

/// What the jobs at `indexes` ask to count.
fn asks<'a>(jobs: &'a [Job], indexes: &[usize]) -> Vec<Ask<'a>> {
    indexes
        .iter()
        .map(|&i| Ask {
            hits: &jobs[i].hits,
            at: jobs[i].request.submitted_at,
        })
        .collect()
}
