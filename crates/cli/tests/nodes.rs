//! Three `steward serve` nodes on one PostgreSQL under a mixed load
//! (creates, updates, comments, attachments, lists, SLA warnings and
//! breaches, mail through the outbox), spread across the nodes, with one
//! node killed by SIGKILL in the middle and started again. Afterwards every
//! acknowledged write is there, every SLA event happened exactly once,
//! every e-mail was enqueued once and delivered at least once (a second
//! delivery carries the same Message-ID), and every node answers the same
//! for every record and attachment.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
#[path = "../../channels/tests/support/smtpd.rs"]
mod smtpd;

use common::{Server, command, drop_database, file_bytes, free_port, ok, pg_base, sha};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};
use steward_store::Store;

/// How long the load runs, and when (from its start) the node is killed
/// and started again.
const LOAD: Duration = Duration::from_secs(16);
const KILL_AT: Duration = Duration::from_secs(6);
const RESTART_AFTER: Duration = Duration::from_secs(3);
/// Client tasks; each sends its requests to the nodes in turn.
const CLIENTS: usize = 6;
/// The SLA's resolution target (seconds) and its warning threshold:
/// every incident is warned and breached once during the test.
const RESOLUTION_SECS: i64 = 20;
const WARN_PERCENT: i64 = 50;
/// How long the test waits for the breaches and the mail: the last
/// breach, plus the SLA timer's and the outbox's leases (60 s each) should
/// the killed node have held them, plus margin.
const SETTLE: Duration = Duration::from_secs(150);

/// One node: its port, data folder and log file, on the shared database.
struct Node {
    port: u16,
    data: PathBuf,
    log: PathBuf,
}

impl Node {
    /// Starts `steward serve` (not waiting for it), its log appended to
    /// its file; mail goes to the relay on `smtp`.
    fn start(&self, d: &Path, pg: &str, smtp: u16) -> Server {
        let (port, smtp) = (self.port.to_string(), smtp.to_string());
        let data = self.data.display().to_string();
        let env = [
            ("STEWARD_LOG_LEVEL", "warn"),
            ("STEWARD_DATABASE_URL", pg),
            ("STEWARD_DATA_DIR", data.as_str()),
            ("STEWARD_MAIL_SMTP_HOST", "127.0.0.1"),
            ("STEWARD_MAIL_SMTP_PORT", smtp.as_str()),
            ("STEWARD_MAIL_SMTP_TLS", "none"),
            ("STEWARD_MAIL_FROM", "Steward <desk@steward.test>"),
            ("STEWARD_NOTIFICATIONS_RETRY_BASE_SECS", "1"),
            // A message the killed node was sending goes out from another
            // node a minute later (the least allowed; 5 by default).
            ("STEWARD_NOTIFICATIONS_LEASE_SECS", "60"),
        ];
        let log = std::fs::OpenOptions::new().create(true).append(true).open(&self.log).unwrap();
        let listen = format!("127.0.0.1:{port}");
        let child = command(d, &["serve", "--listen", &listen], &env)
            .stdout(Stdio::null())
            .stderr(Stdio::from(log))
            .spawn()
            .unwrap();
        Server(child)
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

/// What a client was told had been done (acknowledged: a 2xx answer), per
/// incident it created.
#[derive(Default, Debug)]
struct Acked {
    number: String,
    title: String,
    comments: Vec<String>,
    /// Descriptions sent in order; `acked` marks those answered 200. The
    /// last one sent may have been written though its answer was lost.
    descriptions: Vec<(String, bool)>,
    files: Vec<(String, String)>,
}

/// Requests sent and how they ended.
#[derive(Default, Debug)]
struct Tally {
    ok: usize,
    /// No answer (the node was down or died mid-request).
    unanswered: usize,
    /// Answers that are neither success nor a refusal: none may happen.
    errors: Vec<String>,
}

impl Tally {
    /// Whether the request succeeded; a 5xx or an unexpected status is
    /// kept as an error, a transport failure counted.
    fn ended(&mut self, what: &str, r: Result<reqwest::StatusCode, reqwest::Error>, want: u16) -> bool {
        match r {
            Ok(s) if s.as_u16() == want => {
                self.ok += 1;
                true
            }
            Ok(s) => {
                self.errors.push(format!("{what}: {s}"));
                false
            }
            Err(_) => {
                self.unanswered += 1;
                false
            }
        }
    }
}

/// Bytes that differ per file and do not compress away.
fn multipart(name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "stewardnodesboundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// One client: until `until`, creates an incident and works it (a comment,
/// a new description, every third one a file), listing between, each
/// request on the next node in turn.
async fn client(id: usize, ports: Vec<u16>, token: String, until: Instant) -> (Vec<Acked>, Tally) {
    let http = reqwest::Client::builder().timeout(Duration::from_secs(15)).build().unwrap();
    let mut turn = id;
    let mut next = move || {
        turn += 1;
        ports[turn % ports.len()]
    };
    let (mut acked, mut tally) = (Vec::new(), Tally::default());
    let mut k = 0u64;
    while Instant::now() < until {
        k += 1;
        let title = format!("Node load {id}-{k}");
        let body = json!({"title": title, "requester": "alice", "assignment_group": "Desk", "assignee": "bob"});
        let port = next();
        let r =
            http.post(format!("http://127.0.0.1:{port}/api/v1/incidents")).bearer_auth(&token).json(&body).send().await;
        let r = match r {
            Ok(r) if r.status() == 201 => r.json::<Value>().await.ok(),
            Ok(r) => {
                tally.errors.push(format!("create: {} {}", r.status(), r.text().await.unwrap_or_default()));
                None
            }
            Err(_) => {
                tally.unanswered += 1;
                None
            }
        };
        let Some(created) = r else {
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        };
        tally.ok += 1;
        let number = created["number"].as_str().unwrap().to_owned();
        let mut a = Acked { number: number.clone(), title, ..Acked::default() };
        let base = |port: u16| format!("http://127.0.0.1:{port}/api/v1/incidents/{number}");

        let text = format!("Looking at it ({id}-{k})");
        let r = http.post(format!("{}/comments", base(next()))).bearer_auth(&token).json(&json!({"body": text})).send();
        if tally.ended("comment", r.await.map(|r| r.status()), 201) {
            a.comments.push(text);
        }
        // An update names the version it read (through another node).
        let read = match http.get(base(next())).bearer_auth(&token).send().await {
            Ok(r) if r.status() == 200 => r.json::<Value>().await.ok(),
            Ok(r) => {
                tally.errors.push(format!("read: {}", r.status()));
                None
            }
            Err(_) => {
                tally.unanswered += 1;
                None
            }
        };
        if let Some(version) = read.map(|r| r["version"].clone()) {
            tally.ok += 1;
            let text = format!("Seen on node load, step {k}");
            let body = json!({"description": text, "version": version});
            let r = http.patch(base(next())).bearer_auth(&token).json(&body).send();
            let done = tally.ended("update", r.await.map(|r| r.status()), 200);
            a.descriptions.push((text, done));
        }
        if k.is_multiple_of(3) {
            let bytes = file_bytes((id as u64) << 32 | k, 40_000 + (k as usize % 7) * 1_000);
            let (kind, body) = multipart(&format!("trace-{id}-{k}.bin"), &bytes);
            let r = http
                .post(format!("{}/attachments", base(next())))
                .bearer_auth(&token)
                .header("Content-Type", kind)
                .body(body)
                .send()
                .await;
            match r {
                Ok(r) if r.status() == 201 => {
                    tally.ok += 1;
                    let j: Value = r.json().await.unwrap();
                    a.files.push((format!("/api/v1/incidents/{number}/attachments/{}", j["id"]), sha(&bytes)));
                }
                Ok(r) => tally.errors.push(format!("upload: {}", r.status())),
                Err(_) => tally.unanswered += 1,
            }
        }
        let r = http.get(format!("http://127.0.0.1:{}/api/v1/incidents?limit=20", next())).bearer_auth(&token).send();
        tally.ended("list", r.await.map(|r| r.status()), 200);
        acked.push(a);
    }
    (acked, tally)
}

/// GET as JSON from `node`; panics on anything but 200.
async fn json_from(http: &reqwest::Client, node: &Node, token: &str, path: &str) -> Value {
    let r = http.get(node.url(path)).bearer_auth(token).send().await.unwrap();
    assert_eq!(r.status(), 200, "{path} on {}", node.port);
    r.json().await.unwrap()
}

/// Every message of the outbox, read through `node` page by page.
async fn outbox(http: &reqwest::Client, node: &Node, token: &str, state: &str) -> (Vec<Value>, Value) {
    let (mut all, mut cursor) = (Vec::new(), None::<String>);
    loop {
        let mut path = format!("/api/v1/outbox?state={state}&limit=200");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let page = json_from(http, node, token, &path).await;
        all.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return (all, page["counts"].clone()),
        }
    }
}

/// The SLA entries of a journal by what they announce (the clock and the
/// threshold): each must be there once.
fn sla_events(journal: &Value) -> BTreeMap<String, usize> {
    let mut seen = BTreeMap::new();
    for e in journal.as_array().unwrap() {
        let action = e["action"].as_str().unwrap();
        if action.starts_with("sla_") {
            let c = &e["changes"][0];
            *seen.entry(format!("{action} {} {}", c["field"], c["new"])).or_insert(0) += 1;
        }
    }
    seen
}

fn logs(nodes: &[Node]) -> String {
    nodes
        .iter()
        .map(|n| format!("--- node {} ---\n{}", n.port, std::fs::read_to_string(&n.log).unwrap_or_default()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_nodes_lose_nothing_when_one_is_killed() {
    steward_channels::ensure_crypto_provider();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let name = format!("steward_t_nodes_{}", std::process::id());
    drop_database(&name).await;
    let pg = Store::create_postgres_database(&pg_base(), &name).await.unwrap();
    let cli = |args: &[&str]| {
        let mut all = vec!["--database-url", pg.as_str()];
        all.extend_from_slice(args);
        ok(d, &all, &[], None).trim().to_owned()
    };
    cli(&["migrate"]);
    cli(&["user", "add", "root", "--role", "admin"]);
    cli(&["user", "add", "alice", "--role", "requester", "--email", "alice@example.org"]);
    cli(&["user", "add", "bob", "--role", "agent", "--email", "bob@example.org"]);
    let root = cli(&["token", "create", "root"]);
    let bob = cli(&["token", "create", "bob"]);

    let relay = smtpd::SmtpServer::start();
    let nodes: Vec<Node> = (0..3)
        .map(|i| Node { port: free_port(), data: d.join(format!("node{i}")), log: d.join(format!("node{i}.log")) })
        .collect();
    let mut servers: Vec<Server> = nodes.iter().map(|n| n.start(d, &pg, relay.port)).collect();
    for n in &nodes {
        assert!(common::ready(n.port), "node {} did not become ready\n{}", n.port, logs(&nodes));
    }

    // The desk, and an SLA that warns and breaches every incident within
    // the test, made through one node and used by all.
    let http = reqwest::Client::new();
    let post = |node: &Node, path: &str, token: &str, body: Value| {
        http.post(node.url(path)).bearer_auth(token.to_owned()).json(&body).send()
    };
    let r = post(&nodes[0], "/api/v1/groups", &root, json!({"name": "Desk", "description": ""})).await.unwrap();
    assert_eq!(r.status(), 201);
    let r = post(&nodes[1], "/api/v1/groups/Desk/members", &root, json!({"username": "bob"})).await.unwrap();
    assert_eq!(r.status(), 204);
    let day = json!([{"start": "00:00", "end": "24:00"}]);
    let week = json!({"monday": day, "tuesday": day, "wednesday": day, "thursday": day, "friday": day,
        "saturday": day, "sunday": day});
    let r = post(&nodes[2], "/api/v1/calendars", &root, json!({"name": "Always", "time_zone": "UTC", "week": week}));
    let r = r.await.unwrap();
    assert_eq!(r.status(), 201);
    let calendar = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let targets: Vec<Value> =
        (1..=5).map(|p| json!({"priority": p, "response": 3600, "resolution": RESOLUTION_SECS})).collect();
    let sla = json!({"name": "Fast", "calendar_id": calendar, "targets": targets, "thresholds": [WARN_PERCENT]});
    let r = post(&nodes[0], "/api/v1/slas", &root, sla).await.unwrap();
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());

    // The load, and the kill in its middle.
    let started = Instant::now();
    let ports: Vec<u16> = nodes.iter().map(|n| n.port).collect();
    let clients: Vec<_> =
        (0..CLIENTS).map(|id| tokio::spawn(client(id, ports.clone(), bob.clone(), started + LOAD))).collect();
    tokio::time::sleep(KILL_AT).await;
    servers[1].kill();
    let killed_at = started.elapsed();
    tokio::time::sleep(RESTART_AFTER).await;
    servers[1] = nodes[1].start(d, &pg, relay.port);
    let port = nodes[1].port;
    assert!(tokio::task::spawn_blocking(move || common::ready(port)).await.unwrap(), "{}", logs(&nodes));
    let back_at = started.elapsed();
    let (mut acked, mut tally) = (Vec::new(), Tally::default());
    for c in clients {
        let (a, t) = c.await.unwrap();
        acked.extend(a);
        tally.ok += t.ok;
        tally.unanswered += t.unanswered;
        tally.errors.extend(t.errors);
    }
    let load_ended = started.elapsed();
    let errors = &tally.errors[..tally.errors.len().min(10)];
    assert!(errors.is_empty(), "{} answers not success, first {errors:?}\n{}", tally.errors.len(), logs(&nodes));
    assert!(acked.len() >= 30, "too little load to prove anything: {} incidents", acked.len());
    assert!(tally.unanswered > 0, "the kill met no request");

    // Every incident is warned and breached, and every message sent.
    let settle = Instant::now();
    let creates: BTreeSet<&str> = acked.iter().map(|a| a.number.as_str()).collect();
    loop {
        let (_, counts) = outbox(&http, &nodes[2], &root, "pending").await;
        let pending = counts["pending"].as_i64().unwrap();
        let mut unbreached = 0;
        for n in &creates {
            let j = json_from(&http, &nodes[0], &root, &format!("/api/v1/incidents/{n}/journal")).await;
            if !sla_events(&j).keys().any(|k| k.starts_with("sla_breached")) {
                unbreached += 1;
            }
        }
        if pending == 0 && unbreached == 0 {
            break;
        }
        assert!(
            settle.elapsed() < SETTLE,
            "after {SETTLE:?}: {pending} message(s) pending, {unbreached} incident(s) not breached\n{}",
            logs(&nodes)
        );
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    let settled = started.elapsed();

    // Every incident the nodes hold (those whose answer was lost too).
    let mut numbers = Vec::new();
    let mut cursor = None::<String>;
    loop {
        let mut path = "/api/v1/incidents?limit=200".to_owned();
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let page = json_from(&http, &nodes[1], &root, &path).await;
        numbers.extend(page["items"].as_array().unwrap().iter().map(|i| i["number"].as_str().unwrap().to_owned()));
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert!(creates.iter().all(|n| numbers.iter().any(|m| m == n)), "an acknowledged incident is missing");

    // Every node answers the same for every record and every file.
    let mut journals = BTreeMap::new();
    for n in &numbers {
        let mut seen = Vec::new();
        for node in &nodes {
            let inc = json_from(&http, node, &root, &format!("/api/v1/incidents/{n}")).await;
            let journal = json_from(&http, node, &root, &format!("/api/v1/incidents/{n}/journal")).await;
            let files = json_from(&http, node, &root, &format!("/api/v1/incidents/{n}/attachments")).await;
            let mut hashes = Vec::new();
            for f in files.as_array().unwrap() {
                let r = http.get(node.url(f["href"].as_str().unwrap())).bearer_auth(&root).send().await.unwrap();
                assert_eq!(r.status(), 200, "{n}: {f}");
                let body = r.bytes().await.unwrap();
                assert_eq!(sha(&body), f["sha256"].as_str().unwrap(), "{n}: the file is what was stored");
                hashes.push(sha(&body));
            }
            seen.push((inc, journal.clone(), files, hashes));
            journals.insert(n.clone(), journal);
        }
        assert!(seen.windows(2).all(|w| w[0] == w[1]), "{n}: the nodes disagree:\n{seen:#?}");
    }

    // Every acknowledged write is there.
    for a in &acked {
        let inc = json_from(&http, &nodes[0], &root, &format!("/api/v1/incidents/{}", a.number)).await;
        assert_eq!(inc["title"], a.title.as_str());
        let journal = &journals[&a.number];
        let bodies: Vec<&str> = journal
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "comment")
            .filter_map(|e| e["body"].as_str())
            .collect();
        for c in &a.comments {
            assert!(bodies.contains(&c.as_str()), "{}: comment {c:?} missing", a.number);
        }
        // The description is the last one acknowledged, or one sent after
        // it whose answer was lost.
        if let Some(last) = a.descriptions.iter().rposition(|(_, acked)| *acked) {
            let now = inc["description"].as_str().unwrap_or_default();
            assert!(a.descriptions[last..].iter().any(|(t, _)| t == now), "{}: description {now:?}", a.number);
        }
        let files = json_from(&http, &nodes[2], &root, &format!("/api/v1/incidents/{}/attachments", a.number)).await;
        for (href, hash) in &a.files {
            assert!(
                files.as_array().unwrap().iter().any(|f| f["href"] == href.as_str() && f["sha256"] == hash.as_str()),
                "{}: file {href} missing",
                a.number
            );
        }
    }

    // Every SLA event exactly once: one warning and one breach of the
    // resolution clock on every incident, nothing announced twice.
    let mut breaches = 0;
    for (n, journal) in &journals {
        let events = sla_events(journal);
        assert!(events.values().all(|&c| c == 1), "{n}: an SLA event announced twice: {events:?}");
        let of = |action: &str| events.keys().filter(|k| k.starts_with(action)).count();
        assert_eq!((of("sla_warning"), of("sla_breached")), (1, 1), "{n}: {events:?}");
        breaches += 1;
    }

    // Every e-mail enqueued once and delivered: per record, the
    // acknowledgement once, one message per public comment and per SLA
    // event; every message sent, each Message-ID received.
    let (sent, counts) = outbox(&http, &nodes[0], &root, "sent").await;
    assert_eq!((counts["pending"].as_i64(), counts["dead"].as_i64()), (Some(0), Some(0)), "{counts}");
    let mut per = BTreeMap::<(String, String, String), usize>::new();
    for m in &sent {
        let key = (m["record"].as_str().unwrap_or("").to_owned(), m["event"].to_string(), m["target"].to_string());
        *per.entry(key).or_insert(0) += 1;
    }
    for (n, journal) in &journals {
        let count = |action: &str| journal.as_array().unwrap().iter().filter(|e| e["action"] == action).count();
        let expect = [
            ("incident.created", "alice@example.org", 1),
            ("incident.commented", "alice@example.org", count("comment")),
            ("incident.sla_warning", "bob@example.org", count("sla_warning")),
            ("incident.sla_breached", "bob@example.org", count("sla_breached")),
        ];
        for (event, to, want) in expect {
            let key = (n.clone(), format!("{event:?}"), format!("{to:?}"));
            assert_eq!(per.get(&key).copied().unwrap_or(0), want, "{n}: {event} to {to}");
        }
    }
    let mut ids = relay.message_ids();
    let received = ids.len();
    ids.sort();
    ids.dedup();
    let email = sent.iter().filter(|m| m["channel"] == "email").count();
    assert_eq!(ids.len(), email, "every message sent arrived, under its own Message-ID");

    eprintln!(
        "three nodes: {} requests answered, {} unanswered (node killed at {killed_at:?}, back at {back_at:?}), \
         {} incidents acknowledged ({} in all), {breaches} breached, {email} e-mails ({received} deliveries), \
         load ended at {load_ended:?}, settled at {settled:?}",
        tally.ok,
        tally.unanswered,
        acked.len(),
        numbers.len()
    );
    drop(servers);
    drop_database(&name).await;
}
