//! Provider webhooks: a provider's member subscribes its system to the referral events its
//! agency is told of, reads the delivery log and replays from a position. Signing and sending
//! happen outside the domain (the web crate's outbox consumer).

use super::is_provider_member;
use crate::access::{Actor, Denial};
use crate::clock::Clock;
use crate::ids::{WebhookId, new_v7};
use crate::interventions::ports::{Delivery, Webhook, WebhookStore};
use crate::service::{ServiceError, ServiceResult};
use crate::validation::{FieldError, ValidationErrors};

/// Longest callback URL taken.
pub const WEBHOOK_URL_MAX_CHARS: usize = 500;

pub struct Webhooks<'a, S> {
    pub store: &'a S,
    pub clock: &'a dyn Clock,
}

fn check_url(url: &str) -> Result<String, ValidationErrors> {
    let url = url.trim();
    let ok = (url.starts_with("http://") || url.starts_with("https://"))
        && url.len() <= WEBHOOK_URL_MAX_CHARS
        && !url.chars().any(|c| c.is_control() || c.is_whitespace());
    if ok { Ok(url.to_owned()) } else { Err(ValidationErrors::single(FieldError::new("url", "error.webhook.url"))) }
}

impl<S: WebhookStore> Webhooks<'_, S> {
    /// Subscribes the actor's provider to its referral events, signed with `secret`.
    pub async fn subscribe(&self, actor: &Actor, url: &str, secret: Vec<u8>) -> ServiceResult<Webhook> {
        if !is_provider_member(actor) {
            return Err(ServiceError::Forbidden(Denial::RoleLacksPermission));
        }
        let url = check_url(url)?;
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

    async fn own(&self, actor: &Actor, id: WebhookId) -> ServiceResult<Webhook> {
        match self.store.webhook(id).await? {
            Some(w) if w.agency == actor.agency_id && is_provider_member(actor) => Ok(w),
            _ => Err(ServiceError::NotFound),
        }
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
