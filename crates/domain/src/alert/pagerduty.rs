//! PagerDuty's Events API v2 (`POST /v2/enqueue`), so a tool set up for
//! PagerDuty sends to Steward by a change of URL. An event triggers,
//! acknowledges or resolves the alert of its `dedup_key`; a trigger's
//! alert is labelled with that key (so a repeat is the same alert and a
//! resolution finds it) and with the payload's source, severity,
//! component, group and class, and lasts until resolved.

use super::{Labels, Posted, Problems, hooks::UNTIL_RESOLVED, hooks::read_time};
use crate::code::{Code, not_one_of};
use serde::Deserialize;

/// The label holding the event's `dedup_key`.
pub const DEDUP_LABEL: &str = "dedup_key";
/// PagerDuty's limits.
pub const SUMMARY_MAX: usize = 1024;
pub const DEDUP_KEY_MAX: usize = 255;
pub const SEVERITIES: [&str; 4] = ["critical", "error", "warning", "info"];
pub const ACTIONS: [&str; 3] = ["trigger", "acknowledge", "resolve"];

/// An event as posted; everything optional here so that every missing
/// field is named at once.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EventIn {
    pub routing_key: Option<String>,
    pub event_action: Option<String>,
    pub dedup_key: Option<String>,
    pub payload: Option<PayloadIn>,
    pub client: Option<String>,
    pub client_url: Option<String>,
    #[serde(default)]
    pub links: Vec<serde_json::Value>,
    #[serde(default)]
    pub images: Vec<serde_json::Value>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PayloadIn {
    pub summary: Option<String>,
    pub source: Option<String>,
    pub severity: Option<String>,
    pub timestamp: Option<String>,
    pub component: Option<String>,
    pub group: Option<String>,
    pub class: Option<String>,
    pub custom_details: Option<serde_json::Value>,
}

/// What the event asks.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// Fire the alert; `dedup_key` is `None` when the tool sent none (the
    /// app makes one up and answers it, as PagerDuty does).
    Trigger {
        dedup_key: Option<String>,
        alert: Trigger,
    },
    Acknowledge {
        dedup_key: String,
    },
    Resolve {
        dedup_key: String,
    },
}

/// A trigger's alert, all but its key.
#[derive(Debug, Clone, PartialEq)]
pub struct Trigger {
    pub labels: Labels,
    pub annotations: Labels,
    pub starts_at: Option<i64>,
    pub generator_url: String,
}

impl Trigger {
    /// The alert to keep: its labels with the key, firing from its
    /// timestamp (or `now`) until resolved.
    pub fn into_posted(self, dedup_key: &str, now: i64) -> Posted {
        let mut labels = self.labels;
        labels.insert(DEDUP_LABEL, dedup_key);
        Posted {
            labels,
            annotations: self.annotations,
            starts_at: self.starts_at.or(Some(now)),
            ends_at: Some(UNTIL_RESOLVED),
            generator_url: self.generator_url,
        }
    }
}

/// The alert that ends `dedup_key`'s: the labels of the one kept, ending
/// at `now` (its start stays, as the two are merged).
pub fn resolution(labels: Labels, now: i64) -> Posted {
    Posted { labels, ends_at: Some(now), ..Posted::default() }
}

fn required(field: &str) -> (String, crate::code::Message) {
    (field.to_owned(), Code::Required.msg("is required"))
}

/// A text that must be there and not blank.
fn present(problems: &mut Problems, field: &str, v: Option<String>) -> String {
    match v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()) {
        Some(s) => s,
        None => {
            problems.push(required(field));
            String::new()
        }
    }
}

fn too_long(field: &str, max: usize, got: usize) -> (String, crate::code::Message) {
    let m = Code::TooLong.msg(format!("must be at most {max} characters")).with("max", max).with("got", got);
    (field.to_owned(), m)
}

/// JSON text of a value, for an annotation.
fn text_of(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

impl EventIn {
    /// Checks the event as PagerDuty does: a known action; a trigger's
    /// summary, source and a known severity; a key for acknowledge and
    /// resolve; PagerDuty's lengths.
    pub fn check(self) -> Result<Event, Problems> {
        let mut problems = Problems::new();
        let dedup_key = self.dedup_key.map(|k| k.trim().to_owned()).filter(|k| !k.is_empty());
        if let Some(k) = &dedup_key {
            let n = k.chars().count();
            if n > DEDUP_KEY_MAX {
                problems.push(too_long("dedup_key", DEDUP_KEY_MAX, n));
            }
        }
        let action = match self.event_action.as_deref().map(str::trim) {
            None | Some("") => {
                problems.push(required("event_action"));
                None
            }
            Some(a) if ACTIONS.contains(&a) => Some(a.to_owned()),
            Some(a) => {
                problems.push(("event_action".into(), not_one_of(a, &ACTIONS)));
                None
            }
        };
        let event = match action.as_deref() {
            Some("trigger") => {
                let alert = trigger(&mut problems, self.payload, self.client, self.client_url, &self.links);
                Some(Event::Trigger { dedup_key, alert })
            }
            Some(a) => match dedup_key {
                Some(k) if a == "resolve" => Some(Event::Resolve { dedup_key: k }),
                Some(k) => Some(Event::Acknowledge { dedup_key: k }),
                None => {
                    problems.push((
                        "dedup_key".into(),
                        Code::Required.msg(format!("is required to {a}: the key the trigger was answered")),
                    ));
                    None
                }
            },
            None => None,
        };
        match event {
            Some(e) if problems.is_empty() => Ok(e),
            _ => Err(problems),
        }
    }
}

fn trigger(
    problems: &mut Problems,
    payload: Option<PayloadIn>,
    client: Option<String>,
    client_url: Option<String>,
    links: &[serde_json::Value],
) -> Trigger {
    let Some(p) = payload else {
        problems.push(required("payload"));
        return Trigger {
            labels: Labels::new(),
            annotations: Labels::new(),
            starts_at: None,
            generator_url: String::new(),
        };
    };
    let summary = present(problems, "payload.summary", p.summary);
    let n = summary.chars().count();
    if n > SUMMARY_MAX {
        problems.push(too_long("payload.summary", SUMMARY_MAX, n));
    }
    let source = present(problems, "payload.source", p.source);
    let severity = present(problems, "payload.severity", p.severity);
    if !severity.is_empty() && !SEVERITIES.contains(&severity.as_str()) {
        problems.push(("payload.severity".into(), not_one_of(&severity, &SEVERITIES)));
    }
    let starts_at = read_time("payload.timestamp", p.timestamp.as_deref()).unwrap_or_else(|e| {
        problems.push(e);
        None
    });
    let mut labels = Labels::new();
    labels.insert("source", source);
    labels.insert("severity", severity);
    for (name, v) in [("component", p.component), ("group", p.group), ("class", p.class)] {
        if let Some(v) = v {
            labels.insert(name, v);
        }
    }
    let mut annotations = Labels::new();
    annotations.insert("summary", summary);
    if let Some(d) = p.custom_details.filter(|d| !d.is_null()) {
        annotations.insert("custom_details", text_of(&d));
    }
    if let Some(c) = client {
        annotations.insert("client", c);
    }
    if !links.is_empty() {
        annotations.insert("links", serde_json::Value::Array(links.to_vec()).to_string());
    }
    Trigger { labels, annotations, starts_at, generator_url: client_url.unwrap_or_default() }
}

#[cfg(test)]
#[path = "pagerduty_tests.rs"]
mod tests;
