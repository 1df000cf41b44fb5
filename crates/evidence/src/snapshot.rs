//! The extract as one binary value, written once per import and read by every server's first
//! evidence page: the dataset's columns back to back, so reading it is a copy of bytes instead
//! of ten million rows decoded one by one (~22 s at national scale through sqlx).
//!
//! The snapshot holds everything the measures read — persons, their offences' dates,
//! outcomes, types and seriousness, the index events and the label arenas — and leaves out
//! the offences' own ids (no measure, page or chart reads them; they are ~40% of a loaded
//! extract) and the offences' person column (it follows from `offences_start`). A dataset
//! read back equals the extract with its offence ids cleared (see [`for_pages`]), so every
//! estimator answers exactly what it answers over the loaded extract.
//!
//! Layout: [`MAGIC`], then each column as its length (u64, little endian) and its values
//! (little endian), in the order [`encode`] writes them. [`decode`] checks every length and
//! every reference, so a damaged or foreign value is refused, never half read.

use std::sync::Arc;

use crate::dataset::{Dataset, IndexEvents, Offences, Outcome, Persons, Sex};
use crate::intern::{NONE, StringArena};

/// The first bytes of a snapshot; a new layout gets a new number.
pub const MAGIC: &[u8; 16] = b"desist-snap-v1\n\0";

/// `data` as it is read back from a snapshot: the offence ids cleared (see the module).
pub fn for_pages(data: &Dataset) -> Dataset {
    let mut out = data.clone();
    Arc::make_mut(&mut out.offences).ids = StringArena::default();
    out
}

struct Writer(Vec<u8>);

impl Writer {
    fn len(&mut self, n: usize) {
        self.0.extend_from_slice(&(n as u64).to_le_bytes());
    }

    fn u32s(&mut self, values: &[u32]) {
        self.len(values.len());
        self.0.reserve(values.len() * 4);
        for v in values {
            self.0.extend_from_slice(&v.to_le_bytes());
        }
    }

    fn i32s(&mut self, values: &[i32]) {
        self.len(values.len());
        self.0.reserve(values.len() * 4);
        for v in values {
            self.0.extend_from_slice(&v.to_le_bytes());
        }
    }

    fn u8s(&mut self, values: impl ExactSizeIterator<Item = u8>) {
        self.len(values.len());
        self.0.extend(values);
    }

    fn arena(&mut self, arena: &StringArena) {
        let (bytes, ends) = arena.parts();
        self.u8s(bytes.bytes());
        self.u32s(ends);
    }
}

/// The snapshot of `data` (its offence ids are left out).
pub fn encode(data: &Dataset) -> Vec<u8> {
    let (p, o, e) = (&data.persons, &data.offences, &data.index_events);
    let size = 64 + p.ids.parts().0.len() + p.birth_date.len() * 13 + o.offence_date.len() * 14 + e.person.len() * 16;
    let mut w = Writer(Vec::with_capacity(size));
    w.0.extend_from_slice(MAGIC);
    w.arena(&p.ids);
    w.i32s(&p.birth_date);
    w.u8s(p.sex.iter().map(|s| *s as u8));
    w.u32s(&p.area);
    w.u32s(&data.offences_start);
    w.i32s(&o.offence_date);
    w.i32s(&o.outcome_date);
    w.u8s(o.outcome.iter().map(|x| *x as u8));
    w.u32s(&o.offence_type);
    w.u8s(o.seriousness.iter().copied());
    w.u32s(&e.person);
    w.i32s(&e.index_date);
    w.u32s(&e.kind);
    w.u32s(&e.group);
    for arena in [&data.areas, &data.offence_types, &data.kinds, &data.groups] {
        w.arena(arena);
    }
    w.0
}

/// Why a snapshot could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the evidence snapshot is damaged: {0}")]
pub struct Damaged(&'static str);

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], Damaged> {
        if n > self.0.len() {
            return Err(Damaged(what));
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn len(&mut self, what: &'static str) -> Result<usize, Damaged> {
        let bytes = self.take(8, what)?;
        usize::try_from(u64::from_le_bytes(bytes.try_into().map_err(|_| Damaged(what))?)).map_err(|_| Damaged(what))
    }

    fn words(&mut self, what: &'static str) -> Result<&'a [u8], Damaged> {
        let n = self.len(what)?;
        self.take(n.checked_mul(4).ok_or(Damaged(what))?, what)
    }

    fn u32s(&mut self, what: &'static str) -> Result<Vec<u32>, Damaged> {
        Ok(self.words(what)?.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect())
    }

    fn i32s(&mut self, what: &'static str) -> Result<Vec<i32>, Damaged> {
        Ok(self.words(what)?.chunks_exact(4).map(|c| i32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect())
    }

    fn u8s(&mut self, what: &'static str) -> Result<&'a [u8], Damaged> {
        let n = self.len(what)?;
        self.take(n, what)
    }

    fn arena(&mut self, what: &'static str) -> Result<StringArena, Damaged> {
        let bytes = String::from_utf8(self.u8s(what)?.to_vec()).map_err(|_| Damaged(what))?;
        StringArena::from_parts(bytes, self.u32s(what)?).ok_or(Damaged(what))
    }
}

fn same_len(n: usize, columns: &[usize], what: &'static str) -> Result<(), Damaged> {
    if columns.iter().all(|&len| len == n) { Ok(()) } else { Err(Damaged(what)) }
}

/// Labels are ids into `arena`, or `NONE`.
fn labels_in(column: &[u32], arena: &StringArena, what: &'static str) -> Result<(), Damaged> {
    let n = arena.len() as u32;
    if column.iter().all(|&id| id == NONE || id < n) { Ok(()) } else { Err(Damaged(what)) }
}

/// The dataset a snapshot holds (with no offence ids), or why it cannot be read.
pub fn decode(bytes: &[u8]) -> Result<Dataset, Damaged> {
    let mut r = Reader(bytes);
    if r.take(MAGIC.len(), "not a snapshot")? != MAGIC {
        return Err(Damaged("not a snapshot of this layout"));
    }
    let ids = r.arena("person ids")?;
    let birth_date = r.i32s("birth dates")?;
    let sex = r.u8s("sexes")?;
    let sex: Vec<Sex> = sex
        .iter()
        .map(|&s| [Sex::Unknown, Sex::F, Sex::M, Sex::X].get(usize::from(s)).copied().ok_or(Damaged("a sex")))
        .collect::<Result<_, _>>()?;
    let area = r.u32s("areas")?;
    let persons = ids.len();
    same_len(persons, &[birth_date.len(), sex.len(), area.len()], "person columns")?;
    let offences_start = r.u32s("offence starts")?;
    let offence_date = r.i32s("offence dates")?;
    let outcome_date = r.i32s("outcome dates")?;
    let outcome: Vec<Outcome> = r
        .u8s("outcomes")?
        .iter()
        .map(|&x| Outcome::ALL.get(usize::from(x)).copied().ok_or(Damaged("an outcome")))
        .collect::<Result<_, _>>()?;
    let offence_type = r.u32s("offence types")?;
    let seriousness = r.u8s("seriousness")?.to_vec();
    let offences = offence_date.len();
    same_len(offences, &[outcome_date.len(), outcome.len(), offence_type.len(), seriousness.len()], "offences")?;
    // Starts ascend from 0 to the number of offences, one per person and one past the last
    // (an extract never imported has none at all).
    let starts_fit = if offences_start.is_empty() {
        persons == 0 && offences == 0
    } else {
        offences_start.len() == persons + 1
            && offences_start[0] == 0
            && offences_start.windows(2).all(|w| w[0] <= w[1])
            && offences_start[persons] as usize == offences
    };
    if !starts_fit {
        return Err(Damaged("offence starts"));
    }
    let mut person = Vec::with_capacity(offences);
    for (p, w) in offences_start.windows(2).enumerate() {
        person.extend(std::iter::repeat_n(p as u32, (w[1] - w[0]) as usize));
    }
    let event_person = r.u32s("event persons")?;
    let index_date = r.i32s("index dates")?;
    let kind = r.u32s("event kinds")?;
    let group = r.u32s("event groups")?;
    same_len(event_person.len(), &[index_date.len(), kind.len(), group.len()], "index events")?;
    if event_person.iter().any(|&p| p as usize >= persons) {
        return Err(Damaged("an event's person"));
    }
    let areas = r.arena("area labels")?;
    let offence_types = r.arena("offence type labels")?;
    let kinds = r.arena("kind labels")?;
    let groups = r.arena("group labels")?;
    if !r.0.is_empty() {
        return Err(Damaged("bytes after the last column"));
    }
    labels_in(&area, &areas, "an area")?;
    labels_in(&offence_type, &offence_types, "an offence type")?;
    labels_in(&kind, &kinds, "a kind")?;
    labels_in(&group, &groups, "a group")?;
    Ok(Dataset {
        persons: Arc::new(Persons { ids, birth_date, sex, area }),
        offences: Arc::new(Offences {
            ids: StringArena::default(),
            person,
            offence_date,
            outcome_date,
            outcome,
            offence_type,
            seriousness,
        }),
        index_events: IndexEvents { person: event_person, index_date, kind, group },
        offences_start: Arc::new(offences_start),
        areas,
        offence_types,
        kinds,
        groups,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generated() -> Dataset {
        static RUN: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let run = RUN.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("desist-snapshot-test-{}-{run}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        crate::generate::generate(7, 400, 4.0, 300, &dir).unwrap();
        let read = |name: &str| std::fs::read(dir.join(name)).unwrap();
        let data = crate::csv_io::read_dataset(
            &read("persons.csv")[..],
            &read("offences.csv")[..],
            &read("index_events.csv")[..],
        )
        .unwrap()
        .dataset;
        let _ = std::fs::remove_dir_all(&dir);
        data
    }

    #[test]
    fn a_snapshot_reads_back_as_the_extract_without_offence_ids() {
        let data = generated();
        assert!(data.offence_count() > 1000 && data.index_event_count() > 0);
        let bytes = encode(&data);
        assert_eq!(decode(&bytes).unwrap(), for_pages(&data));
        assert_eq!(decode(&encode(&Dataset::default())).unwrap(), Dataset::default());
    }

    #[test]
    fn a_damaged_snapshot_is_refused_whole() {
        let bytes = encode(&generated());
        assert!(decode(&bytes[..bytes.len() - 1]).is_err(), "cut short");
        assert!(decode(b"something else entirely").is_err());
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(decode(&longer).is_err(), "bytes after the end");
        // An index event naming a person past the last.
        let mut wrong = bytes;
        let data = generated();
        let persons = data.person_count() as u32;
        let at = wrong.len() - encode_tail_len(&data) - data.index_event_count() * 16;
        wrong[at..at + 4].copy_from_slice(&persons.to_le_bytes());
        assert!(decode(&wrong).is_err());
    }

    /// The bytes after the index events' person column's values: dates, kinds, groups (each
    /// with its length) and the four arenas.
    fn encode_tail_len(data: &Dataset) -> usize {
        let arenas: usize = [&data.areas, &data.offence_types, &data.kinds, &data.groups]
            .iter()
            .map(|a| 16 + a.parts().0.len() + 4 * a.len())
            .sum();
        arenas + 3 * 8
    }
}
