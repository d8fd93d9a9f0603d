//! Users and groups from the command line, on both backends: a user added
//! without a password is told how to set one, `user list` shows status,
//! e-mail and groups, `group` lists, adds and removes members, and
//! `user deactivate` takes a leaver out of their groups.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;

/// Runs a command on the database at `url` that must succeed; its standard output.
fn ok(dir: &Path, url: &str, args: &[&str], stdin: Option<&str>) -> String {
    common::ok(dir, args, &[("STEWARD_DATABASE_URL", url)], stdin)
}

/// Runs a command on the database at `url` that must fail; its standard error.
fn refused(dir: &Path, url: &str, args: &[&str]) -> String {
    common::refused(dir, args, &[("STEWARD_DATABASE_URL", url)])
}

/// The words of `user`'s line in a listing.
fn line_of(list: &str, user: &str) -> Vec<String> {
    let line = list.lines().find(|l| l.split_whitespace().next() == Some(user));
    line.unwrap_or_else(|| panic!("{user} in {list}")).split_whitespace().map(str::to_owned).collect()
}

async fn people_from_the_command_line(pg: bool) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (url, pg_name) = if pg {
        let base = std::env::var("STEWARD_TEST_PG_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        let name =
            format!("steward_t_cli{}_{}", std::process::id(), jiff::Timestamp::now().as_nanosecond() % 1_000_000_000);
        (steward_store::Store::create_postgres_database(&base, &name).await.unwrap(), Some((base, name)))
    } else {
        (format!("sqlite://{}/steward.db", d.display()), None)
    };
    let url = url.as_str();
    ok(d, url, &["migrate"], None);

    let out = ok(d, url, &["user", "add", "nina", "--role", "agent", "--email", "Nina@Example.com"], None);
    assert_eq!(
        out,
        "created user nina\nnina cannot sign in until a password is set: steward user passwd nina (reads it from standard input)\n"
    );
    let out =
        ok(d, url, &["user", "add", "olek", "--role", "agent", "--password-stdin"], Some("olek's long password\n"));
    assert_eq!(out, "created user olek\n", "a user with a password needs no advice");
    let err = refused(d, url, &["user", "add", "nina2", "--role", "agent", "--email", "nina@example.COM"]);
    assert!(err.contains("email: is already the address of nina"), "{err}");
    let err = refused(d, url, &["user", "add", "nina2", "--role", "agent", "--email", "nina@localhost"]);
    assert!(err.contains("email: is not an email address: the domain after the @ needs a dot"), "{err}");

    ok(d, url, &["group", "add", "Network", "--description", "Routers"], None);
    ok(d, url, &["group", "add", "Desk"], None);
    for g in ["Network", "Desk"] {
        ok(d, url, &["group", "add-member", g, "nina"], None);
    }
    ok(d, url, &["group", "add-member", "Network", "olek"], None);
    let list = ok(d, url, &["user", "list"], None);
    assert!(list.starts_with("USERNAME"), "{list}");
    let nina = line_of(&list, "nina");
    assert_eq!(nina, ["nina", "agent", "active", "Nina@Example.com", "Desk,", "Network"]);
    let olek = line_of(&list, "olek");
    assert_eq!(olek, ["olek", "agent", "active", "-", "Network"]);
    let groups = ok(d, url, &["group", "list"], None);
    assert!(groups.contains("Network") && groups.contains("2 member(s)"), "{groups}");
    assert_eq!(ok(d, url, &["group", "members", "Network"], None).lines().count(), 2);

    assert_eq!(
        ok(d, url, &["group", "remove-member", "Network", "olek"], None),
        "olek is no longer a member of Network\n"
    );
    assert!(refused(d, url, &["group", "remove-member", "Network", "olek"]).contains("membership not found"));
    assert!(refused(d, url, &["group", "remove-member", "Nowhere", "olek"]).contains("group not found"));
    assert!(refused(d, url, &["group", "members", "Nowhere"]).contains("group not found"));

    // The leaver procedure.
    let out = ok(d, url, &["user", "deactivate", "nina"], None);
    assert!(out.contains("nina left these groups (kept in the audit log): Desk, Network"), "{out}");
    let nina = line_of(&ok(d, url, &["user", "list"], None), "nina");
    assert_eq!(nina, ["nina", "agent", "deactivated", "Nina@Example.com", "-"]);
    assert!(ok(d, url, &["group", "members", "Network"], None).is_empty());
    let err = refused(d, url, &["group", "add-member", "Network", "nina"]);
    assert!(err.contains("username: nina is deactivated"), "{err}");
    ok(d, url, &["user", "reactivate", "nina"], None);
    let nina = line_of(&ok(d, url, &["user", "list"], None), "nina");
    assert_eq!(nina, ["nina", "agent", "active", "Nina@Example.com", "-"], "groups are not given back");

    if let Some((base, name)) = pg_name {
        use sqlx::Connection;
        let mut conn = sqlx::PgConnection::connect(&base).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")))
            .execute(&mut conn)
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn people_from_the_command_line_sqlite() {
    people_from_the_command_line(false).await;
}

#[tokio::test]
async fn people_from_the_command_line_postgres() {
    people_from_the_command_line(true).await;
}
