//! The mayor's measures, intensive case management and the group approach over a real server:
//! each bad input re-renders the page with an error summary and a 422 and saves nothing; the
//! warnings appear on the person's plan page and on the weekly review; an agency off the
//! person's team is refused with a 403.

use crate::support;
use crate::support::teams::measures_cast;
use crate::support::{Client, input_value, refs, spawn_app};
use domain::Clock;
use domain::access::Role;
use domain::audit::AuditLog;
use domain::directory::AgencyKind;
use reqwest::StatusCode;

/// Posts `fields` and expects the page again with an error summary linking to `anchor`, with
/// `message` in it, and a 422.
async fn refused(client: &Client, path: &str, fields: &[(&str, &str)], anchor: &str, message: &str) {
    let response = client.post_form(path, fields).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{path} {fields:?}");
    let html = response.text().await.unwrap();
    assert!(html.contains("error-summary"), "{html}");
    assert!(html.contains(&format!("href=\"#{anchor}\"")), "{anchor} not linked: {html}");
    assert!(html.contains(&format!("id=\"{anchor}\"")), "{anchor} is not a field on the page");
    assert!(html.contains(message), "{message} missing: {html}");
}

async fn accepted(client: &Client, path: &str, fields: &[(&str, &str)]) -> String {
    let response = client.post_form(path, fields).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path} {fields:?}: {}", response.text().await.unwrap());
    response.headers()["location"].to_str().unwrap().to_string()
}

async fn page(client: &Client, path: &str) -> String {
    let response = client.get(path).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.text().await.unwrap()
}

#[tokio::test]
async fn an_exclusion_order_runs_its_clock_refuses_extension_past_the_maximum_and_warns() {
    let s = measures_cast(spawn_app().await).await;
    let client = s.app.session_for(&s.mayor).await;
    let path = format!("/people/{}/measures/exclusion-orders", s.excluded);
    let victims = s.victim.to_string();
    let children = format!("/people/{}", s.child);
    let elsewhere = s.elsewhere.to_string();
    let order = |victims: &'static str| {
        vec![("form", "order_new"), ("victims", victims), ("address", "Dorpsstraat 1"), ("decision_ref", "HV-1")]
    };
    // Bad input: each re-renders with the field named, nothing saved.
    refused(&client, &path, &order(""), "order_new-victims", "noem ten minste één persoon").await;
    refused(&client, &path, &order("geen-nummer"), "order_new-victims", "geef het nummer van de persoon").await;
    let mut not_ours = order("");
    not_ours[1].1 = &elsewhere;
    refused(&client, &path, &not_ours, "order_new-victims", "zit niet in het team van deze persoon").await;
    let mut future = order("");
    future[1].1 = &victims;
    future.push(("imposed_at", "2026-12-01T10:00"));
    refused(&client, &path, &future, "order_new-imposed_at", "voordat het is opgelegd").await;
    let mut no_address = order("");
    no_address[1].1 = &victims;
    no_address[2].1 = " ";
    refused(&client, &path, &no_address, "order_new-address", "geef het adres").await;
    assert_eq!(s.app.count("measure").await, 0, "nothing saved");

    let mut good = order("");
    good[1].1 = &victims;
    good.push(("children", &children));
    good.push(("imposed_at", "2026-11-20T10:00"));
    assert_eq!(accepted(&client, &path, &good).await, format!("/people/{}/measures", s.excluded));
    let html = page(&client, &format!("/people/{}/measures", s.excluded)).await;
    assert!(html.contains("2026-11-30 10:00"), "ten local days after imposition: {html}");
    assert!(html.contains("10 van ten hoogste 28 dagen"));
    assert!(html.contains("Wet tijdelijk huisverbod"), "the statute is cited");
    let id = input_value(&html, "order");

    // Extending past the legal maximum is refused with the statute; nothing changes.
    let change = format!("/people/{}/measures/exclusion-orders/change", s.excluded);
    let extend =
        |days: &'static str| vec![("form", "order_extend"), ("to_total_days", days), ("decision_ref", "HV-1-V")];
    let mut too_long = extend("29");
    too_long.push(("order", &id));
    let anchor = format!("order_extend-{id}-to_total_days");
    refused(&client, &change, &too_long, &anchor, "meer dan het wettelijk maximum van 28 dagen").await;
    let mut zero = extend("0");
    zero.push(("order", &id));
    refused(&client, &change, &zero, &anchor, "langer maken dan de huidige 10 dagen").await;
    assert_eq!(s.app.count("measure_event").await, 1);
    assert!(page(&client, &format!("/people/{}/measures", s.excluded)).await.contains("10 van ten hoogste 28 dagen"));
    let mut twenty = extend("20");
    twenty.push(("order", &id));
    // An extension needs the advice on extension first (or a reason why not): probation gives it.
    let anchor = format!("order_extend-{id}-without_advice_reason");
    refused(&client, &change, &twenty, &anchor, "leg eerst het advies over verlenging vast").await;
    let probation = s.app.session_for(&s.officer).await;
    accepted(
        &probation,
        &change,
        &[("form", "order_advice"), ("order", &id), ("advice", "Verlengen: dreiging blijft")],
    )
    .await;
    assert_eq!(
        probation.post_form(&change, &twenty).await.status(),
        StatusCode::FORBIDDEN,
        "probation does not decide"
    );
    accepted(&client, &change, &twenty).await;

    // Help for the child, owned by probation, then started.
    let (child, owner) = (s.child.to_string(), s.probation.id.to_string());
    let help =
        [("form", "order_help"), ("order", &id), ("for_person", &child), ("owner", &owner), ("description", " ")];
    refused(&client, &change, &help, &format!("order_help-{id}-description"), "schrijf welke hulp het is").await;
    let mut help = help.to_vec();
    help[4].1 = "Gesprek jeugdteam";
    accepted(&client, &change, &help).await;

    // The victim's page shows the order too, with the victim's role.
    let victim_page = page(&client, &format!("/people/{}/measures", s.victim)).await;
    assert!(victim_page.contains("HV-1") && victim_page.contains("slachtoffer"), "{victim_page}");

    // Near its end the order warns on the plan page and the weekly review.
    s.app.clock.set("2026-12-09T09:00:00Z".parse().unwrap());
    let client = s.app.session_for(&s.officer).await;
    let plan = page(&client, &format!("/people/{}/plan", s.excluded)).await;
    assert!(plan.contains("Het huisverbod loopt af op 2026-12-10 10:00"), "{plan}");
    assert!(plan.contains("Tijdelijk huisverbod HV-1, tot 2026-12-10 10:00"), "the order is on the plan: {plan}");
    assert!(plan.contains(&format!("/people/{}/measures", s.excluded)), "the plan links to the measures");
    // The page, measures included, is one authorised read of the person's file on record.
    let trail = s.app.store.audit_for_person(s.excluded, 50).await.unwrap();
    let reads = trail.iter().filter(|a| a.entry.at == s.app.clock.now() && a.entry.what.starts_with("plan page"));
    assert_eq!(reads.map(|a| a.entry.what.as_str()).collect::<Vec<_>>(), ["plan page"]);
    let review = page(&client, "/reviews/weekly").await;
    assert!(review.contains("Het huisverbod loopt af op 2026-12-10 10:00"), "{review}");
    assert!(review.contains("Hulp bij het huisverbod had uiterlijk 2026-11-30 10:00 moeten starten"), "{review}");

    // An agency off the team sees nothing and changes nothing.
    let stranger = s.app.session_for(&s.stranger).await;
    assert_eq!(stranger.get(&format!("/people/{}/measures", s.excluded)).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(stranger.post_form(&change, &twenty).await.status(), StatusCode::FORBIDDEN);
    assert!(!page(&stranger, "/reviews/weekly").await.contains("huisverbod loopt af"));
}

#[tokio::test]
async fn an_area_ban_refuses_dates_in_the_wrong_order_and_warns_before_it_ends() {
    let s = measures_cast(spawn_app().await).await;
    let client = s.app.session_for(&s.mayor).await;
    let path = format!("/people/{}/measures/area-bans", s.excluded);
    let ban = |starts: &'static str, ends: &'static str| {
        [("form", "ban_new"), ("area", "Centrum"), ("decision_ref", "GB-1"), ("starts_on", starts), ("ends_on", ends)]
    };
    refused(&client, &path, &ban("2026-11-30", "2026-11-01"), "ban_new-ends_on", "op of na de dag waarop het begint")
        .await;
    refused(&client, &path, &ban("2026-11-01", "morgen"), "ban_new-ends_on", "Vul een bestaande datum in").await;
    assert_eq!(s.app.count("measure").await, 0);
    accepted(&client, &path, &ban("2026-11-01", "2026-11-26")).await;
    let plan = page(&client, &format!("/people/{}/plan", s.excluded)).await;
    assert!(plan.contains("Het gebiedsverbod voor Centrum loopt af op 2026-11-26 (nog 4 dagen)"), "{plan}");
    assert!(plan.contains("Gebiedsverbod voor Centrum, tot en met 2026-11-26"), "the ban is on the plan: {plan}");
    let id = input_value(&page(&client, &format!("/people/{}/measures", s.excluded)).await, "ban");
    let change = format!("/people/{}/measures/area-bans/change", s.excluded);
    let shorter = [("form", "ban_extend"), ("ban", &id), ("ends_on", "2026-11-20"), ("decision_ref", "GB-2")];
    refused(&client, &change, &shorter, &format!("ban_extend-{id}-ends_on"), "later eindigen dan 2026-11-26").await;
    let lift = [("form", "ban_lift"), ("ban", &id), ("reason", "")];
    refused(&client, &change, &lift, &format!("ban_lift-{id}-reason"), "geef de reden van intrekken").await;
    assert_eq!(s.app.count("measure_event").await, 1);
    accepted(&client, &change, &[("form", "ban_lift"), ("ban", &id), ("reason", "verhuisd")]).await;
    assert!(
        !page(&client, &format!("/people/{}/plan", s.excluded)).await.contains("gebiedsverbod voor Centrum loopt af")
    );
}

#[tokio::test]
async fn an_episode_refuses_zero_weeks_and_is_flagged_when_it_falls_behind() {
    let s = measures_cast(spawn_app().await).await;
    let client = s.app.session_for(&s.officer).await;
    let path = format!("/people/{}/measures/episodes", s.excluded);
    let manager = s.officer.member_id.to_string();
    let stranger = s.stranger.member_id.to_string();
    let start = |manager: &str, weeks: &'static str| {
        vec![
            ("form".to_string(), "episode_new".to_string()),
            ("case_manager".into(), manager.to_string()),
            ("weeks".into(), weeks.into()),
            ("contacts_per_week".into(), "2".into()),
        ]
    };
    refused(&client, &path, &refs(&start(&manager, "0")), "episode_new-weeks", "ten minste één week").await;
    refused(&client, &path, &refs(&start(&manager, "vier")), "episode_new-weeks", "geef een heel getal").await;
    refused(&client, &path, &refs(&start(&stranger, "4")), "episode_new-case_manager", "in het team van de persoon")
        .await;
    assert_eq!(s.app.count("measure").await, 0);
    accepted(&client, &path, &refs(&start(&manager, "4"))).await;
    let id = input_value(&page(&client, &format!("/people/{}/measures", s.excluded)).await, "episode");
    let change = format!("/people/{}/measures/episodes/change", s.excluded);
    let contact =
        |on: &'static str| [("form", "episode_contact"), ("episode", id.as_str()), ("on", on), ("kind", "phone")];
    refused(&client, &change, &contact("2026-11-23"), &format!("episode_contact-{id}-on"), "niet in de toekomst").await;
    refused(&client, &change, &contact("2026-11-01"), &format!("episode_contact-{id}-on"), "vóór de start").await;
    accepted(&client, &change, &contact("2026-11-22")).await;

    // Two weeks on with one contact: behind (one of four).
    s.app.clock.set("2026-12-07T09:00:00Z".parse().unwrap());
    let client = s.app.session_for(&s.officer).await;
    let measures = page(&client, &format!("/people/{}/measures", s.excluded)).await;
    assert!(measures.contains("1 van 4 contacten"), "{measures}");
    assert!(page(&client, "/reviews/weekly").await.contains("1 van 4 contacten"));
    let close = [("form", "episode_close"), ("episode", id.as_str()), ("reason", "")];
    refused(&client, &change, &close, &format!("episode_close-{id}-reason"), "geef de reden").await;
    accepted(&client, &change, &[("form", "episode_close"), ("episode", id.as_str()), ("reason", "doel bereikt")])
        .await;
    assert!(!page(&client, "/reviews/weekly").await.contains("1 van 4 contacten"), "closed episodes are not flagged");
}

#[tokio::test]
async fn a_group_shows_its_members_progress_and_refuses_members_off_the_team() {
    let s = measures_cast(spawn_app().await).await;
    let app = &s.app;
    let safety_house = app.agency("Zorg- en Veiligheidshuis Amsterdam", AgencyKind::SafetyHouse).await;
    let manager = app.member(&safety_house, "noor", &[Role::ProcessManager]).await;
    let client = app.session_for(&manager).await;
    let core = app.person(&manager, "Bouzid", &support::valid_bsn(11)).await;
    let follower = app.person(&manager, "Koster", &support::valid_bsn(12)).await;
    refused(&client, "/groups", &[("name", " "), ("area", "Slotermeer")], "name", "geef de groep een naam").await;
    assert_eq!(app.count("measure").await, 0);
    let group = accepted(&client, "/groups", &[("name", "Jongeren Slotermeer"), ("area", "Slotermeer")]).await;
    let members = format!("{group}/members");
    let add = |person: &str, class: &'static str| {
        vec![
            ("form".to_string(), "add".to_string()),
            ("person".into(), person.to_string()),
            ("class".into(), class.into()),
        ]
    };
    accepted(&client, &members, &refs(&add(&core.to_string(), "core"))).await;
    refused(&client, &members, &refs(&add(&s.elsewhere.to_string(), "core")), "person", "zit niet in het team").await;
    refused(&client, &members, &refs(&add(&follower.to_string(), "leider")), "class", "kies kern, meeloper of risico")
        .await;
    refused(&client, &members, &refs(&add(&core.to_string(), "core")), "person", "al lid van de groep").await;
    assert_eq!(app.count("measure_event").await, 2, "formed and one member added");

    // The follower joins from their own measures page; their plan is drafted.
    let join = format!("/people/{follower}/measures/groups");
    let group_id = group.trim_start_matches("/groups/").to_string();
    accepted(&client, &join, &[("form", "group_join"), ("group", &group_id), ("class", "follower")]).await;
    accepted(&client, &format!("/people/{follower}/plan"), &[]).await;
    let html = page(&client, &group).await;
    assert!(html.contains("Bouzid") && html.contains("Koster"), "{html}");
    assert!(html.contains("kern") && html.contains("meeloper"));
    assert!(html.contains("Concept"), "the follower's draft plan shows: {html}");
    assert!(html.contains("Leden zonder plan: 1"), "{html}");

    // Another agency's process manager sees the group but not the members it is not on the team of.
    let other = app.session_for(&s.stranger).await;
    let theirs = page(&other, &group).await;
    assert!(!theirs.contains("Bouzid") && theirs.contains("niet getoond"), "{theirs}");
    // A role without plan management sees no groups.
    let police = app.agency("Politie", AgencyKind::Police).await;
    let constable = app.member(&police, "kees", &[Role::PoliceOfficer]).await;
    assert_eq!(app.session_for(&constable).await.get("/groups").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.session_for(&constable).await.get(&group).await.status(), StatusCode::FORBIDDEN);
}
