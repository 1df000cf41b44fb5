//! The public value report, computed once for the page, the CSV and the API: desist's own
//! records for one scope (a Safety House, a ZSM location, or the whole deployment) and one
//! period, counted by `evidence::public_value`, beside the reoffending of each of the scope's
//! groups against its matched comparison (the what-works computation, reused).
//!
//! Who sees which scope: analysts every scope; a process manager their own Safety House, and
//! a ZSM location their agency sits at (the ZSM's process director, the nearest thing to a
//! location lead); a municipality officer (a commissioner: the municipality funds the Safety
//! House) a Safety House that lists their municipality as a partner. Views4: a commissioner
//! (`Role::Commissioner`) their agency's contracts and those Safety Houses; a ZSM location lead
//! the locations their agency sits at. Every refusal is audited.

use std::collections::BTreeSet;

use super::whatworks::{Reach, answer, as_of};
use crate::AppState;
use crate::auth::SignedIn;
use crate::error::WebError;
use crate::person_packs::PageZone;
use domain::access::{Denial, Permission, Role};
use domain::audit::{AuditAction, AuditEntry, AuditLog};
use domain::partnership::ports::PartnershipStore;
use domain::zsm::ports::ZsmStore;
use evidence::date::{Day, days_from_civil, format_day, parse_date_arg};
use evidence::public_value::{CaseFacts, Figures, Period, PlanFacts, TaskFacts, Work, figures};
use evidence::whatworks::GroupResult;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use store::evidence::whatworks::{WorkGrouping, WorkWhen};
use uuid::Uuid;

/// Whose work the report counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Scope {
    /// The whole partnership: every location and Safety House of the deployment.
    Deployment,
    /// A Safety House (its agency): the persons whose plans it activated.
    SafetyHouse(Uuid),
    /// A ZSM location (its code): the cases it decided.
    Location(String),
    /// A commissioner's contracts (their agency): the persons referred to the providers it
    /// contracts (issue 21, views4).
    Contracts(Uuid),
}

impl Scope {
    /// `all`, `safety-house:<agency id>` or `location:<code>`.
    pub(crate) fn parse(text: &str) -> Option<Scope> {
        match text.split_once(':') {
            None if text == "all" => Some(Scope::Deployment),
            Some(("safety-house", id)) => Uuid::parse_str(id).ok().map(Scope::SafetyHouse),
            Some(("contracts", id)) => Uuid::parse_str(id).ok().map(Scope::Contracts),
            Some(("location", code)) if !code.is_empty() && code.len() <= 100 => Some(Scope::Location(code.into())),
            _ => None,
        }
    }

    pub(crate) fn code(&self) -> String {
        match self {
            Scope::Deployment => "all".into(),
            Scope::SafetyHouse(id) => format!("safety-house:{id}"),
            Scope::Location(code) => format!("location:{code}"),
            Scope::Contracts(id) => format!("contracts:{id}"),
        }
    }
}

/// A scope the member may open, with its name.
pub(crate) struct ScopeChoice {
    pub scope: Scope,
    pub name: String,
}

/// The scopes `me` may open, the whole deployment first (analysts only).
pub(crate) async fn scopes_for(state: &AppState, me: &SignedIn) -> Result<Vec<ScopeChoice>, WebError> {
    let everything = me.actor.can(Permission::ViewAggregates);
    let agency = me.actor.agency_id;
    let manager = me.actor.roles.contains(&Role::ProcessManager);
    // A municipality officer, and a commissioner (views4), for the Safety Houses their agency
    // is a partner of (the municipality funds them).
    let commissioner =
        me.actor.roles.contains(&Role::MunicipalityOfficer) || me.actor.roles.contains(&Role::Commissioner);
    let location_lead = me.actor.roles.contains(&Role::LocationLead);
    let mut out = Vec::new();
    if everything {
        out.push(ScopeChoice { scope: Scope::Deployment, name: String::new() });
    }
    // A commissioner's own contracts first: the work they pay for (views4).
    if me.actor.roles.contains(&Role::Commissioner) {
        use domain::directory::DirectoryStore;
        let agencies = state.store.agencies().await.map_err(domain::service::ServiceError::from)?;
        let name = agencies.into_iter().find(|a| a.id == agency).map(|a| a.name).unwrap_or_default();
        out.push(ScopeChoice { scope: Scope::Contracts(*agency.as_uuid()), name });
    }
    let houses = state.store.safety_houses().await.map_err(domain::service::ServiceError::from)?;
    for house in houses {
        let own = house.agency.agency.id == agency;
        if everything || (manager && own) || (commissioner && house.agencies.contains(&agency)) {
            let scope = Scope::SafetyHouse(*house.agency.agency.id.as_uuid());
            out.push(ScopeChoice { scope, name: house.agency.agency.name.clone() });
        }
    }
    // A Safety House registered only as an agency (not yet in the administration's list) is
    // still its process manager's own, as on the what-works pages.
    let own_listed = out.iter().any(|c| c.scope == Scope::SafetyHouse(*agency.as_uuid()));
    if manager && !own_listed {
        use domain::directory::DirectoryStore;
        let agencies = state.store.agencies().await.map_err(domain::service::ServiceError::from)?;
        if let Some(own) = agencies.into_iter().find(|a| a.id == agency) {
            out.push(ScopeChoice { scope: Scope::SafetyHouse(*agency.as_uuid()), name: own.name });
        }
    }
    let locations = state.store.locations().await.map_err(domain::service::ServiceError::from)?;
    for location in locations {
        if everything || ((manager || location_lead) && location.agencies.contains(&agency)) {
            out.push(ScopeChoice { scope: Scope::Location(location.code.clone()), name: location.name.clone() });
        }
    }
    Ok(out)
}

/// The scope asked for if `me` may open it (else 403, audited), or their first one.
pub(crate) async fn authorised_scope(state: &AppState, me: &SignedIn, asked: &str) -> Result<ScopeChoice, WebError> {
    let mut allowed = scopes_for(state, me).await?;
    if asked.is_empty() {
        if allowed.is_empty() {
            return Err(refused(state, me, "public value report".into()).await);
        }
        return Ok(allowed.remove(0));
    }
    let scope = Scope::parse(asked).ok_or_else(|| WebError::BadRequest(format!("unknown scope '{asked}'")))?;
    match allowed.into_iter().find(|c| c.scope == scope) {
        Some(choice) => Ok(choice),
        None => Err(refused(state, me, format!("public value report: {}", scope.code())).await),
    }
}

/// The refusal, written to the audit log first.
async fn refused(state: &AppState, me: &SignedIn, what: String) -> WebError {
    let entry = AuditEntry::new(&me.actor, state.clock.now(), None, AuditAction::Denied, what, "role_lacks_permission");
    match state.store.append(&[entry]).await {
        Ok(()) => WebError::Forbidden(Denial::RoleLacksPermission),
        Err(e) => WebError::internal(e.to_string()),
    }
}

/// The zone a scope's report is dated in: the location's or Safety House's pack's (a
/// London custody suite's period runs from London midnight), else the member's.
pub(crate) async fn scope_zone(state: &AppState, me: &SignedIn, scope: &Scope) -> Result<PageZone, WebError> {
    match scope {
        Scope::Deployment => state.member_zone(&me.actor).await,
        Scope::SafetyHouse(agency) | Scope::Contracts(agency) => {
            state.agency_zone(&me.actor, domain::ids::AgencyId::from_uuid(*agency)).await
        }
        Scope::Location(code) => state.location_zone(&me.actor, code).await,
    }
}

/// The period asked for, as the whole calendar months inside it (`evidence::grid`: two
/// reports never differ by a day's work); by default the twelve whole months before this one
/// in `zone`.
pub(crate) fn period(state: &AppState, from: &str, to: &str, zone: &TimeZone) -> Result<Period, WebError> {
    let today = domain::service::today_in(state.clock.as_ref(), zone);
    let day = |text: &str, name: &str, default: Date| -> Result<Day, WebError> {
        if text.is_empty() {
            return Ok(day_of(default));
        }
        parse_date_arg(text).ok_or_else(|| WebError::BadRequest(format!("bad date '{text}' for {name}")))
    };
    let this_month = today.first_of_month();
    let year_ago = this_month.saturating_sub(jiff::Span::new().years(1));
    let month_end = this_month.yesterday().unwrap_or(today);
    let period = Period { from: day(from, "from", year_ago)?, to: day(to, "to", month_end)? };
    if period.from > period.to {
        return Err(WebError::BadRequest("the period ends before it begins".into()));
    }
    evidence::grid::whole_months(period)
        .ok_or_else(|| WebError::BadRequest("the period holds no whole calendar month".into()))
}

pub(crate) fn day_of(date: Date) -> Day {
    days_from_civil(i32::from(date.year()), date.month() as u32, date.day() as u32)
}

fn date_of(day: Day) -> Result<Date, WebError> {
    format_day(day).parse().map_err(|e: jiff::Error| WebError::internal(e.to_string()))
}

/// Everything the report shows, after disclosure control of the reoffending part (the
/// figures are published through `Figures::table`).
pub(crate) struct PublicValue {
    pub figures: Figures,
    /// Reoffending per group of the scope, with matched comparisons, and how it was grouped.
    pub groups: Vec<(WorkGrouping, GroupResult)>,
    pub as_of: Day,
}

fn key(id: &Uuid) -> u128 {
    id.as_u128()
}

/// The report of `scope` over `period`, its days taken in `zone` (see [`scope_zone`]).
pub(crate) async fn public_value(
    state: &AppState,
    scope: &Scope,
    period: Period,
    zone: &TimeZone,
) -> Result<PublicValue, WebError> {
    let internal = |e: domain::ports::StoreError| WebError::internal(e.to_string());
    let store = &state.store;
    let zone = zone.clone();
    let instant = |day: Day| -> Result<jiff::Timestamp, WebError> {
        let date = date_of(day)?;
        date.to_zoned(zone.clone()).map(|z| z.timestamp()).map_err(|e| WebError::internal(e.to_string()))
    };
    let (from, to) = (instant(period.from)?, instant(period.to + 1)?);
    let mut cases = store.cases_decided_between(from, to).await.map_err(internal)?;
    let mut plans = store.plan_records().await.map_err(internal)?;
    // The persons of the scope: a Safety House's by its plans, a location's by its cases.
    let persons: Option<BTreeSet<Uuid>> = match scope {
        Scope::Deployment => None,
        Scope::SafetyHouse(agency) => {
            plans.retain(|p| p.activated.is_some_and(|(_, by)| by == *agency));
            let own: BTreeSet<Uuid> = plans.iter().map(|p| p.person).collect();
            cases.retain(|c| own.contains(&c.person));
            Some(own)
        }
        Scope::Location(code) => {
            cases.retain(|c| &c.location == code);
            let own: BTreeSet<Uuid> = cases.iter().map(|c| c.person).collect();
            plans.retain(|p| own.contains(&p.person));
            Some(own)
        }
        Scope::Contracts(agency) => {
            let own = super::reach::persons_of(state, &Reach::Contracts(*agency)).await?.unwrap_or_default();
            cases.retain(|c| own.contains(&c.person));
            plans.retain(|p| own.contains(&p.person));
            Some(own)
        }
    };
    let keep = |p: &Uuid| persons.as_ref().is_none_or(|own| own.contains(p));
    let records = store.help_records().await.map_err(internal)?;
    let date_in_zone = |when: &WorkWhen| match when {
        WorkWhen::At(at) => at.to_zoned(zone.clone()).date(),
        WorkWhen::On(date) => *date,
    };
    let rules = &state.beyond.plan;
    // Weeks not over by today are not due a review yet.
    let today = domain::service::today_in(state.clock.as_ref(), &zone);
    let work = Work {
        cases: cases
            .iter()
            .map(|c| CaseFacts {
                person: key(&c.person),
                decision_minutes: (c.decided_at.as_second() - c.arrested_at.as_second()) / 60,
                arrest_day: day_of(c.arrested_at.to_zoned(zone.clone()).date()),
            })
            .collect(),
        help_started: records
            .help_started
            .iter()
            .filter(|(p, _)| keep(p))
            .map(|(p, when)| (key(p), day_of(date_in_zone(when))))
            .collect(),
        screenings: records.screenings.iter().filter(|(p, _)| keep(p)).map(|(p, on)| (key(p), day_of(*on))).collect(),
        plans: plans
            .iter()
            .map(|p| PlanFacts {
                drafted: day_of(p.drafted),
                activated: p.activated.map(|(on, _)| day_of(on)),
                re_evaluation_due: p
                    .activated
                    .map(|(on, _)| day_of(domain::plan::model::re_evaluation_date(on, rules))),
                re_evaluation_started: p.re_evaluation_started.map(day_of),
                tasks: p
                    .tasks
                    .iter()
                    .map(|(due, done)| TaskFacts { due: day_of(*due), done_on: done.map(day_of) })
                    .collect(),
                goals_reached: p.goals_reached.iter().map(|d| day_of(*d)).collect(),
                reviews: p.reviews.iter().map(|d| day_of(*d)).collect(),
                reviews_due_until: p.activated.map(|_| {
                    let stopped = [p.re_evaluation_started, p.returned].into_iter().flatten().min();
                    day_of(stopped.map_or(today, |d| d.min(today)))
                }),
            })
            .collect(),
        delivered: records.delivered.iter().filter(|(p, _)| keep(p)).map(|(_, on)| day_of(*on)).collect(),
        unmet: records.unmet.iter().filter(|(p, _)| keep(p)).map(|(_, on)| day_of(*on)).collect(),
        spend: records
            .spend
            .iter()
            .filter(|(p, _, _)| keep(p))
            .map(|(p, at, cents)| (key(p), day_of(at.to_zoned(zone.clone()).date()), *cents))
            .collect(),
    };
    let figures = figures(&work, period);

    // Reoffending: each group of the scope's work in the period (its index date in it)
    // against its matched comparison.
    let as_of = as_of(state, "", &zone).await?;
    let asked: Vec<(Reach, WorkGrouping)> = match scope {
        Scope::Deployment => vec![(Reach::Everything, WorkGrouping::Location), (Reach::Everything, WorkGrouping::Plan)],
        Scope::SafetyHouse(agency) => vec![
            (Reach::SafetyHouse(*agency), WorkGrouping::Plan),
            (Reach::SafetyHouse(*agency), WorkGrouping::Intervention),
        ],
        Scope::Location(code) => vec![(Reach::Location(code.clone()), WorkGrouping::Disposal)],
        Scope::Contracts(agency) => vec![(Reach::Contracts(*agency), WorkGrouping::Intervention)],
    };
    let mut groups = Vec::new();
    for (reach, by) in asked {
        let answer = answer(state, reach, by, as_of, Some(period), &zone).await?;
        groups.extend(answer.groups.into_iter().map(|g| (by, g)));
    }
    Ok(PublicValue { figures, groups, as_of: evidence::grid::grid_as_of(as_of) })
}

/// Audits that `me` opened the report of `scope` (aggregates only: no person is named).
pub(crate) async fn audit_opened(state: &AppState, me: &SignedIn, scope: &Scope) -> Result<(), WebError> {
    let what = format!("public value report: {}", scope.code());
    let entry = AuditEntry::new(&me.actor, state.clock.now(), None, AuditAction::Read, what, "aggregates");
    state.store.append(&[entry]).await.map_err(domain::service::ServiceError::from)?;
    Ok(())
}

/// The bands of the two duration charts, as codes (CSV, JSON) and catalogue keys (pages).
pub(crate) const DECISION_BANDS: [&str; 5] = ["under_6h", "6h_to_9h", "9h_to_24h", "1d_to_3d", "over_3d"];
pub(crate) const HELP_BANDS: [&str; 5] = ["same_day", "within_a_week", "within_a_month", "within_3_months", "later"];

/// A disposal code in the words of the pack that defines it (the deployment's first), else
/// the code itself.
pub(crate) fn disposal_words(state: &AppState, code: &str, t: crate::i18n::Texts) -> String {
    let packs = std::iter::once(state.config.pack)
        .chain(["nl", "england-wales", "italy"].into_iter().filter_map(|c| domain::jurisdiction::shipped_pack(c).ok()));
    for pack in packs {
        if pack.disposal(&code.into()).is_ok() {
            return crate::zsm::disposal_name(pack, code, t);
        }
    }
    code.to_string()
}

impl PublicValue {
    /// Every published figure as one table — `section`, `measure`, `value`, `numerator`,
    /// `denominator` — the CSV download and the API's `format=csv`.
    pub(crate) fn table(&self) -> evidence::table::Table {
        use evidence::public_value::Figures as F;
        use evidence::table::{Cell, DEFAULT_MIN_CELL, Table};
        let mut out = Table::new("Public value", &["section", "measure", "value", "numerator", "denominator"]);
        let text = |s: &str| Cell::Text(s.to_string());
        for row in self.figures.table(DEFAULT_MIN_CELL).rows {
            let mut cells = vec![text("figures")];
            cells.extend(row);
            out.push(cells);
        }
        let bands = [
            ("arrest_to_decision", &self.figures.decision_bands, &DECISION_BANDS),
            ("arrest_to_help", &self.figures.help_bands, &HELP_BANDS),
        ];
        for (section, counts, codes) in bands {
            let labels: Vec<String> = codes.iter().map(|c| c.to_string()).collect();
            for row in F::bands_table(counts, &labels, DEFAULT_MIN_CELL).rows {
                out.push(vec![text(section), row[0].clone(), row[1].clone(), Cell::Missing, Cell::Missing]);
            }
        }
        let or_hidden = |value: Option<f64>| value.map_or(Cell::Suppressed, Cell::Number);
        let count = |value: Option<u64>| value.map_or(Cell::Suppressed, Cell::Count);
        for (by, g) in &self.groups {
            let section = format!("reoffending_by_{}", by.code());
            out.push(vec![
                Cell::Text(section.clone()),
                text(&g.group),
                or_hidden(g.rate),
                count(g.reoffenders),
                count(g.people),
            ]);
            if let Some(c) = &g.comparison {
                let name = format!("{} (matched comparison)", g.group);
                out.push(vec![
                    Cell::Text(section.clone()),
                    Cell::Text(name),
                    Cell::Number(c.rate),
                    Cell::Missing,
                    Cell::Count(c.pairs),
                ]);
                let name = format!("{} (difference)", g.group);
                out.push(vec![
                    Cell::Text(section),
                    Cell::Text(name),
                    Cell::Number(c.difference),
                    Cell::Missing,
                    Cell::Missing,
                ]);
            }
        }
        out
    }
}
