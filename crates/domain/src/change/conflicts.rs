//! When a change is scheduled: what it collides with, explained, and the
//! next slot where it collides with nothing.
//!
//! A conflict is another change whose window overlaps this one's and that
//! touches the same CI, or a CI that one of this change's CIs depends on
//! or that depends on one of them, along the relations that carry failure
//! (the CMDB's impact walk), within `hops` (siblings that merely share a
//! dependency are not a conflict: the walk goes one way, never up and then
//! down); the same assignee booked twice; or a freeze over one of the
//! services the change touches. Nearest first.
//!
//! Windows are instants (microseconds, UTC); maintenance windows are wall
//! clock times in their zone, so a window of 01:00–05:00 on the night the
//! clocks change is still 01:00–05:00 on the clock (four or six hours).

use crate::{
    cmdb::{Graph, Step},
    code::{Code, Message, not_one_of},
};
use jiff::{
    Timestamp, ToSpan,
    civil::{Time, Weekday},
    tz::TimeZone,
};
use serde::Serialize;
use std::collections::HashMap;

/// A span of time: `start` inclusive, `end` exclusive, in microseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Window {
    pub start: i64,
    pub end: i64,
}

impl Window {
    pub fn overlaps(&self, other: &Window) -> bool {
        self.start < other.end && other.start < self.end
    }
    pub fn contains(&self, inner: &Window) -> bool {
        self.start <= inner.start && inner.end <= self.end
    }
}

/// A change as the check sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    /// Its record id (a change is never in conflict with itself).
    pub id: i64,
    pub number: String,
    pub window: Window,
    pub cis: Vec<i64>,
    /// The services it touches: those it names and those its CIs affect.
    pub services: Vec<i64>,
    pub assignee: Option<i64>,
}

/// A freeze (blackout): no change in `window` on its services (on every
/// service when `services` is empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Freeze {
    pub id: i64,
    pub name: String,
    pub window: Window,
    pub services: Vec<i64>,
}

/// What a conflict is with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum With {
    Change { id: i64, number: String },
    Freeze { id: i64, name: String },
}

/// Why it is a conflict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Reason {
    /// Both change `ci`.
    SameCi { ci: i64 },
    /// This change's `ours` depends on the other's `theirs`, `path` the
    /// relations from ours to theirs.
    DependsOn { ours: i64, theirs: i64, path: Vec<Step> },
    /// The other's `theirs` depends on this change's `ours`.
    DependedOn { ours: i64, theirs: i64, path: Vec<Step> },
    /// Both are carried out by `user` at once.
    SameAssignee { user: i64 },
    /// The freeze covers `service`, which this change touches (none: the
    /// freeze covers every service).
    InFreeze { service: Option<i64> },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Conflict {
    pub with: With,
    pub reason: Reason,
    /// How far apart in the graph (0: the same CI; none: not a CI's reason).
    pub hops: Option<u32>,
    /// The other change's or the freeze's window.
    pub window: Window,
}

/// What a change reaches in the graph, walked once for every window tried.
pub struct Reach<'a> {
    change: &'a Planned,
    /// CI → (hops, path) of what this change's CIs depend on.
    down: HashMap<i64, (u32, Vec<Step>)>,
    /// CI → (hops, path) of what depends on them.
    up: HashMap<i64, (u32, Vec<Step>)>,
}

impl<'a> Reach<'a> {
    pub fn of(change: &'a Planned, graph: &Graph, hops: u32) -> Reach<'a> {
        let map = |found: Vec<crate::cmdb::Reached>| found.into_iter().map(|r| (r.ci, (r.depth, r.path))).collect();
        Reach { change, down: map(graph.dependencies(&change.cis, hops)), up: map(graph.impact(&change.cis, hops)) }
    }

    /// Every CI another change must name to conflict with this one: its
    /// own and those within the hops either way.
    pub fn cis(&self) -> Vec<i64> {
        let mut all: Vec<i64> = self.change.cis.iter().chain(self.down.keys()).chain(self.up.keys()).copied().collect();
        all.sort_unstable();
        all.dedup();
        all
    }

    /// The conflicts of the change placed at `at`, nearest first: per other
    /// change its nearest reason, the assignee's double booking, each
    /// freeze over a service it touches.
    pub fn conflicts(&self, at: Window, others: &[Planned], freezes: &[Freeze]) -> Vec<Conflict> {
        let me = self.change;
        let mut out = Vec::new();
        for o in others.iter().filter(|o| o.id != me.id && o.window.overlaps(&at)) {
            let with = || With::Change { id: o.id, number: o.number.clone() };
            if let Some(reason) = self.nearest(o) {
                let hops = match &reason {
                    Reason::SameCi { .. } => 0,
                    Reason::DependsOn { path, .. } | Reason::DependedOn { path, .. } => path.len() as u32,
                    _ => 0,
                };
                out.push(Conflict { with: with(), reason, hops: Some(hops), window: o.window });
            }
            if let Some(user) = me.assignee.filter(|u| o.assignee == Some(*u)) {
                out.push(Conflict {
                    with: with(),
                    reason: Reason::SameAssignee { user },
                    hops: None,
                    window: o.window,
                });
            }
        }
        for f in freezes.iter().filter(|f| f.window.overlaps(&at)) {
            let service = if f.services.is_empty() {
                Some(None)
            } else {
                me.services.iter().find(|s| f.services.contains(s)).map(|s| Some(*s))
            };
            if let Some(service) = service {
                let with = With::Freeze { id: f.id, name: f.name.clone() };
                out.push(Conflict { with, reason: Reason::InFreeze { service }, hops: None, window: f.window });
            }
        }
        // Nearest first; reasons without a distance after, by time.
        out.sort_by_key(|c| (c.hops.unwrap_or(u32::MAX), c.window.start));
        out
    }

    /// The nearest way the other change's CIs meet this one's.
    fn nearest(&self, o: &Planned) -> Option<Reason> {
        if let Some(ci) = o.cis.iter().find(|c| self.change.cis.contains(c)) {
            return Some(Reason::SameCi { ci: *ci });
        }
        let mut best: Option<(u32, Reason)> = None;
        for theirs in &o.cis {
            let found =
                [self.down.get(theirs).map(|(d, p)| (*d, p, true)), self.up.get(theirs).map(|(d, p)| (*d, p, false))];
            for (depth, path, down) in found.into_iter().flatten() {
                if best.as_ref().is_some_and(|(b, _)| *b <= depth) {
                    continue;
                }
                let ours = path.first().map_or(*theirs, start_of);
                let path = path.clone();
                let reason = if down {
                    Reason::DependsOn { ours, theirs: *theirs, path }
                } else {
                    Reason::DependedOn { ours, theirs: *theirs, path }
                };
                best = Some((depth, reason));
            }
        }
        best.map(|(_, r)| r)
    }

    /// The first slot from `from` (rounded up to the step), `step` apart,
    /// within `horizon`, `duration` long, inside one of `allowed` (any time
    /// when empty), in which the change meets no conflict.
    pub fn next_free(&self, s: &Search, others: &[Planned], freezes: &[Freeze]) -> Option<Window> {
        // Whether another change or a freeze conflicts does not depend on
        // when: sort out those that would once, then each slot is only a
        // test of time (thousands of slots over thousands of changes).
        let me = self.change;
        let busy: Vec<Window> = others
            .iter()
            .filter(|o| o.id != me.id)
            .filter(|o| self.nearest(o).is_some() || me.assignee.is_some_and(|u| o.assignee == Some(u)))
            .map(|o| o.window)
            .chain(
                freezes
                    .iter()
                    .filter(|f| f.services.is_empty() || me.services.iter().any(|s| f.services.contains(s)))
                    .map(|f| f.window),
            )
            .collect();
        let step = s.step.max(1);
        let mut start = s.from.div_euclid(step) * step;
        if start < s.from {
            start += step;
        }
        while start <= s.from + s.horizon {
            let at = Window { start, end: start + s.duration };
            let inside = s.allowed.is_empty() || s.allowed.iter().any(|w| w.contains(&at));
            if inside && !busy.iter().any(|w| w.overlaps(&at)) {
                return Some(at);
            }
            start += step;
        }
        None
    }
}

/// Where [`Reach::next_free`] looks.
#[derive(Debug, Clone)]
pub struct Search {
    pub from: i64,
    pub duration: i64,
    pub horizon: i64,
    pub step: i64,
    /// The service's maintenance windows in that span (none: any time).
    pub allowed: Vec<Window>,
}

/// Fifteen minutes and thirty days, in microseconds: the proposal's step
/// and reach.
pub const STEP: i64 = 15 * 60 * 1_000_000;
pub const HORIZON: i64 = 30 * 24 * 3600 * 1_000_000;

/// The CI a walk's first step left from: the other end of its relation.
fn start_of(first: &Step) -> i64 {
    let r = first.relation;
    if r.from == first.ci { r.to } else { r.from }
}

/// A weekly maintenance window on the wall clock of a zone: on `days`,
/// from `start` for `minutes` of clock time.
#[derive(Debug, Clone)]
pub struct MaintenanceWindow {
    pub days: Vec<Weekday>,
    pub start: Time,
    pub minutes: i64,
    pub zone: TimeZone,
}

/// Who keeps the change calendar's freezes and maintenance windows:
/// managers and admins; the desk reads them.
pub fn can_keep_calendar(role: crate::Role) -> Result<(), crate::access::Denied> {
    if matches!(role, crate::Role::Manager | crate::Role::Admin) {
        Ok(())
    } else {
        Err(crate::access::Denied(
            "only managers and admins can set freezes and maintenance windows",
            Code::DenyChangeCalendar,
        ))
    }
}

/// The weekday names a maintenance window is given with.
pub const DAYS: [(&str, Weekday); 7] = [
    ("mon", Weekday::Monday),
    ("tue", Weekday::Tuesday),
    ("wed", Weekday::Wednesday),
    ("thu", Weekday::Thursday),
    ("fri", Weekday::Friday),
    ("sat", Weekday::Saturday),
    ("sun", Weekday::Sunday),
];

/// The longest maintenance window: a day.
pub const MAX_MINUTES: i64 = 24 * 60;

impl MaintenanceWindow {
    /// A window as given: days (`mon` … `sun`), the clock time it opens
    /// (`01:00`), its length in minutes (1 to a day) and an IANA zone;
    /// every field's problem at once.
    pub fn parse(days: &[String], start: &str, minutes: i64, zone: &str) -> Result<Self, Vec<(String, Message)>> {
        let mut problems = Vec::new();
        let mut parsed = Vec::new();
        if days.is_empty() {
            problems.push(("days".to_owned(), Code::Required.msg("name at least one day")));
        }
        for (i, d) in days.iter().enumerate() {
            let name = d.trim().to_ascii_lowercase();
            match DAYS.iter().find(|(n, _)| *n == name) {
                Some((_, w)) if !parsed.contains(w) => parsed.push(*w),
                Some(_) => {}
                None => problems.push((format!("days[{i}]"), not_one_of(d.trim(), &DAYS.map(|(n, _)| n)))),
            }
        }
        let time = start.trim().parse::<Time>().ok().filter(|_| start.trim().len() == 5);
        if time.is_none() {
            let text = format!("{:?} is not a time of day: use HH:MM, e.g. 01:00", start.trim());
            problems.push(("start".to_owned(), Code::NotTimeOfDay.msg(text)));
        }
        if !(1..=MAX_MINUTES).contains(&minutes) {
            let text = format!("must be between 1 and {MAX_MINUTES}");
            problems.push(("minutes".to_owned(), Code::Between.msg(text).with("min", 1).with("max", MAX_MINUTES)));
        }
        let tz = TimeZone::get(zone.trim()).ok().filter(|_| !zone.trim().is_empty());
        if tz.is_none() {
            let text = format!("unknown time zone {:?}; use an IANA name such as Europe/Warsaw", zone.trim());
            problems
                .push(("time_zone".to_owned(), Code::UnknownZone.msg(text).with("zone", format!("{:?}", zone.trim()))));
        }
        match (time, tz) {
            (Some(start), Some(zone)) if problems.is_empty() => {
                Ok(MaintenanceWindow { days: parsed, start, minutes, zone })
            }
            _ => Err(problems),
        }
    }

    /// Its occurrences that overlap [from, to), as instants. A start in
    /// the hour the clocks skip begins when the clock resumes; the end is
    /// read on the clock, so the night the clocks change the window is an
    /// hour shorter or longer.
    pub fn occurrences(&self, from: i64, to: i64) -> Vec<Window> {
        let (Ok(a), Ok(b)) = (Timestamp::from_microsecond(from), Timestamp::from_microsecond(to)) else {
            return Vec::new();
        };
        // From the day before (a window that began then may still run).
        let mut day = a.to_zoned(self.zone.clone()).date().yesterday().unwrap_or(a.to_zoned(self.zone.clone()).date());
        let last = b.to_zoned(self.zone.clone()).date();
        let mut out = Vec::new();
        while day <= last {
            if self.days.contains(&day.weekday()) {
                let begin = day.to_datetime(self.start);
                let end = begin.checked_add(self.minutes.minutes()).ok();
                if let (Some(s), Some(e)) = (self.instant(begin), end.and_then(|e| self.instant(e))) {
                    let w = Window { start: s, end: e };
                    if w.overlaps(&Window { start: from, end: to }) {
                        out.push(w);
                    }
                }
            }
            match day.tomorrow() {
                Ok(d) => day = d,
                Err(_) => break,
            }
        }
        out
    }

    /// The instant a wall clock time names: in a repeated hour the first;
    /// in a skipped hour the moment the clock resumes.
    fn instant(&self, dt: jiff::civil::DateTime) -> Option<i64> {
        wall_instant(&self.zone, dt)
    }
}

/// The instant a wall clock time names in a zone: in a repeated hour the
/// first; in a skipped hour the moment the clock resumes.
pub(crate) fn wall_instant(zone: &TimeZone, dt: jiff::civil::DateTime) -> Option<i64> {
    let ambiguous = zone.to_ambiguous_timestamp(dt);
    let gap = matches!(ambiguous.offset(), jiff::tz::AmbiguousOffset::Gap { .. });
    let t = ambiguous.compatible().ok()?;
    let t = if gap { zone.preceding(t).next().map_or(t, |tr| tr.timestamp()) } else { t };
    Some(t.as_microsecond())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmdb::{Relation, RelationType::*};
    use proptest::prelude::*;

    const H: i64 = 3600 * 1_000_000;

    fn rel(from: i64, kind: crate::cmdb::RelationType, to: i64) -> Relation {
        Relation { from, to, kind }
    }

    /// app 1 runs on vm 2, hosted on host 3; app 1 uses db 4, which runs on
    /// vm 5; app 6 also runs on vm 2 (app 1's sibling).
    fn graph() -> Graph {
        Graph::new([rel(1, RunsOn, 2), rel(2, HostedOn, 3), rel(1, Uses, 4), rel(4, RunsOn, 5), rel(6, RunsOn, 2)])
    }

    fn change(id: i64, cis: &[i64], start: i64, end: i64) -> Planned {
        Planned {
            id,
            number: format!("CHG{id:07}"),
            window: Window { start: start * H, end: end * H },
            cis: cis.to_vec(),
            services: Vec::new(),
            assignee: None,
        }
    }

    #[test]
    fn the_same_ci_and_dependencies_either_way_within_the_hops_nearest_first() {
        let g = graph();
        let host = change(1, &[3], 10, 12);
        let others = [change(2, &[1], 11, 13), change(3, &[2], 9, 11), change(4, &[3], 11, 12)];
        let found = Reach::of(&host, &g, 3).conflicts(host.window, &others, &[]);
        let seen: Vec<(i64, Option<u32>)> =
            found.iter().map(|c| (if let With::Change { id, .. } = c.with { id } else { 0 }, c.hops)).collect();
        assert_eq!(seen, [(4, Some(0)), (3, Some(1)), (2, Some(2))]);
        assert_eq!(found[0].reason, Reason::SameCi { ci: 3 });
        // The app depends on the host through its VM: explained step by step.
        match &found[2].reason {
            Reason::DependedOn { ours: 3, theirs: 1, path } => {
                assert_eq!(path.iter().map(|s| s.ci).collect::<Vec<_>>(), [2, 1]);
            }
            other => panic!("{other:?}"),
        }
        // From the app's side the host is what it depends on.
        let app = change(5, &[1], 10, 12);
        let found = Reach::of(&app, &g, 3).conflicts(app.window, &[change(6, &[3], 10, 11)], &[]);
        assert!(matches!(found[0].reason, Reason::DependsOn { ours: 1, theirs: 3, .. }), "{found:?}");
        // Beyond the hops, or at another time, no conflict.
        assert!(Reach::of(&host, &g, 1).conflicts(host.window, &[change(2, &[1], 11, 13)], &[]).is_empty());
        assert!(Reach::of(&host, &g, 3).conflicts(host.window, &[change(2, &[1], 12, 13)], &[]).is_empty());
    }

    #[test]
    fn siblings_that_share_a_dependency_are_not_a_conflict() {
        let g = graph();
        let app = change(1, &[1], 10, 12);
        assert!(Reach::of(&app, &g, 5).conflicts(app.window, &[change(2, &[6], 10, 12)], &[]).is_empty());
    }

    #[test]
    fn an_assignee_booked_twice_and_freezes_over_its_services() {
        let g = graph();
        let mut mine = change(1, &[5], 10, 12);
        mine.assignee = Some(7);
        mine.services = vec![100];
        let mut other = change(2, &[6], 11, 13);
        other.assignee = Some(7);
        let freezes = [
            Freeze { id: 1, name: "Year end".into(), window: Window { start: 0, end: 100 * H }, services: vec![100] },
            Freeze { id: 2, name: "Payroll".into(), window: Window { start: 0, end: 100 * H }, services: vec![200] },
            Freeze {
                id: 3,
                name: "Everything".into(),
                window: Window { start: 11 * H, end: 12 * H },
                services: vec![],
            },
        ];
        let found = Reach::of(&mine, &g, 3).conflicts(mine.window, &[other], &freezes);
        let reasons: Vec<&Reason> = found.iter().map(|c| &c.reason).collect();
        assert_eq!(
            reasons,
            [
                &Reason::InFreeze { service: Some(100) },
                &Reason::SameAssignee { user: 7 },
                &Reason::InFreeze { service: None }
            ]
        );
    }

    #[test]
    fn the_next_free_slot_steps_past_conflicts_inside_the_allowed_windows() {
        let g = graph();
        let mine = change(1, &[2], 0, 1);
        let busy = [change(2, &[1], 10, 12)];
        let s = |allowed: Vec<Window>| Search {
            from: 9 * H + STEP * 2,
            duration: H,
            horizon: HORIZON,
            step: STEP,
            allowed,
        };
        let r = Reach::of(&mine, &g, 3);
        assert_eq!(r.next_free(&s(vec![]), &busy, &[]), Some(Window { start: 12 * H, end: 13 * H }));
        // Only inside 14:00–16:00 or 20:00–20:30 (too short).
        let allowed = vec![Window { start: 20 * H, end: 20 * H + STEP * 2 }, Window { start: 14 * H, end: 16 * H }];
        assert_eq!(r.next_free(&s(allowed), &busy, &[]), Some(Window { start: 14 * H, end: 15 * H }));
        // Nothing within the horizon.
        let always = [change(3, &[2], 0, 10_000)];
        assert_eq!(r.next_free(&s(vec![]), &always, &[]), None);
    }

    fn at(s: &str) -> i64 {
        s.parse::<Timestamp>().unwrap().as_microsecond()
    }

    #[test]
    fn maintenance_windows_keep_to_the_clock_when_it_changes() {
        let w = MaintenanceWindow {
            days: vec![Weekday::Sunday],
            start: Time::constant(1, 0, 0, 0),
            minutes: 240,
            zone: TimeZone::get("Europe/Warsaw").unwrap(),
        };
        // 01:00–05:00 on the clock: 3 hours when it springs forward, 5 when it falls back.
        let spring = w.occurrences(at("2026-03-28T12:00:00Z"), at("2026-03-30T00:00:00Z"));
        assert_eq!(spring, [Window { start: at("2026-03-29T00:00:00Z"), end: at("2026-03-29T03:00:00Z") }]);
        let autumn = w.occurrences(at("2026-10-24T12:00:00Z"), at("2026-10-26T00:00:00Z"));
        assert_eq!(autumn, [Window { start: at("2026-10-24T23:00:00Z"), end: at("2026-10-25T04:00:00Z") }]);
        let normal = w.occurrences(at("2026-07-04T00:00:00Z"), at("2026-07-06T00:00:00Z"));
        assert_eq!(normal, [Window { start: at("2026-07-04T23:00:00Z"), end: at("2026-07-05T03:00:00Z") }]);
        // A start in the skipped hour begins when the clock resumes (03:00),
        // and ends at 03:30 on the clock.
        let gap = MaintenanceWindow { start: Time::constant(2, 30, 0, 0), minutes: 60, ..w.clone() };
        let found = gap.occurrences(at("2026-03-28T12:00:00Z"), at("2026-03-30T00:00:00Z"));
        assert_eq!(found, [Window { start: at("2026-03-29T01:00:00Z"), end: at("2026-03-29T01:30:00Z") }]);
        // A month of Sundays.
        assert_eq!(w.occurrences(at("2026-11-01T00:00:00Z"), at("2026-12-01T00:00:00Z")).len(), 5);
    }

    #[test]
    fn a_window_is_given_as_days_a_clock_time_minutes_and_a_zone() {
        let days = |d: &[&str]| d.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let w = MaintenanceWindow::parse(&days(&["sat", "Sun", "sat"]), "01:30", 240, "Europe/Warsaw").unwrap();
        assert_eq!(
            (w.days, w.start, w.minutes),
            (vec![Weekday::Saturday, Weekday::Sunday], Time::constant(1, 30, 0, 0), 240)
        );
        let e = MaintenanceWindow::parse(&days(&["sat", "someday"]), "25:00", 0, "Mars/Base").unwrap_err();
        let fields: Vec<(&str, Code)> = e.iter().map(|(f, m)| (f.as_str(), m.code)).collect();
        assert_eq!(
            fields,
            [
                ("days[1]", Code::NotOneOf),
                ("start", Code::NotTimeOfDay),
                ("minutes", Code::Between),
                ("time_zone", Code::UnknownZone)
            ]
        );
        assert_eq!(MaintenanceWindow::parse(&[], "1:00", 1441, "").unwrap_err().len(), 4);
    }

    proptest! {
        /// A proposed slot meets no conflict, lies inside an allowed window
        /// and within the horizon; graph conflicts go both ways.
        #[test]
        fn proposals_are_free_and_conflicts_are_mutual(
            edges in proptest::collection::vec((0i64..12, 0usize..4, 0i64..12), 0..20),
            others in proptest::collection::vec((proptest::collection::vec(0i64..12, 1..3), 0i64..48, 1i64..6), 0..8),
            mine in proptest::collection::vec(0i64..12, 1..3),
            hops in 1u32..4,
        ) {
            let kinds = [DependsOn, RunsOn, HostedOn, MemberOf];
            let g = Graph::new(edges.iter().map(|(a, k, b)| rel(*a, kinds[*k], *b)));
            let me = change(1000, &mine, 0, 2);
            let others: Vec<Planned> = others
                .iter()
                .enumerate()
                .map(|(i, (cis, start, len))| change(i as i64, cis, *start, start + len))
                .collect();
            let allowed = vec![Window { start: 5 * H, end: 30 * H }, Window { start: 40 * H, end: 200 * H }];
            let s = Search { from: 0, duration: 2 * H, horizon: HORIZON, step: STEP, allowed: allowed.clone() };
            let reach = Reach::of(&me, &g, hops);
            if let Some(slot) = reach.next_free(&s, &others, &[]) {
                prop_assert!(reach.conflicts(slot, &others, &[]).is_empty());
                prop_assert!(allowed.iter().any(|w| w.contains(&slot)));
                prop_assert!(slot.start <= HORIZON);
            }
            for o in &others {
                // Placed at the other's time: a graph conflict one way is one the other way.
                let me_then = Planned { window: o.window, ..me.clone() };
                let here = reach.conflicts(o.window, std::slice::from_ref(o), &[]);
                let there = Reach::of(o, &g, hops).conflicts(o.window, std::slice::from_ref(&me_then), &[]);
                prop_assert_eq!(here.is_empty(), there.is_empty());
            }
        }

        /// The next free slot is the first slot, tried one by one, at which
        /// the change meets no conflict: changes on its CIs, its assignee's
        /// other changes and freezes over its services (or every service).
        #[test]
        fn the_next_free_slot_is_the_first_without_a_conflict(
            edges in proptest::collection::vec((0i64..10, 0usize..3, 0i64..10), 0..15),
            others in proptest::collection::vec(
                (proptest::collection::vec(0i64..10, 1..3), 0i64..60, 1i64..8, proptest::bool::ANY), 0..10),
            freezes in proptest::collection::vec((0i64..60, 1i64..10, 0usize..3), 0..3),
            mine in proptest::collection::vec(0i64..10, 1..3),
        ) {
            let kinds = [DependsOn, RunsOn, ConnectedTo];
            let g = Graph::new(edges.iter().map(|(a, k, b)| rel(*a, kinds[*k], *b)));
            let mut me = change(1000, &mine, 0, 3);
            (me.assignee, me.services) = (Some(7), vec![100]);
            let others: Vec<Planned> = others
                .iter()
                .enumerate()
                .map(|(i, (cis, start, len, same))| Planned {
                    assignee: same.then_some(7),
                    ..change(i as i64, cis, *start, start + len)
                })
                .collect();
            let freezes: Vec<Freeze> = freezes
                .iter()
                .enumerate()
                .map(|(i, (start, len, which))| Freeze {
                    id: i as i64,
                    name: format!("f{i}"),
                    window: Window { start: start * H, end: (start + len) * H },
                    services: [vec![], vec![100], vec![200]][*which].clone(),
                })
                .collect();
            let s = Search { from: 0, duration: 3 * H, horizon: 80 * H, step: STEP, allowed: vec![] };
            let reach = Reach::of(&me, &g, 3);
            let tried = (0..=s.horizon / STEP)
                .map(|k| Window { start: k * STEP, end: k * STEP + s.duration })
                .find(|at| reach.conflicts(*at, &others, &freezes).is_empty());
            prop_assert_eq!(reach.next_free(&s, &others, &freezes), tried);
        }
    }
}
