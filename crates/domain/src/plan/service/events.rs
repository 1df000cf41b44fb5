//! The plan's effects as outbox events. Who is told follows from the plan after the change: a
//! task's owner (and the member it names) for a task, the whole team for the plan itself. A
//! task restricted to some agencies is only ever told to its owner, who is always among them.

use crate::ids::MemberId;
use crate::notifications::{Audience, Event, EventKind, Subject, SubjectKind};
use crate::plan::{Plan, PlanEffect};
use jiff::Timestamp;

/// The events `effects` call for, written with the plan's change by `by` at `at`.
pub fn plan_events(plan: &Plan, effects: &[PlanEffect], by: MemberId, at: Timestamp) -> Vec<Event> {
    let subject = Subject::new(SubjectKind::Plan, plan.id.0);
    let team = || Audience::agencies(plan.team.iter().copied());
    let event = |kind, audience| Event::new(kind, at, subject, audience).about(plan.person).by(by);
    effects
        .iter()
        .map(|effect| match effect {
            PlanEffect::TaskAssigned { task, owner, owner_member, .. } => {
                let event = event(EventKind::PlanTaskAssigned, Audience::agency(*owner).with_member(*owner_member));
                match plan.task(*task) {
                    Some(task) => event.with("task", &task.description).with("due", task.due),
                    None => event,
                }
            }
            PlanEffect::TaskCancelled { task, owner, .. } => {
                let event = event(EventKind::PlanTaskCancelled, Audience::agency(*owner));
                match plan.task(*task) {
                    Some(task) => event.with("task", &task.description),
                    None => event,
                }
            }
            PlanEffect::Activated { re_evaluation_on, .. } => {
                event(EventKind::PlanActivated, team()).with("date", re_evaluation_on)
            }
            PlanEffect::ReEvaluationStarted { .. } => event(EventKind::PlanReEvaluationStarted, team()),
            PlanEffect::Continued { re_evaluation_on, .. } => {
                event(EventKind::PlanContinued, team()).with("date", re_evaluation_on)
            }
            PlanEffect::Closed { .. } => event(EventKind::PlanClosed, team()),
            PlanEffect::ReturnedToProsecution { reason, .. } => {
                event(EventKind::PlanReturnedToProsecution, team()).with("reason", reason)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::PlanCommand;
    use crate::plan::test_support::{POLICE, PROBATION, active, add_task, agency, context, draft, member, run, start};
    use jiff::civil::date;

    fn at() -> Timestamp {
        "2026-03-05T10:00:00Z".parse().unwrap()
    }

    #[test]
    fn a_task_is_told_to_its_owner_and_the_plan_to_the_team() {
        let by = MemberId::new(at());
        let plan = draft(1);
        let (plan, effects) = plan.apply(add_task(1, POLICE, date(2026, 4, 1)), &context(), start()).unwrap();
        let events = plan_events(&plan, &effects, by, at());
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].kind, EventKind::PlanTaskAssigned);
        assert_eq!(events[0].audience.agencies.iter().copied().collect::<Vec<_>>(), vec![agency(POLICE)]);
        assert_eq!(events[0].audience.member, Some(member(POLICE)), "the task names its member");
        assert_eq!((events[0].person, events[0].by), (Some(plan.person), Some(by)));
        assert_eq!(events[0].detail["due"], "2026-04-01");

        let plan = run(active(1), vec![PlanCommand::StartReEvaluation], date(2027, 3, 1));
        let (plan, effects) = plan
            .apply(PlanCommand::ReturnToCriminalJustice { reason: "no progress".into() }, &context(), date(2027, 3, 2))
            .unwrap();
        let events = plan_events(&plan, &effects, by, at());
        let cancelled: Vec<&Event> = events.iter().filter(|e| e.kind == EventKind::PlanTaskCancelled).collect();
        assert!(!cancelled.is_empty());
        assert!(cancelled.iter().all(|e| e.audience.agencies.len() == 1));
        let returned = events.iter().find(|e| e.kind == EventKind::PlanReturnedToProsecution).unwrap();
        assert_eq!(returned.audience.agencies, plan.team);
        assert!(plan.team.contains(&agency(PROBATION)) && plan.team.contains(&agency(POLICE)));
        assert_eq!(returned.detail["reason"], "no progress");
    }
}
