//! Logging: `tracing` to standard error, filtered by `--log-level` / `RUST_LOG`,
//! as text for people or as JSON lines for a log collector (`--log-format`).
//!
//! Lines are written by a thread of their own, through a buffer it flushes
//! whenever it has nothing more to write: under load, many lines leave in one
//! write, and no request waits for the terminal or the disk. None is dropped:
//! a request waits when the thread falls far behind.

use tracing_appender::non_blocking::{NonBlockingBuilder, WorkerGuard};
use tracing_subscriber::EnvFilter;

/// How log lines are written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// One human-readable line per event.
    #[default]
    Text,
    /// One JSON object per line: `timestamp`, `level`, `target`, the event's
    /// fields at the top level, and the current span (`span`, e.g. the
    /// request's `request_id`).
    Json,
}

/// Installs the global subscriber. `RUST_LOG`, when set, wins over
/// `default_filter`. Keep the guard until the end: dropping it writes out
/// what is still buffered.
#[must_use = "dropping the guard stops the log"]
pub fn init(default_filter: &str, format: LogFormat) -> WorkerGuard {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let (writer, guard) = NonBlockingBuilder::default()
        .lossy(false)
        .finish(std::io::BufWriter::new(std::io::stderr()));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer);
    match format {
        LogFormat::Text => builder.with_ansi(ansi).init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .init(),
    }
    guard
}

/// For tests: logs only when `TEST_LOG` is set, and never fails if a subscriber exists.
pub fn init_for_tests() {
    if std::env::var_os("TEST_LOG").is_some() {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(EnvFilter::new("debug"))
            .with_test_writer()
            .try_init();
    }
}
