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
use evidence::date::{Day, format_day, parse_date_arg};
use evidence::membership::{Override, OverrideKind};

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

fn decided_why(t: &Texts, o: &Override) -> String {
    t.fill(
        "cohort_decision.why.decided",
        &[("reason", &o.reason), ("by", &o.decided_by), ("from", &format_day(o.from))],
    )
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
    Ok(CohortFile { expression: named.expression, count: history.members.len(), members, deselected })
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
    let members = file
        .members
        .iter()
        .map(|(person, why)| {
            let why = match why {
                Why::Decided(o) => decided_why(&t, o),
                Why::Rule { counts } => {
                    let counts = counts.iter().map(|n| t.number(*n)).collect::<Vec<_>>().join(", ");
                    t.fill("cohort_decision.why.rule", &[("counts", &counts)])
                }
            };
            MemberRow { person: person.clone(), why }
        })
        .collect();
    let deselected =
        file.deselected.iter().map(|o| MemberRow { person: o.person_id.clone(), why: decided_why(&t, o) }).collect();
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
    let rules = evidence::rules::known_rules(&state.config.cohort_rules)
        .into_iter()
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
