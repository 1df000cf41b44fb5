//! `desist cohort | reoffending | survival | compare | bench`: clap arguments mapped onto the
//! evidence crate's library entry points. Wire into `main.rs` with
//! `mod evidence_cmd;` and a `Command` variant per subcommand, e.g.
//! `Command::Cohort(args) => args.run(&mut std::io::stdout().lock())`.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use evidence::cli::{self as ev, Format, MeasureOptions};
use evidence::date::Day;
use evidence::reoffending::GroupBy;

fn as_of(text: &str) -> Result<Day, String> {
    ev::parse_as_of(text).map_err(|e| e.to_string())
}

fn months(text: &str) -> Result<i32, String> {
    ev::parse_months(text).map_err(|e| e.to_string())
}

fn format(text: &str) -> Result<Format, String> {
    Format::parse(text).map_err(|e| e.to_string())
}

fn group_by(text: &str) -> Result<GroupBy, String> {
    ev::parse_group_by(text).map_err(|e| e.to_string())
}

/// Load warnings (extra columns) go to stderr so stdout stays machine-readable.
fn warn(warnings: Vec<evidence::csv_io::Issue>) {
    for w in warnings {
        eprintln!("warning: {w}");
    }
}

fn data_dir(data: &Option<PathBuf>) -> anyhow::Result<PathBuf> {
    data.clone().ok_or_else(|| anyhow::anyhow!("reading from the store is not wired yet: pass --data DIR"))
}

/// Print the members of a cohort as of a date.
#[derive(Debug, Args)]
pub struct CohortArgs {
    /// A shipped rule name (e.g. nl-very-active-prolific, ew-iom) or a rule expression.
    #[arg(long)]
    pub rule: String,
    /// The day membership is evaluated on (YYYY-MM-DD).
    #[arg(long, value_parser = as_of)]
    pub as_of: Day,
    /// A folder with persons.csv and offences.csv (instead of the store).
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// csv (header person_id, one id per line, sorted) or json.
    #[arg(long, default_value = "csv", value_parser = format)]
    pub format: Format,
}

impl CohortArgs {
    pub fn run(&self, out: &mut impl Write) -> anyhow::Result<()> {
        let options = ev::CohortOptions {
            rule: self.rule.clone(),
            as_of: self.as_of,
            data: data_dir(&self.data)?,
            format: self.format,
            // Deployment rules come from desist.toml once config is wired:
            // evidence::rules::parse_rules_toml(text)?.
            own_rules: Vec::new(),
        };
        warn(ev::cohort(&options, out)?);
        Ok(())
    }
}

/// The follow-up definition shared by the measures.
#[derive(Debug, Args)]
pub struct MeasureArgs {
    /// A folder with persons.csv, offences.csv and index_events.csv (instead of the store).
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// The last day the data covers (YYYY-MM-DD); later windows are censored.
    #[arg(long, value_parser = as_of)]
    pub as_of: Day,
    /// Follow-up period in months or years (12m, 1y).
    #[arg(long, default_value = "12m", value_parser = months)]
    pub follow_up: i32,
    /// Waiting period for outcomes after the follow-up (6m).
    #[arg(long, default_value = "6m", value_parser = months)]
    pub waiting: i32,
    /// json, csv or table.
    #[arg(long, default_value = "json", value_parser = format)]
    pub format: Format,
    /// Suppress cells under this size (disclosure control); 0 turns it off.
    #[arg(long, default_value_t = evidence::table::DEFAULT_MIN_CELL)]
    pub min_cell: u64,
}

impl MeasureArgs {
    fn options(&self) -> anyhow::Result<MeasureOptions> {
        Ok(MeasureOptions {
            data: data_dir(&self.data)?,
            as_of: self.as_of,
            follow_up_months: self.follow_up,
            waiting_months: self.waiting,
            format: self.format,
            min_cell: self.min_cell,
        })
    }
}

/// Proven reoffending by group, with Wilson 95% intervals.
#[derive(Debug, Args)]
pub struct ReoffendingArgs {
    #[command(flatten)]
    pub measure: MeasureArgs,
    /// group, kind, area, sex or none.
    #[arg(long, default_value = "group", value_parser = group_by)]
    pub by: GroupBy,
}

impl ReoffendingArgs {
    pub fn run(&self, out: &mut impl Write) -> anyhow::Result<()> {
        warn(ev::reoffending(&self.measure.options()?, self.by, out)?);
        Ok(())
    }
}

/// Kaplan–Meier time to first proven reoffence, with a log-rank test between two groups.
#[derive(Debug, Args)]
pub struct SurvivalArgs {
    #[command(flatten)]
    pub measure: MeasureArgs,
    #[arg(long, default_value = "group", value_parser = group_by)]
    pub by: GroupBy,
    /// Two group labels to compare with the log-rank test.
    #[arg(long, num_args = 2, value_names = ["A", "B"])]
    pub compare: Option<Vec<String>>,
}

impl SurvivalArgs {
    pub fn run(&self, out: &mut impl Write) -> anyhow::Result<()> {
        let compare = self.compare.as_ref().map(|g| (g[0].as_str(), g[1].as_str()));
        warn(ev::survival(&self.measure.options()?, self.by, compare, out)?);
        Ok(())
    }
}

/// A matched comparison group for a treated group, with balance and the rate difference.
#[derive(Debug, Args)]
pub struct CompareArgs {
    #[command(flatten)]
    pub measure: MeasureArgs,
    /// The index-event group label of the treated group.
    #[arg(long)]
    pub treated: String,
    /// exact or propensity.
    #[arg(long, default_value = "propensity")]
    pub method: String,
    /// Propensity caliper in standard deviations of the logit.
    #[arg(long, default_value_t = 0.2)]
    pub caliper: f64,
    /// Seed for the matching order and ties (results are reproducible).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

impl CompareArgs {
    pub fn run(&self, out: &mut impl Write) -> anyhow::Result<()> {
        let method = match self.method.as_str() {
            "exact" => evidence::matching::Method::Exact,
            "propensity" => evidence::matching::Method::Propensity { caliper_sd: self.caliper },
            other => anyhow::bail!("unknown method '{other}' (expected exact or propensity)"),
        };
        warn(ev::compare(&self.measure.options()?, &self.treated, method, self.seed, out)?);
        Ok(())
    }
}

/// Generate national-scale data and time cohorts and reoffending against DuckDB.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Where to generate (or reuse) the CSV files.
    #[arg(long, default_value = "desist-bench")]
    pub dir: PathBuf,
    #[arg(long, default_value = "2025-01-01", value_parser = as_of)]
    pub as_of: Day,
    #[arg(long, default_value_t = 1_000_000)]
    pub persons: u64,
    #[arg(long, default_value_t = 10.0)]
    pub offences_per_person: f64,
    #[arg(long, default_value_t = 1_000_000)]
    pub index_events: u64,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The DuckDB reference script; pass an empty value to skip DuckDB.
    #[arg(long)]
    pub duckdb_script: Option<PathBuf>,
}

impl BenchArgs {
    pub fn run(&self, out: &mut impl Write) -> anyhow::Result<()> {
        let mut options = evidence::bench::BenchOptions::national(self.dir.clone(), self.as_of);
        options.persons = self.persons;
        options.offences_per_person_mean = self.offences_per_person;
        options.index_events = self.index_events;
        options.seed = self.seed;
        if let Some(script) = &self.duckdb_script {
            options.duckdb_script = (!script.as_os_str().is_empty()).then(|| script.clone());
        }
        evidence::bench::bench(&options, out)?;
        Ok(())
    }
}
