//! Persisted queries. Apollo's automatic persisted queries let a mobile
//! client send a document's SHA-256 instead of its text once the server has
//! seen it; each instance keeps what it has seen in a cache bounded by the
//! documents' bytes, and a client whose hash is not known (a new instance, an
//! evicted entry) is told `PERSISTED_QUERY_NOT_FOUND` and sends the text
//! again, so losing the cache costs one round trip and nothing else. A
//! document is kept only once it has passed the gate's checks, so nothing a
//! client sends is kept on its word alone.
//!
//! With a manifest (Apollo's `apollo-persisted-query-manifest` format) loaded
//! at start, the server runs only the operations it lists: an allow-list.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use quick_cache::Weighter;
use quick_cache::sync::Cache;
use serde::Deserialize;

use super::Refusal;

/// Bytes of documents remembered per instance for automatic persisted queries.
const CACHE_BYTES: u64 = 4 << 20;
/// The longest document remembered: a front end's largest is a few
/// kilobytes; a longer one still runs, sent with its text each time.
const MAX_DOCUMENT: usize = 64 << 10;
/// What an entry weighs besides its document: its hash and bookkeeping.
const OVERHEAD: u64 = 128;

#[derive(Clone)]
struct ByLength;

impl Weighter<String, Arc<str>> for ByLength {
    fn weight(&self, _: &String, text: &Arc<str>) -> u64 {
        text.len() as u64 + OVERHEAD
    }
}

/// The persisted-query store of one instance.
#[derive(Clone)]
pub struct PersistedQueries {
    /// Hash → document, when only listed operations may run.
    allow_list: Option<Arc<HashMap<String, String>>>,
    seen: Arc<Cache<String, Arc<str>, ByLength>>,
}

/// A document sent with its hash, to remember once it has passed the checks.
#[derive(Debug)]
pub struct ToRemember(String);

#[derive(Deserialize)]
struct Manifest {
    format: String,
    version: u32,
    operations: Vec<ManifestOperation>,
}

#[derive(Deserialize)]
struct ManifestOperation {
    id: String,
    body: String,
}

/// `extensions.persistedQuery` of a request.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PersistedQueryExtension {
    version: u32,
    sha256_hash: String,
}

/// The SHA-256 of a document, in lower-case hex.
pub fn hash(query: &str) -> String {
    crate::digest::sha256_hex(query.as_bytes())
}

impl PersistedQueries {
    /// Automatic persisted queries, and any document may run.
    pub fn open() -> Self {
        Self {
            allow_list: None,
            seen: Arc::new(Cache::with_weighter(
                usize::try_from(CACHE_BYTES / 1024).unwrap_or(4096),
                CACHE_BYTES,
                ByLength,
            )),
        }
    }

    /// Only the operations of the manifest at `path` may run.
    pub fn from_manifest(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)?;
        let manifest: Manifest = serde_json::from_str(&text)?;
        if manifest.format != "apollo-persisted-query-manifest" || manifest.version != 1 {
            anyhow::bail!(
                "expected an apollo-persisted-query-manifest, version 1; got {:?}, version {}",
                manifest.format,
                manifest.version
            );
        }
        let mut operations = HashMap::new();
        for op in manifest.operations {
            if hash(&op.body) != op.id.to_lowercase() {
                anyhow::bail!("operation {} does not have the SHA-256 its id says", op.id);
            }
            operations.insert(op.id.to_lowercase(), op.body);
        }
        Ok(Self {
            allow_list: Some(Arc::new(operations)),
            ..Self::open()
        })
    }

    /// Whether only listed operations may run.
    pub fn is_allow_list(&self) -> bool {
        self.allow_list.is_some()
    }

    /// The document a request runs: its own text, or the one its
    /// `persistedQuery` hash names; and, for a new document sent with its
    /// hash, what to [`PersistedQueries::remember`] once it has passed the checks.
    pub fn resolve(
        &self,
        query: Option<String>,
        extensions: Option<&serde_json::Value>,
    ) -> Result<(String, Option<ToRemember>), Refusal> {
        let persisted = match extensions.and_then(|e| e.get("persistedQuery")) {
            None => None,
            Some(value) => Some(
                serde_json::from_value::<PersistedQueryExtension>(value.clone()).map_err(|_| {
                    Refusal::new(
                        "PERSISTED_QUERY_INVALID",
                        "`extensions.persistedQuery` must be { version: 1, sha256Hash: \"…\" }",
                    )
                })?,
            ),
        };
        if let Some(p) = &persisted
            && p.version != 1
        {
            return Err(Refusal::new(
                "PERSISTED_QUERY_INVALID",
                "only version 1 of persisted queries is supported",
            ));
        }
        let wanted = persisted.map(|p| p.sha256_hash.to_lowercase());

        if let Some(list) = &self.allow_list {
            let id = match (&query, &wanted) {
                (Some(text), _) => hash(text),
                (None, Some(id)) => id.clone(),
                (None, None) => return Err(missing_query()),
            };
            if wanted.as_ref().is_some_and(|w| *w != id) {
                return Err(mismatch());
            }
            return list
                .get(&id)
                .cloned()
                .map(|text| (text, None))
                .ok_or_else(|| {
                    Refusal::new(
                        "PERSISTED_QUERY_NOT_ALLOWED",
                        "this server runs only the operations registered with it",
                    )
                });
        }

        match (query, wanted) {
            (Some(text), None) => Ok((text, None)),
            (Some(text), Some(id)) => {
                if hash(&text) != id {
                    return Err(mismatch());
                }
                let remember = (text.len() <= MAX_DOCUMENT && self.seen.get(&id).is_none())
                    .then_some(ToRemember(id));
                Ok((text, remember))
            }
            (None, Some(id)) => self
                .seen
                .get(&id)
                .map(|text| (text.to_string(), None))
                .ok_or_else(|| {
                    Refusal::new(
                        "PERSISTED_QUERY_NOT_FOUND",
                        "PersistedQueryNotFound: send the document with its hash once",
                    )
                }),
            (None, None) => Err(missing_query()),
        }
    }

    /// Keeps a document that passed the checks, for requests that send only its hash.
    pub fn remember(&self, remember: ToRemember, text: &str) {
        self.seen.insert(remember.0, Arc::from(text));
    }

    /// Bytes of documents kept, their hashes and bookkeeping included.
    pub fn usage(&self) -> u64 {
        self.seen.weight()
    }
}

fn missing_query() -> Refusal {
    Refusal::new("BAD_REQUEST", "the request has no `query`")
}

fn mismatch() -> Refusal {
    Refusal::new(
        "PERSISTED_QUERY_HASH_MISMATCH",
        "`extensions.persistedQuery.sha256Hash` is not the SHA-256 of `query`",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const DOC: &str = "{ organization { name } }";

    fn ext(id: &str) -> serde_json::Value {
        json!({ "persistedQuery": { "version": 1, "sha256Hash": id } })
    }

    #[test]
    fn automatic_persisted_queries_round_trip() {
        let store = PersistedQueries::open();
        let id = hash(DOC);
        let unknown = store.resolve(None, Some(&ext(&id))).unwrap_err();
        assert_eq!(unknown.code, "PERSISTED_QUERY_NOT_FOUND");
        let (text, remember) = store.resolve(Some(DOC.into()), Some(&ext(&id))).unwrap();
        assert_eq!(text, DOC);
        // Not kept until the checks let it through.
        assert!(store.resolve(None, Some(&ext(&id))).is_err());
        store.remember(remember.expect("a new document"), &text);
        assert_eq!(store.resolve(None, Some(&ext(&id))).unwrap().0, DOC);
        let wrong = store
            .resolve(Some("{ x }".into()), Some(&ext(&id)))
            .unwrap_err();
        assert_eq!(wrong.code, "PERSISTED_QUERY_HASH_MISMATCH");
        assert_eq!(store.resolve(Some(DOC.into()), None).unwrap().0, DOC);
    }

    #[test]
    fn kept_documents_are_bounded_by_their_bytes() {
        let store = PersistedQueries::open();
        let long = format!("{{ a(s: \"{}\") }}", "x".repeat(MAX_DOCUMENT));
        let (_, remember) = store
            .resolve(Some(long.clone()), Some(&ext(&hash(&long))))
            .unwrap();
        assert!(remember.is_none(), "too long to keep");
        for n in 0..2000 {
            let doc = format!("{{ a(s: \"{n}{}\") }}", "y".repeat(8 * 1024));
            let (text, remember) = store
                .resolve(Some(doc.clone()), Some(&ext(&hash(&doc))))
                .unwrap();
            store.remember(remember.unwrap(), &text);
        }
        assert!(store.usage() <= CACHE_BYTES, "{} bytes kept", store.usage());
    }

    #[test]
    fn an_allow_list_runs_only_its_operations() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("manifest.json");
        let manifest = json!({
            "format": "apollo-persisted-query-manifest",
            "version": 1,
            "operations": [{ "id": hash(DOC), "name": "Org", "type": "query", "body": DOC }],
        });
        std::fs::write(&path, manifest.to_string()).unwrap();
        let store = PersistedQueries::from_manifest(&path).unwrap();
        assert_eq!(store.resolve(None, Some(&ext(&hash(DOC)))).unwrap().0, DOC);
        assert_eq!(store.resolve(Some(DOC.into()), None).unwrap().0, DOC);
        let other = "{ services { name } }";
        assert_eq!(
            store.resolve(Some(other.into()), None).unwrap_err().code,
            "PERSISTED_QUERY_NOT_ALLOWED"
        );
        // Registering a new document the automatic way is no way around it.
        assert_eq!(
            store
                .resolve(Some(other.into()), Some(&ext(&hash(other))))
                .unwrap_err()
                .code,
            "PERSISTED_QUERY_NOT_ALLOWED"
        );

        std::fs::write(
            &path,
            json!({ "format": "apollo-persisted-query-manifest", "version": 1,
            "operations": [{ "id": "00", "body": DOC }] })
            .to_string(),
        )
        .unwrap();
        assert!(PersistedQueries::from_manifest(&path).is_err());
    }
}
