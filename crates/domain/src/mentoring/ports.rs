//! Mentoring's storage port.

use crate::audit::AuditEntry;
use crate::ids::{AgencyId, MemberId, PersonId};
use crate::mentoring::model::{Contact, MentorMatch, MentorProfile, Shift};
use crate::notifications::Event;
use crate::ports::StoreResult;
use std::future::Future;

pub trait MentoringStore: Send + Sync {
    /// Creates or replaces the member's profile.
    fn save_profile(
        &self,
        profile: &MentorProfile,
        at: jiff::Timestamp,
        audit: &[AuditEntry],
    ) -> impl Future<Output = StoreResult<()>> + Send;
    fn profile(&self, member: MemberId) -> impl Future<Output = StoreResult<Option<MentorProfile>>> + Send;
    fn profiles(&self) -> impl Future<Output = StoreResult<Vec<MentorProfile>>> + Send;
    /// Records the match with its audit entries and outbox events, atomically.
    fn save_match(
        &self,
        matched: &MentorMatch,
        audit: &[AuditEntry],
        outbox: &[Event],
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// Every match of the mentor, oldest first.
    fn matches_of_mentor(&self, mentor: MemberId) -> impl Future<Output = StoreResult<Vec<MentorMatch>>> + Send;
    fn matches_of_person(&self, person: PersonId) -> impl Future<Output = StoreResult<Vec<MentorMatch>>> + Send;
    /// Every match of the mentors of an agency.
    fn matches_of_agency(&self, agency: AgencyId) -> impl Future<Output = StoreResult<Vec<MentorMatch>>> + Send;
    fn log_contact(&self, contact: &Contact, audit: &[AuditEntry]) -> impl Future<Output = StoreResult<()>> + Send;
    /// The contacts of these matches, newest first.
    fn contacts(&self, matches: &[uuid::Uuid]) -> impl Future<Output = StoreResult<Vec<Contact>>> + Send;
    fn add_shift(&self, shift: &Shift) -> impl Future<Output = StoreResult<()>> + Send;
    /// Shifts that end after `from`, of every mentoring agency, in start order.
    fn shifts_from(&self, from: jiff::Timestamp) -> impl Future<Output = StoreResult<Vec<Shift>>> + Send;
}
