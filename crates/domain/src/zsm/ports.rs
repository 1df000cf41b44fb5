//! The storage port of the ZSM table, in domain terms. The store keeps the case as the domain
//! state plus the rows derived from each transition's effects (offences, victims, clock events,
//! contribution history, decisions, amendments, obligations, breaches), written in one
//! transaction together with the audit entries and any new case-team entries.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::future::Future;

use crate::access::TeamEntry;
use crate::audit::AuditEntry;
use crate::ids::{AgencyId, CaseId, MemberId, PersonId};
use crate::ports::StoreResult;
use crate::screening::ScreeningReferral;
use crate::zsm::model::prior::PriorOffence;
use crate::zsm::model::view::{CaseIndex, MetricsRow};
use crate::zsm::workflow::case::{CaseEffect, ZsmCase};
use crate::zsm::workflow::clock::{ClockEffect, ClockRun};

/// A ZSM table: where cases are handled, under which jurisdiction pack, by which agencies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZsmLocation {
    /// Short code used in URLs, e.g. `zsm-utrecht`.
    pub code: String,
    pub name: String,
    /// The jurisdiction pack code, e.g. `nl`.
    pub pack: String,
    /// The agencies that sit at this table; they join a suspect's team when a case is registered.
    pub agencies: Vec<AgencyId>,
    /// The IANA time zone its clocks and headings are in; `None`: its pack's.
    #[serde(default)]
    pub time_zone: Option<String>,
}

impl ZsmLocation {
    /// The location's pack, in the location's own time zone.
    pub fn pack(
        &self,
    ) -> Result<&'static crate::jurisdiction::JurisdictionPack, crate::jurisdiction::JurisdictionError> {
        crate::jurisdiction::shipped_pack_in_zone(&self.pack, self.time_zone.as_deref())
    }
}

/// A case as stored: the domain state, its clocks, the suspect's lawyer and the version used for
/// optimistic concurrency (two partners saving at once never overwrite each other silently).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredCase {
    pub case: ZsmCase,
    pub clocks: Vec<ClockRun>,
    /// The member recorded as the suspect's lawyer; only they (of the defence) see the case.
    pub lawyer: Option<MemberId>,
    pub version: i64,
}

impl StoredCase {
    pub fn id(&self) -> CaseId {
        self.case.id
    }

    pub fn suspect(&self) -> PersonId {
        self.case.intake.details().suspect
    }

    pub fn location(&self) -> &str {
        &self.case.intake.details().location
    }
}

/// One write of a case: the new state (with its new version), the derived index, what changed
/// (as the transition's effects) and what must be committed with it.
#[derive(Debug, Clone, Copy)]
pub struct CaseWrite<'a> {
    pub stored: &'a StoredCase,
    pub index: &'a CaseIndex,
    pub effects: &'a [CaseEffect],
    pub clock_effects: &'a [ClockEffect],
    pub by: MemberId,
    pub at: Timestamp,
    pub audit: &'a [AuditEntry],
    /// Agencies joining the suspect's team with this write (e.g. the table's partners at intake).
    pub team: &'a [TeamEntry],
    /// Referrals for a screening "beyond the case" this write gives rise to; the store keeps one
    /// per case and reason, updating it while it is still open.
    pub referrals: &'a [ScreeningReferral],
}

/// One write of a case decided on the case as stored inside the write (`ZsmStore::change_case`):
/// the owned counterpart of [`CaseWrite`].
#[derive(Debug, Clone)]
pub struct CaseStep {
    pub stored: StoredCase,
    pub index: CaseIndex,
    pub effects: Vec<CaseEffect>,
    pub clock_effects: Vec<ClockEffect>,
    pub by: MemberId,
    pub at: Timestamp,
    pub audit: Vec<AuditEntry>,
    pub team: Vec<TeamEntry>,
    pub referrals: Vec<ScreeningReferral>,
}

impl CaseStep {
    pub fn write(&self) -> CaseWrite<'_> {
        CaseWrite {
            stored: &self.stored,
            index: &self.index,
            effects: &self.effects,
            clock_effects: &self.clock_effects,
            by: self.by,
            at: self.at,
            audit: &self.audit,
            team: &self.team,
            referrals: &self.referrals,
        }
    }
}

/// A case on the board, with the suspect's name for display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoardCase {
    /// Shared: a store may keep parsed cases for the next view of the board.
    pub stored: std::sync::Arc<StoredCase>,
    pub suspect_name: String,
}

pub trait ZsmStore: Send + Sync {
    /// A new location, recorded as created at `at`.
    fn create_location(&self, location: &ZsmLocation, at: Timestamp) -> impl Future<Output = StoreResult<()>> + Send;
    fn locations(&self) -> impl Future<Output = StoreResult<Vec<ZsmLocation>>> + Send;
    fn location(&self, code: &str) -> impl Future<Output = StoreResult<Option<ZsmLocation>>> + Send;
    /// Saves a newly registered case (`stored.version` is 1) with its offences, victims, clocks,
    /// initial contributions, team entries and audit entries, atomically.
    fn create_case(&self, write: CaseWrite<'_>) -> impl Future<Output = StoreResult<()>> + Send;
    /// Saves a transition if the stored version is still `stored.version - 1`; otherwise
    /// `StoreError::Conflict` and nothing is written.
    fn save_case(&self, write: CaseWrite<'_>) -> impl Future<Output = StoreResult<()>> + Send;
    /// Changes a case as it is at the write: `decide` gets the stored case (`read`, the
    /// caller's copy, unless the store knows a newer one), and the step it returns (version:
    /// the stored one plus one) is written only if nobody wrote the case in between; otherwise
    /// `decide` is asked again on the case as it is then (it may be called more than once, so
    /// it must be quick and pure). So partners saving their own sections at once are each
    /// applied in turn, none refused. `decide` refusing writes nothing and comes back as the
    /// inner `Err`. An unknown case is `StoreError::NotFound`.
    fn change_case<E, F>(
        &self,
        id: CaseId,
        read: StoredCase,
        decide: F,
    ) -> impl Future<Output = StoreResult<Result<StoredCase, E>>> + Send
    where
        E: Send,
        F: FnMut(StoredCase) -> Result<CaseStep, E> + Send;
    fn case(&self, id: CaseId) -> impl Future<Output = StoreResult<Option<StoredCase>>> + Send;
    /// The cases of a person as suspect, oldest first.
    fn cases_of_suspect(&self, person: PersonId) -> impl Future<Output = StoreResult<Vec<StoredCase>>> + Send;
    /// Cases of a location whose suspect has `agency` on the team (valid on `today`): every open
    /// case, and those first decided since `decided_since`. Open cases come first, the most
    /// urgent clock first; then the decided ones, latest first.
    fn board(
        &self,
        location: &str,
        agency: AgencyId,
        today: Date,
        decided_since: Timestamp,
    ) -> impl Future<Output = StoreResult<Vec<BoardCase>>> + Send;
    /// Open cases of a location whose most urgent running clock ends at or before `by`, the
    /// most urgent first (for telling the table of clocks about to run out).
    fn open_cases_due_by(
        &self,
        location: &str,
        by: Timestamp,
    ) -> impl Future<Output = StoreResult<Vec<BoardCase>>> + Send;
    /// Cases of a location with obligations not yet ended on `today`, visible to `agency`.
    fn cases_with_obligations(
        &self,
        location: &str,
        agency: AgencyId,
        today: Date,
    ) -> impl Future<Output = StoreResult<Vec<BoardCase>>> + Send;
    /// Every case of a location registered in `[from, to)`: aggregates only, no personal data.
    /// The person's offences in the evidence extract: those whose source person id is one of
    /// the person's identifiers.
    fn prior_offences(&self, person: PersonId) -> impl Future<Output = StoreResult<Vec<PriorOffence>>> + Send;
    fn metrics_rows(
        &self,
        location: &str,
        from: Timestamp,
        to: Timestamp,
    ) -> impl Future<Output = StoreResult<Vec<MetricsRow>>> + Send;
}
