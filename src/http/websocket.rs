//! `/graphql` over WebSocket, in the graphql-transport-ws protocol: what
//! staff screens follow live, and any query or mutation a client prefers to
//! send this way.
//!
//! The socket is a second door into the same house, so it passes the same
//! checks as HTTP: every operation goes through the gate
//! ([`crate::graphql::gate`]) with the same codes, carries the client's
//! address and the upgrade's request id, and is run for the staff member
//! as the database knows them at that moment (the token is checked again
//! for every operation). Beyond that, the socket guards itself:
//!
//! - The upgrade is refused (403) to a browser page of an origin that is not
//!   the server's own nor in `CORS_ALLOWED_ORIGINS`, so no other site can
//!   make its visitors' browsers use the API; a message longer than
//!   `MAX_BODY_BYTES` closes the socket (1009) before it is read whole.
//! - `connection_init` must come within `WS_INIT_TIMEOUT_SECONDS` (else
//!   4408); a bad token there closes with 4403; an operation before the
//!   acknowledgement with 4401; a malformed message with 4400; a second
//!   `connection_init` with 4429; an id in use with 4409.
//! - The instance holds at most `WS_MAX_CONNECTIONS` sockets, and a client
//!   address at most `WS_MAX_PER_ADDRESS` (beyond them 1013, try again
//!   later); each socket runs at most
//!   `WS_MAX_SUBSCRIPTIONS` operations at once (beyond them the operation
//!   is refused with `TOO_MANY_SUBSCRIPTIONS`).
//! - Pings every `WS_KEEPALIVE_SECONDS`; a socket that answers nothing for
//!   two of them is closed.
//! - Access ends when it is revoked: a signed-in socket checks its token
//!   again whenever the staff member's access changes on any instance
//!   ([`Event::AccessChanged`]), when news may have been missed, and every
//!   few seconds in any case; at the token's expiry, or once it no longer
//!   holds (logged out, revoked, account disabled, role changed), the
//!   socket closes with 4403 and nothing more is sent on it.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket};
use axum::extract::{FromRequestParts, WebSocketUpgrade};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use futures_util::stream::{BoxStream, SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::watch;
use tokio_stream::StreamMap;
use tracing::Instrument;

use super::AppState;
use super::client::ClientAddr;
use super::metrics;
use super::observe::ACCESS_LOG;
use super::outcome::{GraphqlOutcome, REQUEST_ID};
use crate::auth::{self, Viewer};
use crate::domain::limits::client_key;
use crate::events::Event;
use crate::graphql::RequestInfo;
use crate::graphql::gate::{self, Ask, Caller, Executed, Refusal, Transport};

/// The one protocol spoken: graphql-transport-ws (the `graphql-ws`
/// library's). The older `graphql-ws` protocol of subscriptions-transport-ws
/// is no longer maintained and is not offered.
pub const PROTOCOL: &str = "graphql-transport-ws";

/// The longest operation id taken.
const MAX_ID: usize = 128;

/// How often a signed-in socket checks its token when nothing prompts it:
/// where news travels between instances (PostgreSQL), only to bound what
/// nobody announced; on SQLite also for what another process did (the
/// command line revoking a token or disabling an account), which cannot
/// reach this one otherwise.
const RECHECK_SHARED: Duration = Duration::from_secs(30);
const RECHECK_LOCAL: Duration = Duration::from_secs(1);

/// The open WebSockets of this instance: how many in all and how many each
/// client address holds, and the signal that the server is shutting down.
pub struct Sockets {
    open: Mutex<Open>,
    closing: watch::Sender<bool>,
}

#[derive(Default)]
struct Open {
    total: usize,
    by_address: HashMap<String, usize>,
}

impl Default for Sockets {
    fn default() -> Self {
        Self {
            open: Mutex::default(),
            closing: watch::channel(false).0,
        }
    }
}

impl Sockets {
    /// Counts a socket of the client `key` (if known), unless there are
    /// `max` in all, or the client holds `per_address` already.
    fn enter(&self, key: Option<&str>, max: usize, per_address: usize) -> bool {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        if open.total >= max {
            return false;
        }
        if let Some(key) = key {
            let count = open.by_address.entry(key.to_owned()).or_insert(0);
            if *count >= per_address {
                return false;
            }
            *count += 1;
        }
        open.total += 1;
        true
    }

    fn leave(&self, key: Option<&str>) {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        open.total = open.total.saturating_sub(1);
        if let Some(key) = key
            && let Some(count) = open.by_address.get_mut(key)
        {
            *count = count.saturating_sub(1);
            if *count == 0 {
                open.by_address.remove(key);
            }
        }
    }

    /// Sockets open now.
    pub fn open(&self) -> usize {
        self.open
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .total
    }

    /// Closes every socket (1001, going away): the server is shutting down.
    pub fn close_all(&self) {
        self.closing.send_replace(true);
    }
}

/// A socket counted until it is dropped.
struct Held {
    state: AppState,
    key: Option<String>,
}

impl Drop for Held {
    fn drop(&mut self) {
        self.state.sockets.leave(self.key.as_deref());
    }
}

/// `GET /graphql` with `Upgrade: websocket`.
pub async fn upgrade(state: AppState, client: ClientAddr, parts: &mut Parts) -> Response {
    if !origin_allowed(&state, &parts.headers) {
        return refuse(
            StatusCode::FORBIDDEN,
            "FORBIDDEN_ORIGIN",
            "WebSockets are accepted from this server's own pages and from CORS_ALLOWED_ORIGINS only",
        );
    }
    if !offers_protocol(&parts.headers) {
        return refuse(
            StatusCode::BAD_REQUEST,
            "UNSUPPORTED_PROTOCOL",
            "ask for the graphql-transport-ws subprotocol (Sec-WebSocket-Protocol)",
        );
    }
    let upgrade = match WebSocketUpgrade::from_request_parts(parts, &state).await {
        Ok(upgrade) => upgrade,
        Err(rejection) => return rejection.into_response(),
    };
    let request_id = parts
        .headers
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("unknown")
        .to_owned();
    let max = state.config.edge.max_body_bytes;
    let span = tracing::info_span!("websocket", request_id = %request_id);
    upgrade
        .protocols([PROTOCOL])
        .max_message_size(max)
        .max_frame_size(max)
        .on_upgrade(move |socket| serve(socket, state, client.0, request_id).instrument(span))
}

/// A refusal of the upgrade, as JSON like every other refusal.
fn refuse(status: StatusCode, code: &'static str, message: &str) -> Response {
    let body = json!({ "errors": [Refusal::new(code, message).to_error()] });
    let mut response = (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body.to_string(),
    )
        .into_response();
    response.extensions_mut().insert(GraphqlOutcome {
        error_codes: vec![code.to_owned()],
        ..GraphqlOutcome::default()
    });
    response
}

/// Whether the page asking may open a socket: no `Origin` (not a browser),
/// an origin of `CORS_ALLOWED_ORIGINS`, or the server's own (the playground).
fn origin_allowed(state: &AppState, headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    let listed = state
        .config
        .edge
        .cors_allowed_origins
        .iter()
        .any(|allowed| allowed.trim().eq_ignore_ascii_case(origin));
    let own = headers
        .get(header::HOST)
        .and_then(|host| host.to_str().ok())
        .zip(
            origin
                .strip_prefix("http://")
                .or_else(|| origin.strip_prefix("https://")),
        )
        .is_some_and(|(host, origin_host)| host.eq_ignore_ascii_case(origin_host));
    listed || own
}

/// Whether the client offers graphql-transport-ws.
fn offers_protocol(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::SEC_WEBSOCKET_PROTOCOL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|p| p.trim().eq_ignore_ascii_case(PROTOCOL))
}

/// A message of the client, as graphql-transport-ws defines them.
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
enum ClientMessage {
    ConnectionInit {
        #[serde(default)]
        payload: Option<Value>,
    },
    Ping {
        #[serde(default)]
        payload: Option<Value>,
    },
    Pong {
        #[serde(default)]
        #[allow(dead_code)]
        payload: Option<Value>,
    },
    Subscribe {
        id: String,
        payload: Operation,
    },
    Complete {
        id: String,
    },
}

/// The GraphQL request of a `subscribe` message.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Operation {
    query: Option<String>,
    operation_name: Option<String>,
    variables: Option<Value>,
    extensions: Option<Value>,
}

/// Why a socket closes: a close code and its reason.
struct Close(u16, String);

impl Close {
    fn new(code: u16, reason: impl Into<String>) -> Self {
        // A close frame's reason holds at most 123 bytes.
        let mut reason = reason.into();
        while reason.len() > 123 {
            reason.pop();
        }
        Self(code, reason)
    }
}

/// The socket from its upgrade to its close.
async fn serve(socket: WebSocket, state: AppState, client: Option<IpAddr>, request_id: String) {
    let (mut sink, mut stream) = socket.split();
    let edge = &state.config.edge;
    let key = client.map(client_key);
    if !state.sockets.enter(
        key.as_deref(),
        edge.ws_max_connections,
        edge.ws_max_per_address,
    ) {
        let close = Close::new(1013, "too many connections; try again later");
        return send_close(&mut sink, close).await;
    }
    let _held = Held {
        state: state.clone(),
        key,
    };
    let init = Duration::from_secs(edge.ws_init_timeout_secs);
    let credentials = match tokio::time::timeout(init, initialise(&mut sink, &mut stream)).await {
        Ok(Ok(credentials)) => credentials,
        Ok(Err(Some(close))) => return send_close(&mut sink, close).await,
        Ok(Err(None)) => return,
        Err(_) => {
            let close = Close::new(4408, "Connection initialisation timeout");
            return send_close(&mut sink, close).await;
        }
    };
    let viewer = match super::auth::authorization(&state, credentials.as_deref()).await {
        Ok(viewer) => viewer,
        Err(super::auth::ViewerError::Token(problem)) => {
            return send_close(&mut sink, Close::new(4403, problem.message())).await;
        }
        Err(super::auth::ViewerError::Failed(error)) => {
            let _ = async_graphql::ErrorExtensions::extend(&error);
            return send_close(&mut sink, Close::new(1011, "internal server error")).await;
        }
    };
    if send(&mut sink, &json!({ "type": "connection_ack" }))
        .await
        .is_err()
    {
        return;
    }
    let session = Session {
        state: state.clone(),
        client,
        request_id,
        viewer,
        operations: StreamMap::new(),
        started: HashMap::new(),
    };
    if let Some(close) = session.run(&mut sink, &mut stream).await {
        send_close(&mut sink, close).await;
    }
}

type Sink = SplitSink<WebSocket, Message>;
type Source = SplitStream<WebSocket>;

/// Waits for `connection_init` (answering pings meanwhile) and returns the
/// `Authorization` it carries, if any. `Err(None)`: the client went away.
async fn initialise(sink: &mut Sink, stream: &mut Source) -> Result<Option<String>, Option<Close>> {
    loop {
        let message = match next_message(stream).await? {
            Incoming::Message(message) => message,
            Incoming::Other => continue,
        };
        match message {
            ClientMessage::ConnectionInit { payload } => {
                return credentials(payload.as_ref()).map_err(Some);
            }
            ClientMessage::Ping { payload } => {
                if send(sink, &pong(payload)).await.is_err() {
                    return Err(None);
                }
            }
            ClientMessage::Pong { .. } => {}
            ClientMessage::Subscribe { .. } | ClientMessage::Complete { .. } => {
                return Err(Some(Close::new(4401, "Unauthorized")));
            }
        }
    }
}

/// The bearer token of a `connection_init` payload: `{"Authorization":
/// "Bearer …"}` (as an HTTP header would say it) or `{"token": "…"}`.
fn credentials(payload: Option<&Value>) -> Result<Option<String>, Close> {
    let Some(payload) = payload.filter(|p| !p.is_null()) else {
        return Ok(None);
    };
    let Some(fields) = payload.as_object() else {
        return Err(Close::new(
            4400,
            "the connection_init payload must be an object",
        ));
    };
    let text = |name: &str| fields.get(name).and_then(Value::as_str);
    Ok(text("Authorization")
        .or_else(|| text("authorization"))
        .map(str::to_owned)
        .or_else(|| text("token").map(|t| format!("Bearer {t}"))))
}

fn pong(payload: Option<Value>) -> Value {
    match payload {
        Some(payload) => json!({ "type": "pong", "payload": payload }),
        None => json!({ "type": "pong" }),
    }
}

/// What came from the client.
enum Incoming {
    Message(ClientMessage),
    /// A ping or pong frame: the client is there.
    Other,
}

/// The next message of the client; `Err(None)` when it went away,
/// `Err(Some(close))` when what it sent is not graphql-transport-ws.
async fn next_message(stream: &mut Source) -> Result<Incoming, Option<Close>> {
    match stream.next().await {
        None | Some(Ok(Message::Close(_))) => Err(None),
        Some(Ok(Message::Text(text))) => match serde_json::from_str::<ClientMessage>(&text) {
            Ok(message) => Ok(Incoming::Message(message)),
            Err(_) => Err(Some(Close::new(4400, "Invalid message received"))),
        },
        Some(Ok(Message::Binary(_))) => Err(Some(Close::new(
            4400,
            "Invalid message received: send text frames",
        ))),
        Some(Ok(Message::Ping(_) | Message::Pong(_))) => Ok(Incoming::Other),
        Some(Err(error)) => {
            // The library's capacity error: the message went over the size
            // set at the upgrade, and was not read whole.
            if error.to_string().contains("too long") {
                Err(Some(Close::new(
                    1009,
                    "the message is larger than MAX_BODY_BYTES",
                )))
            } else {
                Err(None)
            }
        }
    }
}

/// The longest a message may wait for the client to take it: one that reads
/// nothing for this long is gone, and what it would be sent is not kept.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// Why a message did not go out.
struct Gone;

/// Sends `message` (serialized as it is, keeping its fields' order) within
/// [`SEND_TIMEOUT`].
async fn send(sink: &mut Sink, message: &impl Serialize) -> Result<(), Gone> {
    let text = serde_json::to_string(message).map_err(|_| Gone)?;
    send_frame(sink, Message::Text(Utf8Bytes::from(text))).await
}

async fn send_frame(sink: &mut Sink, frame: Message) -> Result<(), Gone> {
    match tokio::time::timeout(SEND_TIMEOUT, sink.send(frame)).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(_)) | Err(_) => Err(Gone),
    }
}

async fn send_close(sink: &mut Sink, Close(code, reason): Close) {
    let frame = CloseFrame {
        code,
        reason: Utf8Bytes::from(reason),
    };
    // The client may be gone already, or read nothing.
    let closing = async {
        let _ = sink.send(Message::Close(Some(frame))).await;
        let _ = sink.close().await;
    };
    let _ = tokio::time::timeout(Duration::from_secs(1), closing).await;
}

/// A message about an operation, as graphql-transport-ws frames it.
#[derive(Serialize)]
struct About<'a, P: Serialize> {
    id: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    payload: Option<P>,
}

/// An operation's results as they come, then `None` when it has no more.
type Results = BoxStream<'static, Option<Result<Executed, Refusal>>>;

/// A socket past its `connection_init`.
struct Session {
    state: AppState,
    client: Option<IpAddr>,
    request_id: String,
    /// As of the last check of the token; `None` for an anonymous socket.
    viewer: Option<Viewer>,
    operations: StreamMap<String, Results>,
    /// When each running operation started, with what the log says of it.
    started: HashMap<String, (Instant, GraphqlOutcome)>,
}

impl Session {
    /// Serves the socket until it closes; the close to send, if any.
    async fn run(mut self, sink: &mut Sink, stream: &mut Source) -> Option<Close> {
        let edge = &self.state.config.edge;
        let keepalive_every = Duration::from_secs(edge.ws_keepalive_secs.max(1));
        let mut keepalive = tokio::time::interval_at(
            tokio::time::Instant::now() + keepalive_every,
            keepalive_every,
        );
        let recheck_every = if self.state.events.is_shared() {
            RECHECK_SHARED
        } else {
            RECHECK_LOCAL
        };
        let mut recheck =
            tokio::time::interval_at(tokio::time::Instant::now() + recheck_every, recheck_every);
        let mut news = self.state.events.subscribe();
        let mut closing = self.state.sockets.closing.subscribe();
        let mut heard = Instant::now();
        loop {
            let expiry = self.expiry();
            // Access first: once it has ended, nothing more goes out.
            tokio::select! {
                biased;
                _ = closing.changed() => {
                    return Some(Close::new(1001, "the server is shutting down"));
                }
                () = tokio::time::sleep_until(expiry), if self.viewer.is_some() => {
                    return Some(Close::new(4403, "Forbidden: the token has expired; sign in again"));
                }
                news = news.recv(), if self.viewer.is_some() => {
                    let due = match news {
                        Ok(Event::AccessChanged(staff)) => {
                            self.viewer.as_ref().is_some_and(|v| v.staff.id == staff)
                        }
                        Ok(Event::Missed) | Err(RecvError::Lagged(_)) => true,
                        Ok(_) => false,
                        Err(RecvError::Closed) => return Some(Close::new(1001, "going away")),
                    };
                    if due && let Err(close) = self.recheck().await {
                        return Some(close);
                    }
                }
                _ = recheck.tick(), if self.viewer.is_some() => {
                    if let Err(close) = self.recheck().await {
                        return Some(close);
                    }
                }
                _ = keepalive.tick() => {
                    if heard.elapsed() > keepalive_every * 2 {
                        return Some(Close::new(1001, "no answer to keep-alive pings"));
                    }
                    if send_frame(sink, Message::Ping(Default::default())).await.is_err() {
                        return None;
                    }
                }
                incoming = next_message(stream) => {
                    heard = Instant::now();
                    let message = match incoming {
                        Ok(Incoming::Message(message)) => message,
                        Ok(Incoming::Other) => continue,
                        Err(close) => return close,
                    };
                    if let Err(close) = self.receive(sink, message).await {
                        return close;
                    }
                }
                Some((id, result)) = self.operations.next(), if !self.operations.is_empty() => {
                    if self.deliver(sink, id, result).await.is_err() {
                        return None;
                    }
                }
            }
        }
    }

    /// When the token stops being valid (far off for an anonymous socket).
    fn expiry(&self) -> tokio::time::Instant {
        let far = tokio::time::Instant::now() + Duration::from_secs(86_400 * 365);
        let Some(viewer) = &self.viewer else {
            return far;
        };
        match (viewer.expires_at - Utc::now()).to_std() {
            Ok(left) => tokio::time::Instant::now() + left,
            Err(_) => tokio::time::Instant::now(),
        }
    }

    /// Checks the token again; a close when it no longer holds, or when the
    /// staff member's role changed since the socket was opened.
    async fn recheck(&mut self) -> Result<(), Close> {
        let Some(viewer) = &self.viewer else {
            return Ok(());
        };
        let rules = self.state.config.tokens;
        match auth::recheck(&self.state.db, viewer, Utc::now(), rules).await {
            Ok(Ok(fresh)) if fresh.staff.role == viewer.staff.role => {
                self.viewer = Some(fresh);
                Ok(())
            }
            Ok(Ok(_)) => Err(Close::new(
                4403,
                "Forbidden: your role has changed; connect again",
            )),
            Ok(Err(problem)) => Err(Close::new(
                4403,
                format!("Forbidden: {}", problem.message()),
            )),
            // The database did not answer: the socket stays as it is, and
            // the next check decides.
            Err(error) => {
                let _ = async_graphql::ErrorExtensions::extend(&error);
                Ok(())
            }
        }
    }

    /// Handles one message of the client. `Err(None)`: the client is gone.
    async fn receive(
        &mut self,
        sink: &mut Sink,
        message: ClientMessage,
    ) -> Result<(), Option<Close>> {
        match message {
            ClientMessage::ConnectionInit { .. } => {
                Err(Some(Close::new(4429, "Too many initialisation requests")))
            }
            ClientMessage::Ping { payload } => send(sink, &pong(payload)).await.map_err(|_| None),
            ClientMessage::Pong { .. } => Ok(()),
            ClientMessage::Complete { id } => {
                self.operations.remove(&id);
                self.started.remove(&id);
                Ok(())
            }
            ClientMessage::Subscribe { id, payload } => {
                if id.is_empty() || id.len() > MAX_ID {
                    return Err(Some(Close::new(4400, "Invalid message received: bad id")));
                }
                if self.operations.contains_key(&id) {
                    return Err(Some(Close::new(
                        4409,
                        format!("Subscriber for {id} already exists"),
                    )));
                }
                self.start(sink, id, payload).await
            }
        }
    }

    /// Starts an operation through the gate, for the staff member as the
    /// database knows them now; a refusal is sent as its `error`.
    async fn start(
        &mut self,
        sink: &mut Sink,
        id: String,
        operation: Operation,
    ) -> Result<(), Option<Close>> {
        let started = Instant::now();
        let mut outcome = GraphqlOutcome {
            operation: operation.operation_name.clone(),
            ..GraphqlOutcome::default()
        };
        let max = self.state.config.edge.ws_max_subscriptions;
        if self.operations.len() >= max {
            let refusal = Refusal::new(
                "TOO_MANY_SUBSCRIPTIONS",
                format!("a connection runs at most {max} operations at once; complete one first"),
            );
            return self.refuse(sink, &id, refusal, outcome, started).await;
        }
        let gate = self.state.gate.clone();
        let ask = Ask {
            query: operation.query,
            operation_name: operation.operation_name,
            variables: operation.variables,
            extensions: operation.extensions,
        };
        let checked = match gate
            .admit(ask)
            .and_then(|admitted| gate.check(admitted, Transport::WebSocket))
        {
            Ok(checked) => checked,
            Err(refusal) => return self.refuse(sink, &id, refusal, outcome, started).await,
        };
        outcome.operation = checked.name().map(str::to_owned);
        outcome.kind = Some(gate::kind_name(checked.kind()));
        self.recheck().await.map_err(Some)?;
        let caller = Caller {
            viewer: self.viewer.clone(),
            info: RequestInfo {
                client_ip: self.client,
                idempotency_key: None,
                request_id: Some(self.request_id.clone()),
            },
        };
        let results = gate
            .stream(checked, caller)
            .map(Some)
            .chain(futures_util::stream::once(async { None }))
            .boxed();
        self.operations.insert(id.clone(), results);
        self.started.insert(id, (started, outcome));
        Ok(())
    }

    async fn refuse(
        &mut self,
        sink: &mut Sink,
        id: &str,
        refusal: Refusal,
        mut outcome: GraphqlOutcome,
        started: Instant,
    ) -> Result<(), Option<Close>> {
        outcome.error_codes = vec![refusal.code.to_owned()];
        self.log(&outcome, started);
        let message = About {
            id,
            kind: "error",
            payload: Some([refusal.to_error()]),
        };
        send(sink, &message).await.map_err(|_| None)
    }

    /// Sends what an operation produced: a result as `next` (or, for a
    /// request that failed validation, as its `error`), its end as `complete`.
    async fn deliver(
        &mut self,
        sink: &mut Sink,
        id: String,
        result: Option<Result<Executed, Refusal>>,
    ) -> Result<(), Gone> {
        let first = self
            .started
            .get_mut(&id)
            .map(|(started, outcome)| (*started, std::mem::take(outcome)));
        match result {
            None => {
                self.started.remove(&id);
                self.operations.remove(&id);
                let complete: About<'_, ()> = About {
                    id: &id,
                    kind: "complete",
                    payload: None,
                };
                send(sink, &complete).await
            }
            Some(Err(refusal)) => {
                if let Some((started, mut outcome)) = first.filter(|(_, o)| o.kind.is_some()) {
                    outcome.error_codes = vec![refusal.code.to_owned()];
                    self.log(&outcome, started);
                }
                self.started.remove(&id);
                self.operations.remove(&id);
                let error = About {
                    id: &id,
                    kind: "error",
                    payload: Some([refusal.to_error()]),
                };
                send(sink, &error).await
            }
            Some(Ok(executed)) => {
                if let Some((started, mut outcome)) = first.filter(|(_, o)| o.kind.is_some()) {
                    outcome.error_codes = executed.error_codes.clone();
                    self.log(&outcome, started);
                }
                if executed.request_error {
                    self.started.remove(&id);
                    self.operations.remove(&id);
                    let error = About {
                        id: &id,
                        kind: "error",
                        payload: Some(&executed.response.errors),
                    };
                    send(sink, &error).await
                } else {
                    let next = About {
                        id: &id,
                        kind: "next",
                        payload: Some(&executed.response),
                    };
                    send(sink, &next).await
                }
            }
        }
    }

    /// One access-log line per operation, when its first result (or its
    /// refusal) goes out, and its metrics: never its variables.
    fn log(&self, outcome: &GraphqlOutcome, started: Instant) {
        let secs = started.elapsed().as_secs_f64();
        metrics::observe_graphql(outcome, secs);
        let result = if outcome.error_codes.is_empty() {
            "ok".to_owned()
        } else {
            outcome.error_codes.join(",")
        };
        tracing::info!(
            target: ACCESS_LOG,
            request_id = %self.request_id,
            transport = "websocket",
            duration_ms = (secs * 1_000_000.0).round() / 1000.0,
            operation = metrics::operation_label(outcome.operation.as_deref()),
            kind = outcome.kind.unwrap_or(metrics::UNKNOWN),
            outcome = %result,
            "operation",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_come_as_a_header_value_or_a_bare_token() {
        let bearer = json!({ "Authorization": "Bearer ptf_x" });
        assert_eq!(
            credentials(Some(&bearer)).ok().flatten().as_deref(),
            Some("Bearer ptf_x")
        );
        let token = json!({ "token": "ptf_y" });
        assert_eq!(
            credentials(Some(&token)).ok().flatten().as_deref(),
            Some("Bearer ptf_y")
        );
        assert!(matches!(credentials(None), Ok(None)));
        assert!(matches!(credentials(Some(&json!({}))), Ok(None)));
        assert!(credentials(Some(&json!("Bearer ptf_z"))).is_err());
    }

    #[test]
    fn a_close_reason_fits_in_a_close_frame() {
        let close = Close::new(4403, "é".repeat(100));
        assert!(close.1.len() <= 123);
    }

    #[test]
    fn only_graphql_transport_ws_is_spoken() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::SEC_WEBSOCKET_PROTOCOL,
            "graphql-ws".parse().unwrap(),
        );
        assert!(!offers_protocol(&headers));
        headers.insert(
            header::SEC_WEBSOCKET_PROTOCOL,
            "graphql-ws, graphql-transport-ws".parse().unwrap(),
        );
        assert!(offers_protocol(&headers));
    }
}
