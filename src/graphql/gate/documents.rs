//! Parsed GraphQL documents, kept by their text. Front ends send the same few
//! documents over and over with other variables; parsing one costs more than
//! executing many a small mutation, while a kept copy costs a clone.
//!
//! Only documents that parsed are kept, and only by their exact text, so
//! that every position an error names is the one in the text sent. The
//! cache is bounded by the size of the texts it holds; a client sending ever
//! new documents only pushes older ones out.

use async_graphql::parser::types::ExecutableDocument;
use async_graphql::parser::{Error, parse_query};
use quick_cache::Weighter;
use quick_cache::sync::Cache;

/// How much text the kept documents may add up to, in bytes. A parsed
/// document takes several times its text in memory.
const CAPACITY_BYTES: u64 = 1 << 20;
/// Documents expected at once, for sizing the cache's tables.
const EXPECTED: usize = 512;
/// What an entry weighs besides its text: its tree, roughly.
const OVERHEAD: u64 = 512;

#[derive(Clone)]
struct ByText;

impl Weighter<String, ExecutableDocument> for ByText {
    fn weight(&self, text: &String, _: &ExecutableDocument) -> u64 {
        text.len() as u64 + OVERHEAD
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
    /// `text` parsed: a copy of the kept document, or parsed now (and kept).
    pub fn parse(&self, text: &str) -> Result<ExecutableDocument, Error> {
        if let Some(doc) = self.0.get(text) {
            return Ok(doc);
        }
        let doc = parse_query(text)?;
        self.0.insert(text.to_owned(), doc.clone());
        Ok(doc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_document_is_the_one_parsed_and_errors_are_not_kept() {
        let documents = Documents::default();
        let text = "query A($id: ID!) { article(id: $id) { title } }";
        let first = documents.parse(text).unwrap();
        let again = documents.parse(text).unwrap();
        assert_eq!(format!("{first:?}"), format!("{again:?}"));
        assert_eq!(documents.0.len(), 1);
        assert!(documents.parse("query {").is_err());
        assert!(documents.parse("query {").is_err());
        assert_eq!(documents.0.len(), 1);
    }
}
