//! `/home`: the desk's start page. Open incidents by priority, then the
//! queues an agent works from: breached (a clock already missed, by
//! priority), breaching soon (the nearest SLA due moment first), assigned
//! to me, my groups' unassigned, all. Each row's SLA badge reads the
//! clocks of the shown rows, all queues in one read.
//!
//! There is no count query: each figure is the length of one capped page,
//! shown as "50+" when more follow. That keeps the page to a few indexed
//! reads however large the backlog grows.

use super::{Ctx, OrPage, UiResult, layout, list, see_other, widgets};
use crate::{
    AppState,
    i18n::{self, Msg},
};
use axum::extract::State;
use futures_util::future::try_join_all;
use maud::{Markup, html};
use steward_app::{AppError, incidents::ListParams};
use steward_store::incidents::Incident;

/// Rows read per figure; more shows as "50+".
const CAP: i64 = 50;
/// Rows shown per queue.
const SHOWN: usize = 8;

struct Queue {
    title: Msg,
    /// The full list's query string.
    link: &'static str,
    rows: Vec<Incident>,
    more: bool,
}

fn count(rows: usize, more: bool) -> String {
    if more { format!("{rows}+") } else { rows.to_string() }
}

async fn fetch(s: &AppState, ctx: &Ctx, p: ListParams) -> Result<(Vec<Incident>, bool), AppError> {
    let filter = s.app.incident_filter(&ctx.actor, &ListParams { limit: Some(CAP), ..p }).await?;
    s.app.list_incidents(&ctx.actor, filter).await
}

fn shown(rows: &[Incident]) -> &[Incident] {
    &rows[..rows.len().min(SHOWN)]
}

fn open(extra: ListParams) -> ListParams {
    ListParams { state: Some("open".into()), ..extra }
}

fn queue(ctx: &Ctx, i: usize, q: &Queue, clocks: &list::Clocks) -> Markup {
    let id = format!("queue-{i}");
    html! {
        section.panel.queue aria-labelledby=(id) {
            div.panel-head {
                h2 #(id) { (ctx.t(q.title)) span.count { (count(q.rows.len(), q.more)) } }
                a href={ "/incidents" (q.link) } { (ctx.t(Msg::ViewAll)) " →" }
            }
            @if q.rows.is_empty() {
                p.empty { (ctx.t(Msg::QueueEmpty)) }
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
            Msg::QueueBreached,
            "?state=open&sla=breached",
            ListParams { sla: Some("breached".into()), ..Default::default() },
        ),
        (
            Msg::QueueBreachingSoon,
            "?state=open&sla=breaching_soon&sort=sla_due",
            ListParams { sla: Some("breaching_soon".into()), sort: Some("sla_due".into()), ..Default::default() },
        ),
        (
            Msg::QueueAssignedToMe,
            "?state=open&assignee=me",
            ListParams { assignee: Some("me".into()), ..Default::default() },
        ),
        (
            Msg::QueueGroupsUnassigned,
            "?state=open&group=mine&assignee=none",
            ListParams { group: Some("mine".into()), assignee: Some("none".into()), ..Default::default() },
        ),
        (Msg::QueueAllOpen, "?state=open", ListParams::default()),
    ];
    let queue_reads = queues.iter().map(|(_, _, p)| fetch(&s, &ctx, open(p.clone())));
    let prio_reads =
        (1..=5).map(|p| fetch(&s, &ctx, open(ListParams { priority: Some(p.to_string()), ..Default::default() })));
    let (found, by_prio) =
        futures_util::future::try_join(try_join_all(queue_reads), try_join_all(prio_reads)).await.or_page(&ctx)?;
    let queues: Vec<Queue> = queues
        .iter()
        .zip(found)
        .map(|((title, link, _), (rows, more))| Queue { title: *title, link, rows, more })
        .collect();
    let mut ids: Vec<i64> = queues.iter().flat_map(|q| shown(&q.rows).iter().map(|r| r.id)).collect();
    ids.sort_unstable();
    ids.dedup();
    let clocks = s.app.clocks_of_incidents(&ids).await.or_page(&ctx)?;
    let body = html! {
        div.page-head {
            h1 { (ctx.t(Msg::QueuesTitle)) }
            a.btn.btn-primary href="/incidents/new" { (ctx.t(Msg::NavNewIncident)) }
        }
        section aria-labelledby="by-priority" {
            h2.visually-hidden #by-priority { (ctx.t(Msg::OpenByPriority)) }
            ul.tiles {
                @for (i, (rows, more)) in by_prio.iter().enumerate() {
                    @let p = i as i64 + 1;
                    li {
                        a class={ "tile prio-tile-" (p) } href={ "/incidents?state=open&priority=" (p) } {
                            span.tile-count { (count(rows.len(), *more)) }
                            span.tile-label { (widgets::priority_badge(ctx.lang, p)) " " (i18n::priority_name(ctx.lang, p)) }
                        }
                    }
                }
            }
        }
        @if ctx.actor.group_ids.is_empty() { p.hint { (ctx.t(Msg::NoGroups)) } }
        div.queues {
            @for (i, q) in queues.iter().enumerate() { (queue(&ctx, i, q, &clocks)) }
        }
    };
    super::ok(layout::page(&ctx, ctx.t(Msg::QueuesTitle), body))
}
