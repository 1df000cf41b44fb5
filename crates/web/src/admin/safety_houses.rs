//! Safety Houses / IOM hubs under `/admin/safety-houses`: each an agency with its pack, how many
//! persons a day's case conference takes, the triage cut-off, and the agencies that take part;
//! `/admin/safety-houses/{house}` changes them (agencies join and leave by their tick), a
//! refused change coming back as typed (422, or 409 beside what another saved meanwhile).

use super::{
    Choice, Conflict, EditForm, RefusedEdit, SavedField, agency_choices, agency_names, answer, pack_choices,
    posted_version, saved_or_refused,
};
use crate::AppState;
use crate::auth::{Member, RequestContext, SignedIn};
use crate::error::WebError;
use crate::forms::{ErrorList, Posted};
use crate::page::{Page, ok};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use domain::ids::AgencyId;
use domain::partnership::{AdminRecord, SafetyHouse, SafetyHouseChange, SafetyHouseInput};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/safety-houses", get(list).post(add))
        .route("/admin/safety-houses/{house}", get(house).post(save))
}

struct HouseRow {
    id: String,
    name: String,
    pack: String,
    persons_per_day: u16,
    triage_cutoff: String,
    agencies: String,
}

#[derive(Template)]
#[template(path = "admin/safety_houses.html")]
struct SafetyHousesPage {
    page: Page,
    houses: Vec<HouseRow>,
    packs: Vec<Choice>,
    agencies: Vec<Choice>,
    errors: ErrorList,
    posted: Posted,
}

async fn houses_page(
    state: &AppState,
    me: &SignedIn,
    context: &RequestContext,
    errors: ErrorList,
    posted: Posted,
) -> Result<SafetyHousesPage, WebError> {
    let t = context.texts;
    let names = state.directory().agencies().await?;
    let houses = state
        .administration()
        .safety_houses(&me.actor)
        .await?
        .into_iter()
        .map(|h| HouseRow {
            id: h.agency.agency.id.to_string(),
            agencies: h
                .agencies
                .iter()
                .filter_map(|id| names.iter().find(|a| a.id == *id).map(|a| a.name.as_str()))
                .collect::<Vec<_>>()
                .join(", "),
            pack: t.get(&format!("admin.pack.{}", h.pack)).to_owned(),
            name: h.agency.agency.name,
            persons_per_day: h.persons_per_day,
            triage_cutoff: h.triage_cutoff.strftime("%H:%M").to_string(),
        })
        .collect();
    Ok(SafetyHousesPage {
        page: Page::new(context, t.get("admin.safety_houses.title")),
        houses,
        packs: pack_choices(t, &posted.get("pack")),
        agencies: agency_choices(state, &posted.all("agencies")).await?,
        errors,
        posted,
    })
}

async fn list(State(state): State<AppState>, Member(me, context): Member) -> Result<Response, WebError> {
    ok(&houses_page(&state, &me, &context, ErrorList::default(), Posted::default()).await?)
}

async fn add(State(state): State<AppState>, Member(me, context): Member, posted: Posted) -> Result<Response, WebError> {
    let input = SafetyHouseInput {
        name: posted.get("name"),
        pack: posted.get("pack"),
        contact: posted.get("contact"),
        persons_per_day: posted.get("persons_per_day"),
        triage_cutoff: posted.get("triage_cutoff"),
        agencies: posted.all("agencies"),
    };
    let result =
        state.administration().add_safety_house(&me.actor, &input).await.map(|_| "/admin/safety-houses".to_owned());
    answer(result, context.texts, |errors| houses_page(&state, &me, &context, errors, posted)).await
}

// --- changing one ---

#[derive(Template)]
#[template(path = "admin/safety_house.html")]
struct HousePage {
    page: Page,
    id: String,
    version: i64,
    packs: Vec<Choice>,
    agencies: Vec<Choice>,
    errors: ErrorList,
    posted: Posted,
    conflict: Option<Conflict>,
}

fn house_form(house: &SafetyHouse) -> Posted {
    let mut fields = vec![
        ("name".to_owned(), house.agency.agency.name.clone()),
        ("contact".to_owned(), house.agency.contact.clone()),
        ("pack".to_owned(), house.pack.clone()),
        ("persons_per_day".to_owned(), house.persons_per_day.to_string()),
        ("triage_cutoff".to_owned(), house.triage_cutoff.strftime("%H:%M").to_string()),
    ];
    fields.extend(house.agencies.iter().map(|a| ("agencies".to_owned(), a.to_string())));
    Posted(fields)
}

fn house_id(raw: &str) -> Result<AgencyId, WebError> {
    AgencyId::parse(raw).map_err(|_| WebError::NotFound)
}

async fn house_page(
    state: &AppState,
    me: &SignedIn,
    context: &RequestContext,
    id: AgencyId,
    refused: Option<RefusedEdit>,
) -> Result<HousePage, WebError> {
    let t = context.texts;
    let current = state.administration().safety_house(&me.actor, id).await?;
    let form = EditForm::of(refused, || house_form(&current), current.agency.version);
    let names = state.directory().agencies().await?;
    let key_text = id.to_string();
    let key = (AdminRecord::Agency, key_text.as_str(), current.agency.version);
    let conflict = form
        .conflict(state, me, t, key, |posted| {
            let ids: Vec<String> = current.agencies.iter().map(ToString::to_string).collect();
            let pack_name = |code: &str| t.get(&format!("admin.pack.{code}")).to_owned();
            let cutoff = current.triage_cutoff.strftime("%H:%M").to_string();
            vec![
                SavedField::new(t, "admin.field.name", posted.get("name"), current.agency.agency.name.clone()),
                SavedField::new(t, "admin.field.pack", pack_name(&posted.get("pack")), pack_name(&current.pack)),
                SavedField::new(
                    t,
                    "admin.field.persons_per_day",
                    posted.get("persons_per_day"),
                    current.persons_per_day.to_string(),
                ),
                SavedField::new(t, "admin.field.triage_cutoff", posted.get("triage_cutoff"), cutoff),
                SavedField::new(t, "admin.field.contact", posted.get("contact"), current.agency.contact.clone()),
                SavedField::new(
                    t,
                    "admin.field.agencies",
                    agency_names(&names, &posted.all("agencies")),
                    agency_names(&names, &ids),
                ),
            ]
        })
        .await?;
    let title = t.fill("admin.safety_houses.edit_title", &[("name", &current.agency.agency.name)]);
    Ok(HousePage {
        page: Page::new(context, &title),
        id: key_text.clone(),
        version: form.version,
        packs: pack_choices(t, &form.posted.get("pack")),
        agencies: agency_choices(state, &form.posted.all("agencies"))
            .await?
            .into_iter()
            .filter(|c| c.value != key_text)
            .collect(),
        errors: form.errors,
        posted: form.posted,
        conflict,
    })
}

async fn house(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    ok(&house_page(&state, &me, &context, house_id(&id)?, None).await?)
}

async fn save(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    posted: Posted,
) -> Result<Response, WebError> {
    let id = house_id(&id)?;
    let change = SafetyHouseChange {
        name: Some(posted.get("name")),
        contact: Some(posted.get("contact")),
        pack: Some(posted.get("pack")),
        persons_per_day: Some(posted.get("persons_per_day")),
        triage_cutoff: Some(posted.get("triage_cutoff")),
        agencies: Some(posted.all("agencies")),
        version: posted_version(&posted),
    };
    let result = state.administration().edit_safety_house(&me.actor, id, &change).await;
    saved_or_refused(result, context.texts, "/admin/safety-houses", posted, |refused| {
        house_page(&state, &me, &context, id, Some(refused))
    })
    .await
}
