//! The playground in a real browser: headless Chromium opens `/graphiql` on a
//! running `clinic-api`, runs a query and sees its result, while no request
//! leaves 127.0.0.1.
//!
//! Chromium is driven through its DevTools protocol over a WebSocket. Without
//! Chromium the test says it was skipped, unless `CI` is set, where that is a
//! failure (`.ci/run` installs it). `PLAYGROUND_SCREENSHOT=/tmp/playground.png`
//! saves a picture of the page with its result.
#![cfg(unix)]

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use base64::Engine;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio::time::{Instant, sleep, timeout_at};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// The longest any one step may take: a first start of Chromium on a busy
/// machine takes a while.
const WAIT: Duration = Duration::from_secs(60);

const QUERY: &str = "{ organization { name } }";

#[tokio::test]
async fn the_playground_runs_a_query_and_asks_no_other_host() {
    let Some(chromium) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "chromium is not installed: the browser test cannot run \
             (`apt-get install chromium`, as .ci/run does)"
        );
        // Past the test harness's capture, so that it is seen.
        writeln!(std::io::stderr(), "skipped: chromium not installed").unwrap();
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let origin = format!("http://{}", server.addr);
    let mut browser = Browser::launch(&chromium, &dir.path().join("chromium")).await;
    let page = browser.open_page().await;

    browser
        .call(
            Some(&page),
            "Page.navigate",
            json!({ "url": format!("{origin}/graphiql") }),
        )
        .await;
    let editor = ".graphiql-query-editor .CodeMirror";
    browser
        .wait_for(
            &page,
            &format!("!!document.querySelector('{editor}')?.CodeMirror"),
            "GraphiQL's query editor",
        )
        .await;
    browser
        .evaluate(
            &page,
            &format!("document.querySelector('{editor}').CodeMirror.setValue({QUERY:?})"),
        )
        .await;
    browser.click(&page, ".graphiql-execute-button").await;
    let response = browser
        .wait_for(
            &page,
            "(document.querySelector('.graphiql-response .CodeMirror')?.CodeMirror.getValue() || '')\
             .includes('Physical Therapy First') \
             && document.querySelector('.graphiql-response .CodeMirror').CodeMirror.getValue()",
            "the query's result in the response pane",
        )
        .await;
    let response: Value = serde_json::from_str(response.as_str().unwrap()).unwrap();
    assert_eq!(
        response,
        json!({ "data": { "organization": { "name": "Physical Therapy First" } } })
    );

    if let Some(path) = std::env::var_os("PLAYGROUND_SCREENSHOT") {
        let shot = browser
            .call(Some(&page), "Page.captureScreenshot", json!({}))
            .await;
        let png = base64::engine::general_purpose::STANDARD
            .decode(shot["data"].as_str().unwrap())
            .unwrap();
        std::fs::write(path, png).unwrap();
    }

    // GraphiQL's dialogs add a <style> element that stops the page scrolling
    // behind them: its nonce lets it past the policy.
    browser
        .click(&page, "button[aria-label='Open settings dialog']")
        .await;
    browser
        .wait_for(
            &page,
            "!!document.querySelector('.graphiql-dialog') \
             && getComputedStyle(document.body).overflow === 'hidden'",
            "the settings dialog, with its style applied",
        )
        .await;

    // What the page asked for, and what it complained of.
    let violations = browser.evaluate(&page, "window.__cspViolations").await;
    assert_eq!(violations, json!([]), "Content-Security-Policy violations");
    let mut requests = Vec::new();
    let mut complaints = Vec::new();
    for event in &browser.events {
        let params = &event["params"];
        match event["method"].as_str().unwrap_or_default() {
            "Network.requestWillBeSent" => requests.push((
                params["type"].as_str().unwrap_or_default().to_owned(),
                params["request"]["method"].as_str().unwrap().to_owned(),
                params["request"]["url"].as_str().unwrap().to_owned(),
            )),
            "Runtime.exceptionThrown" => complaints.push(params["exceptionDetails"].to_string()),
            "Runtime.consoleAPICalled" if params["type"] == "error" => {
                complaints.push(params["args"].to_string());
            }
            "Log.entryAdded" if params["entry"]["level"] == "error" => {
                complaints.push(params["entry"].to_string());
            }
            _ => {}
        }
    }
    assert!(complaints.is_empty(), "the page reported: {complaints:#?}");
    let elsewhere: Vec<_> = requests
        .iter()
        .filter(|(_, _, url)| {
            !(url.starts_with(&format!("{origin}/"))
                || url.starts_with("data:")
                || url.starts_with("blob:"))
        })
        .collect();
    assert!(
        elsewhere.is_empty(),
        "requests to other hosts: {elsewhere:#?}"
    );
    let scripts: Vec<_> = requests.iter().filter(|(t, _, _)| t == "Script").collect();
    assert!(scripts.len() >= 4, "{requests:#?}");
    for (_, _, url) in &scripts {
        assert!(
            url.starts_with(&format!("{origin}/graphiql/assets/")),
            "{url}"
        );
    }
    assert!(
        requests
            .iter()
            .any(|(_, method, url)| method == "POST" && *url == format!("{origin}/graphql")),
        "the query was not posted to /graphql: {requests:#?}"
    );

    drop(browser);
    drop(server);
}

/// Debian's Chromium, or `chromium` on the `PATH`.
fn chromium() -> Option<PathBuf> {
    let debian = PathBuf::from("/usr/bin/chromium");
    if debian.is_file() {
        return Some(debian);
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join("chromium"))
        .find(|path| path.is_file())
}

/// `clinic-api serve` on a free port of 127.0.0.1, in its own directory.
struct Server {
    child: Child,
    addr: String,
}

impl Server {
    fn start(dir: &Path) -> Self {
        let child = Command::new(env!("CARGO_BIN_EXE_clinic-api"))
            .current_dir(dir)
            .env_remove("DATABASE_URL")
            .env_remove("RUST_LOG")
            .env_remove("NO_PLAYGROUND")
            .env("LOG_LEVEL", "warn")
            .args(["serve", "--listen", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("clinic-api starts");
        let mut server = Self {
            child,
            addr: String::new(),
        };
        let mut lines = BufReader::new(server.child.stdout.take().unwrap()).lines();
        let mut printed = Vec::new();
        for line in lines.by_ref() {
            let line = line.unwrap();
            if let Some(url) = line.trim().strip_prefix("GraphQL:") {
                let url = url.trim().trim_start_matches("http://");
                server.addr = url.trim_end_matches("/graphql").to_owned();
                // Whatever it prints next must not meet a closed pipe.
                std::thread::spawn(move || lines.for_each(drop));
                return server;
            }
            printed.push(line);
        }
        panic!("serve ended without saying where it listens: {printed:?}");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Headless Chromium and a DevTools connection to it.
struct Browser {
    process: Child,
    devtools: WebSocketStream<MaybeTlsStream<TcpStream>>,
    next_id: u64,
    /// Every event received so far, in order.
    events: Vec<Value>,
}

impl Browser {
    async fn launch(chromium: &Path, profile: &Path) -> Self {
        std::fs::create_dir_all(profile).unwrap();
        let log = File::create(profile.with_extension("log")).unwrap();
        let process = Command::new(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--disable-default-apps",
                "--password-store=basic",
                "--window-size=1400,1000",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            // Its own process group, so that its helpers go with it.
            .process_group(0)
            .spawn()
            .expect("chromium starts");
        let mut guard = Guard(Some(process));
        // Chromium writes the port it chose, and its WebSocket path, here.
        let active_port = profile.join("DevToolsActivePort");
        let deadline = Instant::now() + WAIT;
        let url = loop {
            if let Ok(text) = std::fs::read_to_string(&active_port)
                && let Some((port, path)) = text.split_once('\n')
                && !path.trim().is_empty()
            {
                break format!("ws://127.0.0.1:{}{}", port.trim(), path.trim());
            }
            assert!(
                Instant::now() < deadline,
                "chromium did not open its DevTools port; see {}",
                profile.with_extension("log").display()
            );
            sleep(Duration::from_millis(100)).await;
        };
        let (devtools, _) = timeout_at(deadline, tokio_tungstenite::connect_async(url))
            .await
            .expect("DevTools connection in time")
            .expect("DevTools connection");
        Self {
            process: guard.0.take().unwrap(),
            devtools,
            next_id: 0,
            events: Vec::new(),
        }
    }

    /// A new tab, attached, reporting its requests, console and violations.
    async fn open_page(&mut self) -> String {
        let target = self
            .call(None, "Target.createTarget", json!({ "url": "about:blank" }))
            .await;
        let session = self
            .call(
                None,
                "Target.attachToTarget",
                json!({ "targetId": target["targetId"], "flatten": true }),
            )
            .await["sessionId"]
            .as_str()
            .unwrap()
            .to_owned();
        for domain in ["Page", "Network", "Runtime", "Log"] {
            self.call(Some(&session), &format!("{domain}.enable"), json!({}))
                .await;
        }
        self.call(
            Some(&session),
            "Page.addScriptToEvaluateOnNewDocument",
            json!({ "source": "window.__cspViolations = [];\
                document.addEventListener('securitypolicyviolation', (e) =>\
                  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));" }),
        )
        .await;
        session
    }

    /// Sends a command and waits for its result, keeping the events that
    /// arrive meanwhile.
    async fn call(&mut self, session: Option<&str>, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut command = json!({ "id": id, "method": method, "params": params });
        if let Some(session) = session {
            command["sessionId"] = json!(session);
        }
        let deadline = Instant::now() + WAIT;
        timeout_at(
            deadline,
            self.devtools.send(Message::text(command.to_string())),
        )
        .await
        .unwrap_or_else(|_| panic!("{method}: not sent in time"))
        .unwrap_or_else(|e| panic!("{method}: {e}"));
        loop {
            let message = timeout_at(deadline, self.devtools.next())
                .await
                .unwrap_or_else(|_| panic!("{method}: no answer in time"))
                .unwrap_or_else(|| panic!("{method}: DevTools connection closed"))
                .unwrap_or_else(|e| panic!("{method}: {e}"));
            let Message::Text(text) = message else {
                continue;
            };
            let message: Value = serde_json::from_str(&text).unwrap();
            if message["id"] == id {
                assert!(message["error"].is_null(), "{method}: {message}");
                return message["result"].clone();
            }
            if message["method"].is_string() {
                self.events.push(message);
            }
        }
    }

    /// The value of a JavaScript expression in the page.
    async fn evaluate(&mut self, session: &str, expression: &str) -> Value {
        let result = self
            .call(
                Some(session),
                "Runtime.evaluate",
                json!({ "expression": expression, "returnByValue": true, "awaitPromise": true }),
            )
            .await;
        assert!(
            result["exceptionDetails"].is_null(),
            "{expression}: {}",
            result["exceptionDetails"]
        );
        result["result"]["value"].clone()
    }

    /// Evaluates `expression` until it is truthy, and returns its value.
    async fn wait_for(&mut self, session: &str, expression: &str, what: &str) -> Value {
        let deadline = Instant::now() + WAIT;
        loop {
            let value = self.evaluate(session, expression).await;
            if !matches!(value, Value::Null | Value::Bool(false)) {
                return value;
            }
            assert!(
                Instant::now() < deadline,
                "waited {WAIT:?} in vain for {what}; the page's requests and messages: {:#?}",
                self.summary()
            );
            sleep(Duration::from_millis(100)).await;
        }
    }

    /// The URLs of requests, and the messages of the console and the log.
    fn summary(&self) -> Vec<String> {
        self.events
            .iter()
            .filter_map(|event| {
                let params = &event["params"];
                let text = match event["method"].as_str()? {
                    "Network.requestWillBeSent" => params["request"]["url"].to_string(),
                    "Runtime.consoleAPICalled" => params["args"].to_string(),
                    "Runtime.exceptionThrown" => params["exceptionDetails"]["text"].to_string(),
                    "Log.entryAdded" => params["entry"]["text"].to_string(),
                    _ => return None,
                };
                Some(text.chars().take(200).collect())
            })
            .collect()
    }

    /// Clicks the middle of the element `selector` names, as a mouse would.
    async fn click(&mut self, session: &str, selector: &str) {
        let point = self
            .wait_for(
                session,
                &format!(
                    "(() => {{ const e = document.querySelector({selector:?}); if (!e) return null;\
                       const r = e.getBoundingClientRect();\
                       return {{ x: r.x + r.width / 2, y: r.y + r.height / 2 }}; }})()"
                ),
                selector,
            )
            .await;
        for kind in ["mouseMoved", "mousePressed", "mouseReleased"] {
            self.call(
                Some(session),
                "Input.dispatchMouseEvent",
                json!({ "type": kind, "x": point["x"], "y": point["y"],
                        "button": "left", "clickCount": 1 }),
            )
            .await;
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        kill_group(&mut self.process);
    }
}

/// Kills a Chromium that never got as far as a `Browser`.
struct Guard(Option<Child>);

impl Drop for Guard {
    fn drop(&mut self) {
        if let Some(child) = &mut self.0 {
            kill_group(child);
        }
    }
}

/// Kills the process group `child` leads, and reaps `child`.
fn kill_group(child: &mut Child) {
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{}", child.id())])
        .stderr(Stdio::null())
        .status();
    let _ = child.wait();
}
