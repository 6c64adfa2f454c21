//! The servers under load: starting one with its output in a log file, waiting
//! until it answers, stopping it, and reading its CPU time and memory from `/proc`.

use std::fs::File;
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Booking requests allowed per client address or email and hour: more than
/// any run can send, so the limits are checked and counted but never refuse.
const UNREACHABLE_LIMIT: u32 = 1_000_000_000;
/// How long a server may take to answer for the first time.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// A server process this benchmark started; stopped when dropped.
pub struct Server {
    child: Child,
    name: String,
    log: std::path::PathBuf,
    started: Instant,
}

impl Server {
    /// Starts `command` with standard output and error going to `log`.
    pub fn spawn(name: &str, mut command: Command, log: &Path) -> Self {
        let file = File::create(log).expect("create the server log");
        let started = Instant::now();
        let child = command
            .stdin(Stdio::null())
            .stdout(file.try_clone().expect("share the server log"))
            .stderr(file)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
        Self {
            child,
            name: name.to_owned(),
            log: log.to_owned(),
            started,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Polls `ready` until it says yes; how long that took from the start of
    /// the process. Panics, with the end of the log, if the process dies or
    /// takes too long.
    pub fn wait_until(&mut self, mut ready: impl FnMut() -> bool) -> Duration {
        let asked = Instant::now();
        loop {
            if ready() {
                return self.started.elapsed();
            }
            if let Some(status) = self.child.try_wait().expect("poll the server") {
                panic!("{} exited ({status}):\n{}", self.name, self.log_tail());
            }
            if asked.elapsed() > START_TIMEOUT {
                panic!(
                    "{} did not answer within {START_TIMEOUT:?}:\n{}",
                    self.name,
                    self.log_tail()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Asks the process to stop (SIGTERM), and kills it if it has not within 10 s.
    pub fn stop(&mut self) {
        if self.child.try_wait().ok().flatten().is_some() {
            return;
        }
        let _ = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status();
        let asked = Instant::now();
        while asked.elapsed() < Duration::from_secs(10) {
            if self.child.try_wait().ok().flatten().is_some() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The `clinic-api serve` command on `database_url`, listening on `port`,
/// with `extra` flags.
///
/// The environment is cleared so that nothing from the caller's shell (or a
/// `.env` in the working directory) changes the server: everything but the
/// database, the address, the log level, the booking limits and `extra` stays
/// at its default.
pub fn clinic_api(
    database_url: &str,
    port: u16,
    log_level: &str,
    extra: &[String],
    work_dir: &Path,
) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_clinic-api"));
    command
        .arg("serve")
        .args(extra)
        .env_clear()
        .current_dir(work_dir)
        .env("DATABASE_URL", database_url)
        .env("LISTEN_ADDR", format!("127.0.0.1:{port}"))
        .env("LOG_LEVEL", log_level)
        .env("BOOKING_LIMIT_PER_IP", UNREACHABLE_LIMIT.to_string())
        .env("BOOKING_LIMIT_PER_EMAIL", UNREACHABLE_LIMIT.to_string());
    command
}

/// The axum-limit proxy on `port`, serving `body` or its built-in ~2 KB body.
pub fn axum_limit(binary: &Path, port: u16, body: Option<&Path>) -> Command {
    let mut command = Command::new(binary);
    command.env("LIMIT_ADDR", format!("127.0.0.1:{port}"));
    if let Some(body) = body {
        command.env("LIMIT_BODY_FILE", body);
    }
    command
}

/// A loopback port nobody listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port()
}

/// User plus system CPU time of a process so far, in clock ticks.
pub fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The command name, in parentheses, may hold spaces: count fields after it.
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // Fields 14 (utime) and 15 (stime) of proc(5); the state, field 3, is first here.
    let field = |n: usize| fields.get(n - 3).and_then(|v| v.parse::<u64>().ok());
    field(14).unwrap_or(0) + field(15).unwrap_or(0)
}

/// Clock ticks per second, the unit of [`cpu_ticks`].
pub fn ticks_per_second() -> u64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(100)
}

/// A memory figure of `/proc/<pid>/status` in kB: `VmRSS` (now) or `VmHWM` (peak).
pub fn memory_kb(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}
