//! What the app tests share: an app on a fresh database of either backend,
//! with a group "Desk", an agent in it and a requester; and `both!`, which
//! runs a test body on SQLite and on PostgreSQL.

// Each test binary uses what it needs of this module.
#![allow(dead_code)]

use steward_app::{App, AppConfig, accounts::NewUser};
use steward_store::{Store, StoreOptions};

pub async fn app(pg: bool, config: AppConfig) -> (App, tempfile::TempDir) {
    let (app, dir) = empty_app(pg, config).await;
    app.add_group(None, "Desk", "").await.unwrap();
    for (name, role) in [("agent", "agent"), ("req", "requester")] {
        let u = NewUser {
            username: name.into(),
            role: role.into(),
            groups: if role == "agent" { vec!["Desk".into()] } else { vec![] },
            password: Some("a long password".into()),
            ..Default::default()
        };
        app.add_user(None, u).await.unwrap();
    }
    (app, dir)
}

/// An app on a fresh, migrated database with no users yet.
pub async fn empty_app(pg: bool, config: AppConfig) -> (App, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = if pg {
        let base = std::env::var("STEWARD_TEST_PG_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        let mut b = [0u8; 6];
        getrandom::fill(&mut b).unwrap();
        Store::create_postgres_database(&base, &format!("steward_t_{}", hex::encode(b)))
            .await
            .unwrap_or_else(|e| panic!("PostgreSQL is required for this test ({base}): {e}"))
    } else {
        format!("sqlite://{}/t.db", dir.path().display())
    };
    let store = Store::connect(&url, &StoreOptions::default()).await.unwrap();
    store.migrate().await.unwrap();
    (App::new(store, AppConfig { data_dir: dir.path().into(), ..config }), dir)
}

#[macro_export]
macro_rules! both {
    ($name:ident, $body:expr) => {
        mod $name {
            use super::*;
            #[tokio::test]
            async fn sqlite() {
                ($body)(false).await
            }
            #[tokio::test]
            async fn postgres() {
                ($body)(true).await
            }
        }
    };
}
