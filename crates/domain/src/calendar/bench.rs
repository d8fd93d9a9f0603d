//! A due-moment benchmark the CLI can run (`steward bench due`).

use super::{Calendar, CalendarProblem, CalendarSpec, Interval, WeekHours, poland_holidays};
use jiff::{SignedDuration, Timestamp};
use std::hint::black_box;
use std::time::{Duration, Instant};

/// What [`bench_due_moments`] measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DueBench {
    pub computations: usize,
    pub elapsed: Duration,
}

impl DueBench {
    /// Due moments per second.
    pub fn rate(&self) -> f64 {
        self.computations as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// Times `iterations` due-moment computations on one thread: Europe/Warsaw,
/// Mon–Fri 08:00–12:00 and 12:30–16:30, Polish public holidays, starts
/// spread pseudo-randomly over 2026–2035, targets 30 min, 4 h, 8 h,
/// 3 and 5 business days (8 h each). The year tables are built before the
/// clock starts, as a running server has them after its first minutes.
pub fn bench_due_moments(iterations: usize) -> Result<DueBench, Vec<CalendarProblem>> {
    let spec = CalendarSpec {
        time_zone: "Europe/Warsaw".to_owned(),
        week: WeekHours::weekdays(&[Interval::new("08:00", "12:00"), Interval::new("12:30", "16:30")]),
        holidays: poland_holidays(),
    };
    let cal = Calendar::compile(&spec)?;
    let targets = [30 * 60, 4 * 3600, 8 * 3600, 3 * 8 * 3600, 5 * 8 * 3600].map(SignedDuration::from_secs);
    let from = 1_767_222_000_i64; // 2026-01-01 00:00 Europe/Warsaw
    let span = 10 * 365 * 86_400_u64;
    let mut state = 0x9E37_79B9_7F4A_7C15_u64;
    let starts: Vec<Timestamp> = (0..iterations.clamp(1, 1 << 16))
        .filter_map(|_| {
            // xorshift64: deterministic, good enough to scatter starts.
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            Timestamp::from_second(from + (state % span) as i64).ok()
        })
        .collect();
    if starts.is_empty() {
        return Ok(DueBench { computations: 0, elapsed: Duration::ZERO });
    }
    for (i, &s) in starts.iter().enumerate() {
        black_box(cal.add(s, targets[i % targets.len()]));
    }
    let began = Instant::now();
    let mut done = 0;
    for i in 0..iterations {
        let start = starts[i % starts.len()];
        if black_box(cal.add(black_box(start), targets[i % targets.len()])).is_some() {
            done += 1;
        }
    }
    Ok(DueBench { computations: done, elapsed: began.elapsed() })
}
