//! Need-to-know in the "to screen" list through the API (`GET /api/v1/screenings/waiting`):
//! a person referred for a screening is listed only to members of an agency on their team now.
//! A probation agency not on the team, or one whose place on it has ended, sees neither the
//! person nor their count, and nothing is recorded against the person for them (the product
//! never tells anyone about a person they could not look up, so there is no read to audit);
//! each person shown is audited as listed, and a role that does not screen is refused and the
//! refusal audited against the list.

use crate::support::api_call;
use crate::support::zsm::{Table, intake, table, table_on_postgres};
use domain::access::Role;
use domain::audit::{AuditAction, AuditEntry, AuditLog};
use domain::directory::{AgencyKind, DirectoryStore};
use domain::ids::PersonId;
use domain::people::ports::PeopleStore;
use reqwest::{Method, StatusCode};
use serde_json::Value;

const WAITING: &str = "/api/v1/screenings/waiting";

/// Registers "Sam {name}" at the table and files probation's quick scan advising a screening.
async fn referred(t: &Table, name: &str) -> PersonId {
    let person = t.person(name).await;
    let suspect = person.to_string();
    let page = t
        .police
        .submit("/zsm/cases", &intake(&suspect, "2026-11-22T08:30", "2026-11-22T08:45", "2026-11-22", ""))
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    let case = page.url.trim_start_matches("/zsm/cases/").to_string();
    let version = crate::support::zsm::current_version(&t.probation, &case).await;
    let scan = [("version", version.as_str()), ("state", "done"), ("advice", "screening_advised")];
    let page = t.probation.submit(&format!("/zsm/cases/{case}/contributions/probation"), &scan).await;
    assert_eq!(page.status, 200, "{}", page.body);
    person
}

fn names(list: &Value) -> Vec<&str> {
    list["persons"].as_array().unwrap().iter().map(|p| p["person_name"].as_str().unwrap()).collect()
}

async fn listed_audits(t: &Table) -> i64 {
    t.app.scalar("SELECT count(*) FROM audit_log WHERE action = 'listed' AND what = 'list: to screen'").await
}

/// How often the person was shown on someone's list to screen (the person's audit trail).
async fn listings(t: &Table, person: PersonId) -> usize {
    let trail = t.app.store.audit_for_person(person, 1000).await.unwrap();
    trail.iter().filter(|v| v.entry.action == AuditAction::Listed && v.entry.what == "list: to screen").count()
}

async fn the_list_to_screen_follows_need_to_know(t: Table) {
    let vries = referred(&t, "Vries").await;
    let jansen = referred(&t, "Jansen").await;
    let (status, list) = api_call(&t.probation, Method::GET, WAITING, None).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let mut shown = names(&list);
    shown.sort_unstable();
    assert_eq!(shown, ["Sam Jansen", "Sam Vries"], "{list}");
    assert_eq!(listed_audits(&t).await, 2, "each person shown is audited as listed");

    // Another probation agency, at no table and on no team: nobody to screen, not even a count.
    let elsewhere = t
        .app
        .member_of_new_agency(
            "Reclassering Amsterdam",
            AgencyKind::Probation,
            "probation-elsewhere",
            Role::ProbationOfficer,
        )
        .await;
    let stranger = t.app.session_for(&elsewhere).await;
    let (status, list) = api_call(&stranger, Method::GET, WAITING, None).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!((list["total"].as_u64(), list["matched"].as_u64()), (Some(0), Some(0)), "{list}");
    assert!(!list.to_string().contains("Vries") && !list.to_string().contains("Jansen"), "{list}");
    let (_, searched) = api_call(&stranger, Method::GET, &format!("{WAITING}?q=Vries"), None).await;
    assert_eq!(searched["matched"].as_u64(), Some(0), "a search finds nobody outside the team: {searched}");
    assert_eq!(listed_audits(&t).await, 2, "nothing shown to the stranger, nothing recorded as shown");

    // Probation's place on Jansen's team ends: Jansen leaves its list, Vries stays. (Later,
    // past the window in which a listing already on record is not written again.)
    t.app.clock.set("2026-11-22T14:00:00Z".parse().unwrap());
    let agencies = t.app.store.agencies().await.unwrap();
    let probation = agencies.iter().find(|a| a.name == "Reclassering Utrecht").unwrap().id;
    let team = t.app.store.team(jansen).await.unwrap();
    let entry = team.iter().find(|e| e.agency_id == probation && e.ended_at.is_none()).unwrap();
    let ended =
        AuditEntry::new(&t.police_actor, t.app.now(), Some(jansen), AuditAction::TeamEnd, "team: ended", "test");
    t.app.store.end_team_entry(entry.id, t.app.now(), t.police_actor.member_id, &ended).await.unwrap();
    let (status, list) = api_call(&t.probation, Method::GET, WAITING, None).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(names(&list), ["Sam Vries"], "off the team, off the list: {list}");
    assert_eq!(list["total"].as_u64(), Some(1), "the count leaves the hidden person out: {list}");
    assert_eq!(listings(&t, vries).await, 2, "Vries shown twice, each listing on record");
    assert_eq!(listings(&t, jansen).await, 1, "Jansen on record only for the listing before probation left the team");

    // A role that does not screen is refused, and the refusal is on record.
    let (status, problem) = api_call(&t.police, Method::GET, WAITING, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    assert!(!problem.to_string().contains("Vries"), "{problem}");
    let refused =
        t.app.scalar("SELECT count(*) FROM audit_log WHERE action = 'denied' AND what = 'list: to screen'").await;
    assert_eq!(refused, 1, "the refusal is audited");
}

#[tokio::test]
async fn the_list_to_screen_follows_need_to_know_on_sqlite() {
    the_list_to_screen_follows_need_to_know(table().await).await;
}

#[tokio::test]
async fn the_list_to_screen_follows_need_to_know_on_postgres() {
    if let Some(t) = table_on_postgres().await {
        the_list_to_screen_follows_need_to_know(t).await;
    }
}
