//! A seeded generator of national-scale offence histories in the interchange format, for
//! tests and the bench. Offending is heavy-tailed (a few people commit many offences, in
//! bursts), so prolific-offender cohorts are non-empty, as in real extracts.

use std::io::Write;
use std::path::Path;

use crate::csv_io::{INDEX_EVENTS_FILE, OFFENCES_FILE, PERSONS_FILE};
use crate::dataset::Outcome;
use crate::date::{days_from_civil, push_day};
use crate::error::{EvidenceError, Result};
use crate::prng::Rng;

pub const OFFENCE_TYPES: [&str; 9] = [
    "theft",
    "burglary",
    "robbery",
    "assault",
    "drugs",
    "domestic_violence",
    "fraud",
    "criminal_damage",
    "public_order",
];
const TYPE_WEIGHTS: [u32; 9] = [30, 8, 3, 15, 15, 8, 6, 8, 7];
const OUTCOME_WEIGHTS: [u32; 7] = [45, 10, 12, 5, 10, 5, 13];
const KINDS: [&str; 5] = ["release", "community_order", "caution", "settlement", "intervention_start"];
const GROUPS: [&str; 5] = ["A", "B", "C", "D", "E"];

/// Row counts written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Generated {
    pub persons: u64,
    pub offences: u64,
    pub index_events: u64,
}

fn push_u64(buf: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    buf.extend_from_slice(&digits[i..]);
}

/// Reports a full batch after row `row` (0-based) when it completes one.
fn report(progress: &dyn Fn(Stage, u64), stage: Stage, row: u64) {
    if (row + 1).is_multiple_of(REPORT_EVERY) {
        progress(stage, REPORT_EVERY);
    }
}

fn create(dir: &Path, name: &str) -> Result<std::io::BufWriter<std::fs::File>> {
    let path = dir.join(name);
    std::fs::File::create(&path)
        .map(|f| std::io::BufWriter::with_capacity(1 << 20, f))
        .map_err(|source| EvidenceError::Io { path, source })
}

/// Which file the generator is writing, for a progress report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Counted in persons written (of `persons`).
    Persons,
    /// Counted in persons whose offences are written (of `persons`).
    Offences,
    /// Counted in index events written (of `index_events`).
    IndexEvents,
}

/// Rows between progress reports.
const REPORT_EVERY: u64 = 1 << 14;

/// Writes `persons.csv`, `offences.csv` and `index_events.csv` into `dir`: `persons` people,
/// on average `offences_per_person_mean` offences each, and `index_events` index events.
/// The same arguments always give byte-identical files.
pub fn generate(
    seed: u64,
    persons: u64,
    offences_per_person_mean: f64,
    index_events: u64,
    dir: &Path,
) -> Result<Generated> {
    generate_with_progress(seed, persons, offences_per_person_mean, index_events, dir, &|_, _| {})
}

/// [`generate`], calling `progress` with the stage and how many of its rows were just written.
/// Every row goes straight to its file through a small buffer, so memory stays the same
/// whatever the scale (national: 1M persons, 10M offences).
pub fn generate_with_progress(
    seed: u64,
    persons: u64,
    offences_per_person_mean: f64,
    index_events: u64,
    dir: &Path,
    progress: &dyn Fn(Stage, u64),
) -> Result<Generated> {
    std::fs::create_dir_all(dir).map_err(|source| EvidenceError::Io { path: dir.to_owned(), source })?;
    let mut rng = Rng::new(seed);
    let mut buf = Vec::with_capacity(1 << 16);
    let birth_range = (days_from_civil(1950, 1, 1), days_from_civil(2010, 12, 31));
    let career_range = (days_from_civil(2008, 1, 1), days_from_civil(2025, 6, 30));
    let index_range = (days_from_civil(2014, 1, 1), days_from_civil(2025, 6, 30));

    let mut out = create(dir, PERSONS_FILE)?;
    out.write_all(b"person_id,birth_date,sex,area\n")?;
    for p in 0..persons {
        buf.clear();
        buf.push(b'P');
        push_u64(&mut buf, p);
        buf.push(b',');
        if rng.below(50) != 0 {
            push_day(&mut buf, rng.between(birth_range.0, birth_range.1));
        }
        buf.push(b',');
        buf.extend_from_slice([&b"F"[..], b"M", b"X", b""][rng.weighted(&[20, 77, 1, 2])]);
        buf.push(b',');
        if rng.below(50) != 0 {
            buf.extend_from_slice(b"area-");
            push_u64(&mut buf, rng.below(40));
        }
        buf.push(b'\n');
        out.write_all(&buf)?;
        report(progress, Stage::Persons, p);
    }
    out.flush()?;
    progress(Stage::Persons, persons % REPORT_EVERY);

    let mut out = create(dir, OFFENCES_FILE)?;
    out.write_all(b"offence_id,person_id,offence_date,outcome_date,outcome,offence_type,seriousness\n")?;
    let mut offence_count = 0u64;
    for p in 0..persons {
        // Geometric count with a person-specific exponential mean: heavy-tailed, mean as asked.
        let mean = offences_per_person_mean * -(1.0 - rng.next_f64()).ln();
        let stop = 1.0 / (1.0 + mean);
        let mut count = 0u64;
        while rng.next_f64() >= stop && count < 500 {
            count += 1;
        }
        let career_start = rng.between(career_range.0, career_range.1);
        let career_length = rng.between(30, 6 * 365);
        for _ in 0..count {
            let offence_date = (career_start + rng.between(0, career_length)).min(career_range.1);
            let outcome = Outcome::ALL[rng.weighted(&OUTCOME_WEIGHTS)];
            buf.clear();
            buf.push(b'O');
            push_u64(&mut buf, offence_count);
            buf.extend_from_slice(b",P");
            push_u64(&mut buf, p);
            buf.push(b',');
            push_day(&mut buf, offence_date);
            buf.push(b',');
            let missing_outcome_date = outcome == Outcome::Pending || rng.below(50) == 0;
            if !missing_outcome_date {
                push_day(&mut buf, offence_date + rng.between(0, 540));
            }
            buf.push(b',');
            buf.extend_from_slice(outcome.as_str().as_bytes());
            buf.push(b',');
            if rng.below(33) != 0 {
                buf.extend_from_slice(OFFENCE_TYPES[rng.weighted(&TYPE_WEIGHTS)].as_bytes());
            }
            buf.push(b',');
            if rng.below(20) != 0 {
                push_u64(&mut buf, 1 + rng.below(10));
            }
            buf.push(b'\n');
            out.write_all(&buf)?;
            offence_count += 1;
        }
        report(progress, Stage::Offences, p);
    }
    out.flush()?;
    progress(Stage::Offences, persons % REPORT_EVERY);

    let mut out = create(dir, INDEX_EVENTS_FILE)?;
    out.write_all(b"person_id,index_date,kind,group\n")?;
    for event in 0..index_events {
        buf.clear();
        buf.push(b'P');
        push_u64(&mut buf, rng.below(persons.max(1)));
        buf.push(b',');
        push_day(&mut buf, rng.between(index_range.0, index_range.1));
        buf.push(b',');
        buf.extend_from_slice(KINDS[rng.below(KINDS.len() as u64) as usize].as_bytes());
        buf.push(b',');
        if rng.below(25) != 0 {
            buf.extend_from_slice(GROUPS[rng.weighted(&[30, 25, 20, 15, 10])].as_bytes());
        }
        buf.push(b'\n');
        out.write_all(&buf)?;
        report(progress, Stage::IndexEvents, event);
    }
    out.flush()?;
    progress(Stage::IndexEvents, index_events % REPORT_EVERY);
    Ok(Generated { persons, offences: offence_count, index_events })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_adds_up_to_every_row_of_each_file() {
        let dir = std::env::temp_dir().join(format!("evidence-generate-{}", std::process::id()));
        let counted = std::sync::Mutex::new([0u64; 3]);
        let progress = |stage: Stage, rows: u64| counted.lock().unwrap()[stage as usize] += rows;
        let written = generate_with_progress(3, 40_000, 2.0, 20_000, &dir, &progress).unwrap();
        assert_eq!(*counted.lock().unwrap(), [40_000, 40_000, 20_000]);
        assert_eq!(written, generate(3, 40_000, 2.0, 20_000, &dir).unwrap());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
