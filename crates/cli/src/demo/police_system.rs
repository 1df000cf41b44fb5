//! The police's own system at the demo's ZSM table: an API key bound to the police agency,
//! acting as a police officer, made through the same audited administration use case as
//! `desist api-key add`. Its token is printed once at start, so the intake and the rest of
//! the ZSM table can be tried through the JSON API as a partner system would.

use super::directory::DemoCast;
use domain::Clock;
use domain::partnership::service::api_keys::ApiKeyInput;
use store::Store;

/// The key's name as the administration pages list it.
pub const NAME: &str = "Politie Amsterdam-Amstelland — bedrijfsprocessensysteem (ZSM-instroom)";

/// Makes the key and returns its token (kept only as a hash in the store).
pub async fn seed_police_system(store: &Store, cast: &DemoCast, clock: &dyn Clock) -> anyhow::Result<String> {
    let admin = crate::admin::administration(store, clock);
    let police = cast.actor("politie");
    let input = ApiKeyInput {
        name: NAME.into(),
        agency_id: police.agency_id.to_string(),
        scopes: vec!["police_officer".into()],
    };
    let (_, token) = admin.add_api_key(cast.actor("beheer"), &input).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(token)
}
