//! Agencies and their members (the users), the storage ports of both and of the sessions of
//! signed-in members, and the use cases that read the directory; signing in — the throttle's
//! rule, the attempts, a member's open sessions — is in `sign_in`.

mod sign_in;

pub use sign_in::{
    ATTEMPTS_KEPT, AttemptCounts, AttemptEnd, AttemptId, AttemptWindow, FailedAttempts, LoginThrottle, OpenSession,
    Sessions, SignIns, Verdict,
};

use crate::access::Role;
use crate::ids::{AgencyId, MemberId};
use crate::ports::StoreResult;
use crate::service::ServiceResult;
use crate::validation::{FieldError, ValidationErrors, required_text};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::future::Future;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgencyKind {
    Police,
    Prosecution,
    Probation,
    VictimSupport,
    Defence,
    Municipality,
    Health,
    Provider,
    Mentoring,
    SafetyHouse,
    ChildProtection,
    Halt,
}

impl AgencyKind {
    pub const ALL: [AgencyKind; 12] = [
        Self::Police,
        Self::Prosecution,
        Self::Probation,
        Self::VictimSupport,
        Self::Defence,
        Self::Municipality,
        Self::Health,
        Self::Provider,
        Self::Mentoring,
        Self::SafetyHouse,
        Self::ChildProtection,
        Self::Halt,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Police => "police",
            Self::Prosecution => "prosecution",
            Self::Probation => "probation",
            Self::VictimSupport => "victim_support",
            Self::Defence => "defence",
            Self::Municipality => "municipality",
            Self::Health => "health",
            Self::Provider => "provider",
            Self::Mentoring => "mentoring",
            Self::SafetyHouse => "safety_house",
            Self::ChildProtection => "child_protection",
            Self::Halt => "halt",
        }
    }
}

impl FromStr for AgencyKind {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.code() == s.trim())
            .ok_or_else(|| FieldError::new("kind", "error.agency_kind.unknown").with("kind", s))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agency {
    pub id: AgencyId,
    pub name: String,
    pub kind: AgencyKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub id: MemberId,
    pub agency_id: AgencyId,
    pub username: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub disabled: bool,
}

/// Usernames are case-insensitive for login, stored lower case.
pub fn parse_username(raw: &str) -> Result<String, ValidationErrors> {
    let mut errors = ValidationErrors::default();
    let name = required_text(&mut errors, "username", raw, 64).to_lowercase();
    if !name.is_empty() && !name.chars().all(|c| c.is_ascii_alphanumeric() || "._-@".contains(c)) {
        errors.push(FieldError::new("username", "error.username.invalid"));
    }
    errors.into_result(name)
}

/// A password must be long; length is what makes it strong (NIST SP 800-63B).
pub const MIN_PASSWORD_CHARS: usize = 12;

pub fn check_new_password(password: &str) -> Result<(), ValidationErrors> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(ValidationErrors::single(
            FieldError::new("password", "error.password.too_short").with("min", MIN_PASSWORD_CHARS),
        ));
    }
    Ok(())
}

// --- storage ports: agencies and members, and the sessions of logged-in members ---

/// A member with the secret needed to check their password; never leaves the web layer.
#[derive(Debug, Clone)]
pub struct MemberCredentials {
    pub member: Member,
    pub password_hash: String,
    /// The password was set by someone else: changed before anything else after signing in.
    pub must_change_password: bool,
}

/// What chooses the rules a person's pages follow: the pack of the first agency (by name) on
/// the person's team, entry not ended, that names one; else the pack and time zone of the
/// ZSM location of the person's latest case as a suspect (by registration, then id).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonPackSource {
    pub team_pack: Option<String>,
    /// (pack, time zone the location keeps, if any).
    pub case_location: Option<(String, Option<String>)>,
}

/// What chooses the rules of a member's own pages: the pack their agency names, and the pack
/// and time zone of every ZSM location the agency sits at (by name, then code).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberPackSource {
    pub agency_pack: Option<String>,
    /// (pack, time zone the location keeps, if any).
    pub locations: Vec<(String, Option<String>)>,
}

pub trait DirectoryStore: Send + Sync {
    fn create_agency(&self, agency: &Agency) -> impl Future<Output = StoreResult<()>> + Send;
    fn agencies(&self) -> impl Future<Output = StoreResult<Vec<Agency>>> + Send;
    /// Names the pack an agency works under (`None`: the deployment's default); `NotFound` for
    /// an unknown agency.
    fn set_agency_pack(&self, agency: AgencyId, pack: Option<&str>) -> impl Future<Output = StoreResult<()>> + Send;
    /// The agencies that name a pack of their own, with it.
    fn agency_packs(&self) -> impl Future<Output = StoreResult<Vec<(AgencyId, String)>>> + Send;
    /// What chooses the rules of a person's pages, in one read: see [`PersonPackSource`].
    fn person_pack_source(
        &self,
        person: crate::ids::PersonId,
    ) -> impl Future<Output = StoreResult<PersonPackSource>> + Send;
    /// What chooses the rules of a member of `agency`'s own pages, in one read: see
    /// [`MemberPackSource`].
    fn member_pack_source(&self, agency: AgencyId) -> impl Future<Output = StoreResult<MemberPackSource>> + Send;
    fn create_member(
        &self,
        member: &Member,
        password_hash: &str,
        at: Timestamp,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    fn member(&self, id: MemberId) -> impl Future<Output = StoreResult<Option<Member>>> + Send;
    fn credentials(&self, username: &str) -> impl Future<Output = StoreResult<Option<MemberCredentials>>> + Send;
    fn members(&self) -> impl Future<Output = StoreResult<Vec<Member>>> + Send;
    fn set_member_disabled(&self, username: &str, disabled: bool) -> impl Future<Output = StoreResult<()>> + Send;
    fn set_password_hash(&self, username: &str, password_hash: &str) -> impl Future<Output = StoreResult<()>> + Send;
}

/// A signed-in session. The token itself is never stored, only its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub token_hash: String,
    pub member_id: MemberId,
    pub csrf_token: String,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    /// The address it was signed in from, shown in the member's list of open sessions.
    pub signed_in_from: String,
    /// Failed attempts on the account since the sign-in before this one, until the member has
    /// been told of them (the first page after signing in).
    pub failed_attempts: Option<FailedAttempts>,
}

/// A session that has not expired, with its (enabled) member and the name of the member's
/// agency: everything a request needs to know who is asking, read together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveSession {
    pub session: Session,
    pub member: Member,
    pub agency_name: String,
    /// The member's password was set by someone else: every page sends them to change it.
    pub must_change_password: bool,
    /// The kind of the member's agency (who coordinates mentors: a mentoring agency's worker).
    pub agency_kind: Option<AgencyKind>,
}

pub trait SessionStore: Send + Sync {
    fn create_session(&self, session: &Session) -> impl Future<Output = StoreResult<()>> + Send;
    /// The session, if it is live at `now` and its member is not disabled; read on every request.
    fn session(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> impl Future<Output = StoreResult<Option<LiveSession>>> + Send;
    fn delete_session(&self, token_hash: &str) -> impl Future<Output = StoreResult<()>> + Send;
    /// Clears the session's `failed_attempts` once the member has been told; whether this call
    /// cleared them (so of two requests at once, one tells).
    fn clear_failed_attempts(&self, token_hash: &str) -> impl Future<Output = StoreResult<bool>> + Send;
    /// The member's sessions live at `now`, newest first.
    fn sessions_of(&self, member: MemberId, now: Timestamp) -> impl Future<Output = StoreResult<Vec<Session>>> + Send;
    /// Ends every session of the member but the one with `keep` as its token hash; how many.
    fn end_other_sessions(&self, member: MemberId, keep: &str) -> impl Future<Output = StoreResult<u64>> + Send;

    /// Attempts to sign in that still count (pending or failed), without recording one.
    fn login_attempts(
        &self,
        username: &str,
        address: &str,
        window: AttemptWindow,
    ) -> impl Future<Output = StoreResult<AttemptCounts>> + Send;
    /// Records a pending attempt and commits it, then counts the attempts that still count, this
    /// one included. Counting after the commit is what makes parallel attempts see each other.
    fn record_login_attempt(
        &self,
        username: &str,
        address: &str,
        at: Timestamp,
        window: AttemptWindow,
    ) -> impl Future<Output = StoreResult<(AttemptId, AttemptCounts)>> + Send;
    fn end_login_attempt(&self, id: AttemptId, end: AttemptEnd) -> impl Future<Output = StoreResult<()>> + Send;
    /// The attempt succeeded: it stops counting. Returns the failed attempts on `username`
    /// since its previous success, and forgets attempts made before `forget_before`.
    fn login_succeeded(
        &self,
        id: AttemptId,
        username: &str,
        forget_before: Timestamp,
    ) -> impl Future<Output = StoreResult<Option<FailedAttempts>>> + Send;
}

// --- use cases ---

/// The directory's use cases: the partner agencies and their members, for the pages that name
/// them beside a record and the forms that offer them as choices. Agencies and members are not
/// the personal data the access rules guard (that is the persons' the partners work with), so
/// any signed-in member may read them. Creating agencies and members is administration's
/// (`partnership`).
pub struct Directory<'a, S> {
    pub store: &'a S,
}

impl<S: DirectoryStore> Directory<'_, S> {
    pub async fn agencies(&self) -> ServiceResult<Vec<Agency>> {
        Ok(self.store.agencies().await?)
    }

    /// Every member, disabled ones too: a record still names who acted on it.
    pub async fn members(&self) -> ServiceResult<Vec<Member>> {
        Ok(self.store.members().await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_lower_case_and_plain() {
        assert_eq!(parse_username(" J.Jansen ").unwrap(), "j.jansen");
        assert!(parse_username("jan jansen").is_err());
        assert!(parse_username("").is_err());
    }

    #[test]
    fn short_passwords_are_refused() {
        assert!(check_new_password("short").is_err());
        assert!(check_new_password("correct horse battery").is_ok());
    }
}
