//! A query-string extractor whose refusals are problem+json naming the
//! parameter (`limit=abc`, an unknown parameter), as a body's field is
//! named. Every API handler takes its query through this one.

use crate::error::ApiError;
use axum::{extract::FromRequestParts, http::request::Parts};
use serde::de::DeserializeOwned;

pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        // The one text rule holds for parameters too: a NUL or other control
        // character is refused here, before a database could choke on it.
        // Line ends and tabs may lay out a JSON value (an import's mapping);
        // a name given as a parameter is held to one line where it is used.
        let control = |c: char| c.is_control() && !matches!(c, '\n' | '\r' | '\t');
        if let Ok(axum::extract::Query(pairs)) = axum::extract::Query::<Vec<(String, String)>>::try_from_uri(&parts.uri)
        {
            if let Some((name, _)) = pairs.iter().find(|(_, v)| v.chars().any(control)) {
                return Err(ApiError::field(name, steward_domain::text::TextError::Control));
            }
        }
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(t)) => Ok(Query(t)),
            Err(e) => Err(problem(&e.body_text())),
        }
    }
}

fn problem(text: &str) -> ApiError {
    let detail = text.strip_prefix("Failed to deserialize query string: ").unwrap_or(text);
    match detail.split_once(": ") {
        Some((field, message)) if !field.is_empty() && !field.contains(char::is_whitespace) => {
            ApiError::field(field, crate::error::malformed(message))
        }
        _ => match crate::json::missing_or_unknown(detail) {
            // `colour=red`: the parameter named, as a body's field is.
            field if field != "body" => ApiError::field(&field, crate::error::malformed(detail)),
            _ => ApiError::field("query", crate::error::malformed(detail)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_parameter() {
        let e = problem("Failed to deserialize query string: limit: invalid digit found in string");
        assert_eq!((e.status.as_u16(), e.errors[0].field.as_str()), (422, "limit"));
        let e = problem("Failed to deserialize query string: unknown field `colour`, expected `limit`");
        assert_eq!(e.errors[0].field, "colour");
        let e = problem("Failed to deserialize query string: something else");
        assert_eq!(e.errors[0].field, "query");
    }
}
