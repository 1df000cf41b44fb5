use super::*;
use crate::jurisdiction::BeyondPack;
use crate::measures::ExclusionError;
use proptest::prelude::*;
use std::sync::LazyLock;
use uuid::Uuid;

static PACK: LazyLock<BeyondPack> = LazyLock::new(BeyondPack::nl);

fn context() -> ExclusionContext<'static> {
    ExclusionContext { rules: PACK.exclusion_order.as_ref().unwrap(), time_zone: &PACK.time_zone }
}
fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}
fn person(n: u128) -> PersonId {
    PersonId(Uuid::from_u128(n))
}
const EXCLUDED: u128 = 1;
const VICTIM: u128 = 2;
const CHILD: u128 = 3;

/// Imposed Friday 20 March 2026, 22:00 in Amsterdam (CET), so the clock crosses into summer time.
fn new_order() -> NewExclusionOrder {
    NewExclusionOrder {
        id: ExclusionOrderId(Uuid::from_u128(10)),
        excluded: person(EXCLUDED),
        victims: vec![person(VICTIM)],
        children: vec![person(CHILD)],
        address: "Dorpsstraat 1".into(),
        decision_ref: "HV-2026-014".into(),
        imposed_at: at("2026-03-20T21:00:00Z"),
    }
}
fn order() -> ExclusionOrder {
    ExclusionOrder::impose(new_order(), &context()).unwrap().0
}
fn extend(days: u16) -> OrderCommand {
    OrderCommand::Extend {
        to_total_days: days,
        decision_ref: "HV-2026-014-V".into(),
        without_advice_reason: "advies mondeling gegeven".into(),
    }
}

#[test]
fn imposing_starts_a_ten_day_clock_in_local_time() {
    let (order, effects) = ExclusionOrder::impose(new_order(), &context()).unwrap();
    assert_eq!(order.total_days, 10);
    // 30 March 22:00 CEST is 20:00 UTC: ten local days, not 240 hours.
    assert_eq!(order.ends_at(&context()), at("2026-03-30T20:00:00Z"));
    assert_eq!(order.advice_due_at(&context()), at("2026-03-28T21:00:00Z"));
    assert_eq!(order.help_due_at(&context()), at("2026-03-30T20:00:00Z"));
    assert!(effects.is_empty(), "the clock is read from the order's dates: nothing to schedule");
}

#[test]
fn imposing_checks_the_people_address_and_decision() {
    let check = |change: fn(&mut NewExclusionOrder), error: ExclusionError| {
        let mut new = new_order();
        change(&mut new);
        assert_eq!(ExclusionOrder::impose(new, &context()).unwrap_err(), error);
    };
    check(|n| n.victims.clear(), ExclusionError::NoVictims);
    check(|n| n.children.push(n.excluded), ExclusionError::ExcludedPersonProtected);
    check(|n| n.address = " ".into(), ExclusionError::MissingAddress);
    check(|n| n.decision_ref = String::new(), ExclusionError::MissingDecision);
}

#[test]
fn extension_up_to_four_weeks_moves_the_clock() {
    let now = at("2026-03-28T09:00:00Z");
    let (extended, effects) = order().apply(extend(28), &context(), now).unwrap();
    assert_eq!(extended.total_days, 28);
    assert_eq!(extended.ends_at(&context()), at("2026-04-17T20:00:00Z"));
    assert!(effects.is_empty());
    assert_eq!(extended.extensions.len(), 1);
}

#[test]
fn extension_past_the_legal_maximum_is_refused_with_the_statute() {
    let now = at("2026-03-28T09:00:00Z");
    let error = order().apply(extend(29), &context(), now).unwrap_err();
    assert!(matches!(&error, ExclusionError::ExtensionBeyondMaximum { requested: 29, maximum: 28, .. }));
    assert!(error.to_string().contains("Wet tijdelijk huisverbod"), "{error}");
    let (at_max, _) = order().apply(extend(20), &context(), now).unwrap();
    assert!(matches!(
        at_max.apply(extend(30), &context(), now).unwrap_err(),
        ExclusionError::ExtensionBeyondMaximum { .. }
    ));
}

#[test]
fn extension_must_lengthen_come_in_time_and_cite_a_decision() {
    let now = at("2026-03-28T09:00:00Z");
    assert_eq!(
        order().apply(extend(10), &context(), now).unwrap_err(),
        ExclusionError::ExtensionNotLonger { current: 10, requested: 10 }
    );
    let no_decision =
        OrderCommand::Extend { to_total_days: 20, decision_ref: " ".into(), without_advice_reason: "x".into() };
    assert_eq!(order().apply(no_decision, &context(), now).unwrap_err(), ExclusionError::MissingDecision);
    assert_eq!(
        order().apply(extend(20), &context(), at("2026-03-30T20:00:00Z")).unwrap_err(),
        ExclusionError::OrderEnded { ended_at: at("2026-03-30T20:00:00Z") }
    );
}

#[test]
fn lifting_and_expiry_end_the_order() {
    let now = at("2026-03-25T09:00:00Z");
    assert_eq!(
        order().apply(OrderCommand::Lift { reason: "".into() }, &context(), now).unwrap_err(),
        ExclusionError::LiftNeedsReason
    );
    let (lifted, effects) =
        order().apply(OrderCommand::Lift { reason: "court ruling".into() }, &context(), now).unwrap();
    assert!(matches!(lifted.status, OrderStatus::Lifted { .. }));
    assert!(matches!(&effects[0], ExclusionEffect::NotifyEnded { victims, .. } if victims == &vec![person(VICTIM)]));
    assert_eq!(lifted.apply(extend(20), &context(), now).unwrap_err(), ExclusionError::NotInForce);

    assert_eq!(
        order().apply(OrderCommand::Expire, &context(), now).unwrap_err(),
        ExclusionError::NotYetExpired { ends_at: at("2026-03-30T20:00:00Z") }
    );
    let (expired, _) = order().apply(OrderCommand::Expire, &context(), at("2026-03-30T20:00:00Z")).unwrap();
    assert_eq!(expired.status, OrderStatus::Expired);
}

#[test]
fn help_tasks_are_for_the_people_on_the_order_and_start_once() {
    let now = at("2026-03-21T09:00:00Z");
    let agency = AgencyId(Uuid::from_u128(50));
    let task = TaskId(Uuid::from_u128(60));
    let add = |who: u128, text: &str| OrderCommand::AddHelpTask {
        task,
        for_person: person(who),
        owner: agency,
        description: text.into(),
    };
    assert_eq!(
        order().apply(add(99, "x"), &context(), now).unwrap_err(),
        ExclusionError::HelpForSomeoneElse(person(99))
    );
    assert_eq!(order().apply(add(CHILD, " "), &context(), now).unwrap_err(), ExclusionError::EmptyHelpDescription);
    let (with_help, effects) = order().apply(add(CHILD, "youth care intake"), &context(), now).unwrap();
    assert_eq!(effects, vec![ExclusionEffect::HelpTaskAssigned { order: with_help.id, task, owner: agency }]);
    let (started, _) = with_help.apply(OrderCommand::RecordHelpStarted { task }, &context(), now).unwrap();
    let (again, _) =
        started.apply(OrderCommand::RecordHelpStarted { task }, &context(), at("2026-03-22T09:00:00Z")).unwrap();
    assert_eq!(again.help_tasks[0].started_at, Some(now), "the first start is kept");
    let unknown = TaskId(Uuid::from_u128(61));
    assert_eq!(
        again.apply(OrderCommand::RecordHelpStarted { task: unknown }, &context(), now).unwrap_err(),
        ExclusionError::UnknownHelpTask(unknown)
    );
}

#[test]
fn advice_is_recorded_once_written() {
    let now = at("2026-03-27T09:00:00Z");
    let empty = OrderCommand::RecordExtensionAdvice { advice: " ".into() };
    assert_eq!(order().apply(empty, &context(), now).unwrap_err(), ExclusionError::EmptyAdvice);
    let advice = OrderCommand::RecordExtensionAdvice { advice: "extend: risk remains high".into() };
    let (advised, _) = order().apply(advice, &context(), now).unwrap();
    assert!(
        !advised.warnings(&context(), now).iter().any(|w| matches!(w, ExclusionWarning::ExtensionAdviceDue { .. }))
    );
}

#[test]
fn warnings_come_before_the_advice_day_and_the_end() {
    let order = order();
    let early = order.warnings(&context(), at("2026-03-21T09:00:00Z"));
    assert_eq!(early, vec![ExclusionWarning::NoHelpArranged { due_at: at("2026-03-30T20:00:00Z") }]);
    let day_seven = order.warnings(&context(), at("2026-03-27T22:00:00Z"));
    assert!(day_seven.contains(&ExclusionWarning::ExtensionAdviceDue { due_at: at("2026-03-28T21:00:00Z") }));
    let day_nine = order.warnings(&context(), at("2026-03-29T09:00:00Z"));
    assert!(day_nine.contains(&ExclusionWarning::ExtensionAdviceOverdue { due_at: at("2026-03-28T21:00:00Z") }));
    assert!(day_nine.contains(&ExclusionWarning::EndsSoon { ends_at: at("2026-03-30T20:00:00Z") }));
    assert!(order.warnings(&context(), at("2026-03-30T20:00:00Z")).is_empty(), "an ended order warns no more");
}

#[test]
fn an_unstarted_help_task_warns_and_turns_overdue() {
    let task = TaskId(Uuid::from_u128(60));
    let (owner, description) = (AgencyId(Uuid::from_u128(50)), String::from("anger management intake"));
    let add = OrderCommand::AddHelpTask { task, for_person: person(EXCLUDED), owner, description: description.clone() };
    let (order, _) = order().apply(add, &context(), at("2026-03-21T09:00:00Z")).unwrap();
    let (order, _) = order.apply(extend(28), &context(), at("2026-03-28T09:00:00Z")).unwrap();
    let due_at = at("2026-03-30T20:00:00Z");
    assert_eq!(
        order.warnings(&context(), at("2026-03-24T09:00:00Z")),
        vec![ExclusionWarning::HelpNotStarted {
            task,
            owner,
            description: description.clone(),
            due_at,
            overdue: false
        }]
    );
    assert!(order.warnings(&context(), at("2026-04-01T09:00:00Z")).contains(&ExclusionWarning::HelpNotStarted {
        task,
        owner,
        description,
        due_at,
        overdue: true
    }));
}

proptest! {
    #[test]
    fn no_sequence_of_extensions_passes_the_legal_maximum(requests in proptest::collection::vec(0u16..60, 0..8), hour in 0i64..(24 * 9)) {
        let context = context();
        let mut order = order();
        let now = order.imposed_at.checked_add(jiff::SignedDuration::from_hours(hour)).unwrap();
        for days in requests {
            if let Ok((next, _)) = order.clone().apply(extend(days), &context, now) {
                order = next;
            }
            prop_assert!(order.total_days <= context.rules.max_total_days);
            let limit = order.imposed_at.to_zoned(context.time_zone.clone()).checked_add(28.days()).unwrap().timestamp();
            prop_assert!(order.ends_at(&context) <= limit);
        }
    }
}

#[test]
fn an_extension_needs_the_advice_or_a_reason_why_not() {
    let now = at("2026-03-28T09:00:00Z");
    let bare = OrderCommand::Extend { to_total_days: 20, decision_ref: "V".into(), without_advice_reason: " ".into() };
    assert_eq!(order().apply(bare.clone(), &context(), now).unwrap_err(), ExclusionError::ExtensionWithoutAdvice);
    let advised =
        order().apply(OrderCommand::RecordExtensionAdvice { advice: "verlengen".into() }, &context(), now).unwrap().0;
    let (extended, _) = advised.apply(bare, &context(), now).unwrap();
    assert_eq!((extended.total_days, extended.extensions[0].without_advice_reason.clone()), (20, None));
    let (without, _) = order().apply(extend(20), &context(), now).unwrap();
    assert_eq!(without.extensions[0].without_advice_reason.as_deref(), Some("advies mondeling gegeven"));
}

#[test]
fn a_second_identical_order_repeats_the_one_in_force() {
    let now = at("2026-03-22T09:00:00Z");
    let mut again = new_order();
    again.address = " dorpsstraat 1 ".into();
    assert!(order().repeated_by(&again, &context(), now));
    again.address = "Kerkstraat 2".into();
    assert!(!order().repeated_by(&again, &context(), now), "another address is another order");
    let lifted = order().apply(OrderCommand::Lift { reason: "weg".into() }, &context(), now).unwrap().0;
    assert!(!lifted.repeated_by(&new_order(), &context(), now), "a lifted order repeats nothing");
}

#[test]
fn the_victims_part_is_for_a_named_victim_with_wishes_not_dated_ahead() {
    let now = at("2026-03-22T09:00:00Z");
    let o = order();
    let voice = |victim, wishes: &str, on| VictimVoice {
        victim,
        wishes: wishes.into(),
        involvement: "wil meepraten".into(),
        spoken_by: crate::ids::MemberId::from_uuid(uuid::Uuid::nil()),
        agency: crate::ids::AgencyId::from_uuid(uuid::Uuid::nil()),
        spoken_on: on,
    };
    let today = jiff::civil::date(2026, 3, 22);
    let victim = o.victims[0];
    let record = |v| OrderCommand::RecordVictimVoice { voice: v };
    assert_eq!(
        o.clone().apply(record(voice(o.excluded, "rust", today)), &context(), now).unwrap_err(),
        ExclusionError::VoiceOfSomeoneElse
    );
    assert_eq!(
        o.clone().apply(record(voice(victim, " ", today)), &context(), now).unwrap_err(),
        ExclusionError::VoiceWithoutWishes
    );
    let tomorrow = jiff::civil::date(2026, 3, 23);
    assert_eq!(
        o.clone().apply(record(voice(victim, "rust", tomorrow)), &context(), now).unwrap_err(),
        ExclusionError::VoiceInTheFuture
    );
    let (heard, _) = o.apply(record(voice(victim, " rust en een slot op de deur ", today)), &context(), now).unwrap();
    assert_eq!(heard.victim_voices[0].wishes, "rust en een slot op de deur");
}
