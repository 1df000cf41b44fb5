//! The ZSM use cases over the ports: authorise (case team AND role, plus need-to-know), audit,
//! apply the pure transition, save. Web handlers call these and nothing below them.
//!
//! Access: a member reaches a case only when their agency is on the suspect's case team with a
//! valid basis and one of their roles works at the table; a defence lawyer only when recorded as
//! the suspect's lawyer on that case. Every read and write is audited against the suspect.

use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};

use crate::access::{Actor, Denial, Grant, LegalBasis, Permission, Role, TeamEntry, authorise};
use crate::audit::{AuditAction, AuditEntry, AuditLog};
use crate::clock::Clock;
use crate::directory::{AgencyKind, DirectoryStore};
use crate::ids::{AgencyId, CaseId, DecisionId, MemberId, ObligationId, TeamEntryId};
use crate::jurisdiction::{
    AgencyCode, AuthorityRole, ClockCode, ClockSpan, ExtensionCode, ExtensionRule, JurisdictionError, JurisdictionPack,
    Partner,
};
use crate::people::ports::PeopleStore;
use crate::ports::StoreError;
use crate::service::{RuleError, ServiceError, ServiceResult};
use crate::validation::{FieldError, ValidationErrors, invalid};
use crate::zsm::ZsmError;
use crate::zsm::model::forms::{ContributionForm, DecisionForm, IntakeForm, parse_local_time, rule_error};
use crate::zsm::model::intake::Victim;
use crate::zsm::model::obligation::Obligation;
use crate::zsm::model::prior::PriorRecord;
use crate::zsm::model::view;
use crate::zsm::model::view::{CaseView, Metrics, Viewer, index, metrics, partner_of, redact};
use crate::zsm::ports::{BoardCase, CaseStep, CaseWrite, StoredCase, ZsmLocation, ZsmStore};
use crate::zsm::workflow::case::{CaseCommand, CaseCommandKind, CaseEffect, ZsmCase, apply, register};
use crate::zsm::workflow::clock as zsm_clock;
use crate::zsm::workflow::clock::{ClockCommand, ClockEffect, ClockRun, Grantor, StopReason};
use crate::zsm::workflow::order::{ClockOrder, Ordered, REFERRAL_DESTINATIONS, order_clock};
use crate::zsm::workflow::referral::referrals_from_case;

/// A refused ZSM rule is the service's `Rule` error; its form field comes from [`rule_error`].
impl From<ZsmError> for ServiceError {
    fn from(error: ZsmError) -> Self {
        ServiceError::Rule(Box::new(error))
    }
}

impl From<JurisdictionError> for ServiceError {
    fn from(error: JurisdictionError) -> Self {
        ZsmError::from(error).into()
    }
}

impl RuleError for ZsmError {
    fn field_error(&self) -> FieldError {
        rule_error(self)
    }
}

/// A write of the case that lost against a concurrent one: someone saved the case after the
/// form was opened.
fn case_write_error(error: StoreError) -> ServiceError {
    match error {
        StoreError::Conflict { .. } => ServiceError::ChangedMeanwhile,
        other => other.into(),
    }
}

mod escalation;
mod intake;
mod lists;
mod names;
mod work;

pub use lists::PersonObligation;
pub use names::CaseNames;

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
/// A prosecutor acts as such; a police officer designated *hulpofficier van justitie* acts as
/// assistant prosecutor (ordering custody, the identity extension). Other roles hold no office.
pub fn authority_of(actor: &Actor) -> Option<AuthorityRole> {
    if actor.roles.contains(&Role::Prosecutor) {
        Some(AuthorityRole::Prosecutor)
    } else if actor.roles.contains(&Role::AssistantProsecutor) {
        Some(AuthorityRole::AssistantProsecutor)
    } else {
        None
    }
}

/// Offices whose grants a police officer writes on the custody record without holding them: a
/// superintendent's or inspector's authorisation and a magistrates' court's warrant (PACE
/// ss42-44) are given outside desist; the custody officer records them, the grounds naming who
/// authorised.
const RECORDED_BY_POLICE: [AuthorityRole; 3] =
    [AuthorityRole::Superintendent, AuthorityRole::Inspector, AuthorityRole::MagistratesCourt];

/// The office in which `actor` records a grant of `rule`: their own when the rule names it, a
/// police officer a grant the rule leaves to a police rank or a court; otherwise their own office
/// (the workflow then refuses it by name) or none.
pub fn grant_office(actor: &Actor, rule: &ExtensionRule) -> Option<AuthorityRole> {
    let own = authority_of(actor);
    if own.is_some_and(|office| rule.granted_by.contains(&office)) {
        return own;
    }
    if actor.roles.contains(&Role::PoliceOfficer)
        && let Some(office) = rule.granted_by.iter().copied().find(|o| RECORDED_BY_POLICE.contains(o))
    {
        return Some(office);
    }
    own
}

/// The statutory task on which an agency at the table joins a suspect's team at intake, as the
/// location's pack states it (Dutch, English and Italian tables join on different statutes).
pub fn table_basis(kind: AgencyKind, pack: &JurisdictionPack) -> LegalBasis {
    LegalBasis::StatutoryTask { statute: pack.team_basis.for_agency(kind.code()).into() }
}

/// The lawyer's consultation as the decision record states it (art. 257c Sv): when and how,
/// by whom, and whether the consequences of accepting were explained. The advice and the
/// suspect's position stay in the lawyer's section, shown on need-to-know only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsultationFacts {
    pub by: Option<MemberId>,
    pub consulted_at: Timestamp,
    pub mode: crate::zsm::model::contribution::ConsultationMode,
    pub consequences_explained: bool,
}

/// A case opened by an authorised member, as that member may see it.
#[derive(Debug, Clone)]
pub struct CaseFile {
    /// The lawyer's consultation, once recorded (for the decision record).
    pub consultation: Option<ConsultationFacts>,
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
    /// The case's version, which a breach recorded from the list is checked against.
    pub version: i64,
    pub suspect_name: String,
    pub obligation: Obligation,
    pub breaches: usize,
    /// The member's agency monitors it (or they are a prosecutor) and the case can take a breach.
    pub may_record_breach: bool,
}

/// A partner's section as saved, with whether this save recorded it for the first time.
#[derive(Debug, Clone)]
pub struct SavedSection {
    pub partner: Partner,
    pub created: bool,
    pub contribution: crate::zsm::model::contribution::Contribution,
}

/// How long a decided case stays on the board.
const RECENTLY_DECIDED: SignedDuration = SignedDuration::from_hours(24);

/// The ZSM use cases over any store that implements the ports.
pub struct Zsm<'a, S> {
    pub store: &'a S,
    pub clock: &'a dyn Clock,
}

/// A case's next state, computed by the pure transitions, ready to be saved.
struct Change {
    case: ZsmCase,
    clocks: Vec<ClockRun>,
    effects: Vec<CaseEffect>,
    clock_effects: Vec<ClockEffect>,
    /// `Some` when the recorded lawyer changes.
    lawyer: Option<Option<MemberId>>,
    team: Vec<TeamEntry>,
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

    fn require_any_role(actor: &Actor, roles: &[Role]) -> ServiceResult<()> {
        if actor.roles.iter().any(|role| roles.contains(role)) {
            Ok(())
        } else {
            Err(ServiceError::Forbidden(Denial::RoleLacksPermission))
        }
    }

    async fn agency_kind(&self, agency: AgencyId) -> ServiceResult<AgencyKind> {
        let agencies = self.store.agencies().await?;
        agencies.iter().find(|a| a.id == agency).map(|a| a.kind).ok_or(ServiceError::NotFound)
    }

    pub async fn locations(&self) -> ServiceResult<Vec<ZsmLocation>> {
        Ok(self.store.locations().await?)
    }

    /// A location and its pack; an unknown location is "not found".
    pub async fn location(&self, code: &str) -> ServiceResult<(ZsmLocation, &'static JurisdictionPack)> {
        let location = self.store.location(code).await?.ok_or(ServiceError::NotFound)?;
        let pack = location.pack()?;
        Ok((location, pack))
    }

    /// Loads a case and checks that `actor` may work on it; a refusal is audited.
    async fn authorise_case(&self, actor: &Actor, id: CaseId, what: &str) -> ServiceResult<Authorised> {
        let Some(stored) = self.store.case(id).await? else {
            // Asking for a case that does not exist is on record too (probing for case ids).
            let entry = AuditEntry::new(actor, self.now(), None, AuditAction::Denied, what, "not found");
            self.store.append(&[entry]).await?;
            return Err(ServiceError::NotFound);
        };
        let (location, pack) = self.location(stored.location()).await?;
        let suspect = stored.suspect();
        let deny = |denial: Denial| async move {
            let entry =
                AuditEntry::new(actor, self.now(), Some(suspect), AuditAction::Denied, what, denial.to_string());
            self.store.append(&[entry]).await?;
            Err::<Authorised, _>(ServiceError::Forbidden(denial))
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
    pub async fn open(&self, actor: &Actor, id: CaseId, what: &str) -> ServiceResult<CaseFile> {
        let authorised = self.authorise_case(actor, id, what).await?;
        self.read(actor, authorised, what).await
    }

    /// The case file of an authorised case; the read is audited.
    async fn read(&self, actor: &Actor, authorised: Authorised, what: &str) -> ServiceResult<CaseFile> {
        let suspect = authorised.stored.suspect();
        let entry = AuditEntry::granted(actor, self.now(), suspect, AuditAction::Read, what, &authorised.grant);
        self.store.append(&[entry]).await?;
        let Authorised { stored, location, pack, viewer, grant } = authorised;
        let lawyer_section = stored.case.contributions.get(Partner::DefenceLawyer);
        let consultation = match lawyer_section.and_then(|c| c.content.as_ref()) {
            Some(crate::zsm::model::contribution::ContributionContent::DefenceLawyer(c)) => Some(ConsultationFacts {
                by: lawyer_section.and_then(|s| s.updated_by),
                consulted_at: c.consulted_at,
                mode: c.mode,
                consequences_explained: c.settlement_consequences_explained,
            }),
            _ => None,
        };
        Ok(CaseFile {
            consultation,
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

    /// Applies `commands` in order to the authorised case and saves the result as one write.
    #[allow(
        clippy::too_many_arguments,
        reason = "a case transition takes its commands, clock commands, lawyer and team changes at once"
    )]
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
    ) -> ServiceResult<StoredCase> {
        let Authorised { stored, pack, grant, .. } = authorised;
        if stored.version != expected_version {
            return Err(ServiceError::ChangedMeanwhile);
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
                return Err(ZsmError::UnknownClock(code.to_string()).into());
            };
            let (next, mut produced) = zsm_clock::apply(&clocks[position], command, pack, self.clock)?;
            clocks[position] = next;
            clock_effects.append(&mut produced);
        }
        let change = Change { case, clocks, effects, clock_effects, lawyer, team };
        self.save(actor, &stored, pack, &grant, change, what).await
    }

    /// Saves a changed case as one write: the new state, its history rows, any new team
    /// entries and the audit entries, with the version check against concurrent edits.
    async fn save(
        &self,
        actor: &Actor,
        stored: &StoredCase,
        pack: &JurisdictionPack,
        grant: &Grant,
        change: Change,
        what: String,
    ) -> ServiceResult<StoredCase> {
        let step = self.step(actor, stored, pack, grant, change, what);
        self.store.save_case(step.write()).await.map_err(case_write_error)?;
        Ok(step.stored)
    }

    /// The write that takes `stored` to its changed next version: the new state, its history
    /// rows, any new team entries, referrals and the audit entries.
    fn step(
        &self,
        actor: &Actor,
        stored: &StoredCase,
        pack: &JurisdictionPack,
        grant: &Grant,
        change: Change,
        what: String,
    ) -> CaseStep {
        let Change { case, clocks, effects, clock_effects, lawyer, team } = change;
        let now = self.now();
        let suspect = stored.suspect();
        let mut audit: Vec<AuditEntry> = team
            .iter()
            .map(|entry| {
                let what = format!("team: added agency {} ({})", entry.agency_id, entry.basis.summary());
                AuditEntry::new(actor, now, Some(suspect), AuditAction::TeamAdd, what, entry.basis.summary())
            })
            .collect();
        audit.push(AuditEntry::granted(actor, now, suspect, AuditAction::Update, what, grant));
        let next = StoredCase { case, clocks, lawyer: lawyer.unwrap_or(stored.lawyer), version: stored.version + 1 };
        let index = index(&next.case, &next.clocks, pack);
        let referrals = referrals_from_case(&next.case, &effects, pack, now, actor.member_id);
        for referral in &referrals {
            let what = format!("ZSM case {}: referred for screening ({})", next.case.id, referral.reason.as_str());
            audit.push(AuditEntry::granted(actor, now, suspect, AuditAction::Create, what, grant));
        }
        CaseStep { stored: next, index, effects, clock_effects, by: actor.member_id, at: now, audit, team, referrals }
    }

    /// A case registered but not yet at the table is brought there by the first contribution
    /// or decision on it.
    fn to_table_first(case: &ZsmCase, command: CaseCommand) -> Vec<CaseCommand> {
        if command.kind().brings_to_table_first() && case.status.allows(CaseCommandKind::BringToTable) {
            vec![CaseCommand::BringToTable, command]
        } else {
            vec![command]
        }
    }

    /// One partner updates its own section; only members of that partner's agency may. The
    /// change is decided on the case as it is at the write (`ZsmStore::change_case`), so
    /// partners saving their own sections at once never refuse each other; with `seen_version`
    /// a save on a section someone else saved meanwhile is refused (`ServiceError::Stale`,
    /// naming who saved it and when), and nothing is written.
    pub async fn update_contribution(
        &self,
        actor: &Actor,
        id: CaseId,
        partner: Partner,
        form: &ContributionForm,
        seen_version: Option<i64>,
    ) -> ServiceResult<SavedSection> {
        let what = format!("ZSM case {id}: {} contribution", partner.code());
        let authorised = self.authorise_case(actor, id, &what).await?;
        if !authorised.viewer.may_edit_section(partner) || actor.roles.iter().all(|r| !TABLE_ROLES.contains(r)) {
            let suspect = authorised.stored.suspect();
            let denial = Denial::RoleLacksPermission;
            let entry = AuditEntry::new(actor, self.now(), Some(suspect), AuditAction::Denied, what, denial.code());
            self.store.append(&[entry]).await?;
            return Err(ServiceError::Forbidden(denial));
        }
        let Authorised { stored, pack, grant, .. } = authorised;
        let (state, content) = form.parse(partner, pack)?;
        let mut had_content = false;
        let decided = self
            .store
            .change_case(id, stored, |current: StoredCase| {
                current.case.contributions.check_seen(partner, seen_version)?;
                had_content = current.case.contributions.get(partner).is_some_and(|c| c.content.is_some());
                let content = content.clone();
                let command = CaseCommand::UpdateContribution { partner, state, content, by: actor.member_id };
                let mut case = current.case.clone();
                let mut effects = Vec::new();
                for command in Self::to_table_first(&current.case, command) {
                    let (next, mut produced) = apply(&case, command, pack, self.clock)?;
                    case = next;
                    effects.append(&mut produced);
                }
                let change = Change {
                    clocks: current.clocks.clone(),
                    case,
                    effects,
                    clock_effects: Vec::new(),
                    lawyer: None,
                    team: Vec::new(),
                };
                Ok::<_, ZsmError>(self.step(actor, &current, pack, &grant, change, what.clone()))
            })
            .await?;
        let saved = match decided {
            Ok(saved) => saved,
            Err(ZsmError::SectionChangedMeanwhile { partner }) => {
                let current = self.store.case(id).await?.ok_or(ServiceError::NotFound)?;
                return Err(self.section_changed(&current, partner, pack).await?);
            }
            Err(other) => return Err(other.into()),
        };
        let contribution = saved.case.contributions.get(partner).cloned().ok_or(ServiceError::NotFound)?;
        Ok(SavedSection { partner, created: !had_content && contribution.content.is_some(), contribution })
    }

    /// The refusal of a save on a section saved meanwhile: who saved it, and when.
    async fn section_changed(
        &self,
        current: &StoredCase,
        partner: Partner,
        pack: &JurisdictionPack,
    ) -> ServiceResult<ServiceError> {
        let section = current.case.contributions.get(partner);
        let who = match section.and_then(|s| s.updated_by) {
            Some(member) => self.store.member(member).await?.map(|m| m.display_name).unwrap_or_default(),
            None => String::new(),
        };
        let at = section
            .and_then(|s| s.updated_at)
            .map(|at| at.to_zoned(pack.time_zone.clone()).strftime("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default();
        let error = rule_error(&ZsmError::SectionChangedMeanwhile { partner })
            .with("who", who)
            .with("at", at)
            .with("version", current.case.contributions.version(partner));
        Ok(ServiceError::Stale(error))
    }

    /// The case for the prosecutor's decision: anyone else at the table is refused, and the
    /// refusal is audited like every other.
    async fn authorise_prosecutor(&self, actor: &Actor, id: CaseId, what: &str) -> ServiceResult<Authorised> {
        let authorised = self.authorise_case(actor, id, what).await?;
        if !authorised.viewer.prosecutor {
            let suspect = authorised.stored.suspect();
            let denial = Denial::RoleLacksPermission;
            let entry = AuditEntry::new(actor, self.now(), Some(suspect), AuditAction::Denied, what, denial.code());
            self.store.append(&[entry]).await?;
            return Err(ServiceError::Forbidden(denial));
        }
        Ok(authorised)
    }

    /// A change refused after the case was opened because the member's role or office may
    /// not make it: on record against the suspect, like every other refusal.
    async fn refuse(&self, actor: &Actor, suspect: crate::ids::PersonId, what: &str) -> ServiceError {
        let denial = Denial::RoleLacksPermission;
        let entry = AuditEntry::new(actor, self.now(), Some(suspect), AuditAction::Denied, what, denial.code());
        match self.store.append(&[entry]).await {
            Ok(()) => ServiceError::Forbidden(denial),
            Err(error) => error.into(),
        }
    }

    /// Opens a case for the prosecutor's decision form (audited as a read; others refused).
    pub async fn open_for_decision(&self, actor: &Actor, id: CaseId, what: &str) -> ServiceResult<CaseFile> {
        let authorised = self.authorise_prosecutor(actor, id, what).await?;
        self.read(actor, authorised, what).await
    }

    /// Whether the actor may register cases at a table (police officers only).
    pub fn may_register(actor: &Actor) -> ServiceResult<()> {
        Self::require_any_role(actor, &[Role::PoliceOfficer])
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
}

/// Re-exported for the web layer's labels.
pub use escalation::clock_escalations;
pub use view::status_code;

/// The partner whose section an agency edits, if any (re-exported for the web layer).
pub fn own_partner(kind: AgencyKind) -> Option<Partner> {
    partner_of(kind)
}
