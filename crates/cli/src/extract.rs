//! `desist import DIR` and `desist export DIR`: the police/court record extract
//! (`persons.csv`, `offences.csv`, `index_events.csv`) into and out of the store, and the
//! evidence commands reading the store when they get no `--data DIR`.
//!
//! Import parses with the evidence crate, which reports every bad row as
//! `file:line:column: what is wrong`. By default it is all-or-nothing: one bad row and nothing
//! is written. With `--skip-bad` the good rows are committed and the bad ones are written to a
//! reject file. The write itself is one transaction, so an import that dies half-way leaves
//! the store as it was. The files are streamed ([`evidence::csv_io::stream_dir`]): memory
//! holds the persons and bounded parts of the offences and index events, whatever the
//! extract's size; repeated offence ids are found when the sorted offences are read.

use domain::Clock;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use evidence::csv_io::{INDEX_EVENTS_FILE, Issue, OFFENCES_FILE, PERSONS_FILE, StreamOptions};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::config::Config;

/// Load the offence-history CSV files of a folder into the store.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Folder with persons.csv, offences.csv and (optionally) index_events.csv.
    pub dir: PathBuf,
    /// Commit the good rows and write the bad ones to the reject file (default: nothing is
    /// imported when any row is bad).
    #[arg(long)]
    pub skip_bad: bool,
    /// Where --skip-bad writes the rejected rows (default: DIR/rejected.csv).
    #[arg(long, value_name = "FILE")]
    pub reject: Option<PathBuf>,
}

/// Write the stored extract as offence-history CSV files.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Folder to write persons.csv, offences.csv and index_events.csv into (created if needed).
    pub dir: PathBuf,
}

pub async fn open_store(config: &Config) -> anyhow::Result<store::Store> {
    store::Store::connect(&config.database_url, 2).await.context("opening the database")
}

pub(crate) fn progress_bar(total: u64) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {human_pos}/{human_len}, {per_sec}, ETA {eta}")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.set_message("importing (rows)");
    bar
}

impl ImportArgs {
    pub async fn run(&self, config: &Config, clock: &dyn Clock, out: &mut impl Write) -> anyhow::Result<()> {
        // One connection: on SQLite the import then has the file to itself and can load
        // through a rollback journal instead of the write-ahead log.
        let store = store::Store::connect(&config.database_url, 1).await.context("opening the database")?;
        let zone = jiff::tz::TimeZone::get(&config.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
        let today = clock.now().to_zoned(zone).date();
        let today = evidence::date::days_from_civil(i32::from(today.year()), today.month() as u32, today.day() as u32);
        let options = StreamOptions {
            offences_by_person: store.import_wants_offences_by_person().await?,
            strict: !self.skip_bad,
            today,
            ..StreamOptions::default()
        };
        // Read and sorted in bounded parts: memory stays flat however large the extract.
        let mut extract = evidence::csv_io::stream_dir(&self.dir, options)?;
        for warning in extract.warnings() {
            eprintln!("warning: {warning}");
        }
        let mut reported = Vec::new();
        if !extract.errors().is_empty() {
            // Repeated offence ids meet only in id order: list them with the rest now.
            extract.find_duplicates()?;
            reported = extract.errors();
            self.refuse_or_reject(&reported, &[])?;
        }
        let bar = progress_bar(extract.rows_read());
        let source = std::fs::canonicalize(&self.dir).unwrap_or_else(|_| self.dir.clone());
        let imported =
            store.import_from(&mut extract, &source.display().to_string(), clock.now(), &|n| bar.inc(n)).await;
        bar.finish_and_clear();
        let errors = extract.errors();
        if errors.len() > reported.len() {
            // Repeated offence ids found while writing: a strict import was refused (nothing
            // committed), a lenient one left them out.
            self.refuse_or_reject(&errors, &reported)?;
        }
        let summary = imported.context("importing into the store (nothing was committed)")?;
        let future = extract.future_offences();
        if future > 0 {
            for line in extract.future_lines() {
                eprintln!(
                    "warning: {}:{line}: offence or outcome date after today",
                    self.dir.join(OFFENCES_FILE).display()
                );
            }
            eprintln!(
                "warning: {future} offence(s) have an offence or outcome date after today (imported as they are); the extract's \"data up to\" date, the default as-of date of the evidence, is {}: the latest date not after today",
                evidence::date::format_day(extract.data_up_to())
            );
        }
        writeln!(
            out,
            "imported {} persons, {} offences, {} index events ({} rows new or changed, {} rejected)",
            summary.persons,
            summary.offences,
            summary.index_events,
            summary.written,
            errors.len()
        )?;
        Ok(())
    }

    /// Reports the bad rows of `errors` not among `reported` (shown before); then refuses,
    /// or (`--skip-bad`) writes every one of them to the reject file.
    fn refuse_or_reject(&self, errors: &[Issue], reported: &[Issue]) -> anyhow::Result<()> {
        let shown: std::collections::HashSet<(&str, u64, usize)> =
            reported.iter().map(|e| (e.file.as_str(), e.line, e.column)).collect();
        for error in errors.iter().filter(|e| !shown.contains(&(e.file.as_str(), e.line, e.column))) {
            eprintln!("{}", show_issue(&self.dir, error));
        }
        if !self.skip_bad {
            anyhow::bail!(
                "{} problem(s) in {}: nothing imported (fix them, or use --skip-bad to import the good rows)",
                errors.len(),
                self.dir.display()
            );
        }
        let reject = self.reject.clone().unwrap_or_else(|| self.dir.join("rejected.csv"));
        write_rejects(&self.dir, errors, &reject)
            .with_context(|| format!("writing the reject file {}", reject.display()))?;
        eprintln!("{} bad row(s) skipped and written to {}", errors.len(), reject.display());
        Ok(())
    }
}

/// `dir/file:line:column: message`, so that an editor can jump to it.
fn show_issue(dir: &Path, issue: &Issue) -> String {
    format!("{}:{}:{}: {}", dir.join(&issue.file).display(), issue.line, issue.column, issue.message)
}

/// The reject file: one CSV row per problem, with the offending line as it was in the input.
fn write_rejects(dir: &Path, errors: &[Issue], path: &Path) -> anyhow::Result<()> {
    let mut lines_of: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
    for file in [PERSONS_FILE, OFFENCES_FILE, INDEX_EVENTS_FILE] {
        if errors.iter().any(|e| e.file == file) {
            let bytes = std::fs::read(dir.join(file)).unwrap_or_default();
            let text = String::from_utf8_lossy(&bytes);
            lines_of.insert(file, text.lines().map(str::to_owned).collect());
        }
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    let mut w = csv::Writer::from_path(path)?;
    w.write_record(["file", "line", "column", "problem", "row"])?;
    for e in errors {
        let row = lines_of
            .get(e.file.as_str())
            .and_then(|lines| lines.get(e.line.saturating_sub(1) as usize))
            .map_or("", String::as_str);
        let (message, row) = (evidence::csv_io::neutralise(&e.message), evidence::csv_io::neutralise(row));
        w.write_record([e.file.as_str(), &e.line.to_string(), &e.column.to_string(), &message, &row])?;
    }
    w.flush()?;
    Ok(())
}

impl ExportArgs {
    pub async fn run(&self, config: &Config, out: &mut impl Write) -> anyhow::Result<()> {
        let store = open_store(config).await?;
        let data = store.load_extract().await.context("reading the extract from the store")?;
        evidence::csv_io::write_dir(&data, &self.dir)?;
        writeln!(
            out,
            "exported {} persons, {} offences, {} index events to {}",
            data.person_count(),
            data.offence_count(),
            data.index_event_count(),
            self.dir.display()
        )?;
        Ok(())
    }
}

/// `desist bench` (import part): the generated extract imported into a fresh embedded SQLite
/// store the way `desist import` does it (parse, check, one upsert transaction), against the
/// `sqlite3` command-line shell's `.import` of the same files — once into plain tables (what
/// `.import` does by itself) and once into tables with the same keys as ours.
pub async fn bench_import(dir: &Path, clock: &dyn Clock, out: &mut impl Write) -> anyhow::Result<()> {
    let db = dir.join("import-bench.db");
    let remove = |db: &Path| {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
        }
    };
    remove(&db);
    let store = store::Store::connect(&format!("sqlite:{}", db.display()), 1).await?;
    let start = std::time::Instant::now();
    let options = evidence::csv_io::StreamOptions::default();
    let mut extract = evidence::csv_io::stream_dir(dir, options)?;
    if !extract.errors().is_empty() {
        anyhow::bail!("the generated extract has bad rows: {:?}", extract.errors().first());
    }
    let parse_secs = start.elapsed().as_secs_f64();
    let bar = progress_bar(extract.rows_read());
    let write_start = std::time::Instant::now();
    let summary = store.import_from(&mut extract, "bench", clock.now(), &|n| bar.inc(n)).await?;
    bar.finish_and_clear();
    let write_secs = write_start.elapsed().as_secs_f64();
    let ours = start.elapsed().as_secs_f64();
    store.close().await;
    drop(extract);
    remove(&db);

    let plain = sqlite3_import(dir, "")?;
    let keyed = sqlite3_import(dir, KEYED_SCHEMA)?;
    let ratio = |theirs: Option<f64>| theirs.map_or("-".into(), |t| format!("{:.2}x", ours / t));
    let secs = |s: Option<f64>| s.map_or("-".into(), |s| format!("{s:.3}s"));
    writeln!(out, "import: {} rows ({} offences)", summary.rows(), summary.offences)?;
    writeln!(out, "{:<34} {:>10} {:>10} {:>8}", "step", "ours", "sqlite3", "ratio")?;
    writeln!(
        out,
        "{:<34} {:>10} {:>10} {:>8}",
        "import into SQLite (plain tables)",
        format!("{ours:.3}s"),
        secs(plain),
        ratio(plain)
    )?;
    writeln!(
        out,
        "{:<34} {:>10} {:>10} {:>8}",
        "import into SQLite (same keys)",
        format!("{ours:.3}s"),
        secs(keyed),
        ratio(keyed)
    )?;
    writeln!(
        out,
        "ours = parse, check and sort {parse_secs:.3}s + upsert {write_secs:.3}s ({:.0} rows/s overall)",
        summary.rows() as f64 / ours
    )?;
    if plain.is_none() {
        writeln!(out, "sqlite3 not found: apt-get install -y sqlite3 to compare")?;
    }
    Ok(())
}

const KEYED_SCHEMA: &str = "\
CREATE TABLE persons (person_id TEXT PRIMARY KEY, birth_date TEXT, sex TEXT, area TEXT) WITHOUT ROWID;
CREATE TABLE offences (offence_id TEXT PRIMARY KEY, person_id TEXT, offence_date TEXT, outcome_date TEXT,
    outcome TEXT, offence_type TEXT, seriousness INTEGER) WITHOUT ROWID;
CREATE TABLE index_events (person_id TEXT, index_date TEXT, kind TEXT, \"group\" TEXT);
";

/// Seconds the `sqlite3` shell takes to `.import` the three files into a new database file
/// (after `schema`, when given); `None` when sqlite3 is not installed or fails.
fn sqlite3_import(dir: &Path, schema: &str) -> anyhow::Result<Option<f64>> {
    let db = dir.join("sqlite3-import.db");
    let _ = std::fs::remove_file(&db);
    let mut script = String::from(schema);
    let skip = if schema.is_empty() { "" } else { "--skip 1 " };
    for (file, table) in [(PERSONS_FILE, "persons"), (OFFENCES_FILE, "offences"), (INDEX_EVENTS_FILE, "index_events")] {
        script.push_str(&format!(".import --csv {skip}'{}' {table}\n", dir.join(file).display()));
    }
    let start = std::time::Instant::now();
    let child = std::process::Command::new("sqlite3")
        .arg(&db)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn();
    let Ok(mut child) = child else { return Ok(None) };
    child.stdin.take().expect("piped").write_all(script.as_bytes())?;
    let output = child.wait_with_output()?;
    let secs = start.elapsed().as_secs_f64();
    let _ = std::fs::remove_file(&db);
    if !output.status.success() || !output.stderr.is_empty() {
        eprintln!("sqlite3 .import failed: {}", String::from_utf8_lossy(&output.stderr));
        return Ok(None);
    }
    Ok(Some(secs))
}
