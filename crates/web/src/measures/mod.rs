//! The measures page of a person: the mayor's exclusion orders (as excluded person, victim or
//! child) and area bans, short intensive case management episodes, and the groups the person
//! is in, each with the forms that change them. Groups have pages of their own (`groups`).
//! Handlers parse the form into an action, call `Measures`, and redirect or re-render.

mod groups;
pub(crate) mod picker;
mod proposals;
mod views;

use crate::AppState;
use crate::auth::{Member, RequestContext, SignedIn};
use crate::error::WebError;
use crate::forms::{ErrorList, Posted, anchor};
use crate::i18n::Texts;
use crate::lookup::member_choices;
use crate::page::{Page, after_post, ok};
use crate::people::PersonPath;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post};
use domain::access::{Actor, Permission};
use domain::ids::PersonId;
use domain::measures::service::Measures;
use domain::measures::{
    BanAction, BanInput, CONTACT_KINDS, EpisodeAction, EpisodeInput, MEMBER_CLASSES, OrderAction, OrderInput,
    may_manage_episode,
};
use domain::plan::service::team_agencies;
use domain::service::{ServiceError, ServiceResult};
use domain::validation::ValidationErrors;
use picker::{PersonPicker, PickerSpec, is_search, person_picker};
use std::fmt::Display;
use store::Store;
use views::*;
pub(crate) use views::{in_force_lines, warning_text};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/people/{id}/measures", get(show))
        .route("/people/{id}/measures/exclusion-orders", post(impose_order))
        .route("/people/{id}/measures/exclusion-orders/change", post(change_order))
        .route("/people/{id}/measures/area-bans", post(impose_ban))
        .route("/people/{id}/measures/area-bans/change", post(change_ban))
        .route("/people/{id}/measures/episodes", post(start_episode))
        .route("/people/{id}/measures/episodes/change", post(change_episode))
        .route("/people/{id}/measures/groups", post(join_group))
        .route("/people/{id}/measures/proposals", post(proposals::propose))
        .route("/people/{id}/measures/proposals/answer", post(proposals::answer))
        .merge(groups::routes())
}

/// An obligation set by a ZSM decision, as one row of the measures page.
struct ZsmObligationView {
    kind: String,
    case: String,
    reference: String,
    period: String,
    details: String,
    monitor: String,
}

/// The obligations the person's ZSM decisions set (the domain decides who may see them).
async fn zsm_obligations(
    state: &AppState,
    me: &SignedIn,
    person: PersonId,
    t: Texts,
) -> Result<Vec<ZsmObligationView>, WebError> {
    let listed = state.zsm().obligations_of_person(&me.actor, person).await?;
    Ok(listed
        .into_iter()
        .map(|o| {
            let kind = o
                .pack
                .obligation_kind(&o.obligation.kind)
                .map_or_else(|| o.obligation.kind.to_string(), |k| crate::zsm::named(k, t));
            let disposal = crate::zsm::disposal_name(o.pack, &o.disposal, t);
            ZsmObligationView {
                kind: format!("{kind} ({disposal})"),
                case: o.case.to_string(),
                reference: o.reference,
                period: format!("{} – {}", o.obligation.starts_on, o.obligation.ends_on),
                details: o.obligation.details.clone(),
                monitor: t.get(&format!("zsm.agency.{}", o.obligation.responsible_agency.as_str())).to_string(),
            }
        })
        .collect())
}

#[derive(Template)]
#[template(path = "measures.html")]
struct MeasuresPage {
    page: Page,
    id: PersonId,
    name: String,
    warnings: Vec<String>,
    orders: Vec<OrderView>,
    /// Obligations of ZSM decisions in force on the person (area ban, treatment, …).
    zsm_obligations: Vec<ZsmObligationView>,
    bans: Vec<BanView>,
    episodes: Vec<EpisodeView>,
    groups: Vec<(String, String)>,
    /// Groups the person can be added to: (id, name).
    group_choices: Vec<(String, String)>,
    agencies: Vec<(String, String)>,
    /// Members who may be an episode's case manager: (id, "name (agency)").
    team_members: Vec<(String, String)>,
    /// The case manager the start form offers first: the member themself when eligible.
    default_manager: String,
    /// "At most 12 weeks to start; extend later with a reason, up to 26 in all."
    weeks_hint: String,
    max_weeks: u8,
    contact_kinds: Vec<(String, String)>,
    classes: Vec<(String, String)>,
    rules_text: String,
    impose_hint: String,
    /// The municipality imposes, extends and lifts the mayor's measures and answers proposals.
    can_decide: bool,
    /// Probation and the process manager propose them.
    can_propose: bool,
    proposals: Vec<proposals::ProposalView>,
    proposal_choices: Vec<(String, String)>,
    ban_statute: String,
    can_manage: bool,
    can_work: bool,
    victims_picker: PersonPicker,
    children_picker: PersonPicker,
    errors: ErrorList,
    posted: Posted,
}

impl MeasuresPage {
    /// The field's key in the error list: the form, the item it changes, the field.
    fn key(form: impl Display, item: impl Display, field: impl Display) -> String {
        let item = item.to_string();
        if item.is_empty() { format!("{form}.{field}") } else { format!("{form}.{item}.{field}") }
    }
    /// The HTML id of a field, which the error summary links to.
    fn fid(&self, form: impl Display, item: impl Display, field: impl Display) -> String {
        anchor(&Self::key(form, item, field))
    }
    fn err(&self, form: impl Display, item: impl Display, field: impl Display) -> Option<&str> {
        self.errors.for_field(&Self::key(form, item, field))
    }
    /// Whether this form (for this item) is the one that was posted.
    fn posted_here(&self, form: impl Display, item: impl Display) -> bool {
        self.posted.get("form") == form.to_string() && posted_item(&self.posted) == item.to_string()
    }
    /// What was typed into this form, when it was the one posted.
    fn val(&self, form: impl Display, item: impl Display, field: impl Display) -> String {
        if self.posted_here(form, item) { self.posted.get(&field.to_string()) } else { String::new() }
    }
    /// The case manager selected on the start form: what was posted, else the member themself.
    fn manager_selected(&self, id: &str) -> bool {
        let posted = self.val("episode_new", "", "case_manager");
        if posted.is_empty() { id == self.default_manager } else { id == posted }
    }
    /// Whether the form's `<details>` opens: it was posted and refused.
    fn open(&self, form: impl Display, item: impl Display) -> bool {
        !self.errors.is_empty() && self.posted_here(form, item)
    }
}

/// The measure a posted form changes (empty for a form that creates one).
fn posted_item(posted: &Posted) -> String {
    ["order", "ban", "episode", "proposal"].iter().map(|f| posted.get(f)).find(|v| !v.is_empty()).unwrap_or_default()
}

async fn measures_page(
    state: &AppState,
    me: &SignedIn,
    context: &RequestContext,
    id: PersonId,
    errors: ErrorList,
    posted: Posted,
) -> Result<MeasuresPage, WebError> {
    let here = state.for_person(id).await?;
    let context = &here.context(context);
    let measures = here.measures();
    let file = measures.of_person(&me.actor, id, "measures page").await?;
    let all_agencies = state.directory().agencies().await?;
    let all_members = state.directory().members().await?;
    let t = context.texts;
    let zone = here.zone;
    let today = measures.today();
    let now = state.clock.now();
    let name = file.person.display_name();
    let context_rules = measures.exclusion_context().ok();
    let orders = match &context_rules {
        Some(rules) => {
            let input = OrderViewInput {
                person: id,
                name: &name,
                names: &file.names,
                agencies: &all_agencies,
                members: &all_members,
                context: rules,
                now,
                t,
                viewer_agency: me.actor.agency_id,
            };
            file.orders.iter().map(|o| order_view(&o.value, &input)).collect()
        }
        None => Vec::new(),
    };
    let on_team = team_agencies(&file.team, today);
    // An episode's case manager: someone of the team who works on plans; the form starts with
    // the member themself when they are one.
    let eligible: Vec<_> = all_members.iter().filter(|m| may_manage_episode(m)).cloned().collect();
    let team_members = member_choices(&eligible, &all_agencies, &on_team);
    let me_eligible = team_members.iter().any(|(id, _)| *id == me.actor.member_id.to_string());
    let default_manager = if me_eligible { me.actor.member_id.to_string() } else { String::new() };
    let episode_rules = &state.beyond.episode;
    let weeks_hint = t.fill(
        "episode.weeks_hint",
        &[
            ("max", &t.number(i64::from(episode_rules.max_weeks))),
            ("total", &t.number(i64::from(episode_rules.max_total_weeks))),
        ],
    );
    let group_choices = measures
        .groups_for_person_page(&me.actor)
        .await?
        .into_iter()
        .map(|g| (g.value.id.to_string(), g.value.name))
        .collect();
    let rules = here.beyond.exclusion_order.as_ref();
    let order_posted = (posted.get("form") == "order_new").then_some(&posted);
    let (victims_key, children_key) =
        (MeasuresPage::key("order_new", "", "victims"), MeasuresPage::key("order_new", "", "children"));
    let spec = |name, key, legend, multiple| PickerSpec { name, key, legend, multiple };
    let victims_picker =
        person_picker(state, me, t, spec("victims", &victims_key, "picker.victims", true), order_posted, &errors)
            .await?;
    let children_picker =
        person_picker(state, me, t, spec("children", &children_key, "picker.children", true), order_posted, &errors)
            .await?;
    Ok(MeasuresPage {
        victims_picker,
        children_picker,
        page: Page::new(context, &t.fill("measures.title", &[("name", &name)])),
        id,
        warnings: file.warnings.iter().map(|w| warning_text(w, &all_agencies, t, zone)).collect(),
        orders,
        zsm_obligations: zsm_obligations(state, me, id, t).await?,
        bans: file.bans.iter().map(|b| ban_view(&b.value, today, t)).collect(),
        episodes: file.episodes.iter().map(|e| episode_view(e, &all_members, today, t, zone)).collect(),
        groups: file.groups.iter().map(|g| (g.value.id.to_string(), g.value.name.clone())).collect(),
        group_choices,
        agencies: all_agencies.iter().map(|a| (a.id.to_string(), a.name.clone())).collect(),
        team_members,
        default_manager,
        weeks_hint,
        max_weeks: episode_rules.max_weeks,
        contact_kinds: CONTACT_KINDS
            .iter()
            .map(|(code, _)| (code.to_string(), t.get(&format!("episode.kind.{code}")).to_string()))
            .collect(),
        classes: MEMBER_CLASSES
            .iter()
            .map(|(code, _)| (code.to_string(), t.get(&format!("group.class.{code}")).to_string()))
            .collect(),
        rules_text: rules
            .map(|r| {
                t.fill(
                    "order.rules",
                    &[
                        ("initial", &r.initial_days.to_string()),
                        ("max", &r.max_total_days.to_string()),
                        ("statute", r.statute_in(t.lang.pack())),
                    ],
                )
            })
            .unwrap_or_default(),
        impose_hint: t.fill("order.impose_hint", &[("name", &name)]),
        ban_statute: here.beyond.area_ban.as_ref().map(|r| r.statute_in(t.lang.pack()).to_string()).unwrap_or_default(),
        can_manage: me.actor.can(Permission::ManagePlan),
        can_decide: me.actor.can(Permission::DecideMayorMeasure),
        can_propose: me.actor.can(Permission::ProposeMayorMeasure),
        proposals: file
            .proposals
            .iter()
            .map(|p| proposals::proposal_view(p, (&all_members, &all_agencies), t, zone))
            .collect(),
        proposal_choices: proposals::measure_choices(t),
        can_work: me.actor.can(Permission::WorkOnPlan),
        name,
        errors,
        posted,
    })
}

async fn show(
    State(state): State<AppState>,
    Member(me, context): Member,
    PersonPath(id): PersonPath,
) -> Result<Response, WebError> {
    ok(&measures_page(&state, &me, &context, id, ErrorList::default(), Posted::default()).await?)
}

/// Refused fields are named after the form (and the item) they were typed into, so the page
/// shows each message beside the right field when several forms share a field name.
fn in_form(result: ServiceResult<()>, posted: &Posted) -> ServiceResult<()> {
    result.map_err(|error| match error {
        ServiceError::Invalid(errors) => {
            let (form, item) = (posted.get("form"), posted_item(posted));
            ServiceError::Invalid(ValidationErrors(
                errors
                    .0
                    .into_iter()
                    .map(|mut e| {
                        e.field = MeasuresPage::key(&form, &item, &e.field);
                        e
                    })
                    .collect(),
            ))
        }
        other => other,
    })
}

/// On to the measures page after a change, or the page again with what to fix.
async fn after_change(
    state: &AppState,
    me: &SignedIn,
    context: &RequestContext,
    id: PersonId,
    result: ServiceResult<()>,
    posted: Posted,
) -> Result<Response, WebError> {
    // A proposal made or answered lands back at the proposals, not at the top of a long page.
    let anchor = if posted.get("form").starts_with("proposal_") { "#proposals" } else { "" };
    let result = in_form(result, &posted).map(|()| format!("/people/{id}/measures{anchor}"));
    after_post(result, context.texts, |errors| measures_page(state, me, context, id, errors, posted)).await
}

fn order_input(p: &Posted) -> OrderInput {
    OrderInput {
        victims: p.all("victims").join("\n"),
        children: p.all("children").join("\n"),
        address: p.get("address"),
        decision_ref: p.get("decision_ref"),
        imposed_at: p.get("imposed_at"),
    }
}

fn order_action(p: &Posted) -> OrderAction {
    let order = p.get("order");
    match p.get("form").as_str() {
        "order_extend" => OrderAction::Extend {
            order,
            to_total_days: p.get("to_total_days"),
            decision_ref: p.get("decision_ref"),
            without_advice_reason: p.get("without_advice_reason"),
        },
        "order_advice" => OrderAction::Advice { order, advice: p.get("advice") },
        "order_help" => OrderAction::AddHelp {
            order,
            for_person: p.get("for_person"),
            owner: p.get("owner"),
            description: p.get("description"),
        },
        "order_help_started" => OrderAction::HelpStarted { order, task: p.get("task") },
        "order_victim_voice" => OrderAction::VictimVoice {
            order,
            victim: p.get("victim"),
            wishes: p.get("wishes"),
            involvement: p.get("involvement"),
            spoken_on: p.get("spoken_on"),
        },
        _ => OrderAction::Lift { order, reason: p.get("reason") },
    }
}

fn ban_input(p: &Posted) -> BanInput {
    BanInput {
        area: p.get("area"),
        decision_ref: p.get("decision_ref"),
        starts_on: p.get("starts_on"),
        ends_on: p.get("ends_on"),
    }
}

fn episode_input(p: &Posted) -> EpisodeInput {
    EpisodeInput {
        case_manager: p.get("case_manager"),
        started_on: p.get("started_on"),
        weeks: p.get("weeks"),
        contacts_per_week: p.get("contacts_per_week"),
    }
}

fn ban_action(p: &Posted) -> BanAction {
    let ban = p.get("ban");
    match p.get("form").as_str() {
        "ban_extend" => BanAction::Extend { ban, ends_on: p.get("ends_on"), decision_ref: p.get("decision_ref") },
        _ => BanAction::Lift { ban, reason: p.get("reason") },
    }
}

fn episode_action(p: &Posted) -> EpisodeAction {
    let episode = p.get("episode");
    match p.get("form").as_str() {
        "episode_contact" => {
            EpisodeAction::Contact { episode, on: p.get("on"), kind: p.get("kind"), note: p.get("note") }
        }
        "episode_extend" => {
            EpisodeAction::Extend { episode, extra_weeks: p.get("extra_weeks"), reason: p.get("reason") }
        }
        _ => EpisodeAction::Close { episode, reason: p.get("reason") },
    }
}

/// A change from one of the page's forms: `call` reads the form and runs the use case. A person
/// picker's search, posted from any of them, shows the page again with the candidates instead
/// and saves nothing.
async fn change(
    state: &AppState,
    me: &SignedIn,
    context: &RequestContext,
    id: PersonId,
    posted: Posted,
    call: impl AsyncFnOnce(&Measures<'_, Store>, &Actor, &Posted) -> ServiceResult<()>,
) -> Result<Response, WebError> {
    if is_search(&posted) && (me.actor.can(Permission::ManagePlan) || me.actor.can(Permission::DecideMayorMeasure)) {
        return ok(&measures_page(state, me, context, id, ErrorList::default(), posted).await?);
    }
    let result = call(&state.for_person(id).await?.measures(), &me.actor, &posted).await;
    after_change(state, me, context, id, result, posted).await
}

async fn impose_order(
    State(state): State<AppState>,
    Member(me, context): Member,
    PersonPath(id): PersonPath,
    posted: Posted,
) -> Result<Response, WebError> {
    change(&state, &me, &context, id, posted, async |m, actor, p| {
        m.impose_order(actor, id, &order_input(p)).await.map(drop)
    })
    .await
}

async fn change_order(
    State(state): State<AppState>,
    Member(me, context): Member,
    PersonPath(id): PersonPath,
    posted: Posted,
) -> Result<Response, WebError> {
    change(&state, &me, &context, id, posted, async |m, actor, p| m.change_order(actor, id, &order_action(p)).await)
        .await
}

async fn impose_ban(
    State(state): State<AppState>,
    Member(me, context): Member,
    PersonPath(id): PersonPath,
    posted: Posted,
) -> Result<Response, WebError> {
    change(&state, &me, &context, id, posted, async |m, actor, p| {
        m.impose_ban(actor, id, &ban_input(p)).await.map(drop)
    })
    .await
}

async fn change_ban(
    State(state): State<AppState>,
    Member(me, context): Member,
    PersonPath(id): PersonPath,
    posted: Posted,
) -> Result<Response, WebError> {
    change(&state, &me, &context, id, posted, async |m, actor, p| m.change_ban(actor, id, &ban_action(p)).await).await
}

async fn start_episode(
    State(state): State<AppState>,
    Member(me, context): Member,
    PersonPath(id): PersonPath,
    posted: Posted,
) -> Result<Response, WebError> {
    change(&state, &me, &context, id, posted, async |m, actor, p| {
        m.start_episode(actor, id, &episode_input(p)).await.map(drop)
    })
    .await
}

async fn change_episode(
    State(state): State<AppState>,
    Member(me, context): Member,
    PersonPath(id): PersonPath,
    posted: Posted,
) -> Result<Response, WebError> {
    change(&state, &me, &context, id, posted, async |m, actor, p| m.change_episode(actor, id, &episode_action(p)).await)
        .await
}

async fn join_group(
    State(state): State<AppState>,
    Member(me, context): Member,
    PersonPath(id): PersonPath,
    posted: Posted,
) -> Result<Response, WebError> {
    change(&state, &me, &context, id, posted, async |m, actor, p| {
        m.join_group(actor, id, &p.get("group"), &p.get("class")).await
    })
    .await
}
