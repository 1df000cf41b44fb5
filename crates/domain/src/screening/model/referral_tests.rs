use super::*;
use crate::jurisdiction::BeyondPack;
use uuid::Uuid;

#[test]
fn prefill_puts_each_signal_on_the_mapped_domain_and_leaves_scores_to_the_screener() {
    let pack = BeyondPack::nl();
    let referral = ScreeningReferral {
        person: PersonId::from_uuid(Uuid::from_u128(1)),
        case: CaseId::from_uuid(Uuid::from_u128(42)),
        location: "zsm-utrecht".into(),
        reason: ReferralReason::QuickScan,
        advice: Some(ProbationAdvice::ScreeningAdvised),
        signals: vec![
            Signal { domain: LifeDomain::AlcoholAddiction, note: "drinks daily".into() },
            Signal { domain: LifeDomain::DrugAddiction, note: "cannabis".into() },
            Signal { domain: LifeDomain::Debt, note: "rent arrears".into() },
            Signal { domain: LifeDomain::Other, note: "not mapped".into() },
        ],
        referred_at: "2026-01-16T10:00:00Z".parse().unwrap(),
        referred_by: MemberId::from_uuid(Uuid::from_u128(5)),
    };
    let rows = prefill(&[referral], &pack.screening);
    let summary: Vec<(&str, &str)> = rows.iter().map(|r| (r.domain.as_str(), r.note.as_str())).collect();
    assert_eq!(summary, vec![("addiction", "drinks daily; cannabis"), ("finances", "rent arrears")]);
    assert!(rows.iter().all(|r| r.score.is_empty() && r.source == "ZSM zsm-utrecht 2026-01-16"));
}
