//! Screening pages: a person's screenings with the change per life domain (chart and table),
//! and the form to record a new screening. Handlers parse, call `Screenings`, render.

mod referrals;
mod views;

use crate::AppState;
use crate::auth::{Member, RequestContext};
use crate::error::WebError;
use crate::forms::{ErrorList, Posted};
use crate::page::{Page, after_post, ok};
use crate::people::PersonPath;
use crate::person_packs::ForPerson;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use domain::access::Permission;
use domain::ids::PersonId;
use domain::screening::service::FormStart;
use domain::screening::{ScreeningInput, prefill};
use referrals::{LocationNames, ReferralView, location_names, referral_view};
pub(crate) use views::pack_lang;
use views::*;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/people/{id}/screenings", get(list).post(record))
        .route("/people/{id}/screenings/new", get(new_form))
        .route("/screenings/waiting", get(referrals::waiting))
}

#[derive(Template)]
#[template(path = "screenings.html")]
struct ScreeningsPage {
    page: Page,
    id: PersonId,
    name: String,
    dates: Vec<String>,
    domains: Vec<DomainHistory>,
    can_screen: bool,
    referrals: Vec<ReferralView>,
}

async fn list(
    State(state): State<AppState>,
    Member(me, context): Member,
    PersonPath(id): PersonPath,
) -> Result<Response, WebError> {
    let here = state.for_person(id).await?;
    let context = here.context(&context);
    let (person, screenings) = here.screenings().list(&me.actor, id, "screenings page").await?;
    let t = context.texts;
    let name = person.display_name();
    let locations = location_names(&state).await?;
    let page = ScreeningsPage {
        page: Page::new(&context, &t.fill("screening.title", &[("name", &name)])),
        id,
        name: name.clone(),
        dates: screenings.iter().map(|s| s.screened_on.to_string()).collect(),
        domains: domain_histories(&screenings, &here.beyond.screening, t),
        can_screen: me.actor.can(Permission::RecordScreening),
        referrals: here
            .screenings()
            .open_referrals(id)
            .await?
            .iter()
            .map(|r| referral_view(r, &here.beyond.screening, (here.zone, &locations), t))
            .collect(),
    };
    ok(&page)
}

#[derive(Template)]
#[template(path = "screening_form.html")]
struct ScreeningForm {
    page: Page,
    id: PersonId,
    name: String,
    screened_on: String,
    rows: Vec<DomainRow>,
    scale: Vec<(u8, String)>,
    errors: ErrorList,
    referrals: Vec<ReferralView>,
}

fn form_page(
    here: &ForPerson<'_>,
    context: &RequestContext,
    start: &FormStart,
    input: &ScreeningInput,
    errors: ErrorList,
    locations: &LocationNames,
) -> ScreeningForm {
    let t = context.texts;
    let config = &here.beyond.screening;
    let id = start.person.id;
    let name = start.person.display_name();
    let zone = here.zone;
    ScreeningForm {
        referrals: start.referrals.iter().map(|r| referral_view(r, config, (zone, locations), t)).collect(),
        page: Page::new(context, &t.fill("screening.new_title", &[("name", &name)])),
        id,
        name,
        screened_on: input.screened_on.clone(),
        rows: domain_rows(config, input, &errors, t),
        errors: name_domains(errors, config, t),
        scale: scale_options(config, t),
    }
}

async fn new_form(
    State(state): State<AppState>,
    Member(me, context): Member,
    PersonPath(id): PersonPath,
) -> Result<Response, WebError> {
    let here = state.for_person(id).await?;
    let context = here.context(&context);
    let start = here.screenings().form(&me.actor, id).await?;
    let entries = prefill(&start.referrals, &here.beyond.screening);
    let input = ScreeningInput { screened_on: here.screenings().today().to_string(), entries };
    let locations = location_names(&state).await?;
    ok(&form_page(&here, &context, &start, &input, ErrorList::default(), &locations))
}

async fn record(
    State(state): State<AppState>,
    Member(me, context): Member,
    PersonPath(id): PersonPath,
    posted: Posted,
) -> Result<Response, WebError> {
    let input = screening_input(&posted);
    let here = state.for_person(id).await?;
    let context = here.context(&context);
    let result = here.screenings().record(&me.actor, id, &input).await.map(|_| format!("/people/{id}/screenings"));
    after_post(result, context.texts, async |errors| {
        let start = here.screenings().form(&me.actor, id).await?;
        let locations = location_names(&state).await?;
        Ok(form_page(&here, &context, &start, &input, errors, &locations))
    })
    .await
}
