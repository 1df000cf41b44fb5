//! A referral: one request for one intervention for one person, entered once and worked on by
//! both sides. Its status history, amendments, appointments, attendance, feedback, concerns
//! and progress are all kept as dated rows; nothing is overwritten.

use crate::ids::{AgencyId, InterventionId, MemberId, PersonId, ReferralId, TaskId};
use crate::jurisdiction::DomainKey;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferralStatus {
    Draft,
    Sent,
    Accepted,
    Declined,
    Waiting,
    Started,
    Completed,
    EndedEarly,
    Withdrawn,
}

impl ReferralStatus {
    pub const ALL: [ReferralStatus; 9] = [
        Self::Draft,
        Self::Sent,
        Self::Accepted,
        Self::Declined,
        Self::Waiting,
        Self::Started,
        Self::Completed,
        Self::EndedEarly,
        Self::Withdrawn,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Sent => "sent",
            Self::Accepted => "accepted",
            Self::Declined => "declined",
            Self::Waiting => "waiting",
            Self::Started => "started",
            Self::Completed => "completed",
            Self::EndedEarly => "ended_early",
            Self::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code.trim())
    }

    pub fn has_ended(self) -> bool {
        matches!(self, Self::Declined | Self::Completed | Self::EndedEarly | Self::Withdrawn)
    }

    /// Ahead of a new referral in the queue.
    pub fn is_queued(self) -> bool {
        matches!(self, Self::Accepted | Self::Waiting)
    }
}

/// Which side of a referral a member acts for: the referring agency or the provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Referrer,
    Provider,
}

impl Side {
    pub fn code(self) -> &'static str {
        match self {
            Self::Referrer => "referrer",
            Self::Provider => "provider",
        }
    }
}

/// Why a referral was declined, withdrawn or ended early.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasonCategory {
    NotEligible,
    NoCapacity,
    PersonDeclined,
    DidNotAttend,
    RiskTooHigh,
    CircumstancesChanged,
    Other,
}

impl ReasonCategory {
    pub const ALL: [ReasonCategory; 7] = [
        Self::NotEligible,
        Self::NoCapacity,
        Self::PersonDeclined,
        Self::DidNotAttend,
        Self::RiskTooHigh,
        Self::CircumstancesChanged,
        Self::Other,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Self::NotEligible => "not_eligible",
            Self::NoCapacity => "no_capacity",
            Self::PersonDeclined => "person_declined",
            Self::DidNotAttend => "did_not_attend",
            Self::RiskTooHigh => "risk_too_high",
            Self::CircumstancesChanged => "circumstances_changed",
            Self::Other => "other",
        }
    }
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code.trim())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Attended {
    Yes,
    Late,
    No,
}

impl Attended {
    pub fn code(self) -> &'static str {
        match self {
            Self::Yes => "yes",
            Self::Late => "late",
            Self::No => "no",
        }
    }
    pub fn parse(code: &str) -> Option<Self> {
        [Self::Yes, Self::Late, Self::No].into_iter().find(|s| s.code() == code.trim())
    }
}

/// How far an outcome has come, during delivery and in the end-of-service report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Achievement {
    NotYet,
    PartlyAchieved,
    Achieved,
}

impl Achievement {
    pub const ALL: [Achievement; 3] = [Self::NotYet, Self::PartlyAchieved, Self::Achieved];
    pub fn code(self) -> &'static str {
        match self {
            Self::NotYet => "not_yet",
            Self::PartlyAchieved => "partly_achieved",
            Self::Achieved => "achieved",
        }
    }
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code.trim())
    }
}

/// What the referrer chose to share with the provider, under which legal basis or consent.
/// The provider sees the person's name, date of birth and contact, and this — not the file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shared {
    pub needs: Vec<DomainKey>,
    pub risks: String,
    pub basis: String,
}

/// The fields of a referral that can be amended, each change with a reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AmendableField {
    Risks,
    Basis,
    Note,
}

impl AmendableField {
    pub fn parse(code: &str) -> Option<Self> {
        [Self::Risks, Self::Basis, Self::Note].into_iter().find(|f| f.code() == code.trim())
    }
    pub fn code(self) -> &'static str {
        match self {
            Self::Risks => "risks",
            Self::Basis => "basis",
            Self::Note => "note",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amendment {
    pub field: AmendableField,
    pub before: String,
    pub after: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRecord {
    pub on: Date,
    pub attended: Attended,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressRecord {
    pub on: Date,
    pub outcome: String,
    pub achievement: Achievement,
    pub note: String,
}

/// The end-of-service report: how far each desired outcome was achieved, and a summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndOfService {
    pub outcomes: Vec<(String, Achievement)>,
    pub summary: String,
}

/// What one change did, as shown in the history (both sides read the same list).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum ChangeDetail {
    Created,
    Status { to: ReferralStatus, reason: Option<ReasonCategory>, note: Option<String> },
    Amended(Amendment),
    Scheduled { on: Date, note: String },
    Attendance(SessionRecord),
    Feedback { on: Date, text: String },
    Concern { text: String },
    Progress(ProgressRecord),
    Report(EndOfService),
}

impl ChangeDetail {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Status { .. } => "status",
            Self::Amended(_) => "amend",
            Self::Scheduled { .. } => "schedule",
            Self::Attendance(_) => "attendance",
            Self::Feedback { .. } => "feedback",
            Self::Concern { .. } => "concern",
            Self::Progress(_) => "progress",
            Self::Report(_) => "report",
        }
    }
}

/// One row of a referral's history: every change, with when, by whom and for which side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferralChange {
    pub at: Timestamp,
    pub on: Date,
    pub by: MemberId,
    pub agency: AgencyId,
    pub side: Side,
    pub status: ReferralStatus,
    pub detail: ChangeDetail,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Referral {
    pub id: ReferralId,
    pub person: PersonId,
    pub intervention: InterventionId,
    pub intervention_name: String,
    pub kind: super::catalogue::InterventionKind,
    pub provider: AgencyId,
    pub referrer_agency: AgencyId,
    pub referrer: MemberId,
    /// The plan task this referral fulfils, when it was made from the plan.
    pub task: Option<TaskId>,
    pub status: ReferralStatus,
    pub shared: Shared,
    pub note: String,
    pub outcomes: Vec<String>,
    pub created_on: Date,
    /// When it went on the waiting list (its place in the queue).
    pub queued_at: Option<Timestamp>,
    pub started_on: Option<Date>,
    pub ended_on: Option<Date>,
    pub history: Vec<ReferralChange>,
}

/// A referral as a list shows it: read from its columns, not its whole record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralListing {
    pub id: ReferralId,
    pub person: PersonId,
    pub intervention: InterventionId,
    pub intervention_name: String,
    pub status: ReferralStatus,
    pub task: Option<TaskId>,
    pub created_on: Date,
    pub started_on: Option<Date>,
    /// Sessions with attendance recorded.
    pub sessions: u32,
}

impl Referral {
    /// The referral's line on a list.
    pub fn listing(&self) -> ReferralListing {
        ReferralListing {
            id: self.id,
            person: self.person,
            intervention: self.intervention,
            intervention_name: self.intervention_name.clone(),
            status: self.status,
            task: self.task,
            created_on: self.created_on,
            started_on: self.started_on,
            sessions: u32::try_from(self.sessions().count()).unwrap_or(u32::MAX),
        }
    }

    pub fn side_of(&self, agency: AgencyId) -> Option<Side> {
        if agency == self.provider {
            Some(Side::Provider)
        } else if agency == self.referrer_agency {
            Some(Side::Referrer)
        } else {
            None
        }
    }

    pub fn sessions(&self) -> impl Iterator<Item = &SessionRecord> {
        self.history.iter().filter_map(|c| match &c.detail {
            ChangeDetail::Attendance(s) => Some(s),
            _ => None,
        })
    }

    /// The latest progress per desired outcome.
    pub fn progress(&self) -> Vec<(String, Option<Achievement>)> {
        self.outcomes
            .iter()
            .map(|outcome| {
                let latest = self.history.iter().rev().find_map(|c| match &c.detail {
                    ChangeDetail::Progress(p) if &p.outcome == outcome => Some(p.achievement),
                    ChangeDetail::Report(r) => r.outcomes.iter().find(|(o, _)| o == outcome).map(|(_, a)| *a),
                    _ => None,
                });
                (outcome.clone(), latest)
            })
            .collect()
    }
}
