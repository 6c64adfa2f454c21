//! Persisted queries. Apollo's automatic persisted queries let a mobile
//! client send a document's SHA-256 instead of its text once the server has
//! seen it; each instance keeps what it has seen in a bounded cache, and a
//! client whose hash is not known (a new instance, an evicted entry) is told
//! `PERSISTED_QUERY_NOT_FOUND` and sends the text again, so losing the cache
//! costs one round trip and nothing else.
//!
//! With a manifest (Apollo's `apollo-persisted-query-manifest` format) loaded
//! at start, the server runs only the operations it lists: an allow-list.

use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::path::Path;
use std::sync::{Arc, Mutex};

use serde::Deserialize;

use super::limits::Refusal;

/// Documents remembered per instance for automatic persisted queries.
const CACHE_ENTRIES: usize = 1000;

/// The persisted-query store of one instance.
#[derive(Clone)]
pub struct PersistedQueries {
    /// Hash → document, when only listed operations may run.
    allow_list: Option<Arc<HashMap<String, String>>>,
    seen: Arc<Mutex<lru::LruCache<String, Arc<str>>>>,
}

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
    crate::domain::sha256_hex(query.as_bytes())
}

impl PersistedQueries {
    /// Automatic persisted queries, and any document may run.
    pub fn open() -> Self {
        Self {
            allow_list: None,
            seen: Arc::new(Mutex::new(lru::LruCache::new(
                NonZeroUsize::new(CACHE_ENTRIES).unwrap_or(NonZeroUsize::MIN),
            ))),
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
    /// `persistedQuery` hash names. Remembers new documents sent with their hash.
    pub fn resolve(
        &self,
        query: Option<String>,
        extensions: Option<&serde_json::Value>,
    ) -> Result<String, Refusal> {
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
            return list.get(&id).cloned().ok_or_else(|| {
                Refusal::new(
                    "PERSISTED_QUERY_NOT_ALLOWED",
                    "this server runs only the operations registered with it",
                )
            });
        }

        match (query, wanted) {
            (Some(text), None) => Ok(text),
            (Some(text), Some(id)) => {
                if hash(&text) != id {
                    return Err(mismatch());
                }
                self.remember(id, &text);
                Ok(text)
            }
            (None, Some(id)) => self.recall(&id).ok_or_else(|| {
                Refusal::new(
                    "PERSISTED_QUERY_NOT_FOUND",
                    "PersistedQueryNotFound: send the document with its hash once",
                )
            }),
            (None, None) => Err(missing_query()),
        }
    }

    fn remember(&self, id: String, text: &str) {
        if let Ok(mut seen) = self.seen.lock() {
            seen.put(id, Arc::from(text));
        }
    }

    fn recall(&self, id: &str) -> Option<String> {
        let mut seen = self.seen.lock().ok()?;
        seen.get(id).map(|text| text.to_string())
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
        assert_eq!(
            store.resolve(Some(DOC.into()), Some(&ext(&id))).unwrap(),
            DOC
        );
        assert_eq!(store.resolve(None, Some(&ext(&id))).unwrap(), DOC);
        let wrong = store
            .resolve(Some("{ x }".into()), Some(&ext(&id)))
            .unwrap_err();
        assert_eq!(wrong.code, "PERSISTED_QUERY_HASH_MISMATCH");
        assert_eq!(store.resolve(Some(DOC.into()), None).unwrap(), DOC);
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
        assert_eq!(store.resolve(None, Some(&ext(&hash(DOC)))).unwrap(), DOC);
        assert_eq!(store.resolve(Some(DOC.into()), None).unwrap(), DOC);
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
