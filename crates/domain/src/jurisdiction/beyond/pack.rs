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
/// The Italian pack (Turin: the case table of the local network, *rete territoriale*).
pub const ITALY_PACK_TOML: &str = include_str!("../../../../../packs/beyond-italy.toml");

/// The shipped packs by jurisdiction code, the same codes as the ZSM packs (`SHIPPED_PACKS`).
pub const SHIPPED_BEYOND_PACKS: [(&str, &str); 3] =
    [("nl", NL_PACK_TOML), ("england-wales", ENGLAND_WALES_PACK_TOML), ("italy", ITALY_PACK_TOML)];

/// A language the pack carries texts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Nl,
    En,
    It,
}

/// A text in every language of the message catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Localized {
    pub nl: String,
    pub en: String,
    pub it: String,
}

impl Localized {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Nl => &self.nl,
            Lang::En => &self.en,
            Lang::It => &self.it,
        }
    }

    pub(crate) fn is_complete(&self) -> bool {
        [&self.nl, &self.en, &self.it].iter().all(|text| !text.trim().is_empty())
    }
}

/// What is wrong with a pack file; fix the file named in the message.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum PackError {
    #[error("no \"beyond the case\" pack is shipped for jurisdiction {0:?}")]
    UnknownPack(String),
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
    #[error("{0:?} needs a text in nl, en and it")]
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

    /// The shipped pack of a jurisdiction (`nl`, `england-wales`, `italy`).
    pub fn shipped(jurisdiction: &str) -> Result<Self, PackError> {
        let (_, text) = SHIPPED_BEYOND_PACKS
            .iter()
            .find(|(code, _)| *code == jurisdiction)
            .ok_or_else(|| PackError::UnknownPack(jurisdiction.to_owned()))?;
        Self::parse(text)
    }

    /// The shipped pack of a jurisdiction, parsed once per process (for a Safety House that
    /// names a pack other than the deployment's).
    pub fn shipped_static(jurisdiction: &str) -> Result<&'static Self, PackError> {
        static LOADED: std::sync::OnceLock<Vec<Result<BeyondPack, PackError>>> = std::sync::OnceLock::new();
        let loaded = LOADED.get_or_init(|| SHIPPED_BEYOND_PACKS.iter().map(|(_, text)| Self::parse(text)).collect());
        let index = SHIPPED_BEYOND_PACKS
            .iter()
            .position(|(code, _)| *code == jurisdiction)
            .ok_or_else(|| PackError::UnknownPack(jurisdiction.to_owned()))?;
        loaded[index].as_ref().map_err(|e| PackError::Syntax(e.to_string()))
    }

    /// The embedded Dutch pack; panics only if the shipped file is broken, which a test guards.
    pub fn nl() -> Self {
        Self::parse(NL_PACK_TOML).expect("embedded packs/beyond-nl.toml is valid")
    }

    /// The embedded England and Wales pack.
    pub fn england_wales() -> Self {
        Self::parse(ENGLAND_WALES_PACK_TOML).expect("embedded packs/beyond-england-wales.toml is valid")
    }

    /// The embedded Italian pack.
    pub fn italy() -> Self {
        Self::parse(ITALY_PACK_TOML).expect("embedded packs/beyond-italy.toml is valid")
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
        assert_eq!(pack.conference.persons_per_meeting, 5);
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

    #[test]
    fn every_zsm_pack_has_a_beyond_twin_of_its_jurisdiction() {
        for (code, _) in crate::jurisdiction::SHIPPED_PACKS {
            let pack = BeyondPack::shipped(code).unwrap_or_else(|e| panic!("{code}: {e}"));
            assert_eq!(pack.jurisdiction, code);
            let zsm = crate::jurisdiction::shipped_pack(code).unwrap();
            assert_eq!(pack.time_zone.iana_name(), Some(zsm.time_zone_name.as_str()), "{code}: one time zone");
        }
        assert_eq!(BeyondPack::shipped("atlantis").unwrap_err(), PackError::UnknownPack("atlantis".into()));
    }

    #[test]
    fn italy_pack_loads_with_its_own_domain_and_no_exclusion_order() {
        let pack = BeyondPack::italy();
        assert_eq!(pack.jurisdiction, "italy");
        assert_eq!(pack.time_zone.iana_name(), Some("Europe/Rome"));
        assert_eq!(pack.screening.domains.len(), 14);
        assert_eq!(pack.screening.scale[0].label.get(Lang::It), "Problema acuto");
        // The Italian counterparts of the huisverbod do not fit its figures (see the pack).
        assert!(pack.exclusion_order.is_none());
        assert!(pack.area_ban.expect("the Daspo urbano").statute.contains("d.l. 20 febbraio 2017, n. 14"));
    }

    #[test]
    fn a_label_without_italian_is_refused() {
        let broken = NL_PACK_TOML.replacen(", it = \"Problema acuto\"", "", 1);
        assert!(matches!(BeyondPack::parse(&broken), Err(PackError::Syntax(e)) if e.contains("missing field `it`")));
        let empty = NL_PACK_TOML.replacen("it = \"Problema acuto\"", "it = \" \"", 1);
        assert!(matches!(BeyondPack::parse(&empty), Err(PackError::MissingTranslation(_))));
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
        assert_eq!(nl_with("persons_per_meeting = 5", "persons_per_meeting = 0").unwrap_err(), PackError::ZeroQuota);
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
