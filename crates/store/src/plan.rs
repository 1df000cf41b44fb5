//! The shared plan: its current state (JSON of the domain's `Plan`) with a version against lost
//! updates, the append-only history (one row per change: the change, and now and then the whole
//! plan; `plan/history.rs`), and an index of outstanding tasks for the task lists, rewritten from
//! the plan on every save.

pub(crate) mod history;

use crate::audit::insert_audit;
use crate::notifications::insert_events;
use crate::read::{Param, params, read_row_struct};
use crate::types::{Day, Instant};
use crate::{Store, corrupt, in_list, in_list_from, in_tx, to_json};
use domain::audit::AuditEntry;
use domain::ids::{AgencyId, MemberId, PersonId, PlanId};
use domain::plan::Plan;
use domain::plan::ports::{PageRequest, PlanEvent, PlanStep, PlanStore, ReviewPlans, StoredPlan, command_name};
use domain::ports::StoreResult;
use jiff::civil::Date;
use std::collections::HashMap;
use std::sync::Arc;
use uuid::Uuid;

read_row_struct! {
    /// A row of a plan's history, with the plan's person.
    struct EventRow {
        plan_id: Uuid,
        person_id: Uuid,
        version: i64,
        at: Instant,
        on_day: Day,
        member_id: Uuid,
        agency_id: Uuid,
        command: String,
    }
}

/// Statuses on the weekly review (`plan_status_code`), and the running ones among them.
const REVIEWED: &str = "'active', 'continued', 'under_re_evaluation'";
const RUNNING: &str = "'active', 'continued'";

pub(crate) fn parse_plan(text: &str) -> StoreResult<Plan> {
    serde_json::from_str(text).map_err(|e| corrupt("plan", e))
}

/// Writes the history row — the change since the version before, or now and then the whole
/// plan (`history.rs`) — and rewrites the plan's outstanding-task index. `$before` is the
/// plan's JSON as stored at the version before (`None` for a new plan).
macro_rules! write_event_and_tasks {
    ($tx:ident, $plan:expr, $event:expr, $state:expr, $before:expr) => {{
        use $crate::types::{Day, Instant};
        let plan: &domain::plan::Plan = $plan;
        let event: &domain::plan::ports::PlanEvent = $event;
        let state: &str = $state;
        let before: Option<&str> = $before;
        let chain: Option<(i64, i64, i64)> = match before {
            Some(_) => sqlx::query_as($crate::plan::history::CHAIN)
                .bind(plan.id.0)
                .fetch_optional(&mut *$tx)
                .await
                .map_err($crate::db_error)?,
            None => None,
        };
        let stored = $crate::plan::history::stored(before, plan, state, event.version, chain)?;
        let (snapshot, change) = stored.columns();
        sqlx::query(
            "INSERT INTO plan_event (plan_id, version, kind, at, on_day, member_id, agency_id, command, state, change) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(plan.id.0)
        .bind(event.version)
        .bind(event.kind)
        .bind(Instant(event.at))
        .bind(Day(event.on))
        .bind(*event.member.as_uuid())
        .bind(*event.agency.as_uuid())
        .bind($crate::to_json(&event.command)?)
        .bind(snapshot)
        .bind(change)
        .execute(&mut *$tx)
        .await
        .map_err($crate::db_error)?;
        sqlx::query("DELETE FROM plan_task WHERE plan_id = $1")
            .bind(plan.id.0)
            .execute(&mut *$tx)
            .await
            .map_err($crate::db_error)?;
        if !plan.status.has_ended() {
            for task in plan.tasks.iter().filter(|t| t.status.is_outstanding()) {
                sqlx::query(
                    "INSERT INTO plan_task (task_id, plan_id, person_id, owner_agency, owner_member, due) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(task.id.0)
                .bind(plan.id.0)
                .bind(plan.person.0)
                .bind(task.owner.0)
                .bind(task.owner_member.map(|m| m.0))
                .bind(Day(task.due))
                .execute(&mut *$tx)
                .await
                .map_err($crate::db_error)?;
            }
        }
    }};
}

/// Writes one step of a plan inside a transaction: the plan row at the step's version
/// (`save_versioned!`: version 1 inserts it, a later one updates it if the stored version is
/// still the one before, otherwise the transaction ends with `StoreError::Conflict`); then
/// the history row and the task index. The history row is written against the plan as stored
/// before the step: given as `before:` by a caller that read it in the same transaction, read
/// here otherwise.
macro_rules! write_plan_step {
    ($tx:ident, $plan:expr, $event:expr, $state:expr) => {{
        let plan: &domain::plan::Plan = $plan;
        let event: &domain::plan::ports::PlanEvent = $event;
        let before: Option<String> = if event.version > 1 {
            sqlx::query_scalar("SELECT state FROM plan WHERE id = $1")
                .bind(plan.id.0)
                .fetch_optional(&mut *$tx)
                .await
                .map_err($crate::db_error)?
        } else {
            None
        };
        $crate::plan::write_plan_step!($tx, plan, event, $state, before: before.as_deref());
    }};
    ($tx:ident, $plan:expr, $event:expr, $state:expr, before: $before:expr) => {{
        use $crate::types::{Day, Instant};
        let plan: &domain::plan::Plan = $plan;
        let event: &domain::plan::ports::PlanEvent = $event;
        let state: &str = $state;
        $crate::versioned::save_versioned!($tx, "plan", id: plan.id.0, version: event.version,
            insert {
                person_id: plan.person.0,
                started_on: Day(plan.started_on),
                created_at: Instant(event.at),
                created_by: *event.member.as_uuid(),
            },
            set {
                status: domain::plan::service::plan_status_code(&plan.status),
                state: state,
                updated_at: Instant(event.at),
                re_evaluation_on: plan.re_evaluation_on.map(Day),
            });
        $crate::plan::write_event_and_tasks!($tx, plan, event, state, $before);
    }};
}

pub(crate) use write_event_and_tasks;
pub(crate) use write_plan_step;

/// A plan as it was at an instant: its id, the version it was at (`target`), its version now,
/// and — when those differ — one row of its history from the snapshot it is read from on
/// (version, state, change); a row per history row.
type AsOfRow = (Uuid, i64, i64, Option<i64>, Option<String>, Option<String>);

/// The rows of `AsOfRow` for the plans whose ids are bound at `ids` and the instant at `$1`.
/// The versions they were at are the last history rows at or before the instant; each is read
/// from the nearest snapshot at or before it (the partial index `plan_event_snapshot`).
fn as_of_sql(ids: &str) -> String {
    format!(
        "WITH t AS (SELECT plan_id, max(version) AS target FROM plan_event \
           WHERE plan_id IN ({ids}) AND at <= $1 GROUP BY plan_id), \
         r AS (SELECT t.plan_id, t.target, p.version AS now, (SELECT max(s.version) FROM plan_event s \
           WHERE s.plan_id = t.plan_id AND s.version <= t.target AND s.state IS NOT NULL) AS base \
           FROM t JOIN plan p ON p.id = t.plan_id) \
         SELECT r.plan_id, r.target, r.now, e.version, e.state, e.change FROM r \
         LEFT JOIN plan_event e ON r.target <> r.now AND e.plan_id = r.plan_id \
           AND e.version >= r.base AND e.version <= r.target \
         ORDER BY r.plan_id, e.version"
    )
}

/// The plan at `target` from its history rows (version, state, change), a snapshot first.
fn replayed(chain: Vec<(Option<i64>, Option<String>, Option<String>)>, target: i64) -> StoreResult<Plan> {
    if chain.last().and_then(|row| row.0) != Some(target) {
        return Err(corrupt("plan history", format!("no snapshot to read version {target} from")));
    }
    history::replay(
        chain.iter().map(|(version, state, change)| (version.unwrap_or_default(), state.as_deref(), change.as_deref())),
    )
}

impl Store {
    /// The plan `id` at `version`, from its history.
    async fn plan_at_version(&self, id: Uuid, version: i64) -> StoreResult<Plan> {
        let sql = "SELECT version, state, change FROM plan_event WHERE plan_id = $1 AND version <= $2 \
                   AND version >= (SELECT max(s.version) FROM plan_event s \
                     WHERE s.plan_id = $1 AND s.version <= $2 AND s.state IS NOT NULL) \
                   ORDER BY version";
        let rows: Vec<(i64, Option<String>, Option<String>)> = self.read_all(sql, params![id, version]).await?;
        replayed(rows.into_iter().map(|(v, state, change)| (Some(v), state, change)).collect(), version)
    }

    /// The plans with these ids, in this order, read a few hundred per query.
    pub(crate) async fn plans_by_ids(&self, ids: Vec<Uuid>) -> StoreResult<Vec<Arc<Plan>>> {
        // The versions first, then only the plans not already parsed at that version. Every
        // stored plan has a version from 1: saying so lets SQLite read the versions from the
        // `plan_version` index alone rather than from each plan's row.
        let mut wanted = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let sql = format!("SELECT id, version FROM plan WHERE id IN ({}) AND version >= 1", in_list(chunk.len()));
            let bound: Vec<Param> = chunk.iter().map(|id| Param::Uuid(*id)).collect();
            wanted.extend(self.read_all::<(Uuid, i64)>(&sql, &bound).await?);
        }
        let mut by_id = self.parsed_plans(&wanted).await?;
        Ok(ids.iter().filter_map(|id| by_id.remove(id)).map(|(_, plan)| plan).collect())
    }

    /// Every plan of the person, oldest first (for the subject-access export).
    pub(crate) async fn plans_of_person(&self, person: PersonId) -> StoreResult<Vec<StoredPlan>> {
        let sql = "SELECT id, version FROM plan WHERE person_id = $1 ORDER BY created_at, id";
        let wanted: Vec<(Uuid, i64)> = self.read_all(sql, params![*person.as_uuid()]).await?;
        let mut parsed = self.parsed_plans(&wanted).await?;
        Ok(wanted
            .iter()
            .filter_map(|(id, _)| parsed.remove(id))
            .map(|(version, plan)| StoredPlan { plan: Plan::clone(&plan), version })
            .collect())
    }

    /// Plans at the versions given, parsed once per version (`parsed.rs`).
    async fn parsed_plans(&self, wanted: &[(Uuid, i64)]) -> StoreResult<HashMap<Uuid, (i64, Arc<Plan>)>> {
        self.parsed(
            &self.parsed.plans,
            "plan",
            "id, version, state",
            wanted,
            |(id, version, state): (Uuid, i64, String)| Ok((id, version, parse_plan(&state)?)),
        )
        .await
    }
}

/// The person's latest plan, read inside a write. PostgreSQL locks its row until the commit:
/// a writer that holds it is waited for, and the row is then read as that writer left it. On
/// SQLite the write's transaction already holds the database's one write lock (`BEGIN
/// IMMEDIATE`), and `FOR UPDATE` is not SQLite.
pub(crate) const CURRENT_PLAN_FOR_WRITE: &str =
    "SELECT id, version, state FROM plan WHERE person_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1";
pub(crate) const CURRENT_PLAN_FOR_UPDATE: &str =
    "SELECT id, version, state FROM plan WHERE person_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1 FOR UPDATE";

/// The person's latest plan inside a write's transaction, locked against other writers
/// (`CURRENT_PLAN_FOR_UPDATE`), with its JSON as stored (the `before:` of the step written on
/// it): parsed once per version (`parsed.rs`).
macro_rules! current_plan_for_write {
    ($store:expr, $tx:ident, $person:expr) => {{
        let person: domain::ids::PersonId = $person;
        let sql = $crate::spelled(&*$tx, $crate::plan::CURRENT_PLAN_FOR_WRITE, $crate::plan::CURRENT_PLAN_FOR_UPDATE);
        let row: Option<(uuid::Uuid, i64, String)> =
            sqlx::query_as(sql).bind(*person.as_uuid()).fetch_optional(&mut *$tx).await.map_err($crate::db_error)?;
        match row {
            Some((id, version, state)) => {
                let plan = match $store.parsed.plans.get(id, version) {
                    Some(parsed) => domain::plan::Plan::clone(&parsed),
                    None => $crate::plan::parse_plan(&state)?,
                };
                Some((domain::plan::ports::StoredPlan { plan, version }, state))
            }
            None => None,
        }
    }};
}
pub(crate) use current_plan_for_write;

impl PlanStore for Store {
    /// `write_plan_step!` inserts version 1.
    async fn create_plan(&self, plan: &Plan, event: &PlanEvent, audit: &AuditEntry) -> StoreResult<()> {
        let state = to_json(plan)?;
        in_tx!(self, tx => {
            write_plan_step!(tx, plan, event, &state);
            insert_audit!(tx, audit);
        });
        Ok(())
    }

    async fn change_plan<E, F>(&self, person: PersonId, decide: F) -> StoreResult<Result<Plan, E>>
    where
        E: Send,
        F: FnOnce(Option<StoredPlan>) -> Result<PlanStep, E> + Send,
    {
        let step = in_tx!(self, tx => {
            let (stored, before) = current_plan_for_write!(self, tx, person).unzip();
            // Refused: nothing was written, and dropping the transaction rolls it back.
            let step = match decide(stored) {
                Ok(step) => step,
                Err(refused) => return Ok(Err(refused)),
            };
            let state = to_json(&step.plan)?;
            let before = before.as_deref();
            write_plan_step!(tx, &step.plan, &step.event, &state, before: before);
            insert_audit!(tx, &step.audit);
            insert_events!(tx, &step.outbox);
            step
        });
        self.parsed.plans.put(step.plan.id.0, step.event.version, Arc::new(step.plan.clone()));
        Ok(Ok(step.plan))
    }

    async fn current_plan(&self, person: PersonId) -> StoreResult<Option<StoredPlan>> {
        let sql = "SELECT id, version FROM plan WHERE person_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1";
        let Some((id, version)) = self.read_optional::<(Uuid, i64)>(sql, params![*person.as_uuid()]).await? else {
            return Ok(None);
        };
        let plan = self.parsed_plans(&[(id, version)]).await?.remove(&id);
        Ok(plan.map(|(version, plan)| StoredPlan { plan: Plan::clone(&plan), version }))
    }

    async fn plan_as_of(&self, plan: PlanId, at: jiff::Timestamp) -> StoreResult<Option<Plan>> {
        Ok(self.plans_as_of(&[plan], at).await?.pop().flatten())
    }

    /// A plan still at the version it had at `at` is the plan now, parsed once per version
    /// (`parsed.rs`): on the weekly review, every plan nobody changed for a week. The others are
    /// replayed from their history (`history.rs`).
    async fn plans_as_of(&self, plans: &[PlanId], at: jiff::Timestamp) -> StoreResult<Vec<Option<Plan>>> {
        let mut by_id: HashMap<Uuid, Plan> = HashMap::with_capacity(plans.len());
        let mut current = Vec::new();
        for chunk in plans.chunks(500) {
            // $1 is the instant; the plan ids follow.
            let sql = as_of_sql(&in_list_from(2, chunk.len()));
            let mut bound = vec![Param::Instant(Instant(at))];
            bound.extend(chunk.iter().map(|id| Param::Uuid(id.0)));
            let rows: Vec<AsOfRow> = self.read_all(&sql, &bound).await?;
            let mut rows = rows.into_iter().peekable();
            while let Some((id, target, now, version, state, change)) = rows.next() {
                if target == now {
                    current.push((id, target));
                    continue;
                }
                let mut chain = vec![(version, state, change)];
                while let Some(next) = rows.next_if(|row| row.0 == id) {
                    chain.push((next.3, next.4, next.5));
                }
                by_id.insert(id, replayed(chain, target)?);
            }
        }
        let mut parsed = self.parsed_plans(&current).await?;
        for (id, target) in current {
            let plan = match parsed.remove(&id) {
                Some((version, plan)) if version == target => Plan::clone(&plan),
                // Changed since the versions were read: from the history after all.
                _ => self.plan_at_version(id, target).await?,
            };
            by_id.insert(id, plan);
        }
        Ok(plans.iter().map(|id| by_id.remove(&id.0)).collect())
    }

    async fn plan_history(&self, plan: PlanId) -> StoreResult<Vec<PlanEvent>> {
        let sql = "SELECT e.plan_id, p.person_id, e.version, e.at, e.on_day, e.member_id, e.agency_id, e.command \
                   FROM plan_event e JOIN plan p ON p.id = e.plan_id WHERE e.plan_id = $1 ORDER BY e.version";
        let rows: Vec<EventRow> = self.read_all(sql, params![plan.0]).await?;
        rows.into_iter()
            .map(|row| {
                let command: Option<domain::plan::PlanCommand> =
                    serde_json::from_str(&row.command).map_err(|e| corrupt("plan change", e))?;
                Ok(PlanEvent {
                    plan: PlanId(row.plan_id),
                    person: PersonId::from_uuid(row.person_id),
                    version: row.version,
                    kind: command.as_ref().map_or("drafted", command_name),
                    at: row.at.0,
                    on: row.on_day.0,
                    member: MemberId::from_uuid(row.member_id),
                    agency: AgencyId::from_uuid(row.agency_id),
                    command,
                })
            })
            .collect()
    }

    async fn review_page(
        &self,
        agency: AgencyId,
        today: Date,
        horizon: Date,
        page: PageRequest,
    ) -> StoreResult<ReviewPlans> {
        // Driven by the agency's team entries (an index range), not by every plan in the
        // country; the order is computed from columns and the task index, so only the page's
        // plans are read and parsed.
        // Limits written into the statement, as in `tasks_of`: bound ones made SQLite prepare
        // it afresh on every run.
        let sql = |limit: u64, offset: u64| {
            format!(
                "WITH mine AS (SELECT p.id, p.status, p.re_evaluation_on, \
                   (SELECT count(*) FROM plan_task t WHERE t.plan_id = p.id AND t.due < $2) AS overdue \
                   FROM plan p WHERE p.status IN ({REVIEWED}) AND p.person_id IN (SELECT te.person_id FROM team_entry te \
                   WHERE te.agency_id = $1 AND te.ended_at IS NULL \
                   AND (te.consent_expires_on IS NULL OR te.consent_expires_on >= $2))), \
                 ranked AS (SELECT id, overdue, CAST(CASE WHEN overdue > 0 OR (status IN ({RUNNING}) \
                   AND re_evaluation_on <= $3) THEN 1 ELSE 0 END AS BIGINT) AS attention FROM mine) \
                 SELECT id, count(*) OVER (), CAST(sum(attention) OVER () AS BIGINT) FROM ranked \
                 ORDER BY attention DESC, overdue DESC, id LIMIT {limit} OFFSET {offset}"
            )
        };
        let (agency, today, horizon) = (*agency.as_uuid(), Day(today), Day(horizon));
        let rows: Vec<(Uuid, i64, i64)> =
            self.read_all(&sql(u64::from(page.limit), page.offset), params![agency, today, horizon]).await?;
        let (total, needing_attention) = match rows.first() {
            Some(&(_, total, attention)) => (total, attention),
            // Past the last page: the first row still carries the counts of the whole review.
            None if page.offset > 0 => {
                let first: Option<(Uuid, i64, i64)> =
                    self.read_optional(&sql(1, 0), params![agency, today, horizon]).await?;
                first.map_or((0, 0), |(_, total, attention)| (total, attention))
            }
            None => (0, 0),
        };
        let ids = rows.into_iter().map(|(id, _, _)| id).collect();
        Ok(ReviewPlans {
            plans: self.plans_by_ids(ids).await?,
            total: u64::try_from(total).unwrap_or_default(),
            needing_attention: u64::try_from(needing_attention).unwrap_or_default(),
        })
    }
}
