use super::*;
use crate::dataset::{DatasetBuilder, Outcome, Sex};
use crate::prng::Rng;
use crate::whatworks::{GroupResult, WorkEvent, what_works, what_works_as_of, with_work_events};

fn day(y: i32, m: u32, d: u32) -> Day {
    days_from_civil(y, m, d)
}

fn month(y: i32, m: u32) -> Month {
    month_of(day(y, m, 1))
}

#[test]
fn as_of_dates_fall_on_month_ends_and_periods_on_whole_months() {
    assert_eq!(grid_as_of(day(2026, 10, 15)), day(2026, 9, 30));
    assert_eq!(grid_as_of(day(2026, 10, 1)), day(2026, 9, 30));
    assert_eq!(grid_as_of(day(2026, 9, 30)), day(2026, 9, 30));
    assert_eq!(grid_as_of(day(2024, 2, 29)), day(2024, 2, 29));
    assert_eq!(grid_as_of(day(2026, 1, 5)), day(2025, 12, 31));
    let period = |from: Day, to: Day| Period { from, to };
    assert_eq!(
        whole_months(period(day(2026, 1, 15), day(2026, 6, 30))),
        Some(period(day(2026, 2, 1), day(2026, 6, 30)))
    );
    assert_eq!(whole_months(period(day(2026, 1, 1), day(2026, 3, 2))), Some(period(day(2026, 1, 1), day(2026, 2, 28))));
    assert_eq!(whole_months(period(day(2026, 1, 2), day(2026, 1, 31))), None);
}

/// The cumulative counts of `parts[0]` up to `month`.
fn total(additions: &Additions, month: Month) -> (u64, u64) {
    additions.range(..=month).fold((0, 0), |(p, r), (_, &(ap, ar))| (p + ap, r + ar))
}

#[test]
fn a_month_that_adds_too_few_is_held_back_until_enough_are_added() {
    let jan = month(2024, 1);
    // January adds 20 (10 reoffend): a release. February adds one person who reoffended: as
    // of February the group stays at January's figures, and as of March and April (12 more,
    // none reoffending: 13 with 1 reoffender is still too few to show). May brings 9 more
    // reoffenders: 22 added, 10 of them reoffending, 12 not — a release.
    let own: Additions = [(jan, (20, 10)), (jan + 1, (1, 1)), (jan + 3, (12, 0)), (jan + 4, (9, 9))].into();
    let released: Vec<Month> = (jan - 1..=jan + 5).map(|m| released_month(std::slice::from_ref(&own), m, 10)).collect();
    assert_eq!(released, [jan - 1, jan, jan, jan, jan, jan + 4, jan + 5]);
    assert_eq!(total(&own, jan + 4), (42, 20));
}

/// Whatever months are asked, the published figures of any two differ by nothing or by a
/// count publishable on its own — over many seeded series of small monthly additions.
#[test]
fn no_two_as_of_dates_differ_by_a_small_count() {
    let mut rng = Rng::new(21);
    for _ in 0..200 {
        let mut own = Additions::new();
        for m in 0..36 {
            if rng.next_f64() < 0.6 {
                let people = 1 + (rng.next_f64() * 6.0) as u64;
                let reoffenders = (0..people).filter(|_| rng.next_f64() < 0.4).count() as u64;
                own.insert(m, (people, reoffenders));
            }
        }
        let published: Vec<(u64, u64)> =
            (0..40).map(|m| total(&own, released_month(std::slice::from_ref(&own), m, 10))).collect();
        for a in &published {
            for b in &published {
                let (people, reoffenders) = (a.0.abs_diff(b.0), a.1.abs_diff(b.1));
                assert!(people == 0 || !too_small(people, reoffenders, 10), "{a:?} and {b:?} in {own:?}");
            }
            assert!(a.0 == 0 || !too_small(a.0, a.1, 10), "{a:?} is itself publishable");
        }
    }
}

/// A scoped view's figures and an enclosing view's move by publishable steps together: the
/// enclosing figures minus the scoped ones, compared across two dates, give nobody away.
#[test]
fn what_an_enclosing_view_holds_beyond_a_scoped_one_is_released_by_the_same_rule() {
    let jan = month(2024, 1);
    let own: Additions = [(jan, (30, 12)), (jan + 1, (20, 10))].into();
    // The partnership adds 3 more in February that the scoped view lacks (2 reoffending).
    let whole: Additions = [(jan, (30, 12)), (jan + 1, (23, 12))].into();
    let parts = with_complements(&own, std::slice::from_ref(&whole));
    assert_eq!(parts[1], [(jan, (0, 0)), (jan + 1, (3, 2))].into());
    assert_eq!(released_month(std::slice::from_ref(&own), jan + 1, 10), jan + 1, "on its own February is a release");
    assert_eq!(released_month(&parts, jan + 1, 10), jan, "beside the partnership's it is not");
}

/// 200 people in the extract's pool; 30 planned in March 2022 (12 reoffend), one more
/// planned on 10 April 2022 who reoffends, and — with `more` — 20 planned in May 2022 (9
/// reoffend). Follow-up 12 months and waiting 6: March's complete on 1 September 2023, the
/// April person on 10 October 2023, May's on 2 November 2023.
fn planned(more: bool) -> (Dataset, Vec<WorkEvent>) {
    let mut rng = Rng::new(5);
    let mut b = DatasetBuilder::new();
    let ids: Vec<String> = (0..300).map(|i| format!("P{i:04}")).collect();
    for (i, id) in ids.iter().enumerate() {
        let sex = if i % 2 == 0 { Sex::F } else { Sex::M };
        b.person(id, day(1985 + (i % 10) as i32, 1 + (i % 12) as u32, 1), sex, "Utrecht").unwrap();
    }
    let mut work = Vec::new();
    let mut plan = |i: usize, on: Day, reoffends: bool, b: &mut DatasetBuilder| {
        if reoffends {
            let at = on + 60;
            b.offence(&format!("{}-r", ids[i]), &ids[i], at, at + 30, Outcome::Conviction, "theft", 3).unwrap();
        }
        work.push((i, on));
    };
    for id in &ids[..200] {
        b.index_event(id, day(2022, 1, 10), "court", "all").unwrap();
        if rng.next_f64() < 0.5 {
            let at = day(2022, 3, 1);
            b.offence(&format!("{id}-r"), id, at, at + 30, Outcome::Conviction, "theft", 3).unwrap();
        }
    }
    for k in 0..30 {
        plan(200 + k, day(2022, 3, 1), k < 12, &mut b);
    }
    plan(230, day(2022, 4, 10), true, &mut b);
    if more {
        for k in 0..20 {
            plan(240 + k, day(2022, 5, 2), k < 9, &mut b);
        }
    }
    let data = b.finish();
    let work = work
        .into_iter()
        .map(|(i, on)| WorkEvent { person: data.find_person(&ids[i]).unwrap(), day: on, group: "plan".into() })
        .collect();
    (data, work)
}

fn published(groups: &[GroupResult]) -> (Option<u64>, Option<u64>, Day) {
    (groups[0].people, groups[0].reoffenders, groups[0].as_of)
}

/// The attack: ask what works as of the day before and the day the April person completes
/// their follow-up, and subtract. Without the rule that gives one person away (and that they
/// reoffended); with it both answers, and the month ends around them, are the same.
#[test]
fn differencing_two_as_of_dates_cannot_recover_one_person() {
    let (data, work) = planned(false);
    let joined = with_work_events(&data, &work);
    let definition = |on: Day| Definition::default_as_of(on);
    let naive = |on: Day| published(&what_works(&joined, definition(on), 10));
    let (before, after) = (naive(day(2023, 10, 9)), naive(day(2023, 10, 10)));
    assert_eq!((before.0, after.0), (Some(30), Some(31)), "without the rule: 31 - 30 = the April person");
    assert_eq!((before.1, after.1), (Some(12), Some(13)), "who reoffended");

    let ruled = |on: Day| {
        let d = Definition { as_of: grid_as_of(on), ..definition(on) };
        published(&what_works_as_of(&joined, d, &released_as_of(&joined, &[], d, 10), 10))
    };
    let september = (Some(30), Some(12), day(2023, 9, 30));
    for on in [day(2023, 10, 9), day(2023, 10, 10), day(2023, 10, 31), day(2024, 6, 30)] {
        assert_eq!(ruled(on), september, "as of {}: held back to September", crate::date::format_day(on));
    }
}

/// The normal case: once enough people have been added the group moves on, and the move is
/// publishable on its own.
#[test]
fn a_group_moves_on_when_enough_have_been_added() {
    let (data, work) = planned(true);
    let joined = with_work_events(&data, &work);
    let at = |on: Day| {
        let d = Definition::default_as_of(grid_as_of(on));
        published(&what_works_as_of(&joined, d, &released_as_of(&joined, &[], d, 10), 10))
    };
    assert_eq!(at(day(2023, 9, 30)), (Some(30), Some(12), day(2023, 9, 30)));
    assert_eq!(at(day(2023, 10, 31)), (Some(30), Some(12), day(2023, 9, 30)));
    assert_eq!(at(day(2023, 11, 30)), (Some(51), Some(22), day(2023, 11, 30)), "21 added, 10 of them reoffending");
    let d = Definition::default_as_of(day(2023, 11, 30));
    let results = what_works_as_of(&joined, d, &released_as_of(&joined, &[], d, 10), 10);
    assert!(results[0].comparison.is_some(), "matched as of its release: {:?}", results[0]);
}

/// The public value report's attack: the work that started in March, against the work that
/// started in March and April, gives the April person away; so March to April is withheld
/// until May's work makes what April and May added publishable.
#[test]
fn differencing_two_periods_cannot_recover_one_person() {
    let months = |from: (i32, u32), to: (i32, u32)| Period {
        from: first_day(month(from.0, from.1)),
        to: last_day(month(to.0, to.1)),
    };
    let definition = Definition::default_as_of(day(2024, 6, 30));
    let (data, work) = planned(false);
    let joined = with_work_events(&data, &work);
    let released = |period: Period| released_for_period(&joined, &[], definition, period, 10).contains("plan");
    assert!(released(months((2022, 3), (2022, 3))), "March alone: 30 people");
    assert!(!released(months((2022, 3), (2022, 4))), "March and April: one more than March");
    assert!(!released(months((2022, 4), (2022, 4))), "April alone: one person");
    assert!(released(months((2022, 1), (2022, 3))), "the months before March add nobody");
    let (data, work) = planned(true);
    let joined = with_work_events(&data, &work);
    let released = |period: Period| released_for_period(&joined, &[], definition, period, 10).contains("plan");
    assert!(released(months((2022, 3), (2022, 5))), "April and May add 21, 10 reoffending");
    assert!(!released(months((2022, 3), (2022, 4))));
    assert!(released(months((2022, 4), (2022, 6))), "April to June: the same 21");
}
