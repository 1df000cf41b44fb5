//! People in the JSON API: search, a person's details (read, add, change with the version
//! check), who has read or changed the record, and the subject-access export.

use super::problem::{ApiResult, Problem, refused};
use crate::AppState;
use crate::auth::Member;
use crate::people::person_id;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use domain::access::TeamEntryInput;
use domain::audit::AuditView;
use domain::people::{IdentifierInput, Person, PersonInput};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/people", get(search).post(create))
        .route("/v1/people/{id}", get(show).put(update))
        .route("/v1/people/{id}/audit", get(audit))
        .route("/v1/people/{id}/export", get(export))
}

#[derive(OpenApi)]
#[openapi(paths(search, create, show, update, audit, export))]
pub struct PeopleApiDoc;

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"id": "5b0e7c1a-3f2d-4e8b-9a41-0c6f2d8e7b13", "family_name": "de Vries", "given_names": "Jan", "birth_date": "1990-05-01"}))]
pub struct PersonSummaryDto {
    id: String,
    family_name: String,
    given_names: Option<String>,
    birth_date: Option<String>,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct SearchParams {
    /// Name words (prefixes), a date of birth and/or an identifier.
    q: String,
}

/// Find people your agency works with.
#[utoipa::path(get, path = "/api/v1/people", params(("q" = String, Query, description = "search text")),
    responses((status = 200, description = "The result", body = [PersonSummaryDto]), (status = 401, description = "Not signed in (problem JSON)", body = Problem)))]
async fn search(State(state): State<AppState>, Member(me, _): Member, Query(params): Query<SearchParams>) -> ApiResult {
    let hits = state.people().search(&me.actor, &params.q).await?;
    let body: Vec<PersonSummaryDto> = hits
        .into_iter()
        .map(|h| PersonSummaryDto {
            id: h.id.to_string(),
            family_name: h.family_name,
            given_names: h.given_names,
            birth_date: h.birth_date.map(|d| d.to_string()),
        })
        .collect();
    Ok(Json(body).into_response())
}

/// A person's details as typed: every field is text, checked by the server.
#[derive(Deserialize, Serialize, ToSchema, Default)]
#[serde(default)]
pub struct PersonFields {
    family_name: String,
    given_names: String,
    /// `YYYY-MM-DD` (or `DD-MM-YYYY`).
    birth_date: String,
    /// `F`, `M`, `X` or empty.
    sex: String,
    address: String,
    postcode: String,
    city: String,
    phone: String,
    email: String,
    identifiers: Vec<IdentifierDto>,
    /// Languages the person can take part in help in (ISO 639 codes, their own first); the
    /// interventions finder matches them.
    languages: Vec<String>,
}

#[derive(Deserialize, Serialize, ToSchema, Default, Clone)]
#[serde(default)]
pub struct IdentifierDto {
    /// `bsn`, `pnc`, `crn` or `local`.
    kind: String,
    value: String,
}

impl PersonFields {
    fn into_input(self) -> PersonInput {
        PersonInput {
            family_name: self.family_name,
            given_names: self.given_names,
            birth_date: self.birth_date,
            sex: self.sex,
            address: self.address,
            postcode: self.postcode,
            city: self.city,
            phone: self.phone,
            email: self.email,
            identifiers: self
                .identifiers
                .into_iter()
                .map(|i| IdentifierInput { kind: i.kind, value: i.value })
                .collect(),
            languages: self.languages.join(", "),
        }
    }

    fn from_person(person: &Person) -> Self {
        let input = PersonInput::from_draft(&person.details);
        PersonFields {
            family_name: input.family_name,
            given_names: input.given_names,
            birth_date: input.birth_date,
            sex: input.sex,
            address: input.address,
            postcode: input.postcode,
            city: input.city,
            phone: input.phone,
            email: input.email,
            identifiers: input
                .identifiers
                .into_iter()
                .map(|i| IdentifierDto { kind: i.kind, value: i.value })
                .collect(),
            languages: person.details.languages.clone(),
        }
    }
}

/// The legal basis on which your agency joins the new person's team.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct BasisDto {
    /// `statutory_task`, `consent` or `court_order`.
    kind: String,
    statute: String,
    consent_scope: String,
    consent_expires_on: String,
    court_order_reference: String,
    reason: String,
}

#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"person": {"family_name": "de Vries", "given_names": "Jan", "birth_date": "1990-05-01", "sex": "M", "address": "Oudegracht 12", "postcode": "3511 AB", "city": "Utrecht", "phone": "", "email": "", "identifiers": [{"kind": "bsn", "value": "111222333"}]}, "basis": {"kind": "statutory_task", "statute": "Politiewet 2012, art. 3", "reason": "ZSM intake"}, "duplicate_reason": ""}))]
pub struct NewPerson {
    person: PersonFields,
    basis: BasisDto,
    /// Why to register the person although the agency already has someone with the same name
    /// and date of birth (without it, such a call is a 409 naming the matches it may see).
    #[serde(default)]
    duplicate_reason: String,
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"id": "5b0e7c1a-3f2d-4e8b-9a41-0c6f2d8e7b13", "version": 3, "family_name": "de Vries", "given_names": "Jan", "birth_date": "1990-05-01", "sex": "M", "address": "Oudegracht 12", "postcode": "3511 AB", "city": "Utrecht", "phone": "", "email": "", "identifiers": [{"kind": "bsn", "value": "111222333"}], "created_at": "2026-12-01T10:00:00Z", "updated_at": "2026-12-07T09:15:00Z"}))]
pub struct PersonDto {
    id: String,
    /// Send back with an update; a newer stored version makes the update a 409.
    version: i64,
    #[serde(flatten)]
    fields: PersonFields,
    created_at: String,
    updated_at: String,
}

fn person_dto(person: &Person) -> PersonDto {
    PersonDto {
        id: person.id.to_string(),
        version: person.version,
        fields: PersonFields::from_person(person),
        created_at: person.created_at.to_string(),
        updated_at: person.updated_at.to_string(),
    }
}

/// Add a person; your agency joins their team on the basis given.
#[utoipa::path(post, path = "/api/v1/people", request_body = NewPerson,
    responses((status = 201, description = "Created; the body is the new record", body = PersonDto), (status = 409, description = "Changed by someone else meanwhile, or already recorded (problem JSON)", body = Problem), (status = 422, description = "The input is not valid; the problem names each field (problem JSON)", body = Problem)))]
async fn create(State(state): State<AppState>, Member(me, context): Member, Json(body): Json<NewPerson>) -> ApiResult {
    let basis = TeamEntryInput {
        agency_id: String::new(),
        basis_kind: body.basis.kind,
        statute: body.basis.statute,
        consent_scope: body.basis.consent_scope,
        consent_expires_on: body.basis.consent_expires_on,
        court_order_reference: body.basis.court_order_reference,
        reason: body.basis.reason,
    };
    let input = body.person.into_input();
    let person = state
        .people()
        .create_checked(&me.actor, &input, &basis, &body.duplicate_reason)
        .await
        .map_err(refused(&context))?;
    let location = format!("/api/v1/people/{}", person.id);
    Ok((StatusCode::CREATED, [("location", location)], Json(person_dto(&person))).into_response())
}

/// One person (audited as a read).
#[utoipa::path(get, path = "/api/v1/people/{id}", params(("id" = String, Path)),
    responses((status = 200, description = "The result", body = PersonDto), (status = 403, description = "Not allowed for this member; the refusal is audited (problem JSON)", body = Problem), (status = 404, description = "No such record, or one this member may not see (problem JSON)", body = Problem)))]
async fn show(State(state): State<AppState>, Member(me, _): Member, Path(id): Path<String>) -> ApiResult {
    let file = state.people().view(&me.actor, person_id(&id)?, "api_person").await?;
    Ok(Json(person_dto(&file.person)).into_response())
}

#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"version": 3, "person": {"family_name": "de Vries", "given_names": "Jan", "birth_date": "1990-05-01", "sex": "M", "address": "Lange Nieuwstraat 4", "postcode": "3512 PH", "city": "Utrecht", "phone": "", "email": "", "identifiers": [{"kind": "bsn", "value": "111222333"}]}}))]
pub struct PersonUpdate {
    /// The version the change was made on.
    version: i64,
    person: PersonFields,
}

/// Change a person's details; refused with 409 when someone saved a newer version first.
#[utoipa::path(put, path = "/api/v1/people/{id}", params(("id" = String, Path)), request_body = PersonUpdate,
    responses((status = 200, description = "The result", body = PersonDto), (status = 409, description = "Changed by someone else meanwhile, or already recorded (problem JSON)", body = Problem), (status = 422, description = "The input is not valid; the problem names each field (problem JSON)", body = Problem)))]
async fn update(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    Json(body): Json<PersonUpdate>,
) -> ApiResult {
    let id = person_id(&id)?;
    let person = state
        .people()
        .update(&me.actor, id, body.version, &body.person.into_input())
        .await
        .map_err(refused(&context))?;
    Ok(Json(person_dto(&person)).into_response())
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"at": "2026-12-07T09:15:00Z", "member": "Sanne Bakker", "agency": "Politie Eenheid Utrecht", "action": "read", "what": "person", "basis": "statutory_task: Politiewet 2012, art. 3"}))]
pub struct AuditDto {
    at: String,
    member: String,
    agency: String,
    action: String,
    what: String,
    basis: String,
}

/// Who has read or changed this person's record, newest first.
#[utoipa::path(get, path = "/api/v1/people/{id}/audit", params(("id" = String, Path)),
    responses((status = 200, description = "The result", body = [AuditDto]), (status = 403, description = "Not allowed for this member; the refusal is audited (problem JSON)", body = Problem)))]
async fn audit(State(state): State<AppState>, Member(me, _): Member, Path(id): Path<String>) -> ApiResult {
    let id = person_id(&id)?;
    state.people().view(&me.actor, id, "api_audit_trail").await?;
    let trail: Vec<AuditView> = state.people().audit_trail(&me.actor, id, 1000).await?;
    let body: Vec<AuditDto> = trail
        .into_iter()
        .map(|a| AuditDto {
            at: a.entry.at.to_string(),
            member: a.member_name,
            agency: a.agency_name,
            action: a.entry.action.code().into(),
            what: a.entry.what,
            basis: a.entry.basis,
        })
        .collect();
    Ok(Json(body).into_response())
}

/// Subject-access export (GDPR art. 15): everything held on the person; itself audited.
#[utoipa::path(get, path = "/api/v1/people/{id}/export", params(("id" = String, Path)),
    responses((status = 200, description = "the export as JSON"), (status = 403, description = "Not allowed for this member; the refusal is audited (problem JSON)", body = Problem)))]
async fn export(State(state): State<AppState>, Member(me, _): Member, Path(id): Path<String>) -> ApiResult {
    let export = state.subject_access().export(&me.actor, person_id(&id)?).await?;
    Ok(Json(export).into_response())
}
