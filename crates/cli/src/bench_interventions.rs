//! `desist bench interventions`: the finder and a provider's referral list under `wrk` next to
//! `/healthz` in the same run, and the expected waits of every intervention recomputed at
//! once, timed. The national-scale target (issue 19) is 2,000 interventions, 300,000
//! referrals and 3 million session records with both lists p99 < 50 ms at 64 connections and
//! all waits in < 1 s; `--scale national` (the default) loads that with the store's bulk
//! loader, `small` a tenth and `tiny` a hundredth; the end-to-end test runs it smaller still.

use crate::bench_http::{
    HttpBenchArgs, P99_BUDGET_MS, RouteResult, Server, Session, bench_member_as, print_routes, relate,
    require_no_failures,
};
use crate::bench_people::load_people;
use crate::config::{Config, redact_url};
use anyhow::Context;
use clap::Args;
use domain::access::{Actor, Role};
use domain::directory::DirectoryStore;
use domain::ids::PersonId;
use domain::interventions::ports::InterventionStore;
use domain::interventions::service::Interventions;
use domain::jurisdiction::BeyondPack;
use domain::screening::ports::ScreeningStore;
use domain::screening::service::Screenings;
use domain::screening::{ScoreInput, ScreeningInput};
use serde::Serialize;
use std::io::IsTerminal;
use std::time::Instant;
use store::Store;
use store::bulk::{BULK_NEEDS, BulkSpec, InterventionBulkSpec, generated_agency};

const PROBATION_MEMBER: &str = "bench.referrer";
const PROVIDER_MEMBER: &str = "bench.provider";
/// The bulk agency (index) whose members refer: probation, as in `bench plans`.
const REFERRER_AGENCY: usize = 6;
/// Providers are the first bulk agencies, round robin.
const PROVIDERS: usize = 5;
/// Persons the finder rotates through (each screened once).
const TARGETS: usize = 200;
/// Issue 19: every intervention's expected wait within this.
const WAITS_BUDGET_MS: f64 = 1_000.0;

/// The volumes of `--scale national`: issue 19's figures.
const NATIONAL: Volumes = Volumes { interventions: 2_000, referrals: 300_000, sessions: 3_000_000, people: 50_000 };

#[derive(Debug, Clone, Copy, Serialize)]
struct Volumes {
    interventions: u64,
    referrals: u64,
    sessions: u64,
    people: u64,
}

#[derive(Args)]
pub struct InterventionsBenchArgs {
    /// `national` (2,000 interventions, 300,000 referrals, 3,000,000 session records over
    /// 50,000 people), `small` (a tenth of each) or `tiny` (a hundredth); the counts below
    /// override it one by one.
    #[arg(long, default_value = "national", value_parser = ["national", "small", "tiny"])]
    scale: String,
    #[arg(long)]
    interventions: Option<u64>,
    #[arg(long)]
    referrals: Option<u64>,
    /// Attendance records over the referrals that started.
    #[arg(long)]
    sessions: Option<u64>,
    /// Generated people the referrals are spread over.
    #[arg(long)]
    people: Option<u64>,
    #[command(flatten)]
    http: HttpBenchArgs,
}

impl InterventionsBenchArgs {
    fn volumes(&self) -> Volumes {
        let divisor = match self.scale.as_str() {
            "small" => 10,
            "tiny" => 100,
            _ => 1,
        };
        Volumes {
            interventions: self.interventions.unwrap_or(NATIONAL.interventions / divisor),
            referrals: self.referrals.unwrap_or(NATIONAL.referrals / divisor),
            sessions: self.sessions.unwrap_or(NATIONAL.sessions / divisor),
            people: self.people.unwrap_or(NATIONAL.people / divisor),
        }
    }
}

#[derive(Debug, Serialize)]
struct Report {
    backend: &'static str,
    database: String,
    scale: String,
    interventions: u64,
    referrals: u64,
    sessions: u64,
    people: u64,
    load_seconds: f64,
    connections: u32,
    threads: u32,
    seconds_per_route: u64,
    p99_budget_ms: f64,
    reference: RouteResult,
    routes: Vec<RouteResult>,
    /// Every intervention's queue summary recomputed from all referrals (one set-based
    /// statement per table) and every wait computed from it: the whole recomputation.
    waits_ms: f64,
    /// Of which recomputing the summary.
    summary_rebuild_ms: f64,
    /// Of which reading the summary and computing every wait (what a page of waits costs).
    waits_from_summary_ms: f64,
    waits_budget_ms: f64,
    waits_within_budget: bool,
    /// CPU time this process (the server, and with SQLite the database too) spent per request
    /// of each route, user and system together; none where the platform does not say. The
    /// figure to compare before and after a change on a shared machine: unlike latency it
    /// hardly depends on what else runs. On PostgreSQL the database server's own share is
    /// not included.
    server_cpu_ms_per_request: Vec<(&'static str, Option<f64>)>,
}

pub async fn run(args: InterventionsBenchArgs, config: Config, clock: &dyn domain::Clock) -> anyhow::Result<()> {
    let volumes = args.volumes();
    let url = args
        .http
        .database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite:desist-bench-interventions-{}.db", volumes.referrals));
    let pool = args.http.pool.unwrap_or(config.max_connections);
    let store = Store::connect(&url, pool).await.with_context(|| format!("opening {}", redact_url(&url)))?;
    let zone = jiff::tz::TimeZone::get(&config.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
    let spec = BulkSpec::new(volumes.people, args.http.seed);
    let started = Instant::now();
    let people = load_people(&store, &spec).await?;
    let referrer_password =
        bench_member_as(&store, PROBATION_MEMBER, people.agencies[REFERRER_AGENCY], Role::ProbationOfficer, clock)
            .await?;
    let provider_password =
        bench_member_as(&store, PROVIDER_MEMBER, people.agencies[0], Role::ProviderWorker, clock).await?;
    let members = store.members().await?;
    let actor_of = |username: &str| -> anyhow::Result<Actor> {
        let m = members.iter().find(|m| m.username == username).context("bench member")?;
        Ok(Actor {
            member_id: m.id,
            agency_id: m.agency_id,
            roles: m.roles.clone(),
            display_name: m.display_name.clone(),
        })
    };
    let referrer = actor_of(PROBATION_MEMBER)?;
    let targets: Vec<u64> =
        (0..spec.count).filter(|&i| generated_agency(spec.seed, i) == REFERRER_AGENCY).take(TARGETS).collect();
    if targets.is_empty() {
        anyhow::bail!("no generated person has the referring agency on their team: generate more people");
    }
    let pack = BeyondPack::shipped("nl").expect("shipped pack");
    let bulk = InterventionBulkSpec {
        people: spec.clone(),
        interventions: volumes.interventions,
        referrals: volumes.referrals,
        sessions: volumes.sessions,
        today: clock.now().to_zoned(zone.clone()).date(),
        providers: people.agencies[..PROVIDERS].to_vec(),
        referrer_agency: referrer.agency_id,
        member: referrer.member_id,
    };
    load_interventions(&store, &bulk).await?;
    screen(&store, &spec, &referrer, &targets, &pack, clock, &zone).await?;
    let load_seconds = started.elapsed().as_secs_f64();

    // Every intervention's wait, recomputed at once.
    let service = Interventions { store: &store, clock, time_zone: &zone, screening: &pack.screening };
    let all = store.interventions_for(&[], None).await?;
    let timer = Instant::now();
    store.rebuild_intervention_queues().await?;
    let summary_rebuild_ms = timer.elapsed().as_secs_f64() * 1_000.0;
    let timer = Instant::now();
    let waits = service.waits(&all).await?;
    let waits_from_summary_ms = timer.elapsed().as_secs_f64() * 1_000.0;
    let waits_ms = summary_rebuild_ms + waits_from_summary_ms;
    anyhow::ensure!(waits.len() == all.len(), "a wait per intervention");

    let finder: Vec<String> =
        targets.iter().map(|&i| format!("/api/v1/interventions?person={}", spec.person(i).id)).collect();
    let server = Server::start(&store, &config).await?;
    let outcome = async {
        let referrer = Session::sign_in(server.address, PROBATION_MEMBER, &referrer_password).await?;
        let provider = Session::sign_in(server.address, PROVIDER_MEMBER, &provider_password).await?;
        let list = vec!["/provider/referrals?view=waiting".to_string()];
        referrer.expect_ok(&finder[0]).await?;
        provider.expect_ok(&list[0]).await?;
        let options = args.http.wrk_options();
        let warm = std::time::Duration::from_secs(2).min(args.http.duration);
        referrer.wrk(&options, &finder, warm).await?;
        let health = vec!["/healthz".to_string()];
        let mut cpu = Vec::new();
        let mut timed = async |session: &Session, paths: &[String], route: &'static str| {
            let before = process_cpu_ms();
            let result = session.wrk(&options, paths, args.http.duration).await?.into_route(route);
            let spent = before.zip(process_cpu_ms()).map(|(b, a)| (a - b) / result.requests.max(1) as f64);
            cpu.push((route, spent));
            anyhow::Ok(result)
        };
        let reference = timed(&referrer, &health, "/healthz").await?;
        let routes = vec![
            timed(&referrer, &finder, "/api/v1/interventions?person={id}").await?,
            timed(&provider, &list, "/provider/referrals?view=waiting").await?,
        ];
        anyhow::Ok((reference, routes, cpu))
    }
    .await;
    server.stop().await;
    store.close().await;
    let (reference, mut routes, server_cpu_ms_per_request) = outcome?;
    relate(&reference, &mut routes);
    let report = Report {
        backend: store.backend(),
        database: redact_url(&url),
        scale: args.scale.clone(),
        interventions: volumes.interventions,
        referrals: volumes.referrals,
        sessions: volumes.sessions,
        people: volumes.people,
        load_seconds,
        connections: args.http.connections,
        threads: args.http.threads,
        seconds_per_route: args.http.duration.as_secs(),
        p99_budget_ms: P99_BUDGET_MS,
        reference,
        routes,
        waits_ms,
        summary_rebuild_ms,
        waits_from_summary_ms,
        waits_budget_ms: WAITS_BUDGET_MS,
        waits_within_budget: waits_ms <= WAITS_BUDGET_MS,
        server_cpu_ms_per_request,
    };
    if args.http.format == "json" {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!(
            "desist bench interventions — {} ({}), scale {}: {} interventions, {} referrals, {} session records \
             over {} people (load {:.1} s); wrk -t{} -c{}, {} s per route",
            report.backend,
            report.database,
            report.scale,
            report.interventions,
            report.referrals,
            report.sessions,
            report.people,
            report.load_seconds,
            report.threads,
            report.connections,
            report.seconds_per_route
        );
        print_routes(&std::iter::once(&report.reference).chain(&report.routes).collect::<Vec<_>>());
        println!(
            "expected waits of all {} interventions recomputed: {:.1} ms (summary from the referrals {:.1} ms, \
             waits from the summary {:.1} ms; within {} ms: {})",
            all.len(),
            report.waits_ms,
            report.summary_rebuild_ms,
            report.waits_from_summary_ms,
            report.waits_budget_ms,
            if report.waits_within_budget { "yes" } else { "NO" }
        );
        for (route, cpu) in &report.server_cpu_ms_per_request {
            match cpu {
                Some(ms) => println!("CPU time of this process per request, {route}: {ms:.3} ms"),
                None => println!("CPU time of this process per request, {route}: not known on this platform"),
            }
        }
    }
    require_no_failures(std::iter::once(&report.reference).chain(&report.routes))
}

/// CPU time this process has used so far (all threads, user and system), in milliseconds:
/// fields 14 and 15 of `/proc/self/stat`, in the kernel's fixed 100 ticks a second. None
/// off Linux.
fn process_cpu_ms() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name (field 2) is in parentheses and may hold spaces: count after it.
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace().skip(11);
    let user: f64 = fields.next()?.parse().ok()?;
    let system: f64 = fields.next()?.parse().ok()?;
    Some((user + system) * 10.0)
}

/// The catalogue, the referrals and their sessions through the store's bulk loader (resuming
/// after what is there), with a progress bar on a terminal.
async fn load_interventions(store: &Store, spec: &InterventionBulkSpec) -> anyhow::Result<()> {
    let bar = if std::io::stderr().is_terminal() {
        indicatif::ProgressBar::new(spec.referrals)
    } else {
        indicatif::ProgressBar::hidden()
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "loading referrals {bar:40.cyan/blue} {human_pos}/{human_len} ({per_sec}, {eta})",
        )?
        .progress_chars("=> "),
    );
    eprintln!(
        "desist bench interventions: {} interventions, {} referrals, about {} session records",
        spec.interventions, spec.referrals, spec.sessions
    );
    let loaded = store.bulk_load_interventions(spec, |present| bar.set_position(present)).await?;
    bar.finish_and_clear();
    if loaded.referrals_written == 0 {
        eprintln!("reusing the {} referrals already loaded", loaded.referrals_existing);
    }
    Ok(())
}

/// A screening of each finder target not screened yet: two of the needs the generated
/// interventions address, the other domains fine.
async fn screen(
    store: &Store,
    spec: &BulkSpec,
    referrer: &Actor,
    targets: &[u64],
    pack: &BeyondPack,
    clock: &dyn domain::Clock,
    zone: &jiff::tz::TimeZone,
) -> anyhow::Result<()> {
    let screenings = Screenings { store, clock, time_zone: zone, config: &pack.screening };
    for (n, &i) in targets.iter().enumerate() {
        let person = PersonId(spec.person(i).id);
        if !store.screenings(person).await?.is_empty() {
            continue;
        }
        let needs = [BULK_NEEDS[n % BULK_NEEDS.len()], BULK_NEEDS[(n + 2) % BULK_NEEDS.len()]];
        let entries = pack
            .screening
            .domains
            .iter()
            .filter(|d| d.required)
            .map(|d| ScoreInput {
                domain: d.key.to_string(),
                score: if needs.contains(&d.key.as_str()) { "2".into() } else { "4".into() },
                note: String::new(),
                source: "bench".into(),
            })
            .collect();
        screenings
            .record(referrer, person, &ScreeningInput { screened_on: String::new(), entries })
            .await
            .map_err(|e| anyhow::anyhow!("screening: {e}"))?;
    }
    Ok(())
}
