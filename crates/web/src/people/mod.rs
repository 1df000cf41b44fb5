//! People pages: search, person page, add, edit (with conflict detection), case team, audit
//! trail and subject-access export. Handlers parse, call the domain's `People` use cases, render.

mod export;
mod views;

use crate::AppState;
use crate::auth::{Member, RequestContext, SignedIn};
use crate::error::WebError;
use crate::forms::{ErrorList, Posted};
use crate::i18n::Texts;
use crate::page::{Page, after_post, local_time, ok, render};
use askama::Template;
use axum::Router;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use domain::access::{Permission, TeamEntryInput};
use domain::ids::PersonId;
use domain::people::{Identifier, PersonInput};
use domain::service::ServiceError;
use serde::Deserialize;
use views::*;
pub(crate) use views::{BasisForm, basis_form, basis_input};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/people", get(search).post(create))
        .route("/people/new", get(new_form))
        .route("/people/{id}", get(show).post(update))
        .route("/people/{id}/edit", get(edit_form))
        .route("/people/{id}/audit", get(audit_trail))
        .route("/people/{id}/team", get(team_form).post(add_to_team))
        .route("/people/{id}/export", get(export::page))
        .route("/people/{id}/export.json", get(export::json))
}

pub fn person_id(raw: &str) -> Result<PersonId, WebError> {
    raw.parse().map_err(|_| WebError::NotFound)
}

/// The person a page is about, from `/people/{id}/…`; a path that names none is "not found".
pub struct PersonPath(pub PersonId);

impl<S: Send + Sync> FromRequestParts<S> for PersonPath {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        let Path(id) = Path::<String>::from_request_parts(parts, state).await.map_err(IntoResponse::into_response)?;
        person_id(&id).map(PersonPath).map_err(IntoResponse::into_response)
    }
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    page: Page,
    query: String,
    searched: bool,
    results: Vec<ResultRow>,
    results_line: String,
    /// The member may register a case at a ZSM table (police): each result links to intake.
    can_register_zsm: bool,
}

struct ResultRow {
    id: PersonId,
    family_name: String,
    given_names: String,
    birth_date: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SearchQuery {
    q: String,
}

async fn search(
    State(state): State<AppState>,
    Member(me, context): Member,
    Query(query): Query<SearchQuery>,
) -> Result<Response, WebError> {
    let t = context.texts;
    let searched = !query.q.trim().is_empty();
    // Always through the use case: it checks the role even when there is nothing to search.
    let hits = state.people().search(&me.actor, &query.q).await?;
    let results: Vec<ResultRow> = hits
        .into_iter()
        .map(|h| ResultRow {
            id: h.id,
            family_name: h.family_name,
            given_names: h.given_names.unwrap_or_default(),
            birth_date: h.birth_date.map(|d| d.to_string()).unwrap_or_default(),
        })
        .collect();
    let line =
        if results.len() >= domain::people::service::SEARCH_LIMIT as usize { "search.first" } else { "search.results" };
    let results_line = t.fill(line, &[("count", &results.len().to_string())]);
    let page = Page::new(&context, t.get("search.title"));
    let can_register_zsm = may_register_zsm(&me.actor);
    ok(&SearchPage { page, query: query.q, searched, results, results_line, can_register_zsm })
}

/// Whether the member may register a case at a ZSM table (the same rule as the intake form).
fn may_register_zsm(actor: &domain::access::Actor) -> bool {
    domain::zsm::service::Zsm::<store::Store>::may_register(actor).is_ok()
}

#[derive(Template)]
#[template(path = "person_form.html")]
struct PersonForm {
    page: Page,
    action: String,
    version: Option<i64>,
    fields: Vec<Field>,
    identifiers: Vec<IdentifierRow>,
    identifier_kinds: Vec<(&'static str, &'static str)>,
    sex_options: [(&'static str, &'static str); 4],
    basis: Option<BasisForm>,
    errors: ErrorList,
    conflict_notice: Option<String>,
    duplicate: Option<DuplicateNotice>,
    /// Persons the member's agency has with the same name and date of birth: (id, "name, born
    /// date"). Shown with a reason field to create another anyway.
    possible_duplicates: Vec<(PersonId, String)>,
    /// The reason typed to create anyway, kept on a re-rendered form.
    duplicate_reason: String,
}

struct DuplicateNotice {
    message: String,
    /// The person it belongs to, when the member may see them.
    person_id: Option<PersonId>,
}

impl PersonForm {
    fn new(page: Page, action: String, input: &PersonInput, errors: ErrorList) -> Self {
        PersonForm {
            page,
            action,
            version: None,
            fields: person_fields(input, &errors),
            identifiers: identifier_rows(input, &errors),
            identifier_kinds: identifier_kinds(),
            sex_options: SEX_OPTIONS,
            basis: None,
            errors,
            conflict_notice: None,
            duplicate: None,
            possible_duplicates: Vec::new(),
            duplicate_reason: String::new(),
        }
    }
}

fn default_basis() -> TeamEntryInput {
    TeamEntryInput { basis_kind: "statutory_task".into(), ..Default::default() }
}

async fn new_form(Member(me, context): Member) -> Result<Response, WebError> {
    domain::service::require(&me.actor, Permission::CreatePerson)?;
    let t = context.texts;
    let mut form = PersonForm::new(
        Page::new(&context, t.get("person.add_title")),
        "/people".into(),
        &PersonInput::default(),
        ErrorList::default(),
    );
    form.basis = Some(basis_form("team.your_basis", None, default_basis(), ErrorList::default()));
    ok(&form)
}

async fn create(
    State(state): State<AppState>,
    Member(me, context): Member,
    posted: Posted,
) -> Result<Response, WebError> {
    let (input, basis) = (person_input(&posted), basis_input(&posted));
    let t = context.texts;
    let form = |errors: ErrorList| {
        let mut form =
            PersonForm::new(Page::new(&context, t.get("person.add_title")), "/people".into(), &input, errors.clone());
        form.basis = Some(basis_form("team.your_basis", None, basis.clone(), errors));
        form
    };
    let anyway = posted.get("duplicate_reason");
    let result = match state.people().create_checked(&me.actor, &input, &basis, &anyway).await {
        Err(ServiceError::Duplicate { identifier, existing }) => {
            let (errors, duplicate) = duplicate_notice(&identifier, existing, t);
            let mut page = form(errors);
            page.duplicate = Some(duplicate);
            return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page));
        }
        Err(error @ ServiceError::PossibleDuplicate { .. }) => {
            let errors = ErrorList::from_validation(&error.field_errors().unwrap_or_default(), t);
            let ServiceError::PossibleDuplicate { matches, .. } = error else { unreachable!("matched above") };
            let mut page = form(errors);
            page.possible_duplicates = matches
                .iter()
                .map(|m| {
                    let born = m.birth_date.map(|d| d.to_string()).unwrap_or_default();
                    (m.id, t.fill("person.duplicate_line", &[("name", &m.display_name()), ("date", &born)]))
                })
                .collect();
            page.duplicate_reason = anyway;
            return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page));
        }
        result => result.map(|person| format!("/people/{}", person.id)),
    };
    after_post(result, t, |errors| async move {
        let mut page = form(errors);
        page.duplicate_reason = anyway.clone();
        Ok(page)
    })
    .await
}

/// The identifier belongs to someone else: what to fix, and a link to the one it belongs to
/// when the member may see them, or else whom to ask.
fn duplicate_notice(identifier: &Identifier, existing: Option<PersonId>, t: Texts) -> (ErrorList, DuplicateNotice) {
    let key = if existing.is_some() { "error.identifier.taken" } else { "error.identifier.registered" };
    let message = t.fill(key, &[("identifier", &identifier.to_string())]);
    (ErrorList::single("identifiers[0].value", message.clone()), DuplicateNotice { message, person_id: existing })
}

#[derive(Template)]
#[template(path = "person.html")]
struct PersonPage {
    page: Page,
    id: PersonId,
    name: String,
    version_line: String,
    details: Vec<(&'static str, String)>,
    team: Vec<TeamRow>,
    audit: Vec<AuditRow>,
    can_edit: bool,
    can_manage_team: bool,
    /// The member may register a case at a ZSM table (police): a link to intake for this person.
    can_register_zsm: bool,
    /// The mentors' 24-hour helpline on call now (name, number), for a person with a mentor.
    helpline: Option<(String, String)>,
    /// The member's roles refer (data: `referral_side_role`): a link to the finder.
    can_refer: bool,
}

const RECENT_AUDIT: u32 = 15;
const FULL_AUDIT: u32 = 1000;

async fn show(
    State(state): State<AppState>,
    Member(me, context): Member,
    PersonPath(id): PersonPath,
) -> Result<Response, WebError> {
    let (file, audit) = state.people().view_with_trail(&me.actor, id, "person_page", RECENT_AUDIT).await?;
    let zone = &state.config.time_zone;
    let t = context.texts;
    let person = &file.person;
    let team = file
        .team
        .iter()
        .map(|entry| {
            let named = file.team_names.iter().find(|n| n.entry == entry.id);
            TeamRow {
                agency: named.map(|n| n.agency.clone()).unwrap_or_default(),
                basis: basis_text(&entry.basis, t),
                reason: entry.reason.clone(),
                added: format!(
                    "{}, {}",
                    named.map(|n| n.added_by.as_str()).unwrap_or_default(),
                    local_time(entry.added_at, zone)
                ),
                ended: entry.ended_at.is_some(),
            }
        })
        .collect();
    let page = PersonPage {
        page: Page::new(&context, &person.display_name()),
        id,
        name: person.display_name(),
        version_line: t.fill(
            "person.version",
            &[("version", &person.version.to_string()), ("at", &local_time(person.updated_at, zone))],
        ),
        details: detail_rows(&person.details, t),
        team,
        audit: audit_rows(&audit, zone, t),
        can_edit: me.actor.can(Permission::EditPerson),
        can_manage_team: me.actor.can(Permission::ManageTeam),
        can_register_zsm: may_register_zsm(&me.actor),
        helpline: state.mentoring().helpline_for(id).await?.map(|s| (s.name, s.phone)),
        can_refer: state.interventions_in(zone).refers(&me.actor).await?,
    };
    ok(&page)
}

async fn edit_form(
    State(state): State<AppState>,
    Member(me, context): Member,
    PersonPath(id): PersonPath,
) -> Result<Response, WebError> {
    let file = state.people().view_to(&me.actor, id, Permission::EditPerson, "edit_form").await?;
    let t = context.texts;
    let title = t.fill("person.edit_title", &[("name", &file.person.display_name())]);
    let input = PersonInput::from_draft(&file.person.details);
    let mut form = PersonForm::new(Page::new(&context, &title), format!("/people/{id}"), &input, ErrorList::default());
    form.version = Some(file.person.version);
    ok(&form)
}

async fn update(
    State(state): State<AppState>,
    Member(me, context): Member,
    PersonPath(id): PersonPath,
    posted: Posted,
) -> Result<Response, WebError> {
    let input = person_input(&posted);
    let version: i64 = posted.get("version").parse().map_err(|_| WebError::BadRequest("version missing".into()))?;
    let t = context.texts;
    let form = |input: &PersonInput, errors: ErrorList, version: i64| {
        let title = t.fill("person.edit_title", &[("name", &input.family_name)]);
        let mut form = PersonForm::new(Page::new(&context, &title), format!("/people/{id}"), input, errors);
        form.version = Some(version);
        form
    };
    let result = match state.people().update(&me.actor, id, version, &input).await {
        Err(ServiceError::Duplicate { identifier, existing }) => {
            let (errors, duplicate) = duplicate_notice(&identifier, existing, t);
            let mut page = form(&input, errors, version);
            page.duplicate = Some(duplicate);
            return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page));
        }
        Err(ServiceError::Conflict { current }) => {
            // Show what is saved now, so the member can make their change again on top of it.
            let mut page = form(&PersonInput::from_draft(&current.details), ErrorList::default(), current.version);
            page.conflict_notice = Some(t.get("error.conflict").to_string());
            return Ok(render(StatusCode::CONFLICT, &page));
        }
        result => result.map(|_| format!("/people/{id}")),
    };
    after_post(result, t, |errors| async move { Ok(form(&input, errors, version)) }).await
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    page: Page,
    id: PersonId,
    name: String,
    audit: Vec<AuditRow>,
}

async fn audit_trail(
    State(state): State<AppState>,
    Member(me, context): Member,
    PersonPath(id): PersonPath,
) -> Result<Response, WebError> {
    let (file, audit) = state.people().view_with_trail(&me.actor, id, "audit_trail_page", FULL_AUDIT).await?;
    let t = context.texts;
    let page = AuditPage {
        page: Page::new(&context, t.get("audit.title")),
        id,
        name: file.person.display_name(),
        audit: audit_rows(&audit, &state.config.time_zone, t),
    };
    ok(&page)
}

#[derive(Template)]
#[template(path = "team_form.html")]
struct TeamForm {
    page: Page,
    id: PersonId,
    name: String,
    basis: BasisForm,
    errors: ErrorList,
}

async fn team_page(
    state: &AppState,
    me: &SignedIn,
    context: &RequestContext,
    id: PersonId,
    input: TeamEntryInput,
    errors: ErrorList,
) -> Result<TeamForm, WebError> {
    let file = state.people().view_to(&me.actor, id, Permission::ManageTeam, "team_form").await?;
    let on_team: Vec<_> = file.team.iter().filter(|e| e.ended_at.is_none()).map(|e| e.agency_id).collect();
    let agencies = state.directory().agencies().await?;
    let choices =
        agencies.iter().filter(|a| !on_team.contains(&a.id)).map(|a| (a.id.to_string(), a.name.clone())).collect();
    let t = context.texts;
    Ok(TeamForm {
        page: Page::new(context, t.get("team.add")),
        id,
        name: file.person.display_name(),
        basis: basis_form("team.basis", Some(choices), input, errors.clone()),
        errors,
    })
}

async fn team_form(
    State(state): State<AppState>,
    Member(me, context): Member,
    PersonPath(id): PersonPath,
) -> Result<Response, WebError> {
    ok(&team_page(&state, &me, &context, id, default_basis(), ErrorList::default()).await?)
}

async fn add_to_team(
    State(state): State<AppState>,
    Member(me, context): Member,
    PersonPath(id): PersonPath,
    posted: Posted,
) -> Result<Response, WebError> {
    let input = basis_input(&posted);
    let result = state.people().add_to_team(&me.actor, id, &input).await.map(|_| format!("/people/{id}"));
    after_post(result, context.texts, |errors| team_page(&state, &me, &context, id, input, errors)).await
}
