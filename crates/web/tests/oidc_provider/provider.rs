//! Starts npm's oidc-provider (provider.mjs beside this file, installed by
//! scripts/install-oidc.sh) with node on a free port of 127.0.0.1, for the
//! single sign-on tests (tests/api/oidc.rs, tests/browser/sso_journey.rs).

#![allow(dead_code)]

use serde_json::Value;
use std::io::BufRead;
use std::path::{Path, PathBuf};

pub const SECRET: &str = "steward-test-secret";

/// The provider: a node process, killed when this is dropped.
pub struct Provider {
    child: std::process::Child,
    pub issuer: String,
    users: PathBuf,
    _dir: tempfile::TempDir,
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Provider {
    pub fn set_users(&self, users: &Value) {
        std::fs::write(&self.users, users.to_string()).unwrap();
    }
}

fn provider_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oidc_provider")
}

/// Starts the provider with `redirect` registered for the client.
pub async fn start_provider(redirect: &str, users: &Value, env: &[(&str, &str)]) -> Provider {
    let dir = provider_dir();
    assert!(
        dir.join("node_modules/oidc-provider/package.json").exists(),
        "npm's oidc-provider is not installed in {}: run scripts/install-oidc.sh",
        dir.display()
    );
    let tmp = tempfile::tempdir().unwrap();
    let users_file = tmp.path().join("users.json");
    std::fs::write(&users_file, users.to_string()).unwrap();
    let mut cmd = std::process::Command::new("node");
    cmd.arg("provider.mjs")
        .current_dir(&dir)
        .env("REDIRECT_URI", redirect)
        .env("CLIENT_ID", "steward")
        .env("CLIENT_SECRET", SECRET)
        .env("USERS_FILE", &users_file)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child =
        cmd.spawn().unwrap_or_else(|e| panic!("node could not be started ({e}): run scripts/install-oidc.sh"));
    let stdout = child.stdout.take().unwrap();
    let line = tokio::time::timeout(
        std::time::Duration::from_secs(30),
        tokio::task::spawn_blocking(move || {
            let mut reader = std::io::BufReader::new(stdout);
            let mut line = String::new();
            let read = reader.read_line(&mut line).map(|_| line);
            // Keep reading, so that the provider never writes to a closed pipe.
            std::thread::spawn(move || std::io::copy(&mut reader, &mut std::io::sink()));
            read
        }),
    )
    .await
    .expect("the provider did not start within 30 s")
    .unwrap()
    .unwrap();
    let issuer = serde_json::from_str::<Value>(&line).unwrap_or_else(|e| panic!("the provider printed {line:?}: {e}"))
        ["issuer"]
        .as_str()
        .unwrap()
        .to_owned();
    Provider { child, issuer, users: users_file, _dir: tmp }
}
