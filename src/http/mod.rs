//! The HTTP surface: routes, and the translation between HTTP and GraphQL.

mod auth;
mod caching;
mod client;
mod graphql;
mod health;
mod metrics;
pub mod observe;
pub mod outcome;
mod playground;
pub mod response_cache;
pub mod server;
pub mod websocket;

use axum::Router;
use axum::routing::get;

use crate::app::AppState;

/// Every route of the service.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/graphql", get(graphql::get).post(graphql::post))
        .route("/graphiql", get(playground::page))
        .route("/graphiql/assets/{name}", get(playground::asset))
        .route("/healthz", get(health::live))
        .route("/readyz", get(health::ready))
        .route("/metrics", get(metrics::scrape))
        // A panic anywhere becomes a masked error, still logged and counted.
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            graphql::panic_response,
        ))
        // Applied to every route and the fallback, so that the matched
        // route's template is known to it (for the metrics' `path` label).
        .layer(axum::middleware::from_fn(observe::layer))
        .with_state(state)
}
