//! Cohort membership over time and manual cohort decisions, each written with the notices
//! that tell the changed persons' teams (see [`super::notify`]) in the same transaction.

use std::collections::{BTreeMap, HashSet};

use super::notify::{CohortNotify, notify_teams};
use super::{CohortChange, StoredOverride, from_store_day, to_store_day};
use crate::read::read_row_struct;
use crate::types::{Day, Instant};
use crate::{Store, db_error, in_tx, insert_rows, on_db};
use ::evidence::membership::{Cause, Change, MembershipEvent, Override, OverrideKind};
use domain::cohort::{CohortChange as TeamChange, CohortMove, CohortReason};
use domain::ports::{StoreError, StoreResult};
use jiff::Timestamp;
use uuid::Uuid;

read_row_struct! {
    /// A stored manual decision, as `cohort_overrides` reads it.
    struct OverrideRow {
        person_id: String,
        kind: String,
        from_date: Option<Day>,
        reason: String,
        decided_by: String,
        decided_at: Instant,
    }
}

/// What recording a rule's history wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Recorded {
    /// Membership events now recorded for the range.
    pub events: u64,
    /// Persons of the case system whose team was told (a plan task or a list entry).
    pub told: u64,
}

fn team_move(change: Change) -> CohortMove {
    match change {
        Change::Joined => CohortMove::Joined,
        Change::Left => CohortMove::Left,
    }
}

/// The changes to tell teams about: events not recorded before (a re-run tells no one again),
/// and of those only each person's latest, which is where the person stands now.
fn news(
    rule_name: &str,
    events: &[MembershipEvent],
    before: &HashSet<(String, jiff::civil::Date, String)>,
) -> Vec<(String, TeamChange)> {
    let mut latest: BTreeMap<&str, TeamChange> = BTreeMap::new();
    for event in events {
        let Some(on) = to_store_day(event.date) else { continue };
        let code = team_move(event.change).code();
        if before.contains(&(event.person_id.clone(), on.0, code.to_owned())) {
            continue;
        }
        let reason = match &event.cause {
            Cause::Rule => CohortReason::Rule,
            Cause::Override { reason, .. } => CohortReason::Decision(reason.clone()),
            Cause::OverrideEnded => CohortReason::DecisionEnded,
        };
        let change = TeamChange { rule: rule_name.to_owned(), on: on.0, change: team_move(event.change), reason };
        match latest.get(event.person_id.as_str()) {
            Some(seen) if seen.on > change.on => {}
            _ => {
                latest.insert(event.person_id.as_str(), change);
            }
        }
    }
    latest.into_iter().map(|(person, change)| (person.to_owned(), change)).collect()
}

impl Store {
    /// Records a rule's membership history evaluated over `[from, to]`: the events previously
    /// recorded for that rule in that range are replaced (a re-run gives the same rows).
    pub async fn record_cohort_history(
        &self,
        rule_name: &str,
        from: jiff::civil::Date,
        to: jiff::civil::Date,
        events: &[MembershipEvent],
        at: Timestamp,
        notify: &CohortNotify<'_>,
    ) -> StoreResult<Recorded> {
        let dates: Vec<Option<Day>> = events.iter().map(|e| to_store_day(e.date)).collect();
        let rows: Vec<(&MembershipEvent, Option<Day>)> = events.iter().zip(dates).collect();
        let told = in_tx!(self, tx => {
            let before: Vec<(String, Day, String)> = sqlx::query_as(
                "SELECT person_id, on_date, change FROM evidence_cohort_event \
                 WHERE rule_name = $1 AND on_date >= $2 AND on_date <= $3",
            )
            .bind(rule_name)
            .bind(Day(from))
            .bind(Day(to))
            .fetch_all(&mut *tx)
            .await
            .map_err(db_error)?;
            let before: HashSet<(String, jiff::civil::Date, String)> =
                before.into_iter().map(|(person, on, change)| (person, on.0, change)).collect();
            let changes = news(rule_name, events, &before);
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
            notify_teams!(tx, &changes, notify, at)
        });
        Ok(Recorded { events: events.len() as u64, told })
    }

    /// Saves a manual selection or deselection and tells the person's team; the number of
    /// case-system persons whose team was told. The person must be in the stored extract.
    pub async fn add_cohort_override(
        &self,
        rule_name: &str,
        decision: &Override,
        at: Timestamp,
        notify: &CohortNotify<'_>,
    ) -> StoreResult<u64> {
        self.add_cohort_override_audited(rule_name, decision, at, notify, None).await
    }

    /// [`Self::add_cohort_override`] with the audit entry of the member who decided, written
    /// in the same transaction (the web's decisions; the CLI's are an operator's).
    pub(super) async fn add_cohort_override_audited(
        &self,
        rule_name: &str,
        decision: &Override,
        at: Timestamp,
        notify: &CohortNotify<'_>,
        audit: Option<&domain::audit::AuditEntry>,
    ) -> StoreResult<u64> {
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
        let from = to_store_day(decision.from).ok_or_else(|| StoreError::Database("a decision needs a date".into()))?;
        let change = TeamChange {
            rule: rule_name.to_owned(),
            on: from.0,
            change: match decision.kind {
                OverrideKind::Select => CohortMove::Joined,
                OverrideKind::Deselect => CohortMove::Left,
            },
            reason: CohortReason::Decision(decision.reason.clone()),
        };
        let changes = [(decision.person_id.clone(), change)];
        let told = in_tx!(self, tx => {
            sqlx::query(
                "INSERT INTO evidence_cohort_override (id, rule_name, person_id, kind, from_date, reason, decided_by, \
                 decided_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(Uuid::now_v7())
            .bind(rule_name)
            .bind(decision.person_id.as_str())
            .bind(kind)
            .bind(from)
            .bind(decision.reason.as_str())
            .bind(decision.decided_by.as_str())
            .bind(Instant(at))
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
            if let Some(audit) = audit {
                crate::audit::insert_audit!(tx, audit);
            }
            notify_teams!(tx, &changes, notify, at)
        });
        Ok(told)
    }

    /// A rule's manual decisions, oldest first. A decision lasts until the person's next one.
    pub async fn cohort_overrides(&self, rule_name: &str) -> StoreResult<Vec<StoredOverride>> {
        let rows: Vec<OverrideRow> = on_db!(self, pool => sqlx::query_as(
            "SELECT person_id, kind, from_date, reason, decided_by, decided_at FROM evidence_cohort_override \
             WHERE rule_name = $1 ORDER BY person_id, from_date, decided_at, id"
        ).bind(rule_name).fetch_all(pool).await)
        .map_err(db_error)?;
        let mut out: Vec<StoredOverride> = Vec::with_capacity(rows.len());
        for OverrideRow { person_id, kind, from_date, reason, decided_by, decided_at } in rows {
            let kind = match kind.as_str() {
                "select" => OverrideKind::Select,
                "deselect" => OverrideKind::Deselect,
                other => return Err(crate::corrupt("override kind", other)),
            };
            let from = from_store_day(from_date);
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

impl domain::cohort::ports::CohortDecisionStore for Store {
    async fn record_cohort_decision(
        &self,
        decision: &domain::cohort::CohortDecision,
        at: Timestamp,
        today: jiff::civil::Date,
        lang: domain::jurisdiction::Lang,
        rule_label: Option<&str>,
        audit: &domain::audit::AuditEntry,
    ) -> StoreResult<u64> {
        // The override keeps the member's username, as the CLI's `--by` does.
        let username: Option<String> = on_db!(self, pool => sqlx::query_scalar(
            "SELECT username FROM member WHERE id = $1"
        ).bind(*decision.by.as_uuid()).fetch_optional(pool).await)
        .map_err(db_error)?;
        let username = username.ok_or(StoreError::NotFound)?;
        let from = ::evidence::date::days_from_civil(
            i32::from(decision.from.year()),
            decision.from.month() as u32,
            decision.from.day() as u32,
        );
        let kind = match decision.change {
            CohortMove::Joined => OverrideKind::Select,
            CohortMove::Left => OverrideKind::Deselect,
        };
        let stored = Override {
            person_id: decision.person.clone(),
            kind,
            from,
            until: None,
            reason: decision.reason.clone(),
            decided_by: username.clone(),
        };
        let notify = CohortNotify { by: Some(&username), today, lang, rule_label };
        self.add_cohort_override_audited(&decision.rule, &stored, at, &notify, Some(audit)).await
    }
}
