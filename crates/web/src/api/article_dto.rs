//! The JSON shapes of knowledge articles, their versions, texts and
//! feedback. Bodies are Markdown as written; `html` is the same text
//! rendered and sanitised (`crate::markdown`), safe to put on a page.

use super::dto::{Ref, opt_time, time};
use serde::{Deserialize, Serialize};
use steward_app::articles::{self, Article, ArticleInput, ArticleRead, Deflection, TranslationInput};
use steward_store::articles::{Details, Feedback, Linked, Tally, Text, Version};
use utoipa::ToSchema;

/// An article as one reader reads it.
#[derive(Serialize, ToSchema)]
pub struct ArticleJson {
    /// e.g. KB0000042
    pub number: String,
    #[schema(value_type = super::schema::ArticleState)]
    pub state: String,
    /// The current version's English title (else its first).
    pub title: String,
    /// The first paragraph of that version's body.
    pub summary: String,
    pub category: Option<String>,
    #[schema(value_type = super::schema::Audience)]
    pub audience: String,
    pub review_by_at: Option<String>,
    /// Published, and its review-by date (or a year after publication) has come.
    pub review_due: bool,
    /// The published version's number.
    pub published_version: Option<i64>,
    pub published_at: Option<String>,
    /// How often the article's page was read.
    pub views: i64,
    /// Who started the article.
    pub author: Ref,
    pub opened_at: String,
    pub updated_at: String,
    /// The version the reader reads, with its texts.
    pub shown: ArticleVersionJson,
    /// Every version, oldest first (requesters: the one they read).
    pub versions: Vec<VersionSummaryJson>,
    /// The problems and known errors it documents (staff only).
    pub problems: Vec<LinkedProblemJson>,
    /// The services it is about (staff only).
    pub services: Vec<Ref>,
    /// Readers who said the version shown helped.
    pub helpful: i64,
    pub not_helpful: i64,
    /// Your own answer about the version shown.
    pub my_feedback: Option<MyFeedbackJson>,
    /// Send it back with a change (body `version` or `If-Match`).
    pub version: i64,
}

/// A version with its texts.
#[derive(Serialize, ToSchema)]
pub struct ArticleVersionJson {
    #[serde(flatten)]
    pub summary: VersionSummaryJson,
    /// By language, English first.
    pub texts: Vec<TextJson>,
}

/// One version of an article.
#[derive(Serialize, ToSchema)]
pub struct VersionSummaryJson {
    pub number: i64,
    #[schema(value_type = super::schema::VersionState)]
    pub state: String,
    #[schema(value_type = super::schema::Audience)]
    pub audience: String,
    pub category: Option<String>,
    pub review_by_at: Option<String>,
    pub change_note: Option<String>,
    pub author: Ref,
    /// Who approved it, when it was published from review.
    pub reviewer: Option<Ref>,
    pub created_at: String,
    pub updated_at: String,
    pub submitted_at: Option<String>,
    pub published_at: Option<String>,
    /// Superseded, retired or discarded.
    pub ended_at: Option<String>,
}

/// One language's text of a version.
#[derive(Serialize, ToSchema)]
pub struct TextJson {
    #[schema(value_type = super::schema::ArticleLang)]
    pub lang: String,
    pub title: String,
    /// Markdown, as written.
    pub body: String,
    /// The body rendered and sanitised: no script, no event handlers, no
    /// `javascript:` links.
    pub html: String,
}

#[derive(Serialize, ToSchema)]
pub struct LinkedProblemJson {
    /// e.g. PRB0000042
    pub number: String,
    pub title: String,
    #[schema(value_type = super::schema::ProblemState)]
    pub state: String,
}

/// An article documenting a problem.
#[derive(Serialize, ToSchema)]
pub struct LinkedArticleJson {
    /// e.g. KB0000042
    pub number: String,
    pub title: String,
    #[schema(value_type = super::schema::ArticleState)]
    pub state: String,
}

#[derive(Serialize, ToSchema)]
pub struct MyFeedbackJson {
    pub helpful: bool,
    pub comment: Option<String>,
}

fn version_summary(v: &Version) -> VersionSummaryJson {
    VersionSummaryJson {
        number: v.number,
        state: v.state.clone(),
        audience: v.audience.clone(),
        category: v.category.clone(),
        review_by_at: opt_time(v.review_by),
        change_note: v.change_note.clone(),
        author: Ref { id: v.author_id, name: v.author_name.clone().unwrap_or_default() },
        reviewer: v.reviewer_id.map(|id| Ref { id, name: v.reviewer_name.clone().unwrap_or_default() }),
        created_at: time(v.created_at),
        updated_at: time(v.updated_at),
        submitted_at: opt_time(v.submitted_at),
        published_at: opt_time(v.published_at),
        ended_at: opt_time(v.ended_at),
    }
}

pub fn text_json(t: Text) -> TextJson {
    TextJson { html: crate::markdown::to_html(&t.body), lang: t.lang, title: t.title, body: t.body }
}

impl From<Linked> for LinkedProblemJson {
    fn from(l: Linked) -> Self {
        Self { number: steward_app::problems::number(l.number), title: l.title, state: l.state }
    }
}

impl From<ArticleRead> for ArticleJson {
    fn from(r: ArticleRead) -> Self {
        let now = steward_store::now_micros();
        let review_due = r.article.review_due(now);
        let Article { record, details, versions } = r.article;
        let Details { audience, published_version, published_at, review_by, views, .. } = details;
        Self {
            number: articles::number(record.number),
            state: record.state,
            title: record.title,
            summary: record.description,
            category: record.category,
            audience,
            review_by_at: opt_time(review_by),
            review_due,
            published_version,
            published_at: opt_time(published_at),
            views,
            author: Ref { id: record.requester_id, name: record.requester_name.unwrap_or_default() },
            opened_at: time(record.opened_at),
            updated_at: time(record.updated_at),
            shown: ArticleVersionJson {
                summary: version_summary(&r.shown),
                texts: r.texts.into_iter().map(text_json).collect(),
            },
            versions: versions.iter().map(version_summary).collect(),
            problems: r.problems.into_iter().map(LinkedProblemJson::from).collect(),
            services: r.services.into_iter().map(|s| Ref { id: s.id, name: s.name }).collect(),
            helpful: r.tally.helpful,
            not_helpful: r.tally.not_helpful,
            my_feedback: r.mine.map(|f| MyFeedbackJson { helpful: f.helpful != 0, comment: f.comment }),
            version: record.version,
        }
    }
}

/// An article in a list.
#[derive(Serialize, ToSchema)]
pub struct ArticleItemJson {
    /// e.g. KB0000042
    pub number: String,
    #[schema(value_type = super::schema::ArticleState)]
    pub state: String,
    pub title: String,
    pub summary: String,
    pub category: Option<String>,
    #[schema(value_type = super::schema::Audience)]
    pub audience: String,
    pub review_due: bool,
    pub published_version: Option<i64>,
    pub views: i64,
    pub updated_at: String,
    pub version: i64,
}

impl From<Article> for ArticleItemJson {
    fn from(a: Article) -> Self {
        let review_due = a.review_due(steward_store::now_micros());
        Self {
            number: articles::number(a.record.number),
            state: a.record.state,
            title: a.record.title,
            summary: a.record.description,
            category: a.record.category,
            audience: a.details.audience,
            review_due,
            published_version: a.details.published_version,
            views: a.details.views,
            updated_at: time(a.record.updated_at),
            version: a.record.version,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ArticlePage {
    pub items: Vec<ArticleItemJson>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
    /// How many articles the filters find, exact up to 10,000.
    pub count: i64,
    /// More than 10,000 match.
    pub count_capped: bool,
}

/// One language's text as sent.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TranslationJson {
    #[schema(value_type = super::schema::ArticleLang)]
    pub lang: String,
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// Markdown, at most 200 KB.
    #[schema(min_length = 1)]
    pub body: String,
}

fn translations(list: Vec<TranslationJson>) -> Vec<TranslationInput> {
    list.into_iter().map(|t| TranslationInput { lang: t.lang, title: t.title, body: t.body }).collect()
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewArticleJson {
    #[schema(value_type = super::schema::Audience)]
    pub audience: String,
    #[schema(max_length = 100)]
    pub category: Option<String>,
    /// RFC 3339 time or YYYY-MM-DD, in the future.
    pub review_by: Option<String>,
    /// What this version changes (one line, at most 500 characters).
    #[schema(max_length = 500)]
    pub change_note: Option<String>,
    /// English and/or Polish: one text per language.
    #[schema(min_items = 1, max_items = 2)]
    pub translations: Vec<TranslationJson>,
    /// Problem numbers it documents (PRB0000042).
    #[schema(max_items = 50)]
    pub problems: Option<Vec<String>>,
    /// Names of the services it is about.
    #[schema(max_items = 50)]
    pub services: Option<Vec<String>>,
}

impl From<NewArticleJson> for ArticleInput {
    fn from(j: NewArticleJson) -> Self {
        ArticleInput {
            audience: Some(j.audience),
            category: j.category,
            review_by: j.review_by,
            change_note: j.change_note,
            translations: Some(translations(j.translations)),
            problems: j.problems,
            services: j.services,
        }
    }
}

/// Changes the version being written (a draft) and the links; absent keeps
/// a field, a blank category, review-by or change note clears it.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ArticlePatchJson {
    /// The article's version you read; or send `If-Match`.
    pub version: Option<i64>,
    #[schema(value_type = Option<super::schema::Audience>)]
    pub audience: Option<String>,
    #[schema(max_length = 100)]
    pub category: Option<String>,
    pub review_by: Option<String>,
    #[schema(max_length = 500)]
    pub change_note: Option<String>,
    /// Replaces every text of the draft.
    #[schema(min_items = 1, max_items = 2)]
    pub translations: Option<Vec<TranslationJson>>,
    /// Replaces the problems it documents.
    #[schema(max_items = 50)]
    pub problems: Option<Vec<String>>,
    /// Replaces the services it is about.
    #[schema(max_items = 50)]
    pub services: Option<Vec<String>>,
}

impl ArticlePatchJson {
    pub fn split(self) -> (Option<i64>, ArticleInput) {
        (
            self.version,
            ArticleInput {
                audience: self.audience,
                category: self.category,
                review_by: self.review_by,
                change_note: self.change_note,
                translations: self.translations.map(translations),
                problems: self.problems,
                services: self.services,
            },
        )
    }
}

/// Moves one version of the article.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ArticleTransitionJson {
    /// in_review (submit), draft (send back or withdraw), published,
    /// retired, discarded.
    #[schema(value_type = super::schema::VersionState)]
    pub state: String,
    /// Which version; by default the one being written (the published one
    /// for `retired`).
    #[schema(minimum = 1)]
    pub article_version: Option<i64>,
    /// The article's version you read; or send `If-Match`.
    pub version: Option<i64>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedbackJson {
    /// Did this help?
    pub helpful: bool,
    #[schema(max_length = 2000)]
    pub comment: Option<String>,
    /// The article version it is about; the published one by default.
    #[schema(minimum = 1)]
    pub article_version: Option<i64>,
}

/// Readers' answers about one version.
#[derive(Serialize, ToSchema)]
pub struct TallyJson {
    pub article_version: i64,
    pub helpful: i64,
    pub not_helpful: i64,
}

impl From<Tally> for TallyJson {
    fn from(t: Tally) -> Self {
        Self { article_version: t.version, helpful: t.helpful, not_helpful: t.not_helpful }
    }
}

/// One reader's answer.
#[derive(Serialize, ToSchema)]
pub struct FeedbackItemJson {
    pub article_version: i64,
    pub user: Ref,
    pub helpful: bool,
    pub comment: Option<String>,
    pub given_at: String,
}

impl From<Feedback> for FeedbackItemJson {
    fn from(f: Feedback) -> Self {
        Self {
            article_version: f.version,
            user: Ref { id: f.user_id, name: f.user_name.unwrap_or_default() },
            helpful: f.helpful != 0,
            comment: f.comment,
            given_at: time(f.at),
        }
    }
}

/// How the articles suggested by the report form fared.
#[derive(Serialize, ToSchema)]
pub struct DeflectionJson {
    /// Openings of a suggested article by a requester.
    pub opened: i64,
    /// No report followed within 30 minutes.
    pub deflected: i64,
    /// A report followed within 30 minutes.
    pub reported: i64,
    /// Less than 30 minutes ago, no report yet.
    pub pending: i64,
}

impl From<Deflection> for DeflectionJson {
    fn from(d: Deflection) -> Self {
        Self { opened: d.opened, deflected: d.deflected, reported: d.reported, pending: d.pending }
    }
}
