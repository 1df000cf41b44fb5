//! The demo's orders from the catalogue (issue 20, funds4 branch): The Hague's way of buying
//! services per person from a stream's budget. Probation's stream for homeless people orders
//! nights of care ("Eigen kamer met begeleiding", priced per night in the catalogue) for Gerrit
//! Hoekstra — above the threshold, so approved by a second colleague, then paid with its
//! invoice, with what he chose and why — and for two others on probation's caseload: one
//! waiting for its invoice, one waiting for approval (sign in as `goedkeurder`).

use domain::FixedClock;
use domain::access::Actor;
use domain::funds::FundId;
use domain::funds::service::{FundInput, Funds, TransferInput};
use domain::ids::{InterventionId, PersonId};
use domain::interventions::ports::InterventionStore;
use domain::plan::ports::PlanStore;
use jiff::tz::TimeZone;
use store::Store;

fn err(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

/// The catalogue entry nights of care are ordered from.
const NIGHTS: &str = "Eigen kamer met begeleiding";
const HOUSING_GOAL: &str = "Een eigen kamer waar ik rustig kan slapen";

struct Orders<'a> {
    funds: Funds<'a, Store>,
    store: &'a Store,
    by: &'a Actor,
    fund: FundId,
    nights: InterventionId,
}

impl Orders<'_> {
    /// The person's housing goal from their plan (by its id), else the goal in words.
    async fn goal(&self, person: PersonId, input: &mut TransferInput) -> anyhow::Result<()> {
        let plan = self.store.current_plan(person).await.map_err(err)?;
        let goals = plan.map(|p| p.plan.goals).unwrap_or_default();
        match goals.iter().find(|g| g.domain.0 == "housing").or(goals.first()) {
            Some(goal) => input.goal_id = goal.id.to_string(),
            None => input.goal = HOUSING_GOAL.into(),
        }
        Ok(())
    }

    async fn allocate(&self, person: PersonId, euros: i64) -> anyhow::Result<()> {
        let input = TransferInput {
            id: uuid::Uuid::now_v7().to_string(),
            kind: "allocate".into(),
            person_id: person.to_string(),
            amount_cents: Some(euros * 100),
            description: "Budget dak- en thuislozen: nachten opvang tot er een kamer is".into(),
            ..Default::default()
        };
        self.funds.transfer(self.by, self.fund, &input).await.map_err(err)?;
        Ok(())
    }

    /// Orders `nights` of care; the amount is the catalogue's price per night times the nights.
    async fn order(
        &self,
        person: PersonId,
        nights: i64,
        choice: (&str, &str),
    ) -> anyhow::Result<domain::funds::Transfer> {
        let mut input = TransferInput {
            id: uuid::Uuid::now_v7().to_string(),
            kind: "commit".into(),
            person_id: person.to_string(),
            intervention_id: self.nights.to_string(),
            units: Some(nights),
            choice: choice.0.into(),
            choice_reason: choice.1.into(),
            ..Default::default()
        };
        self.goal(person, &mut input).await?;
        Ok(self.funds.transfer(self.by, self.fund, &input).await.map_err(err)?.transfer)
    }

    async fn pay(&self, order: &domain::funds::Transfer, invoice: &str) -> anyhow::Result<()> {
        let input = TransferInput {
            id: uuid::Uuid::now_v7().to_string(),
            kind: "post".into(),
            pending_id: order.id.to_string(),
            invoice_ref: invoice.into(),
            ..Default::default()
        };
        self.funds.transfer(self.by, self.fund, &input).await.map_err(err)?;
        Ok(())
    }
}

/// Opens the homeless stream's fund and orders nights of care from it; answers how many funds
/// it opened (none when the catalogue has no priced night of care).
pub async fn seed_orders(
    store: &Store,
    clock: &FixedClock,
    zone: &TimeZone,
    (officer, approver): (&Actor, &Actor),
    gerrit: PersonId,
    others: &[PersonId],
    year: i16,
) -> anyhow::Result<usize> {
    let catalogue = store.interventions_for(&[], None).await.map_err(err)?;
    let Some(nights) = catalogue.iter().find(|i| i.name == NIGHTS && i.unit_cost_cents.is_some()).map(|i| i.id) else {
        return Ok(0);
    };
    let funds = Funds { store, clock, time_zone: zone };
    let input = FundInput {
        name: format!("Stroom dak- en thuislozen {year}"),
        kind: "stream".into(),
        stream: "dak- en thuislozen".into(),
        period_start: format!("{year}-01-01"),
        period_end: format!("{year}-12-31"),
        budget_cents: Some(2_000_000),
        approval_above_cents: Some(75_000),
        person_limit_cents: Some(200_000),
    };
    let fund = funds.open_fund(officer, &input).await.map_err(err)?.id;
    let orders = Orders { funds: Funds { store, clock, time_zone: zone }, store, by: officer, fund, nights };
    orders.allocate(gerrit, 1_200).await?;
    // Twenty-one nights (€892.50): above €750, so a second colleague approved it before it was
    // paid with the shelter's invoice.
    let chose = (
        "Liever een eigen kamer met begeleiding dan een bed in de slaapzaal",
        "In de slaapzaal wordt gedronken; in een eigen kamer lukt het me om nuchter te blijven",
    );
    let gerrits = orders.order(gerrit, 21, chose).await?;
    orders.funds.approve(approver, fund, gerrits.id).await.map_err(err)?;
    orders.pay(&gerrits, "LDH-N-2026-0311").await?;
    if let Some(&person) = others.first() {
        orders.allocate(person, 1_500).await?;
        // Fourteen nights (€595), waiting for the shelter's invoice on the fund's page.
        let chose = ("Twee weken opvang in Amsterdam-Oost", "Dicht bij mijn werk bij de kringloop");
        orders.order(person, 14, chose).await?;
    }
    if let Some(&person) = others.get(1) {
        orders.allocate(person, 1_000).await?;
        // Twenty-one nights: above the threshold, waiting for a second colleague's approval.
        orders.order(person, 21, ("Drie weken, tot de kamer vrij is", "")).await?;
    }
    Ok(1)
}
