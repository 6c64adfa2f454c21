//! The state every handler can reach.

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::config::Config;
use crate::domain::bookings::Intake;
use crate::events::Events;
use crate::graphql::{self, gate::Gate};

use super::response_cache::ResponseCache;
use super::websocket::Sockets;

/// What every request handler can reach: one reference to [`Shared`], so
/// that handing it to a request costs one count, whatever it holds.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

/// What the state holds.
pub struct Shared {
    pub db: DatabaseConnection,
    /// The schema, behind the checks every transport goes through.
    pub gate: Gate,
    pub config: Arc<Config>,
    pub events: Events,
    /// Answers to anonymous queries, until public data changes.
    pub responses: ResponseCache,
    /// Where booking requests are checked and stored.
    pub intake: Arc<Intake>,
    /// The open WebSockets, counted by client address.
    pub sockets: Sockets,
}

impl AppState {
    /// The state over `db`; on PostgreSQL it returns once this instance
    /// listens for the news of the others. Fails when the persisted-query
    /// manifest cannot be read.
    pub async fn new(db: DatabaseConnection, config: Config) -> anyhow::Result<Self> {
        let events = Events::start(&db).await?;
        let responses = ResponseCache::new(config.edge.response_cache_mb, &events);
        let intake = Arc::new(Intake::new(
            db.clone(),
            events.clone(),
            config.worker_connections,
        ));
        let schema = graphql::build_schema(db.clone(), &config, events.clone(), intake.clone());
        Ok(Self(Arc::new(Shared {
            gate: Gate::new(schema, &config)?,
            intake,
            db,
            config: Arc::new(config),
            events,
            responses,
            sockets: Sockets::default(),
        })))
    }

    /// The state tests run with, over their own database.
    pub async fn for_tests(db: DatabaseConnection) -> anyhow::Result<Self> {
        Self::new(db, Config::for_tests()).await
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}
