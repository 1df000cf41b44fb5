//! A partner's section save on PostgreSQL as ONE statement, one round trip.
//!
//! Written the general way (`update_case!` in a transaction), a section save was eight round
//! trips on PostgreSQL — BEGIN, the version-guarded UPDATE, the case event, the section's
//! version, the screening referral, the audit entry, the boards' generation, COMMIT — and the
//! pool's ping when the connection went back; the case's row stayed locked from the UPDATE
//! to the COMMIT, so the partners of one case queued behind six round trips each. Here the
//! same rows are written by one statement: the UPDATE returns the suspect only where the
//! version still matched, and every other row is inserted from that result, so nothing else
//! is written when the guard fails. PostgreSQL makes a single statement atomic and durable on
//! its own (its implicit transaction commits with the usual flush: `synchronous_commit` is
//! untouched), and the row is locked only while the statement runs. It runs on a connection
//! of the reader's (`pg_read.rs`), which costs no round trip when handed back.
//!
//! Only writes that are section saves go this way (every effect a `ContributionUpdated`,
//! no clock effect, no new team entry): what `write_with_case!` writes for those is exactly
//! the rows below. Everything else, and SQLite (whose statements are calls within this
//! process), keeps the transaction.

use super::history::case_event;
use super::row_id;
use crate::pg_read::PgReader;
use crate::types::Instant;
use crate::versioned::update_sql;
use domain::jurisdiction::Partner;
use domain::ports::{StoreError, StoreResult};
use domain::zsm::model::forms::contribution_state_code;
use domain::zsm::ports::CaseWrite;
use domain::zsm::workflow::case::CaseEffect;
use std::fmt::Write;

/// The case row's columns a save sets, in the order they are bound (then the version, the
/// id and the version before, as `update_sql` numbers them).
const CASE_SET: [&str; 14] = [
    "state",
    "clocks",
    "status",
    "is_open",
    "urgent_deadline",
    "first_decided_at",
    "disposal",
    "settled_at_table",
    "within_target",
    "signals_beyond_case",
    "referral_made",
    "lawyer_id",
    "updated_at",
    "updated_by",
];

/// Whether `write` only saves partner sections, so that `save` writes all it needs.
pub(super) fn is_section_save(write: &CaseWrite<'_>) -> bool {
    !write.effects.is_empty()
        && write.effects.iter().all(|e| matches!(e, CaseEffect::ContributionUpdated { .. }))
        && write.clock_effects.is_empty()
        && write.team.is_empty()
        && write.stored.version > 1
}

/// The statement for `sections` section saves, `referrals` referrals and `audit` entries.
fn statement(sections: usize, referrals: usize, audit: usize) -> String {
    let mut next = CASE_SET.len() + 4;
    let mut values = |width: usize| {
        let list: Vec<String> = (next..next + width).map(|n| format!("${n}")).collect();
        next += width;
        list.join(", ")
    };
    let mut sql = format!("WITH saved AS ({} RETURNING suspect_id)", update_sql("zsm_case", &CASE_SET, &[]));
    for k in 0..sections {
        let _ = write!(
            sql,
            ", event_{k} AS (INSERT INTO zsm_case_event (id, case_id, at, member_id, kind, detail) SELECT {} FROM saved), \
             section_{k} AS (INSERT INTO zsm_contribution (id, case_id, partner, state, content, updated_at, updated_by) \
             SELECT {} FROM saved)",
            values(6),
            values(7)
        );
    }
    for k in 0..referrals {
        // As `upsert_screening_referrals!`: one referral per case and reason, updated while open.
        let _ = write!(
            sql,
            ", referral_{k} AS (INSERT INTO screening_referral (id, person_id, case_id, location, reason, advice, \
             signals, referred_at, referred_by) SELECT {} FROM saved ON CONFLICT (case_id, reason) DO UPDATE SET \
             advice = excluded.advice, signals = excluded.signals, referred_at = excluded.referred_at, \
             referred_by = excluded.referred_by WHERE screening_referral.screening_id IS NULL)",
            values(9)
        );
    }
    for k in 0..audit {
        let _ =
            write!(sql, ", audit_{k} AS (INSERT INTO {} SELECT {} FROM saved)", crate::audit::AUDIT_HEAD, values(8));
    }
    // As `RAISE_SLOTS_POSTGRES`, for the suspect of the saved case.
    sql.push_str(
        ", raised AS (INSERT INTO zsm_board_slot (location, slot, generation) \
         SELECT DISTINCT location, pg_backend_pid() % 64, 1 FROM zsm_case \
         WHERE suspect_id = (SELECT suspect_id FROM saved) ORDER BY location \
         ON CONFLICT (location, slot) DO UPDATE SET generation = zsm_board_slot.generation + 1) \
         SELECT (SELECT count(*) FROM saved), (SELECT version FROM zsm_case WHERE id = $16)",
    );
    sql
}

/// Saves the section(s) of `write` in one statement. `Conflict` (with the stored version)
/// or `NotFound` when the case is no longer at the version the write was decided on; then
/// nothing was written.
pub(super) async fn save(reader: &PgReader, write: &CaseWrite<'_>, state: String, clocks: String) -> StoreResult<()> {
    let stored = write.stored;
    let index = write.index;
    let case_id = stored.case.id.as_uuid();
    let (by, at) = (*write.by.as_uuid(), Instant(write.at));
    let sql = statement(write.effects.len(), write.referrals.len(), write.audit.len());
    let query = sqlx::query_as::<_, (i64, Option<i64>)>(sqlx::AssertSqlSafe(sql)).bind(state).bind(clocks);
    let mut query = super::bind_index!(query, index)
        .bind(stored.lawyer.map(|m| *m.as_uuid()))
        .bind(at)
        .bind(by)
        .bind(stored.version)
        .bind(case_id)
        .bind(stored.version - 1);
    for effect in write.effects {
        let CaseEffect::ContributionUpdated { partner, .. } = effect else {
            return Err(StoreError::Database("a section save with another effect".into()));
        };
        let (kind, detail) = case_event(effect);
        query = query.bind(row_id(write.at)).bind(case_id).bind(at).bind(by).bind(kind).bind(detail);
        let partner: Partner = *partner;
        let section = stored.case.contributions.get(partner);
        let content = match section.and_then(|c| c.content.as_ref()) {
            Some(content) => Some(crate::to_json(content)?),
            None => None,
        };
        let state = section.map(|c| c.state).unwrap_or(domain::jurisdiction::ContributionState::NotNeeded);
        query = query
            .bind(row_id(write.at))
            .bind(case_id)
            .bind(partner.code())
            .bind(contribution_state_code(state))
            .bind(content)
            .bind(at)
            .bind(by);
    }
    for referral in write.referrals {
        let advice =
            referral.advice.and_then(|a| serde_json::to_value(a).ok()).and_then(|v| v.as_str().map(str::to_owned));
        query = query
            .bind(domain::ids::new_v7(write.at))
            .bind(*referral.person.as_uuid())
            .bind(referral.case.as_uuid())
            .bind(referral.location.clone())
            .bind(referral.reason.as_str())
            .bind(advice)
            .bind(crate::to_json(&referral.signals)?)
            .bind(Instant(referral.referred_at))
            .bind(*referral.referred_by.as_uuid());
    }
    for entry in write.audit {
        query = crate::audit::bind_audit!(query, entry);
    }
    let mut lent = reader.lend().await?;
    let result = query.fetch_one(lent.connection()).await;
    // The version as the statement found it, when the guard failed: no second round trip.
    match lent.give_back(result)? {
        (1, _) => Ok(()),
        (_, Some(current)) => Err(StoreError::Conflict { current }),
        (_, None) => Err(StoreError::NotFound),
    }
}

#[cfg(test)]
mod tests {
    use super::statement;

    #[test]
    fn every_value_of_the_statement_is_numbered_once_in_order() {
        let sql = statement(1, 1, 2);
        // 17 for the case row, 6 + 7 for the section, 9 for the referral, 8 per audit entry.
        let last = 17 + 13 + 9 + 16;
        for n in 1..=last {
            assert!(
                sql.contains(&format!("${n},")) || sql.contains(&format!("${n})")) || sql.contains(&format!("${n} "))
            );
        }
        assert!(!sql.contains(&format!("${}", last + 1)), "{sql}");
        assert!(sql.ends_with("SELECT (SELECT count(*) FROM saved), (SELECT version FROM zsm_case WHERE id = $16)"));
    }
}
