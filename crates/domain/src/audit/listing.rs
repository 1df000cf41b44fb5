//! Work lists that refresh: the ZSM board reloads every 15 seconds on a screen at the table,
//! and task lists are opened many times a day. Each view lists the same people to the same
//! member, and writing every view would bury the log (200 entries per board refresh: over a
//! million a day for one screen) without telling a reader anything new. So a listing of a
//! person to a member, under the same heading and basis, is recorded once per window: the
//! trail still shows who saw the person on which list, on what basis, and from when.
//! Opening a record (`Read`) and every write are always recorded, each time.

use super::{AuditAction, AuditEntry};
use crate::ids::{MemberId, PersonId};
use jiff::{SignedDuration, Timestamp};
use std::collections::HashMap;

/// Remembered listings beyond which the expired ones are forgotten.
const PRUNE_ABOVE: usize = 100_000;

/// A listing already recorded: under which heading, on what basis, and when last.
#[derive(Debug)]
struct Recorded {
    what: String,
    basis: String,
    at: Timestamp,
}

#[derive(Debug)]
pub struct ListingMemo {
    window: SignedDuration,
    /// By member and person (a handful of headings each), so a lookup allocates nothing: a
    /// board view checks 200 entries.
    recorded: HashMap<(MemberId, PersonId), Vec<Recorded>>,
    remembered: usize,
}

impl ListingMemo {
    /// A memo that records a repeated listing again once `window` has passed; a zero window
    /// records every listing.
    pub fn new(window: SignedDuration) -> ListingMemo {
        ListingMemo { window, recorded: HashMap::new(), remembered: 0 }
    }

    /// The entries still to write: all but listings already recorded within the window.
    pub fn to_write(&self, entries: &[AuditEntry]) -> Vec<AuditEntry> {
        entries.iter().filter(|entry| !self.recorded_recently(entry)).cloned().collect()
    }

    /// Remembers the listings among `written`, once they are committed (an entry that failed
    /// to commit must be tried again by the next view).
    pub fn remember(&mut self, written: &[AuditEntry]) {
        if self.window.is_zero() {
            return;
        }
        for entry in written {
            let Some(person) = listed_person(entry) else { continue };
            let headings = self.recorded.entry((entry.member_id, person)).or_default();
            match headings.iter_mut().find(|r| r.what == entry.what && r.basis == entry.basis) {
                Some(recorded) => recorded.at = recorded.at.max(entry.at),
                None => {
                    headings.push(Recorded { what: entry.what.clone(), basis: entry.basis.clone(), at: entry.at });
                    self.remembered += 1;
                }
            }
        }
        if self.remembered > PRUNE_ABOVE
            && let Some(newest) = self.recorded.values().flatten().map(|r| r.at).max()
        {
            let window = self.window;
            for headings in self.recorded.values_mut() {
                headings.retain(|r| newest.duration_since(r.at) < window);
            }
            self.recorded.retain(|_, headings| !headings.is_empty());
            self.remembered = self.recorded.values().map(Vec::len).sum();
        }
    }

    fn recorded_recently(&self, entry: &AuditEntry) -> bool {
        let Some(person) = listed_person(entry) else { return false };
        let Some(headings) = self.recorded.get(&(entry.member_id, person)) else { return false };
        headings.iter().filter(|r| r.what == entry.what && r.basis == entry.basis).any(|r| {
            let since = entry.at.duration_since(r.at);
            since >= SignedDuration::ZERO && since < self.window
        })
    }
}

/// The person of a listing entry; other entries are never coalesced.
fn listed_person(entry: &AuditEntry) -> Option<PersonId> {
    match (entry.action, entry.person_id) {
        (AuditAction::Listed, Some(person)) => Some(person),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::{Actor, Role};
    use crate::ids::AgencyId;

    fn actor() -> Actor {
        Actor {
            member_id: MemberId::new(at(0)),
            agency_id: AgencyId::new(at(0)),
            roles: vec![Role::PoliceOfficer],
            display_name: "A. Agent".into(),
        }
    }

    fn at(seconds: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + seconds).unwrap()
    }

    fn listed(actor: &Actor, person: PersonId, seconds: i64, what: &str) -> AuditEntry {
        AuditEntry::new(actor, at(seconds), Some(person), AuditAction::Listed, what, "statutory_task: Politiewet")
    }

    #[test]
    fn a_listing_is_recorded_once_per_window_and_again_after_it() {
        let mut memo = ListingMemo::new(SignedDuration::from_mins(15));
        let (actor, person) = (actor(), PersonId::new(at(0)));
        let first = memo.to_write(&[listed(&actor, person, 0, "board")]);
        assert_eq!(first.len(), 1);
        memo.remember(&first);
        assert!(memo.to_write(&[listed(&actor, person, 15, "board")]).is_empty());
        assert!(memo.to_write(&[listed(&actor, person, 899, "board")]).is_empty());
        assert_eq!(memo.to_write(&[listed(&actor, person, 900, "board")]).len(), 1);
    }

    #[test]
    fn another_list_member_or_basis_and_every_read_are_recorded() {
        let mut memo = ListingMemo::new(SignedDuration::from_mins(15));
        let (actor, person) = (actor(), PersonId::new(at(0)));
        memo.remember(&[listed(&actor, person, 0, "board")]);
        assert_eq!(memo.to_write(&[listed(&actor, person, 1, "tasks")]).len(), 1);
        let other = Actor { member_id: MemberId::new(at(1)), ..actor.clone() };
        assert_eq!(memo.to_write(&[listed(&other, person, 1, "board")]).len(), 1);
        let mut consent = listed(&actor, person, 1, "board");
        consent.basis = "consent: supervision".into();
        assert_eq!(memo.to_write(&[consent]).len(), 1);
        let read =
            AuditEntry::new(&actor, at(1), Some(person), AuditAction::Read, "board", "statutory_task: Politiewet");
        memo.remember(std::slice::from_ref(&read));
        assert_eq!(memo.to_write(&[read.clone(), read]).len(), 2);
    }

    #[test]
    fn a_listing_not_committed_is_written_by_the_next_view() {
        let memo = ListingMemo::new(SignedDuration::from_mins(15));
        let (actor, person) = (actor(), PersonId::new(at(0)));
        // The first view's write failed, so it never reached `remember`.
        let _ = memo.to_write(&[listed(&actor, person, 0, "board")]);
        assert_eq!(memo.to_write(&[listed(&actor, person, 5, "board")]).len(), 1);
    }

    #[test]
    fn a_zero_window_records_every_listing() {
        let mut memo = ListingMemo::new(SignedDuration::ZERO);
        let (actor, person) = (actor(), PersonId::new(at(0)));
        memo.remember(&[listed(&actor, person, 0, "board")]);
        assert_eq!(memo.to_write(&[listed(&actor, person, 0, "board")]).len(), 1);
    }
}
