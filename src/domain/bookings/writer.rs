//! Storing checked booking requests in batches (group commit).
//!
//! A request that passed its checks is handed to the instance's one writer
//! task and waits for its outcome. The writer takes every request waiting at
//! that moment and stores them together: one commit, and on PostgreSQL one
//! `fsync`, for all of them. On PostgreSQL that is one statement that
//! commits on its own ([`express`]) where it can; otherwise, the long way,
//! one transaction with a few statements for the whole batch
//! ([`batch::insert`], [`limits::count`]). While it writes, the next
//! requests gather, so the busier the service, the larger the batches. On
//! PostgreSQL the writer has two lanes, each with its own connection, so
//! that the next batch is written while the last commits.
//!
//! Each request is still stored exactly as on its own: with its key (the
//! loser of a race, here or on another instance, stores and counts nothing
//! and answers with the winner's request), counted against its limits in
//! arrival order (one refused stores and counts nothing), logged and
//! announced in the same transaction. Two requests of one batch never share
//! a key: the later waits for the next batch, and there finds the first's
//! claim, or, while the first's batch is still being written in the other
//! lane, waits at the key's unique index and loses the race. A batch that
//! fails is stored again one request at a time, so that one bad request
//! fails alone.

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use entity::booking_request;
use futures_util::future::BoxFuture;
use sea_orm::sqlx::pool::{PoolConnection, PoolConnectionMetadata};
use sea_orm::sqlx::postgres::{PgConnection, PgPool, PgPoolOptions, PgSslMode};
use sea_orm::sqlx::{self, Connection as _, Executor as _, Postgres};
use sea_orm::{
    ConnectionTrait, DatabaseBackend, DatabaseConnection, DatabaseTransaction,
    SqliteTransactionMode, SqlxPostgresConnector, TransactionOptions, TransactionTrait,
};
use tokio::sync::{mpsc, oneshot};

use super::batch::{self, Placed};
use super::express;
use crate::domain::limits::{self, Ask, Hit};
use crate::error::AppError;
use crate::events::{Event, Events, Pending};

/// Most requests stored in one transaction.
const MAX_BATCH: usize = 64;
/// Most bytes of rows sent in one batch over TLS, roughly
/// ([`batch::weight`]). The PostgreSQL driver leaves Nagle's algorithm on
/// (sqlx 0.9.0, upstream issue launchbadge/sqlx#4335), and over TLS a
/// message longer than one record (16 KiB) leaves in two writes, the second
/// of which waits for the server's delayed acknowledgement: 40 ms. A batch
/// that stays within one record goes in one write. Without TLS a message
/// leaves in one write whatever its length.
const MAX_BATCH_BYTES: usize = 12 * 1024;
/// The `application_name` of the writer's own connections (PostgreSQL).
pub const WRITER_NAME: &str = "clinic-api booking writer";
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

/// How the writer's lanes hold their connections (PostgreSQL).
#[derive(Clone, Copy, Debug)]
pub struct Lanes {
    /// A connection idle this long is pinged before its next batch: the
    /// server, a firewall or an idle reaper may have dropped it.
    pub ping_after_idle: std::time::Duration,
    /// The longest a lane waits for a connection: shorter than the request
    /// timeout, so that a patient is told rather than left waiting.
    pub acquire_timeout: std::time::Duration,
}

impl Default for Lanes {
    fn default() -> Self {
        Self {
            ping_after_idle: crate::db::PING_AFTER_IDLE,
            acquire_timeout: std::time::Duration::from_secs(5),
        }
    }
}

/// The handle on an instance's writer; the writer starts with the first
/// request, and again if it ever stopped.
pub(super) struct Writer {
    db: DatabaseConnection,
    events: Events,
    lanes: Lanes,
    queue: Mutex<Option<mpsc::Sender<Queued>>>,
    /// Statements run on the writer's own connection.
    own_statements: Arc<AtomicU64>,
}

impl Writer {
    pub fn new(db: DatabaseConnection, events: Events, lanes: Lanes) -> Self {
        Self {
            db,
            events,
            lanes,
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
                start(&self.db, self.events.clone(), self.lanes, receiver, counter);
                *queue = Some(sender.clone());
                sender
            }
        }
    }
}

/// Batches written at once on PostgreSQL, each on a connection of its own:
/// while one commits, the next is being written. (The two count against a
/// limit in turn, since each holds the limit's row until it commits.)
const LANES: usize = 2;

/// Starts the writer. On PostgreSQL it runs on a thread of its own with
/// connections of its own: a batch is a few round trips in a row, and on
/// the shared runtime each of them would wait for its turn behind the
/// requests being served, so that batches would take several times longer.
/// SQLite runs its statements on threads of its own already, and writes one
/// transaction at a time: one lane.
fn start(
    db: &DatabaseConnection,
    events: Events,
    lanes: Lanes,
    queue: mpsc::Receiver<Queued>,
    statements: Arc<AtomicU64>,
) {
    if db.get_database_backend() != DatabaseBackend::Postgres {
        let lane = Lane {
            db: db.clone(),
            express: None,
        };
        tokio::spawn(run(vec![lane], None, events, queue));
        return;
    }
    let options = db
        .get_postgres_connection_pool()
        .connect_options()
        .as_ref()
        .clone()
        .application_name(WRITER_NAME);
    let max_bytes =
        (!matches!(options.get_ssl_mode(), PgSslMode::Disable)).then_some(MAX_BATCH_BYTES);
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
                let lanes: Vec<Lane> = (0..LANES)
                    .map(|_| {
                        let ping_after_idle = lanes.ping_after_idle;
                        let pool = PgPoolOptions::new()
                            .max_connections(1)
                            .acquire_timeout(lanes.acquire_timeout)
                            .test_before_acquire(false)
                            .before_acquire(move |connection, meta| {
                                ping_if_idle(connection, meta, ping_after_idle)
                            })
                            .connect_lazy_with(options.clone());
                        let express = Express::new(pool.clone(), statements.clone(), lanes);
                        let mut db = SqlxPostgresConnector::from_sqlx_postgres_pool(pool);
                        let statements = statements.clone();
                        db.set_metric_callback(move |_| {
                            statements.fetch_add(1, Ordering::Relaxed);
                        });
                        Lane {
                            db,
                            express: Some(express),
                        }
                    })
                    .collect();
                let dbs: Vec<DatabaseConnection> = lanes.iter().map(|l| l.db.clone()).collect();
                run(lanes, max_bytes, events, queue).await;
                for db in dbs {
                    db.close().await.ok();
                }
            });
        });
    if let Err(error) = thread {
        // The queue is gone with the closure: the next request tries again.
        tracing::error!(%error, "the booking writer cannot start its thread");
    }
}

/// Pings a lane's connection before a batch only when it has been idle
/// for a while, as the shared pool does (`db::connect`): between two
/// batches in a row it is known to be alive, and a ping would be a round
/// trip more per batch.
fn ping_if_idle(
    connection: &mut PgConnection,
    meta: PoolConnectionMetadata,
    after: std::time::Duration,
) -> BoxFuture<'_, Result<bool, sea_orm::sqlx::Error>> {
    Box::pin(async move {
        if meta.idle_for >= after {
            connection.ping().await?;
        }
        Ok(true)
    })
}

/// The writer: its lanes, each writing one batch after another, until the
/// writer is dropped. A batch holds at most `max_bytes` of rows, if given.
async fn run(
    lanes: Vec<Lane>,
    max_bytes: Option<usize>,
    events: Events,
    queue: mpsc::Receiver<Queued>,
) {
    let inbox = Arc::new(tokio::sync::Mutex::new(Inbox {
        queue,
        waiting: Vec::with_capacity(MAX_BATCH),
        max_bytes,
    }));
    let mut running = tokio::task::JoinSet::new();
    for lane in lanes {
        running.spawn(lane.run(events.clone(), inbox.clone()));
    }
    while running.join_next().await.is_some() {}
}

/// A lane: a connection of its own, and on PostgreSQL the one-statement
/// way of storing a batch on it.
struct Lane {
    db: DatabaseConnection,
    express: Option<Express>,
}

impl Lane {
    /// Takes the next batch when it has written its last. A batch goes in
    /// one statement where it can, and the long way, in a transaction,
    /// where it cannot.
    async fn run(mut self, events: Events, inbox: Arc<tokio::sync::Mutex<Inbox>>) {
        let mut replan = Replan::default();
        loop {
            let Some(batch) = inbox.lock().await.next().await else {
                return;
            };
            let written = batch.len() as u64;
            let long_way = match &mut self.express {
                Some(express) => express.store(&events, batch).await,
                None => Some(batch),
            };
            if let Some(batch) = long_way {
                store_batch(&self.db, &events, batch).await;
            }
            if replan.due(&self.db, written) {
                self.drop_plans().await;
            }
        }
    }

    /// Drops the plans of the lane's connection: the held one, if any.
    async fn drop_plans(&mut self) {
        const DISCARD: &str = "DISCARD PLANS";
        let on_held = match self.express.as_mut() {
            Some(express) => express.execute(DISCARD).await,
            None => None,
        };
        let dropped = match on_held {
            Some(dropped) => dropped,
            None => self
                .db
                .execute_unprepared(DISCARD)
                .await
                .map(drop)
                .map_err(|e| crate::error::describe_db(&e)),
        };
        if let Err(error) = dropped {
            tracing::warn!(%error, "the booking writer could not drop its plans");
        }
    }
}

/// Storing a batch in one statement ([`express`]) on a lane's connection
/// (PostgreSQL), held from one batch to the next: a connection given back
/// to its pool is pinged on the way, a round trip more per batch. The long
/// way takes the connection through the pool, so the lane lets go of it
/// first.
struct Express {
    pool: PgPool,
    held: Option<PoolConnection<Postgres>>,
    /// When the held connection last ran a statement.
    used: std::time::Instant,
    statements: Arc<AtomicU64>,
    lanes: Lanes,
}

impl Express {
    fn new(pool: PgPool, statements: Arc<AtomicU64>, lanes: Lanes) -> Self {
        Self {
            pool,
            held: None,
            used: std::time::Instant::now(),
            statements,
            lanes,
        }
    }

    /// Stores the batch in one statement and answers its requests; gives
    /// back those that must go the long way.
    async fn store(&mut self, events: &Events, batch: Vec<Queued>) -> Option<Vec<Queued>> {
        let statements = self.statements.clone();
        let connection = match self.connection().await {
            Ok(connection) => connection,
            Err(error) => {
                tracing::warn!(
                    error = %crate::error::describe_sqlx(&error),
                    "the booking writer has no connection of its own"
                );
                return Some(batch);
            }
        };
        let (mut jobs, replies): (Vec<Job>, Vec<Reply>) =
            batch.into_iter().map(|q| (q.job, q.reply)).unzip();
        let sent = express::store(connection, events, &mut jobs).await;
        statements.fetch_add(sent.statements, Ordering::Relaxed);
        self.used = std::time::Instant::now();
        let mut long_way = Vec::new();
        for ((job, reply), answer) in jobs.into_iter().zip(replies).zip(sent.answers) {
            match answer {
                // The caller may have stopped waiting; the request is stored all the same.
                Some(answer) => drop(reply.send(answer)),
                None => long_way.push(Queued { job, reply }),
            }
        }
        sent.news.deliver();
        if sent.dead {
            // Closed, never given back: the next batch gets a new one.
            self.let_go_of_dead();
        } else if sent.broken || !long_way.is_empty() {
            // The long way takes the connection through the pool.
            self.held = None;
        }
        (!long_way.is_empty()).then_some(long_way)
    }

    /// Runs `sql` on the held connection; `None` if none is held.
    async fn execute(&mut self, sql: &'static str) -> Option<Result<(), String>> {
        let connection = self.held.as_deref_mut()?;
        self.statements.fetch_add(1, Ordering::Relaxed);
        let done = connection.execute(sql).await;
        Some(done.map(drop).map_err(|e| crate::error::describe_sqlx(&e)))
    }

    /// Closes the held connection, which the server has dropped: given
    /// back, it would be the one the pool hands out next.
    fn let_go_of_dead(&mut self) {
        if let Some(mut dead) = self.held.take() {
            dead.close_on_drop();
        }
    }

    /// The held connection, taken from the pool if there is none, and
    /// pinged if it has been idle for a while (as the pool would have). A
    /// connection that does not answer is closed before another is taken:
    /// the lane's pool holds one, and would wait for it forever.
    async fn connection(&mut self) -> Result<&mut PgConnection, sqlx::Error> {
        if self.used.elapsed() >= self.lanes.ping_after_idle
            && let Some(held) = self.held.as_mut()
            && held.ping().await.is_err()
        {
            self.let_go_of_dead();
        }
        let held = match self.held.take() {
            Some(held) => held,
            None => self.pool.acquire().await?,
        };
        Ok(&mut **self.held.insert(held))
    }
}

/// Where the lanes take their batches from.
struct Inbox {
    queue: mpsc::Receiver<Queued>,
    /// Requests held back from the last batch.
    waiting: Vec<Queued>,
    max_bytes: Option<usize>,
}

impl Inbox {
    /// The next batch; `None` once the writer is dropped. Requests held
    /// back from the last batch go first, with whatever came meanwhile;
    /// with none, it waits for the next.
    async fn next(&mut self) -> Option<Vec<Queued>> {
        if self.waiting.is_empty() && self.queue.recv_many(&mut self.waiting, MAX_BATCH).await == 0
        {
            return None;
        }
        while self.waiting.len() < MAX_BATCH {
            match self.queue.try_recv() {
                Ok(queued) => self.waiting.push(queued),
                Err(_) => break,
            }
        }
        let (batch, later) = next_batch(std::mem::take(&mut self.waiting), self.max_bytes);
        self.waiting = later;
        Some(batch)
    }
}

/// Splits the queue into the next batch and the requests that wait for
/// the one after: those whose key an earlier request in the queue carries,
/// and those beyond `max_bytes` (a batch takes at least one).
fn next_batch(queued: Vec<Queued>, max_bytes: Option<usize>) -> (Vec<Queued>, Vec<Queued>) {
    let mut keys = HashSet::new();
    let mut bytes = 0;
    let mut batch = Vec::with_capacity(queued.len());
    let mut later = Vec::new();
    for q in queued {
        let first_with_key = match &q.job.claim {
            Some(claim) => keys.insert(claim.key.clone()),
            None => true,
        };
        // Weighed only against a budget, and only if it could go in.
        let fits = first_with_key
            && max_bytes.is_none_or(|max| {
                let weight = batch::weight(&q.job);
                let fits = batch.is_empty() || bytes + weight <= max;
                if fits {
                    bytes += weight;
                }
                fits
            });
        if fits {
            batch.push(q);
        } else {
            later.push(q);
        }
    }
    (batch, later)
}

/// When the writer's plans are made afresh (PostgreSQL).
///
/// PostgreSQL keeps one plan for a prepared statement, and for the foreign
/// key checks of its inserts, made with the tables' sizes of that moment;
/// it makes new ones when `ANALYZE` next runs, which autovacuum does once a
/// minute at most. Made over the empty tables of a new database, they scan
/// tables whole, and a burst of bookings in its first minute would make
/// each batch slower than the last. So the writer drops its plans each time
/// it has written as many requests again as when it last did: a few times
/// in all, a statement each.
struct Replan {
    written: u64,
    next: u64,
}

impl Default for Replan {
    fn default() -> Self {
        Self {
            written: 0,
            // Requests written before the first time.
            next: 64,
        }
    }
}

impl Replan {
    /// Counts what a lane wrote; whether its plans are due to be dropped.
    fn due(&mut self, db: &DatabaseConnection, written: u64) -> bool {
        self.written += written;
        if db.get_database_backend() != DatabaseBackend::Postgres || self.written < self.next {
            return false;
        }
        self.next = self.written.saturating_mul(2);
        true
    }
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

#[cfg(test)]
pub(super) mod tests {
    use chrono::{TimeZone, Utc};
    use entity::booking_request::{BookingStatus, ContactMethod};
    use uuid::Uuid;

    use super::*;

    /// A checked request with `windows` preferred windows, a message of
    /// `message` characters and, if given, an idempotency key.
    pub(in crate::domain::bookings) fn job(
        key: Option<&str>,
        message: usize,
        windows: usize,
    ) -> Job {
        let at = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
        let window = serde_json::json!({
            "start": "2026-03-04T09:00:00Z",
            "end": "2026-03-04T11:00:00Z",
        });
        Job {
            request: booking_request::Model {
                id: Uuid::new_v4(),
                reference: "PTF-7K3M9Q2X".into(),
                full_name: "Dana Whitfield".into(),
                email: "dana.whitfield@example.org".into(),
                phone_e164: "+15035550142".into(),
                preferred_contact: ContactMethod::Email,
                service_id: 3,
                location_id: 1,
                therapist_id: Some(12),
                assigned_therapist_id: None,
                preferred_windows: serde_json::Value::Array(vec![window; windows]),
                new_patient: true,
                physician_referral: false,
                insurance_provider: Some("Cascade Mutual".into()),
                message: (message > 0).then(|| "é".repeat(message / 2)),
                consent: true,
                status: BookingStatus::New,
                submitted_at: at,
                updated_at: at,
                anonymised_at: None,
            },
            claim: key.map(|key| Claim {
                key: key.into(),
                fingerprint: "f".repeat(64),
            }),
            hits: Vec::new(),
        }
    }

    fn queue(jobs: Vec<Job>) -> Vec<Queued> {
        jobs.into_iter()
            .map(|job| Queued {
                job,
                reply: oneshot::channel().0,
            })
            .collect()
    }

    fn keys(queued: &[Queued]) -> Vec<&str> {
        queued
            .iter()
            .map(|q| q.job.claim.as_ref().map_or("-", |c| c.key.as_str()))
            .collect()
    }

    #[test]
    fn a_key_waits_for_the_next_batch_behind_its_first_request() {
        let (batch, later) = next_batch(
            queue(vec![
                job(Some("a"), 0, 1),
                job(Some("b"), 0, 1),
                job(Some("a"), 0, 1),
                job(None, 0, 1),
                job(Some("b"), 0, 1),
            ]),
            None,
        );
        assert_eq!(keys(&batch), ["a", "b", "-"]);
        assert_eq!(keys(&later), ["a", "b"]);
    }

    #[test]
    fn over_tls_a_batch_stays_within_its_bytes_and_takes_at_least_one() {
        // Long messages: about 2.5 KB each, so four fit and the rest wait in order.
        let names = ["1", "2", "3", "4", "5", "6", "7"];
        let jobs = names.iter().map(|k| job(Some(k), 2000, 3)).collect();
        let (batch, later) = next_batch(queue(jobs), Some(MAX_BATCH_BYTES));
        let weight: usize = batch.iter().map(|q| batch::weight(&q.job)).sum();
        assert!(weight <= MAX_BATCH_BYTES, "{weight} bytes");
        assert_eq!(keys(&batch), ["1", "2", "3", "4"]);
        assert_eq!(keys(&later), ["5", "6", "7"]);

        // Without TLS there is no budget.
        let jobs = names.iter().map(|k| job(Some(k), 2000, 3)).collect();
        let (batch, later) = next_batch(queue(jobs), None);
        assert_eq!(keys(&batch), names);
        assert!(later.is_empty());

        let huge = job(Some("huge"), MAX_BATCH_BYTES * 2, 1);
        let (batch, later) = next_batch(
            queue(vec![huge, job(Some("small"), 0, 1)]),
            Some(MAX_BATCH_BYTES),
        );
        assert_eq!(keys(&batch), ["huge"]);
        assert_eq!(keys(&later), ["small"]);
    }
}
