//! Issue 18, the whole API: a ZSM case walked through the JSON API alone, as the roles at the
//! table would from their own systems, on SQLite and PostgreSQL. The police system registers
//! the case finding the suspect by BSN; the lawyer is recorded and writes the consultation
//! (art. 257c Sv); probation's quick scan refers the suspect beyond the case and probation
//! sees the referral on its list; the prosecutor orders custody, extends it, decides and
//! amends; the decision record, obligations and metrics read as data. Refusals are the page's:
//! 403 (audited), 409 on a stale case version, 422 problem JSON naming the field.

use crate::support::api_call;
use crate::support::zsm::{Table, suspect, table, table_on_app, zsm_app};
use domain::people::IdentifierInput;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn intake(location: &str, identifier: Value, arrested: &str, arrived: &str, lawyer: &str) -> Value {
    json!({
        "location": location,
        "suspect_identifier": identifier,
        "arrested_at": arrested,
        "arrived_at": arrived,
        "offences": [{"offence_type": "winkeldiefstal", "committed_on": "2026-11-22", "place": "Utrecht, Hoog Catharijne",
            "description": "Drie flessen sterke drank", "pretrial_detention_allowed": true}],
        "victims": [{"description": "Mevrouw Geheim, caissière"}],
        "police_report_summary": "Aangehouden door de winkeldetective",
        "lawyer_id": lawyer,
    })
}

fn clock<'a>(case: &'a Value, code: &str) -> &'a Value {
    case["clocks"].as_array().unwrap().iter().find(|c| c["code"] == code).unwrap_or_else(|| panic!("{code}: {case}"))
}

fn fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map_or_else(Vec::new, |e| e.iter().map(|e| e["field"].as_str().unwrap().to_string()).collect())
}

async fn journey(t: Table) {
    let bsn = crate::support::valid_bsn(41);
    let person =
        suspect(&t.app, &t.police_actor, "Api", vec![IdentifierInput { kind: "bsn".into(), value: bsn.clone() }]).await;

    // The locations, with their pack and time zone.
    let (status, locations) = api_call(&t.police, Method::GET, "/api/v1/zsm/locations", None).await;
    assert_eq!(status, StatusCode::OK);
    let utrecht = locations.as_array().unwrap().iter().find(|l| l["code"] == "zsm-utrecht").unwrap();
    assert_eq!((utrecht["pack"].as_str(), utrecht["time_zone"].as_str()), (Some("nl"), Some("Europe/Amsterdam")));

    // Intake from a police system: refused naming every field (an identifier nobody holds, an
    // arrival before the arrest); only the police register.
    let lawyer = t.lawyer_actor.member_id.to_string();
    let wrong = intake(
        "zsm-utrecht",
        json!({"kind": "bsn", "value": crate::support::valid_bsn(42)}),
        "2026-11-22T08:30",
        "2026-11-22T08:00",
        &lawyer,
    );
    let (status, problem) = api_call(&t.police, Method::POST, "/api/v1/zsm/cases", Some(wrong)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert!(fields(&problem).contains(&"suspect_identifier".to_string()), "{problem}");
    let good = intake(
        "zsm-utrecht",
        json!({"kind": "bsn", "value": bsn}),
        "2026-11-22T07:30:00Z",
        "2026-11-22T08:45",
        &lawyer,
    );
    let (status, _) = api_call(&t.probation, Method::POST, "/api/v1/zsm/cases", Some(good.clone())).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let response = t.police.api(Method::POST, "/api/v1/zsm/cases", Some(good)).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let case: Value = response.json().await.unwrap();
    let id = case["id"].as_str().unwrap().to_string();
    assert_eq!(location, format!("/api/v1/zsm/cases/{id}"));
    assert_eq!(case["suspect"]["id"], person.to_string(), "found by the BSN");
    assert_eq!(case["status"], "registered");
    assert_eq!(case["arrested_at"], "2026-11-22T07:30:00Z", "an RFC 3339 instant is taken as it is");
    assert_eq!(case["lawyer"]["id"], lawyer);
    assert_eq!(clock(&case, "ophouden_voor_onderzoek")["status"], "running");
    let path = |rest: &str| format!("/api/v1/zsm/cases/{id}{rest}");

    // The lawyer reads the case without the victims; the police read it with them.
    let (status, as_lawyer) = api_call(&t.lawyer, Method::GET, &path(""), None).await;
    assert_eq!(status, StatusCode::OK, "{as_lawyer}");
    assert_eq!(
        (as_lawyer["victims_hidden"].as_bool(), as_lawyer["victims"].as_array().unwrap().len()),
        (Some(true), 0)
    );
    assert_eq!(as_lawyer["actions"]["sections"], json!(["defence_lawyer"]));
    let (_, as_police) = api_call(&t.police, Method::GET, &path(""), None).await;
    assert_eq!(as_police["victims"][0]["description"], "Mevrouw Geheim, caissière");
    assert!(as_police["prior_record"].is_object(), "the police have need-to-know of the prior record");
    // Someone else's lawyer is refused (and the refusal audited).
    let (status, _) = api_call(&t.other_lawyer, Method::GET, &path(""), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The prosecutor orders custody: a time before the arrest is refused naming the field; in
    // time it starts and the hold stops. A stale case version is a 409.
    let (_, case) = api_call(&t.prosecutor, Method::GET, &path(""), None).await;
    let version = case["version"].as_i64().unwrap();
    assert_eq!(case["orders_available"][0]["clock"], "inverzekeringstelling", "{case}");
    let order = path("/clocks/inverzekeringstelling/order");
    let early = json!({"ordered_at": "2026-11-22T07:00", "basis": "onderzoek", "version": version});
    let (status, problem) = api_call(&t.prosecutor, Method::POST, &order, Some(early)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    let unversioned = json!({"ordered_at": "2026-11-22T10:45", "basis": "onderzoek"});
    let (status, problem) = api_call(&t.prosecutor, Method::POST, &order, Some(unversioned)).await;
    assert_eq!((status, fields(&problem)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["version".to_string()]));
    let (status, _) = api_call(
        &t.probation,
        Method::POST,
        &order,
        Some(json!({"ordered_at": "2026-11-22T10:45", "basis": "x", "version": version})),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "probation holds no office");
    let given =
        json!({"ordered_at": "2026-11-22T10:45", "basis": "in het belang van het onderzoek", "version": version});
    let (status, case) = api_call(&t.prosecutor, Method::POST, &order, Some(given.clone())).await;
    assert_eq!(status, StatusCode::OK, "{case}");
    assert_eq!(clock(&case, "inverzekeringstelling")["deadline"], "2026-11-25T09:45:00Z", "three days (art. 58 Sv)");
    assert_eq!(clock(&case, "ophouden_voor_onderzoek")["status"], "stopped");
    let (status, _) = api_call(&t.prosecutor, Method::POST, &order, Some(given)).await;
    assert_eq!(status, StatusCode::CONFLICT, "made on a version that is gone");
    let version = case["version"].as_i64().unwrap();
    let extensions = path("/clocks/inverzekeringstelling/extensions");
    assert_eq!(clock(&case, "inverzekeringstelling")["extensions_available"][0]["code"], "verlenging");
    let extend = json!({"extension": "verlenging", "basis": "dringend noodzakelijk", "version": version});
    let (status, case) = api_call(&t.prosecutor, Method::POST, &extensions, Some(extend)).await;
    assert_eq!(status, StatusCode::OK, "{case}");
    assert_eq!(clock(&case, "inverzekeringstelling")["deadline"], "2026-11-28T09:45:00Z");
    let version = case["version"].as_i64().unwrap();
    let (status, problem) = api_call(
        &t.prosecutor,
        Method::POST,
        &extensions,
        Some(json!({"extension": "verlenging", "basis": "nogmaals", "version": version})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "granted once only: {problem}");

    // Probation's quick scan refers the suspect beyond the case; probation sees it waiting.
    let scan = json!({"state": "done", "advice": "screening_advised", "signals": {"debt": "Schulden"}});
    let (status, _) = api_call(&t.probation, Method::POST, &path("/contributions/probation"), Some(scan)).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, waiting) = api_call(&t.probation, Method::GET, "/api/v1/screenings/waiting", None).await;
    assert_eq!(status, StatusCode::OK, "{waiting}");
    let line =
        waiting["persons"].as_array().unwrap().iter().find(|p| p["person_id"] == person.to_string()).expect("referred");
    assert_eq!(
        (line["referrals"][0]["reason"].as_str(), line["referrals"][0]["case_id"].as_str()),
        (Some("quick_scan"), Some(id.as_str()))
    );
    assert_eq!(line["referrals"][0]["signals"][0]["domain"], "debt");

    // The penalty order waits for the lawyer (art. 257c Sv): no reason bypasses it.
    let (_, case) = api_call(&t.prosecutor, Method::GET, &path(""), None).await;
    let decision = |version: i64, override_reason: &str| {
        json!({"disposal": "penalty_order", "parameters": {"community_service_hours": "40"},
        "reasoning": "Taakstraf passend", "override_reason": override_reason, "version": version})
    };
    let (status, problem) = api_call(
        &t.prosecutor,
        Method::POST,
        &path("/decision"),
        Some(decision(case["version"].as_i64().unwrap(), "Kan niet wachten")),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert!(problem.to_string().contains("257c"), "{problem}");
    let consult = json!({"state": "done", "consulted_at": "2026-11-22T10:30", "mode": "phone", "lawyer_advice": "Accepteren",
        "settlement_consequences_explained": true, "suspect_position": "Bekent", "shared_with_prosecutor": true});
    let (status, section) =
        api_call(&t.lawyer, Method::POST, &path("/contributions/defence_lawyer"), Some(consult)).await;
    assert_eq!(status, StatusCode::CREATED, "{section}");
    let (status, _) =
        api_call(&t.police, Method::POST, &path("/decision"), Some(decision(case["version"].as_i64().unwrap(), "")))
            .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only the prosecutor decides");
    let (_, case) = api_call(&t.prosecutor, Method::GET, &path(""), None).await;
    assert!(case["actions"]["decide"].as_bool().unwrap());
    let (status, case) = api_call(
        &t.prosecutor,
        Method::POST,
        &path("/decision"),
        Some(decision(case["version"].as_i64().unwrap(), "")),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{case}");
    assert_eq!(
        (case["status"].as_str(), case["decision"]["disposal"].as_str()),
        (Some("decided"), Some("penalty_order"))
    );
    assert_eq!(case["decision"]["parameters"]["community_service_hours"], "40");
    assert_eq!(case["record"], format!("/zsm/cases/{id}/record"));

    // The decision record as data, with the consultation and the printable record's link.
    let (status, record) = api_call(&t.prosecutor, Method::GET, &path("/record"), None).await;
    assert_eq!(status, StatusCode::OK, "{record}");
    assert_eq!(record["consultation"]["mode"], "phone");
    assert_eq!(record["consultation"]["consequences_explained"], true);
    assert_eq!(record["suspect_identifiers"][0]["value"], bsn);
    assert_eq!(record["printable"], format!("/zsm/cases/{id}/record"));
    assert_eq!(t.prosecutor.get(record["printable"].as_str().unwrap()).await.status(), StatusCode::OK);

    // An amendment keeps the old decision with the reason; without a reason it is refused.
    let version = case["version"].as_i64().unwrap();
    let amended = |reason: &str| {
        json!({"decision": {"disposal": "penalty_order", "parameters": {"community_service_hours": "30"},
        "reasoning": "Minder uren"}, "reason": reason, "version": version})
    };
    let (status, problem) = api_call(&t.prosecutor, Method::POST, &path("/amendments"), Some(amended(""))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    let (status, case) = api_call(&t.prosecutor, Method::POST, &path("/amendments"), Some(amended("Rekenfout"))).await;
    assert_eq!(status, StatusCode::OK, "{case}");
    assert_eq!(case["amendments"][0]["reason"], "Rekenfout");
    assert_eq!(case["amendments"][0]["previous"]["parameters"]["community_service_hours"], "40");
    assert_eq!(case["decision"]["parameters"]["community_service_hours"], "30");

    // The metrics as data; a period that does not read names the field.
    let (status, metrics) = api_call(&t.prosecutor, Method::GET, "/api/v1/zsm/zsm-utrecht/metrics", None).await;
    assert_eq!(status, StatusCode::OK, "{metrics}");
    assert_eq!((metrics["cases"].as_u64(), metrics["decided"].as_u64()), (Some(1), Some(1)));
    let (status, problem) =
        api_call(&t.prosecutor, Method::GET, "/api/v1/zsm/zsm-utrecht/metrics?from=gisteren", None).await;
    assert_eq!((status, fields(&problem)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["from".to_string()]));
}

/// A second case decided with obligations: the monitoring agency lists them and records a
/// breach; the prosecutor keeps the decision for a reason. Custody ordered after the hold ran
/// out is refused; the referral without a decision.
async fn obligations_and_overrun(t: Table) {
    let bsn = crate::support::valid_bsn(43);
    suspect(&t.app, &t.police_actor, "Plicht", vec![IdentifierInput { kind: "bsn".into(), value: bsn.clone() }]).await;
    let lawyer = t.lawyer_actor.member_id.to_string();
    let new =
        intake("zsm-utrecht", json!({"kind": "bsn", "value": bsn}), "2026-11-22T08:30", "2026-11-22T08:45", &lawyer);
    let (status, case) = api_call(&t.police, Method::POST, "/api/v1/zsm/cases", Some(new)).await;
    assert_eq!(status, StatusCode::CREATED, "{case}");
    let id = case["id"].as_str().unwrap().to_string();
    let path = |rest: &str| format!("/api/v1/zsm/cases/{id}{rest}");
    let consult = json!({"state": "done", "consulted_at": "2026-11-22T10:30", "mode": "phone", "settlement_consequences_explained": true});
    let (status, _) = api_call(&t.lawyer, Method::POST, &path("/contributions/defence_lawyer"), Some(consult)).await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, case) = api_call(&t.prosecutor, Method::GET, &path(""), None).await;
    let decision = json!({"disposal": "penalty_order", "parameters": {"fine_cents": "150"},
        "obligations": [{"kind": "area_ban", "starts_on": "2026-11-23", "ends_on": "2027-02-22", "details": "Binnenstad"}],
        "reasoning": "Gebiedsverbod", "version": case["version"]});
    let (status, case) = api_call(&t.prosecutor, Method::POST, &path("/decision"), Some(decision)).await;
    assert_eq!(status, StatusCode::OK, "{case}");
    let (status, list) = api_call(&t.police, Method::GET, "/api/v1/zsm/zsm-utrecht/obligations", None).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let line = list.as_array().unwrap().iter().find(|l| l["case"] == id.as_str()).expect("listed");
    assert_eq!(line["obligation"]["kind"], "area_ban");
    let breach = json!({"obligation": line["obligation"]["id"], "observed_on": "2026-11-22", "description": "Gezien", "version": line["case_version"]});
    let (status, problem) = api_call(&t.police, Method::POST, &path("/breaches"), Some(breach)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "before the ban starts: {problem}");
    t.app.clock.advance(jiff::SignedDuration::from_hours(24 * 2));
    // Two days on, the sessions of the morning have expired: each system signs in again.
    let (police, prosecutor) = (t.app.sign_in("police").await, t.app.sign_in("prosecutor").await);
    let breach = json!({"obligation": line["obligation"]["id"], "observed_on": "2026-11-23", "description": "Gezien in de binnenstad", "version": line["case_version"]});
    let (status, case) = api_call(&police, Method::POST, &path("/breaches"), Some(breach)).await;
    assert_eq!(status, StatusCode::OK, "{case}");
    assert_eq!(case["status"], "returned");
    let keep = json!({"reason": "Eenmalig", "version": case["version"]});
    let (status, _) = api_call(&police, Method::POST, &path("/maintain"), Some(keep.clone())).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, case) = api_call(&prosecutor, Method::POST, &path("/maintain"), Some(keep)).await;
    assert_eq!(status, StatusCode::OK, "{case}");
    assert_eq!(case["breaches"][0]["resolution"], "maintained");

    // Arrested 21:00 on the evening before the clock's day; it is now two days later, so the
    // hold ran out: custody ordered now is refused (art. 57 Sv).
    let bsn = crate::support::valid_bsn(44);
    suspect(&t.app, &t.police_actor, "Laat", vec![IdentifierInput { kind: "bsn".into(), value: bsn.clone() }]).await;
    let new = intake("zsm-utrecht", json!({"kind": "bsn", "value": bsn}), "2026-11-24T01:00", "2026-11-24T01:15", "");
    let (status, late) = api_call(&police, Method::POST, "/api/v1/zsm/cases", Some(new)).await;
    assert_eq!(status, StatusCode::CREATED, "{late}");
    let late_id = late["id"].as_str().unwrap().to_string();
    t.app.clock.advance(jiff::SignedDuration::from_hours(18));
    let prosecutor = t.app.sign_in("prosecutor").await;
    let order = json!({"ordered_at": t.app.now().to_string(), "basis": "onderzoek", "version": late["version"]});
    let (status, problem) = api_call(
        &prosecutor,
        Method::POST,
        &format!("/api/v1/zsm/cases/{late_id}/clocks/inverzekeringstelling/order"),
        Some(order),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "after the hold ended: {problem}");
    // Referred without a decision instead.
    let refer = json!({"destination": "regular_procedure", "reason": "Heengezonden, verder onderzoek", "version": late["version"]});
    let (status, referred) =
        api_call(&prosecutor, Method::POST, &format!("/api/v1/zsm/cases/{late_id}/refer"), Some(refer)).await;
    assert_eq!(status, StatusCode::OK, "{referred}");
    assert_eq!(
        (referred["status"].as_str(), referred["referral"]["destination"].as_str()),
        (Some("referred"), Some("regular_procedure"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_case_walks_through_the_api_on_sqlite() {
    journey(table().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_case_walks_through_the_api_on_postgres() {
    let Some(app) = zsm_app(crate::support::zsm::NOW).postgres().await else { return };
    journey(table_on_app(app).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn obligations_breaches_and_late_orders_through_the_api() {
    obligations_and_overrun(table().await).await;
}

/// Every ZSM operation is in the OpenAPI document, and no two operations anywhere share an
/// `operationId` (generated clients name their methods by it).
#[tokio::test]
async fn the_zsm_operations_are_documented_with_unique_operation_ids() {
    let app = crate::support::spawn_app().await;
    let doc: Value = app.anonymous().get("/api/openapi.json").await.json().await.unwrap();
    let paths = doc["paths"].as_object().unwrap();
    for (path, method) in [
        ("/api/v1/zsm/locations", "get"),
        ("/api/v1/zsm/cases", "post"),
        ("/api/v1/zsm/cases/{id}", "get"),
        ("/api/v1/zsm/cases/{id}/clocks/{clock}/extensions", "post"),
        ("/api/v1/zsm/cases/{id}/clocks/{clock}/order", "post"),
        ("/api/v1/zsm/cases/{id}/lawyer", "post"),
        ("/api/v1/zsm/cases/{id}/refer", "post"),
        ("/api/v1/zsm/cases/{id}/decision", "post"),
        ("/api/v1/zsm/cases/{id}/amendments", "post"),
        ("/api/v1/zsm/cases/{id}/breaches", "post"),
        ("/api/v1/zsm/cases/{id}/maintain", "post"),
        ("/api/v1/zsm/cases/{id}/record", "get"),
        ("/api/v1/zsm/cases/{id}/contributions/{partner}", "post"),
        ("/api/v1/zsm/{location}/obligations", "get"),
        ("/api/v1/zsm/{location}/metrics", "get"),
        ("/api/v1/zsm/{location}/board", "get"),
        ("/api/v1/screenings/waiting", "get"),
    ] {
        let operation = &paths[path][method];
        assert!(operation.is_object(), "{method} {path} is documented");
        for (status, response) in operation["responses"].as_object().unwrap() {
            assert!(response["description"].is_string(), "{method} {path} {status} has a description");
        }
    }
    let mut seen = std::collections::BTreeMap::new();
    for (path, item) in paths {
        for (method, operation) in item.as_object().unwrap() {
            if let Some(id) = operation["operationId"].as_str()
                && let Some(other) = seen.insert(id.to_string(), format!("{method} {path}"))
            {
                panic!("operationId {id} is used by {other} and {method} {path}");
            }
        }
    }
}
