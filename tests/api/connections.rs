//! The server's own accept loop, as a slow or hostile client meets it over
//! real sockets: headers and bodies must arrive in time, and connections
//! that never finish a request cannot keep anyone else out.

use std::time::{Duration, Instant};

use clinic_api::config::Config;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::TestApp;
use crate::support::ws;

/// Sends a whole request on a fresh connection and returns the response's
/// status line, or `None` if none comes within `wait`.
async fn request(addr: std::net::SocketAddr, raw: &str, wait: Duration) -> Option<String> {
    let mut stream = tokio::time::timeout(wait, TcpStream::connect(addr))
        .await
        .ok()?
        .ok()?;
    stream.write_all(raw.as_bytes()).await.ok()?;
    let mut answer = Vec::new();
    let mut buffer = [0u8; 1024];
    let until = tokio::time::Instant::now() + wait;
    loop {
        let left = until.saturating_duration_since(tokio::time::Instant::now());
        match tokio::time::timeout(left, stream.read(&mut buffer)).await {
            Ok(Ok(0)) | Err(_) | Ok(Err(_)) => break,
            Ok(Ok(n)) => {
                answer.extend_from_slice(&buffer[..n]);
                if answer.windows(4).any(|w| w == b"\r\n\r\n") {
                    break;
                }
            }
        }
    }
    let text = String::from_utf8_lossy(&answer);
    text.lines()
        .next()
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
}

const HEALTH: &str = "GET /healthz HTTP/1.1\r\nhost: test\r\nconnection: close\r\n\r\n";

/// An empty clinic served on a port, its edge as `change` sets it.
async fn serve(
    change: impl FnOnce(&mut clinic_api::config::EdgeArgs),
) -> (TestApp, std::net::SocketAddr) {
    let mut config = Config::for_tests();
    change(&mut config.edge);
    let app = TestApp::empty().await.with_config(config).await;
    let addr = ws::serve(app.state.clone()).await;
    (app, addr)
}

/// Reads what the server still sends until it closes the connection, which
/// must happen within three seconds.
async fn closed_soon(stream: &mut TcpStream) -> Vec<u8> {
    let started = Instant::now();
    let mut rest = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut rest)).await;
    assert!(read.is_ok(), "the server did not close the connection");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "closed after {:?}",
        started.elapsed()
    );
    rest
}

#[tokio::test]
async fn healthz_answers_while_many_connections_hang_half_sent() {
    let (_app, addr) = serve(|edge| {
        edge.max_connections = 50;
        edge.header_timeout_secs = 30;
    })
    .await;
    // Four times the cap, each with a request begun and never finished.
    let mut hanging = Vec::new();
    for _ in 0..200 {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        stream
            .write_all(b"POST /graphql HTTP/1.1\r\nhost: test\r\ncontent-type: application")
            .await
            .unwrap();
        hanging.push(stream);
    }
    let started = Instant::now();
    let answer = request(addr, HEALTH, Duration::from_secs(5)).await;
    assert_eq!(answer.as_deref(), Some("HTTP/1.1 200 OK"));
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    // The oldest half-sent ones were let go to make room.
    let mut closed = 0;
    for stream in &mut hanging {
        let mut byte = [0u8; 1];
        if let Ok(Ok(0)) =
            tokio::time::timeout(Duration::from_millis(20), stream.read(&mut byte)).await
        {
            closed += 1;
        }
    }
    assert!(closed >= 150, "{closed} closed");
}

#[tokio::test]
async fn headers_that_do_not_arrive_in_time_end_the_connection() {
    let (_app, addr) = serve(|edge| {
        edge.header_timeout_secs = 1;
    })
    .await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nhost: te")
        .await
        .unwrap();
    let rest = closed_soon(&mut stream).await;
    // Whatever it said, it was not an answer to the request.
    assert!(!String::from_utf8_lossy(&rest).contains("200 OK"));
}

#[tokio::test]
async fn a_body_that_does_not_arrive_in_time_is_answered_with_408() {
    let (_app, addr) = serve(|edge| {
        edge.body_timeout_secs = 1;
    })
    .await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(
            b"POST /graphql HTTP/1.1\r\nhost: test\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"query\":",
        )
        .await
        .unwrap();
    let started = Instant::now();
    let mut answer = vec![0u8; 4096];
    let n = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut answer))
        .await
        .expect("an answer")
        .unwrap();
    let text = String::from_utf8_lossy(&answer[..n]);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(text.contains("REQUEST_TIMEOUT"), "{text}");
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_after_the_header_deadline() {
    let (_app, addr) = serve(|edge| edge.header_timeout_secs = 1).await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nhost: test\r\n\r\n")
        .await
        .unwrap();
    let mut buffer = vec![0u8; 4096];
    let n = stream.read(&mut buffer).await.unwrap();
    assert!(String::from_utf8_lossy(&buffer[..n]).starts_with("HTTP/1.1 200"));
    // Kept alive for a next request that never comes.
    closed_soon(&mut stream).await;
}

#[tokio::test]
async fn a_connection_that_sends_nothing_is_closed_after_the_header_deadline() {
    let (_app, addr) = serve(|edge| edge.header_timeout_secs = 1).await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    closed_soon(&mut stream).await;
}

#[tokio::test]
async fn healthz_answers_while_many_bodies_hang_half_sent() {
    let (_app, addr) = serve(|edge| {
        edge.max_connections = 50;
        edge.body_timeout_secs = 30;
    })
    .await;
    let mut hanging = Vec::new();
    for _ in 0..200 {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        stream
            .write_all(
                b"POST /graphql HTTP/1.1\r\nhost: test\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"query\":",
            )
            .await
            .unwrap();
        hanging.push(stream);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let answer = request(addr, HEALTH, Duration::from_secs(5)).await;
    assert_eq!(answer.as_deref(), Some("HTTP/1.1 200 OK"));
}
