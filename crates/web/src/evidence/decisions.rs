//! The process manager's cohort page: who is in a rule's cohort today and why (the rule's
//! counts, or a manual selection's reason), who was taken out and why, and the form to select
//! or deselect a person with a reason. Decisions go through `CohortDecisions`, which checks
//! the role, validates every field at once, audits (refusals too) and tells the person's team.

use crate::AppState;
use crate::auth::Member;
use crate::error::WebError;
use crate::forms::{ErrorList, Posted};
use crate::i18n::Texts;
use crate::page::{Page, after_post, ok};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use domain::access::Permission;
use domain::audit::{AuditAction, AuditEntry, AuditLog};
use domain::cohort::service::DecisionInput;
use domain::directory::DirectoryStore;
use evidence::date::{Day, format_day, parse_date_arg};
use evidence::membership::{Override, OverrideKind};
use evidence::rules::{Expr, Value};
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/cohorts", get(rules))
        .route("/cohorts/{rule}", get(show))
        .route("/cohorts/{rule}/decisions", post(decide))
}

/// At most this many members are listed (the count says how many there are).
pub(crate) const SHOWN: usize = 500;

struct MemberRow {
    person: String,
    why: String,
}

#[derive(Template)]
#[template(path = "cohort_decisions.html")]
struct DecisionsPage {
    page: Page,
    rule: String,
    expression: String,
    count_line: String,
    members: Vec<MemberRow>,
    deselected: Vec<MemberRow>,
    errors: ErrorList,
    person: String,
    change: String,
    reason: String,
}

fn today(state: &AppState) -> Result<Day, WebError> {
    let today = state.clock.now().to_zoned(state.config.time_zone.clone()).date();
    parse_date_arg(&today.to_string()).ok_or_else(|| WebError::internal("today"))
}

/// The decision that applies to `person` on `day`, if any (the latest one that started).
fn applying<'a>(overrides: &'a [Override], person: &str, day: Day) -> Option<&'a Override> {
    overrides.iter().rev().find(|o| o.person_id == person && o.from <= day && o.until.is_none_or(|u| day < u))
}

fn decided_why(t: &Texts, o: &Override, deciders: &HashMap<String, String>) -> String {
    let by = deciders.get(&o.decided_by).unwrap_or(&o.decided_by);
    t.fill("cohort_decision.why.decided", &[("reason", &o.reason), ("by", by), ("from", &format_day(o.from))])
}

/// What each of a rule's counts counts, in the order the evaluator computes them (one per
/// `count(…)` or `sum(seriousness, …)`, depth first), as the rule writes it: the reader sees
/// `count(proven, within 5y): 14` rather than a bare list of numbers.
fn count_labels(expr: &Expr, labels: &mut Vec<String>) {
    match expr {
        Expr::Or(parts) | Expr::And(parts) => parts.iter().for_each(|p| count_labels(p, labels)),
        Expr::Not(inner) => count_labels(inner, labels),
        Expr::Compare { value: Value::Count(filter), .. } => labels.push(in_years(&format!("count({filter})"))),
        Expr::Compare { value: Value::SumSeriousness(filter), .. } => {
            labels.push(in_years(&format!("sum(seriousness, {filter})")))
        }
        Expr::Compare { value: Value::Age, .. } | Expr::In { .. } => {}
    }
}

/// A period of whole years as rules write it (`within 5y`), not in the months the canonical
/// form counts (`within 60m`), so a count reads as the rule above it.
fn in_years(label: &str) -> String {
    let Some((head, rest)) = label.split_once("within ") else { return label.to_string() };
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let after = &rest[digits.len()..];
    match (digits.parse::<u32>(), after.strip_prefix('m')) {
        (Ok(months), Some(tail)) if months > 0 && months % 12 == 0 && months != 12 => {
            format!("{head}within {}y{tail}", months / 12)
        }
        _ => label.to_string(),
    }
}

/// The members who decided, by username (as overrides keep them), with their names.
async fn decider_names(state: &AppState, overrides: &[Override]) -> Result<HashMap<String, String>, WebError> {
    let mut names = HashMap::new();
    for o in overrides {
        if !names.contains_key(&o.decided_by)
            && let Some(found) = state.store.credentials(&o.decided_by).await?
        {
            names.insert(o.decided_by.clone(), found.member.display_name);
        }
    }
    Ok(names)
}

/// Why a person is in a cohort today: the rule's counts, or a manual selection.
pub(crate) enum Why {
    Rule { counts: Vec<i64> },
    Decided(Override),
}

/// Who is in a rule's cohort today and why, and who was taken out and why (read by the page
/// and by the API alike; the read, or its refusal, is audited here).
pub(crate) struct CohortFile {
    pub(crate) expression: String,
    /// What each of the rule's counts counts, as the rule writes it.
    pub(crate) labels: Vec<String>,
    /// Members in all (only the first [`SHOWN`] are listed).
    pub(crate) count: usize,
    pub(crate) members: Vec<(String, Why)>,
    pub(crate) deselected: Vec<Override>,
}

pub(crate) async fn cohort_file(
    state: &AppState,
    me: &crate::auth::SignedIn,
    rule: &str,
) -> Result<CohortFile, WebError> {
    let now = state.clock.now();
    let what = format!("cohort {rule}: members");
    if !me.actor.can(Permission::SelectCohort) {
        let denied = AuditEntry::new(&me.actor, now, None, AuditAction::Denied, what.clone(), "role_lacks_permission");
        state.store.append(&[denied]).await?;
        domain::service::require(&me.actor, Permission::SelectCohort)?;
    }
    let named = evidence::rules::known_rules(&state.config.cohort_rules)
        .into_iter()
        .find(|r| r.name == rule)
        .ok_or(WebError::NotFound)?;
    let expr = evidence::rules::parse(&named.expression).map_err(|e| WebError::internal(e.to_string()))?;
    let data = state.evidence().extract().await.map_err(|e| WebError::internal(e.to_string()))?;
    let compiled = evidence::rules::CompiledRule::compile(&expr, &data);
    let overrides: Vec<Override> = state.store.cohort_overrides(rule).await?.into_iter().map(|s| s.decision).collect();
    let day = today(state)?;
    let history = evidence::membership::history(&data, &compiled, &[day], &overrides);
    let mut evaluator = compiled.evaluator(&data, day);
    let mut labels = Vec::new();
    count_labels(&expr, &mut labels);
    let members = history
        .members
        .iter()
        .take(SHOWN)
        .map(|person| {
            let why = match applying(&overrides, person, day) {
                Some(o) if o.kind == OverrideKind::Select => Why::Decided(o.clone()),
                _ => Why::Rule { counts: data.find_person(person).map(|p| evaluator.counts(p)).unwrap_or_default() },
            };
            (person.clone(), why)
        })
        .collect();
    let mut deselected = Vec::new();
    for o in overrides.iter().filter(|o| o.kind == OverrideKind::Deselect) {
        if applying(&overrides, &o.person_id, day).is_some_and(|now| std::ptr::eq(now, o)) {
            deselected.push(o.clone());
        }
    }
    let audit = AuditEntry::new(&me.actor, now, None, AuditAction::Read, what, "role: process_manager");
    state.store.append(&[audit]).await?;
    Ok(CohortFile { expression: named.expression, labels, count: history.members.len(), members, deselected })
}

async fn page(
    state: &AppState,
    me: &crate::auth::SignedIn,
    context: &crate::auth::RequestContext,
    rule: &str,
    errors: ErrorList,
    input: DecisionInput,
) -> Result<DecisionsPage, WebError> {
    let t = context.texts;
    let file = cohort_file(state, me, rule).await?;
    let overrides: Vec<Override> = file
        .deselected
        .iter()
        .chain(file.members.iter().filter_map(|(_, why)| match why {
            Why::Decided(o) => Some(o),
            Why::Rule { .. } => None,
        }))
        .cloned()
        .collect();
    let deciders = decider_names(state, &overrides).await?;
    let members = file
        .members
        .iter()
        .map(|(person, why)| {
            let why = match why {
                Why::Decided(o) => decided_why(&t, o, &deciders),
                Why::Rule { counts } => {
                    let counts = counts
                        .iter()
                        .enumerate()
                        .map(|(k, n)| match file.labels.get(k) {
                            Some(label) => format!("{label}: {}", t.number(*n)),
                            None => t.number(*n),
                        })
                        .collect::<Vec<_>>()
                        .join("; ");
                    t.fill("cohort_decision.why.rule", &[("counts", &counts)])
                }
            };
            MemberRow { person: person.clone(), why }
        })
        .collect();
    let deselected = file
        .deselected
        .iter()
        .map(|o| MemberRow { person: o.person_id.clone(), why: decided_why(&t, o, &deciders) })
        .collect();
    Ok(DecisionsPage {
        page: Page::new(context, &t.fill("cohort_decision.title", &[("rule", rule)])),
        rule: rule.to_owned(),
        expression: file.expression,
        count_line: t.fill("cohort_decision.count", &[("count", &t.number(file.count as i64))]),
        members,
        deselected,
        errors,
        person: input.person,
        change: input.change,
        reason: input.reason,
    })
}

struct RuleLink {
    name: String,
    expression: String,
}

#[derive(Template)]
#[template(path = "cohort_rules.html")]
struct RulesPage {
    page: Page,
    rules: Vec<RuleLink>,
}

/// The rules whose cohorts the process manager may decide on.
async fn rules(State(state): State<AppState>, Member(me, context): Member) -> Result<Response, WebError> {
    domain::service::require(&me.actor, Permission::SelectCohort)?;
    // The rules of the member's own jurisdiction (an IOM lead in Knowsley is not offered the
    // Dutch rules), and the deployment's rules that name none.
    let pack = state.member_pack(&me.actor).await?;
    let rules = evidence::rules::known_rules(&state.config.cohort_rules)
        .into_iter()
        .filter(|r| r.jurisdiction.is_empty() || r.jurisdiction == pack.code || r.jurisdiction == "local")
        .map(|r| RuleLink { name: r.name, expression: r.expression })
        .collect();
    ok(&RulesPage { page: Page::new(&context, context.texts.get("nav.cohorts")), rules })
}

async fn show(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(rule): Path<String>,
) -> Result<Response, WebError> {
    let page = page(&state, &me, &context, &rule, ErrorList::default(), DecisionInput::default()).await?;
    ok(&page)
}

async fn decide(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(rule): Path<String>,
    form: Posted,
) -> Result<Response, WebError> {
    let input = DecisionInput {
        person: form.get("cohort_person"),
        change: form.get("cohort_change"),
        reason: form.get("cohort_reason"),
    };
    let result = state.cohort_decisions().decide(&me.actor, &rule, &input).await.map(|_| format!("/cohorts/{rule}"));
    after_post(result, context.texts, |errors| page(&state, &me, &context, &rule, errors, input)).await
}

#[cfg(test)]
mod tests {
    use super::in_years;

    #[test]
    fn counts_read_in_the_years_the_rule_is_written_in() {
        assert_eq!(in_years("count(proven, within 60m)"), "count(proven, within 5y)");
        assert_eq!(in_years("count(proven, within 12m)"), "count(proven, within 12m)");
        assert_eq!(
            in_years("count(proven, type in (theft), within 18m)"),
            "count(proven, type in (theft), within 18m)"
        );
        assert_eq!(in_years("count(any)"), "count(any)");
    }
}
