//! A mentor match's lifecycle (views4): active until the mentor coordinator ends it, on the
//! day it ended and for a reason category. Pure: the transition returns the ended match and
//! the effects the service carries out (the outbox event telling the mentor and the agency).

use crate::mentoring::model::{EndReason, MentorMatch};
use crate::mentoring::workflow::MentoringError;
use jiff::civil::Date;

/// Where a match is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchState {
    Active,
    Ended { on: Date, reason: Option<EndReason> },
}

impl MatchState {
    pub fn of(matched: &MentorMatch) -> MatchState {
        match matched.ended_on {
            None => MatchState::Active,
            Some(on) => MatchState::Ended { on, reason: matched.ended_reason },
        }
    }
}

/// What may happen to a match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchCommand {
    End { on: Date, reason: EndReason },
}

/// What a transition asks the service to carry out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchEffect {
    /// Tell the mentor and the mentoring agency (outbox `mentor.match_ended`).
    AnnounceEnded { on: Date, reason: EndReason },
}

/// Applies `command` to `matched` on `today`: an active match ends on a day from its start up
/// to today; an ended one stays as it was.
pub fn apply(
    matched: &MentorMatch,
    command: MatchCommand,
    today: Date,
) -> Result<(MentorMatch, Vec<MatchEffect>), MentoringError> {
    match (MatchState::of(matched), command) {
        (MatchState::Ended { .. }, MatchCommand::End { .. }) => Err(MentoringError::AlreadyEnded),
        (MatchState::Active, MatchCommand::End { on, .. }) if on < matched.started_on => {
            Err(MentoringError::EndsBeforeStart { started: matched.started_on })
        }
        (MatchState::Active, MatchCommand::End { on, .. }) if on > today => Err(MentoringError::EndsInFuture),
        (MatchState::Active, MatchCommand::End { on, reason }) => {
            let ended = MentorMatch { ended_on: Some(on), ended_reason: Some(reason), ..matched.clone() };
            Ok((ended, vec![MatchEffect::AnnounceEnded { on, reason }]))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{AgencyId, MemberId, PersonId};
    use crate::mentoring::model::{ConsentedItems, Programme};
    use jiff::civil::date;
    use uuid::Uuid;

    fn active() -> MentorMatch {
        MentorMatch {
            id: Uuid::from_u128(1),
            person: PersonId(Uuid::from_u128(2)),
            mentor: MemberId(Uuid::from_u128(3)),
            mentor_agency: AgencyId(Uuid::from_u128(4)),
            programme: Programme::Mentoring,
            consented: ConsentedItems::default(),
            shared_goals: vec![],
            first_meeting: None,
            started_on: date(2026, 3, 1),
            ended_on: None,
            ended_reason: None,
            recorded_by: MemberId(Uuid::from_u128(5)),
            recorded_at: "2026-03-01T10:00:00Z".parse().unwrap(),
        }
    }

    const TODAY: Date = date(2026, 12, 7);

    #[test]
    fn an_active_match_ends_on_a_day_with_its_reason_and_announces_it() {
        let end = MatchCommand::End { on: date(2026, 11, 30), reason: EndReason::GoalsReached };
        let (ended, effects) = apply(&active(), end, TODAY).unwrap();
        assert_eq!(ended.ended_on, Some(date(2026, 11, 30)));
        assert_eq!(ended.ended_reason, Some(EndReason::GoalsReached));
        assert_eq!(
            MatchState::of(&ended),
            MatchState::Ended { on: date(2026, 11, 30), reason: Some(EndReason::GoalsReached) }
        );
        assert_eq!(effects, [MatchEffect::AnnounceEnded { on: date(2026, 11, 30), reason: EndReason::GoalsReached }]);
        assert!(!ended.is_active(TODAY));
        assert_eq!(ended.started_on, active().started_on, "the rest of the match is kept");
    }

    #[test]
    fn an_ended_match_does_not_end_again_and_no_end_lies_outside_its_life() {
        let end = |on| MatchCommand::End { on, reason: EndReason::NoContact };
        let (ended, _) = apply(&active(), end(TODAY), TODAY).unwrap();
        assert_eq!(apply(&ended, end(TODAY), TODAY), Err(MentoringError::AlreadyEnded));
        assert_eq!(
            apply(&active(), end(date(2026, 2, 28)), TODAY),
            Err(MentoringError::EndsBeforeStart { started: date(2026, 3, 1) })
        );
        assert_eq!(apply(&active(), end(date(2026, 12, 8)), TODAY), Err(MentoringError::EndsInFuture));
        // The day it started is a valid (if short) end.
        assert!(apply(&active(), end(date(2026, 3, 1)), TODAY).is_ok());
    }

    #[test]
    fn reason_codes_round_trip_and_only_a_course_run_counts_as_completed() {
        for reason in EndReason::ALL {
            assert_eq!(EndReason::parse(reason.code()), Some(reason));
        }
        assert_eq!(EndReason::parse("bored"), None);
        assert!(EndReason::GoalsReached.completed() && EndReason::PeriodCompleted.completed());
        assert!(!EndReason::PersonWithdrew.completed());
    }
}
