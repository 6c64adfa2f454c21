//! `bookingRequestReceived` over WebSocket (graphql-transport-ws), as the
//! front desk's screen follows it: on the instance that stored the request,
//! and on PostgreSQL on another instance of the service too.

use std::net::SocketAddr;
use std::time::Duration;

use clinic_api::auth::Role;
use clinic_api::config::{Config, DbConfig};
use clinic_api::{AppState, build_app};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio::time::timeout;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::bookings::{REQUEST, input_with, valid_input};
use crate::helpers::TestApp;

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

const SUBSCRIBE: &str =
    "subscription { bookingRequestReceived { reference status fullName service { slug } } }";

/// Serves `state` on a free local port, as `clinic-api serve` would.
async fn serve(state: AppState) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = build_app(state).into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr
}

/// A WebSocket on `/graphql` that has sent `connection_init` with `payload`.
async fn connect(addr: SocketAddr, payload: Value) -> Socket {
    let mut request = format!("ws://{addr}/graphql")
        .into_client_request()
        .unwrap();
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    let (mut socket, response) = tokio_tungstenite::connect_async(request)
        .await
        .expect("WebSocket upgrade");
    assert_eq!(
        response.headers()["sec-websocket-protocol"],
        "graphql-transport-ws"
    );
    send(
        &mut socket,
        json!({ "type": "connection_init", "payload": payload }),
    )
    .await;
    socket
}

async fn send(socket: &mut Socket, message: Value) {
    socket
        .send(Message::Text(message.to_string().into()))
        .await
        .unwrap();
}

/// The next JSON message, or `None` if none comes within `wait` (or the socket closed).
async fn receive(socket: &mut Socket, wait: Duration) -> Option<Value> {
    loop {
        match timeout(wait, socket.next()).await {
            Ok(Some(Ok(Message::Text(text)))) => return Some(serde_json::from_str(&text).unwrap()),
            Ok(Some(Ok(Message::Ping(_) | Message::Pong(_)))) => continue,
            _ => return None,
        }
    }
}

/// Signs in over the socket as a new staff member with `role` and subscribes.
async fn subscribe(app: &TestApp, addr: SocketAddr, role: Role) -> Socket {
    let token = app.token_for(role).await;
    let mut socket = connect(addr, json!({ "Authorization": format!("Bearer {token}") })).await;
    let ack = receive(&mut socket, Duration::from_secs(5)).await;
    assert_eq!(ack.unwrap()["type"], "connection_ack");
    send(
        &mut socket,
        json!({ "id": "1", "type": "subscribe", "payload": { "query": SUBSCRIBE } }),
    )
    .await;
    socket
}

/// Submits requests through `app` until the subscriber hears of one (the
/// subscription starts listening a moment after `subscribe` is sent), then
/// one more, which it must hear of too. Returns what it heard of the last.
async fn submit_until_heard(app: &TestApp, socket: &mut Socket) -> (String, Value) {
    let submit = |n: usize| async move {
        let input = input_with(json!({ "email": format!("patient{n}@example.com") }));
        let res = app.gql(REQUEST, json!({ "input": input })).await;
        res.ok()["requestBooking"]["receipt"]["reference"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let mut heard = false;
    for n in 0..5 {
        submit(n).await;
        if let Some(message) = receive(socket, Duration::from_secs(2)).await {
            assert_eq!(message["type"], "next", "{message}");
            heard = true;
            break;
        }
    }
    assert!(heard, "no booking request reached the subscriber");
    let reference = submit(99).await;
    let message = receive(socket, Duration::from_secs(5))
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
    let app = TestApp::with_demo().await;
    let addr = serve(app.state.clone()).await;
    for role in [Role::FrontDesk, Role::Admin] {
        let mut socket = subscribe(&app, addr, role).await;
        let (reference, heard) = submit_until_heard(&app, &mut socket).await;
        assert_eq!(heard["reference"], reference);
        assert_eq!(heard["status"], "NEW");
        assert_eq!(heard["fullName"], "Pat Example");
        assert_eq!(heard["service"]["slug"], "medical-massage");
    }
}

#[tokio::test]
async fn requests_taken_for_spam_are_left_out_unless_asked_for() {
    let app = TestApp::with_demo().await;
    let addr = serve(app.state.clone()).await;
    let mut socket = subscribe(&app, addr, Role::FrontDesk).await;
    submit_until_heard(&app, &mut socket).await;
    let spam = input_with(json!({ "website": "http://cheap.example", "email": "bot@example.com" }));
    app.gql(REQUEST, json!({ "input": spam })).await.ok();
    assert_eq!(receive(&mut socket, Duration::from_millis(500)).await, None);
    // A real one after it still arrives.
    let res = app.gql(REQUEST, json!({ "input": valid_input() })).await;
    let reference = res.ok()["requestBooking"]["receipt"]["reference"].clone();
    let message = receive(&mut socket, Duration::from_secs(5)).await.unwrap();
    assert_eq!(
        message["payload"]["data"]["bookingRequestReceived"]["reference"],
        reference
    );
}

#[tokio::test]
async fn only_front_desk_and_admins_may_subscribe() {
    let app = TestApp::with_demo().await;
    let addr = serve(app.state.clone()).await;

    // Anonymous: connected, but the subscription is refused.
    let mut socket = connect(addr, json!({})).await;
    assert_eq!(
        receive(&mut socket, Duration::from_secs(5)).await.unwrap()["type"],
        "connection_ack"
    );
    send(
        &mut socket,
        json!({ "id": "1", "type": "subscribe", "payload": { "query": SUBSCRIBE } }),
    )
    .await;
    let refused = receive(&mut socket, Duration::from_secs(5)).await.unwrap();
    assert_eq!(refused["type"], "next", "{refused}");
    assert_eq!(refused["payload"]["data"], Value::Null);
    assert_eq!(
        refused["payload"]["errors"][0]["extensions"]["code"],
        "UNAUTHENTICATED"
    );

    // An editor: signed in, but not allowed.
    let mut socket = subscribe(&app, addr, Role::Editor).await;
    let refused = receive(&mut socket, Duration::from_secs(5)).await.unwrap();
    assert_eq!(refused["type"], "next", "{refused}");
    assert_eq!(
        refused["payload"]["errors"][0]["extensions"]["code"],
        "FORBIDDEN"
    );

    // A token that is not valid closes the connection instead of an ack.
    let mut socket = connect(addr, json!({ "Authorization": "Bearer ptf_nonsense" })).await;
    let answer = timeout(Duration::from_secs(5), socket.next())
        .await
        .unwrap();
    assert!(
        matches!(answer, Some(Ok(Message::Close(_))) | None | Some(Err(_))),
        "{answer:?}"
    );
}

/// Two instances of the service on one PostgreSQL database, each with its
/// own connection pool: a request stored through one reaches a subscriber of
/// the other. SQLite has a single process by nature, so this runs only with
/// `TEST_DATABASE_URL`.
#[tokio::test]
async fn on_postgresql_a_request_stored_on_one_instance_reaches_subscribers_of_another() {
    let app = TestApp::with_demo().await;
    if !app.url.starts_with("postgres") {
        eprintln!("skipped: needs TEST_DATABASE_URL=postgres://…");
        return;
    }
    let other_pool = clinic_api::db::connect(&DbConfig {
        database_url: app.url.clone(),
        database_max_connections: 4,
    })
    .await
    .unwrap();
    let other = AppState::new(other_pool, Config::for_tests())
        .await
        .unwrap();
    let addr = serve(other).await;
    let mut socket = subscribe(&app, addr, Role::FrontDesk).await;
    // `app` writes through its own pool and router: the first instance.
    let (reference, heard) = submit_until_heard(&app, &mut socket).await;
    assert_eq!(heard["reference"], reference);
}
