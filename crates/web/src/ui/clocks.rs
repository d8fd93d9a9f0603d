//! SLA clocks as people read them: "2 h 15 min left", "overdue by 35 min",
//! "met", coloured green, amber or red — always with words as well, so the
//! state does not depend on seeing colour.

use super::{fmt, widgets};
use crate::i18n::{self, Lang, Msg};
use maud::{Markup, html};
use steward_app::sla::ClockView;
use steward_store::incidents::Incident;

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

/// A span of time, rounded down to minutes: "2 h 15 min", "3 d 4 h",
/// "under 1 min" (the sign is the caller's to word).
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
        s => pair(s / DAY, Msg::UnitDay, s % DAY / HOUR, Msg::UnitHour),
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

/// The tone of a clock; `warn_at` is the first warning threshold in
/// percent (without one, a quarter of the target left counts as at risk).
pub fn tone(c: &ClockView, warn_at: Option<u8>) -> Tone {
    let warn_at = u32::from(warn_at.unwrap_or(75));
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
pub fn panel(lang: Lang, clocks: &[ClockView], warn_at: Option<u8>) -> Markup {
    let now = fmt::now_micros();
    html! {
        section.panel.sla-panel #sla aria-labelledby="sla-title" {
            h2 #sla-title { (i18n::t(lang, Msg::SlaPanel)) }
            @if clocks.is_empty() { p.muted { (i18n::t(lang, Msg::SlaNoClocks)) } }
            ul.clocks {
                @for c in clocks {
                    @let tone = tone(c, if c.kind == "group" { None } else { warn_at });
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

/// The list's badge from the incident's SLA summary: wall time to the
/// nearest due moment, or that a clock breached.
pub fn badge(lang: Lang, i: &Incident, now: i64) -> Markup {
    let breached = i.sla.sla_breached != 0;
    let left = i.sla.sla_due_at.map(|due| (due - now) / 1_000_000);
    let tone = match left {
        _ if breached => Tone::Breached,
        Some(l) if l < 0 => Tone::Breached,
        Some(l) if l < HOUR => Tone::Warn,
        Some(_) => Tone::Ok,
        None => return html! {},
    };
    html! {
        span class={ "badge sla " (tone.class()) } title=(tone.word(lang)) {
            @match left {
                Some(l) => {
                    @if tone != Tone::Breached || breached { span.visually-hidden { (tone.word(lang)) ": " } }
                    (left_or_overdue(lang, l))
                }
                None => (tone.word(lang)),
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
            started_at: 0,
            stopped_at: None,
        }
    }

    #[test]
    fn spans_in_both_languages() {
        assert_eq!(span(Lang::En, 2 * HOUR + 15 * MINUTE + 59), "2 h 15 min");
        assert_eq!(span(Lang::En, -35 * MINUTE), "35 min");
        assert_eq!(span(Lang::En, 3 * DAY + 4 * HOUR), "3 d 4 h");
        assert_eq!(span(Lang::En, 2 * HOUR), "2 h");
        assert_eq!(span(Lang::En, 30), "under 1 min");
        assert_eq!(span(Lang::Pl, 2 * HOUR + 15 * MINUTE), "2 godz. 15 min");
        assert_eq!(left_or_overdue(Lang::En, 2 * HOUR + 15 * MINUTE), "2 h 15 min left");
        assert_eq!(left_or_overdue(Lang::En, -35 * MINUTE), "overdue by 35 min");
        assert_eq!(left_or_overdue(Lang::Pl, -35 * MINUTE), "po terminie o 35 min");
    }

    #[test]
    fn tones_and_words() {
        let on_track = clock("running", 4 * HOUR, 3 * HOUR, false);
        assert_eq!((tone(&on_track, Some(50)), status(Lang::En, &on_track).as_str()), (Tone::Ok, "3 h left"));
        let past_first_warning = clock("running", 4 * HOUR, HOUR + 30 * MINUTE, false);
        assert_eq!(tone(&past_first_warning, Some(50)), Tone::Warn);
        assert_eq!(tone(&past_first_warning, None), Tone::Ok, "more than a quarter left");
        assert_eq!(tone(&clock("running", 4 * HOUR, 50 * MINUTE, false), Some(90)), Tone::Warn, "under 25 % left");
        let late = clock("running", HOUR, -35 * MINUTE, true);
        assert_eq!((tone(&late, None), status(Lang::En, &late).as_str()), (Tone::Breached, "overdue by 35 min"));
        let met = clock("stopped", HOUR, 20 * MINUTE, false);
        assert_eq!((tone(&met, None), status(Lang::En, &met).as_str()), (Tone::Done, "met"));
        assert_eq!(status(Lang::Pl, &clock("stopped", HOUR, -MINUTE, true)), "niedotrzymano");
        let paused = clock("paused", HOUR, 20 * MINUTE, false);
        assert_eq!((tone(&paused, None), status(Lang::En, &paused).as_str()), (Tone::Paused, "paused, 20 min left"));
        assert_eq!(name(Lang::En, &met), "Standard · First response");
    }

    #[test]
    fn the_panel_says_it_in_words() {
        let out = panel(Lang::En, &[clock("running", HOUR, -35 * MINUTE, true)], None).into_string();
        assert!(out.contains("Breached") && out.contains("overdue by 35 min"), "{out}");
        assert!(out.contains("clock sla-breached"), "{out}");
    }
}
