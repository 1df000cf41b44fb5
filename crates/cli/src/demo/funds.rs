//! The demo's personal funds and mentors (issue 20): two probation stream budgets and a grant
//! pot held by probation, Gerrit Hoekstra's allocation with purchases and an order waiting for
//! a second colleague's approval, allocations for others on probation's caseload; the demo
//! mentor (Henk Bos, lived experience) with mentees — one met at the gate, one without contact
//! for three weeks on the coordinator's list — and the 24-hour helpline roster.

use super::directory::DemoCast;
use domain::FixedClock;
use domain::access::Actor;
use domain::funds::service::{FundInput, Funds, TransferInput};
use domain::ids::{GoalId, PersonId};
use domain::mentoring::ports::MentoringStore;
use domain::mentoring::service::{ContactInput, MatchInput, Mentoring};
use domain::mentoring::{MentorProfile, Shift};
use domain::people::ports::PeopleStore;
use domain::plan::ports::PlanStore;
use domain::plan::service::{PlanAction, Plans};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use store::Store;

fn err(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

fn euros(amount: i64) -> Option<i64> {
    Some(amount * 100)
}

pub struct FundsDemo {
    pub funds: usize,
    pub mentees: usize,
}

struct Ledger<'a> {
    funds: Funds<'a, Store>,
    by: &'a Actor,
    fund: domain::funds::FundId,
}

/// The goal of the person's current plan in one of `domains` (the first domain that has one),
/// which a purchase then names by its id — as the keeper's form chooses it.
async fn plan_goal(store: &Store, person: PersonId, domains: &[&str]) -> anyhow::Result<Option<GoalId>> {
    let Some(stored) = store.current_plan(person).await.map_err(err)? else { return Ok(None) };
    Ok(domains
        .iter()
        .find_map(|d| stored.plan.goals.iter().find(|g| g.domain.0 == *d))
        .or(stored.plan.goals.first())
        .map(|g| g.id))
}

impl Ledger<'_> {
    async fn send(
        &self,
        kind: &str,
        person: PersonId,
        cents: Option<i64>,
        description: &str,
        goal: &str,
        extra: impl FnOnce(&mut TransferInput),
    ) -> anyhow::Result<domain::funds::Transfer> {
        let mut input = TransferInput {
            id: uuid::Uuid::now_v7().to_string(),
            kind: kind.into(),
            person_id: person.to_string(),
            amount_cents: cents,
            description: description.into(),
            goal: goal.into(),
            ..Default::default()
        };
        // A person with a plan: the purchase names the plan's goal (by its id) in the goal's
        // domain; without a plan the goal stays in the words given.
        if kind == "commit"
            && let Some(id) = plan_goal(self.funds.store, person, &goal_domains(goal)).await?
        {
            input.goal_id = id.to_string();
            input.goal = String::new();
        }
        extra(&mut input);
        Ok(self.funds.transfer(self.by, self.fund, &input).await.map_err(err)?.transfer)
    }

    /// An order paid with its invoice.
    async fn bought(
        &self,
        person: PersonId,
        cents: i64,
        paid: i64,
        what: &str,
        goal: &str,
        invoice: &str,
    ) -> anyhow::Result<()> {
        self.bought_choosing(person, (cents, paid), what, goal, invoice, ("", "")).await
    }

    /// An order paid with its invoice, with what the person chose and why (funds4 branch).
    async fn bought_choosing(
        &self,
        person: PersonId,
        (cents, paid): (i64, i64),
        what: &str,
        goal: &str,
        invoice: &str,
        (choice, reason): (&str, &str),
    ) -> anyhow::Result<()> {
        let order = self
            .send("commit", person, Some(cents), what, goal, |i| {
                i.choice = choice.into();
                i.choice_reason = reason.into();
            })
            .await?;
        self.send("post", person, Some(paid), what, goal, |i| {
            i.pending_id = order.id.to_string();
            i.invoice_ref = invoice.into();
        })
        .await?;
        Ok(())
    }
}

/// The life domains a demo goal belongs to, most fitting first.
fn goal_domains(goal: &str) -> Vec<&'static str> {
    let goal = goal.to_lowercase();
    if goal.contains("werk") {
        vec!["work_and_daytime", "finances"]
    } else if goal.contains("fiets") {
        vec!["justice", "work_and_daytime"]
    } else if goal.contains("id-kaart") || goal.contains("uitkering") {
        vec!["household_and_paperwork", "finances", "housing"]
    } else {
        vec!["housing", "work_and_daytime"]
    }
}

/// A goal of Gerrit's own, agreed with him when his fund paid for something towards it (the
/// bike, his ID card, the forklift course): the purchase names it from his plan.
async fn add_goal(
    store: &Store,
    clock: &FixedClock,
    zone: &TimeZone,
    manager: &Actor,
    gerrit: PersonId,
    (domain, words): (&str, &str),
) -> anyhow::Result<()> {
    let pack = super::demo_beyond_pack();
    let plans = Plans { store, clock, time_zone: zone, pack: &pack };
    let action = PlanAction::AddGoal { domain: domain.into(), in_own_words: words.into(), agreed_by_person: true };
    plans.change(manager, gerrit, &action).await.map_err(err)?;
    Ok(())
}

pub async fn seed_funds(
    store: &Store,
    cast: &DemoCast,
    people: &[PersonId],
    gerrit: PersonId,
    now: Timestamp,
) -> anyhow::Result<FundsDemo> {
    let zone = TimeZone::get("Europe/Amsterdam").unwrap_or(TimeZone::UTC);
    let clock = FixedClock::new(now.checked_sub(SignedDuration::from_hours(24 * 30)).unwrap_or(now));
    let officer = cast.actor("reclassering");
    let approver = cast.actor("goedkeurder");
    let year = now.to_zoned(zone.clone()).year();
    let funds = Funds { store, clock: &clock, time_zone: &zone };
    let mut opened = Vec::new();
    for (name, kind, stream, budget, above, limit) in [
        ("Stroom volwassenen", "stream", "volwassenen", 25_000, 250, Some(1_500)),
        ("Stroom jongvolwassenen", "stream", "jongvolwassenen (18–27)", 15_000, 250, Some(1_500)),
        ("Projectenpot samen gemaakt", "grant_pot", "projecten van deelnemers", 5_000, 500, None),
    ] {
        let input = FundInput {
            name: format!("{name} {year}"),
            kind: kind.into(),
            stream: stream.into(),
            period_start: format!("{year}-01-01"),
            period_end: format!("{year}-12-31"),
            budget_cents: euros(budget),
            approval_above_cents: euros(above),
            person_limit_cents: limit.map(|l| l * 100),
        };
        opened.push(funds.open_fund(officer, &input).await.map_err(err)?.id);
    }
    let adults = Ledger { funds: Funds { store, clock: &clock, time_zone: &zone }, by: officer, fund: opened[0] };
    let bike = "Ik wil een eigen fiets, zodat ik niet meer hoef te stelen om bij de opvang te komen";
    let papers = "Ik wil een ID-kaart, dan kan ik me inschrijven en een uitkering aanvragen";
    let work = "Ik wil weer werken, in een magazijn zoals vroeger";
    // The bike and the ID card serve goals of their own, not his shelter goal.
    let manager = cast.actor("procesregisseur");
    add_goal(store, &clock, &zone, manager, gerrit, ("justice", bike)).await?;
    add_goal(store, &clock, &zone, manager, gerrit, ("household_and_paperwork", papers)).await?;
    adults
        .send(
            "allocate",
            gerrit,
            euros(900),
            "Persoonlijk budget bij start toezicht",
            "Mijn leven op orde na de opvang",
            |_| {},
        )
        .await?;
    adults
        .bought_choosing(
            gerrit,
            (18_900, 17_995),
            "Tweedehands fiets met slot (Fietsenmakerij Oost)",
            bike,
            "FO-2026-0412",
            ("Een tweedehands fiets met een goed slot, geen nieuwe", "Dan is er meer over voor mijn ID-kaart"),
        )
        .await?;
    adults.bought(gerrit, 7_510, 7_510, "Leges ID-kaart gemeente Amsterdam", papers, "GA-ID-88213").await?;
    clock.set(now.checked_sub(SignedDuration::from_hours(24 * 2)).unwrap_or(now));
    add_goal(store, &clock, &zone, cast.actor("procesregisseur"), gerrit, ("work_and_daytime", work)).await?;
    // Above the €250 threshold: waits for a second colleague (sign in as goedkeurder).
    adults
        .send("commit", gerrit, euros(395), "Cursus heftruckcertificaat (VCA + heftruck, 3 dagen)", work, |_| {})
        .await?;
    // Others on probation's caseload: allocations and a purchase each.
    let mut others = Vec::new();
    for person in people {
        let team = store.team(*person).await.map_err(err)?;
        if team.iter().any(|e| e.agency_id == officer.agency_id && e.ended_at.is_none()) {
            others.push(*person);
        }
    }
    clock.set(now.checked_sub(SignedDuration::from_hours(24 * 20)).unwrap_or(now));
    let young = Ledger { funds: Funds { store, clock: &clock, time_zone: &zone }, by: officer, fund: opened[1] };
    for (i, person) in others.iter().take(6).enumerate() {
        let ledger = if i.is_multiple_of(2) { &adults } else { &young };
        let amount = 300 + 150 * i as i64;
        ledger
            .send("allocate", *person, euros(amount), "Persoonlijk budget", "Een stabiele plek om te wonen", |_| {})
            .await?;
        ledger
            .bought(
                *person,
                4_500 + 1_000 * i as i64,
                4_500 + 1_000 * i as i64,
                "Nachten opvang (Leger des Heils)",
                "Een stabiele plek om te wonen",
                &format!("LDH-{}", 5_100 + i),
            )
            .await?;
    }
    // Nights of care ordered from the catalogue by the homeless stream (funds4 branch).
    let ordered =
        super::fund_orders::seed_orders(store, &clock, &zone, (officer, approver), gerrit, &others, year).await?;
    // Co-produced projects from the grant pot, a release and a reversal (grants branch).
    super::grants::seed_grants(store, &clock, &zone, (officer, approver), (opened[2], opened[0]), &others).await?;
    let mentees = seed_mentors(store, cast, &others, gerrit, now, &zone).await?;
    let held = seed_provider_fund(store, cast, &others, &clock, &zone, year).await?;
    Ok(FundsDemo { funds: opened.len() + held + ordered, mentees })
}

/// A fund held by a provider (funds3 branch): the Salvation Army's fund for people leaving its
/// shelter, kept by its own worker (sign in as `legerdesheils`), with an allocation, a purchase
/// and an order waiting for its invoice for someone on probation's caseload whose team the
/// Salvation Army joined on their consent. Answers how many funds it opened.
async fn seed_provider_fund(
    store: &Store,
    cast: &DemoCast,
    others: &[PersonId],
    clock: &FixedClock,
    zone: &TimeZone,
    year: i16,
) -> anyhow::Result<usize> {
    let keeper = cast.actor("legerdesheils");
    let funds = Funds { store, clock, time_zone: zone };
    let input = FundInput {
        name: format!("Vrouwenfonds Leger des Heils {year}"),
        kind: "held".into(),
        stream: "vrouwenopvang".into(),
        period_start: format!("{year}-01-01"),
        period_end: format!("{year}-12-31"),
        budget_cents: euros(4_000),
        approval_above_cents: euros(150),
        person_limit_cents: euros(600),
    };
    let fund = funds.open_fund(keeper, &input).await.map_err(err)?.id;
    // Someone probation works with, who is not among the six with a probation budget.
    if let Some(&person) = others.get(6).or(others.last()) {
        let team = store.team(person).await.map_err(err)?;
        if !team.iter().any(|e| e.agency_id == keeper.agency_id && e.ended_at.is_none()) {
            let until = domain::Clock::now(clock)
                .to_zoned(zone.clone())
                .date()
                .checked_add(jiff::Span::new().days(180))
                .map_err(err)?;
            let consent = domain::access::TeamEntryInput {
                agency_id: keeper.agency_id.to_string(),
                basis_kind: "consent".into(),
                consent_scope: "woonbegeleiding".into(),
                consent_expires_on: until.to_string(),
                reason: "Uitstroom uit de opvang naar een eigen woning".into(),
                ..Default::default()
            };
            let people = domain::people::service::People { store, clock, time_zone: zone };
            people.add_to_team(cast.actor("reclassering"), person, &consent).await.map_err(err)?;
        }
        let ledger = Ledger { funds, by: keeper, fund };
        let goal = "Een eigen plek, veilig voor mij en mijn dochter";
        ledger.send("allocate", person, euros(450), "Startbudget bij uitstroom uit de opvang", goal, |_| {}).await?;
        ledger
            .bought(person, 12_900, 12_450, "Beddengoed en keukenspullen (Kringloop Noord)", goal, "KN-2026-0871")
            .await?;
        // An order under the €150 threshold, waiting for its invoice on the fund's page.
        ledger.send("commit", person, euros(120), "Verhuisbus met chauffeur, één dagdeel", goal, |_| {}).await?;
    }
    Ok(1)
}

async fn seed_mentors(
    store: &Store,
    cast: &DemoCast,
    others: &[PersonId],
    gerrit: PersonId,
    now: Timestamp,
    zone: &TimeZone,
) -> anyhow::Result<usize> {
    let coordinator = cast.actor("mentorcoordinator");
    let mentor = cast.actor("mentor");
    let clock = FixedClock::new(now.checked_sub(SignedDuration::from_hours(24 * 21)).unwrap_or(now));
    let mentoring = Mentoring { store, clock: &clock, time_zone: zone };
    let today = now.to_zoned(zone.clone()).date();
    let profile = MentorProfile {
        member: mentor.member_id,
        agency: mentor.agency_id,
        name: mentor.display_name.clone(),
        lived_experience: true,
        vetted_on: today.checked_sub(jiff::Span::new().days(200)).unwrap_or(today),
        vetting_expires: today.checked_add(jiff::Span::new().days(900)).unwrap_or(today),
        training_completed: today.checked_sub(jiff::Span::new().days(150)).ok(),
        languages: vec!["nl".into(), "en".into()],
        area: "Amsterdam".into(),
        availability: "doordeweeks 's avonds, zaterdag".into(),
        capacity: 4,
        gender: "male".into(),
    };
    mentoring.save_profile(coordinator, profile).await.map_err(err)?;
    let officer = cast.actor("reclassering");
    // Three weeks ago: a mentee who has not been seen since (on the coordinator's list).
    let mut matched = 0;
    if let Some(first) = others.first() {
        let input = MatchInput {
            mentor: mentor.member_id.to_string(),
            shared_goals: vec!["Schulden op een rij".into()],
            ..Default::default()
        };
        mentoring.match_person(officer, *first, &input).await.map_err(err)?;
        matched += 1;
    }
    clock.set(now.checked_sub(SignedDuration::from_hours(24 * 9)).unwrap_or(now));
    let release = today.checked_sub(jiff::Span::new().days(9)).unwrap_or(today);
    let input = MatchInput {
        mentor: mentor.member_id.to_string(),
        shared_goals: vec![
            "Ik wil een eigen fiets, zodat ik niet meer hoef te stelen".into(),
            "Ik wil weer werken, in een magazijn zoals vroeger".into(),
        ],
        first_meeting_on: release.to_string(),
        first_meeting_place: "Poort PI Amsterdam Over-Amstel".into(),
        ..Default::default()
    };
    mentoring.match_person(officer, gerrit, &input).await.map_err(err)?;
    matched += 1;
    let contact = ContactInput {
        on: release.to_string(),
        minutes: "90".into(),
        place: "Bij de poort, daarna koffie".into(),
        how_it_went: "Opgehaald bij de poort; samen naar de opvang".into(),
    };
    mentoring.log_contact(mentor, gerrit, &contact).await.map_err(err)?;
    clock.set(now.checked_sub(SignedDuration::from_hours(24 * 3)).unwrap_or(now));
    let contact = ContactInput {
        on: today.checked_sub(jiff::Span::new().days(3)).unwrap_or(today).to_string(),
        minutes: "60".into(),
        place: "Fietsenmakerij Oost".into(),
        how_it_went: "Fiets uitgezocht; trots".into(),
    };
    mentoring.log_contact(mentor, gerrit, &contact).await.map_err(err)?;
    if let Some(third) = others.get(1) {
        let input = MatchInput {
            mentor: mentor.member_id.to_string(),
            shared_goals: vec!["Een vaste dagbesteding".into()],
            ..Default::default()
        };
        mentoring.match_person(officer, *third, &input).await.map_err(err)?;
        matched += 1;
    }
    let hour = SignedDuration::from_hours(1);
    let start = now.checked_sub(hour * 4).unwrap_or(now);
    for (i, who) in [mentor, coordinator, mentor].into_iter().enumerate() {
        let from = start.checked_add(hour * 12 * i as i32).unwrap_or(start);
        let shift = Shift {
            id: domain::ids::new_v7(now),
            agency: who.agency_id,
            member: who.member_id,
            name: who.display_name.clone(),
            starts_at: from,
            ends_at: from.checked_add(hour * 12).unwrap_or(from),
            phone: "0800-0123 456".into(),
        };
        store.add_shift(&shift).await.map_err(err)?;
    }
    Ok(matched)
}
