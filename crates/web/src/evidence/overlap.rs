//! Which published views enclose a scoped one (issue 21): the whole partnership encloses every
//! view; a location lead's locations enclose each of them; one commissioner's contracts enclose
//! another's when they contract every provider the other does and more. A scoped answer is
//! made with the work of each enclosing view beside its own, so that no group it publishes can
//! be given away by subtracting it from theirs (`evidence::views`).

use std::collections::{BTreeMap, BTreeSet};

use super::reach::{keep_reachable, locations_of};
use super::whatworks::Reach;
use crate::AppState;
use crate::error::WebError;
use domain::partnership::service::contracts::ContractStore;
use domain::zsm::ports::ZsmStore;
use evidence::Dataset;
use evidence::date::days_from_civil;
use evidence::public_value::Period;
use evidence::whatworks::WorkEvent;
use jiff::tz::TimeZone;
use store::commissioning::{contract_place, place_covers};
use store::evidence::whatworks::{DerivedEvent, LinkReport, WorkGrouping, WorkSubject, WorkWhen};
use uuid::Uuid;

fn internal(e: domain::ports::StoreError) -> WebError {
    WebError::internal(e.to_string())
}

/// The derived `events` as work on the extract's persons, each dated in `zone` (only those in
/// `within`, when given), and how many name no one, or several, in the extract.
pub(crate) fn work_events(
    events: Vec<DerivedEvent>,
    links: &LinkReport,
    data: &Dataset,
    zone: &TimeZone,
    within: Option<Period>,
) -> (Vec<WorkEvent>, u64) {
    let mut unlinked = 0;
    let mut work = Vec::with_capacity(events.len());
    for e in events {
        let source = match &e.subject {
            WorkSubject::Person(p) => links.matched.get(p).map(String::as_str),
            WorkSubject::Extract(s) => Some(s.as_str()),
        };
        let Some(person) = source.and_then(|s| data.find_person(s)) else {
            unlinked += 1;
            continue;
        };
        let date = match e.when {
            WorkWhen::At(at) => at.to_zoned(zone.clone()).date(),
            WorkWhen::On(date) => date,
        };
        let day = days_from_civil(i32::from(date.year()), date.month() as u32, date.day() as u32);
        if within.is_some_and(|period| !period.contains(day)) {
            continue;
        }
        work.push(WorkEvent { person, day, group: e.group });
    }
    (work, unlinked)
}

/// The views that enclose `reach` and are published to someone (none for the whole
/// partnership's).
async fn enclosing_reaches(state: &AppState, reach: &Reach) -> Result<Vec<Reach>, WebError> {
    let mut out = vec![Reach::Everything];
    match reach {
        Reach::Everything => return Ok(Vec::new()),
        Reach::SafetyHouse(_) => {}
        Reach::Location(_) | Reach::LocationLead(_) => {
            let mine: BTreeSet<String> = match reach {
                Reach::Location(code) => BTreeSet::from([code.clone()]),
                Reach::LocationLead(agency) => locations_of(state, *agency).await?,
                _ => BTreeSet::new(),
            };
            let mut leads: BTreeMap<Uuid, BTreeSet<String>> = BTreeMap::new();
            for location in state.store.locations().await.map_err(internal)? {
                for agency in &location.agencies {
                    leads.entry(*agency.as_uuid()).or_default().insert(location.code.clone());
                }
            }
            let mut seen = BTreeSet::new();
            for (agency, theirs) in leads {
                if theirs.is_superset(&mine) && theirs != mine && seen.insert(theirs) {
                    out.push(Reach::LocationLead(agency));
                }
            }
        }
        Reach::Contracts(agency) => {
            let mut bought: BTreeMap<Uuid, BTreeSet<String>> = BTreeMap::new();
            for record in state.store.contract_records().await.map_err(internal)? {
                let c = record.contract;
                bought.entry(c.commissioner).or_default().insert(contract_place(c.provider, c.intervention));
            }
            let mine = bought.remove(agency).unwrap_or_default();
            let mut seen = BTreeSet::new();
            for (other, theirs) in bought {
                // Theirs buys all mine buys (a provider's every intervention covers one of them).
                let covers = mine.iter().all(|m| {
                    let (provider, intervention) = m.split_once('/').map_or((m.as_str(), None), |(p, i)| (p, Some(i)));
                    place_covers(&theirs, provider, intervention)
                });
                if covers && theirs != mine && seen.insert(theirs) {
                    out.push(Reach::Contracts(other));
                }
            }
        }
    }
    Ok(out)
}

/// The work of every view enclosing `reach`, grouped `by`, from `all` the derived events.
#[allow(clippy::too_many_arguments, reason = "the same question as `answer` asks, view by view")]
pub(crate) async fn enclosing_work(
    state: &AppState,
    reach: &Reach,
    by: WorkGrouping,
    all: &[DerivedEvent],
    links: &LinkReport,
    data: &Dataset,
    zone: &TimeZone,
    within: Option<Period>,
) -> Result<Vec<Vec<WorkEvent>>, WebError> {
    let mut views = Vec::new();
    for enclosing in enclosing_reaches(state, reach).await? {
        let mut events = all.to_vec();
        keep_reachable(state, &enclosing, by, &mut events).await?;
        views.push(work_events(events, links, data, zone, within).0);
    }
    Ok(views)
}
