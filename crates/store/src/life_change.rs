//! The Life Change programme (`domain::mentoring::ports::LifeChangeStore`): cohorts as JSON of
//! the domain value, participants, the append-only register and pipeline, and a person's
//! proven offences read from the offence record when their identifiers link them to exactly
//! one of its persons (the same rule as the what-works link report: never guessed).

use crate::audit::insert_audit;
use crate::read::params;
use crate::types::{Day, Instant};
use crate::{Store, corrupt, db_error, in_tx, to_json};
use domain::audit::AuditEntry;
use domain::ids::{AgencyId, MemberId, PersonId};
use domain::mentoring::model::life_change::{
    Attendance, LifeChangeCohort, OffenceRecord, Participant, PipelineStage, PipelineStep,
};
use domain::mentoring::ports::LifeChangeStore;
use domain::ports::StoreResult;
use std::collections::BTreeSet;
use uuid::Uuid;

fn cohorts(states: Vec<(String,)>) -> StoreResult<Vec<LifeChangeCohort>> {
    states.iter().map(|(s,)| serde_json::from_str(s).map_err(|e| corrupt("life change cohort", e))).collect()
}

impl LifeChangeStore for Store {
    async fn save_cohort(&self, cohort: &LifeChangeCohort, audit: &[AuditEntry]) -> StoreResult<()> {
        let state = to_json(cohort)?;
        in_tx!(self, tx => {
            sqlx::query("INSERT INTO life_change_cohort (id, agency_id, starts_on, state) VALUES ($1, $2, $3, $4)")
                .bind(cohort.id)
                .bind(cohort.agency.0)
                .bind(Day(cohort.starts_on))
                .bind(&state)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
            for entry in audit {
                insert_audit!(tx, entry);
            }
        });
        Ok(())
    }

    async fn cohort(&self, id: Uuid) -> StoreResult<Option<LifeChangeCohort>> {
        let rows = self.read_all("SELECT state FROM life_change_cohort WHERE id = $1", params![id]).await?;
        Ok(cohorts(rows)?.pop())
    }

    async fn cohorts_of_agency(&self, agency: AgencyId) -> StoreResult<Vec<LifeChangeCohort>> {
        let sql = "SELECT state FROM life_change_cohort WHERE agency_id = $1 ORDER BY starts_on DESC, id DESC";
        cohorts(self.read_all(sql, params![agency.0]).await?)
    }

    async fn cohorts_of_person(&self, person: PersonId) -> StoreResult<Vec<LifeChangeCohort>> {
        let sql = "SELECT c.state FROM life_change_cohort c JOIN life_change_participant p ON p.cohort_id = c.id \
                   WHERE p.person_id = $1 ORDER BY c.starts_on, c.id";
        cohorts(self.read_all(sql, params![person.0]).await?)
    }

    async fn add_participant(&self, participant: &Participant, audit: &[AuditEntry]) -> StoreResult<()> {
        in_tx!(self, tx => {
            sqlx::query(
                "INSERT INTO life_change_participant (cohort_id, person_id, enrolled_by, enrolled_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (cohort_id, person_id) DO NOTHING",
            )
            .bind(participant.cohort)
            .bind(participant.person.0)
            .bind(participant.enrolled_by.0)
            .bind(Instant(participant.enrolled_at))
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
            for entry in audit {
                insert_audit!(tx, entry);
            }
        });
        Ok(())
    }

    async fn participants(&self, cohort: Uuid) -> StoreResult<Vec<Participant>> {
        let sql = "SELECT person_id, enrolled_by, enrolled_at FROM life_change_participant \
                   WHERE cohort_id = $1 ORDER BY enrolled_at, person_id";
        let rows: Vec<(Uuid, Uuid, Instant)> = self.read_all(sql, params![cohort]).await?;
        Ok(rows
            .into_iter()
            .map(|(person, by, at)| Participant {
                cohort,
                person: PersonId(person),
                enrolled_by: MemberId(by),
                enrolled_at: at.0,
            })
            .collect())
    }

    async fn record_attendance(&self, entries: &[Attendance], audit: &[AuditEntry]) -> StoreResult<()> {
        in_tx!(self, tx => {
            for entry in entries {
                sqlx::query(
                    "INSERT INTO life_change_attendance (cohort_id, appointment_id, person_id, attended, recorded_by, recorded_at) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(entry.cohort)
                .bind(entry.appointment)
                .bind(entry.person.0)
                .bind(entry.attended)
                .bind(entry.recorded_by.0)
                .bind(Instant(entry.recorded_at))
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
            }
            for entry in audit {
                insert_audit!(tx, entry);
            }
        });
        Ok(())
    }

    async fn attendance(&self, cohort: Uuid) -> StoreResult<Vec<Attendance>> {
        let sql = "SELECT appointment_id, person_id, attended, recorded_by, recorded_at FROM life_change_attendance \
                   WHERE cohort_id = $1 ORDER BY recorded_at";
        let rows: Vec<(Uuid, Uuid, bool, Uuid, Instant)> = self.read_all(sql, params![cohort]).await?;
        Ok(rows
            .into_iter()
            .map(|(appointment, person, attended, by, at)| Attendance {
                cohort,
                appointment,
                person: PersonId(person),
                attended,
                recorded_by: MemberId(by),
                recorded_at: at.0,
            })
            .collect())
    }

    async fn add_pipeline_step(&self, step: &PipelineStep, audit: &[AuditEntry]) -> StoreResult<()> {
        in_tx!(self, tx => {
            sqlx::query(
                "INSERT INTO life_change_pipeline (id, agency_id, person_id, cohort_id, stage, member_id, on_date, by_member, at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(step.id)
            .bind(step.agency.0)
            .bind(step.person.0)
            .bind(step.cohort)
            .bind(step.stage.code())
            .bind(step.member.map(|m| m.0))
            .bind(Day(step.on))
            .bind(step.by.0)
            .bind(Instant(step.at))
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
            for entry in audit {
                insert_audit!(tx, entry);
            }
        });
        Ok(())
    }

    async fn pipeline_steps(&self, agency: AgencyId) -> StoreResult<Vec<PipelineStep>> {
        // Steps taken in the same instant (ids of one millisecond are not ordered) keep the
        // pipeline's own order, so the newest step is the furthest one.
        let sql = "SELECT id, person_id, cohort_id, stage, member_id, on_date, by_member, at FROM life_change_pipeline \
                   WHERE agency_id = $1 \
                   ORDER BY at, CASE stage WHEN 'invited' THEN 1 WHEN 'in_training' THEN 2 ELSE 3 END, id";
        type Row = (Uuid, Uuid, Uuid, String, Option<Uuid>, Day, Uuid, Instant);
        let rows: Vec<Row> = self.read_all(sql, params![agency.0]).await?;
        rows.into_iter()
            .map(|(id, person, cohort, stage, member, on, by, at)| {
                Ok(PipelineStep {
                    id,
                    agency,
                    person: PersonId(person),
                    cohort,
                    stage: PipelineStage::parse(&stage)
                        .ok_or_else(|| corrupt("life change pipeline", format!("stage {stage}")))?,
                    member: member.map(MemberId),
                    on: on.0,
                    by: MemberId(by),
                    at: at.0,
                })
            })
            .collect()
    }

    async fn offence_record(&self, person: PersonId) -> StoreResult<OffenceRecord> {
        let sql = "SELECT DISTINCT i.value FROM person_identifier i JOIN evidence_person e ON e.source_id = i.value \
                   WHERE i.person_id = $1";
        let sources: BTreeSet<String> =
            self.read_all::<(String,)>(sql, params![person.0]).await?.into_iter().map(|(s,)| s).collect();
        let mut sources = sources.into_iter();
        let (Some(source), None) = (sources.next(), sources.next()) else { return Ok(OffenceRecord::NotLinked) };
        let sql = "SELECT count(DISTINCT person_id) FROM person_identifier WHERE value = $1";
        let (sharing,): (i64,) = self.read_optional(sql, params![&source]).await?.unwrap_or((0,));
        if sharing != 1 {
            return Ok(OffenceRecord::NotLinked);
        }
        let sql = "SELECT o.offence_date, o.outcome FROM evidence_offence_by_person b \
                   JOIN evidence_offence o ON o.source_id = b.source_id WHERE b.person_id = $1";
        let rows: Vec<(Day, String)> = self.read_all(sql, params![&source]).await?;
        let proven_offences = rows
            .into_iter()
            .filter(|(_, outcome)| {
                ::evidence::dataset::Outcome::parse(outcome.as_bytes()).is_some_and(|o| o.is_proven())
            })
            .map(|(on, _)| on.0)
            .collect();
        Ok(OffenceRecord::Linked { proven_offences })
    }
}
