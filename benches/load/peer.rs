//! The peer, measured by its own script in the same run, and the axum-limit
//! proxy that script builds.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::report::Row;

/// What the peer script needs from this run.
pub struct PeerSettings<'a> {
    pub script: &'a Path,
    pub database_url: &'a str,
    /// WARM_S, MEASURE_S, CONNS, THREADS, QUERIES and, if set, PGL_WORKERS.
    pub env: Vec<(&'static str, String)>,
    /// Its output, kept whole.
    pub log: &'a Path,
}

/// Runs `peer-postgraphile.sh` (without its axum-limit runs), printing its
/// progress lines; the rows of its `summary.tsv` and the folder of its results.
pub fn run(settings: &PeerSettings<'_>) -> (Vec<Row>, PathBuf) {
    let mut log = std::fs::File::create(settings.log).expect("create the peer log");
    let mut child = Command::new(settings.script)
        .envs(settings.env.clone())
        .env("PEER_PG_URL", settings.database_url)
        .env("SKIP_LIMIT", "1")
        .env_remove("SKIP_PEER")
        .stdin(Stdio::null())
        .stdout(log.try_clone().expect("share the peer log"))
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", settings.script.display()));
    let mut results = None;
    let progress = BufReader::new(child.stderr.take().expect("the peer's stderr"));
    for line in progress.lines() {
        let line = line.expect("read the peer's progress");
        eprintln!("  {line}");
        writeln!(log, "{line}").expect("write the peer log");
        // "[peerbench 12:00:00] raw wrk output, bodies and responses: /tmp/peerbench/results/…"
        if line.contains("raw wrk output") {
            results = line
                .rsplit_once(": ")
                .map(|(_, dir)| PathBuf::from(dir.trim()));
        }
    }
    let status = child.wait().expect("wait for the peer script");
    assert!(
        status.success(),
        "the peer script failed ({status}); see {} (SKIP_PEER=1 runs without it)",
        settings.log.display()
    );
    let dir = results.unwrap_or_else(newest_results);
    let summary = std::fs::read_to_string(dir.join("summary.tsv"))
        .unwrap_or_else(|e| panic!("no summary.tsv in {}: {e}", dir.display()));
    (parse_summary(&summary), dir)
}

/// The newest folder under the peer's results, for when its log did not name one.
fn newest_results() -> PathBuf {
    let root = scratch_dir().join("results");
    std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("no peer results in {}: {e}", root.display()))
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .max()
        .expect("a peer results folder")
}

/// Rows of the peer's `summary.tsv`, found by its header's column names.
fn parse_summary(tsv: &str) -> Vec<Row> {
    let mut lines = tsv.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split('\t').collect();
    let column = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| panic!("the peer's summary.tsv has no {name} column"))
    };
    let [target, query, req_s, p50, p99, non2xx, socket, bytes, cpu] = [
        "target",
        "query",
        "req_s",
        "p50_ms",
        "p99_ms",
        "non2xx",
        "socket_errors",
        "resp_bytes",
        "server_cpu",
    ]
    .map(column);
    let number = |text: &str| text.trim().parse::<f64>().ok();
    lines
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            let field = |i: usize| f.get(i).copied().unwrap_or("");
            Row {
                target: field(target).to_owned(),
                op: field(query).to_owned(),
                req_s: number(field(req_s)).unwrap_or(0.0),
                p50_ms: number(field(p50)),
                p99_ms: number(field(p99)),
                non_2xx: number(field(non2xx)).map_or(0, |n| n as u64),
                // "connect0,read0,write0,timeout0", or "-" without errors.
                socket_errors: field(socket)
                    .split(|c: char| !c.is_ascii_digit())
                    .filter_map(|n| n.parse::<u64>().ok())
                    .sum(),
                resp_bytes: number(field(bytes)).map_or(0, |n| n as u64),
                cpu_pct: number(field(cpu)),
            }
        })
        .collect()
}

/// The peer script's scratch folder: `PEERBENCH_DIR`, else `/tmp/peerbench`.
pub fn scratch_dir() -> PathBuf {
    std::env::var_os("PEERBENCH_DIR").map_or_else(|| PathBuf::from("/tmp/peerbench"), PathBuf::from)
}

/// The axum-limit binary the peer script builds; built the same way here if missing.
pub fn axum_limit_binary(bench_dir: &Path) -> PathBuf {
    let scratch = scratch_dir();
    let target = scratch.join("axum-limit-target");
    let binary = target.join("release/axum-limit");
    if binary.exists() {
        return binary;
    }
    println!("building axum-limit into {}", target.display());
    // From a copy: the shared folder may be read-only.
    let source = scratch.join("axum-limit-src");
    copy_dir(&bench_dir.join("axum-limit"), &source);
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--release", "--quiet"])
        .current_dir(&source)
        .env("CARGO_TARGET_DIR", &target)
        .status()
        .expect("cargo runs");
    assert!(status.success(), "building axum-limit failed ({status})");
    binary
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create the axum-limit copy");
    for entry in std::fs::read_dir(from).expect("read the axum-limit folder") {
        let entry = entry.expect("an axum-limit file");
        let destination = to.join(entry.file_name());
        if entry.file_type().expect("a file type").is_dir() {
            copy_dir(&entry.path(), &destination);
        } else {
            std::fs::copy(entry.path(), &destination).expect("copy an axum-limit file");
            // Copies of read-only files are read-only; a later copy must overwrite them.
            std::fs::set_permissions(&destination, std::fs::Permissions::from_mode(0o644))
                .expect("make the copy writable");
        }
    }
}
