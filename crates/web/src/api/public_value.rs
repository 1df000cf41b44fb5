//! The public value report in the JSON API (and as CSV with `format=csv`): the same figures
//! as the page, after the same disclosure control, for the scopes the member may open.

use super::problem::{ApiResult, Problem};
use crate::AppState;
use crate::auth::Member;
use crate::error::WebError;
use crate::evidence::public_value::{
    DECISION_BANDS, HELP_BANDS, audit_opened, authorised_scope, period, public_value, scope_zone,
};
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use evidence::date::format_day;
use evidence::public_value::Figures;
use evidence::table::{Cell, DEFAULT_MIN_CELL};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new().route("/v1/evidence/public-value", get(report))
}

#[derive(OpenApi)]
#[openapi(paths(report), components(schemas(PublicValueDto, FigureDto, BandDto, ReoffendingDto)))]
pub struct PublicValueApiDoc;

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct PublicValueQuery {
    /// `all` (the whole deployment), `safety-house:<agency id>`, `location:<code>` or
    /// `contracts:<agency id>` (a commissioner's contracted providers); by
    /// default the first scope the member may open.
    scope: String,
    /// First day of the period (YYYY-MM-DD); by default the first of the month a year before
    /// this one. The report covers the whole calendar months inside the period asked, so two
    /// reports never differ by a day.
    from: String,
    /// Last day of the period (YYYY-MM-DD); by default the last day of last month.
    to: String,
    /// `json` (the default) or `csv`.
    format: String,
}

#[derive(Serialize, ToSchema)]
pub struct FigureDto {
    /// e.g. `zsm_cases_decided`, `arrest_to_decision_hours_median`, `screened_beyond_the_case`.
    measure: String,
    /// The figure (a count, hours, days, a share 0–1, or cents); null when withheld or not
    /// computable.
    value: Option<f64>,
    /// For shares: the count that is the share; for fund spend: the people it was spent on.
    numerator: Option<u64>,
    denominator: Option<u64>,
    /// Withheld by disclosure control (too few, or its complement too few).
    withheld: bool,
}

#[derive(Serialize, ToSchema)]
pub struct BandDto {
    band: String,
    /// Cases in the band; null when withheld.
    cases: Option<u64>,
}

#[derive(Serialize, ToSchema)]
#[schema(as = PublicValueReoffendingDto)]
pub struct ReoffendingDto {
    /// The what-works grouping (`plan`, `intervention`, `location`, `disposal`).
    by: String,
    group: String,
    people: Option<u64>,
    reoffenders: Option<u64>,
    rate: Option<f64>,
    ci95: Option<[f64; 2]>,
    /// The matched comparison group's rate, the difference and its interval, where possible.
    comparison_rate: Option<f64>,
    difference: Option<f64>,
    difference_ci95: Option<[f64; 2]>,
    pairs: Option<u64>,
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({
    "scope": "location:zsm-utrecht", "from": "2025-12-01", "to": "2026-11-30", "as_of": "2026-11-30", "min_cell": 10,
    "figures": [{"measure": "zsm_cases_decided", "value": 212.0, "numerator": null, "denominator": null, "withheld": false},
        {"measure": "screened_beyond_the_case", "value": 0.31, "numerator": 66, "denominator": 212, "withheld": false}],
    "arrest_to_decision": [{"band": "under_6h", "cases": 71}, {"band": "6h_to_9h", "cases": null}],
    "arrest_to_help": [{"band": "within_a_week", "cases": 24}],
    "reoffending": [{"by": "disposal", "group": "penalty_order", "people": 84, "reoffenders": 31, "rate": 0.369,
        "ci95": [0.27, 0.47], "comparison_rate": 0.42, "difference": -0.05, "difference_ci95": [-0.19, 0.09], "pairs": 80}]
}))]
pub struct PublicValueDto {
    scope: String,
    from: String,
    to: String,
    /// The date reoffending is measured as of (the extract's "data up to").
    as_of: String,
    /// Cells under this are withheld.
    min_cell: u64,
    figures: Vec<FigureDto>,
    arrest_to_decision: Vec<BandDto>,
    arrest_to_help: Vec<BandDto>,
    reoffending: Vec<ReoffendingDto>,
}

fn figure(row: &[Cell]) -> FigureDto {
    let number = |c: &Cell| match c {
        Cell::Count(n) => Some(*n as f64),
        Cell::Integer(n) => Some(*n as f64),
        Cell::Rate { value, .. } | Cell::Number(value) => Some(*value),
        _ => None,
    };
    let count = |c: &Cell| match c {
        Cell::Count(n) => Some(*n),
        _ => None,
    };
    FigureDto {
        measure: row[0].text(),
        value: number(&row[1]),
        numerator: count(&row[2]),
        denominator: count(&row[3]),
        withheld: row[1] == Cell::Suppressed,
    }
}

fn bands(bands: &evidence::public_value::Bands, codes: &[&str]) -> Vec<BandDto> {
    let labels: Vec<String> = codes.iter().map(|c| c.to_string()).collect();
    Figures::bands_table(bands, &labels, DEFAULT_MIN_CELL)
        .rows
        .iter()
        .map(|r| BandDto {
            band: r[0].text(),
            cases: match r[1] {
                Cell::Count(n) => Some(n),
                _ => None,
            },
        })
        .collect()
}

/// The public value report of one partnership (a Safety House, a ZSM location or the whole
/// deployment) over a period: cases handled, time from arrest to the decision and to the start
/// of help, the share screened beyond the case, plans, tasks and re-evaluations on time,
/// interventions delivered against unmet need, fund spend per goal reached, and the
/// reoffending of each group against its matched comparison. Analysts may open every scope; a
/// process manager their own Safety House and the ZSM locations their agency sits at; a
/// municipality officer the Safety Houses their municipality is a partner of; a commissioner
/// their agency's contracts and those Safety Houses; a ZSM location lead the locations their
/// agency sits at.
#[utoipa::path(get, path = "/api/v1/evidence/public-value", operation_id = "public_value_report",
    params(PublicValueQuery),
    responses(
        (status = 200, description = "The report (JSON, or CSV with `format=csv`)", body = PublicValueDto),
        (status = 400, description = "Unknown scope or format, or a bad period (problem JSON)", body = Problem),
        (status = 401, description = "Not signed in (problem JSON)", body = Problem),
        (status = 403, description = "The member may not open this scope (problem JSON; the refusal is audited)", body = Problem)))]
async fn report(
    State(state): State<AppState>,
    Member(me, _): Member,
    Query(query): Query<PublicValueQuery>,
) -> ApiResult {
    let csv = match query.format.as_str() {
        "" | "json" => false,
        "csv" => true,
        other => return Err(WebError::BadRequest(format!("unknown format '{other}'")).into()),
    };
    let choice = authorised_scope(&state, &me, &query.scope).await?;
    let zone = scope_zone(&state, &me, &choice.scope).await?;
    let period = period(&state, &query.from, &query.to, &zone.zone)?;
    let pv = public_value(&state, &choice.scope, period, &zone.zone).await?;
    audit_opened(&state, &me, &choice.scope).await?;
    if csv {
        return Ok(crate::evidence::public_value_page::csv_body(&pv)?);
    }
    let f = &pv.figures;
    let reoffending = pv
        .groups
        .iter()
        .map(|(by, g)| ReoffendingDto {
            by: by.code().into(),
            group: g.group.clone(),
            people: g.people,
            reoffenders: g.reoffenders,
            rate: g.rate,
            ci95: g.ci95,
            comparison_rate: g.comparison.as_ref().map(|c| c.rate),
            difference: g.comparison.as_ref().map(|c| c.difference),
            difference_ci95: g.comparison.as_ref().map(|c| c.ci95),
            pairs: g.comparison.as_ref().map(|c| c.pairs),
        })
        .collect();
    Ok(Json(PublicValueDto {
        scope: choice.scope.code(),
        from: format_day(period.from),
        to: format_day(period.to),
        as_of: format_day(pv.as_of),
        min_cell: DEFAULT_MIN_CELL,
        figures: f.table(DEFAULT_MIN_CELL).rows.iter().map(|r| figure(r.as_slice())).collect(),
        arrest_to_decision: bands(&f.decision_bands, &DECISION_BANDS),
        arrest_to_help: bands(&f.help_bands, &HELP_BANDS),
        reoffending,
    })
    .into_response())
}
