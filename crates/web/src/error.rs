//! Errors as `application/problem+json` (RFC 9457), each with a stable code.

use axum::{
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Serialize;
use steward_app::{AppError, Code, FieldError, Message};

/// An error answered to an API client.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub title: &'static str,
    pub detail: String,
    pub errors: Vec<FieldError>,
    pub allowed: Vec<String>,
    pub current_version: Option<i64>,
    pub retry_after: Option<u64>,
    /// A refusal of access as the app said it (code and values), for the
    /// UI's error page.
    pub refusal: Option<Message>,
    /// Already in the audit log (see `auth::Audited`).
    pub audited: bool,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A URI reference naming the kind of problem: `/problems/{code}`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Stable, machine-readable: e.g. `validation_failed`, `version_conflict`.
    pub code: String,
    /// Each bad field and why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<ProblemField>)]
    pub errors: Vec<FieldError>,
    /// For a refused transition: the states that are allowed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub allowed: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_version: Option<i64>,
    /// For a refusal (403) or a conflict (409): what was refused, as a stable code
    /// (`deny_edit`, `deny_webhooks`, …), so a client can say it in its
    /// own words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ProblemField {
    pub field: String,
    /// Stable, machine-readable: what the message means whatever its
    /// wording (`required`, `too_long`, `no_such_user`, …; `other` for a
    /// every message has one).
    pub code: String,
    /// In English.
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, title: &'static str, detail: impl Into<String>) -> Self {
        Self {
            status,
            code,
            title,
            detail: detail.into(),
            errors: Vec::new(),
            allowed: Vec::new(),
            current_version: None,
            retry_after: None,
            refusal: None,
            audited: false,
        }
    }

    pub fn audited(mut self) -> Self {
        self.audited = true;
        self
    }

    pub fn invalid(errors: Vec<FieldError>) -> Self {
        let detail = errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; ");
        Self { errors, ..Self::new(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", "Invalid input", detail) }
    }

    pub fn field(field: &str, message: impl Into<Message>) -> Self {
        Self::invalid(vec![FieldError::new(field, message)])
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "Not found", format!("{what} not found"))
    }

    /// A stale version sent with `If-Match` is a failed precondition (412);
    /// one sent in the body is a conflict (409).
    pub fn with_if_match(mut self, used_if_match: bool) -> Self {
        if used_if_match && self.code == "version_conflict" {
            self.status = StatusCode::PRECONDITION_FAILED;
        }
        self
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        use StatusCode as S;
        let detail = e.to_string();
        match e {
            AppError::NotFound(what) => ApiError::not_found(what),
            AppError::Unauthenticated(_) => {
                ApiError::new(S::UNAUTHORIZED, "unauthenticated", "Sign-in required", detail)
            }
            AppError::Forbidden(m) => {
                ApiError { refusal: Some(m), ..ApiError::new(S::FORBIDDEN, "forbidden", "Not allowed", detail) }
            }
            AppError::Invalid(errors) => ApiError::invalid(errors),
            AppError::Conflict(m) => {
                ApiError { refusal: Some(m), ..ApiError::new(S::CONFLICT, "conflict", "Conflict", detail) }
            }
            AppError::Stale { current, .. } => ApiError {
                current_version: Some(current),
                ..ApiError::new(S::CONFLICT, "version_conflict", "Changed by someone else", detail)
            },
            AppError::VersionRequired => {
                ApiError::new(S::PRECONDITION_REQUIRED, "version_required", "Version required", detail)
            }
            AppError::Transition { allowed, .. } => ApiError {
                allowed,
                ..ApiError::new(S::CONFLICT, "transition_not_allowed", "State change not allowed", detail)
            },
            AppError::TooLarge { .. } => ApiError::new(S::PAYLOAD_TOO_LARGE, "too_large", "Too large", detail),
            AppError::Throttled { retry_after_secs } => ApiError {
                retry_after: Some(retry_after_secs),
                ..ApiError::new(S::TOO_MANY_REQUESTS, "throttled", "Too many attempts", detail)
            },
            // A search text the parser refuses: 400, the reason as the
            // code (`unbalanced_quotes`, `too_long`, …), the field named.
            AppError::BadQuery { field, error } => ApiError {
                errors: vec![FieldError::new(field, error.clone())],
                ..ApiError::new(S::BAD_REQUEST, error.code(), "Bad search", detail)
            },
            AppError::Unavailable(_) => ApiError::new(S::SERVICE_UNAVAILABLE, "unavailable", "Unavailable", detail),
            AppError::Internal(cause) => {
                tracing::error!(%cause, "internal error");
                ApiError::new(
                    S::INTERNAL_SERVER_ERROR,
                    "internal",
                    "Internal error",
                    "something went wrong on our side; it has been logged",
                )
            }
        }
    }
}

/// A parser's own words about what it could not read (serde, multipart,
/// a query string): the code says so, the detail stays as the parser put it.
pub fn malformed(detail: impl ToString) -> Message {
    let detail = detail.to_string();
    Code::Malformed.msg(detail.clone()).with("detail", detail)
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Problem {
            kind: format!("/problems/{}", self.code),
            title: self.title.to_owned(),
            status: self.status.as_u16(),
            detail: self.detail,
            code: self.code.to_owned(),
            errors: self.errors,
            allowed: self.allowed,
            current_version: self.current_version,
            reason: self.refusal.map(|m| m.code.as_str().to_owned()),
        };
        let json = serde_json::to_vec(&body).unwrap_or_default();
        let mut resp = (self.status, json).into_response();
        if self.audited {
            resp.extensions_mut().insert(crate::auth::Audited);
        }
        let h = resp.headers_mut();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        if self.status == StatusCode::UNAUTHORIZED {
            h.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"steward\""));
        }
        if let Some(secs) = self.retry_after {
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                h.insert(header::RETRY_AFTER, v);
            }
        }
        resp
    }
}
