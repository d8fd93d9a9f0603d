//! CI search past the first window of the newest CIs (30,000 of them, on
//! both engines): a word every CI has ranks within the newest, a word
//! spread thinly over the estate or only in the oldest CIs is still found
//! everywhere, a rare one finds every match, and an exact identifier comes
//! first whatever its words.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use sqlx::Executor;
use steward_domain::search::parse;
use steward_store::search::{self, CiScope};

const CIS: i64 = 30_000;

/// Every CI has "host"; one in twenty "rack"; the oldest 5,000 "legacy";
/// three old ones "quasar"; each its number.
fn words(i: i64) -> String {
    let mut w = format!("host {i:05}");
    if i % 20 == 0 {
        w.push_str(" rack");
    }
    if i <= 5_000 {
        w.push_str(" legacy");
    }
    if [7, 70, 700].contains(&i) {
        w.push_str(" quasar");
    }
    w
}

async fn fill(conn: &mut sqlx::AnyConnection) {
    let rows: Vec<String> = (1..=CIS)
        .map(|i| {
            format!(
                "({i}, 'server', 'Host {i:05}', 'in_use', 'medium', '{{}}', 0, 0, 0, 'host {i:05}', '{}')",
                words(i)
            )
        })
        .collect();
    for chunk in rows.chunks(500) {
        let sql = format!(
            "INSERT INTO cis (id, class, name, status, criticality, attributes, created_at, updated_at, rev, \
             search_title, search_body) VALUES {}",
            chunk.join(", ")
        );
        conn.execute(sqlx::AssertSqlSafe(sql)).await.unwrap();
    }
    conn.execute(
        "INSERT INTO ci_identifiers (scope, key, value, ci_id) VALUES ('server', 'serial_number', 'sn-42', 42)",
    )
    .await
    .unwrap();
}

async fn names(conn: &mut sqlx::AnyConnection, store: &steward_store::Store, typed: &str) -> Vec<String> {
    let query = parse(typed, &["INC"]).unwrap();
    let hits = search::cis(conn, store.dialect(), &query, typed, &CiScope::default(), 20).await.unwrap();
    hits.into_iter().map(|h| h.ci.name).collect()
}

fn hosts(ids: impl IntoIterator<Item = i64>) -> Vec<String> {
    ids.into_iter().map(|i| format!("Host {i:05}")).collect()
}

async fn windows(pg: bool) {
    let (store, _dir) = common::store(pg).await;
    let mut conn = store.pool().acquire().await.unwrap();
    fill(&mut conn).await;
    store.analyze().await.unwrap();

    // Every CI: ranked by name within the newest 10,000 (on PostgreSQL the
    // newest window, on SQLite the newest matches: the same CIs).
    assert_eq!(names(&mut conn, &store, "host ").await, hosts(20_001..=20_020));
    // One in twenty: PostgreSQL's newest window holds enough of them (500)
    // and ranks those; SQLite ranks the newest 10,000 matches, all 1,500.
    let rack = names(&mut conn, &store, "rack ").await;
    let first = if pg { 20_020 } else { 20 };
    assert_eq!(rack, hosts((0..20).map(|k| first + 20 * k)));
    // Only in the oldest: no window but the last holds them.
    assert_eq!(names(&mut conn, &store, "legacy ").await, hosts(1..=20));
    // Rare: every match.
    assert_eq!(names(&mut conn, &store, "quasar ").await, hosts([7, 70, 700]));
    // An identifier typed exactly: its CI first, then the words' matches.
    let found = names(&mut conn, &store, "sn-42").await;
    assert_eq!(found[0], "Host 00042", "{found:?}");
    assert_eq!(names(&mut conn, &store, "00042 ").await, hosts([42]));
    drop(conn);
    common::drop_store(store, pg).await;
}

#[tokio::test]
async fn ci_search_windows_sqlite() {
    windows(false).await;
}

#[tokio::test]
async fn ci_search_windows_postgres() {
    windows(true).await;
}
