//! The match report page (`/evidence/links`): how the case system's persons link to the
//! offence record by their identifiers — matched, unmatched, ambiguous — so an administrator
//! can have what does not link corrected (the evidence never guesses a link). Administrators
//! see the counts and the unmatched or ambiguous persons with their identifiers, paged; an
//! analyst the counts only. `domain::cohort::service::LinkReports` checks the role and audits
//! every listed person, and every refusal.

use crate::AppState;
use crate::auth::Member;
use crate::error::WebError;
use crate::i18n::Texts;
use crate::page::{Page, ok};
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use domain::cohort::service::LinkReports;
use domain::cohort::{LinkIdentifier, LinkList};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new().route("/evidence/links", get(show))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct LinksQuery {
    list: String,
    page: String,
}

/// One identifier as the list shows it: its kind in words, its value, and what it finds.
struct IdentifierCell {
    kind: String,
    value: String,
    finding: String,
}

struct PersonRow {
    name: String,
    identifiers: Vec<IdentifierCell>,
}

struct Tab {
    href: String,
    label: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "evidence_links.html")]
struct LinksPage {
    page: Page,
    /// (label, count) of matched, unmatched and ambiguous.
    counts: Vec<(String, String)>,
    lists: bool,
    tabs: Vec<Tab>,
    list_title: String,
    list_intro: String,
    rows: Vec<PersonRow>,
    page_line: String,
    previous: Option<String>,
    next: Option<String>,
}

fn finding(t: &Texts, identifier: &LinkIdentifier) -> String {
    match (identifier.in_record, identifier.holders) {
        (false, _) => t.get("links.finding.not_in_record").to_owned(),
        (true, holders) if holders > 1 => t.fill("links.finding.shared", &[("count", &t.number(i64::from(holders)))]),
        (true, _) => t.get("links.finding.in_record").to_owned(),
    }
}

fn kind_label(t: &Texts, kind: &str) -> String {
    t.optional(&format!("identifier.{kind}")).map_or_else(|| kind.to_owned(), str::to_owned)
}

async fn show(
    State(state): State<AppState>,
    Member(me, context): Member,
    Query(query): Query<LinksQuery>,
) -> Result<Response, WebError> {
    let t = context.texts;
    let page_asked = query.page.parse::<u32>().unwrap_or(1);
    let reports = LinkReports { store: &state.store, clock: state.clock.as_ref() };
    let mut list = LinkList::parse(&query.list).unwrap_or(LinkList::Ambiguous);
    let mut report = reports.report(&me.actor, list, page_asked).await?;
    // Unasked, the ambiguous come first (they are left out of the figures), else the unmatched.
    if query.list.is_empty() && report.ambiguous == 0 && report.unmatched > 0 && report.list.is_some() {
        list = LinkList::Unmatched;
        report = reports.report(&me.actor, list, page_asked).await?;
    }
    let counts = vec![
        (t.get("links.matched").to_owned(), t.number(report.matched as i64)),
        (t.get("links.unmatched").to_owned(), t.number(report.unmatched as i64)),
        (t.get("links.ambiguous").to_owned(), t.number(report.ambiguous as i64)),
    ];
    let href = |list: LinkList, page: u32| format!("/evidence/links?list={}&page={page}", list.code());
    let tabs = LinkList::ALL
        .into_iter()
        .map(|l| Tab {
            href: href(l, 1),
            label: t.fill(
                &format!("links.tab.{}", l.code()),
                &[(
                    "count",
                    &t.number(match l {
                        LinkList::Unmatched => report.unmatched,
                        LinkList::Ambiguous => report.ambiguous,
                    } as i64),
                )],
            ),
            current: l == list,
        })
        .collect();
    let rows = report
        .persons
        .iter()
        .map(|p| PersonRow {
            name: p.name.clone(),
            identifiers: p
                .identifiers
                .iter()
                .map(|i| IdentifierCell {
                    kind: kind_label(&t, &i.kind),
                    value: i.value.clone(),
                    finding: finding(&t, i),
                })
                .collect(),
        })
        .collect();
    let (current, pages) = (report.page, report.pages);
    ok(&LinksPage {
        page: Page::new(&context, t.get("links.title")),
        counts,
        lists: report.list.is_some(),
        tabs,
        list_title: t.get(&format!("links.list.{}", list.code())).to_owned(),
        list_intro: t.get(&format!("links.list.{}.intro", list.code())).to_owned(),
        rows,
        page_line: t.fill(
            "links.page_line",
            &[("page", &t.number(i64::from(current))), ("pages", &t.number(i64::from(pages)))],
        ),
        previous: (current > 1).then(|| href(list, current - 1)),
        next: (current < pages).then(|| href(list, current + 1)),
    })
}
