//! Whole answers to anonymous queries, kept in memory so that the pages every
//! visitor loads (home, directory, articles) cost no GraphQL execution and no
//! database work after the first.
//!
//! An answer is found by its key: the document's tokens (so white space,
//! commas and comments do not matter), the operation's name and the
//! variables. Only answers that HTTP may cache publicly are kept: anonymous,
//! error-free queries over public types, each for its own `max-age`. So a
//! kept answer is never older than what a browser or a CDN may show, and the
//! `Age` header tells them how old it is.
//!
//! A POST body that was answered from the cache, or whose answer was kept,
//! also finds that answer by its exact bytes, so that a client sending the
//! same body again (as front ends do) is answered before its JSON is read.
//!
//! Every write of public data empties the cache: at once on the instance
//! that wrote it, when the write commits, and on the others when the write's
//! `NOTIFY` arrives; so does news that may have been missed (see
//! [`crate::events`]). Each answer carries the content generation it was
//! computed in; one computed while a write went through is dropped, never
//! served.

use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use quick_cache::sync::Cache;
use quick_cache::{Equivalent, Weighter};
use serde_json::Value;

use crate::events::Events;

/// What an entry weighs besides its key and body: the entry itself, the
/// headers and the cache's own bookkeeping, roughly.
const OVERHEAD: u64 = 256;

/// One kept answer.
pub struct Cached {
    /// The JSON body, as sent.
    pub body: Bytes,
    /// Its strong ETag (quoted).
    pub etag: String,
    /// The `max-age` it was kept for, in seconds.
    pub max_age: u32,
    /// The operation's name, for the access log and the metrics.
    pub operation: Option<String>,
    stored: Instant,
    generation: u64,
}

impl Cached {
    /// Whole seconds since it was computed, for the `Age` header.
    pub fn age(&self) -> u64 {
        self.stored.elapsed().as_secs()
    }

    fn fresh(&self, generation: u64) -> bool {
        self.generation == generation
            && self.stored.elapsed() < Duration::from_secs(u64::from(self.max_age))
    }
}

/// The longest POST body an answer is also found by.
const MAX_BODY_KEY: usize = 16 * 1024;

/// What an answer is found by.
#[derive(Clone, PartialEq, Eq)]
enum Key {
    /// The query's tokens, operation and variables ([`ResponseCache::key`]).
    Query(String),
    /// The exact body of a POST it answered.
    Body(Bytes),
}

/// A [`Key`] borrowed, to look one up without a copy.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Lookup<'a> {
    Query(&'a str),
    Body(&'a [u8]),
}

impl Key {
    fn lookup(&self) -> Lookup<'_> {
        match self {
            Self::Query(key) => Lookup::Query(key),
            Self::Body(body) => Lookup::Body(body),
        }
    }
}

impl Hash for Lookup<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let (kind, bytes) = match self {
            Self::Query(key) => (0, key.as_bytes()),
            Self::Body(body) => (1, *body),
        };
        state.write_u8(kind);
        state.write(bytes);
    }
}

impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.lookup().hash(state);
    }
}

impl Equivalent<Key> for Lookup<'_> {
    fn equivalent(&self, key: &Key) -> bool {
        *self == key.lookup()
    }
}

/// An entry weighs its key and its answer's body: a body found by a POST's
/// bytes is shared with its query's entry, but may outlive it.
#[derive(Clone)]
struct ByBytes;

impl Weighter<Key, Arc<Cached>> for ByBytes {
    fn weight(&self, key: &Key, value: &Arc<Cached>) -> u64 {
        let key = match key {
            Key::Query(key) => key.len(),
            Key::Body(body) => body.len(),
        };
        key as u64 + value.body.len() as u64 + OVERHEAD
    }
}

struct Inner {
    entries: Cache<Key, Arc<Cached>, ByBytes>,
    /// Whose content generation the answers are valid in.
    events: Events,
    /// The generation the entries were last emptied for.
    emptied: AtomicU64,
}

impl Inner {
    /// The content generation now; entries of an earlier one are let go.
    fn generation(&self) -> u64 {
        let now = self.events.content_generation();
        // Read first: a write to the shared word on every request would
        // bounce its cache line between the cores.
        if self.emptied.load(Ordering::Acquire) != now
            && self.emptied.swap(now, Ordering::AcqRel) != now
        {
            self.entries.clear();
        }
        now
    }
}

/// The cache, shared by every request of this instance; a cache of size 0
/// keeps nothing.
#[derive(Clone)]
pub struct ResponseCache(Option<Arc<Inner>>);

/// Taken before an answer is computed: it may be kept only if no write came
/// in between.
#[derive(Clone, Copy, Debug)]
pub struct Ticket(u64);

impl ResponseCache {
    /// A cache holding up to `megabytes` of answers, each valid while the
    /// content generation of `events` stays as it was; 0 turns it off.
    pub fn new(megabytes: u64, events: &Events) -> Self {
        if megabytes == 0 {
            return Self(None);
        }
        let bytes = megabytes * 1024 * 1024;
        // A typical answer weighs a few kilobytes.
        let estimated_items = usize::try_from(bytes / 4096).unwrap_or(1024).max(16);
        Self(Some(Arc::new(Inner {
            entries: Cache::with_weighter(estimated_items, bytes, ByBytes),
            emptied: AtomicU64::new(events.content_generation()),
            events: events.clone(),
        })))
    }

    /// Whether answers are kept at all.
    pub fn enabled(&self) -> bool {
        self.0.is_some()
    }

    /// The key of a query: its tokens, its operation and its variables
    /// (absent and empty variables are the same).
    pub fn key(tokens: &str, operation: Option<&str>, variables: &Value) -> String {
        let variables = match variables {
            Value::Null => String::new(),
            Value::Object(map) if map.is_empty() => String::new(),
            other => other.to_string(),
        };
        let operation = operation.unwrap_or_default();
        let mut key = String::with_capacity(tokens.len() + operation.len() + variables.len() + 2);
        key.push_str(tokens);
        key.push('\u{0}');
        key.push_str(operation);
        key.push('\u{0}');
        key.push_str(&variables);
        key
    }

    /// The kept answer for `key`, if it is still good.
    pub fn get(&self, key: &str) -> Option<Arc<Cached>> {
        self.find(Lookup::Query(key))
    }

    /// The kept answer to a POST with exactly this body, if it is still good.
    pub fn get_by_body(&self, body: &[u8]) -> Option<Arc<Cached>> {
        if body.len() > MAX_BODY_KEY {
            return None;
        }
        self.find(Lookup::Body(body))
    }

    fn find(&self, key: Lookup<'_>) -> Option<Arc<Cached>> {
        let inner = self.0.as_ref()?;
        let generation = inner.generation();
        let cached = inner.entries.get(&key)?;
        cached.fresh(generation).then_some(cached)
    }

    /// Lets a POST with exactly `body` find `cached`, an answer to the same
    /// query found or kept for it, unless a write came in since.
    pub fn alias(&self, body: Bytes, cached: Arc<Cached>) {
        let Some(inner) = &self.0 else { return };
        if body.len() > MAX_BODY_KEY || !cached.fresh(inner.generation()) {
            return;
        }
        inner.entries.insert(Key::Body(body), cached);
    }

    /// The ticket for an answer about to be computed.
    pub fn ticket(&self) -> Ticket {
        Ticket(self.0.as_ref().map_or(0, |inner| inner.generation()))
    }

    /// Keeps an answer for `max_age` seconds, unless a write came in since
    /// `ticket` was taken; the answer as kept.
    pub fn insert(
        &self,
        key: String,
        ticket: Ticket,
        body: Bytes,
        etag: String,
        max_age: u32,
        operation: Option<String>,
    ) -> Option<Arc<Cached>> {
        let inner = self.0.as_ref()?;
        if max_age == 0 || inner.generation() != ticket.0 {
            return None;
        }
        let cached = Arc::new(Cached {
            body,
            etag,
            max_age,
            operation,
            stored: Instant::now(),
            generation: ticket.0,
        });
        inner.entries.insert(Key::Query(key), cached.clone());
        Some(cached)
    }

    /// How many entries are kept (an answer found by a POST's body too
    /// counts twice), and how many bytes they weigh.
    pub fn usage(&self) -> (usize, u64) {
        self.0.as_ref().map_or((0, 0), |inner| {
            (inner.entries.len(), inner.entries.weight())
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn keep(cache: &ResponseCache, key: &str, ticket: Ticket, max_age: u32) -> Option<Arc<Cached>> {
        cache.insert(
            key.to_owned(),
            ticket,
            Bytes::from_static(b"{}"),
            "\"e\"".into(),
            max_age,
            None,
        )
    }

    #[test]
    fn keys_ignore_absent_or_empty_variables_but_not_their_values() {
        let plain = ResponseCache::key("{ a }", None, &Value::Null);
        assert_eq!(plain, ResponseCache::key("{ a }", None, &json!({})));
        assert_ne!(plain, ResponseCache::key("{ a }", Some("A"), &Value::Null));
        assert_ne!(
            ResponseCache::key("{ a }", None, &json!({ "x": 1 })),
            ResponseCache::key("{ a }", None, &json!({ "x": 2 }))
        );
    }

    #[test]
    fn an_answer_computed_across_a_write_is_not_served() {
        let events = Events::local();
        let cache = ResponseCache::new(1, &events);
        let before = cache.ticket();
        keep(&cache, "k", before, 60);
        assert!(cache.get("k").is_some());

        let ticket = cache.ticket();
        events.content_changed();
        assert!(cache.get("k").is_none());
        keep(&cache, "k", ticket, 60);
        assert!(cache.get("k").is_none(), "computed before the write");

        keep(&cache, "k", cache.ticket(), 60);
        assert!(cache.get("k").is_some());
    }

    #[test]
    fn nothing_is_kept_without_a_max_age_or_when_turned_off() {
        let events = Events::local();
        let cache = ResponseCache::new(1, &events);
        keep(&cache, "k", cache.ticket(), 0);
        assert!(cache.get("k").is_none());

        let off = ResponseCache::new(0, &events);
        keep(&off, "k", off.ticket(), 60);
        assert!(off.get("k").is_none());
        assert_eq!(off.usage(), (0, 0));
    }

    #[test]
    fn a_body_finds_the_answer_it_was_given_until_the_next_write() {
        let events = Events::local();
        let cache = ResponseCache::new(1, &events);
        let body = Bytes::from_static(br#"{"query":"{ a }"}"#);
        assert!(cache.get_by_body(&body).is_none());
        let kept = keep(&cache, "k", cache.ticket(), 60).expect("kept");
        cache.alias(body.clone(), kept.clone());
        let found = cache.get_by_body(&body).expect("found by its body");
        assert!(Arc::ptr_eq(&found, &kept));
        assert!(cache.get_by_body(br#"{"query":"{ a } "}"#).is_none());
        assert_eq!(cache.usage().0, 2);

        events.content_changed();
        assert!(cache.get_by_body(&body).is_none());
        assert_eq!(cache.usage().0, 0, "emptied once the write is seen");
        cache.alias(body.clone(), kept);
        assert!(cache.get_by_body(&body).is_none(), "kept before the write");
    }

    #[test]
    fn a_long_body_is_not_a_key() {
        let cache = ResponseCache::new(1, &Events::local());
        let kept = keep(&cache, "k", cache.ticket(), 60).expect("kept");
        let body = Bytes::from(vec![b' '; MAX_BODY_KEY + 1]);
        cache.alias(body.clone(), kept);
        assert!(cache.get_by_body(&body).is_none());
        assert_eq!(cache.usage().0, 1);
    }
}
