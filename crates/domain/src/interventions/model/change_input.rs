//! A change to a referral as it arrives from a form or the API (`{"action": "accept"}`,
//! `{"action": "attendance", "attended": "late", "date": "2026-12-01"}`, …), parsed into a
//! `ReferralCommand` with every problem named by its field.

use super::referral::{
    Achievement, AmendableField, Amendment, Attended, EndOfService, ProgressRecord, ReasonCategory, ReferralStatus,
    SessionRecord,
};
use crate::interventions::workflow::ReferralCommand;
use crate::validation::{
    FieldError, LINE_MAX_CHARS, TEXT_MAX_CHARS, ValidationErrors, optional_text, parse_date, required_text,
};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ChangeInput {
    /// send, accept, decline, wait, start, complete, end_early, withdraw, amend, schedule,
    /// attendance, feedback, concern, progress.
    pub action: String,
    pub date: String,
    pub attended: String,
    pub reason: String,
    pub note: String,
    pub text: String,
    pub outcome: String,
    pub achievement: String,
    pub field: String,
    pub value: String,
    /// For `complete`: the achievement of each desired outcome, in the intervention's order.
    pub achievements: Vec<String>,
    /// The status the change was decided on, as the page showed it (a status code). When the
    /// referral is in another status by the time it is saved — the other side changed it
    /// meanwhile — the change is refused and the member decides again. Empty: not checked.
    pub seen_status: String,
}

/// The actions a change may name, in the order forms offer them.
pub const ACTIONS: [&str; 14] = [
    "send",
    "accept",
    "decline",
    "wait",
    "start",
    "complete",
    "end_early",
    "withdraw",
    "amend",
    "schedule",
    "attendance",
    "feedback",
    "concern",
    "progress",
];

impl ChangeInput {
    /// The command, given the desired outcomes (for a report) and today (the default date).
    pub fn parse(&self, outcomes: &[String], today: Date) -> Result<ReferralCommand, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let date = match self.date.trim() {
            "" => today,
            text => parse_date("date", text).unwrap_or_else(|e| {
                errors.push(e);
                today
            }),
        };
        let note = optional_text(&mut errors, "note", &self.note, TEXT_MAX_CHARS);
        let reason_category = || ReasonCategory::parse(&self.reason);
        let moved = |to, errors: &mut ValidationErrors, reason_needed: bool| {
            let reason = reason_category();
            if reason_needed && reason.is_none() {
                errors.push(FieldError::new("reason", "error.referral.reason"));
            }
            ReferralCommand::Move { to, reason, note: note.clone() }
        };
        let command = match self.action.trim() {
            "send" => moved(ReferralStatus::Sent, &mut errors, false),
            "accept" => moved(ReferralStatus::Accepted, &mut errors, false),
            "decline" => moved(ReferralStatus::Declined, &mut errors, true),
            "wait" => moved(ReferralStatus::Waiting, &mut errors, false),
            "start" => moved(ReferralStatus::Started, &mut errors, false),
            "end_early" => moved(ReferralStatus::EndedEarly, &mut errors, true),
            "withdraw" => moved(ReferralStatus::Withdrawn, &mut errors, true),
            "complete" => {
                let mut report = Vec::new();
                for (i, outcome) in outcomes.iter().enumerate() {
                    let given = self.achievements.get(i).map(String::as_str).unwrap_or("");
                    match Achievement::parse(given) {
                        Some(a) => report.push((outcome.clone(), a)),
                        None => {
                            errors.push(FieldError::new(format!("achievements[{i}]"), "error.referral.achievement"))
                        }
                    }
                }
                let summary = required_text(&mut errors, "text", &self.text, TEXT_MAX_CHARS);
                ReferralCommand::Complete(EndOfService { outcomes: report, summary })
            }
            "amend" => {
                let field = AmendableField::parse(&self.field);
                if field.is_none() {
                    errors.push(FieldError::new("field", "error.referral.field"));
                }
                let after = required_text(&mut errors, "value", &self.value, TEXT_MAX_CHARS);
                let reason = required_text(&mut errors, "reason", &self.reason, LINE_MAX_CHARS);
                ReferralCommand::Amend(Amendment {
                    field: field.unwrap_or(AmendableField::Note),
                    before: String::new(),
                    after,
                    reason,
                })
            }
            "schedule" => ReferralCommand::Schedule { on: date, note: note.clone().unwrap_or_default() },
            "attendance" => {
                let attended = Attended::parse(&self.attended);
                if attended.is_none() {
                    errors.push(FieldError::new("attended", "error.referral.attended"));
                }
                let reason = optional_text(&mut errors, "reason", &self.reason, LINE_MAX_CHARS);
                ReferralCommand::Attendance(SessionRecord {
                    on: date,
                    attended: attended.unwrap_or(Attended::Yes),
                    reason,
                })
            }
            "feedback" => {
                let text = required_text(&mut errors, "text", &self.text, TEXT_MAX_CHARS);
                ReferralCommand::Feedback { on: date, text }
            }
            "concern" => {
                ReferralCommand::Concern { text: required_text(&mut errors, "text", &self.text, TEXT_MAX_CHARS) }
            }
            "progress" => {
                let outcome = required_text(&mut errors, "outcome", &self.outcome, LINE_MAX_CHARS);
                let achievement = Achievement::parse(&self.achievement);
                if achievement.is_none() {
                    errors.push(FieldError::new("achievement", "error.referral.achievement"));
                }
                ReferralCommand::Progress(ProgressRecord {
                    on: date,
                    outcome,
                    achievement: achievement.unwrap_or(Achievement::NotYet),
                    note: note.clone().unwrap_or_default(),
                })
            }
            _ => {
                errors.push(FieldError::new("action", "error.referral.action"));
                return Err(errors);
            }
        };
        errors.into_result(command)
    }
}
