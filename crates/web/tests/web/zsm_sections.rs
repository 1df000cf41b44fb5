//! Issue 17 item 1: partners at the ZSM table work in parallel without losing work, on SQLite
//! and PostgreSQL. Victim support, the lawyer and the police save their own sections of one
//! case at the same moment and all three are saved; a save on a section someone else saved
//! meanwhile comes back 409 with what was typed kept and the other change shown beside it; a
//! refused form (422) keeps what was typed. The same over the API
//! (`POST /api/v1/zsm/cases/{id}/contributions/{partner}`), where 403 and 404 are audited.

use crate::support::zsm::{Table, register, table, table_on_app, zsm_app};
use crate::support::{api_call, input_value};
use reqwest::{Method, StatusCode};
use serde_json::json;

/// The version of a partner's section as its form carries it.
async fn section_version(client: &crate::support::Client, case: &str, partner: &str) -> String {
    let page = client.visit(&format!("/zsm/cases/{case}")).await;
    let form = page.body.split(&format!("/contributions/{partner}\"")).nth(1).expect("the section's form");
    input_value(form, "section_version")
}

async fn journey(t: Table) {
    let lawyer_id = t.lawyer_actor.member_id.to_string();
    let case = register(&t, "Parallel", &lawyer_id).await;
    let path = |partner: &str| format!("/zsm/cases/{case}/contributions/{partner}");

    // Three partners opened the case; each saves their own section at the same time.
    let (victim_v, lawyer_v, police_v) = (
        section_version(&t.victim_support, &case, "victim_support").await,
        section_version(&t.lawyer, &case, "defence_lawyer").await,
        section_version(&t.police, &case, "police").await,
    );
    let (victim_path, lawyer_path, police_path) = (path("victim_support"), path("defence_lawyer"), path("police"));
    let victim_fields = [
        ("section_version", victim_v.as_str()),
        ("state", "in_progress"),
        ("interests", "Wil de schade vergoed zien"),
        ("damages_claim", "45,90"),
    ];
    let lawyer_fields = [
        ("section_version", lawyer_v.as_str()),
        ("state", "in_progress"),
        ("consulted_at", "2026-11-22T10:30"),
        ("mode", "phone"),
        ("lawyer_advice", "Eerst dossier inzien"),
    ];
    let police_fields =
        [("section_version", police_v.as_str()), ("state", "done"), ("additional_information", "Camerabeelden")];
    let (victim, lawyer, police) = tokio::join!(
        t.victim_support.submit(&victim_path, &victim_fields),
        t.lawyer.submit(&lawyer_path, &lawyer_fields),
        t.police.submit(&police_path, &police_fields),
    );
    for (who, page) in [("victim support", &victim), ("lawyer", &lawyer), ("police", &police)] {
        assert_eq!(page.status, 200, "{who}'s section saved beside the others: {}", page.body);
        assert_eq!(page.url, format!("/zsm/cases/{case}"));
    }
    let page = t.police.visit(&format!("/zsm/cases/{case}")).await;
    assert!(page.body.contains("Camerabeelden"));
    let page = t.victim_support.visit(&format!("/zsm/cases/{case}")).await;
    assert!(page.body.contains("Wil de schade vergoed zien"), "victim support's own work is there");

    // Victim support saves again on the version it opened: someone (itself, in another tab)
    // saved the section meanwhile. 409; the typed text is kept, the saved one shown above.
    let stale = t
        .victim_support
        .submit(
            &victim_path,
            &[
                ("section_version", victim_v.as_str()),
                ("state", "done"),
                ("interests", "Getypt in het tweede tabblad"),
                ("damages_claim", "12,00"),
            ],
        )
        .await;
    assert_eq!(stale.status, 409, "{}", stale.body);
    assert!(stale.body.contains("Getypt in het tweede tabblad"), "what was typed is kept");
    assert!(stale.body.contains("Wil de schade vergoed zien"), "the other change is shown beside it");
    assert!(stale.body.contains("saved this section at 2026-11-22 11:00"), "who saved it and when");
    // The form now carries the section's current version: saving again is a knowing overwrite.
    let form = stale.body.split("/contributions/victim_support\"").nth(1).unwrap();
    let again = input_value(form, "section_version");
    assert_ne!(again, victim_v);
    let saved = t
        .victim_support
        .submit(
            &victim_path,
            &[
                ("section_version", again.as_str()),
                ("state", "done"),
                ("interests", "Samengevoegd"),
                ("damages_claim", "12,00"),
            ],
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.body);

    // A refused form (422) keeps what was typed, too.
    let now = section_version(&t.victim_support, &case, "victim_support").await;
    let bad = t
        .victim_support
        .submit(
            &victim_path,
            &[
                ("section_version", now.as_str()),
                ("state", "done"),
                ("interests", "Nog niet weg"),
                ("damages_claim", "-5"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(bad.body.contains("Nog niet weg") && bad.body.contains("value=\"-5\""), "the typed form is kept");

    // The API: a probation officer records the quick scan (201), then again (200); a save on
    // an older version of the section is a 409 problem naming who saved it.
    let api_path = format!("/api/v1/zsm/cases/{case}/contributions/probation");
    let scan = json!({"state": "in_progress", "advice": "screening_advised", "signals": {"debt": "huurachterstand"}});
    let (status, first) = api_call(&t.probation, Method::POST, &api_path, Some(scan.clone())).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let seen = first["version"].as_i64().unwrap();
    assert_eq!(first["partner"], "probation");
    let mut update = scan.clone();
    update["seen_version"] = json!(seen);
    update["state"] = json!("done");
    let (status, second) = api_call(&t.probation, Method::POST, &api_path, Some(update.clone())).await;
    assert_eq!((status, second["version"].as_i64()), (StatusCode::OK, Some(seen + 1)), "{second}");
    let (status, problem) = api_call(&t.probation, Method::POST, &api_path, Some(update)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "section_conflict");
    // The police may not write probation's section; an unknown case is not found. Both audited.
    let denied_before = t.app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'denied'").await;
    let (status, _) = api_call(&t.police, Method::POST, &api_path, Some(scan.clone())).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let unknown = "/api/v1/zsm/cases/0190a0f6-0000-7000-8000-000000000000/contributions/police";
    let (status, _) = api_call(&t.police, Method::POST, unknown, Some(json!({"state": "done"}))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let denied = t.app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'denied'").await;
    assert_eq!(denied, denied_before + 2, "the refusal and the unknown case are on record");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partners_save_their_own_sections_at_once_on_sqlite() {
    journey(table().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partners_save_their_own_sections_at_once_on_postgres() {
    let Some(app) = zsm_app(crate::support::zsm::NOW).postgres().await else { return };
    journey(table_on_app(app).await).await;
}
