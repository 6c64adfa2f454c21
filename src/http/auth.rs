//! Bearer tokens on GraphQL requests: a valid one attaches the staff member to
//! the request; a bad one is refused with 401, never treated as anonymous.

use axum::http::{HeaderMap, HeaderValue, header};
use chrono::Utc;

use crate::app::AppState;
use crate::auth::{self, TokenProblem, Viewer};
use crate::error::AppError;

/// Why a request's credentials were not accepted.
pub enum Refused {
    /// Malformed, unknown, expired or revoked: HTTP 401.
    Token(TokenProblem),
    /// The check itself failed (the database).
    Failed(AppError),
}

/// The staff member the `Authorization` header names; `None` without one.
pub async fn viewer(state: &AppState, headers: &HeaderMap) -> Result<Option<Viewer>, Refused> {
    let header = match headers.get(header::AUTHORIZATION).map(HeaderValue::to_str) {
        None => None,
        Some(Ok(value)) => Some(value),
        Some(Err(_)) => return Err(Refused::Token(TokenProblem::Malformed)),
    };
    match auth::authenticate(&state.db, header, Utc::now()).await {
        Ok(Ok(viewer)) => Ok(viewer),
        Ok(Err(problem)) => Err(Refused::Token(problem)),
        Err(error) => Err(Refused::Failed(error)),
    }
}

/// The staff member a WebSocket's `connection_init` payload names with
/// `{"Authorization": "Bearer …"}` (or `{"token": "…"}`); no token connects
/// anonymously, and a bad one closes the connection.
pub async fn connection_data(
    state: &AppState,
    payload: serde_json::Value,
) -> async_graphql::Result<async_graphql::Data> {
    let field = |name: &str| payload.get(name).and_then(serde_json::Value::as_str);
    let header = field("Authorization")
        .or_else(|| field("authorization"))
        .map(str::to_owned)
        .or_else(|| field("token").map(|t| format!("Bearer {t}")));
    let mut data = async_graphql::Data::default();
    match auth::authenticate(&state.db, header.as_deref(), Utc::now()).await {
        Ok(Ok(Some(viewer))) => data.insert(viewer),
        Ok(Ok(None)) => {}
        Ok(Err(problem)) => return Err(AppError::Unauthenticated(problem.message()).into()),
        Err(error) => return Err(error.into()),
    }
    Ok(data)
}
