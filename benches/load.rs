//! The GraphQL server under load, side by side with its peer (PostGraphile)
//! and with a bare axum endpoint, on the same data and the same machine.
//!
//! ```sh
//! cargo bench --bench load
//! SKIP_PEER=1 WARM_S=2 MEASURE_S=5 cargo bench --bench load   # a quick look
//! ```
//!
//! 1. The data set: the peer benchmark's `schema.sql` + `seed.sql` (in
//!    `BENCH_DIR`) run by `psql` in a scratch database `clinic_bench_seed`, read
//!    back, and written with the same ids in this project's schema to a fresh
//!    SQLite file and to a fresh PostgreSQL database `clinic_bench`.
//! 2. The peer: `peer-postgraphile.sh` from `BENCH_DIR` on the database
//!    `clinic_bench_peer` (its tables are dropped and recreated there), with the
//!    same load settings; its `summary.tsv` joins our report. PostgreSQL is
//!    checkpointed before it starts, and again before our server on
//!    PostgreSQL: each starts with the next timed checkpoint minutes away, so
//!    that neither is measured while the other's writes are written out.
//! 3. For each target, the real `clinic-api serve` binary (its log in a
//!    temporary folder, booking limits raised beyond reach so that they are
//!    checked but never refuse). Each operation of `benches/queries/` is checked
//!    once, then loaded by `wrk`: a warm-up run, discarded, then a measured one.
//!    `book` gives each request its own `Idempotency-Key` (`benches/book.lua`).
//! 4. The limit: `axum-limit` (built by the peer script, or here if missing)
//!    answering with its built-in ~2 KB body, then with our home answer.
//! 5. The report: every run (req/s, p50, p99, non-2xx, response size, server
//!    CPU in % of one core), our figures divided by the peer's and the limit's,
//!    memory and start time. `BENCH_OUT` keeps it (`summary.md`, `summary.tsv`)
//!    with the request bodies, our answers, wrk's raw output, the server logs
//!    and the peer's summary. Any non-2xx answer or socket error fails the run.
//!
//! Needs `wrk` (`apt-get install wrk`), `psql`, a PostgreSQL server that
//! `BENCH_POSTGRES_URL` reaches with the right to create databases, and for the
//! peer Node.js with npm (its first run installs PostGraphile from npm, and
//! building axum-limit the first time fetches axum from crates.io). The
//! databases `clinic_bench` and `clinic_bench_peer` are left for inspection.
//!
//! Knobs (environment):
//! - `WARM_S` (10), `MEASURE_S` (20): seconds of each warm-up and measured run.
//! - `CONNS` (32), `THREADS` (2): wrk's connections and threads.
//! - `QUERIES` ("home article directory book"), `TARGETS` ("sqlite postgres").
//! - `SKIP_PEER=1`: no PostGraphile; `SKIP_LIMIT=1`: no axum-limit.
//! - `PGL_WORKERS`: the peer's configurations, passed through (its default "1 2":
//!   one Node process, then two).
//! - `BENCH_DIR` (`<CARGO_MANIFEST_DIR>/../shared/bench`): the peer benchmark.
//! - `BENCH_POSTGRES_URL` (`postgres://postgres@127.0.0.1:5432/postgres`).
//! - `BENCH_OUT` (`target/bench-load/<timestamp>`): where the results go.
//! - `SERVER_LOG_LEVEL` (`warn`): our server's log level; `info` adds the
//!   access log, one line per request, to what is measured.
//! - `SERVER_ARGS` (none): more flags for `clinic-api serve`, e.g.
//!   `--response-cache-mb 0` to measure the reads without the response cache.
//! - `PEERBENCH_DIR` (`/tmp/peerbench`): the peer script's scratch folder.
//!
//! Duration: each (target, operation) takes `WARM_S + MEASURE_S` (30 s by
//! default), and so does each axum-limit body. With the defaults: the peer about
//! 5 minutes (2 configurations × 4 operations × 30 s, plus setup), ours 4 minutes
//! (2 targets × 4 operations × 30 s), axum-limit 1 minute, the data set and
//! server starts well under a minute: about 11 minutes; 6 with `SKIP_PEER=1`.
//! The benchmark prints its own estimate when it starts.
//!
//! wrk, the servers and PostgreSQL share the machine: compare figures of one run.

/// The parts of the benchmark, one file each under `benches/load/`.
mod load {
    pub mod dataset;
    pub mod http;
    pub mod ops;
    pub mod peer;
    pub mod report;
    pub mod run;
    pub mod server;
    pub mod wrk;
}

use load::{dataset, http, ops, peer, report, run, server, wrk};

use std::path::{Path, PathBuf};

use ops::Op;
use run::Bench;

/// A numeric knob from the environment.
fn knob(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

/// A text knob from the environment.
fn text_knob(name: &str, default: &str) -> String {
    std::env::var(name)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| default.to_owned())
}

/// A yes/no knob: `1`, `true` or `yes` turn it on.
fn flag(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| matches!(v.trim(), "1" | "true" | "yes"))
}

/// A database the server is measured on.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Target {
    Sqlite,
    Postgres,
}

impl Target {
    fn parse(name: &str) -> Option<Self> {
        match name {
            "sqlite" => Some(Self::Sqlite),
            "postgres" => Some(Self::Postgres),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }
}

/// Everything the knobs say.
struct Settings {
    warm_s: u64,
    measure_s: u64,
    load: wrk::Load,
    ops: Vec<Op>,
    targets: Vec<Target>,
    skip_peer: bool,
    skip_limit: bool,
    pgl_workers: Option<String>,
    bench_dir: PathBuf,
    postgres_url: String,
    out: PathBuf,
    log_level: String,
    server_args: Vec<String>,
    /// Tells this run's idempotency keys from every other run's.
    run_id: String,
}

impl Settings {
    fn from_env() -> Self {
        let run_id = chrono::Utc::now().format("%Y%m%d-%H%M%S").to_string();
        let list = |name, default| {
            text_knob(name, default)
                .split_whitespace()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        };
        let ops: Vec<Op> = list("QUERIES", "home article directory book")
            .iter()
            .map(|n| Op::parse(n).unwrap_or_else(|| panic!("QUERIES: no operation {n:?}")))
            .collect();
        let targets: Vec<Target> = list("TARGETS", "sqlite postgres")
            .iter()
            .map(|n| Target::parse(n).unwrap_or_else(|| panic!("TARGETS: no target {n:?}")))
            .collect();
        let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
        let out = std::env::var_os("BENCH_OUT").map_or_else(
            || target_dir(manifest_dir).join("bench-load").join(&run_id),
            PathBuf::from,
        );
        assert!(
            !ops.is_empty() && !targets.is_empty(),
            "QUERIES and TARGETS must each name at least one"
        );
        Self {
            warm_s: knob("WARM_S", 10),
            measure_s: knob("MEASURE_S", 20),
            load: wrk::Load {
                threads: knob("THREADS", 2),
                connections: knob("CONNS", 32),
            },
            ops,
            targets,
            skip_peer: flag("SKIP_PEER"),
            skip_limit: flag("SKIP_LIMIT"),
            pgl_workers: std::env::var("PGL_WORKERS")
                .ok()
                .filter(|w| !w.trim().is_empty()),
            bench_dir: std::env::var_os("BENCH_DIR")
                .map_or_else(|| manifest_dir.join("../shared/bench"), PathBuf::from),
            postgres_url: text_knob(
                "BENCH_POSTGRES_URL",
                "postgres://postgres@127.0.0.1:5432/postgres",
            ),
            out,
            log_level: text_knob("SERVER_LOG_LEVEL", "warn"),
            server_args: list("SERVER_ARGS", ""),
            run_id,
        }
    }

    fn op_names(&self) -> Vec<&'static str> {
        self.ops.iter().map(|op| op.name()).collect()
    }

    /// Roughly how long the whole run takes, in seconds.
    fn estimated_seconds(&self) -> u64 {
        let per_run = self.warm_s + self.measure_s;
        let ops = self.ops.len() as u64;
        let peer = if self.skip_peer {
            0
        } else {
            let configurations =
                self.pgl_workers
                    .as_deref()
                    .map_or(2, |w| w.split_whitespace().count()) as u64;
            // Loading its data, starting Node, checking the answers.
            30 + configurations * (ops * per_run + 10)
        };
        let ours = self.targets.len() as u64 * (ops * (per_run + 1) + 5);
        let limit = if self.skip_limit {
            0
        } else {
            2 * (per_run + 2)
        };
        15 + peer + ours + limit
    }
}

/// The cargo target folder this benchmark was built in (`…/target/release/deps/load-…`).
fn target_dir(manifest_dir: &Path) -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.ancestors().nth(3).map(Path::to_path_buf))
        .unwrap_or_else(|| manifest_dir.join("target"))
}

fn main() {
    let settings = Settings::from_env();
    println!(
        "load benchmark: {} on {}, wrk -t{} -c{}, {} s warm-up + {} s measured per run: about {} min",
        settings.op_names().join(" "),
        settings
            .targets
            .iter()
            .map(|t| t.name())
            .collect::<Vec<_>>()
            .join(" "),
        settings.load.threads,
        settings.load.connections,
        settings.warm_s,
        settings.measure_s,
        settings.estimated_seconds().div_ceil(60),
    );
    let work = tempfile::tempdir().expect("a temporary folder");
    let mut bench = Bench::new(settings, work.path());

    let databases = bench.prepare_databases();
    let mut rows = Vec::new();
    if !bench.settings.skip_peer {
        rows.extend(bench.run_peer());
    }
    let mut servers = Vec::new();
    let mut home_answers = Vec::new();
    for (target, url) in &databases {
        let (target_rows, facts, home) = bench.run_target(*target, url);
        rows.extend(target_rows);
        servers.push(facts);
        home_answers.extend(home.map(|answer| (*target, answer)));
    }
    if !bench.settings.skip_limit {
        // Both targets return the same data; PostgreSQL's answer if there is one.
        home_answers.sort_by_key(|(target, _)| *target != Target::Postgres);
        let home = home_answers.first().map(|(_, answer)| answer.as_path());
        rows.extend(bench.run_limits(home));
    }
    if !bench.report(&rows, &servers) {
        std::process::exit(1);
    }
}
