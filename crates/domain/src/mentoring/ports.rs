//! Mentoring's storage port.

use crate::audit::AuditEntry;
use crate::ids::{AgencyId, MemberId, PersonId};
use crate::mentoring::model::life_change::{Attendance, LifeChangeCohort, OffenceRecord, Participant, PipelineStep};
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
    /// Replaces the match's consent and shared goals (the person changed their mind) and keeps
    /// the change as a row of its own, with its audit entries, atomically.
    fn change_consent(
        &self,
        matched: &MentorMatch,
        change: uuid::Uuid,
        by: MemberId,
        at: jiff::Timestamp,
        audit: &[AuditEntry],
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// Ends the match (views4): replaces its state with the ended one, keeps the ending as a
    /// row of its own (`ending`), with its audit entries and outbox events, atomically.
    fn end_match(
        &self,
        ended: &MentorMatch,
        ending: uuid::Uuid,
        by: MemberId,
        at: jiff::Timestamp,
        audit: &[AuditEntry],
        outbox: &[Event],
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// Adds the shift, or changes it when its id is on the roster already.
    fn add_shift(&self, shift: &Shift) -> impl Future<Output = StoreResult<()>> + Send;
    /// Shifts that end after `from`, of every mentoring agency, in start order.
    fn shifts_from(&self, from: jiff::Timestamp) -> impl Future<Output = StoreResult<Vec<Shift>>> + Send;
}

/// The Life Change programme's storage: cohorts, participants, the attendance register (rows,
/// a correction a newer row), the pipeline's steps (rows, the newest counts) and the offence
/// record as the evidence links a person to it.
pub trait LifeChangeStore: Send + Sync {
    fn save_cohort(
        &self,
        cohort: &LifeChangeCohort,
        audit: &[AuditEntry],
    ) -> impl Future<Output = StoreResult<()>> + Send;
    fn cohort(&self, id: uuid::Uuid) -> impl Future<Output = StoreResult<Option<LifeChangeCohort>>> + Send;
    /// The agency's cohorts, newest start first.
    fn cohorts_of_agency(&self, agency: AgencyId) -> impl Future<Output = StoreResult<Vec<LifeChangeCohort>>> + Send;
    /// The cohorts the person takes or took part in.
    fn cohorts_of_person(&self, person: PersonId) -> impl Future<Output = StoreResult<Vec<LifeChangeCohort>>> + Send;
    /// Enrols the person; enrolling twice changes nothing.
    fn add_participant(
        &self,
        participant: &Participant,
        audit: &[AuditEntry],
    ) -> impl Future<Output = StoreResult<()>> + Send;
    fn participants(&self, cohort: uuid::Uuid) -> impl Future<Output = StoreResult<Vec<Participant>>> + Send;
    fn record_attendance(
        &self,
        entries: &[Attendance],
        audit: &[AuditEntry],
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// Every register row of the cohort, oldest first.
    fn attendance(&self, cohort: uuid::Uuid) -> impl Future<Output = StoreResult<Vec<Attendance>>> + Send;
    fn add_pipeline_step(
        &self,
        step: &PipelineStep,
        audit: &[AuditEntry],
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// Every step of the agency's pipeline, oldest first.
    fn pipeline_steps(&self, agency: AgencyId) -> impl Future<Output = StoreResult<Vec<PipelineStep>>> + Send;
    /// The person's proven offences when their identifiers link them to exactly one person of
    /// the offence record (and no one else shares that link); otherwise `NotLinked`.
    fn offence_record(&self, person: PersonId) -> impl Future<Output = StoreResult<OffenceRecord>> + Send;
}
