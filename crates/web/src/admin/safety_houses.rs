//! Safety Houses / IOM hubs under `/admin/safety-houses`: each an agency with its pack, how many
//! persons a day's case conference takes, the triage cut-off, and the agencies that take part.

use super::{Choice, agency_choices, answer, pack_choices};
use crate::AppState;
use crate::auth::{Member, RequestContext, SignedIn};
use crate::error::WebError;
use crate::forms::{ErrorList, Posted};
use crate::page::{Page, ok};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use domain::partnership::SafetyHouseInput;

pub fn routes() -> Router<AppState> {
    Router::new().route("/admin/safety-houses", get(list).post(add))
}

struct HouseRow {
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
