//! Purchases name the goal of the person's plan they serve (issue 20), on SQLite and
//! PostgreSQL: the keeper's form offers the plan's goals in the person's words and refuses an
//! order without one (422, the field named); the API takes `goal_id`, refuses a goal from
//! elsewhere, and still answers a client that names no goal (its description stands for the
//! goal, kept as words); the reports group by the goal and read from the plan that it was
//! reached; and the fund's own goal table counts exactly what the reports count, a project
//! group's spend included.

use crate::support;
use crate::support::{TestApp, api_call, problem_fields};
use domain::access::Role;
use domain::directory::AgencyKind;
use reqwest::{Method, StatusCode};
use serde_json::json;

fn uuid() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// The rows of the first table after `marker` in `html`, each as its cells' text (tags dropped).
fn table_rows(html: &str, marker: &str) -> Vec<Vec<String>> {
    let from = html.find(marker).unwrap_or_else(|| panic!("{marker} in the page"));
    let rest = &html[from..];
    let body = &rest[rest.find("<tbody>").unwrap() + 7..rest.find("</tbody>").unwrap()];
    body.split("<tr>")
        .filter(|row| !row.trim().is_empty())
        .map(|row| {
            let mut cells = Vec::new();
            let mut text = row;
            while let Some(open) = text.find("<t") {
                let after = &text[open..];
                let start = after.find('>').unwrap() + 1;
                let end = after.find("</t").unwrap();
                cells.push(after[start..end].replace("&#8220;", "“").replace("&#8221;", "”").trim().to_string());
                text = &after[end + 3..];
            }
            cells
        })
        .collect()
}

async fn journey(app: TestApp) {
    let probation = app.agency("Reclassering Den Haag", AgencyKind::Probation).await;
    let house = app.agency("Zorg- en Veiligheidshuis Haaglanden", AgencyKind::SafetyHouse).await;
    let officer = app.member(&probation, "officer", &[Role::ProbationOfficer]).await;
    let manager = app.member(&house, "procesregisseur", &[Role::ProcessManager]).await;
    let person = app.person_on_team(&officer, "Hoekstra", "111222333", &[&house]).await;
    let other = app.person(&officer, "Bakker", "123456782").await;
    let client = app.session_for(&officer).await;
    let noor = app.session_for(&manager).await;

    // The person's plan: two goals in their words; the work goal's one task done.
    let plan = format!("/api/v1/people/{person}/plan");
    assert_eq!(api_call(&noor, Method::POST, &plan, None).await.0, StatusCode::CREATED);
    let mut goals = Vec::new();
    for (domain, words) in [("work_and_daytime", "Weer werken in een magazijn"), ("housing", "Een eigen kamer")] {
        let goal = json!({"domain": domain, "in_own_words": words, "agreed_by_person": true});
        let (status, goal) = api_call(&noor, Method::POST, &format!("{plan}/goals"), Some(goal)).await;
        assert_eq!(status, StatusCode::CREATED, "{goal}");
        goals.push(goal["id"].as_str().unwrap().to_string());
    }
    let task = json!({"description": "Heftruckcursus regelen", "kind": "care", "goal": goals[0],
        "owner_agency": probation.id.to_string(), "due": "2026-12-10"});
    let (status, task) = api_call(&noor, Method::POST, &format!("{plan}/tasks"), Some(task)).await;
    assert_eq!(status, StatusCode::CREATED, "{task}");
    let activation = json!({"seen_plan_status": "draft"});
    assert_eq!(api_call(&noor, Method::POST, &format!("{plan}/activation"), Some(activation)).await.0, StatusCode::OK);
    let done = json!({"status": "done", "seen_status": "open"});
    let task_status = format!("{plan}/tasks/{}/status", task["id"].as_str().unwrap());
    assert_eq!(api_call(&client, Method::POST, &task_status, Some(done)).await.0, StatusCode::OK);

    // A grant pot (it allocates to people and grants to groups), with money for the person.
    let new_fund = json!({"name": "Projecten en personen", "kind": "grant_pot", "stream": "adults", "period_start": "2026-01-01",
        "period_end": "2026-12-31", "budget_cents": 100_000, "approval_above_cents": 50_000});
    let (_, fund) = api_call(&client, Method::POST, "/api/v1/funds", Some(new_fund)).await;
    let fund_id = fund["id"].as_str().unwrap().to_string();
    let transfers = format!("/api/v1/funds/{fund_id}/transfers");
    let allocate = json!({"id": uuid(), "kind": "allocate", "person_id": person.to_string(), "amount_cents": 40_000,
        "description": "Persoonlijk budget"});
    assert_eq!(api_call(&client, Method::POST, &transfers, Some(allocate)).await.0, StatusCode::CREATED);

    // The keeper's form: the plan's goals to choose from, in the person's words; none chosen: 422.
    let statement = format!("/people/{person}/fund");
    let page = client.visit(&statement).await;
    assert!(page.body.contains("name=\"goal_id\"") && page.body.contains(&goals[1]), "{}", page.body);
    assert!(page.body.contains("Weer werken in een magazijn"));
    let order = |goal_id: &str| {
        vec![
            ("transfer_id", uuid()),
            ("fund", fund_id.clone()),
            ("kind", "commit".to_string()),
            ("amount", "95".to_string()),
            ("description", "Heftruckcursus".to_string()),
            ("goal_id", goal_id.to_string()),
        ]
    };
    let refs = |fields: &[(&'static str, String)]| fields.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>();
    let before = app.count("fund_transfer").await;
    let bare = refs(&order(""));
    let bare: Vec<(&str, &str)> = bare.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let response = client.post_form(&format!("{statement}/transfers"), &bare).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("href=\"#fund_transfer-goal_id\""));
    assert_eq!(app.count("fund_transfer").await, before, "nothing recorded");
    let chosen = refs(&order(&goals[0]));
    let chosen: Vec<(&str, &str)> = chosen.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(client.post_form(&format!("{statement}/transfers"), &chosen).await.status(), StatusCode::SEE_OTHER);

    // The API: a goal of another plan is refused; the goal chosen by id is kept with its words.
    let elsewhere = json!({"id": uuid(), "kind": "commit", "person_id": person.to_string(), "amount_cents": 100,
        "description": "Iets", "goal_id": uuid()});
    let (status, problem) = api_call(&client, Method::POST, &transfers, Some(elsewhere)).await;
    assert_eq!((status, problem_fields(&problem)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["goal_id".to_string()]));
    let room = json!({"id": uuid(), "kind": "commit", "person_id": person.to_string(), "amount_cents": 7_500,
        "description": "Borg kamer", "goal_id": goals[1]});
    let (status, room) = api_call(&client, Method::POST, &transfers, Some(room)).await;
    assert_eq!(
        (status, room["goal_id"].as_str(), room["goal"].as_str()),
        (StatusCode::CREATED, Some(goals[1].as_str()), Some("Een eigen kamer")),
        "{room}"
    );
    // A client from before goal ids: its description stands for the goal, kept as words.
    let legacy = json!({"id": uuid(), "kind": "commit", "person_id": person.to_string(), "amount_cents": 1_000,
        "description": "Bustickets"});
    let (status, legacy) = api_call(&client, Method::POST, &transfers, Some(legacy)).await;
    assert_eq!(
        (status, legacy["goal_id"].clone(), legacy["goal"].as_str()),
        (StatusCode::CREATED, json!(null), Some("Bustickets"))
    );

    // Everything open is paid with its invoice.
    let (_, ledger) = api_call(&client, Method::GET, &format!("/api/v1/funds/{fund_id}"), None).await;
    for (n, open) in ledger["open_commitments"].as_array().unwrap().iter().enumerate() {
        let post = json!({"id": uuid(), "kind": "post", "pending_id": open["id"], "invoice_ref": format!("F-{n}")});
        let (status, posted) = api_call(&client, Method::POST, &transfers, Some(post)).await;
        assert_eq!(status, StatusCode::CREATED, "{posted}");
    }

    // A project group's grant and purchase, which both goal tables must count.
    let group_id = garden_group(&client, &[person.to_string(), other.to_string()]).await;
    let grant = json!({"id": uuid(), "kind": "grant", "group_id": group_id, "amount_cents": 30_000,
        "description": "Zaad en gereedschap", "goal": "Samen iets opbouwen"});
    let (_, grant) = api_call(&client, Method::POST, &transfers, Some(grant)).await;
    let paid = json!({"id": uuid(), "kind": "post", "pending_id": grant["id"]});
    assert_eq!(api_call(&client, Method::POST, &transfers, Some(paid)).await.0, StatusCode::CREATED);
    let spade = json!({"id": uuid(), "kind": "commit", "group_id": group_id, "amount_cents": 4_200,
        "description": "Spade en hark", "goal": "Samen iets opbouwen"});
    let (_, spade) = api_call(&client, Method::POST, &transfers, Some(spade)).await;
    let post = json!({"id": uuid(), "kind": "post", "pending_id": spade["id"], "invoice_ref": "G-1"});
    assert_eq!(api_call(&client, Method::POST, &transfers, Some(post)).await.0, StatusCode::CREATED);

    // The reports and the fund's page: the same lines, the group's among them; the work goal
    // reached by the plan (its task done), the room goal being worked on.
    let reports = client.visit("/funds/reports").await;
    let report_rows: Vec<Vec<String>> =
        table_rows(&reports.body, "aria-labelledby=\"by_goal\"").into_iter().map(|r| r[..4].to_vec()).collect();
    let fund_page = client.visit(&format!("/funds/{fund_id}")).await;
    let fund_rows = table_rows(&fund_page.body, "id=\"fund-goals\"");
    let sorted = |mut rows: Vec<Vec<String>>| {
        rows.sort();
        rows
    };
    assert_eq!(sorted(fund_rows.clone()), sorted(report_rows), "the fund's goal table and the reports agree");
    assert_eq!(fund_rows.len(), 4, "{fund_rows:?}");
    assert!(fund_rows.iter().any(|r| r[1].contains("Samen iets opbouwen") && r[2] == "Spade en hark"), "{fund_rows:?}");
    let reached = table_rows(&reports.body, "aria-labelledby=\"by_goal\"");
    let line = |words: &str| {
        reached.iter().find(|r| r[1].contains(words)).unwrap_or_else(|| panic!("{words}: {reached:?}"))[4].clone()
    };
    assert_eq!(line("Weer werken in een magazijn"), "bereikt");
    assert_eq!(line("Een eigen kamer"), "wordt aan gewerkt");
    assert_eq!(line("Bustickets"), "geen doel in het plan");
    assert_eq!(line("Samen iets opbouwen"), "eigen doel van de groep");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn purchases_name_the_plan_goal_on_sqlite() {
    journey(support::spawn_app().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn purchases_name_the_plan_goal_on_postgres() {
    if let Some(app) = support::spawn_postgres().await {
        journey(app).await;
    }
}

/// Posts the project group "Moestuin Laakkwartier" (goal "Samen iets opbouwen") of `members`,
/// with their consent; the group's id.
pub(crate) async fn garden_group(client: &crate::support::Client, members: &[String]) -> String {
    let mut group = vec![
        ("name", "Moestuin Laakkwartier"),
        ("project", "Een moestuin aanleggen"),
        ("goals", "Samen iets opbouwen"),
        ("consented", "yes"),
    ];
    group.extend(members.iter().map(|member| ("members", member.as_str())));
    let made = client.post_form("/project-groups/new", &group).await;
    assert_eq!(made.status(), StatusCode::SEE_OTHER);
    made.headers()["location"].to_str().unwrap().rsplit('/').next().unwrap().to_string()
}
