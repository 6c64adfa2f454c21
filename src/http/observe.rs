//! Every request's id, span, access-log line and metrics.
//!
//! The id is the client's `x-request-id` when it is a sane one, otherwise a
//! fresh UUID; it is set on the request (for handlers) and echoed on the
//! response. Nothing here reads a query string, a header's value other than
//! the id, or a body: GET queries carry variables, and those may hold a
//! patient's email.

use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

use super::metrics;
use super::outcome::{GraphqlOutcome, REQUEST_ID};

/// The target of the access log's events, one per request.
pub const ACCESS_LOG: &str = "clinic_api::access";

/// The middleware: `axum::middleware::from_fn(observe::layer)`.
pub async fn layer(mut request: Request, next: Next) -> Response {
    let id = request_id(request.headers().get(REQUEST_ID));
    request.headers_mut().insert(REQUEST_ID, id.clone());
    let request_id = id.to_str().unwrap_or_default().to_owned();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|matched| matched.as_str().to_owned());
    let span = tracing::info_span!(
        "request",
        request_id = %request_id,
        method = %method,
        path = %path,
    );

    let started = Instant::now();
    let mut response = next.run(request).instrument(span).await;
    let elapsed = started.elapsed();
    response.headers_mut().insert(REQUEST_ID, id);

    let status = response.status();
    let secs = elapsed.as_secs_f64();
    let duration_ms = (secs * 1_000_000.0).round() / 1000.0;
    metrics::observe_http(&method, route.as_deref(), status, secs);
    // The event stands outside the request's span, which would only repeat
    // its fields.
    match response.extensions().get::<GraphqlOutcome>() {
        Some(graphql) => {
            metrics::observe_graphql(graphql, secs);
            let outcome = if graphql.error_codes.is_empty() {
                "ok".to_owned()
            } else {
                graphql.error_codes.join(",")
            };
            tracing::info!(
                target: ACCESS_LOG,
                parent: None,
                request_id = %request_id,
                method = %method,
                path = %path,
                status = status.as_u16(),
                duration_ms,
                operation = metrics::operation_label(graphql.operation.as_deref()),
                kind = graphql.kind.unwrap_or(metrics::UNKNOWN),
                outcome = %outcome,
                "request",
            );
        }
        None => tracing::info!(
            target: ACCESS_LOG,
            parent: None,
            request_id = %request_id,
            method = %method,
            path = %path,
            status = status.as_u16(),
            duration_ms,
            "request",
        ),
    }
    response
}

/// The client's id when it is sane, otherwise a new UUID v4.
fn request_id(given: Option<&HeaderValue>) -> HeaderValue {
    given
        .filter(|value| is_sane(value.as_bytes()))
        .cloned()
        .unwrap_or_else(|| {
            HeaderValue::from_str(&uuid::Uuid::new_v4().to_string())
                .expect("a UUID is a valid header value")
        })
}

/// 1 to 64 characters of `[A-Za-z0-9._-]`: safe in a header, a log line and
/// a file name, and too short to smuggle anything in.
fn is_sane(id: &[u8]) -> bool {
    (1..=64).contains(&id.len())
        && id
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(given: Option<&str>) -> String {
        let given = given.map(|g| HeaderValue::from_str(g).unwrap());
        request_id(given.as_ref()).to_str().unwrap().to_owned()
    }

    #[test]
    fn a_sane_id_is_kept() {
        assert_eq!(id(Some("abc-123_X.y")), "abc-123_X.y");
        assert_eq!(id(Some(&"a".repeat(64))), "a".repeat(64));
    }

    #[test]
    fn anything_else_gets_a_fresh_uuid() {
        for given in [
            None,
            Some(""),
            Some("has space"),
            Some("semi;colon"),
            Some("pat@example.com"),
            Some("\"quoted\""),
            Some(&*"a".repeat(65)),
        ] {
            let got = id(given);
            assert_ne!(Some(got.as_str()), given);
            let uuid = uuid::Uuid::parse_str(&got).expect("a UUID");
            assert_eq!(uuid.get_version_num(), 4);
        }
        assert_ne!(id(None), id(None));
    }

    #[test]
    fn non_ascii_bytes_are_not_sane() {
        assert!(!is_sane("é".as_bytes()));
        assert!(!is_sane(b"a\x7fb"));
        assert!(is_sane(b"0"));
    }
}
