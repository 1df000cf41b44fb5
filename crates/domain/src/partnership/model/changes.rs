//! Changes to what administration made: each names only what it changes and the version it
//! was made on; and who saved each version (what a change refused for a conflict names).

use super::{
    AgencyInput, AgencyRecord, LocationInput, LocationRecord, SafetyHouse, SafetyHouseInput, pack_time_zone,
    parse_roles,
};
use crate::directory::{Agency, Member};
use crate::ids::{AgencyId, MemberId};
use crate::validation::{ValidationErrors, required_text};
use serde::{Deserialize, Serialize};

// --- changes to what exists ---
//
// A change names only what it changes (a form sends every field, an API call or the CLI may
// send one); the rest stays as saved. `version` is the one the change was made on: when
// someone saved meanwhile the change is refused and what they typed is kept (a form shows it
// again beside what is saved now). Without a version the change applies to what is saved now.
// These are the one shape of a change: the pages fill them from a form, the CLI reads them from
// a TOML file (`desist agency edit --from FILE`), and the API takes them as its `PATCH` bodies
// (the `openapi` feature, which only the web crate turns on, documents them there under the
// names the API has always given them: `AgencyPatch`, `MemberPatch`, …).

/// A change to an agency's name, kind or contact.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = AgencyPatch,
    example = json!({"contact": "zsm.utrecht@politie.example, 030 123 4567", "version": 1})))]
pub struct AgencyChange {
    pub name: Option<String>,
    /// One of the kinds listed under `AgencyDto.kind`.
    pub kind: Option<String>,
    pub contact: Option<String>,
    /// The version read; without it the change applies to what is saved now.
    pub version: Option<i64>,
}

impl AgencyChange {
    /// The agency as it will be saved, or what to fix.
    pub fn apply(&self, current: &AgencyRecord) -> Result<AgencyRecord, ValidationErrors> {
        let agency = &current.agency;
        let input = AgencyInput {
            name: self.name.clone().unwrap_or_else(|| agency.name.clone()),
            kind: self.kind.clone().unwrap_or_else(|| agency.kind.code().to_owned()),
            contact: self.contact.clone().unwrap_or_else(|| current.contact.clone()),
        };
        let record = input.parse(agency.id)?;
        Ok(AgencyRecord { version: current.version, ..record })
    }
}

/// A change to a member's name or roles (designations such as hulpofficier are roles).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = MemberPatch,
    example = json!({"roles": ["police_officer", "assistant_prosecutor"], "version": 2})))]
pub struct MemberChange {
    pub name: Option<String>,
    /// All the member's roles (those left out are taken away), designations such as
    /// `assistant_prosecutor` (hulpofficier, beside `police_officer`) among them.
    pub roles: Option<Vec<String>>,
    /// The version read; without it the change applies to what is saved now.
    pub version: Option<i64>,
}

impl MemberChange {
    pub fn apply(&self, current: &Member) -> Result<Member, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let display_name = match &self.name {
            Some(name) => required_text(&mut errors, "name", name, 200),
            None => current.display_name.clone(),
        };
        let roles = match &self.roles {
            Some(roles) => parse_roles(&mut errors, roles),
            None => current.roles.clone(),
        };
        errors.into_result(Member { display_name, roles, ..current.clone() })
    }
}

/// A change to a ZSM location or custody suite; its code (in its addresses and its cases) stays.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = LocationPatch,
    example = json!({"name": "ZSM Midden-Nederland", "agencies": ["a1c3e5f7-2b4d-4f6a-8c0e-1d3f5a7b9c2e"], "version": 1})))]
pub struct LocationChange {
    pub name: Option<String>,
    /// `nl`, `england-wales` or `italy`; refused while cases are open at the location.
    pub pack: Option<String>,
    /// Empty: the pack's. Not given while the pack changes: the new pack's.
    pub time_zone: Option<String>,
    /// The agencies at the table (ids), all of them: those left out leave it.
    pub agencies: Option<Vec<String>>,
    /// The version read; without it the change applies to what is saved now.
    pub version: Option<i64>,
}

impl LocationChange {
    pub fn apply(&self, current: &LocationRecord, agencies: &[Agency]) -> Result<LocationRecord, ValidationErrors> {
        let location = &current.location;
        let pack = self.pack.clone().unwrap_or_else(|| location.pack.clone());
        let pack_changes = pack.trim() != location.pack;
        // A zone that only followed the old pack follows the new one.
        let followed_pack = pack_time_zone(&location.pack) == Some(current.time_zone.as_str());
        let time_zone = match &self.time_zone {
            Some(zone) if pack_changes && followed_pack && zone.trim() == current.time_zone => String::new(),
            Some(zone) => zone.clone(),
            None if pack_changes => String::new(),
            None => current.time_zone.clone(),
        };
        let ids = |list: &[AgencyId]| list.iter().map(ToString::to_string).collect::<Vec<_>>();
        let input = LocationInput {
            name: self.name.clone().unwrap_or_else(|| location.name.clone()),
            pack,
            time_zone,
            code: location.code.clone(),
            agencies: self.agencies.clone().unwrap_or_else(|| ids(&location.agencies)),
        };
        let record = input.parse(agencies)?;
        Ok(LocationRecord { version: current.version, ..record })
    }
}

/// A change to a Safety House / IOM hub: its name and contact, pack, conference settings, and
/// the agencies that take part (all of them: those left out leave).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = SafetyHousePatch,
    example = json!({"persons_per_day": 8, "triage_cutoff": "11:00", "version": 3})))]
pub struct SafetyHouseChange {
    pub name: Option<String>,
    pub contact: Option<String>,
    pub pack: Option<String>,
    /// How many persons a day's case conference takes. As typed in a form, or a number in a
    /// file or JSON (`persons_per_day = 6`), which is what the API documents.
    #[serde(deserialize_with = "number_or_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<u16>))]
    pub persons_per_day: Option<String>,
    /// `HH:MM`, local time.
    pub triage_cutoff: Option<String>,
    /// All the partner agencies (ids): add one to let it join, leave one out to let it leave.
    pub agencies: Option<Vec<String>>,
    /// The version read; without it the change applies to what is saved now.
    pub version: Option<i64>,
}

/// A field given as a number (a TOML file, JSON) or as text (a form), kept as text for the
/// parse that names what is wrong with it.
fn number_or_text<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Given {
        Number(i64),
        Text(String),
    }
    Ok(Option::<Given>::deserialize(deserializer)?.map(|given| match given {
        Given::Number(n) => n.to_string(),
        Given::Text(text) => text,
    }))
}

impl SafetyHouseChange {
    pub fn apply(&self, current: &SafetyHouse, agencies: &[Agency]) -> Result<SafetyHouse, ValidationErrors> {
        let agency = &current.agency;
        let input = SafetyHouseInput {
            name: self.name.clone().unwrap_or_else(|| agency.agency.name.clone()),
            pack: self.pack.clone().unwrap_or_else(|| current.pack.clone()),
            contact: self.contact.clone().unwrap_or_else(|| agency.contact.clone()),
            persons_per_day: self.persons_per_day.clone().unwrap_or_else(|| current.persons_per_day.to_string()),
            triage_cutoff: self
                .triage_cutoff
                .clone()
                .unwrap_or_else(|| current.triage_cutoff.strftime("%H:%M").to_string()),
            agencies: self
                .agencies
                .clone()
                .unwrap_or_else(|| current.agencies.iter().map(ToString::to_string).collect()),
        };
        let mut house = input.parse(agency.agency.id, agencies)?;
        house.agency.version = agency.version;
        Ok(house)
    }
}

/// What administration edits under a version (`PartnershipEdits`), as its saves are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminRecord {
    /// An agency; a Safety House's settings share its agency's version.
    Agency,
    Member,
    Location,
}

impl AdminRecord {
    pub fn code(self) -> &'static str {
        match self {
            Self::Agency => "agency",
            Self::Member => "member",
            Self::Location => "location",
        }
    }
}

/// Who saved a version of an administration record, and when: what a change refused because
/// someone saved meanwhile names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SavedVersion {
    pub version: i64,
    /// The member who saved it; the nil id is the server's console (the CLI).
    pub by: MemberId,
    /// Their name and username; `None` for the console (or a member since deleted).
    pub by_name: Option<(String, String)>,
    pub at: jiff::Timestamp,
}

impl SavedVersion {
    /// Whether the server's console (`desist … edit` on the machine) saved it.
    pub fn by_console(&self) -> bool {
        self.by.as_uuid().is_nil()
    }
}
