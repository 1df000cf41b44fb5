//! `desist bench`: national-scale generated data, our timings side by side with DuckDB
//! running the equivalent SQL (`bench/duckdb_reference.py`) on the same CSV files, and the
//! answers cross-checked. Wall-clock time is measured with `Instant` (a monotonic timer,
//! not the calendar clock; no result depends on it).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::csv_io::{INDEX_EVENTS_FILE, load_dir};
use crate::date::{Day, format_day};
use crate::error::{EvidenceError, Result};
use crate::generate::generate_with_progress;
use crate::reoffending::{Definition, GroupBy, reoffending};
use crate::rules::{CompiledRule, resolve};

#[derive(Debug, Clone, PartialEq)]
pub struct BenchOptions {
    /// Where the CSVs are generated (reused when already there with the same parameters).
    pub dir: PathBuf,
    pub seed: u64,
    pub persons: u64,
    pub offences_per_person_mean: f64,
    pub index_events: u64,
    pub as_of: Day,
    /// `bench/duckdb_reference.py`; `None` skips the DuckDB comparison.
    pub duckdb_script: Option<PathBuf>,
    /// The python that runs it (one with duckdb installed).
    pub python: PathBuf,
}

impl BenchOptions {
    /// 1M persons, 10M offences, 1M index events.
    pub fn national(dir: PathBuf, as_of: Day) -> BenchOptions {
        BenchOptions {
            dir,
            seed: 1,
            persons: 1_000_000,
            offences_per_person_mean: 10.0,
            index_events: 1_000_000,
            as_of,
            duckdb_script: Some(PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/bench/duckdb_reference.py"))),
            python: PathBuf::from("python3"),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct CohortTiming {
    pub rule: String,
    pub secs: f64,
    pub members: usize,
    pub duckdb_secs: Option<f64>,
    pub duckdb_members: Option<u64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BenchReport {
    pub generate_secs: Option<f64>,
    pub offences: usize,
    pub load_secs: f64,
    pub cohorts: Vec<CohortTiming>,
    pub reoffending_secs: f64,
    pub reoffenders: u64,
    pub duckdb_load_secs: Option<f64>,
    pub duckdb_reoffending_secs: Option<f64>,
    pub duckdb_reoffenders: Option<u64>,
    /// DuckDB's worker threads (ours are single-threaded).
    pub duckdb_threads: Option<u64>,
    /// Kaplan–Meier curves by group (no DuckDB equivalent).
    pub survival_secs: f64,
    /// Propensity-score matched comparison for group A (no DuckDB equivalent).
    pub matching_secs: f64,
    pub matched_pairs: usize,
    /// Peak resident set size of this process (VmHWM), in KiB, when known.
    pub peak_rss_kib: Option<u64>,
}

/// Peak resident set size from `/proc/self/status` (Linux), in KiB.
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Generates the data unless `dir` already holds it for the same parameters; the seconds it
/// took, `None` when it was reused. `progress` hears of every batch of rows written.
pub fn ensure_data(options: &BenchOptions, progress: &dyn Fn(crate::generate::Stage, u64)) -> Result<Option<f64>> {
    let params = format!(
        "seed={} persons={} mean={} events={}\n",
        options.seed, options.persons, options.offences_per_person_mean, options.index_events
    );
    let marker = options.dir.join("bench.params");
    if std::fs::read_to_string(&marker).ok().as_deref() == Some(params.as_str())
        && options.dir.join(INDEX_EVENTS_FILE).exists()
    {
        return Ok(None);
    }
    let start = Instant::now();
    let (persons, mean, events) = (options.persons, options.offences_per_person_mean, options.index_events);
    generate_with_progress(options.seed, persons, mean, events, &options.dir, progress)?;
    std::fs::write(&marker, params).map_err(|source| EvidenceError::Io { path: marker, source })?;
    Ok(Some(start.elapsed().as_secs_f64()))
}

fn run_duckdb(script: &Path, options: &BenchOptions) -> Option<serde_json::Value> {
    let output = std::process::Command::new(&options.python)
        .arg(script)
        .arg(&options.dir)
        .arg(format_day(options.as_of))
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    serde_json::from_slice(&output.stdout).ok()
}

fn ratio(ours: f64, theirs: Option<f64>) -> String {
    theirs.map_or("-".into(), |t| format!("{:.2}x", ours / t))
}

/// Generates (or reuses) the data, times loading, both shipped cohort rules and reoffending
/// by group, runs DuckDB on the same files, and prints the comparison to `out`.
pub fn bench(options: &BenchOptions, out: &mut impl Write) -> Result<BenchReport> {
    let generate_secs = ensure_data(options, &|_, _| {})?;
    let start = Instant::now();
    let (data, _) = load_dir(&options.dir)?;
    let load_secs = start.elapsed().as_secs_f64();
    let duck = options.duckdb_script.as_deref().and_then(|s| run_duckdb(s, options));
    let duck_f64 = |path: &[&str]| {
        let mut v = duck.as_ref()?;
        for key in path {
            v = v.get(key)?;
        }
        v.as_f64()
    };
    let mut cohorts = Vec::new();
    for name in ["nl-very-active-prolific", "ew-iom"] {
        let rule = resolve(name)?;
        let start = Instant::now();
        let compiled = CompiledRule::compile(&rule.expr, &data);
        let members = compiled.members(&data, options.as_of).len();
        cohorts.push(CohortTiming {
            rule: name.to_owned(),
            secs: start.elapsed().as_secs_f64(),
            members,
            duckdb_secs: duck_f64(&["cohort", name, "secs"]),
            duckdb_members: duck_f64(&["cohort", name, "members"]).map(|m| m as u64),
        });
    }
    let start = Instant::now();
    let report = reoffending(&data, Definition::default_as_of(options.as_of), GroupBy::Group);
    let reoffending_secs = start.elapsed().as_secs_f64();
    let definition = Definition::default_as_of(options.as_of);
    let start = Instant::now();
    let times = crate::survival::survival_times(&data, definition, GroupBy::Group);
    let curves = crate::survival::curves(&times);
    let survival_secs = start.elapsed().as_secs_f64();
    debug_assert!(!curves.is_empty() || data.index_event_count() == 0);
    let start = Instant::now();
    let matched = crate::matching::match_comparison(
        &data,
        &crate::matching::MatchOptions {
            definition,
            treated_group: "A".into(),
            method: crate::matching::Method::Propensity { caliper_sd: 0.2 },
            seed: options.seed,
            controls_never_treated: false,
        },
    );
    let matching_secs = start.elapsed().as_secs_f64();
    let result = BenchReport {
        survival_secs,
        matching_secs,
        matched_pairs: matched.pairs.len(),
        generate_secs,
        offences: data.offence_count(),
        load_secs,
        cohorts,
        reoffending_secs,
        reoffenders: report.overall.reoffenders,
        duckdb_load_secs: duck_f64(&["load_secs"]),
        duckdb_reoffending_secs: duck_f64(&["reoffending", "secs"]),
        duckdb_reoffenders: duck_f64(&["reoffending", "reoffenders"]).map(|r| r as u64),
        duckdb_threads: duck_f64(&["threads"]).map(|t| t as u64),
        peak_rss_kib: peak_rss_kib(),
    };
    print_report(&result, data.person_count(), data.index_event_count(), out)?;
    Ok(result)
}

fn print_report(r: &BenchReport, persons: usize, events: usize, out: &mut impl Write) -> Result<()> {
    let secs = |s: Option<f64>| s.map_or("-".into(), |s| format!("{s:.3}s"));
    let count = |c: Option<u64>| c.map_or("-".into(), |c| c.to_string());
    writeln!(out, "data: {persons} persons, {} offences, {events} index events", r.offences)?;
    if let Some(g) = r.generate_secs {
        writeln!(out, "generate: {g:.3}s")?;
    }
    writeln!(out, "{:<34} {:>10} {:>10} {:>8}  results (ours / duckdb)", "step", "ours", "duckdb", "ratio")?;
    writeln!(
        out,
        "{:<34} {:>10} {:>10} {:>8}",
        "load CSV into memory",
        format!("{:.3}s", r.load_secs),
        secs(r.duckdb_load_secs),
        ratio(r.load_secs, r.duckdb_load_secs)
    )?;
    for c in &r.cohorts {
        let agree = match c.duckdb_members {
            Some(m) if m == c.members as u64 => "agree",
            Some(_) => "DIFFER",
            None => "",
        };
        writeln!(
            out,
            "{:<34} {:>10} {:>10} {:>8}  {} / {} {agree}",
            format!("cohort {}", c.rule),
            format!("{:.3}s", c.secs),
            secs(c.duckdb_secs),
            ratio(c.secs, c.duckdb_secs),
            c.members,
            count(c.duckdb_members)
        )?;
    }
    let agree = match r.duckdb_reoffenders {
        Some(d) if d == r.reoffenders => "agree",
        Some(_) => "DIFFER",
        None => "",
    };
    writeln!(
        out,
        "{:<34} {:>10} {:>10} {:>8}  {} / {} reoffenders {agree}",
        "reoffending by group",
        format!("{:.3}s", r.reoffending_secs),
        secs(r.duckdb_reoffending_secs),
        ratio(r.reoffending_secs, r.duckdb_reoffending_secs),
        r.reoffenders,
        count(r.duckdb_reoffenders)
    )?;
    writeln!(
        out,
        "{:<34} {:>10} {:>10} {:>8}",
        "survival curves by group",
        format!("{:.3}s", r.survival_secs),
        "-",
        "-"
    )?;
    writeln!(
        out,
        "{:<34} {:>10} {:>10} {:>8}  {} pairs",
        "propensity matching (group A)",
        format!("{:.3}s", r.matching_secs),
        "-",
        "-",
        r.matched_pairs
    )?;
    if let Some(threads) = r.duckdb_threads {
        writeln!(out, "ours: 1 thread; duckdb: {threads} threads")?;
    }
    if let Some(kib) = r.peak_rss_kib {
        writeln!(out, "peak RSS (VmHWM): {:.0} MiB", kib as f64 / 1024.0)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_bench_runs_and_reuses_generated_data() {
        let dir = std::env::temp_dir().join(format!("evidence-bench-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let options = BenchOptions {
            dir: dir.clone(),
            seed: 5,
            persons: 200,
            offences_per_person_mean: 15.0,
            index_events: 300,
            as_of: crate::date::parse_date_arg("2025-01-01").unwrap(),
            duckdb_script: None,
            python: PathBuf::from("python3"),
        };
        let mut out = Vec::new();
        let first = bench(&options, &mut out).unwrap();
        assert!(first.generate_secs.is_some());
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("cohort ew-iom"), "{text}");
        let second = bench(&options, &mut Vec::new()).unwrap();
        assert_eq!(second.generate_secs, None);
        assert_eq!(second.cohorts[0].members, first.cohorts[0].members);
        assert!(peak_rss_kib().is_some_and(|k| k > 0));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
