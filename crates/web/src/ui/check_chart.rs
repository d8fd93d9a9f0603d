//! A check's history drawn on the server as an SVG: a band of its status
//! over the period (green ok, amber warning, red critical, grey unknown,
//! pale where nothing ran) over a line of its response time. Raw results
//! each hold the band until the next one; a rollup bucket shows its worst
//! status and its average time. The pages' content security policy
//! refuses inline styles, so colours are presentation attributes.

use super::service_map::{path_data, r1};
use maud::{Markup, html};
use steward_app::checks::history::History;
use steward_store::checks::{ResultRow, RollupRow};

/// One stretch of the history.
#[derive(Debug, Clone, PartialEq)]
pub struct Slot {
    pub start: i64,
    pub end: i64,
    /// `ok`, `warning`, `critical` or `unknown`.
    pub status: &'static str,
    pub latency_ms: i64,
}

/// Results per status over a period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub ok: i64,
    pub warning: i64,
    pub critical: i64,
    pub unknown: i64,
}

impl Counts {
    /// The share of results with a known status that answered (ok or
    /// warning), as the service availability counts it.
    pub fn availability(&self) -> Option<f64> {
        let up = self.ok + self.warning;
        let known = up + self.critical;
        (known > 0).then(|| up as f64 / known as f64)
    }

    pub fn known(&self) -> i64 {
        self.ok + self.warning + self.critical
    }

    fn add(&mut self, status: &str, n: i64) {
        match status {
            "ok" => self.ok += n,
            "warning" => self.warning += n,
            "critical" => self.critical += n,
            _ => self.unknown += n,
        }
    }
}

fn status_of(s: &str) -> &'static str {
    match s {
        "ok" => "ok",
        "warning" => "warning",
        "critical" => "critical",
        _ => "unknown",
    }
}

/// The worst status a bucket counted: critical, then warning, unknown, ok.
fn worst(r: &RollupRow) -> &'static str {
    if r.critical > 0 {
        "critical"
    } else if r.warning > 0 {
        "warning"
    } else if r.unknown > 0 {
        "unknown"
    } else {
        "ok"
    }
}

/// The stretches of a history in `[from, to)` (µs) and its counts; a raw
/// result holds until the next, the last for at most `interval` µs.
pub fn slots(h: &History, from: i64, to: i64, interval: i64) -> (Vec<Slot>, Counts) {
    let mut counts = Counts::default();
    let out: Vec<Slot> = match h {
        History::Raw(rows) => {
            let next_at = |i: usize| rows.get(i + 1).map_or((rows[i].at + interval).min(to), |n: &ResultRow| n.at);
            (0..rows.len())
                .map(|i| {
                    let r = &rows[i];
                    counts.add(&r.status, 1);
                    Slot { start: r.at, end: next_at(i), status: status_of(&r.status), latency_ms: r.latency_ms }
                })
                .collect()
        }
        History::Rolled(span, rows) => rows
            .iter()
            .map(|r| {
                let n = r.ok + r.warning + r.critical + r.unknown;
                counts.add("ok", r.ok);
                counts.add("warning", r.warning);
                counts.add("critical", r.critical);
                counts.add("unknown", r.unknown);
                let latency_ms = if n > 0 { r.latency_sum_ms / n } else { 0 };
                Slot { start: r.bucket, end: (r.bucket + span.micros()).min(to), status: worst(r), latency_ms }
            })
            .collect(),
    };
    let kept: Vec<Slot> = out.into_iter().filter(|s: &Slot| s.end > from && s.start < to).collect();
    (kept, counts)
}

/// A status's colour.
pub fn colour(status: &str) -> &'static str {
    match status {
        "ok" => "#15803d",
        "warning" => "#b45309",
        "critical" => "#b91c1c",
        _ => "#6b7280",
    }
}

const WIDTH: f32 = 720.0;
const LEFT: f32 = 48.0;
const RIGHT: f32 = 8.0;
const BAND_TOP: f32 = 4.0;
const BAND_H: f32 = 18.0;
const PLOT_TOP: f32 = 34.0;
const PLOT_H: f32 = 110.0;
const HEIGHT: f32 = PLOT_TOP + PLOT_H + 22.0;
const MUTED: &str = "#5d6574";
const GRID: &str = "#d4d8de";
const LINE: &str = "#1d4ed8";
const EMPTY: &str = "#eef0f3";

/// A round top for the time axis: 1, 2 or 5 times a power of ten, at
/// least 10 ms, so that its half (the middle label) is whole too.
fn nice_max(v: i64) -> i64 {
    let v = v.max(10);
    let mut step = 10;
    while step * 10 <= v {
        step *= 10;
    }
    [1, 2, 5, 10].iter().map(|m| m * step).find(|t| *t >= v).unwrap_or(10 * step)
}

/// The chart. `label` names it for screen readers; `start` and `end` are
/// the axis's two ends as the reader's clock shows them.
pub fn svg(slots: &[Slot], from: i64, to: i64, label: &str, start: &str, end: &str) -> Markup {
    let span = (to - from).max(1) as f32;
    let plot_w = WIDTH - LEFT - RIGHT;
    let x = |t: i64| LEFT + ((t - from).clamp(0, to - from) as f32 / span) * plot_w;
    // Neighbouring slots of one status make one rectangle.
    let mut band: Vec<(f32, f32, &str)> = Vec::new();
    for s in slots {
        let (x0, x1) = (x(s.start), x(s.end));
        match band.last_mut() {
            Some((_, e, st)) if *st == s.status && (x0 - *e).abs() < 0.5 => *e = x1,
            _ => band.push((x0, x1, s.status)),
        }
    }
    let top = nice_max(slots.iter().map(|s| s.latency_ms).max().unwrap_or(0));
    let y = |ms: i64| PLOT_TOP + PLOT_H - (ms as f32 / top as f32) * PLOT_H;
    let points: Vec<(f32, f32)> = slots.iter().map(|s| (x(s.start + (s.end - s.start) / 2), y(s.latency_ms))).collect();
    html! {
        svg xmlns="http://www.w3.org/2000/svg" class="check-chart" role="img" aria-label=(label)
            viewBox={ "0 0 " (WIDTH) " " (HEIGHT) } width="100%" preserveAspectRatio="xMidYMid meet"
            font-family="system-ui, sans-serif" font-size="11" {
            title { (label) }
            rect.band-empty x=(LEFT) y=(BAND_TOP) width=(r1(plot_w)) height=(BAND_H) fill=(EMPTY) {}
            g.band {
                @for (x0, x1, st) in &band {
                    rect class={ "st-" (st) } x=(r1(*x0)) y=(BAND_TOP) width=(r1((x1 - x0).max(1.0))) height=(BAND_H)
                        fill=(colour(st)) {}
                }
            }
            g.grid stroke=(GRID) stroke-width="1" {
                @for i in 0..=2 {
                    @let gy = r1(PLOT_TOP + PLOT_H * i as f32 / 2.0);
                    line x1=(LEFT) x2=(WIDTH - RIGHT) y1=(gy) y2=(gy) {}
                }
            }
            g.axis fill=(MUTED) {
                text x=(LEFT - 4.0) y=(PLOT_TOP + 4.0) text-anchor="end" { (top) }
                text x=(LEFT - 4.0) y=(r1(PLOT_TOP + PLOT_H / 2.0 + 4.0)) text-anchor="end" { (top / 2) }
                text x=(LEFT - 4.0) y=(PLOT_TOP + PLOT_H + 4.0) text-anchor="end" { "0" }
                text x=(LEFT) y=(HEIGHT - 4.0) { (start) }
                text x=(WIDTH - RIGHT) y=(HEIGHT - 4.0) text-anchor="end" { (end) }
            }
            @if points.len() > 1 {
                path.latency d=(path_data(&points)) fill="none" stroke=(LINE) stroke-width="1.5" {}
            } @else if let Some((px, py)) = points.first() {
                circle.latency cx=(r1(*px)) cy=(r1(*py)) r="3" fill=(LINE) {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use steward_store::checks::Span;

    fn raw(at: i64, status: &str, latency_ms: i64) -> ResultRow {
        ResultRow { at, status: status.into(), latency_ms, message: String::new(), perfdata: "[]".into() }
    }

    #[test]
    fn the_time_axis_tops_are_round_and_halve_evenly() {
        for (v, top) in [(0, 10), (1, 10), (10, 10), (11, 20), (30, 50), (170, 200), (501, 1000), (12_000, 20_000)] {
            assert_eq!(nice_max(v), top, "{v}");
            assert_eq!(nice_max(v) % 2, 0);
        }
        let flat = [Slot { start: 0, end: 50, status: "ok", latency_ms: 0 }];
        let svg = svg(&flat, 0, 100, "chart", "a", "b").into_string();
        assert!(svg.contains(">10</text>") && svg.contains(">5</text>"), "{svg}");
    }

    #[test]
    fn raw_results_hold_until_the_next_and_count_their_statuses() {
        let h = History::Raw(vec![raw(10, "ok", 5), raw(20, "critical", 50), raw(30, "weird", 7)]);
        let (s, c) = slots(&h, 0, 100, 60);
        assert_eq!(
            s.iter().map(|s| (s.start, s.end, s.status)).collect::<Vec<_>>(),
            [(10, 20, "ok"), (20, 30, "critical"), (30, 90, "unknown")]
        );
        assert_eq!(c, Counts { ok: 1, warning: 0, critical: 1, unknown: 1 });
        assert_eq!(c.availability(), Some(0.5));
    }

    #[test]
    fn a_bucket_shows_its_worst_status_and_its_average_time() {
        let hour = Span::Hour.micros();
        let b = |bucket, ok, warning, critical| RollupRow {
            bucket,
            ok,
            warning,
            critical,
            unknown: 0,
            latency_sum_ms: 10 * (ok + warning + critical),
            latency_max_ms: 10,
        };
        let h = History::Rolled(Span::Hour, vec![b(0, 3, 0, 0), b(hour, 2, 1, 0), b(2 * hour, 1, 1, 1)]);
        let (s, c) = slots(&h, 0, 3 * hour, 60);
        assert_eq!(s.iter().map(|s| s.status).collect::<Vec<_>>(), ["ok", "warning", "critical"]);
        assert!(s.iter().all(|s| s.latency_ms == 10));
        assert_eq!((c.ok, c.warning, c.critical), (6, 2, 1));
        assert_eq!(Counts::default().availability(), None);
    }

    #[test]
    fn the_svg_merges_the_band_and_scales_the_line() {
        let slots = [
            Slot { start: 0, end: 50, status: "ok", latency_ms: 30 },
            Slot { start: 50, end: 100, status: "ok", latency_ms: 170 },
        ];
        let out = svg(&slots, 0, 100, "web: history", "10:00", "11:00").into_string();
        assert!(out.starts_with(
            r#"<svg xmlns="http://www.w3.org/2000/svg" class="check-chart" role="img" aria-label="web: history""#
        ));
        assert_eq!(out.matches(r#"class="st-ok""#).count(), 1, "one stretch: {out}");
        assert!(out.contains(r#"class="latency" d="M"#), "{out}");
        assert!(out.contains(">200<"), "the axis tops at a round 200: {out}");
        assert_eq!(nice_max(0), 10);
        assert_eq!(nice_max(1_001), 2_000);
    }
}
