//! The cohort capability's storage port: the team's cohort-changes list and its
//! acknowledgements.

use super::model::{CohortDecision, CohortNotice};
use crate::audit::AuditEntry;
use crate::ids::{AgencyId, CohortNoticeId, MemberId};
use crate::ports::StoreResult;
use jiff::Timestamp;
use jiff::civil::Date;
use std::future::Future;

pub trait CohortNoticeStore: Send + Sync {
    /// Entries not yet acknowledged by `agency`, of persons whose team `agency` is on today,
    /// newest first.
    fn cohort_notices_for(
        &self,
        agency: AgencyId,
        today: Date,
        limit: u32,
    ) -> impl Future<Output = StoreResult<Vec<CohortNotice>>> + Send;
    fn cohort_notice(&self, id: CohortNoticeId) -> impl Future<Output = StoreResult<Option<CohortNotice>>> + Send;
    /// Records that `agency` has seen the entry (again is a no-op), with the audit entry.
    fn acknowledge_cohort_notice(
        &self,
        id: CohortNoticeId,
        agency: AgencyId,
        member: MemberId,
        at: Timestamp,
        audit: &AuditEntry,
    ) -> impl Future<Output = StoreResult<()>> + Send;
}

/// Manual cohort decisions.
pub trait CohortDecisionStore: Send + Sync {
    /// Saves the decision with its audit entry and tells the person's team (in the same
    /// transaction, naming the cohort `rule_label` when it has a name); how many case-system persons' teams were told. `NotFound` when the
    /// person is not in the stored extract.
    fn record_cohort_decision(
        &self,
        decision: &CohortDecision,
        at: Timestamp,
        today: Date,
        lang: crate::jurisdiction::Lang,
        rule_label: Option<&str>,
        audit: &AuditEntry,
    ) -> impl Future<Output = StoreResult<u64>> + Send;
}

/// The link between the case system's persons and the offence record (the match report).
pub trait LinkReportStore: Send + Sync {
    /// Matched persons counted, unmatched and ambiguous ones listed (by person id).
    fn link_overview(&self) -> impl Future<Output = StoreResult<super::model::LinkOverview>> + Send;
    /// The identifiers of `persons`, each with whether the offence record has it and how
    /// many persons hold it.
    fn link_identifiers(
        &self,
        persons: &[crate::ids::PersonId],
    ) -> impl Future<Output = StoreResult<Vec<super::model::LinkIdentifier>>> + Send;
}
