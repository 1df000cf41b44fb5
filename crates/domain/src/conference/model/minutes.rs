//! What the chair records for each person discussed.

use crate::access::Restriction;
use crate::ids::{AgencyId, MemberId, TaskId};
use crate::plan::TaskKind;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// The agreed approach for a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Strategy {
    Care,
    Enforcement,
    /// Treatment offered, with the promise of punishment if the person fails to engage.
    Both,
}

/// A text in the minutes, visible to the person's team unless restricted further.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub text: String,
    pub restriction: Restriction,
}

impl Entry {
    pub fn for_team(text: &str) -> Self {
        Self { text: text.to_owned(), restriction: Restriction::Team }
    }
}

/// A decision that becomes a task on the person's plan when the meeting is closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// The id the plan task will get; chosen by the caller so the effect is idempotent.
    pub task: TaskId,
    pub description: String,
    /// Care or enforcement, as the task will carry on the plan.
    pub kind: TaskKind,
    pub owner: AgencyId,
    pub owner_member: Option<MemberId>,
    pub due: Date,
    pub restriction: Restriction,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonMinutes {
    pub analysis: Entry,
    pub strategy: Strategy,
    pub decisions: Vec<Decision>,
    pub notes: Vec<Entry>,
}
