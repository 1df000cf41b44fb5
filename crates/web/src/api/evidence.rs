//! What works in the JSON API: proven reoffending per group of desist's own work, each with
//! its matched comparison where one was possible — aggregates only, after disclosure control.

use super::problem::{ApiResult, Problem};
use crate::AppState;
use crate::auth::Member;
use crate::evidence::whatworks::{answer, as_of, parse_by, reach_zone};
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use evidence::whatworks::{BalanceRow, Comparison, GroupResult, Method};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new().route("/v1/evidence/what-works", get(what_works)).route("/v1/evidence/links", get(links))
}

#[derive(OpenApi)]
#[openapi(
    paths(what_works, links),
    components(schemas(WhatWorksDto, GroupDto, ComparisonDto, BalanceDto, MethodDto, LinksDto))
)]
pub struct EvidenceApiDoc;

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct WhatWorksQuery {
    /// `intervention`, `disposal` (the default), `plan`, `location`, `mentor`, `fund`, `measure` or `cohort`.
    by: String,
    /// The date to measure as of (YYYY-MM-DD); by default the extract's "data up to" date.
    /// Figures are published as of month ends: a day inside a month answers as of the end of
    /// the month before.
    as_of: String,
}

#[derive(Serialize, ToSchema)]
pub struct BalanceDto {
    covariate: String,
    /// Standardised mean difference before matching.
    before: f64,
    /// Standardised mean difference after matching (under 0.1 is good balance).
    after: f64,
}

#[derive(Serialize, ToSchema)]
pub struct ComparisonDto {
    /// Matched pairs (treated, comparison).
    pairs: u64,
    /// The matched comparison group's reoffending rate.
    rate: f64,
    /// The group's rate minus the comparison's (negative: fewer reoffended).
    difference: f64,
    /// 95% interval of the difference.
    ci95: [f64; 2],
    balance: Vec<BalanceDto>,
}

#[derive(Serialize, ToSchema)]
pub struct GroupDto {
    group: String,
    /// Index events followed up in full; null when withheld (too few, or complementary).
    people: Option<u64>,
    reoffenders: Option<u64>,
    rate: Option<f64>,
    /// Wilson 95% interval of the rate.
    ci95: Option<[f64; 2]>,
    /// Present where a matched comparison of at least the minimum cell size was possible.
    #[serde(skip_serializing_if = "Option::is_none")]
    comparison: Option<ComparisonDto>,
    /// The month end these figures are as of: the method's `as_of`, or an earlier one when
    /// fewer than the minimum cell have completed their follow-up since (held back, so that
    /// two dates never differ by a few people).
    as_of: String,
}

/// How the figures were made.
#[derive(Serialize, ToSchema)]
pub struct MethodDto {
    measure: String,
    as_of: String,
    follow_up_months: i32,
    waiting_months: i32,
    proven_outcomes: Vec<String>,
    interval: String,
    matching: String,
    caliper_sd: f64,
    seed: u64,
    covariates: Vec<String>,
    /// Cells under this are withheld.
    min_cell: u64,
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({
    "by": "intervention",
    "method": {"measure": "proven_reoffending", "as_of": "2026-11-30", "follow_up_months": 12, "waiting_months": 6,
        "proven_outcomes": ["conviction", "penalty_order"], "interval": "wilson", "matching": "nearest_neighbour_propensity",
        "caliper_sd": 0.2, "seed": 42, "covariates": ["age", "sex", "prior_offences"], "min_cell": 10},
    "groups": [{"group": "Alcoholbehandeling (Jellinek)", "people": 84, "reoffenders": 25, "rate": 0.298, "ci95": [0.21, 0.40],
        "comparison": {"pairs": 80, "rate": 0.39, "difference": -0.09, "ci95": [-0.24, 0.06],
            "balance": [{"covariate": "age", "before": 0.31, "after": 0.04}]}, "as_of": "2026-11-30"}],
    "unlinked": 3
}))]
pub struct WhatWorksDto {
    by: String,
    method: MethodDto,
    groups: Vec<GroupDto>,
    /// Pieces of work left out because their person links to no one, or to several persons,
    /// in the offence record.
    unlinked: u64,
}

fn comparison(c: Comparison) -> ComparisonDto {
    ComparisonDto {
        pairs: c.pairs,
        rate: c.rate,
        difference: c.difference,
        ci95: c.ci95,
        balance: c
            .balance
            .into_iter()
            .map(|BalanceRow { covariate, before, after }| BalanceDto { covariate, before, after })
            .collect(),
    }
}

fn method(m: Method) -> MethodDto {
    let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect();
    MethodDto {
        measure: m.measure.into(),
        as_of: m.as_of,
        follow_up_months: m.follow_up_months,
        waiting_months: m.waiting_months,
        proven_outcomes: strings(&m.proven_outcomes),
        interval: m.interval.into(),
        matching: m.matching.into(),
        caliper_sd: m.caliper_sd,
        seed: m.seed,
        covariates: strings(&m.covariates),
        min_cell: m.min_cell,
    }
}

/// Proven reoffending per group of desist's own work (ZSM disposals and locations, Safety
/// House plans, interventions, mentor programmes, fund streams, measures, cohorts), each
/// against a matched comparison group. Analysts see every group; a Safety House's process
/// manager the persons of their own Safety House's plans; a commissioner the persons referred
/// to the providers their agency contracts; a ZSM location lead the persons whose cases their
/// locations decided. Refusals are audited.
#[utoipa::path(get, path = "/api/v1/evidence/what-works", operation_id = "what_works",
    params(WhatWorksQuery),
    responses(
        (status = 200, description = "Reoffending per group, with matched comparisons", body = WhatWorksDto),
        (status = 400, description = "Unknown grouping or bad date (problem JSON)", body = Problem),
        (status = 401, description = "Not signed in (problem JSON)", body = Problem),
        (status = 403, description = "The member may see no aggregates (problem JSON)", body = Problem)))]
async fn what_works(
    State(state): State<AppState>,
    Member(me, _): Member,
    Query(query): Query<WhatWorksQuery>,
) -> ApiResult {
    let reach = crate::evidence::reach::reach_audited(&state, &me, "what works").await?;
    let by = parse_by(&query.by)?;
    let zone = reach_zone(&state, &me, &reach).await?;
    let as_of = as_of(&state, &query.as_of, &zone.zone).await?;
    let answer = answer(&state, reach, by, as_of, None, &zone.zone).await?;
    let groups = answer
        .groups
        .into_iter()
        .map(|GroupResult { group, people, reoffenders, rate, ci95, comparison: c, as_of, .. }| GroupDto {
            group,
            people,
            reoffenders,
            rate,
            ci95,
            comparison: c.map(comparison),
            as_of: evidence::date::format_day(as_of),
        })
        .collect();
    Ok(Json(WhatWorksDto { by: by.code().into(), method: method(answer.method), groups, unlinked: answer.unlinked })
        .into_response())
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"matched": 812, "unmatched": 203, "ambiguous": ["0190f3a2-7c1d-7e4b-9a5f-2b8c4d6e8f10"]}))]
pub struct LinksDto {
    /// Persons linked to exactly one person of the offence record by an identifier.
    matched: u64,
    /// Persons with no identifier in the offence record.
    unmatched: u64,
    /// Persons whose identifiers name several persons of the record, or who share one with
    /// another person: left out of every figure until an administrator corrects the identifiers.
    ambiguous: Vec<String>,
}

/// How the persons of desist link to the offence record by their identifiers (BSN, PNC,
/// CRN, …): matched, unmatched and ambiguous — the match report for administrators.
#[utoipa::path(get, path = "/api/v1/evidence/links", operation_id = "evidence_links",
    responses(
        (status = 200, description = "The match report", body = LinksDto),
        (status = 401, description = "Not signed in (problem JSON)", body = Problem),
        (status = 403, description = "Not an administrator (problem JSON)", body = Problem)))]
async fn links(State(state): State<AppState>, Member(me, _): Member) -> ApiResult {
    let reports = domain::cohort::service::LinkReports { store: &state.store, clock: state.clock.as_ref() };
    let report = reports.overview(&me.actor).await?;
    Ok(Json(LinksDto {
        matched: report.matched,
        unmatched: report.unmatched.len() as u64,
        ambiguous: report.ambiguous.iter().map(|p| p.to_string()).collect(),
    })
    .into_response())
}
