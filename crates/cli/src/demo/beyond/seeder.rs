//! The demo's hand on the domain: one member's use cases on a clock that walks through the past,
//! and the names, goals and legal bases the Safety House demo is made of.

use super::due::open_task_offset;
use crate::demo::directory::DemoCast;
use domain::access::{Actor, TeamEntryInput};
use domain::conference::service::Conferences;
use domain::directory::AgencyKind;
use domain::ids::PersonId;
use domain::jurisdiction::BeyondPack;
use domain::people::PersonInput;
use domain::people::service::People;
use domain::plan::service::{PlanAction, Plans};
use domain::screening::service::Screenings;
use domain::screening::{ScoreInput, ScreeningInput};
use domain::{Clock, FixedClock};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use store::Store;

const FAMILY: [&str; 13] = [
    "Kuipers", "Willems", "Hoekstra", "Postma", "Koster", "Prins", "Huisman", "Kramer", "Boukhari", "Aydın", "Tahiri",
    "Veenstra", "Wolters",
];
const GIVEN: [&str; 12] =
    ["Rik", "Ilse", "Stefan", "Naima", "Bas", "Chantal", "Youssef", "Marco", "Esra", "Dennis", "Roos", "Tim"];

/// (domain, goal in the person's own words, agency that owns the task, task)
const GOALS: [(&str, &str, &str, &str); 6] = [
    (
        "finances",
        "Ik wil van mijn schulden af en weer post durven openen",
        "gemeente",
        "Aanmelden bij schuldhulpverlening",
    ),
    ("housing", "Een eigen kamer waar ik rustig kan slapen", "woningcorporatie", "Kamer met begeleiding aanbieden"),
    ("addiction", "Minder drinken, eerst door de week niet meer", "ggz", "Intake verslavingszorg plannen"),
    ("work_and_daytime", "Elke dag iets te doen hebben", "reclassering", "Werktraject bij leerwerkbedrijf regelen"),
    ("mental_health", "Beter slapen en minder piekeren", "ggz", "Gesprek met behandelaar over medicatie"),
    ("family_and_relationships", "Mijn dochter weer zien op zaterdag", "reclassering", "Bemiddeling omgangsregeling"),
];

pub(super) fn zone() -> TimeZone {
    TimeZone::get("Europe/Amsterdam").unwrap_or(TimeZone::UTC)
}

fn day(clock: &FixedClock) -> Date {
    clock.now().to_zoned(zone()).date()
}

pub(super) fn day_of(at: Timestamp) -> Date {
    at.to_zoned(zone()).date()
}

pub(super) fn at_day(date: Date) -> Timestamp {
    date.at(10, 0, 0, 0).to_zoned(zone()).map(|z| z.timestamp()).unwrap_or(Timestamp::UNIX_EPOCH)
}

pub(super) fn days(n: i64) -> SignedDuration {
    SignedDuration::from_hours(24 * n)
}

pub(super) fn statute(agency: &str, statute: &str, reason: &str) -> TeamEntryInput {
    TeamEntryInput {
        agency_id: agency.into(),
        basis_kind: "statutory_task".into(),
        statute: statute.into(),
        reason: reason.into(),
        ..Default::default()
    }
}

fn consent(agency: &str, scope: &str, until: Date) -> TeamEntryInput {
    TeamEntryInput {
        agency_id: agency.into(),
        basis_kind: "consent".into(),
        consent_scope: scope.into(),
        consent_expires_on: until.to_string(),
        reason: "Afspraken in het plan van aanpak".into(),
        ..Default::default()
    }
}

pub(super) struct Seeder<'a> {
    pub(super) store: &'a Store,
    pub(super) cast: &'a DemoCast,
    pub(super) pack: &'a BeyondPack,
    pub(super) clock: FixedClock,
    pub(super) zone: TimeZone,
    pub(super) end: Timestamp,
}

impl<'a> Seeder<'a> {
    /// A seeder whose clock starts at `end` (now) and never passes it.
    pub(super) fn new(store: &'a Store, cast: &'a DemoCast, pack: &'a BeyondPack, end: Timestamp) -> Self {
        Seeder { store, cast, pack, clock: FixedClock::new(end), zone: zone(), end }
    }

    pub(super) fn people(&self) -> People<'_, Store> {
        People { store: self.store, clock: &self.clock, time_zone: &self.zone }
    }

    pub(super) fn plans(&self) -> Plans<'_, Store> {
        Plans { store: self.store, clock: &self.clock, time_zone: &self.zone, pack: self.pack }
    }

    pub(super) fn screenings(&self) -> Screenings<'_, Store> {
        Screenings { store: self.store, clock: &self.clock, time_zone: &self.zone, config: &self.pack.screening }
    }

    pub(super) fn conferences(&self) -> Conferences<'_, Store> {
        Conferences { store: self.store, clock: &self.clock, time_zone: &self.zone, pack: self.pack }
    }

    pub(super) fn actor(&self, username: &str) -> &Actor {
        self.cast.actor(username)
    }

    pub(super) fn agency(&self, kind: AgencyKind) -> String {
        self.cast.agencies.iter().find(|a| a.kind == kind).map(|a| a.id.to_string()).unwrap_or_default()
    }

    pub(super) fn agency_of(&self, username: &str) -> String {
        self.actor(username).agency_id.to_string()
    }

    pub(super) fn set(&self, at: Timestamp) {
        self.clock.set(at.min(self.end));
    }

    /// A person the Safety House works with: the process manager registers them on its
    /// covenant; probation, police, the municipality and mental health care join the team.
    pub(super) async fn person(&self, input: PersonInput) -> anyhow::Result<PersonId> {
        let manager = self.actor("procesregisseur");
        let basis = statute("", "Convenant Zorg- en Veiligheidshuis", "Complexe casus, meerdere domeinen");
        let person = self.people().create(manager, &input, &basis).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        let until = day(&self.clock).checked_add(jiff::Span::new().days(500)).unwrap_or(day(&self.clock));
        let joining = [
            statute(&self.agency_of("reclassering"), "Reclasseringsregeling 1995, art. 9", "Toezicht en begeleiding"),
            statute(&self.agency_of("politie"), "Politiewet 2012, art. 3", "Veelpleger in de wijk"),
            consent(&self.agency_of("gemeente"), "schuldhulpverlening en wonen", until),
            consent(&self.agency_of("ggz"), "behandeling", until),
            consent(&self.agency(AgencyKind::Provider), "woonbegeleiding", until),
            consent(&self.agency_of("woningcorporatie"), "huisvesting", until),
        ];
        for basis in joining {
            self.people().add_to_team(manager, person.id, &basis).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        }
        Ok(person.id)
    }

    /// A screening by probation: every required domain scored, `shift` higher for a later one.
    pub(super) async fn screen(&self, person: PersonId, base: &[u8], shift: u8, note: &str) -> anyhow::Result<()> {
        let entries = self
            .pack
            .screening
            .domains
            .iter()
            .zip(base.iter().cycle())
            .filter(|(domain, _)| domain.required)
            .map(|(domain, score)| ScoreInput {
                domain: domain.key.as_str().to_owned(),
                score: (score + shift).min(5).to_string(),
                note: if *score <= 2 { note.to_owned() } else { String::new() },
                source: "Gesprek met betrokkene; navraag bij partners".into(),
            })
            .collect();
        let input = ScreeningInput { screened_on: day(&self.clock).to_string(), entries };
        self.screenings()
            .record(self.actor("reclassering"), person, &input)
            .await
            .map_err(|e| anyhow::anyhow!("screening: {e}"))?;
        Ok(())
    }

    pub(super) async fn change(&self, username: &str, person: PersonId, action: PlanAction) -> anyhow::Result<()> {
        self.plans()
            .change(self.actor(username), person, &action)
            .await
            .map(|_| ())
            .map_err(|e| anyhow::anyhow!("plan {action:?}: {e}"))
    }

    /// Drafts a plan with goals in the person's words and one task per goal for its agency,
    /// the `k`th task due `due_in + 7k` days after the plan is drafted (history: work long done).
    pub(super) async fn plan(&self, person: PersonId, goals: &[usize], due_in: i64) -> anyhow::Result<()> {
        let drafted = day(&self.clock);
        self.plan_due(person, goals, |k| drafted.checked_add(jiff::Span::new().days(due_in + 7 * k)).unwrap_or(drafted))
            .await
    }

    /// Drafts a plan whose tasks are still open today: due dates are placed relative to the
    /// demo's start, not to when the plan was drafted (a plan from a year ago would otherwise
    /// put tasks 400 days overdue on the agencies' lists). About one task in seven, spread over
    /// the agencies, is a few days overdue; the rest come up over the next weeks. Never before the plan started.
    pub(super) async fn plan_open(&self, person: PersonId, goals: &[usize], n: usize) -> anyhow::Result<()> {
        let today = day_of(self.end);
        let drafted = day(&self.clock);
        let due = |k: i64| {
            let offset = open_task_offset(n as i64, k);
            today.checked_add(jiff::Span::new().days(offset)).unwrap_or(today).max(drafted)
        };
        self.plan_due(person, goals, due).await
    }

    pub(super) async fn plan_due(
        &self,
        person: PersonId,
        goals: &[usize],
        due: impl Fn(i64) -> Date,
    ) -> anyhow::Result<()> {
        let manager = "procesregisseur";
        self.plans().draft(self.actor(manager), person).await.map_err(|e| anyhow::anyhow!("draft: {e}"))?;
        for (n, goal) in goals.iter().enumerate() {
            let (domain, words, owner, task) = GOALS[*goal];
            self.change(
                manager,
                person,
                PlanAction::AddGoal { domain: domain.into(), in_own_words: words.into(), agreed_by_person: n != 2 },
            )
            .await?;
            let plan = self.plans().view(self.actor(manager), person, "demo").await;
            let goal_id = plan
                .ok()
                .and_then(|f| f.plan)
                .and_then(|p| p.plan.goals.last().map(|g| g.id.0.to_string()))
                .unwrap_or_default();
            let due = due(n as i64);
            self.change(
                manager,
                person,
                PlanAction::AddTask {
                    description: task.into(),
                    kind: if owner == "politie" { "enforcement" } else { "care" }.into(),
                    owner: self.agency_of(owner),
                    owner_member: String::new(),
                    goal: goal_id,
                    due: due.to_string(),
                    restricted_to: Vec::new(),
                },
            )
            .await?;
        }
        Ok(())
    }

    /// The process manager's weekly reviews of a plan activated at `activated`, on its weekly
    /// grid (a fixed weekday per plan), those falling in `from..until` and before now: most on
    /// track, every fourth adjusted, one week in six missed — so "weekly reviews held" in the
    /// public value report counts something true. Called between the plan's other work, so the
    /// history stays in order of time.
    pub(super) async fn weekly_reviews(
        &self,
        person: PersonId,
        n: usize,
        activated: Timestamp,
        from: Timestamp,
        until: Timestamp,
    ) -> anyhow::Result<()> {
        for week in 1..=80usize {
            let at = activated.checked_add(days(7 * week as i64 + (n % 3) as i64)).unwrap_or(self.end);
            if at >= until.min(self.end) {
                break;
            }
            if at < from || (week + n).is_multiple_of(6) {
                continue;
            }
            self.set(at);
            let adjusted = (week + n).is_multiple_of(4);
            let review = PlanAction::RecordReview {
                outcome: if adjusted { "adjusted" } else { "on_track" }.into(),
                note: if adjusted { "Taak verschoven na overleg met de partners".into() } else { String::new() },
            };
            self.change("procesregisseur", person, review).await?;
        }
        Ok(())
    }

    /// The plan's outstanding tasks: one whose referral the provider completed is done already.
    pub(super) async fn tasks(&self, person: PersonId) -> Vec<String> {
        let file = self.plans().view(self.actor("procesregisseur"), person, "demo").await;
        file.ok()
            .and_then(|f| f.plan)
            .map(|p| p.plan.tasks.iter().filter(|t| t.status.is_outstanding()).map(|t| t.id.0.to_string()).collect())
            .unwrap_or_default()
    }

    pub(super) async fn task_status(&self, person: PersonId, task: &str, status: &str) -> anyhow::Result<()> {
        let action = PlanAction::TaskStatus { task: task.into(), status: status.into(), reason: String::new() };
        self.change("procesregisseur", person, action).await
    }

    pub(super) async fn note(&self, username: &str, person: PersonId, text: &str) -> anyhow::Result<()> {
        let note = PlanAction::Note { task: String::new(), text: text.into(), restricted_to: Vec::new() };
        self.change(username, person, note).await
    }

    /// A note only the writer's agency and the Safety House may read (medical detail).
    pub(super) async fn restricted_note(&self, username: &str, person: PersonId, text: &str) -> anyhow::Result<()> {
        let restricted_to = vec![self.agency_of(username), self.agency_of("procesregisseur")];
        self.change(username, person, PlanAction::Note { task: String::new(), text: text.into(), restricted_to }).await
    }
}

pub(super) fn person_input(n: usize, birth_year: i16) -> PersonInput {
    PersonInput {
        family_name: FAMILY[n % FAMILY.len()].into(),
        given_names: GIVEN[(n * 7) % GIVEN.len()].into(),
        birth_date: jiff::civil::date(birth_year, 1 + (n % 12) as i8, 1 + (n % 27) as i8).to_string(),
        sex: if n % 4 == 1 { "F" } else { "M" }.into(),
        address: format!("Wijkstraat {}", 3 + n),
        postcode: format!("10{:02} KX", 20 + n % 70),
        city: "Amsterdam".into(),
        phone: String::new(),
        email: String::new(),
        // A BSN of their own, so that the offence record links them (see `demo::evidence`).
        identifiers: vec![domain::people::IdentifierInput { kind: "bsn".into(), value: bsn_of(n) }],
        languages: "nl".into(),
    }
}

/// The `n`th Safety House person's BSN, the same on every run.
pub(super) fn bsn_of(n: usize) -> String {
    crate::demo::people::bsn_from(0x5AFE_0000 + n as u64)
}
