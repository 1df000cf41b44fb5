//! The offence file of a streamed import read in parts on several threads. Parsing and
//! checking it was most of an import's own work (ten offences a person) and ran on one core
//! while SQLite waited for it; now each part is parsed on a thread of its own into external
//! sorts of its own, which are joined when every part is read.
//!
//! The file is cut at line ends, one part per thread. A first pass (in parallel) counts each
//! part's lines and looks for quote characters: a line end is a row end only outside quotes,
//! so a file with any quote is read by one reader, as before (extracts of ids, dates and
//! labels have none). Knowing the lines before each part, every part reports its rows and
//! problems at the file's own line numbers. Offence types are interned per part and made the
//! file's when the offences are read back ([`PartTypes`]), in the order one reader would have
//! met them. The sorts' order (offence id, then line) does not depend on which part read a
//! row, so what is imported is what one reader gives, to the byte.

use std::io::Read;
use std::path::Path;

use super::OFFENCES_FILE;
use super::parallel::Source;
use super::read::{FileReader, Issues, OFFENCE_COLUMNS, PersonLookup, for_each_offence};
use crate::date::Day;
use crate::error::{EvidenceError, Result};
use crate::extract::{OffenceRecord, PersonOffence};
use crate::intern::{Interner, StringArena};
use crate::spill::Sorter;

/// Offence files smaller than this are read by one thread: starting threads, and sorting in
/// more, smaller runs, would cost more than it saves.
pub(super) const PARALLEL_FROM_BYTES: u64 = 8 << 20;

/// The earliest and latest known day seen.
#[derive(Debug, Clone, Copy)]
pub(super) struct DayRange(Day, Day);

impl Default for DayRange {
    fn default() -> DayRange {
        DayRange(Day::MAX, Day::MIN)
    }
}

impl DayRange {
    pub(super) fn add(&mut self, day: Day) {
        if day != crate::date::NO_DAY {
            self.0 = self.0.min(day);
            self.1 = self.1.max(day);
        }
    }

    pub(super) fn join(self, other: DayRange) -> DayRange {
        DayRange(self.0.min(other.0), self.1.max(other.1))
    }

    pub(super) fn range(self) -> (Day, Day) {
        if self.0 > self.1 { (crate::date::NO_DAY, crate::date::NO_DAY) } else { (self.0, self.1) }
    }
}

/// Each part's offence types as the file's: the part a record came from is found by its line.
#[derive(Debug, Default)]
pub(super) struct PartTypes {
    /// The first line of each part after the first (ascending).
    starts: Vec<u64>,
    /// Per part, its type ids as the file's; empty for the first part (they are the file's).
    file_ids: Vec<Vec<u32>>,
}

impl PartTypes {
    /// The file's id of the offence type `id` of the record read from `line`.
    pub(super) fn file_id(&self, line: u64, id: u32) -> u32 {
        let part = self.starts.partition_point(|&start| start <= line);
        match self.file_ids.get(part) {
            Some(ids) if !ids.is_empty() => ids.get(id as usize).copied().unwrap_or(id),
            _ => id,
        }
    }
}

/// What reading the offence file gave.
pub(super) struct OffencesRead {
    pub(super) offences: Sorter<OffenceRecord>,
    pub(super) by_person: Option<Sorter<PersonOffence>>,
    pub(super) types: StringArena,
    pub(super) part_types: PartTypes,
    pub(super) id_column: usize,
    pub(super) days: DayRange,
}

/// What one reader of (a part of) the offence file gave.
struct PartRead {
    offences: Sorter<OffenceRecord>,
    by_person: Option<Sorter<PersonOffence>>,
    types: Interner,
    issues: Issues,
    days: DayRange,
}

/// Checks every row `r` reads and hands the good ones to sorts keeping `limit` records each
/// in memory.
fn read_part<R: Read>(
    r: &mut FileReader<R>,
    lookup: &PersonLookup,
    limit: usize,
    by_person: bool,
    mut issues: Issues,
) -> Result<PartRead> {
    let mut offences = Sorter::new(limit);
    let mut by_person = by_person.then(|| Sorter::new(limit));
    let mut types = Interner::default();
    let mut days = DayRange::default();
    for_each_offence(r, lookup, &mut issues, &mut types, |row| {
        days.add(row.offence_date);
        days.add(row.outcome_date);
        if let Some(by_person) = &mut by_person {
            by_person.push(PersonOffence { person: row.person, id: row.id.into(), line: row.line })?;
        }
        offences.push(OffenceRecord {
            id: row.id.into(),
            line: row.line,
            person: row.person,
            offence_date: row.offence_date,
            outcome_date: row.outcome_date,
            outcome: row.outcome,
            offence_type: row.offence_type,
            seriousness: row.seriousness,
        })
    })?;
    Ok(PartRead { offences, by_person, types, issues, days })
}

/// Reads the offence file at `path` in up to `parts` parts (one reader when the file is
/// small, has one line, or holds a quote), its problems added to `issues`.
pub(super) fn read_offences(
    path: &Path,
    parts: usize,
    lookup: &PersonLookup,
    limit: usize,
    by_person: bool,
    issues: &mut Issues,
) -> Result<OffencesRead> {
    let source = Source::File(path);
    let len = source.len()?;
    let bounds = if parts > 1 { cut(&source, len, parts)? } else { vec![0, len] };
    let lines = if bounds.len() > 2 { scan(&source, &bounds)? } else { None };
    let Some(lines) = lines else {
        return read_whole(source.range(0, len)?, lookup, limit, by_person, issues);
    };
    let mut header_issues = Issues::default();
    let Some(mut first) =
        FileReader::open(OFFENCES_FILE, source.range(0, bounds[1])?, &OFFENCE_COLUMNS, &mut header_issues)?
    else {
        append(issues, header_issues);
        return Ok(nothing(limit, by_person));
    };
    let id_column = first.offence_id_column();
    let mut rest = Vec::new();
    for (k, pair) in bounds[1..].windows(2).enumerate() {
        rest.push(first.continuing_after(source.range(pair[0], pair[1])?, lines[k + 1]));
    }
    let part_limit = (limit / (rest.len() + 1)).max(1);
    let read: Vec<Result<PartRead>> = std::thread::scope(|scope| {
        let others: Vec<_> = rest
            .iter_mut()
            .map(|reader| scope.spawn(move || read_part(reader, lookup, part_limit, by_person, Issues::default())))
            .collect();
        let mut read = vec![read_part(&mut first, lookup, part_limit, by_person, header_issues)];
        read.extend(others.into_iter().map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))));
        read
    });
    let read: Vec<PartRead> = read.into_iter().collect::<Result<_>>()?;
    // The first line of each later part: one after the lines before it.
    let starts = lines[1..].iter().map(|&before| before + 1).collect();
    join(read, starts, id_column, limit, issues)
}

/// The offset of a line start near each `k/parts` of the file: `[0, …, len]`, ascending.
fn cut(source: &Source<'_>, len: u64, parts: usize) -> Result<Vec<u64>> {
    let mut bounds = vec![0];
    for k in 1..parts as u64 {
        let at = source.line_start_after(len * k / parts as u64, len)?;
        if at > *bounds.last().expect("starts with 0") && at < len {
            bounds.push(at);
        }
    }
    bounds.push(len);
    Ok(bounds)
}

/// The lines before each part (`[0, …]`, one per part), or `None` when a quote character
/// was seen anywhere (a quoted field may hold a line end, so the cuts may fall inside a row).
fn scan(source: &Source<'_>, bounds: &[u64]) -> Result<Option<Vec<u64>>> {
    let count = |start: u64, end: u64| -> Result<(u64, bool)> {
        let mut input = source.range(start, end)?;
        let mut buffer = vec![0u8; 256 << 10];
        let (mut lines, mut quoted) = (0u64, false);
        loop {
            let n = input.read(&mut buffer).map_err(|e| EvidenceError::Io { path: OFFENCES_FILE.into(), source: e })?;
            if n == 0 {
                return Ok((lines, quoted));
            }
            let seen = &buffer[..n];
            quoted |= seen.contains(&b'"');
            lines += seen.iter().filter(|&&b| b == b'\n').count() as u64;
        }
    };
    let counted: Vec<Result<(u64, bool)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = bounds.windows(2).map(|pair| scope.spawn(move || count(pair[0], pair[1]))).collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
    });
    let mut before = vec![0];
    for part in counted {
        let (lines, quoted) = part?;
        if quoted {
            return Ok(None);
        }
        before.push(before.last().expect("starts with 0") + lines);
    }
    before.pop();
    Ok(Some(before))
}

/// The whole file read by one reader.
fn read_whole(
    input: impl Read,
    lookup: &PersonLookup,
    limit: usize,
    by_person: bool,
    issues: &mut Issues,
) -> Result<OffencesRead> {
    let mut own = Issues::default();
    let Some(mut r) = FileReader::open(OFFENCES_FILE, input, &OFFENCE_COLUMNS, &mut own)? else {
        append(issues, own);
        return Ok(nothing(limit, by_person));
    };
    let id_column = r.offence_id_column();
    let part = read_part(&mut r, lookup, limit, by_person, own)?;
    join(vec![part], Vec::new(), id_column, limit, issues)
}

/// No offences (the header lacks a required column).
fn nothing(limit: usize, by_person: bool) -> OffencesRead {
    OffencesRead {
        offences: Sorter::new(limit),
        by_person: by_person.then(|| Sorter::new(limit)),
        types: StringArena::default(),
        part_types: PartTypes::default(),
        id_column: 1,
        days: DayRange::default(),
    }
}

fn append(issues: &mut Issues, mut more: Issues) {
    issues.errors.append(&mut more.errors);
    issues.warnings.append(&mut more.warnings);
}

/// The parts as one: their sorts joined, their offence types made the file's (interned in
/// part order, as one reader meets them), their problems and days together.
fn join(
    parts: Vec<PartRead>,
    starts: Vec<u64>,
    id_column: usize,
    limit: usize,
    issues: &mut Issues,
) -> Result<OffencesRead> {
    let mut types = Interner::default();
    let mut file_ids = Vec::with_capacity(parts.len());
    let (mut offences, mut by_person, mut days) = (Vec::new(), Vec::new(), DayRange::default());
    for (k, part) in parts.into_iter().enumerate() {
        let arena = part.types.arena();
        let ids: Vec<u32> = (0..arena.len() as u32).map(|id| types.intern(arena.get(id))).collect();
        // The first part's types are the file's first ones, in the same order.
        file_ids.push(if k == 0 { Vec::new() } else { ids });
        offences.push(part.offences);
        by_person.extend(part.by_person);
        append(issues, part.issues);
        days = days.join(part.days);
    }
    let by_person = if by_person.is_empty() { None } else { Some(Sorter::join(by_person, limit)?) };
    Ok(OffencesRead {
        offences: Sorter::join(offences, limit)?,
        by_person,
        types: types.into_arena(),
        part_types: PartTypes { starts, file_ids },
        id_column,
        days,
    })
}

#[cfg(test)]
mod tests {
    use crate::Dataset;
    use crate::csv_io::{Issue, StreamOptions, stream_dir};
    use crate::extract::ExtractSource;

    const PERSONS: &str = "person_id,birth_date,sex,area\nP1,1990-01-01,M,a\nP2,,F,\nP3,1985-05-05,X,b\n";

    /// 2,000 offences with bad rows spread over the file, a repeated id, a row of the wrong
    /// width, and offence types that first appear late (in later parts); with `note`, an
    /// extra column whose one quoted cell holds a line end.
    fn offences(note: bool) -> String {
        let mut text = String::from("offence_id,person_id,offence_date,outcome_date,outcome,offence_type,seriousness");
        text.push_str(if note { ",note\n" } else { "\n" });
        for i in 0..2000 {
            let person = ["P1", "P2", "P3"][i % 3];
            let kind = match i {
                0..=900 => "theft",
                901..=1500 => ["burglary", "theft"][i % 2],
                _ => ["fraud", "assault", ""][i % 3],
            };
            let line = match i {
                50 => format!("O{i},P9,2020-01-01,,pending,{kind},"),
                400 => format!("O{i},{person},2020-13-01,,pending,{kind},3"),
                1200 => "O17,P1,2021-01-01,,conviction,theft,2".to_string(),
                1300 => format!("O{i},{person},2020-01-01,,guilty,{kind},"),
                1700 => format!("O{i},{person}"),
                1999 => format!("O{i},{person},2020-01-01,,pending,{kind},11"),
                _ => format!(
                    "O{i},{person},20{:02}-0{}-1{},,conviction,{kind},{}",
                    10 + i % 15,
                    1 + i % 9,
                    i % 10,
                    1 + i % 10
                ),
            };
            text.push_str(&line);
            if note {
                text.push_str(if i == 1000 { ",\"two\nlines\"" } else { ",-" });
            }
            text.push('\n');
        }
        text
    }

    type Rows = Vec<(String, String, String, i32, u64)>;

    /// Everything an import takes from the extract: offences (id, person, type, date, line) in
    /// id order, the offence types' order, the problems and the day range.
    fn streamed(dir: &std::path::Path, threads: usize) -> (Rows, Vec<String>, Vec<Issue>, (i32, i32)) {
        let options = StreamOptions { records_in_memory: 64, strict: false, threads, ..StreamOptions::default() };
        let mut extract = stream_dir(dir, options).unwrap();
        extract.find_duplicates().unwrap();
        let labels = extract.labels();
        let rows = extract
            .offences_by_id()
            .unwrap()
            .map(|o| {
                let o = o.unwrap();
                let kind = Dataset::label(&labels.offence_types, o.offence_type).to_owned();
                (o.id.to_string(), labels.person_id(o.person).to_owned(), kind, o.offence_date, o.line)
            })
            .collect();
        let types = (0..labels.offence_types.len() as u32).map(|t| labels.offence_types.get(t).to_owned()).collect();
        (rows, types, extract.errors(), extract.day_range())
    }

    fn assert_parts_agree(note: bool) {
        let dir = std::env::temp_dir().join(format!("desist-parts-{}-{note}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("persons.csv"), PERSONS).unwrap();
        std::fs::write(dir.join("offences.csv"), offences(note)).unwrap();
        let one = streamed(&dir, 1);
        let lines: Vec<u64> = one.2.iter().map(|issue| issue.line).collect();
        // The header is line 1, offence i is line i + 2 (one more after the two-line cell).
        let shift = u64::from(note);
        assert_eq!(lines, [52, 402, 1202 + shift, 1302 + shift, 1702 + shift, 2001 + shift], "{:?}", one.2);
        assert!(one.2[2].message.contains("duplicate offence_id 'O17'"));
        assert_eq!(one.1, ["theft", "burglary", "assault", "fraud"]);
        for threads in 2..=6 {
            assert_eq!(streamed(&dir, threads), one, "{threads} threads");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn reading_in_parts_imports_what_one_reader_does() {
        assert_parts_agree(false);
    }

    #[test]
    fn a_quote_makes_one_reader_read_the_file() {
        assert_parts_agree(true);
    }
}
