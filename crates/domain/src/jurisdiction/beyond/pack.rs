//! The "beyond the case" jurisdiction pack: life domains and scale, triage calendar and
//! complex-case criteria, conference quota, plan review rhythm and the mayor's measures.
//!
//! Packs are data (`packs/beyond-*.toml`), embedded in the binary and validated here into typed
//! structs once at start, so a wrong pack fails loudly before anyone uses it.

use super::criteria::{ComplexCaseCriteria, TriageFlag};
use super::rules::{AreaBanRules, ConferenceRules, EpisodeRules, ExclusionOrderRules, PlanRules};
use super::screening::ScreeningConfig;
use super::triage_calendar::TriageCalendar;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The Dutch pack (Safety House / Zorg- en Veiligheidshuis).
pub const NL_PACK_TOML: &str = include_str!("../../../../../packs/beyond-nl.toml");
/// The England and Wales pack (IOM, multi-agency meetings).
pub const ENGLAND_WALES_PACK_TOML: &str = include_str!("../../../../../packs/beyond-england-wales.toml");

/// A language the pack carries texts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Nl,
    En,
}

/// A text in every language of the message catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Localized {
    pub nl: String,
    pub en: String,
}

impl Localized {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Nl => &self.nl,
            Lang::En => &self.en,
        }
    }

    pub(crate) fn is_complete(&self) -> bool {
        !self.nl.trim().is_empty() && !self.en.trim().is_empty()
    }
}

/// What is wrong with a pack file; fix the file named in the message.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum PackError {
    #[error("the pack is not valid TOML or has unexpected fields: {0}")]
    Syntax(String),
    #[error("unknown time zone {0:?}: use an IANA name such as \"Europe/Amsterdam\"")]
    UnknownTimeZone(String),
    #[error("the screening scale must run 1, 2, 3... without gaps; found {found:?}")]
    ScaleNotContiguous { found: Vec<u8> },
    #[error("the screening needs at least one life domain")]
    NoDomains,
    #[error("life domain {0:?} is listed twice")]
    DuplicateDomain(String),
    #[error("[screening.zsm_signals] maps {0:?}, which is not a ZSM quick-scan signal")]
    UnknownSignal(String),
    #[error("[screening.zsm_signals] maps to life domain {0:?}, which is not under [[screening.domains]]")]
    UnknownDomain(String),
    #[error("{0:?} needs a text in both nl and en")]
    MissingTranslation(String),
    #[error("triage cut-off time {0:?} is not a time of day like \"12:00\"")]
    BadCutoffTime(String),
    #[error("{0:?} is not a weekday; use monday..sunday")]
    UnknownWeekday(String),
    #[error("at least one triage weekday is needed")]
    NoTriageWeekdays,
    #[error("complex-case rule {rule:?} uses flag {flag:?}, which is not declared under [[triage.flags]]")]
    UndeclaredFlag { rule: String, flag: String },
    #[error("complex-case rule {rule:?} uses score {score}, which is not on the screening scale")]
    ScoreNotOnScale { rule: String, score: u8 },
    #[error("complex-case rule {0:?} has no conditions and would match everyone")]
    EmptyRule(String),
    #[error("the conference quota must be at least one person per meeting")]
    ZeroQuota,
    #[error("re-evaluation must come at least one month after activation")]
    ZeroReEvaluationPeriod,
    #[error("exclusion order figures are inconsistent: {0}")]
    ExclusionFigures(String),
    #[error("episode figures: max_weeks and max_contacts_per_week at least 1, max_total_weeks at least max_weeks")]
    EpisodeFigures,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPack {
    pack: RawHeader,
    screening: ScreeningConfig,
    triage: RawTriage,
    conference: ConferenceRules,
    plan: PlanRules,
    #[serde(default)]
    episode: EpisodeRules,
    exclusion_order: Option<ExclusionOrderRules>,
    area_ban: Option<AreaBanRules>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHeader {
    jurisdiction: String,
    time_zone: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTriage {
    triage_weekdays: Vec<String>,
    cutoff_local_time: String,
    cutoff_days_before: u8,
    flags: Vec<TriageFlag>,
    complex_case_rules: ComplexCaseCriteria,
}

/// A validated pack. Built only by [`BeyondPack::parse`].
#[derive(Debug, Clone)]
pub struct BeyondPack {
    pub jurisdiction: String,
    pub time_zone: TimeZone,
    pub screening: ScreeningConfig,
    pub triage_calendar: TriageCalendar,
    pub triage_flags: Vec<TriageFlag>,
    pub complex_case_criteria: ComplexCaseCriteria,
    pub conference: ConferenceRules,
    pub plan: PlanRules,
    pub episode: EpisodeRules,
    /// `None` where the jurisdiction has no mayor's exclusion order.
    pub exclusion_order: Option<ExclusionOrderRules>,
    pub area_ban: Option<AreaBanRules>,
}

impl BeyondPack {
    pub fn parse(toml_text: &str) -> Result<Self, PackError> {
        let raw: RawPack = toml::from_str(toml_text).map_err(|e| PackError::Syntax(e.to_string()))?;
        let time_zone =
            TimeZone::get(&raw.pack.time_zone).map_err(|_| PackError::UnknownTimeZone(raw.pack.time_zone.clone()))?;
        raw.screening.validate()?;
        for flag in &raw.triage.flags {
            if !flag.label.is_complete() {
                return Err(PackError::MissingTranslation(flag.key.clone()));
            }
        }
        raw.triage.complex_case_rules.validate(&raw.triage.flags, &raw.screening)?;
        let triage_calendar = TriageCalendar::from_config(
            time_zone.clone(),
            &raw.triage.triage_weekdays,
            &raw.triage.cutoff_local_time,
            raw.triage.cutoff_days_before,
        )?;
        raw.conference.validate()?;
        raw.plan.validate()?;
        raw.episode.validate()?;
        if let Some(rules) = &raw.exclusion_order {
            rules.validate()?;
        }
        Ok(Self {
            jurisdiction: raw.pack.jurisdiction,
            time_zone,
            screening: raw.screening,
            triage_calendar,
            triage_flags: raw.triage.flags,
            complex_case_criteria: raw.triage.complex_case_rules,
            conference: raw.conference,
            plan: raw.plan,
            episode: raw.episode,
            exclusion_order: raw.exclusion_order,
            area_ban: raw.area_ban,
        })
    }

    /// The embedded Dutch pack; panics only if the shipped file is broken, which a test guards.
    pub fn nl() -> Self {
        Self::parse(NL_PACK_TOML).expect("embedded packs/beyond-nl.toml is valid")
    }

    /// The embedded England and Wales pack.
    pub fn england_wales() -> Self {
        Self::parse(ENGLAND_WALES_PACK_TOML).expect("embedded packs/beyond-england-wales.toml is valid")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dutch_pack_loads_with_thirteen_domains_and_the_five_point_scale() {
        let pack = BeyondPack::nl();
        assert_eq!(pack.jurisdiction, "nl");
        assert_eq!(pack.screening.domains.len(), 13);
        let scale: Vec<u8> = pack.screening.scale.iter().map(|l| l.value).collect();
        assert_eq!(scale, vec![1, 2, 3, 4, 5]);
        assert_eq!(pack.screening.scale[0].label.get(Lang::En), "Acute problem");
        assert_eq!(pack.complex_case_criteria.rules.len(), 2);
        assert_eq!(pack.conference.persons_per_day, 5);
        let order = pack.exclusion_order.expect("NL has the huisverbod");
        assert_eq!((order.initial_days, order.max_total_days, order.extension_advice_day), (10, 28, 8));
        assert!(order.statute.contains("Wet tijdelijk huisverbod"));
    }

    #[test]
    fn england_wales_pack_loads() {
        let pack = BeyondPack::england_wales();
        assert_eq!(pack.jurisdiction, "england-wales");
        assert_eq!(pack.time_zone.iana_name(), Some("Europe/London"));
        assert!(pack.screening.domains.len() >= 10);
    }

    fn nl_with(from: &str, to: &str) -> Result<BeyondPack, PackError> {
        assert!(NL_PACK_TOML.contains(from), "test edits a line that exists: {from}");
        BeyondPack::parse(&NL_PACK_TOML.replacen(from, to, 1))
    }

    #[test]
    fn bad_packs_are_rejected_with_a_specific_error() {
        assert_eq!(
            nl_with("Europe/Amsterdam", "Europe/Atlantis").unwrap_err(),
            PackError::UnknownTimeZone("Europe/Atlantis".into())
        );
        assert_eq!(
            nl_with("value = 3", "value = 7").unwrap_err(),
            PackError::ScaleNotContiguous { found: vec![1, 2, 7, 4, 5] }
        );
        assert_eq!(
            nl_with("key = \"self_care\"", "key = \"housing\"").unwrap_err(),
            PackError::DuplicateDomain("housing".into())
        );
        assert_eq!(
            nl_with("flag = \"care_and_enforcement_needed\"", "flag = \"moon_phase\"").unwrap_err(),
            PackError::UndeclaredFlag { rule: "complex_multi_problem".into(), flag: "moon_phase".into() }
        );
        assert_eq!(
            nl_with("at_most_score = 2", "at_most_score = 9").unwrap_err(),
            PackError::ScoreNotOnScale { rule: "complex_multi_problem".into(), score: 9 }
        );
        assert_eq!(
            nl_with("cutoff_local_time = \"12:00\"", "cutoff_local_time = \"noonish\"").unwrap_err(),
            PackError::BadCutoffTime("noonish".into())
        );
        assert_eq!(
            nl_with("[\"tuesday\", \"thursday\"]", "[\"tuesday\", \"caturday\"]").unwrap_err(),
            PackError::UnknownWeekday("caturday".into())
        );
        assert_eq!(nl_with("persons_per_day = 5", "persons_per_day = 0").unwrap_err(), PackError::ZeroQuota);
        assert!(matches!(
            nl_with("max_total_days = 28", "max_total_days = 5").unwrap_err(),
            PackError::ExclusionFigures(_)
        ));
        assert!(matches!(nl_with("[plan]", "[plan]\nsurprise = 1").unwrap_err(), PackError::Syntax(_)));
    }

    #[test]
    fn a_pack_mapping_a_signal_to_an_unknown_domain_is_refused() {
        let broken = NL_PACK_TOML.replace("housing = \"housing\"", "housing = \"shelter\"");
        assert!(matches!(BeyondPack::parse(&broken), Err(PackError::UnknownDomain(d)) if d == "shelter"));
        let broken = NL_PACK_TOML.replace("debt = \"finances\"", "debts = \"finances\"");
        assert!(matches!(BeyondPack::parse(&broken), Err(PackError::UnknownSignal(s)) if s == "debts"));
    }
}
