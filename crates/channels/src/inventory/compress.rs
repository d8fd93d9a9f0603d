//! The agent's transport encoding. `fusioninventory-agent` compresses the
//! XML it POSTs with zlib (`Content-Type: application/x-compress-zlib`), with
//! gzip when Perl's zlib module is missing (`application/x-compress-gzip`),
//! or sends it plain (`application/xml`). Replies need no compression: the
//! agent also accepts plain XML back.
//!
//! Decompression is bounded: a small body that expands to gigabytes (a
//! "zip bomb") stops at `max_bytes` with [`InventoryError::TooLarge`].

use std::io::Read;

use flate2::read::{GzDecoder, ZlibDecoder};

use super::InventoryError;

/// The XML inside an agent's request body, decoded according to its
/// `Content-Type` (`None` when the request had none: taken as plain XML).
///
/// Errors: `TooLarge` when the body or its expansion exceeds `max_bytes`;
/// `Malformed` when the compressed stream is corrupt or cut short;
/// `NotAnInventory` for a content type no agent sends.
pub fn decompress(body: &[u8], content_type: Option<&str>, max_bytes: usize) -> Result<Vec<u8>, InventoryError> {
    if body.len() > max_bytes {
        return Err(InventoryError::TooLarge { limit: max_bytes });
    }
    let essence = content_type.and_then(|ct| ct.split(';').next()).map(|s| s.trim().to_ascii_lowercase());
    match essence.as_deref() {
        Some("application/x-compress-zlib" | "application/x-compress") => bounded(ZlibDecoder::new(body), max_bytes),
        Some("application/x-compress-gzip" | "application/gzip" | "application/x-gzip") => {
            bounded(GzDecoder::new(body), max_bytes)
        }
        None | Some("" | "application/xml" | "text/xml" | "text/plain") => Ok(body.to_vec()),
        Some(_) => Err(InventoryError::NotAnInventory("unsupported Content-Type for an inventory")),
    }
}

/// Reads at most `max_bytes` from the decoder, refusing any more.
fn bounded(decoder: impl Read, max_bytes: usize) -> Result<Vec<u8>, InventoryError> {
    let mut out = Vec::new();
    let limit = u64::try_from(max_bytes).unwrap_or(u64::MAX).saturating_add(1);
    decoder
        .take(limit)
        .read_to_end(&mut out)
        .map_err(|e| InventoryError::Malformed(format!("cannot decompress the body: {e}")))?;
    if out.len() > max_bytes {
        return Err(InventoryError::TooLarge { limit: max_bytes });
    }
    Ok(out)
}
