//! `import_extract`: the whole extract upserted by source id in one transaction, by the
//! fastest path each backend has — SQLite: one prepared statement per table, stepped per row
//! through the C API ([`super::sqlite_load`]); PostgreSQL: `COPY` into temporary staging
//! tables, then one `INSERT … SELECT … ON CONFLICT` per table ([`super::pg_copy`]).
//! Both write only rows that are new or differ, so re-importing the same extract writes
//! nothing and a newer one updates outcomes; an import that fails or is killed half-way
//! commits nothing.

use super::rows::Texts;
use super::{ImportSummary, pg_copy, sqlite_load};
use crate::Store;
use ::evidence::collect::Collecting;
use ::evidence::dataset::Dataset;
use ::evidence::extract::{DatasetSource, ExtractSource, Tally};
use domain::ports::{StoreError, StoreResult};
use jiff::Timestamp;

/// Called with the number of rows just written.
pub(super) type Progress<'a> = &'a (dyn Fn(u64) + Sync);

/// Rows between progress reports.
pub(super) const PROGRESS_EVERY: usize = 1 << 16;

/// Where an import came from and when it was made, for its `evidence_import` row.
#[derive(Debug, Clone, Copy)]
pub(super) struct ImportOf<'a> {
    pub source: &'a str,
    pub at: Timestamp,
}

/// Inserts the `evidence_import` row of `$of` with the source's `$tally` and the number of
/// rows `$written` on the transaction `$tx`.
macro_rules! insert_record {
    ($tx:ident, $of:expr, $tally:expr, $written:expr) => {
        sqlx::query(
            "INSERT INTO evidence_import (id, at, source, persons, offences, index_events, written, rejected, data_up_to) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(uuid::Uuid::now_v7())
        .bind($crate::types::Instant($of.at))
        .bind($of.source)
        .bind($tally.persons as i64)
        .bind($tally.offences as i64)
        .bind($tally.index_events as i64)
        .bind($written as i64)
        .bind($tally.rejected as i64)
        .bind($crate::evidence::to_store_day($tally.data_up_to))
        .execute(&mut *$tx)
        .await
        .map_err($crate::db_error)?
    };
}
pub(super) use insert_record;

/// An error reading the extract while it is written (a temporary file, or a strict source
/// refusing bad rows it found); the import is not committed.
pub(super) fn source_error(error: ::evidence::EvidenceError) -> StoreError {
    StoreError::Database(format!("reading the extract: {error}"))
}

/// The latest offence or outcome date in `data` (`NO_DAY` for an empty extract).
pub fn data_up_to(data: &Dataset) -> ::evidence::date::Day {
    let o = &data.offences;
    o.offence_date.iter().chain(o.outcome_date.iter()).copied().max().unwrap_or(::evidence::date::NO_DAY)
}

impl Store {
    /// The "data up to" date of the latest import that recorded one.
    pub async fn extract_data_up_to(&self) -> StoreResult<Option<jiff::civil::Date>> {
        let sql = "SELECT data_up_to FROM evidence_import WHERE data_up_to IS NOT NULL ORDER BY at DESC LIMIT 1";
        let row: Option<(crate::types::Day,)> = self.read_optional(sql, crate::read::params![]).await?;
        Ok(row.map(|(d,)| d.0))
    }

    /// Upserts a whole extract held in memory in one transaction (`rejected`: bad rows left
    /// out before it was made). `progress` is called with the number of rows just written.
    pub async fn import_extract(
        &self,
        data: &Dataset,
        source: &str,
        rejected: u64,
        at: Timestamp,
        progress: Progress<'_>,
    ) -> StoreResult<ImportSummary> {
        self.import_from(&mut DatasetSource::new(data, rejected), source, at, progress).await
    }

    /// Whether an import into this store writes SQLite's table of offences by person from
    /// empty, and so wants the offences sorted by person too
    /// ([`::evidence::csv_io::StreamOptions::offences_by_person`]); otherwise the store
    /// keeps that table itself.
    pub async fn import_wants_offences_by_person(&self) -> StoreResult<bool> {
        match &self.pool {
            crate::Pool::Sqlite(_) => {
                let sql = "SELECT 1 FROM evidence_offence_by_person LIMIT 1";
                Ok(self.read_optional::<(i64,)>(sql, crate::read::params![]).await?.is_none())
            }
            crate::Pool::Postgres(_) => Ok(false),
        }
    }

    /// Upserts the extract `extract` hands out, in one transaction: nothing is committed when
    /// it fails, or when the source refuses at its end (bad rows in a strict import).
    pub async fn import_from(
        &self,
        extract: &mut dyn ExtractSource,
        source: &str,
        at: Timestamp,
        progress: Progress<'_>,
    ) -> StoreResult<ImportSummary> {
        // Into an empty store, the stored extract is what the import hands out: its columns
        // are gathered on the way for the snapshot, instead of read back from every row.
        let before = self.extract_generation().await?;
        let into_empty = !self.has_extract().await?;
        let mut collecting = Collecting::new(extract);
        let extract: &mut dyn ExtractSource = &mut collecting;
        let texts = Texts::new(extract);
        let of = ImportOf { source, at };
        let (written, tally): (u64, Tally) = match &self.pool {
            crate::Pool::Sqlite(pool) => {
                let _writer = self.write_lock.lock().await;
                // The reads before (is the store empty, …) left a read-only connection open,
                // which kept the import from its rollback journal: every page then went
                // through the write-ahead log and was copied again at the checkpoint.
                if let Some(crate::read::Reader::Sqlite(reader)) = self.reader.as_deref() {
                    reader.close_idle();
                }
                sqlite_load::import(pool, extract, &texts, of, progress).await?
            }
            crate::Pool::Postgres(pool) => pg_copy::import(pool, extract, &texts, of, progress).await?,
        };
        drop(texts);
        // The evidence pages' snapshot of the new generation, made here once rather than by
        // every server's first page. The import is committed whatever happens to it: a page
        // that finds none makes it. From the gathered columns only when this import alone
        // made the store what it is (no other import before or after it); they are let go of
        // otherwise, and the rows read back.
        let made = if into_empty && self.extract_generation().await? == before + 1 {
            let collected = collecting.collected();
            match tokio::task::spawn_blocking(move || collected.into_dataset()).await {
                Ok(data) => self.keep_snapshot(before + 1, data).await.map(drop),
                Err(error) => Err(StoreError::Database(error.to_string())),
            }
        } else {
            drop(collecting);
            self.refresh_evidence_snapshot().await
        };
        if let Err(error) = made {
            tracing::warn!(%error, "making the evidence snapshot after an import failed");
        }
        Ok(ImportSummary {
            persons: tally.persons,
            offences: tally.offences,
            index_events: tally.index_events,
            written,
        })
    }
}
