//! `desist demo`: a fictitious caseload in `desist-demo.db` — agencies, one member of each
//! role, ~50 people with identifiers and case teams, and a history of who looked at what —
//! then the server. Names, numbers and events are invented; BSNs pass the 11-check but are
//! generated, not real.

use crate::config::Config;
use crate::serve::serve_store;
use anyhow::Context;
use clap::Args;
use domain::access::{Actor, Role, TeamEntryInput};
use domain::directory::{Agency, AgencyKind, DirectoryStore, Member};
use domain::ids::{AgencyId, MemberId, PersonId};
use domain::people::service::People;
use domain::people::{IdentifierInput, PersonInput};
use domain::{Clock, FixedClock};
use jiff::{SignedDuration, Timestamp};
use std::path::PathBuf;
use store::Store;

#[derive(Args)]
pub struct DemoArgs {
    /// The demo database file; it is replaced.
    #[arg(long, default_value = "desist-demo.db")]
    db: PathBuf,
    /// Where to serve the demo.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: String,
    /// Load the data and exit without serving.
    #[arg(long)]
    no_serve: bool,
}

pub const DEMO_PASSWORD: &str = "desist-demo-2026";

/// (username, display name, agency index, role)
const MEMBERS: [(&str, &str, usize, Role); 11] = [
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
];

const AGENCIES: [(&str, AgencyKind); 10] = [
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
];

const FAMILY: [&str; 25] = [
    "de Vries",
    "Jansen",
    "van den Berg",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "de Wit",
    "Dijkstra",
    "Yılmaz",
    "El Idrissi",
    "Öztürk",
    "Kowalski",
    "Martínez",
    "Ngo",
];
const GIVEN: [&str; 25] = [
    "Jan",
    "Mohammed",
    "Sem",
    "Noah",
    "Lucas",
    "Daan",
    "Levi",
    "Finn",
    "Milan",
    "Bram",
    "Emma",
    "Julia",
    "Mila",
    "Sophie",
    "Tess",
    "Zoë",
    "Anouk",
    "Fenna",
    "Yara",
    "Eva",
    "Ömer",
    "Rachid",
    "Dewi",
    "Kevin",
    "Priscilla",
];
const CITIES: [&str; 5] = ["Amsterdam", "Diemen", "Amstelveen", "Zaandam", "Purmerend"];

/// splitmix64: a small, seeded generator so the demo is the same every time.
struct Seeded(u64);

impl Seeded {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// A generated BSN: eight random digits and the ninth chosen to pass the 11-check.
pub fn generated_bsn(random: &mut impl FnMut() -> u64) -> String {
    loop {
        let digits: Vec<u64> = (0..8).map(|_| random() % 10).collect();
        let sum: u64 = digits.iter().zip([9, 8, 7, 6, 5, 4, 3, 2]).map(|(d, w)| d * w).sum();
        let check = sum % 11;
        if check < 10 && digits[0] != 0 {
            return digits.iter().chain(std::iter::once(&check)).map(|d| d.to_string()).collect();
        }
    }
}

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
    let hash = web::hash_password(DEMO_PASSWORD.into()).await.map_err(|e| anyhow::anyhow!("{e}"))?;
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

fn basis_for(kind: AgencyKind, random: &mut Seeded, clock: &FixedClock) -> TeamEntryInput {
    let statute = |statute: &str, reason: &str| TeamEntryInput {
        basis_kind: "statutory_task".into(),
        statute: statute.into(),
        reason: reason.into(),
        ..Default::default()
    };
    match kind {
        AgencyKind::Police => statute("Politiewet 2012, art. 3", "Verdachte in ZSM-zaak"),
        AgencyKind::Prosecution => statute("Wet op de rechterlijke organisatie, art. 124", "Afdoening ZSM-zaak"),
        AgencyKind::Probation => statute("Reclasseringsregeling 1995, art. 9", "Vroeghulp en quickscan"),
        AgencyKind::VictimSupport => statute("Wetboek van Strafvordering, art. 51aa", "Slachtoffer in zaak"),
        AgencyKind::SafetyHouse => statute("Convenant Zorg- en Veiligheidshuis", "Casusoverleg complexe casus"),
        AgencyKind::Defence => TeamEntryInput {
            basis_kind: "court_order".into(),
            court_order_reference: format!("Toevoeging 2026/{:05}", random.below(99_999)),
            reason: "Raadsman van verdachte".into(),
            ..Default::default()
        },
        _ => {
            // Consent runs for months; some demo consents have already lapsed.
            let today = clock.now().to_zoned(jiff::tz::TimeZone::UTC).date();
            let days = random.below(240) as i64 - 40;
            TeamEntryInput {
                basis_kind: "consent".into(),
                consent_scope: ["schuldhulpverlening", "behandeling", "woonbegeleiding", "maatje"][random.below(4)]
                    .into(),
                consent_expires_on: today
                    .checked_add(jiff::Span::new().days(days.max(0) + 1))
                    .unwrap_or(today)
                    .to_string(),
                reason: "Hulp bij problemen achter de zaak".into(),
                ..Default::default()
            }
        }
    }
}

/// The people, their teams and a history of reads and edits, spread over the last 90 days.
pub async fn seed_people(
    store: &Store,
    cast: &DemoCast,
    end: Timestamp,
    count: usize,
) -> anyhow::Result<Vec<PersonId>> {
    let clock = FixedClock::new(end.checked_sub(SignedDuration::from_hours(24 * 90)).unwrap_or(end));
    let zone = jiff::tz::TimeZone::get("Europe/Amsterdam").unwrap_or(jiff::tz::TimeZone::UTC);
    let people = People { store, clock: &clock, time_zone: &zone };
    let mut random = Seeded(2026);
    let creators = ["politie", "reclassering", "procesregisseur", "gemeente"];
    let mut ids = Vec::new();
    for n in 0..count {
        clock.advance(SignedDuration::from_mins(60 + random.below(2400) as i64));
        let mut bsn_random = || random.next();
        let bsn = generated_bsn(&mut bsn_random);
        let year = 1950 + random.below(56) as i16;
        let birth = jiff::civil::date(year, 1 + random.below(12) as i8, 1 + random.below(28) as i8);
        let mut identifiers = vec![IdentifierInput { kind: "bsn".into(), value: bsn }];
        if n % 3 == 0 {
            identifiers.push(IdentifierInput { kind: "local".into(), value: format!("ZSM-2026-{:04}", 100 + n) });
        }
        let input = PersonInput {
            family_name: FAMILY[random.below(FAMILY.len())].into(),
            given_names: GIVEN[random.below(GIVEN.len())].into(),
            birth_date: birth.to_string(),
            sex: ["M", "M", "M", "F", "F", "X"][random.below(6)].into(),
            address: format!(
                "{}straat {}",
                ["Kerk", "Dorp", "Molen", "School", "Haven"][random.below(5)],
                1 + random.below(200)
            ),
            postcode: format!(
                "10{:02} {}{}",
                random.below(100),
                (b'A' + random.below(26) as u8) as char,
                (b'A' + random.below(26) as u8) as char
            ),
            city: CITIES[random.below(CITIES.len())].into(),
            phone: if n % 2 == 0 { format!("06 {:08}", random.below(100_000_000)) } else { String::new() },
            email: String::new(),
            identifiers,
        };
        let creator_name = creators[n % creators.len()];
        let creator = cast.actor(creator_name);
        let creator_kind =
            cast.agencies.iter().find(|a| a.id == creator.agency_id).map(|a| a.kind).unwrap_or(AgencyKind::Police);
        let person = match people.create(creator, &input, &basis_for(creator_kind, &mut random, &clock)).await {
            Ok(person) => person,
            Err(domain::service::ServiceError::Duplicate { .. }) => continue,
            Err(error) => return Err(anyhow::anyhow!("seeding person {n}: {error}")),
        };
        // Partners join the team over the following days, each on its own basis.
        let mut team = vec![creator_name];
        for other in
            ["officier", "reclassering", "slachtofferhulp", "advocaat", "gemeente", "procesregisseur", "ggz", "mentor"]
        {
            if team.contains(&other) || random.below(3) != 0 {
                continue;
            }
            clock.advance(SignedDuration::from_mins(30 + random.below(600) as i64));
            let joining = cast.actor(other);
            let kind = cast
                .agencies
                .iter()
                .find(|a| a.id == joining.agency_id)
                .map(|a| a.kind)
                .unwrap_or(AgencyKind::Provider);
            let basis =
                TeamEntryInput { agency_id: joining.agency_id.to_string(), ..basis_for(kind, &mut random, &clock) };
            if people.add_to_team(creator, person.id, &basis).await.is_ok() {
                team.push(other);
            }
        }
        // Who looked at the record, and an occasional correction.
        for _ in 0..random.below(5) {
            clock.advance(SignedDuration::from_mins(5 + random.below(300) as i64));
            let reader = cast.actor(team[random.below(team.len())]);
            let _ = people.view(reader, person.id, "person_page").await;
        }
        if n % 7 == 0 {
            clock.advance(SignedDuration::from_mins(90));
            let mut corrected = input.clone();
            corrected.phone = format!("06 {:08}", random.below(100_000_000));
            let _ = people.update(creator, person.id, person.version, &corrected).await;
        }
        if n % 11 == 0 {
            // A member of an agency not on the team tries the record: refused and recorded.
            let outsider =
                ["mentor", "ggz", "slachtofferhulp"].into_iter().find(|o| !team.contains(o)).unwrap_or("analist");
            let _ = people.view(cast.actor(outsider), person.id, "person_page").await;
        }
        ids.push(person.id);
    }
    Ok(ids)
}

pub async fn run(args: DemoArgs, mut config: Config) -> anyhow::Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        let path = PathBuf::from(format!("{}{suffix}", args.db.display()));
        if path.exists() {
            std::fs::remove_file(&path).with_context(|| format!("removing the old {}", path.display()))?;
        }
    }
    config.database_url = format!("sqlite:{}", args.db.display());
    config.listen = args.listen;
    // The demo is served over plain HTTP on this machine.
    config.secure_cookies = false;
    let store = Store::connect(&config.database_url, config.max_connections).await?;
    let now = Timestamp::now();
    let cast = seed_directory(&store, now).await?;
    let people = seed_people(&store, &cast, now, 50).await?;
    let lawyers = [cast.actor("advocaat").clone()];
    let table = web::zsm::demo::ZsmDemoActors {
        police: cast.actor("politie"),
        prosecutor: cast.actor("officier"),
        probation: cast.actor("reclassering"),
        victim_support: cast.actor("slachtofferhulp"),
        lawyers: &lawyers,
    };
    let zsm = web::zsm::demo::seed_zsm_demo(&store, &table, now).await?;
    let beyond = crate::demo_beyond::seed_beyond(&store, &cast, now).await?;
    crate::demo_measures::seed_measures(&store, &cast, &people, now, Some(beyond.shoplifter)).await?;
    println!(
        "demo data: {} agencies, {} members, {} people, a ZSM table with {} open and {} settled cases, \
         a Safety House with {} plans and {} case conferences this week, in {}",
        cast.agencies.len(),
        cast.actors.len(),
        people.len(),
        zsm.open_cases,
        zsm.settled_cases,
        beyond.plans,
        beyond.meetings,
        args.db.display()
    );
    if args.no_serve {
        return Ok(());
    }
    serve_store(&config, store, |address| {
        println!();
        println!("Open http://{address}/ and sign in with one of these (password: {DEMO_PASSWORD}):");
        for (username, name, agency, role) in MEMBERS {
            println!("  {username:<16} {role:<22} {name}, {}", AGENCIES[agency].0);
        }
        println!(
            "A person to start with: Gerrit Hoekstra, 56, shoplifts alcohol and steals bikes; his shared plan \
             is at http://{address}/people/{}/plan (sign in as procesregisseur).",
            beyond.shoplifter
        );
        println!("Stop with Ctrl-C.");
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_bsns_pass_the_eleven_check() {
        let mut seeded = Seeded(1);
        for _ in 0..200 {
            let bsn = generated_bsn(&mut || seeded.next());
            let parsed = domain::people::Identifier::parse(domain::people::IdentifierKind::Bsn, &bsn, "bsn");
            assert!(parsed.is_ok(), "{bsn}");
        }
    }
}
