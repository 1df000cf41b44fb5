//! Changing what administration made: agencies (and deleting one nothing refers to), members'
//! names and roles, their open sessions, locations and Safety Houses. Every change is made on
//! the version the administrator saw (someone else's save in between is refused as
//! `ServiceError::Stale`, naming the version saved now, so a form keeps what was typed), and
//! the guard rails keep the partnership workable: never without an active administrator, an
//! administrator never takes their own role away, a location's pack and time zone stay while
//! it has open cases (their clocks were counted under them), an agency with members is not
//! deleted. Each refusal is on record like a granted change.

use super::{AdminError, Administration, rule};
use crate::access::{Actor, Role};
use crate::audit::{AuditAction, AuditEntry, AuditLog};
use crate::directory::{DirectoryStore, SessionStore};
use crate::ids::{AgencyId, MemberId};
use crate::partnership::model::*;
use crate::partnership::ports::{MemberWrite, PartnershipEdits, PartnershipStore, Passwords};
use crate::ports::StoreError;
use crate::service::{ServiceError, ServiceResult};
use crate::validation::FieldError;

/// The refusal of a change made on an older version than the one saved now.
pub fn changed_meanwhile(current: i64) -> ServiceError {
    ServiceError::Stale(FieldError::new("version", "error.admin.changed_meanwhile").with("version", current))
}

/// A store error from a versioned update, as the refusal it means.
fn saved(error: StoreError, taken: impl FnOnce() -> AdminError) -> ServiceError {
    match error {
        StoreError::Conflict { current } => changed_meanwhile(current),
        StoreError::AlreadyExists(_) => rule(taken()),
        other => other.into(),
    }
}

/// The version a change is checked against: the one it was made on, else the one read now.
fn expected(given: Option<i64>, current: i64) -> ServiceResult<i64> {
    match given {
        Some(seen) if seen != current => Err(changed_meanwhile(current)),
        _ => Ok(current),
    }
}

impl<S, P> Administration<'_, S, P>
where
    S: PartnershipStore + PartnershipEdits + DirectoryStore + SessionStore + AuditLog,
    P: Passwords,
{
    /// A guard rail refused `what`: on record with the rule's code, then answered.
    pub(super) async fn refuse<T>(&self, actor: &Actor, what: String, error: AdminError) -> ServiceResult<T> {
        let entry = AuditEntry::new(actor, self.clock.now(), None, AuditAction::Denied, what, error.code());
        self.store.append(&[entry]).await?;
        Err(rule(error))
    }

    /// One agency, for its edit page.
    pub async fn agency(&self, actor: &Actor, id: AgencyId) -> ServiceResult<AgencyRecord> {
        self.allow(actor, "admin: agency").await?;
        let record = self.store.agency_record(id).await?.ok_or(ServiceError::NotFound)?;
        let what = format!("admin: agency {}", record.agency.name);
        self.store.append(&[self.entry(actor, AuditAction::Read, what)]).await?;
        Ok(record)
    }

    pub async fn edit_agency(&self, actor: &Actor, id: AgencyId, change: &AgencyChange) -> ServiceResult<AgencyRecord> {
        self.allow(actor, "admin: edit agency").await?;
        let current = self.store.agency_record(id).await?.ok_or(ServiceError::NotFound)?;
        let version = expected(change.version, current.version)?;
        let mut record = change.apply(&current)?;
        let what = format!(
            "admin: edit agency {} → {} ({}, contact {:?})",
            current.agency.name,
            record.agency.name,
            record.agency.kind.code(),
            record.contact
        );
        let audit = self.entry(actor, AuditAction::Update, what);
        let name = record.agency.name.clone();
        self.store
            .update_agency(&record, version, &audit)
            .await
            .map_err(|e| saved(e, || AdminError::AgencyTaken(name)))?;
        record.version = version + 1;
        Ok(record)
    }

    /// Deletes an agency made by mistake. One with members is kept (disable its members
    /// instead), and so is one anything else refers to: its history stays readable.
    pub async fn delete_agency(&self, actor: &Actor, id: AgencyId) -> ServiceResult<()> {
        self.allow(actor, "admin: delete agency").await?;
        let current = self.store.agency_record(id).await?.ok_or(ServiceError::NotFound)?;
        let what = format!("admin: delete agency {}", current.agency.name);
        let members = self.store.agency_members(id).await?;
        if members > 0 {
            return self.refuse(actor, what, AdminError::AgencyHasMembers(members)).await;
        }
        let audit = self.entry(actor, AuditAction::Update, what.clone());
        if !self.store.delete_agency(id, &audit).await? {
            return self.refuse(actor, what, AdminError::AgencyInUse).await;
        }
        Ok(())
    }

    /// A member's new name or roles. An administrator cannot take their own administrator role
    /// away, nor anyone's when theirs is the last active one.
    pub async fn edit_member(
        &self,
        actor: &Actor,
        id: MemberId,
        change: &MemberChange,
    ) -> ServiceResult<MemberAccount> {
        self.allow(actor, "admin: edit member").await?;
        let mut account = self.store.member_account(id).await?.ok_or(ServiceError::NotFound)?;
        if account.member.username.starts_with(super::API_KEY_MEMBER_PREFIX) {
            return Err(rule(AdminError::ApiKeyMember));
        }
        let version = expected(change.version, account.version)?;
        let member = change.apply(&account.member)?;
        let roles: Vec<&str> = member.roles.iter().map(|r| r.code()).collect();
        let what = format!("admin: edit member {} ({}, {})", member.username, member.display_name, roles.join(","));
        let was_admin = account.member.roles.contains(&Role::Administrator);
        if was_admin && !member.roles.contains(&Role::Administrator) && id == actor.member_id {
            return self.refuse(actor, what, AdminError::OwnAdministratorRole).await;
        }
        // Whether an administrator is left is the store's to say, inside the write (see
        // `MemberWrite`): a check here would race another administrator's.
        let audit = self.entry(actor, AuditAction::Update, what.clone());
        let written = self
            .store
            .update_member(&member, version, &audit)
            .await
            .map_err(|e| saved(e, || AdminError::UsernameTaken(String::new())))?;
        if written == MemberWrite::LastAdministrator {
            return self.refuse(actor, what, AdminError::LastAdministrator).await;
        }
        account.member = member;
        account.version = version + 1;
        Ok(account)
    }

    /// Who saved the record's version now saved, and when: what a change refused because
    /// someone saved meanwhile shows beside what was typed.
    pub async fn last_saved(
        &self,
        actor: &Actor,
        record: AdminRecord,
        key: &str,
    ) -> ServiceResult<Option<SavedVersion>> {
        self.allow(actor, "admin: last saved").await?;
        Ok(self.store.last_saved(record, key).await?)
    }

    /// Where a member is signed in now, newest first, each with the reference that ends it.
    pub async fn member_sessions(&self, actor: &Actor, id: MemberId) -> ServiceResult<Vec<MemberSession>> {
        self.allow(actor, "admin: member sessions").await?;
        let account = self.store.member_account(id).await?.ok_or(ServiceError::NotFound)?;
        let what = format!("admin: sessions of {}", account.member.username);
        self.store.append(&[self.entry(actor, AuditAction::Read, what)]).await?;
        Ok(self.store.member_sessions(id, self.clock.now()).await?)
    }

    /// Ends one of a member's sessions now (a lost laptop, a shared computer); not found when
    /// the reference names none of theirs.
    pub async fn revoke_session(&self, actor: &Actor, id: MemberId, reference: &str) -> ServiceResult<()> {
        self.allow(actor, "admin: revoke session").await?;
        let account = self.store.member_account(id).await?.ok_or(ServiceError::NotFound)?;
        let reference = parse_session_reference(reference).ok_or(ServiceError::NotFound)?;
        let what = format!("admin: revoke session {reference} of {}", account.member.username);
        let audit = self.entry(actor, AuditAction::Update, what);
        if !self.store.end_member_session(id, &reference, &audit).await? {
            return Err(ServiceError::NotFound);
        }
        Ok(())
    }

    /// One location, for its edit page.
    pub async fn location(&self, actor: &Actor, code: &str) -> ServiceResult<LocationRecord> {
        self.allow(actor, "admin: location").await?;
        let record = self.location_record(code).await?;
        let what = format!("admin: location {}", record.location.code);
        self.store.append(&[self.entry(actor, AuditAction::Read, what)]).await?;
        Ok(record)
    }

    async fn location_record(&self, code: &str) -> ServiceResult<LocationRecord> {
        let records = self.store.location_records().await?;
        records.into_iter().find(|r| r.location.code == code).ok_or(ServiceError::NotFound)
    }

    /// A location's new name, agencies at the table, pack or time zone. The pack and the time
    /// zone stay while cases are open there: their clocks were counted under them.
    pub async fn edit_location(
        &self,
        actor: &Actor,
        code: &str,
        change: &LocationChange,
    ) -> ServiceResult<LocationRecord> {
        self.allow(actor, "admin: edit location").await?;
        let current = self.location_record(code).await?;
        let version = expected(change.version, current.version)?;
        let agencies = self.store.agencies().await?;
        let mut record = change.apply(&current, &agencies)?;
        let location = &record.location;
        let what = format!(
            "admin: edit location {} ({}, {}, {})",
            location.code, location.name, location.pack, record.time_zone
        );
        let rules_change = location.pack != current.location.pack || record.time_zone != current.time_zone;
        if rules_change {
            let open = self.store.open_cases_at(code).await?;
            if open > 0 {
                let field = if location.pack != current.location.pack { "pack" } else { "time_zone" };
                return self.refuse(actor, what, AdminError::OpenCases { field, open }).await;
            }
        }
        let audit = self.entry(actor, AuditAction::Update, what);
        self.store
            .update_location(&record, version, &audit)
            .await
            .map_err(|e| saved(e, || AdminError::LocationTaken(code.into())))?;
        record.version = version + 1;
        Ok(record)
    }

    /// One Safety House, for its edit page.
    pub async fn safety_house(&self, actor: &Actor, id: AgencyId) -> ServiceResult<SafetyHouse> {
        self.allow(actor, "admin: safety house").await?;
        let house = self.house(id).await?;
        let what = format!("admin: safety house {}", house.agency.agency.name);
        self.store.append(&[self.entry(actor, AuditAction::Read, what)]).await?;
        Ok(house)
    }

    async fn house(&self, id: AgencyId) -> ServiceResult<SafetyHouse> {
        let houses = self.store.safety_houses().await?;
        houses.into_iter().find(|h| h.agency.agency.id == id).ok_or(ServiceError::NotFound)
    }

    /// A Safety House's new name, contact, pack, conference settings or partner agencies.
    pub async fn edit_safety_house(
        &self,
        actor: &Actor,
        id: AgencyId,
        change: &SafetyHouseChange,
    ) -> ServiceResult<SafetyHouse> {
        self.allow(actor, "admin: edit safety house").await?;
        let current = self.house(id).await?;
        let version = expected(change.version, current.agency.version)?;
        let agencies = self.store.agencies().await?;
        let mut house = change.apply(&current, &agencies)?;
        let what = format!(
            "admin: edit safety house {} ({}, {} a day, cut-off {}, {} partners)",
            house.agency.agency.name,
            house.pack,
            house.persons_per_day,
            house.triage_cutoff.strftime("%H:%M"),
            house.agencies.len()
        );
        let audit = self.entry(actor, AuditAction::Update, what);
        let name = house.agency.agency.name.clone();
        self.store
            .update_safety_house(&house, version, &audit)
            .await
            .map_err(|e| saved(e, || AdminError::AgencyTaken(name)))?;
        house.agency.version = version + 1;
        Ok(house)
    }
}
