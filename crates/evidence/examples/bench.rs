//! Runs the national-scale bench until `desist bench` is wired:
//! `cargo run -p evidence --release --example bench -- DIR [AS_OF] [PERSONS]`
use std::path::PathBuf;

fn main() -> Result<(), evidence::EvidenceError> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().unwrap_or_else(|| "/tmp/desist-bench".into()));
    let as_of = evidence::cli::parse_as_of(&args.next().unwrap_or_else(|| "2025-01-01".into()))?;
    let mut options = evidence::bench::BenchOptions::national(dir, as_of);
    if let Some(persons) = args.next() {
        options.persons = persons.parse().expect("persons is a number");
        options.index_events = options.persons;
    }
    evidence::bench::bench(&options, &mut std::io::stdout().lock())?;
    Ok(())
}
