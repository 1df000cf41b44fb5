//! Screenings "beyond the case": one row per screening, one per scored life domain.

use crate::people::{INSERT_AUDIT, insert_audit};
use crate::types::{Day, Instant};
use crate::{Store, db_error, in_tx, on_db};
use domain::audit::AuditEntry;
use domain::ids::PersonId;
use domain::ids_beyond::{AgencyRef, MemberRef, PersonRef, ScreeningId};
use domain::ports::{StoreError, StoreResult};
use domain::screening::service::ScreeningStore;
use domain::screening::{DomainKey, DomainScore, Screening};
use std::collections::BTreeMap;
use uuid::Uuid;

#[derive(sqlx::FromRow)]
struct ScreeningRow {
    id: Uuid,
    person_id: Uuid,
    screened_on: Day,
    screened_by: Uuid,
    agency_id: Uuid,
}

#[derive(sqlx::FromRow)]
struct ScoreRow {
    screening_id: Uuid,
    domain: String,
    score: i64,
    note: String,
    source: String,
}

impl ScreeningStore for Store {
    async fn add_screening(
        &self,
        screening: &Screening,
        recorded_at: jiff::Timestamp,
        audit: &AuditEntry,
    ) -> StoreResult<()> {
        in_tx!(self, tx => {
            sqlx::query(
                "INSERT INTO screening (id, person_id, screened_on, screened_by, agency_id, recorded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(screening.id.0)
            .bind(screening.person.0)
            .bind(Day(screening.screened_on))
            .bind(screening.screened_by.0)
            .bind(screening.agency.0)
            .bind(Instant(recorded_at))
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
            for (domain, scored) in &screening.scores {
                sqlx::query(
                    "INSERT INTO screening_score (screening_id, domain, score, note, source) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(screening.id.0)
                .bind(domain.as_str())
                .bind(i64::from(scored.score.value()))
                .bind(&scored.note)
                .bind(&scored.source)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
            }
            insert_audit!(tx, audit);
        });
        Ok(())
    }

    async fn screenings(&self, person: PersonId) -> StoreResult<Vec<Screening>> {
        let person = *person.as_uuid();
        let sql = "SELECT id, person_id, screened_on, screened_by, agency_id FROM screening \
                   WHERE person_id = $1 ORDER BY screened_on, id";
        let rows: Vec<ScreeningRow> =
            on_db!(self, pool => sqlx::query_as(sql).bind(person).fetch_all(pool).await).map_err(db_error)?;
        let sql = "SELECT s.screening_id, s.domain, s.score, s.note, s.source FROM screening_score s \
                   JOIN screening sc ON sc.id = s.screening_id WHERE sc.person_id = $1";
        let scores: Vec<ScoreRow> =
            on_db!(self, pool => sqlx::query_as(sql).bind(person).fetch_all(pool).await).map_err(db_error)?;
        let mut by_screening: BTreeMap<Uuid, BTreeMap<DomainKey, DomainScore>> = BTreeMap::new();
        for row in scores {
            let score = u8::try_from(row.score)
                .ok()
                .and_then(domain::screening::Score::from_stored)
                .ok_or_else(|| StoreError::Database(format!("stored screening score {} cannot be read", row.score)))?;
            by_screening
                .entry(row.screening_id)
                .or_default()
                .insert(DomainKey(row.domain), DomainScore { score, note: row.note, source: row.source });
        }
        Ok(rows
            .into_iter()
            .map(|row| Screening {
                id: ScreeningId(row.id),
                person: PersonRef(row.person_id),
                screened_on: row.screened_on.0,
                screened_by: MemberRef(row.screened_by),
                agency: AgencyRef(row.agency_id),
                scores: by_screening.remove(&row.id).unwrap_or_default(),
            })
            .collect())
    }
}
