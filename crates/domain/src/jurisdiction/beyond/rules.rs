//! The figures of the pack that the capabilities work by: the conference quota, the plan's
//! review rhythm, and the mayor's measures with the statute each figure comes from.

use super::pack::PackError;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConferenceRules {
    /// The agenda quota, e.g. five persons a day, across the day's meetings (packs written
    /// before it was per day call it `persons_per_meeting`).
    #[serde(alias = "persons_per_meeting")]
    pub persons_per_day: usize,
}

impl ConferenceRules {
    pub(crate) fn validate(&self) -> Result<(), PackError> {
        if self.persons_per_day == 0 {
            return Err(PackError::ZeroQuota);
        }
        Ok(())
    }
}

/// Plan review rhythm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanRules {
    /// The re-evaluation ("is this working for this person?") comes this long after activation.
    pub re_evaluation_after_months: u8,
    /// A task is "due soon" within this many days of its due date.
    pub due_soon_days: u8,
}

impl PlanRules {
    pub(crate) fn validate(&self) -> Result<(), PackError> {
        if self.re_evaluation_after_months == 0 {
            return Err(PackError::ZeroReEvaluationPeriod);
        }
        Ok(())
    }
}

/// Short intensive case management: a time box, a few contacts a week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EpisodeRules {
    /// The longest time box an episode starts with (e.g. 12 weeks: short and intensive).
    pub max_weeks: u8,
    /// The longest it may run with extensions, each given with a reason.
    pub max_total_weeks: u8,
    /// The most contacts a week that can be agreed.
    pub max_contacts_per_week: u8,
}

impl Default for EpisodeRules {
    fn default() -> Self {
        Self { max_weeks: 12, max_total_weeks: 26, max_contacts_per_week: 7 }
    }
}

impl EpisodeRules {
    pub(crate) fn validate(&self) -> Result<(), PackError> {
        if self.max_weeks == 0 || self.max_total_weeks < self.max_weeks || self.max_contacts_per_week == 0 {
            return Err(PackError::EpisodeFigures);
        }
        Ok(())
    }
}

/// The temporary domestic-violence exclusion order (NL: Wet tijdelijk huisverbod).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExclusionOrderRules {
    /// The legal basis, shown next to every figure.
    pub statute: String,
    /// Length of the order when imposed (NL: 10 days).
    pub initial_days: u16,
    /// Legal maximum including extensions, counted from imposition (NL: 4 weeks = 28 days).
    pub max_total_days: u16,
    /// Day of the order by which the advice on extension is due (NL: around day 8).
    pub extension_advice_day: u16,
    /// Help for the excluded person, victims and children must start within this many days.
    pub help_must_start_within_days: u16,
    /// Warn this many days before the order ends.
    pub warn_days_before_expiry: u16,
    /// The statute that asks for help during the order: the legal basis on which an agency
    /// given a help task joins the team of the person the help is for (`statute` when absent).
    #[serde(default)]
    pub help_statute: Option<String>,
    /// `statute` explained in English and Italian for readers of those languages (the citation
    /// itself stays as the law writes it); `statute` when absent.
    #[serde(default)]
    pub statute_en: Option<String>,
    #[serde(default)]
    pub statute_it: Option<String>,
}

impl ExclusionOrderRules {
    /// The statute as a reader of `lang` should see it (issue 17, item 22).
    pub fn statute_in(&self, lang: super::Lang) -> &str {
        statute_in(&self.statute, self.statute_en.as_deref(), self.statute_it.as_deref(), lang)
    }
}

/// `statute` in the pack's own language, else its English or Italian text when the pack has one.
fn statute_in<'a>(statute: &'a str, en: Option<&'a str>, it: Option<&'a str>, lang: super::Lang) -> &'a str {
    match lang {
        super::Lang::En => en.unwrap_or(statute),
        super::Lang::It => it.unwrap_or(statute),
        super::Lang::Nl => statute,
    }
}

impl ExclusionOrderRules {
    pub(crate) fn validate(&self) -> Result<(), PackError> {
        let problem = if self.initial_days == 0 {
            "initial_days must be at least 1"
        } else if self.max_total_days < self.initial_days {
            "max_total_days must be at least initial_days"
        } else if self.extension_advice_day == 0 || self.extension_advice_day > self.initial_days {
            "extension_advice_day must fall within the initial period"
        } else if self.help_must_start_within_days == 0 {
            "help_must_start_within_days must be at least 1"
        } else if self.statute.trim().is_empty() {
            "cite the statute"
        } else {
            return Ok(());
        };
        Err(PackError::ExclusionFigures(problem.to_owned()))
    }
}

/// An area ban imposed for a set period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AreaBanRules {
    pub statute: String,
    pub warn_days_before_expiry: u16,
    /// As for the exclusion order: `statute` explained in English and Italian.
    #[serde(default)]
    pub statute_en: Option<String>,
    #[serde(default)]
    pub statute_it: Option<String>,
}

impl AreaBanRules {
    pub fn statute_in(&self, lang: super::Lang) -> &str {
        statute_in(&self.statute, self.statute_en.as_deref(), self.statute_it.as_deref(), lang)
    }
}
