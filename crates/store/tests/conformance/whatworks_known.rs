//! The index events derived from desist's own records, with known answers: the work recorded
//! through the domain's use cases (a ZSM decision and its amendment, a plan activated, an
//! exclusion order typed in after the night it was imposed, an intensive episode, a cohort's
//! recorded history) and each derived event checked exactly — who, when, and its group.

use crate::support::{TestDb, UTC, actor, at, person_input, person_on_team};
use domain::FixedClock;
use domain::access::{Actor, Role};
use domain::directory::AgencyKind;
use domain::ids::PersonId;
use domain::measures::service::Measures;
use domain::measures::{EpisodeInput, OrderInput};
use domain::plan::service::{PlanAction, Plans};
use domain::zsm::model::forms::{DecisionForm, IntakeForm, OffenceForm};
use domain::zsm::ports::{ZsmLocation, ZsmStore};
use domain::zsm::service::Zsm;
use store::Store;
use store::evidence::whatworks::{DerivedEvent, WorkGrouping, WorkSubject, WorkWhen};

/// (subject, when, group, place) of each derived event, in a stable order.
async fn derived(store: &Store, by: WorkGrouping) -> Vec<(WorkSubject, WorkWhen, String, Option<String>)> {
    let events: Vec<DerivedEvent> = store.derived_events(by).await.unwrap();
    let mut seen: Vec<_> = events.into_iter().map(|e| (e.subject, e.when, e.group, e.place)).collect();
    seen.sort_by_key(|e| (e.0.clone(), e.2.clone(), format!("{:?}", e.1)));
    seen
}

fn person(id: PersonId) -> WorkSubject {
    WorkSubject::Person(*id.as_uuid())
}

fn day(y: i16, m: i8, d: i8) -> WorkWhen {
    WorkWhen::On(jiff::civil::date(y, m, d))
}

fn intake(suspect: PersonId, location: &str, arrested: &str) -> IntakeForm {
    IntakeForm {
        suspect_id: suspect.to_string(),
        location: location.into(),
        arrested_at: arrested.into(),
        arrived_at: arrested.into(),
        offences: vec![OffenceForm {
            offence_type: "winkeldiefstal".into(),
            committed_on: arrested[..10].into(),
            place: "Utrecht".into(),
            description: "Twee flessen".into(),
            pretrial_detention: "no".into(),
        }],
        police_report_summary: "Aangehouden".into(),
        ..Default::default()
    }
}

fn dismissal(disposal: &str, parameter: (&str, &str)) -> DecisionForm {
    DecisionForm {
        disposal: disposal.into(),
        parameters: [(parameter.0.to_string(), parameter.1.to_string())].into_iter().collect(),
        reasoning: "Eerste feit".into(),
        ..Default::default()
    }
}

async fn location(store: &Store, code: &str, name: &str, agencies: &[&Actor]) {
    let location = ZsmLocation {
        code: code.into(),
        name: name.into(),
        pack: "nl".into(),
        agencies: agencies.iter().map(|a| a.agency_id).collect(),
        time_zone: None,
    };
    store.create_location(&location, at("2026-01-01T09:00:00Z")).await.unwrap();
}

/// A decided and amended case at one location, a decided case at another and an undecided
/// one: a decision's index event is dated by the first decision and grouped by the disposal
/// in force (and by the location's name).
async fn zsm_decisions_give_disposal_and_location_events(db: TestDb) {
    let store = &db.store;
    let police = actor(store, "Politie", AgencyKind::Police, Role::PoliceOfficer).await;
    let prosecutor = actor(store, "OM", AgencyKind::Prosecution, Role::Prosecutor).await;
    location(store, "zsm-utrecht", "ZSM Utrecht", &[&police, &prosecutor]).await;
    location(store, "zsm-amsterdam", "ZSM Amsterdam", &[&police, &prosecutor]).await;
    let clock = FixedClock::new(at("2026-03-02T09:30:00Z"));
    let zsm = Zsm { store, clock: &clock };
    let suspect = |name: &str, bsn: &str| person_input(name, "Sam", "1990-01-01", bsn);
    let a = person_on_team(store, &clock, &police, &suspect("Aalders", "111222333"), &[]).await;
    let b = person_on_team(store, &clock, &police, &suspect("Bos", "123456782"), &[]).await;
    let c = person_on_team(store, &clock, &police, &suspect("Claes", "100000009"), &[]).await;
    let case_a = zsm.register(&police, &intake(a, "zsm-utrecht", "2026-03-02T09:00")).await.unwrap();
    let case_b = zsm.register(&police, &intake(b, "zsm-amsterdam", "2026-03-02T09:00")).await.unwrap();
    zsm.register(&police, &intake(c, "zsm-utrecht", "2026-03-02T09:00")).await.unwrap();
    clock.set(at("2026-03-02T14:00:00Z"));
    zsm.decide(&prosecutor, case_a, &dismissal("unconditional_dismissal", ("ground", "policy")), 1).await.unwrap();
    clock.set(at("2026-03-03T08:15:00Z"));
    zsm.decide(&prosecutor, case_b, &dismissal("unconditional_dismissal", ("ground", "technical")), 1).await.unwrap();
    clock.set(at("2026-03-05T10:00:00Z"));
    let amended = dismissal("conditional_dismissal", ("compensation_cents", "5000"));
    zsm.amend(&prosecutor, case_a, &amended, "Voorwaarde vergeten", 2).await.unwrap();

    let first_a = WorkWhen::At(at("2026-03-02T14:00:00Z"));
    let first_b = WorkWhen::At(at("2026-03-03T08:15:00Z"));
    let (utrecht, amsterdam) = (Some("zsm-utrecht".to_owned()), Some("zsm-amsterdam".to_owned()));
    let mut disposals = vec![
        (person(a), first_a, "conditional_dismissal".to_owned(), utrecht.clone()),
        (person(b), first_b, "unconditional_dismissal".to_owned(), amsterdam.clone()),
    ];
    disposals.sort_by(|x, y| (&x.0, &x.2).cmp(&(&y.0, &y.2)));
    assert_eq!(derived(store, WorkGrouping::Disposal).await, disposals, "the disposal in force, dated by the first");
    let mut locations = vec![
        (person(a), first_a, "ZSM Utrecht".to_owned(), utrecht),
        (person(b), first_b, "ZSM Amsterdam".to_owned(), amsterdam),
    ];
    locations.sort_by(|x, y| (&x.0, &x.2).cmp(&(&y.0, &y.2)));
    assert_eq!(derived(store, WorkGrouping::Location).await, locations);
}

/// A plan activated a week after it was drafted, and one only drafted: the activation is the
/// index event, dated that day and grouped by the Safety House (agency) that activated it.
async fn an_activated_plan_gives_a_plan_event(db: TestDb) {
    let store = &db.store;
    let house = actor(store, "Zorg- en Veiligheidshuis Utrecht", AgencyKind::SafetyHouse, Role::ProcessManager).await;
    let clock = FixedClock::new(at("2026-04-01T09:00:00Z"));
    let plans = Plans { store, clock: &clock, time_zone: &UTC, pack: &crate::support::PACK };
    let p =
        person_on_team(store, &clock, &house, &person_input("Pieters", "Piet", "1985-01-01", "111222333"), &[]).await;
    let q = person_on_team(store, &clock, &house, &person_input("Quist", "Quin", "1985-01-01", "123456782"), &[]).await;
    for who in [p, q] {
        plans.draft(&house, who).await.unwrap();
        let goal = PlanAction::AddGoal {
            domain: "finances".into(),
            in_own_words: "Schulden op orde".into(),
            agreed_by_person: true,
        };
        plans.change(&house, who, &goal).await.unwrap();
        let goal_id = plans.view(&house, who, "test").await.unwrap().plan.unwrap().plan.goals[0].id.0.to_string();
        let task = PlanAction::AddTask {
            description: "Aanmelden bij de schuldhulp".into(),
            kind: "care".into(),
            owner: house.agency_id.to_string(),
            owner_member: String::new(),
            goal: goal_id,
            due: "2026-06-01".into(),
            restricted_to: Vec::new(),
        };
        plans.change(&house, who, &task).await.unwrap();
    }
    clock.set(at("2026-04-08T21:30:00Z"));
    plans.change(&house, p, &PlanAction::Activate).await.unwrap();
    assert_eq!(
        derived(store, WorkGrouping::Plan).await,
        [(
            person(p),
            day(2026, 4, 8),
            "Zorg- en Veiligheidshuis Utrecht".to_owned(),
            Some(house.agency_id.to_string())
        )]
    );
}

/// An exclusion order typed in two days after the night it was imposed, and an intensive
/// episode recorded after its first day: each dated when the measure began, for the excluded
/// person only (not the victim).
async fn measures_give_events_dated_when_they_began(db: TestDb) {
    let store = &db.store;
    let mayor = actor(store, "Gemeente", AgencyKind::Municipality, Role::MunicipalityOfficer).await;
    let probation = actor(store, "Reclassering", AgencyKind::Probation, Role::ProbationOfficer).await;
    let clock = FixedClock::new(at("2026-03-20T09:00:00Z"));
    let measures = Measures { store, clock: &clock, time_zone: &UTC, pack: &crate::support::PACK };
    let excluded =
        person_on_team(store, &clock, &mayor, &person_input("Kuipers", "Kees", "1980-05-03", "111222333"), &[]).await;
    let victim =
        person_on_team(store, &clock, &mayor, &person_input("Kuipers", "Karin", "1982-05-03", "123456782"), &[]).await;
    let order = OrderInput {
        victims: victim.to_string(),
        address: "Dorpsstraat 1".into(),
        decision_ref: "HV-2026-014".into(),
        imposed_at: "2026-03-18T23:30".into(),
        ..Default::default()
    };
    measures.impose_order(&mayor, excluded, &order).await.unwrap();
    let helped =
        person_on_team(store, &clock, &probation, &person_input("Visser", "Vera", "1990-01-01", "100000009"), &[])
            .await;
    let episode = EpisodeInput {
        case_manager: probation.member_id.to_string(),
        started_on: "2026-03-16".into(),
        weeks: "6".into(),
        contacts_per_week: "2".into(),
    };
    measures.start_episode(&probation, helped, &episode).await.unwrap();
    let mut expected = vec![
        (person(excluded), WorkWhen::At(at("2026-03-18T23:30:00Z")), "exclusion_order".to_owned(), None),
        (person(helped), day(2026, 3, 16), "episode".to_owned(), None),
    ];
    expected.sort_by(|x, y| (&x.0, &x.2).cmp(&(&y.0, &y.2)));
    assert_eq!(derived(store, WorkGrouping::Measure).await, expected);
}

/// A cohort's recorded history: each person's joining is an index event on the evaluation
/// date they joined, grouped by the rule; leaving and joining again is a second one.
async fn cohort_entries_give_cohort_events(db: TestDb) {
    let store = &db.store;
    let persons = "person_id,birth_date,sex,area\nE1,1990-01-01,M,\nE2,1991-01-01,F,\nE3,1992-01-01,M,\n";
    let offences = "offence_id,person_id,offence_date,outcome_date,outcome,offence_type,seriousness\n\
                    O1,E1,2024-01-10,2024-01-12,conviction,theft,2\nO2,E1,2024-01-20,2024-01-22,caution,theft,2\n\
                    O3,E2,2023-05-01,2023-05-03,conviction,assault,4\nO4,E2,2024-02-15,2024-02-16,conviction,theft,2\n\
                    O5,E3,2024-02-01,,pending,theft,2\nO6,E3,2024-02-05,2024-02-06,conviction,theft,2\n\
                    O7,E1,2024-08-10,2024-08-11,conviction,theft,2\nO8,E1,2024-08-20,2024-08-21,conviction,theft,2\n";
    let loaded =
        evidence::csv_io::read_dataset(persons.as_bytes(), offences.as_bytes(), &b"person_id,index_date\n"[..])
            .unwrap();
    let data = loaded.dataset;
    store.import_extract(&data, "test", 0, at("2026-11-22T10:00:00Z"), &|_| {}).await.unwrap();
    let rule = "count(proven, within 6m) >= 2";
    let compiled = evidence::rules::CompiledRule::compile(&evidence::rules::parse(rule).unwrap(), &data);
    let dates: Vec<_> = ["2024-01-01", "2024-02-01", "2024-03-01", "2024-08-01", "2024-09-01", "2024-10-01"]
        .iter()
        .map(|d| evidence::date::parse_day(d.as_bytes()).unwrap())
        .collect();
    let history = evidence::membership::history(&data, &compiled, &dates, &[]);
    let notify = store::evidence::CohortNotify {
        by: None,
        today: jiff::civil::date(2026, 11, 22),
        lang: domain::jurisdiction::Lang::En,
        rule_label: None,
    };
    let (from, to) = (jiff::civil::date(2024, 1, 1), jiff::civil::date(2024, 10, 1));
    store.record_cohort_history(rule, from, to, &history.events, at("2026-11-22T10:00:00Z"), &notify).await.unwrap();
    // E1 joins on 1 February (two in January), leaves on 1 August (six months on) and joins
    // again on 1 September (two in August). E2's two offences are never six months apart or
    // less; one of E3's two is pending.
    let e1 = WorkSubject::Extract("E1".into());
    assert_eq!(
        derived(store, WorkGrouping::Cohort).await,
        [(e1.clone(), day(2024, 2, 1), rule.to_owned(), None), (e1, day(2024, 9, 1), rule.to_owned(), None)]
    );
}

on_both_backends!(
    zsm_decisions_give_disposal_and_location_events,
    an_activated_plan_gives_a_plan_event,
    measures_give_events_dated_when_they_began,
    cohort_entries_give_cohort_events,
);
