//! What every operation of the OpenAPI document shares, added once here so
//! that a handler declares only what is its own.
//!
//! A handler's `#[utoipa::path]` names its success answers (with `ETag` and
//! `Location` headers when it sends them) and the refusals particular to it
//! (`(status = 403)` where a role is refused, `(status = 409)` for a
//! conflict, `(status = 428)` where a version is required). From the shape
//! of each operation this module adds the refusals that come with that
//! shape, so no path can forget them:
//!
//! | shape | statuses |
//! | --- | --- |
//! | every operation (bearer token or session) | 401, 408 |
//! | a state-changing method (the CSRF check of cookie sessions) | 403 |
//! | a path parameter | 404 |
//! | a body | 413, 415, 422 (and 400 for a JSON body) |
//! | a query or header parameter | 422 |
//! | an `If-Match` parameter (a versioned change) | 412, 428 |
//!
//! Every string field of a schema named `…_at` is marked `date-time`.
//! Every 4xx answer is `application/problem+json` with the `Problem`
//! schema (unless the handler names another type, as the inventory agent's
//! XML replies); every answer gets a description; headers a handler names
//! get their schema and meaning from [`HEADERS`].

use serde_json::{Map, Value, json};

/// The refusals the API gives, and what each means.
pub const PROBLEMS: &[(u16, &str)] = &[
    (400, "Malformed JSON: the body does not parse"),
    (401, "No valid credentials: send `Authorization: Bearer <token>` (or sign in)"),
    (
        403,
        "Not allowed: the caller's role or relation to the record does not permit this (or a cookie session sent no CSRF token)",
    ),
    (404, "Not found, or not visible to the caller"),
    (405, "Method not allowed: the `Allow` header lists the methods this path takes"),
    (408, "The request took longer than the server's request timeout"),
    (
        409,
        "Conflict: changed by someone else since the version sent in the body, a state change not allowed from the current state, or a duplicate",
    ),
    (412, "Precondition failed: the version named by `If-Match` is no longer current"),
    (413, "The body is larger than this endpoint takes"),
    (415, "Unsupported media type: the body is not of the type this endpoint takes"),
    (422, "Invalid input: `errors` names each bad field (of the body, the query or a header) and why"),
    (428, "Precondition required: name the version you read (`If-Match` or `version`)"),
    (429, "Too many requests: try again after `Retry-After` seconds"),
];

/// Response headers a handler may name, with their schema and meaning.
pub const HEADERS: &[(&str, &str)] = &[
    ("ETag", "The record's version as a strong entity tag, e.g. `\"3\"`: send it back in `If-Match`"),
    ("Location", "The address of the record created"),
    ("WWW-Authenticate", "The scheme to authenticate with"),
    ("Retry-After", "Seconds to wait before trying again"),
    ("Allow", "The methods this path takes"),
];

const METHODS: [&str; 5] = ["get", "put", "post", "delete", "patch"];

/// Completes the document utoipa generated from the handlers.
pub fn complete(doc: &mut Value) {
    if let Some(schemas) = doc.pointer_mut("/components/schemas").and_then(Value::as_object_mut) {
        schemas.values_mut().for_each(mark_times);
    }
    // The whole catalogue of refusals, 405 and 429 included (a path answers
    // 405 to a method it does not take; 429 is for throttled callers).
    if let Some(components) = doc.get_mut("components").and_then(Value::as_object_mut) {
        let catalogue = PROBLEMS.iter().map(|(code, _)| (format!("Problem{code}"), problem_response(*code))).collect();
        components.insert("responses".into(), Value::Object(catalogue));
    }
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else { return };
    for item in paths.values_mut() {
        for method in METHODS {
            if let Some(op) = item.get_mut(method) {
                complete_operation(method, op);
            }
        }
    }
}

/// Every time the API writes is RFC 3339, in a field named `…_at`.
fn mark_times(schema: &mut Value) {
    let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) else { return };
    for (name, prop) in props.iter_mut() {
        let is_text = match &prop["type"] {
            Value::String(t) => t == "string",
            Value::Array(ts) => ts.iter().any(|t| t == "string"),
            _ => false,
        };
        if name.ends_with("_at") && is_text {
            prop["format"] = json!("date-time");
        }
    }
}

fn complete_operation(method: &str, op: &mut Value) {
    let params: Vec<(String, String)> = op["parameters"]
        .as_array()
        .map(|ps| {
            ps.iter()
                .map(|p| {
                    (p["in"].as_str().unwrap_or("").to_owned(), p["name"].as_str().unwrap_or("").to_ascii_lowercase())
                })
                .collect()
        })
        .unwrap_or_default();
    let has = |place: &str| params.iter().any(|(at, _)| at == place);
    let body = op.get("requestBody").and_then(|b| b["content"].as_object()).cloned();
    let json_body = body.as_ref().is_some_and(|c| c.keys().any(|k| k.ends_with("json")));
    let public = op["security"].as_array().is_some_and(|s| s.iter().all(|r| r.as_object().is_some_and(Map::is_empty)));

    let mut add: Vec<u16> = vec![408];
    if !public {
        add.push(401);
        if method != "get" {
            add.push(403);
        }
    }
    if has("path") {
        add.push(404);
    }
    if body.is_some() {
        add.extend([413, 415, 422]);
    }
    if json_body {
        add.push(400);
    }
    if has("query") || has("header") {
        add.push(422);
    }
    if params.iter().any(|(at, name)| at == "header" && name == "if-match") {
        add.extend([412, 428]);
    }

    let responses = op["responses"].as_object_mut().map(std::mem::take).unwrap_or_default();
    let mut out = Map::new();
    for (status, mut response) in responses {
        complete_response(&status, &mut response);
        out.insert(status, response);
    }
    for status in add {
        out.entry(status.to_string()).or_insert_with(|| problem_response(status));
    }
    let mut sorted: Vec<(String, Value)> = out.into_iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    op["responses"] = Value::Object(sorted.into_iter().collect());
}

fn complete_response(status: &str, response: &mut Value) {
    let code: u16 = status.parse().unwrap_or(0);
    let other_than_json = response["content"].as_object().is_some_and(|c| c.keys().any(|t| !t.ends_with("json")));
    if code >= 400 && !other_than_json {
        let description = response["description"].as_str().filter(|d| !d.is_empty()).map(str::to_owned);
        *response = problem_response(code);
        if let Some(d) = description {
            response["description"] = Value::String(d);
        }
        return;
    }
    if response["description"].as_str().is_none_or(str::is_empty) {
        response["description"] = Value::String(success(code).to_owned());
    }
    if let Some(headers) = response.get_mut("headers").and_then(Value::as_object_mut) {
        for (name, header) in headers.iter_mut() {
            *header = header_spec(name);
        }
    }
}

fn success(code: u16) -> &'static str {
    match code {
        200 => "OK",
        201 => "Created",
        204 => "Done; no content",
        _ => "Success",
    }
}

/// A named header's schema and meaning; every header the API sends is
/// present whenever it is documented.
fn header_spec(name: &str) -> Value {
    let description = HEADERS.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map_or("", |(_, d)| d);
    let schema = match name.to_ascii_lowercase().as_str() {
        "etag" => json!({"type": "string", "pattern": "^\"[0-9]+\"$"}),
        "retry-after" => json!({"type": "string", "pattern": "^[0-9]+$"}),
        _ => json!({"type": "string"}),
    };
    json!({"description": description, "required": true, "schema": schema})
}

/// A refusal: problem+json, with the headers that come with its status.
fn problem_response(code: u16) -> Value {
    let description = PROBLEMS.iter().find(|(c, _)| *c == code).map_or("Refused", |(_, d)| d);
    let mut response = json!({
        "description": description,
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
    });
    let header = match code {
        401 => Some("WWW-Authenticate"),
        405 => Some("Allow"),
        429 => Some("Retry-After"),
        _ => None,
    };
    if let Some(h) = header {
        response["headers"] = json!({ h: header_spec(h) });
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(doc: &Value, path: &str, method: &str) -> Value {
        doc["paths"][path][method].clone()
    }

    /// The quick part of what the contract tests check with the real tools.
    #[test]
    fn the_served_document_names_every_operation_once_and_describes_every_answer() {
        let doc = crate::api::document();
        let mut ids = std::collections::BTreeSet::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                let id = op["operationId"].as_str().unwrap_or_else(|| panic!("{method} {path} has no operationId"));
                assert!(ids.insert(id.to_owned()), "{id} twice");
                for (status, r) in op["responses"].as_object().unwrap() {
                    assert!(r["description"].as_str().is_some_and(|d| !d.is_empty()), "{method} {path} {status}");
                    if status.starts_with('4') && !path.ends_with("/inventory") {
                        assert!(r["content"]["application/problem+json"].is_object(), "{method} {path} {status}");
                    }
                }
                let schemas = serde_json::to_string(op).unwrap();
                assert!(!schemas.contains(r#"{"type":"object"}"#), "{method} {path}: a bare object");
            }
        }
        assert!(ids.len() > 60, "{ids:?}");
        assert!(doc["components"]["responses"]["Problem405"]["headers"]["Allow"].is_object());
    }

    #[test]
    fn fields_named_at_are_times() {
        let mut doc = json!({"paths": {}, "components": {"schemas": {"T": {"properties": {
            "opened_at": {"type": "string"}, "closed_at": {"type": ["string", "null"]},
            "seats_at": {"type": "integer"}, "title": {"type": "string"},
        }}}}});
        complete(&mut doc);
        let props = &doc["components"]["schemas"]["T"]["properties"];
        assert_eq!(props["opened_at"]["format"], "date-time");
        assert_eq!(props["closed_at"]["format"], "date-time");
        assert!(props["seats_at"].get("format").is_none() && props["title"].get("format").is_none());
    }

    #[test]
    fn every_operation_gets_the_refusals_of_its_shape() {
        let mut doc = json!({"paths": {
            "/things/{id}": {
                "get": {"parameters": [{"name": "id", "in": "path"}], "responses": {"200": {"content": {}}}},
                "patch": {
                    "parameters": [{"name": "id", "in": "path"}, {"name": "If-Match", "in": "header"}],
                    "requestBody": {"content": {"application/json": {}}},
                    "responses": {"200": {"description": "", "headers": {"ETag": {}}}, "409": {"description": ""}},
                },
            },
            "/public": {"get": {"security": [{}], "responses": {"200": {"description": "The list"}}}},
        }});
        complete(&mut doc);
        let statuses = |o: &Value| o["responses"].as_object().unwrap().keys().cloned().collect::<Vec<_>>();
        assert_eq!(statuses(&op(&doc, "/things/{id}", "get")), ["200", "401", "404", "408"]);
        assert_eq!(
            statuses(&op(&doc, "/things/{id}", "patch")),
            ["200", "400", "401", "403", "404", "408", "409", "412", "413", "415", "422", "428"]
        );
        assert_eq!(statuses(&op(&doc, "/public", "get")), ["200", "408"]);
        let patch = op(&doc, "/things/{id}", "patch");
        assert_eq!(patch["responses"]["200"]["description"], "OK");
        assert_eq!(patch["responses"]["200"]["headers"]["ETag"]["required"], true);
        let conflict = &patch["responses"]["409"];
        assert!(conflict["description"].as_str().unwrap().starts_with("Conflict"));
        assert_eq!(conflict["content"]["application/problem+json"]["schema"]["$ref"], "#/components/schemas/Problem");
        let get = op(&doc, "/things/{id}", "get");
        assert!(get["responses"]["401"]["headers"]["WWW-Authenticate"].is_object());
        assert_eq!(op(&doc, "/public", "get")["responses"]["200"]["description"], "The list");
    }
}
