//! The layers of the code, as ARCHITECTURE.md states them: each folder names
//! only what lies below it.

use std::path::Path;

/// Every `.rs` file under `dir`, with its text.
fn sources(dir: &str) -> Vec<(String, String)> {
    fn walk(dir: &Path, found: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                found.push((path.display().to_string(), text));
            }
        }
    }
    let mut found = Vec::new();
    walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join(dir), &mut found);
    assert!(!found.is_empty(), "no sources under {dir}");
    found
}

/// The files under `dir` that name any of `names` outside comments.
fn naming(dir: &str, names: &[&str]) -> Vec<String> {
    sources(dir)
        .into_iter()
        .filter(|(_, text)| {
            text.lines()
                .map(str::trim_start)
                .filter(|line| !line.starts_with("//"))
                .any(|line| names.iter().any(|name| line.contains(name)))
        })
        .map(|(path, _)| path)
        .collect()
}

#[test]
fn the_domain_knows_neither_graphql_nor_http() {
    let names = ["async_graphql", "axum", "crate::graphql", "crate::http"];
    assert_eq!(naming("src/domain", &names), Vec::<String>::new());
}

#[test]
fn the_schema_knows_no_http() {
    assert_eq!(
        naming("src/graphql", &["axum", "crate::http"]),
        Vec::<String>::new()
    );
}

#[test]
fn entities_know_nothing_of_graphql() {
    assert_eq!(
        naming("entity/src", &["async_graphql"]),
        Vec::<String>::new()
    );
}

#[test]
fn migrations_do_not_depend_on_the_entities() {
    let manifest =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("migration/Cargo.toml"))
            .unwrap();
    assert!(
        !manifest
            .lines()
            .any(|l| l.trim_start().starts_with("entity"))
    );
    assert_eq!(naming("migration/src", &["entity::"]), Vec::<String>::new());
}
