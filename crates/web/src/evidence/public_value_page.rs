//! The public value report as a printable page and a CSV download: per scope and period the
//! figures, each chart (server-drawn SVG with its title and description) beside the table of
//! its numbers, every number in the page's locale, cells under the minimum withheld.

use super::public_value::{
    DECISION_BANDS, HELP_BANDS, PublicValue, Scope, audit_opened, authorised_scope, period, public_value, scope_zone,
    scopes_for,
};
use super::whatworks_pages::decimal;
use crate::AppState;
use crate::auth::Member;
use crate::error::WebError;
use crate::i18n::Texts;
use crate::page::{Page, ok};
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use evidence::date::format_day;
use evidence::public_value::{Figures, MEASURES};
use evidence::svg::{Bar, bar_chart};
use evidence::table::{Cell, DEFAULT_MIN_CELL};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new().route("/evidence/public-value", get(page)).route("/evidence/public-value/data.csv", get(csv))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct ReportQuery {
    pub scope: String,
    pub from: String,
    pub to: String,
}

/// A table as rendered: caption, column headings and the cells in the page's words.
struct ShownTable {
    caption: String,
    columns: Vec<String>,
    rows: Vec<Vec<String>>,
}

struct ChartSection {
    heading: String,
    words: String,
    svg: String,
    table: ShownTable,
}

struct ScopeOption {
    code: String,
    name: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "public_value.html")]
struct ReportPage {
    page: Page,
    heading: String,
    /// "Data up to 30 September 2026": the extract's own date, what reoffending measures to.
    data_up_to: String,
    period_line: String,
    scopes: Vec<ScopeOption>,
    from: String,
    to: String,
    csv_url: String,
    figures: ShownTable,
    sections: Vec<ChartSection>,
    method: String,
}

fn withheld(t: &Texts) -> String {
    t.fill("public_value.withheld", &[("min", &DEFAULT_MIN_CELL.to_string())])
}

fn percent(x: f64, t: &Texts) -> String {
    format!("{}%", decimal(100.0 * x, 0, t.lang))
}

/// One published cell in the page's words (`[c]` spelled out as withheld).
fn shown(cell: &Cell, measure: &str, t: &Texts) -> String {
    match cell {
        Cell::Suppressed => withheld(t),
        Cell::Missing => "–".into(),
        Cell::Count(n) => t.number(*n as i64),
        Cell::Integer(cents) if measure.ends_with("_cents") => crate::funds::money(*cents, t.lang),
        Cell::Integer(n) => t.number(*n),
        Cell::Rate { value, .. } => percent(*value, t),
        Cell::Number(x) if measure.contains("hours") => t.fill("public_value.hours", &[("n", &decimal(*x, 1, t.lang))]),
        Cell::Number(x) if measure.contains("days") => t.fill("public_value.days", &[("n", &decimal(*x, 0, t.lang))]),
        Cell::Number(x) => decimal(*x, 2, t.lang),
        other => other.text(),
    }
}

fn figures_table(f: &Figures, t: &Texts) -> ShownTable {
    let rows = f
        .table(DEFAULT_MIN_CELL)
        .rows
        .iter()
        .zip(MEASURES)
        .map(|(row, code)| {
            vec![
                t.get(&format!("public_value.measure.{code}")).to_string(),
                shown(&row[1], code, t),
                shown(&row[2], "", t),
                shown(&row[3], "", t),
            ]
        })
        .collect();
    ShownTable {
        caption: t.get("public_value.figures.caption").to_string(),
        columns: ["measure", "value", "numerator", "denominator"]
            .iter()
            .map(|c| t.get(&format!("public_value.column.{c}")).to_string())
            .collect(),
        rows,
    }
}

/// A bands chart (cases per duration band) and its table.
fn bands_section(kind: &str, bands: &evidence::public_value::Bands, codes: &[&str], t: &Texts) -> ChartSection {
    let labels: Vec<String> = codes.iter().map(|c| t.get(&format!("public_value.band.{c}")).to_string()).collect();
    let table = Figures::bands_table(bands, &labels, DEFAULT_MIN_CELL);
    let max = bands.counts.iter().copied().max().unwrap_or(0) as f64;
    let bars: Vec<Bar> = table
        .rows
        .iter()
        .map(|row| {
            let label = row[0].text();
            match row[1] {
                Cell::Count(n) => Bar { label, value: Some(n as f64), text: t.number(n as i64) },
                _ => Bar { label, value: None, text: String::new() },
            }
        })
        .collect();
    let title = t.get(&format!("public_value.{kind}.title")).to_string();
    let svg = bar_chart(kind, &title, t.get(&format!("public_value.{kind}.desc")), &bars, max, &withheld(t));
    ChartSection {
        heading: title.clone(),
        words: t.get(&format!("public_value.{kind}.words")).to_string(),
        svg,
        table: ShownTable {
            caption: title,
            columns: vec![
                t.get("public_value.column.band").to_string(),
                t.get("public_value.column.cases").to_string(),
            ],
            rows: table.rows.iter().map(|r| vec![r[0].text(), shown(&r[1], "", t)]).collect(),
        },
    }
}

/// Shares on time (screened, plans, tasks, re-evaluations) as bars from 0 to 100%.
fn on_time_section(f: &Figures, t: &Texts) -> ChartSection {
    let table = f.table(DEFAULT_MIN_CELL);
    let shares = [7usize, 8, 9, 10, 16];
    let mut bars = Vec::new();
    let mut rows = Vec::new();
    for i in shares {
        let row = &table.rows[i];
        let label = t.get(&format!("public_value.measure.{}", MEASURES[i])).to_string();
        let value = match row[1] {
            Cell::Rate { value, .. } => Some(value),
            _ => None,
        };
        let text = value.map(|v| percent(v, t)).unwrap_or_default();
        if row[3] != Cell::Count(0) {
            bars.push(Bar { label: label.clone(), value, text });
        }
        rows.push(vec![label, shown(&row[1], "", t), shown(&row[2], "", t), shown(&row[3], "", t)]);
    }
    let title = t.get("public_value.on_time.title").to_string();
    ChartSection {
        heading: title.clone(),
        words: t.fill("public_value.on_time.words", &[("days", &evidence::public_value::PLAN_WITHIN_DAYS.to_string())]),
        svg: bar_chart("on-time", &title, t.get("public_value.on_time.desc"), &bars, 1.0, &withheld(t)),
        table: ShownTable {
            caption: title,
            columns: ["measure", "value", "numerator", "denominator"]
                .iter()
                .map(|c| t.get(&format!("public_value.column.{c}")).to_string())
                .collect(),
            rows,
        },
    }
}

/// Interventions delivered against needs that found no intervention.
fn interventions_section(f: &Figures, t: &Texts) -> ChartSection {
    let table = f.table(DEFAULT_MIN_CELL);
    let mut bars = Vec::new();
    let mut rows = Vec::new();
    for i in [11usize, 12] {
        let label = t.get(&format!("public_value.measure.{}", MEASURES[i])).to_string();
        let (value, text) = match table.rows[i][1] {
            Cell::Count(n) => (Some(n as f64), t.number(n as i64)),
            _ => (None, String::new()),
        };
        bars.push(Bar { label: label.clone(), value, text });
        rows.push(vec![label, shown(&table.rows[i][1], "", t)]);
    }
    let max = f.delivered.max(f.unmet) as f64;
    let title = t.get("public_value.interventions.title").to_string();
    ChartSection {
        heading: title.clone(),
        words: t.get("public_value.interventions.words").to_string(),
        svg: bar_chart("interventions", &title, t.get("public_value.interventions.desc"), &bars, max, &withheld(t)),
        table: ShownTable {
            caption: title,
            columns: vec![
                t.get("public_value.column.measure").to_string(),
                t.get("public_value.column.value").to_string(),
            ],
            rows,
        },
    }
}

/// Each group's reoffending beside its matched comparison's.
fn reoffending_section(state: &AppState, pv: &PublicValue, t: &Texts) -> ChartSection {
    let mut bars = Vec::new();
    let mut rows = Vec::new();
    for (by, g) in &pv.groups {
        let group = crate::evidence::whatworks_pages::group_words(state, *by, &g.group, t);
        let comparison_label = t.fill("public_value.reoffending.comparison_of", &[("group", &group)]);
        bars.push(Bar { label: group.clone(), value: g.rate, text: g.rate.map(|r| percent(r, t)).unwrap_or_default() });
        let (compared, difference, pairs) = match &g.comparison {
            Some(c) => {
                bars.push(Bar { label: comparison_label, value: Some(c.rate), text: percent(c.rate, t) });
                let sign = if c.difference > 0.0 { "+" } else { "" };
                (
                    percent(c.rate, t),
                    format!(
                        "{sign}{}",
                        t.fill("public_value.points", &[("n", &decimal(100.0 * c.difference, 0, t.lang))])
                    ),
                    t.number(c.pairs as i64),
                )
            }
            None => ("–".into(), "–".into(), "–".into()),
        };
        let people = g.people.map(|n| t.number(n as i64)).unwrap_or_else(|| withheld(t));
        let rate = g.rate.map(|r| percent(r, t)).unwrap_or_else(|| withheld(t));
        rows.push(vec![group, people, rate, pairs, compared, difference]);
    }
    let title = t.get("public_value.reoffending.title").to_string();
    ChartSection {
        heading: title.clone(),
        words: format!(
            "{} {}",
            t.fill("public_value.reoffending.words", &[("as_of", &format_day(pv.as_of))]),
            t.fill("public_value.dates", &[("min", &DEFAULT_MIN_CELL.to_string())])
        ),
        svg: bar_chart("reoffending", &title, t.get("public_value.reoffending.desc"), &bars, 1.0, &withheld(t)),
        table: ShownTable {
            caption: title,
            columns: ["group", "people", "rate", "pairs", "comparison", "difference"]
                .iter()
                .map(|c| t.get(&format!("public_value.column.{c}")).to_string())
                .collect(),
            rows,
        },
    }
}

async fn page(
    State(state): State<AppState>,
    Member(me, context): Member,
    Query(query): Query<ReportQuery>,
) -> Result<Response, WebError> {
    let t = context.texts;
    let choice = authorised_scope(&state, &me, &query.scope).await?;
    let zone = scope_zone(&state, &me, &choice.scope).await?;
    let period = period(&state, &query.from, &query.to, &zone.zone)?;
    let pv = public_value(&state, &choice.scope, period, &zone.zone).await?;
    audit_opened(&state, &me, &choice.scope).await?;
    let name = scope_name(&choice.scope, &choice.name, &t);
    let scopes = scopes_for(&state, &me)
        .await?
        .into_iter()
        .map(|c| ScopeOption {
            code: c.scope.code(),
            name: scope_name(&c.scope, &c.name, &t),
            current: c.scope == choice.scope,
        })
        .collect();
    let (from, to) = (format_day(period.from), format_day(period.to));
    let query_string =
        serde_urlencoded::to_string([("scope", choice.scope.code()), ("from", from.clone()), ("to", to.clone())])
            .unwrap_or_default();
    let heading = t.fill("public_value.heading", &[("scope", &name)]);
    let f = &pv.figures;
    let sections = vec![
        bands_section("decision", &f.decision_bands, &DECISION_BANDS, &t),
        bands_section("help", &f.help_bands, &HELP_BANDS, &t),
        on_time_section(f, &t),
        interventions_section(f, &t),
        reoffending_section(&state, &pv, &t),
    ];
    let report = ReportPage {
        page: Page::new(&context, &heading),
        data_up_to: super::data_up_to::data_up_to_line(&state, &t).await?,
        heading,
        // The days run from midnight to midnight in the scope's zone, named.
        period_line: t.fill("public_value.period_in_zone", &[("from", &from), ("to", &to), ("zone", &zone.name)]),
        scopes,
        from,
        to,
        csv_url: format!("/evidence/public-value/data.csv?{query_string}"),
        figures: figures_table(f, &t),
        sections,
        method: t.fill("public_value.method", &[("min", &DEFAULT_MIN_CELL.to_string())]),
    };
    ok(&report)
}

fn scope_name(scope: &Scope, name: &str, t: &Texts) -> String {
    match scope {
        Scope::Deployment => t.get("public_value.scope.all").to_string(),
        Scope::Contracts(_) => t.fill("public_value.scope.contracts", &[("agency", name)]),
        _ => name.to_string(),
    }
}

/// The report's figures as CSV (`section,measure,value,numerator,denominator`).
pub(crate) fn csv_body(pv: &PublicValue) -> Result<Response, WebError> {
    let mut bytes = Vec::new();
    pv.table().write_csv(&mut bytes).map_err(|e| WebError::internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"public-value.csv\"".to_string()),
        ],
        bytes,
    )
        .into_response())
}

async fn csv(
    State(state): State<AppState>,
    Member(me, _): Member,
    Query(query): Query<ReportQuery>,
) -> Result<Response, WebError> {
    let choice = authorised_scope(&state, &me, &query.scope).await?;
    let zone = scope_zone(&state, &me, &choice.scope).await?;
    let period = period(&state, &query.from, &query.to, &zone.zone)?;
    let pv = public_value(&state, &choice.scope, period, &zone.zone).await?;
    audit_opened(&state, &me, &choice.scope).await?;
    csv_body(&pv)
}
