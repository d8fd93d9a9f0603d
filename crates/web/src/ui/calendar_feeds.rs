//! The calendar feeds panel of the settings page (staff): each feed with
//! when it was made and last read, revocable; "Create a feed" shows the
//! new feed's address once, on a page of its own.

use super::calendar_texts::CalMsg;
use super::{Ctx, OrPage, UiResult, fmt, layout, ok, see_other, widgets};
use crate::AppState;
use axum::extract::{Path, State};
use maud::{Markup, html};
use steward_store::calendar_feeds::Feed;

pub fn routes() -> axum::Router<AppState> {
    use axum::routing::post;
    axum::Router::new()
        .route("/settings/calendar-feeds", post(create))
        .route("/settings/calendar-feeds/{id}/revoke", post(revoke))
}

pub async fn panel(s: &AppState, ctx: &Ctx) -> Result<Markup, super::Failure> {
    if !ctx.actor.is_staff() {
        return Ok(html! {});
    }
    let feeds = s.app.calendar_feeds(&ctx.actor).await.or_page(ctx)?;
    Ok(html! {
        section.panel aria-labelledby="feeds-title" {
            h2 #feeds-title { (ctx.t(CalMsg::FeedsTitle)) }
            p.muted { (ctx.t(CalMsg::FeedsHint)) }
            @if feeds.is_empty() { p.muted { (ctx.t(CalMsg::FeedsNone)) } } @else { (table(ctx, &feeds)) }
            form method="post" action="/settings/calendar-feeds" {
                (widgets::csrf(&ctx.csrf))
                button.btn type="submit" #create-feed { (ctx.t(CalMsg::FeedsCreate)) }
            }
        }
    })
}

fn table(ctx: &Ctx, feeds: &[Feed]) -> Markup {
    let now = fmt::now_micros();
    html! {
        div.table-wrap { table #feeds {
            thead { tr {
                th scope="col" { (ctx.t(CalMsg::FeedsCreated)) } th scope="col" { (ctx.t(CalMsg::FeedsLastRead)) }
                th scope="col" { span.visually-hidden { (ctx.t(CalMsg::FeedsRevoke)) } }
            } }
            tbody {
                @for f in feeds {
                    tr data-feed=(f.id) {
                        td { (widgets::time(ctx.lang, f.created_at, now)) }
                        td { (widgets::opt_time(ctx.lang, f.last_used_at, now)) }
                        td {
                            @if let Some(at) = f.revoked_at { (ctx.t(CalMsg::FeedsRevoked)) " " (widgets::time(ctx.lang, at, now)) } @else {
                                form method="post" action={ "/settings/calendar-feeds/" (f.id) "/revoke" } {
                                    (widgets::csrf(&ctx.csrf))
                                    button.btn.btn-quiet type="submit" aria-label={ (ctx.t(CalMsg::FeedsRevoke)) " " (fmt::absolute(ctx.lang, f.created_at)) } { (ctx.t(CalMsg::FeedsRevoke)) }
                                }
                            }
                        }
                    }
                }
            }
        } }
    }
}

async fn create(State(s): State<AppState>, ctx: Ctx) -> UiResult {
    let made = s.app.create_calendar_feed(&ctx.actor).await.or_page(&ctx)?;
    let body = html! {
        div.narrow {
            h1 { (ctx.t(CalMsg::FeedNewTitle)) }
            (widgets::notice(ctx.t(CalMsg::FeedNewHint)))
            div.field {
                label for="feed-url" { (ctx.t(CalMsg::FeedUrl)) }
                input #feed-url type="text" readonly value=(made.url);
            }
            p { a #feed-back href="/settings" { "← " (ctx.t(CalMsg::FeedBack)) } }
        }
    };
    ok(layout::page(&ctx, ctx.t(CalMsg::FeedNewTitle), body))
}

async fn revoke(State(s): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> UiResult {
    s.app.revoke_calendar_feed(&ctx.actor, id).await.or_page(&ctx)?;
    see_other("/settings?m=feed")
}
