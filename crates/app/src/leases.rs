//! Background passes that run on one node at a time. A pass takes a lease
//! in `settings` (the moment it runs out), runs, and gives it back; the
//! other nodes skip that tick. A node that dies mid-pass leaves its lease
//! to run out, after which the next node's tick takes the pass over, so the
//! work goes on within the lease's length. What each pass writes is safe
//! to repeat as well (clocks are brought up to date under the record's
//! lock, mail is taken in once per Message-ID): the lease keeps nodes from
//! doing the same work twice, the writes keep it from being done twice.

use crate::{App, AppError};
use std::time::Duration;
use steward_store::{now_micros, settings};

/// The SLA timer's and escalations' pass.
pub const SLA_TIMER: &str = "sla_timer_lease";
/// A mailbox poll (one IMAP session at a time across nodes).
pub const MAIL_POLL: &str = "mail_poll_lease";
/// Writing queued alerts' label pairs into the label index.
pub const ALERT_LABELS: &str = "alert_labels_lease";
/// Counting the measures' daily totals (and their rebuild).
pub const REPORTS: &str = "reports_lease";
/// Auto-close and the session sweep.
pub const HOUSEKEEPING: &str = "housekeeping_lease";

impl App {
    /// Runs `pass` if this node takes the lease `key` for at most `hold`;
    /// none when another node holds it.
    pub async fn on_one_node<T>(
        &self,
        key: &'static str,
        hold: Duration,
        pass: impl Future<Output = Result<T, AppError>>,
    ) -> Result<Option<T>, AppError> {
        let now = now_micros();
        let until = now.saturating_add(i64::try_from(hold.as_micros()).unwrap_or(i64::MAX));
        let taken =
            self.store.write(move |c| Box::pin(async move { settings::take_lease(c, key, now, until).await })).await?;
        if !taken {
            return Ok(None);
        }
        let out = pass.await;
        if let Err(e) = self.store.write(move |c| Box::pin(async move { settings::end_lease(c, key).await })).await {
            tracing::warn!(error = %e, lease = key, "giving a lease back failed; it runs out by itself");
        }
        out.map(Some)
    }
}
