//! The change calendar's freezes (blackout periods) and services'
//! maintenance windows: kept by managers and admins, read by the desk,
//! checked at the edge with every field's problem at once.

use crate::{
    Actor, App, Code,
    error::{AppError, Errors},
};
use steward_domain::{
    change::{
        can_view_change,
        conflicts::{MaintenanceWindow as Spec, can_keep_calendar},
    },
    text,
};
use steward_store::{
    StoreError,
    change_calendar::{self as store, Freeze, MaintenanceWindow},
    now_micros,
};

/// A freeze may last at most a year: the calendar finds them by their start.
pub const LONGEST_FREEZE: i64 = 366 * 24 * 3600 * 1_000_000;

/// A freeze as sent.
#[derive(Debug, Clone, Default)]
pub struct NewFreeze {
    pub name: String,
    /// RFC 3339 times.
    pub starts_at: String,
    pub ends_at: String,
    /// Service names; none: every service.
    pub services: Vec<String>,
    pub note: Option<String>,
}

/// A maintenance window as sent.
#[derive(Debug, Clone, Default)]
pub struct NewWindow {
    pub name: String,
    /// The service's name; none: every service.
    pub service: Option<String>,
    pub days: Vec<String>,
    pub start: String,
    pub minutes: i64,
    pub time_zone: String,
}

impl App {
    pub async fn add_freeze(&self, actor: &Actor, f: NewFreeze) -> Result<Freeze, AppError> {
        can_keep_calendar(actor.role)?;
        let mut errs = Errors::default();
        let name = errs.check("name", text::check(&f.name, text::NAME));
        let note = f.note.as_deref().and_then(|n| errs.check("note", text::check(n, text::DESCRIPTION)));
        let starts = errs.check("starts_at", crate::incidents::parse_time(f.starts_at.trim()));
        let ends = errs.check("ends_at", crate::incidents::parse_time(f.ends_at.trim()));
        if let (Some(s), Some(e)) = (starts, ends) {
            if e <= s {
                errs.add("ends_at", Code::EndBeforeStart.msg("must be after starts_at").with("start", "starts_at"));
            } else if e - s > LONGEST_FREEZE {
                errs.add("ends_at", crate::error::between("starts_at", "a year after it"));
            }
        }
        let mut services = Vec::new();
        for (i, s) in f.services.iter().enumerate() {
            match self.resolve_service(s).await {
                Ok((id, _)) => services.push(id),
                Err(AppError::Invalid(found)) => {
                    for e in found {
                        errs.add(&format!("services[{i}]"), back(e));
                    }
                }
                Err(e) => return Err(e),
            }
        }
        errs.finish()?;
        let (Some(name), Some(starts_at), Some(ends_at)) = (name, starts, ends) else {
            return Err(AppError::Internal("a freeze passed its checks half".into()));
        };
        services.sort_unstable();
        services.dedup();
        let mut freeze = Freeze {
            id: 0,
            name,
            starts_at,
            ends_at,
            services: serde_json::to_string(&services).map_err(|e| AppError::Internal(e.to_string()))?,
            note: note.filter(|n| !n.is_empty()),
            created_at: now_micros(),
            created_by: Some(actor.id),
        };
        let row = freeze.clone();
        freeze.id = self.store.write(move |c| Box::pin(async move { store::insert_freeze(c, &row).await })).await?;
        Ok(freeze)
    }

    /// The freezes that overlap [from, to).
    pub async fn freezes(&self, actor: &Actor, from: i64, to: i64) -> Result<Vec<Freeze>, AppError> {
        can_view_change(actor.role)?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        Ok(store::freezes_in(&mut conn, from, to, LONGEST_FREEZE).await?)
    }

    pub async fn delete_freeze(&self, actor: &Actor, id: i64) -> Result<(), AppError> {
        can_keep_calendar(actor.role)?;
        let gone = self.store.write(move |c| Box::pin(async move { store::delete_freeze(c, id).await })).await?;
        if gone { Ok(()) } else { Err(AppError::NotFound("freeze")) }
    }

    pub async fn add_maintenance_window(&self, actor: &Actor, w: NewWindow) -> Result<MaintenanceWindow, AppError> {
        can_keep_calendar(actor.role)?;
        let mut errs = Errors::default();
        let name = errs.check("name", text::check(&w.name, text::NAME));
        if let Err(problems) = Spec::parse(&w.days, &w.start, w.minutes, &w.time_zone) {
            for (field, m) in problems {
                errs.add(&field, m);
            }
        }
        let service = match w.service.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => match self.resolve_service(s).await {
                Ok(found) => Some(found),
                Err(AppError::Invalid(found)) => {
                    for e in found {
                        errs.add("service", back(e));
                    }
                    None
                }
                Err(e) => return Err(e),
            },
            None => None,
        };
        errs.finish()?;
        let Some(name) = name else { return Err(AppError::Internal("a window passed its checks half".into())) };
        let days: Vec<String> = w.days.iter().map(|d| d.trim().to_ascii_lowercase()).collect();
        let mut uniq: Vec<String> = Vec::new();
        for d in days {
            if !uniq.contains(&d) {
                uniq.push(d);
            }
        }
        let mut row = MaintenanceWindow {
            id: 0,
            name,
            service_id: service.as_ref().map(|s| s.0),
            service: service.map(|s| s.1),
            days: uniq.join(","),
            start_time: w.start.trim().to_owned(),
            minutes: w.minutes,
            time_zone: w.time_zone.trim().to_owned(),
            created_at: now_micros(),
            created_by: Some(actor.id),
        };
        let stored = row.clone();
        row.id = self.store.write(move |c| Box::pin(async move { store::insert_window(c, &stored).await })).await?;
        Ok(row)
    }

    /// Every maintenance window, or a service's (with those for every service).
    pub async fn maintenance_windows(
        &self,
        actor: &Actor,
        service: Option<&str>,
    ) -> Result<Vec<MaintenanceWindow>, AppError> {
        can_view_change(actor.role)?;
        let id = match service.map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => Some(self.resolve_service(s).await?.0),
            None => None,
        };
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        Ok(store::windows(&mut conn, id).await?)
    }

    pub async fn delete_maintenance_window(&self, actor: &Actor, id: i64) -> Result<(), AppError> {
        can_keep_calendar(actor.role)?;
        let gone = self.store.write(move |c| Box::pin(async move { store::delete_window(c, id).await })).await?;
        if gone { Ok(()) } else { Err(AppError::NotFound("maintenance window")) }
    }
}

/// A field's message again, to stand beside another field.
pub(crate) fn back(e: crate::FieldError) -> steward_domain::code::Message {
    steward_domain::code::Message { code: e.code, params: e.params, text: e.message }
}
