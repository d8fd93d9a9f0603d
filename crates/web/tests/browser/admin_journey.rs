//! Own settings and the admin screens in a real browser: an agent sets a
//! time zone (times and the footer follow) and changes their password
//! (their other session ends), revokes a token; an admin creates a user,
//! edits one under a stale version, deactivates a leaver (whose session
//! ends at once, whose tokens are revoked and who leaves their groups),
//! revokes a user's token and manages a group's members.

use crate::journey::{choose, fill, go, path, text, wait};
use crate::{driver, server};
use fantoccini::{Client, Locator};
use futures_util::FutureExt;
use std::panic::AssertUnwindSafe;

async fn sign_in(c: &Client, t: &server::TestServer, user: &str, password: &str) {
    c.goto(&t.url("/login")).await.unwrap();
    fill(c, "#username", user).await;
    fill(c, "#password", password).await;
    go(c, ".login-card button[type=submit]").await;
}

async fn sign_out(c: &Client) {
    go(c, ".user form button[type=submit]").await;
}

/// Whether a session cookie still opens a page (else: sent to sign in).
async fn live(t: &server::TestServer, cookie: &str) -> bool {
    server::get(t, "/home", cookie).await.status().as_u16() == 200
}

async fn own_settings(c: &Client, t: &server::TestServer) {
    let (elsewhere, _) = t.session("agent").await;
    t.app.create_token(None, "agent", "backup script").await.unwrap();
    sign_in(c, t, "agent", server::PASSWORD).await;
    assert!(text(c, "footer").await.contains("Times are shown in UTC time."));
    go(c, "a.who").await;
    fill(c, "#time-zone", "Mars/Olympus").await;
    go(c, "#save-profile").await;
    assert_eq!(
        text(c, "#time-zone-error").await,
        "\"Mars/Olympus\" is not a time zone: use an IANA name such as Europe/Warsaw"
    );
    fill(c, "#time-zone", "Europe/Warsaw").await;
    go(c, "#save-profile").await;
    assert_eq!(text(c, ".notice.success").await, "Settings saved.");
    assert!(text(c, "footer").await.contains("Times are shown in Europe/Warsaw time."));
    let shown = wait(c, "#sessions time").await.attr("title").await.unwrap().unwrap_or_default();
    assert!(shown.ends_with(" CET") || shown.ends_with(" CEST"), "times follow the zone: {shown}");
    assert_eq!(c.find_all(Locator::Css("#sessions tbody tr")).await.unwrap().len(), 2);

    // The password: the current one is required, the new one twice.
    fill(c, "#current-password", "not my password").await;
    fill(c, "#new-password", "a brand new passphrase").await;
    fill(c, "#repeat-password", "a brand new passphrase").await;
    go(c, "#change-password").await;
    assert_eq!(text(c, "#current-password-error").await, "Is not your current password");
    fill(c, "#current-password", server::PASSWORD).await;
    fill(c, "#new-password", "password123").await;
    fill(c, "#repeat-password", "password123").await;
    go(c, "#change-password").await;
    assert_eq!(text(c, "#new-password-error").await, "Must be at least 12 characters");
    fill(c, "#current-password", server::PASSWORD).await;
    fill(c, "#new-password", "a brand new passphrase").await;
    fill(c, "#repeat-password", "a brand new passphrase!").await;
    go(c, "#change-password").await;
    assert_eq!(text(c, "#repeat-password-error").await, "Does not match the new password");
    assert!(live(t, &elsewhere).await, "refusals end nothing");
    fill(c, "#current-password", server::PASSWORD).await;
    fill(c, "#new-password", "a brand new passphrase").await;
    fill(c, "#repeat-password", "a brand new passphrase").await;
    go(c, "#change-password").await;
    assert_eq!(text(c, ".notice.success").await, "Your password was changed; your other sessions have ended.");
    assert!(!live(t, &elsewhere).await, "the other session ended");
    assert_eq!(c.find_all(Locator::Css("#sessions tbody tr")).await.unwrap().len(), 1);
    assert_eq!(text(c, "#sessions .badge").await, "This session");

    // A token is revoked from the same page.
    assert!(text(c, "#tokens").await.contains("backup script"));
    go(c, "#tokens tbody tr:last-child button").await;
    assert_eq!(text(c, ".notice.success").await, "The token was revoked.");
    assert!(text(c, "#tokens tbody tr:last-child").await.contains("Revoked"));
    sign_out(c).await;
}

async fn admin_screens(c: &Client, t: &server::TestServer) {
    let (netagent, _) = t.session("netagent").await;
    sign_in(c, t, "admin", server::PASSWORD).await;
    go(c, "a[href='/admin/users']").await;
    assert_eq!(text(c, "main h1").await, "Users");

    // A new user: the password policy speaks beside the field.
    fill(c, "#new-username", "nina").await;
    fill(c, "#new-display-name", "Nina Nowak").await;
    choose(c, "#new-role", "agent").await;
    fill(c, "#new-password", "qwertyuiop").await;
    go(c, "#create-user").await;
    assert_eq!(text(c, "#new-password-error").await, "Must be at least 12 characters");
    fill(c, "#new-password", "qwerty123456").await;
    go(c, "#create-user").await;
    assert_eq!(text(c, "#new-password-error").await, "Is one of the most common passwords; choose another");
    fill(c, "#new-password", "nina's own long password").await;
    go(c, "#create-user").await;
    assert_eq!(path(c).await, "/admin/users/nina");
    assert_eq!(text(c, ".notice.success").await, "The user was created.");
    // Without a password, and with a mistyped address: both are said.
    go(c, "nav.tabs a[href='/admin/users']").await;
    fill(c, "#new-username", "omar").await;
    fill(c, "#new-email", "omar@localhost").await;
    go(c, "#create-user").await;
    assert_eq!(
        text(c, "#new-email-error").await,
        "Is not an email address: the domain after the @ needs a dot, as in example.com"
    );
    fill(c, "#new-email", "omar@example.com").await;
    go(c, "#create-user").await;
    assert_eq!(
        text(c, ".notice.success").await,
        "The user was created. They cannot sign in until a password is set: set one below."
    );
    c.goto(&t.url("/admin/users/nina")).await.unwrap();

    // Edit: groups and zone; then a stale form is refused and reloaded.
    c.find(Locator::Css("input[name=groups][value='Network']")).await.unwrap().click().await.unwrap();
    fill(c, "#time-zone", "America/New_York").await;
    go(c, "#save-user").await;
    assert_eq!(text(c, ".notice.success").await, "The user was saved.");
    let admin = t.app.session_actor(&t.session("admin").await.0["steward_session=".len()..]).await.unwrap().0;
    let v = t.app.user_detail(&admin, "nina").await.unwrap().user.version;
    let patch = steward_app::users::UserPatch { display_name: Some("Nina N.".into()), ..Default::default() };
    t.app.update_user(&admin, "nina", v, patch).await.unwrap();
    fill(c, "#display-name", "Nina from the form").await;
    go(c, "#save-user").await;
    assert!(text(c, ".notice.error").await.starts_with("Someone changed this record"));
    assert_eq!(wait(c, "#display-name").await.prop("value").await.unwrap().as_deref(), Some("Nina N."));

    // Deactivating a leaver ends their session at once, revokes their
    // tokens and takes them out of their groups.
    t.app.create_token(None, "netagent", "router script").await.unwrap();
    c.goto(&t.url("/admin/users/netagent")).await.unwrap();
    assert!(live(t, &netagent).await);
    assert!(text(c, "#user-tokens").await.contains("router script"));
    assert!(text(c, "#active-hint").await.starts_with("Unticking is the leaver procedure"));
    c.find(Locator::Css("#active")).await.unwrap().click().await.unwrap();
    go(c, "#save-user").await;
    assert_eq!(
        text(c, ".notice.success").await,
        "The user was deactivated: their sessions have ended, their API tokens are revoked and they have left their groups."
    );
    assert!(!live(t, &netagent).await, "the deactivated user's session ended");
    assert_eq!(text(c, "#user-sessions-count").await, "Live sessions: 0");
    let network = wait(c, "input[name=groups][value='Network']").await;
    assert_eq!(network.prop("checked").await.unwrap().as_deref(), Some("false"), "no longer in Network");
    assert!(text(c, "#user-tokens tbody tr").await.contains("Revoked"), "the token went with them");

    // An admin revokes one token of a user who stays.
    t.app.create_token(None, "agent", "deploy bot").await.unwrap();
    c.goto(&t.url("/admin/users/agent")).await.unwrap();
    assert!(text(c, "#user-tokens tbody tr:last-child").await.contains("deploy bot"));
    go(c, "#user-tokens tbody tr:last-child button").await;
    assert_eq!(text(c, ".notice.success").await, "The token was revoked.");
    assert!(text(c, "#user-tokens tbody tr:last-child").await.contains("Revoked"));

    // Groups: the leaver is gone from Network; a member added and removed,
    // a manager chosen.
    go(c, "nav.tabs a[href='/admin/groups']").await;
    assert!(!text(c, "[data-group='Network'] ul.members").await.contains("Nora Network"));
    choose(c, "[data-group='Network'] select[name=username]", "agent").await;
    go(c, "[data-group='Network'] form[action$='/members'] button").await;
    assert_eq!(text(c, ".notice.success").await, "The group was saved.");
    assert!(text(c, "[data-group='Network'] ul.members").await.contains("Alex Agent"));
    go(c, "[data-group='Network'] form[action$='/members/agent/remove'] button").await;
    assert!(!text(c, "[data-group='Network'] ul.members").await.contains("Alex Agent"));
    choose(c, "[data-group='Network'] select[name=manager]", "nina").await;
    go(c, "[data-group='Network'] form[action$='/manager'] button").await;
    let manager = wait(c, "[data-group='Network'] select[name=manager]").await.prop("value").await.unwrap();
    assert_eq!(manager.as_deref(), Some("nina"));

    // Organisations: one in use cannot be deleted; a new one can.
    go(c, "nav.tabs a[href='/admin/organisations']").await;
    go(c, "[data-organisation='Contoso'] form[action$='/delete'] button").await;
    assert_eq!(text(c, ".notice.error").await, "Is still used by users; move them first");
    fill(c, "#org-name", "Initech").await;
    go(c, "#create-organisation").await;
    go(c, "[data-organisation='Initech'] form[action$='/delete'] button").await;
    assert_eq!(text(c, ".notice.success").await, "The organisation was deleted.");
}

/// A manager renames, retargets and turns off an SLA definition; a stale
/// form is refused and reloaded.
async fn sla_editing(c: &Client, t: &server::TestServer) {
    use steward_domain::sla::{PauseOn, PriorityTarget, SlaConditions, SlaDefinition};
    t.add_manager().await;
    let boss = t.app.session_actor(&t.session("mona").await.0["steward_session=".len()..]).await.unwrap().0;
    let targets = (1..=5)
        .map(|p| PriorityTarget {
            priority: steward_domain::Priority::try_from(p).unwrap(),
            response: Some(jiff::SignedDuration::from_hours(4)),
            resolution: Some(jiff::SignedDuration::from_hours(8)),
        })
        .collect();
    let def = SlaDefinition {
        id: 0,
        name: "Standard".into(),
        position: 10,
        conditions: SlaConditions::default(),
        targets,
        calendar_id: 1,
        pause_on: PauseOn::defaults(),
        thresholds: vec![50],
    };
    let sla = t.app.create_sla(&boss, def, true).await.unwrap();
    let id = sla.definition.id;
    sign_in(c, t, "mona", server::PASSWORD).await;
    c.goto(&t.url("/settings/service-levels")).await.unwrap();
    go(c, &format!("#edit-sla-{id}")).await;
    assert_eq!(text(c, "#new-sla-title").await, "Edit SLA definition");
    assert_eq!(wait(c, "#sla-response_5").await.prop("value").await.unwrap().as_deref(), Some("4h"));
    fill(c, "#sla-name", "Gold").await;
    fill(c, "#sla-response_5", "soon").await;
    go(c, "#sla-form button[type=submit]").await;
    assert_eq!(text(c, "#sla-response_5-error").await, "Soon is not a duration; write it as 30m, 4h or 1h 30m");
    fill(c, "#sla-response_5", "1h").await;
    // Scripted: the sticky top bar covers the box once the form scrolled.
    c.execute("document.querySelector('#sla-form input[name=active]').click()", vec![]).await.unwrap();
    go(c, "#sla-form button[type=submit]").await;
    assert_eq!(text(c, ".notice.success").await, "SLA definition saved.");
    let row = text(c, "#slas tbody tr").await;
    assert!(row.contains("Gold") && row.contains("No") && row.contains("P5 1 h / 8 h"), "{row}");
    // Two managers at once: the second save is refused and shows the first's.
    go(c, &format!("#edit-sla-{id}")).await;
    let now = t.app.get_sla(&boss, id).await.unwrap();
    t.app
        .update_sla(&boss, id, now.version, SlaDefinition { name: "Platinum".into(), ..now.definition }, true)
        .await
        .unwrap();
    fill(c, "#sla-name", "Silver").await;
    go(c, "#sla-form button[type=submit]").await;
    assert!(text(c, ".notice.error").await.starts_with("Someone else changed this SLA definition"));
    assert_eq!(wait(c, "#sla-name").await.prop("value").await.unwrap().as_deref(), Some("Platinum"));

    // A calendar: renamed, its hours changed; what the form does not show stays.
    c.goto(&t.url("/settings/service-levels")).await.unwrap();
    go(c, "#edit-calendar-1").await;
    assert_eq!(text(c, "#new-calendar-title").await, "Edit calendar");
    assert_eq!(wait(c, "#cal-monday").await.prop("value").await.unwrap().as_deref(), Some("00:00-24:00"));
    fill(c, "#cal-name", "Round the clock").await;
    fill(c, "#cal-sunday", "10:00-09:00").await;
    go(c, "#calendar-form button[type=submit]").await;
    assert!(text(c, "#cal-sunday-error").await.contains("10:00"), "the bad day is named beside it");
    fill(c, "#cal-sunday", "").await;
    go(c, "#calendar-form button[type=submit]").await;
    assert_eq!(text(c, ".notice.success").await, "Calendar saved.");
    let row = text(c, "tr[data-calendar='1']").await;
    assert!(row.contains("Round the clock") && row.contains("Sunday: off"), "{row}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn own_settings_and_admin_screens_in_a_browser() {
    let t = server::spawn().await;
    let b = driver::start().await;
    let outcome = AssertUnwindSafe(async {
        own_settings(&b.client, &t).await;
        admin_screens(&b.client, &t).await;
        sign_out(&b.client).await;
        sla_editing(&b.client, &t).await;
    })
    .catch_unwind()
    .await;
    b.close().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}
