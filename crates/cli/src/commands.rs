//! The subcommands other than `bench`.

use crate::config::{self, Config, redact_url};
use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use std::io::BufRead;
use steward_app::{App, accounts::NewUser};

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create a user.
    Add {
        /// The sign-in name.
        name: String,
        /// requester, agent, manager or admin.
        #[arg(long)]
        role: String,
        /// An assignment group to join (repeatable; the group must exist).
        #[arg(long = "group", value_name = "G")]
        groups: Vec<String>,
        #[arg(long)]
        display_name: Option<String>,
        #[arg(long)]
        email: Option<String>,
        /// The user's organisation (created if new).
        #[arg(long)]
        organisation: Option<String>,
        /// The user's language, en or pl [default: their browser's, else site.language].
        #[arg(long, value_name = "LANG")]
        language: Option<String>,
        /// The user's time zone, an IANA name such as Europe/Warsaw [default: their browser's, else site.time_zone].
        #[arg(long, value_name = "ZONE")]
        time_zone: Option<String>,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List users: role, active or deactivated, e-mail and groups.
    List,
    /// Set a user's password, read from the first line of standard input;
    /// ends the user's sessions (also on running servers, within a second).
    Passwd { name: String },
    /// A leaver: stop them signing in, end their sessions, revoke their API
    /// tokens and take them out of their groups (the audit log keeps which).
    Deactivate { name: String },
    /// Let a deactivated user sign in again (their old tokens stay revoked
    /// and their groups are not given back).
    Reactivate { name: String },
    /// Turn off a user's two-step sign-in, for one who lost both their
    /// authenticator app and their recovery codes: they sign in with their
    /// password alone and may set it up again.
    ResetTwoFactor { name: String },
}

#[derive(Subcommand)]
pub enum GroupCommand {
    /// List assignment groups with how many members each has.
    List,
    /// Create an assignment group.
    Add {
        name: String,
        #[arg(long, default_value = "")]
        description: String,
    },
    /// List a group's members.
    Members { group: String },
    /// Add a user to a group.
    AddMember { group: String, user: String },
    /// Take a user out of a group.
    RemoveMember { group: String, user: String },
}

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Create an API token for the user NAME and print it once.
    Create {
        /// The user the token acts as.
        name: String,
        /// A label to recognise the token by.
        #[arg(long, default_value = "cli")]
        label: String,
        /// `all`: the whole API as the user; `alerts`: only sending alerts
        /// (the /api/v2 alert API and the alert webhooks), for Prometheus,
        /// amtool and monitoring tools.
        #[arg(long, default_value = "all", value_parser = ["all", "alerts"])]
        scope: String,
    },
}

#[derive(Subcommand)]
pub enum ReportsCommand {
    /// Recompute the measures' daily totals from every record (after a
    /// restore, or to check them); safe while the server runs, whose worker
    /// then counts what changed meanwhile.
    Rebuild,
}

#[derive(Subcommand)]
pub enum WorkersCommand {
    /// Let every node on this database run its background work again
    /// (mail, webhooks, mailbox polling, timers, checks): a restored copy
    /// holds it until told so. Running nodes start within seconds.
    Resume,
    /// Hold background work (as a restore does) until `steward workers
    /// resume`: nodes started from now on wait; one already running keeps
    /// its work going until it is restarted.
    Hold,
    /// Say whether background work is held, and why.
    Status,
}

pub async fn workers(cfg: &Config, c: WorkersCommand) -> Result<()> {
    let app = open(cfg).await?;
    let said = match c {
        WorkersCommand::Resume => match app.hold_workers(None).await.map_err(app_error)? {
            true => "background work resumed".to_owned(),
            false => "background work was not held".to_owned(),
        },
        WorkersCommand::Hold => {
            app.hold_workers(Some("held with `steward workers hold`".into())).await.map_err(app_error)?;
            "background work is held until `steward workers resume`".to_owned()
        }
        WorkersCommand::Status => match app.workers_held().await.map_err(app_error)? {
            Some(reason) => format!("held: {reason}"),
            None => "running".to_owned(),
        },
    };
    println!("{said}");
    app.store.close().await;
    Ok(())
}

#[derive(Subcommand)]
pub enum ConfigCommand {
    /// Print a commented configuration file with the defaults.
    Example,
}

#[derive(Args)]
pub struct DemoArgs {
    /// How many incidents to create.
    #[arg(long, default_value_t = 5000)]
    pub incidents: usize,
    /// Create the content and exit without serving.
    #[arg(long)]
    pub no_serve: bool,
}

pub fn config(c: &ConfigCommand) -> Result<()> {
    match c {
        ConfigCommand::Example => print!("{}", config::example()),
    }
    Ok(())
}

/// Logs go to standard error, never to a command's output. `quiet` (for
/// `mail ingest`, whose standard error is the text of a bounce) logs only
/// errors unless `RUST_LOG` asks for more.
pub fn init_logging(cfg: &Config, quiet: bool) -> Result<()> {
    let level = if quiet { "error" } else { cfg.log.level.as_str() };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .or_else(|_| tracing_subscriber::EnvFilter::try_new(level))?;
    let colour = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_ansi(colour).with_writer(std::io::stderr);
    let result = if cfg.log.format == "json" { builder.json().try_init() } else { builder.try_init() };
    result.map_err(|e| anyhow::anyhow!("logging: {e}"))
}

pub(crate) use crate::database::open;

pub async fn serve(cfg: &Config, no_workers: bool) -> Result<()> {
    // The lock first: a second server on the same file stops here, before
    // it touches the database or the port.
    let _lock = crate::database::ServeLock::take(cfg)?;
    let listener = tokio::net::TcpListener::bind(cfg.listen_addr()?)
        .await
        .with_context(|| format!("cannot listen on {}", cfg.listen))?;
    let metrics_listener = match cfg.metrics.listen()? {
        Some(at) => Some(
            tokio::net::TcpListener::bind(at)
                .await
                .with_context(|| format!("metrics.listen: cannot listen on {at}"))?,
        ),
        None => None,
    };
    let app = crate::database::open_migrated(cfg).await?;
    app.check_mail_defaults().await.map_err(app_error)?;
    log_settings(cfg);
    for d in app.compare_node_config(&cfg.shared_settings()).await.map_err(app_error)? {
        tracing::warn!(
            key = %d.key, here = %d.here, last_node = %d.there,
            "this node runs with a setting unlike the last node started on this database: \
             every node should share it (or restart the others with the new value)"
        );
    }
    if app.store.autovacuum_off().await? {
        tracing::warn!(
            "PostgreSQL runs with autovacuum off: nothing keeps the planner's statistics current, and lists \
             slow down as tables grow; turn it on, or run VACUUM (ANALYZE) regularly"
        );
    }
    if !app.list_users(None).await.map_err(app_error)?.iter().any(|u| u.role == "admin" && u.active != 0) {
        println!(
            "There is no admin user yet. Create one with:\n  {} --role admin --password-stdin",
            crate::database::command_line(cfg, "user add NAME")
        );
    }
    tracing::info!(address = %listener.local_addr()?, database = %redact_url(&cfg.database_url), "steward is serving");
    let state = steward_web::AppState::new(app, steward_web::WebConfig { no_workers, ..cfg.web_config()? });
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let metrics = metrics_listener.map(|l| {
        tracing::info!(address = %l.local_addr().map(|a| a.to_string()).unwrap_or_default(), "serving /metrics");
        let mut stopped = stopped.clone();
        tokio::spawn(steward_web::serve_metrics(state.clone(), l, async move {
            let _ = stopped.wait_for(|s| *s).await;
        }))
    });
    let draining = state.clone();
    let stop_serving = async move { steward_web::drain(&draining, shutdown_signal(), shutdown_signal()).await };
    let result = steward_web::serve(state, listener, stop_serving).await;
    let _ = stop.send(true);
    if let Some(m) = metrics {
        let _ = m.await;
    }
    result?;
    tracing::info!("stopped");
    Ok(())
}

/// The settings that decide where mail goes and what links say, as in
/// effect, secrets left out: the first thing to check when mail does not
/// arrive.
fn log_settings(cfg: &Config) {
    let m = &cfg.mail;
    let set = |s: &str| if s.is_empty() { "(none)" } else { "(set)" };
    let or_none = |s: &str| if s.trim().is_empty() { "(none)".to_owned() } else { s.trim().to_owned() };
    tracing::info!(
        public_url = %or_none(&cfg.public_url),
        links = %cfg.base_url(),
        "public address"
    );
    if m.smtp_host.trim().is_empty() {
        tracing::info!("mail out: off (no mail.smtp_host); notifications wait in the outbox");
    } else {
        tracing::info!(
            smtp_host = %m.smtp_host.trim(),
            smtp_port = m.smtp_port,
            smtp_tls = %m.smtp_tls,
            smtp_username = %or_none(&m.smtp_username),
            smtp_password = %set(&m.smtp_password),
            from = %m.from.trim(),
            "mail out"
        );
    }
    let i = &cfg.inbound;
    if i.imap_host.trim().is_empty() {
        tracing::info!(
            "mail in: IMAP polling off (no inbound.imap_host); `steward mail ingest` still takes piped mail"
        );
    } else {
        tracing::info!(
            imap_host = %i.imap_host.trim(),
            imap_port = i.imap_port,
            imap_tls = %i.imap_tls,
            imap_username = %or_none(&i.imap_username),
            imap_password = %set(&i.imap_password),
            imap_folder = %i.imap_folder,
            poll_secs = i.poll_secs,
            "mail in"
        );
    }
    let l = &cfg.ldap;
    if l.url.trim().is_empty() {
        tracing::info!("directory sign-in: off (no ldap.url); local accounts only");
    } else {
        tracing::info!(
            url = %l.url.trim(),
            starttls = l.starttls,
            bind_dn = %or_none(&l.bind_dn),
            base_dn = %l.base_dn.trim(),
            roles = l.roles.len(),
            groups = l.groups.len(),
            timeout_secs = l.timeout_secs,
            "directory sign-in (local accounts sign in first)"
        );
    }
}

/// SIGINT or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("stop signal received");
}

pub async fn migrate(cfg: &Config) -> Result<()> {
    let store = crate::database::connect(cfg).await?;
    if let Err(e) = crate::database::check(cfg, store.schema_state().await?, true) {
        store.close().await;
        return Err(e);
    }
    let ran = store.migrate().await?;
    let applied = store.applied_migrations().await?;
    println!("applied {ran} migration(s); the database is at version {}", applied.last().copied().unwrap_or(0));
    let app = App::new(store, cfg.app_config()?);
    let found = app.import_attachment_folder().await.map_err(app_error)?;
    if found.imported > 0 || found.mismatched > 0 {
        println!(
            "imported {} attachment(s) from the data folder into the database ({} did not match their hash)",
            found.imported, found.mismatched
        );
    }
    app.store.close().await;
    Ok(())
}

fn read_password() -> Result<String> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).context("reading the password from standard input")?;
    let p = line.trim_end_matches(['\n', '\r']).to_owned();
    if p.is_empty() {
        bail!("no password on standard input");
    }
    Ok(p)
}

pub async fn user(cfg: &Config, c: UserCommand) -> Result<()> {
    let app = open(cfg).await?;
    match c {
        UserCommand::Add {
            name,
            role,
            groups,
            display_name,
            email,
            organisation,
            language,
            time_zone,
            password_stdin,
        } => {
            // Checked before anything is created.
            if let Some(l) = &language {
                if !steward_app::site::LANGUAGES.contains(&l.as_str()) {
                    bail!("--language: must be one of {}, got {l:?}", steward_app::site::LANGUAGES.join(", "));
                }
            }
            let zone = match &time_zone {
                Some(z) => {
                    Some(steward_domain::zone::ZoneName::parse(z).map_err(|e| anyhow::anyhow!("--time-zone: {e}"))?)
                }
                None => None,
            };
            let password = if password_stdin { Some(read_password()?) } else { None };
            let u = NewUser {
                username: name.clone(),
                display_name,
                email,
                role,
                organisation,
                groups,
                password,
                locale: language,
            };
            app.add_user(None, u).await.map_err(app_error)?;
            if let Some(zone) = zone {
                let operator = steward_app::Actor::operator();
                let user = app.user_detail(&operator, &name).await.map_err(app_error)?;
                let patch =
                    steward_app::users::UserPatch { time_zone: Some(zone.as_str().to_owned()), ..Default::default() };
                app.update_user(&operator, &name, user.user.version, patch).await.map_err(app_error)?;
            }
            println!("created user {name}");
            if !password_stdin {
                println!(
                    "{name} cannot sign in until a password is set: steward user passwd {name} (reads it from standard input)"
                );
            }
        }
        UserCommand::List => {
            println!("{:<24} {:<10} {:<12} {:<32} GROUPS", "USERNAME", "ROLE", "STATUS", "EMAIL");
            for row in app.list_users_with_groups(None).await.map_err(app_error)? {
                let u = &row.user;
                let status = if u.active == 0 { "deactivated" } else { "active" };
                let email = u.email.as_deref().unwrap_or("-");
                let groups = if row.groups.is_empty() { "-".to_owned() } else { row.groups.join(", ") };
                println!("{:<24} {:<10} {status:<12} {email:<32} {groups}", u.username, u.role);
            }
        }
        UserCommand::Passwd { name } => {
            let p = read_password()?;
            app.set_password(None, &name, &p).await.map_err(app_error)?;
            println!("password changed for {name}; their sessions have ended");
        }
        UserCommand::Deactivate { name } => {
            let groups = app.user_detail(&steward_app::Actor::operator(), &name).await.map_err(app_error)?.groups;
            set_active(&app, &name, false).await?;
            println!("{name} is deactivated: their sessions have ended and their tokens are revoked");
            if !groups.is_empty() {
                println!("{name} left these groups (kept in the audit log): {}", groups.join(", "));
            }
        }
        UserCommand::Reactivate { name } => {
            set_active(&app, &name, true).await?;
            println!("{name} can sign in again; add them to groups as needed (steward group add-member)");
        }
        UserCommand::ResetTwoFactor { name } => {
            if app.reset_two_factor(None, &name).await.map_err(app_error)? {
                println!(
                    "two-step sign-in is off for {name}; they sign in with their password and may set it up again"
                );
            } else {
                println!("{name} had no two-step sign-in; nothing changed");
            }
        }
    }
    app.store.close().await;
    Ok(())
}

/// Turns sign-in on or off for a user, as the operator.
async fn set_active(app: &App, name: &str, active: bool) -> Result<()> {
    let operator = steward_app::Actor::operator();
    let user = app.user_detail(&operator, name).await.map_err(app_error)?;
    let patch = steward_app::users::UserPatch { active: Some(active), ..Default::default() };
    app.update_user(&operator, name, user.user.version, patch).await.map_err(app_error)?;
    Ok(())
}

pub async fn group(cfg: &Config, c: GroupCommand) -> Result<()> {
    let app = open(cfg).await?;
    let operator = steward_app::Actor::operator();
    match c {
        GroupCommand::List => {
            for g in app.list_groups().await.map_err(app_error)? {
                let n = app.group_members(g.id).await.map_err(app_error)?.len();
                println!("{:<32} {n:>4} member(s)  {}", g.name, g.description);
            }
        }
        GroupCommand::Add { name, description } => {
            app.add_group(None, &name, &description).await.map_err(app_error)?;
            println!("created group {}", name.trim());
        }
        GroupCommand::Members { group } => {
            for u in app.members_of_group(None, &group).await.map_err(app_error)? {
                let status = if u.active == 0 { " (deactivated)" } else { "" };
                println!("{:<24} {}{status}", u.username, u.display_name);
            }
        }
        GroupCommand::AddMember { group, user } => {
            app.add_member(None, &group, &user).await.map_err(app_error)?;
            println!("{user} is now a member of {group}");
        }
        GroupCommand::RemoveMember { group, user } => {
            app.remove_member(&operator, &group, &user).await.map_err(app_error)?;
            println!("{user} is no longer a member of {group}");
        }
    }
    app.store.close().await;
    Ok(())
}

pub async fn token(cfg: &Config, c: TokenCommand) -> Result<()> {
    let app = open(cfg).await?;
    match c {
        TokenCommand::Create { name, label, scope } => {
            let scope = steward_app::auth::TokenScope::parse(&scope).unwrap_or_default();
            let t = app.create_scoped_token(None, &name, &label, scope).await.map_err(app_error)?;
            println!("{}", t.token);
            eprintln!("token {} ({}) for {name} created; it is shown only this once", t.id, scope.as_str());
        }
    }
    app.store.close().await;
    Ok(())
}

/// A use-case error as a message for the terminal.
pub fn app_error(e: steward_app::AppError) -> anyhow::Error {
    match e {
        steward_app::AppError::Invalid(errs) => anyhow::anyhow!(
            "{}",
            errs.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; ")
        ),
        other => anyhow::anyhow!("{other}"),
    }
}

pub async fn demo(mut cfg: Config, o: config::Overrides, a: DemoArgs) -> Result<()> {
    // The demo lives in its own folder unless told otherwise.
    if !cfg.given.data_dir {
        cfg.data_dir = "./steward-demo".into();
    }
    if !cfg.given.database_url {
        cfg.database_url = config::sqlite_in(&cfg.data_dir);
    }
    let app = crate::database::open_migrated(&cfg).await?;
    if !app.store.has_incidents().await? {
        eprintln!("creating demo content with {} incidents in {} …", a.incidents, cfg.data_dir.display());
        let summary = steward_app::seed::demo(&app, a.incidents).await.map_err(app_error)?;
        eprintln!("{summary}");
        // Checks against the address the demo is served on.
        let checks = steward_app::seed::demo_checks(&app, cfg.listen_addr()?).await.map_err(app_error)?;
        eprintln!("{checks} checks on 127.0.0.1 (one watches a closed port and goes down once served)");
    } else {
        eprintln!("{} already holds data; serving it as it is", cfg.data_dir.display());
    }
    app.store.close().await;
    println!("To serve this data again: {}", serve_again(&cfg, &o));
    if a.no_serve {
        return Ok(());
    }
    println!("Steward demo: http://{}/", cfg.listen);
    println!("Sign in as admin, manager, agent or requester; the password is steward-demo.");
    serve(&cfg, false).await
}

/// The `steward serve` command line that serves what `cfg` names: the data
/// folder always, the rest when it is not the default.
pub fn serve_again(cfg: &Config, o: &config::Overrides) -> String {
    let mut args = vec!["steward".to_owned()];
    if let Some(file) = &o.config {
        args.extend(["--config".to_owned(), shell_word(&file.to_string_lossy())]);
    }
    args.extend(["serve".to_owned(), "--data-dir".to_owned(), shell_word(&cfg.data_dir.to_string_lossy())]);
    if cfg.given.database_url {
        args.extend(["--database-url".to_owned(), shell_word(&cfg.database_url)]);
    }
    if cfg.listen != Config::default().listen {
        args.extend(["--listen".to_owned(), shell_word(&cfg.listen)]);
    }
    args.join(" ")
}

use crate::database::shell_word;

pub async fn reports(cfg: &Config, c: ReportsCommand) -> Result<()> {
    let app = crate::database::open(cfg).await?;
    match c {
        ReportsCommand::Rebuild => {
            let started = std::time::Instant::now();
            let n = app.rebuild_reports().await.map_err(app_error)?;
            println!("counted {n} record(s) into the measures in {:.1} s", started.elapsed().as_secs_f64());
        }
    }
    app.store.close().await;
    Ok(())
}
