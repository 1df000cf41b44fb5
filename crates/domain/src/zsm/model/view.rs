//! What each reader may see of a case (need-to-know), the columns the board and the metrics
//! page query on, and the metrics themselves. All pure; the service applies them.

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use crate::directory::AgencyKind;
use crate::jurisdiction::{DisposalOutcome, JurisdictionPack, Partner};
use crate::zsm::model::contribution::ContributionContent;
use crate::zsm::workflow::case::{CaseStatus, ZsmCase};
use crate::zsm::workflow::clock::{ClockRun, most_urgent};

/// The table partner an agency kind speaks for; the prosecution decides and has no section.
pub fn partner_of(kind: AgencyKind) -> Option<Partner> {
    match kind {
        AgencyKind::Police => Some(Partner::Police),
        AgencyKind::Probation => Some(Partner::Probation),
        AgencyKind::VictimSupport => Some(Partner::VictimSupport),
        AgencyKind::Defence => Some(Partner::DefenceLawyer),
        AgencyKind::Municipality => Some(Partner::Municipality),
        AgencyKind::ChildProtection => Some(Partner::ChildProtectionBoard),
        AgencyKind::Halt => Some(Partner::Halt),
        _ => None,
    }
}

/// Who is reading a case, as far as need-to-know is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Viewer {
    pub agency: AgencyKind,
    /// A prosecutor of the prosecution service.
    pub prosecutor: bool,
    /// The member is recorded as the suspect's lawyer on this case.
    pub recorded_lawyer: bool,
}

impl Viewer {
    /// Victim details (linked people, descriptions, victim support's section) are never shown
    /// to the suspect's defence.
    pub fn may_see_victims(&self) -> bool {
        self.agency != AgencyKind::Defence
    }

    /// Whether the content of `partner`'s section is shown (its state always is).
    pub fn may_see_section(&self, partner: Partner, content: Option<&ContributionContent>) -> bool {
        match partner {
            Partner::VictimSupport => self.may_see_victims(),
            Partner::DefenceLawyer => {
                let shared = matches!(content, Some(ContributionContent::DefenceLawyer(c)) if c.shared_with_prosecutor);
                (self.agency == AgencyKind::Defence && self.recorded_lawyer) || (self.prosecutor && shared)
            }
            _ => true,
        }
    }

    pub fn may_edit_section(&self, partner: Partner) -> bool {
        partner_of(self.agency) == Some(partner) && (partner != Partner::DefenceLawyer || self.recorded_lawyer)
    }
}

/// A case as one reader may see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseView {
    pub case: ZsmCase,
    pub victims_hidden: bool,
    /// Sections whose content was withheld from this reader.
    pub hidden_sections: Vec<Partner>,
}

pub fn redact(case: &ZsmCase, viewer: Viewer) -> CaseView {
    let mut shown = case.clone();
    let victims_hidden = !viewer.may_see_victims() && !case.intake.details().victims.is_empty();
    if !viewer.may_see_victims() {
        shown.intake = case.intake.without_victims();
    }
    let mut hidden_sections = Vec::new();
    for (partner, contribution) in case.contributions.iter() {
        if contribution.content.is_some() && !viewer.may_see_section(partner, contribution.content.as_ref()) {
            shown.contributions = shown.contributions.without_content_of(partner);
            hidden_sections.push(partner);
        }
    }
    CaseView { case: shown, victims_hidden, hidden_sections }
}

/// A case's reference for people: its table, the day it was registered there (in the
/// jurisdiction's time zone) and the last six hex digits of its id, e.g.
/// `ZSM-UTRECHT-20261122-4C9A1F`. Read aloud on the phone and printed on the record instead
/// of the id; the id's random tail keeps references of one table and day apart.
pub fn case_reference(case: &ZsmCase, zone: &jiff::tz::TimeZone) -> String {
    let details = case.intake.details();
    // `zsm-utrecht` reads ZSM-UTRECHT-…, a custody suite's code as it is (no ZSM in England).
    let table = details.location.to_uppercase();
    let day = case.intake.registered_at().to_zoned(zone.clone()).strftime("%Y%m%d").to_string();
    let id = case.id.as_uuid().simple().to_string().to_uppercase();
    format!("{table}-{day}-{}", &id[id.len() - 6..])
}

/// The case's columns that the board and the metrics query on, derived in one place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseIndex {
    pub status: String,
    /// Still waiting for the table: registered, at the table, or returned after a breach.
    pub open: bool,
    /// The deadline of the most urgent running clock while the case is open.
    pub urgent_deadline: Option<Timestamp>,
    pub first_decided_at: Option<Timestamp>,
    /// The disposal in force.
    pub disposal: Option<String>,
    /// Dismissed or settled out of court: the case ended at the table.
    pub settled_at_table: bool,
    /// First decision at or before the deadline of the pack's ZSM target clock.
    pub within_target: Option<bool>,
    pub signals_beyond_case: bool,
    /// Handed on for further work (case management, hearing) or referred without decision.
    pub referral_made: bool,
}

pub fn status_code(status: &CaseStatus) -> &'static str {
    match status {
        CaseStatus::Registered => "registered",
        CaseStatus::AtTable { .. } => "at_table",
        CaseStatus::Decided { .. } => "decided",
        CaseStatus::ReturnedToProsecutor { .. } => "returned",
        CaseStatus::Referred { .. } => "referred",
    }
}

pub fn index(case: &ZsmCase, clocks: &[ClockRun], pack: &JurisdictionPack) -> CaseIndex {
    let open = case.status.is_open();
    let decision = case.status.decision();
    let target = clocks.iter().find(|run| run.clock == pack.zsm_target.clock);
    CaseIndex {
        status: status_code(&case.status).into(),
        open,
        urgent_deadline: if open { most_urgent(clocks).map(|run| run.deadline) } else { None },
        first_decided_at: case.first_decided_at(),
        disposal: decision.map(|d| d.disposal.to_string()),
        settled_at_table: decision
            .is_some_and(|d| matches!(d.outcome, DisposalOutcome::Dismissed | DisposalOutcome::SettledOutOfCourt)),
        within_target: target.and_then(|run| case.decided_by(run.deadline)),
        signals_beyond_case: case.contributions.has_signals_beyond_the_case(),
        referral_made: matches!(case.status, CaseStatus::Referred { .. })
            || decision.is_some_and(|d| d.outcome == DisposalOutcome::Referred),
    }
}

/// One case of a location and period, as the metrics page reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetricsRow {
    pub registered_at: Timestamp,
    pub arrested_at: Timestamp,
    pub index: CaseIndex,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    pub from: Date,
    pub to: Date,
    pub cases: u32,
    pub decided: u32,
    /// Cases registered per local day, every day of the period (zero days included).
    pub cases_per_day: Vec<(Date, u32)>,
    pub settled_share: Option<f64>,
    pub median_minutes_to_decision: Option<i64>,
    pub p90_minutes_to_decision: Option<i64>,
    pub within_target_share: Option<f64>,
    /// Disposal code and count, most frequent first.
    pub disposals: Vec<(String, u32)>,
    pub signals_share: Option<f64>,
    pub referral_share: Option<f64>,
}

fn share(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// The nearest-rank percentile of sorted values.
pub fn percentile(sorted: &[i64], p: f64) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

/// Metrics over the cases registered from `from` to `to` (local dates, inclusive).
pub fn metrics(rows: &[MetricsRow], zone: &TimeZone, from: Date, to: Date) -> Metrics {
    let mut per_day: BTreeMap<Date, u32> = BTreeMap::new();
    let mut day = from;
    while day <= to {
        per_day.insert(day, 0);
        match day.tomorrow() {
            Ok(next) => day = next,
            Err(_) => break,
        }
    }
    for row in rows {
        *per_day.entry(row.registered_at.to_zoned(zone.clone()).date()).or_default() += 1;
    }
    let decided: Vec<&MetricsRow> = rows.iter().filter(|r| r.index.first_decided_at.is_some()).collect();
    let mut minutes: Vec<i64> = decided
        .iter()
        .filter_map(|r| r.index.first_decided_at.map(|at| at.duration_since(r.arrested_at).as_mins()))
        .collect();
    minutes.sort_unstable();
    let mut disposals: BTreeMap<String, u32> = BTreeMap::new();
    for row in &decided {
        if let Some(code) = &row.index.disposal {
            *disposals.entry(code.clone()).or_default() += 1;
        }
    }
    let mut disposals: Vec<(String, u32)> = disposals.into_iter().collect();
    disposals.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let with_target: Vec<bool> = decided.iter().filter_map(|r| r.index.within_target).collect();
    Metrics {
        from,
        to,
        cases: rows.len() as u32,
        decided: decided.len() as u32,
        cases_per_day: per_day.into_iter().collect(),
        settled_share: share(rows.iter().filter(|r| r.index.settled_at_table).count(), rows.len()),
        median_minutes_to_decision: percentile(&minutes, 50.0),
        p90_minutes_to_decision: percentile(&minutes, 90.0),
        within_target_share: share(with_target.iter().filter(|w| **w).count(), with_target.len()),
        disposals,
        signals_share: share(rows.iter().filter(|r| r.index.signals_beyond_case).count(), rows.len()),
        referral_share: share(rows.iter().filter(|r| r.index.referral_made).count(), rows.len()),
    }
}

#[cfg(test)]
#[path = "view_tests.rs"]
mod tests;
