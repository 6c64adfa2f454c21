//! Build script of `clinic-api`: fetches the playground's front-end assets.
//!
//! GraphiQL and React are npm packages, pinned in `package.json` and
//! `package-lock.json` in `src/http/playground/`, where every package carries its sha512
//! `integrity`. `npm ci` installs exactly that lock into `OUT_DIR` (and checks
//! each tarball against it); the few files the page needs are copied out, made
//! to ask no other host, and embedded in the binary by `mod.rs` through the
//! generated `assets.rs`. Nothing of them is kept in the repository.
//!
//! npm runs only when the two npm files change: its result is stamped with
//! their contents, so a later run of this script reuses it.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The packages' files the page loads: (constant in `assets.rs`, package,
/// file in the package).
const VENDORED: [(&str, &str, &str); 4] = [
    ("REACT_JS", "react", "umd/react.production.min.js"),
    (
        "REACT_DOM_JS",
        "react-dom",
        "umd/react-dom.production.min.js",
    ),
    ("GRAPHIQL_JS", "graphiql", "graphiql.min.js"),
    ("GRAPHIQL_CSS", "graphiql", "graphiql.min.css"),
];

/// Our own files the page loads, in `src/http/playground/`: (constant, file).
const OWN: [(&str, &str); 2] = [
    ("PLAYGROUND_JS", "playground.js"),
    ("PLAYGROUND_CSS", "playground.css"),
];

fn main() {
    let here = Path::new(&env("CARGO_MANIFEST_DIR")).join("src/http/playground");
    let out = PathBuf::from(env("OUT_DIR")).join("playground");
    // Cargo reruns the script when the script itself changes.
    for file in ["package.json", "package-lock.json"]
        .into_iter()
        .chain(OWN.map(|(_, file)| file))
    {
        println!("cargo::rerun-if-changed={}", here.join(file).display());
    }

    let manifest = read(&here.join("package.json"));
    let lock = read(&here.join("package-lock.json"));
    let vendor = out.join("vendor");
    let stamp = out.join("npm.stamp");
    let wanted_stamp = [manifest.as_slice(), b"\n", lock.as_slice()].concat();
    let installed = fs::read(&stamp).ok().as_deref() == Some(wanted_stamp.as_slice())
        && VENDORED
            .iter()
            .all(|(_, package, file)| vendor.join(package).join(file).is_file());
    if !installed {
        let _ = fs::remove_file(&stamp);
        install(&out, &manifest, &lock, &vendor);
        write(&stamp, &wanted_stamp);
    }

    let lock = String::from_utf8_lossy(&lock);
    let mut assets = Vec::new();
    for (constant, package, file) in VENDORED {
        let Some(version) = locked_version(&lock, package) else {
            fail(&format!("package-lock.json pins no version of `{package}`"));
        };
        let stem = format!("{package}-{version}");
        assets.push((
            constant,
            stem,
            extension(file),
            vendor.join(package).join(file),
        ));
    }
    for (constant, file) in OWN {
        let (stem, extension) = file.split_once('.').expect("a file name with an extension");
        assets.push((constant, stem.to_owned(), extension, here.join(file)));
    }
    write(&out.join("assets.rs"), generate(&lock, &assets).as_bytes());
}

/// Runs `npm ci` in `out/npm` and copies the vendored files to `vendor`,
/// made fit to serve from this origin alone.
fn install(out: &Path, manifest: &[u8], lock: &[u8], vendor: &Path) {
    let npm_dir = out.join("npm");
    let _ = fs::remove_dir_all(&npm_dir);
    let _ = fs::remove_dir_all(vendor);
    create_dir(&npm_dir);
    write(&npm_dir.join("package.json"), manifest);
    write(&npm_dir.join("package-lock.json"), lock);

    let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };
    let result = Command::new(npm)
        .current_dir(&npm_dir)
        .args([
            "ci",
            "--ignore-scripts",
            "--no-audit",
            "--no-fund",
            "--prefer-offline",
            "--loglevel=error",
        ])
        .env("npm_config_update_notifier", "false")
        .output();
    let how_to_fix = "install Node.js with npm and let it reach the npm registry, then build again";
    match result {
        Err(error) => {
            let problem = match error.kind() {
                std::io::ErrorKind::NotFound => format!("`{npm}` was not found"),
                _ => format!("`{npm}` did not start ({error})"),
            };
            fail(&format!(
                "the playground's assets (GraphiQL, React) could not be fetched: {problem}; {how_to_fix}"
            ))
        }
        Ok(output) if !output.status.success() => {
            // npm's error code (`ECONNREFUSED`, `EINTEGRITY`, …) says enough;
            // its log file has the rest.
            let stderr = String::from_utf8_lossy(&output.stderr);
            let code = stderr
                .lines()
                .find_map(|line| line.strip_prefix("npm error code "))
                .map_or_else(|| output.status.to_string(), str::to_owned);
            if code == "EINTEGRITY" {
                fail(
                    "the playground's assets (GraphiQL, React) could not be fetched: a package npm \
                     downloaded does not match its integrity in src/http/playground/package-lock.json",
                );
            }
            fail(&format!(
                "the playground's assets (GraphiQL, React) could not be fetched: `npm ci` failed ({code}); {how_to_fix}"
            ))
        }
        Ok(_) => {}
    }

    for (_, package, file) in VENDORED {
        let source = npm_dir.join("node_modules").join(package).join(file);
        let text = String::from_utf8(read(&source))
            .unwrap_or_else(|_| fail(&format!("{package}/{file} is not UTF-8")));
        let text = match extension(file) {
            "css" => local_css(&text, &format!("{package}/{file}")),
            _ => without_source_map(&text),
        };
        let target = vendor.join(package).join(file);
        create_dir(target.parent().expect("a parent folder"));
        write(&target, text.as_bytes());
    }
    // Over 100 MB of packages whose few files are now copied out.
    let _ = fs::remove_dir_all(&npm_dir);
}

/// The CSS without `@import`s of other hosts (web fonts, say), which the page
/// must never ask for; fails if any other reference to another host remains.
fn local_css(css: &str, name: &str) -> String {
    let mut kept = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("@import") {
        let end = rest[start..]
            .find(';')
            .map_or(rest.len(), |end| start + end + 1);
        let rule = &rest[start..end];
        kept.push_str(&rest[..start]);
        if !is_remote(rule) {
            kept.push_str(rule);
        }
        rest = &rest[end..];
    }
    kept.push_str(rest);
    let kept = without_source_map(&kept);
    let mut urls = kept.split("url(").skip(1);
    if let Some(url) = urls.find(|url| is_remote(&url[..url.find(')').unwrap_or(url.len())])) {
        let url: String = url.chars().take(80).collect();
        fail(&format!(
            "{name} refers to another host (url({url}…); the playground must load nothing from elsewhere"
        ));
    }
    kept
}

fn is_remote(text: &str) -> bool {
    let text = text.trim_start_matches(['"', '\'', ' ']);
    text.contains("http://") || text.contains("https://") || text.starts_with("//")
}

/// Drops `sourceMappingURL` comments: the maps are not served, and a browser
/// with its developer tools open would ask for them.
fn without_source_map(text: &str) -> String {
    text.lines()
        .filter(|line| {
            let line = line.trim_start();
            !(line.starts_with("//# sourceMappingURL=")
                || line.starts_with("/*# sourceMappingURL="))
        })
        .fold(String::with_capacity(text.len()), |mut kept, line| {
            kept.push_str(line);
            kept.push('\n');
            kept
        })
}

/// `version` of `node_modules/<package>` in an npm lockfile (version 2 or 3),
/// which npm writes one key a line.
fn locked_version(lock: &str, package: &str) -> Option<String> {
    let entry = lock.find(&format!("\"node_modules/{package}\": {{"))?;
    let rest = &lock[entry..];
    let value = &rest[rest.find("\"version\": \"")? + "\"version\": \"".len()..];
    Some(value[..value.find('"')?].to_owned())
}

/// `assets.rs`: one `Asset` per file, named after its content so that browsers
/// may keep it for good.
fn generate(lock: &str, assets: &[(&str, String, &str, PathBuf)]) -> String {
    let mut code = String::from("// Generated by build.rs.\n\n");
    let version = locked_version(lock, "graphiql").expect("checked above");
    writeln!(code, "pub const GRAPHIQL_VERSION: &str = {version:?};").unwrap();
    for (constant, stem, extension, path) in assets {
        let hash = fnv1a(&read(path));
        let content_type = match *extension {
            "js" => "text/javascript; charset=utf-8",
            "css" => "text/css; charset=utf-8",
            other => fail(&format!("no content type known for .{other}")),
        };
        writeln!(
            code,
            "pub const {constant}: Asset = Asset {{ name: \"{stem}.{hash:016x}.{extension}\", \
             content_type: {content_type:?}, body: include_bytes!({path:?}) }};",
            path = path.display().to_string(),
        )
        .unwrap();
    }
    code
}

/// 64-bit FNV-1a: a stable fingerprint of a file, for its URL.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn extension(file: &str) -> &str {
    file.rsplit_once('.').map_or("", |(_, extension)| extension)
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| fail(&format!("cargo did not set {name}")))
}

fn read(path: &Path) -> Vec<u8> {
    fs::read(path).unwrap_or_else(|error| fail(&format!("cannot read {}: {error}", path.display())))
}

fn write(path: &Path, bytes: &[u8]) {
    fs::write(path, bytes)
        .unwrap_or_else(|error| fail(&format!("cannot write {}: {error}", path.display())));
}

fn create_dir(path: &Path) {
    fs::create_dir_all(path)
        .unwrap_or_else(|error| fail(&format!("cannot create {}: {error}", path.display())));
}

/// Stops the build with one line that says what went wrong. Cargo fails the
/// build for a logged error; exiting with success keeps it from adding pages
/// of this script's output beneath the line.
fn fail(message: &str) -> ! {
    println!("cargo::error={message}");
    std::process::exit(0)
}
