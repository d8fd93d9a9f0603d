//! A real server on 127.0.0.1:0 with the demo data (`steward demo`) on
//! SQLite or PostgreSQL, and API tokens of its admin and a requester.

use steward_app::{App, AppConfig};
use steward_store::{Store, StoreOptions};
use steward_web::{AppState, WebConfig};

/// Incidents in the demo: enough for pages and filters, quick to create.
const INCIDENTS: usize = 150;

#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct Demo {
    pub base: String,
    pub admin: String,
    /// A requester of Contoso Retail.
    pub requester: String,
    pub dir: tempfile::TempDir,
    store: Store,
    /// The PostgreSQL database to drop afterwards.
    pg_database: Option<String>,
}

fn pg_base() -> String {
    std::env::var("STEWARD_TEST_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

async fn pg_admin(sql: String) {
    use sqlx::Connection;
    let base = pg_base();
    let mut conn = sqlx::PgConnection::connect(&base)
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL is required for this test ({base}): {e}"));
    sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut conn).await.unwrap();
}

impl Demo {
    pub async fn start(backend: Backend) -> Demo {
        let dir = tempfile::tempdir().unwrap();
        let (url, pg_database) = match backend {
            Backend::Sqlite => (format!("sqlite://{}/steward.db", dir.path().display()), None),
            Backend::Postgres => {
                let mut bytes = [0u8; 8];
                getrandom::fill(&mut bytes).unwrap();
                let name = format!("steward_c_{}", hex::encode(bytes));
                pg_admin(format!("CREATE DATABASE {name}")).await;
                let (prefix, _) = pg_base().rsplit_once('/').map(|(p, n)| (p.to_owned(), n.to_owned())).unwrap();
                (format!("{prefix}/{name}"), Some(name))
            }
        };
        let store =
            Store::connect(&url, &StoreOptions { max_connections: 4, writers: 2, ..Default::default() }).await.unwrap();
        store.migrate().await.unwrap();
        let app = App::new(store.clone(), AppConfig { data_dir: dir.path().to_path_buf(), ..AppConfig::default() });
        steward_app::seed::demo(&app, INCIDENTS).await.unwrap();
        let admin = app.create_token(None, "admin", "contract").await.unwrap().token;
        let requester = app.create_token(None, "requester", "contract").await.unwrap().token;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = AppState::new(app, WebConfig::default());
        tokio::spawn(steward_web::serve(state, listener, std::future::pending()));
        Demo { base: format!("http://{addr}"), admin, requester, dir, store, pg_database }
    }

    /// Runs the test, then drops its PostgreSQL database whether it passed or not.
    pub async fn run<F: Future<Output = ()>>(self, test: impl FnOnce(Demo) -> F) {
        use futures_util::FutureExt;
        let (store, pg_database) = (self.store.clone(), self.pg_database.clone());
        let outcome = std::panic::AssertUnwindSafe(test(self)).catch_unwind().await;
        store.close().await;
        if let Some(name) = pg_database {
            pg_admin(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
        }
        if let Err(panic) = outcome {
            std::panic::resume_unwind(panic);
        }
    }

    /// The server's OpenAPI document, saved in the test's folder.
    pub async fn document_file(&self) -> std::path::PathBuf {
        let doc = reqwest::get(format!("{}/api/v1/openapi.json", self.base)).await.unwrap().bytes().await.unwrap();
        let file = self.dir.path().join("openapi.json");
        std::fs::write(&file, doc).unwrap();
        file
    }
}
