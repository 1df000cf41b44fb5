//! Who commissions whom (issue 21): a commissioning agency (a municipality, a region) contracts
//! a provider agency to deliver interventions — all of them, or the one the contract names —
//! from a day, under its own reference. Its commissioner members see the aggregates of that
//! work on the evidence pages. Administrators add and end contracts; a commissioner reads their
//! own agency's, nothing more. Ending is a dated change kept beside the contract, never a
//! delete; every read and change is audited, refusals too.

use super::Administration;
use crate::access::{Actor, Denial, Role};
use crate::audit::{AuditAction, AuditEntry, AuditLog};
use crate::directory::{Agency, DirectoryStore, SessionStore};
use crate::interventions::model::Intervention;
use crate::interventions::ports::InterventionStore;
use crate::partnership::ports::{PartnershipEdits, PartnershipStore, Passwords};
use crate::ports::StoreResult;
use crate::service::{ServiceError, ServiceResult};
use crate::validation::{FieldError, ValidationErrors, invalid, optional_text, parse_date};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Deserialize;
use std::future::Future;
use uuid::Uuid;

/// The longest reference a contract takes (one line).
pub const REFERENCE_MAX: usize = 200;

/// A contract: `commissioner` pays `provider` for its interventions (or for `intervention`
/// only) from `starts_on`, up to `ends_on` when it has an end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contract {
    pub id: Uuid,
    pub commissioner: Uuid,
    pub provider: Uuid,
    pub intervention: Option<Uuid>,
    pub starts_on: Date,
    pub ends_on: Option<Date>,
    /// The commissioner's own reference (may be empty).
    pub reference: String,
}

/// A contract as kept: `contract.ends_on` is the end in force (the newest ending recorded, else
/// the one it was made with).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractRecord {
    pub contract: Contract,
    pub recorded_at: Timestamp,
    /// When the end in force was recorded, when it was recorded after the contract was made.
    pub ended_at: Option<Timestamp>,
}

/// A contract as typed in a form or a JSON body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct ContractInput {
    pub commissioner_id: String,
    pub provider_id: String,
    /// Empty: every intervention of the provider.
    pub intervention_id: String,
    pub starts_on: String,
    /// Empty: open-ended.
    pub ends_on: String,
    pub reference: String,
}

/// An agency typed as an id, which must be one of `agencies`.
fn agency_of(errors: &mut ValidationErrors, field: &str, raw: &str, agencies: &[Agency]) -> Option<Uuid> {
    let raw = raw.trim();
    if raw.is_empty() {
        errors.push(FieldError::new(field, "error.required"));
        return None;
    }
    let found = Uuid::parse_str(raw).ok().filter(|id| agencies.iter().any(|a| a.id.as_uuid() == id));
    if found.is_none() {
        errors.push(FieldError::new(field, "error.agency.unknown"));
    }
    found
}

/// An optional date field (empty: none).
fn optional_date(errors: &mut ValidationErrors, field: &str, raw: &str) -> Option<Date> {
    if raw.trim().is_empty() {
        return None;
    }
    parse_date(field, raw).map_err(|e| errors.push(e)).ok()
}

impl ContractInput {
    /// Every problem at once: both agencies known and different, the intervention (if any) one
    /// of the provider's own, a start, an end not before it, a reference of one line.
    pub fn parse(
        &self,
        id: Uuid,
        agencies: &[Agency],
        interventions: &[Intervention],
    ) -> Result<Contract, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let commissioner = agency_of(&mut errors, "commissioner_id", &self.commissioner_id, agencies);
        let provider = agency_of(&mut errors, "provider_id", &self.provider_id, agencies);
        if commissioner.is_some() && commissioner == provider {
            errors.push(FieldError::new("provider_id", "error.contract.same_agency"));
        }
        let intervention = match self.intervention_id.trim() {
            "" => None,
            raw => {
                let found =
                    Uuid::parse_str(raw).ok().and_then(|id| interventions.iter().find(|i| *i.id.as_uuid() == id));
                match found {
                    None => errors.push(FieldError::new("intervention_id", "error.contract.unknown_intervention")),
                    Some(i) if provider.is_some_and(|p| *i.provider.as_uuid() != p) => {
                        errors.push(FieldError::new("intervention_id", "error.contract.not_the_providers"))
                    }
                    Some(_) => {}
                }
                found.map(|i| *i.id.as_uuid())
            }
        };
        let starts_on = if self.starts_on.trim().is_empty() {
            errors.push(FieldError::new("starts_on", "error.required"));
            None
        } else {
            parse_date("starts_on", &self.starts_on).map_err(|e| errors.push(e)).ok()
        };
        let ends_on = optional_date(&mut errors, "ends_on", &self.ends_on);
        if let (Some(start), Some(end)) = (starts_on, ends_on)
            && end < start
        {
            errors.push(FieldError::new("ends_on", "error.contract.ends_before_start").with("date", start));
        }
        let reference = optional_text(&mut errors, "reference", &self.reference, REFERENCE_MAX).unwrap_or_default();
        match (commissioner, provider, starts_on) {
            (Some(commissioner), Some(provider), Some(starts_on)) if errors.is_empty() => {
                Ok(Contract { id, commissioner, provider, intervention, starts_on, ends_on, reference })
            }
            _ => Err(errors),
        }
    }
}

/// The end of a contract as typed: the last day it runs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct EndContractInput {
    pub ends_on: String,
}

/// What the contracts are kept in; each write with its audit entry, in one transaction.
pub trait ContractStore: Send + Sync {
    fn save_contract(&self, contract: &Contract, audit: &AuditEntry) -> impl Future<Output = StoreResult<()>> + Send;
    /// Every contract with the end in force, oldest first.
    fn contract_records(&self) -> impl Future<Output = StoreResult<Vec<ContractRecord>>> + Send;
    /// Records that `contract` ends on `ends_on` (a row of its own, `ending` its id).
    fn end_contract(
        &self,
        contract: Uuid,
        ending: Uuid,
        ends_on: Date,
        audit: &AuditEntry,
    ) -> impl Future<Output = StoreResult<()>> + Send;
}

impl<S, P> Administration<'_, S, P>
where
    S: PartnershipStore
        + PartnershipEdits
        + DirectoryStore
        + SessionStore
        + AuditLog
        + ContractStore
        + InterventionStore,
    P: Passwords,
{
    /// The contracts `actor` may read: an administrator every one, a commissioner their own
    /// agency's (read only); anyone else is refused, on record.
    pub async fn contracts(&self, actor: &Actor) -> ServiceResult<Vec<ContractRecord>> {
        let what = "contracts";
        let all = self.store.contract_records().await?;
        if actor.roles.contains(&Role::Administrator) {
            self.listed(actor, "admin: contracts").await?;
            return Ok(all);
        }
        if !actor.roles.contains(&Role::Commissioner) {
            let denial = Denial::RoleLacksPermission;
            let entry = AuditEntry::new(actor, self.clock.now(), None, AuditAction::Denied, what, denial.code());
            self.store.append(&[entry]).await?;
            return Err(ServiceError::Forbidden(denial));
        }
        let own = *actor.agency_id.as_uuid();
        let entry = AuditEntry::new(
            actor,
            self.clock.now(),
            None,
            AuditAction::Listed,
            what,
            format!("role: {}; own agency", Role::Commissioner.code()),
        );
        self.store.append(&[entry]).await?;
        Ok(all.into_iter().filter(|r| r.contract.commissioner == own).collect())
    }

    /// The catalogue's interventions a contract may name, for those who may read contracts
    /// (the catalogue holds no personal data: not audited).
    pub async fn contract_interventions(&self, actor: &Actor) -> ServiceResult<Vec<Intervention>> {
        if !actor.roles.iter().any(|r| matches!(r, Role::Administrator | Role::Commissioner)) {
            return Err(ServiceError::Forbidden(Denial::RoleLacksPermission));
        }
        Ok(self.store.every_intervention().await?)
    }

    pub async fn add_contract(&self, actor: &Actor, input: &ContractInput) -> ServiceResult<ContractRecord> {
        self.allow(actor, "admin: add contract").await?;
        let now = self.clock.now();
        let agencies = self.store.agencies().await?;
        let interventions = self.store.every_intervention().await?;
        let contract = input.parse(crate::ids::new_v7(now), &agencies, &interventions)?;
        let what = format!(
            "admin: contract {} of {} with {} from {}",
            contract.id, contract.commissioner, contract.provider, contract.starts_on
        );
        let audit = self.entry(actor, AuditAction::Create, what);
        self.store.save_contract(&contract, &audit).await?;
        Ok(ContractRecord { contract, recorded_at: now, ended_at: None })
    }

    /// Ends a running contract on the day given (not before it started); an ended one stays
    /// as it is.
    pub async fn end_contract(
        &self,
        actor: &Actor,
        id: Uuid,
        input: &EndContractInput,
    ) -> ServiceResult<ContractRecord> {
        self.allow(actor, "admin: end contract").await?;
        let found = self.store.contract_records().await?.into_iter().find(|r| r.contract.id == id);
        let record = found.ok_or(ServiceError::NotFound)?;
        if record.contract.ends_on.is_some() {
            return Err(invalid(FieldError::new("ends_on", "error.contract.already_ended")));
        }
        if input.ends_on.trim().is_empty() {
            return Err(invalid(FieldError::new("ends_on", "error.required")));
        }
        let ends_on = parse_date("ends_on", &input.ends_on).map_err(invalid)?;
        if ends_on < record.contract.starts_on {
            let error =
                FieldError::new("ends_on", "error.contract.ends_before_start").with("date", record.contract.starts_on);
            return Err(invalid(error));
        }
        let now = self.clock.now();
        let audit = self.entry(actor, AuditAction::Update, format!("admin: end contract {id} on {ends_on}"));
        self.store.end_contract(id, crate::ids::new_v7(now), ends_on, &audit).await?;
        Ok(ContractRecord {
            contract: Contract { ends_on: Some(ends_on), ..record.contract },
            recorded_at: record.recorded_at,
            ended_at: Some(now),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::AgencyKind;
    use crate::ids::AgencyId;

    fn agency(n: u128, name: &str) -> Agency {
        Agency { id: AgencyId::from_uuid(Uuid::from_u128(n)), name: name.into(), kind: AgencyKind::Provider }
    }

    #[test]
    fn every_problem_is_named_at_once() {
        let agencies = [agency(1, "Gemeente"), agency(2, "Jellinek")];
        let input = ContractInput {
            commissioner_id: agencies[0].id.to_string(),
            provider_id: agencies[0].id.to_string(),
            intervention_id: Uuid::nil().to_string(),
            starts_on: "2026-05-01".into(),
            ends_on: "2026-04-01".into(),
            reference: "x".repeat(REFERENCE_MAX + 1),
        };
        let errors = input.parse(Uuid::nil(), &agencies, &[]).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["provider_id", "intervention_id", "ends_on", "reference"]);
        let empty = ContractInput::default().parse(Uuid::nil(), &agencies, &[]).unwrap_err();
        let fields: Vec<&str> = empty.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["commissioner_id", "provider_id", "starts_on"]);
    }

    #[test]
    fn a_good_contract_parses_with_an_open_end() {
        let agencies = [agency(1, "Gemeente"), agency(2, "Jellinek")];
        let input = ContractInput {
            commissioner_id: agencies[0].id.to_string(),
            provider_id: agencies[1].id.to_string(),
            starts_on: "01-01-2026".into(),
            reference: " WMO-2026-17 ".into(),
            ..ContractInput::default()
        };
        let contract = input.parse(Uuid::nil(), &agencies, &[]).unwrap();
        assert_eq!((contract.starts_on, contract.ends_on), (jiff::civil::date(2026, 1, 1), None));
        assert_eq!((contract.reference.as_str(), contract.intervention), ("WMO-2026-17", None));
    }
}
