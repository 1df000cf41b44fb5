//! The group's progress on one page: per class, how many members have a plan, in which state,
//! and how their tasks stand.

use crate::ids::PersonId;
use crate::measures::{Group, MemberClass};
use crate::plan::{Plan, PlanStatus, TaskStatus};
use jiff::civil::Date;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ClassProgress {
    pub members: usize,
    pub with_plan: usize,
    /// Plans per status name ("draft", "active", "closed"...).
    pub plans_by_status: BTreeMap<&'static str, usize>,
    pub goals_met: usize,
    pub tasks_total: usize,
    pub tasks_done: usize,
    pub tasks_overdue: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GroupProgress {
    pub current_members: usize,
    pub by_class: BTreeMap<MemberClass, ClassProgress>,
    /// Current members with no plan yet, or whose linked plan was not supplied.
    pub without_plan: Vec<PersonId>,
}

/// Summarises the current members' plans. `plans` may hold any plans; those not linked to a
/// current member are ignored. Cancelled tasks do not count towards the total.
pub fn progress<'a>(group: &Group, plans: impl IntoIterator<Item = &'a Plan>, today: Date) -> GroupProgress {
    let plans: BTreeMap<_, _> = plans.into_iter().map(|p| (p.id, p)).collect();
    let mut by_class: BTreeMap<MemberClass, ClassProgress> = BTreeMap::new();
    let mut without_plan = Vec::new();
    for member in group.current_members() {
        let class = by_class.entry(member.class).or_default();
        class.members += 1;
        let Some(plan) = member.plan.and_then(|id| plans.get(&id)) else {
            without_plan.push(member.person);
            continue;
        };
        class.with_plan += 1;
        *class.plans_by_status.entry(plan.status.name()).or_default() += 1;
        if matches!(plan.status, PlanStatus::Closed { outcome: crate::plan::Outcome::GoalsMet, .. }) {
            class.goals_met += 1;
        }
        for task in plan.tasks.iter().filter(|t| !matches!(t.status, TaskStatus::Cancelled { .. })) {
            class.tasks_total += 1;
            class.tasks_done += usize::from(task.status == TaskStatus::Done);
            class.tasks_overdue += usize::from(task.is_overdue(today));
        }
    }
    GroupProgress { current_members: group.current_members().count(), by_class, without_plan }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{GroupId, MemberId};
    use crate::measures::{GroupCommand, NewGroup};
    use crate::plan::PlanCommand;
    use crate::plan::test_support::{active, draft, run, start, task_id};
    use jiff::civil::date;
    use uuid::Uuid;

    #[test]
    fn progress_is_summed_per_class_over_the_members_plans() {
        let core_plan = run(
            active(1),
            vec![PlanCommand::ChangeTaskStatus { task: task_id(1), status: TaskStatus::Done, by_referral: None }],
            start(),
        );
        let follower_plan = draft(2);
        let unrelated = active(3);
        let mut group = Group::form(NewGroup {
            id: GroupId(Uuid::from_u128(1)),
            name: "Oost".into(),
            area: "Oost".into(),
            process_manager: MemberId(Uuid::from_u128(2)),
        })
        .unwrap();
        let commands = vec![
            GroupCommand::AddMember { person: core_plan.person, class: MemberClass::Core },
            GroupCommand::LinkPlan { person: core_plan.person, plan: core_plan.id },
            GroupCommand::AddMember { person: follower_plan.person, class: MemberClass::Follower },
            GroupCommand::LinkPlan { person: follower_plan.person, plan: follower_plan.id },
            GroupCommand::AddMember { person: PersonId(Uuid::from_u128(77)), class: MemberClass::AtRisk },
            GroupCommand::AddMember { person: PersonId(Uuid::from_u128(78)), class: MemberClass::Core },
            GroupCommand::RemoveMember { person: PersonId(Uuid::from_u128(78)), reason: "moved".into() },
        ];
        for command in commands {
            group = group.apply(command, start()).unwrap();
        }
        let summary = progress(&group, [&core_plan, &follower_plan, &unrelated], date(2026, 3, 16));
        assert_eq!(summary.current_members, 3);
        assert_eq!(summary.without_plan, vec![PersonId(Uuid::from_u128(77))]);
        let core = &summary.by_class[&MemberClass::Core];
        assert_eq!(
            (core.members, core.with_plan, core.tasks_total, core.tasks_done, core.tasks_overdue),
            (1, 1, 3, 1, 1)
        );
        assert_eq!(core.plans_by_status.get("active"), Some(&1));
        let follower = &summary.by_class[&MemberClass::Follower];
        assert_eq!((follower.with_plan, follower.tasks_total), (1, 0));
        assert_eq!(follower.plans_by_status.get("draft"), Some(&1));
        assert_eq!(summary.by_class[&MemberClass::AtRisk].with_plan, 0);
    }

    #[test]
    fn a_plan_closed_with_goals_met_counts_as_met() {
        use crate::plan::Outcome;
        use crate::plan::test_support::context;
        let plan = run(active(1), vec![PlanCommand::StartReEvaluation], date(2027, 3, 1));
        let close = PlanCommand::Close {
            outcome: Outcome::GoalsMet,
            why: "housed and working".into(),
            open_measures_reason: None,
        };
        let (closed, _) = plan.apply(close, &context(), date(2027, 3, 2)).unwrap();
        let group = Group::form(NewGroup {
            id: GroupId(Uuid::from_u128(1)),
            name: "Oost".into(),
            area: "Oost".into(),
            process_manager: MemberId(Uuid::from_u128(2)),
        })
        .unwrap()
        .apply(GroupCommand::AddMember { person: closed.person, class: MemberClass::AtRisk }, start())
        .unwrap()
        .apply(GroupCommand::LinkPlan { person: closed.person, plan: closed.id }, start())
        .unwrap();
        let at_risk = &progress(&group, [&closed], date(2027, 3, 2)).by_class[&MemberClass::AtRisk];
        assert_eq!((at_risk.goals_met, at_risk.tasks_total), (1, 0), "tasks cancelled by closing do not count");
        assert_eq!(at_risk.plans_by_status.get("closed"), Some(&1));
    }
}
