//! Conformance stories for the finder and the provider's lists at scale (issue 19), on SQLite
//! and PostgreSQL: the queue summary kept with each referral write equals the one recomputed
//! from the referrals, the finder reads only the entries for the person's town and says why
//! one does not fit (languages), and a list reads its lines from the referral's columns.

use crate::support::{PACK, TestDb, actor, at, days, person_input, person_on_team};
use domain::FixedClock;
use domain::access::{Actor, Role};
use domain::directory::AgencyKind;
use domain::ids::PersonId;
use domain::interventions::ports::{InterventionStore, ReferralQuery};
use domain::interventions::service::{Interventions, NewReferral};
use domain::interventions::{ChangeInput, ExpectedWait, InterventionInput, Misfit, ReferralStatus};
use domain::people::PersonInput;
use domain::screening::service::Screenings;
use domain::screening::{ScoreInput, ScreeningInput};
use jiff::tz::TimeZone;
use store::Store;

fn entry(name: &str, areas: &str, languages: &str) -> InterventionInput {
    InterventionInput {
        name: name.into(),
        kind: "addiction_treatment".into(),
        needs: "addiction".into(),
        outcomes: "Sober".into(),
        capacity: "1".into(),
        areas: areas.into(),
        languages: languages.into(),
        ..Default::default()
    }
}

fn act(action: &str) -> ChangeInput {
    ChangeInput { action: action.into(), ..Default::default() }
}

async fn the_queue_summary_stays_equal_to_the_referrals_and_the_finder_reads_the_persons_town(db: TestDb) {
    let store = &db.store;
    let clock = FixedClock::new(at("2026-12-01T09:00:00Z"));
    let service = Interventions { store, clock: &clock, time_zone: &TimeZone::UTC, screening: &PACK.screening };
    let officer = actor(store, "Reclassering Utrecht", AgencyKind::Probation, Role::ProbationOfficer).await;
    let provider = actor(store, "Verslavingszorg Midden", AgencyKind::Provider, Role::ProviderWorker).await;
    let input = PersonInput {
        city: " utrecht ".into(),
        languages: "nl, ar".into(),
        ..person_input("Hoekstra", "Gerrit", "1970-04-02", "111222333")
    };
    let person = person_on_team(store, &clock, &officer, &input, &[]).await;
    screened_with_addiction(store, &clock, &officer, person).await;

    let here = service.save_intervention(&provider, None, &entry("Hier", "UTRECHT\nZeist", "AR"), true).await.unwrap();
    let english = service.save_intervention(&provider, None, &entry("English", "Utrecht", "en"), true).await.unwrap();
    let elsewhere = service.save_intervention(&provider, None, &entry("Elders", "Amsterdam", ""), true).await.unwrap();
    // Moving an entry to another town moves it in the index too.
    service.save_intervention(&provider, Some(elsewhere.id), &entry("Elders", "Breda", ""), true).await.unwrap();

    let finding = service.find(&officer, person).await.unwrap();
    let names: Vec<&str> = finding.found.iter().map(|f| f.intervention.name.as_str()).collect();
    assert_eq!(names, ["Hier", "English"], "only the person's town, the eligible first");
    assert!(finding.found[0].eligible && finding.found[0].misfits.is_empty(), "Arabic matches whatever its case");
    assert_eq!(finding.found[1].misfits, vec![Misfit::Language { languages: vec!["en".into()] }]);
    assert!(!finding.found[1].eligible);
    assert_eq!(store.interventions_for(&[], Some("BREDA")).await.unwrap().len(), 1);
    assert!(store.interventions_for(&[], Some("Amsterdam")).await.unwrap().is_empty());

    // Referrals in every kind of state, some changed twice, one ended 100 days ago.
    let refer = || NewReferral {
        person,
        intervention: here.id,
        task: None,
        needs: vec![],
        risks: String::new(),
        basis: String::new(),
        note: String::new(),
        send: true,
    };
    let mut made = Vec::new();
    for steps in [&["accept", "start"][..], &["accept", "wait"], &["accept"], &[], &["accept", "start", "complete"]] {
        let r = service.refer(&officer, refer()).await.unwrap();
        for step in steps {
            let change = if *step == "complete" {
                ChangeInput { achievements: vec!["achieved".into()], text: "Done".into(), ..act("complete") }
            } else {
                act(step)
            };
            service.change(&provider, r.id, &change).await.unwrap();
        }
        made.push(r.id);
        clock.advance(days(25));
    }
    let withdrawn = service.refer(&officer, refer()).await.unwrap();
    let withdraw = ChangeInput { reason: "circumstances_changed".into(), ..act("withdraw") };
    service.change(&officer, withdrawn.id, &withdraw).await.unwrap();
    let attendance = ChangeInput { attended: "yes".into(), date: "2026-12-02".into(), ..act("attendance") };
    service.change(&provider, made[0], &attendance).await.unwrap();

    let ids = [here.id, english.id, elsewhere.id];
    let since = service.today() - jiff::Span::new().days(84);
    let kept = store.loads(&ids, since).await.unwrap();
    let load = kept[&here.id];
    assert_eq!((load.in_service, load.waiting, load.finished_recently), (1, 2, 1));
    store.rebuild_intervention_queues().await.unwrap();
    assert_eq!(store.loads(&ids, since).await.unwrap(), kept, "kept with every write = recomputed");
    // The completion leaves the twelve-week window as the days pass.
    clock.advance(days(90));
    let later = store.loads(&ids, service.today() - jiff::Span::new().days(84)).await.unwrap();
    assert_eq!(later[&here.id].finished_recently, 0);

    // The provider's waiting list: accepted and waiting, in queue order, from the columns.
    let query = ReferralQuery {
        provider: None,
        referrer: None,
        person: None,
        statuses: vec![ReferralStatus::Accepted, ReferralStatus::Waiting],
        limit: 10,
    };
    let lines = service.list(&provider, query.clone()).await.unwrap();
    let listed: Vec<_> = lines.iter().map(|(l, _)| l.id).collect();
    assert_eq!(listed, vec![made[1], made[2]]);
    assert!(lines.iter().all(|(l, name)| name == "Gerrit Hoekstra" && l.intervention_name == "Hier"));
    let one = service.list(&provider, ReferralQuery { limit: 1, ..query }).await.unwrap();
    assert_eq!(one.len(), 1);
    let started = ReferralQuery { provider: None, referrer: None, person: Some(person), statuses: vec![], limit: 50 };
    let all = service.list(&officer, started).await.unwrap();
    assert_eq!(all.len(), 6);
    let first = all.iter().find(|(l, _)| l.id == made[0]).unwrap();
    assert_eq!((first.0.sessions, first.0.status), (1, ReferralStatus::Started));
    let file = store.referral(made[0]).await.unwrap().unwrap();
    assert_eq!(file.referral.listing(), first.0, "the columns say what the record says");
}

static UTC: std::sync::LazyLock<TimeZone> = std::sync::LazyLock::new(|| TimeZone::UTC);

fn on<'a>(store: &'a Store, clock: &'a FixedClock) -> Interventions<'a, Store> {
    Interventions { store, clock, time_zone: &UTC, screening: &PACK.screening }
}

/// What the finder shows for each entry, as found: name, capacity and wait.
fn shown(finding: &domain::interventions::service::Finding) -> Vec<(String, u32, ExpectedWait)> {
    finding.found.iter().map(|f| (f.intervention.name.clone(), f.intervention.capacity, f.wait)).collect()
}

/// The finder serves entries parsed once per version from memory and waits from the summary
/// kept with every referral write. After every change to a queue, to the completions and to
/// the entry itself — made through this server or through another one on the same database —
/// what it shows equals a fresh computation: the summary rebuilt from the referrals, each
/// entry read and parsed afresh by a server that never saw it, each wait computed anew.
async fn the_finders_kept_entries_and_waits_equal_a_fresh_computation(db: TestDb) {
    let store = &db.store;
    let other = &Store::connect(&db.url, 4).await.unwrap();
    let clock = FixedClock::new(at("2026-12-01T09:00:00Z"));
    let (here, there) = (on(store, &clock), on(other, &clock));
    let officer = actor(store, "Reclassering Utrecht", AgencyKind::Probation, Role::ProbationOfficer).await;
    let provider = actor(store, "Verslavingszorg Midden", AgencyKind::Provider, Role::ProviderWorker).await;
    let input = PersonInput { city: "Utrecht".into(), ..person_input("Hoekstra", "Gerrit", "1970-04-02", "111222333") };
    let person = person_on_team(store, &clock, &officer, &input, &[]).await;
    screened_with_addiction(store, &clock, &officer, person).await;
    let one = here.save_intervention(&provider, None, &entry("Een", "Utrecht", ""), true).await.unwrap();
    let two = here.save_intervention(&provider, None, &entry("Twee", "Utrecht", ""), true).await.unwrap();

    // Fresh: a server that has parsed nothing yet, over a summary rebuilt from the referrals.
    let fresh = async || {
        let (id_one, id_two) = (one.id, two.id);
        let store = Store::connect(&db.url, 2).await.unwrap();
        let found = on(&store, &clock).find(&officer, person).await.unwrap();
        let mut wanted: Vec<_> = found.found.iter().map(|f| f.intervention.id).collect();
        wanted.sort();
        let mut all = vec![id_one, id_two];
        all.sort();
        let mut entries = Vec::new();
        for id in &all {
            entries.extend(store.intervention(*id).await.unwrap().map(|stored| stored.intervention));
        }
        store.rebuild_intervention_queues().await.unwrap();
        let waits = on(&store, &clock).waits(&entries).await.unwrap();
        let recomputed: Vec<_> = entries.iter().zip(waits).filter(|(i, _)| wanted.contains(&i.id)).collect();
        let mut expected: Vec<_> =
            found.found.iter().map(|f| (f.intervention.name.clone(), f.intervention.capacity, f.wait)).collect();
        let mut computed: Vec<_> = recomputed.iter().map(|(i, w)| (i.name.clone(), i.capacity, *w)).collect();
        expected.sort_by(|a, b| a.0.cmp(&b.0));
        computed.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(expected, computed, "a fresh server's finder = waits computed from a rebuilt summary");
        store.close().await;
        shown(&found)
    };
    let check = async |what: &str| {
        let kept = shown(&here.find(&officer, person).await.unwrap());
        let through_other = shown(&there.find(&officer, person).await.unwrap());
        let fresh = fresh().await;
        assert_eq!(kept, fresh, "{what}: this server's finder = a fresh computation");
        assert_eq!(through_other, fresh, "{what}: the other server's finder = a fresh computation");
        kept
    };
    assert_eq!(check("nothing referred").await[0].2, ExpectedWait::Days { days: 0 });

    let refer = |intervention| NewReferral {
        person,
        intervention,
        task: None,
        needs: vec![],
        risks: String::new(),
        basis: String::new(),
        note: String::new(),
        send: true,
    };
    // The one place of "Een" taken (through this server), then someone waiting (through the other).
    let first = here.refer(&officer, refer(one.id)).await.unwrap();
    for step in ["accept", "start"] {
        here.change(&provider, first.id, &act(step)).await.unwrap();
    }
    check("a place taken").await;
    let second = there.refer(&officer, refer(one.id)).await.unwrap();
    there.change(&provider, second.id, &act("accept")).await.unwrap();
    let shown_now = check("one waiting").await;
    assert!(shown_now.iter().any(|(name, _, wait)| name == "Een" && *wait == ExpectedWait::NoPlace));
    // A completion through the other server: throughput, so a wait in days.
    clock.advance(days(20));
    let done = ChangeInput { achievements: vec!["achieved".into()], text: "Done".into(), ..act("complete") };
    there.change(&provider, first.id, &done).await.unwrap();
    check("a completion").await;
    there.change(&provider, second.id, &act("start")).await.unwrap();
    let third = here.refer(&officer, refer(one.id)).await.unwrap();
    here.change(&provider, third.id, &act("accept")).await.unwrap();
    let shown_now = check("full again, one finished lately").await;
    assert!(shown_now.iter().any(|(name, _, wait)| name == "Een" && *wait == ExpectedWait::Days { days: 168 }));
    // The entry edited through the other server: this one shows the new version at once.
    let bigger = InterventionInput { capacity: "3".into(), ..entry("Een", "Utrecht", "") };
    there.revise_intervention(&provider, one.id, 1, &bigger, None).await.unwrap();
    let shown_now = check("capacity raised elsewhere").await;
    assert!(
        shown_now
            .iter()
            .any(|(name, capacity, wait)| name == "Een" && *capacity == 3 && *wait == ExpectedWait::Days { days: 0 })
    );
    // Retired through this server, moved away through the other: no longer found.
    here.set_intervention_active(&provider, two.id, 1, false).await.unwrap();
    assert_eq!(check("retired").await.len(), 1);
    let moved = InterventionInput { capacity: "3".into(), ..entry("Een", "Breda", "") };
    there.revise_intervention(&provider, one.id, 2, &moved, None).await.unwrap();
    assert!(check("moved away").await.is_empty());
    // The completion leaves the twelve-week window as the days pass.
    let back = InterventionInput { capacity: "1".into(), ..entry("Een", "Utrecht", "") };
    here.revise_intervention(&provider, one.id, 3, &back, None).await.unwrap();
    clock.advance(days(90));
    check("the completion out of the window").await;
    other.close().await;
}

type FinderRow = (String, String, uuid::Uuid, i64, i64, i64, Vec<String>);

/// The finder's rows as stored, each row's days in one order (SQLite's `group_concat` keeps none).
async fn finder_rows(store: &Store) -> Vec<FinderRow> {
    let sql = "SELECT area, need, intervention_id, version, in_service, waiting, finished_days FROM intervention_finder \
               ORDER BY area, need, intervention_id";
    let rows: Vec<(String, String, uuid::Uuid, i64, i64, i64, String)> = match store.pool() {
        store::Pool::Sqlite(pool) => sqlx::query_as(sql).fetch_all(pool).await.unwrap(),
        store::Pool::Postgres(pool) => sqlx::query_as(sql).fetch_all(pool).await.unwrap(),
    };
    rows.into_iter()
        .map(|(area, need, id, version, in_service, waiting, days)| {
            let mut days: Vec<String> = days.split(',').filter(|d| !d.is_empty()).map(str::to_string).collect();
            days.sort();
            (area, need, id, version, in_service, waiting, days)
        })
        .collect()
}

/// The finder's rows (migration 0062) are kept in the transaction of every catalogue save and
/// referral write: after each kind of change — an entry added, moved to another area, given
/// another need, retired and brought back; a referral queued, started, completed, withdrawn —
/// they equal the rows rebuilt from the catalogue and the referrals.
async fn the_finders_rows_equal_a_rebuild_after_every_catalogue_and_referral_change(db: TestDb) {
    let store = &db.store;
    let clock = FixedClock::new(at("2026-12-01T09:00:00Z"));
    let service = on(store, &clock);
    let officer = actor(store, "Reclassering Utrecht", AgencyKind::Probation, Role::ProbationOfficer).await;
    let provider = actor(store, "Verslavingszorg Midden", AgencyKind::Provider, Role::ProviderWorker).await;
    let input = PersonInput { city: "Utrecht".into(), ..person_input("Hoekstra", "Gerrit", "1970-04-02", "111222333") };
    let person = person_on_team(store, &clock, &officer, &input, &[]).await;
    screened_with_addiction(store, &clock, &officer, person).await;
    let same_as_rebuilt = async |what: &str| {
        let kept = finder_rows(store).await;
        store.rebuild_intervention_queues().await.unwrap();
        assert_eq!(kept, finder_rows(store).await, "{what}: the kept rows = the rows rebuilt");
        kept
    };

    let one = service.save_intervention(&provider, None, &entry("Een", "Utrecht\nZeist", ""), true).await.unwrap();
    let both = InterventionInput { needs: "addiction\nhousing".into(), ..entry("Twee", "Utrecht", "") };
    let two = service.save_intervention(&provider, None, &both, true).await.unwrap();
    let rows = same_as_rebuilt("two entries added").await;
    assert_eq!(rows.len(), 4, "one row per area and need: {rows:?}");

    let refer = |intervention| NewReferral {
        person,
        intervention,
        task: None,
        needs: vec![],
        risks: String::new(),
        basis: String::new(),
        note: String::new(),
        send: true,
    };
    let started = service.refer(&officer, refer(one.id)).await.unwrap();
    for step in ["accept", "start"] {
        service.change(&provider, started.id, &act(step)).await.unwrap();
    }
    let queued = service.refer(&officer, refer(one.id)).await.unwrap();
    service.change(&provider, queued.id, &act("accept")).await.unwrap();
    let rows = same_as_rebuilt("a place taken, one queued").await;
    assert!(rows.iter().filter(|r| r.2 == one.id.0).all(|r| (r.4, r.5) == (1, 1)), "{rows:?}");

    clock.advance(days(3));
    let done = ChangeInput { achievements: vec!["achieved".into()], text: "Done".into(), ..act("complete") };
    service.change(&provider, started.id, &done).await.unwrap();
    let withdraw = ChangeInput { reason: "circumstances_changed".into(), ..act("withdraw") };
    service.change(&officer, queued.id, &withdraw).await.unwrap();
    let rows = same_as_rebuilt("completed and withdrawn").await;
    assert!(rows.iter().filter(|r| r.2 == one.id.0).all(|r| r.6 == ["2026-12-04:1"]), "{rows:?}");

    // The catalogue: moved to another area, a need dropped, retired, brought back.
    service.revise_intervention(&provider, one.id, 1, &entry("Een", "Utrecht\nBreda", ""), None).await.unwrap();
    service.revise_intervention(&provider, two.id, 1, &entry("Twee", "Utrecht", ""), None).await.unwrap();
    let rows = same_as_rebuilt("moved, a need dropped").await;
    assert!(rows.iter().any(|r| r.0 == "breda") && !rows.iter().any(|r| r.0 == "zeist" || r.1 == "housing"));
    service.set_intervention_active(&provider, two.id, 2, false).await.unwrap();
    assert!(!same_as_rebuilt("retired").await.iter().any(|r| r.2 == two.id.0));
    service.set_intervention_active(&provider, two.id, 3, true).await.unwrap();
    let rows = same_as_rebuilt("brought back").await;
    assert!(rows.iter().any(|r| r.2 == two.id.0 && r.3 == 4), "at its new version: {rows:?}");

    // The rebuild writes only the rows that differ: whatever went wrong in each table is put
    // right, and nothing else changes.
    for wrong in [
        "UPDATE intervention_queue SET waiting = waiting + 7",
        "UPDATE intervention_finished SET finished = finished + 3",
        "INSERT INTO intervention_finished (intervention_id, ended_on, finished) \
         SELECT id, '2026-01-05', 2 FROM intervention",
        "UPDATE intervention_finder SET finished_days = 'wrong'",
        "DELETE FROM intervention_finder WHERE need = 'housing'",
        "INSERT INTO intervention_finder (area, need, intervention_id, version, in_service, waiting, finished_days) \
         SELECT DISTINCT 'nowhere', need, intervention_id, version, 0, 0, '' FROM intervention_finder",
    ] {
        crate::support::execute(store, wrong).await.unwrap();
    }
    store.rebuild_intervention_queues().await.unwrap();
    assert_eq!(finder_rows(store).await, rows, "put right by the rebuild");
    let bogus = "SELECT count(*) FROM intervention_finished WHERE ended_on = '2026-01-05'";
    let left: i64 = match store.pool() {
        store::Pool::Sqlite(pool) => sqlx::query_scalar(bogus).fetch_one(pool).await.unwrap(),
        store::Pool::Postgres(pool) => sqlx::query_scalar(bogus).fetch_one(pool).await.unwrap(),
    };
    assert_eq!(left, 0, "completions no referral has are dropped");
}

/// The rules of a person's pages come from one read (the finder's first): the pack of the
/// first agency by name on the person's team that names one; none without such an agency or
/// a case.
async fn a_persons_pack_is_read_from_the_team_in_one_statement(db: TestDb) {
    use domain::directory::{DirectoryStore, PersonPackSource};
    let store = &db.store;
    let clock = FixedClock::new(at("2026-12-01T09:00:00Z"));
    let officer = actor(store, "Reclassering Utrecht", AgencyKind::Probation, Role::ProbationOfficer).await;
    let hub = actor(store, "Knowsley IOM hub", AgencyKind::SafetyHouse, Role::ProcessManager).await;
    let italian = actor(store, "Zeta tavolo", AgencyKind::SafetyHouse, Role::ProcessManager).await;
    let alone =
        person_on_team(store, &clock, &officer, &person_input("Alleen", "Anna", "1980-01-01", "111222333"), &[]).await;
    assert_eq!(store.person_pack_source(alone).await.unwrap(), PersonPackSource::default());
    let input = person_input("Hoekstra", "Gerrit", "1970-04-02", "123456782");
    let person = person_on_team(store, &clock, &officer, &input, &[&hub, &italian]).await;
    assert_eq!(store.person_pack_source(person).await.unwrap().team_pack, None, "no agency names a pack yet");
    store.set_agency_pack(italian.agency_id, Some("italy")).await.unwrap();
    store.set_agency_pack(hub.agency_id, Some("england-wales")).await.unwrap();
    let source = store.person_pack_source(person).await.unwrap();
    assert_eq!(source.team_pack.as_deref(), Some("england-wales"), "the first by name");
    assert_eq!(source.case_location, None);
    assert_eq!(store.person_pack_source(alone).await.unwrap(), PersonPackSource::default());
}

on_both_backends!(
    a_persons_pack_is_read_from_the_team_in_one_statement,
    the_queue_summary_stays_equal_to_the_referrals_and_the_finder_reads_the_persons_town,
    the_finders_kept_entries_and_waits_equal_a_fresh_computation,
    the_finders_rows_equal_a_rebuild_after_every_catalogue_and_referral_change,
);

/// Records a screening in which addiction is the person's one pressing need (score 1 of 4).
async fn screened_with_addiction(store: &Store, clock: &FixedClock, officer: &Actor, person: PersonId) {
    let entries = PACK
        .screening
        .domains
        .iter()
        .map(|d| ScoreInput {
            domain: d.key.to_string(),
            score: if d.key.as_str() == "addiction" { "1".into() } else { "4".into() },
            note: String::new(),
            source: "interview".into(),
        })
        .collect();
    let screenings = Screenings { store, clock, time_zone: &TimeZone::UTC, config: &PACK.screening };
    screenings.record(officer, person, &ScreeningInput { screened_on: String::new(), entries }).await.unwrap();
}
