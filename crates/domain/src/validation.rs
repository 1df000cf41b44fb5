//! Field-level validation errors. Each carries the field it belongs to and a message key from
//! the message catalogue, so the web layer can link the error summary to the field and show
//! the text in the reader's language; `params` fill `{name}` placeholders in that text.

use crate::service::ServiceError;
use serde::Serialize;
use std::fmt;

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

/// Trims and checks a required text field's length.
pub fn required_text(errors: &mut ValidationErrors, field: &str, raw: &str, max_chars: usize) -> String {
    let value = raw.trim();
    if value.is_empty() {
        errors.push(FieldError::new(field, "error.required"));
    } else if value.chars().count() > max_chars {
        errors.push(FieldError::new(field, "error.too_long").with("max", max_chars));
    }
    value.to_string()
}

/// Trims an optional text field; empty means absent.
pub fn optional_text(errors: &mut ValidationErrors, field: &str, raw: &str, max_chars: usize) -> Option<String> {
    let value = raw.trim();
    if value.is_empty() {
        return None;
    }
    if value.chars().count() > max_chars {
        errors.push(FieldError::new(field, "error.too_long").with("max", max_chars));
    }
    Some(value.to_string())
}

/// One field error as the error of a use case: the one helper every capability's service uses
/// for "this field is wrong" (a form value that does not parse, or a workflow refusal shown
/// beside the field it concerns).
pub fn invalid(error: FieldError) -> ServiceError {
    ServiceError::Invalid(ValidationErrors::single(error))
}
