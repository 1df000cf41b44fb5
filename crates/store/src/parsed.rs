//! Aggregates already parsed from their stored JSON, by id and version.
//!
//! Lists show many aggregates at once (the ZSM board 200 cases, "my agency's tasks" up to a
//! hundred plans), and profiles showed parsing their JSON, and reading it off overflow pages,
//! as the largest cost of those pages. Every change to a stored plan or case writes a new
//! version in the same statement as its state, so a state parsed at version `v` is the state
//! at `v` for as long as the row says `v`: a list reads the small `(id, version)` columns and
//! parses only what changed. Nothing here can go stale, even with several servers on one
//! database: another server's write shows up as a new version and is read afresh.

use crate::read::{Param, ReadRow};
use crate::{Store, in_list};
use domain::interventions::Intervention;
use domain::plan::Plan;
use domain::ports::StoreResult;
use domain::zsm::ports::StoredCase;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use uuid::Uuid;

/// The parsed aggregates of one store, shared by its clones.
pub(crate) struct Parsed {
    pub(crate) plans: VersionCache<Plan>,
    pub(crate) cases: VersionCache<StoredCase>,
    /// Catalogue entries, for the finder (`interventions/mod.rs`).
    pub(crate) interventions: VersionCache<Intervention>,
}

impl Default for Parsed {
    fn default() -> Self {
        Parsed {
            plans: VersionCache::new(PARSED_ENTRIES),
            cases: VersionCache::new(PARSED_ENTRIES),
            interventions: VersionCache::new(PARSED_ENTRIES),
        }
    }
}

impl std::fmt::Debug for Parsed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Parsed")
            .field("plans", &self.plans.lock().len())
            .field("cases", &self.cases.lock().len())
            .field("interventions", &self.interventions.lock().len())
            .finish()
    }
}

/// How many parsed aggregates of one kind a server keeps. A plan of ten tasks takes a few
/// kilobytes parsed, so this holds the hot lists of dozens of agencies in tens of megabytes.
pub const PARSED_ENTRIES: usize = 8_192;

/// Values derived from a stored row at one version (a parsed aggregate, a rendered table row),
/// by the row's id; a value is returned only for the version it was derived from.
pub struct VersionCache<T> {
    entries: Mutex<HashMap<Uuid, (i64, Arc<T>)>>,
    capacity: usize,
}

impl<T> VersionCache<T> {
    pub fn new(capacity: usize) -> Self {
        VersionCache { entries: Mutex::new(HashMap::with_capacity(capacity.min(1024))), capacity }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Uuid, (i64, Arc<T>)>> {
        // A panic while holding the lock leaves a map that is still consistent.
        self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The aggregate as parsed at exactly `version`, if kept.
    pub fn get(&self, id: Uuid, version: i64) -> Option<Arc<T>> {
        self.lock().get(&id).filter(|(kept, _)| *kept == version).map(|(_, value)| Arc::clone(value))
    }

    /// Keeps `value` as the aggregate at `version`, unless a newer version is already kept.
    pub fn put(&self, id: Uuid, version: i64, value: Arc<T>) {
        let mut entries = self.lock();
        if entries.get(&id).is_some_and(|(kept, _)| *kept > version) {
            return;
        }
        if entries.len() >= self.capacity && !entries.contains_key(&id) {
            // Full: drop an arbitrary entry (the map's iteration order is randomly seeded), a
            // cheap stand-in for least-recently-used that needs no bookkeeping on reads.
            if let Some(victim) = entries.keys().next().copied() {
                entries.remove(&victim);
            }
        }
        entries.insert(id, (version, value));
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.lock().len()
    }
}

/// Ids per statement when reading stored aggregates by id.
const IDS_PER_READ: usize = 500;

impl Store {
    /// The aggregates `wanted` (id and the version the caller's list read) of `table`, by id:
    /// those kept in `cache` at that version as they are, the others read with `columns`
    /// (whose row `parse` turns into the id, the version read and the aggregate) and kept.
    /// Each comes with the version it is at: a row changed since the list was read is read at
    /// its new version. An id whose row is gone is left out.
    pub(crate) async fn parsed<T, R: ReadRow>(
        &self,
        cache: &VersionCache<T>,
        table: &str,
        columns: &str,
        wanted: &[(Uuid, i64)],
        parse: impl Fn(R) -> StoreResult<(Uuid, i64, T)>,
    ) -> StoreResult<HashMap<Uuid, (i64, Arc<T>)>> {
        let mut found = HashMap::with_capacity(wanted.len());
        let mut missing = Vec::new();
        {
            // One lock for all of them: the finder asks for ~80 entries a request, and a lock
            // each (contended by every other request) was 4% of its CPU in the national bench.
            let kept = cache.lock();
            for &(id, version) in wanted {
                match kept.get(&id).filter(|(at, _)| *at == version) {
                    Some((_, value)) => {
                        found.insert(id, (version, Arc::clone(value)));
                    }
                    None => missing.push(id),
                }
            }
        }
        for chunk in missing.chunks(IDS_PER_READ) {
            let sql = format!("SELECT {columns} FROM {table} WHERE id IN ({})", in_list(chunk.len()));
            let bound: Vec<Param> = chunk.iter().map(|id| Param::Uuid(*id)).collect();
            for row in self.read_all::<R>(&sql, &bound).await? {
                let (id, version, value) = parse(row)?;
                let value = Arc::new(value);
                cache.put(id, version, Arc::clone(&value));
                found.insert(id, (version, value));
            }
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    #[test]
    fn a_kept_aggregate_is_returned_only_for_its_own_version() {
        let cache = VersionCache::new(4);
        cache.put(id(1), 3, Arc::new("v3"));
        assert_eq!(cache.get(id(1), 3).as_deref(), Some(&"v3"));
        assert_eq!(cache.get(id(1), 4), None, "a newer row is read afresh");
        assert_eq!(cache.get(id(2), 3), None);
    }

    #[test]
    fn an_older_version_never_replaces_a_newer_one() {
        let cache = VersionCache::new(4);
        cache.put(id(1), 5, Arc::new("v5"));
        cache.put(id(1), 4, Arc::new("v4"));
        assert_eq!(cache.get(id(1), 5).as_deref(), Some(&"v5"));
        cache.put(id(1), 6, Arc::new("v6"));
        assert_eq!(cache.get(id(1), 6).as_deref(), Some(&"v6"));
        assert_eq!(cache.get(id(1), 5), None);
    }

    #[test]
    fn a_full_cache_stays_within_its_capacity() {
        let cache = VersionCache::new(3);
        for n in 0..10 {
            cache.put(id(n), 1, Arc::new(n));
        }
        assert_eq!(cache.len(), 3);
        assert_eq!(cache.get(id(9), 1).as_deref(), Some(&9), "the latest put is kept");
    }
}
