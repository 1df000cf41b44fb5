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
id_type!(/// An entry on a team's cohort-changes list.
    CohortNoticeId);

/// A UUIDv7 whose time part is `at`.
pub fn new_v7(at: Timestamp) -> Uuid {
    let seconds = u64::try_from(at.as_second()).unwrap_or(0);
    let nanos = u32::try_from(at.subsec_nanosecond()).unwrap_or(0);
    Uuid::new_v7(uuid::Timestamp::from_unix(uuid::NoContext, seconds, nanos))
}

#[cfg(test)]
mod tests {
    use super::*;

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
