//! Sessions and reference data kept in memory on PostgreSQL (`memory.rs`): two stores on one
//! database stand for two servers; a change made through one, or by any other process, ends
//! the session on the other or reaches what it keeps, and memory is not trusted while its
//! listener is disconnected.

mod support;

use domain::access::Role;
use domain::directory::{AgencyKind, DirectoryStore, Session, SessionStore};
use std::time::Duration;
use store::Store;
use support::{actor, at, execute};

const NOW: &str = "2026-11-22T11:00:00Z";

async fn two_servers() -> Option<(Store, Store, support::Scratch)> {
    let (url, scratch) = support::fresh_url(support::Backend::Postgres).await?;
    let first = Store::connect(&url, 4).await.unwrap();
    let second = Store::connect(&url, 4).await.unwrap();
    for store in [&first, &second] {
        wait_until("the listener is connected", || async { store.sessions_in_memory() == Some(true) }).await;
    }
    Some((first, second, scratch))
}

async fn signed_in(store: &Store, token: &str) -> (Session, String) {
    let officer = actor(store, &format!("Agency {token}"), AgencyKind::Probation, Role::ProbationOfficer).await;
    let session = Session {
        token_hash: token.into(),
        member_id: officer.member_id,
        csrf_token: "csrf".into(),
        created_at: at("2026-11-22T10:00:00Z"),
        expires_at: at("2026-11-22T18:00:00Z"),
        signed_in_from: "10.0.0.7".into(),
        failed_attempts: None,
    };
    store.create_session(&session).await.unwrap();
    let username = store.member(officer.member_id).await.unwrap().unwrap().username;
    (session, username)
}

/// Polls `condition` for up to five seconds: announcements arrive asynchronously.
async fn wait_until<F, Fut>(what: &str, condition: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..500 {
        if condition().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("not within 5 s: {what}");
}

async fn live(store: &Store, token: &str) -> bool {
    store.session(token, at(NOW)).await.unwrap().is_some()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_logout_on_one_server_ends_the_session_on_the_other() {
    let Some((first, second, _scratch)) = two_servers().await else { return };
    let (session, _) = signed_in(&first, "logout").await;
    assert!(live(&second, "logout").await, "kept by the second server");
    first.delete_session(&session.token_hash).await.unwrap();
    assert!(!live(&first, "logout").await, "the server that logged out forgets at once");
    wait_until("the second server hears of the logout", || async { !live(&second, "logout").await }).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_by_any_process_reach_the_servers() {
    let Some((first, second, _scratch)) = two_servers().await else { return };
    let (_, username) = signed_in(&first, "renamed").await;
    let before = second.session("renamed", at(NOW)).await.unwrap().unwrap();
    // Not through the store: as `psql` or another tool would.
    execute(&first, &format!("UPDATE member SET display_name = 'Renamed' WHERE username = '{username}'"))
        .await
        .unwrap();
    wait_until("the rename reaches the second server", || async {
        second.session("renamed", at(NOW)).await.unwrap().unwrap().member.display_name == "Renamed"
    })
    .await;
    assert_ne!(before.member.display_name, "Renamed");

    first.set_member_disabled(&username, true).await.unwrap();
    wait_until("the disabled member is signed out everywhere", || async { !live(&second, "renamed").await }).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_is_not_trusted_while_the_listener_is_disconnected() {
    let Some((first, second, _scratch)) = two_servers().await else { return };
    let (session, _) = signed_in(&first, "outage").await;
    assert!(live(&second, "outage").await);
    // Both listeners lose their connections: announcements made now reach no one.
    execute(&first, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%'").await.unwrap();
    wait_until("the second server notices", || async { second.sessions_in_memory() == Some(false) }).await;
    execute(&first, &format!("DELETE FROM session WHERE token_hash = '{}'", session.token_hash)).await.unwrap();
    assert!(!live(&second, "outage").await, "read from the database while disconnected");
    wait_until("the listener connects again", || async { second.sessions_in_memory() == Some(true) }).await;
    assert!(!live(&second, "outage").await, "nothing kept from before the outage");
    let (_, _) = signed_in(&first, "after").await;
    assert!(live(&second, "after").await);
}

/// "Sign out everywhere else" through one server ends those sessions on the other, and the
/// notice of failed attempts, once cleared, is not shown again by the other (issue 16).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_out_elsewhere_through_one_server_ends_the_sessions_on_the_other() {
    let Some((first, second, _scratch)) = two_servers().await else { return };
    let (here, _) = signed_in(&first, "here").await;
    let told = domain::directory::FailedAttempts { count: 2, last_from: "192.0.2.2".into(), last_at: at(NOW) };
    let elsewhere = Session { token_hash: "elsewhere".into(), failed_attempts: Some(told), ..here.clone() };
    first.create_session(&elsewhere).await.unwrap();
    assert!(live(&second, "elsewhere").await, "kept by the second server");
    assert!(second.session("elsewhere", at(NOW)).await.unwrap().unwrap().session.failed_attempts.is_some());
    first.clear_failed_attempts("elsewhere").await.unwrap();
    wait_until("the second server hears the notice was shown", || async {
        second.session("elsewhere", at(NOW)).await.unwrap().unwrap().session.failed_attempts.is_none()
    })
    .await;
    assert_eq!(first.end_other_sessions(here.member_id, "here").await.unwrap(), 1);
    wait_until("the second server hears of the ended session", || async { !live(&second, "elsewhere").await }).await;
    assert!(live(&second, "here").await, "the session that asked stays");
}

/// Which roles act for each side of a referral and an agency's packs are kept too: a change
/// by another process, or through the other server, reaches the server once it has heard of
/// it (`Store::caught_up` waits for that); the server that made it follows at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reference_data_kept_in_memory_follows_changes_by_any_process() {
    use domain::directory::DirectoryStore;
    use domain::interventions::Side;
    use domain::interventions::ports::InterventionStore;
    let Some((first, second, _scratch)) = two_servers().await else { return };
    let officer = actor(&first, "Gemeente Zeist", AgencyKind::Municipality, Role::MunicipalityOfficer).await;
    assert!(!second.side_roles().await.unwrap().acts_for(&officer, Side::Referrer), "as seeded");
    assert!(!second.side_roles().await.unwrap().acts_for(&officer, Side::Referrer), "and as kept");
    // Not through the store: as `psql` or another tool would.
    execute(&first, "INSERT INTO referral_side_role (role, side) VALUES ('municipality_officer', 'referrer')")
        .await
        .unwrap();
    second.caught_up().await.unwrap();
    assert!(second.side_roles().await.unwrap().acts_for(&officer, Side::Referrer), "heard of");

    assert_eq!(second.agency_pack_source(officer.agency_id).await.unwrap().own, None);
    first.set_agency_pack(officer.agency_id, Some("england-wales")).await.unwrap();
    assert_eq!(first.agency_pack_source(officer.agency_id).await.unwrap().own.as_deref(), Some("england-wales"));
    second.caught_up().await.unwrap();
    assert_eq!(second.agency_pack_source(officer.agency_id).await.unwrap().own.as_deref(), Some("england-wales"));
}
