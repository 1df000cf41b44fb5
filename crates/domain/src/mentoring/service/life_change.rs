//! The Life Change use cases. The mentor coordinator (a provider worker of a mentoring agency)
//! opens cohorts, keeps the register and moves graduates through the pipeline; a member of
//! the person's team enrols them with their consent. The coordinator reads participants on
//! that consent, each read audited; anyone else is refused and audited.

use super::Mentoring;
use crate::access::{Actor, Permission};
use crate::audit::{AuditAction, AuditEntry, AuditLog};
use crate::directory::DirectoryStore;
use crate::ids::{InterventionId, MemberId, PersonId};
use crate::interventions::Format;
use crate::interventions::ports::InterventionStore;
use crate::mentoring::model::life_change::*;
use crate::mentoring::ports::{LifeChangeStore, MentoringStore};
use crate::mentoring::workflow::graduation::{Graduation, GraduationStatus, PipelineError, advance, graduation};
use crate::people::ports::PeopleStore;
use crate::service::{RuleError, ServiceError, ServiceResult, authorise_person};
use crate::validation::{FieldError, ValidationErrors, parse_date, required_text};
use std::collections::BTreeMap;
use uuid::Uuid;

impl From<PipelineError> for ServiceError {
    fn from(error: PipelineError) -> Self {
        ServiceError::Rule(Box::new(error))
    }
}

impl RuleError for PipelineError {
    fn field_error(&self) -> FieldError {
        FieldError::new(self.field(), self.key())
    }
}

/// A cohort as typed in by the coordinator.
#[derive(Debug, Clone, Default)]
pub struct CohortInput {
    pub name: String,
    pub starts_on: String,
    pub group_room: String,
    pub business: String,
    /// The catalogue entry (format "group") it runs, optional.
    pub intervention: String,
}

#[derive(Debug, Clone)]
pub struct CohortLine {
    pub cohort: LifeChangeCohort,
    pub participants: usize,
    pub week: Option<i16>,
}

/// One participant on the register.
#[derive(Debug, Clone)]
pub struct RegisterRow {
    pub person: PersonId,
    pub name: String,
    pub graduation: Graduation,
    /// Per appointment: attended, absent, or not registered.
    pub marks: BTreeMap<Uuid, bool>,
    pub stage: Option<PipelineStage>,
}

#[derive(Debug, Clone)]
pub struct Register {
    pub cohort: LifeChangeCohort,
    pub week: Option<i16>,
    pub rows: Vec<RegisterRow>,
}

/// A graduate in the pipeline.
#[derive(Debug, Clone)]
pub struct PipelineLine {
    pub person: PersonId,
    pub name: String,
    pub cohort: Uuid,
    pub cohort_name: String,
    pub stage: Option<PipelineStage>,
    pub since: Option<jiff::civil::Date>,
    pub member: Option<MemberId>,
}

/// The coordinator's pipeline: graduates not yet training (invited or not), in training, mentors.
#[derive(Debug, Clone, Default)]
pub struct Pipeline {
    pub graduates: Vec<PipelineLine>,
    pub in_training: Vec<PipelineLine>,
    pub mentors: Vec<PipelineLine>,
}

pub(super) fn participation_basis(cohort: Uuid) -> String {
    format!("consent: life change cohort {cohort}")
}

impl<S> Mentoring<'_, S>
where
    S: MentoringStore + LifeChangeStore + PeopleStore + AuditLog + DirectoryStore + InterventionStore,
{
    async fn own_cohort(&self, actor: &Actor, id: Uuid, what: &str) -> ServiceResult<LifeChangeCohort> {
        self.coordinator(actor, what).await?;
        match self.store.cohort(id).await? {
            Some(cohort) if cohort.agency == actor.agency_id => Ok(cohort),
            _ => Err(ServiceError::NotFound),
        }
    }

    /// Opens a cohort: six weeks from the start with the standard appointments.
    pub async fn open_cohort(&self, actor: &Actor, input: &CohortInput) -> ServiceResult<LifeChangeCohort> {
        self.coordinator(actor, "mentoring: life change cohort").await?;
        let mut errors = ValidationErrors::default();
        let name = required_text(&mut errors, "name", &input.name, crate::mentoring::TEXT_MAX);
        let room = required_text(&mut errors, "group_room", &input.group_room, crate::mentoring::TEXT_MAX);
        let business = required_text(&mut errors, "business", &input.business, crate::mentoring::TEXT_MAX);
        let starts_on = parse_date("starts_on", &input.starts_on).map_err(|e| errors.push(e)).ok();
        let mut intervention = None;
        if !input.intervention.trim().is_empty() {
            let id = InterventionId::parse(input.intervention.trim()).ok();
            let found = match id {
                Some(id) => self.store.intervention(id).await?,
                None => None,
            };
            match found {
                Some(stored)
                    if stored.intervention.provider == actor.agency_id
                        && matches!(stored.intervention.format, Format::Group { .. }) =>
                {
                    intervention = Some(stored.intervention.id);
                }
                _ => errors.push(FieldError::new("intervention", "error.life_change.not_a_group")),
            }
        }
        let Some(starts_on) = starts_on else { return Err(errors.into()) };
        if !errors.is_empty() {
            return Err(errors.into());
        }
        let now = self.clock.now();
        let cohort = LifeChangeCohort {
            id: crate::ids::new_v7(now),
            agency: actor.agency_id,
            intervention,
            name,
            starts_on,
            appointments: schedule(starts_on, &room, &business, || crate::ids::new_v7(now)),
            created_by: actor.member_id,
            created_at: now,
        };
        let audit = AuditEntry::new(
            actor,
            now,
            None,
            AuditAction::Create,
            "mentoring: life change cohort",
            cohort.id.to_string(),
        );
        self.store.save_cohort(&cohort, &[audit]).await?;
        Ok(cohort)
    }

    /// The coordinator's cohorts, newest first, with how many take part and the week they are in.
    pub async fn cohorts(&self, actor: &Actor) -> ServiceResult<Vec<CohortLine>> {
        self.coordinator(actor, "mentoring: life change cohorts").await?;
        let today = self.today();
        let mut lines = Vec::new();
        for cohort in self.store.cohorts_of_agency(actor.agency_id).await? {
            let participants = self.store.participants(cohort.id).await?.len();
            lines.push(CohortLine { week: cohort.week(today), participants, cohort });
        }
        Ok(lines)
    }

    /// Cohorts a member of the person's team may enrol them in: not yet finished, of any
    /// mentoring agency.
    pub async fn open_cohorts(&self) -> ServiceResult<Vec<LifeChangeCohort>> {
        let today = self.today();
        let mut open = Vec::new();
        for agency in self.store.agencies().await? {
            open.extend(self.store.cohorts_of_agency(agency.id).await?.into_iter().filter(|c| c.ends_on() >= today));
        }
        Ok(open)
    }

    /// A member of the person's team enrols them, with their consent to take part.
    pub async fn enrol(&self, actor: &Actor, cohort: &str, person: PersonId) -> ServiceResult<Participant> {
        let now = self.clock.now();
        let found = authorise_person(
            self.store,
            actor,
            person,
            Permission::WorkOnPlan,
            "mentoring: life change enrolment",
            now,
            self.today(),
        )
        .await?;
        let found_cohort = match Uuid::parse_str(cohort.trim()) {
            Ok(id) => self.store.cohort(id).await?,
            Err(_) => None,
        };
        let mut errors = ValidationErrors::default();
        let Some(cohort) = found_cohort else {
            errors.push(FieldError::new("cohort", "error.life_change.choose_cohort"));
            return Err(errors.into());
        };
        if cohort.ends_on() < self.today() {
            errors.push(FieldError::new("cohort", "error.life_change.finished"));
            return Err(errors.into());
        }
        let participant = Participant { cohort: cohort.id, person, enrolled_by: actor.member_id, enrolled_at: now };
        let audit = AuditEntry::granted(
            actor,
            now,
            person,
            AuditAction::Update,
            "mentoring: life change enrolment",
            &found.grant,
        );
        self.store.add_participant(&participant, &[audit]).await?;
        Ok(participant)
    }

    /// The register of a cohort with each participant's graduation, audited per participant.
    pub async fn register(&self, actor: &Actor, id: Uuid) -> ServiceResult<Register> {
        let cohort = self.own_cohort(actor, id, "mentoring: life change register").await?;
        let today = self.today();
        let now = self.clock.now();
        let marks = self.store.attendance(cohort.id).await?;
        let steps = self.store.pipeline_steps(actor.agency_id).await?;
        let mut rows = Vec::new();
        let mut audit = Vec::new();
        for participant in self.store.participants(cohort.id).await? {
            let Some(person) = self.store.person(participant.person).await? else { continue };
            audit.push(AuditEntry::new(
                actor,
                now,
                Some(participant.person),
                AuditAction::Read,
                "mentoring: life change register",
                participation_basis(cohort.id),
            ));
            let record = self.store.offence_record(participant.person).await?;
            let mut own = BTreeMap::new();
            for mark in marks.iter().filter(|m| m.person == participant.person) {
                own.insert(mark.appointment, mark.attended);
            }
            rows.push(RegisterRow {
                person: participant.person,
                name: person.display_name(),
                graduation: graduation(&cohort, participant.person, &marks, &record, today),
                marks: own,
                stage: steps.iter().rfind(|s| s.person == participant.person && s.cohort == cohort.id).map(|s| s.stage),
            });
        }
        self.store.append(&audit).await?;
        rows.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(Register { week: cohort.week(today), cohort, rows })
    }

    /// Registers one appointment: the participants in `present` attended, the others did not.
    /// An appointment still to come cannot be registered.
    pub async fn record_attendance(
        &self,
        actor: &Actor,
        id: Uuid,
        appointment: &str,
        present: &[PersonId],
    ) -> ServiceResult<()> {
        let cohort = self.own_cohort(actor, id, "mentoring: life change register").await?;
        let mut errors = ValidationErrors::default();
        let found =
            Uuid::parse_str(appointment.trim()).ok().and_then(|a| cohort.appointments.iter().find(|x| x.id == a));
        let Some(found) = found else {
            errors.push(FieldError::new("appointment", "error.life_change.no_appointment"));
            return Err(errors.into());
        };
        if found.on > self.today() {
            errors.push(FieldError::new("appointment", "error.life_change.not_yet"));
            return Err(errors.into());
        }
        let now = self.clock.now();
        let participants = self.store.participants(cohort.id).await?;
        // Someone named as present who is not in the group is a mistake, not a silent no-op.
        if present.iter().any(|p| !participants.iter().any(|x| x.person == *p)) {
            errors.push(FieldError::new("present", "error.life_change.not_a_participant"));
            return Err(errors.into());
        }
        let entries: Vec<Attendance> = participants
            .iter()
            .map(|p| Attendance {
                cohort: cohort.id,
                appointment: found.id,
                person: p.person,
                attended: present.contains(&p.person),
                recorded_by: actor.member_id,
                recorded_at: now,
            })
            .collect();
        let audit: Vec<AuditEntry> = participants
            .iter()
            .map(|p| {
                AuditEntry::new(
                    actor,
                    now,
                    Some(p.person),
                    AuditAction::Update,
                    "mentoring: life change register",
                    participation_basis(cohort.id),
                )
            })
            .collect();
        self.store.record_attendance(&entries, &audit).await?;
        Ok(())
    }

    /// Moves a graduate one step on: invited, in training, a mentor (naming the member they
    /// became, a mentor of the agency), or declined.
    pub async fn advance_graduate(
        &self,
        actor: &Actor,
        id: Uuid,
        person: PersonId,
        stage: &str,
        member: &str,
    ) -> ServiceResult<PipelineStep> {
        let cohort = self.own_cohort(actor, id, "mentoring: life change pipeline").await?;
        let mut errors = ValidationErrors::default();
        let Some(next) = PipelineStage::parse(stage) else {
            errors.push(FieldError::new("stage", "error.life_change.out_of_order"));
            return Err(errors.into());
        };
        let participants = self.store.participants(cohort.id).await?;
        if !participants.iter().any(|p| p.person == person) {
            return Err(ServiceError::NotFound);
        }
        let member = if member.trim().is_empty() {
            None
        } else {
            let id = MemberId::parse(member.trim()).ok();
            let found = match id {
                Some(id) => self.store.member(id).await?,
                None => None,
            };
            match found {
                Some(m) if m.agency_id == actor.agency_id && m.roles.contains(&crate::access::Role::Mentor) => {
                    Some(m.id)
                }
                _ => {
                    errors.push(FieldError::new("member", "error.life_change.member_missing"));
                    return Err(errors.into());
                }
            }
        };
        let today = self.today();
        let marks = self.store.attendance(cohort.id).await?;
        let record = self.store.offence_record(person).await?;
        let graduated = graduation(&cohort, person, &marks, &record, today).status == GraduationStatus::Graduated;
        let steps = self.store.pipeline_steps(actor.agency_id).await?;
        let current = steps.iter().rfind(|s| s.person == person && s.cohort == cohort.id).map(|s| s.stage);
        let stage = advance(current, next, graduated, member.is_some())?;
        let now = self.clock.now();
        let step = PipelineStep {
            id: crate::ids::new_v7(now),
            agency: actor.agency_id,
            person,
            cohort: cohort.id,
            stage,
            member: member.filter(|_| stage == PipelineStage::Mentor),
            on: today,
            by: actor.member_id,
            at: now,
        };
        let audit = AuditEntry::new(
            actor,
            now,
            Some(person),
            AuditAction::Update,
            "mentoring: life change pipeline",
            participation_basis(cohort.id),
        );
        self.store.add_pipeline_step(&step, &[audit]).await?;
        Ok(step)
    }

    /// The pipeline: every graduate of the agency's cohorts with where they stand.
    pub async fn pipeline(&self, actor: &Actor) -> ServiceResult<Pipeline> {
        self.coordinator(actor, "mentoring: life change pipeline").await?;
        let today = self.today();
        let now = self.clock.now();
        let steps = self.store.pipeline_steps(actor.agency_id).await?;
        let mut pipeline = Pipeline::default();
        let mut audit = Vec::new();
        for cohort in self.store.cohorts_of_agency(actor.agency_id).await? {
            let marks = self.store.attendance(cohort.id).await?;
            for participant in self.store.participants(cohort.id).await? {
                let step = steps.iter().rfind(|s| s.person == participant.person && s.cohort == cohort.id);
                if step.is_none() {
                    let record = self.store.offence_record(participant.person).await?;
                    let status = graduation(&cohort, participant.person, &marks, &record, today).status;
                    if status != GraduationStatus::Graduated {
                        continue;
                    }
                }
                let Some(person) = self.store.person(participant.person).await? else { continue };
                audit.push(AuditEntry::new(
                    actor,
                    now,
                    Some(participant.person),
                    AuditAction::Listed,
                    "mentoring: life change pipeline",
                    participation_basis(cohort.id),
                ));
                let line = PipelineLine {
                    person: participant.person,
                    name: person.display_name(),
                    cohort: cohort.id,
                    cohort_name: cohort.name.clone(),
                    stage: step.map(|s| s.stage),
                    since: step.map(|s| s.on),
                    member: step.and_then(|s| s.member),
                };
                match line.stage {
                    None | Some(PipelineStage::Invited) => pipeline.graduates.push(line),
                    Some(PipelineStage::InTraining) => pipeline.in_training.push(line),
                    Some(PipelineStage::Mentor) => pipeline.mentors.push(line),
                    Some(PipelineStage::Declined) => {}
                }
            }
        }
        self.store.append(&audit).await?;
        Ok(pipeline)
    }

    /// The agency's mentor members, for naming whom a graduate became.
    pub async fn mentor_members(&self, actor: &Actor) -> ServiceResult<Vec<(MemberId, String)>> {
        self.coordinator(actor, "mentoring: life change pipeline").await?;
        Ok(self
            .store
            .members()
            .await?
            .into_iter()
            .filter(|m| m.agency_id == actor.agency_id && m.roles.contains(&crate::access::Role::Mentor) && !m.disabled)
            .map(|m| (m.id, m.display_name))
            .collect())
    }

    /// For a member of the person's team: the person's name and the cohorts they take or took
    /// part in (audited).
    pub async fn participation(
        &self,
        actor: &Actor,
        person: PersonId,
    ) -> ServiceResult<(String, Vec<LifeChangeCohort>)> {
        let now = self.clock.now();
        let what = "mentoring: life change enrolment";
        let found =
            authorise_person(self.store, actor, person, Permission::WorkOnPlan, what, now, self.today()).await?;
        self.store.append(&[AuditEntry::granted(actor, now, person, AuditAction::Read, what, &found.grant)]).await?;
        Ok((found.person.display_name(), self.store.cohorts_of_person(person).await?))
    }

    /// The agency's own group programmes in the catalogue, which a cohort may run.
    pub async fn group_programmes(&self, actor: &Actor) -> ServiceResult<Vec<(InterventionId, String)>> {
        self.coordinator(actor, "mentoring: life change cohort").await?;
        Ok(self
            .store
            .provider_interventions(actor.agency_id)
            .await?
            .into_iter()
            .filter(|i| i.active && matches!(i.format, Format::Group { .. }))
            .map(|i| (i.id, i.name))
            .collect())
    }
}
