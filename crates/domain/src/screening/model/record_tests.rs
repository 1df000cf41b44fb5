use super::*;
use crate::jurisdiction::BeyondPack;
use uuid::Uuid;

pub(crate) fn raw(entries: &[(&str, i64)]) -> RawScreening {
    RawScreening {
        id: ScreeningId(Uuid::from_u128(1)),
        person: PersonId(Uuid::from_u128(2)),
        screened_on: jiff::civil::date(2026, 3, 2),
        screened_by: MemberId(Uuid::from_u128(3)),
        agency: AgencyId(Uuid::from_u128(4)),
        entries: entries
            .iter()
            .map(|(domain, score)| RawDomainScore {
                domain: (*domain).to_owned(),
                score: *score,
                note: format!("note on {domain}"),
                source: "interview".to_owned(),
            })
            .collect(),
    }
}

/// All 13 Dutch domains, scored `score`, with some overrides.
pub(crate) fn full(score: i64, overrides: &[(&str, i64)]) -> RawScreening {
    let pack = BeyondPack::nl();
    let entries: Vec<(&str, i64)> = pack
        .screening
        .domains
        .iter()
        .map(|d| {
            let key = d.key.as_str();
            let over = overrides.iter().find(|(k, _)| *k == key).map(|(_, s)| *s);
            (key, over.unwrap_or(score))
        })
        .collect();
    raw(&entries)
}

pub(crate) fn parsed(score: i64, overrides: &[(&str, i64)]) -> Screening {
    Screening::parse(full(score, overrides), &BeyondPack::nl().screening, jiff::civil::date(2026, 3, 2)).unwrap()
}

fn parse(raw: RawScreening) -> Result<Screening, Vec<ScreeningError>> {
    Screening::parse(raw, &BeyondPack::nl().screening, jiff::civil::date(2026, 3, 2))
}

#[test]
fn a_complete_screening_parses_and_keeps_notes_and_sources() {
    let screening = parse(full(3, &[("housing", 1)])).unwrap();
    assert_eq!(screening.scores.len(), 13);
    assert_eq!(screening.score("housing"), Some(1));
    let housing = &screening.scores[&DomainKey::new("housing")];
    assert_eq!((housing.note.as_str(), housing.source.as_str()), ("note on housing", "interview"));
    assert_eq!(screening.problem_domains(2), vec![&DomainKey::new("housing")]);
}

#[test]
fn optional_domains_may_be_left_out() {
    let mut input = full(4, &[]);
    input.entries.retain(|e| e.domain != "community_participation" && e.domain != "household_and_paperwork");
    assert_eq!(parse(input).unwrap().scores.len(), 11);
}

#[test]
fn scores_outside_the_scale_are_rejected_per_domain() {
    let errors = parse(full(3, &[("housing", 0), ("addiction", 6), ("justice", -300)])).unwrap_err();
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert!(errors.contains(&ScreeningError::ScoreOutsideScale {
        domain: "addiction".into(),
        score: 6,
        lowest: 1,
        highest: 5
    }));
    assert_eq!(errors[0].to_string(), "housing: score 0 is outside the scale; choose 1 to 5");
}

#[test]
fn unknown_duplicate_and_missing_domains_are_named() {
    let mut input = full(3, &[]);
    input.entries.retain(|e| e.domain != "housing");
    input.entries.push(RawDomainScore {
        domain: "astrology".into(),
        score: 3,
        note: String::new(),
        source: "x".into(),
    });
    input.entries.push(input.entries[0].clone());
    let errors = parse(input).unwrap_err();
    assert_eq!(
        errors,
        vec![
            ScreeningError::UnknownDomain("astrology".into()),
            ScreeningError::DuplicateDomain("finances".into()),
            ScreeningError::MissingRequiredDomain(DomainKey::new("housing")),
        ]
    );
}

#[test]
fn a_source_is_required_and_the_date_may_not_be_in_the_future() {
    let mut input = full(3, &[]);
    input.entries[2].source = "  ".into();
    input.screened_on = jiff::civil::date(2026, 3, 3);
    let errors = parse(input).unwrap_err();
    assert_eq!(
        errors,
        vec![
            ScreeningError::DatedInTheFuture {
                screened_on: jiff::civil::date(2026, 3, 3),
                today: jiff::civil::date(2026, 3, 2)
            },
            ScreeningError::MissingSource("housing".into()),
        ]
    );
}
