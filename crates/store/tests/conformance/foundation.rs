//! The foundation's conformance stories — people and their case team, search, the audit log,
//! sessions, the migrations — the same on SQLite and PostgreSQL, through
//! the domain's use cases and ports, so both backends are held to one behaviour.

use crate::support;

use crate::support::{TestDb, UTC, actor, at, count, statutory, statutory_basis, team_entry};
use domain::access::{Actor, LegalBasis, Role, TeamEntry, TeamEntryInput};
use domain::audit::{AuditAction, AuditLog};
use domain::directory::{Agency, AgencyKind, DirectoryStore, FailedAttempts, Session, SessionStore};
use domain::ids::{AgencyId, PersonId, TeamEntryId};
use domain::people::ports::PeopleStore;
use domain::people::service::People;
use domain::people::{IdentifierInput, Person, PersonInput};
use domain::ports::StoreError;
use domain::service::ServiceError;
use domain::{Clock, FixedClock};
use jiff::civil::date;
use store::Store;

fn people<'a>(store: &'a Store, clock: &'a FixedClock) -> People<'a, Store> {
    People { store, clock, time_zone: &UTC }
}

fn clock() -> FixedClock {
    FixedClock::new(at("2026-11-22T10:00:00.123456Z"))
}

fn jan(bsn: &str) -> PersonInput {
    PersonInput {
        family_name: "Özdemir-de Vries".into(),
        given_names: "Jan Élodie".into(),
        birth_date: "1984-02-29".into(),
        sex: "X".into(),
        address: "Kerkstraat 1 “achter”".into(),
        postcode: "1011 AB".into(),
        city: "Amsterdam".into(),
        phone: "+31 20 123 4567".into(),
        email: "jan@example.org".into(),
        identifiers: vec![
            IdentifierInput { kind: "bsn".into(), value: bsn.into() },
            IdentifierInput { kind: "local".into(), value: "ZSM-2026-001".into() },
        ],
        languages: "nl, TR".into(),
    }
}

async fn probation(store: &Store) -> Actor {
    actor(store, "Reclassering Amsterdam", AgencyKind::Probation, Role::ProbationOfficer).await
}

/// Every column type written and read back unchanged: ids, text with non-ASCII, a leap-day
/// date, microsecond instants, booleans, optional values, each legal-basis shape.
async fn round_trip_every_column_type(db: TestDb) {
    let store = &db.store;
    let clock = clock();
    let officer = probation(store).await;
    let created = people(store, &clock).create(&officer, &jan("111222333"), &statutory_basis()).await.unwrap();
    let loaded = store.person(created.id).await.unwrap().unwrap();
    assert_eq!(loaded, created);
    assert_eq!(loaded.created_at, at("2026-11-22T10:00:00.123456Z"));
    assert_eq!(loaded.details.birth_date, Some(date(1984, 2, 29)));

    for basis in [
        LegalBasis::Consent { scope: "schuldhulp".into(), expires_on: date(2027, 12, 31) },
        LegalBasis::CourtOrder { reference: "ECLI:NL:RBAMS:2026:1".into() },
    ] {
        let other =
            actor(store, &format!("Agency {}", basis.kind()), AgencyKind::Municipality, Role::MunicipalityOfficer)
                .await;
        let entry = TeamEntry {
            id: TeamEntryId::new(clock.now()),
            person_id: created.id,
            agency_id: other.agency_id,
            basis,
            reason: "why".into(),
            added_by: officer.member_id,
            added_at: clock.now(),
            ended_at: None,
        };
        let audit = domain::audit::AuditEntry::new(
            &officer,
            clock.now(),
            Some(created.id),
            AuditAction::TeamAdd,
            "team",
            "test",
        );
        store.add_team_entry(&entry, &audit).await.unwrap();
        assert!(store.team(created.id).await.unwrap().contains(&entry));
    }

    // The record reads person, identifiers and team in one statement (one row per identifier
    // and entry: here 2 × 3); each must come back once, in order, with its names.
    let record = store.person_record(created.id).await.unwrap().unwrap();
    assert_eq!(record.person, store.person(created.id).await.unwrap().unwrap());
    assert_eq!(record.person.details.identifiers.len(), 2);
    assert_eq!(record.team, store.team(created.id).await.unwrap());
    assert_eq!(record.team.len(), 3);
    let mut agencies: Vec<&str> = record.team_names.iter().map(|names| names.agency.as_str()).collect();
    agencies.sort();
    assert_eq!(agencies, ["Agency consent", "Agency court_order", "Reclassering Amsterdam"]);
    assert!(record.team_names.iter().zip(&record.team).all(|(names, entry)| names.entry == entry.id));
    assert!(record.team_names.iter().all(|names| names.added_by == officer.display_name));
    assert!(store.person_record(PersonId::new(clock.now())).await.unwrap().is_none());

    let member = store.member(officer.member_id).await.unwrap().unwrap();
    assert_eq!((member.roles.clone(), member.disabled), (vec![Role::ProbationOfficer], false));
    let revisions = store.revisions(created.id).await.unwrap();
    assert_eq!(revisions.len(), 1);
    assert_eq!(revisions[0].details, created.details);
}

async fn upgrade_from_empty_through_every_migration(db: TestDb) {
    // `db` is already migrated; a second, untouched database starts empty.
    let (url, _dir) = support::fresh_url(if db.store.backend() == "sqlite" {
        support::Backend::Sqlite
    } else {
        support::Backend::Postgres
    })
    .await
    .unwrap();
    let empty = Store::open(&url, 2).await.unwrap();
    let (applied, known) = empty.migration_status().await.unwrap();
    assert_eq!(applied, 0);
    assert!(known >= 1);
    empty.migrate().await.unwrap();
    assert_eq!(empty.migration_status().await.unwrap(), (known, known));
    empty.migrate().await.unwrap();
    assert_eq!(empty.migration_status().await.unwrap(), (known, known));
    assert_eq!(count(&empty, "person").await, 0);
}

async fn duplicate_identifier_names_the_holder_and_changes_nothing(db: TestDb) {
    let store = &db.store;
    let clock = clock();
    let officer = probation(store).await;
    let service = people(store, &clock);
    let first = service.create(&officer, &jan("111222333"), &statutory_basis()).await.unwrap();
    let (persons, audits) = (count(store, "person").await, count(store, "audit_log").await);
    let mut second = jan("111.222.333");
    second.family_name = "Someone Else".into();
    match service.create(&officer, &second, &statutory_basis()).await {
        Err(ServiceError::Duplicate { identifier, existing }) => {
            assert_eq!(existing, Some(first.id), "the member may see the holder");
            assert_eq!(identifier.value, "111222333");
        }
        other => panic!("expected a duplicate, got {other:?}"),
    }
    assert_eq!((count(store, "person").await, count(store, "audit_log").await), (persons, audits));
}

async fn the_database_itself_refuses_a_duplicate_identifier(db: TestDb) {
    // Two creations racing past the service's check meet the primary key.
    let store = &db.store;
    let clock = clock();
    let officer = probation(store).await;
    let first = people(store, &clock).create(&officer, &jan("111222333"), &statutory_basis()).await.unwrap();
    let mut copy: Person = first.clone();
    copy.id = PersonId::new(clock.now());
    let team = TeamEntry {
        id: TeamEntryId::new(clock.now()),
        person_id: copy.id,
        agency_id: officer.agency_id,
        basis: statutory(),
        reason: "race".into(),
        added_by: officer.member_id,
        added_at: clock.now(),
        ended_at: None,
    };
    let audit =
        domain::audit::AuditEntry::new(&officer, clock.now(), Some(copy.id), AuditAction::Create, "person", "test");
    match store.create_person(&copy, &team, &audit).await {
        Err(StoreError::DuplicateIdentifier { existing, .. }) => assert_eq!(existing, first.id),
        other => panic!("expected a duplicate, got {other:?}"),
    }
    assert!(store.person(copy.id).await.unwrap().is_none());
    assert_eq!(count(store, "person").await, 1);
}

async fn stale_edit_is_a_conflict_and_overwrites_nothing(db: TestDb) {
    let store = &db.store;
    let clock = clock();
    let officer = probation(store).await;
    let service = people(store, &clock);
    let person = service.create(&officer, &jan("111222333"), &statutory_basis()).await.unwrap();
    let mut first_edit = jan("111222333");
    first_edit.city = "Utrecht".into();
    let saved = service.update(&officer, person.id, person.version, &first_edit).await.unwrap();
    assert_eq!(saved.version, 2);
    let mut stale_edit = jan("111222333");
    stale_edit.city = "Rotterdam".into();
    match service.update(&officer, person.id, person.version, &stale_edit).await {
        Err(ServiceError::Conflict { current }) => assert_eq!(current.details.city.as_deref(), Some("Utrecht")),
        other => panic!("expected a conflict, got {other:?}"),
    }
    // The store refuses a stale version too, even if the service were bypassed.
    let audit =
        domain::audit::AuditEntry::new(&officer, clock.now(), Some(person.id), AuditAction::Update, "x", "test");
    let direct = store.update_person(person.id, 1, &saved.details, clock.now(), officer.member_id, &audit).await;
    assert!(matches!(direct, Err(StoreError::Conflict { current: 2 })));
    assert_eq!(store.person(person.id).await.unwrap().unwrap().details.city.as_deref(), Some("Utrecht"));
    assert_eq!(store.revisions(person.id).await.unwrap().len(), 2);
}

async fn search_is_case_and_accent_insensitive_and_limited_to_the_team(db: TestDb) {
    let store = &db.store;
    let clock = clock();
    let officer = probation(store).await;
    let outsider = actor(store, "Politie Oost", AgencyKind::Police, Role::PoliceOfficer).await;
    let service = people(store, &clock);
    let person = service.create(&officer, &jan("111222333"), &statutory_basis()).await.unwrap();
    let mut other = jan("123456782");
    other.family_name = "Jansen".into();
    other.given_names = "Piet".into();
    other.birth_date = "1990-01-01".into();
    other.identifiers.truncate(1);
    service.create(&officer, &other, &statutory_basis()).await.unwrap();

    for query in
        ["ozdemir", "ÖZDEM", "elodie jan", "de vries", "29-02-1984", "1984-02-29 jan", "111222333", "ZSM-2026-001 jan"]
    {
        let hits = service.search(&officer, query).await.unwrap();
        let ids: Vec<PersonId> = hits.iter().map(|h| h.id).collect();
        assert_eq!(ids, vec![person.id], "query {query:?}");
    }
    assert!(service.search(&officer, "vriesx").await.unwrap().is_empty());
    assert!(service.search(&officer, "1984-03-01").await.unwrap().is_empty());
    assert!(service.search(&outsider, "ozdemir").await.unwrap().is_empty(), "not on the team, not found");
    let listed = store.audit_for_person(person.id, 100).await.unwrap();
    assert!(listed.iter().any(|a| a.entry.action == AuditAction::Listed));
}

/// The per-agency search index follows the team and the name: an agency added to the team
/// finds the person at once, a renamed person is found by the new name only, and an agency
/// whose entry ended finds them no more.
async fn search_follows_team_and_name_changes(db: TestDb) {
    let store = &db.store;
    let clock = clock();
    let officer = probation(store).await;
    let police = actor(store, "Politie Oost", AgencyKind::Police, Role::PoliceOfficer).await;
    let service = people(store, &clock);
    let person = service.create(&officer, &jan("111222333"), &statutory_basis()).await.unwrap();
    assert!(service.search(&police, "ozdemir").await.unwrap().is_empty());

    let added = team_entry(&police);
    let entry = service.add_to_team(&officer, person.id, &added).await.unwrap();
    assert_eq!(service.search(&police, "ozdemir jan").await.unwrap().len(), 1, "found once added to the team");
    let open_of = |agency| async move {
        let entries = store.open_entries_of(agency, &[person.id]).await.unwrap();
        entries.iter().map(|e| (e.person_id, e.agency_id)).collect::<Vec<_>>()
    };
    assert_eq!(open_of(police.agency_id).await, vec![(person.id, police.agency_id)], "only the agency's own entries");

    let mut renamed = jan("111222333");
    renamed.family_name = "Bakker".into();
    service.update(&officer, person.id, person.version, &renamed).await.unwrap();
    for searcher in [&officer, &police] {
        assert!(service.search(searcher, "ozdemir").await.unwrap().is_empty(), "the old name is gone");
        assert_eq!(service.search(searcher, "bakk").await.unwrap().len(), 1, "the new name is found");
    }

    let audit =
        domain::audit::AuditEntry::new(&officer, clock.now(), Some(person.id), AuditAction::TeamEnd, "team", "");
    store.end_team_entry(entry.id, clock.now(), officer.member_id, &audit).await.unwrap();
    assert!(service.search(&police, "bakker").await.unwrap().is_empty(), "ended entry: not found");
    assert!(open_of(police.agency_id).await.is_empty(), "an ended entry is not open");
    assert_eq!(open_of(officer.agency_id).await, vec![(person.id, officer.agency_id)]);
    assert_eq!(service.search(&officer, "bakker").await.unwrap().len(), 1, "the other agency still finds them");
}

/// Several words: each must start one of the person's name words, whichever word is rarest
/// (it drives the search, the others are checked on the index entry, migration 0016), and
/// the words follow a rename.
async fn search_with_several_words_needs_every_word(db: TestDb) {
    let store = &db.store;
    let clock = clock();
    let officer = probation(store).await;
    let service = people(store, &clock);
    let mut created = Vec::new();
    for (n, (given, family)) in [
        ("Jan", "de Vries"),
        ("Jan", "Bakker"),
        ("Piet", "de Vries"),
        ("Janneke", "de Vries-Bakker"),
        ("Anna", "Dekker"),
        ("Jan", "Jansen"),
    ]
    .into_iter()
    .enumerate()
    {
        let mut input = jan(&format!("10000000{}", n + 1));
        input.given_names = given.into();
        input.family_name = family.into();
        input.identifiers.truncate(0);
        created.push(service.create(&officer, &input, &statutory_basis()).await.unwrap());
    }
    let found = |hits: Vec<domain::people::ports::PersonSummary>| {
        let mut names: Vec<String> =
            hits.into_iter().map(|h| format!("{} {}", h.given_names.unwrap_or_default(), h.family_name)).collect();
        names.sort();
        names
    };
    let cases: [(&str, &[&str]); 9] = [
        // Jan Jansen matches through two words and is listed once.
        ("jan", &["Jan Bakker", "Jan Jansen", "Jan de Vries", "Janneke de Vries-Bakker"]),
        ("jan vri", &["Jan de Vries", "Janneke de Vries-Bakker"]),
        ("de jan", &["Jan de Vries", "Janneke de Vries-Bakker"]),
        ("jan bak", &["Jan Bakker", "Janneke de Vries-Bakker"]),
        ("piet de vries", &["Piet de Vries"]),
        ("VRIES de bakker jannek", &["Janneke de Vries-Bakker"]),
        ("de ann", &["Anna Dekker"]),
        ("bakker piet", &[]),
        ("vries piet jan", &[]),
    ];
    for (query, expected) in cases {
        assert_eq!(found(service.search(&officer, query).await.unwrap()), expected, "query {query:?}");
    }
    let first = &created[0];
    let mut renamed = jan("100000001");
    renamed.identifiers.truncate(0);
    renamed.given_names = "Jan".into();
    renamed.family_name = "de Wit".into();
    service.update(&officer, first.id, first.version, &renamed).await.unwrap();
    assert_eq!(found(service.search(&officer, "jan wit").await.unwrap()), ["Jan de Wit"]);
    assert_eq!(found(service.search(&officer, "jan vri").await.unwrap()), ["Janneke de Vries-Bakker"]);
}

async fn expired_consent_hides_the_person(db: TestDb) {
    let store = &db.store;
    let clock = clock();
    let officer = probation(store).await;
    let consent = TeamEntryInput {
        basis_kind: "consent".into(),
        consent_scope: "debt help".into(),
        consent_expires_on: "2026-11-30".into(),
        reason: "asked for help".into(),
        ..Default::default()
    };
    let person = people(store, &clock).create(&officer, &jan("111222333"), &consent).await.unwrap();
    assert_eq!(people(store, &clock).search(&officer, "jan").await.unwrap().len(), 1);
    clock.set(at("2026-12-01T10:00:00Z"));
    assert!(people(store, &clock).search(&officer, "jan").await.unwrap().is_empty());
    let denied = people(store, &clock).view(&officer, person.id, "person_page").await;
    assert!(matches!(denied, Err(ServiceError::Forbidden(_))));
}

async fn refused_access_is_audited(db: TestDb) {
    let store = &db.store;
    let clock = clock();
    let officer = probation(store).await;
    let outsider = actor(store, "Politie Oost", AgencyKind::Police, Role::PoliceOfficer).await;
    let person = people(store, &clock).create(&officer, &jan("111222333"), &statutory_basis()).await.unwrap();
    assert!(matches!(
        people(store, &clock).view(&outsider, person.id, "person_page").await,
        Err(ServiceError::Forbidden(_))
    ));
    let trail = store.audit_for_person(person.id, 10).await.unwrap();
    let denied = trail.iter().find(|a| a.entry.action == AuditAction::Denied).expect("denial audited");
    assert_eq!(denied.entry.member_id, outsider.member_id);
    assert_eq!(denied.agency_name, "Politie Oost");
}

/// Audit entries written on their own are committed in groups under concurrency; each caller
/// still learns its own outcome: entries that cannot be written (here a repeated id) fail
/// alone, and every other caller's entries are on record.
async fn concurrent_audit_appends_commit_each_callers_entries(db: TestDb) {
    let store = &db.store;
    let clock = clock();
    let officer = probation(store).await;
    let person = people(store, &clock).create(&officer, &jan("111222333"), &statutory_basis()).await.unwrap();
    let before = count(store, "audit_log").await;
    let appends = (0..40).map(|n| {
        let store = store.clone();
        let entry = || {
            domain::audit::AuditEntry::new(&officer, clock.now(), Some(person.id), AuditAction::Read, "person_page", "")
        };
        let first = entry();
        let second = if n == 17 { first.clone() } else { entry() };
        tokio::spawn(async move { store.append(&[first, second]).await })
    });
    let outcomes: Vec<bool> = futures_ok(appends).await;
    assert_eq!(outcomes.iter().filter(|ok| !**ok).count(), 1, "only the caller with a repeated id fails");
    assert!(!outcomes[17]);
    assert_eq!(count(store, "audit_log").await - before, 39 * 2);
}

async fn futures_ok<F>(tasks: impl Iterator<Item = tokio::task::JoinHandle<Result<(), F>>>) -> Vec<bool> {
    let mut outcomes = Vec::new();
    for task in tasks.collect::<Vec<_>>() {
        outcomes.push(task.await.unwrap().is_ok());
    }
    outcomes
}

async fn audit_log_is_append_only(db: TestDb) {
    let store = &db.store;
    let clock = clock();
    let officer = probation(store).await;
    people(store, &clock).create(&officer, &jan("111222333"), &statutory_basis()).await.unwrap();
    let (update, delete) = match store.pool() {
        store::Pool::Sqlite(pool) => (
            sqlx::query("UPDATE audit_log SET what = 'x'").execute(pool).await.is_err(),
            sqlx::query("DELETE FROM audit_log").execute(pool).await.is_err(),
        ),
        store::Pool::Postgres(pool) => (
            sqlx::query("UPDATE audit_log SET what = 'x'").execute(pool).await.is_err(),
            sqlx::query("DELETE FROM audit_log").execute(pool).await.is_err(),
        ),
    };
    assert!(update && delete);
    assert_eq!(count(store, "audit_log").await, 1);
}

async fn concurrent_writers_never_see_a_locked_database(db: TestDb) {
    let store = db.store.clone();
    let officer = probation(&store).await;
    let mut tasks = Vec::new();
    for n in 0..24u32 {
        let store = store.clone();
        let officer = officer.clone();
        tasks.push(tokio::spawn(async move {
            let clock = clock();
            let mut input = jan("");
            input.identifiers.clear();
            input.family_name = format!("Writer {n}");
            people(&store, &clock).create(&officer, &input, &statutory_basis()).await
        }));
    }
    for task in tasks {
        task.await.unwrap().expect("every concurrent write succeeds");
    }
    assert_eq!(count(&store, "person").await, 24);
}

async fn sessions_expire_and_end_with_a_disabled_member(db: TestDb) {
    let store = &db.store;
    let officer = probation(store).await;
    let session = Session {
        token_hash: "hash-1".into(),
        member_id: officer.member_id,
        csrf_token: "csrf".into(),
        created_at: at("2026-11-22T10:00:00Z"),
        expires_at: at("2026-11-22T18:00:00Z"),
        signed_in_from: "10.0.0.7".into(),
        failed_attempts: Some(FailedAttempts {
            count: 3,
            last_from: "192.0.2.66".into(),
            last_at: at("2026-11-22T09:58:12.345678Z"),
        }),
    };
    store.create_session(&session).await.unwrap();
    let live = store.session("hash-1", at("2026-11-22T17:59:59Z")).await.unwrap().expect("live before expiry");
    let member = store.member(officer.member_id).await.unwrap().unwrap();
    assert_eq!(live.session, session);
    assert_eq!(live.member, member, "the member comes with the session");
    assert_eq!(live.agency_name, "Reclassering Amsterdam");
    assert_eq!(store.session("hash-1", at("2026-11-22T18:00:00Z")).await.unwrap(), None);
    store.set_member_disabled(&member.username, true).await.unwrap();
    assert_eq!(store.session("hash-1", at("2026-11-22T11:00:00Z")).await.unwrap(), None);
    assert!(matches!(store.set_member_disabled("nobody", true).await, Err(StoreError::NotFound)));
}

/// A Safety House names the pack it works under (migration 0032); the others use the default.
async fn an_agency_names_its_pack(db: TestDb) {
    let store = &db.store;
    let officer = probation(store).await;
    let hub = Agency {
        id: AgencyId::from_uuid(uuid::Uuid::from_u128(0x1017)),
        name: "IOM Hub".into(),
        kind: AgencyKind::SafetyHouse,
    };
    store.create_agency(&hub).await.unwrap();
    assert_eq!(store.agency_packs().await.unwrap(), vec![]);
    store.set_agency_pack(hub.id, Some("england-wales")).await.unwrap();
    assert_eq!(store.agency_packs().await.unwrap(), vec![(hub.id, "england-wales".to_string())]);
    store.set_agency_pack(hub.id, None).await.unwrap();
    assert_eq!(store.agency_packs().await.unwrap(), vec![]);
    let unknown = AgencyId::from_uuid(uuid::Uuid::from_u128(0x1018));
    assert!(matches!(store.set_agency_pack(unknown, Some("nl")).await, Err(StoreError::NotFound)));
    assert!(store.agencies().await.unwrap().iter().any(|a| a.id == officer.agency_id), "agencies read as before");
}

on_both_backends!(
    an_agency_names_its_pack,
    round_trip_every_column_type,
    upgrade_from_empty_through_every_migration,
    duplicate_identifier_names_the_holder_and_changes_nothing,
    the_database_itself_refuses_a_duplicate_identifier,
    stale_edit_is_a_conflict_and_overwrites_nothing,
    search_is_case_and_accent_insensitive_and_limited_to_the_team,
    search_follows_team_and_name_changes,
    search_with_several_words_needs_every_word,
    expired_consent_hides_the_person,
    refused_access_is_audited,
    concurrent_audit_appends_commit_each_callers_entries,
    audit_log_is_append_only,
    concurrent_writers_never_see_a_locked_database,
    sessions_expire_and_end_with_a_disabled_member,
);
