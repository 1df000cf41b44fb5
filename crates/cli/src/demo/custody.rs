//! Demo data for England and Wales: a custody suite in Liverpool under the `england-wales` pack
//! (PACE clocks, the charging decision, out-of-court resolutions) and the Knowsley IOM hub, set
//! up the way a real partnership is, through administration's use cases (audited, as the
//! demo's administrator), then a custody suite at work through the ZSM use cases: detainees
//! at every point of their PACE clock, one held beyond 24 hours on a superintendent's
//! authorisation, and some decided (charged, conditionally cautioned).

use domain::access::{Actor, TeamEntryInput};

use domain::FixedClock;
use domain::ids::{AgencyId, CaseId, PersonId};
use domain::jurisdiction::Partner;
use domain::partnership::model::{AgencyInput, LocationInput, MemberInput, SafetyHouseChange, SafetyHouseInput};
use domain::partnership::service::Administration;
use domain::people::PersonInput;
use domain::people::service::People;
use domain::zsm::model::forms::{ContributionForm, DecisionForm, IntakeForm, ObligationForm, OffenceForm, VictimForm};
use domain::zsm::service::Zsm;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use store::Store;

pub const CUSTODY_LOCATION: &str = "st-anne-street-custody";
pub const CUSTODY_ZONE: &str = "Europe/London";
pub const IOM_HUB: &str = "Knowsley IOM hub";

/// (name, kind) of the partnership's agencies in Merseyside.
const AGENCIES: [(&str, &str); 5] = [
    ("Merseyside Police", "police"),
    ("CPS Mersey-Cheshire", "prosecution"),
    ("Probation Service Merseyside", "probation"),
    ("Victim Support Merseyside", "victim_support"),
    ("Knowsley Defence Solicitors", "defence"),
];

/// (username, display name, agency index, roles); agency 5 is the IOM hub.
pub(super) const CUSTODY_MEMBERS: [(&str, &str, usize, &str); 6] = [
    ("custody", "Sgt Ellie Walsh (custody officer)", 0, "police_officer"),
    ("cps", "Priya Shah (Crown prosecutor)", 1, "prosecutor"),
    ("probation", "Tom Riley (probation officer)", 2, "probation_officer"),
    ("victimsupport", "Grace Owens", 3, "victim_support_worker"),
    ("solicitor", "Daniel Hughes (duty solicitor)", 4, "defence_lawyer"),
    ("iomlead", "Dawn McCarthy (IOM lead)", 5, "process_manager"),
];

const DETAINEES: [(&str, &str, &str); 8] = [
    ("Connor", "Doyle", "1994-03-12"),
    ("Jade", "Kelly", "1999-11-02"),
    ("Liam", "Rafferty", "1988-07-21"),
    ("Shannon", "Byrne", "2001-05-30"),
    ("Kyle", "Murphy", "1991-09-09"),
    ("Danny", "Quinn", "1985-01-17"),
    ("Chloe", "Ward", "1997-12-24"),
    ("Ryan", "Gallagher", "1983-04-08"),
];

/// (offence, description, indictable)
const OFFENCES: [(&str, &str, bool); 4] = [
    ("Theft from a shop", "Took six bottles of spirits from a supermarket in Huyton", false),
    ("Burglary (dwelling)", "Entered a house in Kirkby through a rear window; laptop taken", true),
    ("Assault occasioning actual bodily harm", "Punched a man outside a pub in Prescot", true),
    ("Criminal damage", "Smashed the window of a bus shelter in Halewood", false),
];

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct CustodyDemoSummary {
    pub open_cases: usize,
    pub decided_cases: usize,
}

fn err(error: domain::service::ServiceError) -> anyhow::Error {
    anyhow::anyhow!("custody demo: {error}")
}

/// The Merseyside partnership and its custody suite, as of `now`.
pub async fn seed_custody(store: &Store, admin: &Actor, now: Timestamp) -> anyhow::Result<CustodyDemoSummary> {
    let clock = FixedClock::new(now);
    let passwords = web::SystemPasswords::default();
    let administration = Administration { store, clock: &clock, passwords: &passwords };
    let mut agencies: Vec<AgencyId> = Vec::new();
    for (name, kind) in AGENCIES {
        let input = AgencyInput { name: name.into(), kind: kind.into(), contact: "Merseyside IOM partnership".into() };
        agencies.push(administration.add_agency(admin, &input).await.map_err(err)?.agency.id);
    }
    let hub = SafetyHouseInput {
        name: IOM_HUB.into(),
        pack: "england-wales".into(),
        contact: "IOM hub, Huyton police station".into(),
        persons_per_day: "8".into(),
        triage_cutoff: "17:00".into(),
        agencies: vec![agencies[0].to_string(), agencies[2].to_string()],
    };
    agencies.push(administration.add_safety_house(admin, &hub).await.map_err(err)?.agency.agency.id);
    let location = LocationInput {
        name: "St Anne Street custody suite, Liverpool".into(),
        code: CUSTODY_LOCATION.into(),
        pack: "england-wales".into(),
        time_zone: CUSTODY_ZONE.into(),
        // The duty solicitors sit at the suite too: its intake offers them, not the Dutch piket.
        agencies: agencies[..5].iter().map(ToString::to_string).collect(),
    };
    administration.add_location(admin, &location).await.map_err(err)?;
    // A month in, the hub takes ten persons a day and Victim Support joins its conferences:
    // changed through administration as a real partnership would (audited, its version counted).
    let grown = SafetyHouseChange {
        persons_per_day: Some("10".into()),
        agencies: Some([0, 2, 3].iter().map(|i: &usize| agencies[*i].to_string()).collect()),
        version: Some(1),
        ..Default::default()
    };
    administration.edit_safety_house(admin, agencies[5], &grown).await.map_err(err)?;
    let mut actors = Vec::new();
    for (username, name, agency, roles) in CUSTODY_MEMBERS {
        let input = MemberInput {
            username: username.into(),
            name: name.into(),
            agency_id: agencies[agency].to_string(),
            roles: vec![roles.into()],
            password: Some(super::DEMO_PASSWORD.into()),
        };
        let (account, _) = administration.add_member(admin, &input).await.map_err(err)?;
        let member = account.member;
        actors.push(Actor {
            member_id: member.id,
            agency_id: member.agency_id,
            roles: member.roles,
            display_name: member.display_name,
        });
    }
    let cast =
        Cast { police: &actors[0], cps: &actors[1], probation: &actors[2], victim: &actors[3], lawyer: &actors[4] };
    let (summary, first) = seed_cases(store, &cast, now).await?;
    iom_cohort(store, &cast, &actors[5], agencies[5], first, now).await?;
    Ok(summary)
}

/// The first detainee is known to the IOM hub: the police add the hub to his team and the IOM
/// lead drafts his plan, under the England and Wales rules (the hub's pack).
async fn iom_cohort(
    store: &Store,
    cast: &Cast<'_>,
    lead: &Actor,
    hub: AgencyId,
    case: CaseId,
    now: Timestamp,
) -> anyhow::Result<()> {
    use domain::zsm::ports::ZsmStore;
    let person = store.case(case).await?.ok_or_else(|| anyhow::anyhow!("custody demo case vanished"))?.suspect();
    let zone = TimeZone::get(CUSTODY_ZONE)?;
    let clock = FixedClock::new(now);
    let basis = TeamEntryInput {
        agency_id: hub.to_string(),
        basis_kind: "statutory_task".into(),
        statute: "Crime and Disorder Act 1998 s115".into(),
        reason: "IOM cohort (fixed): prolific acquisitive offending".into(),
        ..Default::default()
    };
    People { store, clock: &clock, time_zone: &zone }.add_to_team(cast.police, person, &basis).await.map_err(err)?;
    let pack = domain::jurisdiction::BeyondPack::shipped_static("england-wales")?;
    let plans = domain::plan::service::Plans { store, clock: &clock, time_zone: &zone, pack };
    plans.draft(lead, person).await.map_err(err)?;
    Ok(())
}

struct Cast<'a> {
    police: &'a Actor,
    cps: &'a Actor,
    probation: &'a Actor,
    victim: &'a Actor,
    lawyer: &'a Actor,
}

/// Detainees who arrived between 2 and 30 hours ago: the first hours of the 24-hour clock,
/// some near its end, one held on a superintendent's authorisation (s42), two decided.
async fn seed_cases(store: &Store, cast: &Cast<'_>, now: Timestamp) -> anyhow::Result<(CustodyDemoSummary, CaseId)> {
    let zone = TimeZone::get(CUSTODY_ZONE)?;
    let hours_ago = [2, 5, 9, 14, 21, 23, 27, 30];
    let mut summary = CustodyDemoSummary::default();
    let mut first = None;
    for (n, hours) in hours_ago.into_iter().enumerate() {
        let arrived = now - SignedDuration::from_hours(hours) - SignedDuration::from_mins(7 * n as i64);
        let clock = FixedClock::new(arrived + SignedDuration::from_mins(20));
        let id = register(store, &clock, cast, n, arrived, &zone).await?;
        first.get_or_insert(id);
        let zsm = Zsm { store, clock: &clock };
        clock.set(arrived + SignedDuration::from_hours(1));
        let section = |text: &str| ContributionForm {
            state: "done".into(),
            additional_information: text.into(),
            ..Default::default()
        };
        if n % 3 != 0 {
            zsm.update_contribution(
                cast.police,
                id,
                Partner::Police,
                &section("CCTV seized; interview recorded"),
                None,
            )
            .await
            .map_err(err)?;
        }
        if hours >= 20 {
            // Held beyond 24 hours: the superintendent's authorisation, on the custody record.
            clock.set(arrived + SignedDuration::from_hours(20));
            let version = version(store, id).await?;
            let basis = "Supt. A. Coleman: evidence still being secured; indictable offence (PACE s42(1))";
            zsm.extend_clock(cast.police, id, "pace_detention", "superintendent", None, basis, version)
                .await
                .map_err(err)?;
        }
        if hours >= 27 {
            clock.set(now - SignedDuration::from_mins(30));
            decide(&zsm, store, cast, id, n, &zone).await?;
            summary.decided_cases += 1;
        } else {
            summary.open_cases += 1;
        }
    }
    Ok((summary, first.ok_or_else(|| anyhow::anyhow!("no custody demo case"))?))
}

async fn version(store: &Store, id: CaseId) -> anyhow::Result<i64> {
    use domain::zsm::ports::ZsmStore;
    Ok(store.case(id).await?.ok_or_else(|| anyhow::anyhow!("custody demo case vanished"))?.version)
}

async fn register(
    store: &Store,
    clock: &FixedClock,
    cast: &Cast<'_>,
    n: usize,
    arrived: Timestamp,
    zone: &TimeZone,
) -> anyhow::Result<CaseId> {
    let (given, family, born) = DETAINEES[n];
    let people = People { store, clock, time_zone: zone };
    let person: PersonId = people
        .create(
            cast.police,
            &PersonInput {
                family_name: family.into(),
                given_names: given.into(),
                birth_date: born.into(),
                sex: ["M", "F"][n % 2].into(),
                // The PNC id links the detainee to the IOM hub's offence extract (`cohorts.rs`).
                identifiers: vec![domain::people::IdentifierInput {
                    kind: "pnc".into(),
                    value: super::cohorts::detainee_pnc(n),
                }],
                ..Default::default()
            },
            &TeamEntryInput {
                basis_kind: "statutory_task".into(),
                statute: "Police and Criminal Evidence Act 1984".into(),
                reason: "Detained at St Anne Street custody suite".into(),
                ..Default::default()
            },
        )
        .await
        .map_err(err)?
        .id;
    let (offence, description, indictable) = OFFENCES[n % OFFENCES.len()];
    let local = |at: Timestamp| at.to_zoned(zone.clone()).strftime("%Y-%m-%dT%H:%M").to_string();
    let arrested = arrived - SignedDuration::from_mins(25);
    let form = IntakeForm {
        suspect_id: person.to_string(),
        suspect_is_minor: false,
        location: CUSTODY_LOCATION.into(),
        arrested_at: local(arrested),
        arrived_at: local(arrived),
        offences: vec![OffenceForm {
            offence_type: offence.into(),
            committed_on: arrested.to_zoned(zone.clone()).date().to_string(),
            place: "Knowsley".into(),
            description: description.into(),
            pretrial_detention: if indictable { "yes" } else { "no" }.into(),
        }],
        victims: if n.is_multiple_of(2) {
            vec![VictimForm { person_id: String::new(), description: "shop manager or passer-by".into() }]
        } else {
            Vec::new()
        },
        police_report_summary: format!("Arrested at the scene ({}).", offence.to_lowercase()),
        prior_record_summary: if n.is_multiple_of(3) {
            "Four previous thefts; IOM cohort".into()
        } else {
            String::new()
        },
        lawyer_id: if n % 4 == 3 { String::new() } else { cast.lawyer.member_id.to_string() },
    };
    Zsm { store, clock }.register(cast.police, &form).await.map_err(err)
}

/// The sections a charging decision waits for, then the CPS decision: a charge to the
/// magistrates' court or a conditional caution with a rehabilitation condition.
async fn decide(
    zsm: &Zsm<'_, Store>,
    store: &Store,
    cast: &Cast<'_>,
    id: CaseId,
    n: usize,
    zone: &TimeZone,
) -> anyhow::Result<()> {
    let now = zsm.clock.now();
    let local = now.to_zoned(zone.clone()).strftime("%Y-%m-%dT%H:%M").to_string();
    let done = |f: ContributionForm| ContributionForm { state: "done".into(), ..f };
    let sections = [
        (
            cast.police,
            Partner::Police,
            done(ContributionForm {
                additional_information: "File ready for a charging decision".into(),
                ..Default::default()
            }),
        ),
        (
            cast.lawyer,
            Partner::DefenceLawyer,
            done(ContributionForm {
                consulted_at: local.clone(),
                mode: "in_person".into(),
                lawyer_advice: "Consequences of a caution explained".into(),
                settlement_consequences_explained: true,
                suspect_position: "Admits the offence".into(),
                ..Default::default()
            }),
        ),
        (
            cast.victim,
            Partner::VictimSupport,
            done(ContributionForm {
                interests: "Wants the damage paid for".into(),
                damages_claim: "120".into(),
                ..Default::default()
            }),
        ),
        (
            cast.probation,
            Partner::Probation,
            done(ContributionForm { advice: "intervention_advised".into(), ..Default::default() }),
        ),
    ];
    for (actor, partner, form) in sections {
        use domain::zsm::ports::ZsmStore;
        let stored = store.case(id).await?.ok_or_else(|| anyhow::anyhow!("custody demo case vanished"))?;
        if stored.case.contributions.state(partner) == domain::jurisdiction::ContributionState::NotNeeded
            && partner != Partner::Probation
        {
            continue;
        }
        if partner == Partner::DefenceLawyer && stored.lawyer.is_none() {
            continue;
        }
        zsm.update_contribution(actor, id, partner, &form, None).await.map_err(err)?;
    }
    let today = now.to_zoned(zone.clone()).date();
    let form = if n.is_multiple_of(2) {
        DecisionForm {
            disposal: "charge".into(),
            parameters: [(
                "first_hearing_date".to_string(),
                today.saturating_add(jiff::Span::new().days(14)).to_string(),
            )]
            .into_iter()
            .collect(),
            reasoning: "Full Code Test met: sufficient evidence and in the public interest".into(),
            ..Default::default()
        }
    } else {
        DecisionForm {
            disposal: "conditional_caution".into(),
            obligations: vec![ObligationForm {
                kind: "rehabilitation_condition".into(),
                starts_on: today.to_string(),
                ends_on: today.saturating_add(jiff::Span::new().months(3)).to_string(),
                details: "Attend the Knowsley alcohol awareness course".into(),
            }],
            reasoning: "First offence, admitted; a condition addresses the drinking behind it".into(),
            ..Default::default()
        }
    };
    zsm.decide(cast.cps, id, &form, version(store, id).await?).await.map_err(err)?;
    Ok(())
}
