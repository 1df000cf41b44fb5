//! The append-only audit log. Writes that change a person carry their audit entry into the
//! same transaction (see `people.rs`); reads append here.

use crate::people::append_audit;
use crate::types::Instant;
use crate::{Store, db_error, on_db};
use domain::audit::{AuditEntry, AuditView};
use domain::ids::{AgencyId, AuditId, MemberId, PersonId};
use domain::ports::{AuditLog, StoreError, StoreResult};
use uuid::Uuid;

#[derive(sqlx::FromRow)]
struct AuditRow {
    id: Uuid,
    at: Instant,
    member_id: Uuid,
    agency_id: Uuid,
    person_id: Option<Uuid>,
    action: String,
    what: String,
    basis: String,
    member_name: Option<String>,
    agency_name: Option<String>,
}

impl AuditLog for Store {
    async fn append(&self, entries: &[AuditEntry]) -> StoreResult<()> {
        match &self.audit_queue {
            Some(queue) if !entries.is_empty() => queue.append(entries).await,
            _ => append_audit(self, entries).await,
        }
    }

    async fn audit_for_person(&self, person: PersonId, limit: u32) -> StoreResult<Vec<AuditView>> {
        let sql = "SELECT a.id, a.at, a.member_id, a.agency_id, a.person_id, a.action, a.what, a.basis, \
                   m.display_name AS member_name, g.name AS agency_name \
                   FROM audit_log a LEFT JOIN member m ON m.id = a.member_id LEFT JOIN agency g ON g.id = a.agency_id \
                   WHERE a.person_id = $1 ORDER BY a.at DESC, a.id DESC LIMIT $2";
        let rows: Vec<AuditRow> = on_db!(self, pool => {
            sqlx::query_as(sql).bind(*person.as_uuid()).bind(i64::from(limit)).fetch_all(pool).await
        })
        .map_err(db_error)?;
        rows.into_iter()
            .map(|row| {
                Ok(AuditView {
                    entry: AuditEntry {
                        id: AuditId::from_uuid(row.id),
                        at: row.at.0,
                        member_id: MemberId::from_uuid(row.member_id),
                        agency_id: AgencyId::from_uuid(row.agency_id),
                        person_id: row.person_id.map(PersonId::from_uuid),
                        action: row.action.parse().map_err(StoreError::Database)?,
                        what: row.what,
                        basis: row.basis,
                    },
                    member_name: row.member_name.unwrap_or_else(|| "(unknown member)".into()),
                    agency_name: row.agency_name.unwrap_or_else(|| "(unknown agency)".into()),
                })
            })
            .collect()
    }
}
