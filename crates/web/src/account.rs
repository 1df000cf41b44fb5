//! `/account/password`: a member changes their own password, giving the current one. A member
//! whose password was set by someone else (the first administrator's one-time password, an
//! administrator's reset) is sent here before anything else (`auth::load_session`) and goes on
//! to where they were going once it is changed.

use crate::AppState;
use crate::admin::form_errors;
use crate::auth::{Member, RequestContext, redirect_target};
use crate::error::WebError;
use crate::forms::{ErrorList, Posted};
use crate::page::{Page, ok, render};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

pub fn routes() -> Router<AppState> {
    Router::new().route("/account/password", get(form).post(change))
}

#[derive(Template)]
#[template(path = "account_password.html")]
struct PasswordPage {
    page: Page,
    forced: bool,
    min: usize,
    errors: ErrorList,
}

fn password_page(context: &RequestContext, forced: bool, errors: ErrorList) -> PasswordPage {
    PasswordPage {
        page: Page::new(context, context.texts.get("account.password.title")),
        forced,
        min: domain::directory::MIN_PASSWORD_CHARS,
        errors,
    }
}

async fn form(Member(me, context): Member) -> Result<Response, WebError> {
    ok(&password_page(&context, me.must_change_password, ErrorList::default()))
}

async fn change(
    State(state): State<AppState>,
    Member(me, context): Member,
    posted: Posted,
) -> Result<Response, WebError> {
    let t = context.texts;
    let (new, again) = (posted.get("password"), posted.get("password_again"));
    if new != again {
        let errors = ErrorList::single("password_again", t.get("account.password.differ"));
        return Ok(render(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            &password_page(&context, me.must_change_password, errors),
        ));
    }
    match state.administration().change_own_password(&me.actor, posted.get("current_password"), new).await {
        Ok(()) => Ok(Redirect::to(redirect_target(&posted.get("next"))).into_response()),
        Err(error) => {
            let (status, errors) = form_errors(error, t)?;
            Ok(render(status, &password_page(&context, me.must_change_password, errors)))
        }
    }
}
