use super::*;
use crate::jurisdiction::{AuthorityRole, ClockSpan, ParameterCode};

#[test]
fn every_shipped_pack_loads() {
    for (name, text) in SHIPPED_PACKS {
        let pack =
            JurisdictionPack::parse(name, text).unwrap_or_else(|error| panic!("pack {name} does not load: {error}"));
        assert_eq!(pack.code, name);
        assert!(!pack.clocks.is_empty() && !pack.disposals.is_empty());
        assert!(shipped_pack(name).is_ok());
    }
}

#[test]
fn nl_pack_carries_the_statutory_limits() {
    let nl = shipped_pack("nl").unwrap();
    assert_eq!(nl.time_zone_name, "Europe/Amsterdam");
    let ophouden = nl.clock(&"ophouden_voor_onderzoek".into()).unwrap();
    let serious = [CaseFact::PretrialDetentionAllowed].into_iter().collect();
    assert_eq!(ophouden.base_length(&serious), ClockSpan::hours(9));
    assert_eq!(ophouden.base_length(&BTreeSet::new()), ClockSpan::hours(6));
    let judge = nl.clock(&"voorgeleiding_rechter_commissaris".into()).unwrap();
    assert_eq!(judge.base_length(&BTreeSet::new()), ClockSpan { days: 3, hours: 18 });
    let penalty = nl.disposal(&"penalty_order".into()).unwrap();
    let hours = penalty.parameter(&ParameterCode::from("community_service_hours")).unwrap();
    assert!(matches!(hours.value, ParameterKind::Integer { max: Some(180), .. }));
    assert_eq!(penalty.obligations.as_ref().unwrap().max_period_months, 12);
    let huisverbod = nl.clock(&"tijdelijk_huisverbod".into()).unwrap();
    assert_eq!(huisverbod.milestones[0].after, ClockSpan::days(8));
}

#[test]
fn unknown_pack_and_unknown_disposal_are_named() {
    assert_eq!(shipped_pack("atlantis").unwrap_err(), JurisdictionError::UnknownPack("atlantis".into()));
    let nl = shipped_pack("nl").unwrap();
    assert!(matches!(
        nl.disposal(&"flogging".into()),
        Err(JurisdictionError::UnknownDisposal { code }) if code == "flogging"
    ));
}

fn nl_with(edit: impl Fn(&str) -> String) -> Result<JurisdictionPack, JurisdictionError> {
    JurisdictionPack::parse("edited", &edit(NL))
}

fn problem(result: Result<JurisdictionPack, JurisdictionError>) -> String {
    match result {
        Err(JurisdictionError::InvalidPack { problem, .. }) => problem,
        other => panic!("expected an inconsistent pack, got {other:?}"),
    }
}

#[test]
fn syntax_errors_name_the_pack() {
    let error = JurisdictionPack::parse("broken", "code = ").unwrap_err();
    assert!(matches!(error, JurisdictionError::PackSyntax { pack, .. } if pack == "broken"));
}

#[test]
fn unknown_time_zone_is_rejected() {
    let problem = problem(nl_with(|t| t.replace("Europe/Amsterdam", "Europe/Atlantis")));
    assert!(problem.contains("Europe/Atlantis"), "{problem}");
}

#[test]
fn unknown_role_is_a_syntax_error_not_a_silent_rule() {
    let result = nl_with(|t| t.replace("granted_by = [\"prosecutor\"]", "granted_by = [\"janitor\"]"));
    assert!(matches!(result, Err(JurisdictionError::PackSyntax { .. })));
}

#[test]
fn inconsistencies_are_reported_in_words() {
    let cases: [(&str, &str, &str); 6] = [
        ("clock = \"ophouden_voor_onderzoek\"", "clock = \"nope\"", "ZSM target follows clock `nope`"),
        ("{ hours = 6 },", "{ when = \"has_victims\", hours = 6 },", "default"),
        ("until = \"09:00\"", "until = \"00:00\"", "window must start before"),
        ("max = 180", "max = 0", "`community_service_hours` has max below min"),
        (
            "\"duty_to_report\", \"treatment\"], max_period_months = 12",
            "\"duty_to_report\", \"curfew\"], max_period_months = 12",
            "obligation kind `curfew` is not defined",
        ),
        ("code = \"fine_cents\"", "code = \"penalty_cents\"", "unknown parameter `fine_cents`"),
    ];
    for (from, to, expected) in cases {
        assert!(NL.contains(from), "test edit `{from}` no longer matches the pack");
        let problem = problem(nl_with(|t| t.replacen(from, to, 1)));
        assert!(problem.contains(expected), "{problem} should mention {expected}");
    }
}

#[test]
fn thresholds_are_ordered_mildest_first() {
    let nl = shipped_pack("nl").unwrap();
    assert_eq!(nl.warning_thresholds, vec![SignedDuration::from_mins(120), SignedDuration::from_mins(30)]);
    let huisverbod = nl.clock(&"tijdelijk_huisverbod".into()).unwrap();
    assert_eq!(nl.thresholds_for(huisverbod)[0], SignedDuration::from_hours(48));
}

#[test]
fn bundled_time_zone_database_is_there_as_a_fallback() {
    // Machines without /usr/share/zoneinfo use the copy bundled by jiff's `tzdb-bundle-always`.
    let bundled = jiff::tz::TimeZoneDatabase::bundled();
    for pack in SHIPPED_PACKS.map(|(name, _)| shipped_pack(name).unwrap()) {
        assert!(bundled.get(&pack.time_zone_name).is_ok(), "{}", pack.time_zone_name);
    }
}

#[test]
fn order_clocks_name_who_may_order_them() {
    let custody = shipped_pack("nl").unwrap().clock(&"inverzekeringstelling".into()).unwrap();
    assert_eq!(custody.ordered_by, vec![AuthorityRole::AssistantProsecutor, AuthorityRole::Prosecutor]);
    assert_eq!(custody.only_when, Some(CaseFact::PretrialDetentionAllowed));
    assert_eq!(custody.supersedes, Some("ophouden_voor_onderzoek".into()));
    let unordered = nl_with(|pack| pack.replace("ordered_by = [\"assistant_prosecutor\", \"prosecutor\"]\n", ""));
    assert!(problem(unordered).contains("needs ordered_by"));
    let self_ordered =
        nl_with(|pack| pack.replace("starts_at = \"arrest\"\n", "starts_at = \"arrest\"\nordered_by = [\"mayor\"]\n"));
    assert!(problem(self_ordered).contains("apply only to clocks that start at an order"));
    let unknown = nl_with(|pack| pack.replace("supersedes = \"ophouden_voor_onderzoek\"", "supersedes = \"curfew\""));
    assert!(problem(unknown).contains("supersedes `curfew`"));
}

#[test]
fn every_name_is_required_in_italian_too() {
    let clock_it = "name_it = \"Trattenimento per indagini (ophouden voor onderzoek)\"";
    assert!(NL.contains(clock_it), "test edit `{clock_it}` no longer matches the pack");
    let missing = nl_with(|t| t.replacen(&format!("{clock_it}\n"), "", 1));
    assert!(matches!(missing, Err(JurisdictionError::PackSyntax { message, .. }) if message.contains("name_it")));
    let empty = problem(nl_with(|t| t.replacen(clock_it, "name_it = \" \"", 1)));
    assert!(empty.contains("ophouden_voor_onderzoek needs a name in nl, en and it"), "{empty}");
}

#[test]
fn a_pack_in_a_location_s_own_zone_is_the_same_pack_in_that_zone() {
    let home = super::shipped_pack("england-wales").unwrap();
    assert!(std::ptr::eq(super::shipped_pack_in_zone("england-wales", None).unwrap(), home));
    assert!(std::ptr::eq(super::shipped_pack_in_zone("england-wales", Some("Europe/London")).unwrap(), home));
    let brussels = super::shipped_pack_in_zone("england-wales", Some("Europe/Brussels")).unwrap();
    assert_eq!(brussels.time_zone_name, "Europe/Brussels");
    assert_eq!(brussels.clocks.len(), home.clocks.len());
    assert!(std::ptr::eq(brussels, super::shipped_pack_in_zone("england-wales", Some("Europe/Brussels")).unwrap()));
    assert!(matches!(
        super::shipped_pack_in_zone("england-wales", Some("Mars/Olympus")),
        Err(super::JurisdictionError::UnknownTimeZone(_))
    ));
}

#[test]
fn the_italian_pack_says_where_its_legal_texts_come_from() {
    use crate::jurisdiction::Wording;
    let italy = super::shipped_pack("italy").unwrap();
    let wording = |cites: &str| italy.sources.iter().find(|s| s.cites == cites).map(|s| s.wording);
    assert_eq!(wording("art. 390 c. 1-3 c.p.p."), Some(Wording::Reproduction));
    assert_eq!(wording("art. 391 c. 1 e 7 c.p.p."), Some(Wording::Reproduction));
    assert_eq!(wording("art. 28 c. 1-2 D.P.R. 448/1988"), Some(Wording::Reproduction));
    assert_eq!(wording("art. 28 c. 5-bis D.P.R. 448/1988"), Some(Wording::UnverifiedParaphrase));
    // A wording said to be checked names the copies read and when.
    let unsourced =
        nl_with(|t| format!("{t}\n[[sources]]\ncites = \"art. 52a Sv\"\nwording = \"official\"\nnote = \"x\"\n"));
    assert!(problem(unsourced).contains("source `art. 52a Sv`"));
}
