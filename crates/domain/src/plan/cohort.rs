//! A changed cohort tells the person's team. When the evidence capability records that a
//! person joined or left a cohort (by the rule, or by a manual selection or deselection), the
//! agencies on the person's case team must hear of it: on the shared plan as a task "review
//! the plan" when the person has an open plan, otherwise on the team's cohort-changes list.
//! This module decides which; the store applies the decision in the transaction that records
//! the membership change.

use super::{Plan, PlanCommand, TaskKind};
use crate::beyond_pack::Lang;
use crate::conference::Restriction;
use crate::ids::{AgencyId, TaskId};
use jiff::ToSpan;
use jiff::civil::Date;
use std::collections::BTreeSet;

/// Days the team has to review the plan after a cohort change.
pub const COHORT_REVIEW_DAYS: i64 = 14;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CohortMove {
    Joined,
    Left,
}

impl CohortMove {
    pub fn code(self) -> &'static str {
        match self {
            CohortMove::Joined => "joined",
            CohortMove::Left => "left",
        }
    }

    pub fn parse(code: &str) -> Option<CohortMove> {
        match code {
            "joined" => Some(CohortMove::Joined),
            "left" => Some(CohortMove::Left),
            _ => None,
        }
    }
}

/// One person's recorded change of one cohort.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CohortChange {
    pub rule: String,
    pub on: Date,
    pub change: CohortMove,
}

impl CohortChange {
    /// The task's description, in the deployment's language (a task's text is stored as
    /// written, like the ones members type).
    pub fn task_description(&self, lang: Lang) -> String {
        let (rule, on) = (&self.rule, self.on);
        match (lang, self.change) {
            (Lang::En, CohortMove::Joined) => format!("Joined cohort {rule} on {on}: review the plan"),
            (Lang::En, CohortMove::Left) => format!("Left cohort {rule} on {on}: review the plan"),
            (Lang::Nl, CohortMove::Joined) => format!("Ingestroomd in cohort {rule} op {on}: plan herzien"),
            (Lang::Nl, CohortMove::Left) => format!("Uitgestroomd uit cohort {rule} op {on}: plan herzien"),
        }
    }
}

/// How the team hears of a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TeamNotice {
    /// Tasks for the plan, in order (one per owning agency).
    Tasks(Vec<PlanCommand>),
    /// No open plan: an entry on the cohort-changes list of every agency on the team.
    List,
    /// No agency is on the person's team: there is no one to tell.
    Nobody,
}

/// Decides how the team (the agencies on the person's case team today) hears of `change`.
/// With an open plan the task goes to the agency that drafted it when that agency is still on
/// the team, otherwise to every agency on the team; it is due `COHORT_REVIEW_DAYS` from today.
pub fn team_notice(
    change: &CohortChange,
    plan: Option<&Plan>,
    drafted_by: Option<AgencyId>,
    team: &BTreeSet<AgencyId>,
    today: Date,
    lang: Lang,
    mut new_task: impl FnMut() -> TaskId,
) -> TeamNotice {
    if team.is_empty() {
        return TeamNotice::Nobody;
    }
    let Some(plan) = plan.filter(|p| !p.status.has_ended()) else { return TeamNotice::List };
    let owners: Vec<AgencyId> = match drafted_by.filter(|a| team.contains(a)) {
        Some(owner) => vec![owner],
        None => team.iter().copied().collect(),
    };
    let due = today.max(plan.started_on).saturating_add(COHORT_REVIEW_DAYS.days());
    let description = change.task_description(lang);
    TeamNotice::Tasks(
        owners
            .into_iter()
            .map(|owner| PlanCommand::AddTask {
                task: new_task(),
                description: description.clone(),
                kind: TaskKind::Care,
                owner,
                owner_member: None,
                goal: None,
                due,
                restriction: Restriction::Team,
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::test_support::*;
    use crate::plan::{PlanStatus, TaskStatus};
    use jiff::civil::date;

    fn change(kind: CohortMove) -> CohortChange {
        CohortChange { rule: "ew-iom".into(), on: date(2026, 3, 1), change: kind }
    }

    fn ids() -> impl FnMut() -> TaskId {
        let mut n = 100;
        move || {
            n += 1;
            task_id(n)
        }
    }

    #[test]
    fn an_open_plan_gets_a_task_for_the_agency_that_drafted_it() {
        let plan = draft(1);
        let today = date(2026, 3, 2);
        let drafted_by = *plan.team.iter().next().unwrap();
        let notice =
            team_notice(&change(CohortMove::Joined), Some(&plan), Some(drafted_by), &plan.team, today, Lang::En, ids());
        let TeamNotice::Tasks(commands) = notice else { panic!("expected tasks, got {notice:?}") };
        assert_eq!(commands.len(), 1);
        let mut changed = plan.clone();
        changed.add_task(commands[0].clone()).unwrap();
        let task = changed.tasks.last().unwrap();
        assert_eq!(task.owner, drafted_by);
        assert_eq!(task.status, TaskStatus::Open);
        assert_eq!(task.due, date(2026, 3, 16));
        assert_eq!(task.description, "Joined cohort ew-iom on 2026-03-01: review the plan");
        assert_eq!(task.restriction, Restriction::Team);
    }

    #[test]
    fn when_the_drafting_agency_left_the_team_every_agency_gets_the_task() {
        let plan = draft(1);
        let gone = agency(999);
        let notice = team_notice(
            &change(CohortMove::Left),
            Some(&plan),
            Some(gone),
            &plan.team,
            plan.started_on,
            Lang::Nl,
            ids(),
        );
        let TeamNotice::Tasks(commands) = notice else { panic!("expected tasks") };
        assert_eq!(commands.len(), plan.team.len());
        let mut changed = plan.clone();
        for command in commands {
            changed.add_task(command).unwrap();
        }
        let owners: BTreeSet<AgencyId> = changed.tasks.iter().map(|t| t.owner).collect();
        assert_eq!(owners, plan.team);
        assert!(changed.tasks[0].description.starts_with("Uitgestroomd uit cohort ew-iom op 2026-03-01"));
    }

    #[test]
    fn without_an_open_plan_the_change_goes_on_the_list_and_without_a_team_nowhere() {
        let mut plan = draft(1);
        let team = plan.team.clone();
        let today = date(2026, 3, 2);
        assert_eq!(
            team_notice(&change(CohortMove::Joined), None, None, &team, today, Lang::En, ids()),
            TeamNotice::List
        );
        plan.status = PlanStatus::ReturnedToCriminalJustice { reason: "x".into() };
        let notice = team_notice(&change(CohortMove::Joined), Some(&plan), None, &team, today, Lang::En, ids());
        assert_eq!(notice, TeamNotice::List);
        let nobody = team_notice(&change(CohortMove::Joined), None, None, &BTreeSet::new(), today, Lang::En, ids());
        assert_eq!(nobody, TeamNotice::Nobody);
    }

    #[test]
    fn add_task_refuses_other_commands_and_ended_plans() {
        let mut plan = draft(1);
        assert!(plan.add_task(PlanCommand::Activate).is_err());
        let TeamNotice::Tasks(commands) = team_notice(
            &change(CohortMove::Joined),
            Some(&plan),
            None,
            &plan.team.clone(),
            plan.started_on,
            Lang::En,
            ids(),
        ) else {
            panic!("expected tasks")
        };
        plan.status = PlanStatus::ReturnedToCriminalJustice { reason: "x".into() };
        assert!(plan.add_task(commands[0].clone()).is_err());
    }

    #[test]
    fn moves_have_codes_both_ways() {
        for kind in [CohortMove::Joined, CohortMove::Left] {
            assert_eq!(CohortMove::parse(kind.code()), Some(kind));
        }
        assert_eq!(CohortMove::parse("stayed"), None);
    }
}
