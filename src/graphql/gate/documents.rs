//! Parsed GraphQL documents, kept by their text. Front ends send the same few
//! documents over and over with other variables; parsing one costs more than
//! executing many a small mutation, while a kept copy costs a clone.
//!
//! Only documents that ran without a request error are kept (the gate
//! keeps them once they have), and only by their exact text, so that every
//! position an error names is the one in the text sent. The cache is bounded
//! by what the parsed documents weigh, reckoned from their text; a client
//! sending ever new documents only pushes older ones out.

use async_graphql::parser::types::ExecutableDocument;
use async_graphql::parser::{Error, parse_query};
use quick_cache::Weighter;
use quick_cache::sync::Cache;

/// How much memory the kept documents may take, in bytes, as [`ByText`]
/// reckons it.
const CAPACITY_BYTES: u64 = 8 << 20;
/// Documents expected at once, for sizing the cache's tables.
const EXPECTED: usize = 512;
/// What a parsed document takes per byte of its text: every field, argument
/// and name becomes a node with its position, tens of bytes for a few
/// characters of text.
const TREE_PER_BYTE: u64 = 32;
/// What an entry weighs besides its tree.
const OVERHEAD: u64 = 512;

#[derive(Clone)]
struct ByText;

impl Weighter<String, ExecutableDocument> for ByText {
    fn weight(&self, text: &String, _: &ExecutableDocument) -> u64 {
        text.len() as u64 * (TREE_PER_BYTE + 1) + OVERHEAD
    }
}

/// The documents this instance parsed lately.
pub struct Documents(Cache<String, ExecutableDocument, ByText>);

impl Default for Documents {
    fn default() -> Self {
        Self(Cache::with_weighter(EXPECTED, CAPACITY_BYTES, ByText))
    }
}

impl Documents {
    /// `text` parsed: a copy of the kept document, or parsed now; and
    /// whether it was kept already.
    pub fn parse(&self, text: &str) -> Result<(ExecutableDocument, bool), Error> {
        if let Some(doc) = self.0.get(text) {
            return Ok((doc, true));
        }
        Ok((parse_query(text)?, false))
    }

    /// Keeps a document that ran, for the next request with the same text.
    pub fn keep(&self, text: String, doc: ExecutableDocument) {
        self.0.insert(text, doc);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_document_is_the_one_parsed_and_errors_are_not_kept() {
        let documents = Documents::default();
        let text = "query A($id: ID!) { article(id: $id) { title } }";
        let (first, kept) = documents.parse(text).unwrap();
        assert!(!kept);
        documents.keep(text.to_owned(), first.clone());
        let (again, kept) = documents.parse(text).unwrap();
        assert!(kept);
        assert_eq!(format!("{first:?}"), format!("{again:?}"));
        assert!(documents.parse("query {").is_err());
        assert_eq!(documents.0.len(), 1);
    }

    #[test]
    fn kept_documents_are_bounded_by_what_their_trees_weigh() {
        let documents = Documents::default();
        let fields = "a ".repeat(5000);
        for n in 0..200 {
            let text = format!("query Q{n} {{ {fields} }}");
            let (doc, _) = documents.parse(&text).unwrap();
            documents.keep(text, doc);
        }
        assert!(documents.0.weight() <= CAPACITY_BYTES);
        assert!(documents.0.len() < 100, "{} kept", documents.0.len());
    }
}
