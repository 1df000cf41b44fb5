//! Evidence extracts and cohort decisions, for the pages that read them.

use super::start_time;
use domain::jurisdiction::Lang;
use evidence::Dataset;
use evidence::membership::{Override, OverrideKind};
use store::Store;

/// An extract from the rows of its three CSV files, which must read cleanly:
/// persons `person_id,birth_date,sex,area`;
/// offences `offence_id,person_id,offence_date,outcome_date,outcome,offence_type,seriousness`;
/// events `person_id,index_date,kind,group`.
pub fn extract(persons: &str, offences: &str, events: &str) -> Dataset {
    let persons = format!("person_id,birth_date,sex,area\n{persons}");
    let offences =
        format!("offence_id,person_id,offence_date,outcome_date,outcome,offence_type,seriousness\n{offences}");
    let events = format!("person_id,index_date,kind,group\n{events}");
    let loaded = evidence::csv_io::read_dataset(persons.as_bytes(), offences.as_bytes(), events.as_bytes()).unwrap();
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    loaded.dataset
}

/// Imports `data` as the extract from `source`, at `start_time()`.
pub async fn import(store: &Store, data: &Dataset, source: &str) {
    store.import_extract(data, source, 0, start_time(), &|_| {}).await.unwrap();
}

/// The analyst "analist" selects `person` (the extract's id) into the ew-iom cohort from `from`
/// on police intelligence; the person's team, if any, is told in `lang`. How many teams were
/// told.
pub async fn select_into_ew_iom(store: &Store, person: &str, from: &str, lang: Lang) -> u64 {
    let decision = Override {
        person_id: person.into(),
        kind: OverrideKind::Select,
        from: evidence::date::parse_day(from.as_bytes()).unwrap(),
        until: None,
        reason: "police intelligence".into(),
        decided_by: "analist".into(),
    };
    let label = web::i18n::cohort_name_in(lang, "ew-iom");
    let notify = store::evidence::CohortNotify {
        by: Some("analist"),
        today: jiff::civil::date(2026, 11, 22),
        lang,
        rule_label: label.as_deref(),
    };
    store.add_cohort_override("ew-iom", &decision, start_time(), &notify).await.unwrap()
}
