//! Evidence pages for analysts (`Permission::ViewAggregates`): proven reoffending by group
//! with interval whiskers, survival curves, the data table beside each chart and a CSV
//! download, per grouping and per cohort rule. Only aggregates after disclosure control
//! (cells under 10 suppressed) ever leave this module: no person-level data.

use crate::AppState;
use crate::auth::Member;
use crate::error::WebError;
use crate::i18n::Texts;
use crate::page::{Page, ok};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use domain::access::Permission;
use evidence::Dataset;
use evidence::date::{Day, format_day};
use evidence::reoffending::{Definition, GroupBy};
use evidence::table::{DEFAULT_MIN_CELL, Table};
use serde::Deserialize;

mod cache;
// The extract's own "data up to" date, in words on every evidence page (evmisc).
pub(crate) mod data_up_to;
pub(crate) mod decisions;
mod notices;
pub use notices::cohort_rule_name;
pub(crate) mod whatworks;
// The public value report per partnership (issue 21).
pub(crate) mod public_value;
pub(crate) mod public_value_page;
mod whatworks_pages;
// Who sees which aggregates: commissioners and location leads too (issue 21, views4).
pub(crate) mod reach;
// The match report page (import4 branch).
mod links;
// Disclosure control across overlapping views (evmisc).
mod overlap;

pub(crate) use cache::{ExtractCache, Extracts};

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(notices::routes())
        .merge(whatworks_pages::routes())
        .merge(decisions::routes())
        .merge(public_value_page::routes())
        .merge(links::routes())
        .route("/evidence", get(index))
        .route("/evidence/reoffending", get(reoffending_page))
        .route("/evidence/reoffending/data.csv", get(reoffending_csv))
        .route("/evidence/reoffending/survival.csv", get(survival_csv))
        .route("/evidence/cohorts/{rule}", get(cohort_page))
        .route("/evidence/cohorts/{rule}/data.csv", get(cohort_csv))
        .route("/evidence/cohorts/{rule}/survival.csv", get(cohort_survival_csv))
}

/// Survival checkpoints every 30 days.
pub(crate) const EVERY_DAYS: i32 = 30;

fn require_aggregates(member: &crate::auth::SignedIn) -> Result<(), WebError> {
    Ok(domain::service::require(&member.actor, Permission::ViewAggregates)?)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct MeasureQuery {
    pub(crate) group_by: String,
    pub(crate) as_of: String,
}

pub(crate) struct Measure {
    pub(crate) group_by: GroupBy,
    pub(crate) group_by_code: &'static str,
    pub(crate) as_of: Day,
}

const GROUPINGS: [&str; 5] = ["group", "kind", "area", "sex", "none"];

impl MeasureQuery {
    /// The measure asked for; no date means the extract's own "data up to" date (stored at
    /// import), else today in `zone` (the member's, see `member_zone`).
    pub(crate) async fn parse(&self, state: &AppState, zone: &jiff::tz::TimeZone) -> Result<Measure, WebError> {
        let code = if self.group_by.is_empty() { "group" } else { self.group_by.as_str() };
        let group_by_code = GROUPINGS
            .into_iter()
            .find(|g| *g == code)
            .ok_or_else(|| WebError::BadRequest(format!("unknown grouping '{code}'")))?;
        let group_by = GroupBy::parse(group_by_code).ok_or_else(|| WebError::internal("grouping"))?;
        let as_of = whatworks::as_of(state, &self.as_of, zone).await?;
        Ok(Measure { group_by, group_by_code, as_of })
    }

    pub(crate) fn definition(m: &Measure) -> Definition {
        Definition::default_as_of(m.as_of)
    }
}

pub(crate) async fn extract(state: &AppState) -> Result<std::sync::Arc<Dataset>, WebError> {
    state.evidence().extract().await.map_err(|e| WebError::internal(e.to_string()))
}

/// An output table as HTML-ready rows (cells already rendered, suppressed ones as `[c]`).
pub(crate) struct HtmlTable {
    caption: String,
    columns: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl HtmlTable {
    /// `table` in the page's words: `caption`, each column named from the catalogue
    /// (`evidence.column.CODE`), numbers in the page's locale, "(all)" translated. Rates,
    /// their intervals and survival are percentages with one decimal, as the chart beside the
    /// table labels them (48.3%, 48,3% in nl and it); the CSV and the API keep fractions.
    pub(crate) fn in_words(table: &Table, caption: String, t: &Texts) -> HtmlTable {
        use evidence::table::Cell;
        let comma = t.lang != crate::i18n::Lang::En;
        let percent = |x: f64| evidence::svg::percent(x, comma);
        let cell = |column: &str, c: &Cell| match c {
            Cell::Count(n) => t.number(*n as i64),
            Cell::Text(text) if text == "(all)" => t.get("evidence.chart.all").to_string(),
            Cell::Rate { value, .. } if column == "binary_rate" => percent(*value),
            Cell::Number(value) if column == "survival" => percent(*value),
            Cell::Interval { low, high, .. } => format!("{}–{}", percent(*low), percent(*high)),
            Cell::Rate { .. } | Cell::Number(_) if comma => c.text().replace('.', ","),
            other => other.text(),
        };
        HtmlTable {
            caption,
            columns: table.columns.iter().map(|c| t.get(&format!("evidence.column.{c}")).to_string()).collect(),
            rows: table
                .rows
                .iter()
                .map(|row| row.iter().zip(&table.columns).map(|(c, column)| cell(column, c)).collect())
                .collect(),
        }
    }
}

/// The words the evidence charts are drawn with, in the page's language.
pub(crate) fn chart_words(definition: &Definition, t: &Texts) -> evidence::svg::ChartWords {
    evidence::svg::ChartWords {
        rates_title: Some(t.fill(
            "evidence.chart.rates_title",
            &[
                ("as_of", &format_day(definition.as_of)),
                ("follow_up", &definition.follow_up_months.to_string()),
                ("waiting", &definition.waiting_months.to_string()),
            ],
        )),
        rates_desc: t.get("evidence.chart.rates_desc").to_string(),
        rate_line: t.get("evidence.chart.rate_line").to_string(),
        survival_title: Some(t.get("evidence.chart.survival_title").to_string()),
        survival_desc: t.get("evidence.chart.survival_desc").to_string(),
        survival_line: t.get("evidence.chart.survival_line").to_string(),
        days_axis: t.get("evidence.chart.days_axis").to_string(),
        unknown: t.get("evidence.chart.unknown").to_string(),
        all: t.get("evidence.chart.all").to_string(),
        suppressed_row: t.get("evidence.chart.suppressed_row").to_string(),
        suppressed_line: t.get("evidence.chart.suppressed_line").to_string(),
        decimal_comma: t.lang != crate::i18n::Lang::En,
    }
}

/// The rates chart and the survival chart in the page's words, with their tables.
pub(crate) fn charts_in_words(
    report: &evidence::reoffending::Report,
    curves: &[evidence::survival::Curve],
    t: &Texts,
) -> ((String, HtmlTable), (String, HtmlTable)) {
    let words = chart_words(&report.definition, t);
    let rates = evidence::svg::rates_chart_in(report, DEFAULT_MIN_CELL, &words);
    let survival = evidence::svg::survival_chart_in(curves, EVERY_DAYS, DEFAULT_MIN_CELL, &words);
    let rates_caption = words.rates_title.clone().unwrap_or_default();
    let survival_caption = words.survival_title.clone().unwrap_or_default();
    (
        (rates.svg, HtmlTable::in_words(&rates.table, rates_caption, t)),
        (survival.svg, HtmlTable::in_words(&survival.table, survival_caption, t)),
    )
}

struct Section {
    heading: String,
    svg: String,
    table: HtmlTable,
    csv_url: String,
}

#[derive(Template)]
#[template(path = "evidence_report.html")]
struct ReportPage {
    page: Page,
    heading: String,
    intro: String,
    action: String,
    as_of: String,
    /// "As of (Europe/London)": the zone today is taken in.
    as_of_label: String,
    /// "Data up to 30 September 2026": the extract's own date, the default as-of.
    data_up_to: String,
    group_by: String,
    groupings: Vec<(String, String)>,
    show_grouping: bool,
    empty: bool,
    sections: Vec<Section>,
}

struct RuleLink {
    name: String,
    expression: String,
    url: String,
}

struct ChangeRow {
    rule: String,
    on_date: String,
    joined: String,
    left: String,
    recorded_at: String,
}

#[derive(Template)]
#[template(path = "evidence_index.html")]
struct IndexPage {
    page: Page,
    /// "Recorded (Europe/London)".
    recorded_heading: String,
    counts_line: String,
    groupings: Vec<(String, String)>,
    rules: Vec<RuleLink>,
    changes: Vec<ChangeRow>,
}

fn groupings(t: &Texts) -> Vec<(String, String)> {
    GROUPINGS.iter().map(|g| (g.to_string(), t.get(grouping_key(g)).to_string())).collect()
}

fn grouping_key(code: &str) -> &'static str {
    match code {
        "kind" => "evidence.by.kind",
        "area" => "evidence.by.area",
        "sex" => "evidence.by.sex",
        "none" => "evidence.by.none",
        _ => "evidence.by.group",
    }
}

/// Counts under the minimum cell size are shown as `[c]` here too.
fn count_cell(n: u64) -> String {
    if n == 0 || n >= DEFAULT_MIN_CELL { n.to_string() } else { evidence::table::SUPPRESSED.to_string() }
}

async fn index(State(state): State<AppState>, Member(me, context): Member) -> Result<Response, WebError> {
    require_aggregates(&me)?;
    let t = context.texts;
    let counts = state.evidence().counts().await.map_err(|e| WebError::internal(e.to_string()))?;
    let changes = state.evidence().changed_cohorts(20).await.map_err(|e| WebError::internal(e.to_string()))?;
    let rules = evidence::rules::known_rules(&state.config.cohort_rules)
        .into_iter()
        .map(|r| RuleLink { url: format!("/evidence/cohorts/{}", r.name), name: r.name, expression: r.expression })
        .collect();
    // The analyst's zone (their pack's), named in the heading.
    let zone = state.member_zone(&me.actor).await?;
    let page = IndexPage {
        page: Page::new(&context, t.get("evidence.title")),
        recorded_heading: zone.heading(t, "evidence.changes.recorded"),
        counts_line: t.fill(
            "evidence.counts",
            &[
                ("persons", &counts.persons.to_string()),
                ("offences", &counts.offences.to_string()),
                ("events", &counts.index_events.to_string()),
            ],
        ),
        groupings: groupings(&t),
        rules,
        changes: changes
            .into_iter()
            .map(|c| ChangeRow {
                rule: c.rule_name,
                on_date: c.on_date.to_string(),
                joined: count_cell(c.joined),
                left: count_cell(c.left),
                recorded_at: zone.time(c.recorded_at),
            })
            .collect(),
    };
    ok(&page)
}

/// The rates chart and the survival chart of `data` grouped by `by`.
fn sections(data: &Dataset, m: &Measure, by: GroupBy, t: &Texts, csv_base: &str, query: &str) -> Vec<Section> {
    let definition = MeasureQuery::definition(m);
    let report = evidence::reoffending::reoffending(data, definition, by);
    let times = evidence::survival::survival_times(data, definition, by);
    let curves = evidence::survival::curves(&times);
    let ((rates_svg, rates_table), (survival_svg, survival_table)) = charts_in_words(&report, &curves, t);
    vec![
        Section {
            heading: t.get("evidence.rates.heading").to_string(),
            svg: rates_svg,
            table: rates_table,
            csv_url: format!("{csv_base}/data.csv?{query}"),
        },
        Section {
            heading: t.get("evidence.survival.heading").to_string(),
            svg: survival_svg,
            table: survival_table,
            csv_url: format!("{csv_base}/survival.csv?{query}"),
        },
    ]
}

fn query_string(m: &Measure) -> String {
    serde_urlencoded::to_string([("group_by", m.group_by_code), ("as_of", &format_day(m.as_of))]).unwrap_or_default()
}

async fn reoffending_page(
    State(state): State<AppState>,
    Member(me, context): Member,
    Query(query): Query<MeasureQuery>,
) -> Result<Response, WebError> {
    require_aggregates(&me)?;
    let t = context.texts;
    let zone = state.member_zone(&me.actor).await?;
    let m = query.parse(&state, &zone.zone).await?;
    let data = extract(&state).await?;
    let empty = data.index_event_count() == 0;
    let sections = if empty {
        Vec::new()
    } else {
        sections(&data, &m, m.group_by, &t, "/evidence/reoffending", &query_string(&m))
    };
    let page = ReportPage {
        page: Page::new(&context, t.get("evidence.reoffending.title")),
        heading: t.get("evidence.reoffending.title").to_string(),
        intro: t.get("evidence.reoffending.intro").to_string(),
        action: "/evidence/reoffending".into(),
        as_of: format_day(m.as_of),
        as_of_label: zone.heading(t, "evidence.as_of"),
        data_up_to: data_up_to::data_up_to_line(&state, &t).await?,
        group_by: m.group_by_code.to_string(),
        groupings: groupings(&t),
        show_grouping: true,
        empty,
        sections,
    };
    ok(&page)
}

pub(crate) fn csv_response(table: &Table, name: &str) -> Result<Response, WebError> {
    let mut bytes = Vec::new();
    table.write_csv(&mut bytes).map_err(|e| WebError::internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        bytes,
    )
        .into_response())
}

/// Proven reoffending by `group_by`, as CSV after disclosure control.
fn reoffending_csv_of(data: &Dataset, m: &Measure, group_by: GroupBy, name: &str) -> Result<Response, WebError> {
    let report = evidence::reoffending::reoffending(data, MeasureQuery::definition(m), group_by);
    csv_response(&report.disclosed_table(DEFAULT_MIN_CELL), name)
}

/// Survival curves by `group_by` every `EVERY_DAYS` days, as CSV after disclosure control.
fn survival_csv_of(data: &Dataset, m: &Measure, group_by: GroupBy, name: &str) -> Result<Response, WebError> {
    let times = evidence::survival::survival_times(data, MeasureQuery::definition(m), group_by);
    let curves = evidence::survival::curves(&times);
    csv_response(&evidence::survival::curves_table(&curves, EVERY_DAYS, DEFAULT_MIN_CELL), name)
}

async fn reoffending_csv(
    State(state): State<AppState>,
    Member(me, _): Member,
    Query(query): Query<MeasureQuery>,
) -> Result<Response, WebError> {
    require_aggregates(&me)?;
    let zone = state.member_zone(&me.actor).await?;
    let m = query.parse(&state, &zone.zone).await?;
    reoffending_csv_of(&*extract(&state).await?, &m, m.group_by, "reoffending.csv")
}

async fn survival_csv(
    State(state): State<AppState>,
    Member(me, _): Member,
    Query(query): Query<MeasureQuery>,
) -> Result<Response, WebError> {
    require_aggregates(&me)?;
    let zone = state.member_zone(&me.actor).await?;
    let m = query.parse(&state, &zone.zone).await?;
    survival_csv_of(&*extract(&state).await?, &m, m.group_by, "survival.csv")
}

/// The extract with each index event's group replaced by whether the person was in the
/// cohort on the index date (so the measure compares members with non-members).
pub(crate) fn by_cohort(
    data: &Dataset,
    rules: &[evidence::rules::NamedRule],
    rule: &str,
    t: &Texts,
) -> Result<Dataset, WebError> {
    let named = evidence::rules::known_rules(rules).into_iter().find(|r| r.name == rule).ok_or(WebError::NotFound)?;
    let expr = evidence::rules::parse(&named.expression).map_err(|e| WebError::internal(e.to_string()))?;
    let compiled = evidence::rules::CompiledRule::compile(&expr, data);
    let mut out = data.clone();
    let mut groups = evidence::intern::StringArena::default();
    // Interned in code-point order of the labels, as the dataset's invariant wants.
    let (member, other) = (t.get("evidence.cohort.member"), t.get("evidence.cohort.other"));
    let member_first = member <= other;
    let (first, second) = if member_first { (member, other) } else { (other, member) };
    groups.push(first);
    groups.push(second);
    let member_id = if member_first { 0 } else { 1 };
    let e = &data.index_events;
    out.index_events.group = (0..e.person.len())
        .map(|i| {
            let is_member = compiled.evaluator(data, e.index_date[i]).is_member(e.person[i]);
            if is_member { member_id } else { 1 - member_id }
        })
        .collect();
    out.groups = groups;
    Ok(out)
}

async fn cohort_page(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(rule): Path<String>,
    Query(query): Query<MeasureQuery>,
) -> Result<Response, WebError> {
    require_aggregates(&me)?;
    let t = context.texts;
    let zone = state.member_zone(&me.actor).await?;
    let m = query.parse(&state, &zone.zone).await?;
    let data = extract(&state).await?;
    let grouped = by_cohort(&data, &state.config.cohort_rules, &rule, &t)?;
    let empty = data.index_event_count() == 0;
    let base = format!("/evidence/cohorts/{rule}");
    let sections =
        if empty { Vec::new() } else { sections(&grouped, &m, GroupBy::Group, &t, &base, &query_string(&m)) };
    let title = t.fill("evidence.cohort.title", &[("rule", &rule)]);
    let page = ReportPage {
        page: Page::new(&context, &title),
        heading: title.clone(),
        intro: t.get("evidence.cohort.intro").to_string(),
        action: base,
        as_of: format_day(m.as_of),
        as_of_label: zone.heading(t, "evidence.as_of"),
        data_up_to: data_up_to::data_up_to_line(&state, &t).await?,
        group_by: "group".into(),
        groupings: Vec::new(),
        show_grouping: false,
        empty,
        sections,
    };
    ok(&page)
}

async fn cohort_csv(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(rule): Path<String>,
    Query(query): Query<MeasureQuery>,
) -> Result<Response, WebError> {
    require_aggregates(&me)?;
    let zone = state.member_zone(&me.actor).await?;
    let m = query.parse(&state, &zone.zone).await?;
    let data = by_cohort(&*extract(&state).await?, &state.config.cohort_rules, &rule, &context.texts)?;
    reoffending_csv_of(&data, &m, GroupBy::Group, "cohort-reoffending.csv")
}

async fn cohort_survival_csv(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(rule): Path<String>,
    Query(query): Query<MeasureQuery>,
) -> Result<Response, WebError> {
    require_aggregates(&me)?;
    let zone = state.member_zone(&me.actor).await?;
    let m = query.parse(&state, &zone.zone).await?;
    let data = by_cohort(&*extract(&state).await?, &state.config.cohort_rules, &rule, &context.texts)?;
    survival_csv_of(&data, &m, GroupBy::Group, "cohort-survival.csv")
}
