//! The SQLite search index does not merge after each write (migration
//! 0018); the workers merge it in the background (`fulltext::merge`). Many
//! small write transactions leave many segments; merging in steps works
//! until nothing is left to merge, and the index stays whole and finds
//! every record.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use sqlx::Executor;
use steward_store::{Backend, fulltext};

#[tokio::test]
async fn the_index_merges_in_background_steps_and_stays_whole() {
    let (store, _dir) = common::store(false).await;
    let d = store.dialect();
    assert_eq!(d.0, Backend::Sqlite);
    let mut conn = store.pool().acquire().await.unwrap();
    conn.execute("INSERT INTO users (id, username, display_name, email, role, created_at) VALUES (1, 'u', 'U', 'u@example.com', 'agent', 0)")
        .await
        .unwrap();
    // 300 transactions of 5 records: a segment each, crisis merges aside.
    for t in 0..300 {
        let rows: Vec<String> = (1..=5)
            .map(|k| {
                let i = t * 5 + k;
                format!(
                    "({i}, 'incident', {i}, 'Printer {i}', 'toner tray word{w}', 'new', 3, 3, 5, 1, 0, 0, 1, 1, 'printer {i}', 'toner tray word{w}')",
                    w = i % 7
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO records (id, kind, number, title, description, state, impact, urgency, priority, requester_id, \
             opened_at, updated_at, created_by, version, search_title, search_body) VALUES {}",
            rows.join(", ")
        );
        conn.execute(sqlx::AssertSqlSafe(sql)).await.unwrap();
    }
    let mut steps = 0;
    while fulltext::merge(&mut conn, d, 50).await.unwrap() {
        steps += 1;
        assert!(steps < 10_000, "merging never ends");
    }
    assert!(steps > 0, "300 segments and nothing merged");
    assert!(!fulltext::merge(&mut conn, d, 50).await.unwrap(), "nothing is left to merge");
    conn.execute("INSERT INTO records_fts (records_fts) VALUES ('integrity-check')").await.unwrap();
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM records_fts WHERE records_fts MATCH 'toner'")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert_eq!(n, 1_500);
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM records_fts WHERE records_fts MATCH 'wor*'")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert_eq!(n, 1_500, "the three-letter prefix index answers");
    drop(conn);
    common::drop_store(store, false).await;
}

#[tokio::test]
async fn postgres_has_nothing_to_merge() {
    let (store, _dir) = common::store(true).await;
    let mut conn = store.pool().acquire().await.unwrap();
    assert!(!fulltext::merge(&mut conn, store.dialect(), 50).await.unwrap());
    drop(conn);
    common::drop_store(store, true).await;
}
