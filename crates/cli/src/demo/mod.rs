//! `desist demo`: a fictitious caseload in `desist-demo.db` — agencies, one member of each
//! role, ~50 people with identifiers and case teams, and a history of who looked at what
//! (`directory`, `people`), a busy ZSM table (`zsm`), a Safety House with plans, screenings and
//! a week of case conferences (`beyond`), measures and a group (`measures`) — then the server.
//! Names, numbers and events are invented; BSNs pass the 11-check but are generated, not real.
//! Everything but the directory goes through the domain's use cases, so the demo obeys the same
//! rules and leaves the same audit trail as real use.

mod beyond;
// Cohort decisions (issue 17, item 21).
mod cohorts;
mod custody;
mod directory;
// Interventions (issue 19).
mod evidence;
mod funds;
// Orders from the catalogue for a homeless stream (funds4 branch).
mod fund_orders;
// Co-produced projects granted from the grant pot (grants branch).
mod grants;
// Views4: more history for what works (mentor matches, measures) and commissioners' contracts.
mod contracts;
mod history_extras;
mod interventions;
// Life Change and the mentor pipeline (issue 20).
mod life_change;
mod measures;
mod people;
// Issue 18, the whole API (apizsm): a police system's API key for the ZSM table.
mod police_system;
mod zsm;

use crate::config::Config;
use crate::serve::serve_store;
use anyhow::Context;
use clap::Args;
use directory::{AGENCIES, MEMBERS, seed_directory};
use domain::Clock;
use people::seed_people;
use std::path::PathBuf;
use std::sync::Arc;
use store::Store;

#[derive(Args)]
pub struct DemoArgs {
    /// The demo database file; it is replaced.
    #[arg(long, default_value = "desist-demo.db")]
    db: PathBuf,
    /// Where to serve the demo.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: String,
    /// Load the data and exit without serving.
    #[arg(long)]
    no_serve: bool,
    /// Seed an empty database at this URL (e.g. PostgreSQL) instead of the file; the
    /// evidence pages bench measures the demo's pages on PostgreSQL so.
    #[arg(long)]
    database_url: Option<String>,
}

pub const DEMO_PASSWORD: &str = "desist-demo-2026";

/// The demo's caseload is Dutch (ZSM Utrecht, a Zorg- en Veiligheidshuis, the huisverbod), so
/// it is seeded and served under the Dutch pack whatever the configuration says; every part of
/// the demo takes its pack from here.
pub const DEMO_PACK: &str = "nl";

/// The demo's "beyond the case" pack.
fn demo_beyond_pack() -> domain::jurisdiction::BeyondPack {
    domain::jurisdiction::BeyondPack::shipped(DEMO_PACK).expect("the shipped packs load (tested)")
}

pub async fn run(args: DemoArgs, mut config: Config, clock: Arc<dyn Clock>) -> anyhow::Result<()> {
    if let Some(url) = &args.database_url {
        config.database_url = url.clone();
    } else {
        for suffix in ["", "-wal", "-shm"] {
            let path = PathBuf::from(format!("{}{suffix}", args.db.display()));
            if path.exists() {
                std::fs::remove_file(&path).with_context(|| format!("removing the old {}", path.display()))?;
            }
        }
        config.database_url = format!("sqlite:{}", args.db.display());
    }
    config.listen = args.listen;
    // The demo is served over plain HTTP on this machine.
    config.secure_cookies = false;
    config.pack = DEMO_PACK.into();
    // Both partnerships' cohorts, each over its own area of the one offence record.
    config.cohort_rules.extend(cohorts::area_rules());
    let store = Store::connect(&config.database_url, config.max_connections).await?;
    let now = clock.now();
    let cast = seed_directory(&store, now).await?;
    let people = seed_people(&store, &cast, now, 50).await?;
    let lawyers = [cast.actor("advocaat").clone()];
    let table = zsm::ZsmDemoActors {
        police: cast.actor("politie"),
        prosecutor: cast.actor("officier"),
        probation: cast.actor("reclassering"),
        victim_support: cast.actor("slachtofferhulp"),
        lawyers: &lawyers,
    };
    let zsm = zsm::seed_zsm_demo(&store, &table, now).await?;
    let beyond = beyond::seed_beyond(&store, &cast, now).await?;
    measures::seed_measures(&store, &cast, &people, now, Some(beyond.shoplifter)).await?;
    let custody = custody::seed_custody(&store, cast.actor("beheer"), now).await?;
    let help = interventions::seed_interventions(&store, &cast, now, beyond.shoplifter).await?;
    let funded = funds::seed_funds(&store, &cast, &people, beyond.shoplifter, now).await?;
    let life_change = life_change::seed_life_change(&store, &cast, &people, beyond.shoplifter, now).await?;
    let history = evidence::seed_evidence(&store, &cast, &table, &help.history, now).await?;
    let (history_mentors, history_episodes, history_orders) = history.extras;
    let contracted = contracts::seed_contracts(&store, &cast, &help.history, now).await?;
    let (history_cases, history_plans) = (history.cases, history.plans);
    // The public value report: help after the ZSM table (issue 21).
    beyond::seed_help_after_the_table(&store, &cast, now).await?;
    // Referrals of the past screened, so "to screen" shows this week's; triage waiting today.
    let screened = beyond::screen_past_referrals(&store, &cast, now).await?;
    let triage = beyond::seed_triage(&store, &cast, now).await?;
    let cohorts = cohorts::seed_cohorts(&store, &cast, &people, now).await?;
    let police_token = police_system::seed_police_system(&store, &cast, clock.as_ref()).await?;
    // Last, when everyone is there: the offence record of the demo's people (what works).
    let record_persons = evidence::import_record(&store, history, now).await?;
    println!(
        "demo data: {} agencies, {} members, {} people, a ZSM table with {} open and {} settled cases, \
         a Safety House with {} plans and {} case conferences this week, in {}",
        cast.agencies.len(),
        cast.actors.len(),
        people.len(),
        zsm.open_cases,
        zsm.settled_cases,
        beyond.plans,
        beyond.meetings,
        if args.database_url.is_some() { "the database given".to_string() } else { args.db.display().to_string() }
    );
    println!(
        "England and Wales: {} with {} detainees in custody and {} decided, and the {}",
        custody::CUSTODY_LOCATION,
        custody.open_cases,
        custody.decided_cases,
        custody::IOM_HUB
    );
    println!("interventions: {} in the catalogue, {} referrals in every state", help.interventions, help.referrals);
    println!(
        "what works: {history_cases} settled ZSM cases and {history_plans} plans with their help from two to four \
         years ago, and an offence record of {record_persons} persons (everyone with a BSN and a comparison pool), \
         at /evidence/what-works (analist, procesregisseur)"
    );
    println!(
        "what works (views4): {history_mentors} ended mentor matches, {history_episodes} closed episodes and \
         {history_orders} exclusion orders in that history; {} contracted by {} at /evidence/what-works \
         (opdrachtgever); the ZSM locations of the police at /evidence/what-works?by=disposal (locatieleider)",
        contracted.join(" and "),
        directory::AGENCIES[5].0
    );
    println!(
        "screening: {screened} people referred from the ZSM table screened in the past; triage: {triage} requests \
         waiting at /triage (procesregisseur)"
    );
    println!(
        "cohorts: {} with members and {} decisions on police intelligence, at /cohorts (procesregisseur, iomlead)",
        cohorts.rules, cohorts.decisions
    );
    if args.no_serve {
        return Ok(());
    }
    serve_store(&config, store, clock, |address| {
        println!();
        println!("Open http://{address}/ and sign in with one of these (password: {DEMO_PASSWORD}):");
        for (username, name, agency, role) in MEMBERS {
            println!("  {username:<16} {role:<22} {name}, {}", AGENCIES[agency].0);
        }
        println!("England and Wales (St Anne Street custody suite, the Knowsley IOM hub), in English:");
        for (username, name, _, role) in custody::CUSTODY_MEMBERS {
            println!("  {username:<16} {role:<22} {name}");
        }
        println!("Providers of interventions:");
        for (username, name, agency) in interventions::PROVIDER_MEMBERS {
            println!("  {username:<16} {:<22} {name}, {agency}", "provider_worker");
        }
        println!(
            "A person to start with: Gerrit Hoekstra, 56, shoplifts alcohol and steals bikes; his shared plan \
             is at http://{address}/people/{}/plan (sign in as procesregisseur); what could help him, with \
             the waits, is at http://{address}/people/{}/interventions (sign in as reclassering).",
            beyond.shoplifter, beyond.shoplifter
        );
        println!(
            "Personal funds: {} funds; Gerrit's fund at http://{address}/people/{}/fund (reclassering), an order \
             waiting for approval at /funds (goedkeurder); the mentor's {} mentees at /mentor (mentor), the \
             coordinator's list at /mentoring (mentorcoordinator).",
            funded.funds, beyond.shoplifter, funded.mentees
        );
        println!(
            "Life Change: {} groups, one in week 4, and {} graduates in mentor training at /life-change \
             (mentorcoordinator).",
            life_change.cohorts, life_change.in_training
        );
        println!(
            "The police's own system ({}) registers and follows ZSM cases through the JSON API with \
             this key (shown once): Authorization: Bearer {police_token} — e.g. \
             curl -H 'Authorization: Bearer {police_token}' http://{address}/api/v1/zsm/locations \
             (the document: http://{address}/api/openapi.json).",
            police_system::NAME
        );
        println!("Stop with Ctrl-C.");
    })
    .await
}
