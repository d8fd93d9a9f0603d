//! Which command may shape the database: only `serve` and `migrate`
//! migrate; every other command refuses a database that is missing or
//! behind, naming the command to run; a schema ahead of the binary is
//! refused by all of them. One `serve` per SQLite file, and its start-up
//! log and output. On SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Server, command, free_port, ready, run_bare, steward, text};

use std::io::Read;
use std::path::Path;
use std::process::Stdio;

/// The newest schema this steward knows.
fn latest() -> i64 {
    steward_store::migrate::SQLITE.last().unwrap().version
}

const MSG: &str =
    "From: Anna <anna@example.com>\r\nSubject: Printer\r\nMessage-ID: <m1@example.com>\r\n\r\nJammed.\r\n";

/// Runs SQL on the database at `url`, as an older or newer steward would
/// have left it.
async fn sql(url: &str, statement: &str) {
    let store = steward_store::Store::connect(url, &Default::default()).await.unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(statement.to_owned())).execute(store.pool()).await.unwrap();
    store.close().await;
}

/// Every command that only uses the database, with what it needs.
const USERS: &[&[&str]] = &[
    &["user", "list"],
    &["user", "add", "zoe", "--role", "agent"],
    &["user", "deactivate", "zoe"],
    &["token", "create", "zoe"],
    &["calendar", "list"],
    &["backup", "copy.tar.gz"],
];

#[test]
fn commands_that_only_use_the_database_refuse_a_missing_one() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let advice = "there is no database at ./steward-data/steward.db; to create it, run `steward migrate --data-dir ./steward-data`";
    for args in USERS {
        let out = steward(d, args, None);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert_eq!(text(&out.stderr).trim(), format!("steward: {advice}"), "{args:?}");
    }
    let out = steward(d, &["mail", "ingest"], Some(MSG));
    assert_eq!(out.status.code(), Some(75), "EX_TEMPFAIL, never 67 (unknown sender): {}", text(&out.stderr));
    assert_eq!(text(&out.stderr).trim(), format!("steward: {advice}"));
    let out = steward(d, &["--data-dir", "my data", "user", "list"], None);
    assert!(text(&out.stderr).contains("run `steward migrate --data-dir 'my data'`"), "{}", text(&out.stderr));
    assert!(!d.join("steward-data").exists() && !d.join("my data").exists(), "nothing was created");

    let out = steward(d, &["migrate"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout).trim(),
        format!("applied {} migration(s); the database is at version {}", latest(), latest())
    );
    assert!(steward(d, &["user", "list"], None).status.success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_behind_is_refused_with_the_command_that_migrates_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(steward(d, &["migrate", "--data-dir", "D"], None).status.success());
    let url = format!("sqlite://{}/D/steward.db", d.display());
    // As an older steward left it (the newer migrations' rows kept aside).
    sql(&url, "CREATE TABLE kept AS SELECT * FROM schema_migrations WHERE version > 6; DELETE FROM schema_migrations WHERE version > 6").await;
    let advice =
        format!("the database at ./D/steward.db is at schema 6 of {}; run `steward migrate --data-dir ./D`", latest());
    for args in USERS {
        let mut args = args.to_vec();
        args.extend(["--data-dir", "./D"]);
        let out = steward(d, &args, None);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert_eq!(text(&out.stderr).trim(), format!("steward: {advice}"), "{args:?}");
    }
    let out = steward(d, &["mail", "ingest", "--data-dir", "./D"], Some(MSG));
    assert_eq!(out.status.code(), Some(75), "{}", text(&out.stderr));
    assert_eq!(text(&out.stderr).trim(), format!("steward: {advice}"), "a clean refusal, no log lines");
    sql(&url, "INSERT INTO schema_migrations SELECT * FROM kept").await;
    assert!(steward(d, &["user", "list", "--data-dir", "./D"], None).status.success(), "once current, it is used");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_ahead_of_the_binary_is_refused_by_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(steward(d, &["migrate"], None).status.success());
    let url = format!("sqlite://{}/steward-data/steward.db", d.display());
    sql(&url, "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (99, 'future', 'x', 0)")
        .await;
    let why = format!(
        "the database at ./steward-data/steward.db is at schema 99, newer than this steward (which knows schema {})",
        latest()
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port().to_string();
    let listen = format!("127.0.0.1:{port}");
    let mut all: Vec<Vec<&str>> = USERS.iter().map(|a| a.to_vec()).collect();
    all.extend([
        vec!["migrate"],
        vec!["serve", "--listen", &listen],
        vec!["demo", "--no-serve", "--data-dir", "./steward-data"],
    ]);
    for args in &all {
        let out = steward(d, args, None);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", text(&out.stderr));
        assert!(text(&out.stderr).contains(&why), "{args:?}: {}", text(&out.stderr));
    }
    let out = steward(d, &["mail", "ingest"], Some(MSG));
    assert_eq!(out.status.code(), Some(75));
    assert!(text(&out.stderr).contains(&why), "{}", text(&out.stderr));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_missing_behind_and_ahead() {
    let base =
        std::env::var("STEWARD_TEST_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let name = format!("steward_t_cli_{}", std::process::id());
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (prefix, _) = base.rsplit_once('/').unwrap();
    let missing = format!("{prefix}/{name}_missing");
    let out = steward(d, &["--database-url", &missing, "user", "list"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains(&format!("cannot open the database {missing}")), "{}", text(&out.stderr));
    let out = steward(d, &["--database-url", &missing, "mail", "ingest"], Some(MSG));
    assert_eq!(out.status.code(), Some(75), "a wrong database: try again later: {}", text(&out.stderr));
    assert!(!text(&out.stderr).contains("unknown sender"));

    let url = steward_store::Store::create_postgres_database(&base, &name).await.unwrap();
    let advice = format!(
        "the database at {url} is at schema 0 of {}; run `steward migrate --data-dir ./steward-data --database-url {url}`",
        latest()
    );
    for a in USERS {
        let mut args = vec!["--database-url", url.as_str()];
        args.extend(a.iter().copied());
        let out = steward(d, &args, None);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert_eq!(text(&out.stderr).trim(), format!("steward: {advice}"), "{args:?}");
    }
    let out = steward(d, &["--database-url", &url, "mail", "ingest"], Some(MSG));
    assert_eq!(out.status.code(), Some(75));
    assert_eq!(text(&out.stderr).trim(), format!("steward: {advice}"));
    let out = steward(d, &["--database-url", &url, "migrate"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = steward(
        d,
        &["--database-url", &url, "user", "add", "anna", "--role", "requester", "--email", "anna@example.com"],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = steward(d, &["--database-url", &url, "mail", "ingest"], Some(MSG));
    assert_eq!(text(&out.stdout).trim(), "created INC0000001", "{}", text(&out.stderr));

    // Serving on a PostgreSQL without autovacuum warns that statistics go
    // stale (this machine's runs without it; a default server runs with).
    let (on,): (String,) = {
        use sqlx::Connection;
        let mut c = sqlx::PgConnection::connect(&url).await.unwrap();
        sqlx::query_as("SHOW autovacuum").fetch_one(&mut c).await.unwrap()
    };
    let port = free_port();
    let mut s = start(d, port, &[("STEWARD_DATABASE_URL", url.as_str()), ("STEWARD_LOG_LEVEL", "warn")]);
    assert!(ready(port));
    s.0.kill().unwrap();
    s.0.wait().unwrap();
    let mut logs = String::new();
    s.0.stderr.take().unwrap().read_to_string(&mut logs).unwrap();
    assert_eq!(logs.contains("PostgreSQL runs with autovacuum off"), on != "on", "autovacuum {on}: {logs}");

    sql(&url, "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (99, 'future', 'x', 0)")
        .await;
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port().to_string();
    let listen = format!("127.0.0.1:{port}");
    for args in [vec!["serve", "--listen", listen.as_str()], vec!["migrate"], vec!["user", "list"]] {
        let mut all = vec!["--database-url", url.as_str()];
        all.extend(args);
        let out = steward(d, &all, None);
        assert_eq!(out.status.code(), Some(1), "{all:?}");
        assert!(text(&out.stderr).contains("is at schema 99, newer than this steward"), "{}", text(&out.stderr));
    }
    drop_database(&base, &name).await;
}

async fn drop_database(base: &str, name: &str) {
    use sqlx::Connection;
    let mut c = sqlx::PgConnection::connect(base).await.unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")))
        .execute(&mut c)
        .await
        .unwrap();
}

fn start(dir: &Path, port: u16, env: &[(&str, &str)]) -> Server {
    let child = command(dir, &["serve", "--listen", &format!("127.0.0.1:{port}")], env)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    Server(child)
}

#[test]
fn a_second_serve_on_one_file_refuses_and_a_killed_ones_lock_blocks_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let env = [
        ("STEWARD_MAIL_SMTP_HOST", "smtp.example.com"),
        ("STEWARD_MAIL_SMTP_PORT", "2525"),
        ("STEWARD_MAIL_SMTP_USERNAME", "steward"),
        ("STEWARD_MAIL_SMTP_PASSWORD", "hunter2-smtp"),
        ("STEWARD_MAIL_FROM", "Steward <steward@example.com>"),
        ("STEWARD_INBOUND_IMAP_HOST", "imap.example.com"),
        ("STEWARD_INBOUND_IMAP_USERNAME", "desk"),
        ("STEWARD_INBOUND_IMAP_PASSWORD", "hunter2-imap"),
        ("STEWARD_PUBLIC_URL", "https://desk.example.com"),
    ];
    let port = free_port();
    let mut first = start(d, port, &env);
    assert!(ready(port), "the first server became ready");
    let pid = first.0.id();
    assert_eq!(std::fs::read_to_string(d.join("steward-data/steward.db.lock")).unwrap().trim(), pid.to_string());

    let out = run_bare(d, &["serve", "--listen", &format!("127.0.0.1:{}", free_port())], &[], None);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr).trim(),
        format!(
            "steward: another steward (process {pid}) is already serving the database at ./steward-data/steward.db; \
             stop it first (lock file ./steward-data/steward.db.lock)"
        ),
        "refused before any log line"
    );

    // Killed, the first leaves its lock file behind; the next start is not blocked by it.
    first.0.kill().unwrap();
    first.0.wait().unwrap();
    let mut stdout = String::new();
    first.0.stdout.take().unwrap().read_to_string(&mut stdout).unwrap();
    let mut logs = String::new();
    first.0.stderr.take().unwrap().read_to_string(&mut logs).unwrap();
    assert!(d.join("steward-data/steward.db.lock").exists());
    assert_eq!(
        stdout,
        "There is no admin user yet. Create one with:\n  steward user add NAME --data-dir ./steward-data --role admin --password-stdin\n",
        "the output is the hint alone, no log lines"
    );
    for words in [
        "smtp_host=smtp.example.com",
        "smtp_port=2525",
        "smtp_username=steward",
        "smtp_password=(set)",
        "from=Steward <steward@example.com>",
        "imap_host=imap.example.com",
        "imap_port=993",
        "imap_username=desk",
        "imap_password=(set)",
        "public_url=https://desk.example.com",
    ] {
        assert!(logs.contains(words), "the start-up log says {words:?}: {logs}");
    }
    assert!(!logs.contains("hunter2"), "no secret in the log: {logs}");
    assert!(!logs.contains("There is no admin user"), "the hint is output, not a log line");

    let port = free_port();
    let _again = start(d, port, &[("STEWARD_LOG_LEVEL", "warn")]);
    assert!(ready(port), "a stale lock file does not block the next start");
}

#[test]
fn serve_is_quiet_about_admins_once_there_is_one() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(steward(d, &["migrate"], None).status.success());
    let out = steward(d, &["user", "add", "root", "--role", "admin"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let port = free_port();
    let mut s = start(d, port, &[]);
    assert!(ready(port));
    s.0.kill().unwrap();
    s.0.wait().unwrap();
    let mut stdout = String::new();
    s.0.stdout.take().unwrap().read_to_string(&mut stdout).unwrap();
    assert_eq!(stdout, "", "no hint, and no log line on standard output");
    let mut logs = String::new();
    s.0.stderr.take().unwrap().read_to_string(&mut logs).unwrap();
    assert!(logs.contains("mail out: off (no mail.smtp_host)"), "{logs}");
    assert!(logs.contains("IMAP polling off"), "{logs}");
    assert!(!logs.contains("autovacuum"), "SQLite has none: {logs}");
}

#[test]
fn log_lines_never_mix_into_a_commands_output() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // The default log level (info), as an operator runs it.
    let out = run_bare(d, &["migrate"], &[], None);
    assert!(out.status.success());
    assert_eq!(text(&out.stdout).lines().count(), 1, "one line of output: {}", text(&out.stdout));
    assert!(text(&out.stderr).contains("applied migration"), "the log is on standard error: {}", text(&out.stderr));
    let out = run_bare(d, &["user", "add", "anna", "--role", "requester", "--email", "anna@example.com"], &[], None);
    assert_eq!(
        text(&out.stdout),
        "created user anna\nanna cannot sign in until a password is set: steward user passwd anna (reads it from standard input)\n"
    );
    let out = run_bare(d, &["user", "list"], &[], None);
    let listed = text(&out.stdout);
    assert!(listed.starts_with("USERNAME ") && listed.lines().nth(1).unwrap_or("").starts_with("anna "), "{listed}");
    assert_eq!(listed.lines().count(), 2, "a header and one user, no log lines: {listed}");

    let stranger = "From: eve@elsewhere.test\r\nSubject: Hi\r\nMessage-ID: <p2@elsewhere.test>\r\n\r\nHello\r\n";
    let out = run_bare(d, &["mail", "ingest"], &[], Some(stranger));
    assert_eq!(out.status.code(), Some(67));
    assert_eq!(text(&out.stdout), "");
    let err = text(&out.stderr);
    assert!(err.starts_with("steward: refused: unknown sender eve@elsewhere.test"), "{err}");
    assert_eq!(err.lines().count(), 1, "the bounce text is the refusal alone: {err}");
    let out = run_bare(d, &["mail", "ingest"], &[], Some(MSG));
    assert_eq!((text(&out.stdout).as_str(), text(&out.stderr).as_str()), ("created INC0000001\n", ""));
}
