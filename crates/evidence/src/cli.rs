//! Library entry points for `desist cohort` and `desist reoffending`. They take parsed
//! options and a writer, and return the load warnings for the caller to print on stderr;
//! the `desist` binary only maps its arguments onto these structs.

use std::io::Write;
use std::path::PathBuf;

use crate::csv_io::{Issue, load_dir};
use crate::date::{Day, Period, format_day, parse_date_arg};
use crate::error::{EvidenceError, Result};
use crate::reoffending::{Definition, GroupBy};
use crate::rules::{CompiledRule, resolve};
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
            other => Err(EvidenceError::Option(format!(
                "unknown format '{other}' (expected csv, json or table)"
            ))),
        }
    }
}

/// `--as-of 2025-01-01`
pub fn parse_as_of(text: &str) -> Result<Day> {
    parse_date_arg(text)
        .ok_or_else(|| EvidenceError::Option(format!("bad date '{text}' (expected YYYY-MM-DD)")))
}

/// `--follow-up 12m`, `--waiting 6m`, `1y`: whole calendar months.
pub fn parse_months(text: &str) -> Result<i32> {
    match Period::parse(text) {
        Some(Period::Months(m)) => Ok(m),
        _ => Err(EvidenceError::Option(format!(
            "bad period '{text}' (expected months or years such as 12m or 1y)"
        ))),
    }
}

/// `--by group|kind|area|sex|none`
pub fn parse_group_by(text: &str) -> Result<GroupBy> {
    GroupBy::parse(text).ok_or_else(|| {
        EvidenceError::Option(format!(
            "unknown grouping '{text}' (expected group, kind, area, sex or none)"
        ))
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
}

/// Prints the members of a cohort as of a day. CSV: header `person_id`, one id per line,
/// sorted by code point. JSON: `{"rule": {...}, "as_of": ..., "count": N, "members": [...]}`.
pub fn cohort(options: &CohortOptions, out: &mut impl Write) -> Result<Vec<Issue>> {
    let rule = resolve(&options.rule)?;
    let (data, warnings) = load_dir(&options.data)?;
    let compiled = CompiledRule::compile(&rule.expr, &data);
    let members = compiled.members(&data, options.as_of);
    match options.format {
        Format::Csv | Format::Table => {
            let mut buf = std::io::BufWriter::new(out);
            let mut w = csv::Writer::from_writer(&mut buf);
            w.write_record(["person_id"])?;
            for &p in &members {
                w.write_record([data.person_id(p)])?;
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
    Ok(warnings)
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReoffendingOptions {
    pub data: PathBuf,
    pub as_of: Day,
    pub follow_up_months: i32,
    pub waiting_months: i32,
    pub by: GroupBy,
    pub format: Format,
    /// Disclosure control: cells under this size are suppressed (0 turns it off).
    pub min_cell: u64,
}

impl ReoffendingOptions {
    /// The format's defaults: 12 months follow-up, 6 months waiting, by group, JSON,
    /// cells under 10 suppressed.
    pub fn new(data: PathBuf, as_of: Day) -> ReoffendingOptions {
        ReoffendingOptions {
            data,
            as_of,
            follow_up_months: 12,
            waiting_months: 6,
            by: GroupBy::Group,
            format: Format::Json,
            min_cell: DEFAULT_MIN_CELL,
        }
    }
}

/// Prints proven reoffending by group as JSON (`{"definition", "overall", "groups"}`),
/// CSV or a plain-text table, after disclosure control.
pub fn reoffending(options: &ReoffendingOptions, out: &mut impl Write) -> Result<Vec<Issue>> {
    let (data, warnings) = load_dir(&options.data)?;
    let definition = Definition {
        as_of: options.as_of,
        follow_up_months: options.follow_up_months,
        waiting_months: options.waiting_months,
    };
    let report = crate::reoffending::reoffending(&data, definition, options.by);
    let mut table = report.to_table();
    suppress_small_cells(&mut table, options.min_cell);
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
    Ok(warnings)
}
