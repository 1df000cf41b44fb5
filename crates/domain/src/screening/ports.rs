//! The screening capability's storage port: screenings are added, never changed; referrals
//! from the ZSM table stay open until a screening of the person answers them.

use crate::audit::AuditEntry;
use crate::ids::{AgencyId, PersonId};
use crate::ports::StoreResult;
use crate::screening::{Screening, ScreeningReferral};
use jiff::Timestamp;
use jiff::civil::Date;
use std::future::Future;

pub trait ScreeningStore: Send + Sync {
    /// Saves a screening and its audit entry atomically. Screenings are never changed afterwards.
    fn add_screening(
        &self,
        screening: &Screening,
        recorded_at: Timestamp,
        audit: &AuditEntry,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// The person's screenings, oldest first.
    fn screenings(&self, person: PersonId) -> impl Future<Output = StoreResult<Vec<Screening>>> + Send;
    /// The person's latest screening (by date, then id), with its scores: what the finder
    /// reads on every request.
    fn latest_screening(&self, person: PersonId) -> impl Future<Output = StoreResult<Option<Screening>>> + Send;
    /// The person's referrals from the ZSM table not yet answered by a screening, oldest first.
    /// (`add_screening` answers them all, in its transaction.)
    fn open_referrals(&self, person: PersonId) -> impl Future<Output = StoreResult<Vec<ScreeningReferral>>> + Send;
    /// Open referrals of persons whose team `agency` is on (valid on `today`), oldest first.
    fn waiting_referrals(
        &self,
        agency: AgencyId,
        today: Date,
        limit: u32,
    ) -> impl Future<Output = StoreResult<Vec<ScreeningReferral>>> + Send;
}
