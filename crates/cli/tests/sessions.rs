//! `steward user passwd` and `user deactivate` while a server runs: the
//! server stops accepting the user's sessions within about a second (it
//! watches the credentials revision), not after its 10-second cache.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Server, steward};

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The status line's code of `GET path` with a session cookie.
fn status(port: u16, path: &str, cookie: &str) -> Option<u16> {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    let req = format!("GET {path} HTTP/1.1\r\nHost: x\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n");
    s.write_all(req.as_bytes()).ok()?;
    let mut resp = String::new();
    let _ = s.read_to_string(&mut resp);
    resp.get(9..12)?.parse().ok()
}

fn serve(dir: &Path) -> (Server, u16) {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new(env!("CARGO_BIN_EXE_steward"))
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .current_dir(dir)
        .env("STEWARD_LOG_LEVEL", "warn")
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let server = Server(child);
    let started = Instant::now();
    while status(port, "/readyz", "").is_none_or(|s| s != 200) {
        assert!(started.elapsed() < Duration::from_secs(20), "the server became ready");
        std::thread::sleep(Duration::from_millis(50));
    }
    (server, port)
}

/// Signs `user` in through the library on the server's own database, as
/// a browser would through the form; gives the session cookie.
async fn session_of(dir: &Path, user: &str, password: &str) -> String {
    let url = format!("sqlite://{}/steward-data/steward.db", dir.display());
    let store = steward_store::Store::connect(&url, &Default::default()).await.unwrap();
    let app = steward_app::App::new(store.clone(), Default::default());
    let (_, s) = app.login(user, password, [127, 0, 0, 1].into()).await.unwrap();
    store.close().await;
    format!("steward_session={}", s.token)
}

/// Waits up to 3 s for the session to be refused; how long it took.
fn refused_within(port: u16, cookie: &str) -> Duration {
    let started = Instant::now();
    while status(port, "/api/v1/me", cookie) != Some(401) {
        assert!(started.elapsed() < Duration::from_secs(3), "the session was still accepted after 3 s");
        std::thread::sleep(Duration::from_millis(50));
    }
    started.elapsed()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn passwd_and_deactivate_end_sessions_of_a_running_server() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(steward(d, &["migrate"], None).status.success());
    for name in ["alice", "bob"] {
        let out = steward(d, &["user", "add", name, "--role", "agent", "--password-stdin"], Some("a long password\n"));
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let (_server, port) = serve(d);
    let (alice, bob) = (session_of(d, "alice", "a long password").await, session_of(d, "bob", "a long password").await);
    assert_eq!((status(port, "/api/v1/me", &alice), status(port, "/api/v1/me", &bob)), (Some(200), Some(200)));

    let out = steward(d, &["user", "passwd", "alice"], Some("a new long password\n"));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    refused_within(port, &alice);
    assert_eq!(status(port, "/api/v1/me", &bob), Some(200), "other users keep their sessions");

    let out = steward(d, &["user", "deactivate", "bob"], None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    refused_within(port, &bob);
    let out = steward(d, &["user", "list"], None);
    let list = String::from_utf8_lossy(&out.stdout).into_owned();
    let bob = list.lines().find(|l| l.starts_with("bob ")).unwrap_or_default();
    assert!(bob.contains(" deactivated "), "listed as deactivated: {list}");
    let out = steward(d, &["user", "reactivate", "bob"], None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let bob = session_of(d, "bob", "a long password").await;
    assert_eq!(status(port, "/api/v1/me", &bob), Some(200));
    let out = steward(d, &["user", "deactivate", "nobody"], None);
    assert!(!out.status.success());
}
