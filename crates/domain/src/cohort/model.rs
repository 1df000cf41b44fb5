//! A change of cohort membership (from the evidence capability) and the entries of a team's
//! cohort-changes list.

use crate::ids::{CohortNoticeId, PersonId};
use crate::jurisdiction::Lang;
use jiff::Timestamp;
use jiff::civil::Date;

/// Days the team has to review the plan after a cohort change.
pub const COHORT_REVIEW_DAYS: i64 = 14;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CohortMove {
    Joined,
    Left,
}

impl CohortMove {
    pub fn code(self) -> &'static str {
        match self {
            CohortMove::Joined => "joined",
            CohortMove::Left => "left",
        }
    }

    pub fn parse(code: &str) -> Option<CohortMove> {
        match code {
            "joined" => Some(CohortMove::Joined),
            "left" => Some(CohortMove::Left),
            _ => None,
        }
    }
}

/// Why a person joined or left a cohort: the team must know whether the rule's counts moved
/// or someone decided (police intelligence, the process manager), and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CohortReason {
    /// The rule's outcome changed.
    Rule,
    /// A manual selection or deselection, with the reason given.
    Decision(String),
    /// A manual decision ended and the rule's outcome differs from it.
    DecisionEnded,
}

impl CohortReason {
    /// The outbox code of the cause.
    pub fn code(&self) -> &'static str {
        match self {
            CohortReason::Rule => "rule",
            CohortReason::Decision(_) => "decision",
            CohortReason::DecisionEnded => "decision_ended",
        }
    }

    /// The reason in `lang`: a decision's own words, otherwise the cause.
    pub fn text(&self, lang: Lang) -> String {
        match (self, lang) {
            (CohortReason::Decision(reason), _) => reason.clone(),
            (CohortReason::Rule, Lang::En) => "the rule's counts changed".into(),
            (CohortReason::Rule, Lang::Nl) => "de tellingen van de regel zijn veranderd".into(),
            (CohortReason::Rule, Lang::It) => "i conteggi della regola sono cambiati".into(),
            (CohortReason::DecisionEnded, Lang::En) => "a manual decision ended".into(),
            (CohortReason::DecisionEnded, Lang::Nl) => "een handmatig besluit is afgelopen".into(),
            (CohortReason::DecisionEnded, Lang::It) => "una decisione manuale è terminata".into(),
        }
    }
}

/// One person's recorded change of one cohort.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CohortChange {
    pub rule: String,
    pub on: Date,
    pub change: CohortMove,
    pub reason: CohortReason,
}

impl CohortChange {
    /// The task's description, in the deployment's language (a task's text is stored as
    /// written, like the ones members type).
    pub fn task_description(&self, lang: Lang) -> String {
        let (rule, on, why) = (&self.rule, self.on, self.reason.text(lang));
        match (lang, self.change) {
            (Lang::En, CohortMove::Joined) => format!("Joined cohort {rule} on {on} ({why}): review the plan"),
            (Lang::En, CohortMove::Left) => format!("Left cohort {rule} on {on} ({why}): review the plan"),
            (Lang::Nl, CohortMove::Joined) => format!("Ingestroomd in cohort {rule} op {on} ({why}): plan herzien"),
            (Lang::Nl, CohortMove::Left) => format!("Uitgestroomd uit cohort {rule} op {on} ({why}): plan herzien"),
            (Lang::It, CohortMove::Joined) => {
                format!("Entrata nella coorte {rule} il {on} ({why}): rivedere il piano")
            }
            (Lang::It, CohortMove::Left) => format!("Uscita dalla coorte {rule} il {on} ({why}): rivedere il piano"),
        }
    }
}

/// One entry: the person joined or left the rule's cohort on a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CohortNotice {
    pub id: CohortNoticeId,
    pub person: PersonId,
    pub rule: String,
    pub on: Date,
    pub change: CohortMove,
    pub created_at: Timestamp,
}

/// An entry with the person's display name.
#[derive(Debug, Clone)]
pub struct CohortNoticeLine {
    pub notice: CohortNotice,
    pub person_name: String,
}

/// The longest source id of a person in the extract.
pub const EXTRACT_PERSON_MAX_CHARS: usize = 64;
/// The longest reason of a manual decision.
pub const DECISION_REASON_MAX_CHARS: usize = 1_000;

/// A manual selection (`Joined`) or deselection (`Left`) of one extract person for one rule's
/// cohort, from a day on, with the reason and the deciding member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CohortDecision {
    pub rule: String,
    pub person: String,
    pub change: CohortMove,
    pub from: Date,
    pub reason: String,
    pub by: crate::ids::MemberId,
}
