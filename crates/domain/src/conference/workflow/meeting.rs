//! The case conference meeting: agenda with a quota, attendance, minutes per person.
//!
//! Quota decision: adding a person to a full agenda is an error ([`ConferenceError::AgendaFull`]),
//! never a silent move to another meeting. The process manager sees the refusal and picks the
//! meeting [`first_meeting_with_room`] suggests, so no partner is surprised by a changed date.

use crate::access::Restriction;
use crate::conference::{ConferenceError, PersonMinutes, Strategy};
use crate::ids::{AgencyId, ConferenceRequestId, MeetingId, MemberId, PersonId, TaskId};
use crate::jurisdiction::ConferenceRules;
use crate::plan::TaskKind;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum MeetingStatus {
    Planned,
    Closed { at: Timestamp },
    Cancelled { reason: String },
}

impl MeetingStatus {
    /// Only a planned meeting takes changes (agenda, attendance, minutes, closing,
    /// cancelling); a closed or cancelled one is kept as it is.
    pub fn is_planned(&self) -> bool {
        *self == MeetingStatus::Planned
    }

    fn name(&self) -> &'static str {
        match self {
            MeetingStatus::Planned => "planned",
            MeetingStatus::Closed { .. } => "closed",
            MeetingStatus::Cancelled { .. } => "cancelled",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgendaItem {
    pub person: PersonId,
    pub request: Option<ConferenceRequestId>,
    /// The agencies on this person's team: the only ones who see the item.
    pub team: BTreeSet<AgencyId>,
    /// Narrows visibility of the item itself further (e.g. a domestic-violence case).
    pub restriction: Restriction,
    pub minutes: Option<PersonMinutes>,
}

/// A person taken off the agenda before the meeting, and why (kept for the record).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Removal {
    pub person: PersonId,
    pub request: Option<ConferenceRequestId>,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attendee {
    pub member: MemberId,
    pub agency: AgencyId,
    pub present: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewMeeting {
    pub id: MeetingId,
    pub date: Date,
    pub location: String,
    pub chair: MemberId,
    pub invited: BTreeSet<AgencyId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meeting {
    pub id: MeetingId,
    pub date: Date,
    pub location: String,
    pub chair: MemberId,
    pub invited: BTreeSet<AgencyId>,
    pub quota: usize,
    pub agenda: Vec<AgendaItem>,
    pub attendance: Vec<Attendee>,
    pub status: MeetingStatus,
    /// Persons taken off the agenda, with the reason (absent in meetings stored before).
    #[serde(default)]
    pub removed: Vec<Removal>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum MeetingCommand {
    AddToAgenda {
        person: PersonId,
        request: Option<ConferenceRequestId>,
        team: BTreeSet<AgencyId>,
        restriction: Restriction,
        /// Persons on the other planned meetings of the same day (the quota is per day).
        booked_elsewhere: usize,
    },
    RemoveFromAgenda {
        person: PersonId,
        reason: String,
    },
    RecordAttendance {
        member: MemberId,
        agency: AgencyId,
        present: bool,
    },
    RecordMinutes {
        person: PersonId,
        minutes: PersonMinutes,
        /// The person's team as it is now: decisions and restrictions may name any agency on
        /// it, also one that joined after the person was put on the agenda.
        team: BTreeSet<AgencyId>,
    },
    /// Closing on `today`: not before the meeting's date.
    Close {
        today: Date,
    },
    Cancel {
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum MeetingEffect {
    /// The request that asked for this conference is now scheduled: apply
    /// `TriageCommand::Schedule { meeting, meeting_on }` to it.
    RequestScheduled {
        request: ConferenceRequestId,
        meeting: MeetingId,
        meeting_on: Date,
    },
    InviteAgencies {
        meeting: MeetingId,
        agencies: BTreeSet<AgencyId>,
    },
    /// A decision becomes a task on the person's plan.
    CreateTask {
        person: PersonId,
        task: TaskId,
        description: String,
        kind: TaskKind,
        owner: AgencyId,
        owner_member: Option<MemberId>,
        due: Date,
        restriction: Restriction,
    },
    StrategyAgreed {
        person: PersonId,
        strategy: Strategy,
    },
    NotifyCancelled {
        meeting: MeetingId,
        agencies: BTreeSet<AgencyId>,
        reason: String,
    },
    /// The request that put a person on the agenda waits for another meeting: apply
    /// `TriageCommand::Unschedule` to it.
    RequestUnscheduled {
        request: ConferenceRequestId,
        reason: String,
    },
    /// The meeting closed with the person discussed: apply `TriageCommand::Discussed` to the
    /// request that put them on the agenda.
    RequestDiscussed {
        request: ConferenceRequestId,
    },
}

type Applied = Result<(Meeting, Vec<MeetingEffect>), ConferenceError>;

impl Meeting {
    pub fn plan(new: NewMeeting, rules: &ConferenceRules) -> Applied {
        if new.location.trim().is_empty() {
            return Err(ConferenceError::MissingLocation);
        }
        if new.invited.is_empty() {
            return Err(ConferenceError::NoAgenciesInvited);
        }
        let meeting = Meeting {
            id: new.id,
            date: new.date,
            location: new.location.trim().to_owned(),
            chair: new.chair,
            invited: new.invited,
            quota: rules.persons_per_day,
            agenda: Vec::new(),
            attendance: Vec::new(),
            status: MeetingStatus::Planned,
            removed: Vec::new(),
        };
        let effects = vec![MeetingEffect::InviteAgencies { meeting: meeting.id, agencies: meeting.invited.clone() }];
        Ok((meeting, effects))
    }

    /// Room on the agenda of the day: the quota is per day, so the persons on the other
    /// planned meetings of the same day (`booked_elsewhere`) count too.
    pub fn has_room(&self, booked_elsewhere: usize) -> bool {
        self.status.is_planned() && self.agenda.len() + booked_elsewhere < self.quota
    }

    fn item_mut(&mut self, person: PersonId) -> Result<&mut AgendaItem, ConferenceError> {
        self.agenda.iter_mut().find(|i| i.person == person).ok_or(ConferenceError::NotOnAgenda(person))
    }

    pub fn apply(mut self, command: MeetingCommand, now: Timestamp) -> Applied {
        if !self.status.is_planned() {
            return Err(ConferenceError::NotPlanned(self.status.name()));
        }
        let mut effects = Vec::new();
        match command {
            MeetingCommand::AddToAgenda { person, request, team, restriction, booked_elsewhere } => {
                if self.agenda.iter().any(|i| i.person == person) {
                    return Err(ConferenceError::AlreadyOnAgenda(person));
                }
                if !self.has_room(booked_elsewhere) {
                    return Err(ConferenceError::AgendaFull { quota: self.quota });
                }
                if team.is_empty() {
                    return Err(ConferenceError::EmptyTeam);
                }
                if let Some(request) = request {
                    effects.push(MeetingEffect::RequestScheduled { request, meeting: self.id, meeting_on: self.date });
                }
                self.agenda.push(AgendaItem { person, request, team, restriction, minutes: None });
            }
            MeetingCommand::RemoveFromAgenda { person, reason } => {
                let request = self.item_mut(person)?.request;
                let reason = reason.trim().to_owned();
                if reason.is_empty() {
                    return Err(ConferenceError::RemoveNeedsReason);
                }
                if let Some(request) = request {
                    effects.push(MeetingEffect::RequestUnscheduled { request, reason: reason.clone() });
                }
                self.agenda.retain(|i| i.person != person);
                self.removed.push(Removal { person, request, reason });
            }
            MeetingCommand::RecordAttendance { member, agency, present } => {
                self.attendance.retain(|a| a.member != member);
                self.attendance.push(Attendee { member, agency, present });
            }
            MeetingCommand::RecordMinutes { person, minutes, team } => {
                let item = self.item_mut(person)?;
                if team.is_empty() {
                    return Err(ConferenceError::EmptyTeam);
                }
                if minutes.analysis.text.trim().is_empty() {
                    return Err(ConferenceError::MissingAnalysis);
                }
                let entries = std::iter::once(&minutes.analysis).chain(&minutes.notes);
                let restricted =
                    entries.map(|e| &e.restriction).chain(minutes.decisions.iter().map(|d| &d.restriction));
                for restriction in restricted {
                    if let Restriction::Agencies(allowed) = restriction
                        && let Some(outside) = allowed.iter().find(|a| !team.contains(a))
                    {
                        return Err(ConferenceError::RestrictionOutsideTeam(*outside));
                    }
                }
                for decision in &minutes.decisions {
                    if decision.description.trim().is_empty() {
                        return Err(ConferenceError::DecisionWithoutDescription);
                    }
                    if !team.contains(&decision.owner) {
                        return Err(ConferenceError::DecisionOwnerNotOnTeam(decision.owner));
                    }
                }
                item.team = team;
                item.minutes = Some(minutes);
            }
            MeetingCommand::Close { today } => {
                // The date first: before it the meeting has not been held, so asking for the
                // outcomes of its agenda would send the chair to write minutes of nothing.
                if today < self.date {
                    return Err(ConferenceError::CloseBeforeDate { date: self.date });
                }
                let undiscussed: Vec<PersonId> =
                    self.agenda.iter().filter(|i| i.minutes.is_none()).map(|i| i.person).collect();
                if !undiscussed.is_empty() {
                    return Err(ConferenceError::UndiscussedPersons(undiscussed));
                }
                for item in &self.agenda {
                    let minutes = item.minutes.as_ref().expect("checked above");
                    effects.push(MeetingEffect::StrategyAgreed { person: item.person, strategy: minutes.strategy });
                    if let Some(request) = item.request {
                        effects.push(MeetingEffect::RequestDiscussed { request });
                    }
                    effects.extend(minutes.decisions.iter().map(|d| MeetingEffect::CreateTask {
                        person: item.person,
                        task: d.task,
                        description: d.description.clone(),
                        kind: d.kind,
                        owner: d.owner,
                        owner_member: d.owner_member,
                        due: d.due,
                        restriction: d.restriction.clone(),
                    }));
                }
                self.status = MeetingStatus::Closed { at: now };
            }
            MeetingCommand::Cancel { reason } => {
                if reason.trim().is_empty() {
                    return Err(ConferenceError::CancelNeedsReason);
                }
                let reason = reason.trim().to_owned();
                effects.push(MeetingEffect::NotifyCancelled {
                    meeting: self.id,
                    agencies: self.invited.clone(),
                    reason: reason.clone(),
                });
                effects.extend(
                    self.agenda
                        .iter()
                        .filter_map(|i| i.request)
                        .map(|request| MeetingEffect::RequestUnscheduled { request, reason: reason.clone() }),
                );
                self.status = MeetingStatus::Cancelled { reason };
            }
        }
        Ok((self, effects))
    }
}

/// Persons on the agendas of the planned meetings on `date` other than `except`.
pub fn booked_on(meetings: &[Meeting], date: Date, except: MeetingId) -> usize {
    meetings.iter().filter(|m| m.date == date && m.id != except && m.status.is_planned()).map(|m| m.agenda.len()).sum()
}

/// The earliest planned meeting on or after `from` whose day still has room (the quota is
/// per day, across the day's meetings).
pub fn first_meeting_with_room(meetings: &[Meeting], from: Date) -> Option<&Meeting> {
    meetings.iter().filter(|m| m.date >= from && m.has_room(booked_on(meetings, m.date, m.id))).min_by_key(|m| m.date)
}

#[cfg(test)]
#[path = "meeting_tests.rs"]
mod tests;
