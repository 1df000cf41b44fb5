//! `/metrics` for the operators (issue 18, operations): Prometheus text that answers only to
//! the configured bearer token — latency histograms per route (never a person's id in a label),
//! the database pool, open ZSM cases and clocks within warning, and the outbox's consumers.

use crate::support::app;
use crate::support::zsm::register;
use reqwest::StatusCode;

#[tokio::test]
async fn metrics_answer_only_to_the_token() {
    let app = app()
        .at(crate::support::zsm::NOW)
        .in_english()
        .configure(|c| c.metrics_token = Some("s3cret-token".into()))
        .sqlite()
        .await;
    let table = crate::support::zsm::table_on_app(app).await;
    register(&table, "Bakker", "").await;
    let http = reqwest::Client::new();
    let url = table.app.url("/metrics");
    assert_eq!(http.get(&url).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    let wrong = http.get(&url).bearer_auth("s3cret-tokex").send().await.unwrap();
    assert_eq!(wrong.status(), StatusCode::NOT_FOUND);
    let answer = http.get(&url).bearer_auth("s3cret-token").send().await.unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
    assert!(answer.headers()["content-type"].to_str().unwrap().starts_with("text/plain; version=0.0.4"));
    let text = answer.text().await.unwrap();
    for line in [
        "desist_zsm_open_cases 1",
        "desist_up 1",
        "desist_outbox_head ",
        "desist_db_pool_connections{state=\"idle\"}",
        "desist_http_request_duration_seconds_count{method=\"POST\",route=\"/zsm/cases\"} 1",
        "desist_http_request_duration_seconds_bucket{method=\"GET\",route=\"/zsm/cases/{id}\",le=\"+Inf\"}",
    ] {
        assert!(text.contains(line), "{line} in:\n{text}");
    }
    assert!(!text.contains("Bakker"), "no personal data");
}
