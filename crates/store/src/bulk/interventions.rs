//! Generated interventions and referrals for `desist bench interventions` at national scale
//! (2,000 interventions, 300,000 referrals, 3 million session records): the rows
//! `save_intervention` and `create_referral`/`change_referral` write — the catalogue entry
//! with its needs and areas, each referral with its whole record as JSON, the listing columns
//! and one `referral_change` row per change (every attendance a row) — written with multi-row
//! inserts in large transactions, then the queue summary computed once from the referrals.
//! Everything is computed from the seed and the index, so an interrupted load resumes at the
//! next referral and the benchmark needs nothing read back.

use super::generate::SplitMix;
use super::{BulkSpec, bulk_places};
use crate::types::{Day, Instant};
use crate::{Store, db_error, in_tx, insert_rows, on_db};
use domain::ids::{AgencyId, InterventionId, MemberId, PersonId, ReferralId};
use domain::interventions::{
    Attended, ChangeDetail, Eligibility, Format, Intervention, InterventionKind, Referral, ReferralChange,
    ReferralStatus, SessionRecord, Shared, Side, area_key,
};
use domain::jurisdiction::DomainKey;
use domain::ports::{StoreError, StoreResult};
use jiff::civil::Date;
use uuid::Uuid;

/// Random streams of interventions and referrals (people use 0, plans 5 and 6).
const INTERVENTION_STREAM: u64 = 11;
const REFERRAL_STREAM: u64 = 12;
/// Life domains of the screening that generated interventions address.
pub const BULK_NEEDS: [&str; 5] = ["housing", "addiction", "finances", "work_and_daytime", "mental_health"];
/// Referrals per transaction.
const REFERRAL_BATCH: u64 = 2_000;

/// What to load: `interventions` entries of the providers, `referrals` spread over them and the
/// people of `people`, and about `sessions` attendance records over the referrals that started.
#[derive(Debug, Clone)]
pub struct InterventionBulkSpec {
    pub people: BulkSpec,
    pub interventions: u64,
    pub referrals: u64,
    pub sessions: u64,
    /// Start dates, group dates and end dates are spread around this day.
    pub today: Date,
    /// The provider agencies, round robin.
    pub providers: Vec<AgencyId>,
    /// The agency and member that referred (and recorded every change).
    pub referrer_agency: AgencyId,
    pub member: MemberId,
}

/// Where a load left the database.
#[derive(Debug, Clone, Copy)]
pub struct InterventionsLoaded {
    pub referrals_existing: u64,
    pub referrals_written: u64,
    pub sessions_written: u64,
}

fn days(date: Date, n: i64) -> Date {
    date.checked_add(jiff::Span::new().days(n)).unwrap_or(date)
}

fn id(random: &mut SplitMix, millis: u64) -> Uuid {
    uuid::Builder::from_unix_timestamp_millis(millis, &random.bytes10()).into_uuid()
}

/// The status of referral `index`: a tenth sent, a tenth accepted, a fifth waiting, three
/// tenths started, a fifth completed and a tenth withdrawn.
fn status_of(random: &mut SplitMix) -> ReferralStatus {
    match random.below(10) {
        0 => ReferralStatus::Sent,
        1 => ReferralStatus::Accepted,
        2 | 3 => ReferralStatus::Waiting,
        4..=6 => ReferralStatus::Started,
        7 | 8 => ReferralStatus::Completed,
        _ => ReferralStatus::Withdrawn,
    }
}

impl InterventionBulkSpec {
    /// Intervention `index`: one or two needs, two towns, now and then an age range or one
    /// language only, one-to-one or a group with a start date in the coming two months.
    pub fn intervention(&self, index: u64) -> Intervention {
        let mut random = SplitMix::for_person(self.people.seed, index, INTERVENTION_STREAM);
        let places = bulk_places();
        let i = index as usize;
        let mut needs = vec![DomainKey::new(BULK_NEEDS[i % BULK_NEEDS.len()])];
        if random.below(3) == 0 {
            needs.push(DomainKey::new(BULK_NEEDS[(i + 1 + random.below(4)) % BULK_NEEDS.len()]));
        }
        let mut areas = vec![places[i % places.len()].to_string()];
        let second = places[(i * 7 + 3) % places.len()].to_string();
        if second != areas[0] {
            areas.push(second);
        }
        let eligibility = Eligibility {
            min_age: i.is_multiple_of(10).then_some(18),
            max_age: i.is_multiple_of(10).then_some(27),
            languages: match i % 12 {
                0 => vec!["en".into()],
                1 => vec!["nl".into(), "ar".into()],
                _ => Vec::new(),
            },
            ..Eligibility::default()
        };
        let format = if i.is_multiple_of(4) {
            Format::Group { starts: vec![days(self.today, 1 + random.below(60) as i64)] }
        } else {
            Format::OneToOne
        };
        Intervention {
            id: InterventionId(id(&mut random, self.people.base_millis() + index)),
            provider: self.providers[i % self.providers.len().max(1)],
            name: format!("Interventie {index}"),
            description: String::new(),
            kind: InterventionKind::ALL[i % InterventionKind::ALL.len()],
            needs,
            eligibility,
            format,
            sessions: 10,
            duration_weeks: 10,
            outcomes: vec!["Doel bereikt".into()],
            capacity: 10 + random.below(20) as u32,
            unit_cost_cents: Some(50_000),
            areas,
            active: true,
        }
    }

    /// Referral `index` for one of `catalogue`, with `sessions` attendance records when it
    /// started.
    pub fn referral(&self, index: u64, catalogue: &[Intervention], sessions: u32) -> Referral {
        let mut random = SplitMix::for_person(self.people.seed, index, REFERRAL_STREAM);
        let intervention = &catalogue[random.below(catalogue.len().max(1))];
        let person = PersonId(self.people.person(random.below(self.people.count.max(1) as usize) as u64).id);
        let status = status_of(&mut random);
        let created_on = days(self.today, -(30 + random.below(300) as i64));
        let at = self.people.at;
        let started = matches!(status, ReferralStatus::Started | ReferralStatus::Completed);
        let started_on = started.then(|| days(created_on, 14));
        let ended_on = match status {
            ReferralStatus::Completed | ReferralStatus::Withdrawn => {
                Some(days(self.today, -(random.below(120) as i64)))
            }
            _ => None,
        };
        let change = |status, detail| ReferralChange {
            at,
            on: created_on,
            by: self.member,
            agency: self.referrer_agency,
            side: Side::Referrer,
            status,
            detail,
        };
        let mut history = vec![change(status, ChangeDetail::Created)];
        if started {
            for n in 0..sessions {
                let attended = match random.below(10) {
                    0 => Attended::No,
                    1 => Attended::Late,
                    _ => Attended::Yes,
                };
                let reason = (attended == Attended::No).then(|| "Ziek gemeld".to_string());
                let on = days(created_on, 14 + 7 * i64::from(n));
                history.push(change(status, ChangeDetail::Attendance(SessionRecord { on, attended, reason })));
            }
        }
        Referral {
            id: ReferralId(id(&mut random, self.people.base_millis() + index)),
            person,
            intervention: intervention.id,
            intervention_name: intervention.name.clone(),
            kind: intervention.kind,
            provider: intervention.provider,
            referrer_agency: self.referrer_agency,
            referrer: self.member,
            task: None,
            status,
            shared: Shared { needs: intervention.needs.clone(), risks: String::new(), basis: "bench".into() },
            note: String::new(),
            outcomes: intervention.outcomes.clone(),
            created_on,
            queued_at: status.is_queued().then_some(at),
            started_on,
            ended_on,
            history,
        }
    }

    /// Attendance records per started referral, so that all of them hold about `sessions`.
    fn sessions_per_started(&self) -> u32 {
        // Three tenths started and a fifth completed: half of the referrals have sessions.
        let started = (self.referrals / 2).max(1);
        u32::try_from(self.sessions.div_ceil(started)).unwrap_or(u32::MAX)
    }
}

impl Store {
    /// Loads the catalogue (when absent) and referrals `0..spec.referrals` (resuming after those
    /// present), then recomputes every intervention's queue summary. Load the people first.
    pub async fn bulk_load_interventions(
        &self,
        spec: &InterventionBulkSpec,
        mut progress: impl FnMut(u64),
    ) -> StoreResult<InterventionsLoaded> {
        let catalogue: Vec<Intervention> = (0..spec.interventions).map(|i| spec.intervention(i)).collect();
        let present: i64 =
            on_db!(self, pool => sqlx::query_scalar("SELECT count(*) FROM intervention").fetch_one(pool).await)
                .map_err(db_error)?;
        if present == 0 {
            self.bulk_catalogue(spec, &catalogue).await?;
        } else if u64::try_from(present).unwrap_or(0) != spec.interventions {
            return Err(StoreError::Database(format!(
                "the database holds {present} interventions, not the {} asked for: use a new database",
                spec.interventions
            )));
        }
        let existing: i64 =
            on_db!(self, pool => sqlx::query_scalar("SELECT count(*) FROM referral").fetch_one(pool).await)
                .map_err(db_error)?;
        let existing = u64::try_from(existing).unwrap_or(0);
        progress(existing);
        let per_started = spec.sessions_per_started();
        let mut sessions_written = 0;
        let mut start = existing;
        while start < spec.referrals {
            let end = (start + REFERRAL_BATCH).min(spec.referrals);
            let referrals: Vec<Referral> = (start..end).map(|i| spec.referral(i, &catalogue, per_started)).collect();
            let states = referrals.iter().map(crate::to_json).collect::<StoreResult<Vec<String>>>()?;
            let mut changes = Vec::new();
            for r in &referrals {
                for (n, change) in r.history.iter().enumerate() {
                    changes.push((r.id.0, n as i64 + 1, change, crate::to_json(&change.detail)?));
                }
            }
            sessions_written += changes.len() as u64 - referrals.len() as u64;
            let rows: Vec<(&Referral, &String)> = referrals.iter().zip(&states).collect();
            let at = Instant(spec.people.at);
            in_tx!(self, tx => {
                insert_rows!(self, tx, "referral (id, person_id, intervention_id, provider_id, referrer_agency, task_id, \
                    status, queued_at, started_on, ended_on, state, version, created_at, updated_at, intervention_name, \
                    created_on, session_count)", 17, rows, |q, row| {
                    let r = row.0;
                    q.bind(r.id.0).bind(r.person.0).bind(r.intervention.0).bind(r.provider.0).bind(r.referrer_agency.0)
                        .bind(None::<Uuid>).bind(r.status.code()).bind(r.queued_at.map(Instant))
                        .bind(r.started_on.map(Day)).bind(r.ended_on.map(Day)).bind(row.1).bind(1_i64).bind(at).bind(at)
                        .bind(&r.intervention_name).bind(Day(r.created_on)).bind(r.sessions().count() as i64)
                });
                insert_rows!(self, tx, "referral_change (referral_id, version, at, member_id, agency_id, side, status, \
                    action, detail)", 9, changes, |q, c| {
                    q.bind(c.0).bind(c.1).bind(Instant(c.2.at)).bind(c.2.by.0).bind(c.2.agency.0).bind(c.2.side.code())
                        .bind(c.2.status.code()).bind(c.2.detail.code()).bind(&c.3)
                });
            });
            start = end;
            progress(start);
        }
        self.rebuild_intervention_queues().await?;
        if let crate::Pool::Postgres(pool) = &self.pool
            && spec.referrals > existing
        {
            // VACUUM as well: a live database's autovacuum keeps the visibility map set, so the
            // finder's completions are read from the covering index alone (0059); a freshly bulk
            // loaded one would otherwise fetch every heap page and time something no server sees.
            sqlx::query("VACUUM ANALYZE").execute(pool).await.map_err(db_error)?;
        }
        Ok(InterventionsLoaded {
            referrals_existing: existing,
            referrals_written: spec.referrals.saturating_sub(existing),
            sessions_written,
        })
    }

    /// The catalogue with its needs, areas and first versions, in one transaction.
    async fn bulk_catalogue(&self, spec: &InterventionBulkSpec, catalogue: &[Intervention]) -> StoreResult<()> {
        let states = catalogue.iter().map(crate::to_json).collect::<StoreResult<Vec<String>>>()?;
        let rows: Vec<(&Intervention, &String)> = catalogue.iter().zip(&states).collect();
        let mut needs = Vec::new();
        let mut areas = Vec::new();
        for i in catalogue {
            let mut own: Vec<&str> = i.needs.iter().map(DomainKey::as_str).collect();
            own.sort();
            own.dedup();
            needs.extend(own.into_iter().map(|n| (n, i.id.0)));
            let mut own: Vec<String> = i.areas.iter().map(|a| area_key(a)).collect();
            own.sort();
            own.dedup();
            areas.extend(own.into_iter().map(|a| (a, i.id.0)));
        }
        let at = Instant(spec.people.at);
        in_tx!(self, tx => {
            insert_rows!(self, tx, "intervention (id, provider_id, active, state, version, updated_at)", 6, rows,
                |q, row| q.bind(row.0.id.0).bind(row.0.provider.0).bind(true).bind(row.1).bind(1_i64).bind(at));
            insert_rows!(self, tx, "intervention_version (intervention_id, version, at, member_id, state)", 5, rows,
                |q, row| q.bind(row.0.id.0).bind(1_i64).bind(at).bind(spec.member.0).bind(row.1));
            insert_rows!(self, tx, "intervention_need (need, intervention_id)", 2, needs, |q, n| q.bind(n.0).bind(n.1));
            insert_rows!(self, tx, "intervention_area (area, intervention_id)", 2, areas, |q, a| q.bind(&a.0).bind(a.1));
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> InterventionBulkSpec {
        InterventionBulkSpec {
            people: BulkSpec::new(500, 3),
            interventions: 40,
            referrals: 1_000,
            sessions: 10_000,
            today: jiff::civil::date(2026, 12, 7),
            providers: (1..=5).map(|n| AgencyId(Uuid::from_u128(n))).collect(),
            referrer_agency: AgencyId(Uuid::from_u128(9)),
            member: MemberId(Uuid::from_u128(10)),
        }
    }

    #[test]
    fn generated_referrals_are_reproducible_and_hold_about_the_sessions_asked_for() {
        let spec = spec();
        let catalogue: Vec<Intervention> = (0..spec.interventions).map(|i| spec.intervention(i)).collect();
        assert_eq!(catalogue, (0..spec.interventions).map(|i| spec.intervention(i)).collect::<Vec<_>>());
        let per = spec.sessions_per_started();
        let referrals: Vec<Referral> = (0..spec.referrals).map(|i| spec.referral(i, &catalogue, per)).collect();
        assert_eq!(referrals[7], spec.referral(7, &catalogue, per));
        let sessions: usize = referrals.iter().map(|r| r.sessions().count()).sum();
        assert!((8_000..12_000).contains(&sessions), "{sessions}");
        assert!(referrals.iter().all(|r| catalogue.iter().any(|i| i.id == r.intervention && i.provider == r.provider)));
    }
}
