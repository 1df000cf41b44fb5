//! Whose work a member sees in aggregate on the what-works and public value pages (issue 21,
//! views4): analysts everything; a Safety House's process manager the persons whose plans it
//! activated; a commissioner the persons referred to the providers their agency contracts
//! (and, by intervention, only those providers' interventions); a ZSM location lead the persons
//! whose cases the locations their agency sits at decided (and, by disposal or location, only
//! those decisions). Anyone else is refused, and the refusal is audited.

use std::collections::BTreeSet;

use super::whatworks::{Reach, reach};
use crate::AppState;
use crate::auth::SignedIn;
use crate::error::WebError;
use domain::audit::{AuditAction, AuditEntry, AuditLog};
use domain::zsm::ports::ZsmStore;
use store::evidence::whatworks::{DerivedEvent, WorkGrouping, WorkSubject};
use uuid::Uuid;

/// The member's reach; a member who may see no aggregates is refused (403) and the refusal is
/// written to the audit log first, naming `what` they asked for.
pub(crate) async fn reach_audited(state: &AppState, me: &SignedIn, what: &str) -> Result<Reach, WebError> {
    match reach(me) {
        Ok(reach) => Ok(reach),
        Err(WebError::Forbidden(denial)) => {
            let entry = AuditEntry::new(&me.actor, state.clock.now(), None, AuditAction::Denied, what, denial.code());
            state.store.append(&[entry]).await.map_err(domain::service::ServiceError::from)?;
            Err(WebError::Forbidden(denial))
        }
        Err(other) => Err(other),
    }
}

fn internal(e: domain::ports::StoreError) -> WebError {
    WebError::internal(e.to_string())
}

/// Whether `e` is work of `places` (a referral also when a contract buys just its intervention).
fn covered(places: &BTreeSet<String>, e: &DerivedEvent) -> bool {
    e.place.as_deref().is_some_and(|p| store::commissioning::place_covers(places, p, e.item.as_deref()))
}

fn person_of(e: &DerivedEvent) -> Option<Uuid> {
    match &e.subject {
        WorkSubject::Person(p) => Some(*p),
        WorkSubject::Extract(_) => None,
    }
}

/// The codes of the ZSM locations `agency` sits at.
pub(crate) async fn locations_of(state: &AppState, agency: Uuid) -> Result<BTreeSet<String>, WebError> {
    let locations = state.store.locations().await.map_err(internal)?;
    Ok(locations.into_iter().filter(|l| l.agencies.iter().any(|a| *a.as_uuid() == agency)).map(|l| l.code).collect())
}

/// What a scoped reach is made of: the places (location codes, provider or Safety House ids
/// as text, `provider/intervention` for a contract that buys one) whose own work counts, and
/// the persons it reached.
struct Scoped {
    places: BTreeSet<String>,
    persons: BTreeSet<Uuid>,
    /// The grouping whose events are the places' own (only those are kept there).
    own: Vec<WorkGrouping>,
}

async fn scoped(state: &AppState, reach: &Reach) -> Result<Option<Scoped>, WebError> {
    let store = &state.store;
    let by_place = |events: Vec<DerivedEvent>, places: &BTreeSet<String>| -> BTreeSet<Uuid> {
        events.iter().filter(|e| covered(places, e)).filter_map(person_of).collect()
    };
    Ok(Some(match reach {
        Reach::Everything => return Ok(None),
        Reach::SafetyHouse(agency) => Scoped {
            places: BTreeSet::from([agency.to_string()]),
            persons: store.persons_planned_by(*agency).await.map_err(internal)?,
            own: vec![WorkGrouping::Plan],
        },
        Reach::Location(code) => {
            let places = BTreeSet::from([code.clone()]);
            let decided = store.derived_events(WorkGrouping::Disposal).await.map_err(internal)?;
            Scoped {
                persons: by_place(decided, &places),
                places,
                own: vec![WorkGrouping::Disposal, WorkGrouping::Location],
            }
        }
        Reach::LocationLead(agency) => {
            let places = locations_of(state, *agency).await?;
            let decided = store.derived_events(WorkGrouping::Disposal).await.map_err(internal)?;
            Scoped {
                persons: by_place(decided, &places),
                places,
                own: vec![WorkGrouping::Disposal, WorkGrouping::Location],
            }
        }
        Reach::Contracts(agency) => {
            let places = store.contracted_places(*agency).await.map_err(internal)?;
            let referred = store.derived_events(WorkGrouping::Intervention).await.map_err(internal)?;
            Scoped { persons: by_place(referred, &places), places, own: vec![WorkGrouping::Intervention] }
        }
    }))
}

/// The persons of `reach` (`None`: everyone).
pub(crate) async fn persons_of(state: &AppState, reach: &Reach) -> Result<Option<BTreeSet<Uuid>>, WebError> {
    Ok(scoped(state, reach).await?.map(|s| s.persons))
}

/// Keeps of `events` (grouped `by`) only the work `reach` may see: the events of its persons,
/// and in the grouping that is the scope's own work, only the scope's own events.
pub(crate) async fn keep_reachable(
    state: &AppState,
    reach: &Reach,
    by: WorkGrouping,
    events: &mut Vec<DerivedEvent>,
) -> Result<(), WebError> {
    let Some(scope) = scoped(state, reach).await? else { return Ok(()) };
    events.retain(|e| person_of(e).is_some_and(|p| scope.persons.contains(&p)));
    if scope.own.contains(&by) {
        events.retain(|e| covered(&scope.places, e));
    }
    Ok(())
}
