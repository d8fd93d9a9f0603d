//! Group commit: concurrent writes share one transaction and one flush.
//!
//! Each write is a job run inside a savepoint of the current batch, so a job
//! that fails rolls back only itself. A job's answer is sent only after the
//! batch's COMMIT returned, so nothing is acknowledged before it is durable.
//! While one batch flushes, the next one queues up; under load a single
//! fsync carries many writes.

use crate::{Result, StoreError, db::Dialect, sql::BoxFut};
use sqlx::{AnyConnection, AnyPool, Connection};
use std::sync::Arc;
use tokio::sync::{Mutex, mpsc, oneshot};

const MAX_BATCH: usize = 256;

trait Job: Send {
    /// Runs the job; true when it succeeded and its savepoint is kept.
    fn run<'c>(&'c mut self, conn: &'c mut AnyConnection) -> BoxFut<'c, bool>;
    /// Sends the answer once the batch's fate is known.
    fn finish(self: Box<Self>, committed: std::result::Result<(), String>);
}

struct TypedJob<F, T, E> {
    f: Option<F>,
    result: Option<std::result::Result<T, E>>,
    reply: oneshot::Sender<std::result::Result<T, E>>,
}

impl<F, T, E> Job for TypedJob<F, T, E>
where
    F: for<'c> FnOnce(&'c mut AnyConnection) -> BoxFut<'c, std::result::Result<T, E>> + Send + 'static,
    T: Send + 'static,
    E: From<StoreError> + Send + 'static,
{
    fn run<'c>(&'c mut self, conn: &'c mut AnyConnection) -> BoxFut<'c, bool> {
        Box::pin(async move {
            let Some(f) = self.f.take() else { return false };
            let r = f(conn).await;
            let ok = r.is_ok();
            self.result = Some(r);
            ok
        })
    }

    fn finish(self: Box<Self>, committed: std::result::Result<(), String>) {
        let answer = match (committed, self.result) {
            (_, Some(Err(e))) => Err(e),
            (Ok(()), Some(Ok(v))) => Ok(v),
            (Err(why), Some(Ok(_))) => {
                tracing::error!(error = %why, "batch commit failed");
                Err(E::from(StoreError::Db(sqlx::Error::Protocol(format!("commit failed: {why}")))))
            }
            (_, None) => Err(E::from(StoreError::WriterGone)),
        };
        // The caller may have gone away (client disconnected); the write stands.
        let _ = self.reply.send(answer);
    }
}

type Queue = Arc<Mutex<mpsc::Receiver<Box<dyn Job>>>>;

pub(crate) struct Writer {
    tx: std::sync::Mutex<Option<mpsc::Sender<Box<dyn Job>>>>,
    tasks: std::sync::Mutex<Vec<tokio::task::JoinHandle<()>>>,
}

impl Writer {
    pub(crate) fn start(pool: AnyPool, dialect: Dialect, workers: usize) -> Writer {
        let (tx, rx) = mpsc::channel::<Box<dyn Job>>(4096);
        let queue: Queue = Arc::new(Mutex::new(rx));
        let tasks = (0..workers).map(|_| tokio::spawn(run_worker(pool.clone(), dialect, queue.clone()))).collect();
        Writer { tx: std::sync::Mutex::new(Some(tx)), tasks: std::sync::Mutex::new(tasks) }
    }

    fn sender(&self) -> Option<mpsc::Sender<Box<dyn Job>>> {
        self.tx.lock().ok().and_then(|g| g.clone())
    }

    pub(crate) async fn close(&self) {
        if let Ok(mut g) = self.tx.lock() {
            g.take();
        }
        let tasks: Vec<_> = self.tasks.lock().map(|mut t| t.drain(..).collect()).unwrap_or_default();
        for t in tasks {
            let _ = t.await;
        }
    }
}

async fn run_worker(pool: AnyPool, dialect: Dialect, queue: Queue) {
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
        let outcome = run_batch(&pool, dialect, &mut batch).await;
        let committed = outcome.map_err(|e| e.to_string());
        for job in batch {
            job.finish(committed.clone());
        }
    }
}

async fn run_batch(pool: &AnyPool, dialect: Dialect, batch: &mut [Box<dyn Job>]) -> Result<()> {
    let mut conn = pool.acquire().await?;
    let mut tx = conn.begin_with(dialect.begin_write()).await?;
    // One savepoint name, reused: releasing one job's savepoint and opening
    // the next one's travel together, one round trip per job.
    sqlx::raw_sql("SAVEPOINT job").execute(&mut *tx).await?;
    for job in batch.iter_mut() {
        let next = if job.run(&mut tx).await {
            "RELEASE SAVEPOINT job; SAVEPOINT job"
        } else {
            "ROLLBACK TO SAVEPOINT job; RELEASE SAVEPOINT job; SAVEPOINT job"
        };
        sqlx::raw_sql(next).execute(&mut *tx).await?;
    }
    // COMMIT also releases the last, empty savepoint.
    tx.commit().await?;
    Ok(())
}

impl crate::Store {
    /// Runs `f` in the shared write transaction and answers after COMMIT.
    ///
    /// `f` gets the connection inside its own savepoint: an `Err` undoes just
    /// its own changes. Keep it to database work; it holds up the batch.
    pub async fn write<T, E, F>(&self, f: F) -> std::result::Result<T, E>
    where
        F: for<'c> FnOnce(&'c mut AnyConnection) -> BoxFut<'c, std::result::Result<T, E>> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job = Box::new(TypedJob { f: Some(f), result: None, reply });
        let sender = self.writer().sender().ok_or(StoreError::WriterGone)?;
        sender.send(job).await.map_err(|_| StoreError::WriterGone)?;
        answer.await.map_err(|_| StoreError::WriterGone)?
    }
}
