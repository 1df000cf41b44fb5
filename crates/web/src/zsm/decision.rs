//! The prosecutor's decision, amendments and the printable decision record.

use super::*;

pub(super) struct ParameterField {
    id: String,
    error: Option<String>,
    name: String,
    label: String,
    input: &'static str,
    unit: String,
    options: Vec<(String, String)>,
    value: String,
    required: bool,
}

pub(super) struct ObligationInput {
    kind: String,
    starts_on: String,
    ends_on: String,
    details: String,
    kind_error: Option<String>,
    starts_on_error: Option<String>,
    ends_on_error: Option<String>,
}

pub(super) struct DisposalChoice {
    code: String,
    name: String,
    basis: String,
    parameters: Vec<ParameterField>,
    requirements: Vec<String>,
}

#[derive(Template)]
#[template(path = "zsm/decision.html")]
pub(super) struct DecisionPage {
    page: Page,
    id: CaseId,
    version: i64,
    amend: bool,
    action: String,
    disposals: Vec<DisposalChoice>,
    obligation_kinds: Vec<(String, String)>,
    obligations: Vec<ObligationInput>,
    missing: Vec<String>,
    form: DecisionForm,
    reason: String,
    errors: ErrorList,
}

pub(super) fn disposal_choices(
    pack: &JurisdictionPack,
    form: &DecisionForm,
    errors: &ErrorList,
    t: Texts,
) -> Vec<DisposalChoice> {
    pack.disposals
        .iter()
        .map(|d| DisposalChoice {
            code: d.code.to_string(),
            name: named(d, t),
            basis: d.legal_basis.clone(),
            parameters: d
                .parameters
                .iter()
                .map(|p| {
                    let (input, unit, options) = match &p.value {
                        ParameterKind::Integer { unit, min, max } => (
                            "number",
                            format!(
                                "{} ({min}–{})",
                                unit_label(*unit, t),
                                max.map(|m| m.to_string()).unwrap_or_default()
                            ),
                            Vec::new(),
                        ),
                        ParameterKind::Money { .. } => ("money", "€".to_string(), Vec::new()),
                        ParameterKind::Flag => ("flag", String::new(), Vec::new()),
                        ParameterKind::Text { .. } => ("text", String::new(), Vec::new()),
                        ParameterKind::Date => ("date", String::new(), Vec::new()),
                        ParameterKind::Choice { options } => {
                            ("choice", String::new(), options.iter().map(|o| (o.code.clone(), named(o, t))).collect())
                        }
                    };
                    let value = if form.disposal == d.code.as_str() {
                        form.parameters.get(p.code.as_str()).cloned().unwrap_or_default()
                    } else {
                        String::new()
                    };
                    let name = format!("param.{}.{}", d.code, p.code);
                    ParameterField {
                        id: name.replace('.', "-"),
                        error: errors.for_field(&name).map(str::to_string),
                        name,
                        label: named(p, t),
                        input,
                        unit,
                        options,
                        value,
                        required: p.required,
                    }
                })
                .collect(),
            requirements: d
                .requires
                .iter()
                .map(|r| {
                    let mut when: Vec<String> =
                        r.when_any_parameter.iter().filter_map(|code| d.parameter(code).map(|p| named(p, t))).collect();
                    if r.when_obligations {
                        when.push(t.get("zsm.decision.obligations").to_string());
                    }
                    if let Some(sum) = &r.when_sum_above {
                        when.push(format!("> € {}", euros_in(sum.amount_cents, t)));
                    }
                    let who = t.get(&partner_key(r.partner)).to_string();
                    format!(
                        "{who}: {}",
                        t.fill("zsm.decision.requires", &[("basis", &r.legal_basis), ("when", &when.join(", "))])
                    )
                })
                .collect(),
        })
        .collect()
}

#[allow(clippy::too_many_arguments, reason = "one argument per part of the form; a struct would only rename them")]
pub(super) async fn decision_view(
    state: &AppState,
    me: &SignedIn,
    context: &RequestContext,
    id: CaseId,
    amend: bool,
    form: DecisionForm,
    reason: String,
    errors: ErrorList,
) -> Result<DecisionPage, WebError> {
    let file = state.zsm().open_for_decision(&me.actor, id, "ZSM decision form").await?;
    let context = &context.in_pack(file.pack);
    let t = context.texts;
    let name = Names::of(state, &file).await?.suspect(&file);
    let contributions = &file.view.case.contributions;
    // Which required contributions are not done, for any disposal the prosecutor might choose.
    let mut missing = Vec::new();
    for disposal in &file.pack.disposals {
        for requirement in &disposal.requires {
            let state = contributions.state(requirement.partner);
            if state != domain::jurisdiction::ContributionState::Done {
                let applies_now = requirement_applies(requirement, &Default::default(), false);
                let (symbol, text, _) = state_label(state, t);
                let line = format!(
                    "{} {symbol} {text} — {} ({})",
                    t.get(&partner_key(requirement.partner)),
                    named(disposal, t),
                    requirement.legal_basis
                );
                if !missing.contains(&line) || applies_now {
                    missing.push(line);
                }
            }
        }
    }
    let title_key = if amend { "zsm.decision.amend_title" } else { "zsm.decision.title" };
    let mut rows = form.obligations.clone();
    while rows.len() < OBLIGATION_ROWS {
        rows.push(Default::default());
    }
    let obligations = rows
        .into_iter()
        .enumerate()
        .map(|(i, o)| {
            let error = |name: &str| errors.for_field(&format!("obligations[{i}].{name}")).map(str::to_string);
            ObligationInput {
                kind_error: error("kind"),
                starts_on_error: error("starts_on"),
                ends_on_error: error("ends_on"),
                kind: o.kind,
                starts_on: o.starts_on,
                ends_on: o.ends_on,
                details: o.details,
            }
        })
        .collect();
    Ok(DecisionPage {
        page: Page::new(context, &t.fill(title_key, &[("name", &name)])),
        id,
        version: file.version,
        amend,
        action: format!("/zsm/cases/{id}/{}", if amend { "amend" } else { "decision" }),
        disposals: disposal_choices(file.pack, &form, &errors, t),
        obligation_kinds: file.pack.obligation_kinds.iter().map(|k| (k.code.to_string(), named(k, t))).collect(),
        obligations,
        missing,
        form,
        reason,
        errors: super::case::named_in_summary(errors, t, &[("reason", "zsm.decision.amend_reason")]),
    })
}

pub(super) async fn decision_page(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = case_id(&id)?;
    let blank = DecisionForm::default();
    ok(&decision_view(&state, &me, &context, id, false, blank, String::new(), ErrorList::default()).await?)
}

pub(super) async fn amend_page(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = case_id(&id)?;
    let blank = DecisionForm::default();
    ok(&decision_view(&state, &me, &context, id, true, blank, String::new(), ErrorList::default()).await?)
}

pub(super) async fn decide(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    posted: Posted,
) -> Result<Response, WebError> {
    let id = case_id(&id)?;
    let form = decision_form(&posted);
    let result = state.zsm().decide(&me.actor, id, &form, version(&posted)?).await;
    let result = result.map(|_| format!("/zsm/cases/{id}/record"));
    after_post(result, context.texts, |errors| {
        decision_view(&state, &me, &context, id, false, form, String::new(), anchored(errors, &posted))
    })
    .await
}

pub(super) async fn amend(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    posted: Posted,
) -> Result<Response, WebError> {
    let id = case_id(&id)?;
    let (form, reason) = (decision_form(&posted), posted.get("reason"));
    let result = state.zsm().amend(&me.actor, id, &form, &reason, version(&posted)?).await;
    let result = result.map(|_| format!("/zsm/cases/{id}/record"));
    after_post(result, context.texts, |errors| {
        decision_view(&state, &me, &context, id, true, form, reason, anchored(errors, &posted))
    })
    .await
}

/// Parameter errors name `param.{code}`; on the page the field is `param.{disposal}.{code}`.
pub(super) fn anchored(mut errors: ErrorList, posted: &Posted) -> ErrorList {
    let disposal = posted.get("disposal");
    for item in &mut errors.items {
        if let Some(code) = item.field.strip_prefix("param.") {
            item.field = format!("param.{disposal}.{code}");
            item.anchor = crate::forms::anchor(&item.field).replace('.', "-");
        }
    }
    errors
}

// ---------------------------------------------------------------------------------------------
// Board
