//! What a knowledge article has beyond the shared record: its details
//! (audience, published version, review-by date, views), its versions and
//! their texts per language, readers' feedback, the problems it documents
//! and the openings of it from the report form (for deflection).
//!
//! The problems and known errors an article documents are `record_links`
//! rows (from the article, `link = 'documents'`, to the problem): the
//! primary key finds an article's problems, `record_links_to` a problem's
//! articles. The services it is about are `record_cis` rows.

use crate::{
    Result,
    sql::{Sql, Value},
};
use serde::Serialize;
use sqlx::{AnyConnection, FromRow};

/// The link from an article to a problem (or known error) it documents.
pub const DOCUMENTS: &str = steward_domain::links::DOCUMENTS;

/// The list filter's condition for articles written for requesters (see
/// `records::Filter::extra`); the partial index `article_details_requesters`
/// serves it.
pub const FOR_REQUESTERS: &str =
    "EXISTS (SELECT 1 FROM article_details ad WHERE ad.record_id = i.id AND ad.audience = 'requesters')";
/// The condition for articles written for staff only.
pub const FOR_STAFF: &str =
    "EXISTS (SELECT 1 FROM article_details ad WHERE ad.record_id = i.id AND ad.audience = 'staff')";

/// The row of `article_details`.
#[derive(Debug, Clone, Default, FromRow, Serialize, PartialEq)]
pub struct Details {
    pub record_id: i64,
    /// The current version's audience: `requesters` or `staff`.
    pub audience: String,
    pub published_version: Option<i64>,
    pub published_at: Option<i64>,
    pub review_by: Option<i64>,
    pub views: i64,
}

const DETAIL_COLUMNS: &str = "record_id, audience, published_version, published_at, review_by, views";

pub async fn details(conn: &mut AnyConnection, record_id: i64) -> Result<Option<Details>> {
    let sql = format!("SELECT {DETAIL_COLUMNS} FROM article_details WHERE record_id = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(record_id).fetch_optional(conn).await?)
}

/// The details of several articles (those that have a row).
pub async fn details_many(conn: &mut AnyConnection, record_ids: &[i64]) -> Result<Vec<Details>> {
    let select = format!("SELECT {DETAIL_COLUMNS} FROM article_details WHERE record_id IN ");
    crate::sql::rows_for_ids(conn, &select, record_ids).await
}

/// Inserts or rewrites the row (views are counted apart, never written here).
pub async fn save_details(conn: &mut AnyConnection, d: &Details) -> Result<()> {
    sqlx::query(
        "INSERT INTO article_details (record_id, audience, published_version, published_at, review_by)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (record_id) DO UPDATE SET audience = excluded.audience,
            published_version = excluded.published_version, published_at = excluded.published_at,
            review_by = excluded.review_by",
    )
    .bind(d.record_id)
    .bind(d.audience.clone())
    .bind(d.published_version)
    .bind(d.published_at)
    .bind(d.review_by)
    .execute(conn)
    .await?;
    Ok(())
}

/// Counts one reading of the article: no version bump, no journal entry
/// (a reading changes nothing an editor could conflict with).
pub async fn add_view(conn: &mut AnyConnection, record_id: i64) -> Result<()> {
    sqlx::query("UPDATE article_details SET views = views + 1 WHERE record_id = $1")
        .bind(record_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// One version of an article, with its people's names.
#[derive(Debug, Clone, Default, FromRow, Serialize, PartialEq)]
pub struct Version {
    pub record_id: i64,
    pub number: i64,
    pub state: String,
    pub audience: String,
    pub category: Option<String>,
    pub review_by: Option<i64>,
    pub change_note: Option<String>,
    pub author_id: i64,
    pub reviewer_id: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub submitted_at: Option<i64>,
    pub published_at: Option<i64>,
    pub ended_at: Option<i64>,
    pub author_name: Option<String>,
    pub reviewer_name: Option<String>,
}

/// Every version of the article, oldest first.
pub async fn versions(conn: &mut AnyConnection, record_id: i64) -> Result<Vec<Version>> {
    Ok(sqlx::query_as(
        "SELECT v.record_id, v.number, v.state, v.audience, v.category, v.review_by, v.change_note, v.author_id,
            v.reviewer_id, v.created_at, v.updated_at, v.submitted_at, v.published_at, v.ended_at,
            (SELECT a.display_name FROM users a WHERE a.id = v.author_id) AS author_name,
            (SELECT r.display_name FROM users r WHERE r.id = v.reviewer_id) AS reviewer_name
         FROM article_versions v WHERE v.record_id = $1 ORDER BY v.number",
    )
    .bind(record_id)
    .fetch_all(conn)
    .await?)
}

/// Writes a version's row, new or changed (names are ignored).
pub async fn save_version(conn: &mut AnyConnection, v: &Version) -> Result<()> {
    sqlx::query(
        "INSERT INTO article_versions (record_id, number, state, audience, category, review_by, change_note,
            author_id, reviewer_id, created_at, updated_at, submitted_at, published_at, ended_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
         ON CONFLICT (record_id, number) DO UPDATE SET state = excluded.state, audience = excluded.audience,
            category = excluded.category, review_by = excluded.review_by, change_note = excluded.change_note,
            reviewer_id = excluded.reviewer_id, updated_at = excluded.updated_at,
            submitted_at = excluded.submitted_at, published_at = excluded.published_at, ended_at = excluded.ended_at",
    )
    .bind(v.record_id)
    .bind(v.number)
    .bind(v.state.clone())
    .bind(v.audience.clone())
    .bind(v.category.clone())
    .bind(v.review_by)
    .bind(v.change_note.clone())
    .bind(v.author_id)
    .bind(v.reviewer_id)
    .bind(v.created_at)
    .bind(v.updated_at)
    .bind(v.submitted_at)
    .bind(v.published_at)
    .bind(v.ended_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// One language's text of a version.
#[derive(Debug, Clone, FromRow, Serialize, PartialEq, Eq)]
pub struct Text {
    pub version: i64,
    pub lang: String,
    pub title: String,
    /// Markdown.
    pub body: String,
}

/// The texts of one version, by language.
pub async fn texts(conn: &mut AnyConnection, record_id: i64, version: i64) -> Result<Vec<Text>> {
    Ok(sqlx::query_as(
        "SELECT version, lang, title, body FROM article_texts WHERE record_id = $1 AND version = $2 ORDER BY lang",
    )
    .bind(record_id)
    .bind(version)
    .fetch_all(conn)
    .await?)
}

/// Replaces the texts of one version with these (one statement for all).
pub async fn set_texts(conn: &mut AnyConnection, record_id: i64, version: i64, texts: &[Text]) -> Result<()> {
    sqlx::query("DELETE FROM article_texts WHERE record_id = $1 AND version = $2")
        .bind(record_id)
        .bind(version)
        .execute(&mut *conn)
        .await?;
    if texts.is_empty() {
        return Ok(());
    }
    let mut q = Sql::new("INSERT INTO article_texts (record_id, version, lang, title, body) VALUES ");
    for (i, t) in texts.iter().enumerate() {
        if i > 0 {
            q.push(", ");
        }
        q.row([
            Value::Int(record_id),
            Value::Int(version),
            Value::Text(t.lang.clone()),
            Value::Text(t.title.clone()),
            Value::Text(t.body.clone()),
        ]);
    }
    q.execute(conn).await?;
    Ok(())
}

/// A reader's answer to "did this help?".
#[derive(Debug, Clone, FromRow, Serialize, PartialEq, Eq)]
pub struct Feedback {
    pub version: i64,
    pub user_id: i64,
    pub helpful: i64,
    pub comment: Option<String>,
    pub at: i64,
    pub user_name: Option<String>,
}

/// Records the reader's answer for the version; a second one replaces it.
pub async fn set_feedback(conn: &mut AnyConnection, record_id: i64, f: &Feedback) -> Result<()> {
    sqlx::query(
        "INSERT INTO article_feedback (record_id, version, user_id, helpful, comment, at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (record_id, version, user_id) DO UPDATE
            SET helpful = excluded.helpful, comment = excluded.comment, at = excluded.at",
    )
    .bind(record_id)
    .bind(f.version)
    .bind(f.user_id)
    .bind(f.helpful)
    .bind(f.comment.clone())
    .bind(f.at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Every answer about the article, newest first.
pub async fn feedback(conn: &mut AnyConnection, record_id: i64) -> Result<Vec<Feedback>> {
    Ok(sqlx::query_as(
        "SELECT f.version, f.user_id, f.helpful, f.comment, f.at,
            (SELECT u.display_name FROM users u WHERE u.id = f.user_id) AS user_name
         FROM article_feedback f WHERE f.record_id = $1 ORDER BY f.at DESC, f.version DESC, f.user_id",
    )
    .bind(record_id)
    .fetch_all(conn)
    .await?)
}

/// How many readers said yes and no, per version.
#[derive(Debug, Clone, Copy, Default, FromRow, Serialize, PartialEq, Eq)]
pub struct Tally {
    pub version: i64,
    pub helpful: i64,
    pub not_helpful: i64,
}

pub async fn tallies(conn: &mut AnyConnection, record_id: i64) -> Result<Vec<Tally>> {
    Ok(sqlx::query_as(
        "SELECT version, CAST(SUM(helpful) AS BIGINT) AS helpful, CAST(SUM(1 - helpful) AS BIGINT) AS not_helpful
         FROM article_feedback WHERE record_id = $1 GROUP BY version ORDER BY version",
    )
    .bind(record_id)
    .fetch_all(conn)
    .await?)
}

/// The reader's own answer about one version, if they gave one.
pub async fn feedback_of(
    conn: &mut AnyConnection,
    record_id: i64,
    version: i64,
    user_id: i64,
) -> Result<Option<Feedback>> {
    Ok(sqlx::query_as(
        "SELECT f.version, f.user_id, f.helpful, f.comment, f.at, CAST(NULL AS TEXT) AS user_name
         FROM article_feedback f WHERE f.record_id = $1 AND f.version = $2 AND f.user_id = $3",
    )
    .bind(record_id)
    .bind(version)
    .bind(user_id)
    .fetch_optional(conn)
    .await?)
}

/// A record at the other end of a link, as lists show it.
#[derive(Debug, Clone, FromRow, Serialize, PartialEq)]
pub struct Linked {
    pub id: i64,
    pub kind: String,
    pub number: i64,
    pub title: String,
    pub state: String,
}

/// The problems the article documents, in number order.
pub async fn problems_of(conn: &mut AnyConnection, article_id: i64) -> Result<Vec<Linked>> {
    linked(conn, "to_id", "from_id", article_id).await
}

/// The articles documenting a problem, in number order.
pub async fn articles_of(conn: &mut AnyConnection, problem_id: i64) -> Result<Vec<Linked>> {
    linked(conn, "from_id", "to_id", problem_id).await
}

async fn linked(conn: &mut AnyConnection, far: &str, near: &str, id: i64) -> Result<Vec<Linked>> {
    let sql = format!(
        "SELECT r.id, r.kind, r.number, r.title, r.state
         FROM record_links l JOIN records r ON r.id = l.{far}
         WHERE l.{near} = $1 AND l.link = $2 ORDER BY r.number"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).bind(DOCUMENTS).fetch_all(conn).await?)
}

/// Makes the article document exactly these problems: links not wanted go,
/// new ones come (one statement each way).
pub async fn set_problems(
    conn: &mut AnyConnection,
    article_id: i64,
    problem_ids: &[i64],
    at: i64,
    by: i64,
) -> Result<()> {
    let mut q = Sql::new("DELETE FROM record_links WHERE from_id = ");
    q.bind(Value::Int(article_id)).push(" AND link = ").bind(Value::Text(DOCUMENTS.to_owned()));
    if !problem_ids.is_empty() {
        q.push(" AND to_id NOT IN ").row(problem_ids.iter().map(|p| Value::Int(*p)));
    }
    q.execute(&mut *conn).await?;
    if problem_ids.is_empty() {
        return Ok(());
    }
    let mut q = Sql::new("INSERT INTO record_links (from_id, to_id, link, created_at, created_by) VALUES ");
    for (i, p) in problem_ids.iter().enumerate() {
        if i > 0 {
            q.push(", ");
        }
        q.row([
            Value::Int(article_id),
            Value::Int(*p),
            Value::Text(DOCUMENTS.to_owned()),
            Value::Int(at),
            Value::Int(by),
        ]);
    }
    q.push(" ON CONFLICT (from_id, link, to_id) DO NOTHING");
    q.execute(conn).await?;
    Ok(())
}

/// Notes that a requester opened the article from the report form.
pub async fn add_open(conn: &mut AnyConnection, record_id: i64, user_id: i64, at: i64) -> Result<()> {
    sqlx::query("INSERT INTO article_opens (record_id, user_id, opened_at) VALUES ($1, $2, $3)")
        .bind(record_id)
        .bind(user_id)
        .bind(at)
        .execute(conn)
        .await?;
    Ok(())
}

/// An opening of a suggested article and the opener's first report at or
/// after it, if any.
#[derive(Debug, Clone, Copy, FromRow, PartialEq, Eq)]
pub struct Opening {
    pub record_id: i64,
    pub opened_at: i64,
    pub next_report_at: Option<i64>,
}

/// The openings since `from` (of one article, or all), each with the
/// opener's next report, read by `records_requester` (kind, requester,
/// opened_at): one index probe per opening.
pub async fn openings(conn: &mut AnyConnection, from: i64, record_id: Option<i64>) -> Result<Vec<Opening>> {
    let mut q = Sql::new(
        "SELECT o.record_id, o.opened_at,
            (SELECT MIN(r.opened_at) FROM records r WHERE r.kind = 'incident' AND r.requester_id = o.user_id
               AND r.opened_at >= o.opened_at) AS next_report_at
         FROM article_opens o WHERE o.opened_at >= ",
    );
    q.bind(Value::Int(from));
    if let Some(id) = record_id {
        q.push(" AND o.record_id = ").bind(Value::Int(id));
    }
    Ok(q.fetch_all(conn).await?)
}
