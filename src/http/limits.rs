//! Checks of a GraphQL document made before it runs, so that an abusive one
//! costs no database work: its size in tokens, aliases and directives, and
//! which operation it asks for. Depth and complexity are checked by the
//! schema's own validation, which also runs before any resolver.

use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationType, Selection, SelectionSet,
};

use crate::config::EdgeArgs;

/// Why a document is refused, with the code clients see in `extensions.code`.
#[derive(Debug, PartialEq, Eq)]
pub struct Refusal {
    pub code: &'static str,
    pub message: String,
}

impl Refusal {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

/// The lexical tokens of a document (names, numbers, strings and
/// punctuators), one space apart: commas, white space and comments are
/// dropped, as GraphQL ignores them. Gives up as soon as there are more than
/// `max`, so a huge document is refused in one pass over its bytes, before
/// the parser sees it. The result is also what cached answers are keyed on.
pub fn tokens(query: &str, max: usize) -> Result<String, Refusal> {
    let mut out = String::with_capacity(query.len());
    for (count, token) in Lexer::new(query).enumerate() {
        if count == max {
            return Err(Refusal::new(
                "TOO_MANY_TOKENS",
                format!("the document has more than {max} tokens"),
            ));
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
pub fn operation_kind(
    doc: &ExecutableDocument,
    name: Option<&str>,
) -> Result<OperationType, Refusal> {
    match (&doc.operations, name) {
        (DocumentOperations::Single(op), None) => Ok(op.node.ty),
        // One anonymous operation has no name to match.
        (DocumentOperations::Single(_), Some(name)) => Err(unknown_operation(name)),
        (DocumentOperations::Multiple(ops), Some(name)) => ops
            .iter()
            .find(|(n, _)| n.as_str() == name)
            .map(|(_, op)| op.node.ty)
            .ok_or_else(|| unknown_operation(name)),
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => Ok(ops
            .values()
            .next()
            .map_or(OperationType::Query, |op| op.node.ty)),
        (DocumentOperations::Multiple(_), None) => Err(Refusal::new(
            "OPERATION_NAME_REQUIRED",
            "the document holds several operations: say which to run with `operationName`",
        )),
    }
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

/// Whether a JSON value holds a string with a NUL character anywhere, which
/// no column can store and no field needs.
pub fn holds_nul(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::String(s) => s.contains('\0'),
        serde_json::Value::Array(items) => items.iter().any(holds_nul),
        serde_json::Value::Object(map) => map.iter().any(|(k, v)| k.contains('\0') || holds_nul(v)),
        _ => false,
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
    fn nul_characters_are_found_at_any_depth() {
        assert!(holds_nul(&serde_json::json!({ "a": ["ok", "x\u{0}y"] })));
        assert!(!holds_nul(&serde_json::json!({ "a": ["ok", 1, null] })));
    }
}
