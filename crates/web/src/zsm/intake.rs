//! Where a case starts: the ZSM index (the locations, and intake for the police) and the police
//! intake form that registers a case.

use super::*;
use crate::measures::picker::{PersonPicker, PickerSpec, is_search, person_picker, preset_chosen};

#[derive(Template)]
#[template(path = "zsm/index.html")]
pub(super) struct IndexPage {
    page: Page,
    locations: Vec<ZsmLocation>,
    can_register: bool,
}

pub(super) async fn index(State(state): State<AppState>, Member(me, context): Member) -> Result<Response, WebError> {
    let locations = state.zsm().locations().await?;
    let context = context.in_pack(pack_of(state.config.pack, &own_locations(&locations, &me.actor)));
    let page = Page::new(&context, context.texts.get("zsm.index.title"));
    let can_register = me.actor.roles.contains(&Role::PoliceOfficer);
    ok(&IndexPage { page, locations, can_register })
}

/// The locations where the member's agency sits at the table, or every location when it sits
/// at none (intake offers a custody officer their own suites, not the Dutch tables).
fn own_locations(locations: &[ZsmLocation], actor: &domain::access::Actor) -> Vec<ZsmLocation> {
    let own: Vec<ZsmLocation> = locations.iter().filter(|l| l.agencies.contains(&actor.agency_id)).cloned().collect();
    if own.is_empty() { locations.to_vec() } else { own }
}

/// The pack whose words the index and intake speak: the locations' own when they all share
/// one (a deployment of custody suites says "custody suite"), else the deployment's.
fn pack_of(default: &'static JurisdictionPack, locations: &[ZsmLocation]) -> &'static JurisdictionPack {
    let mut packs = locations.iter().map(|l| l.pack.as_str());
    match packs.next() {
        Some(first) if packs.all(|code| code == first) => shipped_pack(first).unwrap_or(default),
        _ => default,
    }
}

#[derive(Template)]
#[template(path = "zsm/intake.html")]
pub(super) struct IntakePage {
    page: Page,
    form: IntakeForm,
    /// The suspect, found by name, date of birth or identifier within the form.
    suspect: PersonPicker,
    /// Each victim row: a known person found the same way as the suspect, or a description.
    victims: Vec<VictimRow>,
    locations: Vec<ZsmLocation>,
    lawyers: Vec<(String, String)>,
    errors: ErrorList,
}

impl IntakePage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.for_field(field)
    }
    fn offence_error(&self, index: &usize, name: &str) -> Option<&str> {
        self.errors.for_field(&format!("offences[{index}].{name}"))
    }
}

pub(super) struct VictimRow {
    picker: PersonPicker,
    description: String,
    /// The description field's HTML id.
    description_id: String,
}

/// The suspect picker of the intake form: searching posts the form back with the candidates
/// (among the people the member may see) and every other value kept; a suspect named in the
/// link from a person page or search result (`?suspect=`) comes chosen.
async fn suspect_picker(
    state: &AppState,
    me: &SignedIn,
    context: &RequestContext,
    posted: Option<&Posted>,
    preset: &str,
    errors: &ErrorList,
) -> Result<PersonPicker, WebError> {
    let spec = PickerSpec { name: "suspect_id", key: "suspect_id", legend: "zsm.intake.suspect", multiple: false };
    let mut picker = person_picker(state, me, context.texts, spec, posted, errors).await?;
    if posted.is_none() {
        preset_chosen(state, me, &mut picker, preset, "ZSM intake: suspect").await?;
    }
    Ok(picker)
}

/// The victim rows of the intake form, each with the suspect's picker (its own search and
/// choice, posted as `victim_person_<row>`) beside the description of an anonymous victim.
async fn victim_rows(
    state: &AppState,
    me: &SignedIn,
    context: &RequestContext,
    victims: &[domain::zsm::model::forms::VictimForm],
    posted: Option<&Posted>,
    errors: &ErrorList,
) -> Result<Vec<VictimRow>, WebError> {
    let t = context.texts;
    let mut rows = Vec::with_capacity(victims.len());
    for (i, victim) in victims.iter().enumerate() {
        let (name, key) = (victim_field(i), format!("victims[{i}].person_id"));
        let spec = PickerSpec { name: &name, key: &key, legend: "zsm.intake.victim_person", multiple: false };
        let mut picker = person_picker(state, me, t, spec, posted, errors).await?;
        picker.legend = format!("{} {}: {}", t.get("zsm.intake.victim"), i + 1, picker.legend);
        preset_chosen(state, me, &mut picker, &victim.person_id, "ZSM intake: victim").await?;
        let description_id = crate::forms::anchor(&format!("victims[{i}].description"));
        rows.push(VictimRow { picker, description: victim.description.clone(), description_id });
    }
    Ok(rows)
}

async fn intake_view(
    state: &AppState,
    me: &SignedIn,
    context: &RequestContext,
    form: IntakeForm,
    posted: Option<&Posted>,
    errors: ErrorList,
) -> Result<IntakePage, WebError> {
    let locations = own_locations(&state.zsm().locations().await?, &me.actor);
    let context = &context.in_pack(pack_of(state.config.pack, &locations));
    let packs: Vec<&str> = locations.iter().map(|l| l.pack.as_str()).collect();
    let lawyers = lawyer_choices(state, &packs).await?;
    let suspect = suspect_picker(state, me, context, posted, &form.suspect_id, &errors).await?;
    let form = padded(form);
    let victims = victim_rows(state, me, context, &form.victims, posted, &errors).await?;
    Ok(IntakePage {
        page: Page::new(context, context.texts.get("zsm.intake.title")),
        suspect,
        victims,
        form,
        locations,
        lawyers,
        errors: super::case::named_in_summary(errors, context.texts, &[("lawyer_id", "zsm.intake.lawyer")]),
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct IntakeQuery {
    location: String,
    suspect: String,
}

pub(super) async fn intake_page(
    State(state): State<AppState>,
    Member(me, context): Member,
    Query(query): Query<IntakeQuery>,
) -> Result<Response, WebError> {
    domain::zsm::service::Zsm::<store::Store>::may_register(&me.actor)?;
    let form = IntakeForm { location: query.location, suspect_id: query.suspect, ..Default::default() };
    ok(&intake_view(&state, &me, &context, form, None, ErrorList::default()).await?)
}

pub(super) async fn register(
    State(state): State<AppState>,
    Member(me, context): Member,
    posted: Posted,
) -> Result<Response, WebError> {
    let form = intake_form(&posted);
    if is_search(&posted) {
        // A search for the suspect within the form: nothing is registered yet.
        return ok(&intake_view(&state, &me, &context, form, Some(&posted), ErrorList::default()).await?);
    }
    domain::zsm::service::Zsm::<store::Store>::may_register(&me.actor)?;
    let result = state.zsm().register(&me.actor, &form).await.map(|id| format!("/zsm/cases/{id}"));
    after_post(result, context.texts, |errors| intake_view(&state, &me, &context, form, Some(&posted), errors)).await
}
