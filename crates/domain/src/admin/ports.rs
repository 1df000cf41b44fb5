//! What the subject-access export reads beyond the capabilities' own ports: every record of a
//! person across capabilities, including the ones no page lists in full.

use crate::ids::PersonId;
use crate::notifications::StoredEvent;
use crate::plan::ports::StoredPlan;
use crate::ports::StoreResult;
use crate::screening::ScreeningReferral;
use crate::zsm::ports::StoredCase;
use std::future::Future;

pub trait SubjectAccessStore: Send + Sync {
    /// Every plan of the person (not only the latest), oldest first.
    fn plans_of(&self, person: PersonId) -> impl Future<Output = StoreResult<Vec<StoredPlan>>> + Send;
    /// ZSM cases in which the person is the suspect, oldest first.
    fn zsm_cases_of(&self, person: PersonId) -> impl Future<Output = StoreResult<Vec<StoredCase>>> + Send;
    /// ZSM cases of others that name the person as a victim, oldest first.
    fn zsm_cases_naming(&self, person: PersonId) -> impl Future<Output = StoreResult<Vec<StoredCase>>> + Send;
    /// Every referral for a screening of the person, answered or not, oldest first.
    fn screening_referrals_of(
        &self,
        person: PersonId,
    ) -> impl Future<Output = StoreResult<Vec<ScreeningReferral>>> + Send;
    /// The outbox's events about the person, oldest first.
    fn events_about(&self, person: PersonId) -> impl Future<Output = StoreResult<Vec<StoredEvent>>> + Send;
}

/// What the operators' figures (`/metrics`) read: counts, never a person.
pub trait OperationsStore: Send + Sync {
    /// Open cases at all ZSM tables.
    fn open_zsm_cases(&self) -> impl Future<Output = StoreResult<i64>> + Send;
    /// The newest outbox position, and each consumer's position.
    fn outbox_positions(&self) -> impl Future<Output = StoreResult<(i64, Vec<(String, i64)>)>> + Send;
}
