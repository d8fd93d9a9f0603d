//! `steward audit verify` as an operator runs it, on both backends: the
//! entries `user add`, `token create` and the rest write verify, and each
//! tampering an attacker with database rights could do (the append-only
//! triggers dropped first) is found and named: an edited entry, a forged
//! one, one deleted from the middle, the newest deleted (by the head row,
//! and by the head file when the head row is rewritten too) and a log
//! rewritten with its hashes recomputed. Undone, the log verifies again.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{drop_database, ok, pg_base, run, text};
use std::path::Path;
use steward_store::audit::AuditEvent;
use steward_store::audit_chain::entry_hash;
use steward_store::{Store, StoreOptions};

/// The database a test runs on: a file in `dir`, or a new PostgreSQL
/// database (dropped by [`Db::drop`]).
struct Db {
    url: String,
    pg_name: Option<String>,
}

impl Db {
    async fn new(dir: &Path, pg: bool) -> Db {
        if !pg {
            return Db { url: format!("sqlite://{}/steward.db", dir.join("data").display()), pg_name: None };
        }
        let name = format!("steward_t_audit_{}", std::process::id());
        drop_database(&name).await;
        Db { url: Store::create_postgres_database(&pg_base(), &name).await.unwrap(), pg_name: Some(name) }
    }

    async fn drop(self) {
        if let Some(name) = self.pg_name {
            drop_database(&name).await;
        }
    }
}

/// The attacker: SQL straight to the database.
struct Sql(Store);

impl Sql {
    async fn exec(&self, sql: &str) {
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned())).execute(self.0.pool()).await.unwrap();
    }
    async fn entry(&self, id: i64) -> (AuditEvent, String, String) {
        let e: AuditEvent = sqlx::query_as(
            "SELECT id, at, kind, actor_id, actor_name, subject, client, detail FROM audit_events WHERE id = $1",
        )
        .bind(id)
        .fetch_one(self.0.pool())
        .await
        .unwrap();
        let (prev, hash): (String, String) = sqlx::query_as("SELECT prev_hash, hash FROM audit_events WHERE id = $1")
            .bind(id)
            .fetch_one(self.0.pool())
            .await
            .unwrap();
        (e, prev, hash)
    }
    async fn insert(&self, e: &AuditEvent, prev: &str, hash: &str) {
        sqlx::query(
            "INSERT INTO audit_events (id, at, kind, actor_id, actor_name, subject, client, detail, prev_hash, hash)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(e.id)
        .bind(e.at)
        .bind(e.kind.clone())
        .bind(e.actor_id)
        .bind(e.actor_name.clone())
        .bind(e.subject.clone())
        .bind(e.client.clone())
        .bind(e.detail.clone())
        .bind(prev.to_owned())
        .bind(hash.to_owned())
        .execute(self.0.pool())
        .await
        .unwrap();
    }
    async fn set_head(&self, id: i64, hash: &str) {
        sqlx::query("UPDATE audit_head SET last_id = $1, hash = $2")
            .bind(id)
            .bind(hash.to_owned())
            .execute(self.0.pool())
            .await
            .unwrap();
    }
    /// Rewrites entries `from..=to` with hashes recomputed, as a careful
    /// forger would after an edit, and the head row with them.
    async fn rechain(&self, from: i64, to: i64) {
        let mut prev = self.entry(from - 1).await.2;
        for id in from..=to {
            let (e, _, _) = self.entry(id).await;
            let hash = entry_hash(&prev, &e);
            sqlx::query("UPDATE audit_events SET prev_hash = $1, hash = $2 WHERE id = $3")
                .bind(prev.clone())
                .bind(hash.clone())
                .bind(id)
                .execute(self.0.pool())
                .await
                .unwrap();
            prev = hash;
        }
        self.set_head(to, &prev).await;
    }
}

/// `audit verify ARGS…` that must find a break: its one-line reason.
fn broken(d: &Path, env: &[(&str, &str)], args: &[&str]) -> String {
    let mut all = vec!["audit", "verify"];
    all.extend_from_slice(args);
    let out = run(d, &all, env, None);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {}{}", text(&out.stdout), text(&out.stderr));
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    err.trim().strip_prefix("steward: audit log broken: ").unwrap_or_else(|| panic!("{err}")).to_owned()
}

async fn tampering_is_found(pg: bool) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = Db::new(d, pg).await;
    let head_file = d.join("audit.head").display().to_string();
    let data = d.join("data").display().to_string();
    let env = [
        ("STEWARD_DATABASE_URL", db.url.as_str()),
        ("STEWARD_DATA_DIR", data.as_str()),
        ("STEWARD_AUDIT_HEAD_FILE", head_file.as_str()),
    ];
    ok(d, &["migrate"], &env, None);
    ok(d, &["user", "add", "ann", "--role", "admin"], &env, None);
    ok(d, &["user", "add", "bob", "--role", "agent"], &env, None);
    ok(d, &["token", "create", "ann"], &env, None);
    // Each entry's id and hash is logged after its commit, and the newest
    // written to the head file.
    let logged = run(d, &["token", "create", "bob"], &[&env[..], &[("STEWARD_LOG_LEVEL", "info")]].concat(), None);
    assert!(logged.status.success(), "{}", text(&logged.stderr));
    let head = std::fs::read_to_string(&head_file).unwrap();
    assert!(text(&logged.stderr).contains(&format!("chain_head={}", head.trim())), "{}", text(&logged.stderr));
    ok(d, &["user", "deactivate", "bob"], &env, None);
    let verified = ok(d, &["audit", "verify"], &env, None);
    let (n, head_hash) = {
        let rest = verified.trim().strip_prefix("audit log verified: ").unwrap_or_else(|| panic!("{verified}"));
        let (entries, head) = rest.split_once(" entries, head ").unwrap();
        let (id, hash) = head.split_once(' ').unwrap();
        assert_eq!(entries, id, "{verified}");
        (id.parse::<i64>().unwrap(), hash.to_owned())
    };
    assert!(n >= 5, "{verified}");
    // The head file is the newest entry; the log has every head.
    assert_eq!(std::fs::read_to_string(&head_file).unwrap(), format!("{n} {head_hash}\n"));

    let sql = Sql(Store::connect(&db.url, &StoreOptions::default()).await.unwrap());
    // The triggers refuse; an attacker with the rights drops them.
    let refused = sqlx::query("DELETE FROM audit_events WHERE id = 2").execute(sql.0.pool()).await.unwrap_err();
    assert!(refused.to_string().contains("append-only"), "{refused}");
    match pg {
        true => sql.exec("DROP TRIGGER audit_events_append_only ON audit_events").await,
        false => sql.exec("DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete").await,
    }

    // An edited entry.
    let (second, second_prev, second_hash) = sql.entry(2).await;
    sql.exec("UPDATE audit_events SET detail = 'nothing to see' WHERE id = 2").await;
    let why = broken(d, &env, &[]);
    assert!(why.starts_with("entry 2 was edited or forged: its content does not match its hash"), "{why}");
    sql.exec(&format!("UPDATE audit_events SET detail = '{}' WHERE id = 2", second.detail.replace('\'', "''"))).await;

    // A forged entry at the end, chained properly: past the head row; with
    // the head row moved too, past the head file (a checkpoint from the
    // log does not see it: the chain may go on after one).
    let mut forged = sql.entry(n).await.0;
    forged.id = n + 1;
    forged.detail = "forged".into();
    let forged_hash = entry_hash(&head_hash, &forged);
    sql.insert(&forged, &head_hash, &forged_hash).await;
    let why = broken(d, &env, &[]);
    assert_eq!(
        why,
        format!("entry {} is past the head row's entry {n}: it was inserted without going through steward", n + 1)
    );
    sql.set_head(n + 1, &forged_hash).await;
    let why = broken(d, &env, &[]);
    assert!(why.starts_with(&format!("entry {} is past the head file {head_file}'s entry {n}", n + 1)), "{why}");
    ok(d, &["audit", "verify", "--head", &format!("{n}:{head_hash}")], &env, None);
    sql.exec(&format!("DELETE FROM audit_events WHERE id = {}", n + 1)).await;
    sql.set_head(n, &head_hash).await;
    // A forged entry that does not link.
    sql.insert(&forged, &second_hash, &entry_hash(&second_hash, &forged)).await;
    let why = broken(d, &env, &[]);
    assert!(why.starts_with(&format!("entry {} does not follow entry {n}", n + 1)), "{why}");
    sql.exec(&format!("DELETE FROM audit_events WHERE id = {}", n + 1)).await;

    // An entry deleted from the middle.
    sql.exec("DELETE FROM audit_events WHERE id = 2").await;
    let why = broken(d, &env, &[]);
    assert!(
        why.starts_with(
            "entry 3 does not follow entry 1: its prev_hash names another entry, so entry 2 between them was deleted"
        ),
        "{why}"
    );
    sql.insert(&second, &second_prev, &second_hash).await;

    // The newest entry deleted: the head row says so; rewritten too, the
    // head file does.
    let (newest, newest_prev, _) = sql.entry(n).await;
    sql.exec(&format!("DELETE FROM audit_events WHERE id = {n}")).await;
    let why = broken(d, &env, &[]);
    assert!(
        why.starts_with(&format!(
            "the newest entries are missing: the head row names entry {n} but the log ends at entry {}",
            n - 1
        )),
        "{why}"
    );
    sql.set_head(n - 1, &newest_prev).await;
    let why = broken(d, &env, &[]);
    assert_eq!(
        why,
        format!(
            "the head file {head_file} names entry {n} (hash {head_hash}), which the database lacks: the log ends at entry {}, so the newest entries were deleted",
            n - 1
        )
    );
    // Without a head from outside, that truncation cannot be seen.
    let cut = ok(d, &["audit", "verify"], &env[..2], None);
    assert!(cut.starts_with(&format!("audit log verified: {0} entries, head {0} ", n - 1)), "{cut}");
    sql.insert(&newest, &newest_prev, &head_hash).await;
    sql.set_head(n, &head_hash).await;

    // An edit with every later hash recomputed and the head row rewritten:
    // only the head kept outside shows it.
    sql.exec("UPDATE audit_events SET actor_name = 'mallory' WHERE id = 2").await;
    sql.rechain(2, n).await;
    let why = broken(d, &env, &[]);
    assert!(why.starts_with(&format!("entry {n} has hash ")), "{why}");
    assert!(
        why.ends_with(&format!("but the head file {head_file} says {head_hash}: the log was rewritten from there on")),
        "{why}"
    );
    sql.exec(&format!("UPDATE audit_events SET actor_name = '{}' WHERE id = 2", second.actor_name)).await;
    sql.rechain(2, n).await;

    // Everything undone: intact again.
    assert_eq!(ok(d, &["audit", "verify"], &env, None), verified);
    sql.0.close().await;
    db.drop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tampering_is_found_on_sqlite() {
    tampering_is_found(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tampering_is_found_on_postgres() {
    tampering_is_found(true).await;
}

#[test]
fn a_bad_head_is_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let data = d.join("data").display().to_string();
    ok(d, &["--data-dir", &data, "migrate"], &[], None);
    let out = run(d, &["--data-dir", &data, "audit", "verify", "--head", "12"], &[], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("--head: expected ID:HASH"), "{}", text(&out.stderr));
    let missing = d.join("missing.head").display().to_string();
    let out = run(d, &["--data-dir", &data, "audit", "verify", "--head-file", &missing], &[], None);
    assert!(text(&out.stderr).contains(&format!("the head file {missing} does not exist")), "{}", text(&out.stderr));
    let empty = ok(d, &["--data-dir", &data, "audit", "verify"], &[], None);
    assert_eq!(empty.trim(), format!("audit log verified: 0 entries, head 0 {}", "0".repeat(64)));
}
