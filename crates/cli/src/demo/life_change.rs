//! The demo's Life Change programme (issue 20): the mentoring agency lists "Life Change" (a
//! group programme) in its catalogue; an autumn group finished a month ago — two graduates now
//! in mentor training, one who missed an appointment — and a winter group is in week 4 with
//! its register kept. A winter participant is matched with the demo mentor as part of the
//! programme (the match's outbox fact says `life_change`). Community activities (sport,
//! volunteering, faith, a peer group) are in the catalogue, one linked to a goal of Gerrit's.
//! Everything goes through the use cases.

use super::directory::DemoCast;
use domain::FixedClock;
use domain::ids::PersonId;
use domain::interventions::InterventionInput;
use domain::interventions::model::community::CommunityLinkInput;
use domain::interventions::service::Interventions;
use domain::mentoring::service::life_change::CohortInput;
use domain::mentoring::service::{MatchInput, Mentoring};
use domain::people::ports::PeopleStore;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Span, Timestamp};
use store::Store;

fn err(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("life change: {e}")
}

pub struct LifeChangeDemo {
    pub cohorts: usize,
    pub in_training: usize,
}

pub async fn seed_life_change(
    store: &Store,
    cast: &DemoCast,
    people: &[PersonId],
    gerrit: PersonId,
    now: Timestamp,
) -> anyhow::Result<LifeChangeDemo> {
    let zone = TimeZone::get("Europe/Amsterdam").unwrap_or(TimeZone::UTC);
    let coordinator = cast.actor("mentorcoordinator");
    let officer = cast.actor("reclassering");
    let today = now.to_zoned(zone.clone()).date();
    let day = |n: i64| today.checked_sub(Span::new().days(n)).unwrap_or(today);
    let clock = FixedClock::new(now.checked_sub(SignedDuration::from_hours(24 * 80)).unwrap_or(now));
    let pack = super::demo_beyond_pack();
    let catalogue = Interventions { store, clock: &clock, time_zone: &zone, screening: &pack.screening };
    // Groups start on a Monday: the winter one three weeks and some days ago (in week 4).
    let monday_offset = i64::from(today.weekday().to_monday_zero_offset());
    let autumn_start = day(70 + monday_offset);
    let winter_start = day(21 + monday_offset);
    let entry = InterventionInput {
        name: "Life Change".into(),
        description: "Zes weken in een groep met ervaringsdeskundige mentoren: twee weken werkervaring bij \
                      een bedrijf in de buurt en een herstelgesprek. Wie alles afmaakt kan mentor worden."
            .into(),
        kind: "mentoring".into(),
        needs: "social_network".into(),
        group_starts: [autumn_start, winter_start].map(|d| d.to_string()).join("\n"),
        sessions: "12".into(),
        duration_weeks: "6".into(),
        outcomes: "Elke afspraak gehaald\nGeen nieuw delict\nMentortraining".into(),
        capacity: "10".into(),
        areas: "Amsterdam\nDiemen".into(),
        ..Default::default()
    };
    let programme = catalogue.save_intervention(coordinator, None, &entry, true).await.map_err(err)?;
    // Persons on probation's caseload (a member of their team enrols them, with their consent).
    let mut caseload = Vec::new();
    for person in people {
        let team = store.team(*person).await.map_err(err)?;
        if team.iter().any(|e| e.agency_id == officer.agency_id && e.ended_at.is_none()) {
            caseload.push(*person);
        }
    }
    // Past the funds demo's mentees (the first two) so the groups are other people.
    let mut pool = caseload.into_iter().skip(2);
    let mentoring = Mentoring { store, clock: &clock, time_zone: &zone };
    let mut cohorts = 0;
    let mut in_training = 0;

    // The autumn group: opened before it started, run to the end.
    clock.set(now.checked_sub(SignedDuration::from_hours(24 * 75)).unwrap_or(now));
    let input = CohortInput {
        name: "Life Change najaar".into(),
        starts_on: autumn_start.to_string(),
        group_room: "Buurthuis De Meeuw, Amsterdam-Noord".into(),
        business: "Fietsenmakerij Oost".into(),
        intervention: programme.id.to_string(),
    };
    let autumn = mentoring.open_cohort(coordinator, &input).await.map_err(err)?;
    cohorts += 1;
    let autumn_people: Vec<PersonId> = pool.by_ref().take(3).collect();
    for person in &autumn_people {
        mentoring.enrol(officer, &autumn.id.to_string(), *person).await.map_err(err)?;
    }
    for (i, appointment) in autumn.appointments.iter().enumerate() {
        let at = appointment.on.to_zoned(zone.clone()).map(|z| z.timestamp()).unwrap_or(now);
        clock.set(at.checked_add(SignedDuration::from_hours(20)).unwrap_or(at));
        // The third participant did not come to the restorative-justice session.
        let present: Vec<PersonId> =
            autumn_people.iter().enumerate().filter(|(n, _)| !(*n == 2 && i == 9)).map(|(_, p)| *p).collect();
        mentoring
            .record_attendance(coordinator, autumn.id, &appointment.id.to_string(), &present)
            .await
            .map_err(err)?;
    }
    // A week after the end: both graduates invited; a fortnight later the training started.
    clock.set(now.checked_sub(SignedDuration::from_hours(24 * 20)).unwrap_or(now));
    for person in autumn_people.iter().take(2) {
        mentoring.advance_graduate(coordinator, autumn.id, *person, "invited", "").await.map_err(err)?;
    }
    clock.set(now.checked_sub(SignedDuration::from_hours(24 * 6)).unwrap_or(now));
    for person in autumn_people.iter().take(2) {
        mentoring.advance_graduate(coordinator, autumn.id, *person, "in_training", "").await.map_err(err)?;
        in_training += 1;
    }

    // The winter group, in its fourth week.
    clock.set(now.checked_sub(SignedDuration::from_hours(24 * 30)).unwrap_or(now));
    let input = CohortInput {
        name: "Life Change winter".into(),
        starts_on: winter_start.to_string(),
        group_room: "Buurthuis De Meeuw, Amsterdam-Noord".into(),
        business: "Kringloopwinkel Noord".into(),
        intervention: programme.id.to_string(),
    };
    let winter = mentoring.open_cohort(coordinator, &input).await.map_err(err)?;
    cohorts += 1;
    let winter_people: Vec<PersonId> = pool.by_ref().take(5).collect();
    for person in &winter_people {
        mentoring.enrol(officer, &winter.id.to_string(), *person).await.map_err(err)?;
    }
    for (i, appointment) in winter.appointments.iter().enumerate().filter(|(_, a)| a.on < today) {
        let at = appointment.on.to_zoned(zone.clone()).map(|z| z.timestamp()).unwrap_or(now);
        clock.set(at.checked_add(SignedDuration::from_hours(20)).unwrap_or(at));
        // One participant missed the first day of work experience.
        let present: Vec<PersonId> =
            winter_people.iter().enumerate().filter(|(n, _)| !(*n == 4 && i == 4)).map(|(_, p)| *p).collect();
        mentoring
            .record_attendance(coordinator, winter.id, &appointment.id.to_string(), &present)
            .await
            .map_err(err)?;
    }
    // A winter participant gets the demo mentor as part of the programme.
    if let Some(first) = winter_people.first() {
        clock.set(now.checked_sub(SignedDuration::from_hours(24 * 12)).unwrap_or(now));
        let input = MatchInput {
            mentor: cast.actor("mentor").member_id.to_string(),
            shared_goals: vec!["De hele Life Change afmaken".into(), "Een vaste baan bij de kringloop".into()],
            ..Default::default()
        };
        mentoring.match_person(officer, *first, &input).await.map_err(err)?;
    }
    // Community networks: activities without a referral, one linked to a goal of Gerrit's.
    let activities = [
        ("Voetbal bij AFC Noord (walking football)", "social_network", "Elke woensdag 19:00, iedereen welkom."),
        ("Vrijwilligerswerk Voedselbank Amsterdam", "work_and_daytime", "Sorteren en uitdelen, dinsdag en vrijdag."),
        ("Inloop De Nieuwe Kerk (geloof en gesprek)", "social_network", "Koffie en gesprek, zondag na de dienst."),
        ("Lotgenotengroep Nuchter Noord", "addiction", "Peer-groep voor wie stopt met drinken, maandagavond."),
    ];
    let mut food_bank = None;
    for (name, need, description) in activities {
        let input = InterventionInput {
            name: name.into(),
            description: description.into(),
            kind: "community".into(),
            needs: need.into(),
            sessions: "1".into(),
            duration_weeks: "52".into(),
            outcomes: "Meedoen".into(),
            capacity: "30".into(),
            areas: "Amsterdam".into(),
            ..Default::default()
        };
        let saved = catalogue.save_intervention(coordinator, None, &input, true).await.map_err(err)?;
        if name.starts_with("Vrijwilligerswerk") {
            food_bank = Some(saved.id);
        }
    }
    if let Some(id) = food_bank {
        clock.set(now.checked_sub(SignedDuration::from_hours(24 * 4)).unwrap_or(now));
        let link = CommunityLinkInput {
            intervention: id.to_string(),
            goal: "Ik wil iets nuttigs doen overdag, dan drink ik minder".into(),
        };
        catalogue.link_community(officer, gerrit, &link).await.map_err(err)?;
    }
    Ok(LifeChangeDemo { cohorts, in_training })
}
