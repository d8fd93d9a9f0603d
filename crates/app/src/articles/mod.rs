//! Knowledge articles: create (the first draft), edit the open version,
//! start a revision, move versions (submit, send back, publish, retire,
//! discard), the problems and services an article is about, readers'
//! feedback and view counts, the openings that count deflections, and the
//! list. The rules are `steward_domain::knowledge`'s; every change goes
//! through `Store::write_checked` (check: lock, version, rights, decision;
//! apply: the writes) and is journaled on the article.
//!
//! An article is a `records` row of kind "article" whose title, description
//! (a summary: the English body's first paragraph), category and state are
//! those of its current version — the published one, else the one being
//! written — plus its `article_details` row, its versions and their texts.

use crate::Code;
mod create;
mod edit;
mod feedback;
mod links;
mod list;
mod query;
mod versions;

pub use create::{ArticleInput, TranslationInput};
pub use feedback::Deflection;
pub use list::ArticleListParams;
pub use query::{ArticleRead, ServiceRef};
pub use versions::VersionMove;

use crate::{error::AppError, records};
use serde::Serialize;
use steward_domain::{
    RecordNumber,
    journal::{Action, FieldChange},
    knowledge::{ArticleError, ReviewPolicy, VersionError, VersionFacts, VersionState},
    number::RecordKind,
};
use steward_store::{
    Conn, Dialect,
    articles::{self as store_articles, Details, Text, Version},
    records::{self as store_records, Record},
};

pub(crate) const KIND: &str = "article";

/// An article: the shared record, its details and every version.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Article {
    pub record: Record,
    pub details: Details,
    /// Oldest first.
    pub versions: Vec<Version>,
}

impl Article {
    /// The version open for writing or review, if any.
    pub fn open_version(&self) -> Option<&Version> {
        self.versions.iter().find(|v| state_of(v).is_open())
    }
    pub fn published(&self) -> Option<&Version> {
        self.versions.iter().find(|v| state_of(v) == VersionState::Published)
    }
    /// Due for review: published, and its review-by date (or a year after
    /// publication) has come.
    pub fn review_due(&self, now: i64) -> bool {
        steward_domain::knowledge::review_due(self.details.published_at, self.details.review_by, now)
    }
}

/// A stored version's state (written only from the enum).
pub fn state_of(v: &Version) -> VersionState {
    v.state.parse().unwrap_or(VersionState::Discarded)
}

/// Parses "KB0000042" (or "42") into the article's number.
pub fn parse_number(s: &str) -> Result<i64, AppError> {
    RecordKind::Article.seq_of(s).ok_or(AppError::NotFound(KIND))
}

pub fn number(n: i64) -> String {
    RecordNumber::article(n).to_string()
}

pub(crate) fn facts(versions: &[Version]) -> Vec<VersionFacts> {
    versions
        .iter()
        .map(|v| VersionFacts { number: u32::try_from(v.number).unwrap_or(0), state: state_of(v), author: v.author_id })
        .collect()
}

/// A summary of an article for lists and search: the first paragraph of
/// its body, without heading marks, at most 500 characters.
pub(crate) fn summary(body: &str) -> String {
    let para: Vec<&str> = body
        .lines()
        .map(str::trim)
        .skip_while(|l| l.is_empty())
        .take_while(|l| !l.is_empty())
        .map(|l| l.trim_start_matches('#').trim())
        .collect();
    para.join(" ").chars().take(500).collect()
}

/// The text a record shows: the English one, else the first.
fn lead(texts: &[Text]) -> Option<&Text> {
    texts.iter().find(|t| t.lang == "en").or_else(|| texts.first())
}

/// Makes the record and details show `v` (and its texts) as the current
/// version.
pub(crate) fn show_version(rec: &mut Record, details: &mut Details, v: &Version, texts: &[Text]) {
    if let Some(t) = lead(texts) {
        rec.title = t.title.clone();
        rec.description = summary(&t.body);
    }
    rec.category = v.category.clone();
    details.audience = v.audience.clone();
    details.review_by = v.review_by;
}

/// A domain refusal of a version move as the caller sees it.
pub(crate) fn version_error(e: VersionError) -> AppError {
    match &e {
        VersionError::NoSuchVersion { .. } => AppError::NotFound("article version"),
        VersionError::NotAllowed { from, to, allowed, .. } => {
            let allowed: Vec<String> = allowed.iter().map(|s| s.as_str().to_owned()).collect();
            crate::error::refused_move(e.to_string(), from, to, &allowed)
        }
        VersionError::ReviewRequired => AppError::field("state", Code::KbReviewFirst.msg(e.to_string())),
        VersionError::SelfReview => AppError::Forbidden(Code::DenyKbSelfReview.msg(e.to_string())),
        VersionError::RevisionOpen { number } => AppError::Transition {
            message: Code::KbRevisionOpen.msg(e.to_string()).with("number", number),
            allowed: Vec::new(),
        },
        VersionError::NotEditable { number, state } => AppError::Transition {
            message: Code::KbNotEditable.msg(e.to_string()).with("number", number).with("state", state),
            allowed: Vec::new(),
        },
    }
}

pub(crate) fn article_errors(errs: Vec<ArticleError>) -> AppError {
    AppError::Invalid(errs.into_iter().map(|e| crate::FieldError::new(&e.field(), e)).collect())
}

impl crate::App {
    pub(crate) fn review_policy(&self) -> ReviewPolicy {
        self.config.knowledge
    }
}

/// Locks the article for a change and loads what the rules look at;
/// checks the version when one is sent.
pub(crate) async fn lock_at(c: &mut Conn, d: Dialect, n: i64, version: Option<i64>) -> Result<Article, AppError> {
    let record = records::lock(c, d, KIND, n).await?;
    if let Some(v) = version {
        records::check_version(&record, v)?;
    }
    let details = store_articles::details(c, record.id).await?.ok_or(AppError::NotFound(KIND))?;
    let versions = store_articles::versions(c, record.id).await?;
    Ok(Article { record, details, versions })
}

/// Writes a changed article (its row under `version`, its details) with
/// its journal entry, at `now`; the caller has written its versions.
/// Returns the record as stored.
pub(crate) async fn write_change(
    c: &mut Conn,
    old: &Article,
    mut new: Record,
    details: &Details,
    (version, now): (i64, i64),
    (actor_id, action, changes): (i64, Action, &[FieldChange]),
) -> Result<Record, AppError> {
    new.updated_at = now;
    new.version = store_records::update(c, &new, version).await?;
    store_articles::save_details(c, details).await?;
    index_texts(c, new.id, details).await?;
    records::journal(c, &old.record, now, Some(actor_id), action, changes, None).await?;
    Ok(new)
}

/// Indexes the article for search by every language of the version it
/// shows (the published one, else the newest): writing the record indexes
/// its English title and summary only. Also sets who it is suggested to.
pub(crate) async fn index_texts(c: &mut Conn, record_id: i64, details: &Details) -> Result<(), AppError> {
    let shown = match details.published_version {
        Some(v) => v,
        None => store_articles::versions(c, record_id).await?.iter().map(|v| v.number).max().unwrap_or(1),
    };
    let texts = store_articles::texts(c, record_id, shown).await?;
    let title: Vec<&str> = texts.iter().map(|t| t.title.as_str()).collect();
    let body: Vec<&str> = texts.iter().map(|t| t.body.as_str()).collect();
    steward_store::fulltext::set_search_text(c, record_id, &title.join(" "), &body.join("\n\n")).await?;
    // Published or not, for whom: who it is suggested to.
    steward_store::fulltext::refresh_suggest_to(c, record_id).await?;
    Ok(())
}

/// The journal's changes between two versions' fields, named for the
/// version (`v2.audience`).
pub(crate) fn version_diff(old: Option<&Version>, new: &Version) -> Vec<FieldChange> {
    let n = new.number;
    let t = |v: Option<i64>| v.and_then(|x| jiff::Timestamp::from_microsecond(x).ok()).map(|x| x.to_string());
    [
        FieldChange::new(&format!("v{n}.state"), old.map(|o| o.state.clone()), Some(new.state.clone())),
        FieldChange::new(&format!("v{n}.audience"), old.map(|o| o.audience.clone()), Some(new.audience.clone())),
        FieldChange::new(&format!("v{n}.category"), old.and_then(|o| o.category.clone()), new.category.clone()),
        FieldChange::new(&format!("v{n}.review_by"), t(old.and_then(|o| o.review_by)), t(new.review_by)),
        FieldChange::new(
            &format!("v{n}.change_note"),
            old.and_then(|o| o.change_note.clone()),
            new.change_note.clone(),
        ),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The journal's changes between two sets of texts of version `n`.
pub(crate) fn texts_diff(n: i64, old: &[Text], new: &[Text]) -> Vec<FieldChange> {
    let mut out = Vec::new();
    for lang in ["en", "pl"] {
        let o = old.iter().find(|t| t.lang == lang);
        let w = new.iter().find(|t| t.lang == lang);
        out.extend(FieldChange::new(
            &format!("v{n}.{lang}.title"),
            o.map(|t| t.title.clone()),
            w.map(|t| t.title.clone()),
        ));
        // Bodies can be long: the journal says that one changed, not how.
        if o.map(|t| &t.body) != w.map(|t| &t.body) {
            let size = |t: Option<&Text>| t.map(|t| format!("{} characters", t.body.chars().count()));
            out.extend(FieldChange::new(&format!("v{n}.{lang}.body"), size(o), size(w)));
        }
    }
    out
}
