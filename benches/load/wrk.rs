//! Running `wrk` and reading its report.

use std::path::Path;
use std::process::Command;

/// How wrk loads a server: the same for every run.
pub struct Load {
    pub threads: u64,
    pub connections: u64,
}

/// What one wrk run reports.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// Answers received.
    pub requests: u64,
    pub requests_per_second: f64,
    /// Only with `--latency`.
    pub p50_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    pub non_2xx: u64,
    /// connect + read + write + timeout.
    pub socket_errors: u64,
}

impl Report {
    pub fn clean(&self) -> bool {
        self.non_2xx == 0 && self.socket_errors == 0
    }
}

/// One wrk run of `seconds` against `url` with `script`, posting `body`;
/// wrk's output is kept in `out`. `key_prefix` reaches the script as
/// `$WRK_KEY_PREFIX` (the booking script's idempotency keys).
pub struct Run<'a> {
    pub url: &'a str,
    pub script: &'a Path,
    pub body: &'a Path,
    pub key_prefix: &'a str,
    pub seconds: u64,
    pub latency: bool,
    pub out: &'a Path,
}

impl Load {
    pub fn run(&self, run: &Run<'_>) -> Report {
        let mut command = Command::new("wrk");
        command
            .arg(format!("-t{}", self.threads))
            .arg(format!("-c{}", self.connections))
            .arg(format!("-d{}s", run.seconds))
            .args(["--timeout", "10s", "-s"])
            .arg(run.script)
            .env("WRK_BODY_FILE", run.body)
            .env("WRK_KEY_PREFIX", run.key_prefix);
        if run.latency {
            command.arg("--latency");
        }
        let output = command
            .arg(run.url)
            .output()
            .expect("wrk runs (apt-get install wrk)");
        let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
        text.push_str(&String::from_utf8_lossy(&output.stderr));
        std::fs::write(run.out, &text).expect("keep wrk's output");
        if !output.status.success() {
            panic!("wrk failed ({}):\n{text}", output.status);
        }
        parse(&text).unwrap_or_else(|e| panic!("cannot read wrk's report ({e}):\n{text}"))
    }
}

/// Reads wrk's text report.
pub fn parse(text: &str) -> Result<Report, String> {
    let mut report = Report::default();
    let mut seen_rate = false;
    for line in text.lines().map(str::trim) {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["Requests/sec:", rate] => {
                report.requests_per_second = rate.parse().map_err(|_| "Requests/sec")?;
                seen_rate = true;
            }
            ["50%", latency] => report.p50_ms = Some(milliseconds(latency)?),
            ["99%", latency] => report.p99_ms = Some(milliseconds(latency)?),
            [count, "requests", "in", ..] => {
                report.requests = count.parse().map_err(|_| "requests in")?;
            }
            ["Non-2xx", .., count] => report.non_2xx = count.parse().map_err(|_| "Non-2xx")?,
            ["Socket", "errors:", ..] => {
                // "Socket errors: connect 0, read 0, write 0, timeout 0"
                report.socket_errors = words[2..]
                    .iter()
                    .filter_map(|w| w.trim_end_matches(',').parse::<u64>().ok())
                    .sum();
            }
            _ => {}
        }
    }
    if seen_rate {
        Ok(report)
    } else {
        Err("no Requests/sec line".into())
    }
}

/// wrk's latency (`812.00us`, `1.20ms`, `1.05s`, `1.50m`) in milliseconds.
fn milliseconds(text: &str) -> Result<f64, String> {
    let split = text
        .find(|c: char| c.is_ascii_alphabetic())
        .ok_or_else(|| format!("latency without a unit: {text}"))?;
    let (number, unit) = text.split_at(split);
    let value: f64 = number
        .parse()
        .map_err(|_| format!("not a latency: {text}"))?;
    let scale = match unit {
        "us" => 0.001,
        "ms" => 1.0,
        "s" => 1_000.0,
        "m" => 60_000.0,
        "h" => 3_600_000.0,
        _ => return Err(format!("unknown latency unit: {text}")),
    };
    Ok(value * scale)
}
