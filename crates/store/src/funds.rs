//! The personal-funds ledger (`domain::funds::ports::FundStore`). A transfer is one
//! transaction: its row is inserted under its client-chosen id (a retry finds it and is
//! answered with it) while its fund is at the version it was planned with, then each account's
//! totals move in one conditional UPDATE whose WHERE holds the account's rules for the new
//! totals, accounts in the order of their codes (`record.rs`). On PostgreSQL the UPDATE takes
//! the row's lock and, under READ COMMITTED, re-checks its WHERE against the totals a
//! concurrent transfer just committed, so two transfers can never both spend the same cents;
//! the fixed order means they never wait on each other crosswise. On SQLite the transaction
//! holds the database's one write lock. The table's CHECKs stand behind both. A refusal returns
//! before the commit, so the transaction rolls back whole. Funds and transfers are kept in
//! memory for the transfer path, never trusted with the money (`memory.rs`).

use crate::audit::insert_audit;
use crate::types::{Day, Instant};
use crate::{Store, corrupt, db_error, in_tx, on_db};
use domain::audit::AuditEntry;
use domain::funds::ports::FundStore;
use domain::funds::{
    Account, AccountCode, Approval, Fund, FundId, FundKind, GroupId, GroupMember, LedgerRefusal, OpenCommitment, Order,
    Phase, ProjectGroup, Recorded, Totals, Transfer, TransferId, TransferKind,
};
use domain::ids::{AgencyId, GoalId, InterventionId, MemberId, PersonId};
use domain::notifications::Event;
use domain::ports::{StoreError, StoreResult};
use sqlx::Row;
use uuid::Uuid;

// The ledger checked against the replay of its transfers in SQL (funds3 branch).
mod invariants;

const FUND_COLUMNS: &str = "id, name, kind, stream, holder_agency_id, period_start, period_end, budget_cents, \
                            approval_above_cents, person_limit_cents, created_at, created_by, version";
const ACCOUNT_COLUMNS: &str =
    "fund_id, code, limit_cents, debits_posted, debits_pending, credits_posted, credits_pending";
const TRANSFER_COLUMNS: &str = "t.id, t.fund_id, t.kind, t.debit_code, t.credit_code, t.amount_cents, t.phase, \
     t.reserved_cents, t.person_id, t.goal, t.description, t.invoice_ref, t.pending_id, t.reverses_id, \
     t.needs_approval, t.at, t.member_id, t.agency_id, t.request, t.group_id, t.goal_id, \
     t.intervention_id, t.intervention_name, t.units, t.unit_cost_cents, t.choice, t.choice_reason";
/// The column after [`TRANSFER_COLUMNS`] in a query that selects more.
const AFTER_TRANSFER: usize = 27;

macro_rules! fund_from_row {
    ($row:expr) => {{
        let row = $row;
        let kind: String = row.try_get(2).map_err(db_error)?;
        Fund {
            id: FundId(row.try_get(0).map_err(db_error)?),
            name: row.try_get(1).map_err(db_error)?,
            kind: FundKind::parse(&kind).ok_or_else(|| corrupt("fund kind", &kind))?,
            stream: row.try_get(3).map_err(db_error)?,
            holder: AgencyId(row.try_get(4).map_err(db_error)?),
            period_start: row.try_get::<Day, _>(5).map_err(db_error)?.0,
            period_end: row.try_get::<Day, _>(6).map_err(db_error)?.0,
            budget_cents: row.try_get(7).map_err(db_error)?,
            approval_above_cents: row.try_get(8).map_err(db_error)?,
            person_limit_cents: row.try_get(9).map_err(db_error)?,
            created_at: row.try_get::<Instant, _>(10).map_err(db_error)?.0,
            created_by: MemberId(row.try_get(11).map_err(db_error)?),
            version: row.try_get(12).map_err(db_error)?,
        }
    }};
}

macro_rules! account_from_row {
    ($row:expr) => {{
        let row = $row;
        let code: String = row.try_get(1).map_err(db_error)?;
        Account {
            fund: FundId(row.try_get(0).map_err(db_error)?),
            code: AccountCode::parse(&code).ok_or_else(|| corrupt("account code", &code))?,
            limit_cents: row.try_get(2).map_err(db_error)?,
            totals: Totals {
                debits_posted: row.try_get(3).map_err(db_error)?,
                debits_pending: row.try_get(4).map_err(db_error)?,
                credits_posted: row.try_get(5).map_err(db_error)?,
                credits_pending: row.try_get(6).map_err(db_error)?,
            },
        }
    }};
}

fn phase_code(phase: Phase) -> (&'static str, Option<i64>) {
    match phase {
        Phase::Posted => ("posted", None),
        Phase::Pending => ("pending", None),
        Phase::PostPending { reserved } => ("post_pending", Some(reserved)),
        Phase::VoidPending { reserved } => ("void_pending", Some(reserved)),
    }
}

fn parse_phase(code: &str, reserved: Option<i64>) -> StoreResult<Phase> {
    Ok(match (code, reserved) {
        ("posted", _) => Phase::Posted,
        ("pending", _) => Phase::Pending,
        ("post_pending", Some(reserved)) => Phase::PostPending { reserved },
        ("void_pending", Some(reserved)) => Phase::VoidPending { reserved },
        _ => return Err(corrupt("transfer phase", code)),
    })
}

macro_rules! transfer_from_row {
    ($row:expr) => {{
        let row = $row;
        let code = |i: usize| -> StoreResult<AccountCode> {
            let text: String = row.try_get(i).map_err(db_error)?;
            AccountCode::parse(&text).ok_or_else(|| corrupt("account code", &text))
        };
        let kind: String = row.try_get(2).map_err(db_error)?;
        let phase: String = row.try_get(6).map_err(db_error)?;
        Transfer {
            id: TransferId(row.try_get(0).map_err(db_error)?),
            fund: FundId(row.try_get(1).map_err(db_error)?),
            kind: TransferKind::parse(&kind).ok_or_else(|| corrupt("transfer kind", &kind))?,
            debit: code(3)?,
            credit: code(4)?,
            amount_cents: row.try_get(5).map_err(db_error)?,
            phase: parse_phase(&phase, row.try_get(7).map_err(db_error)?)?,
            person: row.try_get::<Option<Uuid>, _>(8).map_err(db_error)?.map(PersonId),
            goal: row.try_get(9).map_err(db_error)?,
            description: row.try_get(10).map_err(db_error)?,
            invoice_ref: row.try_get(11).map_err(db_error)?,
            pending: row.try_get::<Option<Uuid>, _>(12).map_err(db_error)?.map(TransferId),
            reverses: row.try_get::<Option<Uuid>, _>(13).map_err(db_error)?.map(TransferId),
            needs_approval: row.try_get(14).map_err(db_error)?,
            at: row.try_get::<Instant, _>(15).map_err(db_error)?.0,
            by: MemberId(row.try_get(16).map_err(db_error)?),
            agency: AgencyId(row.try_get(17).map_err(db_error)?),
            request: row.try_get(18).map_err(db_error)?,
            group: row.try_get::<Option<Uuid>, _>(19).map_err(db_error)?.map(GroupId),
            goal_id: row.try_get::<Option<Uuid>, _>(20).map_err(db_error)?.map(GoalId),
            order: match (
                row.try_get::<Option<Uuid>, _>(21).map_err(db_error)?,
                row.try_get::<Option<String>, _>(22).map_err(db_error)?,
                row.try_get::<Option<i64>, _>(23).map_err(db_error)?,
                row.try_get::<Option<i64>, _>(24).map_err(db_error)?,
            ) {
                (Some(id), Some(name), Some(units), Some(unit_cost_cents)) => {
                    Some(Order { intervention: InterventionId(id), name, units, unit_cost_cents })
                }
                _ => None,
            },
            choice: row.try_get(25).map_err(db_error)?,
            choice_reason: row.try_get(26).map_err(db_error)?,
        }
    }};
}

/// How a transfer moves one account's totals: (debits posted, debits pending, credits
/// posted, credits pending).
type Deltas = (i64, i64, i64, i64);

/// The two accounts a transfer moves and by how much, in the order they are locked.
fn movements(transfer: &Transfer) -> [(AccountCode, Deltas); 2] {
    let a = transfer.amount_cents;
    let (debit, credit) = match transfer.phase {
        Phase::Posted => ((a, 0, 0, 0), (0, 0, a, 0)),
        Phase::Pending => ((0, a, 0, 0), (0, 0, 0, a)),
        Phase::PostPending { reserved } => ((a, -reserved, 0, 0), (0, 0, a, -reserved)),
        Phase::VoidPending { reserved } => ((0, -reserved, 0, 0), (0, 0, 0, -reserved)),
    };
    let mut both = [(transfer.debit, debit), (transfer.credit, credit)];
    both.sort_by_key(|(code, _)| code.code());
    both
}

/// Moves one account's totals only if the new totals keep its rules ($3..$6 are the deltas).
const MOVE: &str = "UPDATE fund_account SET debits_posted = debits_posted + $3, debits_pending = debits_pending + $4, \
     credits_posted = credits_posted + $5, credits_pending = credits_pending + $6 \
     WHERE fund_id = $1 AND code = $2 \
     AND debits_posted + $3 >= 0 AND debits_pending + $4 >= 0 AND credits_posted + $5 >= 0 AND credits_pending + $6 >= 0 \
     AND ((normal = 'credit' AND debits_posted + $3 + debits_pending + $4 <= credits_posted + $5 \
           AND (limit_cents IS NULL OR credits_posted + $5 + credits_pending + $6 - debits_posted - $3 <= limit_cents)) \
       OR (normal = 'debit' AND credits_posted + $5 + credits_pending + $6 <= debits_posted + $3 \
           AND (limit_cents IS NULL OR debits_posted + $3 + debits_pending + $4 - credits_posted - $5 <= limit_cents)))";

/// The columns a transfer is inserted with, bound as `$1`…`$27` in this order.
macro_rules! transfer_insert_columns {
    () => {
        "id, fund_id, kind, debit_code, credit_code, amount_cents, phase, reserved_cents, person_id, goal, \
         description, invoice_ref, pending_id, reverses_id, needs_approval, at, member_id, agency_id, request, \
         group_id, goal_id, intervention_id, intervention_name, units, unit_cost_cents, choice, choice_reason"
    };
}
/// `$1`…`$27`, the values of [`transfer_insert_columns`].
macro_rules! transfer_insert_values {
    () => {
        "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, \
         $24, $25, $26, $27"
    };
}

const INSERT_TRANSFER: &str = concat!(
    "INSERT INTO fund_transfer (",
    transfer_insert_columns!(),
    ") VALUES (",
    transfer_insert_values!(),
    ") ON CONFLICT (id) DO NOTHING"
);

const INSERT_ACCOUNT: &str = "INSERT INTO fund_account (fund_id, code, person_id, normal, limit_cents, group_id) \
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (fund_id, code) DO NOTHING";

/// Inserts `$transfer` on `$tx` with `$sql` (binding the transfer's columns as `$1`…`$27`,
/// then any `$extra`); evaluates to whether a row was inserted. A second resolution of the
/// same commitment, or reversal of the same transfer, returns its refusal from the function.
macro_rules! insert_transfer {
    ($tx:ident, $sql:expr, $transfer:expr $(, $extra:expr)*) => {{
        let t: &Transfer = $transfer;
        let (phase, reserved) = phase_code(t.phase);
        let inserted = sqlx::query($sql)
            .bind(t.id.0)
            .bind(t.fund.0)
            .bind(t.kind.code())
            .bind(t.debit.code())
            .bind(t.credit.code())
            .bind(t.amount_cents)
            .bind(phase)
            .bind(reserved)
            .bind(t.person.map(|p| p.0))
            .bind(&t.goal)
            .bind(&t.description)
            .bind(&t.invoice_ref)
            .bind(t.pending.map(|p| p.0))
            .bind(t.reverses.map(|p| p.0))
            .bind(t.needs_approval)
            .bind(Instant(t.at))
            .bind(t.by.0)
            .bind(t.agency.0)
            .bind(&t.request)
            .bind(t.group.map(|g| g.0))
            .bind(t.goal_id.map(|g| g.0))
            .bind(t.order.as_ref().map(|o| o.intervention.0))
            .bind(t.order.as_ref().map(|o| o.name.clone()))
            .bind(t.order.as_ref().map(|o| o.units))
            .bind(t.order.as_ref().map(|o| o.unit_cost_cents))
            .bind(&t.choice)
            .bind(&t.choice_reason)
            $(.bind($extra))*
            .execute(&mut *$tx)
            .await;
        match inserted {
            Ok(done) => done.rows_affected() == 1,
            Err(error) => match db_error(error) {
                StoreError::AlreadyExists(_) if t.pending.is_some() => return Ok(Err(LedgerRefusal::AlreadyResolved)),
                StoreError::AlreadyExists(_) if t.reverses.is_some() => return Ok(Err(LedgerRefusal::AlreadyReversed)),
                other => return Err(other),
            },
        }
    }};
}

// Recording a transfer in one transaction, its fund's version checked in its INSERT; the funds
// and transfers a server keeps in memory for it.
pub(crate) mod memory;
mod record;

impl FundStore for Store {
    async fn open_fund(&self, fund: &Fund, opening: &Transfer, audit: &[AuditEntry]) -> StoreResult<()> {
        let sql = "INSERT INTO fund (id, name, kind, stream, holder_agency_id, period_start, period_end, budget_cents, \
                   approval_above_cents, person_limit_cents, created_at, created_by) \
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";
        let result: StoreResult<Result<(), LedgerRefusal>> = async {
            in_tx!(self, tx => {
                sqlx::query(sql)
                    .bind(fund.id.0)
                    .bind(&fund.name)
                    .bind(fund.kind.code())
                    .bind(&fund.stream)
                    .bind(fund.holder.0)
                    .bind(Day(fund.period_start))
                    .bind(Day(fund.period_end))
                    .bind(fund.budget_cents)
                    .bind(fund.approval_above_cents)
                    .bind(fund.person_limit_cents)
                    .bind(Instant(fund.created_at))
                    .bind(fund.created_by.0)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
                for (code, normal, limit) in [(AccountCode::Funding, "debit", Some(fund.budget_cents)), (AccountCode::Pool, "credit", Some(fund.budget_cents))] {
                    sqlx::query(INSERT_ACCOUNT)
                        .bind(fund.id.0)
                        .bind(code.code())
                        .bind(None::<Uuid>)
                        .bind(normal)
                        .bind(limit)
                        .bind(None::<Uuid>)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_error)?;
                }
                if opening.amount_cents > 0 {
                    insert_transfer!(tx, INSERT_TRANSFER, opening);
                    for (code, (dp, dq, cp, cq)) in movements(opening) {
                        sqlx::query(MOVE).bind(fund.id.0).bind(code.code()).bind(dp).bind(dq).bind(cp).bind(cq)
                            .execute(&mut *tx).await.map_err(db_error)?;
                    }
                }
                for entry in audit {
                    insert_audit!(tx, entry);
                }
                Ok(Ok(()))
            })
        }
        .await;
        result?.map_err(|refusal| StoreError::Database(format!("opening a fund was refused: {refusal:?}")))?;
        self.ledger.keep_fund(fund.clone());
        Ok(())
    }

    async fn fund(&self, id: FundId) -> StoreResult<Option<Fund>> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {FUND_COLUMNS} FROM fund WHERE id = $1"));
        let row = on_db!(self, pool => {
            match sqlx::query(sql).bind(id.0).fetch_optional(pool).await.map_err(db_error)? {
                Some(row) => Some(fund_from_row!(&row)),
                None => None,
            }
        });
        if let Some(fund) = &row {
            self.ledger.keep_fund(fund.clone());
        }
        Ok(row)
    }

    async fn remembered_fund(&self, id: FundId) -> StoreResult<Option<Fund>> {
        match self.ledger.fund(id.0) {
            Some(fund) => Ok(Some(Fund::clone(&fund))),
            None => self.fund(id).await,
        }
    }

    async fn funds(&self) -> StoreResult<Vec<Fund>> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {FUND_COLUMNS} FROM fund ORDER BY period_start DESC, name"));
        on_db!(self, pool => {
            let rows = sqlx::query(sql).fetch_all(pool).await.map_err(db_error)?;
            rows.iter().map(|row| Ok(fund_from_row!(row))).collect()
        })
    }

    async fn transfer(&self, id: TransferId) -> StoreResult<Option<Transfer>> {
        // Recorded transfers never change: one kept in memory is the one on record.
        if let Some(kept) = self.ledger.transfer(id.0) {
            return Ok(Some(kept));
        }
        let sql = sqlx::AssertSqlSafe(format!("SELECT {TRANSFER_COLUMNS} FROM fund_transfer t WHERE t.id = $1"));
        let found = on_db!(self, pool => {
            match sqlx::query(sql).bind(id.0).fetch_optional(pool).await.map_err(db_error)? {
                Some(row) => Some(transfer_from_row!(&row)),
                None => None,
            }
        });
        if let Some(transfer) = &found {
            self.ledger.keep_transfer(transfer);
        }
        Ok(found)
    }

    async fn record_transfer(
        &self,
        transfer: &Transfer,
        fund: &Fund,
        audit: &[AuditEntry],
        outbox: &[Event],
    ) -> StoreResult<Result<Recorded, LedgerRefusal>> {
        let recorded = self.record(transfer, fund, audit, outbox).await?;
        if let Ok(recorded) = &recorded {
            // Kept only once committed: the post or void that follows a commitment reads it here.
            self.ledger.keep_transfer(&recorded.transfer);
        }
        Ok(recorded)
    }

    async fn approve(&self, approval: &Approval, audit: &[AuditEntry]) -> StoreResult<Result<bool, LedgerRefusal>> {
        in_tx!(self, tx => {
            let resolved: i64 = sqlx::query_scalar("SELECT count(*) FROM fund_transfer WHERE pending_id = $1")
                .bind(approval.transfer.0).fetch_one(&mut *tx).await.map_err(db_error)?;
            if resolved > 0 {
                return Ok(Err(LedgerRefusal::AlreadyResolved));
            }
            let inserted = sqlx::query(
                "INSERT INTO fund_approval (transfer_id, fund_id, member_id, at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (transfer_id) DO NOTHING",
            )
            .bind(approval.transfer.0)
            .bind(approval.fund.0)
            .bind(approval.by.0)
            .bind(Instant(approval.at))
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
            for entry in audit {
                insert_audit!(tx, entry);
            }
            Ok(Ok(inserted.rows_affected() == 1))
        })
    }

    async fn accounts(&self, fund: FundId) -> StoreResult<Vec<Account>> {
        let sql =
            sqlx::AssertSqlSafe(format!("SELECT {ACCOUNT_COLUMNS} FROM fund_account WHERE fund_id = $1 ORDER BY code"));
        on_db!(self, pool => {
            let rows = sqlx::query(sql).bind(fund.0).fetch_all(pool).await.map_err(db_error)?;
            rows.iter().map(|row| Ok(account_from_row!(row))).collect()
        })
    }

    async fn person_accounts(&self, person: PersonId) -> StoreResult<Vec<Account>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {ACCOUNT_COLUMNS} FROM fund_account WHERE person_id = $1 ORDER BY fund_id, code"
        ));
        on_db!(self, pool => {
            let rows = sqlx::query(sql).bind(person.0).fetch_all(pool).await.map_err(db_error)?;
            rows.iter().map(|row| Ok(account_from_row!(row))).collect()
        })
    }

    async fn transfers_of_fund(&self, fund: FundId) -> StoreResult<Vec<Transfer>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {TRANSFER_COLUMNS} FROM fund_transfer t WHERE t.fund_id = $1 ORDER BY t.seq"
        ));
        on_db!(self, pool => {
            let rows = sqlx::query(sql).bind(fund.0).fetch_all(pool).await.map_err(db_error)?;
            rows.iter().map(|row| Ok(transfer_from_row!(row))).collect()
        })
    }

    async fn transfers_of_person(&self, person: PersonId) -> StoreResult<Vec<Transfer>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {TRANSFER_COLUMNS} FROM fund_transfer t WHERE t.person_id = $1 ORDER BY t.seq"
        ));
        on_db!(self, pool => {
            let rows = sqlx::query(sql).bind(person.0).fetch_all(pool).await.map_err(db_error)?;
            rows.iter().map(|row| Ok(transfer_from_row!(row))).collect()
        })
    }

    async fn open_commitments(&self, fund: FundId) -> StoreResult<Vec<OpenCommitment>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {TRANSFER_COLUMNS}, a.member_id FROM fund_transfer t \
             LEFT JOIN fund_approval a ON a.transfer_id = t.id \
             WHERE t.fund_id = $1 AND t.kind IN ('commit', 'grant') \
             AND NOT EXISTS (SELECT 1 FROM fund_transfer r WHERE r.pending_id = t.id) ORDER BY t.seq"
        ));
        on_db!(self, pool => {
            let rows = sqlx::query(sql).bind(fund.0).fetch_all(pool).await.map_err(db_error)?;
            rows.iter()
                .map(|row| {
                    let approved_by: Option<Uuid> = row.try_get(AFTER_TRANSFER).map_err(db_error)?;
                    Ok(OpenCommitment { transfer: transfer_from_row!(row), approved_by: approved_by.map(MemberId) })
                })
                .collect()
        })
    }

    async fn save_group(&self, group: &ProjectGroup, audit: &[AuditEntry]) -> StoreResult<()> {
        in_tx!(self, tx => {
            sqlx::query(
                "INSERT INTO project_group (id, agency_id, name, project, goals, created_at, created_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(group.id.0)
            .bind(group.agency.0)
            .bind(&group.name)
            .bind(&group.project)
            .bind(&group.goals)
            .bind(Instant(group.created_at))
            .bind(group.created_by.0)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
            for m in &group.members {
                sqlx::query(
                    "INSERT INTO project_group_member (group_id, person_id, consented_on, recorded_by) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(group.id.0)
                .bind(m.person.0)
                .bind(Day(m.consented_on))
                .bind(m.recorded_by.0)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
            }
            for entry in audit {
                insert_audit!(tx, entry);
            }
            Ok(())
        })
    }

    async fn group(&self, id: GroupId) -> StoreResult<Option<ProjectGroup>> {
        Ok(self.groups_where("g.id = $1", id.0).await?.pop())
    }

    async fn groups_of_agency(&self, agency: AgencyId) -> StoreResult<Vec<ProjectGroup>> {
        self.groups_where("g.agency_id = $1", agency.0).await
    }

    async fn group_accounts(&self, group: GroupId) -> StoreResult<Vec<Account>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {ACCOUNT_COLUMNS} FROM fund_account WHERE group_id = $1 ORDER BY fund_id, code"
        ));
        on_db!(self, pool => {
            let rows = sqlx::query(sql).bind(group.0).fetch_all(pool).await.map_err(db_error)?;
            rows.iter().map(|row| Ok(account_from_row!(row))).collect()
        })
    }

    async fn transfers_of_group(&self, group: GroupId) -> StoreResult<Vec<Transfer>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {TRANSFER_COLUMNS} FROM fund_transfer t WHERE t.group_id = $1 ORDER BY t.seq"
        ));
        on_db!(self, pool => {
            let rows = sqlx::query(sql).bind(group.0).fetch_all(pool).await.map_err(db_error)?;
            rows.iter().map(|row| Ok(transfer_from_row!(row))).collect()
        })
    }
}

impl Store {
    /// Project groups matching `filter` (on `g`, binding one uuid), newest first, with members.
    async fn groups_where(&self, filter: &'static str, value: Uuid) -> StoreResult<Vec<ProjectGroup>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT g.id, g.agency_id, g.name, g.project, g.goals, g.created_at, g.created_by, \
             m.person_id, m.consented_on, m.recorded_by FROM project_group g \
             LEFT JOIN project_group_member m ON m.group_id = g.id \
             WHERE {filter} ORDER BY g.created_at DESC, g.id, m.person_id"
        ));
        on_db!(self, pool => {
            let rows = sqlx::query(sql).bind(value).fetch_all(pool).await.map_err(db_error)?;
            let mut groups: Vec<ProjectGroup> = Vec::new();
            for row in &rows {
                let id = GroupId(row.try_get(0).map_err(db_error)?);
                if groups.last().is_none_or(|g| g.id != id) {
                    groups.push(ProjectGroup {
                        id,
                        agency: AgencyId(row.try_get(1).map_err(db_error)?),
                        name: row.try_get(2).map_err(db_error)?,
                        project: row.try_get(3).map_err(db_error)?,
                        goals: row.try_get(4).map_err(db_error)?,
                        members: Vec::new(),
                        created_at: row.try_get::<Instant, _>(5).map_err(db_error)?.0,
                        created_by: MemberId(row.try_get(6).map_err(db_error)?),
                    });
                }
                if let (Some(person), Some(group)) = (row.try_get::<Option<Uuid>, _>(7).map_err(db_error)?, groups.last_mut()) {
                    group.members.push(GroupMember {
                        person: PersonId(person),
                        consented_on: row.try_get::<Day, _>(8).map_err(db_error)?.0,
                        recorded_by: MemberId(row.try_get(9).map_err(db_error)?),
                    });
                }
            }
            // One order on both backends, whatever each makes of a uuid column's order.
            for group in &mut groups {
                group.members.sort_by_key(|m| m.person);
            }
            Ok(groups)
        })
    }
}
