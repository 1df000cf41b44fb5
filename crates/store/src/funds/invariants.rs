//! The ledger checked against itself by the database, in bounded memory however many transfers
//! it holds: every account's totals against the replay of its transfers (summed per account in
//! SQL, never read into memory), and how many transfers a fund holds. The benchmark runs it
//! after a million transfers; the conformance stories after their rounds.

use crate::{Store, db_error, on_db};
use domain::funds::FundId;
use domain::ports::StoreResult;

/// What a fund's transfers add up to per account, by phase, as `movements` moves them.
const REPLAY: &str = "WITH moves AS ( \
       SELECT debit_code AS code, \
              CASE WHEN phase IN ('posted', 'post_pending') THEN amount_cents ELSE 0 END AS dp, \
              CASE phase WHEN 'pending' THEN amount_cents WHEN 'posted' THEN 0 ELSE -reserved_cents END AS dq, \
              0 AS cp, 0 AS cq \
       FROM fund_transfer WHERE fund_id = $1 \
       UNION ALL \
       SELECT credit_code, 0, 0, \
              CASE WHEN phase IN ('posted', 'post_pending') THEN amount_cents ELSE 0 END, \
              CASE phase WHEN 'pending' THEN amount_cents WHEN 'posted' THEN 0 ELSE -reserved_cents END \
       FROM fund_transfer WHERE fund_id = $1), \
     replay AS (SELECT code, sum(dp) AS dp, sum(dq) AS dq, sum(cp) AS cp, sum(cq) AS cq FROM moves GROUP BY code) \
     SELECT CAST(( \
       SELECT count(*) FROM fund_account a LEFT JOIN replay r ON r.code = a.code \
       WHERE a.fund_id = $1 AND (COALESCE(r.dp, 0) <> a.debits_posted OR COALESCE(r.dq, 0) <> a.debits_pending \
         OR COALESCE(r.cp, 0) <> a.credits_posted OR COALESCE(r.cq, 0) <> a.credits_pending)) \
     + (SELECT count(*) FROM replay r \
        WHERE NOT EXISTS (SELECT 1 FROM fund_account a WHERE a.fund_id = $1 AND a.code = r.code)) AS BIGINT)";

impl Store {
    /// The accounts of `fund` whose totals differ from the replay of its transfers (an account
    /// a transfer moved that is missing counts too): 0 when nothing was lost or counted twice.
    pub async fn accounts_off_their_transfers(&self, fund: FundId) -> StoreResult<i64> {
        on_db!(self, pool => {
            sqlx::query_scalar::<_, i64>(REPLAY).bind(fund.0).fetch_one(pool).await.map_err(db_error)
        })
    }

    /// How many transfers `fund` holds besides its opening budget.
    pub async fn transfer_count(&self, fund: FundId) -> StoreResult<i64> {
        let sql = "SELECT CAST(count(*) AS BIGINT) FROM fund_transfer WHERE fund_id = $1 AND kind <> 'budget'";
        on_db!(self, pool => {
            sqlx::query_scalar::<_, i64>(sql).bind(fund.0).fetch_one(pool).await.map_err(db_error)
        })
    }
}
