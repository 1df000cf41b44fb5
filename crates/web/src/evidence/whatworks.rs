//! What works, computed once for the page and the API: the index events desist's own records
//! imply (read by SQL when asked, see `store::evidence::whatworks`), linked to the offence
//! record by identifiers, measured on the extract held in memory, each group against its
//! matched comparison — for whom the member may see: an analyst everything, a Safety House's
//! process manager the persons whose plans their Safety House activated.

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::AppState;
use crate::auth::SignedIn;
use crate::error::WebError;
use crate::person_packs::PageZone;
use domain::access::{Denial, Permission, Role};
use domain::ids::AgencyId;
use evidence::Dataset;
use evidence::date::{Day, days_from_civil, parse_date_arg};
use evidence::grid;
use evidence::public_value::Period;
use evidence::reoffending::{Definition, GroupBy, GroupMeasure, Measure, Report};
use evidence::survival::Curve;
use evidence::table::DEFAULT_MIN_CELL;
use evidence::views::{RawCounts, raw_counts, withhold_against_enclosing};
use evidence::whatworks::{
    GroupResult, Method, POOL_GROUP, WorkEvent, what_works_as_of, with_work_events, withhold_groups,
};
use jiff::tz::TimeZone;
use store::evidence::whatworks::WorkGrouping;
use uuid::Uuid;

/// Whose work a member may see in aggregate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Reach {
    /// Analysts: every group.
    Everything,
    /// A process manager: the persons whose plans their Safety House (agency) activated.
    SafetyHouse(Uuid),
    /// A ZSM location (its code): the persons whose cases it decided (the public value report's).
    Location(String),
    /// A commissioner (their agency): the persons referred to the providers it contracts.
    Contracts(Uuid),
    /// A ZSM location lead (their agency): the persons whose cases the locations it sits at
    /// decided.
    LocationLead(Uuid),
}

/// The member's reach, or 403 for a member who may see no aggregates.
pub(crate) fn reach(me: &SignedIn) -> Result<Reach, WebError> {
    if me.actor.can(Permission::ViewAggregates) {
        Ok(Reach::Everything)
    } else if me.actor.roles.contains(&Role::ProcessManager) {
        Ok(Reach::SafetyHouse(*me.actor.agency_id.as_uuid()))
    } else if me.actor.roles.contains(&Role::Commissioner) {
        Ok(Reach::Contracts(*me.actor.agency_id.as_uuid()))
    } else if me.actor.roles.contains(&Role::LocationLead) {
        Ok(Reach::LocationLead(*me.actor.agency_id.as_uuid()))
    } else {
        Err(WebError::Forbidden(Denial::RoleLacksPermission))
    }
}

/// The groupings a page offers, in this order.
pub(crate) const GROUPINGS: [WorkGrouping; 8] = WorkGrouping::ALL;

pub(crate) fn parse_by(code: &str) -> Result<WorkGrouping, WebError> {
    let code = if code.is_empty() { "disposal" } else { code };
    WorkGrouping::parse(code).ok_or_else(|| WebError::BadRequest(format!("unknown grouping '{code}'")))
}

/// The zone the figures of `reach` are dated in: a location's or Safety House's pack's (a
/// London custody suite's work in London time), else the member's.
pub(crate) async fn reach_zone(state: &AppState, me: &SignedIn, reach: &Reach) -> Result<PageZone, WebError> {
    match reach {
        Reach::Everything => state.member_zone(&me.actor).await,
        Reach::SafetyHouse(agency) | Reach::Contracts(agency) => {
            state.agency_zone(&me.actor, AgencyId::from_uuid(*agency)).await
        }
        Reach::Location(code) => state.location_zone(&me.actor, code).await,
        Reach::LocationLead(agency) => match super::reach::locations_of(state, *agency).await?.first() {
            Some(code) => state.location_zone(&me.actor, code).await,
            None => state.member_zone(&me.actor).await,
        },
    }
}

/// The as-of date asked for, else the extract's own "data up to" date, else today in `zone`.
pub(crate) async fn as_of(state: &AppState, asked: &str, zone: &TimeZone) -> Result<Day, WebError> {
    if !asked.is_empty() {
        return parse_date_arg(asked).ok_or_else(|| WebError::BadRequest(format!("bad date '{asked}'")));
    }
    let up_to = state.store.extract_data_up_to().await.map_err(|e| WebError::internal(e.to_string()))?;
    let day = up_to.unwrap_or_else(|| domain::service::today_in(state.clock.as_ref(), zone));
    Ok(days_from_civil(i32::from(day.year()), day.month() as u32, day.day() as u32))
}

/// Everything a what-works page or answer shows, after disclosure control.
pub(crate) struct Answer {
    pub definition: Definition,
    pub method: Method,
    pub groups: Vec<GroupResult>,
    /// The published groups' reoffending, for the rates chart.
    pub report: Report,
    /// The published groups' survival curves.
    pub curves: Vec<Curve>,
    /// Derived index events whose person is linked to no one, or to several, in the extract.
    pub unlinked: u64,
}

/// The answer for `reach` and `by` as of `as_of`; with `within`, only the work whose index
/// date falls in that period (the public value report's period) makes the groups. Instants
/// become index dates in `zone` (see [`reach_zone`]).
pub(crate) async fn answer(
    state: &AppState,
    reach: Reach,
    by: WorkGrouping,
    as_of: Day,
    within: Option<Period>,
    zone: &TimeZone,
) -> Result<Answer, WebError> {
    let store = &state.store;
    let internal = |e: domain::ports::StoreError| WebError::internal(e.to_string());
    let (generation, data): (i64, Arc<Dataset>) = state.evidence().extract_of_generation().await.map_err(internal)?;
    let mut events = store.derived_events(by).await.map_err(internal)?;
    let links = store.person_links().await.map_err(internal)?;
    // The views enclosing this one, whose figures it must not give away by difference: all
    // their work, as all of this view's, so that a period is cut where its groups' work allows.
    let enclosing = super::overlap::enclosing_work(state, &reach, by, &events, &links, &data, zone, None).await?;
    // Only the work the member's reach covers (views4: also commissioners and location leads).
    super::reach::keep_reachable(state, &reach, by, &mut events).await?;
    let (work, unlinked) = super::overlap::work_events(events, &links, &data, zone, None);
    // Published as of month ends only (evidence::grid): any day of a month answers as the
    // month end before it.
    let definition = Definition::default_as_of(grid::grid_as_of(as_of));
    let within = within.map(|p| (p.from, p.to));
    let key = FiguresKey { generation, definition, work, enclosing, within };
    let extracts = state.evidence();
    let figures = extracts.figures();
    let computed = match figures.get(&key) {
        Some(computed) => computed,
        None => {
            let (work, enclosing) = (key.work.clone(), key.enclosing.clone());
            let within = within.map(|(from, to)| Period { from, to });
            let computed = tokio::task::spawn_blocking(move || compute(&data, &work, &enclosing, definition, within))
                .await
                .map_err(|e| WebError::internal(e.to_string()))?;
            figures.put(key, computed)
        }
    };
    let Computed { groups, report, curves } = Computed::clone(&computed);
    Ok(Answer { definition, method: Method::new(definition, DEFAULT_MIN_CELL), groups, report, curves, unlinked })
}

/// The figures of one answer, before they are shaped for a page or the API.
#[derive(Clone)]
struct Computed {
    groups: Vec<GroupResult>,
    report: Report,
    curves: Vec<Curve>,
}

/// Everything an answer's figures are computed from: the extract (by its generation), the
/// definition and the work joined to it (the member's reach, the grouping, the period and the
/// zone are all in which work and which days). Equal keys give equal figures, so a key seen
/// before is answered from [`Figures`]; new work recorded in desist makes a new key.
#[derive(PartialEq)]
struct FiguresKey {
    generation: i64,
    definition: Definition,
    work: Vec<WorkEvent>,
    /// The work of the views enclosing this one (what it must not give away by difference).
    enclosing: Vec<Vec<WorkEvent>>,
    /// The period (first and last day) whose work makes the groups, when one was asked.
    within: Option<(Day, Day)>,
}

/// The what-works figures this server computed, the most recently used last: the matched
/// comparisons take a second or more at national scale, and the same page is asked again
/// (the page and its API, a reload, the next member of the same Safety House).
#[derive(Default)]
pub(crate) struct Figures {
    held: std::sync::Mutex<Vec<(FiguresKey, Arc<Computed>)>>,
}

/// Answers kept per server (each a few groups' figures and curves).
const FIGURES_KEPT: usize = 32;

impl Figures {
    fn get(&self, key: &FiguresKey) -> Option<Arc<Computed>> {
        let mut held = self.held.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let at = held.iter().position(|(k, _)| k == key)?;
        let entry = held.remove(at);
        let computed = Arc::clone(&entry.1);
        held.push(entry);
        Some(computed)
    }

    fn put(&self, key: FiguresKey, computed: Computed) -> Arc<Computed> {
        let computed = Arc::new(computed);
        let mut held = self.held.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        held.retain(|(k, _)| *k != key && k.generation == key.generation);
        if held.len() >= FIGURES_KEPT {
            held.remove(0);
        }
        held.push((key, Arc::clone(&computed)));
        computed
    }
}

/// The figures of `work` joined to `data`: each published group with its comparison, their
/// reoffending and their survival curves. Each group is measured as of its latest release on
/// or before the month end asked (`evidence::grid`); with `within`, only the work that started
/// in that period (whole months) makes the groups, all as of the month end asked, and a group
/// is published only when the period's ends fall on its releases. A scoped view publishes
/// nothing an enclosing view's figures would give away by difference, and draws only curves
/// equal to every enclosing view's.
fn compute(
    data: &Dataset,
    work: &[WorkEvent],
    enclosing: &[Vec<WorkEvent>],
    definition: Definition,
    within: Option<Period>,
) -> Computed {
    let in_period = |w: &[WorkEvent]| -> Vec<WorkEvent> {
        w.iter().filter(|e| within.is_none_or(|p| p.contains(e.day))).cloned().collect()
    };
    let joined = with_work_events(data, &in_period(work));
    let views: Vec<Dataset> = enclosing.iter().map(|w| with_work_events(data, &in_period(w))).collect();
    let view_refs: Vec<&Dataset> = views.iter().collect();
    let mut as_of = grid::released_as_of(&joined, &view_refs, definition, DEFAULT_MIN_CELL);
    if within.is_some() {
        as_of.values_mut().for_each(|day| *day = definition.as_of);
    }
    let days: BTreeSet<Day> = as_of.values().copied().collect();
    let at = |day: Day| Definition { as_of: day, ..definition };
    let of_day = |day: Day, group: &str| as_of.get(group) == Some(&day);
    let mut groups = what_works_as_of(&joined, definition, &as_of, DEFAULT_MIN_CELL);
    let curves_of: Option<BTreeSet<String>> = (!views.is_empty()).then(|| {
        // Each group against the enclosing views as of the same day as its own figures.
        let (mut own, mut theirs) = (RawCounts::new(), vec![RawCounts::new(); views.len()]);
        for &day in &days {
            own.extend(raw_counts(&joined, at(day)).into_iter().filter(|(g, _)| of_day(day, g)));
            for (counts, view) in theirs.iter_mut().zip(&views) {
                counts.extend(raw_counts(view, at(day)).into_iter().filter(|(g, _)| of_day(day, g)));
            }
        }
        withhold_against_enclosing(&mut groups, &own, &theirs, DEFAULT_MIN_CELL)
    });
    if let Some(period) = within {
        let all = with_work_events(data, work);
        let all_views: Vec<Dataset> = enclosing.iter().map(|w| with_work_events(data, w)).collect();
        let all_refs: Vec<&Dataset> = all_views.iter().collect();
        let released = grid::released_for_period(&all, &all_refs, definition, period, DEFAULT_MIN_CELL);
        let cut: BTreeSet<String> = groups.iter().map(|g| g.group.clone()).filter(|g| !released.contains(g)).collect();
        withhold_groups(&mut groups, &cut);
    }
    let published: BTreeSet<String> = groups.iter().filter(|g| g.people.is_some()).map(|g| g.group.clone()).collect();
    let (mut kept, mut curves) = (Vec::<GroupMeasure>::new(), Vec::new());
    for &day in &days {
        let full = evidence::reoffending::reoffending(&joined, at(day), GroupBy::Group);
        kept.extend(full.groups.into_iter().filter(|g| published.contains(&g.group) && of_day(day, &g.group)));
        let mut times = evidence::survival::survival_times(&joined, at(day), GroupBy::Group);
        times.retain(|group, _| {
            group != POOL_GROUP
                && published.contains(group)
                && of_day(day, group)
                && curves_of.as_ref().is_none_or(|c| c.contains(group))
        });
        curves.extend(evidence::survival::curves(&times));
    }
    kept.sort_by(|a, b| a.group.cmp(&b.group));
    curves.sort_by(|a, b| a.group.cmp(&b.group));
    let mut overall = Measure::default();
    for g in &kept {
        overall.people += g.measure.people;
        overall.reoffenders += g.measure.reoffenders;
        overall.reoffences += g.measure.reoffences;
        overall.censored += g.measure.censored;
    }
    let report = Report { definition, by: GroupBy::Group, overall, groups: kept };
    Computed { groups, report, curves }
}
