use std::path::{Path, PathBuf};

use evidence::Dataset;
use evidence::csv_io::{Loaded, read_dataset};
use evidence::date::{Day, parse_date_arg};

/// A fresh empty directory under the system temp dir, unique per test name and process,
/// removed when dropped.
pub struct TempDir(PathBuf);

impl std::ops::Deref for TempDir {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn temp_dir(name: &str) -> TempDir {
    let dir = std::env::temp_dir().join(format!("evidence-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    TempDir(dir)
}

pub fn day(text: &str) -> Day {
    parse_date_arg(text).unwrap_or_else(|| panic!("bad test date {text}"))
}

pub fn load(persons: &str, offences: &str, events: &str) -> Loaded {
    read_dataset(persons.as_bytes(), offences.as_bytes(), events.as_bytes()).unwrap()
}

/// A dataset from CSV text that must be free of errors.
pub fn dataset(persons: &str, offences: &str, events: &str) -> Dataset {
    let loaded = load(persons, offences, events);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    loaded.dataset
}

pub const OFFENCES_HEADER: &str = "offence_id,person_id,offence_date,outcome_date,outcome,offence_type,seriousness\n";
pub const EVENTS_HEADER: &str = "person_id,index_date,kind,group\n";
