//! Notifications over a real server, on SQLite and PostgreSQL: every workflow's effects reach a
//! member of each agency entitled to them — and no one else — through the outbox, as each role
//! reads them (`GET /api/v1/notifications`, `/notifications`, the count in the menu). An agency
//! that leaves the person's team stops seeing what concerns them; read marks are per member.

use crate::support::teams::{ConferenceTeam, PlanTeam, conference_team, measures_cast, plan_team};
use crate::support::zsm::{register, table, table_on_postgres};
use crate::support::{Client, TestApp, api_call, spawn_app, spawn_postgres};
use domain::access::{Actor, Role};
use domain::conference::service::Conferences;
use domain::conference::{DecisionInput, MeetingInput, MinutesInput, RequestInput, TriageInput};
use domain::jurisdiction::BeyondPack;
use domain::measures::service::Measures;
use domain::measures::{EpisodeAction, EpisodeInput, OrderAction, OrderInput};
use domain::people::ports::PeopleStore;
use domain::zsm::service::Zsm;
use reqwest::{Method, StatusCode};
use serde_json::Value;

/// What a member is told now: `(kind, message)`, newest first.
async fn told(client: &Client) -> Vec<(String, String)> {
    let (status, body) = api_call(client, Method::GET, "/api/v1/notifications", None).await;
    assert_eq!(status, StatusCode::OK);
    body["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["kind"].as_str().unwrap().to_string(), n["message"].as_str().unwrap().to_string()))
        .collect()
}

fn kinds(told: &[(String, String)]) -> Vec<&str> {
    told.iter().map(|(kind, _)| kind.as_str()).collect()
}

async fn notifications_json(client: &Client) -> Value {
    api_call(client, Method::GET, "/api/v1/notifications", None).await.1
}

async fn plan_steps_reach_the_owner_and_the_team_only(s: PlanTeam) {
    s.active_plan().await;
    let police = s.app.session_for(&s.constable).await;
    let clerk = s.app.session_for(&s.clerk).await;
    let stranger = s.app.session_for(&s.stranger).await;
    let colleague = s.app.member(&s.probation, "pieter", &[Role::ProbationOfficer]).await;
    let colleague = s.app.session_for(&colleague).await;

    // Each agency hears of its own task and of the activation; the member who did it all is not
    // told of their own work, an agency off the team hears nothing.
    let to_police = told(&police).await;
    assert_eq!(kinds(&to_police), ["plan.activated", "plan.task.assigned"]);
    assert!(to_police[1].1.contains("Gebiedsverbod handhaven") && to_police[1].1.contains("Jan De Boer"));
    assert!(to_police[0].1.contains("2027-11-22"), "the re-evaluation date: {}", to_police[0].1);
    let to_clerk = told(&clerk).await;
    assert_eq!(kinds(&to_clerk), ["plan.activated", "plan.task.assigned"]);
    assert!(to_clerk[1].1.contains("Kamer zoeken via wooncorporatie"));
    let to_colleague = told(&colleague).await;
    assert_eq!(kinds(&to_colleague), ["plan.activated", "plan.task.assigned"]);
    assert!(to_colleague[1].1.contains("Aanmelden bij schuldhulp"));
    assert!(told(&s.app.session_for(&s.officer).await).await.is_empty(), "not told of one's own work");
    assert!(told(&stranger).await.is_empty(), "an agency off the team hears nothing");

    // The task named its member: for them it is "for you".
    let body = notifications_json(&police).await;
    assert_eq!(body["notifications"][1]["for_you"], true);
    assert_eq!(body["notifications"][0]["for_you"], false);
    assert_eq!(body["older"], Value::Null);
    let link = body["notifications"][1]["link"].as_str().unwrap().to_string();
    assert_eq!(link, format!("/people/{}/plan", s.person));

    // The menu counts what is unread; the list page shows it in the member's language.
    let page = police.get("/people").await.text().await.unwrap();
    assert!(page.contains("class=\"count-badge\">2<"), "{page}");
    let list = police.get("/notifications").await.text().await.unwrap();
    assert!(list.contains("Gebiedsverbod handhaven") && list.contains("voor u") && list.contains("Ongelezen"));

    // Read one by one (another agency's notification is "not found"), then all.
    let first = body["notifications"][1]["position"].as_i64().unwrap();
    async fn mark(client: &Client, path: String) -> StatusCode {
        client.api(Method::POST, &path, Some(serde_json::json!({}))).await.status()
    }
    assert_eq!(mark(&stranger, format!("/api/v1/notifications/{first}/read")).await, StatusCode::NOT_FOUND);
    assert_eq!(mark(&clerk, format!("/api/v1/notifications/{first}/read")).await, StatusCode::NOT_FOUND);
    assert_eq!(mark(&police, format!("/api/v1/notifications/{first}/read")).await, StatusCode::NO_CONTENT);
    assert_eq!(mark(&police, "/api/v1/notifications/nonsense/read".into()).await, StatusCode::NOT_FOUND);
    assert!(police.get("/people").await.text().await.unwrap().contains("class=\"count-badge\">1<"));
    assert_eq!(notifications_json(&clerk).await["notifications"][1]["read"], false, "read marks are per member");
    let all = police.post_form("/notifications/read", &[("back", "")]).await;
    assert_eq!(all.status(), StatusCode::SEE_OTHER);
    assert!(!police.get("/people").await.text().await.unwrap().contains("count-badge"));
    let body = notifications_json(&police).await;
    assert!(body["notifications"].as_array().unwrap().iter().all(|n| n["read"] == true));

    // An agency that leaves the team no longer sees what concerns the person.
    let entry = s.app.store.team(s.person).await.unwrap().into_iter().find(|e| e.agency_id == s.municipality.id);
    let audit = domain::audit::AuditEntry::new(
        &s.officer,
        s.app.now(),
        Some(s.person),
        domain::audit::AuditAction::TeamEnd,
        "team: ended",
        "test",
    );
    s.app.store.end_team_entry(entry.unwrap().id, s.app.now(), s.officer.member_id, &audit).await.unwrap();
    assert!(told(&clerk).await.is_empty(), "left the team: the notifications about the person are gone");
    assert!(!clerk.get("/people").await.text().await.unwrap().contains("count-badge"));
}

#[tokio::test]
async fn plan_steps_reach_the_owner_and_the_team_only_on_sqlite() {
    plan_steps_reach_the_owner_and_the_team_only(plan_team(spawn_app().await).await).await;
}

#[tokio::test]
async fn plan_steps_reach_the_owner_and_the_team_only_on_postgres() {
    let Some(app) = spawn_postgres().await else { return };
    plan_steps_reach_the_owner_and_the_team_only(plan_team(app).await).await;
}

fn conferences<'a>(
    app: &'a TestApp,
    pack: &'a BeyondPack,
    zone: &'a jiff::tz::TimeZone,
) -> Conferences<'a, store::Store> {
    Conferences { store: &app.store, clock: app.clock.as_ref(), time_zone: zone, pack }
}

/// A request reaches the Safety House's triage, its outcome the requester; the invited
/// agencies hear of the meeting and of the person's discussion; a closed meeting tells the
/// team the person was discussed and each decision's owner their task. "olga", a process
/// manager elsewhere, hears nothing.
async fn a_conference_tells_each_agency_its_part(t: ConferenceTeam) {
    let (pack, zone) = (BeyondPack::nl(), jiff::tz::TimeZone::UTC);
    let conferences = conferences(&t.app, &pack, &zone);
    let officer = t.app.session_for(&t.officer).await;
    let police = t.app.session_for(&t.constable).await;
    let manager = t.app.session_for(&t.manager).await;

    let request = RequestInput {
        reason: "keeps shoplifting alcohol, no home".into(),
        goal: "one plan".into(),
        invited: vec![t.police.id.to_string(), t.probation.id.to_string()],
    };
    let request = conferences.request(&t.officer, t.person, &request).await.unwrap();
    assert_eq!(kinds(&told(&manager).await), ["conference.request.received"]);
    assert!(told(&manager).await[0].1.contains("2026-11-24"), "the triage date");
    conferences.triage(&t.manager, request.id, &TriageInput::Accept).await.unwrap();
    assert_eq!(kinds(&told(&officer).await), ["conference.request.accepted"]);

    let meeting = MeetingInput {
        date: "2026-11-24".into(),
        location: "Zorg- en Veiligheidshuis Utrecht".into(),
        invited: vec![t.police.id.to_string(), t.probation.id.to_string()],
    };
    let meeting = conferences.plan_meeting(&t.manager, &meeting).await.unwrap();
    conferences.add_to_agenda(&t.manager, meeting.id, request.id).await.unwrap();
    assert_eq!(
        kinds(&told(&police).await),
        ["conference.invited", "conference.meeting.planned"],
        "the police are invited to the meeting and to discuss the person"
    );
    assert_eq!(
        kinds(&told(&officer).await),
        [
            "conference.request.scheduled",
            "conference.invited",
            "conference.meeting.planned",
            "conference.request.accepted"
        ]
    );

    let decision = |description: &str, owner: &str| DecisionInput {
        description: description.into(),
        kind: "care".into(),
        owner: owner.into(),
        due: "2026-12-15".into(),
    };
    let minutes = MinutesInput {
        analysis: "drinks since losing his flat".into(),
        strategy: "both".into(),
        decisions: vec![
            decision("intake at the addiction clinic", &t.probation.id.to_string()),
            decision("area ban for the shopping centre", &t.police.id.to_string()),
        ],
        ..Default::default()
    };
    conferences.record_minutes(&t.manager, meeting.id, t.person, &minutes).await.unwrap();
    // The meeting closes on its day (Tuesday); everyone signs in again.
    t.app.clock.set("2026-11-24T15:00:00Z".parse().unwrap());
    let (officer, police, manager, stranger) = (
        t.app.session_for(&t.officer).await,
        t.app.session_for(&t.constable).await,
        t.app.session_for(&t.manager).await,
        t.app.session_for(&t.stranger).await,
    );
    conferences.close(&t.manager, meeting.id).await.unwrap();
    let to_police = told(&police).await;
    assert_eq!(kinds(&to_police)[..2], ["conference.decision.recorded", "conference.discussed"]);
    assert!(to_police[0].1.contains("area ban for the shopping centre") && to_police[0].1.contains("2026-11-24"));
    assert!(!to_police.iter().any(|(_, m)| m.contains("addiction clinic")), "the probation task is not theirs");
    let to_officer = told(&officer).await;
    assert_eq!(kinds(&to_officer)[..2], ["conference.decision.recorded", "conference.discussed"]);
    assert!(to_officer[0].1.contains("intake at the addiction clinic"));
    // The manager closed the meeting: told only what others did (the request).
    assert_eq!(kinds(&told(&manager).await), ["conference.request.received"]);
    assert!(told(&stranger).await.is_empty());
}

#[tokio::test]
async fn a_conference_tells_each_agency_its_part_on_sqlite() {
    a_conference_tells_each_agency_its_part(conference_team(spawn_app().await).await).await;
}

#[tokio::test]
async fn a_conference_tells_each_agency_its_part_on_postgres() {
    let Some(app) = spawn_postgres().await else { return };
    a_conference_tells_each_agency_its_part(conference_team(app).await).await;
}

/// A cancelled meeting tells the invited agencies, and a person taken off the agenda tells the
/// requester; both with the reason.
#[tokio::test]
async fn cancelling_and_unscheduling_tell_the_invited_and_the_requester() {
    let t = conference_team(spawn_app().await).await;
    let (pack, zone) = (BeyondPack::nl(), jiff::tz::TimeZone::UTC);
    let conferences = conferences(&t.app, &pack, &zone);
    let police = t.app.session_for(&t.constable).await;
    let officer = t.app.session_for(&t.officer).await;
    let request = RequestInput { reason: "r".into(), goal: "g".into(), invited: vec![t.police.id.to_string()] };
    let request = conferences.request(&t.officer, t.person, &request).await.unwrap();
    conferences.triage(&t.manager, request.id, &TriageInput::Accept).await.unwrap();
    let meeting =
        MeetingInput { date: "2026-11-24".into(), location: "ZVH".into(), invited: vec![t.police.id.to_string()] };
    let meeting = conferences.plan_meeting(&t.manager, &meeting).await.unwrap();
    conferences.add_to_agenda(&t.manager, meeting.id, request.id).await.unwrap();
    conferences.cancel(&t.manager, meeting.id, "chair is ill").await.unwrap();
    let to_police = told(&police).await;
    assert_eq!(to_police[0].0, "conference.meeting.cancelled");
    assert!(to_police[0].1.contains("chair is ill") && to_police[0].1.contains("2026-11-24"));
    let to_officer = told(&officer).await;
    assert_eq!(to_officer[0].0, "conference.request.unscheduled");
    assert!(to_officer[0].1.contains("chair is ill"));
}

/// An episode tells its case manager (and their agency); a help task of an exclusion order goes
/// to its owner; the order's end to the teams of the excluded person and the victim.
#[tokio::test]
async fn measures_tell_the_case_manager_the_helper_and_the_teams() {
    let s = measures_cast(spawn_app().await).await;
    let (pack, zone) = (BeyondPack::nl(), jiff::tz::TimeZone::get("Europe/Amsterdam").unwrap());
    let measures = Measures { store: &s.app.store, clock: s.app.clock.as_ref(), time_zone: &zone, pack: &pack };
    let manager: Actor = s.app.member(&s.probation, "carla", &[Role::ProbationOfficer]).await;
    let health = s.app.agency("GGZ Utrecht", domain::directory::AgencyKind::Health).await;
    let nurse = s.app.member(&health, "ingrid", &[Role::ProviderWorker]).await;
    s.app.join_team(&s.officer, s.victim, &health).await;

    let episode = EpisodeInput {
        case_manager: manager.member_id.to_string(),
        started_on: String::new(),
        weeks: "6".into(),
        contacts_per_week: "2".into(),
    };
    let started = measures.start_episode(&s.officer, s.excluded, &episode).await.unwrap();
    let carla = s.app.session_for(&manager).await;
    let body = notifications_json(&carla).await;
    assert_eq!(body["notifications"][0]["kind"], "episode.assigned");
    assert_eq!(body["notifications"][0]["for_you"], true);
    let close = EpisodeAction::Close { episode: started.id.to_string(), reason: "all contacts done".into() };
    measures.change_episode(&s.officer, s.excluded, &close).await.unwrap();
    let to_carla = told(&carla).await;
    assert_eq!(to_carla[0].0, "episode.ended");
    assert!(to_carla[0].1.contains("all contacts done"));

    let order = OrderInput {
        victims: s.victim.to_string(),
        children: String::new(),
        address: "Kerkstraat 1, Utrecht".into(),
        decision_ref: "BM-2026-17".into(),
        imposed_at: "2026-11-22T09:00".into(),
    };
    let order = measures.impose_order(&s.mayor, s.excluded, &order).await.unwrap();
    let help = OrderAction::AddHelp {
        order: order.id.to_string(),
        for_person: s.victim.to_string(),
        owner: health.id.to_string(),
        description: "Traumabehandeling".into(),
    };
    measures.change_order(&s.mayor, s.excluded, &help).await.unwrap();
    let ingrid = s.app.session_for(&nurse).await;
    let to_ingrid = told(&ingrid).await;
    assert_eq!(kinds(&to_ingrid), ["exclusion.help.assigned"]);
    assert!(to_ingrid[0].1.contains("Traumabehandeling") && to_ingrid[0].1.contains("Jan Verhoeven"));
    let lift = OrderAction::Lift { order: order.id.to_string(), reason: "reconciled".into() };
    measures.change_order(&s.mayor, s.excluded, &lift).await.unwrap();
    let ended = told(&ingrid).await;
    assert_eq!(ended[0].0, "exclusion.ended", "the victim's team hears the order ended");
    assert!(ended[0].1.contains("Jan Verhoeven"));
    assert!(told(&s.app.session_for(&s.stranger).await).await.is_empty());
}

/// A legal clock within the pack's warning window is told to the police and the prosecution at
/// the table, once per level however often the check runs; probation and victim support at
/// the same table are not told.
async fn clocks_near_their_limit_tell_the_police_and_prosecution_once(table: crate::support::zsm::Table) {
    register(&table, "Bakker", "").await;
    let zsm = Zsm { store: &table.app.store, clock: table.app.clock.as_ref() };
    assert_eq!(zsm.escalate_clocks().await.unwrap(), 0, "11:00, arrested at 08:30: no clock is near its end yet");
    // 16:00 in Amsterdam: the hold (ophouden: 9 hours, the night not counted) ends at 18:00,
    // now within the 2-hour warning.
    table.app.clock.set("2026-11-22T15:00:00Z".parse().unwrap());
    let first = zsm.escalate_clocks().await.unwrap();
    assert!(first >= 1);
    assert_eq!(zsm.escalate_clocks().await.unwrap(), 0, "the same level again is not a new fact");
    let to_police = told(&table.police).await;
    assert!(to_police.iter().all(|(kind, _)| kind == "zsm.clock.escalated"));
    assert_eq!(to_police.len(), first);
    let hold = to_police.iter().find(|(_, m)| m.contains("18:00")).unwrap_or_else(|| panic!("{to_police:?}"));
    assert!(hold.1.contains("2 h 00 min") && hold.1.contains("Sam Bakker"), "{}", hold.1);
    assert_eq!(told(&table.prosecutor).await.len(), first);
    assert!(told(&table.probation).await.is_empty());
    assert!(told(&table.victim_support).await.is_empty());
    // Past the deadline: told again, as overdue.
    table.app.clock.set("2026-11-22T17:05:00Z".parse().unwrap());
    assert!(zsm.escalate_clocks().await.unwrap() >= 1);
    let overdue = told(&table.police).await;
    assert!(overdue.iter().any(|(_, m)| m.contains("ran out at") && m.contains("18:00")), "{overdue:?}");
}

#[tokio::test]
async fn clocks_near_their_limit_tell_the_police_and_prosecution_once_on_sqlite() {
    clocks_near_their_limit_tell_the_police_and_prosecution_once(table().await).await;
}

#[tokio::test]
async fn clocks_near_their_limit_tell_the_police_and_prosecution_once_on_postgres() {
    let Some(table) = table_on_postgres().await else { return };
    clocks_near_their_limit_tell_the_police_and_prosecution_once(table).await;
}
