//! Mentoring and Life Change on SQLite and PostgreSQL (issue 20): a match with the person's
//! consent and what the mentor then sees, the contact log, the coordinator's list (a mentoring
//! agency's worker only), the helpline roster; a Life Change cohort's register, graduation
//! computed from attendance and the offence record (linked by identifier, or not), the mentor
//! pipeline in order, and the register and pipeline as history that cannot be edited.

use crate::support::{TestDb, UTC, actor, at, execute, person_input, person_on_team};
use domain::FixedClock;
use domain::access::{Actor, Role};
use domain::clock::Clock;
use domain::directory::{AgencyKind, DirectoryStore, Member};
use domain::ids::MemberId;
use domain::mentoring::model::life_change::PipelineStage;
use domain::mentoring::ports::{LifeChangeStore, MentoringStore};
use domain::mentoring::service::life_change::CohortInput;
use domain::mentoring::service::{ContactInput, Item, MatchInput, Mentoring};
use domain::mentoring::workflow::graduation::{GraduationStatus, PipelineError};
use domain::mentoring::{MentorProfile, Programme, Shift};
use domain::service::ServiceError;
use jiff::civil::date;

async fn member_of(store: &store::Store, of: &Actor, username: &str, role: Role) -> Actor {
    let member = Member {
        id: MemberId::new(at("2026-08-01T09:00:00Z")),
        agency_id: of.agency_id,
        username: username.into(),
        display_name: format!("{username} naam"),
        roles: vec![role],
        disabled: false,
    };
    store.create_member(&member, "not-a-real-hash", at("2026-08-01T09:00:00Z")).await.unwrap();
    Actor { member_id: member.id, agency_id: of.agency_id, roles: member.roles, display_name: member.display_name }
}

fn profile(mentor: &Actor) -> MentorProfile {
    MentorProfile {
        member: mentor.member_id,
        agency: mentor.agency_id,
        name: mentor.display_name.clone(),
        lived_experience: true,
        vetted_on: date(2026, 1, 1),
        vetting_expires: date(2028, 1, 1),
        training_completed: Some(date(2026, 2, 1)),
        languages: vec!["nl".into()],
        area: "Amsterdam".into(),
        availability: "avonden".into(),
        capacity: 2,
        gender: String::new(),
    }
}

async fn a_match_shows_the_mentor_only_what_was_consented(db: TestDb) {
    let store = &db.store;
    let clock = FixedClock::new(at("2026-11-02T09:00:00Z"));
    let officer = actor(store, "Reclassering", AgencyKind::Probation, Role::ProbationOfficer).await;
    let coordinator = actor(store, "Maatjes", AgencyKind::Mentoring, Role::ProviderWorker).await;
    let other_provider = actor(store, "Opvang", AgencyKind::Provider, Role::ProviderWorker).await;
    let mentor = member_of(store, &coordinator, "henk", Role::Mentor).await;
    let mentoring = Mentoring { store, clock: &clock, time_zone: &UTC };
    mentoring.save_profile(&coordinator, profile(&mentor)).await.unwrap();
    let person =
        person_on_team(store, &clock, &officer, &person_input("Hoekstra", "Gerrit", "1970-01-01", "111222333"), &[])
            .await;
    let stranger =
        person_on_team(store, &clock, &officer, &person_input("Bakker", "Piet", "1970-01-01", "111222345"), &[]).await;
    let input = MatchInput {
        mentor: mentor.member_id.to_string(),
        shared_goals: vec!["Een eigen fiets".into()],
        notes: true,
        ..Default::default()
    };
    let matched = mentoring.match_person(&officer, person, &input).await.unwrap();
    assert_eq!(matched.programme, Programme::Mentoring);
    let mine = mentoring.my_mentees(&mentor).await.unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].shared_goals, ["Een eigen fiets"]);
    assert!(mentoring.may_see(&mentor, person, Item::Notes).await.unwrap());
    assert!(matches!(mentoring.may_see(&mentor, person, Item::Offences).await, Err(ServiceError::Forbidden(_))));
    assert!(matches!(mentoring.mentee(&mentor, stranger).await, Err(ServiceError::Forbidden(_))));
    let contact = ContactInput {
        on: "2026-11-01".into(),
        minutes: "60".into(),
        place: "Koffie".into(),
        how_it_went: "Goed".into(),
    };
    mentoring.log_contact(&mentor, person, &contact).await.unwrap();
    let list = mentoring.coordinator_list(&coordinator).await.unwrap();
    assert_eq!((list.len(), list[0].last_contact), (1, Some(date(2026, 11, 1))));
    assert!(
        matches!(mentoring.coordinator_list(&other_provider).await, Err(ServiceError::Forbidden(_))),
        "another provider's worker does not coordinate mentors"
    );
    let shift = Shift {
        id: domain::ids::new_v7(clock.now()),
        agency: coordinator.agency_id,
        member: mentor.member_id,
        name: mentor.display_name.clone(),
        starts_at: at("2026-11-02T08:00:00Z"),
        ends_at: at("2026-11-02T20:00:00Z"),
        phone: "0800-0123".into(),
    };
    store.add_shift(&shift).await.unwrap();
    assert_eq!(mentoring.helpline_for(person).await.unwrap().map(|s| s.phone), Some("0800-0123".into()));
    assert_eq!(mentoring.helpline_for(stranger).await.unwrap(), None, "no mentor, no helpline on their papers");
}

async fn life_change_graduates_enter_the_mentor_pipeline(db: TestDb) {
    let store = &db.store;
    let persons = "person_id,birth_date,sex,area\n111222333,1970-01-01,M,\n123456782,1980-01-01,M,\n";
    let offences = "offence_id,person_id,offence_date,outcome_date,outcome,offence_type,seriousness\n\
                    O1,111222333,2025-01-01,2025-03-01,conviction,theft,3\n\
                    O2,123456782,2026-09-20,2026-10-20,conviction,theft,3\n";
    let loaded = evidence::csv_io::read_dataset(
        persons.as_bytes(),
        offences.as_bytes(),
        &b"person_id,index_date,kind,group\n"[..],
    )
    .unwrap();
    store.import_extract(&loaded.dataset, "test", 0, at("2026-11-22T10:00:00Z"), &|_| {}).await.unwrap();
    let clock = FixedClock::new(at("2026-09-01T09:00:00Z"));
    let officer = actor(store, "Reclassering", AgencyKind::Probation, Role::ProbationOfficer).await;
    let coordinator = actor(store, "Maatjes", AgencyKind::Mentoring, Role::ProviderWorker).await;
    let other_provider = actor(store, "Opvang", AgencyKind::Provider, Role::ProviderWorker).await;
    let new_mentor = member_of(store, &coordinator, "ex.deelnemer", Role::Mentor).await;
    let mentoring = Mentoring { store, clock: &clock, time_zone: &UTC };
    let clean =
        person_on_team(store, &clock, &officer, &person_input("A", "Ann", "1970-01-01", "111222333"), &[]).await;
    let unlinked =
        person_on_team(store, &clock, &officer, &person_input("B", "Bo", "1970-01-01", "111222345"), &[]).await;
    let offended =
        person_on_team(store, &clock, &officer, &person_input("C", "Cas", "1980-01-01", "123456782"), &[]).await;
    let absent =
        person_on_team(store, &clock, &officer, &person_input("D", "Dee", "1980-01-01", "111222357"), &[]).await;

    let input = CohortInput {
        name: "Life Change najaar".into(),
        starts_on: "2026-09-07".into(),
        group_room: "Buurthuis".into(),
        business: "Fietsenmakerij".into(),
        intervention: String::new(),
    };
    assert!(matches!(mentoring.open_cohort(&other_provider, &input).await, Err(ServiceError::Forbidden(_))));
    let cohort = mentoring.open_cohort(&coordinator, &input).await.unwrap();
    assert_eq!(store.cohort(cohort.id).await.unwrap().as_ref(), Some(&cohort));
    for person in [clean, unlinked, offended, absent] {
        mentoring.enrol(&officer, &cohort.id.to_string(), person).await.unwrap();
    }
    mentoring.enrol(&officer, &cohort.id.to_string(), clean).await.unwrap();
    assert_eq!(store.participants(cohort.id).await.unwrap().len(), 4, "enrolling twice changes nothing");
    let first = cohort.appointments[0].id.to_string();
    assert!(mentoring.record_attendance(&coordinator, cohort.id, &first, &[]).await.is_err(), "not yet");
    for (i, appointment) in cohort.appointments.iter().enumerate() {
        clock.set(appointment.on.to_zoned(jiff::tz::TimeZone::UTC).unwrap().timestamp());
        let present: Vec<_> =
            [clean, unlinked, offended, absent].into_iter().filter(|p| !(*p == absent && i == 7)).collect();
        mentoring.record_attendance(&coordinator, cohort.id, &appointment.id.to_string(), &present).await.unwrap();
    }
    clock.set(at("2026-09-29T12:00:00Z"));
    let register = mentoring.register(&coordinator, cohort.id).await.unwrap();
    assert_eq!(register.week, Some(4));
    let status = |name: &str| register.rows.iter().find(|r| r.name.contains(name)).unwrap().graduation.clone();
    assert_eq!(status("Ann").status, GraduationStatus::OnTrack);
    assert_eq!(status("Cas").offences, Some(1));
    assert_eq!(status("Cas").status, GraduationStatus::NotGraduated);

    clock.set(at("2026-11-02T09:00:00Z"));
    let register = mentoring.register(&coordinator, cohort.id).await.unwrap();
    let status = |name: &str| register.rows.iter().find(|r| r.name.contains(name)).unwrap().graduation.clone();
    assert_eq!((status("Ann").status, status("Ann").offences), (GraduationStatus::Graduated, Some(0)));
    assert_eq!((status("Bo").status, status("Bo").offences), (GraduationStatus::Graduated, None));
    assert_eq!(status("Dee").status, GraduationStatus::NotGraduated);
    let pipeline = mentoring.pipeline(&coordinator).await.unwrap();
    let mut graduates: Vec<_> = pipeline.graduates.iter().map(|l| l.person).collect();
    graduates.sort();
    let mut expected = vec![clean, unlinked];
    expected.sort();
    assert_eq!(graduates, expected);

    let refused = mentoring.advance_graduate(&coordinator, cohort.id, absent, "invited", "").await.unwrap_err();
    assert_eq!(refused.rule::<PipelineError>(), Some(&PipelineError::NotAGraduate));
    mentoring.advance_graduate(&coordinator, cohort.id, clean, "invited", "").await.unwrap();
    mentoring.advance_graduate(&coordinator, cohort.id, unlinked, "invited", "").await.unwrap();
    mentoring.advance_graduate(&coordinator, cohort.id, clean, "in_training", "").await.unwrap();
    mentoring.advance_graduate(&coordinator, cohort.id, unlinked, "in_training", "").await.unwrap();
    let wrong = coordinator.member_id.to_string();
    assert!(
        mentoring.advance_graduate(&coordinator, cohort.id, clean, "mentor", &wrong).await.is_err(),
        "not a mentor"
    );
    let step = mentoring
        .advance_graduate(&coordinator, cohort.id, clean, "mentor", &new_mentor.member_id.to_string())
        .await
        .unwrap();
    assert_eq!((step.stage, step.member), (PipelineStage::Mentor, Some(new_mentor.member_id)));
    let pipeline = mentoring.pipeline(&coordinator).await.unwrap();
    assert_eq!((pipeline.graduates.len(), pipeline.in_training.len(), pipeline.mentors.len()), (0, 1, 1));

    // A participant's mentor is part of the programme: the outbox fact says so.
    mentoring.save_profile(&coordinator, profile(&new_mentor)).await.unwrap();
    let input = MatchInput { mentor: new_mentor.member_id.to_string(), ..Default::default() };
    assert_eq!(mentoring.match_person(&officer, unlinked, &input).await.unwrap().programme, Programme::LifeChange);
    let detail = outbox_detail(store, "mentor.matched").await;
    assert!(detail.contains("\"programme\":\"life_change\""), "{detail}");

    assert!(execute(store, "UPDATE life_change_attendance SET attended = true").await.is_err());
    assert!(execute(store, "DELETE FROM life_change_pipeline").await.is_err());
}

async fn outbox_detail(store: &store::Store, kind: &str) -> String {
    let sql = sqlx::AssertSqlSafe(format!("SELECT detail FROM outbox_event WHERE kind = '{kind}'"));
    match store.pool() {
        store::Pool::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
        store::Pool::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
    }
}

on_both_backends!(a_match_shows_the_mentor_only_what_was_consented, life_change_graduates_enter_the_mentor_pipeline);
