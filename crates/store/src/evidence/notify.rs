//! A changed cohort tells the person's team, in the transaction that records the change.
//! The extract's person is found in the case system by identifier (any kind whose value is
//! the extract's person_id, as the ZSM prior record does); for each such person the domain
//! (`domain::cohort::team_notice`) decides between a task on the open plan and an entry
//! on the team's cohort-changes list. Both are written in the name of the member who recorded
//! or decided the change, and audited against the person.

use std::collections::BTreeSet;

use domain::audit::{AuditAction, AuditEntry};
use domain::cohort::CohortChange;
use domain::ids::{AgencyId, AuditId, MemberId, PersonId, TaskId};
use domain::jurisdiction::Lang;
use domain::ports::StoreError;
use jiff::civil::Date;

/// Who records a cohort change and what the team's notices need.
#[derive(Debug, Clone, Copy)]
pub struct CohortNotify<'a> {
    /// The username of the member in whose name tasks and list entries are written. Needed
    /// only when a changed person is on a case team.
    pub by: Option<&'a str>,
    /// The day for the team (whose entries are active) and for the task's due date.
    pub today: Date,
    /// The language of a task's description.
    pub lang: Lang,
    /// The cohort's name in `lang`, for the task's description; `None` shows the rule's code
    /// (a deployment's own rule has no name in the catalogue).
    pub rule_label: Option<&'a str>,
}

/// The member a notice is written by.
#[derive(Debug, Clone, Copy)]
pub(super) struct Writer {
    pub member: MemberId,
    pub agency: AgencyId,
}

pub(super) fn no_writer(by: Option<&str>) -> StoreError {
    StoreError::Database(match by {
        Some(name) => format!(
            "'{name}' is not a member: a cohort change of a person on a case team is written to the team in a \
             member's name (--by USERNAME)"
        ),
        None => "a cohort change of a person on a case team is written to the team in a member's name: \
                 say whose (--by USERNAME)"
            .into(),
    })
}

pub(super) fn audit(
    writer: Writer,
    at: jiff::Timestamp,
    person: PersonId,
    what: &str,
    change: &CohortChange,
) -> AuditEntry {
    AuditEntry {
        id: AuditId::new(at),
        at,
        member_id: writer.member,
        agency_id: writer.agency,
        person_id: Some(person),
        action: AuditAction::Create,
        what: what.into(),
        basis: format!("evidence: {} cohort {} on {}", change.change.code(), change.rule, change.on),
    }
}

pub(super) fn team_of(agencies: Vec<uuid::Uuid>) -> BTreeSet<AgencyId> {
    agencies.into_iter().map(AgencyId::from_uuid).collect()
}

pub(super) fn new_task(at: jiff::Timestamp) -> impl FnMut() -> TaskId {
    move || TaskId(domain::ids::new_v7(at))
}

pub(super) const LINKED_PERSONS: &str = "SELECT person_id FROM person_identifier WHERE kind IN ('bsn', 'pnc', 'crn', 'local') AND value = $1 \
     ORDER BY person_id";

pub(super) const TEAM_AGENCIES: &str = "SELECT DISTINCT agency_id FROM team_entry WHERE person_id = $1 \
     AND ended_at IS NULL AND (consent_expires_on IS NULL OR consent_expires_on >= $2)";

pub(super) const CURRENT_PLAN: &str = "SELECT p.state, p.version, (SELECT e.agency_id FROM plan_event e WHERE e.plan_id = p.id AND e.version = 1) \
     FROM plan p WHERE p.person_id = $1 ORDER BY p.created_at DESC, p.id DESC LIMIT 1";
/// `CURRENT_PLAN` locking the plan's row to the commit on PostgreSQL, so a note written
/// meanwhile waits rather than making this write a conflict (as `PlanStore::change_plan` does).
pub(super) const CURRENT_PLAN_FOR_UPDATE: &str = "SELECT p.state, p.version, (SELECT e.agency_id FROM plan_event e WHERE e.plan_id = p.id AND e.version = 1) \
     FROM plan p WHERE p.person_id = $1 ORDER BY p.created_at DESC, p.id DESC LIMIT 1 FOR UPDATE OF p";

/// Tells the team of every case-system person behind each `(extract person id, change)`, on
/// the open transaction `$tx`; evaluates to the number of persons told. Fails (and so rolls
/// the whole change back) when someone must be told and `notify.by` names no member.
macro_rules! notify_teams {
    ($tx:ident, $changes:expr, $notify:expr, $at:expr) => {{
        use domain::cohort::{TeamNotice, team_notice};
        use $crate::evidence::notify::*;
        let notify: &CohortNotify<'_> = $notify;
        let at: jiff::Timestamp = $at;
        let mut writer: Option<Writer> = None;
        let mut told = 0u64;
        for (source, change) in $changes {
            let source: &str = source;
            let change: &domain::cohort::CohortChange = change;
            let persons: Vec<uuid::Uuid> =
                sqlx::query_scalar(LINKED_PERSONS).bind(source).fetch_all(&mut *$tx).await.map_err($crate::db_error)?;
            for person in persons {
                let agencies: Vec<uuid::Uuid> = sqlx::query_scalar(TEAM_AGENCIES)
                    .bind(person)
                    .bind($crate::types::Day(notify.today))
                    .fetch_all(&mut *$tx)
                    .await
                    .map_err($crate::db_error)?;
                let team = team_of(agencies);
                let current_plan = $crate::spelled(&*$tx, CURRENT_PLAN, CURRENT_PLAN_FOR_UPDATE);
                let stored: Option<(String, i64, Option<uuid::Uuid>)> = sqlx::query_as(current_plan)
                    .bind(person)
                    .fetch_optional(&mut *$tx)
                    .await
                    .map_err($crate::db_error)?;
                let stored = match stored {
                    Some((state, version, drafted_by)) => Some((
                        serde_json::from_str::<domain::plan::Plan>(&state).map_err(|e| $crate::corrupt("plan", e))?,
                        version,
                        drafted_by.map(domain::ids::AgencyId::from_uuid),
                    )),
                    None => None,
                };
                // The team reads the cohort's name; the stored change keeps its rule's code.
                let named = domain::cohort::CohortChange {
                    rule: notify.rule_label.unwrap_or(&change.rule).to_owned(),
                    ..change.clone()
                };
                let notice = team_notice(
                    &named,
                    stored.as_ref().map(|(plan, _, _)| plan),
                    stored.as_ref().and_then(|(_, _, drafted_by)| *drafted_by),
                    &team,
                    notify.today,
                    notify.lang,
                    new_task(at),
                );
                if notice == TeamNotice::Nobody {
                    continue;
                }
                let by = match writer {
                    Some(by) => by,
                    None => {
                        let found: Option<(uuid::Uuid, uuid::Uuid)> =
                            sqlx::query_as("SELECT id, agency_id FROM member WHERE username = $1")
                                .bind(notify.by.unwrap_or_default())
                                .fetch_optional(&mut *$tx)
                                .await
                                .map_err($crate::db_error)?;
                        let (member, agency) = found.ok_or_else(|| no_writer(notify.by))?;
                        let by = Writer {
                            member: domain::ids::MemberId::from_uuid(member),
                            agency: domain::ids::AgencyId::from_uuid(agency),
                        };
                        writer = Some(by);
                        by
                    }
                };
                let person_id = domain::ids::PersonId::from_uuid(person);
                let told_event = domain::cohort::cohort_event(change, person_id, &team, by.member, at, notify.lang);
                match notice {
                    TeamNotice::Tasks(commands) => {
                        let (mut plan, mut version, _) = stored.expect("tasks only for a stored plan");
                        // The plan's team is the person's team as it is today.
                        plan.team = team;
                        for command in commands {
                            plan.add_task(command.clone())
                                .map_err(|e| StoreError::Database(format!("cohort task: {e}")))?;
                            version += 1;
                            let event = domain::plan::ports::PlanEvent {
                                plan: plan.id,
                                person: person_id,
                                version,
                                kind: domain::plan::ports::command_name(&command),
                                at,
                                on: notify.today,
                                member: by.member,
                                agency: by.agency,
                                command: Some(command),
                            };
                            let state = $crate::to_json(&plan)?;
                            $crate::plan::write_plan_step!($tx, &plan, &event, &state);
                            let entry = audit(by, at, person_id, "plan: task for a changed cohort", change);
                            $crate::audit::insert_audit!($tx, &entry);
                        }
                    }
                    TeamNotice::List => {
                        sqlx::query(
                            "INSERT INTO evidence_cohort_notice (id, person_id, rule_name, on_date, change, \
                             created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                        )
                        .bind(domain::ids::new_v7(at))
                        .bind(person)
                        .bind(change.rule.as_str())
                        .bind($crate::types::Day(change.on))
                        .bind(change.change.code())
                        .bind($crate::types::Instant(at))
                        .bind(*by.member.as_uuid())
                        .execute(&mut *$tx)
                        .await
                        .map_err($crate::db_error)?;
                        let entry = audit(by, at, person_id, "cohort change: on the team's list", change);
                        $crate::audit::insert_audit!($tx, &entry);
                    }
                    TeamNotice::Nobody => {}
                }
                $crate::notifications::insert_events!($tx, std::slice::from_ref(&told_event));
                told += 1;
            }
        }
        told
    }};
}
pub(crate) use notify_teams;
