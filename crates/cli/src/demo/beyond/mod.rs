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
pub use waiting::{screen_past_referrals, seed_triage};
// Plans of two to three years ago with their ZSM case and help, for what works (issue 21).
mod history;
pub use history::{HistoryPlan, HistoryWork, seed_history_plans};
// The seeder the submodules share: use cases on a walking clock, names, goals, legal bases.
mod seeder;
use seeder::{Seeder, at_day, day_of, days, person_input, statute, zone};
// Gerrit Hoekstra and his plan.
mod shoplifter;
use shoplifter::seed_shoplifter;
// The week of case conferences around today.
mod conference_week;
use conference_week::seed_conference_week;

use super::directory::DemoCast;
use domain::Clock;
use domain::ids::PersonId;
use domain::plan::service::PlanAction;
use jiff::Timestamp;
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

/// Seeds the Safety House demo as of `end` (now).
pub async fn seed_beyond(store: &Store, cast: &DemoCast, end: Timestamp) -> anyhow::Result<BeyondDemo> {
    let pack = crate::demo::demo_beyond_pack();
    let seeder = Seeder::new(store, cast, &pack, end);
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
