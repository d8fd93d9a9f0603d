//! `spawn_app`: a fresh database, a real server on port 0 and tokens for
//! one user of each role.
//!
//! PostgreSQL is reached at `STEWARD_TEST_PG_URL` (default
//! postgres://postgres@127.0.0.1:5432/postgres); each test gets its own
//! database. When PostgreSQL is not there, the PostgreSQL tests fail.

#![allow(dead_code)]

use reqwest::{Client, Method, RequestBuilder, Response};
use serde_json::Value;
use std::{net::SocketAddr, sync::Arc};
use steward_app::{accounts::NewUser, App, AppConfig};
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
                run($crate::helpers::spawn_app($crate::helpers::Backend::Postgres).await).await
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
    _dir: Arc<tempfile::TempDir>,
}

pub const PASSWORD: &str = "correct horse battery";

fn pg_base() -> String {
    std::env::var("STEWARD_TEST_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// A new, empty PostgreSQL database; panics when the server is not there.
async fn pg_database() -> String {
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

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_with(backend, AppConfig::default()).await
}

pub async fn spawn_with(backend: Backend, mut config: AppConfig) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let url = match backend {
        Backend::Sqlite => format!("sqlite://{}/steward.db", dir.path().display()),
        Backend::Postgres => pg_database().await,
    };
    let store = Store::connect(&url, &StoreOptions { max_connections: 4, writers: 2, ..Default::default() })
        .await
        .unwrap();
    store.migrate().await.unwrap();
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
    let state = AppState { app: app.clone(), web: Arc::new(WebConfig::default()) };
    tokio::spawn(steward_web::serve(state, listener, std::future::pending()));
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
        _dir: Arc::new(dir),
    }
}

impl TestApp {
    pub fn req(&self, method: Method, path: &str, token: &str) -> RequestBuilder {
        self.client.request(method, format!("{}{}", self.base, path)).bearer_auth(token)
    }

    pub async fn get(&self, path: &str, token: &str) -> Response {
        self.req(Method::GET, path, token).send().await.unwrap()
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Response {
        self.req(Method::POST, path, token).json(&body).send().await.unwrap()
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

    /// Everything the API shows of an incident and its journal, to prove a
    /// refused request changed nothing.
    pub async fn snapshot(&self, number: &str) -> (Value, Value) {
        let inc: Value = self.get(&format!("/api/v1/incidents/{number}"), &self.admin).await.json().await.unwrap();
        let journal: Value =
            self.get(&format!("/api/v1/incidents/{number}/journal"), &self.admin).await.json().await.unwrap();
        (inc, journal)
    }
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

/// The field names a validation problem lists.
pub fn fields(problem: &Value) -> Vec<String> {
    problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap().to_owned()).collect()
}
