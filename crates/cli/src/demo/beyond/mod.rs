//! Demo data "beyond the case": a Safety House with about forty shared plans in every state
//! (draft, active with tasks done, running and overdue, under re-evaluation, continued, closed,
//! returned to criminal justice), screenings that show change over time, and a week of case
//! conferences. Among them a man in his fifties who keeps shoplifting alcohol and stealing bikes,
//! whose plan combines an area ban, a health programme and help with housing.
//!
//! Everything goes through the domain's use cases on a clock that walks through the past year,
//! so the demo obeys the same rules and leaves the same audit trail as real use.

mod after_table;
pub use after_table::seed_help_after_the_table;
// Today's work for probation and the Safety House (issue 17): the past screened, triage waiting.
mod waiting;
// When the demo's open tasks fall due, relative to its start.
mod due;
use due::open_task_offset;
pub use waiting::{screen_past_referrals, seed_triage};
// Plans of two to three years ago with their ZSM case and help, for what works (issue 21).
mod history;
pub use history::{HistoryPlan, HistoryWork, seed_history_plans};

use super::directory::DemoCast;
use domain::access::{Actor, TeamEntryInput};
use domain::conference::service::Conferences;
use domain::conference::{MeetingInput, MinutesInput, RequestInput, TriageInput};
use domain::directory::AgencyKind;
use domain::ids::PersonId;
use domain::jurisdiction::BeyondPack;
use domain::people::PersonInput;
use domain::people::service::People;
use domain::plan::service::{PlanAction, Plans};
use domain::screening::service::Screenings;
use domain::screening::{ScoreInput, ScreeningInput};
use domain::{Clock, FixedClock};
use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use store::Store;

pub struct BeyondDemo {
    pub plans: usize,
    pub meetings: usize,
    /// The man in his fifties whose plan has an area ban, health programme and housing help.
    pub shoplifter: PersonId,
}

/// How the 39 generated plans are spread over the plan's states (the shoplifter's is the 40th).
const STATES: [(PlanState, usize); 6] = [
    (PlanState::Draft, 4),
    (PlanState::Active, 23),
    (PlanState::UnderReEvaluation, 4),
    (PlanState::Continued, 3),
    (PlanState::Closed, 3),
    (PlanState::Returned, 2),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PlanState {
    Draft,
    Active,
    UnderReEvaluation,
    Continued,
    Closed,
    Returned,
}

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

fn zone() -> TimeZone {
    TimeZone::get("Europe/Amsterdam").unwrap_or(TimeZone::UTC)
}

fn day(clock: &FixedClock) -> Date {
    clock.now().to_zoned(zone()).date()
}

fn day_of(at: Timestamp) -> Date {
    at.to_zoned(zone()).date()
}

fn at_day(date: Date) -> Timestamp {
    date.at(10, 0, 0, 0).to_zoned(zone()).map(|z| z.timestamp()).unwrap_or(Timestamp::UNIX_EPOCH)
}

fn days(n: i64) -> SignedDuration {
    SignedDuration::from_hours(24 * n)
}

fn statute(agency: &str, statute: &str, reason: &str) -> TeamEntryInput {
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

struct Seeder<'a> {
    store: &'a Store,
    cast: &'a DemoCast,
    pack: &'a BeyondPack,
    clock: FixedClock,
    zone: TimeZone,
    end: Timestamp,
}

impl Seeder<'_> {
    fn people(&self) -> People<'_, Store> {
        People { store: self.store, clock: &self.clock, time_zone: &self.zone }
    }

    fn plans(&self) -> Plans<'_, Store> {
        Plans { store: self.store, clock: &self.clock, time_zone: &self.zone, pack: self.pack }
    }

    fn screenings(&self) -> Screenings<'_, Store> {
        Screenings { store: self.store, clock: &self.clock, time_zone: &self.zone, config: &self.pack.screening }
    }

    fn conferences(&self) -> Conferences<'_, Store> {
        Conferences { store: self.store, clock: &self.clock, time_zone: &self.zone, pack: self.pack }
    }

    fn actor(&self, username: &str) -> &Actor {
        self.cast.actor(username)
    }

    fn agency(&self, kind: AgencyKind) -> String {
        self.cast.agencies.iter().find(|a| a.kind == kind).map(|a| a.id.to_string()).unwrap_or_default()
    }

    fn agency_of(&self, username: &str) -> String {
        self.actor(username).agency_id.to_string()
    }

    fn set(&self, at: Timestamp) {
        self.clock.set(at.min(self.end));
    }

    /// A person the Safety House works with: the process manager registers them on its
    /// covenant; probation, police, the municipality and mental health care join the team.
    async fn person(&self, input: PersonInput) -> anyhow::Result<PersonId> {
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
    async fn screen(&self, person: PersonId, base: &[u8], shift: u8, note: &str) -> anyhow::Result<()> {
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

    async fn change(&self, username: &str, person: PersonId, action: PlanAction) -> anyhow::Result<()> {
        self.plans()
            .change(self.actor(username), person, &action)
            .await
            .map(|_| ())
            .map_err(|e| anyhow::anyhow!("plan {action:?}: {e}"))
    }

    /// Drafts a plan with goals in the person's words and one task per goal for its agency,
    /// the `k`th task due `due_in + 7k` days after the plan is drafted (history: work long done).
    async fn plan(&self, person: PersonId, goals: &[usize], due_in: i64) -> anyhow::Result<()> {
        let drafted = day(&self.clock);
        self.plan_due(person, goals, |k| drafted.checked_add(jiff::Span::new().days(due_in + 7 * k)).unwrap_or(drafted))
            .await
    }

    /// Drafts a plan whose tasks are still open today: due dates are placed relative to the
    /// demo's start, not to when the plan was drafted (a plan from a year ago would otherwise
    /// put tasks 400 days overdue on the agencies' lists). About one task in seven, spread over
    /// the agencies, is a few days overdue; the rest come up over the next weeks. Never before the plan started.
    async fn plan_open(&self, person: PersonId, goals: &[usize], n: usize) -> anyhow::Result<()> {
        let today = day_of(self.end);
        let drafted = day(&self.clock);
        let due = |k: i64| {
            let offset = open_task_offset(n as i64, k);
            today.checked_add(jiff::Span::new().days(offset)).unwrap_or(today).max(drafted)
        };
        self.plan_due(person, goals, due).await
    }

    async fn plan_due(&self, person: PersonId, goals: &[usize], due: impl Fn(i64) -> Date) -> anyhow::Result<()> {
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
    async fn weekly_reviews(
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
    async fn tasks(&self, person: PersonId) -> Vec<String> {
        let file = self.plans().view(self.actor("procesregisseur"), person, "demo").await;
        file.ok()
            .and_then(|f| f.plan)
            .map(|p| p.plan.tasks.iter().filter(|t| t.status.is_outstanding()).map(|t| t.id.0.to_string()).collect())
            .unwrap_or_default()
    }

    async fn task_status(&self, person: PersonId, task: &str, status: &str) -> anyhow::Result<()> {
        let action = PlanAction::TaskStatus { task: task.into(), status: status.into(), reason: String::new() };
        self.change("procesregisseur", person, action).await
    }

    async fn note(&self, username: &str, person: PersonId, text: &str) -> anyhow::Result<()> {
        let note = PlanAction::Note { task: String::new(), text: text.into(), restricted_to: Vec::new() };
        self.change(username, person, note).await
    }

    /// A note only the writer's agency and the Safety House may read (medical detail).
    async fn restricted_note(&self, username: &str, person: PersonId, text: &str) -> anyhow::Result<()> {
        let restricted_to = vec![self.agency_of(username), self.agency_of("procesregisseur")];
        self.change(username, person, PlanAction::Note { task: String::new(), text: text.into(), restricted_to }).await
    }
}

fn person_input(n: usize, birth_year: i16) -> PersonInput {
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
fn bsn_of(n: usize) -> String {
    crate::demo::people::bsn_from(0x5AFE_0000 + n as u64)
}

/// Seeds the Safety House demo as of `end` (now).
pub async fn seed_beyond(store: &Store, cast: &DemoCast, end: Timestamp) -> anyhow::Result<BeyondDemo> {
    let pack = crate::demo::demo_beyond_pack();
    let seeder = Seeder { store, cast, pack: &pack, clock: FixedClock::new(end), zone: zone(), end };
    let start = end.checked_sub(days(420)).unwrap_or(end);
    let mut plans = 0;
    let mut n = 0;
    for (state, count) in STATES {
        for _ in 0..count {
            n += 1;
            // Older plans for the states a plan reaches after a year.
            let age = match state {
                PlanState::UnderReEvaluation | PlanState::Continued => 380 + 3 * n as i64,
                PlanState::Closed | PlanState::Returned => 300 + 5 * n as i64,
                PlanState::Draft => 3 + n as i64 % 5,
                PlanState::Active => 20 + (n as i64 * 11) % 300,
            };
            seeder.set(end.checked_sub(days(age)).unwrap_or(start));
            let person = seeder.person(person_input(n, 1965 + (n * 3 % 40) as i16)).await?;
            seeder.screen(person, &[2, 3, 1, 4, 2, 3], 0, "Zorgen; zie plan").await?;
            let goals = [n % 6, (n + 2) % 6, (n + 4) % 6];
            seeder.plan_open(person, &goals[..2 + n % 2], n).await?;
            plans += 1;
            if state == PlanState::Draft {
                continue;
            }
            seeder.change("procesregisseur", person, PlanAction::Activate).await?;
            let activated = seeder.clock.now();
            let after = |d: i64| activated.checked_add(days(d)).unwrap_or(end);
            let tasks = seeder.tasks(person).await;
            // Work on the plan over the following weeks; some tasks stay open past their due date.
            seeder.weekly_reviews(person, n, activated, activated, after(10)).await?;
            seeder.set(after(10));
            if let Some(first) = tasks.first() {
                let status = if n % 3 == 0 { "in_progress" } else { "done" };
                seeder.task_status(person, first, status).await?;
            }
            seeder.note("reclassering", person, "Afspraken nagekomen; volgende stap besproken").await?;
            seeder.weekly_reviews(person, n, activated, after(10), after(60)).await?;
            seeder.set(after(60));
            seeder.screen(person, &[2, 3, 1, 4, 2, 3], 1 + (n % 2) as u8, "Verbetering zichtbaar").await?;
            match state {
                PlanState::UnderReEvaluation | PlanState::Continued => {
                    let re_evaluation = end.checked_sub(days(2 + n as i64 % 5)).unwrap_or(end);
                    seeder.weekly_reviews(person, n, activated, after(60), re_evaluation).await?;
                    seeder.set(re_evaluation);
                    seeder.change("procesregisseur", person, PlanAction::StartReEvaluation).await?;
                    if state == PlanState::Continued {
                        let reason = "Woning in zicht; nog drie maanden begeleiding nodig".into();
                        seeder.change("procesregisseur", person, PlanAction::Continue { reason }).await?;
                    }
                }
                PlanState::Closed => {
                    seeder.weekly_reviews(person, n, activated, after(60), after(260)).await?;
                    seeder.set(after(260));
                    seeder.change("procesregisseur", person, PlanAction::StartReEvaluation).await?;
                    let outcome = ["goals_met", "goals_partly_met", "goals_not_met"][n % 3];
                    let close = PlanAction::Close {
                        outcome: outcome.into(),
                        why: "Doelen besproken met betrokkene en partners".into(),
                        open_measures_reason: String::new(),
                    };
                    seeder.change("procesregisseur", person, close).await?;
                }
                PlanState::Returned => {
                    seeder.weekly_reviews(person, n, activated, after(60), after(180)).await?;
                    seeder.set(after(180));
                    let reason = "Nieuwe geweldsdelicten; zorg wordt geweigerd".into();
                    seeder.change("procesregisseur", person, PlanAction::ReturnToCriminalJustice { reason }).await?;
                }
                PlanState::Active => seeder.weekly_reviews(person, n, activated, after(60), end).await?,
                PlanState::Draft => {}
            }
        }
    }
    let shoplifter = seed_shoplifter(&seeder, end).await?;
    plans += 1;
    let meetings = seed_conference_week(&seeder, end).await?;
    Ok(BeyondDemo { plans, meetings, shoplifter })
}

/// Gerrit Hoekstra, 56: alcohol from supermarkets and bikes from the station, again and again.
/// His area ban itself is a measure (`measures.rs`); his plan has the police task that checks it.
async fn seed_shoplifter(seeder: &Seeder<'_>, end: Timestamp) -> anyhow::Result<PersonId> {
    seeder.set(end.checked_sub(days(100)).unwrap_or(end));
    let input = PersonInput {
        family_name: "Hoekstra".into(),
        given_names: "Gerrit".into(),
        birth_date: "1970-03-14".into(),
        sex: "M".into(),
        address: "Geen vaste woon- of verblijfplaats".into(),
        postcode: String::new(),
        city: "Amsterdam".into(),
        phone: String::new(),
        email: String::new(),
        // His BSN links him to the police record extract, where he is a very active prolific
        // offender (`cohorts.rs`).
        identifiers: vec![domain::people::IdentifierInput {
            kind: "bsn".into(),
            value: super::cohorts::SHOPLIFTER_BSN.into(),
        }],
        languages: "nl".into(),
    };
    let person = seeder.person(input).await?;
    seeder.screen(person, &[1, 2, 1, 3, 2, 1], 0, "Dakloos sinds scheiding; drinkt dagelijks; schulden").await?;
    seeder.plan_open(person, &[1, 2], 1).await?;
    seeder
        .change(
            "procesregisseur",
            person,
            PlanAction::AddTask {
                description: "Controle op naleving gebiedsverbod".into(),
                kind: "enforcement".into(),
                owner: seeder.agency_of("politie"),
                owner_member: String::new(),
                goal: String::new(),
                // The next check is due in the coming weeks, relative to the demo's start.
                due: day_of(end).checked_add(jiff::Span::new().days(12)).unwrap_or(day_of(end)).to_string(),
                restricted_to: Vec::new(),
            },
        )
        .await?;
    seeder.change("procesregisseur", person, PlanAction::Activate).await?;
    seeder.set(end.checked_sub(days(40)).unwrap_or(end));
    seeder.note("ggz", person, "Intake alcoholprogramma gehad; start groepsbehandeling maandag").await?;
    seeder
        .restricted_note("ggz", person, "Leverwaarden verhoogd; huisarts ingelicht (alleen GGZ en Veiligheidshuis)")
        .await?;
    seeder.note("gemeente", person, "Aanmelding maatschappelijke opvang; kamer via Leger des Heils in beeld").await?;
    // His housing goal reworded with him, with the reason; the history keeps the first words.
    let file = seeder.plans().view(seeder.actor("procesregisseur"), person, "demo").await;
    let housing = file.ok().and_then(|f| f.plan).and_then(|p| p.plan.goals.first().map(|g| g.id.0.to_string()));
    let revise = PlanAction::ReviseGoal {
        goal: housing.unwrap_or_default(),
        domain: "housing".into(),
        in_own_words: "Eerst een plek in de opvang, daarna een eigen kamer waar ik rustig kan slapen".into(),
        agreed_by_person: true,
        reason: "Samen met Gerrit herschreven: eerst opvang, dan zelfstandig".into(),
    };
    seeder.change("procesregisseur", person, revise).await?;
    Ok(person)
}

/// The Safety House week: a case conference every weekday around today; the days before today
/// are held and closed (their decisions now tasks on the plans), today's and later ones have their agenda.
async fn seed_conference_week(seeder: &Seeder<'_>, end: Timestamp) -> anyhow::Result<usize> {
    let today = end.to_zoned(zone()).date();
    let invited = vec![
        seeder.agency_of("procesregisseur"),
        seeder.agency_of("reclassering"),
        seeder.agency_of("politie"),
        seeder.agency_of("gemeente"),
        seeder.agency_of("ggz"),
    ];
    let mut meetings = 0;
    let mut subject = 100;
    // A week around today: the days before it are held, today and later are still to come.
    for offset in -4..=2i64 {
        let date = today.checked_add(jiff::Span::new().days(offset)).unwrap_or(today);
        if date.weekday() == Weekday::Saturday || date.weekday() == Weekday::Sunday {
            continue;
        }
        // Requests come in the week before; the meeting is planned on its day at the latest.
        seeder.set(at_day(date.checked_sub(jiff::Span::new().days(7)).unwrap_or(date)));
        let mut people = Vec::new();
        for _ in 0..3 {
            subject += 1;
            let person = seeder.person(person_input(subject, 1980 + (subject % 25) as i16)).await?;
            seeder.screen(person, &[1, 2, 2, 1, 3, 2], 0, "Meerdere domeinen tegelijk in de knel").await?;
            let request = RequestInput {
                reason: "Overlast in de wijk, schulden en verslaving; zorg en straf lopen langs elkaar".into(),
                goal: "Eén plan met zorg en drang".into(),
                invited: invited.clone(),
            };
            let filed = seeder
                .conferences()
                .request(seeder.actor("reclassering"), person, &request)
                .await
                .map_err(|e| anyhow::anyhow!("conference request: {e}"))?;
            seeder
                .conferences()
                .triage(seeder.actor("procesregisseur"), filed.id, &TriageInput::Accept)
                .await
                .map_err(|e| anyhow::anyhow!("triage: {e}"))?;
            people.push((person, filed.id));
        }
        seeder.set(at_day(date.min(today)).min(end));
        let chair = seeder.actor("procesregisseur");
        let meeting = seeder
            .conferences()
            .plan_meeting(
                chair,
                &MeetingInput {
                    date: date.to_string(),
                    location: "ZVH Amsterdam, zaal 2".into(),
                    invited: invited.clone(),
                },
            )
            .await
            .map_err(|e| anyhow::anyhow!("meeting: {e}"))?;
        meetings += 1;
        for (_, request) in &people {
            seeder
                .conferences()
                .add_to_agenda(chair, meeting.id, *request)
                .await
                .map_err(|e| anyhow::anyhow!("agenda: {e}"))?;
        }
        if date >= today {
            continue;
        }
        let present: Vec<String> = ["procesregisseur", "reclassering", "politie", "gemeente"]
            .iter()
            .map(|u| seeder.actor(u).member_id.to_string())
            .collect();
        seeder
            .conferences()
            .record_attendance(chair, meeting.id, &present)
            .await
            .map_err(|e| anyhow::anyhow!("attendance: {e}"))?;
        for (k, (person, _)) in people.iter().enumerate() {
            let minutes = MinutesInput {
                analysis: "Schulden en drankgebruik houden elkaar in stand; overlast neemt toe".into(),
                strategy: ["both", "care", "enforcement"][k % 3].into(),
                note: String::new(),
                restricted_to: Vec::new(),
                decisions: vec![domain::conference::DecisionInput {
                    description: "Huisbezoek samen met wijkagent".into(),
                    kind: "care".into(),
                    owner: seeder.agency_of("reclassering"),
                    due: date.checked_add(jiff::Span::new().days(14)).unwrap_or(date).to_string(),
                }],
            };
            seeder
                .conferences()
                .record_minutes(chair, meeting.id, *person, &minutes)
                .await
                .map_err(|e| anyhow::anyhow!("minutes: {e}"))?;
        }
        seeder.conferences().close(chair, meeting.id).await.map_err(|e| anyhow::anyhow!("close: {e}"))?;
    }
    Ok(meetings)
}
