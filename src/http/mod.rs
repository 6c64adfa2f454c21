//! The HTTP surface: routes, and the translation between HTTP and GraphQL.

mod auth;
mod client;
mod graphql;
mod health;
mod playground;

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
        .with_state(state)
}
