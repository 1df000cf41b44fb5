//! Orders from the catalogue and the person's own choices on a person's fund page (issue 20,
//! funds4 branch): a keeper orders units of a catalogue intervention (nights of care, sessions)
//! for the person — the amount is the units times the intervention's unit cost, priced by the
//! use case, never typed — and records what the person chose and why, which the printable
//! statement shows them in plain words.

use super::{in_form, money, statement_page, transfer_input};
use crate::AppState;
use crate::auth::Member;
use crate::error::WebError;
use crate::forms::Posted;
use crate::i18n::Texts;
use crate::page::{after_post, local_time};
use crate::people::PersonPath;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::post;
use domain::funds::{FundId, Transfer, TransferKind};
use domain::interventions::Intervention;

pub fn routes() -> Router<AppState> {
    Router::new().route("/people/{id}/fund/orders", post(order))
}

/// An order's price per unit in the page's language ("€42.50 a unit"; its description says
/// how many); empty for a purchase described in words.
pub fn order_detail(t: &Transfer, texts: Texts) -> String {
    match &t.order {
        Some(order) => texts.fill("funds.order.detail", &[("cost", &money(order.unit_cost_cents, texts.lang))]),
        None => String::new(),
    }
}

/// A catalogue entry as the order form offers it: (id, "name — €42.50 per unit").
pub fn catalogue_option(i: &Intervention, t: Texts) -> (String, String) {
    let cost = money(i.unit_cost_cents.unwrap_or(0), t.lang);
    (i.id.to_string(), t.fill("funds.order.option", &[("name", &i.name), ("cost", &cost)]))
}

/// What the person chose and why, with what it was for: one per commitment that records it.
pub struct ChoiceView {
    pub at: String,
    pub bought: String,
    pub choice: String,
    pub reason: String,
}

/// The person's choices, as recorded with their commitments (a post or void repeats them).
pub fn choices(transfers: &[Transfer], t: Texts, zone: &jiff::tz::TimeZone) -> Vec<ChoiceView> {
    transfers
        .iter()
        .filter(|tr| tr.kind == TransferKind::Commit && !(tr.choice.is_empty() && tr.choice_reason.is_empty()))
        .map(|tr| ChoiceView {
            at: local_time(tr.at, zone),
            bought: match order_detail(tr, t) {
                detail if detail.is_empty() => tr.description.clone(),
                detail => format!("{} ({detail})", tr.description),
            },
            choice: tr.choice.clone(),
            reason: tr.choice_reason.clone(),
        })
        .collect()
}

/// `POST /people/{id}/fund/orders`: orders units of a catalogue intervention for the person,
/// reserved from their fund like any commitment (approved above the fund's threshold, posted
/// with the invoice or voided on the fund's page).
async fn order(
    State(state): State<AppState>,
    member: Member,
    PersonPath(person): PersonPath,
    posted: Posted,
) -> Result<Response, WebError> {
    let fund = uuid::Uuid::parse_str(posted.get("fund").trim()).map(FundId).map_err(|_| WebError::NotFound)?;
    let mut input = transfer_input(&posted, Some(person));
    input.kind = "commit".into();
    // The amount is the catalogue's, never the form's; units left out are none ordered, so an
    // empty form is refused as an order (what and how many), not as a purchase in words.
    input.amount_cents = None;
    input.units = input.units.or(Some(0));
    let zone = state.person_zone(person).await?;
    let result = state
        .funds_in(&zone.zone)
        .transfer(&member.0.actor, fund, &input)
        .await
        .map(|_| format!("/people/{person}/fund"));
    // Not enough money left, or above the person's limit: the units are what to change.
    let result = result.map_err(|error| match error.field_errors() {
        Some(mut errors) => {
            errors.0.iter_mut().filter(|e| e.field == "amount_cents").for_each(|e| e.field = "units".into());
            domain::service::ServiceError::Invalid(errors)
        }
        None => error,
    });
    let fields = ["fund", "intervention_id", "units", "description", "goal", "goal_id", "choice", "choice_reason"];
    let result = in_form(result, "fund_order", &fields);
    let t = member.1.texts;
    after_post(result, t, |errors| statement_page(&state, &member, person, errors, (Posted::default(), posted.clone())))
        .await
}
