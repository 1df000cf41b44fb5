//! Demo data for the mayor's measures, intensive case management and the group approach: an
//! exclusion order in its last days (so its warning shows), two intensive episodes (one behind
//! its contacts), a group of twelve young people in one neighbourhood with classes and plans,
//! and an area ban. Everything goes through the use cases, so it is authorised and audited.

use super::directory::DemoCast;
use super::people::generated_bsn;
use domain::access::{Actor, TeamEntryInput};
use domain::ids::PersonId;
use domain::jurisdiction::BeyondPack;
use domain::measures::service::{AnswerInput, Measures, ProposalInput};
use domain::measures::{BanInput, EpisodeAction, EpisodeInput, GroupAction, GroupInput, OrderAction, OrderInput};
use domain::people::service::People;
use domain::people::{IdentifierInput, PersonInput};
use domain::plan::service::{PlanAction, Plans};
use domain::{Clock, FixedClock};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use store::Store;

/// What was made, for the demo's summary line.
#[derive(Debug, Default)]
pub struct MeasuresDemo {
    pub exclusion_orders: usize,
    pub episodes: usize,
    pub group_members: usize,
    pub area_bans: usize,
}

/// (given names, family name, year of birth) of the group in Amsterdam Nieuw-West, with class.
const GROUP: [(&str, &str, i16, &str); 12] = [
    ("Rayan", "Bouzid", 2008, "core"),
    ("Dylan", "Verbeek", 2007, "core"),
    ("Soufiane", "Amrani", 2008, "core"),
    ("Jayden", "Koster", 2009, "follower"),
    ("Ilias", "Haddou", 2009, "follower"),
    ("Kenzo", "Pinas", 2008, "follower"),
    ("Milan", "de Ruiter", 2010, "follower"),
    ("Yassin", "El Khatib", 2009, "follower"),
    ("Nordin", "Azzouzi", 2010, "at_risk"),
    ("Luca", "Schouten", 2011, "at_risk"),
    ("Anass", "Tahiri", 2010, "at_risk"),
    ("Sven", "Mol", 2011, "at_risk"),
];

struct Seeder<'a> {
    store: &'a Store,
    clock: &'a FixedClock,
    zone: TimeZone,
    pack: BeyondPack,
    cast: &'a DemoCast,
    bsn_state: u64,
}

impl Seeder<'_> {
    fn people(&self) -> People<'_, Store> {
        People { store: self.store, clock: self.clock, time_zone: &self.zone }
    }
    fn measures(&self) -> Measures<'_, Store> {
        Measures { store: self.store, clock: self.clock, time_zone: &self.zone, pack: &self.pack }
    }
    fn plans(&self) -> Plans<'_, Store> {
        Plans { store: self.store, clock: self.clock, time_zone: &self.zone, pack: &self.pack }
    }
    fn actor(&self, username: &str) -> &Actor {
        self.cast.actor(username)
    }

    /// A new person on the Safety House's team, with probation on it too.
    async fn person(&mut self, given: &str, family: &str, born: i16, address: &str) -> anyhow::Result<PersonId> {
        let mut next = || {
            self.bsn_state = self.bsn_state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.bsn_state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z ^ (z >> 31)
        };
        let input = PersonInput {
            family_name: family.into(),
            given_names: given.into(),
            birth_date: format!("{born}-05-14"),
            sex: "M".into(),
            address: address.into(),
            postcode: "1064 AB".into(),
            city: "Amsterdam".into(),
            identifiers: vec![IdentifierInput { kind: "bsn".into(), value: generated_bsn(&mut next) }],
            ..Default::default()
        };
        let basis = TeamEntryInput {
            basis_kind: "statutory_task".into(),
            statute: "Convenant Zorg- en Veiligheidshuis".into(),
            reason: "Casusoverleg complexe casus".into(),
            ..Default::default()
        };
        let manager = self.actor("procesregisseur").clone();
        let person = self.people().create(&manager, &input, &basis).await?;
        let probation = TeamEntryInput {
            agency_id: self.actor("reclassering").agency_id.to_string(),
            statute: "Reclasseringsregeling 1995, art. 9".into(),
            reason: "Toezicht en begeleiding".into(),
            ..basis
        };
        self.people().add_to_team(&manager, person.id, &probation).await?;
        Ok(person.id)
    }

    /// Brings the municipality (the mayor's office) onto the person's team on the statute of
    /// the mayor's measures: it imposes them (issue 17, item 18). Already on it: nothing changes.
    async fn with_municipality(&self, person: PersonId) -> anyhow::Result<()> {
        let basis = TeamEntryInput {
            agency_id: self.actor("gemeente").agency_id.to_string(),
            basis_kind: "statutory_task".into(),
            statute: "Wet tijdelijk huisverbod, art. 2; Gemeentewet art. 172a".into(),
            reason: "Maatregelen van de burgemeester".into(),
            ..Default::default()
        };
        let manager = self.actor("procesregisseur").clone();
        // A second entry for an agency already on the team is refused; that is fine here.
        let _ = self.people().add_to_team(&manager, person, &basis).await;
        Ok(())
    }
}

/// Seeds the measures at `now`. `area_ban_for` is the person who gets the area ban (the demo's
/// shoplifter); without one, the first of `people` the Safety House or probation may act for.
pub async fn seed_measures(
    store: &Store,
    cast: &DemoCast,
    people: &[PersonId],
    now: Timestamp,
    area_ban_for: Option<PersonId>,
) -> anyhow::Result<MeasuresDemo> {
    let clock = FixedClock::new(now.checked_sub(SignedDuration::from_hours(24 * 40))?);
    let zone = TimeZone::get("Europe/Amsterdam").unwrap_or(TimeZone::UTC);
    let mut seeder =
        Seeder { store, clock: &clock, zone, pack: crate::demo::demo_beyond_pack(), cast, bsn_state: 5_2026 };
    let mut made = MeasuresDemo::default();
    let manager = cast.actor("procesregisseur").clone();
    let days_ago = |days: i64| now.checked_sub(SignedDuration::from_hours(24 * days)).unwrap_or(now);

    // The group: twelve young people in one neighbourhood, each with a plan.
    clock.set(days_ago(40));
    let group = seeder
        .measures()
        .form_group(&manager, &GroupInput { name: "Jongeren Slotermeer".into(), area: "Nieuw-West, Slotermeer".into() })
        .await?;
    for (n, (given, family, born, class)) in GROUP.iter().enumerate() {
        let id = seeder.person(given, family, *born, &format!("Burgemeester Van Leeuwenlaan {}", 10 + n)).await?;
        seed_plan(&seeder, &manager, id, n).await?;
        let action = GroupAction::AddMember { person: id.to_string(), class: (*class).into() };
        seeder.measures().change_group(&manager, &group.id.to_string(), &action).await?;
        made.group_members += 1;
    }

    // An exclusion order imposed nine days ago: it ends tomorrow evening.
    clock.set(days_ago(9));
    let excluded = seeder.person("Ronald", "Kuipers", 1979, "Wiltzanglaan 40").await?;
    let partner = seeder.person("Sandra", "Kuipers", 1982, "Wiltzanglaan 40").await?;
    let child = seeder.person("Mees", "Kuipers", 2014, "Wiltzanglaan 40").await?;
    for person in [excluded, partner, child] {
        seeder.with_municipality(person).await?;
    }
    // Probation proposed it; the mayor's office imposed it and answered the proposal.
    let mayor = cast.actor("gemeente").clone();
    let reason = "Ernstige dreiging tegen partner en kind na aanhouding; herhaling dreigt".into();
    seeder
        .measures()
        .propose(cast.actor("reclassering"), excluded, &ProposalInput { measure: "exclusion_order".into(), reason })
        .await?;
    let imposed_at = days_ago(9).to_zoned(seeder.zone.clone()).strftime("%Y-%m-%dT%H:%M").to_string();
    let order = seeder
        .measures()
        .impose_order(
            &mayor,
            excluded,
            &OrderInput {
                victims: partner.to_string(),
                children: child.to_string(),
                address: "Wiltzanglaan 40, Amsterdam".into(),
                decision_ref: "HV-2026-0117".into(),
                imposed_at,
            },
        )
        .await?;
    clock.set(days_ago(8));
    let order_id = order.id.to_string();
    for (for_person, owner, description) in [
        (excluded, "reclassering", "Intake agressieregulatie"),
        (partner, "slachtofferhulp", "Steun en veiligheidsplan"),
        (child, "jeugdzorg", "Gesprek jeugdteam met Mees"),
    ] {
        let action = OrderAction::AddHelp {
            order: order_id.clone(),
            for_person: for_person.to_string(),
            owner: cast.actor(owner).agency_id.to_string(),
            description: description.into(),
        };
        seeder.measures().change_order(&mayor, excluded, &action).await?;
    }
    // Victim support spoke with Sandra about her part in the safety plan.
    let voice = OrderAction::VictimVoice {
        order: order_id.clone(),
        victim: partner.to_string(),
        wishes: "Slot vervangen en een alarmknop; Mees blijft op zijn eigen school".into(),
        involvement: "Wil meepraten over het veiligheidsplan, liever geen gesprek samen met Ronald".into(),
        spoken_on: String::new(),
    };
    seeder.measures().change_order(cast.actor("slachtofferhulp"), partner, &voice).await?;
    let file = seeder.measures().of_person(&mayor, excluded, "demo").await?;
    if let Some(proposal) = file.proposals.first() {
        let answer = AnswerInput {
            proposal: proposal.value.id.to_string(),
            outcome: "imposed".into(),
            reason: "Huisverbod HV-2026-0117 opgelegd".into(),
        };
        seeder.measures().answer_proposal(&mayor, excluded, &answer).await?;
    }
    made.exclusion_orders += 1;

    // Two intensive episodes of six weeks, two contacts a week: one on track, one behind.
    for (n, (given, family, contacts)) in [("Patrick", "Wolters", 8), ("Gerrit", "Boon", 2)].into_iter().enumerate() {
        clock.set(days_ago(30));
        let person = seeder.person(given, family, 1988 + n as i16, "Sloterweg 12").await?;
        let case_manager = cast.actor("reclassering").member_id.to_string();
        let input =
            EpisodeInput { case_manager, started_on: String::new(), weeks: "6".into(), contacts_per_week: "2".into() };
        let episode = seeder.measures().start_episode(&manager, person, &input).await?;
        for c in 0..contacts {
            clock.set(days_ago(29 - 3 * c));
            let action = EpisodeAction::Contact {
                episode: episode.id.to_string(),
                on: seeder.measures().today().to_string(),
                kind: ["in_person", "home_visit", "phone"][c as usize % 3].into(),
                note: "Afspraken doorgenomen".into(),
            };
            seeder.measures().change_episode(cast.actor("reclassering"), person, &action).await?;
        }
        made.episodes += 1;
    }

    // An area ban of three months, ending in five days.
    clock.set(days_ago(85));
    let starts_on = seeder.measures().today();
    let ends_on = now.to_zoned(seeder.zone.clone()).date().checked_add(jiff::Span::new().days(5))?;
    let ban = BanInput {
        area: "Centrum, winkelgebied Kalverstraat en Nieuwendijk".into(),
        decision_ref: "GB-2026-0042".into(),
        starts_on: starts_on.to_string(),
        ends_on: ends_on.to_string(),
    };
    let candidates: Vec<PersonId> = area_ban_for.into_iter().chain(people.iter().copied()).collect();
    for person in candidates {
        seeder.with_municipality(person).await?;
        if seeder.measures().impose_ban(cast.actor("gemeente"), person, &ban).await.is_ok() {
            made.area_bans += 1;
            break;
        }
    }
    Ok(made)
}

/// A plan with a goal and a task or two, activated for most members.
async fn seed_plan(seeder: &Seeder<'_>, manager: &Actor, person: PersonId, n: usize) -> anyhow::Result<()> {
    let plans = seeder.plans();
    plans.draft(manager, person).await?;
    let (domain, words) = [
        ("work_and_daytime", "Ik wil een stageplek bij een garage."),
        ("family_and_relationships", "Minder ruzie thuis."),
        ("justice", "Niet meer met de politie in aanraking komen."),
    ][n % 3];
    plans
        .change(
            manager,
            person,
            &PlanAction::AddGoal {
                domain: domain.into(),
                in_own_words: words.into(),
                agreed_by_person: !n.is_multiple_of(4),
            },
        )
        .await?;
    let today = seeder.clock.now().to_zoned(seeder.zone.clone()).date();
    for (k, (owner, description, days)) in [
        // Drafted forty days ago: due from a few days ago to the coming weeks (not weeks overdue).
        ("procesregisseur", "Gesprek met ouders", 36 + n as i64 % 10),
        ("reclassering", "Begeleiding naar dagbesteding", 45 + 10 * (n as i64 % 3)),
    ]
    .into_iter()
    .enumerate()
    {
        if k == 1 && n % 2 == 1 {
            continue;
        }
        let due = today.checked_add(jiff::Span::new().days(days))?;
        let task = PlanAction::AddTask {
            description: description.into(),
            kind: "care".into(),
            owner: seeder.actor(owner).agency_id.to_string(),
            owner_member: String::new(),
            goal: String::new(),
            due: due.to_string(),
            restricted_to: Vec::new(),
        };
        plans.change(manager, person, &task).await?;
    }
    if n % 5 != 4 {
        plans.change(manager, person, &PlanAction::Activate).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::directory::seed_directory;
    use crate::demo::people::seed_people;
    use domain::measures::ExclusionWarning;
    use domain::measures::service::MeasureWarning;

    #[tokio::test]
    async fn the_demo_has_an_order_near_its_end_an_episode_behind_a_group_and_an_area_ban() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::connect(&format!("sqlite:{}", dir.path().join("demo.db").display()), 4).await.unwrap();
        let now: Timestamp = "2026-11-22T09:00:00Z".parse().unwrap();
        let cast = seed_directory(&store, now).await.unwrap();
        let people = seed_people(&store, &cast, now, 12).await.unwrap();
        let made = seed_measures(&store, &cast, &people, now, None).await.unwrap();
        assert_eq!((made.exclusion_orders, made.episodes, made.group_members, made.area_bans), (1, 2, 12, 1));

        let clock = FixedClock::new(now);
        let zone = TimeZone::get("Europe/Amsterdam").unwrap();
        let pack = crate::demo::demo_beyond_pack();
        let measures = Measures { store: &store, clock: &clock, time_zone: &zone, pack: &pack };
        let warnings = measures.agency_warnings(cast.actor("procesregisseur")).await.unwrap();
        assert!(warnings.iter().any(|l| matches!(
            l.warning,
            MeasureWarning::Exclusion { warning: ExclusionWarning::EndsSoon { .. }, .. }
        )));
        let behind = |l: &&domain::measures::service::WarningLine| matches!(&l.warning, MeasureWarning::Episode { flags, .. } if flags.behind_intensity.is_some());
        assert_eq!(warnings.iter().filter(behind).count(), 1, "one episode behind, one on track");
        let groups = measures.groups(cast.actor("procesregisseur")).await.unwrap();
        let group = measures.group(cast.actor("procesregisseur"), &groups[0].value.id.to_string()).await.unwrap();
        assert_eq!((group.members.len(), group.hidden), (12, 0));
        assert!(group.members.iter().all(|m| m.plan.is_some()), "every member has a plan");
        assert_eq!(group.progress.by_class.len(), 3, "core, followers and at risk");
    }
}
