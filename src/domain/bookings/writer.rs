//! Storing checked booking requests in batches (group commit).
//!
//! A request that passed its checks is handed to the instance's one writer
//! task and waits for its outcome. The writer takes every request waiting at
//! that moment and stores them together in one transaction, with a few
//! statements for the whole batch ([`batch::insert`], [`limits::count`]):
//! one commit, and on PostgreSQL one `fsync`, for all of them. While it
//! writes, the next requests gather, so the busier the service, the larger
//! the batches.
//!
//! Each request is still stored exactly as on its own: with its key (the
//! loser of a race, here or on another instance, stores and counts nothing
//! and answers with the winner's request), counted against its limits in
//! arrival order (one refused stores and counts nothing), logged and
//! announced in the same transaction. Two requests of one batch never share
//! a key: the later waits for the next batch and finds the first's claim
//! there. A batch that fails is stored again one request at a time, so that
//! one bad request fails alone.

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use entity::booking_request;
use sea_orm::sqlx::postgres::PgPoolOptions;
use sea_orm::{
    DatabaseBackend, DatabaseConnection, DatabaseTransaction, SqliteTransactionMode,
    SqlxPostgresConnector, TransactionOptions, TransactionTrait,
};
use tokio::sync::{mpsc, oneshot};

use super::batch::{self, Placed};
use crate::domain::limits::{self, Ask, Hit};
use crate::error::AppError;
use crate::events::{Event, Events, Pending};

/// Most requests stored in one transaction.
const MAX_BATCH: usize = 64;
/// Requests waiting for the writer beyond which new ones wait to be queued.
const QUEUE: usize = 1024;

/// An idempotency key with the fingerprint of the form it came with.
pub(super) struct Claim {
    pub key: String,
    pub fingerprint: String,
}

/// A checked request, ready to store.
pub(super) struct Job {
    /// The row, with a first reference to try.
    pub request: booking_request::Model,
    pub claim: Option<Claim>,
    /// What to count it against; counted at `request.submitted_at`.
    pub hits: Vec<Hit>,
}

/// What became of a request handed to the writer.
pub(super) enum Outcome {
    /// Stored, as it is now.
    Stored(Box<booking_request::Model>),
    /// Its key is another request's (or an earlier copy's); nothing was
    /// stored or counted. The claim tells what to answer.
    Claimed,
    /// Refused for one of its limits; nothing was stored or counted.
    RateLimited { retry_after_secs: i64 },
}

type Reply = oneshot::Sender<Result<Outcome, AppError>>;

/// A request in the queue, with where its outcome goes.
struct Queued {
    job: Job,
    reply: Reply,
}

/// The handle on an instance's writer; the writer starts with the first
/// request, and again if it ever stopped.
pub(super) struct Writer {
    db: DatabaseConnection,
    events: Events,
    queue: Mutex<Option<mpsc::Sender<Queued>>>,
    /// Statements run on the writer's own connection.
    own_statements: Arc<AtomicU64>,
}

impl Writer {
    pub fn new(db: DatabaseConnection, events: Events) -> Self {
        Self {
            db,
            events,
            queue: Mutex::new(None),
            own_statements: Arc::default(),
        }
    }

    pub fn own_statements(&self) -> u64 {
        self.own_statements.load(Ordering::Relaxed)
    }

    /// Stores `job` in the next batch and returns what became of it. The
    /// batch is stored even if the caller stops waiting.
    pub async fn store(&self, job: Job) -> Result<Outcome, AppError> {
        let (reply, outcome) = oneshot::channel();
        let mut queued = Queued { job, reply };
        // A writer that stopped (it never should) is replaced once.
        for _ in 0..2 {
            match self.queue().send(queued).await {
                Ok(()) => {
                    return outcome.await.unwrap_or_else(|_| {
                        Err(AppError::Internal("the booking writer stopped".into()))
                    });
                }
                Err(mpsc::error::SendError(back)) => queued = back,
            }
        }
        Err(AppError::Internal("the booking writer cannot start".into()))
    }

    /// The queue of the running writer, started if there is none.
    fn queue(&self) -> mpsc::Sender<Queued> {
        let mut queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
        match queue.as_ref() {
            Some(sender) if !sender.is_closed() => sender.clone(),
            _ => {
                let (sender, receiver) = mpsc::channel(QUEUE);
                let counter = self.own_statements.clone();
                start(&self.db, self.events.clone(), receiver, counter);
                *queue = Some(sender.clone());
                sender
            }
        }
    }
}

/// Starts the writer. On PostgreSQL it runs on a thread of its own with a
/// connection of its own: a batch is a few round trips in a row, and on the
/// shared runtime each of them would wait for its turn behind the requests
/// being served, so that batches would take several times longer. SQLite
/// runs its statements on threads of its own already.
fn start(
    db: &DatabaseConnection,
    events: Events,
    queue: mpsc::Receiver<Queued>,
    statements: Arc<AtomicU64>,
) {
    if db.get_database_backend() != DatabaseBackend::Postgres {
        tokio::spawn(run(db.clone(), events, queue));
        return;
    }
    // Each statement is planned for the tables as they are when it runs: a
    // plan made once and kept for the connection's life (PostgreSQL's
    // generic plan) would still be the plan for the empty tables of a new
    // database once they hold millions of requests.
    let options = db
        .get_postgres_connection_pool()
        .connect_options()
        .as_ref()
        .clone()
        .options([("plan_cache_mode", "force_custom_plan")]);
    let thread = std::thread::Builder::new()
        .name("booking-writer".into())
        .spawn(move || {
            let runtime = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(runtime) => runtime,
                Err(error) => {
                    tracing::error!(%error, "the booking writer cannot start its runtime");
                    return;
                }
            };
            runtime.block_on(async move {
                let pool = PgPoolOptions::new()
                    .max_connections(1)
                    .connect_lazy_with(options);
                let mut db = SqlxPostgresConnector::from_sqlx_postgres_pool(pool);
                db.set_metric_callback(move |_| {
                    statements.fetch_add(1, Ordering::Relaxed);
                });
                run(db.clone(), events, queue).await;
                db.close().await.ok();
            });
        });
    if let Err(error) = thread {
        // The queue is gone with the closure: the next request tries again.
        tracing::error!(%error, "the booking writer cannot start its thread");
    }
}

/// The writer: one batch after another, until the writer is dropped.
async fn run(db: DatabaseConnection, events: Events, mut queue: mpsc::Receiver<Queued>) {
    let mut waiting: Vec<Queued> = Vec::with_capacity(MAX_BATCH);
    loop {
        // Requests held back from the last batch go first, with whatever
        // came meanwhile; with none, the writer waits for the next.
        if waiting.is_empty() && queue.recv_many(&mut waiting, MAX_BATCH).await == 0 {
            return;
        }
        while waiting.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(queued) => waiting.push(queued),
                Err(_) => break,
            }
        }
        let (batch, later) = one_per_key(std::mem::take(&mut waiting));
        waiting = later;
        store_batch(&db, &events, batch).await;
    }
}

/// Splits off every request whose key an earlier one in the queue carries:
/// those wait for the next batch.
fn one_per_key(queued: Vec<Queued>) -> (Vec<Queued>, Vec<Queued>) {
    let mut keys = HashSet::new();
    queued.into_iter().partition(|q| match &q.job.claim {
        Some(claim) => keys.insert(claim.key.clone()),
        None => true,
    })
}

/// Why a batch was not stored.
enum Failure {
    /// It was rolled back: nothing of it was stored.
    RolledBack(AppError),
    /// Its commit failed: it may or may not have been stored.
    Unknown(AppError),
}

/// Stores a batch and answers each of its requests. A batch that failed
/// and was rolled back is stored again one request at a time, so that one
/// bad request fails alone.
async fn store_batch(db: &DatabaseConnection, events: &Events, batch: Vec<Queued>) {
    let (mut jobs, replies): (Vec<Job>, Vec<Reply>) =
        batch.into_iter().map(|q| (q.job, q.reply)).unzip();
    match write(db, events, &mut jobs).await {
        Ok(outcomes) => {
            for (reply, outcome) in replies.into_iter().zip(outcomes) {
                // The caller may have stopped waiting; the request is stored all the same.
                let _ = reply.send(Ok(outcome));
            }
        }
        Err(Failure::RolledBack(error)) if jobs.len() > 1 => {
            tracing::warn!(
                ?error,
                requests = jobs.len(),
                "a batch of booking requests failed; storing them one by one"
            );
            for (job, reply) in jobs.into_iter().zip(replies) {
                let _ = reply.send(write_alone(db, events, job).await);
            }
        }
        Err(Failure::RolledBack(error) | Failure::Unknown(error)) => {
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
async fn write_alone(
    db: &DatabaseConnection,
    events: &Events,
    job: Job,
) -> Result<Outcome, AppError> {
    let mut alone = [job];
    match write(db, events, &mut alone).await {
        Ok(outcomes) => outcomes
            .into_iter()
            .next()
            .ok_or_else(|| AppError::Internal("a booking request was left unanswered".into())),
        Err(Failure::RolledBack(error) | Failure::Unknown(error)) => Err(error),
    }
}

/// Stores the jobs in one transaction; one outcome per job, in order.
async fn write(
    db: &DatabaseConnection,
    events: &Events,
    jobs: &mut [Job],
) -> Result<Vec<Outcome>, Failure> {
    // On SQLite the write lock is taken at once, since a batch may read
    // before it writes.
    let options = TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    };
    let txn = db
        .begin_with_options(options)
        .await
        .map_err(|e| Failure::RolledBack(e.into()))?;
    let (outcomes, news) = match store(&txn, events, jobs).await {
        Ok(written) => written,
        Err(error) => {
            // Dropping an open transaction rolls it back too.
            txn.rollback().await.ok();
            return Err(Failure::RolledBack(error));
        }
    };
    txn.commit().await.map_err(|e| Failure::Unknown(e.into()))?;
    news.deliver();
    Ok(outcomes)
}

/// The writes of a batch, in `txn`: the requests with their keys and
/// entries, then their counts (a request refused for a limit is taken out
/// again), then the news. Returns an outcome per job and the news to
/// deliver once `txn` commits.
async fn store(
    txn: &DatabaseTransaction,
    events: &Events,
    jobs: &mut [Job],
) -> Result<(Vec<Outcome>, Pending), AppError> {
    let placed = batch::insert(txn, jobs).await?;
    // Only a request that got its key counts: a copy that came after it, or
    // lost it in a race, counts nothing.
    let inserted: Vec<usize> = (0..jobs.len())
        .filter(|&i| placed[i] == Placed::Stored)
        .collect();
    let verdicts = limits::count(txn, &asks(jobs, &inserted)).await?;
    let mut outcomes: Vec<Outcome> = jobs.iter().map(|_| Outcome::Claimed).collect();
    let mut stored = Vec::with_capacity(inserted.len());
    let mut refused = Vec::new();
    for (i, verdict) in inserted.into_iter().zip(verdicts) {
        match verdict {
            Ok(()) => stored.push(i),
            Err(retry_after_secs) => {
                refused.push(jobs[i].request.id);
                outcomes[i] = Outcome::RateLimited { retry_after_secs };
            }
        }
    }
    if !refused.is_empty() {
        batch::remove(txn, refused).await?;
    }
    let mut news = Vec::with_capacity(stored.len());
    for i in stored {
        news.push(Event::BookingReceived(jobs[i].request.id));
        outcomes[i] = Outcome::Stored(Box::new(jobs[i].request.clone()));
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
