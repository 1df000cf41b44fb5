//! Interventions pages: for probation the finder with honest waits, referring and recording
//! unmet need (`/people/{id}/interventions`); the referral both sides work on
//! (`/referrals/{id}`); for providers their incoming referrals, waiting list, sessions register
//! and outcomes (`/provider/referrals`) and their catalogue (`/provider/catalogue`); for
//! commissioners waits and unmet need (`/commissioning`). The JSON form is
//! `api/interventions.rs`.

mod catalogue;
mod views;
mod webhook_pages;

use crate::AppState;
use crate::auth::{Member, RequestContext, SignedIn};
use crate::error::WebError;
use crate::forms::{ErrorList, Posted};
use crate::lookup::agency_name;
use crate::page::{Page, after_post, ok};
use crate::people::PersonPath;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use domain::directory::DirectoryStore;
use domain::ids::{PersonId, ReferralId, TaskId};
use domain::interventions::ports::ReferralQuery;
use domain::interventions::service::{NewReferral, may_commission};
use domain::interventions::{Achievement, ChangeInput, Disclosed, ReasonCategory, ReferralStatus, Side, UnmetReason};
use serde::Deserialize;
use views::*;

// Community networks (issue 20, lifechange branch).
mod community;
pub(crate) use catalogue::chosen_provider;
pub(crate) use views::language_name;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(community::routes())
        .route("/people/{id}/interventions", get(finder))
        .route("/people/{id}/referrals", post(refer))
        .route("/people/{id}/unmet-need", post(record_unmet))
        .route("/referrals/{id}", get(referral))
        .route("/referrals/{id}/changes", post(change))
        .route("/provider/referrals", get(provider_referrals))
        .route("/commissioning", get(commissioning))
        .merge(catalogue::routes())
        .merge(webhook_pages::routes())
}

fn referral_id(raw: &str) -> Result<ReferralId, WebError> {
    raw.parse().map_err(|_| WebError::NotFound)
}

/// (value, label) of each life domain, for the unmet-need form.
fn domain_choices(state: &AppState, context: &RequestContext) -> Vec<(String, String)> {
    state
        .beyond
        .screening
        .domains
        .iter()
        .map(|d| (d.key.to_string(), d.label.get(context.texts.lang.pack()).to_string()))
        .collect()
}

#[derive(Template)]
#[template(path = "interventions_finder.html")]
struct FinderPage {
    page: Page,
    id: PersonId,
    name: String,
    needs: Vec<String>,
    found: Vec<FoundView>,
    unaddressed: Vec<(String, String)>,
    referrals: Vec<ReferralLine>,
    domains: Vec<(String, String)>,
    reasons: Vec<(&'static str, String)>,
    /// "A wait longer than 6 weeks (housing: 2 weeks) is marked…", from the deployment's setting.
    threshold: String,
    task: String,
    recorded: bool,
    errors: ErrorList,
    posted: Posted,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct FinderQuery {
    /// The plan task a referral made here fulfils.
    task: String,
    recorded: Option<String>,
}

async fn finder_page(
    state: &AppState,
    me: &SignedIn,
    context: &RequestContext,
    id: PersonId,
    q: FinderQuery,
    errors: ErrorList,
    posted: Posted,
) -> Result<FinderPage, WebError> {
    let (task, recorded) = (q.task, q.recorded.is_some());
    let t = context.texts;
    let zone = state.person_zone(id).await?;
    let service = state.interventions_in(&zone.zone);
    let finding = service.find(&me.actor, id).await?;
    let query = ReferralQuery { provider: None, referrer: None, person: Some(id), statuses: vec![], limit: 100 };
    let referrals = service.list(&me.actor, query).await?;
    let agencies = state.store.agencies().await?;
    let wait = &state.config.unmet_need_wait;
    let found = finding
        .found
        .iter()
        .map(|f| {
            let provider = agency_name(&agencies, f.intervention.provider);
            found_view(f, provider, &state.beyond, t, wait.for_needs(&f.addresses))
        })
        .collect();
    let name = finding.person.display_name();
    Ok(FinderPage {
        page: Page::new(context, &t.fill("interventions.finder.title", &[("name", &name)])),
        id,
        name,
        needs: finding.needs.iter().map(|n| domain_label(&state.beyond, n.as_str(), t)).collect(),
        found,
        unaddressed: finding
            .unaddressed
            .iter()
            .map(|n| (n.to_string(), domain_label(&state.beyond, n.as_str(), t)))
            .collect(),
        referrals: referrals.iter().map(|(r, n)| referral_line(r, n, t)).collect(),
        domains: domain_choices(state, context),
        reasons: UnmetReason::ALL
            .iter()
            .map(|r| (r.code(), t.get(&format!("unmet.reason.{}", r.code())).to_string()))
            .collect(),
        threshold: threshold_text(wait, &finding.needs, &state.beyond, t),
        task,
        recorded,
        errors,
        posted,
    })
}

/// The unmet-need threshold in words: the deployment's, and those of the person's needs that
/// have their own.
fn threshold_text(
    wait: &domain::interventions::WaitThreshold,
    needs: &[domain::jurisdiction::DomainKey],
    pack: &domain::jurisdiction::BeyondPack,
    t: crate::i18n::Texts,
) -> String {
    let own: Vec<String> = needs
        .iter()
        .filter_map(|n| wait.per_need.get(n).map(|days| (n, days)))
        .map(|(n, days)| {
            let weeks = (days / 7).to_string();
            t.fill("interventions.threshold.need", &[("need", &domain_label(pack, n.as_str(), t)), ("weeks", &weeks)])
        })
        .collect();
    let weeks = (wait.days / 7).to_string();
    let mut text = t.fill("interventions.threshold", &[("weeks", &weeks)]);
    if !own.is_empty() {
        text.push(' ');
        text.push_str(&t.fill("interventions.threshold.own", &[("needs", &own.join(", "))]));
    }
    text
}

/// `GET /people/{id}/interventions`: what fits the person's needs, with the wait.
async fn finder(
    State(state): State<AppState>,
    Member(me, context): Member,
    PersonPath(id): PersonPath,
    Query(q): Query<FinderQuery>,
) -> Result<Response, WebError> {
    ok(&finder_page(&state, &me, &context, id, q, ErrorList::default(), Posted::default()).await?)
}

/// `POST /people/{id}/referrals`: refers to the chosen intervention and opens the referral.
async fn refer(
    State(state): State<AppState>,
    Member(me, context): Member,
    PersonPath(id): PersonPath,
    posted: Posted,
) -> Result<Response, WebError> {
    let zone = state.person_zone(id).await?;
    let result = async {
        // An id that does not parse names no intervention: the service, after checking the
        // member's access to the person, answers that the intervention is to be chosen.
        let intervention =
            posted.get("intervention_id").trim().parse().unwrap_or(domain::ids::InterventionId(uuid::Uuid::nil()));
        let task = posted.get("task").trim().parse::<TaskId>().ok();
        let new = NewReferral {
            person: id,
            intervention,
            task,
            needs: vec![],
            risks: posted.get("risks"),
            basis: posted.get("basis"),
            note: posted.get("note"),
            send: true,
        };
        let referral = state.interventions_in(&zone.zone).refer(&me.actor, new).await?;
        Ok(format!("/referrals/{}", referral.id))
    }
    .await;
    let q = FinderQuery { task: posted.get("task"), recorded: None };
    after_post(result, context.texts, |errors| finder_page(&state, &me, &context, id, q, errors, posted)).await
}

/// `POST /people/{id}/unmet-need`: nothing fits, or the wait is too long.
async fn record_unmet(
    State(state): State<AppState>,
    Member(me, context): Member,
    PersonPath(id): PersonPath,
    posted: Posted,
) -> Result<Response, WebError> {
    let zone = state.person_zone(id).await?;
    let result = state
        .interventions_in(&zone.zone)
        .record_unmet(&me.actor, id, &posted.get("need"), &posted.get("reason"))
        .await
        .map(|_| format!("/people/{id}/interventions?recorded=1"));
    after_post(result, context.texts, |errors| {
        finder_page(&state, &me, &context, id, FinderQuery::default(), errors, posted)
    })
    .await
}

#[derive(Template)]
#[template(path = "referral.html")]
struct ReferralPage {
    page: Page,
    id: String,
    person_id: String,
    /// What the referral shares, as (label key, value); a value not recorded is `None` and
    /// shows as "—" (read out as "not recorded"), never as an empty row.
    shared: Vec<(&'static str, Option<String>)>,
    status: String,
    status_code: &'static str,
    side: &'static str,
    queue_position: Option<u32>,
    /// (action, label) of the moves the reader's side may make now.
    moves: Vec<(&'static str, String)>,
    reasons: Vec<(&'static str, String)>,
    achievements: Vec<(&'static str, String)>,
    progress: Vec<(String, String)>,
    outcomes: Vec<String>,
    history: Vec<ChangeRow>,
    /// "When (Europe/Rome)".
    when_heading: String,
    /// (date, attended, reason for an absence if one was given).
    sessions: Vec<(String, String, Option<String>)>,
    /// Appointments the provider made (date, note), in date order.
    appointments: Vec<(String, String)>,
    delivering: bool,
    can_complete: bool,
    open: bool,
    errors: ErrorList,
    posted: Posted,
}

fn move_action(status: ReferralStatus) -> &'static str {
    match status {
        ReferralStatus::Sent => "send",
        ReferralStatus::Accepted => "accept",
        ReferralStatus::Declined => "decline",
        ReferralStatus::Waiting => "wait",
        ReferralStatus::Started => "start",
        ReferralStatus::Completed => "complete",
        ReferralStatus::EndedEarly => "end_early",
        ReferralStatus::Withdrawn => "withdraw",
        ReferralStatus::Draft => "draft",
    }
}

async fn referral_page(
    state: &AppState,
    me: &SignedIn,
    context: &RequestContext,
    id: ReferralId,
    errors: ErrorList,
    posted: Posted,
) -> Result<ReferralPage, WebError> {
    let t = context.texts;
    // In the person's zone (a Turin referral in Rome time), named in the history's heading.
    let zone = state.referral_zone(&me.actor, id).await?;
    let file = state.interventions_in(&zone.zone).view(&me.actor, id).await?;
    let r = &file.referral;
    let label = |s: ReferralStatus| t.get(&format!("referral.status.{}", s.code())).to_string();
    let moves = file
        .next
        .iter()
        .filter(|s| **s != ReferralStatus::Completed)
        .map(|s| (move_action(*s), t.get(&format!("referral.action.{}", move_action(*s))).to_string()))
        .collect();
    Ok(ReferralPage {
        page: Page::new(
            context,
            &t.fill("referral.title", &[("intervention", &r.intervention_name), ("name", &file.person.name)]),
        ),
        id: r.id.to_string(),
        person_id: r.person.to_string(),
        shared: shared_rows(state, &file, t).await?,
        status: label(r.status),
        status_code: r.status.code(),
        side: file.side.code(),
        queue_position: file.queue_position,
        moves,
        reasons: ReasonCategory::ALL
            .iter()
            .map(|c| (c.code(), t.get(&format!("referral.reason.{}", c.code())).to_string()))
            .collect(),
        achievements: Achievement::ALL
            .iter()
            .map(|a| (a.code(), t.get(&format!("referral.achievement.{}", a.code())).to_string()))
            .collect(),
        progress: r
            .progress()
            .into_iter()
            .map(|(o, a)| {
                let shown = a.map_or_else(
                    || t.get("referral.progress.none").to_string(),
                    |a| t.get(&format!("referral.achievement.{}", a.code())).to_string(),
                );
                (o, shown)
            })
            .collect(),
        outcomes: r.outcomes.clone(),
        history: r.history.iter().map(|c| change_row(c, t, &zone.zone)).collect(),
        when_heading: zone.heading(t, "referral.when"),
        sessions: r
            .sessions()
            .map(|s| {
                (
                    s.on.to_string(),
                    t.get(&format!("referral.attended.{}", s.attended.code())).to_string(),
                    s.reason.clone().filter(|r| !r.trim().is_empty()),
                )
            })
            .collect(),
        appointments: appointments(r),
        delivering: file.side == Side::Provider && r.status == ReferralStatus::Started,
        can_complete: file.next.contains(&ReferralStatus::Completed),
        open: !r.status.has_ended(),
        errors,
        posted,
    })
}

/// The referral's shared summary as (label key, value), in the order the page shows it; a
/// blank value is `None`, so every missing one reads the same.
async fn shared_rows(
    state: &AppState,
    file: &domain::interventions::service::ReferralFile,
    t: crate::i18n::Texts,
) -> Result<Vec<(&'static str, Option<String>)>, WebError> {
    let r = &file.referral;
    let given = |value: Option<String>| value.filter(|v| !v.trim().is_empty());
    let day = |d: Option<jiff::civil::Date>| d.map(|d| d.to_string());
    let needs = r.shared.needs.iter().map(|n| domain_label(&state.beyond, n.as_str(), t)).collect::<Vec<_>>();
    let agencies = state.store.agencies().await?;
    // Who referred, by name and agency: the provider knows whom to call (a Safety House's
    // process manager, a probation officer), not just "the referrer".
    let referrer = crate::lookup::member(&state.store.members().await?, r.referrer)
        .map(|m| format!("{} ({})", m.display_name, agency_name(&agencies, r.referrer_agency)))
        .unwrap_or_else(|| agency_name(&agencies, r.referrer_agency));
    Ok(vec![
        ("referral.person", given(Some(file.person.name.clone()))),
        ("person.birth_date", day(file.person.birth_date)),
        ("person.phone", given(file.person.phone.clone())),
        ("person.email", given(file.person.email.clone())),
        ("person.address", given(file.person.address.clone())),
        ("interventions.name", given(Some(r.intervention_name.clone()))),
        ("interventions.provider", given(Some(agency_name(&agencies, r.provider)))),
        ("referral.referred_by", given(Some(referrer))),
        ("referral.needs", given(Some(needs.join(", ")))),
        ("referral.risks", given(Some(r.shared.risks.clone()))),
        // Stored as the grant's summary ("statutory_task: Wet op de reclassering") when the
        // referrer gave none: its kind in the reader's words, as the audit trail shows it.
        ("referral.basis", given(Some(r.shared.basis.clone())).map(|b| t.coded("audit.basis", &b))),
        ("referral.note", given(Some(r.note.clone()))),
        ("referral.created_on", day(Some(r.created_on))),
        ("referral.started_on", day(r.started_on)),
        ("referral.ended_on", day(r.ended_on)),
    ])
}

/// The appointments scheduled on the referral, by date.
fn appointments(r: &domain::interventions::Referral) -> Vec<(String, String)> {
    let mut made: Vec<(jiff::civil::Date, String)> = r
        .history
        .iter()
        .filter_map(|c| match &c.detail {
            domain::interventions::ChangeDetail::Scheduled { on, note } => Some((*on, note.clone())),
            _ => None,
        })
        .collect();
    made.sort();
    made.into_iter().map(|(on, note)| (on.to_string(), note)).collect()
}

/// `GET /referrals/{id}`: the referral as the reader's side may see it (audited).
async fn referral(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    ok(&referral_page(&state, &me, &context, referral_id(&id)?, ErrorList::default(), Posted::default()).await?)
}

/// `POST /referrals/{id}/changes`: one change, as the API's tagged body.
async fn change(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    posted: Posted,
) -> Result<Response, WebError> {
    let id = referral_id(&id)?;
    let input = ChangeInput {
        action: posted.get("action"),
        date: posted.get("date"),
        attended: posted.get("attended"),
        reason: posted.get("reason"),
        note: posted.get("note"),
        text: posted.get("text"),
        outcome: posted.get("outcome"),
        achievement: posted.get("achievement"),
        field: posted.get("field"),
        value: posted.get("value"),
        achievements: posted.all("achievements"),
        seen_status: posted.get("seen_status"),
    };
    let zone = state.referral_zone(&me.actor, id).await?;
    let result =
        state.interventions_in(&zone.zone).change(&me.actor, id, &input).await.map(|_| format!("/referrals/{id}"));
    after_post(result, context.texts, |errors| referral_page(&state, &me, &context, id, errors, posted)).await
}

#[derive(Template)]
#[template(path = "provider_referrals.html")]
struct ProviderPage {
    page: Page,
    view: &'static str,
    tabs: Vec<(&'static str, String)>,
    lines: Vec<ReferralLine>,
    /// What an empty list says: which list is empty, not "no referrals" at all.
    none: String,
    /// The waiting list's position of the page's first line, less one.
    before: usize,
    previous: Option<u32>,
    next: Option<u32>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ProviderQuery {
    view: String,
    page: Option<u32>,
}

/// Lines on a page of the provider's lists: each line is audited and rendered, so a page is
/// kept to what one reads at once (the whole list at national scale is thousands).
const PROVIDER_PAGE_LINES: u32 = 50;

/// `GET /provider/referrals?view=incoming|waiting|sessions|outcomes`: the provider's work.
async fn provider_referrals(
    State(state): State<AppState>,
    Member(me, context): Member,
    Query(q): Query<ProviderQuery>,
) -> Result<Response, WebError> {
    use ReferralStatus::*;
    let t = context.texts;
    let (view, statuses) = match q.view.as_str() {
        "waiting" => ("waiting", vec![Accepted, Waiting]),
        "sessions" => ("sessions", vec![Started]),
        "outcomes" => ("outcomes", vec![Completed, EndedEarly, Declined, Withdrawn]),
        _ => ("incoming", vec![Sent]),
    };
    let number = q.page.unwrap_or(1).clamp(1, 10_000);
    let skip = (number - 1) * PROVIDER_PAGE_LINES;
    // One line more than the page shows tells whether there is a next page.
    let query =
        ReferralQuery { provider: None, referrer: None, person: None, statuses, limit: PROVIDER_PAGE_LINES + 1 };
    // The waiting list comes in queue order (the order they get a place in): its position column.
    let zone = state.member_zone_in(&context, &me.actor).await?;
    let found = state.interventions_in(&zone.zone).list_from(&me.actor, query, skip).await?;
    let more = found.len() > PROVIDER_PAGE_LINES as usize;
    let lines: Vec<ReferralLine> =
        found.iter().take(PROVIDER_PAGE_LINES as usize).map(|(r, n)| referral_line(r, n, t)).collect();
    let tabs = ["incoming", "waiting", "sessions", "outcomes"]
        .into_iter()
        .map(|v| (v, t.get(&format!("provider.view.{v}")).to_string()))
        .collect();
    let page = Page::new(&context, t.get("provider.title"));
    let (previous, next) = ((number > 1).then(|| number - 1), more.then_some(number + 1));
    let none = t.get(&format!("provider.none.{view}")).to_string();
    ok(&ProviderPage { page, view, tabs, lines, none, before: skip as usize, previous, next })
}

#[derive(Template)]
#[template(path = "commissioning.html")]
struct CommissioningPage {
    page: Page,
    waits: Vec<(String, String, String, String)>,
    unmet: Vec<(String, String, String, String, String)>,
    minimum: u32,
}

/// `GET /commissioning`: every intervention's wait and the needed-but-unavailable report.
async fn commissioning(State(state): State<AppState>, Member(me, context): Member) -> Result<Response, WebError> {
    if !may_commission(&me.actor) {
        return Err(WebError::Forbidden(domain::access::Denial::RoleLacksPermission));
    }
    let t = context.texts;
    // The year up to today in the commissioner's zone.
    let zone = state.member_zone(&me.actor).await?;
    let service = state.interventions_in(&zone.zone);
    let today = service.today();
    let report = service.unmet_report(&me.actor, today - jiff::Span::new().days(365), today).await?;
    let all = {
        use domain::interventions::ports::InterventionStore;
        state.store.interventions_for(&[], None).await?
    };
    let waits = service.waits(&all).await?;
    let agencies = state.store.agencies().await?;
    let rows = all
        .iter()
        .zip(waits)
        .map(|(i, w)| {
            let needs =
                i.needs.iter().map(|n| domain_label(&state.beyond, n.as_str(), t)).collect::<Vec<_>>().join(", ");
            (i.name.clone(), agency_name(&agencies, i.provider), needs, wait_text(w, t))
        })
        .collect();
    let unmet = report
        .into_iter()
        .map(|(k, shown)| {
            let count = match shown {
                Disclosed::Count { count } => count.to_string(),
                Disclosed::FewerThan { minimum } => {
                    t.fill("commissioning.fewer_than", &[("minimum", &minimum.to_string())])
                }
            };
            let reason = t.get(&format!("unmet.reason.{}", k.reason.code())).to_string();
            (domain_label(&state.beyond, &k.need, t), k.area, k.month, reason, count)
        })
        .collect();
    let page = Page::new(&context, t.get("commissioning.title"));
    ok(&CommissioningPage { page, waits: rows, unmet, minimum: domain::interventions::DISCLOSURE_MINIMUM })
}
