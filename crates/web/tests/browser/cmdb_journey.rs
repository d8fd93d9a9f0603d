//! The CMDB in a real browser: an agent opens a service's page, walks its
//! service map down to a VM, sees which service a failure there affects and
//! why, records an incident on the service and the VM with the form's CI
//! picker and finds it on the service's page; a requester sees only the
//! live services meant for them and reports a problem with one.

use crate::journey::{choose, click, fill, go, path, text, wait};
use crate::{driver, server};
use fantoccini::Client;
use futures_util::FutureExt;
use std::panic::AssertUnwindSafe;
use steward_app::{
    Actor,
    cmdb::{Batch, CiInput, CiRef, RelationInput},
};
use steward_domain::cmdb::PortfolioStatus;

/// The ids the journey visits: the service and the VM under it.
pub(crate) struct Estate {
    pub(crate) shop: i64,
    /// The checkout application, which runs on `vm`.
    pub(crate) checkout: i64,
    pub(crate) vm: i64,
}

pub(crate) async fn load_estate(t: &server::TestServer) -> Estate {
    let ci = |key: &str, class: &str, name: &str| CiInput {
        key: Some(key.into()),
        class: class.into(),
        name: name.into(),
        ..CiInput::default()
    };
    let service = |key: &str, name: &str, status: PortfolioStatus, visible: bool| CiInput {
        description: Some(format!("{name}, as the catalog describes it")),
        portfolio_status: Some(status),
        requester_visible: Some(visible),
        tier: Some(1),
        ..ci(key, "business_service", name)
    };
    let rel = |from: &str, kind: &str, to: &str| RelationInput {
        from: CiRef::Ref(from.into()),
        to: CiRef::Ref(to.into()),
        kind: kind.into(),
    };
    let batch = Batch {
        items: vec![
            CiInput {
                consumers: Some(vec!["Contoso".into(), "Fabrikam".into()]),
                ..service("shop", "Web Shop", PortfolioStatus::Live, true)
            },
            ci("checkout", "application", "checkout"),
            ci("vm", "virtual_machine", "vm-12"),
            ci("esx", "server", "esx-01"),
            service("lake", "Data Lake", PortfolioStatus::Pipeline, true),
            service("payroll", "Payroll Batch", PortfolioStatus::Live, false),
        ],
        relations: vec![
            rel("shop", "uses", "checkout"),
            rel("checkout", "runs_on", "vm"),
            rel("vm", "hosted_on", "esx"),
        ],
    };
    let report = t.app.upsert_cis(&Actor::operator(), batch).await.unwrap();
    let id = |i: usize| report.items.iter().find(|o| o.index == i).unwrap().id;
    Estate { shop: id(0), checkout: id(1), vm: id(2) }
}

pub(crate) async fn sign_in(c: &Client, t: &server::TestServer, who: &str) {
    c.goto(&t.url("/login")).await.unwrap();
    fill(c, "#username", who).await;
    fill(c, "#password", server::PASSWORD).await;
    go(c, ".login-card button[type=submit]").await;
}

async fn agent(c: &Client, t: &server::TestServer, e: &Estate) {
    sign_in(c, t, "agent").await;
    go(c, ".mainnav a[href='/cmdb']").await;
    assert!(text(c, "#ci-list").await.contains("vm-12"));

    // The service's page draws its map; its VM is two steps down.
    c.goto(&t.url(&format!("/cmdb/{}", e.shop))).await.unwrap();
    assert_eq!(text(c, "#ci-name").await, "Web Shop");
    wait(c, "#service-map svg.service-map").await;
    // The map fits its box, and zooms in and back out with its buttons.
    let fits = "const s = document.querySelector('svg.service-map'); \
                return s.getBoundingClientRect().width <= s.parentElement.clientWidth;";
    assert_eq!(c.execute(fits, vec![]).await.unwrap(), serde_json::json!(true));
    let view_width = "return document.querySelector('svg.service-map').viewBox.baseVal.width;";
    let whole = c.execute(view_width, vec![]).await.unwrap().as_f64().unwrap();
    click(c, "#map-zoom-in").await;
    let zoomed = c.execute(view_width, vec![]).await.unwrap().as_f64().unwrap();
    assert!((zoomed * 1.5 - whole).abs() < 1.0, "{zoomed} × 1.5 is not {whole}");
    click(c, "#map-zoom-fit").await;
    assert_eq!(c.execute(view_width, vec![]).await.unwrap().as_f64().unwrap(), whole);
    // Ctrl + wheel zooms about the pointer; the plain wheel leaves the map be.
    let wheel = "const s = document.querySelector('svg.service-map'); const r = s.getBoundingClientRect();                  s.dispatchEvent(new WheelEvent('wheel', {deltaY: -100, ctrlKey: arguments[0], bubbles: true, cancelable: true,                  clientX: r.left + r.width / 2, clientY: r.top + r.height / 2})); return s.viewBox.baseVal.width;";
    let plain = c.execute(wheel, vec![serde_json::json!(false)]).await.unwrap().as_f64().unwrap();
    assert_eq!(plain, whole, "a plain wheel scrolls the page, not the map");
    let wheeled = c.execute(wheel, vec![serde_json::json!(true)]).await.unwrap().as_f64().unwrap();
    assert!((wheeled * 1.25 - whole).abs() < 1.0, "{wheeled} × 1.25 is not {whole}");
    click(c, "#map-zoom-fit").await;
    assert!(text(c, "#service-organisations").await.contains("Contoso"));
    go(c, &format!("#service-map a.node[data-ci='{}']", e.vm)).await;
    assert_eq!(path(c).await, format!("/cmdb/{}", e.vm));
    assert_eq!(text(c, "#ci-name").await, "vm-12");
    let affected = text(c, "#services-affected").await;
    assert!(affected.contains("Web Shop"), "{affected}");
    assert!(affected.contains("vm-12 → checkout (runs on) → Web Shop (uses)"), "{affected}");
    let orgs = text(c, "#organisations-affected").await;
    assert!(orgs.contains("Contoso") && orgs.contains("Fabrikam"), "{orgs}");

    // A moment that is not one is explained beside the field.
    c.goto(&t.url(&format!("/cmdb/{}?as_of=yesterday", e.vm))).await.unwrap();
    assert!(text(c, "#as-of-error").await.contains("is not a date and time"));

    // An incident on the service, with the VM ticked in the picker the
    // service's choice fills.
    go(c, ".mainnav a[href='/incidents/new']").await;
    fill(c, "#title", "Checkout is slow").await;
    choose(c, "#service", "Web Shop").await;
    click(c, &format!("#ci-picker input[value='{}']", e.vm)).await;
    go(c, ".incident-form button[type=submit]").await;
    assert!(text(c, "#incident-service").await.contains("Web Shop"));
    assert!(text(c, "#incident-cis").await.contains("vm-12"));
    let number = text(c, ".head-row .num").await;

    c.goto(&t.url(&format!("/cmdb/{}", e.shop))).await.unwrap();
    let open = text(c, "#ci-incidents").await;
    assert!(open.contains(&number) && open.contains("Checkout is slow"), "{open}");
}

async fn requester(c: &Client, t: &server::TestServer) {
    sign_in(c, t, "requester").await;
    go(c, ".mainnav a[href='/services']").await;
    let catalog = text(c, "#catalog").await;
    assert!(catalog.contains("Web Shop"), "{catalog}");
    assert!(!catalog.contains("Data Lake") && !catalog.contains("Payroll Batch"), "{catalog}");
    go(c, "#catalog a").await;
    assert_eq!(text(c, "#service-name").await, "Web Shop");
    go(c, "#report-service").await;
    assert_eq!(path(c).await, "/portal/report");
    assert_eq!(wait(c, "#service").await.prop("value").await.unwrap().as_deref(), Some("Web Shop"));
}

async fn journey(c: &Client, t: &server::TestServer) {
    let e = load_estate(t).await;
    agent(c, t, &e).await;
    c.delete_all_cookies().await.unwrap();
    requester(c, t).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_walks_the_service_map_and_a_requester_the_catalog() {
    let t = server::spawn().await;
    let b = driver::start().await;
    let outcome = AssertUnwindSafe(journey(&b.client, &t)).catch_unwind().await;
    b.close().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}
