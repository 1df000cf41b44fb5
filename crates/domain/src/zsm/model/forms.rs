//! Raw input of the ZSM forms (strings, as a browser or API client sends them) parsed into the
//! domain's typed requests. Every field problem is reported at once, each with the field it
//! belongs to and a catalogue key, so the web layer can show an error summary. Rules that need
//! the case or the pack (arrival before arrest, limits of a disposal) are checked afterwards by
//! the pure transitions and reported through [`rule_error`].

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use crate::ids::{DecisionId, MemberId, ObligationId, PersonId};
use crate::jurisdiction::{
    ContributionState, DisposalCode, JurisdictionPack, LIFE_DOMAINS, ObligationKindCode, ParameterCode, ParameterKind,
    Partner,
};
use crate::screening::{ADVICE, Signal};
use crate::validation::{FieldError, ValidationErrors, optional_text, required_text};
use crate::zsm::model::contribution::{
    ConsultationMode, ContributionContent, LawyerConsultation, MunicipalityInformation, PoliceInformation, QuickScan,
    VictimInterests,
};
use crate::zsm::model::decision::ParameterValue;
use crate::zsm::model::intake::{IntakeInput, Offence, Victim};
use crate::zsm::model::obligation::ObligationRequest;

pub use crate::zsm::model::form_errors::rule_error;
pub use crate::zsm::model::local_time::{parse_local_time, parse_local_time_from};

/// One offence row of the intake form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OffenceForm {
    pub offence_type: String,
    pub committed_on: String,
    pub place: String,
    pub description: String,
    /// `yes` when the offence allows pre-trial detention.
    pub pretrial_detention: String,
}

impl OffenceForm {
    fn is_blank(&self) -> bool {
        [&self.offence_type, &self.committed_on, &self.place, &self.description].iter().all(|v| v.trim().is_empty())
    }
}

/// One victim row: a linked person id, or a description of an anonymous victim.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct VictimForm {
    pub person_id: String,
    pub description: String,
}

/// The police intake form as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct IntakeForm {
    pub suspect_id: String,
    pub suspect_is_minor: bool,
    pub location: String,
    /// Local date and time in the pack's time zone, `YYYY-MM-DDTHH:MM`.
    pub arrested_at: String,
    pub arrived_at: String,
    pub offences: Vec<OffenceForm>,
    pub victims: Vec<VictimForm>,
    pub police_report_summary: String,
    pub prior_record_summary: String,
    /// The suspect's lawyer (a member of a defence agency), when known at intake.
    pub lawyer_id: String,
}

fn local_time_field(errors: &mut ValidationErrors, field: &str, raw: &str, pack: &JurisdictionPack) -> Timestamp {
    local_time_field_from(errors, field, raw, pack, None)
}

fn local_time_field_from(
    errors: &mut ValidationErrors,
    field: &str,
    raw: &str,
    pack: &JurisdictionPack,
    not_before: Option<Timestamp>,
) -> Timestamp {
    if raw.trim().is_empty() {
        errors.push(FieldError::new(field, "error.required"));
        return Timestamp::UNIX_EPOCH;
    }
    parse_local_time_from(raw, pack, not_before).unwrap_or_else(|key| {
        errors.push(FieldError::new(field, key));
        Timestamp::UNIX_EPOCH
    })
}

fn date_field(errors: &mut ValidationErrors, field: &str, raw: &str) -> Date {
    if raw.trim().is_empty() {
        errors.push(FieldError::new(field, "error.required"));
        return Date::default();
    }
    crate::validation::parse_date(field, raw).unwrap_or_else(|error| {
        errors.push(error);
        Date::default()
    })
}

fn id_field<T: std::str::FromStr>(errors: &mut ValidationErrors, field: &str, raw: &str) -> Option<T> {
    if raw.trim().is_empty() {
        return None;
    }
    let parsed = raw.trim().parse().ok();
    if parsed.is_none() {
        errors.push(FieldError::new(field, "zsm.error.unknown_choice"));
    }
    parsed
}

impl IntakeForm {
    /// The typed intake. `suspect_id` must be a person id (the person is looked up by the
    /// service); blank offence and victim rows are ignored.
    pub fn parse(&self, pack: &JurisdictionPack, registered_by: MemberId) -> Result<IntakeInput, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let suspect = if self.suspect_id.trim().is_empty() {
            errors.push(FieldError::new("suspect_id", "error.required"));
            None
        } else {
            id_field::<PersonId>(&mut errors, "suspect_id", &self.suspect_id)
        };
        let location = required_text(&mut errors, "location", &self.location, 100);
        let arrested_at = local_time_field(&mut errors, "arrested_at", &self.arrested_at, pack);
        let arrived_at_station =
            local_time_field_from(&mut errors, "arrived_at", &self.arrived_at, pack, Some(arrested_at));
        let mut offences = Vec::new();
        for (index, row) in self.offences.iter().enumerate().filter(|(_, row)| !row.is_blank()) {
            let field = |name: &str| format!("offences[{index}].{name}");
            offences.push(Offence {
                offence_type: required_text(&mut errors, &field("offence_type"), &row.offence_type, 100),
                committed_on: date_field(&mut errors, &field("committed_on"), &row.committed_on),
                place: required_text(&mut errors, &field("place"), &row.place, 200),
                description: required_text(&mut errors, &field("description"), &row.description, 2000),
                pretrial_detention_allowed: row.pretrial_detention.trim() == "yes",
            });
        }
        if offences.is_empty() {
            errors.push(FieldError::new("offences[0].offence_type", "zsm.error.no_offences"));
        }
        let mut victims = Vec::new();
        for (index, row) in self.victims.iter().enumerate() {
            let field = |name: &str| format!("victims[{index}].{name}");
            match id_field::<PersonId>(&mut errors, &field("person_id"), &row.person_id) {
                Some(person) => victims.push(Victim::Known(person)),
                None => {
                    if let Some(description) = optional_text(&mut errors, &field("description"), &row.description, 500)
                    {
                        victims.push(Victim::Anonymous { description });
                    }
                }
            }
        }
        let police_report_summary =
            required_text(&mut errors, "police_report_summary", &self.police_report_summary, 5000);
        let prior_record_summary = optional_text(&mut errors, "prior_record_summary", &self.prior_record_summary, 5000);
        id_field::<MemberId>(&mut errors, "lawyer_id", &self.lawyer_id);
        match suspect {
            Some(suspect) if errors.is_empty() => Ok(IntakeInput {
                suspect,
                suspect_is_minor: self.suspect_is_minor,
                offences,
                arrested_at,
                arrived_at_station,
                location,
                victims,
                police_report_summary,
                prior_record_summary,
                registered_by,
            }),
            _ => Err(errors),
        }
    }

    pub fn lawyer(&self) -> Option<MemberId> {
        self.lawyer_id.trim().parse().ok()
    }
}

/// One obligation row of the decision form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ObligationForm {
    pub kind: String,
    pub starts_on: String,
    pub ends_on: String,
    pub details: String,
}

/// The prosecutor's decision (or amendment) form as sent. Parameters are keyed by their pack
/// code; a blank value means the parameter is not used.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DecisionForm {
    pub disposal: String,
    pub parameters: BTreeMap<String, String>,
    pub obligations: Vec<ObligationForm>,
    pub reasoning: String,
    pub override_reason: String,
}

/// Euros as typed (`1250`, `1250.50`, `1.250,50`, `-5`) to cents. The sign is kept so the rule
/// "an amount cannot be negative" is reported by the decision rules with the parameter's name.
pub fn parse_euros(raw: &str) -> Option<i64> {
    let text = raw.trim().replace(['€', ' '], "");
    let (negative, text) = match text.strip_prefix('-') {
        Some(rest) => (true, rest.to_string()),
        None => (false, text),
    };
    // The last '.' or ',' followed by one or two digits is the decimal mark; others group.
    let (whole, fraction) = match text.rfind(['.', ',']) {
        Some(at) if text.len() - at - 1 <= 2 && text.len() - at > 1 => (&text[..at], &text[at + 1..]),
        _ => (text.as_str(), ""),
    };
    let whole: String = whole.chars().filter(|c| *c != '.' && *c != ',').collect();
    if whole.is_empty() && fraction.is_empty() {
        return None;
    }
    let euros: i64 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
    let cents: i64 = match fraction.len() {
        0 => 0,
        1 => fraction.parse::<i64>().ok()? * 10,
        _ => fraction.parse().ok()?,
    };
    let total = euros.checked_mul(100)?.checked_add(cents)?;
    Some(if negative { -total } else { total })
}

impl DecisionForm {
    /// The typed request, with ids made by the caller. Parameters are parsed by the type the
    /// pack gives them; an unknown disposal code is reported on the disposal field.
    pub fn parse(
        &self,
        pack: &JurisdictionPack,
        decided_by: MemberId,
        at: Timestamp,
    ) -> Result<crate::zsm::DecisionRequest, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let code = DisposalCode::new(self.disposal.trim());
        let Ok(disposal) = pack.disposal(&code) else {
            let key = if self.disposal.trim().is_empty() { "error.required" } else { "zsm.error.unknown_disposal" };
            return Err(ValidationErrors::single(FieldError::new("disposal", key).with("code", self.disposal.trim())));
        };
        let mut parameters = BTreeMap::new();
        for (raw_code, raw) in &self.parameters {
            let field = format!("param.{raw_code}");
            let parameter_code = ParameterCode::new(raw_code.as_str());
            let Some(definition) = disposal.parameter(&parameter_code) else {
                if !raw.trim().is_empty() {
                    errors.push(FieldError::new(field, "zsm.error.unknown_parameter").with("parameter", raw_code));
                }
                continue;
            };
            let raw = raw.trim();
            if raw.is_empty() {
                continue;
            }
            let value = match &definition.value {
                ParameterKind::Integer { .. } => raw.parse().ok().map(ParameterValue::Integer),
                ParameterKind::Money { .. } => parse_euros(raw).map(ParameterValue::Money),
                ParameterKind::Flag => Some(ParameterValue::Flag(matches!(raw, "yes" | "on" | "true"))),
                ParameterKind::Text { .. } => Some(ParameterValue::Text(raw.to_string())),
                ParameterKind::Date => raw.parse().ok().map(ParameterValue::Date),
                ParameterKind::Choice { .. } => Some(ParameterValue::Choice(raw.to_string())),
            };
            match value {
                Some(value) => {
                    parameters.insert(parameter_code, value);
                }
                None => errors.push(FieldError::new(field, "zsm.error.parameter_invalid")),
            }
        }
        let mut obligations = Vec::new();
        for (index, row) in self.obligations.iter().enumerate() {
            if row.kind.trim().is_empty() {
                continue;
            }
            let field = |name: &str| format!("obligations[{index}].{name}");
            obligations.push(ObligationRequest {
                id: ObligationId::new(at),
                kind: ObligationKindCode::new(row.kind.trim()),
                starts_on: date_field(&mut errors, &field("starts_on"), &row.starts_on),
                ends_on: date_field(&mut errors, &field("ends_on"), &row.ends_on),
                details: required_text(&mut errors, &field("details"), &row.details, 500),
                responsible_agency: None,
            });
        }
        let reasoning = required_text(&mut errors, "reasoning", &self.reasoning, 5000);
        let override_reason = optional_text(&mut errors, "override_reason", &self.override_reason, 2000);
        errors.into_result(crate::zsm::DecisionRequest {
            id: DecisionId::new(at),
            disposal: code,
            parameters,
            obligations,
            decided_by,
            reasoning,
            override_reason,
        })
    }
}

/// One partner's section of the case page as sent. Only the fields of that partner are read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContributionForm {
    /// `awaited`, `in_progress` or `done`.
    pub state: String,
    // police
    pub additional_information: String,
    pub requests_to_prosecutor: String,
    // probation
    pub advice: String,
    /// Life domain codes with a signal, each with its note in `signal_notes` (same key).
    pub signals: BTreeMap<String, String>,
    // victim support
    pub interests: String,
    pub damages_claim: String,
    pub wants_information: bool,
    pub wants_restorative_contact: bool,
    // defence
    pub consulted_at: String,
    pub mode: String,
    pub lawyer_advice: String,
    pub settlement_consequences_explained: bool,
    pub suspect_position: String,
    pub shared_with_prosecutor: bool,
    // municipality
    pub known_to_social_services: bool,
    pub known_to_youth_care: bool,
    // municipality, child protection board, Halt
    pub note: String,
}

pub fn partner_from_code(code: &str) -> Option<Partner> {
    Partner::ALL.into_iter().find(|p| p.code() == code)
}

pub fn contribution_state_code(state: ContributionState) -> &'static str {
    match state {
        ContributionState::NotNeeded => "not_needed",
        ContributionState::Awaited => "awaited",
        ContributionState::InProgress => "in_progress",
        ContributionState::Done => "done",
    }
}

pub const MODES: [(ConsultationMode, &str); 3] =
    [(ConsultationMode::InPerson, "in_person"), (ConsultationMode::Phone, "phone"), (ConsultationMode::Video, "video")];

impl ContributionForm {
    /// The state and content for `partner`. Content is recorded when any of its fields is
    /// filled, so a partner can save work in progress.
    pub fn parse(
        &self,
        partner: Partner,
        pack: &JurisdictionPack,
    ) -> Result<(ContributionState, Option<ContributionContent>), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let state = match self.state.trim() {
            "awaited" => ContributionState::Awaited,
            "in_progress" => ContributionState::InProgress,
            "done" => ContributionState::Done,
            "not_needed" => ContributionState::NotNeeded,
            _ => {
                errors.push(FieldError::new("state", "zsm.error.unknown_choice"));
                ContributionState::Awaited
            }
        };
        let text = |errors: &mut ValidationErrors, field: &str, raw: &str| {
            optional_text(errors, field, raw, 5000).unwrap_or_default()
        };
        let content = match partner {
            Partner::Police => {
                let additional_information = text(&mut errors, "additional_information", &self.additional_information);
                let requests_to_prosecutor = text(&mut errors, "requests_to_prosecutor", &self.requests_to_prosecutor);
                (!additional_information.is_empty() || !requests_to_prosecutor.is_empty()).then_some(
                    ContributionContent::Police(PoliceInformation { additional_information, requests_to_prosecutor }),
                )
            }
            Partner::Probation => {
                let advice = ADVICE.iter().find(|(_, code)| *code == self.advice.trim()).map(|(a, _)| *a);
                if advice.is_none() && !self.advice.trim().is_empty() {
                    errors.push(FieldError::new("advice", "zsm.error.unknown_choice"));
                }
                let mut signals = Vec::new();
                for (code, note) in &self.signals {
                    match LIFE_DOMAINS.iter().find(|(_, c)| c == code) {
                        Some((domain, _)) => signals.push(Signal {
                            domain: *domain,
                            note: text(&mut errors, &format!("signal_note.{code}"), note),
                        }),
                        None => errors.push(FieldError::new("signals", "zsm.error.unknown_choice")),
                    }
                }
                match advice {
                    Some(advice) => Some(ContributionContent::Probation(QuickScan { advice, signals })),
                    None if state == ContributionState::Done => {
                        errors.push(FieldError::new("advice", "error.required"));
                        None
                    }
                    None => None,
                }
            }
            Partner::VictimSupport => {
                let interests = text(&mut errors, "interests", &self.interests);
                let damages_claim_cents = if self.damages_claim.trim().is_empty() {
                    None
                } else {
                    match parse_euros(&self.damages_claim) {
                        Some(cents) if cents < 0 => {
                            errors.push(FieldError::new("damages_claim", "zsm.error.negative_amount"));
                            None
                        }
                        Some(cents) => Some(cents),
                        None => {
                            errors.push(FieldError::new("damages_claim", "zsm.error.amount_invalid"));
                            None
                        }
                    }
                };
                (!interests.is_empty()
                    || damages_claim_cents.is_some()
                    || self.wants_information
                    || self.wants_restorative_contact)
                    .then_some(ContributionContent::VictimSupport(VictimInterests {
                        interests,
                        damages_claim_cents,
                        wants_information: self.wants_information,
                        wants_restorative_contact: self.wants_restorative_contact,
                    }))
            }
            Partner::DefenceLawyer => {
                let advice = text(&mut errors, "lawyer_advice", &self.lawyer_advice);
                let suspect_position = text(&mut errors, "suspect_position", &self.suspect_position);
                let mode = MODES.iter().find(|(_, c)| *c == self.mode.trim()).map(|(m, _)| *m);
                if self.consulted_at.trim().is_empty() && state != ContributionState::Done {
                    None
                } else {
                    let consulted_at = local_time_field(&mut errors, "consulted_at", &self.consulted_at, pack);
                    if mode.is_none() {
                        errors.push(FieldError::new("mode", "error.required"));
                    }
                    mode.map(|mode| {
                        ContributionContent::DefenceLawyer(LawyerConsultation {
                            consulted_at,
                            mode,
                            advice,
                            settlement_consequences_explained: self.settlement_consequences_explained,
                            suspect_position,
                            shared_with_prosecutor: self.shared_with_prosecutor,
                        })
                    })
                }
            }
            Partner::Municipality => {
                let note = text(&mut errors, "note", &self.note);
                (!note.is_empty() || self.known_to_social_services || self.known_to_youth_care).then_some(
                    ContributionContent::Municipality(MunicipalityInformation {
                        known_to_social_services: self.known_to_social_services,
                        known_to_youth_care: self.known_to_youth_care,
                        note,
                    }),
                )
            }
            Partner::ChildProtectionBoard => {
                let note = text(&mut errors, "note", &self.note);
                (!note.is_empty()).then_some(ContributionContent::ChildProtectionBoard { note })
            }
            Partner::Halt => {
                let note = text(&mut errors, "note", &self.note);
                (!note.is_empty()).then_some(ContributionContent::Halt { note })
            }
        };
        errors.into_result((state, content))
    }
}

#[cfg(test)]
#[path = "forms_tests.rs"]
mod tests;
