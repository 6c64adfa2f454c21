//! Starting the writer: its workers, and on PostgreSQL the thread, runtime
//! and connections of its own they run on.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures_util::future::BoxFuture;
use sea_orm::sqlx::pool::PoolConnectionMetadata;
use sea_orm::sqlx::postgres::{PgConnectOptions, PgConnection, PgPoolOptions, PgSslMode};
use sea_orm::sqlx::{self, Connection as _};
use sea_orm::{DatabaseBackend, DatabaseConnection, SqlxPostgresConnector};
use tokio::sync::mpsc;

use super::held_connection::HeldConnection;
use super::queue::{Inbox, MAX_BATCH, MAX_BATCH_BYTES, Queued};
use super::worker::Worker;
use crate::events::Events;

/// The `application_name` of the writer's own connections (PostgreSQL).
const WRITER_NAME: &str = "clinic-api booking writer";

/// Workers on PostgreSQL, each writing its batch on a connection of its
/// own: while one commits, the next is being written. (The two count
/// against a limit in turn, since each holds the limit's row until it
/// commits.)
const WORKERS: usize = 2;

/// How the writer's workers hold their connections
/// (PostgreSQL).
#[derive(Clone, Copy, Debug)]
pub struct WorkerConnections {
    /// A connection idle this long is pinged before its next batch: the
    /// server, a firewall or an idle reaper may have dropped it.
    pub ping_after_idle: Duration,
    /// The longest a worker waits for a connection: shorter than the
    /// request timeout, so that a patient is told rather than left waiting.
    pub acquire_timeout: Duration,
}

impl Default for WorkerConnections {
    fn default() -> Self {
        Self {
            ping_after_idle: crate::db::PING_AFTER_IDLE,
            acquire_timeout: Duration::from_secs(5),
        }
    }
}

/// Starts the writer. On PostgreSQL it runs on a thread of its own with
/// connections of its own: a batch is a few round trips in a row, and on
/// the shared runtime each of them would wait for its turn behind the
/// requests being served, so that batches would take several times longer.
/// SQLite runs its statements on threads of its own already, and writes one
/// transaction at a time: one worker.
pub(super) fn start(
    db: &DatabaseConnection,
    events: Events,
    worker_connections: WorkerConnections,
    queue: mpsc::Receiver<Queued>,
    statements: Arc<AtomicU64>,
) {
    if db.get_database_backend() != DatabaseBackend::Postgres {
        let worker = Worker {
            db: db.clone(),
            held: None,
        };
        tokio::spawn(run(vec![worker], None, events, queue));
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
            let Some(runtime) = own_runtime() else {
                return;
            };
            runtime.block_on(async move {
                let workers: Vec<Worker> = (0..WORKERS)
                    .map(|_| postgres_worker(&options, worker_connections, &statements))
                    .collect();
                let dbs: Vec<DatabaseConnection> = workers.iter().map(|w| w.db.clone()).collect();
                run(workers, max_bytes, events, queue).await;
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

/// The runtime of the writer's own thread.
fn own_runtime() -> Option<tokio::runtime::Runtime> {
    match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => Some(runtime),
        Err(error) => {
            tracing::error!(%error, "the booking writer cannot start its runtime");
            None
        }
    }
}

/// A worker with a pool of one connection of its own, whose statements
/// count in `statements`.
fn postgres_worker(
    options: &PgConnectOptions,
    worker_connections: WorkerConnections,
    statements: &Arc<AtomicU64>,
) -> Worker {
    let ping_after_idle = worker_connections.ping_after_idle;
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(worker_connections.acquire_timeout)
        .test_before_acquire(false)
        .before_acquire(move |connection, meta| ping_if_idle(connection, meta, ping_after_idle))
        .connect_lazy_with(options.clone());
    let held = HeldConnection::new(pool.clone(), statements.clone(), ping_after_idle);
    let mut db = SqlxPostgresConnector::from_sqlx_postgres_pool(pool);
    let statements = statements.clone();
    db.set_metric_callback(move |_| {
        statements.fetch_add(1, Ordering::Relaxed);
    });
    Worker {
        db,
        held: Some(held),
    }
}

/// Pings a worker's connection before a batch only when it has been idle
/// for a while, as the shared pool does (`db::connect`): between two
/// batches in a row it is known to be alive, and a ping would be a round
/// trip more per batch.
fn ping_if_idle(
    connection: &mut PgConnection,
    meta: PoolConnectionMetadata,
    after: Duration,
) -> BoxFuture<'_, Result<bool, sqlx::Error>> {
    Box::pin(async move {
        if meta.idle_for >= after {
            connection.ping().await?;
        }
        Ok(true)
    })
}

/// The writer: its workers, each writing one batch after another, until
/// the writer is dropped. A batch holds at most `max_bytes` of rows, if
/// given.
async fn run(
    workers: Vec<Worker>,
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
    for worker in workers {
        running.spawn(worker.run(events.clone(), inbox.clone()));
    }
    while running.join_next().await.is_some() {}
}
