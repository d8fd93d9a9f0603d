//! The demo (`steward demo`) on both backends, served as the command
//! serves it: its alerts correlate in one pass into one incident on the
//! Web Shop whose page names shop-cache the probable cause; its checks
//! against the server stay up but the checkout port's, which goes down and
//! raises an alert that joins that incident; the shop's availability
//! counts it.

use crate::helpers::{Backend, drop_database, migrated};
use std::net::SocketAddr;
use steward_app::{App, AppConfig, checks::ChecksConfig, seed};
use steward_store::now_micros;
use steward_web::{AppState, WebConfig};

struct Demo {
    app: App,
    base: String,
    addr: SocketAddr,
    url: String,
    client: reqwest::Client,
    _dir: tempfile::TempDir,
}

impl Demo {
    /// The page at `path` as `user` (demo users have the demo password).
    async fn page(&self, user: &str, path: &str) -> String {
        let (_, s) = self.app.login(user, seed::DEMO_PASSWORD, [127, 0, 0, 1].into()).await.unwrap();
        let r =
            self.client.get(format!("{}{path}", self.base)).header("cookie", format!("steward_session={}", s.token));
        let r = r.send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        r.text().await.unwrap()
    }
}

/// A small demo on `backend`, served on a free port; the checks' loop is
/// off (the test runs them) and the workers run as `steward serve` runs them.
async fn serve_demo(backend: Backend) -> Demo {
    let dir = tempfile::tempdir().unwrap();
    let (url, store) = migrated(backend, &dir).await;
    let checks = ChecksConfig { enabled: false, ..ChecksConfig::default() };
    let app = App::new(store, AppConfig { data_dir: dir.path().to_path_buf(), checks, ..AppConfig::default() });
    seed::demo(&app, 25).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let state = AppState::new(app.clone(), WebConfig::default());
    tokio::spawn(steward_web::serve(state, listener, std::future::pending()));
    steward_channels::ensure_crypto_provider();
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    Demo { app, base: format!("http://{addr}"), addr, url, client, _dir: dir }
}

/// Every check runs once now.
async fn run_checks(d: &Demo) {
    sqlx::query("UPDATE check_states SET next_run_at = 0").execute(d.app.store.pool()).await.unwrap();
    d.app.run_due_checks(now_micros()).await.unwrap();
}

async fn run(d: &Demo) {
    assert_eq!(seed::demo_checks(&d.app, d.addr).await.unwrap(), 4);
    assert_eq!(seed::demo_checks(&d.app, d.addr).await.unwrap(), 0, "made once");
    // The checkout port's check retries once: two runs make it hard.
    run_checks(d).await;
    run_checks(d).await;
    d.app.raise_check_alerts().await.unwrap();
    // The server's own worker may run a pass too: what is read below is
    // what the passes left.
    d.app.correlate_alerts().await.unwrap();

    let (manager, _) = d.app.login("manager", seed::DEMO_PASSWORD, [127, 0, 0, 1].into()).await.unwrap();
    let (checks, _) = d.app.checks(&manager, Default::default()).await.unwrap();
    let states: Vec<(&str, &str)> =
        checks.iter().map(|c| (c.row.check.name.as_str(), c.row.state.hard_status.as_str())).collect();
    assert_eq!(states.len(), 4, "{states:?}");
    for (name, status) in &states {
        let want = if *name == "Web Shop checkout port" { "critical" } else { "ok" };
        assert_eq!(*status, want, "{name}: {states:?}");
    }
    let shop = d.app.service_availability(&manager, "Web Shop", 1).await.unwrap();
    assert!(shop.availability.is_some_and(|a| a > 0.0 && a < 1.0), "{shop:?}");

    let list = d.page("manager", "/incidents?service=Web+Shop&state=open").await;
    let title = "RedisOutOfMemory on shop-cache (and 2 affected CIs)";
    assert_eq!(list.matches(title).count(), 1, "one incident from the alerts");
    let row = list.split(title).next().unwrap();
    let n = row.rsplit("/incidents/").next().unwrap().split('"').next().unwrap().to_owned();
    let page = d.page("manager", &format!("/incidents/{n}")).await;
    let panel = page.split(r#"id="probable-cause""#).nth(1).unwrap().split("</section>").next().unwrap();
    let cause = panel.split(r#"data-role="cause""#).nth(1).unwrap().split("</div>").next().unwrap();
    assert!(cause.contains(">shop-cache<") && cause.contains("alert-active"), "{cause}");
    assert!(panel.contains("Web Shop checkout port"), "the check's alert joined the group: {panel}");
    let alerts = d.page("manager", "/alerts?view=groups").await;
    assert!(alerts.contains("CheckoutErrorRate"), "{alerts}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite() {
    run(&serve_demo(Backend::Sqlite).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres() {
    use futures_util::FutureExt;
    let d = serve_demo(Backend::Postgres).await;
    let outcome = std::panic::AssertUnwindSafe(run(&d)).catch_unwind().await;
    d.app.store.close().await;
    drop_database(&d.url).await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}
