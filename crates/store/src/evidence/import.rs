//! `import_extract`: the whole extract upserted by source id in one transaction, by the
//! fastest path each backend has — SQLite: one prepared statement per table, stepped per row
//! through the C API ([`super::sqlite_load`]); PostgreSQL: `COPY` into temporary staging
//! tables, then one `INSERT … SELECT … ON CONFLICT` per table ([`super::pg_copy`]).
//! Both write only rows that are new or differ, so re-importing the same extract writes
//! nothing and a newer one updates outcomes; an import that fails or is killed half-way
//! commits nothing.

use super::rows::ExtractRows;
use super::{ImportSummary, pg_copy, sqlite_load};
use crate::Store;
use ::evidence::dataset::Dataset;
use domain::ports::StoreResult;
use jiff::Timestamp;

/// Called with the number of rows just written.
pub(super) type Progress<'a> = &'a (dyn Fn(u64) + Sync);

/// Rows between progress reports.
pub(super) const PROGRESS_EVERY: usize = 1 << 16;

/// The `evidence_import` row written with the data, in the same transaction.
pub(super) struct ImportRecord<'a> {
    pub source: &'a str,
    pub rejected: u64,
    pub at: Timestamp,
    pub persons: i64,
    pub offences: i64,
    pub index_events: i64,
    /// The latest offence or outcome date in the extract ("data up to").
    pub data_up_to: Option<crate::types::Day>,
}

/// Inserts `$record` with the number of rows `$written` on the transaction `$tx`.
macro_rules! insert_record {
    ($tx:ident, $record:expr, $written:expr) => {
        sqlx::query(
            "INSERT INTO evidence_import (id, at, source, persons, offences, index_events, written, rejected, data_up_to) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(uuid::Uuid::now_v7())
        .bind($crate::types::Instant($record.at))
        .bind($record.source)
        .bind($record.persons)
        .bind($record.offences)
        .bind($record.index_events)
        .bind($written as i64)
        .bind($record.rejected as i64)
        .bind($record.data_up_to)
        .execute(&mut *$tx)
        .await
        .map_err($crate::db_error)?
    };
}
pub(super) use insert_record;

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

    /// Upserts a whole extract in one transaction. `progress` is called with the number of rows
    /// just written (persons, then offences, then index events).
    pub async fn import_extract(
        &self,
        data: &Dataset,
        source: &str,
        rejected: u64,
        at: Timestamp,
        progress: Progress<'_>,
    ) -> StoreResult<ImportSummary> {
        let rows = ExtractRows::new(data);
        let record = ImportRecord {
            source,
            rejected,
            at,
            persons: data.person_count() as i64,
            offences: data.offence_count() as i64,
            index_events: data.index_event_count() as i64,
            data_up_to: super::to_store_day(data_up_to(data)),
        };
        let written = match &self.pool {
            crate::Pool::Sqlite(pool) => {
                let _writer = self.write_lock.lock().await;
                sqlite_load::import(pool, &rows, &record, progress).await?
            }
            crate::Pool::Postgres(pool) => pg_copy::import(pool, &rows, &record, progress).await?,
        };
        Ok(ImportSummary {
            persons: data.person_count() as u64,
            offences: data.offence_count() as u64,
            index_events: data.index_event_count() as u64,
            written,
        })
    }
}
