//! The finder's rows (`intervention_finder`, migration 0062): per active entry, area and need,
//! the entry's version, its queue and its completions per day, so a finder request reads one
//! range of one key and nothing else. Kept in the transaction of every write that changes
//! what they copy: a catalogue save rewrites the entry's rows ([`FILL_ONE`]), a referral write
//! refreshes their queue ([`REFRESH_QUEUE`]) and, when an end date changed, their days
//! ([`REFRESH_DAYS`]); [`Store::rebuild_intervention_queues`] rebuilds them all.
//!
//! The days are `YYYY-MM-DD:count` joined by commas, the latest 120 days that had a completion
//! (the only spelling the two databases differ in). The finder sums those on or after the
//! start of its 12-week window: every day in the window is among them as long as no
//! completion is dated more than 35 days after today (completions are dated the day they are
//! recorded).

use crate::corrupt;
use domain::ports::StoreResult;
use jiff::civil::Date;

/// The days expression for the entry `$id` (an SQL expression naming it).
macro_rules! days_of {
    ($aggregate:literal, $id:literal) => {
        concat!(
            "COALESCE((SELECT ",
            $aggregate,
            " FROM (SELECT f.ended_on, f.finished FROM intervention_finished f WHERE f.intervention_id = ",
            $id,
            " AND f.finished <> 0 ORDER BY f.ended_on DESC LIMIT 120) AS d), '')"
        )
    };
}
macro_rules! sqlite_days {
    ($id:literal) => {
        days_of!("group_concat(d.ended_on || ':' || d.finished, ',')", $id)
    };
}
macro_rules! postgres_days {
    ($id:literal) => {
        days_of!("string_agg(to_char(d.ended_on, 'YYYY-MM-DD') || ':' || d.finished, ',')", $id)
    };
}
/// The rows of every active entry (`$only`: a condition narrowing them), as migration 0062
/// first wrote them.
macro_rules! fill {
    ($days:expr, $only:literal) => {
        concat!(
            "INSERT INTO intervention_finder (area, need, intervention_id, version, in_service, waiting, finished_days) \
             SELECT a.area, n.need, i.id, i.version, COALESCE(q.in_service, 0), COALESCE(q.waiting, 0), ",
            $days,
            " FROM intervention i \
             JOIN intervention_area a ON a.intervention_id = i.id \
             JOIN intervention_need n ON n.intervention_id = i.id \
             LEFT JOIN intervention_queue q ON q.intervention_id = i.id \
             WHERE i.active",
            $only
        )
    };
}

/// (SQLite, PostgreSQL): the rows of the entry `$1`, after its areas and needs are written.
pub(super) const FILL_ONE: (&str, &str) =
    (fill!(sqlite_days!("i.id"), " AND i.id = $1"), fill!(postgres_days!("i.id"), " AND i.id = $1"));
/// (SQLite, PostgreSQL): locks the entry `$1`'s queue row before its rows are rewritten. Every
/// referral write takes that lock before it refreshes the rows, so neither copies a queue the
/// other is changing. (SQLite has one writer at a time: nothing to lock.)
pub(super) const LOCK_QUEUE: (&str, &str) = (
    "SELECT intervention_id FROM intervention_queue WHERE intervention_id = $1",
    "SELECT intervention_id FROM intervention_queue WHERE intervention_id = $1 FOR UPDATE",
);
pub(super) const CLEAR_ONE: &str = "DELETE FROM intervention_finder WHERE intervention_id = $1";
/// The rows of entries, areas and needs that are no longer active, served or addressed.
pub(super) const DROP_STALE: &str = "DELETE FROM intervention_finder WHERE NOT EXISTS (SELECT 1 FROM intervention i \
     JOIN intervention_area a ON a.intervention_id = i.id JOIN intervention_need n ON n.intervention_id = i.id \
     WHERE i.active AND i.id = intervention_finder.intervention_id AND a.area = intervention_finder.area \
     AND n.need = intervention_finder.need)";
/// The rows of every active entry where they differ from `$fresh` (its rows as [`fill!`]
/// selects them, as `fresh`).
macro_rules! refill {
    ($fresh:expr) => {
        concat!(
            "INSERT INTO intervention_finder (area, need, intervention_id, version, in_service, waiting, finished_days) \
             SELECT fresh.area, fresh.need, fresh.id, fresh.version, fresh.in_service, fresh.waiting, fresh.days FROM (",
            $fresh,
            ") fresh LEFT JOIN intervention_finder f ON f.area = fresh.area AND f.need = fresh.need \
             AND f.intervention_id = fresh.id \
             WHERE f.intervention_id IS NULL OR f.version <> fresh.version OR f.in_service <> fresh.in_service \
             OR f.waiting <> fresh.waiting OR f.finished_days <> fresh.days \
             ON CONFLICT (area, need, intervention_id) DO UPDATE SET version = excluded.version, \
             in_service = excluded.in_service, waiting = excluded.waiting, finished_days = excluded.finished_days"
        )
    };
}
/// What the rows of every active entry should be. SQLite: as [`fill!`], the days per row;
/// PostgreSQL: the days of every entry in one ordered pass over the completions (per row, the
/// aggregate ran once for each area and need of an entry: most of the rebuild's time).
macro_rules! sqlite_fresh {
    () => {
        concat!(
            "SELECT a.area AS area, n.need AS need, i.id AS id, i.version AS version, \
     COALESCE(q.in_service, 0) AS in_service, COALESCE(q.waiting, 0) AS waiting, ",
            sqlite_days!("i.id"),
            " AS days FROM intervention i JOIN intervention_area a ON a.intervention_id = i.id \
     JOIN intervention_need n ON n.intervention_id = i.id \
     LEFT JOIN intervention_queue q ON q.intervention_id = i.id WHERE i.active"
        )
    };
}
macro_rules! postgres_fresh {
    () => {
        "SELECT a.area AS area, n.need AS need, i.id AS id, i.version AS version, \
     COALESCE(q.in_service, 0) AS in_service, COALESCE(q.waiting, 0) AS waiting, COALESCE(d.days, '') AS days \
     FROM intervention i JOIN intervention_area a ON a.intervention_id = i.id \
     JOIN intervention_need n ON n.intervention_id = i.id \
     LEFT JOIN intervention_queue q ON q.intervention_id = i.id \
     LEFT JOIN (SELECT l.intervention_id, \
         string_agg(to_char(l.ended_on, 'YYYY-MM-DD') || ':' || l.finished, ',' ORDER BY l.ended_on DESC) AS days \
       FROM (SELECT f.intervention_id, f.ended_on, f.finished, \
         row_number() OVER (PARTITION BY f.intervention_id ORDER BY f.ended_on DESC) AS nth \
         FROM intervention_finished f WHERE f.finished <> 0) l \
       WHERE l.nth <= 120 GROUP BY l.intervention_id) d ON d.intervention_id = i.id \
     WHERE i.active"
    };
}
/// (SQLite, PostgreSQL): the rows of every active entry, written where they differ.
pub(super) const REFILL_ALL: (&str, &str) = (refill!(sqlite_fresh!()), refill!(postgres_fresh!()));
/// The entry `$1`'s queue, copied from its summary row.
pub(super) const REFRESH_QUEUE: &str = "UPDATE intervention_finder SET \
     in_service = (SELECT q.in_service FROM intervention_queue q WHERE q.intervention_id = $1), \
     waiting = (SELECT q.waiting FROM intervention_queue q WHERE q.intervention_id = $1) \
     WHERE intervention_id = $1";
/// (SQLite, PostgreSQL): the entry `$1`'s days, from its completions per day.
pub(super) const REFRESH_DAYS: (&str, &str) = (
    concat!("UPDATE intervention_finder SET finished_days = ", sqlite_days!("$1"), " WHERE intervention_id = $1"),
    concat!("UPDATE intervention_finder SET finished_days = ", postgres_days!("$1"), " WHERE intervention_id = $1"),
);

/// The completions on or after `since` in a row's days.
pub(super) fn finished_since(days: &str, since: Date) -> StoreResult<i64> {
    let mut total = 0;
    for day in days.split(',').filter(|d| !d.is_empty()) {
        let parsed = day.split_once(':').and_then(|(on, n)| Some((on.parse::<Date>().ok()?, n.parse::<i64>().ok()?)));
        let Some((on, n)) = parsed else { return Err(corrupt("intervention_finder", day)) };
        if on >= since {
            total += n;
        }
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_days_in_the_window_are_summed_and_the_others_left_out() {
        let since: Date = "2026-09-14".parse().unwrap();
        assert_eq!(finished_since("", since).unwrap(), 0);
        assert_eq!(finished_since("2026-09-13:5,2026-09-14:2,2026-12-01:1", since).unwrap(), 3);
        assert!(finished_since("2026-09-14", since).is_err(), "a day without its count is corrupt");
    }

    #[test]
    fn both_spellings_name_the_same_rows() {
        for (sqlite, postgres) in [FILL_ONE, REFRESH_DAYS] {
            assert!(sqlite.contains("group_concat") && postgres.contains("string_agg"));
            assert_eq!(sqlite.matches("$1").count(), postgres.matches("$1").count());
        }
    }
}
