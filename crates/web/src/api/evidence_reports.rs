//! The evidence pages' data in the JSON API: proven reoffending by grouping, and by membership
//! of a cohort rule, each with its survival table — the tables beside the charts of
//! `/evidence/reoffending` and `/evidence/cohorts/{rule}`, as JSON or (`format=csv`) the same
//! CSV the pages offer. Aggregates only, after disclosure control (cells under 10 suppressed as
//! `[c]`), for roles that may see aggregates.

use super::problem::{ApiError, ApiResult, Problem, unprocessable};
use crate::AppState;
use crate::auth::Member;
use crate::error::WebError;
use crate::evidence::{EVERY_DAYS, Measure, MeasureQuery, by_cohort, csv_response, extract};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use domain::access::Permission;
use evidence::Dataset;
use evidence::date::format_day;
use evidence::reoffending::GroupBy;
use evidence::table::{Cell, DEFAULT_MIN_CELL, SUPPRESSED, Table};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::{IntoParams, OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/evidence/reoffending", get(reoffending))
        .route("/v1/evidence/cohorts/{rule}/reoffending", get(cohort_reoffending))
}

#[derive(OpenApi)]
#[openapi(paths(reoffending, cohort_reoffending), components(schemas(ReoffendingDto, TableDto)))]
pub struct EvidenceReportsApiDoc;

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ReportQuery {
    /// `group` (the default), `kind`, `area`, `sex` or `none`; not used per cohort.
    group_by: String,
    /// The date to measure as of (`YYYY-MM-DD`); by default today.
    as_of: String,
    /// `json` (the default) or `csv`.
    format: String,
    /// With `format=csv`: `rates` (the default) or `survival`.
    table: String,
}

/// One table: its columns and rows; counts and rates are numbers, an interval is `[low, high]`,
/// a suppressed cell is `"[c]"`, one not computable `null`.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"columns": ["group", "n", "reoffended", "rate", "ci95"], "rows": [["prolific", 120, 54, 0.45, [0.36, 0.54]], ["other", "[c]", "[c]", "[c]", "[c]"]]}))]
pub struct TableDto {
    columns: Vec<String>,
    #[schema(value_type = Vec<Vec<Object>>)]
    rows: Vec<Vec<Value>>,
}

fn cell_value(cell: &Cell) -> Value {
    match cell {
        Cell::Text(text) => json!(text),
        Cell::Count(n) => json!(n),
        Cell::Rate { value, .. } => json!(value),
        Cell::Interval { low, high, .. } => json!([low, high]),
        Cell::Number(n) => json!(n),
        Cell::Integer(n) => json!(n),
        Cell::Missing => Value::Null,
        Cell::Suppressed => json!(SUPPRESSED),
    }
}

fn table_dto(table: &Table) -> TableDto {
    TableDto {
        columns: table.columns.clone(),
        rows: table.rows.iter().map(|r| r.iter().map(cell_value).collect()).collect(),
    }
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"as_of": "2026-12-07", "group_by": "group", "follow_up_months": 12, "waiting_months": 6, "cohort": null, "rates": {"columns": ["group", "n", "reoffended", "rate", "ci95"], "rows": [["prolific", 120, 54, 0.45, [0.36, 0.54]]]}, "survival": {"columns": ["group", "day", "at_risk", "survival"], "rows": [["prolific", 30, 118, 0.97]]}}))]
pub struct ReoffendingDto {
    as_of: String,
    group_by: &'static str,
    follow_up_months: i32,
    waiting_months: i32,
    /// The cohort rule, for a cohort's report.
    cohort: Option<String>,
    /// Proven reoffending per group with its 95% interval.
    rates: TableDto,
    /// Survival (share not yet reoffended) every 30 days.
    survival: TableDto,
}

/// The rates and survival tables of `data` grouped `by`, as JSON or as the asked CSV.
fn answer(data: &Dataset, m: &Measure, by: GroupBy, query: &ReportQuery, cohort: Option<String>) -> Response {
    let definition = MeasureQuery::definition(m);
    let rates = evidence::reoffending::reoffending(data, definition, by).disclosed_table(DEFAULT_MIN_CELL);
    let times = evidence::survival::survival_times(data, definition, by);
    let survival = evidence::survival::curves_table(&evidence::survival::curves(&times), EVERY_DAYS, DEFAULT_MIN_CELL);
    match (query.format.trim(), query.table.trim()) {
        ("" | "json", _) => Json(ReoffendingDto {
            as_of: format_day(m.as_of),
            group_by: if cohort.is_some() { "group" } else { m.group_by_code },
            follow_up_months: definition.follow_up_months,
            waiting_months: definition.waiting_months,
            cohort,
            rates: table_dto(&rates),
            survival: table_dto(&survival),
        })
        .into_response(),
        ("csv", "" | "rates") => csv_response(&rates, "reoffending.csv").unwrap_or_else(IntoResponse::into_response),
        ("csv", "survival") => csv_response(&survival, "survival.csv").unwrap_or_else(IntoResponse::into_response),
        ("csv", _) => unprocessable("table must be rates or survival"),
        _ => unprocessable("format must be json or csv"),
    }
}

/// The measure asked for; a grouping or date that does not read is a 422.
async fn measure(state: &AppState, query: &ReportQuery, zone: &jiff::tz::TimeZone) -> Result<Measure, WebError> {
    MeasureQuery { group_by: query.group_by.clone(), as_of: query.as_of.clone() }.parse(state, zone).await
}

/// A measure that does not read is input to fix (422), as everywhere in the API.
fn unreadable(error: WebError) -> ApiError {
    match error {
        WebError::BadRequest(why) => ApiError::Problem(unprocessable(why)),
        other => other.into(),
    }
}

/// Proven reoffending by grouping with survival (aggregates only, cells under 10 suppressed).
#[utoipa::path(get, path = "/api/v1/evidence/reoffending", operation_id = "read_reoffending", params(ReportQuery),
    responses((status = 200, description = "The tables as JSON, or with `format=csv` one of them as CSV",
            content((ReoffendingDto = "application/json", example = json!({"as_of": "2026-12-07", "group_by": "group", "follow_up_months": 12, "waiting_months": 6, "cohort": null, "rates": {"columns": ["group", "n", "reoffended", "rate", "ci95"], "rows": [["prolific", 120, 54, 0.45, [0.36, 0.54]]]}, "survival": {"columns": ["group", "day", "at_risk", "survival"], "rows": [["prolific", 30, 118, 0.97]]}})), (String = "text/csv", example = json!("group,n,reoffended,rate,ci95\nprolific,120,54,0.450,0.362-0.541\n")))),
        (status = 403, description = "Your role does not see aggregates (problem JSON)", body = Problem),
        (status = 422, description = "An unknown grouping, date or format (problem JSON)", body = Problem)))]
async fn reoffending(
    State(state): State<AppState>,
    Member(me, _): Member,
    Query(query): Query<ReportQuery>,
) -> ApiResult {
    domain::service::require(&me.actor, Permission::ViewAggregates)?;
    let zone = state.member_zone(&me.actor).await?;
    let m = measure(&state, &query, &zone.zone).await.map_err(unreadable)?;
    let data = extract(&state).await?;
    Ok(answer(&data, &m, m.group_by, &query, None))
}

/// Proven reoffending of a cohort rule's members against everyone else, with survival.
#[utoipa::path(get, path = "/api/v1/evidence/cohorts/{rule}/reoffending", operation_id = "read_cohort_reoffending",
    params(("rule" = String, Path, description = "the cohort rule's name"), ReportQuery),
    responses((status = 200, description = "The tables as JSON, or with `format=csv` one of them as CSV",
            content((ReoffendingDto = "application/json", example = json!({"as_of": "2026-12-07", "group_by": "group", "follow_up_months": 12, "waiting_months": 6, "cohort": null, "rates": {"columns": ["group", "n", "reoffended", "rate", "ci95"], "rows": [["prolific", 120, 54, 0.45, [0.36, 0.54]]]}, "survival": {"columns": ["group", "day", "at_risk", "survival"], "rows": [["prolific", 30, 118, 0.97]]}})), (String = "text/csv", example = json!("group,n,reoffended,rate,ci95\nmember,120,54,0.450,0.362-0.541\n")))),
        (status = 403, description = "Your role does not see aggregates (problem JSON)", body = Problem),
        (status = 404, description = "No such cohort rule (problem JSON)", body = Problem),
        (status = 422, description = "An unknown date or format (problem JSON)", body = Problem)))]
async fn cohort_reoffending(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(rule): Path<String>,
    Query(query): Query<ReportQuery>,
) -> ApiResult {
    domain::service::require(&me.actor, Permission::ViewAggregates)?;
    let zone = state.member_zone(&me.actor).await?;
    let m = measure(&state, &query, &zone.zone).await.map_err(unreadable)?;
    let data = by_cohort(&*extract(&state).await?, &state.config.cohort_rules, &rule, &context.texts)?;
    Ok(answer(&data, &m, GroupBy::Group, &query, Some(rule)))
}
