//! Library entry points for `desist cohort` and `desist reoffending`. They take parsed
//! options and a writer, and return the load warnings for the caller to print on stderr;
//! the `desist` binary only maps its arguments onto these structs.

use std::io::Write;
use std::path::PathBuf;

use crate::csv_io::{Issue, load_dir};
use crate::dataset::Dataset;
use crate::date::{Day, Period, format_day, parse_date_arg};
use crate::error::{EvidenceError, Result};
use crate::reoffending::{Definition, GroupBy};
use crate::rules::{CompiledRule, resolve_with};
use crate::table::{DEFAULT_MIN_CELL, suppress_small_cells};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
    /// Plain-text table for a terminal.
    Table,
}

impl Format {
    pub fn parse(text: &str) -> Result<Format> {
        match text {
            "csv" => Ok(Format::Csv),
            "json" => Ok(Format::Json),
            "table" => Ok(Format::Table),
            other => Err(EvidenceError::Option(format!("unknown format '{other}' (expected csv, json or table)"))),
        }
    }
}

/// `--as-of 2025-01-01`
pub fn parse_as_of(text: &str) -> Result<Day> {
    parse_date_arg(text).ok_or_else(|| EvidenceError::Option(format!("bad date '{text}' (expected YYYY-MM-DD)")))
}

/// `--follow-up 12m`, `--waiting 6m`, `1y`: whole calendar months.
pub fn parse_months(text: &str) -> Result<i32> {
    match Period::parse(text) {
        Some(Period::Months(m)) => Ok(m),
        _ => Err(EvidenceError::Option(format!("bad period '{text}' (expected months or years such as 12m or 1y)"))),
    }
}

/// `--by group|kind|area|sex|none`
pub fn parse_group_by(text: &str) -> Result<GroupBy> {
    GroupBy::parse(text).ok_or_else(|| {
        EvidenceError::Option(format!("unknown grouping '{text}' (expected group, kind, area, sex or none)"))
    })
}

#[derive(Debug, Clone, PartialEq)]
pub struct CohortOptions {
    /// A shipped rule name or an expression.
    pub rule: String,
    pub as_of: Day,
    /// Folder with persons.csv, offences.csv (and optionally index_events.csv).
    pub data: PathBuf,
    pub format: Format,
    /// The deployment's own named rules (from its config), before the shipped ones.
    pub own_rules: Vec<crate::rules::NamedRule>,
}

/// Prints the members of a cohort as of a day. CSV: header `person_id`, one id per line,
/// sorted by code point. JSON: `{"rule": {...}, "as_of": ..., "count": N, "members": [...]}`.
pub fn cohort(options: &CohortOptions, out: &mut impl Write) -> Result<Vec<Issue>> {
    let (data, warnings) = load_dir(&options.data)?;
    cohort_with(&data, options, out)?;
    Ok(warnings)
}

/// [`cohort`] over a dataset already loaded (from the store); `options.data` is not read.
pub fn cohort_with(data: &Dataset, options: &CohortOptions, out: &mut impl Write) -> Result<()> {
    let rule = resolve_with(&options.rule, &options.own_rules)?;
    let compiled = CompiledRule::compile(&rule.expr, data);
    let members = compiled.members(data, options.as_of);
    match options.format {
        Format::Csv | Format::Table => {
            let mut buf = std::io::BufWriter::new(out);
            let mut w = csv::Writer::from_writer(&mut buf);
            w.write_record(["person_id"])?;
            for &p in &members {
                w.write_record([crate::csv_io::neutralise(data.person_id(p)).as_ref()])?;
            }
            w.flush()?;
        }
        Format::Json => {
            let json = serde_json::json!({
                "rule": { "name": rule.name, "expression": rule.expression },
                "as_of": format_day(options.as_of),
                "count": members.len(),
                "members": members.iter().map(|&p| data.person_id(p)).collect::<Vec<_>>(),
            });
            serde_json::to_writer_pretty(&mut *out, &json).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
    }
    Ok(())
}

/// Prints proven reoffending by group as JSON (`{"definition", "overall", "groups"}`),
/// CSV or a plain-text table, after disclosure control.
pub fn reoffending(options: &MeasureOptions, by: GroupBy, out: &mut impl Write) -> Result<Vec<Issue>> {
    let (data, warnings) = load_dir(&options.data)?;
    reoffending_with(&data, options, by, out)?;
    Ok(warnings)
}

/// [`reoffending`] over a dataset already loaded; `options.data` is not read.
pub fn reoffending_with(data: &Dataset, options: &MeasureOptions, by: GroupBy, out: &mut impl Write) -> Result<()> {
    let report = crate::reoffending::reoffending(data, options.definition(), by);
    let table = report.disclosed_table(options.min_cell);
    match options.format {
        Format::Json => {
            let mut json = report.json_from_table(&table);
            json["definition"]["min_cell"] = serde_json::Value::from(options.min_cell);
            serde_json::to_writer_pretty(&mut *out, &json).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        Format::Csv => table.write_csv(&mut *out)?,
        Format::Table => out.write_all(table.to_text().as_bytes())?,
    }
    Ok(())
}

/// The measurement definition shared by reoffending, survival and comparison commands.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasureOptions {
    pub data: PathBuf,
    pub as_of: Day,
    pub follow_up_months: i32,
    pub waiting_months: i32,
    pub format: Format,
    /// Disclosure control: cells under this size are suppressed (0 turns it off).
    pub min_cell: u64,
}

impl MeasureOptions {
    /// The format's defaults: 12 months follow-up, 6 months waiting, JSON, cells under 10
    /// suppressed.
    pub fn new(data: PathBuf, as_of: Day) -> MeasureOptions {
        MeasureOptions {
            data,
            as_of,
            follow_up_months: 12,
            waiting_months: 6,
            format: Format::Json,
            min_cell: DEFAULT_MIN_CELL,
        }
    }

    fn definition(&self) -> Definition {
        Definition { as_of: self.as_of, follow_up_months: self.follow_up_months, waiting_months: self.waiting_months }
    }
}

fn write_tables(
    format: Format,
    tables: &[(&str, &crate::table::Table)],
    extra: serde_json::Value,
    out: &mut impl Write,
) -> Result<()> {
    match format {
        Format::Json => {
            let mut json = extra;
            for (key, table) in tables {
                json[*key] = serde_json::Value::from(table.json_rows());
            }
            serde_json::to_writer_pretty(&mut *out, &json).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        Format::Csv => {
            for (i, (_, table)) in tables.iter().enumerate() {
                if i > 0 {
                    writeln!(out)?;
                }
                table.write_csv(&mut *out)?;
            }
        }
        Format::Table => {
            for (_, table) in tables {
                writeln!(out, "{}", table.to_text())?;
            }
        }
    }
    Ok(())
}

/// `desist survival`: Kaplan–Meier curves by `by`, and the log-rank test when `compare`
/// names two groups.
pub fn survival(
    options: &MeasureOptions,
    by: GroupBy,
    compare: Option<(&str, &str)>,
    out: &mut impl Write,
) -> Result<Vec<Issue>> {
    let (data, warnings) = load_dir(&options.data)?;
    survival_with(&data, options, by, compare, out)?;
    Ok(warnings)
}

/// [`survival`] over a dataset already loaded; `options.data` is not read.
pub fn survival_with(
    data: &Dataset,
    options: &MeasureOptions,
    by: GroupBy,
    compare: Option<(&str, &str)>,
    out: &mut impl Write,
) -> Result<()> {
    let definition = options.definition();
    let times = crate::survival::survival_times(data, definition, by);
    let curves = crate::survival::curves(&times);
    let table = crate::survival::curves_table(&curves, 30, options.min_cell);
    let mut extra = serde_json::json!({ "definition": definition.json(by) });
    if let Some((a, b)) = compare {
        let empty = Vec::new();
        let test = crate::survival::log_rank(times.get(a).unwrap_or(&empty), times.get(b).unwrap_or(&empty));
        extra["log_rank"] = serde_json::json!({
            "groups": [a, b],
            "chi_square": test.chi_square,
            "p_value": test.p_value,
        });
        if options.format == Format::Table {
            writeln!(out, "log-rank {a} vs {b}: chi² = {:.3}, p = {:.4}", test.chi_square, test.p_value)?;
        }
    }
    write_tables(options.format, &[("curves", &table)], extra, out)?;
    Ok(())
}

/// `desist compare`: a matched comparison group for the index events of `treated_group`,
/// with covariate balance and the difference in proven reoffending.
pub fn compare(
    options: &MeasureOptions,
    treated_group: &str,
    method: crate::matching::Method,
    seed: u64,
    out: &mut impl Write,
) -> Result<Vec<Issue>> {
    let (data, warnings) = load_dir(&options.data)?;
    compare_with(&data, options, treated_group, method, seed, out)?;
    Ok(warnings)
}

/// [`compare`] over a dataset already loaded; `options.data` is not read.
pub fn compare_with(
    data: &Dataset,
    options: &MeasureOptions,
    treated_group: &str,
    method: crate::matching::Method,
    seed: u64,
    out: &mut impl Write,
) -> Result<()> {
    let result = crate::matching::match_comparison(
        data,
        &crate::matching::MatchOptions {
            definition: options.definition(),
            treated_group: treated_group.to_owned(),
            method,
            seed,
            controls_never_treated: false,
        },
    );
    let balance = result.balance_table();
    let mut outcome = result.outcome_table();
    suppress_small_cells(&mut outcome, options.min_cell);
    let extra = serde_json::json!({
        "definition": options.definition().json(GroupBy::Group),
        "treated_group": treated_group,
        "method": method.json(),
        "seed": seed,
    });
    write_tables(options.format, &[("outcome", &outcome), ("balance", &balance)], extra, out)?;
    Ok(())
}
