//! The writer's workers: each takes the next batch when it has written its
//! last, and writes it on a connection of its own. On PostgreSQL there are
//! two, so that while one batch commits the next is being written.

use std::sync::Arc;

use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection};

use super::held_connection::HeldConnection;
use super::queue::Inbox;
use super::transaction;
use crate::events::Events;

/// One of the writer's workers: its connection (a pool of one on
/// PostgreSQL, the shared one on SQLite) and, on PostgreSQL, that
/// connection held for the single statement.
pub(super) struct Worker {
    pub(super) db: DatabaseConnection,
    pub(super) held: Option<HeldConnection>,
}

impl Worker {
    /// Takes the next batch when it has written its last, until the writer
    /// is dropped. A batch goes in one statement where it can, and in a
    /// transaction where it cannot.
    pub(super) async fn run(mut self, events: Events, inbox: Arc<tokio::sync::Mutex<Inbox>>) {
        let mut replan = Replan::default();
        loop {
            let Some(batch) = inbox.lock().await.next().await else {
                return;
            };
            let written = batch.len() as u64;
            let for_transaction = match &mut self.held {
                Some(held) => held.store(&events, batch).await,
                None => Some(batch),
            };
            if let Some(batch) = for_transaction {
                transaction::store(&self.db, &events, batch).await;
            }
            if replan.due(&self.db, written) {
                self.drop_plans().await;
            }
        }
    }

    /// Drops the plans of the worker's connection: the held one, if any.
    async fn drop_plans(&mut self) {
        const DISCARD: &str = "DISCARD PLANS";
        let on_held = match self.held.as_mut() {
            Some(held) => held.execute(DISCARD).await,
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
    /// Counts what a worker wrote; whether its plans are due to be dropped.
    fn due(&mut self, db: &DatabaseConnection, written: u64) -> bool {
        self.written += written;
        if db.get_database_backend() != DatabaseBackend::Postgres || self.written < self.next {
            return false;
        }
        self.next = self.written.saturating_mul(2);
        true
    }
}
