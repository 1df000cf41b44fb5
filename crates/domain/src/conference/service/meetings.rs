//! The case conference meetings: the agenda of the day (as each agency may see it), putting
//! accepted requests on it within the quota, attendance, minutes per person, and closing,
//! which puts the decisions on each person's one plan.

use crate::access::{Actor, Permission, Restriction, authorise};
use crate::audit::{AuditAction, AuditEntry};
use crate::conference::ports::{ConferenceWrite, StoredMeeting};
use crate::conference::service::{ConferencePorts, Conferences, Teller, TriageLine, refused};
use crate::conference::{
    ConferenceError, Meeting, MeetingCommand, MeetingEffect, MeetingInput, MeetingView, MinutesInput, MinutesView,
    NewMeeting, TriageCommand, booked_on, first_meeting_with_room, meeting_view_for, parse_agencies,
};
use crate::ids::{AgencyId, ConferenceRequestId, MeetingId, MemberId, PersonId, new_v7};
use crate::plan::PlanCommand;
use crate::plan::service::team_agencies;
use crate::service::{ServiceError, ServiceResult, authorise_person, require};
use crate::validation::{FieldError, invalid};
use jiff::civil::Date;
use std::collections::{BTreeMap, BTreeSet};

/// How many meetings ahead the conference list shows.
const MEETINGS_AHEAD: u32 = 60;

/// A meeting on the conference list: no persons named, only how many the viewer may see.
#[derive(Debug, Clone)]
pub struct MeetingLine {
    pub meeting: Meeting,
    pub visible_persons: usize,
}

/// One meeting as the actor's agency may see it.
#[derive(Debug, Clone)]
pub struct MeetingFile {
    /// The meeting with its agenda left out (use `view`): even the number of persons the
    /// viewer may not see is personal data.
    pub meeting: Meeting,
    pub version: i64,
    pub view: MeetingView,
    pub names: BTreeMap<PersonId, String>,
    /// The agencies on each shown person's team today: who a decision can go to.
    pub teams: BTreeMap<PersonId, BTreeSet<AgencyId>>,
    /// For a chair of a planned meeting: accepted requests that can go on this agenda.
    pub schedulable: Vec<TriageLine>,
    /// The quota of the meeting's day is reached (across the day's meetings).
    pub day_full: bool,
}

/// Of `ahead` (the meetings from today on), those an accepted request may go to: on or after
/// its triage, planned, on a day whose agenda has room (the quota is per day).
pub fn meetings_for(request: &crate::conference::ConferenceRequest, ahead: &[Meeting]) -> Vec<Meeting> {
    ahead
        .iter()
        .filter(|m| m.date >= request.triage_on && m.has_room(booked_on(ahead, m.date, m.id)))
        .map(without_agenda)
        .collect()
}

/// A meeting that discussed a person, for the person's conference page.
#[derive(Debug, Clone)]
pub struct DiscussedAt {
    pub meeting: MeetingId,
    pub date: Date,
    pub location: String,
    pub minutes: Option<MinutesView>,
}

fn without_agenda(meeting: &Meeting) -> Meeting {
    Meeting { agenda: Vec::new(), ..meeting.clone() }
}

impl<S: ConferencePorts> Conferences<'_, S> {
    async fn stored_meeting(&self, id: MeetingId) -> ServiceResult<StoredMeeting> {
        self.store.meeting(id).await?.ok_or(ServiceError::NotFound)
    }

    /// The meetings that discussed the person, newest first, as the actor's agency may see
    /// them. Not audited here: callers show it within a read of the person they audit.
    pub async fn discussed(&self, actor: &Actor, person: PersonId) -> ServiceResult<Vec<DiscussedAt>> {
        let viewer = actor.agency_id;
        Ok(self
            .store
            .meetings_of(person)
            .await?
            .into_iter()
            .filter_map(|stored| {
                let view = meeting_view_for(&stored.meeting, viewer);
                let item = view.items.into_iter().find(|i| i.person == person)?;
                Some(DiscussedAt {
                    meeting: view.meeting,
                    date: view.date,
                    location: view.location,
                    minutes: item.minutes,
                })
            })
            .collect())
    }

    /// Meetings from today on, earliest first (today's are the agenda of the day). A Safety
    /// House (or IOM hub) sees the meetings its own members chair and those it is invited to,
    /// so two of them in one deployment each see their own; partners see every meeting, with
    /// only the persons they may see.
    pub async fn meetings(&self, actor: &Actor) -> ServiceResult<Vec<MeetingLine>> {
        require(actor, Permission::ViewPerson)?;
        let viewer = actor.agency_id;
        let stored = self.store.meetings_from(self.today(), MEETINGS_AHEAD).await?;
        let agencies = self.store.agencies().await?;
        let is_house = agencies.iter().any(|a| a.id == viewer && a.kind == crate::directory::AgencyKind::SafetyHouse);
        let mut chaired_here = std::collections::BTreeMap::new();
        if is_house {
            for s in &stored {
                if let std::collections::btree_map::Entry::Vacant(entry) = chaired_here.entry(s.meeting.chair) {
                    let agency = self.store.member(s.meeting.chair).await?.map(|m| m.agency_id);
                    entry.insert(agency == Some(viewer));
                }
            }
        }
        Ok(stored
            .into_iter()
            .filter(|s| {
                !is_house || s.meeting.invited.contains(&viewer) || chaired_here.get(&s.meeting.chair) == Some(&true)
            })
            .map(|s| MeetingLine {
                visible_persons: meeting_view_for(&s.meeting, viewer).items.len(),
                meeting: without_agenda(&s.meeting),
            })
            .collect())
    }

    /// Plans a meeting with the pack's agenda quota; no earlier than today.
    pub async fn plan_meeting(&self, actor: &Actor, input: &MeetingInput) -> ServiceResult<Meeting> {
        crate::service::require_audited(
            self.store,
            actor,
            Permission::ChairConference,
            "conference: plan a meeting",
            self.clock.now(),
        )
        .await?;
        let now = self.clock.now();
        let mut errors = crate::validation::ValidationErrors::default();
        let date = match crate::validation::parse_date("date", &input.date) {
            Ok(date) if date < self.today() => {
                errors.push(FieldError::new("date", "error.conference.date_past"));
                None
            }
            Ok(date) => Some(date),
            Err(error) => {
                errors.push(error);
                None
            }
        };
        let invited = parse_agencies("invited", &input.invited).map_err(|e| errors.push(e)).ok();
        let (Some(date), Some(invited)) = (date, invited) else { return Err(ServiceError::Invalid(errors)) };
        self.known_agencies(&invited).await?;
        let new = NewMeeting {
            id: MeetingId(new_v7(now)),
            date,
            location: input.location.clone(),
            chair: actor.member_id,
            invited,
        };
        let (meeting, effects) = Meeting::plan(new, &self.pack.conference).map_err(|e| refused(&e))?;
        let safety_houses = self.safety_houses().await?;
        let outbox = Teller { by: actor.member_id, at: now, safety_houses: &safety_houses }.meeting(&meeting, &effects);
        self.store
            .write_conference(&ConferenceWrite { meetings: vec![(&meeting, 1)], outbox, ..Default::default() })
            .await?;
        Ok(meeting)
    }

    /// The meeting as the actor's agency may see it; each person shown is audited.
    pub async fn meeting_file(&self, actor: &Actor, id: MeetingId) -> ServiceResult<MeetingFile> {
        require(actor, Permission::ViewPerson)?;
        let stored = self.stored_meeting(id).await?;
        let now = self.clock.now();
        let today = self.today();
        let view = meeting_view_for(&stored.meeting, actor.agency_id);
        let mut names = BTreeMap::new();
        let mut teams = BTreeMap::new();
        let mut audit = Vec::new();
        for item in &view.items {
            let person = item.person;
            let team = self.store.team(person).await?;
            let Ok(grant) = authorise(actor, Permission::ViewPerson, &team, today) else { continue };
            let Some(found) = self.store.person(person).await? else { continue };
            audit.push(AuditEntry::granted(actor, now, person, AuditAction::Listed, "conference: agenda", &grant));
            names.insert(item.person, found.display_name());
            teams.insert(item.person, team_agencies(&team, today));
        }
        self.store.append(&audit).await?;
        let view =
            MeetingView { items: view.items.into_iter().filter(|i| names.contains_key(&i.person)).collect(), ..view };
        let booked = self.booked_elsewhere(&stored.meeting).await?;
        let day_full = stored.meeting.status.is_planned() && !stored.meeting.has_room(booked);
        let schedulable = if actor.can(Permission::ChairConference) && stored.meeting.has_room(booked) {
            let on_agenda: BTreeSet<PersonId> = stored.meeting.agenda.iter().map(|i| i.person).collect();
            // Only requests that may go to this meeting: accepted, triaged on or before its date.
            self.triage_list(actor)
                .await?
                .into_iter()
                .filter(|l| l.request.status.name() == "accepted" && !on_agenda.contains(&l.request.person))
                .filter(|l| l.request.triage_on <= stored.meeting.date)
                .collect()
        } else {
            Vec::new()
        };
        Ok(MeetingFile {
            meeting: without_agenda(&stored.meeting),
            version: stored.version,
            view,
            names,
            teams,
            schedulable,
            day_full,
        })
    }

    /// Persons on the other planned meetings of the meeting's day (the quota is per day).
    async fn booked_elsewhere(&self, meeting: &Meeting) -> ServiceResult<usize> {
        let same_day: Vec<Meeting> =
            self.store.meetings_from(meeting.date, MEETINGS_AHEAD).await?.into_iter().map(|s| s.meeting).collect();
        Ok(booked_on(&same_day, meeting.date, meeting.id))
    }

    /// The planned meetings from today on (at most the list's reach), read once for the
    /// triage list's scheduling choices.
    pub(super) async fn meetings_ahead(&self) -> ServiceResult<Vec<Meeting>> {
        Ok(self.store.meetings_from(self.today(), MEETINGS_AHEAD).await?.into_iter().map(|s| s.meeting).collect())
    }

    /// Puts an accepted request's person on the agenda, scheduling the request; refused when
    /// the agenda is full, naming the next meeting with room.
    pub async fn add_to_agenda(&self, actor: &Actor, id: MeetingId, request: ConferenceRequestId) -> ServiceResult<()> {
        crate::service::require_audited(
            self.store,
            actor,
            Permission::ChairConference,
            "conference: put on the agenda",
            self.clock.now(),
        )
        .await?;
        let what = "conference: put on the agenda";
        let stored = self.stored_meeting(id).await?;
        let stored_request = self
            .store
            .conference_request(request)
            .await?
            .ok_or_else(|| invalid(FieldError::new("request", "error.conference.unknown_request")))?;
        let person = stored_request.request.person;
        let now = self.clock.now();
        let today = self.today();
        let found = authorise_person(self.store, actor, person, Permission::ChairConference, what, now, today).await?;
        let command = MeetingCommand::AddToAgenda {
            person: stored_request.request.person,
            request: Some(request),
            team: team_agencies(&found.team, today),
            restriction: Restriction::Team,
            booked_elsewhere: self.booked_elsewhere(&stored.meeting).await?,
        };
        let date = stored.meeting.date;
        let (meeting, effects) = match stored.meeting.apply(command, now) {
            Ok(applied) => applied,
            Err(ConferenceError::AgendaFull { quota }) => return Err(self.agenda_full(quota, date).await?),
            Err(other) => return Err(refused(&other)),
        };
        let safety_houses = self.safety_houses().await?;
        let teller = Teller { by: actor.member_id, at: now, safety_houses: &safety_houses };
        let mut changed_request = stored_request.request;
        let mut outbox = teller.meeting(&meeting, &effects);
        for effect in effects {
            if let MeetingEffect::RequestScheduled { meeting, meeting_on, .. } = effect {
                let command = TriageCommand::Schedule { meeting, meeting_on };
                let triage_effects;
                (changed_request, triage_effects) = changed_request.apply(command, now).map_err(|e| refused(&e))?;
                outbox.extend(teller.triage(&changed_request, &triage_effects));
            }
        }
        let write = ConferenceWrite {
            requests: vec![(&changed_request, stored_request.version + 1)],
            meetings: vec![(&meeting, stored.version + 1)],
            audit: vec![AuditEntry::granted(actor, now, person, AuditAction::Update, what, &found.grant)],
            outbox,
            ..Default::default()
        };
        self.store.write_conference(&write).await?;
        Ok(())
    }

    async fn agenda_full(&self, quota: usize, from: Date) -> ServiceResult<ServiceError> {
        let meetings: Vec<Meeting> =
            self.store.meetings_from(from, MEETINGS_AHEAD).await?.into_iter().map(|s| s.meeting).collect();
        let error = match first_meeting_with_room(&meetings, from) {
            Some(next) => FieldError::new("meeting", "error.conference.agenda_full_next")
                .with("quota", quota)
                .with("next", next.date),
            None => FieldError::new("meeting", "error.conference.agenda_full").with("quota", quota),
        };
        Ok(invalid(error))
    }

    /// Records who of the invited agencies' members were present (`present` holds member ids).
    pub async fn record_attendance(&self, actor: &Actor, id: MeetingId, present: &[String]) -> ServiceResult<()> {
        crate::service::require_audited(
            self.store,
            actor,
            Permission::ChairConference,
            "conference: attendance",
            self.clock.now(),
        )
        .await?;
        let stored = self.stored_meeting(id).await?;
        let now = self.clock.now();
        let present: BTreeSet<MemberId> = present.iter().filter_map(|m| m.trim().parse().ok()).collect();
        let mut meeting = stored.meeting;
        for member in self.store.members().await? {
            if member.disabled || !meeting.invited.contains(&member.agency_id) {
                continue;
            }
            let command = MeetingCommand::RecordAttendance {
                member: member.id,
                agency: member.agency_id,
                present: present.contains(&member.id),
            };
            meeting = meeting.apply(command, now).map_err(|e| refused(&e))?.0;
        }
        let write = ConferenceWrite { meetings: vec![(&meeting, stored.version + 1)], ..Default::default() };
        self.store.write_conference(&write).await?;
        Ok(())
    }

    /// The chair records the analysis, strategy and decisions for one person on the agenda.
    pub async fn record_minutes(
        &self,
        actor: &Actor,
        id: MeetingId,
        person: PersonId,
        input: &MinutesInput,
    ) -> ServiceResult<()> {
        crate::service::require_audited(
            self.store,
            actor,
            Permission::ChairConference,
            "conference: minutes",
            self.clock.now(),
        )
        .await?;
        let what = "conference: minutes";
        let stored = self.stored_meeting(id).await?;
        let now = self.clock.now();
        let today = self.today();
        let found = authorise_person(self.store, actor, person, Permission::ChairConference, what, now, today).await?;
        let minutes = input.parse(now, today)?;
        // The team as it is now: an agency that joined since scheduling can own a decision.
        let command = MeetingCommand::RecordMinutes { person, minutes, team: team_agencies(&found.team, today) };
        let (meeting, _) = stored.meeting.apply(command, now).map_err(|e| refused(&e))?;
        let write = ConferenceWrite {
            meetings: vec![(&meeting, stored.version + 1)],
            audit: vec![AuditEntry::granted(actor, now, person, AuditAction::Update, what, &found.grant)],
            ..Default::default()
        };
        self.store.write_conference(&write).await?;
        Ok(())
    }

    /// Closes the meeting and puts every decision on the person's plan (drafting a plan where
    /// there is none), all in one transaction with the meeting: a decision that no longer fits
    /// (its agency left the team), or a plan changed meanwhile, refuses the close and nothing is
    /// written.
    pub async fn close(&self, actor: &Actor, id: MeetingId) -> ServiceResult<()> {
        crate::service::require_audited(
            self.store,
            actor,
            Permission::ChairConference,
            "conference: close",
            self.clock.now(),
        )
        .await?;
        let stored = self.stored_meeting(id).await?;
        let now = self.clock.now();
        let command = MeetingCommand::Close { today: self.today() };
        let (meeting, effects) = stored.meeting.apply(command, now).map_err(|e| refused(&e))?;
        let mut per_person: BTreeMap<PersonId, Vec<PlanCommand>> =
            meeting.agenda.iter().map(|i| (i.person, Vec::new())).collect();
        for (person, command) in effects.iter().filter_map(PlanCommand::from_meeting_effect) {
            per_person.entry(person).or_default().push(command);
        }
        let plans = self.plans();
        let safety_houses = self.safety_houses().await?;
        let teller = Teller { by: actor.member_id, at: now, safety_houses: &safety_houses };
        let mut outbox = teller.meeting(&meeting, &effects);
        let mut audit = Vec::new();
        let mut plan_writes = Vec::new();
        for (person, commands) in &per_person {
            let person = *person;
            let (write, plan_effects, found) = plans.decisions_write(actor, person, commands).await?;
            let grant = &found.grant;
            audit.push(AuditEntry::granted(actor, now, person, AuditAction::Update, "conference: closed", grant));
            if let Some((_, plan)) = write.steps.last() {
                outbox.extend(teller.decisions(&meeting, plan, &plan_effects));
                let what = "plan: conference decisions";
                audit.push(AuditEntry::granted(actor, now, person, AuditAction::Update, what, grant));
                plan_writes.push(write);
            }
        }
        // Each request that put a person on the agenda now reads "discussed".
        let mut requests = Vec::new();
        for effect in &effects {
            if let MeetingEffect::RequestDiscussed { request } = effect
                && let Some(stored) = self.store.conference_request(*request).await?
            {
                let (changed, _) = stored.request.apply(TriageCommand::Discussed, now).map_err(|e| refused(&e))?;
                requests.push((changed, stored.version + 1));
            }
        }
        let write = ConferenceWrite {
            requests: requests.iter().map(|(r, v)| (r, *v)).collect(),
            meetings: vec![(&meeting, stored.version + 1)],
            plans: plan_writes,
            audit,
            outbox,
            ..Default::default()
        };
        self.store.write_conference(&write).await?;
        Ok(())
    }

    /// Cancels a planned meeting, with the reason; the requests on its agenda are accepted
    /// again and wait for another meeting. Each person on the agenda is audited.
    pub async fn cancel(&self, actor: &Actor, id: MeetingId, reason: &str) -> ServiceResult<()> {
        crate::service::require_audited(
            self.store,
            actor,
            Permission::ChairConference,
            "conference: cancel",
            self.clock.now(),
        )
        .await?;
        let stored = self.stored_meeting(id).await?;
        let now = self.clock.now();
        let command = MeetingCommand::Cancel { reason: reason.to_owned() };
        let (meeting, effects) = stored.meeting.clone().apply(command, now).map_err(|e| refused(&e))?;
        let persons: Vec<PersonId> = stored.meeting.agenda.iter().map(|i| i.person).collect();
        self.write_unscheduled(
            actor,
            (&meeting, stored.version + 1),
            &effects,
            &persons,
            "conference: meeting cancelled",
        )
        .await
    }

    /// Takes a person off a planned meeting's agenda, with the reason; their request is
    /// accepted again and waits for another meeting.
    pub async fn remove_from_agenda(
        &self,
        actor: &Actor,
        id: MeetingId,
        person: PersonId,
        reason: &str,
    ) -> ServiceResult<()> {
        crate::service::require_audited(
            self.store,
            actor,
            Permission::ChairConference,
            "conference: take off the agenda",
            self.clock.now(),
        )
        .await?;
        let stored = self.stored_meeting(id).await?;
        let now = self.clock.now();
        let command = MeetingCommand::RemoveFromAgenda { person, reason: reason.to_owned() };
        let (meeting, effects) = stored.meeting.apply(command, now).map_err(|e| refused(&e))?;
        self.write_unscheduled(
            actor,
            (&meeting, stored.version + 1),
            &effects,
            &[person],
            "conference: taken off the agenda",
        )
        .await
    }

    /// Writes the changed meeting with the requests its effects unschedule, auditing `persons`.
    async fn write_unscheduled(
        &self,
        actor: &Actor,
        meeting: (&Meeting, i64),
        effects: &[MeetingEffect],
        persons: &[PersonId],
        what: &str,
    ) -> ServiceResult<()> {
        let now = self.clock.now();
        let today = self.today();
        let mut audit = Vec::new();
        for person in persons {
            let found =
                authorise_person(self.store, actor, *person, Permission::ChairConference, what, now, today).await?;
            audit.push(AuditEntry::granted(actor, now, *person, AuditAction::Update, what, &found.grant));
        }
        let safety_houses = self.safety_houses().await?;
        let teller = Teller { by: actor.member_id, at: now, safety_houses: &safety_houses };
        let mut outbox = teller.meeting(meeting.0, effects);
        let mut requests = Vec::new();
        for effect in effects {
            if let MeetingEffect::RequestUnscheduled { request, reason } = effect {
                let Some(stored) = self.store.conference_request(*request).await? else { continue };
                let command = TriageCommand::Unschedule { by: actor.member_id, reason: reason.clone() };
                let (changed, triage_effects) = stored.request.apply(command, now).map_err(|e| refused(&e))?;
                outbox.extend(teller.triage(&changed, &triage_effects));
                requests.push((changed, stored.version + 1));
            }
        }
        let write = ConferenceWrite {
            requests: requests.iter().map(|(r, v)| (r, *v)).collect(),
            meetings: vec![meeting],
            audit,
            outbox,
            ..Default::default()
        };
        self.store.write_conference(&write).await?;
        Ok(())
    }
}
