//! The words a jurisdiction pack is written in: codes, roles, partners and case facts. Codes are
//! open sets (each pack names its own clocks and disposals); roles, partners and facts are closed
//! sets so a typo in a pack is a load error, not a rule that silently never applies.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! code_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn new(code: impl Into<String>) -> Self {
                Self(code.into())
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(code: &str) -> Self {
                Self(code.to_owned())
            }
        }
    };
}

code_type!(
    /// A clock in a pack, e.g. `ophouden_voor_onderzoek`, `pace_detention`.
    ClockCode
);
code_type!(
    /// An extension of a clock, e.g. `identity` (art. 56b Sv), `superintendent` (PACE s42).
    ExtensionCode
);
code_type!(
    /// A disposal in a pack's catalogue, e.g. `penalty_order`.
    DisposalCode
);
code_type!(
    /// A parameter of a disposal, e.g. `community_service_hours`.
    ParameterCode
);
code_type!(
    /// A kind of condition or behaviour order that becomes a monitored obligation.
    ObligationKindCode
);
code_type!(
    /// The code of an agency responsible for monitoring, e.g. `probation`, `police`.
    AgencyCode
);

/// Who may grant a clock extension. Named by legal office, not by person or agency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthorityRole {
    /// Officier van justitie (NL) / Crown prosecutor.
    Prosecutor,
    /// Hulpofficier van justitie (NL): a senior police officer with delegated powers.
    AssistantProsecutor,
    /// Rechter-commissaris (NL).
    ExaminingJudge,
    /// Police superintendent or above (PACE s42).
    Superintendent,
    /// Police inspector or above (PACE review officer).
    Inspector,
    /// Magistrates' court (PACE s43/s44 warrants of further detention).
    MagistratesCourt,
    /// Burgemeester (NL, Wet tijdelijk huisverbod).
    Mayor,
}

impl AuthorityRole {
    pub fn code(self) -> &'static str {
        match self {
            Self::Prosecutor => "prosecutor",
            Self::AssistantProsecutor => "assistant_prosecutor",
            Self::ExaminingJudge => "examining_judge",
            Self::Superintendent => "superintendent",
            Self::Inspector => "inspector",
            Self::MagistratesCourt => "magistrates_court",
            Self::Mayor => "mayor",
        }
    }
}

impl fmt::Display for AuthorityRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A partner that contributes to a case at the table. The prosecution decides and is therefore
/// not a contributing partner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Partner {
    Police,
    Probation,
    VictimSupport,
    DefenceLawyer,
    Municipality,
    ChildProtectionBoard,
    Halt,
}

impl Partner {
    pub const ALL: [Partner; 7] = [
        Self::Police,
        Self::Probation,
        Self::VictimSupport,
        Self::DefenceLawyer,
        Self::Municipality,
        Self::ChildProtectionBoard,
        Self::Halt,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Police => "police",
            Self::Probation => "probation",
            Self::VictimSupport => "victim_support",
            Self::DefenceLawyer => "defence_lawyer",
            Self::Municipality => "municipality",
            Self::ChildProtectionBoard => "child_protection_board",
            Self::Halt => "halt",
        }
    }
}

impl fmt::Display for Partner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Facts about a case that select a rule in a pack (which clock length, which partner is needed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseFact {
    /// At least one offence allows pre-trial detention (NL art. 67 Sv): longer *ophouden*.
    PretrialDetentionAllowed,
    /// The suspect is under 18: child protection board (and Halt) take part.
    SuspectMinor,
    /// The case has at least one victim: victim support takes part.
    HasVictims,
}

impl CaseFact {
    pub fn code(self) -> &'static str {
        match self {
            Self::PretrialDetentionAllowed => "pretrial_detention_allowed",
            Self::SuspectMinor => "suspect_minor",
            Self::HasVictims => "has_victims",
        }
    }
}

/// How far a partner's contribution to a case has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContributionState {
    NotNeeded,
    Awaited,
    InProgress,
    Done,
}

/// Life domains in which a ZSM quick scan can raise a signal "beyond the case". A closed set:
/// the beyond-the-case pack maps each signal to one of its own screening domains
/// (`[screening.zsm_signals]`), and a signal it does not know is a load error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LifeDomain {
    Housing,
    Debt,
    DrugAddiction,
    AlcoholAddiction,
    GamblingAddiction,
    MentalHealth,
    FamilyAndRelationships,
    DomesticViolence,
    WorkAndDaytimeActivity,
    Other,
}

/// The code each quick-scan life domain is posted, stored and mapped as.
pub const LIFE_DOMAINS: [(LifeDomain, &str); 10] = [
    (LifeDomain::Housing, "housing"),
    (LifeDomain::Debt, "debt"),
    (LifeDomain::DrugAddiction, "drug_addiction"),
    (LifeDomain::AlcoholAddiction, "alcohol_addiction"),
    (LifeDomain::GamblingAddiction, "gambling_addiction"),
    (LifeDomain::MentalHealth, "mental_health"),
    (LifeDomain::FamilyAndRelationships, "family_and_relationships"),
    (LifeDomain::DomesticViolence, "domestic_violence"),
    (LifeDomain::WorkAndDaytimeActivity, "work_and_daytime_activity"),
    (LifeDomain::Other, "other"),
];
