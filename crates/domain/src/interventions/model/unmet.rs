//! Unmet need: what a referrer records when nothing fits or the wait is too long, and the
//! "needed but unavailable" report for commissioners, with small counts suppressed so no one
//! person can be picked out of it.

use crate::ids::{AgencyId, MemberId, PersonId};
use crate::jurisdiction::DomainKey;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The default wait past which unmet need is offered: six weeks.
pub const DEFAULT_WAIT_THRESHOLD_DAYS: u32 = 42;
/// How long a wait may be before the finder offers to record unmet need: the deployment's
/// setting, and for some needs (a life domain of the pack) a setting of their own — a night
/// shelter cannot wait as long as debt help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitThreshold {
    pub days: u32,
    pub per_need: BTreeMap<DomainKey, u32>,
}

impl Default for WaitThreshold {
    fn default() -> Self {
        Self { days: DEFAULT_WAIT_THRESHOLD_DAYS, per_need: BTreeMap::new() }
    }
}

impl WaitThreshold {
    /// The threshold for help addressing `needs`: the strictest of their own settings, else
    /// the deployment's.
    pub fn for_needs(&self, needs: &[DomainKey]) -> u32 {
        needs.iter().filter_map(|n| self.per_need.get(n)).min().copied().unwrap_or(self.days)
    }
}

/// Counts below this are shown as "fewer than" in the commissioners' report.
pub const DISCLOSURE_MINIMUM: u32 = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnmetReason {
    NoneExists,
    NoCapacity,
    NotEligible,
}

impl UnmetReason {
    pub const ALL: [UnmetReason; 3] = [Self::NoneExists, Self::NoCapacity, Self::NotEligible];
    pub fn code(self) -> &'static str {
        match self {
            Self::NoneExists => "none_exists",
            Self::NoCapacity => "no_capacity",
            Self::NotEligible => "not_eligible",
        }
    }
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code.trim())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnmetNeed {
    pub person: PersonId,
    pub need: DomainKey,
    pub area: String,
    pub reason: UnmetReason,
    pub on: Date,
    pub at: Timestamp,
    pub by: MemberId,
    pub agency: AgencyId,
}

/// One line of the report: a need in an area in a month for a reason.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct UnmetKey {
    pub need: String,
    pub area: String,
    /// `YYYY-MM`.
    pub month: String,
    pub reason: UnmetReason,
}

/// A count as published: exact from [`DISCLOSURE_MINIMUM`] on, otherwise suppressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Disclosed {
    Count { count: u32 },
    FewerThan { minimum: u32 },
}

/// Aggregates raw counts into the published report, suppressing small cells.
pub fn unmet_report(counts: BTreeMap<UnmetKey, u32>) -> Vec<(UnmetKey, Disclosed)> {
    counts
        .into_iter()
        .map(|(key, count)| {
            let shown = if count >= DISCLOSURE_MINIMUM {
                Disclosed::Count { count }
            } else {
                Disclosed::FewerThan { minimum: DISCLOSURE_MINIMUM }
            };
            (key, shown)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_need_with_its_own_threshold_is_held_to_the_strictest() {
        let threshold = WaitThreshold {
            days: 42,
            per_need: BTreeMap::from([(DomainKey::new("housing"), 14), (DomainKey::new("finances"), 56)]),
        };
        assert_eq!(threshold.for_needs(&[DomainKey::new("addiction")]), 42);
        assert_eq!(threshold.for_needs(&[DomainKey::new("finances")]), 56);
        assert_eq!(threshold.for_needs(&[DomainKey::new("finances"), DomainKey::new("housing")]), 14);
        assert_eq!(WaitThreshold::default().for_needs(&[]), DEFAULT_WAIT_THRESHOLD_DAYS);
    }

    #[test]
    fn small_counts_are_not_disclosed() {
        let key = |area: &str| UnmetKey {
            need: "housing".into(),
            area: area.into(),
            month: "2026-11".into(),
            reason: UnmetReason::NoCapacity,
        };
        let report = unmet_report(BTreeMap::from([(key("Utrecht"), 12), (key("Zeist"), 2)]));
        assert_eq!(report[0].1, Disclosed::Count { count: 12 });
        assert_eq!(report[1].1, Disclosed::FewerThan { minimum: DISCLOSURE_MINIMUM });
    }
}
