//! Rewording and withdrawing a plan goal on the plan page (issue 18, tz2): each with its
//! reason, refused with a 422 and an error summary naming the field of the goal's own form;
//! withdrawal refused, naming them, while outstanding tasks serve the goal; a partner who may
//! not manage the plan is refused and the refusal audited.

use crate::support::teams::plan_team;
use crate::support::{input_value, spawn_app};
use reqwest::StatusCode;

#[tokio::test]
async fn the_plan_s_owner_rewords_and_withdraws_a_goal_with_reasons_and_a_partner_may_not() {
    let s = plan_team(spawn_app().await).await;
    let (client, plan) = s.active_plan().await;
    let html = client.get(&plan).await.text().await.unwrap();
    let goal = input_value(&html, "goal");
    assert!(html.contains(&format!("id=\"goal_revision-{goal}-reason\"")), "a form per goal: {html}");
    // A task that serves the goal.
    let police = s.police.id.to_string();
    let task = [
        ("description", "Huurcontract bespreken"),
        ("kind", "care"),
        ("owner", police.as_str()),
        ("owner_member", ""),
        ("goal", goal.as_str()),
        ("due", "2026-12-20"),
    ];
    assert_eq!(client.post_form(&format!("{plan}/tasks"), &task).await.status(), StatusCode::SEE_OTHER);
    let events = s.app.count("plan_event").await;

    // Bad input: no reason, a reason too long, no words; each named in the summary.
    let long = "x".repeat(1_001);
    let revise = |words: &str, reason: &str| {
        vec![
            ("goal".to_string(), goal.clone()),
            ("domain".to_string(), "housing".to_string()),
            ("in_own_words".to_string(), words.to_string()),
            ("agreed_by_person".to_string(), "yes".to_string()),
            ("reason".to_string(), reason.to_string()),
        ]
    };
    for (fields, anchors) in [
        (revise("Een kamer in Nieuwegein", " "), vec!["reason"]),
        (revise("Een kamer in Nieuwegein", &long), vec!["reason"]),
        (revise(" ", ""), vec!["in_own_words", "reason"]),
    ] {
        let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let response = client.post_form(&format!("{plan}/goal-revision"), &refs).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = response.text().await.unwrap();
        for anchor in anchors {
            assert!(page.contains(&format!("href=\"#goal_revision-{goal}-{anchor}\"")), "{anchor}: {page}");
        }
        assert!(page.contains("<details open>"), "the form is open again");
    }
    let withdraw = |reason: &str| vec![("goal", goal.clone()), ("reason", reason.to_string())];
    let empty: Vec<(&str, String)> = withdraw("");
    let refs: Vec<(&str, &str)> = empty.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let response = client.post_form(&format!("{plan}/goal-withdrawal"), &refs).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(page.contains(&format!("href=\"#goal_withdrawal-{goal}-reason\"")), "{page}");
    // A screen reader hears the message with the field (walked in Chromium, issue 18, admin3).
    let described = format!(
        "aria-describedby=\"goal_withdrawal-{goal}-reason-error goal_withdrawal-{goal}-reason-hint\" aria-invalid=\"true\""
    );
    assert!(page.contains(&described), "{page}");
    assert!(page.contains(&format!("id=\"goal_withdrawal-{goal}-reason-error\"")), "{page}");
    assert_eq!(s.app.count("plan_event").await, events, "nothing changed");

    // Withdrawal refused while the task serving the goal is outstanding: the refusal names it.
    let reasoned = withdraw("Hij woont sinds maart op kamers");
    let refs: Vec<(&str, &str)> = reasoned.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let response = client.post_form(&format!("{plan}/goal-withdrawal"), &refs).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(page.contains("1 openstaande taak hoort bij dit doel: “Huurcontract bespreken”"), "{page}");
    assert!(page.contains(&format!("href=\"#goal_withdrawal-{goal}-goal\"")), "{page}");

    // A police officer on the team may not manage the plan: refused and audited.
    let constable = s.app.session_for(&s.constable).await;
    let fields = revise("Anders", "Omdat het kan");
    let as_refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(constable.post_form(&format!("{plan}/goal-revision"), &as_refs).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(constable.post_form(&format!("{plan}/goal-withdrawal"), &refs).await.status(), StatusCode::FORBIDDEN);
    let denied = "SELECT COUNT(*) FROM audit_log WHERE action = 'denied' AND what LIKE 'plan: % goal'";
    assert_eq!(s.app.scalar(denied).await, 2, "both refusals audited");
    assert_eq!(s.app.count("plan_event").await, events, "nothing changed");

    // Reworded with a reason; the history keeps it.
    let fields = revise("Een kamer in Nieuwegein, dicht bij mijn werk", "Werk gevonden in Nieuwegein");
    let as_refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(client.post_form(&format!("{plan}/goal-revision"), &as_refs).await.status(), StatusCode::SEE_OTHER);
    let after = client.get(&plan).await.text().await.unwrap();
    assert!(after.contains("Een kamer in Nieuwegein, dicht bij mijn werk"), "{after}");
    assert_eq!(s.app.count("plan_event").await, events + 1);
    let updated = s.app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'update' AND what = 'plan: revise goal'");
    assert_eq!(updated.await, 1, "the change is audited");
    assert!(after.contains("doel samen met de persoon geherformuleerd"), "the history names the rewording: {after}");

    // Once the task is done the goal comes off the plan.
    let task_id = input_value(after.split("Huurcontract bespreken").nth(1).unwrap(), "task");
    let done = [("task", task_id.as_str()), ("status", "done"), ("reason", "")];
    assert_eq!(client.post_form(&format!("{plan}/task-status"), &done).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(client.post_form(&format!("{plan}/goal-withdrawal"), &refs).await.status(), StatusCode::SEE_OTHER);
    let gone = client.get(&plan).await.text().await.unwrap();
    assert!(!gone.contains(&format!("goal_revision-{goal}-reason")), "no longer on the plan");
    assert!(gone.contains("doel van het plan gehaald"), "the history names the withdrawal: {gone}");
}
