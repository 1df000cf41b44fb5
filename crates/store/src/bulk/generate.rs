//! Generated people for benchmarks and load tests: fictitious but shaped like a Dutch caseload
//! (names with tussenvoegsels and accents, dates of birth, BSNs that pass the 11-check).
//! Person `index` of a given seed is always the same person, computed from the seed and the
//! index alone, so a benchmark can pick search terms and person ids without reading the
//! database back, and an interrupted load can resume at the next index.

use domain::directory::AgencyKind;
use domain::people::{Identifier, IdentifierKind, PersonDraft, Sex};
use uuid::Uuid;

/// The agencies generated people are spread over (one team entry each), so a member of one
/// agency sees about a twentieth of everyone, as in a region with many partners.
pub const BULK_AGENCIES: [(&str, AgencyKind); 20] = [
    ("Politie Eenheid Amsterdam", AgencyKind::Police),
    ("Politie Eenheid Rotterdam", AgencyKind::Police),
    ("Politie Eenheid Den Haag", AgencyKind::Police),
    ("Politie Eenheid Midden-Nederland", AgencyKind::Police),
    ("Openbaar Ministerie Amsterdam", AgencyKind::Prosecution),
    ("Openbaar Ministerie Rotterdam", AgencyKind::Prosecution),
    ("Reclassering Nederland Noord-Holland", AgencyKind::Probation),
    ("Reclassering Nederland Zuid-Holland", AgencyKind::Probation),
    ("Slachtofferhulp Nederland", AgencyKind::VictimSupport),
    ("Advocatenkantoor Van Dijk & Öztürk", AgencyKind::Defence),
    ("Gemeente Amsterdam", AgencyKind::Municipality),
    ("Gemeente Rotterdam", AgencyKind::Municipality),
    ("Gemeente Utrecht", AgencyKind::Municipality),
    ("Zorg- en Veiligheidshuis Amsterdam-Amstelland", AgencyKind::SafetyHouse),
    ("Zorg- en Veiligheidshuis Rijnmond", AgencyKind::SafetyHouse),
    ("GGZ inGeest", AgencyKind::Health),
    ("Leger des Heils Amsterdam", AgencyKind::Provider),
    ("Humanitas Maatjesproject", AgencyKind::Mentoring),
    ("Raad voor de Kinderbescherming", AgencyKind::ChildProtection),
    ("Halt Regio Randstad", AgencyKind::Halt),
];

#[rustfmt::skip]
const FAMILY: [&str; 120] = [
    "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser", "Smit",
    "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen",
    "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer", "van der Linden",
    "Kok", "Jacobs", "de Haan", "Vermeulen", "van den Heuvel", "van der Veen", "van den Broek",
    "de Bruijn", "de Bruin", "van der Heijden", "Schouten", "van Beek", "Willems", "van Vliet",
    "van de Ven", "Hoekstra", "Maas", "Verhoeven", "Koster", "van Dam", "van der Wal", "Prins",
    "Blom", "Huisman", "Peeters", "de Jonge", "Kuipers", "van Veen", "Post", "Kuiper", "Veenstra",
    "Kramer", "van den Brink", "Scholten", "van Wijk", "Postma", "Martens", "Vink", "de Ruiter",
    "Timmermans", "Groen", "Gerritsen", "Jonker", "van Loon", "Boer", "van der Velde", "Willemsen",
    "Smeets", "de Lange", "de Vos", "Bosch", "van Doorn", "Evers", "Brinkman", "Ouwehand",
    "Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Öztürk", "Aydın", "El Amrani", "El Idrissi",
    "Bouzid", "Benali", "Ait Taleb", "Boukhari", "Ramdin", "Mahabier", "Soekhoe", "Jagessar",
    "Martínez", "García", "Fernández", "Kowalski", "Nowak", "Wiśniewska", "Nguyễn", "Tran", "Ngo",
    "Müller", "Schäfer", "Boëlle", "Hoëgen", "Leeuwenhoek", "Pietersën", "Zwart", "van 't Hof",
    "d'Ancona", "ter Horst", "ten Cate", "op den Kamp", "in 't Veld",
];

#[rustfmt::skip]
const GIVEN: [&str; 119] = [
    "Jan", "Johannes", "Cornelis", "Pieter", "Hendrik", "Willem", "Gerrit", "Jacob", "Sem", "Noah",
    "Lucas", "Daan", "Levi", "Finn", "Milan", "Bram", "Luuk", "Thijs", "Jesse", "Ruben", "Tim",
    "Lars", "Thomas", "Stijn", "Sven", "Niels", "Kevin", "Dennis", "Mark", "Erik", "Mohammed",
    "Ahmed", "Youssef", "Rachid", "Mustafa", "Ömer", "Emre", "Yusuf", "Hakan", "Mehmet", "Ibrahim",
    "Anass", "Bilal", "Ayoub", "Priscilla", "Anil", "Ravi", "Shanti", "Dewi", "Wiebe", "Sjoerd",
    "Hüseyin", "Jiří", "Łukasz", "Tomás", "José", "Raphaël", "Joël", "Noël", "Maël", "Emma",
    "Julia", "Mila", "Sophie", "Tess", "Zoë", "Anouk", "Fenna", "Yara", "Eva", "Sara", "Lotte",
    "Lieke", "Iris", "Femke", "Sanne", "Lisa", "Anne", "Maria", "Johanna", "Cornelia", "Hendrika",
    "Wilhelmina", "Geertje", "Fatima", "Khadija", "Samira", "Nadia", "Meryem", "Elif", "Zeynep",
    "Ayşe", "Büşra", "Naïma", "Chloë", "Noëlle", "Daniëlle", "Michiel", "Renée", "Inès", "Mirjam",
    "Marloes", "Esmée", "Beatriz", "Agnieszka", "Małgorzata", "Linh", "Thảo", "Mei", "Ingrid",
    "Astrid", "Sietske", "Tjitske", "Hanneke", "Mieke", "Kees", "Henk", "Joost", "Kim",
];

#[rustfmt::skip]
const PLACES: [(&str, u16); 24] = [
    ("Amsterdam", 1011), ("Rotterdam", 3011), ("Den Haag", 2511), ("Utrecht", 3511), ("Eindhoven", 5611),
    ("Groningen", 9711), ("Tilburg", 5011), ("Almere", 1311), ("Breda", 4811), ("Nijmegen", 6511),
    ("Arnhem", 6811), ("Haarlem", 2011), ("Enschede", 7511), ("Zaanstad", 1501), ("'s-Hertogenbosch", 5211),
    ("Amersfoort", 3811), ("Zwolle", 8011), ("Leiden", 2311), ("Maastricht", 6211), ("Dordrecht", 3311),
    ("Zoetermeer", 2711), ("Leeuwarden", 8911), ("Diemen", 1111), ("Purmerend", 1441),
];

/// The towns generated people live in (the areas generated interventions serve).
pub fn bulk_places() -> Vec<&'static str> {
    PLACES.iter().map(|(name, _)| *name).collect()
}

#[rustfmt::skip]
const STREETS: [&str; 12] = [
    "Kerkstraat", "Dorpsstraat", "Molenweg", "Schoolstraat", "Havenkade", "Stationsweg", "Julianastraat",
    "Beatrixlaan", "Prins Hendrikkade", "Nieuwe Binnenweg", "Graaf Florisstraat", "Rozengracht",
];

/// People supported per seed: BSNs are drawn without repeats from a space this size allows.
pub const MAX_GENERATED: u64 = 8_000_000;

/// splitmix64 (Steele, Lea & Flood 2014): tiny, fast and good enough for test data.
#[derive(Clone)]
pub(crate) struct SplitMix(u64);

impl SplitMix {
    pub(crate) fn for_person(seed: u64, index: u64, stream: u64) -> SplitMix {
        let mut mix = SplitMix(seed ^ index.wrapping_mul(0xD1B5_4A32_D192_ED03) ^ stream.rotate_left(32));
        mix.next();
        mix
    }
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub(crate) fn bytes10(&mut self) -> [u8; 10] {
        let (a, b) = (self.next().to_le_bytes(), self.next().to_le_bytes());
        [a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], b[0], b[1]]
    }
}

/// One generated person with everything the loader writes for them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedPerson {
    pub index: u64,
    pub id: Uuid,
    pub team_entry_id: Uuid,
    /// Index into `BULK_AGENCIES` of the one agency on the person's team.
    pub agency: usize,
    pub details: PersonDraft,
}

impl GeneratedPerson {
    pub fn bsn(&self) -> &str {
        self.details.identifiers.iter().find(|i| i.kind == IdentifierKind::Bsn).map_or("", |i| i.value.as_str())
    }
}

/// Person `index` of `seed`. Ids are UUIDv7 whose time part grows with the index (one
/// millisecond apart from `base_millis`), so bulk inserts append to the primary-key B-trees
/// instead of splitting pages all over them.
pub fn generated_person(seed: u64, index: u64, base_millis: u64) -> GeneratedPerson {
    let mut random = SplitMix::for_person(seed, index, 0);
    let id = uuid::Builder::from_unix_timestamp_millis(base_millis + index, &random.bytes10()).into_uuid();
    let team_entry_id = uuid::Builder::from_unix_timestamp_millis(base_millis + index, &random.bytes10()).into_uuid();
    let agency = random.below(BULK_AGENCIES.len());
    let family_name = FAMILY[random.below(FAMILY.len())].to_string();
    let mut given = GIVEN[random.below(GIVEN.len())].to_string();
    if random.below(10) < 3 {
        given = format!("{given} {}", GIVEN[random.below(GIVEN.len())]);
    }
    // 1940-01-01 plus up to 68 years of days: everyone an adult or nearly one in 2026.
    let birth_date = jiff::civil::date(1940, 1, 1)
        .checked_add(jiff::Span::new().days(random.below(68 * 365) as i64))
        .unwrap_or(jiff::civil::date(1980, 1, 1));
    let sex = [Sex::Male, Sex::Male, Sex::Male, Sex::Female, Sex::Female, Sex::X, Sex::Unknown][random.below(7)];
    let (city, postcode) = PLACES[random.below(PLACES.len())];
    let letter = |r: &mut SplitMix| (b'A' + r.below(26) as u8) as char;
    let postcode = format!("{} {}{}", postcode + random.below(80) as u16, letter(&mut random), letter(&mut random));
    let address = format!("{} {}", STREETS[random.below(STREETS.len())], 1 + random.below(250));
    let phone = (random.below(2) == 0).then(|| format!("06 {:08}", random.below(100_000_000)));
    let mut identifiers = vec![Identifier { kind: IdentifierKind::Bsn, value: unique_bsn(seed, index) }];
    if index.is_multiple_of(3) {
        identifiers.push(Identifier { kind: IdentifierKind::Local, value: format!("ZSM-{index:08}") });
    }
    identifiers.sort();
    GeneratedPerson {
        index,
        id,
        team_entry_id,
        agency,
        details: PersonDraft {
            family_name,
            given_names: Some(given),
            birth_date: Some(birth_date),
            sex,
            address: Some(address),
            postcode: Some(postcode),
            city: Some(city.to_string()),
            phone,
            email: None,
            identifiers,
            languages: Vec::new(),
        },
    }
}

/// Which agency (index into `BULK_AGENCIES`) person `index` belongs to, without building them.
pub fn generated_agency(seed: u64, index: u64) -> usize {
    let mut random = SplitMix::for_person(seed, index, 0);
    random.bytes10();
    random.bytes10();
    random.below(BULK_AGENCIES.len())
}

/// A BSN that no other index of the same seed gets. Like `generated_bsn` in the demo, eight
/// digits and a ninth that makes the 11-check pass; unlike it, the eight digits come from a
/// permutation of the index space, so a million people get a million different numbers
/// (random draws would collide a few thousand times, and the identifier is unique in the
/// database). About one prefix in eleven has no valid check digit: then the next slot of the
/// permutation reserved for this index is tried.
fn unique_bsn(seed: u64, index: u64) -> String {
    const SPACE: u64 = 90_000_000; // eight digits, the first not zero
    // Multiplying by a number coprime to SPACE and adding an offset permutes 0..SPACE.
    let multiplier = 1_000_003; // a prime, so coprime to SPACE = 2^7·3^2·5^7
    let offset = seed % SPACE;
    for slot in 0..SPACE / MAX_GENERATED {
        let position = (index + slot * MAX_GENERATED) % SPACE;
        let prefix = 10_000_000 + (position * multiplier + offset) % SPACE;
        let digits: Vec<u64> = prefix.to_string().bytes().map(|b| u64::from(b - b'0')).collect();
        let sum: u64 = digits.iter().zip([9, 8, 7, 6, 5, 4, 3, 2]).map(|(d, w)| d * w).sum();
        let check = sum % 11;
        if check < 10 {
            return format!("{prefix}{check}");
        }
    }
    unreachable!("eleven consecutive prefixes without a check digit do not occur")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_people_are_reproducible_valid_and_unique() {
        let mut bsns = std::collections::HashSet::new();
        let mut agencies = [0usize; BULK_AGENCIES.len()];
        for index in 0..20_000 {
            let person = generated_person(7, index, 1_700_000_000_000);
            assert_eq!(person, generated_person(7, index, 1_700_000_000_000));
            assert_eq!(person.agency, generated_agency(7, index));
            let bsn = Identifier::parse(IdentifierKind::Bsn, person.bsn(), "bsn").expect("11-check passes");
            assert!(bsns.insert(bsn.value), "BSN repeated at {index}");
            assert!(!person.details.name_tokens().is_empty());
            agencies[person.agency] += 1;
        }
        // Each agency holds roughly a twentieth (1,000 of 20,000).
        assert!(agencies.iter().all(|&n| (800..1200).contains(&n)), "{agencies:?}");
    }
}
