//! The append-only audit log, and all of its SQL. Entries are written two ways:
//!
//! - inside the transaction of the change they record, with `insert_audit!` (every
//!   capability's writes: a person saved, a plan step, a case transition, …), so a change is
//!   never committed without its entry;
//! - on their own (a record read, people listed, access refused) through the `AuditLog` port,
//!   which hands them to the group commit of `audit_queue.rs`; its writer calls
//!   [`append_audit`].

use crate::read::{params, read_row_struct};
use crate::types::Instant;
use crate::{Store, in_tx, insert_rows};
use domain::audit::{AuditEntry, AuditLog, AuditView};
use domain::ids::{AgencyId, AuditId, MemberId, PersonId};
use domain::ports::{StoreError, StoreResult};
use uuid::Uuid;

/// The table and columns of an entry, in the order `bind_audit!` binds them.
macro_rules! audit_head {
    () => {
        "audit_log (id, at, member_id, agency_id, person_id, action, what, basis)"
    };
}

pub(crate) const AUDIT_HEAD: &str = audit_head!();

pub(crate) const INSERT_AUDIT: &str =
    concat!("INSERT INTO ", audit_head!(), " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");

/// Binds the columns of an entry (`&AuditEntry`) to `$query`, in the order of `audit_head!`.
macro_rules! bind_audit {
    ($query:expr, $entry:expr) => {{
        let entry: &domain::audit::AuditEntry = $entry;
        $query
            .bind(*entry.id.as_uuid())
            .bind($crate::types::Instant(entry.at))
            .bind(*entry.member_id.as_uuid())
            .bind(*entry.agency_id.as_uuid())
            .bind(entry.person_id.map(|p| *p.as_uuid()))
            .bind(entry.action.code())
            .bind(&entry.what)
            .bind(&entry.basis)
    }};
}
pub(crate) use bind_audit;

/// Writes one audit entry (`&AuditEntry`) on the open transaction `$tx`: the stores of every
/// capability carry the entry of a change in the change's own transaction.
macro_rules! insert_audit {
    ($tx:ident, $entry:expr) => {{
        $crate::audit::bind_audit!(sqlx::query($crate::audit::INSERT_AUDIT), $entry)
            .execute(&mut *$tx)
            .await
            .map_err($crate::db_error)?;
    }};
}
pub(crate) use insert_audit;

/// Writes audit entries in a transaction of their own; used by the `AuditLog` port and the
/// audit queue's writer.
pub(crate) async fn append_audit(store: &Store, entries: &[AuditEntry]) -> StoreResult<()> {
    if entries.is_empty() {
        return Ok(());
    }
    // One statement for all of them: a search audits every person it lists (up to 50), and
    // on SQLite each statement inside the write lock delays every other writer. On PostgreSQL
    // one statement is atomic on its own: without BEGIN and COMMIT a batch is one round trip,
    // not three (every finder request waits for the batch its entry is in).
    // It goes on a connection of `pg_read.rs`, which is handed back without the pool's check.
    if let Some(crate::read::Reader::Postgres(reader)) = store.reader.as_deref()
        && entries.len() <= crate::MAX_PARAMS / 8
    {
        let sql = sqlx::AssertSqlSafe(crate::values_sql(true, AUDIT_HEAD, 8, entries.len()));
        let mut query = sqlx::query(sql);
        for entry in entries {
            query = bind_audit!(query, entry);
        }
        let mut lent = reader.lend().await?;
        let result = query.execute(lent.connection()).await;
        lent.give_back(result)?;
        return Ok(());
    }
    in_tx!(store, tx => {
        insert_rows!(store, tx, AUDIT_HEAD, 8, entries, |q, entry| bind_audit!(q, entry));
    });
    Ok(())
}

read_row_struct! {
    /// An entry of a person's audit trail, with the names of its member and agency.
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
}

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
