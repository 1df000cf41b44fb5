//! Groups, cohorts and the ZSM board in the JSON API (issue 18, the whole API): a partner
//! system forms a group and changes its members, reads a cohort with why each person is in and
//! selects someone with a reason, and reads the board as data — each through the pages' use
//! cases, with bad input named field by field and role refusals audited.

use crate::support;
use crate::support::extracts::{extract, import};
use crate::support::spawn_app;
use crate::support::zsm::{register, table};
use domain::access::Role;
use domain::directory::AgencyKind;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map_or_else(Vec::new, |errors| errors.iter().filter_map(|e| e["field"].as_str().map(str::to_owned)).collect())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_is_formed_read_and_changed_over_the_api() {
    let app = spawn_app().await;
    let house = app.agency("Zorg- en Veiligheidshuis", AgencyKind::SafetyHouse).await;
    let police = app.agency("Politie Amsterdam", AgencyKind::Police).await;
    let manager = app.member(&house, "noor", &[Role::ProcessManager]).await;
    let constable = app.member(&police, "kees", &[Role::PoliceOfficer]).await;
    let young = app.person(&manager, "Bouzid", &support::valid_bsn(11)).await.to_string();
    let pm = app.session_for(&manager).await;
    let other = app.session_for(&constable).await;

    // Forming: every field named at once; the police may not (audited); then 201.
    let empty = pm.api(Method::POST, "/api/v1/groups", Some(json!({"name": " ", "area": ""}))).await;
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let named = fields(&empty.json().await.unwrap());
    assert!(named.contains(&"name".to_string()), "{named:?}");
    let refused = other.api(Method::POST, "/api/v1/groups", Some(json!({"name": "Slotermeer", "area": "West"}))).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.count("audit_log WHERE action = 'denied' AND what = 'group: form'").await, 1);
    let formed =
        pm.api(Method::POST, "/api/v1/groups", Some(json!({"name": "Slotermeer", "area": "Nieuw-West"}))).await;
    assert_eq!(formed.status(), StatusCode::CREATED);
    let group: Value = formed.json().await.unwrap();
    let id = group["id"].as_str().unwrap().to_string();
    let listed: Value = pm.api(Method::GET, "/api/v1/groups", None).await.json().await.unwrap();
    assert_eq!(listed["groups"][0]["name"], "Slotermeer");
    assert_eq!(other.api(Method::GET, "/api/v1/groups", None).await.status(), StatusCode::FORBIDDEN);

    // Changing members: a wrong class is named; add, reclassify, remove (a reason needed).
    let changes = format!("/api/v1/groups/{id}/changes");
    let bad = pm.api(Method::POST, &changes, Some(json!({"action": "add", "person": young, "class": "leider"}))).await;
    assert_eq!(fields(&bad.json().await.unwrap()), ["class"]);
    let added = pm.api(Method::POST, &changes, Some(json!({"action": "add", "person": young, "class": "core"}))).await;
    assert_eq!(added.status(), StatusCode::OK);
    let added: Value = added.json().await.unwrap();
    assert_eq!(
        (added["members"][0]["person_id"].as_str(), added["members"][0]["class"].as_str()),
        (Some(&*young), Some("core"))
    );
    let moved = pm
        .api(Method::POST, &changes, Some(json!({"action": "reclassify", "person": young, "class": "follower"})))
        .await;
    assert_eq!(moved.json::<Value>().await.unwrap()["members"][0]["class"], "follower");
    let no_reason =
        pm.api(Method::POST, &changes, Some(json!({"action": "remove", "person": young, "reason": ""}))).await;
    assert_eq!(fields(&no_reason.json().await.unwrap()), ["reason"]);
    let denied =
        other.api(Method::POST, &changes, Some(json!({"action": "remove", "person": young, "reason": "moved"}))).await;
    assert_eq!(denied.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.count("audit_log WHERE action = 'denied' AND what = 'group: change members'").await, 1);
    let removed =
        pm.api(Method::POST, &changes, Some(json!({"action": "remove", "person": young, "reason": "moved"}))).await;
    assert_eq!(removed.status(), StatusCode::OK);
    assert!(removed.json::<Value>().await.unwrap()["members"].as_array().unwrap().is_empty());
    let read: Value = pm.api(Method::GET, &format!("/api/v1/groups/{id}"), None).await.json().await.unwrap();
    assert_eq!(read["name"], "Slotermeer");
    assert_eq!(pm.api(Method::GET, "/api/v1/groups/not-a-group", None).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cohort_is_read_with_reasons_and_decided_over_the_api() {
    let app = spawn_app().await;
    let house = app.agency("Zorg- en Veiligheidshuis", AgencyKind::SafetyHouse).await;
    let probation = app.agency("Reclassering", AgencyKind::Probation).await;
    let manager = app.member(&house, "procesregisseur", &[Role::ProcessManager]).await;
    let officer = app.member(&probation, "reclasseerder", &[Role::ProbationOfficer]).await;
    let bsn = support::valid_bsn(8);
    app.person(&officer, "Geselecteerd", &bsn).await;
    import(&app.store, &extract(&format!("{bsn},1984-03-12,M,North\n"), "", ""), "test").await;
    let pm = app.session_for(&manager).await;
    let other = app.session_for(&officer).await;

    let rules: Value = pm.api(Method::GET, "/api/v1/cohorts", None).await.json().await.unwrap();
    assert!(rules["rules"].as_array().unwrap().iter().any(|r| r["name"] == "ew-iom"), "{rules}");
    let before: Value = pm.api(Method::GET, "/api/v1/cohorts/ew-iom", None).await.json().await.unwrap();
    assert!(!before.to_string().contains(&bsn), "not in the cohort by the rule: {before}");

    // Every field wrong at once, named as this call names them; nothing saved.
    let decisions = "/api/v1/cohorts/ew-iom/decisions";
    let bad = pm.api(Method::POST, decisions, Some(json!({"person": "", "reason": " "}))).await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let mut named = fields(&bad.json().await.unwrap());
    named.sort();
    assert_eq!(named, ["change", "person", "reason"]);
    let unknown = pm.api(Method::POST, "/api/v1/cohorts/no-such-rule/decisions", Some(json!({}))).await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    // Another role is refused, and the refusal audited.
    let decision = json!({"person": bsn, "change": "select", "reason": "Police intelligence: a new threat"});
    assert_eq!(other.api(Method::POST, decisions, Some(decision.clone())).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(other.api(Method::GET, "/api/v1/cohorts/ew-iom", None).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.count("audit_log WHERE what LIKE 'cohort ew-iom: %' AND action = 'denied'").await, 2);
    assert_eq!(app.count("evidence_cohort_override").await, 0);

    let done = pm.api(Method::POST, decisions, Some(decision)).await;
    assert_eq!(done.status(), StatusCode::CREATED);
    let after: Value = pm.api(Method::GET, "/api/v1/cohorts/ew-iom", None).await.json().await.unwrap();
    let member = after["members"].as_array().unwrap().iter().find(|m| m["person"] == bsn.as_str()).unwrap().clone();
    assert_eq!(member["why"], "selected");
    assert_eq!(member["decision"]["reason"], "Police intelligence: a new threat");
    assert_eq!(app.count("audit_log WHERE what = 'cohort ew-iom: decision' AND action = 'create'").await, 1);
}

#[tokio::test]
async fn the_zsm_board_reads_as_data_with_clocks_and_partner_states() {
    let table = table().await;
    let case = register(&table, "Jansen", "").await;
    let board = table.prosecutor.api(Method::GET, "/api/v1/zsm/zsm-utrecht/board", None).await;
    assert_eq!(board.status(), StatusCode::OK);
    let board: Value = board.json().await.unwrap();
    assert_eq!(
        (board["location"]["pack"].as_str(), board["location"]["time_zone"].as_str()),
        (Some("nl"), Some("Europe/Amsterdam"))
    );
    let open = board["open"].as_array().unwrap();
    let row = open.iter().find(|c| c["id"] == case.as_str()).expect("the case is on the board");
    assert_eq!(row["suspect_name"], "Sam Jansen");
    let clock = &row["clocks"][0];
    assert!(clock["deadline"].is_string() && clock["remaining_seconds"].as_i64().unwrap() > 0, "{row}");
    assert!(["none", "near", "overdue"].contains(&clock["warning"].as_str().unwrap()));
    assert!(row["partners"].as_array().unwrap().iter().any(|p| p["partner"] == "police"), "{row}");
    // A lawyer sees only their own clients' cases (none here); an unknown location is 404.
    let lawyer: Value =
        table.lawyer.api(Method::GET, "/api/v1/zsm/zsm-utrecht/board", None).await.json().await.unwrap();
    assert!(lawyer["open"].as_array().unwrap().is_empty(), "{lawyer}");
    assert_eq!(
        table.prosecutor.api(Method::GET, "/api/v1/zsm/nowhere/board", None).await.status(),
        StatusCode::NOT_FOUND
    );
}
