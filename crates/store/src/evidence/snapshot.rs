//! The evidence pages' snapshot of the extract (`evidence_snapshot`, migration 0065): the
//! dataset's columns as one binary value ([`::evidence::snapshot`]) kept beside the rows for
//! the generation it was made from. A server's first evidence page after an import reads it
//! in parts — a copy of bytes — instead of loading every person, offence and index event row
//! (~22 s and ~700 MB at national scale); estimators then run over the same dataset as before,
//! so every figure is the one the loaded extract gives.
//!
//! It is made after every import (the import's own process pays for it, once, instead of
//! every server after it): from the columns the import gathered as it wrote them when it
//! loaded an empty store ([`::evidence::collect`], the national case: no ten million rows read
//! back), else from the rows; and by the first reader that finds none for the current
//! generation (a store imported before the snapshot existed). It is written only while the
//! generation it was made from is still current, in one transaction that replaces the old one
//! whole, and read only for the current generation: it can never answer for another extract.
//! Cohort decisions and recorded cohort history leave the generation alone, so they leave the
//! snapshot current too.

use std::sync::Arc;

use ::evidence::dataset::Dataset;
use ::evidence::snapshot;
use domain::ports::{StoreError, StoreResult};
use futures_util::TryStreamExt;

use crate::{Store, db_error, in_tx, on_db};

/// Bytes per stored part: well under both backends' limits for one value, and small enough
/// that a part in flight costs little memory.
const PART_BYTES: usize = 8 << 20;

fn damaged(error: snapshot::Damaged) -> StoreError {
    StoreError::Database(error.to_string())
}

impl Store {
    /// The extract for the evidence pages, with the generation it is of: the snapshot when one
    /// is stored for the current generation, else the rows loaded (and the snapshot made from
    /// them for the next reader). It has no offence ids (see [`::evidence::snapshot`]).
    pub async fn evidence_dataset(&self) -> StoreResult<(i64, Dataset)> {
        let generation = self.extract_generation().await?;
        match self.read_snapshot(generation).await {
            Ok(Some(data)) => return Ok((generation, data)),
            Ok(None) => {}
            // A snapshot that does not read is made again from the rows, never half used.
            Err(error) => tracing::warn!(%error, "the evidence snapshot did not read; loading the rows"),
        }
        let mut data = self.load_extract().await?;
        Arc::make_mut(&mut data.offences).ids = Default::default();
        // Loaded over several statements: only a load that no import overtook is kept.
        if self.extract_generation().await? == generation {
            return self.keep_snapshot(generation, data).await.map(|data| (generation, data));
        }
        Ok((generation, data))
    }

    /// Writes the snapshot of `data`, the extract of `generation` without its offence ids,
    /// unless an import made a newer generation meanwhile; `data` back.
    pub(crate) async fn keep_snapshot(&self, generation: i64, data: Dataset) -> StoreResult<Dataset> {
        let (data, bytes) = tokio::task::spawn_blocking(move || {
            let bytes = snapshot::encode(&data);
            (data, bytes)
        })
        .await
        .map_err(|e| StoreError::Database(e.to_string()))?;
        self.write_snapshot(generation, &bytes).await?;
        Ok(data)
    }

    /// Makes the snapshot of the current extract unless it is there (after an import).
    pub async fn refresh_evidence_snapshot(&self) -> StoreResult<()> {
        self.evidence_dataset().await.map(drop)
    }

    /// Whether a snapshot of the current generation is stored.
    pub async fn has_evidence_snapshot(&self) -> StoreResult<bool> {
        let generation = self.extract_generation().await?;
        let parts: i64 = on_db!(self, pool => sqlx::query_scalar(
            "SELECT count(*) FROM evidence_snapshot WHERE generation = $1"
        )
        .bind(generation)
        .fetch_one(pool)
        .await)
        .map_err(db_error)?;
        Ok(parts > 0)
    }

    /// The snapshot of `generation` read back, `None` when none is stored for it. One
    /// statement reads every part, so a snapshot replaced meanwhile is never read half.
    async fn read_snapshot(&self, generation: i64) -> StoreResult<Option<Dataset>> {
        // Its size first (from the values' headers, not their bytes), so the parts are copied
        // into one buffer of the right size instead of one that doubles as it grows.
        let size: i64 = on_db!(self, pool => sqlx::query_scalar(
            "SELECT CAST(coalesce(sum(length(bytes)), 0) AS BIGINT) FROM evidence_snapshot WHERE generation = $1"
        )
        .bind(generation)
        .fetch_one(pool)
        .await)
        .map_err(db_error)?;
        let sql = "SELECT part, bytes FROM evidence_snapshot WHERE generation = $1 ORDER BY part";
        let mut bytes: Vec<u8> = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
        let mut parts = 0i64;
        on_db!(self, pool => {
            let mut rows = sqlx::query_as::<_, (i64, Vec<u8>)>(sql).bind(generation).fetch(pool);
            while let Some((part, chunk)) = rows.try_next().await.map_err(db_error)? {
                if part != parts {
                    return Err(StoreError::Database("the evidence snapshot misses a part".into()));
                }
                parts += 1;
                bytes.extend_from_slice(&chunk);
            }
        });
        if parts == 0 {
            return Ok(None);
        }
        let data = tokio::task::spawn_blocking(move || snapshot::decode(&bytes))
            .await
            .map_err(|e| StoreError::Database(e.to_string()))?
            .map_err(damaged)?;
        Ok(Some(data))
    }

    /// Replaces the stored snapshot with `bytes`, made from `generation`, unless an import
    /// made a newer generation meanwhile (then the newer import's own snapshot is the one).
    async fn write_snapshot(&self, generation: i64, bytes: &[u8]) -> StoreResult<()> {
        in_tx!(self, tx => {
            let current: i64 = sqlx::query_scalar("SELECT generation FROM evidence_generation WHERE id = 1")
                .fetch_one(&mut *tx)
                .await
                .map_err(db_error)?;
            if current == generation {
                sqlx::query("DELETE FROM evidence_snapshot").execute(&mut *tx).await.map_err(db_error)?;
                for (part, chunk) in bytes.chunks(PART_BYTES).enumerate() {
                    sqlx::query("INSERT INTO evidence_snapshot (part, generation, bytes) VALUES ($1, $2, $3)")
                        .bind(part as i64)
                        .bind(generation)
                        .bind(chunk)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_error)?;
                }
            }
        });
        Ok(())
    }
}
