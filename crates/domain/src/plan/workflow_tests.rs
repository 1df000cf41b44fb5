use super::*;
use crate::plan::plan_view_for;
use crate::plan::test_support::*;
use jiff::civil::date;

fn try_apply(plan: Plan, command: PlanCommand) -> Result<(Plan, Vec<PlanEffect>), PlanError> {
    plan.apply(command, &context(), date(2026, 3, 5))
}

fn under_re_evaluation() -> Plan {
    run(active(1), vec![PlanCommand::StartReEvaluation], date(2027, 3, 1))
}

#[test]
fn a_plan_needs_a_team() {
    let new = NewPlan {
        id: PlanId(uuid::Uuid::from_u128(1)),
        person: PersonId(uuid::Uuid::from_u128(2)),
        team: BTreeSet::new(),
    };
    assert_eq!(Plan::draft(new, start()).unwrap_err(), PlanError::EmptyTeam);
}

#[test]
fn goals_are_kept_in_own_words_with_agreement() {
    let plan = run(draft(1), vec![add_goal(1, "housing")], start());
    assert_eq!(plan.goals[0].in_own_words, "I want my own front door");
    assert!(plan.goals[0].agreed_by_person);
    let (plan, _) =
        try_apply(plan, PlanCommand::RecordGoalAgreement { goal: goal_id(1), agreed_by_person: false }).unwrap();
    assert!(!plan.goals[0].agreed_by_person);
    assert_eq!(
        try_apply(plan.clone(), PlanCommand::RecordGoalAgreement { goal: goal_id(9), agreed_by_person: true })
            .unwrap_err(),
        PlanError::UnknownGoal(goal_id(9))
    );
    assert_eq!(
        try_apply(plan.clone(), add_goal(2, "astrology")).unwrap_err(),
        PlanError::UnknownDomain(DomainKey::new("astrology"))
    );
    let blank = PlanCommand::AddGoal {
        goal: goal_id(3),
        domain: DomainKey::new("housing"),
        in_own_words: " ".into(),
        agreed_by_person: false,
    };
    assert_eq!(try_apply(plan, blank).unwrap_err(), PlanError::EmptyGoal);
}

#[test]
fn tasks_must_belong_to_the_team_and_fall_after_the_start() {
    let plan = draft(1);
    let outsider = PlanCommand::AddTask {
        task: task_id(1),
        description: "debt counselling".into(),
        kind: TaskKind::Care,
        owner: agency(42),
        owner_member: None,
        goal: None,
        due: date(2026, 4, 1),
        restriction: Restriction::Team,
    };
    let error = try_apply(plan.clone(), outsider).unwrap_err();
    assert_eq!(error, PlanError::OwnerNotOnTeam(agency(42)));
    assert!(error.to_string().contains("add the agency to the team first"));
    assert_eq!(
        try_apply(plan.clone(), add_task(1, MUNICIPALITY, date(2026, 3, 1))).unwrap_err(),
        PlanError::DueBeforePlanStart { due: date(2026, 3, 1), started_on: start() }
    );
    let (plan, effects) = try_apply(plan, add_task(1, MUNICIPALITY, start())).unwrap();
    assert_eq!(
        effects,
        vec![PlanEffect::TaskAssigned {
            plan: plan.id,
            task: task_id(1),
            owner: agency(MUNICIPALITY),
            owner_member: Some(member(MUNICIPALITY))
        }]
    );
    assert_eq!(
        try_apply(plan.clone(), add_task(1, POLICE, start())).unwrap_err(),
        PlanError::DuplicateTask(task_id(1))
    );
}

#[test]
fn a_task_joins_a_known_goal_and_needs_a_description() {
    let plan = draft(1);
    let mut command = add_task(1, PROBATION, date(2026, 4, 1));
    if let PlanCommand::AddTask { goal, .. } = &mut command {
        *goal = Some(goal_id(1));
    }
    assert_eq!(try_apply(plan.clone(), command.clone()).unwrap_err(), PlanError::UnknownGoal(goal_id(1)));
    let with_goal = run(plan.clone(), vec![add_goal(1, "housing")], start());
    assert_eq!(try_apply(with_goal, command).unwrap().0.tasks[0].goal, Some(goal_id(1)));
    let mut blank = add_task(2, PROBATION, date(2026, 4, 1));
    if let PlanCommand::AddTask { description, .. } = &mut blank {
        *description = "  ".into();
    }
    assert_eq!(try_apply(plan, blank).unwrap_err(), PlanError::EmptyTaskDescription);
}

#[test]
fn an_agency_joining_the_team_can_then_own_tasks() {
    let plan = run(draft(1), vec![PlanCommand::AddAgency { agency: agency(42) }], start());
    assert!(try_apply(plan, add_task(1, 42, date(2026, 4, 1))).is_ok());
}

#[test]
fn task_status_moves_until_done_or_cancelled() {
    let plan = active(1);
    let change = |task, status| PlanCommand::ChangeTaskStatus { task: task_id(task), status, by_referral: None };
    let (plan, _) = try_apply(plan, change(1, TaskStatus::InProgress)).unwrap();
    let (plan, _) = try_apply(plan, change(1, TaskStatus::Done)).unwrap();
    assert_eq!(try_apply(plan.clone(), change(1, TaskStatus::Open)).unwrap_err(), PlanError::TaskFinished("done"));
    assert_eq!(
        try_apply(plan.clone(), change(2, TaskStatus::Cancelled { reason: " ".into() })).unwrap_err(),
        PlanError::CancelNeedsReason
    );
    let (plan, _) = try_apply(plan, change(2, TaskStatus::Cancelled { reason: "provider closed".into() })).unwrap();
    assert_eq!(
        try_apply(plan.clone(), change(2, TaskStatus::InProgress)).unwrap_err(),
        PlanError::TaskFinished("cancelled")
    );
    assert_eq!(try_apply(plan, change(9, TaskStatus::Done)).unwrap_err(), PlanError::UnknownTask(task_id(9)));
}

#[test]
fn progress_notes_are_dated_and_written_by_the_team() {
    let note = |task, agency_n: u128, text: &str| PlanCommand::AddNote {
        task,
        by: member(agency_n),
        agency: agency(agency_n),
        text: text.into(),
        restriction: Restriction::Team,
    };
    let (plan, _) = try_apply(active(1), note(Some(task_id(1)), MUNICIPALITY, "viewing on Friday")).unwrap();
    assert_eq!((plan.notes[0].on, plan.notes[0].text.as_str()), (date(2026, 3, 5), "viewing on Friday"));
    assert_eq!(try_apply(plan.clone(), note(None, MUNICIPALITY, " ")).unwrap_err(), PlanError::EmptyNote);
    assert_eq!(try_apply(plan.clone(), note(None, 42, "hello")).unwrap_err(), PlanError::AuthorNotOnTeam(agency(42)));
    assert_eq!(
        try_apply(plan, note(Some(task_id(9)), POLICE, "hello")).unwrap_err(),
        PlanError::UnknownTask(task_id(9))
    );
}

#[test]
fn measures_are_linked_once_and_ended() {
    let link = PlanCommand::LinkMeasure {
        obligation: obligation(1),
        kind: MeasureKind::AreaBan,
        description: "city centre ban".into(),
    };
    let (plan, _) = try_apply(active(1), link.clone()).unwrap();
    assert_eq!(plan.open_measures().len(), 1);
    assert_eq!(try_apply(plan.clone(), link).unwrap_err(), PlanError::MeasureAlreadyLinked(obligation(1)));
    let (plan, _) = try_apply(plan, PlanCommand::EndMeasure { obligation: obligation(1) }).unwrap();
    assert!(plan.open_measures().is_empty());
    assert_eq!(
        try_apply(plan, PlanCommand::EndMeasure { obligation: obligation(2) }).unwrap_err(),
        PlanError::UnknownMeasure(obligation(2))
    );
}

#[test]
fn activation_needs_goals_and_tasks_and_schedules_the_re_evaluation() {
    assert_eq!(try_apply(draft(1), PlanCommand::Activate).unwrap_err(), PlanError::NothingToActivate);
    let plan = run(draft(1), vec![add_goal(1, "housing"), add_task(1, POLICE, date(2026, 4, 1))], start());
    let (plan, effects) = try_apply(plan, PlanCommand::Activate).unwrap();
    assert_eq!(plan.status, PlanStatus::Active);
    assert_eq!((plan.activated_on, plan.re_evaluation_on), (Some(date(2026, 3, 5)), Some(date(2027, 3, 5))));
    assert_eq!(effects, vec![PlanEffect::Activated { plan: plan.id, re_evaluation_on: date(2027, 3, 5) }]);
    assert_eq!(
        try_apply(plan, PlanCommand::Activate).unwrap_err(),
        PlanError::WrongStatus { current: "active", needed: "draft" }
    );
}

#[test]
fn re_evaluation_starts_only_on_a_running_plan() {
    assert_eq!(
        try_apply(draft(1), PlanCommand::StartReEvaluation).unwrap_err(),
        PlanError::WrongStatus { current: "draft", needed: "active or continued" }
    );
    let (started, effects) = try_apply(active(1), PlanCommand::StartReEvaluation).unwrap();
    assert_eq!(effects, vec![PlanEffect::ReEvaluationStarted { plan: started.id }]);
    let plan = under_re_evaluation();
    assert_eq!(plan.status, PlanStatus::UnderReEvaluation);
    assert!(matches!(
        try_apply(plan, PlanCommand::StartReEvaluation).unwrap_err(),
        PlanError::WrongStatus { current: "under re-evaluation", .. }
    ));
}

#[test]
fn continuing_needs_a_reason_and_schedules_the_next_re_evaluation() {
    assert_eq!(
        try_apply(under_re_evaluation(), PlanCommand::Continue { reason: "".into() }).unwrap_err(),
        PlanError::ContinueNeedsReason
    );
    assert!(matches!(
        try_apply(active(1), PlanCommand::Continue { reason: "x".into() }).unwrap_err(),
        PlanError::WrongStatus { needed: "under re-evaluation", .. }
    ));
    let (plan, effects) = under_re_evaluation()
        .apply(
            PlanCommand::Continue { reason: "housing found, treatment just started".into() },
            &context(),
            date(2027, 3, 8),
        )
        .unwrap();
    assert!(plan.status.is_running());
    assert_eq!(plan.re_evaluation_on, Some(date(2028, 3, 8)));
    assert_eq!(effects, vec![PlanEffect::Continued { plan: plan.id, re_evaluation_on: date(2028, 3, 8) }]);
    // A continued plan can be re-evaluated again.
    assert!(try_apply(plan, PlanCommand::StartReEvaluation).is_ok());
}

#[test]
fn closing_with_open_measures_needs_a_reason() {
    let link = PlanCommand::LinkMeasure {
        obligation: obligation(1),
        kind: MeasureKind::Condition,
        description: "no alcohol".into(),
    };
    let plan = run(under_re_evaluation(), vec![link], date(2027, 3, 2));
    let close = |reason: Option<&str>| PlanCommand::Close {
        outcome: Outcome::GoalsPartlyMet,
        why: "housed; still drinking".into(),
        open_measures_reason: reason.map(str::to_owned),
    };
    let error = try_apply(plan.clone(), close(None)).unwrap_err();
    assert_eq!(error, PlanError::OpenMeasuresNeedReason { count: 1 });
    assert!(error.to_string().contains("give a reason"));
    assert_eq!(try_apply(plan.clone(), close(Some("  "))).unwrap_err(), PlanError::OpenMeasuresNeedReason { count: 1 });
    let no_why =
        PlanCommand::Close { outcome: Outcome::GoalsMet, why: " ".into(), open_measures_reason: Some("x".into()) };
    assert_eq!(try_apply(plan.clone(), no_why).unwrap_err(), PlanError::CloseNeedsWhy);

    let (closed, effects) = try_apply(plan, close(Some("probation supervises the condition"))).unwrap();
    assert!(matches!(
        &closed.status,
        PlanStatus::Closed { outcome: Outcome::GoalsPartlyMet, open_measures_reason: Some(_), .. }
    ));
    assert!(closed.tasks.iter().all(|t| !t.status.is_outstanding()), "outstanding tasks end with the plan");
    assert_eq!(effects.iter().filter(|e| matches!(e, PlanEffect::TaskCancelled { .. })).count(), 3);
    assert_eq!(effects.last(), Some(&PlanEffect::Closed { plan: closed.id }));
    assert_eq!(closed.re_evaluation_on, None);
    assert_eq!(
        try_apply(closed, add_goal(5, "housing")).unwrap_err(),
        PlanError::WrongStatus { current: "closed", needed: "open (draft, active, continued or under re-evaluation)" }
    );
}

#[test]
fn closing_without_open_measures_needs_no_extra_reason_but_only_at_re_evaluation() {
    let close =
        PlanCommand::Close { outcome: Outcome::GoalsMet, why: "stable for a year".into(), open_measures_reason: None };
    assert!(matches!(try_apply(active(1), close.clone()).unwrap_err(), PlanError::WrongStatus { .. }));
    let (closed, _) = try_apply(under_re_evaluation(), close).unwrap();
    assert!(matches!(closed.status, PlanStatus::Closed { outcome: Outcome::GoalsMet, .. }));
}

#[test]
fn returning_to_criminal_justice_notifies_the_prosecution() {
    assert_eq!(
        try_apply(active(1), PlanCommand::ReturnToCriminalJustice { reason: "".into() }).unwrap_err(),
        PlanError::ReturnNeedsReason
    );
    assert!(matches!(
        try_apply(draft(1), PlanCommand::ReturnToCriminalJustice { reason: "x".into() }).unwrap_err(),
        PlanError::WrongStatus { current: "draft", .. }
    ));
    let (plan, effects) =
        try_apply(active(1), PlanCommand::ReturnToCriminalJustice { reason: "refuses all help".into() }).unwrap();
    assert!(plan.status.has_ended());
    assert!(effects.contains(&PlanEffect::ReturnedToProsecution {
        plan: plan.id,
        person: plan.person,
        reason: "refuses all help".into()
    }));
    assert!(
        try_apply(under_re_evaluation(), PlanCommand::ReturnToCriminalJustice { reason: "no progress".into() }).is_ok()
    );
}

#[test]
fn restricted_entries_name_only_team_agencies_and_keep_their_owner() {
    let restricted = |n: u128, owner: u128, to: &[u128]| match add_task(n, owner, start()) {
        PlanCommand::AddTask { task, description, kind, owner, owner_member, goal, due, .. } => PlanCommand::AddTask {
            task,
            description,
            kind,
            owner,
            owner_member,
            goal,
            due,
            restriction: Restriction::Agencies(to.iter().map(|a| agency(*a)).collect()),
        },
        _ => unreachable!(),
    };
    assert_eq!(
        try_apply(draft(1), restricted(1, PROBATION, &[PROBATION, 42])).unwrap_err(),
        PlanError::RestrictionOutsideTeam(agency(42))
    );
    assert_eq!(
        try_apply(draft(1), restricted(1, PROBATION, &[MUNICIPALITY])).unwrap_err(),
        PlanError::RestrictionExcludesOwner(agency(PROBATION))
    );
    let (plan, _) = try_apply(draft(1), restricted(1, PROBATION, &[PROBATION, MUNICIPALITY])).unwrap();
    let note = |to: &[u128]| PlanCommand::AddNote {
        task: Some(task_id(1)),
        by: member(1),
        agency: agency(POLICE),
        text: "spoke to the landlord".into(),
        restriction: Restriction::Agencies(to.iter().map(|a| agency(*a)).collect()),
    };
    assert_eq!(
        try_apply(plan.clone(), note(&[PROBATION])).unwrap_err(),
        PlanError::RestrictionExcludesOwner(agency(POLICE))
    );
    let (plan, _) = try_apply(plan, note(&[POLICE, PROBATION])).unwrap();
    let police_view = plan_view_for(&plan, agency(POLICE)).unwrap();
    assert!(police_view.tasks.is_empty(), "the task is restricted to probation and the municipality");
    assert_eq!(police_view.notes.len(), 1);
    let municipality_view = plan_view_for(&plan, agency(MUNICIPALITY)).unwrap();
    assert_eq!((municipality_view.tasks.len(), municipality_view.notes.len()), (1, 0));
}

#[test]
fn a_goal_is_revised_or_withdrawn_only_with_a_reason() {
    let serving = |n: u128, goal: u128| match add_task(n, MUNICIPALITY, start()) {
        PlanCommand::AddTask { task, description, kind, owner, owner_member, due, restriction, .. } => {
            PlanCommand::AddTask {
                task,
                description,
                kind,
                owner,
                owner_member,
                goal: Some(goal_id(goal)),
                due,
                restriction,
            }
        }
        other => other,
    };
    let plan =
        run(draft(1), vec![add_goal(1, "housing"), add_goal(2, "housing"), serving(1, 1), serving(2, 2)], start());
    let revise = |reason: &str| PlanCommand::ReviseGoal {
        goal: goal_id(1),
        domain: DomainKey::new("housing"),
        in_own_words: "A room near my work".into(),
        agreed_by_person: false,
        reason: reason.into(),
    };
    assert_eq!(try_apply(plan.clone(), revise(" ")).unwrap_err(), PlanError::GoalChangeNeedsReason);
    let (plan, effects) = try_apply(plan, revise("found work elsewhere")).unwrap();
    assert!(effects.is_empty());
    assert_eq!((plan.goals[0].in_own_words.as_str(), plan.goals[0].agreed_by_person), ("A room near my work", false));

    // Withdrawn only once the tasks serving it are finished; they stay, without the goal.
    let withdraw = |reason: &str| PlanCommand::WithdrawGoal { goal: goal_id(2), reason: reason.into() };
    assert_eq!(try_apply(plan.clone(), withdraw("")).unwrap_err(), PlanError::GoalChangeNeedsReason);
    assert_eq!(
        try_apply(plan.clone(), withdraw("written twice")).unwrap_err(),
        PlanError::GoalHasOutstandingTasks { tasks: vec![task_id(2)] }
    );
    let done = PlanCommand::ChangeTaskStatus { task: task_id(2), status: TaskStatus::Done, by_referral: None };
    let (plan, _) = try_apply(plan, done).unwrap();
    let (plan, _) = try_apply(plan, withdraw("written twice")).unwrap();
    assert_eq!(plan.goals.iter().map(|g| g.id).collect::<Vec<_>>(), vec![goal_id(1)]);
    assert_eq!((plan.task(task_id(2)).unwrap().goal, plan.task(task_id(1)).unwrap().goal), (None, Some(goal_id(1))));
    assert_eq!(try_apply(plan, withdraw("again")).unwrap_err(), PlanError::UnknownGoal(goal_id(2)));
}

#[test]
fn a_weekly_review_is_held_on_a_running_plan_by_the_team_and_kept_as_the_latest() {
    let review = |agency_n: u128, outcome| PlanCommand::RecordReview {
        by: member(agency_n),
        agency: agency(agency_n),
        outcome,
        note: "  huisbezoek gepland  ".into(),
    };
    assert_eq!(
        try_apply(draft(1), review(PROBATION, ReviewOutcome::OnTrack)).unwrap_err(),
        PlanError::WrongStatus { current: "draft", needed: "active or continued" }
    );
    let (plan, effects) = try_apply(active(1), review(PROBATION, ReviewOutcome::Adjusted)).unwrap();
    assert!(effects.is_empty(), "a review tells no one: it is a record of the plan");
    let held = plan.last_review.clone().unwrap();
    assert_eq!((held.on, held.by, held.agency), (date(2026, 3, 5), member(PROBATION), agency(PROBATION)));
    assert_eq!((held.outcome, held.note.as_str()), (ReviewOutcome::Adjusted, "huisbezoek gepland"));
    assert_eq!(
        try_apply(plan, review(42, ReviewOutcome::OnTrack)).unwrap_err(),
        PlanError::AuthorNotOnTeam(agency(42))
    );
    assert!(try_apply(under_re_evaluation(), review(PROBATION, ReviewOutcome::OnTrack)).is_err());
    assert_eq!(ReviewOutcome::parse("to_conference"), Some(ReviewOutcome::ToConference));
    assert_eq!(ReviewOutcome::parse("fine"), None);
}
