//! The printable decision record: the case by its human reference, the suspect with date of
//! birth and identifiers, the offences, the lawyer's consultation (who, when, consequences
//! explained including the VOG), the decision with its statute, amounts and units in the
//! page's language, obligations with the agency that monitors them, overrides and amendments.

use super::*;

pub(super) struct AmendmentView {
    line: String,
    previous: DecisionView,
}

#[derive(Template)]
#[template(path = "zsm/record.html")]
pub(super) struct RecordPage {
    page: Page,
    id: CaseId,
    reference: String,
    suspect: String,
    /// Date of birth and identifiers, as (label, value) lines.
    suspect_lines: Vec<(String, String)>,
    location: String,
    offences: Vec<OffenceRow>,
    /// The lawyer's consultation as (label, value) lines; empty when none was recorded.
    consultation: Vec<(String, String)>,
    decision: DecisionView,
    reasoning: String,
    overrides: Vec<String>,
    obligations: Vec<String>,
    amendments: Vec<AmendmentView>,
    can_amend: bool,
}

pub(super) async fn record_page(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = case_id(&id)?;
    let file = state.zsm().open(&me.actor, id, "ZSM decision record").await?;
    let context = context.in_pack(file.pack);
    let t = context.texts;
    let zone = &file.pack.time_zone;
    let case = &file.view.case;
    let decision = case.status.decision().ok_or(WebError::NotFound)?;
    let view_of = |d: &domain::zsm::Decision, signer: String| DecisionView {
        disposal: disposal_name(file.pack, d.disposal.as_str(), t),
        basis: d.legal_basis.clone(),
        outcome: outcome_label(d.outcome, t),
        signed: t.fill("zsm.record.signed", &[("who", &signer), ("at", &local_time(d.decided_at, zone))]),
        lines: decision_lines(d, file.pack, t),
    };
    let names = Names::of(&state, &file).await?;
    let mut amendments = Vec::new();
    for a in &case.amendments {
        let who = names.member(a.amended_by);
        let previous_signer = names.member(a.previous.decided_by);
        amendments.push(AmendmentView {
            line: t.fill(
                "zsm.record.amended",
                &[
                    ("at", &local_time(a.amended_at, zone)),
                    ("who", &who),
                    ("disposal", &disposal_name(file.pack, a.previous.disposal.as_str(), t)),
                    ("reason", &a.reason),
                ],
            ),
            previous: view_of(&a.previous, previous_signer),
        });
    }
    let mut suspect_lines = vec![(
        t.get("person.birth_date").to_string(),
        names.suspect_born().map(|d| d.to_string()).unwrap_or_else(|| t.get("zsm.record.unknown").to_string()),
    )];
    for identifier in names.suspect_identifiers() {
        suspect_lines
            .push((t.get(&format!("identifier.{}", identifier.kind.code())).to_string(), identifier.value.clone()));
    }
    let consultation = match &file.consultation {
        Some(c) => vec![
            (
                t.get("zsm.record.lawyer").to_string(),
                c.by.or(file.lawyer).map(|m| names.member(m)).unwrap_or_else(|| "–".into()),
            ),
            (t.get("zsm.defence.consulted_at").to_string(), local_time(c.consulted_at, zone)),
            (t.get("zsm.defence.mode").to_string(), t.get(&format!("zsm.mode.{}", mode_code(c.mode))).to_string()),
            (
                t.get("zsm.record.consequences").to_string(),
                t.get(if c.consequences_explained { "zsm.yes" } else { "zsm.no" }).to_string(),
            ),
        ],
        None => Vec::new(),
    };
    let signer = names.member(decision.decided_by);
    let page = RecordPage {
        page: Page::new(&context, t.get("zsm.record.title")),
        id,
        reference: domain::zsm::model::view::case_reference(&file.view.case, zone),
        suspect: names.suspect(&file),
        suspect_lines,
        location: file.location.name.clone(),
        offences: offence_rows(&case.intake.details().offences, t),
        consultation,
        decision: view_of(decision, signer),
        reasoning: decision.reasoning.clone(),
        overrides: decision
            .overrides
            .iter()
            .map(|o| format!("{} ({}): {}", t.get(&partner_key(o.partner)), o.legal_basis, o.reason))
            .collect(),
        obligations: decision
            .obligations
            .iter()
            .map(|o| {
                let kind = file.pack.obligation_kind(&o.kind).map(|k| named(k, t)).unwrap_or_default();
                let monitor = names.agency(o.responsible_agency.as_str(), t);
                t.fill(
                    "zsm.record.obligation",
                    &[
                        ("kind", &kind),
                        ("from", &o.starts_on.to_string()),
                        ("to", &o.ends_on.to_string()),
                        ("details", &o.details),
                        ("monitor", &monitor),
                    ],
                )
            })
            .collect(),
        amendments,
        can_amend: file.viewer.prosecutor,
    };
    ok(&page)
}

fn mode_code(mode: domain::zsm::model::contribution::ConsultationMode) -> &'static str {
    MODES.iter().find(|(m, _)| *m == mode).map_or("in_person", |(_, code)| code)
}
