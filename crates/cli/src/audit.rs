//! `steward audit verify`: the audit chain checked end to end against the
//! head row and a head kept outside the database (see
//! `steward_store::audit_verify` for what each tampering looks like).

use crate::config::Config;
use anyhow::{Result, bail};
use clap::Subcommand;
use std::path::PathBuf;
use std::process::ExitCode;
use steward_store::audit_head::{parse_head, read_head_file};
use steward_store::audit_verify::{OutsideHead, verify};

/// Exit code of a broken chain (1 is for "could not check").
const BROKEN: u8 = 2;

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Walk the whole audit chain, recompute every hash and compare its end
    /// with the head row and a head kept outside the database. Exits 0 when
    /// intact; 2 with the first break (an edited, inserted or deleted
    /// entry); 1 when it could not check.
    Verify {
        /// The head file a server writes (`audit.head_file`): the chain
        /// must end at the entry it names [default: audit.head_file, if set].
        #[arg(long, value_name = "FILE", conflicts_with = "head")]
        head_file: Option<PathBuf>,
        /// An id and hash from the log (`chain_head`): the chain must hold
        /// that entry with that hash, and may go on after it.
        #[arg(long, value_name = "ID:HASH")]
        head: Option<String>,
    },
}

pub async fn run(cfg: &Config, c: AuditCommand) -> Result<ExitCode> {
    let AuditCommand::Verify { head_file, head } = c;
    let outside = match (head, head_file.or_else(|| cfg.audit.head_file())) {
        (Some(h), _) => Some(OutsideHead {
            link: parse_head(&h, ':').map_err(|e| anyhow::anyhow!("--head: {e}"))?,
            source: "the head given".into(),
            newest: false,
        }),
        (None, Some(file)) => match read_head_file(&file).map_err(anyhow::Error::msg)? {
            Some(link) => Some(OutsideHead { link, source: format!("the head file {}", file.display()), newest: true }),
            None => bail!("the head file {} does not exist", file.display()),
        },
        (None, None) => None,
    };
    // This process appends nothing: it must not publish a head of its own.
    let mut cfg = cfg.clone();
    cfg.audit.head_file.clear();
    let app = crate::database::open(&cfg).await?;
    let verdict = verify(&app.store, outside.as_ref()).await;
    app.store.close().await;
    match verdict? {
        Ok(v) => {
            println!("audit log verified: {} entries, head {} {}", v.entries, v.head.id, v.head.hash);
            if outside.is_none() {
                eprintln!(
                    "note: no head kept outside the database was given (--head-file, --head or audit.head_file): \
                     a log rewritten together with its head row would pass"
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(broken) => {
            eprintln!("steward: audit log broken: {broken}");
            Ok(ExitCode::from(BROKEN))
        }
    }
}
