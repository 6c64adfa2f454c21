//! `/metrics`: counters and histograms of HTTP and GraphQL requests, and the
//! database pool's use, in Prometheus' text exposition format.
//!
//! Labels carry only what is bounded and public: HTTP methods, route
//! templates (never raw paths), status codes, GraphQL operation names and
//! error codes, each capped so that a client cannot mint new series at will.

use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};

use axum::extract::State;
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use prometheus::core::Collector;
use prometheus::proto::MetricFamily;
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, Opts, Registry, TextEncoder,
};
use sea_orm::{DatabaseConnection, DatabaseConnectionType};

use super::AppState;
use super::outcome::GraphqlOutcome;

/// The label of a request that matched no route.
pub const UNMATCHED: &str = "unmatched";
/// The label of an operation without a name.
pub const ANONYMOUS: &str = "anonymous";
/// The label that stands for every value a label may not take.
pub const OTHER: &str = "other";
/// The label of a GraphQL request whose kind is unknown (it did not parse).
pub const UNKNOWN: &str = "unknown";

/// How many distinct operation names get their own series; later ones are `other`.
const MAX_OPERATIONS: usize = 200;
/// How many distinct error codes get their own series; later ones are `other`.
const MAX_CODES: usize = 100;

/// The process' metrics. Installed once, whatever the number of apps built:
/// tests build many in one process.
struct Metrics {
    registry: Registry,
    http_requests: IntCounterVec,
    http_duration: HistogramVec,
    graphql_requests: IntCounterVec,
    graphql_duration: HistogramVec,
    graphql_errors: IntCounterVec,
    operations: Bounded,
    codes: Bounded,
}

fn metrics() -> &'static Metrics {
    static METRICS: OnceLock<Metrics> = OnceLock::new();
    METRICS.get_or_init(Metrics::new)
}

impl Metrics {
    fn new() -> Self {
        let registry = Registry::new();
        let http_requests = IntCounterVec::new(
            Opts::new(
                "http_requests_total",
                "HTTP requests answered, by method, route and status.",
            ),
            &["method", "path", "status"],
        )
        .expect("valid metric");
        let http_duration = HistogramVec::new(
            HistogramOpts::new(
                "http_request_duration_seconds",
                "Time until the response's head was ready, by route.",
            ),
            &["path"],
        )
        .expect("valid metric");
        let graphql_requests = IntCounterVec::new(
            Opts::new(
                "graphql_requests_total",
                "GraphQL requests, by operation name, kind and outcome (ok or error).",
            ),
            &["operation", "kind", "outcome"],
        )
        .expect("valid metric");
        let graphql_duration = HistogramVec::new(
            HistogramOpts::new(
                "graphql_request_duration_seconds",
                "Time to answer a GraphQL request, by operation name.",
            ),
            &["operation"],
        )
        .expect("valid metric");
        let graphql_errors = IntCounterVec::new(
            Opts::new(
                "graphql_errors_total",
                "Errors in GraphQL responses, by extensions.code.",
            ),
            &["code"],
        )
        .expect("valid metric");
        for collector in [
            Box::new(http_requests.clone()) as Box<dyn Collector>,
            Box::new(http_duration.clone()),
            Box::new(graphql_requests.clone()),
            Box::new(graphql_duration.clone()),
            Box::new(graphql_errors.clone()),
        ] {
            registry
                .register(collector)
                .expect("each metric is registered once, in a fresh registry");
        }
        Self {
            registry,
            http_requests,
            http_duration,
            graphql_requests,
            graphql_duration,
            graphql_errors,
            operations: Bounded::new(MAX_OPERATIONS),
            codes: Bounded::new(MAX_CODES),
        }
    }
}

/// A set of label values that stops growing at `max`.
struct Bounded {
    max: usize,
    seen: Mutex<HashSet<String>>,
}

impl Bounded {
    fn new(max: usize) -> Self {
        Self {
            max,
            seen: Mutex::new(HashSet::new()),
        }
    }

    /// `value` if it is known or there is still room for it, else `other`.
    fn admit<'a>(&self, value: &'a str) -> &'a str {
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        if seen.contains(value) {
            return value;
        }
        if seen.len() < self.max {
            seen.insert(value.to_owned());
            return value;
        }
        OTHER
    }
}

/// Counts one HTTP request. `route` is the matched route's template, `None`
/// when no route matched.
pub(super) fn observe_http(method: &Method, route: Option<&str>, status: StatusCode, secs: f64) {
    let m = metrics();
    let path = route.unwrap_or(UNMATCHED);
    m.http_requests
        .with_label_values(&[method_label(method), path, status.as_str()])
        .inc();
    m.http_duration.with_label_values(&[path]).observe(secs);
}

/// Counts one GraphQL request and the errors of its response.
pub(super) fn observe_graphql(outcome: &GraphqlOutcome, secs: f64) {
    let m = metrics();
    let operation = match operation_label(outcome.operation.as_deref()) {
        OTHER => OTHER,
        ANONYMOUS => ANONYMOUS,
        name => m.operations.admit(name),
    };
    let kind = kind_label(outcome.kind);
    let result = if outcome.error_codes.is_empty() {
        "ok"
    } else {
        "error"
    };
    m.graphql_requests
        .with_label_values(&[operation, kind, result])
        .inc();
    m.graphql_duration
        .with_label_values(&[operation])
        .observe(secs);
    for code in &outcome.error_codes {
        let code = match code_label(code) {
            OTHER => OTHER,
            code => m.codes.admit(code),
        };
        m.graphql_errors.with_label_values(&[code]).inc();
    }
}

/// The operation's name if it is a plain one of at most 64 characters
/// (`[A-Za-z0-9_]`), `anonymous` without a name, otherwise `other`.
pub fn operation_label(name: Option<&str>) -> &str {
    match name {
        None => ANONYMOUS,
        Some(name) if is_word(name, 64) => name,
        Some(_) => OTHER,
    }
}

/// An error code as a label: `[A-Za-z0-9_]`, at most 64 characters, else `other`.
fn code_label(code: &str) -> &str {
    if is_word(code, 64) { code } else { OTHER }
}

fn kind_label(kind: Option<&'static str>) -> &'static str {
    match kind {
        Some(kind @ ("query" | "mutation" | "subscription")) => kind,
        Some(_) => OTHER,
        None => UNKNOWN,
    }
}

/// The standard methods by name; any other (a client may invent them) is `other`.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        _ => OTHER,
    }
}

fn is_word(value: &str, max: usize) -> bool {
    (1..=max).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// `GET /metrics`: every series, in the Prometheus text format (0.0.4).
pub async fn scrape(State(state): State<AppState>) -> Response {
    let mut families = metrics().registry.gather();
    families.extend(pool_families(&state.db));
    families.extend(instance_families(&state));
    let mut body = String::new();
    match TextEncoder::new().encode_utf8(&families, &mut body) {
        Ok(()) => (
            [(header::CONTENT_TYPE, TextEncoder::new().format_type())],
            body,
        )
            .into_response(),
        Err(error) => {
            tracing::error!(%error, "cannot encode the metrics");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// What this instance counts itself: reconnections of its event listener,
/// and its open WebSockets.
fn instance_families(state: &AppState) -> Vec<MetricFamily> {
    let mut families = Vec::new();
    if let Ok(counter) = prometheus::IntCounter::new(
        "events_listener_reconnects_total",
        "Times the listener for other instances' news lost its connection and listened again (caches were emptied, subscribers caught up).",
    ) {
        counter.inc_by(state.events.reconnects());
        families.extend(counter.collect());
    }
    if let Ok(gauge) = IntGauge::new("websocket_connections", "WebSockets open now.") {
        gauge.set(i64::try_from(state.sockets.open()).unwrap_or(i64::MAX));
        families.extend(gauge.collect());
    }
    families
}

/// The connection pool's gauges, read now from this app's pool.
fn pool_families(db: &DatabaseConnection) -> Vec<MetricFamily> {
    let (size, idle, max) = match &db.inner {
        DatabaseConnectionType::SqlxSqlitePoolConnection(_) => {
            let pool = db.get_sqlite_connection_pool();
            (
                pool.size(),
                pool.num_idle(),
                pool.options().get_max_connections(),
            )
        }
        DatabaseConnectionType::SqlxPostgresPoolConnection(_) => {
            let pool = db.get_postgres_connection_pool();
            (
                pool.size(),
                pool.num_idle(),
                pool.options().get_max_connections(),
            )
        }
        _ => return Vec::new(),
    };
    let idle = u32::try_from(idle).unwrap_or(u32::MAX);
    let in_use = size.saturating_sub(idle);
    [
        (
            "db_pool_connections_in_use",
            "Database connections lent to a request or task now.",
            in_use,
        ),
        (
            "db_pool_connections_idle",
            "Open database connections waiting in the pool.",
            idle,
        ),
        (
            "db_pool_connections_max",
            "The most connections the pool opens.",
            max,
        ),
    ]
    .into_iter()
    .filter_map(|(name, help, value)| {
        let gauge = IntGauge::new(name, help).ok()?;
        gauge.set(i64::from(value));
        Some(gauge.collect())
    })
    .flatten()
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_names_are_capped() {
        assert_eq!(operation_label(Some("Home")), "Home");
        assert_eq!(operation_label(Some("home_page_2")), "home_page_2");
        assert_eq!(operation_label(None), ANONYMOUS);
        assert_eq!(operation_label(Some("")), OTHER);
        assert_eq!(operation_label(Some("a-b")), OTHER);
        assert_eq!(operation_label(Some("pat@example.com")), OTHER);
        assert_eq!(operation_label(Some(&"A".repeat(64))), "A".repeat(64));
        assert_eq!(operation_label(Some(&"A".repeat(65))), OTHER);
    }

    #[test]
    fn a_bounded_set_stops_admitting_new_values() {
        let set = Bounded::new(2);
        assert_eq!(set.admit("A"), "A");
        assert_eq!(set.admit("B"), "B");
        assert_eq!(set.admit("C"), OTHER);
        assert_eq!(set.admit("A"), "A");
    }

    #[test]
    fn odd_methods_and_kinds_are_other() {
        assert_eq!(method_label(&Method::POST), "POST");
        assert_eq!(method_label(&Method::from_bytes(b"BREW").unwrap()), OTHER);
        assert_eq!(kind_label(Some("query")), "query");
        assert_eq!(kind_label(Some("fragment")), OTHER);
        assert_eq!(kind_label(None), UNKNOWN);
    }
}
