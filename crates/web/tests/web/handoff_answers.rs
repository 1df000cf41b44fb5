//! Issue 17 hand-offs walked as each role (walk4): the municipality answers a proposal of a
//! mayor's measure and the proposing agency is told, in words, and lands back at the proposals;
//! a provider works a referral made from a Safety House plan task: it sees who referred (name and
//! agency), and the referrer's notifications name each change in words, not codes
//! ("accepted", "ended_early"); the triage list is four readable columns that turn into cards.

use crate::support::teams::{measures_cast, referral_team};
use crate::support::{api_call, input_value, spawn_app};
use domain::access::Role;
use domain::directory::AgencyKind;
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn the_proposer_hears_the_municipalitys_answer() {
    let s = measures_cast(spawn_app().await).await;
    let probation = s.app.session_for(&s.officer).await;
    let mayor = s.app.session_for(&s.mayor).await;
    let measures = format!("/people/{}/measures", s.excluded);
    let propose = [("form", "proposal_new"), ("measure_kind", "area_ban"), ("reason", "Zoekt haar op bij haar werk")];
    let response = probation.post_form(&format!("{measures}/proposals"), &propose).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], format!("{measures}#proposals").as_str(), "back at the proposals");
    let before = probation.get("/notifications").await.text().await.unwrap();
    assert!(!before.contains("heeft het voorstel"), "nothing answered yet: {before}");

    let html = mayor.get(&measures).await.text().await.unwrap();
    let proposal = input_value(&html, "proposal");
    let declined = [
        ("form", "proposal_answer"),
        ("proposal", proposal.as_str()),
        ("outcome", "declined"),
        ("reason", "Eerst een gedragsaanwijzing via de officier"),
    ];
    let response = mayor.post_form(&format!("{measures}/proposals/answer"), &declined).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], format!("{measures}#proposals").as_str());

    // The proposing agency is told, in words, with the note; the link opens the proposals.
    let told = probation.get("/notifications").await.text().await.unwrap();
    assert!(
        told.contains("De gemeente heeft het voorstel voor")
            && told.contains("(Gebiedsverbod): Afgewezen.")
            && told.contains("Toelichting: ‘Eerst een gedragsaanwijzing via de officier’."),
        "{told}"
    );
    assert!(told.contains(&format!("href=\"{measures}#proposals\"")), "{told}");
    assert!(!told.contains("area_ban") && !told.contains("declined"), "no codes: {told}");
    // Only the proposer's agency: the municipality is not told of its own answer.
    let theirs = mayor.get("/notifications").await.text().await.unwrap();
    assert!(!theirs.contains("heeft het voorstel"), "{theirs}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_provider_sees_who_referred_and_the_referrer_reads_each_change_in_words() {
    let app = crate::support::app().in_english().sqlite().await;
    let team = referral_team(&app).await;
    let (manager, worker, person) = (&team.manager, &team.worker, team.person);
    // The process manager drafts the plan and refers from it: the referral puts its task there.
    team.draft_plan(manager).await;
    let body = json!({"person_id": person.to_string(), "intervention_id": team.entry});
    let (status, referral) = api_call(manager, Method::POST, "/api/v1/referrals", Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{referral}");
    let id = referral["id"].as_str().unwrap().to_string();

    // The provider sees who referred: the member and the agency, someone to call.
    let page = worker.get(&format!("/referrals/{id}")).await.text().await.unwrap();
    assert!(page.contains("<dt>Referred by</dt><dd>noor (test) (Zorg- en Veiligheidshuis Utrecht)</dd>"), "{page}");

    // Accepted, started, a session recorded, ended early: the referrer reads each in words.
    let changes = format!("/api/v1/referrals/{id}/changes");
    for change in [
        json!({"action": "accept"}),
        json!({"action": "start"}),
        json!({"action": "attendance", "attended": "yes", "date": "2026-11-22"}),
        json!({"action": "end_early", "reason": "did_not_attend"}),
    ] {
        let (status, body) = api_call(worker, Method::POST, &changes, Some(change.clone())).await;
        assert_eq!(status, StatusCode::OK, "{change}: {body}");
    }
    let told = manager.get("/notifications").await.text().await.unwrap();
    assert!(told.contains("“Minder drinken” changed: Accepted."), "{told}");
    assert!(told.contains("“Minder drinken” changed: attendance was recorded."), "{told}");
    assert!(told.contains("ended “Minder drinken” (Ended early)."), "{told}");
    for code in [": accepted", "(ended_early)", ": attendance.", "[?]"] {
        assert!(!told.contains(code), "no code {code}: {told}");
    }
}

#[tokio::test]
async fn the_triage_list_is_four_columns_that_become_cards() {
    let app = spawn_app().await;
    let house = app.agency("Zorg- en Veiligheidshuis Utrecht", AgencyKind::SafetyHouse).await;
    let manager = app.member(&house, "noor", &[Role::ProcessManager]).await;
    let (_, officer) = app.probation_officer().await;
    let person = app.person_on_team(&officer, "Hoekstra", "111222333", &[&house]).await;
    let probation = app.session_for(&officer).await;
    let house_id = house.id.to_string();
    let request = [
        ("reason", "Overlast, schulden en drank"),
        ("goal", "Eén plan met zorg en toezicht"),
        ("invited", house_id.as_str()),
    ];
    let response = probation.post_form(&format!("/people/{person}/conference"), &request).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{}", response.text().await.unwrap());
    let html = app.session_for(&manager).await.get("/triage").await.text().await.unwrap();
    assert!(html.contains("<div class=\"width width-wide\">"), "the wide page");
    assert!(html.contains("<table class=\"table triage-table\">"), "{html}");
    let head = &html[html.find("<thead>").unwrap()..html.find("</thead>").unwrap()];
    assert_eq!(head.matches("<th scope=\"col\"").count(), 4, "four columns: {head}");
    // The goal and the partners read under the reason; each cell labelled for the cards.
    let row = &html[html.find("<tbody>").unwrap()..];
    assert!(row.contains("<strong>Doel:</strong> Eén plan met zorg en toezicht"), "{row}");
    assert!(row.contains("data-label=\"Reden\"") && row.contains("data-label=\"Status\""), "{row}");
    assert!(row.contains("<th scope=\"row\" class=\"triage-person\">"), "the person heads the row: {row}");
}
