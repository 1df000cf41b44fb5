//! Community networks (issue 20): sport, volunteering, faith and peer groups in the catalogue
//! (kind "community"), which a person's team links to one of the person's goals — no referral,
//! no waiting list: the person simply goes.

use crate::ids::{InterventionId, MemberId, PersonId};
use crate::validation::{FieldError, TEXT_MAX_CHARS, ValidationErrors, required_text};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A community activity linked to a goal of the person, in their own words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommunityLink {
    pub id: Uuid,
    pub person: PersonId,
    pub intervention: InterventionId,
    pub activity: String,
    pub goal: String,
    pub linked_by: MemberId,
    pub linked_at: Timestamp,
}

/// A link as typed in.
#[derive(Debug, Clone, Default)]
pub struct CommunityLinkInput {
    pub intervention: String,
    pub goal: String,
}

impl CommunityLinkInput {
    /// The chosen activity's id and the goal, each invalid field named.
    pub fn parse(&self) -> Result<(InterventionId, String), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let id = InterventionId::parse(self.intervention.trim()).ok();
        if id.is_none() {
            errors.push(FieldError::new("intervention", "error.community.choose"));
        }
        let goal = required_text(&mut errors, "goal", &self.goal, TEXT_MAX_CHARS);
        match id {
            Some(id) if errors.is_empty() => Ok((id, goal)),
            _ => Err(errors),
        }
    }
}
