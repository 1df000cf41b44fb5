//! Invitations onto a person's team, answered by the invited agency: its open invitations
//! (each person listed on the invitation's own grant), one invitation, and the answer —
//! joining with the agency's own legal basis, or declining with a reason.

use crate::access::{Actor, Grant, Permission, TeamEntry, TeamEntryInput};
use crate::audit::{AuditAction, AuditEntry};
use crate::conference::ports::InvitationWrite;
use crate::conference::service::{ConferencePorts, Conferences, refused};
use crate::conference::{Invitation, InvitationCommand, InvitationEffect};
use crate::ids::{InvitationId, TeamEntryId};
use crate::notifications::EventKind;
use crate::service::{ServiceError, ServiceResult, require};

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

impl<S: ConferencePorts> Conferences<'_, S> {
    /// The open invitations of the actor's agency, each person listed on the invitation's
    /// grant and audited.
    pub async fn open_invitations(&self, actor: &Actor) -> ServiceResult<Vec<InvitationLine>> {
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
    pub async fn invitation(&self, actor: &Actor, id: InvitationId) -> ServiceResult<InvitationLine> {
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
    pub async fn answer_invitation(
        &self,
        actor: &Actor,
        id: InvitationId,
        answer: &Answer,
    ) -> ServiceResult<Invitation> {
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
        let (changed, effects) = invitation.apply(command, now).map_err(|e| refused(&e))?;
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
