//! Issue 17 item 6: obligations as the prosecutor sets them and the police monitor them. The
//! pack's maximum applies with the end day counted (twelve months from 23 November end on
//! 22 November); a breach before the obligation starts is refused; the area ban and the
//! treatment of a penalty order appear on the person's measures page, each once. On SQLite
//! and PostgreSQL.

use crate::support::input_value;
use crate::support::zsm::{Table, current_version, intake, table, table_on_app, zsm_app};

async fn journey(t: Table) {
    let suspect = t.person("Verbod").await.to_string();
    let lawyer_id = t.lawyer_actor.member_id.to_string();
    let registered = t
        .police
        .submit("/zsm/cases", &intake(&suspect, "2026-11-22T08:30", "2026-11-22T08:45", "2026-11-22", &lawyer_id))
        .await;
    let case = registered.url.trim_start_matches("/zsm/cases/").to_string();
    let consulted = t
        .lawyer
        .submit(
            &format!("/zsm/cases/{case}/contributions/defence_lawyer"),
            &[
                ("state", "done"),
                ("consulted_at", "2026-11-22T10:30"),
                ("mode", "phone"),
                ("settlement_consequences_explained", "yes"),
            ],
        )
        .await;
    assert_eq!(consulted.status, 200, "{}", consulted.body);
    let decide = |ban_ends: &'static str| {
        let client = &t.prosecutor;
        let case = case.clone();
        async move {
            let v = current_version(client, &case).await;
            let fields = [
                ("version", v.as_str()),
                ("disposal", "penalty_order"),
                ("param.penalty_order.fine_cents", "150"),
                ("obligation_kind", "area_ban"),
                ("obligation_starts_on", "2026-11-23"),
                ("obligation_ends_on", ban_ends),
                ("obligation_details", "Binnenstad"),
                ("obligation_kind", "treatment"),
                ("obligation_starts_on", "2026-11-23"),
                ("obligation_ends_on", "2027-05-22"),
                ("obligation_details", "Alcoholbehandeling"),
                ("reasoning", "Gebiedsverbod en behandeling"),
            ];
            client.submit(&format!("/zsm/cases/{case}/decision"), &fields).await
        }
    };
    // Up to and including 23 November 2027 is twelve months and a day: over the pack's maximum.
    let too_long = decide("2027-11-23").await;
    assert_eq!(too_long.status, 422, "{}", too_long.body);
    assert!(too_long.body.contains("12"), "the maximum is named");
    let decided = decide("2027-11-22").await;
    assert_eq!(decided.status, 200, "{}", decided.body);

    // The police record a breach dated before the ban starts: refused, nothing recorded.
    let list = t.police.visit("/zsm/zsm-utrecht/obligations").await;
    // Who monitors it is named in words, not by the agency kind's code (issue 17, item 22).
    assert!(!list.body.contains(": police ·") && !list.body.contains(": probation ·"), "{}", list.body);
    let obligation = input_value(&list.body, "obligation");
    let v = input_value(&list.body, "version");
    let early = t
        .police
        .submit(
            &format!("/zsm/cases/{case}/breaches"),
            &[("version", &v), ("obligation", &obligation), ("observed_on", "2026-11-22"), ("description", "Gezien")],
        )
        .await;
    assert_eq!(early.status, 422, "{}", early.body);
    assert!(early.body.contains("only be observed while the obligation applies: from 2026-11-23"));
    assert_eq!(t.app.count("zsm_breach").await, 0);

    // The person's measures page shows the area ban and the treatment, each once, with the case.
    let page = t.probation.visit(&format!("/people/{suspect}/measures")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let section = page
        .body
        .split("id=\"zsm-obligations\"")
        .nth(1)
        .expect("the ZSM obligations")
        .split("</table>")
        .next()
        .unwrap();
    assert_eq!(section.matches("Area ban (Penalty order").count(), 1, "{section}");
    assert_eq!(section.matches("Treatment (Penalty order").count(), 1, "{section}");
    assert!(
        section.contains(&format!("href=\"/zsm/cases/{case}/record\"")) && section.contains("ZSM-UTRECHT-20261122-")
    );
    assert!(section.contains("2026-11-23 – 2027-11-22") && section.contains("Police") && section.contains("Probation"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn obligations_hold_to_the_pack_and_show_on_the_measures_page_on_sqlite() {
    journey(table().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn obligations_hold_to_the_pack_and_show_on_the_measures_page_on_postgres() {
    let Some(app) = zsm_app(crate::support::zsm::NOW).postgres().await else { return };
    journey(table_on_app(app).await).await;
}
