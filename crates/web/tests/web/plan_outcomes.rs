//! The one-year re-evaluation shows the person's outcomes: the proven offences of the police
//! and court record since the plan started, linked by the person's BSN — to the process
//! manager who re-evaluates, audited; not to a team member who does not manage plans, and not
//! to a process manager whose agency is not on the team (refused and audited).

use crate::support::extracts::{extract, import};
use crate::support::spawn_app;
use domain::access::Role;
use domain::directory::AgencyKind;
use domain::plan::service::{PlanAction, Plans};
use reqwest::StatusCode;

fn at(day: &str) -> jiff::Timestamp {
    format!("{day}T09:00:00Z").parse().unwrap()
}

#[tokio::test]
async fn the_re_evaluation_shows_the_proven_offences_since_the_plan_started() {
    let app = spawn_app().await;
    let now = app.now();
    let bsn = crate::support::valid_bsn(3);
    let offences = format!(
        "A1,{bsn},2025-01-10,2025-01-20,conviction,theft,3\n\
         A2,{bsn},2025-06-01,2025-07-01,conviction,shoplifting,2\n\
         A3,{bsn},2025-08-01,2025-09-01,acquittal,assault,4\n"
    );
    import(&app.store, &extract(&format!("{bsn},1984-03-12,M,Utrecht\n"), &offences, ""), "test").await;
    app.clock.set(at("2025-02-01"));
    let police_agency = app.agency("Politie", AgencyKind::Police).await;
    let police = app.member(&police_agency, "agent", &[Role::PoliceOfficer]).await;
    let house = app.agency("Veiligheidshuis", AgencyKind::SafetyHouse).await;
    let manager = app.member(&house, "regie", &[Role::ProcessManager]).await;
    let person = app.person(&police, "Hoekstra", &bsn).await;
    app.join_team(&police, person, &house).await;
    let zone = jiff::tz::TimeZone::get("Europe/Amsterdam").unwrap();
    let plans = Plans { store: &app.store, clock: app.clock.as_ref(), time_zone: &zone, pack: &app.state.beyond };
    plans.draft(&manager, person).await.unwrap();
    let goal =
        PlanAction::AddGoal { domain: "housing".into(), in_own_words: "Een huis".into(), agreed_by_person: true };
    plans.change(&manager, person, &goal).await.unwrap();
    let goal_id = plans.view(&manager, person, "test").await.unwrap().plan.unwrap().plan.goals[0].id.0.to_string();
    let task = PlanAction::AddTask {
        description: "Woning zoeken".into(),
        kind: "care".into(),
        owner: house.id.to_string(),
        owner_member: String::new(),
        goal: goal_id,
        due: "2025-04-01".into(),
        restricted_to: Vec::new(),
    };
    plans.change(&manager, person, &task).await.unwrap();
    plans.change(&manager, person, &PlanAction::Activate).await.unwrap();
    app.clock.set(at("2026-02-02"));
    plans.change(&manager, person, &PlanAction::StartReEvaluation).await.unwrap();
    app.clock.set(now);

    let html = app.session_for(&manager).await.get(&format!("/people/{person}/plan")).await.text().await.unwrap();
    assert!(html.contains("Bewezen delicten sinds de start van het plan (2025-02-01)"), "{html}");
    assert!(html.contains("toont één bewezen delict sinds"), "one proven since the start, said as one");
    assert!(html.contains(">winkeldiefstal<") && html.contains("Veroordeling"), "the offence type in words");
    assert!(!html.contains(">diefstal<"), "before the plan started");
    assert!(!html.contains(">mishandeling<"), "an acquittal is no proven offence");
    let read = "audit_log WHERE action = 'read' AND what = 'plan: outcomes since the plan started'";
    assert_eq!(app.count(read).await, 1);

    // Police on the team read the plan, not the record.
    let page = app.session_for(&police).await.get(&format!("/people/{person}/plan")).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(!page.text().await.unwrap().contains("Bewezen delicten"));
    // A process manager of another Safety House is refused, and the refusal audited.
    let other = app.member_of_new_agency("Ander huis", AgencyKind::SafetyHouse, "ander", Role::ProcessManager).await;
    let refused = plans.outcomes(&other, person).await;
    assert!(matches!(refused, Err(domain::service::ServiceError::Forbidden(_))), "{refused:?}");
    let denied = "audit_log WHERE action = 'denied' AND what = 'plan: outcomes since the plan started'";
    assert_eq!(app.count(denied).await, 1);
}
