//! What an operator sees: request ids on every response, and `/metrics` in the
//! Prometheus text format. The metrics are process-wide and tests run in
//! parallel, so counters are compared before and after, never as totals.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::json;

use crate::support::{HttpResponse, TestApp};

const REQUEST_ID: &str = "x-request-id";

async fn get_with_id(app: &TestApp, uri: &str, id: Option<&str>) -> HttpResponse {
    let mut request = Request::get(uri);
    if let Some(id) = id {
        request = request.header(REQUEST_ID, id);
    }
    app.request(request.body(Body::empty()).unwrap()).await
}

fn echoed_id(res: &HttpResponse) -> String {
    res.headers
        .get(REQUEST_ID)
        .expect("the response carries x-request-id")
        .to_str()
        .unwrap()
        .to_owned()
}

#[track_caller]
fn assert_fresh_uuid(id: &str) {
    let uuid = uuid::Uuid::parse_str(id).unwrap_or_else(|_| panic!("not a UUID: {id}"));
    assert_eq!(uuid.get_version_num(), 4, "{id}");
}

#[tokio::test]
async fn a_sane_request_id_from_the_client_is_echoed() {
    let app = TestApp::empty().await;
    for uri in ["/healthz", "/graphql?query=%7Borganization%7Bname%7D%7D"] {
        let res = get_with_id(&app, uri, Some("edge-7f3a.42_b")).await;
        assert_eq!(res.status, StatusCode::OK, "{uri}");
        assert_eq!(echoed_id(&res), "edge-7f3a.42_b", "{uri}");
    }
}

#[tokio::test]
async fn a_bad_request_id_is_replaced_by_a_fresh_uuid() {
    let app = TestApp::empty().await;
    let too_long = "a".repeat(65);
    for bad in ["has space", "a;b=c", "pat@example.com", too_long.as_str()] {
        let res = get_with_id(&app, "/healthz", Some(bad)).await;
        let id = echoed_id(&res);
        assert_ne!(id, bad);
        assert_fresh_uuid(&id);
    }
}

#[tokio::test]
async fn every_response_gets_an_id_even_a_404() {
    let app = TestApp::empty().await;
    let first = echoed_id(&get_with_id(&app, "/healthz", None).await);
    let second = echoed_id(&get_with_id(&app, "/healthz", None).await);
    assert_fresh_uuid(&first);
    assert_fresh_uuid(&second);
    assert_ne!(first, second);
    let missing = get_with_id(&app, "/no/such/page", None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_fresh_uuid(&echoed_id(&missing));
}

/// The sum of the samples of `name` whose labels include all of `labels`.
fn sample(text: &str, name: &str, labels: &[(&str, &str)]) -> f64 {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| {
            let (series, value) = line.rsplit_once(' ')?;
            let (metric, rest) = series.split_once('{').unwrap_or((series, "}"));
            if metric != name {
                return None;
            }
            let pairs: Vec<(&str, &str)> = rest
                .strip_suffix('}')?
                .split(',')
                .filter_map(|pair| {
                    let (key, value) = pair.split_once('=')?;
                    Some((key, value.trim_matches('"')))
                })
                .collect();
            labels
                .iter()
                .all(|label| pairs.contains(label))
                .then(|| value.parse::<f64>().ok())
                .flatten()
        })
        .sum()
}

async fn scrape(app: &TestApp) -> String {
    let res = app.get("/metrics", None).await;
    assert_eq!(res.status, StatusCode::OK);
    res.body
}

#[tokio::test]
async fn metrics_are_served_in_the_prometheus_text_format_with_the_pool_gauges() {
    let app = TestApp::empty().await;
    app.gql("query Home { organization { name } }", json!({}))
        .await
        .ok();
    let res = app.get("/metrics", None).await;
    assert_eq!(res.status, StatusCode::OK);
    let content_type = res.headers[header::CONTENT_TYPE].to_str().unwrap();
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    for family in [
        "# TYPE http_requests_total counter",
        "# TYPE http_request_duration_seconds histogram",
        "# TYPE graphql_requests_total counter",
        "# TYPE graphql_request_duration_seconds histogram",
        "# TYPE db_pool_connections_in_use gauge",
        "# TYPE db_pool_connections_idle gauge",
        "# TYPE db_pool_connections_max gauge",
    ] {
        assert!(res.body.contains(family), "no {family:?} in\n{}", res.body);
    }
    // The gauges are this app's pool: the tests open four connections at most.
    let max = sample(&res.body, "db_pool_connections_max", &[]);
    assert_eq!(max, 4.0);
    let open = sample(&res.body, "db_pool_connections_in_use", &[])
        + sample(&res.body, "db_pool_connections_idle", &[]);
    assert!((1.0..=max).contains(&open), "{open} connections open");
}

#[tokio::test]
async fn counters_grow_with_named_operations_and_error_codes() {
    let app = TestApp::empty().await;
    let before = scrape(&app).await;

    let home = app
        .gql("query Home { organization { name } }", json!({}))
        .await;
    assert_eq!(home.status, StatusCode::OK);
    home.ok();
    let broken = app.gql("query Broken { noSuchField }", json!({})).await;
    let code = broken
        .error_code()
        .expect("a failed validation carries a code")
        .to_owned();

    let after = scrape(&app).await;
    let grew = |name: &str, labels: &[(&str, &str)]| {
        let by = sample(&after, name, labels) - sample(&before, name, labels);
        assert!(by >= 1.0, "{name}{labels:?} grew by {by}\n{after}");
    };
    grew(
        "graphql_requests_total",
        &[("operation", "Home"), ("kind", "query"), ("outcome", "ok")],
    );
    grew(
        "graphql_request_duration_seconds_count",
        &[("operation", "Home")],
    );
    grew(
        "graphql_requests_total",
        &[("operation", "Broken"), ("outcome", "error")],
    );
    grew("graphql_errors_total", &[("code", &code)]);
    grew(
        "http_requests_total",
        &[("method", "POST"), ("path", "/graphql"), ("status", "200")],
    );
    grew(
        "http_request_duration_seconds_count",
        &[("path", "/graphql")],
    );
}

#[tokio::test]
async fn metrics_name_routes_and_operations_never_private_values() {
    let app = TestApp::empty().await;
    let before = scrape(&app).await;

    let long_name = format!("Q{}", "x".repeat(70));
    app.gql(
        &format!(
            "query {long_name}($reference: String!, $email: String!) {{ \
             bookingRequestStatus(reference: $reference, email: $email) {{ status }} }}"
        ),
        json!({ "reference": "PTF-7KQ2M9", "email": "pat.private@example.com" }),
    )
    .await
    .ok();
    app.gql_with(
        Some("Bearer ptf_not_a_real_secret_token"),
        "{ organization { name } }",
        json!({}),
    )
    .await;
    let asset = app
        .get("/graphiql/assets/secret-looking-name.js", None)
        .await;
    assert_eq!(asset.status, StatusCode::NOT_FOUND);
    let missing = app.get("/patients/pat.private@example.com", None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);

    let after = scrape(&app).await;
    for private in [
        "pat.private",
        "PTF-7KQ2M9",
        "ptf_not_a_real_secret_token",
        "secret-looking-name",
        &long_name,
    ] {
        assert!(!after.contains(private), "{private} in\n{after}");
    }
    let grew = |name: &str, labels: &[(&str, &str)]| {
        let by = sample(&after, name, labels) - sample(&before, name, labels);
        assert!(by >= 1.0, "{name}{labels:?} grew by {by}\n{after}");
    };
    grew("graphql_requests_total", &[("operation", "other")]);
    grew(
        "http_requests_total",
        &[("path", "/graphiql/assets/{name}"), ("status", "404")],
    );
    grew(
        "http_requests_total",
        &[("path", "unmatched"), ("status", "404")],
    );
}
