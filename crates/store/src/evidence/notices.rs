//! The team's cohort-changes list (`domain::cohort::ports::CohortNoticeStore`): entries written
//! by [`super::notify`], read per agency on the person's team, acknowledged per agency.

use crate::audit::insert_audit;
use crate::read::read_row_struct;
use crate::types::{Day, Instant};
use crate::{Store, db_error, in_tx, on_db};
use domain::audit::AuditEntry;
use domain::cohort::ports::CohortNoticeStore;
use domain::cohort::{CohortMove, CohortNotice};
use domain::ids::{AgencyId, CohortNoticeId, MemberId, PersonId};
use domain::ports::{StoreError, StoreResult};
use jiff::Timestamp;
use jiff::civil::Date;
use uuid::Uuid;

read_row_struct! {
    /// The columns of `COLUMNS`, in order.
    struct NoticeRow {
        id: Uuid,
        person_id: Uuid,
        rule_name: String,
        on_date: Day,
        change: String,
        created_at: Instant,
    }
}

const COLUMNS: &str = "n.id, n.person_id, n.rule_name, n.on_date, n.change, n.created_at";

fn notice(row: NoticeRow) -> StoreResult<CohortNotice> {
    Ok(CohortNotice {
        id: CohortNoticeId(row.id),
        person: PersonId::from_uuid(row.person_id),
        rule: row.rule_name,
        on: row.on_date.0,
        change: CohortMove::parse(&row.change).ok_or_else(|| crate::corrupt("cohort change", row.change))?,
        created_at: row.created_at.0,
    })
}

impl CohortNoticeStore for Store {
    async fn cohort_notices_for(&self, agency: AgencyId, today: Date, limit: u32) -> StoreResult<Vec<CohortNotice>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM evidence_cohort_notice n WHERE EXISTS (SELECT 1 FROM team_entry te \
             WHERE te.person_id = n.person_id AND te.agency_id = $1 AND te.ended_at IS NULL \
             AND (te.consent_expires_on IS NULL OR te.consent_expires_on >= $2)) \
             AND NOT EXISTS (SELECT 1 FROM evidence_cohort_notice_ack a WHERE a.notice_id = n.id AND a.agency_id = $1) \
             ORDER BY n.created_at DESC, n.id DESC LIMIT $3"
        ));
        let rows: Vec<NoticeRow> = on_db!(self, pool => {
            sqlx::query_as(sql).bind(agency.as_uuid()).bind(Day(today)).bind(i64::from(limit)).fetch_all(pool).await
        })
        .map_err(db_error)?;
        rows.into_iter().map(notice).collect()
    }

    async fn cohort_notice(&self, id: CohortNoticeId) -> StoreResult<Option<CohortNotice>> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM evidence_cohort_notice n WHERE n.id = $1"));
        let row: Option<NoticeRow> =
            on_db!(self, pool => sqlx::query_as(sql).bind(id.0).fetch_optional(pool).await).map_err(db_error)?;
        row.map(notice).transpose()
    }

    async fn acknowledge_cohort_notice(
        &self,
        id: CohortNoticeId,
        agency: AgencyId,
        member: MemberId,
        at: Timestamp,
        audit: &AuditEntry,
    ) -> StoreResult<()> {
        in_tx!(self, tx => {
            sqlx::query(
                "INSERT INTO evidence_cohort_notice_ack (notice_id, agency_id, member_id, at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (notice_id, agency_id) DO NOTHING",
            )
            .bind(id.0)
            .bind(agency.as_uuid())
            .bind(member.as_uuid())
            .bind(Instant(at))
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
            insert_audit!(tx, audit);
        });
        Ok::<(), StoreError>(())
    }
}
