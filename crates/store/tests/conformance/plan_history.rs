//! The plan's history as changes (issue 16, item 7), on SQLite and PostgreSQL: a change costs
//! the history about its own size, not the plan's; every version reads back as it was
//! (`plan_as_of`, `plans_as_of`).

use crate::support::{self, Backend, PACK, TestDb, UTC, actor, at, days, person_input, person_on_team};
use domain::access::{Actor, Role};
use domain::directory::AgencyKind;
use domain::ids::PersonId;
use domain::plan::Plan;
use domain::plan::ports::PlanStore;
use domain::plan::service::{PlanAction, Plans};
use domain::{Clock, FixedClock};
use jiff::Timestamp;
use store::Store;

/// Bytes the plans' history holds: every stored copy, change and command.
async fn history_bytes(store: &Store) -> i64 {
    let with_changes = "SELECT CAST(coalesce(sum(octet_length(state)), 0) + coalesce(sum(octet_length(change)), 0) \
                        + coalesce(sum(octet_length(command)), 0) AS BIGINT) FROM plan_event";
    let copies_only = "SELECT CAST(coalesce(sum(octet_length(state)), 0) + coalesce(sum(octet_length(command)), 0) \
                       AS BIGINT) FROM plan_event";
    let mut bytes = Vec::new();
    for sql in [with_changes, copies_only] {
        let sql = sqlx::AssertSqlSafe(sql);
        let counted: Result<i64, sqlx::Error> = match store.pool() {
            store::Pool::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(pool).await,
            store::Pool::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await,
        };
        bytes.extend(counted.ok());
    }
    bytes[0]
}

fn task(owner: &Actor, n: usize) -> PlanAction {
    PlanAction::AddTask {
        description: format!("Taak {n}: aanmelden bij de schuldhulp en de afspraken nakomen"),
        kind: "care".into(),
        owner: owner.agency_id.to_string(),
        owner_member: String::new(),
        goal: String::new(),
        due: "2027-03-01".into(),
        restricted_to: Vec::new(),
    }
}

fn note(n: usize) -> PlanAction {
    let text = format!("Gesprek {n}. {}", "Het gaat de goede kant op met wonen en werk. ".repeat(110));
    PlanAction::Note { task: String::new(), text: text.chars().take(5_000).collect(), restricted_to: Vec::new() }
}

/// A person on probation's and the police's team, with a drafted plan.
async fn person(store: &Store, clock: &FixedClock, officer: &Actor, constable: &Actor, bsn: &str) -> PersonId {
    let input = person_input("Jansen", "Henk", "1971-05-03", bsn);
    let person = person_on_team(store, clock, officer, &input, &[constable]).await;
    Plans { store, clock, time_zone: &UTC, pack: &PACK }.draft(officer, person).await.unwrap();
    person
}

/// A plan of 50 tasks, then ten notes of 5,000 characters a week later: the notes cost the
/// history about their own size (a copy of the plan per note would be ~25 times more), and
/// the plan of any moment reads back as it was.
async fn large_notes_cost_the_history_their_size(db: TestDb) {
    let store = &db.store;
    let clock = FixedClock::new(at("2026-11-02T10:00:00Z"));
    let officer = actor(store, "Reclassering Utrecht", AgencyKind::Probation, Role::ProbationOfficer).await;
    let constable = actor(store, "Politie Utrecht", AgencyKind::Police, Role::PoliceOfficer).await;
    let person = person(store, &clock, &officer, &constable, "111222333").await;
    let plans = Plans { store, clock: &clock, time_zone: &UTC, pack: &PACK };
    let mut versions: Vec<(Timestamp, Plan)> = Vec::new();
    for n in 0..50 {
        clock.advance(jiff::SignedDuration::from_mins(1));
        versions.push((clock.now(), plans.change(&officer, person, &task(&constable, n)).await.unwrap()));
    }
    let with_tasks = history_bytes(store).await;
    clock.advance(days(7));
    for n in 0..10 {
        clock.advance(jiff::SignedDuration::from_mins(1));
        versions.push((clock.now(), plans.change(&constable, person, &note(n)).await.unwrap()));
    }
    let with_notes = history_bytes(store).await;
    let notes = with_notes - with_tasks;
    eprintln!(
        "{}: history after 50 tasks {with_tasks} bytes, after 10 notes of 5,000 characters {with_notes} bytes \
         (the notes: {notes} bytes)",
        store.backend()
    );

    // Every version as it was, one by one and all at once.
    let id = versions[0].1.id;
    let started = std::time::Instant::now();
    for (at, plan) in &versions {
        assert_eq!(store.plan_as_of(id, *at).await.unwrap().as_ref(), Some(plan), "as of {at}");
    }
    eprintln!("{}: plan_as_of for each of {} versions: {:?}", store.backend(), versions.len(), started.elapsed());
    let week_ago = versions[49].0;
    assert_eq!(store.plans_as_of(&[id], week_ago).await.unwrap(), vec![Some(versions[49].1.clone())]);

    // Ten notes of 5,000 characters: each stored once with its command and once as the change
    // (about 20 kB in all, with JSON escaping), plus at most a copy of the plan now and then.
    assert!(notes < 10 * 5_000 * 4, "the notes cost {notes} bytes of history");
    assert!(with_tasks < 200_000, "50 tasks cost {with_tasks} bytes of history");
}

/// The weekly review's read of a page of plans as they were a week ago, timed: ten plans of
/// 50 tasks each, with ten large notes since.
async fn plans_as_of_a_week_ago_read_back_as_they_were(db: TestDb) {
    let store = &db.store;
    let clock = FixedClock::new(at("2026-11-02T10:00:00Z"));
    let officer = actor(store, "Reclassering Utrecht", AgencyKind::Probation, Role::ProbationOfficer).await;
    let constable = actor(store, "Politie Utrecht", AgencyKind::Police, Role::PoliceOfficer).await;
    let plans = Plans { store, clock: &clock, time_zone: &UTC, pack: &PACK };
    let mut people = Vec::new();
    let bsns = ["111222333", "123456708", "123456721", "123456733", "123456745"];
    for bsn in bsns {
        let person = person(store, &clock, &officer, &constable, bsn).await;
        for n in 0..50 {
            plans.change(&officer, person, &task(&constable, n)).await.unwrap();
        }
        people.push(person);
    }
    let mut week_ago = Vec::new();
    for person in &people {
        week_ago.push(Some(store.current_plan(*person).await.unwrap().unwrap().plan));
    }
    let then = clock.now();
    clock.advance(days(7));
    for person in &people {
        for n in 0..10 {
            plans.change(&constable, *person, &note(n)).await.unwrap();
        }
    }
    let ids: Vec<_> = week_ago.iter().map(|p| p.as_ref().unwrap().id).collect();
    let changed = median_time(|| async { assert_eq!(store.plans_as_of(&ids, then).await.unwrap(), week_ago) }).await;
    // And as they are now, unchanged since: the weekly review of plans no one touched that week.
    let mut now = Vec::new();
    for person in &people {
        now.push(Some(store.current_plan(*person).await.unwrap().unwrap().plan));
    }
    let at = clock.now();
    let unchanged = median_time(|| async { assert_eq!(store.plans_as_of(&ids, at).await.unwrap(), now) }).await;
    eprintln!(
        "{}: plans_as_of for {} plans of 50 tasks, median of 31 calls: changed since (ten notes each) {changed:?}, \
         unchanged since {unchanged:?}",
        store.backend(),
        ids.len(),
    );
}

/// The median time of 31 runs of `run`.
async fn median_time<F: std::future::Future<Output = ()>>(run: impl Fn() -> F) -> std::time::Duration {
    let mut times = Vec::new();
    for _ in 0..31 {
        let started = std::time::Instant::now();
        run().await;
        times.push(started.elapsed());
    }
    times.sort();
    times[times.len() / 2]
}

/// Runs `$body` with `$pool` bound to the store's pool, once per backend.
macro_rules! on_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match $store.pool() {
            store::Pool::Sqlite($pool) => $body,
            store::Pool::Postgres($pool) => $body,
        }
    };
}

/// People are registered by today's code, which writes the `person` columns later migrations
/// added (0051: `languages`); the test adds them for that and drops them again before
/// migrating, so the migrations after 0026 run on the schema they were written for.
async fn todays_person_columns(store: &Store, sql: &'static str) {
    on_pool!(store, pool => {
        sqlx::query(sql).execute(pool).await.unwrap();
    });
}

/// A plan's life as pre-0027 desist wrote it: each version with the instant it was made.
fn life(person: PersonId, officer: &Actor, constable: &Actor, start: Timestamp, plan: u128) -> Vec<(Timestamp, Plan)> {
    use domain::access::Restriction;
    use domain::ids::{GoalId, PlanId, TaskId};
    use domain::plan::{NewPlan, PlanCommand, PlanContext, TaskKind, TaskStatus};
    let context = PlanContext { rules: &PACK.plan, screening: &PACK.screening };
    let today = jiff::civil::date(2026, 11, 2);
    let team = [officer.agency_id, constable.agency_id].into();
    let id = PlanId(uuid::Uuid::from_u128(plan));
    let mut current = Plan::draft(NewPlan { id, person, team }, today).unwrap();
    let mut commands = vec![PlanCommand::AddGoal {
        goal: GoalId(uuid::Uuid::from_u128(plan * 1_000)),
        domain: domain::jurisdiction::DomainKey::new("housing"),
        in_own_words: "Een eigen kamer".into(),
        agreed_by_person: true,
    }];
    for n in 0..50 {
        commands.push(PlanCommand::AddTask {
            task: TaskId(uuid::Uuid::from_u128(plan * 1_000 + 100 + n)),
            description: format!("Taak {n}: aanmelden bij de schuldhulp en de afspraken nakomen"),
            kind: TaskKind::Care,
            owner: if n % 2 == 0 { officer.agency_id } else { constable.agency_id },
            owner_member: None,
            goal: None,
            due: jiff::civil::date(2027, 3, 1),
            restriction: Restriction::Team,
        });
    }
    commands.push(PlanCommand::Activate);
    for n in 0..12 {
        let text = format!("Gesprek {n}: \"goed\", ëën stap verder.\n{}", "Het gaat de goede kant op. ".repeat(180));
        commands.push(PlanCommand::AddNote {
            task: (n % 3 == 0).then(|| TaskId(uuid::Uuid::from_u128(plan * 1_000 + 100 + n))),
            by: constable.member_id,
            agency: constable.agency_id,
            text: text.chars().take(5_000).collect(),
            restriction: Restriction::Team,
        });
        if n % 4 == 1 {
            let task = TaskId(uuid::Uuid::from_u128(plan * 1_000 + 100 + n));
            commands.push(PlanCommand::ChangeTaskStatus { task, status: TaskStatus::Done, by_referral: None });
        }
    }
    let mut at = start;
    let mut versions = vec![(at, current.clone())];
    for command in commands {
        at = at.checked_add(jiff::SignedDuration::from_mins(90)).unwrap();
        current = current.apply(command, &context, today).unwrap().0;
        versions.push((at, current.clone()));
    }
    versions
}

/// Writes `versions` as pre-0027 desist did: the plan row now, and a history row per version
/// holding the whole plan.
async fn write_copies(store: &Store, versions: &[(Timestamp, Plan)], by: &Actor) {
    use store::types::{Day, Instant};
    let (first_at, first) = &versions[0];
    let (last_at, last) = versions.last().unwrap();
    on_pool!(store, pool => {
        sqlx::query(
            "INSERT INTO plan (id, person_id, status, started_on, version, state, created_at, created_by, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(last.id.0)
        .bind(last.person.0)
        .bind(domain::plan::service::plan_status_code(&last.status))
        .bind(Day(last.started_on))
        .bind(versions.len() as i64)
        .bind(serde_json::to_string(last).unwrap())
        .bind(Instant(*first_at))
        .bind(*by.member_id.as_uuid())
        .bind(Instant(*last_at))
        .execute(pool)
        .await
        .unwrap();
        for (i, (at, plan)) in versions.iter().enumerate() {
            sqlx::query(
                "INSERT INTO plan_event (plan_id, version, kind, at, on_day, member_id, agency_id, command, state) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(first.id.0)
            .bind(i as i64 + 1)
            .bind(if i == 0 { "drafted" } else { "add_note" })
            .bind(Instant(*at))
            .bind(Day(jiff::civil::date(2026, 11, 2)))
            .bind(*by.member_id.as_uuid())
            .bind(*by.agency_id.as_uuid())
            .bind("null")
            .bind(serde_json::to_string(plan).unwrap())
            .execute(pool)
            .await
            .unwrap();
        }
    });
}

/// How many history rows hold a copy of the plan, and the bytes of copies and changes (and
/// commands) the history holds.
async fn stored_history(store: &Store) -> (i64, i64) {
    let sql = "SELECT CAST(count(state) AS BIGINT) FROM plan_event";
    let copies = on_pool!(store, pool => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap());
    (copies, history_bytes(store).await)
}

/// Histories written before migration 0027 — a copy of the whole plan per row — read back
/// version by version exactly as they were after it, one by one and all at once; the copies
/// no longer needed are gone; the table stays append-only; and changes written since build on
/// the converted rows.
async fn histories_written_before_0027_read_back_after_it(db: TestDb) {
    let backend = if db.store.backend() == "sqlite" { Backend::Sqlite } else { Backend::Postgres };
    let (store, _dir) = crate::support::database_before(backend, "0027").await.unwrap();
    let clock = FixedClock::new(at("2026-11-02T10:00:00Z"));
    let officer = actor(&store, "Reclassering Utrecht", AgencyKind::Probation, Role::ProbationOfficer).await;
    let constable = actor(&store, "Politie Utrecht", AgencyKind::Police, Role::PoliceOfficer).await;
    todays_person_columns(&store, "ALTER TABLE person ADD COLUMN languages TEXT NOT NULL DEFAULT ''").await;
    // Today's team changes raise the boards of the person's ZSM locations in slots (0055).
    todays_person_columns(
        &store,
        "CREATE TABLE zsm_board_slot (location TEXT NOT NULL, slot BIGINT NOT NULL, generation BIGINT NOT NULL, \
         PRIMARY KEY (location, slot))",
    )
    .await;
    let mut lives = Vec::new();
    for (n, bsn) in ["111222333", "123456708"].into_iter().enumerate() {
        let input = person_input("Jansen", "Henk", "1971-05-03", bsn);
        let person = person_on_team(&store, &clock, &officer, &input, &[&constable]).await;
        let versions = life(person, &officer, &constable, clock.now(), 7 + n as u128);
        write_copies(&store, &versions, &officer).await;
        lives.push((person, versions));
    }
    // A plan of one version only.
    let input = person_input("Visser", "Anna", "1980-01-01", "123456721");
    let single = person_on_team(&store, &clock, &officer, &input, &[&constable]).await;
    let only = life(single, &officer, &constable, clock.now(), 9).into_iter().take(1).collect::<Vec<_>>();
    write_copies(&store, &only, &officer).await;
    lives.push((single, only));
    let (copies_before, bytes_before) = stored_history(&store).await;
    let rows: i64 = lives.iter().map(|(_, v)| v.len() as i64).sum();
    assert_eq!(copies_before, rows);
    todays_person_columns(&store, "ALTER TABLE person DROP COLUMN languages").await;
    todays_person_columns(&store, "DROP TABLE zsm_board_slot").await;

    store.migrate().await.unwrap();

    let (copies_after, bytes_after) = stored_history(&store).await;
    eprintln!(
        "{}: migration 0027 on {rows} history rows: {copies_before} copies in {bytes_before} bytes became \
         {copies_after} snapshots and {} changes in {bytes_after} bytes",
        store.backend(),
        rows - copies_after
    );
    assert!(copies_after < rows / 5, "{copies_after} of {rows} rows still hold a copy");
    assert!(bytes_after * 4 < bytes_before, "{bytes_after} bytes of history left of {bytes_before}");
    for (_, versions) in &lives {
        let id = versions[0].1.id;
        for (i, (at, plan)) in versions.iter().enumerate() {
            assert_eq!(store.plan_as_of(id, *at).await.unwrap().as_ref(), Some(plan), "version {}", i + 1);
        }
        let before_start = versions[0].0.checked_sub(jiff::SignedDuration::from_secs(1)).unwrap();
        assert_eq!(store.plan_as_of(id, before_start).await.unwrap(), None);
    }
    // All at once, at an instant in the middle of each plan's history.
    let ids: Vec<_> = lives.iter().map(|(_, v)| v[0].1.id).collect();
    for step in [0, 20, 52, 60] {
        let at = lives[0].1[step].0;
        let expected: Vec<Option<Plan>> = lives
            .iter()
            .map(|(_, v)| v.iter().take_while(|(when, _)| *when <= at).last().map(|(_, p)| p.clone()))
            .collect();
        assert_eq!(store.plans_as_of(&ids, at).await.unwrap(), expected, "as of version {}", step + 1);
    }

    // Still append-only, and a change written now builds on the converted history.
    assert!(support::execute(&store, "UPDATE plan_event SET kind = 'x'").await.is_err());
    assert!(support::execute(&store, "DELETE FROM plan_event").await.is_err());
    if store.backend() == "postgres" {
        assert!(support::execute(&store, "TRUNCATE plan_event").await.is_err());
    }
    let (person, versions) = &lives[0];
    clock.set(versions.last().unwrap().0.checked_add(days(1)).unwrap());
    let plans = Plans { store: &store, clock: &clock, time_zone: &UTC, pack: &PACK };
    let noted = plans.change(&constable, *person, &note(99)).await.unwrap();
    let id = versions[0].1.id;
    assert_eq!(store.plan_as_of(id, clock.now()).await.unwrap(), Some(noted));
    assert_eq!(store.plan_as_of(id, versions[40].0).await.unwrap().as_ref(), Some(&versions[40].1));
}

on_both_backends!(
    large_notes_cost_the_history_their_size,
    plans_as_of_a_week_ago_read_back_as_they_were,
    histories_written_before_0027_read_back_after_it,
);

/// Migration 0027 at a larger scale, timed (not run by default: `cargo test -p store --test
/// conformance -- --ignored migration_0027_at_scale --nocapture`; `DESIST_0027_PLANS` plans of
/// 64 versions each, 100 by default).
async fn migration_0027_at_scale(db: TestDb) {
    let plans: u128 = std::env::var("DESIST_0027_PLANS").ok().and_then(|n| n.parse().ok()).unwrap_or(100);
    let backend = if db.store.backend() == "sqlite" { Backend::Sqlite } else { Backend::Postgres };
    let (store, _dir) = crate::support::database_before(backend, "0027").await.unwrap();
    let clock = FixedClock::new(at("2026-11-02T10:00:00Z"));
    let officer = actor(&store, "Reclassering Utrecht", AgencyKind::Probation, Role::ProbationOfficer).await;
    let constable = actor(&store, "Politie Utrecht", AgencyKind::Police, Role::PoliceOfficer).await;
    let input = person_input("Jansen", "Henk", "1971-05-03", "111222333");
    let person = person_on_team(&store, &clock, &officer, &input, &[&constable]).await;
    let mut samples = Vec::new();
    for n in 0..plans {
        // One person with many (ended and open) plans is enough for the history table.
        let versions = life(person, &officer, &constable, clock.now(), 1_000 + n);
        write_copies(&store, &versions, &officer).await;
        if n % 25 == 0 {
            samples.push(versions);
        }
    }
    let (rows, bytes_before) = stored_history(&store).await;
    let started = std::time::Instant::now();
    store.migrate().await.unwrap();
    let took = started.elapsed();
    let (snapshots, bytes_after) = stored_history(&store).await;
    eprintln!(
        "{}: migration 0027 of {rows} rows ({plans} plans) took {took:?}: {bytes_before} -> {bytes_after} bytes, \
         {snapshots} snapshots",
        store.backend()
    );
    for versions in &samples {
        for (at, plan) in versions {
            assert_eq!(store.plan_as_of(plan.id, *at).await.unwrap().as_ref(), Some(plan));
        }
    }
}

mod at_scale {
    mod sqlite {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        #[ignore = "a measurement: minutes, and hundreds of megabytes"]
        async fn migration_0027_at_scale() {
            let db = crate::support::test_db(crate::support::Backend::Sqlite).await.unwrap();
            super::super::migration_0027_at_scale(db).await;
        }
    }
    mod postgres {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        #[ignore = "a measurement: minutes, and hundreds of megabytes"]
        async fn migration_0027_at_scale() {
            let Some(db) = crate::support::test_db(crate::support::Backend::Postgres).await else { return };
            super::super::migration_0027_at_scale(db).await;
        }
    }
}
