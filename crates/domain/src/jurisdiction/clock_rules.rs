//! Clock definitions as pack data, and the pure functions that turn a start instant into a
//! deadline. There is no code per country: a clock is one of a small set of computation kinds
//! ([`Computation`]) with lengths, extensions and milestones taken from the pack.
//!
//! All instants are UTC [`Timestamp`]s; rules that depend on local time (the Dutch rule that the
//! hours between 00:00 and 09:00 do not count, art. 56a lid 3 Sv) are evaluated in the pack's
//! time zone, so daylight-saving changes are handled by the time zone database, not by us.

use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Span, Timestamp};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

use super::error::JurisdictionError;
use super::vocabulary::{AuthorityRole, CaseFact, ClockCode, ExtensionCode};

/// A length of time as the law states it. `days` are civil days in the pack's time zone (three
/// days from 14:00 ends at 14:00, even across a daylight-saving change); `hours` are real hours.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClockSpan {
    #[serde(default)]
    pub days: u32,
    #[serde(default)]
    pub hours: u32,
}

impl ClockSpan {
    pub const fn hours(hours: u32) -> Self {
        Self { days: 0, hours }
    }

    pub const fn days(days: u32) -> Self {
        Self { days, hours: 0 }
    }

    /// Length in nominal hours (a day counts as 24), used to compare spans against limits.
    pub fn nominal_hours(self) -> u32 {
        self.days * 24 + self.hours
    }

    pub fn is_zero(self) -> bool {
        self.nominal_hours() == 0
    }

    pub fn plus(self, other: ClockSpan) -> ClockSpan {
        ClockSpan { days: self.days + other.days, hours: self.hours + other.hours }
    }
}

/// What a clock is for: the board sorts on all of them, metrics use `target`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockCategory {
    /// A legal limit on deprivation of liberty.
    Detention,
    /// A deadline for bringing the suspect before a court or judge.
    Court,
    /// An agreed (non-statutory) processing target such as the ZSM decision target.
    Target,
    /// An administrative order that runs for days (e.g. temporary domestic-violence exclusion).
    ExclusionOrder,
}

/// The moment a clock starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockAnchor {
    /// The moment of arrest (NL art. 56a, 59a Sv).
    Arrest,
    /// Arrival at the police station: the PACE "relevant time" (s41(2)).
    Arrival,
    /// The moment an order is given (NL *inverzekeringstelling*, a *huisverbod*).
    Order,
}

/// The generic computation kinds. Adding a country should need new data, not a new kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Computation {
    /// Plain elapsed time: days in civil time, hours in real time.
    Elapsed,
    /// Only hours outside a daily local window count (NL art. 56a lid 3 Sv: 00:00–09:00).
    CountedHours { not_counted: NotCountedWindow },
}

/// A daily window in local time whose hours do not count towards a clock. `from` < `until`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotCountedWindow {
    pub from: Time,
    pub until: Time,
}

/// The clock length that applies when a case fact holds; the rule without `when` is the default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DurationRule {
    pub when: Option<CaseFact>,
    #[serde(default)]
    pub days: u32,
    #[serde(default)]
    pub hours: u32,
}

impl DurationRule {
    pub fn span(&self) -> ClockSpan {
        ClockSpan { days: self.days, hours: self.hours }
    }
}

/// An extension a clock allows: who may grant it, how often, by how much, up to what total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtensionRule {
    pub code: ExtensionCode,
    pub name_nl: String,
    pub name_en: String,
    pub name_it: String,
    pub legal_basis: String,
    pub granted_by: Vec<AuthorityRole>,
    pub max_times: u32,
    /// The most one grant may add; also the default when the request names no length.
    pub max_add: Option<ClockSpan>,
    /// The most the clock may run in total (from its start) once extended.
    pub up_to_total: Option<ClockSpan>,
    /// Another extension of the same clock that must have been granted first.
    pub requires_prior: Option<ExtensionCode>,
}

/// A point during a clock at which something is due, e.g. advice on extending a *huisverbod*.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Milestone {
    pub code: String,
    pub name_nl: String,
    pub name_en: String,
    pub name_it: String,
    pub after: ClockSpan,
}

/// One clock of a jurisdiction pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClockDefinition {
    pub code: ClockCode,
    pub name_nl: String,
    pub name_en: String,
    pub name_it: String,
    pub legal_basis: String,
    pub category: ClockCategory,
    pub starts_at: ClockAnchor,
    /// For clocks started by an order: the legal offices that may give it (NL art. 57 Sv: the
    /// public prosecutor or an assistant prosecutor). Empty for clocks that start by themselves.
    #[serde(default)]
    pub ordered_by: Vec<AuthorityRole>,
    /// A case fact without which the order may not be given (NL art. 57 jo. 67 Sv: custody
    /// only for offences that allow pre-trial detention).
    #[serde(default)]
    pub only_when: Option<CaseFact>,
    /// The running clock this order takes over from; it stops when the order is given.
    #[serde(default)]
    pub supersedes: Option<ClockCode>,
    pub computation: Computation,
    pub durations: Vec<DurationRule>,
    #[serde(default)]
    pub extensions: Vec<ExtensionRule>,
    #[serde(default)]
    pub milestones: Vec<Milestone>,
    /// Overrides the pack's warning thresholds for this clock (minutes before the deadline).
    pub warning_thresholds_minutes: Option<Vec<u32>>,
}

impl ClockDefinition {
    /// The length that applies to a case with these facts: the first rule whose fact holds,
    /// else the default rule (validation guarantees the last rule is a default).
    pub fn base_length(&self, facts: &BTreeSet<CaseFact>) -> ClockSpan {
        self.durations
            .iter()
            .find(|rule| rule.when.is_none_or(|fact| facts.contains(&fact)))
            .map(DurationRule::span)
            .unwrap_or_default()
    }

    pub fn extension(&self, code: &ExtensionCode) -> Option<&ExtensionRule> {
        self.extensions.iter().find(|rule| &rule.code == code)
    }

    /// The deadline of a clock started at `start` that may run for `length`.
    pub fn deadline(&self, start: Timestamp, length: ClockSpan, tz: &TimeZone) -> Result<Timestamp, JurisdictionError> {
        match &self.computation {
            Computation::Elapsed => elapsed_deadline(start, length, tz),
            Computation::CountedHours { not_counted } => {
                counted_hours_deadline(start, length.nominal_hours(), not_counted, tz)
            }
        }
    }
}

/// `start` + `length`: civil days in `tz` first, then real hours.
pub fn elapsed_deadline(start: Timestamp, length: ClockSpan, tz: &TimeZone) -> Result<Timestamp, JurisdictionError> {
    let after_days = start
        .to_zoned(tz.clone())
        .checked_add(Span::new().days(i64::from(length.days)))
        .map_err(|_| JurisdictionError::TimeOutOfRange)?
        .timestamp();
    after_days
        .checked_add(SignedDuration::from_hours(i64::from(length.hours)))
        .map_err(|_| JurisdictionError::TimeOutOfRange)
}

/// The instant at which `hours` real hours outside the daily `window` have elapsed since
/// `start`. Window boundaries are local civil times converted to instants on each local date, so
/// a night with a daylight-saving change has a window of 8 or 10 real hours; the hours that
/// count are always real elapsed hours.
pub fn counted_hours_deadline(
    start: Timestamp,
    hours: u32,
    window: &NotCountedWindow,
    tz: &TimeZone,
) -> Result<Timestamp, JurisdictionError> {
    let mut remaining = SignedDuration::from_hours(i64::from(hours));
    let mut cursor = start;
    loop {
        let (window_start, window_end) = next_window(cursor, window, tz)?;
        if cursor < window_start {
            let available = window_start.duration_since(cursor);
            if remaining <= available {
                return cursor.checked_add(remaining).map_err(|_| JurisdictionError::TimeOutOfRange);
            }
            remaining -= available;
        }
        cursor = window_end;
    }
}

/// How much time between `from` and `to` counts under `window` (zero if `to` <= `from`).
/// The inverse of [`counted_hours_deadline`]; used for invariants and for "hours used so far".
pub fn counted_duration(
    from: Timestamp,
    to: Timestamp,
    window: &NotCountedWindow,
    tz: &TimeZone,
) -> Result<SignedDuration, JurisdictionError> {
    let mut counted = SignedDuration::ZERO;
    let mut cursor = from;
    while cursor < to {
        let (window_start, window_end) = next_window(cursor, window, tz)?;
        if cursor < window_start {
            counted += window_start.min(to).duration_since(cursor);
        }
        cursor = window_end;
    }
    Ok(counted)
}

/// The first not-counted window that ends after `at`: either the one `at` is in, or the next.
fn next_window(
    at: Timestamp,
    window: &NotCountedWindow,
    tz: &TimeZone,
) -> Result<(Timestamp, Timestamp), JurisdictionError> {
    let today = at.to_zoned(tz.clone()).date();
    let (start, end) = window_on(today, window, tz)?;
    if at < end {
        return Ok((start, end));
    }
    let tomorrow = today.tomorrow().map_err(|_| JurisdictionError::TimeOutOfRange)?;
    window_on(tomorrow, window, tz)
}

/// The window on one local date as instants. A boundary that falls in a daylight-saving gap or
/// fold is resolved the "compatible" way (gap: the later instant; fold: the earlier one).
fn window_on(
    date: Date,
    window: &NotCountedWindow,
    tz: &TimeZone,
) -> Result<(Timestamp, Timestamp), JurisdictionError> {
    let instant = |time: Time| {
        date.to_datetime(time)
            .to_zoned(tz.clone())
            .map(|zoned| zoned.timestamp())
            .map_err(|_| JurisdictionError::TimeOutOfRange)
    };
    Ok((instant(window.from)?, instant(window.until)?))
}

#[cfg(test)]
#[path = "clock_rules_tests.rs"]
mod tests;
