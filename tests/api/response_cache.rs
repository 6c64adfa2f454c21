//! The response cache: anonymous queries answered again without touching the
//! database, until staff change public data.

use axum::body::Body;
use axum::http::{Request, header};
use clinic_api::auth::Role;
use clinic_api::config::Config;
use serde_json::{Value, json};

use crate::support::bookings::REQUEST;
use crate::support::seed::seed_article;
use crate::support::{Clinic, HttpResponse, TestApp, seed_clinic};

const HOME: &str = "query Home($first: Int) {
  articles(first: $first) { nodes { slug title } }
  locations { name openingHours { weekday opens closes } }
}";

const RENAME: &str = "mutation($input: UpdateOrganizationInput!) {
  updateOrganization(input: $input) { userErrors { message } }
}";

/// A small clinic with three published articles, for `HOME`.
async fn world(app: &TestApp) -> Clinic {
    let clinic = seed_clinic(app).await;
    for title in ["Foam rolling", "Desk posture", "Running again"] {
        seed_article(app, title, Some(&clinic.therapist.slug), &[], true).await;
    }
    app.settle().await;
    clinic
}

/// Posts `query` with `variables`, and these headers.
async fn post(
    app: &TestApp,
    query: &str,
    variables: Value,
    headers: &[(&str, &str)],
) -> HttpResponse {
    let mut request = Request::post("/graphql").header(header::CONTENT_TYPE, "application/json");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let body = json!({ "query": query, "variables": variables }).to_string();
    app.request(request.body(Body::from(body)).unwrap()).await
}

/// The SQL statements `query` costs, and its answer.
async fn cost(
    app: &TestApp,
    query: &str,
    variables: Value,
    headers: &[(&str, &str)],
) -> (usize, HttpResponse) {
    let before = app.statements();
    let response = post(app, query, variables, headers).await;
    (app.statements() - before, response)
}

#[tokio::test]
async fn an_anonymous_query_is_answered_again_without_sql_until_it_expires() {
    let app = TestApp::empty().await;
    world(&app).await;
    let (first_cost, first) = cost(&app, HOME, json!({ "first": 3 }), &[]).await;
    assert!(first_cost > 0);
    assert!(first.headers.get(header::AGE).is_none());

    let (again_cost, again) = cost(&app, HOME, json!({ "first": 3 }), &[]).await;
    assert_eq!(again_cost, 0, "answered from the cache");
    assert_eq!(again.body, first.body);
    assert_eq!(again.headers[header::AGE], "0");
    assert_eq!(
        again.headers[header::CACHE_CONTROL],
        first.headers[header::CACHE_CONTROL]
    );
    assert_eq!(again.headers[header::CACHE_CONTROL], "public, max-age=60");

    // The same document written differently is the same query...
    let reformatted = "# the home page\nquery Home( $first : Int ) { articles(first: $first) {\n nodes { slug, title } } \
                       locations { name, openingHours { weekday opens closes } } }";
    let (cost_reformatted, same) = cost(&app, reformatted, json!({ "first": 3 }), &[]).await;
    assert_eq!(cost_reformatted, 0);
    assert_eq!(same.body, first.body);
    // ...but other variables are another.
    let (other_cost, other) = cost(&app, HOME, json!({ "first": 2 }), &[]).await;
    assert!(other_cost > 0);
    assert_ne!(other.body, first.body);
}

#[tokio::test]
async fn a_staff_write_is_seen_by_the_next_anonymous_query() {
    let app = TestApp::empty().await;
    world(&app).await;
    let name = "{ organization { name } }";
    let (_, before) = cost(&app, name, json!({}), &[]).await;
    assert!(before.body.contains(Clinic::NAME));
    assert_eq!(cost(&app, name, json!({}), &[]).await.0, 0);

    let admin = app.token_for(Role::Admin).await;
    let renamed = app
        .gql_as(
            &admin,
            RENAME,
            json!({ "input": { "name": "Lakeview Physio Second" } }),
        )
        .await;
    assert_eq!(renamed.ok()["updateOrganization"]["userErrors"], json!([]));

    let (after_cost, after) = cost(&app, name, json!({}), &[]).await;
    assert!(after_cost > 0, "the cache was emptied");
    assert!(
        after.body.contains("Lakeview Physio Second"),
        "{}",
        after.body
    );
}

#[tokio::test]
async fn an_anonymous_failed_write_or_a_booking_leaves_the_cache_alone() {
    let app = TestApp::empty().await;
    let clinic = world(&app).await;
    let name = "{ organization { name } }";
    cost(&app, name, json!({}), &[]).await;

    // Refused: anonymous callers may not rename the clinic.
    let refused = app
        .gql(RENAME, json!({ "input": { "name": "Defaced" } }))
        .await;
    assert!(refused.error_code().is_some());
    let booked = app.gql(REQUEST, json!({ "input": clinic.form() })).await;
    assert!(booked.ok()["requestBooking"]["receipt"]["reference"].is_string());

    assert_eq!(cost(&app, name, json!({}), &[]).await.0, 0, "still cached");
}

#[tokio::test]
async fn staff_answers_errors_and_private_data_are_never_cached() {
    let app = TestApp::empty().await;
    world(&app).await;
    let editor = app.token_for(Role::Editor).await;
    let bearer = format!("Bearer {editor}");
    let signed_in = [("authorization", bearer.as_str())];
    for _ in 0..2 {
        let (n, response) = cost(&app, HOME, json!({ "first": 3 }), &signed_in).await;
        assert!(n > 0, "a signed-in request runs every time");
        assert_eq!(response.headers[header::CACHE_CONTROL], "private, no-store");
    }
    // An anonymous query that failed is asked again.
    let broken = "{ article(slug: \"x\") { title } therapist(slug: 1) { slug } }";
    for _ in 0..2 {
        let (_, response) = cost(&app, broken, json!({}), &[]).await;
        assert!(response.body.contains("errors"));
        assert!(response.headers.get(header::AGE).is_none());
    }
    // Private types are not public, even to an anonymous caller who may see them.
    let status = "query($r: String!, $e: String!) { bookingRequestStatus(reference: $r, email: $e) { status } }";
    let vars = json!({ "r": "PTF-AAAAAA", "e": "a@example.com" });
    for _ in 0..2 {
        let (n, response) = cost(&app, status, vars.clone(), &[]).await;
        assert!(n > 0);
        assert_eq!(response.headers[header::CACHE_CONTROL], "private, no-store");
    }
}

#[tokio::test]
async fn the_same_body_signed_in_runs_and_each_caller_gets_its_media_type() {
    let app = TestApp::empty().await;
    world(&app).await;
    let vars = json!({ "first": 3 });
    let (_, first) = cost(&app, HOME, vars.clone(), &[]).await;
    let (n, again) = cost(&app, HOME, vars.clone(), &[]).await;
    assert_eq!(n, 0, "answered from the cache");
    assert_eq!(again.body, first.body);

    let graphql_response = [("accept", "application/graphql-response+json")];
    let (n, typed) = cost(&app, HOME, vars.clone(), &graphql_response).await;
    assert_eq!(n, 0);
    assert_eq!(typed.body, first.body);
    assert_eq!(
        typed.headers[header::CONTENT_TYPE],
        "application/graphql-response+json; charset=utf-8"
    );

    let editor = app.token_for(Role::Editor).await;
    let bearer = format!("Bearer {editor}");
    let (n, signed_in) = cost(&app, HOME, vars, &[("authorization", bearer.as_str())]).await;
    assert!(n > 0, "the same bytes signed in are run");
    assert_eq!(
        signed_in.headers[header::CACHE_CONTROL],
        "private, no-store"
    );
    assert!(signed_in.headers.get(header::AGE).is_none());
}

#[tokio::test]
async fn a_cache_of_size_zero_keeps_nothing() {
    let mut config = Config::for_tests();
    config.edge.response_cache_mb = 0;
    let app = TestApp::empty().await.with_config(config).await;
    world(&app).await;
    cost(&app, HOME, json!({ "first": 3 }), &[]).await;
    let (n, response) = cost(&app, HOME, json!({ "first": 3 }), &[]).await;
    assert!(n > 0);
    assert!(response.headers.get(header::AGE).is_none());
}

#[tokio::test]
async fn a_cached_get_answer_keeps_its_etag() {
    let app = TestApp::empty().await;
    world(&app).await;
    let uri = "/graphql?query=%7Blocations%7Bname%7D%7D";
    let first = app.get(uri, None).await;
    let again = app.get(uri, None).await;
    assert_eq!(again.headers[header::AGE], "0");
    assert_eq!(first.headers[header::ETAG], again.headers[header::ETAG]);
    let request = Request::get(uri)
        .header(header::IF_NONE_MATCH, first.headers[header::ETAG].clone())
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.request(request).await.status, 304);
}
