//! The GraphQL schema: root objects, types wrapping the entities, and batch
//! loaders. Knows nothing of HTTP; `http` serves what `build_schema` returns.

pub mod gate;
pub mod guards;
pub mod ids;
pub mod loaders;
pub mod mutation;
pub mod query;
pub mod subscription;
pub mod types;

use std::hash::Hash;
use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, Loader};
use async_graphql::{Context, Schema};
use sea_orm::DatabaseConnection;

use crate::config::Config;
use crate::domain::bookings::Intake;
use crate::error::AppError;
use crate::events::Events;
use loaders::Loaders;
pub use mutation::MutationRoot;
pub use query::QueryRoot;
pub use subscription::SubscriptionRoot;

pub type AppSchema = Schema<QueryRoot, MutationRoot, SubscriptionRoot>;

/// What the transport knows about a request that resolvers may need.
#[derive(Clone, Debug, Default)]
pub struct RequestInfo {
    /// The client's address, when known.
    pub client_ip: Option<std::net::IpAddr>,
    /// The `Idempotency-Key` header, when sent.
    pub idempotency_key: Option<String>,
    /// The id of the HTTP request (or of the WebSocket's upgrade) in the log.
    pub request_id: Option<String>,
}

/// What a connection field costs in complexity: its own field, plus its
/// selection once per item a page may hold (`first` or `last`, 20 when
/// neither is given; at most 100).
pub fn page_cost(first: Option<i32>, last: Option<i32>, child_complexity: usize) -> usize {
    let items = first
        .or(last)
        .unwrap_or(crate::domain::page::DEFAULT_PAGE_SIZE as i32)
        .clamp(1, crate::domain::page::MAX_PAGE_SIZE as i32);
    1 + usize::try_from(items).unwrap_or(1) * child_complexity
}

/// Builds the schema over this database. Relation loads wait
/// `config.batch_delay` to gather the keys of a whole list into one statement;
/// `events` carries news between writers and subscribers.
pub fn build_schema(
    db: DatabaseConnection,
    config: &Config,
    events: Events,
    intake: Arc<Intake>,
) -> AppSchema {
    let loader = DataLoader::new(Loaders::new(db.clone()), tokio::spawn).delay(config.batch_delay);
    let mut builder = Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        SubscriptionRoot,
    )
    .data(loader)
    .data(intake)
    .data(db)
    .data(events)
    .data(config.booking.clone())
    .data(config.login)
    .data(config.tokens)
    .limit_depth(config.edge.max_depth)
    .limit_complexity(config.edge.max_complexity);
    if !config.introspection {
        builder = builder.disable_introspection();
    }
    if !config.suggestions {
        builder = builder.disable_suggestions();
    }
    builder.finish()
}

/// The schema in SDL, as `schema.graphql` holds it.
pub fn sdl() -> String {
    Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        SubscriptionRoot,
    )
    .finish()
    .sdl()
}

/// The database the request runs against.
pub(crate) fn db<'a>(ctx: &Context<'a>) -> &'a DatabaseConnection {
    ctx.data_unchecked::<DatabaseConnection>()
}

/// Where the news of a write goes.
pub(crate) fn events<'a>(ctx: &Context<'a>) -> &'a Events {
    ctx.data_unchecked::<Events>()
}

/// Loads one key through the shared batch loader.
pub(crate) async fn load<K>(
    ctx: &Context<'_>,
    key: K,
) -> Result<Option<<Loaders as Loader<K>>::Value>, AppError>
where
    K: Send + Sync + Hash + Eq + Clone + 'static,
    Loaders: Loader<K, Error = std::sync::Arc<sea_orm::DbErr>>,
{
    let loader = ctx.data_unchecked::<DataLoader<Loaders>>();
    Ok(loader.load_one(key).await?)
}

/// Loads a list relation; a key with no rows gives an empty list.
pub(crate) async fn load_many<K, V>(ctx: &Context<'_>, key: K) -> Result<Vec<V>, AppError>
where
    K: Send + Sync + Hash + Eq + Clone + 'static,
    Loaders: Loader<K, Value = Vec<V>, Error = std::sync::Arc<sea_orm::DbErr>>,
{
    Ok(load(ctx, key).await?.unwrap_or_default())
}

/// Loads several keys at once; keys with no row are left out.
pub(crate) async fn load_all<K>(
    ctx: &Context<'_>,
    keys: impl IntoIterator<Item = K>,
) -> Result<std::collections::HashMap<K, <Loaders as Loader<K>>::Value>, AppError>
where
    K: Send + Sync + Hash + Eq + Clone + 'static,
    Loaders: Loader<K, Error = std::sync::Arc<sea_orm::DbErr>>,
{
    let loader = ctx.data_unchecked::<DataLoader<Loaders>>();
    Ok(loader.load_many(keys).await?)
}
