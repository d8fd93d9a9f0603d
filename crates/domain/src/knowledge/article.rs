//! An article version's fields and their limits, and the review-by date.
//!
//! Times are microseconds since the Unix epoch, as the store keeps them.

use super::{Audience, Lang};
use crate::text::{self, Limit, TextError};
use serde::{Deserialize, Serialize};

/// A body's limit in bytes of UTF-8, checked before anything reads it.
pub const BODY_MAX_BYTES: usize = 200 * 1024;
/// Free text, single line; empty means no category.
pub const CATEGORY: Limit = text::SHORT;
const BODY: Limit = Limit { min: 1, max: BODY_MAX_BYTES, multiline: true };
/// An article without a review-by date is due for review a year after it
/// was published.
pub const DEFAULT_REVIEW_AFTER: i64 = 365 * 24 * 3600 * 1_000_000;

/// One language's text of an article: the English and Polish texts are
/// translations of one article, not two articles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Translation {
    pub lang: Lang,
    pub title: String,
    /// Markdown; the web layer renders and sanitises it.
    pub body: String,
}

/// What a version holds, as the author sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleFields {
    pub audience: Audience,
    pub category: Option<String>,
    pub translations: Vec<Translation>,
}

/// One thing wrong with an article, named by its field path
/// (`translations[1].title`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArticleError {
    #[error("{field} {error}")]
    Text { field: String, error: TextError },
    #[error("{field} is too large: at most {max} bytes, got {got}", max = BODY_MAX_BYTES)]
    BodyTooLarge { field: String, got: usize },
    #[error("translations[{index}].lang: {lang} is given twice; an article has one text per language")]
    DuplicateLanguage { index: usize, lang: Lang },
    #[error("translations: at least one language is required")]
    NoTranslation,
    #[error("review_by must be in the future")]
    ReviewByPast,
}

impl ArticleError {
    /// The field path the message belongs beside.
    pub fn field(&self) -> String {
        match self {
            ArticleError::Text { field, .. } | ArticleError::BodyTooLarge { field, .. } => field.clone(),
            ArticleError::DuplicateLanguage { index, .. } => format!("translations[{index}].lang"),
            ArticleError::NoTranslation => "translations".to_owned(),
            ArticleError::ReviewByPast => "review_by".to_owned(),
        }
    }
}

/// Checks every field and returns them trimmed (line ends as `\n`, an
/// empty category as none), or every problem found.
pub fn check_article(fields: ArticleFields) -> Result<ArticleFields, Vec<ArticleError>> {
    let mut errors = Vec::new();
    let category =
        fields.category.map(|c| checked(&mut errors, "category".to_owned(), &c, CATEGORY)).filter(|c| !c.is_empty());
    let mut translations = Vec::with_capacity(fields.translations.len());
    for (i, t) in fields.translations.iter().enumerate() {
        let title = checked(&mut errors, format!("translations[{i}].title"), &t.title, text::TITLE);
        let field = format!("translations[{i}].body");
        // Refused by its size before a character of it is read.
        let body = if t.body.len() > BODY_MAX_BYTES {
            errors.push(ArticleError::BodyTooLarge { field, got: t.body.len() });
            String::new()
        } else {
            checked(&mut errors, field, &t.body, BODY)
        };
        if fields.translations[..i].iter().any(|o| o.lang == t.lang) {
            errors.push(ArticleError::DuplicateLanguage { index: i, lang: t.lang });
        }
        translations.push(Translation { lang: t.lang, title, body });
    }
    if fields.translations.is_empty() {
        errors.push(ArticleError::NoTranslation);
    }
    if errors.is_empty() {
        Ok(ArticleFields { audience: fields.audience, category, translations })
    } else {
        Err(errors)
    }
}

/// The checked text, or an empty one with the problem noted.
fn checked(errors: &mut Vec<ArticleError>, field: String, value: &str, limit: Limit) -> String {
    text::check(value, limit).unwrap_or_else(|error| {
        errors.push(ArticleError::Text { field, error });
        String::new()
    })
}

/// A review-by date an author sets must lie ahead.
pub fn check_review_by(review_by: i64, now: i64) -> Result<(), ArticleError> {
    if review_by > now { Ok(()) } else { Err(ArticleError::ReviewByPast) }
}

/// Whether a published article is due for review: its review-by date (or a
/// year after publication, without one) has come. An article that is not
/// published (`published_at` none) is never due.
pub fn review_due(published_at: Option<i64>, review_by: Option<i64>, now: i64) -> bool {
    published_at.is_some_and(|p| now >= review_by.unwrap_or(p.saturating_add(DEFAULT_REVIEW_AFTER)))
}

impl From<ArticleError> for crate::code::Message {
    fn from(e: ArticleError) -> Self {
        use crate::code::{Code, Message};
        let text = e.to_string();
        match e {
            ArticleError::Text { error, .. } => Message::wrapping(error, text),
            ArticleError::NoTranslation => Code::KbOneLanguage.msg(text),
            ArticleError::ReviewByPast => Code::KbReviewByPast.msg(text),
            ArticleError::BodyTooLarge { got, .. } => {
                Code::TooLarge.msg(text).with("max", BODY_MAX_BYTES).with("got", got)
            }
            ArticleError::DuplicateLanguage { lang, .. } => Code::KbLanguageTwice.msg(text).with("lang", lang),
        }
    }
}
