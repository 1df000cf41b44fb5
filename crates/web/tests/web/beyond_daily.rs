//! Beyond the case in daily use (issue 17 items 8–10), walked as the roles concerned: the
//! probation officer's "to screen" list (one line per person, the most urgent first, counted,
//! searchable and paged, with the table's name), the screening form naming the life domain of
//! each error, and an episode whose case manager is chosen from eligible members and whose
//! progress reads as a sentence.

use crate::support::teams::measures_cast;
use crate::support::zsm::{Table, current_version, register, table, version_of};
use crate::support::{input_value, spawn_app};
use domain::access::Role;
use domain::jurisdiction::{BeyondPack, Lang};
use reqwest::StatusCode;

async fn quick_scan(t: &Table, case: &str, fields: &[(&str, &str)]) {
    let v = current_version(&t.probation, case).await;
    let mut form = vec![("version", v.as_str()), ("state", "done")];
    form.extend_from_slice(fields);
    let page = t.probation.submit(&format!("/zsm/cases/{case}/contributions/probation"), &form).await;
    assert_eq!(page.status, 200, "{}", page.body);
}

async fn refer_for_case_management(t: &Table, case: &str) {
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
}

/// The persons' names in the list's order.
fn listed_names(body: &str) -> Vec<String> {
    let table = body.split("id=\"to-screen\"").nth(1).unwrap_or_default();
    table
        .split("<th scope=\"row\"><a href=\"/people/")
        .skip(1)
        .map(|row| row.split('>').nth(1).unwrap_or_default().split('<').next().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn the_list_to_screen_is_one_line_per_person_most_urgent_first_counted_searchable_and_paged() {
    let t = table().await;
    // Vries: a quick scan advising screening, then a referral for case management of the same
    // case — two referrals, one line.
    let vries = register(&t, "Vries", "").await;
    quick_scan(&t, &vries, &[("advice", "screening_advised"), ("signal", "debt"), ("signal_note.debt", "huur")]).await;
    refer_for_case_management(&t, &vries).await;
    // Jansen: advice of an intervention — the most urgent.
    let jansen = register(&t, "Jansen", "").await;
    quick_scan(&t, &jansen, &[("advice", "intervention_advised")]).await;
    // 25 more with a signal only, so the list needs a second page.
    for n in 0..25 {
        let case = register(&t, &format!("Pers{n:02}"), "").await;
        quick_scan(&t, &case, &[("advice", "no_concerns"), ("signal", "housing"), ("signal_note.housing", "bank")])
            .await;
    }

    let first = t.probation.visit("/screenings/waiting").await;
    assert_eq!(first.status, 200);
    // Only the persons shown are on record as listed.
    let listed = t.app.scalar("SELECT count(*) FROM audit_log WHERE what = 'list: to screen'").await;
    assert_eq!(listed, 25, "the first page's 25, not all 27");
    assert!(first.body.contains("27 people waiting. Page 1 of 2."), "{}", first.body);
    let names = listed_names(&first.body);
    assert_eq!(names.len(), 25, "a page holds 25 people");
    assert_eq!(names[..2], ["Sam Jansen".to_string(), "Sam Vries".to_string()], "most urgent first");
    assert_eq!(names.iter().filter(|n| *n == "Sam Vries").count(), 1, "no duplicates");
    assert!(first.body.contains("ZSM Utrecht"), "the location's name");
    assert!(!first.body.contains("zsm-utrecht"), "not its code");
    assert!(first.body.contains("referred the case for case management"), "both reasons on Vries's line");

    let second = t.probation.visit("/screenings/waiting?page=2").await;
    assert!(second.body.contains("Page 2 of 2."), "{}", second.body);
    assert_eq!(listed_names(&second.body).len(), 2);
    assert!(second.body.contains("rel=\"prev\""));

    let found = t.probation.visit("/screenings/waiting?q=vries").await;
    assert!(found.body.contains("1 of 27 people waiting match “vries”. Page 1 of 1."), "{}", found.body);
    assert_eq!(listed_names(&found.body), ["Sam Vries"]);
    assert_eq!(t.probation.visit("/screenings/waiting?page=nul").await.status, 400);
}

#[tokio::test]
async fn screening_errors_name_the_life_domain_and_keep_to_the_text_limits() {
    let t = table().await;
    let case = register(&t, "Vries", "").await;
    quick_scan(&t, &case, &[("advice", "screening_advised")]).await;
    let waiting = t.probation.visit("/screenings/waiting").await;
    let person = waiting.body.split("/screenings/new\"").next().unwrap().rsplit('/').next().unwrap().to_string();
    let pack = BeyondPack::nl();
    let first = &pack.screening.domains[0];
    let key = first.key.as_str();
    let label = first.label.get(Lang::En);
    // A source is one line (200 characters at most), as everywhere; the form comes back.
    let long_source = "s".repeat(201);
    let page = t
        .probation
        .submit(
            &format!("/people/{person}/screenings"),
            &[
                ("screened_on", "2026-11-22"),
                (&format!("score-{key}"), "3"),
                (&format!("note-{key}"), "huurachterstand"),
                (&format!("source-{key}"), &long_source),
            ],
        )
        .await;
    assert_eq!(page.status, 422, "{}", page.body);
    assert!(page.body.contains(&format!("{label} – source:")), "the summary names the domain: {}", page.body);
    assert!(page.body.contains("huurachterstand"), "what was typed is kept");
    // The other required domains are named at the same time.
    let second = pack.screening.domains.iter().find(|d| d.required && d.key.as_str() != key).unwrap();
    assert!(page.body.contains(&format!("{} – score:", second.label.get(Lang::En))), "{}", page.body);
    assert!(page.body.contains("href=\"#source-"), "each line links to its field");
    assert!(page.body.contains("maxlength=\"200\""));
    assert_eq!(t.app.count("screening").await, 0, "nothing saved");
}

#[tokio::test]
async fn an_episode_offers_eligible_case_managers_the_member_first_the_maximum_and_a_progress_sentence() {
    let s = measures_cast(spawn_app().await).await;
    let analyst = s.app.member(&s.probation, "analist", &[Role::Analyst]).await;
    let colleague = s.app.member(&s.probation, "collega", &[Role::ProbationOfficer]).await;
    let client = s.app.session_for(&s.officer).await;
    let measures = format!("/people/{}/measures", s.excluded);
    let page = client.get(&measures).await.text().await.unwrap();
    let select = page.split("name=\"case_manager\"").nth(1).unwrap().split("</select>").next().unwrap();
    assert!(select.contains(&format!("value=\"{}\" selected", s.officer.member_id)), "the member themself: {select}");
    assert!(select.contains(&colleague.member_id.to_string()), "a colleague who works on plans");
    assert!(!select.contains(&analyst.member_id.to_string()), "an analyst is no case manager");
    assert!(page.contains("Hoogstens 12 weken om te beginnen"), "the pack's maximum");
    assert!(page.contains("max=\"12\""));

    // Every problem at once: an analyst, a word for weeks, no intensity.
    let path = format!("{measures}/episodes");
    let officer_id = s.officer.member_id.to_string();
    let analyst_id = analyst.member_id.to_string();
    let bad = [("form", "episode_new"), ("case_manager", &analyst_id), ("weeks", "vier"), ("contacts_per_week", "")];
    let response = client.post_form(&path, &bad).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    for anchor in ["episode_new-case_manager", "episode_new-weeks", "episode_new-contacts_per_week"] {
        assert!(html.contains(&format!("href=\"#{anchor}\"")), "{anchor} in the summary: {html}");
    }
    assert!(html.contains("die aan plannen werkt"), "{html}");
    let too_long = [("form", "episode_new"), ("weeks", "13"), ("contacts_per_week", "2")];
    let response = client.post_form(&path, &too_long).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Past the pack's maximum and no intensity: both at once, not the maximum only after the
    // intensity is fixed (issue 17 item 23, found walking the episode form as probation).
    let both = [("form", "episode_new"), ("case_manager", &officer_id), ("weeks", "20"), ("contacts_per_week", "")];
    let html = client.post_form(&path, &both).await.text().await.unwrap();
    let summary = html.split("class=\"error-summary\"").nth(1).expect("an error summary");
    let summary = &summary[..summary.find("</ul>").expect("its list")];
    assert!(
        summary.contains("ten hoogste 12 weken") && summary.contains("href=\"#episode_new-contacts_per_week\""),
        "{summary}"
    );
    assert_eq!(s.app.count("measure").await, 0);

    let officer = s.officer.member_id.to_string();
    let start = [("form", "episode_new"), ("case_manager", &officer), ("weeks", "4"), ("contacts_per_week", "2")];
    assert_eq!(client.post_form(&path, &start).await.status(), StatusCode::SEE_OTHER);
    let page = client.get(&measures).await.text().await.unwrap();
    assert!(page.contains("Week 1 van 4: 0 contacten tot nu toe; de eerste week loopt nog."), "{page}");
    let id = input_value(&page, "episode");
    let change = format!("{measures}/episodes/change");
    let contact = [("form", "episode_contact"), ("episode", id.as_str()), ("on", "2026-11-22"), ("kind", "phone")];
    assert_eq!(client.post_form(&change, &contact).await.status(), StatusCode::SEE_OTHER);
    s.app.clock.set("2026-12-07T09:00:00Z".parse().unwrap());
    let client = s.app.session_for(&s.officer).await;
    let page = client.get(&measures).await.text().await.unwrap();
    assert!(page.contains("Week 3 van 4: 1 van 4 contacten tot nu toe, achter op schema."), "{page}");
}

/// The "to screen" list through the API (`GET /api/v1/screenings/waiting`), with people
/// waiting: most urgent first, one entry per person with each referral's fields, each person
/// listed audited; the police, whose role does not screen, refused and the refusal audited.
async fn the_api_s_list_to_screen(t: Table) {
    let vries = register(&t, "Vries", "").await;
    quick_scan(&t, &vries, &[("advice", "screening_advised"), ("signal", "debt"), ("signal_note.debt", "huur")]).await;
    refer_for_case_management(&t, &vries).await;
    let jansen = register(&t, "Jansen", "").await;
    quick_scan(&t, &jansen, &[("advice", "intervention_advised")]).await;

    let (status, waiting) =
        crate::support::api_call(&t.probation, reqwest::Method::GET, "/api/v1/screenings/waiting", None).await;
    assert_eq!(status, StatusCode::OK, "{waiting}");
    assert_eq!((waiting["total"].as_u64(), waiting["page"].as_u64()), (Some(2), Some(1)), "{waiting}");
    let persons = waiting["persons"].as_array().unwrap();
    let names: Vec<&str> = persons.iter().map(|p| p["person_name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Sam Jansen", "Sam Vries"], "most urgent first");
    let vries_line = &persons[1];
    let reasons: Vec<&str> =
        vries_line["referrals"].as_array().unwrap().iter().map(|r| r["reason"].as_str().unwrap()).collect();
    assert_eq!(reasons.len(), 2, "both referrals of the same case on one person: {vries_line}");
    assert!(reasons.contains(&"quick_scan") && reasons.contains(&"case_management"), "{vries_line}");
    let scan = vries_line["referrals"].as_array().unwrap().iter().find(|r| r["reason"] == "quick_scan").unwrap();
    assert_eq!((scan["location"].as_str(), scan["advice"].as_str()), (Some("zsm-utrecht"), Some("screening_advised")));
    assert_eq!(scan["signals"][0]["domain"], "debt", "{scan}");
    assert_eq!(scan["signals"][0]["note"], "huur", "{scan}");
    assert!(scan["case_id"].as_str().is_some_and(|c| vries.ends_with(c)), "{scan} of {vries}");
    let listed = t.app.scalar("SELECT count(*) FROM audit_log WHERE what = 'list: to screen'").await;
    assert_eq!(listed, 2, "each person listed is audited");

    let (status, problem) =
        crate::support::api_call(&t.police, reqwest::Method::GET, "/api/v1/screenings/waiting", None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    assert!(!problem.to_string().contains("Vries"), "nobody named to a role that does not screen");
    let denied = t.app.scalar("SELECT count(*) FROM audit_log WHERE action = 'denied'").await;
    assert!(denied >= 1, "the refusal is audited");
}

#[tokio::test]
async fn the_api_s_list_to_screen_on_sqlite() {
    the_api_s_list_to_screen(table().await).await;
}

#[tokio::test]
async fn the_api_s_list_to_screen_on_postgres() {
    if let Some(t) = crate::support::zsm::table_on_postgres().await {
        the_api_s_list_to_screen(t).await;
    }
}
