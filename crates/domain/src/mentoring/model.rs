//! The values of mentoring: a mentor's profile, a match with the person's consent, a contact,
//! a helpline shift.

pub mod life_change;

use crate::ids::{AgencyId, MemberId, PersonId};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Longest free texts.
pub const TEXT_MAX: usize = 200;
pub const NOTE_MAX: usize = 1_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MentorProfile {
    pub member: MemberId,
    pub agency: AgencyId,
    pub name: String,
    /// Whether the mentor has lived experience; never the details unless they tell them.
    pub lived_experience: bool,
    /// Certificate of good conduct (VOG) / DBS check: when issued and until when it counts.
    pub vetted_on: Date,
    pub vetting_expires: Date,
    pub training_completed: Option<Date>,
    pub languages: Vec<String>,
    pub area: String,
    pub availability: String,
    /// How many mentees at once.
    pub capacity: u8,
    /// `female`, `male` or empty: for a person who prefers e.g. a woman mentor.
    pub gender: String,
}

/// What the person consented the mentor may see beyond name, contact, shared goals and meetings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ConsentedItems {
    pub offences: bool,
    pub screenings: bool,
    pub notes: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Programme {
    Mentoring,
    LifeChange,
}

impl Programme {
    pub fn code(self) -> &'static str {
        match self {
            Self::Mentoring => "mentoring",
            Self::LifeChange => "life_change",
        }
    }
    pub fn parse(code: &str) -> Option<Self> {
        [Self::Mentoring, Self::LifeChange].into_iter().find(|p| p.code() == code.trim())
    }
}

/// A first meeting planned at the prison gate on the release date ("through the gate").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meeting {
    pub on: Date,
    pub place: String,
}

/// A person's consent to a mentor, and what it lets the mentor see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MentorMatch {
    pub id: Uuid,
    pub person: PersonId,
    pub mentor: MemberId,
    pub mentor_agency: AgencyId,
    pub programme: Programme,
    pub consented: ConsentedItems,
    /// The goals the person chose to share, in their own words.
    pub shared_goals: Vec<String>,
    pub first_meeting: Option<Meeting>,
    pub started_on: Date,
    pub ended_on: Option<Date>,
    /// Why the coordinator ended it (views4); matches recorded before endings existed have none.
    #[serde(default)]
    pub ended_reason: Option<EndReason>,
    pub recorded_by: MemberId,
    pub recorded_at: Timestamp,
}

/// Why a mentor match ended, as a category the coordinator picks (views4): counted, never
/// free text about the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    /// The person reached the goals they set with their mentor.
    GoalsReached,
    /// The programme's agreed period ran out.
    PeriodCompleted,
    /// The person no longer wanted a mentor (withdrew their consent).
    PersonWithdrew,
    /// No contact could be had with the person.
    NoContact,
    /// The person went into custody or moved away.
    CustodyOrMoved,
    /// The mentor stopped (or their vetting lapsed).
    MentorStopped,
    Other,
}

impl EndReason {
    pub const ALL: [EndReason; 7] = [
        Self::GoalsReached,
        Self::PeriodCompleted,
        Self::PersonWithdrew,
        Self::NoContact,
        Self::CustodyOrMoved,
        Self::MentorStopped,
        Self::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::GoalsReached => "goals_reached",
            Self::PeriodCompleted => "period_completed",
            Self::PersonWithdrew => "person_withdrew",
            Self::NoContact => "no_contact",
            Self::CustodyOrMoved => "custody_or_moved",
            Self::MentorStopped => "mentor_stopped",
            Self::Other => "other",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code.trim())
    }

    /// Whether the match ran its course (goals reached or period completed), as opposed to
    /// ending early.
    pub fn completed(self) -> bool {
        matches!(self, Self::GoalsReached | Self::PeriodCompleted)
    }
}

impl MentorMatch {
    /// Running on `today`: started, and not yet ended (views4: a match recorded for a later
    /// day — history typed in afterwards — is not active before it starts).
    pub fn is_active(&self, today: Date) -> bool {
        self.started_on <= today && self.ended_on.is_none_or(|end| end > today)
    }
}

/// One contact between mentor and mentee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub id: Uuid,
    pub match_id: Uuid,
    pub person: PersonId,
    pub mentor: MemberId,
    pub on: Date,
    pub minutes: u16,
    pub place: String,
    pub how_it_went: String,
}

/// A helpline shift: who answers the 24-hour number when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shift {
    pub id: Uuid,
    pub agency: AgencyId,
    pub member: MemberId,
    pub name: String,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub phone: String,
}

/// What a mentor sees of a mentee: only what the consent allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MenteeView {
    pub person: PersonId,
    pub match_id: Uuid,
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub shared_goals: Vec<String>,
    pub first_meeting: Option<Meeting>,
    pub contacts: Vec<Contact>,
    pub consented: ConsentedItems,
    pub programme: Programme,
    /// No contact logged for two weeks (or ever, two weeks after the match).
    pub overdue: bool,
}
