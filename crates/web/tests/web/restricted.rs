//! Entries restricted to some agencies, over a real server: a plan task and conference minutes
//! marked "only for" agencies of the team are hidden from the rest of the team on the plan
//! page, the printable version and the meeting page, and shown to the agencies named; a
//! restriction that would hide a task from its owner is refused with a 422 and changes
//! nothing. And the process manager takes a person off a meeting's agenda and cancels the
//! meeting, each only with a reason.

use crate::support::spawn_app;
use crate::support::teams::{ConferenceTeam, conference_team};
use crate::support::{api_call, input_value};
use domain::conference::service::Conferences;
use domain::conference::{MeetingInput, RequestInput, TriageInput};
use domain::ids::PersonId;
use domain::jurisdiction::BeyondPack;
use reqwest::{Method, StatusCode};
use serde_json::json;

/// The conference team, with a second person, "Bakker", on the same team.
async fn team() -> (ConferenceTeam, PersonId) {
    let t = conference_team(spawn_app().await).await;
    let other = t.another_person("Bakker", "123456782").await;
    (t, other)
}

#[tokio::test]
async fn a_restricted_task_is_shown_only_to_the_agencies_named() {
    let (t, _) = team().await;
    let officer = t.app.session_for(&t.officer).await;
    let police = t.app.session_for(&t.constable).await;
    let manager = t.app.session_for(&t.manager).await;
    let plan = format!("/people/{}/plan", t.person);
    assert_eq!(officer.post_form(&plan, &[]).await.status(), StatusCode::SEE_OTHER);

    let form = officer.get(&plan).await.text().await.unwrap();
    assert!(form.contains(&format!("name=\"restricted_to\" value=\"{}\"", t.police.id)), "a checkbox per agency");
    let (probation, police_id, house) = (t.probation.id.to_string(), t.police.id.to_string(), t.house.id.to_string());
    fn task<'a>(probation: &'a str, restricted: Vec<(&'static str, &'a str)>) -> Vec<(&'static str, &'a str)> {
        let mut fields = vec![
            ("description", "Melding huiselijk geweld opvolgen"),
            ("kind", "care"),
            ("owner", probation),
            ("due", "2026-12-01"),
        ];
        fields.extend(restricted);
        fields
    }
    // Hiding the task from the agency that owns it is refused, and nothing is saved.
    let events = t.app.count("plan_event").await;
    let refused =
        officer.post_form(&format!("{plan}/tasks"), &task(&probation, vec![("restricted_to", &police_id)])).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text().await.unwrap();
    assert!(page.contains("blijft zichtbaar voor de organisatie die het uitvoert"), "the reason is shown");
    assert!(page.contains(&format!("value=\"{police_id}\" id=\"task-restricted-{police_id}\" checked")));
    assert_eq!(t.app.count("plan_event").await, events);

    let restricted = task(&probation, vec![("restricted_to", &probation), ("restricted_to", &house)]);
    assert_eq!(officer.post_form(&format!("{plan}/tasks"), &restricted).await.status(), StatusCode::SEE_OTHER);
    let note = [("text", "Aangifte bedreiging door partner"), ("restricted_to", probation.as_str())];
    assert_eq!(officer.post_form(&format!("{plan}/notes"), &note).await.status(), StatusCode::SEE_OTHER);

    // Inside the restriction: on the page (marked), and on the printable version.
    let seen = manager.get(&plan).await.text().await.unwrap();
    assert!(seen.contains("Melding huiselijk geweld opvolgen") && seen.contains("Alleen voor:"));
    assert!(!seen.contains("Aangifte bedreiging"), "the note is for probation only");
    assert!(manager.get(&format!("{plan}/print")).await.text().await.unwrap().contains("Melding huiselijk geweld"));
    let own = officer.get(&plan).await.text().await.unwrap();
    assert!(own.contains("Melding huiselijk geweld opvolgen") && own.contains("Aangifte bedreiging"));
    // Outside it: neither on the page nor on the printable version.
    let hidden = police.get(&plan).await.text().await.unwrap();
    assert!(!hidden.contains("Melding huiselijk geweld") && !hidden.contains("Aangifte bedreiging"));
    assert!(!police.get(&format!("{plan}/print")).await.text().await.unwrap().contains("Melding huiselijk geweld"));

    let audit = t.app.count("audit_log WHERE what = 'plan: add task restricted to some agencies'").await;
    assert_eq!(audit, 1, "the restricted write is audited as such");

    // Outside the restriction the task does not exist: no status change and no note through
    // the API or the form, nothing of it in the answer, each refusal audited (issue 16, item 2).
    let task = input_value(own.split("Melding huiselijk geweld opvolgen").nth(1).unwrap(), "task");
    let denied = t.app.count("audit_log WHERE action = 'denied'").await;
    let events = t.app.count("plan_event").await;
    let api = format!("/api/v1{plan}/tasks/{task}/status");
    let (status, body) = api_call(&police, Method::POST, &api, Some(json!({"status": "done"}))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!body.to_string().contains("Melding huiselijk"), "{body}");
    let note = json!({"task": task, "text": "gezien"});
    let (status, body) = api_call(&police, Method::POST, &format!("/api/v1{plan}/notes"), Some(note)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!body.to_string().contains(&task), "{body}");
    let form = police.post_form(&format!("{plan}/notes"), &[("task", &task), ("text", "gezien")]).await;
    assert_eq!(form.status(), StatusCode::NOT_FOUND);
    let status = [("task", task.as_str()), ("status", "done"), ("reason", "")];
    assert_eq!(police.post_form(&format!("{plan}/task-status"), &status).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(t.app.count("plan_event").await, events, "nothing was written");
    assert_eq!(t.app.count("audit_log WHERE action = 'denied'").await, denied + 4, "each refusal is audited");
    // Inside it, the status changes and the answer shows the task.
    let (status, body) = api_call(&manager, Method::POST, &api, Some(json!({"status": "done"}))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn restricted_minutes_and_the_agenda_limits_on_the_meeting_page() {
    let (t, other) = team().await;
    let manager = t.app.session_for(&t.manager).await;
    let police = t.app.session_for(&t.constable).await;
    let officer = t.app.session_for(&t.officer).await;
    let pack = BeyondPack::nl();
    let zone = jiff::tz::TimeZone::UTC;
    let conferences = Conferences { store: &t.app.store, clock: t.app.clock.as_ref(), time_zone: &zone, pack: &pack };
    let input = RequestInput {
        reason: "many problems behind small offences".into(),
        goal: "one plan".into(),
        invited: vec![t.police.id.to_string()],
    };
    let meeting = conferences
        .plan_meeting(
            &t.manager,
            &MeetingInput {
                date: "2026-11-24".into(),
                location: "Zorg- en Veiligheidshuis".into(),
                invited: vec![t.police.id.to_string(), t.probation.id.to_string()],
            },
        )
        .await
        .unwrap();
    for person in [t.person, other] {
        let request = conferences.request(&t.officer, person, &input).await.unwrap();
        conferences.triage(&t.manager, request.id, &TriageInput::Accept).await.unwrap();
        conferences.add_to_agenda(&t.manager, meeting.id, request.id).await.unwrap();
    }
    let path = format!("/conferences/{}", meeting.id);
    let person = t.person.to_string();
    let (probation, house) = (t.probation.id.to_string(), t.house.id.to_string());
    let minutes = [
        ("person", person.as_str()),
        ("analysis", "threats against the partner, safety plan needed"),
        ("strategy", "both"),
        ("restricted_to", probation.as_str()),
        ("restricted_to", house.as_str()),
    ];
    assert_eq!(manager.post_form(&format!("{path}/minutes"), &minutes).await.status(), StatusCode::SEE_OTHER);
    assert!(officer.get(&path).await.text().await.unwrap().contains("threats against the partner"));
    let hidden = police.get(&path).await.text().await.unwrap();
    assert!(hidden.contains("Visser") && !hidden.contains("threats against the partner"), "outside the restriction");

    // Taking the other person off needs a reason; with one, they leave the agenda.
    let other = other.to_string();
    let remove = format!("{path}/agenda/remove");
    let refused = manager.post_form(&remove, &[("person", &other), ("remove_reason", " ")]).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().await.unwrap().contains("geef aan waarom de persoon van de agenda gaat"));
    assert_eq!(t.app.count("conference_agenda").await, 2);
    assert_eq!(
        police.post_form(&remove, &[("person", &other), ("remove_reason", "x")]).await.status(),
        StatusCode::FORBIDDEN
    );
    let removed = manager.post_form(&remove, &[("person", &other), ("remove_reason", "in custody")]).await;
    assert_eq!(removed.status(), StatusCode::SEE_OTHER);
    assert_eq!(t.app.count("conference_agenda").await, 1);

    // Cancelling needs a reason too.
    let cancel = format!("{path}/cancel");
    assert_eq!(manager.post_form(&cancel, &[("cancel_reason", "")]).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(manager.post_form(&cancel, &[("cancel_reason", "chair is ill")]).await.status(), StatusCode::SEE_OTHER);
    let page = manager.get(&path).await.text().await.unwrap();
    assert!(page.contains("Geannuleerd"), "the meeting shows as cancelled");
    assert!(!page.contains(&format!("action=\"{cancel}\"")), "a cancelled meeting offers no more changes");
}
