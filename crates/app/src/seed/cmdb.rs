//! The demo's CMDB: the twelve business services the incident stories
//! name, a few technical platforms, and the applications, databases,
//! virtual machines, hypervisors, containers, network and storage they
//! stand on, in two data centres and an office: a few hundred CIs, related
//! as an estate really is. Reconciled by identifiers, so running it twice
//! changes nothing.

use crate::cmdb::{Batch, CiInput, CiRef, RelationInput};
use crate::{Actor, error::AppError};
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use steward_domain::cmdb::{CiStatus, Criticality, PortfolioStatus};

/// The services the stories are told about: name, owning group, tier,
/// the organisations that use it, and a line for the catalog.
pub(super) const SERVICES: [(&str, &str, i64, &[&str], &str); 12] = [
    (
        "CRM",
        "Applications",
        2,
        &["Contoso Retail", "Northwind Logistics"],
        "Customer accounts, opportunities and service cases.",
    ),
    (
        "ERP",
        "Applications",
        1,
        &["Vistula Manufacturing", "Baltic Freight Sp. z o.o.", "Northwind Logistics"],
        "Orders, stock, warehouse postings and finance.",
    ),
    (
        "Email",
        "Windows Servers",
        1,
        &[
            "Contoso Retail",
            "Northwind Logistics",
            "Fabrikam Health",
            "Vistula Manufacturing",
            "Baltic Freight Sp. z o.o.",
            "Internal IT",
        ],
        "Mailboxes, calendars and shared mailboxes (Exchange and webmail).",
    ),
    (
        "File Shares",
        "Windows Servers",
        3,
        &["Vistula Manufacturing", "Fabrikam Health", "Internal IT"],
        "Department and project file shares with nightly snapshots.",
    ),
    (
        "Identity (SSO)",
        "Identity & Access",
        1,
        &[
            "Contoso Retail",
            "Northwind Logistics",
            "Fabrikam Health",
            "Vistula Manufacturing",
            "Baltic Freight Sp. z o.o.",
            "Internal IT",
        ],
        "Accounts, single sign-on and multi-factor authentication.",
    ),
    (
        "Laptop Fleet",
        "End User Computing",
        3,
        &["Fabrikam Health", "Internal IT"],
        "Managed laptops: imaging, patching, repairs and loans.",
    ),
    (
        "Payroll",
        "Applications",
        2,
        &["Vistula Manufacturing", "Baltic Freight Sp. z o.o."],
        "Monthly payroll runs and payslips in the self-service portal.",
    ),
    (
        "Printing",
        "End User Computing",
        4,
        &["Fabrikam Health", "Vistula Manufacturing"],
        "Office printers, follow-me print queues and scanning to email.",
    ),
    (
        "Telephony",
        "Network",
        3,
        &["Northwind Logistics", "Baltic Freight Sp. z o.o."],
        "Desk phones, call queues and voicemail.",
    ),
    (
        "VPN",
        "Network",
        2,
        &["Contoso Retail", "Northwind Logistics", "Fabrikam Health", "Internal IT"],
        "Remote access for staff working away from the office.",
    ),
    (
        "Web Shop",
        "Linux Servers",
        1,
        &["Contoso Retail"],
        "The customer-facing online shop: catalogue, basket and checkout.",
    ),
    (
        "Wi-Fi",
        "Network",
        4,
        &["Fabrikam Health", "Vistula Manufacturing", "Internal IT"],
        "Office wireless for staff and guests.",
    ),
];

/// The names of the story services.
pub(super) fn service_names() -> impl Iterator<Item = &'static str> {
    SERVICES.iter().map(|s| s.0)
}

/// An application: its service, name, group, how many hosts, its
/// database and whether it runs in containers.
type App = (&'static str, &'static str, &'static str, usize, Option<&'static str>, bool);

/// Builds the batch: items with refs, and relations between refs.
struct Estate {
    items: Vec<CiInput>,
    relations: Vec<RelationInput>,
}

impl Estate {
    fn add(&mut self, key: &str, class: &str, name: &str, group: &str, attributes: Value) -> String {
        let attributes: Map<String, Value> = attributes.as_object().cloned().unwrap_or_default();
        self.items.push(CiInput {
            key: Some(key.to_owned()),
            class: class.into(),
            name: name.into(),
            status: Some(CiStatus::InUse),
            criticality: Some(Criticality::Medium),
            owner_group: (!group.is_empty()).then(|| group.to_owned()),
            attributes,
            ..CiInput::default()
        });
        key.to_owned()
    }

    fn last(&mut self) -> &mut CiInput {
        self.items.last_mut().unwrap_or_else(|| unreachable!("called after add"))
    }

    fn rel(&mut self, from: &str, kind: &str, to: &str) {
        self.relations.push(RelationInput {
            from: CiRef::Ref(from.to_owned()),
            to: CiRef::Ref(to.to_owned()),
            kind: kind.to_owned(),
        });
    }
}

/// A serial number that looks like a vendor's.
fn serial(prefix: &str, n: usize) -> String {
    format!("{prefix}{:07}", 7_340_000 + n * 37)
}

fn estate() -> Estate {
    let mut e = Estate { items: Vec::new(), relations: Vec::new() };
    // Where things are.
    for (key, name, city) in [
        ("loc-waw", "Warsaw DC1", "Warsaw"),
        ("loc-krk", "Kraków DC2", "Kraków"),
        ("loc-gdn", "Gdańsk office", "Gdańsk"),
    ] {
        e.add(key, "location", name, "", json!({"city": city, "country": "PL"}));
    }
    // Network: core switches and firewalls per data centre, access points in the office.
    for (dc, loc) in [("waw", "Warsaw DC1"), ("krk", "Kraków DC2")] {
        for i in 1..=2 {
            let k = e.add(&format!("sw-{dc}-{i}"), "network_device", &format!("core-sw-{dc}-{i}"), "Network",
                json!({"serial_number": serial("FOC", i + if dc == "waw" { 0 } else { 10 }), "hostname": format!("core-sw-{dc}-{i}"), "ports": 48}));
            e.last().location = Some(loc.into());
            e.last().vendor = Some("Cisco".into());
            e.last().criticality = Some(Criticality::Critical);
            if i == 2 {
                e.rel(&k, "connected_to", &format!("sw-{dc}-1"));
            }
        }
        let fw = e.add(&format!("fw-{dc}"), "network_device", &format!("fw-{dc}-edge"), "Network",
            json!({"serial_number": serial("FGT", if dc == "waw" { 1 } else { 2 }), "hostname": format!("fw-{dc}-edge")}));
        e.last().location = Some(loc.into());
        e.last().vendor = Some("Fortinet".into());
        e.last().criticality = Some(Criticality::Critical);
        e.rel(&fw, "connected_to", &format!("sw-{dc}-1"));
    }
    e.rel("sw-krk-1", "connected_to", "sw-waw-1");
    for i in 1..=8 {
        e.add(
            &format!("ap-{i}"),
            "network_device",
            &format!("ap-gdn-{i:02}"),
            "Network",
            json!({"serial_number": serial("AP", i), "hostname": format!("ap-gdn-{i:02}")}),
        );
        e.last().location = Some("Gdańsk office".into());
        e.last().vendor = Some("Aruba".into());
        e.last().criticality = Some(Criticality::Low);
    }
    // Office access switches, and the printers and voice gateways on them.
    for i in 1..=6 {
        let k = e.add(
            &format!("acc-{i}"),
            "network_device",
            &format!("acc-sw-gdn-{i:02}"),
            "Network",
            json!({"serial_number": serial("JAE", i), "hostname": format!("acc-sw-gdn-{i:02}"), "ports": 24}),
        );
        e.last().location = Some("Gdańsk office".into());
        e.last().vendor = Some("Cisco".into());
        e.rel(&k, "connected_to", "sw-waw-1");
    }
    for i in 1..=30 {
        let k = e.add(
            &format!("prn-{i}"),
            "network_device",
            &format!("prn-gdn-{i:02}"),
            "End User Computing",
            json!({"serial_number": serial("PRN", i), "hostname": format!("prn-gdn-{i:02}")}),
        );
        e.last().location = Some("Gdańsk office".into());
        e.last().vendor = Some(if i % 3 == 0 { "HP" } else { "Kyocera" }.into());
        e.last().criticality = Some(Criticality::Low);
        e.rel(&k, "connected_to", &format!("acc-{}", 1 + i % 6));
        e.rel("svc-Printing", "uses", &k);
    }
    for i in 1..=4 {
        let k = e.add(
            &format!("vgw-{i}"),
            "network_device",
            &format!("voice-gw-{i:02}"),
            "Network",
            json!({"serial_number": serial("VGW", i), "hostname": format!("voice-gw-{i:02}")}),
        );
        e.last().location = Some(if i <= 2 { "Warsaw DC1" } else { "Kraków DC2" }.into());
        e.last().vendor = Some("AudioCodes".into());
        e.rel("svc-Telephony", "depends_on", &k);
        e.rel(&k, "connected_to", if i <= 2 { "sw-waw-2" } else { "sw-krk-2" });
    }
    // Storage arrays, one per data centre.
    for (dc, loc) in [("waw", "Warsaw DC1"), ("krk", "Kraków DC2")] {
        e.add(
            &format!("san-{dc}"),
            "storage",
            &format!("san-{dc}-01"),
            "Linux Servers",
            json!({"serial_number": serial("NTAP", if dc == "waw" { 1 } else { 2 }), "capacity_gb": 184320.0}),
        );
        e.last().location = Some(loc.into());
        e.last().vendor = Some("NetApp".into());
        e.last().criticality = Some(Criticality::Critical);
    }
    // Hypervisors: five per data centre, on the core switch and the SAN.
    let mut hypervisors = Vec::new();
    for (dc, loc) in [("waw", "Warsaw DC1"), ("krk", "Kraków DC2")] {
        for i in 1..=5 {
            let n = hypervisors.len() + 1;
            let k = e.add(&format!("hv-{dc}-{i}"), "server", &format!("esx-{dc}-{i:02}"), "Windows Servers",
                json!({"serial_number": serial("CZ", n), "hostname": format!("esx-{dc}-{i:02}"), "fqdn": format!("esx-{dc}-{i:02}.dc.example"),
                       "operating_system": "VMware ESXi 8.0", "cpu_count": 64, "memory_mb": 786_432}));
            e.last().location = Some(loc.into());
            e.last().vendor = Some("HPE".into());
            e.last().criticality = Some(Criticality::High);
            e.rel(&k, "connected_to", &format!("sw-{dc}-{}", 1 + i % 2));
            e.rel(&k, "depends_on", &format!("san-{dc}"));
            hypervisors.push(k);
        }
    }
    // Platforms (technical services) with their clusters.
    for (key, name, group) in [
        ("ts-db", "Database Platform", "Database"),
        ("ts-k8s", "Container Platform", "Linux Servers"),
        ("ts-backup", "Backup", "Linux Servers"),
        ("ts-dir", "Directory (Active Directory)", "Identity & Access"),
        ("ts-net", "Data Centre Network", "Network"),
        ("ts-mail", "Mail Transport", "Windows Servers"),
    ] {
        e.add(key, "technical_service", name, group, json!({}));
        e.last().criticality = Some(Criticality::High);
    }
    for dc in ["waw", "krk"] {
        e.rel("ts-net", "depends_on", &format!("sw-{dc}-1"));
        e.rel("ts-net", "depends_on", &format!("fw-{dc}"));
    }
    // VMs: each application gets its own hosts; they live on the hypervisors.
    let mut vm_count = 0usize;
    let mut vm = |e: &mut Estate, name: &str, group: &str, os: &str, cpus: i64, mem: i64| -> String {
        vm_count += 1;
        let hv = hypervisors[(vm_count * 7) % hypervisors.len()].clone();
        let k = e.add(&format!("vm-{name}"), "virtual_machine", name, group,
            json!({"uuid": format!("4210{:04x}-{:04x}-4c2e-9d1a-{:012x}", vm_count, vm_count * 31, vm_count * 977),
                   "hostname": name, "fqdn": format!("{name}.dc.example"), "operating_system": os,
                   "cpu_count": cpus, "memory_mb": mem, "hypervisor": "vmware",
                   "ip_address": format!("10.{}.{}.{}", 20 + vm_count / 250, (vm_count / 10) % 250, 10 + vm_count % 200)}));
        e.last().location = Some(if hv.contains("waw") { "Warsaw DC1".into() } else { "Kraków DC2".into() });
        e.rel(&k, "hosted_on", &hv);
        k
    };
    // Databases on their clusters.
    let mut databases: HashMap<&str, String> = HashMap::new();
    for (svc, engine, group) in [
        ("crm", "PostgreSQL 16", "Database"),
        ("erp", "SQL Server 2022", "Database"),
        ("payroll", "SQL Server 2022", "Database"),
        ("shop", "PostgreSQL 16", "Database"),
        ("sso", "PostgreSQL 16", "Database"),
        ("phone", "PostgreSQL 15", "Database"),
    ] {
        let key = e.add(
            &format!("db-{svc}"),
            "database",
            &format!("{svc}-db"),
            group,
            json!({"engine": engine, "version": engine.split(' ').nth(1).unwrap_or("")}),
        );
        e.last().criticality = Some(Criticality::High);
        for node in 1..=2 {
            let os = if engine.starts_with("SQL") { "Windows Server 2022" } else { "Debian 12" };
            let host = vm(&mut e, &format!("{svc}-db{node:02}"), group, os, 8, 65_536);
            e.rel(&key, "runs_on", &host);
        }
        e.rel(&key, "member_of", "ts-db");
        e.rel(&format!("vm-{svc}-db01"), "depends_on", "ts-backup");
        databases.insert(svc, key);
    }
    // Kubernetes nodes for the container platform.
    for i in 1..=6 {
        let host = vm(&mut e, &format!("k8s-node{i:02}"), "Linux Servers", "Debian 12", 16, 65_536);
        e.rel(&host, "member_of", "ts-k8s");
    }
    for i in 1..=3 {
        let host = vm(&mut e, &format!("backup{i:02}"), "Linux Servers", "Debian 12", 8, 32_768);
        e.rel("ts-backup", "runs_on", &host);
    }
    for i in 1..=4 {
        let host = vm(&mut e, &format!("dc{i:02}"), "Identity & Access", "Windows Server 2022", 4, 16_384);
        e.rel("ts-dir", "runs_on", &host);
    }
    for i in 1..=2 {
        let host = vm(&mut e, &format!("smtp{i:02}"), "Windows Servers", "Windows Server 2022", 4, 16_384);
        e.rel("ts-mail", "runs_on", &host);
    }
    // Applications of each service: (service key, name, hosts, db, container?).
    let apps: [App; 24] = [
        ("CRM", "crm-web", "Applications", 3, Some("crm"), false),
        ("CRM", "crm-integration", "Applications", 2, Some("crm"), true),
        ("ERP", "erp-app", "Applications", 4, Some("erp"), false),
        ("ERP", "erp-reporting", "Applications", 2, Some("erp"), false),
        ("ERP", "warehouse-scanner-gw", "Applications", 2, Some("erp"), true),
        ("Email", "exchange-mailbox", "Windows Servers", 4, None, false),
        ("Email", "exchange-edge", "Windows Servers", 2, None, false),
        ("Email", "webmail", "Windows Servers", 2, None, false),
        ("File Shares", "dfs-namespace", "Windows Servers", 2, None, false),
        ("File Shares", "file-server", "Windows Servers", 4, None, false),
        ("Identity (SSO)", "keycloak", "Identity & Access", 3, Some("sso"), true),
        ("Identity (SSO)", "mfa-gateway", "Identity & Access", 2, Some("sso"), false),
        ("Laptop Fleet", "intune-connector", "End User Computing", 1, None, false),
        ("Laptop Fleet", "wsus", "End User Computing", 2, None, false),
        ("Payroll", "payroll-app", "Applications", 2, Some("payroll"), false),
        ("Payroll", "payslip-portal", "Applications", 2, Some("payroll"), true),
        ("Printing", "print-server", "End User Computing", 3, None, false),
        ("Telephony", "pbx", "Network", 2, Some("phone"), false),
        ("Telephony", "voicemail", "Network", 1, Some("phone"), false),
        ("VPN", "vpn-concentrator", "Network", 2, None, false),
        ("VPN", "radius", "Network", 2, None, false),
        ("Web Shop", "shop-frontend", "Linux Servers", 4, Some("shop"), true),
        ("Web Shop", "shop-checkout", "Linux Servers", 3, Some("shop"), true),
        ("Wi-Fi", "wlan-controller", "Network", 2, None, false),
    ];
    for (svc, app, group, hosts, db, containerised) in apps {
        let key = e.add(&format!("app-{app}"), "application", app, group, json!({"version": "2026.3"}));
        e.rel(&format!("svc-{svc}"), "uses", &key);
        if containerised {
            for r in 1..=hosts {
                let c = e.add(&format!("ct-{app}-{r}"), "container", &format!("{app}-{r}"), group,
                    json!({"container_id": format!("{app}-{r}-7f9c2a"), "image": format!("registry.example/{app}:2026.3")}));
                e.last().criticality = Some(Criticality::Low);
                e.rel(&key, "runs_on", &c);
                e.rel(&c, "hosted_on", &format!("vm-k8s-node{:02}", 1 + (r + app.len()) % 6));
            }
            e.rel(&key, "depends_on", "ts-k8s");
        } else {
            let os = if group == "Linux Servers" || group == "Network" { "Debian 12" } else { "Windows Server 2022" };
            for r in 1..=hosts {
                let host = vm(&mut e, &format!("{app}{r:02}"), group, os, 4, 16_384);
                e.rel(&key, "runs_on", &host);
            }
        }
        if let Some(db) = db {
            e.rel(&key, "uses", &databases[db]);
        }
        // A test host per application, outside any service.
        let test = vm(&mut e, &format!("{app}-test01"), group, "Debian 12", 2, 8_192);
        e.items.iter_mut().rev().find(|i| i.key.as_deref() == Some(test.as_str())).into_iter().for_each(|i| {
            i.criticality = Some(Criticality::Low);
            i.status = Some(if app.len() % 4 == 0 { CiStatus::Planned } else { CiStatus::InUse });
        });
    }
    // The checkout's basket cache: the shop team's own Redis, not on the
    // database platform (the demo's alerts start from it).
    let cache =
        e.add("db-shop-cache", "database", "shop-cache", "Linux Servers", json!({"engine": "Redis 7", "version": "7"}));
    e.last().criticality = Some(Criticality::High);
    let host = vm(&mut e, "shop-cache01", "Linux Servers", "Debian 12", 4, 32_768);
    e.rel(&cache, "runs_on", &host);
    e.rel("app-shop-checkout", "uses", &cache);
    // Every service needs the network and the directory; mail needs transport.
    for (name, group, tier, orgs, description) in SERVICES {
        let key = format!("svc-{name}");
        e.items.push(CiInput {
            key: Some(key.clone()),
            class: "business_service".into(),
            name: name.into(),
            status: Some(CiStatus::InUse),
            criticality: Some(match tier {
                1 => Criticality::Critical,
                2 => Criticality::High,
                3 => Criticality::Medium,
                _ => Criticality::Low,
            }),
            owner_group: Some(group.into()),
            description: Some(description.into()),
            owner: Some("manager".into()),
            support_calendar_id: Some(1),
            tier: Some(tier),
            portfolio_status: Some(PortfolioStatus::Live),
            requester_visible: Some(true),
            consumers: Some(orgs.iter().map(|o| (*o).to_owned()).collect()),
            ..CiInput::default()
        });
        e.rel(&key, "depends_on", "ts-net");
        e.rel(&key, "depends_on", "ts-dir");
    }
    e.rel("svc-Email", "depends_on", "ts-mail");
    e.rel("svc-Wi-Fi", "uses", "ap-1");
    for i in 2..=8 {
        e.rel(&format!("ap-{i}"), "member_of", "app-wlan-controller");
    }
    // The portfolio beyond the live catalog.
    for (name, status, visible) in
        [("Customer Portal", PortfolioStatus::Pipeline, false), ("Fax Gateway", PortfolioStatus::Retired, false)]
    {
        e.items.push(CiInput {
            key: Some(format!("svc-{name}")),
            class: "business_service".into(),
            name: name.into(),
            status: Some(if status == PortfolioStatus::Retired { CiStatus::Retired } else { CiStatus::Planned }),
            owner_group: Some("Applications".into()),
            description: Some(format!("{name} ({})", status.as_str())),
            owner: Some("manager".into()),
            portfolio_status: Some(status),
            requester_visible: Some(visible),
            ..CiInput::default()
        });
    }
    // Things mid-change, so the map shows every status.
    if let Some(ci) = e.items.iter_mut().find(|i| i.name == "esx-krk-05") {
        ci.status = Some(CiStatus::Maintenance);
    }
    e
}

/// Upserts the demo estate and gives the story services' ids by name.
pub(super) async fn services(app: &crate::App) -> Result<HashMap<&'static str, i64>, AppError> {
    let Estate { items, relations } = estate();
    let names: Vec<String> = items.iter().map(|i| i.name.clone()).collect();
    let report = app.upsert_cis(&Actor::operator(), Batch { items, relations }).await?;
    let by_name: HashMap<&str, i64> = names.iter().map(String::as_str).zip(report.items.iter().map(|i| i.id)).collect();
    Ok(service_names().filter_map(|n| by_name.get(n).map(|id| (n, *id))).collect())
}

/// Only the story services, plainly: for benchmark loads, which have no
/// demo cast to own them.
pub(super) async fn story_services(app: &crate::App) -> Result<HashMap<&'static str, i64>, AppError> {
    let items = service_names()
        .map(|n| CiInput { class: "business_service".into(), name: n.into(), ..CiInput::default() })
        .collect();
    let report = app.upsert_cis(&Actor::operator(), Batch { items, relations: vec![] }).await?;
    Ok(service_names().zip(report.items.iter().map(|i| i.id)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_estate_is_a_few_hundred_cis_and_every_ref_resolves() {
        let e = estate();
        assert!((200..=600).contains(&e.items.len()), "{} CIs", e.items.len());
        let keys: std::collections::HashSet<&str> = e.items.iter().filter_map(|i| i.key.as_deref()).collect();
        assert_eq!(keys.len(), e.items.len(), "refs are unique");
        for r in &e.relations {
            for end in [&r.from, &r.to] {
                if let CiRef::Ref(k) = end {
                    assert!(keys.contains(k.as_str()), "unknown ref {k}");
                }
            }
        }
    }
}
