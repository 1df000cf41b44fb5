//! `desist bench zsm` (issue 4, Performance): the live board of one ZSM location with a day's
//! open cases and years of decided ones, driven by `wrk` at 64 connections against the server
//! started in this process, beside `/healthz` as the reference in the same run; and the
//! metrics page for a year of the location's cases, timed request by request (median, p95)
//! beside the same number of `/healthz` requests.

use crate::bench_http::{
    HttpBenchArgs, RouteResult, Server, Session, bench_member, print_routes, relate, require_no_failures,
};
use crate::bench_people::load_people;
use crate::config::{Config, redact_url};
use anyhow::Context;
use clap::Args;
use domain::zsm::ports::ZsmStore;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use std::io::IsTerminal;
use std::time::{Duration, Instant};
use store::Store;
use store::bulk::{BulkSpec, ZsmBulkSpec};

const BENCH_MEMBER: &str = "bench.zsm";
/// Issue 4: the metrics page for a year of a location's cases answers within this.
const METRICS_BUDGET_MS: f64 = 200.0;

#[derive(Args)]
pub struct ZsmBenchArgs {
    /// Open cases on the board (arrested within the last 20 hours).
    #[arg(long, default_value_t = 200)]
    open: u64,
    /// Decided cases at the location, spread over the last five years.
    #[arg(long, default_value_t = 100_000)]
    historic: u64,
    /// Generated people the suspects are drawn from (loaded when missing).
    #[arg(long, default_value_t = 25_000)]
    people: u64,
    /// Metrics page requests timed one after another.
    #[arg(long, default_value_t = 20)]
    metrics_requests: usize,
    #[command(flatten)]
    http: HttpBenchArgs,
}

/// Sequential timings of one page beside the same number of `/healthz` requests.
#[derive(Debug, Serialize)]
struct Timed {
    route: String,
    requests: usize,
    /// Cases the page aggregates (registered in the period).
    cases_in_period: usize,
    median_ms: f64,
    p95_ms: f64,
    max_ms: f64,
    reference_median_ms: f64,
    reference_p95_ms: f64,
    /// The page's median relative to `/healthz`'s median.
    median_ratio: f64,
    budget_ms: f64,
    within_budget: bool,
}

#[derive(Debug, Serialize)]
struct Report {
    backend: &'static str,
    database: String,
    people: u64,
    open_cases: u64,
    historic_cases: u64,
    load_seconds: f64,
    cases_loaded_now: u64,
    connections: u32,
    threads: u32,
    seconds_per_route: u64,
    pool: u32,
    reference: RouteResult,
    board: RouteResult,
    metrics: Timed,
}

pub async fn run(args: ZsmBenchArgs, config: Config, clock: &dyn domain::Clock) -> anyhow::Result<()> {
    let url = args.http.database_url.clone().unwrap_or_else(|| format!("sqlite:desist-bench-zsm-{}.db", args.historic));
    let pool = args.http.pool.unwrap_or(config.max_connections);
    let store =
        Store::connect(&url, pool).await.with_context(|| format!("opening the database {}", redact_url(&url)))?;
    let people = BulkSpec::new(args.people, args.http.seed);
    let cases = ZsmBulkSpec::new(args.open, args.historic, clock.now(), args.http.seed);

    let started = Instant::now();
    let loaded = load_people(&store, &people).await?;
    let bar = if std::io::stderr().is_terminal() { ProgressBar::new(cases.total()) } else { ProgressBar::hidden() };
    bar.set_style(
        ProgressStyle::with_template("loading cases {bar:40.cyan/blue} {human_pos}/{human_len} ({per_sec}, {eta})")?
            .progress_chars("=> "),
    );
    let zsm = store.bulk_load_zsm(&people, &loaded, &cases, |n| bar.set_position(n)).await?;
    bar.finish_and_clear();
    if zsm.written == 0 {
        eprintln!("reusing the {} cases already at {} (their clocks ran on since)", zsm.existing, cases.location);
    }
    let load_seconds = started.elapsed().as_secs_f64();

    let password = bench_member(&store, BENCH_MEMBER, loaded.agencies[0], clock).await?;
    let (location, pack) = (cases.location.clone(), domain::jurisdiction::shipped_pack("nl")?);
    let today = clock.now().to_zoned(pack.time_zone.clone()).date();
    let from = today.saturating_sub(jiff::Span::new().days(364));
    let (start, end) = (from.to_zoned(pack.time_zone.clone())?.timestamp(), clock.now());
    let cases_in_period = store.metrics_rows(&location, start, end).await?.len();

    let server = Server::start(&store, &config).await?;
    let board_path = format!("/zsm/{location}/board");
    let metrics_path = format!("/zsm/{location}/metrics?from={from}&to={today}");
    let outcome = measure(&args, &server, &password, &board_path, &metrics_path).await;
    server.stop().await;
    store.close().await;
    let (reference, mut board, metrics_times, reference_times) = outcome?;
    relate(&reference, std::slice::from_mut(&mut board));
    let (median, p95, max) = summary(&metrics_times);
    let (reference_median, reference_p95, _) = summary(&reference_times);
    let metrics = Timed {
        route: "/zsm/{location}/metrics (1 year)".into(),
        requests: metrics_times.len(),
        cases_in_period,
        median_ms: median,
        p95_ms: p95,
        max_ms: max,
        reference_median_ms: reference_median,
        reference_p95_ms: reference_p95,
        median_ratio: median / reference_median.max(f64::MIN_POSITIVE),
        budget_ms: METRICS_BUDGET_MS,
        within_budget: p95 <= METRICS_BUDGET_MS,
    };
    let report = Report {
        backend: store.backend(),
        database: redact_url(&url),
        people: args.people,
        open_cases: args.open,
        historic_cases: args.historic,
        load_seconds,
        cases_loaded_now: zsm.written,
        connections: args.http.connections,
        threads: args.http.threads,
        seconds_per_route: args.http.duration.as_secs(),
        pool,
        reference,
        board,
        metrics,
    };
    if args.http.format == "json" {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_table(&report);
    }
    require_no_failures([&report.reference, &report.board])
}

type Measured = (RouteResult, RouteResult, Vec<f64>, Vec<f64>);

async fn measure(
    args: &ZsmBenchArgs,
    server: &Server,
    password: &str,
    board: &str,
    metrics: &str,
) -> anyhow::Result<Measured> {
    let session = Session::sign_in(server.address, BENCH_MEMBER, password).await?;
    for path in [board, metrics, "/healthz"] {
        session.expect_ok(path).await?;
    }
    let options = args.http.wrk_options();
    let (health, boards) = (vec!["/healthz".to_string()], vec![board.to_string()]);
    // A short warm-up fills the caches a long-running server would have warm.
    session.wrk(&options, &boards, Duration::from_secs(3).min(args.http.duration)).await?;
    let reference = session.wrk(&options, &health, args.http.duration).await?.into_route("/healthz");
    let board_result = session.wrk(&options, &boards, args.http.duration).await?.into_route("/zsm/{location}/board");
    // The metrics page on a quiet server, one request at a time, beside as many /healthz.
    session.time_requests(metrics, 2).await?;
    let metrics_times = session.time_requests(metrics, args.metrics_requests.max(1)).await?;
    let reference_times = session.time_requests("/healthz", args.metrics_requests.max(1)).await?;
    Ok((reference, board_result, metrics_times, reference_times))
}

/// Median, 95th percentile (nearest rank) and maximum.
fn summary(times: &[f64]) -> (f64, f64, f64) {
    let mut sorted = times.to_vec();
    sorted.sort_by(f64::total_cmp);
    if sorted.is_empty() {
        return (0.0, 0.0, 0.0);
    }
    let rank = |p: f64| sorted[((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1];
    (rank(0.5), rank(0.95), sorted[sorted.len() - 1])
}

fn print_table(report: &Report) {
    println!(
        "desist bench zsm — {} ({}), {} open + {} decided cases over {} people (load {:.1} s, {} cases written now); \
         wrk -t{} -c{}, {} s per route, pool {}",
        report.backend,
        report.database,
        report.open_cases,
        report.historic_cases,
        report.people,
        report.load_seconds,
        report.cases_loaded_now,
        report.threads,
        report.connections,
        report.seconds_per_route,
        report.pool
    );
    println!();
    print_routes(&[&report.reference, &report.board]);
    println!();
    let m = &report.metrics;
    println!(
        "{}: {} cases, {} requests one at a time: median {:.1} ms, p95 {:.1} ms, max {:.1} ms; \
         /healthz median {:.2} ms (ratio {:.0}); p95 ≤ {:.0} ms: {}",
        m.route,
        m.cases_in_period,
        m.requests,
        m.median_ms,
        m.p95_ms,
        m.max_ms,
        m.reference_median_ms,
        m.median_ratio,
        m.budget_ms,
        if m.within_budget { "yes" } else { "NO" }
    );
    println!();
    println!("reference: /healthz (session lookup and one small query) in the same run, same connections");
}

#[cfg(test)]
mod tests {
    use super::summary;

    #[test]
    fn median_and_p95_by_nearest_rank() {
        let times: Vec<f64> = (1..=20).rev().map(f64::from).collect();
        assert_eq!(summary(&times), (10.0, 19.0, 20.0));
        assert_eq!(summary(&[7.0]), (7.0, 7.0, 7.0));
        assert_eq!(summary(&[]), (0.0, 0.0, 0.0));
    }
}
