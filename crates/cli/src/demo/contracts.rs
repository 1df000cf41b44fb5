//! The municipality's contracts (views4, issue 21): Gemeente Amsterdam commissions the night
//! shelter and debt help the history referred people to — not the addiction care, which the
//! health insurers buy — so its commissioner (`opdrachtgever`) sees the aggregates of those
//! two providers' work, and of no other.

use super::directory::{AGENCIES, DemoCast};
use domain::access::Actor;
use domain::directory::DirectoryStore;
use domain::ids::InterventionId;
use jiff::Timestamp;
use store::Store;
use store::commissioning::Contract;

/// Records the contracts; answers the contracted providers' names.
pub async fn seed_contracts(
    store: &Store,
    cast: &DemoCast,
    help: &[(InterventionId, Actor)],
    now: Timestamp,
) -> anyhow::Result<Vec<String>> {
    let municipality = cast.agencies.iter().find(|a| a.name == AGENCIES[5].0).map(|a| a.id);
    let Some(municipality) = municipality else { anyhow::bail!("the demo has its municipality") };
    let agencies = store.agencies().await?;
    let zone = jiff::tz::TimeZone::get("Europe/Amsterdam").unwrap_or(jiff::tz::TimeZone::UTC);
    let starts_on = now.to_zoned(zone).date().checked_sub(jiff::Span::new().years(5))?;
    let mut names = Vec::new();
    // The room (night shelter) and debt help: the first and last of the history's help.
    for (n, (_, provider)) in [help.first(), help.last()].into_iter().flatten().enumerate() {
        let contract = Contract {
            id: uuid::Uuid::now_v7(),
            commissioner: *municipality.as_uuid(),
            provider: *provider.agency_id.as_uuid(),
            intervention: None,
            starts_on,
            ends_on: None,
            reference: format!("AMS-ZORG-{}-{:03}", starts_on.year(), 14 + n),
        };
        store.add_contract(&contract, &cast.actor("beheer").member_id.to_string(), now).await?;
        names.extend(agencies.iter().find(|a| a.id == provider.agency_id).map(|a| a.name.clone()));
    }
    Ok(names)
}
