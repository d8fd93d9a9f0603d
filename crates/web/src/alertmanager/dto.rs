//! Alertmanager 0.25's JSON shapes (its OpenAPI document's `postableAlert`,
//! `gettableAlert`, `alertGroup`, `postableSilence`, `gettableSilence`,
//! `alertmanagerStatus`), which amtool's generated client checks.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::OnceLock;
use steward_app::alerts::{AlertView, PostedSilence, SilenceView};
use steward_domain::alert::{ApiMatcher, Labels, Posted, Problems, RoutingSpec, fingerprint_text};
use steward_domain::code::Code;

/// When this process began serving (the status's `uptime`).
pub fn started() -> jiff::Timestamp {
    static START: OnceLock<jiff::Timestamp> = OnceLock::new();
    *START.get_or_init(jiff::Timestamp::now)
}

/// A time as Alertmanager writes it: RFC 3339 in UTC, milliseconds.
fn time(micros: i64) -> String {
    jiff::Timestamp::from_microsecond(micros)
        .map(|t| t.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
        .unwrap_or_default()
}

/// A posted time: absent, empty or Go's zero time (year 1) is unset.
fn posted_time(field: String, v: Option<&str>) -> Result<Option<i64>, (String, steward_domain::code::Message)> {
    let Some(v) = v.map(str::trim).filter(|v| !v.is_empty()) else { return Ok(None) };
    match v.parse::<jiff::Timestamp>() {
        Ok(t) if t.strftime("%Y").to_string() == "0001" => Ok(None),
        Ok(t) => Ok(Some(t.as_microsecond())),
        Err(_) => Err((field, Code::NotTime.msg(format!("{v:?} is not an RFC 3339 time")).with("text", v))),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PostableAlert {
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
    pub starts_at: Option<String>,
    pub ends_at: Option<String>,
    #[serde(default, rename = "generatorURL")]
    pub generator_url: String,
}

impl PostableAlert {
    /// The alert at position `i` of its batch, its times read.
    pub fn into_posted(self, i: usize) -> Result<Posted, Problems> {
        let starts = posted_time(format!("[{i}].startsAt"), self.starts_at.as_deref());
        let ends = posted_time(format!("[{i}].endsAt"), self.ends_at.as_deref());
        let problems: Problems = [&starts, &ends].into_iter().filter_map(|r| r.clone().err()).collect();
        if !problems.is_empty() {
            return Err(problems);
        }
        let to_labels = |m: BTreeMap<String, String>| {
            let mut l = Labels::new();
            for (k, v) in m {
                l.insert(k, v);
            }
            l
        };
        Ok(Posted {
            labels: to_labels(self.labels),
            annotations: to_labels(self.annotations),
            starts_at: starts.ok().flatten(),
            ends_at: ends.ok().flatten(),
            generator_url: self.generator_url,
        })
    }
}

#[derive(Serialize)]
pub struct Receiver {
    pub name: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AlertStatus {
    pub state: &'static str,
    pub silenced_by: Vec<String>,
    pub inhibited_by: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GettableAlert {
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
    pub starts_at: String,
    pub ends_at: String,
    pub updated_at: String,
    #[serde(rename = "generatorURL")]
    pub generator_url: String,
    pub fingerprint: String,
    pub receivers: Vec<Receiver>,
    pub status: AlertStatus,
}

impl GettableAlert {
    pub fn new(v: AlertView) -> Self {
        let state = v.state();
        let receivers = v.receivers().into_iter().map(|name| Receiver { name: name.to_owned() }).collect();
        let inhibited_by = v.inhibited_by.iter().map(|fp| fingerprint_text(*fp)).collect();
        let a = v.alert;
        Self {
            fingerprint: fingerprint_text(a.fingerprint),
            labels: a.labels.into_map(),
            annotations: a.annotations.into_map(),
            starts_at: time(a.starts_at),
            ends_at: time(a.ends_at),
            updated_at: time(a.updated_at),
            generator_url: a.generator_url,
            receivers,
            status: AlertStatus { state, silenced_by: v.silenced_by, inhibited_by },
        }
    }
}

#[derive(Serialize)]
pub struct AlertGroup {
    pub labels: BTreeMap<String, String>,
    pub receiver: Receiver,
    pub alerts: Vec<GettableAlert>,
}

/// The alerts grouped as the routing tree groups them: one group per
/// route and `group_by` labels, with the route's receiver, in the order
/// of their first alert; an alert two routes take is in both.
pub fn groups(list: Vec<AlertView>, receiver: Option<&dyn Fn(&str) -> bool>) -> Vec<AlertGroup> {
    let mut out: Vec<AlertGroup> = Vec::new();
    for v in list {
        for (rcv, labels) in v.groups.clone() {
            if receiver.is_some_and(|wanted| !wanted(&rcv)) {
                continue;
            }
            let labels = labels.into_map();
            let alert = GettableAlert::new(v.clone());
            match out.iter_mut().find(|g| g.labels == labels && g.receiver.name == rcv) {
                Some(g) => g.alerts.push(alert),
                None => out.push(AlertGroup { labels, receiver: Receiver { name: rcv }, alerts: vec![alert] }),
            }
        }
    }
    out
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PostableSilence {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub matchers: Vec<ApiMatcher>,
    pub starts_at: Option<String>,
    pub ends_at: Option<String>,
    #[serde(default)]
    pub created_by: String,
    #[serde(default)]
    pub comment: String,
}

impl PostableSilence {
    pub fn into_posted(self) -> Result<PostedSilence, Problems> {
        let starts = posted_time("startsAt".into(), self.starts_at.as_deref());
        let ends = posted_time("endsAt".into(), self.ends_at.as_deref());
        let mut problems: Problems = [&starts, &ends].into_iter().filter_map(|r| r.clone().err()).collect();
        let required = |field: &str| (field.to_owned(), Code::Required.msg("is required"));
        let (Ok(starts), Ok(ends)) = (starts, ends) else { return Err(problems) };
        if starts.is_none() {
            problems.push(required("startsAt"));
        }
        if ends.is_none() {
            problems.push(required("endsAt"));
        }
        let (Some(starts_at), Some(ends_at)) = (starts, ends) else { return Err(problems) };
        Ok(PostedSilence {
            id: self.id,
            matchers: self.matchers,
            starts_at,
            ends_at,
            created_by: self.created_by,
            comment: self.comment,
        })
    }
}

#[derive(Serialize)]
pub struct SilenceStatus {
    pub state: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GettableSilence {
    pub id: String,
    pub status: SilenceStatus,
    pub updated_at: String,
    pub matchers: Vec<ApiMatcher>,
    pub starts_at: String,
    pub ends_at: String,
    pub created_by: String,
    pub comment: String,
}

impl From<SilenceView> for GettableSilence {
    fn from(v: SilenceView) -> Self {
        let s = v.silence;
        Self {
            id: v.id,
            status: SilenceStatus { state: v.state.as_str() },
            updated_at: time(v.updated_at),
            matchers: s.matchers.iter().map(ApiMatcher::from).collect(),
            starts_at: time(s.starts_at),
            ends_at: time(s.ends_at),
            created_by: s.created_by,
            comment: s.comment,
        }
    }
}

/// `GET /api/v2/status`: one node as Alertmanager describes itself with
/// clustering off; the configuration is the routing Steward applies, as
/// Alertmanager's YAML would say it.
pub fn status(config: &RoutingSpec) -> serde_json::Value {
    serde_json::json!({
        "cluster": { "status": "disabled", "peers": [] },
        "versionInfo": {
            "version": env!("CARGO_PKG_VERSION"),
            "revision": "",
            "branch": "",
            "buildUser": "steward",
            "buildDate": "",
            "goVersion": "none (Steward is written in Rust)"
        },
        "config": { "original": config.to_yaml() },
        "uptime": started().strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
    })
}
