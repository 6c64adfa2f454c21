//! A graphql-transport-ws client for the tests, over a real socket to the
//! app served on a free port by the server's own accept loop.

use std::net::SocketAddr;
use std::time::Duration;

use clinic_api::AppState;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio::time::timeout;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{Error, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub type Stream = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Serves `state` on a free local port, as `clinic-api serve` would.
pub async fn serve(state: AppState) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(clinic_api::serve_until(
        listener,
        state,
        std::future::pending(),
    ));
    addr
}

/// What the server sent.
#[derive(Debug, PartialEq)]
pub enum Frame {
    /// A protocol message.
    Message(Value),
    /// A keep-alive ping.
    Ping,
    /// The socket closed with this code and reason (1006 when it closed
    /// without a close frame).
    Closed(u16, String),
}

/// One socket on `/graphql`.
pub struct Ws {
    stream: Stream,
}

impl Ws {
    /// Opens a socket with these extra upgrade headers; the upgrade's HTTP
    /// status when it is refused.
    pub async fn open_with(addr: SocketAddr, headers: &[(&str, &str)]) -> Result<Self, u16> {
        let mut request = format!("ws://{addr}/graphql")
            .into_client_request()
            .unwrap();
        request.headers_mut().insert(
            "sec-websocket-protocol",
            "graphql-transport-ws".parse().unwrap(),
        );
        for (name, value) in headers {
            request.headers_mut().insert(
                axum::http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                value.parse().unwrap(),
            );
        }
        // The client itself would refuse to send what the tests send to
        // see the server refuse it.
        let config = WebSocketConfig::default()
            .max_message_size(None)
            .max_frame_size(None);
        match tokio_tungstenite::connect_async_with_config(request, Some(config), false).await {
            Ok((stream, response)) => {
                assert_eq!(
                    response.headers()["sec-websocket-protocol"],
                    "graphql-transport-ws"
                );
                Ok(Self { stream })
            }
            Err(Error::Http(response)) => Err(response.status().as_u16()),
            Err(error) => panic!("the upgrade failed: {error}"),
        }
    }

    pub async fn open(addr: SocketAddr) -> Self {
        Self::open_with(addr, &[]).await.expect("upgraded")
    }

    /// Opens a socket and sends `connection_init` with `payload`; the
    /// server's answer is for the caller to read.
    pub async fn init(addr: SocketAddr, payload: Value) -> Self {
        let mut ws = Self::open(addr).await;
        ws.send(json!({ "type": "connection_init", "payload": payload }))
            .await;
        ws
    }

    /// Opens a socket acknowledged for `payload`.
    pub async fn connected(addr: SocketAddr, payload: Value) -> Self {
        let mut ws = Self::init(addr, payload).await;
        let ack = ws.message(Duration::from_secs(5)).await;
        assert_eq!(
            ack.as_ref().map(|a| &a["type"]),
            Some(&json!("connection_ack")),
            "{ack:?}"
        );
        ws
    }

    /// A socket signed in with `token`.
    pub async fn signed_in(addr: SocketAddr, token: &str) -> Self {
        Self::connected(addr, json!({ "Authorization": format!("Bearer {token}") })).await
    }

    pub async fn send(&mut self, message: Value) {
        self.send_raw(Message::Text(message.to_string().into()))
            .await;
    }

    pub async fn send_raw(&mut self, message: Message) {
        // A server that closed already is for the next read to tell.
        let _ = self.stream.send(message).await;
    }

    /// Sends `subscribe` for `query` with `variables` under `id`.
    pub async fn subscribe(&mut self, id: &str, query: &str, variables: Value) {
        self.send(json!({
            "id": id, "type": "subscribe",
            "payload": { "query": query, "variables": variables },
        }))
        .await;
    }

    /// The next frame, or `None` if nothing comes within `wait`.
    pub async fn frame(&mut self, wait: Duration) -> Option<Frame> {
        loop {
            match timeout(wait, self.stream.next()).await {
                Err(_) => return None,
                Ok(Some(Ok(Message::Text(text)))) => {
                    return Some(Frame::Message(serde_json::from_str(&text).unwrap()));
                }
                Ok(Some(Ok(Message::Ping(_)))) => return Some(Frame::Ping),
                Ok(Some(Ok(Message::Pong(_) | Message::Frame(_)))) => continue,
                Ok(Some(Ok(Message::Binary(_)))) => panic!("the server sent binary"),
                Ok(Some(Ok(Message::Close(frame)))) => {
                    return Some(match frame {
                        Some(frame) => Frame::Closed(frame.code.into(), frame.reason.to_string()),
                        None => Frame::Closed(1005, String::new()),
                    });
                }
                Ok(None | Some(Err(_))) => return Some(Frame::Closed(1006, String::new())),
            }
        }
    }

    /// The next protocol message as the server wrote it (pings skipped).
    pub async fn text(&mut self, wait: Duration) -> Option<String> {
        loop {
            match timeout(wait, self.stream.next()).await.ok()?? {
                Ok(Message::Text(text)) => return Some(text.to_string()),
                Ok(Message::Ping(_) | Message::Pong(_)) => continue,
                _ => return None,
            }
        }
    }

    /// The next protocol message (pings skipped), or `None` if none comes
    /// within `wait` or the socket closed.
    pub async fn message(&mut self, wait: Duration) -> Option<Value> {
        loop {
            match self.frame(wait).await? {
                Frame::Message(message) => return Some(message),
                Frame::Ping => continue,
                Frame::Closed(..) => return None,
            }
        }
    }

    /// How the socket closed, waiting at most `wait` and skipping whatever
    /// came before; `None` if it stayed open.
    pub async fn closed(&mut self, wait: Duration) -> Option<(u16, String)> {
        let until = tokio::time::Instant::now() + wait;
        loop {
            let left = until.saturating_duration_since(tokio::time::Instant::now());
            match self.frame(left).await? {
                Frame::Closed(code, reason) => return Some((code, reason)),
                _ => continue,
            }
        }
    }

    /// Runs a query or mutation and returns its result (the `next`
    /// payload), or the `error` payload as `{"errors": […]}`; then the
    /// `complete` after a result is read too.
    pub async fn run(&mut self, id: &str, query: &str, variables: Value) -> Value {
        self.subscribe(id, query, variables).await;
        let message = self
            .message(Duration::from_secs(10))
            .await
            .unwrap_or_else(|| panic!("no answer to {query}"));
        assert_eq!(message["id"], id, "{message}");
        match message["type"].as_str() {
            Some("next") => {
                let complete = self.message(Duration::from_secs(5)).await.unwrap();
                assert_eq!(complete, json!({ "id": id, "type": "complete" }));
                message["payload"].clone()
            }
            Some("error") => json!({ "errors": message["payload"] }),
            _ => panic!("unexpected {message}"),
        }
    }
}

/// Opens a front-desk socket signed in with `token` that follows new bookings.
pub async fn following(addr: std::net::SocketAddr, token: &str) -> Ws {
    let mut socket = Ws::signed_in(addr, token).await;
    socket
        .subscribe(
            "news",
            "subscription { bookingRequestReceived { reference fullName } }",
            json!({}),
        )
        .await;
    // The subscription listens once it has started; a query after it on the
    // same socket is answered after that.
    let result = socket
        .run("probe", "{ organization { name } }", json!({}))
        .await;
    assert!(result["errors"].is_null(), "{result}");
    socket
}

/// The code of the first error of a result.
pub fn code(result: &Value) -> &str {
    result["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_default()
}
