//! Opening a fund in the pages (`/funds/new`): a stream's budget, a fund a provider holds, or a
//! grant pot for co-produced projects, for a period, with the amount above which a second
//! colleague approves. The same use case as `POST /api/v1/funds`.

use crate::AppState;
use crate::auth::Member;
use crate::error::WebError;
use crate::forms::{ErrorList, Posted};
use crate::page::{Page, after_post, ok};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use domain::funds::FundKind;
use domain::funds::service::FundInput;

pub fn routes() -> Router<AppState> {
    Router::new().route("/funds/new", get(form).post(open))
}

#[derive(Template)]
#[template(path = "fund_open.html")]
struct OpenPage {
    page: Page,
    errors: ErrorList,
    form: Posted,
    kinds: Vec<(&'static str, &'static str)>,
}

fn open_page(member: &Member, errors: ErrorList, form: Posted) -> OpenPage {
    let t = member.1.texts;
    OpenPage {
        page: Page::new(&member.1, t.get("funds.open_fund.title")),
        errors,
        form,
        kinds: FundKind::ALL.into_iter().map(|k| (k.code(), t.text(&format!("funds.kind.{}", k.code())))).collect(),
    }
}

/// `GET /funds/new`: the form (the use case decides who may open a fund).
async fn form(member: Member) -> Result<Response, WebError> {
    ok(&open_page(&member, ErrorList::default(), Posted::default()))
}

/// Euros as typed; text that does not parse becomes an impossible amount the use case refuses
/// with the field named, and an empty optional field stays empty.
fn cents(posted: &Posted, field: &str) -> Option<i64> {
    let raw = posted.get(field);
    if raw.trim().is_empty() { None } else { Some(super::parse_euros(&raw).unwrap_or(-1)) }
}

/// `POST /funds/new`: opens the fund, then its ledger.
async fn open(State(state): State<AppState>, member: Member, posted: Posted) -> Result<Response, WebError> {
    let input = FundInput {
        name: posted.get("name"),
        kind: posted.get("kind"),
        stream: posted.get("stream"),
        period_start: posted.get("period_start"),
        period_end: posted.get("period_end"),
        budget_cents: cents(&posted, "budget_cents"),
        approval_above_cents: cents(&posted, "approval_above_cents"),
        person_limit_cents: cents(&posted, "person_limit_cents"),
    };
    let zone = state.member_zone(&member.0.actor).await?;
    let result =
        state.funds_in(&zone.zone).open_fund(&member.0.actor, &input).await.map(|f| format!("/funds/{}", f.id));
    let t = member.1.texts;
    after_post(result, t, |errors| async move { Ok::<_, WebError>(open_page(&member, errors, posted)) }).await
}
