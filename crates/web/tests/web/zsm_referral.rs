//! The ZSM table starts "beyond the case": a quick scan with signals, or a decision that refers
//! the case for case management, puts the suspect on probation's "to screen" list; the screening
//! form starts from the signals; recording the screening answers the referral. Over a real
//! listener, on SQLite and PostgreSQL.

use crate::support::zsm::{Table, current_version, register, table, table_on_postgres, version_of};
use domain::jurisdiction::BeyondPack;

async fn quick_scan(t: &Table, case: &str, fields: &[(&str, &str)]) {
    let v = current_version(&t.probation, case).await;
    let mut form = vec![("version", v.as_str()), ("state", "done")];
    form.extend_from_slice(fields);
    let page = t.probation.submit(&format!("/zsm/cases/{case}/contributions/probation"), &form).await;
    assert_eq!(page.status, 200, "{}", page.body);
}

async fn open_referrals(t: &Table) -> i64 {
    t.app.scalar("SELECT count(*) FROM screening_referral WHERE screening_id IS NULL").await
}

/// Scores every required life domain 3 and gives each a source, keeping the prefilled notes.
fn screening_form(prefilled: &str) -> Vec<(String, String)> {
    let pack = BeyondPack::nl();
    let mut fields = vec![("screened_on".to_string(), "2026-11-22".to_string())];
    for domain in pack.screening.domains.iter().filter(|d| d.required) {
        let key = domain.key.as_str();
        let marker = format!("name=\"note-{key}\" rows=\"2\">");
        let note = prefilled
            .split(&marker)
            .nth(1)
            .and_then(|rest| rest.split("</textarea>").next())
            .unwrap_or_default()
            .to_string();
        fields.push((format!("score-{key}"), "3".into()));
        fields.push((format!("note-{key}"), note));
        fields.push((format!("source-{key}"), "interview".into()));
    }
    fields
}

async fn a_quick_scan_with_signals_puts_the_suspect_on_the_list_to_screen(t: Table) {
    let case = register(&t, "Vries", "").await;
    let waiting = t.probation.visit("/screenings/waiting").await;
    assert_eq!(waiting.status, 200);
    assert!(waiting.body.contains("Nobody is waiting"), "{}", waiting.body);

    quick_scan(
        &t,
        &case,
        &[
            ("advice", "screening_advised"),
            ("signal", "debt"),
            ("signal_note.debt", "huurachterstand"),
            ("signal", "alcohol_addiction"),
            ("signal_note.alcohol_addiction", "drinkt dagelijks"),
        ],
    )
    .await;
    // Saving the scan again updates the one referral rather than adding a second.
    quick_scan(
        &t,
        &case,
        &[("advice", "screening_advised"), ("signal", "debt"), ("signal_note.debt", "huurachterstand")],
    )
    .await;
    assert_eq!(open_referrals(&t).await, 1);

    let waiting = t.probation.visit("/screenings/waiting").await;
    assert!(waiting.body.contains("Sam Vries"), "{}", waiting.body);
    assert!(waiting.body.contains("Start screening"));
    assert!(waiting.body.contains("Debt"), "the signal is listed");
    assert_eq!(t.police.visit("/screenings/waiting").await.status, 403, "police do not screen");

    let person = t.app.scalar("SELECT count(*) FROM screening").await;
    assert_eq!(person, 0);
    let before_start = waiting.body.split("/screenings/new\"").next().unwrap();
    let person_id = before_start.rsplit('/').next().unwrap().to_string();
    let form = t.probation.visit(&format!("/people/{person_id}/screenings/new")).await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("Referred by the ZSM table"));
    assert!(form.body.contains(">huurachterstand</textarea>"), "the signal's note prefills its life domain");
    assert!(form.body.contains("value=\"ZSM zsm-utrecht 2026-11-22\""), "with the table as its source");

    // A bad screening changes nothing: the referral stays open.
    let bad = t.probation.submit(&format!("/people/{person_id}/screenings"), &[("screened_on", "2026-11-22")]).await;
    assert_eq!(bad.status, 422);
    assert_eq!(open_referrals(&t).await, 1);

    let fields = screening_form(&form.body);
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let saved = t.probation.submit(&format!("/people/{person_id}/screenings"), &fields).await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert_eq!(open_referrals(&t).await, 0, "the screening answers the referral");
    assert!(t.probation.visit("/screenings/waiting").await.body.contains("Nobody is waiting"));
    let listed = t.app.scalar("SELECT count(*) FROM audit_log WHERE what = 'list: to screen'").await;
    assert!(listed >= 1, "listing a person is audited");
}

async fn a_referral_decision_refers_and_a_quick_scan_without_concerns_does_not(t: Table) {
    let case = register(&t, "Bakker", "").await;
    quick_scan(&t, &case, &[("advice", "no_concerns")]).await;
    assert_eq!(open_referrals(&t).await, 0);

    let form = t.prosecutor.visit(&format!("/zsm/cases/{case}/decision")).await;
    let v = version_of(&form.body);
    let decided = t
        .prosecutor
        .submit(
            &format!("/zsm/cases/{case}/decision"),
            &[
                ("version", &v),
                ("disposal", "referral_case_management"),
                ("param.referral_case_management.note", "dakloos, schulden"),
                ("reasoning", "Problemen achter het feit eerst aanpakken"),
                ("override_reason", "Advocaat volgt later"),
            ],
        )
        .await;
    assert_eq!(decided.status, 200, "{}", decided.body);
    let reason = t.app.scalar("SELECT count(*) FROM screening_referral WHERE reason = 'case_management'").await;
    assert_eq!(reason, 1);
    assert!(t.probation.visit("/screenings/waiting").await.body.contains("referred the case for case management"));
}

#[tokio::test]
async fn quick_scan_referral_on_sqlite() {
    a_quick_scan_with_signals_puts_the_suspect_on_the_list_to_screen(table().await).await;
}

#[tokio::test]
async fn decision_referral_on_sqlite() {
    a_referral_decision_refers_and_a_quick_scan_without_concerns_does_not(table().await).await;
}

#[tokio::test]
async fn quick_scan_referral_on_postgres() {
    if let Some(t) = table_on_postgres().await {
        a_quick_scan_with_signals_puts_the_suspect_on_the_list_to_screen(t).await;
    }
}

#[tokio::test]
async fn decision_referral_on_postgres() {
    if let Some(t) = table_on_postgres().await {
        a_referral_decision_refers_and_a_quick_scan_without_concerns_does_not(t).await;
    }
}
