//! `/incidents`: the desk's incident list with filters (a GET form), sort
//! links on the column headers and keyset pages.

use super::{Ctx, OrPage, UiResult, clocks, fmt, layout, see_other, widgets};
use crate::{
    AppState,
    i18n::{self, Msg},
};
use axum::extract::{Query, State, rejection::QueryRejection};
use maud::{Markup, html};
use serde::Deserialize;
use steward_app::{
    AppError,
    incidents::{ListParams, encode_cursor, number},
};
use steward_domain::IncidentState;
use steward_store::records::{Count, Incident};

const PAGE: i64 = 50;

/// The parameters the filter form shows, each with its message beside it.
const SHOWN: [&str; 12] = [
    "text",
    "state",
    "priority",
    "group",
    "assignee",
    "requester",
    "service",
    "organisation",
    "opened_from",
    "opened_to",
    "sla",
    "sort",
];

/// The list's query string, kept as typed so the form can show it again.
#[derive(Deserialize, Default, Debug, Clone)]
#[serde(default)]
pub struct ListQuery {
    pub state: String,
    pub priority: String,
    pub group: String,
    pub assignee: String,
    pub requester: String,
    pub service: String,
    pub organisation: String,
    pub text: String,
    pub opened_from: String,
    pub opened_to: String,
    pub sla: String,
    pub sort: String,
    pub cursor: String,
    /// Which success message to show after a redirect (not a filter).
    pub m: String,
}

/// The list a link such as `/incidents?state=open` shows; what cannot be
/// read is left out.
pub fn query_of(link: &str) -> ListQuery {
    let Ok(uri) = link.parse::<axum::http::Uri>() else { return ListQuery::default() };
    Query::<ListQuery>::try_from_uri(&uri).map(|Query(q)| q).unwrap_or_default()
}

fn opt(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

impl ListQuery {
    pub fn params(&self, limit: i64) -> ListParams {
        ListParams {
            state: opt(&self.state),
            priority: opt(&self.priority),
            group: opt(&self.group),
            assignee: opt(&self.assignee),
            requester: opt(&self.requester),
            service: opt(&self.service),
            organisation: opt(&self.organisation),
            text: opt(&self.text),
            opened_from: opt(&self.opened_from),
            opened_to: opt(&self.opened_to),
            sla: opt(&self.sla),
            sort: opt(&self.sort),
            cursor: opt(&self.cursor),
            limit: Some(limit),
            ..ListParams::default()
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
            ("requester", &self.requester),
            ("service", &self.service),
            ("organisation", &self.organisation),
            ("opened_from", &self.opened_from),
            ("opened_to", &self.opened_to),
            ("sla", &self.sla),
            ("sort", sort),
            ("cursor", cursor),
        ]);
        format!("/incidents{q}")
    }
}

/// Which columns a table shows; queues on the home page use fewer.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Columns {
    Full,
    Queue,
}

/// A sortable header: the sort key names and the default direction.
fn header(ctx: &Ctx, q: Option<&ListQuery>, label: Msg, key: &str, first: &str) -> Markup {
    let Some(q) = q else { return html! { th scope="col" { (ctx.t(label)) } } };
    sort_header(ctx, &q.sort, &|sort| q.link(sort, ""), label, key, first)
}

/// A column header that sorts the list at `link(sort)`: by `key` (`first`
/// is the direction a first click gives), marked when `sort` is it.
pub fn sort_header(ctx: &Ctx, sort: &str, link: &dyn Fn(&str) -> String, label: Msg, key: &str, first: &str) -> Markup {
    let current = if sort.is_empty() { "priority" } else { sort };
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
fn sla_header(ctx: &Ctx, q: Option<&ListQuery>) -> Markup {
    let Some(q) = q else { return html! { th scope="col" { (ctx.t(Msg::SlaColumn)) } } };
    let sorted = q.sort == "sla_due";
    html! {
        th scope="col" aria-sort=[sorted.then_some("ascending")] {
            a.sort href=(q.link("sla_due", "")) {
                (ctx.t(Msg::SlaColumn)) span aria-hidden="true" { @if sorted { " ↑" } }
                @if sorted { span.visually-hidden { ", " (ctx.t(Msg::SortedAscending)) } }
            }
        }
    }
}

/// Each listed record's SLA clocks, for its badge.
pub type Clocks = std::collections::HashMap<i64, Vec<steward_app::sla::ClockView>>;

/// A listed record's SLA cell: the one line its clocks come to.
pub fn sla_cell(lang: crate::i18n::Lang, clocks: &Clocks, id: i64) -> Markup {
    html! { td.sla-cell { (clocks::badge(lang, clocks.get(&id).map_or(&[][..], Vec::as_slice))) } }
}

/// The incident table; with `q`, the headers are sort links.
pub fn table(ctx: &Ctx, rows: &[Incident], clocks: &Clocks, cols: Columns, q: Option<&ListQuery>) -> Markup {
    let lang = ctx.lang;
    let now = fmt::now_micros();
    let full = cols == Columns::Full;
    // Rows are ticked for the bulk form above the table (the list's only).
    let pick = full && q.is_some();
    html! {
        div.table-wrap {
            table.incidents {
                thead { tr {
                    @if pick {
                        th.pick scope="col" {
                            input #select-all type="checkbox" aria-label=(ctx.t(Msg::SelectAll)) hidden;
                        }
                    }
                    (header(ctx, q, Msg::Number, "number", "-number"))
                    th scope="col" { (ctx.t(Msg::Title)) }
                    th scope="col" { (ctx.t(Msg::State)) }
                    (header(ctx, q, Msg::Priority, "priority", "priority"))
                    (sla_header(ctx, q))
                    th scope="col" { (ctx.t(Msg::GroupShort)) }
                    th scope="col" { (ctx.t(Msg::Assignee)) }
                    @if full {
                        th scope="col" { (ctx.t(Msg::Requester)) }
                        (header(ctx, q, Msg::Opened, "opened", "-opened"))
                    }
                    (header(ctx, q, Msg::Updated, "updated", "-updated"))
                } }
                tbody {
                    @for i in rows {
                        @let n = number(i.number);
                        tr {
                            @if pick {
                                td.pick {
                                    input type="checkbox" name="items" form="bulk" value={ (n) ":" (i.version) }
                                        aria-label=(i18n::tf(lang, Msg::SelectRow, &[("number", &n)]));
                                }
                            }
                            td.num { a href={ "/incidents/" (n) } { (n) } }
                            td.title-cell {
                                a href={ "/incidents/" (n) } { (i.title) }
                                @if i.major != 0 { " " (widgets::major_flag(lang)) }
                            }
                            td { (widgets::state_badge(lang, &i.state)) }
                            td { (widgets::priority_badge(lang, i.priority)) }
                            (sla_cell(lang, clocks, i.id))
                            td.who-cell { (i.group_name.as_deref().unwrap_or("")) }
                            td.who-cell {
                                @match &i.assignee_name {
                                    Some(a) => (a),
                                    None => span.muted { (ctx.t(Msg::Unassigned)) },
                                }
                            }
                            @if full {
                                td.who-cell { (i.requester_name.as_deref().unwrap_or("")) }
                                td.time { (widgets::time(lang, i.opened_at, now)) }
                            }
                            td.time { (widgets::time(lang, i.updated_at, now)) }
                        }
                    }
                }
            }
        }
    }
}

/// Options for the filter selects.
struct Choices {
    groups: Vec<String>,
    /// Staff who can be assignees: (username, display name).
    staff: Vec<(String, String)>,
    /// Deactivated staff, offered by the filter alone (to find a leaver's
    /// incidents and hand them on), never as assignees.
    former: Vec<(String, String)>,
    /// Everyone, for the requester suggestions.
    users: Vec<(String, String)>,
    /// The catalog's service names.
    services: Vec<String>,
    organisations: Vec<String>,
}

async fn choices(s: &AppState, ctx: &Ctx) -> Result<Choices, AppError> {
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
    let organisations = s.app.list_organisations().await?.into_iter().map(|o| o.name).collect();
    Ok(Choices { groups, staff, former, users, services, organisations })
}

fn filters(ctx: &Ctx, q: &ListQuery, c: &Choices, errors: &widgets::Errors) -> Markup {
    let lang = ctx.lang;
    let any = || (String::new(), ctx.t(Msg::Any).to_owned());
    let mut states = vec![any(), ("open".to_owned(), ctx.t(Msg::OpenStates).to_owned())];
    states.extend(IncidentState::ALL.iter().map(|s| (s.as_str().to_owned(), i18n::state(lang, *s).to_owned())));
    let mut prios = vec![any()];
    prios.extend((1..=5).map(|p| (p.to_string(), format!("P{p} – {}", i18n::priority_name(lang, p)))));
    let mut groups =
        vec![any(), ("mine".into(), ctx.t(Msg::MyGroups).into()), ("none".into(), ctx.t(Msg::NoGroup).into())];
    groups.extend(c.groups.iter().map(|g| (g.clone(), g.clone())));
    let mut assignees =
        vec![any(), ("me".into(), ctx.t(Msg::Me).into()), ("none".into(), ctx.t(Msg::Unassigned).into())];
    assignees.extend(c.staff.iter().chain(&c.former).cloned());
    let mut services = vec![any()];
    services.extend(c.services.iter().map(|n| (n.clone(), n.clone())));
    let mut organisations = vec![any()];
    organisations.extend(c.organisations.iter().map(|n| (n.clone(), n.clone())));
    let slas = vec![
        any(),
        ("breaching_soon".into(), ctx.t(Msg::SlaBreachingSoon).into()),
        ("breached".into(), ctx.t(Msg::SlaBreachedFilter).into()),
    ];
    let sorts: Vec<(String, String)> = [
        ("", Msg::SortPriority),
        ("-priority", Msg::SortPriorityLow),
        ("-opened", Msg::SortNewest),
        ("opened", Msg::SortOldest),
        ("-updated", Msg::SortUpdated),
        ("number", Msg::SortNumber),
        ("sla_due", Msg::SortSlaDue),
    ]
    .into_iter()
    .map(|(v, m)| (v.to_owned(), ctx.t(m).to_owned()))
    .collect();
    let sort = if q.sort == "priority" { "" } else { q.sort.as_str() };
    let f = |id, name, label| widgets::Field::new(lang, id, name, label, errors);
    html! {
        form.filters method="get" action="/incidents" aria-label=(ctx.t(Msg::Filters)) {
            (widgets::Field { kind: Some("search"), ..f("f-text", "text", ctx.t(Msg::FilterText)) }.input(&q.text))
            (f("f-state", "state", ctx.t(Msg::State)).select(&states, &q.state))
            (f("f-priority", "priority", ctx.t(Msg::Priority)).select(&prios, &q.priority))
            (f("f-group", "group", ctx.t(Msg::GroupShort)).select(&groups, &q.group))
            (f("f-assignee", "assignee", ctx.t(Msg::Assignee)).select(&assignees, &q.assignee))
            (widgets::Field { list: Some("user-list"), autocomplete: Some("off"), ..f("f-requester", "requester", ctx.t(Msg::Requester)) }.input(&q.requester))
            (f("f-service", "service", ctx.t(Msg::ServiceFromCatalog)).select(&services, &q.service))
            @if organisations.len() > 1 {
                (f("f-organisation", "organisation", ctx.t(Msg::Organisation)).select(&organisations, &q.organisation))
            }
            (widgets::Field { kind: Some("date"), ..f("f-from", "opened_from", ctx.t(Msg::OpenedFrom)) }.input(&q.opened_from))
            (widgets::Field { kind: Some("date"), ..f("f-to", "opened_to", ctx.t(Msg::OpenedBefore)) }.input(&q.opened_to))
            (f("f-sla", "sla", ctx.t(Msg::SlaName)).select(&slas, &q.sla))
            (f("f-sort", "sort", ctx.t(Msg::SortOrder)).select(&sorts, sort))
            div.filter-actions {
                button.btn.btn-primary type="submit" { (ctx.t(Msg::Apply)) }
                a.btn.btn-quiet href="/incidents" { (ctx.t(Msg::ClearFilters)) }
            }
            datalist #user-list {
                @for (u, n) in &c.users { option value=(u) { (n) } }
            }
        }
    }
}

/// What a post on the list adds to it: a bulk change's summary, or the
/// messages of a refused bulk change or saved view.
#[derive(Default)]
pub struct Shown {
    pub summary: Option<Markup>,
    pub bulk_errors: widgets::Errors,
    pub view_errors: widgets::Errors,
}

pub async fn show(State(s): State<AppState>, ctx: Ctx, q: Result<Query<ListQuery>, QueryRejection>) -> UiResult {
    if !ctx.actor.is_staff() {
        return see_other("/portal");
    }
    render(&s, &ctx, q.map(|Query(q)| q).map_err(|e| e.body_text()), Shown::default()).await
}

/// The list page for `q` (or the message why its address cannot be read).
pub async fn render(s: &AppState, ctx: &Ctx, q: Result<ListQuery, String>, shown: Shown) -> UiResult {
    let ctx = ctx.clone();
    let (c, views) = futures_util::try_join!(choices(s, &ctx), s.app.saved_views(&ctx.actor)).or_page(&ctx)?;
    // A hand-edited address (e.g. a parameter given twice) gets the form
    // and a message rather than a bare error.
    let (q, filter) = match q {
        Ok(q) => {
            let f = s.app.incident_filter(&ctx.actor, &q.params(PAGE)).await;
            (q, f)
        }
        Err(e) => (ListQuery::default(), Err(AppError::field("query", crate::error::malformed(e)))),
    };
    let found = match filter {
        Ok(filter) => {
            let sort = filter.sort;
            let count = s.app.count_incidents(&ctx.actor, &filter);
            let ((rows, more), count) =
                futures_util::future::try_join(s.app.list_incidents(&ctx.actor, filter.clone()), count)
                    .await
                    .or_page(&ctx)?;
            let next = if more { rows.last().map(|r| encode_cursor(&sort.key(r))) } else { None };
            let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
            let clocks = s.app.clocks_of_incidents(&ids).await.or_page(&ctx)?;
            Ok((rows, clocks, next, count))
        }
        Err(AppError::Invalid(errors)) => Err(widgets::Errors(errors)),
        Err(e) => return Err(ctx.fail(e)),
    };
    let errors = found.as_ref().err().cloned().unwrap_or_default();
    let sort = if q.sort.is_empty() { "priority" } else { q.sort.as_str() };
    let notice = match q.m.as_str() {
        "view_saved" => Some(ctx.t(Msg::FlashViewSaved)),
        "view_deleted" => Some(ctx.t(Msg::FlashViewDeleted)),
        _ => None,
    };
    let body = html! {
        div.page-head {
            h1 { (ctx.t(Msg::IncidentsTitle)) }
            a.btn.btn-primary href="/incidents/new" { (ctx.t(Msg::NavNewIncident)) }
        }
        @if let Some(n) = notice { (widgets::notice(n)) }
        @if let Some(summary) = &shown.summary { (summary) }
        (super::desk::views_panel(&ctx, &views, &q, &shown.view_errors))
        (filters(&ctx, &q, &c, &errors))
        @match &found {
            Err(e) => {
                // Each message is beside its filter; the list names only the
                // parameters the form does not show (a cursor from an old link).
                div.notice.error role="alert" {
                    (ctx.t(Msg::FilterProblem))
                    ul { @for fe in e.others(&SHOWN) { li { (i18n::field(ctx.lang, &fe.field)) ": " (i18n::app_message(ctx.lang, fe)) } } }
                }
            }
            Ok((rows, _, _, _)) if rows.is_empty() => { p.empty { (ctx.t(Msg::NoMatches)) } }
            Ok((rows, clocks, next, count)) => {
                p.result-count #result-count role="status" { (count_text(ctx.lang, *count)) }
                (super::desk::bulk_bar(&ctx, &q, &c.groups, &c.staff, &shown.bulk_errors))
                (table(&ctx, rows, clocks, Columns::Full, Some(&q)))
                nav.pager aria-label=(ctx.t(Msg::Pages)) {
                    @if !q.cursor.is_empty() { a.btn href=(q.link(sort, "")) { "« " (ctx.t(Msg::FirstPage)) } }
                    @if let Some(c) = next { a.btn #next-page href=(q.link(sort, c)) rel="next" { (ctx.t(Msg::NextPage)) " »" } }
                }
            }
        }
    };
    super::ok(layout::page(&ctx, ctx.t(Msg::IncidentsTitle), body))
}

/// "1,234" or "10,000+" (Polish groups thousands with a space: "10 000+").
pub fn count_number(lang: i18n::Lang, c: Count) -> String {
    let digits = c.count.to_string();
    let sep = if lang == i18n::Lang::Pl { "\u{a0}" } else { "," };
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

/// "1 incident", "1,234 incidents", "10,000+ incidents".
pub fn count_text(lang: i18n::Lang, c: Count) -> String {
    let n = count_number(lang, c);
    if c.capped {
        i18n::tf(lang, Msg::CountMore, &[("n", n.trim_end_matches('+'))])
    } else {
        count_of(lang, c, i18n::Plural::Incidents)
    }
}

/// A count of what `p` counts, its digits grouped ("1,234 problems").
pub fn count_of(lang: i18n::Lang, c: Count, p: i18n::Plural) -> String {
    let n = count_number(lang, c);
    i18n::tn(lang, p, c.count.unsigned_abs()).replacen(&c.count.to_string(), &n, 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_as_numbers_with_a_cap() {
        let c = |count, capped| Count { count, capped };
        assert_eq!(count_text(i18n::Lang::En, c(1, false)), "1 incident");
        assert_eq!(count_text(i18n::Lang::En, c(1234, false)), "1,234 incidents");
        assert_eq!(count_text(i18n::Lang::En, c(10_000, true)), "10,000+ incidents");
        assert_eq!(count_text(i18n::Lang::Pl, c(10_000, true)), "10\u{a0}000+ incydentów");
        assert_eq!(count_text(i18n::Lang::Pl, c(3, false)), "3 incydenty");
        assert_eq!(count_text(i18n::Lang::En, c(999, false)), "999 incidents");
        assert_eq!(count_number(i18n::Lang::En, c(123_456, false)), "123,456");
        assert_eq!(count_number(i18n::Lang::En, c(0, false)), "0");
    }

    #[test]
    fn links_keep_the_filters_and_drop_empty_ones() {
        let q = ListQuery { state: "open".into(), text: "vpn down".into(), cursor: "abc".into(), ..Default::default() };
        assert_eq!(q.link("-updated", ""), "/incidents?text=vpn%20down&state=open&sort=-updated");
        assert_eq!(q.link("priority", "xyz"), "/incidents?text=vpn%20down&state=open&sort=priority&cursor=xyz");
        let p = q.params(50);
        assert_eq!((p.state.as_deref(), p.priority, p.limit), (Some("open"), None, Some(50)));
    }

    #[test]
    fn a_link_reads_back_as_its_list() {
        let q = query_of("/incidents?text=vpn%20down&state=open&sort=-updated&m=view_saved");
        assert_eq!(
            (q.text.as_str(), q.state.as_str(), q.sort.as_str(), q.m.as_str()),
            ("vpn down", "open", "-updated", "view_saved")
        );
        assert_eq!(query_of("/incidents?state=a&state=b").state, "", "unreadable: the plain list");
    }
}
