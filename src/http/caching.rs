//! HTTP caching of GraphQL answers: `Cache-Control` from the cache hints of
//! the types and fields a query touched, and ETags on GET answers so that a
//! client's `If-None-Match` gets a bodiless 304.

use async_graphql::CacheControl;
use axum::http::{HeaderMap, HeaderValue, header};

/// Never stored by anyone: answers for staff, mutations, anything private.
pub const PRIVATE: &str = "private, no-store";

/// The `Cache-Control` of an answer. Only an anonymous query whose every
/// touched type allows it is public; one with errors is not cached at all.
pub fn policy(hints: CacheControl, anonymous: bool, query: bool, ok: bool) -> String {
    if !anonymous || !query || !hints.public {
        PRIVATE.to_owned()
    } else if !ok {
        "no-store".to_owned()
    } else if hints.max_age > 0 {
        format!("public, max-age={}", hints.max_age)
    } else {
        // Nothing says how long: keep it, but ask again each time (with the ETag).
        "public, no-cache".to_owned()
    }
}

/// A strong ETag for a body.
pub fn etag(body: &[u8]) -> String {
    let hex = crate::digest::sha256_hex(body);
    format!("\"{}\"", &hex[..32])
}

/// Whether the request's `If-None-Match` names `etag` (or `*`).
pub fn not_modified(request: &HeaderMap, etag: &str) -> bool {
    request
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|tag| tag.trim().trim_start_matches("W/"))
        .any(|tag| tag == etag || tag == "*")
}

/// The headers every cacheable GET answer carries.
pub fn headers(cache_control: &str, etag: Option<&str>) -> HeaderMap {
    let mut headers = HeaderMap::new();
    if let Ok(value) = HeaderValue::from_str(cache_control) {
        headers.insert(header::CACHE_CONTROL, value);
    }
    if let Some(etag) = etag.and_then(|e| HeaderValue::from_str(e).ok()) {
        headers.insert(header::ETAG, etag);
    }
    // Who asks and how changes the answer.
    headers.insert(
        header::VARY,
        HeaderValue::from_static("Accept, Authorization"),
    );
    headers
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hints(public: bool, max_age: i32) -> CacheControl {
        CacheControl { public, max_age }
    }

    #[test]
    fn only_anonymous_successful_public_queries_are_cached() {
        assert_eq!(
            policy(hints(true, 60), true, true, true),
            "public, max-age=60"
        );
        assert_eq!(policy(hints(true, 0), true, true, true), "public, no-cache");
        assert_eq!(policy(hints(false, 60), true, true, true), PRIVATE);
        assert_eq!(policy(hints(true, 60), false, true, true), PRIVATE);
        assert_eq!(policy(hints(true, 60), true, false, true), PRIVATE);
        assert_eq!(policy(hints(true, 60), true, true, false), "no-store");
    }

    #[test]
    fn if_none_match_is_read_as_a_list() {
        let tag = etag(b"{}");
        let mut request = HeaderMap::new();
        request.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_str(&format!("\"other\", W/{tag}")).unwrap(),
        );
        assert!(not_modified(&request, &tag));
        assert!(!not_modified(&HeaderMap::new(), &tag));
    }
}
