//! The weekly review: a page of the agency's plans with what changed, what is overdue and
//! which re-evaluations are due, and the measures needing attention.

use super::views::{change_lines, plan_status_key};
use crate::AppState;
use crate::auth::Member;
use crate::error::WebError;
use crate::page::{Page, ok};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use domain::ids::PersonId;
use serde::Deserialize;

struct ReviewRow {
    person_id: String,
    person: String,
    status: &'static str,
    changes: Vec<String>,
    overdue: usize,
    re_evaluation_on: String,
    re_evaluation_due: bool,
    /// The latest weekly review held ("2026-12-03, on track"), or empty.
    last_review: String,
    /// A running plan: its review can be recorded (on the plan page).
    can_review: bool,
}

#[derive(Template)]
#[template(path = "weekly_review.html")]
struct ReviewPage {
    page: Page,
    /// "N plans, M need attention. Page p of q."
    count: String,
    /// Links to the previous and next page, when there are.
    previous: Option<u32>,
    next: Option<u32>,
    rows: Vec<ReviewRow>,
    /// (person id, name, warning) of the measures needing attention.
    measures: Vec<(String, String, String)>,
}

/// `?page=N` of a paged list (also the task lists').
#[derive(Deserialize)]
pub(super) struct PageQuery {
    /// Read as text so that a wrong number gets our own message, not the framework's.
    page: Option<String>,
}

impl PageQuery {
    /// The page asked for, from 1 (the first when not given).
    pub(super) fn number(&self) -> Result<u32, WebError> {
        match self.page.as_deref().map(str::trim) {
            None | Some("") => Ok(1),
            Some(text) => text
                .parse::<u32>()
                .ok()
                .filter(|&n| n >= 1)
                .ok_or_else(|| WebError::BadRequest(format!("page must be a whole number from 1, not {text:?}"))),
        }
    }
}

pub(super) async fn weekly_review(
    State(state): State<AppState>,
    Member(me, context): Member,
    Query(query): Query<PageQuery>,
) -> Result<Response, WebError> {
    let page = query.number()?;
    let review = state.plans().weekly_review(&me.actor, page).await?;
    let t = context.texts;
    let (total, attention) = (review.total.to_string(), review.needing_attention.to_string());
    let (page_number, pages) = (review.page.to_string(), review.pages.to_string());
    let count = t.fill(
        "review.count",
        &[("total", &total), ("attention", &attention), ("page", &page_number), ("pages", &pages)],
    );
    let previous = (review.page > 1).then(|| review.page.min(review.pages + 1) - 1);
    let next = (review.page < review.pages).then_some(review.page + 1);
    let rows = review
        .lines
        .into_iter()
        .map(|l| ReviewRow {
            person_id: l.item.person.to_string(),
            person: l.person_name,
            status: plan_status_key(&l.plan.status),
            changes: change_lines(&l.item.changes, t),
            overdue: l.item.overdue_tasks.len(),
            re_evaluation_on: l.plan.re_evaluation_on.map(|d| d.to_string()).unwrap_or_default(),
            re_evaluation_due: l.item.re_evaluation_due,
            last_review: l
                .plan
                .last_review
                .as_ref()
                .map(|r| format!("{}, {}", r.on, t.text(&super::views::review_outcome_key(r.outcome))))
                .unwrap_or_default(),
            can_review: l.plan.status.allows(domain::plan::PlanCommandKind::RecordReview),
        })
        .collect();
    let warnings = state.measures().agency_warnings(&me.actor).await?;
    // Each warning in its person's own time zone (see `zones_of`).
    let persons: Vec<PersonId> = warnings.iter().map(|l| l.person).collect();
    let zones = state.zones_of(&persons).await?;
    let agencies = state.directory().agencies().await?;
    let measures = warnings
        .into_iter()
        .map(|l| {
            let zone = zones.get(&l.person).unwrap_or(&state.config.time_zone);
            (l.person.to_string(), l.name, crate::measures::warning_text(&l.warning, &agencies, t, zone))
        })
        .collect();
    ok(&ReviewPage { page: Page::new(&context, t.get("review.title")), count, previous, next, rows, measures })
}
