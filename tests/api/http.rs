//! The HTTP surface around GraphQL: health probes, GET queries, the playground.

use axum::http::StatusCode;
use clinic_api::config::Config;

use crate::support::{Clinic, TestApp, seed_clinic};

#[tokio::test]
async fn healthz_answers_while_the_process_runs() {
    let app = TestApp::empty().await;
    let res = app.get("/healthz", None).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.body, "ok");
}

#[tokio::test]
async fn readyz_answers_when_the_database_does_and_503_when_it_does_not() {
    let app = TestApp::empty().await;
    assert_eq!(app.get("/readyz", None).await.status, StatusCode::OK);
    app.db.clone().close().await.unwrap();
    assert_eq!(
        app.get("/readyz", None).await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
}

#[tokio::test]
async fn a_query_can_be_sent_with_get() {
    let app = TestApp::empty().await;
    seed_clinic(&app).await;
    let res = app
        .get(
            "/graphql?query=%7Borganization%7Bname%7D%7D",
            Some("application/json"),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let content_type = res.headers[axum::http::header::CONTENT_TYPE]
        .to_str()
        .unwrap();
    assert!(content_type.contains("json"), "{content_type}");
    let json: serde_json::Value = serde_json::from_str(&res.body).unwrap();
    assert_eq!(json["data"]["organization"]["name"], Clinic::NAME);
}

#[tokio::test]
async fn browsers_get_the_playground() {
    let app = TestApp::empty().await;
    for uri in ["/graphiql", "/graphql"] {
        let res = app.get(uri, Some("text/html,application/xhtml+xml")).await;
        assert_eq!(res.status, StatusCode::OK, "{uri}");
        assert!(res.body.to_lowercase().contains("graphiql"), "{uri}");
    }
}

#[tokio::test]
async fn an_unknown_field_is_a_graphql_error_not_a_crash() {
    let app = TestApp::empty().await;
    let res = app.gql("{ nope }", serde_json::json!({})).await;
    assert!(!res.errors.is_empty());
    assert!(res.errors[0]["message"].as_str().unwrap().contains("nope"));
    assert_eq!(app.get("/healthz", None).await.status, StatusCode::OK);
}

/// The `src` and `href` attributes of an HTML page.
fn references(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attribute in [" src=\"", " href=\""] {
        for part in html.split(attribute).skip(1) {
            found.push(part[..part.find('"').unwrap()].to_owned());
        }
    }
    found
}

#[tokio::test]
async fn the_playground_loads_only_its_own_assets_under_a_strict_policy() {
    let app = TestApp::empty().await;
    let page = app.get("/graphiql", Some("text/html")).await;
    assert_eq!(page.status, StatusCode::OK);
    let header = |name: &str| page.headers[name].to_str().unwrap().to_owned();
    assert!(header("content-type").starts_with("text/html"));
    assert_eq!(header("x-content-type-options"), "nosniff");
    let policy = header("content-security-policy");
    for directive in [
        "default-src 'none'",
        "script-src 'self'",
        "connect-src 'self'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ] {
        assert!(
            policy.split(';').any(|d| d.trim() == directive),
            "{directive} in {policy}"
        );
    }
    assert!(!policy.contains("unsafe"), "{policy}");
    // Styles: the page's own files, and the <style> element GraphiQL's dialogs
    // add, which carries a nonce new for each response.
    let nonce = |policy: &str, body: &str| {
        let style = policy
            .split(';')
            .map(str::trim)
            .find(|d| d.starts_with("style-src "))
            .unwrap()
            .to_owned();
        let nonce = style
            .strip_prefix("style-src 'self' 'nonce-")
            .and_then(|n| n.strip_suffix('\''))
            .unwrap_or_else(|| panic!("{style}"))
            .to_owned();
        assert!(nonce.len() >= 22, "{nonce}");
        assert!(body.contains(&format!("data-style-nonce=\"{nonce}\"")));
        nonce
    };
    let again = app.get("/graphiql", Some("text/html")).await;
    let again_policy = again.headers["content-security-policy"].to_str().unwrap();
    assert_ne!(nonce(&policy, &page.body), nonce(again_policy, &again.body));
    assert_eq!(header("cache-control"), "no-store");
    assert!(!page.body.contains("http://"), "{}", page.body);
    assert!(!page.body.contains("https://"), "{}", page.body);
    // No inline script: every script is a file of its own.
    assert_eq!(
        page.body.matches("<script").count(),
        page.body
            .matches("<script defer src=\"/graphiql/assets/")
            .count()
    );

    let assets: Vec<String> = references(&page.body)
        .into_iter()
        .filter(|url| url != "data:,")
        .collect();
    assert_eq!(assets.len(), 6, "{assets:?}");
    for url in &assets {
        assert!(url.starts_with("/graphiql/assets/"), "{url}");
        let res = app.get(url, None).await;
        assert_eq!(res.status, StatusCode::OK, "{url}");
        let content_type = res.headers["content-type"].to_str().unwrap();
        let expected = if url.ends_with(".js") {
            "text/javascript"
        } else {
            "text/css"
        };
        assert!(content_type.starts_with(expected), "{url}: {content_type}");
        assert_eq!(res.headers["x-content-type-options"], "nosniff");
        assert!(
            res.headers["cache-control"]
                .to_str()
                .unwrap()
                .contains("immutable"),
            "{url}"
        );
        assert!(res.body.len() > 50, "{url}");
        // Nothing that would make the browser ask another host.
        assert!(!res.body.contains("@import url(http"), "{url}");
        assert!(!res.body.contains("sourceMappingURL"), "{url}");
    }
    assert!(
        assets.iter().any(|url| url.contains("/graphiql-")),
        "{assets:?}"
    );
    assert!(
        assets.iter().any(|url| url.contains("/react-dom-")),
        "{assets:?}"
    );

    let res = app.get("/graphiql/assets/graphiql.min.js", None).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_playground_opens_with_a_document_that_runs() {
    // The default document is written for the demo clinic.
    let app = TestApp::with_demo().await;
    let page = app.get("/graphiql", Some("text/html")).await;
    let (_, rest) = page
        .body
        .split_once("data-default-query=\"")
        .expect("a default document");
    let document = rest[..rest.find('"').unwrap()]
        .replace("&#10;", "\n")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    assert!(document.contains("Authorization"), "{document}");
    let res = app.gql(&document, serde_json::json!({})).await;
    let data = res.ok();
    assert_eq!(data["organization"]["name"], "Physical Therapy First");
    assert!(data["location"]["isOpenNow"].is_boolean(), "{data}");
    let authors = &data["articles"]["nodes"][0]["author"]["fullName"];
    assert!(authors.is_string(), "{data}");
    let therapists = data["therapists"]["nodes"].as_array().unwrap();
    assert!(!therapists.is_empty(), "{data}");
    assert!(therapists[0]["certifications"][0]["status"].is_string());
}

#[tokio::test]
async fn a_turned_off_playground_is_not_found() {
    let on = TestApp::empty().await;
    seed_clinic(&on).await;
    let page = on.get("/graphiql", Some("text/html")).await;
    let asset = references(&page.body)
        .into_iter()
        .find(|url| url.starts_with("/graphiql/assets/"))
        .unwrap();
    assert_eq!(on.get(&asset, None).await.status, StatusCode::OK);

    let off = on
        .with_config(Config {
            playground: false,
            ..Config::for_tests()
        })
        .await;
    for (uri, accept) in [
        ("/graphiql", "text/html"),
        ("/graphql", "text/html,application/xhtml+xml"),
        (asset.as_str(), "*/*"),
    ] {
        let res = off.get(uri, Some(accept)).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{uri}");
        assert!(!res.body.to_lowercase().contains("<script"), "{uri}");
    }
    // The API itself still answers, by GET too.
    let res = off
        .get(
            "/graphql?query=%7Borganization%7Bname%7D%7D",
            Some("application/json"),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains(Clinic::NAME), "{}", res.body);
}
