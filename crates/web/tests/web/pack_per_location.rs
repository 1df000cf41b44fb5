//! Each ZSM location works under its own pack: an England and Wales custody suite in the same
//! deployment as a Dutch ZSM table shows London time, PACE clocks and statutes and the words of
//! a custody suite, and nothing Dutch; a Turin office shows the c.p.p. clocks in Rome time.

use crate::support::zsm::{intake, table};
use domain::zsm::ports::{ZsmLocation, ZsmStore};

/// A location beside ZSM Utrecht, with the same agencies at its table, under `pack`.
async fn location(table: &crate::support::zsm::Table, code: &str, name: &str, pack: &str) {
    let utrecht = table.app.store.location("zsm-utrecht").await.unwrap().unwrap();
    let location = ZsmLocation {
        code: code.into(),
        name: name.into(),
        pack: pack.into(),
        agencies: utrecht.agencies,
        time_zone: None,
    };
    table.app.store.create_location(&location, table.app.now()).await.unwrap();
}

/// Registers a suspect arrested at 08:30 local time at `code`; the case page's path.
async fn register_at(table: &crate::support::zsm::Table, code: &str, family_name: &str) -> String {
    let suspect = table.person(family_name).await.to_string();
    let mut form = intake(&suspect, "2026-11-22T08:30", "2026-11-22T08:45", "2026-11-22", "");
    form.iter_mut().filter(|(field, _)| *field == "location").for_each(|field| field.1 = code);
    let page = table.police.submit("/zsm/cases", &form).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.url.starts_with("/zsm/cases/"), "registered, not {}: {}", page.url, page.body);
    page.url
}

#[tokio::test]
async fn an_england_and_wales_custody_suite_speaks_pace_in_london_time() {
    let table = table().await;
    location(&table, "custody-london", "Charing Cross custody suite", "england-wales").await;
    let case = register_at(&table, "custody-london", "Smith").await;
    let page = table.prosecutor.visit(&case).await;
    assert_eq!(page.status, 200);
    let html = page.body;
    assert!(html.contains("Custody record of Sam Smith"), "the custody suite's words: {html}");
    assert!(html.contains("Deadline (London time)") && !html.contains("Amsterdam"));
    // PACE s41: 24 hours from the relevant time, 08:45 at the station (GMT in November).
    assert!(html.contains("PACE 1984 s41") && html.contains("2026-11-23 08:45"), "{html}");
    assert!(html.contains("Indictable offence (PACE 1984 s42)"));
    for dutch in ["art. 67 Sv", " Sv", "ZSM case", "ZSM table", "Politiewet", "ophouden"] {
        assert!(!html.contains(dutch), "no Dutch `{dutch}` at an England and Wales custody suite");
    }
    let decision = table.prosecutor.visit(&format!("{case}/decision")).await.body;
    assert!(decision.contains("Charging decision on the case of Sam Smith"), "{decision}");
    assert!(!decision.contains(" Sv") && decision.contains("PACE 1984 s37(7)(d)"));
    let board = table.prosecutor.visit("/zsm/custody-london/board").await.body;
    assert!(board.contains("Smith") && !board.contains(" Sv") && !board.contains("ZSM table"), "{board}");

    // The Dutch table in the same deployment keeps its own words, statutes and time.
    let utrecht = register_at(&table, "zsm-utrecht", "de Vries").await;
    let dutch = table.prosecutor.visit(&utrecht).await.body;
    assert!(dutch.contains("ZSM case of Sam de Vries") && dutch.contains("Deadline (Amsterdam time)"));
    assert!(dutch.contains("art. 67 Sv") && !dutch.contains("PACE"));
}

#[tokio::test]
async fn a_turin_office_shows_the_validation_clocks_in_rome_time_and_in_italian() {
    let table = table().await;
    location(&table, "torino", "Procura di Torino", "italy").await;
    let case = register_at(&table, "torino", "Rossi").await;
    assert_eq!(table.prosecutor.get("/language/it").await.status(), 303);
    // The prosecutor signed in through the form keeps the language cookie.
    let page = table.prosecutor.visit(&case).await.body;
    assert!(page.contains("<html lang=\"it\">"), "{page}");
    assert!(page.contains("Arresto di Sam Rossi") && page.contains("Scadenza (ora italiana)"), "{page}");
    // Arrested 08:30 in Rome: at the prosecutor's disposal by 08:30 the next day (art. 386 c. 3).
    assert!(page.contains("Messa a disposizione del pubblico ministero") && page.contains("art. 386 c. 3 c.p.p."));
    assert!(page.contains("2026-11-23 08:30") && page.contains("Limite costituzionale per la convalida (96 ore)"));
    assert!(!page.contains(" Sv") && !page.contains("PACE"), "nothing Dutch or English: {page}");
}

/// A Safety House names its pack (migration 0032): an IOM hub under the England and Wales pack
/// in a Dutch deployment runs "IOM meetings"; the Dutch Safety House beside it, case conferences.
#[tokio::test]
async fn a_safety_house_works_under_the_pack_it_names() {
    use domain::access::Role;
    use domain::directory::{AgencyKind, DirectoryStore};
    let app = crate::support::app().in_english().sqlite().await;
    let hub = app.agency("IOM Hub Manchester", AgencyKind::SafetyHouse).await;
    let house = app.agency("Zorg- en Veiligheidshuis Utrecht", AgencyKind::SafetyHouse).await;
    app.member(&hub, "lee", &[Role::ProcessManager]).await;
    app.member(&house, "noor", &[Role::ProcessManager]).await;
    app.store.set_agency_pack(hub.id, Some("england-wales")).await.unwrap();
    assert_eq!(app.store.agency_packs().await.unwrap(), vec![(hub.id, "england-wales".to_string())]);
    let iom = app.sign_in("lee").await.visit("/conferences").await.body;
    assert!(iom.contains("<h1>Integrated Offender Management (IOM) meetings</h1>"), "{iom}");
    assert!(iom.contains(">IOM meetings</a>"), "the menu too");
    let dutch = app.sign_in("noor").await.visit("/conferences").await.body;
    assert!(dutch.contains("<h1>Case conferences</h1>") && !dutch.contains("IOM meetings"), "{dutch}");
}

/// A location keeps the time zone it was created with: its clocks are computed and shown in
/// that zone, and the deadline heading names it (not the pack's home zone).
#[tokio::test]
async fn a_location_in_its_own_time_zone_shows_its_clocks_in_that_zone() {
    let table = table().await;
    let utrecht = table.app.store.location("zsm-utrecht").await.unwrap().unwrap();
    let location = ZsmLocation {
        code: "custody-brussels".into(),
        name: "Liaison custody suite".into(),
        pack: "england-wales".into(),
        agencies: utrecht.agencies,
        time_zone: Some("Europe/Brussels".into()),
    };
    table.app.store.create_location(&location, table.app.now()).await.unwrap();
    assert_eq!(table.app.store.location("custody-brussels").await.unwrap().unwrap(), location);
    let case = register_at(&table, "custody-brussels", "Smith").await;
    let html = table.prosecutor.visit(&case).await.body;
    assert!(html.contains("Deadline (Europe/Brussels)") && !html.contains("London time"), "{html}");
    // Arrived 08:45 Brussels time (07:45 UTC): 24 hours on, read in Brussels time.
    assert!(html.contains("2026-11-22 08:45") && html.contains("2026-11-23 08:45"), "{html}");
    let id: domain::ids::CaseId = case.rsplit('/').next().unwrap().parse().unwrap();
    let stored = table.app.store.case(id).await.unwrap().unwrap();
    assert_eq!(stored.clocks[0].deadline.to_string(), "2026-11-23T07:45:00Z");
}

/// At a custody suite the custody officer records the superintendent's authorisation (PACE
/// s42, to 36 hours) and the magistrates' court's warrant (s43); a prosecutor's office is not
/// needed for either, and each is offered only as often as the pack allows.
#[tokio::test]
async fn the_custody_officer_records_the_pace_extensions() {
    let table = table().await;
    location(&table, "custody-london", "Charing Cross custody suite", "england-wales").await;
    let case = register_at(&table, "custody-london", "Smith").await;
    let page = table.police.visit(&case).await.body;
    assert!(page.contains("value=\"superintendent\"") && page.contains("value=\"warrant_of_further_detention\""));
    let extend = format!("{case}/clocks/pace_detention/extend");
    let basis = "Supt. A. Coleman: evidence still being secured";
    let page =
        table.police.submit(&extend, &[("extension", "superintendent"), ("basis", basis), ("version", "1")]).await;
    assert_eq!(page.status, 200, "{}", page.body);
    // 08:45 + 36 hours.
    assert!(page.body.contains("2026-11-23 20:45") && page.body.contains("Extended (superintendent)"), "{}", page.body);
    assert!(!page.body.contains("value=\"superintendent\""), "s42 is granted once");
    let warrant =
        [("extension", "warrant_of_further_detention"), ("basis", "Warrant, Westminster MC"), ("version", "2")];
    let page = table.police.submit(&extend, &warrant).await;
    assert_eq!(page.status, 200, "{}", page.body);
    // A warrant adds at most 36 hours: 08:45 + 72 hours.
    assert!(page.body.contains("2026-11-25 08:45"), "{}", page.body);
}

/// A person's pages follow the pack of the Safety House on their team: someone the IOM hub works
/// with is screened on the resettlement pathways in a Dutch deployment; someone of the Dutch
/// Safety House on the Dutch life domains.
#[tokio::test]
async fn a_persons_pages_follow_the_pack_of_their_safety_house() {
    use domain::access::Role;
    use domain::directory::{AgencyKind, DirectoryStore};
    let app = crate::support::app().in_english().sqlite().await;
    let hub = app.agency("IOM Hub Manchester", AgencyKind::SafetyHouse).await;
    let house = app.agency("Zorg- en Veiligheidshuis Utrecht", AgencyKind::SafetyHouse).await;
    let lee = app.member(&hub, "lee", &[Role::ProcessManager]).await;
    let noor = app.member(&house, "noor", &[Role::ProcessManager]).await;
    app.store.set_agency_pack(hub.id, Some("england-wales")).await.unwrap();
    let english = app.person(&lee, "Doyle", "111222333").await;
    let dutch = app.person(&noor, "de Vries", "123456782").await;
    let form = app.sign_in("lee").await.visit(&format!("/people/{english}/screenings/new")).await;
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(form.body.contains("Education, training and employment"), "{}", form.body);
    let form = app.sign_in("noor").await.visit(&format!("/people/{dutch}/screenings/new")).await;
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(!form.body.contains("Education, training and employment"), "{}", form.body);
    let plan = app.sign_in("lee").await.visit(&format!("/people/{english}/plan")).await;
    assert_eq!(plan.status, 200, "{}", plan.body);
}
