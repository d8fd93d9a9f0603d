//! The admin screens for escalation rules, OLAs and webhooks in a real
//! browser: an admin creates a rule (after being told what is missing,
//! beside each field), edits it, switches it off and deletes it after the
//! confirmation page; sets, changes and removes a group's OLA; creates a
//! webhook (after a too-short secret) and sees its empty delivery log.
//! Over plain HTTP: everyone else gets 403, and a post without the CSRF
//! token changes nothing.

use crate::driver;
use crate::journey::{choose, fill, go, path, text, wait};
use crate::server::{self, get, post};
use fantoccini::Client;
use futures_util::FutureExt;
use std::panic::AssertUnwindSafe;

async fn sign_in(c: &Client, t: &server::TestServer, user: &str) {
    c.goto(&t.url("/login")).await.unwrap();
    fill(c, "#username", user).await;
    fill(c, "#password", server::PASSWORD).await;
    go(c, ".login-card button[type=submit]").await;
}

/// Brings `css` to the middle of the screen (clear of the sticky top bar).
async fn centre(c: &Client, css: &str) {
    wait(c, css).await;
    let js = format!("document.querySelector({css:?}).scrollIntoView({{block: 'center'}})");
    c.execute(&js, vec![]).await.unwrap();
}

async fn tick(c: &Client, css: &str) {
    centre(c, css).await;
    c.execute(&format!("document.querySelector({css:?}).click()"), vec![]).await.unwrap();
}

async fn submit(c: &Client, css: &str) {
    centre(c, css).await;
    go(c, css).await;
}

async fn checked(c: &Client, css: &str) -> bool {
    wait(c, css).await.prop("checked").await.unwrap().as_deref() == Some("true")
}

async fn rules(c: &Client, t: &server::TestServer) {
    go(c, "a[href='/admin/users']").await;
    go(c, "nav.tabs a[href='/admin/escalations']").await;
    assert_eq!(text(c, "main h1").await, "Escalation rules");
    assert_eq!(text(c, "#no-rules").await, "No escalation rules yet.");

    // Nothing named, a waiting trigger without its time, no action: each said beside its field.
    choose(c, "#rule-trigger", "elapsed").await;
    submit(c, "#save-rule").await;
    assert_eq!(text(c, "#rule-name-error").await, "Is required");
    assert_eq!(text(c, "#rule-after-error").await, "Is required for a waiting trigger, e.g. 15m");
    assert_eq!(text(c, "#rule-actions-error").await, "Choose at least one action");
    fill(c, "#rule-name", "P1 left alone").await;
    fill(c, "#rule-after", "15m").await;
    tick(c, "#rule-p1").await;
    tick(c, "#rule-no-assignee").await;
    tick(c, "#rule-notify-group").await;
    fill(c, "#rule-users", "ghost").await;
    submit(c, "#save-rule").await;
    assert_eq!(text(c, "#rule-users-error").await, "No user named \"ghost\"");
    assert!(checked(c, "#rule-no-assignee").await, "the form keeps what was typed");
    fill(c, "#rule-users", "").await;
    choose(c, "#rule-reassign", "Network").await;
    submit(c, "#save-rule").await;
    assert_eq!(text(c, ".notice.success").await, "The rule was created.");
    let row = text(c, "tr[data-rule='P1 left alone']").await;
    assert!(row.contains("Open longer than 15 min"), "{row}");
    assert!(row.contains("P1; no assignee"), "{row}");
    assert!(row.contains("Notify the group's members") && row.contains("Reassign to Network"), "{row}");

    // Edited: a clock trigger, urgency raised too.
    let id = {
        let admin = t.app.session_actor(&t.session("admin").await.0["steward_session=".len()..]).await.unwrap().0;
        t.app.list_escalation_rules(&admin).await.unwrap()[0].rule.id
    };
    go(c, &format!("#edit-rule-{id}")).await;
    assert_eq!(text(c, "#rule-form-title").await, "Edit escalation rule");
    assert_eq!(wait(c, "#rule-after").await.prop("value").await.unwrap().as_deref(), Some("15m"));
    choose(c, "#rule-trigger", "clock").await;
    fill(c, "#rule-percent", "0").await;
    submit(c, "#save-rule").await;
    assert_eq!(text(c, "#rule-percent-error").await, "Must be a whole number from 1 to 100");
    fill(c, "#rule-percent", "80").await;
    tick(c, "#rule-raise").await;
    submit(c, "#save-rule").await;
    assert_eq!(text(c, ".notice.success").await, "The rule was saved.");
    let row = text(c, "tr[data-rule='P1 left alone']").await;
    assert!(row.contains("Resolution clock at 80 %") && row.contains("Raise the urgency one step"), "{row}");

    // Switched off, then deleted after the confirmation page.
    submit(c, &format!("#switch-rule-{id}")).await;
    assert_eq!(text(c, ".notice.success").await, "The rule is switched off: it will not fire.");
    assert_eq!(text(c, "tr[data-rule='P1 left alone'] td.enabled").await, "No");
    submit(c, &format!("#delete-rule-{id}")).await;
    assert_eq!(text(c, "main h1").await, "Delete the rule “P1 left alone”?");
    submit(c, "#confirm-delete").await;
    assert_eq!(path(c).await, "/admin/escalations");
    assert_eq!(text(c, ".notice.success").await, "The rule was deleted.");
    assert_eq!(text(c, "#no-rules").await, "No escalation rules yet.");
}

async fn olas(c: &Client) {
    go(c, "nav.tabs a[href='/admin/groups']").await;
    assert!(text(c, "[data-group='Network'] .ola-none").await.starts_with("No OLA"));
    let g = "[data-group='Network']";
    fill(c, &format!("{g} input[name=target]"), "soon").await;
    submit(c, &format!("{g} .ola-form button")).await;
    assert_eq!(text(c, &format!("{g} .field-error")).await, "Soon is not a duration; write it as 30m, 4h or 1h 30m");
    fill(c, &format!("{g} input[name=target]"), "4h").await;
    fill(c, &format!("{g} input[name=thresholds]"), "90, 50").await;
    submit(c, &format!("{g} .ola-form button")).await;
    assert_eq!(text(c, &format!("{g} .field-error")).await, "Must be rising percents between 1 and 99");
    fill(c, &format!("{g} input[name=thresholds]"), "50, 90").await;
    submit(c, &format!("{g} .ola-form button")).await;
    assert_eq!(text(c, ".notice.success").await, "The OLA was set.");
    assert_eq!(wait(c, &format!("{g} input[name=target]")).await.prop("value").await.unwrap().as_deref(), Some("4h"));
    submit(c, &format!("{g} form[action$='/ola/remove'] button")).await;
    assert_eq!(text(c, ".notice.success").await, "The OLA was removed.");
    assert!(text(c, &format!("{g} .ola-none")).await.starts_with("No OLA"));
}

async fn webhooks(c: &Client) {
    go(c, "nav.tabs a[href='/admin/webhooks']").await;
    assert_eq!(text(c, "#no-webhooks").await, "No webhooks yet.");
    fill(c, "#webhook-name", "Chat").await;
    fill(c, "#webhook-url", "https://chat.example.org/hooks/steward").await;
    fill(c, "#webhook-secret", "short").await;
    tick(c, "input[name=events][value='incident.assigned']").await;
    tick(c, "input[name=events][value='incident.escalated']").await;
    submit(c, "#save-webhook").await;
    assert_eq!(text(c, "#webhook-secret-error").await, "Is too short: at least 16 characters");
    assert_eq!(wait(c, "#webhook-secret").await.prop("value").await.unwrap().as_deref(), Some(""), "never shown back");
    fill(c, "#webhook-secret", "a secret long enough").await;
    submit(c, "#save-webhook").await;
    assert_eq!(text(c, ".notice.success").await, "The webhook was saved.");
    assert_eq!(text(c, "#no-deliveries").await, "No deliveries yet.");
    assert!(checked(c, "input[name=events][value='incident.escalated']").await);
    // Edited: switched off, one event fewer; the secret stays unless removed.
    tick(c, "#webhook-active").await;
    tick(c, "input[name=events][value='incident.assigned']").await;
    submit(c, "#save-webhook").await;
    assert_eq!(text(c, ".notice.success").await, "The webhook was saved.");
    go(c, "nav.tabs a[href='/admin/webhooks']").await;
    let row = text(c, "tr[data-webhook='Chat']").await;
    assert!(row.contains("incident.escalated") && !row.contains("incident.assigned"), "{row}");
    assert!(row.ends_with("No Yes"), "off, still signed: {row}");
    go(c, "tr[data-webhook='Chat'] a").await;
    submit(c, "#delete-webhook").await;
    assert_eq!(text(c, "main h1").await, "Delete the webhook “Chat”?");
    submit(c, "#confirm-delete").await;
    assert_eq!(text(c, ".notice.success").await, "The webhook was deleted.");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_keeps_escalation_rules_olas_and_webhooks_in_a_browser() {
    let t = server::spawn().await;
    let b = driver::start().await;
    let outcome = AssertUnwindSafe(async {
        sign_in(&b.client, &t, "admin").await;
        rules(&b.client, &t).await;
        olas(&b.client).await;
        webhooks(&b.client).await;
    })
    .catch_unwind()
    .await;
    b.close().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

#[tokio::test]
async fn only_admins_reach_these_screens_and_posts_need_the_csrf_token() {
    let t = server::spawn().await;
    t.add_manager().await;
    for who in ["agent", "mona", "requester"] {
        let (cookie, csrf) = t.session(who).await;
        for page in ["/admin/escalations", "/admin/webhooks", "/admin/escalations/1", "/admin/webhooks/1/delete"] {
            let r = get(&t, page, &cookie).await;
            assert_eq!(r.status().as_u16(), 403, "{who} {page}");
            let body = r.text().await.unwrap();
            assert!(body.contains("Only admins can manage escalation rules, OLAs and webhooks here."), "{who} {page}");
        }
        let form = [("_csrf", csrf.as_str()), ("name", "x"), ("trigger", "clock"), ("percent", "100"), ("raise", "1")];
        assert_eq!(post(&t, "/admin/escalations", &cookie, &form).await.status().as_u16(), 403, "{who}");
        let ola = [("_csrf", csrf.as_str()), ("target", "4h"), ("calendar_id", "1")];
        assert_eq!(post(&t, "/admin/groups/Network/ola", &cookie, &ola).await.status().as_u16(), 403, "{who}");
    }
    let admin = t.app.session_actor(&t.session("admin").await.0["steward_session=".len()..]).await.unwrap().0;
    assert!(t.app.list_escalation_rules(&admin).await.unwrap().is_empty());
    assert!(t.app.list_olas(&admin).await.unwrap().is_empty());
    // The admin's own post without the token is refused too.
    let (cookie, csrf) = t.session("admin").await;
    let form = [("name", "x"), ("trigger", "clock"), ("clock", "any"), ("percent", "100"), ("raise", "1")];
    assert_eq!(post(&t, "/admin/escalations", &cookie, &form).await.status().as_u16(), 403);
    assert!(t.app.list_escalation_rules(&admin).await.unwrap().is_empty());
    // In Polish, with the token: created, and the page speaks Polish.
    let r = post(&t, "/settings", &cookie, &[("_csrf", &csrf), ("locale", "pl")]).await;
    assert_eq!(r.status().as_u16(), 303);
    let mut with = form.to_vec();
    with.push(("_csrf", &csrf));
    with.push(("active", "1"));
    let r = post(&t, "/admin/escalations", &cookie, &with).await;
    assert_eq!(r.status().as_u16(), 303);
    let body = get(&t, "/admin/escalations?m=created", &cookie).await.text().await.unwrap();
    assert!(body.contains("Utworzono regułę.") && body.contains("Dowolny zegar: przekroczony"), "{body}");
    assert!(body.contains("Podnieś pilność o jeden stopień"), "{body}");
    // A bad form in Polish: the message beside the field, in Polish.
    let bad = [("_csrf", csrf.as_str()), ("name", "y"), ("trigger", "elapsed"), ("after", "wkrótce")];
    let r = post(&t, "/admin/escalations", &cookie, &bad).await;
    assert_eq!(r.status().as_u16(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("Wkrótce to nie jest czas trwania"), "{body}");
}
