//! Every operation of the OpenAPI document shows an example of what it takes and gives, so a
//! partner system's developer sees a realistic request and answer without signing in (issue 18).

use crate::support::spawn_app;
use serde_json::Value;

/// A media type has an example when it carries one itself, or when its schema (followed through
/// `$ref` and array items) does.
fn schema_has_example(doc: &Value, schema: &Value, depth: usize) -> bool {
    if depth > 8 {
        return false;
    }
    if schema.get("example").is_some() || schema.get("examples").is_some_and(|e| !e.is_null()) {
        return true;
    }
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference.trim_start_matches("#/components/schemas/");
        return schema_has_example(doc, &doc["components"]["schemas"][name], depth + 1);
    }
    if let Some(items) = schema.get("items") {
        return schema_has_example(doc, items, depth + 1);
    }
    false
}

fn media_has_example(doc: &Value, media: &Value) -> bool {
    media.get("example").is_some()
        || media.get("examples").is_some_and(|e| e.as_object().is_some_and(|o| !o.is_empty()))
        || schema_has_example(doc, &media["schema"], 0)
}

/// The places in one operation that lack an example: its request body and each response with content.
fn missing_examples(doc: &Value, operation: &Value) -> Vec<String> {
    let mut missing = Vec::new();
    if let Some(content) = operation["requestBody"]["content"].as_object() {
        for (kind, media) in content {
            if !media_has_example(doc, media) {
                missing.push(format!("request body {kind}"));
            }
        }
    }
    if let Some(responses) = operation["responses"].as_object() {
        for (status, response) in responses {
            for (kind, media) in response["content"].as_object().into_iter().flatten() {
                if !media_has_example(doc, media) {
                    missing.push(format!("response {status} {kind}"));
                }
            }
        }
    }
    missing
}

#[tokio::test]
async fn every_operation_has_an_example_request_and_response() {
    let app = spawn_app().await;
    let doc: Value = app.anonymous().get("/api/openapi.json").await.json().await.unwrap();
    let mut lacking = Vec::new();
    let mut operations = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            if !["get", "put", "post", "delete", "patch"].contains(&method.as_str()) {
                continue;
            }
            operations += 1;
            for place in missing_examples(&doc, operation) {
                lacking.push(format!("{} {path}: {place}", method.to_uppercase()));
            }
        }
    }
    assert!(operations > 50, "the document lists the whole API ({operations} operations)");
    assert!(lacking.is_empty(), "{} places lack an example:\n{}", lacking.len(), lacking.join("\n"));
}
