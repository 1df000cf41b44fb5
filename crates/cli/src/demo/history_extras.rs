//! More of the demo's history for what works (views4): mentor matches and the mayor's and
//! the Safety House's measures, two to three years ago, so the "mentor programme" and
//! "measure" groupings have groups large enough to publish after disclosure control.
//!
//! Every other history person got a mentor a month into their plan — mentoring or Life
//! Change — from one of three history mentors of the mentoring agency; the coordinator ended
//! each match four to six months later with a reason (goals reached, the period completed,
//! no contact, the person withdrew). One in four had an intensive episode of six weeks, closed
//! when it ran out; one in four an exclusion order (a huisverbod of ten days, their partner the
//! victim). All through the use cases, so authorised, audited and in the outbox.

use super::directory::DemoCast;
use domain::access::{Actor, Role, TeamEntryInput};
use domain::directory::{DirectoryStore, Member};
use domain::ids::{MemberId, PersonId};
use domain::measures::service::Measures;
use domain::measures::{EpisodeAction, EpisodeInput, OrderInput};
use domain::mentoring::MentorProfile;
use domain::mentoring::service::ending::EndInput;
use domain::mentoring::service::{MatchInput, Mentoring};
use domain::people::PersonInput;
use domain::people::service::People;
use domain::{Clock, FixedClock};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use store::Store;

/// (username, name, lived experience) of the history's mentors.
const HISTORY_MENTORS: [(&str, &str, bool); 3] = [
    ("maatje.karim", "Karim Ouali", true),
    ("maatje.wilma", "Wilma Jansen", false),
    ("maatje.ricardo", "Ricardo Lopes", true),
];

const END_REASONS: [&str; 4] = ["goals_reached", "period_completed", "no_contact", "person_withdrew"];

pub(super) struct HistoryExtras<'a> {
    store: &'a Store,
    cast: &'a DemoCast,
    mentors: Vec<MemberId>,
    zone: TimeZone,
    pack: domain::jurisdiction::BeyondPack,
    pub mentor_matches: usize,
    pub episodes: usize,
    pub exclusion_orders: usize,
}

fn err(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("history extras: {e}")
}

impl<'a> HistoryExtras<'a> {
    /// The history's mentors, vetted since four years ago, with room for a dozen mentees each.
    pub async fn new(store: &'a Store, cast: &'a DemoCast, now: Timestamp) -> anyhow::Result<Self> {
        let zone = TimeZone::get("Europe/Amsterdam").unwrap_or(TimeZone::UTC);
        let coordinator = cast.actor("mentorcoordinator");
        let hash = web::hash_password(super::DEMO_PASSWORD.into()).await.map_err(err)?;
        let today = now.to_zoned(zone.clone()).date();
        let days = |n: i64| jiff::Span::new().days(n);
        let clock = FixedClock::new(now);
        let mentoring = Mentoring { store, clock: &clock, time_zone: &zone };
        let mut mentors = Vec::new();
        for (k, (username, name, lived)) in HISTORY_MENTORS.into_iter().enumerate() {
            let member = Member {
                id: MemberId::new(now),
                agency_id: coordinator.agency_id,
                username: username.into(),
                display_name: name.into(),
                roles: vec![Role::Mentor],
                disabled: false,
            };
            store.create_member(&member, &hash, now).await?;
            let profile = MentorProfile {
                member: member.id,
                agency: coordinator.agency_id,
                name: name.into(),
                lived_experience: lived,
                vetted_on: today.checked_sub(days(1460)).unwrap_or(today),
                vetting_expires: today.checked_add(days(300)).unwrap_or(today),
                training_completed: today.checked_sub(days(1400)).ok(),
                languages: vec!["nl".into()],
                area: "Amsterdam".into(),
                availability: ["doordeweeks overdag", "'s avonds", "weekend"][k].into(),
                capacity: 12,
                gender: if k == 1 { "female" } else { "male" }.into(),
            };
            mentoring.save_profile(coordinator, profile).await.map_err(err)?;
            mentors.push(member.id);
        }
        let pack = super::demo_beyond_pack();
        Ok(Self { store, cast, mentors, zone, pack, mentor_matches: 0, episodes: 0, exclusion_orders: 0 })
    }

    fn mentoring<'c>(&'c self, clock: &'c FixedClock) -> Mentoring<'c, Store> {
        Mentoring { store: self.store, clock, time_zone: &self.zone }
    }

    fn measures<'c>(&'c self, clock: &'c FixedClock) -> Measures<'c, Store> {
        Measures { store: self.store, clock, time_zone: &self.zone, pack: &self.pack }
    }

    fn people<'c>(&'c self, clock: &'c FixedClock) -> People<'c, Store> {
        People { store: self.store, clock, time_zone: &self.zone }
    }

    /// The `k`th history person's mentor and measure, around their plan `activated`.
    pub async fn around_plan(&mut self, person: PersonId, k: usize, activated: Timestamp) -> anyhow::Result<()> {
        let day = |d: i64| activated.checked_add(SignedDuration::from_hours(24 * d)).unwrap_or(activated);
        if k.is_multiple_of(2) {
            self.mentor(person, k, &day).await?;
        }
        match k % 4 {
            1 => self.episode(person, &day).await?,
            3 => self.exclusion_order(person, k, &day).await?,
            _ => {}
        }
        Ok(())
    }

    async fn mentor(&mut self, person: PersonId, k: usize, day: &impl Fn(i64) -> Timestamp) -> anyhow::Result<()> {
        let clock = FixedClock::new(day(30));
        let input = MatchInput {
            mentor: self.mentors[(k / 2) % self.mentors.len()].to_string(),
            // Alternately mentoring and the Life Change programme.
            programme: if k.is_multiple_of(4) { "mentoring" } else { "life_change" }.into(),
            shared_goals: vec!["Een vaste dagbesteding".into()],
            ..Default::default()
        };
        let matched =
            self.mentoring(&clock).match_person(self.cast.actor("reclassering"), person, &input).await.map_err(err)?;
        clock.set(day(150 + 10 * (k % 6) as i64));
        let end = EndInput { reason: END_REASONS[(k / 2) % END_REASONS.len()].into(), ended_on: String::new() };
        self.mentoring(&clock).end_match(self.cast.actor("mentorcoordinator"), matched.id, &end).await.map_err(err)?;
        self.mentor_matches += 1;
        Ok(())
    }

    async fn episode(&mut self, person: PersonId, day: &impl Fn(i64) -> Timestamp) -> anyhow::Result<()> {
        let clock = FixedClock::new(day(7));
        let manager = self.cast.actor("procesregisseur");
        let input = EpisodeInput {
            case_manager: self.cast.actor("reclassering").member_id.to_string(),
            started_on: String::new(),
            weeks: "6".into(),
            contacts_per_week: "2".into(),
        };
        let episode = self.measures(&clock).start_episode(manager, person, &input).await.map_err(err)?;
        clock.set(day(7 + 42));
        let close = EpisodeAction::Close { episode: episode.id.to_string(), reason: "Zes weken afgerond".into() };
        self.measures(&clock).change_episode(manager, person, &close).await.map_err(err)?;
        self.episodes += 1;
        Ok(())
    }

    async fn exclusion_order(
        &mut self,
        person: PersonId,
        k: usize,
        day: &impl Fn(i64) -> Timestamp,
    ) -> anyhow::Result<()> {
        let clock = FixedClock::new(day(3));
        let mayor: &Actor = self.cast.actor("gemeente");
        // The mayor's office comes onto the team on the statute of the huisverbod.
        let basis = TeamEntryInput {
            agency_id: mayor.agency_id.to_string(),
            basis_kind: "statutory_task".into(),
            statute: "Wet tijdelijk huisverbod, art. 2; Gemeentewet art. 172a".into(),
            reason: "Maatregelen van de burgemeester".into(),
            ..Default::default()
        };
        let _ = self.people(&clock).add_to_team(self.cast.actor("procesregisseur"), person, &basis).await;
        let partner = PersonInput {
            family_name: format!("Partner {}", 500 + k),
            given_names: "Anna".into(),
            birth_date: "1985-03-02".into(),
            sex: "F".into(),
            address: format!("Postjesweg {}", 2 + k),
            postcode: "1057 DX".into(),
            city: "Amsterdam".into(),
            ..Default::default()
        };
        let victim_basis = TeamEntryInput {
            basis_kind: "statutory_task".into(),
            statute: "Wet tijdelijk huisverbod, art. 2".into(),
            reason: "Slachtoffer bij huisverbod".into(),
            ..Default::default()
        };
        let victim = self.people(&clock).create(mayor, &partner, &victim_basis).await.map_err(err)?;
        let imposed_at = clock.now().to_zoned(self.zone.clone()).strftime("%Y-%m-%dT%H:%M").to_string();
        let order = OrderInput {
            victims: victim.id.to_string(),
            children: String::new(),
            address: format!("Postjesweg {}, Amsterdam", 2 + k),
            decision_ref: format!("HV-HIST-{:04}", k),
            imposed_at,
        };
        self.measures(&clock).impose_order(mayor, person, &order).await.map_err(err)?;
        self.exclusion_orders += 1;
        Ok(())
    }
}
