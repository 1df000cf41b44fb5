//! Administration pages under `/admin` (administrators only, linked in the menu only for them):
//! agencies, members (`members.rs`), ZSM locations, Safety Houses (`safety_houses.rs`), API
//! keys for partner systems (`api_keys.rs`), and each agency's and location's own page to change
//! it (`edit.rs`). Each
//! page lists what there is with a form to add one; a refused form is shown again with an
//! error summary naming each field (422), or, when another administrator saved the record
//! meanwhile, as typed beside what is saved now (409). Every read and change goes through
//! `domain::partnership::service::Administration`, which checks the role and audits.

mod api_keys;
// Who commissions whom (issue 21): administrators keep contracts, commissioners read theirs.
mod contracts;
mod edit;
mod members;
mod safety_houses;

use crate::AppState;
use crate::auth::{Member, RequestContext, SignedIn};
use crate::error::WebError;
use crate::forms::{ErrorList, Posted};
use crate::i18n::Texts;
use crate::page::{Page, ok, refused, render};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use domain::directory::AgencyKind;
use domain::partnership::{AgencyInput, LocationInput, PACKS};
use domain::service::ServiceError;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin", get(index))
        .route("/admin/agencies", get(agencies).post(add_agency))
        .route("/admin/locations", get(locations).post(add_location))
        .merge(members::routes())
        .merge(safety_houses::routes())
        .merge(api_keys::routes())
        .merge(contracts::routes())
        .merge(edit::routes())
}

/// The catalogue key of an administration form's field label, for the error summary.
fn label(field: &str) -> Option<&'static str> {
    Some(match field {
        "name" => "admin.field.name",
        "kind" => "admin.field.kind",
        "contact" => "admin.field.contact",
        "pack" => "admin.field.pack",
        "time_zone" => "admin.field.time_zone",
        "code" => "admin.field.code",
        "agencies" => "admin.field.agencies",
        "username" => "login.username",
        "agency_id" => "admin.field.agency",
        "roles" => "admin.field.roles",
        "password" => "admin.field.password",
        "persons_per_day" => "admin.field.persons_per_day",
        "triage_cutoff" => "admin.field.triage_cutoff",
        "current_password" => "account.current_password",
        "scopes" => "admin.field.scopes",
        "agency" => "admin.field.agency",
        "commissioner_id" => "contracts.field.commissioner",
        "provider_id" => "contracts.field.provider",
        "intervention_id" => "contracts.field.intervention",
        "starts_on" => "contracts.field.starts_on",
        "ends_on" => "contracts.field.ends_on",
        "reference" => "contracts.field.reference",
        _ if field.starts_with("end-") => "contracts.field.ends_on",
        _ => return None,
    })
}

/// What a refused administration form shows: each field's message beside it, and in the
/// summary with the field's label ("Pack: …"), so each line makes sense on its own.
pub(crate) fn form_errors(error: ServiceError, t: Texts) -> Result<(axum::http::StatusCode, ErrorList), WebError> {
    let (status, mut errors) = refused(error, t)?;
    for item in &mut errors.items {
        if let Some(key) = label(&item.field) {
            item.summary = format!("{}: {}", t.get(key), item.message);
        }
    }
    Ok((status, errors))
}

/// An administration form's answer: on to `location` after a change, or its page again with
/// what to fix.
pub(crate) async fn answer<T: Template, F: Future<Output = Result<T, WebError>>>(
    result: Result<String, ServiceError>,
    t: Texts,
    page: impl FnOnce(ErrorList) -> F,
) -> Result<Response, WebError> {
    match result {
        Ok(location) => Ok(Redirect::to(&location).into_response()),
        Err(error) => {
            let (status, errors) = form_errors(error, t)?;
            Ok(render(status, &page(errors).await?))
        }
    }
}

/// A refused edit: its status and what to fix, and whether someone saved the record meanwhile
/// (409: the form then shows what is saved now beside what was typed, and saves on the version
/// saved now, so saving again overwrites knowingly).
pub(crate) fn edit_refused(
    error: ServiceError,
    t: Texts,
) -> Result<(axum::http::StatusCode, ErrorList, bool), WebError> {
    let conflict = matches!(error, ServiceError::Stale(_));
    let (status, errors) = form_errors(error, t)?;
    Ok((status, errors, conflict))
}

/// The version a form was opened on (none: the one saved now).
pub(crate) fn posted_version(posted: &Posted) -> Option<i64> {
    posted.get("version").trim().parse().ok()
}

/// An edit form refused by the service: what was typed, what to fix, and whether someone saved
/// the record meanwhile.
pub(crate) type RefusedEdit = (Posted, ErrorList, bool);

/// A record's edit form as its page shows it: as typed after a refusal, else as saved; the
/// version it saves on (the one it was opened on, or after a conflict the one saved now, so
/// saving again overwrites knowingly).
pub(crate) struct EditForm {
    pub posted: Posted,
    pub errors: ErrorList,
    pub version: i64,
    conflict: bool,
}

impl EditForm {
    /// `refused` as typed, or `saved()` when the page is opened fresh; `current` is the version saved now.
    pub(crate) fn of(refused: Option<RefusedEdit>, saved: impl FnOnce() -> Posted, current: i64) -> Self {
        let (posted, errors, conflict) = refused.unwrap_or_else(|| (saved(), ErrorList::default(), false));
        let version = match posted_version(&posted) {
            Some(seen) if !conflict => seen,
            _ => current,
        };
        Self { posted, errors, version, conflict }
    }

    /// After a conflict, what is saved now on `key` beside what was typed (`fields` compares them).
    pub(crate) async fn conflict(
        &self,
        state: &AppState,
        me: &SignedIn,
        t: Texts,
        key: (domain::partnership::AdminRecord, &str, i64),
        fields: impl FnOnce(&Posted) -> Vec<SavedField>,
    ) -> Result<Option<Conflict>, WebError> {
        if !self.conflict {
            return Ok(None);
        }
        Ok(Some(Conflict::read(state, me, t, key, fields(&self.posted)).await?))
    }
}

/// An edit form's answer: on to `back` once saved, else its page again as typed (422 with what
/// to fix, or 409 with what is saved now beside it).
pub(crate) async fn saved_or_refused<S, T: Template, F: Future<Output = Result<T, WebError>>>(
    result: Result<S, ServiceError>,
    t: Texts,
    back: &str,
    posted: Posted,
    page: impl FnOnce(RefusedEdit) -> F,
) -> Result<Response, WebError> {
    match result {
        Ok(_) => Ok(Redirect::to(back).into_response()),
        Err(error) => {
            let (status, errors, conflict) = edit_refused(error, t)?;
            Ok(render(status, &page((posted, errors, conflict)).await?))
        }
    }
}

/// One field of a form refused for a conflict: what the administrator typed beside what the
/// other administrator saved.
pub(crate) struct SavedField {
    pub label: String,
    pub typed: String,
    pub saved: String,
    pub differs: bool,
}

impl SavedField {
    pub(crate) fn new(t: Texts, label: &str, typed: impl Into<String>, saved: impl Into<String>) -> Self {
        let (typed, saved) = (typed.into(), saved.into());
        Self { label: t.get(label).to_owned(), differs: typed.trim() != saved.trim(), typed, saved }
    }
}

/// What a form refused because another administrator saved meanwhile shows above it: who
/// saved and when (in the reader's pack's time zone, named), and each field as typed beside
/// it as saved now. What was typed stays in the form.
pub(crate) struct Conflict {
    pub saved_by: String,
    pub fields: Vec<SavedField>,
}

impl Conflict {
    /// The conflict on `record` `key` (now at `version`), its fields compared.
    pub(crate) async fn read(
        state: &AppState,
        me: &SignedIn,
        t: Texts,
        (record, key, version): (domain::partnership::AdminRecord, &str, i64),
        fields: Vec<SavedField>,
    ) -> Result<Self, WebError> {
        let saved = state.administration().last_saved(&me.actor, record, key).await?;
        let zone = state.member_zone(&me.actor).await?;
        let saved_by = match saved {
            Some(saved) => {
                let who = match &saved.by_name {
                    Some((name, username)) => format!("{name} ({username})"),
                    None if saved.by_console() => t.get("admin.conflict.console").to_owned(),
                    None => t.get("admin.conflict.someone").to_owned(),
                };
                let at = zone.time(saved.at);
                t.fill(
                    "admin.conflict.saved_by",
                    &[("who", &who), ("at", &at), ("zone", &zone.name), ("version", &saved.version.to_string())],
                )
            }
            None => t.fill("admin.conflict.saved_unknown", &[("version", &version.to_string())]),
        };
        Ok(Self { saved_by, fields })
    }
}

/// The names of the agencies with these ids (as typed in a form, or saved), in `agencies`'
/// order, joined: what a conflict compares.
pub(crate) fn agency_names(agencies: &[domain::directory::Agency], ids: &[String]) -> String {
    let names: Vec<&str> =
        agencies.iter().filter(|a| ids.contains(&a.id.to_string())).map(|a| a.name.as_str()).collect();
    names.join(", ")
}

/// A choice in a list of options: its value, its label and whether it is chosen.
pub(crate) struct Choice {
    pub value: String,
    pub label: String,
    pub chosen: bool,
}

/// The agencies as choices (checkboxes), those in `chosen` ticked.
pub(crate) async fn agency_choices(state: &AppState, chosen: &[String]) -> Result<Vec<Choice>, WebError> {
    Ok(state
        .directory()
        .agencies()
        .await?
        .into_iter()
        .map(|a| Choice { chosen: chosen.contains(&a.id.to_string()), value: a.id.to_string(), label: a.name })
        .collect())
}

pub(crate) fn pack_choices(t: Texts, chosen: &str) -> Vec<Choice> {
    PACKS
        .iter()
        .map(|(code, zone)| Choice {
            value: (*code).into(),
            label: format!("{} ({zone})", t.get(&format!("admin.pack.{code}"))),
            chosen: *code == chosen,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "admin/index.html")]
struct IndexPage {
    page: Page,
}

async fn index(State(state): State<AppState>, Member(me, context): Member) -> Result<Response, WebError> {
    // The same check and audit as the lists behind the links.
    state.administration().agencies(&me.actor).await?;
    ok(&IndexPage { page: Page::new(&context, context.texts.get("admin.title")) })
}

// --- agencies ---

struct AgencyRow {
    id: String,
    name: String,
    kind: String,
    contact: String,
}

#[derive(Template)]
#[template(path = "admin/agencies.html")]
struct AgenciesPage {
    page: Page,
    agencies: Vec<AgencyRow>,
    kinds: Vec<Choice>,
    errors: ErrorList,
    posted: Posted,
}

async fn agencies_page(
    state: &AppState,
    me: &SignedIn,
    context: &RequestContext,
    errors: ErrorList,
    posted: Posted,
) -> Result<AgenciesPage, WebError> {
    let t = context.texts;
    let agencies = state
        .administration()
        .agencies(&me.actor)
        .await?
        .into_iter()
        .map(|r| AgencyRow {
            id: r.agency.id.to_string(),
            kind: t.get(&format!("agency_kind.{}", r.agency.kind.code())).to_owned(),
            name: r.agency.name,
            contact: r.contact,
        })
        .collect();
    let kind = posted.get("kind");
    let kinds = AgencyKind::ALL
        .iter()
        .map(|k| Choice {
            value: k.code().into(),
            label: t.get(&format!("agency_kind.{}", k.code())).to_owned(),
            chosen: k.code() == kind,
        })
        .collect();
    Ok(AgenciesPage { page: Page::new(context, t.get("admin.agencies.title")), agencies, kinds, errors, posted })
}

async fn agencies(State(state): State<AppState>, Member(me, context): Member) -> Result<Response, WebError> {
    ok(&agencies_page(&state, &me, &context, ErrorList::default(), Posted::default()).await?)
}

async fn add_agency(
    State(state): State<AppState>,
    Member(me, context): Member,
    posted: Posted,
) -> Result<Response, WebError> {
    let input = AgencyInput { name: posted.get("name"), kind: posted.get("kind"), contact: posted.get("contact") };
    let result = state.administration().add_agency(&me.actor, &input).await.map(|_| "/admin/agencies".to_owned());
    answer(result, context.texts, |errors| agencies_page(&state, &me, &context, errors, posted)).await
}

// --- locations ---

struct LocationRow {
    code: String,
    name: String,
    pack: String,
    time_zone: String,
    agencies: String,
}

#[derive(Template)]
#[template(path = "admin/locations.html")]
struct LocationsPage {
    page: Page,
    locations: Vec<LocationRow>,
    packs: Vec<Choice>,
    agencies: Vec<Choice>,
    errors: ErrorList,
    posted: Posted,
}

async fn locations_page(
    state: &AppState,
    me: &SignedIn,
    context: &RequestContext,
    errors: ErrorList,
    posted: Posted,
) -> Result<LocationsPage, WebError> {
    let t = context.texts;
    let names = state.directory().agencies().await?;
    let locations = state
        .administration()
        .locations(&me.actor)
        .await?
        .into_iter()
        .map(|r| LocationRow {
            agencies: r
                .location
                .agencies
                .iter()
                .filter_map(|id| names.iter().find(|a| a.id == *id).map(|a| a.name.as_str()))
                .collect::<Vec<_>>()
                .join(", "),
            pack: t.get(&format!("admin.pack.{}", r.location.pack)).to_owned(),
            code: r.location.code,
            name: r.location.name,
            time_zone: r.time_zone,
        })
        .collect();
    Ok(LocationsPage {
        page: Page::new(context, t.get("admin.locations.title")),
        locations,
        packs: pack_choices(t, &posted.get("pack")),
        agencies: agency_choices(state, &posted.all("agencies")).await?,
        errors,
        posted,
    })
}

async fn locations(State(state): State<AppState>, Member(me, context): Member) -> Result<Response, WebError> {
    ok(&locations_page(&state, &me, &context, ErrorList::default(), Posted::default()).await?)
}

async fn add_location(
    State(state): State<AppState>,
    Member(me, context): Member,
    posted: Posted,
) -> Result<Response, WebError> {
    let input = LocationInput {
        name: posted.get("name"),
        pack: posted.get("pack"),
        time_zone: posted.get("time_zone"),
        code: posted.get("code"),
        agencies: posted.all("agencies"),
    };
    let result = state.administration().add_location(&me.actor, &input).await.map(|_| "/admin/locations".to_owned());
    answer(result, context.texts, |errors| locations_page(&state, &me, &context, errors, posted)).await
}
