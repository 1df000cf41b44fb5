//! View models for the ZSM pages: strings ready for the templates, built from domain values in
//! one place so templates hold no logic beyond loops and conditions.

use crate::forms::Posted;
use crate::i18n::Texts;
use crate::page::local_time;
use domain::jurisdiction::{
    ClockCode, ContributionState, DisposalOutcome, JurisdictionPack, LIFE_DOMAINS, Named, ParameterKind, Partner, Unit,
};
use domain::screening::ADVICE;
use domain::zsm::model::contribution::ContributionContent;
use domain::zsm::model::decision::{Decision, ParameterValue};
use domain::zsm::model::forms::{
    ContributionForm, DecisionForm, IntakeForm, MODES, ObligationForm, OffenceForm, VictimForm,
};
use domain::zsm::workflow::clock::{ClockRun, ClockStatus, WarningLevel, warning_level};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use std::collections::BTreeMap;

pub const OFFENCE_ROWS: usize = 3;
pub const VICTIM_ROWS: usize = 2;
pub const OBLIGATION_ROWS: usize = 2;

pub fn partner_key(partner: Partner) -> String {
    format!("zsm.partner.{}", partner.code())
}

/// A contribution state as symbol and words, never colour alone: ✓ done, ◐ in progress, ✗
/// awaited (symbols the common fonts have: ⧗ showed as an empty box in Chromium on Debian).
pub fn state_label(state: ContributionState, t: Texts) -> (&'static str, &'static str, &'static str) {
    match state {
        ContributionState::Done => ("✓", t.text("zsm.state.done"), "state-done"),
        ContributionState::InProgress => ("◐", t.text("zsm.state.in_progress"), "state-progress"),
        ContributionState::Awaited => ("✗", t.text("zsm.state.awaited"), "state-awaited"),
        ContributionState::NotNeeded => ("–", t.text("zsm.state.not_needed"), "state-none"),
    }
}

pub fn duration_text(duration: SignedDuration, t: Texts) -> String {
    let minutes = duration.as_mins().abs();
    t.fill("zsm.duration", &[("h", &(minutes / 60).to_string()), ("m", &(minutes % 60).to_string())])
}

pub fn status_label(code: &str, t: Texts) -> String {
    t.get(&format!("zsm.status.{code}")).to_string()
}

pub fn outcome_label(outcome: DisposalOutcome, t: Texts) -> String {
    let code = match outcome {
        DisposalOutcome::Dismissed => "dismissed",
        DisposalOutcome::SettledOutOfCourt => "settled_out_of_court",
        DisposalOutcome::ToCourt => "to_court",
        DisposalOutcome::Referred => "referred",
    };
    t.get(&format!("zsm.outcome.{code}")).to_string()
}

pub fn clock_name(pack: &JurisdictionPack, code: &ClockCode, t: Texts) -> String {
    match pack.clock(code) {
        Ok(definition) => named(definition, t),
        Err(_) => code.to_string(),
    }
}

/// A pack's name for something, in the member's language.
pub fn named(item: &impl Named, t: Texts) -> String {
    item.name(t.lang.pack()).to_string()
}

/// A pack's unit (`hours`, `days`, `months`) in the member's language.
pub fn unit_label(unit: Unit, t: Texts) -> &'static str {
    t.text(&format!("unit.{}", unit.label()))
}

/// The warning beside a clock: an alarm once it is overdue (red: a legal limit is exceeded),
/// or a warning when near its deadline (amber, by the pack's thresholds).
pub struct ClockWarning {
    pub text: String,
    pub alarm: bool,
}

pub fn warning_text(run: &ClockRun, pack: &JurisdictionPack, now: Timestamp, t: Texts) -> Option<ClockWarning> {
    let thresholds = pack.clock(&run.clock).map(|c| pack.thresholds_for(c)).unwrap_or_default();
    match warning_level(run, &thresholds, now) {
        WarningLevel::None => None,
        WarningLevel::Near { remaining, .. } => Some(ClockWarning {
            text: t.fill("zsm.clock.near", &[("time", &duration_text(remaining, t))]),
            alarm: false,
        }),
        WarningLevel::Overdue { by } => {
            Some(ClockWarning { text: t.fill("zsm.clock.overdue", &[("time", &duration_text(by, t))]), alarm: true })
        }
    }
}

pub struct ExtensionOption {
    pub code: String,
    pub label: String,
}

pub struct ClockRow {
    pub code: String,
    pub name: String,
    pub basis: String,
    pub started: String,
    pub deadline: String,
    pub left: String,
    pub status: String,
    pub warning: Option<ClockWarning>,
    /// Who gave the order the clock runs from, and why.
    pub order: Option<String>,
    pub extensions: Vec<ExtensionOption>,
}

pub fn clock_rows(
    clocks: &[ClockRun],
    pack: &JurisdictionPack,
    now: Timestamp,
    zone: &TimeZone,
    may_grant: &dyn Fn(&domain::jurisdiction::ExtensionRule) -> bool,
    t: Texts,
) -> Vec<ClockRow> {
    let mut sorted: Vec<&ClockRun> = clocks.iter().collect();
    sorted.sort_by_key(|run| (!run.is_running(), run.deadline));
    sorted
        .into_iter()
        .map(|run| {
            let definition = pack.clock(&run.clock).ok();
            let status = match &run.status {
                ClockStatus::Running => t.get("zsm.clock.running").to_string(),
                ClockStatus::Extended { .. } => {
                    let extension = run.extensions.last().map(|e| e.extension.to_string()).unwrap_or_default();
                    t.fill("zsm.clock.extended", &[("extension", &extension)])
                }
                ClockStatus::Stopped { at, .. } => {
                    format!("{} ({})", t.get("zsm.clock.stopped"), local_time(*at, zone))
                }
                ClockStatus::Expired { .. } => t.get("zsm.clock.expired").to_string(),
            };
            // Time left, or the warning that says it (near or overdue): never both.
            let left = if run.is_running() { duration_text(run.remaining(now), t) } else { "–".to_string() };
            ClockRow {
                code: run.clock.to_string(),
                name: clock_name(pack, &run.clock, t),
                basis: definition.map(|d| d.legal_basis.clone()).unwrap_or_default(),
                started: local_time(run.started_at, zone),
                deadline: local_time(run.deadline, zone),
                left,
                status,
                warning: warning_text(run, pack, now, t),
                order: run.order.as_ref().map(|order| {
                    let key = format!("zsm.office.{}", order.by.role.code());
                    t.fill("zsm.order.by", &[("office", t.get(&key)), ("basis", &order.basis)])
                }),
                extensions: if run.is_running() {
                    definition
                        .map(|d| {
                            d.extensions
                                .iter()
                                .filter(|e| may_grant(e))
                                .filter(|e| {
                                    let used = run.extensions.iter().filter(|g| g.extension == e.code).count();
                                    u32::try_from(used).unwrap_or(u32::MAX) < e.max_times
                                })
                                .map(|e| ExtensionOption {
                                    code: e.code.to_string(),
                                    label: t.fill(
                                        "zsm.clock.extend",
                                        &[("extension", &format!("{} ({})", named(e, t), e.legal_basis))],
                                    ),
                                })
                                .collect()
                        })
                        .unwrap_or_default()
                } else {
                    Vec::new()
                },
            }
        })
        .collect()
}

/// The contribution form prefilled from what is recorded, so a partner edits in place.
pub fn prefill(
    state: ContributionState,
    content: Option<&ContributionContent>,
    zone: &TimeZone,
    t: Texts,
) -> ContributionForm {
    let mut form = ContributionForm {
        state: domain::zsm::model::forms::contribution_state_code(state).to_string(),
        ..Default::default()
    };
    match content {
        Some(ContributionContent::Police(p)) => {
            form.additional_information = p.additional_information.clone();
            form.requests_to_prosecutor = p.requests_to_prosecutor.clone();
        }
        Some(ContributionContent::Probation(scan)) => {
            form.advice =
                ADVICE.iter().find(|(a, _)| *a == scan.advice).map(|(_, c)| c.to_string()).unwrap_or_default();
            for signal in &scan.signals {
                if let Some((_, code)) = LIFE_DOMAINS.iter().find(|(d, _)| *d == signal.domain) {
                    form.signals.insert(code.to_string(), signal.note.clone());
                }
            }
        }
        Some(ContributionContent::VictimSupport(v)) => {
            form.interests = v.interests.clone();
            form.damages_claim = v.damages_claim_cents.map(|c| euros_in(c, t)).unwrap_or_default();
            form.wants_information = v.wants_information;
            form.wants_restorative_contact = v.wants_restorative_contact;
        }
        Some(ContributionContent::DefenceLawyer(l)) => {
            form.consulted_at = l.consulted_at.to_zoned(zone.clone()).strftime("%Y-%m-%dT%H:%M").to_string();
            form.mode = MODES.iter().find(|(m, _)| *m == l.mode).map(|(_, c)| c.to_string()).unwrap_or_default();
            form.lawyer_advice = l.advice.clone();
            form.settlement_consequences_explained = l.settlement_consequences_explained;
            form.suspect_position = l.suspect_position.clone();
            form.shared_with_prosecutor = l.shared_with_prosecutor;
        }
        Some(ContributionContent::Municipality(m)) => {
            form.known_to_social_services = m.known_to_social_services;
            form.known_to_youth_care = m.known_to_youth_care;
            form.note = m.note.clone();
        }
        Some(ContributionContent::ChildProtectionBoard { note }) | Some(ContributionContent::Halt { note }) => {
            form.note = note.clone();
        }
        None => {}
    }
    form
}

/// What a section shows to a reader who may see it: label key and value.
pub fn content_lines(content: &ContributionContent, zone: &TimeZone, t: Texts) -> Vec<(String, String)> {
    let yes_no = |b: bool| t.get(if b { "zsm.yes" } else { "zsm.no" }).to_string();
    let line = |key: &str, value: String| (t.get(key).to_string(), value);
    match content {
        ContributionContent::Police(p) => vec![
            line("zsm.police.additional", p.additional_information.clone()),
            line("zsm.police.requests", p.requests_to_prosecutor.clone()),
        ],
        ContributionContent::Probation(scan) => {
            let advice = ADVICE.iter().find(|(a, _)| *a == scan.advice).map(|(_, c)| *c).unwrap_or("no_concerns");
            let mut lines = vec![line("zsm.probation.advice", t.get(&format!("zsm.advice.{advice}")).to_string())];
            for signal in &scan.signals {
                let code = LIFE_DOMAINS.iter().find(|(d, _)| *d == signal.domain).map(|(_, c)| *c).unwrap_or("other");
                lines.push((
                    format!("{}: {}", t.get("zsm.probation.signals"), t.get(&format!("zsm.domain.{code}"))),
                    signal.note.clone(),
                ));
            }
            lines
        }
        ContributionContent::VictimSupport(v) => vec![
            line("zsm.victim.interests", v.interests.clone()),
            line("zsm.victim.damages", v.damages_claim_cents.map(|c| money_text(c, t)).unwrap_or_else(|| "–".into())),
            line("zsm.victim.information", yes_no(v.wants_information)),
            line("zsm.victim.restorative", yes_no(v.wants_restorative_contact)),
        ],
        ContributionContent::DefenceLawyer(l) => {
            let mode = MODES.iter().find(|(m, _)| *m == l.mode).map(|(_, c)| *c).unwrap_or("in_person");
            vec![
                line("zsm.defence.consulted_at", local_time(l.consulted_at, zone)),
                line("zsm.defence.mode", t.get(&format!("zsm.mode.{mode}")).to_string()),
                line("zsm.defence.advice", l.advice.clone()),
                line("zsm.defence.consequences", yes_no(l.settlement_consequences_explained)),
                line("zsm.defence.position", l.suspect_position.clone()),
                line("zsm.defence.shared", yes_no(l.shared_with_prosecutor)),
            ]
        }
        ContributionContent::Municipality(m) => vec![
            line("zsm.municipality.social", yes_no(m.known_to_social_services)),
            line("zsm.municipality.youth", yes_no(m.known_to_youth_care)),
            line("zsm.note", m.note.clone()),
        ],
        ContributionContent::ChildProtectionBoard { note } | ContributionContent::Halt { note } => {
            vec![line("zsm.note", note.clone())]
        }
    }
}

pub fn euros(cents: i64) -> String {
    format!("{}{}.{:02}", if cents < 0 { "-" } else { "" }, cents.abs() / 100, cents.abs() % 100)
}

/// An amount in the page's language and locale: `€ 1.234,50` in Dutch, `€1,234.50` in English.
pub fn money_text(cents: i64, t: Texts) -> String {
    // By the language's code, so that a language added later falls to the continental style.
    let (thousands, decimal, space) = match t.lang.code() {
        "en" => (',', '.', ""),
        _ => ('.', ',', " "),
    };
    let whole = (cents.abs() / 100).to_string();
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(thousands);
        }
        grouped.push(digit);
    }
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}€{space}{grouped}{decimal}{:02}", cents.abs() % 100)
}

/// A number with its unit in the page's language, e.g. `40 uur`, `3 months`.
pub fn unit_text(n: i64, unit: domain::jurisdiction::disposals::Unit, t: Texts) -> String {
    format!("{n} {}", unit_label(unit, t))
}

/// Euros as a member reads and types them: the decimal comma in Dutch and Italian (45,90), the
/// point in English (45.90); the money fields accept both.
pub fn euros_in(cents: i64, t: Texts) -> String {
    let text = euros(cents);
    if t.lang.code() == "en" { text } else { text.replace('.', ",") }
}

pub fn parameter_text(value: &ParameterValue, kind: Option<&ParameterKind>, t: Texts) -> String {
    match value {
        ParameterValue::Integer(n) => match kind {
            Some(ParameterKind::Integer { unit, .. }) => unit_text(*n, *unit, t),
            _ => n.to_string(),
        },
        ParameterValue::Money(cents) => money_text(*cents, t),
        ParameterValue::Flag(b) => t.get(if *b { "zsm.yes" } else { "zsm.no" }).to_string(),
        ParameterValue::Text(text) => text.clone(),
        ParameterValue::Date(date) => date.to_string(),
        ParameterValue::Choice(code) => match kind {
            Some(ParameterKind::Choice { options }) => {
                options.iter().find(|o| &o.code == code).map(|o| named(o, t)).unwrap_or_else(|| code.clone())
            }
            _ => code.clone(),
        },
    }
}

/// The decision's parameters as (name, value) lines.
pub fn decision_lines(decision: &Decision, pack: &JurisdictionPack, t: Texts) -> Vec<(String, String)> {
    let definition = pack.disposal(&decision.disposal).ok();
    decision
        .parameters
        .iter()
        .map(|(code, value)| {
            let parameter = definition.and_then(|d| d.parameter(code));
            let name = parameter.map(|p| named(p, t)).unwrap_or_else(|| code.to_string());
            (name, parameter_text(value, parameter.map(|p| &p.value), t))
        })
        .collect()
}

pub fn disposal_name(pack: &JurisdictionPack, code: &str, t: Texts) -> String {
    pack.disposal(&code.into()).map(|d| named(d, t)).unwrap_or_else(|_| code.to_string())
}

/// The intake form from its fields; offence and victim rows are repeated fields in order.
pub fn intake_form(posted: &Posted) -> IntakeForm {
    let offences = posted
        .all("offence_type")
        .into_iter()
        .enumerate()
        .map(|(i, offence_type)| OffenceForm {
            offence_type,
            committed_on: posted.nth("offence_date", i),
            place: posted.nth("offence_place", i),
            description: posted.nth("offence_description", i),
            pretrial_detention: posted.nth("offence_pretrial", i),
        })
        .collect();
    // Each row's person comes from its picker (`victim_person_<row>`); a form posted without
    // pickers names them in order under `victim_person`.
    let rows = posted.all("victim_person").len().max(posted.all("victim_description").len());
    let victims = (0..rows)
        .map(|i| {
            let picked = posted.get(&victim_field(i));
            VictimForm {
                person_id: if picked.trim().is_empty() { posted.nth("victim_person", i) } else { picked },
                description: posted.nth("victim_description", i),
            }
        })
        .collect();
    IntakeForm {
        suspect_id: posted.get("suspect_id"),
        suspect_is_minor: posted.get("suspect_is_minor") == "yes",
        location: posted.get("location"),
        arrested_at: posted.get("arrested_at"),
        arrived_at: posted.get("arrived_at"),
        offences,
        victims,
        police_report_summary: posted.get("police_report_summary"),
        prior_record_summary: posted.get("prior_record_summary"),
        lawyer_id: posted.get("lawyer_id"),
    }
}

/// The field a victim row's picker posts its chosen person under.
pub fn victim_field(row: usize) -> String {
    format!("victim_person_{row}")
}

/// The intake form with the blank rows a page offers.
pub fn padded(mut form: IntakeForm) -> IntakeForm {
    while form.offences.len() < OFFENCE_ROWS {
        form.offences.push(OffenceForm { pretrial_detention: "yes".into(), ..Default::default() });
    }
    while form.victims.len() < VICTIM_ROWS {
        form.victims.push(VictimForm::default());
    }
    form
}

pub fn contribution_form(posted: &Posted) -> ContributionForm {
    let flag = |name: &str| posted.get(name) == "yes";
    let signals: BTreeMap<String, String> = posted
        .all("signal")
        .into_iter()
        .map(|code| {
            let note = posted.get(&format!("signal_note.{code}"));
            (code, note)
        })
        .collect();
    ContributionForm {
        state: posted.get("state"),
        additional_information: posted.get("additional_information"),
        requests_to_prosecutor: posted.get("requests_to_prosecutor"),
        advice: posted.get("advice"),
        signals,
        interests: posted.get("interests"),
        damages_claim: posted.get("damages_claim"),
        wants_information: flag("wants_information"),
        wants_restorative_contact: flag("wants_restorative_contact"),
        consulted_at: posted.get("consulted_at"),
        mode: posted.get("mode"),
        lawyer_advice: posted.get("lawyer_advice"),
        settlement_consequences_explained: flag("settlement_consequences_explained"),
        suspect_position: posted.get("suspect_position"),
        shared_with_prosecutor: flag("shared_with_prosecutor"),
        known_to_social_services: flag("known_to_social_services"),
        known_to_youth_care: flag("known_to_youth_care"),
        note: posted.get("note"),
    }
}

/// The decision form: only the chosen disposal's parameters (`param.{disposal}.{code}`) count,
/// so every disposal's fields can be on one page without JavaScript.
pub fn decision_form(posted: &Posted) -> DecisionForm {
    let disposal = posted.get("disposal");
    let prefix = format!("param.{}.", disposal.trim());
    let parameters = posted
        .0
        .iter()
        .filter_map(|(k, v)| k.strip_prefix(&prefix).map(|code| (code.to_string(), v.clone())))
        .collect();
    let obligations = posted
        .all("obligation_kind")
        .into_iter()
        .enumerate()
        .map(|(i, kind)| ObligationForm {
            kind,
            starts_on: posted.nth("obligation_starts_on", i),
            ends_on: posted.nth("obligation_ends_on", i),
            details: posted.nth("obligation_details", i),
        })
        .collect();
    DecisionForm {
        disposal,
        parameters,
        obligations,
        reasoning: posted.get("reasoning"),
        override_reason: posted.get("override_reason"),
    }
}

#[cfg(test)]
mod money_tests {
    use super::money_text;
    use crate::i18n::{Lang, Texts};

    #[test]
    fn amounts_follow_the_page_locale() {
        assert_eq!(money_text(4590, Texts::new(Lang::Nl)), "€ 45,90");
        assert_eq!(money_text(123_450, Texts::new(Lang::Nl)), "€ 1.234,50");
        assert_eq!(money_text(4590, Texts::new(Lang::En)), "€45.90");
        assert_eq!(money_text(100_000_000, Texts::new(Lang::En)), "€1,000,000.00");
        assert_eq!(money_text(-5, Texts::new(Lang::En)), "-€0.05");
    }
}
