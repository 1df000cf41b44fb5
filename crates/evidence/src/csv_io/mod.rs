//! Reading and writing the offence-history interchange format
//! (`persons.csv`, `offences.csv`, `index_events.csv`; see `docs/formats/offence-history.md`).
//!
//! Reading collects *every* problem as an [`Issue`] (`file:line:column: what is wrong`) instead
//! of stopping at the first, so a data manager can fix an extract in one go.

mod duplicates;
mod formula;
mod id_index;
mod parallel;
mod read;
mod stream;
mod stream_parts;
mod write;

use std::fmt;
use std::path::Path;

pub use formula::{neutralise, restore};
pub use read::{Loaded, SizeHint, read_dataset, read_dataset_sized};
pub use stream::{DEFAULT_RECORDS_IN_MEMORY, StreamOptions, StreamedExtract, stream_dir};
pub use write::{write_dir, write_index_events, write_offences, write_persons};

use crate::dataset::Dataset;
use crate::error::{EvidenceError, Result};

pub const PERSONS_FILE: &str = "persons.csv";
pub const OFFENCES_FILE: &str = "offences.csv";
pub const INDEX_EVENTS_FILE: &str = "index_events.csv";

/// One problem (or warning) in an input file. `line` and `column` are 1-based; column is the
/// field's position in the file's header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub file: String,
    pub line: u64,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: {}", self.file, self.line, self.column, self.message)
    }
}

fn open(path: &Path) -> Result<std::fs::File> {
    std::fs::File::open(path).map_err(|source| EvidenceError::Io { path: path.to_owned(), source })
}

/// Loads the three files from `dir`, keeping the good rows and reporting the bad ones.
/// `index_events.csv` may be absent (cohort rules need only persons and offences). A large
/// offence file is read in parts, one per core (up to eight).
pub fn load_dir_lenient(dir: &Path) -> Result<Loaded> {
    let persons = open(&dir.join(PERSONS_FILE))?;
    let offences = dir.join(OFFENCES_FILE);
    let offences_bytes = open(&offences)?.metadata().map_or(0, |m| m.len());
    let events_path = dir.join(INDEX_EVENTS_FILE);
    let events: Box<dyn std::io::Read> =
        if events_path.exists() { Box::new(open(&events_path)?) } else { Box::new(&b"person_id,index_date\n"[..]) };
    let hint = SizeHint { persons_bytes: persons.metadata().map_or(0, |m| m.len()), offences_bytes };
    let parts = if offences_bytes >= parallel::PARALLEL_FROM_BYTES {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(8))
    } else {
        1
    };
    read::read_with(persons, hint, events, |lookup, dataset, issues| {
        parallel::read_offences_in_parts(parallel::Source::File(&offences), parts, lookup, dataset, issues)
    })
}

/// Loads the three files from `dir`; any bad row makes the whole load fail with all issues.
pub fn load_dir(dir: &Path) -> Result<(Dataset, Vec<Issue>)> {
    load_dir_lenient(dir)?.strict()
}
