//! The group approach: the process manager forms a named group, adds people (whom their agency
//! must be on the team of) classified core / follower / at risk, and sees on one page how every
//! member's individual plan is going. Members the viewer's agency may not see are counted, not
//! shown.

use crate::access::{Actor, Permission};
use crate::audit::{AuditAction, AuditEntry, AuditLog};
use crate::directory::DirectoryStore;
use crate::ids::{GroupId, PersonId, new_v7};
use crate::measures::model::parse;
use crate::measures::ports::{MeasureStore, Stored};
use crate::measures::service::Measures;
use crate::measures::{
    Group, GroupAction, GroupCommand, GroupError, GroupInput, GroupMember, GroupProgress, NewGroup, class,
    group_field_error, progress,
};
use crate::people::ports::PeopleStore;
use crate::plan::Plan;
use crate::plan::ports::PlanStore;
use crate::service::{Authorised, ServiceError, ServiceResult, require};
use crate::validation::{FieldError, invalid};

fn refused(error: GroupError) -> ServiceError {
    invalid(group_field_error(&error))
}

/// A member the viewer may see, with their plan as it is now.
#[derive(Debug, Clone)]
pub struct MemberLine {
    pub member: GroupMember,
    pub name: String,
    pub plan: Option<Plan>,
}

/// Everything the group page shows.
#[derive(Debug, Clone)]
pub struct GroupFile {
    pub group: Stored<Group>,
    pub members: Vec<MemberLine>,
    /// Current members on teams the viewer's agency is not on.
    pub hidden: usize,
    /// Over the members shown.
    pub progress: GroupProgress,
}

fn change_name(action: &GroupAction) -> &'static str {
    match action {
        GroupAction::AddMember { .. } => "add_member",
        GroupAction::Reclassify { .. } => "reclassify",
        GroupAction::Remove { .. } => "remove_member",
    }
}

impl<S: PeopleStore + AuditLog + DirectoryStore + MeasureStore + PlanStore> Measures<'_, S> {
    /// The groups (names and areas only), for the process manager.
    pub async fn groups(&self, actor: &Actor) -> ServiceResult<Vec<Stored<Group>>> {
        require(actor, Permission::ManagePlan)?;
        Ok(self.store.measures_of_kind::<Group>().await?)
    }

    pub async fn form_group(&self, actor: &Actor, input: &GroupInput) -> ServiceResult<Group> {
        crate::service::require_audited(self.store, actor, Permission::ManagePlan, "group: form", self.clock.now())
            .await?;
        let new = NewGroup {
            id: GroupId(new_v7(self.now())),
            name: input.name.clone(),
            area: input.area.clone(),
            process_manager: actor.member_id,
        };
        let group = Group::form(new).map_err(refused)?;
        let audit = AuditEntry::new(actor, self.now(), None, AuditAction::Create, "group: form", "role");
        self.save(actor, &group, 1, "form", vec![audit], &[]).await?;
        Ok(group)
    }

    async fn stored_group(&self, id: &str) -> ServiceResult<Stored<Group>> {
        let id = uuid::Uuid::parse_str(id.trim()).map_err(|_| ServiceError::NotFound)?;
        self.store.measure::<Group>(id).await?.ok_or(ServiceError::NotFound)
    }

    /// The group with the members the actor may see and their plans' progress; each member
    /// shown is audited.
    pub async fn group(&self, actor: &Actor, id: &str) -> ServiceResult<GroupFile> {
        require(actor, Permission::ManagePlan)?;
        let stored = self.stored_group(id).await?;
        let current: Vec<GroupMember> = stored.value.current_members().cloned().collect();
        let people: Vec<_> = current.iter().map(|m| m.person).collect();
        let names = self.visible_names(actor, people, "group page: member").await?;
        let mut members = Vec::new();
        for member in current.iter().filter(|m| names.contains_key(&m.person)) {
            let plan = self.store.current_plan(member.person).await?.map(|s| s.plan);
            let name = names[&member.person].clone();
            members.push(MemberLine { member: member.clone(), name, plan });
        }
        // Progress over the members shown, each with the plan they have now.
        let mut shown = stored.value.clone();
        shown.members.retain(|m| m.is_current() && names.contains_key(&m.person));
        for member in &mut shown.members {
            member.plan =
                members.iter().find(|l| l.member.person == member.person).and_then(|l| l.plan.as_ref()).map(|p| p.id);
        }
        let plans: Vec<&Plan> = members.iter().filter_map(|l| l.plan.as_ref()).collect();
        let progress = progress(&shown, plans, self.today());
        let hidden = current.len() - members.len();
        Ok(GroupFile { group: stored, members, hidden, progress })
    }

    /// Changes the membership of group `id` (from the group page).
    pub async fn change_group(&self, actor: &Actor, id: &str, action: &GroupAction) -> ServiceResult<()> {
        crate::service::require_audited(
            self.store,
            actor,
            Permission::ManagePlan,
            "group: change members",
            self.clock.now(),
        )
        .await?;
        let stored = self.stored_group(id).await?;
        let person = match action {
            GroupAction::AddMember { person, .. }
            | GroupAction::Reclassify { person, .. }
            | GroupAction::Remove { person, .. } => parse::person(person, "person")?,
        };
        let what = format!("group: {}", change_name(action).replace('_', " "));
        let found = self.authorise_named(actor, person, Permission::ManagePlan, &what, "person").await?;
        self.apply_group_change(actor, stored, &found, action).await
    }

    /// Adds the person on the page to a group (from the person's measures page).
    pub async fn join_group(&self, actor: &Actor, person: PersonId, group: &str, class: &str) -> ServiceResult<()> {
        let what = "group: add member";
        let found = self.authorise(actor, person, Permission::ManagePlan, what).await?;
        let stored = match self.stored_group(group).await {
            Err(ServiceError::NotFound) => return Err(invalid(FieldError::new("group", "error.group.unknown"))),
            other => other?,
        };
        let action = GroupAction::AddMember { person: person.to_string(), class: class.to_owned() };
        self.apply_group_change(actor, stored, &found, &action).await
    }

    async fn apply_group_change(
        &self,
        actor: &Actor,
        stored: Stored<Group>,
        found: &Authorised,
        action: &GroupAction,
    ) -> ServiceResult<()> {
        let person = found.person.id;
        let today = self.today();
        let mut group = stored.value;
        match action {
            GroupAction::AddMember { class: text, .. } => {
                let command = GroupCommand::AddMember { person, class: class(text)? };
                group = group.apply(command, today).map_err(refused)?;
                let open = self.store.current_plan(person).await?.filter(|s| !s.plan.status.has_ended());
                if let Some(plan) = open {
                    let link = GroupCommand::LinkPlan { person, plan: plan.plan.id };
                    group = group.apply(link, today).map_err(refused)?;
                }
            }
            GroupAction::Reclassify { class: text, .. } => {
                let command = GroupCommand::Reclassify { person, class: class(text)? };
                group = group.apply(command, today).map_err(refused)?;
            }
            GroupAction::Remove { reason, .. } => {
                let command = GroupCommand::RemoveMember { person, reason: reason.clone() };
                group = group.apply(command, today).map_err(refused)?;
            }
        }
        let change = change_name(action);
        let what = format!("group: {}", change.replace('_', " "));
        let audit = self.audited(actor, &[(found, AuditAction::Update)], &what);
        self.save(actor, &group, stored.version + 1, change, audit, &[]).await
    }

    /// The groups `person` could be added to from their page.
    pub async fn groups_for_person_page(&self, actor: &Actor) -> ServiceResult<Vec<Stored<Group>>> {
        if actor.can(Permission::ManagePlan) { self.groups(actor).await } else { Ok(Vec::new()) }
    }
}
