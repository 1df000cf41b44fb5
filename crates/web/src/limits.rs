//! Every text that reaches desist — a form field, a JSON string, a query parameter — is
//! checked at the edge against the one table of limits (`domain::validation::TextLimit`): no
//! longer than free text may be, no control characters but tabs and line breaks, and valid
//! UTF-8. The domain checks each field's own, often shorter, limit; this guard makes sure that
//! no field, however it is reached, takes 250 KB or a NUL byte (which PostgreSQL refuses with an
//! error). A refused request changes nothing and names each field (422).

use crate::AppState;
use crate::error::WebError;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use domain::validation::{FieldError, TextLimit, ValidationErrors};

/// The most a body may hold; the router's body limit refuses larger ones first.
const BODY_LIMIT: usize = 256 * 1024;

/// The problems of one `(field, text)`.
fn check(errors: &mut ValidationErrors, field: &str, text: &str) {
    if let Some(problem) = TextLimit::Text.check(field, text, TextLimit::Text.max_chars()) {
        errors.push(problem);
    }
}

/// Walks a JSON value; a field is named by its key (array items by their parent's key).
fn check_json(errors: &mut ValidationErrors, field: &str, value: &serde_json::Value) {
    match value {
        serde_json::Value::String(text) => check(errors, field, text),
        serde_json::Value::Array(items) => items.iter().for_each(|item| check_json(errors, field, item)),
        serde_json::Value::Object(fields) => {
            for (key, value) in fields {
                check(errors, "field name", key);
                check_json(errors, key, value);
            }
        }
        _ => {}
    }
}

/// One percent-encoded component (`+` is a space), or `None` when its bytes are not UTF-8 —
/// the form extractors would silently replace them, so they are refused here.
fn decode(component: &[u8]) -> Option<String> {
    let hex = |b: u8| (b as char).to_digit(16);
    let mut bytes = Vec::with_capacity(component.len());
    let mut i = 0;
    while i < component.len() {
        match component[i] {
            b'+' => bytes.push(b' '),
            b'%' if i + 2 < component.len() && hex(component[i + 1]).is_some() && hex(component[i + 2]).is_some() => {
                let (high, low) = (hex(component[i + 1])?, hex(component[i + 2])?);
                bytes.push((high * 16 + low) as u8);
                i += 2;
            }
            other => bytes.push(other),
        }
        i += 1;
    }
    String::from_utf8(bytes).ok()
}

fn urlencoded(errors: &mut ValidationErrors, bytes: &[u8]) {
    for pair in bytes.split(|&b| b == b'&').filter(|p| !p.is_empty()) {
        let mut halves = pair.splitn(2, |&b| b == b'=');
        let (field, value) = (halves.next().unwrap_or_default(), halves.next().unwrap_or_default());
        match (decode(field), decode(value)) {
            (Some(field), Some(value)) => {
                check(errors, "field name", &field);
                check(errors, &field, &value);
            }
            (field, _) => errors.push(FieldError::new(field.unwrap_or_else(|| "form".into()), "error.not_utf8")),
        }
    }
}

/// Middleware: refuses text that breaks the table of limits, before any handler sees it.
pub async fn check_text(State(_state): State<AppState>, request: Request, next: Next) -> Response {
    let mut errors = ValidationErrors::default();
    if let Some(query) = request.uri().query() {
        urlencoded(&mut errors, query.as_bytes());
    }
    let content_type = request.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let (form, json) = (content_type.starts_with("application/x-www-form-urlencoded"), content_type.contains("json"));
    let request = if form || json {
        let (parts, body) = request.into_parts();
        let Ok(bytes) = to_bytes(body, BODY_LIMIT).await else { return WebError::PayloadTooLarge.into_response() };
        if form {
            urlencoded(&mut errors, &bytes);
        } else if !bytes.is_empty() {
            // A body that is not JSON at all is the handler's to refuse; only its texts are ours.
            match serde_json::from_slice::<serde_json::Value>(&bytes) {
                Ok(value) => check_json(&mut errors, "body", &value),
                Err(error) if error.is_syntax() && std::str::from_utf8(&bytes).is_err() => {
                    errors.push(FieldError::new("body", "error.not_utf8"))
                }
                Err(_) => {}
            }
        }
        Request::from_parts(parts, Body::from(bytes))
    } else {
        request
    };
    if errors.is_empty() { next.run(request).await } else { WebError::Invalid(errors).into_response() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(json: serde_json::Value) -> Vec<(String, &'static str)> {
        let mut errors = ValidationErrors::default();
        check_json(&mut errors, "body", &json);
        errors.iter().map(|e| (e.field.clone(), e.key)).collect()
    }

    #[test]
    fn json_strings_are_checked_wherever_they_are() {
        let long = "x".repeat(TextLimit::Text.max_chars() + 1);
        let found = problems(serde_json::json!({
            "person": {"family_name": "Jan\u{0}sen", "identifiers": [{"value": long}]},
            "text": "one\ntwo\tthree",
            "version": 3,
        }));
        assert_eq!(
            found,
            [("family_name".to_string(), "error.control_characters"), ("value".to_string(), "error.too_long")]
        );
    }

    #[test]
    fn forms_must_be_utf8_and_within_the_limits() {
        let mut errors = ValidationErrors::default();
        urlencoded(&mut errors, b"note=ok%0Afine&name=%00");
        urlencoded(&mut errors, b"name=%FF%FE");
        let found: Vec<(&str, &str)> = errors.iter().map(|e| (e.field.as_str(), e.key)).collect();
        assert_eq!(found, [("name", "error.control_characters"), ("name", "error.not_utf8")]);
        assert_eq!(decode(b"a+b%20c%2"), Some("a b c%2".into()), "a stray % is kept as it is");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(500))]

        /// Any bytes as a form body or query: never a panic, and what passes keeps to the limits.
        #[test]
        fn any_form_body_is_judged_without_panicking(body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400)) {
            let mut errors = ValidationErrors::default();
            urlencoded(&mut errors, &body);
            if errors.is_empty() {
                for pair in body.split(|&b| b == b'&') {
                    for part in pair.splitn(2, |&b| b == b'=') {
                        let text = decode(part).expect("accepted parts decode");
                        proptest::prop_assert!(text.chars().all(|c| TextLimit::Text.allows(c)));
                    }
                }
            }
        }

        /// Any JSON shape: never a panic.
        #[test]
        fn any_json_body_is_judged_without_panicking(text in "\\PC{0,200}", key in "\\PC{0,20}") {
            let value = serde_json::json!({ key.clone(): [text.clone(), {"nested": text}], "n": 1 });
            let mut errors = ValidationErrors::default();
            check_json(&mut errors, "body", &value);
        }
    }
}
