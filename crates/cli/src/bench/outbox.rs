//! `steward bench outbox`: emails delivered per second by the outbox worker
//! through a real SMTP server, with a check that none was lost.
//!
//! Each run enqueues `--count` rendered notification emails (one write, as
//! comments on one incident would), starts the delivery worker and times
//! until every message is marked sent. Against its own aiosmtpd (Debian's
//! python3-aiosmtpd, storing to a Maildir) it then counts the stored
//! messages and their distinct Message-IDs; with `--smtp HOST:PORT` it
//! trusts the relay's answers.

use super::{Target, database, load_average, median, open_app};
use anyhow::{Context, Result, bail};
use clap::Args;
use std::collections::HashSet;
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use steward_app::accounts::NewUser;
use steward_app::notify::{Author, IncidentEvent, NotifyConfig, Recipients};
use steward_channels::email::{SmtpConfig, SmtpTls};

#[derive(Args)]
pub struct OutboxArgs {
    #[command(flatten)]
    target: Target,
    /// Emails to deliver in each run.
    #[arg(long, default_value_t = 2_000)]
    count: usize,
    /// Runs; the median is reported.
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// Deliver to this relay (HOST:PORT, plain SMTP) instead of starting aiosmtpd.
    #[arg(long)]
    smtp: Option<String>,
    /// Deliveries in flight at once.
    #[arg(long, default_value_t = NotifyConfig::default().concurrency)]
    concurrency: usize,
}

/// aiosmtpd storing to a Maildir; killed when dropped.
struct Relay {
    child: Child,
    maildir: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

impl Drop for Relay {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_relay() -> Result<(Relay, u16)> {
    let port = super::free_port()?;
    let dir = tempfile::tempdir()?;
    let maildir = dir.path().join("Maildir");
    let mut child = Command::new("/usr/bin/python3")
        .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"])
        .arg(&maildir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .context("starting aiosmtpd (scripts/install-mail.sh installs it), or pass --smtp HOST:PORT")?;
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if child.try_wait()?.is_some() {
            bail!("aiosmtpd exited at start: is python3-aiosmtpd installed (scripts/install-mail.sh)?");
        }
        if started.elapsed() > Duration::from_secs(15) {
            bail!("aiosmtpd did not listen on port {port} within 15 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok((Relay { child, maildir, _dir: dir }, port))
}

/// The stored messages and how many distinct Message-IDs they carry.
fn stored(maildir: &std::path::Path) -> Result<(usize, usize)> {
    let mut ids = HashSet::new();
    let mut n = 0;
    let Ok(entries) = std::fs::read_dir(maildir.join("new")) else { return Ok((0, 0)) };
    for e in entries {
        let text = std::fs::read_to_string(e?.path())?;
        n += 1;
        if let Some(l) = text.lines().find(|l| l.to_ascii_lowercase().starts_with("message-id:")) {
            ids.insert(l["message-id:".len()..].trim().to_owned());
        }
    }
    Ok((n, ids.len()))
}

pub async fn outbox(a: OutboxArgs) -> Result<()> {
    if a.count == 0 || a.runs == 0 || a.concurrency == 0 {
        bail!("--count, --runs and --concurrency must be positive");
    }
    let mut rates = Vec::new();
    for run in 1..=a.runs {
        let (relay, host, port) = match &a.smtp {
            Some(hp) => {
                let (h, p) = hp.rsplit_once(':').context("--smtp: expected HOST:PORT")?;
                (None, h.to_owned(), p.parse::<u16>().context("--smtp: the port is not a number")?)
            }
            None => {
                let (r, p) = start_relay()?;
                (Some(r), "127.0.0.1".to_owned(), p)
            }
        };
        let db = database(&a.target, None).await?;
        let dir = tempfile::tempdir()?;
        let mut app = open_app(&db, dir.path().to_path_buf()).await?;
        let notify = NotifyConfig {
            smtp: Some(SmtpConfig {
                host,
                port,
                tls: SmtpTls::None,
                username: None,
                password: None,
                from: "Steward <steward@bench.steward.test>".into(),
                timeout: Duration::from_secs(30),
            }),
            concurrency: a.concurrency,
            poll_interval: Duration::from_millis(20),
            ..Default::default()
        };
        let config = steward_app::AppConfig { notify, ..(*app.config).clone() };
        app = steward_app::App::new(app.store.clone(), config);
        enqueue(&app, a.count).await?;

        let (stop, stopped) = tokio::sync::watch::channel(false);
        let started = Instant::now();
        let worker = tokio::spawn(steward_app::notify::worker::run(app.clone(), stopped));
        let deadline = started + Duration::from_secs(300);
        let sent = loop {
            let sent = count(&app, "sent").await?;
            if sent >= a.count as i64 || Instant::now() > deadline {
                break sent;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        };
        let took = started.elapsed();
        let _ = stop.send(true);
        let _ = worker.await;
        let (dead, pending) = (count(&app, "dead").await?, count(&app, "pending").await?);
        if sent != a.count as i64 {
            bail!("run {run}: only {sent} of {} sent within 300 s ({pending} pending, {dead} dead)", a.count);
        }
        let check = match &relay {
            Some(r) => {
                let (files, ids) = stored(&r.maildir)?;
                if files != a.count || ids != a.count {
                    bail!("run {run}: the relay stored {files} messages with {ids} distinct ids, expected {}", a.count);
                }
                format!("{files} stored, {ids} distinct Message-IDs")
            }
            None => "accepted by the relay".into(),
        };
        let rate = a.count as f64 / took.as_secs_f64();
        println!(
            "run {run}: {} emails in {:.2} s = {rate:.0}/s ({check}; {} backend, {} in flight; load {})",
            a.count,
            took.as_secs_f64(),
            db.backend.name(),
            a.concurrency,
            load_average()
        );
        rates.push(rate);
        app.store.close().await;
        db.discard().await?;
    }
    println!("median: {:.0} emails/s over {} runs; load average {}", median(rates), a.runs, load_average());
    Ok(())
}

async fn count(app: &steward_app::App, state: &str) -> Result<i64> {
    let mut c = app.store.pool().acquire().await?;
    let counts = steward_store::outbox::counts(&mut c).await?;
    Ok(counts.into_iter().find(|(s, _)| s == state).map_or(0, |(_, n)| n))
}

/// `n` comment notifications to one reader, rendered and enqueued in one
/// write as the use cases do.
async fn enqueue(app: &steward_app::App, n: usize) -> Result<()> {
    let reader = NewUser {
        username: "bench-reader".into(),
        role: "agent".into(),
        email: Some("reader@bench.steward.test".into()),
        ..Default::default()
    };
    app.add_user(None, reader).await.map_err(crate::commands::app_error)?;
    let token = super::bench_agent(app).await?;
    let actor = app.token_actor(&token).await.map_err(crate::commands::app_error)?;
    let inc = app
        .create_incident(
            &actor,
            steward_app::incidents::NewIncident { title: "Outbox benchmark".into(), ..Default::default() },
        )
        .await
        .map_err(crate::commands::app_error)?;
    let reader_id = app
        .list_users(None)
        .await
        .map_err(crate::commands::app_error)?
        .into_iter()
        .find(|u| u.username == "bench-reader")
        .map(|u| u.id)
        .context("the bench reader")?;
    let ctx = app.notify_ctx();
    app.store
        .write(move |c| {
            Box::pin(async move {
                let by = Author::system();
                for i in 0..n {
                    let event = IncidentEvent::Commented { body: format!("Benchmark comment {i}"), internal: false };
                    steward_app::notify::incident_event(
                        c,
                        &ctx,
                        &inc,
                        &by,
                        &event,
                        &[Recipients::Users(vec![reader_id])],
                    )
                    .await?;
                }
                Ok::<_, steward_app::AppError>(())
            })
        })
        .await
        .map_err(crate::commands::app_error)?;
    Ok(())
}
