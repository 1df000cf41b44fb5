//! The "to screen" list for partner systems: persons the ZSM table referred for a screening
//! beyond the case whom nobody has screened yet, on teams your agency is on, the most urgent
//! first, searchable and paged — the `/screenings/waiting` page as data, through the same use
//! case (only roles that screen; each person listed is audited).

use super::problem::{ApiResult, Problem, unprocessable};
use crate::AppState;
use crate::auth::Member;
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use domain::jurisdiction::LIFE_DOMAINS;
use domain::screening::{ADVICE, ScreeningReferral};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new().route("/v1/screenings/waiting", get(to_screen))
}

#[derive(OpenApi)]
#[openapi(paths(to_screen), components(schemas(ToScreenDto, WaitingPersonDto, ScreeningReferralDto, SignalDto)))]
pub struct ToScreenApiDoc;

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"domain": "housing", "note": "Sleeps at friends' since October"}))]
pub struct SignalDto {
    /// The life domain of the ZSM quick scan: `housing`, `debt`, `drug_addiction`, …
    domain: &'static str,
    note: String,
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"case_id": "0193a1b2-0000-7000-8000-0000000000c1", "location": "zsm-utrecht", "reason": "quick_scan", "advice": "screening_advised", "signals": [{"domain": "housing", "note": "Sleeps at friends' since October"}], "referred_at": "2026-12-04T10:12:00Z", "referred_by": "0193a1b2-0000-7000-8000-0000000000aa"}))]
pub struct ScreeningReferralDto {
    case_id: String,
    /// The ZSM location's code.
    location: String,
    /// `quick_scan` or `case_management`.
    reason: &'static str,
    /// The quick scan's advice: `no_concerns`, `screening_advised`, `supervision_advised` or
    /// `intervention_advised`; `null` when probation gave none.
    advice: Option<&'static str>,
    signals: Vec<SignalDto>,
    referred_at: String,
    /// The member who referred.
    referred_by: String,
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"person_id": "5b0e7c1a-3f2d-4e8b-9a41-0c6f2d8e7b13", "person_name": "Gerrit Hoekstra", "referrals": []}))]
pub struct WaitingPersonDto {
    person_id: String,
    person_name: String,
    /// One per case and reason, as the table referred them.
    referrals: Vec<ScreeningReferralDto>,
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"total": 12, "matched": 12, "page": 1, "pages": 1, "persons": [{"person_id": "5b0e7c1a-3f2d-4e8b-9a41-0c6f2d8e7b13", "person_name": "Gerrit Hoekstra", "referrals": []}]}))]
pub struct ToScreenDto {
    /// Persons waiting in all (before the search).
    total: usize,
    /// Persons the search matched.
    matched: usize,
    page: usize,
    pages: usize,
    persons: Vec<WaitingPersonDto>,
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ToScreenQuery {
    /// Words of the name to look for.
    q: String,
    /// The page, from 1.
    page: Option<u32>,
}

fn referral_dto(referral: &ScreeningReferral) -> ScreeningReferralDto {
    ScreeningReferralDto {
        case_id: referral.case.to_string(),
        location: referral.location.clone(),
        reason: referral.reason.as_str(),
        advice: referral.advice.and_then(|advice| ADVICE.iter().find(|(a, _)| *a == advice).map(|(_, code)| *code)),
        signals: referral
            .signals
            .iter()
            .map(|signal| SignalDto {
                domain: LIFE_DOMAINS.iter().find(|(d, _)| *d == signal.domain).map_or("other", |(_, code)| *code),
                note: signal.note.clone(),
            })
            .collect(),
        referred_at: referral.referred_at.to_string(),
        referred_by: referral.referred_by.to_string(),
    }
}

/// "To screen": persons referred by the ZSM table whom nobody has screened yet, the most urgent
/// first (each person listed is audited).
#[utoipa::path(get, path = "/api/v1/screenings/waiting", operation_id = "list_persons_to_screen", params(ToScreenQuery),
    responses((status = 200, description = "The page of the list", body = ToScreenDto),
        (status = 403, description = "Your role does not screen; the refusal is audited (problem JSON)", body = Problem),
        (status = 422, description = "The page is not a number from 1 (problem JSON)", body = Problem)))]
async fn to_screen(
    State(state): State<AppState>,
    Member(me, _): Member,
    Query(query): Query<ToScreenQuery>,
) -> ApiResult {
    let page = match query.page {
        None => 1,
        Some(page) if page >= 1 => page,
        Some(_) => return Ok(unprocessable("page must be 1 or more")),
    };
    let list = state.screenings().waiting(&me.actor, query.q.trim(), page).await?;
    Ok(Json(ToScreenDto {
        total: list.total,
        matched: list.matched,
        page: list.page,
        pages: list.pages,
        persons: list
            .persons
            .iter()
            .map(|p| WaitingPersonDto {
                person_id: p.person.to_string(),
                person_name: p.name.clone(),
                referrals: p.referrals.iter().map(referral_dto).collect(),
            })
            .collect(),
    })
    .into_response())
}
