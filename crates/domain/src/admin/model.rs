//! The subject-access export: what desist holds about one person, section by section. Records
//! that belong to someone else and only name the person (a case where they are the victim, an
//! exclusion order that protects them, a group they are in) are exported as the mention, not
//! as the other person's record.

use crate::access::TeamEntry;
use crate::audit::AuditView;
use crate::conference::{AgendaItem, ConferenceRequest};
use crate::ids::{AgencyId, CaseId, ExclusionOrderId, GroupId, MeetingId, MemberId};
use crate::measures::{AreaBan, Episode, ExclusionOrder, GroupMember};
use crate::people::Person;
use crate::people::ports::PersonRevision;
use crate::plan::Plan;
use crate::screening::{Screening, ScreeningReferral};
use crate::zsm::ports::StoredCase;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// The version of the export's JSON shape (documented in `docs/subject-access-export.md`).
pub const EXPORT_FORMAT: &str = "desist-subject-access/2";

#[derive(Debug, Clone, Serialize)]
pub struct SubjectAccessExport {
    pub format: &'static str,
    pub exported_at: Timestamp,
    pub exported_by: MemberId,
    pub person: Person,
    /// Every saved version of the person's details, oldest first.
    pub revisions: Vec<PersonRevision>,
    pub team: Vec<TeamEntry>,
    /// ZSM cases in which the person is the suspect, whole.
    pub zsm_cases: Vec<StoredCase>,
    /// ZSM cases of someone else that name the person as a victim.
    pub named_as_victim: Vec<CaseMention>,
    pub screening_referrals: Vec<ScreeningReferral>,
    pub screenings: Vec<Screening>,
    pub plans: Vec<PlanRecord>,
    pub conference_requests: Vec<ConferenceRequest>,
    /// The person's own item of each case conference that discussed them.
    pub conference_discussions: Vec<Discussion>,
    /// Exclusion orders imposed on the person, whole.
    pub exclusion_orders: Vec<ExclusionOrder>,
    /// Exclusion orders on someone else that protect the person (as victim or child).
    pub protected_by: Vec<OrderMention>,
    pub area_bans: Vec<AreaBan>,
    pub episodes: Vec<Episode>,
    pub groups: Vec<GroupMembership>,
    /// What partners were told about the person (the outbox's events).
    pub notifications: Vec<NotificationRecord>,
    /// Who read or changed the person's data, and every refused attempt, newest first.
    pub audit: Vec<AuditView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CaseMention {
    pub case: CaseId,
    pub location: String,
    pub arrested_at: Timestamp,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlanRecord {
    pub plan: Plan,
    /// Each change: which, when, by which member of which agency.
    pub history: Vec<PlanStep>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlanStep {
    pub version: i64,
    pub change: &'static str,
    pub at: Timestamp,
    pub member: MemberId,
    pub agency: AgencyId,
}

#[derive(Debug, Clone, Serialize)]
pub struct Discussion {
    pub meeting: MeetingId,
    pub date: Date,
    pub location: String,
    pub item: AgendaItem,
}

#[derive(Debug, Clone, Serialize)]
pub struct OrderMention {
    pub order: ExclusionOrderId,
    pub imposed_at: Timestamp,
    /// `victim` or `child`.
    pub role: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct GroupMembership {
    pub group: GroupId,
    pub name: String,
    pub member: GroupMember,
}

#[derive(Debug, Clone, Serialize)]
pub struct NotificationRecord {
    pub kind: &'static str,
    pub at: Timestamp,
    pub told: BTreeSet<AgencyId>,
    pub detail: BTreeMap<String, String>,
}

/// Ids for the readable page's anchors; kept here so both renderings agree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Details,
    Team,
    Zsm,
    Screening,
    Plans,
    Conferences,
    Measures,
    Notifications,
    Audit,
}

impl SubjectAccessExport {
    /// How many entries each section holds, for the readable page's summary.
    pub fn counts(&self) -> Vec<(Section, usize)> {
        vec![
            (Section::Details, self.revisions.len()),
            (Section::Team, self.team.len()),
            (Section::Zsm, self.zsm_cases.len() + self.named_as_victim.len()),
            (Section::Screening, self.screenings.len() + self.screening_referrals.len()),
            (Section::Plans, self.plans.len()),
            (Section::Conferences, self.conference_requests.len() + self.conference_discussions.len()),
            (
                Section::Measures,
                self.exclusion_orders.len()
                    + self.protected_by.len()
                    + self.area_bans.len()
                    + self.episodes.len()
                    + self.groups.len(),
            ),
            (Section::Notifications, self.notifications.len()),
            (Section::Audit, self.audit.len()),
        ]
    }
}

impl Section {
    pub fn code(self) -> &'static str {
        match self {
            Section::Details => "details",
            Section::Team => "team",
            Section::Zsm => "zsm",
            Section::Screening => "screening",
            Section::Plans => "plans",
            Section::Conferences => "conferences",
            Section::Measures => "measures",
            Section::Notifications => "notifications",
            Section::Audit => "audit",
        }
    }
}
