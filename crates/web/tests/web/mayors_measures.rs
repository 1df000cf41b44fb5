//! The mayor's measures at the table (issue 17 items 18–20), walked as each role: probation
//! proposes an exclusion order, the municipality is told, imposes it and answers the proposal;
//! probation cannot impose; a second identical order is refused; an extension needs the advice
//! (or a reason why not); victim support records the victim's part in the safety plan, which
//! agencies off the victim's team do not see; the help list says for whom each help item is.

use crate::support::teams::measures_cast;
use crate::support::{Client, input_value, spawn_app};
use domain::access::Role;
use domain::directory::AgencyKind;
use reqwest::StatusCode;

async fn page(client: &Client, path: &str) -> String {
    let response = client.get(path).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.text().await.unwrap()
}

async fn post(client: &Client, path: &str, fields: &[(&str, &str)]) -> (StatusCode, String) {
    let response = client.post_form(path, fields).await;
    (response.status(), response.text().await.unwrap())
}

#[tokio::test]
async fn probation_proposes_the_municipality_imposes_and_the_victim_is_heard() {
    let s = measures_cast(spawn_app().await).await;
    let probation = s.app.session_for(&s.officer).await;
    let mayor = s.app.session_for(&s.mayor).await;
    let measures = format!("/people/{}/measures", s.excluded);
    let victims = s.victim.to_string();
    let impose = [
        ("form", "order_new"),
        ("victims", victims.as_str()),
        ("address", "Dorpsstraat 1"),
        ("decision_ref", "HV-1"),
        ("imposed_at", "2026-11-21T10:00"),
    ];

    // Probation sees no impose form, cannot impose, but proposes (every problem at once first).
    let html = page(&probation, &measures).await;
    assert!(!html.contains("measures/exclusion-orders\" novalidate"), "no form to impose for probation");
    assert!(html.contains("Maatregel voorstellen aan de burgemeester"), "{html}");
    let (status, _) = post(&probation, &format!("{measures}/exclusion-orders"), &impose).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "probation proposes, it does not impose");
    let proposals = format!("{measures}/proposals");
    let (status, html) = post(&probation, &proposals, &[("form", "proposal_new"), ("measure_kind", "x")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("href=\"#proposal_new-measure_kind\"") && html.contains("href=\"#proposal_new-reason\""));
    let propose = [("form", "proposal_new"), ("measure_kind", "exclusion_order"), ("reason", "Dreiging tegen partner")];
    let (status, body) = post(&probation, &proposals, &propose).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");

    // The municipality is told, in words, and answers after imposing.
    let told = page(&mayor, "/notifications").await;
    assert!(told.contains("Tijdelijk huisverbod") && told.contains("Dreiging tegen partner"), "{told}");
    assert!(!told.contains("exclusion_order"), "no raw codes: {told}");
    let (status, body) = post(&mayor, &format!("{measures}/exclusion-orders"), &impose).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let html = page(&mayor, &measures).await;
    let proposal = input_value(&html, "proposal");
    let answer = format!("{measures}/proposals/answer");
    let declined = [("form", "proposal_answer"), ("proposal", proposal.as_str()), ("outcome", "declined")];
    let (status, html) = post(&mayor, &answer, &declined).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a decline says why");
    assert!(html.contains("geef de reden"), "{html}");
    let imposed = [("form", "proposal_answer"), ("proposal", proposal.as_str()), ("outcome", "imposed")];
    assert_eq!(post(&mayor, &answer, &imposed).await.0, StatusCode::SEE_OTHER);
    assert!(page(&probation, &measures).await.contains("Opgelegd – marit (test)"));

    // A second identical order while the first is in force: refused, the address named.
    let (status, html) = post(&mayor, &format!("{measures}/exclusion-orders"), &impose).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("href=\"#order_new-address\"") && html.contains("er geldt al een huisverbod"), "{html}");
    assert_eq!(s.app.scalar("SELECT count(*) FROM measure WHERE kind = 'exclusion_order'").await, 1);

    // An extension needs the advice, or a reason why not.
    let order = input_value(&page(&mayor, &measures).await, "order");
    let change = format!("{measures}/exclusion-orders/change");
    let extend = [("form", "order_extend"), ("order", order.as_str()), ("to_total_days", "20"), ("decision_ref", "V")];
    let (status, html) = post(&mayor, &change, &extend).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains(&format!("href=\"#order_extend-{order}-without_advice_reason\"")), "{html}");
    let mut without = extend.to_vec();
    without.push(("without_advice_reason", "Veilig Thuis adviseerde mondeling; dreiging acuut"));
    assert_eq!(post(&mayor, &change, &without).await.0, StatusCode::SEE_OTHER);
    assert!(page(&mayor, &measures).await.contains("Zonder advies: Veilig Thuis adviseerde mondeling"));

    // Help for the victim, named with their part; then victim support records the victim's part.
    let owner = s.probation.id.to_string();
    let help = [
        ("form", "order_help"),
        ("order", order.as_str()),
        ("for_person", victims.as_str()),
        ("owner", owner.as_str()),
        ("description", "Veiligheidsplan opstellen"),
    ];
    assert_eq!(post(&mayor, &change, &help).await.0, StatusCode::SEE_OTHER);
    assert!(page(&mayor, &measures).await.contains("Jan Verhoeven (slachtoffer)"), "for whom the help is");
    let support = s.app.agency("Slachtofferhulp Utrecht", AgencyKind::VictimSupport).await;
    let worker = s.app.member(&support, "vera", &[Role::VictimSupportWorker]).await;
    s.app.join_team(&s.officer, s.victim, &support).await;
    let vera = s.app.session_for(&worker).await;
    let victim_page = format!("/people/{}/measures", s.victim);
    let voice = |wishes: &'static str, on: &'static str| {
        vec![
            ("form", "order_victim_voice"),
            ("order", order.as_str()),
            ("victim", victims.as_str()),
            ("wishes", wishes),
            ("involvement", "Wil bij het veiligheidsplan betrokken zijn; liever geen contact met hem"),
            ("spoken_on", on),
        ]
    };
    let victim_change = format!("/people/{}/measures/exclusion-orders/change", s.victim);
    let (status, html) = post(&vera, &victim_change, &voice(" ", "2026-12-01")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains(&format!("href=\"#order_victim_voice-{order}-wishes\"")), "{html}");
    assert!(html.contains(&format!("href=\"#order_victim_voice-{order}-spoken_on\"")) || html.contains("na vandaag"));
    let (status, body) = post(&vera, &victim_change, &voice("Slot vervangen en een alarmknop", "2026-11-22")).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let heard = page(&vera, &victim_page).await;
    assert!(
        heard.contains("Slot vervangen en een alarmknop") && heard.contains("vera (test) (Slachtofferhulp Utrecht)")
    );
    // Visible to the mayor's office (on the victim's team); not to an agency off it.
    assert!(page(&mayor, &measures).await.contains("Slot vervangen"));
    let police = s.app.agency("Politie Utrecht", AgencyKind::Police).await;
    let constable = s.app.member(&police, "kees", &[Role::PoliceOfficer]).await;
    s.app.join_team(&s.officer, s.excluded, &police).await;
    let kees = s.app.session_for(&constable).await;
    assert!(!page(&kees, &measures).await.contains("Slot vervangen"), "the victim's words stay with her team");
}
