//! `desist bench evidence` (whole paths): each question timed as a user meets it — a new
//! `desist` process from its start to its answer — beside a reference tool answering the same
//! question in its own process in the same run, the answers checked to agree:
//! - from the store: `desist cohort` on the embedded SQLite file against the `sqlite3` shell
//!   running the same cohort SQL on that file (and on PostgreSQL against `psql`);
//! - from CSV: `desist cohort --data DIR` against DuckDB querying the same CSV
//!   (`bench/duckdb_cohort.py`, Python's duckdb, when it is installed);
//! - the first evidence answer after an import: `desist reoffending` from the store (the whole
//!   extract loaded, as the evidence pages' first view does).
//!
//! Peak memory is each process's maximum resident set, as GNU time (`/usr/bin/time`) reports
//! it; without it the column shows "-".

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, bail};
use evidence::date::{Day, add_months, format_day};

/// The shipped rules timed, with their thresholds as SQL (`count(proven, within 5y)`,
/// `count(proven, within 12m)`), as `rules.toml` and `bench/duckdb_reference.py` have them.
const RULES: [(&str, &str, &str); 2] = [("nl-very-active-prolific", "> 10", ">= 1"), ("ew-iom", ">= 20", ">= 4")];

const PROVEN: &str = "('conviction', 'caution', 'penalty_order', 'conditional_dismissal')";

const DUCKDB_COHORT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../evidence/bench/duckdb_cohort.py");

/// Generates the bench's CSV files (unless already there) with a progress bar per file on a
/// terminal: at national scale (1M persons, 10M offences) that takes minutes, and the rows go
/// straight to disk, so memory does not grow with the scale.
pub fn generate_with_bars(options: &evidence::bench::BenchOptions) -> anyhow::Result<()> {
    use evidence::generate::Stage;
    let bars = [
        (Stage::Persons, "generating persons.csv (persons)", options.persons),
        (Stage::Offences, "generating offences.csv (persons)", options.persons),
        (Stage::IndexEvents, "generating index_events.csv (events)", options.index_events),
    ]
    .map(|(stage, message, total)| {
        let bar = crate::extract::progress_bar(total);
        bar.set_message(message);
        (stage, bar)
    });
    let progress = |stage: Stage, rows: u64| {
        if let Some((_, bar)) = bars.iter().find(|(s, _)| *s == stage) {
            bar.inc(rows);
            if bar.position() >= bar.length().unwrap_or(0) {
                bar.finish_and_clear();
            }
        }
    };
    evidence::bench::ensure_data(options, &progress)?;
    for (_, bar) in &bars {
        bar.finish_and_clear();
    }
    Ok(())
}

/// One process run to its end.
#[derive(Debug, Clone)]
pub struct Run {
    pub secs: f64,
    /// Maximum resident set size, when GNU time could tell.
    pub peak_mib: Option<f64>,
    /// Lines of output after the header: the cohort's members.
    pub members: u64,
}

/// One question, ours beside the reference.
#[derive(Debug, Clone)]
pub struct Row {
    pub path: String,
    pub ours: Run,
    pub reference_name: &'static str,
    pub reference: Option<Run>,
}

impl Row {
    pub fn agrees(&self) -> Option<bool> {
        self.reference.as_ref().map(|r| r.members == self.ours.members)
    }
}

/// A program and its arguments, run (under GNU time when there is one) with `env` added.
struct Process {
    program: PathBuf,
    args: Vec<String>,
    env: Vec<(&'static str, String)>,
}

impl Process {
    fn new(program: impl Into<PathBuf>, args: &[&str]) -> Process {
        Process { program: program.into(), args: args.iter().map(|a| (*a).to_owned()).collect(), env: Vec::new() }
    }

    fn env(mut self, name: &'static str, value: &str) -> Process {
        self.env.push((name, value.to_owned()));
        self
    }

    /// Runs to the end; `None` when the program is not installed. `skip_header` counts the
    /// output lines after the first.
    fn run(&self, skip_header: bool) -> anyhow::Result<Option<Run>> {
        let gnu_time = Path::new("/usr/bin/time");
        let peak_file = std::env::temp_dir().join(format!("desist-bench-peak-{}", std::process::id()));
        let mut command = if gnu_time.exists() {
            let mut c = Command::new(gnu_time);
            c.arg("-f").arg("%M").arg("-o").arg(&peak_file).arg(&self.program);
            c
        } else {
            Command::new(&self.program)
        };
        command.args(&self.args).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
        for (name, value) in &self.env {
            command.env(name, value);
        }
        let start = Instant::now();
        let output = match command.output() {
            Ok(output) => output,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e).with_context(|| format!("running {}", self.program.display())),
        };
        let secs = start.elapsed().as_secs_f64();
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            // GNU time exits 127 when it cannot find the program.
            if output.status.code() == Some(127) {
                return Ok(None);
            }
            bail!("{} failed: {}", self.program.display(), stderr.trim());
        }
        let peak_mib = std::fs::read_to_string(&peak_file)
            .ok()
            .and_then(|t| t.lines().last()?.trim().parse::<f64>().ok())
            .map(|kib| kib / 1024.0);
        let _ = std::fs::remove_file(&peak_file);
        let lines = output.stdout.iter().filter(|&&b| b == b'\n').count() as u64;
        let members = if skip_header { lines.saturating_sub(1) } else { lines };
        Ok(Some(Run { secs, peak_mib, members }))
    }
}

/// The cohort as SQL on the store's tables; dates are text on SQLite and `date` on PostgreSQL,
/// and the window starts are computed here with the format's clamped month arithmetic.
fn cohort_sql(as_of: Day, five_years: &str, twelve_months: &str, postgres: bool) -> String {
    let date = |d: Day| if postgres { format!("DATE '{}'", format_day(d)) } else { format!("'{}'", format_day(d)) };
    let (a, a5, a1) = (date(as_of), date(add_months(as_of, -60)), date(add_months(as_of, -12)));
    let recent = if postgres {
        format!("count(*) FILTER (WHERE offence_date > {a1})")
    } else {
        format!("sum(offence_date > {a1})")
    };
    format!(
        "SELECT person_id FROM evidence_offence WHERE outcome IN {PROVEN} AND offence_date <= {a} \
         AND offence_date > {a5} GROUP BY person_id HAVING count(*) {five_years} AND {recent} {twelve_months} \
         ORDER BY person_id;"
    )
}

/// What the whole-path bench needs.
pub struct WholePaths<'a> {
    pub dir: &'a Path,
    pub as_of: Day,
    /// The python with duckdb for the CSV reference.
    pub python: &'a Path,
    /// A PostgreSQL database to import into and time against psql.
    pub postgres_url: Option<&'a str>,
}

/// Imports the generated extract into a new SQLite file (and PostgreSQL when given) with a
/// `desist import` process, then times each question from a new process beside its reference.
pub fn whole_paths(w: &WholePaths<'_>, out: &mut impl Write) -> anyhow::Result<Vec<Row>> {
    let exe = std::env::current_exe().context("finding the desist binary")?;
    let db = w.dir.join("whole-path-bench.db");
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    let sqlite_url = format!("sqlite:{}", db.display());
    let dir = w.dir.display().to_string();
    let as_of = format_day(w.as_of);
    let desist = |url: &str, args: &[&str]| Process::new(&exe, args).env("DATABASE_URL", url);
    desist(&sqlite_url, &["import", dir.as_str()]).run(false)?.context("running desist import")?;
    let mut stores = vec![("SQLite", sqlite_url.clone(), false)];
    if let Some(url) = w.postgres_url {
        desist(url, &["import", dir.as_str()]).run(false)?.context("running desist import into PostgreSQL")?;
        stores.push(("PostgreSQL", url.to_owned(), true));
    }

    let mut rows = Vec::new();
    for (rule, five_years, twelve_months) in RULES {
        let cohort: [&str; 5] = ["cohort", "--rule", rule, "--as-of", as_of.as_str()];
        for (name, url, postgres) in &stores {
            let ours = desist(url.as_str(), &cohort).run(true)?.context("running desist cohort")?;
            let sql = cohort_sql(w.as_of, five_years, twelve_months, *postgres);
            let (reference_name, reference) = if *postgres {
                ("psql", Process::new("psql", &[url.as_str(), "-At", "-c", sql.as_str()]).run(false)?)
            } else {
                let file = db.display().to_string();
                ("sqlite3", Process::new("sqlite3", &[file.as_str(), sql.as_str()]).run(false)?)
            };
            rows.push(Row { path: format!("cohort {rule}, {name} store"), ours, reference_name, reference });
        }
        let mut csv: Vec<&str> = cohort.to_vec();
        csv.extend(["--data", dir.as_str()]);
        let ours = desist(&sqlite_url, &csv).run(true)?.context("running desist cohort --data")?;
        let script = DUCKDB_COHORT.to_owned();
        let duckdb =
            Process::new(w.python, &[script.as_str(), dir.as_str(), as_of.as_str(), rule]).run(true).ok().flatten();
        rows.push(Row { path: format!("cohort {rule}, CSV"), ours, reference_name: "duckdb", reference: duckdb });
    }
    for (name, url, _) in &stores {
        let ours = desist(url.as_str(), &["reoffending", "--as-of", as_of.as_str(), "--format", "csv"]).run(true)?;
        let ours = ours.context("running desist reoffending")?;
        rows.push(Row {
            path: format!("reoffending by group, {name} store"),
            ours,
            reference_name: "-",
            reference: None,
        });
    }
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    print(&rows, out)?;
    Ok(rows)
}

fn print(rows: &[Row], out: &mut impl Write) -> anyhow::Result<()> {
    let secs = |r: Option<&Run>| r.map_or("-".into(), |r| format!("{:.3}s", r.secs));
    let mib = |r: Option<&Run>| r.and_then(|r| r.peak_mib).map_or("-".into(), |m| format!("{m:.0}"));
    writeln!(out, "whole paths (a new process from start to answer, beside the reference's own process):")?;
    writeln!(
        out,
        "{:<50} {:>9} {:>9} {:>9} {:>7} {:>9} {:>9}  answers",
        "question", "ours", "reference", "", "ratio", "MiB ours", "MiB ref"
    )?;
    for row in rows {
        let ratio = row.reference.as_ref().map_or("-".into(), |r| format!("{:.2}x", row.ours.secs / r.secs));
        let answers = match (&row.reference, row.agrees()) {
            (Some(r), Some(true)) => format!("{} / {} agree", row.ours.members, r.members),
            (Some(r), _) => format!("{} / {} DIFFER", row.ours.members, r.members),
            (None, _) => format!("{} rows", row.ours.members),
        };
        writeln!(
            out,
            "{:<50} {:>9} {:>9} {:>9} {:>7} {:>9} {:>9}  {answers}",
            row.path,
            secs(Some(&row.ours)),
            secs(row.reference.as_ref()),
            if row.reference.is_some() { row.reference_name } else { "" },
            ratio,
            mib(Some(&row.ours)),
            mib(row.reference.as_ref()),
        )?;
    }
    if rows.iter().any(|r| r.reference_name == "duckdb" && r.reference.is_none()) {
        writeln!(out, "duckdb not available to this python: pip install duckdb (or pass --python) to compare")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cohort_sql_uses_clamped_month_windows() {
        let as_of = evidence::date::parse_date_arg("2024-02-29").unwrap();
        let sqlite = cohort_sql(as_of, "> 10", ">= 1", false);
        assert!(sqlite.contains("offence_date > '2019-02-28'"), "{sqlite}");
        assert!(sqlite.contains("sum(offence_date > '2023-02-28') >= 1"), "{sqlite}");
        let pg = cohort_sql(as_of, "> 10", ">= 1", true);
        assert!(pg.contains("FILTER (WHERE offence_date > DATE '2023-02-28') >= 1"), "{pg}");
    }
}
