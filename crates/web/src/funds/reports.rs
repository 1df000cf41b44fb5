//! The fund reports in the pages (`/funds/reports`): per stream, per holding agency, per person
//! and per goal, each table with a bar chart beside it (SVG, as the evidence pages draw them);
//! what was bought and whether the goal it served was reached; and the reversals and releases
//! that the ledger's totals alone do not show.

use super::money;
use crate::AppState;
use crate::auth::Member;
use crate::error::WebError;
use crate::i18n::Texts;
use crate::page::{Page, local_time, ok};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use domain::funds::Transfer;
use domain::funds::service::reports::{Figures, FundReport, Whom};
use evidence::svg::{Bar, ChartSize, bar_chart_sized};

pub fn routes() -> Router<AppState> {
    Router::new().route("/funds/reports", get(page))
}

/// One table with its chart: the heading, the SVG, the column heads and the rows.
pub struct Section {
    pub id: &'static str,
    pub heading: String,
    pub svg: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

pub struct MoveRow {
    pub at: String,
    pub fund: String,
    pub whom: String,
    pub amount: String,
    pub description: String,
}

#[derive(Template)]
#[template(path = "fund_reports.html")]
struct ReportPage {
    page: Page,
    sections: Vec<Section>,
    /// (heading key, rows): the reversals, then the releases.
    moves: Vec<(&'static str, Vec<MoveRow>)>,
    /// "When (Europe/London)": the zone the times are in.
    when_heading: String,
}

fn figures_section(id: &'static str, t: Texts, lines: Vec<(String, Figures)>) -> Section {
    let heading = t.get(&format!("funds.reports.{id}")).to_string();
    let max = lines.iter().map(|(_, f)| f.spent).max().unwrap_or(0) as f64;
    let bars: Vec<Bar> = lines
        .iter()
        .map(|(label, f)| Bar { label: label.clone(), value: Some(f.spent as f64), text: money(f.spent, t.lang) })
        .collect();
    let desc = t.get("funds.reports.chart_desc");
    Section {
        id,
        svg: bar_chart_sized(id, &heading, desc, &bars, max, "", ChartSize::BESIDE_TABLE),
        heading,
        columns: ["label", "allocated", "granted", "spent", "released", "reversed"]
            .iter()
            .map(|c| t.get(&format!("funds.reports.column.{c}")).to_string())
            .collect(),
        rows: lines
            .into_iter()
            .map(|(label, f)| {
                let m = |c: i64| money(c, t.lang);
                vec![label, m(f.allocated), m(f.granted), m(f.spent), m(f.released), m(f.reversed)]
            })
            .collect(),
    }
}

/// What was ordered from the catalogue per intervention, over every fund (funds4 branch).
fn intervention_section(report: &FundReport, t: Texts) -> Section {
    let heading = t.get("funds.reports.by_intervention").to_string();
    let lines = &report.by_intervention;
    let max = lines.iter().map(|i| i.spent).max().unwrap_or(0) as f64;
    let bars: Vec<Bar> = lines
        .iter()
        .map(|i| Bar { label: i.name.clone(), value: Some(i.spent as f64), text: money(i.spent, t.lang) })
        .collect();
    let desc = t.get("funds.reports.intervention_desc");
    Section {
        id: "by_intervention",
        svg: bar_chart_sized("by_intervention", &heading, desc, &bars, max, "", ChartSize::BESIDE_TABLE),
        heading,
        columns: ["intervention", "units", "spent"]
            .iter()
            .map(|c| t.get(&format!("funds.reports.column.{c}")).to_string())
            .collect(),
        rows: lines.iter().map(|i| vec![i.name.clone(), t.number(i.units), money(i.spent, t.lang)]).collect(),
    }
}

fn whom(report: &FundReport, t: Texts, w: Whom) -> String {
    let name = match w {
        Whom::Person(p) => report.names.get(&p).cloned(),
        Whom::Group(g) => report.group_names.get(&g).map(|n| t.fill("funds.reports.group", &[("name", n)])),
    };
    name.unwrap_or_else(|| t.get("funds.someone").to_string())
}

fn move_row(report: &FundReport, t: Texts, tr: &Transfer, zone: &jiff::tz::TimeZone) -> MoveRow {
    let about = match (tr.person, tr.group) {
        (Some(p), _) => whom(report, t, Whom::Person(p)),
        (None, Some(g)) => whom(report, t, Whom::Group(g)),
        _ => String::new(),
    };
    MoveRow {
        at: local_time(tr.at, zone),
        fund: report.funds.get(&tr.fund).map(|f| f.name.clone()).unwrap_or_default(),
        whom: about,
        amount: money(tr.amount_cents, t.lang),
        description: tr.description.clone(),
    }
}

/// `GET /funds/reports`: for members who keep funds (the use case refuses and audits others).
async fn page(State(state): State<AppState>, Member(me, context): Member) -> Result<Response, WebError> {
    let t = context.texts;
    // The keeper's zone, named in the headings.
    let page_zone = state.member_zone(&me.actor).await?;
    let zone = &page_zone.zone;
    let report = state.funds_in(zone).report(&me.actor).await?;
    let people: Vec<(String, Figures)> =
        report.by_person.iter().map(|(p, f)| (whom(&report, t, Whom::Person(*p)), *f)).collect();
    let mut sections = vec![
        figures_section("by_stream", t, report.by_stream.clone()),
        figures_section("by_agency", t, report.by_agency.clone()),
        figures_section("by_person", t, people),
    ];
    sections.push(intervention_section(&report, t));
    let heading = t.get("funds.reports.by_goal").to_string();
    let max = report.by_goal.iter().map(|g| g.spent).max().unwrap_or(0) as f64;
    let bars: Vec<Bar> = report
        .by_goal
        .iter()
        .map(|g| Bar {
            label: format!("{}: “{}”", whom(&report, t, g.whom), g.goal),
            value: Some(g.spent as f64),
            text: format!(
                "{} · {}",
                money(g.spent, t.lang),
                t.get(&format!("funds.reports.reached.{}", g.reached.code()))
            ),
        })
        .collect();
    sections.push(Section {
        id: "by_goal",
        svg: bar_chart_sized(
            "by_goal",
            &heading,
            t.get("funds.reports.goal_desc"),
            &bars,
            max,
            "",
            ChartSize::BESIDE_TABLE,
        ),
        heading,
        columns: ["whom", "goal", "bought", "spent", "reached"]
            .iter()
            .map(|c| t.get(&format!("funds.reports.column.{c}")).to_string())
            .collect(),
        rows: report
            .by_goal
            .iter()
            .map(|g| {
                vec![
                    whom(&report, t, g.whom),
                    format!("“{}”", g.goal),
                    g.bought.join("; "),
                    money(g.spent, t.lang),
                    t.get(&format!("funds.reports.reached.{}", g.reached.code())).to_string(),
                ]
            })
            .collect(),
    });
    ok(&ReportPage {
        page: Page::new(&context, t.get("funds.reports.title")),
        when_heading: page_zone.heading(t, "funds.when"),
        sections,
        moves: vec![
            ("funds.reports.reversals", report.reversals.iter().map(|tr| move_row(&report, t, tr, zone)).collect()),
            ("funds.reports.releases", report.releases.iter().map(|tr| move_row(&report, t, tr, zone)).collect()),
        ],
    })
}
