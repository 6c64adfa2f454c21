//! Probes for orchestrators: `/healthz` (the process runs) and `/readyz` (the database answers).

use axum::extract::State;
use axum::http::StatusCode;

use super::AppState;

/// The process is up and serving HTTP.
pub async fn live() -> &'static str {
    "ok"
}

/// The database answers; 503 while it does not.
pub async fn ready(State(state): State<AppState>) -> (StatusCode, &'static str) {
    if crate::db::ping(&state.db).await {
        (StatusCode::OK, "ready")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
    }
}
