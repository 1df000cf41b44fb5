//! `desist bench sections` (issue 17, item 1): partners at the ZSM table saving their own
//! sections of the same open cases at once, over real HTTP, on SQLite and PostgreSQL side by
//! side. 64 workers by default, a quarter each for the police, probation, victim support and
//! the municipality; the workers of one slot share their cases, so four partners save four
//! different sections of one case at the same moment. Each worker owns its (case, section)
//! pairs and sends the section version it last saw (`seen_version`), so every 409 is a
//! conflict the server made up, and the count must be 0. Afterwards every section must hold
//! exactly the saves sent to it (no lost update). Reported: saves, conflicts, failures,
//! lost updates, p50/p99/max per save; the target is p99 < 100 ms.

use crate::bench_http::{Connection, Server, sign_in};
use crate::bench_people::load_people;
use crate::config::{Config, redact_url};
use anyhow::{Context, bail};
use clap::Args;
use domain::access::{Actor, LegalBasis, Role, TeamEntry};
use domain::audit::{AuditAction, AuditEntry};
use domain::directory::DirectoryStore;
use domain::ids::{AgencyId, CaseId, TeamEntryId};
use domain::jurisdiction::Partner;
use domain::people::ports::PeopleStore;
use domain::zsm::ports::ZsmStore;
use serde::Serialize;
use std::net::SocketAddr;
use std::time::Instant;
use store::Store;
use store::bulk::{BulkSpec, ZsmBulkSpec};

/// Issue 17: a partner's save answers within this at the 99th percentile.
const P99_BUDGET_MS: f64 = 100.0;

/// (index into `BULK_AGENCIES`, partner, role, username)
const PARTNERS: [(usize, Partner, Role, &str); 4] = [
    (0, Partner::Police, Role::PoliceOfficer, "bench.sections.police"),
    (6, Partner::Probation, Role::ProbationOfficer, "bench.sections.probation"),
    (8, Partner::VictimSupport, Role::VictimSupportWorker, "bench.sections.victim"),
    (10, Partner::Municipality, Role::MunicipalityOfficer, "bench.sections.municipality"),
];

#[derive(Args)]
pub struct SectionsBenchArgs {
    /// Open cases the partners work on.
    #[arg(long, default_value_t = 200)]
    open: u64,
    /// Concurrent partners (workers), spread evenly over the four partners.
    #[arg(long, default_value_t = 64)]
    partners: usize,
    /// Saves of each (case, section) pair.
    #[arg(long, default_value_t = 5)]
    rounds: usize,
    /// Generated people the suspects are drawn from.
    #[arg(long, default_value_t = 8_000)]
    people: u64,
    /// The SQLite database (recreated each run).
    #[arg(long, default_value = "desist-bench-sections.db")]
    sqlite_file: String,
    /// A PostgreSQL database to run on as well (it must exist and be empty, or hold a
    /// previous run of this benchmark); default `DESIST_BENCH_POSTGRES_URL`.
    #[arg(long, env = "DESIST_BENCH_POSTGRES_URL")]
    postgres_url: Option<String>,
    /// The server's database pool size (default: max_connections from the configuration).
    #[arg(long)]
    pool: Option<u32>,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// table or json.
    #[arg(long, default_value = "table")]
    format: String,
}

#[derive(Debug, Serialize)]
struct Run {
    backend: &'static str,
    database: String,
    open_cases: usize,
    workers: usize,
    saves: usize,
    conflicts: usize,
    failures: usize,
    /// Sections whose version after the run is not their version before plus the saves sent.
    lost_updates: usize,
    seconds: f64,
    saves_per_second: f64,
    p50_ms: f64,
    p99_ms: f64,
    max_ms: f64,
    within_budget: bool,
    /// The reference route at the same concurrency in the same run.
    healthz_p50_ms: f64,
    healthz_p99_ms: f64,
    healthz_failures: usize,
    /// A save's p99 as a multiple of `/healthz`'s.
    p99_vs_healthz: f64,
}

pub async fn run(args: SectionsBenchArgs, config: Config, clock: &dyn domain::Clock) -> anyhow::Result<()> {
    let mut runs = Vec::new();
    let _ = std::fs::remove_file(&args.sqlite_file);
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", args.sqlite_file));
    }
    runs.push(run_on(&args, &config, clock, &format!("sqlite:{}", args.sqlite_file)).await?);
    if let Some(url) = &args.postgres_url {
        runs.push(run_on(&args, &config, clock, url).await?);
    }
    if args.format == "json" {
        println!("{}", serde_json::to_string_pretty(&runs)?);
    } else {
        print_table(&args, &runs);
    }
    if runs.iter().any(|r| r.conflicts > 0 || r.failures > 0 || r.lost_updates > 0 || r.healthz_failures > 0) {
        bail!("partners saving their own sections were refused or lost work");
    }
    Ok(())
}

async fn run_on(
    args: &SectionsBenchArgs,
    config: &Config,
    clock: &dyn domain::Clock,
    url: &str,
) -> anyhow::Result<Run> {
    let pool = args.pool.unwrap_or(config.max_connections);
    let store = Store::connect(url, pool).await.with_context(|| format!("opening the database {}", redact_url(url)))?;
    let people = BulkSpec::new(args.people, args.seed);
    let loaded = load_people(&store, &people).await?;
    let spec = ZsmBulkSpec::new(args.open, 0, clock.now(), args.seed);
    store.bulk_load_zsm(&people, &loaded, &spec, |_| {}).await?;
    let cases = open_cases(&store, &spec, loaded.agencies[0], clock).await?;
    let mut tokens = Vec::new();
    for (agency, partner, role, username) in PARTNERS {
        let agency = loaded.agencies[agency];
        let password = crate::bench_http::bench_member_as(&store, username, agency, role, clock).await?;
        if partner != Partner::Police {
            join_teams(&store, &cases, agency, clock).await?;
        }
        tokens.push((partner, password));
    }
    // Each section's version before the run.
    let mut before = Vec::new();
    for id in &cases {
        let stored = store.case(*id).await?.context("an open case vanished")?;
        before.push(PARTNERS.map(|(_, partner, _, _)| stored.case.contributions.version(partner)));
    }

    let server = Server::start(&store, config).await?;
    let mut signed_in = Vec::new();
    for (partner, password) in &tokens {
        let username = PARTNERS.iter().find(|p| p.1 == *partner).map(|p| p.3).unwrap_or_default();
        signed_in.push(sign_in(server.address, username, password).await?);
    }
    let workers = args.partners.max(PARTNERS.len());
    let slots = workers / PARTNERS.len();
    let started = Instant::now();
    let mut handles = Vec::new();
    for worker in 0..slots * PARTNERS.len() {
        let (p, slot) = (worker % PARTNERS.len(), worker / PARTNERS.len());
        let mine: Vec<(CaseId, i64)> = cases
            .iter()
            .zip(&before)
            .enumerate()
            .filter(|(n, _)| n % slots == slot)
            .map(|(_, (c, v))| (*c, v[p]))
            .collect();
        let work =
            Work { address: server.address, token: signed_in[p].clone(), partner: PARTNERS[p].1, rounds: args.rounds };
        handles.push(tokio::spawn(work.run(mine)));
    }
    let mut outcome = Outcome::default();
    for handle in handles {
        let done = handle.await?;
        outcome.times.extend(done.times);
        outcome.conflicts += done.conflicts;
        outcome.failures += done.failures;
    }
    let seconds = started.elapsed().as_secs_f64();
    // The reference in the same run: `/healthz` (one small query) from as many workers at
    // once, as many requests each as a worker saved, so the ratio says what a save costs
    // beyond the server and database being busy at all.
    let per_worker = (outcome.times.len() / workers.max(1)).max(1);
    let mut reference = Vec::new();
    for _ in 0..slots * PARTNERS.len() {
        let address = server.address;
        reference.push(tokio::spawn(async move {
            let mut connection = Connection::new(address);
            let mut times = Vec::with_capacity(per_worker);
            let mut failures = 0;
            for _ in 0..per_worker {
                let started = Instant::now();
                match connection.request("GET", "/healthz", "", b"").await {
                    Ok(200) => times.push(started.elapsed().as_secs_f64() * 1000.0),
                    _ => failures += 1,
                }
            }
            (times, failures)
        }));
    }
    let (mut healthz, mut healthz_failures) = (Vec::new(), 0);
    for handle in reference {
        let (times, failures) = handle.await?;
        healthz.extend(times);
        healthz_failures += failures;
    }
    server.stop().await;

    let mut lost_updates = 0;
    for (n, id) in cases.iter().enumerate() {
        let stored = store.case(*id).await?.context("an open case vanished")?;
        // Every (case, section) pair belongs to exactly one worker, which saved it `rounds` times.
        for (p, (_, partner, _, _)) in PARTNERS.iter().enumerate() {
            if stored.case.contributions.version(*partner) != before[n][p] + args.rounds as i64 {
                lost_updates += 1;
            }
        }
    }
    let backend = store.backend();
    store.close().await;
    let (p50, p99, max) = percentiles(&mut outcome.times);
    let (healthz_p50, healthz_p99, _) = percentiles(&mut healthz);
    Ok(Run {
        healthz_p50_ms: healthz_p50,
        healthz_p99_ms: healthz_p99,
        healthz_failures,
        p99_vs_healthz: p99 / healthz_p99.max(f64::MIN_POSITIVE),
        backend,
        database: redact_url(url),
        open_cases: cases.len(),
        workers: slots * PARTNERS.len(),
        saves: outcome.times.len(),
        conflicts: outcome.conflicts,
        failures: outcome.failures,
        lost_updates,
        seconds,
        saves_per_second: outcome.times.len() as f64 / seconds.max(f64::MIN_POSITIVE),
        p50_ms: p50,
        p99_ms: p99,
        max_ms: max,
        within_budget: p99 < P99_BUDGET_MS,
    })
}

/// The open cases of the benchmark's location, as the police see them on the board.
async fn open_cases(
    store: &Store,
    spec: &ZsmBulkSpec,
    police: AgencyId,
    clock: &dyn domain::Clock,
) -> anyhow::Result<Vec<CaseId>> {
    let pack = domain::jurisdiction::shipped_pack("nl")?;
    let today = clock.now().to_zoned(pack.time_zone.clone()).date();
    let board = store.board(&spec.location, police, today, clock.now()).await?;
    Ok(board.iter().filter(|c| c.stored.case.status.is_open()).map(|c| c.stored.id()).collect())
}

/// Puts `agency` on the team of every case's suspect (a partner at the table joins it at
/// intake; the bulk cases were loaded without them).
async fn join_teams(
    store: &Store,
    cases: &[CaseId],
    agency: AgencyId,
    clock: &dyn domain::Clock,
) -> anyhow::Result<()> {
    let now = clock.now();
    let loader = store.credentials(store::bulk::BULK_LOADER).await?.context("the bulk loader")?.member;
    let actor = Actor {
        member_id: loader.id,
        agency_id: loader.agency_id,
        roles: loader.roles.clone(),
        display_name: loader.display_name.clone(),
    };
    for id in cases {
        let suspect = store.case(*id).await?.context("an open case vanished")?.suspect();
        if store.team(suspect).await?.iter().any(|e| e.agency_id == agency) {
            continue;
        }
        let basis = LegalBasis::StatutoryTask { statute: "ZSM-werkwijze: partner aan tafel (convenant)".into() };
        let entry = TeamEntry {
            id: TeamEntryId::new(now),
            person_id: suspect,
            agency_id: agency,
            reason: "ZSM benchmark".into(),
            added_by: loader.id,
            added_at: now,
            ended_at: None,
            basis: basis.clone(),
        };
        let audit = AuditEntry::new(&actor, now, Some(suspect), AuditAction::TeamAdd, "team: bench", basis.summary());
        store.add_team_entry(&entry, &audit).await?;
    }
    Ok(())
}

struct Work {
    address: SocketAddr,
    token: String,
    partner: Partner,
    rounds: usize,
}

#[derive(Default)]
struct Outcome {
    times: Vec<f64>,
    conflicts: usize,
    failures: usize,
}

impl Work {
    /// `rounds` saves of this partner's section of each case in turn, on one kept-alive
    /// connection, each on the version the worker saw last.
    async fn run(self, mut cases: Vec<(CaseId, i64)>) -> Outcome {
        let mut connection = Connection::new(self.address);
        let headers = format!("Authorization: Bearer {}\r\nContent-Type: application/json\r\n", self.token);
        let mut outcome = Outcome::default();
        for round in 0..self.rounds {
            for (case, seen) in &mut cases {
                let body = self.body(round, *seen).to_string();
                let path = format!("/api/v1/zsm/cases/{case}/contributions/{}", self.partner.code());
                let started = Instant::now();
                let status = connection.request("POST", &path, &headers, body.as_bytes()).await;
                outcome.times.push(started.elapsed().as_secs_f64() * 1000.0);
                match status {
                    Ok(200 | 201) => *seen += 1,
                    Ok(409) => outcome.conflicts += 1,
                    _ => outcome.failures += 1,
                }
            }
        }
        outcome
    }

    fn body(&self, round: usize, seen: i64) -> serde_json::Value {
        let note = format!("ronde {round}");
        let mut body = match self.partner {
            Partner::Police => serde_json::json!({"additional_information": note}),
            Partner::Probation => serde_json::json!({"advice": "screening_advised", "signals": {"debt": note}}),
            Partner::VictimSupport => serde_json::json!({"interests": note, "damages_claim": "45,90"}),
            _ => serde_json::json!({"known_to_social_services": true, "note": note}),
        };
        body["state"] = "in_progress".into();
        body["seen_version"] = seen.into();
        body
    }
}

/// p50, p99 (nearest rank) and maximum.
fn percentiles(times: &mut [f64]) -> (f64, f64, f64) {
    times.sort_by(f64::total_cmp);
    if times.is_empty() {
        return (0.0, 0.0, 0.0);
    }
    let rank = |p: f64| times[((p * times.len() as f64).ceil() as usize).clamp(1, times.len()) - 1];
    (rank(0.5), rank(0.99), times[times.len() - 1])
}

fn print_table(args: &SectionsBenchArgs, runs: &[Run]) {
    println!(
        "desist bench sections — {} partners saving their own sections of {} open cases, {} saves per section",
        args.partners, args.open, args.rounds
    );
    println!();
    println!(
        "{:<10} {:>7} {:>9} {:>8} {:>5} {:>9} {:>8} {:>8} {:>8} {:>8} {:>12} {:>8}  p99 < {P99_BUDGET_MS:.0} ms",
        "backend",
        "saves",
        "conflicts",
        "failures",
        "lost",
        "saves/s",
        "p50 ms",
        "p99 ms",
        "max ms",
        "seconds",
        "healthz p99",
        "ratio"
    );
    for r in runs {
        println!(
            "{:<10} {:>7} {:>9} {:>8} {:>5} {:>9.0} {:>8.1} {:>8.1} {:>8.1} {:>8.1} {:>12.1} {:>7.1}x  {}",
            r.backend,
            r.saves,
            r.conflicts,
            r.failures,
            r.lost_updates,
            r.saves_per_second,
            r.p50_ms,
            r.p99_ms,
            r.max_ms,
            r.seconds,
            r.healthz_p99_ms,
            r.p99_vs_healthz,
            if r.within_budget { "yes" } else { "NO" }
        );
    }
}

#[cfg(test)]
mod tests {
    use super::percentiles;

    #[test]
    fn p50_and_p99_by_nearest_rank() {
        let mut times: Vec<f64> = (1..=100).rev().map(f64::from).collect();
        assert_eq!(percentiles(&mut times), (50.0, 99.0, 100.0));
        assert_eq!(percentiles(&mut []), (0.0, 0.0, 0.0));
    }
}
