//! A ZSM case as the JSON API shows it to one reader: built from the `CaseFile` the domain's
//! `Zsm::open` returns, so what a reader may see (victims hidden from the defence, the
//! lawyer's section only to the lawyer and, when shared, the prosecutor, the prior record only
//! on need-to-know) is decided there, never here. Names of clocks, disposals and obligation
//! kinds are the pack's, in the caller's language.

use super::zsm::{ClockDto, SectionDto, clock_dto, section_dto_of};
use domain::ids::CaseId;
use domain::jurisdiction::{ClockAnchor, ClockCategory, DisposalOutcome, JurisdictionPack, Lang, Named};
use domain::zsm::model::decision::{Decision, ParameterValue};
use domain::zsm::model::forms::MODES;
use domain::zsm::model::intake::Victim;
use domain::zsm::model::prior::PriorRecord;
use domain::zsm::service::{CaseFile, CaseNames, grant_office, status_code};
use domain::zsm::workflow::case::{CaseCommandKind, CaseStatus};
use domain::zsm::workflow::clock::ClockRun;
use jiff::Timestamp;
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// Where a case is handled: the table's code and name, its pack and time zone.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"code": "zsm-utrecht", "name": "ZSM Utrecht", "pack": "nl", "time_zone": "Europe/Amsterdam", "agencies": ["b2d4f6a8-3c5e-4a7b-9d1f-2e4a6b8c0d3f"]}))]
#[schema(as = ZsmLocationDto)]
pub struct LocationDto {
    pub code: String,
    pub name: String,
    /// The jurisdiction pack (`nl`, `england-wales`, `italy`).
    pub pack: String,
    /// The IANA time zone its clocks and local times are in.
    pub time_zone: String,
    /// The agencies that sit at the table (they join a suspect's team at intake).
    pub agencies: Vec<String>,
}

pub fn location_dto(location: &domain::zsm::ports::ZsmLocation, pack: &JurisdictionPack) -> LocationDto {
    LocationDto {
        code: location.code.clone(),
        name: location.name.clone(),
        pack: location.pack.clone(),
        time_zone: pack.time_zone_name.clone(),
        agencies: location.agencies.iter().map(ToString::to_string).collect(),
    }
}

#[derive(Serialize, ToSchema)]
pub struct OffenceDto {
    offence_type: String,
    committed_on: String,
    place: String,
    description: String,
    pretrial_detention_allowed: bool,
}

/// A victim: a registered person (with their name) or an anonymous description.
#[derive(Serialize, ToSchema)]
pub struct VictimDto {
    person_id: Option<String>,
    name: Option<String>,
    description: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct GrantedExtensionDto {
    extension: String,
    /// The legal office it was granted in (`prosecutor`, `assistant_prosecutor`, …).
    office: String,
    granted_by: String,
    basis: String,
    at: String,
    new_deadline: String,
}

/// An extension the reader may grant now (`POST …/clocks/{clock}/extensions`).
#[derive(Serialize, ToSchema)]
pub struct ExtensionOptionDto {
    code: String,
    name: String,
    legal_basis: String,
}

/// A clock on the case: the board's clock, with the order it runs from and its extensions.
#[derive(Serialize, ToSchema)]
pub struct CaseClockDto {
    #[serde(flatten)]
    clock: ClockDto,
    /// The order it runs from: the office that gave it and the grounds.
    order_office: Option<String>,
    order_basis: Option<String>,
    extensions: Vec<GrantedExtensionDto>,
    /// What the reader may still grant on it.
    extensions_available: Vec<ExtensionOptionDto>,
}

/// A clock the reader may order now (`POST …/clocks/{clock}/order`), e.g. custody.
#[derive(Serialize, ToSchema)]
pub struct OrderOptionDto {
    clock: String,
    name: String,
    legal_basis: String,
}

#[derive(Serialize, ToSchema)]
pub struct ObligationDto {
    id: String,
    /// The pack's obligation kind code and its name.
    kind: String,
    kind_name: String,
    starts_on: String,
    ends_on: String,
    details: String,
    /// The kind of agency that monitors it (`probation`, `police`, …).
    monitored_by: String,
}

#[derive(Serialize, ToSchema)]
pub struct OverrideDto {
    partner: String,
    legal_basis: String,
    reason: String,
}

/// A decision: the disposal with its statute and parameters (as the decision form takes them).
#[derive(Serialize, ToSchema)]
#[schema(as = ZsmDecisionDto)]
pub struct DecisionDto {
    id: String,
    disposal: String,
    name: String,
    legal_basis: String,
    /// `dismissed`, `settled_out_of_court`, `to_court` or `referred`.
    outcome: &'static str,
    /// Parameter code → value as typed in the form (`"40"`, `"250.00"`, `"yes"`, a date, an option).
    parameters: BTreeMap<String, String>,
    obligations: Vec<ObligationDto>,
    decided_by: String,
    decided_by_name: String,
    decided_at: String,
    reasoning: String,
    overrides: Vec<OverrideDto>,
}

#[derive(Serialize, ToSchema)]
pub struct AmendmentDto {
    previous: DecisionDto,
    replaced_by: String,
    reason: String,
    amended_by: String,
    amended_at: String,
}

#[derive(Serialize, ToSchema)]
pub struct BreachDto {
    obligation: String,
    observed_on: String,
    description: String,
    reported_by: String,
    recorded_at: String,
    /// `maintained` (with `resolution_reason`), `amended`, or `null` while the prosecutor has not answered.
    resolution: Option<&'static str>,
    resolution_reason: Option<String>,
}

#[derive(Serialize, ToSchema)]
#[schema(as = ZsmReferralDto)]
pub struct ReferralDto {
    /// `regular_procedure`, `examining_judge` or `juvenile_procedure`.
    destination: String,
    reason: String,
    at: String,
}

#[derive(Serialize, ToSchema)]
pub struct PriorOffenceDto {
    offence_date: String,
    offence_type: String,
    outcome: String,
    outcome_date: Option<String>,
    seriousness: Option<i32>,
    proven: bool,
}

#[derive(Serialize, ToSchema)]
pub struct PriorRecordDto {
    proven: usize,
    last_proven: Option<String>,
    offences: Vec<PriorOffenceDto>,
}

/// What the reader may do on the case now, as the case page offers it.
#[derive(Serialize, ToSchema)]
pub struct CaseActionsDto {
    decide: bool,
    amend: bool,
    refer: bool,
    record_lawyer: bool,
    maintain_decision: bool,
    /// The partner sections the reader may save.
    sections: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct PersonRefDto {
    id: String,
    name: String,
}

/// A ZSM case as the reader may see it.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "reference": "ZSM-UTRECHT-20261207-3F4A5B", "version": 3, "status": "at_table", "location": {"code": "zsm-utrecht", "name": "ZSM Utrecht", "pack": "nl", "time_zone": "Europe/Amsterdam", "agencies": []}, "suspect": {"id": "5b0e7c1a-3f2d-4e8b-9a41-0c6f2d8e7b13", "name": "Jan de Vries"}, "suspect_is_minor": false, "arrested_at": "2026-12-07T07:30:00Z", "arrived_at": "2026-12-07T07:45:00Z", "registered_at": "2026-12-07T08:00:00Z", "offences": [{"offence_type": "winkeldiefstal", "committed_on": "2026-12-07", "place": "Utrecht", "description": "Drie flessen drank", "pretrial_detention_allowed": true}], "victims": [{"person_id": null, "name": null, "description": "Caissière"}], "victims_hidden": false, "police_report_summary": "Aangehouden door de winkeldetective", "prior_record_summary": null, "lawyer": null, "clocks": [{"code": "ophouden_verdachte", "name": "Ophouden voor onderzoek", "legal_basis": "art. 56a Sv", "started_at": "2026-12-07T07:45:00Z", "deadline": "2026-12-07T16:45:00Z", "status": "running", "remaining_seconds": 26100, "warning": "none", "order_office": null, "order_basis": null, "extensions": [], "extensions_available": []}], "orders_available": [], "sections": [{"partner": "probation", "state": "done", "version": 2, "hidden": false, "content": {"Probation": {"advice": "ScreeningAdvised", "signals": []}}, "updated_at": "2026-12-07T09:15:00Z", "updated_by": "c3e5a7b9-4d6f-4b8c-8e2a-3f5b7c9d1e4a"}], "decision": null, "amendments": [], "breaches": [], "referral": null, "prior_record": null, "actions": {"decide": true, "amend": false, "refer": true, "record_lawyer": false, "maintain_decision": false, "sections": []}, "page": "/zsm/cases/0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "record": null}))]
pub struct CaseDto {
    id: String,
    /// The human reference read aloud on the phone and printed on the record.
    reference: String,
    /// The case's version: send it back as `version` with every change of the case.
    version: i64,
    /// `registered`, `at_table`, `returned`, `decided` or `referred`.
    status: &'static str,
    location: LocationDto,
    suspect: PersonRefDto,
    suspect_is_minor: bool,
    arrested_at: String,
    arrived_at: String,
    registered_at: String,
    offences: Vec<OffenceDto>,
    victims: Vec<VictimDto>,
    /// Victims exist but are not shown to this reader (the defence).
    victims_hidden: bool,
    police_report_summary: String,
    prior_record_summary: Option<String>,
    lawyer: Option<PersonRefDto>,
    clocks: Vec<CaseClockDto>,
    orders_available: Vec<OrderOptionDto>,
    /// Each partner's section with its own version (`seen_version` of a save); `content` is
    /// `null` and `hidden` true where the reader may not see it.
    sections: Vec<SectionDto>,
    decision: Option<DecisionDto>,
    amendments: Vec<AmendmentDto>,
    breaches: Vec<BreachDto>,
    referral: Option<ReferralDto>,
    /// Only for readers with need-to-know (the prosecutor, the police, probation).
    prior_record: Option<PriorRecordDto>,
    actions: CaseActionsDto,
    /// The case page, and once decided the printable decision record.
    page: String,
    record: Option<String>,
}

fn member_name(names: &CaseNames, id: domain::ids::MemberId) -> String {
    names.members.get(&id).cloned().unwrap_or_else(|| id.to_string())
}

pub fn outcome_code(outcome: DisposalOutcome) -> &'static str {
    match outcome {
        DisposalOutcome::Dismissed => "dismissed",
        DisposalOutcome::SettledOutOfCourt => "settled_out_of_court",
        DisposalOutcome::ToCourt => "to_court",
        DisposalOutcome::Referred => "referred",
    }
}

/// A parameter as the decision form takes it, so a decision read can be amended as it is.
fn parameter_text(value: &ParameterValue) -> String {
    match value {
        ParameterValue::Integer(n) => n.to_string(),
        ParameterValue::Money(cents) => {
            format!("{}{}.{:02}", if *cents < 0 { "-" } else { "" }, cents.abs() / 100, cents.abs() % 100)
        }
        ParameterValue::Flag(flag) => if *flag { "yes" } else { "no" }.to_string(),
        ParameterValue::Text(text) | ParameterValue::Choice(text) => text.clone(),
        ParameterValue::Date(date) => date.to_string(),
    }
}

pub fn obligation_dto(
    o: &domain::zsm::model::obligation::Obligation,
    pack: &JurisdictionPack,
    lang: Lang,
) -> ObligationDto {
    ObligationDto {
        id: o.id.to_string(),
        kind: o.kind.to_string(),
        kind_name: pack.obligation_kind(&o.kind).map_or_else(|| o.kind.to_string(), |k| k.name(lang).to_string()),
        starts_on: o.starts_on.to_string(),
        ends_on: o.ends_on.to_string(),
        details: o.details.clone(),
        monitored_by: o.responsible_agency.as_str().to_string(),
    }
}

pub fn decision_dto(d: &Decision, pack: &JurisdictionPack, names: &CaseNames, lang: Lang) -> DecisionDto {
    DecisionDto {
        id: d.id.to_string(),
        disposal: d.disposal.to_string(),
        name: pack.disposal(&d.disposal).map_or_else(|_| d.disposal.to_string(), |p| p.name(lang).to_string()),
        legal_basis: d.legal_basis.clone(),
        outcome: outcome_code(d.outcome),
        parameters: d.parameters.iter().map(|(code, value)| (code.to_string(), parameter_text(value))).collect(),
        obligations: d.obligations.iter().map(|o| obligation_dto(o, pack, lang)).collect(),
        decided_by: d.decided_by.to_string(),
        decided_by_name: member_name(names, d.decided_by),
        decided_at: d.decided_at.to_string(),
        reasoning: d.reasoning.clone(),
        overrides: d
            .overrides
            .iter()
            .map(|o| OverrideDto {
                partner: o.partner.code().to_string(),
                legal_basis: o.legal_basis.clone(),
                reason: o.reason.clone(),
            })
            .collect(),
    }
}

pub fn amendment_dtos(file: &CaseFile, names: &CaseNames, lang: Lang) -> Vec<AmendmentDto> {
    file.view
        .case
        .amendments
        .iter()
        .map(|a| AmendmentDto {
            previous: decision_dto(&a.previous, file.pack, names, lang),
            replaced_by: a.replaced_by.to_string(),
            reason: a.reason.clone(),
            amended_by: a.amended_by.to_string(),
            amended_at: a.amended_at.to_string(),
        })
        .collect()
}

fn case_clock_dto(
    run: &ClockRun,
    file: &CaseFile,
    actor: &domain::access::Actor,
    now: Timestamp,
    lang: Lang,
) -> CaseClockDto {
    let pack = file.pack;
    let definition = pack.clock(&run.clock).ok();
    let open = file.view.case.status.is_open();
    let extensions_available = match definition {
        Some(d) if open && run.is_running() => d
            .extensions
            .iter()
            .filter(|e| grant_office(actor, e).is_some_and(|office| e.granted_by.contains(&office)))
            .filter(|e| {
                let used = run.extensions.iter().filter(|g| g.extension == e.code).count();
                u32::try_from(used).unwrap_or(u32::MAX) < e.max_times
            })
            .map(|e| ExtensionOptionDto {
                code: e.code.to_string(),
                name: e.name(lang).to_string(),
                legal_basis: e.legal_basis.clone(),
            })
            .collect(),
        _ => Vec::new(),
    };
    CaseClockDto {
        clock: clock_dto(run, pack, now, lang),
        order_office: run.order.as_ref().map(|o| o.by.role.code().to_string()),
        order_basis: run.order.as_ref().map(|o| o.basis.clone()),
        extensions: run
            .extensions
            .iter()
            .map(|g| GrantedExtensionDto {
                extension: g.extension.to_string(),
                office: g.by.role.code().to_string(),
                granted_by: g.by.member.to_string(),
                basis: g.basis.clone(),
                at: g.at.to_string(),
                new_deadline: g.new_deadline.to_string(),
            })
            .collect(),
        extensions_available,
    }
}

/// The order clocks the reader's office may give now: as the case page's order forms.
fn order_options(file: &CaseFile, actor: &domain::access::Actor, lang: Lang) -> Vec<OrderOptionDto> {
    let Some(office) = domain::zsm::service::authority_of(actor).filter(|_| file.view.case.status.is_open()) else {
        return Vec::new();
    };
    file.pack
        .clocks
        .iter()
        .filter(|c| c.starts_at == ClockAnchor::Order && c.category != ClockCategory::ExclusionOrder)
        .filter(|c| c.ordered_by.contains(&office) && !file.clocks.iter().any(|run| run.clock == c.code))
        .map(|c| OrderOptionDto {
            clock: c.code.to_string(),
            name: c.name(lang).to_string(),
            legal_basis: c.legal_basis.clone(),
        })
        .collect()
}

fn prior_dto(record: PriorRecord) -> PriorRecordDto {
    PriorRecordDto {
        proven: record.proven,
        last_proven: record.last_proven.map(|d| d.to_string()),
        offences: record
            .offences
            .into_iter()
            .map(|o| PriorOffenceDto {
                offence_date: o.offence_date.to_string(),
                offence_type: o.offence_type,
                outcome: o.outcome,
                outcome_date: o.outcome_date.map(|d| d.to_string()),
                seriousness: o.seriousness,
                proven: o.proven,
            })
            .collect(),
    }
}

/// Everything `case_dto` needs besides the file: who reads, when, in which language.
pub struct Reader<'a> {
    pub actor: &'a domain::access::Actor,
    pub now: Timestamp,
    pub lang: Lang,
    pub names: &'a CaseNames,
    pub prior: Option<PriorRecord>,
}

pub fn case_dto(id: CaseId, file: &CaseFile, reader: Reader<'_>) -> CaseDto {
    let Reader { actor, now, lang, names, prior } = reader;
    let case = &file.view.case;
    let details = case.intake.details();
    let open = case.status.is_open();
    let mut clocks: Vec<&ClockRun> = file.clocks.iter().collect();
    clocks.sort_by_key(|run| (!run.is_running(), run.deadline));
    let sections = case
        .contributions
        .iter()
        .filter(|(_, c)| c.state != domain::jurisdiction::ContributionState::NotNeeded || c.content.is_some())
        .map(|(partner, c)| section_dto_of(partner, c, file.view.hidden_sections.contains(&partner)))
        .collect();
    let editable = case
        .contributions
        .iter()
        .map(|(partner, _)| partner)
        .filter(|p| case.status.allows(CaseCommandKind::UpdateContribution) && file.viewer.may_edit_section(*p))
        .map(|p| p.code().to_string())
        .collect();
    let kind = file.viewer.agency;
    CaseDto {
        id: id.to_string(),
        reference: domain::zsm::model::view::case_reference(case, &file.pack.time_zone),
        version: file.version,
        status: status_code(&case.status),
        location: location_dto(&file.location, file.pack),
        suspect: PersonRefDto {
            id: details.suspect.to_string(),
            name: names.persons.get(&details.suspect).cloned().unwrap_or_else(|| details.suspect.to_string()),
        },
        suspect_is_minor: details.suspect_is_minor,
        arrested_at: details.arrested_at.to_string(),
        arrived_at: details.arrived_at_station.to_string(),
        registered_at: case.intake.registered_at().to_string(),
        offences: details
            .offences
            .iter()
            .map(|o| OffenceDto {
                offence_type: o.offence_type.clone(),
                committed_on: o.committed_on.to_string(),
                place: o.place.clone(),
                description: o.description.clone(),
                pretrial_detention_allowed: o.pretrial_detention_allowed,
            })
            .collect(),
        victims: details
            .victims
            .iter()
            .map(|v| match v {
                Victim::Known(person) => VictimDto {
                    person_id: Some(person.to_string()),
                    name: names.persons.get(person).cloned(),
                    description: None,
                },
                Victim::Anonymous { description } => {
                    VictimDto { person_id: None, name: None, description: Some(description.clone()) }
                }
            })
            .collect(),
        victims_hidden: file.view.victims_hidden,
        police_report_summary: details.police_report_summary.clone(),
        prior_record_summary: details.prior_record_summary.clone(),
        lawyer: file.lawyer.map(|m| PersonRefDto { id: m.to_string(), name: member_name(names, m) }),
        clocks: clocks.into_iter().map(|run| case_clock_dto(run, file, actor, now, lang)).collect(),
        orders_available: order_options(file, actor, lang),
        sections,
        decision: case.status.decision().map(|d| decision_dto(d, file.pack, names, lang)),
        amendments: amendment_dtos(file, names, lang),
        breaches: case
            .breaches
            .iter()
            .map(|b| {
                let (resolution, resolution_reason) = match &b.resolution {
                    Some(domain::zsm::model::obligation::BreachResolution::DecisionMaintained { reason, .. }) => {
                        (Some("maintained"), Some(reason.clone()))
                    }
                    Some(domain::zsm::model::obligation::BreachResolution::DecisionAmended { .. }) => {
                        (Some("amended"), None)
                    }
                    None => (None, None),
                };
                BreachDto {
                    obligation: b.obligation.to_string(),
                    observed_on: b.observed_on.to_string(),
                    description: b.description.clone(),
                    reported_by: b.reported_by.as_str().to_string(),
                    recorded_at: b.recorded_at.to_string(),
                    resolution,
                    resolution_reason,
                }
            })
            .collect(),
        referral: match &case.status {
            CaseStatus::Referred { destination, reason, at, .. } => {
                Some(ReferralDto { destination: destination.clone(), reason: reason.clone(), at: at.to_string() })
            }
            _ => None,
        },
        prior_record: prior.map(prior_dto),
        actions: CaseActionsDto {
            decide: file.viewer.prosecutor && case.status.offers(CaseCommandKind::Decide),
            amend: file.viewer.prosecutor && case.status.allows(CaseCommandKind::Amend),
            refer: file.viewer.prosecutor && case.status.allows(CaseCommandKind::Refer),
            record_lawyer: open
                && matches!(kind, domain::directory::AgencyKind::Police | domain::directory::AgencyKind::Prosecution),
            maintain_decision: file.viewer.prosecutor && case.status.allows(CaseCommandKind::MaintainDecision),
            sections: editable,
        },
        page: format!("/zsm/cases/{id}"),
        record: case.status.decision().map(|_| format!("/zsm/cases/{id}/record")),
    }
}

/// The consultation mode's code.
pub fn mode_code(mode: domain::zsm::model::contribution::ConsultationMode) -> &'static str {
    MODES.iter().find(|(m, _)| *m == mode).map_or("in_person", |(_, code)| code)
}
