//! The ZSM table in the JSON API: a partner saves its own section of a case
//! (`POST /api/v1/zsm/cases/{id}/contributions/{partner}`). The same use case as the case page,
//! so the same access rules, need-to-know and audit; partners saving their own sections at once
//! never refuse each other, and with `seen_version` a save on a section someone else saved
//! meanwhile is a 409 saying who saved it and when. The board as data
//! (`GET /api/v1/zsm/{location}/board`): the open cases with their clocks and the partners'
//! states, and those decided in the last 24 hours, from the same use case as the wall display.

use super::problem::{ApiError, ApiResult, FieldProblem, Problem, problem, refused};
use crate::AppState;
use crate::auth::{Member, RequestContext};
use crate::error::WebError;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::post;
use axum::{Json, Router};
use domain::ids::CaseId;
use domain::jurisdiction::{JurisdictionPack, Lang, Named, Partner};
use domain::service::ServiceError;
use domain::zsm::model::forms::{ContributionForm, contribution_state_code, partner_from_code};
use domain::zsm::model::view::status_code;
use domain::zsm::ports::BoardCase;
use domain::zsm::service::SavedSection;
use domain::zsm::workflow::clock::{ClockRun, ClockStatus, WarningLevel, most_urgent, warning_level};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::BTreeMap;
use utoipa::{OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/zsm/cases/{id}/contributions/{partner}", post(save_section))
        .route("/v1/zsm/{location}/board", axum::routing::get(board))
}

#[derive(OpenApi)]
#[openapi(
    paths(save_section, board),
    components(schemas(
        SectionInput,
        SectionDto,
        BoardDto,
        BoardLocationDto,
        BoardCaseDto,
        ClockDto,
        PartnerStateDto,
        BoardDecisionDto
    ))
)]
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
#[schema(example = json!({"partner": "probation", "state": "done", "version": 2, "hidden": false, "content": {"Probation": {"advice": "ScreeningAdvised", "signals": []}}, "updated_at": "2026-12-07T09:15:00Z", "updated_by": "c3e5a7b9-4d6f-4b8c-8e2a-3f5b7c9d1e4a"}))]
pub struct SectionDto {
    partner: String,
    state: String,
    /// The section's own version; send it back as `seen_version` with the next save.
    version: i64,
    /// The content is not shown to this reader (e.g. the lawyer's section to the police).
    hidden: bool,
    /// The recorded content, named by partner (e.g. `{"VictimSupport": {...}}`); `null` while
    /// nothing is recorded or when hidden.
    #[schema(value_type = Object)]
    content: serde_json::Value,
    updated_at: Option<String>,
    /// The member who saved it last.
    updated_by: Option<String>,
}

/// A section as one reader sees it: `hidden` when its content was withheld from them.
pub(super) fn section_dto_of(
    partner: domain::jurisdiction::Partner,
    c: &domain::zsm::model::contribution::Contribution,
    hidden: bool,
) -> SectionDto {
    SectionDto {
        partner: partner.code().to_string(),
        state: contribution_state_code(c.state).to_string(),
        version: c.version,
        hidden,
        content: if hidden { serde_json::Value::Null } else { serde_json::to_value(&c.content).unwrap_or_default() },
        updated_at: c.updated_at.map(|at| at.to_string()),
        updated_by: c.updated_by.map(|m| m.to_string()),
    }
}

fn section_dto(saved: &SavedSection) -> SectionDto {
    section_dto_of(saved.partner, &saved.contribution, false)
}

/// A save on a section someone else saved meanwhile: 409 naming the section, who saved it,
/// when, and its version now (send that as `seen_version` to overwrite knowingly).
fn section_conflict(error: ServiceError, partner: Partner, context: &RequestContext) -> ApiError {
    let ServiceError::Stale(changed) = &error else { return refused(context)(error) };
    let param = |name: &str| changed.params.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone());
    let current = param("version").and_then(|v| v.parse::<i64>().ok());
    ApiError::Problem(problem(
        StatusCode::CONFLICT,
        format!("the {} section was saved by someone else after the version you saw", partner.code()),
        vec![FieldProblem {
            field: changed.field.clone(),
            code: changed.key.into(),
            message: context.texts.field_error(changed),
        }],
        json!({"section": partner.code(), "current_version": current, "saved_by": param("who"), "saved_at": param("at")}),
    ))
}

/// Saves a partner's own section of a case: by a member of that partner's agency on the
/// suspect's team (a defence lawyer only as the suspect's recorded lawyer). 201 when the
/// section gets its first content, 200 after that; 403 and 404 are audited.
#[utoipa::path(post, path = "/api/v1/zsm/cases/{id}/contributions/{partner}", operation_id = "save_zsm_section",
    params(("id" = String, Path), ("partner" = String, Path,
        description = "police, probation, victim_support, defence_lawyer, municipality, child_protection_board, halt")),
    request_body = SectionInput,
    responses(
        (status = 200, description = "The section saved over earlier content", body = SectionDto),
        (status = 201, description = "The section's first content", body = SectionDto),
        (status = 403, description = "Not this member's partner section; the refusal is audited (problem JSON)", body = Problem),
        (status = 404, description = "No such case, or one this member may not see (problem JSON)", body = Problem),
        (status = 409, description = "The same section changed since `seen_version`: the problem names the `section`, its `current_version`, `saved_by` and `saved_at` (problem JSON)", body = Problem),
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
    let saved = state
        .zsm()
        .update_contribution(&me.actor, id, partner, &form, seen)
        .await
        .map_err(|error| section_conflict(error, partner, &context))?;
    let status = if saved.created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(section_dto(&saved))).into_response())
}

/// The location the board is of.
#[derive(Serialize, ToSchema)]
pub struct BoardLocationDto {
    code: String,
    name: String,
    /// The jurisdiction pack (`nl`, `england-wales`, `italy`).
    pack: String,
    /// The IANA time zone its clocks are counted in.
    time_zone: String,
}

/// One clock on a case, as the board shows it and as the case opens with it (the case adds
/// its order and extensions, `CaseClockDto`).
#[derive(Serialize, ToSchema)]
pub struct ClockDto {
    /// The pack's clock code, e.g. `ophouden_verdachte` or `pace_detention`.
    code: String,
    /// Its name in your language.
    name: String,
    legal_basis: String,
    /// RFC 3339.
    started_at: String,
    deadline: String,
    /// `running`, `extended`, `stopped` or `expired`.
    status: &'static str,
    /// Seconds until the deadline; negative once it has passed.
    remaining_seconds: i64,
    /// `none`, `near` (within a warning threshold of the pack) or `overdue`.
    warning: &'static str,
}

/// A clock run as `now` finds it: its name in `lang`, time left and warning state by the pack's thresholds.
pub fn clock_dto(run: &ClockRun, pack: &JurisdictionPack, now: Timestamp, lang: Lang) -> ClockDto {
    let definition = pack.clock(&run.clock).ok();
    let thresholds = definition.map(|c| pack.thresholds_for(c)).unwrap_or_default();
    ClockDto {
        code: run.clock.to_string(),
        name: definition.map_or_else(|| run.clock.to_string(), |c| c.name(lang).to_string()),
        legal_basis: definition.map(|c| c.legal_basis.clone()).unwrap_or_default(),
        started_at: run.started_at.to_string(),
        deadline: run.deadline.to_string(),
        status: match run.status {
            ClockStatus::Running => "running",
            ClockStatus::Extended { .. } => "extended",
            ClockStatus::Stopped { .. } => "stopped",
            ClockStatus::Expired { .. } => "expired",
        },
        remaining_seconds: run.remaining(now).as_secs(),
        warning: match warning_level(run, &thresholds, now) {
            WarningLevel::None => "none",
            WarningLevel::Near { .. } => "near",
            WarningLevel::Overdue { .. } => "overdue",
        },
    }
}

/// A partner seated at the table and the state of its section.
#[derive(Serialize, ToSchema)]
pub struct PartnerStateDto {
    partner: String,
    /// `not_needed`, `awaited`, `in_progress` or `done`.
    state: String,
}

/// The decision of a decided case.
#[derive(Serialize, ToSchema)]
pub struct BoardDecisionDto {
    /// The pack's disposal code.
    disposal: String,
    /// Its name in your language.
    name: String,
    decided_at: String,
}

/// A case on the board.
#[derive(Serialize, ToSchema)]
pub struct BoardCaseDto {
    id: String,
    suspect_id: String,
    suspect_name: String,
    /// `registered`, `at_table`, `returned`, `decided` or `referred`.
    status: &'static str,
    /// The code of the clock whose deadline comes first, of an open case.
    most_urgent: Option<String>,
    clocks: Vec<ClockDto>,
    partners: Vec<PartnerStateDto>,
    decision: Option<BoardDecisionDto>,
    /// The case's version.
    version: i64,
}

/// A ZSM table's (or custody suite's) board.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"location": {"code": "zsm-utrecht", "name": "ZSM Utrecht", "pack": "nl", "time_zone": "Europe/Amsterdam"}, "now": "2026-12-07T09:15:00Z", "open": [{"id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "suspect_id": "5b0e7c1a-3f2d-4e8b-9a41-0c6f2d8e7b13", "suspect_name": "Jan de Vries", "status": "at_table", "most_urgent": "ophouden_verdachte", "clocks": [{"code": "ophouden_verdachte", "name": "Ophouden voor onderzoek", "legal_basis": "art. 56a Sv", "started_at": "2026-12-07T07:30:00Z", "deadline": "2026-12-07T16:30:00Z", "status": "running", "remaining_seconds": 26100, "warning": "none"}], "partners": [{"partner": "police", "state": "done"}, {"partner": "probation", "state": "awaited"}], "decision": null, "version": 3}], "decided": []}))]
pub struct BoardDto {
    location: BoardLocationDto,
    /// When the board was read (RFC 3339).
    now: String,
    /// Open cases, the most urgent clock first.
    open: Vec<BoardCaseDto>,
    /// Cases decided in the last 24 hours.
    decided: Vec<BoardCaseDto>,
}

fn board_case(case: &BoardCase, pack: &JurisdictionPack, now: Timestamp, lang: Lang) -> BoardCaseDto {
    let stored = &case.stored;
    let open = stored.case.status.is_open();
    let clocks = stored.clocks.iter().map(|run| clock_dto(run, pack, now, lang)).collect();
    let partners = pack
        .table_partners
        .iter()
        .map(|p| PartnerStateDto {
            partner: p.partner.code().to_string(),
            state: contribution_state_code(stored.case.contributions.state(p.partner)).to_string(),
        })
        .collect();
    let decision = stored.case.status.decision().filter(|_| !open).map(|d| BoardDecisionDto {
        disposal: d.disposal.as_str().to_string(),
        name: pack.disposal(&d.disposal).map_or_else(|_| d.disposal.as_str().to_string(), |p| p.name(lang).to_string()),
        decided_at: d.decided_at.to_string(),
    });
    BoardCaseDto {
        id: stored.id().to_string(),
        suspect_id: stored.suspect().to_string(),
        suspect_name: case.suspect_name.clone(),
        status: status_code(&stored.case.status),
        most_urgent: if open { most_urgent(&stored.clocks).map(|r| r.clock.to_string()) } else { None },
        clocks,
        partners,
        decision,
        version: stored.version,
    }
}

/// The board of a ZSM location as data: its open cases with their clocks (time left, warning
/// state) and the partners' states, and the cases decided in the last 24 hours. Need-to-know
/// as on the board page: a defence lawyer sees only their own clients' cases; each case
/// listed is audited.
#[utoipa::path(get, path = "/api/v1/zsm/{location}/board", operation_id = "read_zsm_board",
    params(("location" = String, Path, description = "Location code, e.g. `zsm-utrecht`")),
    responses((status = 200, description = "The board", body = BoardDto),
        (status = 401, description = "Not signed in (problem JSON)", body = Problem),
        (status = 403, description = "Your role does not sit at a ZSM table (problem JSON)", body = Problem),
        (status = 404, description = "No such location (problem JSON)", body = Problem)))]
async fn board(State(state): State<AppState>, Member(me, context): Member, Path(location): Path<String>) -> ApiResult {
    let board = state.zsm().board(&me.actor, &location).await?;
    let lang = context.texts.lang.pack();
    let (mut open, mut decided) = (Vec::new(), Vec::new());
    for case in &board.cases {
        let dto = board_case(case, board.pack, board.now, lang);
        if case.stored.case.status.is_open() { open.push(dto) } else { decided.push(dto) }
    }
    let body = BoardDto {
        location: BoardLocationDto {
            code: board.location.code.clone(),
            name: board.location.name.clone(),
            pack: board.pack.code.clone(),
            time_zone: board.pack.time_zone_name.clone(),
        },
        now: board.now.to_string(),
        open,
        decided,
    };
    Ok(Json(body).into_response())
}
