//! The cohort rule language: who is in a cohort as of a day A.
//!
//! ```text
//! rule       := or
//! or         := and ("or" and)*
//! and        := unary ("and" unary)*
//! unary      := "not" unary | "(" or ")" | condition
//! condition  := value OP INTEGER
//!             | "type" "in" list ["within" PERIOD]      -- shorthand for count(type in list [, within P]) >= 1
//!             | "sex" "in" list | "area" "in" list
//! value      := "count" "(" [qualifier ("," qualifier)*] ")"
//!             | "sum" "(" "seriousness" ("," qualifier)* ")"
//!             | "age"
//! qualifier  := "proven" | "any" | "within" PERIOD | "type" "in" list
//! list       := "(" VALUE ("," VALUE)* ")"               -- bare words or "double quoted"
//! OP         := ">" | ">=" | "<" | "<=" | "=" | "==" | "!="
//! PERIOD     := INTEGER ("y" | "m" | "d")                -- 5y = 60 months; months clamp
//! ```
//!
//! Meaning, as of day A (the format document's conventions):
//! - `count(...)` counts offences with `offence_date <= A`; `within 5y` narrows that to
//!   `A - 60 months < offence_date <= A` (`12m`: 12 months, `30d`: 30 days).
//! - Offences are *proven* ones unless `any` is given (then every outcome, including
//!   `pending`, `dismissal` and `acquittal`, counts). Outcomes are taken as the data knows them
//!   now; `outcome_date` is not compared with A.
//! - `sum(seriousness, ...)` adds the 1–10 seriousness of the same offences (empty adds 0).
//! - `age` is whole years on A (someone born on 29 February turns a year older on 28 February
//!   in common years). With an unknown birth date every age comparison is false — so
//!   `not (age < 18)` is *true* for unknown ages; write `age >= 18` to require a known adult.
//! - `sex in (F, X)` and `area in (...)` test the person's attributes; unknown never matches.
//! - `and` binds tighter than `or`; `not` binds tightest. Keywords are lower case.
//!
//! Errors give the 0-based byte position and what was expected:
//! `at 24: expected ')' or ',' but found 'and'`; [`caret`] draws a pointer under the text.
//!
//! Shipped named rules live in `rules.toml` (embedded); [`resolve`] accepts a name or an
//! expression.

mod eval;
mod lexer;
mod parser;

pub use eval::{CompiledRule, Evaluator};
pub use lexer::CmpOp;
pub use parser::{Attribute, Expr, Filter, Value, parse};

/// A rule that did not parse: where (0-based byte offset) and what was expected.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("at {position}: {message}")]
pub struct RuleError {
    pub position: usize,
    pub message: String,
}

impl RuleError {
    pub fn new(position: usize, message: impl Into<String>) -> RuleError {
        RuleError { position, message: message.into() }
    }
}

/// The rule text with a caret under the error position, then the message:
/// ```text
/// count(proven, within 5y and age > 18
///                         ^ expected ')' or ',' but found 'and'
/// ```
pub fn caret(source: &str, error: &RuleError) -> String {
    let position = error.position.min(source.len());
    let column = source.char_indices().take_while(|(i, _)| *i < position).count();
    format!("{source}\n{}^ {}", " ".repeat(column), error.message)
}

/// A named rule shipped with desist (or added by a deployment).
#[derive(Debug, Clone, PartialEq, serde::Deserialize, serde::Serialize)]
pub struct NamedRule {
    pub name: String,
    /// Empty for a deployment's own rule that names none.
    #[serde(default)]
    pub jurisdiction: String,
    pub description: String,
    pub expression: String,
}

#[derive(serde::Deserialize)]
struct RulesFile {
    rule: Vec<NamedRule>,
}

const SHIPPED_RULES: &str = include_str!("../../rules.toml");

/// The rules shipped in `rules.toml`.
pub fn shipped_rules() -> Vec<NamedRule> {
    parse_rules_toml(SHIPPED_RULES).expect("rules.toml is valid (tested)")
}

/// Reads `[[rule]]` tables (name, jurisdiction, description, expression) such as a
/// deployment's own rules in its config; every expression must parse.
pub fn parse_rules_toml(text: &str) -> crate::Result<Vec<NamedRule>> {
    let file: RulesFile = toml::from_str(text).map_err(|e| crate::EvidenceError::RulesFile(e.to_string()))?;
    for rule in &file.rule {
        parse(&rule.expression)
            .map_err(|error| crate::EvidenceError::UnknownRule { name: rule.name.clone(), error })?;
    }
    Ok(file.rule)
}

/// A deployment's own rules, then the shipped ones it does not replace (same name).
pub fn known_rules(own_rules: &[NamedRule]) -> Vec<NamedRule> {
    let shipped = shipped_rules().into_iter().filter(|s| !own_rules.iter().any(|o| o.name == s.name));
    own_rules.iter().cloned().chain(shipped).collect()
}

/// A rule chosen by name or written as an expression, ready to compile.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// The shipped name, when chosen by name.
    pub name: Option<String>,
    pub expression: String,
    pub expr: Expr,
}

/// Looks `name_or_expression` up among the shipped rules, or parses it as an expression.
pub fn resolve(name_or_expression: &str) -> crate::Result<Rule> {
    resolve_with(name_or_expression, &[])
}

/// Like [`resolve`], with a deployment's own rules, which take precedence over shipped ones
/// of the same name.
pub fn resolve_with(name_or_expression: &str, own_rules: &[NamedRule]) -> crate::Result<Rule> {
    let text = name_or_expression.trim();
    let known = known_rules(own_rules);
    if let Some(named) = known.iter().find(|r| r.name == text).cloned() {
        let expr = parse(&named.expression)?;
        return Ok(Rule { name: Some(named.name), expression: named.expression, expr });
    }
    match parse(text) {
        Ok(expr) => Ok(Rule { name: None, expression: text.to_owned(), expr }),
        Err(error) => {
            let looks_like_a_name =
                !text.is_empty() && text.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_');
            let error = if looks_like_a_name {
                let names: Vec<String> = known.into_iter().map(|r| r.name).collect();
                RuleError::new(0, format!("no shipped rule named '{text}' (known: {})", names.join(", ")))
            } else {
                error
            };
            Err(crate::EvidenceError::UnknownRule { name: text.to_owned(), error })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_rules_parse_and_have_unique_names() {
        let rules = shipped_rules();
        assert!(rules.len() >= 2);
        let mut names: Vec<_> = rules.iter().map(|r| r.name.clone()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), rules.len());
        for rule in rules {
            parse(&rule.expression).unwrap_or_else(|e| panic!("{}: {}", rule.name, caret(&rule.expression, &e)));
        }
    }

    #[test]
    fn resolves_names_and_expressions() {
        let named = resolve("ew-iom").unwrap();
        assert_eq!(named.name.as_deref(), Some("ew-iom"));
        assert_eq!(named.expression, "count(proven, within 5y) >= 20 and count(proven, within 12m) >= 4");
        let written = resolve("age >= 18").unwrap();
        assert_eq!(written.name, None);
        let unknown = resolve("no-such-rule").unwrap_err().to_string();
        assert!(unknown.contains("no shipped rule named 'no-such-rule'"), "{unknown}");
    }

    #[test]
    fn deployment_rules_extend_and_override_shipped_ones() {
        let own = parse_rules_toml(
            "[[rule]]\nname = \"ew-iom\"\njurisdiction = \"local\"\ndescription = \"d\"\n\
             expression = \"count(proven, within 5y) >= 15\"\n",
        )
        .unwrap();
        let rule = resolve_with("ew-iom", &own).unwrap();
        assert_eq!(rule.expression, "count(proven, within 5y) >= 15");
        assert!(resolve_with("nl-very-active-prolific", &own).is_ok());
        let bad = "[[rule]]\nname = \"x\"\njurisdiction = \"j\"\ndescription = \"d\"\nexpression = \"count(\"\n";
        assert!(parse_rules_toml(bad).unwrap_err().to_string().contains("'x'"));
    }

    #[test]
    fn caret_points_at_the_error() {
        let source = "count(proven, within 5y and age > 18";
        let error = parse(source).unwrap_err();
        assert_eq!(
            caret(source, &error),
            "count(proven, within 5y and age > 18\n                        ^ expected ')' or ',' but found 'and'"
        );
    }
}
