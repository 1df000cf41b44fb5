//! Hand-offs between agencies walked as each role (issues 17 and 19): what the receiving
//! partner trips on when it opens what the sending partner made.

use crate::support::zsm::{register, table};

/// Victim support saves its ZSM section with a damages claim that is not an amount: the error
/// summary at the top of the long case page says which field it is about, not only the message.
#[tokio::test]
async fn a_refused_zsm_section_names_its_field_in_the_error_summary() {
    let t = table().await;
    let case = register(&t, "Samenvatting", &t.lawyer_actor.member_id.to_string()).await;
    let fields = [("state", "in_progress"), ("interests", "Wil de schade vergoed zien"), ("damages_claim", "veel")];
    let page = t.victim_support.submit(&format!("/zsm/cases/{case}/contributions/victim_support"), &fields).await;
    assert_eq!(page.status, 422, "{}", page.body);
    let summary = page.body.split("class=\"error-summary\"").nth(1).expect("an error summary");
    let summary = &summary[..summary.find("</ul>").expect("its list")];
    assert!(summary.contains("Damages claim (euro): "), "the summary names the field: {summary}");
    assert!(page.body.contains("Wil de schade vergoed zien"), "what was typed is kept");
}

/// Probation refers Gerrit; the provider accepts, so the referral moves to its waiting list.
/// The provider's landing tab ("Incoming") is then empty: it says that no NEW referral waits
/// for an answer and where the accepted ones are, never "no referrals" as if it had none.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provider_whose_referrals_are_all_accepted_is_not_told_it_has_none() {
    use crate::interventions::{cast, programme};
    use crate::support::api_call;
    let c = cast().await;
    let (officer, worker) = (c.app.session_for(&c.officer).await, c.app.session_for(&c.worker).await);
    let (_, entry) = api_call(&worker, reqwest::Method::POST, "/api/v1/interventions", Some(programme())).await;
    let fields = [("intervention_id", entry["id"].as_str().unwrap()), ("risks", "")];
    let referral = officer.submit(&format!("/people/{}/referrals", c.person), &fields).await.url;
    assert_eq!(worker.submit(&format!("{referral}/changes"), &[("action", "accept")]).await.status, 200);

    let incoming = worker.visit("/provider/referrals").await;
    assert!(!incoming.body.contains("Geen verwijzingen."), "not told there are none: {}", incoming.body);
    assert!(incoming.body.contains("Er wachten geen nieuwe verwijzingen op uw antwoord"), "{}", incoming.body);
    assert!(incoming.body.contains("aria-current=\"page\">Binnengekomen"), "the tab it is on is marked");
    assert!(worker.visit("/provider/referrals?view=waiting").await.body.contains("Gerrit Hoekstra"));
}

/// The police send an empty intake and the prosecutor an empty decision: each line of the
/// error summary names its field, not five times "Fill this in" without saying where.
#[tokio::test]
async fn empty_zsm_intake_and_decision_name_each_field_in_the_summary() {
    let t = table().await;
    let summary_of = |body: &str| {
        let summary = body.split("class=\"error-summary\"").nth(1).expect("an error summary").to_string();
        summary[..summary.find("</ul>").expect("its list")].to_string()
    };
    let intake = t.police.submit("/zsm/cases", &[("location", "zsm-utrecht")]).await;
    assert_eq!(intake.status, 422, "{}", intake.body);
    let summary = summary_of(&intake.body);
    for label in ["Suspect: ", "Moment of arrest (local time): ", "Type of offence: "] {
        assert!(summary.contains(label), "{label} named: {summary}");
    }
    let case = register(&t, "Leeg", &t.lawyer_actor.member_id.to_string()).await;
    let version = crate::support::zsm::current_version(&t.prosecutor, &case).await;
    let decision = t.prosecutor.submit(&format!("/zsm/cases/{case}/decision"), &[("version", version.as_str())]).await;
    assert_eq!(decision.status, 422, "{}", decision.body);
    assert!(summary_of(&decision.body).contains("Disposal: "), "{}", summary_of(&decision.body));
}

/// Victim support saves a damages claim of 45,90 on a Dutch page and opens the case again: the
/// form offers it back as 45,90 — the decimal comma of the page's language, as the section
/// above it reads "€ 45,90" — not 45.90; in Italian too, and 45.90 in English (issue 17 item
/// 22, found walking the table).
#[tokio::test]
async fn a_saved_damages_claim_is_offered_back_in_the_page_s_locale() {
    let t = table().await;
    let case = register(&t, "Bedrag", &t.lawyer_actor.member_id.to_string()).await;
    let vs = &t.victim_support;
    vs.visit("/language/nl?back=/").await;
    let fields = [("state", "in_progress"), ("interests", "Schade vergoed"), ("damages_claim", "45,90")];
    let saved = vs.submit(&format!("/zsm/cases/{case}/contributions/victim_support"), &fields).await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    for (lang, typed, read) in [("nl", "45,90", "€ 45,90"), ("it", "45,90", "€ 45,90"), ("en", "45.90", "€45.90")]
    {
        vs.visit(&format!("/language/{lang}?back=/")).await;
        let page = vs.visit(&format!("/zsm/cases/{case}")).await;
        let form = page.body.split("/contributions/victim_support\"").nth(1).expect("the section's form");
        let input = &form[form.find("id=\"damages_claim\"").expect("the claim's field")..];
        let value = input.split("value=\"").nth(1).and_then(|v| v.split('"').next());
        assert_eq!(value, Some(typed), "{lang}");
        assert!(page.body.contains(read), "{lang}: the section reads {read}");
    }
}
