//! Bulk loading of generated people straight into the store's tables, for benchmarks at
//! national scale. The service layer writes one person per transaction with a row per
//! statement, which would take hours for a million people; here each table gets multi-row
//! `INSERT … VALUES (…), (…)` statements inside large transactions. Every value is still
//! bound; only the number of `(…)` groups is decided at run time. The rows are the same ones
//! `create_person` writes (person, identifiers, name tokens, a revision, a team entry), so
//! search, the person page and access checks see bulk people like any other.

mod generate;
mod interventions;
mod plans;
mod zsm;

pub use generate::{BULK_AGENCIES, GeneratedPerson, MAX_GENERATED, bulk_places, generated_agency, generated_person};
pub use interventions::{BULK_NEEDS, InterventionBulkSpec, InterventionsLoaded};
pub use plans::{GeneratedPlan, PlanBulkSpec, PlansLoaded, plan_agencies};
pub use zsm::{BENCH_LOCATION, GeneratedCase, ZSM_OFFENCES, ZsmBulkLoaded, ZsmBulkSpec, generated_case};

use crate::types::{Day, Instant};
use crate::{Store, db_error, in_tx, insert_rows, on_db};
use domain::access::Role;
use domain::directory::{Agency, DirectoryStore, Member};
use domain::ids::{AgencyId, MemberId};
use domain::ports::{StoreError, StoreResult};
use jiff::Timestamp;
use uuid::Uuid;

/// The member recorded as creator of bulk people; disabled, and its hash matches no password.
pub const BULK_LOADER: &str = "bulk.loader";
const STATUTE: &str = "Politiewet 2012, art. 3";
const REASON: &str = "Gegenereerd voor een benchmark";

/// What to load: people `0..count` of `seed`, created at `at`.
#[derive(Debug, Clone)]
pub struct BulkSpec {
    pub count: u64,
    pub seed: u64,
    /// Creation time of every row, and the time part of generated ids: keep it fixed for a
    /// seed so a resumed load and a benchmark compute the same ids.
    pub at: Timestamp,
    /// People per transaction; progress is reported after each.
    pub batch: usize,
}

impl BulkSpec {
    pub fn new(count: u64, seed: u64) -> BulkSpec {
        // 2026-01-01T00:00:00Z: a fixed creation time, so ids depend on the seed only.
        BulkSpec { count, seed, at: Timestamp::from_second(1_767_225_600).expect("valid instant"), batch: 5_000 }
    }

    pub fn base_millis(&self) -> u64 {
        u64::try_from(self.at.as_millisecond()).unwrap_or(0)
    }

    pub fn person(&self, index: u64) -> GeneratedPerson {
        generated_person(self.seed, index, self.base_millis())
    }
}

/// Where a load left the database.
#[derive(Debug, Clone)]
pub struct BulkLoaded {
    /// The agencies of `BULK_AGENCIES`, in that order.
    pub agencies: Vec<AgencyId>,
    /// People that were already there (a previous, possibly interrupted, load).
    pub existing: u64,
    /// People written by this call.
    pub written: u64,
}

/// One batch of generated people flattened into table rows.
struct Batch {
    people: Vec<GeneratedPerson>,
    identifiers: Vec<(&'static str, String, Uuid)>,
    /// Name word, person, the person's agency (the generator puts everyone on one team), and
    /// all of the person's words (`search::name_line`).
    tokens: Vec<(String, Uuid, Uuid, std::sync::Arc<str>)>,
    revisions: Vec<(Uuid, String)>,
}

impl Batch {
    fn generate(spec: &BulkSpec, range: std::ops::Range<u64>, agencies: &[Uuid]) -> StoreResult<Batch> {
        let people: Vec<GeneratedPerson> = range.map(|index| spec.person(index)).collect();
        let mut batch =
            Batch { identifiers: Vec::new(), tokens: Vec::new(), revisions: Vec::new(), people: Vec::new() };
        for person in &people {
            for identifier in &person.details.identifiers {
                batch.identifiers.push((identifier.kind.code(), identifier.value.clone(), person.id));
            }
            let tokens = person.details.name_tokens();
            let names: std::sync::Arc<str> = crate::search::name_line(&tokens).into();
            for token in tokens {
                batch.tokens.push((token, person.id, agencies[person.agency], names.clone()));
            }
            let json = crate::to_json(&person.details)?;
            batch.revisions.push((person.id, json));
        }
        batch.people = people;
        Ok(batch)
    }
}

impl Store {
    /// Loads generated people `0..spec.count` of `spec.seed`, creating the `BULK_AGENCIES` and
    /// the loader member first when missing. People already present are kept: the load resumes
    /// after them, so it is safe to run again after an interruption (each batch commits whole).
    /// `progress` is called with the number of people present after each committed batch.
    pub async fn bulk_load_people(&self, spec: &BulkSpec, mut progress: impl FnMut(u64)) -> StoreResult<BulkLoaded> {
        if spec.count > MAX_GENERATED {
            return Err(StoreError::Database(format!("at most {MAX_GENERATED} generated people")));
        }
        let (agencies, loader) = self.bulk_directory(spec.at).await?;
        let existing = u64::try_from(self.count_people().await?).unwrap_or(0);
        if existing > spec.count {
            return Err(StoreError::Database(format!(
                "the database already holds {existing} people, more than the {} asked for: use a new database",
                spec.count
            )));
        }
        // Bulk people are the only people, numbered from 0: check the last one present is ours.
        if existing > 0 {
            let last = spec.person(existing - 1);
            if !self.person_exists(last.id).await? {
                return Err(StoreError::Database(
                    "the database holds people that were not generated with this seed: use a new database".into(),
                ));
            }
        }
        progress(existing);
        let at = Instant(spec.at);
        let loader = *loader.as_uuid();
        let agency_uuids: Vec<Uuid> = agencies.iter().map(|a| *a.as_uuid()).collect();
        let mut start = existing;
        while start < spec.count {
            let end = (start + spec.batch.max(1) as u64).min(spec.count);
            let batch = Batch::generate(spec, start..end, &agency_uuids)?;
            in_tx!(self, tx => {
                insert_rows!(self, tx, "person (id, family_name, given_names, birth_date, sex, address, postcode, city, \
                    phone, email, version, created_at, created_by, updated_at, updated_by)", 15, batch.people, |q, p| {
                    let d = &p.details;
                    q.bind(p.id).bind(&d.family_name).bind(&d.given_names).bind(d.birth_date.map(Day))
                        .bind(d.sex.code()).bind(&d.address).bind(&d.postcode).bind(&d.city).bind(&d.phone)
                        .bind(&d.email).bind(1_i64).bind(at).bind(loader).bind(at).bind(loader)
                });
                insert_rows!(self, tx, "person_identifier (kind, value, person_id)", 3, batch.identifiers, |q, row| {
                    q.bind(row.0).bind(&row.1).bind(row.2)
                });
                insert_rows!(self, tx, "person_name_token (token, person_id)", 2, batch.tokens, |q, row| {
                    q.bind(&row.0).bind(row.1)
                });
                insert_rows!(self, tx, "team_name_token (agency_id, token, person_id, names)", 4, batch.tokens,
                    |q, row| q.bind(row.2).bind(&row.0).bind(row.1).bind(&*row.3));
                insert_rows!(self, tx, "person_revision (person_id, version, details, saved_at, saved_by)", 5,
                    batch.revisions, |q, row| q.bind(row.0).bind(1_i64).bind(&row.1).bind(at).bind(loader));
                insert_rows!(self, tx, "team_entry (id, person_id, agency_id, basis_kind, statute, reason, added_by, \
                    added_at)", 8, batch.people, |q, p| {
                    q.bind(p.team_entry_id).bind(p.id).bind(agency_uuids[p.agency]).bind("statutory_task")
                        .bind(STATUTE).bind(REASON).bind(loader).bind(at)
                });
            });
            start = end;
            progress(start);
        }
        // PostgreSQL plans from statistics that a bulk load leaves stale until autovacuum
        // catches up; without them the first searches may choose sequential scans.
        if let crate::Pool::Postgres(pool) = &self.pool
            && spec.count > existing
        {
            sqlx::query("ANALYZE").execute(pool).await.map_err(db_error)?;
        }
        Ok(BulkLoaded { agencies, existing, written: spec.count - existing })
    }

    /// The number of people in the database.
    pub async fn count_people(&self) -> StoreResult<i64> {
        on_db!(self, pool => sqlx::query_scalar("SELECT count(*) FROM person").fetch_one(pool).await).map_err(db_error)
    }

    async fn person_exists(&self, id: Uuid) -> StoreResult<bool> {
        // count(*) is a 64-bit integer on both backends (a bare `SELECT 1` is not on PostgreSQL).
        let sql = "SELECT count(*) FROM person WHERE id = $1";
        let found: i64 =
            on_db!(self, pool => sqlx::query_scalar(sql).bind(id).fetch_one(pool).await).map_err(db_error)?;
        Ok(found > 0)
    }

    /// The bulk agencies (found by name, created when missing) and the loader member.
    async fn bulk_directory(&self, at: Timestamp) -> StoreResult<(Vec<AgencyId>, MemberId)> {
        let known = self.agencies().await?;
        let mut ids = Vec::new();
        for (name, kind) in BULK_AGENCIES {
            match known.iter().find(|a| a.name == name) {
                Some(agency) => ids.push(agency.id),
                None => {
                    let agency = Agency { id: AgencyId::new(at), name: name.to_string(), kind };
                    self.create_agency(&agency).await?;
                    ids.push(agency.id);
                }
            }
        }
        let loader = match self.credentials(BULK_LOADER).await? {
            Some(credentials) => credentials.member.id,
            None => {
                let member = Member {
                    id: MemberId::new(at),
                    agency_id: ids[0],
                    username: BULK_LOADER.into(),
                    display_name: "Bulk loader (generated data)".into(),
                    roles: vec![Role::Administrator],
                    disabled: true,
                };
                // Not a PHC string, so no password ever verifies against it.
                self.create_member(&member, "!", at).await?;
                member.id
            }
        };
        Ok((ids, loader))
    }
}
