//! The public edge as a client library, a browser and a scanner meet it:
//! GraphQL over HTTP by the specification, limits checked before any
//! database work, CSRF, production mode, masking, CORS, security headers,
//! persisted queries and HTTP caching, and bad input of every kind.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use clinic_api::auth::Role;
use clinic_api::config::{Config, EdgeArgs};
use serde_json::{Value, json};

use crate::support::{Clinic, HttpResponse, TestApp, seed_clinic};

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

/// POSTs `body` to `/graphql` with these headers.
async fn post(app: &TestApp, headers: &[(&str, &str)], body: impl Into<Body>) -> HttpResponse {
    let mut request = Request::post("/graphql");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    app.request(request.body(body.into()).unwrap()).await
}

/// POSTs a GraphQL request as JSON, accepting `accept`.
async fn post_json(app: &TestApp, accept: &str, request: Value) -> HttpResponse {
    post(
        app,
        &[("content-type", "application/json"), ("accept", accept)],
        request.to_string(),
    )
    .await
}

fn json_of(res: &HttpResponse) -> Value {
    serde_json::from_str(&res.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", res.body))
}

fn code(res: &HttpResponse) -> String {
    json_of(res)["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

fn header<'a>(res: &'a HttpResponse, name: &str) -> &'a str {
    res.headers
        .get(name)
        .map(|v| v.to_str().unwrap())
        .unwrap_or_default()
}

/// The server still answers a plain query.
async fn still_serving(app: &TestApp) {
    let res = app.gql("{ organization { name } }", json!({})).await;
    assert_eq!(res.ok()["organization"]["name"], Clinic::NAME);
}

async fn with_edge(edge: EdgeArgs) -> TestApp {
    // Seeded before the edge is set: an allow-list would refuse the builders.
    let app = TestApp::empty().await;
    seed_clinic(&app).await;
    app.with_config(Config {
        edge,
        ..Config::for_tests()
    })
    .await
}

#[tokio::test]
async fn answers_follow_the_media_type_the_client_accepts() {
    let app = TestApp::empty().await;
    seed_clinic(&app).await;
    let ok = json!({ "query": "{ organization { name } }" });
    let invalid = json!({ "query": "{ organization { nope } }" });

    let res = post_json(&app, GRAPHQL_RESPONSE, ok.clone()).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(header(&res, "content-type").starts_with(GRAPHQL_RESPONSE));
    // A request error: 400, and no `data` at all.
    let res = post_json(&app, GRAPHQL_RESPONSE, invalid.clone()).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(json_of(&res).get("data").is_none(), "{}", res.body);
    assert_eq!(code(&res), "GRAPHQL_VALIDATION_FAILED");

    // application/json: 200 for every well-formed request.
    let res = post_json(&app, "application/json", invalid).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(header(&res, "content-type").starts_with("application/json"));
    assert_eq!(code(&res), "GRAPHQL_VALIDATION_FAILED");
    // No Accept at all is application/json.
    let res = post(
        &app,
        &[("content-type", "application/json")],
        ok.to_string(),
    )
    .await;
    assert!(header(&res, "content-type").starts_with("application/json"));

    // A field error still has data: 200 in either type.
    let res = post_json(
        &app,
        GRAPHQL_RESPONSE,
        json!({ "query": "{ organization { name } bookingRequests { totalCount } }" }),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(
        json_of(&res)["errors"][0]["extensions"]["code"],
        "UNAUTHENTICATED"
    );

    let res = post_json(&app, "text/html", ok).await;
    assert_eq!(res.status, StatusCode::NOT_ACCEPTABLE);
}

#[tokio::test]
async fn get_runs_queries_only() {
    let app = TestApp::empty().await;
    seed_clinic(&app).await;
    let res = app
        .get(
            "/graphql?query=query%20Org%7Borganization%7Bname%7D%7D&operationName=Org",
            Some(GRAPHQL_RESPONSE),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(json_of(&res)["data"]["organization"]["name"], Clinic::NAME);

    let before = app.statements();
    let res = app
        .get(
            "/graphql?query=mutation%7Blogout%7Bok%7D%7D",
            Some("application/json"),
        )
        .await;
    assert_eq!(res.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(header(&res, "allow"), "POST");
    assert_eq!(code(&res), "METHOD_NOT_ALLOWED");
    assert_eq!(app.statements(), before, "refused before any database work");
}

#[tokio::test]
async fn a_post_that_is_not_json_is_refused_which_stops_cross_site_forms() {
    let app = TestApp::empty().await;
    seed_clinic(&app).await;
    let before = app.statements();
    for content_type in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/json; charset=latin1",
    ] {
        let res = post(
            &app,
            &[("content-type", content_type)],
            r#"{"query":"mutation { logout { ok } }"}"#,
        )
        .await;
        assert_eq!(
            res.status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{content_type}"
        );
        assert_eq!(code(&res), "UNSUPPORTED_MEDIA_TYPE");
    }
    let res = post(&app, &[], r#"{"query":"{ organization { name } }"}"#).await;
    assert_eq!(res.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(app.statements(), before);
}

#[tokio::test]
async fn limits_refuse_abusive_documents_before_any_database_work() {
    let app = TestApp::empty().await;
    seed_clinic(&app).await;
    let before = app.statements();
    let refused = |query: String| {
        let app = &app;
        async move {
            let res = post_json(app, GRAPHQL_RESPONSE, json!({ "query": query })).await;
            assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.body);
            code(&res)
        }
    };

    let mut deep = "name".to_owned();
    for level in 0..20 {
        let field = if level % 2 == 0 {
            "services"
        } else {
            "locations"
        };
        deep = format!("{field} {{ {deep} }}");
    }
    let deep = format!("{{ {deep} }}");
    assert_eq!(refused(deep).await, "QUERY_TOO_DEEP");

    // Complexity grows with the page size asked for.
    let fields = "slug fullName firstName lastName credentials title bio bioHtml photoUrl \
        acceptingNewPatients languages locations { name slug } services { name slug } \
        certifications { name status }";
    // Repeated fields merge into one answer, but each counts.
    let fields = [fields; 3].join(" ");
    let big = format!("{{ therapists(first: 100) {{ nodes {{ {fields} }} }} }}");
    let small = format!("{{ therapists(first: 5) {{ nodes {{ {fields} }} }} }}");
    let res = post_json(&app, GRAPHQL_RESPONSE, json!({ "query": small })).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let counted = app.statements();
    assert_eq!(refused(big).await, "QUERY_TOO_COMPLEX");
    assert_eq!(
        app.statements(),
        counted,
        "no statement for a refused document"
    );

    let aliases: String = (0..31)
        .map(|i| format!("a{i}: organization {{ name }} "))
        .collect();
    assert_eq!(
        refused(format!("{{ {aliases} }}")).await,
        "TOO_MANY_ALIASES"
    );
    let directives: String = (0..31)
        .map(|i| format!("n{i}: __typename @include(if: true) "))
        .collect();
    let directives = format!("{{ {directives} }}");
    assert_eq!(
        limited(&app, directives, |e| EdgeArgs {
            max_aliases: 100,
            ..e
        })
        .await,
        "TOO_MANY_DIRECTIVES"
    );
    let tokens = format!("{{ {} }}", "__typename ".repeat(6000));
    assert_eq!(refused(tokens).await, "TOO_MANY_TOKENS");

    let huge = format!(
        r#"{{"query":"{{ organization {{ name }} }}","x":"{}"}}"#,
        "a".repeat(1 << 20)
    );
    let res = post(&app, &[("content-type", "application/json")], huge).await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(code(&res), "PAYLOAD_TOO_LARGE");

    // Only the one good query touched the database.
    assert!(app.statements() - before <= counted - before);
    still_serving(&app).await;
}

/// Posts `query` to a copy of `app` whose limits `change` sets; the error code.
async fn limited(app: &TestApp, query: String, change: impl Fn(EdgeArgs) -> EdgeArgs) -> String {
    let state = clinic_api::AppState::new(
        app.db.clone(),
        Config {
            edge: change(EdgeArgs::default()),
            ..Config::for_tests()
        },
    )
    .await
    .unwrap();
    let router = clinic_api::build_app(state);
    use tower::ServiceExt;
    let res = router
        .oneshot(
            Request::post("/graphql")
                .header("content-type", "application/json")
                .body(Body::from(json!({ "query": query }).to_string()))
                .unwrap(),
        )
        .await
        .unwrap();
    let bytes = http_body_util::BodyExt::collect(res.into_body())
        .await
        .unwrap()
        .to_bytes();
    let json: Value = serde_json::from_slice(&bytes).unwrap();
    json["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn batches_are_off_by_default_and_capped_when_on() {
    let app = TestApp::empty().await;
    seed_clinic(&app).await;
    let one = json!({ "query": "{ organization { name } }" });
    let res = post_json(&app, "application/json", json!([one, one])).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(code(&res), "BATCH_NOT_ALLOWED");

    let app = with_edge(EdgeArgs {
        max_batch: 2,
        ..EdgeArgs::default()
    })
    .await;
    let res = post_json(&app, "application/json", json!([one, one])).await;
    assert_eq!(res.status, StatusCode::OK);
    let answers = json_of(&res);
    assert_eq!(answers.as_array().unwrap().len(), 2);
    assert_eq!(answers[1]["data"]["organization"]["name"], Clinic::NAME);
    let res = post_json(&app, "application/json", json!([one, one, one])).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(code(&res), "TOO_MANY_OPERATIONS");
}

#[tokio::test]
async fn a_request_that_runs_too_long_is_answered_with_timeout() {
    use sea_orm::{ConnectionTrait, DatabaseBackend, TransactionTrait};
    let app = with_edge(EdgeArgs {
        request_timeout_secs: 1,
        ..EdgeArgs::default()
    })
    .await;
    // Another writer holds the table the sign-in writes to.
    let blocker = app.db.begin().await.unwrap();
    let lock = match app.db.get_database_backend() {
        DatabaseBackend::Postgres => "LOCK TABLE login_attempt IN EXCLUSIVE MODE",
        _ => "DELETE FROM login_attempt",
    };
    blocker.execute_unprepared(lock).await.unwrap();
    let res = post_json(
        &app,
        GRAPHQL_RESPONSE,
        json!({ "query": r#"mutation { login(email: "a@example.com", password: "x") { token } }"# }),
    )
    .await;
    assert_eq!(res.status, StatusCode::SERVICE_UNAVAILABLE, "{}", res.body);
    assert_eq!(code(&res), "TIMEOUT");
    blocker.rollback().await.unwrap();
    still_serving(&app).await;
}

#[tokio::test]
async fn production_mode_hides_the_schema_and_its_suggestions() {
    let dev = TestApp::empty().await;
    seed_clinic(&dev).await;
    let res = dev.gql("{ organizaton { name } }", json!({})).await;
    assert!(
        res.errors[0]["message"]
            .as_str()
            .unwrap()
            .contains("Did you mean")
    );
    let res = dev
        .gql("{ __schema { queryType { name } } }", json!({}))
        .await;
    assert_eq!(res.ok()["__schema"]["queryType"]["name"], "Query");

    let prod = TestApp::empty()
        .await
        .with_config(Config {
            introspection: false,
            suggestions: false,
            playground: false,
            ..Config::for_tests()
        })
        .await;
    seed_clinic(&prod).await;
    let res = prod.gql("{ organizaton { name } }", json!({})).await;
    let message = res.errors[0]["message"].as_str().unwrap();
    assert!(!message.contains("Did you mean"), "{message}");
    let res = prod.gql("{ __schema { types { name } } }", json!({})).await;
    assert_eq!(res.data["__schema"], Value::Null, "introspection is off");
    assert!(!res.data.to_string().contains("Therapist"));
    assert_eq!(
        prod.get("/graphiql", Some("text/html")).await.status,
        StatusCode::NOT_FOUND
    );
    still_serving(&prod).await;
}

#[tokio::test]
async fn internal_errors_are_masked_and_carry_the_request_id() {
    let app = TestApp::empty().await;
    seed_clinic(&app).await;
    app.exec("DROP TABLE opening_hours").await;
    let res = post(
        &app,
        &[
            ("content-type", "application/json"),
            ("x-request-id", "trace-me-42"),
        ],
        json!({ "query": "{ locations { name openingHours { opens } } }" }).to_string(),
    )
    .await;
    let body = json_of(&res);
    let error = &body["errors"][0];
    assert_eq!(error["message"], "internal server error");
    assert_eq!(error["extensions"]["code"], "INTERNAL_SERVER_ERROR");
    assert_eq!(error["extensions"]["requestId"], "trace-me-42");
    assert_eq!(header(&res, "x-request-id"), "trace-me-42");
    let text = res.body.to_lowercase();
    for leak in [
        "opening_hours",
        "select",
        "sqlx",
        "sea_orm",
        ".rs",
        "no such table",
        "relation",
    ] {
        assert!(
            !text.contains(leak),
            "the answer leaks {leak:?}: {}",
            res.body
        );
    }
    still_serving(&app).await;
}

#[tokio::test]
async fn cors_admits_only_the_configured_origins_and_every_answer_has_security_headers() {
    let app = with_edge(EdgeArgs {
        cors_allowed_origins: vec!["https://www.ptfirst.example".into()],
        ..EdgeArgs::default()
    })
    .await;
    let preflight = |origin: &'static str| {
        Request::builder()
            .method(Method::OPTIONS)
            .uri("/graphql")
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "content-type, authorization",
            )
            .body(Body::empty())
            .unwrap()
    };
    let res = app.request(preflight("https://www.ptfirst.example")).await;
    assert_eq!(
        header(&res, "access-control-allow-origin"),
        "https://www.ptfirst.example"
    );
    assert!(header(&res, "access-control-allow-headers").contains("authorization"));
    let res = app.request(preflight("https://evil.example")).await;
    assert_eq!(header(&res, "access-control-allow-origin"), "");

    for uri in ["/graphql?query=%7B__typename%7D", "/healthz", "/nowhere"] {
        let res = app.get(uri, Some("application/json")).await;
        assert_eq!(header(&res, "x-content-type-options"), "nosniff", "{uri}");
        assert_eq!(header(&res, "x-frame-options"), "DENY", "{uri}");
        assert_eq!(header(&res, "referrer-policy"), "no-referrer", "{uri}");
        assert!(header(&res, "content-security-policy").contains("frame-ancestors 'none'"));
    }
    // The playground keeps its own policy.
    let res = app.get("/graphiql", Some("text/html")).await;
    assert!(header(&res, "content-security-policy").contains("script-src 'self'"));
}

fn sha256(text: &str) -> String {
    clinic_api::graphql::gate::persisted::hash(text)
}

#[tokio::test]
async fn automatic_persisted_queries_let_clients_send_a_hash() {
    let app = TestApp::empty().await;
    seed_clinic(&app).await;
    let query = "{ organization { name } }";
    let extensions = json!({ "persistedQuery": { "version": 1, "sha256Hash": sha256(query) } });
    let res = post_json(
        &app,
        "application/json",
        json!({ "extensions": extensions }),
    )
    .await;
    assert_eq!(code(&res), "PERSISTED_QUERY_NOT_FOUND");
    let res = post_json(
        &app,
        "application/json",
        json!({ "query": query, "extensions": extensions }),
    )
    .await;
    assert_eq!(json_of(&res)["data"]["organization"]["name"], Clinic::NAME);
    // Now the hash alone will do, also with GET.
    let res = post_json(
        &app,
        "application/json",
        json!({ "extensions": extensions }),
    )
    .await;
    assert_eq!(json_of(&res)["data"]["organization"]["name"], Clinic::NAME);
    let uri = format!(
        "/graphql?extensions={}",
        url_encode(&extensions.to_string())
    );
    let res = app.get(&uri, Some("application/json")).await;
    assert_eq!(json_of(&res)["data"]["organization"]["name"], Clinic::NAME);
    let res = post_json(
        &app,
        "application/json",
        json!({ "query": "{ services { name } }", "extensions": extensions }),
    )
    .await;
    assert_eq!(code(&res), "PERSISTED_QUERY_HASH_MISMATCH");
}

fn url_encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[tokio::test]
async fn with_a_manifest_only_registered_operations_run() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("persisted.json");
    let home = "query Org { organization { name } }";
    std::fs::write(
        &manifest,
        json!({
            "format": "apollo-persisted-query-manifest",
            "version": 1,
            "operations": [{ "id": sha256(home), "name": "Org", "type": "query", "body": home }],
        })
        .to_string(),
    )
    .unwrap();
    let app = with_edge(EdgeArgs {
        persisted_queries: Some(manifest),
        ..EdgeArgs::default()
    })
    .await;
    let by_id =
        json!({ "extensions": { "persistedQuery": { "version": 1, "sha256Hash": sha256(home) } } });
    let res = post_json(&app, GRAPHQL_RESPONSE, by_id).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(json_of(&res)["data"]["organization"]["name"], Clinic::NAME);
    let res = post_json(&app, GRAPHQL_RESPONSE, json!({ "query": home })).await;
    assert_eq!(res.status, StatusCode::OK);
    let before = app.statements();
    let res = post_json(
        &app,
        GRAPHQL_RESPONSE,
        json!({ "query": "{ services { name } }" }),
    )
    .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(code(&res), "PERSISTED_QUERY_NOT_ALLOWED");
    assert_eq!(app.statements(), before);
}

#[tokio::test]
async fn public_answers_are_cacheable_and_private_ones_are_not() {
    let app = TestApp::empty().await;
    seed_clinic(&app).await;
    let cache_control = |res: &HttpResponse| header(res, "cache-control").to_owned();

    let res = app
        .get(
            "/graphql?query=%7Borganization%7Bname%7D%7D",
            Some("application/json"),
        )
        .await;
    assert_eq!(cache_control(&res), "public, max-age=300");
    let etag = header(&res, "etag").to_owned();
    assert!(etag.starts_with('"'), "{etag}");
    let again = app
        .request(
            Request::get("/graphql?query=%7Borganization%7Bname%7D%7D")
                .header("accept", "application/json")
                .header("if-none-match", &etag)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.body.is_empty());
    assert_eq!(header(&again, "etag"), etag);

    // Articles change more often than the clinic's details.
    let res = post_json(
        &app,
        "application/json",
        json!({ "query": "{ organization { name } articles(first: 2) { nodes { title } } }" }),
    )
    .await;
    assert_eq!(cache_control(&res), "public, max-age=60");

    // Anything for staff, about booking requests, or changing something is private.
    let token = app.token_for(Role::Admin).await;
    let bearer = format!("Bearer {token}");
    let res = post(
        &app,
        &[
            ("content-type", "application/json"),
            ("authorization", &bearer),
        ],
        json!({ "query": "{ organization { name } }" }).to_string(),
    )
    .await;
    assert_eq!(cache_control(&res), "private, no-store");
    let res = post_json(
        &app,
        "application/json",
        json!({ "query": r#"{ bookingRequestStatus(reference: "PTF-222222", email: "a@example.com") { status } }"# }),
    )
    .await;
    assert_eq!(cache_control(&res), "private, no-store");
    let res = post_json(
        &app,
        "application/json",
        json!({ "query": r#"mutation { login(email: "a@example.com", password: "wrong password") { token } }"# }),
    )
    .await;
    assert_eq!(cache_control(&res), "private, no-store");
}

#[tokio::test]
async fn bad_input_gets_a_clear_error_and_the_server_keeps_serving() {
    let app = TestApp::empty().await;
    seed_clinic(&app).await;
    let json_post = |body: Vec<u8>| {
        let app = &app;
        async move {
            post(
                app,
                &[
                    ("content-type", "application/json"),
                    ("accept", GRAPHQL_RESPONSE),
                ],
                body,
            )
            .await
        }
    };

    // Malformed JSON, invalid UTF-8, an empty body: 400 with a code.
    for body in [
        br#"{"query": "{ organization { name } }""#.to_vec(),
        b"{\"query\": \"{ organization { name } }\", \"x\": \"\xff\xfe\"}".to_vec(),
        Vec::new(),
        b"[]".to_vec(),
        b"42".to_vec(),
    ] {
        let res = json_post(body.clone()).await;
        assert_eq!(
            res.status,
            StatusCode::BAD_REQUEST,
            "{}",
            String::from_utf8_lossy(&body)
        );
        assert!(!code(&res).is_empty(), "{}", res.body);
    }

    let request = |query: &str, variables: Value, operation: Option<&str>| {
        json!({ "query": query, "variables": variables, "operationName": operation })
            .to_string()
            .into_bytes()
    };
    // A variable of the wrong type.
    let res = json_post(request(
        "query($n: Int) { therapists(first: $n) { totalCount } }",
        json!({ "n": "ten" }),
        None,
    ))
    .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(
        json_of(&res)["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("n")
    );
    // An unknown operation name; several operations and none named.
    let two = "query A { organization { name } } query B { services { name } }";
    let res = json_post(request(two, json!({}), Some("C"))).await;
    assert_eq!(
        (res.status, code(&res)),
        (StatusCode::BAD_REQUEST, "UNKNOWN_OPERATION".into())
    );
    let res = json_post(request(two, json!({}), None)).await;
    assert_eq!(
        (res.status, code(&res)),
        (StatusCode::BAD_REQUEST, "OPERATION_NAME_REQUIRED".into())
    );
    let res = json_post(request(two, json!({}), Some("B"))).await;
    assert_eq!(res.status, StatusCode::OK);
    // A NUL byte, in a variable and in the document.
    let res = json_post(request(
        "query($s: String) { articles(filter: { search: $s }) { totalCount } }",
        json!({ "s": "back\u{0}pain" }),
        None,
    ))
    .await;
    assert_eq!(
        (res.status, code(&res)),
        (StatusCode::BAD_REQUEST, "BAD_USER_INPUT".into())
    );
    let res = json_post(request("{ organization { name } }\u{0}", json!({}), None)).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(code(&res), "GRAPHQL_PARSE_FAILED");
    // A 100,000-character string.
    let long = "x".repeat(100_000);
    let res = json_post(request(
        "query($s: String) { articles(filter: { search: $s }) { totalCount } }",
        json!({ "s": long }),
        None,
    ))
    .await;
    assert_eq!(res.status, StatusCode::OK);
    let body = json_of(&res);
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("at most 200")
    );
    assert!(res.body.len() < 2000, "the error does not echo the input");

    still_serving(&app).await;
    assert_eq!(app.get("/healthz", None).await.status, StatusCode::OK);
}
