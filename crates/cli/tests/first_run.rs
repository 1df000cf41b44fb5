//! A first run from the shell (issue 18): `desist init` on an empty store, refusing the second
//! time; then agencies, a location, a Safety House and a member from the command line, each
//! refusal a clear message and a non-zero exit. On SQLite and on PostgreSQL.

mod support;

use std::path::Path;
use std::process::Output;

/// `desist {args}` in `dir` on the database at `url`.
fn desist(dir: &Path, url: &str, args: &[&str]) -> Output {
    support::desist(dir).args(args).env("DATABASE_URL", url).output().expect("desist runs")
}

fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

fn succeeds(output: Output) -> String {
    assert!(output.status.success(), "{}", text(&output));
    text(&output)
}

fn fails_with(output: Output, message: &str) {
    assert!(!output.status.success(), "should have failed: {}", text(&output));
    assert!(text(&output).contains(message), "expected {message:?} in: {}", text(&output));
}

fn a_partnership_is_set_up_from_the_shell(dir: &Path, url: &str) {
    let run = |args: &[&str]| desist(dir, url, args);
    std::fs::write(dir.join("short"), "short\n").unwrap();
    fails_with(run(&["init", "--admin", "beheer", "--password-file", "short"]), "at least 12 characters");
    fails_with(run(&["init", "--admin", "beheer", "--password-file", "missing"]), "reading missing");

    // Without a password file: a one-time password, printed once, changed at first sign-in.
    let first = succeeds(run(&["init", "--admin", "Beheer", "--name", "Functioneel beheer"]));
    assert!(first.contains("created agency \"Functioneel beheer\" (kind municipality)"), "{first}");
    assert!(first.contains("created administrator beheer"), "{first}");
    let password = first.lines().find_map(|l| l.split_once("first sign-in): ")).map(|(_, p)| p.trim()).unwrap();
    assert_eq!(password.len(), 23, "{first}");
    fails_with(run(&["init", "--admin", "other"]), "an administrator already exists (beheer)");
    let members = succeeds(run(&["user", "list"]));
    assert!(
        members.contains("beheer\tFunctioneel beheer\tFunctioneel beheer\tadministrator (must change password)"),
        "{members}"
    );
    assert!(!members.contains(password), "the password is never shown again");

    succeeds(run(&["agency", "add", "Politie Utrecht", "--kind", "police", "--contact", "030-1234567"]));
    fails_with(
        run(&["agency", "add", "Politie Utrecht", "--kind", "police"]),
        "an agency named \"Politie Utrecht\" already exists",
    );
    fails_with(run(&["agency", "add", "Sheriff", "--kind", "sheriff"]), "unknown kind \"sheriff\"; use one of police,");
    let agencies = succeeds(run(&["agency", "list"]));
    assert!(
        agencies.lines().any(|l| l.starts_with("Politie Utrecht\tpolice\t") && l.ends_with("030-1234567")),
        "{agencies}"
    );

    let added = succeeds(run(&["location", "add", "ZSM Utrecht", "--pack", "nl", "--agencies", "Politie Utrecht"]));
    assert!(added.contains("as zsm-utrecht (pack nl, time zone Europe/Amsterdam)"), "{added}");
    succeeds(run(&["location", "add", "Leeds Custody Suite", "--pack", "england-wales"]));
    succeeds(run(&["location", "add", "Torino", "--pack", "italy", "--time-zone", "Europe/Rome"]));
    fails_with(
        run(&["location", "add", "Mars", "--pack", "mars"]),
        "pack: Unknown pack mars; choose one of nl, england-wales, italy",
    );
    fails_with(
        run(&["location", "add", "ZSM Utrecht", "--pack", "nl"]),
        "a location with the code \"zsm-utrecht\" already exists",
    );
    fails_with(run(&["location", "add", "X", "--pack", "nl", "--agencies", "Nowhere"]), "no agency named \"Nowhere\"");
    let locations = succeeds(run(&["location", "list"]));
    assert!(
        locations.contains("leeds-custody-suite\tLeeds Custody Suite\tengland-wales\tEurope/London"),
        "{locations}"
    );

    let house = ["safety-house", "add", "Veiligheidshuis Utrecht", "--pack", "nl", "--persons-per-day", "6"];
    succeeds(run(&[&house[..], &["--triage-cutoff", "12:00", "--agencies", "Politie Utrecht"]].concat()));
    fails_with(run(&[&house[..], &["--triage-cutoff", "noon"]].concat()), "triage_cutoff: Enter a time as HH:MM");
    assert!(succeeds(run(&["safety-house", "list"])).contains("Veiligheidshuis Utrecht\tnl\t6\t12:00"));

    // Members through the same use case: a password file with its newline trimmed.
    std::fs::write(dir.join("pw"), "a long enough password\r\n").unwrap();
    let user =
        ["user", "add", "s.bakker", "--name", "Sanne Bakker", "--agency", "Politie Utrecht", "--password-file", "pw"];
    succeeds(run(&[&user[..], &["--roles", "police_officer,assistant_prosecutor"]].concat()));
    fails_with(
        run(&[
            "user",
            "add",
            "x",
            "--name",
            "X",
            "--agency",
            "Politie Utrecht",
            "--roles",
            "assistant_prosecutor",
            "--password-file",
            "pw",
        ]),
        "roles: Assistant prosecutor is held beside police officer",
    );
    let reset = succeeds(run(&["user", "reset-password", "s.bakker", "--one-time"]));
    assert!(reset.contains("one-time password (shown once, never stored): "), "{reset}");
    assert!(succeeds(run(&["user", "list"])).contains("police_officer,assistant_prosecutor (must change password)"));
    fails_with(run(&["user", "disable", "nobody"]), "no member named \"nobody\"");

    // A partner system's key: its token printed once, revocable by id.
    let key = ["api-key", "add", "Intake", "--agency", "Politie Utrecht"];
    fails_with(run(&[&key[..], &["--scopes", "administrator"]].concat()), "scopes: A key cannot administer");
    let added = succeeds(run(&[&key[..], &["--scopes", "police_officer"]].concat()));
    let token = added.lines().find_map(|l| l.split_once("Bearer): ")).map(|(_, t)| t.trim()).unwrap();
    assert!(token.starts_with("dsk_"), "{added}");
    let listed = succeeds(run(&["api-key", "list"]));
    assert!(
        listed.contains("\tIntake\t") && listed.contains("police_officer\tactive") && !listed.contains(token),
        "{listed}"
    );
    let id = listed.split('\t').next().unwrap();
    assert!(succeeds(run(&["api-key", "revoke", id])).contains("revoked API key \"Intake\""));
    assert!(succeeds(run(&["api-key", "list"])).contains("police_officer\trevoked "));
    fails_with(run(&["api-key", "revoke", "nope"]), "\"nope\" is not a key id");

    // Changing what was made: from flags or a TOML file, each mistake at its line and column.
    let edited = succeeds(run(&["agency", "edit", "Politie Utrecht", "--contact", "zsm@politie.example"]));
    assert!(edited.contains("(police, contact \"zsm@politie.example\") at version 2"), "{edited}");
    let stale = ["agency", "edit", "Politie Utrecht", "--contact", "x", "--version", "1"];
    fails_with(run(&stale), "Someone else saved this meanwhile (now version 2)");
    std::fs::write(dir.join("agency.toml"), "name = \"Politie Midden\"\nkind = \"sheriff\"\n").unwrap();
    let from_file = run(&["agency", "edit", "Politie Utrecht", "--from", "agency.toml"]);
    fails_with(from_file, "agency.toml:2:8: kind: Unknown kind of agency sheriff");
    std::fs::write(dir.join("typo.toml"), "name = \"Politie Midden\"\ncolour = \"blue\"\n").unwrap();
    fails_with(
        run(&["agency", "edit", "Politie Utrecht", "--from", "typo.toml"]),
        "typo.toml:2:1: unknown field `colour`",
    );
    std::fs::write(dir.join("broken.toml"), "name = \"Politie\n").unwrap();
    fails_with(run(&["agency", "edit", "Politie Utrecht", "--from", "broken.toml"]), "broken.toml:1:");
    fails_with(run(&["agency", "delete", "Politie Utrecht"]), "disable them instead");
    succeeds(run(&["agency", "add", "Politei", "--kind", "police"]));
    assert!(succeeds(run(&["agency", "delete", "Politei"])).contains("deleted agency \"Politei\""));

    std::fs::write(dir.join("member.toml"), "roles = [\"assistant_prosecutor\"]\n").unwrap();
    let designation_alone = run(&["member", "edit", "s.bakker", "--from", "member.toml"]);
    fails_with(designation_alone, "member.toml:1:9: roles: Assistant prosecutor is held beside police officer");
    let member =
        succeeds(run(&["member", "edit", "s.bakker", "--name", "Sanne de Bakker", "--roles", "police_officer"]));
    assert!(member.contains("saved member s.bakker (Sanne de Bakker, police_officer) at version 2"), "{member}");
    fails_with(run(&["member", "edit", "beheer", "--roles", "analyst"]), "last active administrator");
    fails_with(run(&["user", "disable", "beheer"]), "last active administrator");
    succeeds(run(&["member", "sessions", "s.bakker"]));
    fails_with(run(&["member", "revoke-session", "s.bakker", "0123456789abcdef"]), "has no open session");

    let moved =
        ["location", "edit", "zsm-utrecht", "--name", "ZSM Midden", "--add-agencies", "Veiligheidshuis Utrecht"];
    assert!(
        succeeds(run(&moved)).contains("(ZSM Midden, pack nl, time zone Europe/Amsterdam, 2 agencies at the table)")
    );
    std::fs::write(dir.join("location.toml"), "pack = \"mars\"\nagencies = [\"Politie Utrecht\"]\n").unwrap();
    fails_with(
        run(&["location", "edit", "zsm-utrecht", "--from", "location.toml"]),
        "location.toml:1:8: pack: Unknown pack mars",
    );
    std::fs::write(dir.join("nowhere.toml"), "agencies = [\"Nowhere\"]\n").unwrap();
    fails_with(
        run(&["location", "edit", "zsm-utrecht", "--from", "nowhere.toml"]),
        "nowhere.toml:1:12: agencies: no agency named \"Nowhere\"",
    );
    let house = [
        "safety-house",
        "edit",
        "Veiligheidshuis Utrecht",
        "--persons-per-day",
        "8",
        "--remove-agencies",
        "Politie Utrecht",
    ];
    assert!(succeeds(run(&house)).contains("(nl, 8 a day, cut-off 12:00, 0 partner agencies) at version 2"));
    assert!(succeeds(run(&["safety-house", "list"])).contains("Veiligheidshuis Utrecht\tnl\t8\t12:00"));
}

#[test]
fn a_partnership_is_set_up_from_the_shell_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("desist.db").display());
    a_partnership_is_set_up_from_the_shell(dir.path(), &url);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partnership_is_set_up_from_the_shell_on_postgres() {
    let Some(admin) = support::postgres_admin_url() else { return };
    let url = support::create_database(&admin, "desist_first_run").await;
    let dir = tempfile::tempdir().unwrap();
    let (path, database) = (dir.path().to_path_buf(), url.clone());
    tokio::task::spawn_blocking(move || a_partnership_is_set_up_from_the_shell(&path, &database)).await.unwrap();
    support::drop_database(&admin, &url).await;
}
