//! The Safety House plan walked through the JSON API alone (issue 18, the whole API), on SQLite
//! and PostgreSQL, as the roles involved: the process manager (procesregisseur) drafts the
//! plan, writes a goal the person agrees with later, adds a task for the municipality and
//! activates it; the municipality (a partner owning a task) works its task and reads the weekly
//! review; a year on the process manager starts the re-evaluation and continues the plan. On
//! the way: the case team, a proposal of a mayor's measure answered by the municipality, a fund
//! commitment posted with its invoice and one voided, and the refusals — a member without the
//! role (403), a decision on a status that changed meanwhile (409), bad input (422, nothing
//! written) and an agency off the team reading the plan and the team (403, audited).

use crate::support;
use crate::support::{TestApp, api_call, problem_fields};
use domain::access::Role;
use domain::directory::AgencyKind;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn uuid() -> String {
    uuid::Uuid::now_v7().to_string()
}

async fn journey(app: TestApp) {
    let probation = app.agency("Reclassering Nederland", AgencyKind::Probation).await;
    let house = app.agency("Zorg- en Veiligheidshuis Utrecht", AgencyKind::SafetyHouse).await;
    let municipality = app.agency("Gemeente Utrecht", AgencyKind::Municipality).await;
    let outsider = app.agency("GGD Elders", AgencyKind::Health).await;
    let officer = app.member(&probation, "fatima", &[Role::ProbationOfficer]).await;
    let manager = app.member(&house, "procesregisseur", &[Role::ProcessManager]).await;
    let clerk = app.member(&municipality, "ans", &[Role::MunicipalityOfficer]).await;
    let stranger = app.member(&outsider, "olga", &[Role::ProcessManager]).await;
    let person = app.person_on_team(&officer, "Hoekstra", "111222333", &[&house, &municipality]).await;
    let plan = format!("/api/v1/people/{person}/plan");
    let noor = app.session_for(&manager).await;
    let ans = app.session_for(&clerk).await;
    let olga = app.session_for(&stranger).await;

    // Drafting: once; a partner without the role may not.
    let (status, _) = api_call(&ans, Method::POST, &plan, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a municipality officer does not manage plans");
    let (status, drafted) = api_call(&noor, Method::POST, &plan, None).await;
    assert_eq!(
        (status, drafted["status"].as_str(), drafted["version"].as_i64()),
        (StatusCode::CREATED, Some("draft"), Some(1))
    );
    let (status, problem) = api_call(&noor, Method::POST, &plan, None).await;
    assert_eq!((status, problem_fields(&problem)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["plan".to_string()]));

    // A goal in the person's own words; bad input names the field and writes nothing.
    let events = app.count("plan_event").await;
    let (status, problem) =
        api_call(&noor, Method::POST, &format!("{plan}/goals"), Some(json!({"domain": "moon", "in_own_words": " "})))
            .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(problem_fields(&problem).contains(&"domain".to_string()), "{problem}");
    assert_eq!(app.count("plan_event").await, events);
    let goal = json!({"domain": "housing", "in_own_words": "Een eigen kamer voor de zomer"});
    let (status, goal) = api_call(&noor, Method::POST, &format!("{plan}/goals"), Some(goal)).await;
    assert_eq!((status, goal["agreed_by_person"].as_bool()), (StatusCode::CREATED, Some(false)), "{goal}");
    let goal_id = goal["id"].as_str().unwrap().to_string();
    let agreement = format!("{plan}/goals/{goal_id}/agreement");
    let (status, agreed) = api_call(&noor, Method::POST, &agreement, Some(json!({"agreed_by_person": true}))).await;
    assert_eq!((status, agreed["agreed_by_person"].as_bool()), (StatusCode::OK, Some(true)));

    // A goal reworded needs its reason; a second goal, written in error, comes off the plan.
    let revise = |reason: &str| {
        json!({"domain": "housing", "in_own_words": "Een eigen kamer dicht bij mijn werk", "agreed_by_person": true,
               "reason": reason})
    };
    let goal_path = format!("{plan}/goals/{goal_id}");
    let (status, problem) = api_call(&noor, Method::PUT, &goal_path, Some(revise(" "))).await;
    assert_eq!((status, problem_fields(&problem)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["reason".to_string()]));
    let (status, revised) = api_call(&noor, Method::PUT, &goal_path, Some(revise("Werk gevonden in Nieuwegein"))).await;
    assert_eq!(
        (status, revised["in_own_words"].as_str()),
        (StatusCode::OK, Some("Een eigen kamer dicht bij mijn werk"))
    );
    let extra = json!({"domain": "housing", "in_own_words": "Dubbel ingevoerd"});
    let (_, extra) = api_call(&noor, Method::POST, &format!("{plan}/goals"), Some(extra)).await;
    let withdrawal = format!("{plan}/goals/{}/withdrawal", extra["id"].as_str().unwrap());
    let (status, _) = api_call(&noor, Method::POST, &withdrawal, Some(json!({"reason": "Dubbel ingevoerd"}))).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = api_call(&noor, Method::POST, &withdrawal, Some(json!({"reason": "Nog eens"}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "already off the plan");

    // Nothing to activate without a task; then a task for the municipality.
    let (status, _) = api_call(&noor, Method::POST, &format!("{plan}/activation"), Some(json!({}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let task = json!({"description": "Kamer zoeken via de wooncorporatie", "kind": "care", "goal": goal_id,
        "owner_agency": municipality.id.to_string(), "due": "2026-12-10"});
    let (status, task) = api_call(&noor, Method::POST, &format!("{plan}/tasks"), Some(task)).await;
    assert_eq!(status, StatusCode::CREATED, "{task}");
    let task_id = task["id"].as_str().unwrap().to_string();

    // Activation made on a status that is no longer so: 409, nothing written; then activated.
    let events = app.count("plan_event").await;
    let stale = json!({"seen_plan_status": "active"});
    let (status, problem) = api_call(&noor, Method::POST, &format!("{plan}/activation"), Some(stale)).await;
    assert_eq!((status, problem_fields(&problem)), (StatusCode::CONFLICT, vec!["plan".to_string()]));
    assert_eq!(app.count("plan_event").await, events);
    let (status, _) = api_call(&ans, Method::POST, &format!("{plan}/activation"), Some(json!({}))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, active) =
        api_call(&noor, Method::POST, &format!("{plan}/activation"), Some(json!({"seen_plan_status": "draft"}))).await;
    assert_eq!((status, active["status"].as_str()), (StatusCode::OK, Some("active")), "{active}");
    assert_eq!(active["activated_on"], "2026-11-22");
    assert_eq!(active["re_evaluation_on"], "2027-11-22");

    // The municipality works its task, and sees the plan on its weekly review.
    let (status, _) = api_call(
        &ans,
        Method::POST,
        &format!("{plan}/tasks/{task_id}/status"),
        Some(json!({"status": "in_progress", "seen_status": "open"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, review) = api_call(&ans, Method::GET, "/api/v1/reviews/weekly", None).await;
    assert_eq!((status, review["total"].as_u64()), (StatusCode::OK, Some(1)), "{review}");
    let line = &review["plans"][0];
    assert_eq!(
        (line["person_id"].as_str(), line["status"].as_str()),
        (Some(person.to_string().as_str()), Some("active"))
    );
    let kinds: Vec<&str> = line["changes"].as_array().unwrap().iter().map(|c| c["kind"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"task_added") && kinds.contains(&"goal_added"), "{kinds:?}");
    let (status, _) = api_call(&ans, Method::GET, "/api/v1/reviews/weekly?page=0", None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, none) = api_call(&olga, Method::GET, "/api/v1/reviews/weekly", None).await;
    assert_eq!(none["total"].as_u64(), Some(0), "an agency off the team reviews no plan of the person");

    // Who works the case: the agencies on the team and their members; not for an outsider.
    let (status, team) = api_call(&noor, Method::GET, &format!("/api/v1/people/{person}/team"), None).await;
    assert_eq!(status, StatusCode::OK, "{team}");
    let names: Vec<&str> =
        team["agencies"].as_array().unwrap().iter().map(|a| a["agency_name"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 3, "{names:?}");
    let municipality_entry =
        team["agencies"].as_array().unwrap().iter().find(|a| a["agency_name"] == "Gemeente Utrecht").unwrap();
    assert_eq!(municipality_entry["members"][0]["name"], "ans (test)");
    assert_eq!(municipality_entry["members"][0]["roles"], json!(["municipality_officer"]));
    let (status, _) = api_call(&olga, Method::GET, &format!("/api/v1/people/{person}/team"), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = api_call(&olga, Method::GET, &plan, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = api_call(&olga, Method::POST, &format!("{plan}/re-evaluation"), Some(json!({}))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("audit_log WHERE what = 'api: case team' AND action = 'denied'").await, 1);
    assert_eq!(app.count("audit_log WHERE what = 'api: case team' AND action = 'read'").await, 1);
    assert_eq!(app.count("audit_log WHERE what = 'api: plan' AND action = 'denied'").await, 1);

    // A year and a day on: the re-evaluation is due on the review; started, a decision needs its reason.
    app.clock.advance(jiff::SignedDuration::from_hours(24 * 366));
    let noor = app.session_for(&manager).await;
    let (_, review) = api_call(&noor, Method::GET, "/api/v1/reviews/weekly", None).await;
    assert_eq!(review["plans"][0]["re_evaluation_due"], true, "{review}");
    let re_evaluation = format!("{plan}/re-evaluation");
    let (status, _) = api_call(&noor, Method::POST, &re_evaluation, Some(json!({"decision": "someday"}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let start = json!({"decision": "start", "seen_plan_status": "active"});
    let (status, under) = api_call(&noor, Method::POST, &re_evaluation, Some(start)).await;
    assert_eq!((status, under["status"].as_str()), (StatusCode::OK, Some("under_re_evaluation")), "{under}");
    let (status, problem) = api_call(&noor, Method::POST, &re_evaluation, Some(json!({"decision": "continue"}))).await;
    assert_eq!((status, problem_fields(&problem)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["reason".to_string()]));
    let go_on = json!({"decision": "continue", "reason": "Woont zelfstandig, werk nog niet rond",
        "seen_plan_status": "under_re_evaluation"});
    let (status, continued) = api_call(&noor, Method::POST, &re_evaluation, Some(go_on)).await;
    assert_eq!((status, continued["status"].as_str()), (StatusCode::OK, Some("continued")), "{continued}");
    assert_eq!(continued["reason"], "Woont zelfstandig, werk nog niet rond");
    assert_eq!(continued["re_evaluation_on"], "2028-11-23");

    // The plan as read back says the same; the OpenAPI document lists every new operation.
    let (_, file) = api_call(&noor, Method::GET, &plan, None).await;
    assert_eq!(file["plan"]["status"], "continued");
    assert_eq!(file["plan"]["goals"][0]["agreed_by_person"], true);
    assert_eq!(file["plan"]["goals"].as_array().unwrap().len(), 1, "the withdrawn goal is off the plan");
    // A goal that outstanding tasks serve stays on the plan.
    let (status, problem) =
        api_call(&noor, Method::POST, &format!("{goal_path}/withdrawal"), Some(json!({"reason": "x"}))).await;
    assert_eq!((status, problem_fields(&problem)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["goal".to_string()]));
    let openapi: Value = reqwest::get(app.url("/api/openapi.json")).await.unwrap().json().await.unwrap();
    for path in [
        "/api/v1/people/{id}/plan/goals/{goal}/agreement",
        "/api/v1/people/{id}/plan/activation",
        "/api/v1/people/{id}/plan/goals/{goal}",
        "/api/v1/people/{id}/plan/goals/{goal}/withdrawal",
        "/api/v1/people/{id}/plan/re-evaluation",
        "/api/v1/reviews/weekly",
        "/api/v1/tasks/agency/help-started",
        "/api/v1/people/{id}/team",
        "/api/v1/screenings/waiting",
        "/api/v1/people/{id}/measure-proposals/{proposal}/answer",
        "/api/v1/funds/{fund}/commitments/{transfer}",
        "/api/v1/evidence/cohorts/{rule}/reoffending",
    ] {
        assert!(openapi["paths"][path].is_object(), "{path} is in the OpenAPI document");
    }
    assert!(openapi["paths"]["/api/v1/people/{id}/plan"]["post"].is_object());
    assert!(openapi["paths"]["/api/v1/people/{id}/plan"]["get"].is_object());
}

/// Proposals of the mayor's measures: probation proposes, the municipality on the team answers
/// once; the "to screen" list is for roles that screen.
async fn proposals_and_to_screen(app: TestApp) {
    let probation = app.agency("Reclassering Nederland", AgencyKind::Probation).await;
    let municipality = app.agency("Gemeente Utrecht", AgencyKind::Municipality).await;
    let officer = app.member(&probation, "fatima", &[Role::ProbationOfficer]).await;
    let clerk = app.member(&municipality, "ans", &[Role::MunicipalityOfficer]).await;
    let alone = app.person(&officer, "Visser", "123456782").await;
    let person = app.person_on_team(&officer, "Hoekstra", "111222333", &[&municipality]).await;
    let fatima = app.session_for(&officer).await;
    let ans = app.session_for(&clerk).await;

    let proposals = format!("/api/v1/people/{person}/measure-proposals");
    let proposal = json!({"measure": "exclusion_order", "reason": "Dreigingen tegen partner en kind"});
    let (status, problem) =
        api_call(&fatima, Method::POST, &format!("/api/v1/people/{alone}/measure-proposals"), Some(proposal.clone()))
            .await;
    assert_eq!(
        (status, problem_fields(&problem)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["measure_kind".to_string()])
    );
    let (status, problem) = api_call(&fatima, Method::POST, &proposals, Some(json!({"measure": "curfew"}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem_fields(&problem), vec!["measure_kind", "reason"]);
    let (status, _) = api_call(&ans, Method::POST, &proposals, Some(proposal.clone())).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "the municipality decides, it does not propose");
    let (status, made) = api_call(&fatima, Method::POST, &proposals, Some(proposal)).await;
    assert_eq!((status, made["status"].as_str()), (StatusCode::CREATED, Some("open")), "{made}");
    assert_eq!(app.count("outbox_event WHERE kind = 'measure.proposed'").await, 1);
    let answer = format!("{proposals}/{}/answer", made["id"].as_str().unwrap());
    let declined = json!({"outcome": "declined", "reason": "Eerst een gesprek met het gezin"});
    let (status, _) = api_call(&fatima, Method::POST, &answer, Some(declined.clone())).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, answered) = api_call(&ans, Method::POST, &answer, Some(declined.clone())).await;
    assert_eq!(
        (status, answered["outcome"].as_str(), answered["version"].as_i64()),
        (StatusCode::OK, Some("declined"), Some(2))
    );
    let (status, _) = api_call(&ans, Method::POST, &answer, Some(declined)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "answered once");
    let (status, listed) = api_call(&fatima, Method::GET, &proposals, None).await;
    assert_eq!((status, listed[0]["note"].as_str()), (StatusCode::OK, Some("Eerst een gesprek met het gezin")));

    let (status, waiting) = api_call(&fatima, Method::GET, "/api/v1/screenings/waiting", None).await;
    assert_eq!((status, waiting["total"].as_u64()), (StatusCode::OK, Some(0)), "{waiting}");
    let (status, _) = api_call(&ans, Method::GET, "/api/v1/screenings/waiting", None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = api_call(&fatima, Method::GET, "/api/v1/screenings/waiting?page=0", None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

/// Resolving commitments through `/api/v1/funds/{fund}/commitments/{transfer}`: one posted
/// with its invoice (a retry answers the same), one voided, a resolved one not again.
async fn commitments(app: TestApp) {
    let probation = app.agency("Reclassering Den Haag", AgencyKind::Probation).await;
    let officer = app.member(&probation, "officer", &[Role::ProbationOfficer]).await;
    let police = app.member_of_new_agency("Politie", AgencyKind::Police, "constable", Role::PoliceOfficer).await;
    let person = app.person(&officer, "Hoekstra", "111222333").await;
    let client = app.session_for(&officer).await;
    let new_fund = json!({"name": "Stroom volwassenen", "kind": "stream", "stream": "adults", "period_start": "2026-01-01",
        "period_end": "2026-12-31", "budget_cents": 100_000, "approval_above_cents": 25_000, "person_limit_cents": 50_000});
    let (_, fund) = api_call(&client, Method::POST, "/api/v1/funds", Some(new_fund)).await;
    let fund_id = fund["id"].as_str().unwrap().to_string();
    let transfers = format!("/api/v1/funds/{fund_id}/transfers");
    let allocate = json!({"id": uuid(), "kind": "allocate", "person_id": person.to_string(), "amount_cents": 40_000,
        "description": "Persoonlijk budget"});
    assert_eq!(api_call(&client, Method::POST, &transfers, Some(allocate)).await.0, StatusCode::CREATED);
    let commitment = |amount: i64, what: &str| json!({"id": uuid(), "kind": "commit", "person_id": person.to_string(), "amount_cents": amount, "description": what});
    let (_, bike) = api_call(&client, Method::POST, &transfers, Some(commitment(12_500, "Fiets"))).await;
    let (_, shoes) = api_call(&client, Method::POST, &transfers, Some(commitment(5_000, "Werkschoenen"))).await;
    let resolve = |c: &Value| format!("/api/v1/funds/{fund_id}/commitments/{}", c["id"].as_str().unwrap());

    let (status, problem) = api_call(&client, Method::POST, &resolve(&bike), Some(json!({"action": "pay"}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    let stranger = app.session_for(&police).await;
    let post = json!({"action": "post", "id": uuid(), "invoice_ref": "F-2026-118", "amount_cents": 11_900});
    let (status, _) = api_call(&stranger, Method::POST, &resolve(&bike), Some(post.clone())).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, posted) = api_call(&client, Method::POST, &resolve(&bike), Some(post.clone())).await;
    assert_eq!((status, posted["kind"].as_str()), (StatusCode::CREATED, Some("post")), "{posted}");
    let again = client.api(Method::POST, &resolve(&bike), Some(post)).await;
    assert_eq!(
        (again.status(), again.headers()["idempotent-replayed"].to_str().unwrap()),
        (StatusCode::CREATED, "true")
    );
    let void = json!({"action": "void", "id": uuid()});
    let (status, voided) = api_call(&client, Method::POST, &resolve(&shoes), Some(void)).await;
    assert_eq!((status, voided["kind"].as_str()), (StatusCode::CREATED, Some("void")), "{voided}");
    let (status, _) =
        api_call(&client, Method::POST, &resolve(&shoes), Some(json!({"action": "void", "id": uuid()}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "resolved once");
    let (_, mine) = api_call(&client, Method::GET, &format!("/api/v1/people/{person}/fund"), None).await;
    assert_eq!(
        (mine["available_cents"].as_i64(), mine["committed_cents"].as_i64(), mine["spent_cents"].as_i64()),
        (Some(28_100), Some(0), Some(11_900)),
        "{mine}"
    );
}

/// The evidence tables for analysts only: JSON and CSV, 422 for a grouping that does not exist.
async fn evidence_tables(app: TestApp) {
    let analyst = app.member_of_new_agency("Analyse", AgencyKind::Municipality, "analist", Role::Analyst).await;
    let officer =
        app.member_of_new_agency("Reclassering", AgencyKind::Probation, "fatima", Role::ProbationOfficer).await;
    let client = app.session_for(&analyst).await;
    let (status, report) = api_call(&client, Method::GET, "/api/v1/evidence/reoffending?group_by=sex", None).await;
    assert_eq!((status, report["group_by"].as_str()), (StatusCode::OK, Some("sex")), "{report}");
    assert!(report["rates"]["columns"].is_array() && report["survival"]["rows"].is_array());
    let csv = client.api(Method::GET, "/api/v1/evidence/reoffending?format=csv&table=survival", None).await;
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(csv.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let (status, _) = api_call(&client, Method::GET, "/api/v1/evidence/reoffending?group_by=star_sign", None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = api_call(&client, Method::GET, "/api/v1/evidence/cohorts/no-such-rule/reoffending", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let other = app.session_for(&officer).await;
    let (status, _) = api_call(&other, Method::GET, "/api/v1/evidence/reoffending", None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn plan_walk_on_sqlite() {
    journey(support::spawn_app().await).await;
}

#[tokio::test]
async fn plan_walk_on_postgres() {
    let Some(app) = support::spawn_postgres().await else { return };
    journey(app).await;
}

#[tokio::test]
async fn proposals_and_to_screen_on_sqlite() {
    proposals_and_to_screen(support::spawn_app().await).await;
}

#[tokio::test]
async fn proposals_and_to_screen_on_postgres() {
    let Some(app) = support::spawn_postgres().await else { return };
    proposals_and_to_screen(app).await;
}

#[tokio::test]
async fn commitments_on_sqlite() {
    commitments(support::spawn_app().await).await;
}

#[tokio::test]
async fn commitments_on_postgres() {
    let Some(app) = support::spawn_postgres().await else { return };
    commitments(app).await;
}

#[tokio::test]
async fn evidence_tables_on_sqlite() {
    evidence_tables(support::spawn_app().await).await;
}
