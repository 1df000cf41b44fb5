//! The extract held in memory for the evidence pages. It is read from the snapshot the import
//! wrote (`store::Store::evidence_dataset`: the columns as bytes, without the offences' ids),
//! not from ten million rows, once per server and kept, keyed by the extract's generation in
//! the database: every import adds one to it in its own transaction (a cohort decision or a
//! recorded cohort history does not: they are read from their own tables, so they never make
//! a server read the extract again), so each request reads one number and reads the extract
//! again only when it changed — also when another server on the same PostgreSQL imported.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use domain::ports::StoreResult;
use evidence::Dataset;
use store::Store;
use store::evidence::{CohortChange, ExtractCounts};

/// The evidence pages' reads, reached through `AppState::evidence` only: the extract (from this
/// server's cache), its row counts and the cohorts that changed. The extract is the `evidence`
/// crate's data, which the domain does not know, so these reads have no domain use case; this
/// is the one place the evidence pages reach the store.
pub struct Extracts<'a> {
    pub(crate) store: &'a Store,
    pub(crate) cache: &'a ExtractCache,
}

impl Extracts<'_> {
    pub async fn extract(&self) -> StoreResult<Arc<Dataset>> {
        Ok(self.cache.get(self.store).await?.1)
    }

    /// The extract with the generation it is of.
    pub async fn extract_of_generation(&self) -> StoreResult<(i64, Arc<Dataset>)> {
        self.cache.get(self.store).await
    }

    /// The what-works figures this server computed, by what they were computed from.
    pub(crate) fn figures(&self) -> &super::whatworks::Figures {
        &self.cache.figures
    }

    pub async fn counts(&self) -> StoreResult<ExtractCounts> {
        self.store.extract_counts().await
    }

    /// Per rule and evaluation date, how many joined and left; newest first.
    pub async fn changed_cohorts(&self, limit: i64) -> StoreResult<Vec<CohortChange>> {
        self.store.changed_cohorts(limit).await
    }
}

#[derive(Default)]
pub struct ExtractCache {
    /// The generation the extract was loaded at, and the extract. Requests wait here while
    /// one of them loads, so a new generation is loaded once, not once per request.
    held: tokio::sync::Mutex<Option<(i64, Arc<Dataset>)>>,
    loads: AtomicU64,
    /// What-works figures computed over the extract, kept for the next view.
    figures: super::whatworks::Figures,
}

impl ExtractCache {
    /// The stored extract and its generation, loaded again only when its generation changed
    /// since the last load.
    pub async fn get(&self, store: &Store) -> StoreResult<(i64, Arc<Dataset>)> {
        let generation = store.extract_generation().await?;
        let mut held = self.held.lock().await;
        if let Some((loaded_at, data)) = held.as_ref()
            && *loaded_at == generation
        {
            return Ok((generation, Arc::clone(data)));
        }
        // Let go of the old extract before loading the new one: two national extracts side
        // by side would double the memory.
        *held = None;
        // The snapshot the import made (parts of bytes, not ten million rows), with the
        // generation it is of.
        let (loaded_at, data) = store.evidence_dataset().await?;
        let data = Arc::new(data);
        self.loads.fetch_add(1, Ordering::Relaxed);
        *held = Some((loaded_at, Arc::clone(&data)));
        Ok((loaded_at, data))
    }

    /// How many times the extract was loaded from the store.
    pub fn loads(&self) -> u64 {
        self.loads.load(Ordering::Relaxed)
    }
}
