use super::*;
use crate::ids::{CaseId, MemberId};
use crate::jurisdiction::vocabulary::LifeDomain;
use crate::screening::Signal;

fn referral(
    person: PersonId,
    minute: i64,
    reason: ReferralReason,
    advice: Option<ProbationAdvice>,
) -> ScreeningReferral {
    ScreeningReferral {
        person,
        case: CaseId::from_uuid(uuid::Uuid::now_v7()),
        location: "zsm-utrecht".into(),
        reason,
        advice,
        signals: vec![],
        referred_at: Timestamp::from_second(1_800_000_000 + minute * 60).unwrap(),
        referred_by: MemberId::from_uuid(uuid::Uuid::nil()),
    }
}

fn person(n: u128) -> PersonId {
    PersonId::from_uuid(uuid::Uuid::from_u128(n))
}

#[test]
fn a_person_referred_twice_is_one_line_and_the_most_urgent_comes_first() {
    let (a, b, c) = (person(1), person(2), person(3));
    let list = waiting_persons(vec![
        (referral(a, 0, ReferralReason::QuickScan, Some(ProbationAdvice::ScreeningAdvised)), "Anna".into()),
        (referral(b, 5, ReferralReason::CaseManagement, None), "Bert".into()),
        (referral(c, 9, ReferralReason::QuickScan, Some(ProbationAdvice::InterventionAdvised)), "Cor".into()),
        (referral(b, 1, ReferralReason::QuickScan, Some(ProbationAdvice::ScreeningAdvised)), "Bert".into()),
    ]);
    let order: Vec<&str> = list.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(order, ["Cor", "Bert", "Anna"]);
    assert_eq!(list[1].referrals.len(), 2, "Bert's two referrals on one line, oldest first");
    assert_eq!(list[1].waiting_since(), Some(Timestamp::from_second(1_800_000_060).unwrap()));
}

#[test]
fn among_equals_more_signals_then_the_longest_wait_come_first() {
    let (a, b, c) = (person(1), person(2), person(3));
    let mut with_signal = referral(c, 9, ReferralReason::QuickScan, None);
    with_signal.signals.push(Signal { domain: LifeDomain::Debt, note: String::new() });
    let list = waiting_persons(vec![
        (referral(a, 5, ReferralReason::QuickScan, None), "Anna".into()),
        (referral(b, 1, ReferralReason::QuickScan, None), "Bert".into()),
        (with_signal, "Cor".into()),
    ]);
    let order: Vec<&str> = list.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(order, ["Cor", "Bert", "Anna"]);
}

#[test]
fn the_search_matches_every_word_of_the_name() {
    let list = waiting_persons(vec![
        (referral(person(1), 0, ReferralReason::QuickScan, None), "Anna de Vries".into()),
        (referral(person(2), 0, ReferralReason::QuickScan, None), "Bert Vries".into()),
    ]);
    assert_eq!(matching(list.clone(), "  vries ").len(), 2);
    assert_eq!(matching(list.clone(), "anna VRIES").len(), 1);
    assert_eq!(matching(list, "").len(), 2);
}
