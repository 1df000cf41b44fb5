//! Fixtures shared by the plan, review and group tests.

use crate::access::Restriction;
use crate::ids::{AgencyId, GoalId, MemberId, ObligationRef, PersonId, PlanId, TaskId};
use crate::jurisdiction::{BeyondPack, DomainKey};
use crate::plan::*;
use jiff::civil::{Date, date};
use std::sync::LazyLock;
use uuid::Uuid;

pub static PACK: LazyLock<BeyondPack> = LazyLock::new(BeyondPack::nl);

pub fn context() -> PlanContext<'static> {
    PlanContext { rules: &PACK.plan, screening: &PACK.screening }
}

pub const POLICE: u128 = 1;
pub const PROBATION: u128 = 2;
pub const MUNICIPALITY: u128 = 3;

pub fn agency(n: u128) -> AgencyId {
    AgencyId(Uuid::from_u128(100 + n))
}
pub fn task_id(n: u128) -> TaskId {
    TaskId(Uuid::from_u128(300 + n))
}
pub fn goal_id(n: u128) -> GoalId {
    GoalId(Uuid::from_u128(400 + n))
}
pub fn member(n: u128) -> MemberId {
    MemberId(Uuid::from_u128(500 + n))
}
pub fn obligation(n: u128) -> ObligationRef {
    ObligationRef(Uuid::from_u128(600 + n))
}
pub fn start() -> Date {
    date(2026, 3, 2)
}

pub fn draft(plan: u128) -> Plan {
    let new = NewPlan {
        id: PlanId(Uuid::from_u128(plan)),
        person: PersonId(Uuid::from_u128(200 + plan)),
        team: [agency(POLICE), agency(PROBATION), agency(MUNICIPALITY)].into(),
    };
    Plan::draft(new, start()).unwrap()
}

pub fn add_task(n: u128, owner: u128, due: Date) -> PlanCommand {
    PlanCommand::AddTask {
        task: task_id(n),
        description: format!("task {n}"),
        kind: if owner == POLICE { TaskKind::Enforcement } else { TaskKind::Care },
        owner: agency(owner),
        owner_member: Some(member(owner)),
        goal: None,
        due,
        restriction: Restriction::Team,
    }
}

pub fn add_goal(n: u128, domain: &str) -> PlanCommand {
    PlanCommand::AddGoal {
        goal: goal_id(n),
        domain: DomainKey::new(domain),
        in_own_words: "I want my own front door".into(),
        agreed_by_person: true,
    }
}

pub fn run(plan: Plan, commands: Vec<PlanCommand>, today: Date) -> Plan {
    commands.into_iter().fold(plan, |plan, command| plan.apply(command, &context(), today).unwrap().0)
}

/// An active plan with a housing goal and tasks for three agencies.
pub fn active(plan: u128) -> Plan {
    run(
        draft(plan),
        vec![
            add_goal(1, "housing"),
            add_task(1, MUNICIPALITY, date(2026, 3, 20)),
            add_task(2, PROBATION, date(2026, 4, 15)),
            add_task(3, POLICE, date(2026, 3, 9)),
            PlanCommand::Activate,
        ],
        start(),
    )
}
