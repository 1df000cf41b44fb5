//! "Beyond the case" over a real server: screening with the change per life domain, the one
//! shared plan (goals, tasks for agencies on the team, notes, printable version), the task
//! lists, the weekly review and the re-evaluation — each bad input refused with a 422 and
//! nothing saved, and an agency off the person's team refused with a 403.

use crate::support::teams::plan_team;
use crate::support::{Fields, input_value, refs, spawn_app};
use domain::access::Role;
use reqwest::StatusCode;

const DOMAINS: [&str; 13] = [
    "finances",
    "work_and_daytime",
    "housing",
    "family_and_relationships",
    "domestic_violence",
    "mental_health",
    "physical_health",
    "addiction",
    "social_network",
    "self_care",
    "household_and_paperwork",
    "community_participation",
    "justice",
];

/// A full screening: every domain scored `score`, with `overrides`.
fn screening_form(score: &str, overrides: &[(&'static str, &'static str)]) -> Vec<(String, String)> {
    let mut fields = vec![("screened_on".to_string(), String::new())];
    for domain in DOMAINS {
        let given = overrides.iter().find(|(d, _)| *d == domain).map_or(score, |(_, s)| *s);
        fields.push((format!("score-{domain}"), given.to_string()));
        fields.push((format!("note-{domain}"), format!("note on {domain}")));
        fields.push((format!("source-{domain}"), "gesprek met de persoon".to_string()));
    }
    fields
}

fn days(n: i64) -> jiff::SignedDuration {
    jiff::SignedDuration::from_hours(24 * n)
}

#[tokio::test]
async fn screenings_are_kept_and_the_change_per_domain_is_charted_with_its_table() {
    let s = plan_team(spawn_app().await).await;
    let client = s.app.session_for(&s.officer).await;
    let path = format!("/people/{}/screenings", s.person);

    let form = client.get(&format!("{path}/new")).await;
    assert_eq!(form.status(), StatusCode::OK);
    assert!(form.text().await.unwrap().contains("name=\"score-housing\""));

    let first = screening_form("3", &[("housing", "1"), ("addiction", "4")]);
    let saved = client.post_form(&path, &refs(&first)).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert_eq!(saved.headers()["location"], path.as_str());

    s.app.clock.advance(days(90));
    let client = s.app.session_for(&s.officer).await; // sessions last hours, not months
    let second = screening_form("3", &[("housing", "3"), ("addiction", "2")]);
    assert_eq!(client.post_form(&path, &refs(&second)).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(s.app.count("screening").await, 2);
    assert_eq!(s.app.count("screening_score").await, 26);

    let page = client.get(&path).await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("role=\"img\""), "the chart is an image to assistive technology");
    assert!(html.contains("<title id=\"chart-housing-title\">") && html.contains("<desc id=\"chart-housing-desc\">"));
    assert!(html.contains("2026-11-22") && html.contains("2027-02-20"), "both dates head the table");
    let housing = html.split("id=\"domain-housing\"").nth(1).unwrap().split("</tr>").next().unwrap();
    assert!(housing.contains("<td>1</td>") && housing.contains("<td>3</td>") && housing.contains("+2"), "{housing}");
    let addiction = html.split("id=\"domain-addiction\"").nth(1).unwrap().split("</tr>").next().unwrap();
    assert!(addiction.contains("-2"), "{addiction}");

    // Reading and writing are audited against the person.
    let audit = client.get(&format!("/people/{}/audit", s.person)).await.text().await.unwrap();
    let read = audit.contains("Screening van 13 levensdomeinen") && audit.contains("Pagina screenings");
    assert!(read, "in the page's language: {audit}");

    // Everyone on the team sees the screenings; the person page links to them.
    let police = s.app.session_for(&s.constable).await;
    assert_eq!(police.get(&path).await.status(), StatusCode::OK);
    let person_page = police.get(&format!("/people/{}", s.person)).await.text().await.unwrap();
    assert!(person_page.contains(&format!("href=\"{path}\"")) && person_page.contains("/plan\""));
}

#[tokio::test]
async fn bad_screenings_are_refused_with_the_field_named_and_nothing_saved() {
    let s = plan_team(spawn_app().await).await;
    let client = s.app.session_for(&s.officer).await;
    let path = format!("/people/{}/screenings", s.person);
    let mut missing = screening_form("3", &[]);
    missing.retain(|(k, _)| !k.ends_with("-housing"));
    let mut unknown = screening_form("3", &[]);
    unknown.push(("score-astrology".into(), "3".into()));
    unknown.push(("source-astrology".into(), "stars".into()));
    let mut no_source = screening_form("3", &[]);
    for field in no_source.iter_mut().filter(|(k, _)| k == "source-finances") {
        field.1 = "  ".into();
    }
    let cases: Vec<(Fields, &str, &str)> = vec![
        (screening_form("3", &[("housing", "7")]), "#score-housing", "Score 7 valt buiten de schaal"),
        (screening_form("3", &[("housing", "0")]), "#score-housing", "kies 1 tot en met 5"),
        (screening_form("3", &[("mental_health", "veel")]), "#score-mental_health", "niet “veel”"),
        (unknown, "#screening", "“astrology” is hier geen levensdomein"),
        (missing, "#score-housing", "Scoor dit levensdomein"),
        (no_source, "#source-finances", "Vermeld waar de informatie vandaan komt"),
    ];
    for (form, anchor, message) in cases {
        let response = client.post_form(&path, &refs(&form)).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{anchor}");
        let html = response.text().await.unwrap();
        assert!(html.contains("error-summary") && html.contains(&format!("href=\"{anchor}\"")), "{anchor}: {html}");
        assert!(html.contains(message), "{message}");
    }
    assert_eq!(s.app.count("screening").await, 0, "nothing saved");
    assert_eq!(s.app.count("screening_score").await, 0);
}

#[tokio::test]
async fn only_probation_and_process_managers_on_the_team_screen() {
    let s = plan_team(spawn_app().await).await;
    let path = format!("/people/{}/screenings", s.person);
    let form = screening_form("3", &[]);
    let stranger = s.app.session_for(&s.stranger).await;
    assert_eq!(stranger.get(&path).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(stranger.get(&format!("{path}/new")).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(stranger.post_form(&path, &refs(&form)).await.status(), StatusCode::FORBIDDEN);
    let police = s.app.session_for(&s.constable).await;
    assert_eq!(police.post_form(&path, &refs(&form)).await.status(), StatusCode::FORBIDDEN, "role cannot screen");
    let manager = s.app.member(&s.municipality, "pm", &[Role::ProcessManager]).await;
    let manager = s.app.session_for(&manager).await;
    assert_eq!(manager.post_form(&path, &refs(&form)).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(s.app.count("screening").await, 1);
}

#[tokio::test]
async fn one_shared_plan_with_tasks_for_three_agencies_seen_alike_by_the_team() {
    let s = plan_team(spawn_app().await).await;
    let (client, plan) = s.active_plan().await;

    let html = client.get(&plan).await.text().await.unwrap();
    assert!(html.contains("Actief") && html.contains("Ik wil een eigen kamer") && html.contains("2027-11-22"));
    for task in ["Aanmelden bij schuldhulp", "Gebiedsverbod handhaven", "Kamer zoeken via wooncorporatie"] {
        assert!(html.contains(task), "{task}");
    }

    // The police officer sees the same plan and their own task in "my tasks".
    let police = s.app.session_for(&s.constable).await;
    let seen = police.get(&plan).await.text().await.unwrap();
    assert!(seen.contains("Ik wil een eigen kamer") && seen.contains("Kamer zoeken via wooncorporatie"));
    let mine = police.get("/tasks/mine").await.text().await.unwrap();
    assert!(mine.contains("Gebiedsverbod handhaven") && !mine.contains("Aanmelden bij schuldhulp"), "{mine}");
    let agency = s.app.session_for(&s.clerk).await.get("/tasks/agency").await.text().await.unwrap();
    assert!(agency.contains("Kamer zoeken via wooncorporatie") && !agency.contains("Gebiedsverbod"), "{agency}");

    // The police mark their task done and write a note; the probation task is not theirs.
    let task_id = |html: &str, description: &str| input_value(html.split(description).nth(1).unwrap(), "task");
    let police_task = task_id(&seen, "Gebiedsverbod handhaven");
    let done = [("task", police_task.as_str()), ("status", "done"), ("reason", "")];
    assert_eq!(police.post_form(&format!("{plan}/task-status"), &done).await.status(), StatusCode::SEE_OTHER);
    let probation_task = task_id(&html, "Aanmelden bij schuldhulp");
    let not_theirs = [("task", probation_task.as_str()), ("status", "done"), ("reason", "")];
    let refused = police.post_form(&format!("{plan}/task-status"), &not_theirs).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let note = [("text", "Gesproken bij de supermarkt, rustig"), ("task", "")];
    assert_eq!(police.post_form(&format!("{plan}/notes"), &note).await.status(), StatusCode::SEE_OTHER);

    let after = client.get(&plan).await.text().await.unwrap();
    assert!(after.contains("Gesproken bij de supermarkt") && after.contains("Klaar"));
    assert!(!police.get("/tasks/mine").await.text().await.unwrap().contains("Gebiedsverbod"), "done leaves the list");

    // History rows: drafted, goal, agreement, three tasks, activation, status change, note.
    assert_eq!(s.app.count("plan_event").await, 9);
    assert!(html.contains("Ja"), "the goal is agreed with the person");
    assert_eq!(s.app.count("plan").await, 1);

    // A second plan while this one is open is refused: one shared plan per person.
    assert_eq!(client.post_form(&plan, &[]).await.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // The printable version, in Dutch and in English.
    let print = client.get(&format!("{plan}/print")).await.text().await.unwrap();
    assert!(print.contains("Wat u wilt bereiken") && print.contains("Ik wil een eigen kamer"), "{print}");
    assert!(print.contains("class=\"print-plan\"") && print.contains("2027-11-22"), "next check date shown");
}

#[tokio::test]
async fn bad_plan_changes_are_refused_and_change_nothing() {
    let s = plan_team(spawn_app().await).await;
    let client = s.app.session_for(&s.officer).await;
    let plan = format!("/people/{}/plan", s.person);
    // Nothing to change before a plan exists.
    let early = client.post_form(&format!("{plan}/goals"), &[("domain", "housing"), ("in_own_words", "x")]).await;
    assert_eq!(early.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(client.post_form(&plan, &[]).await.status(), StatusCode::SEE_OTHER);
    let events = s.app.count("plan_event").await;

    let outsider = s.outsider.id.to_string();
    let police = s.police.id.to_string();
    let clerk = s.clerk.member_id.to_string();
    let task = |owner: &str, member: &str, due: &str, description: &str| -> Fields {
        [("description", description), ("kind", "care"), ("owner", owner), ("owner_member", member), ("due", due)]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    let cases: Vec<(&str, Fields, &str, &str)> = vec![
        ("tasks", task(&outsider, "", "2026-12-01", "Behandeling"), "#owner", "zit niet in het team"),
        ("tasks", task(&police, "", "2026-11-01", "Behandeling"), "#due", "vóór de start van het plan (2026-11-22)"),
        ("tasks", task(&police, "", "morgen", "Behandeling"), "#due", ""),
        ("tasks", task(&police, "", "2026-12-01", "  "), "#description", "Schrijf op wat de taak is"),
        ("tasks", task(&police, &clerk, "2026-12-01", "Behandeling"), "#owner_member", "werkt niet bij"),
        ("goals", vec![("domain".into(), "housing".into()), ("in_own_words".into(), " ".into())], "#in_own_words", ""),
        ("goals", vec![("domain".into(), "astrology".into()), ("in_own_words".into(), "x".into())], "#domain", ""),
        ("notes", vec![("text".into(), "".into())], "#text", "Schrijf de voortgangsnotitie"),
        ("activate", vec![], "#plan", "minstens één doel en één taak"),
        ("re-evaluation", vec![("decision".into(), "start".into())], "#plan", "huidige status"),
    ];
    for (route, fields, anchor, message) in cases {
        let response = client.post_form(&format!("{plan}/{route}"), &refs(&fields)).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{route} {anchor}");
        let html = response.text().await.unwrap();
        assert!(html.contains(&format!("href=\"{anchor}\"")), "{route} {anchor}: {html}");
        assert!(html.contains(message), "{route}: {message}");
    }
    assert_eq!(s.app.count("plan_event").await, events, "nothing changed");
    assert_eq!(s.app.count("plan_task").await, 0);
}

#[tokio::test]
async fn agencies_off_the_team_and_roles_without_the_right_are_refused() {
    let s = plan_team(spawn_app().await).await;
    let (_, plan) = s.active_plan().await;
    let stranger = s.app.session_for(&s.stranger).await;
    assert_eq!(stranger.get(&plan).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(stranger.get(&format!("{plan}/print")).await.status(), StatusCode::FORBIDDEN);
    let owner = s.outsider.id.to_string();
    let task = [("description", "x"), ("kind", "care"), ("owner", owner.as_str()), ("due", "2026-12-01")];
    assert_eq!(stranger.post_form(&format!("{plan}/tasks"), &task).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(stranger.post_form(&format!("{plan}/notes"), &[("text", "x")]).await.status(), StatusCode::FORBIDDEN);
    let lists = stranger.get("/tasks/agency").await.text().await.unwrap();
    assert!(!lists.contains("De Boer"));
    assert!(!stranger.get("/reviews/weekly").await.text().await.unwrap().contains("De Boer"));
    // On the team, but the police role does not manage the plan.
    let police = s.app.session_for(&s.constable).await;
    assert_eq!(police.post_form(&format!("{plan}/tasks"), &task).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(police.post_form(&format!("{plan}/activate"), &[]).await.status(), StatusCode::FORBIDDEN);
    // Refusals are audited against the person.
    let audit = s.app.session_for(&s.officer).await.get(&format!("/people/{}/audit", s.person)).await;
    assert!(audit.text().await.unwrap().contains("Plan: taak toegevoegd"), "in the page's language");
}

#[tokio::test]
async fn weekly_review_lists_overdue_tasks_and_the_re_evaluation_decides() {
    let s = plan_team(spawn_app().await).await;
    let (_, plan) = s.active_plan().await;
    s.app.clock.advance(days(12)); // 2026-12-04: the schuldhulp task (due 12-01) is overdue
    let client = s.app.session_for(&s.officer).await; // sessions last hours, not days
    let review = client.get("/reviews/weekly").await.text().await.unwrap();
    assert!(review.contains("Plannen: 1, waarvan aandacht nodig: 1. Pagina 1 van 1."), "{review}");
    assert!(!review.contains("rel=\"next\""), "one page only");
    let row = review.split("De Boer").nth(1).expect("the plan is on the review list");
    assert!(row.contains("<td>1</td>"), "one overdue task: {row}");
    let past_the_end = client.get("/reviews/weekly?page=3").await.text().await.unwrap();
    assert!(!past_the_end.contains("De Boer") && past_the_end.contains("Pagina 3 van 1"), "{past_the_end}");
    assert!(past_the_end.contains("href=\"/reviews/weekly?page=1\" rel=\"prev\""), "{past_the_end}");
    for bad in ["0", "x", "-1"] {
        let refused = client.get(&format!("/reviews/weekly?page={bad}")).await;
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST, "page={bad}");
        assert!(refused.text().await.unwrap().contains("page must be a whole number from 1"));
    }
    // The plan was drafted and activated 12 days ago: nothing changed in the last seven days.
    assert!(row.contains("niets"), "{row}");
    let tasks = client.get("/tasks/agency").await.text().await.unwrap();
    assert!(tasks.contains("3 dagen te laat"), "{tasks}");
    assert!(!tasks.contains("rel=\"next\""), "one page of tasks");
    let next_page = client.get("/tasks/agency?page=2").await.text().await.unwrap();
    assert!(!next_page.contains("3 dagen te laat"), "the task is on the first page only");
    assert!(next_page.contains("href=\"/tasks/agency?page=1\" rel=\"prev\""), "{next_page}");
    for list in ["/tasks/agency", "/tasks/mine"] {
        let refused = client.get(&format!("{list}?page=0")).await;
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST, "{list}");
    }

    let measure = [("measure_kind", "condition"), ("measure_description", "Meldplicht reclassering")];
    assert_eq!(client.post_form(&format!("{plan}/measures"), &measure).await.status(), StatusCode::SEE_OTHER);
    let review = client.get("/reviews/weekly").await.text().await.unwrap();
    assert!(review.contains("maatregelen gekoppeld of beëindigd: 1"), "this week's change is named: {review}");
    s.app.clock.advance(days(360));
    let client = s.app.session_for(&s.officer).await;
    let review = client.get("/reviews/weekly").await.text().await.unwrap();
    assert!(review.contains("nu aan de orde"), "the re-evaluation is due: {review}");

    let decide = format!("{plan}/re-evaluation");
    assert_eq!(client.post_form(&decide, &[("decision", "start")]).await.status(), StatusCode::SEE_OTHER);
    let events = s.app.count("plan_event").await;
    let close = |reason: &'static str| {
        vec![
            ("decision", "close"),
            ("outcome", "goals_partly_met"),
            ("why", "Woont zelfstandig"),
            ("open_measures_reason", reason),
        ]
    };
    let refused = client.post_form(&decide, &close("")).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().await.unwrap().contains("Er lopen nog 1 strafrechtelijke maatregel(en)"));
    let no_reason = client.post_form(&decide, &[("decision", "continue"), ("reason", "")]).await;
    assert_eq!(no_reason.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(s.app.count("plan_event").await, events, "refused decisions change nothing");

    let closed = client.post_form(&decide, &close("Meldplicht loopt via de reclassering door")).await;
    assert_eq!(closed.status(), StatusCode::SEE_OTHER);
    let html = client.get(&plan).await.text().await.unwrap();
    assert!(html.contains("Afgesloten") && html.contains("Doelen deels bereikt: Woont zelfstandig"), "{html}");
    assert!(
        !client.get("/reviews/weekly").await.text().await.unwrap().contains("De Boer"),
        "closed plans leave the review"
    );
    assert!(!client.get("/tasks/agency").await.text().await.unwrap().contains("Aanmelden"), "and the task lists");
}

#[tokio::test]
async fn a_plan_can_continue_or_return_the_person_to_the_criminal_justice_route() {
    let s = plan_team(spawn_app().await).await;
    let (client, plan) = s.active_plan().await;
    let decide = format!("{plan}/re-evaluation");
    assert_eq!(client.post_form(&decide, &[("decision", "start")]).await.status(), StatusCode::SEE_OTHER);
    let cont = [("decision", "continue"), ("reason", "Schulden nog niet geregeld")];
    assert_eq!(client.post_form(&decide, &cont).await.status(), StatusCode::SEE_OTHER);
    assert!(client.get(&plan).await.text().await.unwrap().contains("Voortgezet"));
    let back = [("decision", "return"), ("reason", "Werkt niet mee, opnieuw aangehouden")];
    assert_eq!(client.post_form(&decide, &back).await.status(), StatusCode::SEE_OTHER);
    let html = client.get(&plan).await.text().await.unwrap();
    assert!(html.contains("Terug naar de strafrechtelijke route") && html.contains("Werkt niet mee"));
}
