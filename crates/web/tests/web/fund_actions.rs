//! The fund's page's actions on an order (issue 20), on SQLite and PostgreSQL: the buttons that
//! act on one order — approve and cancel while it waits, pay and cancel once it may be paid —
//! stand together in one row (a `button-group`, apart from each other, not stacked four pixels
//! apart), and each button's accessible name says which order it acts on (what, for whom, how
//! much), from the message catalogue; the cancel button beside "pay" sends its own form, which
//! cancels the order and nothing else. The funds list offers opening a fund, the reports and
//! project groups only to a member whose roles keep funds.

use crate::support;
use crate::support::{Client, TestApp, api_call};
use domain::access::Role;
use domain::directory::AgencyKind;
use reqwest::{Method, StatusCode};
use serde_json::json;

fn uuid() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// The text a screen reader names the button `id` by: its content without tags, spaces folded.
fn button_name(html: &str, id: &str) -> String {
    let at = html.find(&format!("id=\"{id}\"")).unwrap_or_else(|| panic!("no button {id}: {html}"));
    let from = at + html[at..].find('>').unwrap() + 1;
    let inner = &html[from..from + html[from..].find("</button>").unwrap()];
    let mut text = String::new();
    let mut in_tag = false;
    for c in inner.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The `<div class="button-group">` that holds the button `id`, up to its end.
fn group_of<'a>(html: &'a str, id: &str) -> &'a str {
    let at = html.find(&format!("id=\"{id}\"")).unwrap_or_else(|| panic!("no button {id}"));
    let start = html[..at].rfind("<div class=\"button-group\">").unwrap_or_else(|| panic!("{id} is in no group"));
    let end = at + html[at..].find("</div>").unwrap();
    assert!(!html[start..at].contains("</div>"), "{id} is not inside the group: {}", &html[start..end]);
    &html[start..end]
}

async fn page(client: &Client, path: &str) -> String {
    let response = client.get(path).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.text().await.unwrap()
}

async fn journey(app: TestApp) {
    let probation = app.agency("Reclassering Den Haag", AgencyKind::Probation).await;
    let officer = app.member(&probation, "officer", &[Role::ProbationOfficer]).await;
    let approver = app.member(&probation, "approver", &[Role::ProbationOfficer]).await;
    let person = app.person(&officer, "Hoekstra", "111222333").await;
    let requester = app.session_for(&officer).await;
    let second = app.session_for(&approver).await;
    let new_fund = json!({"name": "Stroom volwassenen", "kind": "stream", "stream": "adults",
        "period_start": "2026-01-01", "period_end": "2026-12-31", "budget_cents": 100_000, "approval_above_cents": 25_000});
    let (status, fund) = api_call(&requester, Method::POST, "/api/v1/funds", Some(new_fund)).await;
    assert_eq!(status, StatusCode::CREATED, "{fund}");
    let fund = fund["id"].as_str().unwrap().to_string();
    let transfers = format!("/api/v1/funds/{fund}/transfers");
    let allocate = json!({"id": uuid(), "kind": "allocate", "person_id": person.to_string(), "amount_cents": 80_000,
        "description": "Persoonlijk budget"});
    assert_eq!(api_call(&requester, Method::POST, &transfers, Some(allocate)).await.0, StatusCode::CREATED);
    let order = |cents: i64, what: &str| {
        json!({"id": uuid(), "kind": "commit", "person_id": person.to_string(), "amount_cents": cents,
            "description": what, "goal": "Weer naar mijn werk kunnen"})
    };
    // A bike above the €250 threshold (waits for a second colleague), a bus card below it.
    let (_, bike) = api_call(&requester, Method::POST, &transfers, Some(order(30_000, "Fiets"))).await;
    let (_, card) = api_call(&requester, Method::POST, &transfers, Some(order(2_500, "OV-kaart"))).await;
    let (bike, card) = (bike["id"].as_str().unwrap().to_string(), card["id"].as_str().unwrap().to_string());
    let ledger = format!("/funds/{fund}");

    // The requester: cancelling the waiting order (never approving it), named for what it is.
    let html = page(&requester, &ledger).await;
    assert!(!html.contains(&format!("id=\"approve-{bike}\"")), "never the requester");
    group_of(&html, &format!("void-{bike}"));
    assert_eq!(button_name(&html, &format!("void-{bike}")), "Bestelling annuleren: Fiets voor Jan Hoekstra, € 300,00");

    // The second colleague: approve and cancel side by side, in one group, each naming the order.
    let html = page(&second, &ledger).await;
    let group = group_of(&html, &format!("approve-{bike}"));
    assert!(group.contains(&format!("id=\"void-{bike}\"")), "approve and cancel in one row: {group}");
    assert_eq!(button_name(&html, &format!("approve-{bike}")), "Goedkeuren: Fiets voor Jan Hoekstra, € 300,00");
    // The order that may be paid: pay and cancel in one row inside the paying form; the cancel
    // button sends the cancelling form, which exists apart from it.
    let group = group_of(&html, &format!("post-{card}"));
    assert!(group.contains(&format!("id=\"void-{card}\"")), "pay and cancel in one row: {group}");
    assert!(group.contains(&format!("form=\"void-form-{card}\"")), "{group}");
    let void_form = &html[html.find(&format!("id=\"void-form-{card}\"")).unwrap()..];
    let void_form = &void_form[..void_form.find("</form>").unwrap()];
    assert!(void_form.contains("name=\"action\" value=\"void\""), "{void_form}");
    assert_eq!(
        button_name(&html, &format!("post-{card}")),
        "Als betaald vastleggen: OV-kaart voor Jan Hoekstra, € 25,00"
    );
    assert_eq!(
        button_name(&html, &format!("void-{card}")),
        "Bestelling annuleren: OV-kaart voor Jan Hoekstra, € 25,00"
    );

    // The cancel button's form, as the browser sends it: that order is cancelled, the other stays.
    let void_id = uuid();
    let cancelled = second
        .post_form(&format!("{ledger}/commitments/{card}"), &[("action", "void"), ("transfer_id", &void_id)])
        .await;
    assert_eq!(cancelled.status(), StatusCode::SEE_OTHER);
    let html = page(&second, &ledger).await;
    assert!(!html.contains(&format!("id=\"post-{card}\"")), "the bus card is cancelled");
    assert!(html.contains(&format!("id=\"approve-{bike}\"")), "the bike still waits");

    // The funds list offers opening a fund, the reports and project groups to a keeper only: a
    // mentor, whose roles keep no fund, is not sent to pages that refuse them.
    let keeper = page(&requester, "/funds").await;
    for link in ["open-fund-link", "fund-reports-link", "project-groups-link"] {
        assert!(keeper.contains(&format!("id=\"{link}\"")), "{link}: {keeper}");
    }
    let mentor = app.member_of_new_agency("Humanitas", AgencyKind::Mentoring, "henk", Role::Mentor).await;
    let mentor = app.session_for(&mentor).await;
    let theirs = page(&mentor, "/funds").await;
    assert!(!theirs.contains("button-group") && !theirs.contains("/funds/reports"), "{theirs}");
    assert_eq!(mentor.get("/funds/reports").await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_orders_actions_stand_in_one_row_each_named_for_the_order_on_sqlite() {
    journey(support::spawn_app().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_orders_actions_stand_in_one_row_each_named_for_the_order_on_postgres() {
    if let Some(app) = support::spawn_postgres().await {
        journey(app).await;
    }
}
