//! Life Change and a person's mentor over a real server (issue 20), on SQLite and PostgreSQL:
//! the coordinator's pages only for a mentoring agency's worker (the menu item too), a cohort
//! opened with every invalid field named (422, nothing stored), enrolment by the person's
//! team, the register (a future appointment refused), graduation refused while running; a
//! match made in the pages with a consented item, and a consent withdrawn after the match
//! that the mentor's view follows at once, audited, with the match's outbox fact saying
//! `life_change` for a participant.

use crate::support;
use crate::support::TestApp;
use domain::access::Role;
use domain::directory::AgencyKind;
use domain::mentoring::service::{Item, Mentoring};
use reqwest::StatusCode;

async fn journey(app: TestApp) {
    let probation = app.agency("Reclassering", AgencyKind::Probation).await;
    let officer = app.member(&probation, "officer", &[Role::ProbationOfficer]).await;
    let humanitas = app.agency("Humanitas", AgencyKind::Mentoring).await;
    let coordinator = app.member(&humanitas, "coordinator", &[Role::ProviderWorker]).await;
    let mentor = app.member(&humanitas, "mentor", &[Role::Mentor]).await;
    let shelter = app.member_of_new_agency("Opvang", AgencyKind::Provider, "shelter", Role::ProviderWorker).await;
    let person = app.person(&officer, "Hoekstra", "111222333").await;

    // Only the mentoring agency's worker coordinates mentors: the menu and the pages.
    let coordination = app.session_for(&coordinator).await;
    let page = coordination.visit("/life-change").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("id=\"nav-life-change\"") && page.body.contains("id=\"nav-mentoring\""));
    let other = app.session_for(&shelter).await;
    let refused = other.get("/life-change").await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(!refused.text().await.unwrap().contains("nav-mentoring"), "no menu item for another provider");
    assert_eq!(other.get("/mentoring").await.status(), StatusCode::FORBIDDEN);

    // Opening a fund in the pages: each invalid field named (422), then a grant pot opened.
    let team = app.session_for(&officer).await;
    let bad = team.post_form("/funds/new", &[("name", ""), ("budget_cents", "veel")]).await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = bad.text().await.unwrap();
    for field in ["#name", "#kind", "#stream", "#period_start", "#budget_cents", "#approval_above_cents"] {
        assert!(body.contains(field), "{field} in the summary");
    }
    let opened = team
        .post_form(
            "/funds/new",
            &[
                ("name", "Projecten met deelnemers 2026"),
                ("kind", "grant_pot"),
                ("stream", "co-productie"),
                ("period_start", "2026-01-01"),
                ("period_end", "2026-12-31"),
                ("budget_cents", "5.000"),
                ("approval_above_cents", "250"),
            ],
        )
        .await;
    assert_eq!(opened.status(), StatusCode::SEE_OTHER);
    assert!(opened.headers()["location"].to_str().unwrap().starts_with("/funds/"));
    let by_mentor = app.session_for(&mentor).await.post_form("/funds/new", &[("name", "x")]).await;
    assert_eq!(by_mentor.status(), StatusCode::FORBIDDEN, "a mentor keeps no fund");

    // Opening a cohort: each invalid field named, nothing stored.
    let bad = coordination.post_form("/life-change/cohorts", &[("name", ""), ("starts_on", "x")]).await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = bad.text().await.unwrap();
    for field in ["#name", "#starts_on", "#group_room", "#business"] {
        assert!(body.contains(field), "{field} in the summary");
    }
    assert_eq!(app.count("life_change_cohort").await, 0);
    let opened = coordination
        .post_form(
            "/life-change/cohorts",
            &[
                ("name", "Life Change winter"),
                ("starts_on", "2026-11-02"),
                ("group_room", "Buurthuis"),
                ("business", "Kringloop"),
                ("intervention", ""),
            ],
        )
        .await;
    assert_eq!(opened.status(), StatusCode::SEE_OTHER);
    let cohort_page = opened.headers()["location"].to_str().unwrap().to_string();
    let cohort = cohort_page.trim_start_matches("/life-change/cohorts/").to_string();

    // The person's team enrols them; another provider cannot read the register.
    let page = team.visit(&format!("/people/{person}/life-change")).await;
    assert!(page.body.contains("Life Change winter"));
    let enrolled = team.post_form(&format!("/people/{person}/life-change"), &[("cohort", &cohort)]).await;
    assert_eq!(enrolled.status(), StatusCode::SEE_OTHER);
    let none = team.post_form(&format!("/people/{person}/life-change"), &[("cohort", "")]).await;
    assert_eq!(none.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(other.get(&cohort_page).await.status(), StatusCode::FORBIDDEN);
    let register = coordination.visit(&cohort_page).await;
    assert!(register.body.contains("Hoekstra") && register.body.contains("id=\"week\""), "{}", register.body);

    // The register: the first appointment recorded; one still to come refused.
    let select = register.body.split("<option value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let saved = coordination
        .post_form(&format!("{cohort_page}/attendance"), &[("appointment", &select), ("present", &person.to_string())])
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.count("life_change_attendance").await, 1);
    let zone = jiff::tz::TimeZone::UTC;
    let service = Mentoring { store: &app.store, clock: app.clock.as_ref(), time_zone: &zone };
    let stored = service.register(&coordinator, uuid::Uuid::parse_str(&cohort).unwrap()).await.unwrap();
    let last = stored.cohort.appointments.last().unwrap().id.to_string();
    let future = coordination.post_form(&format!("{cohort_page}/attendance"), &[("appointment", &last)]).await;
    assert_eq!(future.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let early = coordination
        .post_form(&format!("{cohort_page}/pipeline"), &[("person", &person.to_string()), ("stage", "invited")])
        .await;
    assert_eq!(early.status(), StatusCode::UNPROCESSABLE_ENTITY, "no graduate while the programme runs");

    // The coordinator keeps the mentors' profiles and the helpline roster in the pages.
    let bad = coordination.post_form("/mentoring/mentors", &[("member", ""), ("capacity", "0")]).await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = bad.text().await.unwrap();
    for field in ["#member", "#vetted_on", "#vetting_expires", "#languages", "#area", "#availability", "#capacity"] {
        assert!(body.contains(field), "{field} in the summary");
    }
    let mentor_id = mentor.member_id.to_string();
    let kept = coordination
        .post_form(
            "/mentoring/mentors",
            &[
                ("member", &mentor_id),
                ("lived_experience", "yes"),
                ("vetted_on", "2026-01-05"),
                ("vetting_expires", "2027-01-05"),
                ("languages", "nl, en"),
                ("area", "Amsterdam"),
                ("availability", "avonden"),
                ("capacity", "3"),
            ],
        )
        .await;
    assert_eq!(kept.status(), StatusCode::SEE_OTHER);
    assert!(coordination.visit("/mentoring/mentors").await.body.contains(&format!("profile-{mentor_id}")));
    assert_eq!(other.get("/mentoring/mentors").await.status(), StatusCode::FORBIDDEN);
    let bad = coordination
        .post_form(
            "/mentoring/roster",
            &[("id", ""), ("member", &mentor_id), ("starts_at", "2026-11-22T20:00"), ("ends_at", "2026-11-22T08:00")],
        )
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = bad.text().await.unwrap();
    assert!(body.contains("#ends_at") && body.contains("#phone"), "{body}");
    let shift = [
        ("id", ""),
        ("member", mentor_id.as_str()),
        ("starts_at", "2026-11-22T08:00"),
        ("ends_at", "2026-11-22T20:00"),
        ("phone", "0800-1234"),
    ];
    assert_eq!(coordination.post_form("/mentoring/roster", &shift).await.status(), StatusCode::SEE_OTHER);
    let roster = coordination.visit("/mentoring/roster").await;
    let shift_id = roster.body.split("id=\"shift-title-").nth(1).unwrap().split('"').next().unwrap().to_string();
    let moved = [
        ("id", shift_id.as_str()),
        ("member", mentor_id.as_str()),
        ("starts_at", "2026-11-22T08:00"),
        ("ends_at", "2026-11-22T21:00"),
        ("phone", "0800-1234"),
    ];
    assert_eq!(coordination.post_form("/mentoring/roster", &moved).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.count("helpline_shift").await, 1, "a moved shift is the same shift");
    assert_eq!(other.get("/mentoring/roster").await.status(), StatusCode::FORBIDDEN);

    // A mentor matched in the pages with the notes consented; then the consent withdrawn.
    let today = app.now().to_zoned(jiff::tz::TimeZone::UTC).date();
    let profile = crate::support::teams::mentor_henk(&mentor, &humanitas, today, "Amsterdam");
    service.save_profile(&coordinator, profile).await.unwrap();
    let page = team.visit(&format!("/people/{person}/mentor?area=Amsterdam")).await;
    assert!(page.body.contains("Henk"), "suggested");
    // The helpline on call shows on the person's page once they have a mentor (below).
    let matched = team
        .post_form(
            &format!("/people/{person}/mentor"),
            &[("mentor", &mentor.member_id.to_string()), ("shared_goals", "Een baan\nEen fiets"), ("notes", "yes")],
        )
        .await;
    assert_eq!(matched.status(), StatusCode::SEE_OTHER);
    assert!(service.may_see(&mentor, person, Item::Notes).await.unwrap());
    let person_page = team.visit(&format!("/people/{person}")).await;
    assert!(person_page.body.contains("id=\"person-helpline\"") && person_page.body.contains("0800-1234"));
    let detail = outbox_detail(&app).await;
    assert!(detail.contains("life_change"), "a participant's mentor is part of the programme: {detail}");
    let page = team.visit(&format!("/people/{person}/mentor")).await;
    let match_id = page.body.split("id=\"consent-").nth(1).unwrap().split('"').next().unwrap().to_string();
    let own = app.session_for(&mentor).await;
    let by_mentor =
        own.post_form(&format!("/people/{person}/mentor/{match_id}/consent"), &[("shared_goals", "")]).await;
    assert_eq!(by_mentor.status(), StatusCode::FORBIDDEN, "the mentor does not change the person's consent");
    let withdrawn =
        team.post_form(&format!("/people/{person}/mentor/{match_id}/consent"), &[("shared_goals", "Een baan")]).await;
    assert_eq!(withdrawn.status(), StatusCode::SEE_OTHER);
    assert!(service.may_see(&mentor, person, Item::Notes).await.is_err(), "withdrawn: refused at once");
    let mine = service.my_mentees(&mentor).await.unwrap();
    assert_eq!(mine[0].shared_goals, ["Een baan"]);
    assert_eq!(app.count("mentor_consent_change").await, 1);
    assert_eq!(
        app.scalar("SELECT count(*) FROM audit_log WHERE what = 'mentoring: consent' AND action = 'update'").await,
        1
    );
}

async fn outbox_detail(app: &TestApp) -> String {
    let sql = "SELECT detail FROM outbox_event WHERE kind = 'mentor.matched'";
    match app.store.pool() {
        store::Pool::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
        store::Pool::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn life_change_and_consent_on_sqlite() {
    journey(support::spawn_app().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn life_change_and_consent_on_postgres() {
    if let Some(app) = support::spawn_postgres().await {
        journey(app).await;
    }
}
