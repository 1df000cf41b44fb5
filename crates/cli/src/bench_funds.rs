//! `desist bench funds` (issue 20): concurrent clients posting transfers over real HTTP
//! (`POST /api/v1/funds/{fund}/transfers`) against a few hot person accounts of one fund, on
//! SQLite and PostgreSQL side by side, with `/healthz` timed in the same run. Each client
//! commits a small amount for a random hot person and then posts (with an invoice) or voids
//! it, and now and then retries a request with the same id (which must be answered alike).
//! Afterwards the ledger is checked: no account below zero or above its limit, balances sum
//! to zero, every account's totals equal the replay of its transfers, and the number of
//! recorded transfers equals the number accepted. Reported: transfers, refusals, failures,
//! invariant violations (target 0), transfers per second, p50/p99 beside `/healthz`'s.
//!
//! The fund and the allocations are set up through one connection to the database, which is
//! then closed: the measured server opens the database afresh, as `desist serve` would, so
//! nothing it answers comes from what the setup left in memory — every answer is read from
//! the database on disk (or from what the server itself kept since it started). The ledger is
//! checked after the server stopped, from the database. A progress bar counts the transfers
//! on a terminal.

use crate::bench_http::{Connection, Server, sign_in};
use crate::bench_people::load_people;
use crate::config::{Config, redact_url};
use anyhow::{Context, bail};
use clap::Args;
use domain::access::{Actor, Role};
use domain::directory::DirectoryStore;
use domain::funds::ports::FundStore;
use domain::funds::service::{FundInput, Funds, TransferInput, invariant_violations};
use domain::ids::PersonId;
use indicatif::ProgressBar;
use serde::Serialize;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use store::Store;
use store::bulk::BulkSpec;

/// The probation agency of the generated people (`BULK_AGENCIES[6]`) keeps the fund.
const PROBATION: usize = 6;
const USERNAME: &str = "bench.funds.probation";

#[derive(Args)]
pub struct FundsBenchArgs {
    /// Transfers to send in all (each commitment and its post or void count as two).
    #[arg(long, default_value_t = 1_000_000)]
    transfers: usize,
    /// Generated people (the hot accounts are drawn from those on probation's caseload).
    #[arg(long, default_value_t = 100_000)]
    people: u64,
    /// Hot person accounts the clients share.
    #[arg(long, default_value_t = 1_000)]
    accounts: usize,
    /// Concurrent clients.
    #[arg(long, default_value_t = 64)]
    clients: usize,
    /// The SQLite database (recreated each run).
    #[arg(long, default_value = "desist-bench-funds.db")]
    sqlite_file: String,
    /// A PostgreSQL database to run on as well; default `DESIST_BENCH_POSTGRES_URL`.
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
    clients: usize,
    hot_accounts: usize,
    transfers: usize,
    /// Answered 422 by the ledger's rules (e.g. not enough money left): correct refusals.
    refused: usize,
    failures: usize,
    /// Retries answered with something else than the first answer.
    retry_mismatches: usize,
    invariant_violations: usize,
    seconds: f64,
    transfers_per_second: f64,
    p50_ms: f64,
    p99_ms: f64,
    healthz_p50_ms: f64,
    healthz_p99_ms: f64,
}

pub async fn run(args: FundsBenchArgs, config: Config, clock: &dyn domain::Clock) -> anyhow::Result<()> {
    let _ = std::fs::remove_file(&args.sqlite_file);
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", args.sqlite_file));
    }
    let mut runs = vec![run_on(&args, &config, clock, &format!("sqlite:{}", args.sqlite_file)).await?];
    if let Some(url) = &args.postgres_url {
        runs.push(run_on(&args, &config, clock, url).await?);
    }
    if args.format == "json" {
        println!("{}", serde_json::to_string_pretty(&runs)?);
    } else {
        print_table(&args, &runs);
    }
    if runs.iter().any(|r| r.invariant_violations > 0 || r.failures > 0 || r.retry_mismatches > 0) {
        bail!("the ledger broke an invariant or transfers failed");
    }
    Ok(())
}

async fn run_on(args: &FundsBenchArgs, config: &Config, clock: &dyn domain::Clock, url: &str) -> anyhow::Result<Run> {
    let pool = args.pool.unwrap_or(config.max_connections);
    let store = Store::connect(url, pool).await.with_context(|| format!("opening the database {}", redact_url(url)))?;
    let spec = BulkSpec::new(args.people, args.seed);
    let loaded = load_people(&store, &spec).await?;
    let agency = loaded.agencies[PROBATION];
    let password = crate::bench_http::bench_member_as(&store, USERNAME, agency, Role::ProbationOfficer, clock).await?;
    let member = store.credentials(USERNAME).await?.context("the bench member")?.member;
    let actor = Actor {
        member_id: member.id,
        agency_id: agency,
        roles: member.roles.clone(),
        display_name: member.display_name.clone(),
    };
    let hot: Vec<PersonId> = (0..args.people)
        .map(|i| spec.person(i))
        .filter(|p| p.agency == PROBATION)
        .take(args.accounts)
        .map(|p| PersonId(p.id))
        .collect();
    if hot.is_empty() {
        bail!("no generated person is on probation's caseload: load more people");
    }
    // A budget no run exhausts, allocations the commitments draw on.
    let zone = jiff::tz::TimeZone::UTC;
    let funds = Funds { store: &store, clock, time_zone: &zone };
    let year = clock.now().to_zoned(zone.clone()).year();
    let fund = funds
        .open_fund(
            &actor,
            &FundInput {
                name: format!("Bench {}", uuid::Uuid::now_v7().simple()),
                kind: "stream".into(),
                stream: "bench".into(),
                period_start: format!("{year}-01-01"),
                period_end: format!("{year}-12-31"),
                budget_cents: Some(hot.len() as i64 * 1_000_000),
                approval_above_cents: Some(1_000_000),
                person_limit_cents: None,
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let allocations = progress(hot.len() as u64, "allocating");
    for person in &hot {
        allocations.inc(1);
        let input = TransferInput {
            id: uuid::Uuid::now_v7().to_string(),
            kind: "allocate".into(),
            person_id: person.to_string(),
            amount_cents: Some(1_000_000),
            description: "bench".into(),
            ..Default::default()
        };
        funds.transfer(&actor, fund.id, &input).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    allocations.finish_and_clear();
    store.close().await;
    // The measured server opens the database afresh: nothing of the setup is in its memory.
    let store = Store::connect(url, pool).await.with_context(|| format!("opening the database {}", redact_url(url)))?;
    let server = Server::start(&store, config).await?;
    let token = sign_in(server.address, USERNAME, &password).await?;
    let per_client = args.transfers.div_ceil(2 * args.clients.max(1));
    let bar = progress((2 * per_client * args.clients.max(1)) as u64, &format!("transfers on {}", store.backend()));
    let started = Instant::now();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let healthz = tokio::spawn(time_healthz(server.address, std::sync::Arc::clone(&stop)));
    let mut handles = Vec::new();
    for client in 0..args.clients.max(1) {
        let work = Client {
            address: server.address,
            token: token.clone(),
            fund: fund.id.to_string(),
            hot: hot.clone(),
            seed: args.seed * 7_919 + client as u64 + 1,
            bar: bar.clone(),
        };
        handles.push(tokio::spawn(work.run(per_client)));
    }
    let mut outcome = Outcome::default();
    for handle in handles {
        let done = handle.await?;
        outcome.times.extend(done.times);
        outcome.accepted += done.accepted;
        outcome.refused += done.refused;
        outcome.failures += done.failures;
        outcome.retry_mismatches += done.retry_mismatches;
    }
    let seconds = started.elapsed().as_secs_f64();
    bar.finish_and_clear();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut healthz_times = healthz.await?;
    server.stop().await;
    let violations = check_ledger(&store, fund.id, outcome.accepted + hot.len()).await?;
    let backend = store.backend();
    store.close().await;
    let (p50, p99) = percentiles(&mut outcome.times);
    let (h50, h99) = percentiles(&mut healthz_times);
    Ok(Run {
        backend,
        database: redact_url(url),
        clients: args.clients,
        hot_accounts: hot.len(),
        transfers: outcome.times.len(),
        refused: outcome.refused,
        failures: outcome.failures,
        retry_mismatches: outcome.retry_mismatches,
        invariant_violations: violations,
        seconds,
        transfers_per_second: outcome.times.len() as f64 / seconds.max(f64::MIN_POSITIVE),
        p50_ms: p50,
        p99_ms: p99,
        healthz_p50_ms: h50,
        healthz_p99_ms: h99,
    })
}

/// Invariant violations of the fund after the run: the accounts' own rules and sum, totals
/// against the replay of the transfers, and the transfer count against what was accepted. The
/// replay and the count are summed by the database: the check's memory is bounded by the
/// accounts, not the million transfers.
async fn check_ledger(store: &Store, fund: domain::funds::FundId, accepted: usize) -> anyhow::Result<usize> {
    let accounts = store.accounts(fund).await?;
    let mut violations = invariant_violations(&accounts).len();
    violations += usize::try_from(store.accounts_off_their_transfers(fund).await?)?;
    if store.transfer_count(fund).await? != accepted as i64 {
        violations += 1;
    }
    Ok(violations)
}

async fn time_healthz(address: SocketAddr, stop: std::sync::Arc<std::sync::atomic::AtomicBool>) -> Vec<f64> {
    let mut connection = Connection::new(address);
    let mut times = Vec::new();
    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
        let started = Instant::now();
        if connection.request("GET", "/healthz", "", b"").await.is_ok() {
            times.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    times
}

struct Client {
    address: SocketAddr,
    token: String,
    fund: String,
    hot: Vec<PersonId>,
    seed: u64,
    /// Counts the client's commitments and their posts or voids (retries not counted).
    bar: ProgressBar,
}

/// A progress bar of `total` steps on a terminal (hidden otherwise).
fn progress(total: u64, what: &str) -> ProgressBar {
    let bar = crate::extract::progress_bar(total);
    bar.set_message(what.to_string());
    bar
}

#[derive(Default)]
struct Outcome {
    times: Vec<f64>,
    accepted: usize,
    refused: usize,
    failures: usize,
    retry_mismatches: usize,
}

impl Client {
    /// `pairs` commitments, each followed by its post or void; every tenth sent twice.
    async fn run(mut self, pairs: usize) -> Outcome {
        let mut connection = Connection::new(self.address);
        let headers = format!("Authorization: Bearer {}\r\nContent-Type: application/json\r\n", self.token);
        let path = format!("/api/v1/funds/{}/transfers", self.fund);
        let mut outcome = Outcome::default();
        for n in 0..pairs {
            let pick = (self.next() % self.hot.len() as u64) as usize;
            let person = self.hot[pick];
            let commit = uuid::Uuid::now_v7();
            let amount = 1 + self.next() % 500;
            let body = serde_json::json!({"id": commit, "kind": "commit", "person_id": person, "amount_cents": amount, "description": "bench"});
            let status = send(&mut connection, &path, &headers, &body, &mut outcome).await;
            self.bar.inc(1);
            if n.is_multiple_of(10) && status.is_some() {
                // A retry of the same request: the same answer, nothing recorded twice.
                let again = send(&mut connection, &path, &headers, &body, &mut outcome).await;
                if again != status {
                    outcome.retry_mismatches += 1;
                }
                if again == Some(201) {
                    outcome.accepted -= 1;
                }
            }
            if status != Some(201) {
                self.bar.inc(1);
                continue;
            }
            let resolve = if self.next().is_multiple_of(2) {
                serde_json::json!({"id": uuid::Uuid::now_v7(), "kind": "post", "pending_id": commit, "invoice_ref": format!("B-{n}"), "description": "bench"})
            } else {
                serde_json::json!({"id": uuid::Uuid::now_v7(), "kind": "void", "pending_id": commit, "description": "bench"})
            };
            send(&mut connection, &path, &headers, &resolve, &mut outcome).await;
            self.bar.inc(1);
        }
        outcome
    }

    fn next(&mut self) -> u64 {
        self.seed ^= self.seed << 13;
        self.seed ^= self.seed >> 7;
        self.seed ^= self.seed << 17;
        self.seed
    }
}

async fn send(
    connection: &mut Connection,
    path: &str,
    headers: &str,
    body: &serde_json::Value,
    outcome: &mut Outcome,
) -> Option<u16> {
    let started = Instant::now();
    let status = connection.request("POST", path, headers, body.to_string().as_bytes()).await;
    outcome.times.push(started.elapsed().as_secs_f64() * 1000.0);
    match status {
        Ok(201) => {
            outcome.accepted += 1;
            Some(201)
        }
        Ok(422) => {
            outcome.refused += 1;
            Some(422)
        }
        _ => {
            outcome.failures += 1;
            None
        }
    }
}

/// p50 and p99 (nearest rank).
fn percentiles(times: &mut [f64]) -> (f64, f64) {
    times.sort_by(f64::total_cmp);
    if times.is_empty() {
        return (0.0, 0.0);
    }
    let rank = |p: f64| times[((p * times.len() as f64).ceil() as usize).clamp(1, times.len()) - 1];
    (rank(0.5), rank(0.99))
}

fn print_table(args: &FundsBenchArgs, runs: &[Run]) {
    println!(
        "desist bench funds — {} clients, {} transfers against {} hot accounts of one fund",
        args.clients, args.transfers, args.accounts
    );
    println!();
    println!(
        "{:<10} {:>9} {:>8} {:>8} {:>10} {:>11} {:>8} {:>8} {:>13} {:>13}",
        "backend",
        "transfers",
        "refused",
        "failed",
        "violations",
        "transfers/s",
        "p50 ms",
        "p99 ms",
        "healthz p50",
        "healthz p99"
    );
    for r in runs {
        println!(
            "{:<10} {:>9} {:>8} {:>8} {:>10} {:>11.0} {:>8.1} {:>8.1} {:>13.1} {:>13.1}",
            r.backend,
            r.transfers,
            r.refused,
            r.failures,
            r.invariant_violations,
            r.transfers_per_second,
            r.p50_ms,
            r.p99_ms,
            r.healthz_p50_ms,
            r.healthz_p99_ms
        );
    }
}
