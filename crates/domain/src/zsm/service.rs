//! The ZSM use cases over the ports: authorise (case team AND role, plus need-to-know), audit,
//! apply the pure transition, save. Web handlers call these and nothing below them.
//!
//! Access: a member reaches a case only when their agency is on the suspect's case team with a
//! valid basis and one of their roles works at the table; a defence lawyer only when recorded as
//! the suspect's lawyer on that case. Every read and write is audited against the suspect.

use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};

use super::case::{CaseCommand, CaseEffect, CaseStatus, ZsmCase, apply, register};
use super::clock::{self as zsm_clock, ClockCommand, ClockEffect, ClockRun, Grantor, StopReason};
use super::forms::{ContributionForm, DecisionForm, IntakeForm, rule_error};
use super::ids::{CaseId, DecisionId, MemberId, ObligationId};
use super::intake::Victim;
use super::obligation::Obligation;
use super::ports::{BoardCase, CaseWrite, StoredCase, ZsmLocation, ZsmStore};
use super::view::{CaseView, Metrics, Viewer, index, metrics, partner_of, redact};
use super::{ZsmError, view};
use crate::access::{Actor, Denial, Grant, LegalBasis, Permission, Role, TeamEntry, authorise};
use crate::audit::{AuditAction, AuditEntry};
use crate::clock::Clock;
use crate::directory::AgencyKind;
use crate::ids::{AgencyId, TeamEntryId};
use crate::jurisdiction::{
    AgencyCode, AuthorityRole, ClockCode, ClockSpan, ExtensionCode, JurisdictionPack, Partner, shipped_pack,
};
use crate::ports::{AuditLog, DirectoryStore, PeopleStore, StoreError};
use crate::validation::{FieldError, ValidationErrors};

#[derive(Debug, thiserror::Error)]
pub enum ZsmServiceError {
    /// Input that does not parse; each error names its field.
    #[error("invalid input: {0}")]
    Invalid(ValidationErrors),
    /// A legal or workflow rule refused the change; nothing was changed.
    #[error("{0}")]
    Rule(ZsmError),
    #[error("not found")]
    NotFound,
    #[error("forbidden: {0}")]
    Forbidden(Denial),
    /// Someone saved the case after the form was opened.
    #[error("the case was changed by someone else")]
    Conflict,
    #[error(transparent)]
    Store(StoreError),
}

impl ZsmServiceError {
    /// Invalid input and broken rules as field errors, for a form's error summary.
    pub fn field_errors(&self) -> Option<ValidationErrors> {
        match self {
            Self::Invalid(errors) => Some(errors.clone()),
            Self::Rule(error) => Some(ValidationErrors::single(rule_error(error))),
            _ => None,
        }
    }
}

impl From<StoreError> for ZsmServiceError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => Self::NotFound,
            StoreError::Conflict { .. } => Self::Conflict,
            other => Self::Store(other),
        }
    }
}

impl From<ZsmError> for ZsmServiceError {
    fn from(error: ZsmError) -> Self {
        Self::Rule(error)
    }
}

impl From<ValidationErrors> for ZsmServiceError {
    fn from(errors: ValidationErrors) -> Self {
        Self::Invalid(errors)
    }
}

pub type ZsmResult<T> = Result<T, ZsmServiceError>;

/// Roles that work at a ZSM table (and so may open its cases, given the case team).
pub const TABLE_ROLES: [Role; 7] = [
    Role::PoliceOfficer,
    Role::Prosecutor,
    Role::ProbationOfficer,
    Role::VictimSupportWorker,
    Role::DefenceLawyer,
    Role::MunicipalityOfficer,
    Role::ProcessManager,
];

/// Roles that may read a location's metrics (aggregates, no personal data).
pub const METRICS_ROLES: [Role; 6] = [
    Role::Analyst,
    Role::Prosecutor,
    Role::ProcessManager,
    Role::PoliceOfficer,
    Role::ProbationOfficer,
    Role::VictimSupportWorker,
];

/// The legal office a member's role lets them act in when granting a clock extension.
pub fn authority_of(actor: &Actor) -> Option<AuthorityRole> {
    actor.roles.contains(&Role::Prosecutor).then_some(AuthorityRole::Prosecutor)
}

/// The statutory task on which an agency at the table joins a suspect's team at intake.
pub fn table_basis(kind: AgencyKind, pack: &str) -> LegalBasis {
    let statute = match (pack, kind) {
        ("nl", AgencyKind::Police) => "Politiewet 2012 art. 3; art. 27 Sv (verdachte)",
        ("nl", AgencyKind::Prosecution) => "art. 9 en 167 Sv; Wet justitiële en strafvorderlijke gegevens",
        ("nl", AgencyKind::Probation) => "Reclasseringsregeling 1995 art. 7 (vroeghulp, ZSM quick scan)",
        ("nl", AgencyKind::VictimSupport) => "art. 51a-51c Sv (rechten van het slachtoffer)",
        ("nl", AgencyKind::Defence) => "art. 28 Sv (recht op rechtsbijstand)",
        ("nl", AgencyKind::ChildProtection) => "art. 494a Sv; BW 1:238 (Raad voor de Kinderbescherming)",
        ("nl", AgencyKind::Halt) => "art. 77e Sr (Halt-afdoening)",
        ("nl", _) => "ZSM-werkwijze: partner aan tafel (convenant)",
        (_, AgencyKind::Police) => "Police and Criminal Evidence Act 1984",
        (_, AgencyKind::Defence) => "PACE 1984 s58 (access to legal advice)",
        _ => "Crime and Disorder Act 1998 s115 (partnership information sharing)",
    };
    LegalBasis::StatutoryTask { statute: statute.into() }
}

/// A case opened by an authorised member, as that member may see it.
#[derive(Debug, Clone)]
pub struct CaseFile {
    pub view: CaseView,
    pub clocks: Vec<ClockRun>,
    pub lawyer: Option<MemberId>,
    pub version: i64,
    pub location: ZsmLocation,
    pub pack: &'static JurisdictionPack,
    pub viewer: Viewer,
    pub grant: Grant,
}

/// The live board of one location.
#[derive(Debug, Clone)]
pub struct Board {
    pub location: ZsmLocation,
    pub pack: &'static JurisdictionPack,
    /// Open cases first (most urgent clock first), then those decided in the last 24 hours.
    pub cases: Vec<BoardCase>,
    pub now: Timestamp,
}

/// An obligation to monitor, with its case.
#[derive(Debug, Clone)]
pub struct MonitoredObligation {
    pub case: CaseId,
    pub suspect_name: String,
    pub obligation: Obligation,
    pub breaches: usize,
    /// The member's agency monitors it (or they are a prosecutor) and the case can take a breach.
    pub may_record_breach: bool,
}

/// How long a decided case stays on the board.
const RECENTLY_DECIDED: SignedDuration = SignedDuration::from_hours(24);

/// The ZSM use cases over any store that implements the ports.
pub struct Zsm<'a, S> {
    pub store: &'a S,
    pub clock: &'a dyn Clock,
}

struct Authorised {
    stored: StoredCase,
    location: ZsmLocation,
    pack: &'static JurisdictionPack,
    viewer: Viewer,
    grant: Grant,
}

impl<S: ZsmStore + PeopleStore + AuditLog + DirectoryStore> Zsm<'_, S> {
    fn now(&self) -> Timestamp {
        self.clock.now()
    }

    fn today(&self, pack: &JurisdictionPack) -> Date {
        self.now().to_zoned(pack.time_zone.clone()).date()
    }

    fn require_any_role(actor: &Actor, roles: &[Role]) -> ZsmResult<()> {
        if actor.roles.iter().any(|role| roles.contains(role)) {
            Ok(())
        } else {
            Err(ZsmServiceError::Forbidden(Denial::RoleLacksPermission))
        }
    }

    async fn agency_kind(&self, agency: AgencyId) -> ZsmResult<AgencyKind> {
        let agencies = self.store.agencies().await?;
        agencies.iter().find(|a| a.id == agency).map(|a| a.kind).ok_or(ZsmServiceError::NotFound)
    }

    pub async fn locations(&self) -> ZsmResult<Vec<ZsmLocation>> {
        Ok(self.store.locations().await?)
    }

    /// A location and its pack; an unknown location is "not found".
    pub async fn location(&self, code: &str) -> ZsmResult<(ZsmLocation, &'static JurisdictionPack)> {
        let location = self.store.location(code).await?.ok_or(ZsmServiceError::NotFound)?;
        let pack = shipped_pack(&location.pack)?;
        Ok((location, pack))
    }

    /// Loads a case and checks that `actor` may work on it; a refusal is audited.
    async fn authorise_case(&self, actor: &Actor, id: CaseId, what: &str) -> ZsmResult<Authorised> {
        let stored = self.store.case(id).await?.ok_or(ZsmServiceError::NotFound)?;
        let (location, pack) = self.location(stored.location()).await?;
        let suspect = stored.suspect();
        let deny = |denial: Denial| async move {
            let entry =
                AuditEntry::new(actor, self.now(), Some(suspect), AuditAction::Denied, what, denial.to_string());
            self.store.append(&[entry]).await?;
            Err::<Authorised, _>(ZsmServiceError::Forbidden(denial))
        };
        if !actor.roles.iter().any(|role| TABLE_ROLES.contains(role)) {
            return deny(Denial::RoleLacksPermission).await;
        }
        let team = self.store.team(suspect).await?;
        let grant = match authorise(actor, Permission::ViewPerson, &team, self.today(pack)) {
            Ok(grant) => grant,
            Err(denial) => return deny(denial).await,
        };
        let kind = self.agency_kind(actor.agency_id).await?;
        let recorded_lawyer = stored.lawyer == Some(actor.member_id);
        if kind == AgencyKind::Defence && !recorded_lawyer {
            return deny(Denial::NotOnTeam).await;
        }
        let viewer = Viewer {
            agency: kind,
            prosecutor: kind == AgencyKind::Prosecution && actor.roles.contains(&Role::Prosecutor),
            recorded_lawyer,
        };
        Ok(Authorised { stored, location, pack, viewer, grant })
    }

    /// Opens a case for reading (audited as a read of the suspect's data).
    pub async fn open(&self, actor: &Actor, id: CaseId, what: &str) -> ZsmResult<CaseFile> {
        let authorised = self.authorise_case(actor, id, what).await?;
        let suspect = authorised.stored.suspect();
        let entry = AuditEntry::granted(actor, self.now(), suspect, AuditAction::Read, what, &authorised.grant);
        self.store.append(&[entry]).await?;
        let Authorised { stored, location, pack, viewer, grant } = authorised;
        Ok(CaseFile {
            view: redact(&stored.case, viewer),
            clocks: stored.clocks,
            lawyer: stored.lawyer,
            version: stored.version,
            location,
            pack,
            viewer,
            grant,
        })
    }

    /// Police intake. The police agency, the table's partners and the suspect's lawyer's
    /// agency join the suspect's team on their statutory task, in the same transaction.
    pub async fn register(&self, actor: &Actor, form: &IntakeForm) -> ZsmResult<CaseId> {
        Self::require_any_role(actor, &[Role::PoliceOfficer])?;
        if self.agency_kind(actor.agency_id).await? != AgencyKind::Police {
            return Err(ZsmServiceError::Forbidden(Denial::RoleLacksPermission));
        }
        let unknown_location = || {
            ZsmServiceError::Invalid(ValidationErrors::single(FieldError::new(
                "location",
                "zsm.error.unknown_location",
            )))
        };
        let location = self.store.location(form.location.trim()).await?.ok_or_else(unknown_location)?;
        let pack = shipped_pack(&location.pack)?;
        let input = form.parse(pack, actor.member_id)?;
        let mut errors = ValidationErrors::default();
        if self.store.person(input.suspect).await?.is_none() {
            errors.push(FieldError::new("suspect_id", "zsm.error.unknown_person"));
        }
        for (index, victim) in input.victims.iter().enumerate() {
            if let Victim::Known(person) = victim
                && self.store.person(*person).await?.is_none()
            {
                errors.push(FieldError::new(format!("victims[{index}].person_id"), "zsm.error.unknown_person"));
            }
        }
        let lawyer = match form.lawyer() {
            Some(id) => match self.store.member(id).await? {
                Some(member) if member.roles.contains(&Role::DefenceLawyer) && !member.disabled => Some(member),
                _ => {
                    errors.push(FieldError::new("lawyer_id", "zsm.error.not_a_lawyer"));
                    None
                }
            },
            None => None,
        };
        if !errors.is_empty() {
            return Err(ZsmServiceError::Invalid(errors));
        }
        let now = self.now();
        let suspect = input.suspect;
        let (case, effects) = register(CaseId::new(now), input, pack, self.clock)?;
        let clocks: Vec<ClockRun> = effects
            .iter()
            .filter_map(|effect| match effect {
                CaseEffect::ClockStarted(run) => Some(run.clone()),
                _ => None,
            })
            .collect();
        // Who joins the suspect's team: the registering police, the table, the lawyer's office.
        let mut joining: Vec<AgencyId> = vec![actor.agency_id];
        joining.extend(location.agencies.iter().copied());
        joining.extend(lawyer.as_ref().map(|m| m.agency_id));
        let agencies = self.store.agencies().await?;
        let existing = self.store.team(suspect).await?;
        let today = self.today(pack);
        let mut team = Vec::new();
        let mut audit = Vec::new();
        for agency_id in joining {
            let Some(agency) = agencies.iter().find(|a| a.id == agency_id) else { continue };
            // The defence only joins as a named lawyer's office, never as a table partner.
            let is_lawyers_office = lawyer.as_ref().is_some_and(|m| m.agency_id == agency_id);
            if agency.kind == AgencyKind::Defence && !is_lawyers_office {
                continue;
            }
            let on_team =
                existing.iter().chain(team.iter()).any(|e: &TeamEntry| e.agency_id == agency_id && e.is_active(today));
            if on_team {
                continue;
            }
            let entry = TeamEntry {
                id: TeamEntryId::new(now),
                person_id: suspect,
                agency_id,
                basis: table_basis(agency.kind, &pack.code),
                reason: format!("ZSM {}: case {}", location.name, case.id),
                added_by: actor.member_id,
                added_at: now,
                ended_at: None,
            };
            let what = format!("team: added agency {} ({})", agency.name, entry.basis.summary());
            audit.push(AuditEntry::new(actor, now, Some(suspect), AuditAction::TeamAdd, what, entry.basis.summary()));
            team.push(entry);
        }
        let basis = table_basis(AgencyKind::Police, &pack.code).summary();
        audit.push(AuditEntry::new(
            actor,
            now,
            Some(suspect),
            AuditAction::Create,
            format!("ZSM case {}", case.id),
            basis,
        ));
        let stored = StoredCase { lawyer: lawyer.map(|m| m.id), version: 1, clocks, case };
        let index = index(&stored.case, &stored.clocks, pack);
        self.store
            .create_case(CaseWrite {
                stored: &stored,
                index: &index,
                effects: &effects,
                clock_effects: &[],
                by: actor.member_id,
                at: now,
                audit: &audit,
                team: &team,
            })
            .await?;
        Ok(stored.case.id)
    }

    /// Applies `commands` in order to the authorised case and saves the result as one write.
    #[allow(clippy::too_many_arguments)]
    async fn transition(
        &self,
        actor: &Actor,
        authorised: Authorised,
        expected_version: i64,
        commands: Vec<CaseCommand>,
        clock_commands: Vec<(ClockCode, ClockCommand)>,
        what: String,
        lawyer: Option<Option<MemberId>>,
        team: Vec<TeamEntry>,
    ) -> ZsmResult<StoredCase> {
        let Authorised { stored, pack, grant, .. } = authorised;
        if stored.version != expected_version {
            return Err(ZsmServiceError::Conflict);
        }
        let mut case: ZsmCase = stored.case.clone();
        let mut effects = Vec::new();
        for command in commands {
            let (next, mut produced) = apply(&case, command, pack, self.clock)?;
            case = next;
            effects.append(&mut produced);
        }
        let mut clocks = stored.clocks.clone();
        let mut clock_effects: Vec<ClockEffect> = Vec::new();
        for (code, command) in clock_commands {
            let Some(position) = clocks.iter().position(|run| run.clock == code) else {
                return Err(ZsmServiceError::Rule(ZsmError::UnknownClock(code.to_string())));
            };
            let (next, mut produced) = zsm_clock::apply(&clocks[position], command, pack, self.clock)?;
            clocks[position] = next;
            clock_effects.append(&mut produced);
        }
        let now = self.now();
        let suspect = stored.suspect();
        let mut audit: Vec<AuditEntry> = team
            .iter()
            .map(|entry| {
                let what = format!("team: added agency {} ({})", entry.agency_id, entry.basis.summary());
                AuditEntry::new(actor, now, Some(suspect), AuditAction::TeamAdd, what, entry.basis.summary())
            })
            .collect();
        audit.push(AuditEntry::granted(actor, now, suspect, AuditAction::Update, what, &grant));
        let next = StoredCase { case, clocks, lawyer: lawyer.unwrap_or(stored.lawyer), version: stored.version + 1 };
        let index = index(&next.case, &next.clocks, pack);
        self.store
            .save_case(CaseWrite {
                stored: &next,
                index: &index,
                effects: &effects,
                clock_effects: &clock_effects,
                by: actor.member_id,
                at: now,
                audit: &audit,
                team: &team,
            })
            .await?;
        Ok(next)
    }

    /// A case registered but not yet at the table is brought there by the first work on it.
    fn to_table_first(case: &ZsmCase, command: CaseCommand) -> Vec<CaseCommand> {
        match case.status {
            CaseStatus::Registered => vec![CaseCommand::BringToTable, command],
            _ => vec![command],
        }
    }

    /// One partner updates its own section; only members of that partner's agency may.
    pub async fn update_contribution(
        &self,
        actor: &Actor,
        id: CaseId,
        partner: Partner,
        form: &ContributionForm,
        expected_version: i64,
    ) -> ZsmResult<()> {
        let what = format!("ZSM case {id}: {partner} contribution");
        let authorised = self.authorise_case(actor, id, &what).await?;
        if !authorised.viewer.may_edit_section(partner) || actor.roles.iter().all(|r| !TABLE_ROLES.contains(r)) {
            return Err(ZsmServiceError::Forbidden(Denial::RoleLacksPermission));
        }
        let (state, content) = form.parse(partner, authorised.pack)?;
        let command = CaseCommand::UpdateContribution { partner, state, content, by: actor.member_id };
        let commands = Self::to_table_first(&authorised.stored.case, command);
        self.transition(actor, authorised, expected_version, commands, Vec::new(), what, None, Vec::new()).await?;
        Ok(())
    }

    async fn authorise_prosecutor(&self, actor: &Actor, id: CaseId, what: &str) -> ZsmResult<Authorised> {
        let authorised = self.authorise_case(actor, id, what).await?;
        if !authorised.viewer.prosecutor {
            return Err(ZsmServiceError::Forbidden(Denial::RoleLacksPermission));
        }
        Ok(authorised)
    }

    /// The running clocks stop when the prosecutor decides: the suspect is released or the
    /// case continues under a court's or the prosecution's own timetable.
    fn stop_running(clocks: &[ClockRun], reason: StopReason) -> Vec<(ClockCode, ClockCommand)> {
        clocks
            .iter()
            .filter(|run| run.is_running())
            .map(|run| (run.clock.clone(), ClockCommand::Stop { reason }))
            .collect()
    }

    /// The prosecutor's decision. Missing required contributions need an override reason.
    pub async fn decide(
        &self,
        actor: &Actor,
        id: CaseId,
        form: &DecisionForm,
        expected_version: i64,
    ) -> ZsmResult<DecisionId> {
        let what = format!("ZSM case {id}: decision");
        let authorised = self.authorise_prosecutor(actor, id, &what).await?;
        if authorised.stored.case.status.decision().is_some() {
            return Err(ZsmServiceError::Rule(ZsmError::AlreadyDecided));
        }
        let request = form.parse(authorised.pack, actor.member_id, self.now())?;
        let decision = request.id;
        let commands = Self::to_table_first(&authorised.stored.case, CaseCommand::Decide(request));
        let clocks = Self::stop_running(&authorised.stored.clocks, StopReason::Decided);
        self.transition(actor, authorised, expected_version, commands, clocks, what, None, Vec::new()).await?;
        Ok(decision)
    }

    /// Replaces the decision in force; the old one stays on record with the reason.
    pub async fn amend(
        &self,
        actor: &Actor,
        id: CaseId,
        form: &DecisionForm,
        reason: &str,
        expected_version: i64,
    ) -> ZsmResult<DecisionId> {
        let what = format!("ZSM case {id}: amendment");
        let authorised = self.authorise_prosecutor(actor, id, &what).await?;
        let request = form.parse(authorised.pack, actor.member_id, self.now())?;
        let decision = request.id;
        let command = CaseCommand::Amend { request, reason: reason.trim().to_string() };
        self.transition(actor, authorised, expected_version, vec![command], Vec::new(), what, None, Vec::new()).await?;
        Ok(decision)
    }

    /// After a breach, the prosecutor keeps the decision for a recorded reason.
    pub async fn maintain_decision(
        &self,
        actor: &Actor,
        id: CaseId,
        reason: &str,
        expected_version: i64,
    ) -> ZsmResult<()> {
        let what = format!("ZSM case {id}: decision maintained after breach");
        let authorised = self.authorise_prosecutor(actor, id, &what).await?;
        let command = CaseCommand::MaintainDecision { reason: reason.trim().to_string(), by: actor.member_id };
        self.transition(actor, authorised, expected_version, vec![command], Vec::new(), what, None, Vec::new()).await?;
        Ok(())
    }

    /// Grants a clock extension; only a member acting in a legal office the pack names may.
    #[allow(clippy::too_many_arguments)]
    pub async fn extend_clock(
        &self,
        actor: &Actor,
        id: CaseId,
        clock: &str,
        extension: &str,
        hours: Option<u32>,
        basis: &str,
        expected_version: i64,
    ) -> ZsmResult<()> {
        let what = format!("ZSM case {id}: extension {extension} of {clock}");
        let authorised = self.authorise_case(actor, id, &what).await?;
        let Some(role) = authority_of(actor) else {
            return Err(ZsmServiceError::Forbidden(Denial::RoleLacksPermission));
        };
        let command = ClockCommand::Extend {
            extension: ExtensionCode::new(extension.trim()),
            by: Grantor { role, member: actor.member_id },
            basis: basis.trim().to_string(),
            length: hours.map(ClockSpan::hours),
        };
        let clocks = vec![(ClockCode::new(clock.trim()), command)];
        self.transition(actor, authorised, expected_version, Vec::new(), clocks, what, None, Vec::new()).await?;
        Ok(())
    }

    /// Records the suspect's lawyer (police or prosecutor); their office joins the team.
    pub async fn record_lawyer(
        &self,
        actor: &Actor,
        id: CaseId,
        lawyer: MemberId,
        expected_version: i64,
    ) -> ZsmResult<()> {
        let what = format!("ZSM case {id}: lawyer recorded");
        let authorised = self.authorise_case(actor, id, &what).await?;
        if !matches!(authorised.viewer.agency, AgencyKind::Police | AgencyKind::Prosecution) {
            return Err(ZsmServiceError::Forbidden(Denial::RoleLacksPermission));
        }
        let member = match self.store.member(lawyer).await? {
            Some(member) if member.roles.contains(&Role::DefenceLawyer) && !member.disabled => member,
            _ => {
                return Err(ZsmServiceError::Invalid(ValidationErrors::single(FieldError::new(
                    "lawyer_id",
                    "zsm.error.not_a_lawyer",
                ))));
            }
        };
        let suspect = authorised.stored.suspect();
        let now = self.now();
        let today = self.today(authorised.pack);
        let team = self.store.team(suspect).await?;
        let mut joining = Vec::new();
        if !team.iter().any(|e| e.agency_id == member.agency_id && e.is_active(today)) {
            joining.push(TeamEntry {
                id: TeamEntryId::new(now),
                person_id: suspect,
                agency_id: member.agency_id,
                basis: table_basis(AgencyKind::Defence, &authorised.pack.code),
                reason: format!("suspect's lawyer in ZSM case {id}"),
                added_by: actor.member_id,
                added_at: now,
                ended_at: None,
            });
        }
        self.transition(
            actor,
            authorised,
            expected_version,
            Vec::new(),
            Vec::new(),
            what,
            Some(Some(member.id)),
            joining,
        )
        .await?;
        Ok(())
    }

    /// A breach of an obligation, recorded by the monitoring agency (or a prosecutor); the case
    /// returns to the prosecutor.
    pub async fn record_breach(
        &self,
        actor: &Actor,
        id: CaseId,
        obligation: ObligationId,
        observed_on: &str,
        description: &str,
        expected_version: i64,
    ) -> ZsmResult<()> {
        let what = format!("ZSM case {id}: breach of obligation {obligation}");
        let authorised = self.authorise_case(actor, id, &what).await?;
        let monitored_by = authorised
            .stored
            .case
            .status
            .decision()
            .and_then(|d| d.obligations.iter().find(|o| o.id == obligation))
            .map(|o| o.responsible_agency.clone());
        let own_code = AgencyCode::new(authorised.viewer.agency.code());
        let allowed = authorised.viewer.prosecutor || monitored_by.as_ref() == Some(&own_code);
        if monitored_by.is_some() && !allowed {
            return Err(ZsmServiceError::Forbidden(Denial::RoleLacksPermission));
        }
        let observed_on: Date = observed_on.trim().parse().map_err(|_| {
            ZsmServiceError::Invalid(ValidationErrors::single(FieldError::new("observed_on", "error.date.invalid")))
        })?;
        let command = CaseCommand::RecordBreach {
            obligation,
            observed_on,
            description: description.trim().to_string(),
            reported_by: own_code,
            recorded_by: actor.member_id,
        };
        self.transition(actor, authorised, expected_version, vec![command], Vec::new(), what, None, Vec::new()).await?;
        Ok(())
    }

    /// The board of a location: cases whose suspect's team includes the member's agency; a
    /// lawyer sees only their own clients. Each listed suspect is audited.
    pub async fn board(&self, actor: &Actor, location: &str) -> ZsmResult<Board> {
        Self::require_any_role(actor, &TABLE_ROLES)?;
        let (location, pack) = self.location(location).await?;
        let now = self.now();
        let kind = self.agency_kind(actor.agency_id).await?;
        let mut cases =
            self.store.board(&location.code, actor.agency_id, self.today(pack), now - RECENTLY_DECIDED).await?;
        if kind == AgencyKind::Defence {
            cases.retain(|c| c.stored.lawyer == Some(actor.member_id));
        }
        let what = format!("ZSM board {}", location.code);
        let audit: Vec<AuditEntry> = cases
            .iter()
            .map(|c| {
                AuditEntry::new(
                    actor,
                    now,
                    Some(c.stored.suspect()),
                    AuditAction::Listed,
                    what.clone(),
                    "team membership",
                )
            })
            .collect();
        self.store.append(&audit).await?;
        Ok(Board { location, pack, cases, now })
    }

    /// Obligations of a location's decided cases that have not ended, for monitoring.
    pub async fn obligations(
        &self,
        actor: &Actor,
        location: &str,
    ) -> ZsmResult<(ZsmLocation, Vec<MonitoredObligation>)> {
        Self::require_any_role(actor, &TABLE_ROLES)?;
        let (location, pack) = self.location(location).await?;
        let today = self.today(pack);
        let kind = self.agency_kind(actor.agency_id).await?;
        let mut cases = self.store.cases_with_obligations(&location.code, actor.agency_id, today).await?;
        if kind == AgencyKind::Defence {
            cases.retain(|c| c.stored.lawyer == Some(actor.member_id));
        }
        let now = self.now();
        let what = format!("ZSM obligations {}", location.code);
        let audit: Vec<AuditEntry> = cases
            .iter()
            .map(|c| {
                AuditEntry::new(
                    actor,
                    now,
                    Some(c.stored.suspect()),
                    AuditAction::Listed,
                    what.clone(),
                    "team membership",
                )
            })
            .collect();
        self.store.append(&audit).await?;
        let prosecutor = kind == AgencyKind::Prosecution && actor.roles.contains(&Role::Prosecutor);
        let own = AgencyCode::new(kind.code());
        let mut list = Vec::new();
        for case in cases {
            let decided = matches!(case.stored.case.status, CaseStatus::Decided { .. });
            let Some(decision) = case.stored.case.status.decision() else { continue };
            for obligation in &decision.obligations {
                if obligation.ends_on < today {
                    continue;
                }
                list.push(MonitoredObligation {
                    case: case.stored.id(),
                    suspect_name: case.suspect_name.clone(),
                    breaches: case.stored.case.breaches.iter().filter(|b| b.obligation == obligation.id).count(),
                    may_record_breach: decided && (prosecutor || obligation.responsible_agency == own),
                    obligation: obligation.clone(),
                });
            }
        }
        list.sort_by_key(|m| (m.obligation.ends_on, m.case));
        Ok((location, list))
    }

    /// Metrics of a location over local dates `from..=to`. Aggregates only, so not audited
    /// per person.
    pub async fn metrics(
        &self,
        actor: &Actor,
        location: &str,
        from: Date,
        to: Date,
    ) -> ZsmResult<(ZsmLocation, Metrics)> {
        Self::require_any_role(actor, &METRICS_ROLES)?;
        let (location, pack) = self.location(location).await?;
        if to < from {
            return Err(ZsmServiceError::Invalid(ValidationErrors::single(FieldError::new("to", "zsm.error.period"))));
        }
        let zone = &pack.time_zone;
        let start = from.to_zoned(zone.clone()).map_err(|_| ZsmError::TimeOutOfRange)?.timestamp();
        let end =
            to.tomorrow().and_then(|d| d.to_zoned(zone.clone())).map_err(|_| ZsmError::TimeOutOfRange)?.timestamp();
        let rows = self.store.metrics_rows(&location.code, start, end).await?;
        Ok((location, metrics(&rows, zone, from, to)))
    }
}

/// Re-exported for the web layer's labels.
pub use view::status_code;

/// The partner whose section an agency edits, if any (re-exported for the web layer).
pub fn own_partner(kind: AgencyKind) -> Option<Partner> {
    partner_of(kind)
}
