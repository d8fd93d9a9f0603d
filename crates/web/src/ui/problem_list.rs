//! `/problems`: the problem queue. Queues (open, mine, my groups, known
//! errors, all) are links to the list with their filters; the filter form,
//! sort links, the SLA column and keyset pages work as the incident
//! list's; below the list, the problem candidates from repeating incidents.

use super::problem_texts::PrbMsg;
use super::{
    Ctx, OrPage, UiResult, layout, problem_candidates,
    record_list::{self, Col, Control, Filter, Shape, list_query, options},
    see_other, widgets,
};
use crate::{
    AppState,
    i18n::{self, Label, Msg},
};
use axum::extract::{Query, State, rejection::QueryRejection};
use maud::{Markup, html};
use steward_app::problems::{Problem, ProblemListParams};
use steward_domain::{number::RecordKind, problem::ProblemState};

const KIND: RecordKind = RecordKind::Problem;

/// The problems area: the queue, the problem's pages and what they post,
/// and the incident page's problem posts; its navigation entry.
pub const AREA: super::area::Area = super::area::Area {
    routes,
    nav: &[super::area::NavEntry {
        href: "/problems?state=open",
        label: &PrbMsg::NavProblems,
        audience: super::area::Audience::Staff,
        current: |p| super::area::under(p, "/problems"),
    }],
};

fn routes() -> axum::Router<AppState> {
    use super::{incident_problems, problem::ProblemPage, problem_actions, problem_form, record_actions, record_page};
    use axum::{
        extract::DefaultBodyLimit,
        routing::{get, post},
    };
    axum::Router::new()
        .route("/problems", get(show).post(problem_form::create))
        .route("/problems/new", get(problem_form::new))
        .route("/problems/{number}", get(record_page::show::<ProblemPage>))
        .route("/problems/{number}/edit", get(problem_form::edit).post(problem_form::update))
        .route("/problems/{number}/state", post(record_actions::transition::<ProblemPage>))
        .route("/problems/{number}/links", post(super::record_links::link::<ProblemPage>))
        .route("/problems/{number}/links/remove", post(super::record_links::unlink::<ProblemPage>))
        .route("/problems/{number}/known-error", post(problem_actions::known_error))
        .route("/problems/{number}/incidents", post(problem_actions::link))
        .route("/problems/{number}/incidents/{incident}/unlink", post(problem_actions::unlink))
        // A comment may carry files: the attachment limit applies to each.
        .route(
            "/problems/{number}/comments",
            post(record_actions::comment::<ProblemPage>).layer(DefaultBodyLimit::disable()),
        )
        // The upload checks the configured attachment limit itself.
        .route(
            "/problems/{number}/attachments",
            post(record_actions::upload::<ProblemPage>).layer(DefaultBodyLimit::disable()),
        )
        .route("/problems/{number}/attachments/{id}", get(record_actions::download::<ProblemPage>))
        .route("/problems/{number}/watch", post(super::notifications::watch_problem))
        .route("/incidents/{number}/problem", post(incident_problems::create))
        .route("/incidents/{number}/link-problem", post(incident_problems::link))
        .route("/incidents/{number}/apply-workaround", post(incident_problems::apply))
}

const PAGE: i64 = 50;

/// The queue's own orders, (value, label), after those every list offers
/// (`record_list::ORDERS`).
const SORTS: &[(&str, Msg)] = &[("sla_due", Msg::SortSlaDue)];

list_query! {
    /// The queue's query string; links keep the candidates' period in days
    /// and their threshold (not filters).
    pub struct ProblemQuery {
        filters: [text, state, priority, group, assignee, service, known_error, sla],
        kept: [days, min],
    }
}

/// The queue's address and its orders.
const LIST: Shape = Shape { path: "/problems", sorts: SORTS };

impl ProblemQuery {
    fn params(&self) -> ProblemListParams {
        record_list::params(self, PAGE)
    }

    /// The list's filters and sort, which the candidates' form keeps.
    pub fn filters_and_sort(&self) -> Vec<(&'static str, &str)> {
        record_list::filters_and_sort(self)
    }
}

/// The queues: (label, the list's query string).
const QUEUES: [(Label, &str); 5] = [
    (&PrbMsg::PrbQueueOpen, "state=open"),
    (&PrbMsg::PrbQueueMine, "state=open&assignee=me"),
    (&Msg::MyGroups, "state=open&group=mine"),
    (&PrbMsg::PrbQueueKnownErrors, "known_error=true"),
    (&PrbMsg::PrbQueueAll, ""),
];

fn filters(ctx: &Ctx, q: &ProblemQuery, c: &record_list::Choices, errors: &widgets::Errors) -> Markup {
    let select = |id, name, label: Label, options| Filter::new(id, name, ctx.t(label), Control::Select(options));
    let fields = [
        Filter::new("f-text", "text", ctx.t(Msg::FilterText), Control::Search),
        select("f-state", "state", &Msg::State, options::states::<ProblemState>(ctx, PrbMsg::PrbOpenStates)),
        select("f-priority", "priority", &Msg::Priority, options::priorities(ctx)),
        select("f-group", "group", &Msg::GroupShort, options::groups(ctx, &c.groups)),
        select("f-assignee", "assignee", &PrbMsg::ProblemOwner, options::people(ctx, c.staff.iter())),
        select("f-service", "service", &Msg::ServiceFromCatalog, options::names(ctx, &c.services)),
        select("f-known", "known_error", &PrbMsg::KnownError, options::yes_no(ctx)),
    ];
    record_list::filter_form(ctx, &LIST, q, &fields, errors, html! {})
}

/// The known-error flag beside a title.
pub fn known_error_flag(lang: i18n::Lang) -> Markup {
    html! { span.badge.known-error { (i18n::t(lang, PrbMsg::KnownError)) } }
}

const COLUMNS: [Col; 10] = [
    Col::Number,
    Col::Title,
    Col::State,
    Col::Priority,
    Col::Sla,
    Col::Service,
    Col::Group,
    Col::Assignee(&PrbMsg::ProblemOwner),
    Col::Opened,
    Col::Updated,
];

fn table(ctx: &Ctx, rows: &[Problem], clocks: &record_list::Clocks, q: &ProblemQuery) -> Markup {
    let t = record_list::Table::<Problem> {
        kind: KIND,
        class: "incidents problems",
        columns: &COLUMNS,
        record: |p| &p.record,
        flag: |lang, p| p.is_known_error().then(|| known_error_flag(lang)),
    };
    record_list::table(ctx, &t, Some((&LIST, q)), rows, clocks)
}

pub async fn show(State(s): State<AppState>, ctx: Ctx, q: Result<Query<ProblemQuery>, QueryRejection>) -> UiResult {
    if !ctx.actor.is_staff() {
        return see_other("/portal");
    }
    let c = record_list::choices(&s, &ctx).await.or_page(&ctx)?;
    let filter = match &q {
        Ok(Query(q)) => s.app.problem_filter(&ctx.actor, &q.params()).await,
        Err(e) => Err(record_list::unreadable(&e.body_text())),
    };
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let (app, actor) = (&s.app, &ctx.actor);
    let read = |filter: steward_store::records::Filter| async move {
        let count = app.count_problems(actor, &filter);
        futures_util::future::try_join(app.list_problems(actor, filter.clone()), count).await
    };
    let found = record_list::find(&s, &ctx, KIND, filter, read, |p: &Problem| &p.record).await?;
    let candidates = problem_candidates::load(&s, &ctx, &q.days, &q.min).await.or_page(&ctx)?;
    let errors = found.as_ref().err().cloned().unwrap_or_default();
    let empty = html! { p.empty #no-problems { (ctx.t(PrbMsg::PrbNoMatches)) } };
    let count = |lang, c| record_list::count_of(lang, c, i18n::Plural::Problems);
    let body = html! {
        div.page-head {
            h1 { (ctx.t(PrbMsg::ProblemsTitle)) }
            div.actions {
                (record_list::export_buttons(&ctx, |f| LIST.export_link(&q, f), ctx.t(PrbMsg::PrbExportHint)))
                " "
                (record_list::save_button(&ctx, &LIST.save_link(&q)))
                " "
                a.btn.btn-primary #new-problem href="/problems/new" { (ctx.t(PrbMsg::NewProblemTitle)) }
            }
        }
        (LIST.queues(&ctx, &q, PrbMsg::ProblemQueues, &QUEUES))
        (filters(&ctx, &q, &c, &errors))
        (record_list::results(&ctx, &LIST, &q, &found, empty, count, |f| table(&ctx, &f.rows, &f.clocks, &q)))
        (problem_candidates::section(&ctx, &q, &candidates))
    };
    super::ok(layout::page(&ctx, ctx.t(PrbMsg::ProblemsTitle), body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_queue_shown_is_the_one_whose_filters_the_list_has() {
        let current_queue = |q: &ProblemQuery| record_list::current_queue(q, &QUEUES);
        let q = |state: &str, assignee: &str, known: &str| ProblemQuery {
            state: state.into(),
            assignee: assignee.into(),
            known_error: known.into(),
            ..ProblemQuery::default()
        };
        assert_eq!(current_queue(&q("open", "", "")), Some(0));
        assert_eq!(current_queue(&q("open", "me", "")), Some(1));
        assert_eq!(current_queue(&q("", "", "true")), Some(3));
        assert_eq!(current_queue(&q("", "", "")), Some(4));
        assert_eq!(current_queue(&q("resolved", "", "")), None);
        let words = ProblemQuery { text: "dhcp".into(), ..q("open", "", "") };
        assert_eq!(current_queue(&words), None, "a search is no queue");
    }

    #[test]
    fn every_filter_reaches_the_use_case() {
        record_list::assert_filters_reach::<ProblemQuery, ProblemListParams>();
    }

    #[test]
    fn links_keep_the_filters() {
        let q = ProblemQuery { state: "open".into(), known_error: "true".into(), ..ProblemQuery::default() };
        assert_eq!(LIST.link(&q, "-updated", ""), "/problems?state=open&known_error=true&sort=-updated");
    }

    #[test]
    fn the_export_links_carry_the_filters_and_the_order_only() {
        let q = ProblemQuery {
            state: "open".into(),
            known_error: "true".into(),
            sort: "-updated".into(),
            cursor: "xyz".into(),
            days: "30".into(),
            min: "3".into(),
            ..ProblemQuery::default()
        };
        assert_eq!(
            LIST.export_link(&q, "csv"),
            "/api/v1/problems/export.csv?state=open&known_error=true&sort=-updated"
        );
        assert_eq!(LIST.export_link(&ProblemQuery::default(), "xlsx"), "/api/v1/problems/export.xlsx");
    }
}
