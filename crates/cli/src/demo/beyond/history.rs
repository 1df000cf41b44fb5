//! The Safety House's history for what works: plans of two to three years ago, each after a
//! ZSM case and with the help it started, re-evaluated and closed a year on.

use super::{Seeder, days, person_input};
use crate::demo::directory::DemoCast;
use domain::Clock;
use domain::ids::PersonId;
use domain::plan::service::PlanAction;
use jiff::Timestamp;
use store::Store;

/// A plan of the demo's history, for what works.
pub struct HistoryPlan {
    pub bsn: String,
    pub birth_date: String,
    pub sex: String,
    pub activated: Timestamp,
}

/// The rest of a history person's year, done by the caller's own use cases: what brought them
/// in before their plan (a ZSM case), and the help their plan started (referrals, a fund).
pub trait HistoryWork {
    /// At `at`, the person (`k`th of the history) is known; their plan starts 35 days later.
    async fn before_plan(&mut self, person: PersonId, k: usize, at: Timestamp) -> anyhow::Result<()>;
    /// The plan was activated at `activated`; it is re-evaluated and closed a year on. Answers
    /// whether the help it started (its last task) was completed within 120 days.
    async fn on_plan(&mut self, person: PersonId, k: usize, activated: Timestamp) -> anyhow::Result<bool>;
}

/// Plans the Safety House activated two to three years ago for persons with a BSN, each after
/// a ZSM case and with the help it started (`work`), so that what works follows them up for a
/// full year (and the months outcomes take).
pub async fn seed_history_plans(
    store: &Store,
    cast: &DemoCast,
    end: Timestamp,
    count: usize,
    bsn: &mut impl FnMut() -> String,
    work: &mut impl HistoryWork,
) -> anyhow::Result<Vec<HistoryPlan>> {
    let pack = crate::demo::demo_beyond_pack();
    let seeder = Seeder::new(store, cast, &pack, end);
    let mut plans = Vec::with_capacity(count);
    for k in 0..count {
        let n = 500 + k;
        let activation = end.checked_sub(days(760 + (k as i64 * 360 / count as i64))).unwrap_or(end);
        let known = activation.checked_sub(days(35)).unwrap_or(activation);
        seeder.set(known);
        let mut input = person_input(n, 1975 + (k * 7 % 30) as i16);
        let value = bsn();
        input.identifiers = vec![domain::people::IdentifierInput { kind: "bsn".into(), value: value.clone() }];
        let (birth_date, sex) = (input.birth_date.clone(), input.sex.clone());
        let person = seeder.person(input).await?;
        work.before_plan(person, k, known).await?;
        seeder.set(activation);
        seeder.plan(person, &[n % 6, (n + 3) % 6], 21).await?;
        seeder.change("procesregisseur", person, PlanAction::Activate).await?;
        let activated = seeder.clock.now();
        let completed = work.on_plan(person, k, activated).await?;
        // Four months on, the tasks are done — the help's task cancelled when it ended early —
        // so the plan's history reads as finished work, not as tasks overdue for years.
        seeder.set(activated.checked_add(days(120)).unwrap_or(end));
        let tasks = seeder.tasks(person).await;
        for (i, task) in tasks.iter().enumerate() {
            let cancel = !completed && i + 1 == tasks.len();
            let status = PlanAction::TaskStatus {
                task: task.clone(),
                status: if cancel { "cancelled" } else { "done" }.into(),
                reason: if cancel { "Verwijzing voortijdig beëindigd".into() } else { String::new() },
            };
            seeder.change("procesregisseur", person, status).await?;
        }
        // A year on the plan was re-evaluated and closed: history, not today's caseload (an
        // open plan from years ago would fill the weekly review with overdue tasks).
        seeder.set(activated.checked_add(days(365)).unwrap_or(end));
        seeder.change("procesregisseur", person, PlanAction::StartReEvaluation).await?;
        let plan = HistoryPlan { bsn: value, birth_date, sex, activated };
        if k + 1 == count {
            // The last stays under re-evaluation: its page shows the person's outcomes since.
            plans.push(plan);
            continue;
        }
        let outcome = ["goals_met", "goals_partly_met", "goals_not_met"][k % 3];
        let why = "Doelen besproken met betrokkene en partners".into();
        let close = PlanAction::Close { outcome: outcome.into(), why, open_measures_reason: String::new() };
        seeder.change("procesregisseur", person, close).await?;
        plans.push(plan);
    }
    Ok(plans)
}
