//! `desist demo` leaves a caseload a newcomer can explore: here, what the Safety House part of
//! it must contain, read straight from the demo database.

use sqlx::sqlite::SqlitePoolOptions;
use std::process::Command;

#[tokio::test]
async fn the_demo_has_a_safety_house_with_plans_in_every_state_and_a_week_of_conferences() {
    let dir = tempfile::tempdir().unwrap();
    let demo = Command::new(env!("CARGO_BIN_EXE_desist"))
        .current_dir(dir.path())
        .args(["demo", "--db", "demo.db", "--no-serve"])
        .output()
        .expect("desist runs");
    let printed = String::from_utf8_lossy(&demo.stdout).to_string() + &String::from_utf8_lossy(&demo.stderr);
    assert!(demo.status.success(), "{printed}");
    let url = format!("sqlite:{}", dir.path().join("demo.db").display());
    let pool = SqlitePoolOptions::new().max_connections(1).connect(&url).await.unwrap();

    let statuses: Vec<(String, i64)> =
        sqlx::query_as("SELECT status, count(*) FROM plan GROUP BY status ORDER BY status")
            .fetch_all(&pool)
            .await
            .unwrap();
    let names: Vec<&str> = statuses.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(names, ["active", "closed", "continued", "draft", "returned", "under_re_evaluation"], "{statuses:?}");
    let running: i64 = statuses.iter().filter(|(s, _)| s != "closed" && s != "returned").map(|(_, n)| n).sum();
    assert!(running >= 40, "about forty plans still running: {statuses:?}");

    let meetings: Vec<(String, i64)> =
        sqlx::query_as("SELECT status, count(*) FROM conference_meeting GROUP BY status ORDER BY status")
            .fetch_all(&pool)
            .await
            .unwrap();
    let total: i64 = meetings.iter().map(|(_, n)| n).sum();
    assert_eq!(total, 5, "one conference per weekday: {meetings:?}");
    assert!(meetings.iter().any(|(s, _)| s == "planned"), "some conferences are still to come: {meetings:?}");

    let shoplifter: (String, i64) = sqlx::query_as(
        "SELECT p.state, (2026 - CAST(substr(pe.birth_date, 1, 4) AS INTEGER)) FROM plan p \
         JOIN person pe ON pe.id = p.person_id WHERE pe.family_name = 'Hoekstra' AND pe.given_names = 'Gerrit'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!((50..60).contains(&shoplifter.1), "a man in his fifties");
    for part in ["gebiedsverbod", "addiction", "housing"] {
        assert!(shoplifter.0.contains(part), "his plan has {part}: {}", shoplifter.0);
    }
    let bans: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM measure m JOIN person pe ON pe.id = m.subject_id \
         WHERE m.kind = 'area_ban' AND pe.family_name = 'Hoekstra' AND pe.given_names = 'Gerrit'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(bans, 1, "his area ban is a measure on his plan page");

    let waiting: i64 = sqlx::query_scalar("SELECT count(*) FROM screening_referral WHERE screening_id IS NULL")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(waiting > 0, "the ZSM table referred people for screening");
    // Issue 17: the history's referrals were screened long ago, so "to screen" is this week's
    // work (the demo starts now; a week and a day is the most a referral waits).
    let oldest: i64 = sqlx::query_scalar("SELECT min(referred_at) FROM screening_referral WHERE screening_id IS NULL")
        .fetch_one(&pool)
        .await
        .unwrap();
    let newest: i64 =
        sqlx::query_scalar("SELECT max(referred_at) FROM screening_referral").fetch_one(&pool).await.unwrap();
    assert!(newest - oldest <= 8 * 86_400_000_000, "only the last week's referrals wait: {oldest} .. {newest}");
    // The process manager has a triage list: requests the rules proposed or a partner made,
    // and one accepted that waits for a meeting.
    let triage: Vec<(String, i64)> = sqlx::query_as(
        "SELECT status, count(*) FROM conference_request WHERE status IN ('requested', 'accepted') GROUP BY status ORDER BY status",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(triage, [("accepted".to_string(), 1), ("requested".to_string(), 4)], "{triage:?}");

    // Cohort decisions on police intelligence (issue 17, item 21): a selection and a
    // deselection for the Safety House's rule and for each of the IOM hub's two.
    let decisions: Vec<(String, String)> =
        sqlx::query_as("SELECT rule_name, kind FROM evidence_cohort_override ORDER BY rule_name, kind")
            .fetch_all(&pool)
            .await
            .unwrap();
    let rules: std::collections::BTreeSet<&str> = decisions.iter().map(|(rule, _)| rule.as_str()).collect();
    assert_eq!(decisions.len(), 6, "{decisions:?}");
    assert_eq!(rules.into_iter().collect::<Vec<_>>(), ["ew-iom", "ew-knowsley-iom", "nl-very-active-prolific"]);

    // The week's conferences and plans told the agencies they concern: the GGZ, municipality
    // and probation members sign in to what was assigned to them.
    let told: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT m.username, e.kind, count(*) FROM member m JOIN outbox_event_agency a ON a.agency_id = m.agency_id \
         JOIN outbox_event e ON e.position = a.position WHERE m.username IN ('ggz', 'gemeente', 'reclassering') \
         AND (e.by_member IS NULL OR e.by_member <> m.id) GROUP BY m.username, e.kind",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    for member in ["ggz", "gemeente", "reclassering"] {
        let kinds: Vec<&str> = told.iter().filter(|(m, ..)| m == member).map(|(_, k, _)| k.as_str()).collect();
        assert!(
            kinds.iter().any(|k| *k == "conference.decision.recorded" || *k == "plan.task.assigned"),
            "{member} is told of tasks given to their agency: {kinds:?}"
        );
    }

    // Every demo referral put its task on the person's plan (as one made on the web does), so
    // the plan pages show the referrals' status; a referral still open has its task outstanding
    // (the what-works history's finished referrals have theirs done, on plans closed since).
    let (referrals, with_task, open, open_on_plans): (i64, i64, i64, i64) = sqlx::query_as(
        "SELECT count(*), count(r.task_id), \
         coalesce(sum(CASE WHEN r.status NOT IN ('completed', 'ended_early') THEN 1 ELSE 0 END), 0), \
         coalesce(sum(CASE WHEN r.status NOT IN ('completed', 'ended_early') AND t.task_id IS NOT NULL THEN 1 ELSE 0 END), 0) \
         FROM referral r LEFT JOIN plan_task t ON t.task_id = r.task_id",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(referrals > 20, "referrals in every state: {referrals}");
    assert_eq!(with_task, referrals, "each referral put its task on a plan");
    assert_eq!(open_on_plans, open, "each open referral's task is outstanding on a plan");

    // Every member signs in under a name of their own: two "Ahmed Yilmaz" (a housing
    // corporation's and an addiction clinic's) were told apart by nothing on a page.
    let shared: Vec<(String, i64)> =
        sqlx::query_as("SELECT display_name, count(*) FROM member GROUP BY display_name HAVING count(*) > 1")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert!(shared.is_empty(), "members sharing a name: {shared:?}");
}
