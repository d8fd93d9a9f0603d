//! The SLA timer: announces warnings and breaches when they happen, even
//! when nobody looks at the record.
//!
//! Each running clock stores the moment of its next event, indexed; a scan
//! reads the due ones in one range read, and each record is then brought up
//! to date in its own write. A worker that was down catches up: every
//! threshold passed meanwhile is journaled once, at its own moment.

use super::engine::{self, Announcement};
use super::escalate;
use crate::notify::{self, Author, IncidentEvent, Recipients, SlaNotice};
use crate::{App, AppError};
use std::time::Duration;
use steward_domain::sla::ClockEvent;
use steward_store::records::{self, Record};
use steward_store::{Conn, escalations};
use steward_store::{StoreError, now_micros, sla};
use tokio::sync::watch;

/// How long a pass may hold the timer before another node takes over.
const LEASE: Duration = Duration::from_secs(60);
/// Records handled per scan.
const SCAN_LIMIT: i64 = 500;

impl App {
    /// Fires every clock event due by now; the announcements made.
    pub async fn run_sla_timers(&self) -> Result<Vec<Announcement>, AppError> {
        self.run_sla_timers_at(now_micros()).await
    }

    /// As [`App::run_sla_timers`], at a given moment: a catch-up, or a test of
    /// what the timer does later.
    pub async fn run_sla_timers_at(&self, now: i64) -> Result<Vec<Announcement>, AppError> {
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let due = sla::due_records(&mut conn, now, SCAN_LIMIT).await?;
        drop(conn);
        if due.is_empty() {
            return Ok(Vec::new());
        }
        let snap = self.sla_snapshot().await?;
        let dialect = self.store.dialect();
        let mut all = Vec::new();
        // Clocks run for every kind of record that opts in; each is told
        // and escalated alike (the notifications name the record's kind).
        for (_, id) in due {
            let (snap, matrix, notify) = (snap.clone(), self.config.priority_matrix.clone(), self.notify_ctx());
            let fired = self
                .store
                .write(move |c| {
                    Box::pin(async move {
                        let rec = records::get_for_update(c, dialect, id).await?;
                        // The record as it stands: no change but the passing of time.
                        let (announced, sla) =
                            engine::sync_clocks(c, dialect, &snap, Some(&rec), &rec, None, now).await?;
                        let rec = Record { sla, ..rec };
                        announce(c, &notify, &rec, &announced).await?;
                        let ctx = escalate::Ctx { d: dialect, snap: &snap, matrix: &matrix, notify: &notify, now };
                        escalate::on_announcements(c, &ctx, &rec, &announced).await?;
                        Ok::<_, AppError>(announced)
                    })
                })
                .await;
            match fired {
                Ok(a) => all.extend(a),
                Err(e) => tracing::warn!(record = id, error = %e, "SLA timer failed"),
            }
        }
        Ok(all)
    }
}

/// Tells the people working the record: a warning goes to the assignee and
/// the group, a breach also to the group's manager.
async fn announce(c: &mut Conn, ctx: &notify::Ctx, inc: &Record, announced: &[Announcement]) -> Result<(), AppError> {
    for a in announced {
        let name = match (&a.sla_name, a.clock.as_str()) {
            (_, "group") => format!("{} · {}", inc.group_name.as_deref().unwrap_or("group"), "time with group"),
            (Some(sla), kind) => format!("{sla} · {kind}"),
            (None, kind) => kind.to_owned(),
        };
        let sla = SlaNotice { name, target_us: a.target_us, due_at: a.due_at };
        let mut to = vec![Recipients::Assignee, Recipients::GroupMembers];
        let event = match a.event {
            ClockEvent::Warning(percent) => IncidentEvent::SlaWarning { sla, percent },
            ClockEvent::Breach => {
                if let Some(g) = a.group_id.or(inc.assignment_group_id) {
                    to.push(Recipients::Users(escalations::group_manager(c, g).await?.into_iter().collect()));
                }
                IncidentEvent::SlaBreached { sla }
            }
        };
        notify::incident_event(c, ctx, inc, &Author::system(), &event, &to).await?;
    }
    Ok(())
}

/// Runs the timer every `every` until `shutdown` turns true.
pub async fn run(app: App, every: Duration, mut shutdown: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = shutdown.changed() => return,
        }
        // One node at a time; another takes over a minute after one dies.
        let pass = async {
            match app.run_sla_timers().await {
                Ok(a) if !a.is_empty() => tracing::info!(announced = a.len(), "SLA warnings and breaches"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "SLA timer scan failed"),
            }
            match app.run_escalations_at(now_micros()).await {
                Ok(f) if !f.is_empty() => tracing::info!(fired = f.len(), "escalations"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "escalation scan failed"),
            }
            Ok(())
        };
        if let Err(e) = app.on_one_node(crate::leases::SLA_TIMER, LEASE, pass).await {
            tracing::warn!(error = %e, "taking the SLA timer's lease failed");
        }
    }
}
