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

/// The persons of the case system who cannot be linked to the offence record by their
/// identifiers, listed for an administrator: the evidence never guesses a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkList {
    /// No identifier of theirs names a person of the offence record.
    Unmatched,
    /// Their identifiers name several persons of the offence record, or another person of
    /// the case system holds the same one.
    Ambiguous,
}

impl LinkList {
    pub const ALL: [LinkList; 2] = [LinkList::Ambiguous, LinkList::Unmatched];

    pub fn code(self) -> &'static str {
        match self {
            LinkList::Unmatched => "unmatched",
            LinkList::Ambiguous => "ambiguous",
        }
    }

    pub fn parse(code: &str) -> Option<LinkList> {
        LinkList::ALL.into_iter().find(|l| l.code() == code)
    }
}

/// How the case system's persons link to the offence record: a count of the matched, and
/// who is unmatched or ambiguous (each list in a stable order, for paging).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkOverview {
    pub matched: u64,
    pub unmatched: Vec<PersonId>,
    pub ambiguous: Vec<PersonId>,
}

/// One identifier of a listed person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkIdentifier {
    pub person: PersonId,
    /// `bsn`, `pnc`, `crn`, … (the identifier's kind code).
    pub kind: String,
    pub value: String,
    /// Whether the offence record has a person by this identifier.
    pub in_record: bool,
    /// How many persons of the case system hold this identifier (1: only this one).
    pub holders: u32,
}

/// A listed person with their identifiers (none when none is recorded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedPerson {
    pub person: PersonId,
    pub name: String,
    pub identifiers: Vec<LinkIdentifier>,
}

/// The match report as one page shows it: the three counts, and for an administrator one
/// page of one list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkReport {
    pub matched: u64,
    pub unmatched: u64,
    pub ambiguous: u64,
    /// `None` when the reader may see the counts only (an analyst: aggregates, no person).
    pub list: Option<LinkList>,
    pub persons: Vec<LinkedPerson>,
    /// 1-based; `pages` is at least 1.
    pub page: u32,
    pub pages: u32,
}
