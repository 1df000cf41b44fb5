//! The layout every page shares, and the two ways a handler answers with a page: `ok` shows it,
//! `after_post` goes on after a form's change or shows the form's page again with what to fix.

use crate::auth::RequestContext;
use crate::error::WebError;
use crate::forms::ErrorList;
use crate::i18n::{Lang, Texts};
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use domain::service::ServiceError;
use domain::validation::ValidationErrors;
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
    /// The language chooser: every language, each linking to `/language/{code}` and back here.
    pub languages: Vec<LanguageChoice>,
    /// Whether the member screens (probation, process managers): shows "To screen" in the menu.
    pub screens: bool,
    /// Whether the member manages plans: shows "Groups" in the menu (others would get a 403).
    pub manages_plans: bool,
    /// Whether the member administers the partnership: shows "Administration" in the menu.
    pub administers: bool,
    /// Whether the member works with persons: shows "Invitations" in the menu.
    pub views_persons: bool,
    /// Whether the member may register a person: shows "Add person" in the menu.
    pub creates_persons: bool,
    /// Whether the member reads the evidence (aggregates only): shows "Evidence" in the menu.
    pub sees_evidence: bool,
    /// Whether the member triages conference requests: shows "Triage" in the menu.
    pub triages: bool,
    /// The process manager: manual cohort decisions (`/cohorts`).
    pub selects_cohorts: bool,
    /// Interventions (issue 19): a provider's member sees "Referrals" (its incoming list),
    /// commissioners and analysts "Waits and unmet need".
    pub provides: bool,
    pub commissions: bool,
    /// A commissioner reads their agency's contracts (administrators reach them through
    /// administration).
    pub reads_contracts: bool,
    /// Personal funds and mentors (issue 20): which of "Funds", "My mentees" and "Mentors"
    /// the menu shows (a fund keeper's roles, a mentor, a mentor coordinator).
    pub keeps_funds: bool,
    pub mentors: bool,
    pub coordinates_mentors: bool,
    /// Whether the member may see what works (analysts; process managers for their own).
    pub evaluates: bool,
    /// The match report (persons linked to the offence record): administrators (with the
    /// lists) and analysts (the counts).
    pub sees_links: bool,
    /// Sits at a ZSM table (may open a location's board): the navigation offers the table. A
    /// provider's worker or a mentor would find only locations whose boards refuse them.
    pub sits_at_table: bool,
    /// Unread notifications, shown beside "Notifications" in the menu.
    pub unread: u32,
    /// The count as shown ("99+" past the cap) and as read out ("3 unread").
    pub unread_count: String,
    pub unread_label: String,
    /// Failed attempts on the member's account, told on the first page after signing in.
    pub notice: Option<String>,
}

/// One language in the chooser. Its name is written in that language and marked with its
/// `lang`, so a screen reader pronounces "Italiano" as Italian on an English page.
#[derive(Debug, Clone)]
pub struct LanguageChoice {
    pub code: &'static str,
    pub name: &'static str,
    pub url: String,
    pub current: bool,
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
        let administers =
            context.signed_in.as_ref().is_some_and(|s| s.actor.can(domain::access::Permission::ManageMembers));
        let can = |permission| context.signed_in.as_ref().is_some_and(|s| s.actor.can(permission));
        let views_persons = can(domain::access::Permission::ViewPerson);
        let creates_persons = can(domain::access::Permission::CreatePerson);
        let sees_evidence = can(domain::access::Permission::ViewAggregates);
        let triages = can(domain::access::Permission::TriageConference);
        let selects_cohorts = can(domain::access::Permission::SelectCohort);
        let provides = context.provides;
        let commissions =
            context.signed_in.as_ref().is_some_and(|s| domain::interventions::service::may_commission(&s.actor));
        let has_role = |roles: &[domain::access::Role]| {
            context.signed_in.as_ref().is_some_and(|s| s.actor.roles.iter().any(|r| roles.contains(r)))
        };
        use domain::access::Role;
        let keeps_funds =
            has_role(&[Role::ProbationOfficer, Role::ProviderWorker, Role::MunicipalityOfficer, Role::ProcessManager]);
        let mentors = has_role(&[Role::Mentor]);
        let reads_contracts = has_role(&[Role::Commissioner]);
        // Only a mentoring agency's worker coordinates mentors, not every provider's.
        let coordinates_mentors = context.signed_in.as_ref().is_some_and(|s| {
            s.agency_kind.is_some_and(|kind| domain::mentoring::workflow::coordinates_mentors(&s.actor, kind))
        });
        // What works: analysts, and a Safety House's process manager for their own caseload.
        let evaluates = context.signed_in.as_ref().is_some_and(|s| crate::evidence::whatworks::reach(s).is_ok());
        let sits_at_table = has_role(&domain::zsm::service::TABLE_ROLES);
        let sees_links = administers || sees_evidence;
        let unread = context.unread.unwrap_or(0);
        let unread_count = if unread >= domain::notifications::service::UNREAD_CAP {
            format!("{unread}+")
        } else {
            unread.to_string()
        };
        let unread_label = t.fill("nav.notifications_unread", &[("count", &unread_count)]);
        Self {
            notice: context.notice.clone(),
            screens,
            manages_plans,
            administers,
            creates_persons,
            sees_evidence,
            triages,
            selects_cohorts,
            views_persons,
            provides,
            commissions,
            reads_contracts,
            keeps_funds,
            mentors,
            coordinates_mentors,
            evaluates,
            sees_links,
            sits_at_table,
            unread,
            unread_count,
            unread_label,
            t,
            title: title.to_string(),
            member_line,
            csrf: context.signed_in.as_ref().map(|s| s.csrf_token.clone()).unwrap_or_default(),
            languages: Lang::ALL
                .into_iter()
                .map(|lang| LanguageChoice {
                    code: lang.code(),
                    name: t.get(match lang {
                        Lang::En => "language.en",
                        Lang::Nl => "language.nl",
                        Lang::It => "language.it",
                    }),
                    url: format!("/language/{}?{back}", lang.code()),
                    current: lang == t.lang,
                })
                .collect(),
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

/// A page as asked for (200).
pub fn ok(page: &impl Template) -> Result<Response, WebError> {
    Ok(render(StatusCode::OK, page))
}

/// After a form post: on to `Ok(location)` (303); when the use case refused the change, the
/// page again, built by `page` with what to fix (see [`refused`]); any other failure as the
/// one `WebError`.
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
        Err(error) => {
            let (status, errors) = refused(error, texts)?;
            Ok(render(status, &page(errors).await?))
        }
    }
}

/// What a form shows when the use case refused it: the fields to fix, for input that does not
/// parse or a rule that refused the change (422), or that someone saved the record after the
/// form was opened (409: a ZSM case), or changed what the change was decided on (409: a plan
/// task's status, the plan's status, saying what it is now). Anything else is not about the
/// form: the error page.
pub fn refused(error: ServiceError, t: Texts) -> Result<(StatusCode, ErrorList), WebError> {
    if let Some(errors) = error.field_errors() {
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, ErrorList::from_validation(&errors, t)));
    }
    match error {
        ServiceError::ChangedMeanwhile => {
            Ok((StatusCode::CONFLICT, ErrorList::single("form", t.get("zsm.case.conflict"))))
        }
        ServiceError::Stale(changed) => {
            Ok((StatusCode::CONFLICT, ErrorList::from_validation(&ValidationErrors::single(changed), t)))
        }
        other => Err(other.into()),
    }
}

/// An instant as local date and time in the jurisdiction, e.g. `2026-11-22 11:05`.
pub fn local_time(at: Timestamp, zone: &TimeZone) -> String {
    at.to_zoned(zone.clone()).strftime("%Y-%m-%d %H:%M").to_string()
}
