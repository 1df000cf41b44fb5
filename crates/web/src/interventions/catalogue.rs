//! Keeping the catalogue on the web: the list with the form that adds an entry
//! (`/provider/catalogue`; an administrator sees every provider's entries and adds one on
//! behalf of the provider chosen), an entry's edit form (`/provider/catalogue/{id}`) with
//! every version it had, retiring it and putting it back. Its provider's members and the
//! partnership's administrators keep it; the JSON form is `api/intervention_catalogue.rs`.

use crate::AppState;
use crate::auth::{Member, RequestContext, SignedIn};
use crate::error::WebError;
use crate::forms::{ErrorList, Posted};
use crate::i18n::Texts;
use crate::lookup::{agency_name, member_name};
use crate::page::{Page, after_post, ok};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use domain::directory::DirectoryStore;
use domain::ids::{AgencyId, InterventionId};
use domain::interventions::service::may_offer_interventions;
use domain::interventions::{Intervention, InterventionInput, InterventionKind, RiskLevel, changed_fields};
use domain::people::Sex;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/provider/catalogue", get(catalogue).post(add_to_catalogue))
        .route("/provider/catalogue/{id}", get(entry).post(revise))
        .route("/provider/catalogue/{id}/active", post(switch))
}

fn intervention_id(raw: &str) -> Result<InterventionId, WebError> {
    raw.parse().map_err(|_| WebError::NotFound)
}

/// The catalogue form's label of each field, for the error summary and the history.
pub fn field_label(field: &str) -> Option<&'static str> {
    Some(match field {
        "name" => "catalogue.name",
        "description" => "catalogue.description",
        "kind" => "catalogue.kind",
        "needs" => "catalogue.needs",
        "min_age" => "catalogue.min_age",
        "max_age" => "catalogue.max_age",
        "sexes" => "catalogue.sexes",
        "risk_levels" => "catalogue.risk_levels",
        "languages" => "catalogue.languages",
        "group_starts" => "catalogue.group_starts",
        "sessions" => "catalogue.sessions",
        "duration_weeks" => "catalogue.duration_weeks",
        "outcomes" => "catalogue.outcomes",
        "capacity" => "catalogue.capacity",
        "unit_cost_cents" => "catalogue.unit_cost_cents",
        "areas" => "catalogue.areas",
        "active" => "catalogue.active",
        "provider" => "catalogue.provider",
        "version" => "catalogue.version",
        _ => return None,
    })
}

/// The catalogue form's fields in the order it shows them (the provider an administrator
/// chooses first), so its error summary lists the problems in the order the reader meets them.
const FORM_ORDER: [&str; 18] = [
    "provider",
    "version",
    "name",
    "kind",
    "needs",
    "areas",
    "languages",
    "capacity",
    "sessions",
    "duration_weeks",
    "group_starts",
    "unit_cost_cents",
    "min_age",
    "max_age",
    "sexes",
    "risk_levels",
    "outcomes",
    "description",
];

/// Every line of the summary names its field by the catalogue form's own label (the shared
/// labels would call `kind` an episode's kind), in the form's order. The unit cost is typed in
/// euros on the form, so what is wrong with it is said in euros.
pub fn relabelled(mut errors: ErrorList, t: Texts) -> ErrorList {
    for item in &mut errors.items {
        if item.field == "unit_cost_cents" {
            item.message = t.get("catalogue.unit_cost.invalid").to_string();
        }
        if let Some(label) = field_label(&item.field) {
            item.summary = format!("{}: {}", t.get(label), item.message);
        }
    }
    errors.items.sort_by_key(|item| FORM_ORDER.iter().position(|f| *f == item.field).unwrap_or(FORM_ORDER.len()));
    errors
}

/// The unit cost as typed in euros ("42,50", "€ 1.250") as the cents the catalogue keeps;
/// money that does not parse is passed on as an impossible amount, refused with the field named.
fn cents_typed(typed: &str) -> String {
    match typed.trim() {
        "" => String::new(),
        typed => crate::funds::parse_euros(typed).unwrap_or(-1).to_string(),
    }
}

/// The catalogue's cents as the form shows them: euros, in the reader's language, without the sign.
fn euros_shown(cents: &str, t: Texts) -> String {
    match cents.trim().parse::<i64>() {
        Ok(cents) => crate::funds::money(cents, t.lang).replace('€', "").trim().to_string(),
        Err(_) => cents.to_string(),
    }
}

/// The catalogue form as posted. A field a client's form does not post keeps what the entry had.
pub fn input_of(posted: &Posted, kept: Option<&Intervention>) -> InterventionInput {
    let kept_input = kept.map(InterventionInput::from).unwrap_or_default();
    let shown = |name: &str| posted.0.iter().any(|(k, _)| k == name);
    InterventionInput {
        name: posted.get("name"),
        description: posted.get("description"),
        kind: posted.get("kind"),
        needs: posted.all("needs").join("\n"),
        min_age: posted.get("min_age"),
        max_age: posted.get("max_age"),
        sexes: posted.all("sexes").join("\n"),
        risk_levels: posted.all("risk_levels").join("\n"),
        languages: if shown("languages") { posted.get("languages") } else { kept_input.languages },
        group_starts: posted.get("group_starts"),
        sessions: posted.get("sessions"),
        duration_weeks: posted.get("duration_weeks"),
        outcomes: posted.get("outcomes"),
        capacity: posted.get("capacity"),
        unit_cost_cents: cents_typed(&posted.get("unit_cost_cents")),
        areas: posted.get("areas"),
    }
}

/// An entry as its form shows it first: lists one per line, ticked choices one pair each, the
/// unit cost in euros.
fn posted_of(i: &Intervention, t: Texts) -> Posted {
    let input = InterventionInput::from(i);
    let mut fields: Vec<(String, String)> = [
        ("name", input.name),
        ("description", input.description),
        ("kind", input.kind),
        ("min_age", input.min_age),
        ("max_age", input.max_age),
        ("group_starts", input.group_starts),
        ("sessions", input.sessions),
        ("duration_weeks", input.duration_weeks),
        ("outcomes", input.outcomes),
        ("capacity", input.capacity),
        ("unit_cost_cents", euros_shown(&input.unit_cost_cents, t)),
        ("areas", input.areas),
        ("languages", input.languages),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    fields.extend(i.needs.iter().map(|n| ("needs".to_owned(), n.to_string())));
    fields.extend(i.eligibility.sexes.iter().map(|s| ("sexes".to_owned(), s.code().to_owned())));
    fields.extend(i.eligibility.risk_levels.iter().map(|r| ("risk_levels".to_owned(), r.code().to_owned())));
    Posted(fields)
}

/// The choices the catalogue form offers, in the reader's language.
pub struct Choices {
    pub kinds: Vec<(&'static str, String)>,
    pub domains: Vec<(String, String)>,
    pub sexes: Vec<(&'static str, String)>,
    pub risk_levels: Vec<(&'static str, String)>,
}

pub fn choices(state: &AppState, context: &RequestContext) -> Choices {
    let t = context.texts;
    Choices {
        kinds: InterventionKind::ALL
            .iter()
            .map(|k| (k.code(), t.get(&format!("interventions.kind.{}", k.code())).to_string()))
            .collect(),
        domains: super::domain_choices(state, context),
        sexes: [Sex::Female, Sex::Male, Sex::X]
            .iter()
            .map(|s| (s.code(), t.get(&format!("sex.{}", s.code())).to_string()))
            .collect(),
        risk_levels: RiskLevel::ALL
            .iter()
            .map(|r| (r.code(), t.get(&format!("catalogue.risk.{}", r.code())).to_string()))
            .collect(),
    }
}

/// One version of the entry in its history.
struct VersionRow {
    version: i64,
    at: String,
    by: String,
    changed: String,
}

#[derive(Template)]
#[template(path = "catalogue_entry.html")]
struct EntryPage {
    page: Page,
    id: String,
    provider: String,
    version: i64,
    active: bool,
    choices: Choices,
    history: Vec<VersionRow>,
    /// "When (Europe/London)".
    when_heading: String,
    saved: bool,
    errors: ErrorList,
    posted: Posted,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct EntryQuery {
    saved: Option<String>,
}

async fn entry_page(
    state: &AppState,
    me: &SignedIn,
    context: &RequestContext,
    id: InterventionId,
    saved: bool,
    errors: ErrorList,
    posted: Option<Posted>,
) -> Result<EntryPage, WebError> {
    let t = context.texts;
    // The reader's zone (their pack's), named in the history's heading.
    let zone = state.member_zone(&me.actor).await?;
    let entry = state.interventions_in(&zone.zone).catalogue_entry(&me.actor, id).await?;
    let current = &entry.current.intervention;
    let members = state.store.members().await?;
    let mut history = Vec::new();
    let mut before: Option<&Intervention> = None;
    for (change, version) in &entry.history {
        let changed = match before {
            None => t.get("catalogue.history.created").to_string(),
            Some(before) => changed_fields(before, version)
                .into_iter()
                .map(|f| field_label(f).map_or_else(|| f.to_string(), |l| t.get(l).to_string()))
                .collect::<Vec<_>>()
                .join(", "),
        };
        history.push(VersionRow {
            version: change.version,
            at: zone.time(change.at),
            by: member_name(&members, change.by),
            changed,
        });
        before = Some(version);
    }
    history.reverse();
    let agencies = state.store.agencies().await?;
    Ok(EntryPage {
        page: Page::new(context, &t.fill("catalogue.edit.title", &[("name", &current.name)])),
        id: id.to_string(),
        provider: agency_name(&agencies, current.provider),
        version: entry.current.version,
        active: current.active,
        choices: choices(state, context),
        history,
        when_heading: zone.heading(t, "catalogue.history.at"),
        saved,
        errors: relabelled(errors, t),
        posted: posted.unwrap_or_else(|| posted_of(current, t)),
    })
}

/// `GET /provider/catalogue/{id}`: the entry's form, filled in, with its history.
async fn entry(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    Query(q): Query<EntryQuery>,
) -> Result<Response, WebError> {
    let id = intervention_id(&id)?;
    ok(&entry_page(&state, &me, &context, id, q.saved.is_some(), ErrorList::default(), None).await?)
}

/// `POST /provider/catalogue/{id}`: the edit, saved as the entry's next version.
async fn revise(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    posted: Posted,
) -> Result<Response, WebError> {
    let id = intervention_id(&id)?;
    let seen = posted.get("version").trim().parse::<i64>().unwrap_or(0);
    let zone = state.member_zone(&me.actor).await?;
    let result = async {
        let service = state.interventions_in(&zone.zone);
        let kept = service.catalogue_entry(&me.actor, id).await?.current.intervention;
        let input = input_of(&posted, Some(&kept));
        service.revise_intervention(&me.actor, id, seen, &input, None).await?;
        Ok(format!("/provider/catalogue/{id}?saved=1"))
    }
    .await;
    after_post(result, context.texts, |errors| entry_page(&state, &me, &context, id, false, errors, Some(posted))).await
}

/// `POST /provider/catalogue/{id}/active`: retire the entry (`active=false`) or put it back.
async fn switch(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    posted: Posted,
) -> Result<Response, WebError> {
    let id = intervention_id(&id)?;
    let seen = posted.get("version").trim().parse::<i64>().unwrap_or(0);
    let active = posted.get("active") == "true";
    let zone = state.member_zone(&me.actor).await?;
    let result = state
        .interventions_in(&zone.zone)
        .set_intervention_active(&me.actor, id, seen, active)
        .await
        .map(|_| format!("/provider/catalogue/{id}?saved=1"));
    after_post(result, context.texts, |errors| entry_page(&state, &me, &context, id, false, errors, None)).await
}

#[derive(Template)]
#[template(path = "provider_catalogue.html")]
struct CataloguePage {
    page: Page,
    /// An administrator's view: every provider's entries, and a provider to choose when adding.
    administers: bool,
    /// (agency id, name) of the agencies an administrator may add an entry for.
    providers: Vec<(String, String)>,
    entries: Vec<CatalogueLine>,
    choices: Choices,
    errors: ErrorList,
    posted: Posted,
}

/// An entry of the catalogue, linked to its edit form.
struct CatalogueLine {
    id: String,
    provider: String,
    name: String,
    kind: String,
    format: String,
    capacity: String,
    wait: String,
    active: bool,
}

async fn catalogue_page(
    state: &AppState,
    me: &SignedIn,
    context: &RequestContext,
    errors: ErrorList,
    posted: Posted,
) -> Result<CataloguePage, WebError> {
    let t = context.texts;
    let zone = state.member_zone(&me.actor).await?;
    let service = state.interventions_in(&zone.zone);
    let kept = service.kept_catalogue(&me.actor).await?;
    let waits = service.waits(&kept).await?;
    let agencies = state.store.agencies().await?;
    let administers = service.administers_catalogue(&me.actor).await?;
    let entries = kept
        .iter()
        .zip(waits)
        .map(|(i, w)| CatalogueLine {
            id: i.id.to_string(),
            provider: agency_name(&agencies, i.provider),
            name: i.name.clone(),
            kind: t.get(&format!("interventions.kind.{}", i.kind.code())).to_string(),
            format: super::views::format_text(i, t),
            capacity: i.capacity.to_string(),
            wait: super::views::wait_text(w, t),
            active: i.active,
        })
        .collect();
    let mut providers: Vec<(String, String)> = agencies
        .iter()
        .filter(|a| administers && may_offer_interventions(a.kind))
        .map(|a| (a.id.to_string(), a.name.clone()))
        .collect();
    providers.sort_by(|a, b| a.1.cmp(&b.1));
    let title = if administers { "catalogue.all.title" } else { "catalogue.title" };
    Ok(CataloguePage {
        page: Page::new(context, t.get(title)),
        administers,
        providers,
        entries,
        choices: choices(state, context),
        errors: relabelled(errors, t),
        posted,
    })
}

/// `GET /provider/catalogue`: the entries the member keeps, each with its current wait.
async fn catalogue(State(state): State<AppState>, Member(me, context): Member) -> Result<Response, WebError> {
    ok(&catalogue_page(&state, &me, &context, ErrorList::default(), Posted::default()).await?)
}

/// `POST /provider/catalogue`: a new entry, for the member's own provider or, by an
/// administrator, for the provider chosen in the form.
async fn add_to_catalogue(
    State(state): State<AppState>,
    Member(me, context): Member,
    posted: Posted,
) -> Result<Response, WebError> {
    let input = input_of(&posted, None);
    let provider = chosen_provider(&posted.get("provider"));
    let zone = state.member_zone(&me.actor).await?;
    let result = state
        .interventions_in(&zone.zone)
        .add_intervention(&me.actor, provider, &input)
        .await
        .map(|_| "/provider/catalogue".into());
    after_post(result, context.texts, |errors| catalogue_page(&state, &me, &context, errors, posted)).await
}

/// The provider a form or body names: none when left empty; one that is not an agency's id
/// names no agency (the use case answers that the provider is unknown).
pub(crate) fn chosen_provider(raw: &str) -> Option<AgencyId> {
    let raw = raw.trim();
    (!raw.is_empty()).then(|| raw.parse().unwrap_or(AgencyId(uuid::Uuid::nil())))
}
