//! `/metrics` in the Prometheus text format, for the people who run desist, not for members:
//! it answers only to the bearer token set as `metrics_token` (and is not there without one).
//! Request latency per route (histograms), the database pool, the open ZSM cases and the clocks
//! within their warning window, and how far each outbox consumer is behind.

use crate::AppState;
use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Instant;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

#[derive(Debug, Default, Clone)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

impl Histogram {
    fn observe(&mut self, seconds: f64) {
        for (bound, count) in BUCKETS.iter().zip(self.counts.iter_mut()) {
            if seconds <= *bound {
                *count += 1;
            }
        }
        self.count += 1;
        self.sum += seconds;
    }
}

/// Latencies by (method, route) since the server started; shared by all requests.
#[derive(Debug, Default)]
pub struct Latencies(Mutex<BTreeMap<(String, String), Histogram>>);

impl Latencies {
    fn observe(&self, method: &str, route: &str, seconds: f64) {
        let mut all = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        all.entry((method.to_owned(), route.to_owned())).or_default().observe(seconds);
    }

    fn render(&self, out: &mut String) {
        let all = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone();
        out.push_str("# HELP desist_http_request_duration_seconds Time to answer a request, by route.\n");
        out.push_str("# TYPE desist_http_request_duration_seconds histogram\n");
        for ((method, route), h) in &all {
            let labels = format!("method=\"{method}\",route=\"{}\"", route.replace('"', "'"));
            for (bound, count) in BUCKETS.iter().zip(h.counts) {
                let _ = writeln!(out, "desist_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {count}");
            }
            let _ = writeln!(out, "desist_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}", h.count);
            let _ = writeln!(out, "desist_http_request_duration_seconds_sum{{{labels}}} {}", h.sum);
            let _ = writeln!(out, "desist_http_request_duration_seconds_count{{{labels}}} {}", h.count);
        }
    }
}

/// Middleware: times every request by its route (the pattern, not the path, so a person's id
/// never becomes a label).
pub async fn time_requests(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().map_or("unmatched", |m| m.as_str()).to_owned();
    let method = request.method().as_str().to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    state.latencies.observe(&method, &route, started.elapsed().as_secs_f64());
    response
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/metrics", get(metrics))
}

fn authorised(state: &AppState, headers: &HeaderMap) -> bool {
    let Some(expected) = state.config.metrics_token.as_deref().filter(|t| !t.is_empty()) else { return false };
    let given = headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    // Compared without an early exit on the first difference.
    given.is_some_and(|given| {
        given.len() == expected.len() && given.bytes().zip(expected.bytes()).fold(0u8, |d, (a, b)| d | (a ^ b)) == 0
    })
}

fn gauge(out: &mut String, name: &str, help: &str, values: &[(String, i64)]) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge");
    for (labels, value) in values {
        let _ = writeln!(out, "{name}{labels} {value}");
    }
}

/// `GET /metrics`: 404 to anyone without the token, as if it did not exist.
async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if !authorised(&state, &headers) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let mut out = String::new();
    state.latencies.render(&mut out);
    let (size, idle) = state.store.pool_size();
    gauge(
        &mut out,
        "desist_db_pool_connections",
        "Connections of the database pool, by state.",
        &[("{state=\"idle\"}".into(), i64::from(idle)), ("{state=\"in_use\"}".into(), i64::from(size - idle))],
    );
    match state.operations().await {
        Ok(o) => {
            gauge(&mut out, "desist_zsm_open_cases", "Open cases at the ZSM tables.", &[(String::new(), o.open_cases)]);
            gauge(
                &mut out,
                "desist_zsm_clocks_within_warning",
                "Running legal clocks within their warning window or past their deadline.",
                &[(String::new(), o.clocks_within_warning)],
            );
            gauge(&mut out, "desist_outbox_head", "The newest outbox position.", &[(String::new(), o.outbox_head)]);
            let lags: Vec<(String, i64)> = o
                .consumers
                .iter()
                .map(|(name, position)| (format!("{{consumer=\"{name}\"}}"), o.outbox_head - position))
                .collect();
            gauge(&mut out, "desist_outbox_consumer_lag", "Events a consumer has not handled yet.", &lags);
            let _ =
                writeln!(out, "# HELP desist_up Whether the database answered.\n# TYPE desist_up gauge\ndesist_up 1");
        }
        Err(error) => {
            tracing::warn!(%error, "metrics: the database did not answer");
            let _ =
                writeln!(out, "# HELP desist_up Whether the database answered.\n# TYPE desist_up gauge\ndesist_up 0");
        }
    }
    ([(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], out).into_response()
}
