//! `desist bench plans`: the one shared plan at scale (default 100,000 plans and 1,000,000
//! tasks spread over the bulk agencies), measured over HTTP like `bench people`: "my agency's
//! tasks" and a plan page driven by `wrk` next to `/healthz` in the same run, and the weekly
//! review list timed request by request (issue 5's target: under 200 ms), also next to
//! `/healthz` timed the same way.

use crate::bench_http::{
    HttpBenchArgs, P99_BUDGET_MS, RouteResult, Server, Session, bench_member, print_routes, relate, require_no_failures,
};
use crate::bench_people::load_people;
use crate::config::{Config, redact_url};
use anyhow::{Context, bail};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use std::io::IsTerminal;
use std::time::Instant;
use store::Store;
use store::bulk::{BULK_AGENCIES, BulkSpec, PlanBulkSpec, plan_agencies};
use uuid::Uuid;

const BENCH_MEMBER: &str = "bench.planner";
/// Distinct plan pages the benchmark rotates through.
const TARGETS: usize = 2_000;
/// Issue 5: the weekly review list within this.
const REVIEW_BUDGET_MS: f64 = 200.0;

#[derive(Args)]
pub struct PlansBenchArgs {
    /// Generated plans (one per generated person); loaded when missing, reused when there.
    #[arg(long, default_value_t = 100_000)]
    plans: u64,
    /// Tasks on each plan, owned by the agencies on its team.
    #[arg(long, default_value_t = 10)]
    tasks_per_plan: usize,
    /// The benchmark member's agency, as an index into the bulk agencies (default: probation).
    #[arg(long, default_value_t = 6)]
    agency: usize,
    /// Sequential requests timed for the weekly review (and for /healthz beside it).
    #[arg(long, default_value_t = 5)]
    review_runs: usize,
    #[command(flatten)]
    http: HttpBenchArgs,
}

#[derive(Debug, Serialize)]
struct SequentialTiming {
    route: &'static str,
    runs: usize,
    median_ms: f64,
    max_ms: f64,
}

impl SequentialTiming {
    fn of(route: &'static str, times: &[f64]) -> SequentialTiming {
        SequentialTiming {
            route,
            runs: times.len(),
            median_ms: times.get(times.len() / 2).copied().unwrap_or_default(),
            max_ms: times.last().copied().unwrap_or_default(),
        }
    }
}

#[derive(Debug, Serialize)]
struct Report {
    backend: &'static str,
    database: String,
    plans: u64,
    tasks: u64,
    load_seconds: f64,
    plans_loaded_now: u64,
    agency: &'static str,
    plans_of_agency: usize,
    connections: u32,
    threads: u32,
    seconds_per_route: u64,
    pool: u32,
    p99_budget_ms: f64,
    reference: RouteResult,
    routes: Vec<RouteResult>,
    review_budget_ms: f64,
    weekly_review: SequentialTiming,
    healthz_sequential: SequentialTiming,
    /// The weekly review's median over /healthz's, both timed one request at a time.
    weekly_review_ratio: f64,
    weekly_review_within_budget: bool,
}

pub async fn run(args: PlansBenchArgs, config: Config, clock: &dyn domain::Clock) -> anyhow::Result<()> {
    if args.agency >= BULK_AGENCIES.len() {
        bail!("--agency must be below {}", BULK_AGENCIES.len());
    }
    let url = args.http.database_url.clone().unwrap_or_else(|| format!("sqlite:desist-bench-plans-{}.db", args.plans));
    let pool = args.http.pool.unwrap_or(config.max_connections);
    let store =
        Store::connect(&url, pool).await.with_context(|| format!("opening the database {}", redact_url(&url)))?;
    let zone = jiff::tz::TimeZone::get(&config.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
    let spec = PlanBulkSpec {
        people: BulkSpec::new(args.plans, args.http.seed),
        tasks_per_plan: args.tasks_per_plan,
        today: clock.now().to_zoned(zone).date(),
    };

    let started = Instant::now();
    let people = load_people(&store, &spec.people).await?;
    let agencies: Vec<Uuid> = people.agencies.iter().map(|a| *a.as_uuid()).collect();
    let plans_loaded = load_plans(&store, &spec, &agencies).await?;
    let load_seconds = started.elapsed().as_secs_f64();

    let password = bench_member(&store, BENCH_MEMBER, people.agencies[args.agency], clock).await?;
    let pages = plan_pages(&spec.people, args.agency);
    let plans_of_agency = pages.len();
    if pages.is_empty() {
        bail!("no generated plan has agency {} on its team: generate more plans", args.agency);
    }
    let pages: Vec<String> = pages.into_iter().step_by((plans_of_agency / TARGETS).max(1)).take(TARGETS).collect();

    let server = Server::start(&store, &config).await?;
    let outcome = measure(&args, &server, &password, pages).await;
    server.stop().await;
    store.close().await;
    let (reference, mut routes, mut review, mut health) = outcome?;
    relate(&reference, &mut routes);
    review.sort_by(f64::total_cmp);
    health.sort_by(f64::total_cmp);
    let weekly_review = SequentialTiming::of("/reviews/weekly", &review);
    let healthz_sequential = SequentialTiming::of("/healthz", &health);
    let report = Report {
        backend: store.backend(),
        database: redact_url(&url),
        plans: args.plans,
        tasks: args.plans * args.tasks_per_plan as u64,
        load_seconds,
        plans_loaded_now: plans_loaded,
        agency: BULK_AGENCIES[args.agency].0,
        plans_of_agency,
        connections: args.http.connections,
        threads: args.http.threads,
        seconds_per_route: args.http.duration.as_secs(),
        pool,
        p99_budget_ms: P99_BUDGET_MS,
        reference,
        routes,
        review_budget_ms: REVIEW_BUDGET_MS,
        weekly_review_ratio: weekly_review.median_ms / healthz_sequential.median_ms.max(f64::MIN_POSITIVE),
        weekly_review_within_budget: weekly_review.median_ms <= REVIEW_BUDGET_MS,
        weekly_review,
        healthz_sequential,
    };
    if args.http.format == "json" {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_report(&report);
    }
    require_no_failures(std::iter::once(&report.reference).chain(&report.routes))
}

type Measured = (RouteResult, Vec<RouteResult>, Vec<f64>, Vec<f64>);

/// wrk on /healthz, "my agency's tasks" and the plan pages; then the weekly review and /healthz
/// one request at a time.
async fn measure(
    args: &PlansBenchArgs,
    server: &Server,
    password: &str,
    pages: Vec<String>,
) -> anyhow::Result<Measured> {
    let session = Session::sign_in(server.address, BENCH_MEMBER, password).await?;
    for path in ["/tasks/agency", pages[0].as_str(), "/reviews/weekly", "/healthz"] {
        session.expect_ok(path).await?;
    }
    let options = args.http.wrk_options();
    let (health, tasks) = (vec!["/healthz".to_string()], vec!["/tasks/agency".to_string()]);
    // A short warm-up fills the caches a long-running server would have warm.
    let warm = std::time::Duration::from_secs(3).min(args.http.duration);
    for paths in [&tasks, &pages] {
        session.wrk(&options, paths, warm).await?;
    }
    let reference = session.wrk(&options, &health, args.http.duration).await?.into_route("/healthz");
    let routes = vec![
        session.wrk(&options, &tasks, args.http.duration).await?.into_route("/tasks/agency"),
        session.wrk(&options, &pages, args.http.duration).await?.into_route("/people/{id}/plan"),
    ];
    let runs = args.review_runs.max(1);
    let review = session.time_requests("/reviews/weekly", runs).await?;
    let health_times = session.time_requests("/healthz", runs).await?;
    Ok((reference, routes, review, health_times))
}

async fn load_plans(store: &Store, spec: &PlanBulkSpec, agencies: &[Uuid]) -> anyhow::Result<u64> {
    let bar = if std::io::stderr().is_terminal() { ProgressBar::new(spec.people.count) } else { ProgressBar::hidden() };
    bar.set_style(
        ProgressStyle::with_template("loading plans {bar:40.cyan/blue} {human_pos}/{human_len} ({per_sec}, {eta})")?
            .progress_chars("=> "),
    );
    eprintln!("desist bench plans: {} plans of {} tasks each", spec.people.count, spec.tasks_per_plan);
    let loaded = store.bulk_load_plans(spec, agencies, |present| bar.set_position(present)).await?;
    bar.finish_and_clear();
    if loaded.written == 0 {
        eprintln!("reusing the {} plans already loaded", loaded.existing);
    }
    Ok(loaded.written)
}

/// Plan pages of the persons whose team holds the agency (`agency` indexes the bulk agencies).
fn plan_pages(spec: &BulkSpec, agency: usize) -> Vec<String> {
    (0..spec.count)
        .filter(|&i| plan_agencies(spec.seed, i).contains(&agency))
        .map(|i| format!("/people/{}/plan", spec.person(i).id))
        .collect()
}

fn print_report(report: &Report) {
    println!(
        "desist bench plans — {} ({}), {} plans, {} tasks (load {:.1} s, {} plans written now); \
         member of {} (on {} plans' teams); wrk -t{} -c{}, {} s per route, pool {}",
        report.backend,
        report.database,
        report.plans,
        report.tasks,
        report.load_seconds,
        report.plans_loaded_now,
        report.agency,
        report.plans_of_agency,
        report.threads,
        report.connections,
        report.seconds_per_route,
        report.pool
    );
    println!();
    print_routes(&std::iter::once(&report.reference).chain(&report.routes).collect::<Vec<_>>());
    println!();
    println!(
        "weekly review, one request at a time ({} runs): median {:.1} ms, max {:.1} ms; /healthz median {:.2} ms; \
         ratio {:.1}; within {} ms: {}",
        report.weekly_review.runs,
        report.weekly_review.median_ms,
        report.weekly_review.max_ms,
        report.healthz_sequential.median_ms,
        report.weekly_review_ratio,
        report.review_budget_ms,
        if report.weekly_review_within_budget { "yes" } else { "NO" }
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_pages_are_those_of_plans_with_the_agency_on_the_team() {
        let spec = BulkSpec::new(300, 2);
        let pages = plan_pages(&spec, 6);
        // Three of the twenty agencies are on each plan's team.
        assert!((25..70).contains(&pages.len()), "{}", pages.len());
        let first = (0..300).find(|&i| plan_agencies(2, i).contains(&6)).unwrap();
        assert_eq!(pages[0], format!("/people/{}/plan", spec.person(first).id));
    }
}
