//! Agent inventories: `fusioninventory-agent` (and GLPI's agent protocol)
//! first posts a PROLOG, answered with "send"; then the inventory itself,
//! which becomes a server or virtual machine CI reconciled by serial
//! number, UUID or hostname, with its software, disks and interfaces kept
//! beside it. One inventory is one transaction.

use super::upsert::{Batch, CiInput, Outcome};
use crate::error::Code;
use crate::{Actor, App, error::AppError};
use steward_channels::inventory::{self, InventoryError};

/// Largest inventory accepted, before and after decompression (a machine
/// with 5,000 packages sends about 3 MB of XML).
pub const MAX_BYTES: usize = 8 * 1024 * 1024;

/// What the agent is answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AgentReply {
    /// The PROLOG: "send your inventory".
    Prolog(String),
    /// The inventory was taken: the CI and what happened to it.
    Taken { xml: String, ci: i64, outcome: Outcome },
}

impl App {
    pub async fn ingest_inventory(
        &self,
        actor: &Actor,
        body: &[u8],
        content_type: Option<&str>,
    ) -> Result<AgentReply, AppError> {
        steward_domain::access::can_edit_cmdb(actor.role)?;
        let bad = |e: InventoryError| match e {
            InventoryError::TooLarge { limit } => AppError::TooLarge { what: "the inventory", max: limit },
            e => AppError::field("inventory", Code::BadFile.msg(e.to_string()).with("detail", e)),
        };
        let xml = inventory::decompress(body, content_type, MAX_BYTES).map_err(bad)?;
        let parsed = match inventory::parse(&xml, MAX_BYTES) {
            Ok(p) => p,
            Err(InventoryError::NotAnInventory(_)) if is_prolog(&xml) => {
                return Ok(AgentReply::Prolog(inventory::prolog_reply()));
            }
            Err(e) => return Err(bad(e)),
        };
        let (draft, details) = inventory::to_draft(&parsed);
        let details = serde_json::to_string(&details).map_err(|e| AppError::Internal(e.to_string()))?;
        let batch = Batch { items: vec![CiInput::from(draft)], relations: vec![] };
        // One item: its problems are the inventory's.
        let report = self
            .upsert_with_inventory(actor, batch, vec![Some(details)])
            .await
            .map_err(|e| e.unprefixed("items[0]."))?;
        let item = report.items.first().ok_or_else(|| AppError::Internal("no item written".into()))?;
        Ok(AgentReply::Taken { xml: inventory::inventory_reply(), ci: item.id, outcome: item.outcome })
    }
}

/// Whether a document that is no inventory is the agent's PROLOG.
fn is_prolog(xml: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&xml[..xml.len().min(4096)]);
    text.contains("<QUERY>PROLOG</QUERY>")
}
