//! `/home`: the desk's start page. Open incidents by priority, then the
//! queues an agent works from: breached (a clock already missed, by
//! priority), breaching soon (the nearest SLA due moment first), assigned
//! to me, my groups' unassigned, all. Each row's SLA badge reads the
//! clocks of the shown rows, all queues in one read.
//!
//! Each figure is a capped count (exact up to 10,000, then "10,000+"),
//! read from the filter's index alongside the queue's first rows, so the
//! page costs the same however large the backlog grows.

use super::area::{Audience, NavEntry};
use super::desk_texts::DeskMsg;
use super::{Ctx, OrPage, UiResult, layout, list, record_list, see_other, widgets};
use crate::{
    AppState,
    i18n::{self, Msg},
};
use axum::extract::State;
use futures_util::future::try_join_all;
use maud::{Markup, html};
use steward_app::{AppError, incidents::ListParams};
use steward_store::records::{Count, Incident};

/// The desk's start page and its navigation entry.
pub const AREA: super::area::Area = super::area::Area {
    routes,
    nav: &[NavEntry { href: "/home", label: &DeskMsg::NavHome, audience: Audience::Staff, current: |p| p == "/home" }],
};

fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/home", axum::routing::get(show))
}

/// Rows shown per queue.
const SHOWN: i64 = 8;

struct Queue {
    title: DeskMsg,
    /// The full list's query string.
    link: &'static str,
    rows: Vec<Incident>,
    count: Count,
}

/// Each queue's first rows (read side by side), then every queue's and
/// priority tile's count in one statement.
async fn fetch(s: &AppState, ctx: &Ctx, queues: Vec<ListParams>) -> Result<(Vec<Vec<Incident>>, Vec<Count>), AppError> {
    let tiles = (1..=5).map(|p| open(ListParams { priority: Some(p.to_string()), ..Default::default() }));
    let mut filters = Vec::with_capacity(queues.len() + 5);
    for p in queues.into_iter().map(open).chain(tiles) {
        filters.push(s.app.incident_filter(&ctx.actor, &ListParams { limit: Some(SHOWN), ..p }).await?);
    }
    let lists = filters[..filters.len() - 5].iter().map(|f| s.app.list_incidents(&ctx.actor, f.clone()));
    let (rows, counts) =
        futures_util::future::try_join(try_join_all(lists), s.app.count_incidents_many(&ctx.actor, &filters)).await?;
    Ok((rows.into_iter().map(|(r, _)| r).collect(), counts))
}

fn shown(rows: &[Incident]) -> &[Incident] {
    &rows[..rows.len().min(usize::try_from(SHOWN).unwrap_or(usize::MAX))]
}

fn open(extra: ListParams) -> ListParams {
    ListParams { state: Some("open".into()), ..extra }
}

fn queue(ctx: &Ctx, i: usize, q: &Queue, clocks: &record_list::Clocks) -> Markup {
    let id = format!("queue-{i}");
    html! {
        section.panel.queue aria-labelledby=(id) {
            div.panel-head {
                h2 #(id) { (ctx.t(q.title)) span.count { (record_list::count_number(ctx.lang, q.count)) } }
                a href={ "/incidents" (q.link) } { (ctx.t(DeskMsg::ViewAll)) " →" }
            }
            @if q.rows.is_empty() {
                p.empty { (ctx.t(DeskMsg::QueueEmpty)) }
            } @else {
                (list::table(ctx, shown(&q.rows), clocks, list::Columns::Queue, None))
            }
        }
    }
}

pub async fn show(State(s): State<AppState>, ctx: Ctx) -> UiResult {
    if !ctx.actor.is_staff() {
        return see_other("/portal");
    }
    let queues = [
        (
            DeskMsg::QueueBreached,
            "?state=open&sla=breached",
            ListParams { sla: Some("breached".into()), ..Default::default() },
        ),
        (
            DeskMsg::QueueBreachingSoon,
            "?state=open&sla=breaching_soon&sort=sla_due",
            ListParams { sla: Some("breaching_soon".into()), sort: Some("sla_due".into()), ..Default::default() },
        ),
        (
            DeskMsg::QueueAssignedToMe,
            "?state=open&assignee=me",
            ListParams { assignee: Some("me".into()), ..Default::default() },
        ),
        (
            DeskMsg::QueueGroupsUnassigned,
            "?state=open&group=mine&assignee=none",
            ListParams { group: Some("mine".into()), assignee: Some("none".into()), ..Default::default() },
        ),
        (DeskMsg::QueueAllOpen, "?state=open", ListParams::default()),
    ];
    let (found, mut counts) =
        fetch(&s, &ctx, queues.iter().map(|(_, _, p)| p.clone()).collect()).await.or_page(&ctx)?;
    let by_prio = counts.split_off(queues.len());
    let queues: Vec<Queue> = queues
        .iter()
        .zip(found.into_iter().zip(counts))
        .map(|((title, link, _), (rows, count))| Queue { title: *title, link, rows, count })
        .collect();
    let mut ids: Vec<i64> = queues.iter().flat_map(|q| shown(&q.rows).iter().map(|r| r.id)).collect();
    ids.sort_unstable();
    ids.dedup();
    let clocks = s.app.clocks_of_incidents(&ids).await.or_page(&ctx)?;
    let body = html! {
        div.page-head {
            h1 { (ctx.t(DeskMsg::QueuesTitle)) }
            a.btn.btn-primary href="/incidents/new" { (ctx.t(Msg::NavNewIncident)) }
        }
        section aria-labelledby="by-priority" {
            h2.visually-hidden #by-priority { (ctx.t(DeskMsg::OpenByPriority)) }
            ul.tiles {
                @for (i, count) in by_prio.iter().enumerate() {
                    @let p = i as i64 + 1;
                    li {
                        a class={ "tile prio-tile-" (p) } href={ "/incidents?state=open&priority=" (p) } {
                            span.tile-count { (record_list::count_number(ctx.lang, *count)) }
                            span.tile-label { (widgets::priority_badge(ctx.lang, p)) " " (i18n::priority_name(ctx.lang, p)) }
                        }
                    }
                }
            }
        }
        @if ctx.actor.group_ids.is_empty() { p.hint { (ctx.t(DeskMsg::NoGroups)) } }
        div.queues {
            @for (i, q) in queues.iter().enumerate() { (queue(&ctx, i, q, &clocks)) }
        }
    };
    super::ok(layout::page(&ctx, ctx.t(DeskMsg::QueuesTitle), body))
}
