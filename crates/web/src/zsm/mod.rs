//! The ZSM table pages: intake, the case page with one section per partner and the clocks, the
//! prosecutor's decision and its printable record, the live board, obligations with breach
//! recording, and metrics. Handlers parse, call the domain's `Zsm` use cases, render.

mod board;
mod board_rows;
pub(crate) use board_rows::BoardRows;
pub(crate) use views::{disposal_name, named};
mod case;
mod decision;
mod intake;
mod orders;
mod record;
mod views;

use crate::AppState;
use crate::auth::{Member, RequestContext, SignedIn};
use crate::error::WebError;
use crate::forms::{ErrorList, Posted};
use crate::i18n::Texts;
use crate::page::{Page, after_post, local_time, ok, refused};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use board::*;
use case::*;
use decision::*;
use domain::access::Role;
use domain::ids::{CaseId, MemberId, ObligationId, PersonId};
use domain::jurisdiction::{JurisdictionPack, LIFE_DOMAINS, ParameterKind, Partner, shipped_pack};
use domain::screening::ADVICE;
use domain::service::ServiceResult;
use domain::validation::{FieldError, invalid};
use domain::zsm::model::decision::requirement_applies;
use domain::zsm::model::forms::{ContributionForm, DecisionForm, IntakeForm, MODES, partner_from_code};
use domain::zsm::model::intake::Victim;
use domain::zsm::model::view::Metrics;
use domain::zsm::ports::ZsmLocation;
use domain::zsm::service::{CaseFile, CaseNames, authority_of, grant_office, status_code};
use domain::zsm::workflow::case::{CaseCommandKind, CaseStatus};
use domain::zsm::{ClockRun, most_urgent};
use intake::*;
use orders::*;
use record::*;
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

fn case_id(raw: &str) -> Result<CaseId, WebError> {
    raw.parse().map_err(|_| WebError::NotFound)
}

/// The case version the form was opened on: a change saved meanwhile refuses it.
fn version(posted: &Posted) -> Result<i64, WebError> {
    posted.get("version").parse().map_err(|_| WebError::BadRequest("version missing".into()))
}
