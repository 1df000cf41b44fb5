//! The public value report of one partnership (a Safety House, a ZSM location or the whole
//! deployment) over one period: what was done, how fast, how much on time, what could not be
//! had, and what the money bought — the figures behind "how do we show our public value?".
//!
//! Pure: the caller reads desist's records (already limited to the scope and dated in the
//! deployment's time zone) into [`Work`]; [`figures`] counts them and [`Figures::table`]
//! publishes them after disclosure control, so the page, the CSV and the JSON show the same.

use crate::date::Day;
use crate::table::{Cell, Table};

/// A plan counts as on time when activated within this many days of being drafted (the
/// Safety House's four weeks from the case conference to an agreed plan).
pub const PLAN_WITHIN_DAYS: i32 = 28;

/// A running plan is due a review every this many days (the weekly review).
pub const REVIEW_EVERY_DAYS: i32 = 7;

/// The period, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: Day,
    pub to: Day,
}

impl Period {
    pub fn contains(self, day: Day) -> bool {
        (self.from..=self.to).contains(&day)
    }
}

/// A ZSM case decided in the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseFacts {
    /// The suspect (any stable key, e.g. a UUID as a number).
    pub person: u128,
    /// Minutes from arrest to the first decision.
    pub decision_minutes: i64,
    pub arrest_day: Day,
}

/// A task of a plan: when it was due and when (if) it was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskFacts {
    pub due: Day,
    pub done_on: Option<Day>,
}

/// A plan of the scope.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PlanFacts {
    pub drafted: Day,
    pub activated: Option<Day>,
    pub re_evaluation_due: Option<Day>,
    pub re_evaluation_started: Option<Day>,
    pub tasks: Vec<TaskFacts>,
    /// The day each goal was reached: the day its last task was done, for goals with at least
    /// one task and every task done (cancelled ones aside).
    pub goals_reached: Vec<Day>,
    /// The days a weekly review of the plan was recorded.
    pub reviews: Vec<Day>,
    /// The plan was due a weekly review for each full week from its activation up to this day
    /// (its re-evaluation's start, its return to the criminal-justice route, or today).
    pub reviews_due_until: Option<Day>,
}

/// Everything the report counts, already limited to the scope.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Work {
    pub cases: Vec<CaseFacts>,
    /// (person, day) help started: a plan task started or done, a referral started, an
    /// intensive episode begun.
    pub help_started: Vec<(u128, Day)>,
    /// (person, day) of each screening beyond the case.
    pub screenings: Vec<(u128, Day)>,
    pub plans: Vec<PlanFacts>,
    /// Days on which a referral was completed (the intervention delivered).
    pub delivered: Vec<Day>,
    /// Days on which an unmet need was recorded.
    pub unmet: Vec<Day>,
    /// (person, day, cents) of posted fund spend; reversals negative.
    pub spend: Vec<(u128, Day, i64)>,
}

/// `part` of `whole`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Share {
    pub part: u64,
    pub whole: u64,
}

/// A spread of durations: median and 90th percentile, over `n`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Spread {
    pub n: u64,
    pub median: f64,
    pub p90: f64,
}

/// How many durations fell in each band (upper bounds exclusive; the last band is open).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Bands {
    pub counts: Vec<u64>,
}

/// Hours from arrest to decision: under 6, 6–9 (the ZSM target), 9–24, 1–3 days, longer.
pub const DECISION_BANDS_HOURS: [i64; 4] = [6, 9, 24, 72];
/// Days from arrest to help: the same day, within a week, a month, three months, later.
pub const HELP_BANDS_DAYS: [i64; 4] = [1, 8, 31, 92];

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Figures {
    pub cases: u64,
    pub plans_activated: u64,
    pub decision_hours: Spread,
    pub decision_bands: Bands,
    /// Cases whose suspect's help started on or after the arrest, and the spread in days.
    pub helped: Share,
    pub help_days: Spread,
    pub help_bands: Bands,
    pub screened: Share,
    pub plans_on_time: Share,
    pub tasks_on_time: Share,
    pub re_evaluations_on_time: Share,
    /// Weeks of a running plan (ending in the period) in which its weekly review was recorded.
    pub weekly_reviews: Share,
    pub delivered: u64,
    pub unmet: u64,
    pub spent_cents: i64,
    /// People whose spend makes up `spent_cents`.
    pub spenders: u64,
    pub goals_reached: u64,
}

fn spread(mut values: Vec<f64>) -> Spread {
    if values.is_empty() {
        return Spread::default();
    }
    values.sort_by(f64::total_cmp);
    let at = |q: f64| {
        // The nearest-rank quantile: no interpolation, so every figure is a value observed.
        let rank = (q * values.len() as f64).ceil().max(1.0) as usize;
        values[rank - 1]
    };
    Spread { n: values.len() as u64, median: at(0.5), p90: at(0.9) }
}

fn bands(values: &[i64], bounds: &[i64]) -> Bands {
    let mut counts = vec![0; bounds.len() + 1];
    for v in values {
        counts[bounds.iter().position(|b| v < b).unwrap_or(bounds.len())] += 1;
    }
    Bands { counts }
}

/// The report's figures for `work` in `period`.
pub fn figures(work: &Work, period: Period) -> Figures {
    let mut f = Figures { cases: work.cases.len() as u64, ..Figures::default() };
    let decision: Vec<i64> = work.cases.iter().map(|c| c.decision_minutes).collect();
    f.decision_hours = spread(decision.iter().map(|m| *m as f64 / 60.0).collect());
    f.decision_bands = bands(&decision.iter().map(|m| m / 60).collect::<Vec<_>>(), &DECISION_BANDS_HOURS);

    let mut help = Vec::new();
    for case in &work.cases {
        let first = work
            .help_started
            .iter()
            .filter(|(p, day)| *p == case.person && *day >= case.arrest_day)
            .map(|(_, day)| *day)
            .min();
        if let Some(day) = first {
            help.push(i64::from(day - case.arrest_day));
        }
        let screened = work.screenings.iter().any(|(p, day)| *p == case.person && *day >= case.arrest_day);
        f.screened.whole += 1;
        f.screened.part += u64::from(screened);
    }
    f.helped = Share { part: help.len() as u64, whole: f.cases };
    f.help_days = spread(help.iter().map(|d| *d as f64).collect());
    f.help_bands = bands(&help, &HELP_BANDS_DAYS);

    for plan in &work.plans {
        if let Some(on) = plan.activated.filter(|on| period.contains(*on)) {
            f.plans_activated += 1;
            f.plans_on_time.whole += 1;
            f.plans_on_time.part += u64::from(on - plan.drafted <= PLAN_WITHIN_DAYS);
        }
        for task in plan.tasks.iter().filter(|t| period.contains(t.due)) {
            f.tasks_on_time.whole += 1;
            f.tasks_on_time.part += u64::from(task.done_on.is_some_and(|d| d <= task.due));
        }
        if let Some(due) = plan.re_evaluation_due.filter(|d| period.contains(*d)) {
            f.re_evaluations_on_time.whole += 1;
            f.re_evaluations_on_time.part += u64::from(plan.re_evaluation_started.is_some_and(|d| d <= due));
        }
        if let (Some(from), Some(until)) = (plan.activated, plan.reviews_due_until) {
            let mut week = from;
            while week + REVIEW_EVERY_DAYS <= until {
                let last = week + REVIEW_EVERY_DAYS - 1;
                if period.contains(last) {
                    f.weekly_reviews.whole += 1;
                    f.weekly_reviews.part += u64::from(plan.reviews.iter().any(|d| (week..=last).contains(d)));
                }
                week += REVIEW_EVERY_DAYS;
            }
        }
        f.goals_reached += plan.goals_reached.iter().filter(|d| period.contains(**d)).count() as u64;
    }
    f.delivered = work.delivered.iter().filter(|d| period.contains(**d)).count() as u64;
    f.unmet = work.unmet.iter().filter(|d| period.contains(**d)).count() as u64;
    let mut spenders = std::collections::BTreeSet::new();
    for (person, day, cents) in &work.spend {
        if period.contains(*day) {
            f.spent_cents += cents;
            spenders.insert(*person);
        }
    }
    f.spenders = spenders.len() as u64;
    f
}

/// The codes of the report's rows, in order (the CSV's `measure` column; pages name them).
pub const MEASURES: [&str; 17] = [
    "zsm_cases_decided",
    "plans_activated",
    "arrest_to_decision_hours_median",
    "arrest_to_decision_hours_p90",
    "help_started_after_arrest",
    "arrest_to_help_days_median",
    "arrest_to_help_days_p90",
    "screened_beyond_the_case",
    "plans_activated_within_28_days",
    "tasks_done_by_due_date",
    "re_evaluations_on_time",
    "interventions_delivered",
    "unmet_needs_recorded",
    "fund_spent_cents",
    "goals_reached",
    "fund_spent_per_goal_reached_cents",
    // Last, so the rows before keep their places in CSVs already shared.
    "weekly_reviews_held",
];

pub const COLUMNS: [&str; 4] = ["measure", "value", "numerator", "denominator"];

/// A count, hidden when it is 1 to `min - 1`.
fn count(n: u64, min: u64) -> Cell {
    if n > 0 && n < min { Cell::Suppressed } else { Cell::Count(n) }
}

/// A spread figure: hidden when it summarises fewer than `min` durations.
fn figure(value: f64, n: u64, min: u64) -> Cell {
    if n == 0 {
        Cell::Missing
    } else if n < min {
        Cell::Suppressed
    } else {
        Cell::Number(value)
    }
}

/// A share with its counts. Its complement (`whole - part`) is as telling as the part, so the
/// share is hidden when either is small: "98 of 100 screened" reveals the 2 who were not.
fn share_row(code: &str, s: Share, min: u64) -> Vec<Cell> {
    let small = |n: u64| n > 0 && n < min;
    let rest = s.whole - s.part;
    if s.whole == 0 {
        return vec![Cell::Text(code.into()), Cell::Missing, Cell::Count(0), Cell::Count(0)];
    }
    if small(s.part) || small(rest) || small(s.whole) {
        return vec![Cell::Text(code.into()), Cell::Suppressed, Cell::Suppressed, count(s.whole, min)];
    }
    vec![Cell::Text(code.into()), Cell::rate(s.part, s.whole), Cell::Count(s.part), Cell::Count(s.whole)]
}

impl Figures {
    /// The figures as one table (rows in [`MEASURES`] order), cells under `min` withheld.
    pub fn table(&self, min: u64) -> Table {
        let mut table = Table::new("Public value", &COLUMNS);
        let row = |code: &str, value: Cell| vec![Cell::Text(code.into()), value, Cell::Missing, Cell::Missing];
        table.push(row(MEASURES[0], count(self.cases, min)));
        table.push(row(MEASURES[1], count(self.plans_activated, min)));
        let d = self.decision_hours;
        table.push(row(MEASURES[2], figure(d.median, d.n, min)));
        table.push(row(MEASURES[3], figure(d.p90, d.n, min)));
        table.push(share_row(MEASURES[4], self.helped, min));
        let h = self.help_days;
        table.push(row(MEASURES[5], figure(h.median, h.n, min)));
        table.push(row(MEASURES[6], figure(h.p90, h.n, min)));
        table.push(share_row(MEASURES[7], self.screened, min));
        table.push(share_row(MEASURES[8], self.plans_on_time, min));
        table.push(share_row(MEASURES[9], self.tasks_on_time, min));
        table.push(share_row(MEASURES[10], self.re_evaluations_on_time, min));
        table.push(row(MEASURES[11], count(self.delivered, min)));
        table.push(row(MEASURES[12], count(self.unmet, min)));
        // Money spent on fewer than `min` people says too much about each of them.
        let spent =
            if self.spenders > 0 && self.spenders < min { Cell::Suppressed } else { Cell::Integer(self.spent_cents) };
        let spent_row = vec![Cell::Text(MEASURES[13].into()), spent.clone(), count(self.spenders, min), Cell::Missing];
        table.push(spent_row);
        table.push(row(MEASURES[14], count(self.goals_reached, min)));
        let per_goal = match (&spent, self.goals_reached) {
            (_, 0) => Cell::Missing,
            (Cell::Integer(cents), goals) if goals >= min => Cell::Integer(cents / goals as i64),
            _ => Cell::Suppressed,
        };
        table.push(row(MEASURES[15], per_goal));
        table.push(share_row(MEASURES[16], self.weekly_reviews, min));
        table
    }

    /// Band counts as a table (one row per band), cells under `min` withheld — and when a
    /// single band is withheld, the next smallest too, so the total (the case count) minus
    /// the others cannot reveal it.
    pub fn bands_table(bands: &Bands, labels: &[String], min: u64) -> Table {
        let mut table = Table::new("Bands", &["band", "cases"]);
        let mut cells: Vec<Cell> = bands.counts.iter().map(|n| count(*n, min)).collect();
        let hidden = cells.iter().filter(|c| **c == Cell::Suppressed).count();
        if hidden == 1 {
            let next = bands
                .counts
                .iter()
                .enumerate()
                .filter(|(i, n)| cells[*i] != Cell::Suppressed && **n > 0)
                .min_by_key(|(_, n)| **n)
                .map(|(i, _)| i);
            if let Some(i) = next {
                cells[i] = Cell::Suppressed;
            }
        }
        for (label, cell) in labels.iter().zip(cells) {
            table.push(vec![Cell::Text(label.clone()), cell]);
        }
        table
    }
}

#[cfg(test)]
#[path = "public_value_tests.rs"]
mod tests;
