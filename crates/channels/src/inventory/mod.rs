//! Machine inventories from agents: Debian's `fusioninventory-agent` and the
//! GLPI agent post an XML document describing one computer (BIOS, hardware,
//! operating system, CPUs, disks, network interfaces, installed software).
//! This module turns such a document into a plain [`Inventory`]; the CMDB
//! reconciles it with an existing computer by its [`identifiers`]
//! (serial number, UUID, hostname, MAC) and stores it: [`to_draft`] gives
//! the CI draft (a server or virtual machine) and the details kept with it.
//! [`prolog_reply`] and friends are what the server answers the agent.
//!
//! The parser is strict because the CMDB writes one inventory as one
//! transaction: a truncated or broken upload is an error, never a half-filled
//! inventory that would erase software or interfaces on the next update.
//! Size is bounded twice: the body before parsing (`max_bytes`) and the number
//! of entries per section while parsing.
//!
//! [`identifiers`]: Inventory::identifiers

mod build;
mod compress;
mod junk;
mod reader;
mod reply;
mod to_ci;

pub use compress::decompress;
pub use reader::{MAX_ENTRIES, MAX_FIELDS, MAX_FIELDS_TOTAL};
pub use reply::{error_reply, inventory_reply, prolog_reply};
pub use to_ci::{InventoryDetails, to_draft};

use serde::{Deserialize, Serialize};

/// Why an inventory upload was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InventoryError {
    /// The body (or, compressed, its expansion) is over the configured limit;
    /// refused before parsing.
    #[error("the inventory is larger than {limit} bytes")]
    TooLarge { limit: usize },
    /// Not well-formed XML, truncated, too many entries, or undecodable; the
    /// text says what and at which byte.
    #[error("malformed inventory: {0}")]
    Malformed(String),
    /// Well-formed XML but not an inventory: another root element, no
    /// `CONTENT`, or a `QUERY` other than `INVENTORY` (e.g. `PROLOG`).
    #[error("not an inventory: {0}")]
    NotAnInventory(&'static str),
    /// No usable serial number, UUID, hostname or MAC address, so the
    /// computer could not be told apart from any other.
    #[error("the inventory has no usable identifier (serial, UUID, hostname or MAC)")]
    NoIdentifier,
}

/// One computer as its agent reported it. Text fields are trimmed; an empty
/// value in the document is `None` here.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inventory {
    /// The agent's own id (`DEVICEID`: hostname and first run's date); it
    /// changes when the agent is reinstalled, so it does not identify.
    pub device_id: Option<String>,
    pub hostname: Option<String>,
    pub fqdn: Option<String>,
    /// The SMBIOS system UUID as reported.
    pub uuid: Option<String>,
    /// The system serial number (`BIOS/SSN`) as reported, junk included;
    /// [`Inventory::identifiers`] filters it.
    pub serial: Option<String>,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    /// What the agent detected the machine runs in (`HARDWARE/VMSYSTEM`):
    /// "Physical", or e.g. "QEMU", "VMware", "Xen", "Docker", "lxc".
    pub vm_system: Option<String>,
    pub os: Os,
    /// Installed memory in MiB.
    pub memory_mb: Option<u64>,
    pub cpus: Vec<Cpu>,
    pub disks: Vec<Disk>,
    pub networks: Vec<Nic>,
    pub software: Vec<Software>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Os {
    /// E.g. "Debian GNU/Linux".
    pub name: Option<String>,
    /// E.g. "12.11".
    pub version: Option<String>,
    /// E.g. "Debian GNU/Linux 12 (bookworm)".
    pub full_name: Option<String>,
    pub kernel: Option<String>,
    pub arch: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Cpu {
    pub name: Option<String>,
    pub manufacturer: Option<String>,
    pub cores: Option<u32>,
    pub threads: Option<u32>,
    pub speed_mhz: Option<u32>,
}

/// A mounted file system or drive (`DRIVES`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Disk {
    /// The device or volume (`VOLUMN`, sic), e.g. "/dev/sda1".
    pub volume: Option<String>,
    /// `TYPE`: the mount point on Linux and macOS, the drive type on Windows.
    pub mount: Option<String>,
    /// The Windows drive letter, e.g. "C:".
    pub letter: Option<String>,
    pub filesystem: Option<String>,
    pub total_mb: Option<u64>,
    pub free_mb: Option<u64>,
}

/// A network interface. The agent sends one `NETWORKS` entry per address;
/// entries with the same name and MAC are merged into one interface here.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Nic {
    /// `DESCRIPTION`, e.g. "eth0".
    pub name: Option<String>,
    /// Lowercase, colon-separated.
    pub mac: Option<String>,
    pub ipv4: Vec<String>,
    pub ipv6: Vec<String>,
    /// Loopback, bridges, tunnels and the like (`VIRTUALDEV`): their MACs are
    /// not identifiers.
    pub r#virtual: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Software {
    pub name: String,
    pub version: Option<String>,
    pub publisher: Option<String>,
}

/// A value that tells one computer from another, normalised for comparison.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Identifier {
    /// The system serial number, trimmed, case kept.
    Serial(String),
    /// The SMBIOS UUID, lowercase.
    Uuid(String),
    /// The short hostname, lowercase.
    Hostname(String),
    /// The MAC of a physical interface, lowercase with colons.
    Mac(String),
}

impl Inventory {
    /// The identifiers present, strongest first (serial, UUID, hostname, then
    /// MACs), with the placeholders vendors and virtual machines report left
    /// out ("To be filled by O.E.M.", "0", an all-zero UUID, localhost, a MAC
    /// of a virtual interface …): matching on those would merge unrelated
    /// machines.
    pub fn identifiers(&self) -> Vec<Identifier> {
        let mut ids = Vec::new();
        if let Some(serial) = self.serial.as_deref().and_then(junk::serial) {
            ids.push(Identifier::Serial(serial));
        }
        if let Some(uuid) = self.uuid.as_deref().and_then(junk::uuid) {
            ids.push(Identifier::Uuid(uuid));
        }
        if let Some(host) = self.hostname.as_deref().and_then(junk::hostname) {
            ids.push(Identifier::Hostname(host));
        }
        for nic in self.networks.iter().filter(|n| !n.r#virtual) {
            if let Some(mac) = nic.mac.as_deref().and_then(junk::mac) {
                let id = Identifier::Mac(mac);
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
        ids
    }
}

/// Parses a FusionInventory / GLPI agent XML inventory
/// (`<REQUEST><CONTENT>…</CONTENT><QUERY>INVENTORY</QUERY>…</REQUEST>`).
///
/// Bodies over `max_bytes` are refused before any parsing. The whole document
/// must be well formed; it must be an `INVENTORY` query with a `CONTENT`; and
/// it must carry at least one usable [`Identifier`], since the CMDB could not
/// reconcile it otherwise.
pub fn parse(xml: &[u8], max_bytes: usize) -> Result<Inventory, InventoryError> {
    if xml.len() > max_bytes {
        return Err(InventoryError::TooLarge { limit: max_bytes });
    }
    let doc = reader::read(xml)?;
    match doc.query.as_deref().map(str::trim) {
        Some("INVENTORY") => {}
        Some(_) => return Err(InventoryError::NotAnInventory("QUERY is not INVENTORY")),
        None => return Err(InventoryError::NotAnInventory("no QUERY")),
    }
    if !doc.has_content {
        return Err(InventoryError::NotAnInventory("no CONTENT"));
    }
    let inventory = build::inventory(doc);
    if inventory.identifiers().is_empty() {
        return Err(InventoryError::NoIdentifier);
    }
    Ok(inventory)
}
