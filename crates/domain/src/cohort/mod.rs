//! Cohort changes and the team: when the evidence capability records that a person joined or
//! left a cohort, the agencies on the person's case team hear of it, as a task on the open
//! plan or on the team's cohort-changes list.
//!
//! * [`model`] — the change and the list's entries;
//! * [`workflow`] — which of the two the team gets ([`team_notice`]);
//! * [`service`] — the list and its acknowledgement;
//! * [`ports`] — [`ports::CohortNoticeStore`], [`ports::LinkReportStore`];
//! * the match report ([`service::LinkReports`]): who of the case system links to the offence
//!   record by their identifiers, and who does not (unmatched, ambiguous).

pub mod model;
pub mod ports;
pub mod service;
pub mod workflow;

pub use model::{
    COHORT_REVIEW_DAYS, CohortChange, CohortDecision, CohortMove, CohortNotice, CohortNoticeLine, CohortReason,
};
// The match report (issue 21): the case system's persons linked to the offence record.
pub use model::{LinkIdentifier, LinkList, LinkOverview, LinkReport, LinkedPerson};
pub use workflow::{TeamNotice, cohort_event, team_notice};
