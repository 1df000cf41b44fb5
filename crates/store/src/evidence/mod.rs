//! Evidence: the police/court record extract (persons, offences, index events, keyed by the
//! source system's ids), cohort membership over time, and manual cohort decisions.
//!
//! An import (see [`import`]) upserts the whole extract in one transaction: re-importing the
//! same extract writes nothing, a newer extract updates what changed (typically outcomes), and
//! an import that fails or is killed half-way leaves the store exactly as it was. Loading gives
//! back an [`::evidence::Dataset`] in canonical order, so that export → import → export is
//! byte-exact.

mod cohort_sql;
mod cohorts;
mod import;
// The match report (issue 21).
mod links;
pub use import::data_up_to;
mod notices;
pub(crate) mod notify;
mod pg_copy;
mod pg_extract;
pub mod public_value;
mod rows;
mod snapshot;
mod sqlite_load;
mod sqlite_read;
pub mod whatworks;

pub use cohorts::Recorded;
pub use notify::CohortNotify;

use crate::types::Day;
use crate::{Store, db_error, on_db};
use ::evidence::dataset::{Dataset, DatasetBuilder};
use ::evidence::date::{NO_DAY, civil_from_days, days_from_civil};
use ::evidence::membership::Override;
use domain::ports::StoreResult;
use jiff::Timestamp;

/// An evidence day (days since 1970-01-01) as a store date; `None` for "unknown".
pub fn to_store_day(day: ::evidence::date::Day) -> Option<Day> {
    if day == NO_DAY {
        return None;
    }
    let (y, m, d) = civil_from_days(day);
    Some(Day(jiff::civil::date(y as i16, m as i8, d as i8)))
}

/// A store date as an evidence day; `NO_DAY` for `None`.
pub fn from_store_day(day: Option<Day>) -> ::evidence::date::Day {
    day.map_or(NO_DAY, |d| days_from_civil(i32::from(d.0.year()), d.0.month() as u32, d.0.day() as u32))
}

/// What an import read and wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportSummary {
    pub persons: u64,
    pub offences: u64,
    pub index_events: u64,
    /// Rows inserted or changed (0 when the same extract is imported again).
    pub written: u64,
}

impl ImportSummary {
    pub fn rows(&self) -> u64 {
        self.persons + self.offences + self.index_events
    }
}

/// Row counts held in the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ExtractCounts {
    pub persons: u64,
    pub offences: u64,
    pub index_events: u64,
}

/// One evaluation date on which a cohort changed: how many joined and left (aggregates only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CohortChange {
    pub rule_name: String,
    pub on_date: jiff::civil::Date,
    pub joined: u64,
    pub left: u64,
    pub recorded_at: Timestamp,
}

/// A stored manual decision, with when it was taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredOverride {
    pub rule_name: String,
    pub decision: Override,
    pub decided_at: Timestamp,
}

/// Adds one to the extract's generation; run in the transaction of every import. Recorded
/// cohort history and manual decisions are read from their own tables when asked and are no
/// part of a loaded extract, so they leave the generation alone: a cohort decision does not
/// make a server load a national extract again.
pub(crate) const BUMP_GENERATION: &str = "UPDATE evidence_generation SET generation = generation + 1 WHERE id = 1";

impl Store {
    /// The extract's generation (its import version): it changes with every import, so a copy
    /// of the extract loaded at one generation is current as long as this still says the same.
    /// One primary-key read.
    pub async fn extract_generation(&self) -> StoreResult<i64> {
        on_db!(self, pool => sqlx::query_scalar("SELECT generation FROM evidence_generation WHERE id = 1")
            .fetch_one(pool)
            .await)
        .map_err(db_error)
    }

    /// Row counts of the stored extract.
    pub async fn extract_counts(&self) -> StoreResult<ExtractCounts> {
        let (persons, offences, index_events): (i64, i64, i64) = on_db!(self, pool => sqlx::query_as(
            "SELECT (SELECT count(*) FROM evidence_person), (SELECT count(*) FROM evidence_offence), \
             (SELECT count(*) FROM evidence_index_event)"
        )
        .fetch_one(pool)
        .await)
        .map_err(db_error)?;
        Ok(ExtractCounts { persons: persons as u64, offences: offences as u64, index_events: index_events as u64 })
    }

    /// Whether an extract has been imported (one row read).
    pub async fn has_extract(&self) -> StoreResult<bool> {
        let sql = "SELECT 1 FROM evidence_person LIMIT 1";
        Ok(self.read_optional::<(i64,)>(sql, crate::read::params![]).await?.is_some())
    }

    /// The members of `rule`'s cohort as of `as_of` by the rule alone (no manual decisions),
    /// their extract ids in code-point order, counted and tested by the database so that only
    /// the members are read; `None` when the rule is beyond the SQL translation (then
    /// evaluate it over [`Store::load_extract`]).
    pub async fn cohort_members(
        &self,
        rule: &::evidence::rules::Expr,
        as_of: ::evidence::date::Day,
    ) -> StoreResult<Option<Vec<String>>> {
        let Some(query) = cohort_sql::cohort_sql(rule, as_of) else {
            return Ok(None);
        };
        let params: Vec<crate::read::Param<'_>> = query
            .params
            .iter()
            .map(|bound| match bound {
                cohort_sql::Bound::Day(day) => crate::read::Param::Day(*day),
                cohort_sql::Bound::Text(text) => crate::read::Param::Text(text),
                cohort_sql::Bound::Int(number) => crate::read::Param::Int(*number),
            })
            .collect();
        // One pass over every offence: on a connection that does not keep the pages resident.
        let rows: Vec<(String,)> = self.read_scan(&query.sql, &params).await?;
        let mut members: Vec<String> = rows.into_iter().map(|(id,)| id).collect();
        // Byte order of UTF-8 is code-point order, the order the evaluator answers in.
        members.sort_unstable();
        Ok(Some(members))
    }

    /// The members of `rule`'s cohort as of `as_of` with the manual decisions `overrides`
    /// applied, as [`::evidence::membership::history`] answers for that date: the database
    /// answers the rule, the decisions in force are applied to its ids, and only the persons
    /// selected by a decision are looked up (a selection naming someone not in the extract
    /// stays out). `None` when the rule is beyond the SQL translation.
    pub async fn cohort_members_decided(
        &self,
        rule: &::evidence::rules::Expr,
        as_of: ::evidence::date::Day,
        overrides: &[Override],
    ) -> StoreResult<Option<Vec<String>>> {
        let Some(by_rule) = self.cohort_members(rule, as_of).await? else {
            return Ok(None);
        };
        let selected: Vec<&str> = ::evidence::membership::decisions_on(as_of, overrides)
            .into_iter()
            .filter(|(_, kind)| *kind == ::evidence::membership::OverrideKind::Select)
            .map(|(person, _)| person)
            .collect();
        let mut known = std::collections::BTreeSet::new();
        for chunk in selected.chunks(500) {
            let sql = format!(
                "SELECT source_id FROM evidence_person WHERE source_id IN ({})",
                crate::in_list_from(1, chunk.len())
            );
            let params: Vec<crate::read::Param<'_>> = chunk.iter().map(|id| crate::read::Param::Text(id)).collect();
            let rows: Vec<(String,)> = self.read_all(&sql, &params).await?;
            known.extend(rows.into_iter().map(|(id,)| id));
        }
        let members = ::evidence::membership::apply_decisions(by_rule, as_of, overrides, &|id| known.contains(id));
        Ok(Some(members))
    }

    /// The whole stored extract as a dataset in canonical order (the same dataset reading the
    /// exported CSV files gives).
    pub async fn load_extract(&self) -> StoreResult<Dataset> {
        // The latest import's row counts size the columns (a hint: counting ten million rows
        // would itself scan the table).
        let sql = "SELECT persons, offences, index_events FROM evidence_import ORDER BY at DESC LIMIT 1";
        let (persons, offences, events): (i64, i64, i64) =
            self.read_optional(sql, crate::read::params![]).await?.unwrap_or((0, 0, 0));
        let size = |n: i64| usize::try_from(n).unwrap_or(0);
        let mut b = DatasetBuilder::with_capacity(size(persons), size(offences), size(events));
        match &self.pool {
            crate::Pool::Sqlite(pool) => sqlite_read::read(pool, &mut b).await?,
            crate::Pool::Postgres(pool) => pg_extract::read(pool, &mut b).await?,
        }
        Ok(b.finish())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_convert_both_ways() {
        for text in ["1970-01-01", "2024-02-29", "1899-12-31", "2099-06-30"] {
            let day = ::evidence::date::parse_day(text.as_bytes()).unwrap();
            let store = to_store_day(day).unwrap();
            assert_eq!(store.0.to_string(), text);
            assert_eq!(from_store_day(Some(store)), day);
        }
        assert_eq!(to_store_day(NO_DAY), None);
        assert_eq!(from_store_day(None), NO_DAY);
    }
}
