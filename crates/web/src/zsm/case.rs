//! The case page: the facts, offences and victims, the clocks with extensions and orders, one
//! section per partner, the decision and the obligations; and the changes posted from it.

use super::*;

pub(super) struct OffenceRow {
    pub(super) offence_type: String,
    pub(super) date: String,
    pub(super) place: String,
    pub(super) description: String,
    pub(super) pretrial: String,
}

pub(super) struct SectionView {
    pub(super) code: &'static str,
    pub(super) title: String,
    pub(super) symbol: &'static str,
    pub(super) state_text: String,
    pub(super) state_class: &'static str,
    pub(super) lines: Vec<(String, String)>,
    pub(super) hidden: bool,
    pub(super) editable: bool,
    pub(super) updated: Option<String>,
    pub(super) form: ContributionForm,
    /// The section's version the form was opened on (`section_version`).
    pub(super) version: i64,
    /// Someone saved this section after the member opened it: who and when. The form keeps
    /// what the member typed; the saved section is shown above it.
    pub(super) conflict: Option<String>,
}

/// What the member typed in a form of the case page that was refused, shown again.
pub(super) enum Draft {
    None,
    Section(Box<SectionDraft>),
    Order { clock: String, ordered_at: String, basis: String },
}

/// A partner's section as the member sent it, shown again when the save was refused so that
/// nothing typed is lost: with the version it was made on (422), or the version saved now and
/// who saved it (409).
pub(super) struct SectionDraft {
    pub(super) partner: Partner,
    pub(super) form: ContributionForm,
    pub(super) seen_version: Option<i64>,
    pub(super) conflict: Option<String>,
}

impl SectionView {
    fn has_signal(&self, code: &&str) -> bool {
        self.form.signals.contains_key(*code)
    }
    fn signal_note(&self, code: &&str) -> String {
        self.form.signals.get(*code).cloned().unwrap_or_default()
    }
}

pub(super) struct ObligationView {
    pub(super) id: ObligationId,
    pub(super) kind: String,
    pub(super) period: String,
    pub(super) details: String,
    pub(super) monitor: String,
    pub(super) breaches: usize,
    pub(super) may_record_breach: bool,
}

/// The prior record section: the summary line and the offences, or why it is not shown.
pub(super) struct PriorView {
    pub(super) summary: String,
    pub(super) rows: Vec<[String; 6]>,
}

async fn prior_view(
    state: &AppState,
    me: &SignedIn,
    file: &CaseFile,
    id: CaseId,
    t: Texts,
) -> Result<Option<PriorView>, WebError> {
    if !file.viewer.may_see_prior_record() {
        return Ok(None);
    }
    let record = state.zsm().prior_record(&me.actor, id).await?;
    let summary = match record.last_proven {
        Some(last) => {
            t.fill("zsm.prior.summary", &[("proven", &record.proven.to_string()), ("last", &last.to_string())])
        }
        None => t.get("zsm.prior.none_proven").to_string(),
    };
    let yes_no = |b: bool| t.get(if b { "zsm.yes" } else { "zsm.no" }).to_string();
    let rows = record
        .offences
        .iter()
        .map(|o| {
            [
                o.offence_date.to_string(),
                if o.offence_type.is_empty() { "–".into() } else { o.offence_type.clone() },
                t.get(&format!("zsm.prior.outcome.{}", o.outcome)).to_string(),
                o.outcome_date.map(|d| d.to_string()).unwrap_or_else(|| "–".into()),
                o.seriousness.map(|s| s.to_string()).unwrap_or_else(|| "–".into()),
                yes_no(o.proven),
            ]
        })
        .collect();
    Ok(Some(PriorView { summary, rows }))
}

pub(super) struct DecisionView {
    pub(super) disposal: String,
    /// The statute the disposal rests on.
    pub(super) basis: String,
    pub(super) outcome: String,
    pub(super) signed: String,
    pub(super) lines: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "zsm/case.html")]
pub(super) struct CasePage {
    pub(super) page: Page,
    pub(super) id: CaseId,
    /// The suspect, for the link to their person page (which checks access itself).
    pub(super) suspect: PersonId,
    pub(super) version: i64,
    pub(super) location: ZsmLocation,
    pub(super) facts: Vec<(String, String)>,
    pub(super) offences: Vec<OffenceRow>,
    pub(super) victims: Vec<String>,
    pub(super) victims_hidden: bool,
    pub(super) clocks: Vec<ClockRow>,
    /// "Deadline (London time)", or the location's own zone when it keeps another.
    pub(super) deadline_heading: String,
    pub(super) prior: Option<PriorView>,
    pub(super) orders: Vec<OrderOption>,
    pub(super) can_refer: bool,
    pub(super) destinations: Vec<(&'static str, String)>,
    pub(super) referral: Option<(String, String)>,
    pub(super) sections: Vec<SectionView>,
    pub(super) decision: Option<DecisionView>,
    pub(super) obligations: Vec<ObligationView>,
    pub(super) can_decide: bool,
    pub(super) can_amend: bool,
    pub(super) breach_open: bool,
    pub(super) can_record_lawyer: bool,
    pub(super) lawyers: Vec<(String, String)>,
    pub(super) lawyer: Option<String>,
    pub(super) advice: Vec<(&'static str, String)>,
    pub(super) domains: Vec<(&'static str, String)>,
    pub(super) modes: Vec<(&'static str, String)>,
    pub(super) states: Vec<(&'static str, String)>,
    pub(super) errors: ErrorList,
}

/// The offences of the intake as rows of the case page and the decision record.
pub(super) fn offence_rows(offences: &[domain::zsm::Offence], t: Texts) -> Vec<OffenceRow> {
    offences
        .iter()
        .map(|o| OffenceRow {
            offence_type: o.offence_type.clone(),
            date: o.committed_on.to_string(),
            place: o.place.clone(),
            description: o.description.clone(),
            pretrial: t.get(if o.pretrial_detention_allowed { "zsm.yes" } else { "zsm.no" }).to_string(),
        })
        .collect()
}

/// The names on a case as its pages show them; someone not found is shown by their id.
pub(super) struct Names(CaseNames);

impl Names {
    pub(super) async fn of(state: &AppState, file: &CaseFile) -> Result<Self, WebError> {
        Ok(Names(state.zsm().names(file).await?))
    }

    pub(super) fn suspect(&self, file: &CaseFile) -> String {
        let suspect = file.view.case.intake.details().suspect;
        self.0.persons.get(&suspect).cloned().unwrap_or_else(|| suspect.to_string())
    }

    pub(super) fn person(&self, id: PersonId) -> Option<&str> {
        self.0.persons.get(&id).map(String::as_str)
    }

    /// The table's agency of a kind (e.g. `police` → "Politie Utrecht"), else the kind in words.
    pub(super) fn agency(&self, code: &str, t: Texts) -> String {
        match self.0.agencies.get(code) {
            Some(name) => name.clone(),
            None => t.get(&format!("zsm.agency.{code}")).to_string(),
        }
    }

    pub(super) fn suspect_born(&self) -> Option<jiff::civil::Date> {
        self.0.suspect_born
    }

    pub(super) fn suspect_identifiers(&self) -> &[domain::people::Identifier] {
        &self.0.suspect_identifiers
    }

    pub(super) fn member(&self, id: MemberId) -> String {
        self.0.members.get(&id).cloned().unwrap_or_else(|| id.to_string())
    }
}

/// The defence lawyers a case at a location of one of `packs` can name, as (member id, name)
/// choices: only lawyers whose office works under that jurisdiction.
pub(super) async fn lawyer_choices(state: &AppState, packs: &[&str]) -> Result<Vec<(String, String)>, WebError> {
    let lawyers = state.zsm().lawyers_at(packs, &state.config.pack.code).await?;
    Ok(lawyers.into_iter().map(|m| (m.id.to_string(), m.display_name)).collect())
}

pub(super) async fn case_view(
    state: &AppState,
    me: &SignedIn,
    context: &RequestContext,
    id: CaseId,
    errors: ErrorList,
    draft: Draft,
) -> Result<CasePage, WebError> {
    let file = state.zsm().open(&me.actor, id, "ZSM case page").await?;
    let context = &context.in_pack(file.pack);
    let t = context.texts;
    let zone = &file.pack.time_zone;
    let now = state.clock.now();
    let names = Names::of(state, &file).await?;
    let name = names.suspect(&file);
    let case = &file.view.case;
    let details = case.intake.details();
    let mut facts = vec![
        (t.get("zsm.case.reference").to_string(), domain::zsm::model::view::case_reference(case, zone)),
        (t.get("zsm.case.status").to_string(), status_label(status_code(&case.status), t)),
        (t.get("zsm.case.location").to_string(), file.location.name.clone()),
        (t.get("zsm.case.arrested").to_string(), local_time(details.arrested_at, zone)),
        (t.get("zsm.case.arrived").to_string(), local_time(details.arrived_at_station, zone)),
        (t.get("zsm.case.registered").to_string(), local_time(case.intake.registered_at(), zone)),
        (t.get("zsm.case.report").to_string(), details.police_report_summary.clone()),
    ];
    if let Some(prior) = &details.prior_record_summary {
        facts.push((t.get("zsm.case.prior").to_string(), prior.clone()));
    }
    let offences = offence_rows(&details.offences, t);
    let mut victims = Vec::new();
    for victim in &details.victims {
        victims.push(match victim {
            Victim::Known(person) => match names.person(*person) {
                Some(name) => format!("{name} ({})", t.get("zsm.case.known_victim")),
                None => t.get("zsm.case.known_victim").to_string(),
            },
            Victim::Anonymous { description } => format!("{}: {description}", t.get("zsm.case.anonymous_victim")),
        });
    }
    // Which forms to offer follows the case state table in the domain.
    let open = case.status.is_open();
    let may_grant = |rule: &domain::jurisdiction::ExtensionRule| open && grant_office(&me.actor, rule).is_some();
    let mut sections = Vec::new();
    for (partner, contribution) in case.contributions.iter() {
        if contribution.state == domain::jurisdiction::ContributionState::NotNeeded && contribution.content.is_none() {
            continue;
        }
        let (symbol, state_text, state_class) = state_label(contribution.state, t);
        let hidden = file.view.hidden_sections.contains(&partner);
        let editable = case.status.allows(CaseCommandKind::UpdateContribution) && file.viewer.may_edit_section(partner);
        let draft = match &draft {
            Draft::Section(d) if d.partner == partner && editable => Some(d.as_ref()),
            _ => None,
        };
        sections.push(SectionView {
            code: partner.code(),
            title: t.get(&partner_key(partner)).to_string(),
            symbol,
            state_text: state_text.to_string(),
            state_class,
            lines: contribution.content.as_ref().map(|c| content_lines(c, zone, t)).unwrap_or_default(),
            hidden,
            editable,
            updated: contribution.updated_at.map(|at| t.fill("zsm.section.updated", &[("at", &local_time(at, zone))])),
            form: match draft {
                Some(draft) => draft.form.clone(),
                None => prefill(contribution.state, contribution.content.as_ref(), zone, t),
            },
            version: match draft {
                Some(SectionDraft { conflict: None, seen_version: Some(seen), .. }) => *seen,
                _ => contribution.version,
            },
            conflict: draft.and_then(|d| d.conflict.clone()),
        });
    }
    let decision = match case.status.decision() {
        Some(d) => Some(DecisionView {
            disposal: disposal_name(file.pack, d.disposal.as_str(), t),
            basis: d.legal_basis.clone(),
            outcome: outcome_label(d.outcome, t),
            signed: t.fill(
                "zsm.record.signed",
                &[("who", &names.member(d.decided_by)), ("at", &local_time(d.decided_at, zone))],
            ),
            lines: decision_lines(d, file.pack, t),
        }),
        None => None,
    };
    let kind = file.viewer.agency;
    let decided = case.status.allows(CaseCommandKind::RecordBreach);
    let obligations = case
        .status
        .decision()
        .map(|d| {
            d.obligations
                .iter()
                .map(|o| ObligationView {
                    id: o.id,
                    kind: file.pack.obligation_kind(&o.kind).map(|k| named(k, t)).unwrap_or_else(|| o.kind.to_string()),
                    period: format!("{} – {}", o.starts_on, o.ends_on),
                    details: o.details.clone(),
                    monitor: names.agency(o.responsible_agency.as_str(), t),
                    breaches: case.breaches.iter().filter(|b| b.obligation == o.id).count(),
                    may_record_breach: decided
                        && (file.viewer.prosecutor || o.responsible_agency.as_str() == kind.code()),
                })
                .collect()
        })
        .unwrap_or_default();
    let can_record_lawyer =
        open && matches!(kind, domain::directory::AgencyKind::Police | domain::directory::AgencyKind::Prosecution);
    let mut lawyers =
        if can_record_lawyer { lawyer_choices(state, &[file.pack.code.as_str()]).await? } else { Vec::new() };
    // The recorded lawyer first, so the form shows who is recorded rather than someone else.
    let recorded = file.lawyer.map(|id| id.to_string());
    lawyers.sort_by_key(|(id, _)| Some(id) != recorded.as_ref());
    let lawyer = file.lawyer.map(|id| names.member(id));
    Ok(CasePage {
        page: Page::new(context, &t.fill("zsm.case.title", &[("name", &name)])),
        id,
        suspect: details.suspect,
        version: file.version,
        location: file.location.clone(),
        facts,
        offences,
        victims,
        victims_hidden: file.view.victims_hidden,
        deadline_heading: deadline_heading(file.pack, t),
        clocks: clock_rows(&file.clocks, file.pack, now, zone, &may_grant, t),
        prior: prior_view(state, me, &file, id, t).await?,
        orders: order_options(&file, authority_of(&me.actor), open, now, t)
            .into_iter()
            .map(|mut option| {
                if let Draft::Order { clock, ordered_at, basis } = &draft
                    && *clock == option.code
                {
                    option.now = ordered_at.clone();
                    option.basis = basis.clone();
                }
                option
            })
            .collect(),
        can_refer: file.viewer.prosecutor && case.status.allows(CaseCommandKind::Refer),
        destinations: destinations(t),
        referral: match &case.status {
            CaseStatus::Referred { destination, reason, at, .. } => Some((
                t.fill(
                    "zsm.refer.done",
                    &[
                        ("destination", t.get(&format!("zsm.refer.destination.{destination}"))),
                        ("at", &local_time(*at, zone)),
                    ],
                ),
                reason.clone(),
            )),
            _ => None,
        },
        sections,
        can_decide: file.viewer.prosecutor && case.status.offers(CaseCommandKind::Decide),
        can_amend: file.viewer.prosecutor && case.status.allows(CaseCommandKind::Amend),
        breach_open: case.status.allows(CaseCommandKind::MaintainDecision) && file.viewer.prosecutor,
        decision,
        obligations,
        can_record_lawyer,
        lawyers,
        lawyer,
        advice: ADVICE.iter().map(|(_, c)| (*c, t.get(&format!("zsm.advice.{c}")).to_string())).collect(),
        domains: LIFE_DOMAINS.iter().map(|(_, c)| (*c, t.get(&format!("zsm.domain.{c}")).to_string())).collect(),
        modes: MODES.iter().map(|(_, c)| (*c, t.get(&format!("zsm.mode.{c}")).to_string())).collect(),
        states: ["awaited", "in_progress", "done"]
            .into_iter()
            .map(|c| (c, t.get(&format!("zsm.state.{c}")).to_string()))
            .collect(),
        errors: named_in_summary(errors, t, &[("reason", "zsm.breach.maintain_reason")]),
    })
}

/// The label of a field of the ZSM forms (intake, the case page's sections, clocks, referral
/// and breach, the decision), so each line of the error summary says which field it is about
/// ("Schadeclaim (euro): …", not five times "Vul dit in").
fn zsm_field_label(field: &str) -> Option<&'static str> {
    if let Some((_, name)) = field.strip_prefix("offences[").and_then(|rest| rest.split_once("].")) {
        return Some(match name {
            "offence_type" => "zsm.intake.offence_type",
            "committed_on" => "zsm.intake.committed_on",
            "place" => "zsm.intake.place",
            "description" => "zsm.intake.description",
            _ => return None,
        });
    }
    if field.starts_with("victims[") {
        return Some("zsm.intake.victim_person");
    }
    Some(match field {
        "suspect_id" => "zsm.intake.suspect",
        "location" => "zsm.intake.location",
        "arrested_at" => "zsm.intake.arrested_at",
        "arrived_at" => "zsm.intake.arrived_at",
        "police_report_summary" => "zsm.intake.report",
        "prior_record_summary" => "zsm.intake.prior",
        "disposal" => "zsm.decision.disposal",
        "reasoning" => "zsm.decision.reasoning",
        "override_reason" => "zsm.decision.override",
        "lawyer_id" => "zsm.case.lawyer",
        "hours" => "zsm.clock.extend.hours",
        "basis" => "zsm.clock.extend.basis",
        "ordered_at" => "zsm.order.at",
        "order_basis" => "zsm.order.basis",
        "additional_information" => "zsm.police.additional",
        "requests_to_prosecutor" => "zsm.police.requests",
        "advice" => "zsm.probation.advice",
        "interests" => "zsm.victim.interests",
        "damages_claim" => "zsm.victim.damages",
        "consulted_at" => "zsm.defence.consulted_at",
        "mode" => "zsm.defence.mode",
        "lawyer_advice" => "zsm.defence.advice",
        "settlement_consequences_explained" => "zsm.defence.consequences",
        "suspect_position" => "zsm.defence.position",
        "note" => "zsm.note",
        "state" => "zsm.state.label",
        "destination" => "zsm.refer.destination",
        "refer_reason" => "zsm.refer.reason",
        _ => return None,
    })
}

/// Errors whose summary line is the bare message get the field's label in front of it; `own`
/// names the fields whose label differs per page (`reason`: keeping a decision, amending one).
pub(super) fn named_in_summary(mut errors: ErrorList, t: Texts, own: &[(&str, &'static str)]) -> ErrorList {
    for item in &mut errors.items {
        let own_label = own.iter().find(|(field, _)| *field == item.field).map(|(_, label)| *label);
        if let Some(label) = own_label.or_else(|| zsm_field_label(&item.field)).filter(|_| item.summary == item.message)
        {
            item.summary = format!("{}: {}", t.get(label), item.message);
        }
    }
    errors
}

pub(super) async fn case_page(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    ok(&case_view(&state, &me, &context, case_id(&id)?, ErrorList::default(), Draft::None).await?)
}

/// On to the case page after a change, or the case page again with what to fix.
pub(super) async fn after_case_change(
    state: &AppState,
    me: &SignedIn,
    context: &RequestContext,
    id: CaseId,
    result: ServiceResult<()>,
) -> Result<Response, WebError> {
    let result = result.map(|()| format!("/zsm/cases/{id}"));
    after_post(result, context.texts, |errors| case_view(state, me, context, id, errors, Draft::None)).await
}

pub(super) async fn contribute(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path((id, partner)): Path<(String, String)>,
    posted: Posted,
) -> Result<Response, WebError> {
    let id = case_id(&id)?;
    let partner: Partner = partner_from_code(&partner).ok_or(WebError::NotFound)?;
    let form = contribution_form(&posted);
    let seen_version = posted.get("section_version").trim().parse().ok();
    let result = state.zsm().update_contribution(&me.actor, id, partner, &form, seen_version).await;
    let error = match result {
        Ok(_) => return Ok(axum::response::Redirect::to(&format!("/zsm/cases/{id}")).into_response()),
        Err(error) => error,
    };
    // Refused: the section comes back as typed, never emptied; on a conflict with the section
    // as saved now above it and the version it has now, so saving again overwrites knowingly.
    let t = context.texts;
    let conflict = match &error {
        domain::service::ServiceError::Stale(changed) => Some(t.field_error(changed)),
        _ => None,
    };
    let (status, errors) = refused(error, t)?;
    let draft = SectionDraft { partner, form, seen_version, conflict };
    let page = case_view(&state, &me, &context, id, errors, Draft::Section(Box::new(draft))).await?;
    Ok(crate::page::render(status, &page))
}

pub(super) async fn extend(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path((id, clock)): Path<(String, String)>,
    posted: Posted,
) -> Result<Response, WebError> {
    let id = case_id(&id)?;
    let hours = posted.get("hours");
    let result = match hours.trim() {
        "" => Ok(None),
        hours => hours.parse().map(Some).map_err(|_| invalid(FieldError::new("hours", "zsm.error.parameter_invalid"))),
    };
    let result = match result {
        Ok(hours) => {
            let (extension, basis) = (posted.get("extension"), posted.get("basis"));
            state.zsm().extend_clock(&me.actor, id, &clock, &extension, hours, &basis, version(&posted)?).await
        }
        Err(error) => Err(error),
    };
    after_case_change(&state, &me, &context, id, result).await
}

pub(super) async fn record_lawyer(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    posted: Posted,
) -> Result<Response, WebError> {
    let id = case_id(&id)?;
    let result = match posted.get("lawyer_id").parse() {
        Ok(lawyer) => state.zsm().record_lawyer(&me.actor, id, lawyer, version(&posted)?).await,
        Err(_) => Err(invalid(FieldError::new("lawyer_id", "zsm.error.not_a_lawyer"))),
    };
    after_case_change(&state, &me, &context, id, result).await
}

pub(super) async fn record_breach(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    posted: Posted,
) -> Result<Response, WebError> {
    let id = case_id(&id)?;
    let obligation = posted.get("obligation").parse().map_err(|_| WebError::BadRequest("obligation".into()))?;
    let (observed_on, description) = (posted.get("observed_on"), posted.get("description"));
    let result =
        state.zsm().record_breach(&me.actor, id, obligation, &observed_on, &description, version(&posted)?).await;
    after_case_change(&state, &me, &context, id, result).await
}

pub(super) async fn maintain(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    posted: Posted,
) -> Result<Response, WebError> {
    let id = case_id(&id)?;
    let result = state.zsm().maintain_decision(&me.actor, id, &posted.get("reason"), version(&posted)?).await;
    after_case_change(&state, &me, &context, id, result).await
}

/// The clocks' deadline heading: the pack's words ("Deadline (London time)") when the location
/// keeps its pack's time zone, else the zone the location keeps, by name.
pub(super) fn deadline_heading(pack: &domain::jurisdiction::JurisdictionPack, t: Texts) -> String {
    let home = domain::jurisdiction::shipped_pack(&pack.code).map_or(true, |p| p.time_zone_name == pack.time_zone_name);
    if home {
        t.get("zsm.clock.deadline").to_string()
    } else {
        t.fill("zsm.clock.deadline.zone", &[("zone", &pack.time_zone_name)])
    }
}
