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

/// Installs the global subscriber, filtered as [`filter_for`] reads
/// `log_level`; `RUST_LOG`, when set, wins. Keep the guard until the end:
/// dropping it writes out what is still buffered.
#[must_use = "dropping the guard stops the log"]
pub fn init(log_level: &str, format: LogFormat) -> WorkerGuard {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(filter_for(log_level)));
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

/// The filter a `--log-level` stands for. A bare level is this service's
/// level, with every other crate kept at `info` at most: below that the
/// libraries log what passes through them (the WebSocket library each frame,
/// the database library its connection settings), and so tokens, passwords
/// and patient details. A
/// value that is a filter already (`clinic_api=debug,tower_http=trace`) is
/// taken as written.
pub fn filter_for(log_level: &str) -> String {
    let level = log_level.trim().to_ascii_lowercase();
    match level.as_str() {
        "debug" | "trace" => format!("info,clinic_api={level},{QUIET}"),
        "warn" | "info" => format!("{level},{QUIET}"),
        "off" | "error" => level,
        _ => log_level.to_owned(),
    }
}

/// What stays quiet below `error` at every bare level: the PostgreSQL
/// driver warns of a database URL's parameters it does not know with their
/// values, `sslpassword` included.
const QUIET: &str = "sqlx_postgres::options=error";

/// For tests: logs only when `TEST_LOG` is set, and never fails if a subscriber exists.
pub fn init_for_tests() {
    if std::env::var_os("TEST_LOG").is_some() {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(EnvFilter::new("debug"))
            .with_test_writer()
            .try_init();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_level_is_this_services_and_other_crates_stay_at_info_at_most() {
        assert_eq!(
            filter_for("trace"),
            format!("info,clinic_api=trace,{QUIET}")
        );
        assert_eq!(
            filter_for("debug"),
            format!("info,clinic_api=debug,{QUIET}")
        );
        assert_eq!(
            filter_for(" DEBUG "),
            format!("info,clinic_api=debug,{QUIET}")
        );
        assert_eq!(filter_for("info"), format!("info,{QUIET}"));
        assert_eq!(filter_for("warn"), format!("warn,{QUIET}"));
        assert_eq!(filter_for("error"), "error");
    }

    #[test]
    fn a_filter_is_taken_as_written() {
        for filter in [
            "clinic_api=debug,tower_http=trace",
            "clinic_api=trace",
            "warn,sqlx=debug",
            "debug,clinic_api=trace",
        ] {
            assert_eq!(filter_for(filter), filter);
        }
    }
}
