//! What interventions need from storage: the catalogue with its history, referrals written
//! with their history rows, audit entries and outbox events in one transaction, the queues the
//! expected wait is computed from, unmet need and provider webhooks.

// Community networks (issue 20, lifechange branch).
pub mod community;

use super::model::{Intervention, Load, Referral, ReferralListing, ReferralStatus, UnmetKey, UnmetNeed};
use super::workflow::{SideRoles, Transitions};
use crate::audit::AuditEntry;
use crate::ids::{AgencyId, InterventionId, MemberId, PersonId, ReferralId, WebhookId};
use crate::jurisdiction::DomainKey;
use crate::notifications::Event;
use crate::plan::ports::{PlanWrite, StoredPlan};
use crate::ports::StoreResult;
use jiff::Timestamp;
use jiff::civil::Date;
use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredIntervention {
    pub intervention: Intervention,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredReferral {
    pub referral: Referral,
    pub version: i64,
}

/// One catalogue version as written: who changed it when (the history is every version).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogueChange {
    pub version: i64,
    pub at: Timestamp,
    pub by: MemberId,
}

/// A referral change decided on the referral as stored, written at once with its rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralStep {
    pub referral: Referral,
    pub audit: Vec<AuditEntry>,
    pub outbox: Vec<Event>,
    /// The person's plan gaining the referral's task (a referral made without a task creates
    /// it) or the task marked done (a completion), written in the same transaction.
    pub plan: Option<PlanWrite>,
}

/// Which referrals a list shows (only queued statuses: the queue, in its order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralQuery {
    pub provider: Option<AgencyId>,
    pub referrer: Option<AgencyId>,
    pub person: Option<PersonId>,
    pub statuses: Vec<ReferralStatus>,
    pub limit: u32,
}

/// What the finder reads for a person (`InterventionStore::finder_reading`).
#[derive(Debug, Clone, Default)]
pub struct FinderReading {
    /// The screened needs, in key order.
    pub needs: Vec<DomainKey>,
    pub candidates: Vec<(Arc<Intervention>, Load)>,
}

pub trait InterventionStore: Send + Sync {
    /// Saves `version` of a catalogue entry (1 creates it) with its audit entry; every version
    /// is kept. `StoreError::Conflict` when the stored version is not `version - 1`.
    fn save_intervention(
        &self,
        intervention: &Intervention,
        change: &CatalogueChange,
        audit: &AuditEntry,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    fn intervention(&self, id: InterventionId) -> impl Future<Output = StoreResult<Option<StoredIntervention>>> + Send;
    /// Every version of an entry, oldest first.
    fn intervention_history(
        &self,
        id: InterventionId,
    ) -> impl Future<Output = StoreResult<Vec<(CatalogueChange, Intervention)>>> + Send;
    /// Active entries addressing any of `needs` (all active ones when `needs` is empty) and,
    /// when `area` is given, serving it (compared by [`super::model::area_key`]).
    fn interventions_for(
        &self,
        needs: &[DomainKey],
        area: Option<&str>,
    ) -> impl Future<Output = StoreResult<Vec<Intervention>>> + Send;
    /// What the finder reads, in one go: the needs of `person`'s latest screening (domains
    /// scored at most `need_at_most`) and the active entries serving `area` (compared by
    /// [`super::model::area_key`]; none without an area) that address any of them, each with
    /// its queue and completions since `since` from the maintained summary. An entry saved
    /// while they are read may come at its new version, which the caller checks.
    fn finder_reading(
        &self,
        person: crate::ids::PersonId,
        area: Option<&str>,
        need_at_most: u8,
        since: Date,
    ) -> impl Future<Output = StoreResult<FinderReading>> + Send;
    /// A provider's own entries, active or not.
    fn provider_interventions(&self, provider: AgencyId)
    -> impl Future<Output = StoreResult<Vec<Intervention>>> + Send;
    /// Every entry of every provider, active or not, by provider.
    fn every_intervention(&self) -> impl Future<Output = StoreResult<Vec<Intervention>>> + Send;
    /// The queue of each intervention, with completions since `since`, from the summary kept
    /// with every referral write.
    fn loads(
        &self,
        ids: &[InterventionId],
        since: Date,
    ) -> impl Future<Output = StoreResult<BTreeMap<InterventionId, Load>>> + Send;
    /// The referral lifecycle of this deployment (`referral_transition`).
    fn transitions(&self) -> impl Future<Output = StoreResult<Transitions>> + Send;
    /// Which roles act for which side of a referral in this deployment (`referral_side_role`).
    fn side_roles(&self) -> impl Future<Output = StoreResult<SideRoles>> + Send;

    /// Writes a new referral (version 1) with its audit entries and events.
    fn create_referral(&self, step: &ReferralStep) -> impl Future<Output = StoreResult<()>> + Send;
    /// Changes a referral: `decide` gets it as stored inside the write's transaction (locked
    /// against other writers) and, when the referral has a plan task, the person's latest plan
    /// as it is inside the same transaction (locked too: a plan change saved at the same
    /// moment is either in it or waits for this write); its step is written with its history
    /// row, audit and events, and its plan write (the task settled, `PlanWrite::from_version`
    /// the version `decide` was given) in the same transaction — `StoreError::Conflict` and
    /// nothing written if the plan is not at that version. `decide` must be quick and pure.
    fn change_referral<E, F>(
        &self,
        id: ReferralId,
        decide: F,
    ) -> impl Future<Output = StoreResult<Result<Referral, E>>> + Send
    where
        E: Send,
        F: FnOnce(StoredReferral, Option<StoredPlan>) -> Result<ReferralStep, E> + Send;
    fn referral(&self, id: ReferralId) -> impl Future<Output = StoreResult<Option<StoredReferral>>> + Send;
    /// As lines of a list, each with its person's display name: newest first, or in queue
    /// order (by when each was queued) when the query asks only for queued statuses; the
    /// first `skip` lines left out (the pages before).
    fn referrals(
        &self,
        query: &ReferralQuery,
        skip: u32,
    ) -> impl Future<Output = StoreResult<Vec<(ReferralListing, String)>>> + Send;
    /// 1-based place on the intervention's queue (accepted or waiting, by when it was queued).
    fn queue_position(&self, id: ReferralId) -> impl Future<Output = StoreResult<Option<u32>>> + Send;

    fn record_unmet(&self, need: &UnmetNeed, audit: &AuditEntry) -> impl Future<Output = StoreResult<()>> + Send;
    /// Unmet need counted by need, area, month and reason, recorded on `from..=to`.
    fn unmet_counts(&self, from: Date, to: Date) -> impl Future<Output = StoreResult<BTreeMap<UnmetKey, u32>>> + Send;
}

/// A provider system's subscription: events about its referrals, signed with its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    pub id: WebhookId,
    pub agency: AgencyId,
    pub url: String,
    /// The signing secret's raw bytes (shown once, as `whsec_` + base64).
    pub secret: Vec<u8>,
    pub created_at: Timestamp,
    pub created_by: MemberId,
    pub active: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryState {
    Pending,
    Delivered,
    /// Every attempt failed; kept in the log, delivered again only by a replay.
    Failed,
}

impl DeliveryState {
    pub fn code(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Delivered => "delivered",
            Self::Failed => "failed",
        }
    }
    pub fn parse(code: &str) -> Option<Self> {
        [Self::Pending, Self::Delivered, Self::Failed].into_iter().find(|s| s.code() == code)
    }
}

/// One event to one subscription: the delivery log's row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub webhook: WebhookId,
    pub position: i64,
    pub state: DeliveryState,
    pub attempts: u32,
    pub next_attempt_at: Timestamp,
    pub last_status: Option<u16>,
    pub last_error: Option<String>,
    pub delivered_at: Option<Timestamp>,
}

pub trait WebhookStore: Send + Sync {
    fn add_webhook(&self, webhook: &Webhook) -> impl Future<Output = StoreResult<()>> + Send;
    fn webhook(&self, id: WebhookId) -> impl Future<Output = StoreResult<Option<Webhook>>> + Send;
    fn webhooks_of(&self, agency: AgencyId) -> impl Future<Output = StoreResult<Vec<Webhook>>> + Send;
    /// Switches a subscription off or on, keeping who did it when as a row of its history.
    /// While off nothing is queued or posted for it.
    fn switch_webhook(
        &self,
        id: WebhookId,
        active: bool,
        at: Timestamp,
        by: MemberId,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// Queues a delivery of the event at `position` to each active subscription of the agencies
    /// named (once per subscription and position; again is a no-op).
    fn queue_deliveries(
        &self,
        position: i64,
        agencies: &[AgencyId],
        now: Timestamp,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// Pending deliveries of active subscriptions due at `now`, oldest first.
    fn due_deliveries(&self, now: Timestamp, limit: u32) -> impl Future<Output = StoreResult<Vec<Delivery>>> + Send;
    fn save_delivery(&self, delivery: &Delivery) -> impl Future<Output = StoreResult<()>> + Send;
    /// A subscription's log, newest first.
    fn deliveries(&self, webhook: WebhookId, limit: u32) -> impl Future<Output = StoreResult<Vec<Delivery>>> + Send;
    /// Queues every event about the subscription's agency from `position` on again (due now).
    fn replay_from(
        &self,
        webhook: WebhookId,
        position: i64,
        now: Timestamp,
    ) -> impl Future<Output = StoreResult<u64>> + Send;
}
