//! The last enabled administrator stays, also when two administrators demote or disable each
//! other at the same moment (issue 18), on SQLite and PostgreSQL: the check is made inside the
//! write's transaction with the administrators locked, so the second write reads what the
//! first committed. A check before the write (or one without the lock) lets both succeed.

use crate::support::{TestDb, actor, at};
use domain::access::{Actor, Role};
use domain::audit::{AuditAction, AuditEntry};
use domain::directory::{AgencyKind, Member};
use domain::partnership::ports::{MemberWrite, PartnershipEdits, PartnershipStore};
use std::time::Duration;
use store::{Pool, Store};

fn audit(by: &Actor, what: &str) -> AuditEntry {
    AuditEntry::new(by, at("2026-11-22T10:00:00Z"), None, AuditAction::Update, what, "role: administrator")
}

/// The member as saved, without the administrator role.
async fn demoted(store: &Store, who: &Actor) -> (Member, i64) {
    let account = store.member_account(who.member_id).await.unwrap().unwrap();
    let mut member = account.member;
    member.roles = vec![Role::Analyst];
    (member, account.version)
}

async fn enabled_administrators(store: &Store) -> usize {
    let accounts = store.member_accounts().await.unwrap();
    accounts.iter().filter(|a| !a.member.disabled && a.member.roles.contains(&Role::Administrator)).count()
}

/// Two administrators, each demoting (or disabling) the other at once through the store:
/// one is saved, the other refused, one administrator is left. Ten rounds.
async fn two_administrators_taking_each_other_away_leave_one(db: TestDb) {
    let store = db.store.clone();
    for round in 0..10 {
        let a = actor(&store, &format!("Beheer A{round}"), AgencyKind::Municipality, Role::Administrator).await;
        let b = actor(&store, &format!("Beheer B{round}"), AgencyKind::Municipality, Role::Administrator).await;
        // Only these two are enabled administrators: those of earlier rounds are disabled.
        let (member_a, version_a) = demoted(&store, &a).await;
        let (first, second) = (store.clone(), store.clone());
        let (by_b, by_a) = (audit(&b, "demote a"), audit(&a, "disable b"));
        let demote_a = tokio::spawn(async move { first.update_member(&member_a, version_a, &by_b).await.unwrap() });
        let disable_b = tokio::spawn(async move { second.set_disabled(b.member_id, true, &by_a).await.unwrap() });
        let mut outcomes = [demote_a.await.unwrap(), disable_b.await.unwrap()];
        outcomes.sort_by_key(|o| *o == MemberWrite::Saved);
        assert_eq!(outcomes, [MemberWrite::LastAdministrator, MemberWrite::Saved], "round {round}");
        assert_eq!(enabled_administrators(&store).await, 1, "round {round}");
        // Out of the next round's way.
        sqlx_disable(&store, a.member_id).await;
        sqlx_disable(&store, b.member_id).await;
    }
}

/// Disables a member behind the store's back, to leave no enabled administrator for the next
/// round (only the story's own bookkeeping does this).
async fn sqlx_disable(store: &Store, id: domain::ids::MemberId) {
    let sql = "UPDATE member SET disabled = $1 WHERE id = $2";
    match store.pool() {
        Pool::Sqlite(pool) => sqlx::query(sql).bind(true).bind(*id.as_uuid()).execute(pool).await.map(drop),
        Pool::Postgres(pool) => sqlx::query(sql).bind(true).bind(*id.as_uuid()).execute(pool).await.map(drop),
    }
    .unwrap();
}

/// Administrator B's demotion of A is written and not yet committed (another server, midway
/// through the same use case) when the store is asked to demote B. It must wait for that
/// transaction — not read B as still an administrator — and then refuse. Deterministic: without
/// the lock (or with the check outside the transaction) the store saves at once and both
/// administrators are gone.
async fn a_demotion_waits_for_the_other_and_then_refuses(db: TestDb) {
    let store = db.store.clone();
    let a = actor(&store, "Beheer A", AgencyKind::Municipality, Role::Administrator).await;
    let b = actor(&store, "Beheer B", AgencyKind::Municipality, Role::Administrator).await;
    let (member_b, version_b) = demoted(&store, &b).await;
    let demote_a = "UPDATE member SET roles = 'analyst', version = version + 1 WHERE id = $1";
    let other = *a.member_id.as_uuid();
    macro_rules! meanwhile {
        ($tx:ident) => {{
            sqlx::query(demote_a).bind(other).execute(&mut *$tx).await.unwrap();
            let (late, by_a) = (store.clone(), audit(&a, "demote b"));
            let waiting = tokio::spawn(async move { late.update_member(&member_b, version_b, &by_a).await.unwrap() });
            tokio::time::sleep(Duration::from_millis(400)).await;
            assert!(!waiting.is_finished(), "the second demotion waits for the first transaction");
            $tx.commit().await.unwrap();
            tokio::time::timeout(Duration::from_secs(20), waiting).await.expect("not stuck").unwrap()
        }};
    }
    let outcome = match store.pool() {
        Pool::Sqlite(pool) => {
            let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.unwrap();
            meanwhile!(tx)
        }
        Pool::Postgres(pool) => {
            let mut tx = pool.begin().await.unwrap();
            meanwhile!(tx)
        }
    };
    assert_eq!(outcome, MemberWrite::LastAdministrator);
    assert_eq!(enabled_administrators(&store).await, 1, "B is still administrator");
    let b_now = store.member_account(b.member_id).await.unwrap().unwrap();
    assert_eq!((b_now.member.roles.as_slice(), b_now.version), ([Role::Administrator].as_slice(), version_b));
}

on_both_backends!(two_administrators_taking_each_other_away_leave_one, a_demotion_waits_for_the_other_and_then_refuses);
