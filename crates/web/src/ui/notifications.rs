//! `/admin/notifications`: the outbox at a glance for admins (counts, the
//! undeliverable messages with a Retry button each, the webhooks), and the
//! Watch/Unwatch button's post on the incident page.

use super::{Ctx, OrPage, UiResult, admin_texts::AdminMsg, html, layout, see_other, widgets};
use crate::{
    AppState,
    i18n::{self, Msg},
};
use axum::{
    Form,
    extract::{Path, Query, State},
    http::StatusCode,
};
use maud::{Markup, html};
use serde::Deserialize;
use steward_domain::number::RecordKind;

#[derive(Deserialize, Default)]
pub struct PageQuery {
    m: Option<String>,
}

fn counts(ctx: &Ctx, counts: &[(String, i64)]) -> Markup {
    let n = |state: &str| counts.iter().find(|(s, _)| s == state).map_or(0, |(_, n)| *n);
    html! {
        dl.details #outbox-counts {
            dt { (ctx.t(AdminMsg::OutboxPending)) } dd #count-pending { (n("pending")) }
            dt { (ctx.t(AdminMsg::OutboxSent)) } dd #count-sent { (n("sent")) }
            dt { (ctx.t(AdminMsg::OutboxDead)) } dd #count-dead { (n("dead")) }
        }
    }
}

pub async fn show(State(s): State<AppState>, ctx: Ctx, Query(q): Query<PageQuery>) -> UiResult {
    let totals = s.app.outbox_counts(&ctx.actor).await.or_page(&ctx)?;
    let dead = s.app.list_outbox(&ctx.actor, "dead", None, 50).await.or_page(&ctx)?;
    let hooks = s.app.list_webhooks(&ctx.actor).await.or_page(&ctx)?;
    let now = super::fmt::now_micros();
    let body = html! {
        h1 { (ctx.t(Msg::NotificationsTitle)) }
        @if q.m.as_deref() == Some("retried") { (widgets::notice(ctx.t(AdminMsg::FlashRetried))) }
        section.panel aria-labelledby="outbox-title" {
            h2 #outbox-title { (ctx.t(AdminMsg::Outbox)) }
            (counts(&ctx, &totals))
        }
        section aria-labelledby="dead-title" {
            h2 #dead-title { (ctx.t(AdminMsg::DeadLetters)) }
            @if dead.items.is_empty() {
                p.muted #no-dead { (ctx.t(AdminMsg::NoDeadLetters)) }
            } @else {
                div.table-wrap {
                    table #dead-letters {
                        thead { tr {
                            th { (ctx.t(AdminMsg::ColCreated)) } th { (ctx.t(Msg::ColEvent)) } th { (ctx.t(AdminMsg::ColRecipient)) }
                            th { (ctx.t(AdminMsg::ColAttempts)) } th { (ctx.t(AdminMsg::ColError)) } th { span.visually-hidden { (ctx.t(AdminMsg::Retry)) } }
                        } }
                        tbody {
                            @for m in &dead.items {
                                tr {
                                    td { (widgets::time(ctx.lang, m.created_at, now)) }
                                    td {
                                        (m.event)
                                        @if let Some(n) = m.record_number {
                                            " · " a href={ "/incidents/" (steward_app::incidents::number(n)) } { (steward_app::incidents::number(n)) }
                                        }
                                    }
                                    td { (m.channel) ": " (m.target) }
                                    td { (m.attempts) }
                                    td { (m.last_error.as_deref().unwrap_or("")) }
                                    td {
                                        form method="post" action={ "/admin/notifications/" (m.id) "/retry" } {
                                            (widgets::csrf(&ctx.csrf))
                                            button.btn type="submit" #{ "retry-" (m.id) } { (ctx.t(AdminMsg::Retry)) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="webhooks-title" {
            h2 #webhooks-title { (ctx.t(AdminMsg::Webhooks)) }
            p { a #manage-webhooks href="/admin/webhooks" { (ctx.t(AdminMsg::WhManage)) } }
            @if hooks.is_empty() {
                p.muted { (ctx.t(AdminMsg::WhNone)) }
            } @else {
                div.table-wrap {
                    table #webhooks {
                        thead { tr {
                            th { (ctx.t(AdminMsg::ColName)) } th { "URL" } th { (ctx.t(AdminMsg::ColFormat)) }
                            th { (ctx.t(AdminMsg::ColEvents)) } th { (ctx.t(AdminMsg::ColActive)) }
                        } }
                        tbody {
                            @for w in &hooks {
                                @let events: Vec<String> = serde_json::from_str(&w.events).unwrap_or_default();
                                tr {
                                    td { (w.name) } td { code { (w.url) } } td { (w.format) }
                                    td { @if events.is_empty() { (ctx.t(AdminMsg::AllEvents)) } @else { (events.join(", ")) } }
                                    td { (ctx.t(if w.active != 0 { Msg::Yes } else { Msg::No })) }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(html(StatusCode::OK, layout::page(&ctx, ctx.t(Msg::NotificationsTitle), body)))
}

pub async fn retry(State(s): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> UiResult {
    let id = id.parse::<i64>().map_err(|_| ctx.fail(steward_app::AppError::NotFound("message")))?;
    s.app.retry_dead(&ctx.actor, id).await.or_page(&ctx)?;
    see_other("/admin/notifications?m=retried")
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct WatchForm {
    /// `1` to watch, anything else to stop.
    on: String,
}

pub async fn watch(s: State<AppState>, ctx: Ctx, n: Path<String>, f: Form<WatchForm>) -> UiResult {
    toggle(s, ctx, RecordKind::Incident, n, f).await
}

pub async fn watch_problem(s: State<AppState>, ctx: Ctx, n: Path<String>, f: Form<WatchForm>) -> UiResult {
    toggle(s, ctx, RecordKind::Problem, n, f).await
}

pub async fn watch_change(s: State<AppState>, ctx: Ctx, n: Path<String>, f: Form<WatchForm>) -> UiResult {
    toggle(s, ctx, RecordKind::Change, n, f).await
}

/// Starts or stops watching the record, then back to its page.
async fn toggle(
    State(s): State<AppState>,
    ctx: Ctx,
    kind: RecordKind,
    Path(n): Path<String>,
    Form(f): Form<WatchForm>,
) -> UiResult {
    let on = f.on == "1";
    s.app.watch(&ctx.actor, kind, &n, on).await.or_page(&ctx)?;
    let page = kind.seq_of(&n).map(|seq| super::conversation::page_path(kind, seq)).unwrap_or_default();
    see_other(&format!("{page}?m={}", if on { "watching" } else { "unwatched" }))
}

/// The Watch/Unwatch button on a record's page (`page`: its path).
pub fn watch_button(ctx: &Ctx, page: &str, watching: bool) -> Markup {
    html! {
        form.watch method="post" action={ (page) "/watch" } {
            (widgets::csrf(&ctx.csrf))
            input type="hidden" name="on" value=(if watching { "0" } else { "1" });
            button.btn #watch type="submit" aria-pressed=(if watching { "true" } else { "false" }) {
                (i18n::t(ctx.lang, if watching { Msg::Unwatch } else { Msg::Watch }))
            }
        }
    }
}
