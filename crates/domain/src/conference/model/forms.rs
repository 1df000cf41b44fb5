//! Conference forms as typed (strings), their parsing, and the catalogue key and form field
//! for every rule of the conference workflow that refuses a change.

use crate::access::Restriction;
use crate::conference::{ConferenceError, Decision, Entry, PersonMinutes, Strategy};
use crate::ids::{AgencyId, TaskId, new_v7};
use crate::plan::TaskKind;
use crate::validation::{FieldError, ValidationErrors};
use jiff::Timestamp;
use jiff::civil::Date;
use std::collections::BTreeSet;

/// A partner's request for a case conference about a person.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestInput {
    pub reason: String,
    pub goal: String,
    /// Agency ids of the partners to invite.
    pub invited: Vec<String>,
}

/// A check of the complex-case criteria: the triage flags a partner ticks, with the goal a
/// conference would have; when a rule matches, the system files the request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProposalInput {
    pub goal: String,
    pub flags: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TriageInput {
    /// Accept, the Safety House being on the person's team already.
    Accept,
    /// Accept, the Safety House joining the person's team on the basis its process manager
    /// gives (the request addressed to it was its only access so far).
    AcceptJoining(crate::access::TeamEntryInput),
    Decline {
        reason: String,
    },
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MeetingInput {
    pub date: String,
    pub location: String,
    pub invited: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DecisionInput {
    pub description: String,
    pub kind: String,
    pub owner: String,
    pub due: String,
}

impl DecisionInput {
    fn is_blank(&self) -> bool {
        self.description.trim().is_empty() && self.owner.trim().is_empty() && self.due.trim().is_empty()
    }
}

/// What the chair records for one person.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MinutesInput {
    pub analysis: String,
    pub strategy: String,
    pub note: String,
    /// Rows left entirely blank are ignored.
    pub decisions: Vec<DecisionInput>,
    /// Agency ids the analysis and the note are restricted to; empty: the person's whole team.
    pub restricted_to: Vec<String>,
}

/// The catalogue key and form field for a refusal of the conference workflow.
pub fn conference_field_error(error: &ConferenceError) -> FieldError {
    use ConferenceError::*;
    match error {
        MissingReason => FieldError::new("reason", "error.conference.reason"),
        MissingGoal => FieldError::new("goal", "error.conference.goal"),
        DeclineNeedsReason => FieldError::new("decline_reason", "error.conference.decline_reason"),
        AlreadyTriaged(_) => FieldError::new("request", "error.conference.already_triaged"),
        NotAccepted(_) => FieldError::new("request", "error.conference.not_accepted"),
        MeetingBeforeTriage { triage_on, .. } => {
            FieldError::new("meeting", "error.conference.meeting_before_triage").with("triage_on", triage_on)
        }
        MissingLocation => FieldError::new("location", "error.conference.location"),
        NoAgenciesInvited => FieldError::new("invited", "error.conference.invited"),
        AgendaFull { quota } => FieldError::new("meeting", "error.conference.agenda_full").with("quota", quota),
        AlreadyOnAgenda(_) => FieldError::new("request", "error.conference.already_on_agenda"),
        NotOnAgenda(_) => FieldError::new("person", "error.conference.not_on_agenda"),
        EmptyTeam => FieldError::new("person", "error.conference.empty_team"),
        MissingAnalysis => FieldError::new("analysis", "error.conference.analysis"),
        DecisionWithoutDescription => FieldError::new("decisions", "error.conference.decision_description"),
        DecisionOwnerNotOnTeam(_) => FieldError::new("decisions", "error.conference.decision_owner"),
        UndiscussedPersons(persons) if persons.len() == 1 => {
            FieldError::new("meeting", "error.conference.undiscussed_one")
        }
        UndiscussedPersons(persons) => {
            FieldError::new("meeting", "error.conference.undiscussed").with("count", persons.len())
        }
        NotPlanned(_) => FieldError::new("meeting", "error.conference.not_planned"),
        CloseBeforeDate { date } => FieldError::new("meeting", "error.conference.close_before_date").with("date", date),
        CancelNeedsReason => FieldError::new("cancel_reason", "error.conference.cancel_reason"),
        RestrictionOutsideTeam(_) => FieldError::new("restricted_to", "error.conference.restriction_outside_team"),
        RemoveNeedsReason => FieldError::new("remove_reason", "error.conference.remove_reason"),
        NotScheduled(_) => FieldError::new("request", "error.conference.not_scheduled"),
        InvitationAnswered(_) => FieldError::new("invitation", "error.invitation.answered"),
        InvitationDeclineNeedsReason => FieldError::new("decline_reason", "error.invitation.decline_reason"),
        NotInvited => FieldError::new("invitation", "error.invitation.not_invited"),
    }
}

/// Agency ids from checkboxes; an unreadable one is refused rather than dropped.
pub(crate) fn parse_agencies(field: &'static str, ids: &[String]) -> Result<BTreeSet<AgencyId>, FieldError> {
    ids.iter()
        .filter(|id| !id.trim().is_empty())
        .map(|id| AgencyId::parse(id).map_err(|_| FieldError::new(field, "error.conference.unknown_agency")))
        .collect()
}

pub fn parse_strategy(text: &str) -> Result<Strategy, FieldError> {
    match text.trim() {
        "care" => Ok(Strategy::Care),
        "enforcement" => Ok(Strategy::Enforcement),
        "both" => Ok(Strategy::Both),
        _ => Err(FieldError::new("strategy", "error.conference.strategy")),
    }
}

pub fn strategy_code(strategy: Strategy) -> &'static str {
    match strategy {
        Strategy::Care => "care",
        Strategy::Enforcement => "enforcement",
        Strategy::Both => "both",
    }
}

fn parse_kind(text: &str) -> Result<TaskKind, FieldError> {
    match text.trim() {
        "care" => Ok(TaskKind::Care),
        "enforcement" => Ok(TaskKind::Enforcement),
        _ => Err(FieldError::new("decisions", "error.plan.unknown_kind")),
    }
}

impl MinutesInput {
    /// The minutes with new task ids for the decisions; every problem reported at once. A
    /// decision due before today is refused: it would be overdue the moment it is agreed.
    pub fn parse(&self, now: Timestamp, today: Date) -> Result<PersonMinutes, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let strategy = parse_strategy(&self.strategy).map_err(|e| errors.push(e)).ok();
        let restriction = match parse_agencies("restricted_to", &self.restricted_to) {
            Ok(agencies) if agencies.is_empty() => Restriction::Team,
            Ok(agencies) => Restriction::Agencies(agencies),
            Err(error) => {
                errors.push(error);
                Restriction::Team
            }
        };
        let entry = |text: &str| Entry { text: text.to_owned(), restriction: restriction.clone() };
        let mut decisions = Vec::new();
        for row in self.decisions.iter().filter(|d| !d.is_blank()) {
            let kind = parse_kind(&row.kind).map_err(|e| errors.push(e)).ok();
            let owner = AgencyId::parse(&row.owner)
                .map_err(|_| errors.push(FieldError::new("decisions", "error.conference.decision_owner_required")))
                .ok();
            let due = match crate::validation::parse_date("decisions", &row.due) {
                Ok(due) if due < today => {
                    errors.push(FieldError::new("decisions", "error.conference.decision_due_past"));
                    None
                }
                Ok(due) => Some(due),
                Err(error) => {
                    errors.push(error);
                    None
                }
            };
            if let (Some(kind), Some(owner), Some(due)) = (kind, owner, due) {
                decisions.push(Decision {
                    task: TaskId(new_v7(now)),
                    description: row.description.trim().to_owned(),
                    kind,
                    owner,
                    owner_member: None,
                    due,
                    restriction: Restriction::Team,
                });
            }
        }
        match strategy {
            Some(strategy) if errors.is_empty() => Ok(PersonMinutes {
                analysis: entry(self.analysis.trim()),
                strategy,
                decisions,
                notes: if self.note.trim().is_empty() { Vec::new() } else { vec![entry(self.note.trim())] },
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn row(description: &str, owner: &str, due: &str) -> DecisionInput {
        DecisionInput { description: description.into(), kind: "care".into(), owner: owner.into(), due: due.into() }
    }

    #[test]
    fn minutes_parse_skips_blank_rows_and_reports_every_problem() {
        let now: Timestamp = "2026-03-10T10:00:00Z".parse().unwrap();
        let owner = "0192f0c1-0000-7000-8000-000000000001";
        let input = MinutesInput {
            analysis: "housing first".into(),
            strategy: "both".into(),
            note: String::new(),
            decisions: vec![row("find a room", owner, "2026-04-01"), row("", "", "")],
            restricted_to: Vec::new(),
        };
        let minutes = input.parse(now, date(2026, 3, 10)).unwrap();
        assert_eq!(minutes.strategy, Strategy::Both);
        assert_eq!(minutes.decisions.len(), 1);
        assert!(minutes.notes.is_empty());

        let bad = MinutesInput {
            strategy: "maybe".into(),
            decisions: vec![row("x", "not-an-agency", "2026-03-09"), row("y", owner, "soon")],
            ..input
        };
        let errors = bad.parse(now, date(2026, 3, 10)).unwrap_err();
        let keys: Vec<&str> = errors.iter().map(|e| e.key).collect();
        assert_eq!(
            keys,
            vec![
                "error.conference.strategy",
                "error.conference.decision_owner_required",
                "error.conference.decision_due_past",
                "error.date.invalid"
            ]
        );
    }
}

#[cfg(test)]
mod restriction_tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn minutes_restricted_to_agencies_restrict_the_analysis_and_the_note() {
        let now: Timestamp = "2026-03-10T10:00:00Z".parse().unwrap();
        let police = "0192f0c1-0000-7000-8000-000000000001";
        let input = MinutesInput {
            analysis: "threats against the partner".into(),
            strategy: "enforcement".into(),
            note: "safety plan made".into(),
            decisions: Vec::new(),
            restricted_to: vec![police.into(), String::new()],
        };
        let minutes = input.parse(now, date(2026, 3, 10)).unwrap();
        let only_police = Restriction::Agencies([AgencyId::parse(police).unwrap()].into());
        assert_eq!(minutes.analysis.restriction, only_police);
        assert_eq!(minutes.notes[0].restriction, only_police);
        let unreadable = MinutesInput { restricted_to: vec!["police".into()], ..input };
        let errors = unreadable.parse(now, date(2026, 3, 10)).unwrap_err();
        assert_eq!(errors.iter().next().unwrap().field, "restricted_to");
    }
}
