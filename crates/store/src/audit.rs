//! The append-only audit log. Writes that change a person carry their audit entry into the
//! same transaction (see `people.rs`); reads append here.

use crate::Store;
use crate::people::append_audit;
use crate::read::params;
use crate::types::Instant;
use domain::audit::{AuditEntry, AuditLog, AuditView};
use domain::ids::{AgencyId, AuditId, MemberId, PersonId};
use domain::ports::{StoreError, StoreResult};
use uuid::Uuid;

/// id, at, member_id, agency_id, person_id, action, what, basis, member_name, agency_name
type AuditRow = (Uuid, Instant, Uuid, Uuid, Option<Uuid>, String, String, String, Option<String>, Option<String>);

impl AuditLog for Store {
    async fn append(&self, entries: &[AuditEntry]) -> StoreResult<()> {
        let memo = || self.listings.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let entries = memo().to_write(entries);
        match &self.audit_queue {
            Some(queue) if !entries.is_empty() => queue.append(&entries).await?,
            _ => append_audit(self, &entries).await?,
        }
        memo().remember(&entries);
        Ok(())
    }

    async fn audit_for_person(&self, person: PersonId, limit: u32) -> StoreResult<Vec<AuditView>> {
        let sql = "SELECT a.id, a.at, a.member_id, a.agency_id, a.person_id, a.action, a.what, a.basis, \
                   m.display_name AS member_name, g.name AS agency_name \
                   FROM audit_log a LEFT JOIN member m ON m.id = a.member_id LEFT JOIN agency g ON g.id = a.agency_id \
                   WHERE a.person_id = $1 ORDER BY a.at DESC, a.id DESC LIMIT $2";
        let rows: Vec<AuditRow> = self.read_all(sql, params![*person.as_uuid(), i64::from(limit)]).await?;
        rows.into_iter()
            .map(|(id, at, member_id, agency_id, person_id, action, what, basis, member_name, agency_name)| {
                Ok(AuditView {
                    entry: AuditEntry {
                        id: AuditId::from_uuid(id),
                        at: at.0,
                        member_id: MemberId::from_uuid(member_id),
                        agency_id: AgencyId::from_uuid(agency_id),
                        person_id: person_id.map(PersonId::from_uuid),
                        action: action.parse().map_err(StoreError::Database)?,
                        what,
                        basis,
                    },
                    member_name: member_name.unwrap_or_else(|| "(unknown member)".into()),
                    agency_name: agency_name.unwrap_or_else(|| "(unknown agency)".into()),
                })
            })
            .collect()
    }
}
