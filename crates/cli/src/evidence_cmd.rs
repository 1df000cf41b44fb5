//! `desist cohort | reoffending | survival | compare | bench`: clap arguments mapped onto the
//! evidence crate's library entry points. With `--data DIR` they read a folder of CSV files;
//! without it they read the extract imported into the store (`DATABASE_URL`), and cohorts then
//! apply the manual selections and deselections recorded there.

use domain::Clock;
use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};
use evidence::cli::{self as ev, Format, MeasureOptions};
use evidence::date::Day;
use evidence::reoffending::GroupBy;

use crate::config::Config;

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

fn data_dir(data: &Option<PathBuf>) -> PathBuf {
    data.clone().unwrap_or_default()
}

const NO_EXTRACT: &str = "the store holds no extract yet: run `desist import DIR` first, or pass --data DIR";

/// The extract held in the store, refusing an empty one (nothing imported yet): its snapshot
/// (the columns as bytes, without the offences' ids, which no measure reads), not its rows.
async fn stored(config: &Config) -> anyhow::Result<evidence::Dataset> {
    let store = crate::extract::open_store(config).await?;
    let (_, data) = store.evidence_dataset().await.context("reading the extract from the store")?;
    if data.person_count() == 0 {
        anyhow::bail!(NO_EXTRACT);
    }
    Ok(data)
}

/// Members of a cohort as of a date; `--record` keeps membership over time in the store;
/// `select` / `deselect` record manual decisions that win over the rule.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct CohortArgs {
    #[command(subcommand)]
    pub decision: Option<CohortDecision>,
    /// A shipped rule name (e.g. nl-very-active-prolific, ew-iom) or a rule expression.
    #[arg(long)]
    pub rule: Option<String>,
    /// The day membership is evaluated on (YYYY-MM-DD); by default the extract's own "data up
    /// to" date (stored at import; with --data, its latest date not after today).
    #[arg(long, value_parser = as_of)]
    pub as_of: Option<Day>,
    /// A folder with persons.csv and offences.csv (instead of the store).
    #[arg(long, conflicts_with = "record")]
    pub data: Option<PathBuf>,
    /// csv (header person_id, one id per line, sorted) or json.
    #[arg(long, default_value = "csv", value_parser = format)]
    pub format: Format,
    /// Evaluate the rule on every date from --from to --to (step --every) and record in the
    /// store who joined and left, with the manual decisions applied.
    #[arg(long, requires_all = ["from", "to"], conflicts_with = "as_of")]
    pub record: bool,
    #[arg(long, value_parser = as_of)]
    pub from: Option<Day>,
    #[arg(long, value_parser = as_of)]
    pub to: Option<Day>,
    /// Step between evaluation dates, in months or years (1m, 3m, 1y).
    #[arg(long, default_value = "1m", value_parser = months)]
    pub every: i32,
    /// The member (username) recording the history: a person on a case team who joins or
    /// leaves is put to the team in this member's name (a task on the open plan, or an entry
    /// on the team's cohort-changes list).
    #[arg(long, requires = "record")]
    pub by: Option<String>,
}

/// A manual decision about one person's membership of one rule's cohort.
#[derive(Debug, Subcommand)]
pub enum CohortDecision {
    /// Put a person in the cohort whatever the rule says (e.g. on police intelligence).
    Select(DecisionArgs),
    /// Take a person out of the cohort whatever the rule says.
    Deselect(DecisionArgs),
}

#[derive(Debug, Args)]
pub struct DecisionArgs {
    /// The person's source id (person_id in the extract).
    pub person: String,
    #[arg(long)]
    pub rule: String,
    /// Why (required; kept with the decision).
    #[arg(long)]
    pub reason: String,
    /// Who decided (a member's username when the person is on a case team: the team is told
    /// in that member's name).
    #[arg(long)]
    pub by: String,
    /// First day the decision applies (default: today).
    #[arg(long, value_parser = as_of)]
    pub from: Option<Day>,
}

/// What telling a changed person's team needs: today in the deployment's time zone, its
/// language and the cohort's name in it (for the task's description).
fn notify<'a>(
    config: &Config,
    by: Option<&'a str>,
    rule_label: Option<&'a str>,
    now: jiff::Timestamp,
) -> store::evidence::CohortNotify<'a> {
    let zone = jiff::tz::TimeZone::get(&config.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
    let lang = web::i18n::Lang::parse(&config.language).unwrap_or_default().pack();
    store::evidence::CohortNotify { by, today: now.to_zoned(zone).date(), lang, rule_label }
}

/// The cohort's name in the deployment's language, when the catalogue has one.
fn rule_label(config: &Config, rule: &str) -> Option<String> {
    web::i18n::cohort_name_in(web::i18n::Lang::parse(&config.language).unwrap_or_default().pack(), rule)
}

fn no_rule() -> anyhow::Error {
    anyhow::anyhow!("--rule NAME|EXPR is required")
}

impl CohortArgs {
    pub async fn run(&self, config: &Config, clock: &dyn Clock, out: &mut impl Write) -> anyhow::Result<()> {
        if let Some(decision) = &self.decision {
            return decide(decision, config, clock, out).await;
        }
        let rule_text = self.rule.clone().ok_or_else(no_rule)?;
        if self.record {
            return self.record(&rule_text, config, clock, out).await;
        }
        let as_of = match self.as_of {
            Some(day) => day,
            None => default_as_of(config, clock, self.data.as_deref()).await?,
        };
        let options = ev::CohortOptions {
            rule: rule_text.clone(),
            as_of,
            data: data_dir(&self.data),
            format: self.format,
            own_rules: config.cohort_rules.clone(),
        };
        if self.data.is_some() {
            warn(ev::cohort(&options, out)?);
            return Ok(());
        }
        // From the store: the database answers the rule itself and only the members are read;
        // the recorded manual decisions are applied to their ids.
        let store = crate::extract::open_store(config).await?;
        let rule = evidence::rules::resolve_with(&rule_text, &options.own_rules)?;
        let overrides: Vec<_> =
            store.cohort_overrides(&rule_text).await?.into_iter().map(|stored| stored.decision).collect();
        if !store.has_extract().await? {
            anyhow::bail!(NO_EXTRACT);
        }
        if let Some(members) = store.cohort_members_decided(&rule.expr, as_of, &overrides).await? {
            return print_members(&rule, as_of, &members, self.format, out);
        }
        let data = stored(config).await?;
        let compiled = evidence::rules::CompiledRule::compile(&rule.expr, &data);
        let history = evidence::membership::history(&data, &compiled, &[as_of], &overrides);
        print_members(&rule, as_of, &history.members, self.format, out)
    }

    async fn record(
        &self,
        rule_text: &str,
        config: &Config,
        clock: &dyn Clock,
        out: &mut impl Write,
    ) -> anyhow::Result<()> {
        let (from, to) = (self.from.expect("clap requires --from"), self.to.expect("clap requires --to"));
        if to < from || self.every < 1 {
            anyhow::bail!("--to must not be before --from, and --every at least 1m");
        }
        let mut dates = Vec::new();
        let mut step = 0;
        loop {
            let day = evidence::date::add_months(from, step * self.every);
            if day > to {
                break;
            }
            dates.push(day);
            step += 1;
        }
        let data = stored(config).await?;
        let store = crate::extract::open_store(config).await?;
        let overrides: Vec<_> =
            store.cohort_overrides(rule_text).await?.into_iter().map(|stored| stored.decision).collect();
        let rule = evidence::rules::resolve_with(rule_text, &config.cohort_rules)?;
        let compiled = evidence::rules::CompiledRule::compile(&rule.expr, &data);
        let history = evidence::membership::history(&data, &compiled, &dates, &overrides);
        let day = |d: Day| store::evidence::to_store_day(d).expect("a known date").0;
        let now = clock.now();
        let label = rule_label(config, rule_text);
        let notify = notify(config, self.by.as_deref(), label.as_deref(), now);
        let recorded =
            store.record_cohort_history(rule_text, day(from), day(to), &history.events, now, &notify).await?;
        let written = recorded.events;
        let joined = history.events.iter().filter(|e| e.change == evidence::membership::Change::Joined).count();
        writeln!(
            out,
            "recorded {written} membership changes of '{rule_text}' over {} dates ({joined} joined, {} left); {} members on {}",
            dates.len(),
            history.events.len() - joined,
            history.members.len(),
            evidence::date::format_day(*dates.last().unwrap_or(&from)),
        )?;
        if recorded.told > 0 {
            writeln!(out, "told the case teams of {} person(s) who joined or left", recorded.told)?;
        }
        for unknown in &history.unknown_persons {
            eprintln!("warning: a decision names person '{unknown}', who is not in the extract");
        }
        Ok(())
    }
}

fn print_members(
    rule: &evidence::rules::Rule,
    as_of: Day,
    members: &[String],
    format: Format,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    match format {
        Format::Csv | Format::Table => {
            writeln!(out, "person_id")?;
            let mut w = csv::WriterBuilder::new().has_headers(false).from_writer(&mut *out);
            for id in members {
                w.write_record([evidence::csv_io::neutralise(id).as_ref()])?;
            }
            w.flush()?;
        }
        Format::Json => {
            let json = serde_json::json!({
                "rule": { "name": rule.name, "expression": rule.expression },
                "as_of": evidence::date::format_day(as_of),
                "count": members.len(),
                "members": members,
            });
            serde_json::to_writer_pretty(&mut *out, &json)?;
            writeln!(out)?;
        }
    }
    Ok(())
}

async fn decide(
    decision: &CohortDecision,
    config: &Config,
    clock: &dyn Clock,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let (kind, args) = match decision {
        CohortDecision::Select(args) => (evidence::membership::OverrideKind::Select, args),
        CohortDecision::Deselect(args) => (evidence::membership::OverrideKind::Deselect, args),
    };
    if args.reason.trim().is_empty() {
        anyhow::bail!("--reason must say why");
    }
    let now = clock.now();
    let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
    let from = args.from.unwrap_or_else(|| {
        evidence::date::days_from_civil(i32::from(today.year()), today.month() as u32, today.day() as u32)
    });
    let store = crate::extract::open_store(config).await?;
    let decision = evidence::membership::Override {
        person_id: args.person.clone(),
        kind,
        from,
        until: None,
        reason: args.reason.clone(),
        decided_by: args.by.clone(),
    };
    let label = rule_label(config, &args.rule);
    let notify = notify(config, Some(&args.by), label.as_deref(), now);
    let told = match store.add_cohort_override(&args.rule, &decision, now, &notify).await {
        Ok(told) => told,
        Err(domain::ports::StoreError::NotFound) => {
            anyhow::bail!("person '{}' is not in the imported extract", args.person)
        }
        Err(other) => return Err(other.into()),
    };
    let verb = match kind {
        evidence::membership::OverrideKind::Select => "selected for",
        evidence::membership::OverrideKind::Deselect => "deselected from",
    };
    writeln!(
        out,
        "{} {verb} '{}' from {} by {}: {}",
        args.person,
        args.rule,
        evidence::date::format_day(from),
        args.by,
        args.reason
    )?;
    if told > 0 {
        writeln!(out, "told the case team of {told} person(s)")?;
    }
    Ok(())
}

/// The as-of date when none is given: the extract's own "data up to" date — the one stored
/// at its import, or (with `--data`) its latest offence or outcome date not after today.
async fn default_as_of(config: &Config, clock: &dyn Clock, data: Option<&std::path::Path>) -> anyhow::Result<Day> {
    let zone = jiff::tz::TimeZone::get(&config.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
    let today = clock.now().to_zoned(zone).date();
    let today = evidence::date::days_from_civil(i32::from(today.year()), today.month() as u32, today.day() as u32);
    let up_to = match data {
        Some(dir) => evidence::extract::dataset_up_to(&evidence::csv_io::load_dir(dir)?.0, today),
        None => {
            let store = crate::extract::open_store(config).await?;
            let stored = store.extract_data_up_to().await?;
            let day = |d: jiff::civil::Date| {
                evidence::date::days_from_civil(i32::from(d.year()), d.month() as u32, d.day() as u32)
            };
            stored.map_or(evidence::date::NO_DAY, day)
        }
    };
    if up_to == evidence::date::NO_DAY {
        anyhow::bail!("--as-of DATE is required: the extract has no dated offence to take it from");
    }
    Ok(up_to)
}

/// The follow-up definition shared by the measures.
#[derive(Debug, Args)]
pub struct MeasureArgs {
    /// A folder with persons.csv, offences.csv and index_events.csv (instead of the store).
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// The last day the data covers (YYYY-MM-DD); later windows are censored. By default the
    /// extract's own "data up to" date (stored at import; with --data, its latest date not
    /// after today).
    #[arg(long, value_parser = as_of)]
    pub as_of: Option<Day>,
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
    async fn options(&self, config: &Config, clock: &dyn Clock) -> anyhow::Result<MeasureOptions> {
        let as_of = match self.as_of {
            Some(day) => day,
            None => default_as_of(config, clock, self.data.as_deref()).await?,
        };
        Ok(MeasureOptions {
            data: data_dir(&self.data),
            as_of,
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
    pub async fn run(&self, config: &Config, clock: &dyn Clock, out: &mut impl Write) -> anyhow::Result<()> {
        if self.measure.data.is_some() {
            warn(ev::reoffending(&self.measure.options(config, clock).await?, self.by, out)?);
        } else {
            ev::reoffending_with(&stored(config).await?, &self.measure.options(config, clock).await?, self.by, out)?;
        }
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
    pub async fn run(&self, config: &Config, clock: &dyn Clock, out: &mut impl Write) -> anyhow::Result<()> {
        let compare = self.compare.as_ref().map(|g| (g[0].as_str(), g[1].as_str()));
        if self.measure.data.is_some() {
            warn(ev::survival(&self.measure.options(config, clock).await?, self.by, compare, out)?);
        } else {
            ev::survival_with(
                &stored(config).await?,
                &self.measure.options(config, clock).await?,
                self.by,
                compare,
                out,
            )?;
        }
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
    pub async fn run(&self, config: &Config, clock: &dyn Clock, out: &mut impl Write) -> anyhow::Result<()> {
        let method = match self.method.as_str() {
            "exact" => evidence::matching::Method::Exact,
            "propensity" => evidence::matching::Method::Propensity { caliper_sd: self.caliper },
            other => anyhow::bail!("unknown method '{other}' (expected exact or propensity)"),
        };
        if self.measure.data.is_some() {
            warn(ev::compare(&self.measure.options(config, clock).await?, &self.treated, method, self.seed, out)?);
        } else {
            let data = stored(config).await?;
            ev::compare_with(
                &data,
                &self.measure.options(config, clock).await?,
                &self.treated,
                method,
                self.seed,
                out,
            )?;
        }
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
    /// The DuckDB reference script (default: the one shipped in crates/evidence/bench).
    #[arg(long, conflicts_with = "skip_duckdb")]
    pub duckdb_script: Option<PathBuf>,
    /// Skip the DuckDB reference run (for a machine without Python's duckdb).
    #[arg(long)]
    pub skip_duckdb: bool,
    /// Skip timing the import into embedded SQLite against `sqlite3 .import`.
    #[arg(long)]
    pub skip_import: bool,
    /// Skip the whole paths: `desist cohort` and `desist reoffending` as new processes beside
    /// `sqlite3`, `psql` and DuckDB answering the same question in theirs.
    #[arg(long)]
    pub skip_whole_paths: bool,
    /// Also time the store paths on this PostgreSQL database (imported into; use a database
    /// of its own) against `psql`.
    #[arg(long, value_name = "URL")]
    pub postgres_url: Option<String>,
    /// The python that has duckdb, for the CSV references (default: $DESIST_STATS_PYTHON, else python3).
    #[arg(long, value_name = "PATH")]
    pub python: Option<PathBuf>,
}

impl BenchArgs {
    pub async fn run(&self, clock: &dyn Clock, out: &mut impl Write) -> anyhow::Result<()> {
        let mut options = evidence::bench::BenchOptions::national(self.dir.clone(), self.as_of);
        options.persons = self.persons;
        options.offences_per_person_mean = self.offences_per_person;
        options.index_events = self.index_events;
        options.seed = self.seed;
        let python = self.python.clone().unwrap_or_else(|| {
            std::env::var_os("DESIST_STATS_PYTHON").map_or_else(|| PathBuf::from("python3"), PathBuf::from)
        });
        options.python = python.clone();
        if self.skip_duckdb {
            options.duckdb_script = None;
        } else if let Some(script) = &self.duckdb_script {
            options.duckdb_script = Some(script.clone());
        }
        // Generated first, with a bar per file (the in-process bench then reuses the files).
        crate::bench_evidence::generate_with_bars(&options)?;
        evidence::bench::bench(&options, out)?;
        if !self.skip_import {
            crate::extract::bench_import(&self.dir, clock, out).await?;
            if let Some(kib) = evidence::bench::peak_rss_kib() {
                writeln!(out, "peak RSS including the import (VmHWM): {:.0} MiB", kib as f64 / 1024.0)?;
            }
        }
        if !self.skip_whole_paths {
            let paths = crate::bench_evidence::WholePaths {
                dir: &self.dir,
                as_of: self.as_of,
                python: &python,
                postgres_url: self.postgres_url.as_deref(),
            };
            let rows = crate::bench_evidence::whole_paths(&paths, out)?;
            if rows.iter().any(|r| r.agrees() == Some(false)) {
                anyhow::bail!("desist and a reference answered the same question differently");
            }
        }
        Ok(())
    }
}
