//! Who may see and change what. A member sees a person only when their agency is on that
//! person's case team with a recorded, still-valid legal basis — or when one of their roles
//! grants the permission explicitly for everyone (and then the audit log says which role).
//! This is a pure function of the team and the date, tested here without any storage.

use crate::ids::{AgencyId, ConferenceRequestId, InvitationId, MemberId, PersonId, TeamEntryId};
use crate::validation::{FieldError, ValidationErrors, required_text};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Administrator,
    PoliceOfficer,
    Prosecutor,
    ProbationOfficer,
    VictimSupportWorker,
    DefenceLawyer,
    ProcessManager,
    MunicipalityOfficer,
    ProviderWorker,
    Mentor,
    Analyst,
    /// A designation, not a job: a police officer appointed *hulpofficier van justitie* (NL)
    /// acts in that legal office (ordering custody, art. 57 Sv). It grants nothing on its own;
    /// a member holds it beside `PoliceOfficer`.
    AssistantProsecutor,
    /// Issue 21 (views4): a commissioner (a municipality's or region's contract manager) sees
    /// the aggregates of the work of the providers their agency contracts — never a person.
    Commissioner,
    /// Issue 21 (views4): the lead of a ZSM location sees the aggregates of the cases decided
    /// at the locations their agency sits at — never a person.
    LocationLead,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Permission {
    ViewPerson,
    CreatePerson,
    EditPerson,
    /// Add another agency to a person's team, or end an agency's membership.
    ManageTeam,
    /// Export everything held on a person (GDPR art. 15 subject access).
    ExportSubjectAccess,
    /// Administer the partnership: agencies, members (roles, disabling, password resets, their
    /// sessions), ZSM locations and Safety Houses (`partnership`).
    ManageMembers,
    /// Pseudonymised aggregates only; never a single person.
    ViewAggregates,
    /// Screen a person's life domains ("beyond the case").
    RecordScreening,
    /// Draft, activate and re-evaluate the person's shared plan; add goals and tasks.
    ManagePlan,
    /// Work on the shared plan: update one's own agency's tasks, write progress notes.
    WorkOnPlan,
    /// Ask for a case conference about a person (or have the complex-case criteria checked).
    RequestConference,
    /// Accept or decline conference requests at triage (the Safety House process manager).
    TriageConference,
    /// Plan case conferences, set their agenda, record attendance and minutes, close them.
    ChairConference,
    /// Impose, extend and lift the mayor's measures (temporary exclusion order, area ban) and
    /// arrange the help an exclusion order asks for: the municipality (mayor's office) only.
    DecideMayorMeasure,
    /// Propose a mayor's measure to the municipality, with the reason (probation and the
    /// process manager): a proposal imposes nothing.
    ProposeMayorMeasure,
    /// Select a person into a cohort or deselect them from it, with a reason (e.g. on police
    /// intelligence): the Safety House process manager, for the whole partnership's cohorts.
    SelectCohort,
}

/// Which permissions hold only through the person's case team, and which a role grants for
/// every person. Kept as one table so the authorisation matrix test can walk it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Only for persons whose team includes the member's agency.
    Team,
    /// For every person, by the role itself (recorded as the basis in the audit log).
    Everyone,
}

impl Role {
    pub const ALL: [Role; 14] = [
        Role::Administrator,
        Role::PoliceOfficer,
        Role::Prosecutor,
        Role::ProbationOfficer,
        Role::VictimSupportWorker,
        Role::DefenceLawyer,
        Role::ProcessManager,
        Role::MunicipalityOfficer,
        Role::ProviderWorker,
        Role::Mentor,
        Role::Analyst,
        Role::AssistantProsecutor,
        Role::Commissioner,
        Role::LocationLead,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::Administrator => "administrator",
            Role::PoliceOfficer => "police_officer",
            Role::Prosecutor => "prosecutor",
            Role::ProbationOfficer => "probation_officer",
            Role::VictimSupportWorker => "victim_support_worker",
            Role::DefenceLawyer => "defence_lawyer",
            Role::ProcessManager => "process_manager",
            Role::MunicipalityOfficer => "municipality_officer",
            Role::ProviderWorker => "provider_worker",
            Role::Mentor => "mentor",
            Role::Analyst => "analyst",
            Role::AssistantProsecutor => "assistant_prosecutor",
            Role::Commissioner => "commissioner",
            Role::LocationLead => "location_lead",
        }
    }

    /// What this role may do, and in which scope.
    pub fn grants(self, permission: Permission) -> Option<Scope> {
        use Permission::*;
        match (self, permission) {
            (Role::Administrator, ManageMembers | ExportSubjectAccess) => Some(Scope::Everyone),
            (Role::Analyst, ViewAggregates) => Some(Scope::Everyone),
            (Role::Administrator | Role::Analyst | Role::AssistantProsecutor, _) => None,
            // Aggregates of their own contracts or location only (see the evidence pages' reach).
            (Role::Commissioner | Role::LocationLead, _) => None,
            (_, ViewPerson) => Some(Scope::Team),
            (
                Role::PoliceOfficer | Role::Prosecutor | Role::ProbationOfficer | Role::ProcessManager,
                CreatePerson | EditPerson | ManageTeam,
            ) => Some(Scope::Team),
            (Role::VictimSupportWorker | Role::MunicipalityOfficer, CreatePerson | EditPerson) => Some(Scope::Team),
            (Role::ProbationOfficer | Role::ProcessManager, RecordScreening | ManagePlan) => Some(Scope::Team),
            (Role::ProcessManager, TriageConference | ChairConference) => Some(Scope::Team),
            (Role::MunicipalityOfficer, DecideMayorMeasure) => Some(Scope::Team),
            (Role::ProbationOfficer | Role::ProcessManager, ProposeMayorMeasure) => Some(Scope::Team),
            (Role::ProcessManager, SelectCohort) => Some(Scope::Everyone),
            // Everyone working with the person on the team, except the defence (not a partner in the plan).
            (Role::DefenceLawyer, WorkOnPlan | RequestConference) => None,
            (_, WorkOnPlan | RequestConference) => Some(Scope::Team),
            _ => None,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `pad` so width and alignment work in tables (`{role:<22}`).
        f.pad(self.code())
    }
}

impl FromStr for Role {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.code() == s.trim())
            .ok_or_else(|| FieldError::new("role", "error.role.unknown").with("role", s))
    }
}

/// The logged-in member on whose behalf something is done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub member_id: MemberId,
    pub agency_id: AgencyId,
    pub roles: Vec<Role>,
    pub display_name: String,
}

impl Actor {
    /// The widest scope any of the actor's roles gives for `permission`.
    pub fn scope(&self, permission: Permission) -> Option<Scope> {
        let scopes = self.roles.iter().filter_map(|r| r.grants(permission));
        scopes.max_by_key(|s| matches!(s, Scope::Everyone))
    }

    pub fn can(&self, permission: Permission) -> bool {
        self.scope(permission).is_some()
    }
}

/// The recorded legal ground for an agency's access to a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LegalBasis {
    /// A task given by law, e.g. "Wet op de reclassering" or "art. 148 Sv".
    StatutoryTask { statute: String },
    /// The person's consent, for a stated purpose, until a date.
    Consent { scope: String, expires_on: Date },
    /// A court order by its reference.
    CourtOrder { reference: String },
}

impl LegalBasis {
    pub fn kind(&self) -> &'static str {
        match self {
            LegalBasis::StatutoryTask { .. } => "statutory_task",
            LegalBasis::Consent { .. } => "consent",
            LegalBasis::CourtOrder { .. } => "court_order",
        }
    }

    /// For the audit log: `kind: detail`, so the kind can be shown in the reader's language.
    pub fn summary(&self) -> String {
        match self {
            LegalBasis::StatutoryTask { statute } => format!("statutory_task: {statute}"),
            LegalBasis::Consent { scope, expires_on } => format!("consent: {scope} | {expires_on}"),
            LegalBasis::CourtOrder { reference } => format!("court_order: {reference}"),
        }
    }

    fn valid_on(&self, today: Date) -> bool {
        match self {
            LegalBasis::Consent { expires_on, .. } => today <= *expires_on,
            _ => true,
        }
    }
}

/// One agency's place on one person's case team: who added it, when, on what basis and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamEntry {
    pub id: TeamEntryId,
    pub person_id: PersonId,
    pub agency_id: AgencyId,
    pub basis: LegalBasis,
    pub reason: String,
    pub added_by: MemberId,
    pub added_at: Timestamp,
    pub ended_at: Option<Timestamp>,
}

impl TeamEntry {
    pub fn is_active(&self, today: Date) -> bool {
        self.ended_at.is_none() && self.basis.valid_on(today)
    }
}

/// Why access was given; written into the audit log with every read and write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Grant {
    Team {
        entry: TeamEntryId,
        basis: LegalBasis,
    },
    Role(Role),
    /// A conference request addressed to the actor's agency (a Safety House): it may read the
    /// request to triage it, nothing else of the person.
    Request(ConferenceRequestId),
    /// An invitation to join the person's team: the invited agency may read it to answer it.
    Invitation(InvitationId),
}

impl Grant {
    pub fn summary(&self) -> String {
        match self {
            Grant::Team { basis, .. } => basis.summary(),
            Grant::Role(role) => format!("role: {}", role.code()),
            Grant::Request(request) => format!("conference_request: {request}"),
            Grant::Invitation(invitation) => format!("invitation: {invitation}"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Denial {
    #[error("your role does not allow this")]
    RoleLacksPermission,
    #[error("your agency is not on this person's team")]
    NotOnTeam,
    #[error("your agency's consent-based access to this person has expired")]
    ConsentExpired,
    /// The work (a help task) belongs to another agency: only its owner may record it.
    #[error("this task belongs to another agency")]
    NotTaskOwner,
}

impl Denial {
    /// Stable code for the audit log (shown translated).
    pub fn code(self) -> &'static str {
        match self {
            Denial::RoleLacksPermission => "role_lacks_permission",
            Denial::NotOnTeam => "not_on_team",
            Denial::ConsentExpired => "consent_expired",
            Denial::NotTaskOwner => "not_task_owner",
        }
    }
}

/// Decides whether `actor` may use `permission` on the person whose team is `team`.
pub fn authorise(actor: &Actor, permission: Permission, team: &[TeamEntry], today: Date) -> Result<Grant, Denial> {
    let everyone_role = actor.roles.iter().find(|r| r.grants(permission) == Some(Scope::Everyone));
    if let Some(role) = everyone_role {
        return Ok(Grant::Role(*role));
    }
    if actor.scope(permission).is_none() {
        return Err(Denial::RoleLacksPermission);
    }
    let ours: Vec<&TeamEntry> =
        team.iter().filter(|e| e.agency_id == actor.agency_id && e.ended_at.is_none()).collect();
    match ours.iter().find(|e| e.is_active(today)) {
        Some(entry) => Ok(Grant::Team { entry: entry.id, basis: entry.basis.clone() }),
        None if !ours.is_empty() => Err(Denial::ConsentExpired),
        None => Err(Denial::NotOnTeam),
    }
}

/// Raw input for adding an agency to a team.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TeamEntryInput {
    pub agency_id: String,
    pub basis_kind: String,
    pub statute: String,
    pub consent_scope: String,
    pub consent_expires_on: String,
    pub court_order_reference: String,
    pub reason: String,
}

/// A validated request to put an agency on a team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamEntryDraft {
    pub agency_id: AgencyId,
    pub basis: LegalBasis,
    pub reason: String,
}

impl TeamEntryInput {
    pub fn parse(&self, today: Date) -> Result<TeamEntryDraft, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let agency_id =
            self.agency_id.trim().parse::<AgencyId>().map_err(|_| FieldError::new("agency_id", "error.required"));
        let basis = match self.basis_kind.trim() {
            "statutory_task" => {
                Some(LegalBasis::StatutoryTask { statute: required_text(&mut errors, "statute", &self.statute, 200) })
            }
            "consent" => {
                let scope = required_text(&mut errors, "consent_scope", &self.consent_scope, 200);
                match crate::validation::parse_date("consent_expires_on", &self.consent_expires_on) {
                    Ok(expires_on) if expires_on < today => {
                        errors.push(FieldError::new("consent_expires_on", "error.consent.expired"));
                        None
                    }
                    Ok(expires_on) => Some(LegalBasis::Consent { scope, expires_on }),
                    Err(error) => {
                        errors.push(error);
                        None
                    }
                }
            }
            "court_order" => Some(LegalBasis::CourtOrder {
                reference: required_text(&mut errors, "court_order_reference", &self.court_order_reference, 100),
            }),
            _ => {
                errors.push(FieldError::new("basis_kind", "error.basis.unknown"));
                None
            }
        };
        let reason = required_text(&mut errors, "reason", &self.reason, 500);
        let agency_id = agency_id.map_err(|e| errors.push(e)).ok();
        match (agency_id, basis) {
            (Some(agency_id), Some(basis)) if errors.is_empty() => Ok(TeamEntryDraft { agency_id, basis, reason }),
            _ => Err(errors),
        }
    }
}

/// Who may read an entry (a conference's minutes, a plan's task or note): the person's whole
/// team, or only some agencies on it. Need-to-know within the team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Restriction {
    /// Everyone on the person's team.
    Team,
    /// Only these agencies (and only while they are on the team).
    Agencies(BTreeSet<AgencyId>),
}

impl Restriction {
    /// For the audit log: "team", or the agency ids allowed.
    pub fn summary(&self) -> String {
        match self {
            Restriction::Team => "team".into(),
            Restriction::Agencies(allowed) => allowed.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
        }
    }

    pub fn allows(&self, viewer: AgencyId, team: &BTreeSet<AgencyId>) -> bool {
        team.contains(&viewer)
            && match self {
                Restriction::Team => true,
                Restriction::Agencies(allowed) => allowed.contains(&viewer),
            }
    }
}

#[cfg(test)]
#[path = "model_tests.rs"]
mod tests;
