//! Bearer tokens on GraphQL requests: a valid one attaches the staff member to
//! the request; a bad one is refused with 401, never treated as anonymous.

use async_graphql::ErrorExtensions;
use async_graphql_axum::GraphQLResponse;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;

use crate::app::AppState;
use crate::auth::{self, TokenProblem};
use crate::error::AppError;

/// Runs `request` for whoever its `Authorization` header names.
pub async fn execute(
    state: &AppState,
    headers: &HeaderMap,
    request: async_graphql::Request,
) -> Response {
    let header = match headers.get(header::AUTHORIZATION).map(HeaderValue::to_str) {
        None => None,
        Some(Ok(value)) => Some(value),
        Some(Err(_)) => return unauthenticated(TokenProblem::Malformed),
    };
    let request = match auth::authenticate(&state.db, header, Utc::now()).await {
        Ok(Ok(Some(viewer))) => request.data(viewer),
        Ok(Ok(None)) => request,
        Ok(Err(problem)) => return unauthenticated(problem),
        Err(error) => {
            let response = async_graphql::Response::from_errors(vec![
                error
                    .extend()
                    .into_server_error(async_graphql::Pos::default()),
            ]);
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                GraphQLResponse::from(response),
            )
                .into_response();
        }
    };
    GraphQLResponse::from(state.schema.execute(request).await).into_response()
}

fn unauthenticated(problem: TokenProblem) -> Response {
    let error = AppError::Unauthenticated(problem.message())
        .extend()
        .into_server_error(async_graphql::Pos::default());
    let body = async_graphql::Response::from_errors(vec![error]);
    (
        StatusCode::UNAUTHORIZED,
        [(header::WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"")],
        GraphQLResponse::from(body),
    )
        .into_response()
}
