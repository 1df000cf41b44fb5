//! Triage and the case conference over a real server, on SQLite and PostgreSQL: a partner
//! requests a conference, the process manager triages it, plans a meeting, puts the person on
//! the agenda, records the outcome and closes the meeting — the decisions become tasks on the
//! one plan. Bad input is refused with a 422 and changes nothing; need-to-know hides the
//! person from agencies off the team, on the triage list and on the agenda.

use crate::support;
use crate::support::spawn_app;
use crate::support::teams::{ConferenceTeam, conference_team};
use reqwest::StatusCode;

/// The first `action="{prefix}<uuid>"` in a page.
fn id_after(html: &str, prefix: &str) -> String {
    let start = html.find(prefix).unwrap_or_else(|| panic!("{prefix} not in page")) + prefix.len();
    html[start..start + 36].to_string()
}

async fn journey(s: ConferenceTeam) {
    let officer = s.app.session_for(&s.officer).await;
    let manager = s.app.session_for(&s.manager).await;
    let police = s.app.session_for(&s.constable).await;
    let stranger = s.app.session_for(&s.stranger).await;
    let person_path = format!("/people/{}/conference", s.person);

    // The person's conference page, linked from the person page.
    let page = officer.get(&person_path).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("name=\"invited\""));
    let person_page = officer.get(&format!("/people/{}", s.person)).await.text().await.unwrap();
    assert!(person_page.contains(&format!("href=\"{person_path}\"")));

    // A request without a reason is refused and nothing is filed.
    let probation = s.probation.id.to_string();
    let police_id = s.police.id.to_string();
    let empty =
        officer.post_form(&person_path, &[("reason", " "), ("goal", "one plan"), ("invited", &police_id)]).await;
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.text().await.unwrap().contains("geef aan waarom een casusoverleg nodig is"));
    assert_eq!(s.app.count("conference_request").await, 0);
    let fields = [
        ("reason", "keeps shoplifting alcohol, no home"),
        ("goal", "one plan: housing, health, area ban"),
        ("invited", police_id.as_str()),
        ("invited", probation.as_str()),
    ];
    let filed = officer.post_form(&person_path, &fields).await;
    assert_eq!(filed.status(), StatusCode::SEE_OTHER);
    assert_eq!(s.app.count("conference_request").await, 1);
    assert_eq!(officer.post_form(&person_path, &fields).await.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Triage: the process manager on the team sees the request; one off the team does not;
    // a probation officer has no triage list.
    let triage = manager.get("/triage").await.text().await.unwrap();
    assert!(triage.contains("Visser") && triage.contains("2026-11-24"), "{triage}");
    assert!(!stranger.get("/triage").await.text().await.unwrap().contains("Visser"));
    assert_eq!(officer.get("/triage").await.status(), StatusCode::FORBIDDEN);
    let request = id_after(&triage, "action=\"/triage/");
    let decline =
        manager.post_form(&format!("/triage/{request}"), &[("decision", "decline"), ("decline_reason", "")]).await;
    assert_eq!(decline.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        stranger.post_form(&format!("/triage/{request}"), &[("decision", "accept")]).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        manager.post_form(&format!("/triage/{request}"), &[("decision", "accept")]).await.status(),
        StatusCode::SEE_OTHER
    );

    // A meeting: in the past refused, on Tuesday planned.
    let location = "Zorg- en Veiligheidshuis, Utrecht";
    let past = manager
        .post_form("/conferences", &[("date", "2026-11-01"), ("location", location), ("invited", &police_id)])
        .await;
    assert_eq!(past.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(officer.post_form("/conferences", &[("date", "2026-11-24")]).await.status(), StatusCode::FORBIDDEN);
    let planned = manager
        .post_form(
            "/conferences",
            &[("date", "2026-11-24"), ("location", location), ("invited", &police_id), ("invited", &probation)],
        )
        .await;
    assert_eq!(planned.status(), StatusCode::SEE_OTHER);
    let meeting_path = planned.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(s.app.count("conference_meeting").await, 1);

    // The agenda: the accepted request is offered and put on it.
    let meeting_page = manager.get(&meeting_path).await.text().await.unwrap();
    assert!(meeting_page.contains(&format!("value=\"{request}\"")));
    let added = manager.post_form(&format!("{meeting_path}/agenda"), &[("request", &request)]).await;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    assert_eq!(s.app.count("conference_agenda").await, 1);
    // Need-to-know: the police (on the team) see the person; an agency off the team does not.
    assert!(police.get(&meeting_path).await.text().await.unwrap().contains("Visser"));
    let hidden = stranger.get(&meeting_path).await.text().await.unwrap();
    assert!(!hidden.contains("Visser") && !hidden.contains(&s.person.to_string()));
    let list = stranger.get("/conferences").await.text().await.unwrap();
    assert!(list.contains("<td>0</td>"), "{list}");

    // Closing before the outcome is recorded is refused.
    assert_eq!(
        manager.post_form(&format!("{meeting_path}/close"), &[]).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let person = s.person.to_string();
    let minutes = |owner: &str, due: &str| {
        vec![
            ("person", person.clone()),
            ("analysis", "drinks since losing his flat; steals to drink".to_string()),
            ("strategy", "both".to_string()),
            ("decision_description", "intake at the addiction clinic".to_string()),
            ("decision_kind", "care".to_string()),
            ("decision_owner", probation.clone()),
            ("decision_due", "2026-12-15".to_string()),
            ("decision_description", "area ban for the shopping centre".to_string()),
            ("decision_kind", "enforcement".to_string()),
            ("decision_owner", owner.to_string()),
            ("decision_due", due.to_string()),
            ("decision_description", String::new()),
            ("decision_kind", "care".to_string()),
            ("decision_owner", String::new()),
            ("decision_due", String::new()),
        ]
    };
    let as_refs = |fields: &[(&'static str, String)]| -> Vec<(&'static str, String)> { fields.to_vec() };
    let post = |fields: Vec<(&'static str, String)>| {
        let path = format!("{meeting_path}/minutes");
        let manager = &manager;
        async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            manager.post_form(&path, &fields).await
        }
    };
    // A decision for an agency off the person's team, or due in the past: refused, nothing kept.
    let off_team = post(as_refs(&minutes(&s.outsider.id.to_string(), "2026-12-15"))).await;
    assert_eq!(off_team.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(off_team.text().await.unwrap().contains("een besluit kan alleen naar een organisatie in het team"));
    let past_due = post(as_refs(&minutes(&police_id, "2026-11-01"))).await;
    assert_eq!(past_due.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!manager.get(&meeting_path).await.text().await.unwrap().contains("losing his flat"));
    assert_eq!(post(as_refs(&minutes(&police_id, "2026-12-01"))).await.status(), StatusCode::SEE_OTHER);
    let attendance = manager
        .post_form(&format!("{meeting_path}/attendance"), &[("present", &s.constable.member_id.to_string())])
        .await;
    assert_eq!(attendance.status(), StatusCode::SEE_OTHER);

    // Not before the meeting's day (a Sunday now; the meeting is on Tuesday).
    let early = manager.post_form(&format!("{meeting_path}/close"), &[]).await;
    assert_eq!(early.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(early.text().await.unwrap().contains("sluit het op of na die dag"));
    s.app.clock.set("2026-11-24T15:00:00Z".parse().unwrap());
    // Two days on: everyone signs in again.
    let (officer, manager, police) = (
        s.app.session_for(&s.officer).await,
        s.app.session_for(&s.manager).await,
        s.app.session_for(&s.constable).await,
    );

    // Closing puts both decisions on the plan; the police see their task in their list.
    assert_eq!(manager.post_form(&format!("{meeting_path}/close"), &[]).await.status(), StatusCode::SEE_OTHER);
    let response = police.get(&format!("/people/{}/plan", s.person)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let plan = response.text().await.unwrap();
    assert!(
        plan.contains("intake at the addiction clinic") && plan.contains("area ban for the shopping centre"),
        "{plan}"
    );
    let tasks = police.get("/tasks/agency").await.text().await.unwrap();
    assert!(tasks.contains("area ban for the shopping centre") && !tasks.contains("addiction clinic"));
    let closed = police.get(&meeting_path).await.text().await.unwrap();
    assert!(closed.contains("losing his flat") && closed.contains("kees"), "minutes and attendance shown");
    assert_eq!(
        manager.post_form(&format!("{meeting_path}/close"), &[]).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a closed meeting cannot change"
    );
    let page = police.get(&person_path).await.text().await.unwrap();
    assert!(page.contains("2026-11-24") && page.contains("Zorg en straf"), "the outcome on the person's page");
    assert!(page.contains("besproken"), "the request reads discussed: {page}");

    // The criteria: nothing matches without signals; the area-bound problem alone proposes.
    let proposal = format!("{person_path}/proposal");
    let none = officer.post_form(&proposal, &[("goal", "agree one plan")]).await;
    assert_eq!(none.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(s.app.count("conference_request").await, 1);
    let area = [("goal", "agree one plan"), ("flags", "serious_area_bound_safety_problem")];
    assert_eq!(officer.post_form(&proposal, &area).await.status(), StatusCode::SEE_OTHER);
    let page = officer.get(&person_path).await.text().await.unwrap();
    assert!(
        page.contains("De criteria voor complexe casuïstiek") && page.contains("Gebiedsgebonden veiligheidsprobleem")
    );

    // Everything is in the person's audit log.
    let audit = officer.get(&format!("/people/{}/audit", s.person)).await.text().await.unwrap();
    // In the page's language (issue 17, item 22).
    let whats =
        ["Casusoverleg: aangevraagd", "Casusoverleg: geaccepteerd", "Casusoverleg: verslag", "Casusoverleg: gesloten"];
    for what in whats {
        assert!(audit.contains(what), "{what} missing from the audit page");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conference_journey_on_sqlite() {
    journey(conference_team(spawn_app().await).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conference_journey_on_postgres() {
    let Some(app) = support::spawn_postgres().await else { return };
    journey(conference_team(app).await).await;
}
