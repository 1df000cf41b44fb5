//! Bulk ZSM cases for `desist bench zsm`: one location with a day's open cases and years of
//! decided ones, over generated people already loaded with [`Store::bulk_load_people`]. Each
//! case is built by the domain's own pure transitions (register, bring to the table, partner
//! contributions, the prosecutor's decision, clocks stopped on the decision) and its board
//! and metrics columns derived by `view::index`, exactly as the service does; the rows are
//! then written with multi-row statements through the same column lists and bindings as
//! `create_case`. Only the case and offence rows are written (what the board and the metrics
//! read), not the per-transition history or audit rows the service adds.

use super::generate::SplitMix;
use super::{BULK_LOADER, BulkLoaded, BulkSpec, generated_agency};
use crate::types::{Day, Instant};
use crate::zsm::{CASE_COLUMNS, OFFENCE_COLUMNS, bind_index, bind_new_case, bind_offence};
use crate::{Store, db_error, in_tx, insert_rows, on_db, to_json};
use domain::directory::DirectoryStore;
use domain::ids::{CaseId, MemberId, PersonId};
use domain::jurisdiction::{JurisdictionPack, Partner, shipped_pack};
use domain::ports::{StoreError, StoreResult};
use domain::zsm::ZsmError;
use domain::zsm::model::forms::{ContributionForm, DecisionForm};
use domain::zsm::model::intake::{IntakeInput, Offence, Victim};
use domain::zsm::model::view::{CaseIndex, index};
use domain::zsm::ports::{StoredCase, ZsmLocation, ZsmStore};
use domain::zsm::workflow::case::{CaseCommand, CaseEffect, apply, register};
use domain::zsm::workflow::clock as zsm_clock;
use domain::zsm::workflow::clock::{ClockCommand, StopReason};
use domain::{Clock, FixedClock};
use jiff::{SignedDuration, Timestamp};
use uuid::Uuid;

/// The location the benchmark's cases are held at.
pub const BENCH_LOCATION: &str = "zsm-bench";

/// Cases `0..open` are open (arrested within the last 20 hours of `now`); cases
/// `open..open + historic` were decided, spread evenly over `history_days` before `now`.
#[derive(Debug, Clone)]
pub struct ZsmBulkSpec {
    pub location: String,
    pub open: u64,
    pub historic: u64,
    pub history_days: u64,
    pub now: Timestamp,
    pub seed: u64,
    /// Cases per transaction; progress is reported after each.
    pub batch: usize,
}

impl ZsmBulkSpec {
    pub fn new(open: u64, historic: u64, now: Timestamp, seed: u64) -> ZsmBulkSpec {
        ZsmBulkSpec { location: BENCH_LOCATION.into(), open, historic, history_days: 5 * 365, now, seed, batch: 2_000 }
    }

    pub fn total(&self) -> u64 {
        self.open + self.historic
    }
}

/// Where a load left the location.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ZsmBulkLoaded {
    /// Cases that were already there (reused as they are).
    pub existing: u64,
    pub written: u64,
}

/// Offence type, description and whether it allows pre-trial detention: the everyday
/// caseload of a ZSM table, shared with the web demo.
pub const ZSM_OFFENCES: [(&str, &str, bool); 5] = [
    ("winkeldiefstal", "Nam drie flessen sterke drank mee zonder te betalen", true),
    ("eenvoudige mishandeling", "Sloeg een portier na een ruzie bij de ingang", true),
    ("vernieling", "Trapte de ruit van een bushokje in", true),
    ("openlijke geweldpleging", "Samen met anderen geweld tegen een fietser", true),
    ("belediging", "Beledigde een handhaver tijdens een controle", false),
];
const ADVICE: [&str; 4] = ["no_concerns", "screening_advised", "supervision_advised", "intervention_advised"];
const SIGNALS: [&str; 4] = ["debt", "housing", "alcohol_addiction", "mental_health"];

/// One generated case, ready to insert.
pub struct GeneratedCase {
    pub stored: StoredCase,
    pub index: CaseIndex,
    state: String,
    clocks: String,
    /// When the last transition happened (the row's `updated_at`).
    at: Timestamp,
}

fn mins(n: usize) -> SignedDuration {
    SignedDuration::from_mins(n as i64)
}

/// Case `n` of `spec`, with `suspect`, worked on by `member` (registration, contributions,
/// decision). Always the same case for the same arguments, apart from its time-ordered ids.
pub fn generated_case(
    pack: &JurisdictionPack,
    spec: &ZsmBulkSpec,
    n: u64,
    suspect: PersonId,
    member: MemberId,
) -> StoreResult<GeneratedCase> {
    built(pack, spec, n, suspect, member).map_err(|e| StoreError::Database(format!("generating case {n}: {e}")))?
}

fn built(
    pack: &JurisdictionPack,
    spec: &ZsmBulkSpec,
    n: u64,
    suspect: PersonId,
    member: MemberId,
) -> Result<StoreResult<GeneratedCase>, ZsmError> {
    let mut rng = SplitMix::for_person(spec.seed, n, 0x25A);
    let open = n < spec.open;
    let arrested = if open {
        spec.now - mins(10 + rng.below(20 * 60))
    } else {
        let span = spec.history_days.max(1) * 1440;
        let back = 2 * 1440 + (n - spec.open) * span / spec.historic.max(1) + rng.below(600) as u64;
        spec.now - mins(back as usize)
    };
    let clock = FixedClock::new(arrested + mins(15));
    let (offence_type, description, pretrial) = ZSM_OFFENCES[rng.below(ZSM_OFFENCES.len())];
    let input = IntakeInput {
        suspect,
        suspect_is_minor: rng.below(12) == 0,
        offences: vec![Offence {
            offence_type: offence_type.into(),
            committed_on: arrested.to_zoned(pack.time_zone.clone()).date(),
            place: "Utrecht".into(),
            description: description.into(),
            pretrial_detention_allowed: pretrial,
        }],
        arrested_at: arrested,
        arrived_at_station: arrested + mins(10),
        location: spec.location.clone(),
        victims: if rng.below(2) == 0 {
            vec![Victim::Anonymous { description: "winkel of omstander".into() }]
        } else {
            Vec::new()
        },
        police_report_summary: format!("Aangehouden op heterdaad ({offence_type})."),
        prior_record_summary: None,
        registered_by: member,
    };
    let (mut case, effects) = register(CaseId::new(clock.now()), input, pack, &clock)?;
    let mut clocks: Vec<_> = effects
        .into_iter()
        .filter_map(|effect| match effect {
            CaseEffect::ClockStarted(run) => Some(run),
            _ => None,
        })
        .collect();
    let mut version = 1;
    let mut step = |case: &mut domain::zsm::workflow::case::ZsmCase, command: CaseCommand| -> Result<(), ZsmError> {
        *case = apply(case, command, pack, &clock)?.0;
        version += 1;
        Ok(())
    };
    // Open cases are at every stage; decided ones went through all of them.
    let stage = if open { rng.below(4) } else { 3 };
    if stage >= 1 {
        clock.advance(mins(20));
        step(&mut case, CaseCommand::BringToTable)?;
    }
    if stage >= 2 {
        let police = ContributionForm {
            state: "done".into(),
            additional_information: "Camerabeelden beschikbaar".into(),
            ..Default::default()
        };
        let mut probation =
            ContributionForm { state: "done".into(), advice: ADVICE[rng.below(4)].into(), ..Default::default() };
        if rng.below(3) == 0 {
            probation.signals.insert(SIGNALS[rng.below(4)].into(), "uit gesprek".into());
        }
        for (partner, form) in [(Partner::Police, police), (Partner::Probation, probation)] {
            clock.advance(mins(15 + rng.below(60)));
            let (state, content) =
                form.parse(partner, pack).map_err(|_| ZsmError::EmptyField { field: "bulk form" })?;
            step(&mut case, CaseCommand::UpdateContribution { partner, state, content, by: member })?;
        }
    }
    if !open {
        clock.advance(mins(30 + rng.below(400)));
        let today = clock.now().to_zoned(pack.time_zone.clone()).date();
        let parameters = |pairs: &[(&str, String)]| pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
        let (disposal, parameters) = match rng.below(5) {
            0 | 1 => ("penalty_order", parameters(&[("fine_cents", format!("{}", 150 + rng.below(4) * 50))])),
            2 => ("unconditional_dismissal", parameters(&[("ground", "policy".into())])),
            3 => ("referral_case_management", parameters(&[("note", "Meerdere leefgebieden".into())])),
            _ => (
                "summons",
                parameters(&[
                    ("track", "fast_track".into()),
                    ("hearing_date", today.saturating_add(jiff::Span::new().days(10)).to_string()),
                ]),
            ),
        };
        let form = DecisionForm {
            disposal: disposal.into(),
            parameters,
            obligations: Vec::new(),
            reasoning: "Afgedaan aan de ZSM-tafel".into(),
            override_reason: "Gegenereerd voor een benchmark".into(),
        };
        let request =
            form.parse(pack, member, clock.now()).map_err(|_| ZsmError::EmptyField { field: "bulk decision" })?;
        step(&mut case, CaseCommand::Decide(request))?;
        for run in &mut clocks {
            if run.is_running() {
                *run = zsm_clock::apply(run, ClockCommand::Stop { reason: StopReason::Decided }, pack, &clock)?.0;
            }
        }
    }
    let index = index(&case, &clocks, pack);
    let at = clock.now();
    Ok((|| {
        let (state, clocks_json) = (to_json(&case)?, to_json(&clocks)?);
        let stored = StoredCase { case, clocks, lawyer: None, version };
        Ok(GeneratedCase { stored, index, state, clocks: clocks_json, at })
    })())
}

impl Store {
    /// Loads the cases of `spec` at its location (created with every bulk agency at the table)
    /// over the people of `people`, already loaded. Open cases' suspects are people on the
    /// first bulk agency's team, so its members see all of them on the board. A location that
    /// already holds exactly the asked-for number of cases is reused as it is.
    pub async fn bulk_load_zsm(
        &self,
        people: &BulkSpec,
        loaded: &BulkLoaded,
        spec: &ZsmBulkSpec,
        mut progress: impl FnMut(u64),
    ) -> StoreResult<ZsmBulkLoaded> {
        let pack = shipped_pack("nl").map_err(|e| StoreError::Database(e.to_string()))?;
        if self.location(&spec.location).await?.is_none() {
            let location = ZsmLocation {
                code: spec.location.clone(),
                name: "ZSM benchmark".into(),
                pack: pack.code.clone(),
                agencies: loaded.agencies.clone(),
                time_zone: None,
            };
            self.create_location(&location, spec.now).await?;
        }
        let existing = u64::try_from(self.count_cases(&spec.location).await?).unwrap_or(0);
        if existing == spec.total() {
            progress(existing);
            return Ok(ZsmBulkLoaded { existing, written: 0 });
        }
        if existing > 0 {
            return Err(StoreError::Database(format!(
                "location {} holds {existing} cases, not the {} asked for: use a new database",
                spec.location,
                spec.total()
            )));
        }
        let loader = self
            .credentials(BULK_LOADER)
            .await?
            .ok_or_else(|| StoreError::Database("load the bulk people first".into()))?
            .member
            .id;
        let on_board: Vec<u64> =
            (0..people.count).filter(|&i| generated_agency(people.seed, i) == 0).take(spec.open as usize).collect();
        if (on_board.len() as u64) < spec.open || people.count == 0 {
            return Err(StoreError::Database(format!(
                "{} people hold too few of the first agency's people for {} open cases: load more people",
                people.count, spec.open
            )));
        }
        let base = people.base_millis();
        let suspect = |n: u64| -> PersonId {
            let index = match on_board.get(n as usize) {
                Some(&index) if n < spec.open => index,
                _ => SplitMix::for_person(spec.seed, n, 0x5005).next() % people.count,
            };
            PersonId::from_uuid(super::generated_person(people.seed, index, base).id)
        };
        let loader_uuid: Uuid = *loader.as_uuid();
        let mut start = 0;
        progress(0);
        while start < spec.total() {
            let end = (start + spec.batch.max(1) as u64).min(spec.total());
            let cases = (start..end)
                .map(|n| generated_case(pack, spec, n, suspect(n), loader))
                .collect::<StoreResult<Vec<_>>>()?;
            let offences: Vec<(Uuid, usize, &Offence)> = cases
                .iter()
                .flat_map(|c| {
                    let id = c.stored.id().as_uuid();
                    c.stored.case.intake.details().offences.iter().enumerate().map(move |(seq, o)| (id, seq, o))
                })
                .collect();
            let case_head = format!("zsm_case ({CASE_COLUMNS})");
            let offence_head = format!("zsm_offence ({OFFENCE_COLUMNS})");
            in_tx!(self, tx => {
                insert_rows!(self, tx, &case_head, 26, cases, |q, row| {
                    bind_new_case!(q, &row.stored, &row.index, &row.state, &row.clocks, row.at, loader_uuid)
                });
                insert_rows!(self, tx, &offence_head, 7, offences, |q, row| bind_offence!(q, row.0, row.1, row.2));
            });
            start = end;
            progress(start);
        }
        if let crate::Pool::Postgres(pool) = &self.pool {
            sqlx::query("ANALYZE").execute(pool).await.map_err(db_error)?;
        }
        Ok(ZsmBulkLoaded { existing: 0, written: spec.total() })
    }

    /// The number of cases held at a location.
    pub async fn count_cases(&self, location: &str) -> StoreResult<i64> {
        let sql = "SELECT count(*) FROM zsm_case WHERE location = $1";
        on_db!(self, pool => sqlx::query_scalar(sql).bind(location).fetch_one(pool).await).map_err(db_error)
    }
}
