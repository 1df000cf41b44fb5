//! Partner contributions at the table: each partner works in parallel in its own section. Who
//! may edit or read a section (need-to-know) is decided by the access layer; this module keeps
//! the content consistent with the partner and the state.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

use crate::ids::MemberId;
use crate::jurisdiction::{CaseFact, ContributionState, JurisdictionPack, Partner};
use crate::screening::{ProbationAdvice, Signal};
use crate::zsm::ZsmError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuickScan {
    pub advice: ProbationAdvice,
    pub signals: Vec<Signal>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VictimInterests {
    pub interests: String,
    pub damages_claim_cents: Option<i64>,
    pub wants_information: bool,
    pub wants_restorative_contact: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsultationMode {
    InPerson,
    Phone,
    Video,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LawyerConsultation {
    pub consulted_at: Timestamp,
    pub mode: ConsultationMode,
    pub advice: String,
    /// Consequences of accepting a settlement were explained (e.g. no certificate of good
    /// conduct, VOG).
    pub settlement_consequences_explained: bool,
    pub suspect_position: String,
    /// Defence notes are visible to the prosecutor only when shared.
    pub shared_with_prosecutor: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MunicipalityInformation {
    pub known_to_social_services: bool,
    pub known_to_youth_care: bool,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoliceInformation {
    pub additional_information: String,
    pub requests_to_prosecutor: String,
}

/// What a partner recorded; the variant names the partner it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ContributionContent {
    Police(PoliceInformation),
    Probation(QuickScan),
    VictimSupport(VictimInterests),
    DefenceLawyer(LawyerConsultation),
    Municipality(MunicipalityInformation),
    ChildProtectionBoard { note: String },
    Halt { note: String },
}

impl ContributionContent {
    pub fn partner(&self) -> Partner {
        match self {
            Self::Police(_) => Partner::Police,
            Self::Probation(_) => Partner::Probation,
            Self::VictimSupport(_) => Partner::VictimSupport,
            Self::DefenceLawyer(_) => Partner::DefenceLawyer,
            Self::Municipality(_) => Partner::Municipality,
            Self::ChildProtectionBoard { .. } => Partner::ChildProtectionBoard,
            Self::Halt { .. } => Partner::Halt,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contribution {
    pub state: ContributionState,
    pub content: Option<ContributionContent>,
    pub updated_at: Option<Timestamp>,
    pub updated_by: Option<MemberId>,
    /// The section's own version: each partner's save counts up its section only, so partners
    /// saving their own sections at once never conflict; a save made on an older version of
    /// the same section does (`Contributions::check_seen`). Cases stored before sections had
    /// versions read as 0.
    #[serde(default)]
    pub version: i64,
}

impl Contribution {
    fn new(state: ContributionState) -> Self {
        Self { state, content: None, updated_at: None, updated_by: None, version: 1 }
    }
}

/// The contributions of one case. A partner the pack does not seat at the table is absent,
/// which reads as "not needed".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contributions(BTreeMap<Partner, Contribution>);

impl Contributions {
    /// The partners the pack seats at the table, in their initial state for these case facts.
    pub fn initial(pack: &JurisdictionPack, facts: &BTreeSet<CaseFact>) -> Self {
        Self(
            pack.table_partners
                .iter()
                .map(|seat| {
                    let applies = seat.only_when.is_none_or(|fact| facts.contains(&fact));
                    let state = if applies { seat.initially } else { ContributionState::NotNeeded };
                    (seat.partner, Contribution::new(state))
                })
                .collect(),
        )
    }

    /// The same contributions with one partner's content removed (its state stays visible).
    pub(crate) fn without_content_of(&self, partner: Partner) -> Self {
        let mut redacted = self.clone();
        if let Some(contribution) = redacted.0.get_mut(&partner) {
            contribution.content = None;
        }
        redacted
    }

    pub fn get(&self, partner: Partner) -> Option<&Contribution> {
        self.0.get(&partner)
    }

    /// The version of a partner's section (0 when the pack does not seat the partner).
    pub fn version(&self, partner: Partner) -> i64 {
        self.get(partner).map_or(0, |c| c.version)
    }

    /// A save made on version `seen` of the section: refused when the section was saved
    /// meanwhile. Without a version seen the save applies to the section as it is.
    pub fn check_seen(&self, partner: Partner, seen: Option<i64>) -> Result<(), ZsmError> {
        match seen {
            Some(seen) if seen != self.version(partner) => Err(ZsmError::SectionChangedMeanwhile { partner }),
            _ => Ok(()),
        }
    }

    pub fn state(&self, partner: Partner) -> ContributionState {
        self.get(partner).map_or(ContributionState::NotNeeded, |c| c.state)
    }

    pub fn iter(&self) -> impl Iterator<Item = (Partner, &Contribution)> {
        self.0.iter().map(|(partner, c)| (*partner, c))
    }

    /// Whether probation raised any signal beyond the case (for the metrics page).
    pub fn has_signals_beyond_the_case(&self) -> bool {
        matches!(
            self.get(Partner::Probation).and_then(|c| c.content.as_ref()),
            Some(ContributionContent::Probation(scan)) if !scan.signals.is_empty()
        )
    }

    /// Returns the contributions with one partner's section updated. New content replaces the
    /// old; `None` keeps what was recorded. `Done` needs content.
    pub fn update(
        &self,
        partner: Partner,
        state: ContributionState,
        content: Option<ContributionContent>,
        by: MemberId,
        at: Timestamp,
    ) -> Result<Self, ZsmError> {
        if let Some(content) = &content {
            if content.partner() != partner {
                return Err(ZsmError::ContributionMismatch { partner });
            }
            if let ContributionContent::VictimSupport(victim) = content
                && victim.damages_claim_cents.is_some_and(|cents| cents < 0)
            {
                return Err(ZsmError::NegativeDamagesClaim);
            }
            // A consultation is recorded after it took place, never ahead of it.
            if let ContributionContent::DefenceLawyer(consultation) = content
                && consultation.consulted_at > at
            {
                return Err(ZsmError::ConsultationInFuture { consulted_at: consultation.consulted_at });
            }
        }
        let previous = self.get(partner).and_then(|c| c.content.clone());
        let content = content.or(previous);
        if state == ContributionState::Done && content.is_none() {
            return Err(ZsmError::ContributionContentMissing { partner });
        }
        let version = self.version(partner) + 1;
        let mut next = self.clone();
        next.0.insert(partner, Contribution { state, content, updated_at: Some(at), updated_by: Some(by), version });
        Ok(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jurisdiction::shipped_pack;
    use crate::jurisdiction::vocabulary::LifeDomain;
    use uuid::Uuid;

    fn member() -> MemberId {
        MemberId::from_uuid(Uuid::from_u128(3))
    }

    fn at() -> Timestamp {
        "2026-01-16T10:00:00Z".parse().unwrap()
    }

    fn scan(signals: Vec<Signal>) -> ContributionContent {
        ContributionContent::Probation(QuickScan { advice: ProbationAdvice::ScreeningAdvised, signals })
    }

    #[test]
    fn initial_partners_follow_the_pack_and_the_case_facts() {
        let nl = shipped_pack("nl").unwrap();
        let adult = Contributions::initial(nl, &BTreeSet::new());
        assert_eq!(adult.state(Partner::Police), ContributionState::Awaited);
        assert_eq!(adult.state(Partner::VictimSupport), ContributionState::NotNeeded);
        assert_eq!(adult.state(Partner::ChildProtectionBoard), ContributionState::NotNeeded);
        let minor_with_victim =
            Contributions::initial(nl, &[CaseFact::SuspectMinor, CaseFact::HasVictims].into_iter().collect());
        assert_eq!(minor_with_victim.state(Partner::ChildProtectionBoard), ContributionState::Awaited);
        assert_eq!(minor_with_victim.state(Partner::VictimSupport), ContributionState::Awaited);
    }

    #[test]
    fn done_needs_content_of_the_same_partner() {
        let contributions = Contributions::initial(shipped_pack("nl").unwrap(), &BTreeSet::new());
        let done = ContributionState::Done;
        assert_eq!(
            contributions.update(Partner::Probation, done, None, member(), at()).unwrap_err(),
            ZsmError::ContributionContentMissing { partner: Partner::Probation }
        );
        assert_eq!(
            contributions.update(Partner::Police, done, Some(scan(vec![])), member(), at()).unwrap_err(),
            ZsmError::ContributionMismatch { partner: Partner::Police }
        );
        let in_progress = contributions
            .update(
                Partner::Probation,
                ContributionState::InProgress,
                Some(scan(vec![Signal {
                    domain: LifeDomain::Debt,
                    note: "payment arrears with housing corporation".into(),
                }])),
                member(),
                at(),
            )
            .unwrap();
        assert!(in_progress.has_signals_beyond_the_case());
        // Marking done later keeps the content already recorded.
        let done = in_progress.update(Partner::Probation, done, None, member(), at()).unwrap();
        assert_eq!(done.state(Partner::Probation), ContributionState::Done);
        assert!(done.has_signals_beyond_the_case());
    }

    #[test]
    fn each_section_counts_its_own_versions() {
        let contributions = Contributions::initial(shipped_pack("nl").unwrap(), &BTreeSet::new());
        assert_eq!(contributions.version(Partner::Police), 1);
        let seen = contributions.version(Partner::Probation);
        let probation = contributions
            .update(Partner::Probation, ContributionState::InProgress, Some(scan(vec![])), member(), at())
            .unwrap();
        assert_eq!(probation.version(Partner::Probation), seen + 1);
        // The police section was not touched: a save on what the police saw still applies.
        assert_eq!(probation.check_seen(Partner::Police, Some(1)), Ok(()));
        assert_eq!(
            probation.check_seen(Partner::Probation, Some(seen)),
            Err(ZsmError::SectionChangedMeanwhile { partner: Partner::Probation })
        );
        assert_eq!(probation.check_seen(Partner::Probation, None), Ok(()));
    }

    #[test]
    fn a_consultation_in_the_future_is_refused() {
        let consultation = |at: &str| {
            ContributionContent::DefenceLawyer(LawyerConsultation {
                consulted_at: at.parse().unwrap(),
                mode: ConsultationMode::Phone,
                advice: String::new(),
                settlement_consequences_explained: true,
                suspect_position: String::new(),
                shared_with_prosecutor: false,
            })
        };
        let contributions = Contributions::default();
        let later = consultation("2026-01-16T10:01:00Z");
        assert_eq!(
            contributions.update(Partner::DefenceLawyer, ContributionState::Done, Some(later), member(), at()),
            Err(ZsmError::ConsultationInFuture { consulted_at: "2026-01-16T10:01:00Z".parse().unwrap() })
        );
        let now = consultation("2026-01-16T10:00:00Z");
        assert!(
            contributions.update(Partner::DefenceLawyer, ContributionState::Done, Some(now), member(), at()).is_ok()
        );
    }

    #[test]
    fn negative_damages_claim_is_refused() {
        let contributions = Contributions::default();
        let claim = ContributionContent::VictimSupport(VictimInterests {
            interests: "wants the money back".into(),
            damages_claim_cents: Some(-1),
            wants_information: true,
            wants_restorative_contact: false,
        });
        assert_eq!(
            contributions
                .update(Partner::VictimSupport, ContributionState::Done, Some(claim), member(), at())
                .unwrap_err(),
            ZsmError::NegativeDamagesClaim
        );
    }
}
