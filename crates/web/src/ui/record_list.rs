//! What every record kind's list page is made of: the incident list and
//! the problem queue use it, and so does the next kind's list. A kind
//! declares its query string once, with [`list_query!`]: the struct and
//! its table of filters (name and field, a [`QueryString`]), from which
//! its links, its queues, the values its filter form shows, the messages
//! that form cannot place and the use case's list parameters all come;
//! and its [`Shape`], the list's path and orders. Then the filter form
//! from field descriptors ([`Filter`]), the options its selects share,
//! the table from column names ([`Col`]), one read of a page ([`find`])
//! and one way to show it ([`results`]: the count, the table and the
//! pager).

use super::{Ctx, Failure, OrPage, clocks, fmt, state_moves::StateLabel, widgets};
use crate::{
    AppState,
    i18n::{self, Label, Lang, Msg, Text},
};
use maud::{Markup, html};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use steward_app::{AppError, incidents::encode_cursor};
use steward_domain::{RecordNumber, number::RecordKind};
use steward_store::records::{Count, Filter as StoreFilter, Record};

/// One query-string parameter of a list: its name and where the kind's
/// query struct keeps it.
pub type Param<Q> = (&'static str, fn(&Q) -> &str);

/// A list's query string as the list's pieces read it.
pub trait QueryString: Sized + 'static {
    /// The filters, in the order links write them; each name is also the
    /// use case's parameter (`ListParams`, `ProblemListParams`).
    const FILTERS: &'static [Param<Self>];
    /// What links keep after the cursor that is not the list's (the
    /// problem queue's candidates' period).
    const KEPT: &'static [Param<Self>];
    fn sort(&self) -> &str;
    fn cursor(&self) -> &str;
}

/// Declares a list's query struct, every parameter a `String` as typed (so
/// the form can show it again), and its [`QueryString`], from one list of
/// names: the filters in the order links write them, the parameters links
/// keep after the cursor, then any the page reads but does not link (a
/// notice). Every list has `sort` and `cursor`.
macro_rules! list_query {
    (
        $(#[$doc:meta])*
        pub struct $name:ident {
            filters: [$($filter:ident),* $(,)?],
            kept: [$($kept:ident),* $(,)?],
            $($(#[$other_doc:meta])* $other:ident,)*
        }
    ) => {
        $(#[$doc])*
        #[derive(serde::Deserialize, Default, Debug, Clone)]
        #[serde(default)]
        pub struct $name {
            $(pub $filter: String,)*
            pub sort: String,
            pub cursor: String,
            $(pub $kept: String,)*
            $($(#[$other_doc])* pub $other: String,)*
        }

        impl $crate::ui::record_list::QueryString for $name {
            const FILTERS: &'static [$crate::ui::record_list::Param<Self>] =
                &[$((stringify!($filter), |q| &q.$filter)),*];
            const KEPT: &'static [$crate::ui::record_list::Param<Self>] = &[$((stringify!($kept), |q| &q.$kept)),*];
            fn sort(&self) -> &str {
                &self.sort
            }
            fn cursor(&self) -> &str {
                &self.cursor
            }
        }
    };
}
pub(crate) use list_query;

/// A kind's list: where it is and the orders it offers.
pub struct Shape {
    /// The list's path, `/incidents`.
    pub path: &'static str,
    /// The kind's own orders, (value, label), after those every list
    /// offers ([`ORDERS`]).
    pub sorts: &'static [(&'static str, Msg)],
}

/// The orders every list's filter form offers: (value, label); "" is the
/// default, by priority.
pub const ORDERS: [(&str, Msg); 6] = [
    ("", Msg::SortPriority),
    ("-priority", Msg::SortPriorityLow),
    ("-opened", Msg::SortNewest),
    ("opened", Msg::SortOldest),
    ("-updated", Msg::SortUpdated),
    ("number", Msg::SortNumber),
];

/// The sort a list is in: the one asked for, else by priority.
fn sort_or_default(sort: &str) -> &str {
    if sort.is_empty() { "priority" } else { sort }
}

fn pairs<'q, Q>(params: &'static [Param<Q>], q: &'q Q) -> impl Iterator<Item = (&'static str, &'q str)> {
    params.iter().map(move |(name, get)| (*name, get(q)))
}

fn value<'q, Q: QueryString>(q: &'q Q, name: &str) -> &'q str {
    Q::FILTERS.iter().find(|(n, _)| *n == name).map_or("", |(_, get)| get(q))
}

/// The filters and the sort as typed: what another form on the page keeps
/// in hidden fields.
pub fn filters_and_sort<Q: QueryString>(q: &Q) -> Vec<(&'static str, &str)> {
    let mut out: Vec<_> = pairs(Q::FILTERS, q).collect();
    out.push(("sort", q.sort()));
    out
}

/// The parameters the filter form shows, each with its message beside it;
/// a message about any other is listed above the list.
pub fn shown<Q: QueryString>() -> Vec<&'static str> {
    Q::FILTERS.iter().map(|(name, _)| *name).chain(["sort"]).collect()
}

/// The use case's list parameters: the filters, the sort and the cursor
/// trimmed (empty ones left out) and the page size. `P` has a field for
/// each filter (a kind's unit test checks every one arrives).
pub fn params<Q: QueryString, P: DeserializeOwned + Default>(q: &Q, limit: i64) -> P {
    let mut map = Map::new();
    for (name, v) in pairs(Q::FILTERS, q).chain([("sort", q.sort()), ("cursor", q.cursor())]) {
        if let Some(v) = super::record_form::opt(v) {
            map.insert(name.to_owned(), Value::String(v));
        }
    }
    map.insert("limit".to_owned(), Value::from(limit));
    serde_json::from_value(Value::Object(map)).unwrap_or_else(|e| {
        tracing::error!(error = %e, "a list's filters are not its use case's parameters");
        P::default()
    })
}

/// Which of `queues` (label, query string) `q` is: the one whose filters
/// are exactly its.
pub fn current_queue<Q: QueryString, T: Text>(q: &Q, queues: &[(T, &str)]) -> Option<usize> {
    queues.iter().position(|(_, link)| {
        let wanted: Vec<(&str, &str)> =
            link.split('&').filter(|p| !p.is_empty()).map(|p| p.split_once('=').unwrap_or((p, ""))).collect();
        pairs(Q::FILTERS, q).all(|(name, v)| wanted.iter().find(|(n, _)| *n == name).map_or("", |w| w.1) == v)
    })
}

impl Shape {
    /// The list of `q` with other `sort` and `cursor` values.
    pub fn link<Q: QueryString>(&self, q: &Q, sort: &str, cursor: &str) -> String {
        let mut all: Vec<(&str, &str)> = pairs(Q::FILTERS, q).collect();
        all.extend([("sort", sort), ("cursor", cursor)]);
        all.extend(pairs(Q::KEPT, q));
        format!("{}{}", self.path, fmt::query(&all))
    }

    /// The records of `q` as a file (`csv` or `xlsx`): the API's export
    /// below the list's path, with its filters and order (not its page,
    /// nor what links keep besides).
    pub fn export_link<Q: QueryString>(&self, q: &Q, format: &str) -> String {
        format!("/api/v1{}/export.{format}{}", self.path, fmt::query(&filters_and_sort(q)))
    }

    /// The saved reports' form, filled in with this list (its path names
    /// the report's subject) and its filters and order.
    pub fn save_link<Q: QueryString>(&self, q: &Q) -> String {
        save_link(self.path.trim_start_matches('/'), &fmt::query(&filters_and_sort(q)))
    }

    /// The queues as tabs, the current one marked.
    pub fn queues<Q: QueryString, T: Text>(&self, ctx: &Ctx, q: &Q, label: impl Text, queues: &[(T, &str)]) -> Markup {
        let current = current_queue(q, queues);
        html! {
            nav.tabs aria-label=(ctx.t(label)) {
                @for (i, (label, link)) in queues.iter().enumerate() {
                    a href={ (self.path) @if !link.is_empty() { "?" (link) } }
                        aria-current=[(current == Some(i)).then_some("page")] { (ctx.t(label)) } " "
                }
            }
        }
    }
}

/// The "Export CSV" and "Export XLSX" buttons of a list: `link(format)`
/// is each file's address, `hint` says what it holds.
pub fn export_buttons(ctx: &Ctx, link: impl Fn(&str) -> String, hint: &str) -> Markup {
    html! {
        a.btn.export-csv href=(link("csv")) title=(hint) download { (ctx.t(Msg::ExportCsv)) }
        " "
        a.btn.export-xlsx href=(link("xlsx")) title=(hint) download { (ctx.t(Msg::ExportXlsx)) }
    }
}

/// The saved reports' form for a report on the list `subject` with the
/// list's query string `query` (with or without its `?`).
pub fn save_link(subject: &str, query: &str) -> String {
    format!(
        "{}{}",
        super::saved_reports::PATH,
        fmt::query(&[("subject", subject), ("filters", query.trim_start_matches('?'))])
    )
}

/// The "Save as report" button of a list, to the form `link` fills in.
pub fn save_button(ctx: &Ctx, link: &str) -> Markup {
    use super::report_texts::RepMsg;
    html! {
        a.btn #save-as-report href=(link) title=(ctx.t(RepMsg::SaveAsReportHint)) { (ctx.t(RepMsg::SaveAsReport)) }
    }
}

/// How one control of a filter form takes its value.
pub enum Control {
    Search,
    Date,
    /// Text with suggestions from the datalist of this id.
    Suggest(&'static str),
    Select(Vec<(String, String)>),
}

/// One control of a list's filter form; it shows the query's parameter of
/// the same name.
pub struct Filter<'a> {
    pub id: &'static str,
    pub name: &'static str,
    pub label: &'a str,
    pub control: Control,
}

impl<'a> Filter<'a> {
    pub fn new(id: &'static str, name: &'static str, label: &'a str, control: Control) -> Self {
        Filter { id, name, label, control }
    }
}

/// The filter form (a GET to the list): `filters` in order, then the sort
/// and the buttons, then `after` (a datalist the controls name).
pub fn filter_form<Q: QueryString>(
    ctx: &Ctx,
    shape: &Shape,
    q: &Q,
    filters: &[Filter],
    errors: &widgets::Errors,
    after: Markup,
) -> Markup {
    let field = |id, name, label| widgets::Field::new(ctx.lang, id, name, label, errors);
    let sorts: Vec<(String, String)> =
        ORDERS.iter().chain(shape.sorts).map(|(v, m)| ((*v).to_owned(), ctx.t(m).to_owned())).collect();
    let sort = match q.sort() {
        "priority" => "",
        s => s,
    };
    html! {
        form.filters method="get" action=(shape.path) aria-label=(ctx.t(Msg::Filters)) {
            @for f in filters {
                @let plain = field(f.id, f.name, f.label);
                @let value = value(q, f.name);
                @match &f.control {
                    Control::Search => (widgets::Field { kind: Some("search"), ..plain }.input(value)),
                    Control::Date => (widgets::Field { kind: Some("date"), ..plain }.input(value)),
                    Control::Suggest(list) => (widgets::Field { list: Some(*list), autocomplete: Some("off"), ..plain }.input(value)),
                    Control::Select(options) => (plain.select(options, value)),
                }
            }
            (field("f-sort", "sort", ctx.t(Msg::SortOrder)).select(&sorts, sort))
            div.filter-actions {
                button.btn.btn-primary type="submit" { (ctx.t(Msg::Apply)) }
                a.btn.btn-quiet href=(shape.path) { (ctx.t(Msg::ClearFilters)) }
            }
            (after)
        }
    }
}

/// The options of the filter selects: "any" first.
pub mod options {
    use super::*;

    /// "Any", then `fixed` (value, label), then `more`.
    pub fn any_of<T: Text>(
        ctx: &Ctx,
        fixed: &[(&str, T)],
        more: impl IntoIterator<Item = (String, String)>,
    ) -> Vec<(String, String)> {
        let mut out = vec![(String::new(), ctx.t(Msg::Any).to_owned())];
        out.extend(fixed.iter().map(|(v, m)| ((*v).to_owned(), ctx.t(m).to_owned())));
        out.extend(more);
        out
    }

    fn named(names: &[String]) -> impl Iterator<Item = (String, String)> + '_ {
        names.iter().map(|n| (n.clone(), n.clone()))
    }

    /// "Open" (named `open`), then each state of the kind.
    pub fn states<S: StateLabel>(ctx: &Ctx, open: impl Text) -> Vec<(String, String)> {
        any_of(ctx, &[("open", open)], S::ALL.iter().map(|s| (s.as_str().to_owned(), s.label(ctx.lang).to_owned())))
    }

    pub fn priorities(ctx: &Ctx) -> Vec<(String, String)> {
        any_of::<Msg>(
            ctx,
            &[],
            (1..=5).map(|p| (p.to_string(), format!("P{p} – {}", i18n::priority_name(ctx.lang, p)))),
        )
    }

    /// The viewer's groups, none, then each group.
    pub fn groups(ctx: &Ctx, names: &[String]) -> Vec<(String, String)> {
        any_of(ctx, &[("mine", Msg::MyGroups), ("none", Msg::NoGroup)], named(names))
    }

    /// Me, unassigned, then each of `people` (username, name).
    pub fn people<'a>(ctx: &Ctx, people: impl Iterator<Item = &'a (String, String)>) -> Vec<(String, String)> {
        any_of(ctx, &[("me", Msg::Me), ("none", Msg::Unassigned)], people.cloned())
    }

    pub fn names(ctx: &Ctx, names: &[String]) -> Vec<(String, String)> {
        any_of::<Msg>(ctx, &[], named(names))
    }

    /// Yes (`true`), no (`false`).
    pub fn yes_no(ctx: &Ctx) -> Vec<(String, String)> {
        any_of(ctx, &[("true", Msg::Yes), ("false", Msg::No)], [])
    }
}

/// What the filter selects offer.
pub struct Choices {
    pub groups: Vec<String>,
    /// Active staff, who can be assignees: (username, display name).
    pub staff: Vec<(String, String)>,
    /// Deactivated staff, named as such: offered by a filter (to find a
    /// leaver's records and hand them on), never as assignees.
    pub former: Vec<(String, String)>,
    /// Everyone active, for suggestions.
    pub users: Vec<(String, String)>,
    /// The catalog's service names.
    pub services: Vec<String>,
}

pub async fn choices(s: &AppState, ctx: &Ctx) -> Result<Choices, AppError> {
    let groups = s.app.list_groups().await?.into_iter().map(|g| g.name).collect();
    let users = s.app.list_users(Some(&ctx.actor)).await?;
    let staff = users
        .iter()
        .filter(|u| u.active != 0 && u.role != "requester")
        .map(|u| (u.username.clone(), u.display_name.clone()))
        .collect();
    let former = users
        .iter()
        .filter(|u| u.active == 0 && u.role != "requester")
        .map(|u| (u.username.clone(), i18n::tf(ctx.lang, Msg::DeactivatedName, &[("name", &u.display_name)])))
        .collect();
    // A suggestion list, not a directory: cap it so the page stays light.
    let users = users.into_iter().filter(|u| u.active != 0).take(500).map(|u| (u.username, u.display_name)).collect();
    let mut services: Vec<String> = s.app.catalog(&ctx.actor, None).await?.into_iter().map(|c| c.name).collect();
    services.dedup();
    Ok(Choices { groups, staff, former, users, services })
}

/// Each listed record's SLA clocks, for its badge.
pub type Clocks = std::collections::HashMap<i64, Vec<steward_app::sla::ClockView>>;

/// A listed record's SLA cell: the one line its clocks come to.
pub fn sla_cell(lang: Lang, clocks: &Clocks, id: i64) -> Markup {
    html! { td.sla-cell { (clocks::badge(lang, clocks.get(&id).map_or(&[][..], Vec::as_slice))) } }
}

/// A column of a record table, by what it shows.
#[derive(Clone, Copy)]
pub enum Col {
    /// A checkbox per row for the bulk form (`#bulk`) above the table.
    Pick,
    Number,
    Title,
    State,
    Priority,
    Sla,
    Service,
    Group,
    /// The assignee, under the kind's name for it.
    Assignee(Label),
    Requester,
    Opened,
    Updated,
}

/// A table of records of `kind`: its columns, how a row reads as the
/// record, and the flag beside a title (a major incident, a known error).
pub struct Table<'a, R> {
    pub kind: RecordKind,
    /// The table's classes.
    pub class: &'static str,
    pub columns: &'a [Col],
    pub record: fn(&R) -> &Record,
    pub flag: fn(Lang, &R) -> Option<Markup>,
}

/// A column header that sorts the list at `link(sort)`: by `key` (`first`
/// is the direction a first click gives), marked when `sort` is it.
pub fn sort_header(
    ctx: &Ctx,
    sort: &str,
    link: &dyn Fn(&str) -> String,
    label: impl Text,
    key: &str,
    first: &str,
) -> Markup {
    let current = sort_or_default(sort);
    let desc = format!("-{key}");
    let (next, aria, arrow) = if current == key {
        (desc.as_str(), Some("ascending"), " ↑")
    } else if current == desc {
        (key, Some("descending"), " ↓")
    } else {
        (first, None, "")
    };
    let sr = match aria {
        Some("ascending") => ctx.t(Msg::SortedAscending),
        Some(_) => ctx.t(Msg::SortedDescending),
        None => "",
    };
    html! {
        th scope="col" aria-sort=[aria] {
            a.sort href=(link(next)) {
                (ctx.t(label)) span aria-hidden="true" { (arrow) }
                @if !sr.is_empty() { span.visually-hidden { ", " (sr) } }
            }
        }
    }
}

/// The SLA column sorts one way only: the nearest due moment first.
fn sla_header(ctx: &Ctx, sort: &str, link: &dyn Fn(&str) -> String) -> Markup {
    let sorted = sort == "sla_due";
    html! {
        th scope="col" aria-sort=[sorted.then_some("ascending")] {
            a.sort href=(link("sla_due")) {
                (ctx.t(Msg::SlaColumn)) span aria-hidden="true" { @if sorted { " ↑" } }
                @if sorted { span.visually-hidden { ", " (ctx.t(Msg::SortedAscending)) } }
            }
        }
    }
}

fn header<Q: QueryString>(ctx: &Ctx, col: Col, sorting: Option<(&Shape, &Q)>) -> Markup {
    let plain = |label: Label| html! { th scope="col" { (ctx.t(label)) } };
    let (label, key, first) = match col {
        Col::Pick => {
            return html! {
                th.pick scope="col" {
                    input #select-all type="checkbox" aria-label=(ctx.t(Msg::SelectAll)) hidden;
                }
            };
        }
        Col::Number => (&Msg::Number as Label, "number", "-number"),
        Col::Priority => (&Msg::Priority as Label, "priority", "priority"),
        Col::Opened => (&Msg::Opened as Label, "opened", "-opened"),
        Col::Updated => (&Msg::Updated as Label, "updated", "-updated"),
        Col::Sla => {
            // Sortable where the kind offers the order.
            return match sorting {
                Some((shape, q)) if shape.sorts.iter().any(|(v, _)| *v == "sla_due") => {
                    sla_header(ctx, q.sort(), &|sort| shape.link(q, sort, ""))
                }
                _ => plain(&Msg::SlaColumn),
            };
        }
        Col::Title => return plain(&Msg::Title),
        Col::State => return plain(&Msg::State),
        Col::Service => return plain(&Msg::Service),
        Col::Group => return plain(&Msg::GroupShort),
        Col::Assignee(label) => return plain(label),
        Col::Requester => return plain(&Msg::Requester),
    };
    match sorting {
        Some((shape, q)) => sort_header(ctx, q.sort(), &|sort| shape.link(q, sort, ""), label, key, first),
        None => plain(label),
    }
}

fn cell<R>(ctx: &Ctx, t: &Table<R>, col: Col, row: &R, clocks: &Clocks, now: i64) -> Markup {
    let lang = ctx.lang;
    let r = (t.record)(row);
    let n = RecordNumber { kind: t.kind, seq: r.number }.to_string();
    let href = format!("/{}/{n}", t.kind.paths().0);
    let who = |name: &Option<String>| html! { td.who-cell { (name.as_deref().unwrap_or("")) } };
    match col {
        Col::Pick => html! {
            td.pick {
                input type="checkbox" name="items" form="bulk" value={ (n) ":" (r.version) }
                    aria-label=(i18n::tf(lang, Msg::SelectRow, &[("number", &n)]));
            }
        },
        Col::Number => html! { td.num { a href=(href) { (n) } } },
        Col::Title => html! {
            td.title-cell {
                a href=(href) { (r.title) }
                @if let Some(flag) = (t.flag)(lang, row) { " " (flag) }
            }
        },
        Col::State => html! { td { (widgets::state_badge(lang, &r.state)) } },
        Col::Priority => html! { td { (widgets::priority_badge(lang, r.priority)) } },
        Col::Sla => sla_cell(lang, clocks, r.id),
        Col::Service => who(&r.service),
        Col::Group => who(&r.group_name),
        Col::Assignee(_) => html! {
            td.who-cell {
                @match &r.assignee_name {
                    Some(a) => (a),
                    None => span.muted { (ctx.t(Msg::Unassigned)) },
                }
            }
        },
        Col::Requester => who(&r.requester_name),
        Col::Opened => html! { td.time { (widgets::time(lang, r.opened_at, now)) } },
        Col::Updated => html! { td.time { (widgets::time(lang, r.updated_at, now)) } },
    }
}

/// The table of `rows`; with `sorting` (the list and its query) the
/// headers are sort links.
pub fn table<Q: QueryString, R>(
    ctx: &Ctx,
    t: &Table<R>,
    sorting: Option<(&Shape, &Q)>,
    rows: &[R],
    clocks: &Clocks,
) -> Markup {
    let now = fmt::now_micros();
    html! {
        div.table-wrap {
            table class=(t.class) {
                thead { tr { @for col in t.columns { (header(ctx, *col, sorting)) } } }
                tbody {
                    @for row in rows {
                        tr { @for col in t.columns { (cell(ctx, t, *col, row, clocks, now)) } }
                    }
                }
            }
        }
    }
}

/// A page of a list as read: its rows, their SLA clocks, the next page's
/// cursor and how many the list finds.
pub struct Found<R> {
    pub rows: Vec<R>,
    pub clocks: Clocks,
    pub next: Option<String>,
    pub count: Count,
}

/// Reads the page `filter` finds (`read` gives its rows, and whether
/// there are more, with the count) and its rows' clocks. A filter the use
/// case refused is its messages, for the form.
pub async fn find<R, F>(
    s: &AppState,
    ctx: &Ctx,
    kind: RecordKind,
    filter: Result<StoreFilter, AppError>,
    read: impl FnOnce(StoreFilter) -> F,
    record: fn(&R) -> &Record,
) -> Result<Result<Found<R>, widgets::Errors>, Failure>
where
    F: Future<Output = Result<((Vec<R>, bool), Count), AppError>>,
{
    let filter = match filter {
        Ok(filter) => filter,
        Err(AppError::Invalid(errors)) => return Ok(Err(widgets::Errors(errors))),
        Err(e) => return Err(ctx.fail(e)),
    };
    let sort = filter.sort;
    let ((rows, more), count) = read(filter).await.or_page(ctx)?;
    let next = if more { rows.last().map(|r| encode_cursor(&sort.key(record(r)))) } else { None };
    let ids: Vec<i64> = rows.iter().map(|r| record(r).id).collect();
    let clocks = s.app.clocks_of_records(kind.as_str(), &ids).await.or_page(ctx)?;
    Ok(Ok(Found { rows, clocks, next, count }))
}

/// The message for a list address that cannot be read (a parameter given
/// twice): the plain list is shown with it.
pub fn unreadable(e: &str) -> AppError {
    AppError::field("query", crate::error::malformed(e))
}

/// What the list found: the messages of a refused filter that the form
/// does not show beside a field, `empty` when nothing matches, else the
/// count (`count` says it in words), `page` (the table, and what goes
/// with it) and the pager.
pub fn results<Q: QueryString, R>(
    ctx: &Ctx,
    shape: &Shape,
    q: &Q,
    found: &Result<Found<R>, widgets::Errors>,
    empty: Markup,
    count: fn(Lang, Count) -> String,
    page: impl FnOnce(&Found<R>) -> Markup,
) -> Markup {
    let sort = sort_or_default(q.sort());
    html! {
        @match found {
            Err(e) => {
                // Each message is beside its filter; the list names only the
                // parameters the form does not show (a cursor from an old link).
                div.notice.error role="alert" {
                    (ctx.t(Msg::FilterProblem))
                    ul { @for fe in e.others(&shown::<Q>()) { li { (i18n::field(ctx.lang, &fe.field)) ": " (i18n::app_message(ctx.lang, fe)) } } }
                }
            }
            Ok(f) if f.rows.is_empty() => { (empty) }
            Ok(f) => {
                p.result-count #result-count role="status" { (count(ctx.lang, f.count)) }
                (page(f))
                nav.pager aria-label=(ctx.t(Msg::Pages)) {
                    @if !q.cursor().is_empty() { a.btn href=(shape.link(q, sort, "")) { "« " (ctx.t(Msg::FirstPage)) } }
                    @if let Some(c) = &f.next { a.btn #next-page href=(shape.link(q, sort, c)) rel="next" { (ctx.t(Msg::NextPage)) " »" } }
                }
            }
        }
    }
}

/// "1,234" or "10,000+" (Polish groups thousands with a space: "10 000+").
pub fn count_number(lang: Lang, c: Count) -> String {
    let digits = c.count.to_string();
    let sep = if lang == Lang::Pl { "\u{a0}" } else { "," };
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(sep);
        }
        out.push(ch);
    }
    if c.capped {
        out.push('+');
    }
    out
}

/// A count of what `p` counts, its digits grouped ("1,234 problems").
pub fn count_of(lang: Lang, c: Count, p: impl i18n::Counted) -> String {
    let n = count_number(lang, c);
    i18n::tn(lang, p, c.count.unsigned_abs()).replacen(&c.count.to_string(), &n, 1)
}

/// Checks a kind's [`QueryString`]: each filter reads the query's
/// parameter of its name, and reaches the use case's parameter of that
/// name, trimmed.
#[cfg(test)]
pub fn assert_filters_reach<Q, P>()
where
    Q: QueryString + DeserializeOwned,
    P: DeserializeOwned + Default + serde::Serialize,
{
    let pairs: Vec<String> = Q::FILTERS.iter().map(|(name, _)| format!("{name}=%20{name}")).collect();
    let uri: axum::http::Uri = format!("/list?{}", pairs.join("&")).parse().unwrap();
    let axum::extract::Query(q) = axum::extract::Query::<Q>::try_from_uri(&uri).unwrap();
    let params = serde_json::to_value(params::<Q, P>(&q, 50)).unwrap();
    for (name, get) in Q::FILTERS {
        assert_eq!(get(&q), format!(" {name}"), "the query's {name}");
        assert_eq!(params[name], *name, "{name} reaches the use case");
    }
    assert_eq!(params["limit"], 50);
}
