//! Provider webhooks: a provider's member subscribes its system to the referral events its
//! agency is told of, reads the delivery log and replays from a position. Signing and sending
//! happen outside the domain (the web crate's outbox consumer).

use super::refuse_role;
use crate::access::Actor;
use crate::audit::AuditLog;
use crate::clock::Clock;
use crate::ids::{WebhookId, new_v7};
use crate::interventions::model::Side;
use crate::interventions::ports::{Delivery, InterventionStore, Webhook, WebhookStore};
use crate::service::{ServiceError, ServiceResult};
use crate::validation::{FieldError, ValidationErrors};

/// Longest callback URL taken.
pub const WEBHOOK_URL_MAX_CHARS: usize = 500;

pub struct Webhooks<'a, S> {
    pub store: &'a S,
    pub clock: &'a dyn Clock,
    /// Plain http to any host (a development setting); otherwise only to this machine.
    pub allow_plain_http: bool,
}

/// The host of an `http(s)://` URL, lower case, IPv6 without brackets; `None` when it has no
/// host or names a user (credentials do not belong in a callback URL).
fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    if authority.contains('@') || authority.is_empty() {
        return None;
    }
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split_once(']')?.0,
        None => authority.rsplit_once(':').map_or(authority, |(host, _)| host),
    };
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// Whether plain http to this URL stays on the machine (a provider's test receiver).
pub fn is_loopback_url(url: &str) -> bool {
    host_of(url).is_some_and(|h| h == "localhost" || h == "::1" || h.starts_with("127."))
}

/// Whether a delivery may go to `url`: https always; plain http only to this machine unless
/// the deployment allows it. Checked when subscribing and again before every post.
pub fn may_post_to(url: &str, allow_plain_http: bool) -> bool {
    url.starts_with("https://") || (url.starts_with("http://") && (allow_plain_http || is_loopback_url(url)))
}

fn check_url(url: &str, allow_plain_http: bool) -> Result<String, ValidationErrors> {
    let url = url.trim();
    let well_formed = (url.starts_with("http://") || url.starts_with("https://"))
        && host_of(url).is_some()
        && url.len() <= WEBHOOK_URL_MAX_CHARS
        && !url.chars().any(|c| c.is_control() || c.is_whitespace());
    if !well_formed {
        return Err(ValidationErrors::single(FieldError::new("url", "error.webhook.url")));
    }
    if !may_post_to(url, allow_plain_http) {
        return Err(ValidationErrors::single(FieldError::new("url", "error.webhook.https")));
    }
    Ok(url.to_owned())
}

impl<S: WebhookStore + InterventionStore + AuditLog> Webhooks<'_, S> {
    /// Refuses (on record) an actor whose roles do not act for the provider side of referrals
    /// (data: `SideRoles`, as seeded a provider's worker): only they keep their agency's
    /// webhooks.
    async fn provider_side(&self, actor: &Actor, what: &str) -> ServiceResult<()> {
        if self.store.side_roles().await?.acts_for(actor, Side::Provider) {
            return Ok(());
        }
        refuse_role(self.store, actor, self.clock.now(), None, what).await
    }

    /// Subscribes the actor's provider to its referral events, signed with `secret`.
    pub async fn subscribe(&self, actor: &Actor, url: &str, secret: Vec<u8>) -> ServiceResult<Webhook> {
        self.provider_side(actor, "webhooks: subscribe").await?;
        let url = check_url(url, self.allow_plain_http)?;
        let now = self.clock.now();
        let webhook = Webhook {
            id: WebhookId(new_v7(now)),
            agency: actor.agency_id,
            url,
            secret,
            created_at: now,
            created_by: actor.member_id,
            active: true,
        };
        self.store.add_webhook(&webhook).await?;
        Ok(webhook)
    }

    /// One of the actor's provider's subscriptions; another agency's is not found.
    async fn own(&self, actor: &Actor, id: WebhookId) -> ServiceResult<Webhook> {
        self.provider_side(actor, &format!("webhook: {id}")).await?;
        match self.store.webhook(id).await? {
            Some(w) if w.agency == actor.agency_id => Ok(w),
            _ => Err(ServiceError::NotFound),
        }
    }

    /// The actor's provider's subscriptions.
    pub async fn own_webhooks(&self, actor: &Actor) -> ServiceResult<Vec<Webhook>> {
        self.provider_side(actor, "webhooks: list").await?;
        Ok(self.store.webhooks_of(actor.agency_id).await?)
    }

    /// Switches one of the provider's subscriptions off (nothing is queued or posted for it)
    /// or on again. Switching to the state it is in changes nothing.
    pub async fn switch(&self, actor: &Actor, id: WebhookId, active: bool) -> ServiceResult<Webhook> {
        let mut hook = self.own(actor, id).await?;
        if hook.active != active {
            self.store.switch_webhook(id, active, self.clock.now(), actor.member_id).await?;
            hook.active = active;
        }
        Ok(hook)
    }

    pub async fn deliveries(&self, actor: &Actor, id: WebhookId) -> ServiceResult<Vec<Delivery>> {
        self.own(actor, id).await?;
        Ok(self.store.deliveries(id, 200).await?)
    }

    /// Delivers every event of the agency from `position` on again; how many were queued.
    pub async fn replay(&self, actor: &Actor, id: WebhookId, position: i64) -> ServiceResult<u64> {
        self.own(actor, id).await?;
        Ok(self.store.replay_from(id, position.max(0), self.clock.now()).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_goes_anywhere_and_plain_http_only_to_this_machine() {
        assert!(may_post_to("https://provider.example/hooks", false));
        assert!(may_post_to("http://127.0.0.1:9000/hooks", false));
        assert!(may_post_to("http://localhost/hooks", false));
        assert!(may_post_to("http://[::1]:8080/", false));
        assert!(!may_post_to("http://provider.example/hooks", false));
        assert!(!may_post_to("http://localhost.provider.example/", false));
        assert!(!may_post_to("http://127.0.0.1@provider.example/", false));
        assert!(may_post_to("http://provider.example/hooks", true));
    }

    #[test]
    fn a_callback_url_has_a_host_and_no_credentials() {
        assert!(check_url("https://provider.example", false).is_ok());
        assert!(check_url("https://", false).is_err());
        assert!(check_url("https://user:pw@provider.example/", false).is_err());
        assert!(check_url("ftp://provider.example/", true).is_err());
        let refused = check_url("http://provider.example/", false).unwrap_err();
        assert_eq!(refused.iter().next().map(|e| e.key), Some("error.webhook.https"));
    }
}
