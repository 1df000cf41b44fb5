//! A jurisdiction pack: one TOML file in `packs/`, embedded in the binary, parsed into typed
//! structs and checked for consistency at load. A pack that does not load is a deployment error;
//! the test `every_shipped_pack_loads` keeps that from reaching production.

use jiff::SignedDuration;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use super::clock_rules::{ClockAnchor, ClockDefinition, Computation};
use super::disposals::{DisposalDefinition, ObligationKind, ParameterKind};
use super::error::JurisdictionError;
use super::named::Named;
use super::sources::{StatuteSource, check_source};
use super::vocabulary::{CaseFact, ClockCode, ContributionState, DisposalCode, ObligationKindCode, Partner};

const NL: &str = include_str!("../../../../packs/nl.toml");
const ENGLAND_WALES: &str = include_str!("../../../../packs/england-wales.toml");
const ITALY: &str = include_str!("../../../../packs/italy.toml");

/// The packs shipped with desist: `(code, TOML text)`.
pub const SHIPPED_PACKS: [(&str, &str); 3] = [("nl", NL), ("england-wales", ENGLAND_WALES), ("italy", ITALY)];

/// Which clock the ZSM decision target follows (e.g. decide within the *ophouden* period).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZsmTarget {
    pub clock: ClockCode,
    pub description_nl: String,
    pub description_en: String,
    pub description_it: String,
}

/// How a partner's contribution starts when a case is registered. With `only_when`, the partner
/// is `not_needed` unless the case fact holds (e.g. the child protection board for minors).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TablePartner {
    pub partner: Partner,
    pub initially: ContributionState,
    pub only_when: Option<CaseFact>,
}

/// The statute on which an agency at the table joins a suspect's case team at intake, by agency
/// kind (`police`, `defence`, ...), with the one for every other partner at the table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamBasis {
    pub default: String,
    #[serde(default)]
    pub agencies: BTreeMap<String, String>,
}

impl TeamBasis {
    /// The statute for an agency of kind `code`.
    pub fn for_agency(&self, code: &str) -> &str {
        self.agencies.get(code).unwrap_or(&self.default)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct WarningSection {
    thresholds_minutes: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct TableSection {
    partners: Vec<TablePartner>,
}

/// The file as written; becomes a [`JurisdictionPack`] only after [`JurisdictionPack::parse`]
/// has resolved the time zone and checked every cross-reference.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct PackFile {
    code: String,
    name_nl: String,
    name_en: String,
    name_it: String,
    legal_code: String,
    time_zone: String,
    warnings: WarningSection,
    zsm_target: ZsmTarget,
    table: TableSection,
    clocks: Vec<ClockDefinition>,
    disposals: Vec<DisposalDefinition>,
    #[serde(default)]
    obligation_kinds: Vec<ObligationKind>,
    team_basis: TeamBasis,
    #[serde(default)]
    vocabulary: BTreeMap<String, String>,
    #[serde(default)]
    sources: Vec<StatuteSource>,
}

/// A loaded, consistent jurisdiction pack.
#[derive(Debug, Clone)]
pub struct JurisdictionPack {
    pub code: String,
    pub name_nl: String,
    pub name_en: String,
    pub name_it: String,
    pub legal_code: String,
    pub time_zone_name: String,
    pub time_zone: TimeZone,
    /// Minutes before a deadline at which the board warns, most distant first.
    pub warning_thresholds: Vec<SignedDuration>,
    pub zsm_target: ZsmTarget,
    pub table_partners: Vec<TablePartner>,
    pub clocks: Vec<ClockDefinition>,
    pub disposals: Vec<DisposalDefinition>,
    pub obligation_kinds: Vec<ObligationKind>,
    pub team_basis: TeamBasis,
    /// Message keys this jurisdiction words its own way, each to the key read instead: at an
    /// England and Wales custody suite "ZSM table" reads "custody suite" and a deadline is in
    /// London time. The pages apply it; the keys are checked against the catalogue by its test.
    pub vocabulary: BTreeMap<String, String>,
    /// Where the wording of the provisions the pack cites was checked, or that it was not.
    pub sources: Vec<StatuteSource>,
}

impl JurisdictionPack {
    /// Parses and validates pack text. `name` is used in error messages only.
    pub fn parse(name: &str, text: &str) -> Result<Self, JurisdictionError> {
        let file: PackFile = toml::from_str(text)
            .map_err(|error| JurisdictionError::PackSyntax { pack: name.to_owned(), message: error.to_string() })?;
        let invalid = |problem: String| JurisdictionError::InvalidPack { pack: name.to_owned(), problem };
        let time_zone = jiff::tz::db()
            .get(&file.time_zone)
            .map_err(|_| invalid(format!("time zone `{}` is not in the time zone database", file.time_zone)))?;
        let pack = JurisdictionPack {
            code: file.code,
            name_nl: file.name_nl,
            name_en: file.name_en,
            name_it: file.name_it,
            legal_code: file.legal_code,
            time_zone_name: file.time_zone,
            time_zone,
            warning_thresholds: thresholds(&file.warnings.thresholds_minutes),
            zsm_target: file.zsm_target,
            table_partners: file.table.partners,
            clocks: file.clocks,
            disposals: file.disposals,
            obligation_kinds: file.obligation_kinds,
            team_basis: file.team_basis,
            vocabulary: file.vocabulary,
            sources: file.sources,
        };
        if file.warnings.thresholds_minutes.is_empty() || file.warnings.thresholds_minutes.contains(&0) {
            return Err(invalid("warning thresholds must be non-empty and above zero".into()));
        }
        pack.check().map_err(invalid)?;
        Ok(pack)
    }

    pub fn clock(&self, code: &ClockCode) -> Result<&ClockDefinition, JurisdictionError> {
        self.clocks
            .iter()
            .find(|clock| &clock.code == code)
            .ok_or_else(|| JurisdictionError::UnknownClock(code.to_string()))
    }

    pub fn disposal(&self, code: &DisposalCode) -> Result<&DisposalDefinition, JurisdictionError> {
        self.disposals
            .iter()
            .find(|disposal| &disposal.code == code)
            .ok_or_else(|| JurisdictionError::UnknownDisposal { code: code.to_string() })
    }

    pub fn obligation_kind(&self, code: &ObligationKindCode) -> Option<&ObligationKind> {
        self.obligation_kinds.iter().find(|kind| &kind.code == code)
    }

    /// The warning thresholds for one clock: its own override or the pack's.
    pub fn thresholds_for(&self, clock: &ClockDefinition) -> Vec<SignedDuration> {
        clock.warning_thresholds_minutes.as_deref().map(thresholds).unwrap_or_else(|| self.warning_thresholds.clone())
    }

    /// Every cross-reference and limit a pack author can get wrong, as one readable problem.
    fn check(&self) -> Result<(), String> {
        self.check_texts()?;
        self.sources.iter().try_for_each(check_source)?;
        unique("clock", self.clocks.iter().map(|c| c.code.as_str()))?;
        unique("disposal", self.disposals.iter().map(|d| d.code.as_str()))?;
        unique("obligation kind", self.obligation_kinds.iter().map(|k| k.code.as_str()))?;
        unique("table partner", self.table_partners.iter().map(|p| p.partner.code()))?;
        if self.clock(&self.zsm_target.clock).is_err() {
            return Err(format!(
                "the ZSM target follows clock `{}`, which the pack does not define",
                self.zsm_target.clock
            ));
        }
        self.clocks.iter().try_for_each(check_clock)?;
        for clock in &self.clocks {
            if let Some(superseded) = &clock.supersedes
                && (superseded == &clock.code || self.clock(superseded).is_err())
            {
                return Err(format!("clock `{}` supersedes `{superseded}`, which is not another clock", clock.code));
            }
        }
        self.disposals.iter().try_for_each(|disposal| self.check_disposal(disposal))
    }

    /// Every name is read by someone in each language; an empty one would show as a blank
    /// button or heading, so it is a load error like a missing one.
    fn check_texts(&self) -> Result<(), String> {
        let mut named: Vec<(&str, &dyn Named)> = vec![("the pack", self), ("the ZSM target", &self.zsm_target)];
        for clock in &self.clocks {
            named.push((clock.code.as_str(), clock));
            named.extend(clock.extensions.iter().map(|e| (e.code.as_str(), e as &dyn Named)));
            named.extend(clock.milestones.iter().map(|m| (m.code.as_str(), m as &dyn Named)));
        }
        named.extend(self.obligation_kinds.iter().map(|k| (k.code.as_str(), k as &dyn Named)));
        for disposal in &self.disposals {
            named.push((disposal.code.as_str(), disposal));
            for parameter in &disposal.parameters {
                named.push((parameter.code.as_str(), parameter));
                if let ParameterKind::Choice { options } = &parameter.value {
                    named.extend(options.iter().map(|o| (o.code.as_str(), o as &dyn Named)));
                }
            }
        }
        match named.into_iter().find(|(_, item)| item.names().iter().any(|text| text.trim().is_empty())) {
            Some((what, _)) => Err(format!("{what} needs a name in nl, en and it")),
            None => Ok(()),
        }
    }

    fn check_disposal(&self, disposal: &DisposalDefinition) -> Result<(), String> {
        let at = |problem: String| format!("disposal `{}`: {problem}", disposal.code);
        unique("parameter", disposal.parameters.iter().map(|p| p.code.as_str())).map_err(at)?;
        let kind_of = |code: &str| disposal.parameters.iter().find(|p| p.code.as_str() == code).map(|p| &p.value);
        for parameter in &disposal.parameters {
            match &parameter.value {
                ParameterKind::Integer { min, max, .. } if max.is_some_and(|max| max < *min) => {
                    return Err(at(format!("`{}` has max below min", parameter.code)));
                }
                ParameterKind::Money { min_cents, max_cents }
                    if *min_cents < 0 || max_cents.is_some_and(|max| max < *min_cents) =>
                {
                    return Err(at(format!("`{}` needs 0 <= min_cents <= max_cents", parameter.code)));
                }
                ParameterKind::Choice { options } => {
                    if options.is_empty() {
                        return Err(at(format!("choice `{}` has no options", parameter.code)));
                    }
                    for option in options {
                        if let Some(date) = &option.date_parameter {
                            if kind_of(date.as_str()) != Some(&ParameterKind::Date) {
                                return Err(at(format!(
                                    "option `{}` refers to `{date}`, which is not a date parameter",
                                    option.code
                                )));
                            }
                            if option.within_days.is_none_or(|[min, max]| min > max) {
                                return Err(at(format!("option `{}` needs within_days = [min, max]", option.code)));
                            }
                        }
                        if let Some(flag) = &option.requires_flag
                            && kind_of(flag.as_str()) != Some(&ParameterKind::Flag)
                        {
                            return Err(at(format!(
                                "option `{}` requires `{flag}`, which is not a flag parameter",
                                option.code
                            )));
                        }
                    }
                }
                _ => {}
            }
        }
        for requirement in &disposal.requires {
            let named = requirement
                .when_any_parameter
                .iter()
                .chain(requirement.when_sum_above.iter().flat_map(|sum| sum.parameters.iter()));
            for code in named {
                if kind_of(code.as_str()).is_none() {
                    return Err(at(format!(
                        "requirement for {} names unknown parameter `{code}`",
                        requirement.partner
                    )));
                }
            }
            if let Some(sum) = &requirement.when_sum_above
                && !sum
                    .parameters
                    .iter()
                    .all(|code| matches!(kind_of(code.as_str()), Some(ParameterKind::Money { .. })))
            {
                return Err(at("when_sum_above may only add money parameters".into()));
            }
        }
        if let Some(rules) = &disposal.obligations {
            if rules.max_period_months == 0 || rules.allowed.is_empty() {
                return Err(at("obligations need allowed kinds and a period above zero".into()));
            }
            if let Some(kind) = rules.allowed.iter().find(|kind| self.obligation_kind(kind).is_none()) {
                return Err(at(format!("obligation kind `{kind}` is not defined")));
            }
        }
        Ok(())
    }
}

fn check_clock(clock: &ClockDefinition) -> Result<(), String> {
    let at = |problem: String| format!("clock `{}`: {problem}", clock.code);
    match clock.durations.last() {
        Some(last) if last.when.is_none() => {}
        _ => {
            return Err(at("the last duration must be the default (without `when`)".into()));
        }
    }
    if clock.durations.iter().any(|rule| rule.span().is_zero()) {
        return Err(at("every duration must be longer than zero".into()));
    }
    if let Computation::CountedHours { not_counted } = &clock.computation {
        if not_counted.from >= not_counted.until {
            return Err(at("the not-counted window must start before it ends".into()));
        }
        let spans = clock
            .durations
            .iter()
            .map(|rule| rule.span())
            .chain(clock.extensions.iter().flat_map(|e| e.max_add.into_iter().chain(e.up_to_total)));
        if spans.into_iter().any(|span| span.days != 0) {
            return Err(at("counted-hours clocks are written in hours, not days".into()));
        }
    }
    let by_order = clock.starts_at == ClockAnchor::Order;
    if by_order && clock.ordered_by.is_empty() {
        return Err(at("a clock started by an order needs ordered_by (who may give the order)".into()));
    }
    if !by_order && (!clock.ordered_by.is_empty() || clock.only_when.is_some() || clock.supersedes.is_some()) {
        return Err(at("ordered_by, only_when and supersedes apply only to clocks that start at an order".into()));
    }
    unique("extension", clock.extensions.iter().map(|e| e.code.as_str())).map_err(at)?;
    for extension in &clock.extensions {
        if extension.granted_by.is_empty() || extension.max_times == 0 {
            return Err(at(format!("extension `{}` needs granted_by and max_times >= 1", extension.code)));
        }
        if extension.max_add.is_none() && extension.up_to_total.is_none() {
            return Err(at(format!("extension `{}` needs max_add or up_to_total", extension.code)));
        }
        if let Some(prior) = &extension.requires_prior
            && clock.extension(prior).is_none()
        {
            return Err(at(format!("extension `{}` requires unknown extension `{prior}`", extension.code)));
        }
    }
    if clock.warning_thresholds_minutes.as_ref().is_some_and(|t| t.is_empty() || t.contains(&0)) {
        return Err(at("warning thresholds must be non-empty and above zero".into()));
    }
    Ok(())
}

fn unique<'a>(what: &str, codes: impl Iterator<Item = &'a str>) -> Result<(), String> {
    let mut seen = BTreeSet::new();
    for code in codes {
        if !seen.insert(code) {
            return Err(format!("{what} `{code}` is defined twice"));
        }
    }
    Ok(())
}

/// Thresholds as durations, most distant first, so the first one reached is the mildest.
fn thresholds(minutes: &[u32]) -> Vec<SignedDuration> {
    let mut sorted: Vec<u32> = minutes.to_vec();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    sorted.dedup();
    sorted.into_iter().map(|m| SignedDuration::from_mins(i64::from(m))).collect()
}

/// A shipped pack by code (`nl`, `england-wales`, `italy`), parsed once per process.
pub fn shipped_pack(code: &str) -> Result<&'static JurisdictionPack, JurisdictionError> {
    static LOADED: OnceLock<Vec<Result<JurisdictionPack, JurisdictionError>>> = OnceLock::new();
    let loaded =
        LOADED.get_or_init(|| SHIPPED_PACKS.iter().map(|(name, text)| JurisdictionPack::parse(name, text)).collect());
    let index = SHIPPED_PACKS
        .iter()
        .position(|(name, _)| *name == code)
        .ok_or_else(|| JurisdictionError::UnknownPack(code.to_owned()))?;
    loaded[index].as_ref().map_err(Clone::clone)
}

/// A shipped pack as a location keeps it: its clocks, dates and headings in the location's own
/// time zone when it names one (a custody suite in Cardiff and one in Liverpool share a pack but
/// a Dutch pack could serve a table across a border). One copy per pack and zone for the life of
/// the process: a deployment has a handful of locations, so the copies stay few.
pub fn shipped_pack_in_zone(code: &str, zone: Option<&str>) -> Result<&'static JurisdictionPack, JurisdictionError> {
    let pack = shipped_pack(code)?;
    let Some(zone) = zone.map(str::trim).filter(|z| !z.is_empty() && *z != pack.time_zone_name) else {
        return Ok(pack);
    };
    static ZONED: OnceLock<std::sync::Mutex<BTreeMap<(String, String), &'static JurisdictionPack>>> = OnceLock::new();
    let mut zoned = ZONED.get_or_init(Default::default).lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let key = (code.to_owned(), zone.to_owned());
    if let Some(pack) = zoned.get(&key) {
        return Ok(pack);
    }
    let time_zone = jiff::tz::db().get(zone).map_err(|_| JurisdictionError::UnknownTimeZone(zone.to_owned()))?;
    let copy: &'static JurisdictionPack =
        Box::leak(Box::new(JurisdictionPack { time_zone, time_zone_name: zone.to_owned(), ..pack.clone() }));
    zoned.insert(key, copy);
    Ok(copy)
}

#[cfg(test)]
#[path = "pack_tests.rs"]
mod tests;
