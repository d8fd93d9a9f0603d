//! The dashboard's charts, drawn on the server as SVG (no chart library in
//! the browser): opened per day as bars that link to that day's records
//! with resolved as a line over them, horizontal bars per group, service
//! or priority, and a weekday-by-hour heat map. The content security policy
//! refuses inline styles, so colours are presentation attributes. A chart
//! holding links is a labelled group (an image may hold no controls), each
//! link named by its `<title>`.

use super::service_map::{path_data, r1};
use maud::{Markup, html};

const OPENED: &str = "#1d4ed8";
const RESOLVED: &str = "#15803d";

/// A round axis top at or above `max` (1, 2 or 5 times a power of ten).
fn nice(max: i64) -> i64 {
    if max <= 0 {
        return 1;
    }
    let mut p = 1;
    while p * 10 <= max {
        p *= 10;
    }
    [1, 2, 5, 10].into_iter().map(|m| m * p).find(|v| *v >= max).unwrap_or(10 * p)
}

/// One day of the series.
pub struct Point<'a> {
    /// `YYYY-MM-DD`.
    pub day: &'a str,
    pub opened: i64,
    /// The line's value (none: no line).
    pub resolved: Option<i64>,
    /// The records behind the bar.
    pub href: String,
}

const W: f32 = 1100.0;
const H: f32 = 220.0;
const LEFT: f32 = 44.0;
const BOTTOM: f32 = 24.0;
const TOP: f32 = 10.0;

/// Opened (bars) and resolved (line) per day.
pub fn series(points: &[Point], label: &str, opened: &str, resolved: &str) -> Markup {
    let top = nice(points.iter().map(|p| p.opened.max(p.resolved.unwrap_or(0))).max().unwrap_or(0));
    let n = points.len().max(1) as f32;
    let step = (W - LEFT - 8.0) / n;
    let y = |v: i64| r1(TOP + (H - TOP - BOTTOM) * (1.0 - v as f32 / top as f32));
    let x = |i: usize| r1(LEFT + step * i as f32);
    let line: Vec<(f32, f32)> =
        points.iter().enumerate().filter_map(|(i, p)| p.resolved.map(|r| (x(i) + step / 2.0, y(r)))).collect();
    let ticks = [0, top / 2, top];
    let labels: Vec<usize> = match points.len() {
        0 => vec![],
        1 => vec![0],
        len => vec![0, len / 2, len - 1],
    };
    html! {
        svg.report-chart role="group" aria-label=(label) viewBox={ "0 0 " (W) " " (H) } width=(W) height=(H)
            xmlns="http://www.w3.org/2000/svg" {
            @for t in ticks {
                line x1=(LEFT) x2=(W - 4.0) y1=(y(t)) y2=(y(t)) stroke="#e5e7eb" stroke-width="1" {}
                text x=(LEFT - 6.0) y=(y(t) + 4.0) text-anchor="end" font-size="11" fill="#4b5563" { (t) }
            }
            @for (i, p) in points.iter().enumerate() {
                a href=(p.href) {
                    title {
                        (p.day) ": " (opened) " " (p.opened)
                        @if let Some(r) = p.resolved { ", " (resolved) " " (r) }
                    }
                    rect x=(x(i) + step * 0.15) y=(y(p.opened)) width=(r1((step * 0.7).max(1.0)))
                        height=(r1((y(0) - y(p.opened)).max(0.0))) fill=(OPENED) fill-opacity="0.75" {}
                    // The whole column is the link's target, not only the bar.
                    rect x=(x(i)) y=(TOP) width=(r1(step)) height=(H - TOP - BOTTOM) fill="transparent" {}
                }
            }
            @if !line.is_empty() {
                path d=(path_data(&line)) fill="none" stroke=(RESOLVED) stroke-width="2" {}
            }
            @for i in labels {
                // The first label starts at its day, the last ends at its
                // day, so neither runs off the chart.
                @let anchor = if i == 0 { "start" } else if i + 1 == points.len() { "end" } else { "middle" };
                @let at = if i == 0 { x(i) } else if i + 1 == points.len() { x(i) + step } else { x(i) + step / 2.0 };
                text x=(at) y=(H - 6.0) text-anchor=(anchor) font-size="11" fill="#4b5563" { (points[i].day) }
            }
        }
    }
}

/// One bar of a breakdown.
pub struct Bar {
    pub label: String,
    pub value: i64,
    /// What the bar says beside its value (e.g. resolved and MTTR).
    pub note: String,
    pub href: Option<String>,
}

/// Horizontal bars, the longest first as given.
pub fn bars(list: &[Bar], label: &str) -> Markup {
    const ROW: f32 = 26.0;
    const NAME: f32 = 190.0;
    const BAR: f32 = 250.0;
    const BW: f32 = 760.0;
    let top = list.iter().map(|b| b.value).max().unwrap_or(0).max(1);
    let h = ROW * list.len() as f32 + 4.0;
    html! {
        svg.report-chart.report-bars role="group" aria-label=(label) viewBox={ "0 0 " (BW) " " (h) } width=(BW) height=(h)
            xmlns="http://www.w3.org/2000/svg" {
            @for (i, b) in list.iter().enumerate() {
                @let y0 = r1(ROW * i as f32 + 2.0);
                @let w = r1((BAR * b.value as f32 / top as f32).max(1.0));
                @let body = html! {
                    title { (b.label) ": " (b.value) " — " (b.note) }
                    text x="0" y=(y0 + 16.0) font-size="12" fill="#111827" { (clip(&b.label, 28)) }
                    rect x=(NAME) y=(y0 + 3.0) width=(w) height=(ROW - 8.0) rx="2" fill=(OPENED) fill-opacity="0.75" {}
                    text x=(NAME + w + 6.0) y=(y0 + 16.0) font-size="12" fill="#111827" { (b.value) " · " (b.note) }
                };
                @match &b.href {
                    Some(href) => a href=(href) { (body) },
                    None => g { (body) },
                }
            }
        }
    }
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n { s.to_owned() } else { format!("{}…", s.chars().take(n - 1).collect::<String>()) }
}

/// Arrivals per weekday (rows, Monday first) and hour (columns).
pub fn heat(cells: &[[i64; 24]; 7], weekdays: [&str; 7], label: &str, href: &str) -> Markup {
    const CELL_W: f32 = 26.0;
    const CELL_H: f32 = 20.0;
    const LEFT_H: f32 = 44.0;
    let top = cells.iter().flatten().copied().max().unwrap_or(0).max(1);
    let w = LEFT_H + CELL_W * 24.0 + 4.0;
    let h = CELL_H * 7.0 + 20.0;
    html! {
        a.heat-link href=(href) {
            svg.report-chart.report-heat role="img" aria-label=(label) viewBox={ "0 0 " (w) " " (h) } width=(w) height=(h)
                xmlns="http://www.w3.org/2000/svg" {
                @for (d, row) in cells.iter().enumerate() {
                    text x=(LEFT_H - 6.0) y=(r1(CELL_H * d as f32 + 14.0)) text-anchor="end" font-size="11" fill="#4b5563" { (weekdays[d]) }
                    @for (hour, n) in row.iter().enumerate() {
                        rect x=(r1(LEFT_H + CELL_W * hour as f32)) y=(r1(CELL_H * d as f32)) width=(CELL_W - 2.0) height=(CELL_H - 2.0)
                            rx="2" fill=(OPENED) fill-opacity=(format!("{:.2}", 0.06 + 0.94 * *n as f32 / top as f32)) {
                            title { (weekdays[d]) " " (format!("{hour:02}:00")) ": " (n) }
                        }
                    }
                }
                @for hour in (0..24).step_by(3) {
                    text x=(r1(LEFT_H + CELL_W * hour as f32 + CELL_W / 2.0)) y=(h - 4.0) text-anchor="middle" font-size="11" fill="#4b5563" { (format!("{hour:02}")) }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_end_on_round_numbers() {
        assert_eq!(
            [nice(0), nice(1), nice(3), nice(7), nice(10), nice(11), nice(480), nice(5_001)],
            [1, 1, 5, 10, 10, 20, 500, 10_000]
        );
    }

    #[test]
    fn every_day_links_to_its_records() {
        let points = [
            Point { day: "2026-03-01", opened: 4, resolved: Some(2), href: "/incidents?opened_from=2026-03-01".into() },
            Point { day: "2026-03-02", opened: 0, resolved: Some(1), href: "/incidents?opened_from=2026-03-02".into() },
        ];
        let svg = series(&points, "chart", "opened", "resolved").into_string();
        assert_eq!(svg.matches("<a href=").count(), 2);
        assert!(svg.contains("2026-03-01: opened 4, resolved 2"), "{svg}");
        assert!(!svg.contains("NaN"));
    }
}
