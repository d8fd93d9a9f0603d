//! `steward bench checks`: the CPU Steward's own checks cost. Makes
//! `--checks` HTTP checks (each its own path on a local target) through
//! the app layer, starts `steward serve` on them as a child process, lets
//! one interval warm up, then measures `--intervals` intervals: the
//! server's CPU time (user + system, from `/proc/<pid>/stat`), its memory,
//! and from the results it recorded how many of the slots in the window
//! ran, how late, and how many were missed. The target answers from this
//! process, so its CPU is not counted as Steward's.

use super::{Db, Target, database, load_average, median, open_app, rss_kib, serve_child, status_kib, wait_ready};
use anyhow::{Context, Result, bail};
use clap::Args;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use steward_app::{App, accounts::NewUser, checks::NewCheck};
use steward_domain::check::definition::{HttpCheck, HttpMethod};
use steward_domain::check::{CheckDef, CheckKind, spread};
use steward_store::now_micros;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[derive(Args)]
pub struct ChecksArgs {
    #[command(flatten)]
    target: Target,
    /// HTTP checks to run.
    #[arg(long, default_value_t = 5_000)]
    checks: usize,
    /// Seconds between runs of each check.
    #[arg(long, default_value_t = 60)]
    interval: u32,
    /// Intervals measured, after one to warm up.
    #[arg(long, default_value_t = 3)]
    intervals: u32,
    /// Runs, each on a fresh database; the medians are reported.
    #[arg(long, default_value_t = 1)]
    runs: usize,
}

/// A run is late when it starts this long after its slot (the scheduler
/// looks for due checks every second).
const LATE: Duration = Duration::from_secs(5);
const TIMEOUT_MS: u32 = 10_000;

pub async fn checks(a: ChecksArgs) -> Result<()> {
    if a.checks == 0 || a.intervals == 0 || a.runs == 0 {
        bail!("--checks, --intervals and --runs must be positive");
    }
    if a.target.keep.is_some() {
        bail!("bench checks makes a fresh database for each run: --keep does not apply");
    }
    if !(10..=86_400).contains(&a.interval) {
        bail!("--interval must be between 10 and 86400 seconds");
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let target = format!("http://{}", listener.local_addr()?);
    let answered = Arc::new(AtomicUsize::new(0));
    tokio::spawn(serve_target(listener, answered.clone()));
    let (mut cores, mut per_interval, mut rss) = (Vec::new(), Vec::new(), Vec::new());
    let mut backend = "sqlite";
    for run in 1..=a.runs {
        let db = database(&a.target, None).await?;
        backend = db.backend.name();
        let m = measure(&a, &db, &target, &answered).await?;
        println!(
            "checks run {run} ({backend}): {} checks every {} s; over {:.0} s Steward used {:.2} s of CPU = {:.3} \
             of one core (goal < 0.25); {} of {} slots ran ({:.0} per interval), {} late (> {} s), {} missed, {} \
             twice; start after the slot p50 {} ms p99 {} ms max {} ms; RSS {:.1} MB (peak {:.1} MB); the target \
             and this harness used {:.3} of a core; load average {}",
            a.checks,
            a.interval,
            m.wall,
            m.cpu,
            m.cpu / m.wall,
            m.tally.ran,
            m.tally.expected,
            m.tally.ran as f64 / f64::from(a.intervals),
            m.tally.late,
            LATE.as_secs(),
            m.tally.missed,
            m.tally.twice,
            m.tally.p50_ms,
            m.tally.p99_ms,
            m.tally.max_ms,
            m.rss_kib as f64 / 1024.0,
            m.peak_kib as f64 / 1024.0,
            m.harness_cpu / m.wall,
            m.load,
        );
        cores.push(m.cpu / m.wall);
        per_interval.push(m.tally.ran as f64 / f64::from(a.intervals));
        rss.push(m.rss_kib as f64 / 1024.0);
        db.discard().await?;
    }
    println!(
        "checks ({backend}, {} HTTP checks every {} s, {} intervals measured, median of {}): {:.3} of one core \
         (goal < 0.25), {:.0} runs per interval, RSS {:.1} MB (load average {})",
        a.checks,
        a.interval,
        a.intervals,
        a.runs,
        median(cores),
        median(per_interval),
        median(rss),
        load_average()
    );
    Ok(())
}

/// What one run measured.
struct Measured {
    /// Seconds measured, and the server's CPU seconds in them.
    wall: f64,
    cpu: f64,
    harness_cpu: f64,
    rss_kib: u64,
    peak_kib: u64,
    load: String,
    tally: Tally,
}

async fn measure(a: &ChecksArgs, db: &Db, target: &str, answered: &AtomicUsize) -> Result<Measured> {
    let dir = tempfile::tempdir()?;
    let app = open_app(db, dir.path().to_path_buf()).await?;
    let started = Instant::now();
    let ids = add_checks(&app, a.checks, a.interval, target).await?;
    println!("made {} checks in {:.1} s", ids.len(), started.elapsed().as_secs_f64());
    app.store.close().await;

    let port = super::free_port()?;
    let mut child = serve_child(db, dir.path(), port)?;
    wait_ready(port).await?;
    let pid = child.id().context("no pid")?;
    let period = Duration::from_secs(u64::from(a.interval));
    tokio::time::sleep(period).await;
    if answered.load(Ordering::Relaxed) == 0 {
        bail!("no check reached the target in the warm-up interval");
    }
    let (t0, clock, cpu0, own0) = (now_micros(), Instant::now(), cpu_secs(pid)?, cpu_secs(std::process::id())?);
    tokio::time::sleep(period * a.intervals).await;
    let (t1, cpu1, own1) = (now_micros(), cpu_secs(pid)?, cpu_secs(std::process::id())?);
    let wall = clock.elapsed().as_secs_f64();
    let (rss, peak) = (rss_kib(pid)?, status_kib(pid, "VmHWM:")?);
    let load = load_average();
    // Runs of the window's last slots start and are recorded a moment later.
    tokio::time::sleep(LATE + Duration::from_secs(2)).await;
    let _ = child.kill().await;

    let app = open_app(db, dir.path().to_path_buf()).await?;
    let mut conn = app.store.pool().acquire().await?;
    let mut runs = Vec::new();
    for &id in &ids {
        let rows = steward_store::checks::results(&mut conn, id, t0, t1 + period_micros(a.interval), 1_000).await?;
        runs.extend(rows.into_iter().map(|r| (id, r.at)));
    }
    drop(conn);
    app.store.close().await;
    let tally = tally(&ids, &runs, a.interval, t0, t1);
    Ok(Measured { wall, cpu: cpu1 - cpu0, harness_cpu: own1 - own0, rss_kib: rss, peak_kib: peak, load, tally })
}

/// Makes `n` HTTP checks of `target`, each on its own path, through the
/// app layer (8 at a time); their ids.
async fn add_checks(app: &App, n: usize, interval: u32, target: &str) -> Result<Vec<i64>> {
    let u = NewUser { username: "bench-admin".into(), role: "admin".into(), ..Default::default() };
    app.add_user(None, u).await.map_err(crate::commands::app_error)?;
    let token = app.create_token(None, "bench-admin", "bench").await.map_err(crate::commands::app_error)?.token;
    let admin = app.token_actor(&token).await.map_err(crate::commands::app_error)?;
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let (app, admin, next, target) = (app.clone(), admin.clone(), next.clone(), target.to_owned());
        tasks.spawn(async move {
            let mut ids = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    return Ok::<_, anyhow::Error>(ids);
                }
                let http = HttpCheck {
                    url: format!("{target}/service/{i}/health"),
                    method: HttpMethod::Get,
                    expected_status: vec![],
                    body_contains: Some("ok".into()),
                    json_condition: None,
                    max_response_ms: None,
                };
                let new = NewCheck {
                    name: format!("bench check {i:05}"),
                    definition: CheckDef {
                        kind: CheckKind::Http(http),
                        interval_secs: interval,
                        timeout_ms: TIMEOUT_MS.min(interval * 1000 - 1),
                        retries: 1,
                    },
                    ci: None,
                    service: None,
                    enabled: Some(true),
                };
                let view = app.add_check(&admin, new).await.map_err(crate::commands::app_error)?;
                ids.push(view.row.check.id);
            }
        });
    }
    let mut ids = Vec::with_capacity(n);
    while let Some(t) = tasks.join_next().await {
        ids.extend(t??);
    }
    ids.sort_unstable();
    Ok(ids)
}

/// Answers every request with 200 "ok", keeping connections open, and
/// counts the answers.
async fn serve_target(listener: tokio::net::TcpListener, answered: Arc<AtomicUsize>) {
    const ANSWER: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 3\r\n\r\nok\n";
    while let Ok((mut socket, _)) = listener.accept().await {
        let answered = answered.clone();
        tokio::spawn(async move {
            let (mut head, mut buf) = (Vec::with_capacity(1024), [0u8; 4096]);
            loop {
                let n = match socket.read(&mut buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => n,
                };
                head.extend_from_slice(&buf[..n]);
                // GETs carry no body: a blank line ends each request.
                while let Some(end) = head.windows(4).position(|w| w == b"\r\n\r\n") {
                    head.drain(..end + 4);
                    if socket.write_all(ANSWER).await.is_err() {
                        return;
                    }
                    answered.fetch_add(1, Ordering::Relaxed);
                }
                if head.len() > 64 * 1024 {
                    return;
                }
            }
        });
    }
}

fn period_micros(interval: u32) -> i64 {
    i64::from(interval) * 1_000_000
}

/// CPU seconds (user + system) the process has used.
pub(super) fn cpu_secs(pid: u32) -> Result<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    let ticks = cpu_ticks(&stat).context("an unreadable /proc/<pid>/stat")?;
    Ok(ticks as f64 / rustix::param::clock_ticks_per_second() as f64)
}

/// utime + stime (fields 14 and 15) of a `/proc/<pid>/stat` line, in
/// clock ticks. The name (field 2) is in parentheses and may hold spaces
/// and parentheses itself: the fields are counted after its last `)`.
fn cpu_ticks(stat: &str) -> Option<u64> {
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace().skip(11);
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(utime + stime)
}

/// How the slots of a window `[t0, t1)` (µs) were kept.
#[derive(Debug, Default, PartialEq)]
struct Tally {
    /// The checks' slots in the window.
    expected: usize,
    /// Slots with a run.
    ran: usize,
    /// Slots whose run started more than [`LATE`] after them.
    late: usize,
    /// Slots without a run.
    missed: usize,
    /// Slots run more than once.
    twice: usize,
    /// Start after the slot, over the slots that ran (ms).
    p50_ms: i64,
    p99_ms: i64,
    max_ms: i64,
}

/// Each run `(check id, at µs)` counts for its check's slot at or before
/// it (checks run on the grid `spread` gives their ids); the slots of
/// `ids` in `[t0, t1)` are what should have run.
fn tally(ids: &[i64], runs: &[(i64, i64)], interval: u32, t0: i64, t1: i64) -> Tally {
    let period = Duration::from_secs(u64::from(interval));
    let period_ms = i64::from(interval) * 1000;
    let (from_ms, to_ms) = (t0.div_euclid(1000), t1.div_euclid(1000));
    let mut slots = std::collections::HashMap::new();
    let mut expected = 0;
    for id in ids {
        let mut slot = spread::next_run(&id.to_string(), period, from_ms);
        while slot < to_ms {
            slots.insert((*id, slot), 0usize);
            expected += 1;
            slot += period_ms;
        }
    }
    let mut after = Vec::new();
    for (id, at) in runs {
        let at_ms = at.div_euclid(1000);
        let slot = spread::next_run(&id.to_string(), period, at_ms - period_ms + 1);
        if let Some(n) = slots.get_mut(&(*id, slot)) {
            *n += 1;
            if *n == 1 {
                after.push(at_ms - slot);
            }
        }
    }
    after.sort_unstable();
    let at = |p: f64| after.get(((after.len() as f64 - 1.0) * p).round() as usize).copied().unwrap_or(0);
    let late_ms = i64::try_from(LATE.as_millis()).unwrap_or(i64::MAX);
    Tally {
        expected,
        ran: after.len(),
        late: after.iter().filter(|&&ms| ms > late_ms).count(),
        missed: slots.values().filter(|&&n| n == 0).count(),
        twice: slots.values().filter(|&&n| n > 1).count(),
        p50_ms: at(0.5),
        p99_ms: at(0.99),
        max_ms: after.last().copied().unwrap_or(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_ticks_are_counted_after_the_name() {
        let line = "4242 (steward (x) y) S 1 4242 4242 0 -1 4194560 9508 0 0 0 1234 567 0 0 20 0 9 0 77 0 0";
        assert_eq!(cpu_ticks(line), Some(1234 + 567));
        assert_eq!(cpu_ticks("4242 (steward) S 1 2"), None, "too short");
        assert_eq!(cpu_ticks("garbage"), None);
    }

    #[test]
    fn runs_count_for_their_slot() {
        let (interval, t0) = (60, 1_700_000_000_000_000i64);
        let t1 = t0 + 2 * period_micros(interval);
        let slot = |id: i64, k: i64| {
            spread::next_run(&id.to_string(), Duration::from_secs(60), t0 / 1000) * 1000 + k * period_micros(60)
        };
        let runs = vec![
            (1, slot(1, 0) + 300_000),   // on time
            (1, slot(1, 1) + 9_000_000), // late
            (2, slot(2, 0) + 100_000),
            (2, slot(2, 0) + 200_000), // twice
            (2, slot(2, 2) + 100_000), // after the window
        ];
        let t = tally(&[1, 2], &runs, interval, t0, t1);
        assert_eq!((t.expected, t.ran, t.late, t.missed, t.twice), (4, 3, 1, 1, 1));
        assert_eq!((t.p50_ms, t.max_ms), (300, 9_000));
    }
}
