//! Who commissions whom (issue 21, views4): a commissioner agency (a municipality, a region)
//! contracts provider agencies to deliver interventions. Its commissioner members see the
//! aggregates of those providers' work on the evidence pages — never a person. Contracts are
//! rows that are only ever added.

use std::collections::BTreeSet;

use crate::read::params;
use crate::types::{Day, Instant};
use crate::{Store, db_error, in_tx};
use domain::ports::StoreResult;
use jiff::Timestamp;
use jiff::civil::Date;
use uuid::Uuid;

/// A contract: `commissioner` pays `provider` for its interventions from `starts_on`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contract {
    pub id: Uuid,
    pub commissioner: Uuid,
    pub provider: Uuid,
    pub starts_on: Date,
    pub ends_on: Option<Date>,
}

impl Store {
    /// Records a contract; `recorded_by` names who did (a member id, or `cli`).
    pub async fn add_contract(&self, contract: &Contract, recorded_by: &str, at: Timestamp) -> StoreResult<()> {
        in_tx!(self, tx => {
            sqlx::query(
                "INSERT INTO commissioned_contract (id, commissioner_id, provider_id, starts_on, ends_on, recorded_by, recorded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(contract.id)
            .bind(contract.commissioner)
            .bind(contract.provider)
            .bind(Day(contract.starts_on))
            .bind(contract.ends_on.map(Day))
            .bind(recorded_by)
            .bind(Instant(at))
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        });
        Ok(())
    }

    /// The provider agencies `commissioner` contracts or contracted: the evaluation looks back
    /// years, so the work of an ended contract still counts as theirs.
    pub async fn contracted_providers(&self, commissioner: Uuid) -> StoreResult<BTreeSet<Uuid>> {
        let sql = "SELECT DISTINCT provider_id FROM commissioned_contract WHERE commissioner_id = $1";
        let rows: Vec<(Uuid,)> = self.read_all(sql, params![commissioner]).await?;
        Ok(rows.into_iter().map(|(p,)| p).collect())
    }
}
