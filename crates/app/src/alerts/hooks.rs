//! Alerts from other tools (issue 13 item 2): the generic webhook (which
//! the shipped Zabbix media type and Nagios script post to),
//! Alertmanager's webhook and PagerDuty's Events API v2. Each is turned
//! into posted alerts and kept by [`App::post_alerts`], so a repeat
//! updates the alert of its fingerprint and a resolution ends it.

use super::{AlertFilter, Ingested, can_use_alerts};
use crate::{Actor, App, error::AppError, error::FieldError};
use steward_domain::alert::{
    Labels, MatchOp, Matcher, Matchers, Problems,
    hooks::HookAlert,
    pagerduty::{self, DEDUP_LABEL, Event},
};
use steward_store::now_micros;

/// What a PagerDuty event came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PagerDutyOutcome {
    /// The event's key, made up for a trigger that sent none.
    pub dedup_key: String,
    /// How many firing alerts of the key it changed (an acknowledgement or
    /// resolution of a key with none firing changes nothing, and is
    /// answered as PagerDuty answers it: processed).
    pub alerts: usize,
}

/// A random key as PagerDuty makes one: 32 hex digits.
fn new_dedup_key() -> Result<String, AppError> {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).map_err(|e| AppError::Internal(format!("no randomness: {e}")))?;
    Ok(hex::encode(b))
}

/// The problems of a batch of one, named without its position.
fn refused(out: &Ingested) -> Result<(), AppError> {
    if out.refused.is_empty() {
        return Ok(());
    }
    let errors = out.refused.iter().map(|(f, m)| FieldError::new(f.trim_start_matches("[0]."), m.clone())).collect();
    Err(AppError::Invalid(errors))
}

impl App {
    /// Keeps webhook alerts as they stand at the time of posting (a firing
    /// one lasts until resolved); an entry refused already keeps its place,
    /// so every problem names its position, as in [`App::post_alerts`].
    pub async fn post_hook_alerts(
        &self,
        actor: &Actor,
        batch: Vec<Result<HookAlert, Problems>>,
    ) -> Result<Ingested, AppError> {
        let now = now_micros();
        self.post_alerts(actor, batch.into_iter().map(|a| a.map(|a| a.into_posted(now))).collect()).await
    }

    /// Does what a PagerDuty event asks: a trigger fires the alert of its
    /// key (made up when none was sent); a resolution ends every firing
    /// alert of the key now.
    pub async fn pagerduty_event(&self, actor: &Actor, event: Event) -> Result<PagerDutyOutcome, AppError> {
        can_use_alerts(actor)?;
        match event {
            Event::Trigger { dedup_key, alert } => {
                let dedup_key = match dedup_key {
                    Some(k) => k,
                    None => new_dedup_key()?,
                };
                let out = self.post_alerts(actor, vec![Ok(alert.into_posted(&dedup_key, now_micros()))]).await?;
                refused(&out)?;
                Ok(PagerDutyOutcome { dedup_key, alerts: out.kept })
            }
            Event::Resolve { dedup_key } => {
                let firing = self.firing_of_key(actor, &dedup_key).await?;
                let alerts = firing.len();
                if alerts > 0 {
                    let now = now_micros();
                    let batch = firing.into_iter().map(|l| Ok(pagerduty::resolution(l, now))).collect();
                    refused(&self.post_alerts(actor, batch).await?)?;
                }
                Ok(PagerDutyOutcome { dedup_key, alerts })
            }
            // Every firing alert of the key is acknowledged by the sender.
            Event::Acknowledge { dedup_key } => {
                let alerts = self.firing_of_key(actor, &dedup_key).await?;
                for labels in &alerts {
                    let fp = steward_domain::alert::fingerprint_text(labels.fingerprint());
                    self.acknowledge_alert(actor, &fp, true).await?;
                }
                Ok(PagerDutyOutcome { dedup_key, alerts: alerts.len() })
            }
        }
    }

    /// The labels of the firing alerts that carry this PagerDuty key (one,
    /// unless a re-trigger changed its severity or source).
    async fn firing_of_key(&self, actor: &Actor, dedup_key: &str) -> Result<Vec<Labels>, AppError> {
        let m = Matcher::new(DEDUP_LABEL, MatchOp::Equal, dedup_key)
            .map_err(|e| AppError::Invalid(vec![FieldError::new("dedup_key", e)]))?;
        let filter = AlertFilter { matchers: Matchers(vec![m]), ..AlertFilter::default() };
        Ok(self.list_alerts(actor, &filter).await?.into_iter().map(|v| v.alert.labels).collect())
    }
}
