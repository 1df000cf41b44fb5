//! Gerrit Hoekstra, the demo's prolific shoplifter, and his plan.

use super::{Seeder, day_of, days};
use domain::ids::PersonId;
use domain::people::PersonInput;
use domain::plan::service::PlanAction;
use jiff::Timestamp;

/// Gerrit Hoekstra, 56: alcohol from supermarkets and bikes from the station, again and again.
/// His area ban itself is a measure (`measures.rs`); his plan has the police task that checks it.
pub(super) async fn seed_shoplifter(seeder: &Seeder<'_>, end: Timestamp) -> anyhow::Result<PersonId> {
    seeder.set(end.checked_sub(days(100)).unwrap_or(end));
    let input = PersonInput {
        family_name: "Hoekstra".into(),
        given_names: "Gerrit".into(),
        birth_date: "1970-03-14".into(),
        sex: "M".into(),
        address: "Geen vaste woon- of verblijfplaats".into(),
        postcode: String::new(),
        city: "Amsterdam".into(),
        phone: String::new(),
        email: String::new(),
        // His BSN links him to the police record extract, where he is a very active prolific
        // offender (`cohorts.rs`).
        identifiers: vec![domain::people::IdentifierInput {
            kind: "bsn".into(),
            value: crate::demo::cohorts::SHOPLIFTER_BSN.into(),
        }],
        languages: "nl".into(),
    };
    let person = seeder.person(input).await?;
    seeder.screen(person, &[1, 2, 1, 3, 2, 1], 0, "Dakloos sinds scheiding; drinkt dagelijks; schulden").await?;
    seeder.plan_open(person, &[1, 2], 1).await?;
    seeder
        .change(
            "procesregisseur",
            person,
            PlanAction::AddTask {
                description: "Controle op naleving gebiedsverbod".into(),
                kind: "enforcement".into(),
                owner: seeder.agency_of("politie"),
                owner_member: String::new(),
                goal: String::new(),
                // The next check is due in the coming weeks, relative to the demo's start.
                due: day_of(end).checked_add(jiff::Span::new().days(12)).unwrap_or(day_of(end)).to_string(),
                restricted_to: Vec::new(),
            },
        )
        .await?;
    seeder.change("procesregisseur", person, PlanAction::Activate).await?;
    seeder.set(end.checked_sub(days(40)).unwrap_or(end));
    seeder.note("ggz", person, "Intake alcoholprogramma gehad; start groepsbehandeling maandag").await?;
    seeder
        .restricted_note("ggz", person, "Leverwaarden verhoogd; huisarts ingelicht (alleen GGZ en Veiligheidshuis)")
        .await?;
    seeder.note("gemeente", person, "Aanmelding maatschappelijke opvang; kamer via Leger des Heils in beeld").await?;
    // His housing goal reworded with him, with the reason; the history keeps the first words.
    let file = seeder.plans().view(seeder.actor("procesregisseur"), person, "demo").await;
    let housing = file.ok().and_then(|f| f.plan).and_then(|p| p.plan.goals.first().map(|g| g.id.0.to_string()));
    let revise = PlanAction::ReviseGoal {
        goal: housing.unwrap_or_default(),
        domain: "housing".into(),
        in_own_words: "Eerst een plek in de opvang, daarna een eigen kamer waar ik rustig kan slapen".into(),
        agreed_by_person: true,
        reason: "Samen met Gerrit herschreven: eerst opvang, dan zelfstandig".into(),
    };
    seeder.change("procesregisseur", person, revise).await?;
    Ok(person)
}
