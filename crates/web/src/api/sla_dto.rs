//! JSON shapes of service levels: clocks, calendars, SLA definitions and
//! group OLAs. The calendar and SLA bodies are the domain's own serde
//! shapes (see `steward_domain::calendar` and `steward_domain::sla`), so
//! the API and the stored rules never drift apart.

use super::dto::{opt_time, time};
use serde::{Deserialize, Serialize};
use steward_app::sla::ClockView;
use steward_app::sla::admin::{CalendarView, SlaView};
use steward_domain::calendar::{CalendarSpec, Holiday, WeekHours};
use steward_domain::sla::{PauseOn, PriorityTarget, SlaConditions, SlaDefinition};
use utoipa::ToSchema;

/// One clock of a record: an SLA's response or resolution target, or the
/// time one support group holds the record (an OLA).
#[derive(Serialize, ToSchema)]
pub struct ClockJson {
    #[schema(value_type = super::schema::ClockKind)]
    pub kind: String,
    pub sla_name: Option<String>,
    /// For a `group` clock: the group.
    pub group_name: Option<String>,
    #[schema(value_type = super::schema::ClockState)]
    pub state: String,
    pub target_seconds: i64,
    pub elapsed_seconds: i64,
    /// Business time left; negative once overdue.
    pub remaining_seconds: i64,
    /// Share of the target used (over 100 once overdue).
    pub percent: u32,
    /// When the target runs out, while the clock runs.
    pub due_at: Option<String>,
    pub breached: bool,
    pub breached_at: Option<String>,
    pub started_at: String,
    pub stopped_at: Option<String>,
}

impl From<ClockView> for ClockJson {
    fn from(c: ClockView) -> Self {
        Self {
            kind: c.kind,
            sla_name: c.sla_name,
            group_name: c.group_name,
            state: c.state.to_owned(),
            target_seconds: c.target_seconds,
            elapsed_seconds: c.elapsed_seconds,
            remaining_seconds: c.remaining_seconds,
            percent: c.percent,
            due_at: opt_time(c.due_at),
            breached: c.breached,
            breached_at: opt_time(c.breached_at),
            started_at: time(c.started_at),
            stopped_at: opt_time(c.stopped_at),
        }
    }
}

/// A business calendar.
#[derive(Serialize, ToSchema)]
pub struct CalendarJson {
    pub id: i64,
    pub name: String,
    /// An IANA zone, e.g. `Europe/Warsaw`.
    pub time_zone: String,
    #[schema(value_type = super::schema::WeekHours)]
    pub week: WeekHours,
    #[schema(value_type = Vec<super::schema::Holiday>)]
    pub holidays: Vec<Holiday>,
    /// Send it back with a change (`If-Match` or body `version`).
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

impl From<CalendarView> for CalendarJson {
    fn from(c: CalendarView) -> Self {
        Self {
            id: c.id,
            name: c.name,
            time_zone: c.spec.time_zone,
            week: c.spec.week,
            holidays: c.spec.holidays,
            version: c.version,
            created_at: time(c.created_at),
            updated_at: time(c.updated_at),
        }
    }
}

/// A calendar to create, or the whole new content of one (PUT).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarBody {
    pub name: String,
    pub time_zone: String,
    #[serde(default)]
    #[schema(value_type = super::schema::WeekHours)]
    pub week: WeekHours,
    #[serde(default)]
    #[schema(value_type = Vec<super::schema::Holiday>)]
    pub holidays: Vec<Holiday>,
    /// For PUT: the version you read (or send `If-Match`).
    pub version: Option<i64>,
}

impl CalendarBody {
    pub fn split(self) -> (String, CalendarSpec, Option<i64>) {
        (self.name, CalendarSpec { time_zone: self.time_zone, week: self.week, holidays: self.holidays }, self.version)
    }
}

/// An SLA definition.
#[derive(Serialize, ToSchema)]
pub struct SlaJson {
    pub id: i64,
    pub name: String,
    /// Lower first: the first matching definition applies.
    pub position: i32,
    pub active: bool,
    pub calendar_id: i64,
    #[schema(value_type = super::schema::SlaConditions)]
    pub conditions: SlaConditions,
    /// The record kinds it applies to (`conditions.kinds` as it is read:
    /// none named there means incidents).
    pub record_kinds: Vec<String>,
    /// Per priority: `{"priority": 1, "response": "PT15M", "resolution": "PT4H"}`.
    #[schema(value_type = Vec<super::schema::PriorityTarget>)]
    pub targets: Vec<PriorityTarget>,
    /// States (and hold reasons) in which the clocks stand still.
    #[schema(value_type = Vec<super::schema::PauseOn>)]
    pub pause_on: Vec<PauseOn>,
    /// Warning thresholds, percent of the target.
    pub thresholds: Vec<u8>,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

impl From<SlaView> for SlaJson {
    fn from(v: SlaView) -> Self {
        let d = v.definition;
        Self {
            id: d.id,
            name: d.name,
            position: d.position,
            active: v.active,
            calendar_id: d.calendar_id,
            record_kinds: steward_domain::sla::normalise_kinds(&d.conditions.kinds),
            conditions: d.conditions,
            targets: d.targets,
            pause_on: d.pause_on,
            thresholds: d.thresholds,
            version: v.version,
            created_at: time(v.created_at),
            updated_at: time(v.updated_at),
        }
    }
}

fn yes() -> bool {
    true
}

fn default_position() -> i32 {
    100
}

/// An SLA definition to create, or the whole new content of one (PUT).
/// Durations: `"4h 30m"`, `"PT4H"` or whole seconds.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SlaBody {
    pub name: String,
    /// Default 100.
    #[serde(default = "default_position")]
    pub position: i32,
    /// Default true.
    #[serde(default = "yes")]
    pub active: bool,
    pub calendar_id: i64,
    /// Which records it applies to: `kinds`, `priorities`, `services`,
    /// `organisation_ids`, `categories`; empty lists mean any.
    #[serde(default)]
    #[schema(value_type = super::schema::SlaConditions)]
    pub conditions: SlaConditions,
    #[schema(value_type = Vec<super::schema::PriorityTarget>)]
    pub targets: Vec<PriorityTarget>,
    /// Default: on hold awaiting the caller or a vendor.
    #[serde(default = "PauseOn::defaults")]
    #[schema(value_type = Vec<super::schema::PauseOn>)]
    pub pause_on: Vec<PauseOn>,
    #[serde(default)]
    pub thresholds: Vec<u8>,
    /// For PUT: the version you read (or send `If-Match`).
    pub version: Option<i64>,
}

impl SlaBody {
    pub fn split(self) -> (SlaDefinition, bool, Option<i64>) {
        let def = SlaDefinition {
            id: 0,
            name: self.name,
            position: self.position,
            conditions: self.conditions,
            targets: self.targets,
            calendar_id: self.calendar_id,
            pause_on: self.pause_on,
            thresholds: self.thresholds,
        };
        (def, self.active, self.version)
    }
}

/// A duration as a client writes it: text (`"2h"`, `"PT2H"`) or seconds.
#[derive(Deserialize)]
#[serde(untagged)]
pub enum DurationText {
    Seconds(i64),
    Text(String),
}

/// A support group's OLA: how long a record may sit with the group.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OlaBody {
    /// `"2h"`, `"PT2H"` or whole seconds, in the calendar's business time.
    #[schema(value_type = super::schema::Duration)]
    pub target: DurationText,
    pub calendar_id: i64,
    #[serde(default)]
    pub thresholds: Vec<u8>,
    /// The record kinds whose time with the group it measures:
    /// `incident`, `problem`. Default: incidents.
    #[serde(default)]
    pub kinds: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct OlaJson {
    pub group: String,
    /// ISO 8601, e.g. `PT2H`.
    pub target: String,
    pub calendar_id: i64,
    pub thresholds: Vec<u8>,
    /// The record kinds it measures, when other than incidents only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kinds: Option<Vec<String>>,
}
