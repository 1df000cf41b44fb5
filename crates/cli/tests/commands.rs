//! The `desist` binary as a user runs it: members from the command line, clear errors for a
//! foreign database file and for bad configuration.

mod support;

use std::path::Path;
use std::process::Output;

/// `desist {args}` in `dir`, on the database `desist.db` there.
fn desist(dir: &Path, args: &[&str]) -> Output {
    support::desist(dir)
        .args(args)
        .env("DATABASE_URL", format!("sqlite:{}", dir.join("desist.db").display()))
        .output()
        .expect("desist runs")
}

fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

#[test]
fn members_are_added_listed_disabled_and_reset_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let demo = desist(dir.path(), &["demo", "--db", "desist.db", "--no-serve"]);
    assert!(demo.status.success(), "{}", text(&demo));
    std::fs::write(dir.path().join("pw"), "a long enough password\n").unwrap();
    let add = desist(
        dir.path(),
        &[
            "user",
            "add",
            "A.Visser",
            "--name",
            "Anna Visser",
            "--agency",
            "Reclassering Nederland",
            "--roles",
            "probation_officer",
            "--password-file",
            "pw",
        ],
    );
    assert!(add.status.success(), "{}", text(&add));
    let list = text(&desist(dir.path(), &["user", "list"]));
    assert!(list.contains("a.visser\tAnna Visser\tReclassering Nederland\tprobation_officer"), "{list}");
    let disabled = desist(dir.path(), &["user", "disable", "a.visser"]);
    assert!(disabled.status.success());
    assert!(text(&desist(dir.path(), &["user", "list"])).contains("probation_officer (disabled)"));

    let again = desist(
        dir.path(),
        &[
            "user",
            "add",
            "a.visser",
            "--name",
            "X",
            "--agency",
            "Reclassering Nederland",
            "--roles",
            "mentor",
            "--password-file",
            "pw",
        ],
    );
    assert!(!again.status.success() && text(&again).contains("already exists"), "{}", text(&again));
    let bad_role = desist(
        dir.path(),
        &[
            "user",
            "add",
            "b",
            "--name",
            "B",
            "--agency",
            "Reclassering Nederland",
            "--roles",
            "sheriff",
            "--password-file",
            "pw",
        ],
    );
    assert!(!bad_role.status.success() && text(&bad_role).contains("unknown role \"sheriff\""), "{}", text(&bad_role));
    let bad_agency = desist(
        dir.path(),
        &["user", "add", "c", "--name", "C", "--agency", "Nowhere", "--roles", "mentor", "--password-file", "pw"],
    );
    assert!(text(&bad_agency).contains("no agency named \"Nowhere\"; known agencies:"), "{}", text(&bad_agency));
    std::fs::write(dir.path().join("short"), "short\n").unwrap();
    let short = desist(dir.path(), &["user", "reset-password", "a.visser", "--password-file", "short"]);
    assert!(!short.status.success() && text(&short).contains("at least 12 characters"), "{}", text(&short));
    let no_terminal = desist(dir.path(), &["user", "reset-password", "a.visser"]);
    assert!(text(&no_terminal).contains("--password-file"), "{}", text(&no_terminal));
}

#[test]
fn a_file_that_is_not_a_desist_database_is_named_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let notes = "meeting notes, definitely not a database, long enough to fill a header............";
    std::fs::write(dir.path().join("desist.db"), notes).unwrap();
    let output = desist(dir.path(), &["migrate"]);
    assert!(!output.status.success());
    assert!(text(&output).contains("not a desist database"), "{}", text(&output));
    assert_eq!(std::fs::read_to_string(dir.path().join("desist.db")).unwrap(), notes);
}

#[test]
fn bad_configuration_says_where_and_what() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("desist.toml"), "listen = \"127.0.0.1:0\"\nsession_hours = \"ten\"\n").unwrap();
    let output = desist(dir.path(), &["migrate"]);
    assert_eq!(output.status.code(), Some(2));
    let message = text(&output);
    assert!(message.contains("desist.toml") && message.contains("line 2"), "{message}");
    let example = desist(dir.path(), &["default-config"]);
    assert!(String::from_utf8_lossy(&example.stdout).contains("database_url = \"sqlite:desist.db\""));
}

#[test]
fn migrate_reports_the_schema_state() {
    let dir = tempfile::tempdir().unwrap();
    let status = text(&desist(dir.path(), &["migrate", "--status"]));
    assert!(status.contains("sqlite database: 0 of"), "{status}");
    let migrated = text(&desist(dir.path(), &["migrate"]));
    let known: String = migrated.split(" of ").nth(1).unwrap().split(' ').next().unwrap().into();
    assert!(migrated.contains(&format!("{known} of {known} migrations applied")), "{migrated}");
}

/// `desist backup` copies the database while it may be in use, `desist restore` puts it back
/// after checking it; a damaged backup, a foreign file and one from a newer desist are refused
/// and change nothing (issue 18: backup and restore).
#[test]
fn backups_are_checked_and_restored() {
    let dir = tempfile::tempdir().unwrap();
    let demo = desist(dir.path(), &["demo", "--db", "desist.db", "--no-serve"]);
    assert!(demo.status.success(), "{}", text(&demo));
    let backup = desist(dir.path(), &["backup", "copy.db"]);
    assert!(backup.status.success(), "{}", text(&backup));
    assert!(text(&backup).contains("checked intact"), "{}", text(&backup));
    let again = desist(dir.path(), &["backup", "copy.db"]);
    assert!(!again.status.success() && text(&again).contains("never overwrites"), "{}", text(&again));

    // The live database changes after the backup; restoring brings the backup's state back.
    std::fs::write(dir.path().join("pw"), "a long enough password\n").unwrap();
    let add = desist(
        dir.path(),
        &[
            "user",
            "add",
            "late",
            "--name",
            "Late",
            "--agency",
            "Reclassering Nederland",
            "--roles",
            "probation_officer",
            "--password-file",
            "pw",
        ],
    );
    assert!(add.status.success(), "{}", text(&add));
    assert!(text(&desist(dir.path(), &["user", "list"])).contains("late\tLate"));
    let restore = desist(dir.path(), &["restore", "copy.db"]);
    assert!(restore.status.success(), "{}", text(&restore));
    assert!(!text(&desist(dir.path(), &["user", "list"])).contains("late\tLate"), "the backup's state is back");

    // Refused, changing nothing: a file that is not a database, a damaged one, a newer one.
    std::fs::write(dir.path().join("junk.db"), b"not a database at all, just some bytes").unwrap();
    let junk = desist(dir.path(), &["restore", "junk.db"]);
    assert!(!junk.status.success() && text(&junk).contains("junk.db"), "{}", text(&junk));
    let newer = dir.path().join("newer.db");
    std::fs::copy(dir.path().join("copy.db"), &newer).unwrap();
    let db = rusqlite::Connection::open(&newer).unwrap();
    db.execute(
        "INSERT INTO _sqlx_migrations (version, description, installed_on, success, checksum, execution_time) \
         VALUES (9999, 'from the future', '2030-01-01', 1, x'00', 0)",
        [],
    )
    .unwrap();
    drop(db);
    let refused = desist(dir.path(), &["restore", "newer.db"]);
    assert!(!refused.status.success() && text(&refused).contains("newer desist"), "{}", text(&refused));
    let damaged = dir.path().join("damaged.db");
    let mut bytes = std::fs::read(dir.path().join("copy.db")).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle..middle + 4096].fill(0xA5);
    std::fs::write(&damaged, bytes).unwrap();
    let broken = desist(dir.path(), &["restore", "damaged.db"]);
    assert!(!broken.status.success(), "a damaged backup is refused: {}", text(&broken));
    assert!(text(&desist(dir.path(), &["user", "list"])).contains("reclassering"), "the database is unchanged");
}
