//! The `clinic-api` binary as a newcomer runs it: first `serve` in an empty
//! directory, the other subcommands, and a graceful stop on SIGTERM.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn clinic_api(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_clinic-api"));
    command
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env_remove("RUST_LOG")
        .env("LOG_LEVEL", "warn");
    command
}

fn run(command: &mut Command) -> Output {
    let output = command.output().expect("clinic-api runs");
    assert!(
        output.status.success(),
        "failed: {}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Plain HTTP/1.1 so that the test needs no client library.
fn http(addr: &str, method: &str, path: &str, body: &str) -> (u16, String) {
    let (status, _, body) = http_with(addr, method, path, &[], body);
    (status, body)
}

/// [`http`] with extra request headers; answers the status, the head (status
/// line and headers) and the body.
fn http_with(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String, String) {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let extra: String = headers
        .iter()
        .map(|(name, value)| format!("{name}: {value}\r\n"))
        .collect();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n{extra}\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response[9..12].parse().unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    (status, head.to_owned(), body.to_owned())
}

struct Server {
    child: Child,
    addr: String,
}

impl Server {
    /// Starts `serve` and waits for it to print where GraphQL is.
    fn start(command: Command) -> Self {
        Self::start_logging_to(command, Stdio::inherit())
    }

    /// Starts `serve` with its log (standard error) going to `log`.
    fn start_logging_to(mut command: Command, log: Stdio) -> Self {
        let child = command
            .args(["--listen", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("clinic-api starts");
        // Owned by the guard at once, so that a failed start still reaps it.
        let mut server = Self {
            child,
            addr: String::new(),
        };
        let stdout = BufReader::new(server.child.stdout.take().unwrap());
        let mut printed = Vec::new();
        let mut addr = None;
        for line in stdout.lines() {
            let line = line.unwrap();
            printed.push(line.clone());
            if let Some(url) = line.trim().strip_prefix("GraphQL:") {
                addr = Some(
                    url.trim()
                        .trim_start_matches("http://")
                        .trim_end_matches("/graphql")
                        .to_owned(),
                );
            }
            if line.trim().starts_with("Health:") {
                server.addr =
                    addr.expect("the GraphQL address is printed before the health checks");
                return server;
            }
        }
        panic!("serve ended without saying where it listens: {printed:?}");
    }

    /// Sends SIGTERM and waits for a clean exit.
    fn terminate(mut self) {
        let pid = self.child.id().to_string();
        let status = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        assert!(status.success());
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "exit status after SIGTERM: {status}");
                return;
            }
            assert!(
                Instant::now() < deadline,
                "still running 15 s after SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const ORGANIZATION: &str = r#"{"query":"{ organization { name } therapists { totalCount } }"}"#;

#[test]
fn first_serve_creates_the_database_loads_the_demo_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(clinic_api(dir.path()));
    assert!(
        dir.path().join("clinic.db").exists(),
        "clinic.db was not created"
    );
    assert_eq!(http(&server.addr, "GET", "/healthz", "").0, 200);
    assert_eq!(http(&server.addr, "GET", "/readyz", "").0, 200);
    let (status, body) = http(&server.addr, "POST", "/graphql", ORGANIZATION);
    assert_eq!(status, 200);
    assert!(body.contains("Physical Therapy First"), "{body}");
    server.terminate();

    // A second start finds the clinic in place and does not load it twice.
    let server = Server::start(clinic_api(dir.path()));
    let (_, body) = http(&server.addr, "POST", "/graphql", ORGANIZATION);
    let first: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(first["data"]["therapists"]["totalCount"].as_i64().unwrap() >= 6);
    server.terminate();
}

#[test]
fn seed_loads_the_demo_once_and_refuses_a_second_time() {
    let dir = tempfile::tempdir().unwrap();
    run(clinic_api(dir.path()).args(["seed", "--demo"]));
    let again = clinic_api(dir.path())
        .args(["seed", "--demo"])
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already holds a clinic"));
}

#[test]
fn migrate_reports_status_and_rolls_back() {
    let dir = tempfile::tempdir().unwrap();
    let status = |dir: &Path| {
        String::from_utf8(run(clinic_api(dir).args(["migrate", "status"])).stdout).unwrap()
    };
    run(clinic_api(dir.path()).args(["migrate", "up"]));
    let applied = status(dir.path());
    assert!(applied.lines().count() >= 6, "{applied}");
    assert!(
        applied.lines().all(|l| l.starts_with("applied")),
        "{applied}"
    );
    run(clinic_api(dir.path()).args(["migrate", "down", "--all"]));
    let pending = status(dir.path());
    assert!(
        pending.lines().all(|l| l.starts_with("pending")),
        "{pending}"
    );
}

#[test]
fn export_schema_writes_what_schema_graphql_holds() {
    let dir = tempfile::tempdir().unwrap();
    run(clinic_api(dir.path()).args(["export-schema", "out.graphql"]));
    let written = std::fs::read_to_string(dir.path().join("out.graphql")).unwrap();
    let committed =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("schema.graphql"))
            .unwrap();
    assert!(
        written == committed,
        "export-schema differs from schema.graphql"
    );
    let printed = run(clinic_api(dir.path()).args(["export-schema", "-"])).stdout;
    assert!(
        printed == committed.as_bytes(),
        "export-schema - differs from schema.graphql"
    );
}

#[test]
fn help_names_every_command_and_hides_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let help = run(clinic_api(dir.path())
        .arg("--help")
        .env("DATABASE_URL", "postgres://u:s3cret@h/db"));
    let text = String::from_utf8(help.stdout).unwrap();
    for command in ["serve", "migrate", "seed", "export-schema"] {
        assert!(text.contains(command), "{command} missing from --help");
    }
    assert!(!text.contains("s3cret"), "--help printed a password");
}

#[test]
fn serve_refuses_a_database_it_cannot_open_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let output = clinic_api(dir.path())
        .env("DATABASE_URL", "postgres://clinic:s3cret@127.0.0.1:1/none")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cannot open the database"), "{stderr}");
    assert!(
        !stderr.contains("s3cret"),
        "the password was printed: {stderr}"
    );
}

/// With `TEST_DATABASE_URL` on PostgreSQL, the URL of a new, empty database
/// beside it; otherwise none.
fn new_postgres_database() -> Option<String> {
    let base = std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| u.starts_with("postgres"))?;
    let name = format!("clinic_cli_{}", uuid::Uuid::new_v4().simple());
    let status = Command::new("psql")
        .args([base.as_str(), "-qc", &format!("CREATE DATABASE {name}")])
        .status()
        .expect("psql runs");
    assert!(status.success());
    let (prefix, _) = base.rsplit_once('/').unwrap();
    Some(format!("{prefix}/{name}"))
}

/// With `TEST_DATABASE_URL`, `serve` does the same on PostgreSQL.
#[test]
fn serve_works_on_postgresql_too() {
    let Some(url) = new_postgres_database() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut command = clinic_api(dir.path());
    // A parameter the driver does not know, which it would log with its value.
    command.env("DATABASE_URL", format!("{url}?sslpassword=ssl7secret"));
    let log_path = dir.path().join("server.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let server = Server::start_logging_to(command, Stdio::from(log));
    let (status, body) = http(&server.addr, "POST", "/graphql", ORGANIZATION);
    assert_eq!(status, 200);
    assert!(body.contains("Physical Therapy First"), "{body}");
    assert!(!dir.path().join("clinic.db").exists());
    server.terminate();
    let log = std::fs::read_to_string(&log_path).unwrap();
    assert!(!log.contains("ssl7secret"), "{log}");
}

/// Runs a command with `input` on standard input.
fn run_with_input(command: &mut Command, input: &str) -> Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("clinic-api runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn staff_and_tokens_are_managed_from_the_command_line_and_work_on_the_api() {
    let dir = tempfile::tempdir().unwrap();
    let create = |email: &str, password: &str| {
        run_with_input(
            clinic_api(dir.path()).args([
                "staff",
                "create",
                "--email",
                email,
                "--name",
                "Fran Desk",
                "--role",
                "front-desk",
            ]),
            &format!("{password}\n"),
        )
    };
    let created = create("fran@example.com", "correct horse battery staple");
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    let again = create("FRAN@example.com", "correct horse battery staple");
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"));
    let short = create("short@example.com", "short");
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 12"));

    let list =
        String::from_utf8(run(clinic_api(dir.path()).args(["staff", "list"])).stdout).unwrap();
    assert!(
        list.contains("fran@example.com") && list.contains("FrontDesk"),
        "{list}"
    );
    assert!(
        !list.contains("argon2"),
        "the password hash was listed: {list}"
    );

    let made = run(clinic_api(dir.path()).args([
        "token",
        "create",
        "--email",
        "fran@example.com",
        "--label",
        "laptop",
    ]));
    let token = String::from_utf8(made.stdout).unwrap().trim().to_owned();
    assert!(
        token.starts_with("ptf_") && !token.contains('\n'),
        "{token}"
    );
    let tokens =
        String::from_utf8(run(clinic_api(dir.path()).args(["token", "list"])).stdout).unwrap();
    assert!(
        tokens.contains("laptop") && tokens.contains("valid"),
        "{tokens}"
    );
    assert!(!tokens.contains(&token), "token list showed a token");
    assert!(tokens.contains("never used"), "{tokens}");
    let too_long = run_with_input(
        clinic_api(dir.path()).args([
            "token",
            "create",
            "--email",
            "fran@example.com",
            "--days",
            "400",
        ]),
        "",
    );
    assert!(!too_long.status.success());
    assert!(
        String::from_utf8_lossy(&too_long.stderr).contains("at most 365 days"),
        "{}",
        String::from_utf8_lossy(&too_long.stderr)
    );

    let server = Server::start(clinic_api(dir.path()));
    let viewer = r#"{"query":"{ viewer { email role } }"}"#;
    let bearer = format!("Bearer {token}");
    let with_token = |addr: &str| {
        let (status, _, body) = http_with(
            addr,
            "POST",
            "/graphql",
            &[("Authorization", &bearer)],
            viewer,
        );
        (status, body)
    };
    let (_, body) = with_token(&server.addr);
    assert!(body.contains("\"role\":\"FRONT_DESK\""), "{body}");
    let tokens =
        String::from_utf8(run(clinic_api(dir.path()).args(["token", "list"])).stdout).unwrap();
    assert!(tokens.contains("used 20"), "the use is recorded: {tokens}");

    let id = tokens.split_whitespace().next().unwrap();
    run(clinic_api(dir.path()).args(["token", "revoke", id]));
    let (status, body) = with_token(&server.addr);
    assert_eq!(status, 401, "{body}");
    server.terminate();

    run(clinic_api(dir.path()).args(["staff", "disable", "--email", "fran@example.com"]));
    let list =
        String::from_utf8(run(clinic_api(dir.path()).args(["staff", "list"])).stdout).unwrap();
    assert!(list.contains("disabled"), "{list}");
}

/// Runs SQL on the SQLite database in `dir`, as an operator's tool would.
fn sqlite(dir: &Path, sql: &str) -> Vec<Vec<String>> {
    let url = format!("sqlite://{}", dir.join("clinic.db").display());
    Database::open(&url).rows(sql)
}

#[test]
fn purge_anonymises_or_deletes_finished_requests_past_the_retention_period() {
    let dir = tempfile::tempdir().unwrap();
    run(clinic_api(dir.path()).args(["seed", "--demo"]));
    // Three requests: cancelled 400 days ago, still new from 400 days ago,
    // and cancelled yesterday.
    let insert = |reference: &str, status: &str, days_ago: i64| {
        let at = (chrono::Utc::now() - chrono::Duration::days(days_ago)).to_rfc3339();
        format!(
            "INSERT INTO booking_request (id, reference, full_name, email, phone_e164, \
             preferred_contact, service_id, location_id, preferred_windows, new_patient, \
             physician_referral, insurance_provider, message, consent, status, submitted_at, updated_at) \
             SELECT '{reference}-id', '{reference}', 'Pat Example', 'pat@example.com', '+13125550199', \
             'EMAIL', (SELECT id FROM service LIMIT 1), (SELECT id FROM location LIMIT 1), '[]', 1, 0, \
             'Blue Cross', 'knee pain', 1, '{status}', '{at}', '{at}'; \
             INSERT INTO booking_request_event (booking_request_id, kind, note, at) \
             VALUES ('{reference}-id', 'NOTE', 'called about knee', '{at}');"
        )
    };
    for (reference, status, days) in [
        ("PTF-OLD222", "CANCELLED", 400),
        ("PTF-OPEN22", "NEW", 400),
        ("PTF-NEW222", "CANCELLED", 1),
    ] {
        sqlite(dir.path(), &insert(reference, status, days));
    }
    let out =
        run(clinic_api(dir.path()).args(["purge", "--retention-days", "365", "--stale-days", "0"]));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("anonymised 1 "), "{said}");
    assert!(!said.contains("open"), "{said}");
    let people = sqlite(
        dir.path(),
        "SELECT reference, full_name, email, phone_e164, COALESCE(message, ''), \
         COALESCE(insurance_provider, ''), CASE WHEN anonymised_at IS NULL THEN 'kept' ELSE 'anonymised' END \
         FROM booking_request ORDER BY reference",
    );
    assert_eq!(
        people,
        [
            [
                "PTF-NEW222",
                "Pat Example",
                "pat@example.com",
                "+13125550199",
                "knee pain",
                "Blue Cross",
                "kept"
            ],
            ["PTF-OLD222", "", "", "", "", "", "anonymised"],
            [
                "PTF-OPEN22",
                "Pat Example",
                "pat@example.com",
                "+13125550199",
                "knee pain",
                "Blue Cross",
                "kept"
            ],
        ]
    );
    let notes = sqlite(
        dir.path(),
        "SELECT booking_request_id, COALESCE(note, '') FROM booking_request_event ORDER BY booking_request_id",
    );
    assert_eq!(
        notes,
        [
            ["PTF-NEW222-id", "called about knee"],
            ["PTF-OLD222-id", ""],
            ["PTF-OPEN22-id", "called about knee"],
        ]
    );

    // Deleting takes the log along; the open request stays whatever its age,
    // anonymised once it is past the stale period (90 days by default).
    let out =
        run(clinic_api(dir.path()).args(["purge", "--retention-days", "0", "--mode", "delete"]));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("deleted 2 "), "{said}");
    assert!(said.contains("anonymised 1 open"), "{said}");
    let left = sqlite(
        dir.path(),
        "SELECT reference, status, full_name FROM booking_request",
    );
    assert_eq!(left, [["PTF-OPEN22", "NEW", ""]]);
    let log = sqlite(
        dir.path(),
        "SELECT booking_request_id, COALESCE(note, '') FROM booking_request_event",
    );
    assert_eq!(log, [["PTF-OPEN22-id", ""]]);
}

/// A connection of the test's own to the database the binary works on, held
/// open as a running server would hold one.
struct Database {
    runtime: tokio::runtime::Runtime,
    db: sea_orm::DatabaseConnection,
}

impl Database {
    fn open(url: &str) -> Self {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let db = runtime
            .block_on(sea_orm::Database::connect(url))
            .expect("the test connects");
        Self { runtime, db }
    }

    fn exec(&self, sql: &str) {
        use sea_orm::ConnectionTrait;
        self.runtime
            .block_on(self.db.execute_unprepared(sql))
            .unwrap_or_else(|e| panic!("{e}: {sql}"));
    }

    /// Each row as text (NULL as the empty string).
    fn rows(&self, sql: &str) -> Vec<Vec<String>> {
        use sea_orm::{ConnectionTrait, Statement};
        let statement = Statement::from_string(self.db.get_database_backend(), sql);
        let rows = self
            .runtime
            .block_on(self.db.query_all_raw(statement))
            .unwrap_or_else(|e| panic!("{e}: {sql}"));
        rows.iter()
            .map(|row| {
                (0..)
                    .map_while(|i| {
                        row.try_get_by_index::<Option<String>>(i)
                            .ok()
                            .map(Option::unwrap_or_default)
                    })
                    .collect()
            })
            .collect()
    }
}

/// Stores, on the demo clinic at `url`, requests of each status and age, each
/// with a note in its log and an idempotency key; purges in `delete` mode
/// with the default periods; checks that the finished one past retention is
/// gone, that the open ones past the stale period are anonymised and keep
/// their status, and that the others are untouched. When `wal` is given, it
/// must be empty right after the purge, though the test holds a connection.
fn purge_anonymises_stale_open_requests(dir: &Path, url: &str, wal: Option<&Path>) {
    run(clinic_api(dir)
        .env("DATABASE_URL", url)
        .args(["seed", "--demo"]));
    let db = Database::open(url);
    let requests = [
        ("PTF-FINISH", "CANCELLED", 400),
        ("PTF-STALEN", "NEW", 100),
        ("PTF-STALEC", "CONTACTED", 100),
        ("PTF-FRESHN", "NEW", 10),
        ("PTF-FRESHC", "CONTACTED", 89),
        ("PTF-SCHEDR", "SCHEDULED", 10),
        ("PTF-SCHEDO", "SCHEDULED", 100),
    ];
    for (n, (reference, status, days_ago)) in requests.into_iter().enumerate() {
        let id = format!("00000000-0000-7000-8000-{n:012}");
        let at = (chrono::Utc::now() - chrono::Duration::days(days_ago)).to_rfc3339();
        db.exec(&format!(
            "INSERT INTO booking_request (id, reference, full_name, email, phone_e164, \
             preferred_contact, service_id, location_id, preferred_windows, new_patient, \
             physician_referral, insurance_provider, message, consent, status, submitted_at, \
             updated_at) VALUES ('{id}', '{reference}', 'Pat Example', 'pat@example.com', \
             '+13125550199', 'EMAIL', (SELECT MIN(id) FROM service), (SELECT MIN(id) FROM location), \
             '[]', TRUE, FALSE, 'Blue Cross', 'knee pain', TRUE, '{status}', '{at}', '{at}')"
        ));
        db.exec(&format!(
            "INSERT INTO booking_request_event (booking_request_id, kind, note, at) \
             VALUES ('{id}', 'NOTE', 'called about knee', '{at}')"
        ));
        // Keys younger than their 48 hours, which only anonymising drops.
        db.exec(&format!(
            "INSERT INTO booking_idempotency (key, fingerprint, booking_request_id, created_at) \
             VALUES ('key-{reference}', 'f', '{id}', '{}')",
            chrono::Utc::now().to_rfc3339()
        ));
    }

    let purge = || {
        let out = run(clinic_api(dir)
            .env("DATABASE_URL", url)
            .args(["purge", "--mode", "delete"]));
        String::from_utf8(out.stdout).unwrap()
    };
    let said = purge();
    if let Some(wal) = wal {
        let size = std::fs::metadata(wal).expect("the log is there").len();
        assert_eq!(size, 0, "the write-ahead log holds {size} bytes");
        // What was deleted or overwritten is not left in the file's free space.
        let file = std::fs::read(wal.with_extension("db")).unwrap();
        let holds = |text: &str| file.windows(text.len()).any(|w| w == text.as_bytes());
        for gone in ["PTF-FINISH", "key-PTF-STALEN", "key-PTF-FINISH"] {
            assert!(!holds(gone), "the database file still holds {gone:?}");
        }
    }
    assert!(
        said.contains("deleted 1 finished") && said.contains("anonymised 2 open"),
        "{said}"
    );
    let kept = |reference: &'static str, status: &'static str| {
        [
            reference,
            status,
            "Pat Example",
            "pat@example.com",
            "+13125550199",
            "knee pain",
            "Blue Cross",
            "called about knee",
            "kept",
        ]
    };
    let anonymised = |reference: &'static str, status: &'static str| {
        [reference, status, "", "", "", "", "", "", "anonymised"]
    };
    let people = db.rows(
        "SELECT r.reference, r.status, r.full_name, r.email, r.phone_e164, \
         COALESCE(r.message, ''), COALESCE(r.insurance_provider, ''), COALESCE(e.note, ''), \
         CASE WHEN r.anonymised_at IS NULL THEN 'kept' ELSE 'anonymised' END \
         FROM booking_request r JOIN booking_request_event e ON e.booking_request_id = r.id \
         ORDER BY r.reference",
    );
    assert_eq!(
        people,
        [
            kept("PTF-FRESHC", "CONTACTED"),
            kept("PTF-FRESHN", "NEW"),
            kept("PTF-SCHEDO", "SCHEDULED"),
            kept("PTF-SCHEDR", "SCHEDULED"),
            anonymised("PTF-STALEC", "CONTACTED"),
            anonymised("PTF-STALEN", "NEW"),
        ]
    );
    let keys = db.rows("SELECT key FROM booking_idempotency ORDER BY key");
    assert_eq!(
        keys,
        [
            ["key-PTF-FRESHC"],
            ["key-PTF-FRESHN"],
            ["key-PTF-SCHEDO"],
            ["key-PTF-SCHEDR"]
        ]
    );

    // Anonymised once: a second purge finds nothing to do.
    let said = purge();
    assert!(
        said.contains("deleted 0 finished") && said.contains("anonymised 0 open"),
        "{said}"
    );
}

#[test]
fn purge_anonymises_open_requests_left_unchanged_and_empties_the_write_ahead_log() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("clinic.db");
    let url = format!("sqlite://{}?mode=rwc", file.display());
    let wal = dir.path().join("clinic.db-wal");
    purge_anonymises_stale_open_requests(dir.path(), &url, Some(&wal));
}

/// With `TEST_DATABASE_URL`, the same on PostgreSQL.
#[test]
fn purge_anonymises_open_requests_left_unchanged_on_postgresql_too() {
    let Some(url) = new_postgres_database() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    purge_anonymises_stale_open_requests(dir.path(), &url, None);
}

/// A `requestBooking` request body: medical massage at the demo's Chicago
/// Loop, 10:00 to 12:00 next Tuesday, with `fields` for the patient; the
/// receipt's selection is `receipt`.
fn booking_form(fields: serde_json::Value, receipt: &str) -> String {
    use chrono::{Datelike, TimeZone};
    let tz: chrono_tz::Tz = "America/Chicago".parse().unwrap();
    let mut day = chrono::Utc::now().date_naive() + chrono::Duration::days(2);
    while day.weekday() != chrono::Weekday::Tue {
        day += chrono::Duration::days(1);
    }
    let at = |h| {
        tz.from_local_datetime(&day.and_hms_opt(h, 0, 0).unwrap())
            .unwrap()
            .to_rfc3339()
    };
    let mut input = serde_json::json!({
        "service": "medical-massage", "location": "chicago-loop", "newPatient": true,
        "preferredWindows": [{ "start": at(10), "end": at(12) }],
    });
    for (key, value) in fields.as_object().unwrap() {
        input[key] = value.clone();
    }
    serde_json::json!({
        "query": format!("mutation($input: RequestBookingInput!) {{ requestBooking(input: $input) \
                          {{ receipt {receipt} }} }}"),
        "variables": { "input": input },
    })
    .to_string()
}

#[test]
fn patient_details_never_reach_the_log_even_at_trace_level() {
    let dir = tempfile::tempdir().unwrap();
    let log_path = dir.path().join("server.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let mut command = clinic_api(dir.path());
    command.env("LOG_LEVEL", "trace");
    let server = Server::start_logging_to(command, Stdio::from(log));

    let form = |email: &str, consent: bool| {
        booking_form(
            serde_json::json!({
                "fullName": "Zelda Quartermaine", "email": email, "phone": "(312) 555-0187",
                "preferredContact": "EMAIL", "insuranceProvider": "Acme Mutual Health",
                "message": "sciatica flare-up", "consent": consent,
            }),
            "{ reference } userErrors { field message }",
        )
    };
    let (status, body) = http(
        &server.addr,
        "POST",
        "/graphql",
        &form("zelda.q@example.org", true),
    );
    assert_eq!(status, 200);
    let stored: serde_json::Value = serde_json::from_str(&body).unwrap();
    let reference = stored["data"]["requestBooking"]["receipt"]["reference"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned();
    let (_, refused) = http(
        &server.addr,
        "POST",
        "/graphql",
        &form("zelda.q@@example.org", false),
    );
    assert!(
        refused.contains("userErrors") && !refused.contains("Zelda"),
        "{refused}"
    );
    // In a URL the email would sit in every proxy's log: refused, and not
    // logged here either.
    let status_check = format!(
        "/graphql?query=%7BbookingRequestStatus(reference:%22{reference}%22,email:%22zelda.q@example.org%22)%7Bstatus%7D%7D"
    );
    let (status, refused) = http(&server.addr, "GET", &status_check, "");
    assert_eq!(status, 405, "{refused}");
    assert!(refused.contains("METHOD_NOT_ALLOWED"), "{refused}");
    let status_check = serde_json::json!({
        "query": format!(
            "{{ bookingRequestStatus(reference: \"{reference}\", email: \"zelda.q@example.org\") {{ status }} }}"
        ),
    });
    let (_, checked) = http(&server.addr, "POST", "/graphql", &status_check.to_string());
    assert!(checked.contains("NEW"), "{checked}");
    server.terminate();

    let log = std::fs::read_to_string(&log_path).unwrap();
    assert!(
        log.contains("/graphql"),
        "the log holds the requests: {log}"
    );
    assert_no_patient_detail(&log);
}

#[test]
fn production_mode_turns_off_introspection_suggestions_and_the_playground() {
    let dir = tempfile::tempdir().unwrap();
    let mut command = clinic_api(dir.path());
    command.arg("--production");
    let server = Server::start_logging_to(command, Stdio::inherit());
    let (status, _) = http(&server.addr, "GET", "/graphiql", "");
    assert_eq!(status, 404);
    let (_, body) = http(
        &server.addr,
        "POST",
        "/graphql",
        r#"{"query":"{ __schema { types { name } } }"}"#,
    );
    assert!(!body.contains("Therapist"), "{body}");
    let (_, body) = http(
        &server.addr,
        "POST",
        "/graphql",
        r#"{"query":"{ organizaton { name } }"}"#,
    );
    assert!(
        body.contains("errors") && !body.contains("Did you mean"),
        "{body}"
    );
    let (_, body) = http(&server.addr, "POST", "/graphql", ORGANIZATION);
    assert!(body.contains("Physical Therapy First"), "{body}");
    server.terminate();
}

/// Two instances of the service on one PostgreSQL database, as a clinic
/// scales out: a change made through one is seen through the other within a
/// second, although the other had the old answer cached, and a booking
/// request taken by one reaches the front desk following the other.
#[tokio::test]
async fn two_instances_on_one_postgresql_share_every_write() {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;

    let Some(url) = new_postgres_database() else {
        eprintln!("skipped: needs TEST_DATABASE_URL=postgres://…");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let cli = || {
        let mut command = clinic_api(dir.path());
        command.env("DATABASE_URL", &url);
        command
    };
    // The first one creates the schema and loads the demo; then the second.
    let first = Server::start(cli());
    let second = Server::start(cli());
    let created = run_with_input(
        cli()
            .args([
                "staff",
                "create",
                "--email",
                "ed@example.com",
                "--name",
                "Ed Itor",
            ])
            .args(["--role", "admin"]),
        "correct horse battery staple\n",
    );
    assert!(created.status.success(), "{created:?}");
    let made = run(cli().args(["token", "create", "--email", "ed@example.com"]));
    let token = String::from_utf8(made.stdout).unwrap().trim().to_owned();

    // The second instance answers the public query, then answers it again
    // from its cache (an `Age` header says so).
    let name = r#"{"query":"{ organization { name } }"}"#;
    let ask_second = || http_with(&second.addr, "POST", "/graphql", &[], name);
    let (_, _, before) = ask_second();
    assert!(before.contains("Physical Therapy First"), "{before}");
    let (_, head, again) = ask_second();
    assert_eq!(again, before);
    assert!(
        head.to_lowercase().contains("\r\nage: "),
        "not cached: {head}"
    );

    // The front desk follows new requests on the second instance.
    let mut request = format!("ws://{}/graphql", second.addr)
        .into_client_request()
        .unwrap();
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    let frames = [
        serde_json::json!({ "type": "connection_init",
            "payload": { "Authorization": format!("Bearer {token}") } }),
        serde_json::json!({ "id": "1", "type": "subscribe", "payload": {
            "query": "subscription { bookingRequestReceived { reference } }" } }),
    ];
    for frame in frames {
        socket
            .send(Message::Text(frame.to_string().into()))
            .await
            .unwrap();
    }
    let mut next_message = async || loop {
        let message = tokio::time::timeout(Duration::from_secs(10), socket.next())
            .await
            .expect("a message within 10 s")
            .expect("the socket stays open")
            .unwrap();
        if let Message::Text(text) = message {
            break serde_json::from_str::<serde_json::Value>(&text).unwrap();
        }
    };
    assert_eq!(next_message().await["type"], "connection_ack");

    // An admin renames the clinic through the first instance.
    let bearer = format!("Bearer {token}");
    let rename = r#"{"query":"mutation { updateOrganization(input: {name: \"Physical Therapy Second\"}) { userErrors { message } } }"}"#;
    let (status, _, renamed) = http_with(
        &first.addr,
        "POST",
        "/graphql",
        &[("Authorization", &bearer)],
        rename,
    );
    assert_eq!(status, 200, "{renamed}");
    assert!(renamed.contains(r#""userErrors":[]"#), "{renamed}");
    let written = Instant::now();
    loop {
        let (_, _, now) = ask_second();
        if now.contains("Physical Therapy Second") {
            break;
        }
        assert!(
            written.elapsed() < Duration::from_secs(1),
            "the second instance still answers {now} a second after the write"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // A patient books through the first instance; the second one's
    // subscriber hears of it.
    let form = booking_form(
        serde_json::json!({
            "fullName": "Robin Twofold", "email": "robin@example.org",
            "phone": "(312) 555-0123", "preferredContact": "PHONE",
            "selfPay": true, "consent": true,
        }),
        "{ reference }",
    );
    let (_, _, booked) = http_with(&first.addr, "POST", "/graphql", &[], &form);
    let booked: serde_json::Value = serde_json::from_str(&booked).unwrap();
    let reference = booked["data"]["requestBooking"]["receipt"]["reference"]
        .as_str()
        .unwrap_or_else(|| panic!("{booked}"))
        .to_owned();
    let heard = next_message().await;
    assert_eq!(heard["type"], "next", "{heard}");
    assert_eq!(
        heard["payload"]["data"]["bookingRequestReceived"]["reference"],
        reference.as_str()
    );

    second.terminate();
    first.terminate();
}

/// Creates a front-desk account with the command line and returns an API
/// token for it.
fn front_desk_token(dir: &Path, extra_env: &[(&str, &str)]) -> String {
    let mut create = clinic_api(dir);
    for (name, value) in extra_env {
        create.env(name, value);
    }
    let created = run_with_input(
        create.args([
            "staff",
            "create",
            "--email",
            "desk@example.com",
            "--name",
            "Dee Desk",
            "--role",
            "front-desk",
        ]),
        "correct horse battery staple\n",
    );
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    let mut made = clinic_api(dir);
    for (name, value) in extra_env {
        made.env(name, value);
    }
    let made = run(made.args(["token", "create", "--email", "desk@example.com"]));
    String::from_utf8(made.stdout).unwrap().trim().to_owned()
}

/// A front desk follows new bookings over a WebSocket while a patient books
/// over another, everything at `LOG_LEVEL=trace`: the log holds the
/// sessions, but neither the token nor anything the patient wrote.
#[test]
fn a_websocket_session_at_trace_level_logs_no_token_and_no_patient_detail() {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;

    let dir = tempfile::tempdir().unwrap();
    let token = front_desk_token(dir.path(), &[]);
    let log_path = dir.path().join("server.log");
    let mut command = clinic_api(dir.path());
    command.env("LOG_LEVEL", "trace");
    let server = Server::start_logging_to(
        command,
        Stdio::from(std::fs::File::create(&log_path).unwrap()),
    );

    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let open = |payload: serde_json::Value| {
            let addr = server.addr.clone();
            async move {
                let mut request = format!("ws://{addr}/graphql").into_client_request().unwrap();
                request
                    .headers_mut()
                    .insert("sec-websocket-protocol", "graphql-transport-ws".parse().unwrap());
                let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
                let init = serde_json::json!({ "type": "connection_init", "payload": payload });
                socket.send(Message::Text(init.to_string().into())).await.unwrap();
                let ack = socket.next().await.unwrap().unwrap();
                assert!(ack.to_text().unwrap().contains("connection_ack"), "{ack:?}");
                socket
            }
        };
        let mut desk = open(serde_json::json!({ "Authorization": format!("Bearer {token}") })).await;
        let subscribe = serde_json::json!({
            "id": "1", "type": "subscribe",
            "payload": { "query": "subscription { bookingRequestReceived { reference fullName email phone message } }" },
        });
        desk.send(Message::Text(subscribe.to_string().into())).await.unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;

        let mut patient = open(serde_json::json!({})).await;
        let form: serde_json::Value = serde_json::from_str(&booking_form(
            serde_json::json!({
                "fullName": "Zelda Quartermaine", "email": "zelda.q@example.org",
                "phone": "(312) 555-0187", "preferredContact": "EMAIL",
                "insuranceProvider": "Acme Mutual Health", "message": "sciatica flare-up",
                "consent": true,
            }),
            "{ reference }",
        ))
        .unwrap();
        let booking = serde_json::json!({ "id": "b", "type": "subscribe", "payload": form });
        patient.send(Message::Text(booking.to_string().into())).await.unwrap();
        let answer = patient.next().await.unwrap().unwrap();
        assert!(answer.to_text().unwrap().contains("PTF-"), "{answer:?}");
        let heard = tokio::time::timeout(Duration::from_secs(10), desk.next())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        assert!(heard.to_text().unwrap().contains("Zelda"), "the desk hears of it: {heard:?}");
        desk.close(None).await.ok();
        patient.close(None).await.ok();
    });
    server.terminate();

    let log = std::fs::read_to_string(&log_path).unwrap();
    assert!(
        log.contains("websocket"),
        "the log holds the sessions: {log}"
    );
    assert!(
        log.contains("bookingRequestReceived") || log.contains("operation"),
        "{log}"
    );
    let secret = token.trim_start_matches("ptf_");
    assert!(!log.contains(secret), "the log holds the token");
    assert_no_patient_detail(&log);
}

/// What the tests' patient wrote, in every form it could be logged in.
const PATIENT_DETAILS: [&str; 7] = [
    "Zelda",
    "Quartermaine",
    "zelda.q",
    "555-0187",
    "5550187",
    "Acme",
    "sciatica",
];

fn assert_no_patient_detail(log: &str) {
    for detail in PATIENT_DETAILS {
        assert!(!log.contains(detail), "the log holds {detail:?}: {log}");
    }
}

/// A database error about a booking request (here a constraint an operator
/// added) is logged by its code, constraint and table: PostgreSQL's own
/// message would quote the row, the patient's details with it.
#[test]
fn a_database_error_is_logged_without_the_values_of_the_row() {
    let dir = tempfile::tempdir().unwrap();
    let log_path = dir.path().join("server.log");
    let mut command = clinic_api(dir.path());
    command.env("LOG_LEVEL", "info");
    let url = new_postgres_database();
    if let Some(url) = &url {
        command.env("DATABASE_URL", url);
    }
    let server = Server::start_logging_to(
        command,
        Stdio::from(std::fs::File::create(&log_path).unwrap()),
    );
    match &url {
        Some(url) => {
            Database::open(url).exec(
                "ALTER TABLE booking_request ADD CONSTRAINT no_zelda CHECK (full_name <> 'Zelda Quartermaine')",
            );
        }
        None => {
            Database::open(&format!("sqlite://{}", dir.path().join("clinic.db").display())).exec(
                "CREATE TRIGGER no_zelda BEFORE INSERT ON booking_request \
                 WHEN NEW.full_name = 'Zelda Quartermaine' BEGIN SELECT RAISE(ABORT, 'no_zelda'); END",
            );
        }
    }
    let form = booking_form(
        serde_json::json!({
            "fullName": "Zelda Quartermaine", "email": "zelda.q@example.org",
            "phone": "(312) 555-0187", "preferredContact": "EMAIL",
            "insuranceProvider": "Acme Mutual Health", "message": "sciatica flare-up",
            "consent": true,
        }),
        "{ reference }",
    );
    let (status, body) = http(&server.addr, "POST", "/graphql", &form);
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("INTERNAL_SERVER_ERROR"), "{body}");
    assert!(!body.contains("Zelda"), "{body}");
    server.terminate();

    let log = std::fs::read_to_string(&log_path).unwrap();
    if url.is_some() {
        assert!(
            log.contains("23514") && log.contains("no_zelda"),
            "the log says which constraint: {log}"
        );
    }
    assert_no_patient_detail(&log);
}
