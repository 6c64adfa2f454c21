//! Storing checked booking requests in batches (group commit). The rest of
//! `bookings` sees one door: [`Writer::store`] takes a [`Job`] and answers
//! with a [`StoreOutcome`].
//!
//! A request that passed its checks is handed to the instance's one writer
//! and waits for its outcome. The writer takes every request waiting at
//! that moment ([`queue`]) and stores them together: one commit, and on
//! PostgreSQL one `fsync`, for all of them. On PostgreSQL that is one
//! statement that commits on its own ([`single_statement`]) where it can;
//! otherwise one transaction with a few statements for the whole batch
//! ([`transaction`]). While it writes, the next requests gather, so the
//! busier the service, the larger the batches. On PostgreSQL the writer has
//! two workers ([`worker`]), each with its own connection
//! ([`held_connection`]), so that the next batch is written while the last
//! commits.
//!
//! Each request is still stored exactly as on its own: with its key (the
//! loser of a race, here or on another instance, stores and counts nothing
//! and answers with the winner's request), counted against its limits in
//! arrival order (one refused stores and counts nothing), logged and
//! announced in the same transaction. Two requests of one batch never share
//! a key: the later waits for the next batch, and there finds the first's
//! claim, or, while the first's batch is still being written by the other
//! worker, waits at the key's unique index and loses the race. A batch that
//! fails is stored again one request at a time, so that one bad request
//! fails alone.

mod held_connection;
mod insert;
mod job;
mod queue;
mod rows;
mod single_statement;
mod start;
#[cfg(test)]
mod test_support;
mod transaction;
mod worker;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use sea_orm::DatabaseConnection;
use tokio::sync::{mpsc, oneshot};

pub use job::{Claim, Job, StoreOutcome};
use queue::{QUEUE, Queued};
pub use start::WorkerConnections;

use crate::error::AppError;
use crate::events::Events;

/// The handle on an instance's writer; the writer starts with the first
/// request, and again if it ever stopped.
pub struct Writer {
    db: DatabaseConnection,
    events: Events,
    worker_connections: WorkerConnections,
    queue: Mutex<Option<mpsc::Sender<Queued>>>,
    /// Statements run on the writer's own connections.
    own_statements: Arc<AtomicU64>,
}

impl Writer {
    pub fn new(
        db: DatabaseConnection,
        events: Events,
        worker_connections: WorkerConnections,
    ) -> Self {
        Self {
            db,
            events,
            worker_connections,
            queue: Mutex::new(None),
            own_statements: Arc::default(),
        }
    }

    pub fn own_statements(&self) -> u64 {
        self.own_statements.load(Ordering::Relaxed)
    }

    /// Stores `job` in the next batch and returns what became of it. The
    /// batch is stored even if the caller stops waiting.
    pub async fn store(&self, job: Job) -> Result<StoreOutcome, AppError> {
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
                start::start(
                    &self.db,
                    self.events.clone(),
                    self.worker_connections,
                    receiver,
                    counter,
                );
                *queue = Some(sender.clone());
                sender
            }
        }
    }
}
