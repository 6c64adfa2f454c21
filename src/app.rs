//! Assembly: the shared state, the router, and serving it until a shutdown signal.

use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::response::Response;
use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::config::Config;
use crate::domain::bookings::Intake;
use crate::events::Events;
use crate::graphql::{self, gate::Gate};
use crate::http;
use crate::http::response_cache::ResponseCache;
use crate::http::websocket::Sockets;

/// What every request handler can reach: one reference to [`Shared`], so
/// that handing it to a request costs one count, whatever it holds.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

/// What the state holds.
pub struct Shared {
    pub db: DatabaseConnection,
    /// The schema, behind the checks every transport goes through.
    pub gate: Gate,
    pub config: Arc<Config>,
    pub events: Events,
    /// Answers to anonymous queries, until public data changes.
    pub responses: ResponseCache,
    /// Where booking requests are checked and stored.
    pub intake: Arc<Intake>,
    /// The open WebSockets, counted by client address.
    pub sockets: Sockets,
}

impl AppState {
    /// The state over `db`; on PostgreSQL it returns once this instance
    /// listens for the news of the others. Fails when the persisted-query
    /// manifest cannot be read.
    pub async fn new(db: DatabaseConnection, config: Config) -> anyhow::Result<Self> {
        let events = Events::start(&db).await?;
        let responses = ResponseCache::new(config.edge.response_cache_mb, &events);
        let intake = Arc::new(Intake::new(db.clone(), events.clone(), config.lanes));
        let schema = graphql::build_schema(db.clone(), &config, events.clone(), intake.clone());
        Ok(Self(Arc::new(Shared {
            gate: Gate::new(schema, &config)?,
            intake,
            db,
            config: Arc::new(config),
            events,
            responses,
            sockets: Sockets::default(),
        })))
    }

    /// The state tests run with, over their own database.
    pub async fn for_tests(db: DatabaseConnection) -> anyhow::Result<Self> {
        Self::new(db, Config::for_tests()).await
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// The whole HTTP application: the routes, CORS for the configured origins,
/// and security headers on every response.
pub fn build_app(state: AppState) -> Router {
    let origins: Vec<HeaderValue> = state
        .config
        .edge
        .cors_allowed_origins
        .iter()
        .filter_map(|origin| HeaderValue::from_str(origin.trim()).ok())
        .collect();
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            header::CONTENT_TYPE,
            header::AUTHORIZATION,
            HeaderName::from_static("idempotency-key"),
            HeaderName::from_static("x-request-id"),
        ])
        .expose_headers([HeaderName::from_static("x-request-id"), header::ETAG])
        .max_age(std::time::Duration::from_secs(600));
    http::router(state)
        .layer(axum::middleware::map_response(security_headers))
        .layer(cors)
}

/// The headers every response carries, unless its handler set its own (the
/// playground sets a wider Content-Security-Policy).
const SECURITY_HEADERS: [(HeaderName, &str); 7] = [
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::X_FRAME_OPTIONS, "DENY"),
    (header::REFERRER_POLICY, "no-referrer"),
    (
        header::CONTENT_SECURITY_POLICY,
        "default-src 'none'; frame-ancestors 'none'",
    ),
    (
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    ),
    (
        HeaderName::from_static("cross-origin-resource-policy"),
        "same-site",
    ),
    (
        HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=()",
    ),
];

async fn security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    for (name, value) in SECURITY_HEADERS {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    }
    response
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
    let limits = http::server::Limits {
        header_timeout: std::time::Duration::from_secs(edge.header_timeout_secs.max(1)),
        max_connections: edge.max_connections.max(1),
    };
    let sockets = state.clone();
    let shutdown = async move {
        shutdown.await;
        sockets.sockets.close_all();
    };
    http::server::serve(listener, build_app(state), limits, shutdown).await
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
