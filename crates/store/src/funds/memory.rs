//! Fund rows and transfers kept in memory for the transfer path, so that recording a transfer
//! reads neither its fund nor the commitment it resolves (issue 20).
//!
//! Nothing kept here is trusted to keep the ledger's rules; what a transfer may do is decided
//! in its transaction on what the database holds then:
//!
//! - A **fund** is kept as read, with its version (`fund.version`, raised by a trigger on every
//!   change of the row, migration 0075). Its settings (holder, approval threshold, person
//!   limit, kind) decide how a transfer is planned, so the INSERT that records a transfer holds
//!   `fund.version = <the version planned with>` in its WHERE: planned on settings another
//!   server changed meanwhile, the transfer is not recorded, the fund is forgotten here, and
//!   the service reads it again and plans anew (`record_transfer`). Balances and limits are
//!   never kept: the accounts' totals and limits are read and moved in the transaction's
//!   conditional UPDATEs, so no stale figure can let an account be overspent. The pages read a
//!   fund from the database (`fund`), which also refreshes what is kept.
//! - A **transfer** is never changed once recorded (the database refuses UPDATE and DELETE), so
//!   a kept transfer is the transfer; whether a commitment was resolved or approved meanwhile is
//!   not part of it and is decided in the transaction (unique `pending_id`, the approval check).
//!
//! Several servers on one database each keep their own: nothing needs announcing between them,
//! since a change another server made is found by the next transfer's version check.

use domain::funds::{Fund, Transfer};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use uuid::Uuid;

/// Funds kept at most (a deployment has tens of funds a year).
const FUNDS: usize = 4_096;
/// Transfers kept at most: the commitments recently recorded or read, which their post or
/// void follows shortly.
const TRANSFERS: usize = 16_384;

/// The funds and transfers of one store, shared by its clones.
#[derive(Debug)]
pub(crate) struct LedgerMemory {
    funds: Kept<Fund>,
    transfers: Kept<Transfer>,
}

impl Default for LedgerMemory {
    fn default() -> Self {
        LedgerMemory { funds: Kept::new(FUNDS), transfers: Kept::new(TRANSFERS) }
    }
}

impl LedgerMemory {
    pub(crate) fn fund(&self, id: Uuid) -> Option<Arc<Fund>> {
        self.funds.get(id)
    }

    /// Keeps `fund` as read, unless a newer version of it is kept already.
    pub(crate) fn keep_fund(&self, fund: Fund) {
        let mut entries = self.funds.lock();
        if entries.get(&fund.id.0).is_some_and(|kept| kept.version > fund.version) {
            return;
        }
        self.funds.insert(&mut entries, fund.id.0, Arc::new(fund));
    }

    /// Forgets the fund if it is kept at `version` (a newer one kept meanwhile stays).
    pub(crate) fn forget_fund(&self, id: Uuid, version: i64) {
        let mut entries = self.funds.lock();
        if entries.get(&id).is_some_and(|kept| kept.version <= version) {
            entries.remove(&id);
        }
    }

    pub(crate) fn transfer(&self, id: Uuid) -> Option<Transfer> {
        self.transfers.get(id).map(|t| Transfer::clone(&t))
    }

    /// Keeps a transfer as recorded (only after its transaction committed).
    pub(crate) fn keep_transfer(&self, transfer: &Transfer) {
        let mut entries = self.transfers.lock();
        self.transfers.insert(&mut entries, transfer.id.0, Arc::new(transfer.clone()));
    }
}

/// A bounded map by id.
struct Kept<T> {
    entries: Mutex<HashMap<Uuid, Arc<T>>>,
    capacity: usize,
}

impl<T> std::fmt::Debug for Kept<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Kept").field("entries", &self.lock().len()).field("capacity", &self.capacity).finish()
    }
}

impl<T> Kept<T> {
    fn new(capacity: usize) -> Self {
        Kept { entries: Mutex::new(HashMap::new()), capacity }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<Uuid, Arc<T>>> {
        // A panic while holding the lock leaves a map that is still consistent.
        self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn get(&self, id: Uuid) -> Option<Arc<T>> {
        self.lock().get(&id).cloned()
    }

    fn insert(&self, entries: &mut HashMap<Uuid, Arc<T>>, id: Uuid, value: Arc<T>) {
        if entries.len() >= self.capacity && !entries.contains_key(&id) {
            // Full: drop an arbitrary entry (the map's iteration order is randomly seeded), a
            // cheap stand-in for least-recently-used that needs no bookkeeping on reads.
            if let Some(victim) = entries.keys().next().copied() {
                entries.remove(&victim);
            }
        }
        entries.insert(id, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::funds::{FundId, FundKind};
    use domain::ids::{AgencyId, MemberId};

    fn fund(version: i64) -> Fund {
        Fund {
            id: FundId(Uuid::from_u128(7)),
            name: "Volwassenen".into(),
            kind: FundKind::Stream,
            stream: "adults".into(),
            holder: AgencyId(Uuid::from_u128(1)),
            period_start: jiff::civil::date(2026, 1, 1),
            period_end: jiff::civil::date(2026, 12, 31),
            budget_cents: 100_000,
            approval_above_cents: 5_000,
            person_limit_cents: None,
            version,
            created_at: jiff::Timestamp::UNIX_EPOCH,
            created_by: MemberId(Uuid::from_u128(2)),
        }
    }

    #[test]
    fn an_older_read_never_replaces_a_newer_fund() {
        let memory = LedgerMemory::default();
        memory.keep_fund(fund(3));
        memory.keep_fund(fund(2));
        assert_eq!(memory.fund(Uuid::from_u128(7)).map(|f| f.version), Some(3));
        memory.keep_fund(fund(4));
        assert_eq!(memory.fund(Uuid::from_u128(7)).map(|f| f.version), Some(4));
    }

    #[test]
    fn forgetting_a_version_keeps_a_newer_one() {
        let memory = LedgerMemory::default();
        memory.keep_fund(fund(5));
        memory.forget_fund(Uuid::from_u128(7), 4);
        assert_eq!(memory.fund(Uuid::from_u128(7)).map(|f| f.version), Some(5));
        memory.forget_fund(Uuid::from_u128(7), 5);
        assert!(memory.fund(Uuid::from_u128(7)).is_none());
    }

    #[test]
    fn a_full_memory_stays_within_its_capacity() {
        let kept: Kept<u32> = Kept::new(3);
        for n in 0..10u32 {
            let mut entries = kept.lock();
            kept.insert(&mut entries, Uuid::from_u128(u128::from(n)), Arc::new(n));
        }
        assert_eq!(kept.lock().len(), 3);
    }
}
