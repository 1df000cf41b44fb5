//! Project groups in the pages: the groups an agency supports (`/project-groups`), naming
//! several service users together with their consent (`/project-groups/new`, the person picker
//! choosing the members), and a group's page with its members, what each grant pot granted
//! it, what it bought, and the forms to grant it money and to commit a purchase
//! (`/project-groups/{id}`). Approving, paying out and voiding happen on the fund's ledger.

use super::{line, money, transfer_input};
use crate::AppState;
use crate::auth::Member;
use crate::error::WebError;
use crate::forms::{ErrorList, Posted};
use crate::measures::picker::{PersonPicker, PickerSpec, is_search, person_picker};
use crate::page::{Page, after_post, ok};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use domain::funds::service::groups::GroupInput;
use domain::funds::{FundId, GroupId};
use domain::validation::{FieldError, ValidationErrors};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/project-groups", get(list))
        .route("/project-groups/new", get(form).post(create))
        .route("/project-groups/{id}", get(show))
        .route("/project-groups/{id}/transfers", post(transfer))
}

fn group_id(raw: &str) -> Result<GroupId, WebError> {
    GroupId::parse(raw).ok_or(WebError::NotFound)
}

pub struct GroupRow {
    pub id: String,
    pub name: String,
    pub project: String,
    pub members: usize,
}

#[derive(Template)]
#[template(path = "project_groups.html")]
struct ListPage {
    page: Page,
    groups: Vec<GroupRow>,
}

/// `GET /project-groups`: the groups the member's agency supports.
async fn list(State(state): State<AppState>, Member(me, context): Member) -> Result<Response, WebError> {
    let t = context.texts;
    let zone = state.member_zone(&me.actor).await?;
    let groups = state
        .funds_in(&zone.zone)
        .groups(&me.actor)
        .await?
        .into_iter()
        .map(|g| GroupRow { id: g.id.to_string(), name: g.name, project: g.project, members: g.members.len() })
        .collect();
    ok(&ListPage { page: Page::new(&context, t.get("groups.title")), groups })
}

#[derive(Template)]
#[template(path = "project_group_new.html")]
struct NewPage {
    page: Page,
    errors: ErrorList,
    form: Posted,
    picker: PersonPicker,
}

async fn new_page(state: &AppState, member: &Member, errors: ErrorList, form: Posted) -> Result<NewPage, WebError> {
    let Member(me, context) = member;
    let t = context.texts;
    let spec = PickerSpec { name: "members", key: "members", legend: "groups.members.legend", multiple: true };
    let posted = (!form.is_empty()).then_some(&form);
    let picker = person_picker(state, me, t, spec, posted, &errors).await?;
    Ok(NewPage { page: Page::new(context, t.get("groups.new.title")), errors, form, picker })
}

/// `GET /project-groups/new`: the form (the use case decides who may name a group).
async fn form(State(state): State<AppState>, member: Member) -> Result<Response, WebError> {
    ok(&new_page(&state, &member, ErrorList::default(), Posted::default()).await?)
}

/// `POST /project-groups/new`: a search in the picker shows the form again; otherwise the
/// group is named and its page shown.
async fn create(State(state): State<AppState>, member: Member, posted: Posted) -> Result<Response, WebError> {
    if is_search(&posted) {
        return ok(&new_page(&state, &member, ErrorList::default(), posted).await?);
    }
    let input = GroupInput {
        name: posted.get("name"),
        project: posted.get("project"),
        goals: posted.get("goals"),
        members: posted.all("members"),
        consented: posted.checked("consented"),
    };
    let zone = state.member_zone(&member.0.actor).await?;
    let result = state
        .funds_in(&zone.zone)
        .create_group(&member.0.actor, &input)
        .await
        .map(|g| format!("/project-groups/{}", g.id));
    let t = member.1.texts;
    after_post(result, t, |errors| new_page(&state, &member, errors, posted.clone())).await
}

pub struct GroupFundRow {
    pub fund_id: String,
    pub name: String,
    pub available: String,
    pub pending: String,
    pub committed: String,
    pub spent: String,
}

#[derive(Template)]
#[template(path = "project_group.html")]
struct GroupPage {
    page: Page,
    errors: ErrorList,
    form: Posted,
    id: String,
    project: String,
    goals: String,
    /// (name or "not shown", consented on).
    members: Vec<(String, String)>,
    funds: Vec<GroupFundRow>,
    lines: Vec<super::LineView>,
    grant_pots: Vec<(String, String)>,
    transfer_id: String,
    /// "When (Europe/London)": the zone the times are in.
    when_heading: String,
}

async fn group_page(
    state: &AppState,
    member: &Member,
    id: GroupId,
    errors: ErrorList,
    form: Posted,
) -> Result<GroupPage, WebError> {
    let Member(me, context) = member;
    let t = context.texts;
    // The supporting agency's zone, named in the heading.
    let page_zone = state.member_zone(&me.actor).await?;
    let zone = &page_zone.zone;
    let file = state.funds_in(zone).group_file(&me.actor, id).await?;
    Ok(GroupPage {
        page: Page::new(context, &file.group.name),
        when_heading: page_zone.heading(t, "funds.when"),
        errors,
        form,
        id: id.to_string(),
        project: file.group.project.clone(),
        goals: file.group.goals.clone(),
        members: file
            .group
            .members
            .iter()
            .map(|m| {
                let name = file.names.get(&m.person).cloned().unwrap_or_else(|| t.get("funds.someone").to_string());
                (name, m.consented_on.to_string())
            })
            .collect(),
        funds: file
            .funds
            .iter()
            .map(|f| GroupFundRow {
                fund_id: f.fund.id.to_string(),
                name: f.fund.name.clone(),
                available: money(f.available_cents, t.lang),
                pending: money(f.granted_pending_cents, t.lang),
                committed: money(f.committed_cents, t.lang),
                spent: money(f.spent_cents, t.lang),
            })
            .collect(),
        lines: file.transfers.iter().map(|tr| line(tr, t, zone)).collect(),
        grant_pots: file.grant_pots.iter().map(|f| (f.id.to_string(), f.name.clone())).collect(),
        transfer_id: domain::ids::new_v7(state.clock.now()).to_string(),
    })
}

/// `GET /project-groups/{id}`: the group, for keepers of the agency that supports it.
async fn show(State(state): State<AppState>, member: Member, Path(id): Path<String>) -> Result<Response, WebError> {
    let id = group_id(&id)?;
    ok(&group_page(&state, &member, id, ErrorList::default(), Posted::default()).await?)
}

/// `POST /project-groups/{id}/transfers`: a grant from a grant pot, a purchase the group
/// commits, or money the group gives back (release).
async fn transfer(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<String>,
    posted: Posted,
) -> Result<Response, WebError> {
    let id = group_id(&id)?;
    let mut input = transfer_input(&posted, None);
    input.group_id = id.to_string();
    // No fund chosen is a field to fill in, not a fund that does not exist.
    let result = match uuid::Uuid::parse_str(posted.get("fund").trim()).map(FundId) {
        Ok(fund) => {
            let zone = state.member_zone(&member.0.actor).await?;
            state
                .funds_in(&zone.zone)
                .transfer(&member.0.actor, fund, &input)
                .await
                .map(|_| format!("/project-groups/{id}"))
        }
        Err(_) => {
            let mut errors = ValidationErrors::default();
            errors.push(FieldError::new("fund", "error.funds.choose_fund"));
            Err(errors.into())
        }
    };
    let t = member.1.texts;
    after_post(result, t, |errors| group_page(&state, &member, id, errors, posted.clone())).await
}
