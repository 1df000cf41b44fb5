//! Police intake: the case, its first clocks, and the table joining the suspect's team.

use crate::people::{Identifier, IdentifierKind};
use crate::zsm::service::*;

impl<S: ZsmStore + PeopleStore + AuditLog + DirectoryStore> Zsm<'_, S> {
    /// Police intake from a police system that knows the suspect by an identifier (a BSN, a
    /// PNC id), not by desist's id: the person holding it is the suspect. Only a police
    /// officer may look a person up this way, and the lookup is on record against the person
    /// found; an identifier nobody holds is refused on `suspect_identifier`, beside whatever
    /// else in the intake is wrong.
    pub async fn register_by_identifier(
        &self,
        actor: &Actor,
        form: &IntakeForm,
        kind: &str,
        value: &str,
    ) -> ServiceResult<CaseId> {
        Self::may_register(actor)?;
        let field = "suspect_identifier";
        let identifier = kind
            .parse::<IdentifierKind>()
            .map_err(|e| FieldError { field: format!("{field}.kind"), ..e })
            .and_then(|kind| Identifier::parse(kind, value, &format!("{field}.value")))
            .map_err(invalid)?;
        let found = self.store.holder_of(std::slice::from_ref(&identifier), None).await?.map(|(_, person)| person);
        let Some(person) = found else {
            let mut form = form.clone();
            form.suspect_id.clear();
            let not_found = FieldError::new(field, "zsm.error.unknown_identifier");
            // Everything else the intake gets wrong is named too; registering cannot succeed.
            return Err(match self.register(actor, &form).await {
                Err(ServiceError::Invalid(mut errors)) => {
                    errors.0.retain(|e| e.field != "suspect_id");
                    errors.0.insert(0, not_found);
                    ServiceError::Invalid(errors)
                }
                Err(other) => other,
                Ok(_) => ServiceError::Invalid(ValidationErrors::single(not_found)),
            });
        };
        let what = "ZSM intake: suspect found by identifier";
        let entry = AuditEntry::new(actor, self.now(), Some(person), AuditAction::Listed, what, "police intake");
        self.store.append(&[entry]).await?;
        let form = IntakeForm { suspect_id: person.to_string(), ..form.clone() };
        self.register(actor, &form).await
    }

    /// Police intake. The police agency, the table's partners and the suspect's lawyer's
    /// agency join the suspect's team on their statutory task, in the same transaction.
    pub async fn register(&self, actor: &Actor, form: &IntakeForm) -> ServiceResult<CaseId> {
        Self::require_any_role(actor, &[Role::PoliceOfficer])?;
        if self.agency_kind(actor.agency_id).await? != AgencyKind::Police {
            return Err(ServiceError::Forbidden(Denial::RoleLacksPermission));
        }
        let unknown_location = || invalid(FieldError::new("location", "zsm.error.unknown_location"));
        let location = self.store.location(form.location.trim()).await?.ok_or_else(unknown_location)?;
        let pack = location.pack()?;
        let input = form.parse(pack, actor.member_id)?;
        let mut errors = ValidationErrors::default();
        if self.store.person(input.suspect).await?.is_none() {
            errors.push(FieldError::new("suspect_id", "zsm.error.unknown_person"));
        }
        for (index, victim) in input.victims.iter().enumerate() {
            if let Victim::Known(person) = victim
                && self.store.person(*person).await?.is_none()
            {
                errors.push(FieldError::new(format!("victims[{index}].person_id"), "zsm.error.unknown_person"));
            }
        }
        let lawyer = match form.lawyer() {
            Some(id) => match self.store.member(id).await? {
                Some(member) if member.roles.contains(&Role::DefenceLawyer) && !member.disabled => {
                    if !self.lawyer_serves(&member, &location.pack).await? {
                        errors.push(FieldError::new("lawyer_id", "zsm.error.lawyer_other_jurisdiction"));
                    }
                    Some(member)
                }
                _ => {
                    errors.push(FieldError::new("lawyer_id", "zsm.error.not_a_lawyer"));
                    None
                }
            },
            None => None,
        };
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        let now = self.now();
        let suspect = input.suspect;
        let (case, effects) = register(CaseId::new(now), input, pack, self.clock)?;
        let clocks: Vec<ClockRun> = effects
            .iter()
            .filter_map(|effect| match effect {
                CaseEffect::ClockStarted(run) => Some(run.clone()),
                _ => None,
            })
            .collect();
        // Who joins the suspect's team: the registering police, the table, the lawyer's office.
        let mut joining: Vec<AgencyId> = vec![actor.agency_id];
        joining.extend(location.agencies.iter().copied());
        joining.extend(lawyer.as_ref().map(|m| m.agency_id));
        let agencies = self.store.agencies().await?;
        let existing = self.store.team(suspect).await?;
        let today = self.today(pack);
        let mut team = Vec::new();
        let mut audit = Vec::new();
        for agency_id in joining {
            let Some(agency) = agencies.iter().find(|a| a.id == agency_id) else { continue };
            // The defence only joins as a named lawyer's office, never as a table partner.
            let is_lawyers_office = lawyer.as_ref().is_some_and(|m| m.agency_id == agency_id);
            if agency.kind == AgencyKind::Defence && !is_lawyers_office {
                continue;
            }
            let on_team =
                existing.iter().chain(team.iter()).any(|e: &TeamEntry| e.agency_id == agency_id && e.is_active(today));
            if on_team {
                continue;
            }
            let entry = TeamEntry {
                id: TeamEntryId::new(now),
                person_id: suspect,
                agency_id,
                basis: table_basis(agency.kind, pack),
                reason: format!("ZSM {}: case {}", location.name, case.id),
                added_by: actor.member_id,
                added_at: now,
                ended_at: None,
            };
            let what = format!("team: added agency {} ({})", agency.name, entry.basis.summary());
            audit.push(AuditEntry::new(actor, now, Some(suspect), AuditAction::TeamAdd, what, entry.basis.summary()));
            team.push(entry);
        }
        let basis = table_basis(AgencyKind::Police, pack).summary();
        audit.push(AuditEntry::new(
            actor,
            now,
            Some(suspect),
            AuditAction::Create,
            format!("ZSM case {}", case.id),
            basis,
        ));
        let stored = StoredCase { lawyer: lawyer.map(|m| m.id), version: 1, clocks, case };
        let index = index(&stored.case, &stored.clocks, pack);
        self.store
            .create_case(CaseWrite {
                stored: &stored,
                index: &index,
                effects: &effects,
                clock_effects: &[],
                by: actor.member_id,
                at: now,
                audit: &audit,
                team: &team,
                referrals: &[],
            })
            .await
            .map_err(case_write_error)?;
        Ok(stored.case.id)
    }
}
