//! Life Change graduation and the mentor pipeline, pure. A participant graduates when the
//! programme is over, every appointment was attended and — where the person is linked to the
//! offence record — no proven offence was committed during the programme. A graduate is invited
//! to train as a mentor, trains, and becomes a mentor member; each step only from the one before.

use crate::ids::PersonId;
use crate::mentoring::model::life_change::{Attendance, LifeChangeCohort, OffenceRecord, PipelineStage};
use jiff::civil::Date;
use thiserror::Error;

/// What the register and the offence record say of one participant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Graduation {
    pub status: GraduationStatus,
    /// Appointments so far (on or before today) and how many of them were attended.
    pub due: usize,
    pub attended: usize,
    /// Past appointments marked absent or not registered.
    pub missed: usize,
    /// Proven offences committed during the programme; `None` when not linked to the record.
    pub offences: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraduationStatus {
    /// Still running, nothing lost yet.
    OnTrack,
    /// Finished: every appointment attended, no proven offence during it.
    Graduated,
    /// An appointment missed or a proven offence during the programme.
    NotGraduated,
}

impl GraduationStatus {
    pub fn code(self) -> &'static str {
        match self {
            Self::OnTrack => "on_track",
            Self::Graduated => "graduated",
            Self::NotGraduated => "not_graduated",
        }
    }
}

/// The newest register entry of each appointment for `person` decides whether it was attended.
pub fn graduation(
    cohort: &LifeChangeCohort,
    person: PersonId,
    register: &[Attendance],
    record: &OffenceRecord,
    today: Date,
) -> Graduation {
    let attended_at = |appointment| {
        register
            .iter()
            .filter(|a| a.person == person && a.appointment == appointment)
            .max_by_key(|a| a.recorded_at)
            .is_some_and(|a| a.attended)
    };
    let past: Vec<_> = cohort.appointments.iter().filter(|a| a.on <= today).collect();
    let attended = past.iter().filter(|a| attended_at(a.id)).count();
    // Today's appointment may not be registered yet: only a recorded absence counts today.
    let missed = past
        .iter()
        .filter(|a| !attended_at(a.id))
        .filter(|a| a.on < today || register.iter().any(|r| r.person == person && r.appointment == a.id && !r.attended))
        .count();
    let offences = match record {
        OffenceRecord::Linked { proven_offences } => Some(
            proven_offences.iter().filter(|d| **d >= cohort.starts_on && **d <= cohort.ends_on().min(today)).count(),
        ),
        OffenceRecord::NotLinked => None,
    };
    let lost = missed > 0 || offences.is_some_and(|n| n > 0);
    let finished = today > cohort.ends_on();
    let status = if lost {
        GraduationStatus::NotGraduated
    } else if finished && attended == cohort.appointments.len() {
        GraduationStatus::Graduated
    } else if finished {
        GraduationStatus::NotGraduated
    } else {
        GraduationStatus::OnTrack
    };
    Graduation { status, due: past.len(), attended, missed, offences }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum PipelineError {
    #[error("only a graduate of the programme can be invited to train as a mentor")]
    NotAGraduate,
    #[error("this step does not follow from where the graduate stands")]
    OutOfOrder,
    #[error("choose the mentor member the graduate became")]
    MemberMissing,
}

impl PipelineError {
    pub fn field(self) -> &'static str {
        match self {
            Self::MemberMissing => "member",
            Self::NotAGraduate | Self::OutOfOrder => "stage",
        }
    }
    pub fn key(self) -> &'static str {
        match self {
            Self::NotAGraduate => "error.life_change.not_a_graduate",
            Self::OutOfOrder => "error.life_change.out_of_order",
            Self::MemberMissing => "error.life_change.member_missing",
        }
    }
}

/// The pipeline's one transition: from where the graduate stands (`None`: not yet in it) to
/// `next`. Invitation needs graduation; training needs the invitation; a mentor needs training
/// and the member they became; declining is possible until they are a mentor.
pub fn advance(
    current: Option<PipelineStage>,
    next: PipelineStage,
    graduated: bool,
    has_member: bool,
) -> Result<PipelineStage, PipelineError> {
    use PipelineStage::*;
    match (current, next) {
        (None, Invited) if graduated => Ok(Invited),
        (None, _) if !graduated => Err(PipelineError::NotAGraduate),
        (Some(Invited), InTraining) => Ok(InTraining),
        (Some(InTraining), Mentor) if has_member => Ok(Mentor),
        (Some(InTraining), Mentor) => Err(PipelineError::MemberMissing),
        (Some(Invited | InTraining), Declined) => Ok(Declined),
        _ => Err(PipelineError::OutOfOrder),
    }
}
