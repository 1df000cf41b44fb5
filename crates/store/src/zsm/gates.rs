//! Writers of one case queue here, in this process, before they take a database connection.
//!
//! A write of a case holds its row's lock from the read inside the write to the commit (the
//! commit's flush included). When the partners at the table save their own sections of one
//! case at once, all but one wait for that lock; on PostgreSQL each waited *holding a pooled
//! connection*, so 64 partners on 16 connections left a dozen connections idle behind a few
//! row locks, the other cases' saves queued for a connection, and fewer commits shared each
//! flush of the write-ahead log. Waiting here costs no connection: the pool serves only
//! writes that can proceed. The row lock stays what makes it correct (several servers may
//! share one database); this only keeps one process from queueing on it with connections.
//!
//! A gate also hands the case as its writer left it to the next writer waiting for it: the
//! partners saving sections of one case at once then decide on the case as written without
//! reading it again (the version-guarded write still catches another server's write).

use domain::ids::CaseId;
use domain::zsm::ports::StoredCase;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};

/// One gate per case being written; a gate is dropped when its last writer is done.
#[derive(Debug, Default)]
pub(crate) struct CaseGates {
    gates: Mutex<HashMap<CaseId, Arc<AsyncMutex<Option<StoredCase>>>>>,
    /// The case as the last writer of a dropped gate left it, for the next writer that comes
    /// soon after (a partner who read the case just before that write). At most
    /// [`RECENT_CASES`]; all forgotten at once beyond.
    recent: Mutex<HashMap<CaseId, StoredCase>>,
}

const RECENT_CASES: usize = 1024;

/// Held while a case is written; lets the next writer of the case in when dropped.
pub(crate) struct CaseTurn<'a> {
    gates: &'a CaseGates,
    id: CaseId,
    guard: Option<OwnedMutexGuard<Option<StoredCase>>>,
}

impl CaseGates {
    /// Waits until no other writer of this process is writing case `id`.
    pub(crate) async fn turn(&self, id: CaseId) -> CaseTurn<'_> {
        let gate = {
            let mut gates = self.gates.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            let recent = || self.recent.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).remove(&id);
            gates.entry(id).or_insert_with(|| Arc::new(AsyncMutex::new(recent()))).clone()
        };
        let guard = gate.lock_owned().await;
        CaseTurn { gates: self, id, guard: Some(guard) }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.gates.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).len()
    }
}

impl CaseTurn<'_> {
    /// The case as the last writer through this gate left it, if one did while this writer
    /// waited (or just before); a writer sets it after its write, or clears it on failure.
    pub(crate) fn latest(&mut self) -> &mut Option<StoredCase> {
        self.guard.as_deref_mut().unwrap_or_else(|| unreachable!("held until dropped"))
    }
}

impl Drop for CaseTurn<'_> {
    fn drop(&mut self) {
        let mut gates = self.gates.gates.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        // Nobody else holds or waits for the gate when the map's reference and this writer's
        // are the only ones (a waiter took its own under the map's lock): then the gate is
        // forgotten, and the case as written kept for a while.
        let last = gates.get(&self.id).is_some_and(|gate| Arc::strong_count(gate) == 2);
        let latest = self.guard.take().and_then(|mut guard| if last { guard.take() } else { None });
        if last {
            gates.remove(&self.id);
            if let Some(latest) = latest {
                let mut recent = self.gates.recent.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                if recent.len() >= RECENT_CASES {
                    recent.clear();
                }
                recent.insert(self.id, latest);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CaseGates;
    use domain::ids::CaseId;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn writers_of_one_case_take_turns_and_the_gate_is_forgotten() {
        let gates = Arc::new(CaseGates::default());
        let id = CaseId::from_uuid(uuid::Uuid::from_u128(7));
        let inside = Arc::new(AtomicUsize::new(0));
        let mut writers = Vec::new();
        for _ in 0..8 {
            let (gates, inside) = (gates.clone(), inside.clone());
            writers.push(tokio::spawn(async move {
                let _turn = gates.turn(id).await;
                assert_eq!(inside.fetch_add(1, Ordering::SeqCst), 0, "two writers of one case at once");
                tokio::task::yield_now().await;
                inside.fetch_sub(1, Ordering::SeqCst);
            }));
        }
        for writer in writers {
            writer.await.unwrap();
        }
        assert_eq!(gates.len(), 0);
        // Another case is not held up by a writer of the first.
        let _first = gates.turn(id).await;
        let _other = gates.turn(CaseId::from_uuid(uuid::Uuid::from_u128(8))).await;
    }
}
