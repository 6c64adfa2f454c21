//! What a GraphQL request came to, and how it is sent as HTTP: the status
//! for the media type, the caching headers and ETag, and the outcome the
//! access log and metrics read.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_graphql::ServerError;
use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::request::Media;
use crate::graphql::gate::{Executed, Refusal};
use crate::http::caching;
use crate::http::outcome::GraphqlOutcome;
use crate::http::response_cache::Cached;

/// What became of one GraphQL request.
pub(super) struct Answer {
    pub(super) status: StatusCode,
    body: AnswerBody,
    /// Whether it failed before execution (no `data`).
    request_error: bool,
    /// Whether the HTTP request itself was malformed (no query, …): 400 in
    /// either media type, where a GraphQL request error is 200 in `application/json`.
    malformed: bool,
    cache_control: String,
    /// The strong ETag of the body, when it was computed already.
    etag: Option<String>,
    pub(super) outcome: GraphqlOutcome,
    /// Extra headers (`Allow`, `WWW-Authenticate`, `Retry-After`, `Age`).
    pub(super) headers: HeaderMap,
    /// The response cache's entry for it, when it came from there or went there.
    pub(super) kept: Option<Arc<Cached>>,
}

/// The GraphQL response of an [`Answer`].
enum AnswerBody {
    /// Built here (refusals and masked errors).
    Json(Map<String, Value>),
    /// Serialized already, for the request's media type.
    Serialized(Bytes),
}

impl Answer {
    fn new(status: StatusCode, body: AnswerBody, cache_control: String) -> Self {
        Self {
            status,
            body,
            request_error: false,
            malformed: false,
            cache_control,
            etag: None,
            outcome: GraphqlOutcome::default(),
            headers: HeaderMap::new(),
            kept: None,
        }
    }

    /// A request refused with `refusal`, which never ran.
    pub(super) fn refused(status: StatusCode, refusal: Refusal) -> Self {
        let body = match error_body(&refusal) {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        let mut answer = Self::new(status, AnswerBody::Json(body), caching::PRIVATE.into());
        answer.request_error = true;
        answer.malformed = refusal.code == "BAD_REQUEST";
        answer.outcome.error_codes = vec![refusal.code.to_owned()];
        match status {
            StatusCode::METHOD_NOT_ALLOWED => {
                answer
                    .headers
                    .insert(header::ALLOW, HeaderValue::from_static("POST"));
            }
            StatusCode::SERVICE_UNAVAILABLE => {
                answer
                    .headers
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            }
            StatusCode::UNAUTHORIZED => {
                answer.headers.insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer error=\"invalid_token\""),
                );
            }
            _ => {}
        }
        answer
    }

    /// A refusal of the gate, with the status its code calls for.
    pub(super) fn refused_by_gate(refusal: Refusal) -> Self {
        Self::refused(status_of(&refusal), refusal)
    }

    /// A masked internal error, with the request id to find it in the log.
    pub(super) fn internal(request_id: String) -> Self {
        let refusal = Refusal {
            request_id: Some(request_id),
            ..Refusal::new("INTERNAL_SERVER_ERROR", "internal server error")
        };
        Self::refused(StatusCode::INTERNAL_SERVER_ERROR, refusal)
    }

    /// A kept answer to the same query.
    pub(super) fn cached(cached: Arc<Cached>) -> Self {
        let mut answer = Self::new(
            StatusCode::OK,
            AnswerBody::Serialized(cached.body.clone()),
            format!("public, max-age={}", cached.max_age),
        );
        answer
            .headers
            .insert(header::AGE, HeaderValue::from(cached.age()));
        answer.etag = Some(cached.etag.clone());
        answer.outcome = GraphqlOutcome {
            operation: cached.operation.clone(),
            kind: Some("query"),
            error_codes: Vec::new(),
        };
        answer.kept = Some(cached);
        answer
    }

    /// What a run of the request came to, serialized for `media`.
    pub(super) fn executed(executed: &Executed, media: Media, cache_control: String) -> Self {
        let response = &executed.response;
        let body = serde_json::to_vec(&Sent {
            // A request that never ran has no `data` in this media type.
            data: (!(executed.request_error && media == Media::GraphqlResponse))
                .then_some(&response.data),
            errors: &response.errors,
            extensions: &response.extensions,
        })
        .unwrap_or_default();
        let status = if executed.request_error {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::OK
        };
        let mut answer = Self::new(status, AnswerBody::Serialized(body.into()), cache_control);
        answer.request_error = executed.request_error;
        answer.outcome.error_codes = executed.error_codes.clone();
        answer
    }

    /// The body, serialized, and its ETag when one was computed already.
    pub(super) fn serialized(&self) -> Option<&Bytes> {
        match &self.body {
            AnswerBody::Serialized(bytes) => Some(bytes),
            AnswerBody::Json(_) => None,
        }
    }

    /// Records the ETag computed for the body.
    pub(super) fn set_etag(&mut self, etag: String) {
        self.etag = Some(etag);
    }

    /// The body as sent in `media`.
    pub(super) fn body(&self, media: Media) -> Bytes {
        match &self.body {
            AnswerBody::Serialized(bytes) => bytes.clone(),
            AnswerBody::Json(map) => {
                let mut body = map.clone();
                if self.request_error && media == Media::GraphqlResponse {
                    // A request that never ran has no `data` at all.
                    body.remove("data");
                }
                Value::Object(body).to_string().into()
            }
        }
    }

    /// The answer as HTTP, to a request made with `method` and `headers`: a
    /// GET that succeeded gets an ETag, and 304 when the client has it.
    pub(super) fn into_response(
        self,
        media: Media,
        method: &Method,
        headers: &HeaderMap,
    ) -> Response {
        let status = match media {
            // application/json: 200 for every well-formed request, whatever its
            // GraphQL errors.
            Media::Json if self.status == StatusCode::BAD_REQUEST && !self.malformed => {
                StatusCode::OK
            }
            _ => self.status,
        };
        let body = self.body(media);
        let mut sent = self.headers;
        let etag = (method == Method::GET && status == StatusCode::OK)
            .then(|| self.etag.unwrap_or_else(|| caching::etag(&body)));
        sent.extend(caching::headers(&self.cache_control, etag.as_deref()));
        let mut response = match &etag {
            Some(etag) if caching::not_modified(headers, etag) => {
                (StatusCode::NOT_MODIFIED, sent).into_response()
            }
            _ => {
                sent.insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(media.content_type()),
                );
                (status, sent, body).into_response()
            }
        };
        response.extensions_mut().insert(self.outcome);
        response
    }
}

/// The HTTP status of a refusal, by its code.
fn status_of(refusal: &Refusal) -> StatusCode {
    match refusal.code {
        "METHOD_NOT_ALLOWED" => StatusCode::METHOD_NOT_ALLOWED,
        "TIMEOUT" => StatusCode::SERVICE_UNAVAILABLE,
        "INTERNAL_SERVER_ERROR" => StatusCode::INTERNAL_SERVER_ERROR,
        "PAYLOAD_TOO_LARGE" => StatusCode::PAYLOAD_TOO_LARGE,
        "UNAUTHENTICATED" => StatusCode::UNAUTHORIZED,
        _ => StatusCode::BAD_REQUEST,
    }
}

/// A GraphQL response as it is sent: `data` (unless the request never ran),
/// then `errors` and `extensions` when there are any.
#[derive(Serialize)]
struct Sent<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<&'a async_graphql::Value>,
    #[serde(skip_serializing_if = "<[ServerError]>::is_empty")]
    errors: &'a [ServerError],
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    extensions: &'a BTreeMap<String, async_graphql::Value>,
}

/// `{"errors": [{"message": …, "extensions": {"code": …}}]}`.
fn error_body(refusal: &Refusal) -> Value {
    json!({ "errors": [refusal.to_error()] })
}

/// A request refused before it was a GraphQL request at all (its media
/// type, its body), in `media`.
pub(super) fn refuse(media: Media, status: StatusCode, refusal: &Refusal) -> Response {
    let mut response = (
        status,
        [
            (header::CONTENT_TYPE, media.content_type()),
            (header::CACHE_CONTROL, caching::PRIVATE),
        ],
        error_body(refusal).to_string(),
    )
        .into_response();
    response.extensions_mut().insert(GraphqlOutcome {
        error_codes: vec![refusal.code.to_owned()],
        ..GraphqlOutcome::default()
    });
    response
}

/// The answer to a panic anywhere in the router outside the gate (which
/// answers a resolver's panic itself): a masked internal error.
pub fn panic_response(_panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("a request handler panicked");
    refuse(
        Media::Json,
        StatusCode::INTERNAL_SERVER_ERROR,
        &Refusal::new("INTERNAL_SERVER_ERROR", "internal server error"),
    )
}
