//! The Safety House hand-offs between agencies (issue 17, items 11–15), walked by each role on
//! SQLite and PostgreSQL. Fatima (probation) asks for a case conference about Jan Visser, whose
//! team has probation and the police only, naming the Safety House and victim support:
//!
//! * the Safety House's process manager (noor) sees the request on her triage list at once —
//!   the request is addressed to her Safety House — but not the person's file; a process manager
//!   of another Safety House sees nothing (11);
//! * accepting asks noor for the Safety House's own legal basis, tells fatima, and invites victim
//!   support, which reads the invitation and joins with its own basis (12);
//! * triage offers only the meetings the request may go to: not before its triage, not on a day
//!   whose agenda is full — five persons a day across the day's meetings (14);
//! * a decision goes to victim support, which joined after scheduling (13); the meeting closes
//!   on its day, not before, and the request then reads "discussed" (14);
//! * the plan shows the analysis and strategy, and links the person's own area ban picked from
//!   their measures, never a typed copy of it (15).

use crate::support;
use crate::support::{Client, TestApp, valid_bsn};
use domain::access::{Actor, Role};
use domain::conference::RequestInput;
use domain::conference::service::Conferences;
use domain::directory::{Agency, AgencyKind};
use domain::ids::{ConferenceRequestId, MeetingId, PersonId};
use domain::jurisdiction::BeyondPack;
use reqwest::StatusCode;

struct Cast {
    app: TestApp,
    police: Agency,
    house: Agency,
    victim_support: Agency,
    officer: Actor,
    manager: Actor,
    constable: Actor,
    helper: Actor,
    /// A process manager of another Safety House.
    elsewhere: Actor,
    person: PersonId,
}

async fn cast(app: TestApp) -> Cast {
    let (_, officer) = app.probation_officer().await;
    let police = app.agency("Politie Utrecht", AgencyKind::Police).await;
    let house = app.agency("Zorg- en Veiligheidshuis Utrecht", AgencyKind::SafetyHouse).await;
    let other_house = app.agency("Zorg- en Veiligheidshuis Elders", AgencyKind::SafetyHouse).await;
    let victim_support = app.agency("Slachtofferhulp Utrecht", AgencyKind::VictimSupport).await;
    let constable = app.member(&police, "kees", &[Role::PoliceOfficer]).await;
    let manager = app.member(&house, "noor", &[Role::ProcessManager]).await;
    let elsewhere = app.member(&other_house, "piet", &[Role::ProcessManager]).await;
    let helper = app.member(&victim_support, "vera", &[Role::VictimSupportWorker]).await;
    let person = app.person_on_team(&officer, "Visser", "111222333", &[&police]).await;
    Cast { app, police, house, victim_support, officer, manager, constable, helper, elsewhere, person }
}

/// The first 36 characters after `prefix` in `html` (an id in a link or form action).
fn id_after(html: &str, prefix: &str) -> String {
    let start = html.find(prefix).unwrap_or_else(|| panic!("{prefix} not in {html}")) + prefix.len();
    html[start..start + 36].to_string()
}

async fn text(client: &Client, path: &str) -> String {
    client.get(path).await.text().await.unwrap()
}

async fn plan_meeting(manager: &Client, date: &str, location: &str, invited: &str) -> MeetingId {
    let fields = [("date", date), ("location", location), ("invited", invited)];
    let planned = manager.post_form("/conferences", &fields).await;
    assert_eq!(planned.status(), StatusCode::SEE_OTHER);
    let path = planned.headers()["location"].to_str().unwrap().to_string();
    MeetingId::parse(path.trim_start_matches("/conferences/")).unwrap()
}

/// `count` other persons of fatima's (with the Safety House on their team) on `meeting`.
async fn fill(s: &Cast, meeting: MeetingId, count: usize, first: usize) {
    let (pack, zone) = (BeyondPack::nl(), jiff::tz::TimeZone::UTC);
    let conferences = Conferences { store: &s.app.store, clock: s.app.clock.as_ref(), time_zone: &zone, pack: &pack };
    for n in first..first + count {
        let person =
            s.app.person_on_team(&s.officer, &format!("Bakker{n}"), &valid_bsn(n), &[&s.police, &s.house]).await;
        let input = RequestInput {
            reason: "debts and drink".into(),
            goal: "one plan".into(),
            invited: vec![s.house.id.to_string()],
        };
        let request: ConferenceRequestId = conferences.request(&s.officer, person, &input).await.unwrap().id;
        let accept = domain::conference::TriageInput::Accept;
        conferences.triage(&s.manager, request, &accept).await.unwrap();
        conferences.add_to_agenda(&s.manager, meeting, request).await.unwrap();
    }
}

async fn journey(s: Cast) {
    let officer = s.app.session_for(&s.officer).await;
    let manager = s.app.session_for(&s.manager).await;
    let police = s.app.session_for(&s.constable).await;
    let helper = s.app.session_for(&s.helper).await;
    let elsewhere = s.app.session_for(&s.elsewhere).await;
    let person = s.person.to_string();
    let (house, victim_support) = (s.house.id.to_string(), s.victim_support.id.to_string());

    // 11. The request names the Safety House: it is on noor's triage list at once, without
    // opening the person's file to her; the other Safety House sees nothing.
    let fields = [
        ("reason", "keeps shoplifting alcohol; threatens his ex-partner"),
        ("goal", "one plan with care and enforcement, safety of the ex-partner"),
        ("invited", s.police.id.to_string().as_str()),
        ("invited", house.as_str()),
        ("invited", victim_support.as_str()),
    ]
    .map(|(k, v)| (k, v.to_string()));
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let filed = officer.post_form(&format!("/people/{person}/conference"), &fields).await;
    assert_eq!(filed.status(), StatusCode::SEE_OTHER);
    let triage = text(&manager, "/triage").await;
    assert!(triage.contains("Visser") && triage.contains("zit nog niet in het team"), "{triage}");
    assert!(!triage.contains(&format!("/people/{person}/conference")), "no link to a file she may not open");
    assert_eq!(manager.get(&format!("/people/{person}")).await.status(), StatusCode::FORBIDDEN);
    assert!(!text(&elsewhere, "/triage").await.contains("Visser"), "addressed to one Safety House only");
    let request = id_after(&triage, "href=\"/triage/");
    // Noor is told a request is on her triage, not whom it is about; piet is told nothing.
    let told = text(&manager, "/notifications").await;
    assert!(told.contains("Er is een casusoverleg aangevraagd") && !told.contains("Visser"), "{told}");
    assert!(!text(&elsewhere, "/notifications").await.contains("casusoverleg aangevraagd"));

    // 12. Accepting needs the Safety House's own basis; nobody else gives it.
    let accept = manager.post_form(&format!("/triage/{request}"), &[("decision", "accept")]).await;
    assert_eq!(accept.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(accept.text().await.unwrap().contains("geef de grondslag waarop"));
    let form = text(&manager, &format!("/triage/{request}")).await;
    assert!(form.contains("name=\"statute\"") && form.contains("Slachtofferhulp Utrecht"), "{form}");
    let basis = |statute: &'static str| {
        [
            ("decision", "accept"),
            ("basis_kind", "statutory_task"),
            ("statute", statute),
            ("reason", "Casusoverleg aangevraagd door de reclassering"),
        ]
    };
    let blank = manager.post_form(&format!("/triage/{request}"), &basis("")).await;
    assert_eq!(blank.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = blank.text().await.unwrap();
    assert!(html.contains("error-summary") && html.contains("href=\"#statute\""), "{html}");
    assert!(html.contains("value=\"Casusoverleg aangevraagd door de reclassering\""), "what was typed is kept");
    let accepted = manager.post_form(&format!("/triage/{request}"), &basis("Convenant Zorg- en Veiligheidshuis")).await;
    assert_eq!(accepted.status(), StatusCode::SEE_OTHER);
    assert_eq!(manager.get(&format!("/people/{person}")).await.status(), StatusCode::OK, "on the team now");
    let told = text(&officer, "/notifications").await;
    assert!(told.contains("bij de triage geaccepteerd"), "the requester is told: {told}");

    // Victim support is invited, not added: it still cannot open the file, and answers itself.
    assert_eq!(helper.get(&format!("/people/{person}")).await.status(), StatusCode::FORBIDDEN);
    let invitations = text(&helper, "/invitations").await;
    assert!(invitations.contains("Visser") && invitations.contains("safety of the ex-partner"), "{invitations}");
    assert!(text(&helper, "/notifications").await.contains("Uitnodigingen"), "told of the invitation");
    assert!(!text(&police, "/invitations").await.contains("Visser"), "the police are on the team already");
    let page = text(&officer, &format!("/people/{person}/conference")).await;
    assert!(page.contains("Slachtofferhulp Utrecht: uitgenodigd, nog niet beantwoord"), "{page}");
    let invitation = id_after(&invitations, "href=\"/invitations/");
    assert_eq!(elsewhere.get(&format!("/invitations/{invitation}")).await.status(), StatusCode::FORBIDDEN);

    // 14. Triage offers only the meetings the request may go to: not before its triage
    // (Tuesday), not on a day whose five places are taken across its meetings.
    let invited = s.police.id.to_string();
    let monday = plan_meeting(&manager, "2026-11-23", "maandag", &invited).await;
    let morning = plan_meeting(&manager, "2026-11-24", "ochtend", &invited).await;
    let afternoon = plan_meeting(&manager, "2026-11-24", "middag", &invited).await;
    let wednesday = plan_meeting(&manager, "2026-11-25", "woensdag", &invited).await;
    let offered = text(&manager, "/triage").await;
    assert!(offered.contains(&format!("value=\"{morning}\"")) && offered.contains(&format!("value=\"{afternoon}\"")));
    assert!(!offered.contains(&format!("value=\"{monday}\"")), "before the triage: not offered");
    fill(&s, morning, 3, 10).await;
    fill(&s, afternoon, 2, 20).await;
    let offered = text(&manager, "/triage").await;
    assert!(!offered.contains(&format!("value=\"{afternoon}\"")), "Tuesday is full: {offered}");
    assert!(offered.contains(&format!("value=\"{wednesday}\"")));
    assert!(text(&manager, &format!("/conferences/{afternoon}")).await.contains("De agenda van deze dag is vol"));
    let schedule = format!("/triage/{request}/schedule");
    let full = manager.post_form(&schedule, &[("meeting", &afternoon.to_string())]).await;
    assert_eq!(full.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(full.text().await.unwrap().contains("het eerstvolgende overleg met plaats is op 2026-11-25"));
    let on_wednesday = manager.post_form(&schedule, &[("meeting", &wednesday.to_string())]).await;
    assert_eq!(on_wednesday.status(), StatusCode::SEE_OTHER);

    // 12 (continued). Victim support accepts with its own basis, after the scheduling.
    let answer = format!("/invitations/{invitation}");
    let answer_with = |statute: &'static str| {
        [("decision", "accept"), ("basis_kind", "statutory_task"), ("statute", statute), ("reason", "slachtoffer")]
    };
    let blank = helper.post_form(&answer, &answer_with("")).await;
    assert_eq!(blank.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(blank.text().await.unwrap().contains("href=\"#statute\""));
    let joined = helper.post_form(&answer, &answer_with("Wetboek van Strafvordering, art. 51aa")).await;
    assert_eq!(joined.status(), StatusCode::SEE_OTHER);
    assert_eq!(joined.headers()["location"].to_str().unwrap(), format!("/people/{person}"));
    assert_eq!(helper.get(&format!("/people/{person}")).await.status(), StatusCode::OK);
    assert!(!text(&helper, "/invitations").await.contains("Visser"), "answered");
    assert_eq!(helper.post_form(&answer, &answer_with("again")).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(&manager, "/notifications").await.contains("toegetreden tot het zaakteam"));
    let page = text(&officer, &format!("/people/{person}/conference")).await;
    assert!(page.contains("Slachtofferhulp Utrecht: op eigen grondslag tot het team toegetreden"), "{page}");

    // 13. A decision goes to victim support, on the team since after the scheduling.
    let meeting = format!("/conferences/{wednesday}");
    let minutes = [
        ("person", person.as_str()),
        ("analysis", "drinking and threats go together; the ex-partner is afraid"),
        ("strategy", "both"),
        ("decision_description", "safety plan with the ex-partner"),
        ("decision_kind", "care"),
        ("decision_owner", victim_support.as_str()),
        ("decision_due", "2026-12-10"),
    ];
    let recorded = manager.post_form(&format!("{meeting}/minutes"), &minutes).await;
    assert_eq!(recorded.status(), StatusCode::SEE_OTHER, "{}", recorded.text().await.unwrap());

    // 14. Not closed before its day; closed on it, the request reads "discussed".
    let early = manager.post_form(&format!("{meeting}/close"), &[]).await;
    assert_eq!(early.status(), StatusCode::UNPROCESSABLE_ENTITY);
    s.app.clock.set("2026-11-25T15:00:00Z".parse().unwrap());
    // Three days on: everyone signs in again.
    let (officer, manager, police, helper) = (
        s.app.session_for(&s.officer).await,
        s.app.session_for(&s.manager).await,
        s.app.session_for(&s.constable).await,
        s.app.session_for(&s.helper).await,
    );
    assert_eq!(manager.post_form(&format!("{meeting}/close"), &[]).await.status(), StatusCode::SEE_OTHER);
    assert!(text(&officer, &format!("/people/{person}/conference")).await.contains("besproken"));
    assert!(text(&helper, "/tasks/agency").await.contains("safety plan with the ex-partner"));

    // 15. The plan shows what the conference agreed, and links the person's own area ban.
    let plan = text(&police, &format!("/people/{person}/plan")).await;
    assert!(plan.contains("Afgesproken in het casusoverleg") && plan.contains("the ex-partner is afraid"), "{plan}");
    assert!(plan.contains("Zorg en straf"));
    let ban = [
        ("form", "ban_new"),
        ("area", "Winkelcentrum Hoog Catharijne"),
        ("decision_ref", "GB-2026-17"),
        ("starts_on", "2026-11-25"),
        ("ends_on", "2027-02-25"),
    ];
    // The mayor's office imposes the ban (item 18); the plan then links it.
    let mayor = s.app.mayors_office(&s.officer, &[s.person]).await;
    let imposed = mayor.post_form(&format!("/people/{person}/measures/area-bans"), &ban).await;
    assert_eq!(imposed.status(), StatusCode::SEE_OTHER);
    let plan_path = format!("/people/{person}/plan");
    let plan = text(&officer, &plan_path).await;
    let picked = id_after(&plan, "<select id=\"measure\" name=\"measure\"><option value=\"");
    assert!(plan.contains("Winkelcentrum Hoog Catharijne (GB-2026-17"), "offered as recorded: {plan}");
    let typed = [("measure_kind", "area_ban"), ("measure_description", "gebiedsverbod centrum")];
    let refused = officer.post_form(&format!("{plan_path}/measures"), &typed).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().await.unwrap().contains("kies het gebiedsverbod of huisverbod"));
    let linked = officer.post_form(&format!("{plan_path}/measures"), &[("measure", picked.as_str())]).await;
    assert_eq!(linked.status(), StatusCode::SEE_OTHER);
    let plan = text(&officer, &plan_path).await;
    assert!(plan.contains("Gebiedsverbod: Winkelcentrum Hoog Catharijne"), "{plan}");
    assert!(!plan.contains("<select id=\"measure\""), "linked once: nothing left to pick");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn safety_house_handoffs_on_sqlite() {
    journey(cast(support::spawn_app().await).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn safety_house_handoffs_on_postgres() {
    let Some(app) = support::spawn_postgres().await else { return };
    journey(cast(app).await).await;
}
