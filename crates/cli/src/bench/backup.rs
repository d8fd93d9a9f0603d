//! `steward bench backup`: `steward backup` and `steward restore` over a
//! large database (a million incidents with their journals, and 10,000
//! attachments of random bytes, which no compression shrinks), each run as
//! a child process of this binary the way an operator runs it. The restore
//! goes into a fresh database of the same backend; the copy's row counts
//! are then compared with the source's (the restore itself has already
//! compared every table's hash with the manifest).

use super::{Db, Target, bench_agent, database, fill, load_average, median, open_app};
use anyhow::{Context, Result, bail};
use clap::Args;
use std::{path::Path, time::Instant};
use steward_app::{App, incidents::number};
use steward_domain::number::RecordKind;

#[derive(Args)]
pub struct BackupArgs {
    #[command(flatten)]
    target: Target,
    #[arg(long, default_value_t = 1_000_000)]
    incidents: usize,
    #[arg(long, default_value_t = 10_000)]
    attachments: usize,
    /// Size of each attachment in KiB.
    #[arg(long, default_value_t = 100)]
    attachment_kib: usize,
    /// Runs of backup then restore; medians are reported.
    #[arg(long, default_value_t = 1)]
    runs: usize,
}

/// Distinct bytes for attachment `i` (stored once per content hash, so
/// each must differ), from splitmix64.
fn random_bytes(i: usize, len: usize) -> Vec<u8> {
    let mut state = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        out.extend_from_slice(&(z ^ (z >> 31)).to_le_bytes());
    }
    out.truncate(len);
    out
}

async fn count(app: &App, table: &'static str) -> Result<i64> {
    app.store.count_rows(table).await.with_context(|| format!("counting {table}"))
}

/// Tops the attachments up to `want`, spread evenly over the incidents.
async fn attach(app: &App, want: usize, kib: usize, incidents: usize) -> Result<()> {
    let have = count(app, "attachment_blobs").await? as usize;
    if have >= want {
        return Ok(());
    }
    let token = bench_agent(app).await?;
    let actor = app.token_actor(&token).await.map_err(crate::commands::app_error)?;
    let step = (incidents / want.max(1)).max(1);
    let started = Instant::now();
    for i in have..want {
        let number = number((i * step % incidents.max(1) + 1) as i64);
        let name = format!("capture-{i}.bin");
        app.add_attachment(
            &actor,
            RecordKind::Incident,
            &number,
            &name,
            "application/octet-stream",
            random_bytes(i, kib * 1024),
        )
        .await
        .map_err(crate::commands::app_error)
        .with_context(|| format!("attaching {name} to {number}"))?;
    }
    println!("attached {} files of {kib} KiB in {:.1} s", want - have, started.elapsed().as_secs_f64());
    Ok(())
}

/// Runs this binary's `args` against `db` (data folder `data`); its time.
async fn run_steward(db_url: &str, data: &Path, args: &[&std::ffi::OsStr]) -> Result<f64> {
    let started = Instant::now();
    let out = tokio::process::Command::new(std::env::current_exe()?)
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("STEWARD_DATABASE_URL", db_url)
        .env("STEWARD_DATA_DIR", data)
        .env("STEWARD_LOG_LEVEL", "warn")
        .output()
        .await?;
    let secs = started.elapsed().as_secs_f64();
    if !out.status.success() {
        bail!("steward {:?} failed: {}", args, String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(secs)
}

pub async fn backup(a: BackupArgs) -> Result<()> {
    if a.runs == 0 || a.incidents == 0 || a.attachment_kib == 0 {
        bail!("--runs, --incidents and --attachment-kib must be positive");
    }
    let source = database(&a.target, Some("steward_bench_backup")).await?;
    let work = tempfile::Builder::new().prefix("steward-bench-backup").tempdir_in(".")?;
    let app = open_app(&source, work.path().join("source")).await?;
    fill(&app, a.incidents).await?;
    attach(&app, a.attachments, a.attachment_kib, a.incidents).await?;
    let tables = ["records", "journal", "attachment_blobs", "attachment_chunks"];
    let mut want = Vec::new();
    for t in tables {
        want.push(count(&app, t).await?);
    }
    app.store.close().await;
    let (mut backups, mut restores) = (Vec::new(), Vec::new());
    for run in 1..=a.runs {
        let file = work.path().join(format!("run{run}.tar.gz"));
        let b = run_steward(&source.url, &work.path().join("source"), &["backup".as_ref(), file.as_os_str()]).await?;
        let size = std::fs::metadata(&file)?.len();
        let fresh = Target { pg: a.target.pg.clone(), keep: None, ..a.target };
        let copy: Db = database(&fresh, None).await?;
        let data = work.path().join(format!("copy{run}"));
        std::fs::create_dir_all(&data)?;
        let r = run_steward(&copy.url, &data, &["restore".as_ref(), file.as_os_str()]).await?;
        let restored = open_app(&copy, data.clone()).await?;
        for (t, n) in tables.iter().zip(&want) {
            let got = count(&restored, t).await?;
            if got != *n {
                bail!("the restored {t} holds {got} rows, the source {n}");
            }
        }
        restored.store.close().await;
        copy.discard().await?;
        std::fs::remove_file(&file)?;
        println!(
            "backup run {run}: backup {b:.1} s ({:.0} MiB archive), restore {r:.1} s, {} records, {} journal \
             entries, {} attachments, counts equal (load average {})",
            size as f64 / 1048576.0,
            want[0],
            want[1],
            want[2],
            load_average()
        );
        backups.push(b);
        restores.push(r);
    }
    println!(
        "backup ({}, {} records, {} attachments of {} KiB, median of {}): backup {:.1} s, restore {:.1} s \
         (goal <= {} s each) (load average {})",
        source.backend.name(),
        want[0],
        want[2],
        a.attachment_kib,
        a.runs,
        median(backups),
        median(restores),
        if a.target.pg.is_some() { 300 } else { 120 },
        load_average()
    );
    Ok(())
}
