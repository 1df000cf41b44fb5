//! Plan review rhythm from the jurisdiction pack.

use crate::beyond_pack::PackError;
use serde::{Deserialize, Serialize};

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
