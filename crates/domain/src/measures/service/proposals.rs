//! Proposals of the mayor's measures: probation and the process manager propose, the
//! municipality on the person's team is told and answers (imposed, or declined with a reason).

use crate::access::{Actor, Permission};
use crate::audit::{AuditAction, AuditLog};
use crate::directory::{AgencyKind, DirectoryStore};
use crate::ids::{PersonId, ProposalId, new_v7};
use crate::measures::ports::{MeasureStore, Stored};
use crate::measures::service::Measures;
use crate::measures::{MeasureProposal, ProposalError, ProposalOutcome, ProposedMeasure};
use crate::notifications::{Audience, Event, EventKind, Subject, SubjectKind};
use crate::people::ports::PeopleStore;
use crate::plan::service::team_agencies;
use crate::service::{ServiceError, ServiceResult};
use crate::validation::{FieldError, TextLimit, ValidationErrors, invalid, limited_text};

fn refused(error: ProposalError) -> ServiceError {
    invalid(match error {
        ProposalError::NoReason | ProposalError::DeclineNeedsReason => {
            FieldError::new("reason", "error.proposal.reason")
        }
        ProposalError::Answered => FieldError::new("proposal", "error.proposal.answered"),
    })
}

/// A proposal as typed: the measure's code and the reason.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProposalInput {
    pub measure: String,
    pub reason: String,
}

/// An answer as typed: the proposal, "imposed" or "declined", and a note (the reason to decline).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnswerInput {
    pub proposal: String,
    pub outcome: String,
    pub reason: String,
}

impl<S: PeopleStore + AuditLog + DirectoryStore + MeasureStore> Measures<'_, S> {
    /// Proposes a mayor's measure on `person`; the municipality must be on the team to hear it.
    /// Gives back the proposal as saved (version 1).
    pub async fn propose(
        &self,
        actor: &Actor,
        person: PersonId,
        input: &ProposalInput,
    ) -> ServiceResult<MeasureProposal> {
        let what = "mayor's measure: propose";
        let found = self.authorise(actor, person, Permission::ProposeMayorMeasure, what).await?;
        let mut errors = ValidationErrors::default();
        let measure = ProposedMeasure::parse(&input.measure);
        if measure.is_none() {
            errors.push(FieldError::new("measure_kind", "error.proposal.measure"));
        }
        let reason = limited_text(&mut errors, "reason", &input.reason, TextLimit::Text);
        if reason.trim().is_empty() {
            errors.push(FieldError::new("reason", "error.proposal.reason"));
        }
        let agencies = self.store.agencies().await?;
        let on_team = team_agencies(&found.team, self.today());
        let municipality: Vec<_> = agencies
            .iter()
            .filter(|a| a.kind == AgencyKind::Municipality && on_team.contains(&a.id))
            .map(|a| a.id)
            .collect();
        if municipality.is_empty() {
            errors.push(FieldError::new("measure_kind", "error.proposal.no_municipality"));
        }
        let (Some(measure), true) = (measure, errors.is_empty()) else {
            return Err(ServiceError::Invalid(errors));
        };
        let now = self.now();
        let (proposal, _effects) = MeasureProposal::propose(
            ProposalId(new_v7(now)),
            person,
            measure,
            &reason,
            actor.member_id,
            actor.agency_id,
            now,
        )
        .map_err(refused)?;
        // The one effect, NotifyMunicipality, is this event.
        let event = Event::new(
            EventKind::MeasureProposed,
            now,
            Subject::new(SubjectKind::Person, *person.as_uuid()),
            Audience::agencies(municipality),
        )
        .about(person)
        .by(actor.member_id)
        .with("measure", measure.code())
        .with("reason", &proposal.reason);
        let audit = self.audited(actor, &[(&found, AuditAction::Create)], what);
        self.save(actor, &proposal, 1, "propose", audit, &[event]).await?;
        Ok(proposal)
    }

    /// The municipality answers a proposal: imposed (after imposing it), or declined with a reason.
    /// Gives back the answered proposal and its version.
    pub async fn answer_proposal(
        &self,
        actor: &Actor,
        person: PersonId,
        input: &AnswerInput,
    ) -> ServiceResult<Stored<MeasureProposal>> {
        let what = "mayor's measure: answer proposal";
        let found = self.authorise(actor, person, Permission::DecideMayorMeasure, what).await?;
        let stored: Stored<MeasureProposal> = self.load_for(&input.proposal, person, "proposal").await?;
        let outcome = match input.outcome.trim() {
            "imposed" => ProposalOutcome::Imposed,
            "declined" => ProposalOutcome::Declined,
            _ => return Err(invalid(FieldError::new("outcome", "error.proposal.outcome"))),
        };
        let mut errors = ValidationErrors::default();
        let note = limited_text(&mut errors, "reason", &input.reason, TextLimit::Text);
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        let now = self.now();
        let (answered, _effects) = stored.value.answer(outcome, &note, actor.member_id, now).map_err(refused)?;
        // The one effect, NotifyProposer, is this event: the proposing agency hears the answer.
        let event = Event::new(
            EventKind::MeasureProposalAnswered,
            now,
            Subject::new(SubjectKind::Person, *person.as_uuid()),
            Audience::agencies(vec![answered.agency]),
        )
        .about(person)
        .by(actor.member_id)
        .with("measure", answered.measure.code())
        .with("outcome", if outcome == ProposalOutcome::Imposed { "imposed" } else { "declined" })
        .with("note", &note);
        let audit = self.audited(actor, &[(&found, AuditAction::Update)], what);
        let version = stored.version + 1;
        self.save(actor, &answered, version, "answer", audit, &[event]).await?;
        Ok(Stored { value: answered, version })
    }
}
