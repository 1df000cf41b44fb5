//! Short intensive case management on a person's pages: start an episode with its time box,
//! intensity and case manager; log contacts, extend it, close it.

use crate::access::{Actor, Permission};
use crate::audit::{AuditAction, AuditLog};
use crate::directory::DirectoryStore;
use crate::ids::{EpisodeId, MemberId, PersonId, new_v7};
use crate::measures::model::parse;
use crate::measures::ports::{MeasureStore, Stored};
use crate::measures::service::Measures;
use crate::measures::service::events::episode_events;
use crate::measures::{
    CONTACT_KINDS, Episode, EpisodeAction, EpisodeCommand, EpisodeError, EpisodeInput, NewEpisode, episode_field_error,
    may_manage_episode,
};
use crate::people::ports::PeopleStore;
use crate::plan::service::team_agencies;
use crate::service::{ServiceError, ServiceResult};
use crate::validation::{FieldError, ValidationErrors, invalid};

/// The value, or its problems added to `errors`.
fn collect<T>(errors: &mut ValidationErrors, result: ServiceResult<T>) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(ServiceError::Invalid(problems)) => {
            errors.0.extend(problems.0);
            None
        }
        Err(_) => None,
    }
}

fn refused(error: EpisodeError) -> ServiceError {
    invalid(episode_field_error(&error))
}

impl<S: PeopleStore + AuditLog + DirectoryStore + MeasureStore> Measures<'_, S> {
    /// Starts an episode; the case manager must work for an agency on the person's team.
    pub async fn start_episode(&self, actor: &Actor, person: PersonId, input: &EpisodeInput) -> ServiceResult<Episode> {
        let what = "episode: start";
        let found = self.authorise(actor, person, Permission::ManagePlan, what).await?;
        let today = self.today();
        // Every problem of the form at once.
        let mut errors = ValidationErrors::default();
        let manager = match input.case_manager.trim().parse::<MemberId>().ok() {
            Some(id) => self.store.member(id).await?,
            None => None,
        };
        let on_team = team_agencies(&found.team, today);
        let manager = manager.filter(|m| on_team.contains(&m.agency_id));
        match &manager {
            None => errors.push(FieldError::new("case_manager", "error.episode.manager_not_on_team")),
            Some(m) if !may_manage_episode(m) => {
                errors.push(FieldError::new("case_manager", "error.episode.manager_not_eligible"))
            }
            Some(_) => {}
        }
        let started_on = if input.started_on.trim().is_empty() {
            Some(today)
        } else {
            collect(&mut errors, parse::date(&input.started_on, "started_on"))
        };
        let weeks = collect(&mut errors, parse::number(&input.weeks, "weeks"));
        let contacts_per_week = collect(&mut errors, parse::number(&input.contacts_per_week, "contacts_per_week"));
        // The pack's limits with the form's other problems, not after them.
        for broken in Episode::limits_broken(weeks, contacts_per_week, &self.pack.episode) {
            errors.push(episode_field_error(&broken));
        }
        let (Some(manager), Some(started_on), Some(weeks), Some(contacts_per_week), true) =
            (manager, started_on, weeks, contacts_per_week, errors.is_empty())
        else {
            return Err(ServiceError::Invalid(errors));
        };
        let new = NewEpisode {
            id: EpisodeId(new_v7(self.now())),
            person,
            case_manager: manager.id,
            started_on,
            weeks,
            contacts_per_week,
        };
        let (episode, effects) = Episode::start(new, &self.pack.episode).map_err(refused)?;
        let agency_of = |member: MemberId| (member == manager.id).then_some(manager.agency_id);
        let outbox = episode_events(&episode, &effects, agency_of, actor.member_id, self.now());
        let audit = self.audited(actor, &[(&found, AuditAction::Create)], what);
        self.save(actor, &episode, 1, "start", audit, &outbox).await?;
        Ok(episode)
    }

    pub async fn change_episode(&self, actor: &Actor, person: PersonId, action: &EpisodeAction) -> ServiceResult<()> {
        let (id, change) = match action {
            EpisodeAction::Contact { episode, .. } => (episode, "log_contact"),
            EpisodeAction::Extend { episode, .. } => (episode, "extend"),
            EpisodeAction::Close { episode, .. } => (episode, "close"),
        };
        let what = format!("episode: {}", change.replace('_', " "));
        let found = self.authorise(actor, person, action.permission(), &what).await?;
        let stored: Stored<Episode> = self.load_for(id, person, "episode").await?;
        let command = match action {
            EpisodeAction::Contact { on, kind, note, .. } => EpisodeCommand::LogContact {
                on: parse::date(on, "on")?,
                by: actor.member_id,
                kind: CONTACT_KINDS
                    .iter()
                    .find(|(code, _)| *code == kind.trim())
                    .map(|(_, k)| *k)
                    .ok_or_else(|| invalid(FieldError::new("kind", "error.episode.contact_kind")))?,
                note: note.clone(),
            },
            EpisodeAction::Extend { extra_weeks, reason, .. } => EpisodeCommand::Extend {
                extra_weeks: parse::number(extra_weeks, "extra_weeks")?,
                reason: reason.clone(),
            },
            EpisodeAction::Close { reason, .. } => EpisodeCommand::Close { reason: reason.clone() },
        };
        let (changed, effects) = stored.value.apply(command, &self.pack.episode, self.today()).map_err(refused)?;
        let manager = self.store.member(changed.case_manager).await?;
        let agency_of = |member: MemberId| manager.as_ref().filter(|m| m.id == member).map(|m| m.agency_id);
        let outbox = episode_events(&changed, &effects, agency_of, actor.member_id, self.now());
        let audit = self.audited(actor, &[(&found, AuditAction::Update)], &what);
        self.save(actor, &changed, stored.version + 1, change, audit, &outbox).await
    }
}
