//! From the walked records to the typed [`Inventory`]: which field of which
//! section fills what, with the fallbacks older agents and other operating
//! systems need (`HARDWARE/OSNAME` when there is no `OPERATINGSYSTEM`
//! section, `MMANUFACTURER` when the system manufacturer is empty).

use super::reader::{Document, Record};
use super::{Cpu, Disk, Inventory, Nic, Os, Software, junk};

/// Builds the inventory; never fails: missing or unparsable values are
/// `None`, since an agent that cannot read one detail still reports a
/// computer worth keeping.
pub(super) fn inventory(doc: Document) -> Inventory {
    let mut inv = Inventory {
        device_id: doc.device_id.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()),
        ..Inventory::default()
    };
    let mut hardware_os = Os::default();
    for record in &doc.records {
        match record.section {
            "BIOS" => {
                set(&mut inv.serial, record.get("SSN"));
                set(&mut inv.manufacturer, record.get("SMANUFACTURER").or_else(|| record.get("MMANUFACTURER")));
                set(&mut inv.model, record.get("SMODEL").or_else(|| record.get("MMODEL")));
            }
            "HARDWARE" => {
                set(&mut inv.hostname, record.get("NAME"));
                set(&mut inv.uuid, record.get("UUID"));
                set(&mut inv.memory_mb, number(record, "MEMORY"));
                set(&mut inv.vm_system, record.get("VMSYSTEM"));
                hardware_os.name = record.get("OSNAME");
                hardware_os.full_name = record.get("OSNAME");
                hardware_os.kernel = record.get("OSVERSION");
                hardware_os.arch = record.get("ARCHNAME");
            }
            "OPERATINGSYSTEM" => {
                set(&mut inv.fqdn, record.get("FQDN"));
                set(&mut inv.os.name, record.get("NAME"));
                set(&mut inv.os.version, record.get("VERSION"));
                set(&mut inv.os.full_name, record.get("FULL_NAME"));
                set(&mut inv.os.kernel, record.get("KERNEL_VERSION"));
                set(&mut inv.os.arch, record.get("ARCH"));
            }
            "CPUS" => inv.cpus.push(Cpu {
                name: record.get("NAME"),
                manufacturer: record.get("MANUFACTURER"),
                cores: number(record, "CORE"),
                threads: number(record, "THREAD"),
                speed_mhz: number(record, "SPEED"),
            }),
            "DRIVES" => inv.disks.push(Disk {
                volume: record.get("VOLUMN"),
                mount: record.get("TYPE"),
                letter: record.get("LETTER"),
                filesystem: record.get("FILESYSTEM"),
                total_mb: number(record, "TOTAL"),
                free_mb: number(record, "FREE"),
            }),
            "NETWORKS" => add_nic(&mut inv.networks, record),
            "SOFTWARES" => {
                if let Some(name) = record.get("NAME") {
                    inv.software.push(Software {
                        name,
                        version: record.get("VERSION"),
                        publisher: record.get("PUBLISHER"),
                    });
                }
            }
            _ => {}
        }
    }
    let os = &mut inv.os;
    set(&mut os.name, hardware_os.name);
    set(&mut os.full_name, hardware_os.full_name);
    set(&mut os.kernel, hardware_os.kernel);
    set(&mut os.arch, hardware_os.arch);
    inv
}

/// Fills `slot` unless it already has a value: the first source wins.
fn set<T>(slot: &mut Option<T>, value: Option<T>) {
    if slot.is_none() {
        *slot = value;
    }
}

/// A non-negative integer field; agents write "-1" or "" for unknown.
fn number<T: std::str::FromStr>(record: &Record, name: &str) -> Option<T> {
    record.get(name).and_then(|v| v.parse().ok())
}

/// Adds one `NETWORKS` entry, merged into the interface with the same name and
/// MAC if there is one (the agent sends one entry per address).
fn add_nic(nics: &mut Vec<Nic>, record: &Record) {
    let name = record.get("DESCRIPTION");
    let mac = record.get("MACADDR").map(|m| junk::normalize_mac(&m).unwrap_or(m.to_ascii_lowercase()));
    let i = match nics.iter().position(|n| n.name == name && n.mac == mac) {
        Some(i) => i,
        None => {
            let r#virtual = matches!(record.get("VIRTUALDEV").as_deref(), Some("1" | "true"));
            nics.push(Nic { name, mac, r#virtual, ..Nic::default() });
            nics.len() - 1
        }
    };
    let nic = &mut nics[i];
    for ip in record.all("IPADDRESS") {
        if !nic.ipv4.iter().any(|x| x == ip) {
            nic.ipv4.push(ip.to_owned());
        }
    }
    for ip in record.all("IPADDRESS6") {
        if !nic.ipv6.iter().any(|x| x == ip) {
            nic.ipv6.push(ip.to_owned());
        }
    }
}
