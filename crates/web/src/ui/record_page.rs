//! What every record kind's page is made of (the incident page and the
//! problem page; the next kind's too): what it shows besides the record
//! ([`View`]), its header, its two columns with the notice and a page-wide
//! alert, the description, the activity with the comment box, the details
//! box, the notice a redirect asks for ([`show`]); and [`RecordPage`],
//! through which the posts every kind shares (`record_actions`) show a
//! kind's page again.

use super::{Ctx, Failure, UiResult, activity, conversation, fmt, html, layout, widgets};
use crate::{
    AppState,
    i18n::{self, Label, Msg, Text},
};
use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
};
use maud::{Markup, html};
use serde::Deserialize;
use steward_app::{AppError, Message, desk::FilledReply};
use steward_domain::{RecordNumber, number::RecordKind};
use steward_store::{journal::Entry, records::Record};

/// A kind's page, as the handlers every kind shares see it.
pub trait RecordPage: 'static {
    const KIND: RecordKind;
    /// The notices a redirect to the page may ask for (`?m=…`) that are
    /// the kind's own: (name, message; `{number}` is the record's).
    const NOTICES: &'static [(&'static str, Label)];
    /// A state change as typed.
    type Draft: Default + Send + serde::de::DeserializeOwned;
    /// What only this kind's page shows again after a refusal.
    type Own: Default + Send;

    /// Loads the record and renders its page with `view`.
    fn respond(
        s: &AppState,
        ctx: &Ctx,
        n: &str,
        view: View<Self::Draft, Self::Own>,
        status: StatusCode,
    ) -> impl Future<Output = UiResult> + Send;

    /// Who may post comments and files here: whom the use cases let, or
    /// staff only where the whole page is staff's.
    fn may_post(_ctx: &Ctx) -> Result<(), Failure> {
        Ok(())
    }

    /// The canned replies the comment box offers, filled for the record.
    fn replies(_s: &AppState, _ctx: &Ctx, _n: &str) -> impl Future<Output = Result<Vec<FilledReply>, AppError>> + Send {
        async { Ok(Vec::new()) }
    }
}

/// What a record's page shows besides the record: a notice, a page-wide
/// alert, and the input of a refused post with its messages. `T` is the
/// kind's state-change draft, `X` what only its page has.
#[derive(Default)]
pub struct View<T, X> {
    pub notice: Option<String>,
    /// A page-wide message; with `true` it offers to load the latest version.
    pub alert: Option<(String, bool)>,
    /// The comment box as typed, with its messages.
    pub draft: conversation::Draft,
    pub transition: Option<(T, widgets::Errors)>,
    /// Why the last file sent on its own was refused.
    pub upload_error: Option<Message>,
    /// The link form as typed, with its messages.
    pub link: super::record_links::Typed,
    pub own: X,
}

/// The notices every kind's page gives after a redirect.
const NOTICES: [(&str, Label); 9] = [
    ("saved", &Msg::FlashSaved),
    ("state", &Msg::FlashStateChanged),
    ("commented", &Msg::FlashCommented),
    ("uploaded", &Msg::FlashUploaded),
    ("watching", &Msg::FlashWatching),
    ("unwatched", &Msg::FlashUnwatched),
    ("linked", &Msg::FlashLinked),
    super::record_links::NOTICES[0],
    super::record_links::NOTICES[1],
];

#[derive(Deserialize, Default)]
pub struct PageQuery {
    /// Which success message to show after a redirect.
    m: Option<String>,
}

/// `GET` of a record's page, with the notice its address asks for.
pub async fn show<P: RecordPage>(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(n): Path<String>,
    Query(q): Query<PageQuery>,
) -> UiResult {
    let number = P::KIND.seq_of(&n).map(|seq| RecordNumber { kind: P::KIND, seq }.to_string()).unwrap_or_default();
    let notice = q.m.as_deref().and_then(|m| {
        let of = |list: &[(&str, Label)]| list.iter().find(|(name, _)| *name == m).map(|(_, msg)| *msg);
        of(P::NOTICES).or_else(|| of(&NOTICES[..])).map(|msg| i18n::tf(ctx.lang, msg, &[("number", &number)]))
    });
    P::respond(&s, &ctx, &n, View { notice, ..View::default() }, StatusCode::OK).await
}

/// The page of the record numbered `number`, titled with its number and title.
pub fn page(ctx: &Ctx, number: &str, title: &str, body: Markup, status: StatusCode) -> UiResult {
    Ok(html(status, layout::page(ctx, &format!("{number} {title}"), body)))
}

/// The header of a record's page.
pub struct Head<'a> {
    /// The way back: the list's link and its name.
    pub crumb: (&'a str, &'a str),
    /// What its parts' ids start with: `incident` gives `#incident-title`,
    /// `#incident-state`, `#edit-incident`.
    pub id: &'static str,
    pub number: &'a str,
    pub record: &'a Record,
    /// The record's page (the watch button posts there).
    pub page: &'a str,
    pub watching: bool,
    /// The kind's buttons before Watch.
    pub actions: Markup,
    /// Whether the viewer may edit it.
    pub edit: bool,
    /// The kind's badges after the priority.
    pub badges: Markup,
}

/// The way back, the number and title, the buttons, the state and priority
/// with the kind's badges, and who opened it when.
pub fn header(ctx: &Ctx, h: Head) -> Markup {
    let lang = ctx.lang;
    let r = h.record;
    html! {
        div.incident-head {
            nav.crumbs aria-label="Breadcrumb" { a href=(h.crumb.0) { (h.crumb.1) } " / " span { (h.number) } }
            div.head-row {
                h1 { span.num { (h.number) } " " span #{ (h.id) "-title" } { (r.title) } }
                div.head-actions {
                    (h.actions)
                    (super::notifications::watch_button(ctx, h.page, h.watching))
                    @if h.edit { a.btn #{ "edit-" (h.id) } href={ (h.page) "/edit" } { (ctx.t(Msg::Edit)) } }
                }
            }
            div.head-badges {
                span #{ (h.id) "-state" } { (widgets::state_badge(lang, &r.state)) }
                (widgets::priority_badge(lang, r.priority)) " " span.prio-name { (i18n::priority_name(lang, r.priority)) }
                (h.badges)
                span.head-meta {
                    (r.requester_name.as_deref().unwrap_or("")) " · " (ctx.t(Msg::Opened)) " "
                    (widgets::time(lang, r.opened_at, fmt::now_micros()))
                }
            }
        }
    }
}

/// The page below its header: the notice, a page-wide alert (about an old
/// version: with a link to the latest, the page at `page`), the main
/// column and the side.
pub fn columns<T, X>(ctx: &Ctx, page: &str, v: &View<T, X>, main: Markup, side: Markup) -> Markup {
    html! {
        @if let Some(n) = &v.notice { (widgets::notice(n)) }
        @if let Some((p, reload)) = &v.alert {
            (widgets::alert(p, reload.then_some((page, ctx.t(Msg::ReloadLatest)))))
        }
        div.incident-grid {
            div.incident-main { (main) }
            aside.incident-side aria-label=(ctx.t(Msg::Details)) { (side) }
        }
    }
}

/// A text as prose (`id` its element's), or `empty` in muted words.
pub fn text_or(ctx: &Ctx, text: Option<&str>, empty: impl Text, id: &str) -> Markup {
    html! {
        @match text.filter(|t| !t.trim().is_empty()) {
            Some(t) => div.prose id=(id) { (t) },
            None => p.muted { (ctx.t(empty)) },
        }
    }
}

pub fn description(ctx: &Ctx, text: &str, id: &str) -> Markup {
    html! {
        section.panel aria-labelledby="description-title" {
            h2 #description-title { (ctx.t(Msg::Description)) }
            (text_or(ctx, Some(text), Msg::NoDescription, id))
        }
    }
}

/// The journal (whose first entry reads `created`) and the comment box
/// posting to `page`, with the canned `replies` it offers.
pub fn activity(
    ctx: &Ctx,
    s: &AppState,
    page: &str,
    journal: &[Entry],
    created: Label,
    replies: &[FilledReply],
    draft: &conversation::Draft,
) -> Markup {
    html! {
        section #activity aria-labelledby="activity-title" {
            h2 #activity-title { (ctx.t(Msg::Activity)) }
            (activity::stream_of(ctx.lang, journal, created))
            (conversation::comment_form(ctx, s, page, replies, draft))
        }
    }
}

/// The details box: the record's fields, with the kind's own among them.
pub struct Facts<'a> {
    pub record: &'a Record,
    /// The assignee's name for the kind, and its element's id.
    pub owner: (Label, &'static str),
    /// After impact and urgency: who it concerns.
    pub who: Markup,
    /// After the category: what it concerns.
    pub what: Markup,
    /// After the time it was opened.
    pub when: Markup,
}

pub fn details(ctx: &Ctx, f: Facts) -> Markup {
    let lang = ctx.lang;
    let r = f.record;
    let now = fmt::now_micros();
    let empty = ctx.t(Msg::Empty);
    let level = |n: i64| activity::value(lang, "impact", Some(&n.to_string()));
    html! {
        section.panel aria-labelledby="details-title" {
            h2 #details-title { (ctx.t(Msg::Details)) }
            dl.details {
                dt { (ctx.t(Msg::Priority)) }
                dd { (widgets::priority_badge(lang, r.priority)) " " (i18n::priority_name(lang, r.priority)) }
                dt { (ctx.t(Msg::Impact)) " / " (ctx.t(Msg::Urgency)) }
                dd { (level(r.impact)) " / " (level(r.urgency)) }
                (f.who)
                dt { (ctx.t(Msg::Group)) }
                dd { (r.group_name.as_deref().unwrap_or(empty)) }
                dt { (ctx.t(f.owner.0)) }
                dd #(f.owner.1) { (r.assignee_name.as_deref().unwrap_or(ctx.t(Msg::Unassigned))) }
                @if let Some(c) = &r.category { dt { (ctx.t(Msg::Category)) } dd { (c) } }
                (f.what)
                dt { (ctx.t(Msg::Opened)) } dd { (widgets::time(lang, r.opened_at, now)) }
                (f.when)
                @if r.resolved_at.is_some() { dt { (ctx.t(Msg::ResolvedAt)) } dd { (widgets::opt_time(lang, r.resolved_at, now)) } }
                @if r.closed_at.is_some() { dt { (ctx.t(Msg::ClosedAt)) } dd { (widgets::opt_time(lang, r.closed_at, now)) } }
                dt { (ctx.t(Msg::Updated)) } dd { (widgets::time(lang, r.updated_at, now)) }
                @if r.reopen_count > 0 {
                    dt { (ctx.t(Msg::Reopened)) }
                    dd { (i18n::tn(lang, i18n::Plural::Times, u64::try_from(r.reopen_count).unwrap_or(0))) }
                }
            }
        }
    }
}
