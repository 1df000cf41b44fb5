//! Need-to-know: an agency sees only the persons whose team it is on, and within their minutes
//! only the entries not restricted to other agencies.

use crate::conference::{Decision, Entry, Meeting, Strategy};
use crate::ids::{AgencyId, MeetingId, PersonId};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MinutesView {
    /// `None` when the analysis is restricted to other agencies.
    pub analysis: Option<String>,
    pub strategy: Strategy,
    pub decisions: Vec<Decision>,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgendaItemView {
    pub person: PersonId,
    pub minutes: Option<MinutesView>,
}

/// The meeting as one agency may see it. Persons it is not on the team of are left out entirely
/// (not even counted), because the fact that someone is discussed is itself personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingView {
    pub meeting: MeetingId,
    pub date: Date,
    pub location: String,
    pub items: Vec<AgendaItemView>,
}

fn visible_text(entry: &Entry, viewer: AgencyId, team: &BTreeSet<AgencyId>) -> Option<String> {
    entry.restriction.allows(viewer, team).then(|| entry.text.clone())
}

pub fn meeting_view_for(meeting: &Meeting, viewer: AgencyId) -> MeetingView {
    let items = meeting
        .agenda
        .iter()
        .filter(|item| item.restriction.allows(viewer, &item.team))
        .map(|item| AgendaItemView {
            person: item.person,
            minutes: item.minutes.as_ref().map(|m| MinutesView {
                analysis: visible_text(&m.analysis, viewer, &item.team),
                strategy: m.strategy,
                decisions: m.decisions.iter().filter(|d| d.restriction.allows(viewer, &item.team)).cloned().collect(),
                notes: m.notes.iter().filter_map(|n| visible_text(n, viewer, &item.team)).collect(),
            }),
        })
        .collect();
    MeetingView { meeting: meeting.id, date: meeting.date, location: meeting.location.clone(), items }
}
