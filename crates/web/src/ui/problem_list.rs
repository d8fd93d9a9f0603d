//! `/problems`: the problem queue. Queues (open, mine, my groups, known
//! errors, all) are links to the list with their filters; the filter form,
//! sort links, the SLA column and keyset pages work as the incident
//! list's; below the list, the problem candidates from repeating incidents.

use super::{Ctx, OrPage, UiResult, fmt, layout, list, problem_candidates, see_other, widgets};
use crate::{
    AppState,
    i18n::{self, Msg},
    i18n_problems,
};
use axum::extract::{Query, State, rejection::QueryRejection};
use maud::{Markup, html};
use serde::Deserialize;
use steward_app::{
    AppError,
    incidents::encode_cursor,
    problems::{Problem, ProblemListParams, number},
};
use steward_domain::{number::RecordKind, problem::ProblemState};

const KIND: RecordKind = RecordKind::Problem;

/// The problems area: the queue, the problem's pages and what they post,
/// and the incident page's problem posts; its navigation entry.
pub const AREA: super::area::Area = super::area::Area {
    routes,
    nav: &[super::area::NavEntry {
        href: "/problems?state=open",
        label: &Msg::NavProblems,
        audience: super::area::Audience::Staff,
        current: |p| super::area::under(p, "/problems"),
    }],
};

fn routes() -> axum::Router<AppState> {
    use super::{incident_problems, problem, problem_actions, problem_form};
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/problems", get(show).post(problem_form::create))
        .route("/problems/new", get(problem_form::new))
        .route("/problems/{number}", get(problem::show))
        .route("/problems/{number}/edit", get(problem_form::edit).post(problem_form::update))
        .route("/problems/{number}/state", post(problem_actions::transition))
        .route("/problems/{number}/known-error", post(problem_actions::known_error))
        .route("/problems/{number}/incidents", post(problem_actions::link))
        .route("/problems/{number}/incidents/{incident}/unlink", post(problem_actions::unlink))
        // A comment may carry files: the attachment limit applies to each.
        .route(
            "/problems/{number}/comments",
            post(problem_actions::comment).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/problems/{number}/attachments/{id}", get(problem_actions::download))
        .route("/problems/{number}/watch", post(super::notifications::watch_problem))
        .route("/incidents/{number}/problem", post(incident_problems::create))
        .route("/incidents/{number}/link-problem", post(incident_problems::link))
        .route("/incidents/{number}/apply-workaround", post(incident_problems::apply))
}

const PAGE: i64 = 50;

/// The parameters the filter form shows, each with its message beside it.
const SHOWN: [&str; 8] = ["text", "state", "priority", "group", "assignee", "service", "known_error", "sort"];

/// The list's query string as typed, so the form can show it again.
#[derive(Deserialize, Default, Debug, Clone)]
#[serde(default)]
pub struct ProblemQuery {
    pub text: String,
    pub state: String,
    pub priority: String,
    pub group: String,
    pub assignee: String,
    pub service: String,
    pub known_error: String,
    pub sort: String,
    pub cursor: String,
    /// The candidates' period in days and their threshold (not filters).
    pub days: String,
    pub min: String,
}

fn opt(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

impl ProblemQuery {
    fn params(&self) -> ProblemListParams {
        ProblemListParams {
            state: opt(&self.state),
            priority: opt(&self.priority),
            group: opt(&self.group),
            assignee: opt(&self.assignee),
            service: opt(&self.service),
            known_error: opt(&self.known_error),
            text: opt(&self.text),
            sort: opt(&self.sort),
            cursor: opt(&self.cursor),
            limit: Some(PAGE),
        }
    }

    /// This list's link with other `sort` and `cursor` values.
    pub fn link(&self, sort: &str, cursor: &str) -> String {
        let q = fmt::query(&[
            ("text", &self.text),
            ("state", &self.state),
            ("priority", &self.priority),
            ("group", &self.group),
            ("assignee", &self.assignee),
            ("service", &self.service),
            ("known_error", &self.known_error),
            ("sort", sort),
            ("cursor", cursor),
            ("days", &self.days),
            ("min", &self.min),
        ]);
        format!("/problems{q}")
    }
}

/// The queues: (label, the list's query string).
const QUEUES: [(Msg, &str); 5] = [
    (Msg::PrbQueueOpen, "state=open"),
    (Msg::PrbQueueMine, "state=open&assignee=me"),
    (Msg::MyGroups, "state=open&group=mine"),
    (Msg::PrbQueueKnownErrors, "known_error=true"),
    (Msg::PrbQueueAll, ""),
];

/// The queue whose filters the list shows now, if any.
fn current_queue(q: &ProblemQuery) -> Option<usize> {
    let filters = fmt::query(&[
        ("state", &q.state),
        ("assignee", &q.assignee),
        ("group", &q.group),
        ("known_error", &q.known_error),
    ]);
    let others = [&q.text, &q.priority, &q.service].iter().any(|v| !v.is_empty());
    (!others).then(|| QUEUES.iter().position(|(_, link)| filters.trim_start_matches('?') == *link)).flatten()
}

fn queues(ctx: &Ctx, q: &ProblemQuery) -> Markup {
    let current = current_queue(q);
    html! {
        nav.tabs aria-label=(ctx.t(Msg::ProblemQueues)) {
            @for (i, (label, link)) in QUEUES.iter().enumerate() {
                a href={ "/problems" @if !link.is_empty() { "?" (link) } }
                    aria-current=[(current == Some(i)).then_some("page")] { (ctx.t(*label)) } " "
            }
        }
    }
}

/// Options for the filter selects.
struct Choices {
    groups: Vec<String>,
    /// Active staff: (username, display name).
    staff: Vec<(String, String)>,
    services: Vec<String>,
}

async fn choices(s: &AppState, ctx: &Ctx) -> Result<Choices, AppError> {
    let groups = s.app.list_groups().await?.into_iter().map(|g| g.name).collect();
    let staff = s
        .app
        .list_users(Some(&ctx.actor))
        .await?
        .into_iter()
        .filter(|u| u.active != 0 && u.role != "requester")
        .map(|u| (u.username, u.display_name))
        .collect();
    let mut services: Vec<String> = s.app.catalog(&ctx.actor, None).await?.into_iter().map(|c| c.name).collect();
    services.dedup();
    Ok(Choices { groups, staff, services })
}

fn filters(ctx: &Ctx, q: &ProblemQuery, c: &Choices, errors: &widgets::Errors) -> Markup {
    let lang = ctx.lang;
    let any = || (String::new(), ctx.t(Msg::Any).to_owned());
    let mut states = vec![any(), ("open".to_owned(), ctx.t(Msg::PrbOpenStates).to_owned())];
    states.extend(ProblemState::ALL.iter().map(|s| (s.as_str().to_owned(), i18n_problems::state(lang, *s).to_owned())));
    let mut prios = vec![any()];
    prios.extend((1..=5).map(|p| (p.to_string(), format!("P{p} – {}", i18n::priority_name(lang, p)))));
    let mut groups =
        vec![any(), ("mine".into(), ctx.t(Msg::MyGroups).into()), ("none".into(), ctx.t(Msg::NoGroup).into())];
    groups.extend(c.groups.iter().map(|g| (g.clone(), g.clone())));
    let mut owners = vec![any(), ("me".into(), ctx.t(Msg::Me).into()), ("none".into(), ctx.t(Msg::Unassigned).into())];
    owners.extend(c.staff.iter().cloned());
    let mut services = vec![any()];
    services.extend(c.services.iter().map(|n| (n.clone(), n.clone())));
    let known = vec![any(), ("true".into(), ctx.t(Msg::Yes).into()), ("false".into(), ctx.t(Msg::No).into())];
    let sorts: Vec<(String, String)> = [
        ("", Msg::SortPriority),
        ("-priority", Msg::SortPriorityLow),
        ("-opened", Msg::SortNewest),
        ("opened", Msg::SortOldest),
        ("-updated", Msg::SortUpdated),
        ("number", Msg::SortNumber),
    ]
    .into_iter()
    .map(|(v, m)| (v.to_owned(), ctx.t(m).to_owned()))
    .collect();
    let sort = if q.sort == "priority" { "" } else { q.sort.as_str() };
    let f = |id, name, label| widgets::Field::new(lang, id, name, label, errors);
    html! {
        form.filters method="get" action="/problems" aria-label=(ctx.t(Msg::Filters)) {
            (widgets::Field { kind: Some("search"), ..f("f-text", "text", ctx.t(Msg::FilterText)) }.input(&q.text))
            (f("f-state", "state", ctx.t(Msg::State)).select(&states, &q.state))
            (f("f-priority", "priority", ctx.t(Msg::Priority)).select(&prios, &q.priority))
            (f("f-group", "group", ctx.t(Msg::GroupShort)).select(&groups, &q.group))
            (f("f-assignee", "assignee", ctx.t(Msg::ProblemOwner)).select(&owners, &q.assignee))
            (f("f-service", "service", ctx.t(Msg::ServiceFromCatalog)).select(&services, &q.service))
            (f("f-known", "known_error", ctx.t(Msg::KnownError)).select(&known, &q.known_error))
            (f("f-sort", "sort", ctx.t(Msg::SortOrder)).select(&sorts, sort))
            div.filter-actions {
                button.btn.btn-primary type="submit" { (ctx.t(Msg::Apply)) }
                a.btn.btn-quiet href="/problems" { (ctx.t(Msg::ClearFilters)) }
            }
        }
    }
}

/// The known-error flag beside a title.
pub fn known_error_flag(lang: i18n::Lang) -> Markup {
    html! { span.badge.known-error { (i18n::t(lang, Msg::KnownError)) } }
}

fn table(ctx: &Ctx, rows: &[Problem], clocks: &list::Clocks, q: &ProblemQuery) -> Markup {
    let lang = ctx.lang;
    let now = fmt::now_micros();
    let link = |sort: &str| q.link(sort, "");
    let header = |label, key, first| list::sort_header(ctx, &q.sort, &link, label, key, first);
    html! {
        div.table-wrap {
            table.incidents.problems {
                thead { tr {
                    (header(Msg::Number, "number", "-number"))
                    th scope="col" { (ctx.t(Msg::Title)) }
                    th scope="col" { (ctx.t(Msg::State)) }
                    (header(Msg::Priority, "priority", "priority"))
                    th scope="col" { (ctx.t(Msg::SlaColumn)) }
                    th scope="col" { (ctx.t(Msg::Service)) }
                    th scope="col" { (ctx.t(Msg::GroupShort)) }
                    th scope="col" { (ctx.t(Msg::ProblemOwner)) }
                    (header(Msg::Opened, "opened", "-opened"))
                    (header(Msg::Updated, "updated", "-updated"))
                } }
                tbody {
                    @for p in rows {
                        @let r = &p.record;
                        @let n = number(r.number);
                        tr {
                            td.num { a href={ "/problems/" (n) } { (n) } }
                            td.title-cell {
                                a href={ "/problems/" (n) } { (r.title) }
                                @if p.is_known_error() { " " (known_error_flag(lang)) }
                            }
                            td { (widgets::state_badge(lang, &r.state)) }
                            td { (widgets::priority_badge(lang, r.priority)) }
                            (list::sla_cell(lang, clocks, r.id))
                            td.who-cell { (r.service.as_deref().unwrap_or("")) }
                            td.who-cell { (r.group_name.as_deref().unwrap_or("")) }
                            td.who-cell {
                                @match &r.assignee_name {
                                    Some(a) => (a),
                                    None => span.muted { (ctx.t(Msg::Unassigned)) },
                                }
                            }
                            td.time { (widgets::time(lang, r.opened_at, now)) }
                            td.time { (widgets::time(lang, r.updated_at, now)) }
                        }
                    }
                }
            }
        }
    }
}

pub async fn show(State(s): State<AppState>, ctx: Ctx, q: Result<Query<ProblemQuery>, QueryRejection>) -> UiResult {
    if !ctx.actor.is_staff() {
        return see_other("/portal");
    }
    let (q, unreadable) = match q {
        Ok(Query(q)) => (q, None),
        Err(e) => (ProblemQuery::default(), Some(e.body_text())),
    };
    let c = choices(&s, &ctx).await.or_page(&ctx)?;
    let filter = match unreadable {
        None => s.app.problem_filter(&ctx.actor, &q.params()).await,
        Some(e) => Err(AppError::field("query", crate::error::malformed(e))),
    };
    let found = match filter {
        Ok(filter) => {
            let sort = filter.sort;
            let count = s.app.count_problems(&ctx.actor, &filter);
            let ((rows, more), count) =
                futures_util::future::try_join(s.app.list_problems(&ctx.actor, filter.clone()), count)
                    .await
                    .or_page(&ctx)?;
            let next = if more { rows.last().map(|p| encode_cursor(&sort.key(&p.record))) } else { None };
            let ids: Vec<i64> = rows.iter().map(|p| p.record.id).collect();
            let clocks = s.app.clocks_of_records(KIND.as_str(), &ids).await.or_page(&ctx)?;
            Ok((rows, clocks, next, count))
        }
        Err(AppError::Invalid(errors)) => Err(widgets::Errors(errors)),
        Err(e) => return Err(ctx.fail(e)),
    };
    let candidates = problem_candidates::load(&s, &ctx, &q.days, &q.min).await.or_page(&ctx)?;
    let errors = found.as_ref().err().cloned().unwrap_or_default();
    let sort = if q.sort.is_empty() { "priority" } else { q.sort.as_str() };
    let body = html! {
        div.page-head {
            h1 { (ctx.t(Msg::ProblemsTitle)) }
            a.btn.btn-primary #new-problem href="/problems/new" { (ctx.t(Msg::NewProblemTitle)) }
        }
        (queues(&ctx, &q))
        (filters(&ctx, &q, &c, &errors))
        @match &found {
            Err(e) => {
                div.notice.error role="alert" {
                    (ctx.t(Msg::FilterProblem))
                    ul { @for fe in e.others(&SHOWN) { li { (i18n::field(ctx.lang, &fe.field)) ": " (i18n::app_message(ctx.lang, fe)) } } }
                }
            }
            Ok((rows, _, _, _)) if rows.is_empty() => { p.empty #no-problems { (ctx.t(Msg::PrbNoMatches)) } }
            Ok((rows, clocks, next, count)) => {
                p.result-count #result-count role="status" { (list::count_of(ctx.lang, *count, i18n::Plural::Problems)) }
                (table(&ctx, rows, clocks, &q))
                nav.pager aria-label=(ctx.t(Msg::Pages)) {
                    @if !q.cursor.is_empty() { a.btn href=(q.link(sort, "")) { "« " (ctx.t(Msg::FirstPage)) } }
                    @if let Some(c) = next { a.btn #next-page href=(q.link(sort, c)) rel="next" { (ctx.t(Msg::NextPage)) " »" } }
                }
            }
        }
        (problem_candidates::section(&ctx, &q, &candidates))
    };
    super::ok(layout::page(&ctx, ctx.t(Msg::ProblemsTitle), body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_queue_shown_is_the_one_whose_filters_the_list_has() {
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
    fn links_keep_the_filters() {
        let q = ProblemQuery { state: "open".into(), known_error: "true".into(), ..ProblemQuery::default() };
        assert_eq!(q.link("-updated", ""), "/problems?state=open&known_error=true&sort=-updated");
    }
}
