//! What forms share: the fields as posted (`Posted`, which every form handler takes) and the
//! error summary, each error linked to its field.

use crate::i18n::Texts;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{FromRequest, Request};
use domain::validation::ValidationErrors;

/// The fields of a posted form (urlencoded) in the order they came, repeated fields with every
/// value: a handler takes `posted: Posted` and reads the form into the domain's input with it.
/// A page shown again after a refused post keeps what was typed by reading it back.
#[derive(Debug, Clone, Default)]
pub struct Posted(pub Vec<(String, String)>);

impl Posted {
    /// The first value of a field, or "".
    pub fn get(&self, name: &str) -> String {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default()
    }
    /// Every value posted under `name`, in order (ticked checkboxes, rows of a table).
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect()
    }
    /// The `n`-th value posted under `name` (a row of a table), or "".
    pub fn nth(&self, name: &str, n: usize) -> String {
        self.0.iter().filter(|(k, _)| k == name).nth(n).map(|(_, v)| v.clone()).unwrap_or_default()
    }
    /// Whether `value` was among those posted under `name` (a ticked checkbox of several).
    pub fn ticked(&self, name: &str, value: &str) -> bool {
        self.0.iter().any(|(k, v)| k == name && v == value)
    }
    /// A ticked checkbox or a yes.
    pub fn checked(&self, name: &str) -> bool {
        matches!(self.get(name).as_str(), "yes" | "on" | "true")
    }
    /// Nothing was posted: the page is shown for the first time.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Read like `Form<Vec<(String, String)>>`, with the same rejections.
impl<S: Send + Sync> FromRequest<S> for Posted {
    type Rejection = FormRejection;
    async fn from_request(request: Request, state: &S) -> Result<Self, FormRejection> {
        let Form(fields) = Form::<Vec<(String, String)>>::from_request(request, state).await?;
        Ok(Posted(fields))
    }
}

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
    /// The line in the error summary: the field's label and the message.
    pub summary: String,
}

impl ErrorList {
    /// The summary names the field ("Achternaam: vul dit in") so each line makes sense on its
    /// own; the message beside the field does not repeat its label.
    pub fn from_validation(errors: &ValidationErrors, texts: Texts) -> Self {
        let items = errors
            .iter()
            .map(|e| ErrorItem {
                field: e.field.clone(),
                anchor: anchor(&e.field),
                message: texts.field_error(e),
                summary: match field_label(&e.field) {
                    Some(label) => format!("{}: {}", texts.get(label), texts.field_error(e)),
                    None => texts.field_error(e),
                },
            })
            .collect();
        Self { items }
    }

    pub fn single(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        Self {
            items: vec![ErrorItem { field: field.into(), anchor: anchor(field), summary: message.clone(), message }],
        }
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

/// The catalogue key of a field's label, for the error summary.
fn field_label(field: &str) -> Option<&'static str> {
    let label = match field {
        "family_name" => "person.family_name",
        "given_names" => "person.given_names",
        "birth_date" => "person.birth_date",
        "sex" => "person.sex",
        "address" => "person.address",
        "postcode" => "person.postcode",
        "city" => "person.city",
        "phone" => "person.phone",
        "email" => "person.email",
        "agency_id" => "team.agency",
        "basis_kind" => "basis.kind",
        "statute" => "basis.statute",
        "consent_scope" => "basis.consent_scope",
        "consent_expires_on" => "basis.consent_expires_on",
        "court_order_reference" => "basis.court_order_reference",
        "reason" => "team.reason",
        "username" => "login.username",
        f if f.starts_with("identifiers[") && f.ends_with(".kind") => "person.identifier_kind",
        f if f.starts_with("identifiers[") => "person.identifier_value",
        _ => return None,
    };
    Some(label)
}

/// `identifiers[0].value` → `identifiers-0-value`: a valid, stable HTML id.
pub fn anchor(field: &str) -> String {
    field.replace(['[', '.'], "-").replace(']', "")
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
