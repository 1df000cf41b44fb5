//! The maintained summary the expected wait is computed from, so neither the finder nor a
//! recomputation of every wait reads the referrals themselves:
//!
//! - `intervention_queue`: per intervention the referrals started (places in use) and those
//!   accepted or waiting (ahead of a new one), adjusted in the transaction of every referral
//!   write by what that write changed;
//! - `intervention_finished`: referrals that ended (completed or early) per intervention and
//!   day, so the throughput of any 12-week window is a sum over at most 84 rows;
//! - `intervention_area`: the areas each entry serves, folded as the finder compares them;
//! - `intervention_finder`: the finder's copy of the first two per area and need (`finder.rs`).
//!
//! [`Store::rebuild_intervention_queues`] recomputes the first two from the referrals in one
//! set-based statement each, then the finder's rows from them (after a bulk load, or to check
//! the summary).

use crate::{Store, db_error, in_tx};
use domain::interventions::ReferralStatus;
use domain::ports::StoreResult;
use jiff::civil::Date;

/// What one referral adds to its intervention's summary: (started, queued, finished on).
pub(super) fn queue_share(status: ReferralStatus, ended_on: Option<Date>) -> (i64, i64, Option<Date>) {
    let finished = matches!(status, ReferralStatus::Completed | ReferralStatus::EndedEarly).then_some(ended_on);
    (i64::from(status == ReferralStatus::Started), i64::from(status.is_queued()), finished.flatten())
}

pub(super) const ADD_TO_QUEUE: &str = "INSERT INTO intervention_queue (intervention_id, in_service, waiting) \
     VALUES ($1, $2, $3) ON CONFLICT (intervention_id) DO UPDATE SET \
     in_service = intervention_queue.in_service + excluded.in_service, \
     waiting = intervention_queue.waiting + excluded.waiting";
pub(super) const ADD_FINISHED: &str = "INSERT INTO intervention_finished (intervention_id, ended_on, finished) \
     VALUES ($1, $2, $3) ON CONFLICT (intervention_id, ended_on) DO UPDATE SET \
     finished = intervention_finished.finished + excluded.finished";

/// Adjusts the summary of intervention `$id` (a `Uuid`) on the open transaction `$tx` for a
/// referral that was `$was` (`Option<(ReferralStatus, Option<Date>)>`, none when new) and is
/// now `$status` ended on `$ended_on`.
macro_rules! adjust_queue {
    ($tx:ident, $id:expr, $was:expr, $status:expr, $ended_on:expr) => {{
        let id: uuid::Uuid = $id;
        let was: Option<(domain::interventions::ReferralStatus, Option<jiff::civil::Date>)> = $was;
        let before =
            was.map_or((0, 0, None), |(status, ended)| $crate::interventions::queue::queue_share(status, ended));
        let after = $crate::interventions::queue::queue_share($status, $ended_on);
        let (started, queued) = (after.0 - before.0, after.1 - before.1);
        // Also when only an end date changes: the upsert locks the queue row, which a catalogue
        // save rewriting the finder's rows waits for (`finder.rs`).
        if started != 0 || queued != 0 || was.is_none() || before.2 != after.2 {
            sqlx::query($crate::interventions::queue::ADD_TO_QUEUE)
                .bind(id)
                .bind(started)
                .bind(queued)
                .execute(&mut *$tx)
                .await
                .map_err($crate::db_error)?;
        }
        if started != 0 || queued != 0 {
            sqlx::query($crate::interventions::finder::REFRESH_QUEUE)
                .bind(id)
                .execute(&mut *$tx)
                .await
                .map_err($crate::db_error)?;
        }
        if before.2 != after.2 {
            for (day, n) in [(before.2, -1_i64), (after.2, 1)] {
                let Some(day) = day else { continue };
                sqlx::query($crate::interventions::queue::ADD_FINISHED)
                    .bind(id)
                    .bind($crate::types::Day(day))
                    .bind(n)
                    .execute(&mut *$tx)
                    .await
                    .map_err($crate::db_error)?;
            }
            let (sqlite, postgres) = $crate::interventions::finder::REFRESH_DAYS;
            sqlx::query($crate::spelled(&*$tx, sqlite, postgres))
                .bind(id)
                .execute(&mut *$tx)
                .await
                .map_err($crate::db_error)?;
        }
    }};
}
pub(super) use adjust_queue;

/// Every intervention's queue from its referrals, as the migration first computed it; only
/// the rows that differ are written. Before, the rebuild emptied the summary and wrote every
/// row again, each with its index entries and a foreign-key check: at national scale most of
/// the second it took on PostgreSQL, for a summary that the referral writes keep right.
const REBUILD_QUEUE: &str = "INSERT INTO intervention_queue (intervention_id, in_service, waiting) \
     SELECT fresh.id, fresh.in_service, fresh.waiting FROM (SELECT i.id AS id, \
       COALESCE(SUM(CASE WHEN r.status = 'started' THEN 1 ELSE 0 END), 0) AS in_service, \
       COALESCE(SUM(CASE WHEN r.status IN ('accepted', 'waiting') THEN 1 ELSE 0 END), 0) AS waiting \
     FROM intervention i \
     LEFT JOIN referral r ON r.intervention_id = i.id AND r.status IN ('started', 'accepted', 'waiting') \
     GROUP BY i.id) fresh \
     LEFT JOIN intervention_queue q ON q.intervention_id = fresh.id \
     WHERE q.intervention_id IS NULL OR q.in_service <> fresh.in_service OR q.waiting <> fresh.waiting \
     ON CONFLICT (intervention_id) DO UPDATE SET in_service = excluded.in_service, waiting = excluded.waiting";
/// The completions per intervention and day that no referral has any more. `NOT IN` over the
/// index `referral_intervention` (one hashed pass); as `NOT EXISTS` PostgreSQL sorted a scan
/// of every referral instead (65 ms against 23 ms at a tenth of national scale).
const DROP_FINISHED: &str = "DELETE FROM intervention_finished WHERE (intervention_id, ended_on) NOT IN \
     (SELECT r.intervention_id, r.ended_on FROM referral r \
      WHERE r.status IN ('completed', 'ended_early') AND r.ended_on IS NOT NULL)";
/// The completions per intervention and day, where they differ from the referrals'.
const REBUILD_FINISHED: &str = "INSERT INTO intervention_finished (intervention_id, ended_on, finished) \
     SELECT fresh.intervention_id, fresh.ended_on, fresh.finished FROM \
     (SELECT intervention_id, ended_on, count(*) AS finished FROM referral \
      WHERE status IN ('completed', 'ended_early') AND ended_on IS NOT NULL \
      GROUP BY intervention_id, ended_on) fresh \
     LEFT JOIN intervention_finished f ON f.intervention_id = fresh.intervention_id AND f.ended_on = fresh.ended_on \
     WHERE f.finished IS NULL OR f.finished <> fresh.finished \
     ON CONFLICT (intervention_id, ended_on) DO UPDATE SET finished = excluded.finished";

impl Store {
    /// Recomputes every intervention's queue summary from the referrals, in one transaction
    /// (writers wait; readers see the old summary until it commits): set-based statements
    /// that write only the rows that differ from what the referral writes kept.
    pub async fn rebuild_intervention_queues(&self) -> StoreResult<()> {
        in_tx!(self, tx => {
            let (sqlite_fill, postgres_fill) = super::finder::REFILL_ALL;
            let fill = crate::spelled(&*tx, sqlite_fill, postgres_fill);
            for sql in [REBUILD_QUEUE, DROP_FINISHED, REBUILD_FINISHED, super::finder::DROP_STALE, fill] {
                sqlx::query(sql).execute(&mut *tx).await.map_err(db_error)?;
            }
        });
        self.forget(crate::memory::Reference::Finder);
        Ok(())
    }
}
