use crate::funds::model::*;
use crate::funds::service::{TransferInput, invariant_violations};
use crate::funds::workflow::*;
use crate::ids::{AgencyId, MemberId, PersonId};
use jiff::civil::date;
use uuid::Uuid;

fn fund() -> Fund {
    Fund {
        id: FundId(Uuid::from_u128(1)),
        name: "Volwassenen".into(),
        kind: FundKind::Stream,
        stream: "adults".into(),
        holder: AgencyId(Uuid::from_u128(2)),
        period_start: date(2026, 1, 1),
        period_end: date(2026, 12, 31),
        budget_cents: 100_000,
        approval_above_cents: 25_000,
        person_limit_cents: Some(50_000),
        version: 1,
        created_at: "2026-01-01T09:00:00Z".parse().unwrap(),
        created_by: MemberId(Uuid::from_u128(3)),
    }
}

fn maker(member: u128) -> Maker {
    Maker {
        member: MemberId(Uuid::from_u128(member)),
        agency: AgencyId(Uuid::from_u128(2)),
        at: "2026-03-01T10:00:00Z".parse().unwrap(),
    }
}

fn person() -> PersonId {
    PersonId(Uuid::from_u128(9))
}

fn request(kind: &str, amount: Option<i64>) -> TransferRequest {
    TransferInput {
        id: Uuid::from_u128(77).to_string(),
        kind: kind.into(),
        person_id: person().to_string(),
        amount_cents: amount,
        description: "fiets voor werk".into(),
        // A purchase names its goal; an allocation may leave it to the description.
        goal: if kind == "commit" { "Naar mijn werk kunnen fietsen".into() } else { String::new() },
        ..Default::default()
    }
    .parse()
    .unwrap()
}

#[test]
fn an_allocation_moves_pool_money_to_the_person_and_is_announced() {
    let (t, effects) = plan_transfer(&fund(), &request("allocate", Some(30_000)), None, &[], maker(4)).unwrap();
    assert_eq!(
        (t.debit, t.credit, t.amount_cents, t.phase),
        (AccountCode::Pool, AccountCode::Person(person()), 30_000, Phase::Posted)
    );
    assert_eq!(effects, vec![Effect::Allocated { person: person(), amount_cents: 30_000 }]);
    // Without a goal of its own, the description is the goal in the person's words.
    assert_eq!(t.goal, "fiets voor werk");
}

#[test]
fn a_commitment_reserves_and_above_the_threshold_needs_approval() {
    let (small, _) = plan_transfer(&fund(), &request("commit", Some(25_000)), None, &[], maker(4)).unwrap();
    assert_eq!(small.phase, Phase::Pending);
    assert!(!small.needs_approval);
    let (big, _) = plan_transfer(&fund(), &request("commit", Some(25_001)), None, &[], maker(4)).unwrap();
    assert!(big.needs_approval);
    assert_eq!(check_approval(&big, MemberId(Uuid::from_u128(4))), Err(FundError::SelfApproval));
    assert_eq!(check_approval(&big, MemberId(Uuid::from_u128(5))), Ok(()));
    assert_eq!(check_approval(&small, MemberId(Uuid::from_u128(5))), Err(FundError::ApprovalNotNeeded));
}

#[test]
fn posting_needs_an_invoice_and_no_more_than_was_reserved() {
    let (commit, _) = plan_transfer(&fund(), &request("commit", Some(10_000)), None, &[], maker(4)).unwrap();
    let mut post = request("post", Some(12_000));
    post.pending = Some(commit.id);
    post.id = TransferId(Uuid::from_u128(78));
    assert_eq!(
        plan_transfer(&fund(), &post, Some(&commit), &[], maker(4)).unwrap_err(),
        FundError::PostAboveReserved { amount: 12_000, reserved: 10_000 }
    );
    post.amount_cents = Some(8_000);
    assert_eq!(plan_transfer(&fund(), &post, Some(&commit), &[], maker(4)).unwrap_err(), FundError::InvoiceMissing);
    post.invoice_ref = Some("F-2026-001".into());
    let (posted, _) = plan_transfer(&fund(), &post, Some(&commit), &[], maker(4)).unwrap();
    assert_eq!(posted.phase, Phase::PostPending { reserved: 10_000 });
    assert_eq!((posted.debit, posted.credit), (commit.debit, commit.credit));
}

#[test]
fn only_posted_money_is_reversed_and_the_reversal_swaps_the_accounts() {
    let (commit, _) = plan_transfer(&fund(), &request("commit", Some(10_000)), None, &[], maker(4)).unwrap();
    let mut reverse = request("reverse", None);
    reverse.reverses = Some(commit.id);
    assert_eq!(plan_transfer(&fund(), &reverse, Some(&commit), &[], maker(4)).unwrap_err(), FundError::NotReversible);
    let (allocation, _) = plan_transfer(&fund(), &request("allocate", Some(5_000)), None, &[], maker(4)).unwrap();
    let (undo, effects) = plan_transfer(&fund(), &reverse, Some(&allocation), &[], maker(4)).unwrap();
    assert_eq!((undo.debit, undo.credit, undo.amount_cents), (allocation.credit, allocation.debit, 5_000));
    assert!(effects.is_empty());
}

#[test]
fn bad_requests_name_each_field() {
    let errors = TransferInput { id: "x".into(), kind: "steal".into(), amount_cents: Some(-1), ..Default::default() }
        .parse()
        .unwrap_err();
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["id", "kind", "amount_cents", "description"]);
    let mut long = TransferInput {
        id: Uuid::from_u128(1).to_string(),
        kind: "commit".into(),
        description: "x".repeat(DESCRIPTION_MAX + 1),
        ..Default::default()
    };
    // A commitment without its amount: named with the description, not after it is fixed.
    let fields: Vec<String> = long.parse().unwrap_err().iter().map(|e| e.field.clone()).collect();
    assert_eq!(fields, ["amount_cents", "description"]);
    long.amount_cents = Some(100);
    assert!(long.parse().is_err());
    long.description = "ok".into();
    assert!(long.parse().is_ok());
}

#[test]
fn the_invariants_see_an_overdrawn_account_and_an_unbalanced_ledger() {
    let fund = FundId(Uuid::nil());
    let account = |code, dp, cp, limit| Account {
        fund,
        code,
        limit_cents: limit,
        totals: Totals { debits_posted: dp, credits_posted: cp, ..Default::default() },
    };
    let good = [
        account(AccountCode::Funding, 100, 0, Some(100)),
        account(AccountCode::Pool, 40, 100, Some(100)),
        account(AccountCode::Person(person()), 0, 40, None),
    ];
    assert!(invariant_violations(&good).is_empty());
    let overdrawn = [
        account(AccountCode::Funding, 100, 0, Some(100)),
        account(AccountCode::Pool, 140, 100, None),
        account(AccountCode::Person(person()), 0, 140, None),
    ];
    assert_eq!(invariant_violations(&overdrawn).len(), 1);
    let unbalanced = [account(AccountCode::Funding, 100, 0, Some(100)), account(AccountCode::Pool, 0, 90, None)];
    assert_eq!(invariant_violations(&unbalanced).len(), 1);
    assert_eq!(AccountCode::parse(&AccountCode::Spent(person()).code()), Some(AccountCode::Spent(person())));
}

fn group() -> GroupId {
    GroupId(Uuid::from_u128(12))
}

fn group_request(kind: &str, amount: Option<i64>) -> TransferRequest {
    TransferInput {
        id: Uuid::from_u128(78).to_string(),
        kind: kind.into(),
        group_id: group().to_string(),
        amount_cents: amount,
        description: "Moestuin aan de Laakkade".into(),
        ..Default::default()
    }
    .parse()
    .unwrap()
}

#[test]
fn a_grant_reserves_pool_money_for_a_group_from_a_grant_pot_only() {
    let refused = plan_transfer(&fund(), &group_request("grant", Some(10_000)), None, &[], maker(4)).unwrap_err();
    assert_eq!(refused, FundError::NotAGrantPot);
    let pot = Fund { kind: FundKind::GrantPot, ..fund() };
    let (small, effects) = plan_transfer(&pot, &group_request("grant", Some(10_000)), None, &[], maker(4)).unwrap();
    assert_eq!(
        (small.debit, small.credit, small.phase, small.group, small.person),
        (AccountCode::Pool, AccountCode::Group(group()), Phase::Pending, Some(group()), None)
    );
    assert!(!small.needs_approval && effects.is_empty());
    let (large, _) = plan_transfer(&pot, &group_request("grant", Some(30_000)), None, &[], maker(4)).unwrap();
    assert!(large.needs_approval, "above the threshold a second member approves");
    assert_eq!(check_approval(&large, MemberId(Uuid::from_u128(4))), Err(FundError::SelfApproval));
    assert_eq!(check_approval(&large, MemberId(Uuid::from_u128(5))), Ok(()));
    // Paying the grant out needs no invoice; it lands in the group's own account.
    let mut post = group_request("post", None);
    post.group = None;
    post.pending = Some(large.id);
    let (paid, _) = plan_transfer(&pot, &post, Some(&large), &[], maker(5)).unwrap();
    assert_eq!((paid.credit, paid.group, paid.amount_cents), (AccountCode::Group(group()), Some(group()), 30_000));
}

#[test]
fn a_group_is_granted_not_allocated_and_spends_from_its_own_accounts() {
    let pot = Fund { kind: FundKind::GrantPot, ..fund() };
    assert_eq!(
        plan_transfer(&pot, &group_request("allocate", Some(100)), None, &[], maker(4)).unwrap_err(),
        FundError::GroupsAreGranted
    );
    let (commit, _) = plan_transfer(&pot, &group_request("commit", Some(2_000)), None, &[], maker(4)).unwrap();
    assert_eq!((commit.debit, commit.credit), (AccountCode::Group(group()), AccountCode::GroupSpent(group())));
    let mut both = group_request("commit", Some(2_000));
    both.person = Some(person());
    assert_eq!(plan_transfer(&pot, &both, None, &[], maker(4)).unwrap_err(), FundError::PersonAndGroup);
    assert_eq!(AccountCode::parse(&AccountCode::GroupSpent(group()).code()), Some(AccountCode::GroupSpent(group())));
}

fn plan_goal(n: u128, words: &str) -> crate::plan::Goal {
    crate::plan::Goal {
        id: crate::ids::GoalId(Uuid::from_u128(n)),
        domain: crate::jurisdiction::DomainKey::new("work_and_daytime"),
        in_own_words: words.into(),
        agreed_by_person: true,
    }
}

#[test]
fn a_purchase_names_the_plan_goal_it_serves_by_id_or_by_its_very_words() {
    let goals = [plan_goal(41, "Weer werken in een magazijn"), plan_goal(42, "Een eigen kamer")];
    let mut chosen = request("commit", Some(5_000));
    chosen.goal = String::new();
    chosen.goal_id = Some(goals[1].id);
    let (t, _) = plan_transfer(&fund(), &chosen, None, &goals, maker(4)).unwrap();
    // The goal's words as the plan had them are kept with the transfer.
    assert_eq!((t.goal_id, t.goal.as_str()), (Some(goals[1].id), "Een eigen kamer"));
    assert!(t.request.ends_with(&format!(" goal {}", goals[1].id)), "{}", t.request);
    // Resolving it keeps the goal.
    let mut post = request("post", None);
    post.pending = Some(t.id);
    post.invoice_ref = Some("F-1".into());
    let (posted, _) = plan_transfer(&fund(), &post, Some(&t), &[], maker(4)).unwrap();
    assert_eq!(posted.goal_id, Some(goals[1].id));
    // Words that read exactly like a goal (case and spacing aside) are that goal.
    let mut worded = request("commit", Some(5_000));
    worded.goal = " weer werken in een  Magazijn ".into();
    let (t, _) = plan_transfer(&fund(), &worded, None, &goals, maker(4)).unwrap();
    assert_eq!(t.goal_id, Some(goals[0].id));
    // Other words stay words: the reports say the goal is not in the plan.
    let (t, _) = plan_transfer(&fund(), &request("commit", Some(5_000)), None, &goals, maker(4)).unwrap();
    assert_eq!((t.goal_id, t.goal.as_str()), (None, "Naar mijn werk kunnen fietsen"));
}

#[test]
fn a_purchase_without_a_goal_is_refused_and_a_goal_from_elsewhere_too() {
    let goals = [plan_goal(41, "Weer werken in een magazijn")];
    let mut bare = request("commit", Some(5_000));
    bare.goal = String::new();
    assert_eq!(plan_transfer(&fund(), &bare, None, &goals, maker(4)).unwrap_err(), FundError::ChoosePlanGoal);
    assert_eq!(FundError::ChoosePlanGoal.field(), "goal_id");
    // Without a plan the goal is stated in words.
    assert_eq!(plan_transfer(&fund(), &bare, None, &[], maker(4)).unwrap_err(), FundError::GoalMissing);
    assert_eq!(FundError::GoalMissing.field(), "goal");
    let mut elsewhere = bare.clone();
    elsewhere.goal_id = Some(crate::ids::GoalId(Uuid::from_u128(99)));
    assert_eq!(plan_transfer(&fund(), &elsewhere, None, &goals, maker(4)).unwrap_err(), FundError::GoalNotInPlan);
    // An allocation may leave its goal to the description.
    let (t, _) = plan_transfer(&fund(), &request("allocate", Some(100)), None, &goals, maker(4)).unwrap();
    assert_eq!((t.goal_id, t.goal.as_str()), (None, "fiets voor werk"));
}

/// A catalogue entry of nights of care at `cost` cents a night (funds4 branch).
fn nights(cost: Option<i64>) -> crate::interventions::Intervention {
    crate::interventions::InterventionInput {
        name: "Nachtopvang".into(),
        kind: "housing".into(),
        needs: "housing".into(),
        outcomes: "Rust".into(),
        capacity: "6".into(),
        areas: "Den Haag".into(),
        unit_cost_cents: cost.map(|c| c.to_string()).unwrap_or_default(),
        ..Default::default()
    }
    .parse(
        crate::ids::InterventionId(Uuid::from_u128(40)),
        AgencyId(Uuid::from_u128(41)),
        &[crate::jurisdiction::DomainKey::new("housing")],
    )
    .unwrap()
}

#[test]
fn an_order_is_its_units_times_the_catalogue_price_and_its_post_carries_it() {
    let entry = nights(Some(4_250));
    assert_eq!(price_order(&nights(None), Some(2)), Err(FundError::NoUnitCost));
    assert_eq!(price_order(&entry, Some(0)), Err(FundError::UnitsOutOfRange { max: UNITS_MAX }));
    assert_eq!(price_order(&entry, None), Err(FundError::UnitsOutOfRange { max: UNITS_MAX }));
    let withdrawn = crate::interventions::Intervention { active: false, ..entry.clone() };
    assert_eq!(price_order(&withdrawn, Some(2)), Err(FundError::InterventionWithdrawn));
    let input = TransferInput {
        intervention_id: entry.id.to_string(),
        units: Some(14),
        description: String::new(),
        choice: "Een eigen kamer".into(),
        choice_reason: "Rust".into(),
        ..request_input("commit")
    };
    let mut request = input.parse().unwrap();
    assert_eq!(
        plan_transfer(&fund(), &request, None, &[], maker(4)).unwrap_err(),
        FundError::UnknownIntervention,
        "an order is priced by the service first"
    );
    request.priced = Some(price_order(&entry, request.units).unwrap());
    let (order, _) = plan_transfer(&fund(), &request, None, &[], maker(4)).unwrap();
    assert_eq!((order.amount_cents, order.description.as_str()), (59_500, "14 × Nachtopvang"));
    assert!(order.needs_approval, "above the threshold like any commitment");
    let typed = TransferRequest { amount_cents: Some(100), ..request.clone() };
    assert_eq!(
        plan_transfer(&fund(), &typed, None, &[], maker(4)).unwrap_err(),
        FundError::OrderAmountDiffers { total: 59_500 }
    );
    let mut post = request_input("post");
    post.pending_id = order.id.to_string();
    post.invoice_ref = "KS-1".into();
    post.id = Uuid::from_u128(79).to_string();
    let (paid, _) = plan_transfer(&fund(), &post.parse().unwrap(), Some(&order), &[], maker(5)).unwrap();
    assert_eq!((paid.order, paid.choice), (order.order.clone(), "Een eigen kamer".to_string()));
    let mut allocate = request_input("allocate");
    allocate.units = Some(3);
    allocate.intervention_id = entry.id.to_string();
    let refused = plan_transfer(&fund(), &allocate.parse().unwrap(), None, &[], maker(4)).unwrap_err();
    assert_eq!(refused, FundError::OrderOnlyCommit);
}

fn request_input(kind: &str) -> TransferInput {
    TransferInput {
        id: Uuid::from_u128(77).to_string(),
        kind: kind.into(),
        person_id: person().to_string(),
        amount_cents: if kind == "allocate" { Some(1_000) } else { None },
        description: "nachten".into(),
        goal: "Een eigen kamer".into(),
        ..Default::default()
    }
}
