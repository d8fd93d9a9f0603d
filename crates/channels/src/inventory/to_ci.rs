//! An inventory as a CI: the draft the CMDB reconciles and stores, and the
//! details (software, disks, interfaces …) kept alongside it as JSON and
//! shown on its page.

use std::net::Ipv4Addr;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use steward_domain::cmdb::CiDraft;

use super::{Cpu, Disk, Inventory, Nic, Os, Software, junk};

/// What an inventory says beyond the CI's attributes. Serialised both ways
/// (as are its parts), with defaults, so details stored by an older version
/// still read after a field is added.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct InventoryDetails {
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    /// As the agent reported it ("Physical", "QEMU", "Docker" …).
    pub vm_system: Option<String>,
    pub os: Os,
    pub cpus: Vec<Cpu>,
    pub disks: Vec<Disk>,
    pub networks: Vec<Nic>,
    pub software: Vec<Software>,
}

/// OS-level containers as the agent names them (`VMSYSTEM`): they share
/// their host's kernel and firmware.
const CONTAINERS: &[&str] =
    &["docker", "lxc", "lxd", "podman", "openvz", "virtuozzo", "systemd-nspawn", "bsdjail", "solariszone", "wsl"];

/// The draft of a `server` or, when the inventory shows a hypervisor, a
/// `virtual_machine` (with its `hypervisor`), named by the short hostname
/// (else the FQDN, serial number, UUID or MAC: a parsed inventory has one of
/// them). Only attributes the inventory has are set, placeholders left out
/// (they would merge unrelated machines on reconciliation).
///
/// An OS-level container (Docker, LXC …) is a `server` without serial number
/// or UUID: those are its host's, and would merge it with its host.
pub fn to_draft(inv: &Inventory) -> (CiDraft, InventoryDetails) {
    let container = inv.vm_system.as_deref().is_some_and(|v| CONTAINERS.contains(&v.to_ascii_lowercase().as_str()));
    let hypervisor = if container { None } else { hypervisor(inv) };
    let mut attrs = Map::new();
    let mut put = |key: &str, value: Option<Value>| {
        if let Some(v) = value {
            attrs.insert(key.to_owned(), v);
        }
    };
    let text = |s: Option<String>| s.map(Value::String);

    let hostname = inv.hostname.as_deref().filter(|h| junk::hostname(h).is_some()).map(|h| short(h).to_owned());
    let fqdn = inv.fqdn.as_deref().filter(|h| junk::hostname(h).is_some()).map(|h| h.trim().to_owned());
    let firmware = |v: Option<String>| v.filter(|_| !container);
    let serial = firmware(inv.serial.as_deref().and_then(junk::serial));
    let uuid = firmware(inv.uuid.as_deref().and_then(junk::uuid));
    let (ip, mac) = address(&inv.networks);
    let name = [&hostname, &fqdn, &serial, &uuid, &mac].into_iter().flatten().next().cloned().unwrap_or_default();

    put("hostname", text(hostname));
    put("fqdn", text(fqdn));
    put("uuid", text(uuid));
    put("serial_number", text(serial));
    put("operating_system", text(os_name(&inv.os)));
    put("cpu_count", cpu_count(&inv.cpus).map(Value::from));
    put("memory_mb", inv.memory_mb.and_then(|m| i64::try_from(m).ok()).map(Value::from));
    put("ip_address", text(ip));
    put("mac_address", text(mac));
    put("hypervisor", hypervisor.map(Value::from));

    let draft = CiDraft {
        class: if hypervisor.is_some() { "virtual_machine" } else { "server" }.to_owned(),
        name,
        vendor: firmware(inv.manufacturer.clone()),
        attributes: attrs,
        ..CiDraft::default()
    };
    let details = InventoryDetails {
        manufacturer: inv.manufacturer.clone(),
        model: inv.model.clone(),
        vm_system: inv.vm_system.clone(),
        os: inv.os.clone(),
        cpus: inv.cpus.clone(),
        disks: inv.disks.clone(),
        networks: inv.networks.clone(),
        software: inv.software.clone(),
    };
    (draft, details)
}

fn short(host: &str) -> &str {
    let host = host.trim();
    host.split('.').next().unwrap_or(host)
}

/// The full name ("Debian GNU/Linux 12 (bookworm)"), else name and version.
fn os_name(os: &Os) -> Option<String> {
    os.full_name.clone().or_else(|| match (&os.name, &os.version) {
        (Some(n), Some(v)) => Some(format!("{n} {v}")),
        (n, _) => n.clone(),
    })
}

/// The sum of the CPUs' cores, a CPU that does not say counting as one.
fn cpu_count(cpus: &[Cpu]) -> Option<i64> {
    let n: i64 = cpus.iter().map(|c| c.cores.filter(|n| *n > 0).map_or(1, i64::from)).sum();
    (n > 0).then_some(n)
}

/// The first routable IPv4 address of a physical interface, and that
/// interface's MAC; without one, the first physical interface's MAC.
/// Loopback and link-local (169.254/16) addresses reach nobody.
fn address(nics: &[Nic]) -> (Option<String>, Option<String>) {
    let physical = || nics.iter().filter(|n| !n.r#virtual);
    let usable = |ip: &String| {
        ip.parse::<Ipv4Addr>().is_ok_and(|a| !a.is_loopback() && !a.is_link_local() && !a.is_unspecified())
    };
    for nic in physical() {
        if let Some(ip) = nic.ipv4.iter().find(|ip| usable(ip)) {
            return (Some(ip.clone()), nic.mac.as_deref().and_then(junk::mac));
        }
    }
    (None, physical().find_map(|n| n.mac.as_deref().and_then(junk::mac)))
}

/// The schema's `hypervisor` value when the firmware strings or the agent's
/// own detection show a virtual machine; None on physical hardware.
fn hypervisor(inv: &Inventory) -> Option<&'static str> {
    let vm_system = inv.vm_system.as_deref().unwrap_or_default().trim().to_ascii_lowercase();
    let vm_system = if vm_system == "physical" { String::new() } else { vm_system };
    let seen = [Some(vm_system.as_str()), inv.manufacturer.as_deref(), inv.model.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| seen.contains(w));
    if has(&["vmware"]) {
        Some("vmware")
    } else if has(&["qemu", "kvm", "openstack", "amazon ec2", "google compute engine"]) {
        Some("kvm")
    } else if has(&["xen"]) {
        Some("xen")
    } else if has(&["hyper-v"]) || (has(&["microsoft"]) && has(&["virtual machine"])) || vm_system == "virtual machine"
    {
        Some("hyper-v")
    } else if has(&["virtualbox", "innotek", "bochs", "parallels", "bhyve"]) || !vm_system.is_empty() {
        Some("other")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::parse;
    use serde_json::json;
    use steward_domain::cmdb::{Schema, builtin};

    fn check(draft: &CiDraft) {
        let schema = Schema::new(builtin()).unwrap();
        schema.check_draft(draft, |_| None).unwrap();
        assert!(!schema.identifiers(&draft.class, &draft.name, &draft.attributes).is_empty());
    }

    #[test]
    fn this_machine_is_a_server() {
        let xml = include_bytes!("../../tests/channels/inventory/this-machine.xml");
        let inv = parse(xml, 10 << 20).unwrap();
        let (draft, details) = to_draft(&inv);
        check(&draft);
        assert_eq!((draft.class.as_str(), draft.name.as_str()), ("server", "vm"), "Docker is a container, no VM");
        let a = &draft.attributes;
        assert_eq!((a["hostname"].as_str(), a["fqdn"].as_str()), (Some("vm"), Some("vm")));
        assert_eq!(a["operating_system"], "Debian GNU/Linux 12 (bookworm)");
        assert_eq!(a["cpu_count"], json!(2));
        assert_eq!(a["memory_mb"], json!(24105));
        assert_eq!(a["ip_address"], "192.0.2.2");
        let eth0 = inv.networks.iter().find(|n| n.name.as_deref() == Some("eth0")).unwrap();
        assert_eq!(a["mac_address"].as_str(), eth0.mac.as_deref());
        assert!(!a.contains_key("serial_number") && !a.contains_key("uuid") && !a.contains_key("hypervisor"));
        assert_eq!(details.software.len(), inv.software.len());
        assert!(details.software.len() > 10);
        assert_eq!(details.vm_system.as_deref(), Some("Docker"));
        let back: InventoryDetails = serde_json::from_str(&serde_json::to_string(&details).unwrap()).unwrap();
        assert_eq!(back, details);
        assert!(serde_json::to_value(&details).unwrap()["networks"][0].get("virtual").is_some());
    }

    #[test]
    fn a_workstation_keeps_its_firmware_identifiers() {
        let xml = include_bytes!("../../tests/channels/inventory/dell-workstation.xml");
        let (draft, _) = to_draft(&parse(xml, 10 << 20).unwrap());
        check(&draft);
        assert_eq!(draft.class, "server");
        assert_eq!(draft.vendor.as_deref(), Some("Dell Inc."));
        assert_eq!(draft.attributes["serial_number"], "8GB7XK3");
        assert_eq!(draft.attributes["uuid"], "4c4c4544-0047-4210-8037-b8c04f584b33");
        assert_eq!(draft.attributes["fqdn"], "ws-acct-042.corp.example.com");
    }

    fn vm() -> Inventory {
        let nic = |name: &str, mac: &str, ips: &[&str], r#virtual: bool| Nic {
            name: Some(name.into()),
            mac: Some(mac.into()),
            ipv4: ips.iter().map(|s| s.to_string()).collect(),
            r#virtual,
            ..Nic::default()
        };
        Inventory {
            hostname: Some("Web01.example.com".into()),
            uuid: Some("00000000-0000-0000-0000-000000000000".into()),
            serial: Some("To be filled by O.E.M.".into()),
            manufacturer: Some("QEMU".into()),
            model: Some("Standard PC (Q35 + ICH9, 2009)".into()),
            os: Os { name: Some("Rocky Linux".into()), version: Some("9.4".into()), ..Os::default() },
            cpus: vec![Cpu { cores: Some(2), ..Cpu::default() }, Cpu::default()],
            networks: vec![
                nic("lo", "00:00:00:00:00:00", &["127.0.0.1"], true),
                nic("docker0", "02:42:ac:11:00:01", &["172.17.0.1"], true),
                nic("eth1", "52:54:00:00:00:01", &["169.254.3.4"], false),
                nic("eth0", "52:54:00:00:00:02", &["10.0.0.5"], false),
            ],
            ..Inventory::default()
        }
    }

    #[test]
    fn a_qemu_guest_is_a_virtual_machine() {
        let (draft, _) = to_draft(&vm());
        check(&draft);
        assert_eq!((draft.class.as_str(), draft.name.as_str()), ("virtual_machine", "Web01"));
        assert_eq!(
            Value::Object(draft.attributes),
            json!({"hostname": "Web01", "operating_system": "Rocky Linux 9.4", "cpu_count": 3, "ip_address": "10.0.0.5",
                   "mac_address": "52:54:00:00:00:02", "hypervisor": "kvm"}),
            "junk serial and UUID left out; no virtual or link-local address"
        );
    }

    #[test]
    fn hypervisors_by_their_strings() {
        let kind = |manufacturer: &str, model: &str, vm_system: Option<&str>| {
            let inv = Inventory {
                manufacturer: Some(manufacturer.into()),
                model: Some(model.into()),
                vm_system: vm_system.map(Into::into),
                ..vm()
            };
            let (d, _) = to_draft(&inv);
            (d.class, d.attributes.get("hypervisor").and_then(Value::as_str).map(str::to_owned))
        };
        let vm = |h: &str| ("virtual_machine".to_owned(), Some(h.to_owned()));
        assert_eq!(kind("VMware, Inc.", "VMware Virtual Platform", None), vm("vmware"));
        assert_eq!(kind("Microsoft Corporation", "Virtual Machine", None), vm("hyper-v"));
        assert_eq!(kind("Xen", "HVM domU", None), vm("xen"));
        assert_eq!(kind("innotek GmbH", "VirtualBox", None), vm("other"));
        assert_eq!(kind("Bochs", "Bochs", None), vm("other"));
        assert_eq!(kind("", "", Some("Parallels")), vm("other"), "the agent's own detection");
        assert_eq!(kind("Dell Inc.", "PowerEdge R640", Some("Physical")), ("server".to_owned(), None));
        assert_eq!(kind("QEMU", "Standard PC", Some("lxc")), ("server".to_owned(), None), "a container");
    }

    #[test]
    fn the_name_falls_back_to_other_identifiers() {
        let inv = Inventory { hostname: Some("localhost".into()), serial: Some("SN-9".into()), ..vm() };
        assert_eq!(to_draft(&inv).0.name, "SN-9");
        let inv = Inventory { hostname: None, ..vm() };
        assert_eq!(to_draft(&inv).0.name, "52:54:00:00:00:02");
    }
}
