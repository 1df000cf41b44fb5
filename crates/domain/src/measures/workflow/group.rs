//! Group membership: add, reclassify, link a plan, remove (with a reason, kept as history).

use crate::ids::{GroupId, MemberId, PersonId, PlanId};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use thiserror::Error;

#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum GroupError {
    #[error("give the group a name")]
    MissingName,
    #[error("this person is already a member of the group")]
    AlreadyMember(PersonId),
    #[error("this person is not a current member of the group")]
    NotMember(PersonId),
    #[error("this plan is already linked to another member of the group")]
    PlanLinkedToOtherMember(PlanId),
    #[error("say why the person leaves the group")]
    RemoveNeedsReason,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum MemberClass {
    Core,
    /// Follower, "wannabe".
    Follower,
    AtRisk,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupMember {
    pub person: PersonId,
    pub class: MemberClass,
    pub plan: Option<PlanId>,
    pub joined_on: Date,
    /// Set when the person left; members are never deleted, so the group's history stays.
    pub left: Option<(Date, String)>,
}

impl GroupMember {
    pub fn is_current(&self) -> bool {
        self.left.is_none()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewGroup {
    pub id: GroupId,
    pub name: String,
    pub area: String,
    pub process_manager: MemberId,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    pub id: GroupId,
    pub name: String,
    pub area: String,
    pub process_manager: MemberId,
    pub members: Vec<GroupMember>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum GroupCommand {
    AddMember { person: PersonId, class: MemberClass },
    Reclassify { person: PersonId, class: MemberClass },
    LinkPlan { person: PersonId, plan: PlanId },
    RemoveMember { person: PersonId, reason: String },
}

impl Group {
    pub fn form(new: NewGroup) -> Result<Self, GroupError> {
        if new.name.trim().is_empty() {
            return Err(GroupError::MissingName);
        }
        Ok(Self {
            id: new.id,
            name: new.name.trim().to_owned(),
            area: new.area.trim().to_owned(),
            process_manager: new.process_manager,
            members: Vec::new(),
        })
    }

    pub fn current_members(&self) -> impl Iterator<Item = &GroupMember> {
        self.members.iter().filter(|m| m.is_current())
    }

    fn current_mut(&mut self, person: PersonId) -> Result<&mut GroupMember, GroupError> {
        self.members.iter_mut().find(|m| m.person == person && m.is_current()).ok_or(GroupError::NotMember(person))
    }

    pub fn apply(mut self, command: GroupCommand, today: Date) -> Result<Self, GroupError> {
        match command {
            GroupCommand::AddMember { person, class } => {
                if self.current_members().any(|m| m.person == person) {
                    return Err(GroupError::AlreadyMember(person));
                }
                self.members.push(GroupMember { person, class, plan: None, joined_on: today, left: None });
            }
            GroupCommand::Reclassify { person, class } => {
                self.current_mut(person)?.class = class;
            }
            GroupCommand::LinkPlan { person, plan } => {
                if self.current_members().any(|m| m.plan == Some(plan) && m.person != person) {
                    return Err(GroupError::PlanLinkedToOtherMember(plan));
                }
                self.current_mut(person)?.plan = Some(plan);
            }
            GroupCommand::RemoveMember { person, reason } => {
                if reason.trim().is_empty() {
                    return Err(GroupError::RemoveNeedsReason);
                }
                self.current_mut(person)?.left = Some((today, reason.trim().to_owned()));
            }
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use uuid::Uuid;

    pub(crate) fn group() -> Group {
        Group::form(NewGroup {
            id: GroupId(Uuid::from_u128(1)),
            name: " Youth group Oost ".into(),
            area: "Oost".into(),
            process_manager: MemberId(Uuid::from_u128(2)),
        })
        .unwrap()
    }
    fn person(n: u128) -> PersonId {
        PersonId(Uuid::from_u128(100 + n))
    }
    fn today() -> jiff::civil::Date {
        date(2026, 3, 2)
    }

    #[test]
    fn a_group_needs_a_name() {
        assert_eq!(group().name, "Youth group Oost");
        let unnamed = NewGroup {
            id: GroupId(Uuid::nil()),
            name: " ".into(),
            area: String::new(),
            process_manager: MemberId(Uuid::nil()),
        };
        assert_eq!(Group::form(unnamed).unwrap_err(), GroupError::MissingName);
    }

    #[test]
    fn members_are_added_once_classified_and_linked_to_their_own_plan() {
        let add = |p, class| GroupCommand::AddMember { person: person(p), class };
        let g = group().apply(add(1, MemberClass::Core), today()).unwrap();
        assert_eq!(
            g.clone().apply(add(1, MemberClass::AtRisk), today()).unwrap_err(),
            GroupError::AlreadyMember(person(1))
        );
        let g = g.apply(add(2, MemberClass::Follower), today()).unwrap();
        let g = g.apply(GroupCommand::Reclassify { person: person(2), class: MemberClass::AtRisk }, today()).unwrap();
        assert_eq!(g.members[1].class, MemberClass::AtRisk);
        let plan = PlanId(Uuid::from_u128(9));
        let g = g.apply(GroupCommand::LinkPlan { person: person(1), plan }, today()).unwrap();
        assert_eq!(g.members[0].plan, Some(plan));
        assert_eq!(
            g.clone().apply(GroupCommand::LinkPlan { person: person(2), plan }, today()).unwrap_err(),
            GroupError::PlanLinkedToOtherMember(plan)
        );
        assert_eq!(
            g.apply(GroupCommand::Reclassify { person: person(3), class: MemberClass::Core }, today()).unwrap_err(),
            GroupError::NotMember(person(3))
        );
    }

    #[test]
    fn leaving_keeps_the_history_and_allows_rejoining() {
        let g =
            group().apply(GroupCommand::AddMember { person: person(1), class: MemberClass::Core }, today()).unwrap();
        assert_eq!(
            g.clone().apply(GroupCommand::RemoveMember { person: person(1), reason: " ".into() }, today()).unwrap_err(),
            GroupError::RemoveNeedsReason
        );
        let g = g
            .apply(GroupCommand::RemoveMember { person: person(1), reason: "moved to another city".into() }, today())
            .unwrap();
        assert_eq!(g.current_members().count(), 0);
        assert_eq!(g.members.len(), 1);
        assert_eq!(
            g.clone().apply(GroupCommand::RemoveMember { person: person(1), reason: "x".into() }, today()).unwrap_err(),
            GroupError::NotMember(person(1))
        );
        let g = g.apply(GroupCommand::AddMember { person: person(1), class: MemberClass::Follower }, today()).unwrap();
        assert_eq!(g.current_members().count(), 1);
    }
}
