//! Personal funds in the pages: a person's fund statement (plain language, printable) with the
//! forms a fund keeper records allocations, commitments and releases with; the funds an agency
//! holds with their spend; a fund's ledger with the commitments waiting for approval, posting
//! (with the invoice) and voiding. The JSON form is `api/funds.rs`.

use crate::AppState;
use crate::auth::Member;
use crate::error::WebError;
use crate::forms::{ErrorList, Posted};
use crate::i18n::Texts;
use crate::page::{Page, after_post, local_time, ok};
use crate::people::PersonPath;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use domain::funds::service::reports::Whom;
use domain::funds::service::{TransferInput, person_fund, spend_by_goal};
use domain::funds::{AccountCode, Fund, FundId, Phase, Transfer, TransferId, TransferKind};
use domain::ids::PersonId;
use domain::service::{ServiceError, ServiceResult};
use evidence::svg::{Bar, ChartSize, bar_chart_sized};

// Opening a fund in the pages (lifechange branch).
mod open;
// Money in the page's language; orders from the catalogue and the person's choices (funds4).
mod money;
mod orders;

pub use money::{money, parse_euros};
// Project groups and their grants; the fund reports (grants branch).
mod groups;
mod reports;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(open::routes())
        .merge(groups::routes())
        .merge(reports::routes())
        .route("/people/{id}/fund", get(statement))
        .route("/people/{id}/fund/transfers", post(person_transfer))
        .route("/funds", get(funds))
        .route("/funds/{fund}", get(ledger))
        .route("/funds/{fund}/commitments/{transfer}", post(resolve))
        .merge(orders::routes())
}

/// One line of a statement, in plain words.
pub struct LineView {
    pub at: String,
    pub what: String,
    pub amount: String,
    pub goal: String,
    pub description: String,
    pub invoice: String,
    /// An order's units and price ("14 × €42.50"); empty for a purchase in words.
    pub order: String,
}

fn line(t: &Transfer, texts: Texts, zone: &jiff::tz::TimeZone) -> LineView {
    let key = match (t.kind, t.phase) {
        (TransferKind::Commit, _) if t.needs_approval => "funds.line.commit_approval",
        (TransferKind::Grant, _) if t.needs_approval => "funds.line.grant_approval",
        (TransferKind::Post, _) if matches!(t.credit, AccountCode::Group(_)) => "funds.line.grant_paid",
        (TransferKind::Void, _) if matches!(t.credit, AccountCode::Group(_)) => "funds.line.grant_void",
        (TransferKind::Post, Phase::PostPending { reserved }) if reserved > t.amount_cents => "funds.line.post_less",
        (TransferKind::Commit, _) if t.order.is_some() => "funds.line.order",
        (kind, _) => match kind {
            TransferKind::Budget => "funds.line.budget",
            TransferKind::Allocate => "funds.line.allocate",
            TransferKind::Commit => "funds.line.commit",
            TransferKind::Post => "funds.line.post",
            TransferKind::Void => "funds.line.void",
            TransferKind::Release => "funds.line.release",
            TransferKind::Reverse => "funds.line.reverse",
            TransferKind::Grant => "funds.line.grant",
        },
    };
    LineView {
        at: local_time(t.at, zone),
        what: texts.get(key).to_string(),
        amount: money(t.amount_cents, texts.lang),
        goal: t.goal.clone(),
        description: t.description.clone(),
        invoice: t.invoice_ref.clone().unwrap_or_default(),
        order: orders::order_detail(t, texts),
    }
}

pub struct FigureView {
    pub fund_id: String,
    pub name: String,
    pub stream: String,
    pub available: String,
    pub committed: String,
    pub spent: String,
    pub allocated: String,
}

#[derive(Template)]
#[template(path = "fund_statement.html")]
struct StatementPage {
    page: Page,
    errors: ErrorList,
    person_id: String,
    person_name: String,
    figures: Vec<FigureView>,
    lines: Vec<LineView>,
    /// Funds the member keeps: the forms are shown for these.
    kept: Vec<(String, String)>,
    /// A fresh transfer id: sending the form twice records it once.
    transfer_id: String,
    form: Posted,
    helpline: Option<(String, String)>,
    kinds: Vec<(&'static str, &'static str)>,
    /// "When (Europe/Rome)".
    when_heading: String,
    /// The goals of the person's plan, (id, their own words): a purchase chooses one. Empty:
    /// no plan, and the goal is written in words.
    plan_goals: Vec<(String, String)>,
    /// The order form (funds4 branch): the catalogue entries with a unit cost, what was typed
    /// into it, and what the person chose and why on each commitment (the statement prints it).
    catalogue: Vec<(String, String)>,
    order_form: Posted,
    choices: Vec<orders::ChoiceView>,
}

async fn statement_page(
    state: &AppState,
    member: &Member,
    person: PersonId,
    errors: ErrorList,
    (form, order_form): (Posted, Posted),
) -> Result<StatementPage, WebError> {
    let Member(me, context) = member;
    let t = context.texts;
    // In the person's zone (a Turin probationer's fund in Rome time), named in the heading.
    let zone = state.person_zone(person).await?;
    let funds = state.funds_in(&zone.zone);
    let statement = funds.statement(&me.actor, person, "page: fund").await?;
    let figures = statement
        .funds
        .iter()
        .map(|f| FigureView {
            fund_id: f.fund.id.to_string(),
            name: f.fund.name.clone(),
            stream: f.fund.stream.clone(),
            available: money(f.available_cents, t.lang),
            committed: money(f.committed_cents, t.lang),
            spent: money(f.spent_cents, t.lang),
            allocated: money(f.allocated_cents, t.lang),
        })
        .collect();
    // The funds the person already has come first: the form chooses the first.
    let mut held = funds.held_funds(&me.actor).await?;
    held.sort_by_key(|f| !statement.funds.iter().any(|p| p.fund.id == f.id));
    let kept = held.into_iter().map(|f| (f.id.to_string(), f.name)).collect();
    let now = state.mentoring().helpline_for(person).await?;
    Ok(StatementPage {
        page: Page::new(context, t.get("funds.statement.title")),
        errors,
        person_id: person.to_string(),
        person_name: statement.person.person.display_name(),
        figures,
        lines: statement
            .transfers
            .iter()
            .filter(|t| t.kind != TransferKind::Budget)
            .map(|tr| line(tr, t, &zone.zone))
            .collect(),
        when_heading: zone.heading(t, "funds.when"),
        kept,
        transfer_id: domain::ids::new_v7(state.clock.now()).to_string(),
        form,
        helpline: now.map(|s| (s.name, s.phone)),
        kinds: ["commit", "allocate", "release"]
            .into_iter()
            .map(|k| (k, t.text(&format!("funds.kind_of_transfer.{k}"))))
            .collect(),
        plan_goals: statement.plan_goals.iter().map(|g| (g.id.to_string(), g.in_own_words.clone())).collect(),
        catalogue: statement.orderable.iter().map(|i| orders::catalogue_option(i, t)).collect(),
        order_form,
        choices: orders::choices(&statement.transfers, t, &zone.zone),
    })
}

/// `GET /people/{id}/fund`: the person's fund statement (the read is audited).
async fn statement(
    State(state): State<AppState>,
    member: Member,
    PersonPath(person): PersonPath,
) -> Result<Response, WebError> {
    ok(&statement_page(&state, &member, person, ErrorList::default(), Default::default()).await?)
}

fn transfer_input(posted: &Posted, person: Option<PersonId>) -> TransferInput {
    let amount = posted.get("amount");
    TransferInput {
        id: posted.get("transfer_id"),
        kind: posted.get("kind"),
        person_id: person.map(|p| p.to_string()).unwrap_or_default(),
        group_id: String::new(),
        // Money that does not parse is sent as an impossible amount, refused with the field named.
        amount_cents: if amount.trim().is_empty() { None } else { Some(parse_euros(&amount).unwrap_or(-1)) },
        description: posted.get("description"),
        goal_id: posted.get("goal_id"),
        goal: posted.get("goal"),
        invoice_ref: posted.get("invoice_ref"),
        pending_id: posted.get("pending_id"),
        reverses_id: posted.get("reverses_id"),
        intervention_id: posted.get("intervention_id"),
        // Units that are not a whole number are sent as none, refused with the field named.
        units: match posted.get("units").trim() {
            "" => None,
            typed => Some(typed.parse().unwrap_or(0)),
        },
        choice: posted.get("choice"),
        choice_reason: posted.get("choice_reason"),
    }
}

/// `POST /people/{id}/fund/transfers`: allocate, commit or release for the person.
async fn person_transfer(
    State(state): State<AppState>,
    member: Member,
    PersonPath(person): PersonPath,
    posted: Posted,
) -> Result<Response, WebError> {
    let fund = uuid::Uuid::parse_str(posted.get("fund").trim()).map(FundId).map_err(|_| WebError::NotFound)?;
    let input = transfer_input(&posted, Some(person));
    let zone = state.person_zone(person).await?;
    let result = state
        .funds_in(&zone.zone)
        .transfer(&member.0.actor, fund, &input)
        .await
        .map(|_| format!("/people/{person}/fund"));
    let fields = ["fund", "kind", "amount_cents", "description", "goal", "goal_id", "choice", "choice_reason"];
    let result = in_form(result, "fund_transfer", &fields);
    let t = member.1.texts;
    after_post(result, t, |errors| statement_page(&state, &member, person, errors, (posted.clone(), Posted::default())))
        .await
}

/// The refusal's fields renamed into the form they came from (`<form>.<field>`), so the error
/// summary leads to that form's input and only that form shows the error: the fund page has a
/// form per open commitment. A field the form has no input for (the approval, the commitment
/// itself) is named `<form>.form` and shown at the top of the form.
fn in_form(result: ServiceResult<String>, form: &str, inputs: &[&str]) -> ServiceResult<String> {
    result.map_err(|error| match error.field_errors() {
        Some(errors) => {
            let renamed = errors
                .0
                .into_iter()
                .map(|mut e| {
                    let field = if inputs.contains(&e.field.as_str()) { e.field.as_str() } else { "form" };
                    e.field = format!("{form}.{field}");
                    e
                })
                .collect();
            ServiceError::Invalid(domain::validation::ValidationErrors(renamed))
        }
        None => error,
    })
}

pub struct FundLine {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub stream: String,
    pub period: String,
    pub budget: String,
    pub unallocated: String,
    pub spent: String,
}

#[derive(Template)]
#[template(path = "funds.html")]
struct FundsPage {
    page: Page,
    funds: Vec<FundLine>,
    /// The member's roles keep funds: opening one, the reports and project groups are offered.
    keeper: bool,
}

/// `GET /funds`: the funds the member's agency holds, with what is unallocated and spent.
async fn funds(State(state): State<AppState>, Member(me, context): Member) -> Result<Response, WebError> {
    let t = context.texts;
    let mut lines = Vec::new();
    let zone = state.member_zone(&me.actor).await?;
    let funds = state.funds_in(&zone.zone);
    for fund in funds.held_funds(&me.actor).await? {
        let ledger = funds.ledger(&me.actor, fund.id).await?;
        let pool =
            ledger.accounts.iter().find(|a| a.code == domain::funds::AccountCode::Pool).map_or(0, |a| a.available());
        let spent: i64 = ledger.accounts.iter().filter(|a| a.code.is_spend()).map(|a| a.totals.credit_balance()).sum();
        lines.push(fund_line(&fund, pool, spent, t));
    }
    let keeper = domain::funds::service::keeps_funds(&me.actor);
    ok(&FundsPage { page: Page::new(&context, t.get("funds.title")), funds: lines, keeper })
}

fn fund_line(fund: &Fund, pool: i64, spent: i64, t: Texts) -> FundLine {
    FundLine {
        id: fund.id.to_string(),
        name: fund.name.clone(),
        kind: t.text(&format!("funds.kind.{}", fund.kind.code())).to_string(),
        stream: fund.stream.clone(),
        period: format!("{} – {}", fund.period_start, fund.period_end),
        budget: money(fund.budget_cents, t.lang),
        unallocated: money(pool, t.lang),
        spent: money(spent, t.lang),
    }
}

pub struct CommitmentView {
    pub id: String,
    /// For a grant: the project group's page and name (the person's are empty).
    pub group_id: String,
    pub group: String,
    pub grant: bool,
    pub person_id: String,
    pub person: String,
    pub amount: String,
    pub goal: String,
    pub description: String,
    pub at: String,
    /// Waiting for a second member; `mine`: the member asked for it and may not approve.
    pub waiting: bool,
    pub mine: bool,
    /// This row's refused fields (only the row that was sent shows them) and what was typed.
    pub invoice_error: Option<String>,
    pub amount_error: Option<String>,
    pub form_error: Option<String>,
    pub invoice_typed: String,
    pub amount_typed: String,
    /// What each of the row's buttons acts on, for its accessible name (": what for whom, amount").
    pub acts_on: String,
}

/// The project groups a grant pot gave money to: granted, reserved, spent.
pub struct GroupLine {
    pub group_id: String,
    pub group: String,
    pub granted: String,
    pub available: String,
    pub committed: String,
    pub spent: String,
}

pub struct PersonLine {
    pub person_id: String,
    pub person: String,
    pub available: String,
    pub committed: String,
    pub spent: String,
}

pub struct GoalLine {
    /// The person, or the project group ("Group: …").
    pub whom: String,
    pub goal: String,
    pub bought: String,
    pub spent: String,
}

#[derive(Template)]
#[template(path = "fund_ledger.html")]
struct LedgerPage {
    page: Page,
    errors: ErrorList,
    fund: FundLine,
    /// A grant pot: its open list holds grants too, named as grants.
    grant_pot: bool,
    approval_above: String,
    open: Vec<CommitmentView>,
    people: Vec<PersonLine>,
    groups: Vec<GroupLine>,
    goals: Vec<GoalLine>,
    /// The goal table's bar chart (SVG), beside it.
    goals_chart: String,
    post_id: String,
    /// Just approved (the commitment's id, and what, for whom, and that it may now be paid),
    /// confirmed on its row, where the page opens (funds4 branch).
    approved: Option<(String, String)>,
}

async fn ledger_page(
    state: &AppState,
    member: &Member,
    fund: FundId,
    errors: ErrorList,
    posted: &Posted,
    approved: Option<TransferId>,
) -> Result<LedgerPage, WebError> {
    let Member(me, context) = member;
    let t = context.texts;
    // The fund keeper's zone, named beside each time.
    let zone = state.member_zone(&me.actor).await?;
    let ledger = state.funds_in(&zone.zone).ledger(&me.actor, fund).await?;
    let name = |p: PersonId| ledger.names.get(&p).cloned().unwrap_or_else(|| t.get("funds.someone").to_string());
    let pool = ledger.accounts.iter().find(|a| a.code == domain::funds::AccountCode::Pool).map_or(0, |a| a.available());
    let mut people = Vec::new();
    let mut groups = Vec::new();
    let mut spent_total = 0;
    for account in &ledger.accounts {
        if let AccountCode::GroupSpent(_) = account.code {
            spent_total += account.totals.credit_balance();
        }
        if let AccountCode::Group(g) = account.code {
            let spent = ledger
                .accounts
                .iter()
                .find(|a| a.code == AccountCode::GroupSpent(g))
                .map_or(0, |a| a.totals.credit_balance());
            groups.push(GroupLine {
                group_id: g.to_string(),
                group: ledger.group_names.get(&g).cloned().unwrap_or_else(|| t.get("funds.someone").to_string()),
                // Granted includes a grant still waiting for approval or payment.
                granted: money(account.totals.credits_posted + account.totals.credits_pending, t.lang),
                available: money(account.available(), t.lang),
                committed: money(account.totals.debits_pending, t.lang),
                spent: money(spent, t.lang),
            });
        }
        if let AccountCode::Person(p) = account.code {
            let figures = person_fund(ledger.fund.clone(), p, &ledger.accounts, &ledger.transfers);
            spent_total += figures.spent_cents;
            people.push(PersonLine {
                person_id: p.to_string(),
                person: name(p),
                available: money(figures.available_cents, t.lang),
                committed: money(figures.committed_cents, t.lang),
                spent: money(figures.spent_cents, t.lang),
            });
        }
    }
    // A commitment in words (`key` fills what, whom — the person, or the project group a grant
    // goes to — and the amount): its buttons' names and the approval's confirmation.
    let say = |key: &str, c: &Transfer| {
        let whom = match (c.person, c.group) {
            (Some(p), _) => name(p),
            (None, Some(g)) => ledger.group_names.get(&g).cloned().unwrap_or_default(),
            _ => String::new(),
        };
        let amount = money(c.amount_cents, t.lang);
        t.fill(key, &[("what", &c.description), ("whom", &whom), ("amount", &amount)])
    };
    let open = ledger
        .open
        .iter()
        .map(|c| CommitmentView {
            acts_on: say("funds.acts_on", &c.transfer),
            id: c.transfer.id.to_string(),
            group_id: c.transfer.group.map(|g| g.to_string()).unwrap_or_default(),
            group: c.transfer.group.and_then(|g| ledger.group_names.get(&g).cloned()).unwrap_or_default(),
            grant: c.transfer.kind == TransferKind::Grant,
            person_id: c.transfer.person.map(|p| p.to_string()).unwrap_or_default(),
            person: c.transfer.person.map(name).unwrap_or_default(),
            amount: money(c.transfer.amount_cents, t.lang),
            goal: c.transfer.goal.clone(),
            description: c.transfer.description.clone(),
            at: t.fill("time.in_zone", &[("label", &zone.time(c.transfer.at)), ("zone", &zone.name)]),
            waiting: c.transfer.needs_approval && c.approved_by.is_none(),
            mine: c.transfer.by == me.actor.member_id,
            invoice_error: errors.for_field(&format!("commitment.{}.invoice_ref", c.transfer.id)).map(str::to_owned),
            amount_error: errors.for_field(&format!("commitment.{}.amount_cents", c.transfer.id)).map(str::to_owned),
            form_error: errors.for_field(&format!("commitment.{}.form", c.transfer.id)).map(str::to_owned),
            invoice_typed: typed(posted, c.transfer.id, "invoice_ref"),
            amount_typed: typed(posted, c.transfer.id, "amount"),
        })
        .collect();
    // Counted as the reports count (a group's spend included), so the two tables agree.
    let spend = spend_by_goal(&ledger.transfers);
    let whom = |w: Whom| match w {
        Whom::Person(p) => name(p),
        Whom::Group(g) => ledger
            .group_names
            .get(&g)
            .map(|n| t.fill("funds.reports.group", &[("name", n)]))
            .unwrap_or_else(|| t.get("funds.someone").to_string()),
    };
    let heading = t.get("funds.report.by_goal");
    let bars: Vec<Bar> = spend
        .iter()
        .map(|g| Bar {
            label: format!("{}: “{}”", whom(g.whom), g.words),
            value: Some(g.spent as f64),
            text: money(g.spent, t.lang),
        })
        .collect();
    let max = spend.iter().map(|g| g.spent).max().unwrap_or(0) as f64;
    let desc = t.get("funds.reports.chart_desc");
    let goals_chart = bar_chart_sized("fund-goals", heading, desc, &bars, max, "", ChartSize::BESIDE_TABLE);
    let approved = approved
        .and_then(|id| ledger.open.iter().find(|c| c.transfer.id == id))
        .map(|c| (c.transfer.id.to_string(), say("funds.approved", &c.transfer)));
    let goals = spend
        .iter()
        .map(|g| GoalLine {
            whom: whom(g.whom),
            goal: g.words.clone(),
            bought: g.bought.join("; "),
            spent: money(g.spent, t.lang),
        })
        .collect();
    Ok(LedgerPage {
        page: Page::new(context, &ledger.fund.name),
        errors,
        fund: fund_line(&ledger.fund, pool, spent_total, t),
        grant_pot: ledger.fund.kind == domain::funds::FundKind::GrantPot,
        approval_above: money(ledger.fund.approval_above_cents, t.lang),
        open,
        people,
        groups,
        goals,
        goals_chart,
        post_id: domain::ids::new_v7(state.clock.now()).to_string(),
        approved,
    })
}

/// What was typed into `field` of the commitment's form when it was the one sent.
fn typed(posted: &Posted, commitment: TransferId, field: &str) -> String {
    if posted.get("commitment") == commitment.to_string() { posted.get(field) } else { String::new() }
}

/// `?approved=<commitment>`: the commitment the member just approved, confirmed on the page.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct LedgerQuery {
    approved: String,
}

/// `GET /funds/{fund}`: the fund's ledger, for its keepers.
async fn ledger(
    State(state): State<AppState>,
    member: Member,
    Path(fund): Path<String>,
    Query(query): Query<LedgerQuery>,
) -> Result<Response, WebError> {
    let fund = uuid::Uuid::parse_str(fund.trim()).map(FundId).map_err(|_| WebError::NotFound)?;
    let approved = uuid::Uuid::parse_str(query.approved.trim()).ok().map(TransferId);
    ok(&ledger_page(&state, &member, fund, ErrorList::default(), &Posted::default(), approved).await?)
}

/// `POST /funds/{fund}/commitments/{transfer}`: approve, post (with the invoice) or void.
async fn resolve(
    State(state): State<AppState>,
    member: Member,
    Path((fund, transfer)): Path<(String, String)>,
    posted: Posted,
) -> Result<Response, WebError> {
    let fund = uuid::Uuid::parse_str(fund.trim()).map(FundId).map_err(|_| WebError::NotFound)?;
    let commitment = uuid::Uuid::parse_str(transfer.trim()).map(TransferId).map_err(|_| WebError::NotFound)?;
    // Dated in the keeper's zone, as the ledger the commitment is on.
    let zone = state.member_zone(&member.0.actor).await?;
    let funds = state.funds_in(&zone.zone);
    let back = format!("/funds/{fund}");
    let result = match posted.get("action").as_str() {
        // The page then confirms it at the top and beside the commitment.
        "approve" => funds
            .approve(&member.0.actor, fund, commitment)
            .await
            .map(|_| format!("{back}?approved={commitment}#commitment-{commitment}")),
        action @ ("post" | "void") => {
            let mut input = transfer_input(&posted, None);
            input.kind = action.into();
            input.pending_id = commitment.to_string();
            funds.transfer(&member.0.actor, fund, &input).await.map(|_| back)
        }
        _ => return Err(WebError::NotFound),
    };
    let result = in_form(result, &format!("commitment.{commitment}"), &["invoice_ref", "amount_cents"]);
    let mut posted = posted;
    posted.0.push(("commitment".into(), commitment.to_string()));
    let t = member.1.texts;
    after_post(result, t, |errors| ledger_page(&state, &member, fund, errors, &posted, None)).await
}
