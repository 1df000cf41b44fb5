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
