//! Who commissions whom (issue 21, views4): a commissioner agency (a municipality, a region)
//! contracts provider agencies to deliver interventions. Its commissioner members see the
//! aggregates of those providers' work on the evidence pages — never a person. Contracts are
//! rows that are only ever added; an ending is a row of its own beside the contract (the newest
//! counts), kept through administration (`domain::partnership::service::contracts`).

use std::collections::BTreeSet;

use crate::audit::insert_audit;
use crate::read::params;
use crate::types::{Day, Instant};
use crate::{Store, db_error, in_tx};
use domain::audit::AuditEntry;
use domain::partnership::service::contracts::{ContractRecord, ContractStore};
use domain::ports::StoreResult;
use jiff::Timestamp;
use jiff::civil::Date;
use uuid::Uuid;

pub use domain::partnership::service::contracts::Contract;

impl Store {
    /// Records a contract; `recorded_by` names who did (a member id, or `cli`). The demo seeds
    /// its contracts so; administration goes through [`ContractStore::save_contract`].
    pub async fn add_contract(&self, contract: &Contract, recorded_by: &str, at: Timestamp) -> StoreResult<()> {
        self.insert_contract(contract, recorded_by, at, None).await
    }

    async fn insert_contract(
        &self,
        contract: &Contract,
        recorded_by: &str,
        at: Timestamp,
        audit: Option<&AuditEntry>,
    ) -> StoreResult<()> {
        in_tx!(self, tx => {
            sqlx::query(
                "INSERT INTO commissioned_contract \
                 (id, commissioner_id, provider_id, intervention_id, starts_on, ends_on, reference, recorded_by, recorded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(contract.id)
            .bind(contract.commissioner)
            .bind(contract.provider)
            .bind(contract.intervention)
            .bind(Day(contract.starts_on))
            .bind(contract.ends_on.map(Day))
            .bind(&contract.reference)
            .bind(recorded_by)
            .bind(Instant(at))
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
            if let Some(audit) = audit {
                insert_audit!(tx, audit);
            }
        });
        Ok(())
    }

    /// What `commissioner` contracts or contracted, as the places of the work it buys (see
    /// [`contract_place`]): the evaluation looks back years, so the work of an ended contract
    /// still counts as theirs.
    pub async fn contracted_places(&self, commissioner: Uuid) -> StoreResult<BTreeSet<String>> {
        let sql = "SELECT DISTINCT provider_id, intervention_id FROM commissioned_contract WHERE commissioner_id = $1";
        let rows: Vec<(Uuid, Option<Uuid>)> = self.read_all(sql, params![commissioner]).await?;
        Ok(rows.into_iter().map(|(provider, intervention)| contract_place(provider, intervention)).collect())
    }
}

/// The work a contract buys, as a referral's place names it: the provider's id (all its
/// interventions), or `provider/intervention` for a contract that buys one.
pub fn contract_place(provider: Uuid, intervention: Option<Uuid>) -> String {
    match intervention {
        Some(intervention) => format!("{provider}/{intervention}"),
        None => provider.to_string(),
    }
}

/// Whether a referral to `provider`'s `intervention` is work one of `places` buys.
pub fn place_covers(places: &BTreeSet<String>, provider: &str, intervention: Option<&str>) -> bool {
    places.contains(provider) || intervention.is_some_and(|i| places.contains(&format!("{provider}/{i}")))
}

type ContractRow = (Uuid, Uuid, Uuid, Option<Uuid>, Day, Option<Day>, String, Instant, Option<Day>, Option<Instant>);

impl ContractStore for Store {
    async fn save_contract(&self, contract: &Contract, audit: &AuditEntry) -> StoreResult<()> {
        self.insert_contract(contract, &audit.member_id.to_string(), audit.at, Some(audit)).await
    }

    async fn contract_records(&self) -> StoreResult<Vec<ContractRecord>> {
        let sql = "SELECT c.id, c.commissioner_id, c.provider_id, c.intervention_id, c.starts_on, c.ends_on, \
                   c.reference, c.recorded_at, e.ends_on, e.recorded_at \
                   FROM commissioned_contract c LEFT JOIN commissioned_contract_end e ON e.contract_id = c.id \
                   AND e.recorded_at = (SELECT max(x.recorded_at) FROM commissioned_contract_end x WHERE x.contract_id = c.id) \
                   ORDER BY c.recorded_at, c.id";
        let rows: Vec<ContractRow> = self.read_all(sql, params![]).await?;
        Ok(rows
            .into_iter()
            .map(|(id, commissioner, provider, intervention, starts_on, ends_on, reference, at, ended_on, ended_at)| {
                ContractRecord {
                    contract: Contract {
                        id,
                        commissioner,
                        provider,
                        intervention,
                        starts_on: starts_on.0,
                        ends_on: ended_on.or(ends_on).map(|d| d.0),
                        reference,
                    },
                    recorded_at: at.0,
                    ended_at: ended_at.map(|i| i.0),
                }
            })
            .collect())
    }

    async fn end_contract(&self, contract: Uuid, ending: Uuid, ends_on: Date, audit: &AuditEntry) -> StoreResult<()> {
        in_tx!(self, tx => {
            sqlx::query(
                "INSERT INTO commissioned_contract_end (id, contract_id, ends_on, recorded_by, recorded_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(ending)
            .bind(contract)
            .bind(Day(ends_on))
            .bind(audit.member_id.to_string())
            .bind(Instant(audit.at))
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
            insert_audit!(tx, audit);
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_contract_for_one_intervention_covers_only_its_referrals() {
        let (provider, alcohol, housing) = (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3));
        let one = BTreeSet::from([contract_place(provider, Some(alcohol))]);
        let (p, a, h) = (provider.to_string(), alcohol.to_string(), housing.to_string());
        assert!(place_covers(&one, &p, Some(&a)));
        assert!(!place_covers(&one, &p, Some(&h)), "another intervention of the provider");
        assert!(!place_covers(&one, &p, None), "work that names no intervention");
        let all = BTreeSet::from([contract_place(provider, None)]);
        assert!(place_covers(&all, &p, Some(&h)) && place_covers(&all, &p, None));
        assert!(!place_covers(&all, &Uuid::from_u128(9).to_string(), Some(&a)), "another provider");
    }
}
