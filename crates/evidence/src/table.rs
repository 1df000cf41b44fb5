//! Output tables shared by every measure, with disclosure control.
//!
//! Each measure turns its result into a [`Table`]; the same table is rendered as CSV, plain
//! text, JSON or next to an SVG chart, and [`suppress_small_cells`] applies to all of them.
//! Cells remember the counts a rate was computed from so that suppression can hide a rate
//! whose numerator or denominator is small.

use std::io::Write;

use serde_json::{Map, Value as Json};

/// Cells with fewer than this many people (or events) are suppressed by default.
pub const DEFAULT_MIN_CELL: u64 = 10;

/// How a suppressed cell is shown in CSV and text (the GOV.UK statistics convention).
pub const SUPPRESSED: &str = "[c]";

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Count(u64),
    /// A number derived from counts (a rate, a frequency).
    Rate {
        value: f64,
        numerator: u64,
        denominator: u64,
    },
    /// An interval around a rate, e.g. the Wilson 95% interval.
    Interval {
        low: f64,
        high: f64,
        numerator: u64,
        denominator: u64,
    },
    /// A number not derived from a small count (a p-value, a standardised difference).
    Number(f64),
    /// A whole number that is not a count of people (a day, a year).
    Integer(i64),
    /// Not computable (e.g. a rate over zero people).
    Missing,
    Suppressed,
}

impl Cell {
    /// A rate cell, `Missing` when the denominator is zero.
    pub fn rate(numerator: u64, denominator: u64) -> Cell {
        if denominator == 0 {
            Cell::Missing
        } else {
            Cell::Rate { value: numerator as f64 / denominator as f64, numerator, denominator }
        }
    }

    pub fn text(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Count(c) => c.to_string(),
            Cell::Integer(i) => i.to_string(),
            Cell::Rate { value, .. } | Cell::Number(value) => format_number(*value),
            Cell::Interval { low, high, .. } => {
                format!("{}–{}", format_number(*low), format_number(*high))
            }
            Cell::Missing => String::new(),
            Cell::Suppressed => SUPPRESSED.to_owned(),
        }
    }

    pub fn json(&self) -> Json {
        match self {
            Cell::Text(t) => Json::from(t.as_str()),
            Cell::Count(c) => Json::from(*c),
            Cell::Integer(i) => Json::from(*i),
            Cell::Rate { value, .. } | Cell::Number(value) => finite(*value),
            Cell::Interval { low, high, .. } => Json::Array(vec![finite(*low), finite(*high)]),
            Cell::Missing | Cell::Suppressed => Json::Null,
        }
    }

    /// Whether this cell must be hidden when cells under `min` are suppressed.
    fn is_small(&self, min: u64) -> bool {
        match *self {
            Cell::Count(c) => c < min,
            Cell::Rate { numerator, denominator, .. } | Cell::Interval { numerator, denominator, .. } => {
                numerator < min || denominator < min
            }
            Cell::Text(_) | Cell::Number(_) | Cell::Integer(_) | Cell::Missing | Cell::Suppressed => false,
        }
    }
}

fn finite(value: f64) -> Json {
    serde_json::Number::from_f64(value).map_or(Json::Null, Json::Number)
}

/// Four decimals for reading; CSV and JSON consumers get the same rounding.
fn format_number(value: f64) -> String {
    if value.is_finite() { format!("{value:.4}") } else { String::new() }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    pub title: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    pub fn new(title: impl Into<String>, columns: &[&str]) -> Table {
        Table { title: title.into(), columns: columns.iter().map(|c| (*c).to_owned()).collect(), rows: Vec::new() }
    }

    pub fn push(&mut self, row: Vec<Cell>) {
        debug_assert_eq!(row.len(), self.columns.len());
        self.rows.push(row);
    }

    pub fn write_csv(&self, out: impl Write) -> crate::Result<()> {
        let mut w = csv::Writer::from_writer(out);
        w.write_record(self.columns.iter().map(|c| crate::csv_io::neutralise(c).into_owned()))?;
        for row in &self.rows {
            // Numbers stay numbers (a negative difference is no formula); texts are neutralised.
            w.write_record(row.iter().map(|cell| match cell {
                Cell::Text(text) => crate::csv_io::neutralise(text).into_owned(),
                other => other.text(),
            }))?;
        }
        w.flush()?;
        Ok(())
    }

    /// A plain-text table with aligned columns (numbers right-aligned).
    pub fn to_text(&self) -> String {
        let texts: Vec<Vec<String>> = self.rows.iter().map(|r| r.iter().map(Cell::text).collect()).collect();
        let widths: Vec<usize> = (0..self.columns.len())
            .map(|c| {
                texts.iter().map(|r| r[c].chars().count()).chain([self.columns[c].chars().count()]).max().unwrap_or(0)
            })
            .collect();
        let mut out = String::new();
        if !self.title.is_empty() {
            out.push_str(&self.title);
            out.push('\n');
        }
        let line = |cells: &[String], left: &dyn Fn(usize) -> bool| {
            let parts: Vec<String> = cells
                .iter()
                .enumerate()
                .map(
                    |(c, t)| {
                        if left(c) { format!("{t:<w$}", w = widths[c]) } else { format!("{t:>w$}", w = widths[c]) }
                    },
                )
                .collect();
            parts.join("  ").trim_end().to_owned() + "\n"
        };
        out.push_str(&line(&self.columns, &|_| true));
        out.push_str(&line(&widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>(), &|_| true));
        for (r, row) in texts.iter().enumerate() {
            let is_text = |c: usize| matches!(self.rows[r][c], Cell::Text(_));
            out.push_str(&line(row, &is_text));
        }
        out
    }

    /// One JSON object per row, keyed by column name.
    pub fn json_rows(&self) -> Vec<Map<String, Json>> {
        self.rows.iter().map(|row| self.columns.iter().cloned().zip(row.iter().map(Cell::json)).collect()).collect()
    }
}

/// Disclosure control: replaces every count under `min`, and every rate or interval whose
/// numerator or denominator is under `min`, by `Suppressed`. Returns how many cells were hidden.
pub fn suppress_small_cells(table: &mut Table, min: u64) -> usize {
    let mut hidden = 0;
    for cell in table.rows.iter_mut().flatten() {
        if cell.is_small(min) {
            *cell = Cell::Suppressed;
            hidden += 1;
        }
    }
    hidden
}

/// Secondary suppression for tables with a total row: when exactly one group cell of a count
/// column is hidden, the total minus the other groups would reveal it, so the smallest other
/// group cell is hidden too, with the rates and intervals of its row (a rate and one count
/// reveal the other; rates resting on small counts are already hidden by
/// [`suppress_small_cells`]). Returns the cells hidden.
pub fn suppress_complements(table: &mut Table, total_row: usize, count_columns: &[usize]) -> usize {
    let mut hidden = 0;
    let mut rows_hidden = Vec::new();
    for &c in count_columns {
        let groups = (0..table.rows.len()).filter(|&r| r != total_row);
        let suppressed = groups.clone().filter(|&r| table.rows[r][c] == Cell::Suppressed).count();
        if suppressed != 1 || table.rows[total_row][c] == Cell::Suppressed {
            continue;
        }
        let smallest = groups
            .filter_map(|r| match table.rows[r][c] {
                Cell::Count(n) => Some((n, r)),
                _ => None,
            })
            .min();
        // With no other group cell, the total equals the hidden cell: hide the total.
        let r = smallest.map_or(total_row, |(_, r)| r);
        table.rows[r][c] = Cell::Suppressed;
        rows_hidden.push(r);
        hidden += 1;
    }
    for r in rows_hidden {
        for cell in table.rows[r].iter_mut() {
            if matches!(cell, Cell::Rate { .. } | Cell::Interval { .. }) {
                *cell = Cell::Suppressed;
                hidden += 1;
            }
        }
    }
    hidden
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Table {
        let mut t = Table::new("t", &["group", "people", "reoffenders", "binary_rate"]);
        t.push(vec![Cell::Text("a".into()), Cell::Count(100), Cell::Count(40), Cell::rate(40, 100)]);
        t.push(vec![Cell::Text("b".into()), Cell::Count(100), Cell::Count(9), Cell::rate(9, 100)]);
        t.push(vec![Cell::Text("c".into()), Cell::Count(9), Cell::Count(0), Cell::rate(0, 9)]);
        t
    }

    /// Labels from an extract that a spreadsheet would run are written as text; numbers stay
    /// numbers (issue 16, item 11).
    #[test]
    fn csv_labels_that_look_like_formulas_are_written_as_text() {
        let mut t = Table::new("t", &["group", "difference"]);
        t.push(vec![Cell::Text("=HYPERLINK(\"http://x\")".into()), Cell::Number(-0.05)]);
        t.push(vec![Cell::Text("@SUM(A1)".into()), Cell::Number(0.1)]);
        let mut out = Vec::new();
        t.write_csv(&mut out).unwrap();
        let csv = String::from_utf8(out).unwrap();
        assert!(csv.contains("\"'=HYPERLINK(\"\"http://x\"\")\",-0.05"), "{csv}");
        assert!(csv.contains("'@SUM(A1),0.1"), "{csv}");
    }

    #[test]
    fn suppresses_small_counts_and_rates_built_on_them() {
        let mut t = sample();
        assert_eq!(suppress_small_cells(&mut t, 10), 5);
        assert_eq!(t.rows[0][3], Cell::rate(40, 100));
        assert_eq!(t.rows[1][1], Cell::Count(100));
        assert_eq!(t.rows[1][2], Cell::Suppressed);
        assert_eq!(t.rows[1][3], Cell::Suppressed);
        assert!(t.rows[2][1..].iter().all(|c| *c == Cell::Suppressed));
        let mut t = sample();
        assert_eq!(suppress_small_cells(&mut t, 0), 0);
    }

    #[test]
    fn a_single_hidden_group_cell_cannot_be_recovered_from_the_total() {
        let mut t = Table::new("t", &["group", "people", "reoffenders", "binary_rate"]);
        t.push(vec![Cell::Text("a".into()), Cell::Count(100), Cell::Count(40), Cell::rate(40, 100)]);
        t.push(vec![Cell::Text("b".into()), Cell::Count(50), Cell::Count(30), Cell::rate(30, 50)]);
        t.push(vec![Cell::Text("c".into()), Cell::Count(60), Cell::Count(5), Cell::rate(5, 60)]);
        t.push(vec![Cell::Text("(all)".into()), Cell::Count(210), Cell::Count(75), Cell::rate(75, 210)]);
        suppress_small_cells(&mut t, 10);
        assert_eq!(t.rows[2][2], Cell::Suppressed);
        suppress_complements(&mut t, 3, &[1, 2]);
        // b has the smallest other reoffenders count, so it is hidden with its rate.
        assert_eq!(t.rows[1][2], Cell::Suppressed);
        assert_eq!(t.rows[1][3], Cell::Suppressed);
        assert_eq!(t.rows[0][2], Cell::Count(40));
        assert_eq!(t.rows[0][3], Cell::rate(40, 100));
        assert_eq!(t.rows[3][2], Cell::Count(75));
        // people: nothing hidden, nothing more to do.
        assert!((0..4).all(|r| t.rows[r][1] != Cell::Suppressed));
    }

    #[test]
    fn renders_csv_text_and_json() {
        let mut t = sample();
        suppress_small_cells(&mut t, 10);
        let mut csv = Vec::new();
        t.write_csv(&mut csv).unwrap();
        let csv = String::from_utf8(csv).unwrap();
        assert!(csv.starts_with("group,people,reoffenders,binary_rate\na,100,40,0.4000\nb,100,[c],[c]\n"));
        let text = t.to_text();
        assert!(text.contains("a         100           40       0.4000"), "{text}");
        let json = t.json_rows();
        assert_eq!(json[1]["reoffenders"], Json::Null);
        assert_eq!(json[0]["people"], Json::from(100));
    }
}
