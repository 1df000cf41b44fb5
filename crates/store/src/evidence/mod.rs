//! Evidence: the police/court record extract (persons, offences, index events, keyed by the
//! source system's ids), cohort membership over time, and manual cohort decisions.
//!
//! An import (see [`import`]) upserts the whole extract in one transaction: re-importing the
//! same extract writes nothing, a newer extract updates what changed (typically outcomes), and
//! an import that fails or is killed half-way leaves the store exactly as it was. Loading gives
//! back an [`::evidence::Dataset`] in canonical order, so that export → import → export is
//! byte-exact.

mod import;
mod pg_copy;
mod rows;
mod sqlite_load;

use crate::types::{Day, Instant};
use crate::{Store, db_error, in_tx, insert_rows, on_db};
use ::evidence::dataset::{Dataset, DatasetBuilder, Outcome, Sex};
use ::evidence::date::{NO_DAY, civil_from_days, days_from_civil};
use ::evidence::membership::{Cause, Change, MembershipEvent, Override, OverrideKind};
use domain::ports::{StoreError, StoreResult};
use jiff::Timestamp;
use uuid::Uuid;

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

impl Store {
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

    /// The whole stored extract as a dataset in canonical order (the same dataset reading the
    /// exported CSV files gives).
    pub async fn load_extract(&self) -> StoreResult<Dataset> {
        use futures_util::TryStreamExt;
        let counts = self.extract_counts().await?;
        let mut b = DatasetBuilder::with_capacity(
            counts.persons as usize,
            counts.offences as usize,
            counts.index_events as usize,
        );
        let corrupt =
            |what: &str, detail: String| StoreError::Database(format!("stored {what} cannot be read: {detail}"));
        on_db!(self, pool => {
            let mut rows = sqlx::query_as::<_, (String, Option<Day>, String, String)>(
                "SELECT source_id, birth_date, sex, area FROM evidence_person ORDER BY source_id",
            )
            .fetch(pool);
            while let Some((id, birth, sex, area)) = rows.try_next().await.map_err(db_error)? {
                let sex = Sex::parse(sex.as_bytes()).ok_or_else(|| corrupt("sex", sex.clone()))?;
                b.person(&id, from_store_day(birth), sex, &area).map_err(|e| corrupt("person", e))?;
            }
            drop(rows);
            let mut rows = sqlx::query_as::<_, (String, String, Option<Day>, Option<Day>, String, String, Option<i64>)>(
                "SELECT source_id, person_id, offence_date, outcome_date, outcome, offence_type, seriousness \
                 FROM evidence_offence",
            )
            .fetch(pool);
            while let Some((id, person, date, outcome_date, outcome, kind, seriousness)) =
                rows.try_next().await.map_err(db_error)?
            {
                let outcome = Outcome::parse(outcome.as_bytes()).ok_or_else(|| corrupt("outcome", outcome.clone()))?;
                let seriousness = seriousness.unwrap_or(0).clamp(0, 10) as u8;
                b.offence(&id, &person, from_store_day(date), from_store_day(outcome_date), outcome, &kind, seriousness)
                    .map_err(|e| corrupt("offence", e))?;
            }
            drop(rows);
            let mut rows = sqlx::query_as::<_, (String, Option<Day>, String, String)>(
                "SELECT person_id, index_date, kind, group_label FROM evidence_index_event",
            )
            .fetch(pool);
            while let Some((person, date, kind, group)) = rows.try_next().await.map_err(db_error)? {
                b.index_event(&person, from_store_day(date), &kind, &group).map_err(|e| corrupt("index event", e))?;
            }
        });
        Ok(b.finish())
    }

    /// Records a rule's membership history evaluated over `[from, to]`: the events previously
    /// recorded for that rule in that range are replaced (a re-run gives the same rows).
    pub async fn record_cohort_history(
        &self,
        rule_name: &str,
        from: jiff::civil::Date,
        to: jiff::civil::Date,
        events: &[MembershipEvent],
        at: Timestamp,
    ) -> StoreResult<u64> {
        let dates: Vec<Option<Day>> = events.iter().map(|e| to_store_day(e.date)).collect();
        let rows: Vec<(&MembershipEvent, Option<Day>)> = events.iter().zip(dates).collect();
        in_tx!(self, tx => {
            sqlx::query("DELETE FROM evidence_cohort_event WHERE rule_name = $1 AND on_date >= $2 AND on_date <= $3")
                .bind(rule_name)
                .bind(Day(from))
                .bind(Day(to))
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
            insert_rows!(self, tx, "evidence_cohort_event (rule_name, on_date, person_id, change, cause, reason, \
                decided_by, recorded_at)", 8, rows, |q, row| {
                let (event, date) = row;
                let (cause, reason, decided_by) = match &event.cause {
                    Cause::Rule => ("rule", None, None),
                    Cause::Override { reason, decided_by } => ("override", Some(reason.as_str()), Some(decided_by.as_str())),
                    Cause::OverrideEnded => ("override_ended", None, None),
                };
                q.bind(rule_name)
                    .bind(*date)
                    .bind(event.person_id.as_str())
                    .bind(match event.change { Change::Joined => "joined", Change::Left => "left" })
                    .bind(cause)
                    .bind(reason)
                    .bind(decided_by)
                    .bind(Instant(at))
            });
        });
        Ok(events.len() as u64)
    }

    /// Saves a manual selection or deselection. The person must be in the stored extract.
    pub async fn add_cohort_override(&self, rule_name: &str, decision: &Override, at: Timestamp) -> StoreResult<()> {
        if decision.reason.trim().is_empty() {
            return Err(StoreError::Database("a cohort decision needs a reason".into()));
        }
        let known: i64 = on_db!(self, pool => sqlx::query_scalar(
            "SELECT count(*) FROM evidence_person WHERE source_id = $1"
        ).bind(decision.person_id.as_str()).fetch_one(pool).await)
        .map_err(db_error)?;
        if known == 0 {
            return Err(StoreError::NotFound);
        }
        let kind = match decision.kind {
            OverrideKind::Select => "select",
            OverrideKind::Deselect => "deselect",
        };
        in_tx!(self, tx => {
            sqlx::query(
                "INSERT INTO evidence_cohort_override (id, rule_name, person_id, kind, from_date, reason, decided_by, \
                 decided_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(Uuid::now_v7())
            .bind(rule_name)
            .bind(decision.person_id.as_str())
            .bind(kind)
            .bind(to_store_day(decision.from))
            .bind(decision.reason.as_str())
            .bind(decision.decided_by.as_str())
            .bind(Instant(at))
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        });
        Ok(())
    }

    /// A rule's manual decisions, oldest first. A decision lasts until the person's next one.
    pub async fn cohort_overrides(&self, rule_name: &str) -> StoreResult<Vec<StoredOverride>> {
        type Row = (String, String, Option<Day>, String, String, Instant);
        let rows: Vec<Row> = on_db!(self, pool => sqlx::query_as(
            "SELECT person_id, kind, from_date, reason, decided_by, decided_at FROM evidence_cohort_override \
             WHERE rule_name = $1 ORDER BY person_id, from_date, decided_at, id"
        ).bind(rule_name).fetch_all(pool).await)
        .map_err(db_error)?;
        let mut out: Vec<StoredOverride> = Vec::with_capacity(rows.len());
        for (person_id, kind, from, reason, decided_by, decided_at) in rows {
            let kind = match kind.as_str() {
                "select" => OverrideKind::Select,
                "deselect" => OverrideKind::Deselect,
                other => return Err(StoreError::Database(format!("stored override kind cannot be read: {other}"))),
            };
            let from = from_store_day(from);
            // The previous decision for the same person ends where this one starts.
            if let Some(previous) = out.last_mut()
                && previous.decision.person_id == person_id
            {
                previous.decision.until = Some(from);
            }
            out.push(StoredOverride {
                rule_name: rule_name.to_owned(),
                decision: Override { person_id, kind, from, until: None, reason, decided_by },
                decided_at: decided_at.0,
            });
        }
        Ok(out)
    }

    /// Cohorts that changed, newest evaluation date first: per rule and date, how many joined
    /// and left. This is the notification list until plans (with tasks) exist.
    pub async fn changed_cohorts(&self, limit: i64) -> StoreResult<Vec<CohortChange>> {
        type Row = (String, Option<Day>, i64, i64, Instant);
        let rows: Vec<Row> = on_db!(self, pool => sqlx::query_as(
            "SELECT rule_name, on_date, \
             sum(CASE WHEN change = 'joined' THEN 1 ELSE 0 END), \
             sum(CASE WHEN change = 'left' THEN 1 ELSE 0 END), max(recorded_at) \
             FROM evidence_cohort_event GROUP BY rule_name, on_date ORDER BY on_date DESC, rule_name LIMIT $1"
        ).bind(limit).fetch_all(pool).await)
        .map_err(db_error)?;
        rows.into_iter()
            .map(|(rule_name, on_date, joined, left, recorded_at)| {
                Ok(CohortChange {
                    rule_name,
                    on_date: on_date.ok_or_else(|| StoreError::Database("cohort event without a date".into()))?.0,
                    joined: joined as u64,
                    left: left as u64,
                    recorded_at: recorded_at.0,
                })
            })
            .collect()
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
