//! Changing what administration made, the same on SQLite and PostgreSQL (issue 18): an update
//! is written only on the version it was made on (else the stored version is answered and
//! nothing is written), with its audit entry; an agency something refers to is not deleted;
//! one session of a member is ended by its reference.

use crate::support::{actor, at, count};
use domain::access::Role;
use domain::audit::{AuditAction, AuditEntry};
use domain::directory::{AgencyKind, Session, SessionStore};
use domain::partnership::ports::{PartnershipEdits, PartnershipStore};
use domain::ports::StoreError;
use store::Store;

const NOW: &str = "2026-11-22T10:00:00Z";

async fn updates_are_made_on_the_version_they_name(db: crate::support::TestDb) {
    let store: &Store = &db.store;
    let admin = actor(store, "Beheer", AgencyKind::Municipality, Role::Administrator).await;
    let audit = |what: &str| AuditEntry::new(&admin, at(NOW), None, AuditAction::Update, what, "role: administrator");
    let mut record = store.agency_record(admin.agency_id).await.unwrap().unwrap();
    assert_eq!(record.version, 1);
    record.contact = "030 123 4567".into();
    store.update_agency(&record, 1, &audit("admin: edit agency")).await.unwrap();
    record.contact = "lost".into();
    match store.update_agency(&record, 1, &audit("admin: edit agency")).await {
        Err(StoreError::Conflict { current }) => assert_eq!(current, 2),
        other => panic!("expected a conflict, got {other:?}"),
    }
    let saved = store.agency_record(admin.agency_id).await.unwrap().unwrap();
    assert_eq!((saved.contact.as_str(), saved.version), ("030 123 4567", 2), "nothing of the stale change written");
    assert_eq!(count(store, "audit_log WHERE what = 'admin: edit agency'").await, 1, "its audit entry neither");

    let mut account = store.member_account(admin.member_id).await.unwrap().unwrap();
    account.member.roles.push(Role::Analyst);
    store.update_member(&account.member, 1, &audit("admin: edit member")).await.unwrap();
    let again = store.member_account(admin.member_id).await.unwrap().unwrap();
    assert_eq!((again.version, again.member.roles.len()), (2, 2));
    assert!(matches!(
        store.update_member(&account.member, 1, &audit("x")).await,
        Err(StoreError::Conflict { current: 2 })
    ));

    // Something refers to the agency (its member): it stays, and nothing is on record.
    assert!(!store.delete_agency(admin.agency_id, &audit("admin: delete agency")).await.unwrap());
    assert_eq!(store.agency_members(admin.agency_id).await.unwrap(), 1);
    assert_eq!(count(store, "audit_log WHERE what = 'admin: delete agency'").await, 0);

    // One session ended by its reference, the other kept.
    for hash in ["aaaaaaaaaaaaaaaa1111", "bbbbbbbbbbbbbbbb2222"] {
        let session = Session {
            token_hash: hash.into(),
            member_id: admin.member_id,
            csrf_token: "csrf".into(),
            created_at: at(NOW),
            expires_at: at("2026-11-22T18:00:00Z"),
            signed_in_from: "10.0.0.1".into(),
            failed_attempts: None,
        };
        store.create_session(&session).await.unwrap();
    }
    let open = store.member_sessions(admin.member_id, at(NOW)).await.unwrap();
    assert_eq!(open.iter().map(|s| s.reference.as_str()).collect::<Vec<_>>(), ["aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb"]);
    assert!(
        store.end_member_session(admin.member_id, "aaaaaaaaaaaaaaaa", &audit("admin: revoke session")).await.unwrap()
    );
    assert!(
        !store.end_member_session(admin.member_id, "aaaaaaaaaaaaaaaa", &audit("admin: revoke session")).await.unwrap()
    );
    assert!(store.session("aaaaaaaaaaaaaaaa1111", at(NOW)).await.unwrap().is_none());
    assert!(store.session("bbbbbbbbbbbbbbbb2222", at(NOW)).await.unwrap().is_some());
    assert_eq!(count(store, "audit_log WHERE what = 'admin: revoke session'").await, 1);
}

on_both_backends!(updates_are_made_on_the_version_they_name);
