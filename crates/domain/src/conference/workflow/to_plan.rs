//! Conference decisions become plan tasks: the bridge from a closed meeting's effects to plan
//! commands, so the service only routes them to the person's plan. It lives with the
//! conference, which depends on the plan; the plan knows nothing of conferences.

use crate::conference::MeetingEffect;
use crate::ids::PersonId;
use crate::plan::PlanCommand;

impl PlanCommand {
    /// The plan command for a meeting effect that changes a plan, with the person whose plan it
    /// is; `None` for effects that are not about the plan.
    pub fn from_meeting_effect(effect: &MeetingEffect) -> Option<(PersonId, PlanCommand)> {
        match effect {
            MeetingEffect::CreateTask { person, task, description, kind, owner, owner_member, due, restriction } => {
                Some((
                    *person,
                    PlanCommand::AddTask {
                        task: *task,
                        description: description.clone(),
                        kind: *kind,
                        owner: *owner,
                        owner_member: *owner_member,
                        goal: None,
                        due: *due,
                        restriction: restriction.clone(),
                    },
                ))
            }
            MeetingEffect::InviteAgencies { .. }
            | MeetingEffect::RequestScheduled { .. }
            | MeetingEffect::StrategyAgreed { .. }
            | MeetingEffect::NotifyCancelled { .. }
            | MeetingEffect::RequestUnscheduled { .. }
            | MeetingEffect::RequestDiscussed { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::Restriction;
    use crate::conference::{Decision, Entry, Meeting, MeetingCommand, NewMeeting, PersonMinutes, Strategy};
    use crate::ids::{MeetingId, MemberId, TaskId};
    use crate::jurisdiction::ConferenceRules;
    use crate::plan::test_support::*;
    use crate::plan::{PlanError, TaskKind};
    use jiff::civil::date;
    use uuid::Uuid;

    #[test]
    fn a_closed_meeting_puts_its_decisions_on_the_persons_plan() {
        let plan = draft(1);
        let decision = |n: u128, owner: u128| Decision {
            task: task_id(n),
            description: format!("decision {n}"),
            kind: TaskKind::Care,
            owner: agency(owner),
            owner_member: None,
            due: date(2026, 4, 1),
            restriction: Restriction::Team,
        };
        let new = NewMeeting {
            id: MeetingId(Uuid::from_u128(1)),
            date: date(2026, 3, 10),
            location: "Safety House".into(),
            chair: MemberId(Uuid::from_u128(9)),
            invited: plan.team.clone(),
        };
        let (meeting, _) = Meeting::plan(new, &ConferenceRules { persons_per_day: 5 }).unwrap();
        let now = "2026-03-10T15:00:00Z".parse().unwrap();
        let add = MeetingCommand::AddToAgenda {
            person: plan.person,
            request: None,
            team: plan.team.clone(),
            restriction: Restriction::Team,
            booked_elsewhere: 0,
        };
        let minutes = PersonMinutes {
            analysis: Entry::for_team("needs housing first"),
            strategy: Strategy::Both,
            decisions: vec![decision(1, MUNICIPALITY), decision(2, PROBATION)],
            notes: vec![],
        };
        let (meeting, _) = meeting.apply(add, now).unwrap();
        let (meeting, _) = meeting
            .apply(MeetingCommand::RecordMinutes { person: plan.person, minutes, team: plan.team.clone() }, now)
            .unwrap();
        let (_, effects) = meeting.apply(MeetingCommand::Close { today: date(2026, 3, 10) }, now).unwrap();

        let commands: Vec<(PersonId, PlanCommand)> =
            effects.iter().filter_map(PlanCommand::from_meeting_effect).collect();
        assert_eq!(commands.len(), 2);
        assert!(commands.iter().all(|(person, _)| *person == plan.person));
        let plan = run(plan, commands.into_iter().map(|(_, c)| c).collect(), date(2026, 3, 10));
        assert_eq!(plan.tasks.iter().map(|t| t.id).collect::<Vec<TaskId>>(), vec![task_id(1), task_id(2)]);
    }

    #[test]
    fn a_decision_for_an_agency_that_left_the_team_is_refused_by_the_plan() {
        let effect = crate::conference::MeetingEffect::CreateTask {
            person: draft(1).person,
            task: task_id(1),
            description: "x".into(),
            kind: TaskKind::Enforcement,
            owner: agency(42),
            owner_member: None,
            due: date(2026, 4, 1),
            restriction: Restriction::Team,
        };
        let (_, command) = PlanCommand::from_meeting_effect(&effect).unwrap();
        assert_eq!(draft(1).apply(command, &context(), start()).unwrap_err(), PlanError::OwnerNotOnTeam(agency(42)));
    }
}
