//! The disposal catalogue of a pack: which decisions a prosecutor can take, their parameters
//! with types and limits, the obligations they may impose, and which partner contributions the
//! law requires first (e.g. NL art. 257c Sv: the lawyer before certain penalty orders).

use serde::{Deserialize, Serialize};

use super::vocabulary::{AgencyCode, DisposalCode, ObligationKindCode, ParameterCode, Partner};

/// What a disposal means for the case, for the board and the metrics ("settled at the table").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DisposalOutcome {
    /// The case ends without punishment (dismissal, no further action).
    Dismissed,
    /// Settled out of court with conditions or a sanction (penalty order, caution).
    SettledOutOfCourt,
    /// The case goes to court (summons, charge).
    ToCourt,
    /// The case is handed on for further work (hearing at the office, case management).
    Referred,
}

/// The unit an integer parameter is counted in; shown to users next to limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Hours,
    Days,
    Months,
}

impl Unit {
    pub fn label(self) -> &'static str {
        match self {
            Self::Hours => "hours",
            Self::Days => "days",
            Self::Months => "months",
        }
    }
}

/// One option of a choice parameter, with the data-driven rules that come with choosing it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChoiceOption {
    pub code: String,
    pub name_nl: String,
    pub name_en: String,
    pub name_it: String,
    /// A date parameter that must fall within `within_days` of the decision date.
    pub date_parameter: Option<ParameterCode>,
    /// `[min, max]` days after the decision date (both inclusive).
    pub within_days: Option<[u32; 2]>,
    /// A flag parameter that must be true when this option is chosen (e.g. consent).
    pub requires_flag: Option<ParameterCode>,
}

/// The type and limits of a parameter value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ParameterKind {
    Integer {
        unit: Unit,
        min: i64,
        max: Option<i64>,
    },
    /// An amount in euro cents; never negative.
    Money {
        #[serde(default)]
        min_cents: i64,
        max_cents: Option<i64>,
    },
    Flag,
    Text {
        max_len: usize,
    },
    Date,
    Choice {
        options: Vec<ChoiceOption>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParameterDefinition {
    pub code: ParameterCode,
    pub name_nl: String,
    pub name_en: String,
    pub name_it: String,
    #[serde(default)]
    pub required: bool,
    pub value: ParameterKind,
}

/// Which obligations a disposal may impose and for how long each may run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObligationRules {
    pub allowed: Vec<ObligationKindCode>,
    pub max_period_months: u32,
    /// Where the period limit comes from (statute or policy), for the printed decision.
    pub period_basis: String,
}

/// "The sum of these amounts is above this threshold."
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SumAbove {
    pub parameters: Vec<ParameterCode>,
    pub amount_cents: i64,
}

fn overridable_by_default() -> bool {
    true
}

/// A partner contribution that must be done before the decision. It applies when `always` is
/// set or when any of the `when_*` conditions holds for the decision's parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContributionRequirement {
    pub partner: Partner,
    pub legal_basis: String,
    /// Whether the prosecutor may decide without it, recording why the decision cannot wait.
    /// A safeguard the law makes a condition of the disposal (art. 257c Sv) is not.
    #[serde(default = "overridable_by_default")]
    pub overridable: bool,
    /// The lawyer must have confirmed explaining what accepting means for the suspect (e.g. no
    /// certificate of good conduct, VOG) before this disposal.
    #[serde(default)]
    pub consequences_explained: bool,
    #[serde(default)]
    pub always: bool,
    /// Any of these parameters present (e.g. community service hours, a driving ban).
    #[serde(default)]
    pub when_any_parameter: Vec<ParameterCode>,
    /// The decision imposes at least one obligation (e.g. a behaviour order).
    #[serde(default)]
    pub when_obligations: bool,
    pub when_sum_above: Option<SumAbove>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisposalDefinition {
    pub code: DisposalCode,
    pub name_nl: String,
    pub name_en: String,
    pub name_it: String,
    pub legal_basis: String,
    pub outcome: DisposalOutcome,
    #[serde(default)]
    pub parameters: Vec<ParameterDefinition>,
    pub obligations: Option<ObligationRules>,
    #[serde(default)]
    pub requires: Vec<ContributionRequirement>,
    /// Deciding this disposal refers the suspect for a screening "beyond the case".
    #[serde(default)]
    pub starts_screening: bool,
}

impl DisposalDefinition {
    pub fn parameter(&self, code: &ParameterCode) -> Option<&ParameterDefinition> {
        self.parameters.iter().find(|p| &p.code == code)
    }
}

/// A kind of condition or behaviour order, and the agency that monitors it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObligationKind {
    pub code: ObligationKindCode,
    pub name_nl: String,
    pub name_en: String,
    pub name_it: String,
    pub responsible_agency: AgencyCode,
}
