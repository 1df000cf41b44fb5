//! No pack is hard-coded (issue 18): the lawyers offered at a location are those whose office
//! works under the location's pack (no Dutch piket lawyer at an England and Wales custody
//! suite, no duty solicitor at a Dutch table), and the plan page names the measures the
//! person's own pack has.

use crate::support::zsm::{intake, table};
use domain::access::Role;
use domain::directory::{AgencyKind, DirectoryStore};
use domain::zsm::ports::{ZsmLocation, ZsmStore};

#[tokio::test]
async fn a_custody_suite_offers_its_duty_solicitors_and_not_the_dutch_lawyers() {
    let table = table().await;
    let solicitors = table.app.agency("Merseyside Duty Solicitors", AgencyKind::Defence).await;
    let solicitor = table.app.member(&solicitors, "solicitor", &[Role::DefenceLawyer]).await;
    let utrecht = table.app.store.location("zsm-utrecht").await.unwrap().unwrap();
    let mut agencies = utrecht.agencies.clone();
    agencies.push(solicitors.id);
    let suite = ZsmLocation {
        code: "custody-liverpool".into(),
        name: "St Anne Street custody suite".into(),
        pack: "england-wales".into(),
        agencies,
        time_zone: None,
    };
    table.app.store.create_location(&suite, table.app.now()).await.unwrap();
    let register_at = |code: &'static str, family_name: &'static str| {
        let table = &table;
        async move {
            let suspect = table.person(family_name).await.to_string();
            let mut form = intake(&suspect, "2026-11-22T08:30", "2026-11-22T08:45", "2026-11-22", "");
            form.iter_mut().filter(|(field, _)| *field == "location").for_each(|field| field.1 = code);
            let page = table.police.submit("/zsm/cases", &form).await;
            assert!(page.url.starts_with("/zsm/cases/"), "registered: {}", page.body);
            page.url
        }
    };

    // At the custody suite the form offers the duty solicitor only.
    let custody = register_at("custody-liverpool", "Doyle").await;
    let page = table.police.visit(&custody).await.body;
    assert!(page.contains("solicitor (test)"), "{page}");
    assert!(!page.contains(">lawyer (test)<") && !page.contains("other-lawyer (test)"), "no Dutch lawyers: {page}");
    // At the Dutch table the Dutch lawyers only.
    let dutch = register_at("zsm-utrecht", "de Vries").await;
    let page = table.police.visit(&dutch).await.body;
    assert!(page.contains(">lawyer (test)<") && !page.contains("solicitor (test)"), "{page}");
    // Naming the solicitor at the Dutch table anyway (a crafted form) is refused, naming the field.
    let refused = table
        .police
        .post_form(&format!("{dutch}/lawyer"), &[("lawyer_id", &solicitor.member_id.to_string()), ("version", "1")])
        .await;
    assert_eq!(refused.status(), 422);
    let body = refused.text().await.unwrap();
    assert!(body.contains("href=\"#lawyer_id\"") && body.contains("another jurisdiction"), "{body}");
}

#[tokio::test]
async fn the_plan_page_names_the_measures_of_the_persons_own_pack() {
    let app = crate::support::app().in_english().sqlite().await;
    let hub = app.agency("Knowsley IOM hub", AgencyKind::SafetyHouse).await;
    let house = app.agency("Zorg- en Veiligheidshuis Utrecht", AgencyKind::SafetyHouse).await;
    let lee = app.member(&hub, "lee", &[Role::ProcessManager]).await;
    let noor = app.member(&house, "noor", &[Role::ProcessManager]).await;
    app.store.set_agency_pack(hub.id, Some("england-wales")).await.unwrap();
    let english = app.person(&lee, "Doyle", "111222333").await;
    let dutch = app.person(&noor, "de Vries", "123456782").await;
    let plan = app.sign_in("lee").await.visit(&format!("/people/{english}/plan")).await.body;
    assert!(plan.contains(">Intensive case management and groups</a>"), "{plan}");
    assert!(!plan.contains("Exclusion orders"), "no mayor's exclusion order under an IOM: {plan}");
    let plan = app.sign_in("noor").await.visit(&format!("/people/{dutch}/plan")).await.body;
    assert!(plan.contains(">Exclusion orders, area bans, intensive case management and groups</a>"), "{plan}");
}

#[tokio::test]
async fn the_list_to_screen_dates_each_referral_in_its_own_locations_time() {
    let table = table().await;
    let utrecht = table.app.store.location("zsm-utrecht").await.unwrap().unwrap();
    let suite = ZsmLocation {
        code: "custody-london".into(),
        name: "Charing Cross custody suite".into(),
        pack: "england-wales".into(),
        agencies: utrecht.agencies,
        time_zone: None,
    };
    table.app.store.create_location(&suite, table.app.now()).await.unwrap();
    let suspect = table.person("Smith").await.to_string();
    let mut form = intake(&suspect, "2026-11-22T08:30", "2026-11-22T08:45", "2026-11-22", "");
    form.iter_mut().filter(|(field, _)| *field == "location").for_each(|field| field.1 = "custody-london");
    let case = table.police.submit("/zsm/cases", &form).await.url;
    assert!(case.starts_with("/zsm/cases/"), "{case}");
    let version = crate::support::zsm::version_of(&table.police.visit(&case).await.body);
    let scan = [
        ("version", version.as_str()),
        ("state", "done"),
        ("advice", "screening_advised"),
        ("signal", "debt"),
        ("signal_note.debt", "rent arrears"),
    ];
    let saved = table.probation.submit(&format!("{case}/contributions/probation"), &scan).await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    // Referred at 10:00 UTC: 10:00 in London (the suite's time), not 11:00 Amsterdam time.
    let list = table.probation.visit("/screenings/waiting").await.body;
    assert!(list.contains("2026-11-22 10:00 · Charing Cross custody suite"), "{list}");
}
