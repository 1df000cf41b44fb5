//! Proposals of the mayor's measures on the measures page: probation and the process manager
//! propose an exclusion order or an area ban with their reason; the municipality answers.

use super::change;
use crate::AppState;
use crate::auth::Member;
use crate::error::WebError;
use crate::forms::Posted;
use crate::i18n::Texts;
use crate::lookup::{agency_name, member_name};
use crate::page::local_time;
use crate::people::PersonPath;
use axum::extract::State;
use axum::response::Response;
use domain::directory::{Agency, Member as DirectoryMember};
use domain::measures::ports::Stored;
use domain::measures::service::{AnswerInput, ProposalInput};
use domain::measures::{MeasureProposal, ProposalOutcome, ProposalStatus, ProposedMeasure};
use jiff::tz::TimeZone;

/// A proposal as the page shows it.
pub struct ProposalView {
    pub id: String,
    pub measure: String,
    pub reason: String,
    /// "Probation officer (Reclassering), 22-11-2026 10:00"
    pub proposed: String,
    pub open: bool,
    /// The municipality's answer, when there is one.
    pub answer: String,
}

pub fn proposal_view(
    proposal: &Stored<MeasureProposal>,
    (members, agencies): (&[DirectoryMember], &[Agency]),
    t: Texts,
    zone: &TimeZone,
) -> ProposalView {
    let p = &proposal.value;
    let who = format!("{} ({})", member_name(members, p.proposed_by), agency_name(agencies, p.agency));
    ProposalView {
        id: p.id.to_string(),
        measure: measure_label(p.measure, t).to_string(),
        reason: p.reason.clone(),
        proposed: format!("{who}, {}", local_time(p.proposed_at, zone)),
        open: p.status == ProposalStatus::Open,
        answer: match &p.status {
            ProposalStatus::Open => String::new(),
            ProposalStatus::Answered { outcome, note, by, at } => {
                let key = match outcome {
                    ProposalOutcome::Imposed => "proposal.imposed",
                    ProposalOutcome::Declined => "proposal.declined",
                };
                let by = member_name(members, *by);
                t.fill(key, &[("by", &by), ("at", &local_time(*at, zone)), ("note", note)])
            }
        },
    }
}

pub fn measure_label(measure: ProposedMeasure, t: Texts) -> &'static str {
    t.text(&format!("proposal.measure.{}", measure.code()))
}

/// The measures one may propose, as (code, label) choices.
pub fn measure_choices(t: Texts) -> Vec<(String, String)> {
    ProposedMeasure::ALL.iter().map(|m| (m.code().to_string(), measure_label(*m, t).to_string())).collect()
}

pub(super) async fn propose(
    State(state): State<AppState>,
    Member(me, context): Member,
    PersonPath(id): PersonPath,
    posted: Posted,
) -> Result<Response, WebError> {
    change(&state, &me, &context, id, posted, async |m, actor, p| {
        let input = ProposalInput { measure: p.get("measure_kind"), reason: p.get("reason") };
        m.propose(actor, id, &input).await.map(drop)
    })
    .await
}

pub(super) async fn answer(
    State(state): State<AppState>,
    Member(me, context): Member,
    PersonPath(id): PersonPath,
    posted: Posted,
) -> Result<Response, WebError> {
    change(&state, &me, &context, id, posted, async |m, actor, p| {
        let input = AnswerInput { proposal: p.get("proposal"), outcome: p.get("outcome"), reason: p.get("reason") };
        m.answer_proposal(actor, id, &input).await.map(drop)
    })
    .await
}
