//! The conference's values: what the chair records for each person (minutes), what each
//! agency may see of a meeting (need-to-know views), the evaluation of the complex-case
//! criteria, the forms as typed and their parsing, and the one error, [`ConferenceError`].

mod criteria;
mod error;
mod forms;
mod minutes;
mod need_to_know;

pub use criteria::{MatchedRule, Proposal, Reason, TriageInputs};
pub use error::ConferenceError;
pub(crate) use forms::parse_agencies;
pub use forms::{
    DecisionInput, MeetingInput, MinutesInput, ProposalInput, RequestInput, TriageInput, conference_field_error,
    parse_strategy, strategy_code,
};
pub use minutes::{Decision, Entry, PersonMinutes, Strategy};
pub use need_to_know::{AgendaItemView, MeetingView, MinutesView, meeting_view_for};
