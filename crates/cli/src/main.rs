//! The `steward` binary: a thin shell over the library crates.

mod archive;
mod audit;
mod bench;
mod calendar;
mod cmdb;
mod commands;
mod config;
mod database;
mod mail;

use anyhow::Result;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// Steward: IT service management in one binary.
#[derive(Parser)]
#[command(name = "steward", version, about, long_about = None)]
struct Cli {
    /// A TOML configuration file (see `steward config example`).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Address to listen on, e.g. 127.0.0.1:8080 [env: STEWARD_LISTEN].
    #[arg(long, global = true, value_name = "ADDR")]
    listen: Option<String>,
    /// sqlite://PATH or postgres://… [env: STEWARD_DATABASE_URL] [default: steward.db in the data folder].
    #[arg(long, global = true, value_name = "URL")]
    database_url: Option<String>,
    /// Folder for the default database (DIR/steward.db) [env: STEWARD_DATA_DIR] [default: ./steward-data].
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (creates and migrates the database first).
    Serve {
        /// Run no background work on this node: no mail out or in, no
        /// webhooks, no SLA timers or escalations, no checks (until it is
        /// restarted without this flag). Requests are served as usual.
        #[arg(long)]
        no_workers: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage users.
    #[command(subcommand)]
    User(commands::UserCommand),
    /// Assignment groups and their members.
    #[command(subcommand)]
    Group(commands::GroupCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(commands::TokenCommand),
    /// Create a data folder with realistic demo content and serve it.
    Demo(commands::DemoArgs),
    /// Write one archive with every table and attachment, consistent while
    /// the server runs (restore it with `steward restore`).
    Backup {
        /// Where to write the archive (a new file; a .tar.gz).
        file: PathBuf,
    },
    /// Bring a backup back into an empty data folder (SQLite) or an empty
    /// database (PostgreSQL), from either backend. The copy's background
    /// work (mail, webhooks, mailbox polling, timers, checks) stays held
    /// until `steward workers resume`.
    Restore {
        /// The archive `steward backup` wrote.
        file: PathBuf,
    },
    /// The tamper-evident audit log: check its hash chain.
    #[command(subcommand)]
    Audit(audit::AuditCommand),
    /// Hold or resume the background work of every node on this database.
    #[command(subcommand)]
    Workers(commands::WorkersCommand),
    /// Business calendars: list, add a holiday preset, import an iCalendar file.
    #[command(subcommand)]
    Calendar(calendar::CalendarCommand),
    /// The CMDB: import CIs and relations from a CSV file.
    #[command(subcommand)]
    Cmdb(cmdb::CmdbCommand),
    /// Mail in: take a message from a mail server's pipe.
    #[command(subcommand)]
    Mail(mail::MailCommand),
    /// Configuration helpers.
    #[command(subcommand)]
    Config(commands::ConfigCommand),
    /// The measures behind dashboards, reports and the reporting API.
    #[command(subcommand)]
    Reports(commands::ReportsCommand),
    /// Measure Steward on this machine (see README, "Benchmarks").
    #[command(subcommand)]
    Bench(bench::BenchCommand),
}

/// mimalloc in place of glibc's malloc: the alert intake allocates and
/// frees many small strings across threads, where glibc's arenas spent a
/// tenth of the CPU (consolidating and unlinking chunks).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    steward_channels::ensure_crypto_provider();
    let cli = Cli::parse();
    let overrides = config::Overrides {
        config: cli.config,
        listen: cli.listen,
        database_url: cli.database_url,
        data_dir: cli.data_dir,
    };
    let result = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(anyhow::Error::from)
        .and_then(|rt| rt.block_on(run(cli.command, overrides)));
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("steward: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, o: config::Overrides) -> Result<std::process::ExitCode> {
    if let Command::Config(c) = &command {
        return commands::config(c).map(|()| std::process::ExitCode::SUCCESS);
    }
    let cfg = match config::Config::load(&o) {
        Ok(cfg) => cfg,
        // A mail server keeps the message and retries on 75 (EX_TEMPFAIL):
        // nothing is lost while the configuration is being fixed.
        Err(e) if matches!(command, Command::Mail(_)) => {
            eprintln!("steward: {e:#}");
            return Ok(std::process::ExitCode::from(75));
        }
        Err(e) => return Err(e),
    };
    cfg.install_numbers()?;
    commands::init_logging(&cfg, matches!(command, Command::Mail(_)))?;
    let done = match command {
        Command::Mail(c) => return mail::run(&cfg, c).await,
        Command::Cmdb(c) => return cmdb::run(&cfg, c).await,
        Command::Audit(c) => return audit::run(&cfg, c).await,
        Command::Serve { no_workers } => commands::serve(&cfg, no_workers).await,
        Command::Migrate => commands::migrate(&cfg).await,
        Command::User(c) => commands::user(&cfg, c).await,
        Command::Group(c) => commands::group(&cfg, c).await,
        Command::Token(c) => commands::token(&cfg, c).await,
        Command::Demo(a) => commands::demo(cfg, o, a).await,
        Command::Backup { file } => archive::backup(&cfg, &file).await,
        Command::Restore { file } => archive::restore(&cfg, &file).await,
        Command::Workers(c) => commands::workers(&cfg, c).await,
        Command::Calendar(c) => calendar::run(&cfg, c).await,
        Command::Reports(c) => commands::reports(&cfg, c).await,
        Command::Bench(b) => bench::run(&cfg, b).await,
        Command::Config(_) => Ok(()),
    };
    done.map(|()| std::process::ExitCode::SUCCESS)
}
