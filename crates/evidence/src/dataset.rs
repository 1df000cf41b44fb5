//! The columnar in-memory dataset (struct of arrays) that every measure runs over.
//!
//! Canonical order makes results independent of the row order of the input files:
//! persons are indexed in code-point order of `person_id`; offences are sorted by person, then
//! offence date, then offence id; index events by person, date, kind and group. Each person's
//! offences are one contiguous, date-sorted slice (`offences_of`), which is what makes window
//! counts a short scan.

use std::sync::Arc;

use crate::date::{Day, NO_DAY};
use crate::intern::{NONE, StringArena};

/// The outcome of an offence, as in the format's `outcome` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum Outcome {
    Conviction,
    Caution,
    PenaltyOrder,
    ConditionalDismissal,
    Dismissal,
    Acquittal,
    Pending,
}

impl Outcome {
    pub const ALL: [Outcome; 7] = [
        Outcome::Conviction,
        Outcome::Caution,
        Outcome::PenaltyOrder,
        Outcome::ConditionalDismissal,
        Outcome::Dismissal,
        Outcome::Acquittal,
        Outcome::Pending,
    ];

    pub fn parse(bytes: &[u8]) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.as_str().as_bytes() == bytes)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Conviction => "conviction",
            Outcome::Caution => "caution",
            Outcome::PenaltyOrder => "penalty_order",
            Outcome::ConditionalDismissal => "conditional_dismissal",
            Outcome::Dismissal => "dismissal",
            Outcome::Acquittal => "acquittal",
            Outcome::Pending => "pending",
        }
    }

    /// Proven: conviction, caution, penalty order or conditional dismissal.
    pub fn is_proven(self) -> bool {
        matches!(self, Outcome::Conviction | Outcome::Caution | Outcome::PenaltyOrder | Outcome::ConditionalDismissal)
    }
}

/// The `sex` column; `Unknown` is the empty cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum Sex {
    Unknown,
    F,
    M,
    X,
}

impl Sex {
    pub fn parse(bytes: &[u8]) -> Option<Sex> {
        match bytes {
            b"" => Some(Sex::Unknown),
            b"F" => Some(Sex::F),
            b"M" => Some(Sex::M),
            b"X" => Some(Sex::X),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Sex::Unknown => "",
            Sex::F => "F",
            Sex::M => "M",
            Sex::X => "X",
        }
    }
}

/// persons.csv as columns; index = position in code-point order of `person_id`.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Persons {
    pub ids: StringArena,
    pub birth_date: Vec<Day>,
    pub sex: Vec<Sex>,
    /// Index into `Dataset::areas`, or `intern::NONE`.
    pub area: Vec<u32>,
}

/// offences.csv as columns, sorted by (person, offence_date, offence_id).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Offences {
    pub ids: StringArena,
    pub person: Vec<u32>,
    pub offence_date: Vec<Day>,
    /// `NO_DAY` while pending / unknown.
    pub outcome_date: Vec<Day>,
    pub outcome: Vec<Outcome>,
    /// Index into `Dataset::offence_types`, or `intern::NONE`.
    pub offence_type: Vec<u32>,
    /// 1..=10, 0 for unknown.
    pub seriousness: Vec<u8>,
}

/// index_events.csv as columns, sorted by (person, index_date, kind, group).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct IndexEvents {
    pub person: Vec<u32>,
    pub index_date: Vec<Day>,
    pub kind: Vec<u32>,
    pub group: Vec<u32>,
}

/// The whole offence history, columnar. The persons and offences (and the index over them)
/// are shared: a dataset with other index events (what works joins the work recorded in
/// desist to the extract on every view) shares them with the extract instead of copying ten
/// million offences; `Arc::make_mut` copies only when one that is shared is changed.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Dataset {
    pub persons: Arc<Persons>,
    pub offences: Arc<Offences>,
    pub index_events: IndexEvents,
    /// `offences_start[p]..offences_start[p + 1]` are person `p`'s offences.
    pub offences_start: Arc<Vec<u32>>,
    pub areas: StringArena,
    pub offence_types: StringArena,
    pub kinds: StringArena,
    pub groups: StringArena,
}

impl Dataset {
    pub fn person_count(&self) -> usize {
        self.persons.birth_date.len()
    }

    pub fn offence_count(&self) -> usize {
        self.offences.person.len()
    }

    pub fn index_event_count(&self) -> usize {
        self.index_events.person.len()
    }

    /// The range of offence rows belonging to person `p`, sorted by offence date.
    #[inline]
    pub fn offences_of(&self, p: u32) -> std::ops::Range<usize> {
        self.offences_start[p as usize] as usize..self.offences_start[p as usize + 1] as usize
    }

    pub fn person_id(&self, p: u32) -> &str {
        self.persons.ids.get(p)
    }

    /// Looks a person up by source id (binary search over the sorted ids).
    pub fn find_person(&self, id: &str) -> Option<u32> {
        let (mut lo, mut hi) = (0usize, self.person_count());
        while lo < hi {
            let mid = (lo + hi) / 2;
            match self.persons.ids.get(mid as u32).cmp(id) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid as u32),
            }
        }
        None
    }

    /// Text of an interned label, empty for "unknown".
    pub fn label(arena: &StringArena, id: u32) -> &str {
        if id == NONE { "" } else { arena.get(id) }
    }

    /// Puts raw columns (in file order) into canonical order and builds the person index.
    /// `persons.ids` must already be sorted; offences and events refer to sorted indices.
    pub(crate) fn canonicalise(mut self) -> Dataset {
        sort_labels(&mut self.areas, &mut [&mut Arc::make_mut(&mut self.persons).area]);
        sort_labels(&mut self.offence_types, &mut [&mut Arc::make_mut(&mut self.offences).offence_type]);
        sort_labels(&mut self.kinds, &mut [&mut self.index_events.kind]);
        sort_labels(&mut self.groups, &mut [&mut self.index_events.group]);
        self.sort_offences();
        self.sort_index_events();
        let n = self.person_count();
        let mut start = vec![0u32; n + 1];
        for &p in &self.offences.person {
            start[p as usize + 1] += 1;
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        self.offences_start = Arc::new(start);
        self
    }

    /// The same dataset with its index event labels re-interned in code-point order and its
    /// index events in canonical order (for a dataset whose index events were replaced).
    pub(crate) fn with_canonical_index_events(mut self) -> Dataset {
        sort_labels(&mut self.kinds, &mut [&mut self.index_events.kind]);
        sort_labels(&mut self.groups, &mut [&mut self.index_events.group]);
        self.sort_index_events();
        self
    }

    fn sort_offences(&mut self) {
        let o = &self.offences;
        // (person, date) packed into one u64 and computed in one sequential pass, so the sort
        // moves 16-byte pairs instead of chasing two columns per comparison.
        let mut keyed: Vec<(u64, u32)> = (0..o.person.len())
            .map(|i| {
                let date = u64::from(o.offence_date[i] as u32 ^ 0x8000_0000);
                ((u64::from(o.person[i]) << 32) | date, i as u32)
            })
            .collect();
        keyed.sort_unstable();
        // Same person and day: order by offence id (runs are short). Offences without ids
        // came in id order (see `collect`), and the sort kept that order among equal keys.
        let with_ids = o.ids.len() == o.person.len();
        for run in keyed.chunk_by_mut(|a, b| a.0 == b.0).filter(|r| with_ids && r.len() > 1) {
            run.sort_unstable_by(|a, b| o.ids.get(a.1).cmp(o.ids.get(b.1)));
        }
        let order: Vec<u32> = keyed.into_iter().map(|(_, i)| i).collect();
        if order.iter().enumerate().all(|(i, &j)| i as u32 == j) {
            return;
        }
        // The ids (ten million texts) are copied on another thread meanwhile the numbers.
        let Offences { ids, person, offence_date, outcome_date, outcome, offence_type, seriousness } =
            Arc::make_mut(&mut self.offences);
        let permuted_ids = std::thread::scope(|scope| {
            let permuted = scope.spawn(|| if with_ids { ids.permuted(&order) } else { std::mem::take(ids) });
            *person = permute(person, &order);
            *offence_date = permute(offence_date, &order);
            *outcome_date = permute(outcome_date, &order);
            *outcome = permute(outcome, &order);
            *offence_type = permute(offence_type, &order);
            *seriousness = permute(seriousness, &order);
            permuted.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        });
        *ids = permuted_ids;
    }

    fn sort_index_events(&mut self) {
        let e = &self.index_events;
        let mut order: Vec<u32> = (0..e.person.len() as u32).collect();
        // Labels are interned in code-point order, so comparing ids compares texts; unknown
        // (NONE) sorts last.
        order.sort_unstable_by_key(|&i| {
            let i = i as usize;
            (e.person[i], e.index_date[i], e.kind[i], e.group[i])
        });
        let e = &mut self.index_events;
        e.person = permute(&e.person, &order);
        e.index_date = permute(&e.index_date, &order);
        e.kind = permute(&e.kind, &order);
        e.group = permute(&e.group, &order);
    }
}

/// Re-interns a label arena in code-point order and renumbers the columns that use it, so
/// that interned ids do not depend on the row order of the input.
fn sort_labels(arena: &mut StringArena, columns: &mut [&mut Vec<u32>]) {
    let mut order: Vec<u32> = (0..arena.len() as u32).collect();
    order.sort_unstable_by(|&a, &b| arena.get(a).cmp(arena.get(b)));
    let mut new_of_old = vec![0u32; order.len()];
    for (new, &old) in order.iter().enumerate() {
        new_of_old[old as usize] = new as u32;
    }
    for column in columns.iter_mut() {
        for id in column.iter_mut() {
            if *id != NONE {
                *id = new_of_old[*id as usize];
            }
        }
    }
    *arena = arena.permuted(&order);
}

fn permute<T: Copy>(column: &[T], order: &[u32]) -> Vec<T> {
    order.iter().map(|&i| column[i as usize]).collect()
}

/// True when `day` is a known date.
#[inline]
pub fn known(day: Day) -> bool {
    day != NO_DAY
}

/// Builds a [`Dataset`] from rows that come from somewhere other than the CSV files (the
/// store). Persons must arrive first, in ascending code-point order of `person_id` (what
/// `ORDER BY person_id` gives with byte/"C" collation); offences and index events may come in
/// any order and name their person by source id. Rows are assumed valid (the store only holds
/// rows that passed the CSV checks); a reference to an unknown person is an error.
#[derive(Debug, Default)]
pub struct DatasetBuilder {
    data: Dataset,
    areas: crate::intern::Interner,
    offence_types: crate::intern::Interner,
    kinds: crate::intern::Interner,
    groups: crate::intern::Interner,
    /// The person the previous offence or event belonged to (rows usually come grouped).
    last_person: Option<u32>,
    /// Persons by the hash of their source id, made at the first row that is not the previous
    /// row's person: rows in source id order (a store's primary key) name a different person
    /// nearly every time, and a binary search over a million ids per row of ten million cost
    /// seconds. `COLLIDED` marks a hash two ids share (those are found by binary search).
    by_hash: Option<std::collections::HashMap<u64, u32>>,
}

const COLLIDED: u32 = u32::MAX;

fn id_hash(id: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    id.hash(&mut h);
    h.finish()
}

impl DatasetBuilder {
    pub fn new() -> DatasetBuilder {
        DatasetBuilder::default()
    }

    pub fn with_capacity(persons: usize, offences: usize, index_events: usize) -> DatasetBuilder {
        let mut b = DatasetBuilder::default();
        let p = Arc::make_mut(&mut b.data.persons);
        p.birth_date.reserve(persons);
        p.sex.reserve(persons);
        p.area.reserve(persons);
        let o = Arc::make_mut(&mut b.data.offences);
        o.person.reserve(offences);
        o.offence_date.reserve(offences);
        o.outcome_date.reserve(offences);
        o.outcome.reserve(offences);
        o.offence_type.reserve(offences);
        o.seriousness.reserve(offences);
        b.data.index_events.person.reserve(index_events);
        b.data.index_events.index_date.reserve(index_events);
        b.data.index_events.kind.reserve(index_events);
        b.data.index_events.group.reserve(index_events);
        b
    }

    fn label(interner: &mut crate::intern::Interner, text: &str) -> u32 {
        if text.is_empty() { NONE } else { interner.intern(text) }
    }

    /// Adds a person; ids must be strictly ascending.
    pub fn person(&mut self, id: &str, birth_date: Day, sex: Sex, area: &str) -> Result<(), String> {
        self.by_hash = None;
        let area = Self::label(&mut self.areas, area);
        let p = Arc::make_mut(&mut self.data.persons);
        if let Some(last) = p.ids.len().checked_sub(1)
            && p.ids.get(last as u32) >= id
        {
            return Err(format!("persons out of order: '{id}' after '{}'", p.ids.get(last as u32)));
        }
        p.ids.push(id);
        p.birth_date.push(birth_date);
        p.sex.push(sex);
        p.area.push(area);
        Ok(())
    }

    fn resolve(&mut self, person_id: &str) -> Result<u32, String> {
        if let Some(last) = self.last_person
            && self.data.persons.ids.get(last) == person_id
        {
            return Ok(last);
        }
        let persons = &self.data.persons;
        let by_hash = self.by_hash.get_or_insert_with(|| {
            let mut map = std::collections::HashMap::with_capacity(persons.ids.len());
            for p in 0..persons.ids.len() as u32 {
                map.entry(id_hash(persons.ids.get(p))).and_modify(|v| *v = COLLIDED).or_insert(p);
            }
            map
        });
        let found = match by_hash.get(&id_hash(person_id)) {
            Some(&p) if p != COLLIDED && persons.ids.get(p) == person_id => Some(p),
            Some(&COLLIDED) => self.data.find_person(person_id),
            _ => None,
        };
        let found = found.ok_or_else(|| format!("unknown person '{person_id}'"))?;
        self.last_person = Some(found);
        Ok(found)
    }

    #[allow(clippy::too_many_arguments, reason = "one argument per column of the row")]
    pub fn offence(
        &mut self,
        id: &str,
        person_id: &str,
        offence_date: Day,
        outcome_date: Day,
        outcome: Outcome,
        offence_type: &str,
        seriousness: u8,
    ) -> Result<(), String> {
        let person = self.resolve(person_id)?;
        let offence_type = Self::label(&mut self.offence_types, offence_type);
        let o = Arc::make_mut(&mut self.data.offences);
        o.ids.push(id);
        o.person.push(person);
        o.offence_date.push(offence_date);
        o.outcome_date.push(outcome_date);
        o.outcome.push(outcome);
        o.offence_type.push(offence_type);
        o.seriousness.push(seriousness);
        Ok(())
    }

    pub fn index_event(&mut self, person_id: &str, index_date: Day, kind: &str, group: &str) -> Result<(), String> {
        let person = self.resolve(person_id)?;
        let kind = Self::label(&mut self.kinds, kind);
        let group = Self::label(&mut self.groups, group);
        let e = &mut self.data.index_events;
        e.person.push(person);
        e.index_date.push(index_date);
        e.kind.push(kind);
        e.group.push(group);
        Ok(())
    }

    /// The dataset in canonical order (the same as reading the equivalent CSV files).
    pub fn finish(mut self) -> Dataset {
        self.data.areas = self.areas.into_arena();
        self.data.offence_types = self.offence_types.into_arena();
        self.data.kinds = self.kinds.into_arena();
        self.data.groups = self.groups.into_arena();
        self.data.canonicalise()
    }
}

#[cfg(test)]
mod builder_tests {
    use super::*;
    use crate::csv_io::read_dataset;

    #[test]
    fn builder_gives_the_same_dataset_as_reading_csv() {
        let persons = "person_id,birth_date,sex,area\nP1,1990-01-02,M,North\nP2,,F,\nP3,1984-02-29,X,South\n";
        let offences = "offence_id,person_id,offence_date,outcome_date,outcome,offence_type,seriousness\n\
            O9,P2,2020-01-01,2020-02-01,conviction,theft,3\n\
            O1,P1,2021-01-01,,pending,,\n\
            O2,P1,2019-05-05,2019-06-06,caution,burglary,10\n";
        let events = "person_id,index_date,kind,group\nP3,2022-01-01,release,A\nP1,2020-01-01,,\nP1,2020-01-01,,\n";
        let from_csv = read_dataset(persons.as_bytes(), offences.as_bytes(), events.as_bytes()).unwrap().dataset;
        let mut b = DatasetBuilder::new();
        let d = |s: &str| crate::date::parse_day(s.as_bytes()).unwrap();
        b.person("P1", d("1990-01-02"), Sex::M, "North").unwrap();
        b.person("P2", NO_DAY, Sex::F, "").unwrap();
        b.person("P3", d("1984-02-29"), Sex::X, "South").unwrap();
        assert!(b.person("P0", NO_DAY, Sex::F, "").is_err());
        b.index_event("P1", d("2020-01-01"), "", "").unwrap();
        b.offence("O2", "P1", d("2019-05-05"), d("2019-06-06"), Outcome::Caution, "burglary", 10).unwrap();
        b.offence("O9", "P2", d("2020-01-01"), d("2020-02-01"), Outcome::Conviction, "theft", 3).unwrap();
        b.offence("O1", "P1", d("2021-01-01"), NO_DAY, Outcome::Pending, "", 0).unwrap();
        b.index_event("P3", d("2022-01-01"), "release", "A").unwrap();
        b.index_event("P1", d("2020-01-01"), "", "").unwrap();
        assert!(b.offence("O7", "P9", d("2021-01-01"), NO_DAY, Outcome::Pending, "", 0).is_err());
        assert_eq!(b.finish(), from_csv);
    }
}
