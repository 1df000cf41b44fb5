//! The ZSM table pages: intake, the case page with one section per partner and the clocks, the
//! prosecutor's decision and its printable record, the live board, obligations with breach
//! recording, and metrics. Handlers parse, call the domain's `Zsm` use cases, render.

mod board;
mod decision;
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
use board::*;
use decision::*;
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
