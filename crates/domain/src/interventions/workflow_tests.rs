//! The referral lifecycle without IO: who may move it where, delivery only once started, and
//! the effects (and so the outbox events) each change produces.

use super::model::*;
use super::service::referral_events;
use super::workflow::*;
use crate::ids::{AgencyId, InterventionId, MemberId, PersonId, ReferralId};
use crate::notifications::EventKind;
use jiff::Timestamp;
use jiff::civil::date;
use uuid::Uuid;

fn at() -> Timestamp {
    "2026-12-01T10:00:00Z".parse().unwrap()
}

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

fn referral() -> Referral {
    Referral {
        id: ReferralId(id(1)),
        person: PersonId(id(2)),
        intervention: InterventionId(id(3)),
        intervention_name: "Alcohol programme".into(),
        kind: InterventionKind::AddictionTreatment,
        provider: AgencyId(id(4)),
        referrer_agency: AgencyId(id(5)),
        referrer: MemberId(id(6)),
        task: None,
        status: ReferralStatus::Draft,
        shared: Shared::default(),
        note: String::new(),
        outcomes: vec!["sober".into(), "housed".into()],
        created_on: date(2026, 12, 1),
        queued_at: None,
        started_on: None,
        ended_on: None,
        history: vec![],
    }
}

fn by(side: Side) -> By {
    let agency = if side == Side::Provider { AgencyId(id(4)) } else { AgencyId(id(5)) };
    By { member: MemberId(id(7)), agency, side, at: at(), on: date(2026, 12, 1) }
}

fn step(r: &Referral, command: ReferralCommand, side: Side) -> Result<(Referral, Vec<ReferralEffect>), ReferralError> {
    r.apply(command, by(side), &Transitions::default())
}

fn mv(to: ReferralStatus) -> ReferralCommand {
    ReferralCommand::Move { to, reason: None, note: None }
}

#[test]
fn the_lifecycle_runs_from_draft_to_completed_with_a_row_per_change() {
    use ReferralStatus::*;
    let r = referral();
    let (r, _) = step(&r, mv(Sent), Side::Referrer).unwrap();
    let (r, _) = step(&r, mv(Accepted), Side::Provider).unwrap();
    assert!(r.queued_at.is_some());
    let (r, _) = step(&r, mv(Waiting), Side::Provider).unwrap();
    let (r, effects) = step(&r, mv(Started), Side::Provider).unwrap();
    assert_eq!(effects, vec![ReferralEffect::Started { on: date(2026, 12, 1) }]);
    let record = SessionRecord { on: date(2026, 12, 1), attended: Attended::Late, reason: None };
    let (r, _) = step(&r, ReferralCommand::Attendance(record), Side::Provider).unwrap();
    let report = EndOfService { outcomes: vec![("sober".into(), Achievement::Achieved)], summary: "done".into() };
    let (r, effects) = step(&r, ReferralCommand::Complete(report), Side::Provider).unwrap();
    assert_eq!(effects, vec![ReferralEffect::Ended { on: date(2026, 12, 1), completed: true }]);
    assert_eq!(r.status, Completed);
    assert_eq!(r.history.len(), 6);
    assert_eq!(r.sessions().count(), 1);
    assert_eq!(r.progress()[0], ("sober".to_string(), Some(Achievement::Achieved)));
    assert!(step(&r, mv(Withdrawn), Side::Referrer).is_err(), "an ended referral stays ended");
}

#[test]
fn each_side_makes_only_its_own_moves() {
    use ReferralStatus::*;
    let r = referral();
    assert!(matches!(step(&r, mv(Sent), Side::Provider), Err(ReferralError::NotAllowed { .. })));
    let (sent, _) = step(&r, mv(Sent), Side::Referrer).unwrap();
    assert!(matches!(step(&sent, mv(Accepted), Side::Referrer), Err(ReferralError::NotAllowed { .. })));
    let rules = Transitions::default();
    assert_eq!(rules.next(Sent, Side::Provider), vec![Accepted, Declined]);
    assert_eq!(rules.next(Sent, Side::Referrer), vec![Withdrawn]);
    // A decline needs a reason category.
    assert_eq!(step(&sent, mv(Declined), Side::Provider).unwrap_err(), ReferralError::ReasonNeeded);
    let decline = ReferralCommand::Move { to: Declined, reason: Some(ReasonCategory::NoCapacity), note: None };
    assert_eq!(step(&sent, decline, Side::Provider).unwrap().0.status, Declined);
}

#[test]
fn delivery_is_recorded_by_the_provider_once_started_and_a_concern_tells_the_referrer() {
    use ReferralStatus::*;
    let (sent, _) = step(&referral(), mv(Sent), Side::Referrer).unwrap();
    let record = SessionRecord { on: date(2026, 12, 1), attended: Attended::No, reason: None };
    assert_eq!(
        step(&sent, ReferralCommand::Attendance(record.clone()), Side::Provider).unwrap_err(),
        ReferralError::NotStarted
    );
    let (accepted, _) = step(&sent, mv(Accepted), Side::Provider).unwrap();
    let (started, _) = step(&accepted, mv(Started), Side::Provider).unwrap();
    assert_eq!(
        step(&started, ReferralCommand::Attendance(record), Side::Provider).unwrap_err(),
        ReferralError::AbsenceReason
    );
    let concern = ReferralCommand::Concern { text: "drinking again".into() };
    assert_eq!(step(&started, concern.clone(), Side::Referrer).unwrap_err(), ReferralError::ProviderOnly);
    let (after, effects) = step(&started, concern, Side::Provider).unwrap();
    let events = referral_events(&after, &effects, MemberId(id(7)), at());
    let told = events.iter().find(|e| e.kind == EventKind::ReferralConcern).unwrap();
    assert_eq!(told.audience.agencies.iter().copied().collect::<Vec<_>>(), vec![AgencyId(id(5))]);
    assert_eq!(told.audience.member, Some(MemberId(id(6))));
    let progress = ProgressRecord {
        on: date(2026, 12, 1),
        outcome: "unknown".into(),
        achievement: Achievement::NotYet,
        note: String::new(),
    };
    assert!(matches!(
        step(&started, ReferralCommand::Progress(progress), Side::Provider),
        Err(ReferralError::UnknownOutcome(_))
    ));
}

#[test]
fn starts_and_ends_carry_the_outbox_contract() {
    use ReferralStatus::*;
    let r = referral();
    let (r, _) = step(&r, mv(Sent), Side::Referrer).unwrap();
    let (r, _) = step(&r, mv(Accepted), Side::Provider).unwrap();
    let (r, effects) = step(&r, mv(Started), Side::Provider).unwrap();
    let started = &referral_events(&r, &effects, MemberId(id(7)), at())[0];
    assert_eq!(started.kind.code(), "referral.started");
    assert_eq!(started.detail["intervention"], id(3).to_string());
    assert_eq!(started.detail["provider"], id(4).to_string());
    assert_eq!(started.detail["kind"], "addiction_treatment");
    assert_eq!(started.detail["intervention_name"], "Alcohol programme");
    assert_eq!(started.person, Some(PersonId(id(2))));
    let end = ReferralCommand::Move { to: EndedEarly, reason: Some(ReasonCategory::DidNotAttend), note: None };
    let (r, effects) = step(&r, end, Side::Referrer).unwrap();
    let ended = &referral_events(&r, &effects, MemberId(id(7)), at())[0];
    assert_eq!(ended.kind.code(), "referral.completed");
    assert_eq!(ended.detail["outcome"], "ended_early");
}

#[test]
fn amendments_keep_the_value_before_and_need_a_reason() {
    let r = referral();
    let amend = |reason: &str| {
        ReferralCommand::Amend(Amendment {
            field: AmendableField::Risks,
            before: String::new(),
            after: "violent when drunk".into(),
            reason: reason.into(),
        })
    };
    assert_eq!(step(&r, amend(" "), Side::Referrer).unwrap_err(), ReferralError::ReasonNeeded);
    let (r2, _) = step(&r, amend("new police report"), Side::Referrer).unwrap();
    assert_eq!(r2.shared.risks, "violent when drunk");
    assert!(matches!(&r2.history[0].detail, ChangeDetail::Amended(a) if a.before.is_empty()));
}

#[test]
fn change_input_parses_the_tagged_actions() {
    let today = date(2026, 12, 7);
    let input = ChangeInput {
        action: "attendance".into(),
        attended: "late".into(),
        date: "2026-12-05".into(),
        ..Default::default()
    };
    let outcomes = vec!["sober".to_string()];
    assert!(matches!(
        input.parse(&outcomes, today).unwrap(),
        ReferralCommand::Attendance(SessionRecord { attended: Attended::Late, .. })
    ));
    let bad = ChangeInput {
        action: "attendance".into(),
        attended: "maybe".into(),
        date: "yesterday".into(),
        ..Default::default()
    };
    let fields: Vec<String> = bad.parse(&outcomes, today).unwrap_err().iter().map(|e| e.field.clone()).collect();
    assert_eq!(fields, vec!["date", "attended"]);
    let unknown = ChangeInput { action: "explode".into(), ..Default::default() };
    assert!(unknown.parse(&outcomes, today).is_err());
}
