//! The chain head kept outside the database: after every commit that
//! appended audit entries, each new entry's id and hash is logged (target
//! `steward::audit`, field `chain_head`) and, when configured, the newest
//! is written to a file (`ID HASH`, replaced atomically). A superuser can
//! rewrite the database, triggers and head row included; these copies are
//! what `steward audit verify` compares it with.
//!
//! The publisher runs beside the writers on their thread, woken after a
//! batch with an append commits, so requests never wait for it; it reads
//! what is committed, so the file never names an entry rolled back.

use crate::Result;
use crate::audit_chain::{self, Link};
use sqlx::AnyPool;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::sync::Notify;

/// Entries logged per read: a burst is logged in pages.
const PAGE: i64 = 500;

/// Wakes the publisher and tells it to stop.
#[derive(Debug, Default)]
pub(crate) struct Signal {
    notify: Notify,
    stopping: AtomicBool,
    /// An append committed since the last pass: only then is there a head
    /// to publish (a process that wrote none, on a database perhaps not
    /// migrated yet, reads nothing when it stops).
    appended: AtomicBool,
}

impl Signal {
    /// Something was appended and committed.
    pub(crate) fn appended(&self) {
        self.appended.store(true, Ordering::SeqCst);
        self.notify.notify_one();
    }
    /// One last pass, then stop.
    pub(crate) fn stop(&self) {
        self.stopping.store(true, Ordering::SeqCst);
        self.notify.notify_one();
    }
}

/// Publishes the head until told to stop (see the module's comment).
pub(crate) async fn run(pool: AnyPool, file: Option<PathBuf>, signal: Arc<Signal>) {
    let mut last = match start(&pool, file.as_deref()).await {
        Ok(l) => l,
        Err(e) => {
            tracing::error!(target: "steward::audit", error = %e, "cannot read the audit chain head");
            None
        }
    };
    loop {
        signal.notify.notified().await;
        // Read before the pass: told to stop, every write has committed
        // before it, so this pass sees them all.
        let stopping = signal.stopping.load(Ordering::SeqCst);
        if !signal.appended.swap(false, Ordering::SeqCst) {
            if stopping {
                return;
            }
            continue;
        }
        match publish(&pool, file.as_deref(), last.clone()).await {
            Ok(Some(l)) => last = Some(l),
            Ok(None) => {}
            Err(e) => tracing::error!(target: "steward::audit", error = %e, "audit chain head not published"),
        }
        if stopping {
            return;
        }
    }
}

/// The head at start (none before migration 43), logged. A missing file is
/// written; an existing one is left as it is until the next append: if it
/// names an entry the database lacks or holds with another hash, it is
/// evidence of a truncated or rewritten log, kept for `steward audit
/// verify` and said in an error line.
async fn start(pool: &AnyPool, file: Option<&Path>) -> Result<Option<Link>> {
    let mut conn = pool.acquire().await?;
    let head = match audit_chain::head(&mut conn).await {
        Ok(h) => h,
        // Not migrated yet (`steward migrate` itself): nothing to publish.
        Err(_) => return Ok(None),
    };
    tracing::info!(target: "steward::audit", chain_head = %head, "audit chain head at start");
    let Some(path) = file else { return Ok(Some(head)) };
    match read_head_file(path) {
        Ok(None) => write_head_file(path, &head).await,
        Ok(Some(outside)) => {
            let held = audit_chain::hash_of(&mut conn, outside.id).await?;
            if outside.id > 0 && held.as_deref() != Some(outside.hash.as_str()) {
                tracing::error!(
                    target: "steward::audit",
                    file = %path.display(),
                    outside = %outside,
                    "the audit head file names an entry the database lacks or holds with another hash: \
                     entries were deleted or rewritten; run `steward audit verify`"
                );
            }
        }
        Err(e) => tracing::error!(target: "steward::audit", error = %e, "cannot read the audit head file"),
    }
    Ok(Some(head))
}

/// Logs every entry after `last` and writes the newest to the file.
async fn publish(pool: &AnyPool, file: Option<&Path>, last: Option<Link>) -> Result<Option<Link>> {
    let mut conn = pool.acquire().await?;
    let mut after = match last {
        Some(l) => l.id,
        None => audit_chain::head(&mut conn).await?.id.saturating_sub(1),
    };
    let mut newest = None;
    loop {
        let links = audit_chain::links_after(&mut conn, after, PAGE).await?;
        for l in &links {
            tracing::info!(target: "steward::audit", chain_head = %l, "audit chain head");
        }
        match links.last() {
            Some(l) => {
                after = l.id;
                newest = Some(l.clone());
            }
            None => break,
        }
    }
    if let (Some(path), Some(head)) = (file, &newest) {
        write_head_file(path, head).await;
    }
    Ok(newest)
}

/// Reads `ID HASH` from a head file; none when it does not exist.
pub fn read_head_file(path: &Path) -> std::result::Result<Option<Link>, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => parse_head(text.trim(), ' ').map(Some).map_err(|e| format!("{}: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

/// `ID<sep>HASH`: a positive id and 64 hex digits.
pub fn parse_head(text: &str, sep: char) -> std::result::Result<Link, String> {
    let (id, hash) = text.split_once(sep).ok_or_else(|| format!("expected ID{sep}HASH, got {text:?}"))?;
    let id: i64 = id.trim().parse().map_err(|_| format!("the id {id:?} is not a whole number"))?;
    let hash = hash.trim().to_ascii_lowercase();
    if id < 0 || hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("expected ID{sep}HASH with a SHA-256 in hex (64 digits), got {text:?}"));
    }
    Ok(Link { id, hash })
}

/// Replaces the file with `ID HASH\n`: a temporary file beside it, synced,
/// then renamed over it, so a reader sees the old head or the new one.
async fn write_head_file(path: &Path, head: &Link) {
    let (path, text) = (path.to_owned(), format!("{head}\n"));
    let written = tokio::task::spawn_blocking(move || replace_file(&path, text.as_bytes()).map_err(|e| (path, e)))
        .await
        .unwrap_or_else(|e| Err((PathBuf::new(), std::io::Error::other(e))));
    if let Err((path, e)) = written {
        tracing::error!(target: "steward::audit", file = %path.display(), error = %e, "cannot write the audit head file");
    }
}

fn replace_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".tmp");
    let tmp = path.with_file_name(name);
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(bytes)?;
    f.sync_data()?;
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heads_parse_and_bad_ones_say_why() {
        let h = "ab".repeat(32);
        assert_eq!(parse_head(&format!("12 {h}"), ' ').unwrap(), Link { id: 12, hash: h.clone() });
        assert_eq!(parse_head(&format!("12:{}", h.to_uppercase()), ':').unwrap().hash, h);
        assert!(parse_head("12", ':').unwrap_err().contains("expected ID:HASH"));
        assert!(parse_head(&format!("x:{h}"), ':').unwrap_err().contains("not a whole number"));
        assert!(parse_head("12:abc", ':').unwrap_err().contains("64 digits"));
    }

    #[test]
    fn the_file_is_replaced_whole() {
        let dir = std::env::temp_dir().join(format!("steward-head-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("head");
        replace_file(&path, b"1 x\n").unwrap();
        replace_file(&path, b"2 y\n").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "2 y\n");
        assert!(!dir.join("head.tmp").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
