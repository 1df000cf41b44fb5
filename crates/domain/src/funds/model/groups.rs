//! Project groups (issue 20): several service users named together who co-produce a project
//! and receive a grant from a grant pot. Each member is named with their consent; the group
//! has its own accounts in the fund's ledger, so a grant and the group's spend keep the same
//! rules as a person's money.

use crate::ids::{AgencyId, MemberId, PersonId};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct GroupId(pub Uuid);

impl fmt::Display for GroupId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl GroupId {
    pub fn parse(text: &str) -> Option<Self> {
        Uuid::parse_str(text.trim()).ok().map(Self)
    }
}

/// Longest name of a group and the text of its project and goals.
pub const GROUP_NAME_MAX: usize = 120;
pub const PROJECT_MAX: usize = 1_000;
/// A group is several people together; more than this is a programme, not a group.
pub const GROUP_MIN_MEMBERS: usize = 2;
pub const GROUP_MAX_MEMBERS: usize = 30;

/// A member of the group, named with their consent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupMember {
    pub person: PersonId,
    /// The day the person agreed to take part and to be named in the group.
    pub consented_on: Date,
    pub recorded_by: MemberId,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectGroup {
    pub id: GroupId,
    /// The agency that supports the group and keeps its grant pot.
    pub agency: AgencyId,
    pub name: String,
    /// What the group will make or do, in their words.
    pub project: String,
    /// The goals the group set for the project, in their words.
    pub goals: String,
    pub members: Vec<GroupMember>,
    pub created_at: Timestamp,
    pub created_by: MemberId,
}

impl ProjectGroup {
    pub fn has_member(&self, person: PersonId) -> bool {
        self.members.iter().any(|m| m.person == person)
    }
}

/// A group's money in one fund.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupFund {
    pub fund: super::Fund,
    pub group: GroupId,
    /// Granted and posted, less spent, reserved and released.
    pub available_cents: i64,
    /// Granted but still waiting (for approval or to be paid out).
    pub granted_pending_cents: i64,
    pub committed_cents: i64,
    pub spent_cents: i64,
}
