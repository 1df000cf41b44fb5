//! The ledger's storage port. The store keeps every account's rules inside the transaction
//! that moves its totals (a conditional update per account, in the order of the account
//! codes, with the table's own checks behind it), so no interleaving of concurrent transfers
//! can overdraw an account; a transfer's id makes its request idempotent.

use crate::audit::AuditEntry;
use crate::funds::model::{
    Account, Approval, Fund, FundId, GroupId, OpenCommitment, ProjectGroup, Recorded, Transfer, TransferId,
};
use crate::funds::workflow::LedgerRefusal;
use crate::ids::AgencyId;
use crate::ids::PersonId;
use crate::notifications::Event;
use crate::ports::StoreResult;
use std::future::Future;

pub trait FundStore: Send + Sync {
    /// Creates the fund, its funding and pool accounts, and its opening budget transfer.
    fn open_fund(
        &self,
        fund: &Fund,
        opening: &Transfer,
        audit: &[AuditEntry],
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// The fund as it is in the database now (and kept for [`Self::remembered_fund`]).
    fn fund(&self, id: FundId) -> impl Future<Output = StoreResult<Option<Fund>>> + Send;
    /// The fund as this server keeps it in memory, read on first use: the transfer path's,
    /// which costs no read of the fund. It may be out of date (another server may have changed
    /// it): whatever it decides is confirmed on the fund as it is now, by
    /// [`Self::record_transfer`]'s version check or by reading it with [`Self::fund`].
    fn remembered_fund(&self, id: FundId) -> impl Future<Output = StoreResult<Option<Fund>>> + Send;
    /// Every fund, newest period first.
    fn funds(&self) -> impl Future<Output = StoreResult<Vec<Fund>>> + Send;
    /// A transfer as recorded (transfers are never changed, so one may be served from memory).
    fn transfer(&self, id: TransferId) -> impl Future<Output = StoreResult<Option<Transfer>>> + Send;
    /// In one transaction: records `transfer` under its id unless that id is on record (then
    /// the recorded one is answered if its request is the same, `IdReused` if not) or the
    /// fund is no longer at `fund.version`, the version of the settings the transfer was
    /// planned with (then `StoreError::Conflict` with the version now: plan again on the fund
    /// as it is), creates the person's accounts on first use (their allocation limited to the
    /// fund's person limit), moves the totals of both accounts refusing any that would break
    /// its rules, refuses a second resolution of a commitment or reversal of a transfer,
    /// refuses posting an unapproved commitment that needs approval, and writes the audit
    /// entries and outbox events. A refusal changes nothing.
    fn record_transfer(
        &self,
        transfer: &Transfer,
        fund: &Fund,
        audit: &[AuditEntry],
        outbox: &[Event],
    ) -> impl Future<Output = StoreResult<Result<Recorded, LedgerRefusal>>> + Send;
    /// Records the approval of an open commitment; `AlreadyResolved` if it was posted or
    /// voided, `false` if it was approved already.
    fn approve(
        &self,
        approval: &Approval,
        audit: &[AuditEntry],
    ) -> impl Future<Output = StoreResult<Result<bool, LedgerRefusal>>> + Send;
    /// Every account of the fund, in code order.
    fn accounts(&self, fund: FundId) -> impl Future<Output = StoreResult<Vec<Account>>> + Send;
    /// The person's allocation and spend accounts in every fund.
    fn person_accounts(&self, person: PersonId) -> impl Future<Output = StoreResult<Vec<Account>>> + Send;
    /// The fund's transfers in the order they were recorded.
    fn transfers_of_fund(&self, fund: FundId) -> impl Future<Output = StoreResult<Vec<Transfer>>> + Send;
    /// The person's transfers in every fund, in the order they were recorded.
    fn transfers_of_person(&self, person: PersonId) -> impl Future<Output = StoreResult<Vec<Transfer>>> + Send;
    /// Commitments and grants of the fund not yet posted or voided, with their approval if any.
    fn open_commitments(&self, fund: FundId) -> impl Future<Output = StoreResult<Vec<OpenCommitment>>> + Send;

    /// Records a project group with its members (each with the day they consented).
    fn save_group(&self, group: &ProjectGroup, audit: &[AuditEntry]) -> impl Future<Output = StoreResult<()>> + Send;
    fn group(&self, id: GroupId) -> impl Future<Output = StoreResult<Option<ProjectGroup>>> + Send;
    /// The groups an agency supports, newest first.
    fn groups_of_agency(&self, agency: AgencyId) -> impl Future<Output = StoreResult<Vec<ProjectGroup>>> + Send;
    /// The group's accounts in every fund.
    fn group_accounts(&self, group: GroupId) -> impl Future<Output = StoreResult<Vec<Account>>> + Send;
    /// The group's transfers in every fund, in the order they were recorded.
    fn transfers_of_group(&self, group: GroupId) -> impl Future<Output = StoreResult<Vec<Transfer>>> + Send;
}
