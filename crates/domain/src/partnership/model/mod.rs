//! What an administrator types, and what it becomes: agencies with their contact, members with
//! roles and designations, locations with a pack and a time zone, Safety Houses with their
//! conference settings. Parsing never looks at the store; names already taken are the store's
//! answer, turned into a field error by the service.

use crate::access::{Actor, Role};
use crate::directory::{Agency, AgencyKind, Member, check_new_password, parse_username};
use crate::ids::{AgencyId, MemberId};
use crate::validation::{FieldError, ValidationErrors, optional_text, required_text};
use crate::zsm::ports::ZsmLocation;
use jiff::civil::Time;
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

/// The jurisdiction packs a location or Safety House may name, each with the time zone its
/// legal clocks are counted in unless the location says otherwise.
pub const PACKS: [(&str, &str); 3] =
    [("nl", "Europe/Amsterdam"), ("england-wales", "Europe/London"), ("italy", "Europe/Rome")];

/// The pack's default time zone; `None` for a pack desist does not know.
pub fn pack_time_zone(pack: &str) -> Option<&'static str> {
    PACKS.iter().find(|(code, _)| *code == pack).map(|(_, zone)| *zone)
}

pub(super) fn parse_pack(errors: &mut ValidationErrors, raw: &str) -> String {
    let pack = raw.trim();
    let known: Vec<&str> = PACKS.iter().map(|(code, _)| *code).collect();
    if pack.is_empty() {
        errors.push(FieldError::new("pack", "error.pack.choose").with("known", known.join(", ")));
    } else if pack_time_zone(pack).is_none() {
        errors.push(FieldError::new("pack", "error.pack.unknown").with("pack", pack).with("known", known.join(", ")));
    }
    pack.to_owned()
}

/// The console of the server: who acts when an operator runs `desist agency add`, `desist
/// location add` or `desist user …` on the machine itself. Whoever can run the binary against
/// the database holds the database, so it acts as an administrator; the audit log records its
/// actions under the nil member and agency, which name no member.
pub fn console_operator() -> Actor {
    Actor {
        member_id: MemberId::from_uuid(uuid::Uuid::nil()),
        agency_id: AgencyId::from_uuid(uuid::Uuid::nil()),
        roles: vec![Role::Administrator],
        display_name: "console".into(),
    }
}

// --- agencies ---

/// An agency as typed: name, kind code, contact.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct AgencyInput {
    pub name: String,
    pub kind: String,
    pub contact: String,
}

/// An agency with what administration adds to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgencyRecord {
    #[serde(flatten)]
    pub agency: Agency,
    pub contact: String,
    /// Counts the saved changes: an edit based on an older one is refused (someone else saved).
    pub version: i64,
}

impl AgencyInput {
    pub fn parse(&self, id: AgencyId) -> Result<AgencyRecord, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let name = required_text(&mut errors, "name", &self.name, 200);
        let kind = match self.kind.parse::<AgencyKind>() {
            Ok(kind) => Some(kind),
            Err(error) => {
                errors.push(error);
                None
            }
        };
        let contact = optional_text(&mut errors, "contact", &self.contact, 500).unwrap_or_default();
        match kind {
            Some(kind) if errors.is_empty() => {
                Ok(AgencyRecord { agency: Agency { id, name, kind }, contact, version: 1 })
            }
            _ => Err(errors),
        }
    }
}

// --- members ---

/// A member as typed. Without a password one is made up, shown once to whoever made the
/// member, and must be changed at the first sign-in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct MemberInput {
    pub username: String,
    pub name: String,
    pub agency_id: String,
    /// Role codes; `assistant_prosecutor` is the hulpofficier designation held beside
    /// `police_officer`.
    pub roles: Vec<String>,
    pub password: Option<String>,
}

/// A member as administration sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberAccount {
    #[serde(flatten)]
    pub member: Member,
    /// Their password was set by someone else: they change it before anything else.
    pub must_change_password: bool,
    /// Counts the saved changes of name, roles and state.
    pub version: i64,
}

/// A parsed member input: the member, and the password if one was given.
pub struct NewMember {
    pub member: Member,
    pub password: Option<String>,
}

/// Never shows the password (it would end up in a log).
impl std::fmt::Debug for NewMember {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewMember").field("member", &self.member).field("password", &"…").finish()
    }
}

impl MemberInput {
    /// `agencies` are the agencies that exist: the member's must be one of them.
    pub fn parse(&self, id: MemberId, agencies: &[Agency]) -> Result<NewMember, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let username = match parse_username(&self.username) {
            Ok(name) => name,
            Err(problems) => {
                problems.iter().for_each(|e| errors.push(e.clone()));
                String::new()
            }
        };
        let display_name = required_text(&mut errors, "name", &self.name, 200);
        let agency = AgencyId::parse(&self.agency_id).ok().and_then(|id| agencies.iter().find(|a| a.id == id));
        if agency.is_none() {
            let key = if self.agency_id.trim().is_empty() { "error.required" } else { "error.agency.unknown" };
            errors.push(FieldError::new("agency_id", key));
        }
        let roles = parse_roles(&mut errors, &self.roles);
        let password = match self.password.as_deref() {
            Some(password) if !password.is_empty() => {
                if let Err(problems) = check_new_password(password) {
                    problems.iter().for_each(|e| errors.push(e.clone()));
                }
                Some(password.to_owned())
            }
            _ => None,
        };
        match agency {
            Some(agency) if errors.is_empty() => Ok(NewMember {
                member: Member { id, agency_id: agency.id, username, display_name, roles, disabled: false },
                password,
            }),
            _ => Err(errors),
        }
    }
}

/// Role codes, each known, at least one, no duplicates; the hulpofficier designation only beside
/// `police_officer` (it grants nothing on its own).
pub(super) fn parse_roles(errors: &mut ValidationErrors, raw: &[String]) -> Vec<Role> {
    let mut roles = Vec::new();
    for code in raw.iter().flat_map(|r| r.split(',')).map(str::trim).filter(|r| !r.is_empty()) {
        match code.parse::<Role>() {
            Ok(role) if !roles.contains(&role) => roles.push(role),
            Ok(_) => {}
            Err(_) => errors.push(FieldError::new("roles", "error.role.unknown").with("role", code)),
        }
    }
    if roles.is_empty() && errors.iter().all(|e| e.field != "roles") {
        errors.push(FieldError::new("roles", "error.roles.none"));
    }
    if roles.contains(&Role::AssistantProsecutor) && !roles.contains(&Role::PoliceOfficer) {
        errors.push(FieldError::new("roles", "error.roles.designation_alone"));
    }
    roles
}

// --- locations ---

/// A ZSM location or custody suite as typed. The code (used in its addresses) is made from the
/// name when none is given; the time zone is the pack's when none is given.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct LocationInput {
    pub name: String,
    pub pack: String,
    pub time_zone: String,
    pub code: String,
    /// The agencies that sit at the table (ids); they join a suspect's team at intake.
    pub agencies: Vec<String>,
}

/// A location as administration sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LocationRecord {
    #[serde(flatten)]
    pub location: ZsmLocation,
    pub time_zone: String,
    /// Counts the saved changes.
    pub version: i64,
}

impl LocationInput {
    pub fn parse(&self, agencies: &[Agency]) -> Result<LocationRecord, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let name = required_text(&mut errors, "name", &self.name, 200);
        let pack = parse_pack(&mut errors, &self.pack);
        let code = if self.code.trim().is_empty() { slug(&name) } else { self.code.trim().to_lowercase() };
        if !name.is_empty() && (code.is_empty() || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')) {
            errors.push(FieldError::new("code", "error.location.code"));
        }
        let time_zone = parse_time_zone(&mut errors, &self.time_zone, &pack);
        let agencies = parse_agencies(&mut errors, &self.agencies, agencies);
        let location = ZsmLocation { code, name, pack, agencies, time_zone: Some(time_zone.clone()) };
        errors.into_result(LocationRecord { location, time_zone, version: 1 })
    }
}

pub(super) fn parse_time_zone(errors: &mut ValidationErrors, raw: &str, pack: &str) -> String {
    let given = raw.trim();
    if given.is_empty() {
        return pack_time_zone(pack).unwrap_or_default().to_owned();
    }
    match jiff::tz::db().get(given) {
        Ok(_) => given.to_owned(),
        Err(_) => {
            errors.push(FieldError::new("time_zone", "error.time_zone.unknown").with("zone", given));
            String::new()
        }
    }
}

pub(super) fn parse_agencies(errors: &mut ValidationErrors, raw: &[String], agencies: &[Agency]) -> Vec<AgencyId> {
    let mut chosen = Vec::new();
    for text in raw.iter().filter(|t| !t.trim().is_empty()) {
        match AgencyId::parse(text).ok().filter(|id| agencies.iter().any(|a| a.id == *id)) {
            Some(id) if !chosen.contains(&id) => chosen.push(id),
            Some(_) => {}
            None => errors.push(FieldError::new("agencies", "error.agency.unknown")),
        }
    }
    chosen
}

/// `ZSM Den Haag – Süd` → `zsm-den-haag-sud`: lower-case ASCII letters and digits joined by `-`.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.nfkd().filter(|c| c.is_ascii()) {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

// --- Safety Houses / IOM hubs ---

/// A Safety House (or IOM hub) as typed: a new agency of kind `safety_house` with its
/// conference settings and the agencies that take part.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct SafetyHouseInput {
    pub name: String,
    pub pack: String,
    pub contact: String,
    /// How many persons a day's case conference takes.
    pub persons_per_day: String,
    /// `HH:MM` local time: a request in by then is triaged on the next triage day.
    pub triage_cutoff: String,
    pub agencies: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SafetyHouse {
    pub agency: AgencyRecord,
    pub pack: String,
    pub persons_per_day: u16,
    pub triage_cutoff: Time,
    /// The partner agencies that take part in its conferences.
    pub agencies: Vec<AgencyId>,
}

impl SafetyHouseInput {
    pub fn parse(&self, id: AgencyId, agencies: &[Agency]) -> Result<SafetyHouse, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let agency =
            AgencyInput { name: self.name.clone(), kind: "safety_house".into(), contact: self.contact.clone() }
                .parse(id)
                .map_err(|problems| problems.iter().for_each(|e| errors.push(e.clone())))
                .ok();
        let pack = parse_pack(&mut errors, &self.pack);
        let persons_per_day = match self.persons_per_day.trim().parse::<u16>() {
            Ok(n) if (1..=100).contains(&n) => n,
            _ => {
                errors.push(FieldError::new("persons_per_day", "error.persons_per_day"));
                0
            }
        };
        let triage_cutoff = match Time::strptime("%H:%M", self.triage_cutoff.trim()) {
            Ok(time) => time,
            Err(_) => {
                errors.push(FieldError::new("triage_cutoff", "error.time.invalid"));
                Time::midnight()
            }
        };
        let chosen = parse_agencies(&mut errors, &self.agencies, agencies);
        match agency {
            Some(agency) if errors.is_empty() => {
                Ok(SafetyHouse { agency, pack, persons_per_day, triage_cutoff, agencies: chosen })
            }
            _ => Err(errors),
        }
    }
}

// Changes to what exists, and who saved them: `changes.rs`.
mod changes;
pub use changes::*;

/// One of a member's open sessions as administration sees it: `reference` names it for
/// ending it, and is not its token (nor enough of its hash to find one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberSession {
    pub reference: String,
    pub created_at: jiff::Timestamp,
    pub expires_at: jiff::Timestamp,
    pub signed_in_from: String,
}

/// How long a session's reference is: the first hex digits of its token's hash.
pub const SESSION_REFERENCE_LEN: usize = 16;

/// A session reference as typed, if it can be one.
pub fn parse_session_reference(raw: &str) -> Option<String> {
    let reference = raw.trim().to_ascii_lowercase();
    (reference.len() == SESSION_REFERENCE_LEN && reference.chars().all(|c| c.is_ascii_hexdigit())).then_some(reference)
}

#[cfg(test)]
#[path = "../edit_tests.rs"]
mod edit_tests;

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::Timestamp;

    fn police() -> Agency {
        Agency { id: AgencyId::new(Timestamp::UNIX_EPOCH), name: "Politie".into(), kind: AgencyKind::Police }
    }

    fn fields(errors: &ValidationErrors) -> Vec<(&str, &str)> {
        errors.iter().map(|e| (e.field.as_str(), e.key)).collect()
    }

    #[test]
    fn agencies_need_a_name_and_a_known_kind() {
        let id = AgencyId::new(Timestamp::UNIX_EPOCH);
        let ok = AgencyInput { name: " Politie Utrecht ".into(), kind: "police".into(), contact: String::new() };
        assert_eq!(ok.parse(id).unwrap().agency.name, "Politie Utrecht");
        let bad = AgencyInput { name: String::new(), kind: "sheriff".into(), contact: String::new() };
        assert_eq!(
            fields(&bad.parse(id).unwrap_err()),
            [("name", "error.required"), ("kind", "error.agency_kind.unknown")]
        );
    }

    #[test]
    fn members_name_a_known_agency_and_known_roles() {
        let agency = police();
        let id = MemberId::new(Timestamp::UNIX_EPOCH);
        let input = MemberInput {
            username: "S.Bakker".into(),
            name: "Sanne Bakker".into(),
            agency_id: agency.id.to_string(),
            roles: vec!["police_officer,assistant_prosecutor".into()],
            password: None,
        };
        let new = input.parse(id, std::slice::from_ref(&agency)).unwrap();
        assert_eq!(new.member.username, "s.bakker");
        assert_eq!(new.member.roles, [Role::PoliceOfficer, Role::AssistantProsecutor]);
        let bad = MemberInput {
            username: "a b".into(),
            agency_id: "nope".into(),
            roles: vec!["assistant_prosecutor".into()],
            password: Some("short".into()),
            ..Default::default()
        };
        assert_eq!(
            fields(&bad.parse(id, &[agency]).unwrap_err()),
            [
                ("username", "error.username.invalid"),
                ("name", "error.required"),
                ("agency_id", "error.agency.unknown"),
                ("roles", "error.roles.designation_alone"),
                ("password", "error.password.too_short"),
            ]
        );
    }

    #[test]
    fn locations_take_their_time_zone_from_the_pack_and_a_code_from_the_name() {
        let input = LocationInput { name: "ZSM Den Haag – Süd".into(), pack: "nl".into(), ..Default::default() };
        let record = input.parse(&[]).unwrap();
        assert_eq!(record.location.code, "zsm-den-haag-sud");
        assert_eq!(record.time_zone, "Europe/Amsterdam");
        let turin = LocationInput { name: "Torino".into(), pack: "italy".into(), ..Default::default() };
        assert_eq!(turin.parse(&[]).unwrap().time_zone, "Europe/Rome");
        let bad = LocationInput {
            name: "X".into(),
            pack: "mars".into(),
            time_zone: "Mars/Olympus".into(),
            ..Default::default()
        };
        assert_eq!(
            fields(&bad.parse(&[]).unwrap_err()),
            [("pack", "error.pack.unknown"), ("time_zone", "error.time_zone.unknown")]
        );
    }

    #[test]
    fn safety_houses_have_a_quota_and_a_cut_off() {
        let id = AgencyId::new(Timestamp::UNIX_EPOCH);
        let agency = police();
        let input = SafetyHouseInput {
            name: "Zorg- en Veiligheidshuis Utrecht".into(),
            pack: "nl".into(),
            persons_per_day: "6".into(),
            triage_cutoff: "12:00".into(),
            agencies: vec![agency.id.to_string()],
            ..Default::default()
        };
        let house = input.parse(id, std::slice::from_ref(&agency)).unwrap();
        assert_eq!((house.persons_per_day, house.agencies.len()), (6, 1));
        assert_eq!(house.agency.agency.kind, AgencyKind::SafetyHouse);
        let bad = SafetyHouseInput { persons_per_day: "0".into(), triage_cutoff: "noon".into(), ..input };
        assert_eq!(
            fields(&bad.parse(id, &[agency]).unwrap_err()),
            [("persons_per_day", "error.persons_per_day"), ("triage_cutoff", "error.time.invalid")]
        );
    }
}
