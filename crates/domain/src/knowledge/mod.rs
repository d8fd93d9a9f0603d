//! Knowledge articles: versions with review and publish, translations,
//! audience, review-by dates, feedback and deflection.
//!
//! An article (a KB record) is a series of versions, each with its own
//! [`VersionState`]: Draft → In review → Published, In review → Draft (sent
//! back, or withdrawn by the author), Draft → Published only where review is
//! not required, Draft → Discarded, Published → Retired. Publishing a version
//! makes the one published before it Superseded, so at most one version is
//! published: the article's published-version pointer. At most one version
//! is open (Draft or In review) at a time: a revision is started from the
//! published version while that version stays readable, exactly as
//! ServiceNow's "checkout" works.
//!
//! The article's own [`ArticleState`] — the record's state, which lists,
//! queues and search use — follows from its versions
//! ([`article_state`]): Published while a version is published (even with a
//! revision under way), otherwise the state of the newest version (Draft or
//! In review), otherwise Retired (retired, or its only draft discarded). A
//! retired article comes back by starting a new version (Retired → Draft).
//! Retiring discards an open revision with it, so a retired article has
//! nothing in progress.
//!
//! Each version holds the article's texts, one [`Translation`] per language
//! (English and Polish are translations of one article, reviewed and
//! published together).

mod access;
mod article;
mod feedback;
#[cfg(test)]
mod tests;
mod version;
#[cfg(test)]
mod version_tests;

pub use access::{can_edit_version, can_move_version, can_read_version, can_write_articles, visible_audiences};
pub use article::{
    ArticleError, ArticleFields, BODY_MAX_BYTES, CATEGORY, DEFAULT_REVIEW_AFTER, Translation, check_article,
    check_review_by, review_due,
};
pub use feedback::{DEFLECTION_WINDOW, FEEDBACK_COMMENT, Feedback, deflected};
pub use version::{
    NewVersion, ReviewPolicy, VersionError, VersionFacts, VersionPlan, article_state, can_edit_content,
    plan_new_version, plan_version, published_version,
};

use crate::lifecycle::Lifecycle;
use serde::{Deserialize, Serialize};

/// The article as a record: what lists, queues and search see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArticleState {
    Draft,
    InReview,
    Published,
    Retired,
}

/// Where one version of an article is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VersionState {
    Draft,
    InReview,
    Published,
    /// A later version was published in its place.
    Superseded,
    /// Withdrawn with the article.
    Retired,
    /// A draft abandoned before it was published.
    Discarded,
}

/// Who an article is written for. Staff articles may name internal systems
/// and steps only the desk may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    Requesters,
    Staff,
}

/// The languages an article is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    En,
    Pl,
}

text_enum!(
    ArticleState,
    "state",
    [Draft = "draft", InReview = "in_review", Published = "published", Retired = "retired"]
);
text_enum!(
    VersionState,
    "version state",
    [
        Draft = "draft",
        InReview = "in_review",
        Published = "published",
        Superseded = "superseded",
        Retired = "retired",
        Discarded = "discarded",
    ]
);
text_enum!(Audience, "audience", [Requesters = "requesters", Staff = "staff"]);
text_enum!(Lang, "language", [En = "en", Pl = "pl"]);

/// No state is final: a retired article can be revised and published
/// again. Open means someone has to write or review.
impl Lifecycle for ArticleState {
    const ALL: &'static [Self] = ArticleState::ALL;
    const NOUN: &'static str = "article";
    fn as_str(self) -> &'static str {
        ArticleState::as_str(self)
    }
    fn initial() -> Self {
        ArticleState::Draft
    }
    fn is_open(self) -> bool {
        matches!(self, ArticleState::Draft | ArticleState::InReview)
    }
    fn is_resolved(self) -> bool {
        false
    }
    fn is_final(self) -> bool {
        false
    }
    fn allowed_targets(self) -> &'static [Self] {
        use ArticleState::*;
        match self {
            Draft => &[InReview, Published, Retired],
            InReview => &[Draft, Published],
            Published => &[Retired],
            Retired => &[Draft],
        }
    }
}

impl VersionState {
    /// Being written or reviewed.
    pub fn is_open(self) -> bool {
        matches!(self, VersionState::Draft | VersionState::InReview)
    }

    /// The moves a person may ask for; Superseded only ever follows from
    /// publishing another version.
    pub fn allowed_targets(self) -> &'static [VersionState] {
        use VersionState::*;
        match self {
            Draft => &[InReview, Published, Discarded],
            InReview => &[Draft, Published],
            Published => &[Retired],
            Superseded | Retired | Discarded => &[],
        }
    }
}
