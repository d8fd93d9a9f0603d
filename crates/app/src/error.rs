//! The errors a use case answers with; the web layer maps each to a status
//! and a stable problem code.

use serde::Serialize;
pub use steward_domain::code::{Code, Message};
use steward_store::StoreError;

/// One bad input field and why: the English message, its stable code and
/// the values it names (for the UI's translation; see `Code`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub code: Code,
    #[serde(skip)]
    pub params: Vec<(&'static str, String)>,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<Message>) -> Self {
        let Message { code, params, text } = message.into();
        Self { field: field.to_owned(), code, params, message: text }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("sign in required: {0}")]
    Unauthenticated(&'static str),
    #[error("{0}")]
    Forbidden(Message),
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error("the record was changed by someone else since you read it (you sent version {sent}, it is now {current})")]
    Stale { sent: i64, current: i64 },
    #[error("the version you read is required (If-Match header or version field)")]
    VersionRequired,
    #[error("{message}")]
    Transition { message: Message, allowed: Vec<String> },
    #[error("{what} is too large: at most {max} bytes")]
    TooLarge { what: &'static str, max: usize },
    #[error("too many failed sign-ins; try again in {retry_after_secs} seconds")]
    Throttled { retry_after_secs: u64 },
    #[error("{field} {error}")]
    BadQuery { field: &'static str, error: steward_domain::search::QueryError },
    #[error("{0}")]
    Unavailable(String),
    /// What is asked cannot be done as things stand (a template changes
    /// were raised from cannot be deleted): the reason's code says why.
    #[error("{0}")]
    Conflict(Message),
    #[error("internal error")]
    Internal(String),
}

impl AppError {
    pub fn field(field: &str, message: impl Into<Message>) -> Self {
        AppError::Invalid(vec![FieldError::new(field, message)])
    }

    /// The same error with `prefix` taken off its field names: a batch of
    /// one names its problems `items[0].name`; its caller says `name`.
    pub fn unprefixed(self, prefix: &str) -> Self {
        match self {
            AppError::Invalid(errs) => AppError::Invalid(
                errs.into_iter()
                    .map(|mut f| {
                        if let Some(rest) = f.field.strip_prefix(prefix) {
                            f.field = rest.to_owned();
                        }
                        f
                    })
                    .collect(),
            ),
            e => e,
        }
    }

    /// The same error with `prefix` put before its field names: a nested
    /// object's problems (`filters.priority`) checked by a use case that
    /// names them bare.
    pub fn prefixed(self, prefix: &str) -> Self {
        match self {
            AppError::Invalid(errs) => AppError::Invalid(
                errs.into_iter().map(|f| FieldError { field: format!("{prefix}{}", f.field), ..f }).collect(),
            ),
            e => e,
        }
    }
}

/// A field's message without its field (to show it elsewhere).
impl From<FieldError> for Message {
    fn from(e: FieldError) -> Self {
        Message { code: e.code, params: e.params, text: e.message }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound("record"),
            StoreError::Duplicate(what) => AppError::field(&what, Code::Taken.msg("is already taken")),
            StoreError::MissingReference(what) => {
                AppError::field(&what, Code::MissingReference.msg("refers to something that does not exist"))
            }
            StoreError::StaleVersion { current } => AppError::Stale { sent: current - 1, current },
            StoreError::WriterGone => AppError::Unavailable("the server is shutting down".into()),
            StoreError::Busy(_) => AppError::Unavailable("the database was busy; try again".into()),
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<steward_domain::access::Denied> for AppError {
    fn from(d: steward_domain::access::Denied) -> Self {
        AppError::Forbidden(d.1.msg(d.0))
    }
}

/// "no CI 5; no CI 7": every CI a request names that does not exist.
pub fn no_cis<T: std::fmt::Display>(ids: impl IntoIterator<Item = T>) -> Message {
    let ids: Vec<String> = ids.into_iter().map(|i| i.to_string()).collect();
    let text = ids.iter().map(|i| format!("no CI {i}")).collect::<Vec<_>>().join("; ");
    Message { code: Code::NoCi, params: ids.into_iter().map(|i| ("id", i)).collect(), text }
}

/// "cannot go from X to Y; allowed: …": a state machine's refusal, with
/// the states named (`{allowed}` is "—" where nothing is).
pub fn refused_move(text: String, from: impl ToString, to: impl ToString, allowed: &[String]) -> AppError {
    let list = if allowed.is_empty() { "—".to_owned() } else { allowed.join(", ") };
    let message = Code::TransitionNotAllowed.msg(text).with("from", from).with("to", to).with("allowed", list);
    AppError::Transition { message, allowed: allowed.to_vec() }
}

/// "at most 100 CIs": a list longer than the request may send.
pub fn too_many(text: String, max: usize) -> Message {
    Code::TooMany.msg(text).with("max", max)
}

/// "must be between 1 and 200": a number outside its range.
pub fn between(min: impl std::fmt::Display, max: impl std::fmt::Display) -> Message {
    Code::Between.msg(format!("must be between {min} and {max}")).with("min", min).with("max", max)
}

/// "must be one of a, b": a word outside a fixed list, the list given.
pub fn one_of(list: &[&str]) -> Message {
    let list = list.join(", ");
    Code::OneOf.msg(format!("must be one of {list}")).with("list", list)
}

/// Collects field errors while a form is validated.
#[derive(Debug, Default)]
pub struct Errors(pub Vec<FieldError>);

impl Errors {
    pub fn add(&mut self, field: &str, message: impl Into<Message>) {
        self.0.push(FieldError::new(field, message));
    }
    /// Records `r`'s error under `field`; gives the value when there is one.
    pub fn check<T, E: Into<Message>>(&mut self, field: &str, r: Result<T, E>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.add(field, e);
                None
            }
        }
    }
    pub fn finish(self) -> Result<(), AppError> {
        if self.0.is_empty() { Ok(()) } else { Err(AppError::Invalid(self.0)) }
    }
}
