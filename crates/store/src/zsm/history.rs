//! The history rows a case write appends, as macros over the open transaction (`in_tx!` gives
//! each backend its own transaction type): case events, clocks and their events, partner
//! section versions, decisions, amendments, obligations and breaches; and, with them
//! (`write_with_case!`), the referrals, team and audit entries and the boards' generation.

use super::code;
use domain::zsm::workflow::case::CaseEffect;
use domain::zsm::workflow::clock::ClockEffect;
use jiff::Timestamp;
use uuid::Uuid;

/// Everything a case write adds beside the case row, in its transaction: the history rows of
/// its effects, the screening referrals it gives rise to, its team and audit entries, and a
/// new generation of the boards that list the suspect.
macro_rules! write_with_case {
    ($tx:ident, $write:expr) => {{
        let write: &CaseWrite<'_> = $write;
        write_history!($tx, write);
        upsert_screening_referrals!($tx, write.at, write.referrals);
        insert_team_entries!($tx, write.team);
        for entry in write.audit {
            insert_audit!($tx, entry);
        }
        touch_boards_of_suspect!($tx, *write.stored.suspect().as_uuid());
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
                    let started = ClockEventRow {
                        member: Some(by),
                        deadline: run.deadline,
                        ..ClockEventRow::new(run.clock.as_str(), "started", run.started_at)
                    };
                    insert_clock_event!($tx, case_id, &started, None::<String>);
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
                    .bind(to_json(&decision.parameters)?)
                    .bind(to_json(&decision.overrides)?)
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
            .bind(to_json(&breach.resolution)?)
            .bind(at)
            .bind(case_id)
            .bind(breach.obligation.as_uuid())
            .bind(Instant(breach.recorded_at))
            .execute(&mut *$tx)
            .await
            .map_err(db_error)?;
        }
        for effect in write.clock_effects {
            let row = clock_event(effect, write.at);
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
            insert_clock_event!($tx, case_id, &row, basis);
        }
        // A partner's section save leaves the clocks as they were: no statement per clock
        // while the case's row lock is held. Anything that moves a clock has a clock effect.
        let sections_only = write.clock_effects.is_empty()
            && write.effects.iter().all(|e| matches!(e, CaseEffect::ContributionUpdated { .. }));
        for run in write.stored.clocks.iter().filter(|_| !sections_only) {
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

/// Inserts a clock event row (`&ClockEventRow`) with the basis of an extension.
macro_rules! insert_clock_event {
    ($tx:ident, $case_id:expr, $row:expr, $basis:expr) => {{
        let row: &ClockEventRow<'_> = $row;
        sqlx::query(
            "INSERT INTO zsm_clock_event (id, case_id, clock, at, kind, member_id, authority_role, extension, basis, \
             reason, deadline) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(row_id(row.at))
        .bind($case_id)
        .bind(row.clock)
        .bind(Instant(row.at))
        .bind(row.kind)
        .bind(row.member)
        .bind(&row.role)
        .bind(&row.extension)
        .bind($basis)
        .bind(&row.reason)
        .bind(Instant(row.deadline))
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
            Some(content) => Some(to_json(content)?),
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
pub(super) fn case_event(effect: &CaseEffect) -> (&'static str, String) {
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

/// A row of `zsm_clock_event` but for its id, case and basis.
pub(super) struct ClockEventRow<'a> {
    pub clock: &'a str,
    pub kind: &'static str,
    pub member: Option<Uuid>,
    /// The role whose authority an extension was granted under.
    pub role: Option<String>,
    pub extension: Option<String>,
    pub reason: Option<String>,
    /// The clock's deadline after the event.
    pub deadline: Timestamp,
    pub at: Timestamp,
}

impl<'a> ClockEventRow<'a> {
    /// An event of `kind` on `clock` at `at`: no member, role, extension or reason, and `at`
    /// as the deadline until a caller sets another.
    pub(super) fn new(clock: &'a str, kind: &'static str, at: Timestamp) -> Self {
        ClockEventRow { clock, kind, member: None, role: None, extension: None, reason: None, deadline: at, at }
    }
}

/// The clock event row of a clock effect of a write at `at`.
pub(super) fn clock_event(effect: &ClockEffect, at: Timestamp) -> ClockEventRow<'_> {
    match effect {
        ClockEffect::Extended { clock, extension, by, new_deadline } => ClockEventRow {
            member: Some(*by.member.as_uuid()),
            role: Some(by.role.code().to_string()),
            extension: Some(extension.to_string()),
            deadline: *new_deadline,
            ..ClockEventRow::new(clock.as_str(), "extended", at)
        },
        ClockEffect::Stopped { clock, reason, at: stopped } => {
            ClockEventRow { reason: Some(code(reason)), ..ClockEventRow::new(clock.as_str(), "stopped", *stopped) }
        }
        ClockEffect::Expired { clock, deadline } => {
            ClockEventRow { deadline: *deadline, ..ClockEventRow::new(clock.as_str(), "expired", at) }
        }
    }
}
