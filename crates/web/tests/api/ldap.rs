//! Directory (LDAP) sign-in against a real slapd (see `slapd.rs`), on both
//! backends: the bind, groups mapped to role and Steward groups (and
//! following the directory), refusals answered and throttled as a local
//! wrong password, disabled and unbindable entries, filter injection, a
//! directory named like a local account, and a directory that is down or
//! stalls (503, within the timeout) while local accounts still sign in.

use crate::helpers::*;
use crate::slapd::{self, Slapd};
use reqwest::header;
use serde_json::Value;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use steward_app::ldap_sign_in::{DIRECTORY_DOWN, LdapSignIn};
use steward_app::{Actor, AppConfig, AppError, Code};
use steward_channels::ldap::{GroupSource, LdapConfig};
use steward_domain::Role;

/// The filter the README documents for entries disabled in the directory.
const FILTER: &str = "(&(objectClass=inetOrgPerson)(uid={username})(!(employeeType=disabled)))";
const TIMEOUT: Duration = Duration::from_secs(2);

fn settings(d: &Slapd) -> LdapSignIn {
    LdapSignIn {
        directory: LdapConfig {
            url: d.url(),
            starttls: false,
            bind_dn: slapd::SERVICE_DN.into(),
            bind_password: slapd::SERVICE_PASSWORD.into(),
            base_dn: format!("ou=people,{}", slapd::BASE),
            user_filter: FILTER.into(),
            username_attribute: "uid".into(),
            display_name_attribute: "cn".into(),
            email_attribute: "mail".into(),
            groups: GroupSource::Search {
                base_dn: format!("ou=groups,{}", slapd::BASE),
                filter: "(|(member={dn})(uniqueMember={dn}))".into(),
            },
            timeout: TIMEOUT,
            ca_certs: Vec::new(),
        },
        roles: vec![
            (slapd::group_dn("admins"), Role::Admin),
            ("agents".into(), Role::Agent),
            ("staff".into(), Role::Requester),
        ],
        default_role: None,
        groups: vec![("agents".into(), "Service Desk".into()), (slapd::group_dn("network"), "Network".into())],
    }
}

/// Groups from the entries' `memberOf` (the memberof overlay), and a
/// default role for people in no mapped group.
fn member_of(d: &Slapd) -> LdapSignIn {
    let mut s = settings(d);
    s.directory.groups = GroupSource::Attribute("memberOf".into());
    s.default_role = Some(Role::Requester);
    s
}

fn config(s: LdapSignIn) -> AppConfig {
    AppConfig { ldap: Some(Arc::new(s)), ..AppConfig::default() }
}

/// Runs a test body on both backends with its own directory.
macro_rules! with_directory {
    ($name:ident, $settings:expr, |$t:ident, $d:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[allow(unused_mut)]
            async fn run($t: TestApp, mut $d: Slapd) $body
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let d = Slapd::start();
                let t = spawn_with(Backend::Sqlite, config($settings(&d))).await;
                run(t, d).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let d = Slapd::start();
                let t = spawn_with(Backend::Postgres, config($settings(&d))).await;
                with_cleanup(t, move |t| run(t, d)).await
            }
        }
    };
}

const HERE: [u8; 4] = [127, 0, 0, 1];

async fn sign_in(t: &TestApp, user: &str, password: &str) -> Result<Actor, AppError> {
    sign_in_from(t, user, password, HERE.into()).await
}

async fn sign_in_from(t: &TestApp, user: &str, password: &str, ip: IpAddr) -> Result<Actor, AppError> {
    t.app.login(user, password, ip).await.map(|(a, _)| a)
}

async fn group_names(t: &TestApp, a: &Actor) -> Vec<String> {
    let groups = t.app.list_groups().await.unwrap();
    let mut names: Vec<String> = groups.into_iter().filter(|g| a.group_ids.contains(&g.id)).map(|g| g.name).collect();
    names.sort();
    names
}

async fn audit_details(t: &TestApp, kind: &str) -> Vec<String> {
    let page: Value = t.json(&format!("/api/v1/audit?kind={kind}&limit=100"), &t.admin).await;
    page["items"].as_array().unwrap().iter().map(|e| e["detail"].as_str().unwrap_or("").to_owned()).collect()
}

async fn user_count(t: &TestApp) -> usize {
    t.app.list_users_with_groups(None).await.unwrap().len()
}

fn wrong(r: Result<Actor, AppError>) {
    match r {
        Err(AppError::Unauthenticated(why)) => assert_eq!(why, "wrong username or password"),
        other => panic!("expected the wrong-password answer, got {other:?}"),
    }
}

/// The sign-in page posted: its status and text.
async fn form_sign_in(t: &TestApp, user: &str, password: &str, lang: &str) -> (u16, String) {
    let r = t.client.get(format!("{}/login", t.base)).send().await.unwrap();
    let cookie = r.headers()[header::SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_owned();
    let page = r.text().await.unwrap();
    let csrf = page.split("name=\"_csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let form = [("_csrf", csrf.as_str()), ("next", "/"), ("username", user), ("password", password)];
    let r = t
        .client
        .post(format!("{}/login", t.base))
        .header(header::COOKIE, &cookie)
        .header(header::ACCEPT_LANGUAGE, lang)
        .form(&form)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

with_directory!(first_sign_in_maps_role_and_groups_and_later_ones_follow_the_directory, settings, |t, d| {
    let before = user_count(&t).await;
    let alice = sign_in(&t, "alice", slapd::password_of("alice")).await.unwrap();
    assert_eq!((alice.username.as_str(), alice.display_name.as_str()), ("alice", "Alice Liddell"));
    assert_eq!(alice.role, Role::Agent, "agents gives agent");
    assert_eq!(group_names(&t, &alice).await, ["Network", "Service Desk"]);
    assert_eq!(user_count(&t).await, before + 1, "created on the first sign-in");
    let signed_in = audit_details(&t, "sign_in").await;
    assert!(signed_in.contains(&format!("via ldap as {}", slapd::dn_of("alice"))), "{signed_in:?}");
    let bob = sign_in(&t, "bob", slapd::password_of("bob")).await.unwrap();
    assert_eq!((bob.role, group_names(&t, &bob).await.len()), (Role::Requester, 0));

    // An admin puts alice in a group the directory does not manage: it stays.
    t.app.add_group(None, "Change Board", "CAB").await.unwrap();
    t.app.add_member(None, "Change Board", "alice").await.unwrap();
    // The directory moves her from agents to staff and out of network.
    d.move_member("alice", "agents", "staff");
    d.modify(&format!(
        "dn: {}\nchangetype: modify\ndelete: member\nmember: {}\n",
        slapd::group_dn("network"),
        slapd::dn_of("alice")
    ));
    let again = sign_in(&t, "alice", slapd::password_of("alice")).await.unwrap();
    assert_eq!(again.id, alice.id, "the same user");
    assert_eq!(again.role, Role::Requester);
    assert_eq!(group_names(&t, &again).await, ["Change Board"]);
    // And into admins: the highest mapped role wins.
    d.move_member("alice", "staff", "admins");
    d.modify(&format!(
        "dn: {}\nchangetype: modify\nadd: member\nmember: {}\n",
        slapd::group_dn("agents"),
        slapd::dn_of("alice")
    ));
    let admin = sign_in(&t, "alice", slapd::password_of("alice")).await.unwrap();
    assert_eq!(admin.role, Role::Admin);
    assert_eq!(group_names(&t, &admin).await, ["Change Board", "Service Desk"]);
    assert_eq!(user_count(&t).await, before + 2);
});

with_directory!(wrong_passwords_and_unknown_names_are_answered_and_throttled_like_local_ones, settings, |t, d| {
    let before = user_count(&t).await;
    wrong(sign_in(&t, "alice", "not-her-password").await);
    wrong(sign_in(&t, "nobody", "whatever-it-is").await);
    // A filter injection matches nobody: escaped, it is a name no one has.
    let long = "a".repeat(300);
    for name in ["*)(uid=*", "*", "alice)(uid=*", "al*", "alice\u{0}", long.as_str()] {
        wrong(sign_in(&t, name, slapd::password_of("alice")).await);
    }
    assert_eq!(user_count(&t).await, before, "nobody was created");
    let failed = audit_details(&t, "sign_in_failed").await;
    assert!(
        failed.iter().any(|f| f.contains("no entry matches (&(objectClass=inetOrgPerson)(uid=\\2a\\29\\28uid=\\2a)")),
        "{failed:?}"
    );
    assert!(failed.iter().any(|f| f.contains("directory refused the bind as uid=alice")), "{failed:?}");

    // The throttle: a directory name locks after as many failures as a
    // local one (from clients of their own, so the counts are apart).
    async fn failures_until_locked(t: &TestApp, user: &str, ip: [u8; 4]) -> usize {
        for n in 0..20 {
            match sign_in_from(t, user, "still-the-wrong-password", ip.into()).await {
                Err(AppError::Throttled { .. }) => return n,
                r => wrong(r),
            }
        }
        panic!("{user} was never throttled");
    }
    let local = failures_until_locked(&t, "agent", [127, 0, 0, 2]).await;
    let directory = failures_until_locked(&t, "bob", [127, 0, 0, 3]).await;
    assert_eq!(directory, local, "throttled alike");
    // Locked: even the right password waits, and the directory is not asked.
    let binds = d.binds_as(&slapd::dn_of("bob"));
    let r = sign_in_from(&t, "bob", slapd::password_of("bob"), [127, 0, 0, 3].into()).await;
    assert!(matches!(r, Err(AppError::Throttled { .. })), "{r:?}");
    assert_eq!(d.binds_as(&slapd::dn_of("bob")), binds);
});

with_directory!(empty_passwords_disabled_and_unbindable_entries_are_refused, settings, |t, d| {
    let alice = slapd::dn_of("alice");
    sign_in(&t, "alice", slapd::password_of("alice")).await.unwrap();
    let binds = wait_for_binds(&d, &alice, 1).await;
    // An empty password would be an anonymous bind, which succeeds: it is
    // refused before the directory is asked.
    wrong(sign_in(&t, "alice", "").await);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(d.binds_as(&alice), binds, "no bind with an empty password");
    let (status, page) = form_sign_in(&t, "alice", "", "en").await;
    assert_eq!(status, 401);
    assert!(page.contains("Wrong username or password."), "{page}");
    // carol is disabled in the directory (employeeType: disabled): the
    // filter leaves her out, so her password is never even tried.
    wrong(sign_in(&t, "carol", slapd::password_of("carol")).await);
    assert_eq!(d.binds_as(&slapd::dn_of("carol")), 0);
    // dave's entry has no password: the directory refuses every bind.
    wrong(sign_in(&t, "dave", "any-password-at-all").await);
    assert!(
        t.app
            .list_users_with_groups(None)
            .await
            .unwrap()
            .iter()
            .all(|u| !["carol", "dave"].contains(&u.user.username.as_str()))
    );

    // mallory is in no mapped group and there is no default role; "eve
    // smith" has a username Steward does not take (a space); the
    // directory's "admin" is not the local admin (who has no password here
    // in these tests, so the directory is asked).
    for (user, code, status, lang, says) in [
        ("mallory", Code::DenyDirectoryNoRole, 403, "pl", "nie należy do żadnej grupy"),
        ("eve smith", Code::UsernameChars, 403, "en", "Your directory username is not one Steward accepts"),
        ("admin", Code::NameTaken, 409, "en", "does not sign in through the directory"),
    ] {
        match sign_in(&t, user, slapd::password_of(user)).await {
            Err(AppError::Forbidden(m) | AppError::Conflict(m)) => assert_eq!(m.code, code, "{user}"),
            other => panic!("{user}: {other:?}"),
        }
        let (got, page) = form_sign_in(&t, user, slapd::password_of(user), lang).await;
        assert_eq!(got, status, "{user}");
        assert!(page.contains(says), "{user}: {page}");
    }
    let me: Value = t.json("/api/v1/me", &t.admin).await;
    assert_eq!((me["role"].as_str(), me["display_name"].as_str()), (Some("admin"), Some("admin user")), "untouched");
});

async fn wait_for_binds(d: &Slapd, dn: &str, at_least: usize) -> usize {
    for _ in 0..50 {
        let n = d.binds_as(dn);
        if n >= at_least {
            return n;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("slapd logged no bind as {dn}");
}

with_directory!(a_directory_down_or_stalled_answers_503_in_time_and_local_accounts_still_sign_in, settings, |t, d| {
    fn down(r: Result<Actor, AppError>) {
        match r {
            Err(AppError::Unavailable(why)) => assert_eq!(why, DIRECTORY_DOWN),
            other => panic!("expected the directory-down answer, got {other:?}"),
        }
    }
    // Stalled: slapd accepts connections but answers nothing.
    d.freeze(true);
    let started = Instant::now();
    down(sign_in(&t, "alice", slapd::password_of("alice")).await);
    let took = started.elapsed();
    assert!(took >= TIMEOUT - Duration::from_millis(100) && took < TIMEOUT + Duration::from_secs(2), "{took:?}");
    let (status, page) = form_sign_in(&t, "alice", slapd::password_of("alice"), "en").await;
    assert_eq!(status, 503);
    assert!(page.contains("The directory does not answer"), "{page}");
    let (status, page) = form_sign_in(&t, "alice", slapd::password_of("alice"), "pl").await;
    assert_eq!(status, 503);
    assert!(page.contains("Katalog nie odpowiada"), "{page}");
    let started = Instant::now();
    let agent = sign_in(&t, "agent", PASSWORD).await.unwrap();
    assert_eq!(agent.username, "agent");
    assert!(started.elapsed() < TIMEOUT, "a local account does not wait for the directory");
    d.freeze(false);

    // Down: nothing listens.
    d.stop();
    let started = Instant::now();
    down(sign_in(&t, "alice", slapd::password_of("alice")).await);
    assert!(started.elapsed() < TIMEOUT, "a refused connection answers at once");
    sign_in(&t, "agent", PASSWORD).await.unwrap();
    let (status, _) = form_sign_in(&t, "agent", PASSWORD, "en").await;
    assert_eq!(status, 303, "the local account signs in on the page too");
    // Outages are not wrong passwords: more of them than a lock-out
    // takes, and the name is not locked.
    for _ in 0..steward_app::throttle::PAIR_LOCK_AFTER {
        down(sign_in(&t, "alice", slapd::password_of("alice")).await);
    }
    let failed = audit_details(&t, "sign_in_failed").await;
    assert!(failed.iter().filter(|f| f.starts_with("the directory does not answer")).count() >= 9, "{failed:?}");
    assert!(d.spawn(), "slapd starts again");
    let alice = sign_in(&t, "alice", slapd::password_of("alice")).await.unwrap();
    assert_eq!(alice.role, Role::Agent);
});

with_directory!(groups_from_member_of_and_a_default_role, member_of, |t, d| {
    let alice = sign_in(&t, "alice", slapd::password_of("alice")).await.unwrap();
    assert_eq!(
        (alice.role, group_names(&t, &alice).await),
        (Role::Agent, vec!["Network".into(), "Service Desk".into()])
    );
    // mallory is in no mapped group: the default role.
    let mallory = sign_in(&t, "mallory", slapd::password_of("mallory")).await.unwrap();
    assert_eq!((mallory.role, group_names(&t, &mallory).await.len()), (Role::Requester, 0));
    d.move_member("alice", "agents", "admins");
    let alice = sign_in(&t, "alice", slapd::password_of("alice")).await.unwrap();
    assert_eq!((alice.role, group_names(&t, &alice).await), (Role::Admin, vec!["Network".to_owned()]));
});

with_directory!(a_directory_user_with_a_second_step_is_asked_for_its_code, settings, |t, d| {
    use steward_app::{auth::SignIn, totp};
    let alice = sign_in(&t, "alice", slapd::password_of("alice")).await.unwrap();
    let enrolment = t.app.begin_two_factor(&alice).await.unwrap();
    let secret = totp::from_base32(&enrolment.secret).unwrap();
    let now = || std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    t.app.confirm_two_factor(&alice, &totp::code(&secret, totp::step_of(now()))).await.unwrap();
    // The directory's password is the first step only.
    let challenge = match t.app.sign_in("alice", slapd::password_of("alice"), HERE.into(), "pre").await.unwrap() {
        SignIn::NeedsCode(c) => c,
        SignIn::Done(..) => panic!("signed in without the second step"),
    };
    let bad_code = t.app.sign_in_with_code(&challenge, "000000", HERE.into(), "pre").await;
    assert!(matches!(bad_code, Err(AppError::Unauthenticated(_))), "{bad_code:?}");
    let code = totp::code(&secret, totp::step_of(now()) + 1);
    let (actor, _) = t.app.sign_in_with_code(&challenge, &code, HERE.into(), "pre").await.unwrap();
    assert_eq!((actor.id, actor.role), (alice.id, Role::Agent));
    // A wrong directory password never reaches the second step.
    wrong(sign_in(&t, "alice", "not-her-password").await);
    drop(d);
});

mod starttls {
    use super::*;

    /// Without the CA the certificate is not trusted, so no password goes
    /// out: the directory counts as not answering.
    async fn untrusted(t: TestApp) {
        match sign_in(&t, "alice", slapd::password_of("alice")).await {
            Err(AppError::Unavailable(why)) => assert_eq!(why, DIRECTORY_DOWN),
            other => panic!("an untrusted certificate: {other:?}"),
        }
        let failed = audit_details(&t, "sign_in_failed").await;
        assert!(failed.iter().any(|f| f.to_lowercase().contains("certificate")), "{failed:?}");
    }

    async fn trusted(t: TestApp) {
        let alice = sign_in(&t, "alice", slapd::password_of("alice")).await.unwrap();
        assert_eq!(alice.role, Role::Agent);
    }

    async fn each<F: std::future::Future<Output = ()>>(
        backend: Backend,
        s: LdapSignIn,
        body: impl FnOnce(TestApp) -> F,
    ) {
        let t = spawn_with(backend, config(s)).await;
        match backend {
            Backend::Postgres => with_cleanup(t, body).await,
            Backend::Sqlite => body(t).await,
        }
    }

    async fn run(backend: Backend) {
        let d = Slapd::start_tls();
        let mut s = settings(&d);
        s.directory.starttls = true;
        each(backend, s.clone(), untrusted).await;
        s.directory.ca_certs = steward_channels::ldap::read_ca_file(&d.ca_file()).unwrap();
        each(backend, s, trusted).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        run(Backend::Sqlite).await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        run(Backend::Postgres).await
    }
}
