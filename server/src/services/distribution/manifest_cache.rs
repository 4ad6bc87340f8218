//! Manifest lookups, remembered for a second. A manifest GET or HEAD is the hottest
//! request a registry serves; answering a repeated one from memory skips the database
//! round trip (a hand-off to SQLite's thread and back, most of the request's cost).
//!
//! Why this is safe with several replicas: the cache only holds what the database
//! said, with the access facts, never a decision — the policy is applied again on
//! every hit, with the caller's identity. Entries live one second, so a change made
//! through another replica is seen within a second. A change made through this
//! replica is seen at once: every write request (and every retention run) moves the
//! generation on, which retires every entry; an entry records the generation seen
//! *before* its query, so a lookup that raced with a write is never served later.

use crate::db::credentials::CredentialRef;
use crate::db::manifests::ManifestLookup;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const TIME_TO_LIVE: Duration = Duration::from_secs(1);
const MAX_ENTRIES: usize = 10_000;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LookupKey {
    /// The credential whose role and standing the lookup read.
    pub credential: CredentialRef,
    pub registry: String,
    pub repository: String,
    /// `tag` or `sha256:…`.
    pub reference: String,
    pub with_content: bool,
}

struct Entry {
    stored_at: Instant,
    generation: u64,
    lookup: Arc<ManifestLookup>,
}

#[derive(Default)]
pub struct ManifestCache {
    generation: AtomicU64,
    entries: Mutex<HashMap<LookupKey, Entry>>,
}

impl ManifestCache {
    /// The generation to record with a lookup about to be made.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Retires every entry: something may have changed.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    pub fn get(&self, key: &LookupKey) -> Option<Arc<ManifestLookup>> {
        let current = self.generation();
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let entry = entries.get(key)?;
        (entry.generation == current && entry.stored_at.elapsed() < TIME_TO_LIVE).then(|| entry.lookup.clone())
    }

    /// Remembers a lookup made at `generation` (read before the query).
    pub fn put(&self, key: LookupKey, generation: u64, lookup: Arc<ManifestLookup>) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_ENTRIES {
            let current = self.generation();
            entries.retain(|_, e| e.generation == current && e.stored_at.elapsed() < TIME_TO_LIVE);
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
        }
        entries.insert(key, Entry { stored_at: Instant::now(), generation, lookup });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(reference: &str) -> LookupKey {
        LookupKey {
            credential: CredentialRef { user_id: 1, robot_id: -1 },
            registry: "apps".into(),
            repository: "web".into(),
            reference: reference.into(),
            with_content: true,
        }
    }

    fn lookup() -> Arc<ManifestLookup> {
        Arc::new(ManifestLookup {
            registry_id: 1,
            public: false,
            role: None,
            repository_id: Some(2),
            manifest: None,
            credential_live: true,
        })
    }

    #[test]
    fn a_write_retires_entries_and_a_racing_lookup_is_never_served() {
        let cache = ManifestCache::default();
        let before = cache.generation();
        cache.put(key("v1"), before, lookup());
        assert!(cache.get(&key("v1")).is_some());
        assert!(cache.get(&key("v2")).is_none());
        cache.invalidate();
        assert!(cache.get(&key("v1")).is_none(), "retired by the write");
        // A lookup that started before a write and finished after it.
        let started = cache.generation();
        cache.invalidate();
        cache.put(key("v1"), started, lookup());
        assert!(cache.get(&key("v1")).is_none());
    }
}
