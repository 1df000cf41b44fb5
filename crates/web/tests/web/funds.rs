//! Personal funds and mentors over a real server (issue 20), on SQLite and PostgreSQL: the API
//! the checks call (`/api/v1/people/{id}/fund`, `/api/v1/funds/{fund}/transfers`,
//! `/api/v1/mentors/me/mentees`) with idempotent retries, a 409 for a reused id, 422 for an
//! overdraft; approval by a second member only; the pages of the fund keeper, the approver and
//! the mentor; and the authorisation matrix of mentoring: a mentor × own / other person ×
//! consented item, every read audited.

use crate::support;
use crate::support::{TestApp, api_call, problem_fields};
use domain::access::Role;
use domain::directory::AgencyKind;
use domain::mentoring::MentorProfile;
use domain::mentoring::ports::MentoringStore;
use domain::mentoring::service::{Item, Mentoring};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn uuid() -> String {
    uuid::Uuid::now_v7().to_string()
}

async fn journey(app: TestApp) {
    let probation = app.agency("Reclassering Den Haag", AgencyKind::Probation).await;
    let officer = app.member(&probation, "officer", &[Role::ProbationOfficer]).await;
    let approver = app.member(&probation, "approver", &[Role::ProbationOfficer]).await;
    let police = app.member_of_new_agency("Politie", AgencyKind::Police, "constable", Role::PoliceOfficer).await;
    let person = app.person(&officer, "Hoekstra", "111222333").await;
    let other = app.person(&officer, "Bakker", "123456782").await;
    let client = app.session_for(&officer).await;

    // Opening a fund; bad input names each field.
    let (status, problem) = api_call(&client, Method::POST, "/api/v1/funds", Some(json!({"kind": "x"}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(problem_fields(&problem).contains(&"name".to_string()), "{problem}");
    let new_fund = json!({"name": "Stroom volwassenen", "kind": "stream", "stream": "adults", "period_start": "2026-01-01",
        "period_end": "2026-12-31", "budget_cents": 100_000, "approval_above_cents": 25_000, "person_limit_cents": 50_000});
    let (status, fund) = api_call(&client, Method::POST, "/api/v1/funds", Some(new_fund)).await;
    assert_eq!(status, StatusCode::CREATED, "{fund}");
    let fund_id = fund["id"].as_str().unwrap().to_string();
    let transfers = format!("/api/v1/funds/{fund_id}/transfers");

    // No allocation yet: the person's fund answers with nothing available.
    let (status, mine) = api_call(&client, Method::GET, &format!("/api/v1/people/{person}/fund"), None).await;
    assert_eq!(
        (status, mine["fund_id"].clone(), mine["available_cents"].as_i64()),
        (StatusCode::OK, Value::Null, Some(0))
    );

    let allocate = json!({"id": uuid(), "kind": "allocate", "person_id": person.to_string(), "amount_cents": 40_000,
        "description": "Persoonlijk budget", "goal": "Ik wil een fiets om naar mijn werk te gaan"});
    let (status, _) = api_call(&client, Method::POST, &transfers, Some(allocate)).await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, mine) = api_call(&client, Method::GET, &format!("/api/v1/people/{person}/fund"), None).await;
    assert_eq!((mine["fund_id"].as_str(), mine["available_cents"].as_i64()), (Some(fund_id.as_str()), Some(40_000)));

    // The check's commit, retried: the same answer, recorded once; the id reused: 409.
    let id = uuid();
    let commit = json!({"id": id, "kind": "commit", "person_id": person.to_string(), "amount_cents": 12_500, "description": "Fiets"});
    let first = client.api(Method::POST, &transfers, Some(commit.clone())).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await.unwrap();
    let again = client.api(Method::POST, &transfers, Some(commit.clone())).await;
    assert_eq!(again.status(), StatusCode::CREATED);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(again.json::<Value>().await.unwrap(), first);
    let mut other_body = commit.clone();
    other_body["amount_cents"] = json!(99);
    let (status, _) = api_call(&client, Method::POST, &transfers, Some(other_body)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (_, mine) = api_call(&client, Method::GET, &format!("/api/v1/people/{person}/fund"), None).await;
    assert_eq!((mine["available_cents"].as_i64(), mine["committed_cents"].as_i64()), (Some(27_500), Some(12_500)));

    // More than is left: 422 naming the amount, nothing recorded.
    let before = app.count("fund_transfer").await;
    let too_much = json!({"id": uuid(), "kind": "commit", "person_id": person.to_string(), "amount_cents": 27_501, "description": "Te veel"});
    let (status, problem) = api_call(&client, Method::POST, &transfers, Some(too_much)).await;
    assert_eq!(
        (status, problem_fields(&problem)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["amount_cents".to_string()])
    );
    assert_eq!(app.count("fund_transfer").await, before);

    // Another agency may not keep this fund's ledger; nor see the person's fund off the team.
    let stranger = app.session_for(&police).await;
    let (status, _) = api_call(&stranger, Method::POST, &transfers, Some(json!({"id": uuid(), "kind": "commit", "person_id": person.to_string(), "amount_cents": 1, "description": "x"}))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = api_call(&stranger, Method::GET, &format!("/api/v1/people/{person}/fund"), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Above the threshold: waits for a second member; the one who asked may not approve.
    let big = json!({"id": uuid(), "kind": "commit", "person_id": person.to_string(), "amount_cents": 26_000, "description": "Cursus heftruck", "goal": "Ik wil weer werken"});
    let (_, big) = api_call(&client, Method::POST, &transfers, Some(big)).await;
    assert_eq!(big["needs_approval"], true);
    let big_id = big["id"].as_str().unwrap().to_string();
    let post =
        json!({"id": uuid(), "kind": "post", "pending_id": big_id, "invoice_ref": "F-1", "description": "Betaald"});
    let (status, problem) = api_call(&client, Method::POST, &transfers, Some(post.clone())).await;
    assert_eq!((status, problem_fields(&problem)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["approval".to_string()]));
    let approval = format!("{transfers}/{big_id}/approval");
    let (status, _) = api_call(&client, Method::POST, &approval, None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "never the requester");
    // The approver sees it waiting on the fund's page and approves it there.
    let second = app.session_for(&approver).await;
    let page = second.visit(&format!("/funds/{fund_id}")).await;
    assert!(page.body.contains(&format!("approve-{big_id}")), "{}", page.body);
    let page = second.submit(&format!("/funds/{fund_id}/commitments/{big_id}"), &[("action", "approve")]).await;
    assert_eq!(page.status, 200);
    assert!(!page.body.contains(&format!("approve-{big_id}")));
    let (status, posted) = api_call(&client, Method::POST, &transfers, Some(post)).await;
    assert_eq!(status, StatusCode::CREATED, "{posted}");
    let (status, ledger) = api_call(&client, Method::GET, &format!("/api/v1/funds/{fund_id}"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ledger["awaiting_approval"].as_array().unwrap().len(), 0);

    // The statement page in plain words, and the keeper's form: bad money names the field (422).
    let page = client.visit(&format!("/people/{person}/fund")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Ik wil een fiets om naar mijn werk te gaan"), "the goal in the person's words");
    let response = client
        .post_form(
            &format!("/people/{person}/fund/transfers"),
            &[
                ("transfer_id", &uuid()),
                ("fund", &fund_id),
                ("kind", "commit"),
                ("amount", "twaalf"),
                ("description", ""),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = response.text().await.unwrap();
    assert!(
        body.contains("href=\"#fund_transfer-amount_cents\"") && body.contains("href=\"#fund_transfer-description\""),
        "{body}"
    );
    let page = client
        .submit(
            &format!("/people/{person}/fund/transfers"),
            &[
                ("transfer_id", &uuid()),
                ("fund", &fund_id),
                ("kind", "commit"),
                ("amount", "12,50"),
                ("description", "ID-kaart"),
                ("goal", "Mij inschrijven"),
            ],
        )
        .await;
    assert!(page.body.contains("ID-kaart"), "{}", page.body);

    mentoring(&app, &officer, person, other).await;
}

/// A mentor sees only their own mentees, only the basics and consented items; every read audited.
async fn mentoring(
    app: &TestApp,
    officer: &domain::access::Actor,
    person: domain::ids::PersonId,
    other: domain::ids::PersonId,
) {
    let humanitas = app.agency("Humanitas", AgencyKind::Mentoring).await;
    let mentor = app.member(&humanitas, "mentor", &[Role::Mentor]).await;
    let coordinator = app.member(&humanitas, "coordinator", &[Role::ProviderWorker]).await;
    let today = app.now().to_zoned(jiff::tz::TimeZone::UTC).date();
    let profile = |expires: jiff::civil::Date| MentorProfile {
        vetting_expires: expires,
        ..crate::support::teams::mentor_henk(&mentor, &humanitas, today, "Den Haag")
    };
    let zone = jiff::tz::TimeZone::UTC;
    let service = Mentoring { store: &app.store, clock: app.clock.as_ref(), time_zone: &zone };
    // An expired vetting stops new matches.
    service.save_profile(&coordinator, profile(today.yesterday().unwrap())).await.unwrap();
    let client = app.session_for(officer).await;
    let body = json!({"mentor": mentor.member_id.to_string(), "shared_goals": ["Ik wil een fiets"], "first_meeting_on": today.to_string(), "first_meeting_place": "De poort"});
    let (status, problem) =
        api_call(&client, Method::POST, &format!("/api/v1/people/{person}/mentor-matches"), Some(body.clone())).await;
    assert_eq!((status, problem_fields(&problem)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["mentor".to_string()]));
    service.save_profile(&coordinator, profile(today.tomorrow().unwrap())).await.unwrap();
    let (status, _) =
        api_call(&client, Method::GET, &format!("/api/v1/people/{person}/mentor-suggestions?area=Den%20Haag"), None)
            .await;
    assert_eq!(status, StatusCode::OK);
    let (status, matched) =
        api_call(&client, Method::POST, &format!("/api/v1/people/{person}/mentor-matches"), Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{matched}");
    assert_eq!(app.scalar("SELECT count(*) FROM outbox_event WHERE kind = 'mentor.matched'").await, 1);

    let own = app.session_for(&mentor).await;
    let (status, list) = api_call(&own, Method::GET, "/api/v1/mentors/me/mentees", None).await;
    assert_eq!(status, StatusCode::OK);
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["id"], person.to_string());
    assert_eq!(list[0]["shared_goals"][0], "Ik wil een fiets");
    assert!(list[0].get("offences").is_none() && list[0]["consented"].as_array().unwrap().is_empty());
    // Another person, or the person's record itself: refused and audited.
    let (status, _) = api_call(&own, Method::GET, &format!("/api/v1/mentors/me/mentees/{other}"), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = api_call(&own, Method::GET, &format!("/api/v1/people/{person}"), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "the mentor's agency is not on the team: only the mentee view");
    assert!(matches!(
        service.may_see(&mentor, person, Item::Offences).await,
        Err(domain::service::ServiceError::Forbidden(_))
    ));
    assert!(
        app.scalar(&format!(
            "SELECT count(*) FROM audit_log WHERE member_id = {} AND action = 'denied'",
            sql_id(app, mentor.member_id.0)
        ))
        .await
            >= 2
    );
    assert!(
        app.scalar(&format!(
            "SELECT count(*) FROM audit_log WHERE member_id = {} AND action = 'read'",
            sql_id(app, mentor.member_id.0)
        ))
        .await
            >= 1
    );

    // The mentor's own page (phone-sized) and a contact; a bad contact names its fields.
    let page = own.visit("/mentor").await;
    assert!(page.body.contains("Hoekstra") && page.body.contains("De poort"), "{}", page.body);
    let response = own
        .post_form(
            &format!("/mentor/mentees/{person}/contacts"),
            &[("on", "gisteren"), ("minutes", "0"), ("place", ""), ("how_it_went", "")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = own
        .submit(
            &format!("/mentor/mentees/{person}/contacts"),
            &[("on", &today.to_string()), ("minutes", "60"), ("place", "Café"), ("how_it_went", "Goed gesprek")],
        )
        .await;
    assert!(page.body.contains("Goed gesprek"));
    let (status, _) = api_call(
        &own,
        Method::POST,
        &format!("/api/v1/mentors/me/mentees/{person}/contacts"),
        Some(json!({"on": today.to_string(), "minutes": "30", "place": "Telefoon", "how_it_went": "Kort"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);

    // The coordinator's list; two weeks on without contact the mentee is on it as overdue.
    let coordination = app.session_for(&coordinator).await;
    let (_, lines) = api_call(&coordination, Method::GET, "/api/v1/mentoring/coordinator", None).await;
    assert_eq!(lines[0]["overdue"], false);
    app.clock.set(app.now().checked_add(jiff::SignedDuration::from_hours(24 * 15)).unwrap());
    let (coordination, own, client) =
        (app.session_for(&coordinator).await, app.session_for(&mentor).await, app.session_for(officer).await);
    let (_, lines) = api_call(&coordination, Method::GET, "/api/v1/mentoring/coordinator", None).await;
    assert_eq!(lines[0]["overdue"], true);
    let page = coordination.visit("/mentoring").await;
    assert_eq!(page.status, 200);
    // Only mentors have a mentee list; only coordinators the coordinator's.
    let (status, _) = api_call(&client, Method::GET, "/api/v1/mentors/me/mentees", None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = api_call(&own, Method::GET, "/api/v1/mentoring/coordinator", None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, helpline) = api_call(&own, Method::GET, "/api/v1/mentoring/helpline", None).await;
    assert_eq!((status, helpline["now"].clone()), (StatusCode::OK, Value::Null));
    let _ = app.store.shifts_from(app.now()).await.unwrap();
    let page = own.visit("/funds").await;
    assert_eq!(page.status, 200);
}

fn sql_id(app: &TestApp, id: uuid::Uuid) -> String {
    if app.database_url.starts_with("postgres") { format!("'{id}'") } else { format!("x'{}'", id.simple()) }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn funds_and_mentors_on_sqlite() {
    journey(support::spawn_app().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn funds_and_mentors_on_postgres() {
    if let Some(app) = support::spawn_postgres().await {
        journey(app).await;
    }
}
