//! Interventions: the catalogue (each entry as JSON with a version, every version kept, its
//! needs indexed), referrals (JSON with a version, columns for the lists and queues, every
//! change an append-only row, written with audit and outbox in one transaction), the
//! lifecycle's transitions as rows, unmet need. Webhooks are in `webhooks.rs`.

mod finder;
pub(crate) use finder::FinderRow;
mod listing;
mod queue;
mod webhooks;
// Community networks (issue 20, lifechange branch).
mod community;

use crate::audit::insert_audit;
use crate::notifications::insert_events;
use crate::read::{Param, params};
use crate::types::{Day, Instant};
use crate::{Store, corrupt, db_error, in_list_from, in_tx, to_json};
use domain::access::Role;
use domain::audit::AuditEntry;
use domain::ids::{AgencyId, InterventionId, PersonId, ReferralId};
use domain::interventions::ports::{
    CatalogueChange, FinderReading, InterventionStore, ReferralQuery, ReferralStep, StoredIntervention, StoredReferral,
};
use domain::interventions::{
    Intervention, Load, Referral, ReferralListing, ReferralStatus, Side, SideRoles, Transitions, UnmetKey, UnmetNeed,
    UnmetReason, area_key,
};
use domain::jurisdiction::DomainKey;
use domain::plan::ports::StoredPlan;
use domain::ports::{StoreError, StoreResult};
use jiff::civil::Date;
use listing::{ListingRow, listing, listing_sql};
use std::collections::BTreeMap;
use std::sync::Arc;
use uuid::Uuid;

fn parse_intervention(state: &str) -> StoreResult<Intervention> {
    serde_json::from_str(state).map_err(|e| corrupt("intervention", e))
}

impl Store {
    /// Catalogue entries at the versions given, parsed once per version (`parsed.rs`).
    async fn parsed_interventions(
        &self,
        wanted: &[(Uuid, i64)],
    ) -> StoreResult<std::collections::HashMap<Uuid, (i64, Arc<Intervention>)>> {
        self.parsed(
            &self.parsed.interventions,
            "intervention",
            "id, version, state",
            wanted,
            |(id, version, state): (Uuid, i64, String)| Ok((id, version, parse_intervention(&state)?)),
        )
        .await
    }
}

fn parse_referral(state: &str) -> StoreResult<Referral> {
    serde_json::from_str(state).map_err(|e| corrupt("referral", e))
}

fn side(code: &str) -> Option<Side> {
    match code {
        "referrer" => Some(Side::Referrer),
        "provider" => Some(Side::Provider),
        _ => None,
    }
}

/// Writes a referral's row (insert at version 1, otherwise update from the version before),
/// the history rows it gained and its intervention's queue summary; `$was` is the status and
/// end date before (none for a new referral).
macro_rules! write_referral {
    ($tx:ident, $referral:expr, $version:expr, $from_change:expr, $was:expr, $now:expr) => {{
        let r: &Referral = $referral;
        let version: i64 = $version;
        let state = to_json(r)?;
        let sessions = r.sessions().count() as i64;
        if version == 1 {
            sqlx::query(
                "INSERT INTO referral (id, person_id, intervention_id, provider_id, referrer_agency, task_id, status, \
                 queued_at, started_on, ended_on, state, version, created_at, updated_at, intervention_name, \
                 created_on, session_count) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1, $12, $12, $13, $14, $15)",
            )
            .bind(r.id.0)
            .bind(r.person.0)
            .bind(r.intervention.0)
            .bind(r.provider.0)
            .bind(r.referrer_agency.0)
            .bind(r.task.map(|t| t.0))
            .bind(r.status.code())
            .bind(r.queued_at.map(Instant))
            .bind(r.started_on.map(Day))
            .bind(r.ended_on.map(Day))
            .bind(&state)
            .bind(Instant($now))
            .bind(&r.intervention_name)
            .bind(Day(r.created_on))
            .bind(sessions)
            .execute(&mut *$tx)
            .await
            .map_err(db_error)?;
        } else {
            let done = sqlx::query(
                "UPDATE referral SET status = $1, queued_at = $2, started_on = $3, ended_on = $4, state = $5, \
                 version = $6, updated_at = $7, session_count = $10 WHERE id = $8 AND version = $9",
            )
            .bind(r.status.code())
            .bind(r.queued_at.map(Instant))
            .bind(r.started_on.map(Day))
            .bind(r.ended_on.map(Day))
            .bind(&state)
            .bind(version)
            .bind(Instant($now))
            .bind(r.id.0)
            .bind(version - 1)
            .bind(sessions)
            .execute(&mut *$tx)
            .await
            .map_err(db_error)?;
            if done.rows_affected() != 1 {
                return Err(StoreError::Conflict { current: version - 1 });
            }
        }
        queue::adjust_queue!($tx, r.intervention.0, $was, r.status, r.ended_on);
        let from: usize = $from_change;
        for (offset, change) in r.history.iter().enumerate().skip(from) {
            sqlx::query(
                "INSERT INTO referral_change (referral_id, version, at, member_id, agency_id, side, status, action, detail) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(r.id.0)
            .bind(offset as i64 + 1)
            .bind(Instant(change.at))
            .bind(change.by.0)
            .bind(change.agency.0)
            .bind(change.side.code())
            .bind(change.status.code())
            .bind(change.detail.code())
            .bind(to_json(&change.detail)?)
            .execute(&mut *$tx)
            .await
            .map_err(db_error)?;
        }
    }};
}

/// When the referral's latest change was made: every referral has its "created" row.
fn changed_at(referral: &Referral) -> StoreResult<jiff::Timestamp> {
    referral.history.last().map(|c| c.at).ok_or_else(|| corrupt("referral", "a referral without history"))
}

const REFERRAL_FOR_WRITE: &str = "SELECT state, version FROM referral WHERE id = $1";
const REFERRAL_FOR_UPDATE: &str = "SELECT state, version FROM referral WHERE id = $1 FOR UPDATE";

impl InterventionStore for Store {
    async fn save_intervention(
        &self,
        intervention: &Intervention,
        change: &CatalogueChange,
        audit: &AuditEntry,
    ) -> StoreResult<()> {
        let state = to_json(intervention)?;
        let id = intervention.id.0;
        in_tx!(self, tx => {
            if change.version == 1 {
                sqlx::query(
                    "INSERT INTO intervention (id, provider_id, active, state, version, updated_at) \
                     VALUES ($1, $2, $3, $4, 1, $5)",
                )
                .bind(id)
                .bind(intervention.provider.0)
                .bind(intervention.active)
                .bind(&state)
                .bind(Instant(change.at))
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
                sqlx::query(queue::ADD_TO_QUEUE).bind(id).bind(0_i64).bind(0_i64).execute(&mut *tx).await.map_err(db_error)?;
            } else {
                let done = sqlx::query(
                    "UPDATE intervention SET active = $1, state = $2, version = $3, updated_at = $4 \
                     WHERE id = $5 AND version = $6",
                )
                .bind(intervention.active)
                .bind(&state)
                .bind(change.version)
                .bind(Instant(change.at))
                .bind(id)
                .bind(change.version - 1)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
                if done.rows_affected() != 1 {
                    return Err(StoreError::Conflict { current: change.version - 1 });
                }
                // Waits for a referral write on this entry's queue to commit (and holds it off
                // until this one does), so the rows filled below copy the queue as it is.
                let lock = crate::spelled(&*tx, finder::LOCK_QUEUE.0, finder::LOCK_QUEUE.1);
                sqlx::query(lock).bind(id).execute(&mut *tx).await.map_err(db_error)?;
                for table in [finder::CLEAR_ONE, "DELETE FROM intervention_need WHERE intervention_id = $1",
                    "DELETE FROM intervention_area WHERE intervention_id = $1"] {
                    sqlx::query(table).bind(id).execute(&mut *tx).await.map_err(db_error)?;
                }
            }
            let mut areas: Vec<String> = intervention.areas.iter().map(|a| area_key(a)).collect();
            areas.sort();
            areas.dedup();
            for area in &areas {
                sqlx::query("INSERT INTO intervention_area (area, intervention_id) VALUES ($1, $2)")
                    .bind(area)
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
            }
            let mut needs: Vec<&str> = intervention.needs.iter().map(DomainKey::as_str).collect();
            needs.sort();
            needs.dedup();
            for need in needs {
                sqlx::query("INSERT INTO intervention_need (need, intervention_id) VALUES ($1, $2)")
                    .bind(need)
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
            }
            // The finder's rows from the areas and needs just written (none while inactive).
            let fill = crate::spelled(&*tx, finder::FILL_ONE.0, finder::FILL_ONE.1);
            sqlx::query(fill).bind(id).execute(&mut *tx).await.map_err(db_error)?;
            sqlx::query(
                "INSERT INTO intervention_version (intervention_id, version, at, member_id, state) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(change.version)
            .bind(Instant(change.at))
            .bind(change.by.0)
            .bind(&state)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
            insert_audit!(tx, audit);
        });
        // The finder's rows changed: other servers hear of it, this one at once.
        self.forget(crate::memory::Reference::Finder);
        Ok(())
    }

    async fn intervention(&self, id: InterventionId) -> StoreResult<Option<StoredIntervention>> {
        let sql = "SELECT state, version FROM intervention WHERE id = $1";
        let row: Option<(String, i64)> = self.read_optional(sql, params![id.0]).await?;
        row.map(|(state, version)| Ok(StoredIntervention { intervention: parse_intervention(&state)?, version }))
            .transpose()
    }

    async fn intervention_history(&self, id: InterventionId) -> StoreResult<Vec<(CatalogueChange, Intervention)>> {
        let sql = "SELECT version, at, member_id, state FROM intervention_version WHERE intervention_id = $1 ORDER BY version";
        let rows: Vec<(i64, Instant, Uuid, String)> = self.read_all(sql, params![id.0]).await?;
        rows.into_iter()
            .map(|(version, at, by, state)| {
                Ok((CatalogueChange { version, at: at.0, by: by.into() }, parse_intervention(&state)?))
            })
            .collect()
    }

    async fn interventions_for(&self, needs: &[DomainKey], area: Option<&str>) -> StoreResult<Vec<Intervention>> {
        let area = area.map(area_key);
        let mut binds: Vec<Param<'_>> = Vec::new();
        let mut sql = String::from("SELECT i.state FROM intervention i WHERE i.active");
        if let Some(area) = &area {
            binds.push(Param::Text(area));
            sql.push_str(" AND i.id IN (SELECT intervention_id FROM intervention_area WHERE area = $1)");
        }
        if !needs.is_empty() {
            let first = binds.len() + 1;
            binds.extend(needs.iter().map(|n| Param::Text(n.as_str())));
            sql.push_str(&format!(
                " AND i.id IN (SELECT intervention_id FROM intervention_need WHERE need IN ({}))",
                in_list_from(first, needs.len())
            ));
        }
        sql.push_str(" ORDER BY i.id");
        let rows: Vec<(String,)> = self.read_all(&sql, &binds).await?;
        rows.iter().map(|(state,)| parse_intervention(state)).collect()
    }

    async fn finder_reading(
        &self,
        person: PersonId,
        area: Option<&str>,
        need_at_most: u8,
        since: Date,
    ) -> StoreResult<FinderReading> {
        // The needs of the person's latest screening and the finder's rows for the area and
        // each need (`finder.rs`): from memory on PostgreSQL, else in one statement. Those rows
        // carry each entry's version, queue and completions per day; the entries come parsed
        // from memory at that version (`parsed.rs`), so a finder request neither moves nor
        // parses the catalogue.
        let key = area.map(area_key);
        let (mut needs, by_need) = match (&key, self.memory.as_deref()) {
            (Some(key), Some(memory)) if memory.listening() => {
                self.finder_rows_kept(memory, person, key, need_at_most).await?
            }
            _ => self.finder_rows_read(person, key.as_deref(), need_at_most).await?,
        };
        // An entry addressing two of the needs has a row for each.
        let mut rows: Vec<&FinderRow> = by_need.iter().flat_map(|rows| rows.iter()).collect();
        rows.sort_by_key(|row| row.id);
        rows.dedup_by_key(|row| row.id);
        needs.sort();
        let wanted: Vec<(Uuid, i64)> = rows.iter().map(|row| (row.id, row.version)).collect();
        // An entry saved since the rows were read comes at its new version; the finder checks
        // what it shows (active, area, needs) on the entry as it comes.
        let mut entries = self.parsed_interventions(&wanted).await?;
        let count = |n: i64| u32::try_from(n.max(0)).unwrap_or(u32::MAX);
        let since = finder::DayText::of(since);
        let mut candidates = Vec::with_capacity(rows.len());
        for row in rows {
            let Some((_, intervention)) = entries.remove(&row.id) else { continue };
            let load = Load {
                in_service: count(row.in_service),
                waiting: count(row.waiting),
                finished_recently: count(row.finished_since(&since)?),
            };
            candidates.push((intervention, load));
        }
        Ok(FinderReading { needs: needs.into_iter().map(DomainKey).collect(), candidates })
    }

    async fn provider_interventions(&self, provider: AgencyId) -> StoreResult<Vec<Intervention>> {
        let sql = "SELECT state FROM intervention WHERE provider_id = $1 ORDER BY id";
        let rows: Vec<(String,)> = self.read_all(sql, params![provider.0]).await?;
        rows.iter().map(|(state,)| parse_intervention(state)).collect()
    }

    async fn every_intervention(&self) -> StoreResult<Vec<Intervention>> {
        let sql = "SELECT state FROM intervention ORDER BY provider_id, id";
        let rows: Vec<(String,)> = self.read_all(sql, &[]).await?;
        rows.iter().map(|(state,)| parse_intervention(state)).collect()
    }

    async fn loads(&self, ids: &[InterventionId], since: Date) -> StoreResult<BTreeMap<InterventionId, Load>> {
        let mut out = BTreeMap::new();
        for chunk in ids.chunks(500) {
            let sql = format!(
                "SELECT q.intervention_id, q.in_service, q.waiting, \
                   (SELECT CAST(COALESCE(SUM(f.finished), 0) AS BIGINT) FROM intervention_finished f \
                    WHERE f.intervention_id = q.intervention_id AND f.ended_on >= $1) \
                 FROM intervention_queue q WHERE q.intervention_id IN ({})",
                in_list_from(2, chunk.len())
            );
            let mut binds: Vec<Param<'_>> = vec![Param::Day(Day(since))];
            binds.extend(chunk.iter().map(|id| Param::Uuid(id.0)));
            let rows: Vec<(Uuid, i64, i64, i64)> = self.read_all(&sql, &binds).await?;
            for (id, in_service, waiting, finished) in rows {
                let count = |n: i64| u32::try_from(n.max(0)).unwrap_or(u32::MAX);
                let load =
                    Load { in_service: count(in_service), waiting: count(waiting), finished_recently: count(finished) };
                out.insert(InterventionId(id), load);
            }
        }
        Ok(out)
    }

    async fn transitions(&self) -> StoreResult<Transitions> {
        let sql = "SELECT from_status, to_status, side FROM referral_transition ORDER BY from_status, to_status, side";
        let rows: Vec<(String, String, String)> = self.read_all(sql, &[]).await?;
        let mut out = Vec::new();
        for (from, to, by) in rows {
            match (ReferralStatus::parse(&from), ReferralStatus::parse(&to), side(&by)) {
                (Some(from), Some(to), Some(by)) => out.push((from, to, by)),
                _ => return Err(corrupt("referral_transition", format!("{from} → {to} by {by}"))),
            }
        }
        Ok(Transitions(out))
    }

    async fn side_roles(&self) -> StoreResult<SideRoles> {
        // Read on every request that refers, provides or shows the menu: kept in memory on
        // PostgreSQL, where it was a round trip each time (`memory.rs`).
        let read = || async {
            let sql = "SELECT role, side FROM referral_side_role ORDER BY side, role";
            let rows: Vec<(String, String)> = self.read_all(sql, &[]).await?;
            let mut out = Vec::new();
            for (role, by) in rows {
                match (role.parse::<Role>(), side(&by)) {
                    (Ok(role), Some(by)) => out.push((role, by)),
                    _ => return Err(corrupt("referral_side_role", format!("{role} for the {by}"))),
                }
            }
            Ok(SideRoles(out))
        };
        self.remembered(|memory| &memory.side_roles, (), read).await
    }

    async fn create_referral(&self, step: &ReferralStep) -> StoreResult<()> {
        let now = changed_at(&step.referral)?;
        let plan_steps: Vec<(&domain::plan::ports::PlanEvent, &domain::plan::Plan, String)> = step
            .plan
            .iter()
            .flat_map(|p| &p.steps)
            .map(|(event, plan)| Ok((event, plan, to_json(plan)?)))
            .collect::<StoreResult<_>>()?;
        in_tx!(self, tx => {
            // The plan first: the referral points at the task it gains.
            for (event, plan, state) in &plan_steps {
                crate::plan::write_plan_step!(tx, *plan, *event, state);
            }
            write_referral!(tx, &step.referral, 1, 0, None, now);
            for entry in &step.audit {
                insert_audit!(tx, entry);
            }
            insert_events!(tx, &step.outbox);
        });
        // Its entry's queue changed in the finder's rows.
        self.forget(crate::memory::Reference::Finder);
        Ok(())
    }

    async fn change_referral<E, F>(&self, id: ReferralId, decide: F) -> StoreResult<Result<Referral, E>>
    where
        E: Send,
        F: FnOnce(StoredReferral, Option<StoredPlan>) -> Result<ReferralStep, E> + Send,
    {
        let (referral, settled) = in_tx!(self, tx => {
            let sql = crate::spelled(&*tx, REFERRAL_FOR_WRITE, REFERRAL_FOR_UPDATE);
            let row: Option<(String, i64)> =
                sqlx::query_as(sql).bind(id.0).fetch_optional(&mut *tx).await.map_err(db_error)?;
            let Some((state, version)) = row else { return Err(StoreError::NotFound) };
            let stored = StoredReferral { referral: parse_referral(&state)?, version };
            // The referral first, then the plan: every writer that holds both takes them in
            // this order (a new referral's plan write locks no referral row).
            let (plan, plan_state) = match stored.referral.task {
                Some(_) => crate::plan::current_plan_for_write!(self, tx, stored.referral.person).unzip(),
                None => (None, None),
            };
            let before = stored.referral.history.len();
            let was = Some((stored.referral.status, stored.referral.ended_on));
            let step = match decide(stored, plan) {
                Ok(step) => step,
                Err(refused) => return Ok(Err(refused)),
            };
            let now = changed_at(&step.referral)?;
            let steps = step.plan.iter().flat_map(|p| &p.steps);
            for (index, (event, plan)) in steps.clone().enumerate() {
                let state = to_json(plan)?;
                match plan_state.as_deref().filter(|_| index == 0) {
                    Some(before) => crate::plan::write_plan_step!(tx, plan, event, &state, before: Some(before)),
                    None => crate::plan::write_plan_step!(tx, plan, event, &state),
                }
            }
            write_referral!(tx, &step.referral, version + 1, before, was, now);
            for entry in &step.audit {
                insert_audit!(tx, entry);
            }
            insert_events!(tx, &step.outbox);
            let settled: Option<(i64, domain::plan::Plan)> =
                steps.last().map(|(event, plan)| (event.version, plan.clone()));
            (step.referral, settled)
        });
        if let Some((version, plan)) = settled {
            self.parsed.plans.put(plan.id.0, version, Arc::new(plan));
        }
        self.forget(crate::memory::Reference::Finder);
        Ok(Ok(referral))
    }

    async fn referral(&self, id: ReferralId) -> StoreResult<Option<StoredReferral>> {
        let row: Option<(String, i64)> =
            self.read_optional("SELECT state, version FROM referral WHERE id = $1", params![id.0]).await?;
        row.map(|(state, version)| Ok(StoredReferral { referral: parse_referral(&state)?, version })).transpose()
    }

    async fn referrals(&self, query: &ReferralQuery, skip: u32) -> StoreResult<Vec<(ReferralListing, String)>> {
        let (sql, binds) = listing_sql(query, skip);
        let rows: Vec<ListingRow> = self.read_all(&sql, &binds).await?;
        rows.into_iter().map(listing).collect()
    }

    async fn queue_position(&self, id: ReferralId) -> StoreResult<Option<u32>> {
        let sql = "SELECT count(*) FROM referral r JOIN referral me ON me.intervention_id = r.intervention_id \
                   WHERE me.id = $1 AND me.status IN ('accepted', 'waiting') AND r.status IN ('accepted', 'waiting') \
                   AND (r.queued_at < me.queued_at OR (r.queued_at = me.queued_at AND r.id <= me.id))";
        let row: Option<(i64,)> = self.read_optional(sql, params![id.0]).await?;
        Ok(row.and_then(|(n,)| u32::try_from(n).ok()).filter(|n| *n > 0))
    }

    async fn record_unmet(&self, need: &UnmetNeed, audit: &AuditEntry) -> StoreResult<()> {
        let month = format!("{:04}-{:02}", need.on.year(), need.on.month());
        in_tx!(self, tx => {
            sqlx::query(
                "INSERT INTO unmet_need (person_id, need, area, reason, on_date, month, at, member_id, agency_id) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(need.person.0)
            .bind(need.need.as_str())
            .bind(&need.area)
            .bind(need.reason.code())
            .bind(Day(need.on))
            .bind(&month)
            .bind(Instant(need.at))
            .bind(need.by.0)
            .bind(need.agency.0)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
            insert_audit!(tx, audit);
        });
        Ok(())
    }

    async fn unmet_counts(&self, from: Date, to: Date) -> StoreResult<BTreeMap<UnmetKey, u32>> {
        let sql = "SELECT need, area, month, reason, count(*) FROM unmet_need WHERE on_date >= $1 AND on_date <= $2 \
                   GROUP BY need, area, month, reason";
        let rows: Vec<(String, String, String, String, i64)> = self.read_all(sql, params![Day(from), Day(to)]).await?;
        rows.into_iter()
            .map(|(need, area, month, reason, count)| {
                let reason = UnmetReason::parse(&reason).ok_or_else(|| corrupt("unmet_need", &reason))?;
                Ok((UnmetKey { need, area, month, reason }, u32::try_from(count).unwrap_or(u32::MAX)))
            })
            .collect()
    }
}
