//! Cohort membership over time: a rule evaluated at successive dates, with manual selections
//! and deselections (each with a reason and who decided) applied on top. Pure data in, data
//! out — storing decisions and notifying teams belong to the store and web crates.

use serde::Serialize;

use crate::dataset::Dataset;
use crate::date::{Day, format_day};
use crate::rules::CompiledRule;

/// A manual decision that overrides the rule for one person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Override {
    pub person_id: String,
    pub kind: OverrideKind,
    /// First day the decision applies.
    pub from: Day,
    /// First day it no longer applies (`None`: until revoked).
    pub until: Option<Day>,
    pub reason: String,
    pub decided_by: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OverrideKind {
    /// In the cohort whatever the rule says (e.g. on police intelligence).
    Select,
    /// Out of the cohort whatever the rule says.
    Deselect,
}

impl Override {
    fn applies_on(&self, day: Day) -> bool {
        self.from <= day && self.until.is_none_or(|until| day < until)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Joined,
    Left,
}

/// Why a person's membership changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "by", rename_all = "lowercase")]
pub enum Cause {
    /// The rule's outcome changed.
    Rule,
    /// A manual decision (its reason and author are in the override).
    Override { reason: String, decided_by: String },
    /// A manual decision ended and the rule's outcome differs from it.
    OverrideEnded,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MembershipEvent {
    pub person_id: String,
    #[serde(serialize_with = "serialize_day")]
    pub date: Day,
    pub change: Change,
    pub cause: Cause,
}

fn serialize_day<S: serde::Serializer>(day: &Day, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format_day(*day))
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct History {
    /// Joined/left events, by date then person id.
    pub events: Vec<MembershipEvent>,
    /// Members after the last date, sorted by person id.
    pub members: Vec<String>,
    /// Overrides naming a person who is not in the data (shown to the user, not ignored silently).
    pub unknown_persons: Vec<String>,
}

/// Evaluates `rule` on each of `dates` (ascending); nobody is a member before the first date.
/// On each date the most recent applicable override (latest `from`) wins over the rule.
pub fn history(data: &Dataset, rule: &CompiledRule, dates: &[Day], overrides: &[Override]) -> History {
    let mut result = History::default();
    // Overrides resolved to person indices, grouped per person.
    let mut by_person: Vec<Vec<&Override>> = vec![Vec::new(); data.person_count()];
    for o in overrides {
        match data.find_person(&o.person_id) {
            Some(p) => by_person[p as usize].push(o),
            None => result.unknown_persons.push(o.person_id.clone()),
        }
    }
    result.unknown_persons.sort();
    result.unknown_persons.dedup();
    let mut member = vec![false; data.person_count()];
    let mut overridden = vec![false; data.person_count()];
    let mut sorted_dates = dates.to_vec();
    sorted_dates.sort_unstable();
    for &day in &sorted_dates {
        let by_rule = rule.member_flags(data, day);
        for p in 0..data.person_count() {
            let decision = by_person[p].iter().filter(|o| o.applies_on(day)).max_by_key(|o| o.from);
            let now = decision.map_or(by_rule[p], |o| o.kind == OverrideKind::Select);
            if now != member[p] {
                let cause = match decision {
                    Some(o) => Cause::Override { reason: o.reason.clone(), decided_by: o.decided_by.clone() },
                    None if overridden[p] => Cause::OverrideEnded,
                    None => Cause::Rule,
                };
                result.events.push(MembershipEvent {
                    person_id: data.person_id(p as u32).to_owned(),
                    date: day,
                    change: if now { Change::Joined } else { Change::Left },
                    cause,
                });
                member[p] = now;
            }
            overridden[p] = decision.is_some();
        }
    }
    result.members =
        (0..data.person_count()).filter(|&p| member[p]).map(|p| data.person_id(p as u32).to_owned()).collect();
    result
}

/// The manual decisions in force on `day`, one per person: as in [`history`], the applicable
/// decision with the latest `from` wins (the later of equals in `overrides`' order).
pub fn decisions_on(day: Day, overrides: &[Override]) -> std::collections::BTreeMap<&str, OverrideKind> {
    let mut winning: std::collections::BTreeMap<&str, &Override> = std::collections::BTreeMap::new();
    for o in overrides.iter().filter(|o| o.applies_on(day)) {
        match winning.get(o.person_id.as_str()) {
            Some(current) if current.from > o.from => {}
            _ => {
                winning.insert(o.person_id.as_str(), o);
            }
        }
    }
    winning.into_iter().map(|(person, o)| (person, o.kind)).collect()
}

/// The members on `day` once the manual decisions are applied to `by_rule` (the rule's own
/// members, sorted): what [`history`] answers for that one date, without evaluating the rule
/// again — so a database that answered the rule needs only the decisions on top. `known`
/// says whether a person is in the extract (a selection naming someone who is not stays out,
/// as in `history`). The answer is sorted by person id.
pub fn apply_decisions(
    mut by_rule: Vec<String>,
    day: Day,
    overrides: &[Override],
    known: &dyn Fn(&str) -> bool,
) -> Vec<String> {
    let decisions = decisions_on(day, overrides);
    by_rule.retain(|id| decisions.get(id.as_str()) != Some(&OverrideKind::Deselect));
    // Looked up in the rule's members while they are still sorted, added after.
    let selected: Vec<String> = decisions
        .into_iter()
        .filter(|&(person, kind)| kind == OverrideKind::Select && known(person))
        .filter(|&(person, _)| by_rule.binary_search_by(|m| m.as_str().cmp(person)).is_err())
        .map(|(person, _)| person.to_owned())
        .collect();
    by_rule.extend(selected);
    by_rule.sort_unstable();
    by_rule
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::csv_io::read_dataset;
    use crate::date::parse_date_arg;
    use crate::rules::{CompiledRule, parse};

    fn day(s: &str) -> Day {
        parse_date_arg(s).unwrap()
    }

    #[test]
    fn records_joins_leaves_and_overrides() {
        let persons = "person_id\na\nb\nc\n";
        let offences = "offence_id,person_id,offence_date,outcome\n\
                        1,a,2024-01-10,conviction\n2,a,2024-01-20,conviction\n3,b,2024-03-05,caution\n";
        let data = read_dataset(persons.as_bytes(), offences.as_bytes(), &b"person_id,index_date\n"[..])
            .unwrap()
            .strict()
            .unwrap()
            .0;
        let rule = CompiledRule::compile(&parse("count(proven, within 2m) >= 1").unwrap(), &data);
        let dates: Vec<Day> =
            ["2024-02-01", "2024-03-01", "2024-04-01", "2024-05-01", "2024-06-01"].iter().map(|d| day(d)).collect();
        let overrides = vec![
            Override {
                person_id: "c".into(),
                kind: OverrideKind::Select,
                from: day("2024-03-01"),
                until: Some(day("2024-05-01")),
                reason: "police intelligence".into(),
                decided_by: "officer 7".into(),
            },
            Override {
                person_id: "b".into(),
                kind: OverrideKind::Deselect,
                from: day("2024-04-15"),
                until: None,
                reason: "moved abroad".into(),
                decided_by: "case conference".into(),
            },
            Override {
                person_id: "zz".into(),
                kind: OverrideKind::Select,
                from: day("2024-01-01"),
                until: None,
                reason: "typo".into(),
                decided_by: "x".into(),
            },
        ];
        let h = history(&data, &rule, &dates, &overrides);
        let summary: Vec<String> = h
            .events
            .iter()
            .map(|e| {
                let cause = match &e.cause {
                    Cause::Rule => "rule".to_owned(),
                    Cause::Override { reason, .. } => reason.clone(),
                    Cause::OverrideEnded => "override ended".to_owned(),
                };
                format!("{} {} {:?} {}", format_day(e.date), e.person_id, e.change, cause)
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                "2024-02-01 a Joined rule",
                "2024-03-01 c Joined police intelligence",
                // a's offences are more than 2 months old by 2024-04-01; b's from 2024-03-05 count.
                "2024-04-01 a Left rule",
                "2024-04-01 b Joined rule",
                "2024-05-01 b Left moved abroad",
                "2024-05-01 c Left override ended",
            ]
        );
        assert!(h.members.is_empty());
        assert_eq!(h.unknown_persons, vec!["zz"]);
        // On any one date, the decisions applied to the rule's members answer what history does.
        let known = |id: &str| data.find_person(id).is_some();
        for d in ["2024-02-01", "2024-03-01", "2024-04-01", "2024-04-20", "2024-05-01"] {
            let by_rule: Vec<String> =
                rule.members(&data, day(d)).into_iter().map(|p| data.person_id(p).to_owned()).collect();
            let once = history(&data, &rule, &[day(d)], &overrides).members;
            assert_eq!(apply_decisions(by_rule, day(d), &overrides, &known), once, "{d}");
        }
    }

    #[test]
    fn the_latest_decision_wins_and_later_equals_win_ties() {
        let decision = |kind, from: &str, until: Option<&str>| Override {
            person_id: "p".into(),
            kind,
            from: day(from),
            until: until.map(day),
            reason: String::new(),
            decided_by: String::new(),
        };
        let overrides = vec![
            decision(OverrideKind::Select, "2024-01-01", None),
            decision(OverrideKind::Deselect, "2024-03-01", Some("2024-04-01")),
            decision(OverrideKind::Select, "2024-03-01", Some("2024-03-10")),
        ];
        let on = |d: &str| decisions_on(day(d), &overrides).get("p").copied();
        assert_eq!(on("2023-12-31"), None);
        assert_eq!(on("2024-02-01"), Some(OverrideKind::Select));
        assert_eq!(on("2024-03-05"), Some(OverrideKind::Select));
        assert_eq!(on("2024-03-15"), Some(OverrideKind::Deselect));
        assert_eq!(on("2024-04-15"), Some(OverrideKind::Select));
        let members = apply_decisions(vec!["a".into(), "p".into()], day("2024-03-15"), &overrides, &|_| true);
        assert_eq!(members, vec!["a"]);
        // Selecting someone the rule already has keeps them once, wherever they sort.
        let mut two = overrides.clone();
        two.push(Override { person_id: "b".into(), ..decision(OverrideKind::Select, "2024-01-01", None) });
        let members = apply_decisions(vec!["a".into(), "p".into()], day("2024-03-05"), &two, &|_| true);
        assert_eq!(members, vec!["a", "b", "p"]);
    }
}
