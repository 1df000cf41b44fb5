use super::*;
use crate::access::Restriction;
use crate::plan::test_support::{MUNICIPALITY, active, agency, member, task_id};

fn stored(plan: crate::plan::Plan) -> StoredPlan {
    StoredPlan { plan, version: 6 }
}

fn done(task: u128) -> PlanCommand {
    PlanCommand::ChangeTaskStatus { task: task_id(task), status: TaskStatus::Done, by_referral: None }
}

#[test]
fn a_task_status_set_from_the_status_shown_is_refused_once_that_changed() {
    let plan = stored(active(1));
    assert_eq!(Seen::task_status("open").outdated(&plan, &done(1)), None, "still as shown");
    assert_eq!(Seen::nothing().outdated(&plan, &done(1)), None, "nothing shown: applies to the plan as it is");
    let changed = Seen::task_status("in_progress").outdated(&plan, &done(1)).unwrap();
    assert_eq!((changed.field.as_str(), changed.key), ("status", "error.plan.task_changed.open"));
    // A task the plan does not hold is for the workflow to refuse.
    assert_eq!(Seen::task_status("open").outdated(&plan, &done(99)), None);
}

#[test]
fn a_decision_on_the_plan_is_refused_once_its_status_changed() {
    let plan = stored(active(1));
    let start = PlanCommand::StartReEvaluation;
    assert_eq!(Seen::plan_status("active").outdated(&plan, &start), None);
    let changed = Seen::plan_status("draft").outdated(&plan, &PlanCommand::Activate).unwrap();
    assert_eq!((changed.field.as_str(), changed.key), ("plan", "error.plan.status_changed.active"));
}

#[test]
fn additions_never_depend_on_what_was_seen() {
    let plan = stored(active(1));
    let note = PlanCommand::AddNote {
        task: Some(task_id(1)),
        by: member(MUNICIPALITY),
        agency: agency(MUNICIPALITY),
        text: "gesproken".into(),
        restriction: Restriction::Team,
    };
    let seen = Seen { task_status: "done".into(), plan_status: "draft".into() };
    assert_eq!(seen.outdated(&plan, &note), None);
}
