//! Recording a transfer: one transaction of as few statements as the rules allow — the
//! transfer's INSERT, one conditional UPDATE per account, the audit entries (and outbox events
//! when there are any). The INSERT also holds what used to take reads of their own: that the
//! fund is still at the version of the settings the transfer was planned with (which this
//! server may have kept in memory, `memory.rs`), and that a commitment being posted was
//! approved if it needed approval. Only when it inserts nothing does the transaction read why:
//! a retry of a recorded transfer, a fund changed meanwhile, or a post not approved.

use super::{ACCOUNT_COLUMNS, INSERT_ACCOUNT, MOVE, TRANSFER_COLUMNS, movements, parse_phase, phase_code};
use crate::audit::insert_audit;
use crate::notifications::insert_events;
use crate::types::Instant;
use crate::{Store, corrupt, db_error, in_tx};
use domain::audit::AuditEntry;
use domain::funds::{
    Account, AccountCode, Fund, FundId, GroupId, LedgerRefusal, Order, Recorded, Totals, Transfer, TransferId,
    TransferKind,
};
use domain::ids::{AgencyId, GoalId, InterventionId, MemberId, PersonId};
use domain::notifications::Event;
use domain::ports::{StoreError, StoreResult};
use sqlx::Row;
use uuid::Uuid;

/// The transfer's row, inserted only while its fund is at version `$28` and, for a post, its
/// commitment (`$13`) is approved or needs no approval.
const RECORD_TRANSFER: &str = concat!(
    "INSERT INTO fund_transfer (",
    transfer_insert_columns!(),
    ") SELECT ",
    transfer_insert_values!(),
    " WHERE EXISTS (SELECT 1 FROM fund f WHERE f.id = $2 AND f.version = $28) \
     AND NOT ($3 = 'post' AND EXISTS (SELECT 1 FROM fund_transfer p WHERE p.id = $13 AND p.needs_approval \
       AND NOT EXISTS (SELECT 1 FROM fund_approval a WHERE a.transfer_id = p.id))) \
     ON CONFLICT (id) DO NOTHING"
);

impl Store {
    /// `FundStore::record_transfer`'s transaction (the memory is the caller's).
    pub(super) async fn record(
        &self,
        transfer: &Transfer,
        fund: &Fund,
        audit: &[AuditEntry],
        outbox: &[Event],
    ) -> StoreResult<Result<Recorded, LedgerRefusal>> {
        let existing_sql =
            sqlx::AssertSqlSafe(format!("SELECT {TRANSFER_COLUMNS} FROM fund_transfer t WHERE t.id = $1"));
        let account_sql = format!("SELECT {ACCOUNT_COLUMNS} FROM fund_account WHERE fund_id = $1 AND code = $2");
        in_tx!(self, tx => {
            if !insert_transfer!(tx, RECORD_TRANSFER, transfer, fund.version) {
                // A retry: answer what was recorded, if it is the same request.
                if let Some(row) = sqlx::query(existing_sql).bind(transfer.id.0).fetch_optional(&mut *tx).await.map_err(db_error)? {
                    let existing = transfer_from_row!(&row);
                    return Ok(if existing.request == transfer.request && existing.fund == transfer.fund {
                        Ok(Recorded { transfer: existing, replayed: true })
                    } else {
                        Err(LedgerRefusal::IdReused)
                    });
                }
                // Planned on settings changed meanwhile: forgotten here, to be read again.
                let now: Option<i64> = sqlx::query_scalar("SELECT version FROM fund WHERE id = $1")
                    .bind(fund.id.0).fetch_optional(&mut *tx).await.map_err(db_error)?;
                if now != Some(fund.version) {
                    self.ledger.forget_fund(fund.id.0, fund.version);
                    return Err(match now {
                        Some(current) => StoreError::Conflict { current },
                        None => StoreError::NotFound,
                    });
                }
                if transfer.kind == TransferKind::Post {
                    return Ok(Err(LedgerRefusal::NotApproved));
                }
                return Err(StoreError::Database(format!("transfer {} was neither recorded nor refused", transfer.id)));
            }
            for (code, (dp, dq, cp, cq)) in movements(transfer) {
                let move_totals = || sqlx::query(MOVE).bind(transfer.fund.0).bind(code.code()).bind(dp).bind(dq).bind(cp).bind(cq);
                let mut moved = move_totals().execute(&mut *tx).await.map_err(db_error)?.rows_affected();
                // Nothing moved: the account may not exist yet (a person's or a group's first
                // transfer), so it is created and the move tried once more; a transfer on
                // existing accounts costs no insert. Created inside this transaction, the account
                // goes when a refusal rolls it back, as before. The person limit is the fund's at
                // the version the INSERT above found.
                let created = match code {
                    // A person's allocation is limited by the fund; a group's grant by the pool.
                    AccountCode::Person(p) => Some((Some(p.0), None, fund.person_limit_cents)),
                    AccountCode::Spent(p) => Some((Some(p.0), None, None)),
                    AccountCode::Group(g) | AccountCode::GroupSpent(g) => Some((None, Some(g.0), None)),
                    _ => None,
                };
                if let (0, Some((person, group, limit))) = (moved, created) {
                    sqlx::query(INSERT_ACCOUNT).bind(transfer.fund.0).bind(code.code()).bind(person).bind("credit").bind(limit)
                        .bind(group).execute(&mut *tx).await.map_err(db_error)?;
                    moved = move_totals().execute(&mut *tx).await.map_err(db_error)?.rows_affected();
                }
                if moved == 0 {
                    let row = sqlx::query(sqlx::AssertSqlSafe(account_sql.clone())).bind(transfer.fund.0).bind(code.code())
                        .fetch_one(&mut *tx).await.map_err(db_error)?;
                    let account = account_from_row!(&row);
                    return Ok(Err(if code == transfer.debit {
                        LedgerRefusal::Insufficient { account: code, available: account.available() }
                    } else {
                        LedgerRefusal::AboveLimit { account: code, limit: account.limit_cents.unwrap_or(0) }
                    }));
                }
            }
            for entry in audit {
                insert_audit!(tx, entry);
            }
            insert_events!(tx, outbox);
            Ok(Ok(Recorded { transfer: transfer.clone(), replayed: false }))
        })
    }
}
