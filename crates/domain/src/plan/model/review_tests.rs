use crate::access::Restriction;
use crate::plan::test_support::*;
use crate::plan::*;
use jiff::civil::date;

#[test]
fn overdue_and_due_soon_depend_only_on_the_date() {
    let plan = active(1);
    let rules = &PACK.plan;
    let task = plan.task(task_id(3)).unwrap(); // police, due 9 March
    assert!(!task.is_overdue(date(2026, 3, 9)), "due today is not overdue");
    assert!(task.is_overdue(date(2026, 3, 10)));
    assert!(task.is_due_soon(date(2026, 3, 2), rules));
    assert!(!task.is_due_soon(date(2026, 3, 1), rules), "eight days ahead is later");
    assert_eq!(task.urgency(date(2026, 3, 12), rules), Urgency::Overdue { days_late: 3 });
    assert_eq!(task.urgency(date(2026, 3, 7), rules), Urgency::DueSoon { days_left: 2 });
    let done = run(
        plan,
        vec![PlanCommand::ChangeTaskStatus { task: task_id(3), status: TaskStatus::Done, by_referral: None }],
        start(),
    );
    assert!(!done.task(task_id(3)).unwrap().is_overdue(date(2026, 4, 1)), "done tasks are never overdue");
}

#[test]
fn agency_and_member_task_lists_show_outstanding_tasks_earliest_first() {
    let plans = [active(1), active(2)];
    let rules = &PACK.plan;
    let municipality = agency_tasks(&plans, agency(MUNICIPALITY), date(2026, 3, 21), rules);
    assert_eq!(municipality.len(), 2);
    assert!(municipality.iter().all(|l| l.urgency == Urgency::Overdue { days_late: 1 }));
    let mine = member_tasks(&plans, member(PROBATION), date(2026, 3, 21), rules);
    assert_eq!(mine.len(), 2);
    assert!(mine.iter().all(|l| l.task.owner == agency(PROBATION)));
    let police = agency_tasks(&plans[..1], agency(POLICE), date(2026, 3, 2), rules);
    assert_eq!(police[0].urgency, Urgency::DueSoon { days_left: 7 });
}

#[test]
fn a_plan_view_hides_restricted_entries_and_refuses_outsiders() {
    let restricted = PlanCommand::AddNote {
        task: None,
        by: member(POLICE),
        agency: agency(POLICE),
        text: "threat assessment".into(),
        restriction: Restriction::Agencies([agency(POLICE)].into()),
    };
    let plan = run(active(1), vec![restricted], start());
    assert_eq!(plan_view_for(&plan, agency(POLICE)).unwrap().notes.len(), 1);
    assert!(plan_view_for(&plan, agency(MUNICIPALITY)).unwrap().notes.is_empty());
    assert_eq!(plan_view_for(&plan, agency(MUNICIPALITY)).unwrap().tasks.len(), 3);
    assert_eq!(plan_view_for(&plan, agency(42)), None);
}

#[test]
fn re_evaluation_is_one_calendar_year_after_activation() {
    let rules = &PACK.plan;
    assert_eq!(re_evaluation_date(date(2026, 3, 5), rules), date(2027, 3, 5));
    assert_eq!(re_evaluation_date(date(2028, 2, 29), rules), date(2029, 2, 28));
}

#[test]
fn changes_since_last_week_are_listed() {
    let last_week = active(1);
    let now = run(
        last_week.clone(),
        vec![
            PlanCommand::ChangeTaskStatus { task: task_id(1), status: TaskStatus::InProgress, by_referral: None },
            add_task(4, PROBATION, date(2026, 5, 1)),
            PlanCommand::AddNote {
                task: None,
                by: member(POLICE),
                agency: agency(POLICE),
                text: "seen".into(),
                restriction: Restriction::Team,
            },
            PlanCommand::RecordGoalAgreement { goal: goal_id(1), agreed_by_person: false },
            PlanCommand::LinkMeasure {
                obligation: obligation(1),
                kind: MeasureKind::AreaBan,
                description: "centre".into(),
            },
        ],
        date(2026, 3, 9),
    );
    assert_eq!(
        changes_since(Some(&last_week), &now),
        vec![
            PlanChange::GoalAgreementChanged { goal: goal_id(1), agreed_by_person: false },
            PlanChange::TaskStatusChanged { task: task_id(1), from: "open", to: "in progress" },
            PlanChange::TaskAdded(task_id(4)),
            PlanChange::NotesAdded(1),
            PlanChange::MeasureLinked(obligation(1)),
        ]
    );
    assert!(changes_since(Some(&now), &now).is_empty());
    let all_new = changes_since(None, &now);
    assert!(all_new.contains(&PlanChange::TaskAdded(task_id(1))));
    assert!(all_new.contains(&PlanChange::GoalAdded(goal_id(1))));
    assert!(all_new.contains(&PlanChange::AgencyJoined(agency(POLICE))));
}

#[test]
fn the_weekly_review_lists_running_plans_needing_attention_first() {
    let quiet = run(
        active(1),
        vec![PlanCommand::ChangeTaskStatus { task: task_id(3), status: TaskStatus::Done, by_referral: None }],
        start(),
    );
    let late = active(2); // police task due 9 March is overdue on the 16th
    let drafted = draft(3);
    let snapshots = [(Some(&quiet), &quiet), (None, &late), (None, &drafted)];
    let review = weekly_review(snapshots, date(2026, 3, 16), &PACK.plan);
    assert_eq!(review.len(), 2, "drafts are not reviewed");
    assert_eq!(review[0].plan, late.id);
    assert_eq!(review[0].overdue_tasks, vec![task_id(3)]);
    assert!(review[1].changes.is_empty() && !review[1].needs_attention());

    let near_year_end = weekly_review([(Some(&quiet), &quiet)], date(2027, 3, 1), &PACK.plan);
    assert!(near_year_end[0].re_evaluation_due);
}

#[test]
fn revised_and_withdrawn_goals_are_changes_of_the_week() {
    let before = active(1);
    let mut after = before.clone();
    after.goals[0].in_own_words = "A room near my work".into();
    assert_eq!(changes_since(Some(&before), &after), vec![PlanChange::GoalRevised(goal_id(1))]);
    after.goals.clear();
    assert_eq!(changes_since(Some(&before), &after), vec![PlanChange::GoalWithdrawn(goal_id(1))]);
}
