//! Grants to a named project group on SQLite and PostgreSQL (issue 20): a group needs two or
//! more members the keeper works with and their consent; a grant comes from a grant pot only,
//! waits for a second member's approval above the threshold (never the requester's), is paid
//! out into the group's own account, and the group can never spend more than it was paid —
//! refused inside the store's transaction. The reports count the group's spend and goal.

use super::funds::{group_input, setup};
use crate::support::{UTC, actor, at, execute};
use domain::FixedClock;
use domain::access::Role;
use domain::directory::AgencyKind;
use domain::funds::ports::FundStore;
use domain::funds::service::groups::GroupInput;
use domain::funds::service::reports::{GoalReached, Whom};
use domain::funds::service::{FundInput, Funds, invariant_violations};
use domain::funds::{AccountCode, FundError};
use domain::service::ServiceError;

async fn a_grant_to_a_named_group_is_approved_paid_and_never_overspent(db: crate::support::TestDb) {
    let store = db.store.clone();
    let clock = FixedClock::new(at("2026-11-22T10:00:00Z"));
    let s = setup(&store, &clock, 100_000).await;
    let funds = Funds { store: &store, clock: &clock, time_zone: &UTC };

    // A group is several people, each consenting.
    let mut one = GroupInput {
        name: "Repaircafé".into(),
        project: "Fietsen opknappen voor de buurt".into(),
        goals: "Een vak leren".into(),
        members: vec![s.people[0].to_string()],
        consented: false,
    };
    let refused = funds.create_group(&s.keeper, &one).await.unwrap_err();
    let fields: Vec<_> = refused.field_errors().unwrap().iter().map(|e| e.field.clone()).collect();
    assert_eq!(fields, ["members", "consented"]);
    one.members.push(s.people[2].to_string());
    one.consented = true;
    let repair = funds.create_group(&s.keeper, &one).await.unwrap();
    assert_eq!(repair.members.len(), 2);
    assert_eq!(store.group(repair.id).await.unwrap().unwrap(), repair, "read back as saved");

    // Above the threshold (30 euros) the grant waits for a second member.
    let grant = funds.transfer(&s.keeper, s.fund, &group_input("grant", s.group, Some(5_000))).await.unwrap();
    assert!(grant.transfer.needs_approval);
    assert_eq!(grant.transfer.credit, AccountCode::Group(s.group));
    let mut pay = group_input("post", s.group, None);
    pay.group_id.clear();
    pay.pending_id = grant.transfer.id.to_string();
    let early = funds.transfer(&s.keeper, s.fund, &pay).await.unwrap_err();
    assert_eq!(early.rule::<FundError>(), Some(&FundError::NotApproved));
    let own = funds.approve(&s.keeper, s.fund, grant.transfer.id).await.unwrap_err();
    assert_eq!(own.rule::<FundError>(), Some(&FundError::SelfApproval), "never the requester");
    funds.approve(&s.approver, s.fund, grant.transfer.id).await.unwrap();
    funds.transfer(&s.keeper, s.fund, &pay).await.unwrap();

    // The group spends what it was paid, and no more.
    funds.transfer(&s.keeper, s.fund, &group_input("commit", s.group, Some(2_500))).await.unwrap();
    let ok = funds.transfer(&s.keeper, s.fund, &group_input("commit", s.group, Some(2_500))).await.unwrap();
    let over = funds.transfer(&s.keeper, s.fund, &group_input("commit", s.group, Some(2_000))).await.unwrap_err();
    assert_eq!(over.rule::<FundError>(), Some(&FundError::Insufficient { available: 0 }));
    let mut bought = group_input("post", s.group, Some(2_400));
    bought.group_id.clear();
    bought.pending_id = ok.transfer.id.to_string();
    let missing_invoice = funds.transfer(&s.keeper, s.fund, &bought).await.unwrap_err();
    assert_eq!(missing_invoice.rule::<FundError>(), Some(&FundError::InvoiceMissing));
    bought.invoice_ref = "F-2026-114".into();
    funds.transfer(&s.keeper, s.fund, &bought).await.unwrap();

    let file = funds.group_file(&s.keeper, s.group).await.unwrap();
    let figures = &file.funds[0];
    assert_eq!((figures.available_cents, figures.committed_cents, figures.spent_cents), (100, 2_500, 2_400));
    assert_eq!(file.names.len(), 2, "the members are named for the keeper");
    assert!(invariant_violations(&store.accounts(s.fund).await.unwrap()).is_empty());
    assert!(execute(&store, "DELETE FROM project_group_member").await.is_err(), "members stay on record");

    // The group's goal is in the report, with what was bought.
    let report = funds.report(&s.keeper).await.unwrap();
    let line = report.by_goal.iter().find(|l| l.whom == Whom::Group(s.group)).unwrap();
    assert_eq!((line.spent, line.reached), (2_400, GoalReached::Group));
    assert_eq!(report.by_stream[0].1.granted, 5_000);
    assert_eq!(report.by_stream[0].1.spent, 2_400);

    // Only a grant pot grants, and only the supporting agency sees or moves the group.
    let stream = FundInput { kind: "stream".into(), name: "Volwassenen".into(), ..fund_input() };
    let stream = funds.open_fund(&s.keeper, &stream).await.unwrap();
    let wrong = funds.transfer(&s.keeper, stream.id, &group_input("grant", s.group, Some(100))).await.unwrap_err();
    assert_eq!(wrong.rule::<FundError>(), Some(&FundError::NotAGrantPot));
    let other = actor(&store, "Leger des Heils", AgencyKind::Provider, Role::ProviderWorker).await;
    assert!(matches!(funds.group_file(&other, s.group).await, Err(ServiceError::Forbidden(_))));
}

fn fund_input() -> FundInput {
    FundInput {
        name: "Subsidiepot 2026".into(),
        kind: "grant_pot".into(),
        stream: "co-produced projects".into(),
        period_start: "2026-01-01".into(),
        period_end: "2026-12-31".into(),
        budget_cents: Some(10_000),
        approval_above_cents: Some(3_000),
        person_limit_cents: None,
    }
}

on_both_backends!(a_grant_to_a_named_group_is_approved_paid_and_never_overspent);
