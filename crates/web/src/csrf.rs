//! CSRF protection for every state-changing request. Forms carry the session's token in a
//! hidden `csrf` field; API calls made with the session cookie carry it in `X-CSRF-Token`;
//! API calls with a bearer token need none (another site cannot make a browser send one).
//! Checked here, once, in front of every route, so a new form cannot forget it.

use crate::AppState;
use crate::auth::RequestContext;
use crate::error::WebError;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub const FORM_FIELD: &str = "csrf";
pub const HEADER: &str = "x-csrf-token";
const MAX_FORM_BYTES: usize = 256 * 1024;

pub async fn verify(State(_state): State<AppState>, request: Request, next: Next) -> Response {
    if request.method().is_safe() {
        return next.run(request).await;
    }
    let signed_in = request.extensions().get::<RequestContext>().and_then(|c| c.signed_in.clone());
    // Signing in needs the password, not a session's token: the browser's origin headers
    // decide, for a browser that is signed in too (its old session then ends; the sign-in
    // form it posts from was shown before it signed in, so it carries no token).
    let signing_in = matches!(request.uri().path(), "/login" | "/api/v1/login");
    let Some(signed_in) = signed_in.filter(|_| !signing_in) else {
        if cross_site(&request) {
            return WebError::Csrf.into_response();
        }
        return next.run(request).await;
    };
    if signed_in.by_bearer {
        return next.run(request).await;
    }
    if request.uri().path().starts_with("/api/") {
        let sent = request.headers().get(HEADER).and_then(|v| v.to_str().ok()).unwrap_or_default();
        return if same_secret(sent, &signed_in.csrf_token) {
            next.run(request).await
        } else {
            WebError::Csrf.into_response()
        };
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_FORM_BYTES).await else {
        return WebError::PayloadTooLarge.into_response();
    };
    let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
    let sent = fields.iter().find(|(k, _)| k == FORM_FIELD).map(|(_, v)| v.as_str()).unwrap_or_default();
    if !same_secret(sent, &signed_in.csrf_token) {
        tracing::warn!(path = %parts.uri.path(), "CSRF token missing or wrong");
        return WebError::Csrf.into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

/// The browser says the request came from another site.
fn cross_site(request: &Request) -> bool {
    let headers = request.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return !matches!(site, "same-origin" | "none");
    }
    match (headers.get("origin").and_then(|v| v.to_str().ok()), headers.get("host").and_then(|v| v.to_str().ok())) {
        (Some(origin), Some(host)) => origin.split("://").nth(1) != Some(host),
        _ => false,
    }
}

/// Compares without stopping at the first difference, so timing does not leak the token.
fn same_secret(sent: &str, expected: &str) -> bool {
    sent.len() == expected.len()
        && !expected.is_empty()
        && sent.bytes().zip(expected.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

#[cfg(test)]
mod tests {
    use super::same_secret;

    #[test]
    fn secrets_must_match_exactly() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abd", "abc"));
        assert!(!same_secret("", ""));
        assert!(!same_secret("ab", "abc"));
    }
}
