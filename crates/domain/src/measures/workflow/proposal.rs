//! A proposal of a mayor's measure: probation or the process manager propose an exclusion
//! order or an area ban, with their reason; only the municipality (mayor's office) imposes, and
//! it answers the proposal — imposed, or declined with a reason. Open → Answered.

use crate::ids::{AgencyId, MemberId, PersonId, ProposalId};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Which of the mayor's measures is proposed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProposedMeasure {
    ExclusionOrder,
    AreaBan,
}

impl ProposedMeasure {
    pub const ALL: [Self; 2] = [Self::ExclusionOrder, Self::AreaBan];

    pub fn code(self) -> &'static str {
        match self {
            Self::ExclusionOrder => "exclusion_order",
            Self::AreaBan => "area_ban",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.code() == code.trim())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProposalOutcome {
    Imposed,
    Declined,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProposalStatus {
    Open,
    Answered { outcome: ProposalOutcome, note: String, by: MemberId, at: Timestamp },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeasureProposal {
    pub id: ProposalId,
    pub person: PersonId,
    pub measure: ProposedMeasure,
    pub reason: String,
    pub proposed_by: MemberId,
    pub agency: AgencyId,
    pub proposed_at: Timestamp,
    pub status: ProposalStatus,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ProposalError {
    #[error("say why the measure is proposed")]
    NoReason,
    #[error("say why the proposal is declined")]
    DeclineNeedsReason,
    #[error("the proposal has been answered already")]
    Answered,
}

/// What a proposal means for the partners: the municipality on the team is told of it, and the
/// proposing agency of the answer (without it the proposer learns of it only by looking).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProposalEffect {
    NotifyMunicipality,
    NotifyProposer,
}

impl MeasureProposal {
    #[allow(clippy::too_many_arguments, reason = "the fields of a new proposal, each given once")]
    pub fn propose(
        id: ProposalId,
        person: PersonId,
        measure: ProposedMeasure,
        reason: &str,
        proposed_by: MemberId,
        agency: AgencyId,
        proposed_at: Timestamp,
    ) -> Result<(Self, Vec<ProposalEffect>), ProposalError> {
        if reason.trim().is_empty() {
            return Err(ProposalError::NoReason);
        }
        let proposal = Self {
            id,
            person,
            measure,
            reason: reason.trim().to_owned(),
            proposed_by,
            agency,
            proposed_at,
            status: ProposalStatus::Open,
        };
        Ok((proposal, vec![ProposalEffect::NotifyMunicipality]))
    }

    /// The municipality's answer; a decline needs its reason.
    pub fn answer(
        mut self,
        outcome: ProposalOutcome,
        note: &str,
        by: MemberId,
        at: Timestamp,
    ) -> Result<(Self, Vec<ProposalEffect>), ProposalError> {
        if self.status != ProposalStatus::Open {
            return Err(ProposalError::Answered);
        }
        if outcome == ProposalOutcome::Declined && note.trim().is_empty() {
            return Err(ProposalError::DeclineNeedsReason);
        }
        self.status = ProposalStatus::Answered { outcome, note: note.trim().to_owned(), by, at };
        Ok((self, vec![ProposalEffect::NotifyProposer]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proposal() -> MeasureProposal {
        let id = |n| uuid::Uuid::from_u128(n);
        MeasureProposal::propose(
            ProposalId::from_uuid(id(1)),
            PersonId::from_uuid(id(2)),
            ProposedMeasure::ExclusionOrder,
            " dreiging tegen partner ",
            MemberId::from_uuid(id(3)),
            AgencyId::from_uuid(id(4)),
            Timestamp::UNIX_EPOCH,
        )
        .unwrap()
        .0
    }

    #[test]
    fn a_proposal_needs_a_reason_and_tells_the_municipality() {
        let id = ProposalId::from_uuid(uuid::Uuid::nil());
        let (p, m, a) = (
            PersonId::from_uuid(uuid::Uuid::nil()),
            MemberId::from_uuid(uuid::Uuid::nil()),
            AgencyId::from_uuid(uuid::Uuid::nil()),
        );
        let refused = MeasureProposal::propose(id, p, ProposedMeasure::AreaBan, "  ", m, a, Timestamp::UNIX_EPOCH);
        assert_eq!(refused.unwrap_err(), ProposalError::NoReason);
        assert_eq!(proposal().reason, "dreiging tegen partner");
    }

    #[test]
    fn the_municipality_answers_once_and_a_decline_says_why() {
        let by = MemberId::from_uuid(uuid::Uuid::from_u128(9));
        let at = Timestamp::UNIX_EPOCH;
        assert_eq!(
            proposal().answer(ProposalOutcome::Declined, " ", by, at).unwrap_err(),
            ProposalError::DeclineNeedsReason
        );
        let (imposed, effects) = proposal().answer(ProposalOutcome::Imposed, "", by, at).unwrap();
        assert_eq!(effects, vec![ProposalEffect::NotifyProposer], "the proposer is told");
        assert_eq!(imposed.answer(ProposalOutcome::Imposed, "", by, at).unwrap_err(), ProposalError::Answered);
    }
}
