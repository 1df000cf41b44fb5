//! Orders from the case page over a real listener and a real database: custody
//! (*inverzekeringstelling*, art. 57 Sv) ordered by the offices the pack allows, ending
//! *ophouden*; and the prosecutor's referral without a decision, which takes the case off the board.

use crate::support::Client;
use crate::support::zsm::{Table, current_version, register, table, table_on_postgres};
use domain::access::Role;
use domain::directory::{Agency, AgencyKind};

async fn hulpofficier(t: &Table) -> Client {
    let police = Agency { id: t.police_actor.agency_id, name: "Politie Utrecht".into(), kind: AgencyKind::Police };
    t.app.member(&police, "hulpofficier", &[Role::PoliceOfficer, Role::AssistantProsecutor]).await;
    t.app.sign_in("hulpofficier").await
}

async fn custody_is_ordered_by_an_allowed_office_only(t: Table) {
    let case = register(&t, "Smit", "").await;
    let page = format!("/zsm/cases/{case}");
    let order = format!("/zsm/cases/{case}/clocks/inverzekeringstelling/order");

    // A police officer without the designation holds no office: no form, and a post is refused.
    let plain = t.police.visit(&page).await;
    assert!(!plain.body.contains("Give the order"));
    let v = current_version(&t.police, &case).await;
    let refused =
        t.police.submit(&order, &[("version", &v), ("ordered_at", "2026-11-22T10:45"), ("order_basis", "x")]).await;
    assert_eq!(refused.status, 403);

    let officer = hulpofficier(&t).await;
    let form = officer.visit(&page).await;
    assert!(form.body.contains("Order: Police custody order (art. 57-58 Sv)"), "{}", form.body);
    let v = current_version(&officer, &case).await;
    let no_grounds =
        officer.submit(&order, &[("version", &v), ("ordered_at", "2026-11-22T10:45"), ("order_basis", "")]).await;
    assert_eq!(no_grounds.status, 422);
    assert!(no_grounds.body.contains("href=\"#order_basis\""), "error summary links the field");
    let in_future = officer
        .submit(&order, &[("version", &v), ("ordered_at", "2026-11-22T12:00"), ("order_basis", "onderzoek")])
        .await;
    assert_eq!(in_future.status, 422);
    assert!(in_future.body.contains("cannot be before the arrest or in the future"));
    assert_eq!(current_version(&officer, &case).await, v, "nothing changed");

    let ordered = officer
        .submit(
            &order,
            &[("version", &v), ("ordered_at", "2026-11-22T10:45"), ("order_basis", "in het belang van het onderzoek")],
        )
        .await;
    assert_eq!(ordered.status, 200, "{}", ordered.body);
    assert_eq!(ordered.url, page);
    assert!(ordered.body.contains("Ordered by the assistant prosecutor: in het belang van het onderzoek"));
    assert!(ordered.body.contains("2026-11-25 10:45"), "three days from the order (art. 58 Sv)");
    assert!(ordered.body.contains("Stopped (2026-11-22 10:45)"), "ophouden ends at the order");
    assert!(!ordered.body.contains("Give the order"), "custody is ordered once");
    let v = current_version(&officer, &case).await;
    let twice = officer
        .submit(&order, &[("version", &v), ("ordered_at", "2026-11-22T10:50"), ("order_basis", "nogmaals")])
        .await;
    assert_eq!(twice.status, 422);
    assert!(twice.body.contains("already been given"));

    // The prosecutor may extend custody once by three days (art. 58 lid 2 Sv).
    let extended = t
        .prosecutor
        .submit(
            &format!("/zsm/cases/{case}/clocks/inverzekeringstelling/extend"),
            &[("version", &v), ("extension", "verlenging"), ("hours", ""), ("basis", "dringend noodzakelijk")],
        )
        .await;
    assert_eq!(extended.status, 200, "{}", extended.body);
    assert!(extended.body.contains("2026-11-28 10:45"));
}

async fn refer_without_decision(t: Table) {
    let case = register(&t, "Mulder", "").await;
    let refer = format!("/zsm/cases/{case}/refer");
    let v = current_version(&t.prosecutor, &case).await;
    assert!(t.prosecutor.visit(&format!("/zsm/cases/{case}")).await.body.contains("Refer the case"));
    assert!(!t.probation.visit(&format!("/zsm/cases/{case}")).await.body.contains("Refer the case"));
    let by_probation = t
        .probation
        .submit(&refer, &[("version", &v), ("destination", "regular_procedure"), ("refer_reason", "x")])
        .await;
    assert_eq!(by_probation.status, 403);
    let no_reason = t
        .prosecutor
        .submit(&refer, &[("version", &v), ("destination", "regular_procedure"), ("refer_reason", " ")])
        .await;
    assert_eq!(no_reason.status, 422);
    assert!(no_reason.body.contains("href=\"#refer_reason\""));
    let unknown =
        t.prosecutor.submit(&refer, &[("version", &v), ("destination", "the moon"), ("refer_reason", "x")]).await;
    assert_eq!(unknown.status, 422);
    assert!(unknown.body.contains("Choose where the case goes"));
    let stale = t
        .prosecutor
        .submit(&refer, &[("version", "0"), ("destination", "regular_procedure"), ("refer_reason", "x")])
        .await;
    assert_eq!(stale.status, 409);
    assert_eq!(current_version(&t.prosecutor, &case).await, v, "nothing changed");

    let referred = t
        .prosecutor
        .submit(
            &refer,
            &[("version", &v), ("destination", "regular_procedure"), ("refer_reason", "Financieel onderzoek nodig")],
        )
        .await;
    assert_eq!(referred.status, 200, "{}", referred.body);
    assert!(referred.body.contains("Referred to the regular prosecution procedure on 2026-11-22 11:00"));
    assert!(referred.body.contains("Financieel onderzoek nodig"));
    assert!(!referred.body.contains("Refer the case") && !referred.body.contains("Take the decision"));
    let board = t.police.visit("/zsm/zsm-utrecht/board").await;
    assert!(!board.body.contains("Sam Mulder"), "a referred case leaves the board");
    let again = t
        .prosecutor
        .submit(
            &refer,
            &[
                ("version", &(v.parse::<i64>().unwrap() + 1).to_string()),
                ("destination", "regular_procedure"),
                ("refer_reason", "x"),
            ],
        )
        .await;
    assert_eq!(again.status, 422);
    assert!(again.body.contains("referred and is closed at this table"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn custody_orders_on_sqlite_and_postgres() {
    custody_is_ordered_by_an_allowed_office_only(table().await).await;
    if let Some(t) = table_on_postgres().await {
        custody_is_ordered_by_an_allowed_office_only(t).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn referral_without_decision_on_sqlite_and_postgres() {
    refer_without_decision(table().await).await;
    if let Some(t) = table_on_postgres().await {
        refer_without_decision(t).await;
    }
}
