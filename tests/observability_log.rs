//! The access log as an operator reads it: `serve --log-format json` writes
//! one JSON line per request, with its id, operation, duration and outcome,
//! and never the query string, the variables or the Authorization header.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The binary serving on a free port from an empty directory, its log piped.
struct Server {
    child: Child,
    addr: String,
    _dir: tempfile::TempDir,
}

impl Server {
    fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_clinic-api"))
            .current_dir(dir.path())
            .env_remove("DATABASE_URL")
            .env_remove("RUST_LOG")
            .env_remove("LOG_FORMAT")
            .env("LOG_LEVEL", "info")
            .args(["serve", "--listen", "127.0.0.1:0", "--log-format", "json"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("clinic-api starts");
        // Owned by the guard at once, so that a failed start still reaps it.
        let mut server = Self {
            child,
            addr: String::new(),
            _dir: dir,
        };
        let stdout = BufReader::new(server.child.stdout.take().unwrap());
        // Read up to the last line it prints, so that none meets a closed pipe.
        for line in stdout.lines() {
            let line = line.unwrap();
            if let Some(url) = line.trim().strip_prefix("GraphQL:") {
                server.addr = url
                    .trim()
                    .trim_start_matches("http://")
                    .trim_end_matches("/graphql")
                    .to_owned();
            }
            if line.trim().starts_with("Health:") && !server.addr.is_empty() {
                return server;
            }
        }
        panic!("serve ended without saying where it listens");
    }

    /// Plain HTTP/1.1; returns the status and the response's head.
    fn send(&self, method: &str, target: &str, headers: &[(&str, &str)], body: &str) -> String {
        let mut stream = TcpStream::connect(&self.addr).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut request = format!("{method} {target} HTTP/1.1\r\nHost: {}\r\n", self.addr);
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ));
        stream.write_all(request.as_bytes()).unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        response
    }

    /// Stops the server with SIGTERM and returns everything it logged.
    fn stop(mut self) -> String {
        let pid = self.child.id().to_string();
        assert!(
            Command::new("kill")
                .args(["-TERM", &pid])
                .status()
                .unwrap()
                .success()
        );
        let deadline = Instant::now() + Duration::from_secs(15);
        while self.child.try_wait().unwrap().is_none() {
            assert!(Instant::now() < deadline, "still running after SIGTERM");
            std::thread::sleep(Duration::from_millis(50));
        }
        let mut log = String::new();
        self.child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut log)
            .unwrap();
        log
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The access-log line of the request with this id.
fn access_line(log: &str, id: &str) -> Value {
    let lines: Vec<Value> = log
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
        .collect();
    let mut found = lines
        .into_iter()
        .filter(|l| l["target"] == "clinic_api::access" && l["request_id"] == id);
    let line = found
        .next()
        .unwrap_or_else(|| panic!("no access line for {id} in\n{log}"));
    assert!(found.next().is_none(), "two access lines for {id}");
    line
}

#[test]
fn the_json_access_log_names_the_request_but_never_its_private_parts() {
    let server = Server::start();
    let email = "pat.private@example.com";
    let body = serde_json::json!({
        "query": "query Receipt($reference: String!, $email: String!) { \
                  bookingRequestStatus(reference: $reference, email: $email) { status } }",
        "operationName": "Receipt",
        "variables": { "reference": "PTF-7KQ2M9", "email": email },
    })
    .to_string();
    let response = server.send("POST", "/graphql", &[("X-Request-Id", "log-test-1")], &body);
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(
        response.to_lowercase().contains("x-request-id: log-test-1"),
        "{response}"
    );
    // A GET query's variables travel in the query string.
    let response = server.send(
        "GET",
        "/graphql?query=query%20Home%7Borganization%7Bname%7D%7D&variables=%7B%22email%22%3A%22pat.private%40example.com%22%7D",
        &[
            ("X-Request-Id", "log-test-2"),
            ("Accept", "application/json"),
            ("Authorization", "Bearer ptf_not_a_real_secret_token"),
        ],
        "",
    );
    assert!(response.starts_with("HTTP/1.1 401"), "{response}");
    let response = server.send("GET", "/healthz", &[], "");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");

    let log = server.stop();
    for private in ["pat.private", "PTF-7KQ2M9", "ptf_not_a_real_secret_token"] {
        assert!(!log.contains(private), "{private} in the log:\n{log}");
    }

    let post = access_line(&log, "log-test-1");
    assert_eq!(post["level"], "INFO");
    assert_eq!(post["method"], "POST");
    assert_eq!(post["path"], "/graphql");
    assert_eq!(post["status"], 200);
    assert_eq!(post["operation"], "Receipt");
    assert_eq!(post["kind"], "query");
    assert_eq!(post["outcome"], "ok");
    assert!(
        post["duration_ms"].as_f64().is_some_and(|ms| ms >= 0.0),
        "{post}"
    );

    let get = access_line(&log, "log-test-2");
    assert_eq!(get["method"], "GET");
    assert_eq!(get["path"], "/graphql");
    assert_eq!(get["status"], 401);
    assert_eq!(get["outcome"], "UNAUTHENTICATED", "{get}");
}
