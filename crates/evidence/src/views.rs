//! Disclosure control across overlapping views (issue 21). The what-works figures are
//! published per view: the whole partnership's, a Safety House's, a ZSM location's, a location
//! lead's locations, a commissioner's contracts. A view inside another (a location inside its
//! lead's locations, one commissioner's contracts inside another's, every view inside the whole
//! partnership) publishes the same group over fewer people, so subtracting the two figures
//! gives the figures of the people in the larger view only — a group that may be too small to
//! publish on its own.
//!
//! The rule: a scoped view withholds a group whenever, in any published view that encloses
//! it, the same group's complement (the enclosing view's people and reoffenders minus its own)
//! is small but not empty — by the same test a group is withheld by on its own. The smaller
//! view withholds, so the partnership's own figures never depend on who else looks. Then, as
//! within one view, when exactly one group is withheld the smallest published one is too, so
//! no total gives it back. A group whose complement is empty in every enclosing view has the
//! same figures there: nothing is learnt by comparing, and only such a group's survival curve
//! is published in a scoped view (a curve's cells would otherwise difference point by point).

use std::collections::{BTreeMap, BTreeSet};

use crate::dataset::Dataset;
use crate::reoffending::{Definition, GroupBy, Report, reoffending};
use crate::whatworks::{GroupResult, POOL_GROUP, too_small, withhold_groups};

/// A view's people and reoffenders per work group, before disclosure control.
pub type RawCounts = BTreeMap<String, (u64, u64)>;

/// The raw counts of every work group of `data` (the comparison pool left out).
pub fn raw_counts(data: &Dataset, definition: Definition) -> RawCounts {
    counts_of(&reoffending(data, definition, GroupBy::Group))
}

/// The raw counts of every work group of a report by group.
pub fn counts_of(report: &Report) -> RawCounts {
    report
        .groups
        .iter()
        .filter(|g| g.group != POOL_GROUP)
        .map(|g| (g.group.clone(), (g.measure.people, g.measure.reoffenders)))
        .collect()
}

/// Withholds the groups of a scoped view (`results`, counted `own`) that the `enclosing`
/// views' figures would give away by difference (see the module's rule). Answers the groups
/// whose figures equal those of every enclosing view.
pub fn withhold_against_enclosing(
    results: &mut [GroupResult],
    own: &RawCounts,
    enclosing: &[RawCounts],
    min_cell: u64,
) -> BTreeSet<String> {
    let mut equal = BTreeSet::new();
    let mut given_away = BTreeSet::new();
    for (group, &(people, reoffenders)) in own {
        let mut same = true;
        for view in enclosing {
            let (all_people, all_reoffenders) = view.get(group).copied().unwrap_or((people, reoffenders));
            let rest = (all_people.saturating_sub(people), all_reoffenders.saturating_sub(reoffenders));
            if rest.0 > 0 {
                same = false;
                if too_small(rest.0, rest.1, min_cell) {
                    given_away.insert(group.clone());
                }
            }
        }
        if same {
            equal.insert(group.clone());
        }
    }
    withhold_groups(results, &given_away);
    equal
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::whatworks::tests::group;

    fn counts(rows: &[(&str, u64, u64)]) -> RawCounts {
        rows.iter().map(|(g, p, r)| (g.to_string(), (*p, *r))).collect()
    }

    /// Every pair of figures published in both views differs by nothing or by a publishable
    /// group.
    fn differences_are_safe(scoped: &[GroupResult], enclosing: &RawCounts, min_cell: u64) -> bool {
        scoped.iter().filter_map(|g| Some((g, g.people?, g.reoffenders?))).all(|(g, p, r)| {
            let (ap, ar) = enclosing[&g.group];
            ap == p || !too_small(ap - p, ar - r, min_cell)
        })
    }

    #[test]
    fn a_group_whose_complement_is_small_is_withheld_with_the_next_smallest() {
        // The partnership: Housing 30 (15), Alcohol 40 (10), Debt 30 (15). The scoped view
        // lacks 5 of Housing: publishing 25 would give those 5 away by subtraction.
        let whole = counts(&[("Alcohol", 40, 10), ("Debt", 30, 15), ("Housing", 30, 15)]);
        let own = counts(&[("Alcohol", 40, 10), ("Debt", 30, 15), ("Housing", 25, 12)]);
        let mut scoped = vec![group("Alcohol", 40, 10), group("Debt", 30, 15), group("Housing", 25, 12)];
        let before: Vec<GroupResult> = scoped.clone();
        assert!(!differences_are_safe(&before, &whole, 10), "without the rule the difference is 5 people");
        let equal = withhold_against_enclosing(&mut scoped, &own, std::slice::from_ref(&whole), 10);
        assert!(differences_are_safe(&scoped, &whole, 10));
        let published: Vec<&str> = scoped.iter().filter(|g| g.people.is_some()).map(|g| g.group.as_str()).collect();
        assert_eq!(published, ["Alcohol"], "Housing withheld, and with it the next smallest (Debt)");
        assert_eq!(equal, BTreeSet::from(["Alcohol".to_string(), "Debt".to_string()]));
    }

    #[test]
    fn a_large_or_empty_complement_gives_nothing_away() {
        let whole = counts(&[("Alcohol", 80, 30), ("Housing", 30, 15)]);
        let own = counts(&[("Alcohol", 40, 10), ("Housing", 30, 15)]);
        let mut scoped = vec![group("Alcohol", 40, 10), group("Housing", 30, 15)];
        let equal = withhold_against_enclosing(&mut scoped, &own, std::slice::from_ref(&whole), 10);
        assert!(scoped.iter().all(|g| g.people.is_some()), "a complement of 40 (20 reoffending) is publishable");
        assert_eq!(equal, BTreeSet::from(["Housing".to_string()]), "only Housing equals the partnership's");
        // A complement whose reoffenders alone are few is small too.
        let whole = counts(&[("Alcohol", 60, 13), ("Housing", 30, 15)]);
        let mut scoped = vec![group("Alcohol", 40, 10), group("Housing", 30, 15)];
        withhold_against_enclosing(&mut scoped, &own, &[whole], 10);
        assert!(scoped.iter().all(|g| g.people.is_none()), "3 reoffenders among 20: withheld, and Housing with it");
    }
}
