//! `/graphql`: GraphQL over HTTP as the GraphQL-over-HTTP specification gives
//! it, the WebSocket for subscriptions, and the playground for browsers.
//!
//! A request goes through, in order: the media types (a POST must be JSON,
//! which is also the defence against cross-site form posts), the body size
//! (and the time it takes to arrive), JSON parsing (`request`), then the
//! gate ([`crate::graphql::gate`]) step by step (`pipeline`): persisted
//! queries and the document's tokens, the response cache, the document's
//! checks (a mutation over GET is 405), the bearer token, and execution
//! under a timeout, guarded against panics. What is HTTP's alone stays
//! here: media types, status codes, caching (`answer`). Every refusal
//! carries a code in `extensions.code`.

mod answer;
mod pipeline;
mod request;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

pub use answer::panic_response;
use answer::{Answer, refuse};
use request::{Media, negotiate};

use super::AppState;
use super::caching;
use super::client::ClientAddr;
use super::outcome::GraphqlOutcome;
use crate::graphql::gate::Refusal;

/// Everything about the request that is not its parameters.
struct Call<'a> {
    state: &'a AppState,
    headers: &'a HeaderMap,
    client: ClientAddr,
    method: Method,
    media: Media,
}

impl Call<'_> {
    fn respond(&self, answer: Answer) -> Response {
        answer.into_response(self.media, &self.method, self.headers)
    }
}

/// `POST /graphql`.
pub async fn post(
    State(state): State<AppState>,
    headers: HeaderMap,
    client: ClientAddr,
    body: Body,
) -> Response {
    let Some(media) = negotiate(&headers) else {
        return not_acceptable();
    };
    if let Err(refusal) = request::check_content_type(&headers) {
        let mut response = refuse(media, StatusCode::UNSUPPORTED_MEDIA_TYPE, &refusal);
        response
            .headers_mut()
            .insert("accept-post", HeaderValue::from_static(request::JSON));
        return response;
    }
    let bytes = match request::read_body(body, &state.config.edge).await {
        Ok(bytes) => bytes,
        Err((status, refusal)) => return refuse(media, status, &refusal),
    };
    let call = Call {
        state: &state,
        headers: &headers,
        client,
        method: Method::POST,
        media,
    };
    // The same body as an answered anonymous query: the same answer, found
    // before the body is read (it passed every check the first time).
    if pipeline::cacheable(&call)
        && let Some(cached) = state.responses.get_by_body(&bytes)
    {
        return call.respond(Answer::cached(cached));
    }
    match request::parse_body(&bytes) {
        Err(refusal) => refuse(media, StatusCode::BAD_REQUEST, &refusal),
        Ok(Value::Array(items)) => batch(&call, items).await,
        Ok(value) => match request::from_object(value) {
            Ok(ask) => {
                let mut answer = pipeline::run(&call, ask).await;
                // Only an anonymous query's answer is kept.
                if let Some(kept) = answer.kept.take() {
                    state.responses.alias(bytes, kept);
                }
                call.respond(answer)
            }
            Err(refusal) => refuse(media, StatusCode::BAD_REQUEST, &refusal),
        },
    }
}

/// `GET /graphql`: subscriptions for a WebSocket upgrade
/// (graphql-transport-ws), the playground for a browser that asks for HTML
/// and sends no query, otherwise a query in the URL.
pub async fn get(State(state): State<AppState>, client: ClientAddr, request: Request) -> Response {
    let (mut parts, _body) = request.into_parts();
    if parts.headers.contains_key(header::UPGRADE) {
        return super::websocket::upgrade(state, client, &mut parts).await;
    }
    let headers = parts.headers;
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    if wants_html && parts.uri.query().is_none() {
        return super::playground::page(State(state)).await;
    }
    let Some(media) = negotiate(&headers) else {
        return not_acceptable();
    };
    let ask = match request::from_query_string(parts.uri.query().unwrap_or_default()) {
        Ok(ask) => ask,
        Err(refusal) => return refuse(media, StatusCode::BAD_REQUEST, &refusal),
    };
    let call = Call {
        state: &state,
        headers: &headers,
        client,
        method: Method::GET,
        media,
    };
    call.respond(pipeline::run(&call, ask).await)
}

/// 406, in JSON, when the client accepts neither JSON type.
fn not_acceptable() -> Response {
    refuse(
        Media::Json,
        StatusCode::NOT_ACCEPTABLE,
        &Refusal::new(
            "NOT_ACCEPTABLE",
            "this endpoint answers in application/graphql-response+json or application/json",
        ),
    )
}

/// A JSON array of requests, when batching is on.
async fn batch(call: &Call<'_>, items: Vec<Value>) -> Response {
    let max = call.state.config.edge.max_batch;
    let refusal = if max == 0 {
        Some(Refusal::new(
            "BATCH_NOT_ALLOWED",
            "batched requests (a JSON array) are turned off; send one request per POST",
        ))
    } else if items.len() > max || items.is_empty() {
        Some(Refusal::new(
            "TOO_MANY_OPERATIONS",
            format!("a batch holds 1 to {max} requests"),
        ))
    } else {
        None
    };
    if let Some(refusal) = refusal {
        return refuse(call.media, StatusCode::BAD_REQUEST, &refusal);
    }
    let mut body = Vec::from(b"[".as_slice());
    for (n, item) in items.into_iter().enumerate() {
        let answer = match request::from_object(item) {
            Ok(ask) => pipeline::run(call, ask).await,
            Err(refusal) => Answer::refused(StatusCode::BAD_REQUEST, refusal),
        };
        if n > 0 {
            body.push(b',');
        }
        body.extend_from_slice(&answer.body(call.media));
    }
    body.push(b']');
    let mut response = (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, call.media.content_type()),
            (header::CACHE_CONTROL, caching::PRIVATE),
        ],
        body,
    )
        .into_response();
    response.extensions_mut().insert(GraphqlOutcome {
        operation: None,
        kind: Some("batch"),
        error_codes: Vec::new(),
    });
    response
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use serde_json::Value;
    use tower::ServiceExt;

    use crate::config::DbConfig;
    use crate::http::{AppState, build_app};

    /// A resolver that panics, reached through the whole router over `request`.
    async fn answer(request: Request<Body>) -> (StatusCode, Value) {
        let dir = tempfile::tempdir().unwrap();
        let config = DbConfig {
            database_url: format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display()),
            database_max_connections: 2,
        };
        let db = crate::db::connect(&config).await.unwrap();
        crate::db::migrate(&db).await.unwrap();
        let app = build_app(AppState::for_tests(db).await.unwrap());
        let response = app.oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .unwrap();
        (status, serde_json::from_slice(&bytes).unwrap())
    }

    #[tokio::test]
    async fn a_resolver_that_panics_gets_a_masked_error_over_post_and_get() {
        let post = Request::post("/graphql")
            .header("content-type", "application/json")
            .header("x-request-id", "panic-1")
            .body(Body::from(r#"{"query":"{ panicking }"}"#))
            .unwrap();
        let get = Request::get("/graphql?query=%7B%20panicking%20%7D")
            .header("x-request-id", "panic-1")
            .body(Body::empty())
            .unwrap();
        for request in [post, get] {
            let (status, body) = answer(request).await;
            assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{body}");
            let error = &body["errors"][0];
            assert_eq!(error["extensions"]["code"], "INTERNAL_SERVER_ERROR");
            assert_eq!(error["extensions"]["requestId"], "panic-1", "{body}");
            assert!(!body.to_string().contains("secret"), "{body}");
        }
    }
}
