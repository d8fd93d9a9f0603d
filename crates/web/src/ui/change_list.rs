//! `/changes`: the change list (staff only). Queues (open, mine, awaiting
//! approval, scheduled, all) are links to the list with their filters; the
//! filter form (with the type and the risk level), sort links and keyset
//! pages are every list's
//! (`record_list`); each title carries the change's type and risk.

use super::change_texts::{self, ChgMsg, ChgPlural};
use super::{
    Ctx, OrPage, UiResult, layout,
    record_list::{self, Col, Control, Filter, Shape, list_query, options},
    see_other, widgets,
};
use crate::{
    AppState,
    i18n::{self, Label, Lang, Msg},
};
use axum::extract::{Query, State, rejection::QueryRejection};
use maud::{Markup, html};
use steward_app::changes::{Change, ChangeListParams};
use steward_domain::{
    change::{ChangeState, ChangeType, RiskLevel},
    number::RecordKind,
};

const KIND: RecordKind = RecordKind::Change;

/// The changes area: the list, a change's pages and what they post; its
/// navigation entry.
pub const AREA: super::area::Area = super::area::Area {
    routes,
    nav: &[super::area::NavEntry {
        href: "/changes?state=open",
        label: &ChgMsg::NavChanges,
        audience: super::area::Audience::Staff,
        // The change calendar and the task queue are the changes' too.
        current: |p| {
            super::area::under(p, "/changes")
                || super::area::under(p, super::change_calendar::PATH)
                || super::area::under(p, "/tasks")
        },
    }],
};

fn routes() -> axum::Router<AppState> {
    use super::{change::ChangePage, change_actions, change_form, record_actions, record_page};
    use axum::{
        extract::DefaultBodyLimit,
        routing::{get, post},
    };
    axum::Router::new()
        .route("/changes", get(show).post(change_form::create))
        .route("/changes/new", get(change_form::new))
        .route("/changes/{number}", get(record_page::show::<ChangePage>))
        .route("/changes/{number}/edit", get(change_form::edit).post(change_form::update))
        .route("/changes/{number}/state", post(record_actions::transition::<ChangePage>))
        .route("/changes/{number}/approve", post(change_actions::approve))
        .route("/changes/{number}/links", post(super::record_links::link::<ChangePage>))
        .route("/changes/{number}/links/remove", post(super::record_links::unlink::<ChangePage>))
        // A comment may carry files: the attachment limit applies to each.
        .route(
            "/changes/{number}/comments",
            post(record_actions::comment::<ChangePage>).layer(DefaultBodyLimit::disable()),
        )
        // The upload checks the configured attachment limit itself.
        .route(
            "/changes/{number}/attachments",
            post(record_actions::upload::<ChangePage>).layer(DefaultBodyLimit::disable()),
        )
        .route("/changes/{number}/attachments/{id}", get(record_actions::download::<ChangePage>))
        .route("/changes/{number}/watch", post(super::notifications::watch_change))
        .merge(super::change_templates::routes())
}

const PAGE: i64 = 50;

list_query! {
    /// The list's query string.
    pub struct ChangeQuery {
        filters: [text, state, change_type, risk_level, priority, group, assignee, service],
        kept: [],
    }
}

/// The list's address; it offers the orders every list does.
const LIST: Shape = Shape { path: "/changes", sorts: &[] };

impl ChangeQuery {
    fn params(&self) -> ChangeListParams {
        record_list::params(self, PAGE)
    }
}

/// The queues: (label, the list's query string).
const QUEUES: [(Label, &str); 5] = [
    (&ChgMsg::QueueOpen, "state=open"),
    (&ChgMsg::QueueMine, "state=open&assignee=me"),
    (&ChgMsg::QueueAwaiting, "state=authorization"),
    (&ChgMsg::QueueScheduled, "state=scheduled"),
    (&ChgMsg::QueueAll, ""),
];

fn filters(ctx: &Ctx, q: &ChangeQuery, c: &record_list::Choices, errors: &widgets::Errors) -> Markup {
    let select = |id, name, label: Label, options| Filter::new(id, name, ctx.t(label), Control::Select(options));
    let lang = ctx.lang;
    let types = options::any_of::<Msg>(
        ctx,
        &[],
        ChangeType::ALL.iter().map(|t| (t.as_str().to_owned(), change_texts::change_type(lang, *t).to_owned())),
    );
    let levels = options::any_of::<Msg>(
        ctx,
        &[],
        RiskLevel::ALL.iter().map(|l| (l.as_str().to_owned(), change_texts::risk_level(lang, *l).to_owned())),
    );
    let fields = [
        Filter::new("f-text", "text", ctx.t(Msg::FilterText), Control::Search),
        select("f-state", "state", &Msg::State, options::states::<ChangeState>(ctx, ChgMsg::OpenStates)),
        select("f-type", "change_type", &ChgMsg::ChangeType, types),
        select("f-risk", "risk_level", &ChgMsg::RiskLevelLabel, levels),
        select("f-priority", "priority", &Msg::Priority, options::priorities(ctx)),
        select("f-group", "group", &Msg::GroupShort, options::groups(ctx, &c.groups)),
        select("f-assignee", "assignee", &ChgMsg::ChangeOwner, options::people(ctx, c.staff.iter())),
        select("f-service", "service", &Msg::ServiceFromCatalog, options::names(ctx, &c.services)),
    ];
    record_list::filter_form(ctx, &LIST, q, &fields, errors, html! {})
}

/// The change's type and, once assessed, its risk level, as badges.
pub fn badges(lang: Lang, c: &Change) -> Markup {
    let level = c.details.risk_level.as_deref().and_then(|l| l.parse().ok());
    html! {
        span class={ "badge change-type type-" (c.details.change_type) } { (change_texts::change_type(lang, c.change_type())) }
        @if let Some(l) = level {
            " " span class={ "badge risk risk-" (c.details.risk_level.as_deref().unwrap_or("")) } {
                (i18n::t(lang, ChgMsg::Risk)) ": " (change_texts::risk_level(lang, l))
            }
        }
    }
}

const COLUMNS: [Col; 9] = [
    Col::Number,
    Col::Title,
    Col::State,
    Col::Priority,
    Col::Service,
    Col::Group,
    Col::Assignee(&ChgMsg::ChangeOwner),
    Col::Opened,
    Col::Updated,
];

fn table(ctx: &Ctx, rows: &[Change], clocks: &record_list::Clocks, q: &ChangeQuery) -> Markup {
    let t = record_list::Table::<Change> {
        kind: KIND,
        class: "incidents changes",
        columns: &COLUMNS,
        record: |c| &c.record,
        flag: |lang, c| Some(badges(lang, c)),
    };
    record_list::table(ctx, &t, Some((&LIST, q)), rows, clocks)
}

pub async fn show(State(s): State<AppState>, ctx: Ctx, q: Result<Query<ChangeQuery>, QueryRejection>) -> UiResult {
    if !ctx.actor.is_staff() {
        return see_other("/portal");
    }
    let c = record_list::choices(&s, &ctx).await.or_page(&ctx)?;
    let filter = match &q {
        Ok(Query(q)) => s.app.change_filter(&ctx.actor, &q.params()).await,
        Err(e) => Err(record_list::unreadable(&e.body_text())),
    };
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let (app, actor) = (&s.app, &ctx.actor);
    let read = |filter: steward_store::records::Filter| async move {
        let count = app.count_changes(actor, &filter);
        futures_util::future::try_join(app.list_changes(actor, filter.clone()), count).await
    };
    let found = record_list::find(&s, &ctx, KIND, filter, read, |c: &Change| &c.record).await?;
    let errors = found.as_ref().err().cloned().unwrap_or_default();
    let empty = html! { p.empty #no-changes { (ctx.t(ChgMsg::NoMatches)) } };
    let count = |lang, c| record_list::count_of(lang, c, ChgPlural::Changes);
    let body = html! {
        div.page-head {
            h1 { (ctx.t(ChgMsg::ChangesTitle)) }
            div.actions {
                a.btn #change-calendar-link href=(super::change_calendar::PATH) {
                    (ctx.t(super::calendar_texts::CalMsg::CalTitle))
                }
                " "
                a.btn #standard-changes-link href=(super::change_templates::CATALOGUE) {
                    (ctx.t(ChgMsg::StandardChanges))
                }
                " "
                a.btn #cab-agenda-link href=(super::cab_agenda::PATH) {
                    (ctx.t(super::cab_texts::CabMsg::Link))
                }
                " "
                a.btn #change-review-link href=(super::change_review::PATH) {
                    (ctx.t(super::change_review_texts::RevMsg::ReviewLink))
                }
                " "
                a.btn #task-queue-link href="/tasks" { (ctx.t(super::task_texts::TaskMsg::MyTasksTitle)) }
                " "
                (record_list::export_buttons(&ctx, |f| LIST.export_link(&q, f), ctx.t(ChgMsg::ExportHint)))
                " "
                (record_list::save_button(&ctx, &LIST.save_link(&q)))
                " "
                a.btn.btn-primary #new-change href="/changes/new" { (ctx.t(ChgMsg::NewChangeTitle)) }
            }
        }
        (LIST.queues(&ctx, &q, ChgMsg::ChangeQueues, &QUEUES))
        (filters(&ctx, &q, &c, &errors))
        (record_list::results(&ctx, &LIST, &q, &found, empty, count, |f| table(&ctx, &f.rows, &f.clocks, &q)))
    };
    super::ok(layout::page(&ctx, ctx.t(ChgMsg::ChangesTitle), body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_queue_shown_is_the_one_whose_filters_the_list_has() {
        let current_queue = |q: &ChangeQuery| record_list::current_queue(q, &QUEUES);
        let q = |state: &str, assignee: &str| ChangeQuery {
            state: state.into(),
            assignee: assignee.into(),
            ..ChangeQuery::default()
        };
        assert_eq!(current_queue(&q("open", "")), Some(0));
        assert_eq!(current_queue(&q("open", "me")), Some(1));
        assert_eq!(current_queue(&q("authorization", "")), Some(2));
        assert_eq!(current_queue(&q("", "")), Some(4));
        assert_eq!(current_queue(&q("review", "")), None);
    }

    #[test]
    fn every_filter_reaches_the_use_case() {
        record_list::assert_filters_reach::<ChangeQuery, ChangeListParams>();
    }

    #[test]
    fn links_keep_the_filters() {
        let q = ChangeQuery { state: "scheduled".into(), group: "mine".into(), ..ChangeQuery::default() };
        assert_eq!(LIST.link(&q, "-updated", ""), "/changes?state=scheduled&group=mine&sort=-updated");
    }

    #[test]
    fn the_export_links_carry_the_filters_and_the_order() {
        let q = ChangeQuery {
            change_type: "normal".into(),
            risk_level: "high".into(),
            sort: "number".into(),
            cursor: "xyz".into(),
            ..ChangeQuery::default()
        };
        assert_eq!(
            LIST.export_link(&q, "xlsx"),
            "/api/v1/changes/export.xlsx?change_type=normal&risk_level=high&sort=number"
        );
        assert_eq!(LIST.export_link(&ChangeQuery::default(), "csv"), "/api/v1/changes/export.csv");
    }
}
