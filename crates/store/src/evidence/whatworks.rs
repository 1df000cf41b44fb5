//! What works: the index events desist's own records imply, read by SQL when asked — a ZSM
//! decision, a plan's activation, an episode, an exclusion order, a cohort entry, and the
//! outbox facts of the interventions, mentoring and funds work (`referral.started`,
//! `referral.completed`, `mentor.matched`, `mentor.match_ended` — grouped by how the match
//! ended —, `fund.allocated`). Nothing is copied into a table of its own: a decision amended, a
//! plan activated or an event written shows in the next answer, and no fact is ever typed twice.
//!
//! Persons are linked to the offence record by their identifiers: a person's identifier value
//! equal to an extract person's source id. A person whose identifiers name two extract persons,
//! or an extract person named by two persons, is ambiguous and left out — never guessed.

use std::collections::{BTreeMap, BTreeSet};

use crate::Store;
use crate::read::params;
use crate::types::{Day, Instant};
use domain::ports::StoreResult;
use jiff::Timestamp;
use uuid::Uuid;

/// What the work is grouped by; each grouping reads its own records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkGrouping {
    /// The prosecutor's disposal at the ZSM table.
    Disposal,
    /// The ZSM location that decided.
    Location,
    /// The Safety House (the agency) that activated the plan.
    Plan,
    /// An intervention started, or completed, through a referral.
    Intervention,
    /// A mentor programme.
    Mentor,
    /// A fund stream that allocated money to the person.
    Fund,
    /// An intensive episode or an exclusion order.
    Measure,
    /// Entry into a cohort.
    Cohort,
}

impl WorkGrouping {
    pub const ALL: [WorkGrouping; 8] = [
        Self::Intervention,
        Self::Disposal,
        Self::Plan,
        Self::Location,
        Self::Mentor,
        Self::Fund,
        Self::Measure,
        Self::Cohort,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Disposal => "disposal",
            Self::Location => "location",
            Self::Plan => "plan",
            Self::Intervention => "intervention",
            Self::Mentor => "mentor",
            Self::Fund => "fund",
            Self::Measure => "measure",
            Self::Cohort => "cohort",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|g| g.code() == code)
    }
}

/// Who the work was for: a person in desist, or (cohort entries) a person of the extract.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum WorkSubject {
    Person(Uuid),
    Extract(String),
}

/// When the work happened: an instant (dated in the deployment's time zone by the caller) or
/// a civil date already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkWhen {
    At(Timestamp),
    On(jiff::civil::Date),
}

/// One index event derived from desist's records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DerivedEvent {
    pub subject: WorkSubject,
    pub when: WorkWhen,
    /// The group label (a disposal code, a location's or a Safety House's name, an
    /// intervention's name, …).
    pub group: String,
    /// The ZSM location (code) or Safety House (agency id, as text) the work belongs to.
    pub place: Option<String>,
    /// The intervention (id, as text) a referral was for: a contract may buy only one.
    pub item: Option<String>,
}

/// How the persons of desist link to the offence record.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LinkReport {
    /// Person → the extract's source id, for the persons linked to exactly one.
    pub matched: BTreeMap<Uuid, String>,
    /// Persons with no identifier in the extract.
    pub unmatched: u64,
    /// Persons whose identifiers name several extract persons, or who share theirs.
    pub ambiguous: BTreeSet<Uuid>,
}

/// The outbox codes the what-works groupings read (the contract of the interventions, mentoring
/// and funds work).
pub const REFERRAL_STARTED: &str = "referral.started";
pub const REFERRAL_COMPLETED: &str = "referral.completed";
pub const MENTOR_MATCHED: &str = "mentor.matched";
pub const MENTOR_MATCH_ENDED: &str = "mentor.match_ended";
/// Between a mentor programme and how its match ended, in the group label of an ended match
/// (`life_change → goals_reached`): a group of its own beside the programme's matches.
pub const ENDED_AS: &str = " → ";
pub const FUND_ALLOCATED: &str = "fund.allocated";

/// When a stored measure began: an exclusion order's `imposed_at`, an episode's `started_on`.
pub(super) fn measure_began(kind: &str, state: &str) -> StoreResult<WorkWhen> {
    let value: serde_json::Value = serde_json::from_str(state).map_err(|e| crate::corrupt("measure", e))?;
    let field = |name: &str| value.get(name).and_then(serde_json::Value::as_str).map(str::to_owned);
    let when = match kind {
        "exclusion_order" => field("imposed_at").and_then(|t| t.parse().ok()).map(WorkWhen::At),
        _ => field("started_on").and_then(|d| d.parse().ok()).map(WorkWhen::On),
    };
    when.ok_or_else(|| crate::corrupt("measure", format!("{kind} without its start")))
}

impl Store {
    /// The index events of one grouping, as desist's records imply them now.
    pub async fn derived_events(&self, grouping: WorkGrouping) -> StoreResult<Vec<DerivedEvent>> {
        match grouping {
            WorkGrouping::Disposal | WorkGrouping::Location => {
                // Dated by the first decision (when the case was dealt with), grouped by the
                // disposal in force: an amendment corrects the decision, it is no new work.
                let sql = "SELECT c.suspect_id, c.first_decided_at, c.disposal, c.location, l.name \
                           FROM zsm_case c JOIN zsm_location l ON l.code = c.location \
                           WHERE c.first_decided_at IS NOT NULL AND c.disposal IS NOT NULL";
                let rows: Vec<(Uuid, Instant, String, String, String)> = self.read_all(sql, params![]).await?;
                Ok(rows
                    .into_iter()
                    .map(|(person, at, disposal, code, name)| DerivedEvent {
                        subject: WorkSubject::Person(person),
                        when: WorkWhen::At(at.0),
                        group: if grouping == WorkGrouping::Disposal { disposal } else { name },
                        place: Some(code),
                        item: None,
                    })
                    .collect())
            }
            WorkGrouping::Plan => {
                let sql = "SELECT p.person_id, e.on_day, a.name, e.agency_id FROM plan_event e \
                           JOIN plan p ON p.id = e.plan_id JOIN agency a ON a.id = e.agency_id \
                           WHERE e.kind = 'activate'";
                let rows: Vec<(Uuid, Day, String, Uuid)> = self.read_all(sql, params![]).await?;
                Ok(rows
                    .into_iter()
                    .map(|(person, on, name, agency)| DerivedEvent {
                        subject: WorkSubject::Person(person),
                        when: WorkWhen::On(on.0),
                        group: name,
                        place: Some(agency.to_string()),
                        item: None,
                    })
                    .collect())
            }
            WorkGrouping::Measure => {
                // Dated by the measure itself — an order's imposition (often typed in after
                // the night it was imposed), an episode's first day — not by its row.
                let sql = "SELECT mp.person_id, m.kind, m.state FROM measure m \
                           JOIN measure_person mp ON mp.measure_id = m.id \
                           WHERE m.kind IN ('episode', 'exclusion_order') AND (m.subject_id IS NULL OR m.subject_id = mp.person_id)";
                let rows: Vec<(Uuid, String, String)> = self.read_all(sql, params![]).await?;
                rows.into_iter()
                    .map(|(person, kind, state)| {
                        let when = measure_began(&kind, &state)?;
                        Ok(DerivedEvent {
                            subject: WorkSubject::Person(person),
                            when,
                            group: kind,
                            place: None,
                            item: None,
                        })
                    })
                    .collect()
            }
            WorkGrouping::Cohort => {
                let sql = "SELECT person_id, on_date, rule_name FROM evidence_cohort_event WHERE change = 'joined'";
                let rows: Vec<(String, Day, String)> = self.read_all(sql, params![]).await?;
                Ok(rows
                    .into_iter()
                    .map(|(person, on, rule)| DerivedEvent {
                        subject: WorkSubject::Extract(person),
                        when: WorkWhen::On(on.0),
                        group: rule,
                        place: None,
                        item: None,
                    })
                    .collect())
            }
            WorkGrouping::Intervention => {
                let mut events = self.outbox_work(REFERRAL_STARTED, "intervention_name").await?;
                for mut completed in self.outbox_work(REFERRAL_COMPLETED, "intervention_name").await? {
                    completed.group = format!("{} ✓", completed.group);
                    events.push(completed);
                }
                Ok(events)
            }
            WorkGrouping::Mentor => {
                // A match, and its ending (dated by the day it ended) grouped by how it ended.
                let mut events = self.outbox_work(MENTOR_MATCHED, "programme").await?;
                events.extend(self.outbox_work(MENTOR_MATCH_ENDED, "programme").await?);
                Ok(events)
            }
            WorkGrouping::Fund => self.outbox_work(FUND_ALLOCATED, "stream").await,
        }
    }

    /// Outbox facts of one code, grouped by one key of their detail. A completed referral
    /// counts only when it was completed (not ended early).
    async fn outbox_work(&self, code: &str, key: &str) -> StoreResult<Vec<DerivedEvent>> {
        let sql = "SELECT person_id, at, detail FROM outbox_event WHERE kind = $1 AND person_id IS NOT NULL";
        let rows: Vec<(Uuid, Instant, String)> = self.read_all(sql, params![code]).await?;
        Ok(rows
            .into_iter()
            .filter_map(|(person, at, detail)| {
                let detail: BTreeMap<String, String> = serde_json::from_str(&detail).ok()?;
                if code == REFERRAL_COMPLETED && detail.get("outcome").map(String::as_str) != Some("completed") {
                    return None;
                }
                let mut group = detail.get(key).filter(|g| !g.is_empty())?.clone();
                if code == MENTOR_MATCH_ENDED {
                    group = format!("{group}{ENDED_AS}{}", detail.get("reason")?);
                }
                let (place, item) = (detail.get("provider").cloned(), detail.get("intervention").cloned());
                Some(DerivedEvent {
                    subject: WorkSubject::Person(person),
                    when: WorkWhen::At(at.0),
                    group,
                    place,
                    item,
                })
            })
            .collect())
    }

    /// The persons whose plan a Safety House (agency) activated: its own caseload.
    pub async fn persons_planned_by(&self, safety_house: Uuid) -> StoreResult<BTreeSet<Uuid>> {
        let sql = "SELECT DISTINCT p.person_id FROM plan_event e JOIN plan p ON p.id = e.plan_id \
                   WHERE e.kind = 'activate' AND e.agency_id = $1";
        let rows: Vec<(Uuid,)> = self.read_all(sql, params![safety_house]).await?;
        Ok(rows.into_iter().map(|(p,)| p).collect())
    }

    /// The persons known by an identifier of `kind` (e.g. `bsn`), with what an offence record
    /// keys them by: the identifier's value, birth date and sex — what a police extract of
    /// desist's own caseload holds (the demo's offence record is made from it).
    pub async fn persons_by_identifier(
        &self,
        kind: &str,
    ) -> StoreResult<Vec<(String, Option<jiff::civil::Date>, String)>> {
        let sql = "SELECT i.value, p.birth_date, p.sex FROM person_identifier i JOIN person p ON p.id = i.person_id \
                   WHERE i.kind = $1 ORDER BY i.value";
        let rows: Vec<(String, Option<Day>, String)> = self.read_all(sql, params![kind]).await?;
        Ok(rows.into_iter().map(|(value, birth, sex)| (value, birth.map(|d| d.0), sex)).collect())
    }

    /// Links every person to the offence record by identifiers, with what could not be linked.
    pub async fn person_links(&self) -> StoreResult<LinkReport> {
        let sql = "SELECT DISTINCT i.person_id, i.value FROM person_identifier i \
                   JOIN evidence_person e ON e.source_id = i.value";
        let hits: Vec<(Uuid, String)> = self.read_all(sql, params![]).await?;
        let (persons,): (i64,) = self.read_optional("SELECT count(*) FROM person", params![]).await?.unwrap_or((0,));
        let mut by_person: BTreeMap<Uuid, BTreeSet<String>> = BTreeMap::new();
        let mut by_source: BTreeMap<String, BTreeSet<Uuid>> = BTreeMap::new();
        for (person, source) in hits {
            by_person.entry(person).or_default().insert(source.clone());
            by_source.entry(source).or_default().insert(person);
        }
        let mut report = LinkReport::default();
        for (person, sources) in &by_person {
            let shared = sources.iter().any(|s| by_source.get(s).is_some_and(|p| p.len() > 1));
            match (sources.len(), shared) {
                (1, false) => {
                    report.matched.insert(*person, sources.iter().next().cloned().unwrap_or_default());
                }
                _ => {
                    report.ambiguous.insert(*person);
                }
            }
        }
        report.unmatched = (persons as u64).saturating_sub(by_person.len() as u64);
        Ok(report)
    }
}
