//! The GraphiQL playground, at `/graphiql` and for browsers at `GET /graphql`.
//!
//! Everything it loads is served from here: GraphiQL and React at the versions
//! pinned in `package-lock.json` beside this file, fetched by npm and embedded
//! by the build script (`build.rs` at the crate's root), and the page's own
//! script and styles. The page asks no other host, and its
//! Content-Security-Policy would refuse if it did.

use axum::extract::{Path, State};
use axum::http::{HeaderName, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::http::AppState;

/// A file the page loads, named after its content so that browsers may keep it
/// for good.
pub struct Asset {
    pub name: &'static str,
    pub content_type: &'static str,
    pub body: &'static [u8],
}

/// `GRAPHIQL_VERSION`, and one `Asset` per file.
mod assets {
    use super::Asset;
    include!(concat!(env!("OUT_DIR"), "/playground/assets.rs"));
}

use assets::GRAPHIQL_VERSION;

const ASSETS: [Asset; 6] = [
    assets::REACT_JS,
    assets::REACT_DOM_JS,
    assets::GRAPHIQL_JS,
    assets::GRAPHIQL_CSS,
    assets::PLAYGROUND_JS,
    assets::PLAYGROUND_CSS,
];

/// Where the assets are served.
const ASSETS_PATH: &str = "/graphiql/assets";

/// The document the playground opens with: a tour of the API.
pub const DEFAULT_QUERY: &str = include_str!("default.graphql");

/// The page's policy: its own scripts, styles and API, inline images and fonts
/// (GraphiQL's icons and fonts are `data:` URLs in its CSS), nothing else.
///
/// The one exception is the `<style>` element that GraphiQL's dialogs add
/// while open (to stop the page scrolling behind them): it carries the nonce,
/// new for each response, that the page hands to GraphiQL.
fn content_security_policy(style_nonce: &str) -> String {
    format!(
        "default-src 'none'; script-src 'self'; style-src 'self' 'nonce-{style_nonce}'; \
         connect-src 'self'; img-src 'self' data:; font-src 'self' data:; \
         base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
}

/// `GET /graphiql`: the playground, unless turned off.
pub async fn page(State(state): State<AppState>) -> Response {
    if !state.config.playground {
        return turned_off();
    }
    let style_nonce = uuid::Uuid::new_v4().simple().to_string();
    let headers: [(HeaderName, String); 6] = [
        (header::CONTENT_TYPE, "text/html; charset=utf-8".into()),
        (
            header::CONTENT_SECURITY_POLICY,
            content_security_policy(&style_nonce),
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff".into()),
        (header::REFERRER_POLICY, "no-referrer".into()),
        // The nonce is good for this response only.
        (header::CACHE_CONTROL, "no-store".into()),
        // `GET /graphql` serves this page or a query's result by `Accept`.
        (header::VARY, "Accept".into()),
    ];
    (headers, html(&style_nonce)).into_response()
}

/// `GET /graphiql/assets/{name}`: a script or style sheet of the page.
pub async fn asset(State(state): State<AppState>, Path(name): Path<String>) -> Response {
    if !state.config.playground {
        return turned_off();
    }
    let Some(asset) = ASSETS.iter().find(|asset| asset.name == name) else {
        return (StatusCode::NOT_FOUND, "no such asset").into_response();
    };
    let headers: [(HeaderName, &str); 3] = [
        (header::CONTENT_TYPE, asset.content_type),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        // The name changes whenever the content does.
        (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
    ];
    (headers, asset.body).into_response()
}

fn turned_off() -> Response {
    (StatusCode::NOT_FOUND, "the playground is turned off").into_response()
}

/// The page: GraphiQL's styles and scripts, then ours, which starts it with the
/// settings of the `#graphiql` element.
fn html(style_nonce: &str) -> String {
    let url = |asset: &Asset| format!("{ASSETS_PATH}/{}", asset.name);
    format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>clinic-api · GraphiQL</title>
<link rel="stylesheet" href="{graphiql_css}">
<link rel="stylesheet" href="{playground_css}">
<script defer src="{react_js}"></script>
<script defer src="{react_dom_js}"></script>
<script defer src="{graphiql_js}"></script>
<script defer src="{playground_js}"></script>
</head>
<body>
<div id="graphiql" data-endpoint="/graphql" data-style-nonce="{style_nonce}" data-default-query="{default_query}">Loading GraphiQL {GRAPHIQL_VERSION}…</div>
</body>
</html>
"#,
        graphiql_css = url(&assets::GRAPHIQL_CSS),
        playground_css = url(&assets::PLAYGROUND_CSS),
        react_js = url(&assets::REACT_JS),
        react_dom_js = url(&assets::REACT_DOM_JS),
        graphiql_js = url(&assets::GRAPHIQL_JS),
        playground_js = url(&assets::PLAYGROUND_JS),
        default_query = escape_attribute(DEFAULT_QUERY),
    )
}

/// Text fit to stand between double quotes in an HTML attribute.
fn escape_attribute(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '"' => escaped.push_str("&quot;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '\n' => escaped.push_str("&#10;"),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asset_names_carry_the_pinned_versions_and_differ() {
        let graphiql = format!("graphiql-{GRAPHIQL_VERSION}.");
        assert!(assets::GRAPHIQL_JS.name.starts_with(&graphiql));
        assert!(assets::REACT_JS.name.starts_with("react-18."));
        for (i, a) in ASSETS.iter().enumerate() {
            assert!(!a.body.is_empty(), "{}", a.name);
            assert!(ASSETS[..i].iter().all(|b| b.name != a.name), "{}", a.name);
        }
    }

    #[test]
    fn attributes_are_escaped() {
        assert_eq!(
            escape_attribute("a \"b\" <c> & d\ne"),
            "a &quot;b&quot; &lt;c&gt; &amp; d&#10;e"
        );
    }
}
