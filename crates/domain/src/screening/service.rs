//! The screening use cases: record a screening of a person and read their screenings, each
//! authorised through the person's case team and audited against the person.

use crate::access::{Actor, Grant, Permission, TeamEntry, authorise};
use crate::audit::{AuditAction, AuditEntry, AuditLog};
use crate::clock::Clock;
use crate::ids::{AgencyId, MemberId, PersonId, ScreeningId};
use crate::jurisdiction::ScreeningConfig;
use crate::people::Person;
use crate::people::ports::PeopleStore;
use crate::screening::ports::ScreeningStore;
use crate::screening::{
    RawDomainScore, RawScreening, Screening, ScreeningInput, ScreeningReferral, WAITING_PAGE_SIZE, WaitingPerson,
    field_error, matching, note_field, score_field, source_field, waiting_persons,
};
use crate::service::{ServiceError, ServiceResult, authorise_person, today_in};
use crate::validation::{FieldError, TextLimit, ValidationErrors, limited_text};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use std::collections::BTreeMap;

/// The screening form's starting point: the person and what the ZSM table referred them with.
#[derive(Debug, Clone)]
pub struct FormStart {
    pub person: Person,
    pub referrals: Vec<ScreeningReferral>,
}

pub struct Screenings<'a, S> {
    pub store: &'a S,
    pub clock: &'a dyn Clock,
    pub time_zone: &'a TimeZone,
    pub config: &'a ScreeningConfig,
}

impl<S: PeopleStore + AuditLog + ScreeningStore> Screenings<'_, S> {
    pub fn today(&self) -> Date {
        today_in(self.clock, self.time_zone)
    }

    /// Parses and saves a screening by `actor`'s agency; every problem is reported at once and
    /// nothing is saved unless there are none.
    pub async fn record(&self, actor: &Actor, person: PersonId, input: &ScreeningInput) -> ServiceResult<Screening> {
        let now = self.clock.now();
        let today = self.today();
        let grant = authorise_person(self.store, actor, person, Permission::RecordScreening, "screening", now, today)
            .await?
            .grant;
        let mut errors = ValidationErrors::default();
        let screened_on = match input.screened_on.trim() {
            "" => today,
            text => crate::validation::parse_date("screened_on", text).unwrap_or_else(|error| {
                errors.push(error);
                today
            }),
        };
        // The same limits as every other form: a note is free text, a source one line.
        for entry in &input.entries {
            let domain = entry.domain.trim();
            limited_text(&mut errors, &note_field(domain), &entry.note, TextLimit::Text);
            limited_text(&mut errors, &source_field(domain), &entry.source, TextLimit::Line);
        }
        let mut entries = Vec::new();
        for entry in input.entries.iter().filter(|e| !e.score.trim().is_empty()) {
            match entry.score.trim().parse::<i64>() {
                Ok(score) => entries.push(RawDomainScore {
                    domain: entry.domain.clone(),
                    score,
                    note: entry.note.clone(),
                    source: entry.source.clone(),
                }),
                Err(_) => errors.push(
                    FieldError::new(score_field(entry.domain.trim()), "error.screening.not_a_number")
                        .with("score", entry.score.trim()),
                ),
            }
        }
        let raw = RawScreening {
            id: ScreeningId(crate::ids::new_v7(now)),
            person: PersonId(*person.as_uuid()),
            screened_on,
            screened_by: MemberId(*actor.member_id.as_uuid()),
            agency: AgencyId(*actor.agency_id.as_uuid()),
            entries,
        };
        let parsed = Screening::parse(raw, self.config, today);
        let screening = match parsed {
            Ok(screening) if errors.is_empty() => screening,
            Ok(_) => return Err(ServiceError::Invalid(errors)),
            Err(problems) => {
                // Every problem at once: a limit broken and a domain missing are both named.
                let already: Vec<String> = errors.iter().map(|e| e.field.clone()).collect();
                for problem in &problems {
                    let error = field_error(problem);
                    // A score that was not a number is not also "missing".
                    if !already.contains(&error.field) {
                        errors.push(error);
                    }
                }
                return Err(ServiceError::Invalid(errors));
            }
        };
        let what = format!("screening of {} on {}", scored_list(&screening), screening.screened_on);
        let audit = AuditEntry::granted(actor, now, person, AuditAction::Create, what, &grant);
        self.store.add_screening(&screening, now, &audit).await?;
        Ok(screening)
    }

    /// The person and their screenings, oldest first; the read is audited.
    pub async fn list(&self, actor: &Actor, person: PersonId, what: &str) -> ServiceResult<(Person, Vec<Screening>)> {
        let now = self.clock.now();
        let found =
            authorise_person(self.store, actor, person, Permission::ViewPerson, what, now, self.today()).await?;
        self.store.append(&[AuditEntry::granted(actor, now, person, AuditAction::Read, what, &found.grant)]).await?;
        let mut screenings = self.store.screenings(person).await?;
        screenings.sort_by_key(|s| (s.screened_on, s.id));
        Ok((found.person, screenings))
    }

    /// Checks that `actor` may screen the person (for showing the form) and returns the person
    /// with the open referrals the form starts from.
    pub async fn form(&self, actor: &Actor, person: PersonId) -> ServiceResult<FormStart> {
        let now = self.clock.now();
        let found = authorise_person(
            self.store,
            actor,
            person,
            Permission::RecordScreening,
            "screening form",
            now,
            self.today(),
        )
        .await?;
        self.store
            .append(&[AuditEntry::granted(actor, now, person, AuditAction::Read, "screening form", &found.grant)])
            .await?;
        let referrals = self.store.open_referrals(person).await?;
        Ok(FormStart { person: found.person, referrals })
    }

    /// The person's open referrals, for their screenings page; read under the same grant as
    /// the page (the caller has just authorised and audited the read).
    pub async fn open_referrals(&self, person: PersonId) -> ServiceResult<Vec<ScreeningReferral>> {
        Ok(self.store.open_referrals(person).await?)
    }

    /// "To screen": persons the ZSM table referred, on teams the actor's agency is on, one line
    /// per person, the most urgent first, filtered by `search` (words of the name) and cut into
    /// pages. Only roles that screen see the list; each person shown is audited as listed.
    pub async fn waiting(&self, actor: &Actor, search: &str, page: u32) -> ServiceResult<WaitingList> {
        let now = self.clock.now();
        // A role that does not screen is refused, and the refusal is on record (as the API
        // promises): a partner system probing the list leaves a trace.
        crate::service::require_audited(self.store, actor, Permission::RecordScreening, "list: to screen", now).await?;
        let today = self.today();
        let referrals = self.store.waiting_referrals(actor.agency_id, today, WAITING_CAP).await?;
        let mut persons: Vec<PersonId> = referrals.iter().map(|r| r.person).collect();
        persons.sort();
        persons.dedup();
        let mut teams: BTreeMap<PersonId, Vec<TeamEntry>> = BTreeMap::new();
        for entry in self.store.open_entries_of(actor.agency_id, &persons).await? {
            teams.entry(entry.person_id).or_default().push(entry);
        }
        let mut visible: BTreeMap<PersonId, (String, Grant)> = BTreeMap::new();
        for summary in self.store.summaries(&persons).await? {
            let team = teams.get(&summary.id).map_or(&[][..], Vec::as_slice);
            if let Ok(grant) = authorise(actor, Permission::ViewPerson, team, today) {
                visible.insert(summary.id, (summary.display_name(), grant));
            }
        }
        let named = referrals
            .into_iter()
            .filter_map(|r| visible.get(&r.person).map(|(name, _)| (r.clone(), name.clone())))
            .collect();
        let all = waiting_persons(named);
        let total = all.len();
        let found = matching(all, search);
        let matched = found.len();
        let pages = matched.div_ceil(WAITING_PAGE_SIZE).max(1);
        let page = (page.max(1) as usize).min(pages);
        let shown: Vec<WaitingPerson> =
            found.into_iter().skip((page - 1) * WAITING_PAGE_SIZE).take(WAITING_PAGE_SIZE).collect();
        let audit: Vec<AuditEntry> = shown
            .iter()
            .filter_map(|line| {
                let (_, grant) = visible.get(&line.person)?;
                Some(AuditEntry::granted(actor, now, line.person, AuditAction::Listed, "list: to screen", grant))
            })
            .collect();
        self.store.append(&audit).await?;
        Ok(WaitingList { total, matched, page, pages, persons: shown })
    }
}

/// At most this many open referrals are read for the list (far above a day's work at a table).
const WAITING_CAP: u32 = 10_000;

/// One page of the "to screen" list.
#[derive(Debug, Clone)]
pub struct WaitingList {
    /// Persons waiting in all (before the search).
    pub total: usize,
    /// Persons the search matched.
    pub matched: usize,
    /// This page (from 1) and how many there are.
    pub page: usize,
    pub pages: usize,
    pub persons: Vec<WaitingPerson>,
}

fn scored_list(screening: &Screening) -> String {
    let count = screening.scores.len();
    format!("{count} life domain{}", if count == 1 { "" } else { "s" })
}
