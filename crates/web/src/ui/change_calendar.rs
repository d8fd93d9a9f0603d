//! `/change-calendar`: the change calendar by month (`?month=2027-01`) or
//! week (`?week=2027-W03`) in the viewer's zone: each change on the days
//! it spans, coloured by type and state, linking to its page; freezes as
//! bands; each service's maintenance windows. Managers and admins keep
//! the freezes and windows below it (`calendar_keep.rs`). On a narrow
//! screen the grid becomes a list of the days that hold something.

use super::calendar_texts::CalMsg;
use super::{Ctx, OrPage, UiResult, area, fmt, html, layout, staff_only, widgets};
use crate::{
    AppState,
    i18n::{self, Lang},
};
use axum::{
    extract::{Query, State, rejection::QueryRejection},
    http::StatusCode,
};
use jiff::{
    Timestamp,
    civil::{Date, ISOWeekDate, Weekday},
    tz::TimeZone,
};
use maud::{Markup, html};
use serde::Deserialize;
use steward_app::change_calendar_read::{CalendarChange, ChangeCalendar};
use steward_domain::change::conflicts::Window;

pub const PATH: &str = "/change-calendar";

pub const AREA: area::Area = area::Area {
    routes,
    // Reached from the changes' list: the main navigation has no room for
    // it, and "Changes" stays marked on it.
    nav: &[],
};

fn routes() -> axum::Router<AppState> {
    axum::Router::new().route(PATH, axum::routing::get(show)).merge(super::calendar_keep::routes())
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct CalendarQuery {
    pub month: String,
    pub week: String,
    /// A flash message's key after a post.
    pub m: String,
}

/// What the page shows: a month's grid (whole weeks) or one week.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Month(Date),
    Week(Date),
}

impl View {
    /// The view the address asks for (this month by default); a bad
    /// value is the message to show, with this month instead.
    pub fn of(q: &CalendarQuery, today: Date) -> (View, Option<(CalMsg, String)>) {
        let this_month = View::Month(today.first_of_month());
        if !q.week.trim().is_empty() {
            return match parse_week(q.week.trim()) {
                Some(monday) => (View::Week(monday), None),
                None => (this_month, Some((CalMsg::CalBadWeek, q.week.trim().to_owned()))),
            };
        }
        if !q.month.trim().is_empty() {
            return match parse_month(q.month.trim()) {
                Some(first) => (View::Month(first), None),
                None => (this_month, Some((CalMsg::CalBadMonth, q.month.trim().to_owned()))),
            };
        }
        (this_month, None)
    }

    /// The days shown: whole weeks, Monday first.
    pub fn days(self) -> Vec<Date> {
        let (first, last) = match self {
            View::Week(monday) => (monday, monday.checked_add(jiff::Span::new().days(6)).unwrap_or(monday)),
            View::Month(first) => (monday_of(first), sunday_of(first.last_of_month())),
        };
        std::iter::successors(Some(first), |d| d.tomorrow().ok().filter(|n| *n <= last)).collect()
    }

    /// The address of this view.
    pub fn href(self) -> String {
        match self {
            View::Month(d) => format!("{PATH}?month={:04}-{:02}", d.year(), d.month()),
            View::Week(d) => {
                let w = d.iso_week_date();
                format!("{PATH}?week={:04}-W{:02}", w.year(), w.week())
            }
        }
    }

    fn step(self, forward: bool) -> View {
        let sign = if forward { 1 } else { -1 };
        match self {
            View::Month(d) => View::Month(d.checked_add(jiff::Span::new().months(sign)).unwrap_or(d)),
            View::Week(d) => View::Week(d.checked_add(jiff::Span::new().weeks(sign)).unwrap_or(d)),
        }
    }
}

fn parse_month(s: &str) -> Option<Date> {
    let (y, m) = s.split_once('-')?;
    if y.len() != 4 || m.len() != 2 {
        return None;
    }
    Date::new(y.parse().ok()?, m.parse().ok()?, 1).ok()
}

fn parse_week(s: &str) -> Option<Date> {
    let (y, w) = s.split_once("-W").or_else(|| s.split_once("-w"))?;
    if y.len() != 4 || w.len() != 2 {
        return None;
    }
    ISOWeekDate::new(y.parse().ok()?, w.parse().ok()?, Weekday::Monday).ok().map(|w| w.date())
}

fn monday_of(d: Date) -> Date {
    d.checked_sub(jiff::Span::new().days(i64::from(d.weekday().to_monday_zero_offset()))).unwrap_or(d)
}

fn sunday_of(d: Date) -> Date {
    d.checked_add(jiff::Span::new().days(i64::from(6 - d.weekday().to_monday_zero_offset()))).unwrap_or(d)
}

/// The instant a day begins in the zone.
fn start_of(d: Date, tz: &TimeZone) -> i64 {
    d.to_zoned(tz.clone()).map(|z| z.timestamp().as_microsecond()).unwrap_or(0)
}

pub fn today(tz: &TimeZone) -> Date {
    Timestamp::now().to_zoned(tz.clone()).date()
}

pub async fn show(State(s): State<AppState>, ctx: Ctx, q: Result<Query<CalendarQuery>, QueryRejection>) -> UiResult {
    staff_only(&ctx)?;
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let page = Page::load(&s, &ctx, &q).await?;
    let status = if page.problem.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let keep = super::calendar_keep::section(&s, &ctx, &page, super::calendar_keep::Drafts::default()).await?;
    Ok(html(status, page.render(&ctx, &q.m, keep)))
}

/// A view read: what the page and the forms below it show.
pub struct Page {
    pub view: View,
    pub problem: Option<(CalMsg, String)>,
    pub days: Vec<Date>,
    pub cal: ChangeCalendar,
    pub tz: TimeZone,
}

impl Page {
    pub async fn load(s: &AppState, ctx: &Ctx, q: &CalendarQuery) -> Result<Page, super::Failure> {
        let tz = fmt::zone();
        let (view, problem) = View::of(q, today(&tz));
        let days = view.days();
        let (Some(first), Some(last)) = (days.first(), days.last()) else {
            return Err(ctx.fail(steward_app::AppError::Internal("a view without days".into())));
        };
        let from = start_of(*first, &tz);
        let to = start_of(last.tomorrow().unwrap_or(*last), &tz);
        let cal = s.app.change_calendar(&ctx.actor, from, to).await.or_page(ctx)?;
        Ok(Page { view, problem, days, cal, tz })
    }

    pub fn render(&self, ctx: &Ctx, flash: &str, keep: Markup) -> maud::Markup {
        let lang = ctx.lang;
        let title = self.title(lang);
        let flash = match flash {
            "freeze" => Some(CalMsg::CalFlashFreezeAdded),
            "window" => Some(CalMsg::CalFlashWindowAdded),
            "removed" => Some(CalMsg::CalFlashRemoved),
            _ => None,
        };
        let body = html! {
            div.page-head.cal-head {
                h1 { (ctx.t(CalMsg::CalTitle)) ": " (title) }
                (self.switcher(ctx))
            }
            @if let Some(m) = flash { (widgets::notice(ctx.t(m))) }
            @if let Some((m, v)) = &self.problem { (widgets::alert(&i18n::tf(lang, *m, &[("value", v)]), None)) }
            @if self.cal.truncated { (widgets::alert(ctx.t(CalMsg::CalTruncated), None)) }
            p.muted.cal-zone { (i18n::tf(lang, CalMsg::CalZone, &[("zone", fmt::zone_name(&self.tz))])) }
            (legend(ctx))
            (self.grid(ctx))
            (keep)
        };
        layout::page(ctx, &format!("{} – {title}", ctx.t(CalMsg::CalTitle)), body)
    }

    fn title(&self, lang: Lang) -> String {
        match self.view {
            View::Month(d) => format!("{} {}", i18n::t(lang, month_name(d.month())), d.year()),
            View::Week(d) => {
                let w = d.iso_week_date();
                i18n::tf(
                    lang,
                    CalMsg::CalWeekTitle,
                    &[("week", &w.week().to_string()), ("year", &w.year().to_string())],
                )
            }
        }
    }

    /// Previous, today, next; month or week.
    fn switcher(&self, ctx: &Ctx) -> Markup {
        let today = today(&self.tz);
        let (prev, next, now, other, other_label) = match self.view {
            View::Month(d) => (
                CalMsg::CalPrevMonth,
                CalMsg::CalNextMonth,
                View::Month(today.first_of_month()),
                View::Week(monday_of(if d.year() == today.year() && d.month() == today.month() { today } else { d })),
                CalMsg::CalWeek,
            ),
            View::Week(d) => (
                CalMsg::CalPrevWeek,
                CalMsg::CalNextWeek,
                View::Week(monday_of(today)),
                View::Month(d.first_of_month()),
                CalMsg::CalMonth,
            ),
        };
        html! {
            nav.cal-nav aria-label=(ctx.t(CalMsg::CalViews)) {
                a.btn #cal-prev href=(self.view.step(false).href()) rel="prev" { "← " (ctx.t(prev)) }
                a.btn #cal-today href=(now.href()) { (ctx.t(CalMsg::CalToday)) }
                a.btn #cal-next href=(self.view.step(true).href()) rel="next" { (ctx.t(next)) " →" }
                a.btn.btn-quiet #cal-switch href=(other.href()) { (ctx.t(other_label)) }
            }
        }
    }

    fn grid(&self, ctx: &Ctx) -> Markup {
        let lang = ctx.lang;
        let today = today(&self.tz);
        let month = match self.view {
            View::Month(d) => Some(d.month()),
            View::Week(_) => None,
        };
        let nothing = self.cal.changes.is_empty() && self.cal.freezes.is_empty();
        html! {
            @if nothing { p.empty #cal-nothing { (ctx.t(CalMsg::CalNothing)) } }
            div.cal-weekdays aria-hidden="true" {
                @for w in WEEKDAYS { span { (i18n::t(lang, w)) } }
            }
            ol.cal-grid.cal-week[month.is_none()] #calendar {
                @for d in &self.days {
                    @let span = Window { start: start_of(*d, &self.tz), end: start_of(d.tomorrow().unwrap_or(*d), &self.tz) };
                    @let items = self.items(ctx, span, *d);
                    li class={
                        "cal-day"
                        @if month.is_some_and(|m| m != d.month()) { " other-month" }
                        @if *d == today { " today" }
                        @if items.is_empty() { " cal-empty" }
                    } aria-current=[(*d == today).then_some("date")] {
                        h2.cal-date {
                            time datetime=(d.to_string()) {
                                span.cal-dow { (i18n::t(lang, WEEKDAYS[d.weekday().to_monday_zero_offset() as usize])) " " }
                                (d.day())
                                span.cal-mon { " " (i18n::month_abbr(lang, d.month())) }
                            }
                        }
                        @if !items.is_empty() { ul.cal-items { @for i in items { (i) } } }
                    }
                }
            }
        }
    }

    /// What a day holds: freezes, changes, maintenance windows. A month's
    /// day shows its first [`MONTH_SHOWN`] changes and links the rest to
    /// its week, where every change is shown: a busy month stays readable
    /// and quick to send.
    fn items(&self, ctx: &Ctx, day: Window, date: Date) -> Vec<Markup> {
        let mut out = Vec::new();
        for f in self
            .cal
            .freezes
            .iter()
            .filter(|f| day.overlaps(&Window { start: f.freeze.starts_at, end: f.freeze.ends_at }))
        {
            let services =
                if f.services.is_empty() { ctx.t(CalMsg::CalEveryService).to_owned() } else { f.services.join(", ") };
            out.push(html! {
                li.cal-freeze title={ (ctx.t(CalMsg::CalFreeze)) ": " (services) } {
                    span.visually-hidden { (ctx.t(CalMsg::CalFreeze)) ": " } (f.freeze.name)
                }
            });
        }
        let shown = match self.view {
            View::Month(_) => MONTH_SHOWN,
            View::Week(_) => usize::MAX,
        };
        let (mut listed, mut more) = (0_usize, 0_usize);
        for c in self.cal.changes.iter().filter(|c| day.overlaps(&Window { start: c.start, end: c.end })) {
            if listed < shown {
                listed += 1;
                out.push(change_item(ctx, c, day, &self.tz));
            } else {
                more += 1;
            }
        }
        if more > 0 {
            let n = more.to_string();
            out.push(html! {
                li.cal-more { a href=(View::Week(date).href()) { (i18n::tf(ctx.lang, CalMsg::CalMore, &[("n", &n)])) } }
            });
        }
        for w in &self.cal.windows {
            for o in w.occurrences.iter().filter(|o| day.overlaps(o) && o.start >= day.start) {
                let service = w.window.service.clone().unwrap_or_else(|| ctx.t(CalMsg::CalEveryService).to_owned());
                out.push(html! {
                    li.cal-window title=(ctx.t(CalMsg::CalWindow)) {
                        span.visually-hidden { (ctx.t(CalMsg::CalWindow)) ": " }
                        span.cal-time { (clock(o.start, &self.tz)) "–" (clock(o.end, &self.tz)) } " "
                        (service) span.muted { " · " (w.window.name) }
                    }
                });
            }
        }
        out
    }
}

/// The changes a day of the month view shows before "+N more".
pub const MONTH_SHOWN: usize = 6;

fn change_item(ctx: &Ctx, c: &CalendarChange, day: Window, tz: &TimeZone) -> Markup {
    let e = &c.entry;
    let failed = matches!(e.close_code.as_deref(), Some("failed" | "backed_out"));
    let label = format!("{}, {}", ctx.t(type_label(&e.change_type)), ctx.t(state_label(&e.state)));
    html! {
        li {
            a class={ "cal-change type-" (e.change_type) " state-" (e.state) @if failed { " failed" } }
                href={ "/changes/" (c.number) } title={ (label) @if let Some(s) = &e.service { " · " (s) } } {
                span.cal-time {
                    @if c.start >= day.start { (clock(c.start, tz)) } @else { "… " span.visually-hidden { (ctx.t(CalMsg::CalContinues)) } }
                }
                " " span.cal-number { (c.number) } " " (e.title)
                span.visually-hidden { " (" (label) @if failed { ", " (ctx.t(CalMsg::CalFailed)) } ")" }
            }
        }
    }
}

fn legend(ctx: &Ctx) -> Markup {
    let types = [
        ("standard", CalMsg::CalTypeStandard),
        ("normal", CalMsg::CalTypeNormal),
        ("emergency", CalMsg::CalTypeEmergency),
    ];
    html! {
        details.cal-legend {
            summary { (ctx.t(CalMsg::CalLegend)) }
            ul {
                @for (t, m) in types { li { span class={ "cal-change type-" (t) " state-scheduled" } { (ctx.t(m)) } } }
                li { span class="cal-change type-normal state-authorization" { (ctx.t(CalMsg::CalStateAuthorization)) } }
                li { span class="cal-change type-normal state-implementing" { (ctx.t(CalMsg::CalStateImplementing)) } }
                li { span class="cal-change type-normal state-closed failed" { (ctx.t(CalMsg::CalFailed)) } }
                li.cal-freeze { (ctx.t(CalMsg::CalFreeze)) }
                li.cal-window { (ctx.t(CalMsg::CalWindow)) }
            }
        }
    }
}

/// "01:00" on the viewer's clock.
fn clock(micros: i64, tz: &TimeZone) -> String {
    Timestamp::from_microsecond(micros)
        .map(|t| t.to_zoned(tz.clone()).strftime("%H:%M").to_string())
        .unwrap_or_default()
}

/// The weekdays' short names, Monday first.
pub fn weekday_labels() -> [CalMsg; 7] {
    WEEKDAYS
}

const WEEKDAYS: [CalMsg; 7] =
    [CalMsg::CalMon, CalMsg::CalTue, CalMsg::CalWed, CalMsg::CalThu, CalMsg::CalFri, CalMsg::CalSat, CalMsg::CalSun];

fn month_name(m: i8) -> CalMsg {
    use CalMsg::*;
    [CalJan, CalFeb, CalMar, CalApr, CalMay, CalJun, CalJul, CalAug, CalSep, CalOct, CalNov, CalDec]
        [usize::try_from(m - 1).unwrap_or(0).min(11)]
}

pub fn type_label(t: &str) -> CalMsg {
    match t {
        "standard" => CalMsg::CalTypeStandard,
        "emergency" => CalMsg::CalTypeEmergency,
        _ => CalMsg::CalTypeNormal,
    }
}

pub fn state_label(s: &str) -> CalMsg {
    use CalMsg::*;
    match s {
        "draft" => CalStateDraft,
        "assessment" => CalStateAssessment,
        "authorization" => CalStateAuthorization,
        "scheduled" => CalStateScheduled,
        "implementing" => CalStateImplementing,
        "review" => CalStateReview,
        "cancelled" => CalStateCancelled,
        _ => CalStateClosed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(month: &str, week: &str) -> CalendarQuery {
        CalendarQuery { month: month.into(), week: week.into(), m: String::new() }
    }

    #[test]
    fn a_month_shows_whole_weeks_and_a_week_seven_days() {
        let today = Date::new(2027, 1, 15).unwrap();
        let (v, bad) = View::of(&q("2027-02", ""), today);
        assert_eq!((v, bad), (View::Month(Date::new(2027, 2, 1).unwrap()), None));
        let days = v.days();
        // 1 February 2027 is a Monday, the 28th a Sunday: four weeks.
        assert_eq!(
            (days.len(), days[0], days[27]),
            (28, Date::new(2027, 2, 1).unwrap(), Date::new(2027, 2, 28).unwrap())
        );
        let (w, _) = View::of(&q("", "2027-W03"), today);
        assert_eq!(w, View::Week(Date::new(2027, 1, 18).unwrap()));
        assert_eq!(w.days().len(), 7);
        assert_eq!(w.href(), "/change-calendar?week=2027-W03");
        assert_eq!(w.step(false).href(), "/change-calendar?week=2027-W02");
        assert_eq!(View::Month(Date::new(2027, 1, 1).unwrap()).step(false).href(), "/change-calendar?month=2026-12");
        // Six weeks at most.
        assert_eq!(View::Month(Date::new(2026, 3, 1).unwrap()).days().len(), 42);
    }

    #[test]
    fn a_bad_view_is_named_and_this_month_shown() {
        let today = Date::new(2027, 1, 15).unwrap();
        for (m, w, msg) in
            [("2027-13", "", CalMsg::CalBadMonth), ("", "2027-W60", CalMsg::CalBadWeek), ("x", "", CalMsg::CalBadMonth)]
        {
            let (v, bad) = View::of(&q(m, w), today);
            assert_eq!(v, View::Month(Date::new(2027, 1, 1).unwrap()));
            assert_eq!(bad.map(|(m, _)| m), Some(msg));
        }
    }
}
