//! The ZSM table: locations, cases with their clocks, and the history rows every transition
//! appends. The case row carries the domain state (JSON) and the board/metrics columns the
//! domain derived (`view::index`); the history rows are written from the transition's effects,
//! in the same transaction as the audit entries and any new case-team entries.

use crate::audit::insert_audit;
use crate::read::{params, read_row_struct};
use crate::screening::upsert_screening_referrals;
use crate::team_writes::insert_team_entries;
use crate::types::{Day, Instant};
use crate::versioned::save_versioned;
use crate::{Store, corrupt, db_error, in_list, in_tx, to_json};

pub(crate) mod board;
pub(crate) mod gates;
#[macro_use]
mod history;
mod section_save;
use board::{BOARD_COLUMNS, BoardRow, ON_TEAM, touch_boards_of_suspect};
use domain::ids::{AgencyId, CaseId, MemberId, PersonId};
use domain::jurisdiction::Partner;
use domain::ports::StoreResult;
use domain::zsm::model::forms::contribution_state_code;
use domain::zsm::model::intake::Victim;
use domain::zsm::model::prior::PriorOffence;
use domain::zsm::model::view::{CaseIndex, MetricsRow};
use domain::zsm::ports::{BoardCase, CaseStep, CaseWrite, StoredCase, ZsmLocation, ZsmStore};
use domain::zsm::workflow::case::CaseEffect;
use domain::zsm::workflow::clock::{ClockEffect, ClockRun};
use history::{ClockEventRow, case_event, clock_event};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use uuid::Uuid;

fn code<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// A fresh row id for history rows; time-ordered like every other id.
fn row_id(at: Timestamp) -> Uuid {
    *domain::ids::AuditId::new(at).as_uuid()
}

/// state, clocks, lawyer_id, version
type CaseRow = (String, String, Option<Uuid>, i64);

/// offence_date, outcome_date, outcome, offence_type, seriousness
type PriorRow = (Day, Option<Day>, String, String, Option<i64>);

/// code, name, pack, time zone, then one of its agencies (none when it has none)
type LocationAgencyRow = (String, String, String, Option<String>, Option<Uuid>);

/// code, name, pack
type LocationRow = (String, String, String, Option<String>);

read_row_struct! {
    /// When a case was registered and its suspect arrested, then the derived index columns.
    struct MetricsDbRow {
        registered_at: Instant,
        arrested_at: Instant,
        status: String,
        is_open: bool,
        urgent_deadline: Option<Instant>,
        first_decided_at: Option<Instant>,
        disposal: Option<String>,
        settled_at_table: bool,
        within_target: Option<bool>,
        signals_beyond_case: bool,
        referral_made: bool,
    }
}

/// The cases of a person as suspect, or those naming them as a victim, oldest first (for the
/// subject-access export).
pub(crate) async fn cases_of_person(store: &Store, person: PersonId, as_victim: bool) -> StoreResult<Vec<StoredCase>> {
    let sql = if as_victim {
        "SELECT state, clocks, lawyer_id, version FROM zsm_case WHERE id IN \
         (SELECT case_id FROM zsm_victim WHERE person_id = $1) ORDER BY registered_at, id"
    } else {
        "SELECT state, clocks, lawyer_id, version FROM zsm_case WHERE suspect_id = $1 ORDER BY registered_at, id"
    };
    let rows: Vec<CaseRow> = store.read_all(sql, params![*person.as_uuid()]).await?;
    rows.into_iter().map(into_stored).collect()
}

fn into_stored((state, clocks, lawyer_id, version): CaseRow) -> StoreResult<StoredCase> {
    Ok(StoredCase {
        case: serde_json::from_str(&state).map_err(|e| corrupt("case", e))?,
        clocks: serde_json::from_str(&clocks).map_err(|e| corrupt("clocks", e))?,
        lawyer: lawyer_id.map(MemberId::from_uuid),
        version,
    })
}

/// A case read inside a write. PostgreSQL locks its row until the commit: a writer holding it
/// is waited for, and the row is then read as that writer left it. On SQLite the write's
/// transaction already holds the database's one write lock (`BEGIN IMMEDIATE`).
const CASE_FOR_WRITE: &str = "SELECT state, clocks, lawyer_id, version FROM zsm_case WHERE id = $1";
/// `FOR NO KEY UPDATE`, the lock the UPDATE takes anyway: it leaves the key-share locks free
/// that inserting a row referring to the case (its history, an audit entry) takes.
const CASE_FOR_UPDATE: &str = "SELECT state, clocks, lawyer_id, version FROM zsm_case WHERE id = $1 FOR NO KEY UPDATE";

/// Writes the next version of a case row (guarded by the version before) and everything the
/// write adds beside it, on the open transaction.
macro_rules! update_case {
    ($tx:ident, $write:expr, $state:expr, $clocks:expr) => {{
        let write: &CaseWrite<'_> = $write;
        let stored = write.stored;
        let index = write.index;
        save_versioned!($tx, "zsm_case", id: stored.case.id.as_uuid(), version: stored.version,
            set {
                state: $state,
                clocks: $clocks,
                status: index.status.clone(),
                is_open: index.open,
                urgent_deadline: index.urgent_deadline.map(Instant),
                first_decided_at: index.first_decided_at.map(Instant),
                disposal: index.disposal.clone(),
                settled_at_table: index.settled_at_table,
                within_target: index.within_target,
                signals_beyond_case: index.signals_beyond_case,
                referral_made: index.referral_made,
                lawyer_id: stored.lawyer.map(|m| *m.as_uuid()),
                updated_at: Instant(write.at),
                updated_by: *write.by.as_uuid(),
            });
        write_with_case!($tx, write);
    }};
}

/// The derived columns of the case row, bound in this order after `state, clocks`.
macro_rules! bind_index {
    ($query:expr, $index:expr) => {{
        let index: &domain::zsm::model::view::CaseIndex = $index;
        $query
            .bind(index.status.clone())
            .bind(index.open)
            .bind(index.urgent_deadline.map(Instant))
            .bind(index.first_decided_at.map(Instant))
            .bind(index.disposal.clone())
            .bind(index.settled_at_table)
            .bind(index.within_target)
            .bind(index.signals_beyond_case)
            .bind(index.referral_made)
    }};
}

/// The columns of a new case row, in the order `bind_new_case!` binds them.
pub(crate) const CASE_COLUMNS: &str = "state, clocks, status, is_open, urgent_deadline, first_decided_at, disposal, \
     settled_at_table, within_target, signals_beyond_case, referral_made, id, location, pack, suspect_id, lawyer_id, \
     suspect_is_minor, arrested_at, arrived_at, police_report_summary, prior_record_summary, registered_at, \
     registered_by, version, updated_at, updated_by";

/// Binds a new case row (`CASE_COLUMNS`): the stored case, its derived index, its state and
/// clocks as JSON, and when and by whom it was last written.
macro_rules! bind_new_case {
    ($query:expr, $stored:expr, $index:expr, $state:expr, $clocks:expr, $at:expr, $by:expr) => {{
        let stored: &StoredCase = $stored;
        let case = &stored.case;
        let details = case.intake.details();
        bind_index!($query.bind($state).bind($clocks), $index)
            .bind(case.id.as_uuid())
            .bind(&details.location)
            .bind(&case.pack)
            .bind(*details.suspect.as_uuid())
            .bind(stored.lawyer.map(|m| *m.as_uuid()))
            .bind(details.suspect_is_minor)
            .bind(Instant(details.arrested_at))
            .bind(Instant(details.arrived_at_station))
            .bind(&details.police_report_summary)
            .bind(&details.prior_record_summary)
            .bind(Instant(case.intake.registered_at()))
            .bind(*details.registered_by.as_uuid())
            .bind(stored.version)
            .bind(Instant($at))
            .bind($by)
    }};
}

/// The columns of an intake offence row, in the order `bind_offence!` binds them.
pub(crate) const OFFENCE_COLUMNS: &str =
    "case_id, seq, offence_type, committed_on, place, description, pretrial_detention_allowed";

macro_rules! bind_offence {
    ($query:expr, $case:expr, $seq:expr, $offence:expr) => {{
        let offence: &domain::zsm::model::intake::Offence = $offence;
        $query
            .bind($case)
            .bind($seq as i64)
            .bind(&offence.offence_type)
            .bind(Day(offence.committed_on))
            .bind(&offence.place)
            .bind(&offence.description)
            .bind(offence.pretrial_detention_allowed)
    }};
}

pub(crate) use bind_index;
pub(crate) use bind_new_case;
pub(crate) use bind_offence;

impl ZsmStore for Store {
    async fn create_location(&self, location: &ZsmLocation, at: Timestamp) -> StoreResult<()> {
        in_tx!(self, tx => {
            sqlx::query("INSERT INTO zsm_location (code, name, pack, time_zone, created_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(&location.code)
                .bind(&location.name)
                .bind(&location.pack)
                .bind(&location.time_zone)
                .bind(Instant(at))
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
            for agency in &location.agencies {
                sqlx::query("INSERT INTO zsm_location_agency (location, agency_id) VALUES ($1, $2)")
                    .bind(&location.code)
                    .bind(agency.as_uuid())
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
            }
        });
        self.forget(crate::memory::Reference::Packs);
        Ok(())
    }

    async fn locations(&self) -> StoreResult<Vec<ZsmLocation>> {
        let rows: Vec<LocationRow> =
            self.read_all("SELECT code, name, pack, time_zone FROM zsm_location ORDER BY name, code", &[]).await?;
        let mut locations = Vec::new();
        for row in rows {
            locations.push(self.with_agencies(row).await?);
        }
        Ok(locations)
    }

    async fn location(&self, code: &str) -> StoreResult<Option<ZsmLocation>> {
        // With its agencies in the same read: every case write and view looks its location up.
        let sql = "SELECT l.code, l.name, l.pack, l.time_zone, a.agency_id FROM zsm_location l \
                   LEFT JOIN zsm_location_agency a ON a.location = l.code WHERE l.code = $1 ORDER BY a.agency_id";
        let rows: Vec<LocationAgencyRow> = self.read_all(sql, params![code]).await?;
        let Some((code, name, pack, time_zone, _)) = rows.first().cloned() else { return Ok(None) };
        let agencies = rows.iter().filter_map(|row| row.4.map(AgencyId::from_uuid)).collect();
        Ok(Some(ZsmLocation { code, name, pack, agencies, time_zone }))
    }

    async fn create_case(&self, write: CaseWrite<'_>) -> StoreResult<()> {
        let stored = write.stored;
        let case = &stored.case;
        let details = case.intake.details();
        let state = to_json(case)?;
        let clocks = to_json(&stored.clocks)?;
        let insert_case = format!("INSERT INTO zsm_case ({CASE_COLUMNS}) VALUES ({})", in_list(26));
        let insert_offence = format!("INSERT INTO zsm_offence ({OFFENCE_COLUMNS}) VALUES ({})", in_list(7));
        in_tx!(self, tx => {
            bind_new_case!(sqlx::query(sqlx::AssertSqlSafe(insert_case.as_str())), stored, write.index, state, clocks, write.at, *write.by.as_uuid())
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
            for (seq, offence) in details.offences.iter().enumerate() {
                bind_offence!(sqlx::query(sqlx::AssertSqlSafe(insert_offence.as_str())), case.id.as_uuid(), seq, offence)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
            }
            for (seq, victim) in details.victims.iter().enumerate() {
                let (person, description) = match victim {
                    Victim::Known(person) => (Some(*person.as_uuid()), None),
                    Victim::Anonymous { description } => (None, Some(description.as_str())),
                };
                sqlx::query("INSERT INTO zsm_victim (case_id, seq, person_id, description) VALUES ($1, $2, $3, $4)")
                    .bind(case.id.as_uuid())
                    .bind(seq as i64)
                    .bind(person)
                    .bind(description)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
            }
            // The initial state of every partner's section is its first version.
            for (partner, _) in case.contributions.iter() {
                insert_contribution!(tx, write, partner);
            }
            write_with_case!(tx, &write);
        });
        Ok(())
    }

    async fn save_case(&self, write: CaseWrite<'_>) -> StoreResult<()> {
        let state = to_json(&write.stored.case)?;
        let clocks = to_json(&write.stored.clocks)?;
        if let Some(crate::read::Reader::Postgres(reader)) = self.reader.as_deref()
            && section_save::is_section_save(&write)
        {
            return section_save::save(reader, &write, state, clocks).await;
        }
        in_tx!(self, tx => {
            update_case!(tx, &write, state, clocks);
        });
        Ok(())
    }

    async fn change_case<E, F>(&self, id: CaseId, read: StoredCase, mut decide: F) -> StoreResult<Result<StoredCase, E>>
    where
        E: Send,
        F: FnMut(StoredCase) -> Result<CaseStep, E> + Send,
    {
        // In turn with this process's other writers of the case, before taking a connection.
        let mut turn = self.case_gates.turn(id).await;
        // Decided on the case as last known, outside any transaction: as read by the caller,
        // or as the writer before this one in turn left it, whichever is newer (no read
        // again). The row is then locked only by the guarded write, not while the case is
        // parsed, changed and serialised between round trips. Only another server writing
        // the case in between fails the guard; then it is read and decided again, at last
        // under its row lock, so no partner is refused for someone else's section.
        let current = match turn.latest().take() {
            Some(latest) if latest.version >= read.version => latest,
            _ => read,
        };
        let mut current = Some(current);
        // Once more on the case read afresh when the one known was not the newest.
        for _ in 0..2 {
            let known = match current.take() {
                Some(known) => known,
                None => self.case(id).await?.ok_or(domain::ports::StoreError::NotFound)?,
            };
            let step = match decide(known) {
                Ok(step) => step,
                Err(refused) => return Ok(Err(refused)),
            };
            match self.save_case(step.write()).await {
                Ok(()) => {
                    *turn.latest() = Some(step.stored.clone());
                    return Ok(Ok(step.stored));
                }
                Err(domain::ports::StoreError::Conflict { .. }) => {}
                Err(other) => return Err(other),
            }
        }
        let stored = in_tx!(self, tx => {
            let sql = crate::spelled(&*tx, CASE_FOR_WRITE, CASE_FOR_UPDATE);
            let row: Option<CaseRow> =
                sqlx::query_as(sql).bind(id.as_uuid()).fetch_optional(&mut *tx).await.map_err(db_error)?;
            let current = into_stored(row.ok_or(domain::ports::StoreError::NotFound)?)?;
            // Refused: nothing was written, and dropping the transaction rolls it back.
            let step = match decide(current) {
                Ok(step) => step,
                Err(refused) => return Ok(Err(refused)),
            };
            let write = step.write();
            let state = to_json(&write.stored.case)?;
            let clocks = to_json(&write.stored.clocks)?;
            update_case!(tx, &write, state, clocks);
            step.stored
        });
        *turn.latest() = Some(stored.clone());
        Ok(Ok(stored))
    }

    async fn case(&self, id: CaseId) -> StoreResult<Option<StoredCase>> {
        let sql = "SELECT state, clocks, lawyer_id, version FROM zsm_case WHERE id = $1";
        let row: Option<CaseRow> = self.read_optional(sql, params![id.as_uuid()]).await?;
        row.map(into_stored).transpose()
    }

    async fn cases_of_suspect(&self, person: PersonId) -> StoreResult<Vec<StoredCase>> {
        cases_of_person(self, person, false).await
    }

    async fn board(
        &self,
        location: &str,
        agency: AgencyId,
        today: Date,
        decided_since: Timestamp,
    ) -> StoreResult<Vec<BoardCase>> {
        self.board_list(location, agency, today, decided_since).await
    }

    async fn cases_with_obligations(
        &self,
        location: &str,
        agency: AgencyId,
        today: Date,
    ) -> StoreResult<Vec<BoardCase>> {
        let sql = format!(
            "SELECT {BOARD_COLUMNS} FROM zsm_case c JOIN person p ON p.id = c.suspect_id \
             WHERE c.location = $1 AND {ON_TEAM} AND EXISTS (SELECT 1 FROM zsm_obligation o \
             WHERE o.case_id = c.id AND o.cancelled_at IS NULL AND o.ends_on >= $3) ORDER BY c.id"
        );
        let rows: Vec<BoardRow> = self.read_all(&sql, params![location, *agency.as_uuid(), Day(today)]).await?;
        self.board_cases(rows).await
    }

    async fn open_cases_due_by(&self, location: &str, by: Timestamp) -> StoreResult<Vec<BoardCase>> {
        let sql = format!(
            "SELECT {BOARD_COLUMNS} FROM zsm_case c JOIN person p ON p.id = c.suspect_id \
             WHERE c.location = $1 AND c.is_open = $2 AND c.urgent_deadline <= $3 ORDER BY c.urgent_deadline, c.id"
        );
        let rows: Vec<BoardRow> = self.read_all(&sql, params![location, true, Instant(by)]).await?;
        self.board_cases(rows).await
    }

    async fn prior_offences(&self, person: PersonId) -> StoreResult<Vec<PriorOffence>> {
        // One lookup per identifier (a person has a handful): each a key range of
        // evidence_offence_by_person (SQLite's table, PostgreSQL's view over its index on
        // evidence_offence), then the offences by their source ids.
        let sql = "SELECT value FROM person_identifier WHERE person_id = $1 ORDER BY kind, value";
        let sources: Vec<(String,)> = self.read_all(sql, params![*person.as_uuid()]).await?;
        let mut offences = Vec::new();
        for (source,) in sources {
            let sql = "SELECT o.offence_date, o.outcome_date, o.outcome, o.offence_type, o.seriousness \
                       FROM evidence_offence_by_person b JOIN evidence_offence o ON o.source_id = b.source_id \
                       WHERE b.person_id = $1 ORDER BY o.offence_date DESC, o.source_id DESC";
            let rows: Vec<PriorRow> = self.read_all(sql, params![&source]).await?;
            offences.extend(rows.into_iter().map(
                |(offence_date, outcome_date, outcome, offence_type, seriousness)| PriorOffence {
                    offence_date: offence_date.0,
                    outcome_date: outcome_date.map(|d| d.0),
                    proven: ::evidence::dataset::Outcome::parse(outcome.as_bytes()).is_some_and(|o| o.is_proven()),
                    outcome,
                    offence_type,
                    seriousness: seriousness.and_then(|s| i32::try_from(s).ok()),
                },
            ));
        }
        Ok(offences)
    }

    async fn metrics_rows(&self, location: &str, from: Timestamp, to: Timestamp) -> StoreResult<Vec<MetricsRow>> {
        let sql = "SELECT registered_at, arrested_at, status, is_open, urgent_deadline, first_decided_at, disposal, \
                   settled_at_table, within_target, signals_beyond_case, referral_made \
                   FROM zsm_case WHERE location = $1 AND registered_at >= $2 AND registered_at < $3";
        let rows: Vec<MetricsDbRow> = self.read_all(sql, params![location, Instant(from), Instant(to)]).await?;
        Ok(rows
            .into_iter()
            .map(|row| MetricsRow {
                registered_at: row.registered_at.0,
                arrested_at: row.arrested_at.0,
                index: CaseIndex {
                    status: row.status,
                    open: row.is_open,
                    urgent_deadline: row.urgent_deadline.map(|i| i.0),
                    first_decided_at: row.first_decided_at.map(|i| i.0),
                    disposal: row.disposal,
                    settled_at_table: row.settled_at_table,
                    within_target: row.within_target,
                    signals_beyond_case: row.signals_beyond_case,
                    referral_made: row.referral_made,
                },
            })
            .collect())
    }
}

impl Store {
    /// The listed cases, in the order listed, each parsed once per version (`parsed.rs`).
    pub(super) async fn board_cases(&self, rows: Vec<BoardRow>) -> StoreResult<Vec<BoardCase>> {
        let wanted: Vec<(Uuid, i64)> = rows.iter().map(|(id, version, _, _)| (*id, *version)).collect();
        let columns = "id, state, clocks, lawyer_id, version";
        let mut parsed = self
            .parsed(
                &self.parsed.cases,
                "zsm_case",
                columns,
                &wanted,
                |(id, state, clocks, lawyer, version): (Uuid, String, String, Option<Uuid>, i64)| {
                    Ok((id, version, into_stored((state, clocks, lawyer, version))?))
                },
            )
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(id, _, family_name, given_names)| {
                let (_, stored) = parsed.remove(&id)?;
                Some(BoardCase {
                    stored,
                    suspect_name: domain::people::full_name(given_names.as_deref(), &family_name),
                })
            })
            .collect())
    }

    async fn with_agencies(&self, (code, name, pack, time_zone): LocationRow) -> StoreResult<ZsmLocation> {
        let sql = "SELECT agency_id FROM zsm_location_agency WHERE location = $1 ORDER BY agency_id";
        let agencies: Vec<(Uuid,)> = self.read_all(sql, params![&code]).await?;
        Ok(ZsmLocation {
            code,
            name,
            pack,
            agencies: agencies.into_iter().map(|(id,)| AgencyId::from_uuid(id)).collect(),
            time_zone,
        })
    }
}
