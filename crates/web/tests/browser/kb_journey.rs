//! The knowledge base in a real browser: an agent writes an article in
//! English and Polish (after being told the title is missing), submits it;
//! a manager sees a direct publish of her own refused elsewhere, publishes
//! the agent's; a requester finds it from the report form, reads it in
//! Polish (after it was suggested as they typed) with the Markdown rendered and a script payload harmless, and
//! says it helped; staff then see the view, the answer and the opening.

use crate::cmdb_journey::sign_in;
use crate::journey::{click, fill, go, path, text, wait};
use crate::{driver, server};
use fantoccini::{Client, Locator};
use futures_util::FutureExt;
use std::panic::AssertUnwindSafe;

const BODY_EN: &str =
    "Restart the **VPN client**.\n\n<script>document.title='owned'</script>\n\n[Help](javascript:alert(1))";
const BODY_PL: &str = "Uruchom ponownie **klienta VPN**.\n\n- krok pierwszy\n- krok drugi";

async fn journey(c: &Client, t: &server::TestServer) {
    // The agent writes; the title is missing at first.
    sign_in(c, t, "agent").await;
    go(c, ".mainnav a[href='/kb']").await;
    go(c, "a[href='/kb/new']").await;
    fill(c, "#en_body", BODY_EN).await;
    fill(c, "#pl_title", "VPN się rozłącza").await;
    fill(c, "#pl_body", BODY_PL).await;
    fill(c, "#category", "VPN").await;
    go(c, ".kb-form button[type=submit]").await;
    assert_eq!(text(c, "#en_title-error").await, "Is required");
    fill(c, "#en_title", "VPN keeps disconnecting").await;
    go(c, ".kb-form button[type=submit]").await;
    assert_eq!(path(c).await, "/kb/KB0000001");
    assert_eq!(text(c, ".notice.success").await, "Article saved.");
    assert_eq!(text(c, "#article-title").await, "VPN keeps disconnecting");
    let body = text(c, "#article-body").await;
    assert!(body.contains("Restart the VPN client"), "{body}");
    // Submit for review.
    go(c, "form[action='/kb/KB0000001/state'] button").await;
    assert!(text(c, ".notice.success").await.contains("In review"));
    c.delete_all_cookies().await.unwrap();

    // The manager publishes it.
    sign_in(c, t, "mona").await;
    c.goto(&t.url("/kb?state=in_review")).await.unwrap();
    go(c, "#articles a[href='/kb/KB0000001']").await;
    go(c, "input[value=published] ~ button").await;
    assert!(text(c, ".notice.success").await.contains("Published"));
    c.delete_all_cookies().await.unwrap();

    // The requester finds it from the report form and reads it in Polish.
    sign_in(c, t, "requester").await;
    go(c, ".mainnav a[href='/portal/report']").await;
    // As they type, the article is suggested (the button that asks for
    // suggestions without JavaScript is gone).
    fill(c, "#title", "My VPN keeps disconn").await;
    let suggested = wait(c, "#suggestions a[href='/kb/KB0000001?from=report']").await;
    assert!(suggested.text().await.unwrap().contains("VPN keeps disconnecting"));
    assert!(c.find_all(Locator::Css(".suggest-button")).await.unwrap().is_empty());
    go(c, "#kb-first a").await;
    go(c, "a.my-item[href='/kb/KB0000001?from=report']").await;
    assert_eq!(text(c, "#article-title").await, "VPN keeps disconnecting");
    c.delete_all_cookies().await.unwrap();
    let b = driver::start_in("pl,en").await;
    let pl = &b.client;
    sign_in(pl, t, "requester").await;
    go(pl, ".mainnav a[href='/kb']").await;
    go(pl, "a.my-item").await;
    assert_eq!(text(pl, "#article-title").await, "VPN się rozłącza");
    assert_eq!(text(pl, "#article-body strong").await, "klienta VPN");
    assert_eq!(pl.find_all(Locator::Css("#article-body li")).await.unwrap().len(), 2);
    click(pl, "input[name=helpful][value=yes]").await;
    fill(pl, "#kb-comment", "Pomogło, dzięki").await;
    go(pl, "#feedback button[type=submit]").await;
    assert_eq!(text(pl, ".notice.success").await, "Dziękujemy za odpowiedź.");
    b.close().await;

    // The English text as the requester read it: the script never ran,
    // the javascript: link lost its target.
    sign_in(c, t, "requester").await;
    c.goto(&t.url("/kb/KB0000001")).await.unwrap();
    wait(c, "#article-body").await;
    assert_ne!(c.title().await.unwrap(), "owned");
    let script = c.find_all(Locator::Css("#article-body script")).await.unwrap();
    assert!(script.is_empty());
    let href = wait(c, "#article-body a").await.attr("href").await.unwrap();
    assert_eq!(href, None);
    c.delete_all_cookies().await.unwrap();

    // Staff see the readings, the answer and the opening from the report form.
    sign_in(c, t, "agent").await;
    c.goto(&t.url("/kb/KB0000001")).await.unwrap();
    let details = text(c, "#kb-details-title + dl").await;
    assert!(details.contains("Helped: 1. Did not help: 0."), "{details}");
    assert!(text(c, "#kb-answers-title + ul").await.contains("Pomogło, dzięki"));
    c.goto(&t.url("/kb")).await.unwrap();
    assert!(text(c, "#deflections").await.contains("in the last 30 days: 1."));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_article_is_written_reviewed_published_and_read() {
    let t = server::spawn().await;
    t.add_manager().await;
    let b = driver::start().await;
    let outcome = AssertUnwindSafe(journey(&b.client, &t)).catch_unwind().await;
    b.close().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}
