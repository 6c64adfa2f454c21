//! Bearer tokens on GraphQL requests: a valid one attaches the staff member to
//! the request; a bad one is refused with 401, never treated as anonymous.

use axum::http::{HeaderMap, HeaderValue, header};
use chrono::Utc;

use super::AppState;
use crate::auth::{self, TokenProblem, Viewer};
use crate::error::AppError;

/// Why a request's credentials were not accepted.
pub enum ViewerError {
    /// Malformed, unknown, expired or revoked: HTTP 401.
    Token(TokenProblem),
    /// The check itself failed (the database).
    Failed(AppError),
}

/// The staff member the `Authorization` header names; `None` without one.
pub async fn viewer(state: &AppState, headers: &HeaderMap) -> Result<Option<Viewer>, ViewerError> {
    let header = match headers.get(header::AUTHORIZATION).map(HeaderValue::to_str) {
        None => None,
        Some(Ok(value)) => Some(value),
        Some(Err(_)) => return Err(ViewerError::Token(TokenProblem::Malformed)),
    };
    authorization(state, header).await
}

/// The staff member an `Authorization` value (`Bearer …`) names; `None`
/// without one.
pub async fn authorization(
    state: &AppState,
    header: Option<&str>,
) -> Result<Option<Viewer>, ViewerError> {
    match auth::authenticate(&state.db, header, Utc::now(), state.config.tokens).await {
        Ok(Ok(viewer)) => Ok(viewer),
        Ok(Err(problem)) => Err(ViewerError::Token(problem)),
        Err(error) => Err(ViewerError::Failed(error)),
    }
}
