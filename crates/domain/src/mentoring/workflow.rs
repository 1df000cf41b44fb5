//! The rules of mentoring, pure: who may be matched, suggestions, the two-week contact rule,
//! and who is on call.

pub mod graduation;
// A match's lifecycle: active → ended (views4).
pub mod ending;

use crate::mentoring::model::{Contact, MentorMatch, MentorProfile, Shift};
use jiff::Timestamp;
use jiff::civil::Date;
use thiserror::Error;

#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum MentoringError {
    #[error("the mentor's vetting expired on {expired}: no new matches until it is renewed")]
    VettingExpired { expired: Date },
    #[error("the mentor already has {capacity} mentees, their capacity")]
    AtCapacity { capacity: u8 },
    #[error("the person is already matched with this mentor")]
    AlreadyMatched,
    #[error("this member has no mentor profile")]
    NotAMentor,
    #[error("this person is not one of your mentees")]
    NotYourMentee,
    #[error("this match has already ended")]
    AlreadyEnded,
    #[error("a match cannot end before it started ({started})")]
    EndsBeforeStart { started: Date },
    #[error("a match's end is recorded when it happened, not ahead")]
    EndsInFuture,
}

impl MentoringError {
    pub fn field(&self) -> &'static str {
        match self {
            Self::VettingExpired { .. } | Self::AtCapacity { .. } | Self::AlreadyMatched | Self::NotAMentor => "mentor",
            Self::NotYourMentee => "person",
            Self::AlreadyEnded => "match",
            Self::EndsBeforeStart { .. } | Self::EndsInFuture => "ended_on",
        }
    }
    pub fn key(&self) -> &'static str {
        match self {
            Self::VettingExpired { .. } => "error.mentoring.vetting_expired",
            Self::AtCapacity { .. } => "error.mentoring.at_capacity",
            Self::AlreadyMatched => "error.mentoring.already_matched",
            Self::NotAMentor => "error.mentoring.not_a_mentor",
            Self::NotYourMentee => "error.mentoring.not_your_mentee",
            Self::AlreadyEnded => "error.mentoring.already_ended",
            Self::EndsBeforeStart { .. } => "error.mentoring.ends_before_start",
            Self::EndsInFuture => "error.mentoring.ends_in_future",
        }
    }
}

/// May `profile` take on another mentee today, with `active` mentees now?
pub fn may_match(
    profile: &MentorProfile,
    active: &[MentorMatch],
    person: crate::ids::PersonId,
    today: Date,
) -> Result<(), MentoringError> {
    if profile.vetting_expires < today {
        return Err(MentoringError::VettingExpired { expired: profile.vetting_expires });
    }
    if active.iter().any(|m| m.person == person) {
        return Err(MentoringError::AlreadyMatched);
    }
    if active.len() >= usize::from(profile.capacity) {
        return Err(MentoringError::AtCapacity { capacity: profile.capacity });
    }
    Ok(())
}

/// What a person would like of a mentor, for the suggestions.
#[derive(Debug, Clone, Default)]
pub struct Wishes {
    pub area: String,
    pub language: String,
    /// `female`, `male` or empty.
    pub gender: String,
    pub lived_experience: bool,
}

/// Mentors who may take the person on, best first: each matching wish counts, then free places.
pub fn suggestions<'a>(
    profiles: &'a [MentorProfile],
    active: impl Fn(&MentorProfile) -> usize,
    wishes: &Wishes,
    today: Date,
) -> Vec<(&'a MentorProfile, u8)> {
    let same = |a: &str, b: &str| !b.trim().is_empty() && a.trim().eq_ignore_ascii_case(b.trim());
    let mut found: Vec<(&MentorProfile, u8, usize)> = profiles
        .iter()
        .filter(|p| p.vetting_expires >= today)
        .filter_map(|p| {
            let free = usize::from(p.capacity).saturating_sub(active(p));
            if free == 0 {
                return None;
            }
            let score = u8::from(same(&p.area, &wishes.area))
                + u8::from(p.languages.iter().any(|l| same(l, &wishes.language)))
                + u8::from(same(&p.gender, &wishes.gender))
                + u8::from(wishes.lived_experience && p.lived_experience);
            Some((p, score, free))
        })
        .collect();
    found.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.cmp(&a.2)).then(a.0.name.cmp(&b.0.name)));
    found.into_iter().map(|(p, score, _)| (p, score)).collect()
}

/// Two weeks without contact (counted from the match when there was none yet).
pub const CONTACT_DAYS: i64 = 14;

pub fn overdue(matched: &MentorMatch, contacts: &[Contact], today: Date) -> bool {
    let last = contacts.iter().filter(|c| c.match_id == matched.id).map(|c| c.on).max().unwrap_or(matched.started_on);
    last.until(today).is_ok_and(|span| i64::from(span.get_days()) > CONTACT_DAYS)
}

/// Who is on call now and who takes over next.
pub fn on_call(shifts: &[Shift], now: Timestamp) -> (Option<&Shift>, Option<&Shift>) {
    let current = shifts.iter().filter(|s| s.starts_at <= now && now < s.ends_at).min_by_key(|s| s.starts_at);
    let after = current.map_or(now, |c| c.ends_at);
    let next = shifts
        .iter()
        .filter(|s| s.starts_at >= after && current.is_none_or(|c| c.id != s.id))
        .min_by_key(|s| s.starts_at);
    (current, next)
}

/// Who coordinates mentors: a provider worker of a mentoring agency (not any provider's worker).
pub fn coordinates_mentors(actor: &crate::access::Actor, agency: crate::directory::AgencyKind) -> bool {
    agency == crate::directory::AgencyKind::Mentoring && actor.roles.contains(&crate::access::Role::ProviderWorker)
}
