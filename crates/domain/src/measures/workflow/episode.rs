//! Episode workflow: Open → Closed, with contacts logged, hand-over and extension on the way.

use crate::ids::{EpisodeId, MemberId, PersonId};
use crate::jurisdiction::EpisodeRules;
use jiff::ToSpan;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use thiserror::Error;

#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum EpisodeError {
    #[error("the time box must be at least one week")]
    ZeroWeeks,
    #[error("agree at least one contact per week")]
    ZeroIntensity,
    #[error("a short intensive episode starts with at most {max} weeks; extend it later with a reason")]
    TooManyWeeks { max: u8 },
    #[error("at most {max} contacts a week")]
    TooIntense { max: u8 },
    #[error("with the extension the episode would run {total} weeks; at most {max}")]
    ExtendedTooLong { total: u16, max: u8 },
    #[error("the contact on {on} is before the episode started on {started_on}")]
    ContactBeforeStart { on: Date, started_on: Date },
    #[error("the contact on {on} is in the future (today is {today})")]
    ContactInTheFuture { on: Date, today: Date },
    #[error("extend by at least one week")]
    ZeroExtension,
    #[error("say why the episode is extended")]
    ExtendNeedsReason,
    #[error("say why the episode is closed")]
    CloseNeedsReason,
    #[error("the episode is closed; start a new episode instead")]
    Closed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ContactKind {
    InPerson,
    HomeVisit,
    Phone,
    /// A joint contact with a partner agency.
    WithPartner,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub on: Date,
    pub by: MemberId,
    pub kind: ContactKind,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum EpisodeStatus {
    Open,
    Closed { on: Date, reason: String },
}

impl EpisodeStatus {
    /// An open episode takes contacts, extensions and its closing; a closed one takes nothing.
    pub fn is_open(&self) -> bool {
        *self == EpisodeStatus::Open
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewEpisode {
    pub id: EpisodeId,
    pub person: PersonId,
    pub case_manager: MemberId,
    pub started_on: Date,
    pub weeks: u8,
    pub contacts_per_week: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Episode {
    pub id: EpisodeId,
    pub person: PersonId,
    pub case_manager: MemberId,
    pub started_on: Date,
    /// The time box; extensions add to it.
    pub weeks: u8,
    pub contacts_per_week: u8,
    pub contacts: Vec<Contact>,
    pub status: EpisodeStatus,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum EpisodeCommand {
    LogContact { on: Date, by: MemberId, kind: ContactKind, note: String },
    HandOver { to: MemberId },
    Extend { extra_weeks: u8, reason: String },
    Close { reason: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum EpisodeEffect {
    NotifyCaseManager { episode: EpisodeId, member: MemberId },
    EpisodeEnded { episode: EpisodeId, person: PersonId },
}

impl Episode {
    /// Every limit of the pack a new episode's time box and intensity break (a value not given
    /// is not judged), so a form can report them with its other problems at once.
    pub fn limits_broken(weeks: Option<u8>, contacts_per_week: Option<u8>, rules: &EpisodeRules) -> Vec<EpisodeError> {
        let mut broken = Vec::new();
        match weeks {
            Some(0) => broken.push(EpisodeError::ZeroWeeks),
            Some(w) if w > rules.max_weeks => broken.push(EpisodeError::TooManyWeeks { max: rules.max_weeks }),
            _ => {}
        }
        match contacts_per_week {
            Some(0) => broken.push(EpisodeError::ZeroIntensity),
            Some(c) if c > rules.max_contacts_per_week => {
                broken.push(EpisodeError::TooIntense { max: rules.max_contacts_per_week })
            }
            _ => {}
        }
        broken
    }

    pub fn start(new: NewEpisode, rules: &EpisodeRules) -> Result<(Self, Vec<EpisodeEffect>), EpisodeError> {
        if let Some(first) = Self::limits_broken(Some(new.weeks), Some(new.contacts_per_week), rules).into_iter().next()
        {
            return Err(first);
        }
        let episode = Episode {
            id: new.id,
            person: new.person,
            case_manager: new.case_manager,
            started_on: new.started_on,
            weeks: new.weeks,
            contacts_per_week: new.contacts_per_week,
            contacts: Vec::new(),
            status: EpisodeStatus::Open,
        };
        let effects = vec![EpisodeEffect::NotifyCaseManager { episode: episode.id, member: episode.case_manager }];
        Ok((episode, effects))
    }

    /// The first day after the time box.
    pub fn ends_on(&self) -> Date {
        self.started_on
            .checked_add((i64::from(self.weeks) * 7).days())
            .expect("episode dates are far from the calendar's limits")
    }

    pub fn apply(
        mut self,
        command: EpisodeCommand,
        rules: &EpisodeRules,
        today: Date,
    ) -> Result<(Self, Vec<EpisodeEffect>), EpisodeError> {
        if !self.status.is_open() {
            return Err(EpisodeError::Closed);
        }
        let mut effects = Vec::new();
        match command {
            EpisodeCommand::LogContact { on, by, kind, note } => {
                if on < self.started_on {
                    return Err(EpisodeError::ContactBeforeStart { on, started_on: self.started_on });
                }
                if on > today {
                    return Err(EpisodeError::ContactInTheFuture { on, today });
                }
                self.contacts.push(Contact { on, by, kind, note: note.trim().to_owned() });
            }
            EpisodeCommand::HandOver { to } => {
                self.case_manager = to;
                effects.push(EpisodeEffect::NotifyCaseManager { episode: self.id, member: to });
            }
            EpisodeCommand::Extend { extra_weeks, reason } => {
                if extra_weeks == 0 {
                    return Err(EpisodeError::ZeroExtension);
                }
                if reason.trim().is_empty() {
                    return Err(EpisodeError::ExtendNeedsReason);
                }
                let total = u16::from(self.weeks) + u16::from(extra_weeks);
                if total > u16::from(rules.max_total_weeks) {
                    return Err(EpisodeError::ExtendedTooLong { total, max: rules.max_total_weeks });
                }
                self.weeks += extra_weeks;
            }
            EpisodeCommand::Close { reason } => {
                if reason.trim().is_empty() {
                    return Err(EpisodeError::CloseNeedsReason);
                }
                self.status = EpisodeStatus::Closed { on: today, reason: reason.trim().to_owned() };
                effects.push(EpisodeEffect::EpisodeEnded { episode: self.id, person: self.person });
            }
        }
        Ok((self, effects))
    }
}

#[cfg(test)]
#[path = "episode_tests.rs"]
pub(crate) mod tests;
