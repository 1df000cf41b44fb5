//! `desist`: the one binary. Serves the web application and API, loads the demo, runs
//! migrations, manages members; evidence commands (import, export, cohort, reoffending) work
//! over the same store; `bench evidence | people | plans | zsm` measure at national scale, `bench logins`
//! hostile sign-in load.

mod admin;
mod admin_edit;
mod bench_evidence;
// The evidence pages' first view from a fresh server (issue 21, evpages4 branch).
mod bench_evidence_pages;
mod bench_funds;
mod bench_http;
// Interventions (issue 19).
mod bench_interventions;
mod bench_logins;
mod bench_people;
mod bench_plans;
mod bench_sections;
mod bench_zsm;
mod config;
mod demo;
mod evidence_cmd;
mod extract;
mod ops;
mod serve;
mod users;

use anyhow::Context;
use clap::{Parser, Subcommand};
use config::Config;
use domain::{Clock, SystemClock};
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Parser)]
#[command(name = "desist", version, about = "One case, all partners: multi-agency work to stop reoffending")]
struct Cli {
    /// Configuration file (default: ./desist.toml when present).
    #[arg(long, global = true, env = "DESIST_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web application and API.
    Serve,
    /// Create (or refresh) desist-demo.db with a fictitious caseload and serve it.
    Demo(demo::DemoArgs),
    /// Bring the database schema up to date (also done at every start).
    Migrate {
        /// Only report applied and known migrations.
        #[arg(long)]
        status: bool,
    },
    /// Copy the embedded database to FILE while it serves (SQLite's online backup).
    Backup(ops::BackupArgs),
    /// Put a backup back, after checking it (intact, a desist database, not from a newer desist).
    Restore(ops::RestoreArgs),
    /// First run: create the first administrator (and their agency when there is none).
    Init(admin::InitArgs),
    /// Manage partner agencies.
    #[command(subcommand)]
    Agency(admin::AgencyCommand),
    /// Manage ZSM locations and custody suites.
    #[command(subcommand)]
    Location(admin::LocationCommand),
    /// Manage Safety Houses / IOM hubs and their conference settings.
    #[command(subcommand)]
    SafetyHouse(admin::SafetyHouseCommand),
    /// Manage API keys for partner systems.
    #[command(subcommand)]
    ApiKey(admin::ApiKeyCommand),
    /// Manage members (users); also `desist member …`.
    #[command(subcommand, alias = "member")]
    User(users::UserCommand),
    /// Print a commented example desist.toml.
    DefaultConfig,
    /// Load an offence-history extract (persons.csv, offences.csv, index_events.csv) into the store.
    Import(extract::ImportArgs),
    /// Write the stored extract as offence-history CSV files.
    Export(extract::ExportArgs),
    /// Members of a cohort as of a date, by a shipped rule name or a rule expression.
    Cohort(evidence_cmd::CohortArgs),
    /// Proven reoffending by group, with Wilson 95% intervals.
    Reoffending(evidence_cmd::ReoffendingArgs),
    /// Time to first proven reoffence (Kaplan–Meier) by group, with a log-rank test.
    Survival(evidence_cmd::SurvivalArgs),
    /// A treated group against a matched comparison group.
    Compare(evidence_cmd::CompareArgs),
    /// Benchmarks at national scale, side by side with a reference run.
    #[command(subcommand)]
    Bench(BenchCommand),
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Evidence measures over generated CSV data, against DuckDB.
    Evidence(evidence_cmd::BenchArgs),
    /// Person search and person page over HTTP (wrk) with generated people, against /healthz.
    People(bench_people::PeopleBenchArgs),
    /// The ZSM board (wrk, against /healthz) and a year's metrics page over generated cases.
    Zsm(bench_zsm::ZsmBenchArgs),
    /// "My agency's tasks", a plan page and the weekly review with 100k plans and 1M tasks.
    Plans(bench_plans::PlansBenchArgs),
    /// Wrong sign-ins by the hundreds at once: the server's peak memory, and signed-in members'
    /// p99 beside /healthz.
    Logins(bench_logins::LoginsBenchArgs),
    /// 64 partners saving their own sections of 200 open ZSM cases at once, over HTTP, on
    /// SQLite and (with --postgres-url) PostgreSQL: conflicts, lost updates, p50/p99.
    Sections(bench_sections::SectionsBenchArgs),
    /// The interventions finder and a provider's referral list (wrk, against /healthz) and
    /// every intervention's expected wait recomputed; bulk-loaded at --scale national (2,000
    /// interventions, 300k referrals, 3M session records), small or tiny.
    Interventions(bench_interventions::InterventionsBenchArgs),
    /// Personal funds (issue 20): concurrent clients posting transfers against hot accounts
    /// over HTTP, on SQLite and (with --postgres-url) PostgreSQL: invariant violations
    /// (target 0), throughput, p99 beside /healthz.
    Funds(bench_funds::FundsBenchArgs),
    /// The evidence pages' first view from a fresh `desist serve` (whole path, beside
    /// /healthz) on the demo's store with a generated extract of --persons on top, and the
    /// server's peak memory (issue 21: < 2 s at national scale, --persons 1000000).
    EvidencePages(bench_evidence_pages::EvidencePagesBenchArgs),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    if let Command::DefaultConfig = cli.command {
        print!("{}", config::EXAMPLE);
        return std::process::ExitCode::SUCCESS;
    }
    let config = match Config::load(cli.config.as_deref(), |name| std::env::var(name).ok()) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("desist: configuration: {error}");
            return std::process::ExitCode::from(2);
        }
    };
    init_logging(&config);
    let names: Vec<String> = std::env::vars_os().filter_map(|(name, _)| name.into_string().ok()).collect();
    for warning in config::unknown_variables(names.iter().map(String::as_str)) {
        tracing::warn!("{warning}");
    }
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime starts");
    // The composition root: the one place the system clock is chosen. Everything below reads
    // time from this `Clock` (tests and the demo give their own).
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    match runtime.block_on(run(cli.command, config, clock)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("desist: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, config: Config, clock: Arc<dyn Clock>) -> anyhow::Result<()> {
    let out = &mut std::io::stdout();
    match command {
        Command::Serve => serve::serve(&config, clock).await,
        Command::Demo(args) => demo::run(args, config, clock).await,
        Command::Migrate { status } => {
            let store = store::Store::open(&config.database_url, 2).await.context("opening the database")?;
            if !status {
                store.migrate().await?;
            }
            let (applied, known) = store.migration_status().await?;
            println!("{} database: {applied} of {known} migrations applied", store.backend());
            Ok(())
        }
        Command::Backup(args) => args.run(&config, out).await,
        Command::Restore(args) => args.run(&config, out).await,
        Command::Init(args) => args.run(&config, clock.as_ref()).await,
        Command::Agency(command) => command.run(&config, clock.as_ref()).await,
        Command::Location(command) => command.run(&config, clock.as_ref()).await,
        Command::SafetyHouse(command) => command.run(&config, clock.as_ref()).await,
        Command::ApiKey(command) => command.run(&config, clock.as_ref()).await,
        Command::User(command) => users::run(command, &config, clock.as_ref()).await,
        Command::DefaultConfig => unreachable!("handled before the runtime starts"),
        Command::Import(args) => args.run(&config, clock.as_ref(), out).await,
        Command::Export(args) => args.run(&config, out).await,
        Command::Cohort(args) => args.run(&config, clock.as_ref(), out).await,
        Command::Reoffending(args) => args.run(&config, clock.as_ref(), out).await,
        Command::Survival(args) => args.run(&config, clock.as_ref(), out).await,
        Command::Compare(args) => args.run(&config, clock.as_ref(), out).await,
        Command::Bench(BenchCommand::Evidence(args)) => args.run(clock.as_ref(), out).await,
        Command::Bench(BenchCommand::People(args)) => bench_people::run(args, config, clock.as_ref()).await,
        Command::Bench(BenchCommand::Zsm(args)) => bench_zsm::run(args, config, clock.as_ref()).await,
        Command::Bench(BenchCommand::Plans(args)) => bench_plans::run(args, config, clock.as_ref()).await,
        Command::Bench(BenchCommand::Logins(args)) => bench_logins::run(args, clock.as_ref()).await,
        Command::Bench(BenchCommand::Sections(args)) => bench_sections::run(args, config, clock.as_ref()).await,
        Command::Bench(BenchCommand::Interventions(args)) => {
            bench_interventions::run(args, config, clock.as_ref()).await
        }
        Command::Bench(BenchCommand::Funds(args)) => bench_funds::run(args, config, clock.as_ref()).await,
        Command::Bench(BenchCommand::EvidencePages(args)) => bench_evidence_pages::run(args).await,
    }
}

fn init_logging(config: &Config) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_new(&config.log).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if config.log_format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn evidence_bench(args: &[&str]) -> Result<evidence_cmd::BenchArgs, clap::Error> {
        let cli = Cli::try_parse_from(["desist", "bench", "evidence"].iter().chain(args))?;
        match cli.command {
            Command::Bench(BenchCommand::Evidence(bench)) => Ok(bench),
            _ => panic!("parsed as another command"),
        }
    }

    #[test]
    fn the_duckdb_reference_is_skipped_by_a_flag_not_an_empty_path() {
        assert!(evidence_bench(&["--skip-duckdb"]).unwrap().skip_duckdb);
        assert_eq!(
            evidence_bench(&["--duckdb-script", "ref.py"]).unwrap().duckdb_script,
            Some(PathBuf::from("ref.py"))
        );
        let Err(both) = evidence_bench(&["--skip-duckdb", "--duckdb-script", "ref.py"]) else {
            panic!("--skip-duckdb with --duckdb-script must be refused");
        };
        assert_eq!(both.kind(), clap::error::ErrorKind::ArgumentConflict);
    }
}
