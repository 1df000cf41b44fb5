//! Project groups and their grants: a keeper of the supporting agency names several service
//! users together (each of whom they may work with, each having consented), a grant pot grants
//! the group money — pending, approved by a second member above the fund's threshold, then
//! paid out — and the group's purchases are committed and posted like a person's. Every read
//! and write of a member is audited on the group's consent.

use super::{Funds, keeps, keeps_funds};
use crate::access::{Actor, Permission};
use crate::audit::{AuditAction, AuditEntry, AuditLog};
use crate::funds::model::groups::*;
use crate::funds::model::{Account, AccountCode, Fund, FundKind, Transfer, TransferKind};
use crate::funds::ports::FundStore;
use crate::funds::workflow::FundError;
use crate::ids::PersonId;
use crate::people::ports::PeopleStore;
use crate::service::{ServiceError, ServiceResult, authorise_person, listed_with_names};
use crate::validation::{FieldError, ValidationErrors, required_text};
use std::collections::BTreeMap;

/// A group as typed in: its name, project and goals, the members chosen, and whether every
/// member agreed to take part and to be named.
#[derive(Debug, Clone, Default)]
pub struct GroupInput {
    pub name: String,
    pub project: String,
    pub goals: String,
    pub members: Vec<String>,
    pub consented: bool,
}

/// What the group's page shows.
#[derive(Debug, Clone)]
pub struct GroupFile {
    pub group: ProjectGroup,
    /// The members' names the member may see (listed and audited); others are not named.
    pub names: BTreeMap<PersonId, String>,
    pub funds: Vec<GroupFund>,
    pub transfers: Vec<Transfer>,
    /// The grant pots the member keeps, which may grant the group money.
    pub grant_pots: Vec<Fund>,
}

fn consent_basis(group: GroupId) -> String {
    format!("consent: project group {group}")
}

/// The group's figures in one fund from its two accounts.
pub fn group_fund(fund: Fund, group: GroupId, accounts: &[Account]) -> GroupFund {
    let find = |code: AccountCode| accounts.iter().find(|a| a.fund == fund.id && a.code == code);
    let own = find(AccountCode::Group(group));
    GroupFund {
        group,
        available_cents: own.map_or(0, Account::available),
        granted_pending_cents: own.map_or(0, |a| a.totals.credits_pending),
        committed_cents: own.map_or(0, |a| a.totals.debits_pending),
        spent_cents: find(AccountCode::GroupSpent(group)).map_or(0, |a| a.totals.credit_balance()),
        fund,
    }
}

impl<
    S: FundStore + PeopleStore + AuditLog + crate::plan::ports::PlanStore + crate::interventions::ports::InterventionStore,
> Funds<'_, S>
{
    /// The group, for a keeper of the agency that supports it; anyone else is refused and audited.
    async fn kept_group(&self, actor: &Actor, id: GroupId, what: &str) -> ServiceResult<ProjectGroup> {
        let group = self.store.group(id).await?.ok_or(ServiceError::NotFound)?;
        if group.agency == actor.agency_id && keeps_funds(actor) {
            Ok(group)
        } else {
            Err(self.refuse(actor, what).await)
        }
    }

    /// Names several service users together as a project group.
    pub async fn create_group(&self, actor: &Actor, input: &GroupInput) -> ServiceResult<ProjectGroup> {
        let what = "funds: project group";
        if !keeps_funds(actor) {
            return Err(self.refuse(actor, what).await);
        }
        let mut errors = ValidationErrors::default();
        let name = required_text(&mut errors, "name", &input.name, GROUP_NAME_MAX);
        let project = required_text(&mut errors, "project", &input.project, PROJECT_MAX);
        let goals = required_text(&mut errors, "goals", &input.goals, PROJECT_MAX);
        let mut people: Vec<PersonId> = Vec::new();
        for raw in input.members.iter().filter(|m| !m.trim().is_empty()) {
            match PersonId::parse(raw) {
                Ok(p) if !people.contains(&p) => people.push(p),
                Ok(_) => {}
                Err(_) => errors.push(FieldError::new("members", "error.funds.group_members")),
            }
        }
        if !(GROUP_MIN_MEMBERS..=GROUP_MAX_MEMBERS).contains(&people.len()) {
            errors.push(
                FieldError::new("members", "error.funds.group_members")
                    .with("min", GROUP_MIN_MEMBERS)
                    .with("max", GROUP_MAX_MEMBERS),
            );
        }
        if !input.consented {
            errors.push(FieldError::new("consented", "error.funds.group_consent"));
        }
        if !errors.is_empty() {
            return Err(errors.into());
        }
        let now = self.clock.now();
        let today = self.today();
        let id = GroupId(crate::ids::new_v7(now));
        let mut audit = Vec::new();
        let mut members = Vec::new();
        for person in people {
            // Only people the member works with may be named; a refusal is audited.
            authorise_person(self.store, actor, person, Permission::WorkOnPlan, what, now, today).await?;
            audit.push(AuditEntry::new(actor, now, Some(person), AuditAction::Update, what, consent_basis(id)));
            members.push(GroupMember { person, consented_on: today, recorded_by: actor.member_id });
        }
        members.sort_by_key(|m| m.person);
        let group = ProjectGroup {
            id,
            agency: actor.agency_id,
            name,
            project,
            goals,
            members,
            created_at: now,
            created_by: actor.member_id,
        };
        self.store.save_group(&group, &audit).await?;
        Ok(group)
    }

    /// The groups the member's agency supports (no member is named).
    pub async fn groups(&self, actor: &Actor) -> ServiceResult<Vec<ProjectGroup>> {
        if !keeps_funds(actor) {
            return Err(self.refuse(actor, "funds: project groups").await);
        }
        Ok(self.store.groups_of_agency(actor.agency_id).await?)
    }

    /// The group with its members, money and transfers.
    pub async fn group_file(&self, actor: &Actor, id: GroupId) -> ServiceResult<GroupFile> {
        let what = "funds: project group";
        let group = self.kept_group(actor, id, what).await?;
        let now = self.clock.now();
        let people: Vec<PersonId> = group.members.iter().map(|m| m.person).collect();
        let names = listed_with_names(self.store, actor, people, |p| *p, what, now, self.today()).await?;
        let accounts = self.store.group_accounts(id).await?;
        let transfers = self.store.transfers_of_group(id).await?;
        let mut fund_ids: Vec<_> = accounts.iter().map(|a| a.fund).collect();
        fund_ids.dedup();
        let mut funds = Vec::new();
        for fund in fund_ids {
            if let Some(fund) = self.store.fund(fund).await? {
                funds.push(group_fund(fund, id, &accounts));
            }
        }
        let grant_pots =
            self.store.funds().await?.into_iter().filter(|f| f.kind == FundKind::GrantPot && keeps(actor, f)).collect();
        Ok(GroupFile { group, names: names.into_iter().collect(), funds, transfers, grant_pots })
    }

    /// The audit entries of a transfer for a group: one per member, on the group's consent.
    /// Only the supporting agency moves a group's money.
    pub(super) async fn group_transfer_audit(
        &self,
        actor: &Actor,
        id: GroupId,
        transfer: &Transfer,
    ) -> ServiceResult<Vec<AuditEntry>> {
        let Some(group) = self.store.group(id).await? else { return Err(FundError::UnknownGroup.into()) };
        if group.agency != actor.agency_id {
            return Err(self.refuse(actor, "funds: transfer").await);
        }
        let what = match transfer.kind {
            TransferKind::Grant => "funds: grant".to_string(),
            kind => format!("funds: group {}", kind.code()),
        };
        let now = self.clock.now();
        Ok(group
            .members
            .iter()
            .map(|m| AuditEntry::new(actor, now, Some(m.person), AuditAction::Update, &what, consent_basis(id)))
            .collect())
    }
}
