//! Provider webhooks: the outbox's second consumer. One step follows the outbox under the
//! "webhooks" lease and queues a delivery of every referral event to each subscription of the
//! agencies it is addressed to; the other posts the due deliveries, signed as the Standard
//! Webhooks scheme describes (HMAC-SHA256 over `id.timestamp.body`, with the `webhook-id`,
//! `webhook-timestamp` and `webhook-signature` headers), retrying with exponential backoff
//! and keeping each attempt's outcome in the delivery log.
//!
//! Deliveries go over HTTPS (rustls, the platform's trusted roots and any CA the deployment adds
//! with `webhooks_ca_file`; certificates are always verified). Plain http is refused —
//! when subscribing and again before each post — except to this machine (a provider trying
//! its receiver on localhost) or where the deployment turns on `webhooks_allow_plain_http`
//! for development. Redirects are not followed: a receiver that moved is told by its log.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use domain::Clock;
use domain::interventions::ports::{Delivery, DeliveryState, WebhookStore};
use domain::interventions::service::may_post_to;
use domain::notifications::{NotificationStore, OutboxFollower, StoredEvent, SubjectKind};
use hmac::{KeyInit, Mac};
use jiff::SignedDuration;
use std::sync::Arc;
use std::time::Duration;
use store::Store;
use uuid::Uuid;

/// The outbox consumer's name.
pub const CONSUMER: &str = "webhooks";
/// After this many failed attempts a delivery is marked failed (a replay sends it again).
pub const MAX_ATTEMPTS: u32 = 8;
/// The wait before the second attempt; it doubles after each failure.
pub const FIRST_RETRY: SignedDuration = SignedDuration::from_secs(30);
const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// The secret as handed to the provider: `whsec_` + base64.
pub fn secret_text(secret: &[u8]) -> String {
    format!("whsec_{}", STANDARD.encode(secret))
}

/// `v1,<base64 of HMAC-SHA256(secret, "{id}.{timestamp}.{body}")>`.
pub fn signature(secret: &[u8], id: &str, timestamp: i64, body: &str) -> String {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret).expect("HMAC takes a key of any length");
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
}

/// When to try again after `attempts` failures.
pub fn backoff(attempts: u32) -> SignedDuration {
    FIRST_RETRY * 2i32.pow(attempts.saturating_sub(1).min(12))
}

/// The payload: `{"type", "timestamp", "data"}` as the scheme recommends.
pub fn payload(stored: &StoredEvent) -> String {
    let event = &stored.event;
    serde_json::json!({
        "type": event.kind.code(),
        "timestamp": event.at.to_string(),
        "data": {
            "position": stored.position,
            "event_id": event.id.to_string(),
            "subject": event.subject.kind.code(),
            "referral_id": event.subject.id.to_string(),
            "person_id": event.person.map(|p| p.to_string()),
            "detail": event.detail,
        }
    })
    .to_string()
}

/// Makes ring the process's TLS crypto provider, which every HTTPS client takes (reqwest is
/// built without one of its own). Done when the web state is made and before a webhook client
/// is built; a second call changes nothing.
///
/// Why ring, and why through a deprecated function (checked against rustls 0.23.48):
/// - rustls 0.23.48 deprecates only `crypto::ring::default_provider()`, because ring has no
///   post-quantum key exchange (`X25519MLKEM768`); the ring provider itself is not going away.
///   rustls recommends its default provider, aws-lc-rs, which prefers `X25519MLKEM768`.
/// - aws-lc-rs builds AWS-LC's C sources with CMake: minutes on two cores and a C toolchain on
///   every machine that builds us, for short-lived signed events to a provider's endpoint.
/// - rustls 0.24 moves ring into its own crate (`rustls-ring`), not deprecated; both exist only
///   as pre-releases (0.24.0-dev, 0.1.0-dev), and reqwest 0.13 is built on rustls 0.23.
/// - The pure-Rust alternative with post-quantum exchange, `rustls-graviola`, adds graviola and
///   libcrux-ml-kem with its own dependencies, runs only on x86_64 with AVX2/ADX/BMI2 or
///   aarch64 with the crypto extensions, and calls itself very new.
/// - Assembling the same provider from ring's public parts would only hide the warning, not
///   answer it: the exchange would still be classical.
///
/// A webhook carries a referral event (the person's id among its identifiers); classical X25519
/// leaves a recorded exchange open to a future quantum computer. Switch when `rustls-ring`
/// (or a ring release with ML-KEM) is released for the rustls that reqwest uses, or to
/// aws-lc-rs if its build cost stops mattering.
pub fn install_crypto_provider() {
    #[expect(
        deprecated,
        reason = "deprecated only for lacking post-quantum key exchange; the alternatives cost a C/CMake build \
                  (aws-lc-rs) or are pre-releases (rustls-ring) — see the function's comment"
    )]
    let provider = rustls::crypto::ring::default_provider();
    // Refused when one is installed already: that one stays, as it should.
    let _ = provider.install_default();
}

/// What posts the deliveries (the composition root builds it once, with [`client`]).
pub type Client = reqwest::Client;

/// The client deliveries are posted with: HTTPS through rustls (the ring provider), the
/// platform's trusted roots and, besides them, the CA certificates in `extra_roots` (PEM; the
/// deployment's `webhooks_ca_file`, e.g. a provider's private CA; empty: none), certificates
/// always verified; no redirects followed (a redirect could lead a signed event to plain http
/// or to another host). Fails when `extra_roots` holds something that is not a certificate.
pub fn client(extra_roots: &[u8]) -> reqwest::Result<reqwest::Client> {
    install_crypto_provider();
    let roots = if extra_roots.is_empty() { Vec::new() } else { reqwest::Certificate::from_pem_bundle(extra_roots)? };
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).tls_certs_merge(roots).build()
}

/// Follows the outbox once: queues deliveries for the referral events after the consumer's
/// position. Returns how many events were read.
pub async fn follow_outbox(store: &Store, clock: &dyn Clock, owner: Uuid) -> domain::ports::StoreResult<usize> {
    let now = clock.now();
    let Some(claim) = store.claim_events(CONSUMER, owner, now, SignedDuration::from_secs(60), 200).await? else {
        return Ok(0);
    };
    let mut last = claim.after;
    for stored in &claim.events {
        if stored.event.subject.kind == SubjectKind::Referral {
            let agencies: Vec<_> = stored.event.audience.agencies.iter().copied().collect();
            store.queue_deliveries(stored.position, &agencies, now).await?;
        }
        last = stored.position;
    }
    store.settle_events(CONSUMER, owner, claim.after, last).await?;
    Ok(claim.events.len())
}

/// Posts the deliveries due now; returns how many were attempted. `allow_plain_http`: the
/// deployment's development setting (plain http to any host).
pub async fn send_due(
    store: &Store,
    clock: &dyn Clock,
    client: &reqwest::Client,
    allow_plain_http: bool,
) -> domain::ports::StoreResult<usize> {
    let due = store.due_deliveries(clock.now(), 50).await?;
    for delivery in &due {
        let outcome = attempt(store, clock, client, delivery, allow_plain_http).await?;
        store.save_delivery(&outcome).await?;
    }
    Ok(due.len())
}

async fn attempt(
    store: &Store,
    clock: &dyn Clock,
    client: &reqwest::Client,
    delivery: &Delivery,
    allow_plain_http: bool,
) -> domain::ports::StoreResult<Delivery> {
    let mut next = delivery.clone();
    next.attempts += 1;
    let (Some(hook), Some(stored)) = (store.webhook(delivery.webhook).await?, store.event_at(delivery.position).await?)
    else {
        next.state = DeliveryState::Failed;
        next.last_error = Some("subscription or event gone".into());
        return Ok(next);
    };
    if !may_post_to(&hook.url, allow_plain_http) {
        // Subscribed while plain http was allowed; not sent in the clear now it is not.
        next.state = DeliveryState::Failed;
        next.last_error = Some("plain http refused: the subscription needs an https URL".into());
        return Ok(next);
    }
    let body = payload(&stored);
    let id = stored.event.id.to_string();
    let now = clock.now();
    let timestamp = now.as_second();
    let sent = client
        .post(&hook.url)
        .timeout(SEND_TIMEOUT)
        .header("content-type", "application/json")
        .header("webhook-id", &id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature(&hook.secret, &id, timestamp, &body))
        .body(body)
        .send()
        .await;
    match sent {
        Ok(response) if response.status().is_success() => {
            next.state = DeliveryState::Delivered;
            next.last_status = Some(response.status().as_u16());
            next.last_error = None;
            next.delivered_at = Some(now);
        }
        failed => {
            match failed {
                Ok(response) => {
                    next.last_status = Some(response.status().as_u16());
                    next.last_error = Some(format!("answered {}", response.status()));
                }
                Err(error) => next.last_error = Some(error.to_string().chars().take(200).collect()),
            }
            if next.attempts >= MAX_ATTEMPTS {
                next.state = DeliveryState::Failed;
            } else {
                next.next_attempt_at = now + backoff(next.attempts);
            }
        }
    }
    Ok(next)
}

/// Runs both steps every few seconds while serving. Every server runs it; the lease lets one
/// follow the outbox at a time, and a delivery is posted by whichever server finds it due.
pub async fn run(store: Store, clock: Arc<dyn Clock>, client: reqwest::Client, allow_plain_http: bool) {
    let owner = Uuid::now_v7();
    let mut every = tokio::time::interval(Duration::from_secs(5));
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        every.tick().await;
        if let Err(error) = follow_outbox(&store, clock.as_ref(), owner).await {
            tracing::warn!(%error, "following the outbox for webhooks failed; trying again");
        }
        if let Err(error) = send_due(&store, clock.as_ref(), &client, allow_plain_http).await {
            tracing::warn!(%error, "sending webhooks failed; trying again");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_that_of_the_standard_webhooks_example() {
        // The scheme's published example: secret `whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw`,
        // id `msg_p5jXN8AQM9LWM0D4loKWxJek`, timestamp 1614265330, body `{"test": 2432232314}`.
        let secret = STANDARD.decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let signed = signature(&secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1_614_265_330, r#"{"test": 2432232314}"#);
        assert_eq!(signed, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        assert_eq!(secret_text(&secret), "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    }

    #[test]
    fn retries_back_off_exponentially() {
        assert_eq!(backoff(1), SignedDuration::from_secs(30));
        assert_eq!(backoff(2), SignedDuration::from_secs(60));
        assert_eq!(backoff(4), SignedDuration::from_secs(240));
    }
}
