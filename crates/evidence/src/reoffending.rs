//! Proven reoffending, exactly as the format document defines it.
//!
//! For an index event on day D with follow-up F and waiting period W (months):
//! - a reoffence is a proven offence with `D < offence_date <= D + F months` and a known
//!   `outcome_date <= D + (F + W) months`;
//! - the event is right-censored when `D + (F + W) months > as_of`; censored events are left
//!   out of people, reoffenders, reoffences and rates and reported as `censored`;
//! - `people` counts index-event rows; `frequency = reoffences / people`.

use serde::Serialize;

use crate::dataset::Dataset;
use crate::date::{Day, NO_DAY, add_months, format_day};
use crate::intern::NONE;
use crate::stats::wilson95;
use crate::table::{Cell, Table};

/// What to group index events by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum GroupBy {
    /// The index event's `group` column.
    Group,
    /// The index event's `kind` column.
    Kind,
    /// The person's `area`.
    Area,
    /// The person's `sex`.
    Sex,
    /// No grouping: only the overall figures.
    None,
}

impl GroupBy {
    pub fn parse(text: &str) -> Option<GroupBy> {
        Some(match text {
            "group" => GroupBy::Group,
            "kind" => GroupBy::Kind,
            "area" => GroupBy::Area,
            "sex" => GroupBy::Sex,
            "none" => GroupBy::None,
            _ => return None,
        })
    }

    /// The label of index event `e` under this grouping ("" for unknown).
    pub fn label(self, data: &Dataset, e: usize) -> &str {
        let person = data.index_events.person[e] as usize;
        match self {
            GroupBy::Group => Dataset::label(&data.groups, data.index_events.group[e]),
            GroupBy::Kind => Dataset::label(&data.kinds, data.index_events.kind[e]),
            GroupBy::Area => Dataset::label(&data.areas, data.persons.area[person]),
            GroupBy::Sex => data.persons.sex[person].as_str(),
            GroupBy::None => "",
        }
    }

    /// An integer key of index event `e` under this grouping (`NONE` for unknown).
    fn key(self, data: &Dataset, e: usize) -> u32 {
        let person = data.index_events.person[e] as usize;
        match self {
            GroupBy::Group => data.index_events.group[e],
            GroupBy::Kind => data.index_events.kind[e],
            GroupBy::Area => data.persons.area[person],
            GroupBy::Sex => data.persons.sex[person] as u32,
            GroupBy::None => 0,
        }
    }
}

/// The definition a report was computed with (printed with every result).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Definition {
    pub as_of: Day,
    pub follow_up_months: i32,
    pub waiting_months: i32,
}

impl Definition {
    /// The format's default: 12 months follow-up, 6 months waiting.
    pub fn default_as_of(as_of: Day) -> Definition {
        Definition { as_of, follow_up_months: 12, waiting_months: 6 }
    }

    pub fn json(&self, by: GroupBy) -> serde_json::Value {
        serde_json::json!({
            "measure": "proven reoffending",
            "as_of": format_day(self.as_of),
            "follow_up_months": self.follow_up_months,
            "waiting_months": self.waiting_months,
            "by": by,
            "proven_outcomes": ["conviction", "caution", "penalty_order", "conditional_dismissal"],
        })
    }
}

/// The windows of one index event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Windows {
    /// Last day of the follow-up: `D + F months`.
    pub follow_up_end: Day,
    /// Last day an outcome may fall on: `D + (F + W) months`.
    pub outcome_limit: Day,
}

/// Computes windows, memoised over a dense day range because index dates repeat a lot and
/// calendar arithmetic is the most expensive step per event.
pub struct WindowTable {
    first: Day,
    windows: Vec<Windows>,
    definition: Definition,
}

impl WindowTable {
    pub fn new(definition: Definition, dates: &[Day]) -> WindowTable {
        let (Some(&min), Some(&max)) = (dates.iter().min(), dates.iter().max()) else {
            return WindowTable { first: 0, windows: Vec::new(), definition };
        };
        let span = (i64::from(max) - i64::from(min) + 1) as usize;
        let windows =
            if span <= 200_000 { (min..=max).map(|d| Self::compute(definition, d)).collect() } else { Vec::new() };
        WindowTable { first: min, windows, definition }
    }

    fn compute(definition: Definition, day: Day) -> Windows {
        Windows {
            follow_up_end: add_months(day, definition.follow_up_months),
            outcome_limit: add_months(day, definition.follow_up_months + definition.waiting_months),
        }
    }

    #[inline]
    pub fn get(&self, day: Day) -> Windows {
        match self.windows.get(day.wrapping_sub(self.first) as usize) {
            Some(w) if day >= self.first => *w,
            _ => Self::compute(self.definition, day),
        }
    }
}

/// What happened after one index event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventResult {
    pub censored: bool,
    /// Proven reoffences counted (0 when censored).
    pub reoffences: u32,
}

/// Counts the reoffences of every index event, in dataset order.
pub fn event_results(data: &Dataset, definition: Definition) -> Vec<EventResult> {
    let windows = WindowTable::new(definition, &data.index_events.index_date);
    (0..data.index_event_count()).map(|e| event_result(data, &windows, definition, e)).collect()
}

/// What happened after index event `e` (`windows` made for `definition`).
pub fn event_result(data: &Dataset, windows: &WindowTable, definition: Definition, e: usize) -> EventResult {
    let events = &data.index_events;
    let o = &data.offences;
    let day = events.index_date[e];
    let w = windows.get(day);
    if w.outcome_limit > definition.as_of {
        return EventResult { censored: true, reoffences: 0 };
    }
    let range = data.offences_of(events.person[e]);
    let dates = &o.offence_date[range.clone()];
    let first_after = range.start + dates.partition_point(|&d| d <= day);
    let mut reoffences = 0;
    for i in first_after..range.end {
        if o.offence_date[i] > w.follow_up_end {
            break;
        }
        let outcome_date = o.outcome_date[i];
        if o.outcome[i].is_proven() && outcome_date != NO_DAY && outcome_date <= w.outcome_limit {
            reoffences += 1;
        }
    }
    EventResult { censored: false, reoffences }
}

/// Counts for one group (or overall).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Measure {
    pub people: u64,
    pub reoffenders: u64,
    pub reoffences: u64,
    pub censored: u64,
}

impl Measure {
    pub fn add(&mut self, result: EventResult) {
        if result.censored {
            self.censored += 1;
        } else {
            self.people += 1;
            self.reoffences += u64::from(result.reoffences);
            self.reoffenders += u64::from(result.reoffences > 0);
        }
    }

    pub fn binary_rate(&self) -> Option<f64> {
        (self.people > 0).then(|| self.reoffenders as f64 / self.people as f64)
    }

    pub fn frequency(&self) -> Option<f64> {
        (self.people > 0).then(|| self.reoffences as f64 / self.people as f64)
    }

    pub fn ci95(&self) -> Option<[f64; 2]> {
        wilson95(self.reoffenders, self.people)
    }

    /// The cells of the output row after the group label.
    fn cells(&self) -> Vec<Cell> {
        let interval = self.ci95().map_or(Cell::Missing, |[low, high]| Cell::Interval {
            low,
            high,
            numerator: self.reoffenders,
            denominator: self.people,
        });
        vec![
            Cell::Count(self.people),
            Cell::Count(self.reoffenders),
            Cell::rate(self.reoffenders, self.people),
            Cell::rate(self.reoffences, self.people),
            Cell::Count(self.censored),
            interval,
        ]
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct GroupMeasure {
    pub group: String,
    pub measure: Measure,
}

/// Reoffending overall and per group (groups sorted by label in code-point order).
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub definition: Definition,
    pub by: GroupBy,
    pub overall: Measure,
    pub groups: Vec<GroupMeasure>,
}

pub const COLUMNS: [&str; 7] = ["group", "people", "reoffenders", "binary_rate", "frequency", "censored", "ci95"];

/// The reoffending measure by `by`.
pub fn reoffending(data: &Dataset, definition: Definition, by: GroupBy) -> Report {
    let results = event_results(data, definition);
    let mut overall = Measure::default();
    // Keys are small integers (interned ids); NONE (unknown) goes in the last slot.
    let mut per_key: Vec<Measure> = Vec::new();
    let mut unknown = Measure::default();
    let mut unknown_seen = false;
    for (e, result) in results.into_iter().enumerate() {
        overall.add(result);
        if by == GroupBy::None {
            continue;
        }
        let key = by.key(data, e);
        if key == NONE {
            unknown.add(result);
            unknown_seen = true;
            continue;
        }
        let key = key as usize;
        if key >= per_key.len() {
            per_key.resize(key + 1, Measure::default());
        }
        per_key[key].add(result);
    }
    let mut groups: Vec<GroupMeasure> = Vec::new();
    if by != GroupBy::None {
        // Find a label for each key through any event that carries it.
        let mut labels: Vec<Option<String>> = vec![None; per_key.len()];
        for e in 0..data.index_event_count() {
            let key = by.key(data, e);
            if key != NONE && labels[key as usize].is_none() {
                labels[key as usize] = Some(by.label(data, e).to_owned());
            }
        }
        groups.extend(
            per_key
                .into_iter()
                .zip(labels)
                .filter_map(|(measure, label)| label.map(|group| GroupMeasure { group, measure })),
        );
        if unknown_seen {
            groups.push(GroupMeasure { group: String::new(), measure: unknown });
        }
        groups.sort_by(|a, b| a.group.cmp(&b.group));
    }
    Report { definition, by, overall, groups }
}

impl Report {
    /// One row per group, then a final row `(all)` with the overall figures.
    pub fn to_table(&self) -> Table {
        let mut table = Table::new(
            format!(
                "Proven reoffending as of {} (follow-up {} months, waiting {} months)",
                format_day(self.definition.as_of),
                self.definition.follow_up_months,
                self.definition.waiting_months
            ),
            &COLUMNS,
        );
        for g in &self.groups {
            let mut row = vec![Cell::Text(g.group.clone())];
            row.extend(g.measure.cells());
            table.push(row);
        }
        let mut row = vec![Cell::Text("(all)".to_owned())];
        row.extend(self.overall.cells());
        table.push(row);
        table
    }

    /// [`Report::to_table`] after disclosure control: cells under `min_cell` hidden, and
    /// enough other cells hidden that no hidden count can be recovered from the total.
    pub fn disclosed_table(&self, min_cell: u64) -> Table {
        let mut table = self.to_table();
        crate::table::suppress_small_cells(&mut table, min_cell);
        let total_row = table.rows.len() - 1;
        // people, reoffenders, censored
        crate::table::suppress_complements(&mut table, total_row, &[1, 2, 5]);
        table
    }

    /// `{"definition": {...}, "overall": {...}, "groups": [...]}` from a (possibly
    /// suppressed) table produced by [`Report::to_table`].
    pub fn json_from_table(&self, table: &Table) -> serde_json::Value {
        let mut rows = table.json_rows();
        let mut overall = rows.pop().unwrap_or_default();
        overall.remove("group");
        serde_json::json!({
            "definition": self.definition.json(self.by),
            "overall": overall,
            "groups": rows,
        })
    }
}
