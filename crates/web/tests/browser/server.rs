//! The real server on 127.0.0.1:0 over SQLite in a temporary folder, with
//! a few users (the shape of `tests/api/helpers.rs`, cut to what the UI
//! tests need).

use std::net::SocketAddr;
use steward_app::{App, AppConfig, accounts::NewUser};
use steward_store::{Store, StoreOptions};
use steward_web::{AppState, WebConfig};

pub const PASSWORD: &str = "correct horse battery";

/// A client that shows redirects rather than following them.
pub fn client() -> reqwest::Client {
    steward_channels::ensure_crypto_provider();
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// A page, as the signed-in `cookie`.
pub async fn get(t: &TestServer, path: &str, cookie: &str) -> reqwest::Response {
    client().get(t.url(path)).header(reqwest::header::COOKIE, cookie).send().await.unwrap()
}

/// A form post, as the signed-in `cookie`.
pub async fn post(t: &TestServer, path: &str, cookie: &str, form: &[(&str, &str)]) -> reqwest::Response {
    client().post(t.url(path)).header(reqwest::header::COOKIE, cookie).form(form).send().await.unwrap()
}

pub struct TestServer {
    pub base: String,
    pub app: App,
    _dir: tempfile::TempDir,
}

impl TestServer {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Adds `mona`, a manager with the password, for service-level tests.
    pub async fn add_manager(&self) {
        let u = NewUser {
            username: "mona".into(),
            display_name: Some("Mona Manager".into()),
            role: "manager".into(),
            password: Some(PASSWORD.to_owned()),
            ..NewUser::default()
        };
        self.app.add_user(None, u).await.unwrap();
    }

    /// A signed-in session for `username`: (cookie header value, CSRF token).
    pub async fn session(&self, username: &str) -> (String, String) {
        let (_, s) = self.app.login(username, PASSWORD, [127, 0, 0, 1].into()).await.unwrap();
        (format!("steward_session={}", s.token), s.csrf)
    }
}

/// An empty database in a temporary folder and the app over it.
async fn open() -> (tempfile::TempDir, App) {
    open_with(|_| {}).await
}

/// [`open`], with `tune` applied to the settings first.
async fn open_with(tune: impl FnOnce(&mut AppConfig)) -> (tempfile::TempDir, App) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/steward.db", dir.path().display());
    let store =
        Store::connect(&url, &StoreOptions { max_connections: 4, writers: 2, ..Default::default() }).await.unwrap();
    store.migrate().await.unwrap();
    // An attachment limit above axum's 2 MB default body limit (which must
    // not apply) yet small enough to go over cheaply.
    let mut config =
        AppConfig { data_dir: dir.path().to_path_buf(), attachment_max_bytes: 3 * 1024 * 1024, ..AppConfig::default() };
    tune(&mut config);
    (dir, App::new(store, config))
}

/// Serves `app` on a free port.
async fn start(dir: tempfile::TempDir, app: App) -> TestServer {
    start_on(tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap(), dir, app).await
}

async fn start_on(listener: tokio::net::TcpListener, dir: tempfile::TempDir, app: App) -> TestServer {
    let addr: SocketAddr = listener.local_addr().unwrap();
    let state = AppState::new(app.clone(), WebConfig::default());
    tokio::spawn(steward_web::serve(state, listener, std::future::pending()));
    TestServer { base: format!("http://{addr}"), app, _dir: dir }
}

/// The demo (`steward demo`) with `incidents` incidents; everyone's
/// password is [`steward_app::seed::DEMO_PASSWORD`].
pub async fn spawn_demo(incidents: usize) -> TestServer {
    let (dir, app) = open().await;
    steward_app::seed::demo(&app, incidents).await.unwrap();
    start(dir, app).await
}

/// Users: `agent` and `agent2` in Service Desk, `netagent` in Network,
/// `requester` (Contoso), `requester2` and `admin`; the first, third, fourth
/// and last have the password (argon2 is slow, so not everyone gets one).
pub async fn spawn() -> TestServer {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    spawn_on(listener, |_| {}).await
}

/// [`spawn`] on `listener` (whose address the settings may need), with
/// `tune` applied to the settings first.
pub async fn spawn_on(listener: tokio::net::TcpListener, tune: impl FnOnce(&mut AppConfig)) -> TestServer {
    let (dir, app) = open_with(tune).await;
    app.add_group(None, "Service Desk", "First line").await.unwrap();
    app.add_group(None, "Network", "Routers and switches").await.unwrap();
    let users = [
        ("agent", "Alex Agent", "agent", Some("Service Desk"), None, true),
        ("agent2", "Blake Second", "agent", Some("Service Desk"), None, false),
        ("netagent", "Nora Network", "agent", Some("Network"), None, true),
        ("requester", "Rita Requester", "requester", None, Some("Contoso"), true),
        ("requester2", "Remy Other", "requester", None, Some("Fabrikam"), false),
        ("admin", "Ada Admin", "admin", None, None, true),
    ];
    for (name, display, role, group, org, password) in users {
        app.add_user(
            None,
            NewUser {
                username: name.into(),
                display_name: Some(display.into()),
                email: None,
                role: role.into(),
                organisation: org.map(String::from),
                groups: group.map(String::from).into_iter().collect(),
                password: password.then(|| PASSWORD.to_owned()),
                locale: None,
            },
        )
        .await
        .unwrap();
    }
    start_on(listener, dir, app).await
}
