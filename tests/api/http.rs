//! The HTTP surface around GraphQL: health probes, GET queries, the playground.

use axum::http::StatusCode;

use crate::helpers::TestApp;

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
    let app = TestApp::with_demo().await;
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
    assert_eq!(
        json["data"]["organization"]["name"],
        "Physical Therapy First"
    );
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
