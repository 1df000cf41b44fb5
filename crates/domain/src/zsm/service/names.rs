//! What a ZSM page names beside the ids of a case: the suspect and the known victims, the
//! members who decided, amended or defend, and the lawyers a case can name.

use std::collections::BTreeMap;

use crate::access::Role;
use crate::directory::{DirectoryStore, Member};
use crate::ids::{MemberId, PersonId};
use crate::zsm::model::intake::Victim;
use crate::zsm::service::*;

/// The names on a case as its reader may see it, by id.
#[derive(Debug, Clone, Default)]
pub struct CaseNames {
    pub persons: BTreeMap<PersonId, String>,
    pub members: BTreeMap<MemberId, String>,
    /// The suspect's date of birth and identifiers, for the decision record.
    pub suspect_born: Option<jiff::civil::Date>,
    pub suspect_identifiers: Vec<crate::people::Identifier>,
    /// The table's agencies by kind code (e.g. `police` → "Politie Utrecht"), naming who
    /// monitors an obligation.
    pub agencies: BTreeMap<String, String>,
}

impl<S: ZsmStore + PeopleStore + AuditLog + DirectoryStore> Zsm<'_, S> {
    /// The names on a case the reader opened ([`Zsm::open`] authorised and audited the read):
    /// the suspect and the known victims the reader's view shows, and the members who decided,
    /// amended or are the suspect's lawyer.
    pub async fn names(&self, file: &CaseFile) -> ServiceResult<CaseNames> {
        let case = &file.view.case;
        let details = case.intake.details();
        let known = details.victims.iter().filter_map(|v| match v {
            Victim::Known(person) => Some(*person),
            Victim::Anonymous { .. } => None,
        });
        let mut names = CaseNames::default();
        for person in std::iter::once(details.suspect).chain(known) {
            if let Some(found) = self.store.person(person).await? {
                if person == details.suspect {
                    names.suspect_born = found.details.birth_date;
                    names.suspect_identifiers = found.details.identifiers.clone();
                }
                names.persons.insert(person, found.display_name());
            }
        }
        for agency in self.store.agencies().await? {
            if file.location.agencies.contains(&agency.id) {
                names.agencies.entry(agency.kind.code().to_string()).or_insert(agency.name);
            }
        }
        let decisions = case.status.decision().into_iter().chain(case.amendments.iter().map(|a| &a.previous));
        let acting: Vec<MemberId> = decisions
            .map(|d| d.decided_by)
            .chain(case.amendments.iter().map(|a| a.amended_by))
            .chain(file.lawyer)
            .chain(file.consultation.as_ref().and_then(|c| c.by))
            .collect();
        if !acting.is_empty() {
            for member in self.store.members().await?.into_iter().filter(|m| acting.contains(&m.id)) {
                names.members.insert(member.id, member.display_name);
            }
        }
        Ok(names)
    }

    /// The defence lawyers a case can name: members holding the role who can sign in.
    pub async fn lawyers(&self) -> ServiceResult<Vec<Member>> {
        let members = self.store.members().await?;
        Ok(members.into_iter().filter(|m| m.roles.contains(&Role::DefenceLawyer) && !m.disabled).collect())
    }
}
