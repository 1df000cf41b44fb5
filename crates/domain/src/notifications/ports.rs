//! What notifications and the outbox's consumers need from storage. Events themselves are
//! written by each capability's own save (in its transaction); these ports read them.

use super::model::{Event, Notification, StoredEvent};
use crate::ids::{AgencyId, MemberId};
use crate::ports::StoreResult;
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use std::future::Future;
use uuid::Uuid;

pub trait NotificationStore: Send + Sync {
    /// Events addressed to `agency` that `member` did not cause, newest first, at positions
    /// below `before` (all when `None`), each with whether `member` has read it.
    fn notifications(
        &self,
        agency: AgencyId,
        member: MemberId,
        before: Option<i64>,
        limit: u32,
    ) -> impl Future<Output = StoreResult<Vec<Notification>>> + Send;
    /// How many of those `member` has not read whose person (if any) has `agency` on their
    /// team on `today` — the same rule as `access::authorise` for a team member — counting to
    /// `cap` at most.
    fn unread_notifications(
        &self,
        agency: AgencyId,
        member: MemberId,
        today: Date,
        cap: u32,
    ) -> impl Future<Output = StoreResult<u32>> + Send;
    /// The event at `position`, if there is one.
    fn event_at(&self, position: i64) -> impl Future<Output = StoreResult<Option<StoredEvent>>> + Send;
    /// Marks one event read for `member` (again is a no-op).
    fn mark_read(&self, member: MemberId, position: i64, at: Timestamp)
    -> impl Future<Output = StoreResult<()>> + Send;
    /// Marks everything up to `position` read for `member`.
    fn mark_read_up_to(
        &self,
        member: MemberId,
        position: i64,
        at: Timestamp,
    ) -> impl Future<Output = StoreResult<()>> + Send;
}

/// Writes events that no other change carries: facts the system notices, such as a legal
/// clock coming near its deadline. An event whose `once` key is already on record is skipped.
pub trait OutboxWriter: Send + Sync {
    /// Appends `events` in one transaction; returns how many were new.
    fn record_events(&self, events: &[Event]) -> impl Future<Output = StoreResult<usize>> + Send;
}

/// A batch of events claimed by one worker of a consumer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedEvents {
    /// The consumer's position before the batch: everything up to it is handled.
    pub after: i64,
    pub events: Vec<StoredEvent>,
}

/// Follows the outbox for a named consumer from its stored position. One worker at a time
/// holds a consumer's lease (however many servers run it); the worker handles the batch and
/// settles it, which moves the position on and frees the lease. A worker that dies leaves the
/// lease to run out, and the next worker gets the same events again — so a consumer's own
/// writes must be keyed by event position (or id) to happen once.
pub trait OutboxFollower: Send + Sync {
    /// Takes the lease of `consumer` for `owner` until `now + lease` and returns the events
    /// after its position (at most `limit`), or `None` when another worker holds the lease.
    fn claim_events(
        &self,
        consumer: &str,
        owner: Uuid,
        now: Timestamp,
        lease: SignedDuration,
        limit: u32,
    ) -> impl Future<Output = StoreResult<Option<ClaimedEvents>>> + Send;
    /// Moves `consumer` on to `position` and frees the lease, if `owner` still holds it and
    /// the position is still `after`; `false` when the lease was lost (nothing changes).
    fn settle_events(
        &self,
        consumer: &str,
        owner: Uuid,
        after: i64,
        position: i64,
    ) -> impl Future<Output = StoreResult<bool>> + Send;
}
