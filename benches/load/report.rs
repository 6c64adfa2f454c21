//! The report: one row per (target, operation), the ratios to the peer and to
//! the axum-limit proxy, and each of our servers' memory and start time.

use std::fmt::Write;

/// One measured run.
#[derive(Clone, Debug)]
pub struct Row {
    pub target: String,
    pub op: String,
    pub req_s: f64,
    pub p50_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    pub non_2xx: u64,
    pub socket_errors: u64,
    /// Size of one answer's body.
    pub resp_bytes: u64,
    /// Server CPU over the measured run, in % of one core.
    pub cpu_pct: Option<f64>,
}

/// One of our servers, over all its operations.
pub struct ServerFacts {
    pub target: String,
    pub ready_ms: u128,
    pub idle_rss_kb: u64,
    pub peak_rss_kb: u64,
}

/// The peer configurations our figures are divided by, best first.
const PEERS: [&str; 2] = ["postgraphile-x2", "postgraphile"];
/// The target of ours compared with the peer, which runs on PostgreSQL too.
const OURS_VS_PEER: &str = "postgres";

/// The whole report in Markdown.
pub fn markdown(rows: &[Row], servers: &[ServerFacts], ops: &[&str]) -> String {
    let mut out = String::new();
    results_table(&mut out, rows);
    out.push('\n');
    ratios_table(&mut out, rows, ops);
    out.push('\n');
    servers_table(&mut out, servers);
    out
}

fn results_table(out: &mut String, rows: &[Row]) {
    out.push_str(
        "| target | op | req/s | p50 ms | p99 ms | non-2xx | response bytes | server CPU % |\n",
    );
    out.push_str("|---|---|---:|---:|---:|---:|---:|---:|\n");
    for r in rows {
        let _ = writeln!(
            out,
            "| {} | {} | {:.0} | {} | {} | {} | {} | {} |",
            r.target,
            r.op,
            r.req_s,
            ms(r.p50_ms),
            ms(r.p99_ms),
            r.non_2xx,
            r.resp_bytes,
            r.cpu_pct.map_or_else(|| "-".into(), |c| format!("{c:.0}")),
        );
    }
}

fn ratios_table(out: &mut String, rows: &[Row], ops: &[&str]) {
    let find = |target: &str, op: &str| rows.iter().find(|r| r.target == target && r.op == op);
    let peers: Vec<&str> = PEERS
        .into_iter()
        .filter(|p| rows.iter().any(|r| r.target == *p))
        .collect();
    if peers.is_empty() && !rows.iter().any(|r| r.target == "axum-limit") {
        out.push_str("(no peer and no axum-limit measured: nothing to divide by)\n");
        return;
    }
    let _ = write!(out, "| op (ours on {OURS_VS_PEER}) |");
    for peer in &peers {
        let _ = write!(out, " req/s ÷ {peer} | p99 ÷ {peer} |");
    }
    out.push_str(" req/s ÷ axum-limit (our home body) | req/s ÷ axum-limit (2 KB) |\n|---|");
    out.push_str(&"---:|---:|".repeat(peers.len()));
    out.push_str("---:|---:|\n");
    for op in ops {
        let Some(ours) = find(OURS_VS_PEER, op) else {
            continue;
        };
        let _ = write!(out, "| {op} |");
        for peer in &peers {
            let theirs = find(peer, op);
            let rate = theirs.map(|t| ratio(ours.req_s, t.req_s));
            let p99 = theirs.and_then(|t| Some(ratio(ours.p99_ms?, t.p99_ms?)));
            let _ = write!(out, " {} | {} |", times(rate), times(p99));
        }
        let limit = |body: &str| {
            (*op == "home")
                .then(|| find("axum-limit", body))
                .flatten()
                .map(|l| ratio(ours.req_s, l.req_s))
        };
        let _ = writeln!(
            out,
            " {} | {} |",
            percent(limit("body-home")),
            percent(limit("body-2k"))
        );
    }
}

fn servers_table(out: &mut String, servers: &[ServerFacts]) {
    out.push_str("| target | start → ready ms | idle RSS MiB | peak RSS MiB |\n");
    out.push_str("|---|---:|---:|---:|\n");
    for s in servers {
        let _ = writeln!(
            out,
            "| {} | {} | {:.1} | {:.1} |",
            s.target,
            s.ready_ms,
            s.idle_rss_kb as f64 / 1024.0,
            s.peak_rss_kb as f64 / 1024.0,
        );
    }
}

/// The rows as tab-separated values, with a header.
pub fn tsv(rows: &[Row]) -> String {
    let mut out = String::from(
        "target\top\treq_s\tp50_ms\tp99_ms\tnon2xx\tsocket_errors\tresp_bytes\tserver_cpu\n",
    );
    for r in rows {
        let opt = |v: Option<f64>| v.map_or_else(String::new, |v| format!("{v:.3}"));
        let _ = writeln!(
            out,
            "{}\t{}\t{:.1}\t{}\t{}\t{}\t{}\t{}\t{}",
            r.target,
            r.op,
            r.req_s,
            opt(r.p50_ms),
            opt(r.p99_ms),
            r.non_2xx,
            r.socket_errors,
            r.resp_bytes,
            opt(r.cpu_pct),
        );
    }
    out
}

fn ratio(ours: f64, theirs: f64) -> f64 {
    if theirs > 0.0 {
        ours / theirs
    } else {
        f64::NAN
    }
}

fn ms(value: Option<f64>) -> String {
    match value {
        Some(v) if v < 10.0 => format!("{v:.2}"),
        Some(v) => format!("{v:.1}"),
        None => "-".into(),
    }
}

/// A ratio with about three significant digits: `105×`, `18.4×`, `0.16×`, `0.012×`.
fn times(value: Option<f64>) -> String {
    match value {
        Some(v) if v >= 100.0 => format!("{v:.0}×"),
        Some(v) if v >= 10.0 => format!("{v:.1}×"),
        Some(v) if v >= 0.1 => format!("{v:.2}×"),
        Some(v) => format!("{v:.3}×"),
        None => "-".into(),
    }
}

fn percent(value: Option<f64>) -> String {
    value.map_or_else(|| "-".into(), |v| format!("{:.2}%", v * 100.0))
}
