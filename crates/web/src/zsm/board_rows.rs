//! The board's rows as HTML, kept per case version.
//!
//! A board shows a location's 200 open cases to every screen at the table, refreshed every 15
//! seconds, and building each row's texts (status, partner states, clock, decision) was most
//! of a view's work. Everything in a row but the time left on its clock follows from the case
//! at one version, the suspect's name and the language, so that part is rendered once per
//! version and the time left is added on each view. A change to the case is a new version;
//! a renamed suspect is checked against the name the row was rendered with.

use super::views::{clock_name, disposal_name, partner_key, state_label, status_label};
use crate::i18n::{Lang, Texts};
use crate::page::local_time;
use askama::Template;
use domain::jurisdiction::{JurisdictionPack, Partner};
use domain::zsm::model::view::status_code;
use domain::zsm::ports::BoardCase;
use domain::zsm::workflow::case::CaseStatus;
use domain::zsm::workflow::clock::most_urgent;
use std::sync::Arc;
use store::{PARSED_ENTRIES, VersionCache};

/// The part of a board row that follows from the case at one version.
pub(super) struct RenderedRow {
    /// The suspect's name it was rendered with.
    suspect: String,
    /// Listed under "decided" rather than "open".
    pub(super) decided: bool,
    /// The suspect's cell (a link to the case) and the status cell.
    pub(super) head: String,
    /// The third cell's content: the decision of a decided case, else the most urgent clock
    /// and its deadline (the time left follows on each view).
    pub(super) middle: String,
    /// One cell per partner at the table: its contribution's state.
    pub(super) states: String,
}

#[derive(Template)]
#[template(path = "zsm/board_row_head.html")]
struct RowHead<'a> {
    t: Texts,
    id: String,
    open_label: &'a str,
    suspect: &'a str,
    status: &'a str,
    decided: bool,
}

#[derive(Template)]
#[template(path = "zsm/board_row_middle.html")]
struct RowMiddle<'a> {
    decision: Option<&'a str>,
    urgent: &'a str,
    deadline: &'a str,
}

#[derive(Template)]
#[template(path = "zsm/board_row_states.html")]
struct RowStates<'a> {
    states: &'a [(&'a str, &'static str, &'a str, &'static str)],
}

/// Rendered rows of this server, one cache per language.
pub(crate) struct BoardRows {
    /// One cache per language, in the order of `Lang::ALL`.
    by_lang: [VersionCache<RenderedRow>; 3],
}

impl Default for BoardRows {
    fn default() -> Self {
        BoardRows { by_lang: Lang::ALL.map(|_| VersionCache::new(PARSED_ENTRIES)) }
    }
}

impl BoardRows {
    /// The row of `case` in the language of `t`, rendered now unless kept for its version.
    pub(super) fn row(
        &self,
        case: &BoardCase,
        pack: &JurisdictionPack,
        partners: &[(Partner, &str)],
        t: Texts,
    ) -> Result<Arc<RenderedRow>, askama::Error> {
        let index = Lang::ALL.iter().position(|lang| *lang == t.lang).unwrap_or_default();
        let cache = &self.by_lang[index];
        let (id, version) = (case.stored.id().as_uuid(), case.stored.version);
        if let Some(row) = cache.get(id, version).filter(|row| row.suspect == case.suspect_name) {
            return Ok(row);
        }
        let row = Arc::new(render_row(case, pack, partners, t)?);
        cache.put(id, version, Arc::clone(&row));
        Ok(row)
    }
}

fn render_row(
    case: &BoardCase,
    pack: &JurisdictionPack,
    partners: &[(Partner, &str)],
    t: Texts,
) -> Result<RenderedRow, askama::Error> {
    let stored = &case.stored;
    let zone = &pack.time_zone;
    let decision = stored.case.status.decision();
    let decided = decision.is_some() && !matches!(stored.case.status, CaseStatus::ReturnedToProsecutor { .. });
    let urgent = most_urgent(&stored.clocks);
    let head = RowHead {
        t,
        id: stored.id().to_string(),
        open_label: &t.fill("zsm.board.open_case", &[("name", &case.suspect_name)]),
        suspect: &case.suspect_name,
        status: &status_label(status_code(&stored.case.status), t),
        decided,
    }
    .render()?;
    let decision_text = decision
        .filter(|_| decided)
        .map(|d| format!("{} — {}", disposal_name(pack, d.disposal.as_str(), t), local_time(d.decided_at, zone)));
    let middle = RowMiddle {
        decision: decision_text.as_deref(),
        urgent: &urgent.map(|r| clock_name(pack, &r.clock, t)).unwrap_or_else(|| "–".into()),
        deadline: &urgent.map(|r| local_time(r.deadline, zone)).unwrap_or_default(),
    }
    .render()?;
    let states: Vec<_> = partners
        .iter()
        .map(|(partner, label)| {
            let (symbol, text, class) = state_label(stored.case.contributions.state(*partner), t);
            (*label, symbol, text, class)
        })
        .collect();
    let states = RowStates { states: &states }.render()?;
    Ok(RenderedRow { suspect: case.suspect_name.clone(), decided, head, middle, states })
}

/// The partners seated at the table with their names in the language of `t`.
pub(super) fn partner_columns(pack: &JurisdictionPack, t: Texts) -> Vec<(Partner, &'static str)> {
    pack.table_partners.iter().map(|p| (p.partner, t.text(&partner_key(p.partner)))).collect()
}
