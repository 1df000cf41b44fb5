//! Contracts under `/contracts` (issue 21): who commissions whom, which decides whose work a
//! commissioner sees on the evidence pages. Administrators list every contract, add one and end
//! one on a day (the ending is kept beside the contract, never a delete); a commissioner reads
//! their own agency's contracts, without the forms. Everyone else is refused, on record.

use super::{Choice, agency_choices, form_errors};
use crate::AppState;
use crate::auth::{Member, RequestContext, SignedIn};
use crate::error::WebError;
use crate::forms::{ErrorList, Posted};
use crate::page::{Page, ok, render};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use domain::access::Permission;
use domain::partnership::service::contracts::{ContractInput, ContractRecord, EndContractInput};
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new().route("/contracts", get(list).post(add)).route("/contracts/{contract}/end", post(end))
}

struct ContractRow {
    id: String,
    commissioner: String,
    provider: String,
    /// The intervention it buys, or "every intervention of the provider".
    intervention: String,
    starts_on: String,
    /// The last day, when it has one.
    ends_on: Option<String>,
    reference: String,
    /// Why this row's end form was refused, shown beside its date field.
    end_error: Option<String>,
    /// What was typed into that refused form.
    typed_end: String,
}

#[derive(Template)]
#[template(path = "admin/contracts.html")]
struct ContractsPage {
    page: Page,
    /// Administrators keep contracts; a commissioner only reads their own.
    keeps: bool,
    contracts: Vec<ContractRow>,
    commissioners: Vec<Choice>,
    providers: Vec<Choice>,
    interventions: Vec<Choice>,
    errors: ErrorList,
    posted: Posted,
}

/// The page; `refused` names the contract whose end form comes back with errors.
async fn contracts_page(
    state: &AppState,
    me: &SignedIn,
    context: &RequestContext,
    errors: ErrorList,
    posted: Posted,
    refused: Option<Uuid>,
) -> Result<ContractsPage, WebError> {
    let t = context.texts;
    let administration = state.administration();
    let records: Vec<ContractRecord> = administration.contracts(&me.actor).await?;
    let keeps = me.actor.can(Permission::ManageMembers);
    let agencies = state.directory().agencies().await?;
    let interventions = administration.contract_interventions(&me.actor).await?;
    let agency = |id: Uuid| agencies.iter().find(|a| *a.id.as_uuid() == id).map(|a| a.name.clone()).unwrap_or_default();
    let every = t.get("contracts.every_intervention");
    let contracts = records
        .iter()
        .rev()
        .map(|r| {
            let c = &r.contract;
            let intervention = c.intervention.map_or_else(
                || every.to_owned(),
                |id| {
                    interventions
                        .iter()
                        .find(|i| *i.id.as_uuid() == id)
                        .map_or_else(|| id.to_string(), |i| i.name.clone())
                },
            );
            let refused = refused == Some(c.id);
            let end_error = errors.for_field(&format!("end-{}", c.id)).map(str::to_owned);
            ContractRow {
                id: c.id.to_string(),
                commissioner: agency(c.commissioner),
                provider: agency(c.provider),
                intervention,
                starts_on: c.starts_on.to_string(),
                ends_on: c.ends_on.map(|d| d.to_string()),
                reference: c.reference.clone(),
                typed_end: if refused { posted.get("ends_on") } else { String::new() },
                end_error,
            }
        })
        .collect();
    let intervention_choices = interventions
        .iter()
        .filter(|_| keeps)
        .map(|i| Choice {
            value: i.id.to_string(),
            label: format!("{} — {}", i.name, agency(*i.provider.as_uuid())),
            chosen: posted.get("intervention_id") == i.id.to_string(),
        })
        .collect();
    // A refused end form keeps the add form empty.
    let add_form = if refused.is_some() { Posted::default() } else { posted.clone() };
    Ok(ContractsPage {
        page: Page::new(context, t.get("contracts.title")),
        keeps,
        contracts,
        commissioners: agency_choices(state, &[add_form.get("commissioner_id")]).await?,
        providers: agency_choices(state, &[add_form.get("provider_id")]).await?,
        interventions: intervention_choices,
        errors,
        posted: add_form,
    })
}

async fn list(State(state): State<AppState>, Member(me, context): Member) -> Result<Response, WebError> {
    ok(&contracts_page(&state, &me, &context, ErrorList::default(), Posted::default(), None).await?)
}

async fn add(State(state): State<AppState>, Member(me, context): Member, posted: Posted) -> Result<Response, WebError> {
    let input = ContractInput {
        commissioner_id: posted.get("commissioner_id"),
        provider_id: posted.get("provider_id"),
        intervention_id: posted.get("intervention_id"),
        starts_on: posted.get("starts_on"),
        ends_on: posted.get("ends_on"),
        reference: posted.get("reference"),
    };
    match state.administration().add_contract(&me.actor, &input).await {
        Ok(_) => Ok(Redirect::to("/contracts").into_response()),
        Err(error) => {
            let (status, errors) = form_errors(error, context.texts)?;
            Ok(render(status, &contracts_page(&state, &me, &context, errors, posted, None).await?))
        }
    }
}

async fn end(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    posted: Posted,
) -> Result<Response, WebError> {
    let id = Uuid::parse_str(id.trim()).map_err(|_| WebError::NotFound)?;
    let input = EndContractInput { ends_on: posted.get("ends_on") };
    match state.administration().end_contract(&me.actor, id, &input).await {
        Ok(_) => Ok(Redirect::to("/contracts").into_response()),
        Err(error) => {
            let (status, mut errors) = form_errors(error, context.texts)?;
            // The summary links to this row's date field (the add form has an `ends_on` too).
            for item in &mut errors.items {
                item.field = format!("end-{id}");
                item.anchor = item.field.clone();
            }
            Ok(render(status, &contracts_page(&state, &me, &context, errors, posted, Some(id)).await?))
        }
    }
}
