//! The ZSM table pages: intake, the case page with one section per partner and the clocks, the
//! prosecutor's decision and its printable record, the live board, obligations with breach
//! recording, and metrics. Handlers parse, call the domain's `Zsm` use cases, render.

pub mod demo;
mod views;

use crate::AppState;
use crate::auth::{Member, RequestContext, SignedIn};
use crate::error::WebError;
use crate::forms::{ErrorList, one};
use crate::i18n::Texts;
use crate::page::{Page, local_time, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use domain::access::Role;
use domain::jurisdiction::{JurisdictionPack, ParameterKind, Partner};
use domain::ports::{DirectoryStore, PeopleStore};
use domain::zsm::case::CaseStatus;
use domain::zsm::decision::requirement_applies;
use domain::zsm::forms::{ADVICE, ContributionForm, DecisionForm, IntakeForm, LIFE_DOMAINS, MODES, partner_from_code};
use domain::zsm::ids::{CaseId, ObligationId};
use domain::zsm::intake::Victim;
use domain::zsm::ports::ZsmLocation;
use domain::zsm::service::{CaseFile, Zsm, ZsmServiceError, authority_of, status_code};
use domain::zsm::view::Metrics;
use domain::zsm::{ClockRun, most_urgent};
use serde::Deserialize;
use views::*;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/zsm", get(index))
        .route("/zsm/intake", get(intake_page))
        .route("/zsm/cases", post(register))
        .route("/zsm/cases/{id}", get(case_page))
        .route("/zsm/cases/{id}/contributions/{partner}", post(contribute))
        .route("/zsm/cases/{id}/clocks/{clock}/extend", post(extend))
        .route("/zsm/cases/{id}/lawyer", post(record_lawyer))
        .route("/zsm/cases/{id}/decision", get(decision_page).post(decide))
        .route("/zsm/cases/{id}/amend", get(amend_page).post(amend))
        .route("/zsm/cases/{id}/record", get(record_page))
        .route("/zsm/cases/{id}/breaches", post(record_breach))
        .route("/zsm/cases/{id}/maintain", post(maintain))
        .route("/zsm/{location}/board", get(board_page))
        .route("/zsm/{location}/board/fragment", get(board_fragment))
        .route("/zsm/{location}/obligations", get(obligations_page))
        .route("/zsm/{location}/metrics", get(metrics_page))
}

impl AppState {
    pub(crate) fn zsm(&self) -> Zsm<'_, store::Store> {
        Zsm { store: &self.store, clock: self.clock.as_ref() }
    }
}

type Fields = Form<Vec<(String, String)>>;

fn case_id(raw: &str) -> Result<CaseId, WebError> {
    raw.parse().map_err(|_| WebError::NotFound)
}

fn version(fields: &[(String, String)]) -> Result<i64, WebError> {
    one(fields, "version").parse().map_err(|_| WebError::BadRequest("version missing".into()))
}

/// Field errors and conflicts become an error list to re-render with; anything else is an error page.
fn form_errors(error: ZsmServiceError, t: Texts) -> Result<(StatusCode, ErrorList), WebError> {
    if let Some(errors) = error.field_errors() {
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, ErrorList::from_validation(&errors, t)));
    }
    match error {
        ZsmServiceError::Conflict => Ok((StatusCode::CONFLICT, ErrorList::single("form", t.get("zsm.case.conflict")))),
        other => Err(other.into()),
    }
}

// ---------------------------------------------------------------------------------------------
// Index

#[derive(Template)]
#[template(path = "zsm/index.html")]
struct IndexPage {
    page: Page,
    locations: Vec<ZsmLocation>,
    can_register: bool,
}

async fn index(State(state): State<AppState>, Member(me, context): Member) -> Result<Response, WebError> {
    let locations = state.zsm().locations().await?;
    let page = Page::new(&context, context.texts.get("zsm.index.title"));
    let can_register = me.actor.roles.contains(&Role::PoliceOfficer);
    Ok(render(StatusCode::OK, &IndexPage { page, locations, can_register }))
}

// ---------------------------------------------------------------------------------------------
// Intake

#[derive(Template)]
#[template(path = "zsm/intake.html")]
struct IntakePage {
    page: Page,
    form: IntakeForm,
    locations: Vec<ZsmLocation>,
    lawyers: Vec<(String, String)>,
    errors: ErrorList,
}

impl IntakePage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.for_field(field)
    }
    fn offence_error(&self, index: &usize, name: &str) -> Option<&str> {
        self.errors.for_field(&format!("offences[{index}].{name}"))
    }
    fn victim_error(&self, index: &usize, name: &str) -> Option<&str> {
        self.errors.for_field(&format!("victims[{index}].{name}"))
    }
}

async fn intake_view(
    state: &AppState,
    context: &RequestContext,
    form: IntakeForm,
    errors: ErrorList,
) -> Result<IntakePage, WebError> {
    let locations = state.zsm().locations().await?;
    let lawyers = state
        .store
        .members()
        .await?
        .into_iter()
        .filter(|m| m.roles.contains(&Role::DefenceLawyer) && !m.disabled)
        .map(|m| (m.id.to_string(), m.display_name))
        .collect();
    Ok(IntakePage {
        page: Page::new(context, context.texts.get("zsm.intake.title")),
        form: padded(form),
        locations,
        lawyers,
        errors,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct IntakeQuery {
    location: String,
    suspect: String,
}

async fn intake_page(
    State(state): State<AppState>,
    Member(me, context): Member,
    Query(query): Query<IntakeQuery>,
) -> Result<Response, WebError> {
    if !me.actor.roles.contains(&Role::PoliceOfficer) {
        return Err(WebError::Forbidden(domain::access::Denial::RoleLacksPermission));
    }
    let form = IntakeForm { location: query.location, suspect_id: query.suspect, ..Default::default() };
    let page = intake_view(&state, &context, form, ErrorList::default()).await?;
    Ok(render(StatusCode::OK, &page))
}

async fn register(
    State(state): State<AppState>,
    Member(me, context): Member,
    Form(fields): Fields,
) -> Result<Response, WebError> {
    let form = intake_form(&fields);
    match state.zsm().register(&me.actor, &form).await {
        Ok(id) => Ok(Redirect::to(&format!("/zsm/cases/{id}")).into_response()),
        Err(error) => {
            let (status, errors) = form_errors(error, context.texts)?;
            let page = intake_view(&state, &context, form, errors).await?;
            Ok(render(status, &page))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Case page

struct OffenceRow {
    offence_type: String,
    date: String,
    place: String,
    description: String,
    pretrial: String,
}

struct SectionView {
    code: &'static str,
    title: String,
    symbol: &'static str,
    state_text: String,
    state_class: &'static str,
    lines: Vec<(String, String)>,
    hidden: bool,
    editable: bool,
    updated: Option<String>,
    form: ContributionForm,
}

impl SectionView {
    fn has_signal(&self, code: &&str) -> bool {
        self.form.signals.contains_key(*code)
    }
    fn signal_note(&self, code: &&str) -> String {
        self.form.signals.get(*code).cloned().unwrap_or_default()
    }
}

struct ObligationView {
    id: ObligationId,
    kind: String,
    period: String,
    details: String,
    monitor: String,
    breaches: usize,
    may_record_breach: bool,
}

struct DecisionView {
    disposal: String,
    outcome: String,
    signed: String,
    lines: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "zsm/case.html")]
struct CasePage {
    page: Page,
    id: CaseId,
    version: i64,
    location: ZsmLocation,
    facts: Vec<(String, String)>,
    offences: Vec<OffenceRow>,
    victims: Vec<String>,
    victims_hidden: bool,
    clocks: Vec<ClockRow>,
    sections: Vec<SectionView>,
    decision: Option<DecisionView>,
    obligations: Vec<ObligationView>,
    can_decide: bool,
    can_amend: bool,
    breach_open: bool,
    can_record_lawyer: bool,
    lawyers: Vec<(String, String)>,
    lawyer: Option<String>,
    advice: Vec<(&'static str, String)>,
    domains: Vec<(&'static str, String)>,
    modes: Vec<(&'static str, String)>,
    states: Vec<(&'static str, String)>,
    errors: ErrorList,
}

async fn suspect_name(state: &AppState, file: &CaseFile) -> Result<String, WebError> {
    let suspect = file.view.case.intake.details().suspect;
    Ok(state.store.person(suspect).await?.map(|p| p.display_name()).unwrap_or_else(|| suspect.to_string()))
}

async fn member_name(state: &AppState, id: domain::ids::MemberId) -> String {
    match state.store.member(id).await {
        Ok(Some(member)) => member.display_name,
        _ => id.to_string(),
    }
}

async fn case_view(
    state: &AppState,
    me: &SignedIn,
    context: &RequestContext,
    id: CaseId,
    errors: ErrorList,
) -> Result<CasePage, WebError> {
    let file = state.zsm().open(&me.actor, id, "ZSM case page").await?;
    let t = context.texts;
    let zone = &file.pack.time_zone;
    let now = state.clock.now();
    let name = suspect_name(state, &file).await?;
    let case = &file.view.case;
    let details = case.intake.details();
    let mut facts = vec![
        (t.get("zsm.case.status").to_string(), status_label(status_code(&case.status), t)),
        (t.get("zsm.case.location").to_string(), file.location.name.clone()),
        (t.get("zsm.case.arrested").to_string(), local_time(details.arrested_at, zone)),
        (t.get("zsm.case.arrived").to_string(), local_time(details.arrived_at_station, zone)),
        (t.get("zsm.case.registered").to_string(), local_time(case.intake.registered_at(), zone)),
        (t.get("zsm.case.report").to_string(), details.police_report_summary.clone()),
    ];
    if let Some(prior) = &details.prior_record_summary {
        facts.push((t.get("zsm.case.prior").to_string(), prior.clone()));
    }
    let offences = details
        .offences
        .iter()
        .map(|o| OffenceRow {
            offence_type: o.offence_type.clone(),
            date: o.committed_on.to_string(),
            place: o.place.clone(),
            description: o.description.clone(),
            pretrial: t.get(if o.pretrial_detention_allowed { "zsm.yes" } else { "zsm.no" }).to_string(),
        })
        .collect();
    let mut victims = Vec::new();
    for victim in &details.victims {
        victims.push(match victim {
            Victim::Known(person) => match state.store.person(*person).await? {
                Some(p) => format!("{} ({})", p.display_name(), t.get("zsm.case.known_victim")),
                None => t.get("zsm.case.known_victim").to_string(),
            },
            Victim::Anonymous { description } => format!("{}: {description}", t.get("zsm.case.anonymous_victim")),
        });
    }
    let open = !matches!(case.status, CaseStatus::Decided { .. } | CaseStatus::Referred { .. });
    let can_extend = authority_of(&me.actor).is_some() && open;
    let mut sections = Vec::new();
    for (partner, contribution) in case.contributions.iter() {
        if contribution.state == domain::jurisdiction::ContributionState::NotNeeded && contribution.content.is_none() {
            continue;
        }
        let (symbol, state_text, state_class) = state_label(contribution.state, t);
        let hidden = file.view.hidden_sections.contains(&partner);
        let editable = open && file.viewer.may_edit_section(partner);
        sections.push(SectionView {
            code: partner.code(),
            title: t.get(&partner_key(partner)).to_string(),
            symbol,
            state_text,
            state_class,
            lines: contribution.content.as_ref().map(|c| content_lines(c, zone, t)).unwrap_or_default(),
            hidden,
            editable,
            updated: contribution.updated_at.map(|at| t.fill("zsm.section.updated", &[("at", &local_time(at, zone))])),
            form: prefill(contribution.state, contribution.content.as_ref(), zone),
        });
    }
    let decision = match case.status.decision() {
        Some(d) => Some(DecisionView {
            disposal: disposal_name(file.pack, d.disposal.as_str(), t),
            outcome: outcome_label(d.outcome, t),
            signed: t.fill(
                "zsm.record.signed",
                &[("who", &member_name(state, d.decided_by).await), ("at", &local_time(d.decided_at, zone))],
            ),
            lines: decision_lines(d, file.pack, t),
        }),
        None => None,
    };
    let kind = file.viewer.agency;
    let decided = matches!(case.status, CaseStatus::Decided { .. });
    let obligations = case
        .status
        .decision()
        .map(|d| {
            d.obligations
                .iter()
                .map(|o| ObligationView {
                    id: o.id,
                    kind: file
                        .pack
                        .obligation_kind(&o.kind)
                        .map(|k| named(&k.name_nl, &k.name_en, t))
                        .unwrap_or_else(|| o.kind.to_string()),
                    period: format!("{} – {}", o.starts_on, o.ends_on),
                    details: o.details.clone(),
                    monitor: o.responsible_agency.to_string(),
                    breaches: case.breaches.iter().filter(|b| b.obligation == o.id).count(),
                    may_record_breach: decided
                        && (file.viewer.prosecutor || o.responsible_agency.as_str() == kind.code()),
                })
                .collect()
        })
        .unwrap_or_default();
    let can_record_lawyer =
        open && matches!(kind, domain::directory::AgencyKind::Police | domain::directory::AgencyKind::Prosecution);
    let lawyers = if can_record_lawyer {
        state
            .store
            .members()
            .await?
            .into_iter()
            .filter(|m| m.roles.contains(&Role::DefenceLawyer) && !m.disabled)
            .map(|m| (m.id.to_string(), m.display_name))
            .collect()
    } else {
        Vec::new()
    };
    let lawyer = match file.lawyer {
        Some(id) => Some(member_name(state, id).await),
        None => None,
    };
    Ok(CasePage {
        page: Page::new(context, &t.fill("zsm.case.title", &[("name", &name)])),
        id,
        version: file.version,
        location: file.location.clone(),
        facts,
        offences,
        victims,
        victims_hidden: file.view.victims_hidden,
        clocks: clock_rows(&file.clocks, file.pack, now, zone, can_extend, t),
        sections,
        can_decide: file.viewer.prosecutor && case.status.decision().is_none() && open,
        can_amend: file.viewer.prosecutor && case.status.decision().is_some(),
        breach_open: matches!(case.status, CaseStatus::ReturnedToProsecutor { .. }) && file.viewer.prosecutor,
        decision,
        obligations,
        can_record_lawyer,
        lawyers,
        lawyer,
        advice: ADVICE.iter().map(|(_, c)| (*c, t.get(&format!("zsm.advice.{c}")).to_string())).collect(),
        domains: LIFE_DOMAINS.iter().map(|(_, c)| (*c, t.get(&format!("zsm.domain.{c}")).to_string())).collect(),
        modes: MODES.iter().map(|(_, c)| (*c, t.get(&format!("zsm.mode.{c}")).to_string())).collect(),
        states: ["awaited", "in_progress", "done"]
            .into_iter()
            .map(|c| (c, t.get(&format!("zsm.state.{c}")).to_string()))
            .collect(),
        errors,
    })
}

async fn case_page(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let page = case_view(&state, &me, &context, case_id(&id)?, ErrorList::default()).await?;
    Ok(render(StatusCode::OK, &page))
}

/// Re-renders the case page with the errors of a refused change, or redirects after success.
async fn after_case_change(
    state: &AppState,
    me: &SignedIn,
    context: &RequestContext,
    id: CaseId,
    result: Result<(), ZsmServiceError>,
) -> Result<Response, WebError> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/zsm/cases/{id}")).into_response()),
        Err(error) => {
            let (status, errors) = form_errors(error, context.texts)?;
            let page = case_view(state, me, context, id, errors).await?;
            Ok(render(status, &page))
        }
    }
}

async fn contribute(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path((id, partner)): Path<(String, String)>,
    Form(fields): Fields,
) -> Result<Response, WebError> {
    let id = case_id(&id)?;
    let partner: Partner = partner_from_code(&partner).ok_or(WebError::NotFound)?;
    let form = contribution_form(&fields);
    let result = state.zsm().update_contribution(&me.actor, id, partner, &form, version(&fields)?).await;
    after_case_change(&state, &me, &context, id, result).await
}

async fn extend(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path((id, clock)): Path<(String, String)>,
    Form(fields): Fields,
) -> Result<Response, WebError> {
    let id = case_id(&id)?;
    let hours_text = one(&fields, "hours");
    let hours = if hours_text.trim().is_empty() {
        None
    } else {
        match hours_text.trim().parse() {
            Ok(hours) => Some(hours),
            Err(_) => {
                let errors = ErrorList::single("hours", context.texts.get("zsm.error.parameter_invalid"));
                let page = case_view(&state, &me, &context, id, errors).await?;
                return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page));
            }
        }
    };
    let extension = one(&fields, "extension");
    let basis = one(&fields, "basis");
    let result = state.zsm().extend_clock(&me.actor, id, &clock, &extension, hours, &basis, version(&fields)?).await;
    after_case_change(&state, &me, &context, id, result).await
}

async fn record_lawyer(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    Form(fields): Fields,
) -> Result<Response, WebError> {
    let id = case_id(&id)?;
    let Ok(lawyer) = one(&fields, "lawyer_id").parse() else {
        let errors = ErrorList::single("lawyer_id", context.texts.get("zsm.error.not_a_lawyer"));
        let page = case_view(&state, &me, &context, id, errors).await?;
        return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page));
    };
    let result = state.zsm().record_lawyer(&me.actor, id, lawyer, version(&fields)?).await;
    after_case_change(&state, &me, &context, id, result).await
}

async fn record_breach(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    Form(fields): Fields,
) -> Result<Response, WebError> {
    let id = case_id(&id)?;
    let obligation = one(&fields, "obligation").parse().map_err(|_| WebError::BadRequest("obligation".into()))?;
    let result = state
        .zsm()
        .record_breach(
            &me.actor,
            id,
            obligation,
            &one(&fields, "observed_on"),
            &one(&fields, "description"),
            version(&fields)?,
        )
        .await;
    after_case_change(&state, &me, &context, id, result).await
}

async fn maintain(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    Form(fields): Fields,
) -> Result<Response, WebError> {
    let id = case_id(&id)?;
    let result = state.zsm().maintain_decision(&me.actor, id, &one(&fields, "reason"), version(&fields)?).await;
    after_case_change(&state, &me, &context, id, result).await
}

// ---------------------------------------------------------------------------------------------
// Decision

struct ParameterField {
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

struct ObligationInput {
    kind: String,
    starts_on: String,
    ends_on: String,
    details: String,
    kind_error: Option<String>,
    starts_on_error: Option<String>,
    ends_on_error: Option<String>,
}

struct DisposalChoice {
    code: String,
    name: String,
    basis: String,
    parameters: Vec<ParameterField>,
    requirements: Vec<String>,
}

#[derive(Template)]
#[template(path = "zsm/decision.html")]
struct DecisionPage {
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

fn disposal_choices(pack: &JurisdictionPack, form: &DecisionForm, errors: &ErrorList, t: Texts) -> Vec<DisposalChoice> {
    pack.disposals
        .iter()
        .map(|d| DisposalChoice {
            code: d.code.to_string(),
            name: named(&d.name_nl, &d.name_en, t),
            basis: d.legal_basis.clone(),
            parameters: d
                .parameters
                .iter()
                .map(|p| {
                    let (input, unit, options) = match &p.value {
                        ParameterKind::Integer { unit, min, max } => (
                            "number",
                            format!("{} ({min}–{})", unit.label(), max.map(|m| m.to_string()).unwrap_or_default()),
                            Vec::new(),
                        ),
                        ParameterKind::Money { .. } => ("money", "€".to_string(), Vec::new()),
                        ParameterKind::Flag => ("flag", String::new(), Vec::new()),
                        ParameterKind::Text { .. } => ("text", String::new(), Vec::new()),
                        ParameterKind::Date => ("date", String::new(), Vec::new()),
                        ParameterKind::Choice { options } => (
                            "choice",
                            String::new(),
                            options.iter().map(|o| (o.code.clone(), named(&o.name_nl, &o.name_en, t))).collect(),
                        ),
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
                        label: named(&p.name_nl, &p.name_en, t),
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
                    let mut when: Vec<String> = r
                        .when_any_parameter
                        .iter()
                        .filter_map(|code| d.parameter(code).map(|p| named(&p.name_nl, &p.name_en, t)))
                        .collect();
                    if r.when_obligations {
                        when.push(t.get("zsm.decision.obligations").to_string());
                    }
                    if let Some(sum) = &r.when_sum_above {
                        when.push(format!("> € {}", euros(sum.amount_cents)));
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

#[allow(clippy::too_many_arguments)]
async fn decision_view(
    state: &AppState,
    me: &SignedIn,
    context: &RequestContext,
    id: CaseId,
    amend: bool,
    form: DecisionForm,
    reason: String,
    errors: ErrorList,
) -> Result<DecisionPage, WebError> {
    let file = state.zsm().open(&me.actor, id, "ZSM decision form").await?;
    if !file.viewer.prosecutor {
        return Err(WebError::Forbidden(domain::access::Denial::RoleLacksPermission));
    }
    let t = context.texts;
    let name = suspect_name(state, &file).await?;
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
                    named(&disposal.name_nl, &disposal.name_en, t),
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
        obligation_kinds: file
            .pack
            .obligation_kinds
            .iter()
            .map(|k| (k.code.to_string(), named(&k.name_nl, &k.name_en, t)))
            .collect(),
        obligations,
        missing,
        form,
        reason,
        errors,
    })
}

async fn decision_page(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let page = decision_view(
        &state,
        &me,
        &context,
        case_id(&id)?,
        false,
        DecisionForm::default(),
        String::new(),
        ErrorList::default(),
    )
    .await?;
    Ok(render(StatusCode::OK, &page))
}

async fn amend_page(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let page = decision_view(
        &state,
        &me,
        &context,
        case_id(&id)?,
        true,
        DecisionForm::default(),
        String::new(),
        ErrorList::default(),
    )
    .await?;
    Ok(render(StatusCode::OK, &page))
}

async fn decide(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    Form(fields): Fields,
) -> Result<Response, WebError> {
    let id = case_id(&id)?;
    let form = decision_form(&fields);
    match state.zsm().decide(&me.actor, id, &form, version(&fields)?).await {
        Ok(_) => Ok(Redirect::to(&format!("/zsm/cases/{id}/record")).into_response()),
        Err(error) => {
            let (status, errors) = form_errors(error, context.texts)?;
            let page =
                decision_view(&state, &me, &context, id, false, form, String::new(), anchored(errors, &fields)).await?;
            Ok(render(status, &page))
        }
    }
}

async fn amend(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    Form(fields): Fields,
) -> Result<Response, WebError> {
    let id = case_id(&id)?;
    let form = decision_form(&fields);
    let reason = one(&fields, "reason");
    match state.zsm().amend(&me.actor, id, &form, &reason, version(&fields)?).await {
        Ok(_) => Ok(Redirect::to(&format!("/zsm/cases/{id}/record")).into_response()),
        Err(error) => {
            let (status, errors) = form_errors(error, context.texts)?;
            let page = decision_view(&state, &me, &context, id, true, form, reason, anchored(errors, &fields)).await?;
            Ok(render(status, &page))
        }
    }
}

/// Parameter errors name `param.{code}`; on the page the field is `param.{disposal}.{code}`.
fn anchored(mut errors: ErrorList, fields: &[(String, String)]) -> ErrorList {
    let disposal = one(fields, "disposal");
    for item in &mut errors.items {
        if let Some(code) = item.field.strip_prefix("param.") {
            item.field = format!("param.{disposal}.{code}");
            item.anchor = crate::forms::anchor(&item.field).replace('.', "-");
        }
    }
    errors
}

// ---------------------------------------------------------------------------------------------
// Decision record (printable)

struct AmendmentView {
    line: String,
    previous: DecisionView,
}

#[derive(Template)]
#[template(path = "zsm/record.html")]
struct RecordPage {
    page: Page,
    id: CaseId,
    suspect: String,
    location: String,
    decision: DecisionView,
    basis: String,
    reasoning: String,
    overrides: Vec<String>,
    obligations: Vec<String>,
    amendments: Vec<AmendmentView>,
    can_amend: bool,
}

async fn record_page(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = case_id(&id)?;
    let file = state.zsm().open(&me.actor, id, "ZSM decision record").await?;
    let t = context.texts;
    let zone = &file.pack.time_zone;
    let case = &file.view.case;
    let decision = case.status.decision().ok_or(WebError::NotFound)?;
    let view_of = |d: &domain::zsm::Decision, signer: String| DecisionView {
        disposal: disposal_name(file.pack, d.disposal.as_str(), t),
        outcome: outcome_label(d.outcome, t),
        signed: t.fill("zsm.record.signed", &[("who", &signer), ("at", &local_time(d.decided_at, zone))]),
        lines: decision_lines(d, file.pack, t),
    };
    let mut amendments = Vec::new();
    for a in &case.amendments {
        let who = member_name(&state, a.amended_by).await;
        let previous_signer = member_name(&state, a.previous.decided_by).await;
        amendments.push(AmendmentView {
            line: t.fill(
                "zsm.record.amended",
                &[
                    ("at", &local_time(a.amended_at, zone)),
                    ("who", &who),
                    ("disposal", &disposal_name(file.pack, a.previous.disposal.as_str(), t)),
                    ("reason", &a.reason),
                ],
            ),
            previous: view_of(&a.previous, previous_signer),
        });
    }
    let signer = member_name(&state, decision.decided_by).await;
    let page = RecordPage {
        page: Page::new(&context, t.get("zsm.record.title")),
        id,
        suspect: suspect_name(&state, &file).await?,
        location: file.location.name.clone(),
        decision: view_of(decision, signer),
        basis: decision.legal_basis.clone(),
        reasoning: decision.reasoning.clone(),
        overrides: decision
            .overrides
            .iter()
            .map(|o| format!("{} ({}): {}", t.get(&partner_key(o.partner)), o.legal_basis, o.reason))
            .collect(),
        obligations: decision
            .obligations
            .iter()
            .map(|o| {
                let kind =
                    file.pack.obligation_kind(&o.kind).map(|k| named(&k.name_nl, &k.name_en, t)).unwrap_or_default();
                format!("{kind}: {} – {} ({}; {})", o.starts_on, o.ends_on, o.details, o.responsible_agency)
            })
            .collect(),
        amendments,
        can_amend: file.viewer.prosecutor,
    };
    Ok(render(StatusCode::OK, &page))
}

// ---------------------------------------------------------------------------------------------
// Board

struct BoardRow {
    id: CaseId,
    suspect: String,
    open_label: String,
    status: String,
    urgent: String,
    deadline: String,
    left: String,
    warning: Option<String>,
    states: Vec<(String, &'static str, String, &'static str)>,
    decided: Option<String>,
}

#[derive(Template)]
#[template(path = "zsm/board.html")]
struct BoardPage {
    page: Page,
    location: ZsmLocation,
    partners: Vec<String>,
    open: Vec<BoardRow>,
    decided: Vec<BoardRow>,
    updated: String,
}

#[derive(Template)]
#[template(path = "zsm/board_fragment.html")]
struct BoardFragment {
    page: Page,
    partners: Vec<String>,
    open: Vec<BoardRow>,
    decided: Vec<BoardRow>,
    updated: String,
}

/// The partners shown as columns: those the pack seats at the table.
fn board_partners(pack: &JurisdictionPack) -> Vec<Partner> {
    pack.table_partners.iter().map(|p| p.partner).collect()
}

async fn board_data(
    state: &AppState,
    me: &SignedIn,
    context: &RequestContext,
    location: &str,
) -> Result<BoardFragment, WebError> {
    let board = state.zsm().board(&me.actor, location).await?;
    let t = context.texts;
    let zone = &board.pack.time_zone;
    let partners = board_partners(board.pack);
    let mut open = Vec::new();
    let mut decided = Vec::new();
    for case in &board.cases {
        let stored = &case.stored;
        let urgent: Option<&ClockRun> = most_urgent(&stored.clocks);
        let row = BoardRow {
            id: stored.id(),
            suspect: case.suspect_name.clone(),
            open_label: t.fill("zsm.board.open_case", &[("name", &case.suspect_name)]),
            status: status_label(status_code(&stored.case.status), t),
            urgent: urgent.map(|r| clock_name(board.pack, &r.clock, t)).unwrap_or_else(|| "–".into()),
            deadline: urgent.map(|r| local_time(r.deadline, zone)).unwrap_or_default(),
            left: urgent.map(|r| duration_text(r.remaining(board.now), t)).unwrap_or_default(),
            warning: urgent.and_then(|r| warning_text(r, board.pack, board.now, t)),
            states: partners
                .iter()
                .map(|p| {
                    let (symbol, text, class) = state_label(stored.case.contributions.state(*p), t);
                    (t.get(&partner_key(*p)).to_string(), symbol, text, class)
                })
                .collect(),
            decided: stored.case.status.decision().map(|d| {
                format!("{} — {}", disposal_name(board.pack, d.disposal.as_str(), t), local_time(d.decided_at, zone))
            }),
        };
        if row.decided.is_some() && !matches!(stored.case.status, CaseStatus::ReturnedToProsecutor { .. }) {
            decided.push(row);
        } else {
            open.push(row);
        }
    }
    Ok(BoardFragment {
        page: Page::new(context, &t.fill("zsm.board.title", &[("location", &board.location.name)])),
        partners: partners.iter().map(|p| t.get(&partner_key(*p)).to_string()).collect(),
        open,
        decided,
        updated: t.fill("zsm.board.updated", &[("at", &local_time(board.now, zone))]),
    })
}

async fn board_page(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(location): Path<String>,
) -> Result<Response, WebError> {
    let data = board_data(&state, &me, &context, &location).await?;
    let (location, _) = state.zsm().location(&location).await?;
    let page = BoardPage {
        page: data.page,
        location,
        partners: data.partners,
        open: data.open,
        decided: data.decided,
        updated: data.updated,
    };
    Ok(render(StatusCode::OK, &page))
}

/// The board's cases only, re-fetched by `board.js` every 15 seconds.
async fn board_fragment(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(location): Path<String>,
) -> Result<Response, WebError> {
    let data = board_data(&state, &me, &context, &location).await?;
    match data.render() {
        Ok(html) => Ok(([("cache-control", "no-store")], Html(html)).into_response()),
        Err(error) => Err(WebError::internal(error.to_string())),
    }
}

// ---------------------------------------------------------------------------------------------
// Obligations

struct ObligationRow {
    case: CaseId,
    suspect: String,
    obligation: ObligationView,
}

#[derive(Template)]
#[template(path = "zsm/obligations.html")]
struct ObligationsPage {
    page: Page,
    location: ZsmLocation,
    rows: Vec<ObligationRow>,
    versions: Vec<(CaseId, i64)>,
}

impl ObligationsPage {
    fn version_of(&self, case: &CaseId) -> i64 {
        self.versions.iter().find(|(id, _)| id == case).map(|(_, v)| *v).unwrap_or_default()
    }
}

async fn obligations_page(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(location): Path<String>,
) -> Result<Response, WebError> {
    let (location, list) = state.zsm().obligations(&me.actor, &location).await?;
    let pack = domain::jurisdiction::shipped_pack(&location.pack).map_err(|e| WebError::internal(e.to_string()))?;
    let t = context.texts;
    let mut versions = Vec::new();
    for item in &list {
        if !versions.iter().any(|(id, _)| *id == item.case)
            && let Ok(Some(stored)) = domain::zsm::ports::ZsmStore::case(&state.store, item.case).await
        {
            versions.push((item.case, stored.version));
        }
    }
    let rows = list
        .into_iter()
        .map(|m| ObligationRow {
            case: m.case,
            suspect: m.suspect_name,
            obligation: ObligationView {
                id: m.obligation.id,
                kind: pack
                    .obligation_kind(&m.obligation.kind)
                    .map(|k| named(&k.name_nl, &k.name_en, t))
                    .unwrap_or_default(),
                period: format!("{} – {}", m.obligation.starts_on, m.obligation.ends_on),
                details: m.obligation.details,
                monitor: m.obligation.responsible_agency.to_string(),
                breaches: m.breaches,
                may_record_breach: m.may_record_breach,
            },
        })
        .collect();
    let page = Page::new(&context, &t.fill("zsm.obligations.title", &[("location", &location.name)]));
    Ok(render(StatusCode::OK, &ObligationsPage { page, location, rows, versions }))
}

// ---------------------------------------------------------------------------------------------
// Metrics

#[derive(Deserialize, Default)]
#[serde(default)]
struct Period {
    from: String,
    to: String,
}

struct Bar {
    x: usize,
    y: i64,
    height: i64,
    day: String,
    count: u32,
}

#[derive(Template)]
#[template(path = "zsm/metrics.html")]
struct MetricsPage {
    page: Page,
    location: ZsmLocation,
    from: String,
    to: String,
    summary: Vec<(String, String)>,
    bars: Vec<Bar>,
    chart_width: usize,
    per_day: Vec<(String, u32)>,
    disposals: Vec<(String, u32)>,
    errors: ErrorList,
}

fn share_text(share: Option<f64>, t: Texts) -> String {
    share.map(|s| format!("{:.0}%", s * 100.0)).unwrap_or_else(|| t.get("zsm.metrics.none").to_string())
}

fn minutes_text(minutes: Option<i64>, t: Texts) -> String {
    minutes
        .map(|m| duration_text(jiff::SignedDuration::from_mins(m), t))
        .unwrap_or_else(|| t.get("zsm.metrics.none").to_string())
}

const CHART_HEIGHT: i64 = 160;
const BAR_WIDTH: usize = 14;

async fn metrics_page(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(location): Path<String>,
    Query(period): Query<Period>,
) -> Result<Response, WebError> {
    let t = context.texts;
    let (loc, pack) = state.zsm().location(&location).await?;
    let today = state.clock.now().to_zoned(pack.time_zone.clone()).date();
    let to: jiff::civil::Date = period.to.trim().parse().unwrap_or(today);
    let from: jiff::civil::Date =
        period.from.trim().parse().unwrap_or_else(|_| to.saturating_sub(jiff::Span::new().days(29)));
    let (errors, metrics) = match state.zsm().metrics(&me.actor, &location, from, to).await {
        Ok((_, metrics)) => (ErrorList::default(), metrics),
        Err(error) => {
            let (_, errors) = form_errors(error, t)?;
            let (_, metrics) = state.zsm().metrics(&me.actor, &location, from, from).await?;
            (errors, metrics)
        }
    };
    let Metrics { cases_per_day, .. } = &metrics;
    let max = cases_per_day.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1) as i64;
    let bars = cases_per_day
        .iter()
        .enumerate()
        .map(|(i, (day, count))| {
            let height = i64::from(*count) * CHART_HEIGHT / max;
            Bar { x: i * (BAR_WIDTH + 2), y: CHART_HEIGHT - height, height, day: day.to_string(), count: *count }
        })
        .collect::<Vec<_>>();
    let summary = vec![
        (t.get("zsm.metrics.cases").to_string(), metrics.cases.to_string()),
        (t.get("zsm.metrics.decided").to_string(), metrics.decided.to_string()),
        (t.get("zsm.metrics.settled").to_string(), share_text(metrics.settled_share, t)),
        (t.get("zsm.metrics.median").to_string(), minutes_text(metrics.median_minutes_to_decision, t)),
        (t.get("zsm.metrics.p90").to_string(), minutes_text(metrics.p90_minutes_to_decision, t)),
        (t.get("zsm.metrics.within_target").to_string(), share_text(metrics.within_target_share, t)),
        (t.get("zsm.metrics.signals").to_string(), share_text(metrics.signals_share, t)),
        (t.get("zsm.metrics.referrals").to_string(), share_text(metrics.referral_share, t)),
    ];
    let page = MetricsPage {
        page: Page::new(&context, &t.fill("zsm.metrics.title", &[("location", &loc.name)])),
        from: metrics.from.to_string(),
        to: metrics.to.to_string(),
        chart_width: bars.len() * (BAR_WIDTH + 2),
        bars,
        per_day: metrics.cases_per_day.iter().map(|(d, n)| (d.to_string(), *n)).collect(),
        disposals: metrics.disposals.iter().map(|(code, n)| (disposal_name(pack, code, t), *n)).collect(),
        summary,
        location: loc,
        errors,
    };
    Ok(render(StatusCode::OK, &page))
}
