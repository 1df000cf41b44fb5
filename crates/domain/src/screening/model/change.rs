//! The change between two screenings, per life domain: the data behind the person page's chart
//! and table.

use crate::jurisdiction::{DomainKey, ScreeningConfig};
use crate::screening::model::record::Screening;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Trend {
    Improved,
    Worsened,
    Same,
    /// Scored in only one of the two screenings.
    NotComparable,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainChange {
    pub domain: DomainKey,
    pub before: Option<u8>,
    pub after: Option<u8>,
    /// `after - before`; positive is more self-reliant.
    pub delta: Option<i16>,
    pub trend: Trend,
}

/// Compares two screenings domain by domain, in the pack's domain order. Higher scores mean more
/// self-reliant, so a positive delta is an improvement whatever order the screenings were taken.
pub fn compare(earlier: &Screening, later: &Screening, config: &ScreeningConfig) -> Vec<DomainChange> {
    config
        .domains
        .iter()
        .filter_map(|domain| {
            let before = earlier.score(domain.key.as_str());
            let after = later.score(domain.key.as_str());
            if before.is_none() && after.is_none() {
                return None;
            }
            let delta = before.zip(after).map(|(b, a)| i16::from(a) - i16::from(b));
            let trend = match delta {
                None => Trend::NotComparable,
                Some(d) if d > 0 => Trend::Improved,
                Some(d) if d < 0 => Trend::Worsened,
                Some(_) => Trend::Same,
            };
            Some(DomainChange { domain: domain.key.clone(), before, after, delta, trend })
        })
        .collect()
}

/// One life domain's scores over time: the series behind the person page's chart and table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainSeries {
    pub domain: DomainKey,
    /// Oldest first; `None` where a screening left the domain out.
    pub points: Vec<(Date, Option<u8>)>,
}

/// Every domain's scores across a person's screenings, oldest first, in the pack's domain order.
pub fn history(screenings: &[Screening], config: &ScreeningConfig) -> Vec<DomainSeries> {
    let mut ordered: Vec<&Screening> = screenings.iter().collect();
    ordered.sort_by_key(|s| (s.screened_on, s.id));
    config
        .domains
        .iter()
        .map(|domain| DomainSeries {
            domain: domain.key.clone(),
            points: ordered.iter().map(|s| (s.screened_on, s.score(domain.key.as_str()))).collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jurisdiction::BeyondPack;
    use crate::screening::model::record::tests::{full, parsed};

    #[test]
    fn change_is_reported_per_domain_with_delta_and_trend() {
        let config = BeyondPack::nl().screening;
        let before = parsed(3, &[("housing", 1), ("addiction", 4)]);
        let after = parsed(3, &[("housing", 4), ("addiction", 2)]);
        let changes = compare(&before, &after, &config);
        assert_eq!(changes.len(), 13);
        let of = |key: &str| changes.iter().find(|c| c.domain.as_str() == key).unwrap().clone();
        assert_eq!((of("housing").delta, of("housing").trend), (Some(3), Trend::Improved));
        assert_eq!((of("addiction").delta, of("addiction").trend), (Some(-2), Trend::Worsened));
        assert_eq!((of("finances").delta, of("finances").trend), (Some(0), Trend::Same));
        assert_eq!(changes[0].domain.as_str(), "finances", "pack order is kept");
    }

    #[test]
    fn a_domain_scored_only_once_is_not_comparable() {
        let config = BeyondPack::nl().screening;
        let mut first = full(3, &[]);
        first.entries.retain(|e| e.domain != "community_participation");
        let before = crate::screening::Screening::parse(first, &config, jiff::civil::date(2026, 3, 2)).unwrap();
        let after = parsed(3, &[]);
        let change = compare(&before, &after, &config)
            .into_iter()
            .find(|c| c.domain.as_str() == "community_participation")
            .unwrap();
        assert_eq!((change.before, change.after, change.trend), (None, Some(3), Trend::NotComparable));
    }

    #[test]
    fn history_orders_screenings_by_date_per_domain() {
        let config = BeyondPack::nl().screening;
        let mut later = parsed(4, &[("housing", 5)]);
        later.screened_on = jiff::civil::date(2026, 9, 1);
        let earlier = parsed(2, &[]);
        let series = history(&[later, earlier], &config);
        assert_eq!(series.len(), 13);
        let housing = series.iter().find(|s| s.domain.as_str() == "housing").unwrap();
        assert_eq!(
            housing.points,
            vec![(jiff::civil::date(2026, 3, 2), Some(2)), (jiff::civil::date(2026, 9, 1), Some(5))]
        );
    }
}
