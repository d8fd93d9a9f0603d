//! `/incidents`: the desk's incident list with filters (a GET form), sort
//! links on the column headers and keyset pages, made of the pieces every
//! kind's list shares (`record_list`); the bulk bar and saved views are the
//! desk's (`desk`).

use super::incident_texts::IncMsg;
use super::{
    Ctx, OrPage, UiResult, layout,
    record_list::{self, Clocks, Col, Control, Filter, Shape, count_number, list_query, options},
    see_other, widgets,
};
use crate::{
    AppState,
    i18n::{self, Msg},
};
use axum::extract::{Query, State, rejection::QueryRejection};
use maud::{Markup, html};
use steward_app::incidents::ListParams;
use steward_domain::{IncidentState, number::RecordKind};
use steward_store::records::{Count, Incident};

const KIND: RecordKind = RecordKind::Incident;
const PAGE: i64 = 50;

list_query! {
    /// The list's query string.
    pub struct ListQuery {
        filters: [text, state, priority, group, assignee, requester, service, organisation, opened_from, opened_to, sla],
        kept: [],
        /// Which success message to show after a redirect (not a filter).
        m,
    }
}

/// The list's address and its own orders (after those every list offers).
const LIST: Shape = Shape { path: "/incidents", sorts: &[("sla_due", Msg::SortSlaDue)] };

/// The list a link such as `/incidents?state=open` shows; what cannot be
/// read is left out.
pub fn query_of(link: &str) -> ListQuery {
    let Ok(uri) = link.parse::<axum::http::Uri>() else { return ListQuery::default() };
    Query::<ListQuery>::try_from_uri(&uri).map(|Query(q)| q).unwrap_or_default()
}

impl ListQuery {
    pub fn params(&self, limit: i64) -> ListParams {
        record_list::params(self, limit)
    }

    /// This list's link with other `sort` and `cursor` values.
    pub fn link(&self, sort: &str, cursor: &str) -> String {
        LIST.link(self, sort, cursor)
    }

    /// The same records as a file (`csv` or `xlsx`): the API's export with
    /// this list's filters and order, every page.
    pub fn export_link(&self, format: &str) -> String {
        LIST.export_link(self, format)
    }

    /// The saved reports' form, filled in with this list's filters and order.
    pub fn save_link(&self) -> String {
        LIST.save_link(self)
    }
}

/// Which columns a table shows; queues on the home page use fewer.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Columns {
    Full,
    Queue,
}

/// The incident table; with `q`, the headers are sort links.
pub fn table(ctx: &Ctx, rows: &[Incident], clocks: &Clocks, cols: Columns, q: Option<&ListQuery>) -> Markup {
    let full = cols == Columns::Full;
    let mut columns = Vec::new();
    // Rows are ticked for the bulk form above the table (the list's only).
    if full && q.is_some() {
        columns.push(Col::Pick);
    }
    columns.extend([
        Col::Number,
        Col::Title,
        Col::State,
        Col::Priority,
        Col::Sla,
        Col::Group,
        Col::Assignee(&Msg::Assignee),
    ]);
    if full {
        columns.extend([Col::Requester, Col::Opened]);
    }
    columns.push(Col::Updated);
    let t = record_list::Table::<Incident> {
        kind: KIND,
        class: "incidents",
        columns: &columns,
        record: |i| i,
        flag: |lang, i| (i.major != 0).then(|| widgets::major_flag(lang)),
    };
    record_list::table(ctx, &t, q.map(|q| (&LIST, q)), rows, clocks)
}

fn filters(
    ctx: &Ctx,
    q: &ListQuery,
    c: &record_list::Choices,
    organisations: &[String],
    errors: &widgets::Errors,
) -> Markup {
    let select = |id, name, label, options| Filter::new(id, name, ctx.t(label), Control::Select(options));
    let mut fields = vec![
        Filter::new("f-text", "text", ctx.t(Msg::FilterText), Control::Search),
        select("f-state", "state", Msg::State, options::states::<IncidentState>(ctx, IncMsg::OpenStates)),
        select("f-priority", "priority", Msg::Priority, options::priorities(ctx)),
        select("f-group", "group", Msg::GroupShort, options::groups(ctx, &c.groups)),
        select("f-assignee", "assignee", Msg::Assignee, options::people(ctx, c.staff.iter().chain(&c.former))),
        Filter::new("f-requester", "requester", ctx.t(Msg::Requester), Control::Suggest("user-list")),
        select("f-service", "service", Msg::ServiceFromCatalog, options::names(ctx, &c.services)),
    ];
    if !organisations.is_empty() {
        fields.push(select("f-organisation", "organisation", Msg::Organisation, options::names(ctx, organisations)));
    }
    let slas = options::any_of(
        ctx,
        &[("breaching_soon", IncMsg::SlaBreachingSoon), ("breached", IncMsg::SlaBreachedFilter)],
        [],
    );
    fields.extend([
        Filter::new("f-from", "opened_from", ctx.t(Msg::OpenedFrom), Control::Date),
        Filter::new("f-to", "opened_to", ctx.t(Msg::OpenedBefore), Control::Date),
        select("f-sla", "sla", Msg::SlaName, slas),
    ]);
    let users = html! { datalist #user-list { @for (u, n) in &c.users { option value=(u) { (n) } } } };
    record_list::filter_form(ctx, &LIST, q, &fields, errors, users)
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
    let (c, organisations, views) = futures_util::try_join!(
        record_list::choices(s, &ctx),
        s.app.list_organisations(),
        s.app.saved_views(&ctx.actor)
    )
    .or_page(&ctx)?;
    let organisations: Vec<String> = organisations.into_iter().map(|o| o.name).collect();
    // A hand-edited address (e.g. a parameter given twice) gets the form
    // and a message rather than a bare error.
    let filter = match &q {
        Ok(q) => s.app.incident_filter(&ctx.actor, &q.params(PAGE)).await,
        Err(e) => Err(record_list::unreadable(e)),
    };
    let q = q.unwrap_or_default();
    let actor = &ctx.actor;
    let read = |filter: steward_store::records::Filter| async move {
        let count = s.app.count_incidents(actor, &filter);
        futures_util::future::try_join(s.app.list_incidents(actor, filter.clone()), count).await
    };
    let found = record_list::find(s, &ctx, KIND, filter, read, |i: &Incident| i).await?;
    let errors = found.as_ref().err().cloned().unwrap_or_default();
    let notice = match q.m.as_str() {
        "view_saved" => Some(ctx.t(IncMsg::FlashViewSaved)),
        "view_deleted" => Some(ctx.t(IncMsg::FlashViewDeleted)),
        _ => None,
    };
    let empty = html! { p.empty { (ctx.t(IncMsg::NoMatches)) } };
    let page = |f: &record_list::Found<Incident>| {
        html! {
            (super::desk::bulk_bar(&ctx, &q, &c.groups, &c.staff, &shown.bulk_errors))
            (table(&ctx, &f.rows, &f.clocks, Columns::Full, Some(&q)))
        }
    };
    let body = html! {
        div.page-head {
            h1 { (ctx.t(Msg::IncidentsTitle)) }
            div.actions {
                @if ctx.actor.is_staff() {
                    (record_list::export_buttons(&ctx, |f| q.export_link(f), ctx.t(IncMsg::ExportHint)))
                    " "
                    (record_list::save_button(&ctx, &q.save_link()))
                    " "
                }
                a.btn.btn-primary href="/incidents/new" { (ctx.t(Msg::NavNewIncident)) }
            }
        }
        @if let Some(n) = notice { (widgets::notice(n)) }
        @if let Some(summary) = &shown.summary { (summary) }
        (super::desk::views_panel(&ctx, &views, &q, &shown.view_errors))
        (filters(&ctx, &q, &c, &organisations, &errors))
        (record_list::results(&ctx, &LIST, &q, &found, empty, count_text, page))
    };
    super::ok(layout::page(&ctx, ctx.t(Msg::IncidentsTitle), body))
}

/// "1 incident", "1,234 incidents", "10,000+ incidents".
pub fn count_text(lang: i18n::Lang, c: Count) -> String {
    let n = count_number(lang, c);
    if c.capped {
        i18n::tf(lang, IncMsg::CountMore, &[("n", n.trim_end_matches('+'))])
    } else {
        record_list::count_of(lang, c, i18n::Plural::Incidents)
    }
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
    fn every_filter_reaches_the_use_case() {
        record_list::assert_filters_reach::<ListQuery, ListParams>();
    }

    #[test]
    fn the_export_links_carry_the_filters_and_the_order() {
        let q = query_of("/incidents?text=vpn&state=open&sort=-updated&cursor=xyz&m=view_saved");
        assert_eq!(q.export_link("csv"), "/api/v1/incidents/export.csv?text=vpn&state=open&sort=-updated");
        assert_eq!(query_of("/incidents").export_link("xlsx"), "/api/v1/incidents/export.xlsx");
        assert_eq!(
            q.save_link(),
            "/reports/saved?subject=incidents&filters=text%3Dvpn%26state%3Dopen%26sort%3D-updated"
        );
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
