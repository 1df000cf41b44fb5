//! The person picker of the measures forms (victims and children of an exclusion order, a
//! group's member): instead of typing a person's number, the member searches by name or date
//! of birth among the people they may see (the people search use case, audited) and ticks
//! one of the candidates. Without JavaScript: the search button posts the form, which comes
//! back with the candidates as radio buttons and every other value kept.

use crate::AppState;
use crate::auth::SignedIn;
use crate::error::WebError;
use crate::forms::{ErrorList, Posted};
use crate::i18n::Texts;
use domain::ids::PersonId;

/// The button name of a picker's search; its value is the picker's field.
pub const SEARCH: &str = "search";

pub struct Candidate {
    pub id: String,
    pub label: String,
}

/// One picker as the template draws it.
pub struct PersonPicker {
    /// The HTML id of the search field (the error summary links to it).
    pub fid: String,
    /// The field posted with the chosen persons' numbers.
    pub name: String,
    pub legend: String,
    pub query: String,
    pub error: Option<String>,
    /// Persons already chosen, shown ticked (checkboxes where several may be chosen).
    pub chosen: Vec<Candidate>,
    pub multiple: bool,
    /// The search's results, when this picker's search was the button pressed.
    pub candidates: Option<Vec<Candidate>>,
}

impl PersonPicker {
    /// The name of the search field.
    pub fn query_name(&self) -> String {
        format!("{}_q", self.name)
    }
}

/// Where a picker sits and what it is called.
pub struct PickerSpec<'a> {
    pub name: &'a str,
    /// The key its errors are filed under (the field's anchor is made from it).
    pub key: &'a str,
    pub legend: &'a str,
    pub multiple: bool,
}

/// Whether the form was posted to search in a picker rather than to save.
pub fn is_search(posted: &Posted) -> bool {
    !posted.get(SEARCH).is_empty()
}

/// Shows `id` (a person's number from a link, or a form posted without the picker) as the
/// chosen person of a picker where nothing was ticked, as far as the member may see them.
pub async fn preset_chosen(
    state: &AppState,
    me: &SignedIn,
    picker: &mut PersonPicker,
    id: &str,
    what: &str,
) -> Result<(), WebError> {
    let Ok(id) = id.trim().parse::<PersonId>() else { return Ok(()) };
    if !picker.chosen.is_empty() {
        return Ok(());
    }
    let named = state.people().visible_names(&me.actor, vec![id], what).await?;
    picker.chosen = named.into_iter().map(|(id, label)| Candidate { id: id.to_string(), label }).collect();
    Ok(())
}

/// The picker `spec` of a form; `posted` is what was posted to this form (if it was).
pub async fn person_picker(
    state: &AppState,
    me: &SignedIn,
    t: Texts,
    spec: PickerSpec<'_>,
    posted: Option<&Posted>,
    errors: &ErrorList,
) -> Result<PersonPicker, WebError> {
    let people = state.people();
    let ids: Vec<PersonId> =
        posted.map(|p| p.all(spec.name).iter().filter_map(|v| v.trim().parse().ok()).collect()).unwrap_or_default();
    let mut chosen_ids = ids.clone();
    chosen_ids.dedup();
    let chosen: Vec<Candidate> = people
        .visible_names(&me.actor, chosen_ids, "person picker: chosen")
        .await?
        .into_iter()
        .map(|(id, label)| Candidate { id: id.to_string(), label })
        .collect();
    let query = posted.map(|p| p.get(&format!("{}_q", spec.name))).unwrap_or_default();
    let candidates = match posted {
        Some(p) if p.get(SEARCH) == spec.name => {
            let hits = people.search(&me.actor, &query).await?;
            Some(
                hits.into_iter()
                    .filter(|h| !ids.contains(&h.id))
                    .map(|h| {
                        let name = [h.given_names.as_deref().unwrap_or(""), h.family_name.as_str()].join(" ");
                        let label = match h.birth_date {
                            Some(born) => t.fill("picker.born", &[("name", name.trim()), ("date", &born.to_string())]),
                            None => name.trim().to_string(),
                        };
                        Candidate { id: h.id.to_string(), label }
                    })
                    .collect(),
            )
        }
        _ => None,
    };
    Ok(PersonPicker {
        fid: crate::forms::anchor(spec.key),
        name: spec.name.to_string(),
        legend: t.get(spec.legend).to_string(),
        query,
        error: errors.for_field(spec.key).map(str::to_owned),
        chosen,
        multiple: spec.multiple,
        candidates,
    })
}
