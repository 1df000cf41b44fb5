//! What forms share: the error summary (each error linked to its field) and reading repeated
//! fields from a urlencoded body.

use crate::i18n::Texts;
use domain::validation::ValidationErrors;

#[derive(Debug, Clone, Default)]
pub struct ErrorList {
    pub items: Vec<ErrorItem>,
}

#[derive(Debug, Clone)]
pub struct ErrorItem {
    pub field: String,
    /// The HTML id of the field, so the summary can link to it.
    pub anchor: String,
    pub message: String,
}

impl ErrorList {
    pub fn from_validation(errors: &ValidationErrors, texts: Texts) -> Self {
        let items = errors
            .iter()
            .map(|e| ErrorItem { field: e.field.clone(), anchor: anchor(&e.field), message: texts.field_error(e) })
            .collect();
        Self { items }
    }

    pub fn single(field: &str, message: impl Into<String>) -> Self {
        Self { items: vec![ErrorItem { field: field.into(), anchor: anchor(field), message: message.into() }] }
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The message for one field, shown beside it.
    pub fn for_field(&self, field: &str) -> Option<&str> {
        self.items.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }

    pub fn has(&self, field: &str) -> bool {
        self.for_field(field).is_some()
    }
}

/// `identifiers[0].value` → `identifiers-0-value`: a valid, stable HTML id.
pub fn anchor(field: &str) -> String {
    field.replace(['[', '.'], "-").replace(']', "")
}

/// All values of a repeated field, in order.
pub fn all<'a>(fields: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    fields.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str()).collect()
}

/// The first value of a field, or "".
pub fn one(fields: &[(String, String)], name: &str) -> String {
    fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_are_valid_ids() {
        assert_eq!(anchor("identifiers[2].value"), "identifiers-2-value");
        assert_eq!(anchor("family_name"), "family_name");
    }
}
