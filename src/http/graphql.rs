//! `/graphql`: GraphQL requests in, GraphQL responses out, and the playground
//! for people with a browser.

use async_graphql_axum::{GraphQLProtocol, GraphQLRequest, GraphQLWebSocket};
use axum::extract::{FromRequestParts, Request, State, WebSocketUpgrade};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::client::ClientAddr;
use crate::app::AppState;

/// `POST /graphql`.
pub async fn post(
    State(state): State<AppState>,
    headers: HeaderMap,
    client: ClientAddr,
    request: GraphQLRequest,
) -> Response {
    super::auth::execute(&state, &headers, client, request.into_inner()).await
}

/// `GET /graphql`: subscriptions for a WebSocket upgrade
/// (graphql-transport-ws), the playground for a browser that asks for HTML
/// and sends no query, otherwise a query in the URL.
pub async fn get(State(state): State<AppState>, client: ClientAddr, request: Request) -> Response {
    let (mut parts, _body) = request.into_parts();
    if parts.headers.contains_key(header::UPGRADE) {
        return websocket(state, &mut parts).await;
    }
    let headers = parts.headers;
    let uri = parts.uri;
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
    super::auth::execute(&state, &headers, client, request).await
}

async fn websocket(state: AppState, parts: &mut axum::http::request::Parts) -> Response {
    let protocol = match GraphQLProtocol::from_request_parts(parts, &state).await {
        Ok(protocol) => protocol,
        Err(rejection) => return rejection.into_response(),
    };
    let upgrade = match WebSocketUpgrade::from_request_parts(parts, &state).await {
        Ok(upgrade) => upgrade,
        Err(rejection) => return rejection.into_response(),
    };
    upgrade
        .protocols(async_graphql::http::ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| {
            let schema = state.schema.clone();
            GraphQLWebSocket::new(socket, schema, protocol)
                .on_connection_init(move |payload| async move {
                    super::auth::connection_data(&state, payload).await
                })
                .serve()
        })
}
