//! The layout every page shares, and rendering with a status code.

use crate::auth::RequestContext;
use crate::error::WebError;
use crate::forms::ErrorList;
use crate::i18n::Texts;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use domain::service::ServiceError;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use std::future::Future;

/// What the layout needs: title, texts, who is signed in, the CSRF token for forms.
#[derive(Debug, Clone)]
pub struct Page {
    pub t: Texts,
    pub title: String,
    pub member_line: Option<String>,
    pub csrf: String,
    pub switch_language_url: String,
    /// Whether the member screens (probation, process managers): shows "To screen" in the menu.
    pub screens: bool,
    /// Whether the member manages plans: shows "Groups" in the menu (others would get a 403).
    pub manages_plans: bool,
    /// Unread notifications, shown beside "Notifications" in the menu.
    pub unread: u32,
    /// The count as shown ("99+" past the cap) and as read out ("3 unread").
    pub unread_count: String,
    pub unread_label: String,
}

impl Page {
    pub fn new(context: &RequestContext, title: &str) -> Self {
        let t = context.texts;
        let member_line = context
            .signed_in
            .as_ref()
            .map(|s| t.fill("nav.signed_in_as", &[("name", &s.actor.display_name), ("agency", &s.agency_name)]));
        let back = serde_urlencoded::to_string([("back", context.path.as_str())]).unwrap_or_default();
        let screens =
            context.signed_in.as_ref().is_some_and(|s| s.actor.can(domain::access::Permission::RecordScreening));
        let manages_plans =
            context.signed_in.as_ref().is_some_and(|s| s.actor.can(domain::access::Permission::ManagePlan));
        let unread = context.unread.unwrap_or(0);
        let unread_count = if unread >= domain::notifications::service::UNREAD_CAP {
            format!("{unread}+")
        } else {
            unread.to_string()
        };
        let unread_label = t.fill("nav.notifications_unread", &[("count", &unread_count)]);
        Self {
            screens,
            manages_plans,
            unread,
            unread_count,
            unread_label,
            t,
            title: title.to_string(),
            member_line,
            csrf: context.signed_in.as_ref().map(|s| s.csrf_token.clone()).unwrap_or_default(),
            switch_language_url: format!("/language/{}?{back}", t.lang.other().code()),
        }
    }
}

pub fn render(status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(error) => {
            tracing::error!(%error, "template failed to render");
            (StatusCode::INTERNAL_SERVER_ERROR, "template error").into_response()
        }
    }
}

/// After a form post: on to `Ok(location)`; when the input was refused, the page again (built
/// by `page` with what to fix) with 422; any other failure as the one `WebError`.
pub async fn after_post<T, F>(
    result: Result<String, ServiceError>,
    texts: Texts,
    page: impl FnOnce(ErrorList) -> F,
) -> Result<Response, WebError>
where
    T: Template,
    F: Future<Output = Result<T, WebError>>,
{
    match result {
        Ok(location) => Ok(Redirect::to(&location).into_response()),
        Err(ServiceError::Invalid(errors)) => {
            let page = page(ErrorList::from_validation(&errors, texts)).await?;
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(other) => Err(other.into()),
    }
}

/// An instant as local date and time in the jurisdiction, e.g. `2026-11-22 11:05`.
pub fn local_time(at: Timestamp, zone: &TimeZone) -> String {
    at.to_zoned(zone.clone()).strftime("%Y-%m-%d %H:%M").to_string()
}
