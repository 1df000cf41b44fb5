//! The one error enum of the conference capability: triage requests and meetings.

use crate::ids::{AgencyId, PersonId};
use jiff::civil::Date;
use thiserror::Error;

#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum ConferenceError {
    // Triage requests.
    #[error("say why a case conference is needed (the reason)")]
    MissingReason,
    #[error("say what the conference should achieve (the goal)")]
    MissingGoal,
    #[error("a declined request needs a reason the requester can read")]
    DeclineNeedsReason,
    #[error("this request was already triaged ({0}); only a waiting request can be accepted or declined")]
    AlreadyTriaged(&'static str),
    #[error("only an accepted request can be put on a meeting's agenda (it is {0})")]
    NotAccepted(&'static str),
    #[error("the meeting on {meeting_on} is before the triage on {triage_on}; pick a later meeting")]
    MeetingBeforeTriage { meeting_on: Date, triage_on: Date },
    // Meetings.
    #[error("give the meeting a location")]
    MissingLocation,
    #[error("invite at least one partner agency")]
    NoAgenciesInvited,
    #[error("the agenda of the day is full ({quota} persons); put this person on the next meeting with room")]
    AgendaFull { quota: usize },
    #[error("this person is already on the agenda")]
    AlreadyOnAgenda(PersonId),
    #[error("this person is not on the agenda")]
    NotOnAgenda(PersonId),
    #[error("name the agencies on this person's team; the minutes are shared only with them")]
    EmptyTeam,
    #[error("write the analysis before recording the strategy")]
    MissingAnalysis,
    #[error("a decision needs a description")]
    DecisionWithoutDescription,
    #[error("a decision can only be given to an agency on the person's team; add the agency to the team first")]
    DecisionOwnerNotOnTeam(AgencyId),
    #[error("record minutes for every person on the agenda, or take them off it, before closing")]
    UndiscussedPersons(Vec<PersonId>),
    #[error("the meeting is on {date}; it cannot be closed before then")]
    CloseBeforeDate { date: Date },
    #[error("the meeting is {0}; it can no longer be changed")]
    NotPlanned(&'static str),
    #[error("say why the meeting is cancelled")]
    CancelNeedsReason,
    #[error("minutes can only be restricted to agencies on the person's team")]
    RestrictionOutsideTeam(AgencyId),
    #[error("say why the person is taken off the agenda")]
    RemoveNeedsReason,
    // Invitations onto the team.
    #[error("this invitation was already answered ({0})")]
    InvitationAnswered(&'static str),
    #[error("say why your agency declines")]
    InvitationDeclineNeedsReason,
    #[error("only the invited agency can answer an invitation")]
    NotInvited,
    #[error("only a request on a meeting's agenda can be taken off it (it is {0})")]
    NotScheduled(&'static str),
}
