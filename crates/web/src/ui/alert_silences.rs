//! `/alerts/silences`: the silences in force and pending first (soonest
//! end first), then those ended (latest first, the last 100), each with
//! its matchers, span, author and comment; a live one can be ended now.

use super::alert_console::{self as console, moment};
use super::alert_texts::AlertMsg;
use super::{Ctx, OrPage, UiResult, fmt, html, layout, see_other, widgets};
use crate::{AppState, i18n};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use maud::{Markup, html};
use steward_app::alerts::SilenceView;
use steward_domain::alert::{Matchers, SilenceState};

pub const PATH: &str = "/alerts/silences";
/// The ended silences shown: the latest.
const ENDED_SHOWN: usize = 100;

pub async fn list(State(s): State<AppState>, ctx: Ctx, Query(f): Query<super::alert_page::Flash>) -> UiResult {
    super::staff_only(&ctx)?;
    let all = s.app.list_silences(&ctx.actor, &Matchers(Vec::new())).await.or_page(&ctx)?;
    let (mut live, mut ended): (Vec<SilenceView>, Vec<SilenceView>) =
        all.into_iter().partition(|v| v.state != SilenceState::Expired);
    live.sort_by_key(|v| (v.state != SilenceState::Active, v.silence.ends_at));
    ended.sort_by_key(|v| std::cmp::Reverse(v.silence.ends_at));
    let more = ended.len().saturating_sub(ENDED_SHOWN);
    ended.truncate(ENDED_SHOWN);
    let now = fmt::now_micros();
    let body = html! {
        nav.crumbs aria-label="Breadcrumb" { a href=(console::PATH) { (ctx.t(AlertMsg::Title)) } }
        div.page-head { h1 { (ctx.t(AlertMsg::SilencesTitle)) } }
        @if let Some(m) = console::flash(f.flash()) { (widgets::notice(ctx.t(m))) }
        section.panel #silences-live aria-labelledby="silences-live-title" {
            h2 #silences-live-title { (ctx.t(AlertMsg::Live)) }
            @if live.is_empty() { p.muted #no-live-silences { (ctx.t(AlertMsg::NoLive)) } }
            @else { (table(&ctx, &live, now, true)) }
        }
        section.panel #silences-ended aria-labelledby="silences-ended-title" {
            h2 #silences-ended-title { (ctx.t(AlertMsg::Expired)) }
            @if ended.is_empty() { p.muted { (ctx.t(AlertMsg::NoExpired)) } }
            @else {
                @if more > 0 { p.hint { (i18n::tf(ctx.lang, AlertMsg::ExpiredShown, &[("n", &ENDED_SHOWN.to_string())])) } }
                (table(&ctx, &ended, now, false))
            }
        }
    };
    Ok(html(StatusCode::OK, layout::page(&ctx, ctx.t(AlertMsg::SilencesTitle), body)))
}

fn state_badge(ctx: &Ctx, s: SilenceState) -> Markup {
    let label = match s {
        SilenceState::Pending => AlertMsg::SilPending,
        SilenceState::Active => AlertMsg::SilActive,
        SilenceState::Expired => AlertMsg::SilExpired,
    };
    html! { span class={ "badge silence-" (s.as_str()) } { (ctx.t(label)) } }
}

fn table(ctx: &Ctx, silences: &[SilenceView], now: i64, live: bool) -> Markup {
    html! {
        div.table-wrap {
            table.incidents.silences.cards {
                thead { tr {
                    th scope="col" { (ctx.t(i18n::Msg::State)) }
                    th scope="col" { (ctx.t(AlertMsg::Matchers)) }
                    th scope="col" { (ctx.t(AlertMsg::Span)) }
                    th scope="col" { (ctx.t(AlertMsg::CreatedBy)) }
                    th scope="col" { (ctx.t(i18n::Msg::Comment)) }
                    @if live { th scope="col" { span.visually-hidden { (ctx.t(AlertMsg::Actions)) } } }
                } }
                tbody {
                    @for v in silences {
                        tr id={ "silence-" (v.id) } data-state=(v.state.as_str()) {
                            td { (state_badge(ctx, v.state)) }
                            td.labels-cell {
                                ul.label-chips { @for m in v.silence.matchers.iter() { li.label-chip { (m.to_string()) } } }
                            }
                            // On a phone a row is a card: `data-label` names what its headers named.
                            td.time data-label=(ctx.t(AlertMsg::Span)) {
                                (moment(ctx, v.silence.starts_at, now)) " – " (moment(ctx, v.silence.ends_at, now))
                            }
                            td.who-cell data-label=(ctx.t(AlertMsg::CreatedBy)) { (v.silence.created_by) }
                            td.silence-comment data-label=(ctx.t(i18n::Msg::Comment)) { (v.silence.comment) }
                            @if live {
                                td.ack-cell {
                                    form.inline method="post" action={ (PATH) "/" (v.id) "/expire" } {
                                        (widgets::csrf(&ctx.csrf))
                                        button.btn type="submit" { (ctx.t(AlertMsg::Expire)) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

pub async fn expire(State(s): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> UiResult {
    s.app.expire_silence(&ctx.actor, &id).await.or_page(&ctx)?;
    see_other(&format!("{PATH}?m=expired"))
}
