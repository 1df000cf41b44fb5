//! The ZSM table in the JSON API: a partner saves its own section of a case
//! (`POST /api/v1/zsm/cases/{id}/contributions/{partner}`). The same use case as the case page,
//! so the same access rules, need-to-know and audit; partners saving their own sections at once
//! never refuse each other, and with `seen_version` a save on a section someone else saved
//! meanwhile is a 409 saying who saved it and when.

use super::problem::{ApiResult, Problem, refused};
use crate::AppState;
use crate::auth::Member;
use crate::error::WebError;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::post;
use axum::{Json, Router};
use domain::ids::CaseId;
use domain::zsm::model::forms::{ContributionForm, contribution_state_code, partner_from_code};
use domain::zsm::service::SavedSection;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new().route("/v1/zsm/cases/{id}/contributions/{partner}", post(save_section))
}

#[derive(OpenApi)]
#[openapi(paths(save_section), components(schemas(SectionInput, SectionDto)))]
pub struct ZsmApiDoc;

/// A partner's section as sent: only the fields of that partner are read.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"state": "done", "seen_version": 1, "advice": "screening_advised", "signals": {"finances": "Debts with several creditors"}}))]
pub struct SectionInput {
    /// `awaited`, `in_progress` or `done` (`done` needs the section's content).
    state: String,
    /// Optionally the section's `version` you saw: when someone saved the section meanwhile
    /// the save is refused with a 409 (nothing written). Left out, the save applies to the
    /// section as it is. Other partners' sections never conflict with yours.
    seen_version: Option<i64>,
    /// Police.
    additional_information: String,
    requests_to_prosecutor: String,
    /// Probation: `screening_advised`, `no_further_action`, … and signals per life domain
    /// (domain code → note).
    advice: String,
    signals: BTreeMap<String, String>,
    /// Victim support; `damages_claim` in euros, e.g. `"45,90"`.
    interests: String,
    damages_claim: String,
    wants_information: bool,
    wants_restorative_contact: bool,
    /// Defence lawyer; `consulted_at` in local time, `2026-11-22T10:30`; `mode` one of
    /// `in_person`, `phone`, `video`.
    consulted_at: String,
    mode: String,
    lawyer_advice: String,
    settlement_consequences_explained: bool,
    suspect_position: String,
    shared_with_prosecutor: bool,
    /// Municipality.
    known_to_social_services: bool,
    known_to_youth_care: bool,
    /// Municipality, child protection board, Halt.
    note: String,
}

impl SectionInput {
    fn into_form(self) -> (ContributionForm, Option<i64>) {
        let form = ContributionForm {
            state: self.state,
            additional_information: self.additional_information,
            requests_to_prosecutor: self.requests_to_prosecutor,
            advice: self.advice,
            signals: self.signals,
            interests: self.interests,
            damages_claim: self.damages_claim,
            wants_information: self.wants_information,
            wants_restorative_contact: self.wants_restorative_contact,
            consulted_at: self.consulted_at,
            mode: self.mode,
            lawyer_advice: self.lawyer_advice,
            settlement_consequences_explained: self.settlement_consequences_explained,
            suspect_position: self.suspect_position,
            shared_with_prosecutor: self.shared_with_prosecutor,
            known_to_social_services: self.known_to_social_services,
            known_to_youth_care: self.known_to_youth_care,
            note: self.note,
        };
        (form, self.seen_version)
    }
}

/// A partner's section as saved.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"partner": "probation", "state": "done", "version": 2, "content": {"advice": "screening_advised", "signals": {"finances": "Debts with several creditors"}}, "updated_at": "2026-12-07T09:15:00Z", "updated_by": "Sanne Bakker"}))]
pub struct SectionDto {
    partner: String,
    state: String,
    /// The section's own version; send it back as `seen_version` with the next save.
    version: i64,
    /// The recorded content, named by partner (e.g. `{"VictimSupport": {...}}`).
    #[schema(value_type = Object)]
    content: serde_json::Value,
    updated_at: Option<String>,
    updated_by: Option<String>,
}

fn section_dto(saved: &SavedSection) -> SectionDto {
    let c = &saved.contribution;
    SectionDto {
        partner: saved.partner.code().to_string(),
        state: contribution_state_code(c.state).to_string(),
        version: c.version,
        content: serde_json::to_value(&c.content).unwrap_or_default(),
        updated_at: c.updated_at.map(|at| at.to_string()),
        updated_by: c.updated_by.map(|m| m.to_string()),
    }
}

/// Saves a partner's own section of a case: by a member of that partner's agency on the
/// suspect's team (a defence lawyer only as the suspect's recorded lawyer). 201 when the
/// section gets its first content, 200 after that; 403 and 404 are audited.
#[utoipa::path(post, path = "/api/v1/zsm/cases/{id}/contributions/{partner}",
    params(("id" = String, Path), ("partner" = String, Path,
        description = "police, probation, victim_support, defence_lawyer, municipality, child_protection_board, halt")),
    request_body = SectionInput,
    responses(
        (status = 200, description = "The section saved over earlier content", body = SectionDto),
        (status = 201, description = "The section's first content", body = SectionDto),
        (status = 403, description = "Not this member's partner section; the refusal is audited (problem JSON)", body = Problem),
        (status = 404, description = "No such case, or one this member may not see (problem JSON)", body = Problem),
        (status = 409, description = "The same section changed since `seen_version` (problem JSON)", body = Problem),
        (status = 422, description = "The input is not valid; the problem names each field (problem JSON)", body = Problem)))]
async fn save_section(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path((id, partner)): Path<(String, String)>,
    parsed: Result<Json<SectionInput>, JsonRejection>,
) -> ApiResult {
    let id: CaseId = id.parse().map_err(|_| WebError::NotFound)?;
    let partner = partner_from_code(&partner).ok_or(WebError::NotFound)?;
    let Json(input) = parsed?;
    let (form, seen) = input.into_form();
    let saved =
        state.zsm().update_contribution(&me.actor, id, partner, &form, seen).await.map_err(refused(&context))?;
    let status = if saved.created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(section_dto(&saved))).into_response())
}
