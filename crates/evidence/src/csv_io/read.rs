//! Parsing the three CSV files into a [`Dataset`] with `csv::ByteRecord` (one record buffer
//! reused for every row; cells are only turned into owned text when they are stored).

use std::io::Read;

use super::id_index::IdIndex;
use super::{INDEX_EVENTS_FILE, Issue, OFFENCES_FILE, PERSONS_FILE};
use crate::dataset::{Dataset, Offences, Outcome, Sex};
use crate::date::{Day, NO_DAY, parse_day};
use crate::error::{EvidenceError, Result};
use crate::intern::{Interner, NONE, StringArena, hash_bytes};

/// The result of reading: the good rows as a dataset, plus every error and warning.
#[derive(Debug)]
pub struct Loaded {
    pub dataset: Dataset,
    pub errors: Vec<Issue>,
    pub warnings: Vec<Issue>,
}

impl Loaded {
    /// All-or-nothing: the dataset and the warnings, or every error.
    pub fn strict(self) -> Result<(Dataset, Vec<Issue>)> {
        if self.errors.is_empty() { Ok((self.dataset, self.warnings)) } else { Err(EvidenceError::Input(self.errors)) }
    }
}

/// Collects issues for one file and knows where each column is.
pub(super) struct FileReader<R: Read> {
    file: &'static str,
    reader: csv::Reader<R>,
    columns: Vec<Option<usize>>,
    field_count: usize,
    record: csv::ByteRecord,
    line: u64,
    /// Lines of the file before the part this reader reads (0 when it reads from the start,
    /// or when its caller adds them afterwards).
    lines_before: u64,
}

#[derive(Debug, Default)]
pub(super) struct Issues {
    pub(super) errors: Vec<Issue>,
    pub(super) warnings: Vec<Issue>,
}

impl Issues {
    pub(super) fn error(&mut self, file: &str, line: u64, column: usize, message: String) {
        self.errors.push(Issue { file: file.to_owned(), line, column, message });
    }
}

impl<R: Read> FileReader<R> {
    /// Reads the header; `None` when a required column is missing (the rows are not read then).
    pub(super) fn open(
        file: &'static str,
        input: R,
        known: &[(&str, bool)],
        issues: &mut Issues,
    ) -> Result<Option<FileReader<R>>> {
        let mut reader = csv::ReaderBuilder::new().flexible(true).buffer_capacity(1 << 20).from_reader(input);
        let header = reader.byte_headers()?.clone();
        let mut columns = vec![None; known.len()];
        for (position, name) in header.iter().enumerate() {
            let name = name.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(name);
            match known.iter().position(|(k, _)| k.as_bytes() == name) {
                Some(k) if columns[k].is_none() => columns[k] = Some(position),
                Some(_) => {
                    issues.error(file, 1, position + 1, format!("duplicate column '{}'", String::from_utf8_lossy(name)))
                }
                None => issues.warnings.push(Issue {
                    file: file.to_owned(),
                    line: 1,
                    column: position + 1,
                    message: format!("extra column '{}' ignored", String::from_utf8_lossy(name)),
                }),
            }
        }
        let mut complete = true;
        for ((name, required), column) in known.iter().zip(&columns) {
            if *required && column.is_none() {
                issues.error(file, 1, 1, format!("missing required column '{name}'"));
                complete = false;
            }
        }
        Ok(complete.then(|| FileReader {
            file,
            reader,
            columns,
            field_count: header.len(),
            record: csv::ByteRecord::new(),
            line: 1,
            lines_before: 0,
        }))
    }

    /// A reader of a later part of the same file, which starts at a line boundary after the
    /// header: its rows are read with this reader's columns. Its line numbers count from the
    /// start of the part; the caller adds the lines before it.
    pub(super) fn continuing<S: Read>(&self, input: S) -> FileReader<S> {
        self.continuing_after(input, 0)
    }

    /// A reader of a later part of the same file after `lines_before` lines (that part's
    /// start): its line numbers are the file's.
    pub(super) fn continuing_after<S: Read>(&self, input: S, lines_before: u64) -> FileReader<S> {
        FileReader {
            file: self.file,
            reader: csv::ReaderBuilder::new()
                .flexible(true)
                .has_headers(false)
                .buffer_capacity(1 << 20)
                .from_reader(input),
            columns: self.columns.clone(),
            field_count: self.field_count,
            record: csv::ByteRecord::new(),
            line: lines_before,
            lines_before,
        }
    }

    /// What the rows are read from.
    pub(super) fn input(&self) -> &R {
        self.reader.get_ref()
    }

    /// Where the offence id is in the file (1-based), for issues about it.
    pub(super) fn offence_id_column(&self) -> usize {
        self.columns[1].map_or(1, |i| i + 1)
    }

    /// Advances to the next record with the right number of fields.
    fn next(&mut self, issues: &mut Issues) -> Result<bool> {
        loop {
            if !self.reader.read_byte_record(&mut self.record)? {
                return Ok(false);
            }
            self.line = self.record.position().map_or(self.line + 1, |p| self.lines_before + p.line());
            if self.record.len() == self.field_count {
                return Ok(true);
            }
            issues.error(
                self.file,
                self.line,
                self.record.len().min(self.field_count) + 1,
                format!("expected {} fields but found {}", self.field_count, self.record.len()),
            );
        }
    }

    /// The cell as written before it was neutralised against spreadsheet formulas.
    fn cell(&self, column: usize) -> &[u8] {
        super::restore(self.columns[column].map_or(b"", |i| self.record.get(i).unwrap_or(b"")))
    }

    fn error(&self, issues: &mut Issues, column: usize, message: String) {
        let position = self.columns[column].map_or(1, |i| i + 1);
        issues.error(self.file, self.line, position, message);
    }

    fn text(&self, issues: &mut Issues, column: usize, name: &str) -> Option<&str> {
        match std::str::from_utf8(self.cell(column)) {
            Ok(text) => Some(text),
            Err(_) => {
                self.error(issues, column, format!("{name} is not valid UTF-8"));
                None
            }
        }
    }

    fn required_text(&self, issues: &mut Issues, column: usize, name: &str) -> Option<&str> {
        let text = self.text(issues, column, name)?;
        if text.is_empty() {
            self.error(issues, column, format!("empty {name} (required)"));
            return None;
        }
        Some(text)
    }

    fn date(&self, issues: &mut Issues, column: usize, name: &str, required: bool) -> Option<Day> {
        let cell = self.cell(column);
        if cell.is_empty() {
            if required {
                self.error(issues, column, format!("empty {name} (required)"));
                return None;
            }
            return Some(NO_DAY);
        }
        let day = parse_day(cell);
        if day.is_none() {
            self.error(issues, column, format!("bad date '{}' in {name} (expected YYYY-MM-DD)", show(cell)));
        }
        day
    }

    fn label(&self, issues: &mut Issues, column: usize, name: &str, interner: &mut Interner) -> Option<u32> {
        let text = self.text(issues, column, name)?;
        Some(if text.is_empty() { NONE } else { interner.intern(text) })
    }
}

fn show(cell: &[u8]) -> String {
    String::from_utf8_lossy(cell).into_owned()
}

/// Resolves a person id cell to the sorted person index, reporting unknown persons. Shared
/// by the threads that read parts of the offence file; each keeps its own `last` row.
pub(super) struct PersonLookup {
    index: IdIndex,
    file_order_ids: StringArena,
    sorted_of_file_row: Vec<u32>,
}

impl PersonLookup {
    /// `last`: the file row of the last person this reader resolved (`NONE` at first).
    fn resolve<R: Read>(&self, reader: &FileReader<R>, issues: &mut Issues, what: &str, last: &mut u32) -> Option<u32> {
        let cell = reader.cell(0);
        if cell.is_empty() {
            reader.error(issues, 0, "empty person_id (required)".into());
            return None;
        }
        // Extracts usually list a person's rows together: try the previous person first.
        if *last != NONE && self.file_order_ids.get(*last).as_bytes() == cell {
            return Some(self.sorted_of_file_row[*last as usize]);
        }
        match self.index.get(cell, &self.file_order_ids) {
            Some(row) => {
                *last = row;
                Some(self.sorted_of_file_row[row as usize])
            }
            None => {
                reader.error(issues, 0, format!("{what} for unknown person '{}' (not in persons.csv)", show(cell)));
                None
            }
        }
    }
}

/// Reads persons, offences and index events; good rows become the dataset, bad rows issues.
pub fn read_dataset(persons: impl Read, offences: impl Read, index_events: impl Read) -> Result<Loaded> {
    read_dataset_sized(persons, offences, index_events, SizeHint::default())
}

/// Expected input sizes in bytes (e.g. from file metadata), used to size the id indexes up
/// front: growing a 10M-entry hash index costs more than filling it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SizeHint {
    pub persons_bytes: u64,
    pub offences_bytes: u64,
}

/// Like [`read_dataset`], with a size hint.
pub fn read_dataset_sized(
    persons: impl Read,
    offences: impl Read,
    index_events: impl Read,
    hint: SizeHint,
) -> Result<Loaded> {
    let offences_expected = expected_offences(hint.offences_bytes);
    read_with(persons, hint, index_events, |lookup, dataset, issues| {
        read_offences(offences, offences_expected, lookup, dataset, issues)
    })
}

/// Offence rows to make room for in `bytes` of offence file. Rows are at least ~40 bytes;
/// overestimating only costs memory that the columns would reach when growing anyway.
pub(super) fn expected_offences(bytes: u64) -> usize {
    (bytes / 40) as usize
}

/// Reads persons, then the offences by `read_offences` (from one reader, or in parts on
/// several threads), then the index events.
pub(super) fn read_with(
    persons: impl Read,
    hint: SizeHint,
    index_events: impl Read,
    read_offences: impl FnOnce(&PersonLookup, &mut Dataset, &mut Issues) -> Result<()>,
) -> Result<Loaded> {
    let mut issues = Issues::default();
    let mut dataset = Dataset::default();
    // Rows are at least ~16 bytes: see above.
    let persons_expected = (hint.persons_bytes / 16) as usize;
    let lookup = read_persons(persons, persons_expected, &mut dataset, &mut issues)?;
    read_offences(&lookup, &mut dataset, &mut issues)?;
    read_index_events(index_events, &lookup, &mut dataset, &mut issues)?;
    // Duplicates are reported after their file is read; list every issue in file order.
    let rank = |file: &str| [PERSONS_FILE, OFFENCES_FILE, INDEX_EVENTS_FILE].iter().position(|f| *f == file);
    issues.errors.sort_by_key(|i| (rank(&i.file), i.line, i.column));
    Ok(Loaded { dataset: dataset.canonicalise(), errors: issues.errors, warnings: issues.warnings })
}

pub(super) fn read_persons(
    input: impl Read,
    expected_rows: usize,
    dataset: &mut Dataset,
    issues: &mut Issues,
) -> Result<PersonLookup> {
    const COLUMNS: [(&str, bool); 4] = [("person_id", true), ("birth_date", false), ("sex", false), ("area", false)];
    let mut ids = StringArena::default();
    let mut index = IdIndex::with_capacity(expected_rows.max(1024));
    let (mut birth, mut sexes, mut areas_col) = (Vec::new(), Vec::new(), Vec::new());
    let mut areas = Interner::default();
    if let Some(mut r) = FileReader::open(PERSONS_FILE, input, &COLUMNS, issues)? {
        while r.next(issues)? {
            let id = r.required_text(issues, 0, "person_id");
            let birth_date = r.date(issues, 1, "birth_date", false);
            let sex = Sex::parse(r.cell(2));
            if sex.is_none() {
                let message = format!("unknown sex '{}' (expected F, M, X or empty)", show(r.cell(2)));
                r.error(issues, 2, message);
            }
            let area = r.label(issues, 3, "area", &mut areas);
            let (Some(id), Some(birth_date), Some(sex), Some(area)) = (id, birth_date, sex, area) else {
                continue;
            };
            // One probe: push, insert, and take the text back out on a duplicate.
            let row = ids.push(id);
            if index.insert(row, &ids).is_err() {
                ids.pop();
                r.error(issues, 0, format!("duplicate person_id '{id}'"));
                continue;
            }
            birth.push(birth_date);
            sexes.push(sex);
            areas_col.push(area);
        }
    }
    let mut order: Vec<u32> = (0..ids.len() as u32).collect();
    order.sort_unstable_by(|&a, &b| ids.get(a).cmp(ids.get(b)));
    let mut sorted_of_file_row = vec![0u32; order.len()];
    for (sorted, &row) in order.iter().enumerate() {
        sorted_of_file_row[row as usize] = sorted as u32;
    }
    let persons = std::sync::Arc::make_mut(&mut dataset.persons);
    persons.ids = ids.permuted(&order);
    persons.birth_date = order.iter().map(|&i| birth[i as usize]).collect();
    persons.sex = order.iter().map(|&i| sexes[i as usize]).collect();
    persons.area = order.iter().map(|&i| areas_col[i as usize]).collect();
    dataset.areas = areas.into_arena();
    Ok(PersonLookup { index, file_order_ids: ids, sorted_of_file_row })
}

pub(super) const OFFENCE_COLUMNS: [(&str, bool); 7] = [
    ("person_id", true),
    ("offence_id", true),
    ("offence_date", true),
    ("outcome_date", false),
    ("outcome", true),
    ("offence_type", false),
    ("seriousness", false),
];

pub(super) fn read_offences(
    input: impl Read,
    expected_rows: usize,
    lookup: &PersonLookup,
    dataset: &mut Dataset,
    issues: &mut Issues,
) -> Result<()> {
    let Some(mut r) = FileReader::open(OFFENCES_FILE, input, &OFFENCE_COLUMNS, issues)? else {
        return Ok(());
    };
    let rows = read_offence_rows(&mut r, expected_rows, lookup, issues)?;
    finish_offences(rows, r.offence_id_column(), dataset, issues);
    Ok(())
}

/// The good offence rows of (a part of) the offence file, before duplicate ids are checked.
#[derive(Debug, Default)]
pub(super) struct OffenceRows {
    pub(super) offences: Offences,
    pub(super) types: Interner,
    /// (hash of the id, row): duplicates are found after reading by sorting these pairs,
    /// sequential memory access that is much cheaper at 10M rows than probing a hash table.
    pub(super) id_hashes: Vec<(u64, u32)>,
    /// Each row's line in the file.
    pub(super) lines: Vec<u64>,
}

/// One good offence row, its cells borrowed from the reader.
pub(super) struct OffenceRow<'r> {
    pub(super) id: &'r str,
    pub(super) person: u32,
    pub(super) offence_date: Day,
    pub(super) outcome_date: Day,
    pub(super) outcome: Outcome,
    pub(super) offence_type: u32,
    pub(super) seriousness: u8,
    pub(super) line: u64,
}

/// Reads every remaining row of `r`.
pub(super) fn read_offence_rows<R: Read>(
    r: &mut FileReader<R>,
    expected_rows: usize,
    lookup: &PersonLookup,
    issues: &mut Issues,
) -> Result<OffenceRows> {
    let mut out = OffenceRows {
        id_hashes: Vec::with_capacity(expected_rows),
        lines: Vec::with_capacity(expected_rows),
        ..OffenceRows::default()
    };
    let mut types = std::mem::take(&mut out.types);
    for_each_offence(r, lookup, issues, &mut types, |row| {
        let o = &mut out.offences;
        let index = o.ids.push(row.id);
        out.id_hashes.push((hash_bytes(row.id.as_bytes()), index));
        out.lines.push(row.line);
        o.person.push(row.person);
        o.offence_date.push(row.offence_date);
        o.outcome_date.push(row.outcome_date);
        o.outcome.push(row.outcome);
        o.offence_type.push(row.offence_type);
        o.seriousness.push(row.seriousness);
        Ok(())
    })?;
    out.types = types;
    Ok(out)
}

/// Checks every remaining row of `r`, reporting the bad ones, and hands each good one to `f`.
pub(super) fn for_each_offence<R: Read>(
    r: &mut FileReader<R>,
    lookup: &PersonLookup,
    issues: &mut Issues,
    types: &mut Interner,
    mut f: impl FnMut(OffenceRow<'_>) -> Result<()>,
) -> Result<()> {
    let mut last = NONE;
    while r.next(issues)? {
        let person = lookup.resolve(r, issues, "offence", &mut last);
        let id = r.required_text(issues, 1, "offence_id");
        let offence_date = r.date(issues, 2, "offence_date", true);
        let mut outcome_date = r.date(issues, 3, "outcome_date", false);
        // An outcome cannot come before the offence: a swapped or mistyped date, which would
        // make the offence count as proven before it was committed.
        if let (Some(committed), Some(decided)) = (offence_date, outcome_date)
            && decided != NO_DAY
            && decided < committed
        {
            let message = format!(
                "outcome_date {} is before offence_date {} (an outcome cannot come before the offence)",
                show(r.cell(3)),
                show(r.cell(2))
            );
            r.error(issues, 3, message);
            outcome_date = None;
        }
        let outcome = Outcome::parse(r.cell(4));
        if outcome.is_none() {
            let message = format!(
                "unknown outcome '{}' (expected one of conviction, caution, penalty_order, \
                 conditional_dismissal, dismissal, acquittal, pending)",
                show(r.cell(4))
            );
            r.error(issues, 4, message);
        }
        let offence_type = r.label(issues, 5, "offence_type", types);
        let seriousness = parse_seriousness(r.cell(6));
        if seriousness.is_none() {
            let message =
                format!("seriousness '{}' out of range (expected an integer 1 to 10, or empty)", show(r.cell(6)));
            r.error(issues, 6, message);
        }
        let (
            Some(person),
            Some(id),
            Some(offence_date),
            Some(outcome_date),
            Some(outcome),
            Some(offence_type),
            Some(seriousness),
        ) = (person, id, offence_date, outcome_date, outcome, offence_type, seriousness)
        else {
            continue;
        };
        let line = r.line;
        f(OffenceRow { id, person, offence_date, outcome_date, outcome, offence_type, seriousness, line })?;
    }
    Ok(())
}

/// The offences and their types into the dataset, every repeated offence id reported and dropped.
pub(super) fn finish_offences(rows: OffenceRows, id_column: usize, dataset: &mut Dataset, issues: &mut Issues) {
    dataset.offences = std::sync::Arc::new(rows.offences);
    dataset.offence_types = rows.types.into_arena();
    let offences = std::sync::Arc::make_mut(&mut dataset.offences);
    super::duplicates::drop_duplicate_offences(offences, rows.id_hashes, &rows.lines, id_column, issues);
}

/// 1..=10, or 0 for an empty cell; `None` for anything else.
fn parse_seriousness(cell: &[u8]) -> Option<u8> {
    match cell {
        b"" => Some(0),
        b"10" => Some(10),
        [d @ b'1'..=b'9'] => Some(d - b'0'),
        _ => None,
    }
}

fn read_index_events(
    input: impl Read,
    lookup: &PersonLookup,
    dataset: &mut Dataset,
    issues: &mut Issues,
) -> Result<()> {
    let (mut kinds, mut groups) = (Interner::default(), Interner::default());
    let e = &mut dataset.index_events;
    for_each_index_event(input, lookup, issues, (&mut kinds, &mut groups), |row| {
        e.person.push(row.person);
        e.index_date.push(row.index_date);
        e.kind.push(row.kind);
        e.group.push(row.group);
        Ok(())
    })?;
    dataset.kinds = kinds.into_arena();
    dataset.groups = groups.into_arena();
    Ok(())
}

/// One good index event row: its person, date, kind and group (`NONE` for unknown).
pub(super) struct EventRow {
    pub(super) person: u32,
    pub(super) index_date: Day,
    pub(super) kind: u32,
    pub(super) group: u32,
    pub(super) line: u64,
}

/// Checks every row of the index event file, reporting the bad ones, and hands each good one
/// to `f`, its kind and group interned in `labels`.
pub(super) fn for_each_index_event(
    input: impl Read,
    lookup: &PersonLookup,
    issues: &mut Issues,
    (kinds, groups): (&mut Interner, &mut Interner),
    mut f: impl FnMut(EventRow) -> Result<()>,
) -> Result<()> {
    const COLUMNS: [(&str, bool); 4] = [("person_id", true), ("index_date", true), ("kind", false), ("group", false)];
    let Some(mut r) = FileReader::open(INDEX_EVENTS_FILE, input, &COLUMNS, issues)? else {
        return Ok(());
    };
    let mut last = NONE;
    while r.next(issues)? {
        let person = lookup.resolve(&r, issues, "index event", &mut last);
        let date = r.date(issues, 1, "index_date", true);
        let kind = r.label(issues, 2, "kind", kinds);
        let group = r.label(issues, 3, "group", groups);
        let (Some(person), Some(index_date), Some(kind), Some(group)) = (person, date, kind, group) else {
            continue;
        };
        f(EventRow { person, index_date, kind, group, line: r.line })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seriousness_accepts_only_one_to_ten() {
        assert_eq!(parse_seriousness(b""), Some(0));
        assert_eq!(parse_seriousness(b"1"), Some(1));
        assert_eq!(parse_seriousness(b"10"), Some(10));
        for bad in [&b"0"[..], b"11", b"-1", b"01", b"x"] {
            assert_eq!(parse_seriousness(bad), None);
        }
    }
}
