//! What a request to `/graphql` asks for, read from HTTP: the media type to
//! answer in, the body (its type, size and deadline), and the parameters of
//! the GraphQL-over-HTTP request, from a JSON body or a query string.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, StatusCode, header};
use serde_json::Value;

use crate::config::EdgeArgs;
use crate::graphql::gate::{Ask, Refusal};

pub(super) const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";
pub(super) const JSON: &str = "application/json";

/// The media type of the answer, as the client's `Accept` chose it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Media {
    /// `application/graphql-response+json`: status codes tell request
    /// errors (4xx) from results (200).
    GraphqlResponse,
    /// `application/json`: 200 for every well-formed request.
    Json,
}

impl Media {
    pub(super) fn content_type(self) -> &'static str {
        match self {
            Self::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
            Self::Json => "application/json; charset=utf-8",
        }
    }
}

/// The media type to answer in; `None` when the client accepts neither JSON type.
pub(super) fn negotiate(headers: &HeaderMap) -> Option<Media> {
    let Some(accept) = headers.get(header::ACCEPT) else {
        return Some(Media::Json);
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
            GRAPHQL_RESPONSE_JSON => return Some(Media::GraphqlResponse),
            JSON | "application/*" | "*/*" => json = true,
            _ => {}
        }
    }
    json.then_some(Media::Json)
}

/// A POST body must be JSON: anything a plain HTML form or a "simple"
/// cross-site request can send is refused, so no other site can make a
/// browser run a mutation with its user's cookies or credentials.
pub(super) fn check_content_type(headers: &HeaderMap) -> Result<(), Refusal> {
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

/// The whole body, if it is no larger than `MAX_BODY_BYTES` and arrives
/// within `BODY_READ_TIMEOUT_SECONDS`; otherwise the status and refusal to answer with.
pub(super) async fn read_body(body: Body, edge: &EdgeArgs) -> Result<Bytes, (StatusCode, Refusal)> {
    let reading = axum::body::to_bytes(body, edge.max_body_bytes);
    match tokio::time::timeout(Duration::from_secs(edge.body_timeout_secs), reading).await {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(error))
            if std::error::Error::source(&error)
                .is_some_and(|e| e.is::<http_body_util::LengthLimitError>()) =>
        {
            Err((
                StatusCode::PAYLOAD_TOO_LARGE,
                Refusal::new(
                    "PAYLOAD_TOO_LARGE",
                    format!("the body is larger than {} bytes", edge.max_body_bytes),
                ),
            ))
        }
        Ok(Err(_)) => Err((
            StatusCode::BAD_REQUEST,
            Refusal::new("BAD_REQUEST", "the body could not be read"),
        )),
        Err(_) => Err((
            StatusCode::REQUEST_TIMEOUT,
            Refusal::new(
                "REQUEST_TIMEOUT",
                format!(
                    "the body did not arrive within {} seconds",
                    edge.body_timeout_secs
                ),
            ),
        )),
    }
}

/// The body as JSON: an object (one request) or an array (a batch).
pub(super) fn parse_body(bytes: &Bytes) -> Result<Value, Refusal> {
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
pub(super) fn from_object(value: Value) -> Result<Ask, Refusal> {
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
    Ok(Ask {
        query,
        operation_name,
        variables: take_object("variables")?,
        extensions: take_object("extensions")?,
    })
}

/// The request parameters of a GET's query string, `variables` and
/// `extensions` as JSON text.
pub(super) fn from_query_string(query: &str) -> Result<Ask, Refusal> {
    let mut ask = Ask::default();
    for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
        let json = |name: &str| {
            serde_json::from_str::<Value>(&value).map_err(|_| {
                Refusal::new("BAD_REQUEST", format!("`{name}` in the URL must be JSON"))
            })
        };
        match name.as_ref() {
            "query" => ask.query = Some(value.to_string()),
            "operationName" => ask.operation_name = Some(value.to_string()),
            "variables" => ask.variables = Some(json("variables")?),
            "extensions" => ask.extensions = Some(json("extensions")?),
            _ => {}
        }
    }
    for (name, value) in [
        ("variables", &ask.variables),
        ("extensions", &ask.extensions),
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
    Ok(ask)
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

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
        let pick = |accept: &str| negotiate(&headers(&[(header::ACCEPT, accept)]));
        assert_eq!(negotiate(&HeaderMap::new()), Some(Media::Json));
        assert_eq!(
            pick("application/graphql-response+json, application/json;q=0.9"),
            Some(Media::GraphqlResponse)
        );
        assert_eq!(pick("application/json"), Some(Media::Json));
        assert_eq!(pick("*/*"), Some(Media::Json));
        assert_eq!(pick("text/html"), None);
        assert_eq!(pick("application/graphql-response+json;q=0"), None);
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
