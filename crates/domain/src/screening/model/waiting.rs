//! The "to screen" list: one line per person (however many cases and reasons referred them),
//! the most urgent first, searchable by name and paged.
//!
//! Urgency is what the table asked for: an advice of supervision or an intervention comes
//! before a prosecutor's referral for case management, which comes before a plain "screening
//! advised" or signals alone; then more signals first; then whoever has waited longest.

use super::referral::{ProbationAdvice, ReferralReason, ScreeningReferral};
use crate::ids::PersonId;
use jiff::Timestamp;

/// How many persons one page of the list shows.
pub const WAITING_PAGE_SIZE: usize = 25;

/// A person waiting for a screening, with every open referral of theirs (oldest first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitingPerson {
    pub person: PersonId,
    pub name: String,
    pub referrals: Vec<ScreeningReferral>,
}

impl WaitingPerson {
    /// The rank of the most urgent request among the person's referrals (higher is sooner).
    pub fn urgency(&self) -> u8 {
        self.referrals.iter().map(referral_urgency).max().unwrap_or(0)
    }

    /// How many distinct signals the referrals raised.
    pub fn signal_count(&self) -> usize {
        let mut domains: Vec<_> = self.referrals.iter().flat_map(|r| r.signals.iter().map(|s| s.domain)).collect();
        domains.sort();
        domains.dedup();
        domains.len()
    }

    /// When the person was first referred (the longest wait).
    pub fn waiting_since(&self) -> Option<Timestamp> {
        self.referrals.iter().map(|r| r.referred_at).min()
    }
}

fn referral_urgency(referral: &ScreeningReferral) -> u8 {
    match (referral.reason, referral.advice) {
        (_, Some(ProbationAdvice::SupervisionAdvised | ProbationAdvice::InterventionAdvised)) => 3,
        (ReferralReason::CaseManagement, _) => 2,
        (_, Some(ProbationAdvice::ScreeningAdvised)) => 1,
        _ => 0,
    }
}

/// Groups referrals (with their person's name) into one line per person, most urgent first.
pub fn waiting_persons(referrals: Vec<(ScreeningReferral, String)>) -> Vec<WaitingPerson> {
    let mut persons: Vec<WaitingPerson> = Vec::new();
    for (referral, name) in referrals {
        match persons.iter_mut().find(|p| p.person == referral.person) {
            Some(line) => line.referrals.push(referral),
            None => persons.push(WaitingPerson { person: referral.person, name, referrals: vec![referral] }),
        }
    }
    for line in &mut persons {
        line.referrals.sort_by_key(|r| r.referred_at);
    }
    persons.sort_by(|a, b| {
        b.urgency()
            .cmp(&a.urgency())
            .then(b.signal_count().cmp(&a.signal_count()))
            .then(a.waiting_since().cmp(&b.waiting_since()))
            .then(a.person.cmp(&b.person))
    });
    persons
}

/// Keeps the persons whose name contains every word of `search` (case-insensitive).
pub fn matching(persons: Vec<WaitingPerson>, search: &str) -> Vec<WaitingPerson> {
    let words: Vec<String> = search.split_whitespace().map(str::to_lowercase).collect();
    if words.is_empty() {
        return persons;
    }
    persons
        .into_iter()
        .filter(|p| {
            let name = p.name.to_lowercase();
            words.iter().all(|w| name.contains(w.as_str()))
        })
        .collect()
}

#[cfg(test)]
#[path = "waiting_tests.rs"]
mod tests;
