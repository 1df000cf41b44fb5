//! The offence file read in parts on several threads: it is most of an extract (ten million
//! rows nationally) and parsing it was a third of a national import, while the machine's
//! other cores idled.
//!
//! The file is cut at line ends into one part per thread; the first part's reader reads the
//! header and the others read their rows with its columns. A line end is a row end only
//! outside quotes, so a part in which any quote character passes makes the whole file be
//! read again by one reader (extracts of ids, dates and labels have none). The parts are
//! joined in file order, with their line numbers and offence types made the file's, so the
//! result — dataset and issues alike — is what one reader gives.

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use super::OFFENCES_FILE;
use super::read::{
    FileReader, Issues, OFFENCE_COLUMNS, OffenceRows, PersonLookup, expected_offences, finish_offences,
    read_offence_rows, read_offences,
};
use crate::dataset::Dataset;
use crate::error::{EvidenceError, Result};
use crate::intern::NONE;

/// Files smaller than this are read by one thread: starting threads would cost more.
pub(super) const PARALLEL_FROM_BYTES: u64 = 32 << 20;

/// Where the offence rows come from.
#[derive(Debug, Clone, Copy)]
pub(super) enum Source<'a> {
    File(&'a Path),
    /// Tests read bytes held in memory.
    #[cfg_attr(not(test), allow(dead_code, reason = "only tests read from memory"))]
    Bytes(&'a [u8]),
}

impl Source<'_> {
    pub(super) fn len(&self) -> Result<u64> {
        match self {
            Source::File(path) => std::fs::metadata(path).map(|m| m.len()).map_err(|e| io(path, e)),
            Source::Bytes(bytes) => Ok(bytes.len() as u64),
        }
    }

    /// A reader of bytes `start..end`.
    pub(super) fn range(&self, start: u64, end: u64) -> Result<Box<dyn Read + Send + '_>> {
        match self {
            Source::File(path) => {
                let mut file = std::fs::File::open(path).map_err(|e| io(path, e))?;
                file.seek(SeekFrom::Start(start)).map_err(|e| io(path, e))?;
                Ok(Box::new(file.take(end - start)))
            }
            Source::Bytes(bytes) => Ok(Box::new(&bytes[start as usize..end as usize])),
        }
    }

    /// The offset just after the first line end at or after `from`; `len` when there is none.
    pub(super) fn line_start_after(&self, from: u64, len: u64) -> Result<u64> {
        let mut reader = self.range(from, len)?;
        let mut buf = vec![0u8; 64 << 10];
        let mut at = from;
        loop {
            let n = reader.read(&mut buf).map_err(|e| io(Path::new(OFFENCES_FILE), e))?;
            if n == 0 {
                return Ok(len);
            }
            if let Some(i) = buf[..n].iter().position(|&b| b == b'\n') {
                return Ok(at + i as u64 + 1);
            }
            at += n as u64;
        }
    }
}

fn io(path: &Path, source: std::io::Error) -> EvidenceError {
    EvidenceError::Io { path: path.to_owned(), source }
}

/// Passes bytes through, noting whether any was a quote and counting line ends.
struct Watch<R> {
    inner: R,
    quoted: bool,
    lines: u64,
}

impl<R: Read> Read for Watch<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let seen = &buf[..n];
        self.quoted |= seen.contains(&b'"');
        self.lines += seen.iter().filter(|&&b| b == b'\n').count() as u64;
        Ok(n)
    }
}

fn watch<R: Read>(inner: R) -> Watch<R> {
    Watch { inner, quoted: false, lines: 0 }
}

/// One part's reading: its rows, its issues, and what passed through its reader.
struct Part {
    rows: OffenceRows,
    issues: Issues,
    quoted: bool,
    lines: u64,
}

/// Reads the offence file in `parts` parts on as many threads (one reader when `parts` is 1,
/// the file is small, or a quote turns up).
pub(super) fn read_offences_in_parts(
    source: Source<'_>,
    parts: usize,
    lookup: &PersonLookup,
    dataset: &mut Dataset,
    issues: &mut Issues,
) -> Result<()> {
    let len = source.len()?;
    let expected_rows = expected_offences(len);
    if parts > 1 {
        let mut header_issues = Issues::default();
        let read = read_parts(source, len, parts, expected_rows, lookup, &mut header_issues)?;
        if let Some(read) = read {
            issues.errors.append(&mut header_issues.errors);
            issues.warnings.append(&mut header_issues.warnings);
            join(read, dataset, issues);
            return Ok(());
        }
    }
    read_offences(source.range(0, len)?, expected_rows, lookup, dataset, issues)
}

/// The parts read; `None` when they must be read again by one reader (a quote was seen),
/// `Some` of no parts when the header lacks a required column (nothing more to read).
fn read_parts(
    source: Source<'_>,
    len: u64,
    parts: usize,
    expected_rows: usize,
    lookup: &PersonLookup,
    header_issues: &mut Issues,
) -> Result<Option<(Vec<Part>, usize)>> {
    let mut bounds = vec![0];
    for k in 1..parts as u64 {
        let cut = source.line_start_after(len * k / parts as u64, len)?;
        if cut > *bounds.last().expect("starts with 0") && cut < len {
            bounds.push(cut);
        }
    }
    bounds.push(len);
    let Some(mut first) =
        FileReader::open(OFFENCES_FILE, watch(source.range(0, bounds[1])?), &OFFENCE_COLUMNS, header_issues)?
    else {
        return Ok(Some((Vec::new(), 1)));
    };
    let id_column = first.offence_id_column();
    let mut rest = Vec::new();
    for pair in bounds[1..].windows(2) {
        rest.push(first.continuing(watch(source.range(pair[0], pair[1])?)));
    }
    let expected_rows = expected_rows / (bounds.len() - 1);
    let read_part = |reader: &mut FileReader<Watch<Box<dyn Read + Send + '_>>>| -> Result<Part> {
        let mut issues = Issues::default();
        let rows = read_offence_rows(reader, expected_rows, lookup, &mut issues)?;
        let watched = reader.input();
        Ok(Part { rows, issues, quoted: watched.quoted, lines: watched.lines })
    };
    let read: Vec<Result<Part>> = std::thread::scope(|scope| {
        let others: Vec<_> = rest.iter_mut().map(|reader| scope.spawn(move || read_part(reader))).collect();
        let mut read = vec![read_part(&mut first)];
        read.extend(
            others.into_iter().map(|handle| handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))),
        );
        read
    });
    let read: Vec<Part> = read.into_iter().collect::<Result<_>>()?;
    Ok((!read.iter().any(|part| part.quoted)).then_some((read, id_column)))
}

/// The parts as one, in file order: later parts' rows, line numbers and offence types
/// renumbered to follow the earlier ones.
fn join((parts, id_column): (Vec<Part>, usize), dataset: &mut Dataset, issues: &mut Issues) {
    let mut parts = parts.into_iter();
    let Some(first) = parts.next() else { return };
    let mut lines_before = first.lines;
    let mut all = first.rows;
    let mut absorb = |part_issues: Issues, shift: u64| {
        issues.errors.extend(part_issues.errors.into_iter().map(|mut issue| {
            issue.line += shift;
            issue
        }));
        issues.warnings.extend(part_issues.warnings);
    };
    absorb(first.issues, 0);
    for part in parts {
        let rows = part.rows;
        let offset = all.offences.ids.len() as u32;
        let types: Vec<u32> =
            (0..rows.types.arena().len() as u32).map(|id| all.types.intern(rows.types.arena().get(id))).collect();
        let (into, from) = (&mut all.offences, rows.offences);
        into.ids.extend(&from.ids);
        into.person.extend(from.person);
        into.offence_date.extend(from.offence_date);
        into.outcome_date.extend(from.outcome_date);
        into.outcome.extend(from.outcome);
        // An unknown type (`NONE`) has no entry in the part's arena and stays unknown.
        into.offence_type.extend(from.offence_type.iter().map(|&t| types.get(t as usize).copied().unwrap_or(NONE)));
        into.seriousness.extend(from.seriousness);
        all.id_hashes.extend(rows.id_hashes.into_iter().map(|(hash, row)| (hash, row + offset)));
        all.lines.extend(rows.lines.into_iter().map(|line| line + lines_before));
        absorb(part.issues, lines_before);
        lines_before += part.lines;
    }
    finish_offences(all, id_column, dataset, issues);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::csv_io::read::{Loaded, read_dataset, read_with};
    use crate::csv_io::{Issue, SizeHint};

    const PERSONS: &str = "person_id,birth_date,sex,area\nP1,1990-01-01,M,a\nP2,,F,\nP3,1985-05-05,X,b\n";
    const EVENTS: &str = "person_id,index_date,kind,group\nP1,2020-01-01,release,A\n";

    /// 2,000 offences with, spread over the file, bad rows of every kind, a repeated id, a
    /// row of the wrong width and offence types that first appear late.
    fn offences(extra_column: bool) -> String {
        let mut text = String::from("offence_id,person_id,offence_date,outcome_date,outcome,offence_type,seriousness");
        text.push_str(if extra_column { ",note\n" } else { "\n" });
        for i in 0..2000 {
            let person = ["P1", "P2", "P3"][i % 3];
            let kind = match i {
                0..=700 => "theft",
                701..=1400 => "burglary",
                _ => ["fraud", "assault", ""][i % 3],
            };
            let line = match i {
                50 => format!("O{i},P9,2020-01-01,,pending,{kind},"),
                400 => format!("O{i},{person},2020-13-01,,pending,{kind},3"),
                900 => "O17,P1,2021-01-01,,conviction,theft,2".to_string(),
                1300 => format!("O{i},{person},2020-01-01,,guilty,{kind},"),
                1500 => format!("O{i},{person}"),
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
            if extra_column {
                text.push_str(if i == 1000 { ",\"two\nlines\"" } else { ",-" });
            }
            text.push('\n');
        }
        text
    }

    fn in_parts(offences: &str, parts: usize) -> Loaded {
        read_with(PERSONS.as_bytes(), SizeHint::default(), EVENTS.as_bytes(), |lookup, dataset, issues| {
            read_offences_in_parts(Source::Bytes(offences.as_bytes()), parts, lookup, dataset, issues)
        })
        .unwrap()
    }

    fn assert_same(a: &Loaded, b: &Loaded) {
        assert_eq!(a.dataset, b.dataset);
        assert_eq!(a.errors, b.errors);
        assert_eq!(a.warnings, b.warnings);
    }

    #[test]
    fn reading_in_parts_gives_what_one_reader_gives() {
        let offences = offences(false);
        let one = read_dataset(PERSONS.as_bytes(), offences.as_bytes(), EVENTS.as_bytes()).unwrap();
        let lines: Vec<u64> = one.errors.iter().map(|issue: &Issue| issue.line).collect();
        // The header is line 1, offence i is line i + 2.
        assert_eq!(lines, [52, 402, 902, 1302, 1502, 2001]);
        assert!(one.errors[2].message.contains("duplicate offence_id 'O17'"));
        for parts in 1..=7 {
            assert_same(&in_parts(&offences, parts), &one);
        }
    }

    #[test]
    fn a_quote_makes_one_reader_read_the_file_again() {
        let offences = offences(true);
        let one = read_dataset(PERSONS.as_bytes(), offences.as_bytes(), EVENTS.as_bytes()).unwrap();
        assert_eq!(one.warnings.len(), 1, "the extra column is ignored: {:?}", one.warnings);
        for parts in 2..=5 {
            assert_same(&in_parts(&offences, parts), &one);
        }
    }

    #[test]
    fn a_header_without_a_required_column_reads_no_rows() {
        let offences = "offence_id,offence_date,outcome\nO1,2020-01-01,pending\n";
        let one = read_dataset(PERSONS.as_bytes(), offences.as_bytes(), EVENTS.as_bytes()).unwrap();
        assert_same(&in_parts(offences, 3), &one);
        assert_eq!(one.dataset.offence_count(), 0);
    }
}
