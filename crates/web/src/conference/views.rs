//! View models for the conference pages: plain strings for the templates, built in one place.

use crate::i18n::Texts;
use crate::lookup::{agency_name, member};
use crate::plan::task_kind_key;
use crate::screening::pack_lang;
use domain::conference::{ConferenceRequest, MinutesView, RequestOrigin, RequestStatus, strategy_code};
use domain::directory::{Agency, Member};
use domain::jurisdiction::BeyondPack;
use jiff::tz::TimeZone;
use std::collections::BTreeSet;

/// A checkbox or option: (value, label, checked).
pub type Choice = (String, String, bool);

pub fn request_status_key(status: &RequestStatus) -> &'static str {
    match status {
        RequestStatus::Requested => "conference.status.requested",
        RequestStatus::Accepted { .. } => "conference.status.accepted",
        RequestStatus::Declined { .. } => "conference.status.declined",
        RequestStatus::Scheduled { .. } => "conference.status.scheduled",
        RequestStatus::Discussed { .. } => "conference.status.discussed",
    }
}

pub fn strategy_key(code: &str) -> String {
    format!("conference.strategy.{code}")
}

pub struct RequestRow {
    pub id: String,
    pub person_id: String,
    pub submitted: String,
    pub origin: String,
    pub reason: String,
    pub goal: String,
    pub invited: String,
    pub triage_on: String,
    pub status: &'static str,
    /// The decline reason, or the meeting date.
    pub detail: String,
    pub waiting: bool,
}

/// Who asked, and why, in the reader's language (a proposal's reason is its matched rules).
pub fn request_row(
    request: &ConferenceRequest,
    pack: &BeyondPack,
    agencies: &[Agency],
    members: &[Member],
    zone: &TimeZone,
    t: Texts,
) -> RequestRow {
    let (origin, reason) = match &request.origin {
        RequestOrigin::Partner { agency, member: member_id } => {
            let who = member(members, *member_id).map(|m| m.display_name.clone());
            let agency = agency_name(agencies, *agency);
            (who.map_or(agency.clone(), |w| format!("{w} ({agency})")), request.reason.clone())
        }
        RequestOrigin::Proposed(proposal) => {
            let labels: Vec<String> = proposal
                .matched
                .iter()
                .map(|m| {
                    pack.complex_case_criteria
                        .rules
                        .iter()
                        .find(|r| r.key == m.rule)
                        .map_or(m.rule.clone(), |r| r.label.get(pack_lang(t)).to_owned())
                })
                .collect();
            (t.get("conference.origin.proposed").to_owned(), labels.join("; "))
        }
    };
    let detail = match &request.status {
        RequestStatus::Declined { reason, .. } => reason.clone(),
        RequestStatus::Scheduled { meeting_on, .. } | RequestStatus::Discussed { meeting_on, .. } => {
            meeting_on.to_string()
        }
        _ => String::new(),
    };
    RequestRow {
        id: request.id.to_string(),
        person_id: request.person.to_string(),
        submitted: crate::page::local_time(request.submitted_at, zone),
        origin,
        reason,
        goal: request.goal.clone(),
        invited: request.invited.iter().map(|a| agency_name(agencies, *a)).collect::<Vec<_>>().join(", "),
        triage_on: request.triage_on.to_string(),
        status: request_status_key(&request.status),
        detail,
        waiting: request.status.awaits_triage(),
    }
}

pub struct DecisionRow {
    pub description: String,
    pub owner: String,
    pub due: String,
    pub kind: &'static str,
}

pub struct MinutesRow {
    /// `None` when the analysis is not shared with the viewer's agency.
    pub analysis: Option<String>,
    pub strategy: String,
    pub decisions: Vec<DecisionRow>,
    pub notes: Vec<String>,
}

pub fn minutes_row(minutes: &MinutesView, agencies: &[Agency]) -> MinutesRow {
    MinutesRow {
        analysis: minutes.analysis.clone(),
        strategy: strategy_key(strategy_code(minutes.strategy)),
        decisions: minutes
            .decisions
            .iter()
            .map(|d| DecisionRow {
                description: d.description.clone(),
                owner: agency_name(agencies, d.owner),
                due: d.due.to_string(),
                kind: task_kind_key(d.kind),
            })
            .collect(),
        notes: minutes.notes.clone(),
    }
}

/// Every agency as a checkbox, `checked` ticked.
pub fn agency_choices(agencies: &[Agency], checked: &BTreeSet<String>) -> Vec<Choice> {
    agencies.iter().map(|a| (a.id.to_string(), a.name.clone(), checked.contains(&a.id.to_string()))).collect()
}
