//! `spawn_app`: a fresh database, a real server on port 0 and tokens for
//! one user of each role.
//!
//! PostgreSQL is reached at `STEWARD_TEST_PG_URL` (default
//! postgres://postgres@127.0.0.1:5432/postgres); each test gets its own
//! database, dropped when the test ends. When PostgreSQL is not there, the
//! PostgreSQL tests fail.

#![allow(dead_code)]

use reqwest::{Client, Method, RequestBuilder, Response};
use serde_json::Value;
use std::{net::SocketAddr, sync::Arc};
use steward_app::{App, AppConfig, accounts::NewUser};
use steward_store::{Store, StoreOptions};
use steward_web::{AppState, WebConfig};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs a test body on both backends.
#[macro_export]
macro_rules! both {
    ($name:ident, |$t:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            async fn run($t: $crate::helpers::TestApp) $body
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                run($crate::helpers::spawn_app($crate::helpers::Backend::Sqlite).await).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let t = $crate::helpers::spawn_app($crate::helpers::Backend::Postgres).await;
                $crate::helpers::with_cleanup(t, run).await

            }
        }
    };
}

/// Runs a test body on both backends with its own `AppConfig`.
#[macro_export]
macro_rules! both_with {
    ($name:ident, $config:expr, |$t:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            async fn run($t: $crate::helpers::TestApp) $body
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                run($crate::helpers::spawn_with($crate::helpers::Backend::Sqlite, $config).await).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let t = $crate::helpers::spawn_with($crate::helpers::Backend::Postgres, $config).await;
                $crate::helpers::with_cleanup(t, run).await

            }
        }
    };
}

/// Runs a test body on both backends with its own `AppConfig` and `WebConfig`.
#[macro_export]
macro_rules! both_web {
    ($name:ident, $config:expr, $web:expr, |$t:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            async fn run($t: $crate::helpers::TestApp) $body
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                run($crate::helpers::spawn_web($crate::helpers::Backend::Sqlite, $config, $web).await).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let t = $crate::helpers::spawn_web($crate::helpers::Backend::Postgres, $config, $web).await;
                $crate::helpers::with_cleanup(t, run).await
            }
        }
    };
}

pub struct TestApp {
    pub addr: SocketAddr,
    pub base: String,
    pub app: App,
    pub client: Client,
    pub backend: Backend,
    pub admin: String,
    pub manager: String,
    /// A member of "Service Desk".
    pub agent: String,
    /// A member of "Network" only.
    pub agent2: String,
    pub requester: String,
    pub requester2: String,
    /// The database's URL.
    pub url: String,
    _dir: Arc<tempfile::TempDir>,
}

pub const PASSWORD: &str = "correct horse battery";

fn pg_base() -> String {
    std::env::var("STEWARD_TEST_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// A new, empty PostgreSQL database; panics when the server is not there.
pub async fn pg_database() -> String {
    use sqlx::Connection;
    let base = pg_base();
    let mut conn = sqlx::PgConnection::connect(&base)
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL is required for this test ({base}): {e}"));
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).unwrap();
    let name = format!("steward_t_{}", hex::encode(bytes));
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&mut conn).await.unwrap();
    let (prefix, _) = base.rsplit_once('/').unwrap();
    format!("{prefix}/{name}")
}

/// Runs a PostgreSQL test, then drops its database whether it passed or
/// not. Closing the server's pool first makes the drop quick.
pub async fn with_cleanup<F: std::future::Future<Output = ()>>(t: TestApp, run: impl FnOnce(TestApp) -> F) {
    use futures_util::FutureExt;
    let (url, store) = (t.url.clone(), t.app.store.clone());
    let outcome = std::panic::AssertUnwindSafe(run(t)).catch_unwind().await;
    store.close().await;
    drop_database(&url).await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// Drops the PostgreSQL database at `url`, connections and all.
pub async fn drop_database(url: &str) {
    use sqlx::Connection;
    if let Some((_, name)) = url.rsplit_once('/') {
        let mut conn = sqlx::PgConnection::connect(&pg_base()).await.unwrap();
        let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut conn).await.unwrap();
    }
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_with(backend, AppConfig::default()).await
}

pub async fn spawn_with(backend: Backend, config: AppConfig) -> TestApp {
    spawn_web(backend, config, WebConfig::default()).await
}

/// A new, migrated database on `backend` (SQLite in `dir`), with its URL.
pub async fn migrated(backend: Backend, dir: &tempfile::TempDir) -> (String, Store) {
    let url = match backend {
        Backend::Sqlite => format!("sqlite://{}/steward.db", dir.path().display()),
        Backend::Postgres => pg_database().await,
    };
    let store =
        Store::connect(&url, &StoreOptions { max_connections: 4, writers: 2, ..Default::default() }).await.unwrap();
    store.migrate().await.unwrap();
    (url, store)
}

pub async fn spawn_web(backend: Backend, mut config: AppConfig, web: WebConfig) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let (url, store) = migrated(backend, &dir).await;
    config.data_dir = dir.path().to_path_buf();
    let app = App::new(store, config);
    app.add_group(None, "Service Desk", "First line").await.unwrap();
    app.add_group(None, "Network", "Routers and switches").await.unwrap();
    let hash = Some(PASSWORD.to_owned());
    let users = [
        ("admin", "admin", vec![], None),
        ("manager", "manager", vec![], None),
        ("agent", "agent", vec!["Service Desk".to_string()], None),
        ("agent2", "agent", vec!["Network".to_string()], None),
        ("requester", "requester", vec![], Some("Contoso")),
        ("requester2", "requester", vec![], Some("Fabrikam")),
    ];
    for (name, role, groups, org) in users {
        // Only two users get a password: argon2 is slow in debug builds.
        let password = if matches!(name, "agent" | "requester") { hash.clone() } else { None };
        app.add_user(
            None,
            NewUser {
                username: name.into(),
                display_name: Some(format!("{name} user")),
                email: None,
                role: role.into(),
                organisation: org.map(String::from),
                groups,
                password,
                locale: None,
            },
        )
        .await
        .unwrap();
    }
    let mut tokens = Vec::new();
    for name in ["admin", "manager", "agent", "agent2", "requester", "requester2"] {
        tokens.push(app.create_token(None, name, "test").await.unwrap().token);
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let state = AppState::new(app.clone(), web);
    tokio::spawn(steward_web::serve(state, listener, std::future::pending()));
    steward_channels::ensure_crypto_provider();
    let client = Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let mut t = tokens.into_iter();
    TestApp {
        addr,
        base: format!("http://{addr}"),
        app,
        client,
        backend,
        admin: t.next().unwrap(),
        manager: t.next().unwrap(),
        agent: t.next().unwrap(),
        agent2: t.next().unwrap(),
        requester: t.next().unwrap(),
        requester2: t.next().unwrap(),
        url,
        _dir: Arc::new(dir),
    }
}

impl TestApp {
    /// A second node on this test's database: its own `App` (and so its
    /// own caches) and web server with this node's configuration, the same
    /// users and tokens. Its store closes with the test's database.
    pub async fn another_node(&self) -> TestApp {
        let store = Store::connect(&self.url, &StoreOptions { max_connections: 4, writers: 2, ..Default::default() })
            .await
            .unwrap();
        let app = App::new(store, (*self.app.config).clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(steward_web::serve(
            AppState::new(app.clone(), WebConfig::default()),
            listener,
            std::future::pending(),
        ));
        TestApp {
            addr,
            base: format!("http://{addr}"),
            app,
            client: self.client.clone(),
            backend: self.backend,
            admin: self.admin.clone(),
            manager: self.manager.clone(),
            agent: self.agent.clone(),
            agent2: self.agent2.clone(),
            requester: self.requester.clone(),
            requester2: self.requester2.clone(),
            url: self.url.clone(),
            _dir: self._dir.clone(),
        }
    }

    pub fn req(&self, method: Method, path: &str, token: &str) -> RequestBuilder {
        self.client.request(method, format!("{}{}", self.base, path)).bearer_auth(token)
    }

    pub async fn get(&self, path: &str, token: &str) -> Response {
        self.req(Method::GET, path, token).send().await.unwrap()
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Response {
        self.req(Method::POST, path, token).json(&body).send().await.unwrap()
    }

    pub async fn put_json(&self, path: &str, token: &str, body: Value) -> Response {
        self.req(Method::PUT, path, token).json(&body).send().await.unwrap()
    }

    pub async fn patch(&self, path: &str, token: &str, body: Value) -> Response {
        self.req(Method::PATCH, path, token).json(&body).send().await.unwrap()
    }

    /// Creates an incident as `token` and returns its JSON.
    pub async fn incident(&self, token: &str, body: Value) -> Value {
        let r = self.post("/api/v1/incidents", token, body).await;
        assert_eq!(r.status(), 201, "creating an incident");
        r.json().await.unwrap()
    }

    /// Creates business services by name (as the admin); their ids.
    pub async fn services(&self, names: &[&str]) -> Vec<i64> {
        let items: Vec<Value> =
            names.iter().map(|n| serde_json::json!({"class": "business_service", "name": n})).collect();
        let r: Value = self
            .post("/api/v1/cmdb/bulk", &self.admin, serde_json::json!({"items": items}))
            .await
            .json()
            .await
            .unwrap();
        r["items"].as_array().unwrap().iter().map(|i| i["id"].as_i64().unwrap()).collect()
    }

    /// Puts a template with this name in the standard change catalogue (as
    /// the manager, with `extra` fields); its id.
    pub async fn change_template(&self, name: &str, extra: Value) -> i64 {
        let mut body = serde_json::json!({"name": name});
        body.as_object_mut().unwrap().extend(extra.as_object().cloned().unwrap_or_default());
        let r = self.post("/api/v1/change-templates", &self.manager, body).await;
        assert_eq!(r.status(), 201, "creating a change template: {}", r.text().await.unwrap());
        r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
    }

    pub async fn delete(&self, path: &str, token: &str) -> Response {
        self.req(Method::DELETE, path, token).send().await.unwrap()
    }

    /// `POST /api/v1/incidents/{n}/transitions`.
    pub async fn transition(&self, number: &str, token: &str, body: Value) -> Response {
        self.post(&format!("/api/v1/incidents/{number}/transitions"), token, body).await
    }

    /// Moves an incident and returns its JSON; panics unless 200.
    pub async fn move_to(&self, number: &str, token: &str, body: Value) -> Value {
        let r = self.transition(number, token, body.clone()).await;
        assert_eq!(r.status(), 200, "transition {body}: {}", r.text().await.unwrap());
        r.json().await.unwrap()
    }

    /// `POST /api/v1/incidents/{n}/comments`.
    pub async fn comment(&self, number: &str, token: &str, body: &str, internal: bool) -> Response {
        self.post(
            &format!("/api/v1/incidents/{number}/comments"),
            token,
            serde_json::json!({"body": body, "internal": internal}),
        )
        .await
    }

    /// The JSON of a 200 answer to a GET.
    pub async fn json(&self, path: &str, token: &str) -> Value {
        let r = self.get(path, token).await;
        assert_eq!(r.status(), 200, "GET {path}");
        r.json().await.unwrap()
    }

    /// The incident as `token` sees it.
    pub async fn read(&self, number: &str, token: &str) -> Value {
        self.json(&format!("/api/v1/incidents/{number}"), token).await
    }

    /// The journal as `token` sees it.
    pub async fn journal(&self, number: &str, token: &str) -> Value {
        self.json(&format!("/api/v1/incidents/{number}/journal"), token).await
    }

    /// `GET /api/v1/incidents` with these query parameters.
    pub async fn list(&self, query: &[(&str, &str)], token: &str) -> Response {
        self.req(Method::GET, "/api/v1/incidents", token).query(query).send().await.unwrap()
    }

    /// The page a list query answers; panics unless 200.
    pub async fn page(&self, query: &[(&str, &str)], token: &str) -> Value {
        let r = self.list(query, token).await;
        assert_eq!(r.status(), 200, "list {query:?}");
        r.json().await.unwrap()
    }

    /// The numbers a list query answers (one page), in order.
    pub async fn numbers(&self, query: &[(&str, &str)], token: &str) -> Vec<String> {
        let page = self.page(query, token).await;
        page["items"].as_array().unwrap().iter().map(num).collect()
    }

    /// How many incidents there are (as the admin sees them).
    pub async fn count(&self) -> usize {
        self.numbers(&[("limit", "200")], &self.admin).await.len()
    }

    /// Uploads `bytes` as the multipart part `file`, the way a browser
    /// does (the file name in raw UTF-8).
    pub async fn upload(&self, number: &str, token: &str, filename: &str, bytes: &[u8]) -> Response {
        let boundary = "----stewardtestboundary7MA4YWxkTrZu0gW";
        let mut body = Vec::new();
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        body.extend_from_slice(
            format!("Content-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n").as_bytes(),
        );
        body.extend_from_slice(b"Content-Type: text/plain\r\n\r\n");
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        self.req(Method::POST, &format!("/api/v1/incidents/{number}/attachments"), token)
            .header("content-type", format!("multipart/form-data; boundary={boundary}"))
            .body(body)
            .send()
            .await
            .unwrap()
    }

    /// Everything the API shows of an incident and its journal, to prove a
    /// refused request changed nothing.
    pub async fn snapshot(&self, number: &str) -> (Value, Value) {
        let inc: Value = self.get(&format!("/api/v1/incidents/{number}"), &self.admin).await.json().await.unwrap();
        let journal: Value =
            self.get(&format!("/api/v1/incidents/{number}/journal"), &self.admin).await.json().await.unwrap();
        (inc, journal)
    }
}

/// A multipart body with text fields and files, the way a browser sends it.
pub fn multipart(fields: &[(&str, &str)], files: &[(&str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----stewarddeskboundary";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    for (name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: text/plain\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

pub async fn post_form(
    t: &TestApp,
    path: &str,
    token: &str,
    fields: &[(&str, &str)],
    files: &[(&str, &[u8])],
) -> reqwest::Response {
    let (ct, body) = multipart(fields, files);
    t.req(Method::POST, path, token).header("content-type", ct).body(body).send().await.unwrap()
}

/// The pending outbox messages of the record numbered `n`, as
/// (channel, event, target).
pub async fn pending_of(t: &TestApp, n: &str) -> Vec<(String, String, String)> {
    let page = t.json("/api/v1/outbox?state=pending&limit=200", &t.admin).await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["record"] == n)
        .map(|m| {
            let s = |k: &str| m[k].as_str().unwrap_or_default().to_owned();
            (s("channel"), s("event"), s("target"))
        })
        .collect()
}

/// Asserts a problem+json answer with this status and code; returns it.
pub async fn problem(r: Response, status: u16, code: &str) -> Value {
    assert_eq!(r.status().as_u16(), status, "status");
    let ct = r.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    assert_eq!(ct, "application/problem+json");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["code"], code, "{body}");
    assert_eq!(body["status"], status);
    assert_eq!(body["type"], format!("/problems/{code}"));
    body
}

/// Asserts a 422 `validation_failed` naming exactly these fields; returns
/// the message of the first.
pub async fn invalid(r: Response, expected: &[&str]) -> String {
    let p = problem(r, 422, "validation_failed").await;
    assert_eq!(fields(&p), expected, "{p}");
    p["errors"][0]["message"].as_str().unwrap().to_owned()
}

/// Asserts a 403 `forbidden` whose detail is exactly `why`.
pub async fn forbidden(r: Response, why: &str) {
    let p = problem(r, 403, "forbidden").await;
    assert_eq!(p["detail"], why);
}

/// The `number` of an incident's JSON.
pub fn num(inc: &Value) -> String {
    inc["number"].as_str().unwrap().to_owned()
}

/// A time the API wrote, in microseconds.
pub fn micros(v: &Value) -> i64 {
    v.as_str().unwrap().parse::<jiff::Timestamp>().unwrap().as_microsecond()
}

/// The field names a validation problem lists.
pub fn fields(problem: &Value) -> Vec<String> {
    problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap().to_owned()).collect()
}

/// The venv `scripts/install-python-tools.sh` makes (as the contract tests).
pub fn python() -> std::path::PathBuf {
    let venv = std::env::var_os("STEWARD_PY_VENV")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../target/python-tools")));
    let py = venv.join("bin/python");
    assert!(py.is_file(), "{} is missing: run scripts/install-python-tools.sh", py.display());
    py
}

/// Runs `tests/api/<script>` in that venv with `input` on its standard
/// input: the JSON it prints, or what it said on standard error.
pub fn python_reads(script: &str, input: &[u8]) -> Result<Value, String> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/api").join(script);
    let mut child = Command::new(python())
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    child.stdin.take().ok_or("no stdin")?.write_all(input).map_err(|e| e.to_string())?;
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    serde_json::from_slice(&out.stdout).map_err(|e| e.to_string())
}
