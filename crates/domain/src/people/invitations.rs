//! Invitations to a person's case team. Whoever invites an agency (the Safety House accepting a
//! conference request that names partners) records no legal basis on that agency's behalf: the
//! invited agency reads the invitation and accepts it with its own basis, or declines it with a
//! reason. Until then it sees the invitation only — the person's name and why it is asked —
//! and nothing else of the person.

use crate::access::{Actor, Grant, Permission, TeamEntry, TeamEntryInput};
use crate::audit::{AuditAction, AuditEntry, AuditLog};
use crate::clock::Clock;
use crate::ids::{AgencyId, ConferenceRequestId, InvitationId, MemberId, PersonId, TeamEntryId};
use crate::notifications::{Audience, Event, EventKind, Subject, SubjectKind};
use crate::people::ports::PeopleStore;
use crate::ports::StoreResult;
use crate::service::{ServiceError, ServiceResult, require};
use crate::validation::{FieldError, invalid};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use std::future::Future;

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InvitationError {
    #[error("this invitation was already answered ({0})")]
    AlreadyAnswered(&'static str),
    #[error("say why your agency declines")]
    DeclineNeedsReason,
    #[error("only the invited agency can answer an invitation")]
    NotInvited,
}

impl Invitation {
    pub fn apply(
        self,
        command: InvitationCommand,
        now: Timestamp,
    ) -> Result<(Self, Vec<InvitationEffect>), InvitationError> {
        if self.status != InvitationStatus::Open {
            return Err(InvitationError::AlreadyAnswered(self.status.name()));
        }
        match command {
            InvitationCommand::Accept { entry } => {
                if entry.agency_id != self.agency || entry.person_id != self.person {
                    return Err(InvitationError::NotInvited);
                }
                let status = InvitationStatus::Accepted { by: entry.added_by, at: now, entry: entry.id };
                let effects = vec![InvitationEffect::JoinTeam(entry), InvitationEffect::TellInviter { accepted: true }];
                Ok((Self { status, ..self }, effects))
            }
            InvitationCommand::Decline { by, reason } => {
                let reason = reason.trim().to_owned();
                if reason.is_empty() {
                    return Err(InvitationError::DeclineNeedsReason);
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredInvitation {
    pub invitation: Invitation,
    pub version: i64,
}

/// What answering an invitation writes, all or nothing.
#[derive(Debug, Default)]
pub struct InvitationWrite<'a> {
    /// Invitations at their new version (1 inserts one).
    pub invitations: Vec<(&'a Invitation, i64)>,
    pub team: Vec<TeamEntry>,
    pub audit: Vec<AuditEntry>,
    pub outbox: Vec<Event>,
}

pub trait InvitationStore: Send + Sync {
    fn write_invitations(&self, write: &InvitationWrite<'_>) -> impl Future<Output = StoreResult<()>> + Send;
    fn invitation(&self, id: InvitationId) -> impl Future<Output = StoreResult<Option<StoredInvitation>>> + Send;
    /// The agency's invitations still open, oldest first.
    fn open_invitations(&self, agency: AgencyId) -> impl Future<Output = StoreResult<Vec<StoredInvitation>>> + Send;
    /// The person's invitations, answered or not, oldest first.
    fn invitations_of(&self, person: PersonId) -> impl Future<Output = StoreResult<Vec<StoredInvitation>>> + Send;
}

/// One open invitation on the invited agency's list.
#[derive(Debug, Clone)]
pub struct InvitationLine {
    pub invitation: Invitation,
    pub person_name: String,
}

/// The answer a member gives for their agency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Accept(TeamEntryInput),
    Decline { reason: String },
}

pub fn invitation_field_error(error: &InvitationError) -> FieldError {
    match error {
        InvitationError::AlreadyAnswered(_) => FieldError::new("invitation", "error.invitation.answered"),
        InvitationError::DeclineNeedsReason => FieldError::new("decline_reason", "error.invitation.decline_reason"),
        InvitationError::NotInvited => FieldError::new("invitation", "error.invitation.not_invited"),
    }
}

pub struct Invitations<'a, S> {
    pub store: &'a S,
    pub clock: &'a dyn Clock,
    pub time_zone: &'a TimeZone,
}

impl<S: PeopleStore + AuditLog + InvitationStore> Invitations<'_, S> {
    fn today(&self) -> Date {
        crate::service::today_in(self.clock, self.time_zone)
    }

    /// The open invitations of the actor's agency, each person listed on the invitation's
    /// grant and audited.
    pub async fn open(&self, actor: &Actor) -> ServiceResult<Vec<InvitationLine>> {
        require(actor, Permission::ViewPerson)?;
        let now = self.clock.now();
        let mut lines = Vec::new();
        let mut audit = Vec::new();
        for stored in self.store.open_invitations(actor.agency_id).await? {
            let invitation = stored.invitation;
            let Some(person) = self.store.person(invitation.person).await? else { continue };
            let grant = Grant::Invitation(invitation.id);
            audit.push(AuditEntry::granted(
                actor,
                now,
                invitation.person,
                AuditAction::Listed,
                "list: invitations",
                &grant,
            ));
            lines.push(InvitationLine { person_name: person.display_name(), invitation });
        }
        self.store.append(&audit).await?;
        Ok(lines)
    }

    /// One invitation of the actor's agency, open or answered, read on the invitation's grant.
    pub async fn one(&self, actor: &Actor, id: InvitationId) -> ServiceResult<InvitationLine> {
        require(actor, Permission::ViewPerson)?;
        let stored = self.store.invitation(id).await?.ok_or(ServiceError::NotFound)?;
        let invitation = stored.invitation;
        let now = self.clock.now();
        if invitation.agency != actor.agency_id {
            let what = "invitation";
            let entry = AuditEntry::new(actor, now, Some(invitation.person), AuditAction::Denied, what, "not_invited");
            self.store.append(&[entry]).await?;
            return Err(ServiceError::Forbidden(crate::access::Denial::NotOnTeam));
        }
        let person = self.store.person(invitation.person).await?.ok_or(ServiceError::NotFound)?;
        let grant = Grant::Invitation(invitation.id);
        self.store
            .append(&[AuditEntry::granted(actor, now, invitation.person, AuditAction::Read, "invitation", &grant)])
            .await?;
        Ok(InvitationLine { person_name: person.display_name(), invitation })
    }

    /// The actor answers an invitation of their own agency: accepting puts the agency on the
    /// team with the basis the actor gives for it; declining needs a reason. The inviter is told.
    pub async fn answer(&self, actor: &Actor, id: InvitationId, answer: &Answer) -> ServiceResult<Invitation> {
        require(actor, Permission::ViewPerson)?;
        let stored = self.store.invitation(id).await?.ok_or(ServiceError::NotFound)?;
        let invitation = stored.invitation;
        let now = self.clock.now();
        let person = invitation.person;
        if invitation.agency != actor.agency_id {
            let what = "invitation: answer";
            let entry = AuditEntry::new(actor, now, Some(person), AuditAction::Denied, what, "not_invited");
            self.store.append(&[entry]).await?;
            return Err(ServiceError::Forbidden(crate::access::Denial::NotOnTeam));
        }
        let today = self.today();
        let command = match answer {
            Answer::Accept(basis) => {
                let basis = TeamEntryInput { agency_id: actor.agency_id.to_string(), ..basis.clone() };
                let draft = basis.parse(today)?;
                let entry = TeamEntry {
                    id: TeamEntryId::new(now),
                    person_id: person,
                    agency_id: actor.agency_id,
                    basis: draft.basis,
                    reason: draft.reason,
                    added_by: actor.member_id,
                    added_at: now,
                    ended_at: None,
                };
                InvitationCommand::Accept { entry }
            }
            Answer::Decline { reason } => InvitationCommand::Decline { by: actor.member_id, reason: reason.clone() },
        };
        let (changed, effects) = invitation.apply(command, now).map_err(|e| invalid(invitation_field_error(&e)))?;
        let already_on =
            self.store.team(person).await?.iter().any(|e| e.agency_id == actor.agency_id && e.is_active(today));
        let mut write = InvitationWrite::default();
        let grant = Grant::Invitation(changed.id);
        for effect in effects {
            match effect {
                InvitationEffect::JoinTeam(entry) if !already_on => {
                    let joined = Grant::Team { entry: entry.id, basis: entry.basis.clone() };
                    let what = "team_add: accepted invitation";
                    write.audit.push(AuditEntry::granted(actor, now, person, AuditAction::TeamAdd, what, &joined));
                    write.team.push(entry);
                }
                InvitationEffect::JoinTeam(_) => {}
                InvitationEffect::TellInviter { accepted } => {
                    let (kind, what) = if accepted {
                        (EventKind::TeamInvitationAccepted, "invitation: accepted")
                    } else {
                        (EventKind::TeamInvitationDeclined, "invitation: declined")
                    };
                    write.audit.push(AuditEntry::granted(actor, now, person, AuditAction::Update, what, &grant));
                    write.outbox.push(changed.event(kind, now, actor.member_id));
                }
            }
        }
        write.invitations.push((&changed, stored.version + 1));
        self.store.write_invitations(&write).await?;
        Ok(changed)
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
            InvitationError::NotInvited
        );
        let (accepted, effects) = invitation().apply(InvitationCommand::Accept { entry: entry(3) }, now).unwrap();
        assert_eq!(effects[0], InvitationEffect::JoinTeam(entry(3)));
        let again = accepted.apply(InvitationCommand::Accept { entry: entry(3) }, now);
        assert_eq!(again.unwrap_err(), InvitationError::AlreadyAnswered("accepted"));
    }

    #[test]
    fn declining_needs_a_reason() {
        let now = "2026-03-11T10:00:00Z".parse().unwrap();
        let by = MemberId(Uuid::from_u128(6));
        let blank = InvitationCommand::Decline { by, reason: " ".into() };
        assert_eq!(invitation().apply(blank, now).unwrap_err(), InvitationError::DeclineNeedsReason);
        let (declined, effects) =
            invitation().apply(InvitationCommand::Decline { by, reason: "not our area".into() }, now).unwrap();
        assert_eq!(declined.status.name(), "declined");
        assert_eq!(effects, vec![InvitationEffect::TellInviter { accepted: false }]);
    }
}
