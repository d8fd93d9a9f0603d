//! A rolling restart behind a real load balancer drops no request: three
//! `steward serve` nodes on one PostgreSQL behind Debian's HAProxy, which
//! checks `/readyz`, are stopped with SIGTERM and started again one after
//! the other while clients keep creating, listing, reading and commenting
//! on incidents through the proxy over keep-alive connections. Every
//! answer is a success, every acknowledged incident is there afterwards,
//! and none was created twice.
//!
//! Needs `/usr/sbin/haproxy` (`scripts/install-proxy.sh`) and the local
//! PostgreSQL (`scripts/ensure-postgres.sh`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Server, command, drop_database, free_port, ok, pg_base, ready};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use steward_store::Store;

const HAPROXY: &str = "/usr/sbin/haproxy";

/// How long a stopping node keeps serving with `/readyz` at 503. HAProxy
/// below marks a node down after `fall` (2) failed checks `inter` (250 ms)
/// apart, so within about 0.5 s: 2 s leaves it four times that, for checks
/// slowed down by a busy machine, before the node closes its listener.
const DRAIN_SECS: u64 = 2;

/// The load never runs longer than this, whatever happens to the restarts.
const LOAD_LIMIT: Duration = Duration::from_secs(120);

/// A new PostgreSQL database for this test; its URL and name.
async fn pg_database() -> (String, String) {
    let name = format!("steward_t_rolling_{}", std::process::id());
    drop_database(&name).await;
    (Store::create_postgres_database(&pg_base(), &name).await.unwrap(), name)
}

/// `steward` with `--database-url url` (and `--data-dir dir`).
fn on<'a>(dir: &'a str, url: &'a str, args: &[&'a str]) -> Vec<&'a str> {
    let mut all = vec!["--data-dir", dir, "--database-url", url];
    all.extend_from_slice(args);
    all
}

/// One node: `steward serve` on `port` with its own data folder under `d`,
/// draining for [`DRAIN_SECS`] on SIGTERM, its log appended to
/// `node-K.log`; ready to answer.
fn node(d: &Path, url: &str, k: usize, port: u16) -> Server {
    let data = d.join(format!("node-{k}")).display().to_string();
    let listen = format!("127.0.0.1:{port}");
    let log = std::fs::OpenOptions::new().create(true).append(true).open(d.join(format!("node-{k}.log"))).unwrap();
    let drain = DRAIN_SECS.to_string();
    let env = [("STEWARD_LOG_LEVEL", "warn"), ("STEWARD_DRAIN_SECS", drain.as_str())];
    let child = command(d, &on(&data, url, &["serve", "--listen", &listen]), &env)
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap();
    let server = Server(child);
    assert!(ready(port), "node {k} did not become ready: {}", read(&d.join(format!("node-{k}.log"))));
    server
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// HAProxy's configuration: the frontend on `front`, the three nodes on
/// `nodes`, the statistics (CSV at `/stats;csv`) on `stats`.
///
/// - `option httpchk GET /readyz` with `http-check expect status 200`: a
///   draining node (503) leaves the rotation while it still serves.
/// - `inter 250ms fall 2`: down within about 0.5 s of its first 503, well
///   inside the drain; two failures, not one, so a single check slowed by a
///   busy machine does not take a healthy node out. `fastinter` and
///   `downinter` keep the same pace while a node changes state.
/// - `rise 2`: a restarted node gets requests after two good checks in a
///   row, not on the first answer of a process still settling.
/// - `timeout check 1s`: a check slower than that counts as failed.
/// - `retries 3` with `option redispatch`: a connection refused (a node
///   gone before its checks said so) is tried again, on another node. The
///   test asserts it never happens (the drain makes it needless), but a
///   proxy in production wants the safety net. `retry-on` stays at its
///   default (`conn-failure`), so a request already sent is never sent
///   twice: no create is duplicated.
/// - `timeout connect 1s` also bounds the pause before a retry.
/// - The client side is kept alive 30 s, longer than the clients' own 5 s
///   idle limit, so HAProxy never closes a connection a client is reusing.
/// - `X-Node` names the node that answered, so the test can tell that a
///   draining node still served.
fn haproxy_config(front: u16, stats: u16, nodes: &[u16]) -> String {
    let servers: String =
        nodes.iter().enumerate().map(|(k, port)| format!("    server n{k} 127.0.0.1:{port} check\n")).collect();
    format!(
        "global
    maxconn 512

defaults
    mode http
    timeout connect 1s
    timeout client 30s
    timeout server 30s
    timeout http-keep-alive 30s
    timeout http-request 10s
    timeout check 1s
    retries 3
    option redispatch

frontend front
    bind 127.0.0.1:{front}
    default_backend nodes

backend nodes
    balance roundrobin
    option httpchk GET /readyz
    http-check expect status 200
    http-response set-header X-Node %s
    default-server inter 250ms fastinter 250ms downinter 250ms fall 2 rise 2
{servers}
listen stats
    bind 127.0.0.1:{stats}
    stats enable
    stats uri /stats
"
    )
}

/// HAProxy's statistics for the backend: one row per server (`n0`…) and
/// one for the whole (`BACKEND`), each by column name (`status`, `wretr`…).
async fn haproxy_stats(http: &reqwest::Client, stats: u16) -> Vec<BTreeMap<String, String>> {
    let Ok(r) = http.get(format!("http://127.0.0.1:{stats}/stats;csv")).send().await else { return Vec::new() };
    let csv = r.text().await.unwrap_or_default();
    let mut lines = csv.lines();
    let header: Vec<String> =
        lines.next().unwrap_or("").trim_start_matches("# ").split(',').map(str::to_owned).collect();
    lines
        .map(|l| header.iter().cloned().zip(l.split(',').map(str::to_owned)).collect::<BTreeMap<_, _>>())
        .filter(|row| row.get("pxname").is_some_and(|p| p == "nodes"))
        .collect()
}

/// A server's state as HAProxy counts it (`UP`, `DOWN`, `UP 1/2` while
/// going down…); empty while the statistics do not answer.
async fn state(http: &reqwest::Client, stats: u16, server: &str) -> String {
    let rows = haproxy_stats(http, stats).await;
    rows.iter().find(|r| r["svname"] == server).map(|r| r["status"].clone()).unwrap_or_default()
}

/// Waits (at most 20 s) until HAProxy counts every server in `names` up.
async fn wait_up(http: &reqwest::Client, stats: u16, names: &[&str], haproxy_log: &Path) {
    let started = Instant::now();
    for name in names {
        loop {
            let st = state(http, stats, name).await;
            if st == "UP" {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "HAProxy does not count {name} up: {st:?}\n{}",
                read(haproxy_log)
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// One answer the load got: when, from which node, and what went wrong if
/// anything (a status other than the expected one, or a transport error).
struct Answer {
    at: Instant,
    node: String,
    error: Option<String>,
}

/// What one client did: its answers and the incidents it created (number,
/// title).
#[derive(Default)]
struct Load {
    answers: Vec<Answer>,
    created: Vec<(String, String)>,
}

/// One client: a keep-alive connection pool of its own, sending in turn a
/// create, a list, a read of one of its incidents and a comment on one,
/// until `stop` is set (or [`LOAD_LIMIT`]).
async fn client(id: usize, front: u16, token: String, stop: Arc<AtomicBool>) -> Load {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .pool_idle_timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let base = format!("http://127.0.0.1:{front}/api/v1/incidents");
    let started = Instant::now();
    let mut load = Load::default();
    let mut i = 0usize;
    while !stop.load(Ordering::Relaxed) && started.elapsed() < LOAD_LIMIT {
        i += 1;
        // Spread reads and comments over the client's incidents.
        let one = (!load.created.is_empty()).then(|| load.created[i * 7 % load.created.len()].0.clone());
        let (what, req, expect, title) = match (i % 4, one) {
            (1, Some(_)) => ("list", http.get(format!("{base}?limit=20")), 200, None),
            (2, Some(n)) => ("read", http.get(format!("{base}/{n}")), 200, None),
            (3, Some(n)) => (
                "comment",
                http.post(format!("{base}/{n}/comments")).json(&json!({"body": format!("comment {id}-{i}")})),
                201,
                None,
            ),
            _ => {
                let title = format!("rolling {id}-{i}");
                ("create", http.post(&base).json(&json!({"title": title})), 201, Some(title))
            }
        };
        let sent = req.bearer_auth(&token).send().await;
        let at = Instant::now();
        let answer = match sent {
            Err(e) => Answer { at, node: String::new(), error: Some(format!("{what}: {e:?}")) },
            Ok(r) => {
                let node = r.headers().get("x-node").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
                let status = r.status().as_u16();
                match r.text().await {
                    Err(e) => Answer { at, node, error: Some(format!("{what}: reading the body: {e:?}")) },
                    Ok(body) if status != expect => {
                        Answer { at, node, error: Some(format!("{what}: {status}: {body}")) }
                    }
                    Ok(body) => {
                        if let Some(title) = title {
                            let v: Value = serde_json::from_str(&body).unwrap();
                            load.created.push((v["number"].as_str().unwrap().to_owned(), title));
                        }
                        Answer { at, node, error: None }
                    }
                }
            }
        };
        load.answers.push(answer);
    }
    load
}

/// A node's restart as the test saw it: SIGTERM sent, HAProxy counting it
/// down, the process gone, HAProxy counting the new process up.
struct Restart {
    node: usize,
    term: Instant,
    down: Instant,
    exited: Instant,
    up: Instant,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_rolling_restart_behind_haproxy_drops_no_request() {
    assert!(
        Path::new(HAPROXY).exists(),
        "{HAPROXY} is missing: install Debian's haproxy with scripts/install-proxy.sh"
    );
    steward_channels::ensure_crypto_provider();
    let test_started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (pg, name) = pg_database().await;
    let first = d.join("node-0").display().to_string();
    ok(d, &on(&first, &pg, &["migrate"]), &[], None);
    ok(d, &on(&first, &pg, &["user", "add", "root", "--role", "admin"]), &[], None);
    let token = ok(d, &on(&first, &pg, &["token", "create", "root"]), &[], None).trim().to_owned();

    let ports: Vec<u16> = (0..3).map(|_| free_port()).collect();
    let mut nodes: Vec<Server> = ports.iter().enumerate().map(|(k, &p)| node(d, &pg, k, p)).collect();
    let (front, stats) = (free_port(), free_port());
    std::fs::write(d.join("haproxy.cfg"), haproxy_config(front, stats, &ports)).unwrap();
    let haproxy_log = d.join("haproxy.log");
    let _haproxy = Server(
        std::process::Command::new(HAPROXY)
            .args(["-f", &d.join("haproxy.cfg").display().to_string(), "-db"])
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&haproxy_log).unwrap())
            .spawn()
            .unwrap(),
    );
    let http = reqwest::Client::new();
    wait_up(&http, stats, &["n0", "n1", "n2"], &haproxy_log).await;

    let stop = Arc::new(AtomicBool::new(false));
    let clients: Vec<_> = (0..4).map(|id| tokio::spawn(client(id, front, token.clone(), stop.clone()))).collect();
    // The load runs a moment on all three nodes before the first stops.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let mut restarts = Vec::new();
    for k in 0..3 {
        let pid = nodes[k].0.id().to_string();
        let term = Instant::now();
        assert!(std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
        // HAProxy must take the node out while it still serves: the
        // drain, not a refused connection, moves the traffic.
        let limit = Duration::from_secs(DRAIN_SECS + 5);
        let mut down = None;
        let status = loop {
            if let Some(status) = nodes[k].0.try_wait().unwrap() {
                break status;
            }
            if down.is_none() && state(&http, stats, &format!("n{k}")).await == "DOWN" {
                down = Some(Instant::now());
            }
            assert!(term.elapsed() < limit, "node {k} did not exit within {limit:?} of SIGTERM");
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        let exited = Instant::now();
        let down = down.unwrap_or_else(|| panic!("HAProxy still counted n{k} up when it exited"));
        assert!(status.success(), "node {k} exited with {status}: {}", read(&d.join(format!("node-{k}.log"))));
        assert!(exited - term >= Duration::from_secs(DRAIN_SECS), "node {k} stopped before its drain was over");
        nodes[k] = tokio::task::block_in_place(|| node(d, &pg, k, ports[k]));
        wait_up(&http, stats, &[&format!("n{k}")], &haproxy_log).await;
        restarts.push(Restart { node: k, term, down, exited, up: Instant::now() });
        // The restarted node takes its share before the next one stops.
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    stop.store(true, Ordering::Relaxed);
    let mut load = Load::default();
    for c in clients {
        let l = c.await.unwrap();
        load.answers.extend(l.answers);
        load.created.extend(l.created);
    }

    let dropped: Vec<String> =
        load.answers.iter().filter_map(|a| a.error.as_ref().map(|e| format!("[{}] {e}", a.node))).collect();
    let count = |from: Instant, to: Instant, node: Option<&str>| {
        load.answers.iter().filter(|a| a.at >= from && a.at <= to && node.is_none_or(|n| a.node == n)).count()
    };
    // HAProxy's own counts for the backend: with the drain doing its work
    // it never met a refused connection or a cut answer, so it never had
    // to retry or redispatch a request either.
    let backend = haproxy_stats(&http, stats).await.into_iter().find(|r| r["svname"] == "BACKEND").unwrap();
    let counters: Vec<String> =
        ["econ", "eresp", "wretr", "wredis", "hrsp_5xx"].iter().map(|c| format!("{c}={}", backend[*c])).collect();
    let mut report = format!(
        "{} answers, {} incidents created; HAProxy: {}",
        load.answers.len(),
        load.created.len(),
        counters.join(" ")
    );
    for r in &restarts {
        report += &format!(
            "; n{}: {} answered while it drained ({} by itself), {} while it was out; counted down {:?} after \
             SIGTERM, stopped after {:?}, counted up {:?} later",
            r.node,
            count(r.term, r.exited, None),
            count(r.term, r.exited, Some(&format!("n{}", r.node))),
            count(r.exited, r.up, None),
            r.down - r.term,
            r.exited - r.term,
            r.up - r.exited,
        );
    }
    eprintln!("{report}");
    assert!(dropped.is_empty(), "{} dropped request(s): {dropped:#?}\n{report}", dropped.len());
    assert!(counters.iter().all(|c| c.ends_with("=0")), "HAProxy met failed connections or answers: {report}");
    assert!(load.answers.len() >= 300, "too little load to mean much: {report}");
    for r in &restarts {
        assert!(count(r.term, r.exited, None) >= 10, "too few requests during n{}'s drain: {report}", r.node);
    }
    for k in 0..3 {
        assert!(count(test_started, Instant::now(), Some(&format!("n{k}"))) > 0, "n{k} never answered: {report}");
    }

    // Every acknowledged create is there, read through a node directly,
    // and nothing was created that was not acknowledged or twice.
    let direct = format!("http://127.0.0.1:{}/api/v1/incidents", ports[0]);
    for (number, title) in &load.created {
        let r = http.get(format!("{direct}/{number}")).bearer_auth(&token).send().await.unwrap();
        assert_eq!(r.status(), 200, "{number}");
        assert_eq!(r.json::<Value>().await.unwrap()["title"], title.as_str(), "{number}");
    }
    let titles: Vec<(String, i64)> = {
        use sqlx::Connection;
        let mut c = sqlx::PgConnection::connect(&pg).await.unwrap();
        sqlx::query_as("SELECT title, count(*) FROM records WHERE kind = 'incident' GROUP BY title")
            .fetch_all(&mut c)
            .await
            .unwrap()
    };
    let twice: Vec<_> = titles.iter().filter(|(_, n)| *n > 1).collect();
    assert!(twice.is_empty(), "created more than once: {twice:?}");
    assert_eq!(titles.len(), load.created.len(), "the database holds exactly the acknowledged incidents");

    drop(nodes);
    drop_database(&name).await;
}
