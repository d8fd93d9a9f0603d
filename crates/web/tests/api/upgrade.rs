//! The upgrade from release 0.1.0. `tests/fixtures/v0.1.0` holds the
//! databases 0.1.0 made (a small demo plus what its API added; `make.sh`
//! there says how) and what 0.1.0 answered about them (`manifest.json`).
//! On each backend the fixture is restored, migrated as `steward migrate`
//! does and served; every fact in the manifest must be answered the same
//! (answers may gain fields, never lose or change one), and the upgraded
//! data must take new work.
//!
//! The server runs without its background workers while facts are
//! compared: the fixture ages, and the SLA timer and auto-close rightly act
//! on the time since 0.1.0 wrote it. They run once at the end, to show they
//! work on upgraded data.

use crate::helpers::{Backend, drop_database, micros, pg_database};
use futures_util::{FutureExt, StreamExt, stream};
use reqwest::{Client, Method, RequestBuilder, header};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::{collections::BTreeSet, io::Read, net::SocketAddr, path::Path};
use steward_app::{App, AppConfig};
use steward_store::{Store, StoreOptions};
use steward_web::{AppState, WebConfig};

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/v0.1.0");
const DAY_US: i64 = 86_400 * 1_000_000;

mod release_0_1_0 {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        let dir = tempfile::tempdir().unwrap();
        let url = restore(Backend::Sqlite, dir.path()).await;
        upgrade(Backend::Sqlite, &url, dir.path()).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        let dir = tempfile::tempdir().unwrap();
        let url = restore(Backend::Postgres, dir.path()).await;
        let outcome = std::panic::AssertUnwindSafe(upgrade(Backend::Postgres, &url, dir.path())).catch_unwind().await;
        drop_database(&url).await;
        if let Err(panic) = outcome {
            std::panic::resume_unwind(panic);
        }
    }
}

fn gunzip(name: &str) -> Vec<u8> {
    let file = std::fs::File::open(Path::new(FIXTURE).join(name)).unwrap();
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(file).read_to_end(&mut out).unwrap();
    out
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The files under `dir`, at any depth.
fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() { out.extend(walk(&path)) } else { out.push(path) }
    }
    out
}

/// The fixture as a database of this backend with its data folder in
/// `dir`; its URL.
async fn restore(backend: Backend, dir: &Path) -> String {
    copy_tree(&Path::new(FIXTURE).join("attachments"), &dir.join("attachments"));
    match backend {
        Backend::Sqlite => {
            std::fs::write(dir.join("steward.db"), gunzip("sqlite.db.gz")).unwrap();
            format!("sqlite://{}/steward.db", dir.display())
        }
        Backend::Postgres => {
            use sqlx::Connection;
            let url = pg_database().await;
            let dump = String::from_utf8(gunzip("postgres.sql.gz")).unwrap();
            // pg_dump (15.14 and later) brackets the dump in psql's
            // `\restrict` meta-commands, which are not SQL.
            let sql: Vec<&str> =
                dump.lines().filter(|l| !l.starts_with("\\restrict ") && !l.starts_with("\\unrestrict ")).collect();
            // The dump empties search_path: its own connection, closed after.
            let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql.join("\n"))).execute(&mut conn).await.unwrap();
            conn.close().await.unwrap();
            url
        }
    }
}

/// The manifest's facts for this backend.
fn manifest(backend: Backend) -> Value {
    let text = std::fs::read_to_string(Path::new(FIXTURE).join("manifest.json")).unwrap();
    let all: Value = serde_json::from_str(&text).unwrap();
    all["backends"][if backend == Backend::Sqlite { "sqlite" } else { "postgres" }].clone()
}

/// Where `actual` does not hold `expected`: an object must have every key
/// with an equal value (more keys are fine), an array as many items, each
/// holding its counterpart, anything else must be equal.
fn differences(expected: &Value, actual: &Value, at: &str, out: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            // A clock whose due moment has passed since the fixture was
            // made breaches by the passing of time, not by the upgrade.
            let overdue = a
                .get("due_at")
                .and_then(Value::as_str)
                .is_some_and(|_| micros(&a["due_at"]) < steward_store::now_micros());
            for (k, v) in e {
                if k == "breached_at" && v.is_null() && overdue {
                    continue;
                }
                match a.get(k) {
                    Some(got) => differences(v, got, &format!("{at}.{k}"), out),
                    None => out.push(format!("{at}.{k} is gone (was {v})")),
                }
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                out.push(format!("{at} has {} items, had {}", a.len(), e.len()));
            }
            for (i, (v, got)) in e.iter().zip(a).enumerate() {
                differences(v, got, &format!("{at}[{i}]"), out);
            }
        }
        _ if expected != actual => out.push(format!("{at} is {actual}, was {expected}")),
        _ => {}
    }
}

/// A demo user signed in through the sign-in form, as a browser is.
struct Session {
    client: Client,
    base: String,
    cookie: String,
    csrf: String,
}

const CSRF_FIELD: &str = r#"name="_csrf" value=""#;

fn csrf_in(page: &str) -> String {
    let start = page.find(CSRF_FIELD).expect("a form with a CSRF token") + CSRF_FIELD.len();
    page[start..].split('"').next().unwrap().to_owned()
}

impl Session {
    async fn sign_in(client: &Client, base: &str, username: &str, password: &str) -> Session {
        let r = client.get(format!("{base}/login")).send().await.unwrap();
        let pre = r.headers()[header::SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_owned();
        let token = csrf_in(&r.text().await.unwrap());
        let form = [("_csrf", token.as_str()), ("username", username), ("password", password), ("next", "/")];
        let r = client.post(format!("{base}/login")).header(header::COOKIE, pre).form(&form).send().await.unwrap();
        assert_eq!(r.status(), 303, "{username} signs in with the demo password");
        let cookie = r
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned())
            .find(|c| c.starts_with("steward_session="))
            .unwrap();
        let mut s = Session { client: client.clone(), base: base.to_owned(), cookie, csrf: String::new() };
        // `/` sends each role to its start page, which carries the token.
        let r = s.req(Method::GET, "/").send().await.unwrap();
        assert_eq!(r.status(), 303);
        let start = r.headers()[header::LOCATION].to_str().unwrap().to_owned();
        s.csrf = csrf_in(&s.page(&start).await);
        s
    }

    fn req(&self, method: Method, path: &str) -> RequestBuilder {
        self.client
            .request(method, format!("{}{path}", self.base))
            .header(header::COOKIE, &self.cookie)
            .header("x-csrf-token", &self.csrf)
    }

    /// A page's HTML; panics unless 200.
    async fn page(&self, path: &str) -> String {
        let r = self.req(Method::GET, path).send().await.unwrap();
        assert_eq!(r.status(), 200, "GET {path}");
        r.text().await.unwrap()
    }

    /// The JSON of a 200 answer from the API.
    async fn json(&self, path: &str) -> Value {
        let r = self.req(Method::GET, &format!("/api/v1{path}")).send().await.unwrap();
        assert_eq!(r.status(), 200, "GET /api/v1{path}");
        r.json().await.unwrap()
    }

    /// Every item of a keyset-paged list.
    async fn all(&self, path: &str) -> Vec<Value> {
        let (mut items, mut cursor) = (Vec::new(), None::<String>);
        loop {
            let more = cursor.map(|c| format!("&cursor={c}")).unwrap_or_default();
            let page = self.json(&format!("{path}?limit=200{more}")).await;
            items.extend(page["items"].as_array().unwrap().iter().cloned());
            match page["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_owned()),
                None => return items,
            }
        }
    }

    async fn send(&self, method: Method, path: &str, body: Value) -> reqwest::Response {
        self.req(method, &format!("/api/v1{path}")).json(&body).send().await.unwrap()
    }
}

/// The incident number's digits.
fn seq(number: &str) -> i64 {
    number.trim_start_matches("INC").parse().unwrap()
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Restored, migrated and served: the manifest's facts, then new work.
async fn upgrade(backend: Backend, url: &str, dir: &Path) {
    let m = manifest(backend);
    // As `steward migrate` does: refuse a schema ahead of this binary, then
    // apply what is pending.
    let store =
        Store::connect(url, &StoreOptions { max_connections: 4, writers: 2, ..Default::default() }).await.unwrap();
    let before = store.schema_state().await.unwrap();
    assert_eq!(before.at, m["schema_version"].as_i64().unwrap(), "the fixture is at 0.1.0's schema");
    assert!(!before.ahead());
    store.migrate().await.unwrap();
    let after = store.schema_state().await.unwrap();
    assert!(!after.behind() && !after.ahead(), "{after:?}");
    // 0.1.0's audit entries were chained by the migration, with their gaps.
    let chain = steward_store::audit_verify::verify(&store, None).await.unwrap().unwrap();
    assert_eq!(chain.entries as usize, m["audit"].as_array().unwrap().len(), "{chain:?}");

    let app = App::new(store, AppConfig { data_dir: dir.to_path_buf(), ..AppConfig::default() });
    // As `steward migrate` and `serve` do: 0.1.0's files move into the
    // database, once; then the folder goes, and every download below
    // (checked against its hash) comes from the database.
    let files = walk(&dir.join("attachments")).len();
    assert!(files > 0);
    // A file whose bytes are not those its name hashes is left out.
    let bogus = dir.join("attachments/ab").join("ab".repeat(32));
    std::fs::create_dir_all(bogus.parent().unwrap()).unwrap();
    std::fs::write(&bogus, b"not what the name says").unwrap();
    let first = app.import_attachment_folder().await.unwrap();
    assert_eq!((first.imported, first.present, first.mismatched), (files, 0, 1));
    let again = app.import_attachment_folder().await.unwrap();
    assert_eq!(
        (again.imported, again.present, again.mismatched),
        (0, files, 1),
        "importing twice keeps each file once"
    );
    std::fs::remove_dir_all(dir.join("attachments")).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let router = steward_web::router(AppState::new(app.clone(), WebConfig::default()));
    tokio::spawn(async move {
        axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>()).await.unwrap()
    });
    steward_channels::ensure_crypto_provider();
    let client = Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let [admin, manager, agent, requester] = {
        let sign_in = |u| Session::sign_in(&client, &base, u, steward_app::seed::DEMO_PASSWORD);
        [sign_in("admin").await, sign_in("manager").await, sign_in("agent").await, sign_in("requester").await]
    };

    search_after_backfill(&app, &agent, &m).await;
    let mut diffs = Vec::new();
    check_incidents(&admin, &m, &mut diffs).await;
    check_totals(&admin, &m, &mut diffs).await;
    check_the_rest(&admin, &manager, &agent, &requester, &m, &mut diffs).await;
    assert!(diffs.is_empty(), "{} facts 0.1.0 answered differ after the upgrade:\n{}", diffs.len(), diffs.join("\n"));

    check_pages(&admin, &agent, &requester, &m).await;
    let token = &m["api_token"];
    let me: Value = client
        .get(format!("{base}/api/v1/me"))
        .bearer_auth(token["token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["username"], token["user"], "an API token 0.1.0 made still signs in");

    new_work(&agent, &m).await;
    workers(&app, &admin, &m).await;
    app.store.close().await;
}

/// Incidents from 0.1.0 have no search text until the backfill the
/// workers start folds it, in batches; then they are found by words.
async fn search_after_backfill(app: &App, agent: &Session, m: &Value) {
    let inc = &m["incidents"][0]["incident"];
    let (number, title) = (inc["number"].as_str().unwrap(), inc["title"].as_str().unwrap());
    let phrase = format!("\"{}\"", title.replace(['"', '„', '“', '”'], " "));
    let found = |agent: &Session| {
        let r = agent.req(Method::GET, "/api/v1/search").query(&[("q", phrase.as_str()), ("limit", "50")]).send();
        async move {
            let v: Value = r.await.unwrap().json().await.unwrap();
            v["records"].as_array().unwrap().iter().any(|r| r["number"] == number)
        }
    };
    let every = m["every_incident"].as_object().unwrap().len();
    let mut conn = app.store.pool().acquire().await.unwrap();
    let pending = steward_store::fulltext::pending(&mut conn).await.unwrap();
    // The CIs of 0.1.0 wait too (migration 0020); one is looked for by a
    // word of its name that is none of its identifiers.
    let cis: Vec<(String,)> = sqlx::query_as("SELECT name FROM cis ORDER BY id").fetch_all(&mut *conn).await.unwrap();
    let identifiers: BTreeSet<String> = sqlx::query_as("SELECT value FROM ci_identifiers")
        .fetch_all(&mut *conn)
        .await
        .unwrap()
        .into_iter()
        .map(|(v,)| v)
        .collect();
    drop(conn);
    assert_eq!(pending, (every + cis.len()) as i64, "every incident and CI from 0.1.0 waits for its search text");
    let word = cis
        .iter()
        .flat_map(|(name,)| steward_domain::search::words(name))
        .find(|w| w.len() > 3 && w.bytes().all(|b| b.is_ascii_lowercase()) && !identifiers.contains(w))
        .expect("a CI named by a word");
    let ci_found = |agent: &Session| {
        let r = agent.req(Method::GET, "/api/v1/search").query(&[("q", format!("{word} ").as_str()), ("limit", "50")]);
        async move {
            let v: Value = r.send().await.unwrap().json().await.unwrap();
            v["services"].as_array().unwrap().len() + v["cis"].as_array().unwrap().len()
        }
    };
    assert!(!found(agent).await, "{number} is not in the index before the backfill");
    assert_eq!(ci_found(agent).await, 0, "no CI named {word:?} is in the index before the backfill");
    assert_eq!(app.backfill_search(40).await.unwrap(), every + cis.len());
    assert!(found(agent).await, "{number} ({title}) is found by words after the backfill");
    assert!(ci_found(agent).await > 0, "a CI named {word:?} is found by words after the backfill");
    assert_eq!(app.backfill_search(40).await.unwrap(), 0, "nothing left: a second run does nothing");
}

/// The incidents of every shape, all they had; every incident's state,
/// version and how many entries, comments, clocks, files and watchers.
async fn check_incidents(admin: &Session, m: &Value, diffs: &mut Vec<String>) {
    for inc in m["incidents"].as_array().unwrap() {
        let n = inc["number"].as_str().unwrap();
        let at = format!("{n} ({})", inc["shape"].as_str().unwrap());
        for (key, path) in [
            ("incident", format!("/incidents/{n}")),
            ("journal", format!("/incidents/{n}/journal")),
            ("comments", format!("/incidents/{n}/comments")),
            ("clocks", format!("/incidents/{n}/slas")),
            ("watchers", format!("/incidents/{n}/watchers")),
            ("attachments", format!("/incidents/{n}/attachments")),
        ] {
            differences(&inc[key], &admin.json(&path).await, &format!("{at} {key}"), diffs);
        }
        for file in inc["attachments"].as_array().unwrap() {
            let r = admin.req(Method::GET, file["href"].as_str().unwrap()).send().await.unwrap();
            assert_eq!(r.status(), 200, "{at}: {file}");
            let bytes = r.bytes().await.unwrap();
            assert_eq!(hex::encode(Sha256::digest(&bytes)), file["sha256"].as_str().unwrap(), "{at}: {file}");
        }
    }
    let listed = admin.all("/incidents").await;
    let every = m["every_incident"].as_object().unwrap();
    let numbers: BTreeSet<&str> = listed.iter().map(|i| i["number"].as_str().unwrap()).collect();
    assert_eq!(numbers, every.keys().map(String::as_str).collect(), "the incidents listed");
    for i in &listed {
        let n = i["number"].as_str().unwrap();
        differences(&json!({"state": every[n]["state"], "version": every[n]["version"]}), i, n, diffs);
    }
    let counts: Vec<(String, Value)> = stream::iter(every.keys())
        .map(|n| async move { (n.clone(), counts_of(admin, n).await) })
        .buffer_unordered(8)
        .collect()
        .await;
    for (n, got) in counts {
        let mut want = every[&n].clone();
        let want = want.as_object_mut().unwrap();
        want.remove("state");
        want.remove("version");
        differences(&Value::Object(want.clone()), &got, &format!("{n} counts"), diffs);
    }
}

/// How many journal entries, comments, clocks, files and watchers an
/// incident has.
async fn counts_of(admin: &Session, n: &str) -> Value {
    let mut out = serde_json::Map::new();
    for (key, tail) in [
        ("journal", "journal"),
        ("comments", "comments"),
        ("clocks", "slas"),
        ("attachments", "attachments"),
        ("watchers", "watchers"),
    ] {
        let list = admin.json(&format!("/incidents/{n}/{tail}")).await;
        out.insert(key.into(), json!(list.as_array().unwrap().len()));
    }
    Value::Object(out)
}

async fn check_totals(admin: &Session, m: &Value, diffs: &mut Vec<String>) {
    let every = m["every_incident"].as_object().unwrap();
    let sum = |k: &str| every.values().map(|v| v[k].as_i64().unwrap()).sum::<i64>();
    let cis = admin.all("/cis").await;
    // Relations by id: one may be listed at both its ends.
    let (mut relations, mut ci_journal) = (BTreeSet::new(), 0);
    let per_ci: Vec<(Value, Value)> = stream::iter(&cis)
        .map(|c| async move {
            let id = &c["id"];
            (admin.json(&format!("/cis/{id}/relations")).await, admin.json(&format!("/cis/{id}/journal")).await)
        })
        .buffer_unordered(8)
        .collect()
        .await;
    for (rs, journal) in per_ci {
        relations.extend(rs.as_array().unwrap().iter().map(|r| r["id"].as_i64().unwrap()));
        ci_journal += journal.as_array().unwrap().len();
    }
    let outbox = admin.json("/outbox").await;
    let now = json!({
        "incidents": every.len(),
        "journal_entries": sum("journal"),
        "comments": sum("comments"),
        "clocks": sum("clocks"),
        "attachments": sum("attachments"),
        "watchers": sum("watchers"),
        "users": admin.json("/users").await.as_array().unwrap().len(),
        "groups": admin.json("/groups").await.as_array().unwrap().len(),
        "cis": cis.len(),
        "relations": relations.len(),
        "ci_journal_entries": ci_journal,
        "outbox": outbox["counts"].as_object().unwrap().values().map(|v| v.as_i64().unwrap()).sum::<i64>(),
    });
    differences(&m["totals"], &now, "totals", diffs);
}

/// Rules, people, views, mail, audit, and what a requester may see.
async fn check_the_rest(
    admin: &Session,
    manager: &Session,
    agent: &Session,
    requester: &Session,
    m: &Value,
    diffs: &mut Vec<String>,
) {
    for (key, path, who) in [
        ("slas", "/slas", admin),
        ("calendars", "/calendars", admin),
        ("escalations", "/escalations", admin),
        ("webhooks", "/webhooks", admin),
        ("canned_replies", "/canned-replies", agent),
        ("inbound_mail", "/mail/inbound", admin),
        ("organisations", "/organisations", admin),
        ("groups", "/groups", admin),
        ("users", "/users", admin),
    ] {
        differences(&m["lists"][key], &who.json(path).await, key, diffs);
    }
    differences(&m["own"]["agent"]["views"], &agent.json("/views").await, "agent's views", diffs);
    let n = &m["own"]["agent"]["notifications"];
    differences(n, &agent.json("/me/notifications").await, "agent's notifications", diffs);
    differences(&m["own"]["manager"]["views"], &manager.json("/views").await, "manager's views", diffs);

    // The audit log only grows (signing in here adds to it).
    let audit = admin.json("/audit?limit=200").await;
    for event in m["audit"].as_array().unwrap() {
        let now = audit["items"].as_array().unwrap().iter().find(|e| e["id"] == event["id"]);
        match now {
            Some(now) => differences(event, now, &format!("audit {}", event["id"]), diffs),
            None => diffs.push(format!("audit event {event} is gone")),
        }
    }

    // A requester sees their own incidents and no work notes.
    let seen = &m["requester_sees"];
    let count = requester.json("/incidents?limit=1").await["count"].clone();
    differences(&seen["count"], &count, "requester's incident count", diffs);
    let path = format!("/incidents/{}/comments", seen["number"].as_str().unwrap());
    differences(&seen["comments"], &requester.json(&path).await, "requester's comments", diffs);
}

/// The list, the home page and every incident page answer, each page naming
/// its CIs.
async fn check_pages(admin: &Session, agent: &Session, requester: &Session, m: &Value) {
    for path in ["/home", "/incidents", "/incidents?state=open", "/search?q=VPN"] {
        admin.page(path).await;
        agent.page(path).await;
    }
    requester.page("/portal").await;
    requester.page(&format!("/incidents/{}", m["requester_sees"]["number"].as_str().unwrap())).await;
    for inc in m["incidents"].as_array().unwrap() {
        let page = agent.page(&format!("/incidents/{}", inc["number"].as_str().unwrap())).await;
        for ci in inc["cis"].as_array().unwrap() {
            let (href, name) = (format!("/cmdb/{}", ci["id"]), html_escape(ci["name"].as_str().unwrap()));
            assert!(page.contains(&href) && page.contains(&name), "{} names CI {ci}", inc["number"]);
        }
    }
}

/// The shape's incident.
fn shaped<'a>(m: &'a Value, prefix: &str) -> &'a Value {
    m["incidents"].as_array().unwrap().iter().find(|i| i["shape"].as_str().unwrap().starts_with(prefix)).unwrap()
}

/// Upgraded incidents take edits under their version (and refuse a stale
/// one), comments and files; a new incident is numbered after the highest.
async fn new_work(agent: &Session, m: &Value) {
    let inc = &shaped(m, "API open")["incident"];
    let (n, version) = (inc["number"].as_str().unwrap(), inc["version"].as_i64().unwrap());
    let edit = json!({"version": version, "title": "Slow VPN for the Kraków branch (after the upgrade)"});
    let r = agent.send(Method::PATCH, &format!("/incidents/{n}"), edit.clone()).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let edited: Value = r.json().await.unwrap();
    assert_eq!(edited["version"], version + 1);
    let r = agent.send(Method::PATCH, &format!("/incidents/{n}"), edit).await;
    assert_eq!(r.status(), 409, "a stale version is refused");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["code"], "version_conflict");

    let r = agent.send(Method::POST, &format!("/incidents/{n}/comments"), json!({"body": "Still fine?"})).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let part = reqwest::multipart::Part::bytes(b"after the upgrade\n".to_vec()).file_name("after.txt");
    let r = agent
        .req(Method::POST, &format!("/api/v1/incidents/{n}/attachments"))
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());

    let new = json!({"title": "Opened after the upgrade", "requester": "requester", "impact": 2, "urgency": 2});
    let r = agent.send(Method::POST, "/incidents", new).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let created: Value = r.json().await.unwrap();
    let highest = seq(m["highest_number"].as_str().unwrap());
    assert!(seq(created["number"].as_str().unwrap()) > highest, "{} after {highest}", created["number"]);
}

/// The SLA timer, escalations and auto-close run on upgraded data: every
/// overdue running clock is marked breached, and resolved incidents past
/// the auto-close time are closed.
async fn workers(app: &App, admin: &Session, m: &Value) {
    let now = steward_store::now_micros();
    app.run_sla_timers().await.unwrap();
    app.run_escalations_at(now).await.unwrap();
    app.auto_close().await.unwrap();
    let days = i64::from(app.config.auto_close_days);
    for inc in m["incidents"].as_array().unwrap() {
        let n = inc["number"].as_str().unwrap();
        for clock in admin.json(&format!("/incidents/{n}/slas")).await.as_array().unwrap() {
            if clock["state"] == "running" && clock["due_at"].as_str().is_some_and(|_| micros(&clock["due_at"]) < now) {
                assert!(clock["breached_at"].is_string(), "{n}: the timer marks an overdue clock: {clock}");
            }
        }
        let resolved = &inc["incident"]["resolved_at"];
        if inc["incident"]["state"] == "resolved" && micros(resolved) + days * DAY_US < now {
            assert_eq!(admin.json(&format!("/incidents/{n}")).await["state"], "closed", "{n} auto-closed");
        }
    }
}
