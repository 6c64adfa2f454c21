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
use crate::graphql::RequestInfo;
use crate::http::client::ClientAddr;

/// Runs `request` for whoever its `Authorization` header names.
pub async fn execute(
    state: &AppState,
    headers: &HeaderMap,
    client: ClientAddr,
    request: async_graphql::Request,
) -> Response {
    let info = RequestInfo {
        client_ip: client.0,
        idempotency_key: headers
            .get("idempotency-key")
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()),
    };
    let request = request.data(info);
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
