//! A person's Life Change progress — the cohorts they take part in, each appointment with
//! whether they came, and where they stand — for whoever the pages let see it: their mentor
//! (an active match, the person's consent), the coordinator of the agency running the cohort
//! (the person's consent to take part), or a member of their team. A mentor sees the
//! graduation status only when the person consented to their offences being seen, since a
//! new proven offence is one reason not to graduate. Every read is audited, refusals too.

use super::life_change::participation_basis;
use super::{Mentoring, consent_basis};
use crate::access::{Actor, Denial, Permission, Role};
use crate::audit::{AuditAction, AuditEntry, AuditLog};
use crate::directory::DirectoryStore;
use crate::ids::PersonId;
use crate::mentoring::model::life_change::{LifeChangeCohort, PipelineStage};
use crate::mentoring::ports::{LifeChangeStore, MentoringStore};
use crate::mentoring::workflow::coordinates_mentors;
use crate::mentoring::workflow::graduation::{Graduation, graduation};
use crate::people::ports::PeopleStore;
use crate::service::{ServiceError, ServiceResult, authorise_person};
use std::collections::BTreeMap;
use uuid::Uuid;

/// One cohort as the person took part in it.
#[derive(Debug, Clone)]
pub struct CohortProgress {
    pub cohort: LifeChangeCohort,
    /// The programme week today falls in.
    pub week: Option<i16>,
    /// Per appointment registered: attended or not.
    pub marks: BTreeMap<Uuid, bool>,
    /// `None` for a mentor the person did not let see offences.
    pub graduation: Option<Graduation>,
    pub stage: Option<PipelineStage>,
}

#[derive(Debug, Clone)]
pub struct LifeChangeProgress {
    pub person: PersonId,
    pub name: String,
    pub cohorts: Vec<CohortProgress>,
}

/// On what the reader sees the person's progress.
enum Reader {
    /// Their mentor; whether offences were consented to.
    Mentor {
        basis: String,
        offences: bool,
    },
    Coordinator,
    Team {
        basis: String,
    },
}

impl<S: MentoringStore + LifeChangeStore + PeopleStore + AuditLog + DirectoryStore> Mentoring<'_, S> {
    /// Who `actor` is to the person, or the refusal (audited).
    async fn progress_reader(&self, actor: &Actor, person: PersonId, what: &str) -> ServiceResult<Reader> {
        let today = self.today();
        if actor.roles.contains(&Role::Mentor) {
            let matched = self.store.matches_of_mentor(actor.member_id).await?;
            if let Some(m) = matched.iter().find(|m| m.person == person && m.is_active(today)) {
                return Ok(Reader::Mentor { basis: consent_basis(m), offences: m.consented.offences });
            }
        }
        let agencies = self.store.agencies().await?;
        let kind = agencies.iter().find(|a| a.id == actor.agency_id).map(|a| a.kind);
        if kind.is_some_and(|k| coordinates_mentors(actor, k))
            && self.store.cohorts_of_person(person).await?.iter().any(|c| c.agency == actor.agency_id)
        {
            return Ok(Reader::Coordinator);
        }
        if actor.roles.contains(&Role::Mentor) && !actor.can(Permission::WorkOnPlan) {
            return Err(self.deny(actor, Some(person), what, Denial::NotOnTeam).await);
        }
        let found =
            authorise_person(self.store, actor, person, Permission::WorkOnPlan, what, self.clock.now(), today).await?;
        Ok(Reader::Team { basis: found.grant.summary() })
    }

    /// The person's Life Change cohorts with their attendance and where they stand.
    pub async fn life_change_progress(&self, actor: &Actor, person: PersonId) -> ServiceResult<LifeChangeProgress> {
        let what = "mentoring: life change progress";
        let reader = self.progress_reader(actor, person, what).await?;
        let found = self.store.person(person).await?.ok_or(ServiceError::NotFound)?;
        let today = self.today();
        let now = self.clock.now();
        let mut cohorts = Vec::new();
        let mut audit = Vec::new();
        for cohort in self.store.cohorts_of_person(person).await? {
            // A coordinator sees the cohorts their own agency runs, nobody else's.
            if matches!(reader, Reader::Coordinator) && cohort.agency != actor.agency_id {
                continue;
            }
            let basis = match &reader {
                Reader::Mentor { basis, .. } | Reader::Team { basis } => basis.clone(),
                Reader::Coordinator => participation_basis(cohort.id),
            };
            audit.push(AuditEntry::new(actor, now, Some(person), AuditAction::Read, what, basis));
            let register = self.store.attendance(cohort.id).await?;
            let marks = register
                .iter()
                .filter(|m| m.person == person)
                .fold(BTreeMap::new(), |mut marks: BTreeMap<Uuid, (jiff::Timestamp, bool)>, m| {
                    let newer = marks.get(&m.appointment).is_none_or(|(at, _)| *at <= m.recorded_at);
                    if newer {
                        marks.insert(m.appointment, (m.recorded_at, m.attended));
                    }
                    marks
                })
                .into_iter()
                .map(|(a, (_, attended))| (a, attended))
                .collect();
            let shows_graduation = !matches!(reader, Reader::Mentor { offences: false, .. });
            let graduation = if shows_graduation {
                let record = self.store.offence_record(person).await?;
                Some(graduation(&cohort, person, &register, &record, today))
            } else {
                None
            };
            let steps = self.store.pipeline_steps(cohort.agency).await?;
            let stage = steps.iter().rfind(|s| s.person == person && s.cohort == cohort.id).map(|s| s.stage);
            cohorts.push(CohortProgress { week: cohort.week(today), marks, graduation, stage, cohort });
        }
        if audit.is_empty() {
            audit.push(AuditEntry::new(actor, now, Some(person), AuditAction::Read, what, "no cohorts"));
        }
        self.store.append(&audit).await?;
        Ok(LifeChangeProgress { person, name: found.display_name(), cohorts })
    }
}
