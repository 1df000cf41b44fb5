//! Evaluating the complex-case criteria (pack data, `jurisdiction::ComplexCaseCriteria`): a
//! conference is proposed when every condition of at least one rule holds. The proposal
//! carries the reasons that matched, so the process manager sees why.

use crate::jurisdiction::{ComplexCaseCriteria, Condition, DomainKey};
use crate::screening::Screening;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// What triage knows about a person when deciding whether to propose a conference.
#[derive(Debug, Clone, Copy)]
pub struct TriageInputs<'a> {
    pub latest_screening: Option<&'a Screening>,
    pub flags: &'a BTreeSet<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reason {
    ProblemDomains { domains: Vec<DomainKey>, at_most_score: u8 },
    Flag(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchedRule {
    pub rule: String,
    pub reasons: Vec<Reason>,
}

/// A system proposal for a case conference, with every rule that matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    pub matched: Vec<MatchedRule>,
}

/// The evaluation lives here, beside the screening it reads; the criteria are jurisdiction data.
impl ComplexCaseCriteria {
    /// `None` when no rule matches in full; a partial match proposes nothing.
    pub fn evaluate(&self, inputs: &TriageInputs<'_>) -> Option<Proposal> {
        let matched: Vec<MatchedRule> = self
            .rules
            .iter()
            .filter_map(|rule| {
                let reasons = rule.conditions.iter().map(|c| check(c, inputs)).collect::<Option<Vec<Reason>>>()?;
                Some(MatchedRule { rule: rule.key.clone(), reasons })
            })
            .collect();
        (!matched.is_empty()).then_some(Proposal { matched })
    }
}

/// The reason `condition` holds for `inputs`, if it does.
fn check(condition: &Condition, inputs: &TriageInputs<'_>) -> Option<Reason> {
    match condition {
        Condition::ProblemDomains { at_most_score, more_than } => {
            let screening = inputs.latest_screening?;
            let domains: Vec<DomainKey> = screening.problem_domains(*at_most_score).into_iter().cloned().collect();
            (domains.len() > *more_than).then_some(Reason::ProblemDomains { domains, at_most_score: *at_most_score })
        }
        Condition::Flag { flag } => inputs.flags.contains(flag).then(|| Reason::Flag(flag.clone())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jurisdiction::BeyondPack;
    use crate::screening::model::record::tests::parsed;

    const CRIME: &str = "problems_lead_to_crime_or_nuisance";
    const CHAINS: &str = "care_and_enforcement_needed";
    const IMPACT: &str = "impact_on_family_or_surroundings";
    const AREA: &str = "serious_area_bound_safety_problem";

    fn flags(keys: &[&str]) -> BTreeSet<String> {
        keys.iter().map(|k| (*k).to_owned()).collect()
    }

    #[test]
    fn the_dutch_multi_problem_rule_needs_all_four_conditions() {
        let criteria = BeyondPack::nl().complex_case_criteria;
        let screening = parsed(3, &[("housing", 1), ("addiction", 2), ("finances", 2)]);
        let all = flags(&[CRIME, CHAINS, IMPACT]);
        let proposal = criteria
            .evaluate(&TriageInputs { latest_screening: Some(&screening), flags: &all })
            .expect("all conditions hold");
        assert_eq!(proposal.matched.len(), 1);
        assert_eq!(proposal.matched[0].rule, "complex_multi_problem");
        assert_eq!(
            proposal.matched[0].reasons[0],
            Reason::ProblemDomains {
                domains: vec![DomainKey::new("addiction"), DomainKey::new("finances"), DomainKey::new("housing")],
                at_most_score: 2
            }
        );
        assert!(proposal.matched[0].reasons.contains(&Reason::Flag(IMPACT.into())));

        for missing in [CRIME, CHAINS, IMPACT] {
            let partial: BTreeSet<String> = all.iter().filter(|f| *f != missing).cloned().collect();
            let inputs = TriageInputs { latest_screening: Some(&screening), flags: &partial };
            assert_eq!(criteria.evaluate(&inputs), None, "without {missing}");
        }
    }

    #[test]
    fn one_problem_domain_or_no_screening_is_not_complex() {
        let criteria = BeyondPack::nl().complex_case_criteria;
        let all = flags(&[CRIME, CHAINS, IMPACT]);
        let one_problem = parsed(3, &[("housing", 1)]);
        assert_eq!(criteria.evaluate(&TriageInputs { latest_screening: Some(&one_problem), flags: &all }), None);
        assert_eq!(criteria.evaluate(&TriageInputs { latest_screening: None, flags: &all }), None);
    }

    #[test]
    fn a_serious_area_bound_problem_alone_proposes_a_conference() {
        let criteria = BeyondPack::nl().complex_case_criteria;
        let area = flags(&[AREA]);
        let proposal = criteria.evaluate(&TriageInputs { latest_screening: None, flags: &area }).unwrap();
        assert_eq!(
            proposal.matched,
            vec![MatchedRule { rule: "area_bound_safety".into(), reasons: vec![Reason::Flag(AREA.into())] }]
        );
    }
}
