//! The measures (exclusion orders, area bans, episodes, groups): each kept whole as JSON of the
//! domain value with a version against lost updates, the people it concerns indexed in
//! `measure_person` (rewritten on every save), and an append-only history in `measure_event`.
//! Also "my tasks" (`TaskListStore`, the port of `domain::measures::service::tasks`): plan
//! tasks and the help tasks of exclusion orders in one list, read here because measures
//! depend on plans and not the other way round.

use crate::audit::insert_audit;
use crate::notifications::insert_events;
use crate::read::params;
use crate::team_writes::insert_team_entries;
use crate::types::{Day, Instant};
use crate::versioned::save_versioned;
use crate::{Store, corrupt, db_error, in_tx, to_json};
use domain::audit::AuditEntry;
use domain::ids::{AgencyId, PersonId, TaskId};
use domain::measures::ExclusionOrder;
use domain::measures::ports::{Measure, MeasureEvent, MeasureStore, Stored, TaskHolders, TaskListStore};
use domain::notifications::Event;
use domain::plan::ports::{PageRequest, TaskOwner};
use domain::ports::StoreResult;
use jiff::civil::Date;
use uuid::Uuid;

/// state, version
type MeasureRow = (String, i64);

fn parse<M: Measure>(rows: Vec<MeasureRow>) -> StoreResult<Vec<Stored<M>>> {
    rows.into_iter()
        .map(|(state, version)| {
            let value = serde_json::from_str(&state).map_err(|e| corrupt(M::KIND, e))?;
            Ok(Stored { value, version })
        })
        .collect()
}

fn status<M: Measure>(value: &M) -> &'static str {
    if value.is_open() { "open" } else { "ended" }
}

impl MeasureStore for Store {
    async fn save_measure<M: Measure>(
        &self,
        value: &M,
        event: &MeasureEvent,
        audit: &[AuditEntry],
        outbox: &[Event],
    ) -> StoreResult<()> {
        let state = to_json(value)?;
        let id = value.measure_id();
        in_tx!(self, tx => {
            save_versioned!(tx, "measure", id: id, version: event.version,
                key { kind: M::KIND },
                insert { subject_id: value.subject().map(|p| p.0), created_at: Instant(event.at) },
                set { status: status(value), state: &state, updated_at: Instant(event.at) });
            if event.version != 1 {
                for table in ["DELETE FROM measure_person WHERE measure_id = $1", "DELETE FROM measure_task WHERE measure_id = $1"] {
                    sqlx::query(table).bind(id).execute(&mut *tx).await.map_err(db_error)?;
                }
            }
            let mut people = value.people();
            people.sort();
            people.dedup();
            for person in people {
                sqlx::query("INSERT INTO measure_person (measure_id, person_id) VALUES ($1, $2)")
                    .bind(id)
                    .bind(person.0)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
            }
            for task in &event.tasks {
                sqlx::query(
                    "INSERT INTO measure_task (task_id, measure_id, person_id, owner_agency, due) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(task.task.0)
                .bind(id)
                .bind(task.person.0)
                .bind(task.owner.0)
                .bind(Day(task.due))
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
            }
            sqlx::query(
                "INSERT INTO measure_event (measure_id, version, change, at, member_id, agency_id, state) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(id)
            .bind(event.version)
            .bind(event.change)
            .bind(Instant(event.at))
            .bind(*event.member.as_uuid())
            .bind(*event.agency.as_uuid())
            .bind(&state)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
            insert_team_entries!(tx, &event.team);
            for entry in audit {
                insert_audit!(tx, entry);
            }
            insert_events!(tx, outbox);
        });
        Ok(())
    }

    async fn measure<M: Measure>(&self, id: Uuid) -> StoreResult<Option<Stored<M>>> {
        let sql = "SELECT state, version FROM measure WHERE id = $1 AND kind = $2";
        let row: Option<MeasureRow> = self.read_optional(sql, params![id, M::KIND]).await?;
        Ok(parse(row.into_iter().collect())?.pop())
    }

    async fn measures_about<M: Measure>(&self, person: PersonId) -> StoreResult<Vec<Stored<M>>> {
        let sql = "SELECT m.state, m.version FROM measure m JOIN measure_person mp ON mp.measure_id = m.id \
                   WHERE mp.person_id = $1 AND m.kind = $2 ORDER BY m.created_at, m.id";
        let rows: Vec<MeasureRow> = self.read_all(sql, params![*person.as_uuid(), M::KIND]).await?;
        parse(rows)
    }

    async fn open_measures_for_agency<M: Measure>(&self, agency: AgencyId, today: Date) -> StoreResult<Vec<Stored<M>>> {
        let sql = "SELECT m.state, m.version FROM measure m WHERE m.kind = $1 AND m.status = 'open' AND EXISTS (\
                   SELECT 1 FROM team_entry te WHERE te.person_id = m.subject_id AND te.agency_id = $2 \
                   AND te.ended_at IS NULL AND (te.consent_expires_on IS NULL OR te.consent_expires_on >= $3)) \
                   ORDER BY m.created_at, m.id";
        let rows: Vec<MeasureRow> = self.read_all(sql, params![M::KIND, *agency.as_uuid(), Day(today)]).await?;
        parse(rows)
    }

    async fn measures_of_kind<M: Measure>(&self) -> StoreResult<Vec<Stored<M>>> {
        let sql = "SELECT state, version FROM measure WHERE kind = $1 ORDER BY created_at, id";
        let rows: Vec<MeasureRow> = self.read_all(sql, params![M::KIND]).await?;
        parse(rows)
    }
}

/// "My tasks" reads plan tasks and the help tasks of exclusion orders in one order.
impl TaskListStore for Store {
    async fn tasks_of(&self, owner: TaskOwner, page: PageRequest) -> StoreResult<TaskHolders> {
        // Read along the (owner, due, task_id) indexes of plan tasks and of help tasks of
        // orders in force, merged in that order: the page and one more task (to tell whether
        // another page follows). Help tasks have no member.
        let offset = i64::try_from(page.offset).unwrap_or(i64::MAX);
        let wanted = i64::from(page.limit) + 1;
        let through = offset.saturating_add(wanted);
        let mut found: Vec<(Uuid, i32, Uuid)> = match owner {
            TaskOwner::Agency(agency) => {
                // Each side stops at the end of the page along its own index before the merge:
                // ordering the union itself sorted every task of the agency (150,000 at
                // national scale).
                // The limits are written into the statement: with them as parameters, SQLite
                // prepared this compound statement afresh on every run (a bound LIMIT expires
                // it), a tenth of the page's time. One statement per page number is cached.
                let sql = format!(
                    "SELECT holder, plan, task_id FROM (\
                     SELECT * FROM (SELECT plan_id AS holder, 1 AS plan, due, task_id FROM plan_task \
                     WHERE owner_agency = $1 ORDER BY due, task_id LIMIT {through}) AS plan_side \
                     UNION ALL \
                     SELECT * FROM (SELECT t.measure_id, 0, t.due, t.task_id FROM measure_task t \
                     JOIN measure m ON m.id = t.measure_id WHERE t.owner_agency = $1 AND m.status = 'open' \
                     ORDER BY t.due, t.task_id LIMIT {through}) AS order_side) AS owned \
                     ORDER BY due, task_id LIMIT {wanted} OFFSET {offset}"
                );
                self.read_all(&sql, params![*agency.as_uuid()]).await?
            }
            TaskOwner::Member(member) => {
                let sql = "SELECT plan_id AS holder, 1 AS plan, task_id FROM plan_task WHERE owner_member = $1 \
                           ORDER BY due, task_id LIMIT $2 OFFSET $3";
                self.read_all(sql, params![*member.as_uuid(), wanted, offset]).await?
            }
        };
        let more = found.len() > page.limit as usize;
        found.truncate(page.limit as usize);
        let tasks = found.iter().map(|(_, _, task)| TaskId::from_uuid(*task)).collect();
        let mut seen = std::collections::HashSet::new();
        let (plans, orders): (Vec<_>, Vec<_>) =
            found.into_iter().filter(|(id, _, _)| seen.insert(*id)).partition(|(_, plan, _)| *plan == 1);
        let plans = self.plans_by_ids(plans.into_iter().map(|(id, _, _)| id).collect()).await?;
        let mut held = Vec::with_capacity(orders.len());
        for (id, _, _) in orders {
            if let Some(stored) = MeasureStore::measure::<ExclusionOrder>(self, id).await? {
                held.push(stored.value);
            }
        }
        Ok(TaskHolders { tasks, plans, orders: held, more })
    }
}
