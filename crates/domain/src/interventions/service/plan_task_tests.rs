//! Settling a referral's plan task, without IO: completed by the provider, the task is done
//! as the next version of the plan, recorded as done by the referral at the provider's time;
//! declined, withdrawn or ended early it stays open and its owner and the referrer are told.

use super::*;
use crate::ids::{AgencyId, InterventionId, PersonId, ReferralId};
use crate::interventions::model::{InterventionKind, ReasonCategory, Shared, Side};
use crate::interventions::workflow::{ReferralCommand, Transitions};
use crate::interventions::{Achievement, EndOfService};
use crate::plan::test_support::{MUNICIPALITY, PROBATION, active, agency, member, task_id};
use jiff::Timestamp;
use jiff::civil::date;
use uuid::Uuid;

const PROVIDER: u128 = 9;

fn at() -> Timestamp {
    "2026-12-04T14:30:00Z".parse().unwrap()
}

fn by(side: Side) -> By {
    let (who, agency_of) =
        if side == Side::Provider { (PROVIDER, agency(PROVIDER)) } else { (PROBATION, agency(PROBATION)) };
    By { member: member(who), agency: agency_of, side, at: at(), on: date(2026, 12, 4) }
}

/// The active plan's municipality task 1, referred by probation to the provider and started.
fn started(plan: &Plan) -> Referral {
    let referral = Referral {
        id: ReferralId(Uuid::from_u128(700)),
        person: plan.person,
        intervention: InterventionId(Uuid::from_u128(701)),
        intervention_name: "Schuldhulp".into(),
        kind: InterventionKind::DebtHelp,
        provider: agency(PROVIDER),
        referrer_agency: agency(PROBATION),
        referrer: member(PROBATION),
        task: Some(task_id(1)),
        status: ReferralStatus::Started,
        shared: Shared::default(),
        note: String::new(),
        outcomes: vec!["debts settled".into()],
        created_on: date(2026, 11, 2),
        queued_at: None,
        started_on: Some(date(2026, 11, 9)),
        ended_on: None,
        history: vec![],
    };
    assert_eq!(referral.person, PersonId(Uuid::from_u128(201)));
    referral
}

fn stored() -> StoredPlan {
    StoredPlan { plan: active(1), version: 7 }
}

fn end(referral: &Referral, command: ReferralCommand, side: Side) -> Referral {
    referral.apply(command, by(side), &Transitions::default()).unwrap().0
}

fn completed(referral: &Referral) -> Referral {
    let report = EndOfService { outcomes: vec![("debts settled".into(), Achievement::Achieved)], summary: "ok".into() };
    end(referral, ReferralCommand::Complete(report), Side::Provider)
}

#[test]
fn a_completion_marks_the_task_done_as_the_next_version_by_the_provider() {
    let stored = stored();
    let referral = started(&stored.plan);
    let after = completed(&referral);
    let settled = settle_task(Some(&stored), referral.status, &after, by(Side::Provider));
    let write = settled.plan.expect("the task is done in the same write");
    assert_eq!(write.from_version, 7, "built on the version it was decided on");
    assert_eq!(write.steps.len(), 1);
    let (event, plan) = &write.steps[0];
    assert_eq!(event.version, 8);
    assert_eq!(plan.task(task_id(1)).unwrap().status, TaskStatus::Done);
    assert_eq!(
        event.command,
        Some(PlanCommand::ChangeTaskStatus { task: task_id(1), status: TaskStatus::Done, by_referral: Some(after.id) }),
        "recorded as done by the referral's completion"
    );
    assert_eq!(event.kind, "change_task_status", "read as any task done (public value, evidence)");
    assert_eq!(
        (event.member, event.agency, event.at, event.on),
        (member(PROVIDER), agency(PROVIDER), at(), date(2026, 12, 4))
    );
    let others: Vec<_> = plan.tasks.iter().filter(|t| t.id != task_id(1)).collect();
    assert!(others.iter().all(|t| t.status.is_outstanding()), "only the referred task changes");
    // The municipality owns the task: it is told; the provider that did it is not.
    assert_eq!(settled.events.len(), 1);
    let told = &settled.events[0];
    assert_eq!(told.kind, EventKind::PlanTaskReferralEnded);
    assert_eq!(told.audience.agencies.iter().copied().collect::<Vec<_>>(), vec![agency(MUNICIPALITY)]);
    assert_eq!(told.audience.member, Some(member(MUNICIPALITY)));
    assert_eq!((told.detail["status"].as_str(), told.detail["task"].as_str()), ("completed", "task 1"));
}

#[test]
fn a_task_the_provider_owns_is_done_without_telling_the_provider() {
    let mut stored = stored();
    stored.plan.tasks[0].owner = agency(PROVIDER);
    let referral = started(&stored.plan);
    let settled = settle_task(Some(&stored), referral.status, &completed(&referral), by(Side::Provider));
    assert!(settled.plan.is_some());
    assert!(settled.events.is_empty());
}

#[test]
fn a_referral_ending_any_other_way_keeps_the_task_open_and_tells_its_owner_and_the_referrer() {
    let stored = stored();
    let referral = started(&stored.plan);
    let early = ReferralCommand::Move {
        to: ReferralStatus::EndedEarly,
        reason: Some(ReasonCategory::DidNotAttend),
        note: None,
    };
    let withdrawn =
        ReferralCommand::Move { to: ReferralStatus::Withdrawn, reason: Some(ReasonCategory::Other), note: None };
    for (command, side, status) in [(early, Side::Provider, "ended_early"), (withdrawn, Side::Referrer, "withdrawn")] {
        let after = end(&referral, command, side);
        let settled = settle_task(Some(&stored), referral.status, &after, by(side));
        assert_eq!(settled.plan, None, "{status}: never silently closed");
        assert_eq!(settled.events.len(), 1, "{status}");
        let told = &settled.events[0];
        assert_eq!(told.detail["status"], status);
        assert!(told.detail.contains_key("reason"), "{status}: the reason goes with it");
        let audience: Vec<AgencyId> = told.audience.agencies.iter().copied().collect();
        assert!(audience.contains(&agency(MUNICIPALITY)) && audience.contains(&agency(PROBATION)), "{audience:?}");
    }
    // Declined before it started: the same.
    let sent = Referral { status: ReferralStatus::Sent, started_on: None, ..started(&stored.plan) };
    let declined =
        ReferralCommand::Move { to: ReferralStatus::Declined, reason: Some(ReasonCategory::NoCapacity), note: None };
    let after = end(&sent, declined, Side::Provider);
    let settled = settle_task(Some(&stored), sent.status, &after, by(Side::Provider));
    assert_eq!((settled.plan, settled.events[0].detail["reason"].as_str()), (None, "no_capacity"));
}

#[test]
fn nothing_is_settled_unless_the_change_ends_a_referral_with_an_outstanding_task_on_this_plan() {
    let stored = stored();
    let referral = started(&stored.plan);
    let provider = by(Side::Provider);
    // A change that does not end it.
    let feedback = ReferralCommand::Feedback { on: date(2026, 12, 4), text: "goed gesprek".into() };
    let after = end(&referral, feedback, Side::Provider);
    assert_eq!(settle_task(Some(&stored), referral.status, &after, provider), Settlement::default());
    let done = completed(&referral);
    // No plan, or no task.
    assert_eq!(settle_task(None, referral.status, &done, provider), Settlement::default());
    let untasked = Referral { task: None, ..done.clone() };
    assert_eq!(settle_task(Some(&stored), referral.status, &untasked, provider), Settlement::default());
    // The task on an earlier plan, or already finished by a member.
    let elsewhere = Referral { task: Some(task_id(99)), ..done.clone() };
    assert_eq!(settle_task(Some(&stored), referral.status, &elsewhere, provider), Settlement::default());
    let mut finished = stored.clone();
    finished.plan.tasks[0].status = TaskStatus::Done;
    assert_eq!(settle_task(Some(&finished), referral.status, &done, provider), Settlement::default());
    // An ended referral is settled once: the pure rule by the statuses.
    assert_eq!(TaskOutcome::of(ReferralStatus::Completed, ReferralStatus::Completed), None);
    assert_eq!(TaskOutcome::of(ReferralStatus::Started, ReferralStatus::Completed), Some(TaskOutcome::Done));
    assert_eq!(TaskOutcome::of(ReferralStatus::Waiting, ReferralStatus::Declined), Some(TaskOutcome::KeptOpen));
    assert_eq!(TaskOutcome::of(ReferralStatus::Sent, ReferralStatus::Accepted), None);
}
