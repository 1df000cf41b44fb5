//! The ZSM table pages: intake, the case page with one section per partner and the clocks, the
//! prosecutor's decision and its printable record, the live board, obligations with breach
//! recording, and metrics. Handlers parse, call the domain's `Zsm` use cases, render.

mod board;
mod board_rows;
pub(crate) use board_rows::BoardRows;
mod case;
mod decision;
mod orders;
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
use case::*;
use decision::*;
use domain::access::Role;
use domain::directory::DirectoryStore;
use domain::ids::{CaseId, ObligationId};
use domain::jurisdiction::{JurisdictionPack, LIFE_DOMAINS, ParameterKind, Partner};
use domain::people::ports::PeopleStore;
use domain::screening::ADVICE;
use domain::service::ServiceError;
use domain::zsm::model::decision::requirement_applies;
use domain::zsm::model::forms::{ContributionForm, DecisionForm, IntakeForm, MODES, partner_from_code};
use domain::zsm::model::intake::Victim;
use domain::zsm::model::view::Metrics;
use domain::zsm::ports::ZsmLocation;
use domain::zsm::service::{CaseFile, Zsm, authority_of, status_code};
use domain::zsm::workflow::case::{CaseCommandKind, CaseStatus};
use domain::zsm::{ClockRun, most_urgent};
use orders::*;
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
        .route("/zsm/cases/{id}/clocks/{clock}/order", post(order_clock))
        .route("/zsm/cases/{id}/refer", post(refer))
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
fn form_errors(error: ServiceError, t: Texts) -> Result<(StatusCode, ErrorList), WebError> {
    if let Some(errors) = error.field_errors() {
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, ErrorList::from_validation(&errors, t)));
    }
    match error {
        ServiceError::ChangedMeanwhile => {
            Ok((StatusCode::CONFLICT, ErrorList::single("form", t.get("zsm.case.conflict"))))
        }
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
// Decision
