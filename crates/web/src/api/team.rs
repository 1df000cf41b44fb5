//! Who works a person's case, for partner systems: the agencies on the case team (and those
//! that were), each with its legal basis and, while on the team, its members who can work the
//! case and their roles. Read through the people use case, so the team rule (need-to-know) and
//! the audit log are those of the person's page: an agency off the team is refused, audited.

use super::problem::{ApiResult, Problem};
use crate::AppState;
use crate::auth::Member;
use crate::people::person_id;
use axum::extract::{Path, State};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use domain::access::LegalBasis;
use domain::people::service::CaseTeamAgency;
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new().route("/v1/people/{id}/team", get(case_team))
}

#[derive(OpenApi)]
#[openapi(paths(case_team), components(schemas(CaseTeamDto, TeamAgencyDto, TeamMemberDto)))]
pub struct TeamApiDoc;

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a1b2-0000-7000-8000-0000000000aa", "name": "Sanne Bakker", "roles": ["probation_officer"]}))]
pub struct TeamMemberDto {
    id: String,
    name: String,
    /// Role codes, e.g. `probation_officer`, `process_manager`.
    roles: Vec<&'static str>,
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"agency_id": "b2d4f6a8-3c5e-4a7b-9d1f-2e4a6b8c0d3f", "agency_name": "Reclassering Utrecht", "agency_kind": "probation", "basis_kind": "statutory_task", "basis_detail": "Wet op de reclassering", "reason": "Supervision after the ZSM decision", "added_by": "Sanne Bakker", "added_at": "2026-11-02T09:14:00Z", "ended_at": null, "active": true, "members": [{"id": "0193a1b2-0000-7000-8000-0000000000aa", "name": "Sanne Bakker", "roles": ["probation_officer"]}]}))]
pub struct TeamAgencyDto {
    agency_id: String,
    agency_name: String,
    /// `police`, `probation`, `municipality`, … (empty when the agency is gone).
    agency_kind: String,
    /// `statutory_task`, `consent` or `court_order`.
    basis_kind: &'static str,
    /// The statute, the consent's scope and end date, or the order's reference.
    basis_detail: String,
    reason: String,
    added_by: String,
    added_at: String,
    ended_at: Option<String>,
    /// On the team today (not ended, the basis still valid).
    active: bool,
    /// The agency's members who can work the case; empty once it left the team.
    members: Vec<TeamMemberDto>,
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"person_id": "5b0e7c1a-3f2d-4e8b-9a41-0c6f2d8e7b13", "person_name": "Gerrit Hoekstra", "agencies": [{"agency_id": "b2d4f6a8-3c5e-4a7b-9d1f-2e4a6b8c0d3f", "agency_name": "Reclassering Utrecht", "agency_kind": "probation", "basis_kind": "statutory_task", "basis_detail": "Wet op de reclassering", "reason": "Supervision after the ZSM decision", "added_by": "Sanne Bakker", "added_at": "2026-11-02T09:14:00Z", "ended_at": null, "active": true, "members": []}]}))]
pub struct CaseTeamDto {
    person_id: String,
    person_name: String,
    agencies: Vec<TeamAgencyDto>,
}

fn basis_detail(basis: &LegalBasis) -> String {
    match basis {
        LegalBasis::StatutoryTask { statute } => statute.clone(),
        LegalBasis::Consent { scope, expires_on } => format!("{scope} (until {expires_on})"),
        LegalBasis::CourtOrder { reference } => reference.clone(),
    }
}

fn agency_dto(entry: CaseTeamAgency) -> TeamAgencyDto {
    TeamAgencyDto {
        agency_id: entry.entry.agency_id.to_string(),
        agency_name: entry.agency.as_ref().map(|a| a.name.clone()).unwrap_or_default(),
        agency_kind: entry.agency.as_ref().map(|a| a.kind.code().to_string()).unwrap_or_default(),
        basis_kind: entry.entry.basis.kind(),
        basis_detail: basis_detail(&entry.entry.basis),
        reason: entry.entry.reason.clone(),
        added_by: entry.added_by,
        added_at: entry.entry.added_at.to_string(),
        ended_at: entry.entry.ended_at.map(|t| t.to_string()),
        active: entry.active,
        members: entry
            .members
            .into_iter()
            .map(|m| TeamMemberDto {
                id: m.id.to_string(),
                name: m.display_name,
                roles: m.roles.iter().map(|r| r.code()).collect(),
            })
            .collect(),
    }
}

/// Who works the person's case: agencies on the team (and those that were) with their legal
/// basis, and the members of each agency on it today with their roles (audited as a read).
#[utoipa::path(get, path = "/api/v1/people/{id}/team", operation_id = "read_case_team", params(("id" = String, Path)),
    responses((status = 200, description = "The case team", body = CaseTeamDto),
        (status = 403, description = "Your agency is not on the person's team (no need to know); the refusal is audited (problem JSON)", body = Problem),
        (status = 404, description = "No such person (problem JSON)", body = Problem)))]
async fn case_team(State(state): State<AppState>, Member(me, _): Member, Path(id): Path<String>) -> ApiResult {
    let id = person_id(&id)?;
    let team = state.people().case_team(&me.actor, id, "api: case team").await?;
    Ok(Json(CaseTeamDto {
        person_id: team.person.id.to_string(),
        person_name: team.person.display_name(),
        agencies: team.agencies.into_iter().map(agency_dto).collect(),
    })
    .into_response())
}
