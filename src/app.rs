//! Assembly: the shared state, the router, and serving it until a shutdown signal.

use std::sync::Arc;

use axum::Router;
use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;
use tower_http::trace::TraceLayer;

use crate::config::Config;
use crate::events::Events;
use crate::graphql::{self, AppSchema};
use crate::http;

/// What every request handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub schema: AppSchema,
    pub config: Arc<Config>,
    pub events: Events,
}

impl AppState {
    /// The state over `db`; on PostgreSQL it returns once this instance
    /// listens for the news of the others.
    pub async fn new(db: DatabaseConnection, config: Config) -> Result<Self, sea_orm::DbErr> {
        let events = Events::start(&db).await?;
        Ok(Self {
            schema: graphql::build_schema(db.clone(), &config, events.clone()),
            db,
            config: Arc::new(config),
            events,
        })
    }

    /// The state tests run with, over their own database.
    pub async fn for_tests(db: DatabaseConnection) -> Result<Self, sea_orm::DbErr> {
        Self::new(db, Config::for_tests()).await
    }
}

/// The whole HTTP application.
pub fn build_app(state: AppState) -> Router {
    http::router(state).layer(TraceLayer::new_for_http().make_span_with(request_span))
}

/// A request's span names its method and path, never its query string: a GET
/// query carries variables, and those may be a patient's email.
fn request_span(request: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    tracing::debug_span!(
        "request",
        method = %request.method(),
        path = %request.uri().path(),
    )
}

/// Serves `app` on `listener` until Ctrl-C or SIGTERM, then lets requests in
/// flight finish.
pub async fn serve(listener: TcpListener, app: Router) -> std::io::Result<()> {
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
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
