//! Group commit for audit entries that are written on their own: a record opened, people
//! listed by a search, access refused. Each used to be a write transaction of its own, and
//! under many concurrent readers they queued one by one for SQLite's single writer (and cost
//! three round trips each on PostgreSQL). The queue hands them to one writer task, which
//! commits everything that gathered while its previous commit ran in one transaction.
//!
//! Every caller still waits until its own entries are committed, so a record is never shown
//! before its reading is on record, and a failure reaches the caller whose entry failed: when
//! a shared commit fails, each caller's entries are retried alone.

use crate::Store;
use crate::audit::append_audit;
use domain::audit::AuditEntry;
use domain::ports::{StoreError, StoreResult};
use tokio::sync::{mpsc, oneshot};

/// Entries per shared commit: bounds the transaction (and SQLite's write lock) under a burst.
const MAX_BATCH_ENTRIES: usize = 2_000;

/// Shortest time between two shared commits. In WAL mode every commit empties the page cache
/// of every other SQLite connection, so under a stream of audited reads, commits back to back
/// made readers fetch their pages again on most queries. Spacing them gathers more entries
/// per commit; it delays only callers that arrive within the interval of the last commit,
/// which happens only under load.
const MIN_COMMIT_INTERVAL: std::time::Duration = std::time::Duration::from_millis(2);

struct Pending {
    entries: Vec<AuditEntry>,
    done: oneshot::Sender<StoreResult<()>>,
}

#[derive(Clone, Debug)]
pub(crate) struct AuditQueue {
    sender: mpsc::UnboundedSender<Pending>,
}

impl AuditQueue {
    /// Starts the writer task on `writer`, a store that writes directly. The task ends when
    /// the last queue handle (the last clone of the store) is dropped.
    pub(crate) fn start(writer: Store) -> AuditQueue {
        let (sender, receiver) = mpsc::unbounded_channel();
        tokio::spawn(write_batches(writer, receiver));
        AuditQueue { sender }
    }

    /// Appends `entries` and returns once they are committed.
    pub(crate) async fn append(&self, entries: &[AuditEntry]) -> StoreResult<()> {
        let stopped = || StoreError::Database("the audit writer has stopped".into());
        let (done, committed) = oneshot::channel();
        self.sender.send(Pending { entries: entries.to_vec(), done }).map_err(|_| stopped())?;
        committed.await.map_err(|_| stopped())?
    }
}

async fn write_batches(writer: Store, mut receiver: mpsc::UnboundedReceiver<Pending>) {
    let mut last_commit: Option<std::time::Instant> = None;
    while let Some(first) = receiver.recv().await {
        if let Some(wait) = last_commit.and_then(|at| MIN_COMMIT_INTERVAL.checked_sub(at.elapsed())) {
            tokio::time::sleep(wait).await;
        }
        let mut gathered = first.entries.len();
        let mut batch = vec![first];
        while gathered < MAX_BATCH_ENTRIES {
            let Ok(next) = receiver.try_recv() else { break };
            gathered += next.entries.len();
            batch.push(next);
        }
        let entries: Vec<AuditEntry> = batch.iter().flat_map(|p| p.entries.iter().cloned()).collect();
        let shared = append_audit(&writer, &entries).await;
        match shared {
            Ok(()) => batch.into_iter().for_each(|pending| {
                let _ = pending.done.send(Ok(()));
            }),
            Err(error) if batch.len() == 1 => {
                let _ = batch.remove(0).done.send(Err(error));
            }
            Err(_) => {
                for pending in batch {
                    let _ = pending.done.send(append_audit(&writer, &pending.entries).await);
                }
            }
        }
        last_commit = Some(std::time::Instant::now());
    }
}
