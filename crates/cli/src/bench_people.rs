//! `desist bench people`: person search and the person page at national scale, measured the
//! way users meet them — over HTTP, signed in, through the whole stack — by `wrk` against the
//! real server started in this process. A trivial route (`/healthz`: session lookup, one small
//! query) is driven in the same run as a reference, so the report reads as "search costs N
//! times a no-op request on this machine", which stays comparable on a busy or shared host.

use crate::bench_http::{
    HttpBenchArgs, P99_BUDGET_MS, RouteResult, Server, Session, bench_member, percent_encode, print_routes, relate,
    require_no_failures,
};
use crate::config::{Config, redact_url};
use anyhow::Context;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use std::io::IsTerminal;
use std::time::{Duration, Instant};
use store::Store;
use store::bulk::{BulkSpec, generated_agency};

const BENCH_MEMBER: &str = "bench.zoeker";
/// Distinct search queries and person pages the benchmark rotates through.
const TARGETS: usize = 2_000;

#[derive(Args)]
pub struct PeopleBenchArgs {
    /// Generated people in the database; loaded when missing, reused when already there.
    #[arg(long, default_value_t = 1_000_000)]
    people: u64,
    #[command(flatten)]
    http: HttpBenchArgs,
}

#[derive(Debug, Serialize)]
struct Report {
    backend: &'static str,
    database: String,
    people: u64,
    load_seconds: f64,
    people_loaded_now: u64,
    connections: u32,
    threads: u32,
    seconds_per_route: u64,
    pool: u32,
    p99_budget_ms: f64,
    reference: RouteResult,
    routes: Vec<RouteResult>,
}

pub async fn run(args: PeopleBenchArgs, config: Config, clock: &dyn domain::Clock) -> anyhow::Result<()> {
    let url = args.http.database_url.clone().unwrap_or_else(|| format!("sqlite:desist-bench-{}.db", args.people));
    let pool = args.http.pool.unwrap_or(config.max_connections);
    let store =
        Store::connect(&url, pool).await.with_context(|| format!("opening the database {}", redact_url(&url)))?;
    let spec = BulkSpec::new(args.people, args.http.seed);

    let started = Instant::now();
    let loaded = load_people(&store, &spec).await?;
    let load_seconds = started.elapsed().as_secs_f64();

    // The searcher works for the first bulk agency and sees the people on its teams.
    let password = bench_member(&store, BENCH_MEMBER, loaded.agencies[0], clock).await?;
    let targets = Targets::for_agency(&spec, 0);

    let server = Server::start(&store, &config).await?;
    let outcome = measure(&args, &server, &password, &targets).await;
    server.stop().await;
    store.close().await;
    let (reference, mut routes) = outcome?;
    relate(&reference, &mut routes);
    let report = Report {
        backend: store.backend(),
        database: redact_url(&url),
        people: args.people,
        load_seconds,
        people_loaded_now: loaded.written,
        connections: args.http.connections,
        threads: args.http.threads,
        seconds_per_route: args.http.duration.as_secs(),
        pool,
        p99_budget_ms: P99_BUDGET_MS,
        reference,
        routes,
    };
    if args.http.format == "json" {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_table(&report);
    }
    require_no_failures(report.routes.iter().chain([&report.reference]))
}

pub(crate) async fn load_people(store: &Store, spec: &BulkSpec) -> anyhow::Result<store::bulk::BulkLoaded> {
    let bar = if std::io::stderr().is_terminal() { ProgressBar::new(spec.count) } else { ProgressBar::hidden() };
    bar.set_style(
        ProgressStyle::with_template("loading people {bar:40.cyan/blue} {human_pos}/{human_len} ({per_sec}, {eta})")?
            .progress_chars("=> "),
    );
    eprintln!("desist bench: {} generated people in the {} database", spec.count, store.backend());
    let loaded = store.bulk_load_people(spec, |present| bar.set_position(present)).await?;
    bar.finish_and_clear();
    if loaded.written == 0 {
        eprintln!("reusing the {} people already loaded", loaded.existing);
    }
    Ok(loaded)
}

/// Request paths for the two measured routes, from people the searcher may see.
struct Targets {
    searches: Vec<String>,
    pages: Vec<String>,
}

impl Targets {
    fn for_agency(spec: &BulkSpec, agency: usize) -> Targets {
        let visible: Vec<u64> = (0..spec.count).filter(|&i| generated_agency(spec.seed, i) == agency).collect();
        let step = (visible.len() / TARGETS).max(1);
        let mut targets = Targets { searches: Vec::new(), pages: Vec::new() };
        for (n, &index) in visible.iter().step_by(step).take(TARGETS).enumerate() {
            let person = spec.person(index);
            targets.pages.push(format!("/people/{}", person.id));
            let details = &person.details;
            let given = details.given_names.as_deref().unwrap_or_default();
            let first_given = given.split(' ').next().unwrap_or_default();
            let dob = details.birth_date.map(|d| d.to_string()).unwrap_or_default();
            let family_word = details.family_name.rsplit(' ').next().unwrap_or_default();
            let prefix = |word: &str, n: usize| word.chars().take(n).collect::<String>();
            // The ways people are looked up at a counter or on the phone.
            let query = match n % 7 {
                0 => prefix(family_word, 4),
                1 => format!("{first_given} {}", details.family_name),
                2 => person.bsn().to_string(),
                3 => format!("{} {dob}", details.family_name),
                4 => format!("{} {}", prefix(first_given, 3), prefix(family_word, 3)),
                5 => details.birth_date.map(|d| d.strftime("%d-%m-%Y").to_string()).unwrap_or_default(),
                _ => details.family_name.to_lowercase(),
            };
            targets.searches.push(format!("/people?q={}", percent_encode(&query)));
        }
        targets
    }
}

async fn measure(
    args: &PeopleBenchArgs,
    server: &Server,
    password: &str,
    targets: &Targets,
) -> anyhow::Result<(RouteResult, Vec<RouteResult>)> {
    let session = Session::sign_in(server.address, BENCH_MEMBER, password).await?;
    for path in [&targets.searches[0], &targets.pages[0], "/healthz"] {
        session.expect_ok(path).await?;
    }
    let options = args.http.wrk_options();
    let health = vec!["/healthz".to_string()];
    // A short warm-up fills the caches a long-running server would have warm.
    let warm = Duration::from_secs(3).min(args.http.duration);
    for paths in [&targets.searches, &targets.pages] {
        session.wrk(&options, paths, warm).await?;
    }
    let reference = session.wrk(&options, &health, args.http.duration).await?.into_route("/healthz");
    let search = session.wrk(&options, &targets.searches, args.http.duration).await?;
    let page = session.wrk(&options, &targets.pages, args.http.duration).await?;
    Ok((reference, vec![search.into_route("/people?q=…"), page.into_route("/people/{id}")]))
}

fn print_table(report: &Report) {
    println!(
        "desist bench people — {} ({}), {} people (load {:.1} s, {} written now); wrk -t{} -c{}, {} s per route, pool {}",
        report.backend,
        report.database,
        report.people,
        report.load_seconds,
        report.people_loaded_now,
        report.threads,
        report.connections,
        report.seconds_per_route,
        report.pool
    );
    println!();
    print_routes(&[&report.reference].into_iter().chain(&report.routes).collect::<Vec<_>>());
    println!();
    println!("reference: /healthz (session lookup and one small query) in the same run, same connections");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_people_of_the_searchers_agency() {
        let spec = BulkSpec::new(5_000, 3);
        let targets = Targets::for_agency(&spec, 4);
        assert!(targets.pages.len() > 150 && targets.searches.len() == targets.pages.len());
        let visible: Vec<String> = (0..spec.count)
            .map(|i| spec.person(i))
            .filter(|p| p.agency == 4)
            .map(|p| format!("/people/{}", p.id))
            .collect();
        assert!(targets.pages.iter().all(|page| visible.contains(page)));
    }
}
