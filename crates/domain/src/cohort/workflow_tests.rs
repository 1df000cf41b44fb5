use super::*;
use crate::cohort::model::{CohortMove, CohortReason};
use crate::plan::test_support::*;
use crate::plan::{PlanStatus, TaskStatus};
use jiff::civil::date;

fn change(kind: CohortMove) -> CohortChange {
    CohortChange { rule: "ew-iom".into(), on: date(2026, 3, 1), change: kind, reason: CohortReason::Rule }
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
    assert_eq!(task.description, "Joined cohort ew-iom on 2026-03-01 (the rule's counts changed): review the plan");
    assert_eq!(task.restriction, Restriction::Team);
}

#[test]
fn when_the_drafting_agency_left_the_team_every_agency_gets_the_task() {
    let plan = draft(1);
    let gone = agency(999);
    let notice =
        team_notice(&change(CohortMove::Left), Some(&plan), Some(gone), &plan.team, plan.started_on, Lang::Nl, ids());
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
    assert_eq!(team_notice(&change(CohortMove::Joined), None, None, &team, today, Lang::En, ids()), TeamNotice::List);
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

#[test]
fn the_event_carries_the_decision_and_its_reason() {
    let mut decided = change(CohortMove::Joined);
    decided.reason = CohortReason::Decision("police intelligence: new threats".into());
    let team: BTreeSet<AgencyId> = draft(1).team;
    let event = cohort_event(
        &decided,
        crate::ids::PersonId::from_uuid(uuid::Uuid::from_u128(1)),
        &team,
        member(1),
        jiff::Timestamp::UNIX_EPOCH,
        Lang::Nl,
    );
    assert_eq!(event.detail.get("cause").map(String::as_str), Some("decision"));
    assert_eq!(event.detail.get("reason").map(String::as_str), Some("police intelligence: new threats"));
    let by_rule = cohort_event(
        &change(CohortMove::Left),
        crate::ids::PersonId::from_uuid(uuid::Uuid::from_u128(1)),
        &team,
        member(1),
        jiff::Timestamp::UNIX_EPOCH,
        Lang::Nl,
    );
    assert_eq!(by_rule.detail.get("reason").map(String::as_str), Some("de tellingen van de regel zijn veranderd"));
}
