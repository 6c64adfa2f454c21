//! Serving the router on a listener: each connection on its own task, with
//! a deadline for a request's headers and a cap on connections.
//!
//! A client that opens connections and never finishes a request would
//! otherwise keep each one, and a task and a file descriptor with it, for
//! as long as it likes: with enough of them nothing else gets in, `/healthz`
//! included. So a request's headers must arrive within
//! `HEADER_READ_TIMEOUT_SECONDS` (hyper closes the connection otherwise, and
//! an idle keep-alive connection after as long; a connection that sends
//! nothing at all is closed here after as long), and at `MAX_CONNECTIONS`
//! (or when the process runs out of file descriptors) a new connection
//! pushes out the oldest one that is not answering a request whose body has
//! arrived whole, so that a client who sends a whole request is served while
//! the half-sent ones wait. A connection upgraded to a WebSocket leaves the
//! count here; sockets have their own caps ([`super::websocket`]).

use std::collections::BTreeMap;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::ConnectInfo;
use axum::http::Request;
use http_body::Body as _;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::Notify;

use super::AppState;

/// How a server guards its connections.
#[derive(Clone, Copy, Debug)]
pub struct ConnectionLimits {
    /// The longest a request's headers may take to arrive.
    pub header_timeout: Duration,
    /// Connections served at once.
    pub max_connections: usize,
}

/// One connection, as the cap sees it.
struct Connection {
    /// Requests being answered on it now, whose body has arrived whole.
    busy: AtomicUsize,
    /// Requests it has begun (their headers arrived).
    begun: AtomicUsize,
    /// Told when the connection is pushed out for a newer one.
    evicted: Notify,
}

/// The connections being served, oldest first.
#[derive(Default)]
struct Connections {
    open: Mutex<BTreeMap<u64, Arc<Connection>>>,
}

impl Connections {
    fn add(&self, id: u64, connection: Arc<Connection>) {
        self.lock().insert(id, connection);
    }

    fn remove(&self, id: u64) {
        self.lock().remove(&id);
    }

    fn len(&self) -> usize {
        self.lock().len()
    }

    /// Pushes out the oldest connection that is between requests (or has
    /// not finished sending its first); whether there was one.
    fn evict_oldest_idle(&self) -> bool {
        let mut open = self.lock();
        let idle = open
            .iter()
            .find(|(_, c)| c.busy.load(Ordering::Acquire) == 0)
            .map(|(id, _)| *id);
        match idle.and_then(|id| open.remove(&id)) {
            Some(connection) => {
                connection.evicted.notify_one();
                true
            }
            None => false,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<u64, Arc<Connection>>> {
        self.open.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A request on its connection: counted as busy once its body has arrived
/// whole (at once for a request without one), until it is answered.
struct Busy {
    connection: Arc<Connection>,
    counted: AtomicBool,
}

impl Busy {
    fn start(connection: &Arc<Connection>) -> Arc<Self> {
        connection.begun.fetch_add(1, Ordering::AcqRel);
        Arc::new(Self {
            connection: connection.clone(),
            counted: AtomicBool::new(false),
        })
    }

    fn body_arrived(&self) {
        if !self.counted.swap(true, Ordering::AcqRel) {
            self.connection.busy.fetch_add(1, Ordering::AcqRel);
        }
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        if *self.counted.get_mut() {
            self.connection.busy.fetch_sub(1, Ordering::AcqRel);
        }
    }
}

/// A request's body, which tells its [`Busy`] when it has arrived whole.
struct Watched {
    body: Incoming,
    busy: Arc<Busy>,
}

impl http_body::Body for Watched {
    type Data = Bytes;
    type Error = hyper::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, hyper::Error>>> {
        let polled = Pin::new(&mut self.body).poll_frame(cx);
        if matches!(polled, Poll::Ready(None)) || self.body.is_end_stream() {
            self.busy.body_arrived();
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.body.size_hint()
    }
}

/// Serves the state's app on `listener` until Ctrl-C or SIGTERM, then
/// closes its WebSockets and lets requests in flight finish.
pub async fn serve(listener: TcpListener, state: AppState) -> std::io::Result<()> {
    serve_until(listener, state, shutdown_signal()).await
}

/// [`serve`] until `shutdown` completes.
pub async fn serve_until(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()>,
) -> std::io::Result<()> {
    let edge = &state.config.edge;
    let limits = ConnectionLimits {
        header_timeout: std::time::Duration::from_secs(edge.header_timeout_secs.max(1)),
        max_connections: edge.max_connections.max(1),
    };
    let sockets = state.clone();
    let shutdown = async move {
        shutdown.await;
        sockets.sockets.close_all();
    };
    accept_connections(listener, super::build_app(state), limits, shutdown).await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

/// Serves `app` on `listener` until `shutdown` completes, then lets the
/// requests in flight finish.
async fn accept_connections(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    shutdown: impl std::future::Future<Output = ()>,
) -> std::io::Result<()> {
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    let builder = Arc::new(builder);
    let connections = Arc::new(Connections::default());
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    let mut next_id = 0u64;
    let mut warned: Option<Instant> = None;
    loop {
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors (or another passing error):
                    // make room, and try again in a moment. Said once a
                    // second at most: it may happen a thousand times.
                    if warned.is_none_or(|at| at.elapsed() >= Duration::from_secs(1)) {
                        tracing::warn!(%error, "cannot accept a connection");
                        warned = Some(Instant::now());
                    }
                    connections.evict_oldest_idle();
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
        };
        if connections.len() >= limits.max_connections && !connections.evict_oldest_idle() {
            // Every connection is in the middle of a request: this one waits
            // for none of them.
            drop(stream);
            continue;
        }
        stream.set_nodelay(true).ok();
        next_id += 1;
        let id = next_id;
        let connection = Arc::new(Connection {
            busy: AtomicUsize::new(0),
            begun: AtomicUsize::new(0),
            evicted: Notify::new(),
        });
        connections.add(id, connection.clone());
        // The router as this connection's service: each request learns the
        // peer's address, and counts as busy once its body has arrived.
        let (app_here, counted) = (app.clone(), connection.clone());
        let service = hyper::service::service_fn(move |request: Request<Incoming>| {
            let mut app = app_here.clone();
            let busy = Busy::start(&counted);
            if request.body().is_end_stream() {
                busy.body_arrived();
            }
            let watched = busy.clone();
            let mut request = request.map(move |body| Watched {
                body,
                busy: watched,
            });
            request.extensions_mut().insert(ConnectInfo(peer));
            async move {
                let response = tower_service::Service::call(&mut app, request).await;
                drop(busy);
                response
            }
        });
        let serving = builder
            .serve_connection_with_upgrades(TokioIo::new(stream), service)
            .into_owned();
        let serving = graceful.watch(serving);
        let connections = connections.clone();
        let header_timeout = limits.header_timeout;
        tokio::spawn(async move {
            // A connection that sends nothing is closed like one whose
            // headers do not arrive in time (hyper's timer starts with the
            // first byte).
            let silent = async {
                tokio::time::sleep(header_timeout).await;
                if connection.begun.load(Ordering::Acquire) > 0 {
                    std::future::pending::<()>().await;
                }
            };
            tokio::select! {
                _ = serving => {}
                // Dropping the connection closes it.
                () = connection.evicted.notified() => {}
                () = silent => {}
            }
            connections.remove(id);
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}
