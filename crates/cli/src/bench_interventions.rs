//! `desist bench interventions`: the finder and a provider's referral list under `wrk` next to
//! `/healthz` in the same run, and the expected waits of every intervention recomputed at
//! once, timed. The national-scale target (issue 19) is 2,000 interventions and 300,000
//! referrals with both lists p99 < 50 ms at 64 connections and all waits in < 1 s; the
//! defaults are that scale, the end-to-end test runs it small.

use crate::bench_http::{
    HttpBenchArgs, P99_BUDGET_MS, RouteResult, Server, Session, bench_member_as, print_routes, relate,
    require_no_failures,
};
use crate::bench_people::load_people;
use crate::config::{Config, redact_url};
use anyhow::Context;
use clap::Args;
use domain::access::{Actor, Role};
use domain::audit::{AuditAction, AuditEntry};
use domain::directory::DirectoryStore;
use domain::ids::{AgencyId, InterventionId, MemberId, PersonId, ReferralId};
use domain::interventions::ports::{CatalogueChange, InterventionStore, ReferralStep};
use domain::interventions::service::Interventions;
use domain::interventions::{
    ChangeDetail, Eligibility, Format, Intervention, InterventionKind, Referral, ReferralChange, ReferralStatus,
    Shared, Side,
};
use domain::jurisdiction::{BeyondPack, DomainKey};
use domain::screening::service::Screenings;
use domain::screening::{ScoreInput, ScreeningInput};
use serde::Serialize;
use std::time::Instant;
use store::Store;
use store::bulk::{BulkSpec, generated_agency};

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
const NEEDS: [&str; 5] = ["housing", "addiction", "finances", "work_and_daytime", "mental_health"];

#[derive(Args)]
pub struct InterventionsBenchArgs {
    #[arg(long, default_value_t = 2_000)]
    interventions: u64,
    #[arg(long, default_value_t = 300_000)]
    referrals: u64,
    /// Generated people the referrals are spread over.
    #[arg(long, default_value_t = 50_000)]
    people: u64,
    #[command(flatten)]
    http: HttpBenchArgs,
}

#[derive(Debug, Serialize)]
struct Report {
    backend: &'static str,
    database: String,
    interventions: u64,
    referrals: u64,
    people: u64,
    load_seconds: f64,
    connections: u32,
    threads: u32,
    seconds_per_route: u64,
    p99_budget_ms: f64,
    reference: RouteResult,
    routes: Vec<RouteResult>,
    waits_ms: f64,
    waits_budget_ms: f64,
    waits_within_budget: bool,
}

fn status_of(i: u64) -> ReferralStatus {
    match i % 10 {
        0 => ReferralStatus::Sent,
        1 => ReferralStatus::Accepted,
        2 | 3 => ReferralStatus::Waiting,
        4..=6 => ReferralStatus::Started,
        7 | 8 => ReferralStatus::Completed,
        _ => ReferralStatus::Withdrawn,
    }
}

pub async fn run(args: InterventionsBenchArgs, config: Config, clock: &dyn domain::Clock) -> anyhow::Result<()> {
    let url = args
        .http
        .database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite:desist-bench-interventions-{}.db", args.referrals));
    let pool = args.http.pool.unwrap_or(config.max_connections);
    let store = Store::connect(&url, pool).await.with_context(|| format!("opening {}", redact_url(&url)))?;
    let zone = jiff::tz::TimeZone::get(&config.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
    let spec = BulkSpec::new(args.people, args.http.seed);
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
    let provider = actor_of(PROVIDER_MEMBER)?;
    let targets: Vec<u64> =
        (0..spec.count).filter(|&i| generated_agency(spec.seed, i) == REFERRER_AGENCY).take(TARGETS).collect();
    if targets.is_empty() {
        anyhow::bail!("no generated person has the referring agency on their team: generate more people");
    }
    let cities: Vec<String> = {
        let mut all: Vec<String> = (0..spec.count.min(2_000)).filter_map(|i| spec.person(i).details.city).collect();
        all.sort();
        all.dedup();
        all
    };
    let pack = BeyondPack::shipped("nl").expect("shipped pack");
    if store.provider_interventions(people.agencies[0]).await?.is_empty() {
        load(&store, &args, &spec, &people.agencies, &referrer, &targets, &cities, &pack, clock, &zone).await?;
    } else {
        eprintln!("reusing the interventions and referrals already loaded");
    }
    let load_seconds = started.elapsed().as_secs_f64();

    // Every intervention's wait, recomputed at once.
    let service = Interventions { store: &store, clock, time_zone: &zone, screening: &pack.screening };
    let all = store.interventions_for(&[]).await?;
    let timer = Instant::now();
    let waits = service.waits(&all).await?;
    let waits_ms = timer.elapsed().as_secs_f64() * 1_000.0;
    anyhow::ensure!(waits.len() == all.len(), "a wait per intervention");
    let _ = provider;

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
        let reference = referrer.wrk(&options, &health, args.http.duration).await?.into_route("/healthz");
        let routes = vec![
            referrer.wrk(&options, &finder, args.http.duration).await?.into_route("/api/v1/interventions?person={id}"),
            provider.wrk(&options, &list, args.http.duration).await?.into_route("/provider/referrals?view=waiting"),
        ];
        anyhow::Ok((reference, routes))
    }
    .await;
    server.stop().await;
    store.close().await;
    let (reference, mut routes) = outcome?;
    relate(&reference, &mut routes);
    let report = Report {
        backend: store.backend(),
        database: redact_url(&url),
        interventions: args.interventions,
        referrals: args.referrals,
        people: args.people,
        load_seconds,
        connections: args.http.connections,
        threads: args.http.threads,
        seconds_per_route: args.http.duration.as_secs(),
        p99_budget_ms: P99_BUDGET_MS,
        reference,
        routes,
        waits_ms,
        waits_budget_ms: WAITS_BUDGET_MS,
        waits_within_budget: waits_ms <= WAITS_BUDGET_MS,
    };
    if args.http.format == "json" {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!(
            "desist bench interventions — {} ({}), {} interventions, {} referrals over {} people (load {:.1} s); \
             wrk -t{} -c{}, {} s per route",
            report.backend,
            report.database,
            report.interventions,
            report.referrals,
            report.people,
            report.load_seconds,
            report.threads,
            report.connections,
            report.seconds_per_route
        );
        print_routes(&std::iter::once(&report.reference).chain(&report.routes).collect::<Vec<_>>());
        println!(
            "expected waits of all {} interventions: {:.1} ms (within {} ms: {})",
            all.len(),
            report.waits_ms,
            report.waits_budget_ms,
            if report.waits_within_budget { "yes" } else { "NO" }
        );
    }
    require_no_failures(std::iter::once(&report.reference).chain(&report.routes))
}

/// The catalogue, a screening of each finder target, and the referrals.
#[allow(clippy::too_many_arguments, reason = "one loader's inputs, named where they are made")]
async fn load(
    store: &Store,
    args: &InterventionsBenchArgs,
    spec: &BulkSpec,
    agencies: &[AgencyId],
    referrer: &Actor,
    targets: &[u64],
    cities: &[String],
    pack: &BeyondPack,
    clock: &dyn domain::Clock,
    zone: &jiff::tz::TimeZone,
) -> anyhow::Result<()> {
    let now = clock.now();
    let today = now.to_zoned(zone.clone()).date();
    eprintln!("desist bench interventions: {} interventions, {} referrals", args.interventions, args.referrals);
    let mut catalogue = Vec::new();
    for i in 0..args.interventions {
        let provider = agencies[(i as usize) % PROVIDERS];
        let format = if i % 4 == 0 {
            Format::Group { starts: vec![today + jiff::Span::new().days((i % 60) as i64 + 1)] }
        } else {
            Format::OneToOne
        };
        let intervention = Intervention {
            id: InterventionId::new(now),
            provider,
            name: format!("Interventie {i}"),
            description: String::new(),
            kind: InterventionKind::ALL[(i as usize) % InterventionKind::ALL.len()],
            needs: vec![DomainKey::new(NEEDS[(i as usize) % NEEDS.len()])],
            eligibility: Eligibility::default(),
            format,
            sessions: 10,
            duration_weeks: 10,
            outcomes: vec!["Doel bereikt".into()],
            capacity: 10 + (i % 20) as u32,
            unit_cost_cents: Some(50_000),
            areas: cities.iter().skip((i as usize) % cities.len().max(1)).take(8).cloned().collect(),
            active: true,
        };
        let change = CatalogueChange { version: 1, at: now, by: referrer.member_id };
        let audit = AuditEntry::new(referrer, now, None, AuditAction::Create, "intervention: bench", "bench");
        store.save_intervention(&intervention, &change, &audit).await?;
        catalogue.push(intervention);
    }
    let screenings = Screenings { store, clock, time_zone: zone, config: &pack.screening };
    for &i in targets {
        let entries = pack
            .screening
            .domains
            .iter()
            .filter(|d| d.required)
            .map(|d| ScoreInput {
                domain: d.key.to_string(),
                score: if NEEDS.contains(&d.key.as_str()) { "2".into() } else { "4".into() },
                note: String::new(),
                source: "bench".into(),
            })
            .collect();
        let person = PersonId(spec.person(i).id);
        screenings
            .record(referrer, person, &ScreeningInput { screened_on: String::new(), entries })
            .await
            .map_err(|e| anyhow::anyhow!("screening: {e}"))?;
    }
    for r in 0..args.referrals {
        let intervention = &catalogue[(r % args.interventions.max(1)) as usize];
        let person = PersonId(spec.person(r % spec.count).id);
        let status = status_of(r);
        let ended = matches!(status, ReferralStatus::Completed | ReferralStatus::Withdrawn);
        let referral = Referral {
            id: ReferralId::new(now),
            person,
            intervention: intervention.id,
            intervention_name: intervention.name.clone(),
            kind: intervention.kind,
            provider: intervention.provider,
            referrer_agency: referrer.agency_id,
            referrer: referrer.member_id,
            task: None,
            status,
            shared: Shared::default(),
            note: String::new(),
            outcomes: intervention.outcomes.clone(),
            created_on: today,
            queued_at: status.is_queued().then_some(now),
            started_on: matches!(status, ReferralStatus::Started | ReferralStatus::Completed).then_some(today),
            ended_on: ended.then(|| today - jiff::Span::new().days((r % 80) as i64)),
            history: vec![ReferralChange {
                at: now,
                on: today,
                by: MemberId::from_uuid(*referrer.member_id.as_uuid()),
                agency: referrer.agency_id,
                side: Side::Referrer,
                status,
                detail: ChangeDetail::Created,
            }],
        };
        store.create_referral(&ReferralStep { referral, audit: Vec::new(), outbox: Vec::new(), plan: None }).await?;
    }
    Ok(())
}
