//! The casts several test modules share: who works where, and whose team a person is on. Each
//! starts with "fatima", a probation officer at Reclassering Nederland, who registers the
//! people; most have "olga", whose agency is on no one's team.

use super::{Client, TestApp, api_call, input_value, valid_bsn};
use domain::access::{Actor, Role};
use domain::directory::{Agency, AgencyKind};
use domain::ids::PersonId;
use domain::mentoring::MentorProfile;
use reqwest::{Method, StatusCode};
use serde_json::json;

impl TestApp {
    /// "fatima", probation officer at Reclassering Nederland.
    pub async fn probation_officer(&self) -> (Agency, Actor) {
        let probation = self.agency("Reclassering Nederland", AgencyKind::Probation).await;
        let officer = self.member(&probation, "fatima", &[Role::ProbationOfficer]).await;
        (probation, officer)
    }

    /// "marit" of the mayor's office (a municipality), signed in, on the teams of `persons`
    /// (added by `by`): only the municipality imposes the mayor's measures.
    pub async fn mayors_office(&self, by: &Actor, persons: &[PersonId]) -> Client {
        let municipality = self.agency("Gemeente Utrecht", AgencyKind::Municipality).await;
        let mayor = self.member(&municipality, "marit", &[Role::MunicipalityOfficer]).await;
        for person in persons {
            self.join_team(by, *person, &municipality).await;
        }
        self.session_for(&mayor).await
    }

    /// "Jan {family_name}", registered by `by`, with `agencies` added to their team.
    pub async fn person_on_team(&self, by: &Actor, family_name: &str, bsn: &str, agencies: &[&Agency]) -> PersonId {
        let person = self.person(by, family_name, bsn).await;
        for agency in agencies {
            self.join_team(by, person, agency).await;
        }
        person
    }
}

/// The mayor imposes an exclusion order on `excluded` ("Dorpsstraat 1") protecting `victim`;
/// the order's id, as the measures page gives it.
pub async fn impose_order(
    mayor: &Client,
    excluded: PersonId,
    victim: PersonId,
    decision_ref: &str,
    imposed_at: &str,
) -> String {
    let victims = victim.to_string();
    let impose = [
        ("form", "order_new"),
        ("victims", victims.as_str()),
        ("address", "Dorpsstraat 1"),
        ("decision_ref", decision_ref),
        ("imposed_at", imposed_at),
    ];
    let response = mayor.post_form(&format!("/people/{excluded}/measures/exclusion-orders"), &impose).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let html = mayor.get(&format!("/people/{excluded}/measures")).await.text().await.unwrap();
    input_value(&html, "order")
}

/// The mayor arranges help for `victim` under `order`, owned by `owner`: `description`, e.g. a
/// safety plan with the victim.
pub async fn arrange_help(
    mayor: &Client,
    (excluded, victim): (PersonId, PersonId),
    order: &str,
    owner: &Agency,
    description: &str,
) {
    let (victims, owner) = (victim.to_string(), owner.id.to_string());
    let help = [
        ("form", "order_help"),
        ("order", order),
        ("for_person", victims.as_str()),
        ("owner", owner.as_str()),
        ("description", description),
    ];
    let response = mayor.post_form(&format!("/people/{excluded}/measures/exclusion-orders/change"), &help).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}

/// Beyond the case: fatima registers "Jan De Boer" and brings the police ("kees", Politie
/// Amsterdam) and the municipality ("ans", Gemeente Amsterdam) onto his team; "olga", a
/// probation officer at GGD Elders, is not on it.
pub struct PlanTeam {
    pub app: TestApp,
    pub probation: Agency,
    pub police: Agency,
    pub municipality: Agency,
    /// Not on the person's team.
    pub outsider: Agency,
    pub officer: Actor,
    pub constable: Actor,
    pub clerk: Actor,
    pub stranger: Actor,
    pub person: PersonId,
}

impl PlanTeam {
    /// Drafts the plan, adds one goal and a task per agency (police task for `constable`), activates.
    pub async fn active_plan(&self) -> (Client, String) {
        let client = self.app.session_for(&self.officer).await;
        let plan = format!("/people/{}/plan", self.person);
        assert_eq!(client.post_form(&plan, &[]).await.status(), StatusCode::SEE_OTHER);
        let goal = [("domain", "housing"), ("in_own_words", "Ik wil een eigen kamer")];
        assert_eq!(client.post_form(&format!("{plan}/goals"), &goal).await.status(), StatusCode::SEE_OTHER);
        // Written down first; the person agrees at the next meeting.
        let html = client.get(&plan).await.text().await.unwrap();
        assert!(html.contains("Nog niet"), "not yet agreed");
        let goal_id = input_value(&html, "goal");
        let agree = [("goal", goal_id.as_str()), ("agreed_by_person", "yes")];
        assert_eq!(client.post_form(&format!("{plan}/goal-agreement"), &agree).await.status(), StatusCode::SEE_OTHER);
        let constable = self.constable.member_id.to_string();
        let tasks = [
            (self.probation.id.to_string(), String::new(), "Aanmelden bij schuldhulp", "2026-12-01", "care"),
            (self.police.id.to_string(), constable, "Gebiedsverbod handhaven", "2026-12-15", "enforcement"),
            (self.municipality.id.to_string(), String::new(), "Kamer zoeken via wooncorporatie", "2027-01-10", "care"),
        ];
        for (owner, member, description, due, kind) in &tasks {
            let fields = [
                ("description", *description),
                ("kind", *kind),
                ("owner", owner.as_str()),
                ("owner_member", member.as_str()),
                ("goal", ""),
                ("due", *due),
            ];
            let response = client.post_form(&format!("{plan}/tasks"), &fields).await;
            assert_eq!(response.status(), StatusCode::SEE_OTHER, "{}", response.text().await.unwrap());
        }
        assert_eq!(client.post_form(&format!("{plan}/activate"), &[]).await.status(), StatusCode::SEE_OTHER);
        (client, plan)
    }
}

pub async fn plan_team(app: TestApp) -> PlanTeam {
    let (probation, officer) = app.probation_officer().await;
    let police = app.agency("Politie Amsterdam", AgencyKind::Police).await;
    let municipality = app.agency("Gemeente Amsterdam", AgencyKind::Municipality).await;
    let outsider = app.agency("GGD Elders", AgencyKind::Health).await;
    let constable = app.member(&police, "kees", &[Role::PoliceOfficer]).await;
    let clerk = app.member(&municipality, "ans", &[Role::MunicipalityOfficer]).await;
    let stranger = app.member(&outsider, "olga", &[Role::ProbationOfficer]).await;
    let person = app.person_on_team(&officer, "De Boer", "111222333", &[&police, &municipality]).await;
    PlanTeam { app, probation, police, municipality, outsider, officer, constable, clerk, stranger, person }
}

/// The case conference: fatima registers "Jan Visser" and brings the police ("kees", Politie
/// Utrecht) and the Safety House ("noor", its process manager) onto his team; "olga", a process
/// manager at GGD Elders, is not on it.
pub struct ConferenceTeam {
    pub app: TestApp,
    pub probation: Agency,
    pub police: Agency,
    pub house: Agency,
    /// Not on the person's team.
    pub outsider: Agency,
    pub officer: Actor,
    pub constable: Actor,
    pub manager: Actor,
    pub stranger: Actor,
    pub person: PersonId,
}

pub async fn conference_team(app: TestApp) -> ConferenceTeam {
    let (probation, officer) = app.probation_officer().await;
    let police = app.agency("Politie Utrecht", AgencyKind::Police).await;
    let house = app.agency("Zorg- en Veiligheidshuis Utrecht", AgencyKind::SafetyHouse).await;
    let outsider = app.agency("GGD Elders", AgencyKind::Health).await;
    let constable = app.member(&police, "kees", &[Role::PoliceOfficer]).await;
    let manager = app.member(&house, "noor", &[Role::ProcessManager]).await;
    let stranger = app.member(&outsider, "olga", &[Role::ProcessManager]).await;
    let person = app.person_on_team(&officer, "Visser", "111222333", &[&police, &house]).await;
    ConferenceTeam { app, probation, police, house, outsider, officer, constable, manager, stranger, person }
}

impl ConferenceTeam {
    /// Another person of fatima's, with the same team.
    pub async fn another_person(&self, family_name: &str, bsn: &str) -> PersonId {
        self.app.person_on_team(&self.officer, family_name, bsn, &[&self.police, &self.house]).await
    }
}

/// Referring from a plan (issue 19): fatima registers "Jan Hoekstra" with the Safety House on
/// his team ("noor", its process manager); "piet" of the provider Verslavingszorg Midden puts
/// the addiction programme "Minder drinken" (12 sessions, 5 places, Utrecht) in the catalogue.
/// All three signed in; the person has no plan yet.
pub struct ReferralTeam {
    pub provider: Agency,
    pub officer_actor: Actor,
    pub manager_actor: Actor,
    pub worker_actor: Actor,
    pub officer: Client,
    pub manager: Client,
    pub worker: Client,
    pub person: PersonId,
    /// The programme's catalogue id.
    pub entry: String,
}

pub async fn referral_team(app: &TestApp) -> ReferralTeam {
    let (_, officer_actor) = app.probation_officer().await;
    let house = app.agency("Zorg- en Veiligheidshuis Utrecht", AgencyKind::SafetyHouse).await;
    let manager_actor = app.member(&house, "noor", &[Role::ProcessManager]).await;
    let provider = app.agency("Verslavingszorg Midden", AgencyKind::Provider).await;
    let worker_actor = app.member(&provider, "piet", &[Role::ProviderWorker]).await;
    let person = app.person_on_team(&officer_actor, "Hoekstra", "111222333", &[&house]).await;
    let officer = app.session_for(&officer_actor).await;
    let manager = app.session_for(&manager_actor).await;
    let worker = app.session_for(&worker_actor).await;
    let entry = json!({"name": "Minder drinken", "kind": "addiction_treatment", "needs": ["addiction"],
        "outcomes": ["Sober for three months"], "capacity": 5, "sessions": 12, "duration_weeks": 12,
        "areas": ["Utrecht"]});
    let (status, entry) = api_call(&worker, Method::POST, "/api/v1/interventions", Some(entry)).await;
    assert_eq!(status, StatusCode::CREATED, "{entry}");
    let entry = entry["id"].as_str().unwrap().to_string();
    ReferralTeam { provider, officer_actor, manager_actor, worker_actor, officer, manager, worker, person, entry }
}

impl ReferralTeam {
    /// The person's plan, drafted by `by` (the officer or the process manager).
    pub async fn draft_plan(&self, by: &Client) {
        let drafted = by.post_form(&format!("/people/{}/plan", self.person), &[]).await;
        assert_eq!(drafted.status(), StatusCode::SEE_OTHER);
    }
}

/// The mayor's measures: fatima's people — "Jan Kuipers" to impose measures on, a victim and a
/// child — and "olga", a process manager at a Safety House elsewhere, with a person of her own
/// named like the victim.
pub struct MeasuresCast {
    pub app: TestApp,
    pub probation: Agency,
    pub officer: Actor,
    /// "marit" of the mayor's office (Gemeente Utrecht), on the team of the excluded person,
    /// the victim and the child: only the municipality imposes the mayor's measures.
    pub mayor: Actor,
    /// Of an agency on no one's team.
    pub stranger: Actor,
    pub excluded: PersonId,
    /// "Jan Verhoeven".
    pub victim: PersonId,
    pub child: PersonId,
    /// Another "Jan Verhoeven", on the stranger's agency's team only.
    pub elsewhere: PersonId,
}

pub async fn measures_cast(app: TestApp) -> MeasuresCast {
    let (probation, officer) = app.probation_officer().await;
    let outsider = app.agency("Zorg- en Veiligheidshuis Elders", AgencyKind::SafetyHouse).await;
    let stranger = app.member(&outsider, "olga", &[Role::ProcessManager]).await;
    let excluded = app.person(&officer, "Kuipers", "111222333").await;
    let victim = app.person(&officer, "Verhoeven", "123456782").await;
    let child = app.person(&officer, "Mees", "100000009").await;
    let elsewhere = app.person(&stranger, "Verhoeven", &valid_bsn(7)).await;
    let municipality = app.agency("Gemeente Utrecht", AgencyKind::Municipality).await;
    let mayor = app.member(&municipality, "marit", &[Role::MunicipalityOfficer]).await;
    for person in [excluded, victim, child] {
        app.join_team(&officer, person, &municipality).await;
    }
    MeasuresCast { app, probation, officer, mayor, stranger, excluded, victim, child, elsewhere }
}

/// "Henk", a vetted mentor with lived experience at `agency`, speaking Dutch, free evenings
/// for three mentees in `area`; the vetting runs out tomorrow (tests that need it expired set
/// `vetting_expires` themselves).
pub fn mentor_henk(mentor: &Actor, agency: &Agency, today: jiff::civil::Date, area: &str) -> MentorProfile {
    MentorProfile {
        member: mentor.member_id,
        agency: agency.id,
        name: "Henk".into(),
        lived_experience: true,
        vetted_on: today,
        vetting_expires: today.tomorrow().unwrap(),
        training_completed: None,
        languages: vec!["nl".into()],
        area: area.into(),
        availability: "avond".into(),
        capacity: 3,
        gender: "male".into(),
    }
}
