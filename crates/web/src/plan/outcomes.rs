//! The re-evaluation's outcomes on the plan page: the person's proven offences since the plan
//! started, beside the plan's goals and tasks — shown to the members who re-evaluate plans
//! once the re-evaluation is due or under way; the domain checks access and audits the read.

use crate::AppState;
use crate::auth::SignedIn;
use crate::error::WebError;
use crate::i18n::Texts;
use domain::access::Permission;
use domain::ids::PersonId;
use domain::plan::model::{OffenceRecordLookup, Plan, PlanStatus};
use jiff::civil::Date;

pub(crate) struct OffenceRow {
    pub offence_date: String,
    pub offence_type: String,
    pub outcome: String,
    pub outcome_date: String,
}

pub(crate) struct OutcomesView {
    /// "Proven offences since 5 March 2026 (the plan's start)".
    pub heading: String,
    /// The summary in words: none, how many, or why the record cannot be shown.
    pub summary: String,
    pub rows: Vec<OffenceRow>,
}

/// Whether the re-evaluation is due or under way, so its outcomes belong on the page.
fn re_evaluating(plan: &Plan, today: Date) -> bool {
    matches!(plan.status, PlanStatus::UnderReEvaluation)
        || (matches!(plan.status, PlanStatus::Active) && plan.re_evaluation_on.is_some_and(|on| on <= today))
}

pub(crate) async fn outcomes(
    state: &AppState,
    me: &SignedIn,
    person: PersonId,
    plan: &Plan,
    today: Date,
    t: Texts,
) -> Result<Option<OutcomesView>, WebError> {
    if !me.actor.can(Permission::ManagePlan) || !re_evaluating(plan, today) {
        return Ok(None);
    }
    let Some(found) = state.plans().outcomes(&me.actor, person).await? else {
        return Ok(None);
    };
    let heading = t.fill("plan.outcomes.heading", &[("since", &found.since.to_string())]);
    let (summary, rows) = match found.record {
        OffenceRecordLookup::NotLinked => (t.get("plan.outcomes.not_linked").to_string(), Vec::new()),
        OffenceRecordLookup::Ambiguous => (t.get("plan.outcomes.ambiguous").to_string(), Vec::new()),
        OffenceRecordLookup::Linked(offences) if offences.is_empty() => {
            (t.get("plan.outcomes.none").to_string(), Vec::new())
        }
        OffenceRecordLookup::Linked(offences) => (
            match offences.len() {
                1 => t.get("plan.outcomes.one").to_string(),
                n => t.fill("plan.outcomes.some", &[("count", &n.to_string())]),
            },
            offences
                .into_iter()
                .map(|o| OffenceRow {
                    offence_date: o.offence_date.to_string(),
                    // The record's offence type codes in words where the catalogue has them.
                    offence_type: t.coded("whatworks.offence", &o.offence_type),
                    outcome: t.get(&format!("plan.outcomes.outcome.{}", o.outcome)).to_string(),
                    outcome_date: o.outcome_date.map(|d| d.to_string()).unwrap_or_default(),
                })
                .collect(),
        ),
    };
    Ok(Some(OutcomesView { heading, summary, rows }))
}
