//! Checks of a GraphQL document made before it runs, so that an abusive one
//! costs no database work: its size in tokens, aliases and directives, which
//! operation it asks for, and the characters of its strings. Depth and
//! complexity are checked by the schema's own validation, which also runs
//! before any resolver.

use async_graphql::Name;
use async_graphql::parser::Positioned;
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationDefinition, OperationType, Selection,
    SelectionSet,
};
use async_graphql_value::{ConstValue, Value};

use super::Refusal;
use crate::config::EdgeArgs;

/// The deepest brackets (`{`, `[`, `(`) may nest in a document. The parser
/// descends once per level on the stack of the thread serving the request:
/// a few thousand levels would overflow it and end the process. A document
/// within the depth limit nests a few dozen at most.
pub const MAX_NESTING: usize = 64;

/// The lexical tokens of a document (names, numbers, strings and
/// punctuators), one space apart: commas, white space and comments are
/// dropped, as GraphQL ignores them. Gives up as soon as there are more than
/// `max`, or brackets nest deeper than [`MAX_NESTING`], so that a huge or
/// deeply nested document is refused in one pass over its bytes, before the
/// parser sees it. The result is also what cached answers are keyed on.
pub fn tokens(query: &str, max: usize) -> Result<String, Refusal> {
    let mut out = String::with_capacity(query.len());
    let mut nesting = 0usize;
    for (count, token) in Lexer::new(query).enumerate() {
        if count == max {
            return Err(Refusal::new(
                "TOO_MANY_TOKENS",
                format!("the document has more than {max} tokens"),
            ));
        }
        match token {
            "{" | "[" | "(" => {
                nesting += 1;
                if nesting > MAX_NESTING {
                    return Err(Refusal::new(
                        "QUERY_TOO_DEEP",
                        format!("the document nests brackets more than {MAX_NESTING} deep"),
                    ));
                }
            }
            "}" | "]" | ")" => nesting = nesting.saturating_sub(1),
            _ => {}
        }
        if count > 0 {
            out.push(' ');
        }
        out.push_str(token);
    }
    Ok(out)
}

/// Splits a document into its tokens, as slices of it. Only as strict as
/// counting and keying need: the parser, later, rejects what is not GraphQL.
struct Lexer<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Lexer<'a> {
    fn new(text: &'a str) -> Self {
        Self { text, at: 0 }
    }
}

impl<'a> Iterator for Lexer<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let bytes = self.text.as_bytes();
        let mut i = self.at;
        // What GraphQL ignores: white space, commas, comments.
        loop {
            match bytes.get(i)? {
                b' ' | b'\t' | b'\n' | b'\r' | b',' => i += 1,
                b'#' => {
                    while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                        i += 1;
                    }
                }
                _ => break,
            }
        }
        let start = i;
        match bytes[i] {
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                i += 3;
                while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                    i += if bytes[i..].starts_with(b"\\\"\"\"") {
                        4
                    } else {
                        1
                    };
                }
                i += 3;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'.' if bytes[i..].starts_with(b"...") => i += 3,
            b'_' | b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' => {
                i += 1;
                while i < bytes.len()
                    && matches!(bytes[i], b'_' | b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'+' | b'-')
                {
                    i += 1;
                }
            }
            // Any other character, whole (it may take several bytes).
            _ => {
                i += 1;
                while i < bytes.len() && !self.text.is_char_boundary(i) {
                    i += 1;
                }
            }
        }
        // A string left open runs to the end.
        let mut end = i.min(bytes.len());
        while !self.text.is_char_boundary(end) {
            end += 1;
        }
        self.at = end;
        Some(&self.text[start..end])
    }
}

/// The operation of `doc` that a request runs: the one named `name`, or the
/// only one.
pub fn operation<'d>(
    doc: &'d ExecutableDocument,
    name: Option<&str>,
) -> Result<&'d Positioned<OperationDefinition>, Refusal> {
    match (&doc.operations, name) {
        (DocumentOperations::Single(op), None) => Ok(op),
        // One anonymous operation has no name to match.
        (DocumentOperations::Single(_), Some(name)) => Err(unknown_operation(name)),
        (DocumentOperations::Multiple(ops), Some(name)) => ops
            .iter()
            .find(|(n, _)| n.as_str() == name)
            .map(|(_, op)| op)
            .ok_or_else(|| unknown_operation(name)),
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => ops
            .values()
            .next()
            .ok_or_else(|| Refusal::new("GRAPHQL_PARSE_FAILED", "the document has no operation")),
        (DocumentOperations::Multiple(_), None) => Err(Refusal::new(
            "OPERATION_NAME_REQUIRED",
            "the document holds several operations: say which to run with `operationName`",
        )),
    }
}

/// The kind of the operation of `doc` a request runs.
pub fn operation_kind(
    doc: &ExecutableDocument,
    name: Option<&str>,
) -> Result<OperationType, Refusal> {
    operation(doc, name).map(|op| op.node.ty)
}

/// The response keys (alias or name) of an operation's root fields, in the
/// order the document asks for them, fragments at the root included.
pub fn root_keys(doc: &ExecutableDocument, op: &OperationDefinition) -> Vec<Name> {
    let mut keys = Vec::new();
    let mut visiting = Vec::new();
    collect_keys(doc, &op.selection_set.node, &mut keys, &mut visiting);
    keys
}

fn collect_keys<'d>(
    doc: &'d ExecutableDocument,
    set: &'d SelectionSet,
    keys: &mut Vec<Name>,
    visiting: &mut Vec<&'d Name>,
) {
    for item in &set.items {
        match &item.node {
            Selection::Field(field) => {
                let key = field.node.response_key().node.clone();
                if !keys.contains(&key) {
                    keys.push(key);
                }
            }
            Selection::InlineFragment(inline) => {
                collect_keys(doc, &inline.node.selection_set.node, keys, visiting);
            }
            Selection::FragmentSpread(spread) => {
                let name = &spread.node.fragment_name.node;
                // A cycle is refused by validation; it must not loop here first.
                if visiting.contains(&name) {
                    continue;
                }
                if let Some(fragment) = doc.fragments.get(name) {
                    visiting.push(name);
                    collect_keys(doc, &fragment.node.selection_set.node, keys, visiting);
                    visiting.pop();
                }
            }
        }
    }
}

/// The names of the fields an operation selects at its root, fragments included.
pub fn root_fields<'d>(doc: &'d ExecutableDocument, op: &'d OperationDefinition) -> Vec<&'d str> {
    let mut names = Vec::new();
    let mut sets = vec![&op.selection_set.node];
    let mut seen_fragments = Vec::new();
    while let Some(set) = sets.pop() {
        for item in &set.items {
            match &item.node {
                Selection::Field(field) => names.push(field.node.name.node.as_str()),
                Selection::InlineFragment(inline) => sets.push(&inline.node.selection_set.node),
                Selection::FragmentSpread(spread) => {
                    let name = &spread.node.fragment_name.node;
                    if !seen_fragments.contains(&name)
                        && let Some(fragment) = doc.fragments.get(name)
                    {
                        seen_fragments.push(name);
                        sets.push(&fragment.node.selection_set.node);
                    }
                }
            }
        }
    }
    names
}

fn unknown_operation(name: &str) -> Refusal {
    // The name comes from the client; echo at most a short, printable one.
    let shown: String = name.chars().filter(|c| !c.is_control()).take(64).collect();
    Refusal::new(
        "UNKNOWN_OPERATION",
        format!("the document has no operation named `{shown}`"),
    )
}

/// Counts aliases and directives over every operation and fragment of `doc`.
pub fn check_shape(doc: &ExecutableDocument, edge: &EdgeArgs) -> Result<(), Refusal> {
    let mut count = Counts::default();
    for (_, op) in doc.operations.iter() {
        count.directives += op.node.directives.len();
        for var in &op.node.variable_definitions {
            count.directives += var.node.directives.len();
        }
        count.selection_set(&op.node.selection_set.node);
    }
    for fragment in doc.fragments.values() {
        count.directives += fragment.node.directives.len();
        count.selection_set(&fragment.node.selection_set.node);
    }
    if count.aliases > edge.max_aliases {
        return Err(Refusal::new(
            "TOO_MANY_ALIASES",
            format!(
                "the document has {} aliases; at most {} are allowed",
                count.aliases, edge.max_aliases
            ),
        ));
    }
    if count.directives > edge.max_directives {
        return Err(Refusal::new(
            "TOO_MANY_DIRECTIVES",
            format!(
                "the document has {} directives; at most {} are allowed",
                count.directives, edge.max_directives
            ),
        ));
    }
    Ok(())
}

#[derive(Default)]
struct Counts {
    aliases: usize,
    directives: usize,
}

impl Counts {
    fn selection_set(&mut self, set: &SelectionSet) {
        for item in &set.items {
            match &item.node {
                Selection::Field(field) => {
                    self.aliases += usize::from(field.node.alias.is_some());
                    self.directives += field.node.directives.len();
                    self.selection_set(&field.node.selection_set.node);
                }
                Selection::FragmentSpread(spread) => {
                    self.directives += spread.node.directives.len();
                }
                Selection::InlineFragment(inline) => {
                    self.directives += inline.node.directives.len();
                    self.selection_set(&inline.node.selection_set.node);
                }
            }
        }
    }
}

/// Whether a character may appear in a string input: anything but control
/// characters, except tab and line breaks. No field needs the others; NUL
/// cannot be stored by PostgreSQL at all, and the rest hide text from people
/// reading it later (a terminal, a log, an email).
fn allowed(c: char) -> bool {
    !c.is_control() || matches!(c, '\t' | '\n' | '\r')
}

/// The first control character in `text`, if any, as `U+XXXX`.
fn forbidden(text: &str) -> Option<String> {
    text.chars()
        .find(|c| !allowed(*c))
        .map(|c| format!("U+{:04X}", u32::from(c)))
}

fn control_refusal(place: &str, character: &str) -> Refusal {
    Refusal::new(
        "BAD_USER_INPUT",
        format!(
            "{place} holds the control character {character}; strings may hold tab and line breaks but no other control character"
        ),
    )
}

/// Refuses a request whose variables hold a control character in any
/// string or key, naming where (never the value).
pub fn check_variables(variables: &serde_json::Value) -> Result<(), Refusal> {
    fn walk(value: &serde_json::Value, path: &mut String) -> Result<(), Refusal> {
        match value {
            serde_json::Value::String(s) => match forbidden(s) {
                Some(c) => Err(control_refusal(&format!("`{path}`"), &c)),
                None => Ok(()),
            },
            serde_json::Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let len = path.len();
                    path.push_str(&format!(".{i}"));
                    walk(item, path)?;
                    path.truncate(len);
                }
                Ok(())
            }
            serde_json::Value::Object(map) => {
                for (key, item) in map {
                    if let Some(c) = forbidden(key) {
                        return Err(control_refusal(&format!("a key in `{path}`"), &c));
                    }
                    let len = path.len();
                    path.push('.');
                    path.push_str(key);
                    walk(item, path)?;
                    path.truncate(len);
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }
    walk(variables, &mut String::from("variables"))
}

/// Refuses a document with a control character in any string literal: in
/// arguments, directives and variables' defaults, of every operation and
/// fragment. Says where, by line and column.
pub fn check_literals(doc: &ExecutableDocument) -> Result<(), Refusal> {
    let mut literals = Literals::default();
    for (_, op) in doc.operations.iter() {
        for var in &op.node.variable_definitions {
            if let Some(default) = &var.node.default_value {
                literals.constant(&default.node, var.pos);
            }
            literals.directives(&var.node.directives);
        }
        literals.directives(&op.node.directives);
        literals.selection_set(&op.node.selection_set.node);
    }
    for fragment in doc.fragments.values() {
        literals.directives(&fragment.node.directives);
        literals.selection_set(&fragment.node.selection_set.node);
    }
    match literals.found {
        Some((pos, c)) => Err(control_refusal(
            &format!(
                "a string at line {}, column {} of the document",
                pos.line, pos.column
            ),
            &c,
        )),
        None => Ok(()),
    }
}

/// The first forbidden character found in a document's literals, and where.
#[derive(Default)]
struct Literals {
    found: Option<(async_graphql::Pos, String)>,
}

impl Literals {
    fn note(&mut self, text: &str, pos: async_graphql::Pos) {
        if self.found.is_none()
            && let Some(c) = forbidden(text)
        {
            self.found = Some((pos, c));
        }
    }

    fn value(&mut self, value: &Value, pos: async_graphql::Pos) {
        match value {
            Value::String(s) => self.note(s, pos),
            Value::List(items) => items.iter().for_each(|v| self.value(v, pos)),
            Value::Object(map) => map.values().for_each(|v| self.value(v, pos)),
            _ => {}
        }
    }

    fn constant(&mut self, value: &ConstValue, pos: async_graphql::Pos) {
        match value {
            ConstValue::String(s) => self.note(s, pos),
            ConstValue::List(items) => items.iter().for_each(|v| self.constant(v, pos)),
            ConstValue::Object(map) => map.values().for_each(|v| self.constant(v, pos)),
            _ => {}
        }
    }

    fn directives(&mut self, directives: &[Positioned<async_graphql::parser::types::Directive>]) {
        for directive in directives {
            for (_, argument) in &directive.node.arguments {
                self.value(&argument.node, argument.pos);
            }
        }
    }

    fn selection_set(&mut self, set: &SelectionSet) {
        for item in &set.items {
            match &item.node {
                Selection::Field(field) => {
                    for (_, argument) in &field.node.arguments {
                        self.value(&argument.node, argument.pos);
                    }
                    self.directives(&field.node.directives);
                    self.selection_set(&field.node.selection_set.node);
                }
                Selection::FragmentSpread(spread) => self.directives(&spread.node.directives),
                Selection::InlineFragment(inline) => {
                    self.directives(&inline.node.directives);
                    self.selection_set(&inline.node.selection_set.node);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge() -> EdgeArgs {
        EdgeArgs {
            max_aliases: 2,
            max_directives: 2,
            ..EdgeArgs::default()
        }
    }

    #[test]
    fn tokens_are_counted_without_comments_commas_or_string_contents() {
        let query = "# a comment with many words\n{ a(b: \"x y z\", c: [1, 2]) ... on T { d } }";
        // { a ( b : "x y z" c : [ 1 2 ] ) ... on T { d } }: 20 tokens.
        assert_eq!(
            tokens(query, 20).unwrap(),
            "{ a ( b : \"x y z\" c : [ 1 2 ] ) ... on T { d } }"
        );
        assert_eq!(tokens(query, 19).unwrap_err().code, "TOO_MANY_TOKENS");
        let block = "{ a(s: \"\"\"block, \"quoted\" string\"\"\") }";
        // { a ( s : """…""" ) }
        assert!(tokens(block, 8).is_ok());
        assert!(tokens(block, 7).is_err());
    }

    #[test]
    fn brackets_nested_too_deep_are_refused_before_parsing() {
        let list = format!("{{ x(y: {}{}) }}", "[".repeat(2000), "]".repeat(2000));
        assert_eq!(tokens(&list, 100_000).unwrap_err().code, "QUERY_TOO_DEEP");
        let fields = format!(
            "{}{}",
            "{ a ".repeat(MAX_NESTING + 1),
            "}".repeat(MAX_NESTING + 1)
        );
        assert_eq!(tokens(&fields, 100_000).unwrap_err().code, "QUERY_TOO_DEEP");
        let fine = format!("{}{}", "{ a ".repeat(MAX_NESTING), "}".repeat(MAX_NESTING));
        assert!(tokens(&fine, 100_000).is_ok());
        // Brackets in strings do not count.
        let quoted = format!("{{ x(y: \"{}\") }}", "[".repeat(2000));
        assert!(tokens(&quoted, 100_000).is_ok());
    }

    #[test]
    fn documents_that_differ_only_in_what_graphql_ignores_have_the_same_tokens() {
        let a = tokens("query Q($s: String!) { article(slug: $s) { title } }", 100).unwrap();
        let b = tokens(
            "query Q( $s : String! ) {\n  # the page\n  article(slug: $s) { title, }\n}",
            100,
        )
        .unwrap();
        assert_eq!(a, b);
        let c = tokens(
            "query Q($s: String!) { article(slug: $s) { title slug } }",
            100,
        )
        .unwrap();
        assert_ne!(a, c);
        // Strings keep their spaces; other characters stay whole.
        assert_ne!(
            tokens("{ a(s: \"x  y\") }", 100).unwrap(),
            tokens("{ a(s: \"x y\") }", 100).unwrap()
        );
        assert_eq!(tokens("{ é \"ü", 100).unwrap(), "{ é \"ü");
    }

    #[test]
    fn aliases_and_directives_are_counted_in_fragments_too() {
        let doc = async_graphql::parser::parse_query(
            "query Q { a: x b: y ...F } fragment F on Query { c: z @include(if: true) }",
        )
        .unwrap();
        assert_eq!(
            check_shape(&doc, &edge()).unwrap_err().code,
            "TOO_MANY_ALIASES"
        );
        let doc = async_graphql::parser::parse_query(
            "{ x @skip(if: false) y @include(if: true) ... @include(if: true) { z } }",
        )
        .unwrap();
        assert_eq!(
            check_shape(&doc, &edge()).unwrap_err().code,
            "TOO_MANY_DIRECTIVES"
        );
    }

    #[test]
    fn the_operation_to_run_must_be_clear() {
        let doc = async_graphql::parser::parse_query("query A { x } mutation B { y }").unwrap();
        assert_eq!(operation_kind(&doc, Some("B")), Ok(OperationType::Mutation));
        assert_eq!(
            operation_kind(&doc, None).unwrap_err().code,
            "OPERATION_NAME_REQUIRED"
        );
        assert_eq!(
            operation_kind(&doc, Some("C")).unwrap_err().code,
            "UNKNOWN_OPERATION"
        );
        let named = async_graphql::parser::parse_query("query A { x }").unwrap();
        assert_eq!(operation_kind(&named, None), Ok(OperationType::Query));
        assert_eq!(operation_kind(&named, Some("A")), Ok(OperationType::Query));
        assert!(operation_kind(&named, Some("Z")).is_err());
        let anonymous = async_graphql::parser::parse_query("mutation { x }").unwrap();
        assert_eq!(
            operation_kind(&anonymous, None),
            Ok(OperationType::Mutation)
        );
        assert!(operation_kind(&anonymous, Some("A")).is_err());
    }

    #[test]
    fn control_characters_are_found_at_any_depth_and_named_by_path() {
        let refused = check_variables(&serde_json::json!({ "a": ["ok", "x\u{0}y"] })).unwrap_err();
        assert_eq!(refused.code, "BAD_USER_INPUT");
        assert!(
            refused.message.contains("`variables.a.1`"),
            "{}",
            refused.message
        );
        assert!(refused.message.contains("U+0000"));
        assert!(
            !refused.message.contains("x\u{0}y"),
            "the value is not echoed"
        );
        let escape = check_variables(&serde_json::json!({ "k\u{1b}": 1 })).unwrap_err();
        assert!(escape.message.contains("U+001B"), "{}", escape.message);
        assert!(
            check_variables(&serde_json::json!({ "a": ["tab\tand\r\nlines", 1, null] })).is_ok()
        );
        assert!(check_variables(&serde_json::json!({ "a": "del\u{7f}" })).is_err());
        assert!(check_variables(&serde_json::json!({ "a": "c1\u{85}" })).is_err());
    }

    #[test]
    fn control_characters_in_literals_are_found_in_fragments_defaults_and_directives() {
        let refused = |text: &str| {
            let doc = async_graphql::parser::parse_query(text).unwrap();
            check_literals(&doc).err().map(|r| r.message)
        };
        assert_eq!(refused("{ a(s: \"fine\\ttab\\nline\") }"), None);
        let message = refused("{ a(s: \"nul\\u0000here\") }").unwrap();
        assert!(message.contains("line 1, column 8"), "{message}");
        assert!(!message.contains("here"));
        assert!(refused("query Q($v: String = \"\\u0007\") { a(s: $v) }").is_some());
        assert!(refused("{ ...F } fragment F on Query { a(s: [{ x: \"\\u001b\" }]) }").is_some());
        assert!(refused("{ a @include(if: true) @x(s: \"\\u0000\") }").is_some());
    }

    #[test]
    fn root_keys_follow_the_document_through_fragments() {
        let doc = async_graphql::parser::parse_query(
            "query Q { b first: a ...F ... on Query { d } } fragment F on Query { c b }",
        )
        .unwrap();
        let op = operation(&doc, None).unwrap();
        let keys: Vec<String> = root_keys(&doc, &op.node)
            .iter()
            .map(|k| k.to_string())
            .collect();
        assert_eq!(keys, ["b", "first", "c", "d"]);
        let mut fields = root_fields(&doc, &op.node);
        fields.sort_unstable();
        assert_eq!(fields, ["a", "b", "b", "c", "d"]);
    }
}
