//! Issue 17 item 4: the lawyer safeguard (art. 257c Sv) as the prosecutor and the lawyer meet
//! it. "Cannot wait" does not bypass it where the pack requires the lawyer; a consultation
//! dated in the future is refused (the typed form kept); a penalty order needs the lawyer's
//! confirmation that the consequences (e.g. no VOG) were explained; the refusals name the
//! partner in words. On SQLite and PostgreSQL.

use crate::support::zsm::{Table, current_version, register, table, table_on_app, zsm_app};

async fn journey(t: Table) {
    let lawyer_id = t.lawyer_actor.member_id.to_string();
    let case = register(&t, "Waarborg", &lawyer_id).await;
    let section = format!("/zsm/cases/{case}/contributions/defence_lawyer");
    let decide = |override_reason: &'static str| {
        let client = &t.prosecutor;
        let case = case.clone();
        async move {
            let v = current_version(client, &case).await;
            let fields = [
                ("version", v.as_str()),
                ("disposal", "penalty_order"),
                ("param.penalty_order.community_service_hours", "40"),
                ("reasoning", "Taakstraf passend"),
                ("override_reason", override_reason),
            ];
            client.submit(&format!("/zsm/cases/{case}/decision"), &fields).await
        }
    };

    // The prosecutor cannot decide past the lawyer with a reason why it cannot wait.
    let bypass = decide("Kan niet wachten: verdachte moet heengezonden").await;
    assert_eq!(bypass.status, 422, "{}", bypass.body);
    assert!(bypass.body.contains("needs the contribution of the defence lawyer first (art. 257c Sv)"));
    assert!(!bypass.body.contains("of defence_lawyer"), "the partner in words, not its code");
    assert_eq!(t.app.count("zsm_decision").await, 0);

    // The lawyer dates the consultation in the future (it is 11:00): refused, typed form kept.
    let consult = |at: &'static str, explained: bool| {
        let mut fields = vec![
            ("state", "done"),
            ("consulted_at", at),
            ("mode", "in_person"),
            ("lawyer_advice", "Accepteren"),
            ("suspect_position", "Bekent"),
        ];
        if explained {
            fields.push(("settlement_consequences_explained", "yes"));
        }
        fields
    };
    let future = t.lawyer.submit(&section, &consult("2026-11-22T12:30", true)).await;
    assert_eq!(future.status, 422, "{}", future.body);
    assert!(future.body.contains("The consultation cannot be later than now"));
    assert!(future.body.contains("value=\"2026-11-22T12:30\""), "what was typed is kept");

    // Consulted at 10:30, consequences not confirmed: the penalty order is refused, naming the
    // lawyer and the VOG.
    let saved = t.lawyer.submit(&section, &consult("2026-11-22T10:30", false)).await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    let unexplained = decide("").await;
    assert_eq!(unexplained.status, 422, "{}", unexplained.body);
    assert!(unexplained.body.contains("the defence lawyer must confirm having explained the consequences"));
    assert!(unexplained.body.contains("VOG"));

    // Confirmed: the decision is taken, and no override is recorded.
    let saved = t.lawyer.submit(&section, &consult("2026-11-22T10:30", true)).await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    let decided = decide("").await;
    assert_eq!(decided.status, 200, "{}", decided.body);
    assert_eq!(t.app.count("zsm_decision").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lawyer_safeguard_holds_on_sqlite() {
    journey(table().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lawyer_safeguard_holds_on_postgres() {
    let Some(app) = zsm_app(crate::support::zsm::NOW).postgres().await else { return };
    journey(table_on_app(app).await).await;
}
