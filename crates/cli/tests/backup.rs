//! `steward backup` and `steward restore` as an operator runs them: a round
//! trip leaves every table identical, row for row (attachments are rows);
//! SQLite moves to PostgreSQL and back through the same archive; a restored
//! copy acts on nothing until `steward workers resume`; a used target, a
//! damaged archive and one from a newer schema are refused with nothing
//! written. And two servers on one PostgreSQL share their attachments.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
#[path = "../../channels/tests/support/smtpd.rs"]
mod smtpd;

use common::{Server, drop_database, file_bytes, free_port, ok, pg_base, refused, sha};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::Path;
use std::time::{Duration, Instant};
use steward_store::{Store, dump};

/// A new PostgreSQL database for this test; its URL and name.
async fn pg_database(tag: &str) -> (String, String) {
    let name = format!("steward_t_backup_{tag}_{}", std::process::id());
    drop_database(&name).await;
    (Store::create_postgres_database(&pg_base(), &name).await.unwrap(), name)
}

fn sqlite_url(dir: &Path) -> String {
    format!("sqlite://{}/steward.db", dir.display())
}

/// Every copied table's rows, columns by name and rows sorted, and the
/// records' number counters: what must survive a round trip.
async fn contents(url: &str) -> BTreeMap<String, Vec<String>> {
    let store = Store::connect(url, &Default::default()).await.unwrap();
    let mut snap = store.snapshot().await.unwrap();
    let mut out = BTreeMap::new();
    for t in snap.tables().await.unwrap() {
        let mut names = t.column_names();
        names.sort();
        let t = t.pick(&names).unwrap();
        let mut lines = Vec::new();
        snap.rows(&t, |row| {
            lines.push(dump::encode_row(&row)?);
            Ok(())
        })
        .await
        .unwrap();
        lines.sort();
        out.insert(format!("{} {names:?}", t.name), lines);
    }
    let numbers = snap.numbers().await.unwrap();
    out.insert("numbers".into(), numbers.iter().map(|(k, v)| format!("{k}={v}")).collect());
    snap.end().await.unwrap();
    store.close().await;
    out
}

/// The database's indexes, triggers and constraints with their
/// definitions: a restore drops indexes while loading and builds them
/// again, so a copy's schema must read as its source's (same backend).
async fn schema(url: &str) -> Vec<String> {
    use sqlx::Connection;
    if url.starts_with("sqlite") {
        let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
        sqlx::query_scalar(
            "SELECT type || ' ' || name || ' ' || COALESCE(sql, '') FROM sqlite_master
             WHERE type IN ('index', 'trigger') ORDER BY 1",
        )
        .fetch_all(&mut c)
        .await
        .unwrap()
    } else {
        let mut c = sqlx::PgConnection::connect(url).await.unwrap();
        sqlx::query_scalar(
            "SELECT indexname || ' ' || indexdef FROM pg_indexes WHERE schemaname = current_schema()
             UNION ALL SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint
             WHERE connamespace = current_schema()::regnamespace ORDER BY 1",
        )
        .fetch_all(&mut c)
        .await
        .unwrap()
    }
}

fn assert_same(a: &BTreeMap<String, Vec<String>>, b: &BTreeMap<String, Vec<String>>) {
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>(), "the same tables and columns");
    for (t, rows) in a {
        assert!(rows == &b[t], "{t}: {} rows, then {} rows, or different ones", rows.len(), b[t].len());
    }
}

/// The audit chain of the copy at `b` verifies, with the head of `a`'s.
fn assert_same_chain(d: &Path, a: &str, b: &str) {
    let verify = |url: &str| ok(d, &["--database-url", url, "audit", "verify"], &[], None);
    let (a, b) = (verify(a), verify(b));
    assert!(a.starts_with("audit log verified: "), "{a}");
    assert_eq!(a, b);
}

/// `steward` with `--database-url url` (and `--data-dir dir`).
fn on<'a>(dir: &'a str, url: &'a str, args: &[&'a str]) -> Vec<&'a str> {
    let mut all = vec!["--data-dir", dir, "--database-url", url];
    all.extend_from_slice(args);
    all
}

/// `steward serve` on `url`, ready to answer, with mail going to `smtp`.
async fn serve(d: &Path, url: &str, port: u16, smtp: u16, extra: &[&str]) -> Server {
    let mut args = vec!["--database-url", url];
    args.extend_from_slice(extra);
    common::serve_with_mail(d, &args, port, smtp)
}

/// Uploads `bytes` to `number` through the server on `port`; the path
/// that downloads it.
async fn upload(port: u16, token: &str, number: &str, name: &str, bytes: &[u8]) -> String {
    let boundary = "stewardtestboundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let r = reqwest::Client::new()
        .post(format!("http://127.0.0.1:{port}/api/v1/incidents/{number}/attachments"))
        .bearer_auth(token)
        .header("Content-Type", format!("multipart/form-data; boundary={boundary}"))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let a: serde_json::Value = r.json().await.unwrap();
    format!("/api/v1/incidents/{number}/attachments/{}", a["id"])
}

/// The SHA-256 of what the server on `port` sends for `path`.
async fn download(port: u16, token: &str, path: &str) -> String {
    let r =
        reqwest::Client::new().get(format!("http://127.0.0.1:{port}{path}")).bearer_auth(token).send().await.unwrap();
    assert_eq!(r.status(), 200, "{path}");
    sha(&r.bytes().await.unwrap())
}

/// Bytes that do not compress away, more than two chunks of them.
fn big_file() -> Vec<u8> {
    file_bytes(1, 2 * 1024 * 1024 + 12345)
}

/// A demo's data at `url` with an admin token and two attachments on
/// INC0000001 (one of three chunks), uploaded through a server that runs
/// no workers; the backup is taken while that server serves.
async fn seeded_backup(d: &Path, url: &str, archive: &str, smtp: u16) -> (String, Vec<(String, String)>) {
    let data = d.join("src").display().to_string();
    ok(d, &on(&data, url, &["demo", "--incidents", "30", "--no-serve"]), &[], None);
    let token = ok(d, &on(&data, url, &["token", "create", "admin"]), &[], None).trim().to_owned();
    let port = free_port();
    let _server = serve(d, url, port, smtp, &["--data-dir", &data, "--no-workers"]).await;
    let big = big_file();
    let mut files = Vec::new();
    for (name, bytes) in [("big.bin", big.as_slice()), ("note.txt", b"a small note".as_slice())] {
        let path = upload(port, &token, "INC0000001", name, bytes).await;
        assert_eq!(download(port, &token, &path).await, sha(bytes));
        files.push((path, sha(bytes)));
    }
    let out = ok(d, &on(&data, url, &["backup", archive]), &[], None);
    assert!(out.starts_with(&format!("backup written to {archive}: ")), "{out}");
    (token, files)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restored_copy_is_identical_and_sends_nothing_until_resumed() {
    steward_channels::ensure_crypto_provider();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let smtp = smtpd::SmtpServer::start();
    let source = sqlite_url(&d.join("src"));
    let (token, files) = seeded_backup(d, &source, "demo.tar.gz", smtp.port).await;
    assert!(smtp.messages().is_empty(), "serve --no-workers sent no mail");

    let copy = d.join("copy").display().to_string();
    let out = ok(d, &["--data-dir", &copy, "restore", "demo.tar.gz"], &[], None);
    assert!(out.contains(&format!("until `steward workers resume --data-dir {copy}`")), "{out}");
    // The copy holds what the source held, row for row (attachments are
    // rows), and the setting that holds its work.
    let copy_url = sqlite_url(Path::new(&copy));
    let mut got = contents(&copy_url).await;
    let settings = got.iter_mut().find(|(t, _)| t.starts_with("settings ")).unwrap().1;
    let before = settings.len();
    settings.retain(|row| !row.starts_with("[\"workers.held\""));
    assert_eq!(settings.len(), before - 1);
    assert_same(&contents(&source).await, &got);
    assert_same_chain(d, &source, &copy_url);
    let indexes = schema(&copy_url).await;
    assert!(indexes.len() > 50 && indexes.iter().any(|i| i.contains("CREATE INDEX")), "{indexes:?}");
    assert_eq!(schema(&source).await, indexes);
    assert_eq!(
        ok(d, &["--data-dir", &copy, "workers", "status"], &[], None).trim(),
        format!("held: restored from a backup taken {}", taken(&d.join("demo.tar.gz")))
    );

    // Served, the copy answers everything, and sends nothing.
    let port = free_port();
    let server = serve(d, &copy_url, port, smtp.port, &["--data-dir", &copy]).await;
    for (path, hash) in &files {
        assert_eq!(&download(port, &token, path).await, hash, "{path}");
    }
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert!(smtp.messages().is_empty(), "a held copy sent mail");
    assert_eq!(ok(d, &["--data-dir", &copy, "workers", "resume"], &[], None).trim(), "background work resumed");
    let started = Instant::now();
    while smtp.messages().is_empty() {
        assert!(started.elapsed() < Duration::from_secs(30), "the resumed copy sent no mail");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    drop(server);

    // A second restore into the same folder is refused.
    let err = refused(d, &["--data-dir", &copy, "restore", "demo.tar.gz"], &[]);
    assert!(err.contains(&format!("{copy}/steward.db already exists: restore into an empty data folder")), "{err}");
}

/// The time a backup says it was taken.
fn taken(archive: &Path) -> String {
    let mut a = tar::Archive::new(flate2::read::GzDecoder::new(std::fs::File::open(archive).unwrap()));
    let mut first = a.entries().unwrap().next().unwrap().unwrap();
    let mut text = String::new();
    first.read_to_string(&mut text).unwrap();
    let m: serde_json::Value = serde_json::from_str(&text).unwrap();
    m["created_at"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_moves_to_postgres_and_back() {
    steward_channels::ensure_crypto_provider();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let source = sqlite_url(&d.join("src"));
    let (token, files) = seeded_backup(d, &source, "sqlite.tar.gz", free_port()).await;
    let want = contents(&source).await;

    let (pg, name) = pg_database("move").await;
    let data = d.join("pg").display().to_string();
    // Rows are checked as they load: an altered table met halfway rolls
    // back the tables loaded before it, the migrations too.
    rewrite(
        &d.join("sqlite.tar.gz"),
        &d.join("altered.tar.gz"),
        |_| {},
        |t, r| {
            // The journal without its last entry.
            if t == "journal" {
                r.trim_end().rsplit_once('\n').map(|(kept, _)| format!("{kept}\n")).unwrap()
            } else {
                r
            }
        },
    );
    let err = refused(d, &on(&data, &pg, &["restore", "altered.tar.gz"]), &[]);
    assert!(err.contains("altered.tar.gz is truncated or damaged: the rows of journal do not match"), "{err}");
    assert!(Store::connect(&pg, &Default::default()).await.unwrap().is_blank().await.unwrap(), "nothing was written");
    ok(d, &on(&data, &pg, &["restore", "sqlite.tar.gz"]), &[], None);
    ok(d, &on(&data, &pg, &["workers", "resume"]), &[], None);
    assert_same(&want, &contents(&pg).await);
    assert_same_chain(d, &source, &pg);
    // Served from PostgreSQL: the files, and new work numbered after the old.
    let port = free_port();
    let server = serve(d, &pg, port, free_port(), &["--data-dir", &data, "--no-workers"]).await;
    for (path, hash) in &files {
        assert_eq!(&download(port, &token, path).await, hash, "{path}");
    }
    let r = reqwest::Client::new()
        .post(format!("http://127.0.0.1:{port}/api/v1/incidents"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"title": "After the move"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let last: i64 = want["numbers"].iter().find_map(|n| n.strip_prefix("incident=")).unwrap().parse().unwrap();
    assert_eq!(r.json::<serde_json::Value>().await.unwrap()["number"], format!("INC{:07}", last + 1));
    drop(server);

    // And back: PostgreSQL's archive restores into a new SQLite folder.
    ok(d, &on(&data, &pg, &["backup", "pg.tar.gz"]), &[], None);
    let back = d.join("back").display().to_string();
    ok(d, &["--data-dir", &back, "restore", "pg.tar.gz"], &[], None);
    ok(d, &["--data-dir", &back, "workers", "resume"], &[], None);
    assert_same(&contents(&pg).await, &contents(&sqlite_url(Path::new(&back))).await);
    assert_same_chain(d, &pg, &sqlite_url(Path::new(&back)));
    // And into another PostgreSQL database.
    let (pg2, name2) = pg_database("again").await;
    ok(d, &on(&data, &pg2, &["restore", "pg.tar.gz"]), &[], None);
    ok(d, &on(&data, &pg2, &["workers", "resume"]), &[], None);
    assert_same(&contents(&pg).await, &contents(&pg2).await);
    assert_same_chain(d, &pg, &pg2);
    assert_eq!(schema(&pg).await, schema(&pg2).await);
    drop_database(&name2).await;

    // A database that holds anything is refused, and left as it was.
    let before = contents(&pg).await;
    let err = refused(d, &on(&data, &pg, &["restore", "sqlite.tar.gz"]), &[]);
    assert!(err.contains(&format!("the database {pg} is not empty: restore into an empty database")), "{err}");
    assert_same(&before, &contents(&pg).await);
    drop_database(&name).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_on_one_postgres_share_attachments() {
    steward_channels::ensure_crypto_provider();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (pg, name) = pg_database("nodes").await;
    let (a_dir, b_dir) = (d.join("a").display().to_string(), d.join("b").display().to_string());
    ok(d, &on(&a_dir, &pg, &["migrate"]), &[], None);
    ok(d, &on(&a_dir, &pg, &["user", "add", "root", "--role", "admin"]), &[], None);
    let token = ok(d, &on(&a_dir, &pg, &["token", "create", "root"]), &[], None).trim().to_owned();
    let (pa, pb) = (free_port(), free_port());
    let _a = serve(d, &pg, pa, free_port(), &["--data-dir", &a_dir, "--no-workers"]).await;
    let _b = serve(d, &pg, pb, free_port(), &["--data-dir", &b_dir, "--no-workers"]).await;
    let r = reqwest::Client::new()
        .post(format!("http://127.0.0.1:{pa}/api/v1/incidents"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"title": "Shared files"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let big = big_file();
    let path = upload(pa, &token, "INC0000001", "big.bin", &big).await;
    assert_eq!(download(pb, &token, &path).await, sha(&big), "node B sends what node A took in");
    assert!(!Path::new(&a_dir).join("attachments").exists(), "no node keeps files of its own");
    drop_database(&name).await;
}

/// The archive at `from` with `edit` applied to its manifest (as JSON) and
/// to each table's rows (by table name), written to `to`.
fn rewrite(
    from: &Path,
    to: &Path,
    edit_manifest: impl Fn(&mut serde_json::Value),
    edit_rows: impl Fn(&str, String) -> String,
) {
    let mut a = tar::Archive::new(flate2::read::GzDecoder::new(std::fs::File::open(from).unwrap()));
    let gz = flate2::write::GzEncoder::new(std::fs::File::create(to).unwrap(), flate2::Compression::fast());
    let mut out = tar::Builder::new(gz);
    for e in a.entries().unwrap() {
        let mut e = e.unwrap();
        let path = e.path().unwrap().to_string_lossy().into_owned();
        let mut text = String::new();
        e.read_to_string(&mut text).unwrap();
        let text = if path == "manifest.json" {
            let mut m: serde_json::Value = serde_json::from_str(&text).unwrap();
            edit_manifest(&mut m);
            m.to_string()
        } else {
            edit_rows(path.trim_start_matches("tables/").trim_end_matches(".jsonl"), text)
        };
        let mut h = tar::Header::new_gnu();
        h.set_size(text.len() as u64);
        h.set_mode(0o644);
        out.append_data(&mut h, &path, text.as_bytes()).unwrap();
    }
    out.into_inner().unwrap().finish().unwrap().flush().unwrap();
}

#[test]
fn bad_archives_and_used_targets_are_refused_with_nothing_written() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["migrate"], &[], None);
    ok(d, &["user", "add", "anna", "--role", "agent"], &[], None);
    ok(d, &["backup", "good.tar.gz"], &[], None);
    let err = refused(d, &["backup", "good.tar.gz"], &[]);
    assert!(err.contains("good.tar.gz already exists; choose a new file"), "{err}");

    let bytes = std::fs::read(d.join("good.tar.gz")).unwrap();
    std::fs::write(d.join("truncated.tar.gz"), &bytes[..bytes.len() / 2]).unwrap();
    std::fs::write(d.join("junk.tar.gz"), b"not an archive at all").unwrap();
    let latest = steward_store::migrate::SQLITE.last().unwrap().version;
    rewrite(&d.join("good.tar.gz"), &d.join("newer.tar.gz"), |m| m["schema_version"] = (latest + 1).into(), |_, r| r);
    rewrite(&d.join("good.tar.gz"), &d.join("format.tar.gz"), |m| m["format_version"] = 2.into(), |_, r| r);
    rewrite(
        &d.join("good.tar.gz"),
        &d.join("tampered.tar.gz"),
        |_| {},
        |t, r| if t == "users" { r.replace("anna", "eve") } else { r },
    );
    let cases = [
        ("truncated.tar.gz", "truncated.tar.gz is truncated or damaged".to_owned()),
        ("junk.tar.gz", "junk.tar.gz is not a steward backup".to_owned()),
        ("missing.tar.gz", "cannot open missing.tar.gz".to_owned()),
        (
            "newer.tar.gz",
            format!(
                "newer.tar.gz was taken at schema {}, newer than this steward (which knows schema {latest})",
                latest + 1
            ),
        ),
        ("format.tar.gz", "format.tar.gz is a backup of format 2, which this steward cannot read".to_owned()),
        (
            "tampered.tar.gz",
            "tampered.tar.gz is truncated or damaged: the rows of users do not match the manifest".to_owned(),
        ),
    ];
    for (file, why) in cases {
        let err = refused(d, &["--data-dir", "copy", "restore", file], &[]);
        assert!(err.contains(&why), "{file}: {err}");
        assert!(!err.contains("panicked"), "{err}");
        assert!(!d.join("copy/steward.db").exists(), "{file}: nothing was written");
    }
    let err = refused(d, &["restore", "good.tar.gz"], &[]);
    assert!(err.contains("steward-data/steward.db already exists: restore into an empty data folder"), "{err}");
    let out = ok(d, &["--data-dir", "copy", "restore", "good.tar.gz"], &[], None);
    assert!(out.starts_with("restored "), "{out}");
    assert!(ok(d, &["--data-dir", "copy", "user", "list"], &[], None).contains("anna"));
}
