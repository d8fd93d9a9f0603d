//! `/alerts`: the alert console for staff. Filters (firing or all,
//! Alertmanager matchers, acknowledged or not), the alerts newest first
//! with an Acknowledge button each (a plain form post), keyset paging, and
//! the group view (`?view=groups`): the firing alerts counted by name.
//! This area registers every alert page's routes and the "Alerts" entry.

use super::alert_texts::AlertMsg;
use super::area::{self, Area, Audience, NavEntry};
use super::{
    Ctx, OrPage, UiResult, alert_page, alert_silence, alert_silences, alert_windows, fmt, html, layout, see_other,
    widgets,
};
use crate::{AppState, i18n::Msg};
use axum::{
    Form,
    extract::{Path, Query, State, rejection::QueryRejection},
    http::StatusCode,
};
use maud::{Markup, html};
use serde::Deserialize;
use steward_app::{
    FieldError,
    alerts::{AlertGroup, AlertPageQuery, HandledAlert},
};
use steward_domain::alert::{Labels, MatchOp, Matcher, Matchers, fingerprint_text, parse_matchers};

pub const PATH: &str = "/alerts";
/// Alerts on one page of the console.
const PAGE: usize = 50;

pub const AREA: Area = Area {
    routes,
    nav: &[NavEntry {
        href: PATH,
        label: &AlertMsg::NavAlerts,
        audience: Audience::Staff,
        current: |p| area::under(p, PATH),
    }],
};

fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route(PATH, get(console))
        .route(alert_silences::PATH, get(alert_silences::list))
        .route("/alerts/silences/{id}/expire", post(alert_silences::expire))
        .route(alert_windows::PATH, get(alert_windows::list).post(alert_windows::create))
        .route("/alerts/windows/{id}/delete", post(alert_windows::delete))
        .route("/alerts/{fingerprint}", get(alert_page::show))
        .route("/alerts/{fingerprint}/acknowledge", post(acknowledge))
        .route("/alerts/{fingerprint}/assignee", post(alert_page::assign))
        .route("/alerts/{fingerprint}/silence", post(alert_silence::create))
}

/// The console's address as typed; every field optional.
#[derive(Deserialize, Default, Debug, Clone)]
#[serde(default)]
pub struct ConsoleQuery {
    /// `firing` (the default) or `all`.
    pub state: String,
    /// Alertmanager matchers.
    pub filter: String,
    /// `true`, `false` or empty (either).
    pub acknowledged: String,
    pub cursor: String,
    /// `groups` for the group view.
    pub view: String,
    /// A flash message's key after a post.
    pub m: String,
}

impl ConsoleQuery {
    fn all(&self) -> bool {
        self.state == "all"
    }

    fn groups(&self) -> bool {
        self.view == "groups"
    }

    fn acked(&self) -> Option<bool> {
        match self.acknowledged.as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        }
    }

    /// This list's address in `view` from `cursor` (flash dropped).
    pub fn link(&self, view: &str, cursor: &str) -> String {
        let state = if self.all() { "all" } else { "" };
        let acked = self.acked().map_or("", |a| if a { "true" } else { "false" });
        let pairs = [
            ("view", view),
            ("state", state),
            ("filter", self.filter.trim()),
            ("acknowledged", acked),
            ("cursor", cursor),
        ];
        format!("{PATH}{}", fmt::query(&pairs))
    }
}

/// The alert's state now: `active`, `suppressed` or `resolved`.
pub fn state_of(a: &HandledAlert, now: i64) -> &'static str {
    if a.firing(now) { a.view.state() } else { "resolved" }
}

pub fn state_badge(ctx: &Ctx, state: &str) -> Markup {
    let label = match state {
        "active" => AlertMsg::StateActive,
        "suppressed" => AlertMsg::StateSuppressed,
        _ => AlertMsg::StateResolved,
    };
    html! { span class={ "badge alert-state alert-" (state) } { (ctx.t(label)) } }
}

/// The alert's name, or a word saying it has none.
pub fn name_of<'a>(ctx: &Ctx, labels: &'a Labels) -> &'a str {
    match labels.get("alertname") {
        "" => ctx.t(AlertMsg::NoName),
        n => n,
    }
}

/// The `severity` label as a badge (coloured for the usual values).
pub fn severity(labels: &Labels) -> Markup {
    let v = labels.get("severity");
    let class = match v {
        "critical" | "page" | "error" => "sev-critical",
        "warning" | "warn" => "sev-warning",
        _ => "sev-other",
    };
    html! { @if v.is_empty() { span.muted { "—" } } @else { span class={ "badge sev " (class) } { (v) } } }
}

/// Labels as small chips, but those named in `skip`.
pub fn chips(labels: &Labels, skip: &[&str]) -> Markup {
    html! {
        ul.label-chips {
            @for (k, v) in labels.iter().filter(|(k, _)| !skip.contains(k)) {
                li.label-chip { span.label-name { (k) "=" } (v) }
            }
        }
    }
}

/// A moment in the viewer's zone, how long ago in its tooltip.
pub fn moment(ctx: &Ctx, micros: i64, now: i64) -> Markup {
    html! {
        time datetime=(fmt::iso(micros)) title=(fmt::relative(ctx.lang, micros, now)) { (fmt::absolute(ctx.lang, micros)) }
    }
}

/// The Acknowledge (or take back) button, which comes `back` after.
pub fn ack_form(ctx: &Ctx, fp: &str, acked: bool, back: &str) -> Markup {
    let (value, label) = if acked { ("false", AlertMsg::Unacknowledge) } else { ("true", AlertMsg::Acknowledge) };
    html! {
        form.inline.ack-form method="post" action={ "/alerts/" (fp) "/acknowledge" } {
            (widgets::csrf(&ctx.csrf))
            input type="hidden" name="acknowledged" value=(value);
            input type="hidden" name="back" value=(back);
            button.btn type="submit" { (ctx.t(label)) }
        }
    }
}

/// The flash message of a key a post sent back.
pub fn flash(key: &str) -> Option<AlertMsg> {
    Some(match key {
        "acked" => AlertMsg::FlashAcked,
        "unacked" => AlertMsg::FlashUnacked,
        "assigned" => AlertMsg::FlashAssigned,
        "silenced" => AlertMsg::FlashSilenced,
        "expired" => AlertMsg::FlashExpired,
        _ => return None,
    })
}

async fn console(State(s): State<AppState>, ctx: Ctx, q: Result<Query<ConsoleQuery>, QueryRejection>) -> UiResult {
    super::staff_only(&ctx)?;
    // A mangled address shows the console as it opens.
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let matchers = match q.filter.trim() {
        "" => Ok(Matchers(Vec::new())),
        f => parse_matchers(f),
    };
    let now = fmt::now_micros();
    let (status, errors, shown) = match matchers {
        Err(m) => (StatusCode::UNPROCESSABLE_ENTITY, vec![FieldError::new("filter", m)], None),
        Ok(m) if q.groups() => {
            let groups = s.app.alert_groups(&ctx.actor, &m).await.or_page(&ctx)?;
            (StatusCode::OK, Vec::new(), Some(group_table(&ctx, &q, &m, &groups)))
        }
        Ok(matchers) => {
            // A cursor that does not read starts from the newest.
            let before = q.cursor.trim().parse::<i64>().ok();
            let page = AlertPageQuery { firing: !q.all(), matchers, acked: q.acked(), before, limit: PAGE };
            let (alerts, next) = s.app.alert_page(&ctx.actor, &page).await.or_page(&ctx)?;
            (StatusCode::OK, Vec::new(), Some(list(&ctx, &q, &alerts, next, now)))
        }
    };
    let errors = widgets::Errors(errors);
    let tab = |view: &str, label: AlertMsg| {
        let current = (view == "groups") == q.groups();
        html! { a.tab href=(q.link(view, "")) aria-current=[current.then_some("page")] { (ctx.t(label)) } }
    };
    let body = html! {
        div.page-head.head-row {
            h1 { (ctx.t(AlertMsg::Title)) }
            div.head-actions {
                a.btn #to-silences href=(alert_silences::PATH) { (ctx.t(AlertMsg::SilencesTitle)) }
                a.btn #to-windows href=(alert_windows::PATH) { (ctx.t(AlertMsg::WindowsTitle)) }
                a.btn #to-routing href=(super::alert_routing::PATH) {
                    (ctx.t(super::alert_routing_texts::RoutingMsg::Link))
                }
                a.btn #to-ci-rules href=(super::alert_ci_rules::PATH) {
                    (ctx.t(super::alert_ci_rules_texts::CiRulesMsg::Link))
                }
            }
        }
        @if let Some(m) = flash(&q.m) { (widgets::notice(ctx.t(m))) }
        nav.tabs aria-label=(ctx.t(AlertMsg::Views)) { (tab("", AlertMsg::ListView)) " " (tab("groups", AlertMsg::GroupView)) }
        (filters(&ctx, &q, &errors))
        @match shown {
            Some(m) => (m),
            None => p.muted #alerts-fix-filter { (ctx.t(AlertMsg::FixFilter)) },
        }
    };
    Ok(html(status, layout::page(&ctx, ctx.t(AlertMsg::Title), body)))
}

fn filters(ctx: &Ctx, q: &ConsoleQuery, errors: &widgets::Errors) -> Markup {
    let lang = ctx.lang;
    let f = |id, name, label| widgets::Field::new(lang, id, name, label, errors);
    let states =
        [("firing".to_owned(), ctx.t(AlertMsg::Firing).to_owned()), ("all".into(), ctx.t(AlertMsg::All).into())];
    let acked = [
        (String::new(), ctx.t(Msg::Any).to_owned()),
        ("true".into(), ctx.t(Msg::Yes).into()),
        ("false".into(), ctx.t(Msg::No).into()),
    ];
    let acked_now = q.acked().map_or("", |a| if a { "true" } else { "false" });
    html! {
        form.filters.alert-filters #alert-filters method="get" action=(PATH) aria-label=(ctx.t(Msg::Filters)) {
            @if q.groups() { input type="hidden" name="view" value="groups"; }
            (widgets::Field { hint: Some(ctx.t(AlertMsg::FilterHint)), ..f("alert-filter", "filter", ctx.t(AlertMsg::Filter)) }
                .input(&q.filter))
            (f("alert-state", "state", ctx.t(AlertMsg::Show)).select(&states, if q.all() { "all" } else { "firing" }))
            @if !q.groups() {
                (f("alert-acked", "acknowledged", ctx.t(AlertMsg::Acknowledged)).select(&acked, acked_now))
            }
            div.filter-actions {
                button.btn.btn-primary type="submit" { (ctx.t(Msg::Apply)) }
                a.btn.btn-quiet href=(if q.groups() { "/alerts?view=groups" } else { PATH }) { (ctx.t(Msg::ClearFilters)) }
            }
        }
    }
}

fn list(ctx: &Ctx, q: &ConsoleQuery, alerts: &[HandledAlert], next: Option<i64>, now: i64) -> Markup {
    let back = q.link("", &q.cursor);
    let filtered = !q.filter.trim().is_empty() || q.acked().is_some() || q.all();
    html! {
        @if alerts.is_empty() {
            p.empty #no-alerts { (ctx.t(if filtered { AlertMsg::NoAlerts } else { AlertMsg::NoFiring })) }
        } @else {
            div.table-wrap {
                table.incidents.alert-list.cards #alerts {
                    thead { tr {
                        th scope="col" { (ctx.t(Msg::State)) }
                        th scope="col" { (ctx.t(AlertMsg::Alert)) }
                        th scope="col" { (ctx.t(AlertMsg::Severity)) }
                        th scope="col" { (ctx.t(AlertMsg::Labels)) }
                        th scope="col" { (ctx.t(AlertMsg::Started)) }
                        th scope="col" { (ctx.t(AlertMsg::AckedBy)) }
                        th scope="col" { (ctx.t(Msg::Assignee)) }
                        th scope="col" { span.visually-hidden { (ctx.t(AlertMsg::Actions)) } }
                    } }
                    tbody { @for a in alerts { (row(ctx, a, &back, now)) } }
                }
            }
        }
        div.pager {
            @if !q.cursor.is_empty() { a.btn #alerts-newest href=(q.link("", "")) { "« " (ctx.t(AlertMsg::Newest)) } }
            @if let Some(n) = next {
                a.btn #alerts-older rel="next" href=(q.link("", &n.to_string())) { (ctx.t(AlertMsg::Older)) " »" }
            }
        }
    }
}

fn row(ctx: &Ctx, a: &HandledAlert, back: &str, now: i64) -> Markup {
    let alert = &a.view.alert;
    let fp = fingerprint_text(alert.fingerprint);
    let state = state_of(a, now);
    html! {
        tr id={ "alert-" (fp) } data-state=(state) {
            td { (state_badge(ctx, state)) }
            td.title-cell { a href={ "/alerts/" (fp) } { (name_of(ctx, &alert.labels)) } }
            td { (severity(&alert.labels)) }
            td.labels-cell { (chips(&alert.labels, &["alertname", "severity"])) }
            // On a phone a row is a card: `data-label` names what its headers named.
            td.time data-label=(ctx.t(AlertMsg::Started)) { (moment(ctx, alert.starts_at, now)) }
            td.who-cell data-label=(ctx.t(AlertMsg::AckedBy)) {
                @match &a.acked { Some((_, name, _)) => (name), None => span.muted { "—" } }
            }
            td.who-cell data-label=(ctx.t(Msg::Assignee)) {
                @match &a.assignee { Some((_, name)) => (name), None => span.muted { (ctx.t(Msg::Unassigned)) } }
            }
            td.ack-cell { (ack_form(ctx, &fp, a.acked.is_some(), back)) }
        }
    }
}

fn group_table(ctx: &Ctx, q: &ConsoleQuery, typed: &Matchers, groups: &[AlertGroup]) -> Markup {
    // A group's alerts: the list filtered to its name (and the filter typed).
    let link = |name: &str| {
        let mut both = typed.0.clone();
        both.extend(Matcher::new("alertname", MatchOp::Equal, name));
        let filter = Matchers(both).to_string();
        ConsoleQuery { filter, view: String::new(), cursor: String::new(), ..q.clone() }.link("", "")
    };
    html! {
        @if groups.is_empty() {
            p.empty #no-alerts { (ctx.t(if q.filter.trim().is_empty() { AlertMsg::NoFiring } else { AlertMsg::NoAlerts })) }
        } @else {
            p.hint { (ctx.t(AlertMsg::GroupHint)) }
            div.table-wrap {
                table.incidents.alert-groups #alert-groups {
                    thead { tr {
                        th scope="col" { (ctx.t(AlertMsg::AlertName)) }
                        th scope="col" { (ctx.t(AlertMsg::Firing)) }
                        th scope="col" { (ctx.t(AlertMsg::Acknowledged)) }
                        th scope="col" { (ctx.t(AlertMsg::Silenced)) }
                    } }
                    tbody {
                        @for g in groups {
                            tr data-alertname=(g.alertname) {
                                td.title-cell {
                                    a href=(link(&g.alertname)) {
                                        @if g.alertname.is_empty() { (ctx.t(AlertMsg::NoName)) } @else { (g.alertname) }
                                    }
                                }
                                td.num.count-firing { (g.firing) }
                                td.num.count-acked { (g.acknowledged) }
                                td.num.count-silenced { (g.silenced) }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct AckForm {
    acknowledged: String,
    back: String,
}

/// Where a post on an alert goes back to: the console or page it came
/// from (never elsewhere), with the flash message.
pub fn back_with(back: &str, fp: &str, flash: &str) -> String {
    let back = fmt::safe_next(Some(back));
    let back =
        if area::under(back.split('?').next().unwrap_or_default(), PATH) { back } else { format!("/alerts/{fp}") };
    let sep = if back.contains('?') { '&' } else { '?' };
    format!("{back}{sep}m={flash}")
}

async fn acknowledge(State(s): State<AppState>, ctx: Ctx, Path(fp): Path<String>, Form(f): Form<AckForm>) -> UiResult {
    let ack = f.acknowledged != "false";
    s.app.acknowledge_alert(&ctx.actor, &fp, ack).await.or_page(&ctx)?;
    see_other(&back_with(&f.back, &fp, if ack { "acked" } else { "unacked" }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_keep_the_filters_and_posts_go_back_only_to_alert_pages() {
        let q = ConsoleQuery {
            state: "all".into(),
            filter: r#" {job="node"} "#.into(),
            acknowledged: "maybe".into(),
            m: "acked".into(),
            ..Default::default()
        };
        assert_eq!(q.link("", "42"), "/alerts?state=all&filter=%7Bjob%3D%22node%22%7D&cursor=42");
        assert_eq!(q.link("groups", ""), "/alerts?view=groups&state=all&filter=%7Bjob%3D%22node%22%7D");
        assert_eq!(back_with("/alerts?state=all", "ab", "acked"), "/alerts?state=all&m=acked");
        assert_eq!(back_with("/alerts/ab", "ab", "unacked"), "/alerts/ab?m=unacked");
        for elsewhere in ["https://evil.example/", "//evil.example", "/incidents", "/alertsx", ""] {
            assert_eq!(back_with(elsewhere, "ab", "acked"), "/alerts/ab?m=acked", "{elsewhere}");
        }
    }
}
