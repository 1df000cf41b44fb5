//! Triage and the Safety House case conference.
//!
//! * [`triage`]: a partner's (or the system's) request for a conference and its workflow.
//! * [`criteria`]: the configurable complex-case criteria that propose a conference.
//! * [`calendar`]: the cut-off rule mapping a submission instant to its triage date.
//! * [`meeting`]: the meeting with its agenda quota, attendance and minutes.
//! * [`need_to_know`]: what each agency may see of the agenda and minutes.

mod calendar;
mod criteria;
mod error;
mod meeting;
mod minutes;
mod need_to_know;
pub mod service;
mod triage;

pub use calendar::TriageCalendar;
pub use criteria::{
    ComplexCaseCriteria, Condition, CriteriaRule, MatchedRule, Proposal, Reason, TriageFlag, TriageInputs,
};
pub use error::ConferenceError;
pub use meeting::{
    AgendaItem, Attendee, ConferenceRules, Meeting, MeetingCommand, MeetingEffect, MeetingStatus, NewMeeting, Removal,
    first_meeting_with_room,
};
pub use minutes::{Decision, Entry, PersonMinutes, Strategy};
pub use need_to_know::{AgendaItemView, MeetingView, MinutesView, Restriction, meeting_view_for};
pub use triage::{ConferenceRequest, NewConferenceRequest, RequestOrigin, RequestStatus, TriageCommand, TriageEffect};
