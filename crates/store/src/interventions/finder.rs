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

use crate::memory::{Lookup, Memory};
use crate::read::params;
use crate::{Store, corrupt};
use domain::ids::PersonId;
use domain::ports::StoreResult;
use jiff::civil::Date;
use std::sync::Arc;
use uuid::Uuid;

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

/// One of the finder's rows for an area and need, its days as stored.
#[derive(Debug, Clone)]
pub(crate) struct FinderRow {
    pub(crate) id: Uuid,
    pub(crate) version: i64,
    pub(crate) in_service: i64,
    pub(crate) waiting: i64,
    /// Completions per day, as stored (`YYYY-MM-DD:count` joined by commas). Summed as text:
    /// on SQLite every finder request reads ~160 of these rows with up to 120 days each, and
    /// parsing every day into a date and a list was most of what the rows cost (profile of the
    /// national bench); a `YYYY-MM-DD` day compares as its text does.
    days: Box<str>,
}

/// A day as the finder's rows spell it (`YYYY-MM-DD`), to compare stored days with.
pub(crate) struct DayText([u8; 10]);

impl DayText {
    pub(crate) fn of(day: Date) -> DayText {
        let text = format!("{:04}-{:02}-{:02}", day.year().clamp(0, 9999), day.month(), day.day());
        let mut out = [b'0'; 10];
        out.copy_from_slice(&text.as_bytes()[..10]);
        DayText(out)
    }
}

/// Whether `day` is spelled `YYYY-MM-DD` (digits and dashes where a stored day has them).
fn is_day(day: &[u8]) -> bool {
    day.len() == 10
        && day.iter().enumerate().all(|(at, b)| if at == 4 || at == 7 { *b == b'-' } else { b.is_ascii_digit() })
}

impl FinderRow {
    /// The completions on or after `since`; an entry not spelled `YYYY-MM-DD:count` is corrupt.
    pub(crate) fn finished_since(&self, since: &DayText) -> StoreResult<i64> {
        let mut total = 0;
        for day in self.days.as_bytes().split(|b| *b == b',').filter(|d| !d.is_empty()) {
            let count = match day.split_at_checked(10) {
                Some((on, [b':', count @ ..])) if is_day(on) => {
                    std::str::from_utf8(count).ok().and_then(|n| n.parse::<i64>().ok()).map(|n| (on, n))
                }
                _ => None,
            };
            let Some((on, n)) = count else {
                return Err(corrupt("intervention_finder", String::from_utf8_lossy(day)));
            };
            if on >= &since.0[..] {
                total += n;
            }
        }
        Ok(total)
    }
}

/// A need of the person's latest screening and one of the finder's rows for it (none when
/// nothing in the area addresses it): (need, score, id, version, in service, waiting, days).
type NeedRow = (String, i64, Option<Uuid>, Option<i64>, Option<i64>, Option<i64>, Option<String>);

/// The needs of the latest screening of `$1` (scores at most `$3`), each joined to the finder's
/// rows for the area `$2` and that need: one probe of `screening_person_latest`, then one range
/// of one key per need. (Before, the screening and the candidates were two round trips.)
const NEEDS_AND_ROWS: &str = "SELECT n.domain, n.score, f.intervention_id, f.version, f.in_service, f.waiting, \
     f.finished_days FROM screening_score n \
     LEFT JOIN intervention_finder f ON f.area = $2 AND f.need = n.domain \
     WHERE n.screening_id = (SELECT l.id FROM screening l WHERE l.person_id = $1 \
     ORDER BY l.screened_on DESC, l.id DESC LIMIT 1) AND n.score <= $3 \
     ORDER BY n.domain, f.intervention_id";

/// The needs of a screening and, for each, the finder's rows of the area.
pub(super) type NeedsAndRows = (Vec<String>, Vec<Arc<Vec<FinderRow>>>);

fn checked_score(score: i64) -> StoreResult<()> {
    match u8::try_from(score).ok().and_then(domain::screening::Score::from_stored) {
        Some(_) => Ok(()),
        None => Err(corrupt("screening score", score)),
    }
}

/// `rows` by need, in the order of the needs.
fn by_need(rows: Vec<NeedRow>) -> StoreResult<Vec<(String, Vec<FinderRow>)>> {
    let mut out: Vec<(String, Vec<FinderRow>)> = Vec::new();
    for (need, score, id, version, in_service, waiting, days) in rows {
        checked_score(score)?;
        if out.last().is_none_or(|(last, _)| *last != need) {
            out.push((need, Vec::new()));
        }
        if let (Some(id), Some(version), Some(days), Some((_, list))) = (id, version, days, out.last_mut()) {
            let (in_service, waiting) = (in_service.unwrap_or(0), waiting.unwrap_or(0));
            list.push(FinderRow { id, version, in_service, waiting, days: days.into_boxed_str() });
        }
    }
    Ok(out)
}

impl Store {
    /// The needs and the rows in one statement (SQLite; PostgreSQL while memory is not
    /// trusted). No area: the needs only.
    pub(super) async fn finder_rows_read(
        &self,
        person: PersonId,
        area: Option<&str>,
        need_at_most: u8,
    ) -> StoreResult<NeedsAndRows> {
        let binds = params![*person.as_uuid(), area.unwrap_or(""), i64::from(need_at_most)];
        let rows: Vec<NeedRow> = self.read_all(NEEDS_AND_ROWS, binds).await?;
        let (needs, rows): (Vec<String>, Vec<Vec<FinderRow>>) = by_need(rows)?.into_iter().unzip();
        let rows = if area.is_some() { rows.into_iter().map(Arc::new).collect() } else { Vec::new() };
        Ok((needs, rows))
    }

    /// The needs in one statement and the rows of each from memory (`memory.rs`): the rows
    /// are the same for every person of the area with that need and change only with a
    /// catalogue or referral write (announced as `finder`), while reading them was most of
    /// what a finder request cost PostgreSQL. Rows not kept are read in the same statement as
    /// the needs, and kept.
    pub(super) async fn finder_rows_kept(
        &self,
        memory: &Memory,
        person: PersonId,
        area: &str,
        need_at_most: u8,
    ) -> StoreResult<NeedsAndRows> {
        let sql = "SELECT n.domain, n.score FROM screening_score n \
                   WHERE n.screening_id = (SELECT l.id FROM screening l WHERE l.person_id = $1 \
                   ORDER BY l.screened_on DESC, l.id DESC LIMIT 1) AND n.score <= $2 ORDER BY n.domain";
        let found: Vec<(String, i64)> = self.read_all(sql, params![*person.as_uuid(), i64::from(need_at_most)]).await?;
        let mut needs = Vec::with_capacity(found.len());
        let mut rows = Vec::with_capacity(found.len());
        let mut epochs = Vec::new();
        for (need, score) in found {
            checked_score(score)?;
            match memory.finder.lookup(&(area.to_owned(), need.clone())) {
                Lookup::Kept(kept) => rows.push(kept),
                Lookup::Unknown { epoch } => epochs.push(epoch),
            }
            needs.push(need);
        }
        if epochs.is_empty() {
            return Ok((needs, rows));
        }
        // Some were not kept: all again, as the one statement reads them (a screening saved
        // meanwhile comes as saved), and each need's rows kept.
        let epoch = epochs.into_iter().min().unwrap_or_default();
        let binds = params![*person.as_uuid(), area, i64::from(need_at_most)];
        let read: Vec<NeedRow> = self.read_all(NEEDS_AND_ROWS, binds).await?;
        let mut needs = Vec::new();
        let mut rows = Vec::new();
        for (need, found) in by_need(read)? {
            let found = Arc::new(found);
            memory.finder.keep((area.to_owned(), need.clone()), found.clone(), epoch);
            needs.push(need);
            rows.push(found);
        }
        Ok((needs, rows))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_days_in_the_window_are_summed_and_the_others_left_out() {
        let since = DayText::of("2026-09-14".parse().unwrap());
        let row = |days: &str| FinderRow { id: Uuid::nil(), version: 1, in_service: 0, waiting: 0, days: days.into() };
        assert_eq!(row("").finished_since(&since).unwrap(), 0);
        assert_eq!(row("2026-09-13:5,2026-09-14:2,2026-12-01:1").finished_since(&since).unwrap(), 3);
        assert_eq!(row("2026-12-01:1,2026-09-14:2,2026-09-13:5").finished_since(&since).unwrap(), 3);
        assert_eq!(row("2027-01-02:10").finished_since(&since).unwrap(), 10, "a later year counts");
        assert!(row("2026-09-14").finished_since(&since).is_err(), "a day without its count is corrupt");
        assert!(row("2026-9-14:1").finished_since(&since).is_err(), "a day not spelled YYYY-MM-DD is corrupt");
        assert!(row("2026-09-14:x").finished_since(&since).is_err(), "a count that is no number is corrupt");
    }

    #[test]
    fn both_spellings_name_the_same_rows() {
        for (sqlite, postgres) in [FILL_ONE, REFRESH_DAYS] {
            assert!(sqlite.contains("group_concat") && postgres.contains("string_agg"));
            assert_eq!(sqlite.matches("$1").count(), postgres.matches("$1").count());
        }
    }
}
