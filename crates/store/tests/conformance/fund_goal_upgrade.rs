//! Migration 0061 on a database written before it (issue 20, funds3 branch): transfers recorded
//! when a purchase named its goal only in words are linked to the goal of the person's plan
//! whose words are exactly theirs; words that differ (even in case), a person without a plan,
//! and transfers without a goal stay unlinked; nothing else about a transfer changes. On both
//! backends. Also: the ledger's replay check in SQL finds a broken account.

use crate::support::{Backend, PACK, TestDb, UTC, actor, at, person_input, person_on_team};
use domain::FixedClock;
use domain::access::{Actor, Role};
use domain::directory::AgencyKind;
use domain::funds::ports::FundStore;
use domain::funds::service::{FundInput, Funds, TransferInput};
use domain::funds::{FundId, TransferId};
use domain::ids::PersonId;
use domain::plan::service::{PlanAction, Plans};
use store::Store;
use store::types::Instant;
use uuid::Uuid;

/// A commitment as desist wrote it before 0061: the goal in words, no goal id column.
async fn old_commitment(store: &Store, fund: FundId, person: PersonId, goal: &str, by: &Actor) -> TransferId {
    let id = TransferId(Uuid::now_v7());
    let sql = "INSERT INTO fund_transfer (id, fund_id, kind, debit_code, credit_code, amount_cents, phase, \
               reserved_cents, person_id, goal, description, invoice_ref, pending_id, reverses_id, needs_approval, \
               at, member_id, agency_id, request, group_id) \
               VALUES ($1, $2, 'commit', $3, $4, 1500, 'pending', NULL, $5, $6, 'Fiets', NULL, NULL, NULL, $7, \
               $8, $9, $10, $11, NULL)";
    macro_rules! insert {
        ($pool:expr) => {
            sqlx::query(sql)
                .bind(id.0)
                .bind(fund.0)
                .bind(format!("person:{person}"))
                .bind(format!("spent:{person}"))
                .bind(person.0)
                .bind(goal)
                .bind(false)
                .bind(Instant(at("2026-10-01T10:00:00Z")))
                .bind(*by.member_id.as_uuid())
                .bind(*by.agency_id.as_uuid())
                .bind(format!("{{\"goal\":\"{goal}\"}}"))
                .execute($pool)
                .await
                .unwrap()
                .rows_affected()
        };
    }
    let inserted = match store.pool() {
        store::Pool::Sqlite(pool) => insert!(pool),
        store::Pool::Postgres(pool) => insert!(pool),
    };
    assert_eq!(inserted, 1);
    id
}

async fn goals_written_in_words_before_0061_are_linked_by_it(db: TestDb) {
    let backend = if db.store.backend() == "sqlite" { Backend::Sqlite } else { Backend::Postgres };
    let (store, _dir) = crate::support::database_before(backend, "0061").await.unwrap();
    let clock = FixedClock::new(at("2026-09-01T10:00:00Z"));
    let officer = actor(&store, "Reclassering Den Haag", AgencyKind::Probation, Role::ProbationOfficer).await;
    let with_plan =
        person_on_team(&store, &clock, &officer, &person_input("Hoekstra", "Gerrit", "1970-01-01", "111222333"), &[])
            .await;
    let without_plan =
        person_on_team(&store, &clock, &officer, &person_input("Bakker", "Piet", "1971-01-01", "111222345"), &[]).await;
    let plans = Plans { store: &store, clock: &clock, time_zone: &UTC, pack: &PACK };
    plans.draft(&officer, with_plan).await.unwrap();
    for words in ["Een eigen kamer", "Weer aan het werk"] {
        let goal = PlanAction::AddGoal { domain: "housing".into(), in_own_words: words.into(), agreed_by_person: true };
        plans.change(&officer, with_plan, &goal).await.unwrap();
    }
    let goals = plans.view(&officer, with_plan, "test").await.unwrap().plan.unwrap().plan.goals;
    // Opened empty, so today's code writes no transfer into the old table.
    let funds = Funds { store: &store, clock: &clock, time_zone: &UTC };
    let input = FundInput {
        name: "Volwassenen 2026".into(),
        kind: "stream".into(),
        stream: "adults".into(),
        period_start: "2026-01-01".into(),
        period_end: "2026-12-31".into(),
        budget_cents: Some(0),
        approval_above_cents: Some(100_000),
        person_limit_cents: None,
    };
    let fund = funds.open_fund(&officer, &input).await.unwrap().id;
    let exact = old_commitment(&store, fund, with_plan, "Weer aan het werk", &officer).await;
    let other_case = old_commitment(&store, fund, with_plan, "weer aan het werk", &officer).await;
    let other_words = old_commitment(&store, fund, with_plan, "Een fiets", &officer).await;
    let no_plan = old_commitment(&store, fund, without_plan, "Een eigen kamer", &officer).await;
    let no_goal = old_commitment(&store, fund, with_plan, "", &officer).await;

    store.migrate().await.unwrap();

    let read = |id: TransferId| {
        let store = &store;
        async move { store.transfer(id).await.unwrap().unwrap() }
    };
    let linked = read(exact).await;
    assert_eq!(linked.goal_id, Some(goals[1].id), "the plan goal with exactly these words");
    assert_eq!(
        (linked.goal.as_str(), linked.amount_cents, linked.description.as_str()),
        ("Weer aan het werk", 1500, "Fiets")
    );
    for (id, goal) in
        [(other_case, "weer aan het werk"), (other_words, "Een fiets"), (no_plan, "Een eigen kamer"), (no_goal, "")]
    {
        let kept = read(id).await;
        assert_eq!((kept.goal_id, kept.goal.as_str()), (None, goal), "left as words");
    }
    // History is still never changed after the migration put its trigger back.
    assert!(crate::support::execute(&store, "UPDATE fund_transfer SET goal = 'x'").await.is_err());
}

/// The replay check in SQL: nothing off after real transfers, an account whose totals were
/// tampered with (the trigger guards transfers, not accounts) is found.
async fn the_replay_check_in_sql_finds_an_account_off_its_transfers(db: TestDb) {
    let store = &db.store;
    let clock = FixedClock::new(at("2026-11-22T10:00:00Z"));
    let setup = crate::funds::setup(store, &clock, 100_000).await;
    let funds = Funds { store, clock: &clock, time_zone: &UTC };
    let person = setup.people[0].to_string();
    for (kind, amount) in [("allocate", 20_000), ("commit", 1_000), ("release", 500)] {
        let input = TransferInput {
            id: Uuid::now_v7().to_string(),
            kind: kind.into(),
            person_id: person.clone(),
            amount_cents: Some(amount),
            description: "Test".into(),
            goal: "Een fiets".into(),
            ..Default::default()
        };
        funds.transfer(&setup.keeper, setup.fund, &input).await.unwrap();
    }
    assert_eq!(store.accounts_off_their_transfers(setup.fund).await.unwrap(), 0);
    assert_eq!(store.transfer_count(setup.fund).await.unwrap(), 3);
    crate::support::execute(store, "UPDATE fund_account SET credits_posted = credits_posted + 1 WHERE code = 'pool'")
        .await
        .unwrap();
    assert_eq!(store.accounts_off_their_transfers(setup.fund).await.unwrap(), 1);
}

on_both_backends!(
    goals_written_in_words_before_0061_are_linked_by_it,
    the_replay_check_in_sql_finds_an_account_off_its_transfers,
);
