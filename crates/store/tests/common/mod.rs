//! What the store tests share: a migrated store on a fresh database of
//! either backend (PostgreSQL fails the test when it cannot be reached).

use steward_store::{Store, StoreOptions};

#[allow(dead_code)]
pub async fn store(pg: bool) -> (Store, tempfile::TempDir) {
    let (s, dir) = unmigrated(pg).await;
    s.migrate().await.unwrap();
    (s, dir)
}

/// A store on a fresh, empty database: the test migrates it.
pub async fn unmigrated(pg: bool) -> (Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = if pg {
        let base = std::env::var("STEWARD_TEST_PG_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        let name =
            format!("steward_t_s{}_{}", std::process::id(), jiff::Timestamp::now().as_nanosecond() % 1_000_000_000);
        Store::create_postgres_database(&base, &name)
            .await
            .unwrap_or_else(|e| panic!("PostgreSQL is required for this test ({base}): {e}"))
    } else {
        format!("sqlite://{}/s.db", dir.path().display())
    };
    let s = Store::connect(&url, &StoreOptions::default()).await.unwrap();
    (s, dir)
}

/// Closes the store and drops its PostgreSQL database (a test that fills
/// one should not leave it behind).
#[allow(dead_code)]
pub async fn drop_store(store: Store, pg: bool) {
    use sqlx::Connection;
    if !pg {
        store.close().await;
        return;
    }
    let (name,): (String,) = sqlx::query_as("SELECT current_database()::text").fetch_one(store.pool()).await.unwrap();
    store.close().await;
    let base =
        std::env::var("STEWARD_TEST_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let mut conn = sqlx::AnyConnection::connect(&base).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")))
        .execute(&mut conn)
        .await
        .unwrap();
}
