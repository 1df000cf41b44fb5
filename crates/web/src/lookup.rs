//! The directory as pages show it: agencies and members named by their id, and the members a
//! form may pick. The lists come from `domain::directory::Directory`.

use domain::directory::{Agency, Member};
use domain::ids::{AgencyId, MemberId};
use std::collections::BTreeSet;

/// The agency's name, or its id when it is not in the list.
pub fn agency_name(agencies: &[Agency], id: AgencyId) -> String {
    agencies.iter().find(|a| a.id == id).map(|a| a.name.clone()).unwrap_or_else(|| id.to_string())
}

/// The member, when they are in the list.
pub fn member(members: &[Member], id: MemberId) -> Option<&Member> {
    members.iter().find(|m| m.id == id)
}

/// The member's name, or "" when they are not in the list.
pub fn member_name(members: &[Member], id: MemberId) -> String {
    member(members, id).map(|m| m.display_name.clone()).unwrap_or_default()
}

/// "Name (agency)": a member as a choice in a form.
pub fn member_label(member: &Member, agencies: &[Agency]) -> String {
    format!("{} ({})", member.display_name, agency_name(agencies, member.agency_id))
}

/// The members of `of` who can sign in (not disabled), in the directory's order.
pub fn members_of<'a>(members: &'a [Member], of: &'a BTreeSet<AgencyId>) -> impl Iterator<Item = &'a Member> {
    members.iter().filter(move |m| !m.disabled && of.contains(&m.agency_id))
}

/// The members of `of` who can sign in as (id, "name (agency)") choices.
pub fn member_choices(members: &[Member], agencies: &[Agency], of: &BTreeSet<AgencyId>) -> Vec<(String, String)> {
    members_of(members, of).map(|m| (m.id.to_string(), member_label(m, agencies))).collect()
}
