use crate::ids::{AgencyId, MemberId, PersonId};
use crate::mentoring::model::life_change::*;
use crate::mentoring::workflow::graduation::*;
use jiff::civil::{Date, date};
use uuid::Uuid;

fn cohort(starts_on: Date) -> LifeChangeCohort {
    let mut n = 0u128;
    LifeChangeCohort {
        id: Uuid::from_u128(1),
        agency: AgencyId(Uuid::from_u128(2)),
        intervention: None,
        name: "Life Change voorjaar".into(),
        starts_on,
        appointments: schedule(starts_on, "Buurthuis", "Fietsenmakerij Oost", || {
            n += 1;
            Uuid::from_u128(100 + n)
        }),
        created_by: MemberId(Uuid::from_u128(3)),
        created_at: "2026-01-01T00:00:00Z".parse().unwrap(),
    }
}

const PERSON: PersonId = PersonId(Uuid::from_u128(7));

fn register(cohort: &LifeChangeCohort, until: Date, absent: &[usize]) -> Vec<Attendance> {
    cohort
        .appointments
        .iter()
        .enumerate()
        .filter(|(_, a)| a.on <= until)
        .map(|(i, a)| Attendance {
            cohort: cohort.id,
            appointment: a.id,
            person: PERSON,
            attended: !absent.contains(&i),
            recorded_by: MemberId(Uuid::from_u128(3)),
            recorded_at: "2026-03-01T00:00:00Z".parse().unwrap(),
        })
        .collect()
}

fn clean() -> OffenceRecord {
    OffenceRecord::Linked { proven_offences: vec![date(2025, 6, 1)] }
}

#[test]
fn six_weeks_with_two_of_work_experience_and_a_restorative_justice_session() {
    let c = cohort(date(2026, 3, 2));
    assert_eq!(c.ends_on(), date(2026, 4, 12));
    assert_eq!(c.appointments.len(), 12);
    let kinds = |k| c.appointments.iter().filter(|a| a.kind == k).count();
    assert_eq!(kinds(AppointmentKind::WorkExperience), 4, "weeks 3 and 4");
    assert_eq!(kinds(AppointmentKind::RestorativeJustice), 1);
    assert!(
        c.appointments
            .iter()
            .filter(|a| a.kind == AppointmentKind::WorkExperience)
            .all(|a| a.place == "Fietsenmakerij Oost")
    );
    assert_eq!(c.week(date(2026, 3, 25)), Some(4));
    assert_eq!(c.week(date(2026, 3, 1)), None);
    assert_eq!(c.week(date(2026, 4, 13)), None);
}

#[test]
fn every_appointment_attended_and_no_offence_graduates_once_the_programme_is_over() {
    let c = cohort(date(2026, 3, 2));
    let all = register(&c, c.ends_on(), &[]);
    let during = graduation(&c, PERSON, &all, &clean(), date(2026, 3, 25));
    assert_eq!(during.status, GraduationStatus::OnTrack);
    let after = graduation(&c, PERSON, &all, &clean(), date(2026, 4, 20));
    assert_eq!(
        (after.status, after.attended, after.missed, after.offences),
        (GraduationStatus::Graduated, 12, 0, Some(0))
    );
}

#[test]
fn one_missed_appointment_or_a_proven_offence_during_the_programme_stops_graduation() {
    let c = cohort(date(2026, 3, 2));
    let missed = register(&c, c.ends_on(), &[5]);
    let g = graduation(&c, PERSON, &missed, &clean(), date(2026, 3, 25));
    assert_eq!((g.status, g.missed), (GraduationStatus::NotGraduated, 1), "lost already in week 4");
    let offended = OffenceRecord::Linked { proven_offences: vec![date(2026, 3, 20)] };
    let all = register(&c, c.ends_on(), &[]);
    let g = graduation(&c, PERSON, &all, &offended, date(2026, 4, 20));
    assert_eq!((g.status, g.offences), (GraduationStatus::NotGraduated, Some(1)));
    // An offence after the programme does not undo the graduation.
    let later = OffenceRecord::Linked { proven_offences: vec![date(2026, 4, 15)] };
    assert_eq!(graduation(&c, PERSON, &all, &later, date(2026, 4, 20)).status, GraduationStatus::Graduated);
}

#[test]
fn an_unregistered_past_appointment_counts_as_missed_and_a_correction_counts() {
    let c = cohort(date(2026, 3, 2));
    let mut marks = register(&c, date(2026, 3, 12), &[]);
    // The second week's Thursday (12 March) was never registered before 19 March.
    marks.retain(|m| m.appointment != c.appointments[3].id);
    assert_eq!(graduation(&c, PERSON, &marks, &clean(), date(2026, 3, 12)).missed, 0, "today's may still come");
    assert_eq!(graduation(&c, PERSON, &marks, &clean(), date(2026, 3, 13)).missed, 1);
    let mut corrected = register(&c, c.ends_on(), &[2]);
    corrected.push(Attendance { recorded_at: "2026-03-10T00:00:00Z".parse().unwrap(), ..corrected[2].clone() });
    corrected.last_mut().unwrap().attended = true;
    assert_eq!(graduation(&c, PERSON, &corrected, &clean(), date(2026, 4, 20)).status, GraduationStatus::Graduated);
}

#[test]
fn without_a_link_to_the_offence_record_attendance_alone_decides_and_says_so() {
    let c = cohort(date(2026, 3, 2));
    let all = register(&c, c.ends_on(), &[]);
    let g = graduation(&c, PERSON, &all, &OffenceRecord::NotLinked, date(2026, 4, 20));
    assert_eq!((g.status, g.offences), (GraduationStatus::Graduated, None));
}

#[test]
fn the_pipeline_goes_invited_training_mentor_in_order() {
    use PipelineStage::*;
    assert_eq!(advance(None, Invited, false, false), Err(PipelineError::NotAGraduate));
    assert_eq!(advance(None, Invited, true, false), Ok(Invited));
    assert_eq!(advance(None, InTraining, true, false), Err(PipelineError::OutOfOrder));
    assert_eq!(advance(Some(Invited), InTraining, true, false), Ok(InTraining));
    assert_eq!(advance(Some(InTraining), Mentor, true, false), Err(PipelineError::MemberMissing));
    assert_eq!(advance(Some(InTraining), Mentor, true, true), Ok(Mentor));
    assert_eq!(advance(Some(InTraining), Declined, true, false), Ok(Declined));
    assert_eq!(advance(Some(Mentor), Declined, true, false), Err(PipelineError::OutOfOrder));
}
