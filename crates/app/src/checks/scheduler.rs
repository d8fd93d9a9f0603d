//! The check scheduler: one loop per node. Each tick it claims the checks
//! due (as many as it has free slots: a semaphore bounds the checks in
//! flight), runs the batch in one task with its checks side by side, feeds
//! each outcome to the state rules and records finished runs in batches:
//! one write carries the states, results, events, next slots and rollups
//! of up to 200 runs. A claim is a lease: a node that dies mid-run leaves
//! its checks to another node once the lease runs out. Every minute it
//! purges expired raw results and minute rollups, a small batch a write.

use super::{definition_of, next_slot, state_of};
use crate::{App, error::AppError};
use futures_util::StreamExt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use steward_channels::checks::{Limits, Runner};
use steward_domain::check::{FlapThresholds, Outcome, Status, Transition, state::StateType};
use steward_store::checks::{self as store, CheckWithState, EventRow, NewState, Run, Span};
use steward_store::now_micros;
use tokio::sync::{Semaphore, watch};

/// Runs recorded per write at most.
const RECORD_BATCH: usize = 200;
/// A finished run waits at most this long for others to share its write.
const RECORD_WAIT: Duration = Duration::from_millis(500);
/// Time a lease gives beyond the check's timeout (the executor's own
/// grace and the write).
const LEASE_SLACK_MICROS: i64 = 30_000_000;
/// Rows deleted per purge write, and writes per purge.
const PURGE_BATCH: i64 = 1_000;
const PURGE_WRITES: usize = 20;
/// Longest status line kept with a result.
const MESSAGE_MAX: usize = 1_000;
/// Rounds of claiming `run_due_checks` makes at most.
const MAX_ROUNDS: usize = 1_000;

/// This node's part in running checks.
pub struct Scheduler {
    /// Names this node in leases.
    pub node: String,
    runner: Mutex<Option<Runner>>,
}

impl Scheduler {
    pub fn new() -> Scheduler {
        let mut b = [0u8; 6];
        let random = if getrandom::fill(&mut b).is_ok() { hex::encode(b) } else { now_micros().to_string() };
        Scheduler { node: format!("{}-{random}", std::process::id()), runner: Mutex::new(None) }
    }
}

impl Default for Scheduler {
    fn default() -> Self {
        Scheduler::new()
    }
}

/// What one run of the loop (or of `run_due_checks`) did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Ran {
    /// Runs recorded.
    pub recorded: usize,
    /// Runs dropped: their lease had been taken over.
    pub dropped: usize,
}

impl App {
    /// The executors, made on first use (they need the TLS provider).
    fn runner(&self) -> Result<Runner, AppError> {
        let mut slot = self.scheduler.runner.lock().map_err(|_| AppError::Internal("runner lock".into()))?;
        if let Some(r) = slot.as_ref() {
            return Ok(r.clone());
        }
        steward_channels::ensure_crypto_provider();
        let limits = Limits { plugin_dir: self.config.checks.plugin_dir.clone(), ..Limits::default() };
        let runner = Runner::new(limits).map_err(|e| AppError::Internal(format!("check runner: {}", e.0)))?;
        *slot = Some(runner.clone());
        Ok(runner)
    }

    /// The name this node leases checks under.
    pub fn check_node(&self) -> &str {
        &self.scheduler.node
    }

    /// Claims up to `limit` checks due at `now` (µs) for this node.
    pub async fn claim_checks(&self, now: i64, limit: usize) -> Result<Vec<CheckWithState>, AppError> {
        let (d, node) = (self.store.dialect(), self.scheduler.node.clone());
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        Ok(self
            .store
            .write(move |c| {
                Box::pin(async move { store::claim_due(c, d, now, LEASE_SLACK_MICROS, &node, limit).await })
            })
            .await?)
    }

    /// Runs every check due at `now` (µs) on this node and records what
    /// they found, `checks.concurrency` at a time: what the loop does,
    /// callable on its own (tests drive the scheduler with it).
    pub async fn run_due_checks(&self, now: i64) -> Result<Ran, AppError> {
        let mut total = Ran::default();
        for _ in 0..MAX_ROUNDS {
            let claimed = self.claim_checks(now, self.config.checks.concurrency.max(1)).await?;
            if claimed.is_empty() {
                break;
            }
            let ran = self.run_claimed(claimed, now).await?;
            total.recorded += ran.recorded;
            total.dropped += ran.dropped;
        }
        Ok(total)
    }

    /// Runs claimed checks side by side and records them as they finish,
    /// in writes of up to [`RECORD_BATCH`] runs.
    pub async fn run_claimed(&self, claimed: Vec<CheckWithState>, now: i64) -> Result<Ran, AppError> {
        let runner = self.runner()?;
        let n = claimed.len().max(1);
        let mut finished = futures_util::stream::iter(claimed)
            .map(|row| {
                let runner = runner.clone();
                async move {
                    let outcome = match definition_of(&row.check) {
                        Ok(def) => runner.run(&def).await,
                        Err(e) => Outcome::new(Status::Unknown, format!("the check cannot be read: {e}"), 0),
                    };
                    (row, outcome)
                }
            })
            .buffer_unordered(n);
        let mut ran = Ran::default();
        let mut pending: Vec<Run> = Vec::new();
        let mut since: Option<Instant> = None;
        loop {
            let next = match since {
                Some(t) => match tokio::time::timeout_at((t + RECORD_WAIT).into(), finished.next()).await {
                    Ok(next) => next,
                    Err(_) => {
                        self.record_runs(std::mem::take(&mut pending), &mut ran).await?;
                        since = None;
                        continue;
                    }
                },
                None => finished.next().await,
            };
            let Some((row, outcome)) = next else { break };
            pending.push(run_of(&row, &outcome, now));
            since.get_or_insert_with(Instant::now);
            if pending.len() >= RECORD_BATCH {
                self.record_runs(std::mem::take(&mut pending), &mut ran).await?;
                since = None;
            }
        }
        self.record_runs(pending, &mut ran).await?;
        Ok(ran)
    }

    async fn record_runs(&self, runs: Vec<Run>, ran: &mut Ran) -> Result<(), AppError> {
        if runs.is_empty() {
            return Ok(());
        }
        let (d, node, n) = (self.store.dialect(), self.scheduler.node.clone(), runs.len());
        let kept = self.store.write(move |c| Box::pin(async move { store::record(c, d, &node, &runs).await })).await?;
        ran.recorded += kept.len();
        ran.dropped += n - kept.len();
        self.counters.checks(kept.len(), n - kept.len());
        Ok(())
    }

    /// Deletes raw results and minute rollups past their keeping, in small
    /// writes; how many rows went.
    pub async fn purge_check_history(&self, now: i64) -> Result<u64, AppError> {
        let day = 86_400_000_000i64;
        let raw_before = now - i64::from(self.config.checks.keep_raw_days) * day;
        let minute_before = now - i64::from(self.config.checks.keep_minute_days) * day;
        let mut gone = 0;
        for _ in 0..PURGE_WRITES {
            let n = self
                .store
                .write(move |c| {
                    Box::pin(async move {
                        let a = store::purge_results(c, raw_before, PURGE_BATCH).await?;
                        let b = store::purge_rollups(c, Span::Minute, minute_before, PURGE_BATCH).await?;
                        Ok::<_, AppError>(a + b)
                    })
                })
                .await?;
            gone += n;
            if n == 0 {
                break;
            }
        }
        Ok(gone)
    }
}

/// What a run records: the outcome, the state the rules make of it, the
/// events among their transitions and the next slot.
fn run_of(row: &CheckWithState, outcome: &Outcome, now: i64) -> Run {
    let check = &row.check;
    let mut state = state_of(&row.state.memory);
    let retries = u8::try_from(check.retries).unwrap_or(u8::MAX);
    let transitions = state.feed(outcome.status, retries, Some(FlapThresholds::default()));
    let message: String = outcome.message.chars().take(MESSAGE_MAX).collect();
    let event = |kind: &str, from: Status, to: Status, notify: bool, text: String| EventRow {
        id: 0,
        check_id: check.id,
        at: now,
        kind: kind.to_owned(),
        from_status: from.as_str().to_owned(),
        to_status: to.as_str().to_owned(),
        notify: i64::from(notify),
        message: text,
    };
    let events = transitions
        .iter()
        .filter_map(|t| match *t {
            Transition::Soft { .. } => None,
            Transition::Hard { from, to, notify } => Some(event("hard", from, to, notify, message.clone())),
            Transition::FlappingStarted { percent } => Some(event(
                "flapping_started",
                state.hard,
                state.hard,
                true,
                format!("flapping started ({percent:.1}% state change)"),
            )),
            Transition::FlappingStopped { percent, settled } => Some(event(
                "flapping_stopped",
                state.hard,
                settled.unwrap_or(state.hard),
                true,
                format!("flapping stopped ({percent:.1}% state change)"),
            )),
        })
        .collect();
    let interval = u32::try_from(check.interval_secs).unwrap_or(60);
    Run {
        check_id: check.id,
        at: now,
        status: outcome.status.as_str().to_owned(),
        latency_ms: i64::try_from(outcome.latency_ms).unwrap_or(i64::MAX),
        message,
        perfdata: serde_json::to_string(&outcome.perfdata).unwrap_or_else(|_| "[]".into()),
        state: NewState {
            status: state.current.as_str().to_owned(),
            state_type: match state.state_type {
                StateType::Soft => "soft",
                StateType::Hard => "hard",
            }
            .to_owned(),
            hard_status: state.hard.as_str().to_owned(),
            attempt: i64::from(state.attempt),
            flapping: state.flapping,
            memory: serde_json::to_string(&state).unwrap_or_else(|_| "{}".into()),
        },
        // The first slot after now: missed slots are not made up.
        next_run_at: next_slot(check.id, interval, now + 1),
        events,
    }
}

/// The loop: until `shutdown`, on a node with `checks.enabled`.
pub async fn run(app: App, mut shutdown: watch::Receiver<bool>) {
    let cfg = app.config.checks.clone();
    if !cfg.enabled {
        tracing::info!("checks are off on this node (checks.enabled = false)");
        return;
    }
    let slots = Arc::new(Semaphore::new(cfg.concurrency.max(1)));
    let mut batches = tokio::task::JoinSet::new();
    let mut tick = tokio::time::interval(cfg.tick);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last_purge = Instant::now();
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = shutdown.changed() => break,
        }
        while batches.try_join_next().is_some() {}
        let free = slots.available_permits();
        if free > 0 {
            let now = now_micros();
            match app.claim_checks(now, free).await {
                Ok(claimed) if claimed.is_empty() => {}
                Ok(claimed) => {
                    let n = u32::try_from(claimed.len()).unwrap_or(u32::MAX);
                    // Only this loop takes slots: they are there.
                    let held = slots.clone().try_acquire_many_owned(n).ok();
                    let app = app.clone();
                    batches.spawn(async move {
                        if let Err(e) = app.run_claimed(claimed, now).await {
                            tracing::warn!(error = %e, "recording check results failed; the leases run out");
                        }
                        drop(held);
                    });
                }
                Err(e) => tracing::warn!(error = %e, "claiming due checks failed"),
            }
        }
        if last_purge.elapsed() >= Duration::from_secs(60) {
            last_purge = Instant::now();
            match app.purge_check_history(now_micros()).await {
                Ok(0) => {}
                Ok(n) => tracing::debug!(rows = n, "purged expired check history"),
                Err(e) => tracing::warn!(error = %e, "purging check history failed"),
            }
        }
    }
    // Runs in flight end within their timeouts; what is not recorded by
    // then is left to the leases.
    let wait = tokio::time::timeout(Duration::from_secs(5), async { while batches.join_next().await.is_some() {} });
    if wait.await.is_err() {
        batches.abort_all();
    }
}
