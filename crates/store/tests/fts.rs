//! The search renderers against the real engines: SQLite FTS5 (the
//! bundled libsqlite3) and PostgreSQL text search with the `simple`
//! configuration, both holding text folded by `domain::search::fold`.
//! Folding, prefixes, phrases, numbers, ranking by column weight, and
//! that nothing a person types makes either engine fail.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{drop_store, unmigrated};
use steward_domain::search::{QueryError, fold, parse, to_fts5, to_tsquery};
use steward_store::{Store, StoreError};

const PREFIXES: &[&str] = &["INC", "PRB", "KB"];

/// (id, title, body) in their original form; the tables get them folded.
const DOCS: &[(i64, &str, &str)] = &[
    (1, "Żółty toner", "Drukarka w Łodzi drukuje żółte pasy."),
    (2, "Printer jam", "The printer jam happens on floor 2 of the Lodz office."),
    (3, "Paper stuck", "There is a jam in the printer tray."),
    (4, "Drukarka nie działa", "Drukarka HP 404 zgłasza błąd 0x50. Zobacz INC0001127."),
    (5, "Łódź: sieć", "Router w biurze Łódź restartuje się co godzinę."),
    (6, "Cartridge empty", "Order a new one from the supplier."),
    (7, "Supplier order", "The cartridge ran out; the cartridge must be replaced."),
    (8, "VPN drops", "The VPN disconnects when the laptop sleeps."),
];

/// The FTS5 table: contentless (the text lives in the records; a search
/// needs only the ids and ranks) with deletes, and prefix indexes for
/// two- and three-letter prefixes so typing stays fast.
const SQLITE_SCHEMA: &str = "CREATE VIRTUAL TABLE search_fts USING fts5(title, body, \
     content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 0', prefix = '2 3')";

/// A table with a weighted `tsvector` (title A, body B) kept by
/// PostgreSQL itself, and a GIN index over it.
const PG_SCHEMA: [&str; 2] = [
    "CREATE TABLE search_docs (id BIGINT PRIMARY KEY, title TEXT NOT NULL, body TEXT NOT NULL, \
     tsv tsvector GENERATED ALWAYS AS \
     (setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', body), 'B')) STORED)",
    "CREATE INDEX search_docs_tsv ON search_docs USING GIN (tsv)",
];

/// bm25 ranks lower as better; a title hit counts ten times a body hit.
const SQLITE_SEARCH: &str =
    "SELECT rowid FROM search_fts WHERE search_fts MATCH $1 ORDER BY bm25(search_fts, 10.0, 1.0), rowid";

/// ts_rank_cd's weights are {D, C, B, A}: a body (B) hit counts 0.4 of a
/// title (A) hit.
const PG_SEARCH: &str = "SELECT id FROM search_docs WHERE tsv @@ to_tsquery('simple', $1) \
     ORDER BY ts_rank_cd('{0.1, 0.2, 0.4, 1.0}', tsv, to_tsquery('simple', $1)) DESC, id";

async fn setup(pg: bool) -> (Store, tempfile::TempDir) {
    let (s, dir) = unmigrated(pg).await;
    s.write(move |c| {
        Box::pin(async move {
            if pg {
                for ddl in PG_SCHEMA {
                    sqlx::query(ddl).execute(&mut *c).await?;
                }
            } else {
                sqlx::query(SQLITE_SCHEMA).execute(&mut *c).await?;
            }
            for &(id, title, body) in DOCS {
                put(c, pg, id, title, body).await?;
            }
            Ok::<_, StoreError>(())
        })
    })
    .await
    .unwrap();
    (s, dir)
}

/// Writes a document's folded text, replacing what was there (as an
/// update inside a record's write would).
async fn put(c: &mut sqlx::AnyConnection, pg: bool, id: i64, title: &str, body: &str) -> Result<(), StoreError> {
    let (delete, insert) = if pg {
        ("DELETE FROM search_docs WHERE id = $1", "INSERT INTO search_docs (id, title, body) VALUES ($1, $2, $3)")
    } else {
        ("DELETE FROM search_fts WHERE rowid = $1", "INSERT INTO search_fts (rowid, title, body) VALUES ($1, $2, $3)")
    };
    sqlx::query(delete).bind(id).execute(&mut *c).await?;
    sqlx::query(insert).bind(id).bind(fold(title)).bind(fold(body)).execute(&mut *c).await?;
    Ok(())
}

/// The ids a search text finds, best first, or the parser's refusal. An
/// engine error fails the test.
async fn search(s: &Store, pg: bool, typed: &str) -> Result<Vec<i64>, QueryError> {
    let query = parse(typed, PREFIXES)?;
    let (sql, expr) = if pg { (PG_SEARCH, to_tsquery(&query)) } else { (SQLITE_SEARCH, to_fts5(&query)) };
    let rows: Vec<(i64,)> = sqlx::query_as(sql).bind(&expr).fetch_all(s.pool()).await.unwrap_or_else(|e| {
        panic!("{typed:?} as {expr:?} failed on {}: {e}", if pg { "PostgreSQL" } else { "SQLite" })
    });
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

async fn ids(s: &Store, pg: bool, typed: &str) -> Vec<i64> {
    let mut found = search(s, pg, typed).await.unwrap_or_else(|e| panic!("{typed:?} refused: {e}"));
    found.sort_unstable();
    found
}

async fn folding_prefixes_phrases_and_numbers(pg: bool) {
    let (s, _d) = setup(pg).await;
    if !pg {
        let (fts5,): (i64,) =
            sqlx::query_as("SELECT sqlite_compileoption_used('ENABLE_FTS5')").fetch_one(s.pool()).await.unwrap();
        assert_eq!(fts5, 1, "the bundled SQLite has FTS5");
    }
    // Diacritics, ł included, either way round.
    assert_eq!(ids(&s, pg, "zolty ").await, [1]);
    assert_eq!(ids(&s, pg, "ŻÓŁTY ").await, [1]);
    assert_eq!(ids(&s, pg, "Łódź ").await, [2, 5]);
    assert_eq!(ids(&s, pg, "lodz ").await, [2, 5]);
    assert_eq!(ids(&s, pg, "siec ").await, [5]);
    // No stemming: "Łodzi" is another word, found as a prefix while typing.
    assert_eq!(ids(&s, pg, "lodz").await, [1, 2, 5]);
    // A prefix while typing; the finished word matches only itself.
    assert_eq!(ids(&s, pg, "drukar").await, [1, 4]);
    assert_eq!(ids(&s, pg, "drukar ").await, Vec::<i64>::new());
    assert_eq!(ids(&s, pg, "Drukarka ").await, [1, 4]);
    // A phrase needs its words in order; words alone do not.
    assert_eq!(ids(&s, pg, "\"printer jam\"").await, [2]);
    assert_eq!(ids(&s, pg, "„Printer JAM”").await, [2]);
    assert_eq!(ids(&s, pg, "printer jam ").await, [2, 3]);
    assert_eq!(ids(&s, pg, "\"jam in the printer\"").await, [3]);
    // Stop words next to other words are left out of the match.
    assert_eq!(ids(&s, pg, "the printer jam ").await, [2, 3]);
    // Numbers: plain, hexadecimal, and a record number as typed.
    assert_eq!(ids(&s, pg, "404 ").await, [4]);
    assert_eq!(ids(&s, pg, "0x50 ").await, [4]);
    assert_eq!(ids(&s, pg, "inc1127 ").await, [4]);
    assert_eq!(ids(&s, pg, "INC0001127").await, [4]);
    assert_eq!(ids(&s, pg, "INC00011").await, [4]);
    assert_eq!(ids(&s, pg, "floor 2 ").await, [2]);
    drop_store(s, pg).await;
}

#[tokio::test]
async fn folding_prefixes_phrases_and_numbers_sqlite() {
    folding_prefixes_phrases_and_numbers(false).await
}

#[tokio::test]
async fn folding_prefixes_phrases_and_numbers_postgres() {
    folding_prefixes_phrases_and_numbers(true).await
}

/// What people type that engines read as syntax: each is refused by the
/// parser or answered with rows, never an engine error.
fn nasty_inputs() -> Vec<String> {
    let mut inputs: Vec<String> = [
        "NEAR(a b)",
        "NEAR(printer jam, 2)",
        "printer NEAR/2 jam",
        "a OR b",
        "printer OR jam",
        "NOT printer",
        "printer -jam",
        "\"",
        "\"printer jam",
        "*",
        "printer*",
        "col:x",
        "title:printer",
        "{title body}: jam",
        "^x",
        "^printer",
        "-x",
        "+x",
        "a AND",
        "AND",
        "(((",
        "(printer)",
        ")))printer(((",
        "'; DROP TABLE x; --",
        "'; DROP TABLE search_docs; --",
        "\"; DROP TABLE search_fts; --",
        "\0",
        "printer\0jam",
        "🖨️🔥",
        "printer 🖨️",
        "שלום עולם",
        "مرحبا printer",
        "\u{202e}printer",
        "x:*",
        "printer & jam | !tray",
        "<->",
        "printer <-> jam",
        "\\",
        "'",
        "''",
        "%_",
        "$1",
        "?",
        "NULL",
        "\u{feff}",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    inputs.push("\"a\" ".repeat(125));
    inputs.push("\"b\" ".repeat(125));
    inputs.push("b ".repeat(250));
    inputs.push("x".repeat(10 * 1024));
    inputs
}

async fn user_syntax_never_fails(pg: bool) {
    let (s, _d) = setup(pg).await;
    let mut answered = 0;
    for typed in nasty_inputs() {
        if search(&s, pg, &typed).await.is_ok() {
            answered += 1;
        }
    }
    assert!(answered > 20, "most nasty inputs are answered, not refused ({answered})");
    // Passed to the engine as typed, they would be errors: the list is
    // worth testing, and the renderers are what keeps them out.
    let raw_sql = if pg { PG_SEARCH } else { SQLITE_SEARCH };
    for raw in ["a AND", "(((", "printer jam &", "col:x) OR"] {
        let res = sqlx::query(raw_sql).bind(raw).fetch_all(s.pool()).await;
        assert!(res.is_err(), "{raw:?} passed as typed should fail");
    }
    // They are words like any other.
    assert_eq!(ids(&s, pg, "NEAR(printer jam)").await, Vec::<i64>::new());
    assert_eq!(ids(&s, pg, "title:printer ").await, Vec::<i64>::new());
    assert_eq!(ids(&s, pg, "^printer -jam ").await, [2, 3]);
    assert_eq!(ids(&s, pg, "(printer) OR (jam)").await, [2, 3]);
    // And the table is still there with every row.
    assert_eq!(ids(&s, pg, "printer ").await, [2, 3]);
    drop_store(s, pg).await;
}

#[tokio::test]
async fn user_syntax_never_fails_sqlite() {
    user_syntax_never_fails(false).await
}

#[tokio::test]
async fn user_syntax_never_fails_postgres() {
    user_syntax_never_fails(true).await
}

async fn ranking_and_updates(pg: bool) {
    let (s, _d) = setup(pg).await;
    // "cartridge" is in 6's title once and in 7's body twice: the title
    // weighs more.
    assert_eq!(search(&s, pg, "cartridge ").await.unwrap(), [6, 7]);
    assert_eq!(search(&s, pg, "supplier ").await.unwrap(), [7, 6]);
    // An update replaces the words in the same transaction.
    s.write(move |c| Box::pin(async move { put(c, pg, 8, "VPN fixed", "Certificate renewed.").await })).await.unwrap();
    assert_eq!(ids(&s, pg, "laptop ").await, Vec::<i64>::new());
    assert_eq!(ids(&s, pg, "certificate ").await, [8]);
    assert_eq!(ids(&s, pg, "vpn ").await, [8]);
    drop_store(s, pg).await;
}

#[tokio::test]
async fn ranking_and_updates_sqlite() {
    ranking_and_updates(false).await
}

#[tokio::test]
async fn ranking_and_updates_postgres() {
    ranking_and_updates(true).await
}
