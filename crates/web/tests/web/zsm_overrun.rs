//! Issue 17 item 3: custody ordered after the hold for investigation ended is refused (the
//! suspect must be released, art. 57 Sv), while an order given in time and recorded late
//! stands; an overrun clock is an alarm (red, "over by 2 h 18 min") distinct from a clock near
//! its end (amber, "2 h left"), on the board and the case page.

use crate::support::zsm::{Table, current_version, intake, table, table_on_app, zsm_app};
use domain::access::Role;
use domain::directory::{Agency, AgencyKind};

async fn register_at(t: &Table, name: &str, arrested: &str, arrived: &str) -> String {
    let suspect = t.person(name).await.to_string();
    let fields = intake(&suspect, arrested, arrived, &arrested[..10], "");
    let page = t.police.submit("/zsm/cases", &fields).await;
    assert_eq!(page.status, 200, "{}", page.body);
    page.url.trim_start_matches("/zsm/cases/").to_string()
}

async fn journey(t: Table) {
    // Late: arrested 21:00 the evening before: 9 counted hours (3 before midnight, 6 from 09:00
    // as 00:00-09:00 do not count), ends 15:00.
    let late = register_at(&t, "Laat", "2026-11-21T21:00", "2026-11-21T21:15").await;
    // Near: arrested 10:18: 9 hours, ends 19:18.
    let near = register_at(&t, "Bijna", "2026-11-22T10:18", "2026-11-22T10:30").await;
    t.app.clock.advance(jiff::SignedDuration::from_mins(6 * 60 + 18)); // 17:18 local

    let board = t.prosecutor.visit("/zsm/zsm-utrecht/board").await;
    let row = |name: &str| {
        let before = board.body.split(&format!(">Sam {name}</a>")).next().unwrap();
        let start = before.rfind("<tr").unwrap();
        let rest = &board.body[start..];
        rest[..rest.find("</tr>").unwrap()].to_string()
    };
    let (late_row, near_row) = (row("Laat"), row("Bijna"));
    assert!(late_row.contains("class=\"row-alarm\"") && late_row.contains("‼ Over by 2 h 18 min"), "{late_row}");
    assert!(near_row.contains("class=\"row-warning\"") && near_row.contains("⚠ 2 h 0 min left"), "{near_row}");
    let page = t.prosecutor.visit(&format!("/zsm/cases/{late}")).await;
    assert!(page.body.contains("class=\"row-alarm\"") && page.body.contains("‼ Over by 2 h 18 min"));
    let page = t.prosecutor.visit(&format!("/zsm/cases/{near}")).await;
    assert!(page.body.contains("class=\"row-warning\"") && !page.body.contains("row-alarm"));

    // The assistant prosecutor (hulpofficier) orders custody on the late case at 17:00: refused.
    let police = Agency { id: t.police_actor.agency_id, name: "Politie Utrecht".into(), kind: AgencyKind::Police };
    t.app.member(&police, "hulpofficier", &[Role::PoliceOfficer, Role::AssistantProsecutor]).await;
    let officer = t.app.sign_in("hulpofficier").await;
    let order = format!("/zsm/cases/{late}/clocks/inverzekeringstelling/order");
    let v = current_version(&officer, &late).await;
    let refused = officer
        .submit(&order, &[("version", &v), ("ordered_at", "2026-11-22T17:00"), ("order_basis", "onderzoek")])
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains("Custody can only be ordered while the hold runs (art. 57 Sv)"), "{}", refused.body);
    assert!(refused.body.contains("href=\"#ordered_at\""), "the summary links the field");
    assert!(
        refused.body.contains("value=\"onderzoek\"") && refused.body.contains("value=\"2026-11-22T17:00\""),
        "typed order kept"
    );
    assert_eq!(current_version(&officer, &late).await, v, "nothing recorded");
    // Given at 14:50, in time, and recorded now: it stands, and the hold stopped at the order.
    let ordered = officer
        .submit(&order, &[("version", &v), ("ordered_at", "2026-11-22T14:50"), ("order_basis", "onderzoek")])
        .await;
    assert_eq!(ordered.status, 200, "{}", ordered.body);
    assert!(ordered.body.contains("Stopped (2026-11-22 14:50)"));
    assert!(!ordered.body.contains("row-alarm"), "no clock overran: custody runs to 2026-11-25 14:50");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn custody_after_the_hold_is_refused_and_overruns_are_alarms_on_sqlite() {
    journey(table().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn custody_after_the_hold_is_refused_and_overruns_are_alarms_on_postgres() {
    let Some(app) = zsm_app(crate::support::zsm::NOW).postgres().await else { return };
    journey(table_on_app(app).await).await;
}
