//! The CI page's agent inventory: what the last agent run said beyond the
//! CI's attributes (model, operating system, disks, network interfaces,
//! software). Read from the JSON the app keeps beside the CI; the shape is
//! `steward_channels::inventory::InventoryDetails`, read leniently here.

use super::{
    Ctx,
    cmdb_ci::Data,
    cmdb_texts::{CmdbMsg, CmdbPlural},
};
use crate::i18n::{self, Msg};
use maud::{Markup, html};
use serde::Deserialize;

#[derive(Deserialize, Default)]
#[serde(default)]
struct Details {
    manufacturer: Option<String>,
    model: Option<String>,
    os: Os,
    disks: Vec<Disk>,
    networks: Vec<Nic>,
    software: Vec<Software>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Os {
    name: Option<String>,
    version: Option<String>,
    full_name: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Disk {
    volume: Option<String>,
    mount: Option<String>,
    letter: Option<String>,
    filesystem: Option<String>,
    total_mb: Option<u64>,
    free_mb: Option<u64>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Nic {
    name: Option<String>,
    mac: Option<String>,
    ipv4: Vec<String>,
    ipv6: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Software {
    name: String,
    version: Option<String>,
    publisher: Option<String>,
}

fn mb(v: Option<u64>) -> String {
    v.map(|m| i18n::size(m * 1024 * 1024)).unwrap_or_default()
}

fn or<'a>(v: &'a Option<String>, empty: &'a str) -> &'a str {
    v.as_deref().unwrap_or(empty)
}

pub fn section(ctx: &Ctx, d: &Data) -> Markup {
    let Some(details) = d.inventory.as_deref().and_then(|j| serde_json::from_str::<Details>(j).ok()) else {
        return html! {};
    };
    let e = ctx.t(Msg::Empty);
    let os = details.os.full_name.clone().or_else(|| {
        let parts: Vec<&str> =
            [&details.os.name, &details.os.version].into_iter().flatten().map(String::as_str).collect();
        (!parts.is_empty()).then(|| parts.join(" "))
    });
    let model: Vec<&str> = [&details.manufacturer, &details.model].into_iter().flatten().map(String::as_str).collect();
    html! {
        section.panel #ci-inventory aria-labelledby="inventory-title" {
            h2 #inventory-title { (ctx.t(CmdbMsg::InventoryTitle)) }
            dl.details {
                @if !model.is_empty() { dt { (ctx.t(CmdbMsg::Model)) } dd { (model.join(" ")) } }
                @if let Some(os) = &os { dt { (ctx.t(CmdbMsg::OperatingSystem)) } dd { (os) } }
            }
            @if !details.disks.is_empty() {
                h3 { (ctx.t(CmdbMsg::Disks)) }
                div.table-wrap { table.incidents #inventory-disks {
                    thead { tr {
                        th scope="col" { (ctx.t(CmdbMsg::Volume)) }
                        th scope="col" { (ctx.t(CmdbMsg::MountPoint)) }
                        th scope="col" { (ctx.t(CmdbMsg::FileSystem)) }
                        th scope="col" { (ctx.t(CmdbMsg::DiskSize)) }
                        th scope="col" { (ctx.t(CmdbMsg::DiskFree)) }
                    } }
                    tbody { @for k in &details.disks { tr {
                        td { (or(&k.volume, e)) }
                        td { (k.letter.as_deref().or(k.mount.as_deref()).unwrap_or(e)) }
                        td { (or(&k.filesystem, e)) }
                        td.num { (mb(k.total_mb)) }
                        td.num { (mb(k.free_mb)) }
                    } } }
                } }
            }
            @if !details.networks.is_empty() {
                h3 { (ctx.t(CmdbMsg::Interfaces)) }
                div.table-wrap { table.incidents #inventory-nics {
                    thead { tr {
                        th scope="col" { (ctx.t(Msg::Name)) }
                        th scope="col" { (ctx.t(CmdbMsg::MacAddress)) }
                        th scope="col" { (ctx.t(CmdbMsg::IpAddresses)) }
                    } }
                    tbody { @for n in &details.networks { tr {
                        td { (or(&n.name, e)) }
                        td.num { (or(&n.mac, e)) }
                        td { (n.ipv4.iter().chain(&n.ipv6).cloned().collect::<Vec<_>>().join(", ")) }
                    } } }
                } }
            }
            @if !details.software.is_empty() {
                details.software #inventory-software {
                    summary { (ctx.t(CmdbMsg::Software)) " " span.count { (i18n::tn(ctx.lang, CmdbPlural::Programs, details.software.len() as u64)) } }
                    div.table-wrap { table.incidents {
                        thead { tr {
                            th scope="col" { (ctx.t(Msg::Name)) }
                            th scope="col" { (ctx.t(CmdbMsg::Version)) }
                            th scope="col" { (ctx.t(CmdbMsg::Publisher)) }
                        } }
                        tbody { @for p in &details.software { tr {
                            td { (p.name) } td { (or(&p.version, e)) } td { (or(&p.publisher, e)) }
                        } } }
                    } }
                }
            }
        }
    }
}
