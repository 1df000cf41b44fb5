//! Orders from the case page: a clock started by an order (custody, art. 57 Sv) by a member in
//! a legal office the pack allows, and the prosecutor's referral without a decision.

use super::*;
use domain::jurisdiction::{AuthorityRole, ClockAnchor, ClockCategory};
use domain::zsm::workflow::order::REFERRAL_DESTINATIONS;

/// A clock the reader may order now on this case (custody, once, while the case is open).
pub(super) struct OrderOption {
    pub code: String,
    pub label: String,
    /// The moment of the order: now, or what the member typed when the order was refused.
    pub now: String,
    /// The grounds typed when the order was refused.
    pub basis: String,
}

/// The order clocks `office` may give on an open case that does not yet run them.
pub(super) fn order_options(
    file: &CaseFile,
    office: Option<AuthorityRole>,
    open: bool,
    now: jiff::Timestamp,
    t: Texts,
) -> Vec<OrderOption> {
    let Some(office) = office.filter(|_| open) else { return Vec::new() };
    let now = now.to_zoned(file.pack.time_zone.clone()).strftime("%Y-%m-%dT%H:%M").to_string();
    file.pack
        .clocks
        .iter()
        .filter(|c| c.starts_at == ClockAnchor::Order && c.category != ClockCategory::ExclusionOrder)
        .filter(|c| c.ordered_by.contains(&office) && !file.clocks.iter().any(|run| run.clock == c.code))
        .map(|c| OrderOption {
            code: c.code.to_string(),
            label: t.fill("zsm.order.title", &[("clock", &format!("{} ({})", named(c, t), c.legal_basis))]),
            now: now.clone(),
            basis: String::new(),
        })
        .collect()
}

/// The referral destinations with their labels, for the prosecutor's form.
pub(super) fn destinations(t: Texts) -> Vec<(&'static str, String)> {
    REFERRAL_DESTINATIONS
        .iter()
        .map(|code| (*code, t.get(&format!("zsm.refer.destination.{code}")).to_string()))
        .collect()
}

pub(super) async fn order_clock(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path((id, clock)): Path<(String, String)>,
    posted: Posted,
) -> Result<Response, WebError> {
    let id = case_id(&id)?;
    let (ordered_at, basis) = (posted.get("ordered_at"), posted.get("order_basis"));
    let result = state.zsm().order_clock(&me.actor, id, &clock, &ordered_at, &basis, version(&posted)?).await;
    let Err(error) = result else {
        return Ok(axum::response::Redirect::to(&format!("/zsm/cases/{id}")).into_response());
    };
    // Refused: the order form comes back as typed.
    let (status, errors) = refused(error, context.texts)?;
    let draft = Draft::Order { clock, ordered_at, basis };
    Ok(crate::page::render(status, &case_view(&state, &me, &context, id, errors, draft).await?))
}

pub(super) async fn refer(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    posted: Posted,
) -> Result<Response, WebError> {
    let id = case_id(&id)?;
    let (destination, reason) = (posted.get("destination"), posted.get("refer_reason"));
    let result = state.zsm().refer(&me.actor, id, &destination, &reason, version(&posted)?).await;
    after_case_change(&state, &me, &context, id, result).await
}
