//! A person as stored, and the details as typed: input arrives as raw text (`PersonInput`) and
//! is parsed into a `PersonDraft` that cannot hold an invalid value.

use super::identifier::{Identifier, IdentifierKind};
use super::search;
use crate::ids::{MemberId, PersonId};
use crate::validation::{FieldError, ValidationErrors, optional_text, required_text};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

pub const MAX_NAME: usize = 100;
pub const MAX_LINE: usize = 200;
pub const MAX_IDENTIFIERS: usize = 10;
/// Oldest plausible date of birth; earlier dates are typing errors.
pub const EARLIEST_BIRTH_YEAR: i16 = 1900;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Female,
    Male,
    /// Neither / registered as X.
    X,
    #[default]
    Unknown,
}

impl Sex {
    pub const ALL: [Sex; 4] = [Sex::Female, Sex::Male, Sex::X, Sex::Unknown];
    pub fn code(self) -> &'static str {
        match self {
            Sex::Female => "F",
            Sex::Male => "M",
            Sex::X => "X",
            Sex::Unknown => "",
        }
    }
}

impl FromStr for Sex {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_uppercase().as_str() {
            "F" | "FEMALE" | "V" => Ok(Sex::Female),
            "M" | "MALE" => Ok(Sex::Male),
            "X" => Ok(Sex::X),
            "" | "UNKNOWN" => Ok(Sex::Unknown),
            _ => Err(FieldError::new("sex", "error.sex.invalid")),
        }
    }
}

impl fmt::Display for Sex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A person as stored, with the version used to detect concurrent edits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub id: PersonId,
    pub details: PersonDraft,
    pub version: i64,
    pub created_at: Timestamp,
    pub created_by: MemberId,
    pub updated_at: Timestamp,
    pub updated_by: MemberId,
}

/// A person's name as shown: given names first.
pub fn full_name(given_names: Option<&str>, family_name: &str) -> String {
    match given_names {
        Some(given) => format!("{given} {family_name}"),
        None => family_name.to_string(),
    }
}

impl Person {
    pub fn display_name(&self) -> String {
        self.details.display_name()
    }
}

/// Validated person details: the only way to build one is `PersonInput::parse`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonDraft {
    pub family_name: String,
    pub given_names: Option<String>,
    pub birth_date: Option<Date>,
    pub sex: Sex,
    pub address: Option<String>,
    pub postcode: Option<String>,
    pub city: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub identifiers: Vec<Identifier>,
    /// The languages the person can take part in help in (ISO 639 codes, lower case, their own
    /// first); empty: not recorded. The interventions finder matches them.
    #[serde(default)]
    pub languages: Vec<String>,
}

impl PersonDraft {
    pub fn display_name(&self) -> String {
        full_name(self.given_names.as_deref(), &self.family_name)
    }

    /// Folded words of the names, indexed for search.
    pub fn name_tokens(&self) -> Vec<String> {
        let mut names = vec![self.family_name.as_str()];
        names.extend(self.given_names.as_deref());
        search::name_tokens(&names)
    }
}

/// Raw input from a form or the API: every field is text, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PersonInput {
    pub family_name: String,
    pub given_names: String,
    pub birth_date: String,
    pub sex: String,
    pub address: String,
    pub postcode: String,
    pub city: String,
    pub phone: String,
    pub email: String,
    pub identifiers: Vec<IdentifierInput>,
    /// Language codes separated by commas or spaces, e.g. `nl, ar`.
    pub languages: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct IdentifierInput {
    pub kind: String,
    pub value: String,
}

impl PersonInput {
    /// Parses every field and reports all problems at once. `today` comes from the injected
    /// clock in the jurisdiction's time zone: a date of birth after it is an error.
    pub fn parse(&self, today: Date) -> Result<PersonDraft, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let family_name = required_text(&mut errors, "family_name", &self.family_name, MAX_NAME);
        let given_names = optional_text(&mut errors, "given_names", &self.given_names, MAX_NAME);
        let birth_date = parse_birth_date(&mut errors, &self.birth_date, today);
        let sex = self.sex.parse().unwrap_or_else(|e| {
            errors.push(e);
            Sex::Unknown
        });
        let address = optional_text(&mut errors, "address", &self.address, MAX_LINE);
        let postcode = optional_text(&mut errors, "postcode", &self.postcode, 16);
        let city = optional_text(&mut errors, "city", &self.city, MAX_NAME);
        let phone = optional_text(&mut errors, "phone", &self.phone, 32);
        let email = optional_text(&mut errors, "email", &self.email, MAX_LINE);
        if let Some(email) = &email
            && !looks_like_email(email)
        {
            errors.push(FieldError::new("email", "error.email.invalid"));
        }
        let mut identifiers = self.parse_identifiers(&mut errors);
        // Stored and compared in one order, whatever order they were typed in.
        identifiers.sort();
        let languages = parse_languages(&mut errors, &self.languages);
        errors.into_result(PersonDraft {
            family_name,
            given_names,
            birth_date,
            sex,
            address,
            postcode,
            city,
            phone,
            email,
            identifiers,
            languages,
        })
    }

    fn parse_identifiers(&self, errors: &mut ValidationErrors) -> Vec<Identifier> {
        let filled: Vec<(usize, &IdentifierInput)> = self
            .identifiers
            .iter()
            .enumerate()
            .filter(|(_, i)| !(i.kind.trim().is_empty() && i.value.trim().is_empty()))
            .collect();
        if filled.len() > MAX_IDENTIFIERS {
            errors.push(FieldError::new("identifiers", "error.identifier.too_many").with("max", MAX_IDENTIFIERS));
        }
        let mut identifiers: Vec<Identifier> = Vec::new();
        for (index, input) in filled.into_iter().take(MAX_IDENTIFIERS) {
            let field = format!("identifiers[{index}].value");
            let kind = match input.kind.parse::<IdentifierKind>() {
                Ok(kind) => kind,
                Err(mut e) => {
                    e.field = format!("identifiers[{index}].kind");
                    errors.push(e);
                    continue;
                }
            };
            match Identifier::parse(kind, &input.value, &field) {
                Ok(id) if identifiers.iter().any(|seen| seen.kind == id.kind) && kind != IdentifierKind::Local => {
                    errors.push(FieldError::new(field, "error.identifier.repeated_kind").with("kind", kind));
                }
                Ok(id) if identifiers.contains(&id) => {}
                Ok(id) => identifiers.push(id),
                Err(e) => errors.push(e),
            }
        }
        identifiers
    }

    /// The input that would reproduce `draft`, for pre-filling an edit form.
    pub fn from_draft(draft: &PersonDraft) -> Self {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        Self {
            family_name: draft.family_name.clone(),
            given_names: text(&draft.given_names),
            birth_date: draft.birth_date.map(|d| d.to_string()).unwrap_or_default(),
            sex: draft.sex.code().to_string(),
            address: text(&draft.address),
            postcode: text(&draft.postcode),
            city: text(&draft.city),
            phone: text(&draft.phone),
            email: text(&draft.email),
            identifiers: draft
                .identifiers
                .iter()
                .map(|i| IdentifierInput { kind: i.kind.code().into(), value: i.value.clone() })
                .collect(),
            languages: draft.languages.join(", "),
        }
    }
}

/// The most languages kept for a person.
pub const MAX_LANGUAGES: usize = 8;

/// Language codes as typed (`nl, AR`): each two or three letters (ISO 639-1 or -3), kept in
/// lower case in the order typed, without repeats.
fn parse_languages(errors: &mut ValidationErrors, raw: &str) -> Vec<String> {
    let mut languages: Vec<String> = Vec::new();
    if raw.chars().count() > MAX_LINE {
        errors.push(FieldError::new("languages", "error.too_long").with("max", MAX_LINE));
        return languages;
    }
    for code in raw.split([',', ';', ' ', '\n']).map(str::trim).filter(|c| !c.is_empty()) {
        if !(2..=3).contains(&code.len()) || !code.chars().all(|c| c.is_ascii_alphabetic()) {
            errors.push(FieldError::new("languages", "error.languages.invalid").with("code", code));
            return Vec::new();
        }
        let code = code.to_ascii_lowercase();
        if !languages.contains(&code) {
            languages.push(code);
        }
    }
    if languages.len() > MAX_LANGUAGES {
        errors.push(FieldError::new("languages", "error.too_many").with("max", MAX_LANGUAGES));
    }
    languages
}

fn parse_birth_date(errors: &mut ValidationErrors, raw: &str, today: Date) -> Option<Date> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    let Some(date) = search::parse_date(raw) else {
        errors.push(FieldError::new("birth_date", "error.date.invalid"));
        return None;
    };
    if date > today {
        errors.push(FieldError::new("birth_date", "error.birth_date.future"));
    } else if date.year() < EARLIEST_BIRTH_YEAR {
        errors.push(FieldError::new("birth_date", "error.birth_date.too_early").with("year", EARLIEST_BIRTH_YEAR));
    }
    Some(date)
}

fn looks_like_email(text: &str) -> bool {
    match text.split_once('@') {
        Some((local, domain)) => !local.is_empty() && domain.contains('.') && !text.contains(char::is_whitespace),
        None => false,
    }
}

#[cfg(test)]
#[path = "person_tests.rs"]
mod tests;
