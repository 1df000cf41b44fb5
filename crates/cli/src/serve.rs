//! `desist serve`: open the store, bind, serve until Ctrl-C or SIGTERM.

use crate::config::{Config, redact_url};
use anyhow::Context;
use domain::Clock;
use std::sync::Arc;
use store::Store;

pub async fn open_store(config: &Config) -> anyhow::Result<Store> {
    let store = Store::connect(&config.database_url, config.max_connections)
        .await
        .with_context(|| format!("opening the database {}", redact_url(&config.database_url)))?;
    store.set_listing_window(jiff::SignedDuration::from_mins(i64::from(config.listing_audit_minutes)));
    Ok(store)
}

pub async fn serve(config: &Config, clock: Arc<dyn Clock>) -> anyhow::Result<()> {
    let store = open_store(config).await?;
    tell_when_no_administrator(&store).await?;
    serve_store(config, store, clock, |_| {}).await
}

/// A fresh install cannot be set up without an administrator: say how to make the first.
async fn tell_when_no_administrator(store: &Store) -> anyhow::Result<()> {
    use domain::directory::DirectoryStore;
    let members = store.members().await?;
    if !members.iter().any(|m| !m.disabled && m.roles.contains(&domain::access::Role::Administrator)) {
        tracing::warn!("no administrator yet");
        println!("desist has no administrator yet: run `desist init --admin NAME` to make the first");
    }
    Ok(())
}

/// Serves `store`; `on_listening` gets the bound address (the port is known only now when
/// the configured port is 0).
pub async fn serve_store(
    config: &Config,
    store: Store,
    clock: Arc<dyn Clock>,
    on_listening: impl FnOnce(std::net::SocketAddr),
) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(&config.listen)
        .await
        .with_context(|| format!("listening on {}", config.listen))?;
    let address = listener.local_addr()?;
    tracing::info!(database = store.backend(), %address, "desist serving");
    println!("desist listening on http://{address}");
    on_listening(address);
    let escalations = tokio::spawn(escalate_clocks(store.clone(), clock.clone()));
    let plain_http = config.interventions.webhooks_allow_plain_http;
    let webhook_client = webhook_client(config.interventions.webhooks_ca_file.as_deref())?;
    let webhooks = tokio::spawn(web::webhooks::run(store.clone(), clock.clone(), webhook_client, plain_http));
    let state = web::AppState::new(store.clone(), clock, config.web_config());
    let warm = tokio::spawn({
        let state = state.clone();
        async move { state.warm_extract().await }
    });
    web::serve(listener, state, shutdown_signal()).await.context("serving")?;
    warm.abort();
    escalations.abort();
    webhooks.abort();
    store.close().await;
    Ok(())
}

/// The client webhooks are posted with, trusting the CA certificates of `ca_file` besides the
/// system's. A file that cannot be read or holds no certificate stops the start: deliveries
/// to the providers that need it would otherwise fail one by one, quietly.
fn webhook_client(ca_file: Option<&std::path::Path>) -> anyhow::Result<web::webhooks::Client> {
    let roots = match ca_file {
        Some(path) => {
            let pem = std::fs::read(path).with_context(|| format!("reading webhooks_ca_file {}", path.display()))?;
            anyhow::ensure!(
                pem.windows(27).any(|w| w == b"-----BEGIN CERTIFICATE-----"),
                "webhooks_ca_file {} holds no PEM certificate",
                path.display()
            );
            pem
        }
        None => Vec::new(),
    };
    web::webhooks::client(&roots).context("the webhooks' HTTPS client (webhooks_ca_file)")
}

/// How often the legal clocks are checked for ones near their limit.
const ESCALATION_INTERVAL: std::time::Duration = std::time::Duration::from_secs(60);

/// Tells the tables of clocks near their limit, every minute while serving. Every server does
/// it; the outbox records each escalation once, whichever server notices it first.
async fn escalate_clocks(store: Store, clock: Arc<dyn Clock>) {
    let mut every = tokio::time::interval(ESCALATION_INTERVAL);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        every.tick().await;
        let zsm = domain::zsm::service::Zsm { store: &store, clock: clock.as_ref() };
        match zsm.escalate_clocks().await {
            Ok(0) => {}
            Ok(told) => tracing::info!(told, "clock escalations recorded"),
            Err(error) => tracing::warn!(%error, "checking the clocks failed; trying again in a minute"),
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}
