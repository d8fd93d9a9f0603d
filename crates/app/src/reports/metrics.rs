//! The figures `/metrics` shows other tools (Prometheus): standing totals
//! from the database and the writers' figures from memory, read in a few
//! small queries.

use crate::{App, error::AppError};
use steward_store::{StoreError, metrics::Gauges, now_micros, writer::WriterReading};

/// One scrape's figures from below the HTTP layer.
#[derive(Debug, Clone)]
pub struct Metrics {
    pub backend: &'static str,
    pub gauges: Gauges,
    pub writer: WriterReading,
    /// Read pool connections: open, idle.
    pub connections: (u32, usize),
    /// What this node did since it started.
    pub counters: crate::counters::CounterReading,
    /// Now, in microseconds (ages are measured from it).
    pub now: i64,
}

impl App {
    /// The figures for `/metrics`. Who may read them is the HTTP layer's
    /// matter (a token, or a listen address of their own).
    pub async fn metrics(&self) -> Result<Metrics, AppError> {
        let now = now_micros();
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let gauges = steward_store::metrics::gauges(&mut conn, now).await?;
        drop(conn);
        let backend = match self.store.backend() {
            steward_store::Backend::Sqlite => "sqlite",
            steward_store::Backend::Postgres => "postgres",
        };
        Ok(Metrics {
            backend,
            gauges,
            writer: self.store.writer_stats(),
            connections: self.store.pool_connections(),
            counters: self.counters.read(),
            now,
        })
    }
}
