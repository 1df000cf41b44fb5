//! The three files of an extract read for an import without holding them: persons in memory
//! (every other row is checked against them), offences and index events checked row by row
//! and handed to external sorts ([`crate::spill`]) that keep a bounded number in memory and
//! write the rest to temporary files in sorted runs. Peak memory is then flat in the number
//! of offences and index events; what grows with the extract is the persons' index (tens of
//! bytes a person) and the temporary files.
//!
//! Every problem is reported as reading the whole files reports it: bad rows while reading,
//! repeated offence ids when the sorted offences are read (they meet there; the first line
//! is kept), so [`StreamedExtract::find_duplicates`] reads them once to list every problem
//! before anything is written.

use std::collections::HashSet;
use std::path::Path;

use super::read::{Issues, read_persons};
use super::stream_parts;
use super::{INDEX_EVENTS_FILE, Issue, OFFENCES_FILE, PERSONS_FILE, open};
use crate::dataset::Dataset;
use crate::date::{Day, NO_DAY};
use crate::error::{EvidenceError, Result};
use crate::extract::{EventRecord, ExtractSource, OffenceRecord, PersonOffence, Rows, Tally, number_occurrences};
use crate::intern::Interner;
use crate::spill::Sorter;

/// How an extract is streamed.
#[derive(Debug, Clone, Copy)]
pub struct StreamOptions {
    /// Offences (and index events) held in memory before a sorted run is written out.
    pub records_in_memory: usize,
    /// Also sort the offences by person (SQLite's table of a person's offences, when it is
    /// loaded from empty).
    pub offences_by_person: bool,
    /// Whether any bad row makes [`ExtractSource::finish`] refuse (nothing is committed).
    pub strict: bool,
    /// Offences dated after this day are counted ([`StreamedExtract::future_offences`]);
    /// `NO_DAY` counts none.
    pub today: Day,
    /// Threads reading the offence file: 0 for one per core (up to eight) when it is large
    /// enough to gain from them, else one.
    pub threads: usize,
}

impl Default for StreamOptions {
    fn default() -> StreamOptions {
        StreamOptions {
            records_in_memory: DEFAULT_RECORDS_IN_MEMORY,
            offences_by_person: true,
            strict: true,
            today: NO_DAY,
            threads: 0,
        }
    }
}

/// A quarter of a million records: some 20 MiB per sort in memory, runs of ~8 MiB.
pub const DEFAULT_RECORDS_IN_MEMORY: usize = 1 << 18;

/// An extract read and sorted, ready to be written.
pub struct StreamedExtract {
    labels: Dataset,
    offences: Sorter<OffenceRecord>,
    by_person: Option<Sorter<PersonOffence>>,
    /// The offence types of the parts read on other threads, as the file's.
    part_types: stream_parts::PartTypes,
    events: Sorter<EventRecord>,
    errors: Vec<Issue>,
    warnings: Vec<Issue>,
    days: (Day, Day),
    /// Lines of repeated offence ids (found while the offences are read in id order).
    duplicates: HashSet<u64>,
    id_column: usize,
    strict: bool,
    offences_written: u64,
    events_written: u64,
    data_up_to: Day,
    today: Day,
    future: u64,
    /// The lines of the first future-dated offences, for the warning.
    future_lines: Vec<u64>,
}

/// Future-dated offences named by line in the import's warning.
const FUTURE_LINES_SHOWN: usize = 10;

/// Reads `dir`'s persons.csv, offences.csv and (when present) index_events.csv.
pub fn stream_dir(dir: &Path, options: StreamOptions) -> Result<StreamedExtract> {
    let persons = open(&dir.join(PERSONS_FILE))?;
    let persons_expected = (persons.metadata().map_or(0, |m| m.len()) / 16) as usize;
    let mut issues = Issues::default();
    let mut labels = Dataset::default();
    let lookup = read_persons(persons, persons_expected, &mut labels, &mut issues)?;
    let mut days = stream_parts::DayRange::default();
    for &day in &labels.persons.birth_date {
        days.add(day);
    }

    let limit = options.records_in_memory;
    let offences_path = dir.join(OFFENCES_FILE);
    let offences_bytes = open(&offences_path)?.metadata().map_or(0, |m| m.len());
    let parts = match options.threads {
        0 if offences_bytes < stream_parts::PARALLEL_FROM_BYTES => 1,
        0 => std::thread::available_parallelism().map_or(1, |n| n.get().min(8)),
        threads => threads,
    };
    let read =
        stream_parts::read_offences(&offences_path, parts, &lookup, limit, options.offences_by_person, &mut issues)?;
    days = days.join(read.days);

    let events_path = dir.join(INDEX_EVENTS_FILE);
    let events_file: Box<dyn std::io::Read> =
        if events_path.exists() { Box::new(open(&events_path)?) } else { Box::new(&b"person_id,index_date\n"[..]) };
    let mut events = Sorter::new(limit);
    let (mut kinds, mut groups) = (Interner::default(), Interner::default());
    super::read::for_each_index_event(events_file, &lookup, &mut issues, (&mut kinds, &mut groups), |row| {
        days.add(row.index_date);
        events.push(EventRecord {
            person: row.person,
            index_date: row.index_date,
            kind: row.kind,
            group: row.group,
            line: row.line,
            occurrence: 0,
        })
    })?;
    labels.offence_types = read.types;
    labels.kinds = kinds.into_arena();
    labels.groups = groups.into_arena();
    Ok(StreamedExtract {
        labels,
        offences: read.offences,
        by_person: read.by_person,
        part_types: read.part_types,
        events,
        errors: issues.errors,
        warnings: issues.warnings,
        days: days.range(),
        duplicates: HashSet::new(),
        id_column: read.id_column,
        strict: options.strict,
        offences_written: 0,
        events_written: 0,
        data_up_to: NO_DAY,
        today: options.today,
        future: 0,
        future_lines: Vec::new(),
    })
}

impl StreamedExtract {
    /// Every bad row found so far, in file order (as reading the whole files lists them).
    pub fn errors(&self) -> Vec<Issue> {
        let rank = |file: &str| [PERSONS_FILE, OFFENCES_FILE, INDEX_EVENTS_FILE].iter().position(|f| *f == file);
        let mut errors = self.errors.clone();
        errors.sort_by_key(|i| (rank(&i.file), i.line, i.column));
        errors
    }

    pub fn warnings(&self) -> &[Issue] {
        &self.warnings
    }

    /// Whether bad rows make the import refuse.
    pub fn set_strict(&mut self, strict: bool) {
        self.strict = strict;
    }

    /// Reads the offences once in id order, so that repeated ids are among the errors.
    pub fn find_duplicates(&mut self) -> Result<()> {
        for offence in self.offences_by_id()? {
            offence?;
        }
        Ok(())
    }

    /// Offences, persons and index events read (before repeated ids are left out).
    pub fn rows_read(&self) -> u64 {
        self.labels.person_count() as u64 + self.offences.len() + self.events.len()
    }

    /// The lines (in offences.csv) of the first offences dated, or decided, after `today`.
    pub fn future_lines(&self) -> &[u64] {
        &self.future_lines
    }

    /// The latest offence or outcome date of the offences handed out (after they were read),
    /// not after the options' `today` ([`crate::extract::data_up_to`]).
    pub fn data_up_to(&self) -> Day {
        self.data_up_to
    }

    /// Offences (handed out) dated, or decided, after the options' `today`: a wrong clock or
    /// a typing error in the source system.
    pub fn future_offences(&self) -> u64 {
        self.future
    }

    /// Sorted runs written to temporary files (0 when the extract fitted in memory).
    pub fn runs(&self) -> usize {
        self.offences.runs() + self.by_person.as_ref().map_or(0, Sorter::runs) + self.events.runs()
    }
}

impl ExtractSource for StreamedExtract {
    fn labels(&self) -> Dataset {
        crate::extract::labels_of(&self.labels)
    }

    fn day_range(&self) -> (Day, Day) {
        self.days
    }

    fn offences_by_id(&mut self) -> Result<Rows<'_, OffenceRecord>> {
        let StreamedExtract {
            offences,
            part_types,
            errors,
            duplicates,
            id_column,
            offences_written,
            data_up_to,
            today,
            future,
            future_lines,
            ..
        } = self;
        let (id_column, today, mut previous) = (*id_column, *today, String::new());
        *offences_written = 0;
        *data_up_to = NO_DAY;
        *future = 0;
        future_lines.clear();
        let merged = offences.merged()?;
        Ok(Box::new(merged.filter_map(move |offence| {
            let mut offence = match offence {
                Ok(offence) => offence,
                Err(e) => return Some(Err(e)),
            };
            offence.offence_type = part_types.file_id(offence.line, offence.offence_type);
            if *offence.id == *previous && *offences_written > 0 {
                if duplicates.insert(offence.line) {
                    errors.push(Issue {
                        file: OFFENCES_FILE.to_owned(),
                        line: offence.line,
                        column: id_column,
                        message: format!("duplicate offence_id '{}'", offence.id),
                    });
                }
                return None;
            }
            previous.clear();
            previous.push_str(&offence.id);
            *offences_written += 1;
            let dates = [offence.offence_date, offence.outcome_date];
            *data_up_to = crate::extract::data_up_to(dates.into_iter().chain([*data_up_to]), today);
            if today != NO_DAY && dates.iter().any(|&day| day > today) {
                *future += 1;
                if future_lines.len() < FUTURE_LINES_SHOWN {
                    future_lines.push(offence.line);
                }
            }
            Some(Ok(offence))
        })))
    }

    fn offences_by_person(&mut self) -> Result<Option<Rows<'_, PersonOffence>>> {
        let StreamedExtract { by_person, duplicates, .. } = self;
        let Some(by_person) = by_person else { return Ok(None) };
        let duplicates = &*duplicates;
        let merged = by_person.merged()?;
        Ok(Some(Box::new(
            merged.filter(move |offence| offence.as_ref().map_or(true, |o| !duplicates.contains(&o.line))),
        )))
    }

    fn index_events(&mut self) -> Result<Rows<'_, EventRecord>> {
        let StreamedExtract { events, events_written, .. } = self;
        Ok(number_occurrences(events.merged()?, events_written))
    }

    fn finish(&mut self) -> Result<Tally> {
        if self.strict && !self.errors.is_empty() {
            return Err(EvidenceError::Input(self.errors()));
        }
        Ok(Tally {
            persons: self.labels.person_count() as u64,
            offences: self.offences_written,
            index_events: self.events_written,
            rejected: self.errors.len() as u64,
            data_up_to: self.data_up_to,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::csv_io::load_dir_lenient;

    /// A generated extract with bad rows of every kind spread over it, and offence ids
    /// repeated within a run and across runs.
    fn broken_extract(dir: &Path) {
        crate::generate::generate(5, 200, 6.0, 300, dir).unwrap();
        let offences = std::fs::read_to_string(dir.join(OFFENCES_FILE)).unwrap();
        let mut lines: Vec<String> = offences.lines().map(str::to_owned).collect();
        let repeated = |line: &str| line.split(',').next().unwrap().to_owned();
        let (early, late) = (repeated(&lines[3]), repeated(&lines[lines.len() - 2]));
        lines[40] = format!("{early},P1,2020-01-01,,pending,,");
        lines[41] = format!("{early},P2,2020-01-01,,pending,,");
        lines[90] = "O-bad,P1,2020-13-01,,pending,,".into();
        lines[95] = "O-nobody,P-unknown,2020-01-01,,pending,,".into();
        lines.push(format!("{late},P3,2021-01-01,2021-02-01,caution,theft,2"));
        std::fs::write(dir.join(OFFENCES_FILE), lines.join("\n") + "\n").unwrap();
    }

    #[test]
    fn streaming_reports_what_reading_the_whole_files_reports_and_hands_out_the_same_rows() {
        let dir = std::env::temp_dir().join(format!("desist-stream-{}", std::process::id()));
        broken_extract(&dir);
        let whole = load_dir_lenient(&dir).unwrap();
        assert_eq!(whole.errors.len(), 5, "{:?}", whole.errors);
        let cases = [(7, 1), (100, 1), (1 << 20, 1), (7, 2), (100, 3), (1 << 20, 5)];
        for (records_in_memory, threads) in cases {
            let options = StreamOptions { records_in_memory, strict: false, threads, ..StreamOptions::default() };
            let mut streamed = stream_dir(&dir, options).unwrap();
            assert_eq!(streamed.runs() > 0, records_in_memory < 1000);
            streamed.find_duplicates().unwrap();
            assert_eq!(streamed.errors(), whole.errors, "{records_in_memory} in memory, {threads} threads");
            let data = &whole.dataset;
            let labels = streamed.labels();
            let mut typed: Vec<(String, String, String)> = streamed
                .offences_by_id()
                .unwrap()
                .map(|o| {
                    o.map(|o| {
                        let kind = Dataset::label(&labels.offence_types, o.offence_type).to_owned();
                        (o.id.to_string(), labels.person_id(o.person).to_owned(), kind)
                    })
                })
                .collect::<Result<_>>()
                .unwrap();
            let mut expected: Vec<(String, String, String)> = (0..data.offence_count() as u32)
                .map(|i| {
                    let k = i as usize;
                    let kind = Dataset::label(&data.offence_types, data.offences.offence_type[k]).to_owned();
                    (data.offences.ids.get(i).to_owned(), data.person_id(data.offences.person[k]).to_owned(), kind)
                })
                .collect();
            expected.sort();
            assert_eq!(typed, expected, "{threads} threads");
            let mut ids: Vec<(String, String)> = typed.drain(..).map(|(id, person, _)| (id, person)).collect();
            let by_person: Vec<(String, String)> = streamed
                .offences_by_person()
                .unwrap()
                .unwrap()
                .map(|o| o.map(|o| (o.id.to_string(), labels.person_id(o.person).to_owned())))
                .collect::<Result<_>>()
                .unwrap();
            ids.sort_by(|a, b| (&a.1, &a.0).cmp(&(&b.1, &b.0)));
            assert_eq!(by_person, ids);
            assert_eq!(streamed.index_events().unwrap().count(), data.index_event_count());
            let tally = streamed.finish().unwrap();
            assert_eq!((tally.offences, tally.rejected), (data.offence_count() as u64, 5));
            assert_eq!(tally.data_up_to, latest(data));
            streamed.set_strict(true);
            assert!(matches!(streamed.finish(), Err(EvidenceError::Input(errors)) if errors.len() == 5));
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    fn latest(data: &Dataset) -> Day {
        let o = &data.offences;
        o.offence_date.iter().chain(&o.outcome_date).copied().max().unwrap()
    }
}
