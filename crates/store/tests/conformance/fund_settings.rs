//! What a transfer reads, on SQLite and PostgreSQL (issue 20): a server remembers a fund's
//! settings for the transfer path, and several servers share one database. A setting changed
//! behind a server's back — by another server, or by hand in the database — must never be
//! decided on: the approval threshold, the person limit and the holder a transfer is recorded
//! under are the fund's as it is when the transfer is recorded. Migration 0075's trigger raises
//! the fund's version on every change of its row, however it was made. The zone a member's
//! transfer is dated in comes from one read of their agency's pack and locations.

use crate::funds::{change_fund, input, setup};
use crate::support::{TestDb, UTC, at};
use domain::FixedClock;
use domain::access::{Actor, Role};
use domain::directory::{Agency, AgencyKind, AgencyPackSource, DirectoryStore};
use domain::funds::ports::FundStore;
use domain::funds::service::Funds;
use domain::funds::{AccountCode, FundError, FundId};
use domain::service::ServiceError;
use domain::zsm::ports::{ZsmLocation, ZsmStore};
use store::Store;

async fn version(store: &Store, fund: FundId) -> i64 {
    store.fund(fund).await.unwrap().unwrap().version
}

async fn a_server_never_records_a_transfer_on_settings_changed_behind_its_back(db: TestDb) {
    let clock = FixedClock::new(at("2026-11-22T10:00:00Z"));
    let s = setup(&db.store, &clock, 100_000).await;
    // Two servers on one database, each with its own memory.
    let other = Store::connect(&db.url, 4).await.unwrap();
    let here = Funds { store: &db.store, clock: &clock, time_zone: &UTC };
    let there = Funds { store: &other, clock: &clock, time_zone: &UTC };
    let person = s.people[0];
    here.transfer(&s.keeper, s.fund, &input("allocate", person, Some(20_000))).await.unwrap();
    there.transfer(&s.keeper, s.fund, &input("allocate", s.people[1], Some(1_000))).await.unwrap();
    let small = here.transfer(&s.keeper, s.fund, &input("commit", person, Some(2_000))).await.unwrap();
    assert!(!small.transfer.needs_approval, "2,000 is under the threshold of 3,000 both servers remember");
    assert_eq!(version(&db.store, s.fund).await, 1);

    // The threshold is lowered and a person limit set behind both servers' backs.
    change_fund(&db.store, s.fund, "approval_above_cents = 1000, person_limit_cents = 500").await;
    assert_eq!(version(&db.store, s.fund).await, 2, "the trigger raised the version");
    let remembered = other.remembered_fund(s.fund).await.unwrap().unwrap();
    assert_eq!(remembered.approval_above_cents, 3_000, "the other server still remembers the old settings");
    let commit = there.transfer(&s.keeper, s.fund, &input("commit", person, Some(2_000))).await.unwrap();
    assert!(commit.transfer.needs_approval, "recorded under the threshold as it is now");
    assert_eq!(other.remembered_fund(s.fund).await.unwrap().unwrap().version, 2, "read again, and remembered");
    // This server still remembers a person limit of 50,000: a new account gets the 500 of now.
    let limited = here.transfer(&s.keeper, s.fund, &input("allocate", s.people[2], Some(600))).await.unwrap_err();
    assert_eq!(limited.rule::<FundError>(), Some(&FundError::AboveLimit { limit: 500 }), "{limited:?}");
    let accounts = db.store.accounts(s.fund).await.unwrap();
    assert!(!accounts.iter().any(|a| a.code == AccountCode::Person(s.people[2])), "the refusal created nothing");

    // No statement can change a fund without raising its version, not even one that sets it.
    change_fund(&db.store, s.fund, "version = 1, approval_above_cents = 5000").await;
    assert_eq!(version(&db.store, s.fund).await, 3);
    let under = here.transfer(&s.keeper, s.fund, &input("commit", person, Some(4_000))).await.unwrap();
    assert!(!under.transfer.needs_approval, "4,000 is under the threshold of 5,000 now");

    // A fund handed to another agency: its former keepers are refused, though a server
    // remembered them as its keepers; the refusal is audited like any other.
    let elsewhere =
        crate::support::actor(&db.store, "Leger des Heils", AgencyKind::Provider, Role::ProviderWorker).await;
    change_fund(&db.store, s.fund, &holder_sql(&db.store, &elsewhere)).await;
    let refused = there.transfer(&s.keeper, s.fund, &input("commit", person, Some(100))).await.unwrap_err();
    assert!(matches!(refused, ServiceError::Forbidden(_)), "{refused:?}");
    let statement = here.statement(&s.keeper, person, "test").await.unwrap();
    assert_eq!(statement.funds[0].committed_cents, 8_000, "2,000 + 2,000 + 4,000; the refused 100 is not there");
}

fn holder_sql(store: &Store, holder: &Actor) -> String {
    match store.backend() {
        "postgres" => format!("holder_agency_id = '{}'", holder.agency_id.as_uuid()),
        _ => format!("holder_agency_id = X'{}'", holder.agency_id.as_uuid().simple()),
    }
}

/// A member's own pages and the transfers that name no person are dated in the zone of their
/// agency's pack, else of the locations it sits at: read at once, in their order.
async fn a_members_pack_source_is_one_read(db: TestDb) {
    let store = &db.store;
    let probation = crate::support::actor(store, "Reclassering Utrecht", AgencyKind::Probation, Role::ProbationOfficer)
        .await
        .agency_id;
    assert_eq!(store.agency_pack_source(probation).await.unwrap(), AgencyPackSource::default());
    let now = at("2026-11-22T09:00:00Z");
    for (code, name, pack, zone) in [
        ("zsm-utrecht", "ZSM Utrecht", "nl", None),
        ("st-anne", "St Anne Street", "england-wales", Some("Europe/London")),
        ("zsm-amsterdam", "ZSM Amsterdam", "nl", None),
    ] {
        let location = ZsmLocation {
            code: code.into(),
            name: name.into(),
            pack: pack.into(),
            agencies: if code == "zsm-amsterdam" { vec![] } else { vec![probation] },
            time_zone: zone.map(Into::into),
        };
        store.create_location(&location, now).await.unwrap();
    }
    let expected = vec![("england-wales".to_string(), Some("Europe/London".to_string())), ("nl".to_string(), None)];
    assert_eq!(
        store.agency_pack_source(probation).await.unwrap(),
        AgencyPackSource { own: None, locations: expected.clone() },
        "the locations the agency sits at, by name"
    );
    let hub = Agency {
        id: domain::ids::AgencyId::from_uuid(uuid::Uuid::from_u128(0x2017)),
        name: "IOM Hub".into(),
        kind: AgencyKind::SafetyHouse,
    };
    store.create_agency(&hub).await.unwrap();
    store.set_agency_pack(hub.id, Some("england-wales")).await.unwrap();
    assert_eq!(
        store.agency_pack_source(hub.id).await.unwrap(),
        AgencyPackSource { own: Some("england-wales".into()), locations: vec![] }
    );
    store.set_agency_pack(probation, Some("nl")).await.unwrap();
    assert_eq!(
        store.agency_pack_source(probation).await.unwrap(),
        AgencyPackSource { own: Some("nl".into()), locations: expected }
    );
}

on_both_backends!(
    a_server_never_records_a_transfer_on_settings_changed_behind_its_back,
    a_members_pack_source_is_one_read,
);
