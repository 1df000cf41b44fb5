use super::*;
use crate::date::days_from_civil;

fn day(m: u32, d: u32) -> Day {
    days_from_civil(2026, m, d)
}

fn period() -> Period {
    Period { from: day(1, 1), to: day(6, 30) }
}

/// Twelve cases decided 1..=12 hours after arrest; the first ten suspects screened and helped
/// `n` days after arrest.
fn work() -> Work {
    let mut w = Work::default();
    for n in 1..=12u128 {
        let arrest = day(3, 1);
        w.cases.push(CaseFacts { person: n, decision_minutes: 60 * n as i64, arrest_day: arrest });
        if n <= 10 {
            w.screenings.push((n, arrest + 1));
            w.help_started.push((n, arrest + n as i32));
        }
        // Help before the arrest does not count.
        w.help_started.push((n, arrest - 5));
    }
    w
}

#[test]
fn durations_shares_and_bands_are_counted_from_the_arrest() {
    let f = figures(&work(), period());
    assert_eq!(f.cases, 12);
    assert_eq!(f.decision_hours.median, 6.0);
    assert_eq!(f.decision_hours.p90, 11.0);
    // under 6 h: 1..=5; 6–9: 6,7,8; 9–24: 9..=12.
    assert_eq!(f.decision_bands.counts, vec![5, 3, 4, 0, 0]);
    assert_eq!(f.helped, Share { part: 10, whole: 12 });
    assert_eq!(f.help_days.median, 5.0);
    assert_eq!(f.screened, Share { part: 10, whole: 12 });
}

#[test]
fn a_share_whose_complement_is_small_is_withheld() {
    let f = figures(&work(), period());
    let table = f.table(10);
    let screened = &table.rows[7];
    assert_eq!(screened[0], Cell::Text("screened_beyond_the_case".into()));
    // 10 of 12: the 2 not screened would show.
    assert_eq!(screened[1], Cell::Suppressed);
    assert_eq!(screened[2], Cell::Suppressed);
    assert_eq!(table.rows[0][1], Cell::Count(12));
    assert_eq!(table.rows[2][1], Cell::Number(6.0));
}

#[test]
fn plans_tasks_re_evaluations_and_money_count_within_the_period() {
    let mut w = Work::default();
    for i in 0..20 {
        w.plans.push(PlanFacts {
            drafted: day(2, 1),
            activated: Some(day(2, 1) + if i < 15 { 20 } else { 40 }),
            re_evaluation_due: Some(day(4, 1)),
            re_evaluation_started: if i < 10 { Some(day(3, 30)) } else { None },
            tasks: vec![
                TaskFacts { due: day(5, 1), done_on: Some(day(5, 1)) },
                TaskFacts { due: day(9, 1), done_on: None },
            ],
            goals_reached: vec![day(5, 1)],
            ..PlanFacts::default()
        });
        w.spend.push((i as u128, day(5, 2), 5_000));
    }
    w.spend.push((99, day(8, 1), 1_000_000));
    w.delivered = vec![day(2, 2); 11];
    w.unmet = vec![day(2, 2), day(12, 1)];
    let f = figures(&w, period());
    assert_eq!(f.plans_activated, 20);
    assert_eq!(f.plans_on_time, Share { part: 15, whole: 20 });
    assert_eq!(f.tasks_on_time, Share { part: 20, whole: 20 });
    assert_eq!(f.re_evaluations_on_time, Share { part: 10, whole: 20 });
    assert_eq!((f.spent_cents, f.spenders, f.goals_reached), (100_000, 20, 20));
    let table = f.table(10);
    assert_eq!(table.rows[15][1], Cell::Integer(5_000));
    assert_eq!(table.rows[11][1], Cell::Count(11));
    assert_eq!(table.rows[12][1], Cell::Suppressed, "one unmet need in the period");
}

#[test]
fn one_withheld_band_takes_the_next_smallest_with_it() {
    let bands = Bands { counts: vec![30, 3, 12, 40, 0] };
    let labels: Vec<String> = (0..5).map(|i| i.to_string()).collect();
    let table = Figures::bands_table(&bands, &labels, 10);
    assert_eq!(table.rows[1][1], Cell::Suppressed);
    assert_eq!(table.rows[2][1], Cell::Suppressed);
    assert_eq!(table.rows[0][1], Cell::Count(30));
    assert_eq!(table.rows[4][1], Cell::Count(0));
}

#[test]
fn weekly_reviews_count_the_full_weeks_a_plan_ran_in_the_period() {
    // Activated on Thursday 4 June; running until 2 July: four full weeks (4–10, 11–17,
    // 18–24, 25 June–1 July). Reviewed in the first, third and fourth (twice in the fourth).
    let from = day(6, 4);
    let plan = |reviews: Vec<Day>| PlanFacts {
        drafted: from - 10,
        activated: Some(from),
        reviews,
        reviews_due_until: Some(day(7, 2)),
        ..PlanFacts::default()
    };
    let reviews = vec![from + 2, from + 15, from + 21, from + 26];
    let w = Work { plans: vec![plan(reviews.clone())], ..Work::default() };
    // The period ends on 30 June: the fourth week ends on 1 July, outside it.
    assert_eq!(figures(&w, period()).weekly_reviews, Share { part: 2, whole: 3 });
    let july = Period { from: day(1, 1), to: day(7, 31) };
    assert_eq!(figures(&w, july).weekly_reviews, Share { part: 3, whole: 4 });
    // A week not yet over (the plan runs on) is not due yet; a plan never activated is not due.
    let running =
        Work { plans: vec![PlanFacts { reviews_due_until: Some(from + 6), ..plan(reviews) }], ..Work::default() };
    assert_eq!(figures(&running, july).weekly_reviews, Share::default());
    let drafted = Work { plans: vec![PlanFacts { activated: None, ..plan(vec![]) }], ..Work::default() };
    assert_eq!(figures(&drafted, july).weekly_reviews, Share::default());
    // Twenty plans, all reviewed every week: published, in the table's last row.
    let every: Vec<Day> = (0..4).map(|k| from + 7 * k).collect();
    let many = Work { plans: vec![plan(every); 20], ..Work::default() };
    let table = figures(&many, july).table(10);
    assert_eq!(table.rows[16][0], Cell::Text("weekly_reviews_held".into()));
    assert_eq!(table.rows[16][2], Cell::Count(80));
}
