//! The WebSocket at `/graphql` as a client and an attacker meet it: every
//! check the HTTP edge makes, with the same codes and no database work for
//! a refusal; the upgrade's own guards; the protocol's close codes; caps;
//! and the token checked again, so that access ends when it is revoked.

use std::time::Duration;

use axum::http::StatusCode;
use clinic_api::auth::Role;
use clinic_api::config::Config;
use clinic_api::domain::staff;
use clinic_api::events::Events;
use serde_json::{Value, json};

use crate::support::bookings::REQUEST;
use crate::support::bookings::seed_booking;
use crate::support::ws::{self, Frame, Ws, code, following};
use crate::support::{Clinic, TestApp, other_instance, seed_clinic};

const ORG: &str = "{ organization { name } }";
const SUBSCRIBE: &str = "subscription { bookingRequestReceived { reference fullName } }";

/// A small clinic behind a router whose edge `change` sets.
async fn app_with(change: impl FnOnce(&mut Config)) -> TestApp {
    clinic_app_with(change).await.0
}

/// As [`app_with`], with the clinic it holds.
async fn clinic_app_with(change: impl FnOnce(&mut Config)) -> (TestApp, Clinic) {
    let mut config = Config::for_tests();
    change(&mut config);
    // Made before the edge is set: an allow-list would refuse the builders.
    let app = TestApp::empty().await;
    let clinic = seed_clinic(&app).await;
    (app.with_config(config).await, clinic)
}

fn url_encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// A request as a GraphQL client sends it.
struct Case {
    query: String,
    operation: Option<&'static str>,
    variables: Value,
    code: &'static str,
}

fn case(query: &str, code: &'static str) -> Case {
    Case {
        query: query.to_owned(),
        operation: None,
        variables: json!({}),
        code,
    }
}

/// The code of the first error HTTP answers to `case`, by POST and by GET.
async fn over_http(app: &TestApp, case: &Case) -> (String, String) {
    let mut body = json!({ "query": case.query, "variables": case.variables });
    if let Some(name) = case.operation {
        body["operationName"] = name.into();
    }
    let res = app
        .request(
            axum::http::Request::post("/graphql")
                .header("content-type", "application/json")
                .body(axum::body::Body::from(body.to_string()))
                .unwrap(),
        )
        .await;
    let posted: Value = serde_json::from_str(&res.body).unwrap();
    let mut uri = format!(
        "/graphql?query={}&variables={}",
        url_encode(&case.query),
        url_encode(&case.variables.to_string())
    );
    if let Some(name) = case.operation {
        uri.push_str(&format!("&operationName={name}"));
    }
    let got = app.get(&uri, Some("application/json")).await;
    let fetched: Value = serde_json::from_str(&got.body).unwrap();
    (code(&posted).to_owned(), code(&fetched).to_owned())
}

#[tokio::test]
async fn every_check_refuses_alike_over_post_get_and_the_socket_before_any_database_work() {
    let app = app_with(|c| {
        c.edge.max_tokens = 60;
        c.edge.max_aliases = 2;
        c.edge.max_directives = 2;
        c.edge.max_depth = 4;
        c.edge.max_complexity = 40;
    })
    .await;
    let addr = ws::serve(app.state.clone()).await;
    let mut socket = Ws::connected(addr, json!({})).await;
    let cases = [
        case(
            &format!("{{ {} }}", "__typename ".repeat(70)),
            "TOO_MANY_TOKENS",
        ),
        case(
            "{ a: organization { name } b: organization { name } c: organization { name } }",
            "TOO_MANY_ALIASES",
        ),
        case(
            "{ organization @include(if: true) { name @include(if: true) tagline @skip(if: false) } }",
            "TOO_MANY_DIRECTIVES",
        ),
        case(
            "{ services { locations { services { locations { name } } } } }",
            "QUERY_TOO_DEEP",
        ),
        case(
            "{ therapists(first: 50) { nodes { slug } } }",
            "QUERY_TOO_COMPLEX",
        ),
        case(
            r#"{ article(slug: "med\u0000ical") { title } }"#,
            "BAD_USER_INPUT",
        ),
        case(
            r#"{ article(slug: "esc\u001b[2Jape") { title } }"#,
            "BAD_USER_INPUT",
        ),
        Case {
            variables: json!({ "slug": "bell\u{7}" }),
            ..case(
                "query A($slug: String!) { article(slug: $slug) { title } }",
                "BAD_USER_INPUT",
            )
        },
        case(
            "query A { organization { name } } query B { services { slug } }",
            "OPERATION_NAME_REQUIRED",
        ),
        Case {
            operation: Some("C"),
            ..case(
                "query A { organization { name } } query B { services { slug } }",
                "UNKNOWN_OPERATION",
            )
        },
        case("{ organization { name }", "GRAPHQL_PARSE_FAILED"),
        case("{ nosuchfield }", "GRAPHQL_VALIDATION_FAILED"),
    ];
    let before = app.statements();
    for (n, case) in cases.iter().enumerate() {
        let (posted, fetched) = over_http(&app, case).await;
        assert_eq!(posted, case.code, "POST {}", case.query);
        assert_eq!(fetched, case.code, "GET {}", case.query);
        let mut payload = json!({ "query": case.query, "variables": case.variables });
        if let Some(name) = case.operation {
            payload["operationName"] = name.into();
        }
        let id = n.to_string();
        socket
            .send(json!({ "id": id, "type": "subscribe", "payload": payload }))
            .await;
        let refused = socket.message(Duration::from_secs(5)).await.unwrap();
        assert_eq!(refused["type"], "error", "{refused}");
        assert_eq!(refused["id"], id);
        assert_eq!(
            refused["payload"][0]["extensions"]["code"], case.code,
            "socket {}: {refused}",
            case.query
        );
        assert!(
            !refused.to_string().contains("med\\u0000ical")
                && !refused.to_string().contains("bell"),
            "the value is not echoed: {refused}"
        );
    }
    assert_eq!(app.statements(), before, "no refusal reached the database");
    // The socket is still of use.
    let result = socket.run("ok", ORG, json!({})).await;
    assert_eq!(result["data"]["organization"]["name"], Clinic::NAME);
}

#[tokio::test]
async fn queries_and_mutations_run_over_the_socket_and_root_fields_keep_their_order() {
    let app = TestApp::empty().await;
    let clinic = seed_clinic(&app).await;
    let addr = ws::serve(app.state.clone()).await;
    let mut socket = Ws::connected(addr, json!({})).await;
    let result = socket
        .run(
            "1",
            "{ therapists(first: 1) { totalCount } services { slug } organization { name } }",
            json!({}),
        )
        .await;
    assert_eq!(result["data"].as_object().unwrap().len(), 3);
    socket
        .subscribe(
            "ordered",
            "{ therapists(first: 1) { totalCount } services { slug } organization { name } }",
            json!({}),
        )
        .await;
    let text = socket.text(Duration::from_secs(5)).await.unwrap();
    let at = |key: &str| text.find(&format!("\"{key}\"")).unwrap();
    assert!(
        at("therapists") < at("services") && at("services") < at("organization"),
        "{text}"
    );
    socket.message(Duration::from_secs(5)).await; // complete
    // Over the socket as over HTTP, below: in the order asked for, although
    // the schema keeps the clinic's fields before the directory's.
    let raw = app
        .request(
            axum::http::Request::post("/graphql")
                .header("content-type", "application/json")
                .body(axum::body::Body::from(
                    json!({ "query": "{ therapists(first: 1) { totalCount } services { slug } organization { name } }" })
                        .to_string(),
                ))
                .unwrap(),
        )
        .await
        .body;
    let at = |key: &str| raw.find(&format!("\"{key}\"")).unwrap();
    assert!(
        at("therapists") < at("services") && at("services") < at("organization"),
        "{raw}"
    );

    let booked = socket
        .run(
            "2",
            REQUEST,
            json!({ "input": clinic.form_with(json!({ "email": "socket.patient@example.com" })) }),
        )
        .await;
    let reference = booked["data"]["requestBooking"]["receipt"]["reference"]
        .as_str()
        .unwrap_or_else(|| panic!("{booked}"));
    assert!(reference.starts_with("PTF-"));
}

#[tokio::test]
async fn bookings_over_the_socket_count_against_the_client_address() {
    let (app, clinic) = clinic_app_with(|c| {
        c.booking.per_ip = Some(clinic_api::domain::limits::Limit {
            max: 2,
            window: chrono::Duration::hours(1),
        });
    })
    .await;
    let addr = ws::serve(app.state.clone()).await;
    let mut socket = Ws::connected(addr, json!({})).await;
    let mut codes = Vec::new();
    for n in 0..3 {
        let input = clinic.form_with(json!({ "email": format!("p{n}@example.com") }));
        let result = socket
            .run(&n.to_string(), REQUEST, json!({ "input": input }))
            .await;
        codes.push(code(&result).to_owned());
    }
    assert_eq!(codes, ["", "", "RATE_LIMITED"]);
}

#[tokio::test]
async fn persisted_queries_work_and_the_allow_list_holds_over_the_socket() {
    let sha = clinic_api::graphql::gate::persisted::hash;
    let app = TestApp::empty().await;
    seed_clinic(&app).await;
    let addr = ws::serve(app.state.clone()).await;
    let mut socket = Ws::connected(addr, json!({})).await;
    let ask = |id: &str, query: Option<&str>, hash: String| {
        let mut payload =
            json!({ "extensions": { "persistedQuery": { "version": 1, "sha256Hash": hash } } });
        if let Some(query) = query {
            payload["query"] = query.into();
        }
        json!({ "id": id, "type": "subscribe", "payload": payload })
    };
    socket.send(ask("1", None, sha(ORG))).await;
    let unknown = socket.message(Duration::from_secs(5)).await.unwrap();
    assert_eq!(
        unknown["payload"][0]["extensions"]["code"],
        "PERSISTED_QUERY_NOT_FOUND"
    );
    socket.send(ask("2", Some(ORG), sha(ORG))).await;
    let ran = socket.message(Duration::from_secs(5)).await.unwrap();
    assert_eq!(ran["payload"]["data"]["organization"]["name"], Clinic::NAME);
    socket.message(Duration::from_secs(5)).await; // complete
    socket.send(ask("3", None, sha(ORG))).await;
    let by_hash = socket.message(Duration::from_secs(5)).await.unwrap();
    assert_eq!(
        by_hash["payload"]["data"]["organization"]["name"],
        Clinic::NAME
    );
    socket.message(Duration::from_secs(5)).await;
    // A document that does not validate is not kept for its hash.
    let bad = "{ nosuchfield }";
    socket.send(ask("4", Some(bad), sha(bad))).await;
    let invalid = socket.message(Duration::from_secs(5)).await.unwrap();
    assert_eq!(
        invalid["payload"][0]["extensions"]["code"],
        "GRAPHQL_VALIDATION_FAILED"
    );
    socket.send(ask("5", None, sha(bad))).await;
    let forgotten = socket.message(Duration::from_secs(5)).await.unwrap();
    assert_eq!(
        forgotten["payload"][0]["extensions"]["code"],
        "PERSISTED_QUERY_NOT_FOUND"
    );

    // With a manifest, only its operations run, signing in included.
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("persisted.json");
    std::fs::write(
        &manifest,
        json!({
            "format": "apollo-persisted-query-manifest", "version": 1,
            "operations": [{ "id": sha(ORG), "name": "Org", "type": "query", "body": ORG }],
        })
        .to_string(),
    )
    .unwrap();
    let listed = app_with(|c| c.edge.persisted_queries = Some(manifest)).await;
    let addr = ws::serve(listed.state.clone()).await;
    let mut socket = Ws::connected(addr, json!({})).await;
    let before = listed.statements();
    for (id, query) in [
        ("1", "{ services { slug } }"),
        (
            "2",
            r#"mutation { login(email: "a@example.com", password: "whatever it is") { token } }"#,
        ),
    ] {
        let result = socket.run(id, query, json!({})).await;
        assert_eq!(code(&result), "PERSISTED_QUERY_NOT_ALLOWED", "{query}");
    }
    assert_eq!(listed.statements(), before);
    let result = socket.run("3", ORG, json!({})).await;
    assert_eq!(result["data"]["organization"]["name"], Clinic::NAME);
}

#[tokio::test]
async fn an_operation_that_runs_too_long_is_refused_with_timeout_over_the_socket() {
    use sea_orm::{ConnectionTrait, DatabaseBackend, TransactionTrait};
    let app = app_with(|c| c.edge.request_timeout_secs = 1).await;
    let addr = ws::serve(app.state.clone()).await;
    let mut socket = Ws::connected(addr, json!({})).await;
    let blocker = app.db.begin().await.unwrap();
    let lock = match app.db.get_database_backend() {
        DatabaseBackend::Postgres => "LOCK TABLE login_attempt IN EXCLUSIVE MODE",
        _ => "DELETE FROM login_attempt",
    };
    blocker.execute_unprepared(lock).await.unwrap();
    let result = socket
        .run(
            "1",
            r#"mutation { login(email: "a@example.com", password: "whatever it is") { token } }"#,
            json!({}),
        )
        .await;
    assert_eq!(code(&result), "TIMEOUT", "{result}");
    blocker.rollback().await.unwrap();
    let result = socket.run("2", ORG, json!({})).await;
    assert_eq!(result["data"]["organization"]["name"], Clinic::NAME);
}

#[tokio::test]
async fn only_the_servers_own_pages_and_the_allowed_origins_may_open_a_socket() {
    let app =
        app_with(|c| c.edge.cors_allowed_origins = vec!["https://www.clinic.example".into()]).await;
    let addr = ws::serve(app.state.clone()).await;
    let refused = Ws::open_with(addr, &[("origin", "https://evil.example")]).await;
    assert_eq!(refused.err(), Some(403));
    let refused = Ws::open_with(addr, &[("origin", "null")]).await;
    assert_eq!(refused.err(), Some(403));
    for origin in ["https://www.clinic.example", &format!("http://{addr}")] {
        let mut socket = Ws::open_with(addr, &[("origin", origin)])
            .await
            .expect(origin);
        socket.send(json!({ "type": "connection_init" })).await;
        let ack = socket.message(Duration::from_secs(5)).await.unwrap();
        assert_eq!(ack["type"], "connection_ack", "{origin}");
    }
    // Not a browser: no origin to check.
    Ws::connected(addr, json!({})).await;
}

#[tokio::test]
async fn the_protocol_is_enforced_with_its_close_codes() {
    let app = app_with(|c| c.edge.ws_init_timeout_secs = 1).await;
    let addr = ws::serve(app.state.clone()).await;
    let wait = Duration::from_secs(5);

    // Silent after the upgrade: closed once the time for connection_init is up.
    let mut silent = Ws::open(addr).await;
    let started = std::time::Instant::now();
    assert_eq!(silent.closed(wait).await.map(|c| c.0), Some(4408));
    assert!(started.elapsed() < Duration::from_secs(3));

    let mut early = Ws::open(addr).await;
    early.subscribe("1", ORG, json!({})).await;
    assert_eq!(early.closed(wait).await.map(|c| c.0), Some(4401));

    let mut garbled = Ws::open(addr).await;
    garbled
        .send_raw(tokio_tungstenite::tungstenite::Message::Text(
            "{not json".into(),
        ))
        .await;
    assert_eq!(garbled.closed(wait).await.map(|c| c.0), Some(4400));

    let mut unknown = Ws::connected(addr, json!({})).await;
    unknown.send(json!({ "type": "start", "id": "1" })).await;
    assert_eq!(unknown.closed(wait).await.map(|c| c.0), Some(4400));

    let mut binary = Ws::connected(addr, json!({})).await;
    binary
        .send_raw(tokio_tungstenite::tungstenite::Message::Binary(
            vec![1, 2].into(),
        ))
        .await;
    assert_eq!(binary.closed(wait).await.map(|c| c.0), Some(4400));

    let mut twice = Ws::connected(addr, json!({})).await;
    twice.send(json!({ "type": "connection_init" })).await;
    assert_eq!(twice.closed(wait).await.map(|c| c.0), Some(4429));

    let token = app.token_for(Role::FrontDesk).await;
    let mut duplicate = Ws::signed_in(addr, &token).await;
    duplicate.subscribe("same", SUBSCRIBE, json!({})).await;
    duplicate.subscribe("same", SUBSCRIBE, json!({})).await;
    assert_eq!(duplicate.closed(wait).await.map(|c| c.0), Some(4409));

    let mut forged = Ws::init(
        addr,
        json!({ "Authorization": format!("Bearer ptf_{}", "A".repeat(43)) }),
    )
    .await;
    let (code, reason) = forged.closed(wait).await.unwrap();
    assert_eq!(code, 4403);
    assert!(reason.contains("not known"), "{reason}");

    // Pings are answered at any time.
    let mut pinging = Ws::connected(addr, json!({})).await;
    pinging
        .send(json!({ "type": "ping", "payload": { "n": 1 } }))
        .await;
    let pong = pinging.message(wait).await.unwrap();
    assert_eq!(pong, json!({ "type": "pong", "payload": { "n": 1 } }));
}

#[tokio::test]
async fn a_message_larger_than_the_body_limit_closes_the_socket_unread() {
    let app = app_with(|c| c.edge.max_body_bytes = 4096).await;
    let addr = ws::serve(app.state.clone()).await;
    let mut socket = Ws::connected(addr, json!({})).await;
    let padding = "x".repeat(64 * 1024);
    socket
        .subscribe(
            "1",
            &format!("{{ organization {{ name }} }} # {padding}"),
            json!({}),
        )
        .await;
    assert_eq!(
        socket.closed(Duration::from_secs(5)).await.map(|c| c.0),
        Some(1009)
    );
    // The server is unharmed.
    let mut next = Ws::connected(addr, json!({})).await;
    let result = next.run("1", ORG, json!({})).await;
    assert_eq!(result["data"]["organization"]["name"], Clinic::NAME);
}

#[tokio::test]
async fn sockets_per_address_and_operations_per_socket_are_capped() {
    let app = app_with(|c| {
        c.edge.ws_max_per_address = 2;
        c.edge.ws_max_subscriptions = 2;
    })
    .await;
    let addr = ws::serve(app.state.clone()).await;
    let token = app.token_for(Role::FrontDesk).await;
    let mut first = Ws::signed_in(addr, &token).await;
    let _second = Ws::connected(addr, json!({})).await;
    let mut third = Ws::open(addr).await;
    assert_eq!(
        third.closed(Duration::from_secs(5)).await.map(|c| c.0),
        Some(1013)
    );

    first.subscribe("a", SUBSCRIBE, json!({})).await;
    first.subscribe("b", SUBSCRIBE, json!({})).await;
    first.subscribe("c", SUBSCRIBE, json!({})).await;
    let refused = first.message(Duration::from_secs(5)).await.unwrap();
    assert_eq!(refused["id"], "c");
    assert_eq!(
        refused["payload"][0]["extensions"]["code"],
        "TOO_MANY_SUBSCRIPTIONS"
    );
    // Completing one makes room.
    first.send(json!({ "id": "a", "type": "complete" })).await;
    first.subscribe("d", SUBSCRIBE, json!({})).await;
    assert_eq!(
        first.message(Duration::from_millis(500)).await,
        None,
        "d runs"
    );

    // Closing a socket gives its place back.
    drop(first);
    let mut again = None;
    for _ in 0..20 {
        let mut socket = Ws::open(addr).await;
        socket.send(json!({ "type": "connection_init" })).await;
        if socket.message(Duration::from_secs(2)).await.is_some() {
            again = Some(socket);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(again.is_some(), "a place was freed");
}

#[tokio::test]
async fn keep_alive_pings_go_out_and_a_socket_that_never_answers_is_closed() {
    let app = app_with(|c| c.edge.ws_keepalive_secs = 1).await;
    let addr = ws::serve(app.state.clone()).await;
    let mut socket = Ws::connected(addr, json!({})).await;
    assert_eq!(
        socket.frame(Duration::from_secs(3)).await,
        Some(Frame::Ping)
    );
    // A client that reads nothing answers no ping.
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert_eq!(
        socket.closed(Duration::from_secs(5)).await.map(|c| c.0),
        Some(1001)
    );
}

/// Waits for the socket to close with 4403, and checks that no booking
/// reached it meanwhile.
async fn closed_forbidden(socket: &mut Ws, within: Duration) -> String {
    let until = tokio::time::Instant::now() + within;
    loop {
        let left = until.saturating_duration_since(tokio::time::Instant::now());
        match socket.frame(left).await {
            Some(Frame::Closed(4403, reason)) => return reason,
            Some(Frame::Message(message)) => {
                assert!(
                    message["payload"]["data"]["bookingRequestReceived"].is_null(),
                    "a booking reached a socket whose access had ended: {message}"
                );
            }
            Some(Frame::Ping) => {}
            other => panic!("expected a close with 4403 within {within:?}, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn logging_out_closes_the_sessions_sockets_at_once() {
    let app = TestApp::empty().await;
    let clinic = seed_clinic(&app).await;
    let addr = ws::serve(app.state.clone()).await;
    let session = app.session_for(Role::FrontDesk).await;
    let mut socket = following(addr, &session).await;
    let reference = seed_booking(&app, &clinic, 1).await;
    let heard = socket.message(Duration::from_secs(5)).await.unwrap();
    assert_eq!(
        heard["payload"]["data"]["bookingRequestReceived"]["reference"],
        reference
    );

    let res = app
        .gql_as(&session, "mutation { logout { ok } }", json!({}))
        .await;
    assert_eq!(res.ok()["logout"]["ok"], true);
    seed_booking(&app, &clinic, 2).await;
    let reason = closed_forbidden(&mut socket, Duration::from_secs(1)).await;
    assert!(reason.contains("revoked"), "{reason}");
}

#[tokio::test]
async fn revoking_a_token_or_disabling_the_account_from_the_command_line_closes_its_sockets() {
    let app = TestApp::empty().await;
    seed_clinic(&app).await;
    let addr = ws::serve(app.state.clone()).await;
    // As `clinic-api token revoke` and `staff disable` do it: from another
    // process, whose news reaches running servers on PostgreSQL at once; on
    // SQLite a socket finds out within a second by checking.
    let command = Events::publisher(&app.db);
    let within = Duration::from_millis(2500);

    let token = app.token_for(Role::FrontDesk).await;
    let mut socket = following(addr, &token).await;
    let id = token_id(&app, &token).await;
    assert!(staff::revoke_token(&app.db, &command, id).await.unwrap());
    let reason = closed_forbidden(&mut socket, within).await;
    assert!(reason.contains("revoked"), "{reason}");

    let token = app.token_for(Role::FrontDesk).await;
    let mut socket = following(addr, &token).await;
    let email = email_of(&app, &token).await;
    staff::disable(&app.db, &command, &email).await.unwrap();
    let reason = closed_forbidden(&mut socket, within).await;
    assert!(
        reason.contains("revoked") || reason.contains("disabled"),
        "{reason}"
    );
}

async fn token_id(app: &TestApp, token: &str) -> i32 {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    entity::api_token::Entity::find()
        .filter(entity::api_token::Column::TokenHash.eq(clinic_api::auth::tokens::hash(token)))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .id
}

async fn email_of(app: &TestApp, token: &str) -> String {
    let res = app.gql_as(token, "{ viewer { email } }", json!({})).await;
    res.ok()["viewer"]["email"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_socket_closes_when_its_token_expires() {
    let app = TestApp::empty().await;
    seed_clinic(&app).await;
    let addr = ws::serve(app.state.clone()).await;
    let token = app.token_for(Role::FrontDesk).await;
    let id = token_id(&app, &token).await;
    let soon = chrono::Utc::now() + chrono::Duration::seconds(2);
    app.exec(&format!(
        "UPDATE api_token SET expires_at = '{}' WHERE id = {id}",
        soon.format("%Y-%m-%d %H:%M:%S%.6f+00:00")
    ))
    .await;
    let mut socket = following(addr, &token).await;
    let started = std::time::Instant::now();
    let reason = closed_forbidden(&mut socket, Duration::from_secs(5)).await;
    assert!(reason.contains("expired"), "{reason}");
    assert!(started.elapsed() >= Duration::from_millis(500));
}

#[tokio::test]
async fn every_operation_checks_the_token_again_and_a_role_change_ends_the_socket() {
    let app = TestApp::empty().await;
    seed_clinic(&app).await;
    let addr = ws::serve(app.state.clone()).await;

    // Revoked behind the API's back (nothing announced): the next
    // operation on the socket finds out.
    let token = app.token_for(Role::FrontDesk).await;
    let mut socket = Ws::signed_in(addr, &token).await;
    let id = token_id(&app, &token).await;
    app.exec(&format!(
        "UPDATE api_token SET revoked_at = CURRENT_TIMESTAMP WHERE id = {id}"
    ))
    .await;
    socket
        .subscribe(
            "1",
            "{ bookingRequests(first: 5) { nodes { fullName } } }",
            json!({}),
        )
        .await;
    closed_forbidden(&mut socket, Duration::from_secs(5)).await;

    let token = app.token_for(Role::FrontDesk).await;
    let mut socket = Ws::signed_in(addr, &token).await;
    let email = email_of(&app, &token).await;
    app.exec(&format!(
        "UPDATE staff SET role = 'EDITOR' WHERE email = '{email}'"
    ))
    .await;
    socket.subscribe("1", ORG, json!({})).await;
    let reason = closed_forbidden(&mut socket, Duration::from_secs(5)).await;
    assert!(reason.contains("role"), "{reason}");
}

#[tokio::test]
async fn a_subscription_delivers_nothing_once_access_has_ended_even_unannounced() {
    let app = TestApp::empty().await;
    let clinic = seed_clinic(&app).await;
    let addr = ws::serve(app.state.clone()).await;
    let token = app.token_for(Role::FrontDesk).await;
    let mut socket = following(addr, &token).await;
    let id = token_id(&app, &token).await;
    app.exec(&format!(
        "UPDATE api_token SET revoked_at = CURRENT_TIMESTAMP WHERE id = {id}"
    ))
    .await;
    seed_booking(&app, &clinic, 7).await;
    // Either the subscription ends with an error before the booking, or the
    // socket closes: no booking comes out.
    let until = tokio::time::Instant::now() + Duration::from_secs(3);
    loop {
        let left = until.saturating_duration_since(tokio::time::Instant::now());
        match socket.frame(left).await {
            None | Some(Frame::Closed(..)) => break,
            Some(Frame::Ping) => {}
            Some(Frame::Message(message)) => {
                assert!(
                    message["payload"]["data"]["bookingRequestReceived"].is_null(),
                    "{message}"
                );
                if message["type"] == "next" {
                    assert_eq!(
                        message["payload"]["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
                        "{message}"
                    );
                }
            }
        }
    }
}

#[tokio::test]
async fn a_staff_write_over_the_socket_is_seen_by_the_next_anonymous_query() {
    let app = TestApp::empty().await;
    seed_clinic(&app).await;
    let addr = ws::serve(app.state.clone()).await;
    let before = app.gql(ORG, json!({})).await;
    assert_eq!(before.ok()["organization"]["name"], Clinic::NAME);
    // Kept in the response cache now.
    let cached = app.statements();
    app.gql(ORG, json!({})).await.ok();
    assert_eq!(app.statements(), cached);

    let admin = app.token_for(Role::Admin).await;
    let mut socket = Ws::signed_in(addr, &admin).await;
    let result = socket
        .run(
            "1",
            r#"mutation { updateOrganization(input: { name: "Lakeview Physio West" }) { userErrors { message } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        result["data"]["updateOrganization"]["userErrors"],
        json!([]),
        "{result}"
    );
    let after = app.gql(ORG, json!({})).await;
    assert_eq!(after.ok()["organization"]["name"], "Lakeview Physio West");
}

#[tokio::test]
async fn a_refused_upgrade_is_told_in_json() {
    let app = TestApp::empty().await;
    seed_clinic(&app).await;
    let res = app
        .request(
            axum::http::Request::get("/graphql")
                .header("upgrade", "websocket")
                .header("connection", "upgrade")
                .header("sec-websocket-version", "13")
                .header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==")
                .header("sec-websocket-protocol", "graphql-ws")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.body.contains("UNSUPPORTED_PROTOCOL"), "{}", res.body);
}

/// Two instances on one PostgreSQL database: logging out on one closes the
/// session's sockets on the other within a second.
#[tokio::test]
async fn on_postgresql_a_logout_on_one_instance_closes_sockets_on_another() {
    let app = TestApp::empty().await;
    seed_clinic(&app).await;
    if !app.url.starts_with("postgres") {
        eprintln!("skipped: needs TEST_DATABASE_URL=postgres://…");
        return;
    }
    let other = other_instance(&app, Config::for_tests()).await;
    let addr = ws::serve(other).await;
    let session = app.session_for(Role::FrontDesk).await;
    let mut socket = following(addr, &session).await;
    app.gql_as(&session, "mutation { logout { ok } }", json!({}))
        .await
        .ok();
    closed_forbidden(&mut socket, Duration::from_secs(1)).await;
}

#[tokio::test]
async fn production_mode_and_masked_errors_hold_over_the_socket() {
    let (app, clinic) = clinic_app_with(|c| {
        c.introspection = false;
        c.suggestions = false;
    })
    .await;
    let addr = ws::serve(app.state.clone()).await;
    let mut socket = Ws::connected(addr, json!({})).await;
    let schema = socket
        .run("1", "{ __schema { types { name } } }", json!({}))
        .await;
    assert!(schema["data"]["__schema"].is_null(), "{schema}");
    assert!(!schema.to_string().contains("\"Query\""), "{schema}");
    let typo = socket.run("2", "{ organizaton { name } }", json!({})).await;
    assert!(!typo.to_string().contains("Did you mean"), "{typo}");

    // A database error (an operator's trigger refuses the row) is masked,
    // with the request id that the log line carries.
    let trigger = match app.db.get_database_backend() {
        sea_orm::DatabaseBackend::Postgres => vec![
            "CREATE FUNCTION no_zelda() RETURNS trigger AS $$ BEGIN \
             IF NEW.full_name = 'Zelda Quartermaine' THEN RAISE EXCEPTION 'refused %', NEW.full_name; END IF; \
             RETURN NEW; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER no_zelda BEFORE INSERT ON booking_request FOR EACH ROW EXECUTE FUNCTION no_zelda()",
        ],
        _ => vec![
            "CREATE TRIGGER no_zelda BEFORE INSERT ON booking_request \
             WHEN NEW.full_name = 'Zelda Quartermaine' BEGIN SELECT RAISE(ABORT, 'refused'); END",
        ],
    };
    for sql in trigger {
        app.exec(sql).await;
    }
    let input =
        clinic.form_with(json!({ "fullName": "Zelda Quartermaine", "email": "zelda@example.com" }));
    let failed = socket.run("3", REQUEST, json!({ "input": input })).await;
    let error = &failed["errors"][0];
    assert_eq!(
        error["extensions"]["code"], "INTERNAL_SERVER_ERROR",
        "{failed}"
    );
    assert_eq!(error["message"], "internal server error");
    assert!(
        error["extensions"]["requestId"]
            .as_str()
            .is_some_and(|id| !id.is_empty() && id != "unknown"),
        "{failed}"
    );
    assert!(!failed.to_string().contains("Zelda"), "{failed}");
}

#[tokio::test]
async fn a_deeply_nested_document_is_refused_everywhere_and_the_server_stays_up() {
    let app = TestApp::empty().await;
    seed_clinic(&app).await;
    let addr = ws::serve(app.state.clone()).await;
    let mut socket = Ws::connected(addr, json!({})).await;
    // Deep enough to overflow the parser's stack if it ever saw it.
    let list = format!(
        "{{ article(slug: {}\"x\"{}) {{ title }} }}",
        "[".repeat(1600),
        "]".repeat(1600)
    );
    let deep = case(&list, "QUERY_TOO_DEEP");
    let (posted, fetched) = over_http(&app, &deep).await;
    assert_eq!(
        (posted.as_str(), fetched.as_str()),
        ("QUERY_TOO_DEEP", "QUERY_TOO_DEEP")
    );
    let refused = socket.run("1", &list, json!({})).await;
    assert_eq!(code(&refused), "QUERY_TOO_DEEP", "{refused}");
    let result = socket.run("2", ORG, json!({})).await;
    assert_eq!(result["data"]["organization"]["name"], Clinic::NAME);
}

#[tokio::test]
async fn the_instance_holds_at_most_its_sockets_in_all() {
    let app = app_with(|c| c.edge.ws_max_connections = 2).await;
    let addr = ws::serve(app.state.clone()).await;
    let _first = Ws::connected(addr, json!({})).await;
    let _second = Ws::connected(addr, json!({})).await;
    let mut third = Ws::open(addr).await;
    assert_eq!(
        third.closed(Duration::from_secs(5)).await.map(|c| c.0),
        Some(1013)
    );
}

#[tokio::test]
async fn an_answer_carries_at_most_fifty_errors_and_a_failed_root_field_is_null() {
    let app = TestApp::empty().await;
    seed_clinic(&app).await;
    let addr = ws::serve(app.state.clone()).await;
    let mut socket = Ws::connected(addr, json!({})).await;
    let fields: String = (0..200).map(|n| format!("nosuchfield{n} ")).collect();
    let many = format!("{{ {fields} }}");
    let refused = socket.run("1", &many, json!({})).await;
    let errors = refused["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 51, "{refused}");
    assert_eq!(errors[50]["extensions"]["code"], "TOO_MANY_ERRORS");
    assert!(
        errors[50]["message"]
            .as_str()
            .unwrap()
            .starts_with("150 more")
    );
    let over_http = app.gql(&many, json!({})).await;
    assert_eq!(over_http.errors.len(), 51);

    let query = r#"{ organization { name } bookingRequest(id: "00000000-0000-0000-0000-000000000000") { reference } }"#;
    for result in [socket.run("2", query, json!({})).await, {
        let res = app.gql(query, json!({})).await;
        json!({ "data": res.data, "errors": res.errors })
    }] {
        let data = result["data"].as_object().expect("data");
        assert_eq!(data.get("bookingRequest"), Some(&Value::Null), "{result}");
        assert_eq!(code(&result), "UNAUTHENTICATED");
    }
}
