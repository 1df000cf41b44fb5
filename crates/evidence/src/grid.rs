//! Disclosure control across dates (issue 21): the same question asked as of two dates, or
//! over two periods, must not give away by subtraction what neither answer publishes. As of
//! 15 March a group counts 40 people, as of 16 March 41: the one person whose follow-up ended
//! that day is given away, with whether they reoffended.
//!
//! The rule, as statistical offices publish: figures are made for fixed points only, and a
//! figure moves between two points by a count that could be published on its own.
//! - **The month grid.** An as-of date is published as of the last month end on or before it
//!   (any day of October answers as of 30 September), and a period as the whole calendar
//!   months inside it. Two answers differ by whole months, never by a day.
//! - **Held back until enough has been added.** A group's figures grow month by month as more
//!   people complete their follow-up. Walking the months from the first, a month end is a
//!   *release* of the group when what was added since the previous release is nothing, or a
//!   count publishable on its own (the minimum cell of people, of those who did not reoffend,
//!   and of reoffenders unless none did — [`crate::whatworks::too_small`]). Asked as of a month
//!   end that is no release, the group's figures are those of its latest release before it,
//!   and say so. Any two releases differ by a sum of publishable additions, which is itself
//!   publishable, so no two answers, nor any combination of them, isolate fewer.
//! - **Periods** (the public value report: the work that started in a period) are cut on the
//!   same walk over the months the work started in: a group is published for a period only
//!   when the month before it and its last month are both releases, so the period holds a sum
//!   of publishable additions and any two periods differ by whole such sums.
//! - A scoped view walks its own additions and, beside them, what each view enclosing it holds
//!   beyond it (see [`crate::views`]): a release needs every part to have added nothing or
//!   enough, so the enclosing figures minus the scoped ones move by publishable steps too.
//!
//! Releases depend only on the months up to them, so they stay where they were as time goes on
//! and new work is recorded; only a correction of the past moves them.

use std::collections::{BTreeMap, BTreeSet};

use crate::dataset::Dataset;
use crate::date::{Day, civil_from_days, days_from_civil, days_in_month};
use crate::public_value::Period;
use crate::reoffending::{Definition, GroupBy, WindowTable, event_result};
use crate::whatworks::{POOL_GROUP, too_small};

/// A calendar month on the grid: `year * 12 + month - 1`.
pub type Month = i32;

/// People and reoffenders added in each month.
pub type Additions = BTreeMap<Month, (u64, u64)>;

pub fn month_of(day: Day) -> Month {
    let (year, month, _) = civil_from_days(day);
    year * 12 + month as i32 - 1
}

fn year_month(month: Month) -> (i32, u32) {
    (month.div_euclid(12), month.rem_euclid(12) as u32 + 1)
}

pub fn first_day(month: Month) -> Day {
    let (year, m) = year_month(month);
    days_from_civil(year, m, 1)
}

pub fn last_day(month: Month) -> Day {
    let (year, m) = year_month(month);
    days_from_civil(year, m, days_in_month(year, m))
}

/// The grid month an as-of date is published as of: its own when the date is its last day,
/// else the month before.
pub fn as_of_month(day: Day) -> Month {
    let month = month_of(day);
    if last_day(month) == day { month } else { month - 1 }
}

/// The last month end on or before `day`.
pub fn grid_as_of(day: Day) -> Day {
    last_day(as_of_month(day))
}

/// The whole calendar months inside `period`, as a period; `None` when it holds none.
pub fn whole_months(period: Period) -> Option<Period> {
    let from = month_of(period.from);
    let from = if first_day(from) == period.from { from } else { from + 1 };
    let to = as_of_month(period.to);
    (from <= to).then(|| Period { from: first_day(from), to: last_day(to) })
}

/// Whether an addition of `people` with `reoffenders` may move a published figure: nothing,
/// or a count publishable on its own.
fn publishable_step((people, reoffenders): (u64, u64), min_cell: u64) -> bool {
    people == 0 || !too_small(people, reoffenders, min_cell)
}

/// The latest release on or before `month` of a series made of `parts` (see the module's rule).
pub fn released_month(parts: &[Additions], month: Month, min_cell: u64) -> Month {
    let months: BTreeSet<Month> = parts.iter().flat_map(|p| p.range(..=month).map(|(m, _)| *m)).collect();
    let mut pending = vec![(0u64, 0u64); parts.len()];
    let mut first_pending: Option<Month> = None;
    for m in months {
        for (sum, part) in pending.iter_mut().zip(parts) {
            if let Some(&(people, reoffenders)) = part.get(&m) {
                sum.0 += people;
                sum.1 += reoffenders;
            }
        }
        if pending.iter().all(|&step| publishable_step(step, min_cell)) {
            pending.fill((0, 0));
            first_pending = None;
        } else if first_pending.is_none() {
            first_pending = Some(m);
        }
    }
    first_pending.map_or(month, |first| first - 1)
}

/// `own` beside what each enclosing view holds beyond it, month by month.
pub fn with_complements(own: &Additions, enclosing: &[Additions]) -> Vec<Additions> {
    let mut parts = vec![own.clone()];
    for view in enclosing {
        let beyond = view
            .iter()
            .map(|(m, &(people, reoffenders))| {
                let (p, r) = own.get(m).copied().unwrap_or_default();
                (*m, (people.saturating_sub(p), reoffenders.saturating_sub(r)))
            })
            .collect();
        parts.push(beyond);
    }
    parts
}

/// Which month each index event is added in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Along {
    /// The month its follow-up and waiting end: from that month's end on, an as-of date counts it.
    Completion,
    /// The month of its index date, counting only the events complete by `as_of`: the
    /// months a period is made of.
    Start { as_of: Day },
}

/// The additions of every work group of `data` (the comparison pool left out), month by month.
pub fn additions(data: &Dataset, definition: Definition, along: Along) -> BTreeMap<String, Additions> {
    let events = &data.index_events;
    let windows = WindowTable::new(definition, &events.index_date);
    // Every event measured as if complete: whether it reoffended does not depend on the date
    // it is counted from, only whether it is counted.
    let complete_by_then = Definition { as_of: Day::MAX, ..definition };
    let mut out: BTreeMap<String, Additions> = BTreeMap::new();
    for e in 0..data.index_event_count() {
        let group = GroupBy::Group.label(data, e);
        if group == POOL_GROUP {
            continue;
        }
        let result = event_result(data, &windows, complete_by_then, e);
        let complete = windows.get(events.index_date[e]).outcome_limit;
        let month = match along {
            Along::Completion => month_of(complete),
            Along::Start { as_of } if complete <= as_of => month_of(events.index_date[e]),
            Along::Start { .. } => continue,
        };
        let added = out.entry(group.to_owned()).or_default().entry(month).or_default();
        added.0 += 1;
        added.1 += u64::from(result.reoffences > 0);
    }
    out
}

/// The day each work group of `data` is published as of when asked as of `definition.as_of`:
/// its latest release on or before that date's grid month, walking its own additions and what
/// each `enclosing` view (the same work grouped over more people) holds beyond it.
pub fn released_as_of(
    data: &Dataset,
    enclosing: &[&Dataset],
    definition: Definition,
    min_cell: u64,
) -> BTreeMap<String, Day> {
    let asked = as_of_month(definition.as_of);
    let views: Vec<BTreeMap<String, Additions>> =
        enclosing.iter().map(|d| additions(d, definition, Along::Completion)).collect();
    additions(data, definition, Along::Completion)
        .into_iter()
        .map(|(group, own)| {
            let theirs: Vec<Additions> = views.iter().map(|v| v.get(&group).cloned().unwrap_or_default()).collect();
            let parts = with_complements(&own, &theirs);
            (group, last_day(released_month(&parts, asked, min_cell)))
        })
        .collect()
}

/// The work groups of `data` (all the work, not only the period's) that may be published for
/// `period` (whole months) as of `as_of`: those whose walk over the months their work started
/// in — their own and what each `enclosing` view holds beyond them — has a release both in
/// the month before the period and in its last month.
pub fn released_for_period(
    data: &Dataset,
    enclosing: &[&Dataset],
    definition: Definition,
    period: Period,
    min_cell: u64,
) -> BTreeSet<String> {
    let along = Along::Start { as_of: definition.as_of };
    let views: Vec<BTreeMap<String, Additions>> = enclosing.iter().map(|d| additions(d, definition, along)).collect();
    let (before, last) = (month_of(period.from) - 1, month_of(period.to));
    additions(data, definition, along)
        .into_iter()
        .filter(|(group, own)| {
            let theirs: Vec<Additions> = views.iter().map(|v| v.get(group).cloned().unwrap_or_default()).collect();
            let parts = with_complements(own, &theirs);
            released_month(&parts, before, min_cell) == before && released_month(&parts, last, min_cell) == last
        })
        .map(|(group, _)| group)
        .collect()
}

#[cfg(test)]
#[path = "grid_tests.rs"]
mod tests;
