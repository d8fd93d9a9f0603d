//! A JSON body extractor whose refusals are problem+json naming the field.

use crate::error::ApiError;
use axum::{
    body::Bytes,
    extract::{FromRequest, Request},
    http::{StatusCode, header},
};
use serde::de::DeserializeOwned;

pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|m| {
                let m = m.trim();
                m == "application/json" || (m.starts_with("application/") && m.ends_with("+json"))
            });
        if !is_json {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Unsupported media type",
                "send the body as application/json",
            ));
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|e| ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", "Body too large", e.body_text()))?;
        parse(&bytes).map(Json)
    }
}

/// Parses a JSON object, naming the offending field in the error. Every
/// body the API takes is an object: serde would otherwise read a struct
/// from an array, field by field in order (`["x"]` as `{"name": "x"}`).
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        serde_json::from_slice::<serde::de::IgnoredAny>(bytes).map_err(malformed)?;
        return Err(ApiError::field("body", steward_app::Code::NotObject.msg("must be a JSON object")));
    }
    // A NUL is refused in any string, wherever it sits (PostgreSQL cannot
    // store one, nor look one up). In JSON it can only come escaped.
    if bytes.windows(6).any(|w| w.eq_ignore_ascii_case(b"\\u0000")) {
        if let Ok(v) = serde_json::from_slice::<serde_json::Value>(bytes) {
            if let Some(field) = nul_at(&v, String::new()) {
                return Err(ApiError::field(&field, steward_domain::text::TextError::Control));
            }
        }
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => {
                let msg = strip_position(&inner.to_string());
                let field = if path == "." || path.is_empty() { missing_or_unknown(&msg) } else { path };
                ApiError::field(&field, crate::error::malformed(msg))
            }
            _ => malformed(inner),
        }
    })
}

/// Where a string (or a key) holding a NUL is, as the field's path.
fn nul_at(v: &serde_json::Value, path: String) -> Option<String> {
    use serde_json::Value;
    let name = |path: &str| if path.is_empty() { "body".to_owned() } else { path.to_owned() };
    match v {
        Value::String(s) if s.contains('\0') => Some(name(&path)),
        Value::Array(items) => items.iter().enumerate().find_map(|(i, x)| nul_at(x, format!("{path}[{i}]"))),
        Value::Object(m) => m.iter().find_map(|(k, x)| {
            if k.contains('\0') {
                return Some(name(&path));
            }
            nul_at(x, if path.is_empty() { k.clone() } else { format!("{path}.{k}") })
        }),
        _ => None,
    }
}

fn malformed(e: serde_json::Error) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "malformed_json",
        "Malformed JSON",
        format!("the body is not valid JSON: {e}"),
    )
}

/// serde names missing and unknown fields only inside its message (a
/// body's, a query string's).
pub(crate) fn missing_or_unknown(msg: &str) -> String {
    for prefix in ["missing field `", "unknown field `"] {
        if let Some(rest) = msg.strip_prefix(prefix) {
            if let Some(end) = rest.find('`') {
                return rest[..end].to_owned();
            }
        }
    }
    "body".to_owned()
}

fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_owned(),
        None => msg.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct T {
        title: String,
        impact: Option<i64>,
    }

    #[test]
    fn names_the_field() {
        let e = parse::<T>(br#"{"impact": 1}"#).unwrap_err();
        assert_eq!((e.status.as_u16(), e.errors[0].field.as_str()), (422, "title"));
        assert_eq!(e.errors[0].message, "missing field `title`");
        let e = parse::<T>(br#"{"title": "x", "colour": 1}"#).unwrap_err();
        assert_eq!(e.errors[0].field, "colour");
        let e = parse::<T>(br#"{"title": "x", "impact": "high"}"#).unwrap_err();
        assert_eq!(e.errors[0].field, "impact");
        let e = parse::<T>(br#"{"title": "#).unwrap_err();
        assert_eq!((e.status.as_u16(), e.code), (400, "malformed_json"));
    }

    #[test]
    fn a_nul_anywhere_is_refused_naming_where() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Rule {
            actions: Vec<serde_json::Value>,
        }
        let e =
            parse::<Rule>(br#"{"actions": [{"do": "notify"}, {"to": [{"users": ["ok", "a\u0000b"]}]}]}"#).unwrap_err();
        assert_eq!((e.status.as_u16(), e.errors[0].field.as_str()), (422, "actions[1].to[0].users[1]"));
        assert_eq!(e.errors[0].message, "must not contain control characters");
        let e = parse::<T>(br#"{"title": "x\u0000", "impact": 1}"#).unwrap_err();
        assert_eq!(e.errors[0].field, "title");
        // An escaped backslash before "u0000" is text, not a NUL.
        assert!(parse::<T>(br#"{"title": "C:\\u0000"}"#).is_ok());
    }

    #[test]
    fn refuses_what_is_not_an_object() {
        for body in [&br#"["x", 1]"#[..], br#" [{"title": "x"}]"#, b"3", br#""x""#, b"null"] {
            let e = parse::<T>(body).unwrap_err();
            assert_eq!((e.status.as_u16(), e.errors[0].field.as_str()), (422, "body"), "{body:?}");
        }
        let e = parse::<T>(b"[1,").unwrap_err();
        assert_eq!(e.code, "malformed_json");
    }
}
