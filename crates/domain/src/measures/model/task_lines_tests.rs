use super::*;
use crate::jurisdiction::ExclusionOrderRules;
use crate::measures::{NewExclusionOrder, OrderCommand};
use jiff::tz::TimeZone;
use uuid::Uuid;

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

fn rules() -> ExclusionOrderRules {
    ExclusionOrderRules {
        initial_days: 10,
        max_total_days: 28,
        extension_advice_day: 8,
        help_must_start_within_days: 10,
        warn_days_before_expiry: 2,
        statute: "Wet tijdelijk huisverbod".into(),
        help_statute: None,
        statute_en: None,
        statute_it: None,
    }
}

const PLAN_RULES: PlanRules = PlanRules { re_evaluation_after_months: 12, due_soon_days: 3 };

fn order_with_help(context: &ExclusionContext<'_>, owners: &[AgencyId]) -> ExclusionOrder {
    let imposed_at: Timestamp = "2026-03-01T20:00:00Z".parse().unwrap();
    let new = NewExclusionOrder {
        id: ExclusionOrderId(id(1)),
        excluded: PersonId(id(10)),
        victims: vec![PersonId(id(11))],
        children: vec![],
        address: "Dorpsstraat 1".into(),
        decision_ref: "B-1".into(),
        imposed_at,
    };
    let (mut order, _) = ExclusionOrder::impose(new, context).unwrap();
    for (n, owner) in owners.iter().enumerate() {
        let command = OrderCommand::AddHelpTask {
            task: TaskId(id(100 + n as u128)),
            for_person: PersonId(id(11)),
            owner: *owner,
            description: format!("help {n}"),
        };
        order = order.apply(command, context, imposed_at).unwrap().0;
    }
    order
}

#[test]
fn only_the_owning_agencys_unstarted_help_is_listed_with_the_orders_deadline() {
    let (rules, zone) = (rules(), TimeZone::get("Europe/Amsterdam").unwrap());
    let context = ExclusionContext { rules: &rules, time_zone: &zone };
    let (ours, theirs) = (AgencyId(id(50)), AgencyId(id(51)));
    let order = order_with_help(&context, &[ours, theirs, ours]);
    let started = order
        .clone()
        .apply(OrderCommand::RecordHelpStarted { task: TaskId(id(102)) }, &context, order.imposed_at)
        .unwrap()
        .0;
    let now: Timestamp = "2026-03-02T09:00:00Z".parse().unwrap();
    let lines = help_task_lines([&started], ours, &context, now, &PLAN_RULES);
    assert_eq!(lines.iter().map(|l| l.task.id).collect::<Vec<_>>(), vec![TaskId(id(100))]);
    assert_eq!(lines[0].due_at, order.help_due_at(&context));
    assert_eq!(lines[0].due.to_string(), "2026-03-11");
    assert_eq!(lines[0].person, PersonId(id(11)));
    assert_eq!(lines[0].urgency, Urgency::Later);
}

#[test]
fn help_is_overdue_once_the_deadline_passes_and_gone_when_the_order_is_lifted() {
    let (rules, zone) = (rules(), TimeZone::get("Europe/Amsterdam").unwrap());
    let context = ExclusionContext { rules: &rules, time_zone: &zone };
    let ours = AgencyId(id(50));
    let order = order_with_help(&context, &[ours]);
    let due_at = order.help_due_at(&context);
    let just_before = due_at.checked_sub(jiff::SignedDuration::from_mins(1)).unwrap();
    let just_after = due_at.checked_add(jiff::SignedDuration::from_mins(1)).unwrap();
    let before = help_task_lines([&order], ours, &context, just_before, &PLAN_RULES);
    assert_eq!(before[0].urgency, Urgency::DueSoon { days_left: 0 });
    let after = help_task_lines([&order], ours, &context, just_after, &PLAN_RULES);
    assert_eq!(after[0].urgency, Urgency::Overdue { days_late: 0 });
    let lifted = order.apply(OrderCommand::Lift { reason: "reconciled".into() }, &context, just_before).unwrap().0;
    assert!(help_task_lines([&lifted], ours, &context, just_before, &PLAN_RULES).is_empty());
}

#[test]
fn merged_list_orders_plan_and_help_tasks_by_due_date_and_keeps_the_limit() {
    let (rules, zone) = (rules(), TimeZone::get("Europe/Amsterdam").unwrap());
    let context = ExclusionContext { rules: &rules, time_zone: &zone };
    let ours = crate::plan::test_support::agency(crate::plan::test_support::MUNICIPALITY);
    let plan = crate::plan::test_support::active(1);
    let today: Date = "2026-03-02".parse().unwrap();
    let plan_lines = crate::plan::agency_tasks([&plan], ours, today, &PLAN_RULES);
    assert!(!plan_lines.is_empty());
    let order = order_with_help(&context, &[ours]);
    let help = help_task_lines([&order], ours, &context, "2026-03-02T09:00:00Z".parse().unwrap(), &PLAN_RULES);
    let all = merge_task_lines(plan_lines.clone(), help.clone(), 100);
    assert_eq!(all.len(), plan_lines.len() + 1);
    assert!(all.windows(2).all(|w| w[0].due() <= w[1].due()));
    assert!(all.iter().any(|l| matches!(l, ListedTask::Help(h) if h.task.id == TaskId(id(100)))));
    assert_eq!(merge_task_lines(plan_lines, help, 1).len(), 1);
}
