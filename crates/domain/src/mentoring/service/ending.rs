//! Ending a mentor match (views4): the mentor coordinator of the mentor's agency ends it with a
//! reason category and the day it ended. The ended match, its row of history, the audit entry
//! and the outbox event (`mentor.match_ended`, telling the mentor and the agency) are written in
//! one transaction. Anyone else is refused and the refusal audited.

use super::Mentoring;
use crate::access::{Actor, Denial};
use crate::audit::{AuditAction, AuditEntry, AuditLog};
use crate::directory::DirectoryStore;
use crate::mentoring::model::{EndReason, MentorMatch};
use crate::mentoring::ports::{LifeChangeStore, MentoringStore};
use crate::mentoring::workflow::ending::{MatchCommand, MatchEffect, apply};
use crate::notifications::{Audience, Event, EventKind, Subject, SubjectKind};
use crate::people::ports::PeopleStore;
use crate::service::{ServiceError, ServiceResult};
use crate::validation::{FieldError, ValidationErrors, parse_date};
use uuid::Uuid;

/// How many ended matches the coordinator's list shows.
pub const ENDED_SHOWN: usize = 30;

/// An ended match on the coordinator's list: who, with whom, and why it ended.
#[derive(Debug, Clone)]
pub struct EndedLine {
    pub matched: MentorMatch,
    pub person_name: String,
    pub mentor_name: String,
}

/// An ending as typed in: the reason's code and the day (empty: today).
#[derive(Debug, Clone, Default)]
pub struct EndInput {
    pub reason: String,
    pub ended_on: String,
}

impl<S: MentoringStore + LifeChangeStore + PeopleStore + AuditLog + DirectoryStore> Mentoring<'_, S> {
    /// Ends the match `id` of the coordinator's agency.
    pub async fn end_match(&self, actor: &Actor, id: Uuid, input: &EndInput) -> ServiceResult<MentorMatch> {
        let what = "mentoring: end match";
        self.coordinator(actor, what).await?;
        let found = self.store.matches_of_agency(actor.agency_id).await?.into_iter().find(|m| m.id == id);
        let Some(matched) = found else {
            // Another agency's match (or none): nothing of it is shown.
            let entry =
                AuditEntry::new(actor, self.clock.now(), None, AuditAction::Denied, what, Denial::NotOnTeam.code());
            self.store.append(&[entry]).await?;
            return Err(ServiceError::NotFound);
        };
        let today = self.today();
        let mut errors = ValidationErrors::default();
        let reason = EndReason::parse(&input.reason);
        if reason.is_none() {
            errors.push(FieldError::new("reason", "error.mentoring.end_reason"));
        }
        let on = if input.ended_on.trim().is_empty() {
            Some(today)
        } else {
            parse_date("ended_on", &input.ended_on).map_err(|e| errors.push(e)).ok()
        };
        let (Some(reason), Some(on)) = (reason, on) else { return Err(errors.into()) };
        let (ended, effects) = apply(&matched, MatchCommand::End { on, reason }, today)?;
        let now = self.clock.now();
        let at = if on == today { now } else { on.to_zoned(self.time_zone.clone()).map_or(now, |z| z.timestamp()) };
        let events: Vec<Event> = effects
            .into_iter()
            .map(|effect| match effect {
                MatchEffect::AnnounceEnded { on, reason } => Event::new(
                    EventKind::MentorMatchEnded,
                    at,
                    Subject::new(SubjectKind::MentorMatch, ended.id),
                    Audience::agencies([ended.mentor_agency]).with_member(Some(ended.mentor)),
                )
                .by(actor.member_id)
                .about(ended.person)
                .with("mentor", ended.mentor)
                .with("programme", ended.programme.code())
                .with("reason", reason.code())
                .with("ended_on", on),
            })
            .collect();
        let audit = AuditEntry::new(
            actor,
            now,
            Some(ended.person),
            AuditAction::Update,
            what,
            format!("mentor coordinator; {} {}", reason.code(), on),
        );
        let ending = crate::ids::new_v7(now);
        self.store.end_match(&ended, ending, actor.member_id, now, &[audit], &events).await?;
        Ok(ended)
    }

    /// The agency's ended matches, most recently ended first (each listing audited).
    pub async fn ended_matches(&self, actor: &Actor) -> ServiceResult<Vec<EndedLine>> {
        let what = "mentoring: ended matches";
        self.coordinator(actor, what).await?;
        let today = self.today();
        let mut ended: Vec<MentorMatch> =
            self.store.matches_of_agency(actor.agency_id).await?.into_iter().filter(|m| !m.is_active(today)).collect();
        ended.sort_by(|a, b| b.ended_on.cmp(&a.ended_on).then(b.started_on.cmp(&a.started_on)));
        // The coordinator's recent history; every line read is audited, so not years of it.
        ended.truncate(ENDED_SHOWN);
        let profiles = self.store.profiles().await?;
        let now = self.clock.now();
        let mut lines = Vec::with_capacity(ended.len());
        let mut audit = Vec::with_capacity(ended.len());
        for m in ended {
            let Some(person) = self.store.person(m.person).await? else { continue };
            audit.push(AuditEntry::new(actor, now, Some(m.person), AuditAction::Listed, what, "mentor coordinator"));
            lines.push(EndedLine {
                person_name: person.display_name(),
                mentor_name: profiles.iter().find(|p| p.member == m.mentor).map(|p| p.name.clone()).unwrap_or_default(),
                matched: m,
            });
        }
        self.store.append(&audit).await?;
        Ok(lines)
    }
}
