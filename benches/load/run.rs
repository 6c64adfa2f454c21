//! The steps of a run: the databases, the peer, our server on each target,
//! the axum-limit proxy, and the report with its final check.

use std::path::{Path, PathBuf};
use std::time::Instant;

use entity::booking_request::BookingStatus;
use hyper::StatusCode;
use sea_orm::Database;

use crate::dataset::{self, Seed};
use crate::http::Http;
use crate::ops::Op;
use crate::report::{self, Row, ServerFacts};
use crate::server::{self, Server};
use crate::{Settings, Target, peer, wrk};

/// The target database on PostgreSQL (recreated every run).
const TARGET_DATABASE: &str = "clinic_bench";
/// The peer's database on the same PostgreSQL.
const PEER_DATABASE: &str = "clinic_bench_peer";

/// What every step shares.
pub struct Bench {
    pub settings: Settings,
    runtime: tokio::runtime::Runtime,
    http: Http,
    /// The temporary folder: the SQLite file and the server logs.
    work: PathBuf,
    /// `benches/`, with the queries and the wrk scripts.
    benches: PathBuf,
    /// The request body of each operation, under `BENCH_OUT/bodies/`.
    bodies: Vec<(Op, PathBuf)>,
    ticks_per_second: f64,
    /// Warm-up runs with errors (measured ones show in their rows).
    problems: Vec<String>,
    /// Worth knowing, for the end of the report.
    notes: Vec<String>,
}

/// One (target, operation) under load.
struct Subject<'a> {
    target: &'a str,
    op: &'a str,
    url: &'a str,
    /// The wrk script, in `benches/`.
    script: &'a str,
    body: &'a Path,
    /// The server whose CPU time is counted.
    pid: u32,
    resp_bytes: u64,
}

impl Bench {
    /// Creates the results folder and writes the request bodies into it.
    pub fn new(settings: Settings, work: &Path) -> Self {
        for dir in ["wrk", "bodies", "responses"] {
            std::fs::create_dir_all(settings.out.join(dir)).expect("create the results folder");
        }
        let benches = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches");
        let bodies = settings
            .ops
            .iter()
            .map(|&op| {
                let path = settings.out.join(format!("bodies/{}.json", op.name()));
                std::fs::write(&path, op.request_body(&benches.join("queries")))
                    .expect("write a request body");
                (op, path)
            })
            .collect();
        Self {
            settings,
            runtime: tokio::runtime::Runtime::new().expect("a tokio runtime"),
            http: Http::new(),
            work: work.to_owned(),
            benches,
            bodies,
            ticks_per_second: server::ticks_per_second() as f64,
            problems: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// Builds the data set and writes it to every target; each target's database URL.
    pub fn prepare_databases(&self) -> Vec<(Target, String)> {
        let s = &self.settings;
        println!("data set: {}", s.bench_dir.display());
        let started = Instant::now();
        let psql_log = s.out.join("psql.log");
        let seed = self
            .runtime
            .block_on(Seed::evaluate(&s.postgres_url, &s.bench_dir, &psql_log));
        let mut databases = Vec::new();
        for &target in &s.targets {
            let url = match target {
                Target::Sqlite => format!(
                    "sqlite://{}?mode=rwc",
                    self.work.join("clinic-bench.db").display()
                ),
                Target::Postgres => {
                    self.with_admin(|admin| async move {
                        dataset::recreate_database(&admin, TARGET_DATABASE).await
                    });
                    // Without TLS, as the peer's driver connects by default:
                    // both talk to the same server over loopback.
                    let mut url =
                        url::Url::parse(&dataset::database_url(&s.postgres_url, TARGET_DATABASE))
                            .expect("a database URL");
                    if !url.query_pairs().any(|(k, _)| k == "sslmode") {
                        url.query_pairs_mut().append_pair("sslmode", "disable");
                    }
                    url.into()
                }
            };
            let counts = self.runtime.block_on(seed.write_to(&url));
            let counts: Vec<String> = counts.iter().map(|(t, n)| format!("{n} {t}")).collect();
            println!("  {}: {}", target.name(), counts.join(", "));
            databases.push((target, url));
        }
        println!("  written in {:.1} s", started.elapsed().as_secs_f64());
        databases
    }

    /// Runs `f` with a connection to the PostgreSQL server's admin database;
    /// the run cannot go on without it.
    fn with_admin<F, Fut>(&self, f: F)
    where
        F: FnOnce(sea_orm::DatabaseConnection) -> Fut,
        Fut: Future<Output = Result<(), sea_orm::DbErr>>,
    {
        if let Err(error) = self.try_admin(f) {
            let url = &self.settings.postgres_url;
            panic!("an admin statement failed on PostgreSQL at {url}: {error}");
        }
    }

    /// Runs `f` with a connection to the PostgreSQL server's admin database.
    fn try_admin<F, Fut>(&self, f: F) -> Result<(), sea_orm::DbErr>
    where
        F: FnOnce(sea_orm::DatabaseConnection) -> Fut,
        Fut: Future<Output = Result<(), sea_orm::DbErr>>,
    {
        self.runtime.block_on(async {
            let admin = Database::connect(&self.settings.postgres_url).await?;
            f(admin).await
        })
    }

    /// Checkpoints PostgreSQL before a run on it. Each run on PostgreSQL,
    /// the peer's and ours, starts right after a checkpoint, so that
    /// neither is measured while PostgreSQL writes out what an earlier run
    /// wrote: its next timed checkpoint is `checkpoint_timeout` (5 minutes
    /// by default) away, longer than a run. A role that may not checkpoint
    /// gets a note and the runs go on.
    fn checkpoint(&self, before: &str) {
        let done = self.try_admin(|admin| async move { dataset::checkpoint(&admin).await });
        if let Err(error) = done {
            println!("  no checkpoint before {before} ({error}): it may run during one");
        }
    }

    /// Runs the peer script on its own database; its rows.
    pub fn run_peer(&self) -> Vec<Row> {
        let s = &self.settings;
        self.with_admin(
            |admin| async move { dataset::ensure_database(&admin, PEER_DATABASE).await },
        );
        self.checkpoint("the peer");
        println!("peer: PostGraphile on {PEER_DATABASE}, by its own script (SKIP_PEER=1 skips it)");
        let mut env = vec![
            ("WARM_S", s.warm_s.to_string()),
            ("MEASURE_S", s.measure_s.to_string()),
            ("CONNS", s.load.connections.to_string()),
            ("THREADS", s.load.threads.to_string()),
            ("QUERIES", s.op_names().join(" ")),
        ];
        if let Some(workers) = &s.pgl_workers {
            env.push(("PGL_WORKERS", workers.clone()));
        }
        let (rows, dir) = peer::run(&peer::PeerSettings {
            script: &s.bench_dir.join("peer-postgraphile.sh"),
            database_url: &dataset::database_url(&s.postgres_url, PEER_DATABASE),
            env,
            log: &s.out.join("peer.log"),
        });
        for file in ["summary.tsv", "summary.md", "versions.txt"] {
            let _ = std::fs::copy(dir.join(file), s.out.join(format!("peer-{file}")));
        }
        println!("  peer results: {}", dir.display());
        rows
    }

    /// Starts our server on `url`, checks and loads every operation, and stops
    /// it; the rows, the server's facts, and its home answer if it gave one.
    pub fn run_target(
        &mut self,
        target: Target,
        url: &str,
    ) -> (Vec<Row>, ServerFacts, Option<PathBuf>) {
        let name = target.name();
        if target == Target::Postgres {
            self.checkpoint(name);
        }
        let port = server::free_port();
        let log = self.work.join(format!("server-{name}.log"));
        let s = &self.settings;
        let command = server::clinic_api(url, port, &s.log_level, &s.server_args, &self.work);
        let mut server = Server::spawn("clinic-api", command, &log);
        let ready_url = format!("http://127.0.0.1:{port}/readyz");
        let ready = server.wait_until(|| {
            self.runtime.block_on(self.http.status_of_get(&ready_url)) == Some(StatusCode::OK)
        });
        let pid = server.pid();
        let idle_rss_kb = server::memory_kb(pid, "VmRSS");
        println!("{name}: clinic-api ready in {} ms", ready.as_millis());

        let graphql = format!("http://127.0.0.1:{port}/graphql");
        let checked: Vec<(Op, PathBuf, PathBuf)> = self
            .bodies
            .iter()
            .map(|(op, body)| {
                let answer = self.check(target, url, *op, &graphql, body);
                (*op, body.clone(), answer)
            })
            .collect();
        let mut rows = Vec::new();
        for (op, body, answer) in &checked {
            let bookings_before = self.bookings(*op, url);
            rows.push(self.measure(&Subject {
                target: name,
                op: op.name(),
                url: &graphql,
                script: op.script(),
                body,
                pid,
                resp_bytes: std::fs::metadata(answer).map_or(0, |m| m.len()),
            }));
            if let (Some(before), Some(after)) = (bookings_before, self.bookings(*op, url)) {
                self.notes.push(format!(
                    "{name}/book: {} booking requests stored by its warm-up and measured runs",
                    after - before
                ));
            }
        }
        let peak_rss_kb = server::memory_kb(pid, "VmHWM");
        server.stop();
        let kept_log = self.settings.out.join(format!("server-{name}.log"));
        std::fs::copy(&log, &kept_log).expect("keep the server log");
        self.note_log_warnings(name, &kept_log);
        let home = checked.into_iter().find(|(op, _, _)| *op == Op::Home);
        let facts = ServerFacts {
            target: name.to_owned(),
            ready_ms: ready.as_millis(),
            idle_rss_kb,
            peak_rss_kb,
        };
        (rows, facts, home.map(|(_, _, answer)| answer))
    }

    /// For `book`, how many booking requests the target holds.
    fn bookings(&self, op: Op, url: &str) -> Option<u64> {
        (op == Op::Book).then(|| self.runtime.block_on(dataset::booking_count(url)))
    }

    /// Sends `op` once and fails loudly unless the answer is right; where the answer is kept.
    fn check(&self, target: Target, url: &str, op: Op, graphql: &str, body: &Path) -> PathBuf {
        let label = format!("{}/{}", target.name(), op.name());
        let body = std::fs::read_to_string(body).expect("read the request body");
        let key = format!("load-check-{}-{}", self.settings.run_id, target.name());
        let headers: &[(&str, &str)] = match op {
            Op::Book => &[("idempotency-key", &key)],
            _ => &[],
        };
        let (status, bytes) = self
            .runtime
            .block_on(self.http.post_json(graphql, &body, headers))
            .unwrap_or_else(|| panic!("{label}: the server does not answer"));
        let text = String::from_utf8_lossy(&bytes);
        assert!(status.is_success(), "{label}: HTTP {status}: {text}");
        let answer: serde_json::Value = serde_json::from_slice(&bytes)
            .unwrap_or_else(|e| panic!("{label}: the answer is not JSON ({e}): {text}"));
        if let Err(problem) = op.check(&answer) {
            panic!("{label}: {problem}\n{answer}");
        }
        if op == Op::Book {
            // The sender sees NEW even for spam: ask the database.
            let reference = answer["data"]["requestBooking"]["receipt"]["reference"]
                .as_str()
                .expect("a reference");
            let stored = self
                .runtime
                .block_on(dataset::stored_status(url, reference));
            assert_eq!(
                stored,
                Some(BookingStatus::New),
                "{label}: the request must be stored as NEW"
            );
        }
        let kept =
            self.settings
                .out
                .join(format!("responses/{}-{}.json", target.name(), op.name()));
        std::fs::write(&kept, &bytes).expect("keep the answer");
        kept
    }

    /// Runs axum-limit with its built-in body, then with our home answer.
    pub fn run_limits(&mut self, home_answer: Option<&Path>) -> Vec<Row> {
        let binary = peer::axum_limit_binary(&self.settings.bench_dir);
        // axum-limit ignores what it is sent; wrk sends it a real request, as to us.
        let body = self.bodies[0].1.clone();
        let mut rows = Vec::new();
        for (label, served) in [("body-2k", None), ("body-home", home_answer)] {
            if label == "body-home" && served.is_none() {
                println!("axum-limit: no home answer of ours to serve (QUERIES without home)");
                continue;
            }
            let port = server::free_port();
            let log = self.work.join(format!("axum-limit-{label}.log"));
            let mut limit = Server::spawn(
                "axum-limit",
                server::axum_limit(&binary, port, served),
                &log,
            );
            let url = format!("http://127.0.0.1:{port}/graphql");
            let probe = || self.runtime.block_on(self.http.post_json(&url, "{}", &[]));
            limit.wait_until(|| probe().is_some_and(|(status, _)| status.is_success()));
            let (_, answer) = probe().expect("axum-limit answers");
            rows.push(self.measure(&Subject {
                target: "axum-limit",
                op: label,
                url: &url,
                script: "post.lua",
                body: &body,
                pid: limit.pid(),
                resp_bytes: answer.len() as u64,
            }));
            limit.stop();
        }
        rows
    }

    /// A warm-up run (discarded), then a measured one with the server's CPU time.
    fn measure(&mut self, subject: &Subject<'_>) -> Row {
        let stem = format!("{}/{}", subject.target, subject.op);
        println!(
            "  {stem}: {} s warm-up + {} s measured",
            self.settings.warm_s, self.settings.measure_s
        );
        let warm = self.wrk(subject, true);
        if !warm.clean() {
            self.problems.push(format!(
                "{stem} warm-up: {} non-2xx, {} socket errors",
                warm.non_2xx, warm.socket_errors
            ));
        }
        let ticks = server::cpu_ticks(subject.pid);
        let started = Instant::now();
        let report = self.wrk(subject, false);
        let cpu_s =
            server::cpu_ticks(subject.pid).saturating_sub(ticks) as f64 / self.ticks_per_second;
        let row = Row {
            target: subject.target.to_owned(),
            op: subject.op.to_owned(),
            req_s: report.requests_per_second,
            p50_ms: report.p50_ms,
            p99_ms: report.p99_ms,
            non_2xx: report.non_2xx,
            socket_errors: report.socket_errors,
            resp_bytes: subject.resp_bytes,
            cpu_pct: Some(100.0 * cpu_s / started.elapsed().as_secs_f64()),
        };
        println!(
            "    {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms, {} non-2xx, {} socket errors",
            row.req_s,
            row.p50_ms.unwrap_or(f64::NAN),
            row.p99_ms.unwrap_or(f64::NAN),
            row.non_2xx,
            row.socket_errors
        );
        row
    }

    /// One wrk run; its output goes to `wrk/<target>-<op>[.warm].txt`.
    fn wrk(&self, subject: &Subject<'_>, warm: bool) -> wrk::Report {
        let s = &self.settings;
        let phase = if warm { ".warm" } else { "" };
        let stem = format!("{}-{}{phase}", subject.target, subject.op);
        s.load.run(&wrk::Run {
            url: subject.url,
            script: &self.benches.join(subject.script),
            body: subject.body,
            key_prefix: &format!("{}-{stem}", s.run_id),
            seconds: if warm { s.warm_s } else { s.measure_s },
            latency: !warm,
            out: &s.out.join(format!("wrk/{stem}.txt")),
        })
    }

    /// Notes warnings and errors in a server log.
    fn note_log_warnings(&mut self, target: &str, log: &Path) {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        let flagged: Vec<&str> = text
            .lines()
            .filter(|l| l.contains(" WARN ") || l.contains(" ERROR "))
            .collect();
        if let Some(first) = flagged.first() {
            self.notes.push(format!(
                "{target}: the server logged {} warnings or errors, the first: {first}",
                flagged.len()
            ));
        }
    }

    /// Prints and keeps the report; whether every run was free of errors.
    pub fn report(&self, rows: &[Row], servers: &[ServerFacts]) -> bool {
        let s = &self.settings;
        let mut text = format!(
            "wrk -t{} -c{}, {} s warm-up (discarded) + {} s measured per run; server CPU in % of one core ({} cores)\n\
             clinic-api serve, log level {}{}{}\n\n",
            s.load.threads,
            s.load.connections,
            s.warm_s,
            s.measure_s,
            std::thread::available_parallelism().map_or(0, |n| n.get()),
            s.log_level,
            if s.server_args.is_empty() { "" } else { ", " },
            s.server_args.join(" "),
        );
        text.push_str(&report::markdown(rows, servers, &s.op_names()));
        let mut problems = self.problems.clone();
        problems.extend(
            rows.iter()
                .filter(|r| r.non_2xx > 0 || r.socket_errors > 0)
                .map(|r| {
                    format!(
                        "{}/{}: {} non-2xx, {} socket errors",
                        r.target, r.op, r.non_2xx, r.socket_errors
                    )
                }),
        );
        let notes = self.notes.iter().chain(&problems);
        let notes: Vec<String> = notes.map(|n| format!("- {n}")).collect();
        if !notes.is_empty() {
            text.push_str(&format!("\n{}\n", notes.join("\n")));
        }
        println!("\n{text}");
        std::fs::write(s.out.join("summary.md"), &text).expect("write summary.md");
        std::fs::write(s.out.join("summary.tsv"), report::tsv(rows)).expect("write summary.tsv");
        println!("results: {}", s.out.display());
        if problems.is_empty() {
            println!("check: no wrk run had a non-2xx answer or a socket error");
            true
        } else {
            eprintln!("\n!!! {} wrk run(s) had errors:", problems.len());
            for problem in &problems {
                eprintln!("!!!   {problem}");
            }
            false
        }
    }
}
