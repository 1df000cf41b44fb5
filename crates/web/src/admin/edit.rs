//! Editing an agency (`/admin/agencies/{agency}`: name, kind, contact; deleting one made by
//! mistake) and a ZSM location or custody suite (`/admin/locations/{location}`: name, pack, time
//! zone, the agencies at the table). A refused form comes back as typed: 422 with an error
//! summary naming each field, or 409 when another administrator saved meanwhile, with what is
//! saved now beside it.

use super::{
    Choice, Conflict, EditForm, RefusedEdit, SavedField, agency_choices, edit_refused, pack_choices, posted_version,
    saved_or_refused,
};
use crate::AppState;
use crate::auth::{Member, RequestContext, SignedIn};
use crate::error::WebError;
use crate::forms::{ErrorList, Posted};
use crate::i18n::Texts;
use crate::page::{Page, ok, render};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use domain::directory::AgencyKind;
use domain::ids::AgencyId;
use domain::partnership::{AdminRecord, AgencyChange, AgencyRecord, LocationChange, LocationRecord};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/agencies/{agency}", get(agency).post(save_agency))
        .route("/admin/agencies/{agency}/delete", post(delete_agency))
        .route("/admin/locations/{location}", get(location).post(save_location))
}

fn agency_id(raw: &str) -> Result<AgencyId, WebError> {
    AgencyId::parse(raw).map_err(|_| WebError::NotFound)
}

pub(crate) fn kind_choices(t: Texts, chosen: &str) -> Vec<Choice> {
    AgencyKind::ALL
        .iter()
        .map(|k| Choice {
            value: k.code().into(),
            label: t.get(&format!("agency_kind.{}", k.code())).to_owned(),
            chosen: k.code() == chosen,
        })
        .collect()
}

// --- agencies ---

#[derive(Template)]
#[template(path = "admin/agency.html")]
struct AgencyPage {
    page: Page,
    id: String,
    version: i64,
    kinds: Vec<Choice>,
    errors: ErrorList,
    posted: Posted,
    conflict: Option<Conflict>,
}

fn agency_form(record: &AgencyRecord) -> Posted {
    Posted(vec![
        ("name".into(), record.agency.name.clone()),
        ("kind".into(), record.agency.kind.code().into()),
        ("contact".into(), record.contact.clone()),
    ])
}

/// The edit page: as typed after a refusal (`refused`), else as saved; after a conflict, what
/// is saved now beside it.
async fn agency_page(
    state: &AppState,
    me: &SignedIn,
    context: &RequestContext,
    id: AgencyId,
    refused: Option<RefusedEdit>,
) -> Result<AgencyPage, WebError> {
    let t = context.texts;
    let current = state.administration().agency(&me.actor, id).await?;
    let form = EditForm::of(refused, || agency_form(&current), current.version);
    let kind_name = |code: &str| t.get(&format!("agency_kind.{code}")).to_owned();
    let key = id.to_string();
    let conflict = form
        .conflict(state, me, t, (AdminRecord::Agency, &key, current.version), |posted| {
            vec![
                SavedField::new(t, "admin.field.name", posted.get("name"), current.agency.name.clone()),
                SavedField::new(
                    t,
                    "admin.field.kind",
                    kind_name(&posted.get("kind")),
                    kind_name(current.agency.kind.code()),
                ),
                SavedField::new(t, "admin.field.contact", posted.get("contact"), current.contact.clone()),
            ]
        })
        .await?;
    let title = t.fill("admin.agencies.edit_title", &[("name", &current.agency.name)]);
    Ok(AgencyPage {
        page: Page::new(context, &title),
        id: key,
        version: form.version,
        kinds: kind_choices(t, &form.posted.get("kind")),
        errors: form.errors,
        posted: form.posted,
        conflict,
    })
}

async fn agency(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    ok(&agency_page(&state, &me, &context, agency_id(&id)?, None).await?)
}

async fn save_agency(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    posted: Posted,
) -> Result<Response, WebError> {
    let id = agency_id(&id)?;
    let change = AgencyChange {
        name: Some(posted.get("name")),
        kind: Some(posted.get("kind")),
        contact: Some(posted.get("contact")),
        version: posted_version(&posted),
    };
    let result = state.administration().edit_agency(&me.actor, id, &change).await;
    saved_or_refused(result, context.texts, "/admin/agencies", posted, |refused| {
        agency_page(&state, &me, &context, id, Some(refused))
    })
    .await
}

async fn delete_agency(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = agency_id(&id)?;
    match state.administration().delete_agency(&me.actor, id).await {
        Ok(()) => Ok(Redirect::to("/admin/agencies").into_response()),
        Err(error) => {
            let (status, errors, _) = edit_refused(error, context.texts)?;
            Ok(render(
                status,
                &agency_page(&state, &me, &context, id, None).await.map(|mut page| {
                    page.errors = errors;
                    page
                })?,
            ))
        }
    }
}

// --- locations ---

#[derive(Template)]
#[template(path = "admin/location.html")]
struct LocationPage {
    page: Page,
    code: String,
    version: i64,
    packs: Vec<Choice>,
    agencies: Vec<Choice>,
    errors: ErrorList,
    posted: Posted,
    conflict: Option<Conflict>,
}

fn location_form(record: &LocationRecord) -> Posted {
    let mut fields = vec![
        ("name".to_owned(), record.location.name.clone()),
        ("pack".to_owned(), record.location.pack.clone()),
        ("time_zone".to_owned(), record.time_zone.clone()),
    ];
    fields.extend(record.location.agencies.iter().map(|a| ("agencies".to_owned(), a.to_string())));
    Posted(fields)
}

async fn location_page(
    state: &AppState,
    me: &SignedIn,
    context: &RequestContext,
    code: &str,
    refused: Option<RefusedEdit>,
) -> Result<LocationPage, WebError> {
    let t = context.texts;
    let current = state.administration().location(&me.actor, code).await?;
    let form = EditForm::of(refused, || location_form(&current), current.version);
    let names = state.directory().agencies().await?;
    let key = (AdminRecord::Location, current.location.code.as_str(), current.version);
    let conflict = form
        .conflict(state, me, t, key, |posted| {
            let ids: Vec<String> = current.location.agencies.iter().map(ToString::to_string).collect();
            let pack_name = |code: &str| t.get(&format!("admin.pack.{code}")).to_owned();
            vec![
                SavedField::new(t, "admin.field.name", posted.get("name"), current.location.name.clone()),
                SavedField::new(
                    t,
                    "admin.field.pack",
                    pack_name(&posted.get("pack")),
                    pack_name(&current.location.pack),
                ),
                SavedField::new(t, "admin.field.time_zone", posted.get("time_zone"), current.time_zone.clone()),
                SavedField::new(
                    t,
                    "admin.field.agencies",
                    super::agency_names(&names, &posted.all("agencies")),
                    super::agency_names(&names, &ids),
                ),
            ]
        })
        .await?;
    let title = t.fill("admin.locations.edit_title", &[("name", &current.location.name)]);
    Ok(LocationPage {
        page: Page::new(context, &title),
        code: current.location.code.clone(),
        version: form.version,
        packs: pack_choices(t, &form.posted.get("pack")),
        agencies: agency_choices(state, &form.posted.all("agencies")).await?,
        errors: form.errors,
        posted: form.posted,
        conflict,
    })
}

async fn location(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    ok(&location_page(&state, &me, &context, &code, None).await?)
}

async fn save_location(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(code): Path<String>,
    posted: Posted,
) -> Result<Response, WebError> {
    let change = LocationChange {
        name: Some(posted.get("name")),
        pack: Some(posted.get("pack")),
        time_zone: Some(posted.get("time_zone")),
        agencies: Some(posted.all("agencies")),
        version: posted_version(&posted),
    };
    let result = state.administration().edit_location(&me.actor, &code, &change).await;
    saved_or_refused(result, context.texts, "/admin/locations", posted, |refused| {
        location_page(&state, &me, &context, &code, Some(refused))
    })
    .await
}
