//! The authorization matrix: every route × every role × (agency on the person's team / not),
//! against what the domain's access table says. The route list is read from the source, so a
//! route added without a row here fails the test.

use crate::support;
use crate::support::{TestApp, spawn_app};
use domain::access::{Permission, Role, Scope};
use domain::directory::AgencyKind;
use reqwest::StatusCode;

/// What a route needs.
#[derive(Debug, Clone, Copy)]
enum Need {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in member.
    SignedIn,
    /// A permission the role must hold (no person involved).
    Role(Permission),
    /// A permission on the person in `{id}`: through the team, or a role granting it for everyone.
    Person(Permission),
    /// Access decided per case (agency kind, the suspect's team, the recorded lawyer): walked
    /// per role and case in the named test file; here every role must get an answer, never a
    /// server error, and anonymous requests are refused.
    CaseRules(&'static str),
    /// For the operators only: answers to the configured bearer token and is "not found" to
    /// every member and to anyone anonymous (`metrics.rs` walks it with the token).
    Token,
}

/// (source file under crates/web/src, method, route as written there, need)
const MATRIX: &[(&str, &str, &str, Need)] = &[
    ("assets.rs", "GET", "/", Need::Public),
    ("assets.rs", "GET", "/healthz", Need::Public),
    ("assets.rs", "GET", "/assets/{*path}", Need::Public),
    ("metrics.rs", "GET", "/metrics", Need::Token),
    ("auth.rs", "GET", "/login", Need::Public),
    ("auth.rs", "POST", "/login", Need::Public),
    ("auth.rs", "POST", "/logout", Need::SignedIn),
    ("auth.rs", "GET", "/language/{code}", Need::Public),
    ("people/mod.rs", "GET", "/people", Need::Role(Permission::ViewPerson)),
    ("people/mod.rs", "POST", "/people", Need::Role(Permission::CreatePerson)),
    ("people/mod.rs", "GET", "/people/new", Need::Role(Permission::CreatePerson)),
    ("people/mod.rs", "GET", "/people/{id}", Need::Person(Permission::ViewPerson)),
    ("people/mod.rs", "POST", "/people/{id}", Need::Person(Permission::EditPerson)),
    ("people/mod.rs", "GET", "/people/{id}/edit", Need::Person(Permission::EditPerson)),
    ("people/mod.rs", "GET", "/people/{id}/audit", Need::Person(Permission::ViewPerson)),
    ("people/mod.rs", "GET", "/people/{id}/team", Need::Person(Permission::ManageTeam)),
    ("people/mod.rs", "POST", "/people/{id}/team", Need::Person(Permission::ManageTeam)),
    ("people/mod.rs", "GET", "/people/{id}/export", Need::Person(Permission::ExportSubjectAccess)),
    ("people/mod.rs", "GET", "/people/{id}/export.json", Need::Person(Permission::ExportSubjectAccess)),
    ("zsm/mod.rs", "GET", "/zsm", Need::SignedIn),
    ("zsm/mod.rs", "GET", "/zsm/intake", Need::CaseRules("zsm.rs")),
    ("zsm/mod.rs", "POST", "/zsm/cases", Need::CaseRules("zsm.rs")),
    ("zsm/mod.rs", "GET", "/zsm/cases/{id}", Need::CaseRules("zsm.rs")),
    ("zsm/mod.rs", "POST", "/zsm/cases/{id}/contributions/{partner}", Need::CaseRules("zsm.rs")),
    ("zsm/mod.rs", "POST", "/zsm/cases/{id}/clocks/{clock}/extend", Need::CaseRules("zsm.rs")),
    ("zsm/mod.rs", "POST", "/zsm/cases/{id}/clocks/{clock}/order", Need::CaseRules("zsm.rs")),
    ("zsm/mod.rs", "POST", "/zsm/cases/{id}/refer", Need::CaseRules("zsm.rs")),
    ("zsm/mod.rs", "POST", "/zsm/cases/{id}/lawyer", Need::CaseRules("zsm.rs")),
    ("zsm/mod.rs", "GET", "/zsm/cases/{id}/decision", Need::CaseRules("zsm.rs")),
    ("zsm/mod.rs", "POST", "/zsm/cases/{id}/decision", Need::CaseRules("zsm.rs")),
    ("zsm/mod.rs", "GET", "/zsm/cases/{id}/amend", Need::CaseRules("zsm.rs")),
    ("zsm/mod.rs", "POST", "/zsm/cases/{id}/amend", Need::CaseRules("zsm.rs")),
    ("zsm/mod.rs", "GET", "/zsm/cases/{id}/record", Need::CaseRules("zsm.rs")),
    ("zsm/mod.rs", "POST", "/zsm/cases/{id}/breaches", Need::CaseRules("zsm.rs")),
    ("zsm/mod.rs", "POST", "/zsm/cases/{id}/maintain", Need::CaseRules("zsm.rs")),
    ("zsm/mod.rs", "GET", "/zsm/{location}/board", Need::CaseRules("zsm.rs")),
    ("zsm/mod.rs", "GET", "/zsm/{location}/board/fragment", Need::CaseRules("zsm.rs")),
    ("zsm/mod.rs", "GET", "/zsm/{location}/obligations", Need::CaseRules("zsm.rs")),
    ("zsm/mod.rs", "GET", "/zsm/{location}/metrics", Need::CaseRules("zsm.rs")),
    ("screening/mod.rs", "GET", "/people/{id}/screenings", Need::Person(Permission::ViewPerson)),
    ("screening/mod.rs", "POST", "/people/{id}/screenings", Need::Person(Permission::RecordScreening)),
    ("screening/mod.rs", "GET", "/people/{id}/screenings/new", Need::Person(Permission::RecordScreening)),
    ("screening/mod.rs", "GET", "/screenings/waiting", Need::Role(Permission::RecordScreening)),
    ("plan/mod.rs", "GET", "/people/{id}/plan", Need::Person(Permission::ViewPerson)),
    ("plan/mod.rs", "POST", "/people/{id}/plan", Need::Person(Permission::ManagePlan)),
    ("plan/mod.rs", "GET", "/people/{id}/plan/print", Need::Person(Permission::ViewPerson)),
    ("plan/mod.rs", "POST", "/people/{id}/plan/goals", Need::Person(Permission::ManagePlan)),
    ("plan/mod.rs", "POST", "/people/{id}/plan/goal-agreement", Need::Person(Permission::ManagePlan)),
    ("plan/mod.rs", "POST", "/people/{id}/plan/tasks", Need::Person(Permission::ManagePlan)),
    ("plan/mod.rs", "POST", "/people/{id}/plan/task-status", Need::Person(Permission::WorkOnPlan)),
    ("plan/mod.rs", "POST", "/people/{id}/plan/notes", Need::Person(Permission::WorkOnPlan)),
    ("plan/mod.rs", "POST", "/people/{id}/plan/measures", Need::Person(Permission::ManagePlan)),
    ("plan/mod.rs", "POST", "/people/{id}/plan/activate", Need::Person(Permission::ManagePlan)),
    ("plan/mod.rs", "POST", "/people/{id}/plan/re-evaluation", Need::Person(Permission::ManagePlan)),
    ("plan/mod.rs", "GET", "/tasks/mine", Need::Role(Permission::ViewPerson)),
    ("plan/mod.rs", "GET", "/tasks/agency", Need::Role(Permission::ViewPerson)),
    ("plan/mod.rs", "POST", "/tasks/agency/help-started", Need::Role(Permission::WorkOnPlan)),
    ("plan/mod.rs", "GET", "/reviews/weekly", Need::Role(Permission::ViewPerson)),
    ("conference/mod.rs", "GET", "/people/{id}/conference", Need::Person(Permission::ViewPerson)),
    ("conference/mod.rs", "POST", "/people/{id}/conference", Need::Person(Permission::RequestConference)),
    ("conference/mod.rs", "POST", "/people/{id}/conference/proposal", Need::Person(Permission::RequestConference)),
    ("conference/mod.rs", "GET", "/triage", Need::Role(Permission::TriageConference)),
    ("conference/mod.rs", "GET", "/triage/{request}", Need::CaseRules("conference_handoffs.rs")),
    ("conference/mod.rs", "POST", "/triage/{request}", Need::CaseRules("conference.rs")),
    ("conference/mod.rs", "POST", "/triage/{request}/schedule", Need::CaseRules("conference_handoffs.rs")),
    ("conference/invitations.rs", "GET", "/invitations", Need::Role(Permission::ViewPerson)),
    ("conference/invitations.rs", "GET", "/invitations/{id}", Need::CaseRules("conference_handoffs.rs")),
    ("conference/invitations.rs", "POST", "/invitations/{id}", Need::CaseRules("conference_handoffs.rs")),
    ("conference/meetings.rs", "GET", "/conferences", Need::Role(Permission::ViewPerson)),
    ("conference/meetings.rs", "POST", "/conferences", Need::Role(Permission::ChairConference)),
    ("conference/meetings.rs", "GET", "/conferences/{meeting}", Need::CaseRules("conference.rs")),
    ("conference/meetings.rs", "POST", "/conferences/{meeting}/agenda", Need::CaseRules("conference.rs")),
    ("conference/meetings.rs", "POST", "/conferences/{meeting}/attendance", Need::CaseRules("conference.rs")),
    ("conference/meetings.rs", "POST", "/conferences/{meeting}/minutes", Need::CaseRules("conference.rs")),
    ("conference/meetings.rs", "POST", "/conferences/{meeting}/close", Need::CaseRules("conference.rs")),
    ("conference/meetings.rs", "POST", "/conferences/{meeting}/cancel", Need::CaseRules("conference.rs")),
    ("conference/meetings.rs", "POST", "/conferences/{meeting}/agenda/remove", Need::CaseRules("conference.rs")),
    ("measures/mod.rs", "GET", "/people/{id}/measures", Need::Person(Permission::ViewPerson)),
    ("measures/mod.rs", "POST", "/people/{id}/measures/exclusion-orders", Need::Person(Permission::DecideMayorMeasure)),
    (
        "measures/mod.rs",
        "POST",
        "/people/{id}/measures/exclusion-orders/change",
        Need::Person(Permission::DecideMayorMeasure),
    ),
    ("measures/mod.rs", "POST", "/people/{id}/measures/area-bans", Need::Person(Permission::DecideMayorMeasure)),
    ("measures/mod.rs", "POST", "/people/{id}/measures/area-bans/change", Need::Person(Permission::DecideMayorMeasure)),
    ("measures/mod.rs", "POST", "/people/{id}/measures/episodes", Need::Person(Permission::ManagePlan)),
    ("measures/mod.rs", "POST", "/people/{id}/measures/episodes/change", Need::Person(Permission::ManagePlan)),
    ("measures/mod.rs", "POST", "/people/{id}/measures/groups", Need::Person(Permission::ManagePlan)),
    // issue 17 item 18 (table branch): partners propose, the municipality answers
    ("measures/mod.rs", "POST", "/people/{id}/measures/proposals", Need::Person(Permission::ProposeMayorMeasure)),
    ("measures/mod.rs", "POST", "/people/{id}/measures/proposals/answer", Need::Person(Permission::DecideMayorMeasure)),
    ("measures/groups.rs", "GET", "/groups", Need::Role(Permission::ManagePlan)),
    ("measures/groups.rs", "POST", "/groups", Need::Role(Permission::ManagePlan)),
    ("measures/groups.rs", "GET", "/groups/{group}", Need::CaseRules("measures.rs")),
    ("measures/groups.rs", "POST", "/groups/{group}/members", Need::CaseRules("measures.rs")),
    ("evidence/notices.rs", "GET", "/cohort-changes", Need::Role(Permission::ViewPerson)),
    ("evidence/notices.rs", "POST", "/cohort-changes/{notice}/acknowledge", Need::CaseRules("cohort_changes.rs")),
    ("evidence/decisions.rs", "GET", "/cohorts", Need::Role(Permission::SelectCohort)),
    ("evidence/decisions.rs", "GET", "/cohorts/{rule}", Need::Role(Permission::SelectCohort)),
    ("evidence/decisions.rs", "POST", "/cohorts/{rule}/decisions", Need::Role(Permission::SelectCohort)),
    ("evidence/mod.rs", "GET", "/evidence", Need::Role(Permission::ViewAggregates)),
    ("evidence/mod.rs", "GET", "/evidence/reoffending", Need::Role(Permission::ViewAggregates)),
    ("evidence/mod.rs", "GET", "/evidence/reoffending/data.csv", Need::Role(Permission::ViewAggregates)),
    ("evidence/mod.rs", "GET", "/evidence/reoffending/survival.csv", Need::Role(Permission::ViewAggregates)),
    ("evidence/mod.rs", "GET", "/evidence/cohorts/{rule}", Need::Role(Permission::ViewAggregates)),
    ("evidence/mod.rs", "GET", "/evidence/cohorts/{rule}/data.csv", Need::Role(Permission::ViewAggregates)),
    ("evidence/mod.rs", "GET", "/evidence/cohorts/{rule}/survival.csv", Need::Role(Permission::ViewAggregates)),
    // What works (issue 21): analysts everything, a process manager their own Safety House's
    // caseload, everyone else 403 (walked in whatworks.rs).
    ("evidence/whatworks_pages.rs", "GET", "/evidence/what-works", Need::CaseRules("whatworks.rs")),
    ("api/evidence.rs", "GET", "/v1/evidence/what-works", Need::CaseRules("whatworks.rs")),
    ("api/evidence.rs", "GET", "/v1/evidence/links", Need::Role(Permission::ManageMembers)),
    ("api/mod.rs", "GET", "/openapi.json", Need::Public),
    ("api/auth.rs", "POST", "/v1/login", Need::Public),
    ("api/people.rs", "GET", "/v1/people", Need::Role(Permission::ViewPerson)),
    ("api/people.rs", "POST", "/v1/people", Need::Role(Permission::CreatePerson)),
    ("api/people.rs", "GET", "/v1/people/{id}", Need::Person(Permission::ViewPerson)),
    ("api/people.rs", "PUT", "/v1/people/{id}", Need::Person(Permission::EditPerson)),
    ("api/people.rs", "GET", "/v1/people/{id}/audit", Need::Person(Permission::ViewPerson)),
    ("api/people.rs", "GET", "/v1/people/{id}/export", Need::Person(Permission::ExportSubjectAccess)),
    ("api/plan.rs", "GET", "/v1/people/{id}/plan", Need::Person(Permission::ViewPerson)),
    ("api/plan.rs", "POST", "/v1/people/{id}/plan/tasks", Need::Person(Permission::ManagePlan)),
    ("api/plan.rs", "POST", "/v1/people/{id}/plan/tasks/{task}/status", Need::Person(Permission::WorkOnPlan)),
    ("api/plan.rs", "POST", "/v1/people/{id}/plan/notes", Need::Person(Permission::WorkOnPlan)),
    ("api/measures.rs", "GET", "/v1/people/{id}/measures", Need::Person(Permission::ViewPerson)),
    ("api/measures.rs", "POST", "/v1/people/{id}/exclusion-orders", Need::Person(Permission::DecideMayorMeasure)),
    ("api/measures.rs", "POST", "/v1/people/{id}/area-bans", Need::Person(Permission::DecideMayorMeasure)),
    ("api/measures.rs", "POST", "/v1/people/{id}/episodes", Need::Person(Permission::ManagePlan)),
    ("api/measures.rs", "POST", "/v1/groups/{group}/members", Need::CaseRules("api_measures.rs")),
    (
        "api/measures.rs",
        "POST",
        "/v1/people/{id}/exclusion-orders/{order}/changes",
        Need::Person(Permission::DecideMayorMeasure),
    ),
    (
        "api/measures.rs",
        "POST",
        "/v1/people/{id}/area-bans/{ban}/changes",
        Need::Person(Permission::DecideMayorMeasure),
    ),
    ("api/measures.rs", "POST", "/v1/people/{id}/episodes/{episode}/changes", Need::Person(Permission::ManagePlan)),
    ("notifications/mod.rs", "GET", "/notifications", Need::SignedIn),
    ("notifications/mod.rs", "POST", "/notifications/read", Need::SignedIn),
    ("notifications/mod.rs", "POST", "/notifications/{position}/read", Need::CaseRules("notifications.rs")),
    ("api/notifications.rs", "GET", "/v1/notifications", Need::SignedIn),
    ("api/notifications.rs", "POST", "/v1/notifications/read", Need::SignedIn),
    ("api/notifications.rs", "POST", "/v1/notifications/{position}/read", Need::CaseRules("notifications.rs")),
    ("sessions.rs", "GET", "/sessions", Need::SignedIn),
    ("sessions.rs", "POST", "/sessions/end-others", Need::SignedIn),
    ("api/sessions.rs", "GET", "/v1/sessions", Need::SignedIn),
    ("api/sessions.rs", "POST", "/v1/sessions/end-others", Need::SignedIn),
    ("account.rs", "GET", "/account/password", Need::SignedIn),
    ("account.rs", "POST", "/account/password", Need::SignedIn),
    ("api/account.rs", "POST", "/v1/account/password", Need::SignedIn),
    ("admin/mod.rs", "GET", "/admin", Need::Role(Permission::ManageMembers)),
    ("admin/mod.rs", "GET", "/admin/agencies", Need::Role(Permission::ManageMembers)),
    ("admin/mod.rs", "POST", "/admin/agencies", Need::Role(Permission::ManageMembers)),
    ("admin/mod.rs", "GET", "/admin/locations", Need::Role(Permission::ManageMembers)),
    ("admin/mod.rs", "POST", "/admin/locations", Need::Role(Permission::ManageMembers)),
    ("admin/members.rs", "GET", "/admin/members", Need::Role(Permission::ManageMembers)),
    ("admin/members.rs", "POST", "/admin/members", Need::Role(Permission::ManageMembers)),
    ("admin/members.rs", "GET", "/admin/members/{member}", Need::CaseRules("admin.rs")),
    ("admin/members.rs", "POST", "/admin/members/{member}/disable", Need::CaseRules("admin.rs")),
    ("admin/members.rs", "POST", "/admin/members/{member}/enable", Need::CaseRules("admin.rs")),
    ("admin/members.rs", "POST", "/admin/members/{member}/reset-password", Need::CaseRules("admin.rs")),
    ("admin/safety_houses.rs", "GET", "/admin/safety-houses", Need::Role(Permission::ManageMembers)),
    ("admin/safety_houses.rs", "POST", "/admin/safety-houses", Need::Role(Permission::ManageMembers)),
    ("api/admin.rs", "GET", "/v1/admin/agencies", Need::Role(Permission::ManageMembers)),
    ("api/admin.rs", "POST", "/v1/admin/agencies", Need::Role(Permission::ManageMembers)),
    ("api/admin.rs", "GET", "/v1/admin/locations", Need::Role(Permission::ManageMembers)),
    ("api/admin.rs", "POST", "/v1/admin/locations", Need::Role(Permission::ManageMembers)),
    ("api/admin.rs", "GET", "/v1/admin/members", Need::Role(Permission::ManageMembers)),
    ("api/admin.rs", "POST", "/v1/admin/members", Need::Role(Permission::ManageMembers)),
    ("api/admin.rs", "POST", "/v1/admin/members/{member}/disable", Need::CaseRules("admin.rs")),
    ("api/admin.rs", "POST", "/v1/admin/members/{member}/enable", Need::CaseRules("admin.rs")),
    ("api/admin.rs", "POST", "/v1/admin/members/{member}/reset-password", Need::CaseRules("admin.rs")),
    ("api/admin.rs", "GET", "/v1/admin/members/{member}/sessions", Need::CaseRules("admin.rs")),
    ("admin/api_keys.rs", "GET", "/admin/api-keys", Need::Role(Permission::ManageMembers)),
    ("admin/api_keys.rs", "POST", "/admin/api-keys", Need::Role(Permission::ManageMembers)),
    ("admin/api_keys.rs", "POST", "/admin/api-keys/{key}/revoke", Need::CaseRules("admin.rs")),
    ("api/admin.rs", "GET", "/v1/admin/api-keys", Need::Role(Permission::ManageMembers)),
    ("api/admin.rs", "POST", "/v1/admin/api-keys", Need::Role(Permission::ManageMembers)),
    ("api/admin.rs", "POST", "/v1/admin/api-keys/{key}/revoke", Need::CaseRules("admin.rs")),
    ("api/admin.rs", "GET", "/v1/admin/safety-houses", Need::Role(Permission::ManageMembers)),
    ("api/admin.rs", "POST", "/v1/admin/safety-houses", Need::Role(Permission::ManageMembers)),
    // Changing what administration made (issue 18): administrators only, walked in admin_edit.rs.
    ("admin/edit.rs", "GET", "/admin/agencies/{agency}", Need::CaseRules("admin_edit.rs")),
    ("admin/edit.rs", "POST", "/admin/agencies/{agency}", Need::CaseRules("admin_edit.rs")),
    ("admin/edit.rs", "POST", "/admin/agencies/{agency}/delete", Need::CaseRules("admin_edit.rs")),
    ("admin/edit.rs", "GET", "/admin/locations/{location}", Need::CaseRules("admin_edit.rs")),
    ("admin/edit.rs", "POST", "/admin/locations/{location}", Need::CaseRules("admin_edit.rs")),
    ("admin/members.rs", "POST", "/admin/members/{member}", Need::CaseRules("admin_edit.rs")),
    ("admin/members.rs", "POST", "/admin/members/{member}/sessions/{session}/revoke", Need::CaseRules("admin_edit.rs")),
    ("admin/safety_houses.rs", "GET", "/admin/safety-houses/{house}", Need::CaseRules("admin_edit.rs")),
    ("admin/safety_houses.rs", "POST", "/admin/safety-houses/{house}", Need::CaseRules("admin_edit.rs")),
    ("api/admin_edit.rs", "GET", "/v1/admin/agencies/{agency}", Need::CaseRules("admin_edit.rs")),
    ("api/admin_edit.rs", "PATCH", "/v1/admin/agencies/{agency}", Need::CaseRules("admin_edit.rs")),
    ("api/admin_edit.rs", "DELETE", "/v1/admin/agencies/{agency}", Need::CaseRules("admin_edit.rs")),
    ("api/admin_edit.rs", "GET", "/v1/admin/members/{member}", Need::CaseRules("admin_edit.rs")),
    ("api/admin_edit.rs", "PATCH", "/v1/admin/members/{member}", Need::CaseRules("admin_edit.rs")),
    (
        "api/admin_edit.rs",
        "POST",
        "/v1/admin/members/{member}/sessions/{session}/revoke",
        Need::CaseRules("admin_edit.rs"),
    ),
    ("api/admin_edit.rs", "GET", "/v1/admin/locations/{location}", Need::CaseRules("admin_edit.rs")),
    ("api/admin_edit.rs", "PATCH", "/v1/admin/locations/{location}", Need::CaseRules("admin_edit.rs")),
    ("api/admin_edit.rs", "GET", "/v1/admin/safety-houses/{house}", Need::CaseRules("admin_edit.rs")),
    ("api/admin_edit.rs", "PATCH", "/v1/admin/safety-houses/{house}", Need::CaseRules("admin_edit.rs")),
    ("api/zsm.rs", "POST", "/v1/zsm/cases/{id}/contributions/{partner}", Need::CaseRules("zsm_sections.rs")),
    // Personal funds and mentors (issue 20): the fund holder's members, the mentor's own
    // mentees and the consented items are walked in `funds.rs`.
    ("funds/mod.rs", "GET", "/people/{id}/fund", Need::Person(Permission::ViewPerson)),
    ("funds/mod.rs", "POST", "/people/{id}/fund/transfers", Need::CaseRules("funds.rs")),
    ("funds/mod.rs", "GET", "/funds", Need::SignedIn),
    ("funds/mod.rs", "GET", "/funds/{fund}", Need::CaseRules("funds.rs")),
    ("funds/mod.rs", "POST", "/funds/{fund}/commitments/{transfer}", Need::CaseRules("funds.rs")),
    ("api/funds.rs", "GET", "/v1/people/{id}/fund", Need::Person(Permission::ViewPerson)),
    ("api/funds.rs", "GET", "/v1/funds", Need::SignedIn),
    ("api/funds.rs", "POST", "/v1/funds", Need::CaseRules("funds.rs")),
    ("api/funds.rs", "GET", "/v1/funds/{fund}", Need::CaseRules("funds.rs")),
    ("api/funds.rs", "POST", "/v1/funds/{fund}/transfers", Need::CaseRules("funds.rs")),
    ("api/funds.rs", "POST", "/v1/funds/{fund}/transfers/{transfer}/approval", Need::CaseRules("funds.rs")),
    ("mentoring/mod.rs", "GET", "/mentor", Need::CaseRules("funds.rs")),
    ("mentoring/mod.rs", "POST", "/mentor/mentees/{id}/contacts", Need::CaseRules("funds.rs")),
    ("mentoring/mod.rs", "GET", "/mentoring", Need::CaseRules("funds.rs")),
    ("api/mentoring.rs", "GET", "/v1/mentors/me/mentees", Need::CaseRules("funds.rs")),
    ("api/mentoring.rs", "GET", "/v1/mentors/me/mentees/{id}", Need::CaseRules("funds.rs")),
    ("api/mentoring.rs", "POST", "/v1/mentors/me/mentees/{id}/contacts", Need::CaseRules("funds.rs")),
    ("api/mentoring.rs", "POST", "/v1/people/{id}/mentor-matches", Need::Person(Permission::WorkOnPlan)),
    ("api/mentoring.rs", "GET", "/v1/people/{id}/mentor-suggestions", Need::Person(Permission::WorkOnPlan)),
    ("api/mentoring.rs", "GET", "/v1/mentoring/coordinator", Need::CaseRules("funds.rs")),
    ("api/mentoring.rs", "GET", "/v1/mentoring/helpline", Need::SignedIn),
    // Life Change and a person's mentor (issue 20, lifechange branch): the coordinator's pages
    // are a mentoring agency's worker's only, walked per role in life_change.rs.
    ("mentoring/life_change.rs", "GET", "/life-change", Need::CaseRules("life_change.rs")),
    ("mentoring/life_change.rs", "POST", "/life-change/cohorts", Need::CaseRules("life_change.rs")),
    ("mentoring/life_change.rs", "GET", "/life-change/cohorts/{id}", Need::CaseRules("life_change.rs")),
    ("mentoring/life_change.rs", "POST", "/life-change/cohorts/{id}/attendance", Need::CaseRules("life_change.rs")),
    ("mentoring/life_change.rs", "POST", "/life-change/cohorts/{id}/pipeline", Need::CaseRules("life_change.rs")),
    ("mentoring/life_change.rs", "GET", "/people/{id}/life-change", Need::Person(Permission::WorkOnPlan)),
    ("mentoring/life_change.rs", "POST", "/people/{id}/life-change", Need::Person(Permission::WorkOnPlan)),
    ("mentoring/matches.rs", "GET", "/people/{id}/mentor", Need::Person(Permission::WorkOnPlan)),
    ("mentoring/matches.rs", "POST", "/people/{id}/mentor", Need::Person(Permission::WorkOnPlan)),
    ("mentoring/matches.rs", "POST", "/people/{id}/mentor/{match_id}/consent", Need::CaseRules("life_change.rs")),
    ("funds/open.rs", "GET", "/funds/new", Need::SignedIn),
    ("interventions/community.rs", "GET", "/people/{id}/community", Need::Person(Permission::WorkOnPlan)),
    ("interventions/community.rs", "POST", "/people/{id}/community", Need::Person(Permission::WorkOnPlan)),
    ("mentoring/coordination.rs", "GET", "/mentoring/mentors", Need::CaseRules("life_change.rs")),
    ("mentoring/coordination.rs", "POST", "/mentoring/mentors", Need::CaseRules("life_change.rs")),
    ("mentoring/coordination.rs", "GET", "/mentoring/roster", Need::CaseRules("life_change.rs")),
    ("mentoring/coordination.rs", "POST", "/mentoring/roster", Need::CaseRules("life_change.rs")),
    ("funds/open.rs", "POST", "/funds/new", Need::CaseRules("life_change.rs")),
    ("api/plan.rs", "GET", "/v1/tasks/mine", Need::Role(Permission::ViewPerson)),
    ("api/plan.rs", "GET", "/v1/tasks/agency", Need::Role(Permission::ViewPerson)),
    // issue 17 (table branch): invitations and linking measures in the API, as in the pages
    ("api/conference.rs", "GET", "/v1/invitations", Need::Role(Permission::ViewPerson)),
    ("api/conference.rs", "GET", "/v1/invitations/{invitation}", Need::CaseRules("api_partners.rs")),
    ("api/conference.rs", "POST", "/v1/invitations/{invitation}", Need::CaseRules("api_partners.rs")),
    ("api/plan_measures.rs", "POST", "/v1/people/{id}/plan/measures", Need::Person(Permission::ManagePlan)),
    (
        "api/plan_measures.rs",
        "POST",
        "/v1/people/{id}/plan/measures/{measure}/end",
        Need::Person(Permission::ManagePlan),
    ),
    // Interventions (issue 19): providers see referrals by the referral (own / other provider),
    // walked per role in interventions.rs.
    ("interventions/mod.rs", "GET", "/people/{id}/interventions", Need::Person(Permission::WorkOnPlan)),
    ("interventions/mod.rs", "POST", "/people/{id}/referrals", Need::Person(Permission::WorkOnPlan)),
    ("interventions/mod.rs", "POST", "/people/{id}/unmet-need", Need::Person(Permission::WorkOnPlan)),
    ("interventions/mod.rs", "GET", "/referrals/{id}", Need::CaseRules("interventions.rs")),
    ("interventions/mod.rs", "POST", "/referrals/{id}/changes", Need::CaseRules("interventions.rs")),
    ("interventions/mod.rs", "GET", "/provider/referrals", Need::CaseRules("interventions.rs")),
    ("interventions/mod.rs", "GET", "/provider/catalogue", Need::CaseRules("interventions.rs")),
    ("interventions/mod.rs", "POST", "/provider/catalogue", Need::CaseRules("interventions.rs")),
    ("interventions/mod.rs", "GET", "/commissioning", Need::CaseRules("interventions.rs")),
    ("api/interventions.rs", "GET", "/v1/interventions", Need::CaseRules("interventions.rs")),
    ("api/interventions.rs", "POST", "/v1/interventions", Need::CaseRules("interventions.rs")),
    ("api/interventions.rs", "GET", "/v1/referrals", Need::CaseRules("interventions.rs")),
    ("api/interventions.rs", "POST", "/v1/referrals", Need::CaseRules("interventions.rs")),
    ("api/interventions.rs", "GET", "/v1/referrals/{id}", Need::CaseRules("interventions.rs")),
    ("api/interventions.rs", "POST", "/v1/referrals/{id}/changes", Need::CaseRules("interventions.rs")),
    ("api/unmet_need_and_webhooks.rs", "POST", "/v1/unmet-need", Need::CaseRules("interventions.rs")),
    ("api/unmet_need_and_webhooks.rs", "GET", "/v1/reports/unmet-need", Need::CaseRules("interventions.rs")),
    ("api/unmet_need_and_webhooks.rs", "POST", "/v1/webhooks", Need::CaseRules("interventions.rs")),
    ("api/unmet_need_and_webhooks.rs", "GET", "/v1/webhooks/{id}/deliveries", Need::CaseRules("interventions.rs")),
    ("api/unmet_need_and_webhooks.rs", "POST", "/v1/webhooks/{id}/replay", Need::CaseRules("interventions.rs")),
    // Keeping the catalogue and switching webhooks (issue 19, ivrest): by the entry's provider
    // and by administrators, walked in interventions_keeping.rs.
    ("interventions/catalogue.rs", "GET", "/provider/catalogue/{id}", Need::CaseRules("interventions_keeping.rs")),
    ("interventions/catalogue.rs", "POST", "/provider/catalogue/{id}", Need::CaseRules("interventions_keeping.rs")),
    (
        "interventions/catalogue.rs",
        "POST",
        "/provider/catalogue/{id}/active",
        Need::CaseRules("interventions_keeping.rs"),
    ),
    ("interventions/webhook_pages.rs", "GET", "/provider/webhooks", Need::CaseRules("interventions_keeping.rs")),
    ("interventions/webhook_pages.rs", "POST", "/provider/webhooks", Need::CaseRules("interventions_keeping.rs")),
    (
        "interventions/webhook_pages.rs",
        "POST",
        "/provider/webhooks/{id}/active",
        Need::CaseRules("interventions_keeping.rs"),
    ),
    ("api/intervention_catalogue.rs", "GET", "/v1/interventions/{id}", Need::CaseRules("interventions_keeping.rs")),
    ("api/intervention_catalogue.rs", "PUT", "/v1/interventions/{id}", Need::CaseRules("interventions_keeping.rs")),
    ("api/intervention_catalogue.rs", "PATCH", "/v1/interventions/{id}", Need::CaseRules("interventions_keeping.rs")),
    ("api/unmet_need_and_webhooks.rs", "GET", "/v1/webhooks", Need::CaseRules("interventions_keeping.rs")),
    ("api/unmet_need_and_webhooks.rs", "PATCH", "/v1/webhooks/{id}", Need::CaseRules("interventions_keeping.rs")),
    // Issue 18, the whole API: screenings as in the pages.
    ("api/screenings.rs", "GET", "/v1/people/{id}/screenings", Need::Person(Permission::ViewPerson)),
    ("api/screenings.rs", "POST", "/v1/people/{id}/screenings", Need::Person(Permission::RecordScreening)),
    ("api/meetings.rs", "GET", "/v1/meetings", Need::Role(Permission::ViewPerson)),
    ("api/meetings.rs", "GET", "/v1/meetings/{meeting}", Need::CaseRules("api_meetings.rs")),
    ("api/triage.rs", "GET", "/v1/triage", Need::Role(Permission::TriageConference)),
    ("api/triage.rs", "POST", "/v1/people/{id}/conference-requests", Need::Person(Permission::RequestConference)),
    // The public value report (issue 21): analysts every scope, a process manager their own
    // Safety House and locations, a municipality officer their partner Safety Houses, others
    // 403 (walked in public_value.rs).
    ("evidence/public_value_page.rs", "GET", "/evidence/public-value", Need::CaseRules("public_value.rs")),
    ("evidence/public_value_page.rs", "GET", "/evidence/public-value/data.csv", Need::CaseRules("public_value.rs")),
    ("api/public_value.rs", "GET", "/v1/evidence/public-value", Need::CaseRules("public_value.rs")),
    // Issue 18, the whole API (apipacks): triage and meeting writes, groups, cohorts, the board.
    ("api/triage.rs", "POST", "/v1/triage/{request}", Need::CaseRules("api_conference_writes.rs")),
    ("api/triage.rs", "POST", "/v1/triage/{request}/schedule", Need::CaseRules("api_conference_writes.rs")),
    ("api/meeting_writes.rs", "POST", "/v1/meetings", Need::Role(Permission::ChairConference)),
    ("api/meeting_writes.rs", "POST", "/v1/meetings/{meeting}/agenda", Need::CaseRules("api_conference_writes.rs")),
    (
        "api/meeting_writes.rs",
        "POST",
        "/v1/meetings/{meeting}/agenda/remove",
        Need::CaseRules("api_conference_writes.rs"),
    ),
    ("api/meeting_writes.rs", "POST", "/v1/meetings/{meeting}/attendance", Need::CaseRules("api_conference_writes.rs")),
    ("api/meeting_writes.rs", "POST", "/v1/meetings/{meeting}/minutes", Need::CaseRules("api_conference_writes.rs")),
    ("api/meeting_writes.rs", "POST", "/v1/meetings/{meeting}/close", Need::CaseRules("api_conference_writes.rs")),
    ("api/meeting_writes.rs", "POST", "/v1/meetings/{meeting}/cancel", Need::CaseRules("api_conference_writes.rs")),
    ("api/groups.rs", "GET", "/v1/groups", Need::Role(Permission::ManagePlan)),
    ("api/groups.rs", "POST", "/v1/groups", Need::Role(Permission::ManagePlan)),
    ("api/groups.rs", "GET", "/v1/groups/{group}", Need::CaseRules("api_groups_cohorts.rs")),
    ("api/groups.rs", "POST", "/v1/groups/{group}/changes", Need::CaseRules("api_groups_cohorts.rs")),
    ("api/cohorts.rs", "GET", "/v1/cohorts", Need::Role(Permission::SelectCohort)),
    ("api/cohorts.rs", "GET", "/v1/cohorts/{rule}", Need::Role(Permission::SelectCohort)),
    ("api/cohorts.rs", "POST", "/v1/cohorts/{rule}/decisions", Need::CaseRules("api_groups_cohorts.rs")),
    ("api/zsm.rs", "GET", "/v1/zsm/{location}/board", Need::CaseRules("api_groups_cohorts.rs")),
];

/// Where a file's routes are mounted.
fn prefix(file: &str) -> &'static str {
    if file.starts_with("api") { "/api" } else { "" }
}

/// Every `.route("path", get(..).post(..))` in the web crate's source.
fn routes_in_source() -> Vec<(String, String, String)> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
    let mut found = Vec::new();
    let mut files = Vec::new();
    collect(std::path::Path::new(root), &mut files);
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let file = path.strip_prefix(root).unwrap().to_string_lossy().to_string();
        for piece in text.split(".route(\"").skip(1) {
            let (route, rest) = piece.split_once('"').unwrap();
            // The handler chain runs until the route call's closing parenthesis.
            let mut depth = 1;
            let chain: String = rest
                .chars()
                .take_while(|c| {
                    match c {
                        '(' => depth += 1,
                        ')' => depth -= 1,
                        _ => {}
                    }
                    depth > 0
                })
                .collect();
            for method in ["get", "post", "put", "patch", "delete"] {
                let called = chain.match_indices(&format!("{method}(")).any(|(i, _)| {
                    i == 0 || !chain.as_bytes()[i - 1].is_ascii_alphanumeric() && chain.as_bytes()[i - 1] != b'_'
                });
                if called {
                    found.push((file.clone(), method.to_uppercase(), route.to_string()));
                }
            }
        }
    }
    found
}

fn collect(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_route_in_the_source_is_in_the_matrix_and_back() {
    let source = routes_in_source();
    let missing: Vec<_> = source
        .iter()
        .filter(|(file, method, route)| !MATRIX.iter().any(|(f, m, r, _)| f == file && m == method && r == route))
        .collect();
    assert!(missing.is_empty(), "routes without a row in the authorization matrix: {missing:?}");
    let stale: Vec<_> = MATRIX
        .iter()
        .filter(|(f, m, r, _)| !source.iter().any(|(file, method, route)| f == file && m == method && r == route))
        .collect();
    assert!(stale.is_empty(), "matrix rows for routes that no longer exist: {stale:?}");
}

fn expected_allowed(need: Need, role: Role, on_team: bool) -> bool {
    match need {
        Need::Public | Need::SignedIn => true,
        Need::CaseRules(_) | Need::Token => unreachable!("judged on their own"),
        Need::Role(permission) => role.grants(permission).is_some(),
        Need::Person(permission) => match role.grants(permission) {
            Some(Scope::Everyone) => true,
            Some(Scope::Team) => on_team,
            None => false,
        },
    }
}

fn concrete(route: &str, person: &str) -> String {
    route
        .replace("{id}", person)
        .replace("{code}", "en")
        .replace("{*path}", "desist.css")
        .replace("{rule}", "ew-iom")
        .replace("{location}", "zsm-utrecht")
        .replace("{partner}", "probation")
        .replace("{clock}", "ophouden")
        .replace("{group}", "0192f0c1-0000-7000-8000-000000000001")
        .replace("{notice}", "01900000-0000-7000-8000-000000000002")
        .replace("{task}", "01900000-0000-7000-8000-000000000001")
        .replace("{order}", "01900000-0000-7000-8000-000000000003")
        .replace("{ban}", "01900000-0000-7000-8000-000000000004")
        .replace("{episode}", "01900000-0000-7000-8000-000000000005")
        .replace("{position}", "1")
        .replace("{member}", "01900000-0000-7000-8000-000000000006")
        .replace("{key}", "01900000-0000-7000-8000-000000000007")
        .replace("{invitation}", "01900000-0000-7000-8000-000000000008")
        .replace("{measure}", "01900000-0000-7000-8000-000000000009")
        .replace("{fund}", "01900000-0000-7000-8000-00000000000a")
        .replace("{transfer}", "01900000-0000-7000-8000-00000000000b")
        .replace("{agency}", "01900000-0000-7000-8000-00000000000c")
        .replace("{house}", "01900000-0000-7000-8000-00000000000d")
        .replace("{session}", "0123456789abcdef")
}

#[test]
fn routes_with_case_rules_name_a_test_that_exercises_them() {
    for (_, method, route, need) in MATRIX {
        if let Need::CaseRules(file) = need {
            let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/web/").to_string() + file;
            let text = std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("{method} {route}: {path} is missing"));
            let stem = route.split('{').next().unwrap_or(route).trim_end_matches('/');
            assert!(text.contains(stem), "{method} {route}: {file} never requests {stem}");
        }
    }
}

/// A body that reaches the handler (it may be refused as invalid: 422 still means "allowed").
fn form_body() -> Vec<(&'static str, &'static str)> {
    vec![("family_name", ""), ("version", "1"), ("basis_kind", ""), ("username", "x"), ("password", "y")]
}

async fn call(app: &TestApp, client: &support::Client, method: &str, path: &str) -> StatusCode {
    let api = path.starts_with("/api/");
    let response = match (method, api) {
        ("GET", false) => client.get(path).await,
        ("POST", false) => client.post_form(path, &form_body()).await,
        (_, true) => {
            let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
            let body = (method != reqwest::Method::GET).then(|| {
                if path.ends_with("/changes") {
                    // A change to a measure names its action; one that asks ManagePlan of each kind.
                    let action = if path.contains("/episodes/") { "close" } else { "lift" };
                    serde_json::json!({"action": action, "reason": ""})
                } else {
                    serde_json::json!({"version": 1, "person": {}, "basis": {}, "username": "x", "password": "y"})
                }
            });
            client.api(method, path, body).await
        }
        _ => panic!("method {method} not covered by this test"),
    };
    let _ = app;
    response.status()
}

fn is_refusal(status: StatusCode) -> bool {
    matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND | StatusCode::UNAUTHORIZED)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_for_every_role_on_and_off_the_team() {
    let app = spawn_app().await;
    let on_team = app.agency("Agency on the team", AgencyKind::Probation).await;
    let off_team = app.agency("Agency off the team", AgencyKind::Police).await;
    let creator = app.member(&on_team, "creator", &[Role::ProbationOfficer]).await;
    let mut failures = Vec::new();
    let mut checked = 0;
    for (index, role) in Role::ALL.into_iter().enumerate() {
        for (team_state, agency) in [(true, &on_team), (false, &off_team)] {
            // A fresh person per role, so one role's edits cannot change another's outcome.
            let bsn = support::valid_bsn(index * 2 + usize::from(team_state));
            let person = app.person(&creator, "Matrix", &bsn).await.to_string();
            let member = app.member(agency, &format!("{}-{team_state}", role.code()), &[role]).await;
            for (file, method, route, need) in MATRIX {
                if matches!(need, Need::Public) && *method == "POST" {
                    continue; // sign-in: covered by its own tests (throttling would interfere here)
                }
                let path = format!("{}{}", prefix(file), concrete(route, &person));
                let client = app.session_for(&member).await;
                let status = call(&app, &client, method, &path).await;
                if matches!(need, Need::Token) {
                    if status != StatusCode::NOT_FOUND {
                        failures.push(format!("{method} {path} as {}: got {status}, expected 404", role.code()));
                    }
                    checked += 1;
                    continue;
                }
                if matches!(need, Need::CaseRules(_)) {
                    if status.is_server_error() {
                        failures.push(format!("{method} {path} as {}: got {status}", role.code()));
                    }
                    checked += 1;
                    continue;
                }
                let allowed = expected_allowed(*need, role, team_state);
                let ok = if allowed {
                    !is_refusal(status) && status != StatusCode::INTERNAL_SERVER_ERROR
                } else {
                    status == StatusCode::FORBIDDEN
                };
                if !ok {
                    failures.push(format!(
                        "{method} {path} as {} ({}): got {status}, expected {}",
                        role.code(),
                        if team_state { "on team" } else { "off team" },
                        if allowed { "allowed" } else { "403" }
                    ));
                }
                checked += 1;
            }
        }
    }
    assert!(failures.is_empty(), "{} of {checked} checks failed:\n{}", failures.len(), failures.join("\n"));
}

#[tokio::test]
async fn anonymous_requests_reach_only_public_routes() {
    let app = spawn_app().await;
    let agency = app.agency("Agency", AgencyKind::Probation).await;
    let creator = app.member(&agency, "creator", &[Role::ProbationOfficer]).await;
    let person = app.person(&creator, "Matrix", "111222333").await.to_string();
    let anonymous = app.anonymous();
    for (file, method, route, need) in MATRIX {
        let path = format!("{}{}", prefix(file), concrete(route, &person));
        let status = call(&app, &anonymous, method, &path).await;
        match need {
            Need::Public => assert!(!is_refusal(status) || *method == "POST", "{method} {path}: {status}"),
            Need::Token => assert_eq!(status, StatusCode::NOT_FOUND, "{method} {path}"),
            _ if path.starts_with("/api/") => assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path}"),
            _ if *method == "GET" => assert_eq!(status, StatusCode::SEE_OTHER, "{method} {path} sends to sign-in"),
            // A form post without a session has no CSRF token to match: refused before anything.
            _ => assert!(matches!(status, StatusCode::SEE_OTHER | StatusCode::FORBIDDEN), "{method} {path}: {status}"),
        }
    }
}
