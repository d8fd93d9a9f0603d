//! SLA clocks as people read them: "2 h 15 min left", "overdue by 35 min",
//! "met", coloured green, amber or red — always with words as well, so the
//! state does not depend on seeing colour.

use super::{fmt, widgets};
use crate::i18n::{self, Lang, Msg};
use maud::{Markup, html};
use steward_app::sla::ClockView;

const MINUTE: i64 = 60;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;

/// Where a clock stands, for its colour and its word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Ok,
    Warn,
    Breached,
    Done,
    Paused,
}

impl Tone {
    pub fn class(self) -> &'static str {
        match self {
            Tone::Ok => "sla-ok",
            Tone::Warn => "sla-warn",
            Tone::Breached => "sla-breached",
            Tone::Done => "sla-done",
            Tone::Paused => "sla-paused",
        }
    }

    pub fn word(self, lang: Lang) -> &'static str {
        i18n::t(
            lang,
            match self {
                Tone::Ok => Msg::SlaToneOk,
                Tone::Warn => Msg::SlaToneWarn,
                Tone::Breached => Msg::SlaToneBreached,
                Tone::Done => Msg::SlaToneDone,
                Tone::Paused => Msg::SlaTonePaused,
            },
        )
    }
}

/// A span of business time, rounded down to minutes: "2 h 15 min",
/// "46 h", "under 1 min" (the sign is the caller's to word). Never in
/// days: a business day is the calendar's working hours, not 24 h, so
/// "2 d" would read as two calendar days.
pub fn span(lang: Lang, secs: i64) -> String {
    let secs = secs.saturating_abs();
    let unit = |m: Msg| i18n::t(lang, m);
    let pair = |a: i64, ua: Msg, b: i64, ub: Msg| {
        if b == 0 { format!("{a} {}", unit(ua)) } else { format!("{a} {} {b} {}", unit(ua), unit(ub)) }
    };
    match secs {
        s if s < MINUTE => unit(Msg::UnderAMinute).to_owned(),
        s if s < HOUR => format!("{} {}", s / MINUTE, unit(Msg::UnitMinute)),
        s if s < DAY => pair(s / HOUR, Msg::UnitHour, s % HOUR / MINUTE, Msg::UnitMinute),
        s => format!("{} {}", s / HOUR, unit(Msg::UnitHour)),
    }
}

/// "2 h left" or "overdue by 35 min".
pub fn left_or_overdue(lang: Lang, remaining_secs: i64) -> String {
    let time = span(lang, remaining_secs);
    if remaining_secs < 0 {
        i18n::tf(lang, Msg::SlaOverdue, &[("time", &time)])
    } else {
        i18n::tf(lang, Msg::SlaLeft, &[("time", &time)])
    }
}

/// The tone of a clock: at risk from its first warning threshold (75 %
/// without one), or with under a quarter of the target left.
pub fn tone(c: &ClockView) -> Tone {
    let warn_at = u32::from(c.warn_at.unwrap_or(75));
    if c.breached {
        Tone::Breached
    } else if c.state == "stopped" {
        Tone::Done
    } else if c.state == "paused" {
        Tone::Paused
    } else if c.percent >= warn_at || c.remaining_seconds.saturating_mul(4) < c.target_seconds {
        Tone::Warn
    } else {
        Tone::Ok
    }
}

/// What the clock says now, in words.
pub fn status(lang: Lang, c: &ClockView) -> String {
    match c.state {
        "stopped" if c.breached => i18n::t(lang, Msg::SlaMissed).to_owned(),
        "stopped" => i18n::t(lang, Msg::SlaMet).to_owned(),
        "paused" if c.remaining_seconds >= 0 => {
            i18n::tf(lang, Msg::SlaPausedLeft, &[("time", &span(lang, c.remaining_seconds))])
        }
        // Breached exactly as the working day ended: no business time has
        // passed since, but the clock is overdue, not "under 1 min left".
        _ if c.breached && c.remaining_seconds == 0 => left_or_overdue(lang, -1),
        _ => left_or_overdue(lang, c.remaining_seconds),
    }
}

/// "Standard · First response", or "Time with Network".
pub fn name(lang: Lang, c: &ClockView) -> String {
    let target = match c.kind.as_str() {
        "response" => Msg::SlaResponse,
        "resolution" => Msg::SlaResolution,
        _ => return i18n::tf(lang, Msg::SlaTimeWith, &[("group", c.group_name.as_deref().unwrap_or("?"))]),
    };
    match &c.sla_name {
        Some(n) => format!("{n} · {}", i18n::t(lang, target)),
        None => i18n::t(lang, target).to_owned(),
    }
}

/// The incident page's panel: one row per clock.
pub fn panel(lang: Lang, clocks: &[ClockView]) -> Markup {
    let now = fmt::now_micros();
    html! {
        section.panel.sla-panel #sla aria-labelledby="sla-title" {
            h2 #sla-title { (i18n::t(lang, Msg::SlaPanel)) }
            @if clocks.is_empty() { p.muted { (i18n::t(lang, Msg::SlaNoClocks)) } }
            p.sla-headline { (badge(lang, clocks)) }
            ul.clocks {
                @for c in clocks {
                    @let tone = tone(c);
                    li class={ "clock " (tone.class()) } data-kind=(c.kind) {
                        div.clock-name { (name(lang, c)) }
                        div.clock-status {
                            span class={ "badge sla " (tone.class()) } { (tone.word(lang)) }
                            " " span.clock-left { (status(lang, c)) }
                        }
                        meter min="0" max="100" value=(c.percent.min(100)) title={ (c.percent) " %" } { (c.percent) " %" }
                        @if let Some(due) = c.due_at {
                            div.clock-due.muted { (i18n::t(lang, Msg::SlaDue)) ": " (fmt::absolute(lang, due)) }
                        }
                        @if let Some(at) = c.breached_at {
                            div.clock-due.muted { (i18n::t(lang, Msg::SlaBreachedAt)) ": " (widgets::time(lang, at, now)) }
                        }
                    }
                }
            }
        }
    }
}

/// The clock that speaks for the record: a breached clock that still
/// counts (running or paused) before any other, the most overdue first;
/// then the running clock with the least business time left; then a
/// paused one; then a missed one. Met clocks say nothing.
pub fn headline(clocks: &[ClockView]) -> Option<&ClockView> {
    let rank = |c: &ClockView| match (c.breached, c.state) {
        (true, "running" | "paused") => Some(0),
        (false, "running") => Some(1),
        (false, "paused") => Some(2),
        (true, _) => Some(3),
        (false, _) => None,
    };
    clocks
        .iter()
        .filter_map(|c| rank(c).map(|r| (r, c.remaining_seconds, c)))
        .min_by_key(|(r, left, _)| (*r, *left))
        .map(|(_, _, c)| c)
}

/// The clock's own name, short: "Resolution", "First response", "Time with Network".
pub fn kind_name(lang: Lang, c: &ClockView) -> String {
    match c.kind.as_str() {
        "response" => i18n::t(lang, Msg::SlaResponse).to_owned(),
        "resolution" => i18n::t(lang, Msg::SlaResolution).to_owned(),
        _ => i18n::tf(lang, Msg::SlaTimeWith, &[("group", c.group_name.as_deref().unwrap_or("?"))]),
    }
}

/// When the clock runs (or ran) out: the due moment of a running clock,
/// the breach of one overdue.
fn due_moment(c: &ClockView) -> Option<i64> {
    match c.state {
        "running" => c.due_at.or(c.breached_at),
        "paused" => c.breached_at,
        _ => None,
    }
}

/// The record's SLA in one line, the same words on the list and on the
/// incident page: "Resolution: overdue by 1 d 22 h · due 2 Dec 2026,
/// 14:00", in business time, the clock's tone as colour and as a word.
pub fn badge(lang: Lang, clocks: &[ClockView]) -> Markup {
    let Some(c) = headline(clocks) else { return html! {} };
    let tone = tone(c);
    html! {
        span.sla-line data-kind=(c.kind) {
            span class={ "badge sla " (tone.class()) } title=(tone.word(lang)) {
                span.visually-hidden { (tone.word(lang)) ": " }
                (kind_name(lang, c)) ": " (status(lang, c))
            }
            @if let Some(due) = due_moment(c) {
                " " span.sla-due { (i18n::t(lang, Msg::SlaDue)) " " (fmt::absolute(lang, due)) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clock(state: &'static str, target: i64, remaining: i64, breached: bool) -> ClockView {
        ClockView {
            kind: "response".into(),
            sla_name: Some("Standard".into()),
            group_id: None,
            group_name: None,
            state,
            target_seconds: target,
            elapsed_seconds: target - remaining,
            remaining_seconds: remaining,
            percent: u32::try_from((target - remaining) * 100 / target).unwrap_or(0),
            due_at: None,
            breached,
            breached_at: None,
            warn_at: None,
            started_at: 0,
            stopped_at: None,
        }
    }

    #[test]
    fn spans_in_both_languages() {
        assert_eq!(span(Lang::En, 2 * HOUR + 15 * MINUTE + 59), "2 h 15 min");
        assert_eq!(span(Lang::En, -35 * MINUTE), "35 min");
        assert_eq!(span(Lang::En, 3 * DAY + 4 * HOUR + 5 * MINUTE), "76 h", "business time is never in days");
        assert_eq!(span(Lang::En, 2 * HOUR), "2 h");
        assert_eq!(span(Lang::En, 30), "under 1 min");
        assert_eq!(span(Lang::Pl, 2 * HOUR + 15 * MINUTE), "2 godz. 15 min");
        assert_eq!(left_or_overdue(Lang::En, 2 * HOUR + 15 * MINUTE), "2 h 15 min left");
        assert_eq!(left_or_overdue(Lang::En, -35 * MINUTE), "overdue by 35 min");
        assert_eq!(left_or_overdue(Lang::Pl, -35 * MINUTE), "po terminie o 35 min");
    }

    #[test]
    fn tones_and_words() {
        let warn = |mut c: ClockView, at: u8| {
            c.warn_at = Some(at);
            c
        };
        let on_track = warn(clock("running", 4 * HOUR, 3 * HOUR, false), 50);
        assert_eq!((tone(&on_track), status(Lang::En, &on_track).as_str()), (Tone::Ok, "3 h left"));
        let past_first_warning = clock("running", 4 * HOUR, HOUR + 30 * MINUTE, false);
        assert_eq!(tone(&warn(past_first_warning.clone(), 50)), Tone::Warn);
        assert_eq!(tone(&past_first_warning), Tone::Ok, "more than a quarter left");
        assert_eq!(tone(&warn(clock("running", 4 * HOUR, 50 * MINUTE, false), 90)), Tone::Warn, "under 25 % left");
        let late = clock("running", HOUR, -35 * MINUTE, true);
        assert_eq!((tone(&late), status(Lang::En, &late).as_str()), (Tone::Breached, "overdue by 35 min"));
        // Breached as the working day ended, read before the next one starts.
        let at_close = clock("running", HOUR, 0, true);
        assert_eq!(status(Lang::En, &at_close), "overdue by under 1 min");
        let met = clock("stopped", HOUR, 20 * MINUTE, false);
        assert_eq!((tone(&met), status(Lang::En, &met).as_str()), (Tone::Done, "met"));
        assert_eq!(status(Lang::Pl, &clock("stopped", HOUR, -MINUTE, true)), "niedotrzymano");
        let paused = clock("paused", HOUR, 20 * MINUTE, false);
        assert_eq!((tone(&paused), status(Lang::En, &paused).as_str()), (Tone::Paused, "paused, 20 min left"));
        assert_eq!(name(Lang::En, &met), "Standard · First response");
    }

    fn kind(mut c: ClockView, kind: &str) -> ClockView {
        c.kind = kind.into();
        c.group_name = Some("Network".into());
        c
    }

    #[test]
    fn a_breached_clock_beats_a_running_one_the_most_overdue_first() {
        let ola = kind(clock("running", 4 * HOUR, 2 * HOUR, false), "group");
        let response = kind(clock("running", HOUR, -10 * MINUTE, true), "response");
        let resolution = kind(clock("running", 8 * HOUR, -46 * HOUR, true), "resolution");
        let all = [ola.clone(), response.clone(), resolution.clone()];
        assert_eq!(headline(&all), Some(&resolution), "the most overdue");
        assert_eq!(headline(&[ola.clone(), response.clone()]), Some(&response), "breached beats running");
        let paused_late = kind(clock("paused", HOUR, -5 * MINUTE, true), "resolution");
        assert_eq!(headline(&[ola.clone(), paused_late.clone()]), Some(&paused_late), "a paused breach still counts");
        let soon = kind(clock("running", 8 * HOUR, 30 * MINUTE, false), "resolution");
        assert_eq!(headline(&[ola.clone(), soon.clone()]), Some(&soon), "the least business time left");
        let missed = kind(clock("stopped", HOUR, -MINUTE, true), "response");
        let paused = kind(clock("paused", HOUR, 20 * MINUTE, false), "resolution");
        assert_eq!(headline(&[missed.clone(), paused.clone()]), Some(&paused), "what still counts beats history");
        assert_eq!(headline(std::slice::from_ref(&missed)), Some(&missed));
        assert_eq!(headline(&[clock("stopped", HOUR, MINUTE, false)]), None, "a met clock says nothing");
    }

    #[test]
    fn the_badge_names_its_clock_in_business_time_with_its_due_moment() {
        let mut late = kind(clock("running", 8 * HOUR, -(46 * HOUR + 5 * MINUTE), true), "resolution");
        late.breached_at = Some(1_764_684_000_000_000);
        let ola = kind(clock("running", 4 * HOUR, 2 * HOUR, false), "group");
        let out = badge(Lang::En, &[ola.clone(), late]).into_string();
        assert!(out.contains(r#"data-kind="resolution""#) && out.contains("sla-breached"), "{out}");
        assert!(out.contains("Resolution: overdue by 46 h"), "{out}");
        assert!(out.contains("Due 2 Dec 2025"), "{out}");
        let out = badge(Lang::Pl, &[ola]).into_string();
        assert!(out.contains("Czas w grupie Network: zostało 2 godz.") && out.contains("sla-ok"), "{out}");
        assert_eq!(badge(Lang::En, &[]).into_string(), "");
    }

    #[test]
    fn the_panel_says_it_in_words() {
        let out = panel(Lang::En, &[clock("running", HOUR, -35 * MINUTE, true)]).into_string();
        assert!(out.contains("Breached") && out.contains("overdue by 35 min"), "{out}");
        assert!(out.contains("clock sla-breached"), "{out}");
    }
}
