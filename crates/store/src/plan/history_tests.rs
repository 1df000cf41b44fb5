use super::*;
use domain::access::Restriction;
use domain::ids::{AgencyId, MemberId, PersonId, PlanId, TaskId};
use domain::jurisdiction::BeyondPack;
use domain::plan::{NewPlan, PlanCommand, PlanContext, TaskKind, TaskStatus};
use jiff::civil::date;
use serde_json::json;
use uuid::Uuid;

fn agency(n: u128) -> AgencyId {
    AgencyId::from_uuid(Uuid::from_u128(100 + n))
}

/// A plan through its life: drafted, tasks, notes, a status change, an agency joining,
/// activated, closed — every version.
fn versions() -> Vec<Plan> {
    let pack = BeyondPack::nl();
    let context = PlanContext { rules: &pack.plan, screening: &pack.screening };
    let new = NewPlan {
        id: PlanId(Uuid::from_u128(1)),
        person: PersonId::from_uuid(Uuid::from_u128(2)),
        team: [agency(1), agency(2)].into(),
    };
    let today = date(2026, 11, 2);
    let mut plan = Plan::draft(new, today).unwrap();
    let mut versions = vec![plan.clone()];
    let mut commands = vec![PlanCommand::AddGoal {
        goal: domain::ids::GoalId(Uuid::from_u128(3)),
        domain: domain::jurisdiction::DomainKey::new("housing"),
        in_own_words: "Een eigen kamer".into(),
        agreed_by_person: false,
    }];
    for n in 0..4 {
        commands.push(PlanCommand::AddTask {
            task: TaskId(Uuid::from_u128(10 + n)),
            description: format!("Taak {n}"),
            kind: TaskKind::Care,
            owner: agency(1 + n % 2),
            owner_member: None,
            goal: None,
            due: date(2026, 12, 1),
            restriction: Restriction::Team,
        });
    }
    for n in 0..3 {
        commands.push(PlanCommand::AddNote {
            task: None,
            by: MemberId::from_uuid(Uuid::from_u128(20)),
            agency: agency(1),
            text: format!("Notitie {n}: \"goed\" gesprek, ëën stap verder\n"),
            restriction: Restriction::Team,
        });
    }
    commands.push(PlanCommand::ChangeTaskStatus {
        task: TaskId(Uuid::from_u128(11)),
        status: TaskStatus::Done,
        by_referral: None,
    });
    commands.push(PlanCommand::AddAgency { agency: agency(0) });
    commands.push(PlanCommand::Activate);
    commands.push(PlanCommand::StartReEvaluation);
    commands.push(PlanCommand::Close {
        outcome: domain::plan::Outcome::GoalsMet,
        why: "Woont zelfstandig".into(),
        open_measures_reason: None,
    });
    for command in commands {
        plan = plan.apply(command, &context, today).unwrap().0;
        versions.push(plan.clone());
    }
    versions
}

fn value(plan: &Plan) -> Value {
    serde_json::to_value(plan).unwrap()
}

#[test]
fn each_change_turns_the_plan_before_into_the_plan_after() {
    let versions = versions();
    for pair in versions.windows(2) {
        let (before, after) = (value(&pair[0]), value(&pair[1]));
        let mut state = before.clone();
        apply(&mut state, delta(&before, &after)).unwrap();
        assert_eq!(state, after);
    }
}

#[test]
fn a_note_is_stored_as_the_note() {
    let versions = versions();
    let (before, after) = (&versions[5], &versions[6]);
    assert_eq!(after.notes.len(), 1);
    let change = delta(&value(before), &value(after));
    assert_eq!(change, json!({ "notes": { "len": 1, "at": [[0, value(after)["notes"][0].clone()]] } }));
    // A status change: the one task.
    let change = delta(&value(&versions[8]), &value(&versions[9]));
    assert_eq!(change["tasks"]["at"].as_array().unwrap().len(), 1);
    assert_eq!(change["tasks"]["at"][0][0], 1);
    assert_eq!(change.as_object().unwrap().len(), 1);
}

#[test]
fn shorter_lists_and_members_gone_are_changes_too() {
    let before = json!({ "notes": [1, 2, 3], "gone": true, "kept": "x" });
    let after = json!({ "notes": [1, 5], "kept": "x", "new": null });
    let change = delta(&before, &after);
    assert_eq!(
        change,
        json!({ "notes": { "len": 2, "at": [[1, 5]] }, "gone": { "drop": true }, "new": { "to": null } })
    );
    let mut state = before;
    apply(&mut state, change).unwrap();
    assert_eq!(state, after);
}

#[test]
fn a_version_reads_back_from_its_snapshot_and_the_changes_after_it() {
    let versions = versions();
    let texts: Vec<String> = versions.iter().map(|p| crate::to_json(p).unwrap()).collect();
    let changes: Vec<String> = versions.windows(2).map(|p| delta(&value(&p[0]), &value(&p[1])).to_string()).collect();
    // Snapshot at version 1 (index 0), changes after it; and a snapshot at index 6.
    for (last, expected) in versions.iter().enumerate() {
        let base = if last >= 6 { 6 } else { 0 };
        let rows = (base..=last).map(|i| {
            let version = i as i64 + 1;
            if i == base {
                (version, Some(texts[i].as_str()), None)
            } else {
                (version, None, Some(changes[i - 1].as_str()))
            }
        });
        assert_eq!(&replay(rows).unwrap(), expected, "version {}", last + 1);
    }
}

#[test]
fn a_broken_history_is_an_error_not_a_wrong_plan() {
    let plan = crate::to_json(&versions()[0]).unwrap();
    let gap = [(1, Some(plan.as_str()), None), (3, None, Some("{}"))];
    assert!(replay(gap).is_err());
    assert!(replay([(2, None, Some("{}"))]).is_err(), "a change without a snapshot");
    assert!(replay([(1, None, None)]).is_err());
    let past_the_end = r#"{"notes": {"len": 3, "at": [[2, {}]]}}"#;
    assert!(replay([(1, Some(plan.as_str()), None), (2, None, Some(past_the_end))]).is_err());
    assert!(replay(std::iter::empty()).is_err());
}

#[test]
fn the_changes_written_in_sql_by_migration_0027_apply_the_same() {
    // As SQLite's json_group_object / PostgreSQL's jsonb_object_agg write them.
    let versions = versions();
    let (before, after) = (value(&versions[8]), value(&versions[9]));
    let task = after["tasks"][1].clone();
    let sql = format!(r#"{{"tasks": {{"len": 4, "at": [[1, {task}]]}}}}"#);
    let mut state = before;
    apply(&mut state, serde_json::from_str(&sql).unwrap()).unwrap();
    assert_eq!(state, after);
}

#[test]
fn a_snapshot_follows_changes_that_outweigh_the_last_one() {
    assert!(!snapshot_due(1, 100, 1_000));
    assert!(snapshot_due(5, 1_001, 1_000), "the changes since outweigh the snapshot");
    assert!(snapshot_due(MAX_CHAIN, 10, 1_000), "and at most MAX_CHAIN changes after one");
    let versions = versions();
    let text = crate::to_json(&versions[1]).unwrap();
    let before = crate::to_json(&versions[0]).unwrap();
    assert_eq!(stored(None, &versions[1], &text, 2, None).unwrap(), Stored::Snapshot(&text), "a new plan");
    let chain = Some((1, 1_000_000, 0));
    assert!(matches!(stored(Some(&before), &versions[1], &text, 2, chain).unwrap(), Stored::Change(_)));
    let chain = Some((1, 10, 0));
    assert_eq!(stored(Some(&before), &versions[1], &text, 2, chain).unwrap(), Stored::Snapshot(&text));
}
