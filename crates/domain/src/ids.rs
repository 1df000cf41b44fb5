//! Identifiers. Every id is a UUIDv7 (time-ordered, so inserts stay at the end of indexes)
//! wrapped in its own type so a `PersonId` can never be passed where an `AgencyId` is meant.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// Parses the textual UUID form used in URLs and forms (surrounding spaces ignored).
            pub fn parse(text: &str) -> Result<Self, uuid::Error> {
                Uuid::parse_str(text.trim()).map(Self)
            }
            /// A new id whose time part is `at` (taken from the injected clock).
            pub fn new(at: Timestamp) -> Self {
                Self(new_v7(at))
            }
            pub const fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }
            pub const fn as_uuid(&self) -> &Uuid {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                Self(id)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

id_type!(/// A person the partners work with.
    PersonId);
id_type!(/// A partner organisation.
    AgencyId);
id_type!(/// A user: belongs to one agency.
    MemberId);
id_type!(/// One entry of the append-only audit log.
    AuditId);
id_type!(/// One agency's membership of a person's case team.
    TeamEntryId);
id_type!(/// A criminal-justice measure (condition, behaviour order) held by the case capability.
    ObligationRef);
id_type!(ScreeningId);
id_type!(ConferenceRequestId);
id_type!(MeetingId);
id_type!(PlanId);
id_type!(GoalId);
id_type!(TaskId);
id_type!(EpisodeId);
id_type!(ExclusionOrderId);
id_type!(AreaBanId);
id_type!(GroupId);
id_type!(/// An invitation for an agency to join a person's team, answered by that agency.
    InvitationId);
id_type!(/// An entry on a team's cohort-changes list.
    CohortNoticeId);
id_type!(/// A fact in the outbox (`notifications`): written with the change it reports.
    EventId);
id_type!(/// A partner's proposal of a mayor's measure, answered by the municipality.
    ProposalId);
// Interventions (issue 19).
id_type!(/// An intervention in a provider's catalogue.
    InterventionId);
id_type!(/// A request for an intervention for a person.
    ReferralId);
id_type!(/// A provider system's subscription to referral events (webhooks).
    WebhookId);

/// Ids of the ZSM table: their uuid is kept private (a case id is never built from another
/// id's uuid by accident) and read by value.
macro_rules! opaque_id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// Wraps an id the caller generated (UUIDv7 in the store); the domain never
            /// generates ids itself, so transitions stay deterministic.
            pub const fn from_uuid(id: Uuid) -> Self {
                Self(id)
            }
            pub const fn as_uuid(self) -> Uuid {
                self.0
            }
            /// A new id whose time part is `at` (taken from the injected clock).
            pub fn new(at: jiff::Timestamp) -> Self {
                Self(new_v7(at))
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(text).map(Self)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

opaque_id_type!(
    /// A case at the ZSM table.
    CaseId
);
opaque_id_type!(
    /// One decision (or amended decision) of the prosecutor.
    DecisionId
);
opaque_id_type!(
    /// A monitored obligation created by a decision.
    ObligationId
);
/// A UUIDv7 whose time part is `at` (to the millisecond) and whose other bits are random.
pub fn new_v7(at: Timestamp) -> Uuid {
    let millis = u64::try_from(at.as_millisecond()).unwrap_or(0);
    uuid::Builder::from_unix_timestamp_millis(millis, &id_random_bits()).into_uuid()
}

/// Random bits for ids, from a generator per thread seeded by the operating system. Ids are
/// not secrets (session tokens come from the OS directly), but `Uuid::new_v7` asked the OS for
/// randomness on every id: a system call per audit entry, which profiles showed on pages that
/// list hundreds of people.
fn id_random_bits() -> [u8; 10] {
    use std::cell::Cell;
    use std::hash::{BuildHasher, Hasher};
    thread_local! {
        // `RandomState` keys come from the OS, once per thread.
        static STATE: Cell<u64> = Cell::new(std::collections::hash_map::RandomState::new().build_hasher().finish());
    }
    STATE.with(|state| {
        let next = || {
            // wyrand: a 64-bit state stepped by a constant, mixed by a 128-bit multiply.
            let s = state.get().wrapping_add(0xa076_1d64_78bd_642f);
            state.set(s);
            let mixed = u128::from(s) * u128::from(s ^ 0xe703_7ed1_a0b4_28db);
            ((mixed >> 64) as u64) ^ (mixed as u64)
        };
        let (high, low) = (next().to_le_bytes(), next().to_le_bytes());
        let mut bits = [0; 10];
        bits[..8].copy_from_slice(&high);
        bits[8..].copy_from_slice(&low[..2]);
        bits
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_made_in_the_same_millisecond_differ_and_keep_their_time() {
        let at: Timestamp = "2026-03-01T12:00:00.123Z".parse().unwrap();
        let ids: std::collections::HashSet<Uuid> = (0..10_000).map(|_| new_v7(at)).collect();
        assert_eq!(ids.len(), 10_000);
        for id in ids.iter().take(3) {
            assert_eq!(id.get_version_num(), 7);
            let (seconds, nanos) = id.get_timestamp().unwrap().to_unix();
            assert_eq!((seconds, nanos), (1_772_366_400, 123_000_000));
        }
    }

    #[test]
    fn ids_order_by_creation_time() {
        let earlier = PersonId::new("2026-01-01T00:00:00Z".parse().unwrap());
        let later = PersonId::new("2026-01-01T00:00:01Z".parse().unwrap());
        assert!(earlier < later);
    }

    #[test]
    fn ids_round_trip_through_text() {
        let id = AgencyId::new("2026-01-01T00:00:00Z".parse().unwrap());
        assert_eq!(id.to_string().parse::<AgencyId>().unwrap(), id);
        assert!("not-a-uuid".parse::<AgencyId>().is_err());
    }
}
