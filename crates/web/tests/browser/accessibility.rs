//! Every page, for each role that sees it, in English and in Polish:
//! axe-core (WCAG 2.1 A and AA rules) finds no violation, no link or form
//! carries a token in its address, and on a phone (390 px) the page does
//! not scroll sideways, its menu folded or open.
//!
//! axe-core comes from npm at a pinned version (scripts/install-axe.sh);
//! without it this test fails, it never skips.

use crate::cmdb_journey::{load_estate, sign_in};
use crate::journey::{click, wait};
use crate::{driver, server};
use fantoccini::Client;
use futures_util::FutureExt;
use serde_json::Value;
use std::{panic::AssertUnwindSafe, path::PathBuf};
use steward_app::incidents::{NewIncident, number};

const STAFF: &[&str] = &["agent", "mona", "admin"];
const EVERYONE: &[&str] = &["agent", "mona", "admin", "requester"];
const MANAGERS: &[&str] = &["mona", "admin"];
const ADMIN: &[&str] = &["admin"];

/// The pages checked and who sees each: append new pages here. In an
/// address, `{incident}` is an incident the requester reported (with a
/// comment and a work note), `{ci}` a virtual machine, `{service}` a
/// business service with a map, `{rule}` an escalation rule, `{webhook}` a
/// webhook, `{problem}` a published known error linked to `{incident}`,
/// `{article}` a published article for requesters with a second version
/// being written, `{change}` a change in authorization in conflict with
/// another on `{ci}`, `{template}` a standard change template on the shop
/// and `{ci}`, `{alert}` a firing alert with a runbook link, acknowledged,
/// assigned and silenced (a second silence ended), `{check}` a check on
/// the shop with results, `{correlated}` an incident correlation opened
/// (alerts on `{ci}` and the application on it), `{improvement}` an entry
/// of the improvement register, `{report}` a saved report; `/login` is checked
/// signed out.
const PAGES: &[(&str, &[&str])] = &[
    ("/login", &[]),
    ("/home", STAFF),
    ("/incidents?state=open", STAFF),
    ("/incidents/new", STAFF),
    ("/incidents/{incident}", EVERYONE),
    ("/incidents/{incident}/edit", STAFF),
    ("/incidents/INC9999999", EVERYONE),
    ("/portal", &["requester"]),
    ("/portal/report", &["requester"]),
    ("/settings", EVERYONE),
    ("/settings/service-levels", STAFF),
    ("/admin/notifications", ADMIN),
    ("/cmdb", STAFF),
    ("/cmdb?class=virtual_machine", STAFF),
    ("/cmdb/new", MANAGERS),
    ("/cmdb/import", MANAGERS),
    ("/cmdb/{ci}", STAFF),
    ("/cmdb/{ci}/edit", MANAGERS),
    ("/cmdb/{service}", STAFF),
    ("/services", EVERYONE),
    ("/services/{service}", EVERYONE),
    ("/search?q=checkout", EVERYONE),
    ("/search?q=vm", STAFF),
    ("/settings/canned-replies", MANAGERS),
    ("/settings/service-levels/calendars/1", MANAGERS),
    ("/admin/users", ADMIN),
    ("/admin/users/agent", ADMIN),
    ("/admin/groups", ADMIN),
    ("/admin/organisations", ADMIN),
    ("/admin/audit", ADMIN),
    ("/admin/escalations", ADMIN),
    ("/admin/escalations/{rule}", ADMIN),
    ("/admin/escalations/{rule}/delete", ADMIN),
    ("/admin/webhooks", ADMIN),
    ("/admin/webhooks/{webhook}", ADMIN),
    ("/admin/webhooks/{webhook}/delete", ADMIN),
    ("/change-calendar", STAFF),
    ("/changes/review", STAFF),
    ("/reports", STAFF),
    ("/reports?tv=1", MANAGERS),
    ("/reports/improvements", STAFF),
    ("/reports/mine", STAFF),
    ("/reports/mine?tv=1", &["agent"]),
    ("/reports/mine/edit", STAFF),
    ("/reports/saved", STAFF),
    ("/reports/improvements/{improvement}", MANAGERS),
    ("/reports/saved/{report}", MANAGERS),
    ("/reports?from=2026-03-31&to=2026-03-01&group=Nobody", MANAGERS),
    ("/changes/cab", STAFF),
    ("/changes/risk", STAFF),
    ("/changes/review?days=x", MANAGERS),
    ("/change-calendar?week=2030-W23", MANAGERS),
    ("/problems?state=open", STAFF),
    ("/problems?known_error=true&days=0", STAFF),
    ("/problems/new", STAFF),
    ("/problems/{problem}", STAFF),
    ("/problems/{problem}/edit", STAFF),
    ("/problems/{problem}", &["requester"]),
    ("/changes?state=open", STAFF),
    ("/changes/new", STAFF),
    ("/changes/{change}", STAFF),
    ("/changes/{change}/edit", STAFF),
    ("/changes/{change}", &["requester"]),
    ("/changes/templates", STAFF),
    ("/changes/templates/manage", MANAGERS),
    ("/changes/templates/new", MANAGERS),
    ("/changes/templates/{template}/edit", MANAGERS),
    ("/changes/new?template={template}", STAFF),
    ("/tasks", STAFF),
    ("/tasks/{task}", STAFF),
    ("/kb", EVERYONE),
    ("/kb?from=report", &["requester"]),
    ("/kb/new", STAFF),
    ("/kb/{article}", EVERYONE),
    ("/kb/{article}?version=2", STAFF),
    ("/kb/{article}/edit", STAFF),
    ("/alerts", STAFF),
    ("/alerts?view=groups", STAFF),
    ("/alerts?filter=%7Bfoo", MANAGERS),
    ("/alerts/{alert}", STAFF),
    ("/alerts/silences", STAFF),
    ("/alerts/windows", STAFF),
    ("/checks", STAFF),
    ("/checks?status=down", MANAGERS),
    ("/checks/{check}", STAFF),
    ("/checks/{check}?period=30d", MANAGERS),
    ("/checks/new", MANAGERS),
    ("/checks/{check}/edit", MANAGERS),
    ("/incidents/{correlated}", STAFF),
    ("/alerts/routing", STAFF),
    ("/alerts/ci-rules", MANAGERS),
];

/// The WCAG 2.1 A and AA rules (and unique landmarks), only violations back.
const RUN_AXE: &str = r#"
    const done = arguments[arguments.length - 1];
    axe.run(document, {
        runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
        // Besides WCAG: two search boxes (or menus) must say which is which.
        rules: { "landmark-unique": { enabled: true } },
        resultTypes: ["violations"],
    })
        .then(r => done(r.violations.map(v => ({ id: v.id, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + ": " + n.failureSummary) }))))
        .catch(e => done([{ id: "axe-error", help: String(e), nodes: [] }]));
"#;

/// How far the page is wider than the viewport, and the first element
/// sticking out that no scrolling box around it holds.
const OVERFLOW: &str = r#"
    const vw = document.documentElement.clientWidth;
    const held = e => {
        for (let a = e.parentElement; a && a !== document.body; a = a.parentElement)
            if (getComputedStyle(a).overflowX !== "visible") return true;
        return false;
    };
    const wide = [...document.body.querySelectorAll("*")].find(e => e.getBoundingClientRect().right > vw + 1 && !held(e));
    return [document.documentElement.scrollWidth - vw, wide ? wide.outerHTML.slice(0, 160) : ""];
"#;

/// Links and form addresses that carry a token.
const TOKENS_IN_ADDRESSES: &str = r#"
    return [...document.querySelectorAll("a[href], form[action]")]
        .map(e => e.getAttribute("href") || e.getAttribute("action"))
        .filter(u => /[?&](_csrf|csrf|token|session)=/i.test(u));
"#;

fn axe_source() -> String {
    let path = std::env::var("AXE_CORE_JS").map(PathBuf::from).unwrap_or_else(|_| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../.cache/axe/node_modules/axe-core/axe.min.js")
    });
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("axe-core is missing at {}: {e}; run scripts/install-axe.sh", path.display()))
}

/// The addresses of `PAGES` with their placeholders filled.
async fn addresses(t: &server::TestServer) -> Vec<(String, &'static [&'static str])> {
    let e = load_estate(t).await;
    let (agent, _) = t.app.login("agent", server::PASSWORD, [127, 0, 0, 1].into()).await.unwrap();
    let (requester, _) = t.app.login("requester", server::PASSWORD, [127, 0, 0, 1].into()).await.unwrap();
    let n = NewIncident {
        title: "Checkout fails with error 502".into(),
        description: Some("Since this morning, every second order.".into()),
        service: Some("Web Shop".into()),
        ..NewIncident::default()
    };
    let inc = number(t.app.create_incident(&requester, n).await.unwrap().number);
    t.app
        .add_comment(&agent, steward_domain::number::RecordKind::Incident, &inc, "We are looking into it.", false)
        .await
        .unwrap();
    t.app
        .add_comment(
            &agent,
            steward_domain::number::RecordKind::Incident,
            &inc,
            "The load balancer drops the pool.",
            true,
        )
        .await
        .unwrap();
    let (admin, _) = t.app.login("admin", server::PASSWORD, [127, 0, 0, 1].into()).await.unwrap();
    // The improvement register with one improvement, linked to the incident.
    let aim = steward_app::reports::improvements::ImprovementInput {
        title: "Resolve more at first contact".into(),
        measure: "first_contact_rate".into(),
        baseline: 40.0,
        target: 60.0,
        target_date: jiff::Zoned::now().date().checked_add(jiff::Span::new().days(90)).unwrap().to_string(),
        records: vec![inc.clone()],
        ..Default::default()
    };
    let improvement = t.app.add_improvement(&admin, aim).await.unwrap().row.id.to_string();
    let report = steward_app::reports::saved::SavedReportInput {
        name: "Weekly load per group".into(),
        subject: "measures".into(),
        measures: steward_app::reports::saved::MeasureParams {
            period: "previous_week".into(),
            by: "group".into(),
            ..Default::default()
        },
        ..Default::default()
    };
    let report = t.app.add_saved_report(&admin, report).await.unwrap().row.id.to_string();
    let rule = serde_json::from_value(serde_json::json!({"name": "P1 left alone",
        "trigger": {"kind": "elapsed", "after": "15m"}, "conditions": {"priorities": [1], "no_assignee": true},
        "actions": [{"do": "notify", "to": ["group", "group_manager"]}, {"do": "reassign", "group": "Network"}]}))
    .unwrap();
    let rule = t.app.create_escalation_rule(&admin, rule, true).await.unwrap().rule.id.to_string();
    let hook = steward_app::notify::WebhookInput {
        name: "Chat".into(),
        url: "https://chat.example.org/hooks/steward".into(),
        secret: Some("a secret long enough".into()),
        events: vec!["incident.escalated".into()],
        ..Default::default()
    };
    let hook = t.app.create_webhook(&admin, hook).await.unwrap().id.to_string();
    let prb = crate::problem_journey::known_error(t, &agent, &inc, e.vm).await;
    let article = article(t, &agent).await;
    let (change, _) = crate::change_journey::conflicting(t, &e).await;
    let template = steward_app::change_templates::NewTemplate {
        name: "Apply monthly OS security patches".into(),
        description: Some("The vendor's monthly patches, a node at a time.".into()),
        category: Some("Patching".into()),
        service: Some("Web Shop".into()),
        cis: vec![e.vm],
        implementation_plan: Some("1. Drain the node.\n2. Patch.\n3. Reboot.".into()),
        duration_minutes: Some(90),
        ..Default::default()
    };
    let template = t.app.add_change_template(&admin, template).await.unwrap().row.id.to_string();
    // A task on the change, waiting for one of an earlier step (so marked blocked), in the agent's queue.
    let task = |title: &str, step: i64| steward_app::tasks::NewTask {
        title: title.into(),
        step: Some(step),
        assignment_group: Some("Service Desk".into()),
        assignee: Some("agent".into()),
        ..Default::default()
    };
    t.app.create_task(&agent, &change, task("Take a backup", 1)).await.unwrap();
    let later = t.app.create_task(&agent, &change, task("Deploy the package", 2)).await.unwrap();
    let task = steward_app::tasks::number(later.record.number);
    let alert = alert(t, &agent).await;
    let check = crate::check_journey::check_with_history(t).await.to_string();
    let (correlated, _) = crate::check_journey::correlated_incident(t).await;
    PAGES
        .iter()
        .map(|(p, who)| {
            let p = p.replace("{incident}", &inc).replace("{ci}", &e.vm.to_string());
            let p = p
                .replace("{rule}", &rule)
                .replace("{webhook}", &hook)
                .replace("{problem}", &prb)
                .replace("{article}", &article)
                .replace("{change}", &change)
                .replace("{template}", &template)
                .replace("{task}", &task)
                .replace("{alert}", &alert)
                .replace("{check}", &check)
                .replace("{correlated}", &correlated)
                .replace("{improvement}", &improvement)
                .replace("{report}", &report);
            (p.replace("{service}", &e.shop.to_string()), *who)
        })
        .collect()
}

/// Two firing alerts, the first acknowledged, assigned and silenced, with
/// a second silence ended: the first's fingerprint.
async fn alert(t: &server::TestServer, agent: &steward_app::Actor) -> String {
    use steward_app::alerts::PostedSilence;
    use steward_domain::alert::{ApiMatcher, Labels, Posted, fingerprint_text};
    let posted = |instance: &str| {
        let mut labels = Labels::new();
        for (k, v) in [("alertname", "InstanceDown"), ("instance", instance), ("job", "node"), ("severity", "critical")]
        {
            labels.insert(k, v);
        }
        let mut annotations = Labels::new();
        annotations.insert("runbook_url", "https://runbooks.example/instance-down");
        annotations.insert("summary", format!("{instance} does not answer"));
        Ok(Posted { labels, annotations, generator_url: "http://prometheus:9090/graph".into(), ..Posted::default() })
    };
    t.app.post_alerts(agent, vec![posted("db-1:9100"), posted("web-1:9100")]).await.unwrap();
    let all = t.app.list_alerts(agent, &Default::default()).await.unwrap();
    let a = all.iter().find(|a| a.alert.labels.get("instance") == "db-1:9100").unwrap();
    let fp = fingerprint_text(a.alert.fingerprint);
    t.app.acknowledge_alert(agent, &fp, true).await.unwrap();
    t.app.assign_alert(agent, &fp, Some("netagent")).await.unwrap();
    let now = jiff::Timestamp::now().as_microsecond();
    let silence = |value: &str| PostedSilence {
        matchers: vec![ApiMatcher { name: "instance".into(), value: value.into(), is_regex: false, is_equal: true }],
        starts_at: now,
        ends_at: now + 3_600_000_000,
        created_by: "agent".into(),
        comment: "Replacing the disk".into(),
        ..PostedSilence::default()
    };
    t.app.post_silence(agent, silence("db-1:9100")).await.unwrap();
    let ended = t.app.post_silence(agent, silence("web-1:9100")).await.unwrap();
    t.app.expire_silence(agent, &ended).await.unwrap();
    fp
}

/// A published article with a second version being written: its number.
async fn article(t: &server::TestServer, agent: &steward_app::Actor) -> String {
    use steward_app::articles::{ArticleInput, TranslationInput, VersionMove};
    let text = |lang: &str, title: &str| TranslationInput {
        lang: lang.into(),
        title: title.into(),
        body: "# Steps\n\n1. Open **Settings**.\n2. Choose *Reset*.\n\n| Step | Time |\n|---|---|\n| One | 1 min |"
            .into(),
    };
    let input = ArticleInput {
        audience: Some("requesters".into()),
        category: Some("Accounts".into()),
        translations: Some(vec![text("en", "Reset your password"), text("pl", "Zmiana hasła")]),
        ..ArticleInput::default()
    };
    let a = t.app.create_article(agent, input).await.unwrap();
    let n = steward_app::articles::number(a.record.number);
    let to = |state: &str| VersionMove { state: state.into(), version: None };
    t.app.move_article_version(agent, &n, Some(1), to("in_review")).await.unwrap();
    let (mona, _) = t.app.login("mona", server::PASSWORD, [127, 0, 0, 1].into()).await.unwrap();
    t.app.move_article_version(&mona, &n, Some(2), to("published")).await.unwrap();
    t.app.give_article_feedback(&mona, &n, None, true, Some("Clear")).await.unwrap();
    t.app.start_article_version(agent, &n, Some(3)).await.unwrap();
    n
}

/// What is wrong with the page now: axe's violations and, at `phone`
/// width, a sideways scroll.
async fn faults(c: &Client, axe: &str, phone: bool) -> Vec<String> {
    let mut out = Vec::new();
    if phone {
        let r = c.execute(OVERFLOW, vec![]).await.unwrap();
        if r[0].as_i64().unwrap() > 0 {
            out.push(format!("{} px wider than a 390 px phone: {}", r[0], r[1]));
        }
        return out;
    }
    // No token in any address a page holds.
    let leaks = c.execute(TOKENS_IN_ADDRESSES, vec![]).await.unwrap();
    out.extend(leaks.as_array().unwrap().iter().map(|u| format!("a token in an address: {u}")));
    c.execute(axe, vec![]).await.unwrap();
    let Value::Array(violations) = c.execute_async(RUN_AXE, vec![]).await.unwrap() else {
        panic!("axe answered no list")
    };
    out.extend(violations.iter().map(|v| format!("{}: {} {}", v["id"], v["help"], v["nodes"])));
    out
}

/// Visits `path` on a desktop and on a phone: what is wrong there.
async fn visit(c: &Client, t: &server::TestServer, axe: &str, path: &str) -> Vec<String> {
    let mut found = Vec::new();
    for phone in [false, true] {
        c.set_window_size(if phone { 390 } else { 1400 }, 900).await.unwrap();
        c.goto(&t.url(path)).await.unwrap();
        wait(c, "main").await;
        found.extend(faults(c, axe, phone).await);
    }
    found
}

/// Who one test visits the pages as: the desk and the requester (and
/// the signed-out pages), or the manager and the admin. Two tests per
/// language, so that each stays well inside the time a test may take as
/// pages are added.
const DESK: &[&str] = &["agent", "requester"];
const OWNERS: &[&str] = &["mona", "admin"];

async fn check(
    c: &Client,
    t: &server::TestServer,
    lang: &str,
    axe: &str,
    pages: &[(String, &[&str])],
    roles: &[&str],
) -> Vec<String> {
    let mut found = Vec::new();
    if roles == DESK {
        for (path, _) in pages.iter().filter(|(_, who)| who.is_empty()) {
            found.extend(visit(c, t, axe, path).await.into_iter().map(|f| format!("{lang} signed out {path}: {f}")));
        }
    }
    for who in roles {
        sign_in(c, t, who).await;
        for (path, _) in pages.iter().filter(|(_, w)| w.contains(who)) {
            found.extend(visit(c, t, axe, path).await.into_iter().map(|f| format!("{lang} {who} {path}: {f}")));
        }
        // The phone's menu, open: every entry shown, still no sideways scroll.
        c.goto(&t.url("/settings")).await.unwrap();
        click(c, ".menu-button").await;
        assert!(wait(c, ".mainnav").await.is_displayed().await.unwrap(), "{lang} {who}: the menu did not open");
        for phone in [true, false] {
            found.extend(faults(c, axe, phone).await.into_iter().map(|f| format!("{lang} {who} open menu: {f}")));
        }
        c.delete_all_cookies().await.unwrap();
    }
    found
}

/// Every page in one language as these roles see it.
async fn every_page_in(lang: &str, roles: &[&str]) {
    let axe = axe_source();
    let t = server::spawn().await;
    t.add_manager().await;
    let pages = addresses(&t).await;
    let b = driver::start_in(lang).await;
    let outcome = AssertUnwindSafe(check(&b.client, &t, &lang[..2], &axe, &pages, roles)).catch_unwind().await;
    b.close().await;
    let found = match outcome {
        Ok(f) => f,
        Err(panic) => std::panic::resume_unwind(panic),
    };
    assert!(found.is_empty(), "{} faults:\n{}", found.len(), found.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_passes_axe_and_fits_a_phone_in_english_for_the_desk() {
    every_page_in("en-GB,en", DESK).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_passes_axe_and_fits_a_phone_in_english_for_owners() {
    every_page_in("en-GB,en", OWNERS).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_passes_axe_and_fits_a_phone_in_polish_for_the_desk() {
    every_page_in("pl,en", DESK).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_passes_axe_and_fits_a_phone_in_polish_for_owners() {
    every_page_in("pl,en", OWNERS).await;
}

#[test]
fn the_tests_together_visit_as_every_role() {
    let mut roles: Vec<&str> = DESK.iter().chain(OWNERS).copied().collect();
    roles.sort_unstable();
    let mut every = EVERYONE.to_vec();
    every.sort_unstable();
    assert_eq!(roles, every);
}
