//! The JSON shapes of checks: a check with where it stands, its results,
//! rollups and events, a service's availability; and the schema mirror of
//! a check's definition (`steward_domain::check::CheckDef`, read and
//! written by serde there).
#![allow(dead_code)]

use super::dto::{Ref, opt_time, time};
use serde::Serialize;
use steward_app::checks::{CheckView, history::Availability};
use steward_store::checks::{EventRow, ResultRow, RollupRow};
use utoipa::ToSchema;

/// A check: what it runs, what it watches and where it stands.
#[derive(Serialize, ToSchema)]
pub struct CheckJson {
    pub id: i64,
    pub name: String,
    #[schema(value_type = CheckDefinition)]
    pub definition: steward_domain::check::CheckDef,
    /// The CI it watches.
    pub ci: Option<Ref>,
    /// The service it watches: its results make the service's availability.
    pub service: Option<Ref>,
    /// false: it does not run.
    pub enabled: bool,
    pub state: CheckStateJson,
    pub created_at: String,
    pub updated_at: String,
    /// Send it back with an edit (body `version` or `If-Match`).
    pub version: i64,
}

/// Where a check stands, as Nagios keeps a service's state.
#[derive(Serialize, ToSchema)]
pub struct CheckStateJson {
    /// The latest result's status.
    #[schema(value_type = CheckStatus)]
    pub status: String,
    /// soft: a problem not confirmed yet (`attempt` of `max_attempts`).
    #[schema(value_type = StateTypeName)]
    pub state_type: String,
    /// The last confirmed status: what alerts and lists go by.
    #[schema(value_type = CheckStatus)]
    pub hard_status: String,
    pub attempt: i64,
    pub max_attempts: i64,
    pub flapping: bool,
    /// Nagios's weighted percent state change over the last 21 states.
    pub percent_change: f64,
    pub last_result_at: Option<String>,
    pub last_message: Option<String>,
    pub last_latency_ms: Option<i64>,
    /// None while disabled.
    pub next_run_at: Option<String>,
}

impl From<CheckView> for CheckJson {
    fn from(v: CheckView) -> Self {
        let (c, s) = (v.row.check, v.row.state);
        let reference = |r: Option<(i64, String)>| r.map(|(id, name)| Ref { id, name });
        CheckJson {
            id: c.id,
            name: c.name,
            ci: reference(v.ci),
            service: reference(v.service),
            enabled: c.enabled != 0,
            state: CheckStateJson {
                status: s.status,
                state_type: s.state_type,
                hard_status: s.hard_status,
                attempt: s.attempt,
                max_attempts: i64::from(v.definition.retries) + 1,
                flapping: s.flapping != 0,
                percent_change: v.state.percent_change,
                last_result_at: opt_time(s.last_at),
                last_message: s.last_message,
                last_latency_ms: s.last_latency_ms,
                next_run_at: opt_time(s.next_run_at),
            },
            definition: v.definition,
            created_at: time(c.created_at),
            updated_at: time(c.updated_at),
            version: c.version,
        }
    }
}

/// A check's results over a period: raw results, or (for longer or older
/// periods) buckets of a minute, an hour or a day.
#[derive(Serialize, ToSchema)]
pub struct HistoryJson {
    #[schema(value_type = HistorySpan)]
    pub span: String,
    pub from_at: String,
    pub to_at: String,
    /// With `span` raw.
    pub results: Vec<ResultJson>,
    /// With another span: results counted per bucket.
    pub buckets: Vec<BucketJson>,
}

/// One run's result.
#[derive(Serialize, ToSchema)]
pub struct ResultJson {
    pub at: String,
    #[schema(value_type = CheckStatus)]
    pub status: String,
    pub latency_ms: i64,
    pub message: String,
    /// The plugin's performance data.
    #[schema(value_type = Vec<PerfDatum>)]
    pub perfdata: serde_json::Value,
}

impl From<ResultRow> for ResultJson {
    fn from(r: ResultRow) -> Self {
        ResultJson {
            at: time(r.at),
            status: r.status,
            latency_ms: r.latency_ms,
            message: r.message,
            perfdata: serde_json::from_str(&r.perfdata).unwrap_or_else(|_| serde_json::json!([])),
        }
    }
}

/// Results counted in one bucket.
#[derive(Serialize, ToSchema)]
pub struct BucketJson {
    /// The bucket's start.
    pub starts_at: String,
    pub ok: i64,
    pub warning: i64,
    pub critical: i64,
    pub unknown: i64,
    pub latency_avg_ms: i64,
    pub latency_max_ms: i64,
}

impl From<RollupRow> for BucketJson {
    fn from(r: RollupRow) -> Self {
        let n = r.ok + r.warning + r.critical + r.unknown;
        BucketJson {
            starts_at: time(r.bucket),
            latency_avg_ms: if n > 0 { r.latency_sum_ms / n } else { 0 },
            ok: r.ok,
            warning: r.warning,
            critical: r.critical,
            unknown: r.unknown,
            latency_max_ms: r.latency_max_ms,
        }
    }
}

/// A hard state change, or flapping starting or stopping: what alerts
/// are raised from.
#[derive(Serialize, ToSchema)]
pub struct CheckEventJson {
    pub id: i64,
    pub at: String,
    #[schema(value_type = CheckEventKind)]
    pub kind: String,
    #[schema(value_type = CheckStatus)]
    pub from: String,
    #[schema(value_type = CheckStatus)]
    pub to: String,
    /// false while the check flaps: recorded, not notified.
    pub notify: bool,
    pub message: String,
}

impl From<EventRow> for CheckEventJson {
    fn from(e: EventRow) -> Self {
        CheckEventJson {
            id: e.id,
            at: time(e.at),
            kind: e.kind,
            from: e.from_status,
            to: e.to_status,
            notify: e.notify != 0,
            message: e.message,
        }
    }
}

/// A service's availability over the last days, from its checks.
#[derive(Serialize, ToSchema)]
pub struct AvailabilityJson {
    pub service: Ref,
    pub days: i64,
    pub from_at: String,
    pub to_at: String,
    /// Checks watching the service.
    pub checks: i64,
    pub ok: i64,
    pub warning: i64,
    pub critical: i64,
    pub unknown: i64,
    /// The share (0–1) of results with a known status in which the
    /// service answered (ok or warning); every result weighs the same.
    /// None without results.
    #[schema(minimum = 0, maximum = 1)]
    pub availability: Option<f64>,
}

impl From<Availability> for AvailabilityJson {
    fn from(a: Availability) -> Self {
        AvailabilityJson {
            service: Ref { id: a.service.0, name: a.service.1 },
            days: a.days,
            from_at: time(a.from),
            to_at: time(a.to),
            checks: a.checks,
            ok: a.totals.ok,
            warning: a.totals.warning,
            critical: a.totals.critical,
            unknown: a.totals.unknown,
            availability: a.availability,
        }
    }
}

macro_rules! word_enum {
    ($(#[$m:meta])* $name:ident { $($v:ident),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Serialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($v),+ }
    };
}

word_enum!(
    /// A check result's status (Nagios's 0–3).
    CheckStatus { Ok, Warning, Critical, Unknown }
);
word_enum!(
    /// Whether a state is confirmed.
    StateTypeName { Soft, Hard }
);
word_enum!(
    /// What an answer's history is made of.
    HistorySpan { Raw, Minute, Hour, Day }
);
word_enum!(
    /// What a check event records.
    CheckEventKind { Hard, FlappingStarted, FlappingStopped }
);
word_enum!(
    /// A kind of check.
    CheckKindName { Http, Tcp, Dns, Tls, Ping, Plugin }
);

/// An HTTP check's method.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum HttpMethodName {
    Get,
    Head,
}

/// A DNS record type.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum RecordTypeName {
    A,
    Aaaa,
    Cname,
    Mx,
    Txt,
}

/// One measured value of a plugin's performance data.
#[derive(Serialize, ToSchema)]
pub struct PerfDatum {
    pub label: String,
    /// None: undetermined (`U`).
    pub value: Option<f64>,
    /// The unit: `none`, `seconds`, `percent`, `bytes`, … or `{"other": "…"}`.
    #[schema(value_type = Object)]
    pub uom: serde_json::Value,
    #[schema(required = false)]
    pub warn: Option<String>,
    #[schema(required = false)]
    pub crit: Option<String>,
    #[schema(required = false)]
    pub min: Option<f64>,
    #[schema(required = false)]
    pub max: Option<f64>,
}

/// What a check runs: its kind with the kind's settings, how often
/// (`interval_secs`), how long a run may take (`timeout_ms`, shorter than
/// the interval) and how many failed runs after the first make a problem
/// confirmed (`retries`).
#[derive(Serialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CheckDefinition {
    Http {
        /// An http:// or https:// address.
        url: String,
        #[schema(required = false)]
        method: HttpMethodName,
        /// Statuses that count as up (`200-299`, `301`); none: 200–399.
        #[schema(required = false)]
        expected_status: Vec<String>,
        /// Text the body must contain.
        #[schema(required = false)]
        body_contains: String,
        /// A condition on the JSON body, e.g. `$.status == "up"`.
        #[schema(required = false)]
        json_condition: String,
        /// A slower answer is a warning.
        #[schema(required = false, minimum = 1)]
        max_response_ms: u32,
        #[schema(minimum = 10, maximum = 86400)]
        interval_secs: u32,
        #[schema(minimum = 100)]
        timeout_ms: u32,
        #[schema(required = false, minimum = 0, maximum = 10)]
        retries: u8,
    },
    Tcp {
        host: String,
        #[schema(minimum = 1, maximum = 65535)]
        port: u16,
        #[schema(minimum = 10, maximum = 86400)]
        interval_secs: u32,
        #[schema(minimum = 100)]
        timeout_ms: u32,
        #[schema(required = false, minimum = 0, maximum = 10)]
        retries: u8,
    },
    Dns {
        /// The name to look up.
        name: String,
        record_type: RecordTypeName,
        /// A value one of the answers must equal.
        #[schema(required = false)]
        expected: String,
        /// The server to ask (an IP, with or without a port); the
        /// system's without it.
        #[schema(required = false)]
        server: String,
        #[schema(minimum = 10, maximum = 86400)]
        interval_secs: u32,
        #[schema(minimum = 100)]
        timeout_ms: u32,
        #[schema(required = false, minimum = 0, maximum = 10)]
        retries: u8,
    },
    Tls {
        host: String,
        #[schema(required = false, minimum = 1, maximum = 65535)]
        port: u16,
        #[schema(required = false, minimum = 0, maximum = 3650)]
        warn_days: u16,
        #[schema(required = false, minimum = 0, maximum = 3650)]
        critical_days: u16,
        #[schema(minimum = 10, maximum = 86400)]
        interval_secs: u32,
        #[schema(minimum = 100)]
        timeout_ms: u32,
        #[schema(required = false, minimum = 0, maximum = 10)]
        retries: u8,
    },
    Ping {
        host: String,
        #[schema(minimum = 10, maximum = 86400)]
        interval_secs: u32,
        #[schema(minimum = 100)]
        timeout_ms: u32,
        #[schema(required = false, minimum = 0, maximum = 10)]
        retries: u8,
    },
    Plugin {
        /// A file in the configured plugin folder, by name alone.
        file: String,
        /// One argument each; there is no shell.
        #[schema(required = false, max_items = 64)]
        args: Vec<String>,
        #[schema(minimum = 10, maximum = 86400)]
        interval_secs: u32,
        #[schema(minimum = 100)]
        timeout_ms: u32,
        #[schema(required = false, minimum = 0, maximum = 10)]
        retries: u8,
    },
}
