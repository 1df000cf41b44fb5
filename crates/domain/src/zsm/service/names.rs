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

    /// The defence lawyers offered at a location of one of `packs`: those whose office works
    /// under one of them ([`office_packs`]); an office that says nothing is taken to work under
    /// the deployment's pack (`default_pack`). A Dutch piket lawyer is not offered at an
    /// England and Wales custody suite, nor a duty solicitor at a Dutch table.
    pub async fn lawyers_at(&self, packs: &[&str], default_pack: &str) -> ServiceResult<Vec<Member>> {
        let (named, locations) = (self.store.agency_packs().await?, self.store.locations().await?);
        let lawyers = self.lawyers().await?;
        Ok(lawyers
            .into_iter()
            .filter(|m| {
                let own = office_packs(m.agency_id, &named, &locations);
                if own.is_empty() {
                    packs.contains(&default_pack)
                } else {
                    own.iter().any(|p| packs.contains(&p.as_str()))
                }
            })
            .collect())
    }

    /// Whether `lawyer` may be named at a location of `pack`: not when their office is known
    /// to work under other packs only (the form offered no such lawyer; an API call might).
    pub(super) async fn lawyer_serves(&self, lawyer: &Member, pack: &str) -> ServiceResult<bool> {
        let (named, locations) = (self.store.agency_packs().await?, self.store.locations().await?);
        let own = office_packs(lawyer.agency_id, &named, &locations);
        Ok(own.is_empty() || own.iter().any(|p| p == pack))
    }
}

/// The packs an office works under: the pack it names for itself, else the packs of the
/// locations it sits at; empty when neither says.
pub fn office_packs(agency: AgencyId, named: &[(AgencyId, String)], locations: &[ZsmLocation]) -> Vec<String> {
    if let Some((_, own)) = named.iter().find(|(id, _)| *id == agency) {
        return vec![own.clone()];
    }
    let mut packs: Vec<String> =
        locations.iter().filter(|l| l.agencies.contains(&agency)).map(|l| l.pack.clone()).collect();
    packs.sort();
    packs.dedup();
    packs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn location(pack: &str, agencies: Vec<AgencyId>) -> ZsmLocation {
        ZsmLocation { code: pack.into(), name: pack.into(), pack: pack.into(), agencies, time_zone: None }
    }

    #[test]
    fn an_office_works_under_its_own_pack_else_its_locations_packs() {
        let (dutch, english, unknown) = (
            AgencyId::new(jiff::Timestamp::UNIX_EPOCH),
            AgencyId::new(jiff::Timestamp::UNIX_EPOCH),
            AgencyId::new(jiff::Timestamp::UNIX_EPOCH),
        );
        let locations = [location("nl", vec![dutch]), location("england-wales", vec![english])];
        assert_eq!(office_packs(dutch, &[], &locations), vec!["nl".to_string()]);
        assert_eq!(office_packs(english, &[], &locations), vec!["england-wales".to_string()]);
        assert!(office_packs(unknown, &[], &locations).is_empty());
        let named = [(dutch, "italy".to_string())];
        assert_eq!(office_packs(dutch, &named, &locations), vec!["italy".to_string()]);
    }
}
