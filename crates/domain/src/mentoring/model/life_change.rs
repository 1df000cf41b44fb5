//! The Life Change programme (issue 20): a six-week group programme of the mentoring agency,
//! run as cohorts — two weeks of sessions, two weeks of work experience with a local business,
//! two weeks with a restorative-justice session — with attendance per appointment, and the
//! mentor pipeline its graduates enter: invited to train, in training, a mentor.

use crate::ids::{AgencyId, InterventionId, MemberId, PersonId};
use jiff::Timestamp;
use jiff::civil::{Date, Weekday};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The programme's length.
pub const PROGRAMME_WEEKS: i16 = 6;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppointmentKind {
    /// A group session.
    Session,
    /// A day of work experience with a local business (weeks 3 and 4).
    WorkExperience,
    /// The restorative-justice session (week 5).
    RestorativeJustice,
}

impl AppointmentKind {
    pub fn code(self) -> &'static str {
        match self {
            Self::Session => "session",
            Self::WorkExperience => "work_experience",
            Self::RestorativeJustice => "restorative_justice",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appointment {
    pub id: Uuid,
    pub on: Date,
    pub kind: AppointmentKind,
    /// Where: the group room, or the business of the work experience.
    pub place: String,
}

/// One run of the programme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LifeChangeCohort {
    pub id: Uuid,
    /// The mentoring agency that runs it.
    pub agency: AgencyId,
    /// The catalogue entry (format "group") it runs, when the agency lists it.
    pub intervention: Option<InterventionId>,
    pub name: String,
    pub starts_on: Date,
    pub appointments: Vec<Appointment>,
    pub created_by: MemberId,
    pub created_at: Timestamp,
}

impl LifeChangeCohort {
    /// The last day of the sixth week.
    pub fn ends_on(&self) -> Date {
        self.starts_on.checked_add(jiff::Span::new().days(i64::from(PROGRAMME_WEEKS) * 7 - 1)).unwrap_or(self.starts_on)
    }

    /// The programme week `today` falls in (1–6), `None` before the start or after the end.
    pub fn week(&self, today: Date) -> Option<i16> {
        if today < self.starts_on || today > self.ends_on() {
            return None;
        }
        let days = self.starts_on.until(today).map(|s| s.get_days()).unwrap_or(0);
        i16::try_from(days / 7 + 1).ok()
    }
}

/// The six weeks' appointments from the start date: Monday and Thursday of each week (counted
/// from the start), weeks 3–4 at the business, the restorative-justice session on week 5's
/// second day. Ids come from `id` so a caller's clock decides them.
pub fn schedule(starts_on: Date, group_room: &str, business: &str, mut id: impl FnMut() -> Uuid) -> Vec<Appointment> {
    let mut appointments = Vec::new();
    for week in 0..PROGRAMME_WEEKS {
        for (day, offset) in [(0, 0), (1, 3)] {
            let on = starts_on.checked_add(jiff::Span::new().days(i64::from(week) * 7 + offset)).unwrap_or(starts_on);
            let kind = match (week, day) {
                (2 | 3, _) => AppointmentKind::WorkExperience,
                (4, 1) => AppointmentKind::RestorativeJustice,
                _ => AppointmentKind::Session,
            };
            let place = if kind == AppointmentKind::WorkExperience { business } else { group_room };
            appointments.push(Appointment { id: id(), on, kind, place: place.to_string() });
        }
    }
    appointments
}

/// A week day as the schedule counts it (for the register's column heads).
pub fn weekday_code(day: Weekday) -> &'static str {
    match day {
        Weekday::Monday => "monday",
        Weekday::Tuesday => "tuesday",
        Weekday::Wednesday => "wednesday",
        Weekday::Thursday => "thursday",
        Weekday::Friday => "friday",
        Weekday::Saturday => "saturday",
        Weekday::Sunday => "sunday",
    }
}

/// A person taking part, enrolled by a member of their team with their consent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participant {
    pub cohort: Uuid,
    pub person: PersonId,
    pub enrolled_by: MemberId,
    pub enrolled_at: Timestamp,
}

/// One register entry; a correction is a newer entry for the same appointment and person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attendance {
    pub cohort: Uuid,
    pub appointment: Uuid,
    pub person: PersonId,
    pub attended: bool,
    pub recorded_by: MemberId,
    pub recorded_at: Timestamp,
}

/// What the offence record says of a person: linked to exactly one person of the extract (by
/// an identifier, as the evidence links them) with the dates of their proven offences, or not
/// linked (no identifier in the extract, or ambiguous) — then nothing can be said of offences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OffenceRecord {
    Linked { proven_offences: Vec<Date> },
    NotLinked,
}

/// Where a graduate stands in the mentor pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PipelineStage {
    /// Graduated and invited to train as a mentor.
    Invited,
    InTraining,
    /// A mentor member of the agency.
    Mentor,
    /// Said no, or stopped the training.
    Declined,
}

impl PipelineStage {
    pub const ALL: [PipelineStage; 4] = [Self::Invited, Self::InTraining, Self::Mentor, Self::Declined];
    pub fn code(self) -> &'static str {
        match self {
            Self::Invited => "invited",
            Self::InTraining => "in_training",
            Self::Mentor => "mentor",
            Self::Declined => "declined",
        }
    }
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code.trim())
    }
}

/// One step of a graduate in the pipeline; the history is the rows, the newest counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PipelineStep {
    pub id: Uuid,
    pub agency: AgencyId,
    pub person: PersonId,
    pub cohort: Uuid,
    pub stage: PipelineStage,
    /// The mentor member the graduate became (stage `Mentor`).
    pub member: Option<MemberId>,
    pub on: Date,
    pub by: MemberId,
    pub at: Timestamp,
}
