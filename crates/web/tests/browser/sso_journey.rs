//! Single sign-on in a real browser: the login page's button, npm's
//! oidc-provider's own login and consent pages (started with node, see
//! tests/oidc_provider), and back to a signed-in desk with the role and
//! group the provider's groups map to; signing out ends Steward's session.

use crate::journey::{fill, go, path, text, wait};
use crate::{driver, server};
use fantoccini::Client;
use futures_util::FutureExt;
use serde_json::json;
use std::panic::AssertUnwindSafe;
use steward_app::oidc::OidcConfig;
use steward_domain::Role;

#[path = "../oidc_provider/provider.rs"]
mod provider;

async fn journey(c: &Client, t: &server::TestServer) {
    c.goto(&t.url("/incidents")).await.unwrap();
    assert_eq!(text(c, "#sso-button").await, "Sign in with single sign-on");
    go(c, "#sso-button").await;
    // The provider's login form, then its consent form.
    fill(c, "input[name=login]", "olga").await;
    fill(c, "input[name=password]", "anything").await;
    go(c, "button.login-submit").await;
    wait(c, "input[name=prompt][value=consent]").await;
    go(c, "button.login-submit").await;
    wait(c, "form[action='/logout'] button").await;
    assert_eq!(path(c).await, "/incidents", "back on the page first asked for");
    let mut conn = t.app.store.pool().acquire().await.unwrap();
    let olga = steward_store::accounts::user_by_name(&mut conn, "olga").await.unwrap().unwrap();
    assert_eq!(olga.role, "agent");
    let groups = steward_store::accounts::groups_of(&mut conn, olga.id).await.unwrap();
    assert_eq!(groups.iter().map(|g| g.name.as_str()).collect::<Vec<_>>(), ["Service Desk"]);
    go(c, "form[action='/logout'] button").await;
    assert_eq!(path(c).await, "/login");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_signs_in_through_the_provider_pages_to_the_desk() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let redirect = format!("http://{}/auth/oidc/callback", listener.local_addr().unwrap());
    let users = json!({"olga": {"name": "Olga Kowalska", "email": "olga@example.com", "groups": ["it-staff"]}});
    let p = provider::start_provider(&redirect, &users, &[]).await;
    let t = server::spawn_on(listener, |c| {
        let mut o = OidcConfig::new(&p.issuer, "steward", provider::SECRET, &redirect);
        o.roles = vec![("it-staff".into(), Role::Agent)];
        o.groups = vec![("it-staff".into(), "Service Desk".into())];
        c.oidc = Some(o);
    })
    .await;
    let b = driver::start().await;
    let outcome = AssertUnwindSafe(journey(&b.client, &t)).catch_unwind().await;
    b.close().await;
    drop(p);
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}
