//! The ZSM table: locations, cases with their clocks, and the history rows every transition
//! appends. The case row carries the domain state (JSON) and the board/metrics columns the
//! domain derived (`view::index`); the history rows are written from the transition's effects,
//! in the same transaction as the audit entries and any new case-team entries.

use crate::people::{INSERT_AUDIT, INSERT_TEAM_ENTRY, basis_columns, insert_audit, insert_team_entry};
use crate::types::{Day, Instant};
use crate::{Store, db_error, in_tx, on_db};
use domain::access::TeamEntry;
use domain::audit::AuditEntry;
use domain::ids::AgencyId;
use domain::jurisdiction::Partner;
use domain::ports::{StoreError, StoreResult};
use domain::zsm::case::CaseEffect;
use domain::zsm::clock::{ClockEffect, ClockRun};
use domain::zsm::forms::contribution_state_code;
use domain::zsm::ids::{CaseId, MemberId};
use domain::zsm::intake::Victim;
use domain::zsm::ports::{BoardCase, CaseWrite, StoredCase, ZsmLocation, ZsmStore};
use domain::zsm::view::{CaseIndex, MetricsRow};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use uuid::Uuid;

fn corrupt(what: &str, detail: impl std::fmt::Display) -> StoreError {
    StoreError::Database(format!("stored {what} cannot be read: {detail}"))
}

fn json(value: &impl Serialize) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Database(e.to_string()))
}

fn code<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// A fresh row id for history rows; time-ordered like every other id.
fn row_id(at: Timestamp) -> Uuid {
    *domain::ids::AuditId::new(at).as_uuid()
}

#[derive(sqlx::FromRow)]
struct CaseRow {
    state: String,
    clocks: String,
    lawyer_id: Option<Uuid>,
    version: i64,
}

#[derive(sqlx::FromRow)]
struct BoardRow {
    state: String,
    clocks: String,
    lawyer_id: Option<Uuid>,
    version: i64,
    family_name: String,
    given_names: Option<String>,
}

#[derive(sqlx::FromRow)]
struct LocationRow {
    code: String,
    name: String,
    pack: String,
}

#[derive(sqlx::FromRow)]
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

impl CaseRow {
    fn into_stored(self) -> StoreResult<StoredCase> {
        Ok(StoredCase {
            case: serde_json::from_str(&self.state).map_err(|e| corrupt("case", e))?,
            clocks: serde_json::from_str(&self.clocks).map_err(|e| corrupt("clocks", e))?,
            lawyer: self.lawyer_id.map(MemberId::from_uuid),
            version: self.version,
        })
    }
}

impl BoardRow {
    fn into_board_case(self) -> StoreResult<BoardCase> {
        let suspect_name = match &self.given_names {
            Some(given) => format!("{given} {}", self.family_name),
            None => self.family_name.clone(),
        };
        let row = CaseRow { state: self.state, clocks: self.clocks, lawyer_id: self.lawyer_id, version: self.version };
        Ok(BoardCase { stored: row.into_stored()?, suspect_name })
    }
}

/// The audit and team rows that travel with a case write.
macro_rules! write_audit_and_team {
    ($tx:ident, $write:expr) => {{
        let write: &CaseWrite<'_> = $write;
        for entry in write.team {
            insert_team_entry!($tx, entry);
        }
        for entry in write.audit {
            insert_audit!($tx, entry);
        }
    }};
}

/// The history rows a transition's effects call for.
macro_rules! write_history {
    ($tx:ident, $write:expr) => {{
        let write: &CaseWrite<'_> = $write;
        let case = &write.stored.case;
        let case_id = case.id.as_uuid();
        let by = *write.by.as_uuid();
        let at = Instant(write.at);
        for effect in write.effects {
            let (kind, detail) = case_event(effect);
            sqlx::query("INSERT INTO zsm_case_event (id, case_id, at, member_id, kind, detail) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(row_id(write.at))
                .bind(case_id)
                .bind(at)
                .bind(by)
                .bind(kind)
                .bind(detail)
                .execute(&mut *$tx)
                .await
                .map_err(db_error)?;
            match effect {
                CaseEffect::ClockStarted(run) => {
                    insert_clock!($tx, case_id, run);
                    insert_clock_event!($tx, case_id, run.clock.as_str(), run.started_at, "started", Some(by),
                        None::<String>, None::<String>, None::<String>, None::<String>, run.deadline);
                }
                CaseEffect::ContributionUpdated { partner, .. } => {
                    insert_contribution!($tx, write, *partner);
                }
                CaseEffect::Decided { .. } | CaseEffect::DecisionAmended { .. } => {
                    let decision = case.status.decision().ok_or_else(|| corrupt("decision", "missing after decide"))?;
                    sqlx::query(
                        "INSERT INTO zsm_decision (id, case_id, disposal, legal_basis, outcome, parameters, overrides, \
                         reasoning, decided_by, decided_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                    )
                    .bind(decision.id.as_uuid())
                    .bind(case_id)
                    .bind(decision.disposal.as_str())
                    .bind(&decision.legal_basis)
                    .bind(code(&decision.outcome))
                    .bind(json(&decision.parameters)?)
                    .bind(json(&decision.overrides)?)
                    .bind(&decision.reasoning)
                    .bind(*decision.decided_by.as_uuid())
                    .bind(Instant(decision.decided_at))
                    .execute(&mut *$tx)
                    .await
                    .map_err(db_error)?;
                    if let CaseEffect::DecisionAmended { previous, new, reason } = effect {
                        sqlx::query(
                            "INSERT INTO zsm_amendment (previous_decision, new_decision, case_id, reason, amended_by, amended_at) \
                             VALUES ($1, $2, $3, $4, $5, $6)",
                        )
                        .bind(previous.as_uuid())
                        .bind(new.as_uuid())
                        .bind(case_id)
                        .bind(reason)
                        .bind(by)
                        .bind(at)
                        .execute(&mut *$tx)
                        .await
                        .map_err(db_error)?;
                    }
                }
                CaseEffect::ObligationCreated(obligation) => {
                    sqlx::query(
                        "INSERT INTO zsm_obligation (id, decision_id, case_id, kind, starts_on, ends_on, details, responsible_agency) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    )
                    .bind(obligation.id.as_uuid())
                    .bind(obligation.decision.as_uuid())
                    .bind(case_id)
                    .bind(obligation.kind.as_str())
                    .bind(Day(obligation.starts_on))
                    .bind(Day(obligation.ends_on))
                    .bind(&obligation.details)
                    .bind(obligation.responsible_agency.as_str())
                    .execute(&mut *$tx)
                    .await
                    .map_err(db_error)?;
                }
                CaseEffect::ObligationCancelled { obligation } => {
                    sqlx::query("UPDATE zsm_obligation SET cancelled_at = $1 WHERE id = $2 AND cancelled_at IS NULL")
                        .bind(at)
                        .bind(obligation.as_uuid())
                        .execute(&mut *$tx)
                        .await
                        .map_err(db_error)?;
                }
                CaseEffect::BreachRecorded { .. } => {
                    let breach = case.breaches.last().ok_or_else(|| corrupt("breach", "missing after record"))?;
                    sqlx::query(
                        "INSERT INTO zsm_breach (id, case_id, obligation_id, observed_on, description, reported_by, recorded_by, recorded_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    )
                    .bind(row_id(write.at))
                    .bind(case_id)
                    .bind(breach.obligation.as_uuid())
                    .bind(Day(breach.observed_on))
                    .bind(&breach.description)
                    .bind(breach.reported_by.as_str())
                    .bind(*breach.recorded_by.as_uuid())
                    .bind(Instant(breach.recorded_at))
                    .execute(&mut *$tx)
                    .await
                    .map_err(db_error)?;
                }
                _ => {}
            }
        }
        // A breach resolved by this write (maintained or amended) gets its resolution once.
        for breach in case.breaches.iter().filter(|b| b.resolution.is_some()) {
            sqlx::query(
                "UPDATE zsm_breach SET resolution = $1, resolved_at = $2 \
                 WHERE case_id = $3 AND obligation_id = $4 AND recorded_at = $5 AND resolution IS NULL",
            )
            .bind(json(&breach.resolution)?)
            .bind(at)
            .bind(case_id)
            .bind(breach.obligation.as_uuid())
            .bind(Instant(breach.recorded_at))
            .execute(&mut *$tx)
            .await
            .map_err(db_error)?;
        }
        for effect in write.clock_effects {
            let (clock, kind, member, role, extension, reason, deadline, when) = clock_event(effect, write.at);
            // The basis of an extension is recorded with the grant in the clock's state.
            let basis = match effect {
                ClockEffect::Extended { clock, .. } => write
                    .stored
                    .clocks
                    .iter()
                    .find(|run| &run.clock == clock)
                    .and_then(|run| run.extensions.last())
                    .map(|grant| grant.basis.clone()),
                _ => None,
            };
            insert_clock_event!($tx, case_id, clock, when, kind, member, role, extension, basis, reason, deadline);
        }
        for run in &write.stored.clocks {
            sqlx::query("UPDATE zsm_clock SET deadline = $1, is_running = $2 WHERE case_id = $3 AND clock = $4")
                .bind(Instant(run.deadline))
                .bind(run.is_running())
                .bind(case_id)
                .bind(run.clock.as_str())
                .execute(&mut *$tx)
                .await
                .map_err(db_error)?;
        }
    }};
}

macro_rules! insert_clock {
    ($tx:ident, $case_id:expr, $run:expr) => {{
        let run: &ClockRun = $run;
        sqlx::query(
            "INSERT INTO zsm_clock (case_id, clock, started_at, deadline, is_running) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind($case_id)
        .bind(run.clock.as_str())
        .bind(Instant(run.started_at))
        .bind(Instant(run.deadline))
        .bind(run.is_running())
        .execute(&mut *$tx)
        .await
        .map_err(db_error)?;
    }};
}

#[rustfmt::skip]
macro_rules! insert_clock_event {
    ($tx:ident, $case_id:expr, $clock:expr, $at:expr, $kind:expr, $member:expr, $role:expr, $extension:expr, $basis:expr, $reason:expr, $deadline:expr) => {{
        sqlx::query(
            "INSERT INTO zsm_clock_event (id, case_id, clock, at, kind, member_id, authority_role, extension, basis, reason, deadline) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(row_id($at))
        .bind($case_id)
        .bind($clock)
        .bind(Instant($at))
        .bind($kind)
        .bind($member)
        .bind($role)
        .bind($extension)
        .bind($basis)
        .bind($reason)
        .bind(Instant($deadline))
        .execute(&mut *$tx)
        .await
        .map_err(db_error)?;
    }};
}

macro_rules! insert_contribution {
    ($tx:ident, $write:expr, $partner:expr) => {{
        let partner: Partner = $partner;
        let contribution = $write.stored.case.contributions.get(partner);
        let content = match contribution.and_then(|c| c.content.as_ref()) {
            Some(content) => Some(json(content)?),
            None => None,
        };
        let state = contribution.map(|c| c.state).unwrap_or(domain::jurisdiction::ContributionState::NotNeeded);
        sqlx::query(
            "INSERT INTO zsm_contribution (id, case_id, partner, state, content, updated_at, updated_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(row_id($write.at))
        .bind($write.stored.case.id.as_uuid())
        .bind(partner.code())
        .bind(contribution_state_code(state))
        .bind(content)
        .bind(Instant($write.at))
        .bind(*$write.by.as_uuid())
        .execute(&mut *$tx)
        .await
        .map_err(db_error)?;
    }};
}

/// The kind and a JSON detail of a case event row.
fn case_event(effect: &CaseEffect) -> (&'static str, String) {
    let kind = match effect {
        CaseEffect::Registered { .. } => "registered",
        CaseEffect::ClockStarted(_) => "clock_started",
        CaseEffect::BroughtToTable { .. } => "brought_to_table",
        CaseEffect::ContributionUpdated { .. } => "contribution_updated",
        CaseEffect::Decided { .. } => "decided",
        CaseEffect::DecisionAmended { .. } => "decision_amended",
        CaseEffect::ObligationCreated(_) => "obligation_created",
        CaseEffect::ObligationCancelled { .. } => "obligation_cancelled",
        CaseEffect::Referred { .. } => "referred",
        CaseEffect::BreachRecorded { .. } => "breach_recorded",
        CaseEffect::ReturnedToProsecutor { .. } => "returned_to_prosecutor",
        CaseEffect::DecisionMaintained { .. } => "decision_maintained",
    };
    (kind, serde_json::to_string(effect).unwrap_or_else(|_| "{}".into()))
}

type ClockEventColumns<'a> =
    (&'a str, &'static str, Option<Uuid>, Option<String>, Option<String>, Option<String>, Timestamp, Timestamp);

fn clock_event(effect: &ClockEffect, at: Timestamp) -> ClockEventColumns<'_> {
    match effect {
        ClockEffect::Extended { clock, extension, by, new_deadline } => (
            clock.as_str(),
            "extended",
            Some(*by.member.as_uuid()),
            Some(by.role.code().to_string()),
            Some(extension.to_string()),
            None,
            *new_deadline,
            at,
        ),
        ClockEffect::Stopped { clock, reason, at: stopped } => {
            (clock.as_str(), "stopped", None, None, None, Some(code(reason)), *stopped, *stopped)
        }
        ClockEffect::Expired { clock, deadline } => (clock.as_str(), "expired", None, None, None, None, *deadline, at),
    }
}

/// The derived columns of the case row, bound in this order after `state, clocks`.
macro_rules! bind_index {
    ($query:expr, $index:expr) => {{
        let index: &CaseIndex = $index;
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

const BOARD_COLUMNS: &str = "c.state, c.clocks, c.lawyer_id, c.version, p.family_name, p.given_names";

/// Only cases whose suspect has `$2` (the reader's agency) on the team, valid on `$3`.
const ON_TEAM: &str = "EXISTS (SELECT 1 FROM team_entry te WHERE te.person_id = c.suspect_id AND te.agency_id = $2 \
     AND te.ended_at IS NULL AND (te.consent_expires_on IS NULL OR te.consent_expires_on >= $3))";

impl ZsmStore for Store {
    async fn create_location(&self, location: &ZsmLocation) -> StoreResult<()> {
        in_tx!(self, tx => {
            sqlx::query("INSERT INTO zsm_location (code, name, pack, created_at) VALUES ($1, $2, $3, $4)")
                .bind(&location.code)
                .bind(&location.name)
                .bind(&location.pack)
                .bind(Instant(Timestamp::now()))
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
        Ok(())
    }

    async fn locations(&self) -> StoreResult<Vec<ZsmLocation>> {
        let rows: Vec<LocationRow> = on_db!(self, pool => {
            sqlx::query_as("SELECT code, name, pack FROM zsm_location ORDER BY name, code").fetch_all(pool).await
        })
        .map_err(db_error)?;
        let mut locations = Vec::new();
        for row in rows {
            locations.push(self.with_agencies(row).await?);
        }
        Ok(locations)
    }

    async fn location(&self, code: &str) -> StoreResult<Option<ZsmLocation>> {
        let row: Option<LocationRow> = on_db!(self, pool => {
            sqlx::query_as("SELECT code, name, pack FROM zsm_location WHERE code = $1").bind(code).fetch_optional(pool).await
        })
        .map_err(db_error)?;
        match row {
            Some(row) => Ok(Some(self.with_agencies(row).await?)),
            None => Ok(None),
        }
    }

    async fn create_case(&self, write: CaseWrite<'_>) -> StoreResult<()> {
        let stored = write.stored;
        let case = &stored.case;
        let details = case.intake.details();
        let state = json(case)?;
        let clocks = json(&stored.clocks)?;
        in_tx!(self, tx => {
            let query = sqlx::query(
                "INSERT INTO zsm_case (state, clocks, status, is_open, urgent_deadline, first_decided_at, disposal, \
                 settled_at_table, within_target, signals_beyond_case, referral_made, \
                 id, location, pack, suspect_id, lawyer_id, suspect_is_minor, arrested_at, arrived_at, \
                 police_report_summary, prior_record_summary, registered_at, registered_by, version, updated_at, updated_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, \
                 $22, $23, $24, $25, $26)",
            )
            .bind(state)
            .bind(clocks);
            bind_index!(query, write.index)
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
                .bind(Instant(write.at))
                .bind(*write.by.as_uuid())
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
            for (seq, offence) in details.offences.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO zsm_offence (case_id, seq, offence_type, committed_on, place, description, pretrial_detention_allowed) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(case.id.as_uuid())
                .bind(seq as i64)
                .bind(&offence.offence_type)
                .bind(Day(offence.committed_on))
                .bind(&offence.place)
                .bind(&offence.description)
                .bind(offence.pretrial_detention_allowed)
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
            write_history!(tx, &write);
            write_audit_and_team!(tx, &write);
        });
        Ok(())
    }

    async fn save_case(&self, write: CaseWrite<'_>) -> StoreResult<()> {
        let stored = write.stored;
        let state = json(&stored.case)?;
        let clocks = json(&stored.clocks)?;
        in_tx!(self, tx => {
            let query = sqlx::query(
                "UPDATE zsm_case SET state = $1, clocks = $2, status = $3, is_open = $4, urgent_deadline = $5, \
                 first_decided_at = $6, disposal = $7, settled_at_table = $8, within_target = $9, \
                 signals_beyond_case = $10, referral_made = $11, lawyer_id = $12, version = $13, updated_at = $14, \
                 updated_by = $15 WHERE id = $16 AND version = $17",
            )
            .bind(state)
            .bind(clocks);
            let updated = bind_index!(query, write.index)
                .bind(stored.lawyer.map(|m| *m.as_uuid()))
                .bind(stored.version)
                .bind(Instant(write.at))
                .bind(*write.by.as_uuid())
                .bind(stored.case.id.as_uuid())
                .bind(stored.version - 1)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
            if updated.rows_affected() == 0 {
                let current: Option<i64> = sqlx::query_scalar("SELECT version FROM zsm_case WHERE id = $1")
                    .bind(stored.case.id.as_uuid())
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(db_error)?;
                return Err(match current {
                    Some(current) => StoreError::Conflict { current },
                    None => StoreError::NotFound,
                });
            }
            write_history!(tx, &write);
            write_audit_and_team!(tx, &write);
        });
        Ok(())
    }

    async fn case(&self, id: CaseId) -> StoreResult<Option<StoredCase>> {
        let row: Option<CaseRow> = on_db!(self, pool => {
            sqlx::query_as("SELECT state, clocks, lawyer_id, version FROM zsm_case WHERE id = $1")
                .bind(id.as_uuid())
                .fetch_optional(pool)
                .await
        })
        .map_err(db_error)?;
        row.map(CaseRow::into_stored).transpose()
    }

    async fn board(
        &self,
        location: &str,
        agency: AgencyId,
        today: Date,
        decided_since: Timestamp,
    ) -> StoreResult<Vec<BoardCase>> {
        let open = sqlx::AssertSqlSafe(format!(
            "SELECT {BOARD_COLUMNS} FROM zsm_case c JOIN person p ON p.id = c.suspect_id \
             WHERE c.location = $1 AND c.is_open = $4 AND {ON_TEAM} \
             ORDER BY c.urgent_deadline IS NULL, c.urgent_deadline, c.id"
        ));
        let decided = sqlx::AssertSqlSafe(format!(
            "SELECT {BOARD_COLUMNS} FROM zsm_case c JOIN person p ON p.id = c.suspect_id \
             WHERE c.location = $1 AND c.is_open = $4 AND c.first_decided_at >= $5 AND {ON_TEAM} \
             ORDER BY c.first_decided_at DESC, c.id"
        ));
        let (open_rows, decided_rows): (Vec<BoardRow>, Vec<BoardRow>) = on_db!(self, pool => {
            let open_rows = sqlx::query_as(open)
                .bind(location)
                .bind(agency.as_uuid())
                .bind(Day(today))
                .bind(true)
                .fetch_all(pool)
                .await
                .map_err(db_error)?;
            let decided_rows = sqlx::query_as(decided)
                .bind(location)
                .bind(agency.as_uuid())
                .bind(Day(today))
                .bind(false)
                .bind(Instant(decided_since))
                .fetch_all(pool)
                .await
                .map_err(db_error)?;
            (open_rows, decided_rows)
        });
        open_rows.into_iter().chain(decided_rows).map(BoardRow::into_board_case).collect()
    }

    async fn cases_with_obligations(
        &self,
        location: &str,
        agency: AgencyId,
        today: Date,
    ) -> StoreResult<Vec<BoardCase>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {BOARD_COLUMNS} FROM zsm_case c JOIN person p ON p.id = c.suspect_id \
             WHERE c.location = $1 AND {ON_TEAM} AND EXISTS (SELECT 1 FROM zsm_obligation o \
             WHERE o.case_id = c.id AND o.cancelled_at IS NULL AND o.ends_on >= $3) ORDER BY c.id"
        ));
        let rows: Vec<BoardRow> = on_db!(self, pool => {
            sqlx::query_as(sql).bind(location).bind(agency.as_uuid()).bind(Day(today)).fetch_all(pool).await
        })
        .map_err(db_error)?;
        rows.into_iter().map(BoardRow::into_board_case).collect()
    }

    async fn metrics_rows(&self, location: &str, from: Timestamp, to: Timestamp) -> StoreResult<Vec<MetricsRow>> {
        let sql = "SELECT registered_at, arrested_at, status, is_open, urgent_deadline, first_decided_at, disposal, \
                   settled_at_table, within_target, signals_beyond_case, referral_made \
                   FROM zsm_case WHERE location = $1 AND registered_at >= $2 AND registered_at < $3";
        let rows: Vec<MetricsDbRow> = on_db!(self, pool => {
            sqlx::query_as(sql).bind(location).bind(Instant(from)).bind(Instant(to)).fetch_all(pool).await
        })
        .map_err(db_error)?;
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
    async fn with_agencies(&self, row: LocationRow) -> StoreResult<ZsmLocation> {
        let agencies: Vec<Uuid> = on_db!(self, pool => {
            sqlx::query_scalar("SELECT agency_id FROM zsm_location_agency WHERE location = $1 ORDER BY agency_id")
                .bind(&row.code)
                .fetch_all(pool)
                .await
        })
        .map_err(db_error)?;
        Ok(ZsmLocation {
            code: row.code,
            name: row.name,
            pack: row.pack,
            agencies: agencies.into_iter().map(AgencyId::from_uuid).collect(),
        })
    }
}
