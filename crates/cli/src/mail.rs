//! `steward mail ingest`: one message on standard input, for a mail server
//! to pipe into (Postfix `pipe`, an `.forward`, fetchmail's `mda`).
//!
//! The exit status tells the mail server what to do: 0 taken (or ignored on
//! purpose), 67 (EX_NOUSER) an unknown sender, 65 (EX_DATAERR) a message
//! refused for its content, 75 (EX_TEMPFAIL) try again later (the database
//! could not be reached). A refusal's reason goes to standard error, which
//! the mail server puts in its bounce.

use crate::commands::open;
use crate::config::Config;
use anyhow::Result;
use clap::Subcommand;
use std::io::Read;
use std::process::ExitCode;
use steward_app::mail_in::MailOutcome;

#[derive(Subcommand)]
pub enum MailCommand {
    /// Read one message (RFC 5322) on standard input and take it in.
    Ingest,
}

pub async fn run(cfg: &Config, c: MailCommand) -> Result<ExitCode> {
    let MailCommand::Ingest = c;
    let app = match open(cfg).await {
        Ok(app) => app,
        Err(e) => {
            eprintln!("steward: {e:#}");
            return Ok(ExitCode::from(75));
        }
    };
    // A default group that does not exist is a configuration error: the
    // mail server keeps the message until it is fixed.
    if let Err(e) = app.check_mail_defaults().await {
        eprintln!("steward: {:#}", crate::commands::app_error(e));
        app.store.close().await;
        return Ok(ExitCode::from(75));
    }
    // One byte over the limit is enough to know it is too large.
    let limit = app.config.inbound.max_bytes as u64 + 1;
    let mut raw = Vec::new();
    std::io::stdin().lock().take(limit).read_to_end(&mut raw)?;
    let outcome = app.ingest_mail(&raw).await;
    app.store.close().await;
    Ok(match outcome {
        Ok(MailOutcome::Created(n)) => {
            println!("created {n}");
            ExitCode::SUCCESS
        }
        Ok(MailOutcome::Commented(n)) => {
            println!("commented on {n}");
            ExitCode::SUCCESS
        }
        Ok(MailOutcome::Decided(what)) => {
            println!("decided: {what}");
            ExitCode::SUCCESS
        }
        Ok(MailOutcome::Ignored(why)) => {
            println!("ignored: {why}");
            ExitCode::SUCCESS
        }
        Ok(MailOutcome::Duplicate(was)) => {
            println!("already taken in ({was})");
            ExitCode::SUCCESS
        }
        Ok(MailOutcome::Refused(why)) => {
            eprintln!("steward: refused: {why}");
            ExitCode::from(if why.starts_with("unknown sender") { 67 } else { 65 })
        }
        Err(e) => {
            eprintln!("steward: {e}");
            ExitCode::from(75)
        }
    })
}
