//! Field-level validation errors. Each carries the field it belongs to and a message key from
//! the message catalogue, so the web layer can link the error summary to the field and show
//! the text in the reader's language; `params` fill `{name}` placeholders in that text.

use crate::service::ServiceError;
use serde::Serialize;
use std::fmt;

/// Marks a [`FieldError`] parameter whose value is a message key (`FieldError::with_text`).
pub const TEXT_KEY: &str = "text-key:";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub key: &'static str,
    pub params: Vec<(&'static str, String)>,
}

impl FieldError {
    pub fn new(field: impl Into<String>, key: &'static str) -> Self {
        Self { field: field.into(), key, params: Vec::new() }
    }

    pub fn with(mut self, name: &'static str, value: impl ToString) -> Self {
        self.params.push((name, value.to_string()));
        self
    }

    /// A parameter that is itself a text of the catalogue (`key`), shown in the reader's
    /// language (e.g. a partner named in words, not by its code).
    pub fn with_text(mut self, name: &'static str, key: impl Into<String>) -> Self {
        self.params.push((name, format!("{TEXT_KEY}{}", key.into())));
        self
    }
}

/// All the problems found in one piece of input: we report every one, not only the first.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct ValidationErrors(pub Vec<FieldError>);

impl ValidationErrors {
    pub fn push(&mut self, error: FieldError) {
        self.0.push(error);
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn iter(&self) -> impl Iterator<Item = &FieldError> {
        self.0.iter()
    }
    /// `Ok(value)` when nothing was pushed, so validators end with `errors.into_result(value)`.
    pub fn into_result<T>(self, value: T) -> Result<T, ValidationErrors> {
        if self.0.is_empty() { Ok(value) } else { Err(self) }
    }
    pub fn single(error: FieldError) -> Self {
        Self(vec![error])
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|e| format!("{}: {}", e.field, e.key)).collect();
        write!(f, "{}", parts.join("; "))
    }
}

impl std::error::Error for ValidationErrors {}

/// The longest text a one-line field takes: a name, a place, a reference, a label.
pub const LINE_MAX_CHARS: usize = 200;
/// The longest free text: a note, a description, a reason, minutes.
pub const TEXT_MAX_CHARS: usize = 5_000;

/// The one table of text limits, the same for the domain, the forms (`maxlength`) and the
/// API (which refuses longer input at the edge).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextLimit {
    /// One line of at most [`LINE_MAX_CHARS`].
    Line,
    /// Several lines of at most [`TEXT_MAX_CHARS`].
    Text,
}

impl TextLimit {
    pub const fn max_chars(self) -> usize {
        match self {
            TextLimit::Line => LINE_MAX_CHARS,
            TextLimit::Text => TEXT_MAX_CHARS,
        }
    }

    /// The limit of a field capped at `max_chars`: free text when longer than a line.
    pub const fn of(max_chars: usize) -> TextLimit {
        if max_chars > LINE_MAX_CHARS { TextLimit::Text } else { TextLimit::Line }
    }

    /// Whether `c` may appear in such a field: no control characters, except tabs and line
    /// breaks in free text. (A NUL byte would also be refused by PostgreSQL, with a 500.)
    pub fn allows(self, c: char) -> bool {
        !c.is_control() || (self == TextLimit::Text && matches!(c, '\t' | '\n' | '\r'))
    }

    /// The problem with `text` in a field of this kind, if any.
    pub fn check(self, field: &str, text: &str, max_chars: usize) -> Option<FieldError> {
        if text.chars().any(|c| !self.allows(c)) {
            Some(FieldError::new(field, "error.control_characters"))
        } else if text.chars().count() > max_chars {
            Some(FieldError::new(field, "error.too_long").with("max", max_chars))
        } else {
            None
        }
    }
}

/// Trims and checks a required text field: not empty, no longer than `max_chars`, and no
/// control characters (line breaks only where the field takes more than one line).
pub fn required_text(errors: &mut ValidationErrors, field: &str, raw: &str, max_chars: usize) -> String {
    let value = raw.trim();
    if value.is_empty() {
        errors.push(FieldError::new(field, "error.required"));
    } else if let Some(problem) = TextLimit::of(max_chars).check(field, value, max_chars) {
        errors.push(problem);
    }
    value.to_string()
}

/// Trims and checks an optional text field like [`required_text`]; empty means absent.
pub fn optional_text(errors: &mut ValidationErrors, field: &str, raw: &str, max_chars: usize) -> Option<String> {
    let value = raw.trim();
    if value.is_empty() {
        return None;
    }
    if let Some(problem) = TextLimit::of(max_chars).check(field, value, max_chars) {
        errors.push(problem);
    }
    Some(value.to_string())
}

/// Checks a text that may be empty (a workflow judges emptiness itself) against `limit`.
pub fn limited_text(errors: &mut ValidationErrors, field: &str, raw: &str, limit: TextLimit) -> String {
    if let Some(problem) = limit.check(field, raw, limit.max_chars()) {
        errors.push(problem);
    }
    raw.to_string()
}

/// The earliest and latest dates any form takes: wider than every date a case, a plan or a
/// measure can need, and narrow enough that year 0 or 9999 is recognised as a typing error.
pub const EARLIEST_DATE: jiff::civil::Date = jiff::civil::date(1900, 1, 1);
pub const LATEST_DATE: jiff::civil::Date = jiff::civil::date(2100, 12, 31);

/// ISO `YYYY-MM-DD` or Dutch `DD-MM-YYYY` (also with `/` or `.`), as people type dates.
pub fn read_date(word: &str) -> Option<jiff::civil::Date> {
    if let Ok(date) = word.parse::<jiff::civil::Date>() {
        return Some(date);
    }
    let parts: Vec<&str> = word.split(['-', '/', '.']).collect();
    if let [d, m, y] = parts.as_slice()
        && y.len() == 4
        && d.len() <= 2
        && m.len() <= 2
    {
        return jiff::civil::Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?).ok();
    }
    None
}

/// A date typed into a form: the one parser every form's date goes through, so every date
/// field takes the same spellings and refuses the same things with the same words.
pub fn parse_date(field: &str, raw: &str) -> Result<jiff::civil::Date, FieldError> {
    let date = read_date(raw.trim()).ok_or_else(|| FieldError::new(field, "error.date.invalid"))?;
    if date < EARLIEST_DATE || date > LATEST_DATE {
        return Err(FieldError::new(field, "error.date.out_of_range")
            .with("earliest", EARLIEST_DATE)
            .with("latest", LATEST_DATE));
    }
    Ok(date)
}

/// One field error as the error of a use case: the one helper every capability's service uses
/// for "this field is wrong" (a form value that does not parse, or a workflow refusal shown
/// beside the field it concerns).
pub fn invalid(error: FieldError) -> ServiceError {
    ServiceError::Invalid(ValidationErrors::single(error))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_take_no_control_characters_and_texts_only_tabs_and_line_breaks() {
        let mut errors = ValidationErrors::default();
        required_text(&mut errors, "family_name", "Jan\nsen", LINE_MAX_CHARS);
        required_text(&mut errors, "family_name", "Jan\u{0}sen", LINE_MAX_CHARS);
        required_text(&mut errors, "note", "one\ttwo\r\nthree", TEXT_MAX_CHARS);
        required_text(&mut errors, "note", "nul\u{0}", TEXT_MAX_CHARS);
        let keys: Vec<(&str, &str)> = errors.iter().map(|e| (e.field.as_str(), e.key)).collect();
        assert_eq!(
            keys,
            [
                ("family_name", "error.control_characters"),
                ("family_name", "error.control_characters"),
                ("note", "error.control_characters")
            ]
        );
    }

    #[test]
    fn dates_are_iso_and_within_two_centuries() {
        assert_eq!(parse_date("due", " 2026-12-01 ").unwrap(), jiff::civil::date(2026, 12, 1));
        assert_eq!(parse_date("due", "01-12-2026").unwrap(), jiff::civil::date(2026, 12, 1));
        assert_eq!(parse_date("due", "0000-01-01").unwrap_err().key, "error.date.out_of_range");
        assert_eq!(parse_date("due", "9999-12-31").unwrap_err().key, "error.date.out_of_range");
        assert_eq!(parse_date("due", "2026-02-30").unwrap_err().key, "error.date.invalid");
        assert_eq!(parse_date("due", "").unwrap_err().key, "error.date.invalid");
    }

    #[test]
    fn each_kind_has_its_length() {
        let mut errors = ValidationErrors::default();
        assert_eq!(optional_text(&mut errors, "area", &"x".repeat(LINE_MAX_CHARS), LINE_MAX_CHARS).unwrap().len(), 200);
        assert!(errors.is_empty());
        optional_text(&mut errors, "area", &"é".repeat(LINE_MAX_CHARS + 1), LINE_MAX_CHARS);
        limited_text(&mut errors, "note", &"x".repeat(TEXT_MAX_CHARS + 1), TextLimit::Text);
        limited_text(&mut errors, "note", "", TextLimit::Text);
        let keys: Vec<&str> = errors.iter().map(|e| e.key).collect();
        assert_eq!(keys, ["error.too_long", "error.too_long"]);
        assert_eq!(TextLimit::of(5000), TextLimit::Text);
        assert_eq!(TextLimit::of(64), TextLimit::Line);
    }
}
