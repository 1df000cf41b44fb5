//! Screenings "beyond the case": one row per screening, one per scored life domain.

use crate::audit::insert_audit;
use crate::read::params;
use crate::types::{Day, Instant};
use crate::{Store, db_error, in_tx, on_db};
use domain::audit::AuditEntry;
use domain::ids::{AgencyId, CaseId, MemberId, PersonId, ScreeningId};
use domain::jurisdiction::DomainKey;
use domain::ports::{StoreError, StoreResult};
use domain::screening::ports::ScreeningStore;
use domain::screening::{DomainScore, ReferralReason, Screening, ScreeningReferral};
use jiff::civil::Date;
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
            // The screening answers every referral of the person still waiting for one.
            sqlx::query("UPDATE screening_referral SET screening_id = $1 WHERE person_id = $2 AND screening_id IS NULL")
                .bind(screening.id.0)
                .bind(screening.person.0)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
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
                person: PersonId(row.person_id),
                screened_on: row.screened_on.0,
                screened_by: MemberId(row.screened_by),
                agency: AgencyId(row.agency_id),
                scores: by_screening.remove(&row.id).unwrap_or_default(),
            })
            .collect())
    }

    async fn latest_screening(&self, person: PersonId) -> StoreResult<Option<Screening>> {
        // One statement on the direct read path: the finder asks this on every request.
        let sql = "SELECT sc.id, sc.screened_on, sc.screened_by, sc.agency_id, s.domain, s.score, s.note, s.source \
                   FROM screening sc JOIN screening_score s ON s.screening_id = sc.id \
                   WHERE sc.id = (SELECT l.id FROM screening l WHERE l.person_id = $1 \
                   ORDER BY l.screened_on DESC, l.id DESC LIMIT 1)";
        type Row = (Uuid, Day, Uuid, Uuid, String, i64, String, String);
        let rows: Vec<Row> = self.read_all(sql, params![*person.as_uuid()]).await?;
        let mut latest: Option<Screening> = None;
        for (id, screened_on, by, agency, domain, score, note, source) in rows {
            let score = u8::try_from(score)
                .ok()
                .and_then(domain::screening::Score::from_stored)
                .ok_or_else(|| StoreError::Database(format!("stored screening score {score} cannot be read")))?;
            let screening = latest.get_or_insert_with(|| Screening {
                id: ScreeningId(id),
                person,
                screened_on: screened_on.0,
                screened_by: MemberId(by),
                agency: AgencyId(agency),
                scores: BTreeMap::new(),
            });
            screening.scores.insert(DomainKey(domain), DomainScore { score, note, source });
        }
        Ok(latest)
    }

    async fn open_referrals(&self, person: PersonId) -> StoreResult<Vec<ScreeningReferral>> {
        let sql = concat!(
            "SELECT r.person_id, r.case_id, r.location, r.reason, r.advice, r.signals, r.referred_at, r.referred_by ",
            "FROM screening_referral r WHERE r.person_id = $1 AND r.screening_id IS NULL ORDER BY r.referred_at, r.id"
        );
        let rows: Vec<ReferralRow> =
            on_db!(self, pool => sqlx::query_as(sql).bind(*person.as_uuid()).fetch_all(pool).await)
                .map_err(db_error)?;
        rows.into_iter().map(ReferralRow::into_referral).collect()
    }

    async fn waiting_referrals(
        &self,
        agency: AgencyId,
        today: Date,
        limit: u32,
    ) -> StoreResult<Vec<ScreeningReferral>> {
        let sql = concat!(
            "SELECT r.person_id, r.case_id, r.location, r.reason, r.advice, r.signals, r.referred_at, r.referred_by ",
            "FROM screening_referral r WHERE r.screening_id IS NULL \
             AND EXISTS (SELECT 1 FROM team_entry te WHERE te.person_id = r.person_id AND te.agency_id = $1 \
             AND te.ended_at IS NULL AND (te.consent_expires_on IS NULL OR te.consent_expires_on >= $2)) \
             ORDER BY r.referred_at, r.id LIMIT $3"
        );
        let rows: Vec<ReferralRow> = on_db!(self, pool => sqlx::query_as(sql)
            .bind(*agency.as_uuid())
            .bind(Day(today))
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await)
        .map_err(db_error)?;
        rows.into_iter().map(ReferralRow::into_referral).collect()
    }
}

#[derive(sqlx::FromRow)]
struct ReferralRow {
    person_id: Uuid,
    case_id: Uuid,
    location: String,
    reason: String,
    advice: Option<String>,
    signals: String,
    referred_at: Instant,
    referred_by: Uuid,
}

impl ReferralRow {
    fn into_referral(self) -> StoreResult<ScreeningReferral> {
        let unreadable = |what: &str| StoreError::Database(format!("stored screening referral {what} cannot be read"));
        Ok(ScreeningReferral {
            person: PersonId::from_uuid(self.person_id),
            case: CaseId::from_uuid(self.case_id),
            location: self.location,
            reason: ReferralReason::parse(&self.reason).ok_or_else(|| unreadable("reason"))?,
            advice: match self.advice {
                Some(advice) => {
                    Some(serde_json::from_value(serde_json::Value::String(advice)).map_err(|_| unreadable("advice"))?)
                }
                None => None,
            },
            signals: serde_json::from_str(&self.signals).map_err(|_| unreadable("signals"))?,
            referred_at: self.referred_at.0,
            referred_by: MemberId::from_uuid(self.referred_by),
        })
    }
}

/// Upserts the referrals a ZSM case write gives rise to, in that write's transaction: one row
/// per case and reason, refreshed while no screening has answered it yet.
macro_rules! upsert_screening_referrals {
    ($tx:ident, $at:expr, $referrals:expr) => {{
        for referral in $referrals {
            let referral: &domain::screening::ScreeningReferral = referral;
            let signals = $crate::to_json(&referral.signals)?;
            let advice =
                referral.advice.and_then(|a| serde_json::to_value(a).ok()).and_then(|v| v.as_str().map(str::to_owned));
            sqlx::query(
                "INSERT INTO screening_referral (id, person_id, case_id, location, reason, advice, signals, \
                 referred_at, referred_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                 ON CONFLICT (case_id, reason) DO UPDATE SET advice = excluded.advice, signals = excluded.signals, \
                 referred_at = excluded.referred_at, referred_by = excluded.referred_by \
                 WHERE screening_referral.screening_id IS NULL",
            )
            .bind(domain::ids::new_v7($at))
            .bind(*referral.person.as_uuid())
            .bind(referral.case.as_uuid())
            .bind(&referral.location)
            .bind(referral.reason.as_str())
            .bind(advice)
            .bind(signals)
            .bind(Instant(referral.referred_at))
            .bind(*referral.referred_by.as_uuid())
            .execute(&mut *$tx)
            .await
            .map_err(db_error)?;
        }
    }};
}
pub(crate) use upsert_screening_referrals;

impl Store {
    /// Every referral of the person, answered or not, oldest first (for the subject-access export).
    pub(crate) async fn referrals_of_person(&self, person: PersonId) -> StoreResult<Vec<ScreeningReferral>> {
        let sql = concat!(
            "SELECT r.person_id, r.case_id, r.location, r.reason, r.advice, r.signals, r.referred_at, r.referred_by ",
            "FROM screening_referral r WHERE r.person_id = $1 ORDER BY r.referred_at, r.id"
        );
        let rows: Vec<ReferralRow> =
            on_db!(self, pool => sqlx::query_as(sql).bind(*person.as_uuid()).fetch_all(pool).await)
                .map_err(db_error)?;
        rows.into_iter().map(ReferralRow::into_referral).collect()
    }
}
