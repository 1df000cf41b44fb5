//! Notifications: `/notifications`, what the outbox holds for the member's agency, newest
//! first, and the unread count in the header. The JSON form is `api/notifications.rs`.

use crate::AppState;
use crate::auth::Member;
use crate::error::WebError;
use crate::forms::Posted;
use crate::i18n::{Lang, Texts};
use crate::page::{Page, local_time, ok};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use domain::notifications::service::{NotificationLine, NotificationPage};
use domain::notifications::{Event, EventKind, SubjectKind};
use jiff::tz::TimeZone;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/notifications", get(list))
        .route("/notifications/read", post(mark_all_read))
        .route("/notifications/{position}/read", post(mark_read))
}

/// One notification as the reader sees it.
pub struct NotificationView {
    pub position: i64,
    pub at: String,
    /// The message in the reader's language, with the person's name filled in.
    pub message: String,
    /// Where the record it is about can be opened.
    pub href: String,
    pub read: bool,
    pub for_you: bool,
}

/// The page the record an event is about can be opened on.
pub fn href(event: &Event) -> String {
    let id = event.subject.id;
    let person = event.person.map(|p| p.to_string());
    match (event.kind, event.subject.kind, person) {
        (EventKind::ConferenceRequestReceived, _, _) => "/triage".into(),
        (EventKind::TeamInvitation, _, _) => "/invitations".into(),
        (EventKind::MeasureProposed | EventKind::MeasureProposalAnswered, _, Some(person)) => {
            format!("/people/{person}/measures#proposals")
        }
        (_, SubjectKind::Plan, Some(person)) => format!("/people/{person}/plan"),
        (_, SubjectKind::ConferenceRequest, Some(person)) => format!("/people/{person}/conference"),
        (_, SubjectKind::Meeting, _) => format!("/conferences/{id}"),
        (_, SubjectKind::Episode | SubjectKind::ExclusionOrder, Some(person)) => format!("/people/{person}/measures"),
        (_, SubjectKind::ZsmCase, _) => format!("/zsm/cases/{id}"),
        (_, SubjectKind::Referral, _) => format!("/referrals/{id}"),
        (_, _, Some(person)) => format!("/people/{person}"),
        (_, _, None) => "/notifications".into(),
    }
}

/// The event's message in the reader's language.
pub fn message(event: &Event, person_name: Option<&str>, t: Texts) -> String {
    let mut key = format!("notification.{}", event.kind.code());
    if event.kind == EventKind::ZsmClockEscalated && event.detail.get("state").is_some_and(|s| s == "overdue") {
        key.push_str(".overdue");
    }
    // A referred task done by its referral reads differently from one left open.
    if event.kind == EventKind::PlanTaskReferralEnded && event.detail.get("status").is_some_and(|s| s == "completed") {
        key.push_str(".completed");
    }
    let someone = t.get("notifications.someone");
    // A text from a pack comes in each language, as `name.<lang>`: the reader's is `{name}`.
    // Events written before a language existed lack it; those read in English instead.
    let in_lang = |lang: &'static str| {
        event.detail.iter().filter_map(move |(k, v)| match k.rsplit_once('.') {
            Some((name, code)) if code == lang => Some((name, v.as_str())),
            _ => None,
        })
    };
    let mut params: Vec<(&str, &str)> = event
        .detail
        .iter()
        .filter(|(k, _)| k.rsplit_once('.').is_none_or(|(_, lang)| Lang::parse(lang).is_none()))
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .chain(in_lang(t.lang.code()))
        .collect();
    for (name, value) in in_lang(Lang::En.code()) {
        if !params.iter().any(|(known, _)| *known == name) {
            params.push((name, value));
        }
    }
    // A proposed measure is stored as its code; the reader sees its name.
    let proposal = matches!(event.kind, EventKind::MeasureProposed | EventKind::MeasureProposalAnswered);
    // The answer's note, if any, as its own sentence (an imposed answer often has none).
    let note = event
        .detail
        .get("note")
        .filter(|n| !n.trim().is_empty())
        .map(|n| t.fill("notification.measure.proposal.note", &[("note", n)]))
        .unwrap_or_default();
    for (name, value) in params.iter_mut() {
        if proposal && *name == "measure" {
            *value = t.text(&format!("proposal.measure.{value}"));
        }
        if event.kind == EventKind::MeasureProposalAnswered && *name == "outcome" {
            *value = t.text(&format!("proposal.outcome.{value}"));
        }
        if event.kind == EventKind::MeasureProposalAnswered && *name == "note" {
            *value = &note;
        }
        // A referral's change and end are stored as codes ("accepted", "ended_early"): the
        // reader sees the status or the change in words (issue 17 item 22, found walking).
        if event.kind == EventKind::ReferralCompleted && *name == "outcome" {
            *value = t.text(&format!("referral.status.{value}"));
        }
        if event.kind == EventKind::ReferralChanged && *name == "action" {
            *value = referral_action(t, value);
        }
        if event.kind == EventKind::PlanTaskReferralEnded && *name == "status" {
            *value = t.text(&format!("referral.status.{value}"));
        }
        if event.kind == EventKind::PlanTaskReferralEnded && *name == "reason" {
            *value = t.text(&format!("referral.reason.{value}"));
        }
    }
    // A cohort is stored as its rule's code; the reader sees the cohort's name.
    let cohort_name = matches!(event.kind, EventKind::CohortMemberJoined | EventKind::CohortMemberLeft)
        .then(|| {
            params.iter().find(|(name, _)| *name == "rule").map(|(_, rule)| crate::evidence::cohort_rule_name(t, rule))
        })
        .flatten();
    if let Some(cohort) = &cohort_name
        && let Some(slot) = params.iter_mut().find(|(name, _)| *name == "rule")
    {
        slot.1 = cohort;
    }
    params.push(("person", person_name.unwrap_or(someone)));
    t.fill(&key, &params)
}

/// A referral change's `action` in words: a move names the status it reached, anything else
/// what was recorded (an appointment, attendance, progress, …).
fn referral_action(t: Texts, action: &str) -> &'static str {
    t.optional(&format!("referral.status.{action}"))
        .unwrap_or_else(|| t.text(&format!("notification.referral.action.{action}")))
}

pub fn view(line: &NotificationLine, t: Texts, zone: &TimeZone) -> NotificationView {
    let event = &line.notification.event;
    NotificationView {
        position: line.notification.position,
        at: local_time(event.at, zone),
        message: message(event, line.person_name.as_deref(), t),
        href: href(event),
        read: line.notification.read,
        for_you: line.for_you,
    }
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage {
    page: Page,
    /// "When (Europe/London)".
    when_heading: String,
    items: Vec<NotificationView>,
    any_unread: bool,
    /// The position the next (older) page starts below.
    older: Option<i64>,
    /// Whether this is a later page (so "newest" links back to the first).
    paged: bool,
    /// The query to come back to after marking one read.
    back: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PageQuery {
    /// Only notifications older than this position (the next page).
    pub before: Option<i64>,
}

/// `GET /notifications`: the member's notifications, newest first, 50 to a page.
async fn list(
    State(state): State<AppState>,
    Member(me, context): Member,
    Query(query): Query<PageQuery>,
) -> Result<Response, WebError> {
    // Dated and shown in the zone of the member's pack (a London custody suite's officer in
    // London time).
    let zone = state.member_zone(&me.actor).await?;
    let NotificationPage { lines, older } = state.notifications_in(&zone.zone).page(&me.actor, query.before).await?;
    let t = context.texts;
    let items: Vec<NotificationView> = lines.iter().map(|l| view(l, t, &zone.zone)).collect();
    let page = NotificationsPage {
        page: Page::new(&context, t.get("notifications.title")),
        when_heading: zone.heading(t, "notifications.when"),
        any_unread: items.iter().any(|i| !i.read),
        items,
        older,
        paged: query.before.is_some(),
        back: query.before.map(|b| format!("?before={b}")).unwrap_or_default(),
    };
    ok(&page)
}

/// Back to the page of the list the form was on: its `back` field is that page's `?before=N`.
fn back_to(posted: &Posted) -> String {
    let back = posted.get("back");
    let page = back.trim().strip_prefix("?before=").and_then(|n| n.parse::<i64>().ok());
    match page {
        Some(before) => format!("/notifications?before={before}"),
        None => "/notifications".into(),
    }
}

/// `POST /notifications/{position}/read`: one notification read; back to the list.
async fn mark_read(
    State(state): State<AppState>,
    Member(me, _): Member,
    Path(position): Path<String>,
    posted: Posted,
) -> Result<Response, WebError> {
    let position: i64 = position.parse().map_err(|_| WebError::NotFound)?;
    let zone = state.member_zone(&me.actor).await?;
    state.notifications_in(&zone.zone).mark_read(&me.actor, position).await?;
    Ok(Redirect::to(&back_to(&posted)).into_response())
}

/// `POST /notifications/read`: everything so far read.
async fn mark_all_read(
    State(state): State<AppState>,
    Member(me, _): Member,
    posted: Posted,
) -> Result<Response, WebError> {
    let zone = state.member_zone(&me.actor).await?;
    state.notifications_in(&zone.zone).mark_all_read(&me.actor).await?;
    Ok(Redirect::to(&back_to(&posted)).into_response())
}
