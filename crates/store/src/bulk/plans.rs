//! Generated plans for `desist bench plans`: one plan per generated person, with two more
//! agencies on the person's team, goals, tasks owned by the three agencies (due dates around
//! today, most still outstanding) and a few progress notes. Plan `index` of a seed is computed
//! from the seed and the index alone (like the people), so the benchmark picks plan pages
//! without reading the database back, and an interrupted load resumes at the next plan.
//!
//! The rows are those `create_plan` writes (the plan, its first history row, the outstanding
//! task index) plus the extra team entries and their search tokens, written with multi-row
//! inserts in large transactions.

use super::generate::SplitMix;
use super::{BULK_AGENCIES, BulkSpec};
use crate::types::{Day, Instant};
use crate::{Store, db_error, in_tx, insert_rows, on_db};
use domain::access::Restriction;
use domain::ids::{AgencyId, GoalId, MemberId, PersonId, PlanId, TaskId};
use domain::jurisdiction::DomainKey;
use domain::plan::service::plan_status_code;
use domain::plan::{Goal, Plan, PlanStatus, ProgressNote, Task, TaskKind, TaskStatus};
use domain::ports::{StoreError, StoreResult};
use jiff::civil::Date;
use uuid::Uuid;

/// The random stream plans use (people use stream 0).
const PLAN_STREAM: u64 = 5;
const EXTRA_AGENCIES: usize = 2;
const DOMAINS: [&str; 6] = ["housing", "finances", "addiction", "work_and_daytime", "mental_health", "social_network"];
const TASKS: [&str; 8] = [
    "Aanmelden bij de schuldhulpverlening",
    "Intake verslavingszorg plannen",
    "Huisbezoek afleggen",
    "Woonplek zoeken via de gemeente",
    "Meldplicht controleren",
    "Dagbesteding regelen",
    "Gesprek met de familie",
    "Uitkering aanvragen",
];

/// What to load: a plan for each of the people `0..people.count`, with `tasks_per_plan` tasks.
#[derive(Debug, Clone)]
pub struct PlanBulkSpec {
    pub people: BulkSpec,
    pub tasks_per_plan: usize,
    /// Due dates and start dates are spread around this day.
    pub today: Date,
}

/// One generated plan with everything the loader writes for it.
#[derive(Debug, Clone)]
pub struct GeneratedPlan {
    pub index: u64,
    pub plan: Plan,
    /// Indexes into `BULK_AGENCIES` added to the person's team for this plan, with the ids of
    /// their team entries.
    pub extra_agencies: Vec<(usize, Uuid)>,
}

fn id(random: &mut SplitMix, millis: u64) -> Uuid {
    uuid::Builder::from_unix_timestamp_millis(millis, &random.bytes10()).into_uuid()
}

fn days(date: Date, n: i64) -> Date {
    date.checked_add(jiff::Span::new().days(n)).unwrap_or(date)
}

/// The agencies (indexes into `BULK_AGENCIES`) on plan `index`'s team: the person's own first.
pub fn plan_agencies(seed: u64, index: u64) -> Vec<usize> {
    let mut agencies = vec![super::generated_agency(seed, index)];
    let mut random = SplitMix::for_person(seed, index, PLAN_STREAM);
    while agencies.len() < 1 + EXTRA_AGENCIES {
        let candidate = random.below(BULK_AGENCIES.len());
        if !agencies.contains(&candidate) {
            agencies.push(candidate);
        }
    }
    agencies
}

impl PlanBulkSpec {
    /// Plan `index`; `agencies` are the ids of `BULK_AGENCIES` in order, `author` the member
    /// recorded as writing the notes.
    pub fn plan(&self, index: u64, agencies: &[Uuid], author: Uuid) -> GeneratedPlan {
        let seed = self.people.seed;
        let team = plan_agencies(seed, index);
        // After `plan_agencies`' draws, so the team can be computed without building the plan.
        let mut random = SplitMix::for_person(seed, index, PLAN_STREAM + 1);
        let millis = self.people.base_millis() + index;
        let extra_agencies = team[1..].iter().map(|&a| (a, id(&mut random, millis))).collect();
        let refs: Vec<AgencyId> = team.iter().map(|&a| AgencyId(agencies[a])).collect();
        let started_on = days(self.today, -(30 + random.below(300) as i64));
        let status = match random.below(20) {
            0 | 1 => PlanStatus::Draft,
            2 => PlanStatus::UnderReEvaluation,
            3 => PlanStatus::Continued { reason: "Goede voortgang, nog niet klaar".into() },
            _ => PlanStatus::Active,
        };
        let activated = !matches!(status, PlanStatus::Draft);
        let goals: Vec<Goal> = (0..2)
            .map(|_| Goal {
                id: GoalId(id(&mut random, millis)),
                domain: DomainKey::new(DOMAINS[random.below(DOMAINS.len())]),
                in_own_words: "Ik wil mijn eigen voordeur en geen schulden meer".into(),
                agreed_by_person: random.below(4) > 0,
            })
            .collect();
        let tasks: Vec<Task> = (0..self.tasks_per_plan)
            .map(|_| {
                let owner = refs[random.below(refs.len())];
                let status = match random.below(20) {
                    0..=11 => TaskStatus::Open,
                    12..=14 => TaskStatus::InProgress,
                    15..=18 => TaskStatus::Done,
                    _ => TaskStatus::Cancelled { reason: "Niet meer nodig".into() },
                };
                Task {
                    id: TaskId(id(&mut random, millis)),
                    description: TASKS[random.below(TASKS.len())].into(),
                    kind: if random.below(3) == 0 { TaskKind::Enforcement } else { TaskKind::Care },
                    owner,
                    owner_member: None,
                    goal: Some(goals[random.below(goals.len())].id),
                    due: days(self.today, random.below(120) as i64 - 40).max(started_on),
                    status,
                    restriction: Restriction::Team,
                }
            })
            .collect();
        let notes = (0..2)
            .map(|n| ProgressNote {
                task: tasks.get(n).map(|t| t.id),
                by: MemberId(author),
                agency: refs[n % refs.len()],
                on: days(started_on, 7 * (n as i64 + 1)),
                text: "Afspraak gehad, loopt volgens plan".into(),
                restriction: Restriction::Team,
            })
            .collect();
        let plan = Plan {
            id: PlanId(id(&mut random, millis)),
            person: PersonId(self.people.person(index).id),
            team: refs.iter().copied().collect(),
            started_on,
            activated_on: activated.then(|| days(started_on, 7)),
            re_evaluation_on: activated.then(|| days(started_on, 365)),
            status,
            goals,
            tasks,
            notes,
            measures: Vec::new(),
            last_review: None,
        };
        GeneratedPlan { index, plan, extra_agencies }
    }
}

/// Where a plan load left the database.
#[derive(Debug, Clone)]
pub struct PlansLoaded {
    pub existing: u64,
    pub written: u64,
    pub tasks_written: u64,
}

impl Store {
    /// Loads plans for people `0..spec.people.count` (load the people first with
    /// `bulk_load_people`). Plans already present are kept and the load resumes after them.
    pub async fn bulk_load_plans(
        &self,
        spec: &PlanBulkSpec,
        agencies: &[Uuid],
        mut progress: impl FnMut(u64),
    ) -> StoreResult<PlansLoaded> {
        let (existing, author) = self.plan_load_state().await?;
        if existing > spec.people.count {
            return Err(StoreError::Database(format!(
                "the database already holds {existing} plans, more than the {} asked for: use a new database",
                spec.people.count
            )));
        }
        progress(existing);
        let at = Instant(spec.people.at);
        let mut tasks_written = 0;
        let mut start = existing;
        while start < spec.people.count {
            let end = (start + spec.people.batch.max(1) as u64).min(spec.people.count);
            let plans: Vec<GeneratedPlan> = (start..end).map(|i| spec.plan(i, agencies, author)).collect();
            let mut states = Vec::with_capacity(plans.len());
            let mut outstanding = Vec::new();
            let mut entries = Vec::new();
            let mut tokens = Vec::new();
            for generated in &plans {
                let plan = &generated.plan;
                states.push(crate::to_json(plan)?);
                for task in plan.tasks.iter().filter(|t| t.status.is_outstanding()) {
                    outstanding.push((task.id.0, plan.id.0, plan.person.0, task.owner.0, Day(task.due)));
                }
                let person = spec.people.person(generated.index);
                for (agency, entry) in &generated.extra_agencies {
                    entries.push((*entry, plan.person.0, agencies[*agency]));
                    let words = person.details.name_tokens();
                    let names = crate::search::name_line(&words);
                    for token in words {
                        tokens.push((agencies[*agency], token, plan.person.0, names.clone()));
                    }
                }
            }
            let rows: Vec<(&GeneratedPlan, &String)> = plans.iter().zip(&states).collect();
            in_tx!(self, tx => {
                // New team entries of people who may be suspects at a ZSM table: every board
                // reads its list again (see `zsm/board.rs`).
                sqlx::query("UPDATE zsm_location SET board_generation = board_generation + 1")
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
                insert_rows!(self, tx, "team_entry (id, person_id, agency_id, basis_kind, statute, reason, added_by, \
                    added_at)", 8, entries, |q, e| {
                    q.bind(e.0).bind(e.1).bind(e.2).bind("statutory_task").bind("Convenant Zorg- en Veiligheidshuis")
                        .bind("Gegenereerd plan voor een benchmark").bind(author).bind(at)
                });
                insert_rows!(self, tx, "team_name_token (agency_id, token, person_id, names)", 4, tokens, |q, t| {
                    q.bind(t.0).bind(&t.1).bind(t.2).bind(&t.3)
                });
                insert_rows!(self, tx, "plan (id, person_id, status, started_on, version, state, created_at, \
                    created_by, updated_at, re_evaluation_on)", 10, rows, |q, r| {
                    let plan = &r.0.plan;
                    q.bind(plan.id.0).bind(plan.person.0).bind(plan_status_code(&plan.status))
                        .bind(Day(plan.started_on)).bind(1_i64).bind(r.1).bind(at).bind(author).bind(at)
                        .bind(plan.re_evaluation_on.map(Day))
                });
                insert_rows!(self, tx, "plan_event (plan_id, version, kind, at, on_day, member_id, agency_id, \
                    command, state)", 9, rows, |q, r| {
                    let plan = &r.0.plan;
                    q.bind(plan.id.0).bind(1_i64).bind("drafted").bind(at).bind(Day(plan.started_on)).bind(author)
                        .bind(agencies[r.0.extra_agencies[0].0]).bind("null").bind(r.1)
                });
                insert_rows!(self, tx, "plan_task (task_id, plan_id, person_id, owner_agency, owner_member, due)", 6,
                    outstanding, |q, t| q.bind(t.0).bind(t.1).bind(t.2).bind(t.3).bind(None::<Uuid>).bind(t.4));
            });
            tasks_written += plans.iter().map(|p| p.plan.tasks.len() as u64).sum::<u64>();
            start = end;
            progress(start);
        }
        if let crate::Pool::Postgres(pool) = &self.pool
            && spec.people.count > existing
        {
            sqlx::query("ANALYZE").execute(pool).await.map_err(db_error)?;
        }
        Ok(PlansLoaded { existing, written: spec.people.count - existing, tasks_written })
    }

    /// Plans present, and the bulk loader member recorded as their author.
    async fn plan_load_state(&self) -> StoreResult<(u64, Uuid)> {
        let plans: i64 = on_db!(self, pool => sqlx::query_scalar("SELECT count(*) FROM plan").fetch_one(pool).await)
            .map_err(db_error)?;
        let loader = domain::directory::DirectoryStore::credentials(self, super::BULK_LOADER)
            .await?
            .ok_or_else(|| StoreError::Database("load the generated people first".into()))?;
        Ok((u64::try_from(plans).unwrap_or(0), *loader.member.id.as_uuid()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_plans_are_reproducible_and_their_tasks_stay_on_the_team() {
        let spec =
            PlanBulkSpec { people: BulkSpec::new(100, 3), tasks_per_plan: 10, today: jiff::civil::date(2026, 11, 1) };
        let agencies: Vec<Uuid> = (0..BULK_AGENCIES.len() as u128).map(Uuid::from_u128).collect();
        let author = Uuid::from_u128(99);
        for index in 0..100 {
            let generated = spec.plan(index, &agencies, author);
            assert_eq!(generated.plan, spec.plan(index, &agencies, author).plan);
            let team: Vec<AgencyId> = plan_agencies(3, index).iter().map(|&a| AgencyId(agencies[a])).collect();
            assert_eq!(generated.plan.team, team.iter().copied().collect());
            assert_eq!(generated.plan.tasks.len(), 10);
            assert!(generated.plan.tasks.iter().all(|t| team.contains(&t.owner) && t.due >= generated.plan.started_on));
        }
    }
}
