//! The measures (exclusion orders, area bans, episodes, groups): each kept whole as JSON of the
//! domain value with a version against lost updates, the people it concerns indexed in
//! `measure_person` (rewritten on every save), and an append-only history in `measure_event`.

use crate::audit::insert_audit;
use crate::notifications::insert_events;
use crate::read::params;
use crate::types::{Day, Instant};
use crate::versioned::save_versioned;
use crate::{Store, corrupt, db_error, in_tx, to_json};
use domain::audit::AuditEntry;
use domain::ids::{AgencyId, PersonId};
use domain::measures::ports::{Measure, MeasureEvent, MeasureStore, Stored};
use domain::notifications::Event;
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
