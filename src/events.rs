//! News that one write has for the readers of every instance: a booking request
//! was received, or public data changed (so cached answers must go). Within a process it travels over a broadcast channel; on
//! PostgreSQL it is sent with `NOTIFY` inside the writing transaction, so it
//! leaves only if the write commits, and every instance (this one included)
//! hears it through `LISTEN`. SQLite has no such channel: a write there is
//! announced to this process once it has committed.

use std::time::Duration;

use sea_orm::sqlx::postgres::PgListener;
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, Statement};
use tokio::sync::broadcast;
use uuid::Uuid;

/// The PostgreSQL channel the news travels on.
pub const CHANNEL: &str = "clinic_api_events";
/// How many pieces of news a slow subscriber may fall behind before it skips some.
const CAPACITY: usize = 1024;

/// A piece of news.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// A booking request with this id was stored.
    BookingReceived(Uuid),
    /// Staff changed public data: articles, the directory, the clinic's details.
    ContentChanged,
}

impl Event {
    /// The payload this news travels as between instances.
    pub(crate) fn encode(self) -> String {
        match self {
            Self::BookingReceived(id) => format!("booking_received:{id}"),
            Self::ContentChanged => "content_changed:".to_owned(),
        }
    }

    fn decode(payload: &str) -> Option<Self> {
        let (kind, rest) = payload.split_once(':')?;
        match kind {
            "booking_received" => rest.parse().ok().map(Self::BookingReceived),
            "content_changed" => Some(Self::ContentChanged),
            _ => None,
        }
    }
}

/// Where news is published and subscribed to.
#[derive(Clone)]
pub struct Events {
    sender: broadcast::Sender<Event>,
    shared: bool,
}

/// News written inside a transaction, to be delivered once it commits.
#[must_use = "deliver the news after the transaction commits"]
pub struct Pending(Option<(broadcast::Sender<Event>, Vec<Event>)>);

impl Pending {
    /// Announces the news to this process (SQLite); on PostgreSQL the commit did.
    pub fn deliver(self) {
        if let Some((sender, events)) = self.0 {
            for event in events {
                // No subscriber is not an error.
                let _ = sender.send(event);
            }
        }
    }
}

impl Events {
    /// News for this process only.
    pub fn local() -> Self {
        Self {
            sender: broadcast::channel(CAPACITY).0,
            shared: false,
        }
    }

    /// News shared with every instance on the same PostgreSQL database; on
    /// SQLite, news for this process. Returns once this instance is listening.
    pub async fn start(db: &DatabaseConnection) -> Result<Self, DbErr> {
        if db.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(Self::local());
        }
        let pool = db.get_postgres_connection_pool();
        let mut listener = PgListener::connect_with(pool)
            .await
            .map_err(|e| DbErr::Custom(format!("cannot listen for events: {e}")))?;
        listener
            .listen(CHANNEL)
            .await
            .map_err(|e| DbErr::Custom(format!("cannot listen for events: {e}")))?;
        let events = Self {
            sender: broadcast::channel(CAPACITY).0,
            shared: true,
        };
        let sender = events.sender.clone();
        // The listener holds one of the pool's connections; it lets go when
        // the pool closes, so that closing does not wait for it forever.
        let closed = pool.close_event();
        tokio::spawn(async move {
            tokio::pin!(closed);
            loop {
                let received = tokio::select! {
                    () = &mut closed => break,
                    received = listener.recv() => received,
                };
                match received {
                    Ok(notification) => {
                        if let Some(event) = Event::decode(notification.payload()) {
                            let _ = sender.send(event);
                        }
                    }
                    // The listener reconnects on the next call; news sent
                    // while it was away is lost.
                    Err(error) => {
                        tracing::warn!(%error, "lost the event listener's connection; reconnecting");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                }
            }
        });
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
            Ok(Pending(None))
        } else {
            Ok(Pending(Some((self.sender.clone(), events))))
        }
    }

    /// For a statement that sends its own news (`pg_notify` on [`CHANNEL`]):
    /// what it sends for `event`, if news is shared; `None` if news is this
    /// process's alone, and [`Events::after_commit`] delivers it.
    pub fn payload(&self, event: Event) -> Option<String> {
        self.shared.then(|| event.encode())
    }

    /// The news of a statement that sent its own where news is shared (see
    /// [`Events::payload`]): to deliver once it has committed.
    pub fn after_commit(&self, events: Vec<Event>) -> Pending {
        Pending((!self.shared).then(|| (self.sender.clone(), events)))
    }

    /// Every piece of news from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.sender.subscribe()
    }
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
    let payloads: Vec<serde_json::Value> = events.iter().map(|e| e.encode().into()).collect();
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
        let changed = Event::ContentChanged;
        assert_eq!(Event::decode(&changed.encode()), Some(changed));
        assert_eq!(Event::decode("booking_received:nope"), None);
        assert_eq!(Event::decode("other:1"), None);
    }
}
