//! Issue 17 item 5: the printable decision record is complete, as the prosecutor prints it in
//! Dutch: the case by its human reference (no id), the suspect's date of birth and identifier,
//! the offences, the lawyer's consultation (who, when, consequences explained including the
//! VOG), the statute of the disposal, amounts and units in the page's locale (€ 45,90, 20 uur),
//! and the agency that monitors an obligation by name. On SQLite and PostgreSQL.

use crate::support::zsm::{NOW, Table, current_version, intake, table_on_app};
use crate::support::{TestApp, app};
use domain::people::{IdentifierInput, PersonInput};

async fn journey(t: Table) {
    let zone = jiff::tz::TimeZone::get("Europe/Amsterdam").unwrap();
    let input = PersonInput {
        family_name: "Dekker".into(),
        given_names: "Sam".into(),
        birth_date: "1990-04-12".into(),
        sex: "X".into(),
        identifiers: vec![IdentifierInput { kind: "local".into(), value: "ZSM-4711".into() }],
        ..Default::default()
    };
    let suspect = t.app.register(&t.police_actor, &input, "Politiewet 2012 art. 3", "ZSM", &zone).await.to_string();
    let lawyer_id = t.lawyer_actor.member_id.to_string();
    let registered = t
        .police
        .submit("/zsm/cases", &intake(&suspect, "2026-11-22T08:30", "2026-11-22T08:45", "2026-11-22", &lawyer_id))
        .await;
    assert_eq!(registered.status, 200, "{}", registered.body);
    let case = registered.url.trim_start_matches("/zsm/cases/").to_string();
    let consulted = t
        .lawyer
        .submit(
            &format!("/zsm/cases/{case}/contributions/defence_lawyer"),
            &[
                ("state", "done"),
                ("consulted_at", "2026-11-22T10:30"),
                ("mode", "phone"),
                ("lawyer_advice", "Accepteren"),
                ("settlement_consequences_explained", "yes"),
            ],
        )
        .await;
    assert_eq!(consulted.status, 200, "{}", consulted.body);
    let v = current_version(&t.prosecutor, &case).await;
    let decided = t
        .prosecutor
        .submit(
            &format!("/zsm/cases/{case}/decision"),
            &[
                ("version", v.as_str()),
                ("disposal", "penalty_order"),
                ("param.penalty_order.fine_cents", "45,90"),
                ("param.penalty_order.community_service_hours", "20"),
                ("obligation_kind", "area_ban"),
                ("obligation_starts_on", "2026-11-23"),
                ("obligation_ends_on", "2027-05-22"),
                ("obligation_details", "Binnenstad"),
                ("reasoning", "Eerste feit, bekent"),
            ],
        )
        .await;
    assert_eq!(decided.status, 200, "{}", decided.body);
    assert!(decided.url.ends_with("/record"));
    let record = decided.body.split("<article class=\"record\">").nth(1).unwrap().split("</article>").next().unwrap();
    for expected in [
        "ZSM-UTRECHT-20261122-",
        "1990-04-12",
        "ZSM-4711",
        "winkeldiefstal",
        "Utrecht, Hoog Catharijne",
        "Consultatie van de advocaat",
        "2026-11-22 10:30",
        "Gevolgen van accepteren uitgelegd (bijvoorbeeld geen verklaring omtrent het gedrag, VOG)</dt><dd>Ja",
        "art. 257a Sv",
        "€ 45,90",
        "20 uur",
        "toezicht door Politie Utrecht",
    ] {
        assert!(record.contains(expected), "the record shows {expected}: {record}");
    }
    assert!(!record.contains(&case), "no case id on the record, its reference instead");
    assert!(!record.contains("(police)") && !record.contains("; police"), "agency names, not codes");
}

async fn dutch_table(app: TestApp) -> Table {
    table_on_app(app).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_decision_record_is_complete_on_sqlite() {
    journey(dutch_table(app().at(NOW).sqlite().await).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_decision_record_is_complete_on_postgres() {
    let Some(app) = app().at(NOW).postgres().await else { return };
    journey(dutch_table(app).await).await;
}
