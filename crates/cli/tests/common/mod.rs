//! What every test of the `steward` binary needs: running it with a clean
//! environment, reading its output, a server that cannot outlive its test,
//! and plain HTTP requests to it while it starts.

// Each test binary includes this module and uses a part of it.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// `steward` in `dir` with nothing from the caller's environment but
/// `PATH`, plus `env`; `stdin` is piped in.
pub fn command(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_steward"));
    cmd.args(args)
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .envs(env.iter().copied());
    cmd
}

/// Runs steward as [`command`] sets it up and waits for it.
pub fn run_bare(dir: &Path, args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Output {
    let mut child =
        command(dir, args, env).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(s) = stdin {
        input.write_all(s.as_bytes()).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

/// As [`run_bare`], logging only warnings unless `env` says otherwise.
pub fn run(dir: &Path, args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Output {
    let mut all = vec![("STEWARD_LOG_LEVEL", "warn")];
    all.extend_from_slice(env);
    run_bare(dir, args, &all, stdin)
}

pub fn steward(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    run(dir, args, &[], stdin)
}

/// Runs a command that must succeed; its standard output.
pub fn ok(dir: &Path, args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> String {
    let out = run(dir, args, env, stdin);
    assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
    text(&out.stdout)
}

/// Runs a command that must fail; its standard error.
pub fn refused(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> String {
    let out = run(dir, args, env, None);
    assert!(!out.status.success(), "{args:?} succeeded");
    text(&out.stderr)
}

pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The PostgreSQL server tests create their databases on.
pub fn pg_base() -> String {
    std::env::var("STEWARD_TEST_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// Drops a test's PostgreSQL database, connections and all.
pub async fn drop_database(name: &str) {
    use sqlx::Connection;
    let mut c = sqlx::PgConnection::connect(&pg_base()).await.unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")))
        .execute(&mut c)
        .await
        .unwrap();
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A `steward serve` (or any child) killed and reaped when dropped, so a
/// failing test leaves no server behind.
pub struct Server(pub Child);

impl Server {
    /// SIGKILL: no shutdown, no flush beyond what was committed.
    pub fn kill(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// One raw HTTP/1.1 request, retried for up to 20 s while the server
/// starts; the whole answer.
fn request(port: u16, req: &str) -> String {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(20) {
        if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            s.write_all(req.as_bytes()).unwrap();
            let mut resp = String::new();
            let _ = s.read_to_string(&mut resp);
            if !resp.is_empty() {
                return resp;
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("the server did not answer on port {port}");
}

/// One GET with a bearer token; the whole answer.
pub fn get(port: u16, path: &str, token: &str) -> String {
    request(
        port,
        &format!("GET {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"),
    )
}

/// One request with a bearer token and a JSON body; the whole answer.
pub fn call(port: u16, method: &str, path: &str, token: &str, body: &str) -> String {
    request(
        port,
        &format!(
            "{method} {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ),
    )
}

/// Whether the server on `port` says it is ready within 20 s.
pub fn ready(port: u16) -> bool {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(20) {
        if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            s.write_all(b"GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
            let mut resp = String::new();
            let _ = s.read_to_string(&mut resp);
            if resp.starts_with("HTTP/1.1 200") {
                return true;
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

/// `steward serve ARGS…` in `dir` on `port`, its mail going to a relay on
/// `smtp_port` (retried after a second), ready to answer.
pub fn serve_with_mail(dir: &Path, args: &[&str], port: u16, smtp_port: u16) -> Server {
    let smtp_port = smtp_port.to_string();
    let env = [
        ("STEWARD_LOG_LEVEL", "warn"),
        ("STEWARD_MAIL_SMTP_HOST", "127.0.0.1"),
        ("STEWARD_MAIL_SMTP_PORT", smtp_port.as_str()),
        ("STEWARD_MAIL_SMTP_TLS", "none"),
        ("STEWARD_MAIL_FROM", "Steward <desk@steward.test>"),
        ("STEWARD_NOTIFICATIONS_RETRY_BASE_SECS", "1"),
    ];
    let listen = format!("127.0.0.1:{port}");
    let mut all = vec!["serve", "--listen", &listen];
    all.extend_from_slice(args);
    let child = command(dir, &all, &env).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
    let server = Server(child);
    assert!(ready(port), "the server did not become ready");
    server
}

/// `len` bytes that no compression shrinks, different for each `seed`
/// (xorshift64): attachments to upload and compare by hash.
pub fn file_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

/// The hex SHA-256 of `bytes`, as the attachment API names files.
pub fn sha(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(bytes))
}
