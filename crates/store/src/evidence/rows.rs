//! The extract's tables as rows of cells, the one description both import paths write from
//! (SQLite binds the cells to a prepared statement; PostgreSQL streams them as COPY CSV).
//! Rows arrive as an [`ExtractSource`]'s records; their persons and labels are positions in
//! its persons and label arenas, turned into text here. Dates are `YYYY-MM-DD` text, the form
//! the store's `Day` has on both backends.

use ::evidence::dataset::Dataset;
use ::evidence::date::{Day, NO_DAY, civil_from_days};
use ::evidence::extract::{EventRecord, ExtractSource, OffenceRecord, PersonOffence};

/// One value of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Cell<'a> {
    Null,
    Text(&'a str),
    Int(i64),
}

/// Every day from the extract's earliest to its latest as `YYYY-MM-DD`, back to back, so a
/// row's date cell is a slice of this text: formatting the dates of ten million offences
/// one by one cost the writing thread more than looking them up. Dates in a dataset come
/// from four-digit years, so the text is at most 3.7M days of ten bytes.
#[derive(Debug, Default)]
struct DayTexts {
    first: Day,
    text: String,
}

impl DayTexts {
    /// Every day from `first` to `last` (`NO_DAY` for none).
    fn new((first, last): (Day, Day)) -> DayTexts {
        if first == NO_DAY || last == NO_DAY || first > last {
            return DayTexts::default();
        }
        let mut text = String::with_capacity(10 * (last - first + 1) as usize);
        let mut out = [0u8; 10];
        for day in first..=last {
            text.push_str(day_text(day, &mut out).expect("a known day"));
        }
        DayTexts { first, text }
    }

    /// `day` as text, `Null` for an unknown day.
    fn cell(&self, day: Day) -> Cell<'_> {
        if day == NO_DAY {
            return Cell::Null;
        }
        let start = 10 * (day - self.first) as usize;
        Cell::Text(&self.text[start..start + 10])
    }
}

/// Writes `day` as `YYYY-MM-DD` into `out`; `None` for an unknown day. Dates in a dataset come
/// from four-digit years, so ten bytes always suffice.
fn day_text(day: Day, out: &mut [u8; 10]) -> Option<&str> {
    if day == NO_DAY {
        return None;
    }
    let (y, m, d) = civil_from_days(day);
    let y = y.clamp(0, 9999) as u32;
    let digits = [y / 1000, y / 100 % 10, y / 10 % 10, y % 10, 10, m / 10, m % 10, 10, d / 10, d % 10];
    for (byte, digit) in out.iter_mut().zip(digits) {
        *byte = if digit == 10 { b'-' } else { b'0' + digit as u8 };
    }
    std::str::from_utf8(out).ok()
}

/// What turns an extract's records into text: its persons and labels, and its days.
pub(super) struct Texts {
    labels: Dataset,
    days: DayTexts,
}

impl Texts {
    pub(super) fn new(source: &dyn ExtractSource) -> Texts {
        Texts { labels: source.labels(), days: DayTexts::new(source.day_range()) }
    }

    pub(super) fn person_count(&self) -> usize {
        self.labels.person_count()
    }
}

/// One of the store's extract tables, for an import path to write its rows.
pub(super) trait Table<const W: usize> {
    const NAME: &'static str;
    /// The `W` columns, in the order of the row's cells.
    const COLUMNS: &'static str;
    /// What makes the insert an upsert that writes only what changed: the update fires only
    /// when a column differs, so re-importing the same extract writes nothing.
    const CONFLICT: &'static str;
    type Row: Send;
    fn cells<'a>(texts: &'a Texts, row: &'a Self::Row) -> [Cell<'a>; W];
}

pub(super) struct PersonRows;
pub(super) struct OffenceRows;
pub(super) struct EventRows;
pub(super) struct OffenceByPersonRows;

impl Table<4> for PersonRows {
    const NAME: &'static str = "evidence_person";
    const COLUMNS: &'static str = "source_id, birth_date, sex, area";
    const CONFLICT: &'static str = " ON CONFLICT (source_id) DO UPDATE SET birth_date = excluded.birth_date, \
         sex = excluded.sex, area = excluded.area \
         WHERE evidence_person.birth_date IS DISTINCT FROM excluded.birth_date \
         OR evidence_person.sex <> excluded.sex OR evidence_person.area <> excluded.area";
    /// The person's position (in source-id order).
    type Row = u32;

    fn cells<'a>(texts: &'a Texts, &i: &'a u32) -> [Cell<'a>; 4] {
        let (data, p) = (&texts.labels, &texts.labels.persons);
        let k = i as usize;
        [
            Cell::Text(data.person_id(i)),
            texts.days.cell(p.birth_date[k]),
            Cell::Text(p.sex[k].as_str()),
            Cell::Text(Dataset::label(&data.areas, p.area[k])),
        ]
    }
}

impl Table<7> for OffenceRows {
    const NAME: &'static str = "evidence_offence";
    const COLUMNS: &'static str =
        "source_id, person_id, offence_date, outcome_date, outcome, offence_type, seriousness";
    const CONFLICT: &'static str = " ON CONFLICT (source_id) DO UPDATE SET person_id = excluded.person_id, \
         offence_date = excluded.offence_date, outcome_date = excluded.outcome_date, outcome = excluded.outcome, \
         offence_type = excluded.offence_type, seriousness = excluded.seriousness \
         WHERE evidence_offence.person_id <> excluded.person_id \
         OR evidence_offence.offence_date <> excluded.offence_date \
         OR evidence_offence.outcome_date IS DISTINCT FROM excluded.outcome_date \
         OR evidence_offence.outcome <> excluded.outcome \
         OR evidence_offence.offence_type <> excluded.offence_type \
         OR evidence_offence.seriousness IS DISTINCT FROM excluded.seriousness";
    type Row = OffenceRecord;

    fn cells<'a>(texts: &'a Texts, o: &'a OffenceRecord) -> [Cell<'a>; 7] {
        let data = &texts.labels;
        [
            Cell::Text(&o.id),
            Cell::Text(data.person_id(o.person)),
            texts.days.cell(o.offence_date),
            texts.days.cell(o.outcome_date),
            Cell::Text(o.outcome.as_str()),
            Cell::Text(Dataset::label(&data.offence_types, o.offence_type)),
            match o.seriousness {
                0 => Cell::Null,
                s => Cell::Int(i64::from(s)),
            },
        ]
    }
}

impl Table<2> for OffenceByPersonRows {
    const NAME: &'static str = "evidence_offence_by_person";
    const COLUMNS: &'static str = "person_id, source_id";
    /// Only ever loaded from empty (a non-empty table is kept up to date by its triggers).
    const CONFLICT: &'static str = " ON CONFLICT DO NOTHING";
    type Row = PersonOffence;

    fn cells<'a>(texts: &'a Texts, o: &'a PersonOffence) -> [Cell<'a>; 2] {
        [Cell::Text(texts.labels.person_id(o.person)), Cell::Text(&o.id)]
    }
}

impl Table<5> for EventRows {
    const NAME: &'static str = "evidence_index_event";
    const COLUMNS: &'static str = "person_id, index_date, kind, group_label, occurrence";
    /// Index events have no source id: identical rows are told apart by their occurrence.
    const CONFLICT: &'static str = " ON CONFLICT (person_id, index_date, kind, group_label, occurrence) DO NOTHING";
    type Row = EventRecord;

    fn cells<'a>(texts: &'a Texts, e: &'a EventRecord) -> [Cell<'a>; 5] {
        let data = &texts.labels;
        [
            Cell::Text(data.person_id(e.person)),
            texts.days.cell(e.index_date),
            Cell::Text(Dataset::label(&data.kinds, e.kind)),
            Cell::Text(Dataset::label(&data.groups, e.group)),
            Cell::Int(i64::from(e.occurrence)),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_written_as_the_store_writes_them() {
        let mut out = [0u8; 10];
        for text in ["1970-01-01", "2024-02-29", "0999-12-31", "2099-06-30"] {
            let day = ::evidence::date::parse_day(text.as_bytes()).unwrap();
            assert_eq!(day_text(day, &mut out), Some(text));
            let store = super::super::to_store_day(day).unwrap();
            assert_eq!(store.0.to_string(), text);
        }
        assert_eq!(day_text(NO_DAY, &mut out), None);
    }

    #[test]
    fn day_texts_cover_every_day_between_the_first_and_the_last() {
        let days: Vec<Day> = ["1899-12-31", "2024-02-29", "1970-01-01"]
            .iter()
            .map(|text| ::evidence::date::parse_day(text.as_bytes()).unwrap())
            .collect();
        let texts = DayTexts::new((days[0], days[1]));
        for (day, text) in days.iter().zip(["1899-12-31", "2024-02-29", "1970-01-01"]) {
            assert_eq!(texts.cell(*day), Cell::Text(text));
        }
        assert_eq!(texts.cell(days[0] + 1), Cell::Text("1900-01-01"));
        assert_eq!(texts.cell(NO_DAY), Cell::Null);
        assert_eq!(DayTexts::new((NO_DAY, NO_DAY)).cell(NO_DAY), Cell::Null);
    }
}
