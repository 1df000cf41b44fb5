//! `desist import` / `desist export` and the evidence commands over the store, driven through
//! the real binary against a real SQLite file: bad rows are reported and change nothing,
//! `--skip-bad` keeps the good rows, re-importing is idempotent, an import killed half-way
//! leaves the store as it was, and export gives back exactly the files that went in.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        Env { dir: tempfile::tempdir().unwrap() }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn db(&self) -> PathBuf {
        self.path("desist.db")
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = support::desist(self.dir.path());
        command
            .args(args)
            .env("DATABASE_URL", format!("sqlite:{}", self.db().display()))
            .env_remove("DESIST_DATABASE_URL")
            .stdin(Stdio::null());
        command
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let output = self.run(args);
        assert!(
            output.status.success(),
            "desist {args:?} failed: {}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    }

    /// Exports the store into a new folder and returns the three files' bytes.
    fn export(&self, name: &str) -> Vec<Vec<u8>> {
        let out = self.path(name);
        self.ok(&["export", out.to_str().unwrap()]);
        files(&out)
    }
}

fn files(dir: &Path) -> Vec<Vec<u8>> {
    ["persons.csv", "offences.csv", "index_events.csv"].iter().map(|f| std::fs::read(dir.join(f)).unwrap()).collect()
}

fn write(dir: &Path, persons: &str, offences: &str, events: &str) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("persons.csv"), persons).unwrap();
    std::fs::write(dir.join("offences.csv"), offences).unwrap();
    std::fs::write(dir.join("index_events.csv"), events).unwrap();
}

fn generated(env: &Env, name: &str, seed: u64, persons: u64) -> PathBuf {
    let dir = env.path(name);
    evidence::generate::generate(seed, persons, 6.0, persons / 2, &dir).unwrap();
    dir
}

/// The canonical form of a folder of CSV files (what export writes for it).
fn canonical(dir: &Path, into: &Path) -> Vec<Vec<u8>> {
    let (data, _) = evidence::csv_io::load_dir(dir).unwrap();
    evidence::csv_io::write_dir(&data, into).unwrap();
    files(into)
}

const GOOD_PERSONS: &str = "person_id,birth_date,sex,area\nP1,1990-01-02,M,North\nP2,,F,\n";
const GOOD_OFFENCES: &str = "offence_id,person_id,offence_date,outcome_date,outcome,offence_type,seriousness\n\
    O1,P1,2020-01-01,2020-02-01,conviction,theft,3\nO2,P2,2021-01-01,,pending,,\n";
const GOOD_EVENTS: &str = "person_id,index_date,kind,group\nP1,2020-03-01,release,A\n";

#[test]
fn bad_rows_are_all_reported_and_nothing_is_imported() {
    let env = Env::new();
    let good = env.path("good");
    write(&good, GOOD_PERSONS, GOOD_OFFENCES, GOOD_EVENTS);
    env.ok(&["import", good.to_str().unwrap()]);
    let before = env.export("before");

    let bad = env.path("bad");
    write(
        &bad,
        "person_id,birth_date,sex,area\nP1,1990-01-02,M,North\nP3,1990-13-01,F,South\nP4,,F,\nP1,,F,\n",
        "offence_id,person_id,offence_date,outcome_date,outcome,offence_type,seriousness\n\
         O1,P1,2020-01-01,2020-02-01,convicted,theft,3\n\
         O5,P9,2021-01-01,,pending,,\n\
         O6,P4,2021-01-01,,pending,,11\n\
         O7,P4,2021-02-30,,pending,,\n\
         O6,P4,2021-01-02,,pending,,\n",
        GOOD_EVENTS,
    );
    let output = env.run(&["import", bad.to_str().unwrap()]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    for expected in [
        "persons.csv:3:2: bad date '1990-13-01'",
        "offences.csv:2:5: unknown outcome 'convicted'",
        "offences.csv:3:2: offence for unknown person 'P9'",
        "offences.csv:4:7: seriousness '11' out of range",
        "offences.csv:5:3: bad date '2021-02-30'",
        "persons.csv:5:1: duplicate person_id 'P1'",
        "nothing imported",
    ] {
        assert!(stderr.contains(expected), "missing {expected:?} in:\n{stderr}");
    }
    assert_eq!(env.export("after"), before, "the store changed");
}

#[test]
fn skip_bad_commits_the_good_rows_and_writes_the_bad_ones_to_the_reject_file() {
    let env = Env::new();
    let dir = env.path("extract");
    write(
        &dir,
        "person_id,birth_date,sex,area\nP1,1990-01-02,M,North\nP2,1990-01-02,Q,North\n",
        "offence_id,person_id,offence_date,outcome_date,outcome,offence_type,seriousness\n\
         O1,P1,2020-01-01,2020-02-01,conviction,theft,3\n\
         O2,P1,2020-01-05,,maybe,,\n",
        "person_id,index_date,kind,group\nP1,2020-03-01,release,A\n",
    );
    let reject = env.path("rejects/bad-rows.csv");
    let stdout = env.ok(&["import", dir.to_str().unwrap(), "--skip-bad", "--reject", reject.to_str().unwrap()]);
    assert!(stdout.contains("imported 1 persons, 1 offences, 1 index events"), "{stdout}");
    assert!(stdout.contains("2 rejected"), "{stdout}");
    let rejects = std::fs::read_to_string(&reject).unwrap();
    assert!(rejects.starts_with("file,line,column,problem,row\n"), "{rejects}");
    assert!(rejects.contains("persons.csv,3,3,\"unknown sex 'Q'"), "{rejects}");
    assert!(rejects.contains("\"P2,1990-01-02,Q,North\""), "{rejects}");
    assert!(rejects.contains("offences.csv,3,5,\"unknown outcome 'maybe'"), "{rejects}");
    let exported = env.export("out");
    assert_eq!(String::from_utf8_lossy(&exported[0]), "person_id,birth_date,sex,area\nP1,1990-01-02,M,North\n");
}

#[test]
fn reimport_is_idempotent_and_a_newer_extract_updates_outcomes() {
    let env = Env::new();
    let dir = env.path("extract");
    write(&dir, GOOD_PERSONS, GOOD_OFFENCES, GOOD_EVENTS);
    let first = env.ok(&["import", dir.to_str().unwrap()]);
    assert!(first.contains("(5 rows new or changed, 0 rejected)"), "{first}");
    let before = env.export("first");
    let again = env.ok(&["import", dir.to_str().unwrap()]);
    assert!(again.contains("(0 rows new or changed, 0 rejected)"), "{again}");
    assert_eq!(env.export("again"), before);

    let newer = env.path("newer");
    write(
        &newer,
        GOOD_PERSONS,
        &GOOD_OFFENCES.replace("O2,P2,2021-01-01,,pending,,", "O2,P2,2021-01-01,2021-06-01,conviction,,"),
        GOOD_EVENTS,
    );
    let updated = env.ok(&["import", newer.to_str().unwrap()]);
    assert!(updated.contains("(1 rows new or changed, 0 rejected)"), "{updated}");
    let offences = String::from_utf8(env.export("newer-out").remove(1)).unwrap();
    assert!(offences.contains("O2,P2,2021-01-01,2021-06-01,conviction,,\n"), "{offences}");
}

#[test]
fn export_round_trip_is_exact() {
    let env = Env::new();
    let dir = generated(&env, "generated", 5, 2_000);
    let expected = canonical(&dir, &env.path("canonical"));
    env.ok(&["import", dir.to_str().unwrap()]);
    let exported = env.export("exported");
    assert!(exported == expected, "export differs from the canonical form of the imported files");
    // And again through a second, fresh store: byte for byte the same.
    let second = Env::new();
    second.ok(&["import", env.path("exported").to_str().unwrap()]);
    assert!(second.export("exported") == expected);
}

#[test]
fn an_import_killed_half_way_leaves_the_store_as_it_was() {
    let env = Env::new();
    let small = env.path("small");
    write(&small, GOOD_PERSONS, GOOD_OFFENCES, GOOD_EVENTS);
    env.ok(&["import", small.to_str().unwrap()]);
    let before = env.export("before");

    let big = generated(&env, "big", 3, 80_000);
    let mut child =
        env.command(&["import", big.to_str().unwrap()]).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
    // The import, alone on the file, writes through a rollback journal: its pages reach the
    // file only while it commits (or spills its cache), with the journal beside the file.
    // Kill it then, half-way through writing the file (or, through the write-ahead log, once
    // megabytes are in there).
    let journal = PathBuf::from(format!("{}-journal", env.db().display()));
    let wal = PathBuf::from(format!("{}-wal", env.db().display()));
    let start = Instant::now();
    loop {
        assert!(child.try_wait().unwrap().is_none(), "the import ended before it could be killed");
        if journal.exists() || std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0) > 2 << 20 {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(300), "the import never started writing");
        std::thread::sleep(Duration::from_millis(1));
    }
    child.kill().unwrap(); // SIGKILL
    let status = child.wait().unwrap();
    assert!(!status.success());
    assert_eq!(env.export("after"), before, "a killed import changed the store");
}

#[test]
fn evidence_commands_read_the_store_and_decisions_override_the_rule() {
    let env = Env::new();
    let dir = generated(&env, "extract", 9, 3_000);
    env.ok(&["import", dir.to_str().unwrap()]);
    let rule = "count(proven, within 5y) >= 3";
    let from_files = env.ok(&["cohort", "--rule", rule, "--as-of", "2025-01-01", "--data", dir.to_str().unwrap()]);
    let from_store = env.ok(&["cohort", "--rule", rule, "--as-of", "2025-01-01"]);
    assert_eq!(from_store, from_files);
    let members: Vec<&str> = from_store.lines().skip(1).collect();
    assert!(!members.is_empty());

    let reoffending_files = env.ok(&["reoffending", "--as-of", "2025-01-01", "--data", dir.to_str().unwrap()]);
    assert_eq!(env.ok(&["reoffending", "--as-of", "2025-01-01"]), reoffending_files);

    // Deselect a member and select someone who is not one.
    let member = members[0];
    let persons = std::fs::read_to_string(dir.join("persons.csv")).unwrap();
    let outsider =
        persons.lines().skip(1).map(|l| l.split(',').next().unwrap()).find(|p| !members.contains(p)).unwrap();
    env.ok(&[
        "cohort",
        "deselect",
        member,
        "--rule",
        rule,
        "--reason",
        "moved abroad",
        "--by",
        "analist",
        "--from",
        "2024-01-01",
    ]);
    env.ok(&[
        "cohort",
        "select",
        outsider,
        "--rule",
        rule,
        "--reason",
        "police intelligence",
        "--by",
        "analist",
        "--from",
        "2024-06-01",
    ]);
    let unknown = env.run(&["cohort", "select", "nobody", "--rule", rule, "--reason", "x", "--by", "analist"]);
    assert!(!unknown.status.success());
    let after = env.ok(&["cohort", "--rule", rule, "--as-of", "2025-01-01"]);
    let after: Vec<&str> = after.lines().skip(1).collect();
    assert!(!after.contains(&member) && after.contains(&outsider));
    assert_eq!(after.len(), members.len());

    let recorded =
        env.ok(&["cohort", "--rule", rule, "--record", "--from", "2024-01-01", "--to", "2025-01-01", "--every", "3m"]);
    assert!(recorded.contains("over 5 dates"), "{recorded}");
    assert!(recorded.contains(&format!("{} members on 2025-01-01", after.len())), "{recorded}");
}

#[test]
fn a_deployments_own_cohort_rule_is_used_by_name_and_a_bad_one_stops_with_its_position() {
    let env = Env::new();
    let dir = generated(&env, "extract", 4, 1_000);
    let expression = "count(proven, within 5y) >= 3";
    let config = format!(
        "[[cohort_rules]]\nname = \"three-in-five\"\ndescription = \"Three proven in five years\"\nexpression = \"{expression}\"\n"
    );
    std::fs::write(env.path("desist.toml"), &config).unwrap();
    let data = dir.to_str().unwrap();
    let by_name = env.ok(&["cohort", "--rule", "three-in-five", "--as-of", "2025-01-01", "--data", data]);
    let by_expression = env.ok(&["cohort", "--rule", expression, "--as-of", "2025-01-01", "--data", data]);
    assert_eq!(by_name, by_expression);
    assert!(by_name.lines().count() > 1, "the rule selects someone: {by_name}");

    std::fs::write(env.path("desist.toml"), config.replace(">= 3", ">= three")).unwrap();
    let bad = env.run(&["cohort", "--rule", "three-in-five", "--as-of", "2025-01-01", "--data", data]);
    assert_eq!(bad.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(stderr.contains("cohort_rules[0] \"three-in-five\": expression at 28:"), "{stderr}");
}

#[test]
fn the_store_without_an_extract_says_what_to_do() {
    let env = Env::new();
    let output = env.run(&["cohort", "--rule", "ew-iom", "--as-of", "2025-01-01"]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("desist import DIR"));
}

/// Issue 21: an outcome dated after today is told at import, by line, and left out of the
/// extract's "data up to" date (the default as-of date of the pages and the commands), which
/// would otherwise move into the future and make every follow-up look complete and clean.
#[test]
fn import_warns_of_dates_in_the_future() {
    let env = Env::new();
    let dir = env.path("extract");
    write(
        &dir,
        "person_id,birth_date,sex,area\nP1,1990-01-02,M,North\n",
        "offence_id,person_id,offence_date,outcome_date,outcome,offence_type,seriousness\n\
         O1,P1,2020-01-01,2099-02-01,conviction,theft,3\n",
        "person_id,index_date,kind,group\nP1,2020-03-01,release,A\n",
    );
    let output = env.run(&["import", dir.to_str().unwrap()]);
    assert!(output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("1 offence(s) have an offence or outcome date after today"), "{stderr}");
    assert!(stderr.contains("offences.csv:2: offence or outcome date after today"), "{stderr}");
    assert!(stderr.contains("is 2020-01-01"), "{stderr}");
    // Without --as-of the commands measure up to the stored "data up to" date …
    let cohort = env.ok(&["cohort", "--rule", "ew-iom", "--format", "json"]);
    assert!(cohort.contains("\"as_of\": \"2020-01-01\""), "{cohort}");
    // … and from CSV up to the extract's latest date not after today.
    let from_csv = env.ok(&["cohort", "--rule", "ew-iom", "--format", "json", "--data", dir.to_str().unwrap()]);
    assert!(from_csv.contains("\"as_of\": \"2020-01-01\""), "{from_csv}");
    let measured = env.ok(&["reoffending", "--format", "csv"]);
    assert!(!measured.is_empty());
}
