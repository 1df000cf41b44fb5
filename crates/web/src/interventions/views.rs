//! What the interventions pages show, in the reader's language.

use crate::i18n::Texts;
use domain::interventions::service::Found;
use domain::interventions::{ChangeDetail, ExpectedWait, Intervention, Misfit, ReferralChange, ReferralListing};
use domain::jurisdiction::BeyondPack;
use jiff::tz::TimeZone;

pub fn domain_label(pack: &BeyondPack, key: &str, t: Texts) -> String {
    pack.screening.domain(key).map(|d| d.label.get(t.lang.pack()).to_string()).unwrap_or_else(|| key.to_string())
}

pub fn wait_text(wait: ExpectedWait, t: Texts) -> String {
    match wait {
        ExpectedWait::Days { days: 0 } => t.get("interventions.wait.now").to_string(),
        ExpectedWait::Days { days } => t.fill("interventions.wait.days", &[("days", &days.to_string())]),
        ExpectedWait::NextGroup { starts, days } => {
            t.fill("interventions.wait.next_group", &[("date", &starts.to_string()), ("days", &days.to_string())])
        }
        ExpectedWait::NoPlace => t.get("interventions.wait.no_place").to_string(),
    }
}

pub struct FoundView {
    pub id: String,
    pub name: String,
    pub provider: String,
    pub kind: String,
    pub addresses: String,
    pub wait: String,
    pub too_long: bool,
    pub eligible: bool,
    /// Why the person may not take part, one sentence each.
    pub misfits: Vec<String>,
    pub format: String,
    pub cost: Option<String>,
}

pub fn found_view(f: &Found, provider: String, pack: &BeyondPack, t: Texts, threshold: u32) -> FoundView {
    FoundView {
        id: f.intervention.id.to_string(),
        name: f.intervention.name.clone(),
        provider,
        kind: t.get(&format!("interventions.kind.{}", f.intervention.kind.code())).to_string(),
        addresses: f.addresses.iter().map(|n| domain_label(pack, n.as_str(), t)).collect::<Vec<_>>().join(", "),
        wait: wait_text(f.wait, t),
        too_long: f.wait.too_long(threshold),
        eligible: f.eligible,
        misfits: f.misfits.iter().map(|m| misfit_text(m, t)).collect(),
        format: format_text(&f.intervention, t),
        cost: f.intervention.unit_cost_cents.map(|c| money_text(c, t)),
    }
}

/// The languages the message catalogue names (`language.name.<code>`); others show as their code.
pub const NAMED_LANGUAGES: [&str; 19] = [
    "nl", "en", "de", "fr", "es", "it", "pt", "pl", "ro", "bg", "uk", "ru", "tr", "ar", "ber", "so", "ti", "fa", "pap",
];

/// A language's name in the reader's language, or its code when the catalogue has none.
pub fn language_name(code: &str, t: Texts) -> String {
    let code = code.trim().to_ascii_lowercase();
    match NAMED_LANGUAGES.iter().find(|named| **named == code) {
        Some(named) => t.get(&format!("language.name.{named}")).to_string(),
        None => code,
    }
}

/// Why the person does not fit an entry, in words.
pub fn misfit_text(misfit: &Misfit, t: Texts) -> String {
    match misfit {
        Misfit::Age { min_age, max_age } => {
            let bound = |v: &Option<u8>| v.map(|n| n.to_string()).unwrap_or_default();
            let key = match (min_age, max_age) {
                (Some(_), Some(_)) => "interventions.misfit.age_between",
                (Some(_), None) => "interventions.misfit.age_from",
                _ => "interventions.misfit.age_up_to",
            };
            t.fill(key, &[("min", &bound(min_age)), ("max", &bound(max_age))])
        }
        Misfit::Sex => t.get("interventions.misfit.sex").to_string(),
        Misfit::Risk => t.get("interventions.misfit.risk").to_string(),
        Misfit::Language { languages } => {
            let names = languages.iter().map(|l| language_name(l, t)).collect::<Vec<_>>().join(", ");
            t.fill("interventions.misfit.language", &[("languages", &names)])
        }
    }
}

pub fn format_text(i: &Intervention, t: Texts) -> String {
    // "1 session", never "1 sessions": the singular has its own text in each language.
    let key = if i.sessions == 1 { "interventions.sessions_one" } else { "interventions.sessions" };
    let sessions = t.fill(key, &[("sessions", &i.sessions.to_string()), ("weeks", &i.duration_weeks.to_string())]);
    match &i.format {
        domain::interventions::Format::OneToOne => format!("{} · {sessions}", t.get("interventions.format.one_to_one")),
        domain::interventions::Format::Group { .. } => format!("{} · {sessions}", t.get("interventions.format.group")),
    }
}

/// A referral on a list.
pub struct ReferralLine {
    pub id: String,
    pub person: String,
    pub intervention: String,
    pub status: String,
    pub status_code: &'static str,
    pub created_on: String,
    /// None before it started: shown as "—".
    pub started_on: Option<String>,
    pub sessions: u32,
}

pub fn referral_line(r: &ReferralListing, person: &str, t: Texts) -> ReferralLine {
    ReferralLine {
        id: r.id.to_string(),
        person: person.to_owned(),
        intervention: r.intervention_name.clone(),
        status: t.get(&format!("referral.status.{}", r.status.code())).to_string(),
        status_code: r.status.code(),
        created_on: r.created_on.to_string(),
        started_on: r.started_on.map(|d| d.to_string()),
        sessions: r.sessions,
    }
}

/// One row of a referral's history.
pub struct ChangeRow {
    pub at: String,
    pub side: String,
    pub status: String,
    pub what: String,
}

pub fn change_row(c: &ReferralChange, t: Texts, zone: &TimeZone) -> ChangeRow {
    let status = |s: domain::interventions::ReferralStatus| t.get(&format!("referral.status.{}", s.code())).to_string();
    let what = match &c.detail {
        ChangeDetail::Created => t.get("referral.change.created").to_string(),
        ChangeDetail::Status { to, reason, note } => {
            let mut text = t.fill("referral.change.status", &[("status", &status(*to))]);
            if let Some(reason) = reason {
                text.push_str(&format!(" — {}", t.get(&format!("referral.reason.{}", reason.code()))));
            }
            if let Some(note) = note {
                text.push_str(&format!(": {note}"));
            }
            text
        }
        ChangeDetail::Amended(a) => t.fill(
            "referral.change.amended",
            &[
                ("field", t.get(&format!("referral.field.{}", a.field.code()))),
                ("before", &a.before),
                ("after", &a.after),
                ("reason", &a.reason),
            ],
        ),
        ChangeDetail::Scheduled { on, note } => {
            t.fill("referral.change.scheduled", &[("date", &on.to_string()), ("note", note)])
        }
        ChangeDetail::Attendance(s) => t.fill(
            "referral.change.attendance",
            &[
                ("date", &s.on.to_string()),
                ("attended", t.get(&format!("referral.attended.{}", s.attended.code()))),
                ("reason", s.reason.as_deref().unwrap_or("")),
            ],
        ),
        ChangeDetail::Feedback { on, text } => {
            t.fill("referral.change.feedback", &[("date", &on.to_string()), ("text", text)])
        }
        ChangeDetail::Concern { text } => t.fill("referral.change.concern", &[("text", text)]),
        ChangeDetail::Progress(p) => t.fill(
            "referral.change.progress",
            &[
                ("outcome", &p.outcome),
                ("achievement", t.get(&format!("referral.achievement.{}", p.achievement.code()))),
                ("note", &p.note),
            ],
        ),
        ChangeDetail::Report(r) => t.fill("referral.change.report", &[("summary", &r.summary)]),
    };
    ChangeRow {
        at: crate::page::local_time(c.at, zone),
        side: t.get(&format!("referral.side.{}", c.side.code())).to_string(),
        status: status(c.status),
        what,
    }
}

/// An amount in the page's language: `€ 1.234,50` in Dutch and Italian, `€1,234.50` in English.
pub fn money_text(cents: i64, t: Texts) -> String {
    let (thousands, decimal, space) = if t.lang.code() == "en" { (',', '.', "") } else { ('.', ',', " ") };
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
