//! The board's list of cases, kept per location and reading agency for as long as the
//! location's board generation (migration 0019) stands still.
//!
//! Every view of a board listed its cases afresh: per case an index entry, the suspect's name
//! and a check of the reader's agency on the team, three B-tree seeks per case and a third of
//! the server's time under a table's polling screens. Everything that can change such a list
//! raises the generation in its own transaction (`touch_boards_of_suspect!`), so a list read
//! after reading generation `g` is at least as new as `g`: a view that reads `g` again may
//! use it. Servers sharing one database see each other's changes through the column, and the
//! parsed cases come from `parsed.rs`, by version, as before.

use crate::Store;
use crate::read::params;
use crate::types::{Day, Instant};
use domain::ids::AgencyId;
use domain::ports::StoreResult;
use domain::zsm::ports::BoardCase;
use jiff::Timestamp;
use jiff::civil::Date;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use uuid::Uuid;

/// `BOARD_COLUMNS`: the case's id and version, then the suspect's family and given names.
pub(super) type BoardRow = (Uuid, i64, String, Option<String>);

/// `BOARD_COLUMNS` of a decided case, then when it was first decided.
type DecidedRow = (Uuid, i64, String, Option<String>, Instant);

pub(super) const BOARD_COLUMNS: &str = "c.id, c.version, p.family_name, p.given_names";

/// Only cases whose suspect has `$2` (the reader's agency) on the team, valid on `$3`.
pub(super) const ON_TEAM: &str = "EXISTS (SELECT 1 FROM team_entry te WHERE te.person_id = c.suspect_id \
     AND te.agency_id = $2 AND te.ended_at IS NULL AND (te.consent_expires_on IS NULL OR te.consent_expires_on >= $3))";

/// Raises the board generation of every location where `$1` (a person) is the suspect of a
/// case, in the slot of the writing connection (migration 0055), in one statement: on
/// PostgreSQL the server process's id picks one of 64 slots, so concurrent writes at one
/// location (each on its own connection) lock different rows and their commits are not queued
/// one behind the other; SQLite has one writer at a time and keeps one slot. The locations are
/// raised in code order, so two transactions raising the same ones take PostgreSQL's row locks
/// in the same order and cannot deadlock. (SQLite reads `ON CONFLICT` after a `SELECT` as an
/// upsert only when the `SELECT` has a `WHERE`, as this one has.)
pub(crate) const RAISE_SLOTS_POSTGRES: &str = "INSERT INTO zsm_board_slot (location, slot, generation) \
     SELECT DISTINCT location, pg_backend_pid() % 64, 1 FROM zsm_case WHERE suspect_id = $1 ORDER BY location \
     ON CONFLICT (location, slot) DO UPDATE SET generation = zsm_board_slot.generation + 1";
pub(crate) const RAISE_SLOTS_SQLITE: &str = "INSERT INTO zsm_board_slot (location, slot, generation) \
     SELECT DISTINCT location, 0, 1 FROM zsm_case WHERE suspect_id = $1 ORDER BY location \
     ON CONFLICT (location, slot) DO UPDATE SET generation = zsm_board_slot.generation + 1";

/// A board's generation: the location's own column (raised for every board at once by bulk
/// loads) plus its slots. Every part only grows, so the sum moves with every committed change.
const BOARD_GENERATION: &str = "SELECT l.board_generation + \
     (SELECT CAST(COALESCE(SUM(s.generation), 0) AS BIGINT) FROM zsm_board_slot s WHERE s.location = l.code) \
     FROM zsm_location l WHERE l.code = $1";

/// Raises the board generation of every location where `$person` is the suspect of a case,
/// inside the transaction of a change to one of their cases, their team or their name: one
/// statement (`RAISE_SLOTS_*`), one round trip while the case's row lock is held.
macro_rules! touch_boards_of_suspect {
    ($tx:ident, $person:expr) => {{
        let person: uuid::Uuid = $person;
        let raise =
            $crate::spelled(&*$tx, $crate::zsm::board::RAISE_SLOTS_SQLITE, $crate::zsm::board::RAISE_SLOTS_POSTGRES);
        sqlx::query(raise).bind(person).execute(&mut *$tx).await.map_err($crate::db_error)?;
    }};
}

pub(crate) use touch_boards_of_suspect;

/// One board's cases as read at a generation.
struct Listing {
    generation: i64,
    today: Date,
    /// Decided cases were read from this moment on: the listing serves windows starting later.
    decided_from: Timestamp,
    open: Vec<BoardCase>,
    /// Newest decision first, each with the moment it was first decided.
    decided: Vec<(Timestamp, BoardCase)>,
}

impl Listing {
    fn serves(&self, generation: i64, today: Date, decided_since: Timestamp) -> bool {
        self.generation == generation && self.today == today && self.decided_from <= decided_since
    }

    fn cases(&self, decided_since: Timestamp) -> Vec<BoardCase> {
        let decided = self.decided.iter().take_while(|(at, _)| *at >= decided_since).map(|(_, case)| case);
        self.open.iter().chain(decided).cloned().collect()
    }
}

/// How many board lists a server keeps: one per location and reading agency, so a national
/// deployment's tables and their partners fit many times over.
const LISTINGS_KEPT: usize = 1_024;

/// The board lists of one store, shared by its clones.
#[derive(Default)]
pub(crate) struct BoardListings {
    entries: Mutex<HashMap<(Uuid, String), Arc<Listing>>>,
}

impl std::fmt::Debug for BoardListings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BoardListings").field("kept", &self.lock().len()).finish()
    }
}

impl BoardListings {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(Uuid, String), Arc<Listing>>> {
        // A panic while holding the lock leaves a map that is still consistent.
        self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn get(&self, key: &(Uuid, String)) -> Option<Arc<Listing>> {
        self.lock().get(key).cloned()
    }

    fn put(&self, key: (Uuid, String), listing: Arc<Listing>) {
        let mut entries = self.lock();
        if entries.len() >= LISTINGS_KEPT && !entries.contains_key(&key) {
            entries.clear();
        }
        // A slower reader may put an older listing after a newer one: keep the newer.
        if entries.get(&key).is_none_or(|kept| kept.generation <= listing.generation) {
            entries.insert(key, listing);
        }
    }
}

impl Store {
    /// The board of `location` as `agency` sees it on `today`: open cases by their most
    /// urgent deadline, then those decided since `decided_since`, newest first.
    pub(super) async fn board_list(
        &self,
        location: &str,
        agency: AgencyId,
        today: Date,
        decided_since: Timestamp,
    ) -> StoreResult<Vec<BoardCase>> {
        let Some((generation,)) = self.read_optional::<(i64,)>(BOARD_GENERATION, params![location]).await? else {
            return Ok(Vec::new());
        };
        let key = (*agency.as_uuid(), location.to_string());
        if let Some(listing) = self.boards.get(&key).filter(|l| l.serves(generation, today, decided_since)) {
            return Ok(listing.cases(decided_since));
        }
        let listing = self.read_listing(location, agency, generation, today, decided_since).await?;
        let cases = listing.cases(decided_since);
        self.boards.put(key, Arc::new(listing));
        Ok(cases)
    }

    async fn read_listing(
        &self,
        location: &str,
        agency: AgencyId,
        generation: i64,
        today: Date,
        decided_from: Timestamp,
    ) -> StoreResult<Listing> {
        let open = format!(
            "SELECT {BOARD_COLUMNS} FROM zsm_case c JOIN person p ON p.id = c.suspect_id \
             WHERE c.location = $1 AND c.is_open = $4 AND {ON_TEAM} \
             ORDER BY c.urgent_deadline IS NULL, c.urgent_deadline, c.id"
        );
        let decided = format!(
            "SELECT {BOARD_COLUMNS}, c.first_decided_at FROM zsm_case c JOIN person p ON p.id = c.suspect_id \
             WHERE c.location = $1 AND c.is_open = $4 AND c.first_decided_at >= $5 AND {ON_TEAM} \
             ORDER BY c.first_decided_at DESC, c.id"
        );
        let agency = *agency.as_uuid();
        let open_rows: Vec<BoardRow> = self.read_all(&open, params![location, agency, Day(today), true]).await?;
        let decided_rows: Vec<DecidedRow> =
            self.read_all(&decided, params![location, agency, Day(today), false, Instant(decided_from)]).await?;
        let decided_at: HashMap<Uuid, Timestamp> = decided_rows.iter().map(|row| (row.0, row.4.0)).collect();
        let rows = open_rows
            .into_iter()
            .chain(decided_rows.into_iter().map(|(id, v, family, given, _)| (id, v, family, given)));
        let mut open = Vec::new();
        let mut decided = Vec::new();
        for case in self.board_cases(rows.collect()).await? {
            match decided_at.get(&case.stored.id().as_uuid()) {
                Some(at) => decided.push((*at, case)),
                None => open.push(case),
            }
        }
        Ok(Listing { generation, today, decided_from, open, decided })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(generation: i64, decided_from: &str) -> Listing {
        Listing {
            generation,
            today: "2026-11-23".parse().unwrap(),
            decided_from: decided_from.parse().unwrap(),
            open: Vec::new(),
            decided: Vec::new(),
        }
    }

    #[test]
    fn a_listing_serves_only_its_generation_day_and_later_windows() {
        let kept = listing(4, "2026-11-23T08:00:00Z");
        let today: Date = "2026-11-23".parse().unwrap();
        assert!(kept.serves(4, today, "2026-11-23T08:00:00Z".parse().unwrap()));
        assert!(kept.serves(4, today, "2026-11-23T09:30:00Z".parse().unwrap()));
        assert!(!kept.serves(5, today, "2026-11-23T09:30:00Z".parse().unwrap()), "the board changed");
        assert!(!kept.serves(4, "2026-11-24".parse().unwrap(), "2026-11-23T09:30:00Z".parse().unwrap()));
        assert!(!kept.serves(4, today, "2026-11-23T07:59:59Z".parse().unwrap()), "a wider window than was read");
    }

    #[test]
    fn an_older_listing_never_replaces_a_newer_one() {
        let lists = BoardListings::default();
        let key = (Uuid::nil(), "zsm-utrecht".to_string());
        lists.put(key.clone(), Arc::new(listing(7, "2026-11-23T08:00:00Z")));
        lists.put(key.clone(), Arc::new(listing(6, "2026-11-23T08:00:00Z")));
        assert_eq!(lists.get(&key).unwrap().generation, 7);
        lists.put(key.clone(), Arc::new(listing(8, "2026-11-23T08:00:00Z")));
        assert_eq!(lists.get(&key).unwrap().generation, 8);
    }
}
