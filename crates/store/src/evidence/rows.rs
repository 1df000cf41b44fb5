//! The extract's tables as rows of cells, the one description both import paths write from
//! (SQLite binds the cells to a prepared statement; PostgreSQL streams them as COPY CSV).
//! Dates are `YYYY-MM-DD` text, the form the store's `Day` has on both backends.

use ::evidence::dataset::Dataset;
use ::evidence::date::{Day, NO_DAY, civil_from_days};

/// One value of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Cell<'a> {
    Null,
    Text(&'a str),
    Int(i64),
}

/// Every day from the dataset's earliest to its latest as `YYYY-MM-DD`, back to back, so a
/// row's date cell is a slice of this text: formatting the dates of ten million offences
/// one by one cost the writing thread more than looking them up. Dates in a dataset come
/// from four-digit years, so the text is at most 3.7M days of ten bytes.
#[derive(Debug, Default)]
struct DayTexts {
    first: Day,
    text: String,
}

impl DayTexts {
    fn new(days: impl IntoIterator<Item = Day>) -> DayTexts {
        let (mut first, mut last) = (Day::MAX, Day::MIN);
        for day in days.into_iter().filter(|&day| day != NO_DAY) {
            first = first.min(day);
            last = last.max(day);
        }
        if first > last {
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

/// A dataset seen as the store's three tables.
pub(super) struct ExtractRows<'a> {
    data: &'a Dataset,
    /// Per index event (canonical order), its occurrence among identical rows (1, 2, …).
    occurrence: Vec<i64>,
    days: DayTexts,
}

/// The orders SQLite's offence tables are written in, each its table's key order: inserted in
/// key order, a B-tree grows at its right edge instead of splitting pages all over it, which
/// at ten million rows is most of the cost. The dataset keeps offences by person and date.
pub(super) struct OffenceOrders {
    /// By source id (`evidence_offence`).
    by_id: Vec<u32>,
    /// By person, then source id (`evidence_offence_by_person`); empty unless asked for,
    /// since the importer writes that table only into an empty one.
    by_person: Vec<u32>,
}

impl OffenceOrders {
    pub(super) fn new(data: &Dataset, with_by_person: bool) -> OffenceOrders {
        let o = &data.offences;
        let mut by_person: Vec<u32> = if with_by_person { (0..o.person.len() as u32).collect() } else { Vec::new() };
        for run in by_person.chunk_by_mut(|&a, &b| o.person[a as usize] == o.person[b as usize]) {
            run.sort_unstable_by(|&a, &b| o.ids.get(a).cmp(o.ids.get(b)));
        }
        OffenceOrders { by_id: id_order(&o.ids), by_person }
    }
}

/// The positions `0..ids.len()` sorted by the id's bytes. Sorts (first eight bytes, position)
/// pairs, then only the runs that share those bytes by the whole id: ids of an extract mostly
/// differ early, and comparing integers beats chasing strings through the arena.
fn id_order(ids: &::evidence::intern::StringArena) -> Vec<u32> {
    let prefix = |i: u32| {
        let mut key = [0u8; 8];
        let bytes = ids.get(i).as_bytes();
        let n = bytes.len().min(8);
        key[..n].copy_from_slice(&bytes[..n]);
        u64::from_be_bytes(key)
    };
    let mut keyed: Vec<(u64, u32)> = (0..ids.len() as u32).map(|i| (prefix(i), i)).collect();
    keyed.sort_unstable();
    let mut order: Vec<u32> = keyed.iter().map(|&(_, i)| i).collect();
    let mut start = 0;
    while start < keyed.len() {
        let end = start + keyed[start..].iter().take_while(|(k, _)| *k == keyed[start].0).count();
        if end - start > 1 {
            order[start..end].sort_unstable_by(|&a, &b| ids.get(a).cmp(ids.get(b)));
        }
        start = end;
    }
    order
}

impl<'a> ExtractRows<'a> {
    pub(super) fn new(data: &'a Dataset) -> ExtractRows<'a> {
        let e = &data.index_events;
        let mut occurrence: Vec<i64> = Vec::with_capacity(e.person.len());
        for i in 0..e.person.len() {
            let same = i > 0
                && e.person[i] == e.person[i - 1]
                && e.index_date[i] == e.index_date[i - 1]
                && e.kind[i] == e.kind[i - 1]
                && e.group[i] == e.group[i - 1];
            occurrence.push(if same { occurrence[i - 1] + 1 } else { 1 });
        }
        let (p, o) = (&data.persons, &data.offences);
        let days = DayTexts::new(
            p.birth_date.iter().chain(&o.offence_date).chain(&o.outcome_date).chain(&e.index_date).copied(),
        );
        ExtractRows { data, occurrence, days }
    }

    pub(super) fn data(&self) -> &'a Dataset {
        self.data
    }

    pub(super) fn persons(&self) -> PersonRows<'_> {
        PersonRows(self)
    }

    /// The offences in the order the dataset keeps them.
    pub(super) fn offences(&self) -> OffenceRows<'_> {
        OffenceRows { rows: self, order: None }
    }

    /// The offences in source-id order.
    pub(super) fn offences_by_id<'s>(&'s self, orders: &'s OffenceOrders) -> OffenceRows<'s> {
        OffenceRows { rows: self, order: Some(&orders.by_id) }
    }

    pub(super) fn index_events(&self) -> EventRows<'_> {
        EventRows(self)
    }

    /// SQLite's `evidence_offence_by_person`, written by the importer only into an empty table.
    pub(super) fn offences_by_person<'s>(&'s self, orders: &'s OffenceOrders) -> OffenceByPersonRows<'s> {
        OffenceByPersonRows { rows: self, order: &orders.by_person }
    }
}

/// One of the store's extract tables, row by row, for an import path to write.
pub(super) trait Table<const W: usize> {
    const NAME: &'static str;
    /// The `W` columns, in the order of the row's cells.
    const COLUMNS: &'static str;
    /// What makes the insert an upsert that writes only what changed: the update fires only
    /// when a column differs, so re-importing the same extract writes nothing.
    const CONFLICT: &'static str;
    fn len(&self) -> usize;
    fn row(&self, i: usize) -> [Cell<'_>; W];
}

pub(super) struct PersonRows<'a>(pub(super) &'a ExtractRows<'a>);
pub(super) struct OffenceRows<'a> {
    rows: &'a ExtractRows<'a>,
    order: Option<&'a [u32]>,
}
pub(super) struct EventRows<'a>(&'a ExtractRows<'a>);
pub(super) struct OffenceByPersonRows<'a> {
    rows: &'a ExtractRows<'a>,
    order: &'a [u32],
}

impl Table<4> for PersonRows<'_> {
    const NAME: &'static str = "evidence_person";
    const COLUMNS: &'static str = "source_id, birth_date, sex, area";
    const CONFLICT: &'static str = " ON CONFLICT (source_id) DO UPDATE SET birth_date = excluded.birth_date, \
         sex = excluded.sex, area = excluded.area \
         WHERE evidence_person.birth_date IS DISTINCT FROM excluded.birth_date \
         OR evidence_person.sex <> excluded.sex OR evidence_person.area <> excluded.area";

    fn len(&self) -> usize {
        self.0.data.person_count()
    }

    /// Person `i` (in source-id order).
    fn row(&self, i: usize) -> [Cell<'_>; 4] {
        let (data, p) = (self.0.data, &self.0.data.persons);
        [
            Cell::Text(data.person_id(i as u32)),
            self.0.days.cell(p.birth_date[i]),
            Cell::Text(p.sex[i].as_str()),
            Cell::Text(Dataset::label(&data.areas, p.area[i])),
        ]
    }
}

impl Table<7> for OffenceRows<'_> {
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

    fn len(&self) -> usize {
        self.rows.data.offence_count()
    }

    /// The `i`-th offence in this table's order.
    fn row(&self, i: usize) -> [Cell<'_>; 7] {
        let (data, o) = (self.rows.data, &self.rows.data.offences);
        let i = self.order.map_or(i, |order| order[i] as usize);
        [
            Cell::Text(o.ids.get(i as u32)),
            Cell::Text(data.person_id(o.person[i])),
            self.rows.days.cell(o.offence_date[i]),
            self.rows.days.cell(o.outcome_date[i]),
            Cell::Text(o.outcome[i].as_str()),
            Cell::Text(Dataset::label(&data.offence_types, o.offence_type[i])),
            match o.seriousness[i] {
                0 => Cell::Null,
                s => Cell::Int(i64::from(s)),
            },
        ]
    }
}

impl Table<2> for OffenceByPersonRows<'_> {
    const NAME: &'static str = "evidence_offence_by_person";
    const COLUMNS: &'static str = "person_id, source_id";
    /// Only ever loaded from empty (a non-empty table is kept up to date by its triggers).
    const CONFLICT: &'static str = " ON CONFLICT DO NOTHING";

    fn len(&self) -> usize {
        self.rows.data.offence_count()
    }

    fn row(&self, i: usize) -> [Cell<'_>; 2] {
        let (data, o) = (self.rows.data, &self.rows.data.offences);
        let i = self.order[i];
        [Cell::Text(data.person_id(o.person[i as usize])), Cell::Text(o.ids.get(i))]
    }
}

impl Table<5> for EventRows<'_> {
    const NAME: &'static str = "evidence_index_event";
    const COLUMNS: &'static str = "person_id, index_date, kind, group_label, occurrence";
    /// Index events have no source id: identical rows are told apart by their occurrence.
    const CONFLICT: &'static str = " ON CONFLICT (person_id, index_date, kind, group_label, occurrence) DO NOTHING";

    fn len(&self) -> usize {
        self.0.data.index_event_count()
    }

    fn row(&self, i: usize) -> [Cell<'_>; 5] {
        let (data, e) = (self.0.data, &self.0.data.index_events);
        [
            Cell::Text(data.person_id(e.person[i])),
            self.0.days.cell(e.index_date[i]),
            Cell::Text(Dataset::label(&data.kinds, e.kind[i])),
            Cell::Text(Dataset::label(&data.groups, e.group[i])),
            Cell::Int(self.0.occurrence[i]),
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
        let texts = DayTexts::new(days.iter().copied().chain([NO_DAY]));
        for (day, text) in days.iter().zip(["1899-12-31", "2024-02-29", "1970-01-01"]) {
            assert_eq!(texts.cell(*day), Cell::Text(text));
        }
        assert_eq!(texts.cell(days[0] + 1), Cell::Text("1900-01-01"));
        assert_eq!(texts.cell(NO_DAY), Cell::Null);
        assert_eq!(DayTexts::new([NO_DAY]).cell(NO_DAY), Cell::Null);
    }

    #[test]
    fn offences_are_ordered_by_the_bytes_of_their_ids() {
        let mut ids = ::evidence::intern::StringArena::default();
        let texts = ["O10", "O1", "O100000000", "O10000000", "O100000001", "", "O2", "Ö", "O1000000010", "A"];
        for text in texts {
            ids.push(text);
        }
        let ordered: Vec<&str> = id_order(&ids).into_iter().map(|i| ids.get(i)).collect();
        let mut expected = texts.to_vec();
        expected.sort();
        assert_eq!(ordered, expected);
    }
}
