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
        "duplicate_reason" => "person.duplicate_reason",
        // The conference's forms: the request, triage, the meeting.
        "invited" => "conference.invited",
        "goal" => "conference.goal",
        "flags" => "conference.flags",
        "analysis" => "conference.analysis",
        "strategy" => "conference.strategy",
        "decisions" => "conference.decisions",
        // Manual cohort decisions (plain names: a form of its own on the cohort's page).
        "cohort_person" => "cohort_decision.person",
        "cohort_change" => "cohort_decision.change",
        "cohort_reason" => "cohort_decision.reason",
        "meeting" => "triage.schedule_on",
        "decline_reason" => "triage.decline_reason",
        "remove_reason" => "meeting.remove_reason",
        // A breach of a ZSM obligation, recorded on the case page.
        "observed_on" => "zsm.breach.observed_on",
        "cancel_reason" => "meeting.cancel_reason",
        f if f.starts_with("identifiers[") && f.ends_with(".kind") => "person.identifier_kind",
        f if f.starts_with("identifiers[") => "person.identifier_value",
        // A plan goal's rewording and withdrawal forms: `goal_revision.<goal>.<field>`.
        f if f.starts_with("goal_revision.") || f.starts_with("goal_withdrawal.") => {
            return f
                .rsplit_once('.')
                .and_then(|(form, name)| goal_form_label(form.starts_with("goal_withdrawal."), name));
        }
        // The funds pages' forms (funds3 branch): `fund_transfer.<field>` on a person's fund,
        // `commitment.<transfer>.<field>` per open commitment on a fund's page.
        f if f.starts_with("fund_transfer.") || f.starts_with("commitment.") || f.starts_with("fund_order.") => {
            return f.rsplit_once('.').and_then(|(_, name)| fund_form_label(name));
        }
        // A field of one of several forms on a page is named `form.item.field`: its label is
        // that of the field.
        f => return f.rsplit_once('.').and_then(|(_, name)| form_field_label(name)),
    };
    Some(label)
}

/// The labels of the fields of a plan goal's rewording and withdrawal forms.
fn goal_form_label(withdrawal: bool, name: &str) -> Option<&'static str> {
    Some(match name {
        "goal" => "plan.goal_to_change",
        "domain" => "plan.domain",
        "in_own_words" => "plan.in_own_words",
        "reason" if withdrawal => "plan.withdraw_goal.reason",
        "reason" => "plan.goal_change_reason",
        _ => return None,
    })
}

/// The labels of the fields of the funds pages' forms; `form` (the form as a whole: the
/// approval, the commitment itself) has none, its message says it all.
fn fund_form_label(name: &str) -> Option<&'static str> {
    Some(match name {
        "fund" => "funds.form.fund",
        "kind" => "funds.form.kind",
        "amount_cents" => "funds.amount",
        "description" => "funds.form.description",
        "goal" => "funds.form.goal",
        "goal_id" => "funds.form.plan_goal",
        "invoice_ref" => "funds.invoice",
        // Orders from the catalogue and the person's choices (funds4 branch).
        "intervention_id" => "funds.order.intervention",
        "units" => "funds.order.units",
        "choice" => "funds.form.choice",
        "choice_reason" => "funds.form.choice_reason",
        _ => return None,
    })
}

/// The labels of the fields of the measures' forms (and others named after their form), so
/// every line of an error summary names its field.
fn form_field_label(name: &str) -> Option<&'static str> {
    Some(match name {
        "address" => "order.address",
        "decision_ref" => "order.decision_ref",
        "victims" => "order.victims",
        "children" => "order.children",
        "imposed_at" => "order.imposed_at",
        "to_total_days" => "order.to_total_days",
        "without_advice_reason" => "order.without_advice_reason",
        "advice" => "order.advice",
        "owner" => "order.help_owner",
        "for_person" => "order.help_for",
        "description" => "order.help_description",
        "reason" => "measures.reason",
        "area" => "ban.area",
        "starts_on" => "ban.starts_on",
        "ends_on" => "ban.ends_on",
        "case_manager" => "episode.case_manager",
        "weeks" => "episode.weeks",
        "contacts_per_week" => "episode.contacts_per_week",
        "started_on" => "episode.started_on",
        "extra_weeks" => "episode.extra_weeks",
        "on" => "episode.on",
        "kind" => "episode.kind",
        "note" => "episode.note",
        "group" => "group.one",
        "class" => "group.class",
        "measure_kind" => "proposal.measure",
        "outcome" => "proposal.answer",
        "wishes" => "order.voice.wishes",
        "involvement" => "order.voice.involvement",
        "spoken_on" => "order.voice.spoken_on",
        "victim" => "order.role.victim",
        // Manual cohort decisions.
        "cohort_person" => "cohort_decision.person",
        "cohort_change" => "cohort_decision.change",
        "cohort_reason" => "cohort_decision.reason",
        _ => return None,
    })
}

/// `identifiers[0].value` → `identifiers-0-value`: a valid, stable HTML id.
pub fn anchor(field: &str) -> String {
    field.replace(['[', '.'], "-").replace(']', "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_fields_are_named_in_the_summary_by_labels_in_the_catalogue() {
        let keys = crate::i18n::keys();
        for name in ["address", "weeks", "reason", "wishes", "measure_kind", "without_advice_reason", "victim"] {
            let label = field_label(&format!("order_new.{name}")).unwrap();
            assert!(keys.contains(&label), "{label} is in the catalogue");
        }
        assert_eq!(field_label("episode_contact.0192.on"), Some("episode.on"));
        // The conference's forms name their fields too (issue 17 item 23).
        for name in [
            "invited",
            "goal",
            "flags",
            "analysis",
            "strategy",
            "decisions",
            "meeting",
            "decline_reason",
            "duplicate_reason",
            "cohort_reason",
            "observed_on",
        ] {
            let label = field_label(name).unwrap_or_else(|| panic!("{name} has a label"));
            assert!(keys.contains(&label), "{label} is in the catalogue");
        }
        assert_eq!(field_label("unknown_field"), None);
    }

    #[test]
    fn anchors_are_valid_ids() {
        assert_eq!(anchor("identifiers[2].value"), "identifiers-2-value");
        assert_eq!(anchor("family_name"), "family_name");
    }
}
