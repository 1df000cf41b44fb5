//! Grants to project groups, the fund reports, and Life Change and community networks in the
//! API, over a real server (issue 20, grants branch), on SQLite and PostgreSQL: a keeper names
//! a group (every invalid field named, 422), grants it money from a grant pot in the pages, a
//! second member approves on the fund's page (never the requester), the grant is paid out and
//! the group cannot spend more than it has; the reports draw a chart beside each table; only
//! the supporting agency sees the group. In the API a person's Life Change progress is read by
//! their team, their mentor (not another mentor) and the coordinator, who alone records
//! attendance; community networks are listed and a person's links read by their team only.

use crate::support;
use crate::support::{TestApp, api_call, problem_fields};
use domain::access::Role;
use domain::directory::AgencyKind;
use domain::mentoring::service::life_change::CohortInput;
use domain::mentoring::service::{MatchInput, Mentoring};
use reqwest::{Method, StatusCode};
use serde_json::json;

fn as_refs(fields: &[(String, String)]) -> Vec<(&str, &str)> {
    fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

async fn journey(app: TestApp) {
    let probation = app.agency("Reclassering Den Haag", AgencyKind::Probation).await;
    let officer = app.member(&probation, "officer", &[Role::ProbationOfficer]).await;
    let approver = app.member(&probation, "goedkeurder", &[Role::ProbationOfficer]).await;
    let police = app.member_of_new_agency("Politie", AgencyKind::Police, "constable", Role::PoliceOfficer).await;
    let anna = app.person(&officer, "Visser", "111222333").await;
    let bram = app.person(&officer, "Bakker", "123456782").await;
    let client = app.session_for(&officer).await;
    let stranger = app.session_for(&police).await;

    let pot = json!({"name": "Projecten met deelnemers", "kind": "grant_pot", "stream": "co-production", "period_start": "2026-01-01",
        "period_end": "2026-12-31", "budget_cents": 100_000, "approval_above_cents": 25_000});
    let (status, fund) = api_call(&client, Method::POST, "/api/v1/funds", Some(pot)).await;
    assert_eq!(status, StatusCode::CREATED, "{fund}");
    let fund_id = fund["id"].as_str().unwrap().to_string();

    // Naming a group: every invalid field in the summary, nothing stored.
    assert_eq!(client.visit("/project-groups").await.status, 200);
    assert_eq!(stranger.get("/project-groups").await.status(), StatusCode::FORBIDDEN);
    let bad = client.post_form("/project-groups/new", &[("name", ""), ("members", &anna.to_string())]).await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = bad.text().await.unwrap();
    for field in ["#name", "#project", "#goals", "#members", "#consented"] {
        assert!(body.contains(field), "{field} in the summary");
    }
    assert_eq!(app.count("project_group").await, 0);
    let made = client
        .post_form(
            "/project-groups/new",
            &[
                ("name", "Moestuin Laakkwartier"),
                ("project", "Een moestuin aanleggen en de oogst delen"),
                ("goals", "Samen iets opbouwen"),
                ("members", &anna.to_string()),
                ("members", &bram.to_string()),
                ("consented", "yes"),
            ],
        )
        .await;
    assert_eq!(made.status(), StatusCode::SEE_OTHER);
    let group_page = made.headers()["location"].to_str().unwrap().to_string();
    let page = client.visit(&group_page).await;
    assert!(page.body.contains("Visser") && page.body.contains("Bakker"), "{}", page.body);
    assert_eq!(stranger.get(&group_page).await.status(), StatusCode::FORBIDDEN, "only the supporting agency");

    // A grant in the pages: no fund chosen names the field; above the threshold it waits.
    let transfers = format!("{group_page}/transfers");
    let grant = |fund: &str| {
        vec![
            ("transfer_id".to_string(), uuid::Uuid::now_v7().to_string()),
            ("kind".to_string(), "grant".to_string()),
            ("fund".to_string(), fund.to_string()),
            ("amount".to_string(), "400".to_string()),
            ("description".to_string(), "Zaad, gereedschap en hout".to_string()),
            ("goal".to_string(), "Samen iets opbouwen".to_string()),
        ]
    };
    let no_fund = grant("");
    let response = client.post_form(&transfers, &as_refs(&no_fund)).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("#fund"));
    let granted = grant(&fund_id);
    assert_eq!(client.post_form(&transfers, &as_refs(&granted)).await.status(), StatusCode::SEE_OTHER);
    let (_, ledger) = api_call(&client, Method::GET, &format!("/api/v1/funds/{fund_id}"), None).await;
    let waiting = ledger["awaiting_approval"][0].as_str().unwrap().to_string();
    let ledger_page = format!("/funds/{fund_id}");
    let own = client.visit(&ledger_page).await;
    assert!(!own.body.contains(&format!("approve-{waiting}")), "never the requester");
    assert!(own.body.contains("Moestuin Laakkwartier"));
    let second = app.session_for(&approver).await;
    let approved = second.submit(&format!("{ledger_page}/commitments/{waiting}"), &[("action", "approve")]).await;
    assert_eq!(approved.status, 200);
    let paid = client
        .post_form(
            &format!("{ledger_page}/commitments/{waiting}"),
            &[("action", "post"), ("transfer_id", &uuid::Uuid::now_v7().to_string())],
        )
        .await;
    assert_eq!(paid.status(), StatusCode::SEE_OTHER, "a grant is paid out without an invoice");
    let page = client.visit(&group_page).await;
    assert!(page.body.contains("400"), "{}", page.body);

    // The group cannot spend more than it was paid: refused in the store, the field named.
    let mut order = grant(&fund_id);
    order[1].1 = "commit".into();
    order[3].1 = "400,01".into();
    let over = client.post_form(&transfers, &as_refs(&order)).await;
    assert_eq!(over.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(over.text().await.unwrap().contains("#amount_cents"));
    order[3].1 = "120".into();
    assert_eq!(client.post_form(&transfers, &as_refs(&order)).await.status(), StatusCode::SEE_OTHER);
    let (_, ledger) = api_call(&client, Method::GET, &format!("/api/v1/funds/{fund_id}"), None).await;
    let bought = ledger["open_commitments"][0]["id"].as_str().unwrap().to_string();
    let bought = client
        .post_form(
            &format!("{ledger_page}/commitments/{bought}"),
            &[("action", "post"), ("transfer_id", &uuid::Uuid::now_v7().to_string()), ("invoice_ref", "F-88")],
        )
        .await;
    assert_eq!(bought.status(), StatusCode::SEE_OTHER);

    // The reports: a chart beside each table; nobody else's.
    let reports = client.visit("/funds/reports").await;
    assert_eq!(reports.status, 200);
    assert!(reports.body.matches("<svg").count() >= 3, "{}", reports.body);
    assert!(reports.body.contains("co-production") && reports.body.contains("Zaad, gereedschap en hout"));
    assert_eq!(stranger.get("/funds/reports").await.status(), StatusCode::FORBIDDEN);

    life_change_and_community(&app, &officer, anna, bram).await;
}

/// The Life Change and community network API: each reader by the pages' rules, audited.
async fn life_change_and_community(
    app: &TestApp,
    officer: &domain::access::Actor,
    person: domain::ids::PersonId,
    other: domain::ids::PersonId,
) {
    let humanitas = app.agency("Humanitas", AgencyKind::Mentoring).await;
    let coordinator = app.member(&humanitas, "mentorcoordinator", &[Role::ProviderWorker]).await;
    let mentor = app.member(&humanitas, "mentor", &[Role::Mentor]).await;
    let another = app.member(&humanitas, "another-mentor", &[Role::Mentor]).await;
    let zone = jiff::tz::TimeZone::UTC;
    let service = Mentoring { store: &app.store, clock: app.clock.as_ref(), time_zone: &zone };
    let today = app.now().to_zoned(zone.clone()).date();
    let started = today.checked_sub(jiff::Span::new().days(8)).unwrap();
    let cohort = service
        .open_cohort(
            &coordinator,
            &CohortInput {
                name: "Life Change winter".into(),
                starts_on: started.to_string(),
                group_room: "Buurthuis".into(),
                business: "Kringloop".into(),
                intervention: String::new(),
            },
        )
        .await
        .unwrap();
    service.enrol(officer, &cohort.id.to_string(), person).await.unwrap();
    let profile = crate::support::teams::mentor_henk(&mentor, &humanitas, today, "Den Haag");
    service.save_profile(&coordinator, profile).await.unwrap();
    let matched = MatchInput { mentor: mentor.member_id.to_string(), ..Default::default() };
    service.match_person(officer, person, &matched).await.unwrap();

    let progress = format!("/api/v1/people/{person}/life-change");
    let team = app.session_for(officer).await;
    let (status, read) = api_call(&team, Method::GET, &progress, None).await;
    assert_eq!(status, StatusCode::OK, "{read}");
    assert_eq!(read["cohorts"][0]["week"], 2);
    assert!(read["cohorts"][0]["graduation"]["status"].is_string(), "the team sees where they stand");
    let own = app.session_for(&mentor).await;
    let (status, read) = api_call(&own, Method::GET, &progress, None).await;
    assert_eq!(status, StatusCode::OK, "{read}");
    assert!(read["cohorts"][0]["graduation"].is_null(), "offences not consented: no graduation status");
    let (status, _) = api_call(&own, Method::GET, &format!("/api/v1/people/{other}/life-change"), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "not their mentee");
    let (status, _) = api_call(&app.session_for(&another).await, Method::GET, &progress, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "another mentor");
    let coordination = app.session_for(&coordinator).await;
    let (status, list) =
        api_call(&coordination, Method::GET, &format!("/api/v1/people/{person}/life-change/appointments"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list.as_array().unwrap().len(), 12);

    // The coordinator records who came; a non-participant named present is refused (422).
    let first = cohort.appointments[0].id;
    let attendance = format!("/api/v1/life-change/cohorts/{}/appointments/{first}/attendance", cohort.id);
    let (status, problem) =
        api_call(&coordination, Method::POST, &attendance, Some(json!({"present": [other.to_string()]}))).await;
    assert_eq!((status, problem_fields(&problem)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["present".to_string()]));
    let (status, _) =
        api_call(&coordination, Method::POST, &attendance, Some(json!({"present": [person.to_string()]}))).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = api_call(&own, Method::POST, &attendance, Some(json!({"present": []}))).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only the coordinator keeps the register");
    let (_, read) = api_call(&own, Method::GET, &progress, None).await;
    assert_eq!(read["cohorts"][0]["appointments"][0]["attended"], true);
    assert!(
        app.scalar(
            "SELECT count(*) FROM audit_log WHERE what = 'mentoring: life change progress' AND action = 'denied'"
        )
        .await
            >= 2
    );

    // Community networks: the catalogue for anyone signed in, a person's links for their team.
    let (status, list) = api_call(&own, Method::GET, "/api/v1/community-networks", None).await;
    assert_eq!((status, list.is_array()), (StatusCode::OK, true));
    let links = format!("/api/v1/people/{person}/community-links");
    let (status, list) = api_call(&team, Method::GET, &links, None).await;
    assert_eq!((status, list.is_array()), (StatusCode::OK, true));
    let (status, _) = api_call(&own, Method::GET, &links, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grants_reports_and_life_change_api_on_sqlite() {
    journey(support::spawn_app().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grants_reports_and_life_change_api_on_postgres() {
    if let Some(app) = support::spawn_postgres().await {
        journey(app).await;
    }
}
