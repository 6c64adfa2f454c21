//! News that one write has for the readers of every instance: a booking request
//! was received, public data changed (so cached answers must go), a staff
//! member's access changed (so their open sockets must be checked again).
//! Within a process it travels over a broadcast channel; on PostgreSQL it is
//! sent with `NOTIFY` inside the writing transaction, so it leaves only if the
//! write commits, and every instance (this one included) hears it through
//! `LISTEN`. SQLite has no such channel: a write there is announced to this
//! process once it has committed.
//!
//! Whether public data changed is also kept as a number, the content
//! generation, that every change moves on: the response cache and the
//! clinic's snapshot compare it with the one they were made in, so that the
//! writing instance forgets them the moment its write commits, before it
//! answers, whatever the transport.
//!
//! The listener never drifts silently: whenever it loses its connection (a
//! restart of the database, a terminated backend, a network cut), news may
//! have been missed, so once it listens again it moves the content generation
//! on and announces [`Event::Missed`], after which subscribers catch up from
//! the database and sockets check their access again.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use sea_orm::sqlx::postgres::{PgListener, PgPool, PgPoolOptions};
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, Statement};
use tokio::sync::broadcast;
use uuid::Uuid;

/// The PostgreSQL channel the news travels on.
pub const CHANNEL: &str = "clinic_api_events";
/// The `application_name` of the listener's connection.
pub const LISTENER_NAME: &str = "clinic-api events";
/// How many pieces of news a slow subscriber may fall behind before it skips some.
const CAPACITY: usize = 1024;

/// A piece of news.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// A booking request with this id was stored.
    BookingReceived(Uuid),
    /// Staff changed public data: articles, the directory, the clinic's details.
    ContentChanged,
    /// The access of the staff member with this id changed: a token of
    /// theirs was revoked, their account disabled or their role changed.
    AccessChanged(i32),
    /// This instance may have missed news (its listener lost its connection,
    /// or a receiver fell behind): anything may have changed. Never sent
    /// between instances.
    Missed,
}

impl Event {
    /// The payload this news travels as between instances.
    pub(crate) fn encode(self) -> String {
        match self {
            Self::BookingReceived(id) => format!("booking_received:{id}"),
            Self::ContentChanged => "content_changed:".to_owned(),
            Self::AccessChanged(staff) => format!("access_changed:{staff}"),
            Self::Missed => "missed:".to_owned(),
        }
    }

    fn decode(payload: &str) -> Option<Self> {
        let (kind, rest) = payload.split_once(':')?;
        match kind {
            "booking_received" => rest.parse().ok().map(Self::BookingReceived),
            "content_changed" => Some(Self::ContentChanged),
            "access_changed" => rest.parse().ok().map(Self::AccessChanged),
            _ => None,
        }
    }
}

/// Where news is published and subscribed to.
#[derive(Clone)]
pub struct Events {
    sender: broadcast::Sender<Event>,
    shared: bool,
    /// The content generation: moves on whenever public data may have changed.
    content: Arc<AtomicU64>,
    /// Times the listener got its connection back.
    reconnects: Arc<AtomicU64>,
}

/// News written inside a transaction, to be delivered once it commits.
#[must_use = "deliver the news after the transaction commits"]
pub struct Pending {
    events: Events,
    news: Vec<Event>,
}

impl Pending {
    /// Announces the news to this process: the content generation moves on
    /// at once if public data changed; on SQLite every piece goes to this
    /// process's subscribers (on PostgreSQL the commit sent it to every
    /// instance's, this one's included).
    pub fn deliver(self) {
        if self.news.contains(&Event::ContentChanged) {
            self.events.content_changed();
        }
        if !self.events.shared {
            for event in self.news {
                // No subscriber is not an error.
                let _ = self.events.sender.send(event);
            }
        }
    }
}

impl Events {
    fn new(shared: bool) -> Self {
        Self {
            sender: broadcast::channel(CAPACITY).0,
            shared,
            content: Arc::default(),
            reconnects: Arc::default(),
        }
    }

    /// News for this process only.
    pub fn local() -> Self {
        Self::new(false)
    }

    /// For a command that writes and then exits: on PostgreSQL its news
    /// reaches every instance (it listens to none itself); on SQLite it
    /// reaches nobody, and running servers find the change by checking.
    pub fn publisher(db: &DatabaseConnection) -> Self {
        Self::new(db.get_database_backend() == DatabaseBackend::Postgres)
    }

    /// News shared with every instance on the same PostgreSQL database; on
    /// SQLite, news for this process. Returns once this instance is listening.
    pub async fn start(db: &DatabaseConnection) -> Result<Self, DbErr> {
        if db.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(Self::local());
        }
        let shared = db.get_postgres_connection_pool();
        // A connection of its own, named so that an operator can tell it
        // apart: it is held for as long as the instance runs.
        let options = shared
            .connect_options()
            .as_ref()
            .clone()
            .application_name(LISTENER_NAME);
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_lazy_with(options);
        let listener = open_listener(&pool)
            .await
            .map_err(|e| DbErr::Custom(format!("cannot listen for events: {e}")))?;
        let events = Self::new(true);
        // It stops when the instance's pool closes, so that closing does not
        // wait for it forever.
        let closed = shared.close_event();
        tokio::spawn(listen(pool, listener, events.clone(), closed));
        Ok(events)
    }

    /// Writes `events` as part of the transaction `txn`, in one statement
    /// however many; call [`Pending::deliver`] once it has committed.
    pub async fn publish_in<C: ConnectionTrait>(
        &self,
        txn: &C,
        events: Vec<Event>,
    ) -> Result<Pending, DbErr> {
        if self.shared {
            notify_all_in(txn, &events).await?;
        }
        Ok(self.after_commit(events))
    }

    /// For a statement that sends its own news (`pg_notify` on [`CHANNEL`]):
    /// what it sends for `event`, if news is shared; `None` if news is this
    /// process's alone, and [`Events::after_commit`] delivers it.
    pub fn payload(&self, event: Event) -> Option<String> {
        self.shared.then(|| event.encode())
    }

    /// The news of a write, to deliver once it has committed (see
    /// [`Events::payload`] for a statement that sends its own).
    pub fn after_commit(&self, news: Vec<Event>) -> Pending {
        Pending {
            events: self.clone(),
            news,
        }
    }

    /// Every piece of news from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.sender.subscribe()
    }

    /// Whether news travels between instances (PostgreSQL).
    pub fn is_shared(&self) -> bool {
        self.shared
    }

    /// The content generation: what was read from public data in one
    /// generation may be out of date in the next.
    pub fn content_generation(&self) -> u64 {
        self.content.load(Ordering::Acquire)
    }

    /// Public data may have changed (a write committed, news was missed,
    /// SQL was run behind the API's back): this instance forgets what it
    /// read before.
    pub fn content_changed(&self) {
        self.content.fetch_add(1, Ordering::AcqRel);
    }

    /// How many times the listener got its connection back after losing it.
    pub fn reconnects(&self) -> u64 {
        self.reconnects.load(Ordering::Relaxed)
    }

    /// The listener listens again after losing its connection: news may
    /// have been missed, so public data is taken as changed and subscribers
    /// are told, to catch up.
    fn listening_again(&self) {
        self.reconnects.fetch_add(1, Ordering::Relaxed);
        tracing::warn!(
            "the event listener is listening again; caches are emptied and subscribers catch up on what they missed"
        );
        self.content_changed();
        let _ = self.sender.send(Event::Missed);
    }
}

/// A listener on [`CHANNEL`], on a connection of the pool.
async fn open_listener(pool: &PgPool) -> Result<PgListener, sea_orm::sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

/// Hands what the listener hears to this process, until the pool closes.
/// When its connection fails, it is dropped and a new listener is made
/// (once a second until one is); the driver may also reconnect on its own.
/// Either way, once it listens again it announces that news may have been
/// missed: what was sent while it was away is gone.
async fn listen(
    pool: PgPool,
    listener: PgListener,
    events: Events,
    closed: impl std::future::Future<Output = ()>,
) {
    tokio::pin!(closed);
    let mut current = Some(listener);
    loop {
        let Some(listening) = current.as_mut() else {
            tokio::select! {
                () = &mut closed => break,
                made = open_listener(&pool) => match made {
                    Ok(made) => {
                        current = Some(made);
                        events.listening_again();
                    }
                    Err(_) => tokio::time::sleep(Duration::from_secs(1)).await,
                },
            }
            continue;
        };
        let received = tokio::select! {
            () = &mut closed => break,
            received = listening.try_recv() => received,
        };
        match received {
            Ok(Some(notification)) => {
                if let Some(event) = Event::decode(notification.payload()) {
                    if event == Event::ContentChanged {
                        events.content_changed();
                    }
                    let _ = events.sender.send(event);
                }
            }
            // The driver lost the connection and listens again on a new one.
            Ok(None) => events.listening_again(),
            Err(error) => {
                tracing::warn!(
                    error = %crate::error::describe_sqlx(&error),
                    "the event listener lost its connection; listening again as soon as it can"
                );
                // Until it hears again, changes elsewhere go unseen: what is
                // cached now may be stale already.
                events.content_changed();
                current = None;
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
    pool.close().await;
}

/// On PostgreSQL, writes `event` as part of the transaction `txn`, for every
/// instance listening (this one included) once it commits; elsewhere, nothing.
pub async fn notify_in<C: ConnectionTrait>(txn: &C, event: Event) -> Result<(), DbErr> {
    notify_all_in(txn, &[event]).await
}

/// [`notify_in`] for several events, in one statement: their payloads travel
/// as one JSON array, so that the statement's text never changes.
async fn notify_all_in<C: ConnectionTrait>(txn: &C, events: &[Event]) -> Result<(), DbErr> {
    if events.is_empty() || txn.get_database_backend() != DatabaseBackend::Postgres {
        return Ok(());
    }
    let payloads: Vec<serde_json::Value> = events
        .iter()
        .filter(|e| **e != Event::Missed)
        .map(|e| e.encode().into())
        .collect();
    txn.execute_raw(Statement::from_sql_and_values(
        DatabaseBackend::Postgres,
        "SELECT pg_notify($1, payload) FROM jsonb_array_elements_text($2::jsonb) AS payload",
        [CHANNEL.into(), serde_json::Value::from(payloads).into()],
    ))
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_round_trip_and_strangers_are_ignored() {
        let event = Event::BookingReceived(Uuid::new_v4());
        assert_eq!(Event::decode(&event.encode()), Some(event));
        for event in [Event::ContentChanged, Event::AccessChanged(7)] {
            assert_eq!(Event::decode(&event.encode()), Some(event));
        }
        assert_eq!(Event::decode("booking_received:nope"), None);
        assert_eq!(Event::decode("access_changed:x"), None);
        assert_eq!(Event::decode("other:1"), None);
        // Only this instance can know it missed news.
        assert_eq!(Event::decode(&Event::Missed.encode()), None);
    }

    #[tokio::test]
    async fn a_change_delivered_moves_the_content_generation_on_at_once() {
        let events = Events::local();
        let mut news = events.subscribe();
        let before = events.content_generation();
        events
            .after_commit(vec![Event::BookingReceived(Uuid::nil())])
            .deliver();
        assert_eq!(
            events.content_generation(),
            before,
            "a booking is not content"
        );
        events.after_commit(vec![Event::ContentChanged]).deliver();
        assert_eq!(events.content_generation(), before + 1);
        assert_eq!(
            news.recv().await.unwrap(),
            Event::BookingReceived(Uuid::nil())
        );
        assert_eq!(news.recv().await.unwrap(), Event::ContentChanged);
    }
}
