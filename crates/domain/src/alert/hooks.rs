//! Alerts from tools that notify once rather than re-send: a generic JSON
//! webhook (which the shipped Zabbix media type and Nagios script post
//! to) and Alertmanager's webhook payload (version 4). Such a tool sends
//! a problem once and its resolution once, so a firing alert without an
//! end stays firing until its resolution comes — the resolve timeout of
//! `/api/v2`, whose senders repeat every minute, would end it unasked.

use super::{Labels, Posted, Problems};
use crate::code::{Code, not_one_of};
use serde::Deserialize;
use std::collections::BTreeMap;

/// The end of an alert that lasts until resolved: 9999-12-30T00:00:00Z,
/// a day before the last a timestamp can hold in every zone, so every
/// client can read and write it.
pub const UNTIL_RESOLVED: i64 = 253_402_128_000_000_000;

/// Whether the tool says the problem is on or over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HookStatus {
    Firing,
    Resolved,
}

impl HookStatus {
    pub const NAMES: [&'static str; 2] = ["firing", "resolved"];

    pub fn parse(s: &str) -> Option<HookStatus> {
        match s {
            "firing" => Some(HookStatus::Firing),
            "resolved" => Some(HookStatus::Resolved),
            _ => None,
        }
    }
}

/// One alert as the generic webhook and Alertmanager's webhook send it
/// (Alertmanager adds `fingerprint`, ours to compute, so not read).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HookAlertIn {
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
    pub status: Option<String>,
    pub starts_at: Option<String>,
    pub ends_at: Option<String>,
    #[serde(default, rename = "generatorURL")]
    pub generator_url: String,
}

/// A webhook alert read: its status known, its times parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct HookAlert {
    pub status: HookStatus,
    pub labels: Labels,
    pub annotations: Labels,
    pub starts_at: Option<i64>,
    pub ends_at: Option<i64>,
    pub generator_url: String,
}

/// A time a tool sent: RFC 3339; absent, empty or Go's zero time (year 1,
/// what Alertmanager sends for "no end yet") is unset.
pub fn read_time(field: &str, v: Option<&str>) -> Result<Option<i64>, (String, crate::code::Message)> {
    let Some(v) = v.map(str::trim).filter(|v| !v.is_empty()) else { return Ok(None) };
    match v.parse::<jiff::Timestamp>() {
        Ok(t) if t.as_second() < -62_135_596_800 + 86_400 * 366 => Ok(None),
        Ok(t) => Ok(Some(t.as_microsecond())),
        Err(_) => Err((field.to_owned(), Code::NotTime.msg(format!("{v:?} is not an RFC 3339 time")).with("text", v))),
    }
}

fn labels_of(m: BTreeMap<String, String>) -> Labels {
    let mut l = Labels::new();
    for (k, v) in m {
        l.insert(k, v);
    }
    l
}

impl HookAlertIn {
    /// Checks the status and reads the times; problems beside their field
    /// under `prefix` (`[2].` for the third of a batch). Labels are checked
    /// when the alert is kept, as on `/api/v2`.
    pub fn read(self, prefix: &str) -> Result<HookAlert, Problems> {
        let mut problems = Problems::new();
        let status = match self.status.as_deref().map(str::trim) {
            None | Some("") => {
                problems.push((format!("{prefix}status"), Code::Required.msg("is required: firing or resolved")));
                None
            }
            Some(s) => HookStatus::parse(s).or_else(|| {
                problems.push((format!("{prefix}status"), not_one_of(s, &HookStatus::NAMES)));
                None
            }),
        };
        let starts = read_time(&format!("{prefix}startsAt"), self.starts_at.as_deref());
        let ends = read_time(&format!("{prefix}endsAt"), self.ends_at.as_deref());
        problems.extend([&starts, &ends].into_iter().filter_map(|r| r.clone().err()));
        match (status, starts, ends) {
            (Some(status), Ok(starts_at), Ok(ends_at)) if problems.is_empty() => Ok(HookAlert {
                status,
                labels: labels_of(self.labels),
                annotations: labels_of(self.annotations),
                starts_at,
                ends_at,
                generator_url: self.generator_url,
            }),
            _ => Err(problems),
        }
    }
}

impl HookAlert {
    /// The alert to keep at `now`: firing from its start (or now) until
    /// the end it names, or until resolved when it names none; resolved at
    /// its end, or now when it names none or one still to come (the tool
    /// says it is over).
    pub fn into_posted(self, now: i64) -> Posted {
        let (starts_at, ends_at) = match self.status {
            // A start is set: an alert with only an end would start then.
            HookStatus::Firing => (self.starts_at.or(Some(now)), self.ends_at.unwrap_or(UNTIL_RESOLVED)),
            HookStatus::Resolved => (self.starts_at, self.ends_at.map_or(now, |e| e.min(now))),
        };
        Posted {
            labels: self.labels,
            annotations: self.annotations,
            starts_at,
            ends_at: Some(ends_at),
            generator_url: self.generator_url,
        }
    }
}

/// Alertmanager's webhook payload (`webhook_config`), version 4. The
/// group's common labels and annotations are each alert's own already,
/// so only `version` and `alerts` are read.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AlertmanagerWebhook {
    pub version: Option<String>,
    #[serde(default)]
    pub alerts: Vec<serde_json::Value>,
}

/// The payload version Steward reads.
pub const ALERTMANAGER_WEBHOOK_VERSION: &str = "4";

impl AlertmanagerWebhook {
    /// Refuses a version other than 4 (a later one may mean otherwise).
    pub fn check_version(&self) -> Result<(), Problems> {
        match self.version.as_deref() {
            Some(ALERTMANAGER_WEBHOOK_VERSION) => Ok(()),
            None => Err(vec![("version".into(), Code::Required.msg("is required: \"4\""))]),
            Some(v) => Err(vec![("version".into(), not_one_of(v, &[ALERTMANAGER_WEBHOOK_VERSION]))]),
        }
    }
}

#[cfg(test)]
#[path = "hooks_tests.rs"]
mod tests;
