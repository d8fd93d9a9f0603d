//! The audit hash chain: appends from many writers and two stores (nodes)
//! at once make one line, rolled-back appends leave no false alarm, the
//! triggers refuse changes, an upgraded database's entries are chained by
//! the migration, and the head reaches its file after the commit. Both
//! backends.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{drop_store, store, unmigrated};
use steward_store::audit::NewAuditEvent;
use steward_store::audit_verify::{OutsideHead, verify};
use steward_store::{Store, StoreError, StoreOptions, audit, audit_chain};

fn event(n: i64) -> NewAuditEvent {
    NewAuditEvent {
        at: 1_700_000_000_000_000 + n,
        kind: "sign_in".into(),
        actor_id: None,
        actor_name: format!("user{n}"),
        subject: format!("user{n}"),
        client: "127.0.0.1".into(),
        detail: String::new(),
    }
}

/// The URL of `s`'s database, for a second store (node) on it.
async fn url_of(s: &Store, dir: &tempfile::TempDir, pg: bool) -> String {
    if !pg {
        return format!("sqlite://{}/s.db", dir.path().display());
    }
    let (name,): (String,) = sqlx::query_as("SELECT current_database()::text").fetch_one(s.pool()).await.unwrap();
    let base =
        std::env::var("STEWARD_TEST_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    format!("{}/{name}", base.rsplit_once('/').unwrap().0)
}

async fn append(s: &Store, n: i64, fail: bool) -> Result<i64, StoreError> {
    s.write(move |c| {
        Box::pin(async move {
            let id = audit::insert(c, &event(n)).await?;
            if fail { Err(StoreError::Dump("rolled back on purpose".into())) } else { Ok(id) }
        })
    })
    .await
}

async fn concurrent_appends_make_one_chain(pg: bool) {
    let (s, _d) = store(pg).await;
    // A second node on the same PostgreSQL database, with its own writers.
    let other = match pg {
        true => Some(Store::connect(&url_of(&s, &_d, pg).await, &StoreOptions::default()).await.unwrap()),
        false => None,
    };
    let mut tasks = Vec::new();
    for n in 0..400i64 {
        let s = if n % 2 == 1 { other.clone().unwrap_or_else(|| s.clone()) } else { s.clone() };
        tasks.push(tokio::spawn(async move { append(&s, n, n % 7 == 3).await }));
    }
    let mut ids = Vec::new();
    for t in tasks {
        if let Ok(id) = t.await.unwrap() {
            ids.push(id);
        }
    }
    ids.sort_unstable();
    let written = (0..400).filter(|n| n % 7 != 3).count() as i64;
    assert_eq!(ids, (1..=written).collect::<Vec<_>>(), "consecutive ids, none lost to a rollback");
    let v = verify(&s, None).await.unwrap().unwrap();
    assert_eq!((v.entries, v.head.id), (written as u64, written));
    if let Some(o) = other {
        o.close().await;
    }
    drop_store(s, pg).await;
}

async fn the_triggers_refuse_changes(pg: bool) {
    let (s, _d) = store(pg).await;
    append(&s, 1, false).await.unwrap();
    let update = sqlx::query("UPDATE audit_events SET detail = 'x' WHERE id = 1").execute(s.pool()).await;
    let e = update.unwrap_err().to_string();
    assert!(e.contains("audit_events is append-only: an audit entry cannot be changed"), "{e}");
    let delete = sqlx::query("DELETE FROM audit_events WHERE id = 1").execute(s.pool()).await;
    let e = delete.unwrap_err().to_string();
    assert!(e.contains("audit_events is append-only: an audit entry cannot be deleted"), "{e}");
    if pg {
        let e = sqlx::query("TRUNCATE audit_events").execute(s.pool()).await.unwrap_err().to_string();
        assert!(e.contains("cannot be truncated"), "{e}");
    }
    verify(&s, None).await.unwrap().unwrap();
    drop_store(s, pg).await;
}

/// Entries written before migration 44 (with a gap, as a rolled-back
/// insert left on PostgreSQL) are chained by it and verify.
async fn an_upgraded_log_is_chained(pg: bool) {
    let (s, _d) = unmigrated(pg).await;
    s.migrate_until(audit_chain::CHAIN_MIGRATION - 1).await.unwrap();
    for id in [1i64, 2, 5, 6] {
        sqlx::query(
            "INSERT INTO audit_events (id, at, kind, actor_id, actor_name, subject, client, detail)
             VALUES ($1, $2, 'sign_in', NULL, 'ann', 'ann', '', 'old')",
        )
        .bind(id)
        .bind(id * 10)
        .execute(s.pool())
        .await
        .unwrap();
    }
    s.migrate().await.unwrap();
    let v = verify(&s, None).await.unwrap().unwrap();
    assert_eq!((v.entries, v.head.id), (4, 6));
    let next = append(&s, 7, false).await.unwrap();
    assert_eq!(next, 7);
    let v = verify(&s, None).await.unwrap().unwrap();
    assert_eq!((v.entries, v.head.id), (5, 7));
    // A checkpoint from before the append still verifies; as the newest it does not.
    let mut outside =
        OutsideHead { link: audit_chain::Link { id: 6, hash: String::new() }, source: "the log".into(), newest: false };
    let mut conn = s.pool().acquire().await.unwrap();
    outside.link.hash = audit_chain::hash_of(&mut conn, 6).await.unwrap().unwrap();
    drop(conn);
    verify(&s, Some(&outside)).await.unwrap().unwrap();
    outside.newest = true;
    let e = verify(&s, Some(&outside)).await.unwrap().unwrap_err().0;
    assert!(e.starts_with("entry 7 is past the log's entry 6: it was added after"), "{e}");
    drop_store(s, pg).await;
}

/// The head file names the newest committed entry once the store closes.
async fn the_head_file_follows_the_commits(pg: bool) {
    let (s, dir) = store(pg).await;
    let url = url_of(&s, &dir, pg).await;
    let file = dir.path().join("audit.head");
    let opts = StoreOptions { audit_head_file: Some(file.clone()), ..Default::default() };
    let node = Store::connect(&url, &opts).await.unwrap();
    for n in 0..5 {
        append(&node, n, false).await.unwrap();
    }
    append(&node, 9, true).await.unwrap_err();
    node.close().await;
    let head = steward_store::audit_head::read_head_file(&file).unwrap().unwrap();
    let v = verify(&s, None).await.unwrap().unwrap();
    assert_eq!(head, v.head);
    assert_eq!(head.id, 5);
    drop_store(s, pg).await;
}

macro_rules! both {
    ($($name:ident),+ $(,)?) => {
        mod sqlite { $(#[tokio::test] async fn $name() { super::$name(false).await })+ }
        mod postgres { $(#[tokio::test] async fn $name() { super::$name(true).await })+ }
    };
}

both!(
    concurrent_appends_make_one_chain,
    the_triggers_refuse_changes,
    an_upgraded_log_is_chained,
    the_head_file_follows_the_commits
);
