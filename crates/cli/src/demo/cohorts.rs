//! Cohort decisions in the demo (issue 17, item 21): the prolific offenders of both
//! partnerships, in an offence extract of their own imported beside the what-works one, and
//! each cohort's manual decisions. The Safety House's process manager (`procesregisseur`)
//! sees `nl-very-active-prolific` with its members and the counts behind the rule — Gerrit
//! Hoekstra among them — and has selected one person on police intelligence and deselected
//! another; the Knowsley IOM lead (`iomlead`) has done the same for `ew-iom` and
//! `ew-knowsley-iom`, over detainees of the St Anne Street custody suite (linked by their PNC
//! id) and others. Decisions go through the same use case as the page, so the persons' teams
//! get the notices, with the reason, in the deciding member's language.

use super::directory::DemoCast;
use domain::FixedClock;
use domain::access::Actor;
use domain::cohort::service::{CohortDecisions, DecisionInput};
use domain::directory::DirectoryStore;
use domain::ids::PersonId;
use domain::jurisdiction::Lang;
use domain::people::ports::PeopleStore;
use evidence::dataset::{DatasetBuilder, Outcome, Sex};
use evidence::date::{Day, days_from_civil};
use evidence::rules::NamedRule;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use store::Store;

/// Gerrit Hoekstra's BSN (a test number that passes the 11-check).
pub const SHOPLIFTER_BSN: &str = "111222333";

/// The Dutch rule the Safety House decides on, and the England and Wales ones of the IOM hub.
const NL_RULE: &str = "nl-very-active-prolific";
const EW_RULES: [&str; 2] = ["ew-iom", "ew-knowsley-iom"];

/// The PNC id of the custody demo's `n`th detainee (`26/00471nnX`, with its check letter).
pub fn detainee_pnc(n: usize) -> String {
    pnc(26, 4_710 + n as u64)
}

/// A PNC id with the check letter `parse_pnc` expects (see `people::model::identifier`).
fn pnc(year: u64, serial: u64) -> String {
    const LETTERS: &[u8; 23] = b"ZABCDEFGHJKLMNPQRTUVWXY";
    let check = LETTERS[((year * 10_000_000 + serial) % 23) as usize] as char;
    format!("{year:02}/{serial:07}{check}")
}

/// Someone in a demo extract: `total` proven offences in the last five years, `recent` of them
/// in the last twelve months.
struct Offender {
    id: String,
    birth: Day,
    sex: Sex,
    area: &'static str,
    total: usize,
    recent: usize,
    kinds: &'static [&'static str],
}

impl Offender {
    fn new(id: String, birth: (i32, u32, u32), total: usize, recent: usize) -> Offender {
        Offender {
            id,
            birth: days_from_civil(birth.0, birth.1, birth.2),
            sex: Sex::M,
            area: "Utrecht",
            total,
            recent,
            kinds: &["shoplifting", "theft", "bicycle_theft"],
        }
    }
}

fn extract(mut offenders: Vec<Offender>, today: Day) -> evidence::Dataset {
    offenders.sort_by(|a, b| a.id.cmp(&b.id));
    let mut b = DatasetBuilder::new();
    for o in &offenders {
        let _ = b.person(&o.id, o.birth, o.sex, o.area);
    }
    for o in &offenders {
        let older = (o.total - o.recent).max(1) as i32;
        for k in 0..o.total {
            // The recent ones between one and eleven months ago, the others spread over the
            // four years before; each decided (convicted) three weeks later.
            let day = if k < o.recent {
                today - 30 - 75 * k as i32
            } else {
                today - 400 - (k - o.recent) as i32 * (1_380 / older)
            };
            let kind = o.kinds[k % o.kinds.len()];
            let _ = b.offence(&format!("{}-p{k:02}", o.id), &o.id, day, day + 21, Outcome::Conviction, kind, 3);
        }
    }
    b.finish()
}

fn today_in(now: Timestamp, zone: &str) -> Day {
    let date = now.to_zoned(TimeZone::get(zone).unwrap_or(TimeZone::UTC)).date();
    days_from_civil(i32::from(date.year()), date.month() as u32, date.day() as u32)
}

async fn bsn_of(store: &Store, person: PersonId) -> anyhow::Result<String> {
    let found = store.person(person).await?.ok_or_else(|| anyhow::anyhow!("demo person vanished"))?;
    found
        .details
        .identifiers
        .iter()
        .find(|i| i.kind.code() == "bsn")
        .map(|i| i.value.clone())
        .ok_or_else(|| anyhow::anyhow!("demo person without a BSN"))
}

async fn decide(
    store: &Store,
    actor: &Actor,
    lang: Lang,
    zone: &str,
    now: Timestamp,
    rule: &str,
    (person, change, reason): (&str, &str, &str),
) -> anyhow::Result<()> {
    let clock = FixedClock::new(now);
    let time_zone = TimeZone::get(zone)?;
    let decisions =
        CohortDecisions { store, clock: &clock, time_zone: &time_zone, lang, rule_name: web::i18n::cohort_name_in };
    let input = DecisionInput { person: person.into(), change: change.into(), reason: reason.into() };
    decisions.decide(actor, rule, &input).await.map_err(|e| anyhow::anyhow!("cohort decision: {e:?}"))?;
    Ok(())
}

/// The demo's cohorts and decisions; `people` are the demo's people with a BSN and a team.
pub async fn seed_cohorts(
    store: &Store,
    cast: &DemoCast,
    people: &[PersonId],
    now: Timestamp,
) -> anyhow::Result<CohortDemo> {
    // The Safety House: Gerrit and five others well over the threshold; one below it whom the
    // police know more about; one over it who is in prison.
    let today = today_in(now, "Europe/Amsterdam");
    let below = bsn_of(store, people[0]).await?;
    let imprisoned = bsn_of(store, people[1]).await?;
    let mut offenders = vec![
        Offender::new(SHOPLIFTER_BSN.into(), (1970, 3, 14), 16, 3),
        Offender::new(below.clone(), (1991, 6, 2), 8, 1),
        Offender::new(imprisoned.clone(), (1986, 10, 19), 13, 2),
    ];
    for k in 0..5u32 {
        offenders.push(Offender::new(
            format!("OM-9{:05}", 100 + k * 13),
            (1975 + k as i32 * 4, 1 + k, 8),
            11 + 2 * k as usize,
            1 + k as usize % 3,
        ));
    }
    let dutch = extract(offenders, today);
    store.import_extract(&dutch, "demo-veelplegers", 0, now, &|_| {}).await?;
    let manager = cast.actor("procesregisseur");
    let zone = "Europe/Amsterdam";
    let select = "Politie-informatie (CIE, november): pleegt voor een groep inbraken in schuurtjes en fietsenstallingen \
                  waarvan weinig is opgehelderd; onder de drempel van de regel, toch intensief volgen";
    decide(store, manager, Lang::Nl, zone, now, NL_RULE, (&below, "select", select)).await?;
    let deselect = "Politie-informatie: zit sinds september een gevangenisstraf van twee jaar uit (PI Vught); \
                    uit het cohort tot zijn ontslag, dan opnieuw bekijken";
    decide(store, manager, Lang::Nl, zone, now, NL_RULE, (&imprisoned, "deselect", deselect)).await?;

    // The IOM hub: the first detainee (on the hub's team) and four others over the national
    // threshold, in Knowsley; a detainee below it selected on police intelligence; one over it
    // deselected.
    let today = today_in(now, "Europe/London");
    let iom = |id: String, birth, total, recent| Offender {
        area: "knowsley",
        kinds: &["theft", "burglary", "vehicle_crime", "shoplifting"],
        ..Offender::new(id, birth, total, recent)
    };
    let mut offenders = vec![
        iom(detainee_pnc(0), (1994, 3, 12), 22, 5),
        iom(detainee_pnc(2), (1988, 7, 21), 9, 2),
        iom(detainee_pnc(5), (1985, 1, 17), 24, 4),
    ];
    for k in 0..4u64 {
        let mut offender = iom(
            pnc(19 + k, 31_200 + 17 * k),
            (1980 + k as i32 * 3, 2 + k as u32, 11),
            20 + 3 * k as usize,
            4 + k as usize % 2,
        );
        offender.sex = if k == 2 { Sex::F } else { Sex::M };
        offenders.push(offender);
    }
    let english = extract(offenders, today);
    store.import_extract(&english, "demo-iom", 0, now, &|_| {}).await?;
    let lead = member_actor(store, "iomlead").await?;
    let zone = "Europe/London";
    let select = "Merseyside Police intelligence: supplying a county-lines network in Huyton and Kirkby; below the \
                  threshold on convictions, managed as IOM on police intelligence";
    let deselect = "Police intelligence: remanded to HMP Liverpool in November awaiting Crown Court trial; out of \
                    the community, review on release";
    for rule in EW_RULES {
        decide(store, &lead, Lang::En, zone, now, rule, (&detainee_pnc(2), "select", select)).await?;
        decide(store, &lead, Lang::En, zone, now, rule, (&detainee_pnc(5), "deselect", deselect)).await?;
    }
    Ok(CohortDemo { rules: 1 + EW_RULES.len(), decisions: 2 + 2 * EW_RULES.len() })
}

/// The shipped rules of both partnerships as the demo's own, each counting only its own
/// area's people: the two share the demo's one offence record, and a Dutch Safety House has no
/// business with Knowsley's prolific offenders (nor the IOM hub with Utrecht's).
pub fn area_rules() -> Vec<NamedRule> {
    evidence::rules::shipped_rules()
        .into_iter()
        .filter_map(|rule| {
            if rule.expression.contains("area in (") {
                return None;
            }
            let area = match rule.jurisdiction.as_str() {
                "nl" => "Utrecht",
                "england-wales" => "knowsley",
                _ => return None,
            };
            Some(NamedRule { expression: format!("area in ({area}) and ({})", rule.expression), ..rule })
        })
        .collect()
}

/// How many cohorts have members and decisions in the demo.
pub struct CohortDemo {
    pub rules: usize,
    pub decisions: usize,
}

async fn member_actor(store: &Store, username: &str) -> anyhow::Result<Actor> {
    let member =
        store.credentials(username).await?.ok_or_else(|| anyhow::anyhow!("demo member {username} missing"))?.member;
    Ok(Actor {
        member_id: member.id,
        agency_id: member.agency_id,
        roles: member.roles.clone(),
        display_name: member.display_name.clone(),
    })
}
