//! Two-step sign-in in a real browser: an agent sets up an authenticator
//! app from the settings page (the key read off the page, each code
//! computed as the app would), keeps the recovery codes shown once, signs
//! out, and signs in again with the password and then a code; a recovery
//! code gets in too, once.

use crate::cmdb_journey::sign_in;
use crate::journey::{fill, go, path, text, wait};
use crate::{driver, server};
use fantoccini::{Client, Locator};
use futures_util::FutureExt;
use std::panic::AssertUnwindSafe;
use steward_app::totp;

fn now_step() -> i64 {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    totp::step_of(i64::try_from(secs).unwrap())
}

async fn sign_out(c: &Client) {
    go(c, "form[action='/logout'] button").await;
    assert_eq!(path(c).await, "/login");
}

async fn journey(c: &Client, t: &server::TestServer) {
    sign_in(c, t, "agent").await;
    c.goto(&t.url("/settings")).await.unwrap();
    go(c, "#two-factor-start").await;
    wait(c, "#two-factor-qr svg").await;
    let secret = totp::from_base32(&text(c, "#two-factor-secret").await).unwrap();
    let first = now_step();
    fill(c, "#two-factor-code", &totp::code(&secret, first)).await;
    go(c, "#two-factor-confirm").await;
    let shown = c.find_all(Locator::Css("#recovery-codes li code")).await.unwrap();
    let mut codes = Vec::new();
    for code in shown {
        codes.push(code.text().await.unwrap());
    }
    assert_eq!(codes.len(), 10);
    assert!(text(c, "#two-factor-on").await.contains("10 recovery codes left"));
    sign_out(c).await;

    // The password leads to the code; the app's next code signs in.
    sign_in(c, t, "agent").await;
    assert_eq!(text(c, "#login-title").await, "Two-step sign-in");
    fill(c, "#code", "123 456").await;
    go(c, ".login-card button[type=submit]").await;
    assert!(text(c, "#login-error").await.starts_with("Wrong code."));
    fill(c, "#code", &totp::code(&secret, now_step().max(first) + 1)).await;
    go(c, ".login-card button[type=submit]").await;
    assert_eq!(path(c).await, "/home");
    sign_out(c).await;

    // A recovery code instead, once.
    sign_in(c, t, "agent").await;
    fill(c, "#code", &codes[0]).await;
    go(c, ".login-card button[type=submit]").await;
    assert_eq!(path(c).await, "/home");
    c.goto(&t.url("/settings")).await.unwrap();
    assert!(text(c, "#two-factor-on").await.contains("9 recovery codes left"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_turns_on_two_step_sign_in_and_signs_in_with_a_code() {
    let t = server::spawn().await;
    let b = driver::start().await;
    let outcome = AssertUnwindSafe(journey(&b.client, &t)).catch_unwind().await;
    b.close().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}
