//! Orders for a catalogue intervention's units at its unit cost (issue 20, funds4 branch), on
//! SQLite and PostgreSQL: the commitment's amount is the units times the catalogue's price,
//! never the client's; no unit cost, units out of range, a typed amount that differs and more
//! than is left are refused and change nothing; the order and the person's choice are read back
//! alike on both backends and carried by the post; the report counts spend per intervention;
//! the database itself refuses an order whose amount is not its units times its unit cost.

use crate::funds::{input, setup};
use crate::support::{PACK, TestDb, UTC, actor, at, count, execute};
use domain::FixedClock;
use domain::access::Role;
use domain::directory::AgencyKind;
use domain::funds::FundError;
use domain::funds::ports::FundStore;
use domain::funds::service::{Funds, TransferInput};
use domain::ids::PersonId;
use domain::interventions::service::Interventions;
use domain::interventions::{Intervention, InterventionInput};
use store::Store;

fn entry(name: &str, unit_cost_cents: &str) -> InterventionInput {
    InterventionInput {
        name: name.into(),
        kind: "housing".into(),
        needs: "housing".into(),
        outcomes: "Een nacht rust".into(),
        capacity: "6".into(),
        areas: "Den Haag".into(),
        unit_cost_cents: unit_cost_cents.into(),
        ..Default::default()
    }
}

fn order(person: PersonId, intervention: &Intervention, units: Option<i64>) -> TransferInput {
    TransferInput {
        intervention_id: intervention.id.to_string(),
        units,
        description: String::new(),
        choice: "Een eigen kamer, geen slaapzaal".into(),
        choice_reason: "Daar kan ik nuchter blijven".into(),
        ..input("commit", person, None)
    }
}

async fn catalogue(store: &Store, clock: &FixedClock) -> (Intervention, Intervention) {
    let provider = actor(store, "Leger des Heils Den Haag", AgencyKind::Provider, Role::ProviderWorker).await;
    let service = Interventions { store, clock, time_zone: &UTC, screening: &PACK.screening };
    let nights = service.save_intervention(&provider, None, &entry("Nachtopvang", "425"), true).await.unwrap();
    let unpriced = service.save_intervention(&provider, None, &entry("Inloop", ""), true).await.unwrap();
    (nights, unpriced)
}

async fn an_order_is_priced_from_the_catalogue_and_kept_with_its_choice(db: TestDb) {
    let store = db.store.clone();
    let clock = FixedClock::new(at("2026-11-22T10:00:00Z"));
    let s = setup(&store, &clock, 100_000).await;
    let (nights, unpriced) = catalogue(&store, &clock).await;
    let funds = Funds { store: &store, clock: &clock, time_zone: &UTC };
    let person = s.people[2];
    funds.transfer(&s.keeper, s.fund, &input("allocate", person, Some(10_000))).await.unwrap();
    let before = count(&store, "fund_transfer").await;
    // Refused, each naming its field, and nothing recorded.
    let refusals: [(TransferInput, &str); 5] = [
        (order(person, &nights, Some(0)), "units"),
        (order(person, &nights, None), "units"),
        (order(person, &unpriced, Some(2)), "intervention_id"),
        (TransferInput { amount_cents: Some(1_000), ..order(person, &nights, Some(6)) }, "amount_cents"),
        // 30 nights cost €127.50, more than the €100 allocated.
        (order(person, &nights, Some(30)), "amount_cents"),
    ];
    for (refused, field) in refusals {
        let error = funds.transfer(&s.keeper, s.fund, &refused).await.unwrap_err();
        let fields = error.field_errors().unwrap();
        assert!(fields.iter().any(|e| e.field == field), "{field}: {fields:?}");
    }
    assert_eq!(count(&store, "fund_transfer").await, before, "nothing recorded");
    let typed = TransferInput { amount_cents: Some(1_000), ..order(person, &nights, Some(6)) };
    let differs = funds.transfer(&s.keeper, s.fund, &typed).await.unwrap_err();
    assert_eq!(differs.rule::<FundError>(), Some(&FundError::OrderAmountDiffers { total: 2_550 }));

    // Six nights at €4.25: €25.50, named by what it buys.
    let made = funds.transfer(&s.keeper, s.fund, &order(person, &nights, Some(6))).await.unwrap().transfer;
    assert_eq!(made.amount_cents, 2_550);
    assert_eq!(made.description, "6 × Nachtopvang");
    let ordered = made.order.clone().unwrap();
    assert_eq!((ordered.intervention, ordered.units, ordered.unit_cost_cents), (nights.id, 6, 425));
    assert_eq!(store.transfer(made.id).await.unwrap().unwrap(), made, "read back alike");
    assert_eq!(made.choice, "Een eigen kamer, geen slaapzaal");

    // Paid with the invoice: the post carries the order and the choice.
    let mut post = input("post", person, None);
    post.person_id = String::new();
    post.description = String::new();
    post.pending_id = made.id.to_string();
    let paid = funds.transfer(&s.keeper, s.fund, &post).await.unwrap().transfer;
    assert_eq!((paid.amount_cents, paid.order.as_ref().map(|o| o.units)), (2_550, Some(6)));
    assert_eq!(paid.choice_reason, "Daar kan ik nuchter blijven");
    let statement = funds.statement(&s.keeper, person, "test").await.unwrap();
    assert_eq!(statement.funds[0].spent_cents, 2_550);
    assert!(statement.orderable.iter().any(|i| i.id == nights.id), "priced entries are offered");
    assert!(!statement.orderable.iter().any(|i| i.id == unpriced.id), "unpriced ones are not");
    let report = funds.report(&s.keeper).await.unwrap();
    let line = report.by_intervention.iter().find(|l| l.name == "Nachtopvang").unwrap();
    assert_eq!((line.units, line.spent), (6, 2_550));

    // The database refuses an order whose amount is not its units times its unit cost.
    let forged = |amount: i64| {
        format!(
            "INSERT INTO fund_transfer (id, fund_id, kind, debit_code, credit_code, amount_cents, phase, goal, \
             description, needs_approval, at, member_id, agency_id, request, intervention_id, intervention_name, units, \
             unit_cost_cents) \
             SELECT {id}, fund_id, 'commit', debit_code, credit_code, {amount}, 'pending', goal, description, \
             needs_approval, at, member_id, agency_id, 'forged', intervention_id, intervention_name, 6, 425 \
             FROM fund_transfer WHERE kind = 'commit' AND units = 6",
            id = if store.backend() == "postgres" { "gen_random_uuid()" } else { "randomblob(16)" }
        )
    };
    assert!(execute(&store, &forged(999)).await.is_err(), "an order's amount is its units times its unit cost");
    execute(&store, &forged(2_550)).await.expect("the same row at its price is accepted: the check refused it");
}

on_both_backends!(an_order_is_priced_from_the_catalogue_and_kept_with_its_choice);
