//! `/graphql`: GraphQL over HTTP as the GraphQL-over-HTTP specification gives
//! it, the WebSocket for subscriptions, and the playground for browsers.
//!
//! A request goes through, in order: the media types (a POST must be JSON,
//! which is also the defence against cross-site form posts), the body size
//! (and the time it takes to arrive), JSON parsing, then the gate
//! ([`crate::graphql::gate`]): persisted queries, the document's tokens,
//! syntax, aliases and directives, the choice of operation (a mutation over
//! GET is 405), the characters of its strings; then the bearer token, and
//! only then execution, under a timeout and guarded against panics. What is
//! HTTP's alone stays here: media types, status codes, caching. Every
//! refusal carries a code in `extensions.code`.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use async_graphql::parser::types::OperationType;
use async_graphql::{ErrorExtensions, ServerError};
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::AppState;
use super::client::ClientAddr;
use super::outcome::{GraphqlOutcome, REQUEST_ID};
use super::response_cache::{Cached, ResponseCache};
use super::{auth, caching};
use crate::graphql::RequestInfo;
use crate::graphql::gate::{self, Ask, Caller, Executed, Refusal, Transport};

const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";
const JSON: &str = "application/json";

/// The media type of the answer, as the client's `Accept` chose it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Media {
    /// `application/graphql-response+json`: status codes tell request
    /// errors (4xx) from results (200).
    GraphqlResponse,
    /// `application/json`: 200 for every well-formed request.
    Json,
}

impl Media {
    fn content_type(self) -> &'static str {
        match self {
            Self::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
            Self::Json => "application/json; charset=utf-8",
        }
    }
}

/// What the request asks for: the fields of the GraphQL-over-HTTP request.
#[derive(Default)]
struct Params {
    query: Option<String>,
    operation_name: Option<String>,
    variables: Option<Value>,
    extensions: Option<Value>,
}

/// Everything about the request that is not its parameters.
struct Call<'a> {
    state: &'a AppState,
    headers: &'a HeaderMap,
    client: ClientAddr,
    method: Method,
    media: Media,
}

/// `POST /graphql`.
pub async fn post(
    State(state): State<AppState>,
    headers: HeaderMap,
    client: ClientAddr,
    body: Body,
) -> Response {
    let media = match negotiate(&headers) {
        Ok(media) => media,
        Err(response) => return *response,
    };
    if let Err(refusal) = check_content_type(&headers) {
        let mut response = refuse(media, StatusCode::UNSUPPORTED_MEDIA_TYPE, &refusal);
        response
            .headers_mut()
            .insert("accept-post", HeaderValue::from_static(JSON));
        return response;
    }
    let edge = &state.config.edge;
    let reading = axum::body::to_bytes(body, edge.max_body_bytes);
    let bytes =
        match tokio::time::timeout(Duration::from_secs(edge.body_timeout_secs), reading).await {
            Ok(Ok(bytes)) => bytes,
            Ok(Err(error))
                if std::error::Error::source(&error)
                    .is_some_and(|e| e.is::<http_body_util::LengthLimitError>()) =>
            {
                let refusal = Refusal::new(
                    "PAYLOAD_TOO_LARGE",
                    format!("the body is larger than {} bytes", edge.max_body_bytes),
                );
                return refuse(media, StatusCode::PAYLOAD_TOO_LARGE, &refusal);
            }
            Ok(Err(_)) => {
                let refusal = Refusal::new("BAD_REQUEST", "the body could not be read");
                return refuse(media, StatusCode::BAD_REQUEST, &refusal);
            }
            Err(_) => {
                let refusal = Refusal::new(
                    "REQUEST_TIMEOUT",
                    format!(
                        "the body did not arrive within {} seconds",
                        edge.body_timeout_secs
                    ),
                );
                return refuse(media, StatusCode::REQUEST_TIMEOUT, &refusal);
            }
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
    if cacheable(&state, &headers)
        && let Some(cached) = state.responses.get_by_body(&bytes)
    {
        return respond(&call, Answer::cached(cached));
    }
    match parse_body(&bytes) {
        Err(refusal) => refuse(media, StatusCode::BAD_REQUEST, &refusal),
        Ok(Value::Array(items)) => batch(&call, items).await,
        Ok(value) => match params(value) {
            Ok(params) => {
                let mut answer = prepare_and_execute(&call, params).await;
                // Only an anonymous query's answer is kept.
                if let Some(kept) = answer.kept.take() {
                    state.responses.alias(bytes, kept);
                }
                respond(&call, answer)
            }
            Err(refusal) => refuse(media, StatusCode::BAD_REQUEST, &refusal),
        },
    }
}

/// Whether the answer to this request may come from the response cache:
/// it is on, and the request is anonymous.
fn cacheable(state: &AppState, headers: &HeaderMap) -> bool {
    state.responses.enabled() && !headers.contains_key(header::AUTHORIZATION)
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
    let media = match negotiate(&headers) {
        Ok(media) => media,
        Err(response) => return *response,
    };
    let params = match query_string(parts.uri.query().unwrap_or_default()) {
        Ok(params) => params,
        Err(refusal) => return refuse(media, StatusCode::BAD_REQUEST, &refusal),
    };
    let call = Call {
        state: &state,
        headers: &headers,
        client,
        method: Method::GET,
        media,
    };
    respond(&call, prepare_and_execute(&call, params).await)
}

/// The media type to answer in; 406 when the client accepts neither JSON type.
fn negotiate(headers: &HeaderMap) -> Result<Media, Box<Response>> {
    let Some(accept) = headers.get(header::ACCEPT) else {
        return Ok(Media::Json);
    };
    let accept = accept.to_str().unwrap_or_default();
    let mut json = false;
    for range in accept.split(',') {
        let mut parts = range.split(';').map(str::trim);
        let media = parts.next().unwrap_or_default().to_ascii_lowercase();
        let refused = parts.any(|p| {
            p.strip_prefix("q=")
                .and_then(|q| q.parse::<f32>().ok())
                .is_some_and(|q| q <= 0.0)
        });
        if refused {
            continue;
        }
        match media.as_str() {
            GRAPHQL_RESPONSE_JSON => return Ok(Media::GraphqlResponse),
            JSON | "application/*" | "*/*" => json = true,
            _ => {}
        }
    }
    if json {
        Ok(Media::Json)
    } else {
        let body = error_body(&Refusal::new(
            "NOT_ACCEPTABLE",
            "this endpoint answers in application/graphql-response+json or application/json",
        ));
        Err(Box::new(
            (
                StatusCode::NOT_ACCEPTABLE,
                [(header::CONTENT_TYPE, Media::Json.content_type())],
                body.to_string(),
            )
                .into_response(),
        ))
    }
}

/// A POST body must be JSON: anything a plain HTML form or a "simple"
/// cross-site request can send is refused, so no other site can make a
/// browser run a mutation with its user's cookies or credentials.
fn check_content_type(headers: &HeaderMap) -> Result<(), Refusal> {
    let value = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let mut parts = value.split(';').map(str::trim);
    let media = parts.next().unwrap_or_default().to_ascii_lowercase();
    let charset_ok = parts.all(|p| match p.split_once('=') {
        Some((name, charset)) if name.eq_ignore_ascii_case("charset") => {
            charset.trim_matches('"').eq_ignore_ascii_case("utf-8")
        }
        _ => true,
    });
    if media == JSON && charset_ok {
        Ok(())
    } else {
        Err(Refusal::new(
            "UNSUPPORTED_MEDIA_TYPE",
            "send the request as Content-Type: application/json (UTF-8)",
        ))
    }
}

fn parse_body(bytes: &Bytes) -> Result<Value, Refusal> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Refusal::new(
            "BAD_REQUEST",
            "the body is empty; send {\"query\": \"…\"}",
        ));
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|_| Refusal::new("BAD_REQUEST", "the body is not valid UTF-8"))?;
    serde_json::from_str(text).map_err(|e| {
        Refusal::new(
            "BAD_REQUEST",
            format!(
                "the body is not valid JSON (line {}, column {})",
                e.line(),
                e.column()
            ),
        )
    })
}

/// The request parameters of a JSON object.
fn params(value: Value) -> Result<Params, Refusal> {
    let Value::Object(mut map) = value else {
        return Err(Refusal::new(
            "BAD_REQUEST",
            "the body must be a JSON object: {\"query\": \"…\", \"variables\": {…}}",
        ));
    };
    let mut take_string = |name: &str| match map.remove(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(Refusal::new(
            "BAD_REQUEST",
            format!("`{name}` must be a string"),
        )),
    };
    let query = take_string("query")?;
    let operation_name = take_string("operationName")?;
    let mut take_object = |name: &str| match map.remove(name) {
        None | Some(Value::Null) => Ok(None),
        Some(value @ Value::Object(_)) => Ok(Some(value)),
        Some(_) => Err(Refusal::new(
            "BAD_REQUEST",
            format!("`{name}` must be a JSON object"),
        )),
    };
    Ok(Params {
        query,
        operation_name,
        variables: take_object("variables")?,
        extensions: take_object("extensions")?,
    })
}

/// The request parameters of a GET's query string, `variables` and
/// `extensions` as JSON text.
fn query_string(query: &str) -> Result<Params, Refusal> {
    let mut params = Params::default();
    for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
        let json = |name: &str| {
            serde_json::from_str::<Value>(&value).map_err(|_| {
                Refusal::new("BAD_REQUEST", format!("`{name}` in the URL must be JSON"))
            })
        };
        match name.as_ref() {
            "query" => params.query = Some(value.to_string()),
            "operationName" => params.operation_name = Some(value.to_string()),
            "variables" => params.variables = Some(json("variables")?),
            "extensions" => params.extensions = Some(json("extensions")?),
            _ => {}
        }
    }
    for (name, value) in [
        ("variables", &params.variables),
        ("extensions", &params.extensions),
    ] {
        if value
            .as_ref()
            .is_some_and(|v| !v.is_object() && !v.is_null())
        {
            return Err(Refusal::new(
                "BAD_REQUEST",
                format!("`{name}` must be a JSON object"),
            ));
        }
    }
    Ok(params)
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
        let answer = match params(item) {
            Ok(params) => prepare_and_execute(call, params).await,
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

/// What became of one GraphQL request.
struct Answer {
    status: StatusCode,
    body: Payload,
    /// Whether it failed before execution (no `data`).
    request_error: bool,
    /// Whether the HTTP request itself was malformed (no query, …): 400 in
    /// either media type, where a GraphQL request error is 200 in `application/json`.
    malformed: bool,
    cache_control: String,
    /// The strong ETag of the body, when it was computed already.
    etag: Option<String>,
    outcome: GraphqlOutcome,
    /// Extra headers (`Allow`, `WWW-Authenticate`, `Retry-After`, `Age`).
    headers: HeaderMap,
    /// The response cache's entry for it, when it came from there or went there.
    kept: Option<Arc<Cached>>,
}

/// The GraphQL response of an [`Answer`].
enum Payload {
    /// Built here (refusals and masked errors).
    Json(Map<String, Value>),
    /// Serialized already, for the request's media type.
    Serialized(Bytes),
}

impl Answer {
    fn refused(status: StatusCode, refusal: Refusal) -> Self {
        let body = match error_body(&refusal) {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        Self {
            status,
            body: Payload::Json(body),
            request_error: true,
            malformed: refusal.code == "BAD_REQUEST",
            cache_control: caching::PRIVATE.into(),
            etag: None,
            outcome: GraphqlOutcome {
                error_codes: vec![refusal.code.to_owned()],
                ..GraphqlOutcome::default()
            },
            headers: HeaderMap::new(),
            kept: None,
        }
    }

    /// A kept answer to the same query.
    fn cached(cached: Arc<Cached>) -> Self {
        let mut headers = HeaderMap::new();
        headers.insert(header::AGE, HeaderValue::from(cached.age()));
        Self {
            status: StatusCode::OK,
            body: Payload::Serialized(cached.body.clone()),
            request_error: false,
            malformed: false,
            cache_control: format!("public, max-age={}", cached.max_age),
            etag: Some(cached.etag.clone()),
            outcome: GraphqlOutcome {
                operation: cached.operation.clone(),
                kind: Some("query"),
                error_codes: Vec::new(),
            },
            headers,
            kept: Some(cached),
        }
    }

    fn body(&self, media: Media) -> Bytes {
        match &self.body {
            Payload::Serialized(bytes) => bytes.clone(),
            Payload::Json(map) => {
                let mut body = map.clone();
                if self.request_error && media == Media::GraphqlResponse {
                    // A request that never ran has no `data` at all.
                    body.remove("data");
                }
                Value::Object(body).to_string().into()
            }
        }
    }
}

/// One request's answer, as HTTP.
fn respond(call: &Call<'_>, answer: Answer) -> Response {
    let status = match call.media {
        // application/json: 200 for every well-formed request, whatever its
        // GraphQL errors.
        Media::Json if answer.status == StatusCode::BAD_REQUEST && !answer.malformed => {
            StatusCode::OK
        }
        _ => answer.status,
    };
    let body = answer.body(call.media);
    let mut headers = answer.headers;
    let etag = (call.method == Method::GET && status == StatusCode::OK)
        .then(|| answer.etag.unwrap_or_else(|| caching::etag(&body)));
    headers.extend(caching::headers(&answer.cache_control, etag.as_deref()));
    let mut response = match &etag {
        Some(etag) if caching::not_modified(call.headers, etag) => {
            (StatusCode::NOT_MODIFIED, headers).into_response()
        }
        _ => {
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(call.media.content_type()),
            );
            (status, headers, body).into_response()
        }
    };
    response.extensions_mut().insert(answer.outcome);
    response
}

/// From parameters to an answer: every check of the gate, with the
/// response cache between its first step and the rest, then execution.
async fn prepare_and_execute(call: &Call<'_>, params: Params) -> Answer {
    let state = call.state;
    let gate = &state.gate;
    let refused = |refusal: Refusal| {
        let mut answer = Answer::refused(status_of(&refusal), refusal);
        if answer.status == StatusCode::METHOD_NOT_ALLOWED {
            answer
                .headers
                .insert(header::ALLOW, HeaderValue::from_static("POST"));
        }
        if answer.status == StatusCode::SERVICE_UNAVAILABLE {
            answer
                .headers
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        answer
    };

    let admitted = match gate.admit(Ask {
        query: params.query,
        operation_name: params.operation_name,
        variables: params.variables,
        extensions: params.extensions,
    }) {
        Ok(admitted) => admitted,
        Err(refusal) => return refused(refusal),
    };
    // An anonymous query answered before (by this instance, since the last
    // write) is answered again as it was. It passed every check below then.
    let cache_key = cacheable(state, call.headers).then(|| {
        ResponseCache::key(
            admitted.tokens(),
            admitted.operation_name(),
            admitted.variables(),
        )
    });
    if let Some(cached) = cache_key
        .as_deref()
        .and_then(|key| state.responses.get(key))
    {
        return Answer::cached(cached);
    }
    let ticket = state.responses.ticket();
    let transport = if call.method == Method::GET {
        Transport::Url
    } else {
        Transport::Body
    };
    let operation_name = admitted.operation_name().map(str::to_owned);
    let checked = match gate.check(admitted, transport) {
        Ok(checked) => checked,
        Err(refusal) => {
            let mut answer = refused(refusal);
            answer.outcome.operation = operation_name;
            return answer;
        }
    };
    let kind = checked.kind();
    let mut outcome = GraphqlOutcome {
        operation: checked.name().map(str::to_owned),
        kind: Some(gate::kind_name(kind)),
        error_codes: Vec::new(),
    };

    let viewer = match auth::viewer(state, call.headers).await {
        Ok(viewer) => viewer,
        Err(auth::Refused::Token(problem)) => {
            let mut answer = Answer::refused(
                StatusCode::UNAUTHORIZED,
                Refusal::new("UNAUTHENTICATED", problem.message()),
            );
            answer.headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer error=\"invalid_token\""),
            );
            return answer;
        }
        Err(auth::Refused::Failed(error)) => {
            // Logged where it was made into a GraphQL error.
            let _ = error.extend();
            return internal(call);
        }
    };
    let anonymous = viewer.is_none();
    let caller = Caller {
        viewer,
        info: RequestInfo {
            client_ip: call.client.0,
            idempotency_key: call
                .headers
                .get("idempotency-key")
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()),
            request_id: Some(request_id(call)),
        },
    };
    let executed = match gate.execute(checked, caller).await {
        Ok(executed) => executed,
        Err(refusal) => {
            let mut answer = refused(refusal);
            answer.outcome.operation = outcome.operation;
            answer.outcome.kind = outcome.kind;
            return answer;
        }
    };

    let Executed {
        response,
        error_codes,
        request_error,
    } = executed;
    let ok = response.errors.is_empty();
    let query = kind == OperationType::Query;
    let hints = response.cache_control;
    let cache_control = caching::policy(hints, anonymous, query, ok);
    outcome.error_codes = error_codes;
    let body = Bytes::from(
        serde_json::to_vec(&Sent {
            // A request that never ran has no `data` in this media type.
            data: (!(request_error && call.media == Media::GraphqlResponse))
                .then_some(&response.data),
            errors: &response.errors,
            extensions: &response.extensions,
        })
        .unwrap_or_default(),
    );
    let mut etag = None;
    let mut kept = None;
    if let Some(key) = cache_key
        && anonymous
        && query
        && ok
        && hints.public
        && let Ok(max_age @ 1..) = u32::try_from(hints.max_age)
    {
        let tag = caching::etag(&body);
        kept = state.responses.insert(
            key,
            ticket,
            body.clone(),
            tag.clone(),
            max_age,
            outcome.operation.clone(),
        );
        etag = Some(tag);
    }
    Answer {
        status: if request_error {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::OK
        },
        body: Payload::Serialized(body),
        request_error,
        malformed: false,
        cache_control,
        etag,
        outcome,
        headers: HeaderMap::new(),
        kept,
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

/// A masked internal error, with the request id to find it in the log.
fn internal(call: &Call<'_>) -> Answer {
    let refusal = Refusal {
        request_id: Some(request_id(call)),
        ..Refusal::new("INTERNAL_SERVER_ERROR", "internal server error")
    };
    Answer::refused(StatusCode::INTERNAL_SERVER_ERROR, refusal)
}

fn request_id(call: &Call<'_>) -> String {
    call.headers
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("unknown")
        .to_owned()
}

/// `{"errors": [{"message": …, "extensions": {"code": …}}]}`.
fn error_body(refusal: &Refusal) -> Value {
    json!({ "errors": [refusal.to_error()] })
}

/// A request refused before it was a GraphQL request at all.
fn refuse(media: Media, status: StatusCode, refusal: &Refusal) -> Response {
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

/// The answer to a panic anywhere in the router: a masked internal error.
pub fn panic_response(_panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("a request handler panicked");
    let body = json!({
        "errors": [{
            "message": "internal server error",
            "extensions": { "code": "INTERNAL_SERVER_ERROR" },
        }],
    });
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        [(header::CONTENT_TYPE, Media::Json.content_type())],
        body.to_string(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(name.clone(), HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn accept_chooses_the_media_type() {
        let pick = |accept: &str| negotiate(&headers(&[(header::ACCEPT, accept)])).ok();
        assert_eq!(negotiate(&HeaderMap::new()).ok(), Some(Media::Json));
        assert_eq!(
            pick("application/graphql-response+json, application/json;q=0.9"),
            Some(Media::GraphqlResponse)
        );
        assert_eq!(pick("application/json"), Some(Media::Json));
        assert_eq!(pick("*/*"), Some(Media::Json));
        assert_eq!(pick("text/html"), None);
        assert_eq!(pick("application/graphql-response+json;q=0"), None);
    }

    #[tokio::test]
    async fn a_panic_is_answered_with_a_masked_error() {
        let response = panic_response(Box::new("secret detail at src/x.rs:1"));
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let bytes = axum::body::to_bytes(response.into_body(), 4096)
            .await
            .unwrap();
        let body: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(
            body["errors"][0]["extensions"]["code"],
            "INTERNAL_SERVER_ERROR"
        );
        assert!(!body.to_string().contains("secret"));
    }

    #[test]
    fn only_json_bodies_are_taken() {
        let check = |ct: &str| check_content_type(&headers(&[(header::CONTENT_TYPE, ct)])).is_ok();
        assert!(check("application/json"));
        assert!(check("application/json; charset=utf-8"));
        assert!(check("Application/JSON;charset=\"UTF-8\""));
        assert!(!check("application/json; charset=latin1"));
        assert!(!check("text/plain"));
        assert!(!check("application/x-www-form-urlencoded"));
        assert!(!check("multipart/form-data; boundary=x"));
        assert!(check_content_type(&HeaderMap::new()).is_err());
    }
}
