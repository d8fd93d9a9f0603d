//! One SLA (or OLA) clock: business time spent against a target.
//!
//! Elapsed time only grows while the clock runs, and only inside the
//! calendar's working hours. The clock keeps just enough to be stored as
//! columns: what was spent before the current run (`elapsed`), when the
//! current run began (`running_since`), and what has been announced.

use super::ClockKind;
use crate::calendar::Calendar;
use jiff::{SignedDuration, Timestamp};

/// Something a clock announces once: crossing a warning threshold (percent
/// of the target) or the target itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClockEvent {
    Warning(u8),
    Breach,
}

impl ClockEvent {
    /// The percent of the target at which the event happens.
    pub fn percent(self) -> u8 {
        match self {
            Self::Warning(p) => p,
            Self::Breach => 100,
        }
    }
}

/// Running: `running_since` is set. Paused: neither `running_since` nor
/// `stopped_at`. Stopped: `stopped_at` is set, and the clock is final.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clock {
    pub kind: ClockKind,
    /// Business time allowed.
    pub target: SignedDuration,
    pub started_at: Timestamp,
    /// Business time spent before `running_since` (all of it once paused).
    pub elapsed: SignedDuration,
    pub running_since: Option<Timestamp>,
    pub stopped_at: Option<Timestamp>,
    /// When the target is (or was) used up; only while running.
    pub due_at: Option<Timestamp>,
    /// Highest event announced, in percent: 0 none, 1–99 that warning (and
    /// any below it), 100 the breach. Events are announced in order, so one
    /// number records them all, and a threshold added later to the SLA below
    /// this level is not announced after the fact.
    pub fired: u8,
    /// The moment the target was used up, once known.
    pub breached_at: Option<Timestamp>,
}

impl Clock {
    /// A running clock from `at`.
    pub fn start(kind: ClockKind, target: SignedDuration, at: Timestamp, cal: &Calendar) -> Self {
        let mut clock = Self {
            kind,
            target,
            started_at: at,
            elapsed: SignedDuration::ZERO,
            running_since: Some(at),
            stopped_at: None,
            due_at: None,
            fired: 0,
            breached_at: None,
        };
        clock.due_at = clock.breach_moment(cal);
        clock
    }

    pub fn is_running(&self) -> bool {
        self.running_since.is_some()
    }

    pub fn is_paused(&self) -> bool {
        self.running_since.is_none() && self.stopped_at.is_none()
    }

    pub fn is_stopped(&self) -> bool {
        self.stopped_at.is_some()
    }

    pub fn is_breached(&self) -> bool {
        self.breached_at.is_some()
    }

    /// Stops the time at `at`. Pausing a paused or stopped clock changes
    /// nothing. Call [`Clock::catch_up`] first so that warnings crossed in
    /// this run are announced at their moments: a paused clock announces
    /// nothing, and a warning crossed before a pause but never announced is
    /// later reported at the resume moment. The breach moment is kept.
    pub fn pause(&mut self, at: Timestamp, cal: &Calendar) {
        let Some(since) = self.running_since.take() else { return };
        self.elapsed = self.elapsed.saturating_add(cal.working_between(since, at));
        if self.elapsed >= self.target && self.breached_at.is_none() {
            self.breached_at = Some(self.due_at.filter(|d| *d <= at).unwrap_or(at));
        }
        self.due_at = None;
    }

    /// Lets the time run again from `at`. `due_at` becomes `at` plus the
    /// remaining business time; if nothing remains it is the breach moment
    /// already past (or `at` if that is unknown), so an unannounced breach
    /// is due at once. Only a paused clock resumes.
    pub fn resume(&mut self, at: Timestamp, cal: &Calendar) {
        if self.is_paused() {
            self.running_since = Some(at);
            self.due_at = self.breach_moment(cal);
        }
    }

    /// Ends the clock for good (resolved, responded, group left).
    pub fn stop(&mut self, at: Timestamp, cal: &Calendar) {
        if self.stopped_at.is_none() {
            self.pause(at, cal);
            self.stopped_at = Some(at);
        }
    }

    /// A new target after a priority change, measured from the clock's
    /// start: the time already spent stays spent. Announcements the new
    /// target has not reached yet are taken back (they will come again at
    /// their new moments); if the new target is already used up the clock is
    /// breached — at the exact moment if it fell in the current run, else at
    /// `at`. A stopped clock keeps its result.
    pub fn retarget(&mut self, target: SignedDuration, at: Timestamp, cal: &Calendar) {
        if self.is_stopped() {
            return;
        }
        let spent = self.elapsed_at(at, cal);
        self.target = target;
        self.fired = self.fired.min(percent(spent, target).min(100) as u8);
        if spent < target {
            self.breached_at = None;
        } else {
            let exact = self
                .running_since
                .filter(|_| target >= self.elapsed)
                .and_then(|since| cal.add(since, target - self.elapsed).filter(|t| *t <= at));
            self.breached_at = exact.or(self.breached_at).or(Some(at));
        }
        if self.is_running() {
            self.due_at = self.breach_moment(cal);
        }
    }

    /// Business time spent by `now`.
    pub fn elapsed_at(&self, now: Timestamp, cal: &Calendar) -> SignedDuration {
        let run = self.running_since.map_or(SignedDuration::ZERO, |since| cal.working_between(since, now));
        self.elapsed.saturating_add(run)
    }

    /// Business time left at `now`; negative once overdue.
    pub fn remaining_at(&self, now: Timestamp, cal: &Calendar) -> SignedDuration {
        self.target.saturating_sub(self.elapsed_at(now, cal))
    }

    /// Percent of the target spent by `now`, rounded down; above 100 when
    /// overdue.
    pub fn percent_at(&self, now: Timestamp, cal: &Calendar) -> u32 {
        percent(self.elapsed_at(now, cal), self.target)
    }

    /// The next event not yet announced and its moment, for a running
    /// clock; `None` when paused, stopped or all announced. `thresholds`
    /// are the SLA's warning percents (others than 1–99 are ignored).
    pub fn next_event(&self, thresholds: &[u8], cal: &Calendar) -> Option<(ClockEvent, Timestamp)> {
        self.events(thresholds, cal).into_iter().next()
    }

    /// Every unannounced event whose moment is at or before `now`, in order,
    /// each with its own moment.
    pub fn due_events(&self, now: Timestamp, thresholds: &[u8], cal: &Calendar) -> Vec<(ClockEvent, Timestamp)> {
        let mut events = self.events(thresholds, cal);
        events.retain(|(_, at)| *at <= now);
        events
    }

    /// Marks an event announced; `at` is its moment. Returns whether
    /// anything changed (each event counts once; a warning below the last
    /// announced one is ignored).
    pub fn fire(&mut self, event: ClockEvent, at: Timestamp) -> bool {
        match event {
            ClockEvent::Warning(p) if (1..=99).contains(&p) && p > self.fired => {
                self.fired = p;
                true
            }
            ClockEvent::Breach if self.fired < 100 => {
                self.fired = 100;
                self.breached_at.get_or_insert(at);
                true
            }
            _ => false,
        }
    }

    /// [`Clock::due_events`], each then marked announced.
    pub fn catch_up(&mut self, now: Timestamp, thresholds: &[u8], cal: &Calendar) -> Vec<(ClockEvent, Timestamp)> {
        let events = self.due_events(now, thresholds, cal);
        for &(event, at) in &events {
            self.fire(event, at);
        }
        events
    }

    /// Unannounced events of a running clock with their moments, in order.
    fn events(&self, thresholds: &[u8], cal: &Calendar) -> Vec<(ClockEvent, Timestamp)> {
        if !self.is_running() || self.fired >= 100 {
            return Vec::new();
        }
        let mut percents: Vec<u8> = thresholds.iter().copied().filter(|p| (1..=99).contains(p)).collect();
        percents.sort_unstable();
        percents.dedup();
        let mut out = Vec::with_capacity(percents.len() + 1);
        let mut last: Option<Timestamp> = None;
        let mut push = |event, at: Option<Timestamp>| {
            // Crossings are monotonic; max() only guards the fallbacks.
            if let Some(at) = at.map(|t| last.map_or(t, |l| t.max(l))) {
                last = Some(at);
                out.push((event, at));
            }
        };
        for p in percents.into_iter().filter(|&p| p > self.fired) {
            push(ClockEvent::Warning(p), self.share(p).and_then(|b| self.crossing(b, cal)));
        }
        push(ClockEvent::Breach, self.breach_moment(cal));
        out
    }

    /// When the target is used up, for a running clock.
    fn breach_moment(&self, cal: &Calendar) -> Option<Timestamp> {
        self.running_since?;
        self.breached_at.or_else(|| self.crossing(self.target, cal))
    }

    /// When spent time reaches `business` in the current run; if it was
    /// reached in an earlier run (whose moments are not kept), the start of
    /// this run.
    fn crossing(&self, business: SignedDuration, cal: &Calendar) -> Option<Timestamp> {
        let since = self.running_since?;
        if business >= self.elapsed { cal.add(since, business - self.elapsed) } else { Some(since) }
    }

    /// `p` percent of the target, rounded up so that at the moment it is
    /// reached `percent_at` shows at least `p`.
    fn share(&self, p: u8) -> Option<SignedDuration> {
        let ns = self.target.as_nanos() * i128::from(p);
        SignedDuration::try_from_nanos_i128((ns + 99).div_euclid(100))
    }
}

fn percent(spent: SignedDuration, target: SignedDuration) -> u32 {
    if target <= SignedDuration::ZERO {
        return 100;
    }
    let p = (spent.as_nanos().max(0) * 100).div_euclid(target.as_nanos());
    u32::try_from(p).unwrap_or(u32::MAX)
}
