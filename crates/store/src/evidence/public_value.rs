//! The records behind the public value report, read as they stand: ZSM cases decided in a
//! period, the days help started and persons were screened, the plans with the days their
//! tasks were done and re-evaluations begun, delivered referrals, unmet needs and fund spend.
//! The report (`evidence::public_value`) counts them for one scope; this only reads.

use std::collections::BTreeMap;

use crate::Store;
use crate::read::params;
use crate::types::{Day, Instant};
use domain::plan::model::{Plan, TaskStatus};
use domain::ports::StoreResult;
use jiff::Timestamp;
use jiff::civil::Date;
use uuid::Uuid;

use super::whatworks::WorkWhen;

/// A ZSM case first decided in the period asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecidedCase {
    pub person: Uuid,
    pub location: String,
    pub arrested_at: Timestamp,
    pub decided_at: Timestamp,
}

/// A plan as the report needs it: when it was drafted, activated (and by which Safety House),
/// due for and started on its re-evaluation, and its tasks and goals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanRecord {
    pub person: Uuid,
    pub drafted: Date,
    pub activated: Option<(Date, Uuid)>,
    /// The next re-evaluation (a continued plan's moves on a year; the first one due follows
    /// from the activation and the pack's rules).
    pub re_evaluation_on: Option<Date>,
    pub re_evaluation_started: Option<Date>,
    /// (due, the day it was last marked done while it is done now).
    pub tasks: Vec<(Date, Option<Date>)>,
    /// The day each reached goal was reached: every (not cancelled) task of it done, the last
    /// on that day.
    pub goals_reached: Vec<Date>,
    /// The days a weekly review of the plan was recorded.
    pub reviews: Vec<Date>,
    /// The day the plan was returned to the criminal-justice route (it stopped running).
    pub returned: Option<Date>,
}

/// What the report reads besides cases and plans, per person.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HelpRecords {
    /// A plan task started or done, a referral started, an intensive episode begun.
    pub help_started: Vec<(Uuid, WorkWhen)>,
    pub screenings: Vec<(Uuid, Date)>,
    /// Referrals completed, on their end date.
    pub delivered: Vec<(Uuid, Date)>,
    pub unmet: Vec<(Uuid, Date)>,
    /// Posted spend (reversed spend negative): (person, when, cents).
    pub spend: Vec<(Uuid, Timestamp, i64)>,
}

/// `{"ChangeTaskStatus":{"task":"…","status":"Done"}}` as stored on a plan event.
#[derive(serde::Deserialize)]
struct TaskStatusCommand {
    #[serde(rename = "ChangeTaskStatus")]
    change: TaskStatusChange,
}

#[derive(serde::Deserialize)]
struct TaskStatusChange {
    task: Uuid,
    status: serde_json::Value,
}

impl TaskStatusChange {
    fn is(&self, status: &str) -> bool {
        self.status.as_str() == Some(status)
    }
}

impl Store {
    /// ZSM cases first decided in `[from, to)`.
    pub async fn cases_decided_between(&self, from: Timestamp, to: Timestamp) -> StoreResult<Vec<DecidedCase>> {
        let sql = "SELECT suspect_id, location, arrested_at, first_decided_at FROM zsm_case \
                   WHERE first_decided_at >= $1 AND first_decided_at < $2";
        let rows: Vec<(Uuid, String, Instant, Instant)> =
            self.read_all(sql, params![Instant(from), Instant(to)]).await?;
        Ok(rows
            .into_iter()
            .map(|(person, location, arrested, decided)| DecidedCase {
                person,
                location,
                arrested_at: arrested.0,
                decided_at: decided.0,
            })
            .collect())
    }

    /// When help started, persons were screened, interventions were delivered, needs went
    /// unmet and fund money was spent — for every person (the caller keeps its scope's).
    pub async fn help_records(&self) -> StoreResult<HelpRecords> {
        let mut records = HelpRecords::default();
        let sql = "SELECT p.person_id, e.on_day, e.command FROM plan_event e JOIN plan p ON p.id = e.plan_id \
                   WHERE e.kind = 'change_task_status'";
        let rows: Vec<(Uuid, Day, String)> = self.read_all(sql, params![]).await?;
        for (person, on, command) in rows {
            let started = serde_json::from_str::<TaskStatusCommand>(&command)
                .is_ok_and(|c| c.change.is("InProgress") || c.change.is("Done"));
            if started {
                records.help_started.push((person, WorkWhen::On(on.0)));
            }
        }
        let sql = "SELECT person_id, started_on FROM referral WHERE started_on IS NOT NULL";
        let rows: Vec<(Uuid, Day)> = self.read_all(sql, params![]).await?;
        records.help_started.extend(rows.into_iter().map(|(p, on)| (p, WorkWhen::On(on.0))));
        // An episode helps from its first day (as its index event is dated), not from when it
        // was typed in.
        let sql = "SELECT mp.person_id, m.kind, m.state FROM measure m JOIN measure_person mp ON mp.measure_id = m.id \
                   WHERE m.kind = 'episode' AND (m.subject_id IS NULL OR m.subject_id = mp.person_id)";
        let rows: Vec<(Uuid, String, String)> = self.read_all(sql, params![]).await?;
        for (person, kind, state) in rows {
            records.help_started.push((person, super::whatworks::measure_began(&kind, &state)?));
        }

        let rows: Vec<(Uuid, Day)> = self.read_all("SELECT person_id, screened_on FROM screening", params![]).await?;
        records.screenings = rows.into_iter().map(|(p, on)| (p, on.0)).collect();
        let sql = "SELECT person_id, ended_on FROM referral WHERE status = 'completed' AND ended_on IS NOT NULL";
        let rows: Vec<(Uuid, Day)> = self.read_all(sql, params![]).await?;
        records.delivered = rows.into_iter().map(|(p, on)| (p, on.0)).collect();
        let rows: Vec<(Uuid, Day)> = self.read_all("SELECT person_id, on_date FROM unmet_need", params![]).await?;
        records.unmet = rows.into_iter().map(|(p, on)| (p, on.0)).collect();
        let sql = "SELECT person_id, at, CASE WHEN kind = 'post' THEN amount_cents ELSE -amount_cents END \
                   FROM fund_transfer WHERE person_id IS NOT NULL \
                   AND (kind = 'post' OR (kind = 'reverse' AND debit_code LIKE 'spent:%'))";
        let rows: Vec<(Uuid, Instant, i64)> = self.read_all(sql, params![]).await?;
        records.spend = rows.into_iter().map(|(p, at, cents)| (p, at.0, cents)).collect();
        Ok(records)
    }

    /// Every plan with the days its work happened, from its current state and its history.
    pub async fn plan_records(&self) -> StoreResult<Vec<PlanRecord>> {
        let sql = "SELECT e.plan_id, e.kind, e.on_day, e.agency_id, e.command FROM plan_event e \
                   WHERE e.kind IN ('activate', 'start_re_evaluation', 'change_task_status', 'record_review', \
                   'return_to_criminal_justice') ORDER BY e.plan_id, e.version";
        let events: Vec<(Uuid, String, Day, Uuid, String)> = self.read_all(sql, params![]).await?;
        let mut activated: BTreeMap<Uuid, (Date, Uuid)> = BTreeMap::new();
        let mut re_evaluated: BTreeMap<Uuid, Date> = BTreeMap::new();
        let mut done_on: BTreeMap<Uuid, Date> = BTreeMap::new();
        let mut reviews: BTreeMap<Uuid, Vec<Date>> = BTreeMap::new();
        let mut returned: BTreeMap<Uuid, Date> = BTreeMap::new();
        for (plan, kind, on, agency, command) in events {
            match kind.as_str() {
                // The first activation is when the plan began; the first re-evaluation
                // started is the one that was due.
                "activate" => {
                    activated.entry(plan).or_insert((on.0, agency));
                }
                "start_re_evaluation" => {
                    re_evaluated.entry(plan).or_insert(on.0);
                }
                "record_review" => reviews.entry(plan).or_default().push(on.0),
                "return_to_criminal_justice" => {
                    returned.entry(plan).or_insert(on.0);
                }
                _ => {
                    if let Ok(c) = serde_json::from_str::<TaskStatusCommand>(&command)
                        && c.change.is("Done")
                    {
                        done_on.insert(c.change.task, on.0);
                    }
                }
            }
        }
        let rows: Vec<(Uuid, String)> = self.read_all("SELECT id, state FROM plan", params![]).await?;
        let mut plans = Vec::with_capacity(rows.len());
        for (id, state) in rows {
            let plan: Plan = crate::plan::parse_plan(&state)?;
            let done = |task: &domain::plan::model::Task| match task.status {
                TaskStatus::Done => done_on.get(task.id.as_uuid()).copied(),
                _ => None,
            };
            let goals_reached = plan
                .goals
                .iter()
                .filter_map(|goal| {
                    let tasks: Vec<_> = plan
                        .tasks
                        .iter()
                        .filter(|t| t.goal == Some(goal.id) && !matches!(t.status, TaskStatus::Cancelled { .. }))
                        .collect();
                    let days: Option<Vec<Date>> = tasks.iter().map(|t| done(t)).collect();
                    days.filter(|d| !d.is_empty()).and_then(|d| d.into_iter().max())
                })
                .collect();
            plans.push(PlanRecord {
                person: *plan.person.as_uuid(),
                drafted: plan.started_on,
                activated: activated.get(&id).copied(),
                re_evaluation_on: plan.re_evaluation_on,
                re_evaluation_started: re_evaluated.get(&id).copied(),
                tasks: plan.tasks.iter().map(|t| (t.due, done(t))).collect(),
                goals_reached,
                reviews: reviews.remove(&id).unwrap_or_default(),
                returned: returned.get(&id).copied(),
            });
        }
        Ok(plans)
    }
}

impl domain::plan::ports::OffenceRecord for Store {
    /// Through the identifier link (`person_links`' rule for one person): linked only when
    /// the person's identifiers name exactly one record person and no other person shares it.
    async fn proven_offences_since(
        &self,
        person: domain::ids::PersonId,
        since: Date,
    ) -> StoreResult<domain::plan::model::OffenceRecordLookup> {
        use domain::plan::model::{OffenceRecordLookup, PROVEN_OUTCOMES, ProvenOffence};
        let id = *person.as_uuid();
        let sql = "SELECT DISTINCT e.source_id FROM person_identifier i \
                   JOIN evidence_person e ON e.source_id = i.value WHERE i.person_id = $1";
        let sources: Vec<(String,)> = self.read_all(sql, params![id]).await?;
        let source = match sources.as_slice() {
            [] => return Ok(OffenceRecordLookup::NotLinked),
            [(one,)] => one.clone(),
            _ => return Ok(OffenceRecordLookup::Ambiguous),
        };
        let sql = "SELECT count(DISTINCT person_id) FROM person_identifier WHERE value = $1";
        let (sharing,): (i64,) = self.read_optional(sql, params![&source]).await?.unwrap_or((0,));
        if sharing > 1 {
            return Ok(OffenceRecordLookup::Ambiguous);
        }
        let sql = "SELECT o.offence_date, o.outcome_date, o.outcome, o.offence_type FROM evidence_offence_by_person b \
                   JOIN evidence_offence o ON o.source_id = b.source_id \
                   WHERE b.person_id = $1 AND o.offence_date >= $2 ORDER BY o.offence_date, o.source_id";
        let rows: Vec<(Day, Option<Day>, String, String)> = self.read_all(sql, params![&source, Day(since)]).await?;
        Ok(OffenceRecordLookup::Linked(
            rows.into_iter()
                .filter(|(_, _, outcome, _)| PROVEN_OUTCOMES.contains(&outcome.as_str()))
                .map(|(on, outcome_on, outcome, offence_type)| ProvenOffence {
                    offence_date: on.0,
                    outcome_date: outcome_on.map(|d| d.0),
                    outcome,
                    offence_type,
                })
                .collect(),
        ))
    }
}
