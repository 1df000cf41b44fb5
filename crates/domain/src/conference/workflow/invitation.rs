//! An invitation onto a person's case team: Open → Accepted (the invited agency joins on its
//! own legal basis) / Declined (with a reason). Accepting a conference request invites the
//! partners it names; whoever invites records no basis on another agency's behalf.

use crate::access::TeamEntry;
use crate::conference::ConferenceError;
use crate::ids::{AgencyId, ConferenceRequestId, InvitationId, MemberId, PersonId, TeamEntryId};
use crate::notifications::{Audience, Event, EventKind, Subject, SubjectKind};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum InvitationStatus {
    Open,
    Accepted { by: MemberId, at: Timestamp, entry: TeamEntryId },
    Declined { by: MemberId, at: Timestamp, reason: String },
}

impl InvitationStatus {
    pub fn name(&self) -> &'static str {
        match self {
            InvitationStatus::Open => "open",
            InvitationStatus::Accepted { .. } => "accepted",
            InvitationStatus::Declined { .. } => "declined",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    pub id: InvitationId,
    pub person: PersonId,
    /// The agency invited onto the team.
    pub agency: AgencyId,
    /// The conference request that named the agency.
    pub request: Option<ConferenceRequestId>,
    /// Why the agency is asked, as the invited agency reads it.
    pub purpose: String,
    pub invited_by: MemberId,
    pub invited_by_agency: AgencyId,
    pub invited_at: Timestamp,
    pub status: InvitationStatus,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvitationCommand {
    /// The invited agency joins the team on its own basis, as `entry` (built by the caller
    /// from the basis the member gave).
    Accept {
        entry: TeamEntry,
    },
    Decline {
        by: MemberId,
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvitationEffect {
    JoinTeam(TeamEntry),
    /// Tell the inviting agency the answer.
    TellInviter {
        accepted: bool,
    },
}

impl Invitation {
    pub fn apply(
        self,
        command: InvitationCommand,
        now: Timestamp,
    ) -> Result<(Self, Vec<InvitationEffect>), ConferenceError> {
        if self.status != InvitationStatus::Open {
            return Err(ConferenceError::InvitationAnswered(self.status.name()));
        }
        match command {
            InvitationCommand::Accept { entry } => {
                if entry.agency_id != self.agency || entry.person_id != self.person {
                    return Err(ConferenceError::NotInvited);
                }
                let status = InvitationStatus::Accepted { by: entry.added_by, at: now, entry: entry.id };
                let effects = vec![InvitationEffect::JoinTeam(entry), InvitationEffect::TellInviter { accepted: true }];
                Ok((Self { status, ..self }, effects))
            }
            InvitationCommand::Decline { by, reason } => {
                let reason = reason.trim().to_owned();
                if reason.is_empty() {
                    return Err(ConferenceError::InvitationDeclineNeedsReason);
                }
                let status = InvitationStatus::Declined { by, at: now, reason };
                Ok((Self { status, ..self }, vec![InvitationEffect::TellInviter { accepted: false }]))
            }
        }
    }

    /// The event telling the invited agency (`Invited`) or the inviter (an answer). Not about
    /// the person: the invited agency is not on the team yet, and the notification must reach
    /// it; the invitations page shows the name under the invitation's own grant.
    pub fn event(&self, kind: EventKind, at: Timestamp, by: MemberId) -> Event {
        let audience = match kind {
            EventKind::TeamInvitation => Audience::agency(self.agency),
            _ => Audience::agency(self.invited_by_agency),
        };
        Event::new(kind, at, Subject::new(SubjectKind::Invitation, self.id.0), audience).by(by)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::LegalBasis;
    use uuid::Uuid;

    fn invitation() -> Invitation {
        Invitation {
            id: InvitationId(Uuid::from_u128(1)),
            person: PersonId(Uuid::from_u128(2)),
            agency: AgencyId(Uuid::from_u128(3)),
            request: None,
            purpose: "case conference".into(),
            invited_by: MemberId(Uuid::from_u128(4)),
            invited_by_agency: AgencyId(Uuid::from_u128(5)),
            invited_at: "2026-03-10T10:00:00Z".parse().unwrap(),
            status: InvitationStatus::Open,
        }
    }

    fn entry(agency: u128) -> TeamEntry {
        TeamEntry {
            id: TeamEntryId(Uuid::from_u128(9)),
            person_id: PersonId(Uuid::from_u128(2)),
            agency_id: AgencyId(Uuid::from_u128(agency)),
            basis: LegalBasis::StatutoryTask { statute: "Wet op de reclassering".into() },
            reason: "conference".into(),
            added_by: MemberId(Uuid::from_u128(6)),
            added_at: "2026-03-11T10:00:00Z".parse().unwrap(),
            ended_at: None,
        }
    }

    #[test]
    fn only_the_invited_agency_joins_and_only_once() {
        let now = "2026-03-11T10:00:00Z".parse().unwrap();
        assert_eq!(
            invitation().apply(InvitationCommand::Accept { entry: entry(7) }, now).unwrap_err(),
            ConferenceError::NotInvited
        );
        let (accepted, effects) = invitation().apply(InvitationCommand::Accept { entry: entry(3) }, now).unwrap();
        assert_eq!(effects[0], InvitationEffect::JoinTeam(entry(3)));
        let again = accepted.apply(InvitationCommand::Accept { entry: entry(3) }, now);
        assert_eq!(again.unwrap_err(), ConferenceError::InvitationAnswered("accepted"));
    }

    #[test]
    fn declining_needs_a_reason() {
        let now = "2026-03-11T10:00:00Z".parse().unwrap();
        let by = MemberId(Uuid::from_u128(6));
        let blank = InvitationCommand::Decline { by, reason: " ".into() };
        assert_eq!(invitation().apply(blank, now).unwrap_err(), ConferenceError::InvitationDeclineNeedsReason);
        let (declined, effects) =
            invitation().apply(InvitationCommand::Decline { by, reason: "not our area".into() }, now).unwrap();
        assert_eq!(declined.status.name(), "declined");
        assert_eq!(effects, vec![InvitationEffect::TellInviter { accepted: false }]);
    }
}
