//! Interventions in the JSON API: the finder, referrals and their changes (one tagged body for
//! every action, so a provider's system accepts, schedules, records attendance and progress
//! without re-keying), the provider's list and the catalogue (unmet need and webhooks are in
//! `unmet_need_and_webhooks.rs`). Same use cases, access rules and audit as the pages.

use super::problem::{ApiResult, Problem, refused};
use crate::AppState;
use crate::auth::Member;
use crate::error::WebError;
use crate::people::person_id;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::ids::{InterventionId, ReferralId, TaskId};
use domain::interventions::ports::ReferralQuery;
use domain::interventions::service::{Found, NewReferral, ReferralFile};
use domain::interventions::{
    ChangeInput, ExpectedWait, Intervention, InterventionInput, Misfit, ReferralListing, ReferralStatus,
};
use domain::jurisdiction::DomainKey;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/interventions", get(find).post(add_intervention))
        .route("/v1/referrals", get(list_referrals).post(create_referral))
        .route("/v1/referrals/{id}", get(read_referral))
        .route("/v1/referrals/{id}/changes", post(change_referral))
}

#[derive(OpenApi)]
#[openapi(
    paths(find, add_intervention, list_referrals, create_referral, read_referral, change_referral,),
    components(schemas(
        FoundDto,
        MisfitDto,
        InterventionDto,
        NewIntervention,
        NewReferralBody,
        ReferralDto,
        ReferralSummary,
        SharedPersonDto,
        ChangeRowDto,
        AttendanceDto,
        ProgressDto,
        ChangeBody,
    ))
)]
pub struct InterventionsApiDoc;

fn referral_id(raw: &str) -> Result<ReferralId, WebError> {
    raw.parse().map_err(|_| WebError::NotFound)
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"id": "f6b8d0e2-7a9c-4e1f-9b5d-6c8e0f2a4b7d", "provider": "b2d4f6a8-3c5e-4a7b-9d1f-2e4a6b8c0d3f", "name": "Tools4U", "description": "Cognitive skills training in a group", "kind": "behavioural", "needs": ["thinking"], "format": "group", "group_starts": ["2027-01-11"], "sessions": 12, "duration_weeks": 12, "outcomes": ["Fewer impulsive decisions"], "capacity": 10, "unit_cost_cents": 120000, "areas": ["Utrecht"], "languages": ["nl"], "active": true}))]
pub struct InterventionDto {
    id: String,
    /// The provider agency's id.
    provider: String,
    name: String,
    description: String,
    /// e.g. `housing`, `addiction_treatment`, `accredited_programme`.
    kind: &'static str,
    /// The life domains it addresses.
    needs: Vec<String>,
    /// `one_to_one` or `group`.
    format: &'static str,
    group_starts: Vec<String>,
    sessions: u16,
    duration_weeks: u16,
    outcomes: Vec<String>,
    capacity: u32,
    unit_cost_cents: Option<i64>,
    areas: Vec<String>,
    /// Languages it is given in (ISO 639 codes); empty: not stated.
    languages: Vec<String>,
    active: bool,
}

pub(crate) fn intervention_dto(i: &Intervention) -> InterventionDto {
    let (format, starts) = match &i.format {
        domain::interventions::Format::OneToOne => ("one_to_one", Vec::new()),
        domain::interventions::Format::Group { starts } => ("group", starts.iter().map(ToString::to_string).collect()),
    };
    InterventionDto {
        id: i.id.to_string(),
        provider: i.provider.to_string(),
        name: i.name.clone(),
        description: i.description.clone(),
        kind: i.kind.code(),
        needs: i.needs.iter().map(ToString::to_string).collect(),
        format,
        group_starts: starts,
        sessions: i.sessions,
        duration_weeks: i.duration_weeks,
        outcomes: i.outcomes.clone(),
        capacity: i.capacity,
        unit_cost_cents: i.unit_cost_cents,
        areas: i.areas.clone(),
        languages: i.eligibility.languages.clone(),
        active: i.active,
    }
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"id": "f6b8d0e2-7a9c-4e1f-9b5d-6c8e0f2a4b7d", "provider": "b2d4f6a8-3c5e-4a7b-9d1f-2e4a6b8c0d3f", "name": "Tools4U", "kind": "behavioural", "expected_wait_days": 14, "wait": "short", "next_start": "2027-01-11", "addresses": ["thinking"], "eligible": true, "misfits": [], "intervention": {"id": "f6b8d0e2-7a9c-4e1f-9b5d-6c8e0f2a4b7d", "provider": "b2d4f6a8-3c5e-4a7b-9d1f-2e4a6b8c0d3f", "name": "Tools4U", "description": "Cognitive skills training in a group", "kind": "behavioural", "needs": ["thinking"], "format": "group", "group_starts": ["2027-01-11"], "sessions": 12, "duration_weeks": 12, "outcomes": ["Fewer impulsive decisions"], "capacity": 10, "unit_cost_cents": 120000, "areas": ["Utrecht"], "languages": ["nl"], "active": true}}))]
pub struct FoundDto {
    id: String,
    /// The provider agency's id.
    provider: String,
    name: String,
    kind: &'static str,
    /// Days until a place (0: now); null when no place can be promised.
    expected_wait_days: Option<u32>,
    /// `days`, `next_group` or `no_place`.
    wait: &'static str,
    /// The next group with a free place, for group programmes.
    next_start: Option<String>,
    /// The person's needs it addresses.
    addresses: Vec<String>,
    eligible: bool,
    /// Why the person may not take part (empty when eligible).
    misfits: Vec<MisfitDto>,
    intervention: InterventionDto,
}

/// One reason a person does not fit an intervention.
#[derive(Serialize, ToSchema)]
pub struct MisfitDto {
    /// `age`, `sex`, `risk` or `language`.
    reason: &'static str,
    /// For `age`: the range it admits.
    min_age: Option<u8>,
    max_age: Option<u8>,
    /// For `language`: the languages it is given in, none of which the person speaks.
    languages: Vec<String>,
}

fn misfit_dto(m: &Misfit) -> MisfitDto {
    let (min_age, max_age, languages) = match m {
        Misfit::Age { min_age, max_age } => (*min_age, *max_age, Vec::new()),
        Misfit::Language { languages } => (None, None, languages.clone()),
        Misfit::Sex | Misfit::Risk => (None, None, Vec::new()),
    };
    MisfitDto { reason: m.code(), min_age, max_age, languages }
}

fn found_dto(f: &Found) -> FoundDto {
    let (wait, next_start) = match f.wait {
        ExpectedWait::Days { .. } => ("days", None),
        ExpectedWait::NextGroup { starts, .. } => ("next_group", Some(starts.to_string())),
        ExpectedWait::NoPlace => ("no_place", None),
    };
    FoundDto {
        id: f.intervention.id.to_string(),
        provider: f.intervention.provider.to_string(),
        name: f.intervention.name.clone(),
        kind: f.intervention.kind.code(),
        expected_wait_days: f.wait.days(),
        wait,
        next_start,
        addresses: f.addresses.iter().map(ToString::to_string).collect(),
        eligible: f.eligible,
        misfits: f.misfits.iter().map(misfit_dto).collect(),
        intervention: intervention_dto(&f.intervention),
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FindQuery {
    /// The person to find interventions for.
    person: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/interventions", params(FindQuery),
    responses((status = 200, description = "The interventions that fit the person's screened needs, area and eligibility, best first, each with its expected wait", body = Vec<FoundDto>),
        (status = 403, description = "Not allowed for this member; the refusal is audited (problem JSON)", body = Problem),
        (status = 404, description = "No such person, or one this member may not see (problem JSON)", body = Problem)))]
async fn find(State(state): State<AppState>, Member(me, _): Member, Query(q): Query<FindQuery>) -> ApiResult {
    let person = person_id(q.person.as_deref().unwrap_or_default())?;
    let zone = state.person_zone(person).await?;
    let finding = state.interventions_in(&zone.zone).find(&me.actor, person).await?;
    let items: Vec<FoundDto> = finding.found.iter().map(found_dto).collect();
    // Written into a buffer of about its size: from axum's 128 bytes it was copied a dozen
    // times on its way to the ~80 entries of a town (each with its whole entry nested).
    let mut body = Vec::with_capacity(items.len() * 1024 + 2);
    serde_json::to_writer(&mut body, &items).map_err(|e| crate::error::WebError::internal(e.to_string()))?;
    Ok(([(axum::http::header::CONTENT_TYPE, "application/json")], body).into_response())
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"name": "Tools4U", "description": "Cognitive skills training in a group", "kind": "behavioural", "needs": ["thinking"], "min_age": 18, "max_age": null, "risk_levels": ["medium", "high"], "languages": ["nl"], "group_starts": ["2027-01-11"], "sessions": 12, "duration_weeks": 12, "outcomes": ["Fewer impulsive decisions"], "capacity": 10, "unit_cost_cents": 120000, "areas": ["Utrecht"]}))]
pub struct NewIntervention {
    /// The provider agency's id: for an administrator adding an entry on a provider's behalf
    /// (required then); a provider's member adds to their own agency's catalogue.
    provider: Option<String>,
    name: String,
    description: String,
    kind: String,
    needs: Vec<String>,
    min_age: Option<u8>,
    max_age: Option<u8>,
    risk_levels: Vec<String>,
    languages: Vec<String>,
    /// Start dates of groups; empty for one-to-one.
    group_starts: Vec<String>,
    sessions: Option<u16>,
    duration_weeks: Option<u16>,
    outcomes: Vec<String>,
    capacity: Option<u32>,
    unit_cost_cents: Option<i64>,
    areas: Vec<String>,
}

#[utoipa::path(post, path = "/api/v1/interventions", request_body = NewIntervention,
    responses((status = 201, description = "Added to the member's provider catalogue, or by an administrator to the catalogue of the provider named (audited)", body = InterventionDto),
        (status = 403, description = "Only a provider's members and administrators add to a catalogue (problem JSON; the refusal is audited)", body = Problem),
        (status = 422, description = "The input is not valid; the problem names each field (problem JSON)", body = Problem)))]
async fn add_intervention(
    State(state): State<AppState>,
    Member(me, context): Member,
    parsed: Result<Json<NewIntervention>, JsonRejection>,
) -> ApiResult {
    let Json(n) = parsed?;
    let text = |o: Option<String>| o.unwrap_or_default();
    let input = InterventionInput {
        name: n.name,
        description: n.description,
        kind: n.kind,
        needs: n.needs.join("\n"),
        min_age: text(n.min_age.map(|v| v.to_string())),
        max_age: text(n.max_age.map(|v| v.to_string())),
        sexes: String::new(),
        risk_levels: n.risk_levels.join("\n"),
        languages: n.languages.join("\n"),
        group_starts: n.group_starts.join("\n"),
        sessions: text(n.sessions.map(|v| v.to_string())),
        duration_weeks: text(n.duration_weeks.map(|v| v.to_string())),
        outcomes: n.outcomes.join("\n"),
        capacity: text(n.capacity.map(|v| v.to_string())),
        unit_cost_cents: text(n.unit_cost_cents.map(|v| v.to_string())),
        areas: n.areas.join("\n"),
    };
    let provider = n.provider.as_deref().and_then(crate::interventions::chosen_provider);
    let zone = state.member_zone(&me.actor).await?;
    let saved = state
        .interventions_in(&zone.zone)
        .add_intervention(&me.actor, provider, &input)
        .await
        .map_err(refused(&context))?;
    Ok((StatusCode::CREATED, Json(intervention_dto(&saved))).into_response())
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"person_id": "5b0e7c1a-3f2d-4e8b-9a41-0c6f2d8e7b13", "intervention_id": "f6b8d0e2-7a9c-4e1f-9b5d-6c8e0f2a4b7d", "task_id": "d4f6b8c0-5e7a-4c9d-9f3b-4a6c8d0e2f5b", "needs": ["thinking"], "risks": "None known to the team", "basis": "Agreed in the plan", "note": "Prefers evening groups", "send": true}))]
pub struct NewReferralBody {
    person_id: String,
    intervention_id: String,
    /// The plan task this referral fulfils.
    task_id: Option<String>,
    /// Life domains to share with the provider; empty: those the intervention addresses.
    needs: Vec<String>,
    risks: String,
    /// The legal basis or consent it is shared under; empty: the referrer's own basis.
    basis: String,
    note: String,
    /// Send at once (default) or keep as a draft.
    send: Option<bool>,
}

#[derive(Serialize, ToSchema)]
pub struct SharedPersonDto {
    name: String,
    birth_date: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    address: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ChangeRowDto {
    at: String,
    by_member: String,
    agency: String,
    /// `referrer` or `provider`.
    side: &'static str,
    /// The status after the change.
    status: &'static str,
    /// created, status, amend, schedule, attendance, feedback, concern, progress, report.
    action: &'static str,
    /// The change itself, tagged by `action`.
    #[schema(value_type = Object)]
    detail: serde_json::Value,
}

#[derive(Serialize, ToSchema)]
pub struct AttendanceDto {
    date: String,
    /// `yes`, `late` or `no`.
    attended: &'static str,
    reason: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ProgressDto {
    outcome: String,
    /// `not_yet`, `partly_achieved`, `achieved`; null before any is recorded.
    achievement: Option<&'static str>,
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"id": "07c9e1f3-8b0d-4f2a-8c6e-7d9f1a3b5c8e", "person_id": "5b0e7c1a-3f2d-4e8b-9a41-0c6f2d8e7b13", "intervention_id": "f6b8d0e2-7a9c-4e1f-9b5d-6c8e0f2a4b7d", "intervention_name": "Tools4U", "kind": "behavioural", "provider": "b2d4f6a8-3c5e-4a7b-9d1f-2e4a6b8c0d3f", "referrer_agency": "a1c3e5f7-2b4d-4f6a-8c0e-1d3f5a7b9c2e", "task_id": "d4f6b8c0-5e7a-4c9d-9f3b-4a6c8d0e2f5b", "status": "sent", "side": "referrer", "person": {"name": "Jan de Vries", "birth_date": "1990-05-01", "phone": null, "email": null, "address": null}, "needs": ["thinking"], "risks": "None known to the team", "basis": "Agreed in the plan", "note": "Prefers evening groups", "outcomes": [], "created_on": "2026-12-07", "started_on": null, "ended_on": null, "queue_position": null, "next_statuses": ["withdrawn"], "history": [], "attendance": [], "progress": []}))]
pub struct ReferralDto {
    id: String,
    person_id: String,
    intervention_id: String,
    intervention_name: String,
    kind: &'static str,
    provider: String,
    referrer_agency: String,
    task_id: Option<String>,
    status: &'static str,
    /// The reader's side: `referrer` or `provider`.
    side: &'static str,
    /// What the referral shares with the provider.
    person: SharedPersonDto,
    needs: Vec<String>,
    risks: String,
    basis: String,
    note: String,
    outcomes: Vec<String>,
    created_on: String,
    started_on: Option<String>,
    ended_on: Option<String>,
    /// Place on the waiting list while accepted or waiting.
    queue_position: Option<u32>,
    /// The statuses the reader's side may move it to now.
    next_statuses: Vec<&'static str>,
    /// Every change, oldest first.
    history: Vec<ChangeRowDto>,
    attendance: Vec<AttendanceDto>,
    progress: Vec<ProgressDto>,
}

fn referral_dto(file: &ReferralFile) -> ReferralDto {
    let r = &file.referral;
    let p = &file.person;
    let history = r
        .history
        .iter()
        .map(|c| ChangeRowDto {
            at: c.at.to_string(),
            by_member: c.by.to_string(),
            agency: c.agency.to_string(),
            side: c.side.code(),
            status: c.status.code(),
            action: c.detail.code(),
            detail: serde_json::to_value(&c.detail).unwrap_or_default(),
        })
        .collect();
    ReferralDto {
        id: r.id.to_string(),
        person_id: r.person.to_string(),
        intervention_id: r.intervention.to_string(),
        intervention_name: r.intervention_name.clone(),
        kind: r.kind.code(),
        provider: r.provider.to_string(),
        referrer_agency: r.referrer_agency.to_string(),
        task_id: r.task.map(|t| t.to_string()),
        status: r.status.code(),
        side: file.side.code(),
        person: SharedPersonDto {
            name: p.name.clone(),
            birth_date: p.birth_date.map(|d| d.to_string()),
            phone: p.phone.clone(),
            email: p.email.clone(),
            address: p.address.clone(),
        },
        needs: r.shared.needs.iter().map(ToString::to_string).collect(),
        risks: r.shared.risks.clone(),
        basis: r.shared.basis.clone(),
        note: r.note.clone(),
        outcomes: r.outcomes.clone(),
        created_on: r.created_on.to_string(),
        started_on: r.started_on.map(|d| d.to_string()),
        ended_on: r.ended_on.map(|d| d.to_string()),
        queue_position: file.queue_position,
        next_statuses: file.next.iter().map(|s| s.code()).collect(),
        history,
        attendance: r
            .sessions()
            .map(|s| AttendanceDto { date: s.on.to_string(), attended: s.attended.code(), reason: s.reason.clone() })
            .collect(),
        progress: r
            .progress()
            .into_iter()
            .map(|(outcome, a)| ProgressDto { outcome, achievement: a.map(|a| a.code()) })
            .collect(),
    }
}

#[utoipa::path(post, path = "/api/v1/referrals", request_body = NewReferralBody,
    responses((status = 201, description = "Referred (sent unless `send` is false); the body is the referral as the referrer reads it", body = ReferralDto),
        (status = 403, description = "Not allowed for this member; the refusal is audited (problem JSON)", body = Problem),
        (status = 404, description = "No such person, or one this member may not see (problem JSON)", body = Problem),
        (status = 422, description = "The input is not valid; the problem names each field (problem JSON)", body = Problem)))]
async fn create_referral(
    State(state): State<AppState>,
    Member(me, context): Member,
    parsed: Result<Json<NewReferralBody>, JsonRejection>,
) -> ApiResult {
    let Json(body) = parsed?;
    let invalid = |field: &str| {
        let errors = domain::validation::ValidationErrors::single(domain::validation::FieldError::new(
            field,
            "error.referral.intervention",
        ));
        super::problem::ApiError::Problem(super::problem::invalid_problem(&errors, &context))
    };
    let person = person_id(&body.person_id)?;
    let intervention: InterventionId = body.intervention_id.trim().parse().map_err(|_| invalid("intervention_id"))?;
    let task = match body.task_id.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => Some(t.parse::<TaskId>().map_err(|_| invalid("task_id"))?),
        None => None,
    };
    let new = NewReferral {
        person,
        intervention,
        task,
        needs: body.needs.iter().map(|n| DomainKey::new(n.trim())).collect(),
        risks: body.risks,
        basis: body.basis,
        note: body.note,
        send: body.send.unwrap_or(true),
    };
    let zone = state.person_zone(person).await?;
    let service = state.interventions_in(&zone.zone);
    let referral = service.refer(&me.actor, new).await.map_err(refused(&context))?;
    let file = service.view(&me.actor, referral.id).await?;
    Ok((StatusCode::CREATED, Json(referral_dto(&file))).into_response())
}

#[utoipa::path(get, path = "/api/v1/referrals/{id}", params(("id" = String, Path)),
    responses((status = 200, description = "The referral as the reader's side may see it, with its status history and attendance; the read is audited", body = ReferralDto),
        (status = 404, description = "No such referral, or one this member is not party to (problem JSON)", body = Problem)))]
async fn read_referral(State(state): State<AppState>, Member(me, _): Member, Path(id): Path<String>) -> ApiResult {
    let id = referral_id(&id)?;
    let zone = state.referral_zone(&me.actor, id).await?;
    let file = state.interventions_in(&zone.zone).view(&me.actor, id).await?;
    Ok(Json(referral_dto(&file)).into_response())
}

/// One change, tagged by `action`: `send`, `accept`, `decline` (reason), `wait`, `start`,
/// `complete` (achievements per outcome, text), `end_early` (reason), `withdraw` (reason),
/// `amend` (field, value, reason), `schedule` (date, note), `attendance` (attended, date,
/// reason), `feedback` (date, text), `concern` (text), `progress` (outcome, achievement, note).
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"action": "attendance", "date": "2027-01-11", "attended": "yes"}))]
pub struct ChangeBody {
    action: String,
    date: String,
    /// `yes`, `late` or `no` (with a reason).
    attended: String,
    /// A reason category (`not_eligible`, `no_capacity`, `person_declined`, `did_not_attend`,
    /// `risk_too_high`, `circumstances_changed`, `other`), or an amendment's / absence's reason.
    reason: String,
    note: String,
    text: String,
    outcome: String,
    /// `not_yet`, `partly_achieved` or `achieved`.
    achievement: String,
    /// For `amend`: `risks`, `basis` or `note`.
    field: String,
    value: String,
    /// For `complete`: the achievement of each desired outcome, in order.
    achievements: Vec<String>,
    /// The status this change was decided on; when the referral has another one now (the
    /// other side changed it meanwhile) the change is refused with 409. Empty: not checked.
    seen_status: String,
}

#[utoipa::path(post, path = "/api/v1/referrals/{id}/changes", params(("id" = String, Path)), request_body = ChangeBody,
    responses((status = 200, description = "Changed; the body is the referral after it", body = ReferralDto),
        (status = 404, description = "No such referral, or one this member is not party to (problem JSON)", body = Problem),
        (status = 409, description = "The referral is no longer in `seen_status`: the other side changed it meanwhile (problem JSON)", body = Problem),
        (status = 422, description = "Invalid input, or a change the reader's side may not make now (problem JSON)", body = Problem)))]
async fn change_referral(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    parsed: Result<Json<ChangeBody>, JsonRejection>,
) -> ApiResult {
    let id = referral_id(&id)?;
    let Json(b) = parsed?;
    let input = ChangeInput {
        action: b.action,
        date: b.date,
        attended: b.attended,
        reason: b.reason,
        note: b.note,
        text: b.text,
        outcome: b.outcome,
        achievement: b.achievement,
        field: b.field,
        value: b.value,
        achievements: b.achievements,
        seen_status: b.seen_status,
    };
    let zone = state.referral_zone(&me.actor, id).await?;
    let service = state.interventions_in(&zone.zone);
    service.change(&me.actor, id, &input).await.map_err(refused(&context))?;
    let file = service.view(&me.actor, id).await?;
    Ok(Json(referral_dto(&file)).into_response())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only these statuses, comma-separated (e.g. `sent,waiting`).
    status: Option<String>,
    /// A person's referrals (for the referrer); without it, the provider's own.
    person: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/referrals", params(ListQuery),
    responses((status = 200, description = "Referrals, newest first (only accepted and waiting asked for: in queue order): a person's (for an agency on their team) or the member's provider's own", body = Vec<ReferralSummary>),
        (status = 403, description = "Not allowed for this member (problem JSON)", body = Problem)))]
async fn list_referrals(State(state): State<AppState>, Member(me, _): Member, Query(q): Query<ListQuery>) -> ApiResult {
    let statuses = q
        .status
        .as_deref()
        .unwrap_or("")
        .split(',')
        .filter(|s| !s.trim().is_empty())
        .map(|s| ReferralStatus::parse(s).ok_or(WebError::NotFound))
        .collect::<Result<Vec<_>, _>>()?;
    let person = q.person.as_deref().map(person_id).transpose()?;
    let query = ReferralQuery { provider: None, referrer: None, person, statuses, limit: 200 };
    let zone = state.zone_about(&me.actor, person).await?;
    let lines = state.interventions_in(&zone.zone).list(&me.actor, query).await?;
    let body: Vec<ReferralSummary> = lines.iter().map(|(r, name)| summary(r, name)).collect();
    Ok(Json(body).into_response())
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"id": "07c9e1f3-8b0d-4f2a-8c6e-7d9f1a3b5c8e", "person_id": "5b0e7c1a-3f2d-4e8b-9a41-0c6f2d8e7b13", "person_name": "Jan de Vries", "intervention_id": "f6b8d0e2-7a9c-4e1f-9b5d-6c8e0f2a4b7d", "intervention_name": "Tools4U", "status": "sent", "created_on": "2026-12-07", "started_on": null}))]
pub struct ReferralSummary {
    id: String,
    person_id: String,
    person_name: String,
    intervention_id: String,
    intervention_name: String,
    status: &'static str,
    created_on: String,
    started_on: Option<String>,
}

fn summary(r: &ReferralListing, name: &str) -> ReferralSummary {
    ReferralSummary {
        id: r.id.to_string(),
        person_id: r.person.to_string(),
        person_name: name.to_owned(),
        intervention_id: r.intervention.to_string(),
        intervention_name: r.intervention_name.clone(),
        status: r.status.code(),
        created_on: r.created_on.to_string(),
        started_on: r.started_on.map(|d| d.to_string()),
    }
}
