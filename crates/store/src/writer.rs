//! Group commit: concurrent writes share one transaction and one flush.
//!
//! A job's answer is sent only after the batch's COMMIT returned, so nothing
//! is acknowledged before it is durable. While one batch flushes, the next
//! one queues up; under load a single fsync carries many writes.
//!
//! A batch first runs its jobs back to back. When one fails, its partial
//! writes cannot be told apart from the others', so the batch is rolled back
//! and run again with a savepoint around each job: a failing job then undoes
//! only itself. Savepoints cost a round trip per job, which on SQLite was a
//! third of a write's time, so they are paid only when a batch needs them;
//! this is why a job may run twice and must be `Clone`.
//!
//! On PostgreSQL several writers run batches side by side, and two batches
//! that lock the same rows in opposite orders deadlock: PostgreSQL ends
//! one. The victim's batch reruns with savepoints, and a job that meets a
//! deadlock or a serialization failure there is rolled back to its
//! savepoint and run again, a few times, before its caller hears of it.
//!
//! A refusal is not a failure: a job written with [`Store::write_checked`]
//! first checks (reads and locks only: a stale version, a right the actor
//! lacks), and a check that refuses has written nothing, so the batch goes
//! on without a rollback and no other job runs twice.

use crate::{Result, StoreError, audit_head, db::Dialect, sql::BoxFut};
use sqlx::{AnyConnection, AnyPool, Connection};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use tokio::sync::{Mutex, mpsc, oneshot};

const MAX_BATCH: usize = 256;
/// Runs of one job after a deadlock or serialization failure.
const TRANSIENT_RETRIES: usize = 5;

tokio::task_local! {
    /// Set when a statement of the job running on this writer met a
    /// conflict that running it again can clear.
    static TRANSIENT: std::cell::Cell<bool>;
}

tokio::task_local! {
    /// Set when a job of the batch running on this writer appended to the
    /// audit chain: once it commits, the head publisher is woken.
    static AUDIT_APPENDED: std::cell::Cell<bool>;
}

/// Notes that the running job appended an audit entry.
pub(crate) fn note_audit_append() {
    let _ = AUDIT_APPENDED.try_with(|a| a.set(true));
}

/// Notes that a statement met a deadlock or a serialization failure
/// (called where database errors become [`StoreError`]s).
pub(crate) fn note_transient() {
    let _ = TRANSIENT.try_with(|t| t.set(true));
}

/// Whether the job met a transient conflict since the last call (which
/// clears the note).
fn take_transient() -> bool {
    TRANSIENT.try_with(|t| t.replace(false)).unwrap_or(false)
}

/// How a job's run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ran {
    Done,
    /// Refused by its check: nothing written, nothing to undo.
    Refused,
    /// Failed after it may have written: the batch must undo it.
    Failed,
}

trait Job: Send {
    /// Runs the job (again, if asked twice).
    fn run<'c>(&'c mut self, conn: &'c mut AnyConnection) -> BoxFut<'c, Ran>;
    /// Sends the answer once the batch's fate is known.
    fn finish(self: Box<Self>, committed: std::result::Result<(), String>);
}

struct TypedJob<F, T, E> {
    f: F,
    result: Option<std::result::Result<T, E>>,
    reply: oneshot::Sender<std::result::Result<T, E>>,
}

impl<F, T, E> Job for TypedJob<F, T, E>
where
    F: for<'c> FnOnce(&'c mut AnyConnection) -> BoxFut<'c, std::result::Result<T, E>> + Clone + Send + 'static,
    T: Send + 'static,
    E: From<StoreError> + Send + 'static,
{
    fn run<'c>(&'c mut self, conn: &'c mut AnyConnection) -> BoxFut<'c, Ran> {
        Box::pin(async move {
            let r = (self.f.clone())(conn).await;
            let ran = if r.is_ok() { Ran::Done } else { Ran::Failed };
            self.result = Some(r);
            ran
        })
    }

    fn finish(self: Box<Self>, committed: std::result::Result<(), String>) {
        answer(self.reply, self.result, committed);
    }
}

/// A job in two steps: `check` reads and locks only and may refuse;
/// `apply` writes.
struct CheckedJob<C, A, T, E> {
    check: C,
    apply: A,
    result: Option<std::result::Result<T, E>>,
    reply: oneshot::Sender<std::result::Result<T, E>>,
}

impl<C, A, K, T, E> Job for CheckedJob<C, A, T, E>
where
    C: for<'c> FnOnce(&'c mut AnyConnection) -> BoxFut<'c, std::result::Result<K, E>> + Clone + Send + 'static,
    A: for<'c> FnOnce(&'c mut AnyConnection, K) -> BoxFut<'c, std::result::Result<T, E>> + Clone + Send + 'static,
    K: Send + 'static,
    T: Send + 'static,
    E: From<StoreError> + Send + 'static,
{
    fn run<'c>(&'c mut self, conn: &'c mut AnyConnection) -> BoxFut<'c, Ran> {
        Box::pin(async move {
            let checked = match (self.check.clone())(&mut *conn).await {
                Ok(k) => k,
                Err(e) => {
                    self.result = Some(Err(e));
                    // A refusal only read. But a check that met a database
                    // error (PostgreSQL chose it as a deadlock's victim while
                    // it waited for a row lock another batch holds) has ended
                    // the transaction: then it failed, and the batch reruns,
                    // the check with it, as after any failure.
                    let usable = sqlx::raw_sql("SELECT 1").execute(&mut *conn).await.is_ok();
                    return if usable { Ran::Refused } else { Ran::Failed };
                }
            };
            let r = (self.apply.clone())(conn, checked).await;
            let ran = if r.is_ok() { Ran::Done } else { Ran::Failed };
            self.result = Some(r);
            ran
        })
    }

    fn finish(self: Box<Self>, committed: std::result::Result<(), String>) {
        answer(self.reply, self.result, committed);
    }
}

/// Sends a job's answer once the batch's fate is known.
fn answer<T, E: From<StoreError>>(
    reply: oneshot::Sender<std::result::Result<T, E>>,
    result: Option<std::result::Result<T, E>>,
    committed: std::result::Result<(), String>,
) {
    let answer = match (committed, result) {
        (_, Some(Err(e))) => Err(e),
        (Ok(()), Some(Ok(v))) => Ok(v),
        (Err(why), Some(Ok(_))) => {
            tracing::error!(error = %why, "batch commit failed");
            Err(E::from(StoreError::Db(sqlx::Error::Protocol(format!("commit failed: {why}")))))
        }
        (_, None) => Err(E::from(StoreError::WriterGone)),
    };
    // The caller may have gone away (client disconnected); the write stands.
    let _ = reply.send(answer);
}

type Queue = Arc<Mutex<mpsc::Receiver<Box<dyn Job>>>>;

/// The upper bounds of the batch-size histogram (jobs per committed batch).
pub const BATCH_BOUNDS: [u64; 9] = [1, 2, 4, 8, 16, 32, 64, 128, 256];

/// What the writers did since start (`/metrics`): batches by size, jobs,
/// the time batches took, and batches that failed to commit.
#[derive(Debug, Default)]
pub struct WriterStats {
    /// Batches with at most `BATCH_BOUNDS[i]` jobs (not cumulative).
    sizes: [AtomicU64; BATCH_BOUNDS.len()],
    batches: AtomicU64,
    jobs: AtomicU64,
    micros: AtomicU64,
    failed: AtomicU64,
}

/// A reading of [`WriterStats`]; `le` counts are cumulative, as
/// Prometheus' histogram buckets are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriterReading {
    pub le: Vec<(u64, u64)>,
    pub batches: u64,
    pub jobs: u64,
    pub micros: u64,
    pub failed: u64,
    /// Writes waiting for a writer now.
    pub queued: u64,
}

impl WriterStats {
    fn note(&self, jobs: usize, micros: u64, ok: bool) {
        let at = BATCH_BOUNDS.iter().position(|b| jobs as u64 <= *b).unwrap_or(BATCH_BOUNDS.len() - 1);
        self.sizes[at].fetch_add(1, Relaxed);
        self.batches.fetch_add(1, Relaxed);
        self.jobs.fetch_add(jobs as u64, Relaxed);
        self.micros.fetch_add(micros, Relaxed);
        if !ok {
            self.failed.fetch_add(1, Relaxed);
        }
    }

    fn read(&self, queued: u64) -> WriterReading {
        let mut sum = 0;
        let le = BATCH_BOUNDS
            .iter()
            .zip(&self.sizes)
            .map(|(b, n)| {
                sum += n.load(Relaxed);
                (*b, sum)
            })
            .collect();
        WriterReading {
            le,
            batches: self.batches.load(Relaxed),
            jobs: self.jobs.load(Relaxed),
            micros: self.micros.load(Relaxed),
            failed: self.failed.load(Relaxed),
            queued,
        }
    }
}

/// Builds the writers' pool inside the writer thread's runtime.
pub(crate) type PoolFactory = Box<dyn FnOnce() -> AnyPool + Send>;

pub(crate) struct Writer {
    tx: std::sync::Mutex<Option<mpsc::Sender<Box<dyn Job>>>>,
    thread: std::sync::Mutex<Option<std::thread::JoinHandle<()>>>,
    stats: Arc<WriterStats>,
}

impl Writer {
    /// Starts the writers on a thread of their own: each statement's answer
    /// then wakes a writer at once instead of queueing behind the HTTP tasks
    /// of the main runtime, which under load was most of a write's time.
    pub(crate) fn start(
        make_pool: PoolFactory,
        dialect: Dialect,
        workers: usize,
        audit_head_file: Option<PathBuf>,
    ) -> Result<Writer> {
        let (tx, rx) = mpsc::channel::<Box<dyn Job>>(4096);
        let queue: Queue = Arc::new(Mutex::new(rx));
        let stats = Arc::new(WriterStats::default());
        let worker_stats = stats.clone();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| StoreError::Db(sqlx::Error::Io(e)))?;
        let thread = std::thread::Builder::new()
            .name("steward-writer".into())
            .spawn(move || {
                runtime.block_on(async move {
                    let pool = make_pool();
                    let signal = Arc::new(audit_head::Signal::default());
                    let publisher = tokio::spawn(audit_head::run(pool.clone(), audit_head_file, signal.clone()));
                    let tasks: Vec<_> = (0..workers)
                        .map(|_| {
                            let (queue, stats, signal) = (queue.clone(), worker_stats.clone(), signal.clone());
                            tokio::spawn(run_worker(pool.clone(), dialect, queue, stats, signal))
                        })
                        .collect();
                    for t in tasks {
                        let _ = t.await;
                    }
                    // The last appends published before the pool closes.
                    signal.stop();
                    let _ = publisher.await;
                    pool.close().await;
                })
            })
            .map_err(|e| StoreError::Db(sqlx::Error::Io(e)))?;
        Ok(Writer { tx: std::sync::Mutex::new(Some(tx)), thread: std::sync::Mutex::new(Some(thread)), stats })
    }

    /// The writers' figures so far.
    pub(crate) fn stats(&self) -> WriterReading {
        let queued = self.sender().map_or(0, |tx| (tx.max_capacity() - tx.capacity()) as u64);
        self.stats.read(queued)
    }

    fn sender(&self) -> Option<mpsc::Sender<Box<dyn Job>>> {
        self.tx.lock().ok().and_then(|g| g.clone())
    }

    /// Lets queued writes finish, then stops the writer thread.
    pub(crate) async fn close(&self) {
        if let Ok(mut g) = self.tx.lock() {
            g.take();
        }
        let thread = self.thread.lock().ok().and_then(|mut t| t.take());
        if let Some(t) = thread {
            let _ = tokio::task::spawn_blocking(move || t.join()).await;
        }
    }
}

async fn run_worker(
    pool: AnyPool,
    dialect: Dialect,
    queue: Queue,
    stats: Arc<WriterStats>,
    signal: Arc<audit_head::Signal>,
) {
    loop {
        let mut batch: Vec<Box<dyn Job>> = Vec::new();
        {
            let mut rx = queue.lock().await;
            match rx.recv().await {
                Some(job) => batch.push(job),
                None => return,
            }
            while batch.len() < MAX_BATCH {
                match rx.try_recv() {
                    Ok(job) => batch.push(job),
                    Err(_) => break,
                }
            }
        }
        let started = std::time::Instant::now();
        let (outcome, appended) = AUDIT_APPENDED
            .scope(std::cell::Cell::new(false), async {
                let outcome = TRANSIENT.scope(std::cell::Cell::new(false), run_batch(&pool, dialect, &mut batch)).await;
                (outcome, AUDIT_APPENDED.try_with(|a| a.get()).unwrap_or(false))
            })
            .await;
        if appended && outcome.is_ok() {
            signal.appended();
        }
        let micros = started.elapsed().as_micros() as u64;
        stats.note(batch.len(), micros, outcome.is_ok());
        tracing::trace!(jobs = batch.len(), micros, "batch committed");
        let committed = outcome.map_err(|e| e.to_string());
        for job in batch {
            job.finish(committed.clone());
        }
    }
}

async fn run_batch(pool: &AnyPool, dialect: Dialect, batch: &mut [Box<dyn Job>]) -> Result<()> {
    let mut conn = pool.acquire().await?;
    if !run_jobs(&mut conn, dialect, batch, false).await? {
        tracing::debug!(jobs = batch.len(), "a job failed: batch rerun with savepoints");
        run_jobs(&mut conn, dialect, batch, true).await?;
    }
    Ok(())
}

/// Runs the batch in one transaction and commits it. Without `isolate`, the
/// first failing job rolls everything back and the answer is false.
async fn run_jobs(
    conn: &mut AnyConnection,
    dialect: Dialect,
    batch: &mut [Box<dyn Job>],
    isolate: bool,
) -> Result<bool> {
    let mut tx = conn.begin_with(dialect.begin_write()).await?;
    if isolate {
        // One savepoint name, reused: releasing one job's savepoint and
        // opening the next one's travel together, one round trip per job.
        sqlx::raw_sql("SAVEPOINT job").execute(&mut *tx).await?;
    }
    for job in batch.iter_mut() {
        take_transient();
        let mut ran = job.run(&mut tx).await;
        let mut retries = 0;
        while isolate && ran == Ran::Failed && take_transient() && retries < TRANSIENT_RETRIES {
            // ROLLBACK TO keeps the savepoint: the job starts over from it.
            sqlx::raw_sql("ROLLBACK TO SAVEPOINT job").execute(&mut *tx).await?;
            retries += 1;
            tracing::debug!(retries, "a job met a deadlock: run again");
            ran = job.run(&mut tx).await;
        }
        if isolate {
            let next = if ran == Ran::Failed {
                "ROLLBACK TO SAVEPOINT job; RELEASE SAVEPOINT job; SAVEPOINT job"
            } else {
                "RELEASE SAVEPOINT job; SAVEPOINT job"
            };
            sqlx::raw_sql(next).execute(&mut *tx).await?;
        } else if ran == Ran::Failed {
            tx.rollback().await?;
            return Ok(false);
        }
    }
    // COMMIT also releases the last, empty savepoint.
    let commit = std::time::Instant::now();
    tx.commit().await?;
    tracing::trace!(micros = commit.elapsed().as_micros() as u64, "commit");
    Ok(true)
}

impl crate::Store {
    /// Runs `f` in the shared write transaction and answers after COMMIT.
    ///
    /// An `Err` from `f` undoes just its own changes. `f` may run twice (see
    /// the module's comment), so keep it to database work; it also holds up
    /// the batch.
    pub async fn write<T, E, F>(&self, f: F) -> std::result::Result<T, E>
    where
        F: for<'c> FnOnce(&'c mut AnyConnection) -> BoxFut<'c, std::result::Result<T, E>> + Clone + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        self.submit(Box::new(TypedJob { f, result: None, reply })).await?;
        answer.await.map_err(|_| StoreError::WriterGone)?
    }

    /// Runs `check`, then `apply` with what it found, in the shared write
    /// transaction, and answers after COMMIT.
    ///
    /// `check` must only read and lock (load the row for update, compare its
    /// version, check the actor's rights, decide): when it refuses, the job
    /// has written nothing and the rest of its batch goes on as it is. An
    /// `Err` from `apply` undoes just this job, as with [`Store::write`].
    pub async fn write_checked<K, T, E, C, A>(&self, check: C, apply: A) -> std::result::Result<T, E>
    where
        C: for<'c> FnOnce(&'c mut AnyConnection) -> BoxFut<'c, std::result::Result<K, E>> + Clone + Send + 'static,
        A: for<'c> FnOnce(&'c mut AnyConnection, K) -> BoxFut<'c, std::result::Result<T, E>> + Clone + Send + 'static,
        K: Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        self.submit(Box::new(CheckedJob { check, apply, result: None, reply })).await?;
        answer.await.map_err(|_| StoreError::WriterGone)?
    }

    async fn submit(&self, job: Box<dyn Job>) -> Result<()> {
        let sender = self.writer().sender().ok_or(StoreError::WriterGone)?;
        sender.send(job).await.map_err(|_| StoreError::WriterGone)
    }
}
