//! The ZSM table's cases in the JSON API, for partner systems: the locations, intake from a
//! police system (the suspect named by desist's id or found by an identifier such as a BSN),
//! reading a case with its clocks and sections, and every change the case page makes — clock
//! extensions and orders, the lawyer, referral without a decision, the prosecutor's decision
//! and amendments, breaches and keeping a decision after one. Each handler calls the same
//! `Zsm` use case as the page, so authorisation, need-to-know, the audit of reads, writes and
//! refusals, and the pack's rules (refusals as 422 problem JSON naming the field) are the
//! page's. Changes take the case's `version` and answer 409 when the case changed meanwhile;
//! a success answers with the case as the caller may now see it.

use super::problem::{ApiResult, Problem, refused};
use super::zsm_case_dto::{CaseDto, LocationDto, Reader, case_dto, location_dto};
use crate::AppState;
use crate::auth::{Member, RequestContext, SignedIn};
use crate::error::WebError;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::ids::CaseId;
use domain::service::ServiceResult;
use domain::validation::{FieldError, invalid};
use domain::zsm::model::forms::{DecisionForm, IntakeForm, ObligationForm, OffenceForm, VictimForm};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/zsm/locations", get(locations))
        .route("/v1/zsm/cases", post(register))
        .route("/v1/zsm/cases/{id}", get(read_case))
        .route("/v1/zsm/cases/{id}/clocks/{clock}/extensions", post(extend_clock))
        .route("/v1/zsm/cases/{id}/clocks/{clock}/order", post(order_clock))
        .route("/v1/zsm/cases/{id}/lawyer", post(record_lawyer))
        .route("/v1/zsm/cases/{id}/refer", post(refer))
        .route("/v1/zsm/cases/{id}/decision", post(decide))
        .route("/v1/zsm/cases/{id}/amendments", post(amend))
        .route("/v1/zsm/cases/{id}/breaches", post(record_breach))
        .route("/v1/zsm/cases/{id}/maintain", post(maintain))
}

#[derive(OpenApi)]
#[openapi(
    paths(
        locations,
        register,
        read_case,
        extend_clock,
        order_clock,
        record_lawyer,
        refer,
        decide,
        amend,
        record_breach,
        maintain
    ),
    components(schemas(
        LocationDto,
        CaseDto,
        NewCase,
        OffenceInput,
        VictimInput,
        IdentifierInput,
        ExtensionInput,
        OrderInput,
        LawyerInput,
        ReferInput,
        DecisionInput,
        ObligationInput,
        AmendmentInput,
        BreachInput,
        MaintainInput
    ))
)]
pub struct ZsmCasesApiDoc;

fn case_id(raw: &str) -> Result<CaseId, WebError> {
    raw.parse().map_err(|_| WebError::NotFound)
}

/// The case version a change was made on; a change without one is refused naming `version`
/// (422), never applied to whatever the case has become.
fn required_version(version: Option<i64>) -> ServiceResult<i64> {
    version.ok_or_else(|| invalid(FieldError::new("version", "error.required")))
}

/// The case as `me` may see it now (its read audited like the page's).
async fn case_body(
    state: &AppState,
    me: &SignedIn,
    context: &RequestContext,
    id: CaseId,
    what: &str,
) -> Result<CaseDto, WebError> {
    let zsm = state.zsm();
    let file = zsm.open(&me.actor, id, what).await?;
    let names = zsm.names(&file).await?;
    let prior = if file.viewer.may_see_prior_record() { Some(zsm.prior_record(&me.actor, id).await?) } else { None };
    let lang = context.texts.lang.pack();
    Ok(case_dto(id, &file, Reader { actor: &me.actor, now: state.clock.now(), lang, names: &names, prior }))
}

/// The ZSM tables and custody suites, each with its pack and time zone (no personal data).
#[utoipa::path(get, path = "/api/v1/zsm/locations", operation_id = "list_zsm_locations",
    responses((status = 200, description = "The locations", body = [LocationDto]),
        (status = 401, description = "Not signed in (problem JSON)", body = Problem)))]
async fn locations(State(state): State<AppState>, Member(_, _): Member) -> ApiResult {
    let mut body = Vec::new();
    for location in state.zsm().locations().await? {
        let pack = location.pack().map_err(|e| WebError::internal(e.to_string()))?;
        body.push(location_dto(&location, pack));
    }
    Ok(Json(body).into_response())
}

#[derive(Deserialize, Serialize, ToSchema, Default)]
#[serde(default)]
pub struct OffenceInput {
    offence_type: String,
    /// `YYYY-MM-DD`.
    committed_on: String,
    place: String,
    description: String,
    /// Whether the offence allows pre-trial detention (it selects the pack's clocks).
    pretrial_detention_allowed: bool,
}

/// A victim: a registered person's id, or a description of an anonymous victim.
#[derive(Deserialize, Serialize, ToSchema, Default)]
#[serde(default)]
pub struct VictimInput {
    person_id: String,
    description: String,
}

/// An identifier the suspect holds, for a police system that does not know desist's ids.
#[derive(Deserialize, Serialize, ToSchema, Default)]
#[serde(default)]
pub struct IdentifierInput {
    /// `bsn`, `pnc`, `crn` or `local`.
    kind: String,
    value: String,
}

/// A case as a police system registers it. Times are RFC 3339 instants, or local times
/// (`YYYY-MM-DDTHH:MM`) in the location's time zone.
#[derive(Deserialize, Serialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"location": "zsm-utrecht", "suspect_identifier": {"kind": "bsn", "value": "111222333"}, "suspect_is_minor": false, "arrested_at": "2026-12-07T07:30:00Z", "arrived_at": "2026-12-07T07:45:00Z", "offences": [{"offence_type": "winkeldiefstal", "committed_on": "2026-12-07", "place": "Utrecht, Hoog Catharijne", "description": "Drie flessen sterke drank", "pretrial_detention_allowed": true}], "victims": [{"description": "Caissière"}], "police_report_summary": "Aangehouden door de winkeldetective", "prior_record_summary": "", "lawyer_id": ""}))]
pub struct NewCase {
    /// The location's code (`GET /api/v1/zsm/locations`).
    location: String,
    /// The suspect's id in desist; or leave it out and give `suspect_identifier`.
    suspect_id: String,
    suspect_identifier: Option<IdentifierInput>,
    suspect_is_minor: bool,
    arrested_at: String,
    arrived_at: String,
    offences: Vec<OffenceInput>,
    victims: Vec<VictimInput>,
    police_report_summary: String,
    prior_record_summary: String,
    /// The suspect's lawyer (a member id), when known at intake.
    lawyer_id: String,
}

/// Registers a case at a ZSM table (police officers of a police agency): the police, the
/// table's partners and the lawyer's office join the suspect's team on their statutory task,
/// and the pack's first clocks start. 201 with the case and its `Location`.
#[utoipa::path(post, path = "/api/v1/zsm/cases", operation_id = "register_zsm_case", request_body = NewCase,
    responses((status = 201, description = "Registered; the body is the case", body = CaseDto),
        (status = 403, description = "Only the police register cases (problem JSON)", body = Problem),
        (status = 422, description = "The intake is not valid (an unknown location, person or identifier, an arrival before the arrest, …); the problem names each field (problem JSON)", body = Problem)))]
async fn register(
    State(state): State<AppState>,
    Member(me, context): Member,
    parsed: Result<Json<NewCase>, JsonRejection>,
) -> ApiResult {
    let Json(new) = parsed?;
    let form = IntakeForm {
        suspect_id: new.suspect_id,
        suspect_is_minor: new.suspect_is_minor,
        location: new.location,
        arrested_at: new.arrested_at,
        arrived_at: new.arrived_at,
        offences: new
            .offences
            .into_iter()
            .map(|o| OffenceForm {
                offence_type: o.offence_type,
                committed_on: o.committed_on,
                place: o.place,
                description: o.description,
                pretrial_detention: if o.pretrial_detention_allowed { "yes" } else { "no" }.into(),
            })
            .collect(),
        victims: new
            .victims
            .into_iter()
            .map(|v| VictimForm { person_id: v.person_id, description: v.description })
            .collect(),
        police_report_summary: new.police_report_summary,
        prior_record_summary: new.prior_record_summary,
        lawyer_id: new.lawyer_id,
    };
    let zsm = state.zsm();
    let registered = match new.suspect_identifier.filter(|_| form.suspect_id.trim().is_empty()) {
        Some(identifier) => zsm.register_by_identifier(&me.actor, &form, &identifier.kind, &identifier.value).await,
        None => zsm.register(&me.actor, &form).await,
    };
    let id = registered.map_err(refused(&context))?;
    let body = case_body(&state, &me, &context, id, "api: ZSM case registered").await?;
    let location = format!("/api/v1/zsm/cases/{id}");
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(body)).into_response())
}

/// A case as you may see it: facts, offences, victims (not to the defence), the clocks with
/// time left and what you may extend or order, each partner's section with its own version
/// (content where you may see it), the decision, amendments, breaches, referral, the prior
/// record on need-to-know, and what you may do now. The read is audited.
#[utoipa::path(get, path = "/api/v1/zsm/cases/{id}", operation_id = "read_zsm_case", params(("id" = String, Path)),
    responses((status = 200, description = "The case", body = CaseDto),
        (status = 403, description = "Not at this case's table; the refusal is audited (problem JSON)", body = Problem),
        (status = 404, description = "No such case (problem JSON)", body = Problem)))]
async fn read_case(State(state): State<AppState>, Member(me, context): Member, Path(id): Path<String>) -> ApiResult {
    let id = case_id(&id)?;
    Ok(Json(case_body(&state, &me, &context, id, "api: ZSM case").await?).into_response())
}

#[derive(Deserialize, Serialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"extension": "verlenging_ophouden", "hours": null, "basis": "Identiteit nog niet vastgesteld", "version": 3}))]
pub struct ExtensionInput {
    /// The pack's extension code (the case's clock lists those you may grant).
    extension: String,
    /// Hours to add, where the rule lets the grantor choose; left out: the rule's length.
    hours: Option<u32>,
    /// The grounds, recorded with the grant.
    basis: String,
    version: Option<i64>,
}

/// A change of case `id` made on the `version` the caller read: refused as problem JSON (a
/// change without a version too, naming `version`), else answered with the case as the caller
/// may see it now, its read audited as `what`.
async fn change_case<T>(
    state: &AppState,
    me: &SignedIn,
    context: &RequestContext,
    (id, version): (CaseId, Option<i64>),
    what: &str,
    change: impl AsyncFnOnce(i64) -> ServiceResult<T>,
) -> ApiResult {
    let version = required_version(version).map_err(refused(context))?;
    change(version).await.map_err(refused(context))?;
    Ok(Json(case_body(state, me, context, id, what).await?).into_response())
}

/// Grants an extension of a running clock, in the legal office the pack requires (a
/// prosecutor; a hulpofficier; a custody officer recording a superintendent's or a court's
/// grant). The pack's limits refuse it as on the page.
#[utoipa::path(post, path = "/api/v1/zsm/cases/{id}/clocks/{clock}/extensions", operation_id = "extend_zsm_clock",
    params(("id" = String, Path), ("clock" = String, Path, description = "The clock's code")), request_body = ExtensionInput,
    responses((status = 200, description = "Granted; the body is the case", body = CaseDto),
        (status = 403, description = "You hold no office that may grant it; audited (problem JSON)", body = Problem),
        (status = 404, description = "No such case (problem JSON)", body = Problem),
        (status = 409, description = "The case changed since `version` (problem JSON)", body = Problem),
        (status = 422, description = "The pack's rule refused it (a limit, an office that may not grant it, an expired clock, …); the problem names the field (problem JSON)", body = Problem)))]
async fn extend_clock(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path((id, clock)): Path<(String, String)>,
    parsed: Result<Json<ExtensionInput>, JsonRejection>,
) -> ApiResult {
    let id = case_id(&id)?;
    let Json(input) = parsed?;
    let zsm = state.zsm();
    change_case(&state, &me, &context, (id, input.version), "api: ZSM clock extended", async |version| {
        zsm.extend_clock(&me.actor, id, &clock, &input.extension, input.hours, &input.basis, version).await
    })
    .await
}

#[derive(Deserialize, Serialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"ordered_at": "2026-12-07T15:30:00Z", "basis": "Verdenking winkeldiefstal, onderzoek vordert", "version": 3}))]
pub struct OrderInput {
    /// When the order was given: an RFC 3339 instant or a local time in the location's zone.
    ordered_at: String,
    /// The grounds.
    basis: String,
    version: Option<i64>,
}

/// Orders a clock that runs from an order (custody, art. 57 Sv), by a prosecutor or
/// hulpofficier as the pack allows; the clock it supersedes stops at the order. An order given
/// after that clock ran out is refused: the suspect had to be released.
#[utoipa::path(post, path = "/api/v1/zsm/cases/{id}/clocks/{clock}/order", operation_id = "order_zsm_clock",
    params(("id" = String, Path), ("clock" = String, Path, description = "The clock's code, e.g. `inverzekeringstelling`")), request_body = OrderInput,
    responses((status = 200, description = "Ordered; the body is the case", body = CaseDto),
        (status = 403, description = "You hold no office that may order it; audited (problem JSON)", body = Problem),
        (status = 404, description = "No such case (problem JSON)", body = Problem),
        (status = 409, description = "The case changed since `version` (problem JSON)", body = Problem),
        (status = 422, description = "Refused by the pack's rule (after the hold ended, before the arrest, grounds missing, …); the problem names the field (problem JSON)", body = Problem)))]
async fn order_clock(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path((id, clock)): Path<(String, String)>,
    parsed: Result<Json<OrderInput>, JsonRejection>,
) -> ApiResult {
    let id = case_id(&id)?;
    let Json(input) = parsed?;
    let zsm = state.zsm();
    change_case(&state, &me, &context, (id, input.version), "api: ZSM clock ordered", async |version| {
        zsm.order_clock(&me.actor, id, &clock, &input.ordered_at, &input.basis, version).await
    })
    .await
}

#[derive(Deserialize, Serialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"lawyer_id": "0193a1b2-0000-7000-8000-00000000000a", "version": 3}))]
pub struct LawyerInput {
    /// A defence lawyer's member id, whose office works under the location's jurisdiction.
    lawyer_id: String,
    version: Option<i64>,
}

/// Records the suspect's lawyer (police or prosecution); the lawyer's office joins the team,
/// and the lawyer may then read the case and write the consultation (art. 257c Sv) in the
/// `defence_lawyer` section.
#[utoipa::path(post, path = "/api/v1/zsm/cases/{id}/lawyer", operation_id = "record_zsm_lawyer",
    params(("id" = String, Path)), request_body = LawyerInput,
    responses((status = 200, description = "Recorded; the body is the case", body = CaseDto),
        (status = 403, description = "Only the police and the prosecution record the lawyer (problem JSON)", body = Problem),
        (status = 404, description = "No such case (problem JSON)", body = Problem),
        (status = 409, description = "The case changed since `version` (problem JSON)", body = Problem),
        (status = 422, description = "Not a defence lawyer of this jurisdiction (problem JSON)", body = Problem)))]
async fn record_lawyer(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    parsed: Result<Json<LawyerInput>, JsonRejection>,
) -> ApiResult {
    let id = case_id(&id)?;
    let Json(input) = parsed?;
    let zsm = state.zsm();
    change_case(&state, &me, &context, (id, input.version), "api: ZSM lawyer recorded", async |version| {
        let Ok(lawyer) = input.lawyer_id.trim().parse() else {
            return Err(invalid(FieldError::new("lawyer_id", "zsm.error.not_a_lawyer")));
        };
        zsm.record_lawyer(&me.actor, id, lawyer, version).await
    })
    .await
}

#[derive(Deserialize, Serialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"destination": "regular_procedure", "reason": "Meer onderzoek nodig", "version": 4}))]
pub struct ReferInput {
    /// `regular_procedure`, `examining_judge` or `juvenile_procedure`.
    destination: String,
    reason: String,
    version: Option<i64>,
}

/// The prosecutor hands the case on without a decision at the table; the legal clocks keep
/// running under the procedure it went to.
#[utoipa::path(post, path = "/api/v1/zsm/cases/{id}/refer", operation_id = "refer_zsm_case",
    params(("id" = String, Path)), request_body = ReferInput,
    responses((status = 200, description = "Referred; the body is the case", body = CaseDto),
        (status = 403, description = "Only the prosecutor refers; audited (problem JSON)", body = Problem),
        (status = 404, description = "No such case (problem JSON)", body = Problem),
        (status = 409, description = "The case changed since `version` (problem JSON)", body = Problem),
        (status = 422, description = "An unknown destination, a reason missing, or a case that cannot be referred now (problem JSON)", body = Problem)))]
async fn refer(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    parsed: Result<Json<ReferInput>, JsonRejection>,
) -> ApiResult {
    let id = case_id(&id)?;
    let Json(input) = parsed?;
    let zsm = state.zsm();
    change_case(&state, &me, &context, (id, input.version), "api: ZSM case referred", async |version| {
        zsm.refer(&me.actor, id, &input.destination, &input.reason, version).await
    })
    .await
}

#[derive(Deserialize, Serialize, ToSchema, Default)]
#[serde(default)]
pub struct ObligationInput {
    /// The pack's obligation kind code.
    kind: String,
    /// `YYYY-MM-DD`.
    starts_on: String,
    ends_on: String,
    details: String,
}

/// The prosecutor's decision: a disposal of the location's pack with its parameters (by the
/// pack's parameter code, values as text: `"40"`, `"250.00"`, `"yes"`, a date, an option code).
#[derive(Deserialize, Serialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"disposal": "penalty_order", "parameters": {"community_service_hours": "40"}, "obligations": [], "reasoning": "Taakstraf passend", "override_reason": "", "version": 5}))]
pub struct DecisionInput {
    disposal: String,
    parameters: BTreeMap<String, String>,
    obligations: Vec<ObligationInput>,
    reasoning: String,
    /// Why the decision cannot wait for a contribution the disposal requires (where the law lets a reason replace it).
    override_reason: String,
    version: Option<i64>,
}

impl DecisionInput {
    fn into_form(self) -> (DecisionForm, Option<i64>) {
        let form = DecisionForm {
            disposal: self.disposal,
            parameters: self.parameters,
            obligations: self
                .obligations
                .into_iter()
                .map(|o| ObligationForm {
                    kind: o.kind,
                    starts_on: o.starts_on,
                    ends_on: o.ends_on,
                    details: o.details,
                })
                .collect(),
            reasoning: self.reasoning,
            override_reason: self.override_reason,
        };
        (form, self.version)
    }
}

/// The prosecutor decides: the disposal's limits, its required contributions (e.g. the
/// lawyer's consultation with the consequences explained, art. 257c Sv) and its obligations
/// are checked as on the page; the running clocks stop. The decision record follows at
/// `GET /api/v1/zsm/cases/{id}/record`.
#[utoipa::path(post, path = "/api/v1/zsm/cases/{id}/decision", operation_id = "decide_zsm_case",
    params(("id" = String, Path)), request_body = DecisionInput,
    responses((status = 200, description = "Decided; the body is the case", body = CaseDto),
        (status = 403, description = "Only the prosecutor decides; audited (problem JSON)", body = Problem),
        (status = 404, description = "No such case (problem JSON)", body = Problem),
        (status = 409, description = "The case changed since `version` (problem JSON)", body = Problem),
        (status = 422, description = "Refused by the pack's rules (a parameter, a required contribution, an obligation); the problem names each field (problem JSON)", body = Problem)))]
async fn decide(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    parsed: Result<Json<DecisionInput>, JsonRejection>,
) -> ApiResult {
    let id = case_id(&id)?;
    let Json(input) = parsed?;
    let (form, version) = input.into_form();
    let zsm = state.zsm();
    change_case(&state, &me, &context, (id, version), "api: ZSM case decided", async |version| {
        zsm.decide(&me.actor, id, &form, version).await
    })
    .await
}

/// An amendment: the new decision, and why the one in force is replaced.
#[derive(Deserialize, Serialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"decision": {"disposal": "penalty_order", "parameters": {"community_service_hours": "30"}, "obligations": [], "reasoning": "Taakstraf aangepast", "override_reason": ""}, "reason": "Rekenfout in het aantal uren", "version": 6}))]
pub struct AmendmentInput {
    decision: DecisionInput,
    reason: String,
    version: Option<i64>,
}

/// The prosecutor replaces the decision in force; the old one stays on record with the reason.
#[utoipa::path(post, path = "/api/v1/zsm/cases/{id}/amendments", operation_id = "amend_zsm_decision",
    params(("id" = String, Path)), request_body = AmendmentInput,
    responses((status = 200, description = "Amended; the body is the case", body = CaseDto),
        (status = 403, description = "Only the prosecutor amends; audited (problem JSON)", body = Problem),
        (status = 404, description = "No such case (problem JSON)", body = Problem),
        (status = 409, description = "The case changed since `version` (problem JSON)", body = Problem),
        (status = 422, description = "No decision to amend, a reason missing, or the new decision refused by the pack's rules (problem JSON)", body = Problem)))]
async fn amend(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    parsed: Result<Json<AmendmentInput>, JsonRejection>,
) -> ApiResult {
    let id = case_id(&id)?;
    let Json(input) = parsed?;
    let version = input.version.or(input.decision.version);
    let (form, _) = input.decision.into_form();
    let zsm = state.zsm();
    change_case(&state, &me, &context, (id, version), "api: ZSM decision amended", async |version| {
        zsm.amend(&me.actor, id, &form, &input.reason, version).await
    })
    .await
}

#[derive(Deserialize, Serialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"obligation": "0193a1b2-0000-7000-8000-0000000000b1", "observed_on": "2026-12-20", "description": "Niet verschenen bij de reclassering", "version": 7}))]
pub struct BreachInput {
    /// The obligation's id (the case's decision lists them).
    obligation: String,
    /// `YYYY-MM-DD`.
    observed_on: String,
    description: String,
    version: Option<i64>,
}

/// A breach of an obligation, recorded by the agency that monitors it (or a prosecutor); the
/// case returns to the prosecutor, who keeps the decision (`…/maintain`) or amends it.
#[utoipa::path(post, path = "/api/v1/zsm/cases/{id}/breaches", operation_id = "record_zsm_breach",
    params(("id" = String, Path)), request_body = BreachInput,
    responses((status = 200, description = "Recorded; the body is the case", body = CaseDto),
        (status = 403, description = "Your agency does not monitor this obligation; audited (problem JSON)", body = Problem),
        (status = 404, description = "No such case (problem JSON)", body = Problem),
        (status = 409, description = "The case changed since `version` (problem JSON)", body = Problem),
        (status = 422, description = "An unknown obligation, a date that does not read, or a case that takes no breach now (problem JSON)", body = Problem)))]
async fn record_breach(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    parsed: Result<Json<BreachInput>, JsonRejection>,
) -> ApiResult {
    let id = case_id(&id)?;
    let Json(input) = parsed?;
    let zsm = state.zsm();
    change_case(&state, &me, &context, (id, input.version), "api: ZSM breach recorded", async |version| {
        let Ok(obligation) = input.obligation.trim().parse() else {
            return Err(invalid(FieldError::new("obligation", "zsm.error.unknown_choice")));
        };
        zsm.record_breach(&me.actor, id, obligation, &input.observed_on, &input.description, version).await
    })
    .await
}

#[derive(Deserialize, Serialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"reason": "Eenmalig verzuim, alsnog verschenen", "version": 8}))]
pub struct MaintainInput {
    reason: String,
    version: Option<i64>,
}

/// After a breach the prosecutor keeps the decision, for a recorded reason.
#[utoipa::path(post, path = "/api/v1/zsm/cases/{id}/maintain", operation_id = "maintain_zsm_decision",
    params(("id" = String, Path)), request_body = MaintainInput,
    responses((status = 200, description = "Kept; the body is the case", body = CaseDto),
        (status = 403, description = "Only the prosecutor; audited (problem JSON)", body = Problem),
        (status = 404, description = "No such case (problem JSON)", body = Problem),
        (status = 409, description = "The case changed since `version` (problem JSON)", body = Problem),
        (status = 422, description = "A reason missing, or no breach to answer (problem JSON)", body = Problem)))]
async fn maintain(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    parsed: Result<Json<MaintainInput>, JsonRejection>,
) -> ApiResult {
    let id = case_id(&id)?;
    let Json(input) = parsed?;
    let zsm = state.zsm();
    change_case(&state, &me, &context, (id, input.version), "api: ZSM decision maintained", async |version| {
        zsm.maintain_decision(&me.actor, id, &input.reason, version).await
    })
    .await
}
