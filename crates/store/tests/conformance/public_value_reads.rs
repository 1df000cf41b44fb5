//! The public value report's reads on both backends (they ran on SQLite only), with known
//! answers: a ZSM case decided through the use case, a plan drafted, activated, its task
//! started and done and its re-evaluation begun a year on, a screening and an intensive
//! episode — each read back as the report counts it.

use crate::support::{PACK, TestDb, UTC, actor, at, person_input, person_on_team};
use domain::FixedClock;
use domain::access::Role;
use domain::directory::AgencyKind;
use domain::measures::EpisodeInput;
use domain::measures::service::Measures;
use domain::plan::service::{PlanAction, Plans};
use domain::screening::service::Screenings;
use domain::screening::{ScoreInput, ScreeningInput};
use domain::zsm::model::forms::{DecisionForm, IntakeForm, OffenceForm};
use domain::zsm::ports::{ZsmLocation, ZsmStore};
use domain::zsm::service::Zsm;
use store::evidence::whatworks::WorkWhen;

fn date(y: i16, m: i8, d: i8) -> jiff::civil::Date {
    jiff::civil::date(y, m, d)
}

async fn the_reports_reads_give_what_was_recorded(db: TestDb) {
    let store = &db.store;
    let police = actor(store, "Politie", AgencyKind::Police, Role::PoliceOfficer).await;
    let prosecutor = actor(store, "OM", AgencyKind::Prosecution, Role::Prosecutor).await;
    let house = actor(store, "Zorg- en Veiligheidshuis", AgencyKind::SafetyHouse, Role::ProcessManager).await;
    let probation = actor(store, "Reclassering", AgencyKind::Probation, Role::ProbationOfficer).await;
    let location = ZsmLocation {
        code: "zsm-utrecht".into(),
        name: "ZSM Utrecht".into(),
        pack: "nl".into(),
        agencies: vec![police.agency_id, prosecutor.agency_id],
        time_zone: None,
    };
    store.create_location(&location, at("2026-01-01T09:00:00Z")).await.unwrap();
    let clock = FixedClock::new(at("2026-03-02T09:30:00Z"));
    let who = person_on_team(
        store,
        &clock,
        &police,
        &person_input("Aalders", "Sam", "1990-01-01", "111222333"),
        &[&house, &probation],
    )
    .await;

    // Arrested at 09:00, decided at 14:00 on 2 March.
    let zsm = Zsm { store, clock: &clock };
    let intake = IntakeForm {
        suspect_id: who.to_string(),
        location: "zsm-utrecht".into(),
        arrested_at: "2026-03-02T09:00".into(),
        arrived_at: "2026-03-02T09:00".into(),
        offences: vec![OffenceForm {
            offence_type: "winkeldiefstal".into(),
            committed_on: "2026-03-02".into(),
            place: "Utrecht".into(),
            description: "Twee flessen".into(),
            pretrial_detention: "no".into(),
        }],
        police_report_summary: "Aangehouden".into(),
        ..Default::default()
    };
    let case = zsm.register(&police, &intake).await.unwrap();
    clock.set(at("2026-03-02T14:00:00Z"));
    let decision = DecisionForm {
        disposal: "unconditional_dismissal".into(),
        parameters: [("ground".to_string(), "policy".to_string())].into_iter().collect(),
        reasoning: "Eerste feit".into(),
        ..Default::default()
    };
    zsm.decide(&prosecutor, case, &decision, 1).await.unwrap();
    let decided = store.cases_decided_between(at("2026-03-01T00:00:00Z"), at("2026-04-01T00:00:00Z")).await.unwrap();
    assert_eq!(decided.len(), 1);
    assert_eq!((decided[0].person, decided[0].location.as_str()), (*who.as_uuid(), "zsm-utrecht"));
    assert_eq!(
        (decided[0].arrested_at, decided[0].decided_at),
        (at("2026-03-02T08:00:00Z"), at("2026-03-02T14:00:00Z")),
        "09:00 at the location (Amsterdam) is 08:00 UTC"
    );
    let later = store.cases_decided_between(at("2026-03-03T00:00:00Z"), at("2026-04-01T00:00:00Z")).await.unwrap();
    assert!(later.is_empty(), "the period is [from, to)");

    // Screened on 3 March.
    clock.set(at("2026-03-03T10:00:00Z"));
    let screenings = Screenings { store, clock: &clock, time_zone: &UTC, config: &PACK.screening };
    let entries = PACK
        .screening
        .domains
        .iter()
        .map(|d| ScoreInput {
            domain: d.key.to_string(),
            score: "3".into(),
            note: String::new(),
            source: "interview".into(),
        })
        .collect();
    screenings.record(&probation, who, &ScreeningInput { screened_on: String::new(), entries }).await.unwrap();

    // The plan: drafted 4 March, a goal with one task due 1 April, activated 6 March, the task
    // started 10 March and done 20 March; the re-evaluation begun on its day a year on.
    let plans = Plans { store, clock: &clock, time_zone: &UTC, pack: &PACK };
    clock.set(at("2026-03-04T10:00:00Z"));
    plans.draft(&house, who).await.unwrap();
    let goal =
        PlanAction::AddGoal { domain: "housing".into(), in_own_words: "Een huis".into(), agreed_by_person: true };
    plans.change(&house, who, &goal).await.unwrap();
    let goal_id = plans.view(&house, who, "test").await.unwrap().plan.unwrap().plan.goals[0].id.0.to_string();
    let task = PlanAction::AddTask {
        description: "Aanmelden bij de woningcorporatie".into(),
        kind: "care".into(),
        owner: house.agency_id.to_string(),
        owner_member: String::new(),
        goal: goal_id,
        due: "2026-04-01".into(),
        restricted_to: Vec::new(),
    };
    plans.change(&house, who, &task).await.unwrap();
    clock.set(at("2026-03-06T10:00:00Z"));
    plans.change(&house, who, &PlanAction::Activate).await.unwrap();
    let task_id = plans.view(&house, who, "test").await.unwrap().plan.unwrap().plan.tasks[0].id.0.to_string();
    let status = |s: &str| PlanAction::TaskStatus { task: task_id.clone(), status: s.into(), reason: String::new() };
    clock.set(at("2026-03-10T10:00:00Z"));
    plans.change(&house, who, &status("in_progress")).await.unwrap();
    clock.set(at("2026-03-20T10:00:00Z"));
    plans.change(&house, who, &status("done")).await.unwrap();
    clock.set(at("2027-03-06T10:00:00Z"));
    plans.change(&house, who, &PlanAction::StartReEvaluation).await.unwrap();

    let records = store.plan_records().await.unwrap();
    assert_eq!(records.len(), 1);
    let plan = &records[0];
    assert_eq!(plan.person, *who.as_uuid());
    assert_eq!(plan.drafted, date(2026, 3, 4));
    assert_eq!(plan.activated, Some((date(2026, 3, 6), *house.agency_id.as_uuid())));
    assert_eq!(plan.re_evaluation_started, Some(date(2027, 3, 6)));
    assert_eq!(plan.tasks, [(date(2026, 4, 1), Some(date(2026, 3, 20)))]);
    assert_eq!(plan.goals_reached, [date(2026, 3, 20)]);

    // An intensive episode from 12 March, typed in on 14 March.
    clock.set(at("2026-03-14T10:00:00Z"));
    let measures = Measures { store, clock: &clock, time_zone: &UTC, pack: &PACK };
    let episode = EpisodeInput {
        case_manager: probation.member_id.to_string(),
        started_on: "2026-03-12".into(),
        weeks: "6".into(),
        contacts_per_week: "2".into(),
    };
    measures.start_episode(&probation, who, &episode).await.unwrap();

    let help = store.help_records().await.unwrap();
    let mut started: Vec<String> = help
        .help_started
        .iter()
        .map(|(p, when)| {
            assert_eq!(p, who.as_uuid());
            match when {
                WorkWhen::On(d) => d.to_string(),
                WorkWhen::At(t) => t.to_string(),
            }
        })
        .collect();
    started.sort();
    assert_eq!(started, ["2026-03-10", "2026-03-12", "2026-03-20"], "task started, episode begun, task done");
    assert_eq!(help.screenings, [(*who.as_uuid(), date(2026, 3, 3))]);
    assert!(help.delivered.is_empty() && help.unmet.is_empty() && help.spend.is_empty());
}

on_both_backends!(the_reports_reads_give_what_was_recorded);
