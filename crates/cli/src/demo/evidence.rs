//! The demo's offence record, for what works: two to four years of history — settled ZSM
//! cases at both locations and Safety House plans, of suspects with a BSN — and a police and
//! court record extract for them and for 600 others (the comparison pool), imported like a
//! real extract. Each person's record is keyed by their BSN, so desist links them by their
//! identifiers. Reoffending is generated with a planted difference (fewer after a plan or a
//! referral to case management), so the pages show groups, survival curves and matched
//! comparisons with real figures. Everything is invented.

use super::beyond::{HistoryPlan, seed_history_plans};
use super::directory::DemoCast;
use super::zsm::{HistoryCase, ZsmDemoActors, disposal_of, seed_zsm_history};
use evidence::dataset::{DatasetBuilder, Outcome, Sex};
use evidence::date::{Day, days_from_civil};
use evidence::prng::Rng;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use store::Store;

const HISTORY_CASES: usize = 300;
const HISTORY_PLANS: usize = 70;
const POOL: usize = 600;

const TYPES: [&str; 5] = ["theft", "shoplifting", "assault", "vandalism", "drugs"];

/// What the demo's history and extract hold.
pub struct EvidenceDemo {
    pub cases: usize,
    pub plans: usize,
    pub record_persons: u64,
}

struct RecordPerson {
    id: String,
    birth: Day,
    sex: Sex,
    index: Day,
    /// The chance of a proven reoffence within the year after `index`.
    chance: f64,
    /// An index event of the extract's own (the comparison pool), or none (desist's work).
    pool: bool,
}

fn day_of(at: Timestamp) -> Day {
    let date = at.to_zoned(TimeZone::get("Europe/Amsterdam").unwrap_or(TimeZone::UTC)).date();
    days_from_civil(i32::from(date.year()), date.month() as u32, date.day() as u32)
}

fn parse_birth(text: &str) -> Day {
    evidence::date::parse_day(text.as_bytes()).unwrap_or(evidence::date::NO_DAY)
}

fn sex_of(text: &str) -> Sex {
    Sex::parse(text.as_bytes()).unwrap_or(Sex::Unknown)
}

pub async fn seed_evidence(
    store: &Store,
    cast: &DemoCast,
    table: &ZsmDemoActors<'_>,
    now: Timestamp,
) -> anyhow::Result<EvidenceDemo> {
    let mut random = Rng::new(2021);
    let mut bsn = || super::people::generated_bsn(&mut || random.next_u64());
    let cases: Vec<HistoryCase> = seed_zsm_history(store, table, now, HISTORY_CASES, &mut bsn).await?;
    let plans: Vec<HistoryPlan> = seed_history_plans(store, cast, now, HISTORY_PLANS, &mut bsn).await?;
    let mut people = Vec::new();
    for c in &cases {
        // The case's suspect as `register` made them (see `zsm::register_at`).
        let birth = days_from_civil(1970 + (c.n % 35) as i32, 1 + (c.n % 9) as u32, 10 + (c.n % 10) as u32);
        let chance = match disposal_of(c.n) {
            "referral_case_management" => 0.3,
            "unconditional_dismissal" => 0.35,
            "summons" => 0.5,
            _ => 0.45,
        };
        let sex = ["F", "M", "X"][c.n % 3];
        people.push(RecordPerson {
            id: c.bsn.clone(),
            birth,
            sex: sex_of(sex),
            index: day_of(c.arrested),
            chance,
            pool: false,
        });
    }
    for p in &plans {
        people.push(RecordPerson {
            id: p.bsn.clone(),
            birth: parse_birth(&p.birth_date),
            sex: sex_of(&p.sex),
            index: day_of(p.activated),
            chance: 0.3,
            pool: false,
        });
    }
    let today = day_of(now);
    for k in 0..POOL {
        people.push(RecordPerson {
            id: format!("OM-{:06}", 100_000 + k * 7),
            birth: days_from_civil(1965 + (k % 40) as i32, 1 + (k % 12) as u32, 1 + (k % 28) as u32),
            sex: if k % 5 == 0 { Sex::F } else { Sex::M },
            index: today - 730 - (k as i32 * 730 / POOL as i32),
            chance: 0.45,
            pool: true,
        });
    }
    let data = record(people, today);
    let summary = store.import_extract(&data, "demo", 0, now, &|_| {}).await?;
    Ok(EvidenceDemo { cases: cases.len(), plans: plans.len(), record_persons: summary.persons })
}

/// The extract: for each person, zero to six proven offences in the years before their index
/// day, and in the year after it a proven reoffence with their chance.
fn record(mut people: Vec<RecordPerson>, today: Day) -> evidence::Dataset {
    people.sort_by(|a, b| a.id.cmp(&b.id));
    let mut rng = Rng::new(21);
    let mut b = DatasetBuilder::new();
    for p in &people {
        let _ = b.person(&p.id, p.birth, p.sex, "Utrecht");
    }
    for p in &people {
        let priors = (rng.next_u64() % 7) as i32;
        for k in 0..priors {
            let day = p.index - 60 - 150 * k - (rng.next_u64() % 90) as i32;
            let kind = TYPES[(rng.next_u64() % 5) as usize];
            let _ = b.offence(&format!("{}-{k}", p.id), &p.id, day, day + 45, Outcome::Conviction, kind, 3);
        }
        if p.pool {
            let _ = b.index_event(&p.id, p.index, "court", "court_disposal");
            // The extract runs up to today: the latest arrests are in it, their outcome pending.
            if rng.next_u64().is_multiple_of(20) {
                let day = today - (rng.next_u64() % 30) as i32;
                let _ =
                    b.offence(&format!("{}-n", p.id), &p.id, day, evidence::date::NO_DAY, Outcome::Pending, "theft", 3);
            }
        }
        if rng.next_f64() < p.chance {
            let day = p.index + 20 + (rng.next_u64() % 330) as i32;
            let outcome = if day + 60 <= today { Outcome::PenaltyOrder } else { Outcome::Pending };
            let decided = if outcome == Outcome::Pending { evidence::date::NO_DAY } else { day + 60 };
            let kind = TYPES[(rng.next_u64() % 5) as usize];
            let _ = b.offence(&format!("{}-r", p.id), &p.id, day, decided, outcome, kind, 3);
        }
    }
    b.finish()
}
