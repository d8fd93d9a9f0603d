//! `steward backup` and `steward restore`: one gzipped tar archive holding
//! `manifest.json` first, then one file of rows per table
//! (`tables/<name>.jsonl`, one JSON array per row), in the order the tables
//! load (parents first). Attachments are rows too, so the archive holds
//! everything; the rows are backend-neutral, so an archive taken on SQLite
//! restores into PostgreSQL and back.

use crate::config::{Config, redact_url};
use anyhow::{Context, Result, anyhow, bail};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::Path;
use std::time::Instant;
use steward_store::dump::{self, TableDigest};

const FORMAT: &str = "steward-backup";
const FORMAT_VERSION: i64 = 1;
const MANIFEST: &str = "manifest.json";

#[derive(Debug, Serialize, Deserialize)]
struct Manifest {
    format: String,
    format_version: i64,
    /// The newest migration of the database it was taken from.
    schema_version: i64,
    created_at: String,
    steward_version: String,
    backend: String,
    tables: Vec<TableEntry>,
    /// The last number given to each kind of record.
    numbers: BTreeMap<String, i64>,
}

#[derive(Debug, Serialize, Deserialize)]
struct TableEntry {
    name: String,
    columns: Vec<String>,
    rows: u64,
    /// [`TableDigest`]: the sum of each row's SHA-256, whatever the order.
    sha256: String,
}

fn entry_name(table: &str) -> String {
    format!("tables/{table}.jsonl")
}

pub async fn backup(cfg: &Config, file: &Path) -> Result<()> {
    if file.exists() {
        bail!("{} already exists; choose a new file", file.display());
    }
    let dir = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => std::path::PathBuf::from("."),
    };
    let app = crate::database::open(cfg).await?;
    let work = tempfile::Builder::new()
        .prefix(".steward-backup-")
        .tempdir_in(&dir)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    let mut snap = app.store.snapshot().await?;
    let schema_version = snap.schema_version().await?;
    let tables = snap.tables().await?;
    let mut entries = Vec::with_capacity(tables.len());
    for (i, t) in tables.iter().enumerate() {
        let path = work.path().join(i.to_string());
        let mut out = BufWriter::new(std::fs::File::create(&path)?);
        let mut digest = TableDigest::default();
        snap.rows(t, |row| {
            let line = dump::encode_row(&row)?;
            digest.add(&line);
            writeln!(out, "{line}").map_err(|e| steward_store::StoreError::Dump(format!("writing {}: {e}", t.name)))
        })
        .await
        .with_context(|| format!("reading the table {}", t.name))?;
        out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        entries.push(TableEntry {
            name: t.name.clone(),
            columns: t.column_names(),
            rows: digest.rows,
            sha256: digest.hex(),
        });
    }
    let numbers = snap.numbers().await?.into_iter().collect();
    snap.end().await?;
    app.store.close().await;

    let manifest = Manifest {
        format: FORMAT.into(),
        format_version: FORMAT_VERSION,
        schema_version,
        created_at: jiff::Timestamp::now().to_string(),
        steward_version: env!("CARGO_PKG_VERSION").into(),
        backend: app.store.backend().name().into(),
        tables: entries,
        numbers,
    };
    // Written aside and renamed: FILE is a whole archive or nothing.
    let partial = tempfile::Builder::new().prefix(".steward-backup-").tempfile_in(&dir)?;
    {
        let gz = flate2::write::GzEncoder::new(BufWriter::new(partial.as_file()), flate2::Compression::fast());
        let mut tar = tar::Builder::new(gz);
        let json = serde_json::to_vec_pretty(&manifest)?;
        let mut header = tar::Header::new_gnu();
        header.set_size(json.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(jiff::Timestamp::now().as_second().max(0) as u64);
        tar.append_data(&mut header, MANIFEST, json.as_slice())?;
        for (i, t) in manifest.tables.iter().enumerate() {
            tar.append_path_with_name(work.path().join(i.to_string()), entry_name(&t.name))?;
        }
        let gz = tar.into_inner()?;
        gz.finish()?.flush()?;
    }
    partial.as_file().sync_all()?;
    partial.persist_noclobber(file).map_err(|e| anyhow!("writing {}: {}", file.display(), e.error))?;
    let rows: u64 = manifest.tables.iter().map(|t| t.rows).sum();
    println!(
        "backup written to {}: {} tables, {rows} rows, schema {}",
        file.display(),
        manifest.tables.len(),
        manifest.schema_version
    );
    Ok(())
}

type Entries<'a> = tar::Entries<'a, flate2::read::GzDecoder<std::fs::File>>;

fn damaged(file: &Path, e: impl std::fmt::Display) -> anyhow::Error {
    anyhow!("{} is truncated or damaged: {e}", file.display())
}

/// The archive's manifest, checked against this binary; its entries
/// follow.
fn open_archive(file: &Path) -> Result<tar::Archive<flate2::read::GzDecoder<std::fs::File>>> {
    let f = std::fs::File::open(file).with_context(|| format!("cannot open {}", file.display()))?;
    Ok(tar::Archive::new(flate2::read::GzDecoder::new(f)))
}

fn read_manifest(file: &Path, entries: &mut Entries) -> Result<Manifest> {
    let not_ours = || anyhow!("{} is not a steward backup (it has no {MANIFEST} first)", file.display());
    let mut first = entries.next().ok_or_else(not_ours)?.map_err(|_| not_ours())?;
    if first.path().map_err(|_| not_ours())?.to_string_lossy() != MANIFEST {
        return Err(not_ours());
    }
    let mut text = String::new();
    first.read_to_string(&mut text).map_err(|e| damaged(file, e))?;
    let m: Manifest = serde_json::from_str(&text).map_err(|e| anyhow!("{}: a bad {MANIFEST}: {e}", file.display()))?;
    if m.format != FORMAT {
        return Err(not_ours());
    }
    if m.format_version != FORMAT_VERSION {
        bail!(
            "{} is a backup of format {}, which this steward cannot read (it reads format {FORMAT_VERSION}): \
             restore it with the steward that wrote it ({}) or a newer one",
            file.display(),
            m.format_version,
            m.steward_version
        );
    }
    let latest = steward_store::migrate::SQLITE.last().map_or(0, |m| m.version);
    if m.schema_version > latest {
        bail!(
            "{} was taken at schema {}, newer than this steward (which knows schema {latest}): \
             restore it with steward {} or newer",
            file.display(),
            m.schema_version,
            m.steward_version
        );
    }
    Ok(m)
}

/// Each table's entry in turn: its rows as lines, handed to `each`.
async fn each_table<F>(file: &Path, m: &Manifest, mut each: F) -> Result<()>
where
    F: AsyncFnMut(&TableEntry, &mut dyn Iterator<Item = Result<String>>) -> Result<()>,
{
    let mut archive = open_archive(file)?;
    let mut entries = archive.entries().map_err(|e| damaged(file, e))?;
    read_manifest(file, &mut entries)?;
    for t in &m.tables {
        let entry = entries
            .next()
            .ok_or_else(|| damaged(file, format!("the rows of {} are missing", t.name)))?
            .map_err(|e| damaged(file, e))?;
        let path = entry.path().map_err(|e| damaged(file, e))?.to_string_lossy().into_owned();
        if path != entry_name(&t.name) {
            return Err(damaged(file, format!("{path} where the rows of {} were expected", t.name)));
        }
        let mut lines = BufReader::new(entry).lines().map(|l| l.map_err(|e| damaged(file, e)));
        each(t, &mut lines).await?;
    }
    Ok(())
}

pub async fn restore(cfg: &Config, file: &Path) -> Result<()> {
    let m = {
        let mut archive = open_archive(file)?;
        let mut entries = archive.entries().map_err(|e| damaged(file, e))?;
        read_manifest(file, &mut entries)?
    };
    let new_file = refuse_a_used_target(cfg).await?;
    let done = load(cfg, file, &m).await;
    if done.is_err() {
        // Nothing half restored stays behind.
        if let Some(f) = new_file {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", f.display()));
            }
        }
    }
    done?;
    let rows: u64 = m.tables.iter().map(|t| t.rows).sum();
    println!(
        "restored {} tables, {rows} rows (schema {}, taken {} on {}) into {}",
        m.tables.len(),
        m.schema_version,
        m.created_at,
        m.backend,
        redact_url(&cfg.database_url)
    );
    println!(
        "this copy sends no mail, calls no webhook, polls no mailbox and runs no timers until `{}`",
        crate::database::command_line(cfg, "workers resume")
    );
    Ok(())
}

/// Refuses a target that holds anything; the SQLite file this restore
/// will create, if any.
async fn refuse_a_used_target(cfg: &Config) -> Result<Option<std::path::PathBuf>> {
    if let Some(f) = steward_store::sqlite_file(&cfg.database_url) {
        if f.exists() {
            bail!(
                "{} already exists: restore into an empty data folder (or name a new file with --database-url)",
                f.display()
            );
        }
        return Ok(Some(f));
    }
    let store = crate::database::connect(cfg).await?;
    let blank = store.is_blank().await;
    store.close().await;
    if !blank? {
        bail!(
            "the database {} is not empty: restore into an empty database (e.g. one made with createdb)",
            redact_url(&cfg.database_url)
        );
    }
    Ok(None)
}

async fn load(cfg: &Config, file: &Path, m: &Manifest) -> Result<()> {
    let store = crate::database::connect(cfg).await?;
    let result = load_into(&store, file, m).await;
    store.close().await;
    result
}

async fn load_into(store: &steward_store::Store, file: &Path, m: &Manifest) -> Result<()> {
    let mut r = store.begin_restore(m.schema_version).await?;
    let here = r.tables().await?;
    let mut picked = Vec::with_capacity(m.tables.len());
    for t in &m.tables {
        let target = here.iter().find(|h| h.name == t.name).ok_or_else(|| {
            anyhow!("the archive has a table {} that schema {} here does not have", t.name, m.schema_version)
        })?;
        picked.push(target.pick(&t.columns)?);
    }
    let mut index = 0;
    each_table(file, m, async |t, lines| {
        let target = &picked[index];
        index += 1;
        let started = Instant::now();
        r.clear(target).await?;
        let (mut batch, mut bytes, mut digest) = (Vec::new(), 0, TableDigest::default());
        for line in lines {
            let line = line?;
            bytes += line.len();
            batch
                .push(dump::decode_row(&line, t.columns.len()).map_err(|e| damaged(file, format!("{}: {e}", t.name)))?);
            digest.add(&line);
            if batch.len() >= dump::BATCH_ROWS || bytes >= dump::BATCH_BYTES {
                r.insert(target, std::mem::take(&mut batch)).await?;
                bytes = 0;
            }
        }
        r.insert(target, batch).await?;
        // Checked as it comes in: a mismatch rolls the whole restore back.
        if digest.rows != t.rows || digest.hex() != t.sha256 {
            return Err(damaged(file, format!("the rows of {} do not match the manifest", t.name)));
        }
        tracing::info!(table = t.name, rows = t.rows, secs = started.elapsed().as_secs_f64(), "loaded");
        Ok(())
    })
    .await?;
    let started = Instant::now();
    for (t, target) in m.tables.iter().zip(&picked) {
        let d = r.digest(target).await?;
        if d.rows != t.rows || d.hex() != t.sha256 {
            bail!(
                "the table {} reads back differently from the archive ({} rows of {}): nothing was restored",
                t.name,
                d.rows,
                t.rows
            );
        }
    }
    tracing::info!(secs = started.elapsed().as_secs_f64(), "every table read back and compared");
    let held = format!("restored from a backup taken {}", m.created_at);
    let numbers: Vec<(String, i64)> = m.numbers.iter().map(|(k, v)| (k.clone(), *v)).collect();
    r.finish(&numbers, &[(steward_app::workers::HOLD_SETTING, held.as_str())]).await?;
    Ok(())
}
