//! The conference workflows as enums with pure transitions returning effects: a request from
//! triage to a meeting (`ConferenceRequest::apply`), the meeting from planned to closed or
//! cancelled (`Meeting::apply`), and the plan commands a closed meeting's decisions become.

mod invitation;
mod meeting;
mod to_plan;
mod triage;

pub use invitation::{Invitation, InvitationCommand, InvitationEffect, InvitationStatus};
pub use meeting::{
    AgendaItem, Attendee, Meeting, MeetingCommand, MeetingEffect, MeetingStatus, NewMeeting, Removal, booked_on,
    first_meeting_with_room,
};
pub use triage::{
    ConferenceRequest, NewConferenceRequest, RequestOrigin, RequestStatus, TriageCommand, TriageEffect, TriageOutcome,
};
