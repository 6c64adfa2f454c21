//! `bookingRequestReceived` over WebSocket (graphql-transport-ws), as the
//! front desk's screen follows it: on the instance that stored the request,
//! and on PostgreSQL on another instance of the service too.

use std::net::SocketAddr;
use std::time::Duration;

use clinic_api::auth::Role;
use clinic_api::config::Config;
use serde_json::{Value, json};

use crate::support::bookings::REQUEST;
use crate::support::ws::{Ws, serve};
use crate::support::{Clinic, TestApp, other_instance, seed_clinic};

const SUBSCRIBE: &str = "subscription($includeSpam: Boolean! = false) {
    bookingRequestReceived(includeSpam: $includeSpam) { reference status fullName service { slug } }
}";

/// Signs in over the socket as a new staff member with `role` and subscribes.
async fn subscribe(app: &TestApp, addr: SocketAddr, role: Role) -> Ws {
    subscribe_with(app, addr, role, json!({})).await
}

/// As [`subscribe`], with these variables (`includeSpam`).
async fn subscribe_with(app: &TestApp, addr: SocketAddr, role: Role, variables: Value) -> Ws {
    let token = app.token_for(role).await;
    let mut socket = Ws::signed_in(addr, &token).await;
    socket.subscribe("1", SUBSCRIBE, variables).await;
    socket
}

/// Submits requests through `app` until the subscriber hears of one (the
/// subscription starts listening a moment after `subscribe` is sent), then
/// one more, which it must hear of too. Returns what it heard of the last.
async fn submit_until_heard(app: &TestApp, clinic: &Clinic, socket: &mut Ws) -> (String, Value) {
    let submit = |n: usize| async move {
        let input = clinic.form_with(json!({ "email": format!("patient{n}@example.com") }));
        let res = app.gql(REQUEST, json!({ "input": input })).await;
        res.ok()["requestBooking"]["receipt"]["reference"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let mut heard = false;
    for n in 0..5 {
        submit(n).await;
        if let Some(message) = socket.message(Duration::from_secs(2)).await {
            assert_eq!(message["type"], "next", "{message}");
            heard = true;
            break;
        }
    }
    assert!(heard, "no booking request reached the subscriber");
    let reference = submit(99).await;
    let message = socket
        .message(Duration::from_secs(5))
        .await
        .expect("the next request reaches the subscriber");
    assert_eq!(message["type"], "next", "{message}");
    (
        reference,
        message["payload"]["data"]["bookingRequestReceived"].clone(),
    )
}

#[tokio::test]
async fn the_front_desk_hears_of_each_new_request_as_it_arrives() {
    let app = TestApp::empty().await;
    let clinic = seed_clinic(&app).await;
    let addr = serve(app.state.clone()).await;
    for role in [Role::FrontDesk, Role::Admin] {
        let mut socket = subscribe(&app, addr, role).await;
        let (reference, heard) = submit_until_heard(&app, &clinic, &mut socket).await;
        assert_eq!(heard["reference"], reference);
        assert_eq!(heard["status"], "NEW");
        assert_eq!(heard["fullName"], "Pat Example");
        assert_eq!(heard["service"]["slug"], clinic.service.slug);
    }
}

/// A form with the honeypot filled in: stored, but taken for spam.
fn spam(clinic: &Clinic) -> Value {
    clinic.form_with(json!({ "website": "http://cheap.example", "email": "bot@example.com" }))
}

/// Submits `input` and returns its reference.
async fn submit(app: &TestApp, input: Value) -> Value {
    let res = app.gql(REQUEST, json!({ "input": input })).await;
    res.ok()["requestBooking"]["receipt"]["reference"].clone()
}

#[tokio::test]
async fn requests_taken_for_spam_are_left_out_unless_asked_for() {
    let app = TestApp::empty().await;
    let clinic = seed_clinic(&app).await;
    let addr = serve(app.state.clone()).await;
    let mut socket = subscribe(&app, addr, Role::FrontDesk).await;
    submit_until_heard(&app, &clinic, &mut socket).await;
    submit(&app, spam(&clinic)).await;
    assert_eq!(socket.message(Duration::from_millis(500)).await, None);
    // A real one after it still arrives.
    let reference = submit(&app, clinic.form()).await;
    let message = socket.message(Duration::from_secs(5)).await.unwrap();
    assert_eq!(
        message["payload"]["data"]["bookingRequestReceived"]["reference"],
        reference
    );
}

#[tokio::test]
async fn with_include_spam_requests_taken_for_spam_arrive_too() {
    let app = TestApp::empty().await;
    let clinic = seed_clinic(&app).await;
    let addr = serve(app.state.clone()).await;
    let mut socket =
        subscribe_with(&app, addr, Role::FrontDesk, json!({ "includeSpam": true })).await;
    submit_until_heard(&app, &clinic, &mut socket).await;
    let reference = submit(&app, spam(&clinic)).await;
    let message = socket
        .message(Duration::from_secs(5))
        .await
        .expect("the spam reaches a subscriber who asked for it");
    assert_eq!(message["type"], "next", "{message}");
    let heard = &message["payload"]["data"]["bookingRequestReceived"];
    assert_eq!(heard["reference"], reference);
    assert_eq!(heard["status"], "SPAM");
    // Nothing else came with it.
    assert_eq!(socket.message(Duration::from_millis(200)).await, None);
}

#[tokio::test]
async fn only_front_desk_and_admins_may_subscribe() {
    let app = TestApp::empty().await;
    let addr = serve(app.state.clone()).await;

    // Anonymous: connected, but the subscription is refused.
    let mut socket = Ws::connected(addr, json!({})).await;
    socket.subscribe("1", SUBSCRIBE, json!({})).await;
    let refused = socket.message(Duration::from_secs(5)).await.unwrap();
    assert_eq!(refused["type"], "next", "{refused}");
    assert_eq!(refused["payload"]["data"], Value::Null);
    assert_eq!(
        refused["payload"]["errors"][0]["extensions"]["code"],
        "UNAUTHENTICATED"
    );

    // An editor: signed in, but not allowed.
    let mut socket = subscribe(&app, addr, Role::Editor).await;
    let refused = socket.message(Duration::from_secs(5)).await.unwrap();
    assert_eq!(refused["type"], "next", "{refused}");
    assert_eq!(
        refused["payload"]["errors"][0]["extensions"]["code"],
        "FORBIDDEN"
    );

    // A token that is not valid closes the connection instead of an ack.
    let mut socket = Ws::init(addr, json!({ "Authorization": "Bearer ptf_nonsense" })).await;
    let (code, _) = socket.closed(Duration::from_secs(5)).await.unwrap();
    assert_eq!(code, 4403);
}

/// Two instances of the service on one PostgreSQL database, each with its
/// own connection pool: a request stored through one reaches a subscriber of
/// the other. SQLite has a single process by nature, so this runs only with
/// `TEST_DATABASE_URL`.
#[tokio::test]
async fn on_postgresql_a_request_stored_on_one_instance_reaches_subscribers_of_another() {
    let app = TestApp::empty().await;
    if !app.url.starts_with("postgres") {
        eprintln!("skipped: needs TEST_DATABASE_URL=postgres://…");
        return;
    }
    let clinic = seed_clinic(&app).await;
    let other = other_instance(&app, Config::for_tests()).await;
    let addr = serve(other).await;
    let mut socket = subscribe(&app, addr, Role::FrontDesk).await;
    // `app` writes through its own pool and router: the first instance.
    let (reference, heard) = submit_until_heard(&app, &clinic, &mut socket).await;
    assert_eq!(heard["reference"], reference);
}
