//! A ZSM table in Utrecht with one member per partner (two lawyers), each signed in through the
//! real sign-in form, and the intake, version and registration helpers the ZSM journeys share.

use super::{Client, Spawn, TestApp, app, input_value};
use domain::access::{Actor, Role};
use domain::directory::AgencyKind;
use domain::ids::PersonId;
use domain::people::{IdentifierInput, PersonInput};
use domain::zsm::ports::{ZsmLocation, ZsmStore};

pub struct Table {
    pub app: TestApp,
    pub police: Client,
    pub prosecutor: Client,
    pub probation: Client,
    pub victim_support: Client,
    pub lawyer: Client,
    pub lawyer_actor: Actor,
    pub other_lawyer: Client,
    pub police_actor: Actor,
}

/// Sunday 22 November 2026, 11:00 in Amsterdam.
pub const NOW: &str = "2026-11-22T10:00:00Z";

/// The application as the ZSM tests run it: its clock at `now`, its pages in English.
pub fn zsm_app(now: &str) -> Spawn {
    app().at(now).in_english()
}

/// The table at `NOW`, on SQLite.
pub async fn table() -> Table {
    table_on_app(zsm_app(NOW).sqlite().await).await
}

/// The table on a fresh PostgreSQL database, when the tests have one.
pub async fn table_on_postgres() -> Option<Table> {
    Some(table_on_app(zsm_app(NOW).postgres().await?).await)
}

/// One member of each partner at the table, each of an agency of their own, who sign in as
/// "police", "prosecutor", "probation", "victim-support" and "lawyer".
pub struct Partners {
    pub police: Actor,
    pub prosecutor: Actor,
    pub probation: Actor,
    pub victim_support: Actor,
    pub lawyer: Actor,
}

pub async fn partners(app: &TestApp) -> Partners {
    let police = app.member_of_new_agency("Politie Utrecht", AgencyKind::Police, "police", Role::PoliceOfficer).await;
    let prosecutor =
        app.member_of_new_agency("OM Midden-Nederland", AgencyKind::Prosecution, "prosecutor", Role::Prosecutor).await;
    let probation = app
        .member_of_new_agency("Reclassering Utrecht", AgencyKind::Probation, "probation", Role::ProbationOfficer)
        .await;
    let victim_support = app
        .member_of_new_agency(
            "Slachtofferhulp Utrecht",
            AgencyKind::VictimSupport,
            "victim-support",
            Role::VictimSupportWorker,
        )
        .await;
    let lawyer = app.member_of_new_agency("Advocaten Jansen", AgencyKind::Defence, "lawyer", Role::DefenceLawyer).await;
    Partners { police, prosecutor, probation, victim_support, lawyer }
}

pub async fn table_on_app(app: TestApp) -> Table {
    let partners = partners(&app).await;
    app.member_of_new_agency("Advocaten de Boer", AgencyKind::Defence, "other-lawyer", Role::DefenceLawyer).await;
    app.store
        .create_location(
            &ZsmLocation {
                code: "zsm-utrecht".into(),
                name: "ZSM Utrecht".into(),
                pack: "nl".into(),
                agencies: vec![
                    partners.police.agency_id,
                    partners.prosecutor.agency_id,
                    partners.probation.agency_id,
                    partners.victim_support.agency_id,
                ],
                time_zone: None,
            },
            app.now(),
        )
        .await
        .unwrap();
    Table {
        police: app.sign_in("police").await,
        prosecutor: app.sign_in("prosecutor").await,
        probation: app.sign_in("probation").await,
        victim_support: app.sign_in("victim-support").await,
        lawyer: app.sign_in("lawyer").await,
        other_lawyer: app.sign_in("other-lawyer").await,
        lawyer_actor: partners.lawyer,
        police_actor: partners.police,
        app,
    }
}

impl Table {
    pub async fn person(&self, family_name: &str) -> PersonId {
        suspect(&self.app, &self.police_actor, family_name, Vec::new()).await
    }
}

/// "Sam {family_name}", registered by `police` on their statutory task.
pub async fn suspect(app: &TestApp, police: &Actor, family_name: &str, identifiers: Vec<IdentifierInput>) -> PersonId {
    let zone = jiff::tz::TimeZone::get("Europe/Amsterdam").unwrap();
    let input = PersonInput {
        family_name: family_name.into(),
        given_names: "Sam".into(),
        sex: "X".into(),
        identifiers,
        ..Default::default()
    };
    app.register(police, &input, "Politiewet 2012 art. 3", "ZSM", &zone).await
}

pub fn intake<'a>(
    suspect: &'a str,
    arrested: &'a str,
    arrived: &'a str,
    offence_date: &'a str,
    lawyer: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("suspect_id", suspect),
        ("location", "zsm-utrecht"),
        ("arrested_at", arrested),
        ("arrived_at", arrived),
        ("offence_type", "winkeldiefstal"),
        ("offence_date", offence_date),
        ("offence_place", "Utrecht, Hoog Catharijne"),
        ("offence_description", "Drie flessen sterke drank"),
        ("offence_pretrial", "yes"),
        ("offence_type", ""),
        ("offence_date", ""),
        ("offence_place", ""),
        ("offence_description", ""),
        ("offence_pretrial", "yes"),
        ("victim_person", ""),
        ("victim_description", "Mevrouw Geheim, caissière"),
        ("police_report_summary", "Aangehouden door de winkeldetective"),
        ("prior_record_summary", ""),
        ("lawyer_id", lawyer),
    ]
}

pub async fn register(table: &Table, name: &str, lawyer: &str) -> String {
    let suspect = table.person(name).await.to_string();
    let page = table
        .police
        .submit("/zsm/cases", &intake(&suspect, "2026-11-22T08:30", "2026-11-22T08:45", "2026-11-22", lawyer))
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.url.starts_with("/zsm/cases/"), "redirected to the case page, not {}", page.url);
    page.url.trim_start_matches("/zsm/cases/").to_string()
}

/// The case version a page's form carries.
pub fn version_of(body: &str) -> String {
    input_value(body, "version")
}

pub async fn current_version(client: &Client, case: &str) -> String {
    version_of(&client.visit(&format!("/zsm/cases/{case}")).await.body)
}

/// A decided case has no forms on its page; the amendment form carries its version.
pub async fn amend_version(client: &Client, case: &str) -> String {
    version_of(&client.visit(&format!("/zsm/cases/{case}/amend")).await.body)
}
