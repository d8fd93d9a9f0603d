//! Full-text search over every kind of record: keeping the index's text,
//! and the ranked search itself.
//!
//! The text is folded in Rust (`domain::search::fold`) into two columns of
//! `records`, `search_title` and `search_body`, in the statement that
//! writes the row (`records::insert_created`, `insert_many`, `update`).
//! The engines index those columns: an external-content FTS5 table kept by
//! triggers on SQLite, a weighted `tsvector` (title A, body B) generated
//! from them with a GIN index on PostgreSQL (migration 0013). NULL folded
//! text means "written before search existed": [`backfill`] fills it.

use crate::{
    Result,
    db::{Backend, Dialect},
    records::Record,
    sql::{Sql, Value},
};
use sqlx::{AnyConnection, Connection, FromRow};
use steward_domain::{
    number::Prefixes,
    search::{Query, Suggest, Term, fold, parse, to_fts5, to_tsquery},
};

/// A word matching more records than this ranks within the most recent
/// this many: ranking every match of a common word would read them all.
pub const CANDIDATES: i64 = 10_000;

/// Sets the text a record is found by, folded, replacing what its title
/// and description gave: a kind that indexes more (an article's English
/// and Polish text) calls this after each write of the record.
pub async fn set_search_text(conn: &mut AnyConnection, id: i64, title: &str, body: &str) -> Result<()> {
    sqlx::query("UPDATE records SET search_title = $1, search_body = $2 WHERE id = $3")
        .bind(fold(title))
        .bind(fold(body))
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Folds the text of up to `batch` rows that have no search text yet
/// (records from before migration 0013, then services and CIs from before
/// 0020), lowest id first; returns how many it did. Each call is one short
/// write, so a loop of them neither blocks start nor holds the writer for
/// long, and stopping anywhere loses nothing: the next call takes up where
/// this one ended.
pub async fn backfill(conn: &mut AnyConnection, batch: i64) -> Result<usize> {
    let rows: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT id, title, description FROM records WHERE search_title IS NULL ORDER BY id LIMIT $1")
            .bind(batch)
            .fetch_all(&mut *conn)
            .await?;
    if !rows.is_empty() {
        let folded: Vec<_> =
            rows.iter().map(|(id, title, description)| (*id, fold(title), fold(description))).collect();
        return write_folded(conn, "records", &folded).await;
    }
    let cis = crate::search::unfolded_cis(conn, batch).await?;
    write_folded(conn, "cis", &cis).await
}

/// Writes folded `(id, title, body)` into `table`'s search columns where
/// they are still NULL (a concurrent write may have set them meanwhile).
async fn write_folded(conn: &mut AnyConnection, table: &'static str, rows: &[(i64, String, String)]) -> Result<usize> {
    let sql = format!("UPDATE {table} SET search_title = $1, search_body = $2 WHERE id = $3 AND search_title IS NULL");
    for (id, title, body) in rows {
        sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
            .bind(title.clone())
            .bind(body.clone())
            .bind(*id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(rows.len())
}

/// Merges the SQLite index's segments by about `pages` pages of work;
/// true when there was work to do (call again). The index does not merge
/// after each write (migration 0018): writes stay cheap, and the workers
/// call this in the background so searches read few segments. Nothing to
/// do on PostgreSQL, whose GIN index merges its own pending list.
pub async fn merge(conn: &mut AnyConnection, d: Dialect, pages: i64) -> Result<bool> {
    if d.0 != Backend::Sqlite {
        return Ok(false);
    }
    // The records' index and the CIs' (0020), both without automerge.
    let mut worked = false;
    for index in ["records_fts", "cis_fts"] {
        // FTS5's way to tell whether a merge did anything: the change count.
        let (before,): (i64,) = sqlx::query_as("SELECT total_changes()").fetch_one(&mut *conn).await?;
        sqlx::query(sqlx::AssertSqlSafe(format!("INSERT INTO {index} ({index}, rank) VALUES ('merge', $1)")))
            .bind(pages)
            .execute(&mut *conn)
            .await?;
        let (after,): (i64,) = sqlx::query_as("SELECT total_changes()").fetch_one(&mut *conn).await?;
        worked |= after - before > 1;
    }
    Ok(worked)
}

/// How many records, services and CIs still wait for [`backfill`].
pub async fn pending(conn: &mut AnyConnection) -> Result<i64> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM records WHERE search_title IS NULL) \
         + (SELECT COUNT(*) FROM cis WHERE search_title IS NULL)",
    )
    .fetch_one(conn)
    .await?;
    Ok(n)
}

/// The words of a list's text filter as a search, if it has any that are
/// not stop words.
pub(crate) fn text_filter(text: &str) -> Option<Query> {
    parse(text, &Prefixes::known()).ok()
}

/// The condition "record `alias` matches `query`", through the index.
pub(crate) fn push_match(q: &mut Sql, d: Dialect, alias: &str, query: &Query) {
    match d.0 {
        Backend::Sqlite => {
            q.push(&format!("{alias}.id IN (SELECT rowid FROM records_fts WHERE records_fts MATCH "));
            q.bind(Value::Text(to_fts5(query))).push(")");
        }
        Backend::Postgres => {
            q.push(&format!("{alias}.search_tsv @@ to_tsquery('simple', "));
            q.bind(Value::Text(to_tsquery(query))).push(")");
        }
    }
}

/// Articles written for requesters, as a literal so that the partial index
/// `article_details_requesters` serves it (a bound value cannot).
const FOR_REQUESTERS: &str =
    " AND r.id IN (SELECT ad.record_id FROM article_details ad WHERE ad.audience = 'requesters')";

/// The tsquery of `query` as an SQL string literal. Safe to write into a
/// statement: `to_tsquery` renders folded `[a-z0-9]` tokens and the
/// operators `& | ( ) <-> :*` only (it asserts so), never a quote.
fn tsquery_literal(query: &Query) -> String {
    let text = to_tsquery(query);
    assert!(
        text.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b" &|()<->:*".contains(&b)),
        "tsquery {text:?} holds more than tokens and operators"
    );
    format!("'{text}'")
}

/// Which records a search looks at.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// The kinds searched (never empty).
    pub kinds: Vec<&'static str>,
    /// Only problems published as known errors.
    pub known_errors_only: bool,
    /// Only records in these states (none: any).
    pub states: Vec<String>,
    /// Only this requester's records (what a requester may see).
    pub requester_id: Option<i64>,
    /// Only articles written for requesters.
    pub requesters_only: bool,
}

/// A record a search found: enough for a result line with its snippet.
#[derive(Debug, Clone, FromRow, PartialEq)]
pub struct Hit {
    pub id: i64,
    pub kind: String,
    pub number: i64,
    pub title: String,
    pub description: String,
    pub state: String,
    pub opened_at: i64,
    pub updated_at: i64,
    /// A problem published as a known error (0/1).
    pub known_error: i64,
    /// Every term is in the title (0/1): such hits rank first.
    pub title_hit: i64,
    /// How many matches were ranked (at most [`CANDIDATES`]).
    pub pool: i64,
}

/// PostgreSQL's windows of the newest rows (records, CIs) a wide search
/// looks in first (see [`search`], [`newest_first`]).
const WINDOWS: [i64; 2] = [10_000, 100_000];
/// Matches in a window that are enough to rank (2.5 % of the first):
/// fewer, and the next, wider window is searched.
const ENOUGH: i64 = 250;

/// The records matching `query` in `scope`, best first: every term in the
/// title above matches in the body, then the most recently updated. Ranks
/// within the [`CANDIDATES`] most recent matches (by id); `limit + 1` rows
/// are read to know whether more follow.
///
/// PostgreSQL reads every match of a word from its GIN index as a bitmap
/// and then each matching row: a word in half of a million records cost
/// 650 ms. A search over incidents (not one requester's) therefore looks
/// among the newest 10,000 records first, then the newest 100,000, then
/// all, and stops at the first window holding [`ENOUGH`] matches: a word
/// in 2.5 % of the records or more ranks within the newest 10,000
/// records, a rarer one within the newest 100,000 or all, so no step reads
/// more than 10,000 records or about 2,500 matches. The wider windows read
/// their matches from the words' index ANDed with a BRIN index of the id
/// (migration 0019), which hands over any range of ids for nothing.
/// (SQLite's FTS5 hands out matches newest first and stops by itself.)
pub async fn search(
    conn: &mut AnyConnection,
    d: Dialect,
    query: &Query,
    scope: &Scope,
    limit: i64,
) -> Result<(Vec<Hit>, bool)> {
    let windowed = d.0 == Backend::Postgres && scope.requester_id.is_none() && scope.kinds.contains(&"incident");
    let windows = windowed.then_some(Windows { table: "records", id_brin: true });
    let mut rows: Vec<Hit> = newest_first(conn, windows, |floor| search_sql(d, query, scope, limit, floor)).await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    Ok((rows, more))
}

/// A row of a search run in windows: how many matches its window held
/// (the same on every row).
pub(crate) trait Pooled {
    fn pool(&self) -> i64;
}

impl Pooled for Hit {
    fn pool(&self) -> i64 {
        self.pool
    }
}

/// Which rows a windowed search looks in first: the newest of `table`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Windows {
    pub table: &'static str,
    /// The table has a BRIN index of the id (records, migration 0019):
    /// the wider windows then read their matches from the words' index
    /// ANDed with it. Without one, PostgreSQL's own choice stands.
    pub id_brin: bool,
}

/// Runs a ranked search over ever wider windows of the newest rows (with
/// `windows`; without, once over all): `sql(floor)` is the search with its
/// matches held to ids above `floor` (none: every id, see [`push_floor`]);
/// the first window whose matches are [`ENOUGH`] answers, the last (every
/// row) always does. Records ([`search`]) and CIs (`search::cis`) search
/// this way on PostgreSQL.
pub(crate) async fn newest_first<T>(
    conn: &mut AnyConnection,
    windows: Option<Windows>,
    sql: impl Fn(Option<i64>) -> Sql,
) -> Result<Vec<T>>
where
    T: Pooled + for<'r> FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    let newest = match windows {
        Some(w) => {
            let max = format!("SELECT MAX(id) FROM {}", w.table);
            let (max,): (Option<i64>,) = sqlx::query_as(sqlx::AssertSqlSafe(max)).fetch_one(&mut *conn).await?;
            max.unwrap_or(0)
        }
        None => 0,
    };
    let floors = WINDOWS.iter().map(|w| newest - w).filter(|f| *f > 0).map(Some).chain([None]);
    for (i, floor) in floors.enumerate() {
        let q = sql(floor);
        let run = sqlx::query_as_with(sqlx::AssertSqlSafe(q.text.clone()), q.arguments()?);
        let rows: Vec<T> = if i > 0 && windows.is_some_and(|w| w.id_brin) {
            // Only the first window may be walked row by row: told to
            // expect a few thousand matches among 100,000 records,
            // PostgreSQL walked them all (120 ms) rather than read the
            // matches from the words' index (35 ms). `SET LOCAL` ends with
            // the transaction, also when the search fails.
            let mut tx = conn.begin().await?;
            sqlx::query("SET LOCAL enable_indexscan = off").execute(&mut *tx).await?;
            let rows = run.fetch_all(&mut *tx).await?;
            tx.commit().await?;
            rows
        } else {
            run.fetch_all(&mut *conn).await?
        };
        let pool = rows.first().map_or(0, Pooled::pool);
        if floor.is_some() && pool < ENOUGH {
            continue;
        }
        return Ok(rows);
    }
    Ok(Vec::new())
}

/// Holds the matches of `alias` to the window above `floor`, if any.
/// Written out, not bound: planned for a bound value, PostgreSQL walks
/// the id index and tests every row's words (350 ms); for the value it
/// ANDs the id range with the words' index. Rounded down to 10,000s so
/// that the statements stay few.
pub(crate) fn push_floor(q: &mut Sql, alias: &str, floor: Option<i64>) {
    if let Some(f) = floor {
        q.push(&format!(" AND {alias}.id > {}", f - f.rem_euclid(10_000)));
    }
}

/// The engine's plan of [`search`] (PostgreSQL: the generic plan the read
/// pool runs), for the query-plan tests.
pub async fn plan(conn: &mut AnyConnection, d: Dialect, query: &Query, scope: &Scope) -> Result<Vec<String>> {
    let q = search_sql(d, query, scope, 20, None);
    Ok(crate::sql::read_plan(conn, d, &q).await?)
}

fn search_sql(d: Dialect, query: &Query, scope: &Scope, limit: i64, floor: Option<i64>) -> Sql {
    let mut q = Sql::new(
        "SELECT c.id, c.kind, c.number, c.title, c.description, c.state, c.opened_at, c.updated_at, \
         (SELECT COUNT(*) FROM problem_details pd WHERE pd.record_id = c.id AND pd.known_error = 1) AS known_error, ",
    );
    push_title_hit(&mut q, "c", query);
    q.push(
        " AS title_hit, COUNT(*) OVER () AS pool FROM (SELECT r.id, r.kind, r.number, r.title, r.description, r.state, r.opened_at, \
            r.updated_at, r.search_title FROM ",
    );
    push_matches(&mut q, d, "records", "r", query);
    // SQLite would walk every record of the kinds (an index led by the
    // kind) and look each up in FTS5; the matches, newest first, are the
    // walk to take (`+` keeps a column out of index choice). A requester's
    // own records are few: there their index leads.
    let sqlite = d.0 == Backend::Sqlite;
    let unindexed = if sqlite && scope.requester_id.is_none() { "+" } else { "" };
    q.push(&format!(" AND {unindexed}r.kind IN ")).row(scope.kinds.iter().map(|k| Value::Text((*k).to_owned())));
    if !scope.states.is_empty() {
        q.push(&format!(" AND {unindexed}r.state IN ")).row(scope.states.iter().map(|s| Value::Text(s.clone())));
    }
    if let Some(r) = scope.requester_id {
        q.push(" AND r.requester_id = ").bind(Value::Int(r));
    }
    if scope.requesters_only {
        q.push(FOR_REQUESTERS);
    }
    if scope.known_errors_only {
        q.push(" AND r.id IN (SELECT pd.record_id FROM problem_details pd WHERE pd.known_error = 1)");
    }
    push_floor(&mut q, "r", floor);
    // The limits written out too, so the plan is made for them.
    q.push(if sqlite { " ORDER BY f.rowid DESC LIMIT " } else { " ORDER BY r.id DESC LIMIT " });
    q.push(&format!("{CANDIDATES}) c ORDER BY title_hit DESC, c.updated_at DESC, c.id DESC LIMIT {}", limit + 1));
    q
}

/// `FROM` the rows of `table` (as `alias`) matching `query` and `WHERE`
/// the match: on SQLite its FTS5 table (`{table}_fts`, as `f`), on
/// PostgreSQL its `search_tsv`. For records (`search`) and CIs.
pub(crate) fn push_matches(q: &mut Sql, d: Dialect, table: &'static str, alias: &str, query: &Query) {
    match d.0 {
        // Joined rather than `IN (…)`: FTS5 then hands out its matches
        // newest first itself (`ORDER BY f.rowid DESC`), and the walk
        // stops at the cap.
        Backend::Sqlite => {
            q.push(&format!("{table}_fts f JOIN {table} {alias} ON {alias}.id = f.rowid WHERE {table}_fts MATCH "));
            q.bind(Value::Text(to_fts5(query)));
        }
        // The words written out, not bound: planned for a bound query,
        // PostgreSQL cannot tell a rare word from a common one and walked
        // a whole window of records testing each (350 ms); planned for the
        // words, it reads a rare word's few matches from the index and
        // walks the newest rows only for a common one.
        Backend::Postgres => {
            let words = tsquery_literal(query);
            q.push(&format!("{table} {alias} WHERE {alias}.search_tsv @@ to_tsquery('simple', {words})"));
        }
    }
}

/// What a report being typed is matched against: every record suggested
/// to staff and to everyone, or (for a requester) to everyone only.
#[derive(Debug, Clone, Copy, Default)]
pub struct SuggestScope {
    pub requesters_only: bool,
}

/// Sets who the problem or article `id` is suggested to (`suggest_to`,
/// migration 0016) from what it is now: staff for a known error not
/// closed or cancelled and for a published article for staff, everyone
/// for a published article for requesters, nobody otherwise. Called by
/// every write of a problem or an article, in its transaction.
pub async fn refresh_suggest_to(conn: &mut AnyConnection, id: i64) -> Result<()> {
    sqlx::query(
        "UPDATE records SET suggest_to = CASE \
            WHEN kind = 'problem' AND state NOT IN ('closed', 'cancelled') \
                AND EXISTS (SELECT 1 FROM problem_details pd WHERE pd.record_id = records.id AND pd.known_error = 1) \
                THEN 'staff' \
            WHEN kind = 'article' AND state = 'published' \
                THEN (SELECT CASE ad.audience WHEN 'requesters' THEN 'everyone' ELSE 'staff' END \
                      FROM article_details ad WHERE ad.record_id = records.id) \
            END \
         WHERE id = $1",
    )
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// The records suggested for a report being typed, best first: those
/// matching most of its words, title words first (the engine's relevance).
/// Reads an index of the suggested records alone (SQLite: `knowledge_fts`,
/// migration 0016; PostgreSQL: `knowledge_search`, 0019), so a word a
/// million incidents share costs nothing here.
pub async fn suggest(
    conn: &mut AnyConnection,
    d: Dialect,
    words: &Suggest,
    scope: SuggestScope,
    limit: i64,
) -> Result<Vec<Hit>> {
    let q = suggest_sql(d, words, scope, limit);
    Ok(q.fetch_all(conn).await?)
}

/// The engine's plan of [`suggest`], for the query-plan tests.
pub async fn suggest_plan(
    conn: &mut AnyConnection,
    d: Dialect,
    words: &Suggest,
    scope: SuggestScope,
) -> Result<Vec<String>> {
    let q = suggest_sql(d, words, scope, 5);
    Ok(crate::sql::read_plan(conn, d, &q).await?)
}

fn suggest_sql(d: Dialect, words: &Suggest, scope: SuggestScope, limit: i64) -> Sql {
    let mut q = Sql::new(
        "SELECT r.id, r.kind, r.number, r.title, r.description, r.state, r.opened_at, r.updated_at, \
         (SELECT COUNT(*) FROM problem_details pd WHERE pd.record_id = r.id AND pd.known_error = 1) AS known_error, \
         0 AS title_hit, 0 AS pool FROM ",
    );
    match d.0 {
        // FTS5 ranks the matches and keeps the best itself (`rank` is
        // bm25 with the title weighing four times the body); only those
        // are read from `records`.
        Backend::Sqlite => {
            let mut expr = format!("({})", words.to_fts5());
            if scope.requesters_only {
                expr.push_str(" AND suggest_to : \"everyone\"");
            }
            q.push("(SELECT rowid AS id, rank FROM knowledge_fts WHERE knowledge_fts MATCH ");
            q.bind(Value::Text(expr)).push(" ORDER BY rank LIMIT ").bind(Value::Int(limit));
            q.push(") k CROSS JOIN records r ON r.id = k.id WHERE r.suggest_to IS NOT NULL ORDER BY k.rank, r.id DESC");
        }
        // Ranked and cut in `knowledge_search` (migration 0019), the
        // suggested records' words alone, lying together; only the best
        // are read from `records`.
        Backend::Postgres => {
            let tsquery = Value::Text(words.to_tsquery());
            q.push("(SELECT k.record_id AS id, ts_rank(k.search_tsv, to_tsquery('simple', ");
            q.bind(tsquery.clone())
                .push(")) AS rank FROM knowledge_search k WHERE k.search_tsv @@ to_tsquery('simple', ");
            q.bind(tsquery).push(")");
            if scope.requesters_only {
                q.push(" AND k.suggest_to = 'everyone'");
            }
            q.push(" ORDER BY rank DESC, k.record_id DESC LIMIT ").bind(Value::Int(limit));
            q.push(") k JOIN records r ON r.id = k.id ORDER BY k.rank DESC, r.id DESC");
        }
    }
    q
}

/// 1 when every term is in the folded title (`{alias}.search_title`: a
/// record's or a CI's), else 0. The folded title is tokens between single
/// spaces, so a word is ` tok ` within the spaced title, a prefix ` tok`,
/// a phrase ` a b `; tokens are `[a-z0-9]`, never a LIKE wildcard.
pub(crate) fn push_title_hit(q: &mut Sql, alias: &str, query: &Query) {
    q.push("CASE WHEN ");
    for (i, term) in query.terms().iter().enumerate() {
        if i > 0 {
            q.push(" AND ");
        }
        let pattern = match term {
            Term::Word { token, prefix: true } => format!("% {token}%"),
            Term::Word { token, prefix: false } => format!("% {token} %"),
            Term::Phrase(tokens) => format!("% {} %", tokens.join(" ")),
        };
        q.push(&format!("(' ' || COALESCE({alias}.search_title, '') || ' ') LIKE ")).bind(Value::Text(pattern));
    }
    q.push(" THEN 1 ELSE 0 END");
}

/// The full rows of these records, in the order given (for answers that
/// show a found incident as the list does).
pub async fn records(conn: &mut AnyConnection, ids: &[i64]) -> Result<Vec<Record>> {
    let mut found = crate::records::many(conn, ids).await?;
    found.sort_by_key(|r| ids.iter().position(|i| *i == r.id));
    Ok(found)
}
