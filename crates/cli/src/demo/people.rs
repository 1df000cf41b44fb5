//! The demo's people: ~50 persons with identifiers (generated BSNs that pass the 11-check, not
//! real ones), case teams joined on every kind of legal basis, and a history of who read and
//! changed what over the last 90 days, all through the people use cases.

use super::directory::DemoCast;
use domain::access::TeamEntryInput;
use domain::directory::AgencyKind;
use domain::ids::PersonId;
use domain::people::service::People;
use domain::people::{IdentifierInput, PersonInput};
use domain::{Clock, FixedClock};
use jiff::{SignedDuration, Timestamp};
use store::Store;

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

/// A generated BSN that depends on `seed` alone (splitmix64), so a demo person keeps theirs on
/// every run; the seeds of different parts of the demo differ in their high bits.
pub fn bsn_from(seed: u64) -> String {
    let mut state = seed;
    generated_bsn(&mut || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    })
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
            // Most follow help in Dutch; some in another language as well, a few only in theirs.
            languages: ["nl", "nl", "nl", "nl, en", "ar, nl", "pl", "nl", "tr, nl"][n % 8].into(),
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
