//! Calendars, SLA definitions and group OLAs: what service managers set up.
//! Staff may read them; managers and admins change them. Every change drops
//! the cached rules, so the next write uses the new ones.

use super::history;
use super::snapshot::parse_definition;
use crate::Code;
use crate::{Actor, App, AppError, FieldError};
use jiff::SignedDuration;
use serde::Serialize;
use serde_json::Value;
use steward_domain::access;
use steward_domain::calendar::{CalendarProblem, CalendarSpec, Holiday, parse_ical_holidays, poland_holidays};
use steward_domain::code::unknown_value;
use steward_domain::journal::Action;
use steward_domain::sla::{SlaDefinition, known_kind, normalise_kinds};
use steward_domain::text;
use steward_store::{StoreError, now_micros, sla};

#[derive(Debug, Clone, Serialize)]
pub struct CalendarView {
    pub id: i64,
    pub name: String,
    #[serde(flatten)]
    pub spec: CalendarSpec,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct SlaView {
    pub active: bool,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
    #[serde(flatten)]
    pub definition: SlaDefinition,
}

/// A group's OLA as set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OlaView {
    pub group_id: i64,
    pub target: SignedDuration,
    pub calendar_id: i64,
    pub thresholds: Vec<u8>,
    /// The record kinds whose time with the group it measures.
    pub kinds: Vec<String>,
}

/// Holiday sets that can be added to a calendar in one step.
pub const PRESETS: &[&str] = &["poland"];

fn problems(p: Vec<CalendarProblem>) -> AppError {
    AppError::Invalid(p.into_iter().map(|p| FieldError::new(&p.field, p.reason)).collect())
}

fn check_name(name: &str) -> Result<String, AppError> {
    let name = text::check(name, text::TITLE).map_err(|e| AppError::field("name", e))?;
    if name.trim().is_empty() {
        return Err(AppError::field("name", Code::Required.msg("is required")));
    }
    Ok(name.trim().to_owned())
}

/// The name and spec as stored, once both are checked.
fn checked_calendar(name: &str, spec: &CalendarSpec) -> Result<(String, String), AppError> {
    let name = check_name(name)?;
    spec.validate().map_err(problems)?;
    Ok((name, serde_json::to_string(spec).map_err(|e| AppError::Internal(e.to_string()))?))
}

fn calendar_view(row: sla::CalendarRow) -> Result<CalendarView, AppError> {
    let spec = serde_json::from_str(&row.spec).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(CalendarView {
        id: row.id,
        name: row.name,
        spec,
        version: row.version,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

fn sla_view(row: sla::DefinitionRow) -> Result<SlaView, AppError> {
    Ok(SlaView {
        active: row.active == 1,
        version: row.version,
        created_at: row.created_at,
        updated_at: row.updated_at,
        definition: parse_definition(&row).map_err(AppError::Internal)?,
    })
}

/// A calendar as its journal compares it: the name beside the spec's fields.
fn calendar_value(name: &str, spec: &str) -> Result<Value, AppError> {
    let mut v: Value = serde_json::from_str(spec).map_err(|e| AppError::Internal(e.to_string()))?;
    if let Some(o) = v.as_object_mut() {
        o.insert("name".into(), Value::String(name.to_owned()));
    }
    Ok(v)
}

/// A definition as its journal compares it (as the API shows it).
fn sla_value(row: &sla::DefinitionRow) -> Result<Value, AppError> {
    history::to_value(&sla_view(row.clone())?)
}

impl App {
    pub async fn list_calendars(&self, actor: &Actor) -> Result<Vec<CalendarView>, AppError> {
        staff(actor)?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        sla::calendars(&mut conn).await?.into_iter().map(calendar_view).collect()
    }

    pub async fn get_calendar(&self, actor: &Actor, id: i64) -> Result<CalendarView, AppError> {
        staff(actor)?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        calendar_view(sla::calendar(&mut conn, id).await?.ok_or(AppError::NotFound("calendar"))?)
    }

    pub async fn create_calendar(
        &self,
        actor: &Actor,
        name: &str,
        spec: CalendarSpec,
    ) -> Result<CalendarView, AppError> {
        access::can_manage_service_levels(actor.role)?;
        let (name, json) = checked_calendar(name, &spec)?;
        let who = actor.clone();
        let id = self
            .store
            .write(move |c| {
                Box::pin(async move {
                    let id = sla::insert_calendar(c, &name, &json, now_micros())
                        .await
                        .map_err(|e| duplicate_name(e, "calendar"))?;
                    let changes = history::changes(&Value::Null, &calendar_value(&name, &json)?);
                    history::record(c, history::CALENDAR, id, &who, Action::Created, &changes).await?;
                    Ok::<_, AppError>(id)
                })
            })
            .await?;
        self.get_calendar(actor, id).await
    }

    /// Replaces a calendar's name and spec; `version` is the one read.
    pub async fn update_calendar(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        name: &str,
        spec: CalendarSpec,
    ) -> Result<CalendarView, AppError> {
        access::can_manage_service_levels(actor.role)?;
        let (name, json) = checked_calendar(name, &spec)?;
        let who = actor.clone();
        self.store
            .write(move |c| {
                Box::pin(async move {
                    let old = sla::calendar(c, id).await?;
                    sla::update_calendar(c, id, &name, &json, version, now_micros())
                        .await
                        .map_err(|e| versioned(e, version, "calendar"))?;
                    let old = old.map(|o| calendar_value(&o.name, &o.spec)).transpose()?.unwrap_or(Value::Null);
                    let changes = history::changes(&old, &calendar_value(&name, &json)?);
                    history::record(c, history::CALENDAR, id, &who, Action::Updated, &changes).await
                })
            })
            .await?;
        self.get_calendar(actor, id).await
    }

    /// Adds a preset's holidays (`poland`) to a calendar, skipping ones it has.
    pub async fn add_calendar_preset(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        preset: &str,
    ) -> Result<CalendarView, AppError> {
        let holidays = match preset {
            "poland" => poland_holidays(),
            other => {
                return Err(AppError::field(
                    "preset",
                    unknown_value(
                        format!("unknown preset {other:?}: must be one of {}", PRESETS.join(", ")),
                        other,
                        PRESETS.join(", "),
                    ),
                ));
            }
        };
        self.add_holidays(actor, id, version, holidays).await
    }

    /// Adds the holidays of an iCalendar file (RFC 5545) to a calendar.
    pub async fn import_calendar_ical(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        ical: &str,
    ) -> Result<CalendarView, AppError> {
        access::can_manage_service_levels(actor.role)?;
        let holidays = parse_ical_holidays(ical).map_err(|p| {
            // Problems inside the file are named under `ical.`; the file's
            // own problems are named `ical` already.
            let name = |f: &str| if f == "ical" { f.to_owned() } else { format!("ical.{f}") };
            AppError::Invalid(p.into_iter().map(|p| FieldError::new(&name(&p.field), p.reason)).collect())
        })?;
        self.add_holidays(actor, id, version, holidays).await
    }

    async fn add_holidays(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        holidays: Vec<Holiday>,
    ) -> Result<CalendarView, AppError> {
        access::can_manage_service_levels(actor.role)?;
        let current = self.get_calendar(actor, id).await?;
        let mut spec = current.spec;
        for h in holidays {
            if !spec.holidays.contains(&h) {
                spec.holidays.push(h);
            }
        }
        self.update_calendar(actor, id, version, &current.name, spec).await
    }

    pub async fn list_slas(&self, actor: &Actor) -> Result<Vec<SlaView>, AppError> {
        staff(actor)?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        sla::definitions(&mut conn).await?.into_iter().map(sla_view).collect()
    }

    pub async fn get_sla(&self, actor: &Actor, id: i64) -> Result<SlaView, AppError> {
        staff(actor)?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        sla_view(sla::definition(&mut conn, id).await?.ok_or(AppError::NotFound("SLA definition"))?)
    }

    /// Adds a definition; `def.id` is ignored.
    pub async fn create_sla(&self, actor: &Actor, def: SlaDefinition, active: bool) -> Result<SlaView, AppError> {
        let row = self.checked_sla(actor, def, active).await?;
        let who = actor.clone();
        let id = self
            .store
            .write(move |c| {
                Box::pin(async move {
                    let id = sla::insert_definition(c, &row).await.map_err(|e| duplicate_name(e, "SLA definition"))?;
                    let changes = history::changes(&Value::Null, &sla_value(&row)?);
                    history::record(c, history::SLA, id, &who, Action::Created, &changes).await?;
                    Ok::<_, AppError>(id)
                })
            })
            .await?;
        self.get_sla(actor, id).await
    }

    /// Replaces a definition. Running clocks keep the targets they started
    /// with until the record's priority changes.
    pub async fn update_sla(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        def: SlaDefinition,
        active: bool,
    ) -> Result<SlaView, AppError> {
        let mut row = self.checked_sla(actor, def, active).await?;
        row.id = id;
        row.version = version;
        let who = actor.clone();
        self.store
            .write(move |c| {
                Box::pin(async move {
                    let old = sla::definition(c, id).await?;
                    sla::update_definition(c, &row).await.map_err(|e| match e {
                        StoreError::StaleVersion { current } => AppError::Stale { sent: version, current },
                        StoreError::NotFound => AppError::NotFound("SLA definition"),
                        other => duplicate_name(other, "SLA"),
                    })?;
                    let old = old.as_ref().map(sla_value).transpose()?.unwrap_or(Value::Null);
                    let changes = history::changes(&old, &sla_value(&row)?);
                    history::record(c, history::SLA, id, &who, Action::Updated, &changes).await
                })
            })
            .await?;
        self.get_sla(actor, id).await
    }

    async fn checked_sla(
        &self,
        actor: &Actor,
        def: SlaDefinition,
        active: bool,
    ) -> Result<sla::DefinitionRow, AppError> {
        access::can_manage_service_levels(actor.role)?;
        let mut errs: Vec<FieldError> = match def.validate() {
            Ok(()) => Vec::new(),
            Err(p) => p.into_iter().map(|p| FieldError::new(&p.field, p.reason)).collect(),
        };
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        if sla::calendar(&mut conn, def.calendar_id).await?.is_none() {
            errs.push(FieldError::new(
                "calendar_id",
                Code::NoCalendar.msg(format!("no calendar has id {}", def.calendar_id)).with("id", def.calendar_id),
            ));
        }
        if !errs.is_empty() {
            return Err(AppError::Invalid(errs));
        }
        let now = now_micros();
        Ok(sla::DefinitionRow {
            record_kinds: kinds_json(&normalise_kinds(&def.conditions.kinds))?,
            id: 0,
            name: def.name.trim().to_owned(),
            position: i64::from(def.position),
            active: i64::from(active),
            calendar_id: def.calendar_id,
            definition: serde_json::to_string(&def).map_err(|e| AppError::Internal(e.to_string()))?,
            created_at: now,
            updated_at: now,
            version: 1,
        })
    }

    /// Every group's OLA; staff may read them.
    pub async fn list_olas(&self, actor: &Actor) -> Result<Vec<OlaView>, AppError> {
        staff(actor)?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        Ok(sla::olas(&mut conn)
            .await?
            .into_iter()
            .map(|r| OlaView {
                group_id: r.group_id,
                target: SignedDuration::from_micros(r.target_us),
                calendar_id: r.calendar_id,
                thresholds: serde_json::from_str(&r.thresholds).unwrap_or_default(),
                kinds: stored_kinds(&r.record_kinds),
            })
            .collect())
    }

    /// Sets (or with `None` removes) a group's OLA for incidents: how long
    /// a record may sit with the group, in the calendar's business time.
    pub async fn set_group_ola(
        &self,
        actor: &Actor,
        group_id: i64,
        ola: Option<(SignedDuration, i64, Vec<u8>)>,
    ) -> Result<(), AppError> {
        self.set_group_ola_of(actor, group_id, ola, &[]).await
    }

    /// [`App::set_group_ola`] for these record kinds (none named:
    /// incidents).
    pub async fn set_group_ola_of(
        &self,
        actor: &Actor,
        group_id: i64,
        ola: Option<(SignedDuration, i64, Vec<u8>)>,
        kinds: &[String],
    ) -> Result<(), AppError> {
        access::can_manage_service_levels(actor.role)?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        if let Some((target, calendar_id, thresholds)) = &ola {
            let mut errs = Vec::new();
            for (i, kind) in kinds.iter().enumerate() {
                if !known_kind(kind) {
                    errs.push(FieldError::new(&format!("kinds[{i}]"), steward_domain::sla::unknown_kind(kind)));
                }
            }
            if !target.is_positive() {
                errs.push(FieldError::new("target", Code::Positive.msg("must be longer than zero")));
            }
            if sla::calendar(&mut conn, *calendar_id).await?.is_none() {
                errs.push(FieldError::new(
                    "calendar_id",
                    Code::NoCalendar.msg(format!("no calendar has id {calendar_id}")).with("id", calendar_id),
                ));
            }
            if thresholds.iter().any(|t| !(1..=99).contains(t)) || thresholds.windows(2).any(|w| w[0] >= w[1]) {
                errs.push(FieldError::new(
                    "thresholds",
                    Code::Thresholds.msg("must be rising percents between 1 and 99"),
                ));
            }
            if !errs.is_empty() {
                return Err(AppError::Invalid(errs));
            }
        }
        drop(conn);
        let record_kinds = kinds_json(&normalise_kinds(kinds))?;
        let row = ola
            .map(|(target, calendar_id, thresholds)| -> Result<sla::OlaRow, AppError> {
                Ok(sla::OlaRow {
                    group_id,
                    target_us: super::engine::micros(target),
                    calendar_id,
                    thresholds: serde_json::to_string(&thresholds).map_err(|e| AppError::Internal(e.to_string()))?,
                    updated_at: now_micros(),
                    record_kinds: record_kinds.clone(),
                })
            })
            .transpose()?;
        self.store
            .write(move |c| {
                Box::pin(async move {
                    match &row {
                        Some(r) => sla::set_ola(c, r).await,
                        None => sla::delete_ola(c, group_id).await.map(|_| ()),
                    }
                })
            })
            .await
            .map_err(|e| match e {
                StoreError::MissingReference(_) => AppError::field("group_id", Code::NoSuchGroup.msg("no such group")),
                other => other.into(),
            })?;
        Ok(())
    }
}

/// Record kinds as stored: a JSON list.
fn kinds_json(kinds: &[String]) -> Result<String, AppError> {
    serde_json::to_string(kinds).map_err(|e| AppError::Internal(e.to_string()))
}

/// Record kinds as stored, read back (an unreadable list is the default).
pub(crate) fn stored_kinds(json: &str) -> Vec<String> {
    normalise_kinds(&serde_json::from_str::<Vec<String>>(json).unwrap_or_default())
}

fn staff(actor: &Actor) -> Result<(), AppError> {
    if actor.is_staff() {
        Ok(())
    } else {
        Err(AppError::Forbidden(Code::DenyStaffOnly.msg("only staff can see service-level settings")))
    }
}

/// The answer to a failed versioned update of a `what`.
fn versioned(e: StoreError, version: i64, what: &'static str) -> AppError {
    match e {
        StoreError::StaleVersion { current } => AppError::Stale { sent: version, current },
        StoreError::NotFound => AppError::NotFound(what),
        other => duplicate_name(other, what),
    }
}

fn duplicate_name(e: StoreError, what: &str) -> AppError {
    match e {
        StoreError::Duplicate(_) => {
            AppError::field("name", Code::NameTaken.msg(format!("another {what} already has this name")))
        }
        other => other.into(),
    }
}
