//! The administration's use cases. Each starts with the administrator check: a refusal is
//! written to the audit log and answered as forbidden; each action (reads of the lists too) is
//! audited under `admin: …`, with no person, as the administrator's role.

pub mod api_keys;
pub mod contracts;
pub mod edit;

use super::model::*;
use super::ports::{MemberWrite, PartnershipEdits, PartnershipStore, Passwords};
use crate::access::{Actor, Denial, Permission, Role};
use crate::audit::{AuditAction, AuditEntry, AuditLog};
use crate::clock::Clock;
use crate::directory::parse_username;
use crate::directory::{Agency, AgencyKind, DirectoryStore, Member, SessionStore, check_new_password};
use crate::ids::{AgencyId, MemberId};
use crate::ports::StoreError;
use crate::service::{RuleError, ServiceError, ServiceResult, require};
use crate::validation::{FieldError, ValidationErrors};

/// The administration's own refusals, beside invalid input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AdminError {
    /// `desist init` when the partnership already has an administrator.
    #[error(
        "an administrator already exists ({0}); sign in as them, or reset their password with `desist user reset-password`"
    )]
    AdministratorExists(String),
    /// `desist init` in a store with agencies, none of them named.
    #[error("there are agencies already; name the administrator's with --agency (known agencies: {0})")]
    AgencyNeeded(String),
    #[error("a member named {0:?} already exists")]
    UsernameTaken(String),
    #[error("an agency named {0:?} already exists")]
    AgencyTaken(String),
    #[error("a location with the code {0:?} already exists")]
    LocationTaken(String),
    /// Disabling oneself would lock the administrator out.
    #[error("you cannot disable your own account")]
    DisableSelf,
    #[error("the current password is not right")]
    WrongPassword,
    #[error("the new password must differ from the current one")]
    SamePassword,
    /// The member an API key acts through has no password to reset.
    #[error("this member is an API key; revoke it and make a new one instead")]
    ApiKeyMember,
    /// Nobody could administer the partnership any more.
    #[error("this is the last active administrator; make another member administrator first")]
    LastAdministrator,
    /// An administrator taking their own role away would lock themselves out mid-change.
    #[error("you cannot take your own administrator role away; another administrator can")]
    OwnAdministratorRole,
    #[error("the agency has {0} members; disable them instead of deleting the agency")]
    AgencyHasMembers(i64),
    #[error("the agency is part of the record (a table, a team, a plan or the audit log); it stays")]
    AgencyInUse,
    /// A location's pack or time zone while cases are open there, whose clocks run under them.
    #[error("{open} cases are open at this location; its {field} changes once they are closed")]
    OpenCases { field: &'static str, open: i64 },
}

impl AdminError {
    /// The refusal's code in the audit log.
    pub fn code(&self) -> &'static str {
        match self {
            Self::AdministratorExists(_) => "administrator_exists",
            Self::AgencyNeeded(_) => "agency_needed",
            Self::UsernameTaken(_) => "username_taken",
            Self::AgencyTaken(_) => "agency_taken",
            Self::LocationTaken(_) => "location_taken",
            Self::DisableSelf => "disable_self",
            Self::WrongPassword => "wrong_password",
            Self::SamePassword => "same_password",
            Self::ApiKeyMember => "api_key_member",
            Self::LastAdministrator => "last_administrator",
            Self::OwnAdministratorRole => "own_administrator_role",
            Self::AgencyHasMembers(_) => "agency_has_members",
            Self::AgencyInUse => "agency_in_use",
            Self::OpenCases { .. } => "open_cases",
        }
    }
}

impl RuleError for AdminError {
    fn field_error(&self) -> FieldError {
        match self {
            Self::AdministratorExists(names) => FieldError::new("username", "error.admin.exists").with("names", names),
            Self::AgencyNeeded(known) => FieldError::new("agency", "error.admin.agency_needed").with("known", known),
            Self::UsernameTaken(name) => FieldError::new("username", "error.username.taken").with("username", name),
            Self::AgencyTaken(name) => FieldError::new("name", "error.agency.taken").with("name", name),
            Self::LocationTaken(code) => FieldError::new("name", "error.location.taken").with("code", code),
            Self::DisableSelf => FieldError::new("member", "error.member.disable_self"),
            Self::WrongPassword => FieldError::new("current_password", "error.password.wrong"),
            Self::SamePassword => FieldError::new("password", "error.password.same"),
            Self::ApiKeyMember => FieldError::new("member", "error.member.api_key"),
            Self::LastAdministrator => FieldError::new("roles", "error.admin.last_administrator"),
            Self::OwnAdministratorRole => FieldError::new("roles", "error.admin.own_role"),
            Self::AgencyHasMembers(n) => FieldError::new("agency", "error.agency.has_members").with("count", n),
            Self::AgencyInUse => FieldError::new("agency", "error.agency.in_use"),
            Self::OpenCases { field, open } => FieldError::new(*field, "error.location.open_cases").with("count", open),
        }
    }
}

fn rule(error: AdminError) -> ServiceError {
    ServiceError::Rule(Box::new(error))
}

/// A store error as the refusal it means for `taken` (a unique name), or as itself.
fn taken(error: StoreError, refusal: AdminError) -> ServiceError {
    match error {
        StoreError::AlreadyExists(_) => rule(refusal),
        other => other.into(),
    }
}

/// How the usernames of the members API keys act through begin (`api-key.<id>`).
pub const API_KEY_MEMBER_PREFIX: &str = "api-key.";

/// The first administrator, as `desist init` is given them.
#[derive(Debug, Clone, Default)]
pub struct FirstRunInput {
    pub username: String,
    pub name: String,
    /// Without one a one-time password is made, to be changed at the first sign-in.
    pub password: Option<String>,
    /// The administrator's agency by name; made when it does not exist.
    pub agency: Option<String>,
    /// The kind of an agency made here (default: municipality).
    pub agency_kind: Option<String>,
}

/// The agency `desist init` makes when there is none and none is named. A municipality: the
/// municipality hosts the Safety House and ZSM arrangements and usually owns the partnership's
/// systems. Not `safety_house`, which would put the administrators among the audience of
/// every conference request.
pub const FIRST_AGENCY: (&str, AgencyKind) = ("Functioneel beheer", AgencyKind::Municipality);

#[derive(Debug, Clone)]
pub struct FirstRun {
    pub member: Member,
    pub agency: Agency,
    pub agency_created: bool,
    /// Shown once; never stored or logged.
    pub one_time_password: Option<String>,
}

/// The administration's use cases.
pub struct Administration<'a, S, P> {
    pub store: &'a S,
    pub clock: &'a dyn Clock,
    pub passwords: &'a P,
}

impl<S, P> Administration<'_, S, P>
where
    S: PartnershipStore + PartnershipEdits + DirectoryStore + SessionStore + AuditLog,
    P: Passwords,
{
    /// Refuses a non-administrator, on record.
    pub(super) async fn allow(&self, actor: &Actor, what: &str) -> ServiceResult<()> {
        if let Err(refused) = require(actor, Permission::ManageMembers) {
            let denial = Denial::RoleLacksPermission;
            let entry = AuditEntry::new(actor, self.clock.now(), None, AuditAction::Denied, what, denial.code());
            self.store.append(&[entry]).await?;
            return Err(refused);
        }
        Ok(())
    }

    pub(super) fn entry(&self, actor: &Actor, action: AuditAction, what: String) -> AuditEntry {
        AuditEntry::new(actor, self.clock.now(), None, action, what, format!("role: {}", Role::Administrator.code()))
    }

    pub(super) async fn listed(&self, actor: &Actor, what: &str) -> ServiceResult<()> {
        self.allow(actor, what).await?;
        self.store.append(&[self.entry(actor, AuditAction::Listed, what.to_owned())]).await?;
        Ok(())
    }

    pub async fn agencies(&self, actor: &Actor) -> ServiceResult<Vec<AgencyRecord>> {
        self.listed(actor, "admin: agencies").await?;
        Ok(self.store.agency_records().await?)
    }

    pub async fn add_agency(&self, actor: &Actor, input: &AgencyInput) -> ServiceResult<AgencyRecord> {
        self.allow(actor, "admin: add agency").await?;
        let now = self.clock.now();
        let record = input.parse(AgencyId::new(now))?;
        let audit = self.entry(actor, AuditAction::Create, format!("admin: agency {}", record.agency.name));
        self.store
            .add_agency(&record, now, &audit)
            .await
            .map_err(|e| taken(e, AdminError::AgencyTaken(record.agency.name.clone())))?;
        Ok(record)
    }

    pub async fn members(&self, actor: &Actor) -> ServiceResult<Vec<MemberAccount>> {
        self.listed(actor, "admin: members").await?;
        Ok(self.store.member_accounts().await?)
    }

    /// One member; not found when there is none.
    pub async fn member(&self, actor: &Actor, id: MemberId) -> ServiceResult<MemberAccount> {
        self.allow(actor, "admin: member").await?;
        let account = self.store.member_account(id).await?.ok_or(ServiceError::NotFound)?;
        self.store
            .append(&[self.entry(actor, AuditAction::Read, format!("admin: member {}", account.member.username))])
            .await?;
        Ok(account)
    }

    /// Adds a member; the one-time password made when none was given (shown once, changed at
    /// the first sign-in). A password the administrator chose is theirs to hand over.
    pub async fn add_member(
        &self,
        actor: &Actor,
        input: &MemberInput,
    ) -> ServiceResult<(MemberAccount, Option<String>)> {
        self.allow(actor, "admin: add member").await?;
        let now = self.clock.now();
        let agencies = self.store.agencies().await?;
        let new = input.parse(MemberId::new(now), &agencies)?;
        let (password, one_time) = match new.password {
            Some(password) => (password, None),
            None => {
                let made = self.passwords.one_time();
                (made.clone(), Some(made))
            }
        };
        let hash = self.passwords.hash(password).await.map_err(StoreError::Database)?;
        let member = new.member;
        let roles: Vec<&str> = member.roles.iter().map(|r| r.code()).collect();
        let what = format!("admin: member {} ({})", member.username, roles.join(","));
        let audit = self.entry(actor, AuditAction::Create, what);
        self.store
            .add_member(&member, &hash, one_time.is_some(), now, &audit)
            .await
            .map_err(|e| taken(e, AdminError::UsernameTaken(member.username.clone())))?;
        Ok((MemberAccount { member, must_change_password: one_time.is_some(), version: 1 }, one_time))
    }

    /// Disables or enables a member; disabling ends their sessions at once. An administrator
    /// cannot disable themselves, nor the last active administrator.
    pub async fn set_disabled(&self, actor: &Actor, id: MemberId, disabled: bool) -> ServiceResult<MemberAccount> {
        let verb = if disabled { "disable" } else { "enable" };
        self.allow(actor, &format!("admin: {verb} member")).await?;
        let mut account = self.store.member_account(id).await?.ok_or(ServiceError::NotFound)?;
        let what = format!("admin: {verb} member {}", account.member.username);
        if disabled && id == actor.member_id {
            return self.refuse(actor, what, AdminError::DisableSelf).await;
        }
        // The last enabled administrator stays enabled: the store checks it inside the write.
        let audit = self.entry(actor, AuditAction::Update, what.clone());
        if self.store.set_disabled(id, disabled, &audit).await? == MemberWrite::LastAdministrator {
            return self.refuse(actor, what, AdminError::LastAdministrator).await;
        }
        account.member.disabled = disabled;
        account.version += 1;
        Ok(account)
    }

    /// A new password for a member, given or made up (then returned, to be shown once); either
    /// way their sessions end and they change it at their next sign-in.
    pub async fn reset_password(
        &self,
        actor: &Actor,
        id: MemberId,
        given: Option<String>,
    ) -> ServiceResult<Option<String>> {
        self.allow(actor, "admin: reset password").await?;
        let account = self.store.member_account(id).await?.ok_or(ServiceError::NotFound)?;
        if account.member.username.starts_with(API_KEY_MEMBER_PREFIX) {
            return Err(rule(AdminError::ApiKeyMember));
        }
        let (password, one_time) = match given.filter(|p| !p.is_empty()) {
            Some(password) => {
                check_new_password(&password)?;
                (password, None)
            }
            None => {
                let made = self.passwords.one_time();
                (made.clone(), Some(made))
            }
        };
        let hash = self.passwords.hash(password).await.map_err(StoreError::Database)?;
        let audit =
            self.entry(actor, AuditAction::Update, format!("admin: reset password of {}", account.member.username));
        self.store.set_password(id, &hash, true, &audit).await?;
        Ok(one_time)
    }

    pub async fn locations(&self, actor: &Actor) -> ServiceResult<Vec<LocationRecord>> {
        self.listed(actor, "admin: locations").await?;
        Ok(self.store.location_records().await?)
    }

    pub async fn add_location(&self, actor: &Actor, input: &LocationInput) -> ServiceResult<LocationRecord> {
        self.allow(actor, "admin: add location").await?;
        let agencies = self.store.agencies().await?;
        let record = input.parse(&agencies)?;
        let location = &record.location;
        let what =
            format!("admin: location {} ({}, {}, {})", location.code, location.name, location.pack, record.time_zone);
        let audit = self.entry(actor, AuditAction::Create, what);
        self.store
            .add_location(&record, self.clock.now(), &audit)
            .await
            .map_err(|e| taken(e, AdminError::LocationTaken(location.code.clone())))?;
        Ok(record)
    }

    pub async fn safety_houses(&self, actor: &Actor) -> ServiceResult<Vec<SafetyHouse>> {
        self.listed(actor, "admin: safety houses").await?;
        Ok(self.store.safety_houses().await?)
    }

    pub async fn add_safety_house(&self, actor: &Actor, input: &SafetyHouseInput) -> ServiceResult<SafetyHouse> {
        self.allow(actor, "admin: add safety house").await?;
        let now = self.clock.now();
        let agencies = self.store.agencies().await?;
        let house = input.parse(AgencyId::new(now), &agencies)?;
        let what = format!(
            "admin: safety house {} ({}, {} a day, cut-off {})",
            house.agency.agency.name,
            house.pack,
            house.persons_per_day,
            house.triage_cutoff.strftime("%H:%M")
        );
        let audit = self.entry(actor, AuditAction::Create, what);
        self.store
            .add_safety_house(&house, now, &audit)
            .await
            .map_err(|e| taken(e, AdminError::AgencyTaken(house.agency.agency.name.clone())))?;
        Ok(house)
    }

    /// The first administrator of a new installation (`desist init`), by the server's console.
    /// Refused when an enabled administrator exists; otherwise makes what is missing — the
    /// agency when none is there — so running it again after a failure finishes the job.
    pub async fn first_administrator(&self, input: &FirstRunInput) -> ServiceResult<FirstRun> {
        let console = console_operator();
        let now = self.clock.now();
        let members = self.store.member_accounts().await?;
        let admins: Vec<&str> = members
            .iter()
            .map(|a| &a.member)
            .filter(|m| !m.disabled && m.roles.contains(&Role::Administrator))
            .map(|m| m.username.as_str())
            .collect();
        if !admins.is_empty() {
            let entry =
                AuditEntry::new(&console, now, None, AuditAction::Denied, "admin: init", "administrator_exists");
            self.store.append(&[entry]).await?;
            return Err(rule(AdminError::AdministratorExists(admins.join(", "))));
        }
        let mut errors = ValidationErrors::default();
        let username = parse_username(&input.username).unwrap_or_else(|problems| {
            problems.iter().for_each(|e| errors.push(e.clone()));
            String::new()
        });
        if let Some(password) = &input.password
            && let Err(problems) = check_new_password(password)
        {
            problems.iter().for_each(|e| errors.push(e.clone()));
        }
        if !errors.is_empty() {
            return Err(errors.into());
        }
        if members.iter().any(|a| a.member.username == username) {
            return Err(rule(AdminError::UsernameTaken(username)));
        }
        let agencies = self.store.agency_records().await?;
        let wanted = input.agency.as_deref().map(str::trim).filter(|n| !n.is_empty());
        let found = match wanted {
            Some(name) => agencies.iter().find(|a| a.agency.name == name),
            None => agencies.iter().find(|a| a.agency.name == FIRST_AGENCY.0),
        };
        let (agency, agency_created) = match (found, wanted) {
            (Some(record), _) => (record.agency.clone(), false),
            (None, None) if !agencies.is_empty() => {
                let known: Vec<&str> = agencies.iter().map(|a| a.agency.name.as_str()).collect();
                return Err(rule(AdminError::AgencyNeeded(known.join(", "))));
            }
            (None, name) => {
                let kind = input.agency_kind.as_deref().unwrap_or(FIRST_AGENCY.1.code());
                let agency = AgencyInput {
                    name: name.unwrap_or(FIRST_AGENCY.0).to_owned(),
                    kind: kind.to_owned(),
                    contact: String::new(),
                };
                let record = agency.parse(AgencyId::new(now))?;
                let audit = self.entry(&console, AuditAction::Create, format!("admin: agency {}", record.agency.name));
                self.store.add_agency(&record, now, &audit).await?;
                (record.agency, true)
            }
        };
        let (password, one_time) = match &input.password {
            Some(password) => (password.clone(), None),
            None => {
                let made = self.passwords.one_time();
                (made.clone(), Some(made))
            }
        };
        let hash = self.passwords.hash(password).await.map_err(StoreError::Database)?;
        let display_name = if input.name.trim().is_empty() { username.clone() } else { input.name.trim().to_owned() };
        let member = Member {
            id: MemberId::new(now),
            agency_id: agency.id,
            username,
            display_name,
            roles: vec![Role::Administrator],
            disabled: false,
        };
        let audit =
            self.entry(&console, AuditAction::Create, format!("admin: first administrator {}", member.username));
        self.store
            .add_member(&member, &hash, one_time.is_some(), now, &audit)
            .await
            .map_err(|e| taken(e, AdminError::UsernameTaken(member.username.clone())))?;
        Ok(FirstRun { member, agency, agency_created, one_time_password: one_time })
    }

    /// The signed-in member changes their own password (any member; the one forced to at their
    /// first sign-in after a reset too), giving the current one.
    pub async fn change_own_password(&self, actor: &Actor, current: String, new: String) -> ServiceResult<()> {
        let member = self.store.member(actor.member_id).await?.ok_or(ServiceError::NotFound)?;
        let credentials = self.store.credentials(&member.username).await?.ok_or(ServiceError::NotFound)?;
        check_new_password(&new)?;
        if !self.passwords.verify(current.clone(), credentials.password_hash).await {
            let entry = AuditEntry::new(
                actor,
                self.clock.now(),
                None,
                AuditAction::Denied,
                "account: password",
                "wrong_password",
            );
            self.store.append(&[entry]).await?;
            return Err(rule(AdminError::WrongPassword));
        }
        if current == new {
            return Err(rule(AdminError::SamePassword));
        }
        let hash = self.passwords.hash(new).await.map_err(StoreError::Database)?;
        let audit =
            AuditEntry::new(actor, self.clock.now(), None, AuditAction::Update, "account: password", "own account");
        self.store.set_password(actor.member_id, &hash, false, &audit).await?;
        Ok(())
    }
}
