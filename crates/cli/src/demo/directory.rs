//! The demo's directory: thirteen agencies (police to Veilig Thuis), one member of each role and
//! one of every agency that owns tasks, all
//! signing in with [`DEMO_PASSWORD`](super::DEMO_PASSWORD). Written straight to the store: the
//! directory has no use case that creates agencies or members (`desist user add` does the
//! same).

use domain::access::{Actor, Role};
use domain::directory::{Agency, AgencyKind, DirectoryStore, Member};
use domain::ids::{AgencyId, MemberId};
use jiff::Timestamp;
use store::Store;

/// (username, display name, agency index, role)
pub(super) const MEMBERS: [(&str, &str, usize, Role); 19] = [
    ("politie", "Inspecteur Sanne Bakker", 0, Role::PoliceOfficer),
    ("officier", "Mr. Pieter Visser", 1, Role::Prosecutor),
    ("reclassering", "Fatima El Amrani", 2, Role::ProbationOfficer),
    ("slachtofferhulp", "Joost Mulder", 3, Role::VictimSupportWorker),
    ("advocaat", "Mr. Eva de Jong", 4, Role::DefenceLawyer),
    ("gemeente", "Kees van Dijk", 5, Role::MunicipalityOfficer),
    ("procesregisseur", "Noor Hendriks", 6, Role::ProcessManager),
    ("ggz", "Dr. Lotte Smit", 7, Role::ProviderWorker),
    ("mentor", "Henk Bos", 9, Role::Mentor),
    ("analist", "Daan Meijer", 6, Role::Analyst),
    ("beheer", "Functioneel beheer", 6, Role::Administrator),
    // Every agency that owns tasks has someone to do them (issue 17, item 24).
    ("legerdesheils", "Marloes Vink", 8, Role::ProviderWorker),
    ("woningcorporatie", "Ahmed Yilmaz", 10, Role::ProviderWorker),
    ("jeugdzorg", "Iris van den Berg", 11, Role::ProviderWorker),
    ("veiligthuis", "Anouk de Wit", 12, Role::ProviderWorker),
    // Personal funds and mentors (issue 20): the second probation officer who approves orders
    // above a fund's threshold, and the mentoring agency's coordinator.
    ("goedkeurder", "Jeroen de Wit", 2, Role::ProbationOfficer),
    ("mentorcoordinator", "Ans Vermeulen", 9, Role::ProviderWorker),
    // Views4 (issue 21): the municipality's commissioner of the providers it contracts, and
    // the police's ZSM location lead (the police sit at both demo locations).
    ("opdrachtgever", "Marieke Dekker", 5, Role::Commissioner),
    ("locatieleider", "Ruud Kok", 0, Role::LocationLead),
];

pub(super) const AGENCIES: [(&str, AgencyKind); 13] = [
    ("Politie Eenheid Amsterdam", AgencyKind::Police),
    ("Openbaar Ministerie Amsterdam", AgencyKind::Prosecution),
    ("Reclassering Nederland", AgencyKind::Probation),
    ("Slachtofferhulp Nederland", AgencyKind::VictimSupport),
    ("Advocatenkantoor De Jong", AgencyKind::Defence),
    ("Gemeente Amsterdam", AgencyKind::Municipality),
    ("Zorg- en Veiligheidshuis Amsterdam-Amstelland", AgencyKind::SafetyHouse),
    ("GGZ inGeest", AgencyKind::Health),
    ("Leger des Heils Amsterdam", AgencyKind::Provider),
    ("Humanitas Maatjesproject", AgencyKind::Mentoring),
    ("Woningcorporatie Ymere", AgencyKind::Provider),
    ("Jeugdbescherming Regio Amsterdam", AgencyKind::ChildProtection),
    ("Veilig Thuis Amsterdam-Amstelland", AgencyKind::Health),
];

pub struct DemoCast {
    pub agencies: Vec<Agency>,
    pub actors: Vec<(String, Actor)>,
}

impl DemoCast {
    pub fn actor(&self, username: &str) -> &Actor {
        &self.actors.iter().find(|(name, _)| name == username).expect("demo member exists").1
    }
}

pub async fn seed_directory(store: &Store, now: Timestamp) -> anyhow::Result<DemoCast> {
    let agencies: Vec<Agency> = AGENCIES
        .iter()
        .map(|(name, kind)| Agency { id: AgencyId::new(now), name: name.to_string(), kind: *kind })
        .collect();
    for agency in &agencies {
        store.create_agency(agency).await?;
    }
    let hash = web::hash_password(super::DEMO_PASSWORD.into()).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut actors = Vec::new();
    for (username, name, agency, role) in MEMBERS {
        let member = Member {
            id: MemberId::new(now),
            agency_id: agencies[agency].id,
            username: username.into(),
            display_name: name.into(),
            roles: vec![role],
            disabled: false,
        };
        store.create_member(&member, &hash, now).await?;
        let actor = Actor {
            member_id: member.id,
            agency_id: member.agency_id,
            roles: member.roles,
            display_name: member.display_name,
        };
        actors.push((username.to_string(), actor));
    }
    Ok(DemoCast { agencies, actors })
}
