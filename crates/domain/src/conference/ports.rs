//! The conference capability's storage port: requests and meetings as stored (with a version
//! against lost updates), written together with their audit entries in one transaction.

use crate::audit::AuditEntry;
use crate::conference::{ConferenceRequest, Invitation, Meeting};
use crate::ids::{AgencyId, ConferenceRequestId, InvitationId, MeetingId, PersonId};
use crate::notifications::Event;
use crate::plan::ports::PlanWrite;
use crate::ports::StoreResult;
use jiff::civil::Date;
use std::future::Future;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRequest {
    pub request: ConferenceRequest,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMeeting {
    pub meeting: Meeting,
    pub version: i64,
}

/// What one use case writes, all or nothing: requests and meetings at their new version (1 for
/// a new one; otherwise the stored version must still be one less, or the write is a
/// `StoreError::Conflict`), plans (a closing meeting's decisions, each plan's stored version
/// checked the same way), the audit entries and the outbox events.
#[derive(Debug, Default)]
pub struct ConferenceWrite<'a> {
    pub requests: Vec<(&'a ConferenceRequest, i64)>,
    /// Agencies joining a person's team (the Safety House accepting a request, on its own basis).
    pub team: Vec<crate::access::TeamEntry>,
    /// New invitations onto a person's team (the partners a request names).
    pub invitations: Vec<Invitation>,
    pub meetings: Vec<(&'a Meeting, i64)>,
    pub plans: Vec<PlanWrite>,
    pub audit: Vec<AuditEntry>,
    pub outbox: Vec<Event>,
}

pub trait ConferenceStore: Send + Sync {
    fn write_conference(&self, write: &ConferenceWrite<'_>) -> impl Future<Output = StoreResult<()>> + Send;
    fn conference_request(
        &self,
        id: ConferenceRequestId,
    ) -> impl Future<Output = StoreResult<Option<StoredRequest>>> + Send;
    /// The person's requests, newest first.
    fn conference_requests_of(&self, person: PersonId) -> impl Future<Output = StoreResult<Vec<StoredRequest>>> + Send;
    /// Requests waiting for triage or accepted and not yet on an agenda, earliest triage first.
    fn open_conference_requests(&self) -> impl Future<Output = StoreResult<Vec<StoredRequest>>> + Send;
    fn meeting(&self, id: MeetingId) -> impl Future<Output = StoreResult<Option<StoredMeeting>>> + Send;
    /// Meetings on or after `from`, earliest first, at most `limit`.
    fn meetings_from(&self, from: Date, limit: u32) -> impl Future<Output = StoreResult<Vec<StoredMeeting>>> + Send;
    /// Meetings that had the person on their agenda, newest first.
    fn meetings_of(&self, person: PersonId) -> impl Future<Output = StoreResult<Vec<StoredMeeting>>> + Send;
}

/// An invitation onto a team as stored, with its version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredInvitation {
    pub invitation: Invitation,
    pub version: i64,
}

/// What answering an invitation writes, all or nothing.
#[derive(Debug, Default)]
pub struct InvitationWrite<'a> {
    /// Invitations at their new version (1 inserts one).
    pub invitations: Vec<(&'a Invitation, i64)>,
    pub team: Vec<crate::access::TeamEntry>,
    pub audit: Vec<AuditEntry>,
    pub outbox: Vec<Event>,
}

pub trait InvitationStore: Send + Sync {
    fn write_invitations(&self, write: &InvitationWrite<'_>) -> impl Future<Output = StoreResult<()>> + Send;
    fn invitation(&self, id: InvitationId) -> impl Future<Output = StoreResult<Option<StoredInvitation>>> + Send;
    /// The agency's invitations still open, oldest first.
    fn open_invitations(&self, agency: AgencyId) -> impl Future<Output = StoreResult<Vec<StoredInvitation>>> + Send;
    /// The person's invitations, answered or not, oldest first.
    fn invitations_of(&self, person: PersonId) -> impl Future<Output = StoreResult<Vec<StoredInvitation>>> + Send;
}
