//! Conformance stories for the finder and the provider's lists at scale (issue 19), on SQLite
//! and PostgreSQL: the queue summary kept with each referral write equals the one recomputed
//! from the referrals, the finder reads only the entries for the person's town and says why
//! one does not fit (languages), and a list reads its lines from the referral's columns.

use crate::support::{PACK, TestDb, actor, at, days, person_input, person_on_team};
use domain::FixedClock;
use domain::access::Role;
use domain::directory::AgencyKind;
use domain::interventions::ports::{InterventionStore, ReferralQuery};
use domain::interventions::service::{Interventions, NewReferral};
use domain::interventions::{ChangeInput, InterventionInput, Misfit, ReferralStatus};
use domain::people::PersonInput;
use domain::screening::service::Screenings;
use domain::screening::{ScoreInput, ScreeningInput};
use jiff::tz::TimeZone;

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
    let screenings = Screenings { store, clock: &clock, time_zone: &TimeZone::UTC, config: &PACK.screening };
    screenings.record(&officer, person, &ScreeningInput { screened_on: String::new(), entries }).await.unwrap();

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

on_both_backends!(the_queue_summary_stays_equal_to_the_referrals_and_the_finder_reads_the_persons_town,);
