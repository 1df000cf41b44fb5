//! The casts several test modules share: who works where, and whose team a person is on. Each
//! starts with "fatima", a probation officer at Reclassering Nederland, who registers the
//! people; most have "olga", whose agency is on no one's team.

use super::{TestApp, valid_bsn};
use domain::access::{Actor, Role};
use domain::directory::{Agency, AgencyKind};
use domain::ids::PersonId;

impl TestApp {
    /// "fatima", probation officer at Reclassering Nederland.
    pub async fn probation_officer(&self) -> (Agency, Actor) {
        let probation = self.agency("Reclassering Nederland", AgencyKind::Probation).await;
        let officer = self.member(&probation, "fatima", &[Role::ProbationOfficer]).await;
        (probation, officer)
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

/// The mayor's measures: fatima's people — "Jan Kuipers" to impose measures on, a victim and a
/// child — and "olga", a process manager at a Safety House elsewhere, with a person of her own
/// named like the victim.
pub struct MeasuresCast {
    pub app: TestApp,
    pub probation: Agency,
    pub officer: Actor,
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
    MeasuresCast { app, probation, officer, stranger, excluded, victim, child, elsewhere }
}
