//! A worker's own PostgreSQL connection, held from one batch to the next,
//! and the single statement ([`single_statement`]) sent on it: a connection
//! given back to its pool is pinged on the way, a round trip more per
//! batch. A transaction takes the connection through the pool, so the
//! worker lets go of it first.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use sea_orm::sqlx::pool::PoolConnection;
use sea_orm::sqlx::postgres::{PgConnection, PgPool};
use sea_orm::sqlx::{self, Connection as _, Executor as _, Postgres};

use super::queue::{Queued, split};
use super::single_statement;
use crate::events::Events;

/// A worker's connection, taken from its pool of one and held.
pub(super) struct HeldConnection {
    pool: PgPool,
    held: Option<PoolConnection<Postgres>>,
    /// When the held connection last ran a statement.
    used: Instant,
    /// An idle connection is pinged before its next batch after this long.
    ping_after_idle: Duration,
    statements: Arc<AtomicU64>,
}

impl HeldConnection {
    pub(super) fn new(pool: PgPool, statements: Arc<AtomicU64>, ping_after_idle: Duration) -> Self {
        Self {
            pool,
            held: None,
            used: Instant::now(),
            ping_after_idle,
            statements,
        }
    }

    /// Stores the batch in one statement and answers its requests; gives
    /// back those that must go through a transaction.
    pub(super) async fn store(
        &mut self,
        events: &Events,
        batch: Vec<Queued>,
    ) -> Option<Vec<Queued>> {
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
        let (mut jobs, replies) = split(batch);
        let sent = single_statement::store(connection, events, &mut jobs).await;
        statements.fetch_add(sent.statements, Ordering::Relaxed);
        self.used = Instant::now();
        let mut for_transaction = Vec::new();
        for ((job, reply), answer) in jobs.into_iter().zip(replies).zip(sent.answers) {
            match answer {
                // The caller may have stopped waiting; the request is stored all the same.
                Some(answer) => drop(reply.send(answer)),
                None => for_transaction.push(Queued { job, reply }),
            }
        }
        sent.news.deliver();
        self.keep_or_let_go(sent.dead, sent.broken || !for_transaction.is_empty());
        (!for_transaction.is_empty()).then_some(for_transaction)
    }

    /// After a statement: a `dead` connection is closed, never given back,
    /// so that the next batch gets a new one; one to `give_back` goes back
    /// to the pool (a transaction takes it from there).
    fn keep_or_let_go(&mut self, dead: bool, give_back: bool) {
        if dead {
            self.let_go_of_dead();
        } else if give_back {
            self.held = None;
        }
    }

    /// Runs `sql` on the held connection; `None` if none is held.
    pub(super) async fn execute(&mut self, sql: &'static str) -> Option<Result<(), String>> {
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
    /// the worker's pool holds one, and would wait for it forever.
    async fn connection(&mut self) -> Result<&mut PgConnection, sqlx::Error> {
        if self.used.elapsed() >= self.ping_after_idle
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
