//! A changed cohort tells the person's team. When the evidence capability records that a
//! person joined or left a cohort (by the rule, or by a manual selection or deselection), the
//! agencies on the person's case team must hear of it: on the shared plan as a task "review
//! the plan" when the person has an open plan, otherwise on the team's cohort-changes list.
//! This module decides which; the store applies the decision in the transaction that records
//! the membership change.

use super::model::{COHORT_REVIEW_DAYS, CohortChange, CohortMove};
use crate::access::Restriction;
use crate::ids::{AgencyId, MemberId, PersonId, TaskId};
use crate::jurisdiction::Lang;
use crate::notifications::{Audience, Event, EventKind, Subject, SubjectKind};
use crate::plan::{Plan, PlanCommand, TaskKind};
use jiff::Timestamp;
use jiff::ToSpan;
use jiff::civil::Date;
use std::collections::BTreeSet;

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

/// The outbox event of a change told to a team (by a task or on its list), recorded by `by`.
/// It carries the cause (`rule`, `decision`, `decision_ended`) and the reason in `lang`.
pub fn cohort_event(
    change: &CohortChange,
    person: PersonId,
    team: &BTreeSet<AgencyId>,
    by: MemberId,
    at: Timestamp,
    lang: Lang,
) -> Event {
    let kind = match change.change {
        CohortMove::Joined => EventKind::CohortMemberJoined,
        CohortMove::Left => EventKind::CohortMemberLeft,
    };
    let subject = Subject::new(SubjectKind::Person, person.0);
    Event::new(kind, at, subject, Audience::agencies(team.iter().copied()))
        .about(person)
        .by(by)
        .with("rule", &change.rule)
        .with("date", change.on)
        .with("cause", change.reason.code())
        .with("reason", change.reason.text(lang))
}

#[cfg(test)]
#[path = "workflow_tests.rs"]
mod tests;
