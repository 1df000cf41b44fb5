//! A fresh database per test: a temporary SQLite file, or a new database on the PostgreSQL
//! server named by `DESIST_TEST_DATABASE_URL`.

#![allow(dead_code, reason = "each test binary uses part of the shared support")]

use domain::FixedClock;
use domain::access::{Actor, LegalBasis, Role, TeamEntryInput};
use domain::directory::{Agency, AgencyKind, DirectoryStore, Member};
use domain::ids::{AgencyId, MemberId, PersonId};
use domain::jurisdiction::BeyondPack;
use domain::people::service::People;
use domain::people::{IdentifierInput, PersonInput};
use domain::service::ServiceError;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use std::sync::LazyLock;
use store::Store;

mod scratch;
pub use scratch::Scratch;

/// The time zone of the stories that do not depend on one.
pub static UTC: LazyLock<TimeZone> = LazyLock::new(|| TimeZone::UTC);

/// The Dutch pack: life domains, plan rules, conference criteria.
pub static PACK: LazyLock<BeyondPack> = LazyLock::new(BeyondPack::nl);

pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestDb {
    pub store: Store,
    pub url: String,
    _scratch: Scratch,
}

pub fn postgres_admin_url() -> Option<String> {
    match std::env::var("DESIST_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var("DESIST_REQUIRE_POSTGRES").is_err(),
                "DESIST_REQUIRE_POSTGRES is set but DESIST_TEST_DATABASE_URL is not"
            );
            None
        }
    }
}

/// A new, empty database URL for the backend, and what removes it when dropped; `None` when
/// PostgreSQL is not configured.
pub async fn fresh_url(backend: Backend) -> Option<(String, Scratch)> {
    match backend {
        Backend::Sqlite => Some(Scratch::sqlite()),
        Backend::Postgres => Some(Scratch::postgres(&postgres_admin_url()?, "desist_test").await),
    }
}

/// A database of an older desist on `backend`: every migration numbered before `first_missing`
/// (e.g. "0061") applied, none after, for tests that a migration upgrades existing rows.
pub async fn database_before(backend: Backend, first_missing: &str) -> Option<(Store, Scratch)> {
    let (url, dir) = fresh_url(backend).await?;
    let tree = if url.starts_with("sqlite:") { "migrations/sqlite" } else { "migrations/postgres" };
    let older = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(tree)).unwrap() {
        let entry = entry.unwrap();
        if entry.file_name().to_string_lossy().as_ref() < first_missing {
            std::fs::copy(entry.path(), older.path().join(entry.file_name())).unwrap();
        }
    }
    let migrator = sqlx::migrate::Migrator::new(older.path()).await.unwrap();
    if url.starts_with("sqlite:") {
        let options = <sqlx::sqlite::SqliteConnectOptions as std::str::FromStr>::from_str(&url).unwrap();
        let pool = sqlx::SqlitePool::connect_with(options.create_if_missing(true)).await.unwrap();
        migrator.run(&pool).await.unwrap();
        pool.close().await;
    } else {
        let pool = sqlx::PgPool::connect(&url).await.unwrap();
        migrator.run(&pool).await.unwrap();
        pool.close().await;
    }
    Some((Store::open(&url, 4).await.unwrap(), dir))
}

pub async fn test_db(backend: Backend) -> Option<TestDb> {
    let (url, scratch) = fresh_url(backend).await?;
    let store = Store::connect(&url, 8).await.expect("open test database");
    Some(TestDb { store, url, _scratch: scratch })
}

pub fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

pub fn days(n: i64) -> jiff::SignedDuration {
    jiff::SignedDuration::from_hours(24 * n)
}

/// An agency with one member of `role`, ready to act.
pub async fn actor(store: &Store, name: &str, kind: AgencyKind, role: Role) -> Actor {
    let now = at("2026-11-22T09:00:00Z");
    let agency = Agency { id: AgencyId::new(now), name: name.into(), kind };
    store.create_agency(&agency).await.unwrap();
    let member = Member {
        id: MemberId::new(now),
        agency_id: agency.id,
        username: format!("{}.{}", name.to_lowercase().replace(' ', "-"), role.code()),
        display_name: format!("{name} member"),
        roles: vec![role],
        disabled: false,
    };
    store.create_member(&member, "not-a-real-hash", now).await.unwrap();
    Actor { member_id: member.id, agency_id: agency.id, roles: member.roles, display_name: member.display_name }
}

pub fn statutory_basis() -> TeamEntryInput {
    TeamEntryInput {
        basis_kind: "statutory_task".into(),
        statute: "Wet op de reclassering".into(),
        reason: "ZSM intake".into(),
        ..Default::default()
    }
}

/// Adds `member`'s agency to a person's team, on the statutory basis.
pub fn team_entry(member: &Actor) -> TeamEntryInput {
    TeamEntryInput { agency_id: member.agency_id.to_string(), ..statutory_basis() }
}

/// A person with a name, a date of birth and a BSN.
pub fn person_input(family_name: &str, given_names: &str, birth_date: &str, bsn: &str) -> PersonInput {
    PersonInput {
        family_name: family_name.into(),
        given_names: given_names.into(),
        birth_date: birth_date.into(),
        identifiers: vec![IdentifierInput { kind: "bsn".into(), value: bsn.into() }],
        ..Default::default()
    }
}

/// `input` registered by `by` on the statutory basis, with the agencies of the members of
/// `team` added to the person's team.
pub async fn person_on_team(
    store: &Store,
    clock: &FixedClock,
    by: &Actor,
    input: &PersonInput,
    team: &[&Actor],
) -> PersonId {
    let people = People { store, clock, time_zone: &UTC };
    let person = people.create(by, input, &statutory_basis()).await.unwrap().id;
    for member in team {
        people.add_to_team(by, person, &team_entry(member)).await.unwrap();
    }
    person
}

/// The key of the first error of a refused use case.
pub fn invalid_key(result: Result<impl std::fmt::Debug, ServiceError>) -> &'static str {
    match result {
        Err(ServiceError::Invalid(errors)) => errors.iter().next().unwrap().key,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

pub fn statutory() -> LegalBasis {
    LegalBasis::StatutoryTask { statute: "Politiewet 2012 art. 3".into() }
}

/// Runs a story on SQLite, and on PostgreSQL when it is configured.
#[macro_export]
macro_rules! on_both_backends {
    ($($story:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $story() {
                    let db = $crate::support::test_db($crate::support::Backend::Sqlite).await.unwrap();
                    super::$story(db).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $story() {
                    let Some(db) = $crate::support::test_db($crate::support::Backend::Postgres).await else {
                        eprintln!("skipped: DESIST_TEST_DATABASE_URL is not set");
                        return;
                    };
                    super::$story(db).await;
                }
            )*
        }
    };
}

/// Rows in `table` (tests only: the name is not escaped).
pub async fn count(store: &Store, table: &str) -> i64 {
    let sql = sqlx::AssertSqlSafe(format!("SELECT count(*) FROM {table}"));
    match store.pool() {
        store::Pool::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
        store::Pool::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
    }
}

/// Runs raw SQL, e.g. to show that the database itself refuses a change.
pub async fn execute(store: &Store, sql: &str) -> Result<(), sqlx::Error> {
    let sql = sqlx::AssertSqlSafe(sql.to_string());
    match store.pool() {
        store::Pool::Sqlite(pool) => sqlx::query(sql).execute(pool).await.map(|_| ()),
        store::Pool::Postgres(pool) => sqlx::query(sql).execute(pool).await.map(|_| ()),
    }
}

/// The first page of a task list at the domain's page size.
pub const FIRST_PAGE: domain::plan::ports::PageRequest =
    domain::plan::ports::PageRequest { offset: 0, limit: domain::measures::service::TASK_PAGE_SIZE };
