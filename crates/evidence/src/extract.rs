//! An extract as an import writes it: the persons in memory (every offence and index event
//! names one, and there are ten times fewer of them), the offences and index events as
//! streams of records in the store's key orders. Two sources give these: a [`Dataset`] held
//! in memory ([`DatasetSource`]) and the CSV files read in bounded parts
//! ([`crate::csv_io::StreamedExtract`]), so a national extract is written without being held.

use crate::dataset::{Dataset, Outcome};
use crate::date::{Day, NO_DAY};
use crate::error::Result;
use crate::spill::Spill;

/// One offence: its source id, its person (position in the source's persons), its cells
/// (labels as positions in the source's label arenas) and the line it was read from.
/// Ordered by id, then line: the store's key order, repeated ids next to each other.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct OffenceRecord {
    pub id: Box<str>,
    pub line: u64,
    pub person: u32,
    pub offence_date: Day,
    pub outcome_date: Day,
    pub outcome: Outcome,
    pub offence_type: u32,
    pub seriousness: u8,
}

/// An offence by its person, ordered by (person, id): the key order of SQLite's table of a
/// person's offences. Persons are positions in id order, so this is the order of the texts.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct PersonOffence {
    pub person: u32,
    pub id: Box<str>,
    pub line: u64,
}

/// One index event, ordered by person, date, kind and group, so identical rows are next to
/// each other; `occurrence` numbers them (1, 2, …) as they are handed out.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct EventRecord {
    pub person: u32,
    pub index_date: Day,
    pub kind: u32,
    pub group: u32,
    pub line: u64,
    pub occurrence: u32,
}

/// What a source handed out, counted after its last record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub persons: u64,
    pub offences: u64,
    pub index_events: u64,
    /// Bad rows left out (each reported).
    pub rejected: u64,
    /// The latest offence or outcome date (`NO_DAY` without offences).
    pub data_up_to: Day,
}

/// Records in order, each read when asked for.
pub type Rows<'a, T> = Box<dyn Iterator<Item = Result<T>> + Send + 'a>;

/// An extract to import.
pub trait ExtractSource: Send {
    /// The persons in source-id order and the label texts the records point into (areas,
    /// offence types, kinds, groups), without offences or index events: a cheap copy (the
    /// persons are shared).
    fn labels(&self) -> Dataset;
    /// The earliest and the latest of every date in the extract (`NO_DAY` twice for none).
    fn day_range(&self) -> (Day, Day);
    /// The offences in id order, each id once.
    fn offences_by_id(&mut self) -> Result<Rows<'_, OffenceRecord>>;
    /// The same offences in (person, id) order, after [`ExtractSource::offences_by_id`] was
    /// read to its end; `None` when the source did not prepare them.
    fn offences_by_person(&mut self) -> Result<Option<Rows<'_, PersonOffence>>>;
    /// The index events, identical ones numbered.
    fn index_events(&mut self) -> Result<Rows<'_, EventRecord>>;
    /// After every record was read: what was handed out, or every problem when the import
    /// must not be committed (a strict source that found bad rows).
    fn finish(&mut self) -> Result<Tally>;
}

impl Spill for OffenceRecord {
    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.line.to_le_bytes());
        out.extend_from_slice(&self.person.to_le_bytes());
        out.extend_from_slice(&self.offence_date.to_le_bytes());
        out.extend_from_slice(&self.outcome_date.to_le_bytes());
        out.push(self.outcome as u8);
        out.extend_from_slice(&self.offence_type.to_le_bytes());
        out.push(self.seriousness);
        out.extend_from_slice(self.id.as_bytes());
    }

    fn decode(bytes: &[u8]) -> Option<OffenceRecord> {
        let mut r = Bytes(bytes);
        Some(OffenceRecord {
            line: r.u64()?,
            person: r.u32()?,
            offence_date: r.u32()? as Day,
            outcome_date: r.u32()? as Day,
            outcome: *Outcome::ALL.get(usize::from(r.u8()?))?,
            offence_type: r.u32()?,
            seriousness: r.u8()?,
            id: r.rest()?,
        })
    }
}

impl Spill for PersonOffence {
    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.person.to_le_bytes());
        out.extend_from_slice(&self.line.to_le_bytes());
        out.extend_from_slice(self.id.as_bytes());
    }

    fn decode(bytes: &[u8]) -> Option<PersonOffence> {
        let mut r = Bytes(bytes);
        Some(PersonOffence { person: r.u32()?, line: r.u64()?, id: r.rest()? })
    }
}

impl Spill for EventRecord {
    fn encode(&self, out: &mut Vec<u8>) {
        for value in [self.person, self.index_date as u32, self.kind, self.group, self.occurrence] {
            out.extend_from_slice(&value.to_le_bytes());
        }
        out.extend_from_slice(&self.line.to_le_bytes());
    }

    fn decode(bytes: &[u8]) -> Option<EventRecord> {
        let mut r = Bytes(bytes);
        Some(EventRecord {
            person: r.u32()?,
            index_date: r.u32()? as Day,
            kind: r.u32()?,
            group: r.u32()?,
            occurrence: r.u32()?,
            line: r.u64()?,
        })
    }
}

/// Reads little-endian numbers and a closing text from a record's bytes.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let (head, rest) = self.0.split_first_chunk::<N>()?;
        self.0 = rest;
        Some(*head)
    }
    fn u8(&mut self) -> Option<u8> {
        self.take::<1>().map(|[b]| b)
    }
    fn u32(&mut self) -> Option<u32> {
        self.take().map(u32::from_le_bytes)
    }
    fn u64(&mut self) -> Option<u64> {
        self.take().map(u64::from_le_bytes)
    }
    fn rest(&mut self) -> Option<Box<str>> {
        std::str::from_utf8(std::mem::take(&mut self.0)).ok().map(Box::from)
    }
}

/// The extract's own "data up to" date: its latest offence or outcome date, leaving out dates
/// after `today` (a wrong clock or a typing error in the source system, which the import
/// warns of: measured up to them, every follow-up would look complete and clean). `NO_DAY`
/// for `today` leaves nothing out; `NO_DAY` when there is no date.
pub fn data_up_to(days: impl IntoIterator<Item = Day>, today: Day) -> Day {
    days.into_iter().filter(|&day| today == NO_DAY || day <= today).max().unwrap_or(NO_DAY)
}

/// [`data_up_to`] of a dataset's offences.
pub fn dataset_up_to(data: &Dataset, today: Day) -> Day {
    let o = &data.offences;
    data_up_to(o.offence_date.iter().chain(&o.outcome_date).copied(), today)
}

/// Numbers identical index events as they pass: 1 for the first, 2 for the next, ….
pub(crate) fn number_occurrences<'a>(
    events: impl Iterator<Item = Result<EventRecord>> + Send + 'a,
    counted: &'a mut u64,
) -> Rows<'a, EventRecord> {
    *counted = 0;
    let mut previous: Option<EventRecord> = None;
    Box::new(events.map(move |event| {
        let mut event = event?;
        let same = |p: &EventRecord| {
            (p.person, p.index_date, p.kind, p.group) == (event.person, event.index_date, event.kind, event.group)
        };
        event.occurrence = match &previous {
            Some(p) if same(p) => p.occurrence + 1,
            _ => 1,
        };
        previous = Some(event.clone());
        *counted += 1;
        Ok(event)
    }))
}

/// `data`'s persons (shared) and label arenas, without offences or index events.
pub(crate) fn labels_of(data: &Dataset) -> Dataset {
    Dataset {
        persons: data.persons.clone(),
        areas: data.areas.clone(),
        offence_types: data.offence_types.clone(),
        kinds: data.kinds.clone(),
        groups: data.groups.clone(),
        ..Dataset::default()
    }
}

/// A dataset in memory as an extract to import (the demo's, the tests').
pub struct DatasetSource<'a> {
    data: &'a Dataset,
    /// Bad rows left out before the dataset was made.
    rejected: u64,
    events: u64,
}

impl<'a> DatasetSource<'a> {
    pub fn new(data: &'a Dataset, rejected: u64) -> DatasetSource<'a> {
        DatasetSource { data, rejected, events: 0 }
    }

    fn offence(&self, i: u32) -> OffenceRecord {
        let o = &self.data.offences;
        let k = i as usize;
        OffenceRecord {
            id: o.ids.get(i).into(),
            line: u64::from(i),
            person: o.person[k],
            offence_date: o.offence_date[k],
            outcome_date: o.outcome_date[k],
            outcome: o.outcome[k],
            offence_type: o.offence_type[k],
            seriousness: o.seriousness[k],
        }
    }
}

impl ExtractSource for DatasetSource<'_> {
    fn labels(&self) -> Dataset {
        labels_of(self.data)
    }

    fn day_range(&self) -> (Day, Day) {
        let (p, o, e) = (&self.data.persons, &self.data.offences, &self.data.index_events);
        let days = p.birth_date.iter().chain(&o.offence_date).chain(&o.outcome_date).chain(&e.index_date);
        let known: Vec<Day> = days.copied().filter(|&d| d != NO_DAY).collect();
        match (known.iter().min(), known.iter().max()) {
            (Some(&first), Some(&last)) => (first, last),
            _ => (NO_DAY, NO_DAY),
        }
    }

    fn offences_by_id(&mut self) -> Result<Rows<'_, OffenceRecord>> {
        let ids = &self.data.offences.ids;
        let mut order: Vec<u32> = (0..ids.len() as u32).collect();
        order.sort_unstable_by(|&a, &b| ids.get(a).cmp(ids.get(b)));
        let this = &*self;
        Ok(Box::new(order.into_iter().map(move |i| Ok(this.offence(i)))))
    }

    fn offences_by_person(&mut self) -> Result<Option<Rows<'_, PersonOffence>>> {
        let o = &self.data.offences;
        let mut order: Vec<u32> = (0..o.ids.len() as u32).collect();
        order
            .sort_unstable_by(|&a, &b| (o.person[a as usize], o.ids.get(a)).cmp(&(o.person[b as usize], o.ids.get(b))));
        Ok(Some(Box::new(order.into_iter().map(move |i| {
            Ok(PersonOffence { person: o.person[i as usize], id: o.ids.get(i).into(), line: u64::from(i) })
        }))))
    }

    fn index_events(&mut self) -> Result<Rows<'_, EventRecord>> {
        let e = &self.data.index_events;
        // The dataset keeps its index events in canonical order: identical ones are adjacent.
        let events = (0..e.person.len()).map(move |i| {
            Ok(EventRecord {
                person: e.person[i],
                index_date: e.index_date[i],
                kind: e.kind[i],
                group: e.group[i],
                line: i as u64,
                occurrence: 0,
            })
        });
        Ok(number_occurrences(events, &mut self.events))
    }

    fn finish(&mut self) -> Result<Tally> {
        let o = &self.data.offences;
        Ok(Tally {
            persons: self.data.person_count() as u64,
            offences: self.data.offence_count() as u64,
            index_events: self.data.index_event_count() as u64,
            rejected: self.rejected,
            data_up_to: o.offence_date.iter().chain(&o.outcome_date).copied().max().unwrap_or(NO_DAY),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_read_back_as_written() {
        let offence = OffenceRecord {
            id: "O-Ö1".into(),
            line: 1 << 40,
            person: 7,
            offence_date: -3,
            outcome_date: NO_DAY,
            outcome: Outcome::Pending,
            offence_type: crate::intern::NONE,
            seriousness: 10,
        };
        let by_person = PersonOffence { person: 3, id: "".into(), line: 9 };
        let event = EventRecord { person: 1, index_date: 19000, kind: 2, group: 3, line: 4, occurrence: 5 };
        let mut bytes = Vec::new();
        offence.encode(&mut bytes);
        assert_eq!(OffenceRecord::decode(&bytes), Some(offence));
        bytes.clear();
        by_person.encode(&mut bytes);
        assert_eq!(PersonOffence::decode(&bytes), Some(by_person));
        bytes.clear();
        event.encode(&mut bytes);
        assert_eq!(EventRecord::decode(&bytes), Some(event));
        assert_eq!(EventRecord::decode(&bytes[..5]), None);
    }
}
