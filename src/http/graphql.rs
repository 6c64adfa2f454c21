//! `/graphql`: GraphQL requests in, GraphQL responses out, and the playground
//! for people with a browser.

use async_graphql_axum::GraphQLRequest;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::app::AppState;

/// `POST /graphql`.
pub async fn post(
    State(state): State<AppState>,
    headers: HeaderMap,
    request: GraphQLRequest,
) -> Response {
    super::auth::execute(&state, &headers, request.into_inner()).await
}

/// `GET /graphql`: the playground for a browser that asks for HTML and sends
/// no query, otherwise a query in the URL.
pub async fn get(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: axum::http::Uri,
) -> Response {
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    if wants_html && uri.query().is_none() {
        return super::playground::page(State(state)).await;
    }
    let request = match async_graphql::http::parse_query_string(uri.query().unwrap_or_default()) {
        Ok(request) => request,
        Err(error) => return (StatusCode::BAD_REQUEST, error.to_string()).into_response(),
    };
    super::auth::execute(&state, &headers, request).await
}
