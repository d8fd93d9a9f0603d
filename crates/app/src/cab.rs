//! The CAB's meetings and agenda: an approval group may meet weekly (days,
//! a clock time in a zone, minutes: kept as a maintenance window is); its
//! agenda is the changes awaiting its decision, soonest window first, each
//! marked when its window starts before the group's next meeting (it needs
//! a decision out of session, or a new window).

use crate::{
    Actor, App, Code,
    changes::{Change, Round},
    error::{AppError, Errors},
};
use steward_domain::{
    access::Denied,
    change::{
        can_view_change,
        conflicts::{MaintenanceWindow as Spec, Window},
    },
};
use steward_store::{
    StoreError, accounts,
    cab_meetings::{self as store, CabMeeting},
    now_micros,
};

/// A meeting schedule as sent.
#[derive(Debug, Clone, Default)]
pub struct NewMeeting {
    pub days: Vec<String>,
    /// "10:00".
    pub start: String,
    pub minutes: i64,
    pub time_zone: String,
}

/// A change on the agenda.
#[derive(Debug, Clone)]
pub struct AgendaItem {
    pub change: Change,
    pub round: Round,
    /// Its planned start comes before the next meeting.
    pub before_meeting: bool,
}

/// A group's agenda: when it meets next and what waits for it.
#[derive(Debug, Clone)]
pub struct CabAgenda {
    pub group: String,
    pub meeting: Option<CabMeeting>,
    /// The next meeting (one under way counts), within five weeks.
    pub next: Option<Window>,
    pub items: Vec<AgendaItem>,
}

/// How far ahead the next meeting is looked for.
const AHEAD: i64 = 35 * 24 * 3600 * 1_000_000;

fn can_keep_meetings(actor: &Actor) -> Result<(), Denied> {
    if matches!(actor.role, steward_domain::Role::Manager | steward_domain::Role::Admin) {
        Ok(())
    } else {
        Err(Denied("only managers and admins can set when a group meets", Code::DenyCabMeetings))
    }
}

/// The schedule's next meeting from `now` (one under way counts).
pub fn next_meeting(m: &CabMeeting, now: i64) -> Option<Window> {
    let days: Vec<String> = m.days.split(',').map(str::to_owned).collect();
    let spec = Spec::parse(&days, &m.start_time, m.minutes, &m.time_zone).ok()?;
    spec.occurrences(now, now + AHEAD).into_iter().find(|w| w.end > now)
}

impl App {
    async fn group_named(&self, name: &str) -> Result<accounts::Group, AppError> {
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        accounts::group_by_name(&mut conn, name.trim()).await?.ok_or(AppError::NotFound("group"))
    }

    /// Sets when the group meets (managers and admins); every field's
    /// problem at once.
    pub async fn set_cab_meeting(&self, actor: &Actor, group: &str, m: NewMeeting) -> Result<CabMeeting, AppError> {
        can_keep_meetings(actor)?;
        let g = self.group_named(group).await?;
        if let Err(problems) = Spec::parse(&m.days, &m.start, m.minutes, &m.time_zone) {
            let mut errs = Errors::default();
            for (field, msg) in problems {
                errs.add(&field, msg);
            }
            errs.finish()?;
        }
        let mut days: Vec<String> = Vec::new();
        for d in m.days.iter().map(|d| d.trim().to_ascii_lowercase()) {
            if !days.contains(&d) {
                days.push(d);
            }
        }
        let row = CabMeeting {
            group_id: g.id,
            days: days.join(","),
            start_time: m.start.trim().to_owned(),
            minutes: m.minutes,
            time_zone: m.time_zone.trim().to_owned(),
            updated_at: now_micros(),
            updated_by: Some(actor.id),
        };
        let stored = row.clone();
        self.store.write(move |c| Box::pin(async move { store::put(c, &stored).await })).await?;
        Ok(row)
    }

    /// Removes the group's schedule (managers and admins); a group without
    /// one is left as it is (the group must exist).
    pub async fn delete_cab_meeting(&self, actor: &Actor, group: &str) -> Result<(), AppError> {
        can_keep_meetings(actor)?;
        let id = self.group_named(group).await?.id;
        self.store.write(move |c| Box::pin(async move { store::delete(c, id).await })).await?;
        Ok(())
    }

    /// The group's agenda: its next meeting and the changes awaiting its
    /// decision, soonest planned start first (those without a window last).
    pub async fn cab_agenda(&self, actor: &Actor, group: &str) -> Result<CabAgenda, AppError> {
        can_view_change(actor.role)?;
        let g = self.group_named(group).await?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let meeting = store::of_group(&mut conn, g.id).await?;
        drop(conn);
        let next = meeting.as_ref().and_then(|m| next_meeting(m, now_micros()));
        let waiting = self.awaiting_approval(actor, None, Some(g.id)).await?;
        let mut items: Vec<AgendaItem> = waiting
            .into_iter()
            .map(|(change, round)| {
                let start = change.details.planned_start;
                let before_meeting = matches!((start, next), (Some(s), Some(n)) if s < n.start);
                AgendaItem { change, round, before_meeting }
            })
            .collect();
        items.sort_by_key(|i| (i.change.details.planned_start.unwrap_or(i64::MAX), i.change.record.number));
        Ok(CabAgenda { group: g.name, meeting, next, items })
    }
}
