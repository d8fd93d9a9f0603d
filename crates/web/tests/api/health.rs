//! Health checks and the OpenAPI document.

use crate::both;
use serde_json::Value;

both!(health_checks_answer, |t| {
    let r = t.client.get(format!("{}/healthz", t.base)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.text().await.unwrap(), "ok\n");
    let r = t.client.get(format!("{}/readyz", t.base)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.text().await.unwrap(), "ready\n");
});

both!(openapi_document_lists_the_incident_api, |t| {
    let r = t.client.get(format!("{}/api/v1/openapi.json", t.base)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("application/json"));
    let doc: Value = serde_json::from_str(&r.text().await.unwrap()).expect("valid JSON");
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."), "{}", doc["openapi"]);
    assert_eq!(doc["info"]["title"], "Steward API");
    let paths = doc["paths"].as_object().unwrap();
    let expected = [
        ("/api/v1/incidents", &["get", "post"][..]),
        ("/api/v1/incidents/{number}", &["get", "patch"]),
        ("/api/v1/incidents/{number}/transitions", &["post"]),
        ("/api/v1/incidents/{number}/comments", &["get", "post"]),
        ("/api/v1/incidents/{number}/journal", &["get"]),
        ("/api/v1/incidents/{number}/attachments", &["get", "post"]),
        ("/api/v1/incidents/{number}/attachments/{id}", &["get"]),
        ("/api/v1/tokens/{id}", &["delete"]),
        ("/api/v1/cis", &["get", "post"]),
        ("/api/v1/cis/{id}", &["get", "put"]),
        ("/api/v1/cis/{id}/impact", &["get"]),
        ("/api/v1/impact", &["post"]),
        ("/api/v1/cmdb/bulk", &["post"]),
        ("/api/v1/cmdb/import", &["post"]),
        ("/api/v1/relations/{id}", &["delete"]),
        ("/api/v1/inventory", &["post"]),
    ];
    for (path, methods) in expected {
        let item = paths.get(path).unwrap_or_else(|| panic!("{path} missing from {:?}", paths.keys()));
        for m in methods {
            assert!(item.get(*m).is_some(), "{m} {path}");
        }
    }
    // Every schema a path refers to is defined.
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let text = doc["paths"].to_string();
    for part in text.split("\"#/components/schemas/").skip(1) {
        let name = &part[..part.find('"').unwrap()];
        assert!(schemas.contains_key(name), "schema {name} is referred to but not defined");
    }
    for name in ["IncidentJson", "NewIncidentJson", "IncidentPatchJson", "TransitionJson", "Problem"] {
        assert!(schemas.contains_key(name), "{name}");
    }
    assert_eq!(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
});
