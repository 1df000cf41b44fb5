//! Demo data for the ZSM table: two locations, a busy Utrecht table with open cases in every
//! state (some near or past a clock's deadline) and a history of settled cases for the metrics.
//! Cases go through the domain's use cases, so the demo obeys the same rules and leaves the same
//! audit trail as real use; the two locations are written to the store (no use case creates a
//! location). `desist demo` calls [`seed_zsm_demo`].

use domain::access::{Actor, TeamEntryInput};
use domain::ids::{CaseId, PersonId};
use domain::jurisdiction::Partner;
use domain::people::service::People;
use domain::people::{IdentifierInput, PersonInput};
use domain::service::ServiceError;
use domain::zsm::model::forms::{ContributionForm, DecisionForm, IntakeForm, ObligationForm, OffenceForm, VictimForm};
use domain::zsm::ports::{ZsmLocation, ZsmStore};
use domain::zsm::service::Zsm;
use domain::{Clock, FixedClock};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use store::Store;

/// The members the demo acts as; each must belong to an agency of the matching kind.
pub struct ZsmDemoActors<'a> {
    pub police: &'a Actor,
    pub prosecutor: &'a Actor,
    pub probation: &'a Actor,
    pub victim_support: &'a Actor,
    /// Defence lawyers; cases are spread over them.
    pub lawyers: &'a [Actor],
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ZsmDemoSummary {
    pub open_cases: usize,
    pub settled_cases: usize,
}

pub const DEMO_LOCATION: &str = "zsm-utrecht";

const OPEN_CASES: usize = 28;
const SETTLED_CASES: usize = 200;

const FAMILY: [&str; 12] = [
    "de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "Bos", "Vos", "Peters", "Hendriks",
];
const GIVEN: [&str; 10] = ["Sam", "Noah", "Emma", "Daan", "Julia", "Mohamed", "Sara", "Liam", "Yara", "Milan"];
use store::bulk::ZSM_OFFENCES as OFFENCES;

fn err(error: ServiceError) -> anyhow::Error {
    anyhow::anyhow!("ZSM demo: {error}")
}

/// Seeds the ZSM demo as of `now`. The location joins every actor's agency to its table.
pub async fn seed_zsm_demo(
    store: &Store,
    actors: &ZsmDemoActors<'_>,
    now: Timestamp,
) -> anyhow::Result<ZsmDemoSummary> {
    let agencies = vec![
        actors.police.agency_id,
        actors.prosecutor.agency_id,
        actors.probation.agency_id,
        actors.victim_support.agency_id,
    ];
    for (code, name) in [(DEMO_LOCATION, "ZSM Utrecht"), ("zsm-amsterdam", "ZSM Amsterdam")] {
        if store.location(code).await?.is_none() {
            let location = ZsmLocation {
                code: code.into(),
                name: name.into(),
                pack: super::DEMO_PACK.into(),
                agencies: agencies.clone(),
                time_zone: None,
            };
            store.create_location(&location, now).await?;
        }
    }
    let zone = TimeZone::get("Europe/Amsterdam")?;
    let mut summary = ZsmDemoSummary::default();

    // History: settled cases over the last 60 days, for the metrics page.
    for n in 0..SETTLED_CASES {
        let arrested = now - SignedDuration::from_hours(24 * (2 + (n as i64 * 60 / SETTLED_CASES as i64))) + offset(n);
        let clock = FixedClock::new(arrested + SignedDuration::from_mins(40));
        let (id, version) = register(store, &clock, actors, n, arrested, &zone).await?;
        let zsm = Zsm { store, clock: &clock };
        clock.advance(SignedDuration::from_mins(60 + (n as i64 * 37) % 400));
        let version = contribute_all(&zsm, actors, id, version, n, true).await?;
        decide(&zsm, actors, id, version, n, &clock, &zone).await?;
        summary.settled_cases += 1;
    }

    // Today's table: open cases in every state, placed relative to now so that they are near
    // their clocks as a table at work is: two past their deadline (one by 2 h 18 min), a few
    // within the warnings, the rest spread over the hours ahead.
    for n in 0..OPEN_CASES {
        let arrested = arrest_for_deadline(now, open_case_due(n), 1000 + n)?;
        let minutes_ago = now.duration_since(arrested).as_mins();
        let clock =
            FixedClock::new(arrested + SignedDuration::from_mins(15).min(SignedDuration::from_mins(minutes_ago)));
        let (id, version) = register(store, &clock, actors, 1000 + n, arrested, &zone).await?;
        clock.set(now);
        let zsm = Zsm { store, clock: &clock };
        match n % 5 {
            0 => {} // just registered
            1 => {
                contribute(&zsm, actors.probation, id, version, Partner::Probation, probation_scan(n, "in_progress"))
                    .await?;
            }
            2 | 3 => {
                contribute_all(&zsm, actors, id, version, n, n % 5 == 3).await?;
            }
            _ => {
                let version = contribute_all(&zsm, actors, id, version, n, true).await?;
                if n % 10 == 4 {
                    decide(&zsm, actors, id, version, n, &clock, &zone).await?;
                    continue;
                }
            }
        }
        summary.open_cases += 1;
    }
    Ok(summary)
}

/// How far ahead of now the most urgent clock of open demo case `n` runs out (negative: overdue).
fn open_case_due(n: usize) -> SignedDuration {
    match n {
        0 => -SignedDuration::from_mins(2 * 60 + 18),
        1 => -SignedDuration::from_mins(25),
        n => SignedDuration::from_mins(10 + (n as i64 - 2) * 20),
    }
}

/// The arrest time (between 20 minutes and a day ago, in 5-minute steps) whose most urgent
/// clock, as the pack computes it for demo case `n` (its offence decides the hold's length),
/// runs out `due` from now. A case meant to be overdue takes the deadline nearest to
/// `now + due`; the others count `due` along the deadlines that can still come, so that at
/// night (00:00-09:00 do not count) they spread over the morning instead of all running out at
/// 09:00. Arrests are whole minutes, as the intake records them: a deadline worked out from an
/// arrest with seconds could fall on the other side of the night once stored.
fn arrest_for_deadline(now: Timestamp, due: SignedDuration, n: usize) -> anyhow::Result<Timestamp> {
    let pack = domain::jurisdiction::shipped_pack("nl")?;
    let (_, _, pretrial) = OFFENCES[n % OFFENCES.len()];
    let minute = now.round(jiff::TimestampRound::new().smallest(jiff::Unit::Minute).mode(jiff::RoundMode::Trunc))?;
    let mut candidates: Vec<(Timestamp, Timestamp)> = Vec::new();
    for minutes in (20..=24 * 60).step_by(5) {
        let arrested = minute - SignedDuration::from_mins(minutes);
        let input = domain::zsm::IntakeInput {
            suspect: PersonId::from_uuid(uuid::Uuid::nil()),
            suspect_is_minor: n.is_multiple_of(11),
            offences: vec![domain::zsm::Offence {
                offence_type: "demo".into(),
                committed_on: arrested.to_zoned(pack.time_zone.clone()).date(),
                place: "Utrecht".into(),
                description: "demo".into(),
                pretrial_detention_allowed: pretrial,
            }],
            arrested_at: arrested,
            arrived_at_station: arrested + SignedDuration::from_mins(10),
            location: DEMO_LOCATION.into(),
            victims: Vec::new(),
            police_report_summary: "demo".into(),
            prior_record_summary: None,
            registered_by: domain::ids::MemberId::from_uuid(uuid::Uuid::nil()),
        };
        let clock = FixedClock::new(arrested + SignedDuration::from_mins(15));
        let Ok((_, effects)) = domain::zsm::register(CaseId::new(clock.now()), input, pack, &clock) else { continue };
        let deadline = effects
            .iter()
            .filter_map(|effect| match effect {
                domain::zsm::CaseEffect::ClockStarted(run) => Some(run.deadline),
                _ => None,
            })
            .min();
        if let Some(deadline) = deadline {
            candidates.push((deadline, arrested));
        }
    }
    let chosen = if due < SignedDuration::ZERO {
        let target = now + due;
        candidates.iter().filter(|(d, _)| *d < now).min_by_key(|(d, _)| d.duration_since(target).abs())
    } else {
        // The deadlines still to come, soonest first: the k-th is about `due` ahead by day,
        // `due` after 09:00 by night.
        let mut ahead: Vec<_> = candidates.iter().filter(|(d, _)| *d >= now).collect();
        ahead.sort_by_key(|(d, _)| *d);
        ahead.dedup_by_key(|(d, _)| *d);
        let k = usize::try_from(due.as_mins() / 5).unwrap_or(0);
        ahead.get(k.min(ahead.len().saturating_sub(1))).copied()
    };
    chosen.map(|(_, arrested)| *arrested).ok_or_else(|| anyhow::anyhow!("no arrest time fits demo case {n}"))
}

fn offset(n: usize) -> SignedDuration {
    SignedDuration::from_mins((n as i64 * 97) % 720)
}

async fn register(
    store: &Store,
    clock: &FixedClock,
    actors: &ZsmDemoActors<'_>,
    n: usize,
    arrested: Timestamp,
    zone: &TimeZone,
) -> anyhow::Result<(CaseId, i64)> {
    // The police record the suspect's number in the justice chain (strafrechtketennummer), so
    // the decision record names the suspect by identifier, and their BSN, so the offence record
    // links them (what works).
    let chain_number = IdentifierInput { kind: "local".into(), value: format!("SKN {:08}", 31_000_000 + n) };
    let bsn = IdentifierInput { kind: "bsn".into(), value: super::people::bsn_from(0x25A0_0000 + n as u64) };
    let suspect = Suspect { location: DEMO_LOCATION, identifiers: vec![chain_number, bsn], known: None };
    Ok(register_at(store, clock, actors, n, arrested, zone, suspect).await?.0)
}

/// Where a demo suspect is brought in, and the identifiers the police record — or the person
/// desist already knows.
struct Suspect<'a> {
    location: &'a str,
    identifiers: Vec<IdentifierInput>,
    known: Option<PersonId>,
}

async fn register_at(
    store: &Store,
    clock: &FixedClock,
    actors: &ZsmDemoActors<'_>,
    n: usize,
    arrested: Timestamp,
    zone: &TimeZone,
    suspect: Suspect<'_>,
) -> anyhow::Result<((CaseId, i64), PersonId)> {
    let people = People { store, clock, time_zone: zone };
    let person: PersonId = match suspect.known {
        Some(known) => known,
        None => {
            people
                .create(
                    actors.police,
                    &PersonInput {
                        family_name: FAMILY[n % FAMILY.len()].into(),
                        given_names: GIVEN[(n / FAMILY.len()) % GIVEN.len()].into(),
                        birth_date: format!("{}-0{}-1{}", 1970 + (n % 35), 1 + n % 9, n % 10),
                        sex: ["F", "M", "X"][n % 3].into(),
                        identifiers: suspect.identifiers,
                        ..Default::default()
                    },
                    &TeamEntryInput {
                        basis_kind: "statutory_task".into(),
                        statute: "Politiewet 2012 art. 3".into(),
                        reason: "ZSM-instroom".into(),
                        ..Default::default()
                    },
                )
                .await
                .map_err(|e| anyhow::anyhow!("ZSM demo person: {e}"))?
                .id
        }
    };
    let (offence_type, description, pretrial) = OFFENCES[n % OFFENCES.len()];
    let local = |at: Timestamp| at.to_zoned(zone.clone()).strftime("%Y-%m-%dT%H:%M").to_string();
    let lawyer = (!actors.lawyers.is_empty() && n % 4 != 3).then(|| &actors.lawyers[n % actors.lawyers.len()]);
    let form = IntakeForm {
        suspect_id: person.to_string(),
        suspect_is_minor: n.is_multiple_of(11),
        location: suspect.location.into(),
        arrested_at: local(arrested),
        arrived_at: local(arrested + SignedDuration::from_mins(10)),
        offences: vec![OffenceForm {
            offence_type: offence_type.into(),
            committed_on: arrested.to_zoned(zone.clone()).date().to_string(),
            place: "Utrecht".into(),
            description: description.into(),
            pretrial_detention: if pretrial { "yes" } else { "no" }.into(),
        }],
        victims: if n.is_multiple_of(2) {
            vec![VictimForm { person_id: String::new(), description: "winkel of omstander".into() }]
        } else {
            Vec::new()
        },
        police_report_summary: format!("Aangehouden op heterdaad ({offence_type})."),
        prior_record_summary: if n.is_multiple_of(3) {
            "Twee eerdere winkeldiefstallen".to_string()
        } else {
            String::new()
        },
        lawyer_id: lawyer.map(|l| l.member_id.to_string()).unwrap_or_default(),
    };
    let zsm = Zsm { store, clock };
    let id = zsm.register(actors.police, &form).await.map_err(err)?;
    Ok(((id, 1), person))
}

/// A settled case of the demo's history, for what works.
pub struct HistoryCase {
    pub bsn: String,
    pub n: usize,
    pub arrested: Timestamp,
}

/// The disposal `decide` gives case `n`.
pub fn disposal_of(n: usize) -> &'static str {
    match n % 6 {
        0..=2 => "penalty_order",
        3 => "unconditional_dismissal",
        4 => "referral_case_management",
        _ => "summons",
    }
}

/// Settled cases two to four years ago at both locations, of suspects with a BSN, so that
/// what works has decisions followed up for a full year (and the months outcomes take).
pub async fn seed_zsm_history(
    store: &Store,
    actors: &ZsmDemoActors<'_>,
    now: Timestamp,
    count: usize,
    bsn: &mut impl FnMut() -> String,
) -> anyhow::Result<Vec<HistoryCase>> {
    let zone = TimeZone::get("Europe/Amsterdam")?;
    let mut cases = Vec::with_capacity(count);
    for k in 0..count {
        let n = 2000 + k;
        let days_ago = 730 + (k as i64 * 730 / count as i64);
        let arrested = now - SignedDuration::from_hours(24 * days_ago) + offset(n);
        let clock = FixedClock::new(arrested + SignedDuration::from_mins(40));
        let value = bsn();
        let suspect = Suspect {
            location: if k % 2 == 0 { DEMO_LOCATION } else { "zsm-amsterdam" },
            identifiers: vec![IdentifierInput { kind: "bsn".into(), value: value.clone() }],
            known: None,
        };
        let ((id, version), _) = register_at(store, &clock, actors, n, arrested, &zone, suspect).await?;
        let zsm = Zsm { store, clock: &clock };
        clock.advance(SignedDuration::from_mins(60 + (n as i64 * 37) % 400));
        let version = contribute_all(&zsm, actors, id, version, n, true).await?;
        decide(&zsm, actors, id, version, n, &clock, &zone).await?;
        cases.push(HistoryCase { bsn: value, n, arrested });
    }
    Ok(cases)
}

/// A settled case of the demo's history for a person desist already knows (a Safety House
/// person before their plan): arrested at `arrested` and brought to `location`, decided that
/// day; case `n` picks the offence and (see [`disposal_of`]) the disposal.
pub async fn seed_zsm_case_of(
    store: &Store,
    actors: &ZsmDemoActors<'_>,
    person: PersonId,
    n: usize,
    arrested: Timestamp,
    location: &str,
) -> anyhow::Result<()> {
    let zone = TimeZone::get("Europe/Amsterdam")?;
    let clock = FixedClock::new(arrested + SignedDuration::from_mins(40));
    let suspect = Suspect { location, identifiers: Vec::new(), known: Some(person) };
    let ((id, version), _) = register_at(store, &clock, actors, n, arrested, &zone, suspect).await?;
    let zsm = Zsm { store, clock: &clock };
    clock.advance(SignedDuration::from_mins(60 + (n as i64 * 37) % 400));
    let version = contribute_all(&zsm, actors, id, version, n, true).await?;
    decide(&zsm, actors, id, version, n, &clock, &zone).await
}

fn probation_scan(n: usize, state: &str) -> ContributionForm {
    let mut form = ContributionForm {
        state: state.into(),
        advice: ["no_concerns", "screening_advised", "supervision_advised", "intervention_advised"][n % 4].into(),
        ..Default::default()
    };
    if !n.is_multiple_of(3) {
        form.signals
            .insert(["debt", "housing", "alcohol_addiction", "mental_health"][n % 4].into(), "uit gesprek".into());
    }
    form
}

/// The demo works on the case as it is (no section version seen); the case version counts on.
async fn contribute(
    zsm: &Zsm<'_, Store>,
    actor: &Actor,
    id: CaseId,
    version: i64,
    partner: Partner,
    form: ContributionForm,
) -> anyhow::Result<i64> {
    zsm.update_contribution(actor, id, partner, &form, None).await.map_err(err)?;
    Ok(version + 1)
}

/// Police, probation, victim support (when there is a victim) and the lawyer (when recorded).
async fn contribute_all(
    zsm: &Zsm<'_, Store>,
    actors: &ZsmDemoActors<'_>,
    id: CaseId,
    mut version: i64,
    n: usize,
    lawyer_too: bool,
) -> anyhow::Result<i64> {
    let police = ContributionForm {
        state: "done".into(),
        additional_information: "Camerabeelden beschikbaar".into(),
        ..Default::default()
    };
    version = contribute(zsm, actors.police, id, version, Partner::Police, police).await?;
    version = contribute(zsm, actors.probation, id, version, Partner::Probation, probation_scan(n, "done")).await?;
    let stored = zsm.store.case(id).await?.ok_or_else(|| anyhow::anyhow!("demo case vanished"))?;
    if !stored.case.intake.details().victims.is_empty() {
        let victim = ContributionForm {
            state: "done".into(),
            interests: "Wil de schade vergoed zien".into(),
            damages_claim: format!("{}", 50 + (n % 7) * 25),
            wants_information: true,
            ..Default::default()
        };
        version = contribute(zsm, actors.victim_support, id, version, Partner::VictimSupport, victim).await?;
    }
    if lawyer_too && let Some(lawyer) = stored.lawyer.and_then(|m| actors.lawyers.iter().find(|l| l.member_id == m)) {
        let now = zsm.clock.now().to_zoned(TimeZone::get("Europe/Amsterdam")?).strftime("%Y-%m-%dT%H:%M").to_string();
        let consult = ContributionForm {
            state: "done".into(),
            consulted_at: now,
            mode: "in_person".into(),
            lawyer_advice: "Gevolgen voor de VOG besproken".into(),
            settlement_consequences_explained: true,
            suspect_position: "Bekent".into(),
            shared_with_prosecutor: n.is_multiple_of(2),
            ..Default::default()
        };
        version = contribute(zsm, lawyer, id, version, Partner::DefenceLawyer, consult).await?;
    }
    Ok(version)
}

async fn decide(
    zsm: &Zsm<'_, Store>,
    actors: &ZsmDemoActors<'_>,
    id: CaseId,
    version: i64,
    n: usize,
    clock: &FixedClock,
    zone: &TimeZone,
) -> anyhow::Result<()> {
    let today = clock.now().to_zoned(zone.clone()).date();
    let stored = zsm.store.case(id).await?.ok_or_else(|| anyhow::anyhow!("demo case vanished"))?;
    let lawyer_done =
        stored.case.contributions.state(Partner::DefenceLawyer) == domain::jurisdiction::ContributionState::Done;
    let param = |pairs: &[(&str, String)]| pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
    let form = match n % 6 {
        0 | 1 if lawyer_done => DecisionForm {
            disposal: "penalty_order".into(),
            parameters: param(&[("community_service_hours", format!("{}", 20 + (n % 5) * 10))]),
            obligations: if n.is_multiple_of(12) {
                vec![ObligationForm {
                    kind: "area_ban".into(),
                    starts_on: today.to_string(),
                    ends_on: today.saturating_add(jiff::Span::new().months(6)).to_string(),
                    details: "Binnenstad Utrecht".into(),
                }]
            } else {
                Vec::new()
            },
            ..Default::default()
        },
        0..=2 => DecisionForm {
            disposal: "penalty_order".into(),
            parameters: param(&[("fine_cents", format!("{}", 150 + (n % 4) * 50))]),
            ..Default::default()
        },
        3 => DecisionForm {
            disposal: "unconditional_dismissal".into(),
            parameters: param(&[("ground", "policy".into())]),
            ..Default::default()
        },
        4 => DecisionForm {
            disposal: "referral_case_management".into(),
            parameters: param(&[("note", "Meerdere leefgebieden; screening buiten de zaak".into())]),
            ..Default::default()
        },
        _ => DecisionForm {
            disposal: "summons".into(),
            parameters: param(&[
                ("track", "fast_track".into()),
                ("hearing_date", today.saturating_add(jiff::Span::new().days(10)).to_string()),
            ]),
            ..Default::default()
        },
    };
    let form = DecisionForm { reasoning: "Afgedaan aan de ZSM-tafel".into(), ..form };
    zsm.decide(actors.prosecutor, id, &form, version).await.map_err(err)?;
    Ok(())
}

#[cfg(test)]
#[path = "zsm_tests.rs"]
mod tests;
