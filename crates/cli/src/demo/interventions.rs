//! Demo data for interventions: three providers with members to sign in as, a catalogue in
//! Amsterdam whose waits come from real queues — a night shelter room with no free place, an
//! outpatient alcohol treatment with a wait of weeks, a group programme with its next start
//! date, debt help with a place now, and two he does not fit (given in English and Polish only;
//! for young adults), one the administrator added on the Leger des Heils' behalf — referrals in
//! every state, and Gerrit Hoekstra's own:
//! waiting for alcohol treatment, started with debt help (attendance and progress recorded),
//! and his housing recorded as unmet need. Everything goes through the use cases; each person
//! referred has a plan, on which each referral puts its task (showing the referral's status).

use super::directory::DemoCast;
use super::people::generated_bsn;
use domain::FixedClock;
use domain::access::{Actor, Role, TeamEntryInput};
use domain::directory::{Agency, AgencyKind, DirectoryStore, Member};
use domain::ids::{AgencyId, InterventionId, MemberId, PersonId, ReferralId};
use domain::interventions::service::{Interventions, NewReferral};
use domain::interventions::{ChangeInput, InterventionInput};
use domain::jurisdiction::BeyondPack;
use domain::people::service::People;
use domain::people::{IdentifierInput, PersonInput};
use domain::plan::service::Plans;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use store::Store;

/// (username, display name, agency, kind) of the providers' members.
pub const PROVIDER_MEMBERS: [(&str, &str, &str); 3] = [
    ("opvang", "Marieke de Wit", "Leger des Heils Maatschappelijke Opvang"),
    ("jellinek", "Sevda Oosterhuis", "Jellinek Amsterdam"),
    ("schuldhulp", "Ria Kramer", "Schuldhulpmaatje Amsterdam"),
];

#[derive(Debug, Default)]
pub struct InterventionsDemo {
    pub interventions: usize,
    pub referrals: usize,
    /// The one-to-one help the demo's history referred people to (what works), each with the
    /// provider's member who accepts, starts and completes it: the room, the alcohol
    /// treatment, debt help.
    pub history: Vec<(InterventionId, Actor)>,
}

struct Seeder<'a> {
    store: &'a Store,
    clock: &'a FixedClock,
    zone: TimeZone,
    pack: BeyondPack,
    probation: &'a Actor,
    bsn_state: u64,
}

impl Seeder<'_> {
    fn service(&self) -> Interventions<'_, Store> {
        Interventions { store: self.store, clock: self.clock, time_zone: &self.zone, screening: &self.pack.screening }
    }

    async fn person(&mut self, given: &str, family: &str) -> anyhow::Result<PersonId> {
        let mut next = || {
            self.bsn_state = self.bsn_state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.bsn_state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z ^ (z >> 31)
        };
        let input = PersonInput {
            family_name: family.into(),
            given_names: given.into(),
            birth_date: "1988-09-03".into(),
            sex: "M".into(),
            city: "Amsterdam".into(),
            phone: "06-2000 1234".into(),
            identifiers: vec![IdentifierInput { kind: "bsn".into(), value: generated_bsn(&mut next) }],
            ..Default::default()
        };
        let basis = TeamEntryInput {
            basis_kind: "statutory_task".into(),
            statute: "Wet op de reclassering".into(),
            reason: "Toezicht".into(),
            ..Default::default()
        };
        let people = People { store: self.store, clock: self.clock, time_zone: &self.zone };
        let id = people.create(self.probation, &input, &basis).await.map_err(|e| anyhow::anyhow!("person: {e}"))?.id;
        // Probation's plan for them: each referral below then puts its task on it, owned by the
        // provider, in the referral's own transaction — as a referral made on the web does.
        let plans = Plans { store: self.store, clock: self.clock, time_zone: &self.zone, pack: &self.pack };
        plans.draft(self.probation, id).await.map_err(|e| anyhow::anyhow!("plan: {e}"))?;
        Ok(id)
    }

    async fn refer(&self, person: PersonId, intervention: InterventionId, risks: &str) -> anyhow::Result<ReferralId> {
        let new = NewReferral {
            person,
            intervention,
            task: None,
            needs: vec![],
            risks: risks.into(),
            basis: String::new(),
            note: String::new(),
            send: true,
        };
        Ok(self.service().refer(self.probation, new).await.map_err(|e| anyhow::anyhow!("referral: {e}"))?.id)
    }

    async fn save(&self, by: &Actor, input: InterventionInput) -> anyhow::Result<domain::interventions::Intervention> {
        self.service().save_intervention(by, None, &input, true).await.map_err(|e| anyhow::anyhow!("catalogue: {e}"))
    }

    async fn change(&self, by: &Actor, referral: ReferralId, input: ChangeInput) -> anyhow::Result<()> {
        let action = input.action.clone();
        self.service().change(by, referral, &input).await.map_err(|e| anyhow::anyhow!("referral {action}: {e}"))?;
        Ok(())
    }

    async fn act(&self, by: &Actor, referral: ReferralId, actions: &[&str]) -> anyhow::Result<()> {
        for action in actions {
            self.change(by, referral, ChangeInput { action: (*action).into(), ..Default::default() }).await?;
        }
        Ok(())
    }
}

fn entry(name: &str, kind: &str, needs: &str, capacity: u32, outcomes: &str) -> InterventionInput {
    InterventionInput {
        name: name.into(),
        kind: kind.into(),
        needs: needs.into(),
        capacity: capacity.to_string(),
        outcomes: outcomes.into(),
        areas: "Amsterdam\nDiemen\nAmstelveen".into(),
        sessions: "12".into(),
        duration_weeks: "12".into(),
        ..Default::default()
    }
}

async fn provider(store: &Store, now: Timestamp, index: usize, hash: &str) -> anyhow::Result<Actor> {
    let (username, name, agency) = PROVIDER_MEMBERS[index];
    let agency = Agency { id: AgencyId::new(now), name: agency.into(), kind: AgencyKind::Provider };
    store.create_agency(&agency).await?;
    let member = Member {
        id: MemberId::new(now),
        agency_id: agency.id,
        username: username.into(),
        display_name: name.into(),
        roles: vec![Role::ProviderWorker],
        disabled: false,
    };
    store.create_member(&member, hash, now).await?;
    Ok(Actor { member_id: member.id, agency_id: agency.id, roles: member.roles, display_name: member.display_name })
}

fn reason(action: &str, reason: &str) -> ChangeInput {
    ChangeInput { action: action.into(), reason: reason.into(), ..Default::default() }
}

pub async fn seed_interventions(
    store: &Store,
    cast: &DemoCast,
    now: Timestamp,
    gerrit: PersonId,
) -> anyhow::Result<InterventionsDemo> {
    let hash = web::hash_password(super::DEMO_PASSWORD.into()).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let opvang = provider(store, now, 0, &hash).await?;
    let jellinek = provider(store, now, 1, &hash).await?;
    let schuldhulp = provider(store, now, 2, &hash).await?;
    let ggz = cast.actor("ggz");
    // The catalogue is five years old: the demo's history (`evidence`) referred people to it.
    let clock = FixedClock::new(now.checked_sub(SignedDuration::from_hours(24 * 1900)).unwrap_or(now));
    let zone = TimeZone::get("Europe/Amsterdam").unwrap_or(TimeZone::UTC);
    let mut s = Seeder {
        store,
        clock: &clock,
        zone,
        pack: super::demo_beyond_pack(),
        probation: cast.actor("reclassering"),
        bsn_state: 19_2026,
    };
    let shelter = s
        .save(
            &opvang,
            InterventionInput {
                unit_cost_cents: "4250".into(),
                description: "Een eigen kamer met begeleiding, per nacht betaald.".into(),
                ..entry("Eigen kamer met begeleiding", "housing", "housing", 6, "Stabiele woonplek\nDagritme")
            },
        )
        .await?;
    let treatment = s
        .save(
            &jellinek,
            InterventionInput {
                unit_cost_cents: "185000".into(),
                ..entry(
                    "Ambulante alcoholbehandeling",
                    "addiction_treatment",
                    "addiction\nmental_health",
                    4,
                    "Drie maanden geen alcohol\nTerugvalpreventieplan",
                )
            },
        )
        .await?;
    let today = now.to_zoned(s.zone.clone()).date();
    let starts = [9, 37, 65].map(|d| today.checked_add(jiff::Span::new().days(d)).unwrap_or(today).to_string());
    let group = s
        .save(
            ggz,
            InterventionInput {
                group_starts: starts.join("\n"),
                sessions: "10".into(),
                duration_weeks: "10".into(),
                ..entry(
                    "Grip op Drank (groep)",
                    "accredited_programme",
                    "addiction",
                    8,
                    "Minder drinken\nPlan bij trek",
                )
            },
        )
        .await?;
    let debt = s
        .save(
            &schuldhulp,
            entry(
                "Schuldhulpmaatje",
                "debt_help",
                "finances\nhousehold_and_paperwork",
                20,
                "Overzicht van schulden\nBudgetplan",
            ),
        )
        .await?;
    // Two that fit Gerrit's needs and town but not him, so the finder says why: debt advice
    // given in English and Polish only, and a work programme for young adults.
    s.save(
        &schuldhulp,
        InterventionInput {
            languages: "en\npl".into(),
            description: "Budget advice for newcomers, in English and Polish.".into(),
            ..entry("Money Matters (EN/PL)", "debt_help", "finances", 12, "Overzicht van schulden")
        },
    )
    .await?;
    s.save(
        &schuldhulp,
        InterventionInput {
            min_age: "18".into(),
            max_age: "27".into(),
            ..entry(
                "Jongerenloket Werk en Geld",
                "education_and_work",
                "finances\nwork_and_daytime",
                15,
                "Werk of opleiding",
            )
        },
    )
    .await?;
    // Added by the partnership's administrator on behalf of a provider whose staff do not keep
    // the catalogue themselves yet: the entry is the Leger des Heils' own from then on.
    let leger = cast.agencies.iter().find(|a| a.name == "Leger des Heils Amsterdam").map(|a| a.id);
    s.service()
        .add_intervention(
            cast.actor("beheer"),
            leger,
            &entry("Dagbesteding De Werkplaats", "education_and_work", "work_and_daytime", 10, "Vast dagritme"),
        )
        .await
        .map_err(|e| anyhow::anyhow!("catalogue on behalf: {e}"))?;
    clock.set(now.checked_sub(SignedDuration::from_hours(24 * 70)).unwrap_or(now));
    let mut referrals = 0;
    // Seventy days ago: four finished alcohol treatment since (the throughput), and the
    // shelter's rooms and the treatment's places filled up.
    let names = [
        "Bram Visser",
        "Tim de Groot",
        "Ruben Smit",
        "Kevin Meijer",
        "Mo Bakker",
        "Rick Jansen",
        "Niels de Vries",
        "Dennis Peters",
        "Sander Bos",
        "Youssef Amrani",
        "Stefan Hendriks",
        "Jeroen Dekker",
        "Patrick Vos",
        "Marco Brouwer",
        "Erik van Leeuwen",
        "Wesley de Boer",
        "Mohamed Haddou",
        "Joey Kok",
        "Gino Pinas",
        "Hakan Demir",
        "Roy Mulder",
        "Bas Willems",
        "Lars Hoogland",
        "Omar Said",
        "Thijs Vermeer",
        "Ivo Dijkstra",
    ];
    let mut people = Vec::new();
    for name in names {
        let (given, family) = name.split_once(' ').unwrap_or(("", name));
        people.push(s.person(given, family).await?);
    }
    let mut next = people.into_iter();
    let mut take = || next.next().ok_or_else(|| anyhow::anyhow!("demo: too few people"));
    for _ in 0..4 {
        let r = s.refer(take()?, treatment.id, "Drinkt dagelijks").await?;
        s.act(&jellinek, r, &["accept", "start"]).await?;
        clock.advance(SignedDuration::from_hours(24 * 7));
        let report = ChangeInput {
            action: "complete".into(),
            achievements: vec!["achieved".into(), "partly_achieved".into()],
            text: "Traject afgerond; terugvalpreventieplan besproken".into(),
            ..Default::default()
        };
        s.change(&jellinek, r, report).await?;
        referrals += 1;
    }
    clock.set(now.checked_sub(SignedDuration::from_hours(24 * 30)).unwrap_or(now));
    for _ in 0..6 {
        let r = s.refer(take()?, shelter.id, "").await?;
        s.act(&opvang, r, &["accept", "start"]).await?;
        referrals += 1;
    }
    for _ in 0..4 {
        let r = s.refer(take()?, treatment.id, "").await?;
        s.act(&jellinek, r, &["accept", "start"]).await?;
        referrals += 1;
    }
    // The queue: two waiting for treatment, three for the group.
    for _ in 0..2 {
        let r = s.refer(take()?, treatment.id, "").await?;
        s.act(&jellinek, r, &["accept", "wait"]).await?;
        referrals += 1;
    }
    for _ in 0..3 {
        let r = s.refer(take()?, group.id, "").await?;
        s.act(ggz, r, &["accept", "wait"]).await?;
        referrals += 1;
    }
    clock.set(now.checked_sub(SignedDuration::from_hours(24 * 3)).unwrap_or(now));
    // Every other state once.
    let sent = s.refer(take()?, debt.id, "").await?;
    let declined = s.refer(take()?, shelter.id, "").await?;
    s.change(&opvang, declined, reason("decline", "no_capacity")).await?;
    let withdrawn = s.refer(take()?, debt.id, "").await?;
    s.change(cast.actor("reclassering"), withdrawn, reason("withdraw", "circumstances_changed")).await?;
    let ended = s.refer(take()?, debt.id, "").await?;
    s.act(&schuldhulp, ended, &["accept", "start"]).await?;
    let absent = ChangeInput {
        action: "attendance".into(),
        attended: "no".into(),
        reason: "Niet gekomen, geen bericht".into(),
        ..Default::default()
    };
    s.change(&schuldhulp, ended, absent).await?;
    s.change(&schuldhulp, ended, reason("end_early", "did_not_attend")).await?;
    let draft = NewReferral {
        person: take()?,
        intervention: group.id,
        task: None,
        needs: vec![],
        risks: String::new(),
        basis: String::new(),
        note: "Nog bespreken met betrokkene".into(),
        send: false,
    };
    s.service().refer(cast.actor("reclassering"), draft).await.map_err(|e| anyhow::anyhow!("draft: {e}"))?;
    let accepted = s.refer(take()?, group.id, "").await?;
    s.act(ggz, accepted, &["accept"]).await?;
    let _ = sent;
    referrals += 6;

    // Gerrit: waiting for alcohol treatment, started with debt help, no room to be had.
    clock.set(now.checked_sub(SignedDuration::from_hours(24 * 14)).unwrap_or(now));
    let alcohol =
        s.refer(gerrit, treatment.id, "Drinkt dagelijks; agressief onder invloed (politiecontacten 2025)").await?;
    s.act(&jellinek, alcohol, &["accept", "wait"]).await?;
    let help = s.refer(gerrit, debt.id, "").await?;
    s.act(&schuldhulp, help, &["accept", "start"]).await?;
    for (days_ago, attended) in [(10, "yes"), (3, "late")] {
        clock.set(now.checked_sub(SignedDuration::from_hours(24 * days_ago)).unwrap_or(now));
        let session = ChangeInput { action: "attendance".into(), attended: attended.into(), ..Default::default() };
        s.change(&schuldhulp, help, session).await?;
    }
    let progress = ChangeInput {
        action: "progress".into(),
        outcome: "Overzicht van schulden".into(),
        achievement: "partly_achieved".into(),
        note: "Zes schuldeisers in beeld, twee nog onbekend".into(),
        ..Default::default()
    };
    s.change(&schuldhulp, help, progress).await?;
    referrals += 2;
    s.service()
        .record_unmet(cast.actor("reclassering"), gerrit, "housing", "no_capacity")
        .await
        .map_err(|e| anyhow::anyhow!("unmet need: {e}"))?;
    let history = vec![(shelter.id, opvang), (treatment.id, jellinek), (debt.id, schuldhulp)];
    Ok(InterventionsDemo { interventions: 7, referrals, history })
}
