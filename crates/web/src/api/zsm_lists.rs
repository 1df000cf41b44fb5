//! The ZSM table's records and lists in the JSON API: the decision record as data (with the
//! link to its printable page), a location's obligations to monitor, its metrics (the
//! persons referred for a screening are listed by `to_screen`). The
//! same use cases as the pages: the record is a read of the case (audited), the lists audit
//! each person listed, the metrics are aggregates for the roles the page allows.

use super::problem::{ApiResult, Problem};
use super::zsm_case_dto::{
    AmendmentDto, DecisionDto, LocationDto, ObligationDto, amendment_dtos, decision_dto, location_dto, mode_code,
    obligation_dto,
};
use crate::AppState;
use crate::auth::Member;
use crate::error::WebError;
use axum::extract::{Path, Query, State};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use domain::ids::CaseId;
use domain::jurisdiction::Named;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/zsm/cases/{id}/record", get(record))
        .route("/v1/zsm/{location}/obligations", get(obligations))
        .route("/v1/zsm/{location}/metrics", get(metrics))
}

#[derive(OpenApi)]
#[openapi(
    paths(record, obligations, metrics),
    components(schemas(
        RecordDto,
        ConsultationDto,
        IdentifierDto,
        MonitoredDto,
        MetricsDto,
        DayCountDto,
        DisposalCountDto
    ))
)]
pub struct ZsmListsApiDoc;

/// The lawyer's consultation as the record states it (art. 257c Sv).
#[derive(Serialize, ToSchema)]
pub struct ConsultationDto {
    lawyer: Option<String>,
    consulted_at: String,
    /// `in_person`, `phone` or `video`.
    mode: &'static str,
    consequences_explained: bool,
}

#[derive(Serialize, ToSchema)]
#[schema(as = ZsmIdentifierDto)]
pub struct IdentifierDto {
    kind: String,
    value: String,
}

/// The decision record: what the printable record states, as data.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"case": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "reference": "ZSM-UTRECHT-20261207-3F4A5B", "suspect": "Jan de Vries", "suspect_birth_date": "1990-05-01", "suspect_identifiers": [{"kind": "bsn", "value": "111222333"}], "location": {"code": "zsm-utrecht", "name": "ZSM Utrecht", "pack": "nl", "time_zone": "Europe/Amsterdam", "agencies": []}, "consultation": {"lawyer": "Mr. A. Jansen", "consulted_at": "2026-12-07T09:30:00Z", "mode": "in_person", "consequences_explained": true}, "decision": {"id": "0193a1b2-0000-7000-8000-0000000000d1", "disposal": "penalty_order", "name": "Strafbeschikking", "legal_basis": "art. 257a Sv", "outcome": "settled_out_of_court", "parameters": {"community_service_hours": "40"}, "obligations": [], "decided_by": "c3e5a7b9-4d6f-4b8c-8e2a-3f5b7c9d1e4a", "decided_by_name": "Mr. P. de Graaf", "decided_at": "2026-12-07T11:00:00Z", "reasoning": "Taakstraf passend", "overrides": []}, "amendments": [], "printable": "/zsm/cases/0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b/record"}))]
pub struct RecordDto {
    case: String,
    reference: String,
    suspect: String,
    suspect_birth_date: Option<String>,
    suspect_identifiers: Vec<IdentifierDto>,
    location: LocationDto,
    /// `null` when no consultation was recorded.
    consultation: Option<ConsultationDto>,
    /// The decision in force.
    decision: DecisionDto,
    /// Earlier decisions replaced, with why.
    amendments: Vec<AmendmentDto>,
    /// The printable record (HTML), for the file.
    printable: String,
}

/// The decision record of a decided case (404 while undecided): the suspect with date of birth
/// and identifiers, the lawyer's consultation, the decision with its statute, parameters and
/// obligations, and the amendments. Audited as a read of the case.
#[utoipa::path(get, path = "/api/v1/zsm/cases/{id}/record", operation_id = "read_zsm_decision_record", params(("id" = String, Path)),
    responses((status = 200, description = "The decision record", body = RecordDto),
        (status = 403, description = "Not at this case's table; audited (problem JSON)", body = Problem),
        (status = 404, description = "No such case, or not decided (problem JSON)", body = Problem)))]
async fn record(State(state): State<AppState>, Member(me, context): Member, Path(id): Path<String>) -> ApiResult {
    let id: CaseId = id.parse().map_err(|_| WebError::NotFound)?;
    let zsm = state.zsm();
    let file = zsm.open(&me.actor, id, "api: ZSM decision record").await?;
    let decision = file.view.case.status.decision().ok_or(WebError::NotFound)?;
    let names = zsm.names(&file).await?;
    let lang = context.texts.lang.pack();
    let member = |m: domain::ids::MemberId| names.members.get(&m).cloned().unwrap_or_else(|| m.to_string());
    let suspect = file.view.case.intake.details().suspect;
    let body = RecordDto {
        case: id.to_string(),
        reference: domain::zsm::model::view::case_reference(&file.view.case, &file.pack.time_zone),
        suspect: names.persons.get(&suspect).cloned().unwrap_or_else(|| suspect.to_string()),
        suspect_birth_date: names.suspect_born.map(|d| d.to_string()),
        suspect_identifiers: names
            .suspect_identifiers
            .iter()
            .map(|i| IdentifierDto { kind: i.kind.code().to_string(), value: i.value.clone() })
            .collect(),
        location: location_dto(&file.location, file.pack),
        consultation: file.consultation.as_ref().map(|c| ConsultationDto {
            lawyer: c.by.or(file.lawyer).map(member),
            consulted_at: c.consulted_at.to_string(),
            mode: mode_code(c.mode),
            consequences_explained: c.consequences_explained,
        }),
        decision: decision_dto(decision, file.pack, &names, lang),
        amendments: amendment_dtos(&file, &names, lang),
        printable: format!("/zsm/cases/{id}/record"),
    };
    Ok(Json(body).into_response())
}

/// An obligation to monitor, with its case.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"case": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "case_version": 7, "suspect_name": "Jan de Vries", "obligation": {"id": "0193a1b2-0000-7000-8000-0000000000b1", "kind": "reporting", "kind_name": "Meldplicht", "starts_on": "2026-12-08", "ends_on": "2027-03-08", "details": "Elke maandag melden", "monitored_by": "probation"}, "breaches": 0, "may_record_breach": true}))]
pub struct MonitoredDto {
    case: String,
    /// The case's version, for `POST /api/v1/zsm/cases/{id}/breaches`.
    case_version: i64,
    suspect_name: String,
    obligation: ObligationDto,
    breaches: usize,
    /// Your agency monitors it (or you are a prosecutor) and the case takes a breach now.
    may_record_breach: bool,
}

/// The obligations of a location's decided cases that have not ended, soonest end first; each
/// person listed is audited. A defence lawyer sees only their own clients'.
#[utoipa::path(get, path = "/api/v1/zsm/{location}/obligations", operation_id = "list_zsm_obligations",
    params(("location" = String, Path, description = "Location code")),
    responses((status = 200, description = "The obligations", body = [MonitoredDto]),
        (status = 403, description = "Your role does not sit at a ZSM table (problem JSON)", body = Problem),
        (status = 404, description = "No such location (problem JSON)", body = Problem)))]
async fn obligations(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(location): Path<String>,
) -> ApiResult {
    let (location, list) = state.zsm().obligations(&me.actor, &location).await?;
    let pack = location.pack().map_err(|e| WebError::internal(e.to_string()))?;
    let lang = context.texts.lang.pack();
    let body: Vec<MonitoredDto> = list
        .into_iter()
        .map(|m| MonitoredDto {
            case: m.case.to_string(),
            case_version: m.version,
            suspect_name: m.suspect_name,
            obligation: obligation_dto(&m.obligation, pack, lang),
            breaches: m.breaches,
            may_record_breach: m.may_record_breach,
        })
        .collect();
    Ok(Json(body).into_response())
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct Period {
    /// First local date (`YYYY-MM-DD`); left out: 29 days before `to`.
    from: String,
    /// Last local date; left out: today.
    to: String,
}

#[derive(Serialize, ToSchema)]
pub struct DayCountDto {
    day: String,
    cases: u32,
}

#[derive(Serialize, ToSchema)]
pub struct DisposalCountDto {
    disposal: String,
    name: String,
    cases: u32,
}

/// A location's metrics over a period (aggregates, no personal data). Shares are 0–1, `null`
/// when there is nothing to divide by.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"location": "zsm-utrecht", "from": "2026-11-08", "to": "2026-12-07", "cases": 42, "decided": 38, "cases_per_day": [{"day": "2026-12-07", "cases": 3}], "settled_share": 0.61, "median_minutes_to_decision": 312, "p90_minutes_to_decision": 505, "within_target_share": 0.84, "disposals": [{"disposal": "penalty_order", "name": "Strafbeschikking", "cases": 17}], "signals_share": 0.33, "referral_share": 0.21}))]
pub struct MetricsDto {
    location: String,
    from: String,
    to: String,
    cases: u32,
    decided: u32,
    cases_per_day: Vec<DayCountDto>,
    settled_share: Option<f64>,
    median_minutes_to_decision: Option<i64>,
    p90_minutes_to_decision: Option<i64>,
    /// Decided within the pack's ZSM target clock.
    within_target_share: Option<f64>,
    disposals: Vec<DisposalCountDto>,
    /// Cases whose quick scan raised signals beyond the case.
    signals_share: Option<f64>,
    referral_share: Option<f64>,
}

/// A location's metrics, for analysts, prosecutors, process managers and the partners at the
/// table; a period that does not read is a 422 naming `from` or `to`.
#[utoipa::path(get, path = "/api/v1/zsm/{location}/metrics", operation_id = "read_zsm_metrics",
    params(("location" = String, Path, description = "Location code"), Period),
    responses((status = 200, description = "The metrics", body = MetricsDto),
        (status = 403, description = "Your role does not read these metrics (problem JSON)", body = Problem),
        (status = 404, description = "No such location (problem JSON)", body = Problem),
        (status = 422, description = "A date that does not read, or a period that ends before it starts (problem JSON)", body = Problem)))]
async fn metrics(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(location): Path<String>,
    Query(period): Query<Period>,
) -> ApiResult {
    let (location, metrics) = state
        .zsm()
        .metrics(&me.actor, &location, &period.from, &period.to)
        .await
        .map_err(super::problem::refused(&context))?;
    let pack = location.pack().map_err(|e| WebError::internal(e.to_string()))?;
    let lang = context.texts.lang.pack();
    let body = MetricsDto {
        location: location.code.clone(),
        from: metrics.from.to_string(),
        to: metrics.to.to_string(),
        cases: metrics.cases,
        decided: metrics.decided,
        cases_per_day: metrics
            .cases_per_day
            .iter()
            .map(|(day, n)| DayCountDto { day: day.to_string(), cases: *n })
            .collect(),
        settled_share: metrics.settled_share,
        median_minutes_to_decision: metrics.median_minutes_to_decision,
        p90_minutes_to_decision: metrics.p90_minutes_to_decision,
        within_target_share: metrics.within_target_share,
        disposals: metrics
            .disposals
            .iter()
            .map(|(code, n)| DisposalCountDto {
                disposal: code.clone(),
                name: pack.disposal(&code.as_str().into()).map_or_else(|_| code.clone(), |d| d.name(lang).to_string()),
                cases: *n,
            })
            .collect(),
        signals_share: metrics.signals_share,
        referral_share: metrics.referral_share,
    };
    Ok(Json(body).into_response())
}
