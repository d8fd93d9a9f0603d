//! Migrations that change data already there, run on a database filled
//! as it was before them. Both backends.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{drop_store, unmigrated};

/// Migration 0010 makes e-mail addresses unique without case. A database
/// with addresses shared by several accounts migrates all the same: the
/// oldest account keeps the address, the newer ones lose it (with a new
/// version) and the audit log says who lost what to whom; blanks become
/// none. Afterwards the index refuses a second holder in any case.
async fn duplicate_emails_are_resolved_not_fatal(pg: bool) {
    let (s, _d) = unmigrated(pg).await;
    s.migrate_until(8).await.unwrap();
    let users = [
        ("ann", Some("Ann@Example.com")),
        ("ann2", Some("ann@example.COM")),
        ("ann3", Some(" ANN@example.com ")),
        ("bob", Some("bob@example.com")),
        ("blank", Some("  ")),
        ("blank2", Some("")),
        ("none", None),
    ];
    for (name, email) in users {
        sqlx::query(
            "INSERT INTO users (username, display_name, email, role, created_at) VALUES ($1, $1, $2, 'agent', 1)",
        )
        .bind(name)
        .bind(email)
        .execute(s.pool())
        .await
        .unwrap();
    }
    assert_eq!(s.migrate().await.unwrap(), s.applied_migrations().await.unwrap().len() - 8);
    let rows: Vec<(String, Option<String>, i64)> =
        sqlx::query_as("SELECT username, email, version FROM users ORDER BY id").fetch_all(s.pool()).await.unwrap();
    let want = [
        ("ann", Some("Ann@Example.com"), 1),
        ("ann2", None, 2),
        ("ann3", None, 2),
        ("bob", Some("bob@example.com"), 1),
        ("blank", None, 1),
        ("blank2", None, 1),
        ("none", None, 1),
    ];
    let got: Vec<(&str, Option<&str>, i64)> = rows.iter().map(|(u, e, v)| (u.as_str(), e.as_deref(), *v)).collect();
    assert_eq!(got, want);
    let audit: Vec<(String, String, String)> =
        sqlx::query_as("SELECT kind, subject, detail FROM audit_events ORDER BY subject")
            .fetch_all(s.pool())
            .await
            .unwrap();
    assert_eq!(
        audit,
        [
            (
                "user_changed".into(),
                "ann2".into(),
                "email ann@example.COM removed by migration 0010: ann has the same address".into()
            ),
            (
                "user_changed".into(),
                "ann3".into(),
                "email ANN@example.com removed by migration 0010: ann has the same address".into()
            ),
        ]
    );
    let again =
        sqlx::query("UPDATE users SET email = 'ANN@EXAMPLE.COM' WHERE username = 'bob'").execute(s.pool()).await;
    assert!(again.is_err(), "the unique index holds");
    drop_store(s, pg).await;
}

#[tokio::test]
async fn duplicate_emails_are_resolved_not_fatal_sqlite() {
    duplicate_emails_are_resolved_not_fatal(false).await;
}

#[tokio::test]
async fn duplicate_emails_are_resolved_not_fatal_postgres() {
    duplicate_emails_are_resolved_not_fatal(true).await;
}
