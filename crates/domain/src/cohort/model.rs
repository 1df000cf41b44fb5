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

/// One person's recorded change of one cohort.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CohortChange {
    pub rule: String,
    pub on: Date,
    pub change: CohortMove,
}

impl CohortChange {
    /// The task's description, in the deployment's language (a task's text is stored as
    /// written, like the ones members type).
    pub fn task_description(&self, lang: Lang) -> String {
        let (rule, on) = (&self.rule, self.on);
        match (lang, self.change) {
            (Lang::En, CohortMove::Joined) => format!("Joined cohort {rule} on {on}: review the plan"),
            (Lang::En, CohortMove::Left) => format!("Left cohort {rule} on {on}: review the plan"),
            (Lang::Nl, CohortMove::Joined) => format!("Ingestroomd in cohort {rule} op {on}: plan herzien"),
            (Lang::Nl, CohortMove::Left) => format!("Uitgestroomd uit cohort {rule} op {on}: plan herzien"),
            (Lang::It, CohortMove::Joined) => format!("Entrata nella coorte {rule} il {on}: rivedere il piano"),
            (Lang::It, CohortMove::Left) => format!("Uscita dalla coorte {rule} il {on}: rivedere il piano"),
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
