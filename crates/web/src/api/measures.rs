//! The measures in the JSON API: a person's exclusion orders, area bans and intensive case
//! management episodes, imposing, starting and changing them, and a group's members.
//! Every call goes through the domain's `Measures` use cases, so authorisation (role × team ×
//! legal basis), the audit log and the refusals are exactly those of the measures pages.

use super::problem::{ApiResult, Problem, refused};
use crate::AppState;
use crate::auth::Member;
use crate::people::person_id;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::ids::PersonId;
use domain::measures::{
    AreaBan, AreaBanStatus, BanAction, BanInput, Episode, EpisodeAction, EpisodeInput, EpisodeStatus, ExclusionContext,
    ExclusionOrder, GroupAction, OrderAction, OrderInput, OrderStatus,
};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/people/{id}/measures", get(read_measures))
        .route("/v1/people/{id}/exclusion-orders", post(impose_order))
        .route("/v1/people/{id}/area-bans", post(impose_ban))
        .route("/v1/people/{id}/episodes", post(start_episode))
        .route("/v1/groups/{group}/members", post(add_group_member))
        .route("/v1/people/{id}/exclusion-orders/{order}/changes", post(change_order))
        .route("/v1/people/{id}/area-bans/{ban}/changes", post(change_ban))
        .route("/v1/people/{id}/episodes/{episode}/changes", post(change_episode))
}

#[derive(OpenApi)]
#[openapi(
    paths(
        read_measures,
        impose_order,
        impose_ban,
        start_episode,
        add_group_member,
        change_order,
        change_ban,
        change_episode
    ),
    components(schemas(
        MeasuresDto,
        OrderDto,
        OrderHelpDto,
        VictimVoiceDto,
        BanDto,
        EpisodeDto,
        NewOrder,
        NewBan,
        NewEpisode,
        NewGroupMember,
        OrderChange,
        BanChange,
        EpisodeChange
    ))
)]
pub struct MeasuresApiDoc;

#[derive(Serialize, ToSchema)]
pub struct OrderHelpDto {
    id: String,
    /// The excluded person, a victim or a child.
    for_person: String,
    owner_agency: String,
    description: String,
    /// When the help was recorded as started (RFC 3339); absent while it has not.
    started_at: Option<String>,
}

/// The victim's part in the safety plan, as recorded by the member who spoke with them.
#[derive(Serialize, ToSchema)]
pub struct VictimVoiceDto {
    victim: String,
    wishes: String,
    involvement: String,
    spoken_by: String,
    agency: String,
    /// `YYYY-MM-DD`.
    spoken_on: String,
}

/// A temporary domestic-violence exclusion order (NL huisverbod) with its clock.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"id": "18d0f2a4-9c1e-4a3b-9d7f-8e0a2b4c6d9f", "excluded": "5b0e7c1a-3f2d-4e8b-9a41-0c6f2d8e7b13", "victims": ["4b03c5d7-2f4b-4d6e-8a0c-1b3d5e7f9a2c"], "children": [], "not_visible": 0, "address": "Oudegracht 12, Utrecht", "decision_ref": "BM-2026-0412", "imposed_at": "2026-12-05T18:00:00Z", "total_days": 10, "ends_at": "2026-12-15T18:00:00Z", "advice_due_at": "2026-12-12T18:00:00Z", "help_due_at": "2026-12-08T18:00:00Z", "extension_advice": null, "status": "active", "help_tasks": [{"id": "d4f6b8c0-5e7a-4c9d-9f3b-4a6c8d0e2f5b", "for_person": "5b0e7c1a-3f2d-4e8b-9a41-0c6f2d8e7b13", "owner_agency": "b2d4f6a8-3c5e-4a7b-9d1f-2e4a6b8c0d3f", "description": "Start help for anger and alcohol", "started_at": null}], "victim_voices": []}))]
pub struct OrderDto {
    id: String,
    /// Person ids on the order, of those your agency may see (on whose team it is).
    excluded: Option<String>,
    victims: Vec<String>,
    children: Vec<String>,
    /// How many other people are on the order whom your agency may not see.
    not_visible: usize,
    address: String,
    decision_ref: String,
    /// RFC 3339 instants; the clock counts local calendar days from imposition.
    imposed_at: String,
    /// Current length in days (never above the pack's legal maximum).
    total_days: u16,
    ends_at: String,
    advice_due_at: String,
    /// Help for the people on the order must start by then.
    help_due_at: String,
    extension_advice: Option<String>,
    /// `in_force`, `lifted` or `expired`.
    status: &'static str,
    help_tasks: Vec<OrderHelpDto>,
    /// The victims' part in the safety plan, for the victims your agency may see.
    victim_voices: Vec<VictimVoiceDto>,
}

/// `visible` holds whom the member's agency may see: the others on an order are counted, not named.
fn order_dto(order: &ExclusionOrder, context: &ExclusionContext<'_>, visible: &dyn Fn(PersonId) -> bool) -> OrderDto {
    let shown = |people: &[PersonId]| people.iter().filter(|p| visible(**p)).map(ToString::to_string).collect();
    let everyone = std::iter::once(&order.excluded).chain(&order.victims).chain(&order.children);
    OrderDto {
        id: order.id.to_string(),
        excluded: visible(order.excluded).then(|| order.excluded.to_string()),
        victims: shown(&order.victims),
        children: shown(&order.children),
        not_visible: everyone.filter(|p| !visible(**p)).count(),
        address: order.address.clone(),
        decision_ref: order.decision_ref.clone(),
        imposed_at: order.imposed_at.to_string(),
        total_days: order.total_days,
        ends_at: order.ends_at(context).to_string(),
        advice_due_at: order.advice_due_at(context).to_string(),
        help_due_at: order.help_due_at(context).to_string(),
        extension_advice: order.extension_advice.clone(),
        status: match order.status {
            OrderStatus::InForce => "in_force",
            OrderStatus::Lifted { .. } => "lifted",
            OrderStatus::Expired => "expired",
        },
        victim_voices: order
            .victim_voices
            .iter()
            .filter(|v| visible(v.victim))
            .map(|v| VictimVoiceDto {
                victim: v.victim.to_string(),
                wishes: v.wishes.clone(),
                involvement: v.involvement.clone(),
                spoken_by: v.spoken_by.to_string(),
                agency: v.agency.to_string(),
                spoken_on: v.spoken_on.to_string(),
            })
            .collect(),
        help_tasks: order
            .help_tasks
            .iter()
            .map(|t| OrderHelpDto {
                id: t.id.to_string(),
                for_person: t.for_person.to_string(),
                owner_agency: t.owner.to_string(),
                description: t.description.clone(),
                started_at: t.started_at.map(|at| at.to_string()),
            })
            .collect(),
    }
}

/// An area ban for a set period (dates inclusive).
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"id": "18d0f2a4-9c1e-4a3b-9d7f-8e0a2b4c6d9f", "person": "5b0e7c1a-3f2d-4e8b-9a41-0c6f2d8e7b13", "area": "Stationsgebied Utrecht", "decision_ref": "GV-2026-118", "starts_on": "2026-12-07", "ends_on": "2027-03-07", "status": "active"}))]
pub struct BanDto {
    id: String,
    person: String,
    area: String,
    decision_ref: String,
    starts_on: String,
    ends_on: String,
    /// `in_force` or `lifted`.
    status: &'static str,
}

fn ban_dto(ban: &AreaBan) -> BanDto {
    BanDto {
        id: ban.id.to_string(),
        person: ban.person.to_string(),
        area: ban.area.clone(),
        decision_ref: ban.decision_ref.clone(),
        starts_on: ban.starts_on.to_string(),
        ends_on: ban.ends_on.to_string(),
        status: match ban.status {
            AreaBanStatus::InForce => "in_force",
            AreaBanStatus::Lifted { .. } => "lifted",
        },
    }
}

/// A short intensive case management episode ("hit and run").
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"id": "18d0f2a4-9c1e-4a3b-9d7f-8e0a2b4c6d9f", "person": "5b0e7c1a-3f2d-4e8b-9a41-0c6f2d8e7b13", "case_manager": "c3e5a7b9-4d6f-4b8c-8e2a-3f5b7c9d1e4a", "started_on": "2026-12-07", "weeks": 12, "contacts_per_week": 2, "contacts_logged": 3, "status": "open"}))]
pub struct EpisodeDto {
    id: String,
    person: String,
    case_manager: String,
    started_on: String,
    weeks: u8,
    contacts_per_week: u8,
    contacts_logged: usize,
    /// `open` or `closed`.
    status: &'static str,
}

fn episode_dto(episode: &Episode) -> EpisodeDto {
    EpisodeDto {
        id: episode.id.to_string(),
        person: episode.person.to_string(),
        case_manager: episode.case_manager.to_string(),
        started_on: episode.started_on.to_string(),
        weeks: episode.weeks,
        contacts_per_week: episode.contacts_per_week,
        contacts_logged: episode.contacts.len(),
        status: match episode.status {
            EpisodeStatus::Open => "open",
            EpisodeStatus::Closed { .. } => "closed",
        },
    }
}

/// The measures concerning a person: orders on which they are the excluded person, a victim or
/// a child; their area bans and episodes.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"person_id": "5b0e7c1a-3f2d-4e8b-9a41-0c6f2d8e7b13", "exclusion_orders": [], "area_bans": [{"id": "18d0f2a4-9c1e-4a3b-9d7f-8e0a2b4c6d9f", "person": "5b0e7c1a-3f2d-4e8b-9a41-0c6f2d8e7b13", "area": "Stationsgebied Utrecht", "decision_ref": "GV-2026-118", "starts_on": "2026-12-07", "ends_on": "2027-03-07", "status": "active"}], "episodes": []}))]
pub struct MeasuresDto {
    person_id: String,
    exclusion_orders: Vec<OrderDto>,
    area_bans: Vec<BanDto>,
    episodes: Vec<EpisodeDto>,
}

/// The person's measures (the read is audited).
#[utoipa::path(get, path = "/api/v1/people/{id}/measures", params(("id" = String, Path)),
    responses((status = 200, description = "The result", body = MeasuresDto), (status = 403, description = "Not allowed for this member; the refusal is audited (problem JSON)", body = Problem), (status = 404, description = "No such record, or one this member may not see (problem JSON)", body = Problem)))]
async fn read_measures(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
) -> ApiResult {
    let id = person_id(&id)?;
    let here = state.for_person(id).await?;
    let measures = here.measures();
    let file = measures.of_person(&me.actor, id, "api: measures").await.map_err(refused(&context))?;
    let exclusion_orders = match measures.exclusion_context() {
        Ok(rules) => {
            let visible = |p: PersonId| p == id || file.names.contains_key(&p);
            file.orders.iter().map(|o| order_dto(&o.value, &rules, &visible)).collect()
        }
        Err(_) => Vec::new(),
    };
    Ok(Json(MeasuresDto {
        person_id: id.to_string(),
        exclusion_orders,
        area_bans: file.bans.iter().map(|b| ban_dto(&b.value)).collect(),
        episodes: file.episodes.iter().map(|e| episode_dto(&e.value)).collect(),
    })
    .into_response())
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"victims": ["4b03c5d7-2f4b-4d6e-8a0c-1b3d5e7f9a2c"], "children": [], "address": "Oudegracht 12, Utrecht", "decision_ref": "BM-2026-0412", "imposed_at": "2026-12-05T18:00"}))]
pub struct NewOrder {
    /// Person ids of the victims (at least one) and the children, whom your agency must see.
    victims: Vec<String>,
    children: Vec<String>,
    address: String,
    decision_ref: String,
    /// Local date and time of imposition, `YYYY-MM-DDTHH:MM`; left out: now.
    imposed_at: String,
}

/// Imposes an exclusion order on the person; bad input is a 422 and changes nothing.
#[utoipa::path(post, path = "/api/v1/people/{id}/exclusion-orders", params(("id" = String, Path)),
    request_body = NewOrder,
    responses((status = 201, description = "Created; the body is the new record", body = OrderDto), (status = 403, description = "Not allowed for this member; the refusal is audited (problem JSON)", body = Problem), (status = 422, description = "The input is not valid; the problem names each field (problem JSON)", body = Problem)))]
async fn impose_order(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    parsed: Result<Json<NewOrder>, JsonRejection>,
) -> ApiResult {
    let id = person_id(&id)?;
    let Json(new) = parsed?;
    let input = OrderInput {
        victims: new.victims.join("\n"),
        children: new.children.join("\n"),
        address: new.address,
        decision_ref: new.decision_ref,
        imposed_at: new.imposed_at,
    };
    let here = state.for_person(id).await?;
    let measures = here.measures();
    let order = measures.impose_order(&me.actor, id, &input).await.map_err(refused(&context))?;
    let rules = measures.exclusion_context().map_err(refused(&context))?;
    // The one imposing it named every person on it, whom they must see.
    Ok((StatusCode::CREATED, Json(order_dto(&order, &rules, &|_| true))).into_response())
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"area": "Stationsgebied Utrecht", "decision_ref": "GV-2026-118", "starts_on": "2026-12-07", "ends_on": "2027-03-07"}))]
pub struct NewBan {
    area: String,
    decision_ref: String,
    /// `YYYY-MM-DD`, inclusive.
    starts_on: String,
    ends_on: String,
}

/// Imposes an area ban on the person; bad input is a 422 and changes nothing.
#[utoipa::path(post, path = "/api/v1/people/{id}/area-bans", params(("id" = String, Path)), request_body = NewBan,
    responses((status = 201, description = "Created; the body is the new record", body = BanDto), (status = 403, description = "Not allowed for this member; the refusal is audited (problem JSON)", body = Problem), (status = 422, description = "The input is not valid; the problem names each field (problem JSON)", body = Problem)))]
async fn impose_ban(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    parsed: Result<Json<NewBan>, JsonRejection>,
) -> ApiResult {
    let id = person_id(&id)?;
    let Json(new) = parsed?;
    let input =
        BanInput { area: new.area, decision_ref: new.decision_ref, starts_on: new.starts_on, ends_on: new.ends_on };
    let ban =
        state.for_person(id).await?.measures().impose_ban(&me.actor, id, &input).await.map_err(refused(&context))?;
    Ok((StatusCode::CREATED, Json(ban_dto(&ban))).into_response())
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"case_manager": "c3e5a7b9-4d6f-4b8c-8e2a-3f5b7c9d1e4a", "started_on": "2026-12-07", "weeks": "12", "contacts_per_week": "2"}))]
pub struct NewEpisode {
    /// Member id of the case manager, of an agency on the person's team.
    case_manager: String,
    /// `YYYY-MM-DD`; left out: today.
    started_on: String,
    /// The time box in weeks (at least one).
    weeks: String,
    contacts_per_week: String,
}

/// Starts a short intensive case management episode; bad input is a 422 and changes nothing.
#[utoipa::path(post, path = "/api/v1/people/{id}/episodes", params(("id" = String, Path)), request_body = NewEpisode,
    responses((status = 201, description = "Created; the body is the new record", body = EpisodeDto), (status = 403, description = "Not allowed for this member; the refusal is audited (problem JSON)", body = Problem), (status = 422, description = "The input is not valid; the problem names each field (problem JSON)", body = Problem)))]
async fn start_episode(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    parsed: Result<Json<NewEpisode>, JsonRejection>,
) -> ApiResult {
    let id = person_id(&id)?;
    let Json(new) = parsed?;
    let input = EpisodeInput {
        case_manager: new.case_manager,
        started_on: new.started_on,
        weeks: new.weeks,
        contacts_per_week: new.contacts_per_week,
    };
    let episode =
        state.for_person(id).await?.measures().start_episode(&me.actor, id, &input).await.map_err(refused(&context))?;
    Ok((StatusCode::CREATED, Json(episode_dto(&episode))).into_response())
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"person": "5b0e7c1a-3f2d-4e8b-9a41-0c6f2d8e7b13", "class": "core"}))]
pub struct NewGroupMember {
    /// Person id, of a person whose team your agency is on.
    person: String,
    /// `core`, `follower` or `at_risk`.
    class: String,
}

/// Adds a person to a group (group approach); bad input is a 422 and changes nothing.
#[utoipa::path(post, path = "/api/v1/groups/{group}/members", params(("group" = String, Path)),
    request_body = NewGroupMember,
    responses((status = 204, description = "Done"), (status = 403, description = "Not allowed for this member; the refusal is audited (problem JSON)", body = Problem), (status = 404, description = "No such record, or one this member may not see (problem JSON)", body = Problem),
        (status = 422, description = "The input is not valid; the problem names each field (problem JSON)", body = Problem)))]
async fn add_group_member(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(group): Path<String>,
    parsed: Result<Json<NewGroupMember>, JsonRejection>,
) -> ApiResult {
    let Json(new) = parsed?;
    let action = GroupAction::AddMember { person: new.person, class: new.class };
    state.measures().change_group(&me.actor, &group, &action).await.map_err(refused(&context))?;
    Ok(no_content())
}

/// A change to an exclusion order, named by `action`.
#[derive(Deserialize, ToSchema)]
#[serde(tag = "action", rename_all = "snake_case")]
#[schema(example = json!({"action": "advice", "advice": "Extend: the help has only just started"}))]
pub enum OrderChange {
    /// Extends the order by the mayor's decision to `to_total_days` days in all (never past the
    /// pack's legal maximum). Without the advice on extension recorded, `without_advice_reason`
    /// says why the mayor decides without it.
    Extend {
        to_total_days: String,
        decision_ref: String,
        #[serde(default)]
        without_advice_reason: String,
    },
    /// Records the advice on extension.
    Advice { advice: String },
    /// Adds help that must start within the order's days.
    AddHelp { for_person: String, owner: String, description: String },
    /// Records that a help task has started.
    HelpStarted { task: String },
    /// Lifts the order early.
    Lift { reason: String },
    /// Records the victim's part in the safety plan (their wishes, their involvement, when they
    /// were spoken with: `YYYY-MM-DD`, empty for today); the member who records it spoke with them.
    VictimVoice {
        victim: String,
        wishes: String,
        #[serde(default)]
        involvement: String,
        #[serde(default)]
        spoken_on: String,
    },
}

/// Changes an exclusion order (extend, advice, help, lift); bad input is a 422 and changes nothing.
#[utoipa::path(post, path = "/api/v1/people/{id}/exclusion-orders/{order}/changes",
    params(("id" = String, Path), ("order" = String, Path)), request_body = OrderChange,
    responses((status = 204, description = "Done"), (status = 403, description = "Not allowed for this member; the refusal is audited (problem JSON)", body = Problem), (status = 404, description = "No such record, or one this member may not see (problem JSON)", body = Problem),
        (status = 422, description = "The input is not valid; the problem names each field (problem JSON)", body = Problem)))]
async fn change_order(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path((id, order)): Path<(String, String)>,
    parsed: Result<Json<OrderChange>, JsonRejection>,
) -> ApiResult {
    let id = person_id(&id)?;
    let Json(change) = parsed?;
    let action = match change {
        OrderChange::Extend { to_total_days, decision_ref, without_advice_reason } => {
            OrderAction::Extend { order, to_total_days, decision_ref, without_advice_reason }
        }
        OrderChange::Advice { advice } => OrderAction::Advice { order, advice },
        OrderChange::AddHelp { for_person, owner, description } => {
            OrderAction::AddHelp { order, for_person, owner, description }
        }
        OrderChange::HelpStarted { task } => OrderAction::HelpStarted { order, task },
        OrderChange::Lift { reason } => OrderAction::Lift { order, reason },
        OrderChange::VictimVoice { victim, wishes, involvement, spoken_on } => {
            OrderAction::VictimVoice { order, victim, wishes, involvement, spoken_on }
        }
    };
    state.for_person(id).await?.measures().change_order(&me.actor, id, &action).await.map_err(refused(&context))?;
    Ok(no_content())
}

/// A change to an area ban, named by `action`.
#[derive(Deserialize, ToSchema)]
#[serde(tag = "action", rename_all = "snake_case")]
#[schema(example = json!({"action": "lift", "reason": "Judge lifted the ban on appeal"}))]
pub enum BanChange {
    /// Extends the ban to `ends_on` (`YYYY-MM-DD`, inclusive) by a new decision.
    Extend { ends_on: String, decision_ref: String },
    /// Lifts the ban early.
    Lift { reason: String },
}

/// Changes an area ban (extend, lift); bad input is a 422 and changes nothing.
#[utoipa::path(post, path = "/api/v1/people/{id}/area-bans/{ban}/changes",
    params(("id" = String, Path), ("ban" = String, Path)), request_body = BanChange,
    responses((status = 204, description = "Done"), (status = 403, description = "Not allowed for this member; the refusal is audited (problem JSON)", body = Problem), (status = 404, description = "No such record, or one this member may not see (problem JSON)", body = Problem),
        (status = 422, description = "The input is not valid; the problem names each field (problem JSON)", body = Problem)))]
async fn change_ban(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path((id, ban)): Path<(String, String)>,
    parsed: Result<Json<BanChange>, JsonRejection>,
) -> ApiResult {
    let id = person_id(&id)?;
    let Json(change) = parsed?;
    let action = match change {
        BanChange::Extend { ends_on, decision_ref } => BanAction::Extend { ban, ends_on, decision_ref },
        BanChange::Lift { reason } => BanAction::Lift { ban, reason },
    };
    state.for_person(id).await?.measures().change_ban(&me.actor, id, &action).await.map_err(refused(&context))?;
    Ok(no_content())
}

/// A change to an intensive case management episode, named by `action`.
#[derive(Deserialize, ToSchema)]
#[serde(tag = "action", rename_all = "snake_case")]
#[schema(example = json!({"action": "contact", "on": "2026-12-08", "kind": "face_to_face", "note": "Talked about the job interview"}))]
pub enum EpisodeChange {
    /// Logs a contact on `on` (`YYYY-MM-DD`); `kind` as in the pack (e.g. `face_to_face`).
    Contact { on: String, kind: String, note: String },
    /// Extends the time box by `extra_weeks`, with the reason.
    Extend { extra_weeks: String, reason: String },
    /// Closes the episode, with the reason.
    Close { reason: String },
}

/// Changes an episode (contact, extend, close); bad input is a 422 and changes nothing.
#[utoipa::path(post, path = "/api/v1/people/{id}/episodes/{episode}/changes",
    params(("id" = String, Path), ("episode" = String, Path)), request_body = EpisodeChange,
    responses((status = 204, description = "Done"), (status = 403, description = "Not allowed for this member; the refusal is audited (problem JSON)", body = Problem), (status = 404, description = "No such record, or one this member may not see (problem JSON)", body = Problem),
        (status = 422, description = "The input is not valid; the problem names each field (problem JSON)", body = Problem)))]
async fn change_episode(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path((id, episode)): Path<(String, String)>,
    parsed: Result<Json<EpisodeChange>, JsonRejection>,
) -> ApiResult {
    let id = person_id(&id)?;
    let Json(change) = parsed?;
    let action = match change {
        EpisodeChange::Contact { on, kind, note } => EpisodeAction::Contact { episode, on, kind, note },
        EpisodeChange::Extend { extra_weeks, reason } => EpisodeAction::Extend { episode, extra_weeks, reason },
        EpisodeChange::Close { reason } => EpisodeAction::Close { episode, reason },
    };
    state.for_person(id).await?.measures().change_episode(&me.actor, id, &action).await.map_err(refused(&context))?;
    Ok(no_content())
}

fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}
