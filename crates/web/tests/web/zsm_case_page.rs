//! What the case page and the board show, over a real listener and a real database: need-to-know
//! between lawyers and towards the defence, the suspect's prior record from the evidence extract (need-to-know, audited), and each clock's
//! time shown once — time left, or the warning that says it — on the board and the case page.

use crate::support::zsm::{Table, current_version, intake, register, suspect, table, table_on_postgres};
use domain::people::IdentifierInput;

async fn suspect_with_identifier(t: &Table, family_name: &str, local_id: &str) -> String {
    let identifier = IdentifierInput { kind: "local".into(), value: local_id.into() };
    suspect(&t.app, &t.police_actor, family_name, vec![identifier]).await.to_string()
}

async fn prior_record_is_shown_on_need_to_know(t: Table) {
    let suspect = suspect_with_identifier(&t, "Jong", "hks-77").await;
    t.app
        .execute(
            "INSERT INTO evidence_person (source_id, birth_date, sex, area) VALUES ('hks-77', NULL, 'X', 'Utrecht')",
        )
        .await;
    t.app
        .execute(
            "INSERT INTO evidence_person (source_id, birth_date, sex, area) VALUES ('hks-99', NULL, 'X', 'Utrecht')",
        )
        .await;
    t.app.execute(
        "INSERT INTO evidence_offence (source_id, person_id, offence_date, outcome_date, outcome, offence_type, seriousness) VALUES \
         ('o1', 'hks-77', '2023-05-01', '2023-06-01', 'penalty_order', 'fietsendiefstal', 3), \
         ('o2', 'hks-77', '2025-01-10', NULL, 'pending', 'mishandeling', NULL), \
         ('o3', 'hks-99', '2024-02-02', '2024-03-03', 'conviction', 'inbraak', 6)",
    )
    .await;
    let case = t
        .police
        .submit("/zsm/cases", &intake(&suspect, "2026-11-22T08:30", "2026-11-22T08:45", "2026-11-22", ""))
        .await;
    assert_eq!(case.status, 200, "{}", case.body);
    let page = case.body;
    assert!(page.contains("1 proven offence(s) in the record extract; the latest committed on 2023-05-01"), "{page}");
    assert!(page.contains("fietsendiefstal") && page.contains("penalty order") && page.contains("pending"));
    assert!(page.find("2025-01-10").unwrap() < page.find("2023-06-01").unwrap(), "newest first");
    assert!(!page.contains("inbraak"), "another person's offences stay out");

    let reads = "SELECT count(*) FROM audit_log WHERE what LIKE '%prior record%' AND action = 'read'";
    let before = t.app.scalar(reads).await;
    let probation = t.probation.visit(&case.url).await;
    assert!(probation.body.contains("fietsendiefstal"));
    assert_eq!(t.app.scalar(reads).await, before + 1, "every read of the record is audited");

    let victim_support = t.victim_support.visit(&case.url).await;
    assert_eq!(victim_support.status, 200);
    assert!(victim_support.body.contains("The prior record is shown only to police, prosecution, probation"));
    assert!(!victim_support.body.contains("fietsendiefstal"));
    assert_eq!(t.app.scalar(reads).await, before + 1, "nothing read for victim support");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prior_record_on_sqlite_and_postgres() {
    prior_record_is_shown_on_need_to_know(table().await).await;
    if let Some(t) = table_on_postgres().await {
        prior_record_is_shown_on_need_to_know(t).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_overdue_clock_says_so_once_on_the_board_and_the_case_page() {
    let t = table().await;
    let suspect = suspect_with_identifier(&t, "Laat", "hks-1").await;
    // Arrested 06:00 local: 6 counted hours (no pre-trial detention) from 09:00 end at 15:00.
    let mut fields = intake(&suspect, "2026-11-22T06:00", "2026-11-22T06:15", "2026-11-22", "");
    fields.retain(|(k, _)| *k != "offence_pretrial");
    fields.push(("offence_pretrial", "no"));
    fields.push(("offence_pretrial", "no"));
    let case = t.police.submit("/zsm/cases", &fields).await;
    assert_eq!(case.status, 200, "{}", case.body);
    t.app.clock.advance(jiff::SignedDuration::from_mins(5 * 60 + 30)); // 16:30 local: 1 h 30 min late
    let board = t.prosecutor.visit("/zsm/zsm-utrecht/board").await;
    assert_eq!(board.body.matches("1 h 30 min").count(), 1, "overdue time shown once: {}", board.body);
    assert!(board.body.contains("‼ Over by 1 h 30 min"));
    assert!(board.body.contains("data-label=\"Probation (quick scan)\""), "every card cell names its column");
    let page = t.prosecutor.visit(&case.url).await;
    assert_eq!(page.body.matches("1 h 30 min").count(), 1, "once on the case page: {}", page.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lawyer_sees_only_their_own_clients_and_never_the_victim() {
    let t = table().await;
    let lawyer_id = t.lawyer_actor.member_id.to_string();
    let case = register(&t, "Smit", &lawyer_id).await;
    let v = current_version(&t.victim_support, &case).await;
    let saved = t
        .victim_support
        .submit(
            &format!("/zsm/cases/{case}/contributions/victim_support"),
            &[("version", &v), ("state", "done"), ("interests", "Geheime wens van het slachtoffer")],
        )
        .await;
    assert_eq!(saved.status, 200);

    // Another lawyer: not their client, refused and not on their board.
    let refused = t.other_lawyer.visit(&format!("/zsm/cases/{case}")).await;
    assert_eq!(refused.status, 403);
    assert!(!t.other_lawyer.visit("/zsm/zsm-utrecht/board").await.body.contains("Sam Smit"));

    // The suspect's own lawyer: sees the case, not the victim or victim support's section.
    let own = t.lawyer.visit(&format!("/zsm/cases/{case}")).await;
    assert_eq!(own.status, 200);
    assert!(own.body.contains("Victim details are not shown to the defence"));
    assert!(!own.body.contains("Mevrouw Geheim"));
    assert!(!own.body.contains("Geheime wens"));
    assert!(t.lawyer.visit("/zsm/zsm-utrecht/board").await.body.contains("Sam Smit"));

    // The prosecutor sees both.
    let prosecutor = t.prosecutor.visit(&format!("/zsm/cases/{case}")).await;
    assert!(prosecutor.body.contains("Mevrouw Geheim") && prosecutor.body.contains("Geheime wens"));
    // Only victim support edits its section; probation is refused.
    let v = current_version(&t.prosecutor, &case).await;
    let wrong_agency = t
        .probation
        .submit(
            &format!("/zsm/cases/{case}/contributions/victim_support"),
            &[("version", &v), ("state", "done"), ("interests", "x")],
        )
        .await;
    assert_eq!(wrong_agency.status, 403);
}
