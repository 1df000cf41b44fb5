//! The what-works pages: per grouping, the rate of each group with its interval and plain
//! words, the chart beside its data table, the survival curves, and each matched comparison
//! with its balance before and after matching and the caveats that apply.

use super::HtmlTable;
use super::whatworks::{GROUPINGS, Reach, answer, as_of, parse_by, reach_zone};
use crate::AppState;
use crate::auth::Member;
use crate::error::WebError;
use crate::i18n::{Lang, Texts};
use crate::page::{Page, ok};
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use evidence::date::{Day, format_day};
use evidence::table::DEFAULT_MIN_CELL;
use evidence::whatworks::GroupResult;
use serde::Deserialize;
use store::evidence::whatworks::WorkGrouping;

pub fn routes() -> Router<AppState> {
    Router::new().route("/evidence/what-works", get(page))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct WhatWorksQuery {
    by: String,
    as_of: String,
}

/// A balance row, numbers already in the page's locale.
struct BalanceLine {
    covariate: String,
    before: String,
    after: String,
}

struct GroupView {
    group: String,
    rate_words: String,
    comparison_words: Vec<String>,
    balance_caption: String,
    balance: Vec<BalanceLine>,
    caveats: Vec<String>,
}

struct Tab {
    code: &'static str,
    label: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "evidence_what_works.html")]
struct WhatWorksPage {
    page: Page,
    tabs: Vec<Tab>,
    by: String,
    as_of: String,
    /// "As of (Europe/London)": the zone today is taken in.
    as_of_label: String,
    /// Whose figures the member sees, when not everyone's: said in the words of their reach.
    scope_note: &'static str,
    /// "Data up to 30 September 2026": the extract's own date, the default as-of.
    data_up_to: String,
    empty: bool,
    rates_svg: String,
    rates_table: HtmlTable,
    survival_svg: String,
    survival_table: HtmlTable,
    groups: Vec<GroupView>,
    unlinked: String,
    method: String,
    /// How the figures are kept from being subtracted across dates (`evidence::grid`).
    dates_note: String,
}

/// `x` with `decimals` decimals in the page's language (a decimal comma in nl and it).
pub(crate) fn decimal(x: f64, decimals: usize, lang: Lang) -> String {
    let text = format!("{x:.decimals$}");
    if lang == Lang::En { text } else { text.replace('.', ",") }
}

fn percent(x: f64, lang: Lang) -> String {
    format!("{}%", decimal(100.0 * x, 0, lang))
}

fn by_key(by: WorkGrouping) -> String {
    format!("whatworks.by.{}", by.code())
}

/// A covariate of the matching (named in English by the `evidence` crate) in the page's words.
fn covariate(name: &str, t: &Texts) -> String {
    let key = match name {
        "age (years, imputed)" => "whatworks.covariate.age",
        "age unknown" => "whatworks.covariate.age_unknown",
        "male" => "whatworks.covariate.male",
        "female" => "whatworks.covariate.female",
        "ln(1 + prior proven offences)" => "whatworks.covariate.priors",
        "recent type: other" => "whatworks.covariate.recent_other",
        other => {
            let kind = other.strip_prefix("recent type: ").unwrap_or(other);
            // The extract's offence type codes, in words where the catalogue has them.
            let kind = t.coded("whatworks.offence", kind);
            return t.fill("whatworks.covariate.recent_type", &[("type", &kind)]);
        }
    };
    t.get(key).to_string()
}

fn group_view(g: &GroupResult, as_of: Day, t: &Texts) -> GroupView {
    let lang = t.lang;
    let mut view = GroupView {
        group: g.group.clone(),
        rate_words: String::new(),
        comparison_words: Vec::new(),
        balance_caption: String::new(),
        balance: Vec::new(),
        caveats: Vec::new(),
    };
    let (Some(people), Some(rate), Some([low, high])) = (g.people, g.rate, g.ci95) else {
        view.rate_words = t.fill("whatworks.withheld", &[("min", &DEFAULT_MIN_CELL.to_string())]);
        return view;
    };
    view.rate_words = t.fill(
        "whatworks.rate.words",
        &[
            ("rate", &percent(rate, lang)),
            ("people", &people.to_string()),
            ("low", &percent(low, lang)),
            ("high", &percent(high, lang)),
        ],
    );
    if g.as_of < as_of {
        let min = DEFAULT_MIN_CELL.to_string();
        view.caveats.push(t.fill("whatworks.held_back", &[("as_of", &format_day(g.as_of)), ("min", &min)]));
    }
    if people < 50 {
        view.caveats.push(t.get("whatworks.caveat.few").to_string());
    }
    if g.censored > people {
        view.caveats.push(t.fill("whatworks.caveat.short_follow_up", &[("censored", &g.censored.to_string())]));
    }
    match &g.comparison {
        None => {
            view.comparison_words.push(t.fill("whatworks.comparison.none", &[("min", &DEFAULT_MIN_CELL.to_string())]))
        }
        Some(c) => {
            let key = if c.difference <= 0.0 { "whatworks.comparison.less" } else { "whatworks.comparison.more" };
            let margin = (c.ci95[1] - c.ci95[0]) / 2.0;
            view.comparison_words.push(t.fill(
                key,
                &[
                    ("group", &g.group),
                    ("points", &decimal(100.0 * c.difference.abs(), 0, lang)),
                    ("margin", &decimal(100.0 * margin, 0, lang)),
                    ("pairs", &c.pairs.to_string()),
                ],
            ));
            if c.ci95[0] <= 0.0 && c.ci95[1] >= 0.0 {
                view.comparison_words.push(t.fill("whatworks.comparison.unclear", &[("group", &g.group)]));
            }
            if c.worst_balance() > 0.1 {
                view.caveats.push(t.get("whatworks.caveat.poor_balance").to_string());
            }
            view.balance_caption = t.fill("whatworks.balance.caption", &[("group", &g.group)]);
            view.balance = c
                .balance
                .iter()
                .map(|b| BalanceLine {
                    covariate: covariate(&b.covariate, t),
                    before: decimal(b.before, 2, lang),
                    after: decimal(b.after, 2, lang),
                })
                .collect();
        }
    }
    view
}

/// A group's label as stored (a code, or an intervention's name with ` ✓` when completed) in
/// the page's words: disposals in the words of the pack that defines them, programmes and
/// measures by their catalogue names, a completed intervention said in words.
pub(crate) fn group_words(state: &AppState, by: WorkGrouping, group: &str, t: &Texts) -> String {
    match by {
        WorkGrouping::Disposal => super::public_value::disposal_words(state, group, *t),
        WorkGrouping::Intervention => match group.strip_suffix(" ✓") {
            Some(name) => t.fill("whatworks.group.completed", &[("name", name)]),
            None => group.to_string(),
        },
        WorkGrouping::Mentor => match group.split_once(store::evidence::whatworks::ENDED_AS) {
            Some((programme, reason)) => t.fill(
                "whatworks.group.mentor_ended",
                &[
                    ("programme", &t.coded("mentoring.programme", programme)),
                    ("reason", &t.coded("mentoring.end_reason", reason)),
                ],
            ),
            None => t.coded("mentoring.programme", group),
        },
        WorkGrouping::Measure => t.coded("whatworks.measure", group),
        _ => group.to_string(),
    }
}

/// Every group label of the answer in the page's words (see [`group_words`]).
fn in_pack_words(state: &AppState, by: WorkGrouping, answer: &mut super::whatworks::Answer, t: &Texts) {
    let words = |code: &str| group_words(state, by, code, t);
    for g in &mut answer.groups {
        g.group = words(&g.group);
    }
    for g in &mut answer.report.groups {
        g.group = words(&g.group);
    }
    for c in &mut answer.curves {
        c.group = words(&c.group);
    }
}

async fn page(
    State(state): State<AppState>,
    Member(me, context): Member,
    Query(query): Query<WhatWorksQuery>,
) -> Result<Response, WebError> {
    let reach = super::reach::reach_audited(&state, &me, "what works").await?;
    let t = context.texts;
    let by = parse_by(&query.by)?;
    let zone = reach_zone(&state, &me, &reach).await?;
    let as_of = as_of(&state, &query.as_of, &zone.zone).await?;
    let mut answer = answer(&state, reach.clone(), by, as_of, None, &zone.zone).await?;
    in_pack_words(&state, by, &mut answer, &t);
    let ((rates_svg, rates_table), (survival_svg, survival_table)) =
        super::charts_in_words(&answer.report, &answer.curves, &t);
    let d = answer.definition;
    let page = WhatWorksPage {
        page: Page::new(&context, t.get("whatworks.title")),
        tabs: GROUPINGS
            .into_iter()
            .map(|g| Tab { code: g.code(), label: t.get(&by_key(g)).to_string(), current: g == by })
            .collect(),
        by: by.code().into(),
        as_of: format_day(as_of),
        as_of_label: zone.heading(t, "evidence.as_of"),
        scope_note: match reach {
            Reach::Everything => "",
            Reach::SafetyHouse(_) => t.get("whatworks.scope.own"),
            Reach::Contracts(_) => t.get("whatworks.scope.contracts"),
            Reach::Location(_) | Reach::LocationLead(_) => t.get("whatworks.scope.locations"),
        },
        data_up_to: super::data_up_to::data_up_to_line(&state, &t).await?,
        empty: answer.groups.is_empty(),
        rates_svg,
        rates_table,
        survival_svg,
        survival_table,
        groups: answer.groups.iter().map(|g| group_view(g, d.as_of, &t)).collect(),
        unlinked: if answer.unlinked > 0 {
            t.fill("whatworks.unlinked", &[("count", &answer.unlinked.to_string())])
        } else {
            String::new()
        },
        method: t.fill(
            "whatworks.method",
            &[
                ("follow_up", &d.follow_up_months.to_string()),
                ("waiting", &d.waiting_months.to_string()),
                ("as_of", &format_day(d.as_of)),
                ("min", &DEFAULT_MIN_CELL.to_string()),
            ],
        ),
        dates_note: t.fill("whatworks.dates", &[("min", &DEFAULT_MIN_CELL.to_string())]),
    };
    ok(&page)
}
