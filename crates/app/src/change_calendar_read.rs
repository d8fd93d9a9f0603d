//! The change calendar as a span shows it: the changes whose planned or
//! actual window overlaps it, the freezes over it and each maintenance
//! window's occurrences in it. One statement per thing, and a bounded
//! span, so a month view costs the same however full the calendar is.

use crate::{Actor, App, Code, error::AppError, error::Errors};
use std::time::Duration;
use steward_domain::change::{
    can_view_change,
    conflicts::{MaintenanceWindow as Spec, Window},
};
use steward_store::{
    StoreError,
    calendar_entries::{self, Entry, Span},
    change_calendar::{self as store, Freeze, MaintenanceWindow},
    now_micros,
};

const DAY: i64 = 24 * 3600 * 1_000_000;
/// The longest span a view asks for: six weeks (a month's grid) and a day
/// for the clocks changing inside it.
pub const MAX_SPAN_DAYS: i64 = 43;
/// At most this many changes in a span; more is said (`truncated`).
pub const MAX_CHANGES: i64 = 2_000;
/// The longest change window looked back for (as the conflict check).
pub const LONGEST_CHANGE: i64 = crate::changes::LONGEST_CHANGE;

/// A change on the calendar: where it sits (its actual window once it has
/// begun, its planned one before) and what the calendar says of it.
#[derive(Debug, Clone, PartialEq)]
pub struct CalendarChange {
    /// "CHG0000042".
    pub number: String,
    pub entry: Entry,
    pub start: i64,
    pub end: i64,
    /// Whether `start`/`end` are the actual window.
    pub actual: bool,
}

/// A freeze with its services' names (none: every service).
#[derive(Debug, Clone, PartialEq)]
pub struct CalendarFreeze {
    pub freeze: Freeze,
    pub services: Vec<String>,
}

/// A maintenance window and its occurrences in the span.
#[derive(Debug, Clone, PartialEq)]
pub struct WindowOccurrences {
    pub window: MaintenanceWindow,
    pub occurrences: Vec<Window>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChangeCalendar {
    pub from: i64,
    pub to: i64,
    pub changes: Vec<CalendarChange>,
    /// More changes than [`MAX_CHANGES`] overlap the span.
    pub truncated: bool,
    pub freezes: Vec<CalendarFreeze>,
    /// By service name (those for every service first), then name.
    pub windows: Vec<WindowOccurrences>,
}

/// A span as sent (RFC 3339 times or dates), checked as a view's: `to`
/// after `from`, at most [`MAX_SPAN_DAYS`] days; every problem at once.
pub fn parse_span(from: &str, to: &str) -> Result<(i64, i64), AppError> {
    let mut errs = Errors::default();
    let required = |v: &str| {
        if v.trim().is_empty() {
            Err(Code::Required.msg("give a time (RFC 3339) or a date"))
        } else {
            crate::incidents::parse_time(v.trim())
        }
    };
    let from = errs.check("from", required(from));
    let to = errs.check("to", required(to));
    errs.finish()?;
    match (from, to) {
        (Some(f), Some(t)) => check_span(f, t).map(|()| (f, t)),
        _ => Err(AppError::Internal("a span passed its checks half".into())),
    }
}

/// `to` after `from`, at most [`MAX_SPAN_DAYS`] days after it.
pub fn check_span(from: i64, to: i64) -> Result<(), AppError> {
    if to <= from {
        return Err(AppError::field("to", Code::EndBeforeStart.msg("must be after from").with("start", "from")));
    }
    if to - from > MAX_SPAN_DAYS * DAY {
        let max = format!("{MAX_SPAN_DAYS} days after it");
        return Err(AppError::field("to", crate::error::between("from", max)));
    }
    Ok(())
}

impl App {
    /// The change calendar of [from, to) for staff (requesters see no
    /// changes: 403); the span at most [`MAX_SPAN_DAYS`] days.
    pub async fn change_calendar(&self, actor: &Actor, from: i64, to: i64) -> Result<ChangeCalendar, AppError> {
        can_view_change(actor.role)?;
        check_span(from, to)?;
        self.calendar_of(from, to, MAX_CHANGES).await
    }

    /// The calendar of any span, at most `limit` changes: the checks are
    /// the caller's (a view's span, or a feed's owner).
    pub(crate) async fn calendar_of(&self, from: i64, to: i64, limit: i64) -> Result<ChangeCalendar, AppError> {
        let now = now_micros();
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let span = Span { from, to, longest: LONGEST_CHANGE, now, limit: limit + 1 };
        let mut entries = calendar_entries::in_span(&mut conn, span).await?;
        let freezes = store::freezes_in(&mut conn, from, to, crate::change_calendar::LONGEST_FREEZE).await?;
        let windows = store::windows(&mut conn, None).await?;
        drop(conn);
        let truncated = entries.len() as i64 > limit;
        entries.truncate(usize::try_from(limit).unwrap_or(0));
        let changes = entries.into_iter().filter_map(|e| placed(e, now)).collect();
        let mut windows: Vec<WindowOccurrences> = windows
            .into_iter()
            .map(|w| {
                let days: Vec<String> = w.days.split(',').map(String::from).collect();
                let occurrences = Spec::parse(&days, &w.start_time, w.minutes, &w.time_zone)
                    .map(|spec| spec.occurrences(from, to))
                    .unwrap_or_default();
                WindowOccurrences { window: w, occurrences }
            })
            .collect();
        windows.sort_by(|a, b| (&a.window.service, &a.window.name).cmp(&(&b.window.service, &b.window.name)));
        let freezes = self
            .cmdb
            .read_recent(&self.store, Duration::from_secs(1), |view| {
                freezes
                    .into_iter()
                    .map(|f| {
                        let ids: Vec<i64> = serde_json::from_str(&f.services).unwrap_or_default();
                        let services = ids.iter().filter_map(|id| view.ci(*id).map(|b| b.name.clone())).collect();
                        CalendarFreeze { freeze: f, services }
                    })
                    .collect()
            })
            .await?;
        Ok(ChangeCalendar { from, to, changes, truncated, freezes, windows })
    }
}

/// Where a change sits: its actual window once begun (one under way runs
/// until now, or its planned end if later), else its planned window.
fn placed(entry: Entry, now: i64) -> Option<CalendarChange> {
    let number = crate::changes::number(entry.number);
    let (start, end, actual) = match (entry.actual_start, entry.actual_end) {
        (Some(s), Some(e)) => (s, e.max(s + 1), true),
        (Some(s), None) => (s, entry.planned_end.unwrap_or(now).max(now).max(s + 1), true),
        (None, _) => (entry.planned_start?, entry.planned_end?, false),
    };
    Some(CalendarChange { number, entry, start, end, actual })
}
