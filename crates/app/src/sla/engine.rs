//! Keeps a record's clocks in step with the record, inside the record's
//! own write: the clocks start, pause, resume, stop and change target in
//! the same transaction as the change that moved them.
//!
//! The SLA is chosen when the record is created (the first matching
//! definition) and stays; a priority change recomputes its targets from the
//! record's start. Resolved pauses the resolution clock (a reopen resumes
//! it, without counting the time in between); Closed and Cancelled stop
//! every clock. The first response stops the response clock. A group's OLA
//! clock runs while the record sits with that group.

use super::{Snapshot, field_of, snapshot::Ola};
use crate::AppError;
use jiff::{SignedDuration, Timestamp};
use steward_domain::Priority;
use steward_domain::calendar::Calendar;
use steward_domain::journal::{Action, FieldChange};
use steward_domain::sla::{
    Clock, ClockEvent, ClockKind, ClockStep, PauseOn, RecordFacts, SlaDefinition, SlaTargetKind, StateFacts, select,
};
use steward_store::journal::{self, NewEntry};
use steward_store::records::{Record, SlaSummary};
use steward_store::sla::{self, ClockRow};
use steward_store::{Conn, Dialect};

/// A warning or breach that happened, for the journal and notifications.
#[derive(Debug, Clone)]
pub struct Announcement {
    pub record_id: i64,
    pub clock: String,
    pub group_id: Option<i64>,
    pub sla_name: Option<String>,
    pub event: ClockEvent,
    pub at: i64,
    /// The clock's target and the moment it is (or was) used up.
    pub target_us: i64,
    pub due_at: i64,
}

/// A clock loaded for change, with what it needs to compute its events.
struct Tracked {
    row: ClockRow,
    clock: Clock,
    cal: Calendar,
    thresholds: Vec<u8>,
}

impl Tracked {
    fn new(row: ClockRow, snap: &Snapshot) -> Result<Tracked, AppError> {
        let clock = clock_of(&row)?;
        let thresholds = serde_json::from_str(&row.thresholds).unwrap_or_default();
        Ok(Tracked { cal: snap.calendar(row.calendar_id), row, clock, thresholds })
    }

    fn started(
        kind: ClockKind,
        target: SignedDuration,
        at: i64,
        sla: Option<&SlaDefinition>,
        ola: Option<&Ola>,
        snap: &Snapshot,
    ) -> Result<Tracked, AppError> {
        let (calendar_id, thresholds) = match (sla, ola) {
            (_, Some(o)) => (o.calendar_id, o.thresholds.clone()),
            (Some(d), None) => (d.calendar_id, d.thresholds.clone()),
            (None, None) => (1, Vec::new()),
        };
        let cal = snap.calendar(calendar_id);
        let clock = Clock::start(kind, target, ts(at)?, &cal);
        let row = ClockRow {
            // The record's kind and id are set when the clock is written.
            kind: kind.as_str().to_owned(),
            sla_id: sla.map(|d| d.id),
            group_id: kind.group_id(),
            calendar_id,
            thresholds: serde_json::to_string(&thresholds).map_err(|e| AppError::Internal(e.to_string()))?,
            ..ClockRow::default()
        };
        Ok(Tracked { row, clock, cal, thresholds })
    }

    /// Announces what is due by `now`, each at its own moment.
    fn catch_up(&mut self, record_id: i64, now: i64, out: &mut Vec<Announcement>) -> Result<(), AppError> {
        for (event, at) in self.clock.catch_up(ts(now)?, &self.thresholds, &self.cal) {
            out.push(Announcement {
                record_id,
                clock: self.row.kind.clone(),
                group_id: self.row.group_id,
                sla_name: self.row.sla_name.clone(),
                event,
                at: at.as_microsecond(),
                target_us: micros(self.clock.target),
                due_at: self.clock.due_at.or(self.clock.breached_at).unwrap_or(at).as_microsecond(),
            });
        }
        Ok(())
    }

    /// Copies the clock into its row; the moment of its next event.
    fn settle(&mut self) {
        let c = &self.clock;
        let r = &mut self.row;
        r.target_us = micros(c.target);
        r.started_at = c.started_at.as_microsecond();
        r.elapsed_us = micros(c.elapsed);
        r.running_since = c.running_since.map(|t| t.as_microsecond());
        r.stopped_at = c.stopped_at.map(|t| t.as_microsecond());
        r.due_at = c.due_at.map(|t| t.as_microsecond());
        r.fired = i64::from(c.fired);
        r.breached_at = c.breached_at.map(|t| t.as_microsecond());
        r.next_event_at = c.next_event(&self.thresholds, &self.cal).map(|(_, at)| at.as_microsecond());
    }
}

/// The domain's clock from its stored row.
pub(crate) fn clock_of(row: &ClockRow) -> Result<Clock, AppError> {
    Ok(Clock {
        kind: ClockKind::from_parts(&row.kind, row.group_id).map_err(AppError::Internal)?,
        target: SignedDuration::from_micros(row.target_us),
        started_at: ts(row.started_at)?,
        elapsed: SignedDuration::from_micros(row.elapsed_us),
        running_since: row.running_since.map(ts).transpose()?,
        stopped_at: row.stopped_at.map(ts).transpose()?,
        due_at: row.due_at.map(ts).transpose()?,
        fired: u8::try_from(row.fired).unwrap_or(100),
        breached_at: row.breached_at.map(ts).transpose()?,
    })
}

pub(crate) fn ts(us: i64) -> Result<Timestamp, AppError> {
    Timestamp::from_microsecond(us).map_err(|e| AppError::Internal(e.to_string()))
}

pub(crate) fn micros(d: SignedDuration) -> i64 {
    i64::try_from(d.as_micros()).unwrap_or(i64::MAX)
}

/// Whether a record needs the clock machinery at all: skips a read for
/// records with no SLA in groups without an OLA for their kind (and for
/// every record of a kind no SLA or OLA names).
fn concerned(snap: &Snapshot, before: Option<&Record>, after: &Record) -> bool {
    let ola = |g: Option<i64>| snap.ola(g, &after.kind).is_some();
    match before {
        None => snap.has_definitions_for(&after.kind) || ola(after.assignment_group_id),
        Some(b) => after.sla.sla_id.is_some() || ola(b.assignment_group_id) || ola(after.assignment_group_id),
    }
}

/// What a sync did: the announcements made and the record's new summary.
pub(crate) type Synced = (Vec<Announcement>, SlaSummary);

/// Brings the record's clocks in line with `after` (the record as just
/// written; `before` is None for a new record), journals what they
/// announce, and refreshes the record's SLA summary.
pub(crate) async fn sync(
    c: &mut Conn,
    d: Dialect,
    snap: &Snapshot,
    before: Option<&Record>,
    after: &Record,
    actor_id: Option<i64>,
    now: i64,
) -> Result<Synced, AppError> {
    if !concerned(snap, before, after) {
        return Ok((Vec::new(), after.sla.clone()));
    }
    sync_clocks(c, d, snap, before, after, actor_id, now).await
}

/// [`sync`] without the shortcut: the timer calls it for records that do
/// have clocks due, whatever the rules say now.
pub(crate) async fn sync_clocks(
    c: &mut Conn,
    d: Dialect,
    snap: &Snapshot,
    before: Option<&Record>,
    after: &Record,
    actor_id: Option<i64>,
    now: i64,
) -> Result<Synced, AppError> {
    let (synced, entries) = settle(c, d, snap, before, after, now).await?;
    // A new record's only entry so far is its creation, at its opening.
    let floor = if before.is_none() { Some(after.opened_at) } else { None };
    write_journal(c, (&after.kind, after.id), actor_id, entries, floor).await?;
    Ok(synced)
}

/// Starts the clocks of a record written with its whole past (the demo),
/// as if they had run since it opened: what they announce comes back as
/// journal entries, each at its own moment, for the caller to put among
/// the record's own in time order.
pub(crate) async fn start_as_of_old(
    c: &mut Conn,
    d: Dialect,
    snap: &Snapshot,
    inc: &Record,
    now: i64,
) -> Result<(SlaSummary, Vec<Entry>), AppError> {
    if !concerned(snap, None, inc) {
        return Ok((inc.sla.clone(), Vec::new()));
    }
    let ((_, summary), entries) = settle(c, d, snap, None, inc, now).await?;
    Ok((summary, entries))
}

/// Everything [`sync_clocks`] does but the journal: the clocks written,
/// the record's summary refreshed; the entries to journal, unsorted.
async fn settle(
    c: &mut Conn,
    d: Dialect,
    snap: &Snapshot,
    before: Option<&Record>,
    after: &Record,
    now: i64,
) -> Result<(Synced, Vec<Entry>), AppError> {
    let mut out = Vec::new();
    // What the journal gets besides the announcements: (moment, what, changes).
    let mut entries: Vec<Entry> = Vec::new();
    let mut clocks: Vec<Tracked> = Vec::new();
    if before.is_some() {
        for row in sla::clocks_for(c, d, &after.kind, after.id).await? {
            clocks.push(Tracked::new(row, snap)?);
        }
    }
    for t in &mut clocks {
        t.catch_up(after.id, now, &mut out)?;
    }
    let priority = Priority::new(after.priority).map_err(|e| AppError::Internal(e.to_string()))?;
    let sla_id = match before {
        None => {
            let facts = RecordFacts {
                kind: &after.kind,
                priority,
                service: after.service.as_deref(),
                organisation_id: after.organisation_id,
                category: after.category.as_deref(),
            };
            let def = select(&snap.definitions, &facts);
            if let Some(def) = def {
                for (kind, target) in
                    [(ClockKind::Response, SlaTargetKind::Response), (ClockKind::Resolution, SlaTargetKind::Resolution)]
                {
                    if let Some(t) = def.target(priority, target) {
                        let mut tracked = Tracked::started(kind, t, after.opened_at, Some(def), None, snap)?;
                        tracked.row.sla_name = Some(def.name.clone());
                        clocks.push(tracked);
                    }
                }
                entries.push((after.opened_at, Action::SlaAttached, vec![change("sla", None, Some(def.name.clone()))]));
            }
            def.map(|d| d.id)
        }
        Some(_) => after.sla.sla_id,
    };
    let def = snap.definition(sla_id);
    if let Some(def) = def.filter(|_| before.is_some_and(|b| b.priority != after.priority)) {
        retarget(&mut clocks, def, priority, now, &mut entries)?;
    }
    follow_group(&mut clocks, snap, before, after, now)?;
    follow_state(&mut clocks, def, after, now)?;
    for t in &mut clocks {
        t.catch_up(after.id, now, &mut out)?;
        t.settle();
    }
    let mut new_rows = Vec::new();
    for t in &clocks {
        if t.row.id == 0 {
            new_rows.push(sla::ClockRow { record_kind: after.kind.clone(), record_id: after.id, ..t.row.clone() });
        } else {
            sla::update_clock(c, &t.row).await?;
        }
    }
    sla::insert_clocks(c, &new_rows).await?;
    for a in &out {
        let (action, text) = match a.event {
            ClockEvent::Warning(p) => (Action::SlaWarning, format!("{p} %")),
            ClockEvent::Breach => (Action::SlaBreached, "100 %".to_owned()),
        };
        entries.push((a.at, action, vec![change(field_of(&a.clock), None, Some(text))]));
    }
    let due =
        clocks.iter().filter(|t| t.clock.is_running() && !t.clock.is_breached()).filter_map(|t| t.row.due_at).min();
    let breached = clocks.iter().any(|t| t.clock.is_breached());
    let summary = SlaSummary { sla_id, sla_due_at: due, sla_breached: i64::from(breached) };
    if summary != after.sla {
        sla::set_summary(c, after.id, sla_id, due, breached).await?;
    }
    Ok(((out, summary), entries))
}

/// New targets after a priority change, measured from the start.
fn retarget(
    clocks: &mut [Tracked],
    def: &SlaDefinition,
    priority: Priority,
    now: i64,
    entries: &mut Vec<Entry>,
) -> Result<(), AppError> {
    for t in clocks.iter_mut().filter(|t| t.row.sla_id == Some(def.id) && !t.clock.is_stopped()) {
        let kind = match t.clock.kind {
            ClockKind::Response => SlaTargetKind::Response,
            ClockKind::Resolution => SlaTargetKind::Resolution,
            ClockKind::Group(_) => continue,
        };
        if let Some(target) = def.target(priority, kind).filter(|n| *n != t.clock.target) {
            let old = t.clock.target;
            t.clock.retarget(target, ts(now)?, &t.cal);
            entries.push((
                now,
                Action::SlaRetargeted,
                vec![change(field_of(&t.row.kind), Some(duration_text(old)), Some(duration_text(target)))],
            ));
        }
    }
    Ok(())
}

/// Stops the clock of a group the record left; starts one for a group
/// with an OLA that it joined.
fn follow_group(
    clocks: &mut Vec<Tracked>,
    snap: &Snapshot,
    before: Option<&Record>,
    after: &Record,
    now: i64,
) -> Result<(), AppError> {
    let old = before.and_then(|b| b.assignment_group_id);
    let new = after.assignment_group_id;
    if before.is_some() && old == new {
        return Ok(());
    }
    for t in clocks.iter_mut() {
        if matches!(t.clock.kind, ClockKind::Group(g) if Some(g) != new) && !t.clock.is_stopped() {
            t.clock.stop(ts(now)?, &t.cal);
        }
    }
    if let Some((g, ola)) = new.and_then(|g| snap.ola(Some(g), &after.kind).map(|o| (g, o))) {
        let mut tracked = Tracked::started(ClockKind::Group(g), ola.target, now, None, Some(ola), snap)?;
        tracked.row.group_name = after.group_name.clone();
        clocks.push(tracked);
    }
    Ok(())
}

/// Pauses, resumes or stops the clocks for the record's state, as the
/// domain's [`StateFacts`] says for its kind.
fn follow_state(clocks: &mut [Tracked], def: Option<&SlaDefinition>, after: &Record, now: i64) -> Result<(), AppError> {
    let defaults = PauseOn::defaults();
    let pause_on = def.map_or(&defaults[..], |d| &d.pause_on[..]);
    let facts = StateFacts::of(&after.kind, &after.state, after.hold_reason.as_deref(), pause_on)
        .map_err(AppError::Internal)?;
    let at = ts(now)?;
    let responded = after.first_response_at.is_some();
    for t in clocks.iter_mut().filter(|t| !t.clock.is_stopped()) {
        match facts.step(t.clock.kind, responded) {
            ClockStep::Stop if t.clock.kind == ClockKind::Response => {
                // Met by the first response, at its moment (never before
                // the clock began).
                let when = after.first_response_at.map(ts).transpose()?.unwrap_or(at);
                t.clock.stop(when.max(t.clock.started_at), &t.cal);
            }
            ClockStep::Stop => t.clock.stop(at, &t.cal),
            ClockStep::Pause => t.clock.pause(at, &t.cal),
            ClockStep::Run => t.clock.resume(at, &t.cal),
        }
    }
    Ok(())
}

/// A journal entry of the clocks: its moment, what happened, the changes.
pub(crate) type Entry = (i64, Action, Vec<FieldChange>);

/// Journals the entries in time order, each at its own moment. A moment
/// that passed while the timer was down, with other entries written since,
/// is journaled after them so that the journal stays in time order (the
/// clock keeps the exact breach moment). Announcements are the system's;
/// attaching and retargeting are the acting user's.
async fn write_journal(
    c: &mut Conn,
    (kind, record_id): (&str, i64),
    actor_id: Option<i64>,
    mut entries: Vec<Entry>,
    floor: Option<i64>,
) -> Result<(), AppError> {
    if entries.is_empty() {
        return Ok(());
    }
    entries.sort_by_key(|e| e.0);
    let mut floor = match floor {
        Some(at) => at,
        None => journal::last_at(c, kind, record_id).await?.unwrap_or(i64::MIN),
    };
    for (at, action, changes) in entries {
        floor = at.max(floor);
        let actor = if matches!(action, Action::SlaWarning | Action::SlaBreached) { None } else { actor_id };
        append(c, (kind, record_id), floor, actor, action, &changes).await?;
    }
    Ok(())
}

async fn append(
    c: &mut Conn,
    (kind, record_id): (&str, i64),
    at: i64,
    actor_id: Option<i64>,
    action: Action,
    changes: &[FieldChange],
) -> Result<(), AppError> {
    let changes = serde_json::to_string(changes).map_err(|e| AppError::Internal(e.to_string()))?;
    let e = NewEntry { record_kind: kind, record_id, at, actor_id, action: action.as_str(), changes, comment_id: None };
    journal::append(c, &e).await?;
    Ok(())
}

fn change(field: &str, old: Option<String>, new: Option<String>) -> FieldChange {
    FieldChange { field: field.to_owned(), old, new }
}

/// Business time as people write it: `4h`, `1h 30m`, `45m`.
pub fn duration_text(d: SignedDuration) -> String {
    let mins = d.as_secs() / 60;
    let (h, m) = (mins / 60, mins % 60);
    match (h, m) {
        (0, m) => format!("{m}m"),
        (h, 0) => format!("{h}h"),
        (h, m) => format!("{h}h {m}m"),
    }
}
