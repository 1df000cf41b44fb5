//! Issue 17 item 7 (the parts a web test sees; the sizes are checked in the browser journey,
//! tests/browser/zsm_journey.mjs): the board spans the full width as a wall display, each case
//! on one line (the deadline beside the clock, not under it), and "register a case" is offered
//! only to those who may register (the police).

use crate::support::zsm::{register, table};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_board_is_a_wall_display_and_offers_intake_only_to_the_police() {
    let t = table().await;
    register(&t, "Wand", "").await;
    let police = t.police.visit("/zsm/zsm-utrecht/board").await;
    assert!(police.body.contains("<div class=\"width width-full\">"), "full width");
    assert!(police.body.contains("href=\"/zsm/intake?location=zsm-utrecht\""), "the police may register");
    assert!(police.body.contains("<span class=\"deadline\"> · 2026-11-22 18:00</span>"), "one line per case");
    for (who, client) in
        [("prosecutor", &t.prosecutor), ("probation", &t.probation), ("victim support", &t.victim_support)]
    {
        let board = client.visit("/zsm/zsm-utrecht/board").await;
        assert_eq!(board.status, 200);
        assert!(!board.body.contains("/zsm/intake"), "{who} is not offered intake");
    }
}
