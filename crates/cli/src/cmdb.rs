//! `steward cmdb import`: a CSV file into the CMDB from the command line,
//! as the API and the import page take it (the same mapping, dry run and
//! all-or-nothing real run), acting as the operator.

use crate::commands::{app_error, open};
use crate::config::Config;
use anyhow::{Context, Result};
use clap::Subcommand;
use std::path::PathBuf;
use std::process::ExitCode;
use steward_app::{Actor, AppError, cmdb::import::ImportReport};

#[derive(Subcommand)]
pub enum CmdbCommand {
    /// Import CIs (and their relations) from a CSV file; see README, "CMDB".
    Import {
        /// The CSV file (UTF-8; Excel's "CSV UTF-8").
        file: PathBuf,
        /// The column mapping: a JSON file, or the JSON itself; without it
        /// the headers name the fields, as in an export.
        #[arg(long, value_name = "FILE|JSON")]
        mapping: Option<String>,
        /// Say row by row what would happen, and write nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

pub async fn run(cfg: &Config, c: CmdbCommand) -> Result<ExitCode> {
    let CmdbCommand::Import { file, mapping, dry_run } = c;
    let bytes = std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
    let mapping = match mapping {
        Some(m) if m.trim_start().starts_with('{') => Some(m),
        Some(path) => Some(std::fs::read_to_string(&path).with_context(|| format!("cannot read the mapping {path}"))?),
        None => None,
    };
    let app = open(cfg).await?;
    let me = Actor::operator();
    let result = match app.import_csv(&me, &bytes, mapping.as_deref(), dry_run).await {
        Ok(r) => Ok((r, false)),
        // A refused run: the dry run's report says which rows and why.
        Err(AppError::Invalid(errs)) if !dry_run && errs.iter().all(|e| e.field.starts_with("rows[")) => {
            app.import_csv(&me, &bytes, mapping.as_deref(), true).await.map(|r| (r, true))
        }
        Err(e) => Err(e),
    };
    app.store.close().await;
    let (report, refused) = result.map_err(app_error)?;
    print(&report, refused);
    Ok(if report.rejected > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

fn print(r: &ImportReport, refused: bool) {
    for row in &r.rows {
        let id = row.id.map(|id| format!(" (CI {id})")).unwrap_or_default();
        println!("line {}\t{}\t{}{id}", row.line, row.outcome, row.name);
        for p in &row.problems {
            println!("\t{}: {}", p.field, p.message);
        }
    }
    let (create, update) = if r.dry_run { ("to create", "to update") } else { ("created", "updated") };
    let rel = if r.dry_run { "relations in the file" } else { "relations added" };
    println!(
        "{} {create}, {} {update}, {} unchanged, {} rejected; {} {rel}",
        r.created, r.updated, r.unchanged, r.rejected, r.relations
    );
    if refused {
        println!("nothing was imported: fix the rejected rows (or leave them out) and run again");
    } else if r.dry_run {
        println!("dry run: nothing was written");
    }
}
