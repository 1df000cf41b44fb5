//! The public value report: a hand-built scenario with known answers. Thirty suspects were
//! decided at one ZSM location in March 2026, the k-th (k + 1) hours after the arrest; twenty
//! were screened beyond the case the next day; twelve were taken on by the Safety House, whose
//! plan (two goals, a task each) was activated on the day it was drafted, its first task started
//! k + 1 days after the arrest and done on 25 March, the second never; eleven unmet needs.
//! Who may open which scope, refusals audited, and the CSV of the same figures.

use crate::support::{TestApp, spawn_app};
use domain::access::{Actor, Role};
use domain::directory::{Agency, AgencyKind};
use domain::ids::PersonId;
use domain::plan::service::{PlanAction, Plans};
use domain::zsm::ports::{ZsmLocation, ZsmStore};
use reqwest::{Method, StatusCode};
use serde_json::Value;

const PERIOD: &str = "from=2026-01-01&to=2026-06-30";

struct Scenario {
    house: Agency,
    police: Actor,
    manager: Actor,
}

fn hex(uuid: &uuid::Uuid) -> String {
    uuid.simple().to_string()
}

fn micros(at: &str) -> i64 {
    at.parse::<jiff::Timestamp>().unwrap().as_microsecond()
}

fn at(day: &str) -> jiff::Timestamp {
    format!("{day}T09:00:00Z").parse().unwrap()
}

async fn scenario(app: &TestApp) -> Scenario {
    let police_agency = app.agency("Politie", AgencyKind::Police).await;
    let police = app.member(&police_agency, "agent", &[Role::PoliceOfficer]).await;
    let house = app.agency("Zorg- en Veiligheidshuis", AgencyKind::SafetyHouse).await;
    let manager = app.member(&house, "regie", &[Role::ProcessManager]).await;
    app.execute(&format!(
        "INSERT INTO safety_house (agency_id, pack, persons_per_day, triage_cutoff, created_at) VALUES (X'{}', 'nl', 5, '12:00', 0)",
        hex(house.id.as_uuid())
    ))
    .await;
    let location = ZsmLocation {
        code: "zsm-test".into(),
        name: "ZSM Test".into(),
        pack: "nl".into(),
        agencies: vec![police_agency.id, house.id],
        time_zone: None,
    };
    app.store.create_location(&location, app.now()).await.unwrap();
    let zone = jiff::tz::TimeZone::get("Europe/Amsterdam").unwrap();
    let plans = Plans { store: &app.store, clock: app.clock.as_ref(), time_zone: &zone, pack: &app.state.beyond };
    let now = app.now();
    for k in 0..30i64 {
        // Registered before the work began, so the team's entries hold when it is done.
        app.clock.set(at("2026-02-01"));
        let person = app.person(&police, &format!("Suspect{k}"), &crate::support::valid_bsn(k as usize)).await;
        let id = hex(person.as_uuid());
        let arrested = micros("2026-03-01T10:00:00Z");
        let decided = arrested + (k + 1) * 3_600_000_000;
        app.execute(&format!(
            "INSERT INTO zsm_case (id, location, pack, suspect_id, suspect_is_minor, arrested_at, arrived_at, \
             police_report_summary, registered_at, registered_by, status, is_open, first_decided_at, disposal, \
             settled_at_table, signals_beyond_case, referral_made, version, updated_at, updated_by, state, clocks) \
             VALUES (randomblob(16), 'zsm-test', 'nl', X'{id}', 0, {arrested}, {arrested}, 'test', {arrested}, X'{m}', \
             'decided', 0, {decided}, 'penalty_order', 1, 0, 0, 1, {decided}, X'{m}', '{{}}', '[]')",
            m = hex(police.member_id.as_uuid())
        ))
        .await;
        let screened_on = if k < 20 {
            Some("2026-03-02")
        } else if k == 25 {
            Some("2026-02-01")
        } else {
            None
        };
        if let Some(on) = screened_on {
            app.execute(&format!(
                "INSERT INTO screening (id, person_id, screened_on, screened_by, agency_id, recorded_at) \
                 VALUES (randomblob(16), X'{id}', '{on}', X'{}', X'{}', 0)",
                hex(police.member_id.as_uuid()),
                hex(police_agency.id.as_uuid())
            ))
            .await;
        }
        if k < 12 {
            safety_house_plan(app, &plans, &police, &manager, &house, person, k).await;
        }
        if k < 11 {
            app.execute(&format!(
                "INSERT INTO unmet_need (person_id, need, area, reason, on_date, month, at, member_id, agency_id) \
                 VALUES (X'{id}', 'housing', 'Utrecht', 'no_place', '2026-05-05', '2026-05', 0, X'{}', X'{}')",
                hex(manager.member_id.as_uuid()),
                hex(house.id.as_uuid())
            ))
            .await;
        }
    }
    app.clock.set(now);
    Scenario { house, police, manager }
}

/// Drafted and activated on 3 March; goal 1's task started k + 1 days after the arrest and
/// done on 25 March (before its due date, 1 April); goal 2's task (due 1 May) never done.
async fn safety_house_plan(
    app: &TestApp,
    plans: &Plans<'_, store::Store>,
    police: &Actor,
    manager: &Actor,
    house: &Agency,
    person: PersonId,
    k: i64,
) {
    app.clock.set(at("2026-02-01"));
    app.join_team(police, person, house).await;
    app.clock.set(at("2026-03-03"));
    plans.draft(manager, person).await.unwrap();
    for (n, due) in ["2026-04-01", "2026-05-01"].into_iter().enumerate() {
        let goal =
            PlanAction::AddGoal { domain: "housing".into(), in_own_words: format!("Doel {n}"), agreed_by_person: true };
        plans.change(manager, person, &goal).await.unwrap();
        let file = plans.view(manager, person, "test").await.unwrap();
        let goal_id = file.plan.unwrap().plan.goals.last().unwrap().id.0.to_string();
        let task = PlanAction::AddTask {
            description: format!("Taak {n}"),
            kind: "care".into(),
            owner: house.id.to_string(),
            owner_member: String::new(),
            goal: goal_id,
            due: due.into(),
            restricted_to: Vec::new(),
        };
        plans.change(manager, person, &task).await.unwrap();
    }
    plans.change(manager, person, &PlanAction::Activate).await.unwrap();
    let first = plans.view(manager, person, "test").await.unwrap().plan.unwrap().plan.tasks[0].id.0.to_string();
    let status =
        |status: &str| PlanAction::TaskStatus { task: first.clone(), status: status.into(), reason: String::new() };
    let started = jiff::civil::date(2026, 3, 1).checked_add(jiff::Span::new().days(k + 1)).unwrap();
    app.clock.set(at(&started.to_string()));
    plans.change(manager, person, &status("in_progress")).await.unwrap();
    app.clock.set(at("2026-03-25"));
    plans.change(manager, person, &status("done")).await.unwrap();
}

async fn report(app: &TestApp, actor: &Actor, query: &str) -> reqwest::Response {
    let path = format!("/api/v1/evidence/public-value?{PERIOD}&{query}");
    app.session_for(actor).await.api(Method::GET, &path, None).await
}

fn figure<'a>(body: &'a Value, measure: &str) -> &'a Value {
    body["figures"].as_array().unwrap().iter().find(|f| f["measure"] == measure).unwrap()
}

#[tokio::test]
async fn the_figures_of_the_whole_partnership_equal_the_hand_counted_answers() {
    let app = spawn_app().await;
    scenario(&app).await;
    let analyst = app.member_of_new_agency("Bureau", AgencyKind::Municipality, "analist", Role::Analyst).await;
    let response = report(&app, &analyst, "scope=all").await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["scope"], "all");
    assert_eq!(body["from"], "2026-01-01");
    assert_eq!(figure(&body, "zsm_cases_decided")["value"], 30.0);
    assert_eq!(figure(&body, "arrest_to_decision_hours_median")["value"], 15.0);
    assert_eq!(figure(&body, "arrest_to_decision_hours_p90")["value"], 27.0);
    let screened = figure(&body, "screened_beyond_the_case");
    assert_eq!((screened["numerator"].as_u64(), screened["denominator"].as_u64()), (Some(20), Some(30)));
    let helped = figure(&body, "help_started_after_arrest");
    assert_eq!((helped["numerator"].as_u64(), helped["denominator"].as_u64()), (Some(12), Some(30)));
    assert_eq!(figure(&body, "arrest_to_help_days_median")["value"], 6.0);
    assert_eq!(figure(&body, "arrest_to_help_days_p90")["value"], 11.0);
    assert_eq!(figure(&body, "plans_activated")["value"], 12.0);
    assert_eq!(figure(&body, "plans_activated_within_28_days")["value"], 1.0);
    let tasks = figure(&body, "tasks_done_by_due_date");
    assert_eq!((tasks["value"].as_f64(), tasks["denominator"].as_u64()), (Some(0.5), Some(24)));
    assert_eq!(figure(&body, "re_evaluations_on_time")["denominator"], 0, "none due in the period");
    assert_eq!(figure(&body, "goals_reached")["value"], 12.0);
    assert_eq!(figure(&body, "unmet_needs_recorded")["value"], 11.0);
    assert_eq!(figure(&body, "interventions_delivered")["value"], 0.0);
    // Decision bands: under 6 h 5 cases, 6–9 h 3, 9–24 h 15, 1–3 days 7: the small ones withheld.
    let bands: Vec<Value> = body["arrest_to_decision"].as_array().unwrap().iter().map(|b| b["cases"].clone()).collect();
    assert_eq!(bands, [Value::Null, Value::Null, Value::from(15), Value::Null, Value::from(0)]);
}

#[tokio::test]
async fn a_safety_house_counts_its_own_persons_and_small_cells_are_withheld_with_their_complements() {
    let app = spawn_app().await;
    let s = scenario(&app).await;
    let response = report(&app, &s.manager, "").await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["scope"], format!("safety-house:{}", s.house.id));
    assert_eq!(figure(&body, "zsm_cases_decided")["value"], 12.0);
    assert_eq!(figure(&body, "screened_beyond_the_case")["value"], 1.0, "all twelve: no complement to hide");
    assert_eq!(figure(&body, "help_started_after_arrest")["value"], 1.0);
    assert_eq!(figure(&body, "unmet_needs_recorded")["value"], 11.0);
    // The location the Safety House sits at is theirs too; the whole partnership is not.
    assert_eq!(report(&app, &s.manager, "scope=location:zsm-test").await.status(), StatusCode::OK);
    assert_eq!(report(&app, &s.manager, "scope=all").await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn members_without_a_scope_are_refused_and_every_refusal_is_audited() {
    let app = spawn_app().await;
    let s = scenario(&app).await;
    let other = app.member_of_new_agency("Ander huis", AgencyKind::SafetyHouse, "ander", Role::ProcessManager).await;
    let scope = format!("scope=safety-house:{}", s.house.id);
    let before = app.count("audit_log WHERE action = 'denied'").await;
    assert_eq!(report(&app, &other, &scope).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(report(&app, &s.police, "").await.status(), StatusCode::FORBIDDEN);
    let page = app.session_for(&s.police).await.get("/evidence/public-value").await;
    assert_eq!(page.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.count("audit_log WHERE action = 'denied'").await, before + 3);
    assert_eq!(report(&app, &s.manager, "scope=nonsense").await.status(), StatusCode::BAD_REQUEST);
    assert_eq!(report(&app, &s.manager, "format=xml").await.status(), StatusCode::BAD_REQUEST);
    // A municipality that is a partner of the Safety House (its commissioner) may open it.
    let municipality = app.agency("Gemeente", AgencyKind::Municipality).await;
    let commissioner = app.member(&municipality, "wethouder", &[Role::MunicipalityOfficer]).await;
    assert_eq!(report(&app, &commissioner, &scope).await.status(), StatusCode::FORBIDDEN);
    app.execute(&format!(
        "INSERT INTO safety_house_agency (safety_house, agency_id) VALUES (X'{}', X'{}')",
        hex(s.house.id.as_uuid()),
        hex(municipality.id.as_uuid())
    ))
    .await;
    assert_eq!(report(&app, &commissioner, &scope).await.status(), StatusCode::OK);
    let opened = app.count("audit_log WHERE action = 'read' AND what LIKE 'public value report%'").await;
    assert_eq!(opened, 1, "the report opened is audited");
}

#[tokio::test]
async fn the_page_draws_each_chart_beside_its_table_and_the_csv_holds_the_same_figures() {
    let app = spawn_app().await;
    scenario(&app).await;
    let analyst = app.member_of_new_agency("Bureau", AgencyKind::Municipality, "analist", Role::Analyst).await;
    let client = app.session_for(&analyst).await;
    let html =
        client.get(&format!("/evidence/public-value?scope=location:zsm-test&{PERIOD}")).await.text().await.unwrap();
    assert!(html.contains("Rapportage maatschappelijk rendement: ZSM Test"), "the heading in Dutch");
    assert_eq!(html.matches("<svg").count(), 5, "five charts");
    assert_eq!(html.matches("<title id=").count(), 5, "each with its title");
    assert!(html.contains("Afgehandelde ZSM-zaken"));
    assert!(html.contains("67%"), "20 of 30 screened, in the page's words");
    assert!(html.contains("niet getoond (minder dan 10)"), "withheld cells said in words");
    assert!(html.contains("report-print.css"), "a print stylesheet");
    let csv = client.get(&format!("/evidence/public-value/data.csv?scope=location:zsm-test&{PERIOD}")).await;
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(csv.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let text = csv.text().await.unwrap();
    assert!(text.starts_with("section,measure,value,numerator,denominator\n"), "{text}");
    assert!(text.contains("figures,zsm_cases_decided,30,,\n"), "{text}");
    assert!(text.contains("figures,screened_beyond_the_case,0.6667,20,30\n"), "{text}");
    assert!(text.contains("arrest_to_decision,under_6h,[c],,\n"), "{text}");
    let api = client
        .api(Method::GET, &format!("/api/v1/evidence/public-value?scope=location:zsm-test&{PERIOD}&format=csv"), None)
        .await;
    assert_eq!(api.text().await.unwrap(), text, "the API's CSV is the page's");
}

/// The suspects (their BSNs, and one more's) as persons of an extract that runs to 2028, none
/// reoffending.
async fn import_the_suspects_record(app: &TestApp) {
    let mut persons = String::new();
    for k in 0..31 {
        persons.push_str(&format!("{},1990-01-01,M,\n", crate::support::valid_bsn(k)));
    }
    persons.push_str("LATE,1990-01-01,M,\n");
    let offences = "O1,LATE,2020-01-01,2028-06-01,conviction,theft,2\n";
    let data = crate::support::extracts::extract(&persons, offences, "");
    crate::support::extracts::import(&app.store, &data, "test").await;
}

/// The report's reoffending groups by plan.
fn plans_reoffending(body: &Value) -> Vec<&Value> {
    body["reoffending"].as_array().unwrap().iter().filter(|g| g["by"] == "plan").collect()
}

/// The report's reoffending follows its period: the twelve plans activated on 3 March make a
/// group in a period holding that day, and none in a period after it.
#[tokio::test]
async fn reoffending_counts_the_work_whose_index_date_falls_in_the_period() {
    let app = spawn_app().await;
    scenario(&app).await;
    import_the_suspects_record(&app).await;
    let analyst = app.member_of_new_agency("Bureau", AgencyKind::Municipality, "analist", Role::Analyst).await;
    let client = app.session_for(&analyst).await;
    let plan_groups = |body: &Value| -> Vec<(String, Value)> {
        plans_reoffending(body)
            .into_iter()
            .map(|g| (g["group"].as_str().unwrap().to_owned(), g["people"].clone()))
            .collect()
    };
    let path = |from: &str, to: &str| format!("/api/v1/evidence/public-value?scope=all&from={from}&to={to}");
    let march: Value = client.api(Method::GET, &path("2026-01-01", "2026-06-30"), None).await.json().await.unwrap();
    assert_eq!(plan_groups(&march), [("Zorg- en Veiligheidshuis".to_owned(), Value::from(12))]);
    let after: Value = client.api(Method::GET, &path("2026-04-01", "2026-06-30"), None).await.json().await.unwrap();
    assert_eq!(plan_groups(&after), [], "no plan was activated in the period");
    let before: Value = client.api(Method::GET, &path("2025-01-01", "2026-03-02"), None).await.json().await.unwrap();
    assert_eq!(plan_groups(&before), [], "the period ends the day before");
}

/// A thirteenth person's Safety House plan, drafted and activated on 10 April 2026.
async fn april_plan(app: &TestApp, s: &Scenario) {
    let zone = jiff::tz::TimeZone::get("Europe/Amsterdam").unwrap();
    let plans = Plans { store: &app.store, clock: app.clock.as_ref(), time_zone: &zone, pack: &app.state.beyond };
    let now = app.now();
    app.clock.set(at("2026-02-01"));
    let person = app.person(&s.police, "Suspect30", &crate::support::valid_bsn(30)).await;
    app.join_team(&s.police, person, &s.house).await;
    app.clock.set(at("2026-04-10"));
    plans.draft(&s.manager, person).await.unwrap();
    let goal = PlanAction::AddGoal { domain: "housing".into(), in_own_words: "Doel".into(), agreed_by_person: true };
    plans.change(&s.manager, person, &goal).await.unwrap();
    let file = plans.view(&s.manager, person, "test").await.unwrap();
    let goal_id = file.plan.unwrap().plan.goals.last().unwrap().id.0.to_string();
    let task = PlanAction::AddTask {
        description: "Taak".into(),
        kind: "care".into(),
        owner: s.house.id.to_string(),
        owner_member: String::new(),
        goal: goal_id,
        due: "2026-05-01".into(),
        restricted_to: Vec::new(),
    };
    plans.change(&s.manager, person, &task).await.unwrap();
    plans.change(&s.manager, person, &PlanAction::Activate).await.unwrap();
    app.clock.set(now);
}

/// Issue 21, differencing across periods: with a thirteenth plan activated on 10 April, the
/// report for January to April minus the report for January to March would be that one person.
/// Periods are whole months, and a group is published for a period only where its work allows
/// the cut: January to March still publishes its twelve, January to April withholds the group.
#[tokio::test]
async fn two_periods_a_person_apart_cannot_be_subtracted() {
    let app = spawn_app().await;
    let s = scenario(&app).await;
    april_plan(&app, &s).await;
    import_the_suspects_record(&app).await;
    let analyst = app.member_of_new_agency("Bureau", AgencyKind::Municipality, "analist", Role::Analyst).await;
    let client = app.session_for(&analyst).await;
    let plan_group = |body: &Value| -> Vec<(Value, Value)> {
        plans_reoffending(body).into_iter().map(|g| (g["people"].clone(), g["reoffenders"].clone())).collect()
    };
    let path = |from: &str, to: &str| format!("/api/v1/evidence/public-value?scope=all&from={from}&to={to}");
    let march: Value = client.api(Method::GET, &path("2026-01-01", "2026-03-31"), None).await.json().await.unwrap();
    assert_eq!(plan_group(&march), [(Value::from(12), Value::from(0))], "the normal case still publishes");
    // A day into April: the period is its whole months, January to March.
    let a_day_on: Value = client.api(Method::GET, &path("2026-01-01", "2026-04-10"), None).await.json().await.unwrap();
    assert_eq!(plan_group(&a_day_on), plan_group(&march));
    assert_eq!(a_day_on["to"], "2026-03-31", "{a_day_on}");
    // The attack: January to April would be thirteen.
    let april: Value = client.api(Method::GET, &path("2026-01-01", "2026-04-30"), None).await.json().await.unwrap();
    assert_eq!(plan_group(&april), [(Value::Null, Value::Null)], "withheld: 13 - 12 is one person");
    let csv = client.api(Method::GET, &format!("{}&format=csv", path("2026-01-01", "2026-04-30")), None).await;
    let csv = csv.text().await.unwrap();
    let row = csv.lines().find(|l| l.starts_with("reoffending_by_plan,")).unwrap_or_else(|| panic!("{csv}"));
    assert_eq!(row, "reoffending_by_plan,Zorg- en Veiligheidshuis,[c],[c],[c]", "the CSV withholds it too");
    // April alone is one person: withheld by the minimum cell as ever.
    let alone: Value = client.api(Method::GET, &path("2026-04-01", "2026-04-30"), None).await.json().await.unwrap();
    assert_eq!(plan_group(&alone), [(Value::Null, Value::Null)]);
}
