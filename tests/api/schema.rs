//! `schema.graphql` is the schema the code builds.

#[test]
fn schema_graphql_is_up_to_date() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema.graphql");
    let actual = clinic_api::graphql::sdl();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &actual).expect("write schema.graphql");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == actual,
        "schema.graphql differs from the schema the code builds; \
         run `UPDATE_SCHEMA=1 cargo test schema` or `cargo run -- export-schema` and commit it"
    );
}

#[test]
fn every_type_and_field_has_a_description() {
    let sdl = clinic_api::graphql::sdl();
    let mut undocumented = Vec::new();
    let mut in_description = false;
    let mut described = false;
    let mut in_schema_block = false;
    for line in sdl.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("\"\"\"") {
            // A one-line `"""…"""` opens and closes on the same line.
            let one_line = trimmed.len() > 3 && trimmed.ends_with("\"\"\"");
            if !one_line {
                in_description = !in_description;
            }
            described = true;
            continue;
        }
        if in_description {
            continue;
        }
        if trimmed.starts_with('"') {
            described = true;
            continue;
        }
        if trimmed.starts_with("schema {") {
            in_schema_block = true;
        }
        let declares_type = [
            "type ",
            "enum ",
            "input ",
            "interface ",
            "scalar ",
            "union ",
        ]
        .iter()
        .any(|k| trimmed.starts_with(k));
        let declares_member = line.starts_with('\t')
            && !line.starts_with("\t\t")
            && trimmed != "}"
            && !trimmed.starts_with(')');
        if (declares_type || declares_member) && !in_schema_block && !described {
            undocumented.push(trimmed.to_owned());
        }
        if trimmed == "}" {
            in_schema_block = false;
        }
        if !trimmed.is_empty() {
            described = false;
        }
    }
    assert!(
        undocumented.is_empty(),
        "without a description: {undocumented:#?}"
    );
}

#[test]
fn no_field_gives_back_a_password_or_a_hash() {
    let sdl = clinic_api::graphql::sdl();
    let fields: Vec<&str> = sdl
        .lines()
        .map(str::trim)
        .filter(|line| !line.starts_with('"') && line.contains(':'))
        .filter_map(|line| line.split([':', '(']).next())
        .filter(|name| {
            let name = name.to_ascii_lowercase();
            name.contains("hash") || name.contains("password")
        })
        .collect();
    assert!(fields.is_empty(), "{fields:?}");
}
