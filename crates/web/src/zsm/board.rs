//! The live board, the obligations list and the metrics page of a ZSM location.

use super::board_rows::{RenderedRow, partner_columns};
use super::*;
use crate::page::render;
use axum::http::StatusCode;

pub(super) struct BoardRow {
    html: std::sync::Arc<RenderedRow>,
    /// Set only when no warning already says how much time is left or how late it is.
    left: String,
    warning: Option<ClockWarning>,
}

#[derive(Template)]
#[template(path = "zsm/board.html")]
pub(super) struct BoardPage {
    page: Page,
    location: ZsmLocation,
    partners: Vec<String>,
    open: Vec<BoardRow>,
    decided: Vec<BoardRow>,
    updated: String,
    /// The member may register a case here (the police): the link to intake is shown.
    can_register: bool,
}

#[derive(Template)]
#[template(path = "zsm/board_fragment.html")]
pub(super) struct BoardFragment {
    page: Page,
    /// For the whole page around the fragment.
    location: ZsmLocation,
    partners: Vec<String>,
    open: Vec<BoardRow>,
    decided: Vec<BoardRow>,
    updated: String,
}

pub(super) async fn board_data(
    state: &AppState,
    me: &SignedIn,
    context: &RequestContext,
    location: &str,
) -> Result<BoardFragment, WebError> {
    let board = state.zsm().board(&me.actor, location).await?;
    let context = &context.in_pack(board.pack);
    let t = context.texts;
    let partners = partner_columns(board.pack, t);
    let mut open = Vec::new();
    let mut decided = Vec::new();
    for case in &board.cases {
        let html =
            state.board_rows.row(case, board.pack, &partners, t).map_err(|e| WebError::internal(e.to_string()))?;
        if html.decided {
            decided.push(BoardRow { html, left: String::new(), warning: None });
            continue;
        }
        let urgent: Option<&ClockRun> = most_urgent(&case.stored.clocks);
        let warning = urgent.and_then(|r| warning_text(r, board.pack, board.now, t));
        let left = match (urgent, &warning) {
            (Some(run), None) => t.fill("zsm.board.left", &[("time", &duration_text(run.remaining(board.now), t))]),
            _ => String::new(),
        };
        open.push(BoardRow { html, left, warning });
    }
    Ok(BoardFragment {
        page: Page::new(context, &t.fill("zsm.board.title", &[("location", &board.location.name)])),
        location: board.location,
        partners: partners.iter().map(|(_, label)| label.to_string()).collect(),
        open,
        decided,
        updated: t.fill("zsm.board.updated", &[("at", &local_time(board.now, &board.pack.time_zone))]),
    })
}

pub(super) async fn board_page(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(location): Path<String>,
) -> Result<Response, WebError> {
    let data = board_data(&state, &me, &context, &location).await?;
    let page = BoardPage {
        page: data.page,
        location: data.location,
        partners: data.partners,
        open: data.open,
        decided: data.decided,
        updated: data.updated,
        can_register: domain::zsm::service::Zsm::<store::Store>::may_register(&me.actor).is_ok(),
    };
    ok(&page)
}

/// The board's cases only, re-fetched by `board.js` every 15 seconds.
pub(super) async fn board_fragment(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(location): Path<String>,
) -> Result<Response, WebError> {
    let data = board_data(&state, &me, &context, &location).await?;
    match data.render() {
        Ok(html) => Ok(([("cache-control", "no-store")], Html(html)).into_response()),
        Err(error) => Err(WebError::internal(error.to_string())),
    }
}

// ---------------------------------------------------------------------------------------------
// Obligations

pub(super) struct ObligationRow {
    case: CaseId,
    suspect: String,
    obligation: ObligationView,
}

#[derive(Template)]
#[template(path = "zsm/obligations.html")]
pub(super) struct ObligationsPage {
    page: Page,
    location: ZsmLocation,
    rows: Vec<ObligationRow>,
    versions: Vec<(CaseId, i64)>,
}

impl ObligationsPage {
    fn version_of(&self, case: &CaseId) -> i64 {
        self.versions.iter().find(|(id, _)| id == case).map(|(_, v)| *v).unwrap_or_default()
    }
}

pub(super) async fn obligations_page(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(location): Path<String>,
) -> Result<Response, WebError> {
    let (location, list) = state.zsm().obligations(&me.actor, &location).await?;
    let pack = location.pack().map_err(|e| WebError::internal(e.to_string()))?;
    let context = context.in_pack(pack);
    let t = context.texts;
    let mut versions: Vec<(CaseId, i64)> = Vec::new();
    for item in &list {
        if !versions.iter().any(|(id, _)| *id == item.case) {
            versions.push((item.case, item.version));
        }
    }
    let rows = list
        .into_iter()
        .map(|m| ObligationRow {
            case: m.case,
            suspect: m.suspect_name,
            obligation: ObligationView {
                id: m.obligation.id,
                kind: pack.obligation_kind(&m.obligation.kind).map(|k| named(k, t)).unwrap_or_default(),
                period: format!("{} – {}", m.obligation.starts_on, m.obligation.ends_on),
                details: m.obligation.details,
                // The agency kind in words ("Politie"), never its code (issue 17, item 22).
                monitor: t.get(&format!("zsm.agency.{}", m.obligation.responsible_agency.as_str())).to_string(),
                breaches: m.breaches,
                may_record_breach: m.may_record_breach,
            },
        })
        .collect();
    let page = Page::new(&context, &t.fill("zsm.obligations.title", &[("location", &location.name)]));
    ok(&ObligationsPage { page, location, rows, versions })
}

// ---------------------------------------------------------------------------------------------
// Metrics

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct Period {
    from: String,
    to: String,
}

pub(super) struct Bar {
    x: usize,
    y: i64,
    height: i64,
    day: String,
    count: u32,
}

#[derive(Template)]
#[template(path = "zsm/metrics.html")]
pub(super) struct MetricsPage {
    page: Page,
    location: ZsmLocation,
    from: String,
    to: String,
    summary: Vec<(String, String)>,
    bars: Vec<Bar>,
    chart_width: usize,
    per_day: Vec<(String, u32)>,
    disposals: Vec<(String, u32)>,
    errors: ErrorList,
}

pub(super) fn share_text(share: Option<f64>, t: Texts) -> String {
    share.map(|s| format!("{:.0}%", s * 100.0)).unwrap_or_else(|| t.get("zsm.metrics.none").to_string())
}

pub(super) fn minutes_text(minutes: Option<i64>, t: Texts) -> String {
    minutes
        .map(|m| duration_text(jiff::SignedDuration::from_mins(m), t))
        .unwrap_or_else(|| t.get("zsm.metrics.none").to_string())
}

const CHART_HEIGHT: i64 = 160;
const BAR_WIDTH: usize = 14;

pub(super) async fn metrics_page(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(location): Path<String>,
    Query(period): Query<Period>,
) -> Result<Response, WebError> {
    let (loc, pack) = state.zsm().location(&location).await?;
    let context = context.in_pack(pack);
    let t = context.texts;
    // A period that does not read is named in the error summary, with the default period shown.
    let (status, errors, metrics) = match state.zsm().metrics(&me.actor, &location, &period.from, &period.to).await {
        Ok((_, metrics)) => (StatusCode::OK, ErrorList::default(), metrics),
        Err(error) => {
            let (_, errors) = refused(error, t)?;
            let (_, metrics) = state.zsm().metrics(&me.actor, &location, "", "").await?;
            (StatusCode::UNPROCESSABLE_ENTITY, errors, metrics)
        }
    };
    let Metrics { cases_per_day, .. } = &metrics;
    let max = cases_per_day.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1) as i64;
    let bars = cases_per_day
        .iter()
        .enumerate()
        .map(|(i, (day, count))| {
            let height = i64::from(*count) * CHART_HEIGHT / max;
            Bar { x: i * (BAR_WIDTH + 2), y: CHART_HEIGHT - height, height, day: day.to_string(), count: *count }
        })
        .collect::<Vec<_>>();
    let summary = vec![
        (t.get("zsm.metrics.cases").to_string(), metrics.cases.to_string()),
        (t.get("zsm.metrics.decided").to_string(), metrics.decided.to_string()),
        (t.get("zsm.metrics.settled").to_string(), share_text(metrics.settled_share, t)),
        (t.get("zsm.metrics.median").to_string(), minutes_text(metrics.median_minutes_to_decision, t)),
        (t.get("zsm.metrics.p90").to_string(), minutes_text(metrics.p90_minutes_to_decision, t)),
        (t.get("zsm.metrics.within_target").to_string(), share_text(metrics.within_target_share, t)),
        (t.get("zsm.metrics.signals").to_string(), share_text(metrics.signals_share, t)),
        (t.get("zsm.metrics.referrals").to_string(), share_text(metrics.referral_share, t)),
    ];
    let page = MetricsPage {
        page: Page::new(&context, &t.fill("zsm.metrics.title", &[("location", &loc.name)])),
        from: metrics.from.to_string(),
        to: metrics.to.to_string(),
        chart_width: bars.len() * (BAR_WIDTH + 2),
        bars,
        per_day: metrics.cases_per_day.iter().map(|(d, n)| (d.to_string(), *n)).collect(),
        disposals: metrics.disposals.iter().map(|(code, n)| (disposal_name(pack, code, t), *n)).collect(),
        summary,
        location: loc,
        errors,
    };
    Ok(render(status, &page))
}
