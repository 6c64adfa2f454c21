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
mod security;
pub mod server;
pub mod state;
pub mod websocket;

use axum::Router;
use axum::routing::get;

pub use server::{serve, serve_until};
pub use state::AppState;

/// The whole HTTP application: the routes, CORS for the configured origins,
/// and security headers on every response.
pub fn build_app(state: AppState) -> Router {
    let cors = security::cors(&state.config.edge.cors_allowed_origins);
    router(state)
        .layer(axum::middleware::map_response(security::headers))
        .layer(cors)
}
/// Every route of the service.
fn router(state: AppState) -> Router {
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
