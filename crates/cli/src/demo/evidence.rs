//! The demo's offence record, for what works: two to four years of history — settled ZSM
//! cases at both locations, and Safety House plans of people who came through ZSM, with the
//! help their plan started (a referral to a room, alcohol treatment or debt help, completed
//! or ended early; a personal budget from the year's fund stream) — and a police and court
//! record extract for them, for everyone else in desist with a BSN (today's caseload, whose
//! follow-up has not run yet) and for 600 others (the comparison pool), imported like a real
//! extract. Each person's record is keyed by their BSN, so desist links them by their
//! identifiers. Reoffending is generated with a planted difference (fewer after a plan, a
//! referral to case management or completed help), so the pages show groups, survival curves
//! and matched comparisons with real figures. Everything is invented.

use super::beyond::{HistoryPlan, HistoryWork, seed_history_plans};
use super::directory::DemoCast;
use super::zsm::{DEMO_LOCATION, HistoryCase, ZsmDemoActors, disposal_of, seed_zsm_case_of, seed_zsm_history};
use domain::access::Actor;
use domain::funds::FundId;
use domain::funds::service::{FundInput, Funds, TransferInput};
use domain::ids::{InterventionId, PersonId};
use domain::interventions::ChangeInput;
use domain::interventions::service::{Interventions, NewReferral};
use domain::{Clock, FixedClock};
use evidence::dataset::{DatasetBuilder, Outcome, Sex};
use evidence::date::{Day, days_from_civil};
use evidence::prng::Rng;
use jiff::SignedDuration;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use std::collections::{BTreeMap, BTreeSet};
use store::Store;

const HISTORY_CASES: usize = 300;
/// Enough that each intervention, disposal, location and fund stream the Safety House's
/// people had holds more than the disclosure control's minimum of reoffenders and of others.
const HISTORY_PLANS: usize = 180;
const POOL: usize = 600;

const TYPES: [&str; 5] = ["theft", "shoplifting", "assault", "vandalism", "drugs"];

struct RecordPerson {
    id: String,
    birth: Day,
    sex: Sex,
    index: Day,
    /// The chance of a proven reoffence within the year after `index`…
    chance: f64,
    /// … coming at the earliest this many days after it.
    from: i32,
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

/// The history seeded for what works, and who is in the offence record for it.
pub struct EvidenceHistory {
    pub cases: usize,
    pub plans: usize,
    /// Ended mentor matches, closed episodes and exclusion orders of the history (views4).
    pub extras: (usize, usize, usize),
    people: Vec<RecordPerson>,
}

/// The work of a history person's year beside their plan: their ZSM case before it, then a
/// referral and a personal budget once it runs — through the same use cases as today's work.
struct DemoHistory<'a> {
    store: &'a Store,
    table: &'a ZsmDemoActors<'a>,
    probation: &'a Actor,
    help: &'a [(InterventionId, Actor)],
    pack: domain::jurisdiction::BeyondPack,
    zone: TimeZone,
    /// The fund of each (stream, year), opened when first needed.
    funds: BTreeMap<(&'static str, i16), FundId>,
    /// Each history person's chance of a proven reoffence in the year after their ZSM case,
    /// and how many days after it at the earliest (after the help, for those who completed it).
    chance: Vec<(f64, i32)>,
    /// Mentor matches and measures beside the plan (views4).
    extras: super::history_extras::HistoryExtras<'a>,
}

/// What the help did for the `k`th history person: completed (with this chance of reoffending
/// after it), or ended early. One in five ended early.
fn help_outcome(k: usize) -> (usize, Option<f64>) {
    let which = k % 3;
    let chance = [0.38, 0.3, 0.34][which];
    (which, (!k.is_multiple_of(5)).then_some(chance))
}

impl DemoHistory<'_> {
    fn interventions<'c>(&'c self, clock: &'c FixedClock) -> Interventions<'c, Store> {
        Interventions { store: self.store, clock, time_zone: &self.zone, screening: &self.pack.screening }
    }

    async fn change(
        &self,
        clock: &FixedClock,
        by: &Actor,
        referral: domain::ids::ReferralId,
        input: ChangeInput,
    ) -> anyhow::Result<()> {
        let action = input.action.clone();
        self.interventions(clock)
            .change(by, referral, &input)
            .await
            .map_err(|e| anyhow::anyhow!("history referral {action}: {e}"))?;
        Ok(())
    }

    async fn fund(&mut self, clock: &FixedClock, stream: &'static str, year: i16) -> anyhow::Result<FundId> {
        if let Some(id) = self.funds.get(&(stream, year)) {
            return Ok(*id);
        }
        let name = if stream == "volwassenen" { "Stroom volwassenen" } else { "Stroom jongvolwassenen" };
        let input = FundInput {
            name: format!("{name} {year}"),
            kind: "stream".into(),
            stream: stream.into(),
            period_start: format!("{year}-01-01"),
            period_end: format!("{year}-12-31"),
            budget_cents: Some(90_000 * 100),
            approval_above_cents: Some(250 * 100),
            person_limit_cents: Some(1_500 * 100),
        };
        // Opened on the first of January of its year.
        let start = jiff::civil::date(year, 1, 1).to_zoned(self.zone.clone())?.timestamp();
        let opened = FixedClock::new(start.min(clock.now()));
        let funds = Funds { store: self.store, clock: &opened, time_zone: &self.zone };
        let id = funds.open_fund(self.probation, &input).await.map_err(|e| anyhow::anyhow!("history fund: {e}"))?.id;
        self.funds.insert((stream, year), id);
        Ok(id)
    }
}

impl HistoryWork for DemoHistory<'_> {
    async fn before_plan(&mut self, person: PersonId, k: usize, at: Timestamp) -> anyhow::Result<()> {
        // Half were referred to case management at the table, half got a penalty order; two
        // in three were brought to ZSM Amsterdam, the others to Utrecht.
        let n = 3000 + 6 * k + if k.is_multiple_of(2) { 4 } else { 0 };
        let location = if k.is_multiple_of(3) { DEMO_LOCATION } else { "zsm-amsterdam" };
        seed_zsm_case_of(self.store, self.table, person, n, at, location).await?;
        Ok(())
    }

    async fn on_plan(&mut self, person: PersonId, k: usize, activated: Timestamp) -> anyhow::Result<bool> {
        self.extras.around_plan(person, k, activated).await?;
        let day = |d: i64| activated.checked_add(SignedDuration::from_hours(24 * d)).unwrap_or(activated);
        let clock = FixedClock::new(day(10));
        let (which, completed) = help_outcome(k);
        let (intervention, provider) = &self.help[which];
        let new = NewReferral {
            person,
            intervention: *intervention,
            task: None,
            needs: vec![],
            risks: String::new(),
            basis: String::new(),
            note: String::new(),
            send: true,
        };
        let referral = self
            .interventions(&clock)
            .refer(self.probation, new)
            .await
            .map_err(|e| anyhow::anyhow!("history referral: {e}"))?
            .id;
        let act = |action: &str| ChangeInput { action: action.into(), ..Default::default() };
        self.change(&clock, provider, referral, act("accept")).await?;
        clock.set(day(21));
        self.change(&clock, provider, referral, act("start")).await?;
        let ending = match completed {
            Some(_) => {
                clock.set(day(110));
                ChangeInput {
                    action: "complete".into(),
                    achievements: vec!["achieved".into(), "partly_achieved".into()],
                    text: "Traject afgerond".into(),
                    ..Default::default()
                }
            }
            None => {
                clock.set(day(60));
                ChangeInput { action: "end_early".into(), reason: "did_not_attend".into(), ..Default::default() }
            }
        };
        self.change(&clock, provider, referral, ending).await?;
        self.chance.push(match completed {
            Some(chance) => (chance, 35 + 110),
            None => (0.5, 35 + 5),
        });

        // A personal budget from the year's stream: young adults (18–27) from their own.
        clock.set(day(14));
        let year = clock.now().to_zoned(self.zone.clone()).year();
        let born = 1975 + (k * 7 % 30) as i16;
        let stream = if year - born <= 27 { "jongvolwassenen (18–27)" } else { "volwassenen" };
        let fund = self.fund(&clock, stream, year).await?;
        let input = TransferInput {
            id: uuid::Uuid::now_v7().to_string(),
            kind: "allocate".into(),
            person_id: person.to_string(),
            amount_cents: Some((300 + 50 * (k % 8) as i64) * 100),
            description: "Persoonlijk budget bij start plan".into(),
            goal: "Een stabiele plek om te wonen".into(),
            ..Default::default()
        };
        let funds = Funds { store: self.store, clock: &clock, time_zone: &self.zone };
        funds.transfer(self.probation, fund, &input).await.map_err(|e| anyhow::anyhow!("history allocation: {e}"))?;
        Ok(completed.is_some())
    }
}

/// Seeds the history what works follows up: ZSM cases, and Safety House plans with their
/// ZSM case and help. The offence record is imported last ([`import_record`]), when everyone
/// in the demo is there.
pub async fn seed_evidence(
    store: &Store,
    cast: &DemoCast,
    table: &ZsmDemoActors<'_>,
    help: &[(InterventionId, Actor)],
    now: Timestamp,
) -> anyhow::Result<EvidenceHistory> {
    let mut random = Rng::new(2021);
    let mut bsn = || super::people::generated_bsn(&mut || random.next_u64());
    let cases: Vec<HistoryCase> = seed_zsm_history(store, table, now, HISTORY_CASES, &mut bsn).await?;
    let mut work = DemoHistory {
        store,
        table,
        probation: cast.actor("reclassering"),
        help,
        pack: super::demo_beyond_pack(),
        zone: TimeZone::get("Europe/Amsterdam").unwrap_or(TimeZone::UTC),
        funds: BTreeMap::new(),
        chance: Vec::new(),
        extras: super::history_extras::HistoryExtras::new(store, cast, now).await?,
    };
    let plans: Vec<HistoryPlan> = seed_history_plans(store, cast, now, HISTORY_PLANS, &mut bsn, &mut work).await?;
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
            from: 20,
            pool: false,
        });
    }
    let last = plans.len().saturating_sub(1);
    for (k, (p, chance)) in plans.iter().zip(&work.chance).enumerate() {
        // The last stays under re-evaluation (see `seed_history_plans`): a proven reoffence
        // since their plan began, so its page shows the person's outcomes beside the goals.
        let chance = if k == last { (1.0, chance.1) } else { *chance };
        // Followed from their ZSM case, 35 days before the plan.
        let arrested = p.activated.checked_sub(SignedDuration::from_hours(24 * 35)).unwrap_or(p.activated);
        people.push(RecordPerson {
            id: p.bsn.clone(),
            birth: parse_birth(&p.birth_date),
            sex: sex_of(&p.sex),
            index: day_of(arrested),
            chance: chance.0,
            from: chance.1,
            pool: false,
        });
    }
    let extras = (work.extras.mentor_matches, work.extras.episodes, work.extras.exclusion_orders);
    Ok(EvidenceHistory { cases: cases.len(), plans: plans.len(), people, extras })
}

/// Imports the offence record: the history's people, everyone else in desist with a BSN and
/// not yet in an extract (today's caseload: their record so far, their follow-up still to
/// come), and the comparison pool. Returns how many persons it holds.
pub async fn import_record(store: &Store, history: EvidenceHistory, now: Timestamp) -> anyhow::Result<u64> {
    let mut people = history.people;
    let today = day_of(now);
    let mut known: BTreeSet<String> = people.iter().map(|p| p.id.clone()).collect();
    known.extend(store.person_links().await?.matched.into_values());
    for (bsn, birth, sex) in store.persons_by_identifier("bsn").await? {
        if !known.insert(bsn.clone()) {
            continue;
        }
        let birth = birth.map(|d| days_from_civil(i32::from(d.year()), d.month() as u32, d.day() as u32));
        people.push(RecordPerson {
            id: bsn,
            birth: birth.unwrap_or(evidence::date::NO_DAY),
            sex: sex_of(&sex),
            index: today - 30,
            chance: 0.0,
            from: 0,
            pool: false,
        });
    }
    for k in 0..POOL {
        people.push(RecordPerson {
            id: format!("OM-{:06}", 100_000 + k * 7),
            birth: days_from_civil(1965 + (k % 40) as i32, 1 + (k % 12) as u32, 1 + (k % 28) as u32),
            sex: if k % 5 == 0 { Sex::F } else { Sex::M },
            index: today - 730 - (k as i32 * 730 / POOL as i32),
            chance: 0.45,
            from: 20,
            pool: true,
        });
    }
    let data = record(people, today);
    let summary = store.import_extract(&data, "demo", 0, now, &|_| {}).await?;
    Ok(summary.persons)
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
            let day = p.index + p.from + (rng.next_u64() % (350 - p.from) as u64) as i32;
            let outcome = if day + 60 <= today { Outcome::PenaltyOrder } else { Outcome::Pending };
            let decided = if outcome == Outcome::Pending { evidence::date::NO_DAY } else { day + 60 };
            let kind = TYPES[(rng.next_u64() % 5) as usize];
            let _ = b.offence(&format!("{}-r", p.id), &p.id, day, decided, outcome, kind, 3);
        }
    }
    b.finish()
}
