//! The ZSM table over a real listener and a real database: the whole journey from police intake
//! to a settled case on the board, every bad input of issue 4 refused with a clear error and
//! nothing changed, and the walk of every ZSM route for every role on and off the case (on
//! SQLite and PostgreSQL) that the authorization matrix refers to. Need-to-know on the case page
//! is in zsm_case_page.rs, orders and referral in zsm_orders.rs.

use crate::support::zsm::{NOW, amend_version, current_version, intake, register, suspect, table, version_of, zsm_app};
use crate::support::{TestApp, input_value};
use domain::access::Role;
use domain::directory::AgencyKind;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn intake_contributions_decision_and_the_board_shows_it_settled() {
    let t = table().await;
    let lawyer_id = t.lawyer_actor.member_id.to_string();
    let case = register(&t, "Vries", &lawyer_id).await;

    let page = t.police.visit(&format!("/zsm/cases/{case}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Holding for investigation"), "the ophouden clock is shown");
    // Arrest 08:30 local; 9 counted hours from 09:00 (00:00-09:00 not counted): 18:00 local.
    assert!(page.body.contains("2026-11-22 18:00"), "deadline in Amsterdam time");
    // The case links to the suspect's person page (issue 17, item 2), and the police open it.
    let link = page.body.find("person page</a>").expect("a link to the suspect's person page");
    let href = page.body[..link].rfind("href=\"/people/").unwrap() + "href=\"/people/".len();
    let person = page.body[href..].split('"').next().unwrap();
    let person_page = t.police.visit(&format!("/people/{person}")).await;
    assert_eq!(person_page.status, 200);
    assert!(person_page.body.contains("Vries"), "{}", person_page.body);

    let board = t.prosecutor.visit("/zsm/zsm-utrecht/board").await;
    assert_eq!(board.status, 200);
    assert!(board.body.contains("Sam Vries"));
    assert!(board.body.contains("✗</span> awaited"), "contribution states as symbol and text");
    assert!(board.body.contains("/assets/board.js"));

    let v = current_version(&t.probation, &case).await;
    let scan = t
        .probation
        .submit(
            &format!("/zsm/cases/{case}/contributions/probation"),
            &[
                ("version", &v),
                ("state", "done"),
                ("advice", "screening_advised"),
                ("signal", "debt"),
                ("signal_note.debt", "huurachterstand"),
            ],
        )
        .await;
    assert_eq!(scan.status, 200, "{}", scan.body);
    let v = current_version(&t.victim_support, &case).await;
    let victim = t
        .victim_support
        .submit(
            &format!("/zsm/cases/{case}/contributions/victim_support"),
            &[
                ("version", &v),
                ("state", "done"),
                ("interests", "Schade vergoed"),
                ("damages_claim", "60,00"),
                ("wants_information", "yes"),
            ],
        )
        .await;
    assert_eq!(victim.status, 200, "{}", victim.body);
    // The rows seen before are kept per case version: the changed case shows its new states.
    let board = t.prosecutor.visit("/zsm/zsm-utrecht/board/fragment").await;
    let row = board.body.split(">Sam Vries</a>").nth(1).unwrap().split("</tr>").next().unwrap();
    assert_eq!(row.matches("✓</span> done").count(), 2, "probation and victim support done: {row}");
    let v = current_version(&t.lawyer, &case).await;
    let consult = t
        .lawyer
        .submit(
            &format!("/zsm/cases/{case}/contributions/defence_lawyer"),
            &[
                ("version", &v),
                ("state", "done"),
                ("consulted_at", "2026-11-22T10:30"),
                ("mode", "in_person"),
                ("lawyer_advice", "Accepteren, VOG-gevolgen besproken"),
                ("settlement_consequences_explained", "yes"),
                ("suspect_position", "Bekent"),
            ],
        )
        .await;
    assert_eq!(consult.status, 200, "{}", consult.body);

    let form = t.prosecutor.visit(&format!("/zsm/cases/{case}/decision")).await;
    assert_eq!(form.status, 200);
    let v = version_of(&form.body);
    let decided = t
        .prosecutor
        .submit(
            &format!("/zsm/cases/{case}/decision"),
            &[
                ("version", &v),
                ("disposal", "penalty_order"),
                ("param.penalty_order.community_service_hours", "40"),
                ("param.penalty_order.compensation_cents", "60"),
                ("reasoning", "Eerste feit, bekennend"),
            ],
        )
        .await;
    assert_eq!(decided.status, 200, "{}", decided.body);
    assert!(decided.url.ends_with("/record"));
    assert!(decided.body.contains("Decided by"));
    assert!(decided.body.contains("art. 257a Sv"));
    assert!(decided.body.contains("record-print.css"), "print stylesheet");

    let board = t.police.visit("/zsm/zsm-utrecht/board/fragment").await;
    assert_eq!(board.status, 200);
    let decided_part = board.body.split("Decided in the last 24 hours").nth(1).unwrap();
    assert!(decided_part.contains("Sam Vries"), "the case is listed as settled");
    assert!(decided_part.contains("Penalty order"));

    let metrics = t.prosecutor.visit("/zsm/zsm-utrecht/metrics?from=2026-11-20&to=2026-11-22").await;
    assert_eq!(metrics.status, 200);
    assert!(metrics.body.contains("<svg") && metrics.body.contains("Reoffending after settlement"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_bad_input_is_refused_with_a_clear_error_and_nothing_changes() {
    let t = table().await;
    let suspect = t.person("Bakker").await.to_string();

    let before = t.app.count("zsm_case").await;
    let arrival_first = t
        .police
        .submit("/zsm/cases", &intake(&suspect, "2026-11-22T08:30", "2026-11-22T08:00", "2026-11-22", ""))
        .await;
    assert_eq!(arrival_first.status, 422);
    assert!(arrival_first.body.contains("Arrival at the station cannot be before the arrest"));
    assert!(arrival_first.body.contains("href=\"#arrived_at\""), "the summary links to the field");
    let future_offence = t
        .police
        .submit("/zsm/cases", &intake(&suspect, "2026-11-22T08:30", "2026-11-22T08:40", "2026-11-25", ""))
        .await;
    assert_eq!(future_offence.status, 422);
    assert!(future_offence.body.contains("is in the future"));
    assert_eq!(t.app.count("zsm_case").await, before, "nothing registered");

    let case = register(&t, "Bakker", "").await;
    let v = current_version(&t.prosecutor, &case).await;
    let decide = |fields: Vec<(&'static str, String)>| {
        let case = case.clone();
        let client = &t.prosecutor;
        async move {
            let owned: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            client.submit(&format!("/zsm/cases/{case}/decision"), &owned).await
        }
    };
    let unknown =
        decide(vec![("version", v.clone()), ("disposal", "public_flogging".into()), ("reasoning", "x".into())]).await;
    assert_eq!(unknown.status, 422);
    assert!(unknown.body.contains("There is no disposal public_flogging"));
    let negative = decide(vec![
        ("version", v.clone()),
        ("disposal", "penalty_order".into()),
        ("param.penalty_order.fine_cents", "-50".into()),
        ("reasoning", "x".into()),
    ])
    .await;
    assert_eq!(negative.status, 422);
    assert!(negative.body.contains("An amount cannot be negative"));
    let missing_lawyer = decide(vec![
        ("version", v.clone()),
        ("disposal", "penalty_order".into()),
        ("param.penalty_order.community_service_hours", "40".into()),
        ("reasoning", "x".into()),
    ])
    .await;
    assert_eq!(missing_lawyer.status, 422);
    assert!(missing_lawyer.body.contains("needs the contribution of the defence lawyer first (art. 257c Sv)"));
    let too_many_hours = decide(vec![
        ("version", v.clone()),
        ("disposal", "penalty_order".into()),
        ("param.penalty_order.community_service_hours", "200".into()),
        ("reasoning", "x".into()),
        ("override_reason", "Advocaat niet bereikbaar".into()),
    ])
    .await;
    assert_eq!(too_many_hours.status, 422);
    assert!(too_many_hours.body.contains("at most 180 hours"));
    assert_eq!(current_version(&t.prosecutor, &case).await, v, "nothing changed");
    assert_eq!(t.app.count("zsm_decision").await, 0);

    // An extension by someone the law does not allow: the police officer is refused.
    let extension = t
        .police
        .submit(
            &format!("/zsm/cases/{case}/clocks/ophouden_voor_onderzoek/extend"),
            &[("version", &v), ("extension", "identity"), ("basis", "identiteit onbekend")],
        )
        .await;
    assert_eq!(extension.status, 403);

    let dismissal = vec![
        ("version", v.clone()),
        ("disposal", "unconditional_dismissal".into()),
        ("param.unconditional_dismissal.ground", "policy".into()),
        ("reasoning", "Gering feit".into()),
    ];
    assert_eq!(decide(dismissal.clone()).await.status, 200);
    let v2 = amend_version(&t.prosecutor, &case).await;
    let mut second = dismissal;
    second[0].1 = v2.clone();
    let again = decide(second).await;
    assert_eq!(again.status, 422);
    assert!(again.body.contains("already been decided"));
    assert_eq!(t.app.count("zsm_decision").await, 1);
    assert_eq!(amend_version(&t.prosecutor, &case).await, v2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_prosecutor_extends_a_clock_and_a_breach_returns_the_case() {
    let t = table().await;
    let lawyer_id = t.lawyer_actor.member_id.to_string();
    let case = register(&t, "Mulder", &lawyer_id).await;
    let v = current_version(&t.prosecutor, &case).await;
    let extended = t
        .prosecutor
        .submit(
            &format!("/zsm/cases/{case}/clocks/ophouden_voor_onderzoek/extend"),
            &[("version", &v), ("extension", "identity"), ("hours", ""), ("basis", "art. 56b Sv: identiteit onbekend")],
        )
        .await;
    assert_eq!(extended.status, 200, "{}", extended.body);
    // 15 counted hours from 09:00 (art. 56a + 56b Sv): midnight.
    assert!(
        extended.body.contains("2026-11-23 00:00") || extended.body.contains("2026-11-22 24:00"),
        "new deadline shown: {}",
        extended.body.split("Clocks").nth(1).unwrap_or_default().get(..1500).unwrap_or_default()
    );
    let v = current_version(&t.prosecutor, &case).await;
    let twice = t
        .prosecutor
        .submit(
            &format!("/zsm/cases/{case}/clocks/ophouden_voor_onderzoek/extend"),
            &[("version", &v), ("extension", "identity"), ("basis", "nogmaals")],
        )
        .await;
    assert_eq!(twice.status, 422);
    assert!(twice.body.contains("at most 1 time(s)"));

    let v = current_version(&t.lawyer, &case).await;
    t.lawyer
        .submit(
            &format!("/zsm/cases/{case}/contributions/defence_lawyer"),
            &[
                ("version", &v),
                ("state", "done"),
                ("consulted_at", "2026-11-22T10:30"),
                ("mode", "phone"),
                ("settlement_consequences_explained", "yes"),
            ],
        )
        .await;
    let v = current_version(&t.prosecutor, &case).await;
    let decided = t
        .prosecutor
        .submit(
            &format!("/zsm/cases/{case}/decision"),
            &[
                ("version", &v),
                ("disposal", "penalty_order"),
                ("param.penalty_order.fine_cents", "150"),
                ("obligation_kind", "area_ban"),
                ("obligation_starts_on", "2026-11-22"),
                ("obligation_ends_on", "2027-05-22"),
                ("obligation_details", "Binnenstad"),
                ("reasoning", "Gebiedsverbod passend"),
            ],
        )
        .await;
    assert_eq!(decided.status, 200, "{}", decided.body);
    let list = t.police.visit("/zsm/zsm-utrecht/obligations").await;
    assert_eq!(list.status, 200);
    assert!(list.body.contains("Area ban") && list.body.contains("Record the breach"));
    let obligation = input_value(&list.body, "obligation");
    let v = version_of(&list.body);
    let breach = t
        .police
        .submit(
            &format!("/zsm/cases/{case}/breaches"),
            &[
                ("version", &v),
                ("obligation", &obligation),
                ("observed_on", "2026-11-22"),
                ("description", "Gezien in de binnenstad"),
            ],
        )
        .await;
    assert_eq!(breach.status, 200, "{}", breach.body);
    let board = t.prosecutor.visit("/zsm/zsm-utrecht/board").await;
    let open_part = board.body.split("Decided in the last 24 hours").next().unwrap();
    assert!(open_part.contains("returned to the prosecutor"), "the case is back on the prosecutor's table");

    // The prosecutor keeps the decision after the breach, with a reason: the case leaves the table again.
    let v = current_version(&t.prosecutor, &case).await;
    let kept = t
        .prosecutor
        .submit(&format!("/zsm/cases/{case}/maintain"), &[("version", &v), ("reason", "Waarschuwing volstaat")])
        .await;
    assert_eq!(kept.status, 200, "{}", kept.body);
    let board = t.prosecutor.visit("/zsm/zsm-utrecht/board").await;
    let open_part = board.body.split("Decided in the last 24 hours").next().unwrap();
    assert!(!open_part.contains("returned to the prosecutor"), "maintained: no longer waiting for the prosecutor");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn intake_is_for_the_police_and_the_lawyer_is_recorded_by_police_or_prosecution() {
    let t = table().await;
    assert_eq!(t.police.visit("/zsm/intake").await.status, 200);
    assert_eq!(t.probation.visit("/zsm/intake").await.status, 403);
    let case = register(&t, "Visser", "").await;
    let lawyer_id = t.lawyer_actor.member_id.to_string();
    let v = current_version(&t.probation, &case).await;
    let refused =
        t.probation.submit(&format!("/zsm/cases/{case}/lawyer"), &[("version", &v), ("lawyer_id", &lawyer_id)]).await;
    assert_eq!(refused.status, 403);
    assert_eq!(t.lawyer.visit(&format!("/zsm/cases/{case}")).await.status, 403, "not yet this lawyer's client");
    let v = current_version(&t.police, &case).await;
    let recorded =
        t.police.submit(&format!("/zsm/cases/{case}/lawyer"), &[("version", &v), ("lawyer_id", &lawyer_id)]).await;
    assert_eq!(recorded.status, 200, "{}", recorded.body);
    assert_eq!(t.lawyer.visit(&format!("/zsm/cases/{case}")).await.status, 200, "now the lawyer's client");
}

// ---------------------------------------------------------------------------------------------
// The walk the authorization matrix promises for the ZSM routes (`Need::CaseRules("zsm.rs")`):
// every route × every role × (on the case / not), with the exact status, on SQLite and PostgreSQL.

/// Every ZSM route by method and template, as `crates/web/src/zsm/mod.rs` declares them.
const ROUTES: [(&str, &str); 20] = [
    ("GET", "/zsm"),
    ("GET", "/zsm/intake"),
    ("POST", "/zsm/cases"),
    ("GET", "/zsm/cases/{id}"),
    ("POST", "/zsm/cases/{id}/contributions/{partner}"),
    ("POST", "/zsm/cases/{id}/clocks/{clock}/extend"),
    ("POST", "/zsm/cases/{id}/clocks/{clock}/order"),
    ("POST", "/zsm/cases/{id}/refer"),
    ("POST", "/zsm/cases/{id}/lawyer"),
    ("GET", "/zsm/cases/{id}/decision"),
    ("POST", "/zsm/cases/{id}/decision"),
    ("GET", "/zsm/cases/{id}/amend"),
    ("POST", "/zsm/cases/{id}/amend"),
    ("GET", "/zsm/cases/{id}/record"),
    ("POST", "/zsm/cases/{id}/breaches"),
    ("POST", "/zsm/cases/{id}/maintain"),
    ("GET", "/zsm/{location}/board"),
    ("GET", "/zsm/{location}/board/fragment"),
    ("GET", "/zsm/{location}/obligations"),
    ("GET", "/zsm/{location}/metrics"),
];

#[test]
fn the_walk_covers_every_zsm_route() {
    let source = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/zsm/mod.rs")).unwrap();
    let mut declared = Vec::new();
    for part in source.split(".route(\"").skip(1) {
        let (path, rest) = part.split_once('"').unwrap();
        let handlers = rest.split(".route(").next().unwrap_or(rest);
        for (method, marker) in [("GET", "get("), ("POST", "post(")] {
            if handlers.contains(marker) {
                declared.push((method, path));
            }
        }
    }
    assert!(declared.len() >= 20, "routes read from the source: {declared:?}");
    for route in &declared {
        assert!(ROUTES.contains(route), "{route:?} is not walked");
    }
    for route in &ROUTES {
        assert!(declared.contains(route), "{route:?} is walked but no longer declared");
    }
}

/// The agency a role works in at the table.
fn agency_kind(role: Role) -> AgencyKind {
    match role {
        Role::PoliceOfficer | Role::AssistantProsecutor => AgencyKind::Police,
        Role::Prosecutor => AgencyKind::Prosecution,
        Role::ProbationOfficer => AgencyKind::Probation,
        Role::VictimSupportWorker => AgencyKind::VictimSupport,
        Role::DefenceLawyer => AgencyKind::Defence,
        Role::MunicipalityOfficer => AgencyKind::Municipality,
        Role::ProviderWorker => AgencyKind::Provider,
        Role::Mentor => AgencyKind::Mentoring,
        Role::Administrator | Role::Analyst | Role::ProcessManager => AgencyKind::SafetyHouse,
        // Views4: aggregate-only roles, walked as members of a municipality and the police.
        Role::Commissioner => AgencyKind::Municipality,
        Role::LocationLead => AgencyKind::Police,
    }
}

/// The exact status of `method route` for a member with `role` whose agency is on the
/// suspect's team (the recorded lawyer, for the defence) or not. The walk posts bodies that
/// are invalid, so a request that reaches its use case answers 422 and changes nothing.
fn expected(method: &str, route: &str, role: Role, on_case: bool) -> u16 {
    use domain::zsm::service::{METRICS_ROLES, TABLE_ROLES};
    let at_table = TABLE_ROLES.contains(&role);
    let reaches_case = at_table && on_case;
    let prosecutor = role == Role::Prosecutor;
    let case = |status: u16, allowed: bool| if reaches_case && allowed { status } else { 403 };
    match (method, route.trim_start_matches("/zsm/cases/{id}")) {
        ("GET", "/zsm") => 200,
        ("GET", "/zsm/intake") => {
            if role == Role::PoliceOfficer {
                200
            } else {
                403
            }
        }
        ("POST", "/zsm/cases") => {
            if role == Role::PoliceOfficer {
                422
            } else {
                403
            }
        }
        ("GET", "") => case(200, true),
        ("POST", "/contributions/{partner}") => case(422, role == Role::ProbationOfficer),
        ("POST", "/clocks/{clock}/extend" | "/clocks/{clock}/order") => case(422, prosecutor),
        ("POST", "/lawyer") => case(422, matches!(role, Role::PoliceOfficer | Role::Prosecutor)),
        ("GET", "/decision" | "/amend") => case(200, prosecutor),
        ("POST", "/decision" | "/amend" | "/maintain" | "/refer") => case(422, prosecutor),
        ("GET", "/record") => case(404, true),
        ("POST", "/breaches") => case(422, true),
        ("GET", "/zsm/{location}/metrics") => {
            if METRICS_ROLES.contains(&role) {
                200
            } else {
                403
            }
        }
        ("GET", _) if route.starts_with("/zsm/{location}/") => {
            if at_table {
                200
            } else {
                403
            }
        }
        other => panic!("no expectation for {other:?}"),
    }
}

fn concrete(route: &str, case: &str) -> String {
    let clock = if route.ends_with("/order") { "inverzekeringstelling" } else { "ophouden_voor_onderzoek" };
    route
        .replace("{id}", case)
        .replace("{partner}", "probation")
        .replace("{clock}", clock)
        .replace("{location}", "zsm-utrecht")
}

async fn walk(app: TestApp) {
    use domain::directory::Agency;
    use domain::zsm::ports::{ZsmLocation, ZsmStore};
    let mut on_case: Vec<Agency> = Vec::new();
    let mut members = Vec::new();
    for role in Role::ALL {
        let kind = agency_kind(role);
        for on in [true, false] {
            let name = format!("{kind:?} {}", if on { "at the table" } else { "elsewhere" });
            let agency = match on_case.iter().find(|a| a.kind == kind && on && kind != AgencyKind::Defence) {
                Some(agency) => agency.clone(),
                None => {
                    let agency = app.agency(&format!("{name} {}", members.len()), kind).await;
                    if on && kind != AgencyKind::Defence {
                        on_case.push(agency.clone());
                    }
                    agency
                }
            };
            let username = format!("{}-{}", role.code(), if on { "on" } else { "off" });
            let actor = app.member(&agency, &username, &[role]).await;
            members.push((role, on, actor));
        }
    }
    let location = ZsmLocation {
        code: "zsm-utrecht".into(),
        name: "ZSM Utrecht".into(),
        pack: "nl".into(),
        agencies: on_case.iter().map(|a| a.id).collect(),
        time_zone: None,
    };
    app.store.create_location(&location, app.now()).await.unwrap();
    let police = &members.iter().find(|(r, on, ..)| *r == Role::PoliceOfficer && *on).unwrap().2;
    let lawyer = &members.iter().find(|(r, on, ..)| *r == Role::DefenceLawyer && *on).unwrap().2;
    let not_a_lawyer = police.member_id.to_string();
    let suspect = suspect(&app, police, "Walker", Vec::new()).await.to_string();
    let police_client = app.session_for(police).await;
    let lawyer_id = lawyer.member_id.to_string();
    let registered = police_client
        .submit("/zsm/cases", &intake(&suspect, "2026-11-22T08:30", "2026-11-22T08:45", "2026-11-22", &lawyer_id))
        .await;
    assert_eq!(registered.status, 200, "{}", registered.body);
    let case = registered.url.trim_start_matches("/zsm/cases/").to_string();
    let obligation = uuid::Uuid::now_v7().to_string();
    let body: Vec<(&str, &str)> = vec![
        ("version", "1"),
        ("state", ""),
        ("extension", ""),
        ("ordered_at", ""),
        ("lawyer_id", &not_a_lawyer),
        ("disposal", ""),
        ("obligation", &obligation),
        ("observed_on", ""),
        ("reason", ""),
        ("destination", ""),
        ("location", ""),
    ];
    let versions_before = app.count("zsm_case_event").await;
    let mut failures = Vec::new();
    let mut checked = 0;
    for (role, on, actor) in &members {
        let client = app.session_for(actor).await;
        for (method, route) in ROUTES {
            let path = concrete(route, &case);
            let page = if method == "GET" { client.visit(&path).await } else { client.submit(&path, &body).await };
            let want = expected(method, route, *role, *on);
            if page.status != want {
                failures.push(format!(
                    "{method} {route} as {role} ({}): {} instead of {want}",
                    if *on { "on the case" } else { "not" },
                    page.status
                ));
            }
            if route == "/zsm/{location}/board" && want == 200 && page.body.contains("Sam Walker") != *on {
                failures.push(format!("board as {role} (on the case: {on}) lists the case: {}", !*on));
            }
            checked += 1;
        }
    }
    assert!(failures.is_empty(), "{} of {checked} checks failed:\n{}", failures.len(), failures.join("\n"));
    assert_eq!(checked, Role::ALL.len() * 2 * ROUTES.len());
    assert_eq!(app.count("zsm_case_event").await, versions_before, "no request of the walk changed the case");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_zsm_route_for_every_role_on_and_off_the_case() {
    walk(zsm_app(NOW).sqlite().await).await;
    if let Some(app) = zsm_app(NOW).postgres().await {
        walk(app).await;
    }
}
