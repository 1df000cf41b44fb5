//! A cohort rule answered by the database: the rule's counts and sums become aggregates of
//! one grouped scan of `evidence_offence`, its tests of age, sex and area conditions on
//! `evidence_person`, so only the members leave the database.
//!
//! Loading the whole extract to answer one cohort question cost more than twice what the
//! database's own SQL takes (every offence decoded into Rust and sorted); the answer is a few
//! thousand ids. The meaning is the evaluator's ([`::evidence::rules::CompiledRule`]) to the
//! letter, checked against it on generated extracts by the conformance suite on both
//! backends: offences count up to and including A; `within P` starts after `A - P`; proven
//! outcomes unless `any`; unknown types, areas and sexes never match; an unknown birth date
//! fails every age comparison (and `not` of one holds). A rule whose numbers fall outside what
//! this translation handles answers `None`, and the caller evaluates it over the loaded extract.

use ::evidence::date::{Day as EvDay, add_months, age_in_years};
use ::evidence::rules::{Attribute, CmpOp, Expr, Filter, Value};

use super::to_store_day;
use crate::types::Day;

/// The outcomes the rules count as proven, as the evaluator's `Outcome::is_proven` has them.
const PROVEN: &str = "o.outcome IN ('conviction', 'caution', 'penalty_order', 'conditional_dismissal')";

/// Ages a rule may compare with and still be translated (whole years either side of A).
const AGE_LIMIT: i64 = 200;

/// A bound value of the generated SQL.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Bound {
    Day(Day),
    Text(String),
    Int(i64),
}

/// The members' SQL and its values (`$1`, `$2`, … in order); it selects one column, the
/// extract's person id, in no particular order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CohortSql {
    pub sql: String,
    pub params: Vec<Bound>,
}

/// What the rule says of a person with no offence at all, attributes unknown: three-valued.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Truth {
    False,
    True,
    Unknown,
}

struct Builder {
    as_of: EvDay,
    params: Vec<Bound>,
    /// Each aggregate's filter (as SQL, after the conditions every aggregate shares are taken
    /// out into WHERE) and whether it sums seriousness.
    aggregates: Vec<(Filter, bool)>,
    uses_person: bool,
}

impl Builder {
    fn bind(&mut self, value: Bound) -> String {
        self.params.push(value);
        format!("${}", self.params.len())
    }

    fn day(&mut self, day: EvDay) -> Option<String> {
        let day = to_store_day(day)?;
        Some(self.bind(Bound::Day(day)))
    }

    /// `x IN ($a, $b)` of the non-empty values (empty texts are "unknown", never matched).
    fn list(&mut self, column: &str, values: &[String]) -> String {
        let known: Vec<&String> = values.iter().filter(|v| !v.is_empty()).collect();
        if known.is_empty() {
            return "1 = 0".into();
        }
        let placeholders: Vec<String> = known.into_iter().map(|v| self.bind(Bound::Text(v.clone()))).collect();
        format!("{column} IN ({})", placeholders.join(", "))
    }

    /// The rule's boolean tree as SQL over `a.a0, a.a1, …` (the aggregates) and `p.*`.
    fn node(&mut self, expr: &Expr, aggregate_column: &dyn Fn(usize) -> String) -> Option<String> {
        Some(match expr {
            Expr::Or(parts) => join(parts.iter().map(|p| self.node(p, aggregate_column)).collect::<Option<_>>()?, "OR"),
            Expr::And(parts) => {
                join(parts.iter().map(|p| self.node(p, aggregate_column)).collect::<Option<_>>()?, "AND")
            }
            Expr::Not(inner) => format!("NOT ({})", self.node(inner, aggregate_column)?),
            Expr::Compare { value: Value::Age, op, number } => {
                self.uses_person = true;
                self.age(*op, *number)?
            }
            Expr::Compare { value, op, number } => {
                let (filter, sum) = match value {
                    Value::Count(f) => (f, false),
                    Value::SumSeriousness(f) => (f, true),
                    Value::Age => unreachable!("handled above"),
                };
                self.aggregates.push((filter.clone(), sum));
                let column = aggregate_column(self.aggregates.len() - 1);
                let number = self.bind(Bound::Int(*number));
                format!("{column} {} {number}", sql_op(*op))
            }
            Expr::In { attribute: Attribute::Sex, values } => {
                self.uses_person = true;
                let sexes: Vec<String> = ["F", "M", "X"]
                    .into_iter()
                    .filter(|s| values.iter().any(|v| v == s))
                    .map(|s| format!("'{s}'"))
                    .collect();
                if sexes.is_empty() { "1 = 0".into() } else { format!("p.sex IN ({})", sexes.join(", ")) }
            }
            Expr::In { attribute: Attribute::Area, values } => {
                self.uses_person = true;
                self.list("p.area", values)
            }
        })
    }

    /// `age OP n` as comparisons of the birth date with the last birth dates of each age:
    /// age is whole years on A, falling as the birth date rises.
    fn age(&mut self, op: CmpOp, number: i64) -> Option<String> {
        if !(-AGE_LIMIT..=AGE_LIMIT).contains(&number) {
            return None;
        }
        let number = number as i32;
        let at_least = |b: &mut Builder, n: i32| -> Option<String> {
            let day = last_birth_of_age(b.as_of, n);
            b.day(day)
        };
        let known = "p.birth_date IS NOT NULL";
        Some(match op {
            CmpOp::Ge => format!("({known} AND p.birth_date <= {})", at_least(self, number)?),
            CmpOp::Gt => format!("({known} AND p.birth_date <= {})", at_least(self, number + 1)?),
            CmpOp::Lt => format!("({known} AND p.birth_date > {})", at_least(self, number)?),
            CmpOp::Le => format!("({known} AND p.birth_date > {})", at_least(self, number + 1)?),
            CmpOp::Eq => {
                let (older, oldest) = (at_least(self, number + 1)?, at_least(self, number)?);
                format!("({known} AND p.birth_date > {older} AND p.birth_date <= {oldest})")
            }
            CmpOp::Ne => {
                let (older, oldest) = (at_least(self, number + 1)?, at_least(self, number)?);
                format!("({known} AND (p.birth_date <= {older} OR p.birth_date > {oldest}))")
            }
        })
    }
}

/// The last birth day on which someone is at least `n` years old on `as_of` (the age
/// function itself decides, so 29 February births age as the evaluator says).
fn last_birth_of_age(as_of: EvDay, n: i32) -> EvDay {
    let mut day = add_months(as_of, -12 * n);
    while age_in_years(day, as_of) < n {
        day -= 1;
    }
    while age_in_years(day + 1, as_of) >= n {
        day += 1;
    }
    day
}

fn sql_op(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Ne => "<>",
        other => other.as_str(),
    }
}

fn join(parts: Vec<String>, word: &str) -> String {
    format!("({})", parts.join(&format!(" {word} ")))
}

/// The rule evaluated for someone without offences (every count and sum 0), person
/// attributes unknown.
fn without_offences(expr: &Expr) -> Truth {
    match expr {
        Expr::Or(parts) => {
            let values: Vec<Truth> = parts.iter().map(without_offences).collect();
            if values.contains(&Truth::True) {
                Truth::True
            } else if values.contains(&Truth::Unknown) {
                Truth::Unknown
            } else {
                Truth::False
            }
        }
        Expr::And(parts) => {
            let values: Vec<Truth> = parts.iter().map(without_offences).collect();
            if values.contains(&Truth::False) {
                Truth::False
            } else if values.contains(&Truth::Unknown) {
                Truth::Unknown
            } else {
                Truth::True
            }
        }
        Expr::Not(inner) => match without_offences(inner) {
            Truth::True => Truth::False,
            Truth::False => Truth::True,
            Truth::Unknown => Truth::Unknown,
        },
        Expr::Compare { value: Value::Age, .. } | Expr::In { .. } => Truth::Unknown,
        Expr::Compare { op, number, .. } => {
            if op.holds(0, *number) {
                Truth::True
            } else {
                Truth::False
            }
        }
    }
}

/// The cohort of `expr` as of `as_of` as SQL, or `None` when the rule's numbers are beyond
/// the translation (the caller then evaluates it over the loaded extract).
pub(crate) fn cohort_sql(expr: &Expr, as_of: EvDay) -> Option<CohortSql> {
    let mut b = Builder { as_of, params: Vec::new(), aggregates: Vec::new(), uses_person: false };
    let as_of_param = b.day(as_of)?;
    let needs_offence = without_offences(expr) == Truth::False;
    let tree = b.node(expr, &|i| if needs_offence { format!("a.a{i}") } else { format!("coalesce(a.a{i}, 0)") })?;
    if b.aggregates.is_empty() {
        return Some(CohortSql {
            sql: format!("SELECT p.source_id FROM evidence_person p WHERE {tree}"),
            params: b.params,
        });
    }
    // Conditions every aggregate shares filter the scan itself: proven outcomes when none
    // asks for `any`, and the earliest window start when all have one.
    let all_proven = b.aggregates.iter().all(|(f, _)| !f.any_outcome);
    let lower_bounds: Vec<Option<EvDay>> =
        b.aggregates.iter().map(|(f, _)| f.within.map(|p| p.before(as_of))).collect();
    let earliest = lower_bounds.iter().copied().collect::<Option<Vec<EvDay>>>().and_then(|v| v.into_iter().min());
    let mut scan = vec![format!("o.offence_date <= {as_of_param}")];
    if all_proven {
        scan.push(PROVEN.into());
    }
    if let Some(earliest) = earliest {
        scan.push(format!("o.offence_date > {}", b.day(earliest)?));
    }
    let mut columns = Vec::new();
    for (i, (filter, sum)) in b.aggregates.clone().iter().enumerate() {
        let mut conditions = Vec::new();
        if !all_proven && !filter.any_outcome {
            conditions.push(PROVEN.to_owned());
        }
        if let Some(lower) = lower_bounds[i]
            && Some(lower) != earliest
        {
            conditions.push(format!("o.offence_date > {}", b.day(lower)?));
        }
        if let Some(types) = &filter.types {
            conditions.push(b.list("o.offence_type", types));
        }
        let filter =
            if conditions.is_empty() { String::new() } else { format!(" FILTER (WHERE {})", conditions.join(" AND ")) };
        columns.push(if *sum {
            format!("coalesce(sum(o.seriousness){filter}, 0) AS a{i}")
        } else {
            format!("count(*){filter} AS a{i}")
        });
    }
    let grouped = format!(
        "SELECT o.person_id, {} FROM evidence_offence o WHERE {} GROUP BY o.person_id",
        columns.join(", "),
        scan.join(" AND ")
    );
    let sql = match (needs_offence, b.uses_person) {
        (true, false) => format!("SELECT a.person_id FROM ({grouped}) a WHERE {tree}"),
        (true, true) => format!(
            "SELECT p.source_id FROM ({grouped}) a JOIN evidence_person p ON p.source_id = a.person_id WHERE {tree}"
        ),
        (false, _) => format!(
            "SELECT p.source_id FROM evidence_person p LEFT JOIN ({grouped}) a ON a.person_id = p.source_id WHERE {tree}"
        ),
    };
    Some(CohortSql { sql, params: b.params })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ::evidence::date::parse_date_arg;
    use ::evidence::rules::parse;

    fn day(text: &str) -> EvDay {
        parse_date_arg(text).unwrap()
    }

    #[test]
    fn last_birth_of_age_follows_the_evaluator_on_29_february() {
        // Born 29 February 2020: three on 28 February 2023.
        assert_eq!(last_birth_of_age(day("2023-02-28"), 3), day("2020-02-29"));
        assert_eq!(last_birth_of_age(day("2024-02-29"), 18), day("2006-02-28"));
        assert_eq!(last_birth_of_age(day("2024-03-01"), 0), day("2024-03-01"));
    }

    #[test]
    fn a_rule_needing_offences_scans_only_the_offences_it_counts() {
        let expr = parse("count(proven, within 5y) > 10 and count(proven, within 12m) >= 1").unwrap();
        let sql = cohort_sql(&expr, day("2025-01-01")).unwrap();
        assert!(sql.sql.starts_with("SELECT a.person_id FROM (SELECT o.person_id"), "{}", sql.sql);
        assert!(!sql.sql.contains("evidence_person"), "{}", sql.sql);
        assert!(sql.sql.contains("WHERE o.offence_date <= $1 AND o.outcome IN"), "{}", sql.sql);
        assert_eq!(sql.params[0], Bound::Day(to_store_day(day("2025-01-01")).unwrap()));
    }

    #[test]
    fn a_rule_that_holds_without_offences_starts_from_every_person() {
        let expr = parse("not (count(any) > 2) and age >= 18").unwrap();
        let sql = cohort_sql(&expr, day("2025-01-01")).unwrap();
        assert!(sql.sql.contains("FROM evidence_person p LEFT JOIN"), "{}", sql.sql);
        assert!(sql.sql.contains("coalesce(a.a0, 0)"), "{}", sql.sql);
        let ages = parse("age > 100000").unwrap();
        assert_eq!(cohort_sql(&ages, day("2025-01-01")), None);
    }
}
