//! `[numbers]`: the `steward` binary writes and reads record numbers with
//! the configured prefixes (from the file or the environment) in every
//! command, on SQLite and PostgreSQL, and refuses bad ones naming the key.
//!
//! A process has one table of prefixes (see `steward_domain::number`),
//! so each configuration runs as its own `steward` process here.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Server, command, get, run, text};

use std::path::Path;
use std::process::Stdio;

const NEW: &str =
    "From: Anna <anna@example.com>\r\nSubject: Printer\r\nMessage-ID: <m1@example.com>\r\n\r\nJammed.\r\n";
const REPLY: &str = "From: Anna <anna@example.com>\r\nSubject: Re: [TKT0000001] Printer\r\n\
    Message-ID: <m2@example.com>\r\n\r\nStill jammed.\r\n";

/// Mail in, the API and search with incidents numbered TKT, as `args`
/// (the database, the configuration file) and `env` configure them.
fn numbered_tkt(d: &Path, args: &[&str], env: &[(&str, &str)]) {
    let with = |more: &[&str]| -> Vec<String> { args.iter().chain(more).map(|s| (*s).to_owned()).collect() };
    let steward = |more: &[&str], stdin: Option<&str>| {
        let all = with(more);
        run(d, &all.iter().map(String::as_str).collect::<Vec<_>>(), env, stdin)
    };
    assert!(steward(&["migrate"], None).status.success());
    let out = steward(&["user", "add", "anna", "--role", "requester", "--email", "anna@example.com"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(steward(&["user", "add", "root", "--role", "admin"], None).status.success());
    let out = steward(&["mail", "ingest"], Some(NEW));
    assert_eq!(text(&out.stdout).trim(), "created TKT0000001", "{}", text(&out.stderr));
    let out = steward(&["mail", "ingest"], Some(REPLY));
    assert_eq!(text(&out.stdout).trim(), "commented on TKT0000001", "{}", text(&out.stderr));

    let token = text(&steward(&["token", "create", "root"], None).stdout).trim().to_owned();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let listen = format!("127.0.0.1:{port}");
    let all = with(&["serve", "--listen", &listen]);
    let all: Vec<&str> = all.iter().map(String::as_str).collect();
    let env: Vec<(&str, &str)> = [("STEWARD_LOG_LEVEL", "warn")].into_iter().chain(env.iter().copied()).collect();
    let child = command(d, &all, &env).stderr(Stdio::null()).spawn().unwrap();
    let _server = Server(child);
    for path in ["/api/v1/incidents/TKT0000001", "/api/v1/incidents/tkt1", "/api/v1/incidents/INC0000001"] {
        let r = get(port, path, &token);
        assert!(r.starts_with("HTTP/1.1 200") && r.contains(r#""number":"TKT0000001""#), "{path}: {r}");
    }
    let r = get(port, "/api/v1/incidents/TKT0000001/comments", &token);
    assert!(r.contains("Still jammed."), "the reply is a comment: {r}");
    for q in ["TKT0000001", "tkt1"] {
        let r = get(port, &format!("/api/v1/search?q={q}"), &token);
        assert!(r.contains(r#""go_to":"/api/v1/incidents/TKT0000001""#), "{q}: {r}");
    }
    let r = get(port, "/api/v1/incidents", &token);
    assert!(r.contains(r#""number":"TKT0000001""#) && !r.contains("INC0000001"), "{r}");
}

#[test]
fn sqlite_numbers_from_the_configuration_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("steward.toml"), "[numbers]\nincident = \"tkt\"\n").unwrap();
    numbered_tkt(dir.path(), &["--config", "steward.toml"], &[]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_numbers_from_the_environment() {
    let base =
        std::env::var("STEWARD_TEST_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let name = format!("steward_t_numbers_{}", std::process::id());
    let url = steward_store::Store::create_postgres_database(&base, &name).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_owned();
    let done = tokio::task::spawn_blocking(move || {
        numbered_tkt(&d, &["--database-url", &url], &[("STEWARD_NUMBERS_INCIDENT", "TKT")])
    })
    .await;
    use sqlx::Connection;
    let mut c = sqlx::PgConnection::connect(&base).await.unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")))
        .execute(&mut c)
        .await
        .unwrap();
    done.unwrap();
}

#[test]
fn bad_prefixes_stop_every_command_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("bad.toml"), "[numbers]\nincident = \"T1\"\n").unwrap();
    let out = run(d, &["--config", "bad.toml", "serve", "--listen", "127.0.0.1:0"], &[], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("numbers.incident: must be 2 to 5 letters A-Z, got \"T1\""),
        "{}",
        text(&out.stderr)
    );
    let out = run(d, &["migrate"], &[("STEWARD_NUMBERS_PROBLEM", "inc")], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("numbers.problem: INC is also the prefix of incidents: each kind needs its own"),
        "{}",
        text(&out.stderr)
    );
    assert!(!d.join("steward-data").exists(), "nothing was created");
    // Mail waits in the mail server's queue (EX_TEMPFAIL) until it is fixed.
    let out = run(d, &["mail", "ingest"], &[("STEWARD_NUMBERS_ARTICLE", "KNOWLEDGE")], Some(NEW));
    assert_eq!(out.status.code(), Some(75));
    assert!(text(&out.stderr).contains("numbers.article: must be 2 to 5 letters A-Z"), "{}", text(&out.stderr));
}
