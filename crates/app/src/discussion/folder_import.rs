//! Files that releases before 0.2 kept in the data folder
//! (`attachments/xx/<sha256>`) are imported into the database at start, so
//! an upgraded install loses none. Idempotent: a file already kept is
//! skipped, and one whose bytes do not match its name is left and reported.

use crate::{App, error::AppError};
use sha2::{Digest, Sha256};
use std::{path::Path, sync::Arc};
use steward_store::{StoreError, blobs};

/// What an import found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FolderImport {
    /// Files written into the database now.
    pub imported: usize,
    /// Files the database held already.
    pub present: usize,
    /// Files whose bytes do not hash to their name (left where they are).
    pub mismatched: usize,
}

impl App {
    /// Imports `DATA_DIR/attachments` into the database (see the module).
    pub async fn import_attachment_folder(&self) -> Result<FolderImport, AppError> {
        let root = self.config.data_dir.join("attachments");
        let mut done = FolderImport::default();
        for path in files_under(&root)? {
            let Some(sha) = path.file_name().and_then(|n| n.to_str()).filter(|n| is_sha256(n)) else {
                continue;
            };
            let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
            if blobs::chunks(&mut conn, sha).await?.is_some() {
                done.present += 1;
                continue;
            }
            drop(conn);
            let bytes = tokio::fs::read(&path).await.map_err(|e| io(&path, e))?;
            if hex::encode(Sha256::digest(&bytes)) != sha {
                tracing::warn!(file = %path.display(), "an attachment's bytes do not match its name: not imported");
                done.mismatched += 1;
                continue;
            }
            self.keep_blob(sha.to_owned(), Arc::new(bytes)).await?;
            done.imported += 1;
        }
        if done.imported > 0 {
            tracing::info!(files = done.imported, from = %root.display(), "attachments imported into the database");
        }
        Ok(done)
    }
}

fn io(path: &Path, e: std::io::Error) -> AppError {
    AppError::Internal(format!("reading {}: {e}", path.display()))
}

fn is_sha256(name: &str) -> bool {
    name.len() == 64 && name.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The files one level of folders below `root` (none when it is missing).
fn files_under(root: &Path) -> Result<Vec<std::path::PathBuf>, AppError> {
    let mut out = Vec::new();
    let dirs = match std::fs::read_dir(root) {
        Ok(d) => d,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(io(root, e)),
    };
    for dir in dirs {
        let dir = dir.map_err(|e| io(root, e))?.path();
        if !dir.is_dir() {
            continue;
        }
        for f in std::fs::read_dir(&dir).map_err(|e| io(&dir, e))? {
            let f = f.map_err(|e| io(&dir, e))?.path();
            if f.is_file() {
                out.push(f);
            }
        }
    }
    out.sort();
    Ok(out)
}
